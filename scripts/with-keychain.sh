#!/usr/bin/env bash
# Runs a command with a private, unlocked OS keychain, so tests that store Stripe keys use the real
# keychain code paths without touching (or needing) the desktop's own:
#   * a fresh kernel session keyring (keyutils; the machine's default one refuses new keys), and
#   * a throwaway D-Bus session bus with gnome-keyring's Secret Service, its data in a temp folder,
#     unlocked with a dummy password.
# Usage: scripts/with-keychain.sh cargo test -p paydesk-core
# Needs keyutils, dbus and gnome-keyring (scripts/setup-debian.sh installs them).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: scripts/with-keychain.sh COMMAND [ARGS...]" >&2
  exit 2
fi
for tool in keyctl dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "with-keychain: '$tool' is missing; run scripts/setup-debian.sh" >&2
    exit 1
  fi
done

exec keyctl session - dbus-run-session -- bash -c '
  set -euo pipefail
  XDG_DATA_HOME=$(mktemp -d)
  export XDG_DATA_HOME
  cleanup() { rm -rf "$XDG_DATA_HOME"; }
  trap cleanup EXIT
  # Without --unlock the new login keyring stays locked and every call fails with NoStorageAccess.
  echo -n paydesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  export PAYDESK_KEYCHAIN_SESSION=1
  "$@"
' with-keychain "$@"
