#!/usr/bin/env bash
# The real-window tests: builds the app with ui/dist embedded, installs tauri-driver and the Python
# WebDriver client if missing, and runs tests/e2e under Xvfb. Called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f ui/dist/index.html ] || (cd ui && npm run --silent build)
cargo build --locked -p paydesk-app --features custom-protocol
target="${CARGO_TARGET_DIR:-$PWD/target}"
export PAYDESK_APP_BIN="$target/debug/paydesk-app"

if ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --version '^2' --locked
fi
export PATH="$HOME/.cargo/bin:$PATH"

venv="$target/e2e-venv"
if [ ! -x "$venv/bin/pytest" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'selenium>=4.20,<5' 'pytest>=8,<10'
fi

export PAYDESK_SCREENSHOTS="${PAYDESK_SCREENSHOTS:-$target/screenshots}"
# A private D-Bus session keeps WebKit (and later the keychain) away from the machine's own session.
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" "$venv/bin/pytest" -q tests/e2e "$@"
