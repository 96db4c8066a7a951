"""Settings dialog (reading aids and global shortcuts) and the GUI's one task layer, offscreen."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from companion import changes
from companion.settings import Settings
from companion.ui.change_relay import ChangeRelay
from companion.ui.settings.dialog import SettingsDialog
from companion.ui.tasks import TaskRunner


@pytest.fixture
def dialog(qtbot: QtBot) -> SettingsDialog:
    settings = Settings()
    dialog = SettingsDialog(settings, hotkey_status="on: Ctrl+Alt+C, Ctrl+Alt+T")
    qtbot.addWidget(dialog)
    return dialog


def test_the_global_shortcuts_are_shown_and_changed_in_settings(
    dialog: SettingsDialog, qtbot: QtBot
) -> None:
    page = dialog.shortcuts
    show, clipboard = page.editors["hotkey_show"], page.editors["hotkey_translate_clipboard"]
    assert show.keySequence().toString() == "Ctrl+Alt+C"
    assert clipboard.keySequence().toString() == "Ctrl+Alt+T"
    assert "Ctrl+Alt+C" in page.status_label.text()
    seen: list[tuple[str, str]] = []
    unsubscribe = changes.subscribe(lambda topic, detail: seen.append((topic, detail)))
    try:
        clipboard.setKeySequence(QKeySequence("Ctrl+Shift+Y"))
        with qtbot.waitSignal(dialog.accepted):
            dialog.accept()
    finally:
        unsubscribe()
    assert dialog.settings.get_str("hotkey_translate_clipboard") == "<ctrl>+<shift>+y"
    assert dialog.settings.get_str("hotkey_show") == "<ctrl>+<alt>+c"
    assert ("settings", "hotkey_translate_clipboard") in seen
    assert ("settings", "hotkey_show") not in seen  # unchanged: not announced


@pytest.mark.parametrize(
    ("sequence", "problem"),
    [
        ("Shift+Y", "needs Ctrl, Alt or Meta"),
        ("Ctrl+Alt+C", "needs a shortcut of its own"),  # the same as "show or hide"
    ],
)
def test_a_shortcut_that_cannot_work_is_explained_and_not_saved(
    dialog: SettingsDialog, sequence: str, problem: str
) -> None:
    page = dialog.shortcuts
    page.editors["hotkey_translate_clipboard"].setKeySequence(QKeySequence(sequence))
    assert page.problem_label.isVisibleTo(page) and problem in page.problem_label.text()
    dialog.accept()
    assert dialog.result() == 0 and dialog.tabs.currentWidget() is page
    assert dialog.settings.get_str("hotkey_translate_clipboard") == "<ctrl>+<alt>+t"


def test_a_cleared_shortcut_is_turned_off(dialog: SettingsDialog) -> None:
    dialog.shortcuts.editors["hotkey_show"].clear()
    assert dialog.shortcuts.problem() is None
    dialog.accept()
    assert dialog.settings.get_str("hotkey_show") == ""


def test_a_failing_task_without_a_handler_is_logged_with_its_traceback(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    runner = TaskRunner()

    def broken() -> None:
        raise ValueError("the bug")

    with caplog.at_level(logging.ERROR, logger="companion.ui.tasks"):
        runner.run_local(broken)
        qtbot.waitUntil(lambda: runner.pending == 0)
    record = next(r for r in caplog.records if r.name == "companion.ui.tasks")
    assert "broken" in record.getMessage()
    assert record.exc_info is not None and "the bug" in str(record.exc_info[1])


def test_every_lane_reports_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gui = QThread.currentThread()
    seen: list[tuple[str, bool, bool]] = []
    for name in ("run_local", "run_network", "run_quick", "run_long"):
        start = getattr(runner, name)
        start(
            lambda: threading.current_thread() is threading.main_thread(),
            lambda on_main, name=name: seen.append((name, on_main, QThread.currentThread() is gui)),
        )
    qtbot.waitUntil(lambda: len(seen) == 4)
    assert sorted(seen) == [
        ("run_local", False, True),
        ("run_long", False, True),
        ("run_network", False, True),
        ("run_quick", False, True),
    ]
    assert runner.wait_idle(5000)


def test_a_change_saved_on_a_worker_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    relay = ChangeRelay()
    gui = QThread.currentThread()
    got: list[tuple[str, str, bool]] = []
    relay.changed.connect(
        lambda topic, detail: got.append((topic, detail, QThread.currentThread() is gui))
    )
    worker = threading.Thread(target=lambda: Settings().set("font_size", 15))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(got))
    assert got == [("settings", "font_size", True)]
    relay.close()
    changes.notify("settings", "font_size")
    QApplication.processEvents()
    assert len(got) == 1  # closed: nothing more
    relay.deleteLater()
