#!/usr/bin/env bash
# Install what the tests need, lint, type-check, then run the whole suite headless inside a
# private D-Bus session with an unlocked gnome-keyring (a real Secret Service) and throwaway HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
echo "== ruff";  .venv/bin/ruff check companion tests bench
echo "== mypy";  .venv/bin/mypy
echo "== pytest"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
mkdir -p -m700 "$T/run"
export COMPANION_REPO="$PWD" QT_QPA_PLATFORM=offscreen
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  HOME="$T" XDG_RUNTIME_DIR="$T/run" COMPANION_SECRET_SERVICE=1 dbus-run-session -- sh -c \
    'echo -n companion-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
     exec "$COMPANION_REPO/.venv/bin/python" -m pytest "$@"' pytest "$@"
else
  echo "test: no dbus-run-session/gnome-keyring: Secret Service tests will be skipped" >&2
  HOME="$T" .venv/bin/python -m pytest "$@"
fi
