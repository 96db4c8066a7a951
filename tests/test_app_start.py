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
