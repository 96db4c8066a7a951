#!/usr/bin/env bash
# macOS: after `python3 packaging/build.py`, sign Companion.app ad hoc and put it in a .dmg.
# (No Apple Developer ID here: users open it the first time with right-click > Open.)
set -euo pipefail
cd "$(dirname "$0")/../.."
app="build/dist/Companion.app"
version="$(python3 -c 'import companion; print(companion.__version__)')"
[ -d "$app" ] || { echo "make_dmg: $app is missing: run packaging/build.py first" >&2; exit 2; }
codesign --force --deep --sign - "$app"
codesign --verify --deep --strict "$app"
/usr/libexec/PlistBuddy -c "Print :NSHighResolutionCapable" "$app/Contents/Info.plist"
rm -rf build/dmg && mkdir -p build/dmg
cp -R "$app" build/dmg/
ln -s /Applications build/dmg/Applications
hdiutil create -volname Companion -srcfolder build/dmg -ov -format UDZO \
  "build/Companion-$version-macos.dmg"
