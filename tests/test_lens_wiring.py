"""The Lens in the real window (offscreen): its Tools-menu, tray and Settings entries and
shortcut label, a screenshot opened from the window read with the window's own Session, its
progress and failures in the status bar, and a card's "Save word" landing in My words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import QApplication

from companion.learning.words import WordList
from companion.ocr import engine_available
from companion.settings import Settings
from companion.ui.desktop.integration import DesktopIntegration
from companion.ui.learning.wiring import SaveOutcome
from companion.ui.main_window import MainWindow
from tests.lens_screens import build

WAIT = 60_000
REGION = "Lens: translate a window in place"
IMAGE = "Lens on an image…"
needs_ocr = pytest.mark.skipif(not engine_available(), reason="rapidocr_onnxruntime missing")


@pytest.fixture
def window(qtbot: Any) -> Iterator[tuple[MainWindow, DesktopIntegration]]:
    """The window with the desktop integration attached as the app does (keys not grabbed:
    the integration is not started)."""
    settings = Settings()
    settings.set("first_run_done", True)
    win = MainWindow(settings)
    desktop = DesktopIntegration(win, settings, win.runner)
    win.attach_desktop(desktop)
    win.show()
    yield win, desktop
    win.shutdown()
    win.close()
    QApplication.processEvents()


def _status(win: MainWindow) -> str:
    return win.statusBar().currentMessage()


def test_the_lens_is_in_tools_the_tray_and_the_shortcuts_and_loads_nothing_before_use(
    window: tuple[MainWindow, DesktopIntegration], qtbot: Any
) -> None:
    win, desktop = window
    tools = [a.text() for a in win.tools_menu.actions()]
    assert tools[:2] == [f"{REGION}\tCtrl+Alt+R", IMAGE]
    tray = desktop.tray.menu.actions()
    assert win.lens.action_region in tray and win.lens.action_image in tray
    assert win.lens.action_region.shortcut().isEmpty()  # the global listener has the chord
    assert win.lens.controller is None  # no OCR, overlay or matcher until the Lens is used

    from companion.ui.settings.dialog import SettingsDialog

    dialog = SettingsDialog(win.settings, win)
    qtbot.addWidget(dialog)
    editor = dialog.shortcuts.editors["hotkey_lens"]
    assert editor.keySequence() == QKeySequence("Ctrl+Alt+R")
    editor.setKeySequence(QKeySequence("Ctrl+Alt+C"))  # taken by Show/hide
    assert "shortcut of its own" in dialog.shortcuts.problem_label.text()
    editor.setKeySequence(QKeySequence("Ctrl+Shift+E"))
    assert dialog.shortcuts.problem() is None
    dialog.shortcuts.apply()
    assert win.settings.get_str("hotkey_lens") == "<ctrl>+<shift>+e"
    qtbot.waitUntil(lambda: win.lens.action_region.text() == f"{REGION}\tCtrl+Shift+E")
    win.settings.set("hotkey_lens", "")  # cleared: no shortcut, the bare label
    qtbot.waitUntil(lambda: win.lens.action_region.text() == REGION)


@needs_ocr
def test_a_lens_on_an_image_reads_its_labels_and_saves_a_word_into_my_words(
    window: tuple[MainWindow, DesktopIntegration], qtbot: Any, tmp_path: Path
) -> None:
    win, desktop = window
    path = tmp_path / "rednote.png"
    assert build("post", "phone", "light", 16).image.save(str(path))
    desktop.handle_arguments([f"--lens={path}"])  # as `companion --lens=IMAGE` hands it over
    lens = win.lens.controller
    assert lens is not None and lens.viewer is not None and lens.viewer.isVisible()
    from companion.lens import sentences

    assert sentences._get_session() is win.session  # the window's models, not a second set
    reads: list[Any] = []
    lens.screen_read.connect(reads.append)
    qtbot.waitUntil(lambda: len(reads) >= 2, timeout=WAIT)  # labels, then the sentences
    qtbot.waitUntil(lambda: "labels in English" in _status(win), timeout=WAIT)
    assert _status(win).startswith("Lens: ") and not win.busy_bar.isVisible()

    canvas = lens.viewer.canvas
    follow = next(p for p in canvas.placed if p.line.text == "关注")
    assert follow.line.meaning.english == "Follow"
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=follow.patch.center().toPoint())
    qtbot.waitUntil(lambda: lens.card.body.isVisible(), timeout=WAIT)
    with qtbot.waitSignal(win.learning.wordSaved, timeout=WAIT) as saved:
        lens.card.save_button.click()
    outcome = saved.args[0]
    assert isinstance(outcome, SaveOutcome) and outcome.added and outcome.where == "lens"
    assert _status(win) == "关注 saved to My words"
    (word,) = WordList().find("关注")
    assert (word.pinyin, word.origin, word.sentence) == ("guān zhù", "lens", "关注")
    assert any("Follow" in sense or "follow" in sense for sense in word.meanings)

    # The clipboard's screenshot is what "Lens on an image…" opens first.
    shot = build("dialog", "phone", "dark", 16).image
    QGuiApplication.clipboard().setImage(shot)
    reads.clear()
    win.lens.action_image.trigger()
    qtbot.waitUntil(lambda: len(reads) >= 1, timeout=WAIT)
    shown = lens.viewer.canvas.image
    assert isinstance(shown, QImage) and shown.size() == shot.size()


@needs_ocr
def test_a_file_the_lens_cannot_read_is_said_in_the_status_bar(
    window: tuple[MainWindow, DesktopIntegration], qtbot: Any, tmp_path: Path
) -> None:
    win, _desktop = window
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff not really a jpeg")
    win.lens.open_image(bad)
    qtbot.waitUntil(lambda: "not an image" in _status(win), timeout=WAIT)
    assert _status(win).startswith("Lens: ") and not win.busy_bar.isVisible()
