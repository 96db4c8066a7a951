"""Text that came from outside (pack metadata, an index, a server's reply, OCR) made safe to show.

A terminal obeys escape sequences and a label obeys bidi overrides: either can make a message
lie (clear the screen, hide a word, reverse a path). Everything foreign passes through
:func:`printable` before it reaches a terminal, a log line or a widget.
"""

from __future__ import annotations

import unicodedata

# Bidirectional overrides and isolates can reorder what a reader sees.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def printable(text: object, limit: int | None = 300, keep_newlines: bool = False) -> str:
    """``text`` with control characters (C0, C1, DEL, bidi controls) replaced by spaces.

    Runs of whitespace left behind collapse to one space; ``limit`` cuts long text with an
    ellipsis so a hostile reply cannot flood a message. Newlines survive only when asked.
    """
    raw = text if isinstance(text, str) else str(text)
    out: list[str] = []
    for ch in raw:
        if keep_newlines and ch == "\n":
            out.append(ch)
        elif ch in _BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs"):
            out.append(" ")
        else:
            out.append(ch)
    cleaned = "".join(out)
    if keep_newlines:
        cleaned = "\n".join(" ".join(line.split()) for line in cleaned.split("\n"))
    else:
        cleaned = " ".join(cleaned.split())
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: max(limit - 1, 0)].rstrip() + "…"
    return cleaned
