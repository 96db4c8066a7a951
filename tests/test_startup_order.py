"""The start-up order: the first window is drawn before anything it does not need.

The real window and desktop integration (``build_window``, as ``python -m companion`` wires
them) run in a child process under Xvfb (pynput binds to the display on import). What must
hold: the global hotkeys, the tray and the pack warm-up start only after a paint of the window
has returned (not on a zero timer, which runs before it); the hotkeys still start; the
dictionary, the word list, the translation session and its text modules are not loaded by
start-up (the warm-up after the paint builds the session), and the first Chinese text loads
the dictionary and shows its pinyin.
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
CHILD = r"""
import json, os, sys, time
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QWidget

events = []
at_paint = []  # the modules of DEFERRED imported when the first paint returned

class App(QApplication):
    def notify(self, receiver, event):
        handled = super().notify(receiver, event)
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(receiver, QWidget)
            and receiver.window() is window
            and "paint returned" not in events
        ):
            events.append("paint returned")
            at_paint.extend(sorted(m for m in DEFERRED if m in sys.modules))
        return handled

app = App([])
DEFERRED = ("companion.session", "companion.translator", "companion.text",
            "companion.engines.base", "companion.ui.about",
            "companion.ui.desktop.region_capture", "companion.ui.reading.ruby_view",
            "companion.cli", "hashlib", "html", "logging.handlers",
            # Built on first use or after the first paint: the Lens's wiring, the clipboard
            # watch, speech and OCR workers of the desktop integration, the OCR check.
            "companion.ui.lens.wiring", "companion.ui.desktop.clipboard_watch",
            "companion.ui.desktop.speech", "companion.ui.desktop.ocr_worker", "companion.ocr",
            "companion.untrusted",
            # The records built before the paint are NamedTuples: no dataclass machinery.
            "dataclasses")
from companion.settings import Settings
from companion.ui.app import build_window
settings = Settings()
settings.set("first_run_done", True)
settings.set("hotkey_show", "<ctrl>+<alt>+c")
window = None
window, desktop = build_window(settings)
before = {
    # Not needed to draw the window: imported with their first use (read first: the
    # figures below build what they ask for).
    "deferred": sorted(m for m in DEFERRED if m in sys.modules),
    "lens": window._lens is not None,
    "started": desktop._started,
    "tray": desktop._tray is not None,
    "hotkeys": desktop.hotkeys.status,
    "pynput": "pynput" in sys.modules,
    "wordlist": "companion.wordlist" in sys.modules,
    "session": window._session is not None,
}
after = {}

def hook():
    events.append("hook")
    after.update(lens=window._lens is not None, started=desktop._started,
                 tray=desktop._tray is not None,
                 hotkeys=desktop.hotkeys.status, pynput="pynput" in sys.modules)

window.firstPainted.connect(hook)
out = {"before": before, "after": after, "events": events, "at_paint": at_paint}

def warmed():
    from companion.dictionary import get_dictionary
    out["dictionary_at_idle"] = get_dictionary().is_loaded
    out["wordlist_at_idle"] = "companion.wordlist" in sys.modules
    out["session_at_idle"] = window._session is window.session  # the warm-up built it
    window.controller.pinyinShown.connect(pinyin)
    window.pane.set_text("今天天气很好")

def pinyin():
    from companion.dictionary import get_dictionary
    out["dictionary_after_text"] = get_dictionary().is_loaded
    app.quit()

window.warmedUp.connect(warmed)
QTimer.singleShot(120_000, lambda: app.exit(3))
window.show()
code = app.exec()
window.shutdown()
desktop.shutdown()
out["code"] = code
print(json.dumps(out))
"""


@pytest.mark.xvfb
def test_start_up_defers_hotkeys_tray_and_dictionary_until_after_the_first_frame(
    xvfb_display: str, tmp_path: Path
) -> None:
    if find_spec("pynput") is None:
        pytest.skip("pynput not installed")
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(REPO))
    env.pop("WAYLAND_DISPLAY", None)
    for key in ("COMPANION_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "ARGOS_PACKAGES_DIR"):
        env[key] = str(tmp_path / key)
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["code"] == 0
    before, after = out["before"], out["after"]
    assert before == {
        "deferred": [],
        "lens": False,
        "started": False,
        "tray": False,
        "hotkeys": "off",
        "pynput": False,
        "wordlist": False,
        "session": False,
    }
    # The hook ran once, after a paint of the window had returned.
    assert out["events"][:2] == ["paint returned", "hook"]
    assert out["at_paint"] == []  # nor did showing the window import them
    assert after["started"] is True and after["tray"] is True and after["pynput"] is True
    assert after["lens"] is True  # Tools > Lens and its tray entries, once the window is up
    assert str(after["hotkeys"]).startswith("on: Ctrl+Alt+C")
    assert out["dictionary_at_idle"] is False and out["wordlist_at_idle"] is False
    assert out["session_at_idle"] is True
    assert out["dictionary_after_text"] is True


def test_reading_the_settings_imports_no_pack_code() -> None:
    """The window reads its settings before the first paint: the packs package (archives,
    downloads, the index) is not needed for that."""
    code = (
        "import sys\n"
        "from companion.settings import Settings, DEFAULT_INDEX_URL\n"
        "print(sorted(m for m in sys.modules if m.startswith('companion.packs')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
