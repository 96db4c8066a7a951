"""Phrasebook search: Chinese, English, pinyin (marks, numbers, none, spaced or joined),
pinyin initials, and small typos, ranked exact-first.

Everything is precomputed into dictionaries when the book loads (Chinese forms indexed by
character), so a lookup is a handful of hash probes: well under a millisecond, fast enough
to run on every keystroke. Typo tolerance compares a misspelt word only with keys of nearly
the same length that share its first or last letter.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from companion.text import has_han

if TYPE_CHECKING:
    from companion.phrasebook.book import Entry

# Scores: higher is better. Exact forms first, then exact pinyin, English, prefixes, typos.
S_EXACT = 1000
S_ALSO = 960
S_FULL = 900
S_PINYIN = 880
S_TONES = 20
S_EN_EXACT = 860
S_INITIALS = 720
S_EN_WORDS = 600
S_PREFIX = 500
S_SUBSTRING = 450
S_CONTAINED = 400
S_TYPO = 300
MAX_QUERY = 300  # a pasted post is searched by its start; keeps every keystroke cheap

_MARKED = {
    "ā": ("a", 1), "á": ("a", 2), "ǎ": ("a", 3), "à": ("a", 4),
    "ē": ("e", 1), "é": ("e", 2), "ě": ("e", 3), "è": ("e", 4),
    "ī": ("i", 1), "í": ("i", 2), "ǐ": ("i", 3), "ì": ("i", 4),
    "ō": ("o", 1), "ó": ("o", 2), "ǒ": ("o", 3), "ò": ("o", 4),
    "ū": ("u", 1), "ú": ("u", 2), "ǔ": ("u", 3), "ù": ("u", 4),
    "ǖ": ("v", 1), "ǘ": ("v", 2), "ǚ": ("v", 3), "ǜ": ("v", 4), "ü": ("v", 0),
    "ń": ("n", 2), "ň": ("n", 3), "ǹ": ("n", 4), "ḿ": ("m", 2),
}  # fmt: skip
_STOPWORDS = {"a", "an", "the", "to", "of", "in", "on", "for", "and", "or", "is", "be", "sb",
              "sth", "someone", "something", "your", "you", "i", "my", "it", "with"}  # fmt: skip
_WORD_RE = re.compile(r"[a-z0-9']+")
_PAREN_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_BRACKETS = str.maketrans("", "", "[]【】")


def norm(text: str) -> str:
    """Case-, width- and space-insensitive form of a query or a Chinese form."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(text.split()).translate(_BRACKETS)


def pinyin_syllables(pinyin: str) -> list[tuple[str, int]]:
    """``"zhòng cǎo"``/``"zhong4cao3"``/``"nǚ"`` -> [(letters, tone)], tone 0 = none/neutral.

    Joined marks stay one token ("zhòngcǎo" -> [("zhongcao", 0)] with tones kept separately by
    :func:`pinyin_key`); this is only used where each token is one syllable or a word.
    """
    out = []
    text = unicodedata.normalize("NFC", pinyin).lower().replace("u:", "v")
    for token in re.findall(r"[a-z\u00e0-\u00fc\u0100-\u01ff\u1e3f]+[1-5]?", text):
        letters = []
        tone = 0
        for ch in token:
            if ch in _MARKED:
                base, mark = _MARKED[ch]
                letters.append(base)
                tone = mark or tone
            elif ch.isdigit():
                tone = int(ch) % 5
            else:
                letters.append(ch)
        out.append(("".join(letters), tone))
    return out


def pinyin_key(pinyin: str) -> tuple[str, str]:
    """Toneless letters and the sequence of (non-neutral) tones: zhòngcǎo -> ("zhongcao", "43")."""
    syllables = pinyin_syllables(pinyin)
    letters = "".join(s for s, _ in syllables)
    tones = "".join(str(t) for _, t in syllables if t)
    return letters, tones


def initials(pinyin: str) -> str:
    """First letter of each syllable: zhòng cǎo -> "zc" (as Chinese netizens abbreviate)."""
    return "".join(s[0] for s, _ in pinyin_syllables(pinyin) if s)


def english_key(meaning: str) -> str:
    """A meaning without its parenthetical remarks, lower case, for exact English matches."""
    text = _PAREN_RE.sub(" ", meaning.casefold()).replace("&", " and ")
    return " ".join(_WORD_RE.findall(text))


def english_of(entry: Entry) -> tuple[str, ...]:
    """Every meaning of every sense, the usual sense first."""
    if not entry.extra_senses:
        return entry.english
    return tuple(m for sense in entry.senses for m in sense.english)


def _one_char_off(a: str, b: str) -> bool:
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _close(a: str, b: str) -> bool:
    """Edit distance <= 1, counting a swap of neighbours as one edit."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [k for k in range(la) if a[k] != b[k]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    if la > lb:
        a, b = b, a
    k = 0
    while k < len(a) and a[k] == b[k]:
        k += 1
    return a[k:] == b[k + 1 :]


class _TypoIndex:
    """Keys grouped by (length, first letter) and (length, last letter).

    A one-letter typo keeps the length within one and, almost always, the first or the last
    letter, so only a few dozen keys need the exact edit-distance check.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self._buckets: dict[tuple[int, str, str], set[str]] = defaultdict(set)
        for key in keys:
            if len(key) >= 3:
                self._buckets[(len(key), "^", key[0])].add(key)
                self._buckets[(len(key), "$", key[-1])].add(key)

    def near(self, word: str) -> set[str]:
        if len(word) < 3:
            return set()
        found: set[str] = set()
        for length in (len(word) - 1, len(word), len(word) + 1):
            found |= self._buckets.get((length, "^", word[0]), set())
            found |= self._buckets.get((length, "$", word[-1]), set())
        return {key for key in found if key != word and _close(word, key)}


Surface = dict[str, list[tuple[int, int]]]  # normalised form -> [(entry index, score)]


def surface_forms(entry: Entry) -> list[tuple[str, int]]:
    """The normalised written forms of an entry with their scores, each form once."""
    forms = [(entry.simplified, S_EXACT), (entry.traditional, S_EXACT)]
    forms += [(a, S_ALSO) for a in entry.also] + [(entry.full, S_FULL)]
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    for form, score in forms:
        key = norm(form)
        if key and key not in seen:
            seen.add(key)
            out.append((key, score))
    return out


def build_surface(entries: Sequence[Entry]) -> Surface:
    """Every written form -> the entries that have it: shared by search and the glossary."""
    surface: Surface = {}
    for idx, entry in enumerate(entries):
        for key, score in surface_forms(entry):
            surface.setdefault(key, []).append((idx, score))
    return surface


class SearchIndex:
    """Precomputed lookups over a list of entries.

    ``surface`` may be passed in (the book's shared table); it and ``entries`` are left out
    when the index is pickled and put back with :meth:`attach`.
    """

    def __init__(self, entries: Sequence[Entry], surface: Surface | None = None) -> None:
        self.entries: Sequence[Entry] = list(entries)
        self._surface: Surface = surface if surface is not None else build_surface(self.entries)
        self._pinyin: dict[str, list[int]] = defaultdict(list)
        self._tones: list[str] = []
        self._initials: dict[str, list[int]] = defaultdict(list)
        self._en_exact: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._en_words: dict[str, set[int]] = defaultdict(set)
        self._han_forms: list[tuple[int, str]] = []
        self._latin_forms: list[tuple[int, str]] = []
        for idx, entry in enumerate(self.entries):
            self._add(idx, entry)
        self._by_char: dict[str, set[int]] = defaultdict(set)
        for k, (_idx, form) in enumerate(self._han_forms):
            for ch in form:
                self._by_char[ch].add(k)
        self._pinyin_sorted = sorted(self._pinyin)
        self._words_sorted = sorted(self._en_words)
        self._latin_sorted = sorted((form, idx) for idx, form in self._latin_forms)
        self._typo: _TypoIndex | None = None

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["entries"] = None
        state["_surface"] = None
        state["_typo"] = None
        return state

    @property
    def surface(self) -> Surface:
        return self._surface

    def attach(self, entries: Sequence[Entry], surface: Surface) -> None:
        """Put back what :meth:`__getstate__` left out (the book holds them)."""
        self.entries = entries
        self._surface = surface

    def _add(self, idx: int, entry: Entry) -> None:
        for key, _score in surface_forms(entry):
            if has_han(key):
                self._han_forms.append((idx, key))
            else:
                self._latin_forms.append((idx, key))
        letters, tones = pinyin_key(entry.pinyin)
        self._tones.append(tones)
        if letters:
            self._pinyin[letters].append(idx)
            abbr = initials(entry.pinyin)
            if len(abbr) >= 2:
                self._initials[abbr].append(idx)
        for rank, meaning in enumerate(english_of(entry)):
            key = english_key(meaning)
            if key:
                self._en_exact[key].append((idx, rank))
            for word in _WORD_RE.findall(_PAREN_RE.sub(" ", meaning.casefold())):
                self._en_words[word].add(idx)
            for word in _WORD_RE.findall(meaning.casefold()):  # words in remarks count too
                self._en_words.setdefault(word, set()).add(idx)
        for phrase in entry.en_terms:
            self._en_exact[english_key(phrase)].append((idx, 0))

    # --- queries ---------------------------------------------------------------------------

    def scored(
        self, query: str, limit: int = 20, category: str | None = None
    ) -> list[tuple[tuple[int, int, int, int], Entry]]:
        """``(rank, entry)`` pairs, best first; ``rank`` sorts ascending across indexes."""
        q = norm(query)[:MAX_QUERY]
        if not q:
            return []
        scores: dict[int, int] = {}

        def give(idx: int, score: int) -> None:
            if score > scores.get(idx, -1):
                scores[idx] = score

        for idx, score in self._surface.get(q, ()):
            give(idx, score)
        if has_han(q):
            self._han_query(q, give)
        else:
            self._latin_query(query, q, give, scores)
        out = []
        for idx, score in scores.items():
            entry = self.entries[idx]
            if category is not None and entry.category != category:
                continue
            latin = 0 if has_han(entry.simplified) else 1  # at equal score, Chinese words first
            out.append(((-score, latin, len(entry.simplified), idx), entry))
        out.sort(key=lambda item: item[0])
        return out[:limit]

    def _han_query(self, q: str, give: _Give) -> None:
        # forms containing the query: intersect the forms holding each of its characters
        sets = sorted((self._by_char.get(ch, set()) for ch in set(q)), key=len)
        holding = set.intersection(*sets) if sets else set()
        for k in holding:
            idx, form = self._han_forms[k]
            if q != form and q in form:
                give(idx, S_SUBSTRING + (100 * len(q)) // len(form))
        if len(q) < 2:
            return
        # forms inside the query (a pasted sentence): probe every substring
        for start in range(len(q)):
            for end in range(start + 2, min(len(q), start + 16) + 1):
                for idx, _score in self._surface.get(q[start:end], ()):
                    if q[start:end] != q:
                        give(idx, S_CONTAINED + end - start)
        # one character off (a wrong candidate picked in the IME)
        if len(q) >= 3:
            near: set[int] = set()
            for ch in set(q):
                near |= self._by_char.get(ch, set())
            for k in near:
                idx, form = self._han_forms[k]
                if len(form) == len(q) and _one_char_off(form, q):
                    give(idx, S_TYPO)

    def _latin_query(self, raw: str, q: str, give: _Give, scores: dict[int, int]) -> None:
        letters, tones = pinyin_key(raw)
        # surface prefixes (yy -> yyds, 66 -> 666, 笑 codes typed in latin)
        for form, idx in self._prefixed(self._latin_sorted, q):
            if form != q:
                give(idx, S_PREFIX + (100 * len(q)) // len(form))
        if letters:
            for idx in self._pinyin.get(letters, ()):
                bonus = S_TONES if tones and tones == self._tones[idx] else 0
                if tones and tones != self._tones[idx]:
                    bonus = -S_TONES
                give(idx, S_PINYIN + bonus)
            if len(letters) <= 6:
                for idx in self._initials.get(letters, ()):
                    # abbreviations are a slang habit: slang first among equals
                    give(idx, S_INITIALS + (5 if self.entries[idx].protect else 0))
            if len(letters) >= 2:
                for key in self._prefixed(self._pinyin_sorted, letters):
                    if key != letters:
                        for idx in self._pinyin[key]:
                            give(idx, S_PREFIX + (100 * len(letters)) // len(key) - 5)
        self._english(raw, give)
        if len(scores) < 5 and len(letters) >= 4:
            self._typos(letters, give)

    def _english(self, raw: str, give: _Give) -> None:
        text = unicodedata.normalize("NFKC", raw).casefold()
        phrase = english_key(text)
        if phrase:
            plain = " ".join(text.split())
            for idx, rank in self._en_exact.get(phrase, ()):
                meanings = english_of(self.entries[idx])
                meaning = meanings[rank] if rank < len(meanings) else ""
                exact = 5 if meaning.casefold() == plain else 0  # no remark in brackets: closer
                give(idx, S_EN_EXACT - min(rank, 5) * 10 + exact)
        words = _WORD_RE.findall(text)
        content = [w for w in words if w not in _STOPWORDS] or words
        if not content:
            return
        matched: set[int] | None = None
        typo_used = False
        for k, word in enumerate(content):
            found = set(self._en_words.get(word, ()))
            if k == len(content) - 1 and len(word) >= 2:
                for key in self._prefixed(self._words_sorted, word):
                    found |= self._en_words[key]
            if not found and len(word) >= 4:
                typo_used = True
                for key in self._typo_index().near(word):
                    found |= self._en_words.get(key, set())
            matched = found if matched is None else matched & found
            if not matched:
                return
        for idx in matched or ():
            first = english_key(self.entries[idx].english[0]).split()
            bonus = 40 if all(w in first for w in content[:-1]) else 0
            bonus += 30 if content[-1] in first else 0
            give(idx, S_EN_WORDS + bonus - (200 if typo_used else 0) - min(len(first), 10))

    def _typos(self, letters: str, give: _Give) -> None:
        index = self._typo_index()
        for key in index.near(letters):
            for idx in self._pinyin.get(key, ()):
                give(idx, S_TYPO + 10)
            for idx, _score in self._surface.get(key, ()):
                give(idx, S_TYPO + 5)
            for idx in self._en_words.get(key, ()):
                give(idx, S_TYPO)

    def _typo_index(self) -> _TypoIndex:
        if self._typo is None:  # built on the first typo: most sessions never need it
            keys = list(self._pinyin) + [f for _i, f in self._latin_forms]
            keys += [w for w in self._en_words if len(w) >= 4]
            self._typo = _TypoIndex(keys)
        return self._typo

    @staticmethod
    def _prefixed(items: list, prefix: str) -> list:
        """Items of a sorted list (strings or (string, x) pairs) starting with ``prefix``."""
        start = bisect_left(items, prefix if not items or isinstance(items[0], str) else (prefix,))
        out = []
        for item in items[start : start + 200]:
            key = item if isinstance(item, str) else item[0]
            if not key.startswith(prefix):
                break
            out.append(item)
        return out


if TYPE_CHECKING:
    from collections.abc import Callable

    _Give = Callable[[int, int], None]
