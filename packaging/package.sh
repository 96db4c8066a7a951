#!/usr/bin/env bash
# `make package [VARIANT=full|lite]`: folder, .tar.gz and .deb in build/, then the budgets.
set -euo pipefail
cd "$(dirname "$0")/.."
variant="${1:-full}"
started=$SECONDS
# Build tools (idempotent): validators for the desktop entry and the AppStream metadata.
need=()
for p in desktop-file-utils appstream zstd binutils python3-venv; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "package: missing system packages: sudo apt-get install ${need[*]}" >&2; exit 2
  fi
fi
[ -x .venv/bin/python ] || scripts/setup.sh test  # the budgets time the source run too
python3 packaging/build.py --variant "$variant"
python3 packaging/debian.py
python3 packaging/budgets.py
echo "package: done in $((SECONDS - started)) s"
