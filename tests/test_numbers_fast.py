"""companion.numbers made faster, with the same results: the previous code is the reference.

``_plain`` (the commonest rule: every run of digits) now turns plain digits away before
anything else, and ``find_numbers`` reads precompiled triggers; the previous ``_plain`` and
pre-check are kept here, as they were, and random text full of numbers finds the same hits.
"""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

import companion.numbers as numbers
from companion.numbers import (
    _CN,
    _DIGIT,
    _UNITS,
    NumberHit,
    _clause_before,
    _fmt,
    _hit,
    _number,
    _words,
    find_numbers,
)

# --- the previous code, as it was ---------------------------------------------------------------


# fmt: off
def old_approx(text: str) -> str | None:
    """几 numbers in words: 几千 -> "a few thousand", 二十几 -> "20-something"."""
    fixed = {"几十": "dozens of", "几百": "a few hundred", "几千": "a few thousand",
             "几万": "tens of thousands of", "几十万": "hundreds of thousands of",
             "几百万": "millions of", "几千万": "tens of millions of", "十几": "a dozen or so",
             "几亿": "hundreds of millions of"}  # fmt: skip
    if text in fixed:
        return fixed[text]
    match = re.fullmatch(r"([二三四五六七八九])十几", text)
    if match:
        return f"{_DIGIT[match.group(1)]}0-something"
    return None
def old_plain(text: str, m: Any) -> NumberHit | None:
    raw, more, about = m.group("n"), m.group("more"), m.group("about")
    before = text[m.start() - 1 : m.start()] if m.start() else ""
    after = text[m.end() : m.end() + 1]
    approx = old_approx(raw)
    if approx:
        return _hit(m, "number", approx, f"{m.group(0)}: 几 = a few")
    if raw[0].isdigit():
        if not re.search(r"[十百千万亿wWkK]", raw) and not more:
            return None  # 12000 reads the same in English
        if re.search("[kK]$", raw) and (
            (after and after in "屏高视画电显分") or "跑" in _clause_before(text, m.start())
        ):
            return None  # 4K video, a 5k run
        if re.search("[wW]$", raw) and re.match("快充|充|功率|瓦|电|灯", text[m.end() :]):
            return None  # 20W charger
    elif len(raw) < 2 and not more:
        return None
    value = _number(raw)
    if value is None:
        return None
    if raw == "十一" and (before == "双" or re.match("假|长假|黄金周|国庆|期间", text[m.end() :])):
        return None  # 双十一, the 十一 holiday
    if not raw[0].isdigit() and value < 10:
        return None
    shown = _fmt(value)
    if more:
        shown = f"over {shown}" if more == "多" else f"{shown}+"
    unit = m.group("u")
    if unit:
        one, many = _UNITS[unit]
        words = one if value == 1 else many
        shown = f"{shown}{'' if words in ('°', 'x') else ' '}{words}".strip()
    if about:
        shown = f"about {shown}"
    hints = []
    if "两" in raw:
        hints.append("两 = two")
    if re.search("[wW]", raw):
        hints.append("w = 万 = 10,000")
    elif "万" in raw:
        hints.append("万 = 10,000")
    if "亿" in raw:
        hints.append("亿 = 100 million")
    if more == "多":
        hints.append("多 = more than")
    explanation = f"{m.group(0)} = {_words(value)}"
    if hints:
        explanation += "; " + ", ".join(hints)
    return _hit(m, "number", shown, explanation)


# fmt: on


def old_has_number(text: str) -> bool:
    return bool(text) and re.search(r"[\d０-９" + _CN + "几周星礼拜百¥￥]", text) is not None


OLD_RULES = [
    (triggers, source, old_plain if make is numbers._plain else make)
    for triggers, source, make in numbers._RULES
]
assert sum(make is old_plain for _t, _s, make in OLD_RULES) == 1


def old_find_numbers(text: str) -> list[NumberHit]:
    with mock.patch.object(numbers, "_RULES", OLD_RULES):
        return find_numbers(text)


PIECES = ["一万二", "四千五", "1.2万", "1.2w", "3块5", "50刀", "下午3点半", "8折", "520", "12000",
          "5k", "4K屏", "20W快充", "二十几", "几千", "十几", "两百多", "3000多", "10+", "双十一",
          "十一假期", "一百零五", "五十", "三", "1,000", "左右", "个", "块", "米", "度", "斤",
          "跑", "第", "天", "，", "。", " ", "a", "w", "k", "多", "+", "几"]  # fmt: skip
texts = st.lists(
    st.one_of(st.sampled_from(PIECES), st.integers(0, 10**6).map(str)), max_size=16
).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=texts)
def test_find_numbers_finds_what_it_found_before(text: str) -> None:
    assert bool(text and numbers._ANY_NUMBER.search(text)) == old_has_number(text)
    assert find_numbers(text) == old_find_numbers(text)


def test_every_kind_of_plain_number_as_before() -> None:
    for text in [*PIECES, "第3天，体重减了5斤", "工资一万二，房租三千", "二十几岁", "5k跑"]:
        assert find_numbers(text) == old_find_numbers(text)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(texts, st.text(max_size=30)))
def test_may_have_number_never_rules_out_a_number(text: str) -> None:
    from companion.text import may_have_number

    if find_numbers(text):
        assert may_have_number(text)
    assert may_have_number(text) == old_has_number(text)


def test_the_glossary_does_not_import_numbers_for_a_sentence_without_one() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from companion.phrasebook.glossary import _numbers\n"
        "assert _numbers('今天很好看', '今天很好看') == []\n"
        "print('companion.numbers' in sys.modules)\n"
        "print([h.term for h in _numbers('三千块', '三千块')])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "False"
    assert out[1] == "['三千块']"
