#!/usr/bin/env bash
# Sets up and starts Paydesk: installs the system packages, builds the UI and the desktop app with the
# UI embedded (an optimised build: the first one takes several minutes), builds the `paydesk` command
# line beside it, and opens the window. Data lives in the OS app-data folder unless PAYDESK_DATA_DIR is set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
cargo build --release --locked -p paydesk-app --features custom-protocol -p paydesk-cli
echo "Paydesk is built: target/release/paydesk-app (the window) and target/release/paydesk (the command line)."
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No desktop session here (DISPLAY is unset), so the window can't open. Try: xvfb-run $0" >&2
  exit 1
fi
exec target/release/paydesk-app
