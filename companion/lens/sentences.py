"""The Lens's one door to sentence translation: every sentence of a screen in one batch.

It goes through the app's translation session (:class:`companion.session.Session`: the
user's chosen engine, the offline one as fallback, phrasebook terms protected, rebuilt when
packs or engine settings change). The GUI hands over its own session with
:func:`use_session`, so the Lens shares the window's loaded models and sentence cache; the
command line gets a session of its own on first use.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.session import Session

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_session: Session | None = None


@dataclass(frozen=True)
class MachineBatch:
    """Translations by source text; ``error`` says why some or all are missing."""

    translations: dict[str, str] = field(default_factory=dict)
    engine_label: str = ""
    error: str = ""


def use_session(session: Session | None) -> None:
    """Translate with ``session`` (the main window's); None: a session of the Lens's own."""
    global _session
    with _lock:
        _session = session


def _get_session() -> Session:
    global _session
    with _lock:
        if _session is None:
            from companion.session import Session

            _session = Session(follow_changes=True)
        return _session


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
        translator = _get_session().translator()
        joined = "\n".join(t.replace("\n", " ") for t in unique)
        result = translator.translate(joined, "zh", "en", find_terms=False)
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
