"""ui/ tests share the AppTest fixtures of tests/app (fresh caches, the repo as the working directory)."""

from tests.app.conftest import _fresh_caches, app  # noqa: F401
