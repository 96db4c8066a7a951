"""The few extra maps the glossary pass needs on top of the book's table of written forms.

Built with the book and pickled with it, so the first translation only reads them: the
lengths of the usable forms per first character (which substrings to probe at each position),
the forms the search's normal form cannot hold (brackets, spaces: ``[笑哭R]``, ``China
Travel``), and the English phrases that stand for an entry (for English->Chinese).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from companion.phrasebook.search import S_ALSO as USABLE_SCORE
from companion.text import has_han, is_han

if TYPE_CHECKING:
    from companion.phrasebook.book import Entry
    from companion.phrasebook.search import Surface

MAX_TERM = 16
_ODD_RE = re.compile(r"[\s\[\]【】]")
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")


def fold(text: str) -> str:
    """Lower case and half-width ASCII without changing any offset (the search's ``norm``
    one character at a time)."""
    if _FULLWIDTH_RE.search(text):
        text = text.translate(_FULLWIDTH)
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def usable(entry: Entry, form: str) -> bool:
    """Whether ``form`` of ``entry`` is worth marking in a text."""
    if not entry.highlight or not form or len(form) > MAX_TERM:
        return False
    if len(form) == 1 and is_han(form):
        return False  # 我, 赞: far too common to mark in every post
    return len(form) >= 2 or has_han(form)


def add_length(lengths: dict[str, int], key: str) -> None:
    lengths[key[0]] = lengths.get(key[0], 0) | (1 << len(key))


def lengths_of(mask: int) -> list[int]:
    """The lengths in a bit mask, longest first."""
    out = []
    while mask:
        length = mask.bit_length() - 1
        out.append(length)
        mask ^= 1 << length
    return out


@dataclass
class TermForms:
    # first character -> bit mask of the lengths of the usable forms starting with it
    lengths: dict[str, int] = field(default_factory=dict)
    odd: dict[str, int] = field(default_factory=dict)  # folded odd form -> entry index
    en: dict[str, int] = field(default_factory=dict)  # folded English phrase -> entry index
    en_lengths: dict[str, int] = field(default_factory=dict)


def build_term_forms(entries: Sequence[Entry], surface: Surface) -> TermForms:
    forms = TermForms()
    for key, owners in surface.items():
        if len(key) <= MAX_TERM and any(
            score >= USABLE_SCORE and usable(entries[i], key) for i, score in owners
        ):
            add_length(forms.lengths, key)
    for idx, entry in enumerate(entries):
        for form in (entry.simplified, entry.traditional, *entry.also):
            if form and _ODD_RE.search(form) and usable(entry, form.strip()):
                key = fold(form.strip())
                forms.odd.setdefault(key, idx)
                add_length(forms.lengths, key)
        for phrase in entry.en_terms:
            key = fold(phrase.strip())
            if key and key not in forms.en:
                forms.en[key] = idx
                add_length(forms.en_lengths, key)
    return forms
