"""The glossary pass: find phrasebook terms and numbers in text, protect them from the engine.

Machine translation renders 种草 as "planting grass", yyds as "yyds" and 一万二 as 10,002.
Terms flagged ``protect`` and numbers (see :mod:`companion.numbers`) are replaced by a
placeholder before translation and their curated meaning or exact value is put back after.
The placeholder is an uppercase Latin code (``ZQ1``): NMT models copy unknown Latin tokens
through, and the restore step tolerates the usual damage (case, inserted spaces, a dropped
placeholder, in which case the meaning is appended so it is never lost).

Terms are matched against the book's own table of written forms (``Book.surface``, the one
the search uses too), so the pass builds no second index: the few maps it adds (which form
lengths start with each character, odd forms, English phrases) are built with the book and
cached with it. An entry with several senses gets the
one its context picks (:mod:`companion.phrasebook.senses`). Traditional text is matched as
written and converted to simplified (same length, so offsets still point into the original).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from companion.glossary_api import Protected, TermHit
from companion.phrasebook.book import Book, Entry
from companion.phrasebook.search import Surface
from companion.phrasebook.senses import choose
from companion.phrasebook.terms import (
    USABLE_SCORE,
    build_term_forms,
    fold,
    lengths_of,
    usable,
)
from companion.text import has_han, may_have_number

PLACEHOLDER = "ZQ{n}"
_PLACEHOLDER_RE = re.compile(r"(?<![A-Za-z])[Zz]\s?[Qq]\s?-?\s?(\d{1,2})(?!\d)")
# Number slang (520, 666) is not slang before a unit: 520元, 666个, 88%.
_UNITS = set("元块毛角分个件只次天年月日号点岁斤米克%％人楼层条张位万千百十亿w")
_SLOT = "{}"


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class _Tables:
    """What the pass adds to the book's surface table; built once per book and user set."""

    surfaces: tuple[tuple[Surface, Sequence[Entry]], ...]
    odd: dict[str, Entry]  # forms with brackets or spaces, folded as written
    lengths: dict[str, int]  # first character -> bit mask of usable form lengths
    en: dict[str, Entry]  # English phrases (entry.en_terms) -> entry, for English->Chinese
    en_lengths: dict[str, int]
    # The matcher's index, from the maps above (a few thousand forms, ~2 ms to build, no
    # entry decoded): the forms the pass probes (their length is in their first character's
    # mask); the lengths of those of two characters or more, longest first, under their
    # first two characters; the one-character ones. One probe per position then rules out
    # almost every place no term starts. ``found`` remembers what :func:`_lookup` said of
    # each form met so far (bounded by the forms).
    forms: frozenset[str]
    by_pair: dict[str, tuple[int, ...]]
    singles: frozenset[str]
    found: dict[str, tuple[Entry, bool] | None]


class _Found:
    """A candidate span: a phrasebook entry or a number."""

    __slots__ = ("end", "entry", "number", "start")

    def __init__(
        self, start: int, end: int, entry: Entry | None = None, number: TermHit | None = None
    ) -> None:
        self.start, self.end, self.entry, self.number = start, end, entry, number


class PhrasebookGlossary:
    """:class:`companion.glossary_api.GlossaryPass` over the phrasebook."""

    def __init__(self, book: Book | None = None) -> None:
        self._book = book
        self._lock = threading.Lock()
        self._tables_for: object = None
        self._tables: _Tables | None = None

    def book(self) -> Book:
        if self._book is None:
            from companion.phrasebook import get_book

            self._book = get_book()
        return self._book

    def _get_tables(self) -> _Tables:
        book = self.book()
        marker = (id(book), id(book.user_entries), len(book.user_entries))
        if self._tables_for != marker or self._tables is None:
            with self._lock:
                if self._tables_for != marker or self._tables is None:
                    self._tables = _build(book)
                    self._tables_for = marker
        return self._tables

    # --- finding ---------------------------------------------------------------------------

    def find_terms(self, text: str) -> list[TermHit]:
        """Phrasebook terms and numbers in ``text``, longest first, non-overlapping, in order.

        Chinese text is matched against the Chinese forms; text without any Chinese against
        the English phrases of entries (for English->Chinese, the meaning is the Chinese).
        """
        if not text:
            return []
        tables = self._get_tables()
        if has_han(text) or not tables.en:
            return [hit for hit, _entry in self._find_chinese(text, tables)]
        return self._find_english(text, tables)

    def _find_chinese(
        self, text: str, tables: _Tables, protecting: bool = False
    ) -> list[tuple[TermHit, Entry | None]]:
        """Hits with the entry each comes from (None for a number).

        ``protecting`` leaves out the hits ``protect`` would drop (entries not protected),
        unless one is the term a slot sense takes right after it (油皮 before 亲妈): about
        two in three hits of a post, each a sense choice and a hit not made.
        """
        book = self.book()
        simplified = text
        if book.may_be_traditional(text):
            from companion.script import to_simplified

            converted = to_simplified(text)
            if len(converted) == len(text):
                simplified = converted
        versions = [fold(text)]
        if simplified != text:
            versions.append(fold(simplified))
        found: list[_Found] = []
        for version in versions:
            found += _match_terms(version, tables)
        found += [_Found(h.start, h.end, number=h) for h in _numbers(simplified, text)]
        chosen = _non_overlapping(found)
        return self._to_hits(text, simplified, versions[-1], chosen, protecting)

    def _to_hits(
        self,
        text: str,
        simplified: str,
        folded: str,
        chosen: list[_Found],
        protecting: bool = False,
    ) -> list[tuple[TermHit, Entry | None]]:
        pairs: list[tuple[TermHit, Entry | None]] = []
        for position, item in enumerate(chosen):
            if item.number is not None:
                pairs.append((item.number, None))
                continue
            assert item.entry is not None
            if protecting and not item.entry.protect and not _slot_follows(chosen, position):
                continue  # dropped by protect, and no slot sense takes it as its object
            hit = _term_hit(text, folded, item.start, item.end, item.entry)
            if _SLOT in hit.meaning or _SLOT in hit.value:
                hit = _fill_slot(text, simplified, hit, pairs)
            pairs.append((hit, item.entry))
        return pairs

    def _find_english(self, text: str, tables: _Tables) -> list[TermHit]:
        lower = fold(text)
        found = []
        n = len(lower)
        for start in range(n):
            mask = tables.en_lengths.get(lower[start], 0)
            if not mask or (start and _is_word_char(lower[start - 1])):
                continue
            for length in lengths_of(mask):
                end = start + length
                entry = tables.en.get(lower[start:end]) if end <= n else None
                if entry is None:
                    continue
                if _is_word_char(lower[end - 1]) and end < n and _is_word_char(lower[end]):
                    continue
                found.append(_Found(start, end, entry))
                break
        out = []
        for item in _non_overlapping(found):
            assert item.entry is not None
            entry = item.entry
            out.append(
                TermHit(
                    term=text[item.start : item.end],
                    start=item.start,
                    end=item.end,
                    meaning=entry.simplified,
                    pinyin=entry.pinyin,
                    entry_key=entry.key,
                    category=entry.category,
                    value=entry.simplified,
                )
            )
        return out

    # --- protecting ------------------------------------------------------------------------

    def protect(self, sentence: str, source: str, target: str) -> Protected:
        """Replace protected terms and numbers by placeholders; ``restore`` puts them back."""
        if source == target or not sentence:
            return Protected(sentence)
        to_chinese = target.startswith("zh")
        tables = self._get_tables()
        if to_chinese:
            chosen = _with_english_numbers(sentence, self._find_english(sentence, tables))
        else:
            chosen = [
                hit
                for hit, entry in self._find_chinese(sentence, tables, protecting=True)
                if entry is None or (entry.protect and _SLOT not in hit.value)
            ]
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


# --- building the tables -------------------------------------------------------------------------


def _build(book: Book) -> _Tables:
    """The book's own maps, plus the user's entries (few) when there are some."""
    forms = book.term_forms
    surfaces: list[tuple[Surface, Sequence[Entry]]] = [(book.surface, book.entries)]
    odd = {key: book.entries[idx] for key, idx in forms.odd.items()}
    en = {key: book.entries[idx] for key, idx in forms.en.items()}
    lengths, en_lengths = forms.lengths, forms.en_lengths
    user = book.user_index
    if user is not None:
        mine = build_term_forms(user.entries, user.surface)
        surfaces.append((user.surface, user.entries))
        lengths = dict(lengths)
        for ch, mask in mine.lengths.items():
            lengths[ch] = lengths.get(ch, 0) | mask
        for key, idx in mine.odd.items():
            odd.setdefault(key, user.entries[idx])
    probed, by_pair, singles = _index(surfaces, odd, lengths)
    return _Tables(tuple(surfaces), odd, lengths, en, en_lengths, probed, by_pair, singles, {})


def _index(
    surfaces: Sequence[tuple[Surface, Sequence[Entry]]],
    odd: dict[str, Entry],
    lengths: dict[str, int],
) -> tuple[frozenset[str], dict[str, tuple[int, ...]], frozenset[str]]:
    """The forms the pass probes (see :class:`_Tables`), by their first two characters.

    A string outside these forms is in no surface table and no odd form, or its length is
    not probed: :func:`_lookup` would find nothing for it, so skipping it changes nothing.
    """
    forms: set[str] = set()
    tables: list[Iterable[str]] = [odd, *(surface for surface, _entries in surfaces)]
    for table in tables:
        forms.update(key for key in table if key and (lengths.get(key[0], 0) >> len(key)) & 1)
    pairs: dict[str, set[int]] = {}
    for form in forms:
        if len(form) > 1:
            pairs.setdefault(form[:2], set()).add(len(form))
    by_pair = {pair: tuple(sorted(sizes, reverse=True)) for pair, sizes in pairs.items()}
    return frozenset(forms), by_pair, frozenset(form for form in forms if len(form) == 1)


def _resolve(tables: _Tables, form: str) -> tuple[Entry, bool] | None:
    """:func:`_lookup` of a probed form, remembered, with whether its edges need checking."""
    try:
        return tables.found[form]
    except KeyError:
        pass
    entry = _lookup(tables, form)
    item = None
    if entry is not None:
        inner = has_han(form) and not (_is_word_char(form[0]) or _is_word_char(form[-1]))
        item = (entry, not inner)
    tables.found[form] = item
    return item


def _lookup(tables: _Tables, key: str) -> Entry | None:
    """The entry whose written form is ``key`` (a protected one first), if it is usable."""
    best: Entry | None = None
    for surface, entries in tables.surfaces:
        for idx, score in surface.get(key, ()):
            entry = entries[idx]
            if score < USABLE_SCORE or not usable(entry, key):
                continue  # the full form of an abbreviation (永远的神 for yyds) is its own entry
            if best is None or (entry.protect and not best.protect):
                best = entry
    return best if best is not None else tables.odd.get(key)


def _match_terms(lower: str, tables: _Tables) -> list[_Found]:
    """Every probed form in ``lower`` with an entry and edges that stand alone, by start,
    longest first: the same spans in the same order as probing each length of the first
    character's mask at every position (what this did before), at one dict probe for most
    positions."""
    found: list[_Found] = []
    n = len(lower)
    by_pair, forms, singles = tables.by_pair, tables.forms, tables.singles
    for start in range(n):
        sizes = by_pair.get(lower[start : start + 2])
        if sizes is not None:
            for length in sizes:
                end = start + length
                if end > n:
                    continue
                form = lower[start:end]
                if form not in forms:
                    continue
                item = _resolve(tables, form)
                if item is not None and (not item[1] or _boundary_ok(lower, start, end)):
                    found.append(_Found(start, end, item[0]))
        if singles and lower[start] in singles:
            item = _resolve(tables, lower[start])
            if item is not None and (not item[1] or _boundary_ok(lower, start, start + 1)):
                found.append(_Found(start, start + 1, item[0]))
    return found


def _boundary_ok(text: str, start: int, end: int) -> bool:
    """Latin and number terms must stand alone (yyds, not 'yydsx'; 520, not 520元)."""
    form = text[start:end]
    if has_han(form) and not (_is_word_char(form[0]) or _is_word_char(form[-1])):
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


def _non_overlapping(found: list[_Found]) -> list[_Found]:
    """Longest first, then leftmost; a phrasebook term wins a tie with a number."""
    found.sort(key=lambda c: (c.start - c.end, c.start, c.number is not None))
    taken: list[_Found] = []
    used = bytearray(max((c.end for c in found), default=0))
    for item in found:
        if any(used[item.start : item.end]):
            continue
        used[item.start : item.end] = b"\x01" * (item.end - item.start)
        taken.append(item)
    taken.sort(key=lambda c: c.start)
    return taken


def _numbers(simplified: str, text: str) -> list[TermHit]:
    if not may_have_number(simplified):
        return []  # most sentences: companion.numbers is not even imported for them
    from companion.numbers import find_numbers

    return [
        TermHit(
            term=text[h.start : h.end],
            start=h.start,
            end=h.end,
            meaning=h.meaning,
            category=h.kind,
            kind="number",
            value=h.value,
        )
        for h in find_numbers(simplified)
    ]


def _with_english_numbers(sentence: str, hits: list[TermHit]) -> list[TermHit]:
    """English->Chinese: numbers stay exactly as written (12,000 must not become 1.2万)."""
    from companion.numbers import english_number_spans

    taken = [(h.start, h.end) for h in hits]
    extra = []
    for start, end in english_number_spans(sentence):
        if any(a < end and start < b for a, b in taken):
            continue
        token = sentence[start:end]
        extra.append(
            TermHit(token, start, end, token, category="number", kind="number", value=token)
        )
    return sorted([*hits, *extra], key=lambda h: h.start)


# --- senses ---------------------------------------------------------------------------------------


def _term_hit(text: str, folded: str, start: int, end: int, entry: Entry) -> TermHit:
    hit = TermHit(
        term=text[start:end],
        start=start,
        end=end,
        meaning=entry.meaning,
        pinyin=entry.pinyin,
        entry_key=entry.key,
        category=entry.category,
    )
    if not entry.extra_senses:
        return hit
    senses = entry.senses
    index, cue = choose(senses, folded, start, end)
    chosen = senses[index].meaning
    others = tuple(inline(s.meaning) for k, s in enumerate(senses) if k != index)
    remark = f"with {cue} here; " if cue else ""
    remark += "other sense: " if len(others) == 1 else "other senses: "
    remark += "; ".join(o.replace(_SLOT, "…") for o in others)
    return replace(
        hit,
        meaning=f"{chosen} ({remark})",
        value=inline(chosen),
        cue=cue,
        senses=others,
        sense=index,
    )


def _slot_follows(chosen: list[_Found], position: int) -> bool:
    """Whether the item after ``position`` starts where it ends and may take it into a slot
    (any of its senses has one: which sense applies is chosen later)."""
    if position + 1 >= len(chosen):
        return False
    after = chosen[position + 1]
    entry = after.entry
    if entry is None or after.start != chosen[position].end:
        return False
    return _SLOT in entry.meaning or any(_SLOT in sense.meaning for sense in entry.senses)


def _fill_slot(
    text: str, simplified: str, hit: TermHit, pairs: list[tuple[TermHit, Entry | None]]
) -> TermHit:
    """A sense that takes the term before it: 油皮 + 亲妈 -> 油皮亲妈, "made for oily skin".

    Without a phrasebook term right before, the slot names the preceding characters and
    the hit is not protected (its value keeps the slot).
    """
    previous = pairs[-1][0] if pairs else None
    if previous is not None and previous.end == hit.start and previous.kind == "term":
        pairs.pop()
        object_ = inline(previous.value or previous.meaning)
        return replace(
            hit,
            term=text[previous.start : hit.end],
            start=previous.start,
            meaning=hit.meaning.replace(_SLOT, object_, 1),
            value=hit.value.replace(_SLOT, object_),
        )
    before = re.findall(r"[\u3400-\u9fff]{1,2}$", simplified[: hit.start])
    named = f"what comes before it: {before[0]}" if before else "what comes before it"
    return replace(hit, meaning=hit.meaning.replace(_SLOT, f"({named})", 1))


# --- restoring ------------------------------------------------------------------------------------


def inline(meaning: str) -> str:
    """A meaning as it reads inside a sentence: remarks in brackets left for the pane."""
    short = _REMARK_RE.sub("", meaning).strip() if "(" in meaning else meaning.strip()
    return short or meaning


# Compiled once: a restore runs for every protected sentence of a text (thousands in a long one).
_REMARK_RE = re.compile(r"\s*\([^)]*\)")
_ZH_GAP_RE = re.compile(r"\s*([\u3400-\u9fff]+)\s*")
_SPACES_RE = re.compile(r"\s{2,}")
_SPACE_BEFORE_MARK_RE = re.compile(r"\s+([,.!?;:])")
_PM_END_RE = re.compile(r"\b([ap])\.m\.\.")


def _restorer(hits: list[TermHit], to_chinese: bool) -> Callable[[str], str]:
    meanings = {
        number: hit.value or inline(hit.meaning) for number, hit in enumerate(hits, start=1)
    }

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
            out = _ZH_GAP_RE.sub(r"\1", out) if placed else out
            if missing:
                out += "（" + "，".join(meanings[n] for n in missing) + "）"
        else:
            out = _SPACES_RE.sub(" ", out).strip()
            out = _SPACE_BEFORE_MARK_RE.sub(r"\1", out)
            out = _PM_END_RE.sub(r"\1.m.", out)  # "8 p.m." ending a sentence
            if missing:
                extra = "; ".join(f"{hits[n - 1].term}: {meanings[n]}" for n in missing)
                out = f"{out} ({extra})" if out else meanings[missing[0]]
        return out

    return restore
