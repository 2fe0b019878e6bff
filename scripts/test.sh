#!/usr/bin/env bash
# Install everything the tests need (.venv, test requirements, Debian's chromium) and run the whole suite:
# lint, unit tests, real-data tests, AppTest and real-browser tests. Extra arguments go to pytest.
source "$(dirname "$0")/_venv.sh"
ensure_requirements requirements-test.txt
# Debian packages: chromium for the browser tests, haproxy and redis-server (the tests start them), the colour
# emoji font the page icons are drawn with (without it the screenshots show empty boxes where the pages' emoji are).
missing=()
if [ ! -x /usr/lib/chromium/chromium ] && [ -z "${CATLR_CHROMIUM:-}" ]; then missing+=(chromium); fi
if ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then missing+=(fonts-noto-color-emoji); fi
if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then missing+=(haproxy); fi  # the deploy test
if ! command -v redis-server >/dev/null; then missing+=(redis-server); fi  # the Redis room store's tests
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's ${missing[*]} for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif [[ " ${missing[*]} " == *" chromium "* ]]; then
    echo "the browser tests need chromium: run 'sudo apt-get install chromium' (or set CATLR_CHROMIUM)" >&2
    exit 1
  else
    echo "note: without fonts-noto-color-emoji the screenshots show boxes for the pages' emoji" >&2
  fi
fi
# The real dataset: CATLR_DATA_DIR if set, else ../shared/data beside the project.
if [ -z "${CATLR_DATA_DIR:-}" ] && [ -f ../shared/data/train_catvnoncat.h5 ]; then
  export CATLR_DATA_DIR="$(cd ../shared/data && pwd)"
fi
.venv/bin/ruff check .
# NumPy's OpenBLAS would start a thread per core in every worker: four workers on two cores then spin against
# each other (the engine's and report's tests took 46 s instead of 27 s). The app's server runs BLAS on one
# thread anyway (catlr/runtime.py); the tests of that setting start fresh processes without this variable.
export OPENBLAS_NUM_THREADS=1
# Two phases on this project's 2-core machine. Everything but the browser tests is CPU-bound: one worker per
# core. The browser tests wait (for a rerun, a page load) as much as they compute: four workers. Run mixed in one
# session the two kinds slowed each other (measured: 6 min 26 s mixed, 1 min 30 s + 3 min 20 s in phases).
# With arguments (a file, -k, -n 0 ...), one pytest run with four workers and those arguments.
PYTEST=(.venv/bin/python -m pytest)
if [ $# -gt 0 ]; then
  exec "${PYTEST[@]}" -n 4 "$@"
fi
status=0
"${PYTEST[@]}" -n 2 --ignore=tests/e2e || status=$?
"${PYTEST[@]}" -n 4 tests/e2e || status=$?
exit "$status"
