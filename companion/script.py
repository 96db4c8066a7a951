"""Traditional and simplified Chinese: detect, convert (OpenCC data, Apache 2.0).

Posts from Taiwan and Hong Kong are written in traditional characters. The dictionary, the
phrasebook and the translation models work on simplified text, so lookups and translation
convert first, and the user still sees what was written. Conversion keeps the length of the
text character for character (OpenCC's character and phrase tables used here map one
character to one character), so offsets found in the converted text point into the original.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()


@lru_cache(maxsize=4)
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def _convert(text: str, config: str) -> str:
    if not text:
        return text
    with _lock:  # OpenCC objects are not documented as thread-safe
        converted = str(_converter(config).convert(text))
    # Keep offsets valid: fall back character by character if a phrase changed length.
    if len(converted) != len(text):
        with _lock:
            conv = _converter(config)
            converted = "".join(
                out if len(out := str(conv.convert(ch))) == 1 else ch for ch in text
            )
    return converted


def to_simplified(text: str) -> str:
    """Traditional (any region) to simplified, same length as ``text``."""
    return _convert(text, "t2s")


def to_traditional(text: str) -> str:
    """Simplified to traditional (OpenCC's standard forms), same length as ``text``."""
    return _convert(text, "s2t")


def traditional_share(text: str) -> float:
    """Share of Han characters that change when converted to simplified (0.0 when none)."""
    from companion.text import is_han

    han = [ch for ch in text if is_han(ch)]
    if not han:
        return 0.0
    simplified = to_simplified("".join(han))
    changed = sum(1 for a, b in zip(han, simplified, strict=True) if a != b)
    return changed / len(han)


def is_traditional(text: str, threshold: float = 0.1) -> bool:
    """True when enough characters are traditional-only to call the text traditional.

    Most characters are the same in both scripts, so a traditional post may have only one in
    five that differs; a simplified post has none.
    """
    return traditional_share(text) >= threshold
