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


def _flat(text: str, **kwargs: object) -> list[str]:
    return [s for w in annotate(text, **kwargs) if w.is_chinese for s in w.pinyin]  # type: ignore[arg-type]


def _words_of(text: str) -> list[str]:
    return [w.text for w in annotate(text) if w.is_chinese]


@pytest.fixture(scope="module", autouse=True)
def _phrasebook_terms() -> None:
    from companion.dictionary import prepare_dictionary

    prepare_dictionary()  # as the app and the CLI do: slang reads as one word


@pytest.mark.parametrize(
    ("text", "expected", "words"),
    [
        ("评论区的姐妹说得对", "pínglùnqū de jiěmèi shuō de duì", ["姐妹"]),
        ("比我英语还好", "bǐ wǒ Yīngyǔ hái hǎo", ["还", "好"]),
        ("他把手机", "tā bǎ shǒujī", ["把", "手机"]),
        ("你说的确实", "nǐ shuō de quèshí", ["的", "确实"]),
        ("学生会说中文", "xuésheng huì shuō Zhōngwén", ["学生", "会", "说", "中文"]),
    ],
)
def test_issue_examples(text: str, expected: str, words: list[str]) -> None:
    annotated = annotate(text)
    assert pinyin_text(annotated) == expected
    found = [w.text for w in annotated]
    for word in words:
        assert word in found


@pytest.mark.parametrize(
    ("text", "char", "reading"),
    [
        ("头发好长", "长", "cháng"),  # after a degree adverb: the adjective
        ("他长高了不少", "长", "zhǎng"),  # before a complement: to grow
        ("这个行李箱太重了", "重", "zhòng"),
        ("老板让我重做", "重", "chóng"),
        ("我养了一只猫", "只", "zhī"),  # a measure word after a numeral
        ("我只是随便说说", "只", "zhǐ"),
        ("我得走了", "得", "děi"),  # "must"
        ("我得了感冒", "得", "dé"),  # "got"
        ("他跑得很快", "得", "de"),
        ("借我的钱什么时候还", "还", "huán"),  # closing the clause: to return
        ("记得还你钱", "还", "huán"),
        ("你还记得我吗", "还", "hái"),
        ("我们公司朝九晚五", "朝", "zhāo"),
        ("我昨晚一直睡不着", "着", "zháo"),
        ("你去过成都吗", "过", "guo"),
        ("数学老师教得很好", "教", "jiāo"),
        ("服务态度太差了", "差", "chà"),
        ("这家店的奶茶好便宜", "便", "pián"),
        ("地铁站旁边，交通很方便", "便", "biàn"),
    ],
)
def test_polyphones_in_context(text: str, char: str, reading: str) -> None:
    chars = [ch for w in annotate(text) if w.is_chinese for ch in w.text]
    syllables = _flat(text)
    positions = [k for k, ch in enumerate(chars) if ch == char]
    assert any(syllables[k] == reading for k in positions), (text, syllables)


@pytest.mark.parametrize(
    ("text", "char", "reading"),
    [
        # 穿着: the verb with its particle, or the noun "attire"
        ("她穿着一件白衬衫", "着", "zhe"),
        ("这条裙子穿着很舒服", "着", "zhe"),
        ("他的穿着很讲究", "着", "zhuó"),
        # 觉 "a sleep" after 睡; 好 before it
        ("周末睡了个好觉", "觉", "jiào"),
        ("周末睡了个好觉", "好", "hǎo"),
        ("我觉得不错", "觉", "jué"),
        # 为 before the one it is for; wéi after a verb of naming
        ("我为你骄傲", "为", "wèi"),
        ("他为大家做了一桌菜", "为", "wèi"),
        ("她被选为班长", "为", "wéi"),
        # 差 short of / poor
        ("还差十块钱", "差", "chà"),
        ("两个版本差太多了", "差", "chà"),
        ("我们俩差了三岁", "差", "chà"),
        # 行 a line after a numeral; xíng for a party
        ("第二行有个错字", "行", "háng"),
        ("只写了三行", "行", "háng"),
        ("他们一行三人到了上海", "行", "xíng"),
        # directional complements after a verb: CC-CEDICT's neutral tones
        ("他笑起来真好看", "起", "qi"),
        # verbs known by their grammar
        ("帮我盛一碗饭", "盛", "chéng"),
        ("把钥匙藏在门口", "藏", "cáng"),
        ("挑了半天才买", "挑", "tiāo"),
        ("系好鞋带再跑", "系", "jì"),
        ("撒点胡椒粉", "撒", "sǎ"),
        ("西藏真美", "藏", "zàng"),
        ("云南盛产咖啡", "盛", "shèng"),
        # 着 as "to catch"; 着 + 了 closing a clause after a verb: the result
        ("厨房着火了", "着", "zháo"),
        ("孩子终于睡着了", "着", "zháo"),
        ("手机找着了", "着", "zháo"),
        # look after, carry on one's back
        ("你帮我看一下孩子", "看", "kān"),
        ("我去看孩子", "看", "kàn"),
        ("他背着书包", "背", "bēi"),
    ],
)
def test_reading_classes_of_the_second_round(text: str, char: str, reading: str) -> None:
    chars = [ch for w in annotate(text) if w.is_chinese for ch in w.text]
    syllables = _flat(text)
    positions = [k for k, ch in enumerate(chars) if ch == char]
    assert positions and all(syllables[k] == reading for k in positions), (text, syllables)


def test_a_word_with_several_readings_takes_one_whole() -> None:
    """大夫 is dàifu or dàfū, 便宜 piányi or biànyí: never a mixture of two readings."""
    for text, word, readings in (
        ("我去看大夫了", "大夫", {"dàifu", "dàfū"}),
        ("便宜又好用", "便宜", {"piányi", "biànyí"}),
        ("这个东西很便宜", "便宜", {"piányi"}),
    ):
        found = next(w for w in annotate(text) if w.text == word)
        assert found.joined_pinyin() in readings, (text, found.joined_pinyin())


def test_words_the_dictionary_lacks_read_as_their_parts() -> None:
    """jieba's 有分寸 is not in CC-CEDICT: 分寸 keeps its neutral tone, fēncun."""
    assert _flat("他很有分寸")[-2:] == ["fēn", "cun"]


def test_second_readings_open_a_word_to_its_context() -> None:
    from companion.dictionary import get_dictionary

    dictionary = get_dictionary()
    assert dictionary.alternative_reading("穿着") == "chuan1 zhe5"
    assert dictionary.alternative_reading("穿著") == "chuan1 zhe5"  # traditional text
    assert dictionary.alternative_reading("泄露") == "xie4 lou4"  # pypinyin's, not CEDICT's
    assert dictionary.alternative_reading("银行") is None
    assert _flat("这件衣服穿著很舒服")[4:6] == ["chuān", "zhe"]


def test_third_tone_sandhi_is_optional_and_keeps_the_written_tones() -> None:
    plain = annotate("你好")
    assert plain[0].spoken == [] and "spoken" not in plain[0].to_json()
    spoken = annotate("你好", third_tone=True)
    assert spoken[0].pinyin == ["nǐ", "hǎo"]  # written tones stay
    assert spoken[0].spoken == ["ni2", "hao3"]
    assert spoken[0].to_json()["spoken"] == ["ní", "hǎo"]
    assert pinyin_text(spoken, spoken=True) == "níhǎo"
    assert pinyin_text(spoken) == "nǐhǎo"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("我很好", ["wo3", "hen2", "hao3"]),  # right to left between words
        ("展览馆", ["zhan2", "lan2", "guan3"]),  # 展览 + 馆
        ("小老虎", ["xiao3", "lao2", "hu3"]),  # 小 + 老虎
        ("很好，很好", ["hen2", "hao3", "hen2", "hao3"]),  # punctuation ends a run
        ("好的", ["hao3", "de5"]),  # no third tone follows
        ("我们", ["wo3", "men5"]),  # a neutral tone breaks the run
    ],
)
def test_third_tone_sandhi_follows_the_words(text: str, spoken: list[str]) -> None:
    words = annotate(text, style="numbers", third_tone=True)
    assert [s for w in words if w.is_chinese for s in w.spoken] == spoken


def test_doubled_verbs_and_complements_take_the_neutral_tone() -> None:
    assert _flat("我只是随便说说")[-2:] == ["shuō", "shuo"]
    assert _flat("你好好想想")[-2:] == ["xiǎng", "xiang"]
    assert _flat("他慢慢地走了过来")[-2:] == ["guò", "lai"]
    assert _flat("结果还没出来")[-2:] == ["chū", "lái"]  # the main verb keeps its tones


def test_numbers_read_right() -> None:
    assert pinyin_text(annotate("一万二")) == "yīwàn'èr"
    assert pinyin_text(annotate("一万二", sandhi=True)) == "yíwàn'èr"
    assert pinyin_text(annotate("一百五", sandhi=True)) == "yìbǎiwǔ"
    assert _flat("一万一千", sandhi=True) == ["yí", "wàn", "yì", "qiān"]
    assert _flat("十一个", sandhi=True) == ["shí", "yī", "gè"]  # a units-place 一 keeps yī
    assert _flat("一九九八年", sandhi=True)[0] == "yī"
    assert _flat("两百块") == ["liǎng", "bǎi", "kuài"]
    assert _flat("他们俩") == ["tā", "men", "liǎ"]
    assert "一万二" in _words_of("月薪一万二，房租四千五")
    assert "四千五" in _words_of("月薪一万二，房租四千五")


def test_phrasebook_terms_use_citation_yi_and_bu() -> None:
    # terms may be written as spoken (dūn yí gè); sandhi is annotate's own option
    assert _flat("蹲一个后续")[1] == "yī"
    assert _flat("蹲一个后续", sandhi=True)[1] == "yí"


def test_traditional_text_keeps_its_characters() -> None:
    traditional = annotate("小紅書的評論區")
    simplified = annotate("小红书的评论区")
    assert [w.text for w in traditional] == ["小紅書", "的", "評論區"]
    assert [w.simplified for w in traditional] == ["小红书", "的", "评论区"]
    assert [w.pinyin for w in traditional] == [w.pinyin for w in simplified]
    assert [w.gloss for w in traditional] == [w.gloss for w in simplified]
    assert pinyin_text(traditional) == "Xiǎohóngshū de pínglùnqū"
    assert [w.simplified for w in annotate("hi 你好")] == ["hi ", "你好"]
    assert _flat("還沒有還錢") == ["hái", "méi", "yǒu", "huán", "qián"]


def test_pinyin_text_of_mixed_text() -> None:
    text = "姐妹们！今天去了@小红书 #重庆美食# 人均100块，yyds 😂 https://xhslink.com/a/b"
    assert pinyin_text(annotate(text)) == (
        "jiěmèimen! jīntiān qù le @Xiǎohóngshū #Chóngqìng měishí# rénjūn 100 kuài, yyds 😂 "
        "https://xhslink.com/a/b"
    )


def test_citation_tones_on_request() -> None:
    assert _flat("认识") == ["rèn", "shi"]
    assert _flat("认识", neutral_tones=False) == ["rèn", "shí"]
    assert _flat("了解", neutral_tones=False) == ["liǎo", "jiě"]


def test_without_the_context_model_the_dictionary_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    import companion.polyphones

    monkeypatch.setattr(companion.polyphones, "get_model", lambda: None)
    words = annotate("头发也好长，银行行长还没有还钱")
    assert "".join(w.text for w in words) == "头发也好长，银行行长还没有还钱"
    assert _flat("银行行长还钱") == ["yín", "háng", "háng", "zhǎng", "huán", "qián"]
