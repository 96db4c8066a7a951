"""What a text box on screen means in English, and where that meaning came from.

Order, cheapest and most trustworthy first:

1. the phrasebook, on the label as it is, then without its counter ("评论 128" -> 评论),
   then without the measure word that went with the count ("12条评论" -> 条评论 -> 评论);
   a label made of parts ("IP属地：上海", "关注 | 粉丝") is matched part by part;
2. CC-CEDICT for short words (up to four characters, one dictionary word);
3. a translation engine for the rest (sentences), all of one screen in one batch: see
   :mod:`companion.lens.sentences`. When no engine can translate, a short phrase still gets
   its words' meanings from the dictionary ("word by word"), a sentence gets none.

Results are cached by text, so a re-read of a followed window costs nothing for labels it
has seen.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from companion.dictionary.syllables import to_marks
from companion.lens.labels import (
    LATIN_RE,
    MEASURE_WORDS,
    NUMBER_RE,
    Label,
    english_count,
    has_chinese,
    parse_label,
    separator_of,
    split_parts,
)

if TYPE_CHECKING:
    from companion.dictionary import Dictionary
    from companion.lens.sentences import MachineBatch
    from companion.phrasebook.book import Book, Entry

_log = logging.getLogger(__name__)

PHRASEBOOK = "phrasebook"
DICTIONARY = "dictionary"
MACHINE = "machine"
NUMBER = "number"  # a bare count or date, rewritten in English form (1.2万 -> 12K)
ORIGINAL = "original"  # no Chinese in it: shown as it is
NONE = "none"  # Chinese, but nothing could give its meaning (no engine for a sentence)
SOURCES = (PHRASEBOOK, DICTIONARY, MACHINE, NUMBER, ORIGINAL, NONE)

SHORT_WORD = 4  # characters: longer is a phrase the dictionary cannot be trusted with alone
# Categories in the order a label is looked for: the user's own entries win, then what the
# app's interface says, then the community's words.
_CATEGORY_ORDER = (
    "mine", "interface", "platform", "newcomers", "slang", "initialisms", "numbers",
    "stickers", "phrases",
)  # fmt: skip
CONNECTORS = {"和": "and", "与": "and", "與": "and", "及": "and", "或": "or"}
_PAREN_RE = re.compile(r"\s*[(（][^)）]*[)）]")
_SENSE_SPLIT_RE = re.compile(r"\s*;\s*")

Translate = Callable[[Sequence[str]], "MachineBatch"]


@dataclass(frozen=True)
class Meaning:
    """The English for one box: what is drawn, all that is known, and its source."""

    english: str  # drawn over the box ("Comments 128"); "" when nothing is known
    source: str  # one of SOURCES
    word: str = ""  # the Chinese the meaning belongs to (the label without its counter)
    pinyin: str = ""  # of ``word`` (tone marks)
    senses: tuple[str, ...] = ()  # every meaning known, best first
    key: str = ""  # phrasebook entry key ("interface:评论") or "cedict:<word>"
    note: str = ""  # the phrasebook's note, "word by word", or the engine that translated
    pending: bool = False  # a sentence waiting for the translation engine
    shorter: tuple[str, ...] = ()  # other ways to say it, for a box too narrow ("For you")

    @property
    def drawn(self) -> bool:
        return bool(self.english) and self.source != ORIGINAL


def short_english(meaning: str, label: bool = True) -> str:
    """A meaning cut to what fits on a button: no remarks in brackets, first sense only.

    Dictionary glosses are verbs in the infinitive ("to collect"); as a label the imperative
    reads right ("Collect").
    """
    text = _PAREN_RE.sub("", meaning).strip()
    text = _SENSE_SPLIT_RE.split(text)[0].strip() or meaning.strip()
    if label:
        text = text.removeprefix("to ").strip()
        text = text[:1].upper() + text[1:]
    return text


class Matcher:
    """Finds meanings; thread-safe (the GUI reads on a worker, the CLI on its own thread)."""

    def __init__(
        self,
        book: Book | None = None,
        dictionary: Dictionary | None = None,
        translate: Translate | None = None,
        cache_size: int = 4000,
    ) -> None:
        self._book = book
        self._dictionary = dictionary
        self._translate = translate
        self._cache: OrderedDict[str, Meaning] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    # --- sources ---------------------------------------------------------------------------
    @property
    def book(self) -> Book:
        if self._book is None:
            from companion.phrasebook import get_book

            self._book = get_book()
        return self._book

    @property
    def dictionary(self) -> Dictionary:
        if self._dictionary is None:
            from companion.dictionary import get_dictionary

            self._dictionary = get_dictionary()
        return self._dictionary

    def _machine(self, texts: Sequence[str]) -> MachineBatch:
        if self._translate is None:
            from companion.lens.sentences import translate_lines

            return translate_lines(texts)
        return self._translate(texts)

    # --- phase 1: labels -------------------------------------------------------------------
    def label(self, text: str) -> Meaning:
        """The meaning from the phrasebook or the dictionary, or a pending sentence."""
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        meaning = self._label(text)
        if not meaning.pending:
            self._remember(text, meaning)
        return meaning

    def _remember(self, text: str, meaning: Meaning) -> None:
        with self._lock:
            self._cache[text] = meaning
            self._cache.move_to_end(text)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _label(self, text: str) -> Meaning:
        stripped = text.strip()
        if not has_chinese(stripped):  # "356", "OOTD", "12:30": nothing to translate
            return Meaning(stripped, ORIGINAL, word=stripped)
        found = self._whole_label(stripped)
        if found is not None:
            return found
        parts = split_parts(stripped)
        if len(parts) > 1:
            meanings = [self._whole_label(part) for part in parts]
            if all(m is not None for m in meanings):
                return _joined(stripped, [m for m in meanings if m is not None])
        return Meaning("", MACHINE, word=stripped, pinyin=self._pinyin(stripped), pending=True)

    def _whole_label(self, text: str) -> Meaning | None:
        label = parse_label(text)
        if not label.core:
            if label.count:
                return Meaning(english_count(label.count), NUMBER, word=text)
            return None
        if not has_chinese(label.core):
            return Meaning(label.with_english(label.core), ORIGINAL, word=label.core)
        for candidate in dict.fromkeys((text, label.core, label.bare)):
            entry = self.phrasebook_entry(candidate)
            if entry is not None:
                return _from_entry(entry, label)
        for candidate in dict.fromkeys((label.core, label.bare)):
            found = self._dictionary_word(candidate, label)
            if found is not None:
                return found
        return None

    def phrasebook_entry(self, text: str) -> Entry | None:
        """The phrasebook entry whose form is exactly ``text`` (user's, then interface...)."""
        from companion.phrasebook.search import norm

        key = norm(text)
        if not key:
            return None
        book = self.book

        def exact_form(entry: Entry) -> bool:
            forms = (entry.simplified, entry.traditional, entry.full, *entry.also)
            return any(norm(form) == key for form in forms if form)

        for entry in book.user_entries:  # few, and they win
            if exact_form(entry):
                return entry
        for category in _CATEGORY_ORDER[1:]:  # a hash probe each: the common case
            found = book.entry(f"{category}:{text}")
            if found is not None:
                return found
        exact: list[Entry] = []
        for entry in book.search(text, limit=8):  # traditional forms, other spellings
            if exact_form(entry):
                exact.append(entry)
        if not exact:
            return None
        rank = {category: k for k, category in enumerate(_CATEGORY_ORDER)}
        exact.sort(key=lambda e: rank.get(e.category, len(rank)))
        return exact[0]

    def _dictionary_word(self, word: str, label: Label) -> Meaning | None:
        if not word or len(word) > SHORT_WORD or not all(has_chinese(ch) for ch in word):
            return None
        entries = self.dictionary.lookup(word)
        if not entries:
            return None
        senses: list[str] = []
        for entry in entries:
            for sense in entry.senses:
                if sense not in senses:
                    senses.append(sense)
        gloss = self.dictionary.gloss(word) or (senses[0] if senses else "")
        if not gloss:
            return None
        return Meaning(
            label.with_english(short_english(gloss)),
            DICTIONARY,
            word=word,
            pinyin=entries[0].pinyin_marks,
            senses=tuple(senses),
            key=f"cedict:{word}",
        )

    def _pinyin(self, text: str) -> str:
        try:
            from companion.pinyin import annotate, pinyin_text

            return pinyin_text(annotate(text))
        except Exception:  # a missing dictionary must not lose the rest of the screen
            _log.warning("no pinyin for %r", text[:40], exc_info=True)
            return ""

    # --- phase 2: sentences ----------------------------------------------------------------
    def sentences(self, texts: Sequence[str]) -> tuple[dict[str, Meaning], list[str]]:
        """Meanings for sentences (one batch for the screen) and notes for the user."""
        unique = [t for t in dict.fromkeys(texts) if t.strip()]
        if not unique:
            return {}, []
        batch = self._machine(unique)
        out: dict[str, Meaning] = {}
        for text in unique:
            english = batch.translations.get(text, "").strip()
            pinyin = self._pinyin(text)
            if english:
                meaning = Meaning(
                    english, MACHINE, word=text, pinyin=pinyin, senses=(english,),
                    note=batch.engine_label,
                )  # fmt: skip
                self._remember(text, meaning)
            else:
                meaning = self._word_by_word(text, pinyin)
            out[text] = meaning
        notes = [batch.error] if batch.error else []
        return out, notes

    def _word_by_word(self, text: str, pinyin: str) -> Meaning:
        """A line made of phrasebook terms, glossed term by term, when no engine could
        translate it ("我已阅读并同意用户协议" -> "I have read and agree User Agreement",
        "编辑于3天前" -> "Edited on 3 days ago"). Dictionary words one by one mislead more
        than they help on a real sentence: that keeps its Chinese (the hover card has its
        words and their meanings).
        """
        nothing = Meaning("", NONE, word=text, pinyin=pinyin)
        pieces = self._phrasebook_cover(text)
        if pieces is None:
            return nothing
        english = " ".join(pieces)
        english = english[:1].upper() + english[1:]
        return Meaning(
            english, PHRASEBOOK, word=text, pinyin=pinyin, senses=(english,),
            note="term by term",
        )  # fmt: skip

    def _phrasebook_cover(self, text: str) -> list[str] | None:
        """English for ``text`` as phrasebook terms end to end (longest first), numbers and
        Latin words kept, punctuation dropped; None unless 2-5 terms cover every hanzi."""
        out: list[str] = []
        terms = 0
        position = 0
        after_number = False
        while position < len(text):
            number = NUMBER_RE.match(text, position)
            if number:
                out.append(english_count(number.group(0)))
                position = number.end()
                after_number = True
                continue
            ch = text[position]
            if not has_chinese(ch):
                word = LATIN_RE.match(text, position)
                if word:
                    out.append(word.group(0))
                    position = word.end()
                else:
                    position += 1
                after_number = False
                continue
            for end in range(min(len(text), position + 12), position, -1):
                entry = self.phrasebook_entry(text[position:end])
                if entry is not None and entry.category != "phrases":
                    out.append(short_english(entry.meaning, label=False))
                    terms += 1
                    position = end
                    break
            else:
                if ch in CONNECTORS:
                    out.append(CONNECTORS[ch])
                elif not (after_number and ch in MEASURE_WORDS):
                    return None
                position += 1  # 条 in "12条回复": the count says it already
            after_number = False
        return out if 2 <= terms <= 5 else None

    def meanings(self, texts: Sequence[str]) -> tuple[list[Meaning], list[str]]:
        """Both phases for a list of texts: what ``python -m companion lens`` prints."""
        first = [self.label(text) for text in texts]
        pending = [text for text, meaning in zip(texts, first, strict=True) if meaning.pending]
        found, notes = self.sentences(pending)
        return [
            found.get(t, m) if m.pending else m for t, m in zip(texts, first, strict=True)
        ], notes


def _from_entry(entry: Entry, label: Label) -> Meaning:
    # Only the second sense is an alternative: later ones are often other meanings of the
    # word ("粉丝": Followers | fans | bean vermicelli), wrong on a button.
    forms = [
        label.with_english(_capital(short_english(sense, label=False), not label.count_first))
        for sense in entry.english[:2]
    ]
    return Meaning(
        forms[0],
        PHRASEBOOK,
        word=entry.simplified,
        pinyin=entry.pinyin,
        senses=entry.english,
        key=entry.key,
        note=entry.note,
        shorter=tuple(f for f in forms[1:] if f != forms[0]),
    )


def _capital(text: str, first: bool) -> str:
    """A label's first word capitalised, as buttons are ("like" -> "Like"); not after a
    count ("3 minutes ago")."""
    return text[:1].upper() + text[1:] if first else text


def _joined(text: str, parts: list[Meaning]) -> Meaning:
    """One meaning for a label made of parts, from the parts' meanings."""
    joiner = separator_of(text)
    sources = {p.source for p in parts} - {NUMBER, ORIGINAL}
    source = PHRASEBOOK if sources == {PHRASEBOOK} else DICTIONARY if sources else ORIGINAL
    english = joiner.join(p.english for p in parts)
    return replace(
        parts[0],
        english=english,
        source=source,
        word=text,
        pinyin=" ".join(p.pinyin for p in parts if p.pinyin),
        senses=(english,),
    )


@dataclass(frozen=True)
class Details:
    """Everything the Lens's card shows for one box (hover, then "Full entry")."""

    word: str
    pinyin: str
    senses: tuple[str, ...]
    rows: tuple[tuple[str, str], ...] = ()  # (heading, text): note, example, each word...
    source: str = NONE


def details(meaning: Meaning, matcher: Matcher) -> Details:
    """The full phrasebook or dictionary entry behind ``meaning``; for a sentence, its words.

    Blocking (may load the dictionary): call it off the GUI thread.
    """
    rows: list[tuple[str, str]] = []
    if meaning.key.startswith("cedict:"):
        for word_entry in matcher.dictionary.lookup(meaning.word):
            text = "; ".join(word_entry.senses)
            if word_entry.measure_words:
                text += f"  (measure word: {', '.join(word_entry.measure_words)})"
            rows.append((word_entry.pinyin_marks, text))
    elif meaning.key:
        entry = matcher.book.entry(meaning.key)
        if entry is not None:
            if entry.traditional and entry.traditional != entry.simplified:
                rows.append(("Traditional", entry.traditional))
            for heading, value in (
                ("Stands for", entry.full), ("Literally", entry.literal), ("Note", entry.note),
            ):  # fmt: skip
                if value:
                    rows.append((heading, value))
            if entry.example:
                example = entry.example + (f" — {entry.example_en}" if entry.example_en else "")
                rows.append(("Example", example))
    if not rows and has_chinese(meaning.word):
        rows.extend(_word_rows(meaning.word, matcher.dictionary))
    return Details(meaning.word, meaning.pinyin, meaning.senses, tuple(rows), meaning.source)


def _word_rows(text: str, dictionary: Dictionary) -> list[tuple[str, str]]:
    """Each Chinese word of ``text`` with its pinyin and first meaning.

    A word the dictionary has no entry for (the segmenter keeps common phrases whole:
    今天天气) is shown as the dictionary words it is made of.
    """
    try:
        from companion.pinyin import annotate
    except ImportError:
        return []
    rows: list[tuple[str, str]] = []
    try:
        words = annotate(text)
    except Exception:  # no dictionary data: the card still shows the rest
        _log.warning("no word meanings for %r", text[:40], exc_info=True)
        return []
    for word in words:
        if not word.is_chinese:
            continue
        if word.gloss:
            rows.append((f"{word.text} {word.joined_pinyin()}", word.gloss))
            continue
        for part in _dictionary_parts(word.text, dictionary):
            reading = dictionary.reading(part) or ""
            marks = " ".join(to_marks(s) for s in reading.split())
            rows.append((f"{part} {marks}".strip(), dictionary.gloss(part) or "?"))
    return rows[:12]


def _dictionary_parts(word: str, dictionary: Dictionary) -> list[str]:
    """``word`` cut into the longest pieces the dictionary knows, left to right."""
    parts: list[str] = []
    start = 0
    while start < len(word):
        for end in range(min(len(word), start + SHORT_WORD), start, -1):
            if end - start == 1 or dictionary.contains(word[start:end]):
                parts.append(word[start:end])
                start = end
                break
    return parts
