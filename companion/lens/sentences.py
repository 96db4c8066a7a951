"""The Lens's one door to sentence translation: every sentence of a screen in one batch.

It goes through the app's public translation path (``companion.service.build_translator``:
the user's chosen engine, the offline one as fallback, phrasebook terms protected), so this
is the one function to re-point when that path moves. The translator is built once and kept
(offline models stay loaded) until settings or packs change.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.translator import Translator

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_translator: Translator | None = None
_unsubscribe: object = None


@dataclass(frozen=True)
class MachineBatch:
    """Translations by source text; ``error`` says why some or all are missing."""

    translations: dict[str, str] = field(default_factory=dict)
    engine_label: str = ""
    error: str = ""


def _forget(_topic: str, _detail: str) -> None:
    global _translator
    with _lock:
        _translator = None


def _get_translator() -> Translator:
    global _translator, _unsubscribe
    with _lock:
        if _translator is None:
            from companion import changes
            from companion.service import build_translator
            from companion.settings import Settings

            _translator = build_translator(Settings())
            if _unsubscribe is None:
                _unsubscribe = changes.subscribe(_forget)
        return _translator


def translate_lines(texts: Sequence[str]) -> MachineBatch:
    """Chinese -> English for each text; one engine call for all of them (chunked inside).

    The texts are joined one per line, so the engine sees the whole screen at once and the
    translator's sentence cache serves anything already seen. Never raises for engine
    trouble: the reason comes back in ``error`` (e.g. no language pack installed).
    """
    from companion.engines.base import EngineError
    from companion.text import split_segments
    from companion.translator import InputError

    unique = [t.strip() for t in dict.fromkeys(texts) if t.strip()]
    if not unique:
        return MachineBatch()
    try:
        translator = _get_translator()
        result = translator.translate("\n".join(t.replace("\n", " ") for t in unique), "zh", "en")
    except (EngineError, InputError) as exc:
        message = getattr(exc, "message", None) or str(exc)
        _log.info("sentences not translated: %s", message)
        return MachineBatch(error=f"Sentences not translated: {message}")
    except Exception as exc:  # an engine bug must not lose the labels already found
        _log.exception("sentence translation failed")
        return MachineBatch(error=f"Sentences not translated ({type(exc).__name__}: {exc})")
    by_sentence = {s.source: s.target for s in result.sentences}
    out: dict[str, str] = {}
    for text in unique:
        pieces = [
            by_sentence.get(segment.text, "")
            for segment in split_segments(text.replace("\n", " "))
            if segment.translatable
        ]
        if pieces and all(pieces):
            out[text] = " ".join(piece.strip() for piece in pieces)
    notes = "; ".join(result.notes)
    return MachineBatch(out, result.engine_label, notes)
