"""Shared by the reading-rule tests: what the reader gives one character in a sentence."""

from __future__ import annotations

from companion.pinyin import annotate


def syllables_of(text: str, char: str) -> list[str]:
    """The pinyin (marks) of every occurrence of ``char`` in ``text``."""
    out: list[str] = []
    for word in annotate(text):
        if word.is_chinese:
            out.extend(p for ch, p in zip(word.text, word.pinyin, strict=True) if ch == char)
    return out
