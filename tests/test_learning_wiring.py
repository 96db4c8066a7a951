"""Learning in the real window (offscreen, fixture packs): history kept and re-opened, words
saved from the popup, the pane, the phrasebook and OCR text, the review due count in the tab
title and the tray."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit

from companion import changes
from companion.learning.history import History, HistoryEntry
from companion.learning.review import Reviewer
from companion.learning.words import WordList
from companion.session import SessionResult
from companion.settings import Settings
from companion.storage.db import default_database
from companion.ui.learning.wiring import SaveOutcome
from companion.ui.main_window import MainWindow
from companion.ui.translate.pane import python_index

WAIT = 60_000


def _dispose(win: MainWindow) -> None:
    win.shutdown()
    win.close()
    QApplication.processEvents()


def _open_window(qtbot: Any) -> MainWindow:
    settings = Settings()
    settings.set("first_run_done", True)
    win = MainWindow(settings)
    with qtbot.waitSignal(win.warmedUp, timeout=WAIT):
        win.show()
    return win


@pytest.fixture
def window(qtbot: Any) -> Iterator[MainWindow]:
    win = _open_window(qtbot)
    yield win
    _dispose(win)


def _type(win: MainWindow, qtbot: Any, text: str) -> tuple[SessionResult, HistoryEntry | None]:
    """Put ``text`` in the pane as typing does; the result and what history kept of it."""
    with (
        qtbot.waitSignal(win.learning.historyRecorded, timeout=WAIT) as kept,
        qtbot.waitSignal(win.controller.resultShown, timeout=WAIT) as shown,
    ):
        win.pane.set_text(text)
    return shown.args[0], kept.args[0]


def _select(box: QPlainTextEdit, text: str) -> None:
    """Select the first ``text`` in ``box`` (Qt counts UTF-16 units)."""
    whole = box.toPlainText()
    start = whole.index(text)
    units = len(whole[:start].encode("utf-16-le")) // 2
    cursor = box.textCursor()
    cursor.setPosition(units)
    cursor.setPosition(units + len(text.encode("utf-16-le")) // 2, QTextCursor.MoveMode.KeepAnchor)
    box.setTextCursor(cursor)


def _saved(win: MainWindow, qtbot: Any, action: Any) -> SaveOutcome:
    with qtbot.waitSignal(win.learning.wordSaved, timeout=WAIT) as blocker:
        action()
    outcome: SaveOutcome = blocker.args[0]
    return outcome


def _history_panel(win: MainWindow, qtbot: Any, count: int) -> Any:
    win.tabs.setCurrentWidget(win.learning.history_host)
    panel = win.learning.history_panel
    assert panel is not None and panel.parent() is win.learning.history_host
    qtbot.waitUntil(lambda: len(panel.shown_entries()) == count, timeout=WAIT)
    return panel


# History ----------------------------------------------------------------------------------
def test_a_translation_is_kept_and_opens_again_without_translating(
    window: MainWindow, installed_packs: list[Path], qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, entry = _type(window, qtbot, "我去银行取钱。")
    assert entry is not None
    assert (entry.source, entry.result) == (first.source_text, first.text)
    assert (entry.source_lang, entry.target_lang, entry.origin) == ("zh", "en", "typed")
    assert entry.engine == first.engine == "offline"
    _type(window, qtbot, "谢谢分享。")
    assert History().search("yinhang")[0].id == entry.id  # indexed with the result's pinyin

    panel = _history_panel(window, qtbot, 2)
    row = [e.id for e in panel.shown_entries()].index(entry.id)
    panel.view.setCurrentIndex(panel.model.index(row))
    calls: list[str] = []
    translate = window.session.translate

    def counted(text: str, *args: Any, **kwargs: Any) -> SessionResult:
        calls.append(text)
        return translate(text, *args, **kwargs)

    monkeypatch.setattr(window.session, "translate", counted)
    with qtbot.waitSignal(window.learning.entryReopened, timeout=WAIT) as reopened:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # Enter (or a double-click) opens it
    shown: SessionResult = reopened.args[0]
    assert window.tabs.currentWidget() is window.pane
    assert window.pane.text() == entry.source
    assert window.pane.result_text() == entry.result
    assert window.controller.last_result is shown and shown.origin == "history"
    assert "From your history" in window.pane.engine_badge.text()
    assert window.pane.ruby_scroll.isVisible() and window.pane.ruby.words()
    window.runner.wait_idle(WAIT)
    QApplication.processEvents()
    assert calls == []  # shown as kept: no engine was asked
    assert History().count() == 2  # opening an entry does not add one
    # Translate (Ctrl+Enter) makes a fresh translation of it.
    with qtbot.waitSignal(window.controller.resultShown, timeout=WAIT):
        window.action_translate.trigger()
    assert calls == [entry.source]


def test_history_switches_clipboard_watch_and_typing_that_grows(
    window: MainWindow, installed_packs: list[Path], qtbot: Any
) -> None:
    _, short = _type(window, qtbot, "小红书")
    _, grown = _type(window, qtbot, "小红书上的")
    assert short is not None and grown is not None
    assert grown.id == short.id and grown.source == "小红书上的"  # one entry while typing
    assert History().count() == 1

    window.settings.set("history_clipboard", False)
    with qtbot.waitSignal(window.learning.historyRecorded, timeout=WAIT) as kept:
        window.set_input_text("谢谢分享。", "clipboard")
    assert kept.args[0] is None  # the clipboard watch's translations left out
    with qtbot.waitSignal(window.learning.historyRecorded, timeout=WAIT) as kept:
        window.set_input_text("请输入验证码", "ocr")
    assert kept.args[0] is not None and kept.args[0].origin == "ocr"
    window.pane.set_text("")
    _, pasted = _type(window, qtbot, "家人们谁懂啊！这个平替口红绝绝子")  # a paste: 16 at once
    assert pasted is not None and pasted.origin == "pasted"

    window.settings.set("history_enabled", False)
    _, nothing = _type(window, qtbot, "好看。")
    assert nothing is None
    assert [e.source for e in History().recent()] == [
        "家人们谁懂啊！这个平替口红绝绝子", "请输入验证码", "小红书上的",
    ]  # fmt: skip


def test_the_settings_dialog_switches_caps_and_clears_history(
    window: MainWindow, qtbot: Any
) -> None:
    history = History()
    for n in range(5):
        history.record(f"第{n}句", f"sentence {n}", "zh", "en", "offline", "pasted", created=n)
    window.open_settings()
    from companion.ui.settings.dialog import SettingsDialog

    (dialog,) = window.findChildren(SettingsDialog)
    page = dialog.history
    qtbot.waitUntil(lambda: "5 translations kept" in page.status_label.text(), timeout=WAIT)
    assert page.keep_box.isChecked() and page.clipboard_box.isChecked()
    page.clipboard_box.setChecked(False)
    page.limit_box.setValue(100)
    dialog.accept()
    window.runner.wait_idle(WAIT)
    assert window.settings.get_bool("history_clipboard") is False
    assert window.settings.get_int("history_limit") == 100

    window.open_settings()
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    page = dialog.history
    assert not page.clipboard_box.isChecked() and page.limit_box.value() == 100
    box = page.ask_to_clear()
    box.button(QMessageBox.StandardButton.Cancel).click()
    window.runner.wait_idle(WAIT)
    assert history.count() == 5  # cancelled: nothing deleted
    box = page.ask_to_clear()
    with qtbot.waitSignal(page.cleared, timeout=WAIT) as cleared:
        box.button(QMessageBox.StandardButton.Yes).click()
    assert cleared.args == [5] and history.count() == 0
    assert "5 translations deleted" in page.status_label.text()
    page.keep_box.setChecked(False)
    assert not page.clipboard_box.isEnabled()
    dialog.accept()
    assert window.settings.get_bool("history_enabled") is False


def test_a_lower_cap_drops_the_oldest_at_once(window: MainWindow, qtbot: Any) -> None:
    history = History()
    for n in range(120):
        history.record(f"第{n}句", f"sentence {n}", "zh", "en", "offline", "pasted", created=n)
    window.open_settings()
    from companion.ui.settings.dialog import SettingsDialog

    (dialog,) = window.findChildren(SettingsDialog)
    dialog.history.limit_box.setValue(100)
    dialog.accept()
    window.runner.wait_idle(WAIT)
    assert history.count() == 100
    assert history.recent(1)[0].source == "第119句"


# Saving words -----------------------------------------------------------------------------
def test_a_word_saved_from_the_popup_keeps_its_sentence_and_translation(
    window: MainWindow, installed_packs: list[Path], qtbot: Any
) -> None:
    with qtbot.waitSignal(window.controller.pinyinShown, timeout=WAIT):
        result, _ = _type(window, qtbot, "我去银行取钱。")
    ruby = window.pane.ruby
    index = [w.text for w in ruby.words()].index("银行")
    popup = ruby.open_popup(index)
    assert popup is not None
    outcome = _saved(window, qtbot, popup.save_button.click)
    word = outcome.word
    assert outcome.added and outcome.persistent and outcome.where == "popup"
    assert (word.simplified, word.pinyin) == ("银行", "yín háng")
    assert any("bank" in m for m in word.meanings)
    assert word.sentence == "我去银行取钱。"
    assert word.translation == result.text.strip() != ""
    assert word.sentence_pinyin == "wǒqù yínháng qǔ qián."
    assert word.origin == "popup"
    assert window.statusBar().currentMessage() == "银行 saved to My words"
    again = _saved(window, qtbot, lambda: window.learning.save_word(popup_word(word), "popup"))
    assert not again.added
    assert window.statusBar().currentMessage() == "银行 is already in My words"
    assert len(WordList().find("银行")) == 1


def popup_word(word: Any) -> Any:
    from companion.wordlist import WordToSave

    return WordToSave(word.simplified, pinyin=word.pinyin, context=word.sentence)


def test_a_selection_in_the_pane_is_saved_from_its_menu_and_the_shortcut(
    window: MainWindow, installed_packs: list[Path], qtbot: Any
) -> None:
    result, _ = _type(window, qtbot, "我去银行取钱。今天真开心😊")
    box = window.pane.input
    _select(box, "银行")
    menu = window.pane.context_menu(box)
    action = menu.findChild(QAction, "saveSelectionAction")
    assert action is not None and action.isEnabled()
    assert menu.actions()[0] is action  # first, above Copy and Select All
    outcome = _saved(window, qtbot, action.trigger)
    assert outcome.word.simplified == "银行" and outcome.where == "selection"
    assert outcome.word.sentence == "我去银行取钱。"  # the sentence it is in, not the text
    assert outcome.word.pinyin == "yín háng" and outcome.word.meanings

    _select(box, "开心")  # after an emoji-free part; the emoji is after it
    box.setFocus()
    outcome = _saved(
        window,
        qtbot,
        lambda: qtbot.keyClick(box, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier),
    )
    assert outcome.word.simplified == "开心"
    assert outcome.word.sentence == "今天真开心😊"
    assert window.statusBar().currentMessage() == "开心 saved to My words"

    box.moveCursor(QTextCursor.MoveOperation.End)  # nothing selected
    window.learning.action_save.trigger()
    assert "Select a word" in window.statusBar().currentMessage()
    unselected = window.pane.context_menu(box).findChild(QAction, "saveSelectionAction")
    assert unselected is not None and not unselected.isEnabled()
    assert result.text


def test_a_selection_in_a_reopened_chinese_translation_keeps_the_english(
    window: MainWindow, qtbot: Any
) -> None:
    """English -> Chinese: the Chinese is the translation; its sentence's translation is the
    English the user wrote (and re-opening needs no pack: nothing is translated)."""
    History().record("I went to the bank.", "我去银行了。", "en", "zh", "offline", "typed")
    panel = _history_panel(window, qtbot, 1)
    with qtbot.waitSignal(window.learning.entryReopened, timeout=WAIT):
        panel.view.setCurrentIndex(panel.model.index(0))
        panel.open_current()
    assert window.pane.result_text() == "我去银行了。"
    assert window.pane.ruby_scroll.isVisible()  # the pinyin of the Chinese translation
    _select(window.pane.output, "银行")
    window.pane.output.setFocus()
    outcome = _saved(window, qtbot, window.learning.action_save.trigger)
    assert outcome.word.sentence == "我去银行了。"
    assert outcome.word.translation == "I went to the bank."
    _select(window.pane.input, "bank")
    window.pane.input.setFocus()
    with qtbot.waitSignal(window.learning.saveFailed, timeout=WAIT) as refused:
        window.learning.action_save.trigger()
    assert "Select Chinese" in refused.args[0]


def test_ocr_text_lands_in_the_pane_and_its_words_are_saved_as_from_ocr(
    window: MainWindow, installed_packs: list[Path], qtbot: Any
) -> None:
    with qtbot.waitSignal(window.controller.resultShown, timeout=WAIT):
        window.set_input_text("请输入验证码", "ocr")  # what the desktop integration does
    _select(window.pane.input, "验证码")
    outcome = _saved(window, qtbot, window.learning.action_save.trigger)
    assert outcome.word.origin == "ocr" and outcome.word.sentence == "请输入验证码"
    assert outcome.word.translation == window.pane.result_text().strip()


def test_a_phrasebook_entry_is_saved_with_its_example(window: MainWindow, qtbot: Any) -> None:
    window.open_phrasebook("种草")
    panel: Any = window.phrasebook_panel
    qtbot.waitUntil(lambda: panel.loaded and panel.current_entry() is not None, timeout=WAIT)
    entry = panel.current_entry()
    assert entry.simplified == "种草"
    example = next(s for s in entry.senses if s.example)
    outcome = _saved(window, qtbot, panel.save_button.click)
    word = outcome.word
    assert outcome.added and word.simplified == "种草" and word.origin == "phrasebook"
    assert word.sentence == example.example and word.translation == example.example_en
    assert word.meanings[0] == entry.english[0].replace("{}", "…")
    assert word.pinyin == entry.pinyin
    again = _saved(window, qtbot, window.learning.action_save.trigger)  # Ctrl+S on this tab
    assert not again.added and again.word.id == word.id


def test_a_save_while_the_database_is_in_memory_says_it_will_be_lost(qtbot: Any) -> None:
    from companion import paths
    from companion.storage import notices
    from tests.test_storage import _renumber

    notices.reset()
    _renumber(paths.database_path(), 1)  # a schema this version cannot migrate: left alone
    win = _open_window(qtbot)
    try:
        assert not default_database().persistent
        win.pane.set_text("银行")
        _select(win.pane.input, "银行")
        outcome = _saved(win, qtbot, win.learning.action_save.trigger)
        assert outcome.added and not outcome.persistent
        message = win.statusBar().currentMessage()
        assert message.startswith("银行 saved to My words.")
        assert "lost when Companion quits" in message
    finally:
        _dispose(win)
        notices.reset()


# Review -----------------------------------------------------------------------------------
def _due_title(win: MainWindow) -> str:
    return win.tabs.tabText(win.tabs.indexOf(win.learning.review_host))


def test_the_due_count_follows_saves_reviews_and_time_in_the_tab_and_the_tray(
    window: MainWindow, qtbot: Any
) -> None:
    from companion.ui.desktop.integration import DesktopIntegration

    desktop = DesktopIntegration(window, window.settings, window.runner)
    window.attach_desktop(desktop)
    try:
        assert window.learning.action_review in desktop.tray.menu.actions()
        qtbot.waitUntil(lambda: window.learning.due_count == 0, timeout=WAIT)
        assert _due_title(window) == "Review"
        assert window.learning.action_review.text() == "Review (none due)"
        with qtbot.waitSignal(window.learning.dueCountChanged, timeout=WAIT):
            window.pane.set_text("我去银行取钱。")
            _select(window.pane.input, "银行")
            _saved(window, qtbot, window.learning.action_save.trigger)
        due = Reviewer().due_count()
        assert due == 1  # one card per word a day (its recall card waits until tomorrow)
        qtbot.waitUntil(lambda: _due_title(window) == "Review (1)", timeout=WAIT)
        assert window.learning.action_review.text() == "Review (1 due)"
        assert desktop.tray.tooltip == "Companion · 1 card to review"

        # From the tray (or My words' "Review now"): the Review tab, a session started that
        # asks what the tab and the tray said.
        panel_shown = window.learning.review_panel is None
        window.learning.action_review.trigger()
        panel = window.learning.review_panel
        assert panel_shown and panel is not None
        qtbot.waitUntil(lambda: panel.session is not None and not panel.busy, timeout=WAIT)
        assert window.tabs.currentWidget() is window.learning.review_host
        assert panel.session is not None and panel.session.total == 1
        panel.reveal()
        with qtbot.waitSignal(window.learning.dueCountChanged, timeout=WAIT) as counted:
            panel.rate(3)
        assert counted.args == [0]  # Good: back in 10 minutes; the recall card is buried
        assert _due_title(window) == "Review" and desktop.tray.tooltip == "Companion"
        qtbot.waitUntil(lambda: "wait" in panel.done_detail.text(), timeout=WAIT)
        assert panel.done_detail.text() == (
            "Nothing else is due now.\n1 word also due the other way round waits until tomorrow"
            " (one card per word a day)."
        )

        # Cards that fall due later are counted when they do (a timer, not a change), and
        # the panel follows the tab: the card answered today, not its buried sibling.
        soon = time.time() + 1.5
        with default_database().transaction() as conn:
            conn.execute("UPDATE review_cards SET due = ?", (round(soon * 1000),))
        with qtbot.waitSignal(window.learning.dueCountChanged, timeout=WAIT) as counted:
            changes.notify("words", "test")  # counted again (0): the timer is set for soon
        assert counted.args == [1] and time.time() >= soon
        assert _due_title(window) == "Review (1)"
        assert desktop.tray.tooltip == "Companion · 1 card to review"
        # within seconds, not at the panel's own once-a-minute count
        qtbot.waitUntil(lambda: panel.done_detail.text().startswith("1 more due."), timeout=10_000)
        assert panel.counts.total == 1
        with qtbot.waitSignal(panel.cardShown, timeout=WAIT):
            panel.more_button.click()
        assert panel.session is not None and panel.session.total == 1
        assert panel.session.current is not None and panel.session.current.kind == "recognition"
    finally:
        desktop.shutdown()


def test_my_words_review_now_starts_a_review(window: MainWindow, qtbot: Any) -> None:
    WordList().add("种草", pinyin="zhòng cǎo", senses=("to recommend",))
    window.tabs.setCurrentWidget(window.learning.words_host)
    words = window.learning.words_panel
    assert words is not None
    qtbot.waitUntil(lambda: len(words.shown_words()) == 1, timeout=WAIT)
    words.review_button.click()
    review = window.learning.review_panel
    assert review is not None and window.tabs.currentWidget() is window.learning.review_host
    qtbot.waitUntil(lambda: review.session is not None and not review.busy, timeout=WAIT)
    assert review.pages.currentWidget() is review.card_page


def test_my_words_exports_an_anki_deck_and_csv_and_imports_from_its_menu(
    window: MainWindow, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3
    import zipfile

    from PySide6.QtWidgets import QFileDialog

    WordList().add("种草", pinyin="zhòng cǎo", senses=("to recommend",), context="被博主种草了")
    window.learning.action_words.trigger()  # View > My words
    panel = window.learning.words_panel
    assert panel is not None and window.tabs.currentWidget() is window.learning.words_host
    qtbot.waitUntil(lambda: len(panel.shown_words()) == 1, timeout=WAIT)
    menu = panel.files_button.menu()
    assert [a.text() for a in menu.actions()] == [
        "Export Anki deck (.apkg)…", "Export CSV…", "Import CSV…",
    ]  # fmt: skip

    def export(action: QAction, name: str) -> Path:
        target = tmp_path / name  # typed without its suffix: the panel adds it
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        with qtbot.waitSignal(panel.fileFinished, timeout=WAIT) as done:
            action.trigger()
        assert done.args[0] is True, done.args
        return target

    deck = export(panel.export_anki_action, "mine").with_suffix(".apkg")
    with zipfile.ZipFile(deck) as package:
        assert {"collection.anki2", "media"} <= set(package.namelist())
        (tmp_path / "collection.anki2").write_bytes(package.read("collection.anki2"))
    connection = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        (fields,) = connection.execute("SELECT flds FROM notes").fetchone()
    finally:
        connection.close()
    assert "种草" in fields and "被博主" in fields
    table = export(panel.export_csv_action, "mine").with_suffix(".csv")
    data = table.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "种草".encode() in data

    WordList().remove(WordList().find("种草")[0].id)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(table), ""))
    with qtbot.waitSignal(panel.fileFinished, timeout=WAIT) as done:
        panel.import_action.trigger()
    assert done.args == [True, "mine.csv: 1 added, 0 updated, 0 unchanged."]
    assert WordList().is_saved("种草")


def test_the_tabs_are_built_on_first_show_and_found_by_widget(qtbot: Any) -> None:
    settings = Settings()
    settings.set("first_run_done", True)
    win = MainWindow(settings)
    try:
        learning = win.learning
        assert (learning.history_panel, learning.words_panel, learning.review_panel) == (
            None, None, None,
        )  # fmt: skip
        assert learning.due is None  # nothing counted before the first paint
        titles = [win.tabs.tabText(i) for i in range(win.tabs.count())]
        assert titles[:2] == ["Translate", "Phrasebook"]
        assert {"History", "My words", "Review"} <= set(titles)
        win.tabs.setCurrentWidget(learning.words_host)
        assert learning.words_panel is not None and learning.history_panel is None
        assert python_index("😊银行", 2) == 1  # Qt's units to Python's
    finally:
        _dispose(win)
