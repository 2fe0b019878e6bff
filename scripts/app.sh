#!/usr/bin/env bash
# Install the app's requirements into .venv and start the dashboard on http://127.0.0.1:8501
# Extra arguments go to streamlit (e.g. --server.port 8600).
source "$(dirname "$0")/_venv.sh"
ensure_requirements requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"
