#!/usr/bin/env bash
# Builds Paydesk's installable bundles: a .deb and an AppImage by default
# (PAYDESK_BUNDLES=deb for just the .deb). They land in target/release/bundle/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
cargo build --release --locked -p paydesk-app --features custom-protocol

# The Tauri CLI reads package info from a Cargo.toml next to the
# tauri.conf.json it finds. Ours sits at the root beside a virtual workspace, so the bundler gets a
# copy beside src-tauri/Cargo.toml with its paths rebased, for this run only.
conf=src-tauri/tauri.conf.json
trap 'rm -f "$conf"' EXIT
node -e '
  const c = JSON.parse(require("fs").readFileSync("tauri.conf.json", "utf8"));
  c.build = { frontendDist: "../" + c.build.frontendDist };
  c.bundle.icon = c.bundle.icon.map((i) => "../" + i);
  require("fs").writeFileSync(process.argv[1], JSON.stringify(c, null, 2));
' "$conf"
# The Tauri CLI from npm, kept out of ui's lockfile: its per-platform packages differ between machines.
cli="${CARGO_TARGET_DIR:-$PWD/target}/tauri-cli"
[ -x "$cli/node_modules/.bin/tauri" ] || npm install --prefix "$cli" --no-audit --no-fund --loglevel=error '@tauri-apps/cli@^2'
(cd src-tauri && "$cli/node_modules/.bin/tauri" bundle --ci --bundles "${PAYDESK_BUNDLES:-deb,appimage}")
ls -l target/release/bundle/*/
