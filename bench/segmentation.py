"""Word segmentation and whole-sentence pinyin on hand-checked RedNote-style sentences.

Run: ``.venv/bin/python bench/segmentation.py [--show-errors]``. The sentences (posts and
comments with the traps of issue 12 and others like them, simplified and traditional) were
written and annotated for this bench, in sets written one after the other:
``segmentation.tsv`` (293 sentences) and ``segmentation-heldout.tsv`` (120), whose errors
shaped the grammar rules of ``companion.reading_rules`` as classes (never sentence by
sentence), ``segmentation-heldout2.tsv`` (109), written after that and measured once (93.6%),
then, in the second round, ``segmentation-fresh.tsv`` (324), written before any rule of that
round changed and measured before (79.9%) and after it, and ``segmentation-fresh2.tsv`` (80),
written after the round's rules and measured once (86.2%) before the classes its misses
showed were generalised, and ``segmentation-fresh3.tsv`` (95), written after every rule
change of the round and measured once, as it stands; in the third round,
``segmentation-fresh4.tsv`` (149), written and hand-checked before any output on it was
seen and measured blind before the round's changes (94.0%), which came from CPP dev and
the earlier sets only; in the fourth round, the classes fresh 4's misses showed (累 lèi,
还 giving back to a person, 和 huó, 上头 by its sense, 显白 xiǎnbái) were generalised from
it, one of its golds corrected (口音: 现代汉语词典's kǒuyin for "accent", CC-CEDICT's
first reading, accepted beside kǒuyīn), then ``segmentation-fresh5.tsv`` (192) was written
and hand-checked after those changes, before any output on it was seen, and measured once,
blind: 93.8% (95.3% once three wrong golds were corrected); the classes its misses showed
were generalised after that run, with more from CPP dev, so its later figure is not blind.
In the fifth round no set was written here (another helper writes the next blind set
apart): the classes of the round came from the misses left in fresh, fresh 2 and fresh 3
(书 + 记得, 好学 hào, 落 là, 一打 dá, 床铺 pū, 卡住 qiǎ, 当我没说 dàng), the lead's
list of misses seen in use (长长见识, 下头, 应) and sentences probed outside every set,
each class generalised with its contrasts and tests; so those three sets' 100% (from
98.8/98.8/97.9%) is not blind, and no figure of this round is.
``segmentation-fresh6.tsv`` (214) was written apart by a helper who never ran the reader,
after the fifth round; measured once, blind: 94.4% (its header lists the misses). In the
sixth round its misses were generalised as classes, each with contrasts and tests (比 + X +
还 hái, 得 děi after a time word or a subject, 处得 chǔ, 调得/调滤镜 tiáo, 薄 báo, 分量
fènliang, 再累 lèi, 年 + 假 jià, 待 dāi, the suffix 子 in 狗子, 精神 jīngshen): its 100%
after that round is not blind.
Seventh reading round (branch reading8): no set was read here; the classes came from misses
seen in use (年假, 男二/男主, 精神点, 待到很晚, 笔记得记好, 长点心) and sentences probed
outside every set, and no figure of this round is blind.
``segmentation-fresh7.tsv`` (342) was written apart by a helper who never ran the reader, after
the sixth round; measured once, blind, before the seventh: 93.0% (its header lists the misses).
In the seventh round its misses were generalised as classes with contrasts and tests (没 +
收到, 倒 dào, 当 dàng, 调 tiáo, 只 zhī, 乐 lè, 干 gān, 数 shǔ/shù, 还上 huán, 为 wèi, 得 děi
after a topic, 没V过 guo, 卷 juǎn, 薄薄地, 空地, 上相, 查重, 出来 as complement or main
verb) and three golds widened (路上 shàng/shang, as 身上; 招牌菜 and 糖醋里脊 also as
CC-CEDICT writes those compounds): 100% after, not blind.
The first figure of each later set is the honest one.
Three readers get each sentence in turn
(interleaved):

- ours: ``companion.pinyin.annotate`` after ``prepare_dictionary()``, the app's path;
- greedy: forward longest match over the same dictionary (CC-CEDICT, phrasebook, supplement),
  each word read by its first dictionary reading: how the reading view cut words before;
- pypinyin: its own phrase segmentation (``pypinyin.seg.mmseg``) and ``pypinyin.pinyin``.

Word-boundary F1 counts Chinese words whose start and end both match the annotation; a
sentence's pinyin is exact when every Chinese character's syllable and tone match (capital
letters aside; tone sandhi off; where the annotation gives two standard readings, "a/b",
either counts). Target: ours >= 97% of sentences with exact pinyin.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SETS = {
    "first set": REPO / "bench" / "data" / "segmentation.tsv",
    "held-out": REPO / "bench" / "data" / "segmentation-heldout.tsv",
    "held-out 2": REPO / "bench" / "data" / "segmentation-heldout2.tsv",
    "fresh": REPO / "bench" / "data" / "segmentation-fresh.tsv",
    "fresh 2": REPO / "bench" / "data" / "segmentation-fresh2.tsv",
    "fresh 3": REPO / "bench" / "data" / "segmentation-fresh3.tsv",
    "fresh 4": REPO / "bench" / "data" / "segmentation-fresh4.tsv",
    "fresh 5": REPO / "bench" / "data" / "segmentation-fresh5.tsv",
    "fresh 6": REPO / "bench" / "data" / "segmentation-fresh6.tsv",
    "fresh 7": REPO / "bench" / "data" / "segmentation-fresh7.tsv",
    "fresh 8": REPO / "bench" / "data" / "segmentation-fresh8.tsv",
}

Reading = tuple[list[str], list[str]]  # (tokens joining to the text, one syllable per hanzi)


@dataclass(frozen=True)
class Sentence:
    text: str
    words: list[str]
    syllables: list[set[str]]  # the readings accepted for each hanzi


def is_han(ch: str) -> bool:
    from companion.text import is_han as han

    return han(ch)


def load(path: Path) -> list[Sentence]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        segmented, pinyin = line.split("\t")
        words = segmented.split("|")
        text = "".join(words)
        syllables = [{normalise(s) for s in item.split("/")} for item in pinyin.split()]
        if sum(map(is_han, text)) != len(syllables):
            raise SystemExit(f"{path.name}:{number}: {len(syllables)} syllables for {text}")
        out.append(Sentence(text, words, syllables))
    return out


def normalise(syllable: str) -> str:
    return syllable.lower().replace("ü", "u:").replace("v", "u:")


def spans(words: list[str]) -> set[tuple[int, int]]:
    """(start, end) of every all-Chinese word."""
    out, at = set(), 0
    for word in words:
        if word and all(is_han(ch) for ch in word):
            out.add((at, at + len(word)))
        at += len(word)
    return out


def ours() -> Callable[[str], Reading]:
    from companion.pinyin import annotate
    from companion.service import prepare_dictionary

    prepare_dictionary()

    def read(text: str) -> Reading:
        words = annotate(text, style="numbers")
        return [w.text for w in words], [s for w in words if w.is_chinese for s in w.numbers]

    return read


def greedy() -> Callable[[str], Reading]:
    from companion.dictionary import get_dictionary

    dictionary = get_dictionary()

    def first_syllables(word: str) -> list[str]:
        reading = (dictionary.reading(word) or "").split()
        if len(reading) == len(word):
            return reading
        return [((dictionary.reading(ch) or "?").split() or ["?"])[0] for ch in word]

    def read(text: str) -> Reading:
        tokens: list[str] = []
        syllables: list[str] = []
        k = 0
        while k < len(text):
            if not is_han(text[k]):
                end = k + 1
                while end < len(text) and not is_han(text[end]):
                    end += 1
                tokens.append(text[k:end])
                k = end
                continue
            size = 1
            for length in range(min(12, len(text) - k), 1, -1):
                word = text[k : k + length]
                if all(map(is_han, word)) and dictionary.contains(word):
                    size = length
                    break
            tokens.append(text[k : k + size])
            syllables.extend(first_syllables(text[k : k + size]))
            k += size
        return tokens, syllables

    return read


def pypinyin_reader() -> Callable[[str], Reading]:
    import pypinyin
    from pypinyin.seg.mmseg import seg

    def read(text: str) -> Reading:
        tokens = list(seg.cut(text))
        items = pypinyin.pinyin(
            text,
            style=pypinyin.Style.TONE3,
            neutral_tone_with_five=True,
            errors=lambda chars: [[c] for c in chars],
        )
        syllables = [item[0] for item, ch in zip(items, text, strict=False) if is_han(ch)]
        return tokens, syllables

    return read


def evaluate(
    sentences: list[Sentence], readers: dict[str, Callable[[str], Reading]]
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Per reader: word precision, recall, F1, share of exact sentences, syllable accuracy,
    median ms per sentence; and ours' wrong sentences."""
    found = dict.fromkeys(readers, 0)
    predicted = dict.fromkeys(readers, 0)
    exact = dict.fromkeys(readers, 0)
    syllables_right = dict.fromkeys(readers, 0)
    times: dict[str, list[float]] = {name: [] for name in readers}
    errors: list[str] = []
    gold_words = gold_syllables = 0
    for sentence in sentences:
        gold = spans(sentence.words)
        gold_words += len(gold)
        gold_syllables += len(sentence.syllables)
        want = sentence.syllables
        for name, read in readers.items():
            start = time.perf_counter()
            tokens, syllables = read(sentence.text)
            times[name].append(time.perf_counter() - start)
            assert "".join(tokens) == sentence.text, (name, tokens)
            guess = spans(tokens)
            predicted[name] += len(guess)
            found[name] += len(guess & gold)
            got = [normalise(s) for s in syllables]
            right = sum(a in b for a, b in zip(got, want, strict=False))
            syllables_right[name] += right
            if right == len(want) == len(got):
                exact[name] += 1
            elif name == "ours":
                wanted = " ".join("/".join(sorted(w)) for w in want)
                errors.append(f"{sentence.text}\n    ours: {' '.join(got)}\n    want: {wanted}")
    out = {}
    for name in readers:
        precision = found[name] / predicted[name] if predicted[name] else 0.0
        recall = found[name] / gold_words
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = {
            "precision": precision, "recall": recall, "f1": f1,
            "exact": exact[name] / len(sentences),
            "syllables": syllables_right[name] / gold_syllables,
            "ms": statistics.median(times[name]) * 1000,
        }  # fmt: skip
    return out, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show-errors", action="store_true", help="list ours' wrong sentences")
    parser.add_argument(
        "--set", action="append", choices=sorted(SETS), help="only this set (repeatable)"
    )
    args = parser.parse_args()
    chosen = {label: path for label, path in SETS.items() if not args.set or label in args.set}
    with tempfile.TemporaryDirectory() as home:
        os.environ["COMPANION_HOME"] = home  # a fresh dictionary cache, built once here
        readers = {"ours": ours(), "greedy": greedy(), "pypinyin": pypinyin_reader()}
        for read in readers.values():  # warm-up: lazy loads out of the timing
            read("他还没有还钱。")
        results = {}
        for label, path in chosen.items():
            sentences = load(path)
            results[label] = (len(sentences), *evaluate(sentences, readers))
    print(f"{'set':<10} {'reader':<9} {'word P':>7} {'word R':>7} {'word F1':>8}"
          f" {'exact pinyin':>13} {'syllables':>10} {'ms/sentence':>12}")  # fmt: skip
    print("-" * 82)
    for label, (count, table, _errors) in results.items():
        for name, row in table.items():
            print(f"{label:<10} {name:<9} {row['precision']:>7.1%} {row['recall']:>7.1%}"
                  f" {row['f1']:>8.1%} {row['exact']:>13.1%} {row['syllables']:>10.2%}"
                  f" {row['ms']:>12.3f}")  # fmt: skip
        print(f"{'':<10} ({count} sentences)")
    if args.show_errors:
        for label, (_count, _table, errors) in results.items():
            print(f"\nours, {label}, sentences with a wrong syllable:")
            print("\n".join(errors) or "(none)")
    ok = all(table["ours"]["exact"] >= 0.97 for _c, table, _e in results.values())
    print("\ntarget: ours >= 97% of sentences with exact pinyin in each set:",
          "PASS" if ok else "FAIL")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
