"""Ask a freshly started catlr server to warm up: wait for /_stcore/health, then request the script health check.

    python scripts/warm_up.py http://127.0.0.1:8501 [...]

The script health check runs app.py once, which starts the server's warm-up (ui/router.py): the page
modules are imported and the default model is trained before the first visitor arrives. Used by
scripts/app.sh and scripts/serve.sh, in the background; it gives up quietly after 60 s.
"""

from __future__ import annotations

import sys
import time
import urllib.request


def warm_up(url: str, timeout: float = 60.0) -> bool:
    """True when the server at ``url`` answered its health check and then ran the script once."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    break
        except OSError:
            time.sleep(0.2)
    else:
        return False
    try:
        with urllib.request.urlopen(f"{url}/_stcore/script-health-check", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(0 if all(warm_up(url) for url in sys.argv[1:]) else 1)
