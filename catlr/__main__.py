"""``python -m catlr``: the command line (see :mod:`catlr.cli`)."""

import sys

from catlr.cli import main

if __name__ == "__main__":
    sys.exit(main())
