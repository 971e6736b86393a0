#!/usr/bin/env bash
# Installs the Debian packages that building and testing Paydesk needs.
# Idempotent: packages already present are skipped, so a second run costs a second.
set -euo pipefail

packages=(
  # Tauri / WebKitGTK build and the real-window tests
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev libxdo-dev libssl-dev pkg-config build-essential file
  xvfb xauth webkit2gtk-driver
  # answers the OS save dialog in the real-window tests (Reports → Export)
  xdotool
  # OS keychain, headless
  dbus dbus-x11 gnome-keyring libsecret-tools keyutils
  # Tools the tests use to look at what Paydesk produces
  sqlite3 imagemagick poppler-utils zbar-tools qpdf
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-debian: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup-debian: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-debian: done"
