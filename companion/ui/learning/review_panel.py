"""The Review panel: a keyboard-driven fsrs review of My words.

Space shows the answer, 1-4 rate it (Again, Hard, Good, Easy, with when the card comes back
on each button), Esc ends the session. Recognition cards show the Chinese (with its
sentence) and reveal pinyin and meaning; recall cards show the meaning and reveal the
Chinese. Each answer is saved on the TaskRunner before the next card appears, so the GUI
never waits on the database and nothing answered is lost. ``dueCountChanged`` carries the
number for the tab and the tray; it is refreshed after every change and once a minute. Every
number shown is :meth:`Reviewer.counts`, the cards a session asks (one card per word a day),
and the start page says how many siblings wait until tomorrow.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.learning.cardhtml import pinyin_html, sentence_html, text_html
from companion.learning.review import (
    DEFAULT_SESSION,
    RATINGS,
    DueCounts,
    Reviewer,
    ReviewSession,
    format_interval,
)
from companion.learning.words import SavedWord
from companion.ui.learning.relay import ChangeRelay, OwnedTasks
from companion.ui.tasks import TaskRunner
from companion.untrusted import printable

REFRESH_MS = 60_000


def cards_text(count: int) -> str:
    return f"{count} card{'s' if count != 1 else ''}"


def held_text(counts: DueCounts) -> str:
    """Why due cards are not in the count: a word is asked one way a day (Anki buries the
    sibling cards), so its other card waits. Empty when none wait."""
    if not counts.held:
        return ""
    words = f"{counts.held} word{'s' if counts.held != 1 else ''}"
    verb = "waits" if counts.held == 1 else "wait"
    return (
        f"{words} also due the other way round {verb} until tomorrow (one card per word a day).\n"
    )


def _label(parent: QWidget, point_scale: float = 1.0, rich: bool = True) -> QLabel:
    label = QLabel("", parent)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    if point_scale != 1.0:
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * point_scale)
        label.setFont(font)
    return label


def _sentence(word: SavedWord) -> str:
    return sentence_html(word.sentence, word.simplified, word.traditional, inline=True)


def _sized(html_text: str, points: float, color: str = "") -> str:
    tint = f" color:{color};" if color else ""
    return f'<div style="font-size:{points:.0f}pt;{tint}">{html_text}</div>'


def front_html(word: SavedWord, kind: str, base: float = 10.0) -> str:
    """The question: the Chinese (recognition) or its meanings (recall)."""
    if kind == "recall":
        return _sized("<br>".join(text_html(m) for m in word.meanings[:4]), base * 2.0)
    out = _sized(text_html(word.simplified), base * 4.2)
    if word.traditional:
        out += _sized(text_html(word.traditional), base * 1.6, "#707070")
    return out


def front_hint_html(word: SavedWord, kind: str, base: float = 10.0) -> str:
    """What helps with the question: the sentence (recognition) or its translation (recall)."""
    if kind == "recall":
        return (
            _sized(f"<i>{text_html(word.translation)}</i>", base * 1.2) if word.translation else ""
        )
    return _sized(_sentence(word), base * 1.5) if word.sentence else ""


def back_html(word: SavedWord, kind: str, base: float = 10.0) -> str:
    """The answer: pinyin and meaning (recognition) or the Chinese and its sentence (recall)."""
    parts = []
    if kind == "recall":
        trad = f" ({text_html(word.traditional)})" if word.traditional else ""
        parts.append(_sized(f"{text_html(word.simplified)}{trad}", base * 4.2))
    parts.append(_sized(pinyin_html(word.pinyin), base * 2.2))
    if kind == "recognition" and word.meanings:
        parts.append(_sized("; ".join(text_html(m) for m in word.meanings), base * 1.5))
    if kind == "recall" and word.sentence:
        parts.append(_sized(_sentence(word), base * 1.5))
    if word.sentence_pinyin and kind == "recognition":
        parts.append(_sized(text_html(word.sentence_pinyin), base * 1.1, "#606060"))
    if word.translation and kind == "recognition":
        parts.append(_sized(f"<i>{text_html(word.translation)}</i>", base * 1.2))
    if word.note:
        parts.append(_sized(text_html(word.note), base * 1.1, "#505050"))
    return "<br>".join(parts)


class ReviewPanel(QWidget):
    """Review sessions over ``reviewer``; ``session_size`` cards per "Review N"."""

    dueCountChanged = Signal(int)
    sessionFinished = Signal(int)  # cards answered in the session
    cardShown = Signal()  # a card (front) is on screen: tests wait on it
    countsShown = Signal()  # the start page shows fresh counts

    def __init__(
        self,
        reviewer: Reviewer,
        runner: TaskRunner,
        parent: QWidget | None = None,
        session_size: int | None = None,
        speak: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.reviewer = reviewer
        self.runner = runner
        self.tasks = OwnedTasks(runner, self)
        self._size = session_size
        self._speak = speak
        self.session: ReviewSession | None = None
        self.counts = DueCounts()
        self.revealed = False
        self.busy = False
        self._shown_at = 0.0
        self._previews: dict[int, float] = {}
        self._next_due: float | None = None
        self._setting_size = DEFAULT_SESSION
        self._announced = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        self._relay = ChangeRelay(("words",), self)
        self._relay.changed.connect(self.refresh_due)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh_due)
        self._timer.start()
        self.refresh_due()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages, 1)

        self.start_page, self.due_label, self.due_detail, row = self._message_page(1.8)
        self.start_button = QPushButton("Review 10", self.start_page)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(lambda: self.start())
        self.all_button = QPushButton("Review all due", self.start_page)
        self.all_button.clicked.connect(lambda: self.start(self.counts.total))
        row.addWidget(self.start_button)
        row.addWidget(self.all_button)
        row.addStretch(1)

        self.card_page = QWidget(self.pages)
        card = QVBoxLayout(self.card_page)
        self.progress = _label(self.card_page, 0.9, rich=False)
        card.addWidget(self.progress)
        card.addStretch(1)
        self.front = _label(self.card_page)
        self.front_hint = _label(self.card_page)
        card.addWidget(self.front)
        card.addWidget(self.front_hint)
        self.answer = _label(self.card_page)
        self.answer.hide()
        card.addWidget(self.answer)
        card.addStretch(1)
        self.reveal_button = QPushButton("Show answer  (Space)", self.card_page)
        self.reveal_button.clicked.connect(self.reveal)
        card.addWidget(self.reveal_button)
        rates = QHBoxLayout()
        self.rate_buttons: dict[int, QPushButton] = {}
        for rating, name in RATINGS.items():
            button = QPushButton(f"{rating} {name}", self.card_page)
            button.clicked.connect(lambda _c=False, r=rating: self.rate(r))
            button.setMinimumHeight(int(button.sizeHint().height() * 1.6))
            rates.addWidget(button)
            self.rate_buttons[rating] = button
        card.addLayout(rates)
        bottom = QHBoxLayout()
        self.speak_button = QPushButton("Read aloud  (R)", self.card_page)
        self.speak_button.clicked.connect(self.read_aloud)
        self.speak_button.setVisible(self._speak is not None)
        self.end_button = QPushButton("End session  (Esc)", self.card_page)
        self.end_button.clicked.connect(self.end_session)
        bottom.addWidget(self.speak_button)
        bottom.addStretch(1)
        bottom.addWidget(self.end_button)
        card.addLayout(bottom)
        self.pages.addWidget(self.card_page)

        self.done_page, self.done_label, self.done_detail, again = self._message_page(1.6)
        self.more_button = QPushButton("Review 10 more", self.done_page)
        self.more_button.clicked.connect(lambda: self.start())
        self.back_button = QPushButton("Done", self.done_page)
        self.back_button.clicked.connect(self._show_start)
        again.addWidget(self.more_button)
        again.addWidget(self.back_button)
        again.addStretch(1)

        for button in (self.reveal_button, *self.rate_buttons.values(), self.end_button,
                       self.speak_button):  # fmt: skip
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._show_start()

    def _message_page(self, title_scale: float) -> tuple[QWidget, QLabel, QLabel, QHBoxLayout]:
        """A centred page: a title, a line under it and a row for buttons (centred once the
        caller adds them and a closing stretch)."""
        page = QWidget(self.pages)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        title = _label(page, title_scale, rich=False)
        detail = _label(page, 1.0, rich=False)
        layout.addWidget(title)
        layout.addWidget(detail)
        row = QHBoxLayout()
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.pages.addWidget(page)
        return page, title, detail, row

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space/Enter show the answer, 1-4 rate, R reads aloud, Esc ends the session."""
        if self.pages.currentWidget() is not self.card_page or event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            super().keyPressEvent(event)
            return
        key = event.key()
        ratings = {Qt.Key.Key_1: 1, Qt.Key.Key_2: 2, Qt.Key.Key_3: 3, Qt.Key.Key_4: 4}
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.reveal()
        elif key in ratings:
            self.rate(ratings[Qt.Key(key)])
        elif key == Qt.Key.Key_Escape:
            self.end_session()
        elif key == Qt.Key.Key_R:
            self.read_aloud()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    @property
    def session_size(self) -> int:
        """Cards per "Review N": the constructor's, else the setting (read with the counts)."""
        return max(1, self._size if self._size is not None else self._setting_size)

    def _read_session_size(self) -> int:
        from companion.settings import Settings

        try:
            return Settings(self.reviewer.db).get_int("review_session_size")
        except Exception:  # a settings problem must not stop a review
            return DEFAULT_SESSION

    def stop(self) -> None:
        """Stop following changes and counting (the window closes for good)."""
        self._relay.stop()
        self._timer.stop()

    # --- counts ----------------------------------------------------------------------------

    def refresh_due(self) -> None:
        """Count the due cards again (off the GUI thread); emits ``dueCountChanged``."""
        reviewer = self.reviewer
        fixed = self._size

        def work() -> tuple[DueCounts, float | None, int]:
            size = fixed if fixed is not None else self._read_session_size()
            counts = reviewer.counts()
            return counts, None if counts.total else reviewer.next_due(), size  # shown if 0

        self.tasks.quick(work, self._counted, self._count_failed)

    def _counted(self, value: Any) -> None:
        counts, next_due, self._setting_size = value
        changed = counts.total != self.counts.total
        self.counts = counts
        self._next_due = next_due
        self._update_start_page()
        if changed or not self._announced:
            self._announced = True
            self.dueCountChanged.emit(counts.total)
        self.countsShown.emit()

    def _count_failed(self, exc: Any) -> None:
        self.due_label.setText("Review is unavailable")
        self.due_detail.setText(f"Your words could not be read: {printable(exc, 200)}")
        self.countsShown.emit()

    def _update_start_page(self) -> None:
        counts = self.counts
        size = self.session_size
        self.start_button.setText(f"Review {min(size, counts.total) or size}")
        self.more_button.setText(f"Review {min(size, counts.total) or size} more")
        self.start_button.setEnabled(counts.total > 0)
        self.all_button.setVisible(counts.total > size)
        self.all_button.setText(f"Review all {counts.total}")
        self.more_button.setVisible(counts.total > 0)
        held = held_text(counts)
        if counts.total:
            self.due_label.setText(cards_text(counts.total) + " due")
            parts = [f"{n} {label}" for n, label in ((counts.new, "new"), (counts.learning,
                     "learning"), (counts.review, "to review")) if n]  # fmt: skip
            self.due_detail.setText(
                ", ".join(parts) + ".\n" + held + "Space shows the answer, 1–4 rate it, Esc stops."
            )
        else:
            self.due_label.setText("Nothing due")
            next_due = self._next_due
            if next_due is None:
                self.due_detail.setText(
                    "Save words from a translation (click a word, then Save word) to review "
                    "them here."
                )
            else:
                wait = format_interval(max(0.0, next_due - self.reviewer.now()))
                self.due_detail.setText(f"{held}The next card is due in {wait}.")
        if self.pages.currentWidget() is self.done_page:
            more = f"{counts.total} more due." if counts.total else "Nothing else is due now."
            self.done_detail.setText(f"{more}\n{held}".strip())

    # --- a session -------------------------------------------------------------------------

    def start(self, size: int | None = None) -> None:
        """Begin a session of ``size`` cards (default: the session size)."""
        if self.busy:
            return
        self.busy = True
        reviewer = self.reviewer
        count = size or self.session_size
        self.tasks.quick(lambda: ReviewSession(reviewer, count), self._started, self._failed)

    def _started(self, session: ReviewSession) -> None:
        self.busy = False
        self.session = session
        if session.done:
            self.refresh_due()
            self._show_start()
            return
        self._show_card()

    def _show_start(self) -> None:
        self.session = None
        self._update_start_page()
        self.pages.setCurrentWidget(self.start_page)

    def _show_card(self) -> None:
        session = self.session
        current = session.current if session is not None else None
        if session is None or current is None:
            self._finish()
            return
        word, kind = current.word, current.kind
        self.revealed = False
        way = "Chinese → meaning" if kind == "recognition" else "meaning → Chinese"
        new = " · new" if current.is_new else ""
        self.progress.setText(f"{session.answered} done · {session.remaining} to go · {way}{new}")
        base = self.font().pointSizeF() if self.font().pointSizeF() > 0 else 10.0
        self.front.setText(front_html(word, kind, base))
        self.front_hint.setText(front_hint_html(word, kind, base))
        self.front_hint.setVisible(bool(self.front_hint.text()))
        self.answer.setText(back_html(word, kind, base))
        self.answer.hide()
        self.reveal_button.show()
        self._previews = self.reviewer.preview(current)
        for rating, button in self.rate_buttons.items():
            button.setText(f"{rating} {RATINGS[rating]}\n{format_interval(self._previews[rating])}")
            button.setEnabled(False)
        self.pages.setCurrentWidget(self.card_page)
        self.setFocus()
        self._shown_at = time.monotonic()
        self.cardShown.emit()

    def reveal(self) -> None:
        """Show the answer (Space)."""
        if self.session is None or self.session.current is None or self.revealed:
            return
        self.revealed = True
        self.answer.show()
        self.reveal_button.hide()
        for button in self.rate_buttons.values():
            button.setEnabled(True)

    def rate(self, rating: int) -> None:
        """Rate the card 1-4 (only once its answer is shown); saved, then the next card."""
        session = self.session
        if session is None or session.current is None or not self.revealed or self.busy:
            return
        self.busy = True
        for button in self.rate_buttons.values():
            button.setEnabled(False)
        duration = int((time.monotonic() - self._shown_at) * 1000)
        self.tasks.quick(lambda: session.answer(rating, duration), self._answered, self._failed)

    def _answered(self, _state: Any) -> None:
        self.busy = False
        if self.session is None:
            return
        if self.session.done:
            self._finish()
        else:
            self._show_card()

    def _failed(self, exc: Any) -> None:
        self.busy = False
        self.progress.setText(f"Could not save that answer: {printable(exc, 200)}. Try again.")
        if self.session is not None and self.revealed:
            for button in self.rate_buttons.values():
                button.setEnabled(True)
        elif self.session is None:
            self.due_detail.setText(f"Could not start: {printable(exc, 200)}")

    def read_aloud(self) -> None:
        session = self.session
        if self._speak is None or session is None or session.current is None:
            return
        if session.current.kind == "recall" and not self.revealed:
            return  # reading the answer aloud would give it away
        self._speak(session.current.word.simplified)

    def end_session(self) -> None:
        """Stop now (Esc); every card answered so far is already saved."""
        if self.session is None or self.busy:
            return
        self._finish()

    def _finish(self) -> None:
        answered = self.session.answered if self.session is not None else 0
        self.session = None
        self.done_label.setText(
            f"Done: {answered} answer{'s' if answered != 1 else ''}" if answered else "Stopped"
        )
        self.done_detail.setText("")
        self.pages.setCurrentWidget(self.done_page)
        self.sessionFinished.emit(answered)
        self.refresh_due()
