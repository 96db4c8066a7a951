from hypothesis import given, settings
from hypothesis import strategies as st

from companion.text import (
    clean_input,
    detect_direction,
    han_share,
    is_probably_binary,
    looks_chinese,
    mark_lone_surrogates,
    script_counts,
    split_segments,
    split_sentences,
)


def test_han_share_ignores_digits_punctuation_and_emoji() -> None:
    assert han_share("") == 0.0
    assert han_share("666！！😂") == 0.0
    assert han_share("小红书") == 1.0
    assert 0.3 < han_share("我在用小红书 app") < 1.0


def test_han_characters_are_weighed_against_latin_words_not_letters() -> None:
    post = "今天的OOTD是vintage风，这个look真的很chill，yyds！DM我要link"
    assert detect_direction(post) == ("zh", "en")
    # OOTD and DM are initialisms; vintage, look, chill, yyds, link are words.
    assert script_counts(post) == script_counts(post.replace("OOTD", "").replace("DM", ""))
    assert script_counts(post, known_latin={"yyds", "chill"}).latin_words == 3
    # OCR of an app screen: Chinese labels with a few Latin ones.
    assert detect_direction("关注 点赞 1.2万\nShare Like Comment\n收藏 评论 356") == ("zh", "en")
    # English quoting one Chinese word stays English.
    assert detect_direction("what does 种草 mean? I keep seeing it") == ("en", "zh")
    assert detect_direction("My name is 李明 and I'm from Texas") == ("en", "zh")


def test_units_sizes_and_codes_are_not_words() -> None:
    assert script_counts("5kg 3cm 36D 1.2w iPhone15 u1s1").latin_words == 0
    assert script_counts("身高165cm体重50kg，穿M码").latin_words == 0
    assert looks_chinese("身高165cm体重50kg，穿M码")
    assert not looks_chinese("5kg 3cm")  # no Chinese at all


def test_direction_follows_the_share_of_han() -> None:
    assert detect_direction("今天去打卡了一家超好吃的火锅店") == ("zh", "en")
    assert detect_direction("Hello, I'm new here. I'm an American from TikTok") == ("en", "zh")
    # A Chinese comment with an English brand name stays Chinese.
    assert detect_direction("这个 Dior 口红绝绝子") == ("zh", "en")
    assert detect_direction("yyds 666") == ("en", "zh")


def test_links_handles_and_topics_do_not_make_chinese_look_english() -> None:
    assert detect_direction("绝了 https://www.xiaohongshu.com/explore/64a1abcdef") == ("zh", "en")
    assert detect_direction("求链接 @Emily_Chen_NYC") == ("zh", "en")
    assert detect_direction("好看 #OOTD# #outfitoftheday#") == ("zh", "en")
    assert detect_direction("看看 xhslink.com/a/AbC123 谢谢") == ("zh", "en")
    assert detect_direction("I love #小红书# so much") == ("en", "zh")
    assert detect_direction("Hello @小红书 how are you") == ("en", "zh")


def test_segments_rebuild_the_exact_input() -> None:
    text = "家人们谁懂啊！今天去了一家店。\n\n真的绝绝子……下次还来？ OK. Bye!"
    segments = split_segments(text)
    assert "".join(s.text for s in segments) == text
    assert split_sentences(text) == [
        "家人们谁懂啊！",
        "今天去了一家店。",
        "真的绝绝子……",
        "下次还来？",
        "OK.",
        "Bye!",
    ]


def test_closing_quotes_stay_with_their_sentence() -> None:
    assert split_sentences("他说：“好吃！”然后走了。") == ["他说：“好吃！”", "然后走了。"]


def test_decimals_and_urls_are_not_sentence_ends() -> None:
    assert split_sentences("价格是3.5元，链接 xhslink.com/abc 看看") == [
        "价格是3.5元，链接 xhslink.com/abc 看看"
    ]


def test_run_on_sentence_is_cut_near_the_limit_at_a_comma() -> None:
    text = "，".join(["这个真的很好用"] * 100)
    pieces = split_sentences(text)
    assert all(len(p) <= 400 for p in pieces)
    assert "".join(pieces) == text


def test_empty_and_whitespace_only_input() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n\n ") == []


def test_clean_input_keeps_meaning() -> None:
    assert clean_input("a\r\nb\x00c") == "a\nbc"
    assert clean_input("zho\u0300ng") == "zhòng"  # decomposed tone mark composed
    assert clean_input("tab\tkept\x7f\x85") == "tab\tkept"


def test_broken_surrogates_are_repaired_or_marked() -> None:
    assert clean_input("你好\udc80") == "你好\ufffd"  # an undecodable byte from argv
    assert clean_input("\ud83d\ude02好") == "😂好"  # a pair handed over in halves
    text = "好\ud800看"
    assert mark_lone_surrogates(text) == "好\ufffd看" and len(mark_lone_surrogates(text)) == 3
    assert mark_lone_surrogates("好看") == "好看"


def test_long_unpunctuated_pastes_are_scanned_correctly() -> None:
    # The shapes that made the old patterns backtrack (bench/text_scans.py times them).
    assert han_share("a" * 100_000) == 0.0
    assert han_share("a@" * 50_000) == 0.0
    assert han_share("好" * 100_000) == 1.0
    assert split_sentences("." * 50_000) == ["." * 400] * 125
    assert len(split_segments("好" * 100_000)) == 250


def test_binary_detection() -> None:
    assert is_probably_binary("\x00\x01\x02\x03abc\x04\x05")
    assert not is_probably_binary("小红书 😂 emoji and English")


def test_posts_that_end_sentences_with_emoji_or_spaces_are_split() -> None:
    text = "今天去打卡了😍 真的绝绝子🔥🔥 下次还来"
    assert split_sentences(text) == ["今天去打卡了😍", "真的绝绝子🔥🔥", "下次还来"]
    assert "".join(s.text for s in split_segments(text)) == text
    assert split_sentences("姐妹们 这家店真的好吃") == ["姐妹们", "这家店真的好吃"]
    # English keeps its spaces and emoji inside the sentence.
    assert split_sentences("I love it 😍 so much") == ["I love it 😍 so much"]
    assert split_sentences("太好看了😍") == ["太好看了😍"]


def _counts_word_by_word(text: str, known: frozenset[str]) -> tuple[int, int]:
    """The counts as script_counts made them before the tally: every word asked in turn."""
    from companion.text import _INITIALISM_RE, _LATIN_WORD_RE, _NOT_LANGUAGE_RE, count_han

    rest = _NOT_LANGUAGE_RE.sub(" ", text)
    words = 0
    for match in _LATIN_WORD_RE.finditer(rest):
        word = match.group()
        if len(word) == 1 and word not in "IaA":
            continue
        if _INITIALISM_RE.fullmatch(word) or word.lower() in known:
            continue
        words += 1
    return count_han(rest), words


@settings(max_examples=200, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from(
            [
                "好看",
                "yyds",
                "YYDS",
                "Yyds",
                " ",
                "OOTD",
                "vlog",
                "I",
                "a",
                "M码",
                "5kg",
                "https://x.com/yyds",
                "#vlog#",
                "@yyds",
                "don't",
                "Hello",
                "，",
                "\n",
            ]
        ),
        max_size=30,
    ),
    known=st.sets(st.sampled_from(["yyds", "vlog", "hello", "i", "don't"])),
)
def test_one_tally_gives_the_counts_for_any_known_words(pieces: list[str], known: set[str]) -> None:
    from companion.text import script_tally

    text = "".join(pieces)
    tally = script_tally(text)
    for words in (frozenset(), frozenset(known)):
        counts = tally.counts(words)
        assert (counts.han, counts.latin_words) == _counts_word_by_word(text, words)
        assert counts == script_counts(text, words)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from(["好看", "。", "！", " ", "\n", "OK.", "  ", "😂", "，", "a" * 30, "…"]),
        max_size=40,
    ),
    max_chars=st.integers(min_value=1, max_value=60),
)
def test_a_sentence_with_nothing_around_it_is_split_as_any_other(
    pieces: list[str], max_chars: int
) -> None:
    """The short cut for a plain sentence gives exactly what the general path gives."""
    import re

    from companion.text import _SPLIT_RE, Segment, _append_sentence

    text = "".join(pieces)
    expected: list[Segment] = []
    for line in re.split(r"(\n+)", text):
        if line.startswith("\n"):
            expected.append(Segment(line, False))
        elif line:
            pos = 0
            for match in _SPLIT_RE.finditer(line):
                _append_sentence(expected, line[pos : match.end()], max_chars)
                pos = match.end()
            if pos < len(line):
                _append_sentence(expected, line[pos:], max_chars)
    assert split_segments(text, max_chars) == expected
