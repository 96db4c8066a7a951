"""Reading rules of issue 12's third round, through the real segmenter and dictionary.

Each class comes from the CPP dev set or the earlier hand-checked segmentation sets, never
from single sentences: verbs known by a result or potential complement, 挑 standing alone,
发 as hair, 调 before a setting, 干 as "dry", 为 before a demonstrative, 大夫 the doctor, and
CC-CEDICT readings corrected to the standard dictionaries' at build time.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from companion.dictionary import Dictionary, get_dictionary
from companion.dictionary.supplement import CEDICT_CORRECTIONS
from companion.pinyin import annotate
from tests.reading_helpers import syllables_of


@pytest.mark.parametrize(
    ("text", "char", "reading"),
    [
        # a verb before a result complement or a potential one: 弄 is nòng, never the lane
        ("总算弄清楚了", "弄", "nòng"),
        ("把羽毛弄干", "弄", "nòng"),
        ("这个我弄不好", "弄", "nòng"),
        ("住在弄堂里", "弄", "lòng"),
        ("把鞋带系紧", "系", "jì"),
        ("星星多得数不清", "数", "shǔ"),
        ("心事藏不住", "藏", "cáng"),
        ("把墙上的钉子钉好", "钉", None),
        ("钉在墙上", "钉", "dìng"),
        # 长 doubled: the adjective before 的 (长长的头发), grew long before 了
        ("她留着长长的头发", "长", "cháng"),
        ("长长的队伍", "长", "cháng"),
        # 挨 next to (紧挨, 挨家挨户) or suffering (挨骂)
        ("殿后紧挨岩壁", "挨", "āi"),
        ("我又挨骂了", "挨", "ái"),
        # 朴 next to plainness is pǔ; the surname Piáo stays in names
        ("形象简洁实朴", "朴", "pǔ"),
        ("朴槿惠", "朴", "Piáo"),
        # 结 bearing fruit; jié elsewhere
        ("树上结了好多果子", "结", "jiē"),
        ("他们结了婚", "结", "jié"),
        # 打的 "take a taxi" before where one goes; the particle otherwise
        ("我打的去机场", "的", "dī"),
        ("打的到公司花了五十", "的", "dī"),
        ("他打的人是谁", "的", "de"),
        ("你打的到底是什么", "的", "de"),
        # 挑 alone chooses or carries; it raises only the brows, a beam, a lamp
        ("挑衣服挑了一下午", "挑", "tiāo"),
        ("他很挑", "挑", "tiāo"),
        ("她挑眉看着我", "挑", "tiǎo"),
        ("迎接挑战", "挑", "tiǎo"),
        # 发 before what only hair has; fā elsewhere
        ("我的发际线越来越高了", "发", "fà"),
        ("买了一个发夹", "发", "fà"),
        ("已经发货了", "发", "fā"),
        # 调 before a setting one adjusts; diào in its words
        ("调个闹钟", "调", "tiáo"),
        ("帮我调一下音量", "调", "tiáo"),
        ("这个声调很难", "调", "diào"),
        # 干 "dry" after what dries or a verb of drying; the verb gàn elsewhere
        ("头发干了再睡", "干", "gān"),
        ("衣服还没干", "干", "gān"),
        ("我不干了", "干", "gàn"),
        ("你在干嘛", "干", "gàn"),
        # 为 "for" before a demonstrative; wéi after a verb of naming still
        ("我为这次旅行准备了很久", "为", "wèi"),
        ("为那些孩子捐款", "为", "wèi"),
        ("她被评为这一届的最佳新人", "为", "wéi"),
    ],
)
def test_reading_classes_of_the_third_round(text: str, char: str, reading: str | None) -> None:
    found = syllables_of(text, char)
    if reading is None:  # 钉子 the noun dīng, then the verb dìng
        assert found == ["dīng", "dìng"], (text, found)
        return
    assert found and all(s == reading for s in found), (text, found)


def test_grown_long_is_zhang_then_chang() -> None:
    assert syllables_of("头发长长了", "长") == ["zhǎng", "cháng"]


@pytest.mark.parametrize("text", ["大夫说要多喝水", "我去看大夫了", "快去找大夫"])
def test_the_doctor_one_sees_is_daifu(text: str) -> None:
    word = next(w for w in annotate(text) if w.text == "大夫")
    assert word.joined_pinyin() == "dàifu"


def test_cedict_corrections_reach_lookup_and_annotate() -> None:
    dictionary = get_dictionary()
    assert dictionary.lookup("产仔")[0].pinyin == "chan3 zai3"
    assert dictionary.readings("脯氨酸") == ["fu3 an1 suan1"]
    assert syllables_of("这种动物每年春天产仔", "仔") == ["zǎi"]


def test_corrections_are_applied_when_the_cache_is_built(tmp_path: Path) -> None:
    """A source with CEDICT's reading builds a cache with the corrected one; an entry with
    another reading of the same word is left as it is."""
    (word, wrong), right = next(iter(CEDICT_CORRECTIONS.items()))
    source = tmp_path / "mini.txt.gz"
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        handle.write(f"{word} {word} [{wrong}] /the entry CEDICT reads otherwise/\n")
        handle.write(f"{word} {word} [ma1 ma5] /another entry/\n")
    built = Dictionary(source=source, cache=tmp_path / "mini.idx")
    assert sorted(built.readings(word)) == sorted([right, "ma1 ma5"])
    again = Dictionary(source=source, cache=tmp_path / "mini.idx")  # from the cache file
    assert sorted(again.readings(word)) == sorted([right, "ma1 ma5"])


@pytest.mark.parametrize(
    ("text", "expected"), [("他做事很率性", "shuàixìng"), ("数钱数到手软", "shǔqián")]
)
def test_supplement_words_decide_their_polyphone(text: str, expected: str) -> None:
    assert expected in [w.joined_pinyin() for w in annotate(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("记得点赞哦", "o"),
        ("记得点赞哦😘", "o"),
        ("好的哦！", "o"),
        ("走咯", "lo"),
        ("就这样呗", "bei"),
        ("做完了哩！", "li"),
    ],
)
def test_a_final_particle_closing_its_clause_is_neutral(text: str, expected: str) -> None:
    last = [w for w in annotate(text) if w.is_chinese][-1]
    assert last.pinyin == [expected] and last.tones == [0], (text, last.pinyin)


def test_an_interjection_opening_a_clause_keeps_its_tone() -> None:
    first = annotate("哦，原来是这样")[0]
    assert first.tones[0] in (2, 4), first.pinyin


def test_a_cache_built_with_other_corrections_is_rebuilt(tmp_path: Path) -> None:
    """Editing CEDICT_CORRECTIONS needs no version bump: the cache records them."""
    import pickle

    from companion.dictionary.cedict import load_cached

    (word, wrong), right = next(iter(CEDICT_CORRECTIONS.items()))
    source = tmp_path / "mini.txt.gz"
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        handle.write(f"{word} {word} [{wrong}] /an entry/\n")
    cache = tmp_path / "mini.idx"
    Dictionary(source=source, cache=cache).load()
    assert load_cached(source, cache) is not None
    payload = pickle.loads(cache.read_bytes())
    payload["corrections"] = "built-with-others"
    cache.write_bytes(pickle.dumps(payload))
    assert load_cached(source, cache) is None
    rebuilt = Dictionary(source=source, cache=cache)
    assert rebuilt.readings(word) == [right]
    assert load_cached(source, cache) is not None  # written again, with today's corrections
