"""Word segmentation by frequency: the cheapest path through the graph of dictionary words.

Every way to cover a run of hanzi with words (dictionary words, extra words, a number, or a
single character) is a path; a word costs its negative log probability (its frequency in
jieba's list, ``companion.dictionary.frequency``), so the best path is the likeliest
sentence under a unigram model: the approach jieba takes without its HMM. A rare dictionary
word thus never beats two common ones (评论区的姐妹: 的 + 姐妹, not 的姐 "female taxi driver").

Unknown runs stay single characters: each then takes its reading from the dictionary or,
for a polyphone, from the context model (``companion.polyphones``), so no HMM is needed to
guess new words. Numbers written in Chinese (一万二, 三千五百) are one word when they parse
as a number.

Runs only over simplified text: the dictionary converts traditional text first.
"""

from __future__ import annotations

from collections.abc import Mapping

from companion.dictionary.frequency import NO_WORD

DIGITS = "零〇一二两三四五六七八九"
UNITS = "十百千万亿"
NUMERALS = frozenset(DIGITS + UNITS)
_UNIT_RANK = {"十": 1, "百": 2, "千": 3, "万": 4, "亿": 8}


def is_number(word: str) -> bool:
    """True for a Chinese numeral a person writes: 十一, 两百, 三千五, 一万二, 一九九八.

    Digits with units in falling order (万 and 亿 may follow smaller units: 三千万), one
    trailing digit after a unit (一万二 = 12,000), or three or more bare digits (a year, a
    phone number). Not idioms made of numerals: 万一, 千万, 一一, 三三两两.
    """
    if len(word) < 2 or not all(ch in NUMERALS for ch in word):
        return False
    if all(ch in DIGITS for ch in word):
        return len(word) >= 3
    previous_unit = 99
    digit_before = word[0] == "十"  # 十一 = 11: a leading 十 needs no digit
    for k, ch in enumerate(word):
        if ch in DIGITS:
            if k and word[k - 1] in DIGITS and not (word[k - 1] in "零〇"):
                return False  # two digits in a row inside a unit number: 一二百
            digit_before = True
            continue
        rank = _UNIT_RANK[ch]
        if not digit_before and not (k == 0 and ch == "十"):
            return False
        if rank >= previous_unit and rank < 4:
            return False  # 百百, 十百
        previous_unit = rank if rank < 4 else 99
        digit_before = False
    return True


class Segmenter:
    """The best path over word costs (see module docstring). Holds no text; thread-safe.

    ``index`` maps words to packed values whose low bits are the cost (``NO_WORD``: not a
    segmentation word); ``extra`` maps extra words (phrasebook, supplement) to their cost;
    ``first_max`` gives the longest word starting with each character.
    """

    def __init__(
        self,
        index: Mapping[str, int],
        first_max: Mapping[str, int],
        unknown_cost: int,
        extra: Mapping[str, int],
        extra_max: Mapping[str, int],
        word_cost: int = 0,
        number_cost: int = 1100,
    ) -> None:
        self.index = index
        self.first_max = first_max
        self.unknown_cost = unknown_cost
        self.extra = extra
        self.extra_max = extra_max
        self.word_cost = word_cost  # added per word: > 0 favours fewer, longer words
        self.number_cost = number_cost

    def base_cost(self, word: str) -> int | None:
        """The frequency cost of ``word`` from the index alone (None: not a word)."""
        value = self.index.get(word)
        if value is None:
            return None
        cost = value & NO_WORD
        return None if cost == NO_WORD else cost

    def split(self, run: str, *, without: str = "", use_extra: bool = True) -> list[int]:
        """Word lengths of the best path over ``run`` (a string of hanzi).

        ``without`` is left out as a word (to price an extra word against its own parts).
        """
        return self._solve(run, without, use_extra)[1]

    def path_cost(self, run: str, *, without: str = "", use_extra: bool = False) -> int:
        """The total cost of the best path over ``run``."""
        return self._solve(run, without, use_extra)[0]

    def _solve(self, run: str, without: str, use_extra: bool) -> tuple[int, list[int]]:
        n = len(run)
        index, extra = self.index, (self.extra if use_extra else {})
        first_max = self.first_max
        extra_max = self.extra_max if use_extra else {}
        unknown, per_word = self.unknown_cost, self.word_cost
        best = [0] * (n + 1)
        length = [1] * (n + 1)
        number_end = _number_runs(run)
        for k in range(n - 1, -1, -1):
            ch = run[k]
            cost = extra.get(ch)
            if cost is None:
                value = index.get(ch)
                cost = unknown if value is None or value & NO_WORD == NO_WORD else value & NO_WORD
            chosen, total = 1, cost + per_word + best[k + 1]
            top = min(max(first_max.get(ch, 1), extra_max.get(ch, 1)), n - k)
            for size in range(2, top + 1):
                word = run[k : k + size]
                cost = extra.get(word)
                if cost is None:
                    value = index.get(word)
                    if value is None:
                        continue
                    cost = value & NO_WORD
                    if cost == NO_WORD:
                        continue
                if word == without:
                    continue
                option = cost + per_word + best[k + size]
                if option <= total:
                    chosen, total = size, option
            end = number_end[k]
            if end - k >= 2 and end - k > chosen:
                word = run[k:end]
                if word != without and is_number(word):
                    option = self.number_cost + per_word + best[end]
                    if option <= total:
                        chosen, total = end - k, option
            best[k] = total
            length[k] = chosen
        out = []
        k = 0
        while k < n:
            out.append(length[k])
            k += length[k]
        return best[0], out


def _number_runs(run: str) -> list[int]:
    """For each position, where the run of numeral characters starting there ends."""
    ends = [0] * (len(run) + 1)
    end = len(run)
    for k in range(len(run) - 1, -1, -1):
        if run[k] not in NUMERALS:
            end = k
            ends[k] = k
        else:
            ends[k] = end
    return ends
