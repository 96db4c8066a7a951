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

import re
from collections.abc import Mapping

from companion.dictionary.frequency import NO_WORD, VERB

DIGITS = "零〇一二两三四五六七八九"
UNITS = "十百千万亿"
NUMERALS = frozenset(DIGITS + UNITS)
_NUMERAL_RUN = re.compile(f"[{DIGITS}{UNITS}]{{2,}}")
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
        return len(word) >= 3 and "两" not in word  # years, phone numbers: never 两
    previous_unit = 99
    digit_before = False
    for k, ch in enumerate(word):
        if ch in DIGITS:
            if k and word[k - 1] in DIGITS and word[k - 1] not in "零〇":
                return False  # two digits in a row inside a unit number: 一二百
            digit_before = True
            continue
        rank = _UNIT_RANK[ch]
        if rank >= 4:  # 万 and 亿 close a group: 三千万, 一万二
            if k == 0:
                return False
            previous_unit, digit_before = 99, False
            continue
        if not digit_before and not (k == 0 and ch == "十"):
            return False  # 百百, 千万
        if rank >= previous_unit:
            return False  # 十百
        previous_unit, digit_before = rank, False
    return True


# Auxiliaries: a verb almost always follows, so a path that puts one before a verb earns
# ``modal_bonus`` (a class bigram on top of the unigram costs): 学生会说中文 reads
# 学生 + 会 + 说 + 中文 ("students can speak Chinese"), while 学会说 and 工会说, whose
# words are far more common than their parts, stay whole.
MODALS = frozenset(
    [
        "会", "能", "能够", "要", "想", "可以", "可能", "应该", "应当", "敢", "肯", "愿意",
        "必须", "需要", "不会", "不能", "不要", "不想", "不敢", "不肯", "不愿意", "不可以",
        "不应该", "不必", "还会", "还能", "还要", "还想", "也会", "也能", "也要", "也想", "就会",
        "就能", "就要", "都会", "都能", "才会", "才能",
    ]
)  # fmt: skip
# 比 X 还/更 Y: in a comparison the adverb and the adjective are two words (比我英语还好,
# "even better than my English"), not the word 还好 ("not bad").
_COMPARATIVE_ADVERBS = "还更"
# verbs of remembering and feeling ending in 得, which take a clause after them
_THINKING = frozenset(["记得", "觉得", "晓得", "懂得", "认得"])
# result complements after a verb (收到, 用完, 收好): 没 then such a verb is its negation
_RESULTS = frozenset("到好完下起住掉齐走")
# records one writes (记 "a record"): before 得 and a verb they are what must be written
# (笔记得记好, 日记得每天写: 得 děi), not a character + 记得 "remember"
_RECORDS = frozenset(["笔记", "日记", "周记", "游记", "札记", "传记", "杂记", "随记"])
# what makes a lone character before 记得 a word of its own (这周 + 记得, 上周 + 记得)
_DEICTIC = frozenset("这那上下每本今明昨前后一两几半某")


_COUNTING = frozenset(DIGITS + "几半")
# A drama's cast as fans write it (男主, 女二, 男配: supplement words): one word, as common
# in comments as 男 alone, so it beats the words it would otherwise be cut into (男主帅:
# 男主 + 帅, not 男 + 主帅 "commander"), unless its second character starts a longer word
# (男主人, 女一起, 男二十岁: the dictionary's and the numbers' paths decide)
CAST_ROLES = frozenset([*(a + b for a in "男女" for b in "主配一二三"), "男女主", "男女配"])
ROLE_COST = 800
_ROLE_THEN = {
    "主": frozenset("人持播页动要见意任席管流题导场角"),
    "配": frozenset("合置音件乐送偶备方角套饰色"),
    "一": frozenset("十百千万个次天些点下样起直定般切共同边半号"),
    "二": frozenset("十百千万个次天号手"),
    "三": frozenset("十百千万个次天号"),
}
# verbs one puts one's mind to: before 点心 they take 点 "a bit" + 心 "mind" (长点心 "grow
# some sense", 上点心, 用点心: xīn), not the word 点心 "snacks" (吃点心, 小点心)
_MINDING = frozenset("长上用走留操费")
_MINDER = frozenset("你我他她也都就多要得请再")


def _split_minding(run: str, lengths: list[int]) -> list[int]:
    """A lone verb of ``_MINDING`` then the word 点心: 点 + 心 (see ``_MINDING``)."""
    out: list[int] = []
    at = 0
    for n, size in enumerate(lengths):
        if (
            size == 2
            and run[at : at + 2] == "点心"
            and n
            and lengths[n - 1] == 1
            and run[at - 1] in _MINDING
            # 上 also closes a verb (端上点心 "serve snacks"): only after a subject or an
            # adverb, or opening the run (你上点心, 上点心吧)
            and (run[at - 1] != "上" or at == 1 or run[at - 2] in _MINDER)
        ):
            out.extend((1, 1))
        else:
            out.append(size)
        at += size
    return out


class Segmenter:
    """The best path over word costs (see module docstring). Holds no text; thread-safe.

    ``index`` maps words to packed values whose low bits are the cost (``NO_WORD``: not a
    segmentation word) and the verb flag; ``extra`` maps extra words (phrasebook,
    supplement) to their cost; ``first_max`` gives the longest word starting with each
    character.
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
        modal_bonus: int = 0,
    ) -> None:
        self.index = index
        self.first_max = first_max
        self.unknown_cost = unknown_cost
        self.extra = extra
        self.extra_max = extra_max
        self.word_cost = word_cost  # added per word: > 0 favours fewer, longer words
        self.number_cost = number_cost
        self.modal_bonus = modal_bonus

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
        excluded = frozenset((without,)) if without else frozenset()
        lengths = self._solve(run, excluded, use_extra)[1]
        lengths = self._verbs_of_thinking(run, lengths)
        lengths = _split_minding(run, lengths)
        lengths = self._negated_results(run, lengths)
        return self._split_comparatives(run, lengths, excluded, use_extra)

    def _verbs_of_thinking(self, run: str, lengths: list[int]) -> list[int]:
        """A noun then a lone 得 where the noun's last character and 得 make a verb of
        remembering or feeling: that verb, not the noun (图书馆的书记得还: 书 + 记得, not
        书记 + 得). The particle 得 follows a verb or an adjective, never a noun such as
        书记; 得 "must" or "got" after one is kept (书记得了奖: 了 follows). A record one
        writes (``_RECORDS``) is the other way round: 笔记得记好, 日记得每天写 are the
        record + 得 "must", whichever path the costs gave."""
        at = 0
        out = list(lengths)
        for n in range(len(out) - 1):
            size = out[n]
            end = at + size
            if run[end : end + 1] == "得" and run[end + 1 : end + 2] in ("了", "到", "出", ""):
                at += size
                continue
            if (
                size >= 2
                and out[n + 1] == 1
                and run[end] == "得"
                and run[end - 1] + "得" in _THINKING
                and run[at:end] not in _RECORDS
                and not self._is_verb(run[at:end])
                and self.base_cost(run[at : end - 1]) is not None
            ):
                out[n], out[n + 1] = size - 1, 2
            elif (
                size == 1
                and out[n + 1] == 2
                and run[end : end + 2] == "记得"
                and run[at] + "记" in _RECORDS
                and not (n and out[n - 1] == 1 and run[at - 1] in _DEICTIC)
            ):
                out[n], out[n + 1] = 2, 1  # 日 + 记得 + 写 -> 日记 + 得 + 写
            at += out[n]
        return out

    def _negated_results(self, run: str, lengths: list[int]) -> list[int]:
        """没 + a verb with its result: a word 没X (没收 "confiscate", 没用 "useless") then
        a lone result complement that makes X + it a word reads 没 + X-result (没收到 "did
        not receive", 没用完 "not used up"); 没收了, 没收走私品 keep 没收."""
        at = 0
        out = list(lengths)
        for n in range(len(out) - 1):
            end = at + out[n]
            if (
                out[n] == 2
                and run[at] == "没"
                and out[n + 1] == 1
                and run[end] in _RESULTS
                and self.base_cost(run[at + 1 : end + 1]) is not None
            ):
                out[n], out[n + 1] = 1, 2
            at += out[n]
        return out

    def _is_verb(self, word: str) -> bool:
        value = self.index.get(word)
        return value is not None and bool(value & VERB)

    def path_cost(self, run: str, *, without: str = "", use_extra: bool = False) -> int:
        """The total cost of the best path over ``run``."""
        return self._solve(run, frozenset((without,)) if without else frozenset(), use_extra)[0]

    def _solve(self, run: str, excluded: frozenset[str], use_extra: bool) -> tuple[int, list[int]]:
        # best[k]: cheapest path over run[k:]; verb_first[k]: the same among paths whose
        # first word is a verb (for the auxiliary bonus). Each remembers its first word's
        # length and whether the path after that word must start with a verb.
        n = len(run)
        big = 1 << 40
        index = self.index
        extra = self.extra if use_extra else {}
        first_max = self.first_max
        extra_max = self.extra_max if use_extra else {}
        unknown, per_word, bonus = self.unknown_cost, self.word_cost, self.modal_bonus
        best = [big] * n + [0]
        verb_first = [big] * (n + 1)
        best_step = [(1, False)] * (n + 1)
        verb_step = [(1, False)] * (n + 1)
        numbers = {m.start(): m.end() for m in _NUMERAL_RUN.finditer(run)}
        for k in range(n - 1, -1, -1):
            ch = run[k]
            top = min(max(first_max.get(ch, 1), extra_max.get(ch, 1)), n - k)
            for size in range(1, top + 1):
                word = ch if size == 1 else run[k : k + size]
                value = index.get(word)
                cost = extra.get(word)
                if (
                    cost is not None
                    and k
                    and run[k - 1] in _COUNTING
                    and run[k - 1 : k + 1] in index
                ):
                    # 一年假的: after a numeral an extra word gets no margin (一年 + 假), a
                    # dictionary word only its own cost
                    cost = None
                if cost is not None and word in CAST_ROLES:
                    if run[k + size : k + size + 1] in _ROLE_THEN[word[-1]]:
                        continue  # 女主播: 女 + 主播
                    cost = min(cost, ROLE_COST)
                if cost is None:
                    if value is None or value & NO_WORD == NO_WORD:
                        if size > 1:
                            continue
                        cost = unknown  # a character no list knows: a word of its own
                    else:
                        cost = value & NO_WORD
                if size > 1 and word in excluded:
                    continue
                tail, tail_verb = best[k + size], False
                if bonus and word in MODALS and verb_first[k + size] - bonus < tail:
                    tail, tail_verb = verb_first[k + size] - bonus, True
                total = cost + per_word + tail
                if total <= best[k]:  # ties go to the longer word
                    best[k], best_step[k] = total, (size, tail_verb)
                if value is not None and value & VERB and total <= verb_first[k]:
                    verb_first[k], verb_step[k] = total, (size, tail_verb)
            end = numbers.get(k, 0)
            if end - k >= 2:
                word = run[k:end]
                if word not in excluded and is_number(word):
                    total = self.number_cost + per_word + best[end]
                    if total <= best[k]:
                        best[k], best_step[k] = total, (end - k, False)
        out = []
        k, want_verb = 0, False
        while k < n:
            size, want_next = verb_step[k] if want_verb else best_step[k]
            out.append(size)
            k += size
            want_verb = want_next
        return best[0], out

    def _split_comparatives(
        self, run: str, lengths: list[int], excluded: frozenset[str], use_extra: bool
    ) -> list[int]:
        """After a standalone 比, 还/更 stand alone: the rest of the run is solved again
        without the words 还好, 更好... (see _COMPARATIVE_ADVERBS)."""
        at = 0
        for number, size in enumerate(lengths):
            if size == 1 and run[at] == "比":
                rest = run[at + 1 :]
                adverb_words = {
                    rest[k : k + 2]
                    for k in range(len(rest) - 1)
                    if rest[k] in _COMPARATIVE_ADVERBS and rest[k : k + 2] not in excluded
                }
                if not adverb_words:
                    return lengths
                tail = self._solve(rest, excluded | adverb_words, use_extra)[1]
                return lengths[: number + 1] + tail
            at += size
        return lengths
