from companion.text import (
    clean_input,
    detect_direction,
    han_share,
    is_probably_binary,
    split_segments,
    split_sentences,
)


def test_han_share_ignores_digits_punctuation_and_emoji() -> None:
    assert han_share("") == 0.0
    assert han_share("666！！😂") == 0.0
    assert han_share("小红书") == 1.0
    assert 0.3 < han_share("我在用小红书 app") < 1.0


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
