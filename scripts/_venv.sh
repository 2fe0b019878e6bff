# Sourced by app.sh and test.sh: make .venv (Python 3.11+) and install the given requirement files.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -c 'import sys; assert sys.version_info >= (3, 11), "catlr needs Python 3.11 or newer"'
  "$PY" -m venv .venv
fi
ensure_requirements() {
  # Install only when a requirements file changed since the last successful install.
  local stamp=".venv/.catlr-installed-$(cat "$@" | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    # pip byte-compiles one file at a time; compiling afterwards on every core is faster (a fresh install of
    # requirements-test.txt: 84 s → 42 s + 23 s). A file that does not compile is skipped, as pip skips it.
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-compile $(printf -- '-r %s ' "$@")
    .venv/bin/python -m compileall -q -j 0 "$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null || true
    touch "$stamp"
  fi
}
