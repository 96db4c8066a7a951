"""Word frequencies for segmentation: jieba's dictionary (MIT), merged with CC-CEDICT.

jieba ships ``dict.txt``: about 349k words, each with a count from a segmented corpus. A
word's segmentation cost is its negative log probability (``-ln(count / total)``), scaled to
an integer so the cache stores it in a few bits and the segmenter adds integers. Words only
CC-CEDICT knows get a small count (rarer than almost anything jieba lists), so a rare
dictionary word such as 的姐 never beats two common ones (的 + 姐妹); CEDICT's proper nouns
(places, brands, people) get a little more, so they still come out whole.

The file is read only while building the cache (in a child process), never at start-up.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Iterator
from pathlib import Path

SCALE = 100  # cost units per nat
COST_BITS = 12
NO_WORD = (1 << COST_BITS) - 1  # cost field of a key that is not a segmentation word
MAX_COST = NO_WORD - 1
VERB = 1 << COST_BITS  # flag: jieba tags the word as a verb (v, vn, vd, ...)
NOUN = 1 << (COST_BITS + 1)  # flag: jieba tags the word as a noun (n, nr, nz...) and not a verb
LOW_BITS = COST_BITS + 2  # cost and flags: an index value's entry group sits above them
# How often an auxiliary (会, 能, 可以...) is followed by a verb: nearly always (会说, 能去),
# an adverb or a preposition coming between now and then (会很, 会在)
VERB_AFTER_MODAL = 0.85
CEDICT_ONLY_COUNT = 1.0  # a CEDICT word jieba does not list
CEDICT_PROPER_COUNT = 3.0  # ... when it is a proper noun (its pinyin is capitalised)
UNKNOWN_COUNT = 0.5  # a character neither list knows
MIN_JIEBA_ONLY_COUNT = 4  # jieba-only words rarer than this (mostly names) are left out...
KEEP_TAGS = frozenset({"i", "l"})  # ... unless idioms and set phrases (朝九晚五 is counted 3)


def keep_jieba_only(word: str, count: int, tag: str) -> bool:
    """Whether a word only jieba lists is worth its memory (~120 bytes) in the index."""
    return count >= MIN_JIEBA_ONLY_COUNT or len(word) == 1 or (len(word) >= 4 and tag in KEEP_TAGS)


def jieba_dict_path() -> Path | None:
    """jieba's ``dict.txt`` in the installed package (found, not imported), or None."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    return path if path.is_file() else None


def iter_jieba(path: Path) -> Iterator[tuple[str, int, str]]:
    """(word, count, tag) per line of a jieba dictionary ("word count [tag]"); bad lines
    are skipped."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                yield parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""


def modal_bonus(verb_share: float) -> int:
    """How much likelier a verb is after an auxiliary than anywhere (cost units)."""
    if not 0 < verb_share < VERB_AFTER_MODAL:
        return 0
    return round(math.log(VERB_AFTER_MODAL / verb_share) * SCALE)


def to_cost(count: float, total: float) -> int:
    """The integer segmentation cost of a word seen ``count`` times out of ``total``."""
    if count <= 0 or total <= 0:
        return MAX_COST
    return max(0, min(MAX_COST, round(-math.log(count / total) * SCALE)))
