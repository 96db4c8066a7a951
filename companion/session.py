"""One translation session: what the pane and the CLI both do with a text, in one place.

A :class:`Session` owns the long-lived pieces (the offline engine with its loaded models, the
sentence cache, the phrasebook glossary) and builds the :class:`~companion.translator.Translator`
from settings, again whenever packs or engine settings change. :meth:`Session.translate` returns
one :class:`SessionResult`: the translation, the back-translation of Chinese about to be posted,
the pinyin of the Chinese side, the phrasebook terms, the engine and its notes, the direction and
the timing. The pane shows it, the CLI prints it (``translate --json``), and history, saved
words and the Lens keep or build on it.

No Qt here: the GUI calls this from its worker threads, the CLI directly.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from companion import changes
from companion.engines.base import CancelToken, Engine, EngineError
from companion.glossary_api import TermHit
from companion.settings import Settings
from companion.text import clean_input, has_han, mark_lone_surrogates
from companion.translator import (
    SentenceCache,
    SentenceResult,
    TranslationResult,
    Translator,
)

if TYPE_CHECKING:
    from companion.phrasebook.glossary import PhrasebookGlossary
    from companion.pinyin import Word

MAX_PINYIN_CHARS = 5000  # a ruby view of more than this is no reading aid
# Settings the translator is built from; a change to any of them rebuilds it. A stored or
# removed API key is announced as changes.notify("settings", "key:<engine>").
TRANSLATOR_SETTINGS = frozenset({"preferred_engine", "offline_only", "engine_options"})
ORIGINS = ("typed", "paste", "clipboard", "ocr", "hotkey", "phrasebook", "cli")


@dataclass(frozen=True)
class Timing:
    """Where the time of one translation went, in milliseconds (history and benches read it)."""

    translate_ms: float = 0.0
    back_translation_ms: float = 0.0
    reading_aids_ms: float = 0.0  # pinyin and phrasebook terms
    total_ms: float = 0.0

    def as_json(self) -> dict[str, float]:
        return {
            "translate": round(self.translate_ms, 1),
            "back_translation": round(self.back_translation_ms, 1),
            "reading_aids": round(self.reading_aids_ms, 1),
            "total": round(self.total_ms, 1),
        }


@dataclass(frozen=True)
class SessionResult:
    """Everything Companion knows about one translated text; complete or still streaming.

    ``source_text`` is the input as cleaned at the boundary (what was translated), ``text`` the
    translation. ``back_translation`` is the English of the Chinese translation (English ->
    Chinese only; None otherwise, or while it is being checked); when it could not be made,
    ``back_translation_problem`` says why. ``pinyin`` holds the words of the Chinese side
    (``pinyin_of``: "source" or "target"), at most :data:`MAX_PINYIN_CHARS` of it.
    ``terms`` are the phrasebook terms of the source (offsets into ``source_text``);
    ``glossary`` those whose curated meaning went into the translation.
    """

    source_text: str
    text: str
    source: str  # "zh" | "en"
    target: str
    detected: bool  # the direction was detected (auto), not chosen
    origin: str = "typed"  # one of ORIGINS: where the text came from
    engine: str = ""  # engine name(s) that produced it, "+"-joined; "" when nothing to do
    engine_label: str = ""
    online: bool = False  # some of the text was sent to an online engine
    notes: tuple[str, ...] = ()
    sentences: tuple[SentenceResult, ...] = ()
    terms: tuple[TermHit, ...] = ()
    glossary: tuple[TermHit, ...] = ()
    back_translation: str | None = None
    back_translation_problem: str = ""
    pinyin: tuple[Word, ...] = ()
    pinyin_of: str = ""  # "source" | "target" | "" (no Chinese side)
    pinyin_style: str = "marks"
    pinyin_truncated: bool = False
    pinyin_problem: str = ""
    done: int = 0  # distinct sentences translated so far
    total: int = 0
    complete: bool = True
    timing: Timing = field(default_factory=Timing)
    created: float = field(default_factory=time.time)  # seconds since the epoch

    @property
    def chinese_text(self) -> str:
        """The Chinese side: the source of zh->en, the translation of en->zh."""
        return self.source_text if self.source == "zh" else self.text

    @property
    def checking(self) -> bool:
        """The Chinese is shown and its back-translation is on its way."""
        return (
            not self.complete
            and self.target == "zh"
            and bool(self.text)
            and self.total > 0
            and self.done == self.total
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source_text,
            "target": self.text,
            "from": self.source,
            "to": self.target,
            "detected": self.detected,
            "origin": self.origin,
            "engine": self.engine,
            "engine_label": self.engine_label,
            "online": self.online,
            "back_translation": self.back_translation,
            "back_translation_problem": self.back_translation_problem or None,
            "sentences": [{"source": s.source, "target": s.target} for s in self.sentences],
            "glossary": [
                {"term": h.term, "meaning": h.meaning, "pinyin": h.pinyin} for h in self.glossary
            ],
            "terms": [
                {
                    "term": h.term,
                    "start": h.start,
                    "end": h.end,
                    "meaning": h.meaning,
                    "pinyin": h.pinyin,
                    "entry": h.entry_key,
                    "category": h.category,
                }
                for h in self.terms
            ],
            "pinyin": {
                "of": self.pinyin_of or None,
                "style": self.pinyin_style,
                "truncated": self.pinyin_truncated,
                "problem": self.pinyin_problem or None,
                "words": [{**w.to_json(self.pinyin_style), "gloss": w.gloss} for w in self.pinyin],
            },
            "notes": list(self.notes),
            "complete": self.complete,
            "timing_ms": self.timing.as_json(),
        }


@dataclass(frozen=True)
class ReadingAids:
    """Pinyin and phrasebook terms of a text, shown as the user types (pack or no pack)."""

    text: str
    words: tuple[Word, ...] = ()
    terms: tuple[TermHit, ...] = ()  # offsets into ``text`` as given
    truncated: bool = False  # pinyin covers only the first MAX_PINYIN_CHARS
    problem: str = ""  # why there is no pinyin (the dictionary is missing)


def create_online_engine(name: str, settings: Settings) -> Engine:
    """The online engine ``name`` configured from settings and the keychain."""
    from companion import secrets
    from companion.engines.registry import create_engine

    return create_engine(name, settings, secrets)


def known_latin_terms() -> frozenset[str]:
    """Latin words the phrasebook knows (yyds, OOTD, DM), lower case: not English prose."""
    from companion.phrasebook import latin_terms

    return latin_terms()


class _KnownLatin(Collection[str]):
    """:func:`known_latin_terms`, read on the first question (thread-safe).

    Direction detection asks only about a Latin word that is not an initialism, so a
    Chinese text without one never reads the phrasebook for it: the first translation's model
    starts loading before the phrasebook is read (see ``Translator``), not after.
    """

    def __init__(self) -> None:
        self._terms: frozenset[str] | None = None
        self._lock = threading.Lock()

    def terms(self) -> frozenset[str]:
        with self._lock:
            if self._terms is None:
                self._terms = known_latin_terms()
            return self._terms

    def __contains__(self, word: object) -> bool:
        return word in self.terms()

    def __iter__(self) -> Iterator[str]:
        return iter(self.terms())

    def __len__(self) -> int:
        return len(self.terms())


class _Lru:
    """A few recent values by key (the reading aids of the last texts), thread-safe."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Session:
    """Translation for one process: the GUI keeps one for its lifetime, the CLI one per command.

    ``engine_name`` forces an engine (the CLI's ``--engine``); by default the one chosen in
    Settings is used unless "offline only" is on. ``follow_changes`` subscribes to
    :mod:`companion.changes`, so installing a pack or choosing another engine takes effect on
    the next translation (the GUI sets it; call :meth:`close` to unsubscribe). Every method is
    thread-safe; the slow ones (:meth:`translate`, :meth:`reading_aids`, :meth:`warm`) block
    and belong on a worker thread in a GUI.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        offline: Engine | None = None,
        engine_name: str | None = None,
        use_glossary: bool = True,
        follow_changes: bool = False,
    ) -> None:
        self.settings = settings or Settings()
        if offline is None:
            from companion.engines.offline import OfflineEngine

            offline = OfflineEngine()
        self.offline = offline
        self.cache = SentenceCache()  # outlives translators rebuilt by settings
        self.engine_name = engine_name
        self.use_glossary = use_glossary
        self._lock = threading.RLock()
        self._translator: Translator | None = None
        self._glossary: PhrasebookGlossary | None = None
        self._known_latin = _KnownLatin()
        self._aids = _Lru(8)
        self._unsubscribe: Callable[[], None] | None = None
        if follow_changes:
            # Weakly: the listener list must not keep a session (and its models) alive.
            changed = weakref.WeakMethod(self._changed)

            def listener(topic: changes.Topic, detail: str) -> None:
                method = changed()
                if method is not None:
                    method(topic, detail)

            self._unsubscribe = changes.subscribe(listener)
            weakref.finalize(self, self._unsubscribe)

    # Lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop following changes (the window closes; tests)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _changed(self, topic: changes.Topic, detail: str) -> None:
        if topic == "packs":
            self.packs_changed()
        elif topic == "settings" and (detail in TRANSLATOR_SETTINGS or detail.startswith("key:")):
            self.invalidate()

    def packs_changed(self) -> None:
        """A pack was installed, replaced or removed: reload models, forget their sentences."""
        forget = getattr(self.offline, "forget", None)
        if callable(forget):
            forget()
        self.cache.drop_engine(self.offline.info.name)
        self.invalidate()

    def invalidate(self) -> None:
        """Build the translator again on next use (engine settings or a key changed)."""
        with self._lock:
            self._translator = None

    def glossary(self) -> PhrasebookGlossary:
        """The phrasebook glossary, shared by the translator and the reading aids."""
        with self._lock:
            if self._glossary is None:
                from companion.phrasebook.glossary import PhrasebookGlossary

                self._glossary = PhrasebookGlossary()
            return self._glossary

    def known_latin(self) -> frozenset[str]:
        return self._known_latin.terms()

    def translator(self) -> Translator:
        """The translator for the current settings, built on first use (loads the phrasebook)."""
        with self._lock:
            if self._translator is None:
                self._translator = self._build()
            return self._translator

    def _build(self) -> Translator:
        name = self.engine_name or self.settings.get_str("preferred_engine")
        online = None
        forced = self.engine_name is not None
        if name and name != "offline" and (forced or not self.settings.get_bool("offline_only")):
            online = create_online_engine(name, self.settings)
        return Translator(
            offline=self.offline,
            online=online,
            glossary=self.glossary() if self.use_glossary else None,
            cache=self.cache,
            known_latin=self._known_latin,  # read when a text first has a Latin word
        )

    def uses_network(self) -> bool:
        """Whether a translation may go online (the GUI runs those on its network pool)."""
        name = self.engine_name or self.settings.get_str("preferred_engine")
        if name == "offline":
            return False
        return self.engine_name is not None or not self.settings.get_bool("offline_only")

    def warm(self) -> int:
        """Load the installed packs and build the translator now; returns packs loaded."""
        from companion import packs

        installed = {(p.from_code, p.to_code) for p in packs.list_installed()}
        loaded = 0
        warm = getattr(self.offline, "warm", None)
        for pair in (("zh", "en"), ("en", "zh")):
            if pair in installed and callable(warm):
                warm(*pair)
                loaded += 1
        self.translator()
        self.known_latin()
        self.glossary().find_terms("预热")  # builds its tables in this thread, not the next paste's
        return loaded

    # Reading aids ------------------------------------------------------------------------------
    def reading_aids(self, text: str) -> ReadingAids:
        """Pinyin of the text's Chinese and its phrasebook terms (no translation involved).

        Term offsets refer to ``text`` exactly as given (the pane highlights them in place).
        """
        style, sandhi = self._pinyin_settings()
        key = ("aids", text, style, sandhi)
        cached = self._aids.get(key)
        if isinstance(cached, ReadingAids):
            return cached
        terms = tuple(self.find_terms(text))
        words, truncated, problem = self._annotate(text, style, sandhi)
        aids = ReadingAids(text, words, terms, truncated, problem)
        self._aids.put(key, aids)
        return aids

    def find_terms(self, text: str) -> list[TermHit]:
        """Phrasebook terms of ``text`` (offsets into ``text``)."""
        if not text.strip():
            return []
        cached = self._aids.get(("terms", text))
        if isinstance(cached, list):
            return list(cached)
        # Lone surrogates become U+FFFD one for one, so offsets still fit the text as given.
        terms = self.glossary().find_terms(mark_lone_surrogates(text))
        self._aids.put(("terms", text), terms)
        return list(terms)

    def pinyin(self, text: str) -> tuple[tuple[Word, ...], bool, str]:
        """(words, truncated, problem) for the Chinese ``text``, in the user's style."""
        style, sandhi = self._pinyin_settings()
        return self._annotate(text, style, sandhi)

    def _pinyin_settings(self) -> tuple[str, bool]:
        return self.settings.get_str("pinyin_style"), self.settings.get_bool("tone_sandhi")

    def _annotate(self, text: str, style: str, sandhi: bool) -> tuple[tuple[Word, ...], bool, str]:
        head = clean_input(text[:MAX_PINYIN_CHARS])
        if not has_han(head):
            return (), False, ""
        key = ("pinyin", head, style, sandhi)
        cached = self._aids.get(key)
        if isinstance(cached, tuple):
            return cached, len(text) > MAX_PINYIN_CHARS, ""
        from companion.dictionary import DictionaryError, prepare_dictionary
        from companion.pinyin import annotate

        try:
            prepare_dictionary()  # idempotent: slang from the phrasebook reads as one word
            words = tuple(annotate(head, style=style, sandhi=sandhi))
        except DictionaryError as exc:
            return (), False, str(exc)
        self._aids.put(key, words)
        return words, len(text) > MAX_PINYIN_CHARS, ""

    # Translation -------------------------------------------------------------------------------
    def translate(
        self,
        text: str,
        source: str = "auto",
        target: str | None = None,
        *,
        origin: str = "typed",
        cancel: CancelToken | None = None,
        on_progress: Callable[[SessionResult], None] | None = None,
        back_translate: bool = True,
        with_reading_aids: bool = True,
    ) -> SessionResult:
        """Translate ``text`` and gather everything about it into one :class:`SessionResult`.

        ``with_reading_aids`` False leaves out the pinyin and the phrasebook terms (a caller that
        shows only the translation need not load the dictionary for them).

        ``on_progress`` gets partial results (``complete`` False) while a long text streams
        in, and once more when Chinese is shown while its back-translation is checked.
        Raises ``InputError`` (not text, too long), ``EngineError`` (no engine can translate:
        no pack) and ``Cancelled``.
        """
        started = time.perf_counter()
        translator = self.translator()
        if cancel is not None:
            cancel.raise_if_cancelled()
        detected = source == "auto"
        style = self.settings.get_str("pinyin_style")

        def partial(value: TranslationResult) -> None:
            if on_progress is not None:
                on_progress(self._result(value, detected, origin, style, complete=False))

        first = translator.translate(  # the boundary: cleans the text once, or refuses it
            text,
            source=source,
            target=target,
            cancel=cancel,
            on_progress=partial if on_progress is not None else None,
            find_terms=False,  # kept from the reading aids below (often already found)
        )
        translated = time.perf_counter()
        back: str | None = None
        problem = ""
        if back_translate and first.target == "zh" and first.text:
            if on_progress is not None:  # the Chinese shows while it is checked
                on_progress(self._result(first, detected, origin, style, complete=False))
            try:
                back = translator.translate(
                    first.text, "zh", "en", cancel=cancel, find_terms=False
                ).text
            except EngineError as exc:  # the Chinese itself is still worth showing
                problem = exc.message
        checked = time.perf_counter()
        terms = tuple(self.find_terms(first.source_text)) if with_reading_aids else ()
        chinese = first.source_text if first.source == "zh" else first.text
        words, truncated, pinyin_problem = (
            self.pinyin(chinese) if chinese and with_reading_aids else ((), False, "")
        )
        finished = time.perf_counter()
        timing = Timing(
            translate_ms=(translated - started) * 1000,
            back_translation_ms=(checked - translated) * 1000,
            reading_aids_ms=(finished - checked) * 1000,
            total_ms=(finished - started) * 1000,
        )
        return replace(
            self._result(first, detected, origin, style, complete=True),
            terms=terms,
            back_translation=back,
            back_translation_problem=problem,
            pinyin=words,
            pinyin_of=("source" if first.source == "zh" else "target") if words else "",
            pinyin_truncated=truncated,
            pinyin_problem=pinyin_problem,
            timing=timing,
        )

    @staticmethod
    def _result(
        value: TranslationResult, detected: bool, origin: str, style: str, complete: bool
    ) -> SessionResult:
        return SessionResult(
            source_text=value.source_text,
            text=value.text,
            source=value.source,
            target=value.target,
            detected=detected,
            origin=origin,
            engine=value.engine,
            engine_label=value.engine_label,
            online=value.online,
            notes=tuple(value.notes),
            sentences=tuple(value.sentences),
            glossary=tuple(value.glossary_terms),
            pinyin_style=style,
            done=value.done,
            total=value.total,
            complete=complete,
        )
