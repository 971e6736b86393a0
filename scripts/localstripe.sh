#!/usr/bin/env bash
# Runs a command with localstripe (a stateful fake Stripe from PyPI) listening on a free loopback
# port, exported as PAYDESK_LOCALSTRIPE_URL. The venv lives in target/localstripe-venv and is made
# once. A second opinion besides stripe-sim: an independent stand-in, with Stripe's older API shapes.
# Usage: scripts/localstripe.sh cargo test -p paydesk-core localstripe
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/target/localstripe-venv"
if [ ! -x "$venv/bin/localstripe" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'localstripe==1.15.*'
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp)
# --from-scratch: localstripe otherwise reloads the state it saved in /tmp/localstripe.pickle.
"$venv/bin/localstripe" --port "$port" --from-scratch >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "localstripe: didn't start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done

export PAYDESK_LOCALSTRIPE_URL="http://127.0.0.1:$port/"
"$@"
