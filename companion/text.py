"""Plain-text helpers shared by every feature: script detection and sentence splitting.

No models: Chinese ends sentences with explicit punctuation, so a character scan splits it
correctly and costs microseconds, where a sentence-boundary model costs a download and
hundreds of milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# CJK Unified Ideographs, Extension A, Compatibility Ideographs and the supplementary planes.
HAN_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
    (0x30000, 0x323AF),
)
# The same ranges as a regular-expression character class body: "[" + HAN_CLASS + "]".
HAN_CLASS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)


def is_han(ch: str) -> bool:
    """True for a single Chinese character (hanzi)."""
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in HAN_RANGES)


# Parts of a post that are names or addresses, not language: a link, an e-mail, an @handle or
# a #topic# says nothing about which language the post is written in.
_NOT_LANGUAGE_RE = re.compile(
    r"""(?:https?://|www\.)\S+                      # links
      | [\w.+-]+@[\w-]+\.[\w.-]+                  # e-mail addresses
      | \b[\w-]+\.(?:com|cn|net|org|io|me|co)\b\S*  # bare domains (xhslink.com/abc)
      | [@#][^\s#@]+\#?                          # @handles, #topics# and #tags
    """,
    re.VERBOSE,
)


def han_share(text: str) -> float:
    """Share of Han characters among the letters of ``text`` (0.0 when it has no letters).

    Digits, punctuation, emoji and spaces do not count, so "666！！" has no letters and
    "小红书 app" is mostly Han. Links, e-mail addresses, @handles and #topics# are left out.
    """
    han = letters = 0
    for ch in _NOT_LANGUAGE_RE.sub(" ", text):
        if is_han(ch):
            han += 1
            letters += 1
        elif ch.isalpha():
            letters += 1
    return han / letters if letters else 0.0


def has_han(text: str) -> bool:
    return any(is_han(ch) for ch in text)


def has_words(text: str) -> bool:
    """True if there is anything to translate: a letter of any script, not only emoji,
    digits or punctuation ("666！！", "😂😂")."""
    return any(ch.isalpha() for ch in text)


def detect_direction(text: str, threshold: float = 0.3) -> tuple[str, str]:
    """Pick ``(source, target)``: Chinese->English when enough of the letters are Han.

    English letters are about four times as many per word as Han characters, so a post that
    is one third Han is still mostly Chinese in meaning; the threshold reflects that.
    """
    return ("zh", "en") if han_share(text) >= threshold else ("en", "zh")


# Sentence ends: Chinese full-width marks, ASCII marks followed by space or end, ellipses,
# and the way posts really end sentences: an emoji run or a space between Chinese words.
_CLOSERS = "」』”’）)】》\"'"
_EMOJI = "\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55\ufe0f\u200d"
_HAN = HAN_CLASS
_SPLIT_RE = re.compile(
    rf"""(
        [。！？；]+[{_CLOSERS}]*             # Chinese marks, maybe closed by a quote
      | …+[{_CLOSERS}]*                     # ellipsis run
      | [.!?;]+[{_CLOSERS}]*(?=\s|$)        # ASCII marks before whitespace or end
      | (?<=[{_HAN}])[{_EMOJI}]+(?=\s*\S)    # emoji closing a Chinese sentence
      | (?<=[{_HAN}])(?=\s+[{_HAN}])          # a space between Chinese phrases
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
            _append_sentence(segments, line[pos:end], max_chars)
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
    rest = sentence
    while len(rest) > max_chars:
        window = rest[:max_chars]
        cut = max(window.rfind(c) for c in "，,、 ")
        cut = cut + 1 if cut > max_chars // 2 else max_chars
        out.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        out.append(rest)
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


def clean_input(text: str) -> str:
    """Normalise pasted text without changing what it says.

    Drops NULs and other C0 controls except newlines/tabs, turns CRLF into LF, and NFC-normalises
    (so a tone-marked pinyin pasted in decomposed form matches).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return unicodedata.normalize("NFC", text)
