"""Readings in context, tones, sandhi, styles and mixed text through ``companion.pinyin``."""

from __future__ import annotations

import pytest

from companion.pinyin import Word, annotate, pinyin_text, restyle


def _reading(text: str, **kwargs: object) -> list[list[str]]:
    return [w.pinyin for w in annotate(text, **kwargs) if w.is_chinese]  # type: ignore[arg-type]


def _chinese(words: list[Word]) -> list[Word]:
    return [w for w in words if w.is_chinese]


def test_polyphones_read_in_context() -> None:
    assert _reading("银行行长") == [["yín", "háng"], ["háng", "zhǎng"]]
    flat = [s for word in _reading("还没有还钱") for s in word]
    assert flat == ["hái", "méi", "yǒu", "huán", "qián"]
    assert _reading("重庆") == [["Chóng", "qìng"]]


def test_traditional_input_reads_the_same() -> None:
    simplified = annotate("小红书")
    traditional = annotate("小紅書")
    assert [w.pinyin for w in traditional] == [w.pinyin for w in simplified]
    assert traditional[0].text == "小紅書"
    assert [w.tones for w in traditional] == [[3, 2, 1]]
    assert traditional[0].gloss


def test_neutral_tone_particles() -> None:
    words = {w.text: w for w in _chinese(annotate("我吃了饭。这是我的书。他跑得很快。"))}
    assert words["了"].tones == [0] and words["了"].pinyin == ["le"]
    assert words["的"].tones == [0] and words["的"].pinyin == ["de"]
    fast = next(w for w in _chinese(annotate("他跑得快")) if "得" in w.text)
    assert fast.pinyin[fast.text.index("得")] == "de"
    assert fast.tones[fast.text.index("得")] == 0
    must = next(w for w in _chinese(annotate("我得走")) if w.text == "得")
    assert must.pinyin == ["děi"]


def test_tone_sandhi_is_optional() -> None:
    plain = [s for w in _reading("不是一个人一起去") for s in w]
    assert plain[:2] == ["bù", "shì"]
    assert "yī" in plain
    spoken = annotate("不是一个人一起去", sandhi=True)
    flat = [s for w in _chinese(spoken) for s in w.pinyin]
    tones = [t for w in _chinese(spoken) for t in w.tones]
    assert flat[:2] == ["bú", "shì"] and tones[0] == 2
    assert flat[2] == "yí"  # 一个: before a fourth tone
    assert flat[5] == "yì"  # 一起: before a third tone
    # numbers and ordinals keep yī; a final 一 keeps its tone
    assert [s for w in _reading("第一次", sandhi=True) for s in w][1] == "yī"
    assert [s for w in _reading("统一", sandhi=True) for s in w][-1] == "yī"
    assert next(s for w in _reading("不对", sandhi=True) for s in w) == "bú"
    assert next(s for w in _reading("不好", sandhi=True) for s in w) == "bù"


@pytest.mark.parametrize(
    ("style", "expected"),
    [("marks", ["nǐ", "hǎo"]), ("numbers", ["ni3", "hao3"]), ("zhuyin", ["ㄋㄧˇ", "ㄏㄠˇ"])],
)
def test_styles(style: str, expected: list[str]) -> None:
    words = annotate("你好", style=style)
    assert words[0].pinyin == expected
    assert words[0].tones == [3, 3]


def test_neutral_tone_in_each_style() -> None:
    assert annotate("了", style="numbers")[0].pinyin == ["le5"]
    assert annotate("了", style="zhuyin")[0].pinyin == ["˙ㄌㄜ"]
    assert annotate("绿", style="numbers")[0].pinyin == ["lü4"]


def test_restyle_changes_display_without_lookup() -> None:
    words = annotate("银行")
    restyle(words, "numbers")
    assert words[0].pinyin == ["yin2", "hang2"]
    with pytest.raises(ValueError, match="unknown pinyin style"):
        restyle(words, "wade-giles")
    with pytest.raises(ValueError):
        annotate("你好", style="bogus")


MIXED = [
    "I'm new here 我是美国人🇺🇸 from TikTok!",
    "看这个👉 https://www.xiaohongshu.com/explore/64b7?xsec=abc 太好看了😍😍",
    "@小红书薯管家 #TikTok难民# #日常穿搭# 100块，３个，ＡＢＣ（真的）！",
    "价格：¥199.00～299.00\n第二行\t\t第三段　全角空格",
    "emoji only 😂🤣👍🏻 and ZWJ 👨‍👩‍👧‍👦 and rare 𠀀𠮷",
    "",
]


@pytest.mark.parametrize("text", MIXED)
def test_mixed_text_passes_through_unharmed(text: str) -> None:
    words = annotate(text)
    assert "".join(w.text for w in words) == text
    for word in words:
        if word.is_chinese:
            assert len(word.pinyin) == len(word.text) == len(word.tones)
        else:
            assert word.pinyin == [] and word.tones == []
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in word.text)


def test_urls_handles_and_topics() -> None:
    text = "看 https://xhslink.com/a/小红书 @小红书 #穿搭#"
    words = annotate(text)
    url = [w for w in words if w.text.startswith("https://")]
    assert url and url[0].text == "https://xhslink.com/a/小红书"  # a URL stays whole
    assert pinyin_text(words).endswith("@Xiǎohóngshū #chuāndā#")


def test_pinyin_text_joins_words_and_keeps_punctuation() -> None:
    assert pinyin_text(annotate("银行行长，你好！")) == "yínháng hángzhǎng, nǐhǎo!"
    assert pinyin_text(annotate("西安")) == "Xī'ān"
    assert pinyin_text(annotate("西安", style="numbers"), "numbers") == "Xi1an1"
    assert pinyin_text(annotate("我爱 TikTok 123")) == "wǒ ài TikTok 123"


def test_gloss_and_rare_characters() -> None:
    words = annotate("银行𠮷")
    assert words[0].gloss == "bank"
    rare = words[-1]
    assert rare.text == "𠮷" and rare.is_chinese and len(rare.pinyin) == 1


def test_huge_input_is_linear_and_complete() -> None:
    text = "今天天气很好，我们去公园玩吧！Hello 😂 " * 400
    words = annotate(text)
    assert "".join(w.text for w in words) == text
