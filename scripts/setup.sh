#!/usr/bin/env bash
# Idempotent set-up: system packages (when root and missing), .venv, pip install.
# Usage: scripts/setup.sh [run|test]   ("test" adds what the test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-run}"

# System packages Qt needs on a bare Debian, plus CJK glyphs; the tests add Xvfb, keyring, tools.
apt_run=(libegl1 libgl1 libglib2.0-0 libdbus-1-3 libfontconfig1 fontconfig-config libxkbcommon0
         libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
         libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxkbcommon-x11-0 fonts-noto-cjk
         fonts-noto-color-emoji libpulse0 gcc libc6-dev python3-dev python3-venv)
apt_test=(xvfb xauth gnome-keyring dbus-daemon dbus xdotool xclip)
want=("${apt_run[@]}")
[ "$purpose" = test ] && want+=("${apt_test[@]}")

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "setup: installing system packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "setup: missing system packages (run as root or: sudo apt-get install ${missing[*]})" >&2
    fi
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=".venv/.companion-installed-$purpose-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages into .venv"
  extra=""
  [ "$purpose" = test ] && extra="[dev]"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extra"
  # OCR engine without its opencv-python requirement (see pyproject); needs Python < 3.13.
  if .venv/bin/python -c 'import sys; sys.exit(sys.version_info >= (3, 13))'; then
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
      "rapidocr_onnxruntime==1.4.4"
  else
    echo "setup: Python 3.13+ has no RapidOCR wheel: screenshot OCR will be unavailable" >&2
  fi
  rm -f .venv/.companion-installed-"$purpose"-*
  touch "$stamp"
fi
