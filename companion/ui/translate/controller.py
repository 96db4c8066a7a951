"""Decides when to translate what the user typed, and keeps the pane honest.

- typing is debounced; a paste (a big jump in length) or Ctrl+Enter translates at once;
- every request gets a generation number and a cancel token: a newer request cancels the
  older one, and results of an older generation are dropped, so stale text never overwrites
  newer text;
- translation runs on the local worker (offline) or the network pool (online engine);
  pinyin on its own quick thread, so it shows even while a long post translates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from companion.engines.base import Cancelled, CancelToken, EngineError, ErrorKind
from companion.glossary_api import TermHit
from companion.phrasebook.glossary import PhrasebookGlossary
from companion.settings import Settings
from companion.text import has_han
from companion.translator import InputError, TranslationResult, Translator
from companion.ui.tasks import TaskRunner
from companion.ui.translate.pane import TranslationPane

TYPING_DEBOUNCE_MS = 400
AIDS_DEBOUNCE_MS = 150
MAX_PINYIN_CHARS = 5000  # a ruby view of more than this is no reading aid
PASTE_JUMP_CHARS = 12  # a change this big at once is a paste: no debounce


@dataclass(frozen=True)
class BackTranslationUnavailable:
    reason: str


BackTranslation = str | BackTranslationUnavailable | None


class TranslationController(QObject):
    """Connects a :class:`TranslationPane` to a :class:`Translator` through a TaskRunner."""

    resultShown = Signal(object)  # the final TranslationResult of the current input
    backTranslationShown = Signal(str)
    noPack = Signal(str)  # message; the window offers download/install
    pinyinShown = Signal()
    idle = Signal()  # nothing pending for the current input

    def __init__(
        self,
        pane: TranslationPane,
        runner: TaskRunner,
        translator_factory: Callable[[], Translator],
        settings: Settings,
    ) -> None:
        super().__init__(pane)
        self.pane = pane
        self.runner = runner
        self.settings = settings
        self._factory = translator_factory
        self._translator: Translator | None = None
        self._translator_lock = threading.Lock()
        self._generation = 0
        self._aids_generation = 0
        self._term_finder = PhrasebookGlossary()
        self._cancel: CancelToken | None = None
        self._last_text = ""
        self._last_request: tuple[str, str] | None = None
        self.last_result: TranslationResult | None = None

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.timeout.connect(self.translate_now)
        # Pinyin and terms follow typing closely but not on every single keystroke.
        self._aids_debounce = QTimer(self)
        self._aids_debounce.setSingleShot(True)
        self._aids_debounce.setInterval(AIDS_DEBOUNCE_MS)
        self._aids_debounce.timeout.connect(lambda: self.update_reading_aids(self.pane.text()))
        pane.input.textChanged.connect(self._text_changed)
        pane.translateRequested.connect(self.translate_now)
        pane.directionChanged.connect(self._direction_changed)
        pane.swapRequested.connect(self.swap)
        pane.set_direction(str(settings.get("direction")))

    # Translator lifecycle -----------------------------------------------------------------
    def translator(self) -> Translator:
        """The translator, built on first use in a worker thread (the phrasebook loads there)."""
        with self._translator_lock:
            if self._translator is None:
                self._translator = self._factory()
            return self._translator

    def reset_translator(self) -> None:
        """Rebuild with new settings (engine changed, pack installed) on the next request."""
        with self._translator_lock:
            self._translator = None
        self._last_request = None

    # Triggers -------------------------------------------------------------------------------
    def _text_changed(self) -> None:
        text = self.pane.text()
        jump = abs(len(text) - len(self._last_text))
        self._last_text = text
        if jump >= PASTE_JUMP_CHARS or not text.strip():
            self._aids_debounce.stop()
            self.update_reading_aids(text)
        else:
            self._aids_debounce.start()
        if not text.strip():
            self.cancel()
            self._generation += 1
            self._last_request = None  # the same text pasted again is translated again
            self.last_result = None
            self.pane.clear_result()
            self.idle.emit()
            return
        self._debounce.start(0 if jump >= PASTE_JUMP_CHARS else TYPING_DEBOUNCE_MS)

    def _direction_changed(self, key: str) -> None:
        self.settings.set("direction", key)
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
        self.pane.set_text(result.text)
        self.translate_now()

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
        self.cancel()
        self.pane.hide_back_translation()  # it described the previous Chinese
        self._generation += 1
        generation = self._generation
        cancel = CancelToken()
        self._cancel = cancel
        source, target = ("auto", None) if direction == "auto" else tuple(direction.split("-"))

        def job(progress: Callable[[Any], None]) -> tuple[TranslationResult, BackTranslation]:
            translator = self.translator()
            cancel.raise_if_cancelled()
            result = translator.translate(
                text,
                source=str(source),
                target=target,
                cancel=cancel,
                on_progress=lambda partial: progress((generation, partial)),
                find_terms=False,  # the reading aids already found and highlighted them
            )
            back: BackTranslation = None
            if result.target == "zh" and result.text:
                progress((generation, result))  # the Chinese shows while it is checked
                try:
                    back = translator.translate(
                        result.text, "zh", "en", cancel=cancel, find_terms=False
                    ).text
                except EngineError as exc:  # the Chinese itself is still worth showing
                    back = BackTranslationUnavailable(exc.message)
            return result, back

        def done(value: tuple[TranslationResult, BackTranslation]) -> None:
            if generation != self._generation:
                return
            result, back = value
            self._show(result)
            if isinstance(back, BackTranslationUnavailable):
                self.pane.show_back_translation(f"Cannot check it: {back.reason}", problem=True)
            elif back is None:
                self.pane.hide_back_translation()
            else:
                self.pane.show_back_translation(back)
                self.backTranslationShown.emit(back)
            self.resultShown.emit(result)
            self.idle.emit()

        def partial(value: tuple[int, TranslationResult]) -> None:
            gen, result = value
            if gen == self._generation:
                self._show(result)

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
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
                self.pane.show_error(f"Translation failed: {exc}")
            self.idle.emit()

        uses_network = self._uses_network()
        run = self.runner.run_network if uses_network else self.runner.run_local
        run(job, on_done=done, on_error=failed, on_progress=partial)

    def _uses_network(self) -> bool:
        if self.settings.get("offline_only"):
            return False
        return str(self.settings.get("preferred_engine")) != "offline"

    def _show(self, result: TranslationResult) -> None:
        self.last_result = result
        self.pane.show_direction(
            result.source, result.target, detected=self.pane.direction() == "auto"
        )
        self.pane.show_result(result)
        if result.target == "zh" and result.text:
            self.update_pinyin(result.text)

    # Reading aids: pinyin and phrasebook terms -----------------------------------------
    def update_reading_aids(self, text: str) -> None:
        """Pinyin of the input and its phrasebook terms: shown at once, pack or no pack."""
        self._aids_generation += 1
        generation = self._aids_generation
        style = str(self.settings.get("pinyin_style"))
        sandhi = bool(self.settings.get("tone_sandhi"))
        finder = self._term_finder

        def job() -> tuple[list[Any], list[TermHit]]:
            words = _annotate(text, style, sandhi) if has_han(text[:MAX_PINYIN_CHARS]) else []
            return words, finder.find_terms(text) if text.strip() else []

        def done(value: tuple[list[Any], list[TermHit]]) -> None:
            if generation != self._aids_generation or self.pane.text() != text:
                return  # typing went on: the debounced update for the new text follows
            words, terms = value
            self._show_words(words)
            self.pane.show_terms(terms)

        self.runner.run_quick(job, on_done=done, on_error=self._pinyin_failed(generation))

    def update_pinyin(self, text: str) -> None:
        """Pinyin of the Chinese about to be posted (the en->zh result)."""
        self._aids_generation += 1
        generation = self._aids_generation
        style = str(self.settings.get("pinyin_style"))
        sandhi = bool(self.settings.get("tone_sandhi"))

        def job() -> list[Any]:
            return _annotate(text, style, sandhi)

        def done(words: list[Any]) -> None:
            if generation == self._aids_generation:
                self._show_words(words)

        self.runner.run_quick(job, on_done=done, on_error=self._pinyin_failed(generation))

    def _show_words(self, words: list[Any]) -> None:
        self.pane.ruby.set_words(words)
        visible = bool(words)
        self.pane.pinyin_label.setVisible(visible)
        self.pane.ruby_scroll.setVisible(visible)
        if visible:
            self.pinyinShown.emit()

    def _pinyin_failed(self, generation: int) -> Callable[[BaseException], None]:
        def failed(exc: BaseException) -> None:
            if generation == self._aids_generation:
                self.pane.ruby.set_words([])
                self.pane.pinyin_label.setText(f"Pinyin unavailable: {exc}")
                self.pane.pinyin_label.show()

        return failed


def _annotate(text: str, style: str, sandhi: bool) -> list[Any]:
    """Words with pinyin for the ruby view (runs on the quick worker)."""
    from companion.pinyin import annotate
    from companion.service import prepare_dictionary

    prepare_dictionary()  # idempotent: slang from the phrasebook reads as one word
    return annotate(text[:MAX_PINYIN_CHARS], style=style, sandhi=sandhi)
