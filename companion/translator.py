"""The translation service: splitting, caching, glossary, fallback and streaming.

Engines only translate lists of sentences. Everything a user notices about translation
behaviour lives here, once, for every engine: the input is split into sentences and
translated in chunks so a long post streams in; each sentence is cached so nothing is
translated twice in a session; phrasebook terms are protected; and a failing online engine
falls back to the offline one with a plain-words note.
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Generator, Sequence
from dataclasses import dataclass, field, replace

from companion.engines.base import (
    LANGUAGE_NAMES,
    Cancelled,
    CancelToken,
    Engine,
    EngineError,
    ErrorKind,
)
from companion.glossary_api import GlossaryPass, Protected, TermHit
from companion.text import (
    ScriptTally,
    Segment,
    clean_input,
    direction_of,
    has_han,
    has_words,
    is_probably_binary,
    script_tally,
    split_segments,
)

MAX_INPUT_CHARS = 100_000  # about 50 long posts; beyond that it is not a paste meant for us
CHUNK_GROWTH = 4  # a long text's chunks grow from the first size to 4x it (see _chunks)

_FALLBACK_WORDS = {
    ErrorKind.AUTH: "key rejected",
    ErrorKind.RATE_LIMIT: "too many requests",
    ErrorKind.QUOTA: "quota used up",
    ErrorKind.NETWORK: "no connection",
    ErrorKind.SERVER: "server error",
    ErrorKind.BAD_RESPONSE: "unreadable reply",
}  # other kinds (no key, wrong URL, refused text) show the engine's own advice


class InputError(ValueError):
    """Input we will not send to an engine (binary data, far too long)."""


@dataclass(frozen=True)
class SentenceResult:
    source: str
    target: str
    engine: str
    hits: tuple[TermHit, ...] = ()
    engine_label: str = ""
    online: bool = False


@dataclass
class TranslationResult:
    """A translation, complete or partial (while a long text streams in)."""

    source_text: str
    source: str
    target: str
    text: str = ""
    sentences: list[SentenceResult] = field(default_factory=list)
    engine: str = ""  # name of the engine that produced the result ("" when nothing to do)
    engine_label: str = ""
    online: bool = False  # True if any of the text was sent to an online engine
    notes: list[str] = field(default_factory=list)
    terms: list[TermHit] = field(default_factory=list)  # phrasebook terms found in the source
    done: int = 0
    total: int = 0
    complete: bool = False

    # The glossary terms of ``sentences`` so far, kept up to date by the translator as they
    # stream in (a long post would otherwise be scanned again for every partial result).
    used_terms: list[TermHit] | None = field(default=None, repr=False, compare=False)

    @property
    def glossary_terms(self) -> list[TermHit]:
        """Terms whose curated meaning was put into the translation (not just highlighted)."""
        if self.used_terms is not None:
            return list(self.used_terms)
        seen: dict[str, TermHit] = {}
        for sentence in self.sentences:
            for hit in sentence.hits:
                seen.setdefault(hit.term, hit)
        return list(seen.values())

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source_text,
            "target": self.text,
            "from": self.source,
            "to": self.target,
            "engine": self.engine,
            "online": self.online,
            "sentences": [{"source": s.source, "target": s.target} for s in self.sentences],
            "glossary": [
                {"term": h.term, "meaning": h.meaning, "pinyin": h.pinyin}
                for h in self.glossary_terms
            ],
            "terms": [
                {"term": h.term, "start": h.start, "end": h.end, "meaning": h.meaning}
                for h in self.terms
            ],
            "notes": self.notes,
        }


@dataclass(frozen=True)
class CachedSentence:
    target: str
    engine: str
    engine_label: str
    online: bool
    hits: tuple[TermHit, ...] = ()


CacheKey = tuple[str, str, str, bool, str]  # engine, source, target, glossary on, sentence


class SentenceCache:
    """A bounded LRU of sentence translations for the whole session.

    Owned by whoever lives longest (the window), so rebuilding the translator after a
    settings change does not throw away what was already translated.
    """

    def __init__(self, capacity: int = 20_000) -> None:
        self._capacity = capacity
        self._items: OrderedDict[CacheKey, CachedSentence] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> CachedSentence | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def get_many(self, keys: Sequence[CacheKey]) -> list[CachedSentence | None]:
        """:meth:`get` of each key, under one lock (a long text asks for thousands)."""
        with self._lock:
            found = [self._items.get(key) for key in keys]
            for key, value in zip(keys, found, strict=True):
                if value is not None:
                    self._items.move_to_end(key)
            hits = len(found) - found.count(None)
            self.hits += hits
            self.misses += len(found) - hits
            return found

    def put(self, key: CacheKey, value: CachedSentence) -> None:
        self.put_many([(key, value)])

    def put_many(self, items: Sequence[tuple[CacheKey, CachedSentence]]) -> None:
        """:meth:`put` of each item in turn, under one lock."""
        with self._lock:
            for key, value in items:
                self._items[key] = value
                self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def drop_engine(self, engine: str) -> None:
        """Forget one engine's sentences (its pack was replaced)."""
        with self._lock:
            for key in [k for k in self._items if k[0] == engine]:
                del self._items[key]


# After these failures the online engine rests a while, so every edit does not wait on a
# dead network or a rejected key before falling back.
_PAUSING_KINDS = {
    ErrorKind.NETWORK,
    ErrorKind.AUTH,
    ErrorKind.NO_KEY,
    ErrorKind.QUOTA,
    ErrorKind.RATE_LIMIT,
}
ONLINE_PAUSE_SECONDS = 60.0


class Translator:
    """Translate text with a preferred engine, the offline engine as fallback.

    ``known_latin`` (lower case) are Latin words that are not English prose: the phrasebook's
    brand names and slang (yyds, vlog). Direction detection leaves them out, so a Chinese post
    full of them is still read as Chinese.
    """

    def __init__(
        self,
        offline: Engine,
        online: Engine | None = None,
        glossary: GlossaryPass | None = None,
        cache: SentenceCache | None = None,
        known_latin: Collection[str] = (),
    ) -> None:
        self.offline = offline
        self.online = online
        self.glossary = glossary
        self.use_glossary = True
        self.known_latin = known_latin
        self.cache = cache if cache is not None else SentenceCache()
        self._pause_lock = threading.Lock()
        self._online_paused_until = 0.0
        self._online_pause_note = ""

    def resolve_direction(
        self, text: str, source: str = "auto", target: str | None = None
    ) -> tuple[str, str]:
        return self._resolve(text, source, target, self.known_latin)

    @staticmethod
    def _resolve(
        text: str,
        source: str,
        target: str | None,
        known_latin: Collection[str],
        tally: ScriptTally | None = None,
    ) -> tuple[str, str]:
        """The direction; ``tally`` is the text's :func:`script_tally` when already made."""
        if source == "auto":
            counts = (tally if tally is not None else script_tally(text)).counts(known_latin)
            source, detected_target = direction_of(counts)
            target = target or detected_target
            if target == source:  # user forced the target to the detected source
                source = "en" if target == "zh" else "zh"
        if target is None:
            target = "en" if source == "zh" else "zh"
        if source not in LANGUAGE_NAMES or target not in LANGUAGE_NAMES or source == target:
            raise InputError(f"unsupported direction {source}->{target}: use zh->en or en->zh")
        return source, target

    def translate(
        self,
        text: str,
        source: str = "auto",
        target: str | None = None,
        cancel: CancelToken | None = None,
        on_progress: Callable[[TranslationResult], None] | None = None,
        chunk_sentences: int = 6,
        find_terms: bool = True,
        whole_post: int = 8,
    ) -> TranslationResult:
        """Translate ``text``; ``on_progress`` gets a partial result after each chunk.

        A text of at most ``whole_post`` new sentences (a post) goes to the engine in one call:
        streaming it in chunks would cost an extra decoding batch and show nothing sooner
        worth having. A longer one streams in chunks of ``chunk_sentences``.

        ``find_terms=False`` skips listing the phrasebook terms of the whole text, for a caller
        that finds them itself (the session keeps them from the reading aids).

        Raises :class:`InputError` for input that is not text, :class:`EngineError` when no
        engine can translate (e.g. no pack installed), and ``Cancelled`` when cancelled.
        """
        text = check_input(text)
        tally = script_tally(text) if source == "auto" else None  # one scan for both asks
        early = self._early_direction(text, source, target, tally)
        if early is not None:
            self._prefetch_offline(*early)
        source, target = self._resolve(text, source, target, self.known_latin, tally)
        result = TranslationResult(source_text=text, source=source, target=target)
        segments = split_segments(text)
        sentences = [s.text for s in segments if s.translatable]
        if self.glossary is not None and find_terms:
            result.terms = self.glossary.find_terms(text)
        if not sentences or not has_words(text):
            # Emoji, digits and punctuation read the same in every language: keep them as
            # they are rather than let a model invent words for them.
            result.text = text.strip() if sentences else ""
            result.complete = True
            return result
        if early is None:
            self._prefetch_offline(source, target)

        # Each distinct sentence is translated once, wherever and however often it appears.
        unique = list(dict.fromkeys(sentences))
        result.total = len(unique)
        done: dict[str, SentenceResult] = {}
        engine = self._first_engine(source, target, result)
        glossary = self.glossary if self.use_glossary else None
        gloss_flag = glossary is not None
        assembler = _Assembler(segments, target)

        def key(engine_name: str, sentence: str) -> CacheKey:
            return (engine_name, source, target, gloss_flag, sentence)

        # Serve what the cache has first, so repeated text appears at once.
        pending: list[str] = []
        known = self.cache.get_many([key(engine.info.name, sentence) for sentence in unique])
        for sentence, cached in zip(unique, known, strict=True):
            if cached is None:
                pending.append(sentence)
            else:
                done[sentence] = SentenceResult(
                    sentence,
                    cached.target,
                    cached.engine,
                    cached.hits,
                    cached.engine_label,
                    cached.online,
                )
        if done:
            self._publish(result, assembler, sentences, done, on_progress, partial=bool(pending))

        chunks = _chunks(pending, whole_post, chunk_sentences)

        def prepare(chunk: list[str]) -> list[Protected]:
            prepared = []
            for sentence in chunk:
                prepared.append(self._prepare(sentence, source, target, glossary))
                # Hand the GIL over between sentences: this runs beside the engine thread,
                # which otherwise waits out the 5 ms switch interval to get the GIL back each
                # time an engine call returns (~0.3 s over a 100,000-character text).
                time.sleep(0)
            return prepared

        current = [engine]  # the engine the next chunk starts with (a fallback changes it)

        def run(chunk: list[str], prepared: list[Protected]) -> _Answer:
            # What still needs a model: a sentence that is all kept words, codes, digits and
            # punctuation once prepared ("yyds！", an English line in a Chinese post) does not.
            needed = [i for i, prep in enumerate(prepared) if _needs_engine(prep.text, source)]
            first = used = current[0]
            outputs = [prep.text for prep in prepared]
            notes: list[str] = []
            if needed:
                translated, used = self._run_chunk(
                    first, [prepared[i].text for i in needed], source, target, cancel, notes
                )
                for index, out in zip(needed, translated, strict=True):
                    outputs[index] = out
            current[0] = used
            return _Answer(outputs, set(needed), first, used, notes)

        # Closed on the way out (a cancel, a failure): its threads have ended by then.
        with contextlib.closing(_pipelined(chunks, prepare, run, cancel)) as ready:
            for number, (chunk, prepared, answer) in enumerate(ready):
                result.notes.extend(answer.notes)
                info, first = answer.engine.info, answer.first
                entries: list[tuple[CacheKey, CachedSentence]] = []
                for index, (sentence, prep, out) in enumerate(
                    zip(chunk, prepared, answer.outputs, strict=True)
                ):
                    final = prep.restore(out)
                    hits = tuple(prep.hits)
                    online = info.online and index in answer.sent  # kept as written: not sent
                    done[sentence] = SentenceResult(
                        sentence, final, info.name, hits, info.label, online
                    )
                    entry = CachedSentence(final, info.name, info.label, online, hits)
                    entries.append((key(info.name, sentence), entry))
                    if answer.engine is not first:  # a fallback answer serves the next request too
                        entries.append((key(first.info.name, sentence), entry))
                self.cache.put_many(entries)
                more = number + 1 < len(chunks)
                self._publish(result, assembler, sentences, done, on_progress, partial=more)
        result.complete = True
        return result

    @staticmethod
    def _prepare(
        sentence: str, source: str, target: str, glossary: GlossaryPass | None
    ) -> Protected:
        """Glossary terms become their curated meaning; a Chinese sentence's Latin words
        (vintage, look, a link) are kept exactly as written."""
        terms = glossary.protect(sentence, source, target) if glossary else Protected(sentence)
        if source != "zh":
            return terms
        kept = keep_latin(terms.text)
        if not kept.hits:
            return terms
        return Protected(
            kept.text,
            terms.hits,
            lambda translated: terms.restore(kept.restore(translated)),
        )

    def _early_direction(
        self, text: str, source: str, target: str | None, tally: ScriptTally | None = None
    ) -> tuple[str, str] | None:
        """The direction when it is certain without the phrasebook's Latin words, else None.

        Those words can only make a text more Chinese, so a text that reads as Chinese without
        them is Chinese with them: its model can start loading before the phrasebook is read
        (the first text of a process: ~0.2 s of Python the model's load, in C++, no longer
        waits for).
        """
        if not has_words(text):
            return None  # nothing for a model: no reason to load one
        try:
            early = self._resolve(text, source, target, (), tally)
        except InputError:
            return None  # refused below, with the direction's own message
        return early if source != "auto" or early[0] == "zh" else None

    def _prefetch_offline(self, source: str, target: str) -> None:
        """Have the offline engine start loading its model, when it will translate this."""
        prefetch = getattr(self.offline, "prefetch", None)
        if callable(prefetch) and self._offline_first(source, target):
            prefetch(source, target)

    def _offline_first(self, source: str, target: str) -> bool:
        """Whether the offline engine is the one a translation in this direction starts with."""
        if self.online is None or not self.online.supports(source, target):
            return True
        with self._pause_lock:
            return time.monotonic() < self._online_paused_until

    def _first_engine(self, source: str, target: str, result: TranslationResult) -> Engine:
        if self.online is None or not self.online.supports(source, target):
            return self.offline
        with self._pause_lock:
            paused = time.monotonic() < self._online_paused_until
            note = self._online_pause_note
        if paused:
            result.notes.append(note)
            return self.offline
        return self.online

    def _run_chunk(
        self,
        engine: Engine,
        texts: Sequence[str],
        source: str,
        target: str,
        cancel: CancelToken | None,
        notes: list[str],
    ) -> tuple[list[str], Engine]:
        """``texts`` translated, by ``engine`` or the offline one when it fails; the note
        saying so is added to ``notes``."""
        try:
            outputs = engine.translate_batch(texts, source, target, cancel)
        except EngineError as exc:
            if engine is self.offline:
                raise
            # The engine's own words where they help the user act (a missing key, a wrong
            # URL); plain words for the rest.
            words = _FALLBACK_WORDS.get(exc.kind) or exc.message
            failed_label = engine.info.label
            engine = self.offline
            try:
                outputs = engine.translate_batch(texts, source, target, cancel)
            except EngineError as offline_exc:
                # Both failed: say why the chosen engine failed too, not only the fallback.
                raise EngineError(
                    offline_exc.engine,
                    offline_exc.kind,
                    f"{offline_exc.message} ({failed_label}: {words})",
                ) from None
            note = f"{failed_label}: {words} - translated offline"
            notes.append(note)
            if exc.kind in _PAUSING_KINDS:
                with self._pause_lock:
                    self._online_paused_until = time.monotonic() + ONLINE_PAUSE_SECONDS
                    self._online_pause_note = note
        if len(outputs) != len(texts):
            raise EngineError(
                engine.info.name, ErrorKind.BAD_RESPONSE, "returned the wrong number of sentences"
            )
        return outputs, engine

    @staticmethod
    def _publish(
        result: TranslationResult,
        assembler: _Assembler,
        sentences: list[str],
        done: dict[str, SentenceResult],
        on_progress: Callable[[TranslationResult], None] | None,
        partial: bool,
    ) -> None:
        """Bring ``result`` up to date with what ``done`` now holds; tell ``on_progress``.

        Only what arrived since the last call is looked at (a 100,000-character text publishes
        hundreds of times): the assembler appends the newly ready sentences, and the engines
        and glossary terms are gathered from those alone.
        """
        result.done = len(done)
        result.text = assembler.advance(sentences, done)
        result.sentences = assembler.shown()
        result.used_terms = assembler.terms()
        # The badge names every engine that produced a part, and says "online" if any did.
        used = assembler.engines()
        if used:
            result.engine = "+".join(name for name, _label in used)
            result.engine_label = " + ".join(label for _name, label in used)
        result.online = assembler.online
        if on_progress is not None and partial:
            # The sentence and term lists were built fresh above and are only ever rebound,
            # never changed in place, so the partial shares them (copying them again per
            # partial grew with the square of a long text); notes are appended to, so copied.
            on_progress(replace(result, notes=list(result.notes)))


def _chunks(pending: list[str], whole_post: int, first: int) -> list[list[str]]:
    """The engine calls for ``pending``: a post in one, a longer text in chunks that start at
    ``first`` sentences, so the top shows early, and double up to ``CHUNK_GROWTH`` times that.

    Every chunk costs a publish (the text so far, rebuilt for the pane) and an engine call;
    at one size a 100,000-character text made 669 of each, and the reader is still on the
    first screen when the later, larger chunks arrive.
    """
    first = max(first, 1)
    if len(pending) <= whole_post:
        return [pending] if pending else []
    chunks: list[list[str]] = []
    start, step = 0, first
    while start < len(pending):
        chunks.append(pending[start : start + step])
        start += step
        step = min(step * 2, first * CHUNK_GROWTH)
    return chunks


@dataclass
class _Answer:
    """What the engine made of a chunk: an output per sentence (the prepared text itself where
    nothing needed a model), which sentences went to it, the engine the chunk started with and
    the one that answered (the offline one after a failure), and the notes that failure left."""

    outputs: list[str]
    sent: set[int]
    first: Engine
    engine: Engine
    notes: list[str]


def _pipelined(
    chunks: list[list[str]],
    prepare: Callable[[list[str]], list[Protected]],
    run: Callable[[list[str], list[Protected]], _Answer],
    cancel: CancelToken | None,
) -> Generator[tuple[list[str], list[Protected], _Answer], None, None]:
    """Each chunk with its prepared sentences and its answer, in order; preparing, the engine
    calls and the caller's work each on a thread of its own, so none waits for another.

    Preparing (the glossary's terms and numbers, the kept Latin words) and what the caller does
    with an answer (restore the terms, assemble the text, publish it) are Python; an engine
    call mostly is not (CTranslate2 and the network release the GIL). With the engine called
    from the caller's thread it stood idle while each chunk was restored and published:
    ~0.1-0.15 s in all at 100,000 characters (tiny fixture model), now ~0.02 s. The engine
    thread sends chunk k+1 while the caller shows chunk k and may answer two chunks ahead of
    it; the prepare thread keeps two chunks ready ahead of the engine. A cancel is checked
    before every engine call, so it wastes at most the call already out. A text of one chunk
    (a post) runs here, no thread.
    """
    if len(chunks) <= 1:
        for chunk in chunks:
            if cancel is not None:
                cancel.raise_if_cancelled()
            prepared = prepare(chunk)
            yield chunk, prepared, run(chunk, prepared)
        return
    stop = threading.Event()
    # Each holds a chunk's result, or the exception that ended the stage (raised by the caller).
    ready: queue.SimpleQueue[list[Protected] | BaseException] = queue.SimpleQueue()
    answered: queue.SimpleQueue[tuple[list[Protected], _Answer] | BaseException]
    answered = queue.SimpleQueue()
    prepare_room = threading.Semaphore(2)  # prepared chunks the engine has not taken yet
    engine_room = threading.Semaphore(2)  # answers the caller has not taken yet

    def halted() -> BaseException | None:
        if cancel is not None and cancel.cancelled:
            return Cancelled()
        return _Stopped() if stop.is_set() else None

    def preparing() -> None:
        for chunk in chunks:
            prepare_room.acquire()
            problem = halted()
            if problem is None:
                try:
                    ready.put(prepare(chunk))
                    continue
                except BaseException as exc:  # handed to the caller, raised there
                    problem = exc
            ready.put(problem)
            return

    def answering() -> None:
        for chunk in chunks:
            prepared = ready.get()
            prepare_room.release()
            if isinstance(prepared, BaseException):
                answered.put(prepared)
                return
            engine_room.acquire()
            problem = halted()  # checked before every call: none starts after a cancel
            if problem is None:
                try:
                    answered.put((prepared, run(chunk, prepared)))
                    continue
                except BaseException as exc:  # handed to the caller, raised there
                    problem = exc
            answered.put(problem)
            return

    threads = [
        threading.Thread(target=preparing, name="companion-prepare", daemon=True),
        threading.Thread(target=answering, name="companion-engine", daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        for chunk in chunks:
            item = answered.get()
            engine_room.release()
            if cancel is not None:
                cancel.raise_if_cancelled()
            if isinstance(item, BaseException):
                raise item
            yield chunk, *item
    finally:
        stop.set()
        prepare_room.release()  # wake a stage waiting for room: it sees the stop and ends
        engine_room.release()
        for thread in threads:
            thread.join()


class _Stopped(Exception):
    """A stage ended because the caller stopped reading (it never sees this)."""


def check_input(text: str) -> str:
    """The text cleaned for translation, or :class:`InputError` for what is not a text to send."""
    if len(text) > MAX_INPUT_CHARS:
        raise InputError(
            f"the text is {len(text):,} characters; Companion translates up to "
            f"{MAX_INPUT_CHARS:,} at a time: split it into parts"
        )
    if is_probably_binary(text):
        raise InputError("this looks like binary data, not text: nothing was translated")
    return clean_input(text)


class _Assembler:
    """Builds the text as sentences arrive: translated sentences in order, the user's line
    breaks kept.

    Streaming reads from the top, so it stops at the first sentence not yet translated. Each
    call only looks at what became ready since the last one and appends it to the text built
    so far, so a long text is assembled once, not once per chunk: trailing spaces are held
    back until the next piece shows whether they end the text (stripped) or stand before a
    line break (dropped in Chinese). Chinese output needs no spaces between sentences;
    English gets one where the source had none. It also keeps, for the same sentences, the
    engines that made them, whether any went online and the glossary terms they used.
    """

    def __init__(self, segments: list[Segment], target: str) -> None:
        self._segments = segments
        self._target = target
        self._text = ""  # the text so far, without its held-back trailing spaces
        self._tail = ""  # trailing spaces not yet known to stay
        self._last = ""  # the last part added, for the spacing rule
        self._position = 0  # next segment to add
        self._sentence = 0  # index of the next translatable segment
        self._shown: list[SentenceResult] = []
        self._engines: dict[tuple[str, str], None] = {}
        self._terms: dict[str, TermHit] = {}
        self.online = False

    def advance(self, sentences: list[str], done: dict[str, SentenceResult]) -> str:
        parts: list[str] = []
        last = self._last
        while self._position < len(self._segments):
            segment = self._segments[self._position]
            if not segment.translatable:
                last = "\n" * segment.text.count("\n") if "\n" in segment.text else " "
                parts.append(last)
                self._position += 1
                continue
            item = done.get(sentences[self._sentence])
            if item is None:
                break
            if last and self._target == "en" and not last.endswith((" ", "\n")):
                parts.append(" ")
            last = item.target.strip()
            parts.append(last)
            self._take(item)
            self._position += 1
            self._sentence += 1
        self._last = last
        if parts:
            piece = self._tail + "".join(parts)
            if self._target == "zh":
                piece = piece.replace(" \n", "\n")
            if not self._text:
                piece = piece.lstrip(" ")
            kept = piece.rstrip(" ")
            self._tail = piece[len(kept) :]
            self._text += kept
        return self._text

    def _take(self, item: SentenceResult) -> None:
        self._shown.append(item)
        self._engines.setdefault((item.engine, item.engine_label), None)
        self.online = self.online or item.online
        for hit in item.hits:
            self._terms.setdefault(hit.term, hit)

    def shown(self) -> list[SentenceResult]:
        return list(self._shown)

    def engines(self) -> list[tuple[str, str]]:
        """(name, label) of each engine that made a shown sentence, first use first."""
        return list(self._engines)

    def terms(self) -> list[TermHit]:
        """The glossary terms of the shown sentences, each once."""
        return list(self._terms.values())


# Latin words of a Chinese sentence (vintage, look, a link, an @handle) pass through the engine
# as codes and come back exactly as written: a model would translate or mangle them. The code
# has no vowel-led word inside for a model to translate, and the restore step tolerates the
# usual damage (case, inserted spaces); a dropped code gets its word appended, so none is lost.
KEEP_CODE = "ZX{n}"
_KEEP_CODE_RE = re.compile(r"(?<![A-Za-z])[Zz]\s?[Xx]\s?-?\s?(\d{1,2})(?!\d)")
_KEEP_RE = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*,;=%]+"  # links
    r"|@[A-Za-z0-9_.\-]+"  # @handles written in Latin letters
    r"|(?<![A-Za-z0-9])[A-Za-z]+(?:['’\-][A-Za-z]+)*(?![A-Za-z0-9])"  # words (not codes)
)
MAX_KEPT = 40  # codes per sentence; a sentence with more Latin words than that is English
_ANY_CODE_RE = re.compile(r"(?<![A-Za-z])[A-Za-z]{2}\d{1,2}(?!\d)")  # ZX1, and the glossary's


def keep_latin(sentence: str) -> Protected:
    """``sentence`` with its Latin words and links replaced by codes, and how to put them back."""
    if not has_han(sentence):
        return Protected(sentence)
    kept: list[str] = []
    parts: list[str] = []
    position = 0
    for match in _KEEP_RE.finditer(sentence):
        if len(kept) >= MAX_KEPT:
            break
        kept.append(match.group())
        code = KEEP_CODE.format(n=len(kept))
        before = sentence[match.start() - 1] if match.start() else ""
        after = sentence[match.end()] if match.end() < len(sentence) else ""
        # A space between a code and a neighbouring word or Han character keeps the model
        # from gluing them into one token; punctuation keeps its place exactly.
        pad_left = " " if before.isalnum() else ""
        pad_right = " " if after.isalnum() else ""
        parts.append(sentence[position : match.start()])
        parts.append(f"{pad_left}{code}{pad_right}")
        position = match.end()
    if not kept:
        return Protected(sentence)
    parts.append(sentence[position:])
    hits = [TermHit(word, 0, 0, word) for word in kept]  # not glossary terms: not reported

    def restore(translated: str) -> str:
        placed: set[int] = set()

        def put(match: re.Match[str]) -> str:
            number = int(match.group(1))
            if not 1 <= number <= len(kept):
                return ""  # a code we did not send
            placed.add(number)
            return kept[number - 1]

        out = _KEEP_CODE_RE.sub(put, translated)
        missing = [kept[n - 1] for n in range(1, len(kept) + 1) if n not in placed]
        if missing:
            out = f"{out.rstrip()} {' '.join(missing)}".strip()
        return out

    return Protected("".join(parts), hits, restore)


def _needs_engine(prepared: str, source: str) -> bool:
    """False when nothing is left to translate: from Chinese, no Chinese is left (the rest is
    English, codes, digits and emoji, already readable); from English, only codes are."""
    if source == "zh":
        return has_han(prepared)
    return has_words(_ANY_CODE_RE.sub(" ", prepared))
