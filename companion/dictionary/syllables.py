"""Pinyin syllable conversions: tone numbers <-> tone marks, and zhuyin (bopomofo).

Written here rather than taken from pypinyin so that showing pinyin never imports pypinyin
(150 ms and ~56 MB): the dictionary already stores every reading with tone numbers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

_MARKS = {
    "a": "āáǎà",
    "e": "ēéěè",
    "i": "īíǐì",
    "o": "ōóǒò",
    "u": "ūúǔù",
    "ü": "ǖǘǚǜ",
}
_UNMARK: dict[str, tuple[str, int]] = {}
for _base, _marked in _MARKS.items():
    for _tone, _ch in enumerate(_marked, start=1):
        _UNMARK[_ch] = (_base, _tone)
        _UNMARK[_ch.upper()] = (_base.upper(), _tone)

_SYLLABLE_RE = re.compile(r"^([A-Za-zü:]+?)([1-5])?$")


def split_number(syllable: str) -> tuple[str, int]:
    """``"hao3"`` -> ``("hao", 3)``; neutral (5 or no digit) is 0; ``u:``/``v`` become ``ü``."""
    match = _SYLLABLE_RE.match(syllable)
    if not match:
        return syllable, 0
    base, digit = match.group(1), match.group(2)
    base = base.replace("u:", "ü").replace("U:", "Ü")
    if "v" in base.lower() and base.lower() not in ("v",):
        base = base.replace("v", "ü").replace("V", "Ü")
    tone = int(digit) if digit else 0
    return base, 0 if tone == 5 else tone


@lru_cache(maxsize=4096)
def is_syllable(token: str) -> bool:
    """True for a pinyin syllable with a tone number (``"zhong1"``, ``"r5"``, ``"lu:4"``)."""
    return bool(re.fullmatch(r"[A-Za-zü:]+[1-5]", token))


@lru_cache(maxsize=4096)
def to_marks(syllable: str) -> str:
    """``"hao3"`` -> ``"hǎo"``, ``"lu:4"`` -> ``"lǜ"``, ``"le5"`` -> ``"le"``.

    The mark goes on a or e if present, on the o of "ou", otherwise on the last vowel:
    the standard placement rule.
    """
    if not is_syllable(syllable):
        return syllable
    base, tone = split_number(syllable)
    if tone == 0:
        return base
    lower = base.lower()
    if "a" in lower:
        pos = lower.index("a")
    elif "e" in lower:
        pos = lower.index("e")
    elif "ou" in lower:
        pos = lower.index("o")
    else:
        pos = max((i for i, ch in enumerate(lower) if ch in "aeiouü"), default=-1)
        if pos < 0:  # "m2", "ng4", "r5": mark the first letter with a combining accent
            accent = "\u0304\u0301\u030c\u0300"[tone - 1]
            return unicodedata.normalize("NFC", base[0] + accent + base[1:])
    vowel = lower[pos]
    marked = _MARKS[vowel][tone - 1]
    if base[pos].isupper():
        marked = marked.upper()
    return base[:pos] + marked + base[pos + 1 :]


@lru_cache(maxsize=4096)
def to_numbers(syllable: str) -> str:
    """The display form with tone numbers: ``"hao3"``, neutral ``"le5"``, ``"lü4"``."""
    if not is_syllable(syllable):
        return syllable
    base, tone = split_number(syllable)
    return f"{base}{tone or 5}"


@lru_cache(maxsize=4096)
def tone_of(syllable: str) -> int:
    """1-4, or 0 for the neutral tone and for anything that is not a syllable."""
    if not is_syllable(syllable):
        return 0
    return split_number(syllable)[1]


def marks_to_numbers(syllable: str) -> str:
    """``"hǎo"`` -> ``"hao3"``; an unmarked syllable is neutral (``"le"`` -> ``"le5"``).

    Already numbered input is returned normalised, so either form may be given.
    """
    syllable = unicodedata.normalize("NFC", syllable.strip())
    if is_syllable(syllable):
        base, tone = split_number(syllable)
        return f"{base.replace('ü', 'u:').replace('Ü', 'U:')}{tone or 5}"
    tone = 0
    out = []
    for ch in syllable:
        if ch in _UNMARK:
            base, tone = _UNMARK[ch]
            out.append(base)
        else:
            out.append(ch)
    text = "".join(out).replace("ü", "u:").replace("Ü", "U:").replace("v", "u:")
    if not re.fullmatch(r"[A-Za-z:]+", text):
        return syllable
    return f"{text}{tone or 5}"


# --- zhuyin ---------------------------------------------------------------------------------

_INITIALS = [
    ("zh", "ㄓ"), ("ch", "ㄔ"), ("sh", "ㄕ"), ("b", "ㄅ"), ("p", "ㄆ"), ("m", "ㄇ"), ("f", "ㄈ"),
    ("d", "ㄉ"), ("t", "ㄊ"), ("n", "ㄋ"), ("l", "ㄌ"), ("g", "ㄍ"), ("k", "ㄎ"), ("h", "ㄏ"),
    ("j", "ㄐ"), ("q", "ㄑ"), ("x", "ㄒ"), ("r", "ㄖ"), ("z", "ㄗ"), ("c", "ㄘ"), ("s", "ㄙ"),
]  # fmt: skip
_FINALS = {
    "a": "ㄚ", "o": "ㄛ", "e": "ㄜ", "ê": "ㄝ", "ai": "ㄞ", "ei": "ㄟ", "ao": "ㄠ", "ou": "ㄡ",
    "an": "ㄢ", "en": "ㄣ", "ang": "ㄤ", "eng": "ㄥ", "ong": "ㄨㄥ", "er": "ㄦ",
    "i": "ㄧ", "ia": "ㄧㄚ", "ie": "ㄧㄝ", "iao": "ㄧㄠ", "iu": "ㄧㄡ", "iou": "ㄧㄡ",
    "ian": "ㄧㄢ", "in": "ㄧㄣ", "iang": "ㄧㄤ", "ing": "ㄧㄥ", "iong": "ㄩㄥ", "io": "ㄧㄛ",
    "u": "ㄨ", "ua": "ㄨㄚ", "uo": "ㄨㄛ", "uai": "ㄨㄞ", "ui": "ㄨㄟ", "uei": "ㄨㄟ",
    "uan": "ㄨㄢ", "un": "ㄨㄣ", "uen": "ㄨㄣ", "uang": "ㄨㄤ", "ueng": "ㄨㄥ",
    "ü": "ㄩ", "üe": "ㄩㄝ", "üan": "ㄩㄢ", "ün": "ㄩㄣ",
}  # fmt: skip
_ZERO_INITIAL = {  # y- and w- spellings of finals without an initial
    "yi": "i", "ya": "ia", "ye": "ie", "yao": "iao", "you": "iou", "yan": "ian", "yin": "in",
    "yang": "iang", "ying": "ing", "yong": "iong", "yo": "io",
    "wu": "u", "wa": "ua", "wo": "uo", "wai": "uai", "wei": "uei", "wan": "uan", "wen": "uen",
    "wang": "uang", "weng": "ueng",
    "yu": "ü", "yue": "üe", "yuan": "üan", "yun": "ün",
}  # fmt: skip
_ZHUYIN_TONES = {1: "", 2: "ˊ", 3: "ˇ", 4: "ˋ"}


@lru_cache(maxsize=4096)
def to_zhuyin(syllable: str) -> str:
    """``"hao3"`` -> ``"ㄏㄠˇ"``; neutral tone gets the leading dot (``"˙ㄌㄜ"``).

    Anything that is not a pinyin syllable (a letter in "AA制") is returned unchanged.
    """
    if not is_syllable(syllable):
        return syllable
    base, tone = split_number(syllable)
    text = base.lower()
    if text == "r":  # erhua suffix
        body = "ㄦ"
    elif text in ("m", "n", "ng", "hm", "hng"):
        body = {"m": "ㄇ", "n": "ㄋ", "ng": "ㄫ", "hm": "ㄏㄇ", "hng": "ㄏㄫ"}[text]
    else:
        initial = ""
        rest = text
        for latin, bopo in _INITIALS:
            if text.startswith(latin) and len(text) > len(latin):
                initial, rest = bopo, text[len(latin) :]
                break
        if not initial:
            rest = _ZERO_INITIAL.get(text, text)
        elif initial in "ㄐㄑㄒ" and rest.startswith("u"):
            rest = "ü" + rest[1:]
        if initial and initial in "ㄓㄔㄕㄖㄗㄘㄙ" and rest == "i":
            final = ""
        else:
            final = _FINALS.get(rest, "")
            if not final:
                return syllable
        body = initial + final
    if tone == 0:
        return "˙" + body
    return body + _ZHUYIN_TONES[tone]


# --- splitting joined pinyin --------------------------------------------------------------

_VALID_FINALS = set(_FINALS) | {"i", "v", "ve", "van", "vn", "ue", "uan"}
_LATIN_INITIALS = [latin for latin, _ in _INITIALS]


@lru_cache(maxsize=1)
def _syllable_set() -> frozenset[str]:
    out = set(_ZERO_INITIAL) | {"a", "o", "e", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng"}
    out |= {"er", "r", "m", "n", "ng", "hm", "hng"}
    for initial in _LATIN_INITIALS:
        for final in _VALID_FINALS:
            out.add(initial + final.replace("ü", "u:").replace("v", "u:"))
            out.add(initial + final.replace("ü", "u:"))
    return frozenset(out)


def split_joined(pinyin: str, count: int) -> list[str] | None:
    """Split pinyin (marks or numbers, spaced or joined) into exactly ``count`` numbered syllables.

    Used for phrasebook terms given as ``"zhòngcǎo"``; ``None`` when it cannot be split.
    """
    pinyin = unicodedata.normalize("NFC", pinyin.strip())
    tokens = [t for t in re.split(r"[\s'’\-·]+", pinyin) if t]
    numbered = []
    for token in tokens:
        # "zhong4cao3" -> ["zhong4", "cao3"]
        numbered.extend(re.findall(r"(?:[^\W\d_]|:)+[1-5]?", token))
    syllables = [marks_to_numbers(t) for t in numbered]
    if len(syllables) == count:
        return syllables
    # joined marks: find a split into exactly `count` valid syllables (marks carry the tone)
    flat = "".join(tokens)
    if any(ch.isdigit() for ch in flat):
        return None  # tone numbers already delimit syllables: the count is simply wrong
    valid = _syllable_set()

    @cache
    def solve(pos: int, left: int) -> tuple[str, ...] | None:
        if pos == len(flat):
            return () if left == 0 else None
        if left == 0:
            return None
        for end in range(min(len(flat), pos + 7), pos, -1):
            piece = flat[pos:end]
            end2 = end + 1 if end < len(flat) and flat[end] in "12345" else end
            numbered_piece = marks_to_numbers(flat[pos:end2])
            base = re.sub(r"[1-5]$", "", numbered_piece).lower()
            if base in valid and piece:
                rest = solve(end2, left - 1)
                if rest is not None:
                    return (numbered_piece, *rest)
        return None

    result = solve(0, count)
    return list(result) if result is not None else None
