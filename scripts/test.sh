#!/usr/bin/env bash
# Runs every Paydesk test on this machine, installing what they need first. This is the README's test
# command and what CI runs (.ci/run). It ends with one summary line: "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Each step also shows the disk space left: a full disk is the one failure the tests can't explain.
step() { printf '\n==> %s  (disk free: %s)\n' "$*" "$(df -h --output=avail . | tail -1 | tr -d ' ')"; }
# Incremental caches only speed up edit-compile loops and take gigabytes of disk in a one-shot run.
export CARGO_INCREMENTAL=0

step "System packages"
scripts/setup-debian.sh

if [ -f ui/package.json ]; then
  step "UI: install, type-check, lint, unit tests, build"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run --silent check && npm run --silent lint \
    && NO_COLOR=1 FORCE_COLOR=0 npm test 2>&1 | tee -a "$log" && npm run --silent build)
fi

step "Rust: format"
cargo fmt --all -- --check

step "Rust: clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Python tools for the tests (aiosmtpd, the mail tests' SMTP server)"
scripts/python-tools.sh

step "Rust: tests (with a private OS keychain and localstripe on loopback)"
# With the app's UI embedded (custom-protocol): the real-window step below then reuses this build
# instead of compiling a second copy of the dependencies with other features.
scripts/localstripe.sh scripts/with-keychain.sh cargo test --workspace --locked --features paydesk-app/custom-protocol 2>&1 | tee -a "$log"

if [ -f ui/package.json ]; then
  step "The real window: end-to-end under Xvfb (tauri-driver + WebKitWebDriver)"
  scripts/e2e.sh 2>&1 | tee -a "$log"
fi

# Sum what the runners reported: cargo's "test result: ok. N passed; M failed", vitest's
# "Tests  N passed" and pytest's closing "N passed, …".
# Colour codes are stripped first: some runners colour even when writing to a pipe.
sed -i 's/\x1b\[[0-9;]*m//g' "$log"
passed=$( (grep -oE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | grep -oE '[0-9]+ passed' || true; \
           grep -E '^\s*Tests\s' "$log" | grep -oE '[0-9]+ passed' || true; \
           grep -E '^=* ?[0-9]+ passed' "$log" | grep -oE '^=* ?[0-9]+ passed' | grep -oE '[0-9]+ passed' || true) \
         | awk '{s+=$1} END {print s+0}')
failed=$( (grep -oE '[0-9]+ failed' "$log" || true) | awk '{s+=$1} END {print s+0}')
echo
echo "tests: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
