"""The exercise's API under the name the exercise's notebooks import: ``from catlr.model import model``.

Everything here is :mod:`catlr.exercise`; new code imports from there. ``catlr`` itself does not
re-export the function ``model``, so ``catlr.model`` is always this module.
"""

from catlr.exercise import *  # noqa: F403
from catlr.exercise import __all__  # noqa: F401
