"""Numbers as people write them in Chinese posts, read into exact English.

一万二 is 12,000, not 10,002; 四千五 is 4,500; 1.2万 and 1.2w are 12,000; 3块5 is 3.50 yuan;
50刀 is $50; 下午3点半 is 3:30 p.m.; 8折 is 20% off. Machine translation gets these wrong
often enough that a price or a date in a post cannot be trusted, so :func:`find_numbers`
finds them, says what each is (``value``: the exact English a translation must contain;
``explanation``: how to read it), and the glossary pass protects them like phrasebook terms.

What is *not* a number matters as much: 一个, 一下, 第一, 一点 (a little), 十分 (very),
万一 (in case), 千万 (by all means), 早一点 (a bit earlier), 一周一次 (once a week). Plain
digits an English reader reads anyway (50%, 8:30, 2025, 3个) are left alone.

Qt-free and dependency-free; every scan is a handful of linear regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from math import floor
from typing import Any

from companion.text import NUMBER_CUE_RE, is_han

__all__ = ["NumberHit", "english_number_spans", "find_numbers", "parse_chinese"]


@dataclass(frozen=True)
class NumberHit:
    start: int
    end: int
    text: str
    kind: str  # number, money, date, weekday, time, range, percent, measure
    value: str  # the exact English: "12,000", "3.50 yuan", "Friday 8 p.m."
    explanation: str = ""  # how to read it: "一万二 = 12 thousand"

    @property
    def meaning(self) -> str:
        return f"{self.value} ({self.explanation})" if self.explanation else self.value


# --- reading numerals ------------------------------------------------------------------------

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}  # fmt: skip
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10**4, "亿": 10**8}
_MULT = {**_SMALL, **_BIG, "w": 10**4, "W": 10**4, "k": 1000, "K": 1000}

# Same-length folding: full-width forms and the traditional number characters, so the
# patterns below are written once, in simplified.
_FOLD = str.maketrans(
    "０１２３４５６７８９．，：％～－＋￥兩萬億塊點號週個鐘幾錢歲後價買賣貴資溫氣費圓",
    "0123456789.,:%~-+¥两万亿块点号周个钟几钱岁后价买卖贵资温气费元",
)


def parse_chinese(text: str) -> int | None:
    """A Chinese numeral as an integer, the colloquial forms included; None if it is not one.

    一万二 -> 12000 (a digit after 万 counts thousands), 四千五 -> 4500, 十二万 -> 120000,
    一百零五 -> 105; 万一, 千万, 二三 -> None.
    """
    if not text:
        return None
    total = section = 0
    digit: int | None = None
    last_unit = 0
    last_small = 10**5
    zero = False
    for ch in text:
        if ch in _DIGIT:
            if digit is not None:
                return None  # two digits in a row: a range (两三) or a code, not a number
            value = _DIGIT[ch]
            if value == 0:
                zero = True
                continue
            digit = value
        elif ch in _SMALL:
            unit = _SMALL[ch]
            if digit is None:
                if ch != "十" or section or (total and not zero):
                    return None
                digit = 1  # 十二 = 12, 一万零十 = 10010
            if unit >= last_small:
                return None
            section += digit * unit
            digit, last_unit, last_small, zero = None, unit, unit, False
        elif ch in _BIG:
            big = _BIG[ch]
            if digit is not None:
                section += digit
                digit = None
            if not section and not total:
                return None  # 万一, 亿万
            if not section and total and big == 10**4:
                return None  # 一亿万
            total = (total + section) * big if big == 10**8 else total + section * big
            section, last_unit, last_small, zero = 0, big, 10**5, False
        else:
            return None
    if digit is not None:
        if not zero and last_unit >= 100:
            digit *= last_unit // 10  # the colloquial trailing digit
        section += digit
    elif zero and not section and not total:
        return 0
    return total + section


def _arabic(number: str, mult: str) -> float | None:
    """``"1.2"``, ``"万"`` -> 12000; ``"3"``, ``"万5"`` -> 35000; ``"5"``, ``"w"`` -> 50000."""
    try:
        value = float(number.replace(",", ""))
    except ValueError:
        return None
    trailing = ""
    if mult and (mult[-1].isdigit() or mult[-1] in _DIGIT):
        mult, trailing = mult[:-1], mult[-1]
    factor = 1
    previous = 10**9
    for ch in mult:
        unit = _MULT[ch]
        if unit >= previous and unit < 10**4:
            return None  # 3百千
        factor *= unit
        previous = unit
    value *= factor
    if trailing:
        if factor < 100:
            return None
        extra = int(trailing) if trailing.isdigit() else _DIGIT[trailing]
        value += extra * (factor // 10)
    return round(value, 6)  # 1.2 * 10000 is 12000.000000000002 in binary


def _whole(value: float) -> bool:
    return value == int(value)


def _fmt(value: float) -> str:
    """12000 -> "12,000"; 3.5 -> "3.5"; 0.5 -> "0.5"."""
    value = round(value, 6)
    if _whole(value):
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _words(value: float) -> str:
    """12000 -> "12 thousand"; 1.2e8 -> "120 million"; 350 -> "350"."""
    for size, name in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand")):
        if abs(value) >= size:
            return f"{_fmt(value / size)} {name}"
    return _fmt(value)


# --- patterns ----------------------------------------------------------------------------------

_CN = "零〇一二两三四五六七八九十百千万亿"
_AR = r"\d+(?:\.\d+)?"
_ARM = rf"{_AR}(?:[十百千万亿]{{1,3}}(?:\d(?![\d.])|[一二三四五六七八九])?|[wWkK](?![A-Za-z]))?"
_NUM = rf"(?:{_ARM}|[{_CN}几]+)"

_MONEY_CUES = ("花", "买", "卖", "价", "钱", "工资", "月薪", "年薪", "薪", "赚", "挣",
               "收入", "预算", "房租", "租", "才", "只要", "仅", "一共", "总共", "人均", "消费",
               "充", "转", "付", "贵", "便宜", "亏", "省", "报销", "补贴", "红包", "售",
               "米一")  # fmt: skip
_DISTANCE_CUES = ("跑", "走", "游", "高", "长", "宽", "深", "距离", "身高", "海拔", "步", "跳",
                  "远", "爬", "骑", "米远", "米处")  # fmt: skip
_WEATHER_CUES = ("气温", "温度", "天气", "热", "冷", "零下", "最高", "最低", "降温", "升温",
                 "高温", "体温", "发烧", "烧到", "室温", "水温")  # fmt: skip
_MONEY_NEXT = set("钱多左的一每包起以内上下到-~～/+")  # after 块 still money: 10块包邮, 5块一个

_CURRENCY = {
    "元": ("", " yuan", "元 = yuan"),
    "圆": ("", " yuan", "元 = yuan"),
    "块钱": ("", " yuan", "块 = yuan, everyday word"),
    "块": ("", " yuan", "块 = yuan, everyday word"),
    "毛钱": ("", " yuan", "毛 = 0.1 yuan"),
    "美元": ("$", "", "美元 = US dollars"),
    "美金": ("$", "", "美金 = US dollars"),
    "美刀": ("$", "", "美刀 = US dollars, slang"),
    "刀": ("$", "", "刀 = dollars, slang"),
    "欧元": ("€", "", "欧元 = euros"),
    "英镑": ("£", "", "英镑 = pounds"),
    "日元": ("", " yen", "日元 = Japanese yen"),
    "港币": ("HK$", "", "港币 = Hong Kong dollars"),
    "港元": ("HK$", "", "港元 = Hong Kong dollars"),
    "韩元": ("", " won", "韩元 = Korean won"),
    "米": ("", " yuan", "米 = yuan, slang"),
}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_WEEKDAYS = {"一": "Monday", "二": "Tuesday", "三": "Wednesday", "四": "Thursday",
             "五": "Friday", "六": "Saturday", "日": "Sunday", "天": "Sunday", "1": "Monday",
             "2": "Tuesday", "3": "Wednesday", "4": "Thursday", "5": "Friday",
             "6": "Saturday", "7": "Sunday"}  # fmt: skip
_WEEK_PREFIX = {"下下": "after next", "下个": "next", "下": "next", "上个": "last",
                "上": "last", "这个": "this", "这": "this", "本": "this",
                "每": "every"}  # fmt: skip
# part of day -> (a.m./p.m. rule, English, day word)
_PARTS = {
    "早上": ("am", "morning", ""), "早晨": ("am", "morning", ""), "清晨": ("am", "morning", ""),
    "上午": ("am", "morning", ""), "早": ("am", "morning", ""), "中午": ("noon", "noon", ""),
    "下午": ("pm", "afternoon", ""), "傍晚": ("pm", "evening", ""),
    "晚上": ("night", "evening", ""), "晚": ("night", "evening", ""),
    "夜里": ("night", "night", ""), "夜晚": ("night", "night", ""),
    "半夜": ("late", "middle of the night", ""), "凌晨": ("late", "early morning", ""),
    "今晚": ("night", "evening", "tonight"), "明晚": ("night", "evening", "tomorrow"),
    "昨晚": ("night", "evening", "last night"), "今早": ("am", "morning", "this morning"),
    "明早": ("am", "morning", "tomorrow morning"),
}  # fmt: skip
_RELDAYS = {"今天": "today", "明天": "tomorrow", "后天": "the day after tomorrow",
            "昨天": "yesterday", "前天": "the day before yesterday", "大后天": "in three days",
            **{k: v[2] for k, v in _PARTS.items() if v[2]}}  # fmt: skip
_UNITS = {
    "个小时": ("hour", "hours"), "小时": ("hour", "hours"), "分钟": ("minute", "minutes"),
    "秒钟": ("second", "seconds"), "秒": ("second", "seconds"), "天": ("day", "days"),
    "个星期": ("week", "weeks"), "星期": ("week", "weeks"), "周": ("week", "weeks"),
    "个月": ("month", "months"), "年": ("year", "years"), "岁": ("year old", "years old"),
    "次": ("time", "times"), "遍": ("time", "times"), "倍": ("x", "x"), "人": ("person", "people"),
    "个": ("", ""), "件": ("item", "items"), "集": ("episode", "episodes"),
    "斤": ("jin", "jin"), "公斤": ("kg", "kg"), "厘米": ("cm", "cm"), "公里": ("km", "km"),
    "米": ("m", "m"), "楼": ("floor", "floors"), "层": ("floor", "floors"),
    "分": ("point", "points"), "度": ("°", "°"), "站": ("stop", "stops"),
    "瓶": ("bottle", "bottles"), "杯": ("cup", "cups"), "盒": ("box", "boxes"),
    "本": ("book", "books"), "家": ("shop", "shops"), "款": ("product", "products"),
}  # fmt: skip
_UNIT_RE = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))


def _number(text: str) -> float | None:
    """A number atom (Arabic with 万/w/k, or Chinese) as a float; None if it is not one."""
    match = re.fullmatch(rf"({_AR}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?)(.*)", text)
    if match:
        mult = match.group(2)
        if mult and not re.fullmatch(r"[十百千万亿]{1,3}(?:\d|[一二三四五六七八九])?|[wWkK]", mult):
            return None
        return _arabic(match.group(1), mult)
    value = parse_chinese(text)
    return None if value is None else float(value)


_APPROX = {"几十": "dozens of", "几百": "a few hundred", "几千": "a few thousand",
           "几万": "tens of thousands of", "几十万": "hundreds of thousands of",
           "几百万": "millions of", "几千万": "tens of millions of", "十几": "a dozen or so",
           "几亿": "hundreds of millions of"}  # fmt: skip
_APPROX_TENS = re.compile(r"([二三四五六七八九])十几")


def _approx(text: str) -> str | None:
    """几 numbers in words: 几千 -> "a few thousand", 二十几 -> "20-something"."""
    if text in _APPROX:
        return _APPROX[text]
    match = _APPROX_TENS.fullmatch(text)
    if match:
        return f"{_DIGIT[match.group(1)]}0-something"
    return None


def _is_simple(text: str) -> bool:
    """One numeral character (一, 三, 十): everyday words, never worth a note alone."""
    return len(text) == 1 and text in _CN


def _clause_before(text: str, start: int) -> str:
    left = text[max(0, start - 14) : start]
    return re.split(r"[，。！？!?；;\n]", left)[-1]


def _has_cue(text: str, start: int, cues: tuple[str, ...]) -> bool:
    left = _clause_before(text, start)
    return any(cue in left for cue in cues)


# --- matching on a coded copy --------------------------------------------------------------------
# The patterns run on a copy of the text where each numeral character is a private-use code
# point (U+E000...): character classes of numerals become ranges, which compile about three
# times faster than classes of scattered CJK characters. The rules read the real characters
# through :class:`_Match` (same offsets).

_CODES = {ch: chr(0xE000 + k) for k, ch in enumerate(_CN + "几")}
_CODE_TEXT = str.maketrans({**{v: "\ufffd" for v in _CODES.values()}, **_CODES})


def _coded(source: str) -> str:
    return "".join(_CODES.get(ch, ch) for ch in source)


class _Match:
    """A match on the coded text that reads groups from the real one."""

    __slots__ = ("_m", "string")

    def __init__(self, match: re.Match[str], text: str) -> None:
        self._m = match
        self.string = text

    def group(self, name: int | str = 0) -> Any:  # str, or None for a group that did not take part
        start, end = self._m.span(name)
        return None if start < 0 else self.string[start:end]

    def start(self, name: int | str = 0) -> int:
        return self._m.start(name)

    def end(self, name: int | str = 0) -> int:
        return self._m.end(name)


# --- the rules -----------------------------------------------------------------------------------
# Each rule is a pattern and a function turning a match into a hit (or None: not a number).

# (characters one of which the text must hold for the rule to apply, pattern, maker)
_Spec = tuple[str, str, Callable[[str, _Match], "NumberHit | None"]]


def _hit(m: _Match, kind: str, value: str, explanation: str = "", end: int = 0) -> NumberHit:
    stop = end or m.end()
    return NumberHit(m.start(), stop, m.string[m.start() : stop], kind, value, explanation)


def _money_value(amount: float, prefix: str, suffix: str, cents: bool) -> str:
    text = f"{amount:,.2f}" if cents else _fmt(amount)
    return f"{prefix}{text}{suffix}"


def _money(text: str, m: _Match) -> NumberHit | None:
    raw, more, unit, jiao = m.group("n"), m.group("more"), m.group("u"), m.group("j")
    approx = _approx(raw)
    amount = None if approx else _number(raw)
    if amount is None and approx is None:
        return None
    if unit in ("刀", "米") and not raw[0].isdigit() and not _has_cue(text, m.start(), _MONEY_CUES):
        return None  # 一刀 (one cut), 一米 (one metre)
    if unit == "米" and (
        not _has_cue(text, m.start(), _MONEY_CUES) or _has_cue(text, m.start(), _DISTANCE_CUES)
    ):
        return None  # metres: see the measure rule
    if unit == "块" and not jiao:
        after = text[m.end() : m.end() + 1]
        if after == "儿":
            return None  # 一块儿 = together
        simple = _is_simple(raw) and raw[0] not in "0123456789"
        noun_after = bool(after and is_han(after) and after not in _MONEY_NEXT)
        if (noun_after or simple) and not _has_cue(text, m.start(), _MONEY_CUES):
            return None  # 一块蛋糕 = a piece of cake
    if unit == "毛钱":
        if amount is None:
            return None
        amount = amount / 10
    prefix, suffix, note = _CURRENCY[unit]
    source = m.group(0)
    if approx:
        value = f"{approx} {'yuan' if suffix == ' yuan' else unit}".strip()
        return _hit(m, "money", value, f"{source}: {note}")
    assert amount is not None
    cents = False
    if jiao:
        digit = int(jiao) if jiao.isdigit() else _DIGIT[jiao]
        amount = round(amount + digit / 10, 6)
        cents = True
    value = _money_value(amount, prefix, suffix, cents)
    if more:
        value = f"over {value}"
    if m.group("about"):
        value = f"about {value}"
    if jiao:
        whole = _fmt(floor(amount))
        explanation = f"{source} = {whole} yuan {_DIGIT.get(jiao, jiao)} mao; 毛 = 0.1 yuan"
    elif amount >= 1000 and re.search("[十百千万亿wWkK]", raw):
        explanation = f"{source} = {_words(amount)}; {note}"
    else:
        explanation = f"{source}: {note}"
    return _hit(m, "money", value, explanation)


def _money_prefix(text: str, m: _Match) -> NumberHit | None:
    amount = _number(m.group("n"))
    if amount is None:
        return None
    symbol = m.group("sym")
    big = re.search("[万亿wWkK十百千]", m.group("n"))
    if symbol in ("¥",):
        value = f"¥{_fmt(amount)}"
        note = "¥ = yuan"
    else:
        value = f"{_fmt(amount)} yuan"
        note = "RMB = yuan"
    if not big and symbol == "¥":
        return None  # ¥199 reads the same in English
    return _hit(m, "money", value, f"{m.group(0)} = {_words(amount)}; {note}")


def _weekday(text: str, m: _Match) -> NumberHit | None:
    before = text[m.start() - 1 : m.start()] if m.start() else ""
    after = text[m.end() : m.end() + 1]
    prefix = m.group("pre") or ""
    if not prefix and before and (before in _CN or before in "几每" or before.isdigit()):
        return None  # 一周一次, 两周
    if after in ("次", "回", "遍", "个") or (after == "天" and m.group("w") not in "日天"):
        return None  # (每)周一次 = once a week, 一周三天 = three days a week
    day = _WEEKDAYS[m.group("w")]
    if prefix == "下下":
        value = f"{day} after next"
    elif prefix:
        value = f"{_WEEK_PREFIX[prefix]} {day}"
    else:
        value = day
    w = m.group("w")
    how = "日/天 = Sunday" if w in "日天" else f"{w} = day {_DIGIT.get(w, w)} of the week"
    return _hit(m, "weekday", value, f"{m.group(0)}: {how}")


def _clock(text: str, m: _Match) -> NumberHit | None:
    part, hour_text, sep, rest = m.group("part"), m.group("h"), m.group("sep"), m.group("rest")
    hour = _number(hour_text)
    if hour is None or not _whole(hour) or not 0 <= hour <= 24:
        return None
    hour_i = int(hour)
    minutes = 0
    words = ""
    if rest:
        if rest == "半":
            minutes, words = 30, "半 = half past"
        elif rest in ("一刻",):
            minutes, words = 15, "一刻 = a quarter past"
        elif rest in ("三刻",):
            minutes, words = 45, "三刻 = three quarters past"
        elif rest in ("钟", "整"):
            minutes = 0
        else:
            digits = rest.rstrip("分")
            count = _number(digits)
            if count is None or not 0 <= count < 60 or not _whole(count):
                return None
            if not rest.endswith("分") and len(digits) < 2:
                return None  # 三点五 = 3.5, 一点五倍; 三点十五 and 3点15 are times
            minutes = int(count)
    if sep in (":", "："):
        if not part:
            return None  # 8:30 reads the same in English
    elif not part and not rest:
        before = text[max(0, m.start() - 4) : m.start()]
        after = text[m.end() : m.end() + 5]
        if not (
            re.search(r"(今天|明天|后天|昨天|前天|周.|星期.|礼拜.|[号日]|点(到|至|-|~))$", before)
            or re.match(r"(到|至|-|~)(\d{1,2}|[零一二两三四五六七八九十]{1,3})点", after)
        ):
            return None  # 3点 alone: "3 points" as often as 3 o'clock
    if part in ("早", "晚") and hour_text == "一" and not rest:
        return None  # 早一点 = a bit earlier
    if not part and not rest and hour_text == "一":
        return None
    rule, _part_words, day = _PARTS.get(part or "", ("", "", ""))
    shown = _clock_text(hour_i, minutes, rule, rest)
    if shown is None:
        return None
    if day:
        shown = f"{day} {shown}"
    explanation = f"{m.group(0)}: 点 = o'clock" + (f", {words}" if words else "")
    return _hit(m, "time", shown, explanation)


def _clock_text(hour: int, minutes: int, rule: str, rest: str | None) -> str | None:
    mm = f":{minutes:02d}" if minutes else ""
    if not rule:
        if hour > 12:
            return f"{hour}:{minutes:02d} ({hour - 12}{mm} p.m.)"
        if rest in ("钟", "整"):
            return f"{hour} o'clock"
        return f"{hour}:{minutes:02d}"
    if hour > 12:
        hour -= 12
        suffix = "p.m."
    elif rule == "am":
        suffix = "a.m."
    elif rule == "pm":
        suffix = "p.m."
    elif rule == "noon":
        suffix = "a.m." if 8 <= hour <= 11 else "p.m."
        if hour == 12 and not minutes:
            return "12 noon"
    elif rule == "night":
        if hour == 12 and not minutes:
            return "midnight"
        suffix = "a.m." if hour <= 4 or hour == 12 else "p.m."
    else:  # late: 凌晨, 半夜
        if hour in (0, 12) and not minutes:
            return "midnight"
        suffix = "a.m."
    if hour == 0:
        hour = 12
    return f"{hour}{mm} {suffix}"


_MONTH_PARTS = {"初": "early ", "上旬": "early ", "中": "mid-", "中旬": "mid-", "底": "late ",
                "末": "late ", "下旬": "late "}  # fmt: skip


def _date(text: str, m: _Match) -> NumberHit | None:
    month = _number(m.group("m"))
    if month is None or not 1 <= month <= 12 or not _whole(month):
        return None
    value = _MONTHS[int(month) - 1]
    part = m.group("when")
    if part:
        value = _MONTH_PARTS[part] + value
    day_text = m.group("d")
    if day_text:
        day = _number(day_text)
        if day is None or not 1 <= day <= 31 or not _whole(day):
            return None
        value = f"{value} {int(day)}"
    year_text = m.group("y")
    if year_text:
        year = year_text if year_text.isdigit() else "".join(str(_DIGIT[c]) for c in year_text)
        value = f"{value}, {year}"
    elif not day_text and not part and not m.group("fen") and m.group("m").isdigit():
        return None  # 3月 alone: leave to the engine
    return _hit(m, "date", value, f"{m.group(0)}: 月 = month, 号/日 = day")


def _day_of_month(text: str, m: _Match) -> NumberHit | None:
    day = _number(m.group("d"))
    if day is None or not 1 <= day <= 31 or not _whole(day):
        return None
    before = text[m.start() - 1 : m.start()] if m.start() else ""
    if before and (before.isdigit() or before in _CN or before in "月第"):
        return None
    n = int(day)
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return _hit(m, "date", f"the {n}{suffix}", f"{m.group(0)}: 号 = day of the month")


def _year(text: str, m: _Match) -> NumberHit | None:
    year = "".join(str(_DIGIT[c]) for c in m.group("y"))
    return _hit(m, "date", year, f"{m.group(0)}: the year read digit by digit")


def _percent(text: str, m: _Match) -> NumberHit | None:
    raw = m.group("n")
    if raw is None:
        return _hit(m, "percent", "100%", f"{m.group(0)} = a hundred percent")
    value = _number(raw)
    if value is None or value > 100:
        return None
    return _hit(m, "percent", f"{_fmt(value)}%", f"{m.group(0)}: 百分之 = percent")


def _discount(text: str, m: _Match) -> NumberHit | None:
    raw = m.group("n")
    if len(raw) == 2 and raw[0] in _DIGIT and raw[1] in _DIGIT:
        pay = float(_DIGIT[raw[0]] * 10 + _DIGIT[raw[1]])  # 七五折 = pay 75%
    else:
        tenths = _number(raw)
        if tenths is None or not 0 < tenths < 10:
            return None
        pay = round(tenths * 10, 6)
    off = 100 - pay
    value = "half price" if off == 50 else f"{_fmt(off)}% off"
    return _hit(m, "percent", value, f"{m.group(0)}: pay {_fmt(pay)}% of the price")


def _range(text: str, m: _Match) -> NumberHit | None:
    a_text, b_text, unit = m.group("a"), m.group("b"), m.group("u") or ""
    a, b = _number(a_text), _number(b_text)
    if a is None or b is None:
        return None
    b_mult = re.search(r"[十百千万亿wWkK]+$", b_text)
    if b_mult and not re.search(r"[十百千万亿wWkK]", a_text) and a < b:
        scaled = _number(a_text + b_mult.group(0))  # 3-5万 = 30,000-50,000
        if scaled is not None and scaled < b:
            a = scaled
    if not a < b:
        return None
    if not unit and a_text.isdigit() and b_text.isdigit():
        return None  # 3-5 reads the same in English
    if m.group("sep") in ("-", "~") and not unit and not b_mult:
        return None
    return _range_hit(m, a, b, unit)


def _pair(text: str, m: _Match) -> NumberHit | None:
    pair, mult, unit = m.group("pair"), m.group("mult") or "", m.group("u")
    factor = _MULT[mult] if mult else 1
    a = float(_DIGIT[pair[0]] * factor)
    b = float(_DIGIT[pair[1]] * factor)
    return _range_hit(m, a, b, unit, f"{pair}{mult}: two numbers together = 'or so'")


def _range_hit(m: _Match, a: float, b: float, unit: str, explanation: str = "") -> NumberHit | None:
    source = m.group(0)
    if unit in ("元", "块", "块钱"):
        value = f"{_fmt(a)}-{_fmt(b)} yuan"
    elif unit == "月" and b <= 12:
        value = f"{_MONTHS[int(a) - 1]}-{_MONTHS[int(b) - 1]}"
    elif unit == "号":
        value = f"the {_fmt(a)}-{_fmt(b)}"
    elif unit == "斤":
        value = f"{_fmt(a / 2)}-{_fmt(b / 2)} kg"
        explanation = explanation or "1 jin (斤) = 500 g"
    else:
        words = _UNITS.get(unit, ("", ""))[1]
        sep = "" if words in ("°", "x") else " "
        value = f"{_fmt(a)}-{_fmt(b)}{sep}{words}".strip()
    return _hit(m, "range", value, explanation or source)


def _measure(text: str, m: _Match) -> NumberHit | None:
    raw, unit = m.group("n"), m.group("u")
    value = _number(raw)
    if value is None or (_is_simple(raw) and unit not in ("斤",)):
        return None
    source = m.group(0)
    if unit == "斤":
        kg = value / 2
        shown = f"{_fmt(kg * 1000)} g" if kg < 1 else f"{_fmt(kg)} kg"
        return _hit(m, "measure", shown, f"{source} = {_fmt(value)} jin; 1 jin = 500 g")
    if unit in ("平", "平米", "平方", "平方米", "㎡"):
        if text[m.end() : m.end() + 1] in ("台", "价", "板", "常", "时", "安", "衡"):
            return None  # 3平台, 平价
        return _hit(m, "measure", f"{_fmt(value)} m²", f"{source}: 平 = square metres")
    if unit == "度":
        negative = bool(m.group("neg"))
        weather = negative or _has_cue(text, m.start(), _WEATHER_CUES)
        shown = f"{'-' if negative else ''}{_fmt(value)}°{'C' if weather else ''}"
        return _hit(m, "measure", shown, f"{source}: 度 = degrees")
    return None


def _metres(text: str, m: _Match) -> NumberHit | None:
    if _has_cue(text, m.start(), _MONEY_CUES) and not _has_cue(text, m.start(), _DISTANCE_CUES):
        return None  # money: see the money rule
    value = _number(m.group("n"))
    if value is None:
        return None
    return _hit(m, "measure", f"{_fmt(value)} m", f"{m.group(0)}: 米 = metres")


def _height(text: str, m: _Match) -> NumberHit | None:
    whole = _number(m.group("a"))
    frac = m.group("b")
    if whole is None:
        return None
    digits = frac if frac.isdigit() else str(_DIGIT[frac])
    value = f"{_fmt(whole)}.{digits} m"
    return _hit(m, "measure", value, f"{m.group(0)}: 1米6 = 1.6 metres")


_MULTIPLIED = re.compile(r"[十百千万亿wWkK]")


def _plain(text: str, m: _Match) -> NumberHit | None:
    raw, more = m.group("n"), m.group("more")
    if not more and raw[0].isdigit() and not _MULTIPLIED.search(raw):
        return None  # 12000 reads the same in English (the commonest match: checked first)
    about = m.group("about")
    before = text[m.start() - 1 : m.start()] if m.start() else ""
    after = text[m.end() : m.end() + 1]
    approx = _approx(raw)
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


def _spend_save(text: str, m: _Match) -> NumberHit | None:
    spend, save = _number(m.group("a")), _number(m.group("b"))
    if spend is None or save is None or not save < spend:
        return None
    value = f"{_fmt(save)} yuan off when you spend {_fmt(spend)} yuan"
    return _hit(m, "money", value, f"{m.group(0)}: 满 = reach, 减 = take off")


def _part(text: str, m: _Match) -> NumberHit:
    return _hit(m, "part", _PARTS[m.group(0)][1])


_DAY_CN = "[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]"
_RULES: list[_Spec] = [
    (
        "元块毛刀米美欧英日港韩圆",
        rf"(?P<n>{_NUM})(?P<more>多)?(?P<u>块钱|块|元|圆|毛钱|美元|美金|美刀|刀|欧元|英镑|日元|港币|港元|韩元|米)"
        rf"(?P<j>\d(?![\d.])|[一二三四五六七八九](?![十百千万个件只份斤杯包盒瓶支张次位本袋晚天]))?(?:毛|角)?(?:钱)?"
        r"(?P<about>左右)?",
        _money,
    ),
    ("¥Rr", rf"(?P<sym>¥|RMB|rmb)\s?(?P<n>{_ARM})(?:元)?", _money_prefix),
    (
        "周星礼",
        r"(?P<pre>下下|下个|下|上个|上|这个|这|本|每)?(?:周|星期|礼拜)(?P<w>[一二三四五六日天1-7])",
        _weekday,
    ),
    (
        "点:：",
        r"(?P<part>"
        + "|".join(sorted(_PARTS, key=len, reverse=True))
        + r")?(?P<h>\d{1,2}|[零一二两三四五六七八九十]{1,3})(?P<sep>点|:|：)(?![点])"
        r"(?P<rest>钟|半|整|一刻|三刻|\d{1,2}分?|[零一二三四五六七八九十]{1,3}分?)?",
        _clock,
    ),
    (
        "月",
        rf"(?:(?P<y>\d{{4}}|[零〇一二三四五六七八九]{{4}})年)?(?P<m>\d{{1,2}}|十[一二]?|[一二三四五六七八九])月"
        rf"(?P<fen>份)?(?:(?P<d>\d{{1,2}}|{_DAY_CN})[号日])?(?P<when>初|中旬|上旬|下旬|中|底|末)?",
        _date,
    ),
    ("号", rf"(?P<d>\d{{1,2}}|{_DAY_CN})号(?![线楼门色机房床车口球位码人楼坑])", _day_of_month),
    ("年", r"(?P<y>[零〇一二三四五六七八九]{4})年", _year),
    ("百", rf"百分之(?P<n>{_AR}|[{_CN}]+)|百分百|百分之百", _percent),
    ("折", r"(?<![对骨])(?P<n>\d(?:\.\d)?|[一二三四五六七八九]{1,2})折(?![叠腾磨])", _discount),
    (
        "-~到至—",
        rf"(?P<a>{_NUM})(?P<sep>-|~|到|至|—)(?P<b>{_NUM})(?P<u>{_UNIT_RE}|元|块钱|块|月|号)?",
        _range,
    ),
    (
        "两三四五六七八",
        rf"(?P<pair>一两|两三|三四|四五|五六|六七|七八|八九|三五)(?P<mult>十|百|千|万)?(?P<u>{_UNIT_RE}|元|块钱|块)",
        _pair,
    ),
    (
        "斤平度㎡",
        rf"(?P<neg>零下|负|-)?(?P<n>{_ARM}|[{_CN}]+)(?P<u>斤|平方米|平米|平方|平|㎡|度)",
        _measure,
    ),
    ("米", r"(?P<n>\d+(?:\.\d+)?)米(?![\d饭粉线色其])", _metres),
    (
        "米",
        r"(?P<a>\d|[一两])米(?P<b>\d{1,2}(?![\d.])|[一二三四五六七八九])(?![十百千万])",
        _height,
    ),
    (
        "",
        rf"(?P<n>{_ARM}|[{_CN}几]+)(?P<more>多|\+)?(?P<u>{_UNIT_RE})?(?P<about>左右)?",
        _plain,
    ),
    (
        "满",
        rf"满(?P<a>{_ARM}|[{_CN}]+)(?:元|块)?减(?P<b>{_ARM}|[{_CN}]+)(?:元|块)?",
        _spend_save,
    ),
]

_JOINABLE = {"date", "weekday", "time", "relday", "part"}
_PART_WORDS = {v[2] for v in _PARTS.values() if v[2]}
_RELDAY_SOURCE = "|".join(sorted(_RELDAYS, key=len, reverse=True))
_PART_SOURCE = "|".join(p for p in sorted(_PARTS, key=len, reverse=True) if len(p) > 1)
_PATTERNS: dict[int, re.Pattern[str]] = {}


def _compiled(index: int, source: str) -> re.Pattern[str]:
    """Rules compile on first use: a text without a clock never pays for the clock rule."""
    pattern = _PATTERNS.get(index)
    if pattern is None:
        pattern = _PATTERNS[index] = re.compile(_coded(source))
    return pattern


_ANY_NUMBER = NUMBER_CUE_RE  # in companion.text, so callers can check before importing this
_TRIGGERS = [frozenset(triggers) for triggers, _source, _make in _RULES]


def find_numbers(text: str) -> list[NumberHit]:
    """Numbers in ``text`` that an English reader needs explained, in text order.

    Offsets point into ``text`` as given (folding keeps every character in place).
    """
    if not text or not _ANY_NUMBER.search(text):
        return []
    folded = text.translate(_FOLD)
    coded = folded.translate(_CODE_TEXT)
    present = set(folded)
    candidates: list[NumberHit] = []
    for index, (_triggers, source, make) in enumerate(_RULES):
        triggers = _TRIGGERS[index]
        if triggers and present.isdisjoint(triggers):
            continue
        pattern = _compiled(index, source)
        for found in pattern.finditer(coded):
            if found.end() == found.start():
                continue
            hit = make(folded, _Match(found, folded))
            if hit is not None:
                candidates.append(hit)
    if candidates:
        for found in _compiled(-1, _RELDAY_SOURCE).finditer(coded):
            match = _Match(found, folded)
            candidates.append(_hit(match, "relday", _RELDAYS[folded[found.start() : found.end()]]))
        for found in _compiled(-2, _PART_SOURCE).finditer(coded):
            candidates.append(_part(folded, _Match(found, folded)))
    candidates.sort(key=lambda h: (h.start - h.end, h.start))
    used = bytearray(len(folded))
    chosen: list[NumberHit] = []
    for hit in candidates:
        if any(used[hit.start : hit.end]):
            continue
        used[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
        chosen.append(hit)
    chosen.sort(key=lambda h: h.start)
    joined = _join(folded, chosen)
    return [
        NumberHit(h.start, h.end, text[h.start : h.end], h.kind, h.value, h.explanation)
        for h in joined
        if h.kind not in ("relday", "part")
    ]


def _join(text: str, hits: list[NumberHit]) -> list[NumberHit]:
    """Neighbouring dates, weekdays and times read as one: 周五晚上8点 -> Friday 8 p.m."""
    out: list[NumberHit] = []
    for hit in hits:
        last = out[-1] if out else None
        if last is not None and last.kind in _JOINABLE and hit.kind in _JOINABLE:
            gap = text[last.end : hit.start]
            if gap == "" and last.kind != "time" and not (last.kind == "part" == hit.kind):
                sep = ", " if last.kind == "date" and hit.kind == "time" else " "
                value = f"{last.value}{sep}{hit.value}"
                kind = "time" if hit.kind == "time" else "date"
                if last.kind == "relday" and hit.kind == "part" and last.value in _PART_WORDS:
                    value = last.value  # 今晚 already says tonight
                if {last.kind, hit.kind} <= {"relday", "part"} and last.kind != hit.kind:
                    kind = "relday"  # 明天晚上 alone: the engine says it well
                out[-1] = _merged(text, last, hit, kind, value)
                continue
            if gap in ("到", "至", "-", "~", "—") and last.kind == hit.kind != "relday":
                joiner = "-" if hit.kind == "time" else " to "
                value = f"{last.value}{joiner}{hit.value}"
                out[-1] = _merged(text, last, hit, "range", value)
                continue
        out.append(hit)
    return out


def _merged(text: str, a: NumberHit, b: NumberHit, kind: str, value: str) -> NumberHit:
    explanation = "; ".join(x for x in (a.explanation, b.explanation) if x)
    return NumberHit(a.start, b.end, text[a.start : b.end], kind, value, explanation)


_ENGLISH_NUMBER = re.compile(r"(?<![\w$€£¥.,])[$€£¥]?\d+(?:[,.:]\d+)*%?(?![\w])")


def english_number_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the numbers in English text (12,000, $50, 3:30, 50%), kept intact en->zh."""
    return [(m.start(), m.end()) for m in _ENGLISH_NUMBER.finditer(text)]
