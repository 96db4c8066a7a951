"""CC-CEDICT parsing, the compact cache, lookup by either form, extra words, segmentation."""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

import pytest

from companion.dictionary import Dictionary, DictionaryError, get_dictionary
from companion.dictionary.cedict import parse_line, parse_measure_word
from companion.dictionary.syllables import (
    marks_to_numbers,
    split_joined,
    to_marks,
    to_numbers,
    to_zhuyin,
    tone_of,
)

SMALL_CEDICT = """\
# CC-CEDICT test extract
銀行 银行 [yin2 hang2] /bank/CL:家[jia1],個|个[ge4]/
行長 行长 [hang2 zhang3] /bank president/
行 行 [xing2] /to walk/to go/capable/
行 行 [hang2] /row/line/profession/
銀 银 [yin2] /silver/
長 长 [chang2] /length/long/
長 长 [zhang3] /chief/to grow/
書 书 [shu1] /book/letter/CL:本[ben3]/
紅 红 [hong2] /red/
小 小 [xiao3] /small/tiny/
洩露 泄露 [xie4 lu4] /to leak (information)/
this line is not an entry
"""


def _write_gz(path: Path, text: str) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(text)
    return path


@pytest.fixture
def small(tmp_path: Path) -> Dictionary:
    source = _write_gz(tmp_path / "mini.txt.gz", SMALL_CEDICT)
    return Dictionary(source=source, cache=tmp_path / "mini.idx")


def test_parse_line_and_measure_words() -> None:
    entry = parse_line("銀行 银行 [yin2 hang2] /bank/CL:家[jia1],個|个[ge4]/")
    assert entry is not None
    assert (entry.simplified, entry.traditional, entry.pinyin) == ("银行", "銀行", "yin2 hang2")
    assert entry.senses == ("bank",)
    assert [parse_measure_word(m) for m in entry.measure_words] == [
        ("家", "家", "jia1"),
        ("个", "個", "ge4"),
    ]
    assert entry.pinyin_marks == "yín háng"
    assert parse_line("# comment") is None
    assert parse_line("garbage") is None


def test_small_dictionary_builds_cache_and_reloads(small: Dictionary, tmp_path: Path) -> None:
    assert not small.is_loaded
    assert [e.pinyin for e in small.lookup("行")] == ["xing2", "hang2"]  # loads on first use
    assert (tmp_path / "mini.idx").is_file()
    again = Dictionary(source=tmp_path / "mini.txt.gz", cache=tmp_path / "mini.idx")
    entries = again.lookup("銀行")  # traditional form finds the same entry
    assert entries[0].simplified == "银行" and entries[0].traditional == "銀行"
    assert again.segment("银行行长") == ["银行", "行长"]


def test_readings_another_dictionary_contradicts_survive_the_cache(
    small: Dictionary, tmp_path: Path
) -> None:
    """泄露: CEDICT xiè lù, pypinyin's phrase table xiè lòu; 银行 agrees with both."""
    assert small.alternative_reading("泄露") == "xie4 lou4"
    assert small.alternative_reading("银行") is None
    again = Dictionary(source=tmp_path / "mini.txt.gz", cache=tmp_path / "mini.idx")
    assert again.alternative_reading("泄露") == "xie4 lou4"


def test_corrupt_cache_is_rebuilt(small: Dictionary, tmp_path: Path) -> None:
    (tmp_path / "mini.idx").write_bytes(b"\x00not a cache")
    assert small.lookup("书")[0].senses == ("book", "letter")


def test_stale_cache_is_rebuilt(tmp_path: Path) -> None:
    source = _write_gz(tmp_path / "mini.txt.gz", SMALL_CEDICT)
    Dictionary(source=source, cache=tmp_path / "c.idx").load()
    _write_gz(source, SMALL_CEDICT + "好 好 [hao3] /good/\n")
    import os

    os.utime(source, (1, 1))  # a different mtime (and size) than the cached stamp
    assert Dictionary(source=source, cache=tmp_path / "c.idx").lookup("好")[0].pinyin == "hao3"


def test_missing_or_broken_source_gives_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt.gz"
    broken.write_bytes(b"this is not gzip")
    dictionary = Dictionary(source=broken, cache=tmp_path / "b.idx")
    with pytest.raises(DictionaryError, match="cannot read CC-CEDICT"):
        dictionary.load()
    assert dictionary.error is not None
    missing = Dictionary(source=tmp_path / "nope.gz", cache=tmp_path / "n.idx")
    with pytest.raises(DictionaryError):
        missing.load()


def test_ensure_loaded_runs_in_background_and_calls_back(small: Dictionary) -> None:
    done = threading.Event()
    small.ensure_loaded(done.set)
    assert done.wait(30)
    assert small.is_loaded
    again = threading.Event()
    small.ensure_loaded(again.set)  # already loaded: immediate
    assert again.is_set()


def test_extra_words_join_segmentation_and_lookup(small: Dictionary) -> None:
    added = small.add_extra_words(
        [
            ("小红书", "小紅書", "Xiǎohóngshū", "Xiaohongshu / RedNote"),
            ("红书", "", "hong2 shu1", ["red book"]),
            ("", "", "", "empty"),  # skipped
            ("abc", "abc", "", "no hanzi"),  # skipped
            ("bad",),  # type: ignore[list-item]  # wrong shape: skipped
        ]
    )
    assert added == 2
    assert small.segment("小紅書很好") == ["小紅書", "很", "好"]
    entry = small.lookup("小红书")[0]
    assert entry.pinyin == "Xiao3 hong2 shu1"
    assert entry.senses == ("Xiaohongshu", "RedNote")
    assert small.lookup("红书")[0].senses == ("red book",)
    assert small.lookup("紅書")[0].senses == ("red book",)  # found in simplified form


def test_real_cedict_lookup_both_forms() -> None:
    dictionary = get_dictionary()
    simplified = dictionary.lookup("银行")
    traditional = dictionary.lookup("銀行")
    assert simplified and simplified == traditional
    assert simplified[0].traditional == "銀行"
    assert "bank" in simplified[0].senses
    assert any("个" in m for m in simplified[0].measure_words)
    assert dictionary.lookup("qwertyuiop") == []
    assert dictionary.lookup("   ") == []
    assert dictionary.lookup("重庆")[0].pinyin == "Chong2 qing4"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("银行行长", ["银行", "行长"]),
        ("研究生命的起源", ["研究", "生命", "的", "起源"]),
        ("还没有还钱", ["还没有", "还钱"]),
    ],
)
def test_segmentation(text: str, expected: list[str]) -> None:
    assert get_dictionary().segment(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hello 世界！👋🏽 https://example.com/路径?q=1 @小红书 #日常# 123，ＡＢＣ",
        "𠀀𠀁 rare Ext-B 𪚥 and \u200d zero-width joiner 👨‍👩‍👧",
        "\n\n  空格　全角　\t tab",
    ],
)
def test_segmentation_loses_nothing(text: str) -> None:
    assert "".join(get_dictionary().segment(text)) == text


@pytest.mark.parametrize(
    ("numbers", "marks"),
    [
        ("hao3", "hǎo"), ("lu:4", "lǜ"), ("nu:3", "nǚ"), ("le5", "le"), ("Xi1", "Xī"),
        ("gou3", "gǒu"), ("shui3", "shuǐ"), ("liu2", "liú"), ("r5", "r"), ("er4", "èr"),
    ],
)  # fmt: skip
def test_tone_marks(numbers: str, marks: str) -> None:
    assert to_marks(numbers) == marks
    assert marks_to_numbers(marks).lower().replace("u:", "ü") == to_numbers(numbers).lower()


def test_tone_numbers_and_tones() -> None:
    assert to_numbers("le5") == "le5"
    assert to_numbers("lu:4") == "lü4"
    assert tone_of("ma5") == 0 and tone_of("ma1") == 1 and tone_of("A") == 0


def test_zhuyin_matches_pypinyin() -> None:
    """Cross-check our converter with pypinyin's on every single-character CEDICT reading."""
    from pypinyin.style.bopomofo import BopomofoConverter

    converter = BopomofoConverter()
    dictionary = get_dictionary()
    readings = set()
    for code in range(0x4E00, 0x9FA6):
        for entry in dictionary.lookup(chr(code)):
            if len(entry.syllables) == 1 and entry.syllables[0][:-1].isalpha():
                readings.add(entry.syllables[0].lower())
    assert len(readings) > 1000
    # deliberate differences: 呣 m2 is a bare nasal (not ㄇㄨ), 儿 r5 is the erhua ㄦ,
    # "xx5" is CEDICT's placeholder for an unknown reading (kept as is)
    readings -= {"m2", "m4", "r5", "xx5"}
    mismatches = []
    for syllable in sorted(readings):
        ours = to_zhuyin(syllable)
        theirs = converter.to_bopomofo(to_marks(syllable))
        if ours.replace("˙", "") != theirs.replace("˙", "") or ("˙" in ours) != ("˙" in theirs):
            mismatches.append((syllable, ours, theirs))
    assert mismatches == []


def test_split_joined_pinyin() -> None:
    assert split_joined("zhòngcǎo", 2) == ["zhong4", "cao3"]
    assert split_joined("xi1 an1", 2) == ["xi1", "an1"]
    assert split_joined("Xī'ān", 2) == ["Xi1", "an1"]
    assert split_joined("hao3", 2) is None


def test_cache_is_built_in_a_child_process(tmp_path: Path) -> None:
    from companion.dictionary.cedict import _build_in_subprocess, load_cached

    source = _write_gz(tmp_path / "mini.txt.gz", SMALL_CEDICT)
    cache = tmp_path / "child.idx"
    assert _build_in_subprocess(source, cache)
    idx = load_cached(source, cache)
    assert idx is not None and idx.entries("银行")[0].senses == ("bank",)
    assert not _build_in_subprocess(tmp_path / "missing.gz", tmp_path / "x.idx")


def test_listeners_hear_about_failure_too(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt.gz"
    broken.write_bytes(b"\x1f\x8b not really gzip")
    dictionary = Dictionary(source=broken, cache=tmp_path / "b.idx")
    called = threading.Event()

    def gone() -> None:
        raise RuntimeError("Internal C++ object already deleted")

    dictionary.ensure_loaded(gone)  # a failing listener must not stop the others
    dictionary.ensure_loaded(called.set)
    assert called.wait(30)
    assert dictionary.error is not None and not dictionary.is_loaded


JIEBA_EXTRACT = """\
银行 5000 n
行长 800 n
银行行长 3 n
行 9000 v
说 200000 v
"""


def test_frequencies_join_the_cache_and_decide_segmentation(tmp_path: Path) -> None:
    from companion.dictionary.cedict import build_and_save, load_cached

    president = "銀行行長 银行行长 [yin2 hang2 hang2 zhang3] /bank president/\n"
    source = _write_gz(tmp_path / "mini.txt.gz", SMALL_CEDICT + president)
    counts = tmp_path / "dict.txt"
    counts.write_text(JIEBA_EXTRACT, encoding="utf-8")
    cache = tmp_path / "f.idx"
    build_and_save(source, cache, counts)
    idx = load_cached(source, cache, counts)
    assert idx is not None
    bank, president_cost = idx.cost("银行"), idx.cost("银行行长")
    assert bank is not None and president_cost is not None and bank < president_cost
    assert idx.cost("銀行") is None  # traditional forms are looked up, not segmented
    assert idx.has_entries("银行") and not idx.has_entries("说")  # jieba-only: no entry
    assert "銀" in idx.traditional_chars and "银" not in idx.traditional_chars
    dictionary = Dictionary(source=source, cache=cache, frequencies=counts)
    assert dictionary.segment("银行行长") == ["银行", "行长"]  # counted 3: the parts win
    assert dictionary.contains("银行") and not dictionary.contains("说")
    assert dictionary.is_verb("说") and not dictionary.is_verb("银行")
    counts.write_text(JIEBA_EXTRACT.replace("银行行长 3", "银行行长 2"), encoding="utf-8")
    import os

    os.utime(counts, (1, 1))
    assert load_cached(source, cache, counts) is None  # jieba's list changed: rebuild


def test_build_cache_for_installers_and_the_prebuilt_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.dictionary import cedict
    from companion.dictionary.build import build_cache

    target = build_cache(tmp_path / "companion_prebuilt" / cedict.CACHE_NAME)
    assert target.is_file()
    idx = cedict.load_cached(None, target)  # no source needed: what a frozen build ships
    assert idx is not None and idx.entries("银行")[0].senses[0] == "bank"
    assert idx.cost("的") is not None and idx.modal_bonus > 0
    monkeypatch.setenv("COMPANION_BUNDLE_DIR", str(tmp_path))
    monkeypatch.setattr(cedict, "source_path", lambda: tmp_path / "no-such-cedict.gz")
    loaded = cedict.load_index()  # the prebuilt file wins; the missing source is not read
    assert loaded.entries("银行") == idx.entries("银行")


def test_lookup_traditional_and_preferred_reading() -> None:
    dictionary = get_dictionary()
    assert dictionary.lookup("評論") == dictionary.lookup("评论") != []
    assert dictionary.lookup("還")[0].pinyin == "hai2"
    assert dictionary.lookup("還", prefer="huan2")[0].pinyin == "huan2"
    assert dictionary.lookup("还", prefer="HUAN2")[0].pinyin == "huan2"
    assert dictionary.simplified("評論區") == "评论区"


def test_extra_words_take_cedict_neutral_tones_and_citation_yi(small: Dictionary) -> None:
    small.add_extra_words(
        [("银行", "銀行", "yín háng", "a bank"), ("一个", "一個", "yí gè", "one")]
    )
    assert small.readings("银行") == ["yin2 hang2"]
    assert small.readings("一个") == ["yi1 ge4"]  # sandhi is annotate's option, not data
    big = get_dictionary()
    big.add_extra_words([("消息", "消息", "xiāo xī", "Messages")])
    assert big.readings("消息") == ["xiao1 xi5"]  # CEDICT's neutral tone kept
