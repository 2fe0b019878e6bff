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
    .venv/bin/python -m pip install --quiet --disable-pip-version-check $(printf -- '-r %s ' "$@")
    touch "$stamp"
  fi
}
