"""Grammar rules for polyphones the words and the context model both get wrong.

The context model (``companion.polyphones``) learned from encyclopedia sentences; in chat it
reads 太重了 as chóng and 教我 as jiào, with full confidence. These rules come from how the
grammar constrains a character, not from single sentences, and run before the model on the
characters the words leave open:

- an adjective after a degree adverb (很长 cháng, 太重 zhòng, 好累 lèi, 太干 gān);
- a measure word after a numeral or a demonstrative (一只 zhī, 一处 chù, 一觉 jiào);
- a verb before an aspect marker, in 数一数 or after an auxiliary (长了 zhǎng, 教我 jiāo);
- 还 returning something: before money, a loan or a book, or closing a clause after its
  object (还你钱, 下周还你: huán), since the adverb hái needs a predicate after it;
- 得 as "must" (我得走 děi) or "got" (我得了感冒 dé), after a verb the particle de;
- 过 after a verb, the aspect particle (去过 guo); 着 as a result (睡不着, 没找着 zháo);
- a few verbs known by what follows them (长高 zhǎng, 重做 chóng, 弹钢琴 tán).

Besides, a one-syllable verb said twice takes the neutral tone the second time (说说, 想想),
and a directional complement after a verb its neutral reading (走过来 zǒu guo lai).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar


class RuledWord(Protocol):
    text: str
    simplified: str
    is_chinese: bool
    numbers: list[str]


class Lexicon(Protocol):
    def is_verb(self, word: str) -> bool: ...

    def readings(self, word: str) -> list[str]: ...


W = TypeVar("W", bound=RuledWord)

DEGREE_ADVERBS = (
    "很", "太", "好", "真", "超", "超级", "特别", "非常", "有点", "有点儿", "有些", "这么",
    "那么", "多么", "挺", "比较", "更", "更加", "最", "蛮", "贼", "巨", "十分", "相当", "极",
    "极其", "过于", "不太", "越来越", "还挺", "也太",
)  # fmt: skip
ADJECTIVE_READINGS = {
    "长": "chang2", "重": "zhong4", "难": "nan2", "干": "gan1", "差": "cha4", "累": "lei4",
    "少": "shao3", "空": "kong1", "薄": "bao2", "晕": "yun1", "卷": "juan3", "背": "bei4",
    "冲": "chong4", "假": "jia3", "凉": "liang2", "散": "san3", "强": "qiang2", "好": "hao3",
    "大": "da4", "正": "zheng4", "横": "heng4",
}  # fmt: skip
MEASURE_READINGS = {
    "只": "zhi1", "处": "chu4", "觉": "jiao4", "种": "zhong3", "把": "ba3",
    "间": "jian1", "片": "pian4", "号": "hao4", "发": "fa1",
}  # fmt: skip
_COUNTERS = set("零〇一二两三四五六七八九十百千万几每这那哪半")
VERB_READINGS = {
    "数": "shu3", "量": "liang2", "称": "cheng1", "教": "jiao1", "种": "zhong4", "长": "zhang3",
    "缝": "feng2", "钻": "zuan1",
}  # fmt: skip
_ASPECT_AFTER = ("了", "着", "过", "得")
_AUXILIARIES_BEFORE = ("会", "能", "想", "要", "正在", "别", "可以", "不会")
_PRONOUNS = ("我们", "你们", "他们", "她们", "大家", "人家", "我", "你", "他", "她", "它", "您")
_RETURNED = re.compile(
    "^(?:我们|你们|他们|她们|人家|我|你|他|她|它|您)?"
    "(?:钱|书|债|款|贷款|房贷|车贷|花呗|信用卡|账|人情)"
)
_RETURN_TO = re.compile("(?:我们|你们|他们|她们|人家|我|你|他|她|它|您)?")
_NOT_FOUND = re.compile("没.$")
_GROWN = ("高", "胖", "壮", "痘", "斑", "肉", "出", "满", "歪")
_REDONE = tuple("做写来拍装买选考开启建修读画剪练录播")
_INSTRUMENTS = ("钢琴", "吉他", "琴", "古筝", "琵琶", "贝斯", "尤克里里", "键盘")
_DEI_BEFORE = frozenset(
    [
        "我",
        "你",
        "他",
        "她",
        "它",
        "咱",
        "您",
        "我们",
        "你们",
        "他们",
        "她们",
        "咱们",
        "谁",
        "也",
        "就",
        "还",
        "都",
        "必须",
        "总",
        "又",
        "先",
        "还是",
        "真",
    ]
)


def apply_rules(
    words: Sequence[W], open_: list[tuple[W, int, tuple[str, ...]]], lexicon: Lexicon
) -> None:
    """Settle what the rules decide: set the reading and drop the slot from ``open_``."""
    runs = _Runs(words)
    settled: set[tuple[int, int]] = set()
    for word, i, _options in open_:
        k = runs.index_of[id(word)]
        before, after = runs.context(k, i)
        alone = len(word.simplified) == 1
        reading = _rule_reading(
            word.simplified[i], before, after, runs.closed(k), lexicon.is_verb, alone
        )
        if reading:
            keep_capital = word.numbers[i][:1].isupper()
            word.numbers[i] = reading.capitalize() if keep_capital else reading
            settled.add((id(word), i))
    _particle_de(words, settled)
    open_[:] = [slot for slot in open_ if (id(slot[0]), slot[1]) not in settled]


def apply_tone_rules(words: Sequence[RuledWord], lexicon: Lexicon) -> None:
    """The neutral tones of doubled verbs and directional complements: after the context
    model, which reads each character in its full tone."""
    _directional_complements(words, lexicon)
    _verb_reduplication(words, lexicon)


def _rule_reading(
    ch: str,
    before: str,
    after: str,
    closed: bool,
    is_verb: Callable[[str], bool],
    alone: bool,
) -> str:
    """The reading a rule gives ``ch`` between ``before`` and ``after`` (its run of Chinese
    words, a few characters each way), or ''. ``closed``: punctuation or the end follows;
    ``alone``: ``ch`` is a word by itself (not inside a compound jieba lists, as 教学)."""
    if ch in ADJECTIVE_READINGS and before.endswith(DEGREE_ADVERBS):
        return ADJECTIVE_READINGS[ch]
    if ch in MEASURE_READINGS and before[-1:] in _COUNTERS:
        return MEASURE_READINGS[ch]
    if (
        ch in VERB_READINGS
        and alone
        and (
            after.startswith(_ASPECT_AFTER)
            or before.endswith(_AUXILIARIES_BEFORE)
            or after.startswith("一" + ch)
            or before.endswith(ch + "一")
            or (ch == "教" and after.startswith(_PRONOUNS))
        )
    ):
        return VERB_READINGS[ch]
    if ch == "还" and (_RETURNED.match(after) or (closed and _RETURN_TO.fullmatch(after))):
        return "huan2"  # 还你钱; 下周还你; 什么时候还
    if ch == "着" and (before.endswith(("不", "得")) or _NOT_FOUND.search(before)):
        return "zhao2"  # 睡不着, 找得着, 没找着: the result "reach", not the particle
    if ch == "过" and before and is_verb(before[-1]) and not after.startswith(("来", "去")):
        return "guo5"  # 去过, 看过: the aspect particle
    if ch == "长" and after.startswith(_GROWN):
        return "zhang3"  # 长高, 长痘: to grow
    if ch == "重" and after.startswith(_REDONE):
        return "chong2"  # 重做, 重拍: again
    if ch == "弹" and (after.startswith(_INSTRUMENTS) or after.startswith(_ASPECT_AFTER)):
        return "tan2"  # 弹钢琴, 弹得很好: to play
    return ""


def _particle_de(words: Sequence[RuledWord], settled: set[tuple[int, int]]) -> None:
    """得 (de/děi/dé) and 地 (de/dì) as single words, by their neighbours."""
    for k, word in enumerate(words):
        if not word.is_chinese or word.simplified not in ("得", "地"):
            continue
        prev = words[k - 1] if k and words[k - 1].is_chinese else None
        nxt = words[k + 1] if k + 1 < len(words) and words[k + 1].is_chinese else None
        reading = ""
        if word.simplified == "得":
            if prev is not None and prev.simplified in _DEI_BEFORE:
                # 我得走 "must"; 我得了感冒 "got"
                got = nxt is not None and nxt.simplified.startswith(("了", "到"))
                reading = "de2" if got else "dei3"
            elif prev is not None:
                reading = "de5"  # 跑得快: the complement particle
        elif prev is not None and nxt is not None and len(prev.text) >= 2:
            reading = "de5"  # 慢慢地走: the adverbial particle
        if reading:
            word.numbers = [reading]
            settled.add((id(word), 0))


def _verb_reduplication(words: Sequence[RuledWord], lexicon: Lexicon) -> None:
    """说说, 想想, 试试: the second of a doubled one-syllable verb is neutral, unless the
    dictionary gives the pair a reading of its own (偷偷 tōutōu "secretly")."""
    chars: list[tuple[RuledWord, int]] = []
    for word in [*words, None]:
        if word is not None and word.is_chinese:
            if lexicon.readings(word.simplified) and len(word.simplified) > 1:
                chars.append((word, -1))  # a dictionary word: its reading stands
            else:
                chars.extend((word, i) for i in range(len(word.simplified)))
            continue
        for n in range(1, len(chars)):
            (first, i), (second, j) = chars[n - 1], chars[n]
            if i < 0 or j < 0:
                continue
            ch = first.simplified[i]
            if (
                second.simplified[j] == ch
                and lexicon.is_verb(ch)
                and (n < 2 or chars[n - 2][1] < 0 or _char(chars[n - 2]) != ch)
                and (n + 1 >= len(chars) or chars[n + 1][1] < 0 or _char(chars[n + 1]) != ch)
                and first.numbers[i].lower() == second.numbers[j].lower()
            ):
                second.numbers[j] = _neutral(second.numbers[j])
        chars = []


def _char(item: tuple[RuledWord, int]) -> str:
    return item[0].simplified[item[1]]


_NOT_ACTIONS = frozenset(
    [
        "没",
        "没有",
        "不",
        "别",
        "未",
        "已",
        "已经",
        "要",
        "会",
        "能",
        "想",
        "快",
        "才",
        "就",
        "也",
        "都",
        "还",
        "又",
        "再",
        "该",
    ]
)
_DIRECTIONAL = frozenset(
    [
        "过来",
        "过去",
        "起来",
        "出来",
        "回来",
        "下来",
        "上来",
        "进来",
        "出去",
        "回去",
        "下去",
        "上去",
        "进去",
        "开来",
        "起去",
    ]
)


def _directional_complements(words: Sequence[RuledWord], lexicon: Lexicon) -> None:
    """走过来, 走了过来: a directional complement after a verb takes the dictionary's
    neutral-tone reading of it, where the dictionary has one (guo4 lai5)."""
    for k, word in enumerate(words):
        if k == 0 or not word.is_chinese or word.simplified not in _DIRECTIONAL:
            continue
        prev = words[k - 1]
        if prev.is_chinese and prev.simplified == "了" and k >= 2:
            prev = words[k - 2]
        if (
            not prev.is_chinese
            or prev.simplified in _NOT_ACTIONS
            or not lexicon.is_verb(prev.simplified[-1:])
        ):
            continue  # 还没出来: the word is the main verb, chū lái
        for reading in lexicon.readings(word.simplified):
            syllables = reading.split()
            if len(syllables) == len(word.numbers) and syllables[-1].endswith("5"):
                word.numbers = [s.lower() for s in syllables]
                break


def _neutral(syllable: str) -> str:
    return syllable[:-1] + "5" if syllable[-1:].isdigit() else syllable


class _Runs:
    """Consecutive Chinese words (no punctuation or other text between them)."""

    def __init__(self, words: Sequence[RuledWord]) -> None:
        self.words = words
        self.index_of: dict[int, int] = {}
        self.run_of: list[int] = []
        run = 0
        for k, word in enumerate(words):
            self.index_of[id(word)] = k
            if not word.is_chinese:
                run += 1
            self.run_of.append(run)

    def _chinese(self, k: int) -> bool:
        return 0 <= k < len(self.words) and self.words[k].is_chinese

    def context(self, k: int, i: int) -> tuple[str, str]:
        """The text of the run before and after character ``i`` of word ``k``."""
        word = self.words[k]
        before = [word.simplified[:i]]
        j = k - 1
        while self._chinese(j) and sum(map(len, before)) < 6:
            before.insert(0, self.words[j].simplified)
            j -= 1
        after = [word.simplified[i + 1 :]]
        j = k + 1
        while self._chinese(j) and sum(map(len, after)) < 6:
            after.append(self.words[j].simplified)
            j += 1
        return "".join(before), "".join(after)

    def closed(self, k: int) -> bool:
        """Whether the run of word ``k`` is followed by punctuation, a line end or nothing."""
        j = k + 1
        while self._chinese(j):
            j += 1
        if j >= len(self.words):
            return True
        following = self.words[j].text.lstrip(" ")
        return not following or unicodedata.category(following[0])[0] in "PZC"
