"""Global hotkeys: chord validation and start/stop, with and without a display.

pynput binds to the display when imported, so each case runs in its own process. Firing on a
real chord sent with xdotool is covered in test_desktop_xvfb.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROBE = r"""
import json
from PySide6.QtGui import QGuiApplication
from companion.ui.desktop.hotkeys import HotkeyManager, check_hotkey
app = QGuiApplication([])
manager = HotkeyManager()
out = {
    "valid": check_hotkey("<ctrl>+<alt>+c"),
    "invalid": check_hotkey("<ctrl>+<nonsense>"),
    "empty": check_hotkey("  "),
    "none_bound": manager.start("", ""),
    "none_status": manager.status,
    "bad_only": manager.start("<ctrl>+<nonsense>", ""),
    "started": manager.start("<ctrl>+<alt>+c", "<ctrl>+<nonsense>"),
    "status": manager.status,
    "active": manager.is_active(),
}
manager.stop()
out["stopped"] = manager.status
print(json.dumps(out))
"""


def probe(env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.xvfb
def test_chords_are_checked_and_listener_starts_on_x11(xvfb_display: str) -> None:
    if find_spec("pynput") is None:  # not imported here: it needs a display to import
        pytest.skip("pynput not installed")
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    env.pop("WAYLAND_DISPLAY", None)
    out = probe(env)
    assert out["valid"] is None
    assert "not a valid shortcut" in str(out["invalid"])
    assert out["empty"] == "the shortcut is empty"
    assert out["none_bound"] is False and out["none_status"] == "no shortcuts set"
    assert out["bad_only"] is False
    # One good chord still starts; the bad one is reported, not fatal.
    assert out["started"] is True and out["active"] is True
    assert str(out["status"]).startswith("on: <ctrl>+<alt>+c (")
    assert out["stopped"] == "off"


def test_without_a_display_hotkeys_are_off_and_nothing_breaks() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    out = probe(env)
    assert out["started"] is False and out["active"] is False
    assert "unavailable" in str(out["status"])
