"""Taking an interface label apart: the words, and the counter, time or icon beside them.

RedNote puts numbers on its labels ("评论 128", "12条评论", "点赞1.2万", "收藏(56)", "3分钟前")
and icons OCR reads as symbols ("♡ 1.2万"). The phrasebook knows the words, not every count,
so a label is looked up as it is, then without its counter, then without the measure word
(条, 个, 人...) that went with the count. The count is given back in English form (1.2万 ->
12K) on the side it was on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion.text import HAN_CLASS

# A count: 128, 1.2万, 3.4w, 999+, 1,234, 12k; or a clock time / date (12:30, 12-25, 2024-01-05).
_NUMBER = (
    r"(?:\d{1,4}[-/]\d{1,2}(?:[-/]\d{1,2})?(?!\d)"  # dates
    r"|\d{1,2}:\d{2}"  # clock times
    r"|\d[\d,]*(?:\.\d+)?\s*[万亿千wWkK]?\+?)"  # counts
)
MEASURE_WORDS = "条條個个人次篇张張位件天周年月分秒钟鐘小时時"
_EDGE_RE = re.compile(rf"^[^{HAN_CLASS}A-Za-z0-9]+|[^{HAN_CLASS}A-Za-z0-9%)）\]】+]+$")
_LEADING_RE = re.compile(rf"^(?P<count>共?{_NUMBER})\s*(?P<rest>.*)$")
_TRAILING_RE = re.compile(rf"^(?P<rest>.*?)[\s(（\[【:：·•]*(?P<count>{_NUMBER})[)）\]】]?$")
_SPLIT_RE = re.compile(r"\s*(?:[|｜·•/]|[:：](?!\d))\s*|\s+")
_MEASURE_LEAD_RE = re.compile(rf"^[{MEASURE_WORDS}]+")
NUMBER_RE = re.compile(_NUMBER)
LATIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9'+&-]*")
_COUNT_ONLY_RE = re.compile(rf"^共?{_NUMBER}$")
_HAN_RE = re.compile(f"[{HAN_CLASS}]")


@dataclass(frozen=True)
class Label:
    """A label's words (``core``) and the counter it carried (``count``, "" when none)."""

    text: str
    core: str
    count: str = ""
    count_first: bool = False  # the count came before the words ("12条评论")

    @property
    def bare(self) -> str:
        """The words without a leading measure word: "条评论" -> "评论"."""
        if self.count_first:
            stripped = _MEASURE_LEAD_RE.sub("", self.core)
            return stripped or self.core
        return self.core

    def with_english(self, english: str) -> str:
        """The English with the count put back where it was: "12 comments", "Comments 128"."""
        if not self.count:
            return english
        number = english_count(self.count)
        return f"{number} {english}" if self.count_first else f"{english} {number}"


def english_count(count: str) -> str:
    """English form of a count: 1.2万 -> 12K, 3.5亿 -> 350M, 1.2w -> 12K, 共3 -> 3.

    Other forms (999+, 12:30, 1,234) come back unchanged.
    """
    text = count.strip().removeprefix("共").replace(" ", "")
    plus = "+" if text.endswith("+") else ""
    text = text.rstrip("+")
    unit = text[-1:] if text[-1:] in "万亿千wWkK" else ""
    if not unit:
        return text + plus
    try:
        value = float(text[:-1].replace(",", ""))
    except ValueError:
        return count
    multiplier = {"万": 1e4, "w": 1e4, "W": 1e4, "亿": 1e8, "千": 1e3, "k": 1e3, "K": 1e3}[unit]
    number = value * multiplier
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if number >= size:
            scaled = number / size
            shown = f"{scaled:.1f}".rstrip("0").rstrip(".") if scaled < 100 else f"{scaled:.0f}"
            return f"{shown}{suffix}{plus}"
    return f"{number:.0f}{plus}"


def has_chinese(text: str) -> bool:
    return _HAN_RE.search(text) is not None


def clean_edges(text: str) -> str:
    """Drop icons, arrows and punctuation OCR read at a label's edges ("♡ 收藏 >" -> "收藏")."""
    return _EDGE_RE.sub("", text.strip())


def parse_label(text: str) -> Label:
    """Split ``text`` into its words and the counter beside them (on either side).

    A label that is only a count ("1.2万", "999+") has no words: ``core`` is "".
    """
    cleaned = clean_edges(text)
    if _COUNT_ONLY_RE.match(cleaned):
        return Label(text, "", cleaned)
    lead = _LEADING_RE.match(cleaned)
    if lead and has_chinese(lead.group("rest")):
        rest = clean_edges(lead.group("rest"))
        return Label(text, rest, lead.group("count").strip(), count_first=True)
    trail = _TRAILING_RE.match(cleaned)
    if trail and has_chinese(trail.group("rest")):
        rest = clean_edges(trail.group("rest"))
        return Label(text, rest, trail.group("count").strip())
    return Label(text, cleaned)


def split_parts(text: str) -> list[str]:
    """Parts of a label joined by a separator or a space ("关注 | 粉丝", "IP属地：上海",
    "编辑于 3天前"), or [text]."""
    parts = [part for part in _SPLIT_RE.split(text.strip()) if part.strip()]
    if len(parts) < 2 or sum(has_chinese(p) for p in parts) < 1:
        return [text]
    return parts


def separator_of(text: str) -> str:
    """How the parts of ``text`` are joined, in English form (": " or " | " or " · ")."""
    if re.search(r"[:：](?!\d)", text):
        return ": "
    if re.search(r"[·•]", text):
        return " · "
    if "/" in text:
        return " / "
    if re.search(r"[|｜]", text):
        return " | "
    return " "
