#!/usr/bin/env bash
# Install the app's requirements into .venv and start the dashboard on http://127.0.0.1:8501
# Extra arguments go to streamlit (e.g. --server.port 8600).
source "$(dirname "$0")/_venv.sh"
ensure_requirements requirements.txt
# Warm the server up in the background as soon as it answers (scripts/warm_up.py): the first visitor then
# finds the page modules imported and the default model trained.
port=8501
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --server.port) port="${args[i + 1]:-$port}" ;;
    --server.port=*) port="${args[i]#*=}" ;;
  esac
done
.venv/bin/python scripts/warm_up.py "http://127.0.0.1:$port" >/dev/null 2>&1 &
exec .venv/bin/python -m streamlit run app.py "$@"
