#!/usr/bin/env bash
# Sets up and starts Paydesk. Until the desktop window lands, this builds the `paydesk` command line
# and shows what it can do; pass arguments to run a command, e.g. `scripts/run.sh client list`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
cargo build --release --locked -p paydesk-cli
bin=target/release/paydesk
if [ $# -eq 0 ]; then
  "$bin" --help
else
  "$bin" "$@"
fi
