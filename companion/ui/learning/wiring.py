"""The learning side in the main window: History, My words and Review tabs, saving words,
recording history and the due count.

:class:`LearningTabs` is created with the window but holds nothing heavy until it is used:
the tabs are empty hosts until first shown (like the phrasebook tab), the core objects
(:mod:`companion.learning`) are built on first use, and the due count starts once the window
has been painted. Every database call runs on the TaskRunner's quick lane (one thread, so
history entries are written in the order their translations were shown and a typed text
that grows folds into one entry).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget

from companion.ui.learning.relay import ChangeRelay
from companion.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from companion.learning.history import History, HistoryEntry
    from companion.learning.review import Reviewer
    from companion.learning.words import SavedWord, WordList, WordToSave
    from companion.session import SessionResult  # with the first text, not before the paint
    from companion.ui.learning.history_panel import HistoryPanel
    from companion.ui.learning.review_panel import ReviewPanel
    from companion.ui.learning.words_panel import WordsPanel
    from companion.ui.main_window import MainWindow
    from companion.ui.translate.pane import PaneSelection

_log = logging.getLogger(__name__)

# The session says where a text came from in its words; the history keeps its own names.
HISTORY_ORIGINS = {"paste": "pasted"}
NOT_RECORDED = frozenset({"history"})  # a history entry shown again is already kept
# Saves from the pane (its pinyin popup, its selection): their sentence is in the pane's text,
# so its translation is taken from the pane's result. The phrasebook and the Lens bring theirs.
FROM_PANE = frozenset({"popup", "selection"})
DUE_POLL_MS = 60_000  # while cards are due: learning steps fall due within minutes
IDLE_POLL_MS = 300_000  # nothing due: look again at least this often (a laptop may sleep)
DUE_SLACK_MS = 250
STATUS_MS = 6000
NOT_PERSISTENT = (
    " Your data file cannot be written now, so it will be lost when Companion quits "
    "(see the message about your data)."
)


class SaveOutcome(NamedTuple):
    """What a "Save word" did: the word as kept, whether it was new, whether it is on disk.
    (A NamedTuple, not a dataclass: this module is imported before the first paint.)"""

    word: SavedWord
    added: bool
    persistent: bool
    where: str  # "popup" | "phrasebook" | "selection" | "lens"


def save_message(outcome: SaveOutcome) -> str:
    """ "种草 saved to My words" / "种草 is already in My words" (+ the warning when the
    database lives in memory only)."""
    from companion.untrusted import printable  # with the first save, not before the paint

    name = printable(outcome.word.simplified, 40)
    text = f"{name} saved to My words" if outcome.added else f"{name} is already in My words"
    return text + ("." + NOT_PERSISTENT if not outcome.persistent else "")


def history_origin(origin: str) -> str:
    return HISTORY_ORIGINS.get(origin, origin)


def toneless_syllables(result: SessionResult) -> str | None:
    """The toneless pinyin the history indexes, from the result's own pinyin (None when the
    result does not have all of it: the history then reads it itself)."""
    if not result.pinyin or result.pinyin_truncated:
        return None
    from companion.learning.textkeys import toneless

    return " ".join(
        toneless(s) for w in result.pinyin if w.is_chinese for s in w.numbers if toneless(s)
    )


def stored_result(entry: HistoryEntry) -> SessionResult:
    """A history entry as the pane shows a result (no pinyin or terms yet)."""
    from companion.session import SessionResult

    engines = [part for part in entry.engine.split("+") if part]
    online = any(part != "offline" for part in engines)
    label = entry.engine.replace("+", " + ") if entry.engine else "unknown engine"
    return SessionResult(
        source_text=entry.source,
        text=entry.result,
        source=entry.source_lang,
        target=entry.target_lang,
        detected=False,
        origin="history",
        engine=entry.engine or "history",
        engine_label=f"From your history ({label})",
        online=online,
        created=entry.created,
    )


def sentence_of(selection: PaneSelection) -> str:
    from companion.learning.enrich import sentence_containing

    return sentence_containing(selection.text, selection.selected, selection.start)


class DueCounter(QObject):
    """How many review cards are due, kept current: after every change to My words (the
    "words" topic) and when the next card falls due (a timer, polled at least every few
    minutes). ``changed(int)`` fires when the number changes (and once at the start).

    The number is :meth:`Reviewer.counts` ``.total``: the cards a session asks now, one card
    per word a day (a word's other card waits until the next review day), so the tab, the
    tray and the Review panel all show what "Review all" will ask."""

    changed = Signal(int)

    def __init__(self, runner: TaskRunner, reviewer: Any, parent: QObject) -> None:
        super().__init__(parent)
        self.runner = runner
        self._reviewer = reviewer  # a callable giving the Reviewer (built on the worker)
        self.count: int | None = None
        self._busy = False
        self._again = False
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.refresh)
        self._relay = ChangeRelay(("words",), self)
        self._relay.changed.connect(self.refresh)

    def refresh(self) -> None:
        """Count again (off the GUI thread); one count at a time, another after it if asked."""
        if self._stopped:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        reviewer = self._reviewer

        def work() -> tuple[int, float | None, float]:
            r = reviewer()
            now = r.now()
            total = r.counts(now).total
            return total, None if total else r.next_due(now), now  # waited for only at 0

        self.runner.run_quick(work, self._counted, self._failed)

    def _counted(self, value: tuple[int, float | None, float]) -> None:
        self._busy = False
        if self._stopped:
            return
        total, next_due, now = value
        if total != self.count:
            self.count = total
            self.changed.emit(total)
        if total > 0:
            wait = DUE_POLL_MS
        elif next_due is None:
            wait = IDLE_POLL_MS
        else:
            wait = int(min(max(0.0, next_due - now) * 1000 + DUE_SLACK_MS, IDLE_POLL_MS))
        self._timer.start(wait)
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        _log.warning("could not count the due cards", exc_info=exc)
        if not self._stopped:
            self._timer.start(IDLE_POLL_MS)

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        self._relay.stop()


class LearningTabs(QObject):
    """History, My words and Review in ``window``'s tabs, and everything that feeds them."""

    dueCountChanged = Signal(int)
    wordSaved = Signal(object)  # SaveOutcome, after the status bar said it
    saveFailed = Signal(str)  # the message shown
    historyRecorded = Signal(object)  # the HistoryEntry kept, or None (switched off, empty)
    entryReopened = Signal(object)  # the SessionResult of a history entry shown again

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.runner = window.runner
        tabs = window.tabs
        self.history_host = self._host("History")
        self.words_host = self._host("My words")
        self.review_host = self._host("Review")
        self.history_panel: HistoryPanel | None = None
        self.words_panel: WordsPanel | None = None
        self.review_panel: ReviewPanel | None = None
        self._history: History | None = None
        self._words: WordList | None = None
        self._reviewer: Reviewer | None = None
        self.due: DueCounter | None = None
        self._closed = False
        tabs.currentChanged.connect(self._tab_changed)
        window.controller.resultShown.connect(self.record)

        self.action_history = QAction("History", self)
        self.action_history.setShortcut(QKeySequence("Ctrl+H"))
        self.action_history.triggered.connect(self.open_history)
        self.action_words = QAction("My words", self)
        self.action_words.triggered.connect(self.open_words)
        self.action_review = QAction("Review", self)
        self.action_review.setToolTip("Review the words you saved that are due now")
        self.action_review.triggered.connect(lambda: self.open_review(start=True))
        self.action_save = QAction("Save to My words", self)
        self.action_save.setShortcut(QKeySequence("Ctrl+S"))
        self.action_save.setToolTip(
            "Keep the selected word (or the phrasebook entry) with its sentence and translation"
        )
        self.action_save.triggered.connect(self.save_current)

    def _host(self, title: str) -> QWidget:
        host = QWidget(self.window.tabs)
        QVBoxLayout(host).setContentsMargins(0, 0, 0, 0)
        self.window.tabs.addTab(host, title)
        return host

    @staticmethod
    def _place(panel: QWidget, host: QWidget) -> None:
        layout = host.layout()
        assert layout is not None  # made with the host
        layout.addWidget(panel)

    def start(self) -> None:
        """After the first paint: start keeping the due count (tab title, tray, menu)."""
        if self.due is not None or self._closed:
            return
        self.due = DueCounter(self.runner, self.reviewer, self)
        self.due.changed.connect(self._show_due)
        if self.review_panel is not None:
            self.due.changed.connect(self.review_panel.refresh_due)
        self.due.refresh()

    def shutdown(self) -> None:
        """Stop following changes and timers (the window closes for good)."""
        self._closed = True
        if self.due is not None:
            self.due.stop()
        for panel in (self.history_panel, self.words_panel, self.review_panel):
            if panel is not None:
                panel.stop()

    # Core objects, built on first use (on whichever thread needs them first) -------------------
    def history(self) -> History:
        if self._history is None:
            from companion.learning.history import History

            self._history = History(settings=self.window.settings)
        return self._history

    def words(self) -> WordList:
        if self._words is None:
            from companion.learning.words import WordList

            self._words = WordList()
        return self._words

    def reviewer(self) -> Reviewer:
        if self._reviewer is None:
            from companion.learning.review import Reviewer

            self._reviewer = Reviewer()
        return self._reviewer

    # Tabs -----------------------------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        widget = self.window.tabs.widget(index)
        if widget is self.history_host:
            self.ensure_history_panel()
        elif widget is self.words_host:
            self.ensure_words_panel()
        elif widget is self.review_host:
            self.ensure_review_panel()

    def ensure_history_panel(self) -> HistoryPanel:
        if self.history_panel is None:
            from companion.ui.learning.history_panel import HistoryPanel

            panel = HistoryPanel(self.history(), self.runner, self.history_host)
            panel.openRequested.connect(self.reopen)
            self._place(panel, self.history_host)
            self.history_panel = panel
        return self.history_panel

    def ensure_words_panel(self) -> WordsPanel:
        if self.words_panel is None:
            from companion.ui.learning.words_panel import WordsPanel

            panel = WordsPanel(self.words(), self.runner, self.words_host)
            panel.reviewRequested.connect(lambda: self.open_review(start=True))
            self._place(panel, self.words_host)
            self.words_panel = panel
        return self.words_panel

    def ensure_review_panel(self) -> ReviewPanel:
        if self.review_panel is None:
            from companion.ui.learning.review_panel import ReviewPanel

            speak = getattr(self.window.desktop, "speak_text", None)
            panel = ReviewPanel(self.reviewer(), self.runner, self.review_host, speak=speak)
            if self.due is not None:  # a card falling due changes the tab: the panel follows
                self.due.changed.connect(panel.refresh_due)
            self._place(panel, self.review_host)
            self.review_panel = panel
        return self.review_panel

    def open_history(self) -> None:
        self.window.tabs.setCurrentWidget(self.history_host)
        self.ensure_history_panel().search.setFocus()

    def open_words(self) -> None:
        self.window.tabs.setCurrentWidget(self.words_host)
        self.ensure_words_panel().search.setFocus()

    def open_review(self, start: bool = False) -> None:
        """The Review tab; with ``start``, a session begins (nothing due: the start page
        says when the next card is)."""
        self.window.show_and_raise()
        self.window.tabs.setCurrentWidget(self.review_host)
        panel = self.ensure_review_panel()
        panel.setFocus()
        if start and panel.session is None:
            panel.start()

    def _show_due(self, count: int) -> None:
        tabs = self.window.tabs
        index = tabs.indexOf(self.review_host)
        if index >= 0:
            tabs.setTabText(index, f"Review ({count})" if count else "Review")
            tabs.setTabToolTip(
                index, f"{count} card{'s' if count != 1 else ''} due" if count else "Nothing due"
            )
        self.action_review.setText(f"Review ({count} due)" if count else "Review (none due)")
        self.dueCountChanged.emit(count)

    @property
    def due_count(self) -> int | None:
        return self.due.count if self.due is not None else None

    # History --------------------------------------------------------------------------------
    def record(self, result: SessionResult) -> None:
        """Keep a finished translation (the switches are read on the worker)."""
        if self._closed or not result.complete or not result.text.strip():
            return
        if result.origin in NOT_RECORDED:
            return
        get_history = self.history
        origin = history_origin(result.origin)

        def work() -> HistoryEntry | None:
            return get_history().record(
                result.source_text, result.text, result.source, result.target,
                result.engine, origin, created=result.created,
                pinyin=toneless_syllables(result),
            )  # fmt: skip

        self.runner.run_quick(work, self.historyRecorded.emit, self._record_failed)

    def _record_failed(self, exc: BaseException) -> None:
        _log.warning("could not keep the translation in history", exc_info=exc)
        self.window.show_status(f"Could not keep this translation in history: {exc}", STATUS_MS)
        self.historyRecorded.emit(None)

    def reopen(self, entry: HistoryEntry) -> None:
        """Show a history entry in the translator again, as it was (no new translation)."""
        window = self.window
        window.tabs.setCurrentWidget(window.pane)
        if (entry.source_lang, entry.target_lang) not in (("zh", "en"), ("en", "zh")):
            window.controller.set_text(entry.source, "typed")  # a direction the pane lacks
            return
        session = window.session
        typed_before = window.pane.text()

        def work() -> tuple[SessionResult, list[tuple[int, int]]]:
            from dataclasses import replace

            from companion.ui.translate.controller import qt_highlights

            result = stored_result(entry)
            words, truncated, problem = session.pinyin(result.chinese_text)
            terms = tuple(session.find_terms(entry.source))
            pinyin_of = ("source" if entry.source_lang == "zh" else "target") if words else ""
            result = replace(
                result, pinyin=words, pinyin_of=pinyin_of, pinyin_truncated=truncated,
                pinyin_problem=problem, terms=terms,
            )  # fmt: skip
            return result, qt_highlights(entry.source, terms)

        def done(value: tuple[SessionResult, list[tuple[int, int]]]) -> None:
            if self._closed or window.pane.text() != typed_before:
                return  # the user went on typing meanwhile: theirs wins
            result, highlights = value
            window.controller.show_stored(result, highlights)
            window.pane.input.setFocus()
            self.entryReopened.emit(result)

        self.runner.run_quick(work, done, self._reopen_failed)

    def _reopen_failed(self, exc: BaseException) -> None:
        _log.error("could not show a history entry", exc_info=exc)
        self.window.show_status(f"Could not open that translation: {exc}", STATUS_MS)

    # Saving words ---------------------------------------------------------------------------
    def save_current(self) -> None:
        """Edit > Save to My words (Ctrl+S): the phrasebook's entry on the Phrasebook tab,
        else the selection in the pane (which holds OCR results too)."""
        window = self.window
        if window.tabs.currentWidget() is window.phrasebook_host:
            panel = window.phrasebook_panel
            save = getattr(panel, "save_current", None)
            if callable(save):
                save()
            return
        selection = window.pane.selection()
        if selection is None:
            window.show_status(
                "Select a word or phrase in your text or its translation first, then press "
                "Ctrl+S (or right-click it: Save to My words).",
                STATUS_MS,
            )
            return
        self.save_selection(selection)

    def save_selection(self, selection: PaneSelection | None) -> None:
        """Save what is selected in the pane's input or translation, with its sentence."""
        if selection is None:
            return
        from companion.text import has_han

        if not has_han(selection.selected) and not has_han(selection.text):
            self._save_refused("Select Chinese to save it to My words.")
            return
        from companion.learning.words import WordToSave

        self._save(WordToSave(selection.selected), "selection", selection)

    def save_word(self, item: WordToSave, where: str = "popup") -> None:
        """Save a word from the dictionary popup (``where="popup"``), the phrasebook
        (``"phrasebook"``) or a Lens card (``"lens"``)."""
        self._save(item, where, None)

    def _save(self, item: WordToSave, where: str, selection: PaneSelection | None) -> None:
        last = self.window.controller.last_result if where in FROM_PANE else None
        result = last if last is not None and last.complete and last.text else None
        origin = "ocr" if result is not None and result.origin == "ocr" else where
        get_words = self.words

        def work() -> SaveOutcome:
            from dataclasses import replace

            from companion.learning import enrich

            word = replace(item, origin=item.origin or origin)
            if selection is not None and not word.context:
                word = replace(word, context=sentence_of(selection))
            if word.context and not word.translation and result is not None:
                chinese = result.chinese_text
                other = result.text if result.source == "zh" else result.source_text
                word = replace(
                    word, translation=enrich.sentence_translation(chinese, other, word.context)
                )
            word = enrich.complete(word)
            words = get_words()
            saved = words.save(word)
            return SaveOutcome(saved.word, saved.added, words.db.persistent, where)

        self.runner.run_quick(work, self._saved, self._save_failed)

    def _saved(self, outcome: SaveOutcome) -> None:
        timeout = 20_000 if not outcome.persistent else STATUS_MS
        self.window.show_status(save_message(outcome), timeout)
        self.wordSaved.emit(outcome)

    def _save_failed(self, exc: BaseException) -> None:
        from companion.learning.words import WordError

        if isinstance(exc, WordError):
            self._save_refused(f"Not saved: {exc}. Select a word or a short phrase.")
            return
        _log.error("saving a word failed", exc_info=exc)
        from companion.untrusted import printable

        self._save_refused(f"Not saved: {printable(exc, 200)}")

    def _save_refused(self, message: str) -> None:
        self.window.show_status(message, STATUS_MS)
        self.saveFailed.emit(message)
