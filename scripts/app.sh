#!/usr/bin/env bash
# Install the app's requirements into .venv and start the dashboard on http://127.0.0.1:8501
# Extra arguments go to streamlit (e.g. --server.port 8600).
source "$(dirname "$0")/_venv.sh"
ensure_requirements requirements.txt
# Every user's model keeps megabytes of per-iteration history in numpy arrays. glibc raises its mmap
# threshold after such arrays are freed, so later ones come from the heap and their memory is never
# returned to the system; a fixed threshold keeps the server's memory flat as sessions come and go.
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-131072}"
exec .venv/bin/python -m streamlit run app.py "$@"
