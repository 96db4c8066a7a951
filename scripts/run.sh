#!/usr/bin/env bash
# Start the app; with no display, say how to run it under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ] \
   && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset)." >&2
  echo "Run Companion on a virtual screen:  apt-get install xvfb && xvfb-run -a make run" >&2
  echo "or without any window system:       QT_QPA_PLATFORM=offscreen make run" >&2
  exit 2
fi
exec .venv/bin/python -m companion "$@"
