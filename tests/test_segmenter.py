"""Segmentation by frequency: the issue's traps, proper nouns, terms, numbers, traditional text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.dictionary import get_dictionary, prepare_dictionary
from companion.dictionary.frequency import NO_WORD, VERB, to_cost
from companion.segmenter import Segmenter, is_number


def _words(text: str) -> list[str]:
    return prepare_dictionary().segment(text)


@pytest.mark.parametrize(
    ("text", "wanted", "unwanted"),
    [
        ("评论区的姐妹说得对", ["的", "姐妹"], ["的姐"]),
        ("比我英语还好", ["还", "好"], ["还好"]),
        ("他把手机", ["把", "手机"], ["把手"]),
        ("你说的确实", ["的", "确实"], ["的确"]),
        ("学生会说中文", ["学生", "会", "说", "中文"], ["学生会", "说中"]),
    ],
)
def test_issue_traps_split_by_frequency(text: str, wanted: list[str], unwanted: list[str]) -> None:
    words = _words(text)
    assert "".join(words) == text
    for word in wanted:
        assert word in words, words
    for word in unwanted:
        assert word not in words, words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("这家店还好吧", ["还好"]),  # "not bad" where nothing is compared
        ("我们学生会的活动", ["学生会"]),  # no verb follows: the student union
        ("学会说中文", ["学会", "说"]),  # 学会 is far likelier than 学 + 会
        ("比他更好看", ["比", "更", "好看"]),
        ("银行行长", ["银行", "行长"]),
        ("研究生命的起源", ["研究", "生命", "的", "起源"]),
    ],
)
def test_words_that_stay_whole(text: str, words: list[str]) -> None:
    found = _words(text)
    for word in words:
        assert word in found, found


@pytest.mark.parametrize("name", ["重庆", "小红书", "星巴克", "周杰伦", "迪士尼", "西安", "杭州"])
def test_proper_nouns_come_out_whole(name: str) -> None:
    assert name in _words(f"我在{name}的时候")


def test_phrasebook_terms_come_out_whole() -> None:
    from companion.phrasebook import segmentation_terms

    terms = [t[0] for t in segmentation_terms() if 2 <= len(t[0]) <= 4][:200]
    dictionary = prepare_dictionary()
    apart = [t for t in terms if dictionary.segment(t) != [t]]
    assert apart == []
    assert "绝绝子" in dictionary.segment("这家店绝绝子")


def test_numbers_are_one_word() -> None:
    assert "一万二" in _words("月薪一万二")
    assert "一万二千五百" in _words("一万二千五百块")
    assert "一百五" in _words("人均一百五左右")
    assert _words("万一他不来")[0] == "万一"  # an idiom made of numerals, not a number


@pytest.mark.parametrize(
    ("word", "number"),
    [
        ("十一", True), ("两百", True), ("三千五", True), ("一万二", True), ("一九九八", True),
        ("三千万", True), ("一万二千五百", True), ("万一", False), ("千万", False),
        ("一一", False), ("三三两两", False), ("百百", False), ("一二百", False), ("十", False),
        ("一天", False),
    ],
)  # fmt: skip
def test_is_number(word: str, number: bool) -> None:
    assert is_number(word) is number


def test_traditional_text_splits_like_simplified() -> None:
    dictionary = prepare_dictionary()
    traditional = "小紅書的評論區很熱鬧，還沒有還錢的別來"
    simplified = dictionary.simplified(traditional)
    assert simplified == "小红书的评论区很热闹，还没有还钱的别来"
    pieces = dictionary.segment_pairs(traditional)
    assert "".join(p for p, _ in pieces) == traditional  # shown as written
    assert [len(p) for p, _ in pieces] == [len(w) for w in dictionary.segment(simplified)]
    assert ("評論區", "评论区") in pieces and ("還錢", "还钱") in pieces


def test_simplified_text_is_not_converted() -> None:
    dictionary = get_dictionary()
    text = "今天天气很好"
    assert dictionary.simplified(text) is text


def _segmenter(costs: dict[str, int], verbs: frozenset[str] = frozenset(), bonus: int = 0):
    index = {w: c | (VERB if w in verbs else 0) for w, c in costs.items()}
    first: dict[str, int] = {}
    for word in costs:
        first[word[0]] = max(first.get(word[0], 1), len(word))
    return Segmenter(index, first, unknown_cost=2000, extra={}, extra_max={}, modal_bonus=bonus)


def test_rare_word_loses_to_two_common_ones() -> None:
    total = 60_000_000
    costs = {
        "的": to_cost(318_825, total), "姐妹": to_cost(842, total),
        "的姐": to_cost(1, total), "姐": to_cost(3_000, total), "妹": to_cost(2_000, total),
    }  # fmt: skip
    assert _segmenter(costs).split("的姐妹") == [1, 2]


def test_auxiliary_before_a_verb_earns_the_bonus() -> None:
    costs = {"学生会": 1340, "学生": 758, "会": 648, "说": 560, "学": 900}
    assert _segmenter(costs, frozenset({"说"})).split("学生会说") == [3, 1]
    assert _segmenter(costs, frozenset({"说"}), bonus=128).split("学生会说") == [2, 1, 1]
    assert _segmenter(costs, frozenset(), bonus=128).split("学生会说") == [3, 1]  # no verb


def test_traditional_forms_are_not_segmentation_words() -> None:
    seg = _segmenter({"银行": 900, "银": 1500, "行": 700})
    seg.index = {**seg.index, "銀行": NO_WORD}
    assert seg.base_cost("銀行") is None and seg.base_cost("银行") == 900


_ALPHABET = list("的姐妹还好把手机学生会说中文一万二 ,，a1😀紅書")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40))
def test_segmentation_loses_nothing(text: str) -> None:
    dictionary = prepare_dictionary()
    assert "".join(dictionary.segment(text)) == text
    assert all(piece for piece in dictionary.segment(text))
