"""Decides when to translate what the user typed, and keeps the pane honest.

What to do with a text is the :class:`~companion.session.Session`'s business; this class
only decides when, and makes sure the pane shows the newest answer:

- typing is debounced; a paste (a big jump in length) or Ctrl+Enter translates at once;
- every request gets a generation number and a cancel token: a newer request cancels the
  older one, and results of an older generation are dropped, so stale text never overwrites
  newer text;
- translation runs on the local worker (offline) or the network pool (online engine); the
  reading aids (pinyin, phrasebook terms) on the quick worker, so they show at once, pack or
  no pack, even while a long post translates;
- partial results of a streaming translation are coalesced (at most one repaint per
  :data:`PARTIAL_MS`), so a long text costs the GUI thread a few updates, not hundreds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from companion.ui.tasks import TaskRunner
from companion.ui.translate.pane import MAX_HIGHLIGHTS, Highlight, TranslationPane

TYPING_DEBOUNCE_MS = 400
AIDS_DEBOUNCE_MS = 150
PARTIAL_MS = 120
PASTE_JUMP_CHARS = 12  # a change this big at once is a paste: no debounce

if TYPE_CHECKING:
    # The session and the engines are imported with the first translation, not before the
    # window's first paint (their modules compile regexes and build dataclasses).
    from companion.engines.base import CancelToken
    from companion.glossary_api import TermHit
    from companion.pinyin import Word
    from companion.session import ReadingAids, Session, SessionResult
    from companion.settings import Settings

_log = logging.getLogger(__name__)


HIGHLIGHT_LINE_CHARS = 10_000  # Qt re-lays out a highlighted line whole: not on longer ones


def qt_highlights(text: str, terms: tuple[TermHit, ...]) -> list[Highlight]:
    """The terms' positions in Qt's units (UTF-16: an emoji counts twice), off the GUI thread.

    None in a text with a line longer than :data:`HIGHLIGHT_LINE_CHARS` (an unpunctuated
    paste): marking it would cost the GUI thread a layout of the whole line; the term list
    still shows every term.
    """
    if len(text) > HIGHLIGHT_LINE_CHARS and any(
        len(line) > HIGHLIGHT_LINE_CHARS for line in text.split("\n")
    ):
        return []
    chosen = [hit for hit in terms[:MAX_HIGHLIGHTS] if text[hit.start : hit.end] == hit.term]
    if all(ord(ch) <= 0xFFFF for ch in text):
        return [(hit.start, hit.end) for hit in chosen]
    table = list(accumulate((2 if ord(ch) > 0xFFFF else 1 for ch in text), initial=0))
    return [(table[hit.start], table[hit.end]) for hit in chosen]


class TranslationController(QObject):
    """Connects a :class:`TranslationPane` to a :class:`Session` through a TaskRunner."""

    resultShown = Signal(object)  # the final SessionResult of the current input
    backTranslationShown = Signal(str)
    noPack = Signal(str)  # message; the window offers download/install
    pinyinShown = Signal()
    termsShown = Signal()
    idle = Signal()  # nothing pending for the current input

    def __init__(
        self,
        pane: TranslationPane,
        runner: TaskRunner,
        session: Callable[[], Session],
        settings: Settings,
    ) -> None:
        """``session`` gives the window's Session, built on first use (the first text), so
        nothing of it is imported before the window is drawn; ``settings`` are the session's
        (the direction is read from and saved there)."""
        super().__init__(pane)
        self.pane = pane
        self.runner = runner
        self._session_of = session
        self._settings = settings
        self._generation = 0
        self._aids_generation = 0
        self._cancel: CancelToken | None = None
        self._last_text = ""
        self._last_request: tuple[str, str] | None = None
        self._origin: str | None = None  # set by whoever puts text in from outside
        self._partial: SessionResult | None = None
        self._pinyin_for = ""  # the text whose pinyin the ruby view shows
        self.last_result: SessionResult | None = None

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.timeout.connect(self.translate_now)
        # Pinyin and terms follow typing closely but not on every single keystroke.
        self._aids_debounce = QTimer(self)
        self._aids_debounce.setSingleShot(True)
        self._aids_debounce.setInterval(AIDS_DEBOUNCE_MS)
        self._aids_debounce.timeout.connect(lambda: self.update_reading_aids(self.pane.text()))
        self._partial_timer = QTimer(self)
        self._partial_timer.setSingleShot(True)
        self._partial_timer.setInterval(PARTIAL_MS)
        self._partial_timer.timeout.connect(self._show_partial)
        pane.input.textChanged.connect(self._text_changed)
        pane.input.pasted.connect(self._pasted)
        pane.translateRequested.connect(self.translate_now)
        pane.directionChanged.connect(self._direction_changed)
        pane.swapRequested.connect(self.swap)
        pane.set_direction(settings.get_str("direction"))

    @property
    def session(self) -> Session:
        return self._session_of()

    # Triggers -------------------------------------------------------------------------------
    def set_text(self, text: str, origin: str) -> None:
        """Put text in the pane from elsewhere (clipboard, OCR, phrasebook) and translate it."""
        self._origin = origin
        self.pane.set_text(text)
        self.translate_now()

    def _pasted(self) -> None:
        """A paste into an empty input: its text came from a paste, however short."""
        if self._origin is None:
            self._origin = "paste"

    def _text_changed(self) -> None:
        text = self.pane.text()
        jump = abs(len(text) - len(self._last_text))
        self._last_text = text
        if self._origin is None:
            self._origin = "paste" if jump >= PASTE_JUMP_CHARS else "typed"
        if jump >= PASTE_JUMP_CHARS or not text.strip():
            self._aids_debounce.stop()
            self.update_reading_aids(text)
        else:
            self._aids_debounce.start()
        if not text.strip():
            self.cancel()
            self._generation += 1
            self._origin = None
            self._last_request = None  # the same text pasted again is translated again
            self.last_result = None
            self._partial_timer.stop()
            self.pane.clear_result()
            self.idle.emit()
            return
        self._debounce.start(0 if jump >= PASTE_JUMP_CHARS else TYPING_DEBOUNCE_MS)

    def _direction_changed(self, key: str) -> None:
        self._settings.set("direction", key)
        self.retranslate()

    def retranslate(self) -> None:
        """Translate the current text again (direction, engine, packs or settings changed)."""
        self._last_request = None
        if self.pane.text().strip():
            self.translate_now()

    def swap(self) -> None:
        """Use the result as the new input and flip the direction, like every translator.

        The flipped direction holds for this session only: it is not saved as the user's
        choice, so Chinese pasted after a restart is still detected.
        """
        result = self.last_result
        if result is None or not result.text or not result.complete:
            return
        box = self.pane.direction_box
        box.blockSignals(True)  # no translation of the old text in the new direction
        self.pane.set_direction(f"{result.target}-{result.source}")
        box.blockSignals(False)
        self.set_text(result.text, "typed")

    def show_stored(self, result: SessionResult, highlights: list[Highlight]) -> None:
        """Show a kept translation again (a history entry) as it was, without translating:
        no engine is asked, nothing is sent online again. ``result`` carries the pinyin and
        terms (found off the GUI thread); Translate (Ctrl+Enter) makes a fresh translation.
        """
        self.cancel()
        for timer in (self._debounce, self._aids_debounce, self._partial_timer):
            timer.stop()
        self._generation += 1
        self._aids_generation += 1
        self._partial = None
        direction = f"{result.source}-{result.target}"
        if self.pane.direction() not in ("auto", direction):
            box = self.pane.direction_box
            box.blockSignals(True)  # the stored direction, not a translation in the old one
            self.pane.set_direction(direction)
            box.blockSignals(False)
        self.pane.input.blockSignals(True)  # no translation of the text put back
        try:
            self.pane.set_text(result.source_text)
        finally:
            self.pane.input.blockSignals(False)
        self._last_text = result.source_text
        self._origin = None
        self._last_request = None  # Ctrl+Enter translates it again
        self.pane.hide_back_translation()
        self._show(result)
        if result.pinyin_of != "target":
            self._show_words(
                result.source_text, result.pinyin, result.pinyin_truncated, result.pinyin_problem
            )
        self.pane.show_terms(result.terms, highlights)
        self.termsShown.emit()
        self.resultShown.emit(result)
        self.idle.emit()

    def cancel(self) -> None:
        """Stop the translation in flight (new input, shutdown)."""
        if self._cancel is not None:
            self._cancel.cancel()
            self._cancel = None

    # Translation ----------------------------------------------------------------------------
    def translate_now(self) -> None:
        self._debounce.stop()
        text = self.pane.text()
        if not text.strip():
            return
        direction = self.pane.direction()
        if self._last_request == (text, direction):
            return  # already shown or on its way
        self._last_request = (text, direction)
        origin = self._origin or "typed"
        self._origin = None
        self.cancel()
        self._partial_timer.stop()
        self._partial = None
        self.pane.hide_back_translation()  # it described the previous Chinese
        from companion.engines.base import CancelToken

        self._generation += 1
        generation = self._generation
        cancel = CancelToken()
        self._cancel = cancel
        source, target = ("auto", None) if direction == "auto" else direction.split("-")
        session = self.session

        def job(progress: Callable[[object], None]) -> SessionResult:
            return session.translate(
                text,
                source=source,
                target=target,
                origin=origin,
                cancel=cancel,
                on_progress=lambda partial: progress((generation, partial)),
            )

        def done(result: SessionResult) -> None:
            if generation != self._generation:
                return
            self._partial_timer.stop()
            self._show(result)
            if result.back_translation is not None:
                self.backTranslationShown.emit(result.back_translation)
            self.resultShown.emit(result)
            self.idle.emit()

        def partial(value: tuple[int, SessionResult]) -> None:
            gen, result = value
            if gen != self._generation:
                return
            first = self._partial is None and self.last_result is None
            self._partial = result
            if result.checking or first:
                self._show_partial()  # the first lines and the finished Chinese show at once
            elif not self._partial_timer.isActive():
                self._partial_timer.start()

        def failed(exc: BaseException) -> None:
            from companion.engines.base import Cancelled, EngineError, ErrorKind
            from companion.translator import InputError

            if generation != self._generation:
                return
            self._partial_timer.stop()
            self._last_request = None
            if isinstance(exc, Cancelled):
                return
            if isinstance(exc, EngineError) and exc.kind is ErrorKind.NO_PACK:
                self.pane.show_no_pack(exc.message)
                self.noPack.emit(exc.message)
            elif isinstance(exc, EngineError):
                self.pane.show_error(exc.message)
            elif isinstance(exc, InputError):
                self.pane.show_error(str(exc))
            else:
                _log.error("translation failed", exc_info=exc)
                self.pane.show_error(f"Translation failed: {exc}")
            self.idle.emit()

        run = self.runner.run_network if session.uses_network() else self.runner.run_local
        run(job, on_done=done, on_error=failed, on_progress=partial)

    def _show_partial(self) -> None:
        result, self._partial = self._partial, None
        if result is not None:
            self._show(result)

    def _show(self, result: SessionResult) -> None:
        self.last_result = result
        self.pane.show_result(result)
        if result.complete and result.pinyin_of == "target":
            self._show_words(result.text, result.pinyin, result.pinyin_truncated, "")

    # Reading aids: pinyin and phrasebook terms -----------------------------------------
    def update_reading_aids(self, text: str) -> None:
        """Pinyin of the input and its phrasebook terms: shown at once, pack or no pack."""
        self._aids_generation += 1
        generation = self._aids_generation
        session = self.session

        def job() -> tuple[ReadingAids, list[Highlight]]:
            aids = session.reading_aids(text)
            return aids, qt_highlights(text, aids.terms)

        def done(value: tuple[ReadingAids, list[Highlight]]) -> None:
            if generation != self._aids_generation or self.pane.text() != text:
                return  # typing went on: the debounced update for the new text follows
            aids, highlights = value
            self.pane.show_terms(aids.terms, highlights)
            self.termsShown.emit()
            # The pinyin in a turn of its own: two layouts in one event would hold the window.
            QTimer.singleShot(0, lambda: show_words(aids))

        def show_words(aids: ReadingAids) -> None:
            if generation != self._aids_generation or self.pane.text() != text:
                return
            if aids.words or aids.problem or not self._shows_target_pinyin(text):
                self._show_words(text, aids.words, aids.truncated, aids.problem)

        def failed(exc: BaseException) -> None:
            if generation == self._aids_generation:
                _log.error("reading aids failed", exc_info=exc)
                self._show_words(text, (), False, str(exc))

        if not text.strip():
            self._show_words("", (), False, "")
            self.pane.show_terms((), [])
            return
        self.runner.run_quick(job, on_done=done, on_error=failed)

    def _shows_target_pinyin(self, text: str) -> bool:
        """The ruby view holds the pinyin of this English input's Chinese translation."""
        result = self.last_result
        return (
            result is not None
            and result.pinyin_of == "target"
            and self._last_request is not None
            and self._last_request[0] == text
        )

    def _show_words(self, text: str, words: Sequence[Word], truncated: bool, problem: str) -> None:
        if text == self._pinyin_for and words and not problem:
            return  # already shown (the result's pinyin of an input whose aids showed it)
        self._pinyin_for = text if words else ""
        self.pane.show_pinyin(words, truncated, problem)
        if words:
            self.pinyinShown.emit()
