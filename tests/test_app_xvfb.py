"""The real app, as a user runs it, on a private X server.

Starts ``python -m companion`` under Xvfb with the fixture packs installed, types Chinese into
the window with xdotool, copies the translation with Ctrl+Shift+C and reads it back from the
X clipboard, then takes a screenshot of the screen and quits with Ctrl+Q.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.xvfb_tools import companion_app
from tests.xvfb_tools import run as _run
from tests.xvfb_tools import wait_for as _wait_for

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]

SCREENSHOT_SCRIPT = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(["shot", "-platform", "xcb"])
pixmap = app.primaryScreen().grabWindow(0)
sys.exit(0 if pixmap.save(sys.argv[1]) else 1)
"""


@pytest.mark.skipif(shutil.which("xdotool") is None, reason="xdotool is not installed")
def test_real_app_translates_typed_chinese(
    xvfb_display: str, installed_packs: list[Path], tmp_path: Path
) -> None:
    with companion_app(xvfb_display, tmp_path / "app.log") as running:
        app, window_id, env = running.process, running.window, running.env
        # Its log holds its first lines until the window has painted, then writes them.
        log_file = Path(env["COMPANION_HOME"]) / "logs" / "companion.log"
        hello = _wait_for(
            lambda: log_file.exists() and "(app)" in log_file.read_text(), timeout=30
        )
        assert hello, "the app's log has no start line once its window is up"
        _run(["xdotool", "type", "--delay", "60", "小红书上的家人们好。"], env, timeout=30)
        _run(["xdotool", "key", "ctrl+Return"], env)

        def copied() -> str:
            _run(["xdotool", "key", "--window", window_id, "ctrl+shift+c"], env)
            if shutil.which("xclip") is None:
                return "(xclip missing)"
            return _run(["xclip", "-o", "-selection", "clipboard"], env, timeout=5)

        translation = _wait_for(copied, timeout=30, interval=1.0)
        assert translation, "no translation reached the clipboard"
        assert "小红书" not in translation  # the result, not the input

        shot = tmp_path / "companion.png"
        subprocess.run(
            [sys.executable, "-c", SCREENSHOT_SCRIPT, str(shot)], env=env, check=True, timeout=30
        )
        assert shot.stat().st_size > 10_000  # a real picture, not an empty frame
        keep = os.environ.get("COMPANION_SCREENSHOT_DIR")
        if keep:
            shutil.copy(shot, Path(keep) / "companion-xvfb.png")
        assert app.poll() is None, "the app exited on its own"

        # Ctrl+Q quits (it does not just hide the window).
        _run(["xdotool", "key", "--window", window_id, "ctrl+q"], env)
        assert app.wait(timeout=30) == 0
