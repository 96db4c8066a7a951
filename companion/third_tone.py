"""Third-tone sandhi: the tones a run of third tones is spoken in (你好 ní hǎo).

A third tone before another third tone is spoken as a second tone. In a longer run the
change follows how the words group, innermost first: inside a word's dictionary parts, then
between those parts, then between words, each level from right to left, so 展览馆 (展览 +
馆) is zhán lán guǎn, 小老虎 (小 + 老虎) xiǎo láo hǔ, and 我很好 wǒ hén hǎo. A neutral
tone or any other tone ends the run. The written tones are kept: this computes the spoken
ones, which a reading view may show beside them (``Word.spoken``), as a teacher writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Protocol


class SpokenWord(Protocol):
    simplified: str
    is_chinese: bool
    numbers: list[str]
    spoken: list[str]


def _tone(syllable: str) -> int:
    return int(syllable[-1]) if syllable[-1:].isdigit() else 0


def _second(syllable: str) -> str:
    return syllable[:-1] + "2"


def apply_third_tone(words: Sequence[SpokenWord], parts_of: Callable[[str], list[str]]) -> None:
    """Fill each Chinese word's ``spoken`` with its syllables as spoken (tone numbers).

    ``parts_of`` splits a word of three or more characters into the dictionary words it is
    made of (``Dictionary.split_word``); a word whose parts do not cover it reads as one group.
    """
    run: list[SpokenWord] = []
    for word in [*words, None]:
        if word is not None and word.is_chinese:
            word.spoken = list(word.numbers)
            run.append(word)
            continue
        if run:
            _run(run, parts_of)
        run = []


def _run(run: list[SpokenWord], parts_of: Callable[[str], list[str]]) -> None:
    for word in run:
        groups = _groups(word, parts_of)
        for start, end in groups:  # inside each group, right to left, by the written tones
            for k in range(end - 2, start - 1, -1):
                if _tone(word.numbers[k]) == 3 and _tone(word.numbers[k + 1]) == 3:
                    word.spoken[k] = _second(word.spoken[k])
        for (_, end), (start, _) in reversed(list(pairwise(groups))):
            _join(word, end - 1, word, start)  # between the word's parts
    for left, right in reversed(list(pairwise(run))):
        if left.spoken and right.spoken:
            _join(left, len(left.spoken) - 1, right, 0)  # between words


def _join(left: SpokenWord, i: int, right: SpokenWord, j: int) -> None:
    if _tone(left.spoken[i]) == 3 and _tone(right.spoken[j]) == 3:
        left.spoken[i] = _second(left.spoken[i])


def _groups(word: SpokenWord, parts_of: Callable[[str], list[str]]) -> list[tuple[int, int]]:
    """(start, end) of each dictionary part of ``word`` (one group for a short word)."""
    size = len(word.numbers)
    if size < 3 or len(word.simplified) != size:
        return [(0, size)]
    parts = parts_of(word.simplified)
    if len(parts) < 2 or sum(map(len, parts)) != size:
        return [(0, size)]
    out, at = [], 0
    for part in parts:
        out.append((at, at + len(part)))
        at += len(part)
    return out
