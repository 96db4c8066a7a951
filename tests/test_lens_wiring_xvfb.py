"""The Lens in the app's window on a real X server (Xvfb), driven from outside.

tests/lens_wiring_child.py puts the window and its desktop integration together as the app
does. Its Tools menu and tray hold the Lens; the Lens's default global shortcut (Ctrl+Alt+R)
is grabbed and, pressed with xdotool, brings up the Lens's region picker; ``--lens=IMAGE``
opens a RedNote-like screenshot in the Lens, a real click (xdotool) on the 关注 label pins
its card, a click on Save word keeps it in My words, read back with the command line
(another process on the same database).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from companion.ocr import engine_available
from tests.lens_screens import build
from tests.test_desktop_xvfb import Child

REPO = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("xdotool"), reason="needs xdotool"),
    pytest.mark.skipif(not engine_available(), reason="rapidocr_onnxruntime missing"),
]


@pytest.fixture
def child(xvfb_display: str) -> Iterator[tuple[Child, dict[str, str]]]:
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(REPO))
    env["COMPANION_MULTI_INSTANCE"] = "1"
    env.pop("WAYLAND_DISPLAY", None)
    app = Child([sys.executable, "-m", "tests.lens_wiring_child"], env)
    yield app, env
    app.stop()


def _xdotool(env: dict[str, str], *args: str) -> None:
    subprocess.run(["xdotool", *args], env=env, check=True, timeout=20)


def _press_until(app: Child, env: dict[str, str], chord: str, prefix: str) -> str:
    """Press a global shortcut (from no window in particular) until ``prefix`` is printed.

    pynput reports its listener ready just before its X RECORD context is enabled, so on a
    loaded machine a press in that gap is never seen (lost, not late): press again.
    """
    for attempt in range(3):
        _xdotool(env, "key", chord)
        try:
            return app.expect(prefix, timeout=20)
        except AssertionError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _click(env: dict[str, str], line: str) -> None:
    _tag, x, y = line.split()
    _xdotool(env, "mousemove", "--sync", x, y)
    _xdotool(env, "click", "1")


def test_the_lens_from_the_menu_the_shortcut_and_an_image_saves_into_my_words(
    child: tuple[Child, dict[str, str]], qapp: QApplication, tmp_path: Path
) -> None:
    app, env = child
    menu = app.expect("MENU", timeout=90).split(" ", 1)[1].split("|")
    assert menu[:2] == ["Lens: translate a window in place\tCtrl+Alt+R", "Lens on an image…"]
    tray = app.expect("TRAY").split(" ", 1)[1].split("|")
    assert "Lens: translate a window in place\tCtrl+Alt+R" in tray and "Lens on an image…" in tray
    assert app.expect("HOTKEYS", timeout=30) == "HOTKEYS on: Ctrl+Alt+R"

    assert _press_until(app, env, "ctrl+alt+r", "PICKER").startswith("PICKER ")
    app.send("cancel")
    assert app.expect("CANCELLED") == "CANCELLED True"

    path = tmp_path / "rednote-post.png"
    assert build("post", "phone", "light", 16).image.save(str(path))
    app.send(f"open {path}")
    labels = app.expect("LABELS", timeout=120)
    assert int(labels.split()[1]) >= 5
    _click(env, app.expect("LABEL "))  # a real click pins the label's card
    _click(env, app.expect("CARD", timeout=60))  # Save word
    assert app.expect("SAVED", timeout=60) == "SAVED 关注 lens"
    assert app.expect("STATUS") == "STATUS 关注 saved to My words"

    done = subprocess.run(
        [sys.executable, "-m", "companion", "words", "list", "--json"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    (word,) = json.loads(done.stdout)
    assert (word["simplified"], word["pinyin"], word["origin"]) == ("关注", "guān zhù", "lens")
    app.send("quit")
    assert app.proc.wait(timeout=30) == 0
