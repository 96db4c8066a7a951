"""Polyphones in context: accuracy on the CPP dev and test sets of the g2pM paper.

Run: ``.venv/bin/python bench/polyphones.py [--data DIR] [--limit N]``. Each sentence of CPP
(Chinese Polyphones with Pinyin, Apache 2.0: ``/work/shared/data/g2pM-CPP``) marks one
polyphonic character as ``▁X▁``; its label is the reading with a tone number. Three readers
get the same sentence in turn (interleaved, so machine noise hits all alike):

- ours: ``companion.pinyin.annotate`` (word path, rules, then g2pM's model where the words
  leave a polyphone open), the call the app makes, with CC-CEDICT's neutral tones;
- ours, citation: the same with ``neutral_tones=False``: CPP writes a word's unstressed
  syllable in its full tone (知识 zhīshí, 衣服 yīfú), and so do the context model's readings;
- pypinyin: ``pypinyin.pinyin`` with its own phrase segmentation;
- g2pM: the ``g2pM`` package as published (``char_split=True``).

Two scores: "exact" compares the syllable and tone with the label; "neutral ok" also accepts
a neutral tone where CPP has no neutral reading for that character at all (its label set for
识 is shí/zhì: 知识 zhīshi is a right answer CPP cannot write), for every reader alike.
Our rules and thresholds are tuned on dev only (``--split dev`` runs dev alone); test is
reported, run once at the end of a round, never looked at to tune.
The paper's test figures: pypinyin 0.36 86.13%, g2pM 97.31%, Chinese BERT 97.85%.
Target: ours >= 97.5% on test, above g2pM.

After the table, the neutral-tone gap of the default reader: the sentences it reads in the
neutral tone where CPP writes the full tone of the same syllable, split into the convention
gap proper (a dictionary word whose CC-CEDICT reading has that neutral tone: 知识 zhīshi /
zhīshí) and our own mistakes (a particle reading for 吧 in 书吧 "book bar"), and what the
exact score would be if the convention gap counted as right; on both splits, word by word
on dev only (the split decisions are made on).

Why the default reader keeps those neutral tones (issue 12, third round, decided on dev):
the words of the gap are the everyday words a learner says with a neutral tone (枇杷 pípa,
铃铛 língdang, 认识 rènshi, 衣服 yīfu, 收拾 shōushi, 知识 zhīshi, 关系 guānxi, 困难
kùnnan, 丈夫 zhàngfu), the ones standard dictionaries write with a neutral syllable and
text-to-speech front ends (PaddleSpeech's ``must_neural_tone_words``) force to it; CPP, like
pypinyin's phrase table, writes every syllable in its citation tone. Citation mode reads
them CPP's way for whoever wants that. Words whose CPP label is not the modern standard
reading are kept too (挣脱 zhèngtuō, 供职 gòngzhí, 关卡 guānqiǎ, 封禅 fēngshàn, 芥兰
gàilán, 皮划艇 píhuátǐng: CPP's zhēng, gōng, kǎ, chán, jiè, huà); CC-CEDICT readings the
standard dictionaries contradict are corrected at build time instead
(``companion.dictionary.supplement.CEDICT_CORRECTIONS``: 产仔 chǎnzǎi, 拖拽 tuōzhuài).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_DATA = Path("/work/shared/data/g2pM-CPP")
MARK = "▁"


def load_split(folder: Path, split: str) -> list[tuple[str, int, str]]:
    """(sentence without marks, index of the polyphone, label) per line."""
    sentences = (folder / f"{split}.sent").read_text(encoding="utf-8").splitlines()
    labels = (folder / f"{split}.lb").read_text(encoding="utf-8").splitlines()
    out = []
    for marked, label in zip(sentences, labels, strict=True):
        index = marked.index(MARK)
        out.append((marked.replace(MARK, ""), index, label.strip().lower()))
    return out


def normalise(syllable: str) -> str:
    return syllable.lower().replace("ü", "u:").replace("v", "u:")


def ours(neutral_tones: bool = True) -> Callable[[str], list[str]]:
    from companion.pinyin import annotate

    def read(sentence: str) -> list[str]:
        out: list[str] = []
        for word in annotate(sentence, style="numbers", neutral_tones=neutral_tones):
            out.extend(word.numbers if word.is_chinese else list(word.text))
        return out

    return read


def neutral_ok(got: str, label: str, readings: tuple[str, ...]) -> bool:
    """``got`` is the label, or its syllable in the neutral tone where the character has no
    neutral reading in CPP's label set."""
    if got == label:
        return True
    return got.endswith("5") and got not in readings and got[:-1] == label[:-1]


def neutral_gap(data: list[tuple[str, int, str]]) -> list[tuple[str, str, str, bool, int]]:
    """(word, our reading of the character, CPP's label, whether CC-CEDICT's reading of the
    word has that neutral tone, sentences) for every sentence the default reader gets wrong
    only by a neutral tone, most frequent first."""
    from collections import Counter

    from companion.dictionary import get_dictionary
    from companion.pinyin import annotate

    dictionary = get_dictionary()
    counts: Counter[tuple[str, str, str, bool]] = Counter()
    for sentence, index, label in data:
        at = 0
        for word in annotate(sentence, style="numbers"):
            if at <= index < at + len(word.text) and word.is_chinese:
                i = index - at
                got = normalise(word.numbers[i])
                if got != label and got.endswith("5") and got[:-1] == label[:-1]:
                    lexical = len(word.simplified) > 1 and any(
                        len(r.split()) == len(word.simplified) and normalise(r.split()[i]) == got
                        for r in _word_readings(dictionary, word.simplified)
                    )
                    counts[(word.simplified, got, label, lexical)] += 1
            at += len(word.text)
    return [(w, got, label, lexical, n) for (w, got, label, lexical), n in counts.most_common()]


def _word_readings(dictionary: object, word: str) -> list[str]:
    """CC-CEDICT's readings of ``word``, or of its dictionary parts when it has none."""
    from companion.dictionary import Dictionary

    assert isinstance(dictionary, Dictionary)
    own = dictionary.readings(word)
    if own:
        return own
    parts = dictionary.split_word(word)
    pieces = [dictionary.reading(part) or "" for part in parts]
    return [" ".join(pieces)] if all(pieces) else []


def pypinyin_reader() -> Callable[[str], list[str]]:
    import pypinyin

    def read(sentence: str) -> list[str]:
        items = pypinyin.pinyin(
            sentence,
            style=pypinyin.Style.TONE3,
            neutral_tone_with_five=True,
            errors=lambda chars: [[c] for c in chars],
        )
        return [item[0] for item in items]

    return read


def g2pm_reader() -> Callable[[str], list[str]]:
    from g2pM import G2pM

    model = G2pM()

    def read(sentence: str) -> list[str]:
        return list(model(sentence, char_split=True))

    return read


def evaluate(
    data: list[tuple[str, int, str]], readers: dict[str, Callable[[str], list[str]]]
) -> dict[str, tuple[float, float, list[float]]]:
    """Per reader: exact accuracy, accuracy with neutral tones accepted, seconds per sentence."""
    from companion.polyphones import polyphone_readings

    readings = polyphone_readings()
    right = dict.fromkeys(readers, 0)
    lenient = dict.fromkeys(readers, 0)
    times: dict[str, list[float]] = {name: [] for name in readers}
    for sentence, index, label in data:
        for name, read in readers.items():
            start = time.perf_counter()
            syllables = read(sentence)
            times[name].append(time.perf_counter() - start)
            if len(syllables) != len(sentence):
                continue
            got = normalise(syllables[index])
            right[name] += got == label
            lenient[name] += neutral_ok(got, label, readings.get(sentence[index], ()))
    return {
        name: (right[name] / len(data), lenient[name] / len(data), times[name]) for name in readers
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="first N sentences of each split")
    parser.add_argument(
        "--split",
        choices=("dev", "test"),
        action="append",
        help="only this split (repeatable; default both): tune with --split dev",
    )
    args = parser.parse_args()
    if not (args.data / "test.sent").is_file():
        print(f"CPP data not found in {args.data}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as home:
        os.environ["COMPANION_HOME"] = home  # a fresh dictionary cache, built once here
        from companion.dictionary import get_dictionary

        get_dictionary().load()
        readers = {
            "ours": ours(),
            "ours, citation": ours(neutral_tones=False),
            "pypinyin": pypinyin_reader(),
            "g2pM": g2pm_reader(),
        }
        for read in readers.values():  # warm-up: lazy loads (model weights) out of the timing
            read("他还没有还钱。")
        print(f"{'split':<6} {'reader':<15} {'sentences':>9} {'exact':>8} {'neutral ok':>11}"
              f" {'ms/sentence (median, mean)':>28}")  # fmt: skip
        print("-" * 82)
        results = {}
        splits = tuple(args.split or ("dev", "test"))
        for split in splits:
            data = load_split(args.data, split)
            if args.limit:
                data = data[: args.limit]
            results[split] = evaluate(data, readers)
            for name, (accuracy, lenient, times) in results[split].items():
                median = statistics.median(times) * 1000
                mean = statistics.fmean(times) * 1000
                print(f"{split:<6} {name:<15} {len(data):>9} {accuracy:>8.2%} {lenient:>11.2%}"
                      f" {median:>15.2f} {mean:>12.2f}")  # fmt: skip
        gaps = {
            split: (len(data), neutral_gap(data))
            for split in splits
            for data in [load_split(args.data, split)[: args.limit or None]]
        }
    for split, (count, gap) in gaps.items():
        lexical = sum(n for *_, is_lexical, n in gap if is_lexical)
        other = sum(n for *_, is_lexical, n in gap if not is_lexical)
        print(
            f"\nneutral tones of ours (default) where CPP has the full tone, on {split}: "
            f"{lexical + other} sentences; the convention gap proper (CC-CEDICT's neutral "
            f"tone in the word) {lexical}, {lexical / count:.2%}: counted right, exact would "
            f"be {results[split]['ours'][0] + lexical / count:.2%}; our mistakes {other}"
        )
    if "dev" in gaps:
        print("the words on dev (the split decisions are made on; test is only counted):")
        print(f"{'word':<12} {'ours':<7} {'CPP':<7} {'CEDICT neutral':<15} {'sentences':>9}")
        for word, got, label, is_lexical, n in gaps["dev"][1]:
            print(f"{word:<12} {got:<7} {label:<7} {'yes' if is_lexical else 'no':<15} {n:>9}")
    print()
    if "test" not in results:
        return 0  # tuning run: no target without test
    test = results["test"]
    g2pm = test["g2pM"][0]
    passed = []
    for name, score, how in (
        ("ours", test["ours"][0], "exact"),
        ("ours", test["ours"][1], "neutral ok"),
        ("ours, citation", test["ours, citation"][0], "exact"),
    ):
        ok = score >= 0.975 and score > g2pm
        passed.append(ok)
        print(f"target ({name}, {how}): >= 97.50% on test and above g2pM's {g2pm:.2%}:",
              f"{score:.2%}", "PASS" if ok else "FAIL")  # fmt: skip
    return 0 if all(passed[1:]) else 1  # exact with neutral tones: see the module docstring


if __name__ == "__main__":
    sys.exit(main())
