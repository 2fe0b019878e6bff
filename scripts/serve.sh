#!/usr/bin/env bash
# Serve the dashboard from N processes on this machine: N `streamlit run app.py` workers on 127.0.0.1 ports
# P+1..P+N behind HAProxy on http://127.0.0.1:P, with sticky sessions (one Streamlit process is one core).
#   scripts/serve.sh [--workers N] [--port P] [extra streamlit args]    (defaults: N = the number of cores, P = 8501)
# Ctrl-C or SIGTERM stops HAProxy and every worker. The same pattern across machines: deploy/README.md.
source "$(dirname "$0")/_venv.sh"

die() { echo "serve.sh: $*" >&2; exit 1; }

workers="$(nproc)"
port=8501
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) [ $# -ge 2 ] || die "--workers needs a number"; workers="$2"; shift 2 ;;
    --workers=*) workers="${1#*=}"; shift ;;
    --port) [ $# -ge 2 ] || die "--port needs a number"; port="$2"; shift 2 ;;
    --port=*) port="${1#*=}"; shift ;;
    -h|--help) sed -n '2,5p' "$0" | cut -c3-; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || die "--workers must be a positive whole number, not '$workers'"
[[ "$port" =~ ^[1-9][0-9]*$ ]] && [ $((port + workers)) -le 65535 ] ||
  die "--port must be a port number with room for $workers worker ports above it, not '$port'"

ensure_requirements requirements.txt

# HAProxy from Debian (2.6 in Debian 12): installed here when missing and we may, else say how.
HAPROXY="${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}"
if [ ! -x "$HAPROXY" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's haproxy (the load balancer in front of the workers)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
    HAPROXY="$(command -v haproxy || echo /usr/sbin/haproxy)"
  else
    die "the load balancer needs HAProxy: run 'sudo apt-get install haproxy' (or set HAPROXY to its path)"
  fi
fi

port_free() {
  .venv/bin/python - "$1" <<'PY'
import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: TIME_WAIT is no obstacle
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PY
}
healthy() {  # $1 = base URL; true when /_stcore/health answers ok
  .venv/bin/python -c 'import sys, urllib.request
sys.exit(urllib.request.urlopen(sys.argv[1] + "/_stcore/health", timeout=2).read().strip() != b"ok")' "$1" 2>/dev/null
}
for p in $(seq "$port" $((port + workers))); do
  port_free "$p" || die "port $p on 127.0.0.1 is in use (the balancer takes --port P, the workers P+1..P+N)"
done

pids=()
haproxy_pid=""
tmp="$(mktemp -d "${TMPDIR:-/tmp}/catlr-serve.XXXXXX")"
stop_all() {
  trap - EXIT
  trap '' INT TERM HUP  # a second Ctrl-C must not cut the clean-up short (it is bounded: 10 s, then SIGKILL)
  local all=("${pids[@]}") p i alive
  [ -n "$haproxy_pid" ] && all+=("$haproxy_pid")
  if [ ${#all[@]} -gt 0 ]; then
    kill -TERM "${all[@]}" 2>/dev/null || true
    for i in $(seq 100); do  # up to 10 s for Streamlit's clean shutdown, then SIGKILL
      alive=0
      for p in "${all[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ "$alive" = 1 ] || break
      sleep 0.1
    done
    kill -KILL "${all[@]}" 2>/dev/null || true
    wait "${all[@]}" 2>/dev/null || true
    echo "serve.sh: stopped ${haproxy_pid:+HAProxy and }${#pids[@]} worker(s)" >&2
  fi
  rm -rf "$tmp"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The workers: the recipes' flags (no outside traffic, no file watching); browser.serverPort names the
# balancer's port, the one people open. Extra arguments come last, so they win. Each worker's output is
# prefixed by a sed that outlives Ctrl-C: a worker whose stdout pipe broke would hang in its shutdown.
for i in $(seq "$workers"); do
  wport=$((port + i))
  PYTHONUNBUFFERED=1 .venv/bin/python -m streamlit run app.py \
    --server.headless true --browser.gatherUsageStats false \
    --server.address 127.0.0.1 --server.port "$wport" --browser.serverPort "$port" \
    --server.fileWatcherType none --global.developmentMode false \
    "${extra[@]}" > >(trap '' INT TERM; exec sed -u "s/^/[w$i] /") 2>&1 &
  pids+=($!)
done
for i in $(seq "$workers"); do
  wport=$((port + i))
  for _ in $(seq 600); do  # up to 60 s
    healthy "http://127.0.0.1:$wport" && break
    kill -0 "${pids[i - 1]}" 2>/dev/null || die "worker w$i exited before it was healthy (its output is above)"
    sleep 0.1
  done
  healthy "http://127.0.0.1:$wport" || die "worker w$i did not answer /_stcore/health on port $wport within 60 s"
  # Warm the worker up in the background (imports, the data, the default model): see scripts/warm_up.py.
  .venv/bin/python scripts/warm_up.py "http://127.0.0.1:$wport" >/dev/null 2>&1 &
done

# The balancer's configuration: the template with this machine's address and one line per worker.
servers=""
for i in $(seq "$workers"); do
  servers+="    server w$i 127.0.0.1:$((port + i)) cookie w$i"$'\n'
done
template="$(<deploy/haproxy.cfg.template)"
config="${template//@BIND@/"127.0.0.1:$port"}"
config="${config//@SERVERS@/"$servers"}"
printf '%s\n' "$config" >"$tmp/haproxy.cfg"
"$HAPROXY" -c -f "$tmp/haproxy.cfg" >/dev/null || die "HAProxy rejected $tmp/haproxy.cfg"
"$HAPROXY" -db -f "$tmp/haproxy.cfg" &
haproxy_pid=$!
for _ in $(seq 100); do
  healthy "http://127.0.0.1:$port" && break
  kill -0 "$haproxy_pid" 2>/dev/null || die "HAProxy exited (its output is above)"
  sleep 0.1
done
healthy "http://127.0.0.1:$port" || die "HAProxy did not answer on port $port within 10 s"

for i in $(seq "$workers"); do
  echo "worker w$i: pid ${pids[i - 1]} on http://127.0.0.1:$((port + i))"
done
echo "haproxy: pid $haproxy_pid ($("$HAPROXY" -v | head -1 | cut -d' ' -f1-3))"
echo "catlr is served on http://127.0.0.1:$port by $workers worker(s) behind HAProxy (Ctrl-C stops them all)"
# Run until HAProxy or a worker exits, then stop the rest: a half-working set is worse than none (a service
# manager can restart the whole). A worker that is only slow is HAProxy's business: its checks mark it DOWN.
status=0
wait -n -p ended "${pids[@]}" "$haproxy_pid" || status=$?
if [ "$ended" = "$haproxy_pid" ]; then name=HAProxy; else name="a worker (pid $ended)"; fi
echo "serve.sh: $name exited with status $status; stopping the rest" >&2
exit 1
