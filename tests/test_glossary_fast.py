"""The glossary's fast matcher finds exactly what the previous one found.

The previous matcher probed every length of the first character's mask at every position
(a dict probe per candidate length, :func:`_lookup` for each); the fast one looks at the
first two characters first. It is kept here, as it was, as the reference: on random mixed
text built from real phrasebook forms, numbers, Latin words and traditional characters,
both give the same spans, the same hits from ``find_terms`` and the same ``protect`` output.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.glossary_api import Protected, TermHit
from companion.phrasebook import get_book
from companion.phrasebook import glossary as glossary_module
from companion.phrasebook.book import Book
from companion.phrasebook.glossary import (
    _SLOT,
    PLACEHOLDER,
    PhrasebookGlossary,
    _Found,
    _restorer,
    _Tables,
    _with_english_numbers,
)
from companion.phrasebook.terms import USABLE_SCORE, fold, lengths_of, usable
from companion.text import has_han

# --- the previous algorithm, as it was --------------------------------------------------------


def _old_is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


_OLD_UNITS = set("元块毛角分个件只次天年月日号点岁斤米克%％人楼层条张位万千百十亿w")


def _old_lookup(tables: _Tables, key: str) -> object:
    best = None
    for surface, entries in tables.surfaces:
        for idx, score in surface.get(key, ()):
            entry = entries[idx]
            if score < USABLE_SCORE or not usable(entry, key):
                continue
            if best is None or (entry.protect and not best.protect):
                best = entry
    return best if best is not None else tables.odd.get(key)


def _old_boundary_ok(text: str, start: int, end: int) -> bool:
    form = text[start:end]
    if has_han(form) and not (_old_is_word_char(form[0]) or _old_is_word_char(form[-1])):
        return True
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if _old_is_word_char(form[0]) and before and _old_is_word_char(before):
        return False
    if _old_is_word_char(form[-1]) and after and _old_is_word_char(after):
        return False
    if form.isdigit():
        if after in _OLD_UNITS or before in "¥$￥.":
            return False
        if after in ".,:/-" and end + 1 < len(text) and text[end + 1].isdigit():
            return False
    return True


def old_match_terms(lower: str, tables: _Tables) -> list[_Found]:
    found: list[_Found] = []
    n = len(lower)
    lengths = tables.lengths
    masks: dict[int, list[int]] = {}
    for start in range(n):
        mask = lengths.get(lower[start], 0)
        if not mask:
            continue
        sizes = masks.get(mask)
        if sizes is None:
            sizes = masks[mask] = lengths_of(mask)
        for length in sizes:
            end = start + length
            if end > n:
                continue
            entry = _old_lookup(tables, lower[start:end])
            if entry is not None and _old_boundary_ok(lower, start, end):
                found.append(_Found(start, end, entry))  # type: ignore[arg-type]
    return found


def old_protect(glossary: PhrasebookGlossary, sentence: str, source: str, target: str) -> Protected:
    """``protect`` as it was: every hit made, then those not protected dropped."""
    if source == target or not sentence:
        return Protected(sentence)
    to_chinese = target.startswith("zh")
    tables = glossary._get_tables()
    if to_chinese:
        chosen = _with_english_numbers(sentence, glossary._find_english(sentence, tables))
    else:
        chosen = [
            hit
            for hit, entry in glossary._find_chinese(sentence, tables)
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


# --- random mixed text ----------------------------------------------------------------------------


def _forms(book: Book) -> list[str]:
    out: set[str] = set()
    for entry in list(book.entries)[:2000]:
        for form in (entry.simplified, entry.traditional, *entry.also):
            if form and len(form) <= 16:
                out.add(form)
    return sorted(out)


BOOK = get_book()
FORMS = _forms(BOOK)
TRADITIONAL = sorted(BOOK.traditional_chars)[:400]
NUMBERS = ["一万二", "四千五", "1.2万", "3块5", "50刀", "下午3点半", "8折", "520", "666", "88",
           "1314", "5.20", "¥99", "两三个", "十二万", "第一", "一点", "万一", "2025年3月8号",
           "周五晚上8点", "满300减50", "30-50元", "１２", "百分之二十"]  # fmt: skip
LATIN = ["yyds", "ootd", "vlog", "YYDS", "Ootd", "dm", "kol", "plog", "xswl", "u1s1", "abc",
         "TikTok", "look", "vintage", "emo", "cp", "xx", "Z", "q"]  # fmt: skip
SLOTS = [  # entries with a sense that takes the term before it, and such pairs
    form
    for entry in BOOK.entries
    if any("{}" in sense.meaning for sense in entry.senses)
    for form in (entry.simplified, entry.traditional)
    if form
] + ["油皮亲妈", "干皮亲妈", "学生党亲妈"]
GLUE = [*"，。！？、 ：:.,-/~()（）[]【】\n的了是我在有", "ＹＹＤＳ", "\u3000", "😂"]

pieces = st.one_of(
    st.sampled_from(FORMS),
    st.sampled_from(SLOTS),
    st.sampled_from(NUMBERS),
    st.sampled_from(LATIN),
    st.sampled_from(TRADITIONAL),
    st.sampled_from(GLUE),
    st.integers(0, 99999).map(str),
    st.text(alphabet="abcdefgyds0123456789一二三万块元点号", max_size=4),
)
mixed = st.lists(pieces, max_size=24).map("".join)


def _spans(found: list[_Found]) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.entry.key if f.entry else "") for f in found]


def _protected(p: Protected, sample: str) -> tuple[str, list[TermHit], str]:
    return p.text, list(p.hits), p.restore(f"ZQ1 {sample} zq 2 ZQ3")


@pytest.fixture(scope="module")
def fresh() -> PhrasebookGlossary:
    return PhrasebookGlossary()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mixed)
def test_the_fast_matcher_equals_the_previous_one(text: str) -> None:
    glossary = PhrasebookGlossary(BOOK)
    tables = glossary._get_tables()
    versions = [fold(text)]
    from companion.script import to_simplified

    if BOOK.may_be_traditional(text):
        versions.append(fold(to_simplified(text)))
    for version in versions:
        assert _spans(glossary_module._match_terms(version, tables)) == _spans(
            old_match_terms(version, tables)
        )
    fast_terms = glossary.find_terms(text)
    fast = [_protected(glossary.protect(text, "zh", "en"), text)]
    fast.append(_protected(glossary.protect(text, "en", "zh"), text))
    with mock.patch.object(glossary_module, "_match_terms", old_match_terms):
        assert glossary.find_terms(text) == fast_terms
        old = [_protected(old_protect(glossary, text, "zh", "en"), text)]
        old.append(_protected(old_protect(glossary, text, "en", "zh"), text))
    assert old == fast


def test_real_posts_match_as_before(fresh: PhrasebookGlossary) -> None:
    """Every phrasebook example sentence, and the forms written one after another."""
    tables = fresh._get_tables()
    texts = [e.example for e in BOOK.entries if e.example][:600]
    texts.append("".join(FORMS[:3000]))
    texts.append("".join(TRADITIONAL))
    for text in texts:
        lower = fold(text)
        assert _spans(glossary_module._match_terms(lower, tables)) == _spans(
            old_match_terms(lower, tables)
        )


def test_user_entries_reach_the_fast_matcher(tmp_path: Path) -> None:
    """A user's forms (one with brackets) join the index the fast matcher reads."""
    from companion.phrasebook.user_entries import UserPhrases
    from companion.storage.db import Database

    book = Book(BOOK.entries)
    store = UserPhrases(Database(tmp_path / "u.db"))
    store.add("猫猫虫", "caterpillar cat (a meme)")
    store.add("[我的R]", "my sticker")
    book.set_user_entries(store.entries())
    store.db.close()
    tables = PhrasebookGlossary(book)._get_tables()
    text = fold("好可爱的猫猫虫[我的R]，yyds！一万二")
    fast = _spans(glossary_module._match_terms(text, tables))
    assert fast == _spans(old_match_terms(text, tables))
    assert {(4, 7), (7, 12)} <= {(start, end) for start, end, _key in fast}
