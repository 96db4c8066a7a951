"""The CC-CEDICT dictionary: lookup by simplified or traditional form, and word segmentation.

Segmentation weighs words by frequency (``companion.segmenter``) over CC-CEDICT, jieba's
word list, our supplement and the phrasebook's terms (``prepare_dictionary``). Nothing is
read at import time. ``get_dictionary()`` returns the process-wide instance at
once; its data loads on first use (or earlier, in the background, via ``ensure_loaded()``), so
importing this package costs nothing at start-up. All methods are thread-safe.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from companion.dictionary.cedict import CompactIndex, DictionaryError, Entry, load_index
from companion.dictionary.frequency import NOUN, VERB
from companion.dictionary.syllables import split_joined
from companion.segmenter import Segmenter
from companion.text import HAN_CLASS, is_han

# Runs of hanzi, the same ranges as companion.text.is_han, matched in C rather than per char.
HAN_RUN = re.compile(f"[{HAN_CLASS}]+")

__all__ = [
    "Dictionary",
    "DictionaryError",
    "Entry",
    "ensure_loaded",
    "get_dictionary",
    "prepare_dictionary",
]

ExtraWord = tuple[str, str, str, "str | Iterable[str]"]
WORD_COST = 0  # segmentation cost added per word (companion.segmenter)
EXTRA_MARGIN = 230  # an extra word costs its parts' path minus this (~ten times likelier)


class Dictionary:
    """CC-CEDICT plus extra words (our supplement, the phrasebook's terms)."""

    def __init__(
        self,
        source: Path | None = None,
        cache: Path | None = None,
        frequencies: Path | None = None,
    ) -> None:
        """``source`` (a CC-CEDICT gzip), ``cache`` and ``frequencies`` (a jieba-format
        word list) default to the installed data; a test's own source gets no frequencies
        unless it passes them."""
        self._source = source
        self._cache = cache
        self._frequencies = frequencies
        self._lock = threading.RLock()
        self._idx: CompactIndex | None = None
        self._error: DictionaryError | None = None
        self._extra: dict[str, list[Entry]] = {}
        self._extra_max: dict[str, int] = {}
        self._listeners: list[Callable[[], None]] = []
        self._thread: threading.Thread | None = None
        self._extra_cost: dict[str, int] = {}  # extra word -> segmentation cost
        self._pending: set[str] = set()  # extra words whose cost is not computed yet
        self._segmenter_obj: Segmenter | None = None
        self._traditional_re: re.Pattern[str] | None = None
        # results derived from a word's entries (companion.pinyin's readings), by word:
        # emptied whenever words are added, since those change what a word reads as
        self.word_cache: dict[str, Any] = {}
        from companion.dictionary.supplement import SUPPLEMENT

        self.add_extra_words(SUPPLEMENT, source="supplement")

    # --- loading ---------------------------------------------------------------------------

    @property
    def is_loaded(self) -> bool:
        return self._idx is not None

    @property
    def error(self) -> DictionaryError | None:
        """Why loading failed (data missing/corrupt), or None."""
        return self._error

    def load(self) -> None:
        """Load now (blocking; builds the cache file the first time). Raises DictionaryError.

        Callbacks registered with ``ensure_loaded`` run afterwards, on success or failure
        (``error`` tells which), so a waiting UI never hangs on "Loading…".
        """
        if self._idx is not None:
            return
        failure: DictionaryError | None = None
        with self._lock:
            if self._idx is not None:
                return
            try:
                self._idx = load_index(self._source, self._cache, self._frequencies)
                self._error = None
                _trim_heap()
            except DictionaryError as exc:
                self._error = failure = exc
            listeners, self._listeners = self._listeners, []
        for callback in listeners:
            try:
                callback()
            except Exception:  # a listener that went away (deleted widget) must not break loading
                continue
        if failure is not None:
            raise failure

    def ensure_loaded(self, on_loaded: Callable[[], None] | None = None) -> None:
        """Start loading in a background thread; a no-op when loaded or already loading.

        ``on_loaded`` runs (in the loading thread) once the data is ready, or at once when it
        already is; a Qt caller should relay it to the GUI thread with a queued signal.
        """
        with self._lock:
            if self._idx is not None:
                ready = True
            else:
                ready = False
                if on_loaded is not None:
                    self._listeners.append(on_loaded)
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(
                        target=self._load_quietly, name="dictionary-load", daemon=True
                    )
                    self._thread.start()
        if ready and on_loaded is not None:
            on_loaded()

    def _load_quietly(self) -> None:
        with contextlib.suppress(DictionaryError):  # kept in self.error for the UI to show
            self.load()

    def _index(self) -> CompactIndex:
        if self._idx is None:
            self.load()
        assert self._idx is not None
        return self._idx

    # --- extra words ---------------------------------------------------------------------

    def add_extra_words(self, words: Iterable[ExtraWord], source: str = "phrasebook") -> int:
        """Add (simplified, traditional, pinyin, english) terms; returns how many were taken.

        Pinyin may use tone numbers or marks, spaced or joined ("zhòngcǎo"); English may be a
        string (senses split on "/" or ";") or a list. They take part in segmentation and are
        listed before CEDICT's entries for the same word. Unusable rows are skipped.
        """
        added = 0
        with self._lock:
            for row in words:
                try:
                    simp, trad, pinyin, english = row
                except (TypeError, ValueError):
                    continue
                simp = (simp or "").strip()
                trad = (trad or "").strip() or simp
                if not simp or not any(is_han(ch) for ch in simp):
                    continue
                syllables = split_joined(pinyin or "", len(simp)) if pinyin else None
                if syllables is None:
                    syllables = []  # reading filled from CEDICT per character when used
                # 一 and 不 are stored in their own tones (terms are often written as spoken,
                # 蹲一个 dūn yí gè): annotate applies the sandhi itself when asked to
                syllables = [_citation(ch, s) for ch, s in zip(simp, syllables, strict=False)]
                if isinstance(english, str):
                    senses = tuple(s.strip() for s in english.replace(";", "/").split("/"))
                else:
                    senses = tuple(str(s).strip() for s in english)
                entry = Entry(
                    simp, trad, " ".join(syllables), tuple(s for s in senses if s), (), source
                )
                for key in {simp, trad}:
                    bucket = self._extra.setdefault(key, [])
                    if entry not in bucket:
                        # the caller's terms (phrasebook) go before our built-in supplement
                        at = next(
                            (k for k, e in enumerate(bucket) if e.source == "supplement"),
                            len(bucket),
                        )
                        bucket.insert(len(bucket) if source == "supplement" else at, entry)
                    if len(key) > self._extra_max.get(key[0], 1):
                        self._extra_max[key[0]] = len(key)
                    if key == simp:  # text is segmented in simplified form
                        self._pending.add(key)
                added += 1
            if added:
                self.word_cache.clear()
        return added

    # --- lookup ----------------------------------------------------------------------------

    def lookup(self, word: str, prefer: str | None = None) -> list[Entry]:
        """All entries whose simplified or traditional form is ``word`` (likely reading first).

        Traditional text CEDICT does not list as such is looked up in simplified form
        (評論區 finds 评论区's entries). ``prefer``, a tone-number reading ("huan2"), puts the
        entries read that way first: the reading annotate chose in context.
        """
        word = word.strip()
        if not word:
            return []
        extra = self._extra.get(word, [])
        entries = self._index().entries(word)
        if not extra and not entries:
            simple = self.simplified(word)
            if simple != word:
                return self.lookup(simple, prefer)
        out = list(extra)
        for entry in entries:
            if not any(
                e.pinyin.lower() == entry.pinyin.lower() and e.senses == entry.senses for e in extra
            ):
                out.append(entry)
        # fill an extra entry's missing reading from CEDICT
        out = [self._with_reading(e) if not e.pinyin else e for e in out]
        if prefer:
            wanted = prefer.lower()
            out.sort(key=lambda e: e.pinyin.lower() != wanted)  # stable: the rest keep order
        return out

    def _with_reading(self, entry: Entry) -> Entry:
        syllables = [self.reading(ch) or "" for ch in entry.simplified]
        return Entry(
            entry.simplified,
            entry.traditional,
            " ".join(s or "?" for s in syllables),
            entry.senses,
            entry.measure_words,
            entry.source,
        )

    def contains(self, word: str) -> bool:
        """True when ``word`` has a dictionary entry (CEDICT or extra)."""
        return word in self._extra or self._index().has_entries(word)

    def reading(self, word: str) -> str | None:
        """The most likely tone-number reading of ``word`` on its own, or None if unknown."""
        extra = self._extra.get(word)
        if extra and extra[0].pinyin:
            return extra[0].pinyin
        return self._index().first_reading(word)

    def readings(self, word: str) -> list[str]:
        """Every tone-number reading of ``word`` as a dictionary word, likeliest first: an
        extra word's own reading alone when it has one (the phrasebook's term decides, in
        CEDICT's neutral tones where they are all it differs by, since terms are written in
        citation tones: 消息 xiāoxi), except that our supplement's hand-checked reading
        stands as written (显白 xiǎnbái, not CEDICT's xiǎnbai), and a term CEDICT lists
        both in its reading and with a neutral tone keeps both, its own first, for the
        context to choose (上头: shàngtóu "hooked", shàngtou "above")."""
        own = self.extra_reading(word)
        if not own:
            return self._everyday_first(word, self._index().readings(word))
        ours = next(
            (e.pinyin for e in self._extra[word] if e.source == "supplement" and e.pinyin), ""
        )
        if ours and (ours.lower() == own.lower() or _same_but_neutral(own, ours)):
            return [ours]
        cedict = self._index().readings(word)
        if any(r.lower() == own.lower() for r in cedict):
            others = [r for r in cedict if r.lower() != own.lower()]
            if others and all(_same_but_neutral(own, r) for r in others):
                return [own, *others]
        for reading in cedict:
            if _same_but_neutral(own, reading):
                return [reading]  # the term, with CEDICT's neutral tones (消息 xiāoxi)
        return [own]

    @staticmethod
    def _everyday_first(word: str, readings: list[str]) -> list[str]:
        """``readings`` with the everyday one first where CEDICT lists a rare sense's first
        (``supplement.EVERYDAY_FIRST``: 告诉 gàosu before gàosù)."""
        from companion.dictionary.supplement import EVERYDAY_FIRST

        first = EVERYDAY_FIRST.get(word)
        if first is None or first not in readings:
            return readings
        return [first, *(r for r in readings if r != first)]

    def alternative_reading(self, word: str) -> str | None:
        """Another reading of a CEDICT word that CEDICT lacks, or None: another standard
        dictionary's where it contradicts every CEDICT reading (泄露: xiè lòu), or ours
        (``supplement.SECOND_READINGS``: 穿着 chuānzhe). The context chooses between them."""
        from companion.dictionary.supplement import SECOND_READINGS

        ours = SECOND_READINGS.get(word) or SECOND_READINGS.get(word.replace("著", "着"))
        return ours or self._index().alternatives.get(word)

    def extra_reading(self, word: str) -> str | None:
        """The reading an extra word (phrasebook, supplement) was given, if any."""
        extra = self._extra.get(word)
        return extra[0].pinyin if extra and extra[0].pinyin else None

    def gloss(self, word: str) -> str:
        """A short first meaning ('' if none): for tooltips and the word list.

        Decodes entries one at a time and stops at the first real sense (usually the first
        entry), since this runs for every word of every text shown.
        """
        extra = self._extra.get(word, [])
        senses = itertools.chain(
            (sense for entry in extra for sense in entry.senses), self._index().iter_senses(word)
        )
        fallback = ""
        for sense in senses:
            if not sense.lower().startswith(("variant of", "old variant", "surname ")):
                return sense
            fallback = fallback or sense
        return fallback

    # --- segmentation ----------------------------------------------------------------------

    def segment(self, text: str) -> list[str]:
        """Split ``text`` into words; ``"".join(result) == text`` always holds.

        The likeliest words by frequency (``companion.segmenter``), found in the simplified
        form of the text, so traditional text splits the same way and comes back as written.
        Everything between hanzi runs comes back as one piece per run.
        """
        return [original for original, _ in self.segment_pairs(text)]

    def segment_pairs(self, text: str) -> list[tuple[str, str]]:
        """Like :meth:`segment`, each piece with its simplified form (the same for simplified
        text and non-Chinese runs): what a lookup or a reading should use."""
        segmenter = self._segmenter()
        simple = self.simplified(text)
        pieces: list[tuple[str, str]] = []
        pos = 0
        for match in HAN_RUN.finditer(simple):
            if match.start() > pos:
                pieces.append((text[pos : match.start()], simple[pos : match.start()]))
            at = match.start()
            for size in segmenter.split(match.group(0)):
                pieces.append((text[at : at + size], simple[at : at + size]))
                at += size
            pos = match.end()
        if pos < len(text):
            pieces.append((text[pos:], simple[pos:]))
        return pieces

    def is_verb(self, word: str) -> bool:
        """Whether jieba's list tags ``word`` (simplified) as a verb."""
        value = self._index().index.get(word)
        return value is not None and bool(value & VERB)

    def is_noun(self, word: str) -> bool:
        """Whether jieba's list tags ``word`` (simplified) as a noun (and not as a verb)."""
        value = self._index().index.get(word)
        return value is not None and bool(value & NOUN)

    def split_word(self, word: str) -> list[str]:
        """The likeliest words ``word`` (simplified hanzi) is made of, other than itself."""
        lengths = self._segmenter().split(word, without=word)
        out, at = [], 0
        for size in lengths:
            out.append(word[at : at + size])
            at += size
        return out

    def simplified(self, text: str) -> str:
        """``text`` in simplified characters, same length; unchanged (and OpenCC not even
        loaded) when it has no character only traditional text uses."""
        idx = self._index()
        if self._traditional_re is None:
            chars = "".join(sorted(idx.traditional_chars))
            self._traditional_re = re.compile(f"[{re.escape(chars)}]" if chars else "(?!)")
        if not self._traditional_re.search(text):
            return text
        from companion.script import to_simplified

        return to_simplified(text)

    def _segmenter(self) -> Segmenter:
        idx = self._index()
        with self._lock:
            if self._segmenter_obj is None:
                self._segmenter_obj = Segmenter(
                    idx.index, idx.first_char_max, idx.unknown_cost, self._extra_cost,
                    self._extra_max, word_cost=WORD_COST, modal_bonus=idx.modal_bonus,
                )  # fmt: skip
            if self._pending:
                # an extra word must beat its own parts to come out whole (种草, 绝绝子)
                for word in sorted(self._pending):
                    own = self._segmenter_obj.base_cost(word)
                    if len(word) == 1:
                        self._extra_cost[word] = own if own is not None else idx.unknown_cost
                        continue
                    parts = self._segmenter_obj.path_cost(word, without=word) - WORD_COST
                    beat = max(0, parts - EXTRA_MARGIN)
                    self._extra_cost[word] = beat if own is None else min(own, beat)
                self._pending.clear()
            return self._segmenter_obj


def _same_but_neutral(own: str, cedict: str) -> bool:
    """Whether CEDICT's reading is ``own`` with some syllables in the neutral tone: terms
    are often written in citation tones (消息 xiāo xī), CEDICT keeps the spoken neutral."""
    mine, theirs = own.lower().split(), cedict.lower().split()
    return (
        len(mine) == len(theirs)
        and mine != theirs
        and all(
            a == b or (b.endswith("5") and a[:-1] == b[:-1])
            for a, b in zip(mine, theirs, strict=True)
        )
    )


def _citation(ch: str, syllable: str) -> str:
    if ch == "一" and syllable.lower() in ("yi2", "yi4"):
        return "yi1"
    if ch == "不" and syllable.lower() == "bu2":
        return "bu4"
    return syllable


def _trim_heap() -> None:
    """Give the loader's scratch memory back to the OS (glibc keeps it otherwise: ~8 MB)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc (musl): nothing to do


_default: Dictionary | None = None
_default_lock = threading.Lock()


def get_dictionary() -> Dictionary:
    """The process-wide dictionary (created on first call; data loads on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Dictionary()
        return _default


def ensure_loaded(on_loaded: Callable[[], None] | None = None) -> None:
    """Start loading the process-wide dictionary in the background (no-op when loaded)."""
    get_dictionary().ensure_loaded(on_loaded)


_terms_lock = threading.Lock()
_dictionaries_with_terms: set[int] = set()


def prepare_dictionary() -> Dictionary:
    """The process-wide dictionary, loaded, with the phrasebook's terms as words (绝绝子).

    Blocking (the cache load, and the phrasebook the first time): the GUI calls it on a
    worker after the first paint, the CLI before annotating. Idempotent and thread-safe.
    """
    from companion.phrasebook import segmentation_terms

    dictionary = get_dictionary()
    with _terms_lock:
        if id(dictionary) not in _dictionaries_with_terms:
            dictionary.add_extra_words(segmentation_terms())
            _dictionaries_with_terms.add(id(dictionary))
    dictionary.load()
    return dictionary
