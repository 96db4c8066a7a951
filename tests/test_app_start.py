"""Starting the app from the command line: what it says before any window exists."""

from __future__ import annotations

import pytest

from companion.ui.app import run_app


@pytest.fixture
def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_display_it_says_how_to_run(no_display: None, capsys) -> None:
    assert run_app([]) == 2
    err = capsys.readouterr().err
    assert "needs a display" in err and "xvfb-run" in err


def test_an_image_after_ocr_is_an_argument_not_a_command(no_display: None, capsys) -> None:
    assert run_app(["--ocr", "shot.png"]) == 2
    assert "unknown command" not in capsys.readouterr().err
    assert run_app(["shot.png"]) == 2
    assert "unknown command 'shot.png'" in capsys.readouterr().err


GC_CHILD = r"""
import gc, json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from companion.ui import app as app_module

seen = {}
build = app_module.build_window

def build_window(*args):
    window, desktop = build(*args)
    seen["while_building"] = gc.isenabled()

    def after_paint():  # a turn after the signal: run_app's own slots (connected later) ran
        seen["after_first_paint"] = gc.isenabled()
        QApplication.instance().quit()

    window.firstPainted.connect(lambda: QTimer.singleShot(0, after_paint))
    return window, desktop

app_module.build_window = build_window
code = app_module.run_app([])
seen["after_run"] = gc.isenabled()
seen["code"] = code
print(json.dumps(seen))
"""


def test_the_garbage_collector_waits_for_the_first_paint(tmp_path) -> None:
    """Off while the window is built (nothing to collect among objects that all live on),
    back on once it has painted, and on when the app returns."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COMPANION_MULTI_INSTANCE="1")
    env["PYTHONPATH"] = str(repo)
    for key in ("COMPANION_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "ARGOS_PACKAGES_DIR"):
        env[key] = str(tmp_path / key)
    done = subprocess.run(
        [sys.executable, "-c", GC_CHILD], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "while_building": False,
        "after_first_paint": True,
        "after_run": True,
        "code": 0,
    }
