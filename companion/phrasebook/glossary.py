"""The glossary pass: find phrasebook terms in text and protect slang from the MT engine.

Machine translation renders 种草 as "planting grass" and yyds as "yyds". Terms flagged
``protect`` are replaced by a placeholder before translation and their curated meaning is
put back after. The placeholder is an uppercase Latin code (``ZQ1``): NMT models copy unknown
Latin tokens through, and the restore step tolerates the usual damage (case, inserted spaces,
a dropped placeholder, in which case the meaning is appended so it is never lost).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from companion.glossary_api import Protected, TermHit
from companion.phrasebook.book import Book, Entry
from companion.text import has_han, is_han

PLACEHOLDER = "ZQ{n}"
_PLACEHOLDER_RE = re.compile(r"(?<![A-Za-z])[Zz]\s?[Qq]\s?-?\s?(\d{1,2})(?!\d)")
# Number slang (520, 666) is not slang before a unit: 520元, 666个, 88%.
_UNITS = set("元块毛角分个件只次天年月日号点岁斤米克%％人楼层条张位万千百十亿w")
_MAX_TERM = 16


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class _Term:
    entry: Entry
    form: str  # as matched (lower-cased for Latin forms)


def _lower_same_length(text: str) -> str:
    """Lower case without changing offsets (a few characters lower to two code points)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class PhrasebookGlossary:
    """:class:`companion.glossary_api.GlossaryPass` over the phrasebook."""

    def __init__(self, book: Book | None = None) -> None:
        self._book = book
        self._lock = threading.Lock()
        self._zh: dict[str, _Term] = {}
        self._en: dict[str, _Term] = {}
        self._longest: dict[str, int] = {}  # first character -> longest term starting with it
        self._built_for: object = None

    def book(self) -> Book:
        if self._book is None:
            from companion.phrasebook import get_book

            self._book = get_book()
        return self._book

    def _tables(self) -> tuple[dict[str, _Term], dict[str, _Term]]:
        book = self.book()
        marker = (id(book), id(book.user_entries), len(book.user_entries))
        if self._built_for != marker:
            with self._lock:
                if self._built_for != marker:
                    self._build(book.entries + book.user_entries)
                    self._built_for = marker
        return self._zh, self._en

    def _build(self, entries: list[Entry]) -> None:
        zh: dict[str, _Term] = {}
        en: dict[str, _Term] = {}
        for entry in entries:
            if not entry.highlight:
                continue
            for form in (entry.simplified, entry.traditional, *entry.also):
                form = form.strip()
                if not form or len(form) > _MAX_TERM:
                    continue
                if len(form) == 1 and is_han(form):
                    continue  # 我, 赞: far too common to mark in every post
                if not has_han(form) and len(form) < 2:
                    continue
                key = _lower_same_length(form)
                # the first entry wins; a protected entry wins over a plain one
                if key not in zh or (entry.protect and not zh[key].entry.protect):
                    zh[key] = _Term(entry, key)
            for phrase in entry.en_terms:
                key = phrase.strip().lower()
                if key and key not in en:
                    en[key] = _Term(entry, key)
        self._zh, self._en = zh, en
        longest: dict[str, int] = {}
        for key in (*zh, *en):
            longest[key[0]] = max(longest.get(key[0], 0), len(key))
        self._longest = longest

    # --- finding ---------------------------------------------------------------------------

    def find_terms(self, text: str) -> list[TermHit]:
        """Phrasebook terms in ``text``, longest first, non-overlapping, in text order.

        Chinese text is matched against the Chinese forms; text without any Chinese against
        the English phrases of entries (for English->Chinese, the meaning is the Chinese).
        """
        if not text:
            return []
        zh, en = self._tables()
        if has_han(text) or not en:
            return self._find(text, zh, to_chinese=False)
        return self._find(text, en, to_chinese=True)

    def _find(self, text: str, table: dict[str, _Term], to_chinese: bool) -> list[TermHit]:
        lower = _lower_same_length(text)
        candidates: list[tuple[int, int, _Term]] = []
        n = len(lower)
        for start in range(n):
            longest = self._longest.get(lower[start], 0)
            if not longest or (to_chinese and start and _is_word_char(lower[start - 1])):
                continue
            for end in range(min(n, start + longest), start, -1):
                term = table.get(lower[start:end])
                if term is not None and self._boundary_ok(lower, start, end, term, to_chinese):
                    candidates.append((start, end, term))
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))  # longest first, then leftmost
        taken: list[tuple[int, int, _Term]] = []
        used = [False] * n
        for start, end, term in candidates:
            if any(used[start:end]):
                continue
            for k in range(start, end):
                used[k] = True
            taken.append((start, end, term))
        taken.sort(key=lambda c: c[0])
        return [self._hit(text, start, end, term.entry, to_chinese) for start, end, term in taken]

    @staticmethod
    def _boundary_ok(text: str, start: int, end: int, term: _Term, to_chinese: bool) -> bool:
        """Latin and number terms must stand alone (yyds, not 'yydsx'; 520, not 520元)."""
        form = term.form
        if not to_chinese and has_han(form):
            return True
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if _is_word_char(form[0]) and before and _is_word_char(before):
            return False
        if _is_word_char(form[-1]) and after and _is_word_char(after):
            return False
        if form.isdigit():
            if after in _UNITS or before in "¥$￥.":
                return False
            if after in ".,:/-" and end + 1 < len(text) and text[end + 1].isdigit():
                return False  # 5.20, 8:88, 1314-...
        return True

    @staticmethod
    def _hit(text: str, start: int, end: int, entry: Entry, to_chinese: bool) -> TermHit:
        return TermHit(
            term=text[start:end],
            start=start,
            end=end,
            meaning=entry.simplified if to_chinese else entry.meaning,
            pinyin=entry.pinyin,
            entry_key=entry.key,
            category=entry.category,
        )

    # --- protecting ------------------------------------------------------------------------

    def protect(self, sentence: str, source: str, target: str) -> Protected:
        """Replace protected terms by placeholders; ``restore`` puts the curated meanings in."""
        if source == target or not sentence:
            return Protected(sentence)
        to_chinese = target.startswith("zh")
        zh, en = self._tables()
        hits = self._find(sentence, en if to_chinese else zh, to_chinese)
        book = self.book()
        chosen = []
        for hit in hits:
            entry = book.entry(hit.entry_key)
            if entry is not None and (entry.protect or to_chinese):
                chosen.append(hit)
        if not chosen:
            return Protected(sentence)
        parts: list[str] = []
        position = 0
        for number, hit in enumerate(chosen, start=1):
            parts.append(sentence[position : hit.start])
            code = PLACEHOLDER.format(n=number)
            before = sentence[hit.start - 1] if hit.start else ""
            after = sentence[hit.end] if hit.end < len(sentence) else ""
            pad_left = " " if before and not before.isspace() else ""
            pad_right = " " if after and not after.isspace() and after not in ",.!?;:" else ""
            parts.append(f"{pad_left}{code}{pad_right}")
            position = hit.end
        parts.append(sentence[position:])
        return Protected("".join(parts), chosen, _restorer(chosen, to_chinese))


def inline(meaning: str) -> str:
    """A meaning as it reads inside a sentence: remarks in brackets left for the pane."""
    short = re.sub(r"\s*\([^)]*\)", "", meaning).strip()
    return short or meaning


def _restorer(hits: list[TermHit], to_chinese: bool) -> Callable[[str], str]:
    meanings = {number: inline(hit.meaning) for number, hit in enumerate(hits, start=1)}

    def restore(translated: str) -> str:
        placed: set[int] = set()

        def put(match: re.Match[str]) -> str:
            number = int(match.group(1))
            if number not in meanings:
                return ""  # a mangled code we did not send: drop it
            placed.add(number)
            return meanings[number]

        out = _PLACEHOLDER_RE.sub(put, translated)
        missing = [n for n in meanings if n not in placed]
        if to_chinese:
            out = re.sub(r"\s*([\u3400-\u9fff]+)\s*", r"\1", out) if placed else out
            if missing:
                out += "（" + "，".join(meanings[n] for n in missing) + "）"
        else:
            out = re.sub(r"\s{2,}", " ", out).strip()
            out = re.sub(r"\s+([,.!?;:])", r"\1", out)
            if missing:
                extra = "; ".join(f"{hits[n - 1].term}: {meanings[n]}" for n in missing)
                out = f"{out} ({extra})" if out else meanings[missing[0]]
        return out

    return restore
