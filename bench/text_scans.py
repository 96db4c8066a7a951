"""Every text scan of a paste, at 1k, 10k and 100k characters: time must grow ~10x per step.

The shapes are the hostile ones (issue 13): a run of letters with no space (the e-mail pattern
once backtracked over it: 48.8 s for a 99k paste), "a@" repeated, a run of dots, Han with no
punctuation, and a real mixed post repeated. Each function is what the app runs on a paste:
direction detection, sentence splitting, cleaning, the kept-Latin pass of the translator, the
phrasebook term search. Best of interleaved rounds (the least disturbed by other work on the
machine); the ratio columns are 10k/1k and 100k/10k (linear: ~10, a little more where 100k no
longer fits the CPU caches; quadratic: ~100).

    .venv/bin/python bench/text_scans.py [--rounds N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SIZES = (1_000, 10_000, 100_000)
MIXED = "今天的OOTD是vintage风，这个look真的很chill，yyds！DM我要link https://xhslink.com/a/B1 "
SHAPES: dict[str, Callable[[int], str]] = {
    "letters, no space": lambda n: "a" * n,
    "a@a@a@": lambda n: ("a@" * n)[:n],
    "dots": lambda n: "." * n,
    "Han, no punctuation": lambda n: ("今天去打卡了一家超好吃的火锅店" * n)[:n],
    "mixed post": lambda n: (MIXED * (n // len(MIXED) + 1))[:n],
}
GROWTH_LIMIT = 30.0  # per 10x step; linear is ~10-20, a quadratic scan ~100


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from companion import text
    from companion.phrasebook.glossary import PhrasebookGlossary
    from companion.translator import keep_latin

    glossary = PhrasebookGlossary()
    glossary.find_terms("预热")  # builds its tables before timing
    scans: dict[str, Callable[[str], object]] = {
        "detect_direction": text.detect_direction,
        "split_segments": text.split_segments,
        "clean_input": text.clean_input,
        "keep_latin (per sentence)": lambda s: [keep_latin(p) for p in text.split_sentences(s)],
        "phrasebook terms": glossary.find_terms,
    }
    times: dict[tuple[str, str, int], list[float]] = {}
    inputs = {(shape, n): make(n) for shape, make in SHAPES.items() for n in SIZES}
    for _ in range(args.rounds):
        for (shape, n), sample in inputs.items():  # interleaved: drift hits every case alike
            for name, scan in scans.items():
                start = time.perf_counter()
                scan(sample)
                times.setdefault((name, shape, n), []).append(time.perf_counter() - start)

    print(f"text scans, best of {args.rounds} interleaved rounds (ms); growth per 10x step")
    print()
    print(
        f"{'scan':27} {'input':20} {'1k':>8} {'10k':>8} {'100k':>9} {'x10k':>6} {'x100k':>6}"
        "  result"
    )
    print("-" * 98)
    failed = 0
    for name in scans:
        for shape in SHAPES:
            ms = [min(times[(name, shape, n)]) * 1000 for n in SIZES]
            growth = [ms[1] / max(ms[0], 1e-3), ms[2] / max(ms[1], 1e-3)]
            # below 1 ms at 10k the ratio is noise: the 100k step is what shows a quadratic
            ok = growth[1] <= GROWTH_LIMIT or ms[2] < 5
            failed += not ok
            print(
                f"{name:27} {shape:20} {ms[0]:8.2f} {ms[1]:8.2f} {ms[2]:9.2f} "
                f"{growth[0]:6.1f} {growth[1]:6.1f}  {'PASS' if ok else 'FAIL'}"
            )
    print("-" * 98)
    print(f"aim: linear (~10x per step); FAIL above {GROWTH_LIMIT:.0f}x at the 100k step")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
