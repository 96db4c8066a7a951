"""Plain-text helpers shared by every feature: script detection, sentence splitting, cleaning.

No models: Chinese ends sentences with explicit punctuation, so a character scan splits it
correctly and costs microseconds, where a sentence-boundary model costs a download and
hundreds of milliseconds.

Every scan here is linear in the length of the text, whatever the text is (a 100,000-character
paste with no space or punctuation included): a pattern that may fail after a long run only
starts where the run starts (a look-behind), so each run is scanned a bounded number of times,
never once per character. ``bench/text_scans.py`` prints the scaling table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

# The one definition of what a Chinese character is. CJK Unified Ideographs, Extension A,
# Compatibility Ideographs and the supplementary planes.
HAN_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
    (0x30000, 0x323AF),
)
# The same ranges as a regular-expression character class body: "[" + HAN_CLASS + "]".
HAN_CLASS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
# Han plus the CJK punctuation, kana and full-width forms that sit between them without spaces
# (for a class of "characters written without spaces around them").
CJK_CLASS = HAN_CLASS + "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\ufe30-\ufe4f\uff00-\uffef"
HAN_RE = re.compile(f"[{HAN_CLASS}]+")


def is_han(ch: str) -> bool:
    """True for a single Chinese character (hanzi)."""
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in HAN_RANGES)


# What every number :mod:`companion.numbers` finds contains: a digit, a Chinese numeral, or a
# word its date, weekday and money rules start from. Here so that a caller can rule a text out
# without importing that module (its import and first patterns cost a cold start ~10 ms).
NUMBER_CUE_RE = re.compile("[\\d０-９零〇一二两三四五六七八九十百千万亿几周星礼拜¥￥]")


def may_have_number(text: str) -> bool:
    """False when :func:`companion.numbers.find_numbers` surely finds nothing in ``text``."""
    return NUMBER_CUE_RE.search(text) is not None


def has_han(text: str) -> bool:
    return HAN_RE.search(text) is not None


def count_han(text: str) -> int:
    return sum(len(run) for run in HAN_RE.findall(text))


def has_words(text: str) -> bool:
    """True if there is anything to translate: a letter of any script, not only emoji,
    digits or punctuation ("666！！", "😂😂")."""
    return any(ch.isalpha() for ch in text)


# Parts of a post that are names or addresses, not language: a link, an e-mail, an @handle or
# a #topic# says nothing about which language the post is written in. An alternative that can
# fail after a long run starts only where its run starts (the look-behinds), so the scan is
# linear (the e-mail pattern without it took 48 s on a 99k-character paste).
_URL_CHARS = r"A-Za-z0-9\-._~:/?#\[\]@!$&'()*,;=%"
_NOT_LANGUAGE_RE = re.compile(
    rf"""(?:https?://|www\.)[{_URL_CHARS}]+                       # links
      | (?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+  # e-mails
      | (?<![A-Za-z0-9-])[A-Za-z0-9-]+\.(?:com|cn|net|org|io|me|co)\b[{_URL_CHARS}]*
                                                               # bare domains (xhslink.com/abc)
      | [@#][^\s#@]{{1,40}}\#?                                # @handles, #topics# and #tags
    """,
    re.VERBOSE | re.IGNORECASE,
)
# A Latin word ("look", "don't"); one right after a digit is a unit or a size (5kg, 3cm, 36D,
# 1.2w), one right before a digit part of a code (iPhone15, u1s1): neither is language.
_LATIN_WORD_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+(?:['’][A-Za-z]+)*(?![A-Za-z0-9])")
_INITIALISM_RE = re.compile(r"[A-Z]{2,5}")  # DM, OOTD, VIP: initialisms, not English prose


@dataclass(frozen=True)
class ScriptCounts:
    """What a text is written in: Han characters against Latin words."""

    han: int
    latin_words: int

    @property
    def han_share(self) -> float:
        total = self.han + self.latin_words
        return self.han / total if total else 0.0


@dataclass(frozen=True)
class ScriptTally:
    """Han characters of a text and its Latin words (lower case, each with how often it
    occurs), so its :class:`ScriptCounts` for any set of known words comes from one scan (the
    translator asks with and without the phrasebook's words: ~10 ms a scan at 100,000
    characters)."""

    han: int
    words: dict[str, int]

    def counts(self, known_latin: Collection[str] = ()) -> ScriptCounts:
        if not self.words or not known_latin:  # known_latin is not asked about when no words
            return ScriptCounts(self.han, sum(self.words.values()))
        unknown = sum(n for word, n in self.words.items() if word not in known_latin)
        return ScriptCounts(self.han, unknown)


def script_tally(text: str) -> ScriptTally:
    """The :class:`ScriptTally` of ``text`` (see :func:`script_counts` for what is left out)."""
    rest = _NOT_LANGUAGE_RE.sub(" ", text)
    words: dict[str, int] = {}
    for match in _LATIN_WORD_RE.finditer(rest):
        word = match.group()
        if len(word) == 1 and word not in "IaA":
            continue  # a size or a label (M码, B站), not a word
        if _INITIALISM_RE.fullmatch(word):
            continue
        key = word.lower()
        words[key] = words.get(key, 0) + 1
    return ScriptTally(count_han(rest), words)


def script_counts(text: str, known_latin: Collection[str] = ()) -> ScriptCounts:
    """Han characters and Latin *words* of ``text``, leaving out what is not language.

    Left out: links, e-mail addresses, @handles, #topics#, units and codes (5kg, 36D, u1s1),
    single letters other than I and a (M码), initialisms (DM, OOTD) and any word in
    ``known_latin`` (lower case: the phrasebook's
    brand names and slang such as yyds, vlog, emo).
    """
    return script_tally(text).counts(known_latin)


# A post is Chinese when it has at least as many Han characters as Latin words. An English
# word carries about as much meaning as one to two Han characters, so a Chinese post with a
# few English words (今天的OOTD是vintage风) stays Chinese and an English sentence quoting one
# Chinese word ("what does 种草 mean?") stays English.
CHINESE_SHARE = 0.5


def han_share(text: str, known_latin: Collection[str] = ()) -> float:
    """Share of Han characters among Han characters and Latin words (0.0 when neither)."""
    return script_counts(text, known_latin).han_share


def looks_chinese(text: str, known_latin: Collection[str] = ()) -> bool:
    """True for a Chinese post, including one that mixes in English words, brands or tags."""
    return _chinese(script_counts(text, known_latin))


def _chinese(counts: ScriptCounts) -> bool:
    return counts.han > 0 and counts.han_share >= CHINESE_SHARE


def detect_direction(text: str, known_latin: Collection[str] = ()) -> tuple[str, str]:
    """Pick ``(source, target)``: Chinese->English for a Chinese post, else English->Chinese."""
    return direction_of(script_counts(text, known_latin))


def direction_of(counts: ScriptCounts) -> tuple[str, str]:
    """:func:`detect_direction` from counts already made."""
    return ("zh", "en") if _chinese(counts) else ("en", "zh")


# Sentence ends: Chinese full-width marks, ASCII marks followed by space or end, ellipses,
# and the way posts really end sentences: an emoji run or a space between Chinese words.
# The ASCII alternative may only start where a run of marks starts, so a long run of "?" or
# "." costs one pass, not one pass per mark.
_CLOSERS = "」』”’）)】》\"'"
_EMOJI = "\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55\ufe0f\u200d"
_HAN = HAN_CLASS
_SPLIT_RE = re.compile(
    rf"""(
        [。！？；]+[{_CLOSERS}]*                         # Chinese marks, maybe closed by a quote
      | …+[{_CLOSERS}]*                                  # ellipsis run
      | (?<![.!?;])[.!?;]+[{_CLOSERS}]*(?=\s|$)          # ASCII marks before whitespace or end
      | (?<=[{_HAN}])[{_EMOJI}]+(?=\s*\S)                # emoji closing a Chinese sentence
      | (?<=[{_HAN}])(?=\s+[{_HAN}])                      # a space between Chinese phrases
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Segment:
    """A piece of the input: either a sentence to translate or the whitespace between them.

    Keeping the separators lets a translated text be put back together with the user's own
    line breaks and paragraphs.
    """

    text: str
    translatable: bool


def split_segments(text: str, max_chars: int = 400) -> list[Segment]:
    """Split into sentences and separators; the concatenation of all texts is ``text``.

    Sentences longer than ``max_chars`` (a run-on comment with no punctuation) are cut at a
    comma or space near the limit so no single piece overwhelms the model.
    """
    segments: list[Segment] = []
    for line in re.split(r"(\n+)", text):
        if not line:
            continue
        if line.startswith("\n"):
            segments.append(Segment(line, False))
            continue
        pos = 0
        for match in _SPLIT_RE.finditer(line):
            end = match.end()
            piece = line[pos:end]
            if (
                piece
                and len(piece) <= max_chars
                and not (piece[0].isspace() or piece[-1].isspace())
            ):
                # The usual sentence, nothing around it to split off (what _append_sentence
                # would make of it, without its three strips: ~6 ms at 100,000 characters).
                segments.append(Segment(piece, True))
            else:
                _append_sentence(segments, piece, max_chars)
            pos = end
        if pos < len(line):
            _append_sentence(segments, line[pos:], max_chars)
    return segments


def _append_sentence(segments: list[Segment], piece: str, max_chars: int) -> None:
    stripped = piece.strip()
    if not stripped:
        if piece:
            segments.append(Segment(piece, False))
        return
    lead = piece[: len(piece) - len(piece.lstrip())]
    trail = piece[len(piece.rstrip()) :]
    if lead:
        segments.append(Segment(lead, False))
    for chunk in _cut_long(stripped, max_chars):
        segments.append(Segment(chunk, True))
    if trail:
        segments.append(Segment(trail, False))


def _cut_long(sentence: str, max_chars: int) -> list[str]:
    out: list[str] = []
    start = 0
    end = len(sentence)
    while end - start > max_chars:
        limit = start + max_chars
        cut = max(sentence.rfind(c, start, limit) for c in "，,、 ")
        cut = cut + 1 if cut > start + max_chars // 2 else limit
        out.append(sentence[start:cut])
        start = cut
    if start < end:
        out.append(sentence[start:])
    return out


def split_sentences(text: str) -> list[str]:
    """Just the translatable sentences of ``text``."""
    return [s.text for s in split_segments(text) if s.translatable]


def is_probably_binary(text: str) -> bool:
    """True for pasted data that is not human text (control characters, replacement chars)."""
    if not text:
        return False
    sample = text[:4000]
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
    )
    return bad / len(sample) > 0.1


_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# Category Cc is exactly C0, DEL and C1; newlines and tabs are kept.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]+")


def mark_lone_surrogates(text: str) -> str:
    """Each surrogate code point as U+FFFD, one for one, so offsets into ``text`` still hold
    (a Qt string with a broken pair; :func:`clean_input` may join split pairs instead)."""
    return _SURROGATE_RE.sub("\ufffd", text) if _SURROGATE_RE.search(text) else text


def clean_input(text: str) -> str:
    """Normalise text from outside (argv, stdin, a paste, OCR) once, without changing what it says.

    Joins surrogate pairs that arrive split (some clipboards hand over UTF-16 halves) and turns
    lone surrogates (an undecodable byte in argv) into U+FFFD, so nothing downstream fails to
    encode the text; turns CRLF and CR into LF; drops NULs and other control characters except
    newlines and tabs; and NFC-normalises (so a tone-marked pinyin pasted decomposed matches).
    """
    if _SURROGATE_RE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text)
    return unicodedata.normalize("NFC", text)
