"""The real window offscreen, with the real offline engine on the fixture packs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from companion.session import SessionResult
from companion.settings import Settings
from companion.ui.main_window import MainWindow

WAIT = 60_000  # generous: two cores shared with the rest of the suite


def _dispose(win: MainWindow) -> None:
    """Close a window the way the app does at exit (not qtbot.addWidget: the window is
    Python's, and a deleteLater on top of that has crashed the next test)."""
    win.shutdown()
    win.close()
    QApplication.processEvents()


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    settings = Settings()
    settings.set("first_run_done", True)
    win = MainWindow(settings)
    with qtbot.waitSignal(win.warmedUp, timeout=WAIT):
        win.show()
    yield win
    _dispose(win)


def _type(win: MainWindow, qtbot, text: str) -> SessionResult:
    with qtbot.waitSignal(win.controller.resultShown, timeout=WAIT) as blocker:
        win.pane.set_text(text)
    return blocker.args[0]


def test_chinese_is_translated_offline_with_pinyin(
    window: MainWindow, installed_packs, qtbot
) -> None:
    with qtbot.waitSignal(window.controller.pinyinShown, timeout=WAIT):
        result = _type(window, qtbot, "小红书上的家人们好。")
    assert (result.source, result.target) == ("zh", "en")
    assert window.pane.result_text() == result.text != ""
    assert "stays on this computer" in window.pane.engine_badge.text()
    assert window.pane.detected_label.text() == "Detected: Chinese → English"
    assert window.pane.ruby_scroll.isVisible()
    assert not window.pane.back_output.isVisible()


def test_english_gets_chinese_with_back_translation(
    window: MainWindow, installed_packs, qtbot
) -> None:
    with qtbot.waitSignal(window.controller.backTranslationShown, timeout=WAIT):
        result = _type(window, qtbot, "Hello, I'm new here. I'm an American from TikTok.")
    assert (result.source, result.target) == ("en", "zh")
    assert window.pane.back_output.isVisible()
    assert window.pane.back_translation_text() != ""


def test_no_pack_shows_actions_not_a_traceback(window: MainWindow, qtbot) -> None:
    with qtbot.waitSignal(window.controller.noPack, timeout=WAIT) as blocker:
        window.pane.set_text("姐妹们被种草了")
    assert "language pack" in blocker.args[0]
    banner = window.pane.banner
    assert banner.isVisible()
    assert banner.download_button.isVisible() and banner.file_button.isVisible()
    assert "Traceback" not in window.pane.output.toPlainText()
    # Pinyin and the phrasebook still help without a pack.
    qtbot.waitUntil(lambda: window.pane.ruby_scroll.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: window.pane.terms_view.isVisible(), timeout=WAIT)
    assert "种草" in window.pane.terms_view.toPlainText()
    assert len(window.pane.input.extraSelections()) >= 2  # 姐妹们 and 种草 highlighted


def test_newer_input_wins_over_stale_results(window: MainWindow, installed_packs, qtbot) -> None:
    long_text = "".join(f"这是第{i}句话，家人们。" for i in range(40))
    window.pane.set_text(long_text)
    result = _type(window, qtbot, "好的。")
    assert result.source_text == "好的。"
    window.runner.wait_idle(WAIT)
    QApplication.processEvents()
    assert window.controller.last_result is not None
    assert window.controller.last_result.source_text == "好的。"


def test_long_post_streams_in_with_progress(
    window: MainWindow, installed_packs, qtbot, monkeypatch
) -> None:
    shown: list[tuple[int, int, bool]] = []
    original = window.pane.show_result

    def spy(result: SessionResult) -> None:
        shown.append((result.done, result.total, result.complete))
        original(result)

    monkeypatch.setattr(window.pane, "show_result", spy)
    text = "\n".join(f"今天第{i}次去打卡，真的绝绝子！" for i in range(30))
    result = _type(window, qtbot, text)
    assert result.complete and result.total == 30
    partial = [s for s in shown if not s[2]]
    assert partial, "a long post should appear part by part"
    assert partial[0][0] < 30
    assert result.text.count("\n") == 29  # the user's lines are kept


def test_same_text_is_served_from_the_cache(window: MainWindow, installed_packs, qtbot) -> None:
    _type(window, qtbot, "谢谢分享。")
    _type(window, qtbot, "好看。")
    cache = window.session.cache
    hits_before = cache.hits
    _type(window, qtbot, "谢谢分享。")
    assert cache.hits == hits_before + 1


def test_copy_puts_the_translation_on_the_clipboard(
    window: MainWindow, installed_packs, qtbot
) -> None:
    result = _type(window, qtbot, "谢谢。")
    window.action_copy.trigger()
    assert QApplication.clipboard().text() == result.text


def test_window_geometry_is_remembered(qtbot, tmp_path: Path) -> None:
    settings = Settings()
    settings.set("first_run_done", True)
    first = MainWindow(settings)
    first.resize(611, 707)
    first.save_geometry()
    second = MainWindow(settings)
    assert (second.width(), second.height()) == (611, 707)
    _dispose(first)
    _dispose(second)


def test_the_same_text_pasted_again_after_clearing_is_shown_again(
    window: MainWindow, installed_packs, qtbot
) -> None:
    first = _type(window, qtbot, "你好，家人们。")
    window.pane.set_text("")
    assert window.pane.result_text() == ""
    again = _type(window, qtbot, "你好，家人们。")
    assert again.text == first.text
    assert window.pane.result_text() == first.text


def test_a_new_request_hides_the_old_back_translation(
    window: MainWindow, installed_packs, qtbot
) -> None:
    with qtbot.waitSignal(window.controller.backTranslationShown, timeout=WAIT):
        _type(window, qtbot, "Thanks for the recommendation!")
    window.pane.set_text("Where did you buy this lipstick?")
    window.controller.translate_now()
    assert not window.pane.back_output.isVisible()  # until the new Chinese is checked


def test_without_the_chinese_english_pack_the_chinese_is_still_shown(
    window: MainWindow, en_zh_pack_file: Path, qtbot
) -> None:
    from companion import changes
    from companion.packs import install_pack

    install_pack(en_zh_pack_file)
    changes.notify("packs", "en-zh")
    result = _type(window, qtbot, "I'm new here, hello everyone!")
    assert result.target == "zh" and window.pane.result_text() == result.text != ""
    assert not window.pane.banner.isVisible()
    assert window.pane.back_output.isVisible()
    assert window.pane.back_translation_text().startswith("Cannot check it:")


def test_swap_flips_direction_for_the_session_only(
    window: MainWindow, installed_packs, qtbot
) -> None:
    result = _type(window, qtbot, "谢谢你的推荐。")
    with qtbot.waitSignal(window.controller.resultShown, timeout=WAIT) as blocker:
        window.action_swap.trigger()
    swapped = blocker.args[0]
    assert (swapped.source, swapped.target) == ("en", "zh")
    assert swapped.source_text == result.text
    assert window.pane.direction() == "en-zh"
    assert window.settings.get("direction") == "auto"  # not saved as the user's choice


def test_errors_are_not_copied_as_translations(window: MainWindow, qtbot) -> None:
    QApplication.clipboard().setText("before")
    window.pane.show_error("Translation failed: something")
    window.action_copy.trigger()
    assert QApplication.clipboard().text() == "before"


# One result object, the same from the pane and the CLI ------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "今天的OOTD是vintage风，这个look真的很chill，yyds！DM我要link",
        "Hello, I'm new here. I'm an American from TikTok.",
    ],
)
def test_the_cli_and_the_pane_give_the_same_result(
    window: MainWindow, installed_packs, qtbot, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    import json

    from companion.cli import dispatch

    shown = _type(window, qtbot, text).as_json()
    capsys.readouterr()
    assert dispatch(["translate", "--json", text]) == 0
    printed = json.loads(capsys.readouterr().out)
    for data in (shown, printed):
        data.pop("timing_ms")
    assert (shown.pop("origin"), printed.pop("origin")) == ("paste", "cli")
    assert printed == shown
    if printed["to"] == "zh":
        assert printed["back_translation"] and printed["pinyin"]["of"] == "target"
    else:
        assert printed["back_translation"] is None and printed["pinyin"]["of"] == "source"


def test_a_mixed_post_is_read_as_chinese_in_the_pane(
    window: MainWindow, installed_packs, qtbot
) -> None:
    result = _type(window, qtbot, "今天的OOTD是vintage风，这个look真的很chill，yyds！DM我要link")
    assert window.pane.detected_label.text() == "Detected: Chinese → English"
    for word in ("vintage", "look", "chill", "link"):
        assert word in window.pane.result_text()
    assert result.source == "zh"


# A pane that holds any post -----------------------------------------------------------------
def _long_post() -> str:
    """6,000 characters of a post full of different phrasebook terms (a long term list)."""
    from companion.phrasebook import get_book
    from companion.text import has_han

    terms = [e.simplified for e in get_book().entries if has_han(e.simplified)][:400]
    lines = [
        f"第{i}段：姐妹们，{'，'.join(terms[i % 40 * 10 : i % 40 * 10 + 10])}！" for i in range(200)
    ]
    return "\n".join(lines)[:6000]


def _scrolls(widget) -> bool:
    bar = widget.verticalScrollBar()
    return bar.maximum() > 0


def test_a_6000_character_paste_never_makes_the_window_taller_than_its_screen(
    window: MainWindow, installed_packs, qtbot
) -> None:
    area = window.screen().availableGeometry()
    window.resize(520, area.height() - 40)
    QApplication.processEvents()
    before = window.size()
    with qtbot.waitSignal(window.controller.termsShown, timeout=WAIT):
        result = _type(window, qtbot, _long_post())
    QApplication.processEvents()
    assert result.complete and len(result.source_text) == 6000
    assert window.size() == before
    assert window.frameGeometry().height() <= area.height()
    pane = window.pane
    assert not pane.wide
    # Every region scrolls inside itself instead of growing.
    assert _scrolls(pane.input) and _scrolls(pane.output)
    assert _scrolls(pane.terms_view) and _scrolls(pane.ruby_scroll)
    assert pane.terms_label.text().startswith("From the phrasebook (")
    assert "the first 5,000 characters" in pane.pinyin_label.text()
    assert window.statusBar().isVisible() and window.menuBar().isVisible()


def test_a_wide_window_puts_source_and_translation_side_by_side(
    window: MainWindow, installed_packs, qtbot
) -> None:
    pane = window.pane
    _type(window, qtbot, "姐妹们被种草了，这家店真的绝绝子！")
    qtbot.waitUntil(lambda: pane.terms_panel.isVisible(), timeout=WAIT)

    def origin(widget) -> tuple[int, int]:
        point = widget.mapTo(pane, widget.rect().topLeft())
        return point.x(), point.y()

    window.resize(1200, 560)
    qtbot.waitUntil(lambda: pane.wide, timeout=WAIT)
    (ix, iy), (rx, ry) = origin(pane.input), origin(pane.result_panel)
    assert rx > ix + pane.input.width() - 5 and abs(ry - iy) < 40  # side by side
    (px, py), (tx, _ty) = origin(pane.pinyin_panel), origin(pane.terms_panel)
    assert py > iy + pane.input.height() and tx > px  # reading aids below, side by side

    window.resize(520, 560)
    qtbot.waitUntil(lambda: not pane.wide, timeout=WAIT)
    (ix, iy), (rx, ry) = origin(pane.input), origin(pane.result_panel)
    assert ry > iy + pane.input.height() - 5 and abs(rx - ix) < 5  # stacked
    assert window.minimumSizeHint().height() < 560


def test_a_missing_key_is_one_line_not_a_paragraph(
    window: MainWindow, installed_packs, qtbot
) -> None:
    window.settings.set("preferred_engine", "deepl")  # no key stored
    result = _type(window, qtbot, "谢谢你的推荐。")
    assert result.engine == "offline" and result.notes
    notes = window.pane.notes_label
    assert notes.isVisible() and "\n" not in notes.text()
    assert notes.text().startswith("⚠ DeepL: no API key stored")
    assert notes.toolTip() == result.notes[0]  # the whole advice on hover
    assert window.statusBar().currentMessage() == result.notes[0]  # and once in full
    window.statusBar().clearMessage()
    _type(window, qtbot, "好看。")
    assert window.statusBar().currentMessage() == ""  # not again
    assert window.pane.result_text() and "API key" not in window.pane.result_text()


def test_settings_reach_the_window_through_the_change_notification(
    window: MainWindow, qtbot
) -> None:
    import threading

    thread = threading.Thread(target=lambda: window.settings.set("font_size", 21))
    thread.start()  # saved on another thread: the window is told on its own
    thread.join()
    qtbot.waitUntil(lambda: window.pane.input.font().pointSize() == 21, timeout=WAIT)
    assert window.pane.output.font().pointSize() == 21


def test_a_phrasebook_term_opens_in_the_phrasebook(window: MainWindow, qtbot) -> None:
    with qtbot.waitSignal(window.controller.termsShown, timeout=WAIT):
        window.pane.set_text("姐妹们被种草了")
    window.pane.termOpened.emit("种草")
    assert window.tabs.currentWidget() is window._phrasebook_host
    panel = window.phrasebook_panel
    assert panel is not None and panel.search.text() == "种草"  # type: ignore[attr-defined]


# Closing and quitting -----------------------------------------------------------------------
class TrayDesktop:
    """A desktop integration whose tray keeps the app running (DesktopHooks)."""

    keeps_running_in_tray = True

    def hotkey_status(self) -> str:
        return "on: Ctrl+Alt+C, Ctrl+Alt+T"

    def shutdown(self) -> None:
        pass


def test_closing_hides_to_the_tray_and_says_so_once(window: MainWindow, qtbot) -> None:
    from PySide6.QtWidgets import QMessageBox

    window.attach_desktop(TrayDesktop())
    window.close()
    assert window.isHidden()
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "trayNotice"]
    assert len(boxes) == 1 and isinstance(boxes[0], QMessageBox)
    assert "File > Quit" in boxes[0].text()
    boxes[0].close()
    assert window.settings.get_bool("tray_notice_shown")
    window.show()
    window.close()
    assert window.isHidden()
    assert not [
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "trayNotice" and w.isVisible()
    ]


QUIT_SCRIPT = r"""
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from companion.settings import Settings
from companion.ui.main_window import MainWindow

class TrayDesktop:
    keeps_running_in_tray = True
    def hotkey_status(self): return ""
    def shutdown(self): print("SHUTDOWN", flush=True)

app = QApplication([])
settings = Settings()
settings.set("first_run_done", True)
window = MainWindow(settings)
window.attach_desktop(TrayDesktop())
window.show()
print("SHORTCUT", window.action_quit.shortcut().toString(), flush=True)
def press_ctrl_q():  # while a tray keeps the app running
    window.activateWindow()
    print("ACTIVE", QTest.qWaitForWindowActive(window), flush=True)
    QTest.keyClick(window.pane.input, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

window.firstPainted.connect(press_ctrl_q)
QTimer.singleShot(30_000, lambda: app.exit(3))  # a failed quit ends the test, not the suite
code = app.exec()
window.shutdown()
print("EXIT", code, flush=True)
"""


def test_quit_quits_even_while_a_tray_keeps_the_app(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", QUIT_SCRIPT],
        env={**os.environ, "PYTHONPATH": str(repo), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["SHORTCUT", "Ctrl+Q", "ACTIVE", "True", "SHUTDOWN", "EXIT", "0"]


def test_a_storage_problem_is_shown_in_the_window_once(qtbot) -> None:
    import threading

    from companion.storage import notices

    notices.reset()
    kept = "Your data file was damaged and set aside as /tmp/companion.db.corrupt-1."
    notices.report("database-set-aside", kept, "error")
    settings = Settings()
    settings.set("first_run_done", True)
    win = MainWindow(settings)
    try:
        with qtbot.waitSignal(win.warmedUp, timeout=WAIT):
            win.show()
        box = win.notice_box
        assert box is not None and box.isVisible() and box.text() == kept
        later = "Companion cannot write to its data folder: changes are kept until you quit."
        thread = threading.Thread(target=lambda: notices.report("database-read-only", later))
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: later in box.text(), timeout=WAIT)
        assert notices.take() == []  # shown: the command-line summary does not repeat them
        notices.report("database-set-aside", kept, "error")
        QApplication.processEvents()
        assert box.text().count(kept) == 1  # once
        box.close()
    finally:
        _dispose(win)
        notices.reset()


def test_the_session_is_built_by_the_first_text_not_by_the_window(installed_packs, qtbot) -> None:
    """Start-up does not build the translation session (nor import it): a window that was
    never shown builds it for its first text, once, and translates with it."""
    settings = Settings()
    settings.set("first_run_done", True)
    win = MainWindow(settings)
    try:
        assert win._session is None
        result = _type(win, qtbot, "谢谢你的推荐。")
        session = win._session
        assert session is not None and win.session is session
        assert result.text and result.source == "zh"
        # The direction box saves the user's choice without needing the session.
        box = win.pane.direction_box
        box.setCurrentIndex(box.findData("en-zh"))
        assert settings.get("direction") == "en-zh"
        assert win.session is session
    finally:
        _dispose(win)


def test_help_about_opens_with_the_credits(window: MainWindow, qtbot) -> None:
    """About (and its credits module) loads on first use and shows the third-party data."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMenu, QMessageBox

    seen: list[str] = []
    tries = [0]

    def close_it() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            tries[0] += 1
            if tries[0] < 500:  # not open yet: look again (for ~10 s at most)
                QTimer.singleShot(20, close_it)
            return
        seen.append(box.text())
        box.accept()

    help_menu = window.menuBar().actions()[-1].menu()
    assert isinstance(help_menu, QMenu)
    about = next(a for a in help_menu.actions() if a.text())
    QTimer.singleShot(0, close_it)
    about.trigger()  # modal: returns once close_it has closed it
    assert seen and "CC-CEDICT" in seen[0]
