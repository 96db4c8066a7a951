"""Numbers as people write them: amounts, money, dates, times, ranges, percentages, measures,
and the many words with a numeral in them that are not numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.numbers import NumberHit, english_number_spans, find_numbers, parse_chinese


def read(text: str) -> list[tuple[str, str]]:
    return [(h.text, h.value) for h in find_numbers(text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # amounts, the colloquial forms first
        ("一万二", ("一万二", "12,000")),
        ("四千五", ("四千五", "4,500")),
        ("三百五", ("三百五", "350")),
        ("两百", ("两百", "200")),
        ("十二万", ("十二万", "120,000")),
        ("一百零五", ("一百零五", "105")),
        ("一千万", ("一千万", "10,000,000")),
        ("一亿两千万", ("一亿两千万", "120,000,000")),
        ("1.2万", ("1.2万", "12,000")),
        ("3万5", ("3万5", "35,000")),
        ("月薪2w", ("2w", "20,000")),
        ("5w", ("5w", "50,000")),
        ("3k", ("3k", "3,000")),
        ("10w+", ("10w+", "100,000+")),
        ("一万多", ("一万多", "over 10,000")),
        ("几千块", ("几千块", "a few thousand yuan")),
        ("十几个", ("十几个", "a dozen or so")),
        ("二十岁", ("二十岁", "20 years old")),
        ("3w人", ("3w人", "30,000 people")),
        # money
        ("3块5", ("3块5", "3.50 yuan")),
        ("三块五", ("三块五", "3.50 yuan")),
        ("两块钱", ("两块钱", "2 yuan")),
        ("5毛钱", ("5毛钱", "0.5 yuan")),
        ("199元", ("199元", "199 yuan")),
        ("1.2万元", ("1.2万元", "12,000 yuan")),
        ("¥1.2万", ("¥1.2万", "¥12,000")),
        ("花了500米", ("500米", "500 yuan")),
        ("50刀", ("50刀", "$50")),
        ("20美金", ("20美金", "$20")),
        ("200块左右", ("200块左右", "about 200 yuan")),
        ("5块一个", ("5块", "5 yuan")),
        ("满300减50", ("满300减50", "50 yuan off when you spend 300 yuan")),
        # dates and times
        ("3月8号", ("3月8号", "March 8")),
        ("2025年1月13日", ("2025年1月13日", "January 13, 2025")),
        ("3月底", ("3月底", "late March")),
        ("十一月", ("十一月", "November")),
        ("二〇二五年", ("二〇二五年", "2025")),
        ("8号到货", ("8号", "the 8th")),
        ("周五", ("周五", "Friday")),
        ("星期天", ("星期天", "Sunday")),
        ("下周三", ("下周三", "next Wednesday")),
        ("每周一去健身", ("每周一", "every Monday")),
        ("下午3点半", ("下午3点半", "3:30 p.m.")),
        ("晚上8点", ("晚上8点", "8 p.m.")),
        ("凌晨2点", ("凌晨2点", "2 a.m.")),
        ("中午12点", ("中午12点", "12 noon")),
        ("晚上12点", ("晚上12点", "midnight")),
        ("早上7点一刻", ("早上7点一刻", "7:15 a.m.")),
        ("3点15分", ("3点15分", "3:15")),
        ("一点钟", ("一点钟", "1 o'clock")),
        ("下午3:30", ("下午3:30", "3:30 p.m.")),
        ("周五晚上8点", ("周五晚上8点", "Friday 8 p.m.")),
        ("明天下午3点", ("明天下午3点", "tomorrow 3 p.m.")),
        ("今晚8点", ("今晚8点", "tonight 8 p.m.")),
        ("周五下午", ("周五下午", "Friday afternoon")),
        ("3月8号晚上7点半", ("3月8号晚上7点半", "March 8, 7:30 p.m.")),
        ("周一到周五", ("周一到周五", "Monday to Friday")),
        ("9点到5点", ("9点到5点", "9:00-5:00")),
        # ranges
        ("3-5天", ("3-5天", "3-5 days")),
        ("三到五天", ("三到五天", "3-5 days")),
        ("两三天", ("两三天", "2-3 days")),
        ("3到5万", ("3到5万", "30,000-50,000")),
        ("200-300元", ("200-300元", "200-300 yuan")),
        ("3-5月", ("3-5月", "March-May")),
        # percentages and discounts
        ("百分之五十", ("百分之五十", "50%")),
        ("百分百好评", ("百分百", "100%")),
        ("打8折", ("8折", "20% off")),
        ("8.5折", ("8.5折", "15% off")),
        ("七五折", ("七五折", "25% off")),
        ("限时5折", ("5折", "half price")),
        # measures
        ("瘦了10斤", ("10斤", "5 kg")),
        ("一斤", ("一斤", "500 g")),
        ("50平的房子", ("50平", "50 m²")),
        ("零下5度", ("零下5度", "-5°C")),
        ("气温30度", ("30度", "30°C")),
        ("身高一米八", ("一米八", "1.8 m")),
        ("跑了5000米", ("5000米", "5,000 m")),
    ],
)
def test_reads(text: str, found: tuple[str, str]) -> None:
    assert read(text) == [found]


@pytest.mark.parametrize(
    "text",
    [
        "一个人",  # a person
        "等一下",  # a moment
        "第一次",  # the first time
        "十分好看",  # very pretty
        "万一下雨",  # in case it rains
        "千万别买",  # by all means don't buy
        "一点",  # a little
        "好一点了",  # a bit better
        "早一点睡",  # sleep a bit earlier
        "晚一点再说",  # later
        "差一点",  # almost
        "一点点",  # a tiny bit
        "一周一次",  # once a week
        "每周三次",  # three times a week
        "一周三天",  # three days a week
        "一块蛋糕",  # a piece of cake
        "一块儿去",  # go together
        "一刀切",  # one size fits all
        "三心二意",  # half-hearted
        "一五一十",  # the whole story
        "乱七八糟",  # a mess
        "七上八下",  # anxious
        "万万没想到",  # never imagined
        "千千万万",  # countless
        "九九八十一",
        "二次元",  # anime
        "十一假期",  # the October holiday
        "双十一",  # Singles' Day
        "五一假期",  # May Day holiday
        "三日游",  # a three-day tour
        "8号线",  # metro line 8
        "几点了",  # what time is it
        "对折",
        "骨折",
        "3点建议",  # three suggestions
        "8:30",  # reads the same in English
        "12000",
        "50%",
        "3个",
        "4K高清",  # video resolution
        "20W快充",  # a 20-watt charger
        "3kg",
    ],
)
def test_not_numbers(text: str) -> None:
    assert find_numbers(text) == [], text


def test_several_in_a_post_with_offsets() -> None:
    text = "家人们，这件衣服原价1299，现在只要3块5！周五晚上8点开抢，一万二的包"
    hits = find_numbers(text)
    assert [(h.text, h.value) for h in hits] == [
        ("3块5", "3.50 yuan"),
        ("周五晚上8点", "Friday 8 p.m."),
        ("一万二", "12,000"),
    ]
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text


def test_traditional_and_full_width_keep_offsets() -> None:
    text = "兩萬塊，下週五晚上８點，１２３４５元"
    hits = find_numbers(text)
    assert [(h.text, h.value) for h in hits] == [
        ("兩萬塊", "20,000 yuan"),
        ("下週五晚上８點", "next Friday 8 p.m."),
        ("１２３４５元", "12,345 yuan"),
    ]
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text


def test_meaning_is_value_then_how_to_read_it() -> None:
    (hit,) = find_numbers("一万二")
    assert hit == NumberHit(0, 3, "一万二", "number", "12,000", "一万二 = 12 thousand; 万 = 10,000")
    assert hit.meaning == "12,000 (一万二 = 12 thousand; 万 = 10,000)"
    (money,) = find_numbers("50刀")
    assert money.kind == "money" and "刀 = dollars" in money.meaning


def test_odd_input() -> None:
    for text in ["", "hello", "😀😀", "\x00\x01", "万" * 1000, "一" * 1000, "9" * 5000]:
        for hit in find_numbers(text):
            assert text[hit.start : hit.end] == hit.text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一百", 100), ("一百零五", 105),
        ("一千二", 1200), ("一万零五百", 10500), ("两万五", 25000), ("十万", 100000),
        ("一亿两千万", 120000000), ("零", 0),
    ],
)  # fmt: skip
def test_parse_chinese(text: str, value: int) -> None:
    assert parse_chinese(text) == value


@pytest.mark.parametrize(
    "text", ["", "万一", "千万", "二三", "一一", "百", "十百", "三百四百", "几"]
)
def test_parse_chinese_refuses(text: str) -> None:
    assert parse_chinese(text) is None


def _chinese(n: int) -> str:
    """The standard written form of 1 <= n < 10^8 (一万零五百, 十二)."""
    digits = "零一二三四五六七八九"

    def below_10k(value: int, leading: bool) -> str:
        out = ""
        zero = False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = value // unit % 10
            if d:
                if zero and out:
                    out += "零"
                zero = False
                out += ("" if (unit == 10 and d == 1 and leading and not out) else digits[d]) + name
            else:
                zero = True
        return out

    high, low = divmod(n, 10_000)
    if not high:
        return below_10k(low, True)
    text = below_10k(high, True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_10k(low, False)
    return text


@given(st.integers(min_value=1, max_value=99_999_999))
def test_parse_chinese_reads_every_standard_numeral(n: int) -> None:
    assert parse_chinese(_chinese(n)) == n


def test_english_number_spans() -> None:
    text = "Rent is $1,200 (50%), at 3:30 or 3.5 hours; mp3, B2B and 5km stay."
    spans = [text[a:b] for a, b in english_number_spans(text)]
    assert spans == ["$1,200", "50%", "3:30", "3.5"]
