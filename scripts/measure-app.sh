#!/usr/bin/env bash
# Measures the built app on 100,000 invoices: cold start, idle memory, search from the UI.
# Not part of the tests (it takes minutes). PROFILE=dev measures the debug build instead of release.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
profile="${PROFILE:-release}"
out_dir=$([ "$profile" = dev ] && echo debug || echo "$profile")

(cd ui && npm run --silent build)
cargo build --locked --profile "$profile" -p paydesk-app --features custom-protocol
data="$target/measure-100k"
if [ ! -f "$data/paydesk.sqlite3" ]; then
  mkdir -p "$data"
  PAYDESK_BENCH_DIR="$data" cargo bench --locked -p paydesk-core --bench invoice_store
fi
command -v tauri-driver >/dev/null || cargo install tauri-driver --version '^2' --locked
export PATH="$HOME/.cargo/bin:$PATH"
venv="$target/e2e-venv"
[ -x "$venv/bin/pytest" ] || { python3 -m venv "$venv"; "$venv/bin/pip" install --quiet 'selenium>=4.20,<5' 'pytest>=8,<10'; }
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
  "$venv/bin/python" tools/measure_app.py --app "$target/$out_dir/paydesk-app" --data "$data" "$@"
