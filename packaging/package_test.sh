#!/usr/bin/env bash
# `make package-test`: prove the .deb in a clean Debian 12 root, the way a user installs it.
#
# A fresh copy of a bare `debootstrap --variant=minbase bookworm` root (the debootstrap result
# is cached as a tarball between runs; every run installs into a new copy), `apt-get install
# ./companion.deb` (Depends and Recommends from the archive), the fixture language packs
# (tests/fixture_pack.py, built on the host), then `companion --self-test` inside the root on
# the host's Xvfb (socket bound in) and a private D-Bus session with gnome-keyring. Every
# mount is undone on exit, on failure too. Prints each step's time.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/build}"
DEB="$(ls -t "$OUT"/companion_*_amd64.deb 2>/dev/null | head -1 || true)"
[ -n "$DEB" ] || { echo "package-test: no .deb in $OUT: run make package first" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "package-test: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
BASE="$OUT/debootstrap-bookworm-minbase.tar"
ROOT="$OUT/package-test-root"
started=$SECONDS
last=$SECONDS
step() { echo "== [$((SECONDS - last)) s] done"; last=$SECONDS; echo "== $*"; }

mounted=()
xvfb_pid=""
cleanup() {
  local code=$?
  set +e
  for ((i=${#mounted[@]}-1; i>=0; i--)); do
    umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" 2>/dev/null || true
  done
  if [ -n "$xvfb_pid" ]; then  # not our child (process substitution): kill, then poll it
    kill "$xvfb_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$xvfb_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if grep -q " $ROOT" /proc/mounts; then
    echo "package-test: mounts left under $ROOT, not deleting it" >&2
  else
    rm -rf "$ROOT"
  fi
  echo "== package-test: $([ $code = 0 ] && echo PASSED || echo FAILED) in $((SECONDS - started)) s"
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bind() { mkdir -p "$ROOT$2"; mount "${@:3}" --bind "$1" "$ROOT$2"; mounted+=("$ROOT$2"); }

echo "== host tools"
need=()
for p in debootstrap xvfb; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian mirror this machine already uses (deb822 or one-line sources), never a guess.
MIRROR="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
  | sed -n -e 's/^URIs: *\([^ ]*\).*/\1/p' -e 's/^deb  *\(\[[^]]*\] *\)\{0,1\}\([^ ]*\) .*/\2/p' \
  | grep -v -e security | grep -i debian | head -1 || true)"
[ -n "$MIRROR" ] || { echo "package-test: no Debian mirror in /etc/apt/sources.list*" >&2; exit 1; }

step "base root (debootstrap --variant=minbase bookworm, cached in $(basename "$BASE"))"
if [ ! -f "$BASE" ]; then
  tmp="$OUT/debootstrap-tmp"
  rm -rf "$tmp"
  debootstrap --variant=minbase bookworm "$tmp" "$MIRROR" >"$OUT/debootstrap.log" 2>&1 \
    || { tail -20 "$OUT/debootstrap.log" >&2; exit 1; }
  tar -C "$tmp" -cf "$BASE.part" . && mv "$BASE.part" "$BASE"
  rm -rf "$tmp"
fi

step "fresh copy of the root"
rm -rf "$ROOT"
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$BASE"
bind /proc /proc
bind /sys /sys
bind /dev /dev
bind /dev/pts /dev/pts
mkdir -p /tmp/.X11-unix
bind /tmp/.X11-unix /tmp/.X11-unix
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
echo "deb $MIRROR bookworm main" >"$ROOT/etc/apt/sources.list"

step "fixture language packs (built on the host)"
mkdir -p "$ROOT/tmp/packs"
[ -x .venv/bin/python ] || scripts/setup.sh test >/dev/null
.venv/bin/python -c 'import sys; from pathlib import Path; from tests.fixture_pack import build_pack
for pair in (("zh", "en"), ("en", "zh")): print(build_pack(Path(sys.argv[1]), *pair).name)' \
  "$ROOT/tmp/packs"

step "apt-get install ./$(basename "$DEB") (Depends and Recommends from the archive)"
cp "$DEB" "$ROOT/tmp/companion.deb"
in_root() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
in_root apt-get update -qq
in_root sh -c 'cd /tmp && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ./companion.deb' \
  >"$OUT/package-test-apt.log" 2>&1 || { tail -30 "$OUT/package-test-apt.log" >&2; exit 1; }
grep -E "^(Setting up|[0-9]+ upgraded)" "$OUT/package-test-apt.log" | tail -1
# The test harness, not the app: a D-Bus session for the keyring.
in_root sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dbus' \
  >>"$OUT/package-test-apt.log" 2>&1
echo "installed: $(in_root dpkg-query -W -f='${Installed-Size} KB\n' companion), \
$(in_root sh -c 'dpkg -l | grep -c ^ii') packages in the root"

step "companion-cli packs install (inside the root)"
for pack in "$ROOT"/tmp/packs/*.argosmodel; do
  in_root companion-cli packs install "/tmp/packs/$(basename "$pack")"
done

step "host Xvfb"
exec 3< <(Xvfb -displayfd 1 -screen 0 1280x800x24 -nolisten tcp 2>/dev/null & echo "pid $!"; wait)
read -r _ xvfb_pid <&3
read -r display <&3
echo "display :$display (pid $xvfb_pid)"

step "companion --self-test (inside the root, Xvfb, Secret Service)"
in_root env DISPLAY=":$display" XDG_RUNTIME_DIR=/tmp/run sh -c '
  mkdir -p -m700 /tmp/run
  exec dbus-run-session -- sh -c "echo -n selftest | gnome-keyring-daemon --unlock \
    --components=secrets >/dev/null; companion --self-test; companion --self-test --json \
    >/tmp/selftest.json"'
cp "$ROOT/tmp/selftest.json" "$OUT/package-test-selftest.json"
python3 - "$OUT/package-test-selftest.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
not_passed = [c["name"] for c in report["checks"] if c["status"] != "PASS"]
if not_passed:
    sys.exit(f"package-test: every check must pass in the clean root, these did not: {not_passed}")
print(f"all {len(report['checks'])} checks passed in the clean root ({report['build']})")
EOF
step "clean up"
