#!/usr/bin/env bash
# The real-window tests: builds the app with ui/dist embedded and the Stripe simulator, installs
# tauri-driver and the Python WebDriver client if missing, and runs tests/e2e under Xvfb with a
# private OS keychain. Called by scripts/test.sh; extra arguments go to pytest (e.g. `-k stripe`).
set -euo pipefail
cd "$(dirname "$0")/.."

# ui/dist is embedded at compile time: rebuild it when missing or older than the UI's sources.
if [ ! -f ui/dist/index.html ] || [ -n "$(find ui/src ui/index.html ui/public -newer ui/dist/index.html -print -quit 2>/dev/null)" ]; then
  (cd ui && npm run --silent build)
fi
# The same build as scripts/test.sh's `cargo test` (one feature set for the whole workspace), so
# after the tests this compiles nothing; building just these two packages would resolve features
# differently and compile a second copy of the dependencies.
cargo test --locked --workspace --no-run --features paydesk-app/custom-protocol
target="${CARGO_TARGET_DIR:-$PWD/target}"
export PAYDESK_APP_BIN="$target/debug/paydesk-app"
export PAYDESK_STRIPE_SIM_BIN="$target/debug/paydesk-stripe-sim"
# Stripe keys the tests connect go under this run's own keychain service (conftest.py adds one
# suffix per test), in the private keychain below, never the desktop's.
export PAYDESK_KEYCHAIN_SERVICE="paydesk-e2e-$$-$(date +%s)"

if ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --version '^2' --locked
fi
export PATH="$HOME/.cargo/bin:$PATH"

venv="$target/e2e-venv"
# aiosmtpd: the SMTP server the email tests start in-process (tests/e2e/mail_sink.py). A venv made
# before it was needed gets it added.
if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'selenium>=4.20,<5' 'pytest>=8,<10' 'aiosmtpd==1.4.*'
fi

export PAYDESK_SCREENSHOTS="${PAYDESK_SCREENSHOTS:-$target/screenshots}"
# with-keychain.sh gives a private D-Bus session with an unlocked throwaway Secret Service (and a
# fresh kernel keyring): WebKit and the app's keychain stay away from the machine's own session.
scripts/with-keychain.sh xvfb-run -a -s "-screen 0 1280x800x24" "$venv/bin/pytest" -q tests/e2e "$@"
