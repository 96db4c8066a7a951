"""Search keys shared by history and My words: folded text, toneless pinyin, FTS5 queries.

History is searched through an FTS5 index (a full scan of 100,000 translations takes ~100 ms,
the index answers in a few). FTS5's ``unicode61`` tokenizer would keep a run of hanzi as one
token, so every hanzi is indexed as its own token and a Chinese query becomes a phrase of
adjacent characters: "银行" finds 中国银行 but not 银色的行李. Pinyin is indexed as toneless
syllables, and a joined query ("nihao", "yinhangh") is split into syllables to match them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from companion.dictionary.syllables import _syllable_set, marks_to_numbers, to_marks
from companion.text import HAN_CLASS

_HAN = re.compile(f"([{HAN_CLASS}])")
_QUERY_TOKEN = re.compile(f"(?P<han>[{HAN_CLASS}]+)|(?P<word>[^\\W_{HAN_CLASS}]+)")
_NUMBERED = re.compile(r"[a-zA-Zü:]+[1-5]")
_NUMBERED_RUN = re.compile(r"(?:[a-z:]+[1-5])+[a-z:]*")
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 24


def fold(text: str) -> str:
    """Width- and case-insensitive form (full-width letters and digits become ASCII)."""
    return unicodedata.normalize("NFKC", text).casefold()


def strip_marks(text: str) -> str:
    """``"nǚ hǎo"`` -> ``"nu hao"``: tone marks and other accents removed (ü becomes u)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def toneless(pinyin: str) -> str:
    """Lower-case letters only: ``"Yín háng"`` and ``"yin2 hang2"`` -> ``"yinhang"``."""
    letters = strip_marks(pinyin).lower().replace("u:", "u").replace("v", "u")
    return "".join(ch for ch in letters if ch.isascii() and ch.isalpha())


def index_text(text: str) -> str:
    """What the FTS5 index stores for ``text``: folded, every hanzi its own token."""
    return _HAN.sub(r" \1 ", fold(text))


@lru_cache(maxsize=1)
def _syllables() -> tuple[frozenset[str], frozenset[str]]:
    """Toneless syllables and all their prefixes (for the syllable being typed)."""
    whole = frozenset(s.replace("u:", "u").replace("v", "u") for s in _syllable_set())
    prefixes = frozenset(s[:k] for s in whole for k in range(1, len(s) + 1))
    return whole, prefixes


def syllable_splits(letters: str, limit: int = 4) -> list[list[str]]:
    """Ways to read ``letters`` as pinyin syllables, the last one possibly unfinished.

    ``"xian"`` -> ``[["xian"], ["xi", "an"]]``; ``"nihaom"`` -> ``[["ni", "hao", "m"]]``.
    Longer syllables are tried first and a one-letter syllable (a, e, o) only ends a split, so
    English words rarely read as pinyin; at most ``limit`` splits; ``[]`` when none.
    """
    whole, prefixes = _syllables()
    text = letters.lower().replace("v", "u")
    if not text or len(text) > 60 or not text.isascii() or not text.isalpha():
        return []
    found: list[list[str]] = []

    def walk(pos: int, parts: list[str]) -> None:
        for end in range(min(len(text), pos + 6), pos, -1):
            if len(found) >= limit:
                return
            piece = text[pos:end]
            if end == len(text):
                if piece in whole or (piece in prefixes and len(parts) >= 2):
                    found.append([*parts, piece])
            elif piece in whole and len(piece) > 1:
                walk(end, [*parts, piece])

    walk(0, [])
    return found


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression for what the user typed, or None when nothing is searchable.

    Every term must match (AND): a Chinese run is a phrase of adjacent hanzi; any other word
    matches as a prefix, and a word that reads as pinyin also matches its syllables.
    Everything is quoted, so a query can never be FTS5 syntax.
    """
    terms: list[str] = []
    for match in _QUERY_TOKEN.finditer(fold(query[:MAX_QUERY_CHARS])):
        if match.group("han"):
            terms.append(_quoted(" ".join(match.group("han"))))
            continue
        word = match.group("word")
        options = [_quoted(word) + "*"]
        plain = strip_marks(word)
        if _NUMBERED_RUN.fullmatch(plain):  # "yin2hang2": the digits mark the syllables
            syllables = [toneless(s) for s in re.findall(r"[a-z:]+", plain)]
            options.append(_quoted(" ".join(s for s in syllables if s)) + "*")
        for split in syllable_splits(plain, limit=2):
            if len(split) > 1:
                options.append(_quoted(" ".join(split)) + "*")
        terms.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
        if len(terms) >= MAX_QUERY_TERMS:
            break
    return " AND ".join(terms) if terms else None


def canonical_pinyin(pinyin: str) -> str:
    """One spelling for a word's reading: tone marks, one syllable per space, NFC.

    ``"yin2hang2"``, ``"yínháng"`` and ``"yín  háng"`` all become ``"yín háng"`` (the form the
    dictionary popup saves), so the same word saved two ways is one word. Text that is not
    pinyin is kept as typed, with its spaces tidied.
    """
    text = unicodedata.normalize("NFC", pinyin)
    out: list[str] = []
    for token in re.split(r"[\s'’]+", text):
        if not token:
            continue
        numbered = _NUMBERED.findall(token)
        if numbered and "".join(numbered) == token:
            out.extend(to_marks(s.replace("ü", "u:")) for s in numbered)
            continue
        marked = strip_marks(token) != token
        splits = syllable_splits(toneless(token), limit=1) if marked else []
        if splits and len(splits[0]) > 1 and splits[0][-1] in _syllables()[0]:
            out.extend(_cut_like(token, splits[0]))
        else:
            out.append(token)
    return " ".join(out)


def _cut_like(token: str, parts: list[str]) -> list[str]:
    """``token`` ("yínháng") cut where ``parts`` (["yin", "hang"], its toneless letters) end."""
    pieces: list[str] = []
    pos = 0
    for part in parts:
        taken = 0
        start = pos
        while pos < len(token) and taken < len(part):
            if toneless(token[pos]):
                taken += 1
            pos += 1
        pieces.append(token[start:pos])
    if pos < len(token):
        pieces[-1] += token[pos:]
    return [p for p in pieces if p]


def reading_key(pinyin: str) -> str:
    """Tone-number form of a canonical reading, lower case: ``"yín háng"`` -> ``"yin2 hang2"``.

    Stable across spellings, so it names a word in an Anki GUID.
    """
    return " ".join(marks_to_numbers(s).lower() for s in canonical_pinyin(pinyin).split())


def toneless_pinyin(text: str) -> str:
    """Toneless syllables of the Chinese in ``text`` ("银行卡" -> "yin hang ka"), or "".

    Uses the dictionary (loads it on first use: call off the GUI thread); "" when the
    dictionary data is missing, so recording history never fails for lack of pinyin.
    """
    if not _HAN.search(text):
        return ""
    from companion.dictionary import DictionaryError
    from companion.pinyin import annotate

    try:
        words = annotate(text, style="numbers")
    except DictionaryError:
        return ""
    syllables = [toneless(s) for w in words if w.is_chinese for s in w.numbers]
    return " ".join(s for s in syllables if s)
