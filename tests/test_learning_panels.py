"""The History, My words and Review panels as real widgets (offscreen, pytest-qt)."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fsrs
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest

from companion.learning.history import History
from companion.learning.review import Reviewer
from companion.learning.words import WordList, WordToSave
from companion.settings import Settings
from companion.storage.db import Database
from companion.ui.learning.history_panel import HistoryPanel
from companion.ui.learning.review_panel import ReviewPanel
from companion.ui.learning.words_panel import WordDialog, WordsPanel
from companion.ui.tasks import TaskRunner
from tests.test_learning_anki import ToneSpeaker


class WatchedDatabase(Database):
    """A real database that notes which threads touch it."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.threads: set[str] = set()

    def execute(self, sql: str, params: tuple | dict = ()) -> list[Any]:
        self.threads.add(threading.current_thread().name)
        return super().execute(sql, params)

    def transaction(self) -> Any:
        self.threads.add(threading.current_thread().name)
        return super().transaction()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[WatchedDatabase]:
    database = WatchedDatabase(tmp_path / "c.db")
    yield database
    database.close()


@pytest.fixture
def reader(db: WatchedDatabase) -> Iterator[Database]:
    """A second connection to the same file, for the test's own checks."""
    database = Database(db.path)
    yield database
    database.close()


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    assert tasks.wait_idle()


def _settle(qtbot: Any, runner: TaskRunner) -> None:
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=10_000)


def _fill(db: Database) -> None:
    history = History(db, pinyin_of=lambda text: "yin hang" if "银行" in text else "")
    history.record("我去银行取钱", "I went to the bank", "zh", "en", "offline", "pasted", created=1)
    history.record("谢谢你", "Thank you", "zh", "en", "offline", "clipboard", created=2)
    words = WordList(db)
    words.save(WordToSave("银行", "銀行", "yín háng", ("bank",), "我去银行取钱。",
                          translation="I went to the bank.", tags=("money",)), now=1)  # fmt: skip
    words.save(WordToSave("种草", "種草", "zhòng cǎo", ("to recommend",), tags=("slang",)), now=2)
    words.save(WordToSave("阿姨", pinyin="ā yí", senses=("auntie",)), now=3)
    db.threads.clear()  # type: ignore[attr-defined]


def test_history_panel_lists_searches_and_reopens(
    qtbot: Any, db: Database, runner: TaskRunner
) -> None:
    _fill(db)
    history = History(db, pinyin_of=lambda _t: "")
    panel = HistoryPanel(history, runner)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        pass
    assert [e.source for e in panel.shown_entries()] == ["谢谢你", "我去银行取钱"]
    assert "2 translations kept" in panel.status.text()
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.search.setText("yinhang")
    assert [e.source for e in panel.shown_entries()] == ["我去银行取钱"]
    with qtbot.waitSignal(panel.openRequested, timeout=2000) as opened:
        QTest.keyClick(panel.search, Qt.Key.Key_Return)
    assert opened.args[0].source == "我去银行取钱"
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.search.setText("nothing like this")
    assert panel.shown_entries() == [] and not panel.empty.isHidden()
    assert panel.view.isHidden() and "Nothing matches" in panel.empty.text()
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.search.clear()
    panel.view.setCurrentIndex(panel.model.index(0))
    with qtbot.waitSignal(panel.openRequested, timeout=2000) as clicked:
        panel.view.doubleClicked.emit(panel.model.index(0))
    assert clicked.args[0].source == "谢谢你"
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.remove_current()
    assert [e.source for e in panel.shown_entries()] == ["我去银行取钱"]
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.clear_history(ask=False)
    _settle(qtbot, runner)
    assert threading.main_thread().name not in db.threads  # type: ignore[attr-defined]
    assert panel.shown_entries() == [] and history.count() == 0


def test_history_switches_and_live_updates(qtbot: Any, db: Database, runner: TaskRunner) -> None:
    settings = Settings(db)
    history = History(db, settings, pinyin_of=lambda _t: "")
    panel = HistoryPanel(history, runner)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.keep_box.isChecked(), timeout=10_000)
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.clipboard_box.setChecked(False)
    assert settings.get_bool("history_clipboard") is False
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.keep_box.setChecked(False)
    assert settings.get_bool("history_enabled") is False
    assert "History is off" in panel.status.text() and not panel.clipboard_box.isEnabled()
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.keep_box.setChecked(True)
    # a translation recorded on another thread shows up by itself
    worker = threading.Thread(target=lambda: history.record("新的", "new", "zh", "en"))
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        worker.start()
        worker.join()
    assert [e.source for e in panel.shown_entries()] == ["新的"]


def test_words_panel_search_tags_sort_edit_remove_undo(
    qtbot: Any, db: Database, runner: TaskRunner, reader: Database
) -> None:
    _fill(db)
    words = WordList(db)
    panel = WordsPanel(words, runner)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: len(panel.shown_words()) == 3, timeout=10_000)

    def shown() -> list[str]:
        return [w.simplified for w in panel.shown_words()]

    assert shown() == ["阿姨", "种草", "银行"]
    assert panel.model.data(panel.model.index(0, 0)) == "阿姨"
    assert panel.model.data(panel.model.index(2, 0)) == "银行 (銀行)"
    assert panel.model.data(panel.model.index(0, 4)) == "now"
    panel.order_box.setCurrentIndex(panel.order_box.findData("pinyin"))
    assert shown() == ["阿姨", "银行", "种草"]
    panel.search.setText("yinhang")
    assert shown() == ["银行"]
    assert "我去" in panel.detail.toPlainText() and "bank" in panel.detail.toPlainText()
    panel.search.clear()
    panel.tag_box.setCurrentIndex(panel.tag_box.findData("slang"))
    assert shown() == ["种草"]
    panel.tag_box.setCurrentIndex(0)
    panel.table.selectRow(shown().index("种草"))
    dialog = panel.edit_current()
    assert isinstance(dialog, WordDialog)
    dialog.meanings.setPlainText("to recommend\nto plant grass")
    dialog.note.setPlainText("RedNote slang")
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert WordList(reader).find("种草")[0].meanings == ("to recommend", "to plant grass")
    assert panel.current_word() is not None and panel.current_word().simplified == "种草"  # type: ignore[union-attr]
    panel.show()
    qtbot.waitExposed(panel)
    panel.table.setFocus()
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        QTest.keyClick(panel.table, Qt.Key.Key_Delete)
    assert "种草" not in shown() and not panel.undo_button.isHidden()
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.undo_button.click()
    _settle(qtbot, runner)
    assert threading.main_thread().name not in db.threads  # type: ignore[attr-defined]
    assert "种草" in shown() and WordList(reader).find("种草")[0].note == "RedNote slang"


def test_edit_dialog_refuses_bad_input(qtbot: Any, db: Database) -> None:
    word = WordList(db).save(WordToSave("银行")).word
    dialog = WordDialog(word)
    qtbot.addWidget(dialog)
    dialog.simplified.setText("   ")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "empty" in dialog.problem.text() and dialog.result() == 0
    dialog.simplified.setText("银行")
    dialog.tags.setText(",".join(f"t{k}" for k in range(30)))
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "tags" in dialog.problem.text()


def test_words_panel_export_and_import(
    qtbot: Any, db: Database, runner: TaskRunner, tmp_path: Path
) -> None:
    _fill(db)
    panel = WordsPanel(WordList(db), runner, speaker_factory=None)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: len(panel.shown_words()) == 3, timeout=10_000)
    with qtbot.waitSignal(panel.fileFinished, timeout=20_000) as done:
        panel.export_to(tmp_path / "deck.apkg")
    assert done.args == [True, "Exported 3 words (6 cards) to deck.apkg."]
    assert zipfile.is_zipfile(tmp_path / "deck.apkg")
    voiced = WordsPanel(WordList(db), runner, speaker_factory=ToneSpeaker)
    qtbot.addWidget(voiced)
    with qtbot.waitSignal(voiced.fileFinished, timeout=20_000) as done:
        voiced.export_to(tmp_path / "voiced.apkg")
    assert done.args == [True, "Exported 3 words (6 cards, 3 with audio) to voiced.apkg."]
    with qtbot.waitSignal(panel.fileFinished, timeout=20_000) as done:
        panel.export_to(tmp_path / "words.csv")
    assert done.args == [True, "Exported 3 words to words.csv."]
    bad = tmp_path / "bad.csv"
    bad.write_text("price,name\n1,2\n", encoding="utf-8")
    with qtbot.waitSignal(panel.fileFinished, timeout=20_000) as done:
        panel.import_from(bad)
    assert done.args[0] is False and "Nothing imported" in done.args[1]
    good = tmp_path / "new.csv"
    good.write_text("simplified,meanings\n避雷,to warn others off\n,\n", encoding="utf-8")
    with qtbot.waitSignal(panel.loaded, timeout=20_000):
        panel.import_from(good)
    assert "避雷" in [w.simplified for w in panel.shown_words()]


def _review_panel(qtbot: Any, db: Database, runner: TaskRunner) -> ReviewPanel:
    reviewer = Reviewer(db, fsrs.Scheduler(enable_fuzzing=False))
    panel = ReviewPanel(reviewer, runner, session_size=10)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.counts.total > 0, timeout=10_000)
    return panel


def test_review_panel_is_driven_by_the_keyboard(
    qtbot: Any, db: Database, runner: TaskRunner, reader: Database
) -> None:
    _fill(db)
    panel = _review_panel(qtbot, db, runner)
    panel.show()
    assert panel.counts.total == 3 and "3 cards due" in panel.due_label.text()  # 3 words
    assert panel.start_button.text() == "Review 3"
    assert "3 words also due the other way round wait until tomorrow" in panel.due_detail.text()
    with qtbot.waitSignal(panel.cardShown, timeout=10_000):
        panel.start_button.click()
    assert panel.pages.currentWidget() is panel.card_page
    assert not panel.answer.isVisible() and not panel.rate_buttons[3].isEnabled()
    QTest.keyClick(panel, Qt.Key.Key_3)  # rating before the answer is shown does nothing
    assert Reviewer(reader).counts().total == 3
    QTest.keyClick(panel, Qt.Key.Key_Space)
    assert panel.revealed and panel.answer.isVisible() and panel.rate_buttons[3].isEnabled()
    first = panel.session.current  # type: ignore[union-attr]
    assert first is not None
    with qtbot.waitSignals([panel.cardShown, panel.dueCountChanged], timeout=10_000):
        QTest.keyClick(panel, Qt.Key.Key_3)
    row = reader.execute("SELECT reps FROM review_cards WHERE word_id = ? AND kind = ?",
                     (first.word.id, first.kind))  # fmt: skip
    assert row[0][0] == 1
    assert panel.counts.total == 2
    QTest.keyClick(panel, Qt.Key.Key_Space)
    with qtbot.waitSignal(panel.cardShown, timeout=10_000):
        QTest.keyClick(panel, Qt.Key.Key_1)  # Again: it comes back at the end
    with qtbot.waitSignal(panel.sessionFinished, timeout=10_000) as finished:
        QTest.keyClick(panel, Qt.Key.Key_Escape)
    assert finished.args == [2]
    assert panel.pages.currentWidget() is panel.done_page
    _settle(qtbot, runner)
    assert threading.main_thread().name not in db.threads  # type: ignore[attr-defined]


def test_review_panel_runs_a_whole_session(qtbot: Any, db: Database, runner: TaskRunner) -> None:
    _fill(db)
    panel = _review_panel(qtbot, db, runner)
    with qtbot.waitSignal(panel.cardShown, timeout=10_000):
        panel.start()
    kinds = set()
    with qtbot.waitSignal(panel.sessionFinished, timeout=20_000) as finished:
        for _ in range(3):
            kinds.add(panel.session.current.kind)  # type: ignore[union-attr]
            panel.reveal()
            with qtbot.waitSignal(panel.cardShown, timeout=10_000, raising=False):
                panel.rate(4)
    assert finished.args == [3]  # one card per word: 3 words
    assert kinds == {"recognition"}  # a new word is first shown Chinese -> meaning
    qtbot.waitUntil(lambda: "Nothing else" in panel.done_detail.text(), timeout=10_000)
    assert panel.counts.total == 0  # the recall cards wait until tomorrow
    assert panel.done_detail.text() == (
        "Nothing else is due now.\n3 words also due the other way round wait until tomorrow"
        " (one card per word a day)."
    )


def test_review_panel_with_nothing_due(qtbot: Any, db: Database, runner: TaskRunner) -> None:
    reviewer = Reviewer(db)
    panel = ReviewPanel(reviewer, runner)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.countsShown, timeout=10_000):
        pass
    assert panel.due_label.text() == "Nothing due"
    assert "Save words" in panel.due_detail.text() and not panel.start_button.isEnabled()
    with qtbot.waitSignal(panel.dueCountChanged, timeout=10_000) as due:
        WordList(db).save(WordToSave("新", pinyin="xīn", senses=("new",)))
    assert due.args == [1]  # one card per word a day


def test_model_is_empty_for_a_bad_index(qtbot: Any, db: Database, runner: TaskRunner) -> None:
    panel = WordsPanel(WordList(db), runner)
    qtbot.addWidget(panel)
    assert panel.model.data(QModelIndex()) is None
    assert panel.model.rowCount(panel.model.index(0, 0)) == 0


def test_review_session_size_comes_from_settings_off_the_gui_thread(
    qtbot: Any, db: Database, runner: TaskRunner
) -> None:
    _fill(db)
    with db.transaction() as conn:
        conn.execute("INSERT INTO settings(key, value) VALUES ('review_session_size', '2')")
    db.threads.clear()  # type: ignore[attr-defined]
    panel = ReviewPanel(Reviewer(db), runner)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.counts.total == 3, timeout=10_000)
    assert panel.session_size == 2 and panel.start_button.text() == "Review 2"
    assert panel.all_button.text() == "Review all 3"
    with qtbot.waitSignal(panel.cardShown, timeout=10_000):
        panel.start()
    assert panel.session is not None and panel.session.total == 2
    _settle(qtbot, runner)
    assert threading.main_thread().name not in db.threads  # type: ignore[attr-defined]


# The number the panel shows is the number its session asks ------------------------------
class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _panel_at(qtbot: Any, db: Database, runner: TaskRunner, clock: _Clock) -> ReviewPanel:
    reviewer = Reviewer(db, fsrs.Scheduler(enable_fuzzing=False), clock=clock)
    panel = ReviewPanel(reviewer, runner, session_size=10)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.countsShown, timeout=10_000):
        pass
    return panel


def _ask_everything(qtbot: Any, panel: ReviewPanel) -> list[tuple[str, str]]:
    """Press "Review N" and answer every card Easy with the keyboard: the cards it asked."""
    shown = panel.counts.total
    assert panel.start_button.text() == f"Review {shown}"
    assert panel.due_label.text() == f"{shown} card{'s' if shown != 1 else ''} due"
    with qtbot.waitSignal(panel.cardShown, timeout=10_000):
        panel.start_button.click()
    asked = []
    while panel.session is not None:
        current = panel.session.current
        assert current is not None
        asked.append((current.word.simplified, current.kind))
        QTest.keyClick(panel, Qt.Key.Key_Space)
        QTest.keyClick(panel, Qt.Key.Key_4)
        qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
    qtbot.waitUntil(lambda: panel.done_detail.text() != "", timeout=10_000)
    assert len(asked) == shown  # what the panel (and the tab) said is what it asked
    return asked


def test_the_panel_asks_the_number_it_shows_across_a_restart_an_import_and_both_kinds(
    qtbot: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    from datetime import datetime

    from companion.learning.csv_io import import_csv

    noon = datetime(2025, 6, 15, 12, 0).timestamp()
    clock = _Clock(noon)
    profile = tmp_path / "profile.db"
    db = Database(profile)
    for k, word in enumerate(("银行", "种草", "阿姨", "避雷")):
        WordList(db).save(WordToSave(word, pinyin=f"p{k}", senses=(f"sense {k}",)), now=noon)
    panel = _panel_at(qtbot, db, runner, clock)
    asked = _ask_everything(qtbot, panel)
    assert len(asked) == 4 == len(set(asked)) and {k for _w, k in asked} == {"recognition"}
    assert panel.done_detail.text() == (
        "Nothing else is due now.\n4 words also due the other way round wait until tomorrow"
        " (one card per word a day)."
    )
    panel.stop()
    _settle(qtbot, runner)
    db.close()  # the app quits

    db = Database(profile)  # and starts again an hour later
    try:
        clock.now = noon + 3600
        panel = _panel_at(qtbot, db, runner, clock)
        assert panel.due_label.text() == "Nothing due" and not panel.start_button.isEnabled()
        assert panel.due_detail.text() == (
            "4 words also due the other way round wait until tomorrow (one card per word a"
            " day).\nThe next card is due in 15h."  # 4 a.m.
        )
        panel.stop()

        clock.now = datetime(2025, 6, 16, 9, 0).timestamp()  # the next day, and an import
        panel = _panel_at(qtbot, db, runner, clock)
        assert panel.counts.total == 4
        (tmp_path / "new.csv").write_text(
            "simplified,pinyin,meanings\n平替,píng tì,a dupe\n集美,jí měi,sisters\n",
            encoding="utf-8",
        )
        with qtbot.waitSignal(panel.dueCountChanged, timeout=10_000) as counted:
            import_csv(WordList(db), tmp_path / "new.csv", now=clock.now)
        assert counted.args == [6]
        qtbot.waitUntil(lambda: panel.due_label.text() == "6 cards due", timeout=10_000)
        asked = _ask_everything(qtbot, panel)
        assert sorted(asked) == sorted(
            [(w, "recall") for w in ("银行", "种草", "阿姨", "避雷")]
            + [("平替", "recognition"), ("集美", "recognition")]
        )
        assert panel.done_detail.text().startswith("Nothing else is due now.\n2 words also due")
        panel.stop()

        clock.now = noon + 400 * 86_400  # months later: both cards of every word are due
        panel = _panel_at(qtbot, db, runner, clock)
        assert panel.counts.total == 6 and panel.counts.held == 6
        asked = _ask_everything(qtbot, panel)
        assert len(asked) == 6 == len({w for w, _k in asked})  # one card per word
        panel.stop()
        _settle(qtbot, runner)
    finally:
        db.close()
