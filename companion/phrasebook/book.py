"""The curated phrasebook: entries read from one TSV file per category.

TSV because it stays readable and diffable by hand (and in a spreadsheet) while loading in a
few milliseconds. Columns (header row in each file):

``simplified traditional pinyin english literal note example example_en full also flags context``

- ``english``: meanings separated by `` | ``; the first one is short enough to stand inside a
  translated sentence (the glossary pass uses it).
- ``full``: the Chinese an abbreviation or number stands for (yyds -> 永远的神).
- ``also``: other spellings people type (YYDS, 3Q, 绝绝紫), separated by `` | ``.
- ``flags``: comma-separated: ``protect`` (the MT engine gets it wrong: substitute the curated
  meaning), ``uncertain`` (meaning not fully verified), ``pinyin-exception`` (reading differs
  from the dictionary's on purpose), ``no-highlight`` (too common to highlight in posts),
  ``en=phrase;phrase`` (English phrases that mean this term, for English->Chinese),
  ``sense`` (this row is another sense of the entry in the row above: same ``simplified``,
  its own ``english``, ``note``, ``example`` and ``context``; see
  :mod:`companion.phrasebook.senses`).
- ``context``: cue words that pick this sense (``before=老板,堵车; prev=被``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from companion.phrasebook.senses import NO_CUES, ContextError, Cues, Sense, parse_context

if TYPE_CHECKING:
    from companion.phrasebook.search import SearchIndex, Surface
    from companion.phrasebook.terms import TermForms

DATA_DIR = Path(__file__).resolve().parent / "data"
COLUMNS = (
    "simplified", "traditional", "pinyin", "english", "literal", "note", "example",
    "example_en", "full", "also", "flags", "context",
)  # fmt: skip
KNOWN_FLAGS = {"protect", "uncertain", "pinyin-exception", "no-highlight", "sense"}
# A sense row gives only these; the rest belongs to the entry.
SENSE_COLUMNS = {"simplified", "english", "note", "example", "example_en", "flags", "context"}

# Category name -> label shown in the panel, in display order.
CATEGORIES: dict[str, str] = {
    "interface": "App interface",
    "slang": "Internet slang",
    "initialisms": "Pinyin initialisms",
    "numbers": "Number slang",
    "stickers": "Sticker codes",
    "platform": "RedNote words",
    "newcomers": "2025 newcomers",
    "phrases": "Phrases to send",
}
USER_CATEGORY = "mine"


class BookError(Exception):
    """A data file could not be read; the message names the file and line."""


@dataclass(frozen=True)
class Entry:
    """One phrasebook entry. ``key`` is ``"category:simplified"`` (or ``"mine:ID"``)."""

    simplified: str
    traditional: str
    pinyin: str
    english: tuple[str, ...]
    category: str
    literal: str = ""
    note: str = ""
    example: str = ""
    example_en: str = ""
    full: str = ""
    also: tuple[str, ...] = ()
    protect: bool = False
    uncertain: bool = False
    pinyin_exception: bool = False
    highlight: bool = True
    en_terms: tuple[str, ...] = ()
    user_id: int | None = None
    line: int = 0  # line in its data file, for error messages and tests
    cues: Cues = NO_CUES  # context that picks the first sense over the others
    extra_senses: tuple[Sense, ...] = ()  # other senses, in the order of the data file

    @property
    def senses(self) -> tuple[Sense, ...]:
        """Every sense, the usual one (this row's english, note, example) first."""
        first = Sense(self.english, self.note, self.example, self.example_en, self.cues)
        return (first, *self.extra_senses)

    @property
    def key(self) -> str:
        if self.user_id is not None:
            return f"{USER_CATEGORY}:{self.user_id}"
        return f"{self.category}:{self.simplified}"

    @property
    def traditional_or_simplified(self) -> str:
        return self.traditional or self.simplified

    @property
    def meaning(self) -> str:
        """The short meaning, used inline in translations."""
        return self.english[0] if self.english else ""

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "simplified": self.simplified,
            "traditional": self.traditional_or_simplified,
            "pinyin": self.pinyin,
            "english": list(self.english),
            "category": self.category,
            "key": self.key,
        }
        for name in ("literal", "note", "example", "example_en", "full"):
            value = getattr(self, name)
            if value:
                out[name] = value
        if self.uncertain:
            out["uncertain"] = True
        if self.extra_senses:
            out["senses"] = [_sense_json(sense) for sense in self.senses]
        return out


def _sense_json(sense: Sense) -> dict[str, object]:
    out: dict[str, object] = {"english": list(sense.english)}
    if sense.cues:
        out["when"] = sense.cues.describe()
    for name in ("note", "example", "example_en"):
        value = getattr(sense, name)
        if value:
            out[name] = value
    return out


def split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def parse_flags(value: str) -> tuple[set[str], tuple[str, ...]]:
    """``"protect, en=cat tax;cat tax"`` -> ({"protect"}, ("cat tax", ...))."""
    flags: set[str] = set()
    en_terms: list[str] = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if part.startswith("en="):
            en_terms.extend(t.strip() for t in part[3:].split(";") if t.strip())
        else:
            flags.add(part)
    return flags, tuple(en_terms)


def read_file(path: Path, category: str) -> Iterator[Entry]:
    """Entries of one data file; raises :class:`BookError` on a malformed row."""
    import csv

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BookError(f"{path.name}: cannot read: {exc}") from exc
    rows = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        raise BookError(f"{path.name}: the first line must be the column names {COLUMNS}")
    pending: Entry | None = None
    for number, row in enumerate(rows, start=2):
        if not row or not "".join(row).strip() or row[0].startswith("#"):
            continue
        if len(row) > len(COLUMNS):
            raise BookError(f"{path.name}:{number}: {len(row)} columns, expected {len(COLUMNS)}")
        cells = [unicodedata.normalize("NFC", c.strip()) for c in row]
        values = dict(zip(COLUMNS, cells + [""] * (len(COLUMNS) - len(cells)), strict=True))
        flags, en_terms = parse_flags(values["flags"])
        unknown = flags - KNOWN_FLAGS
        if unknown:
            raise BookError(f"{path.name}:{number}: unknown flag(s) {sorted(unknown)}")
        english = split_list(values["english"])
        if not values["simplified"] or not english:
            raise BookError(f"{path.name}:{number}: simplified and english are required")
        try:
            cues = parse_context(values["context"])
        except ContextError as exc:
            raise BookError(f"{path.name}:{number}: context: {exc}") from None
        if "sense" in flags:
            pending = _add_sense(path, number, pending, values, flags, english, cues)
            continue
        if pending is not None:
            yield pending
        pending = Entry(
            simplified=values["simplified"],
            traditional=values["traditional"],
            pinyin=values["pinyin"],
            english=english,
            category=category,
            literal=values["literal"],
            note=values["note"],
            example=values["example"],
            example_en=values["example_en"],
            full=values["full"],
            also=split_list(values["also"]),
            protect="protect" in flags,
            uncertain="uncertain" in flags,
            pinyin_exception="pinyin-exception" in flags,
            highlight="no-highlight" not in flags,
            en_terms=en_terms,
            line=number,
            cues=cues,
        )
    if pending is not None:
        yield pending


def _add_sense(
    path: Path,
    number: int,
    entry: Entry | None,
    values: dict[str, str],
    flags: set[str],
    english: tuple[str, ...],
    cues: Cues,
) -> Entry:
    """``entry`` with the sense row ``values`` appended; a sense row must follow its entry."""
    where = f"{path.name}:{number}"
    if entry is None or entry.simplified != values["simplified"]:
        raise BookError(f"{where}: a sense row must follow the entry {values['simplified']!r}")
    extra = sorted(name for name, value in values.items() if value and name not in SENSE_COLUMNS)
    if extra or flags - {"sense", "uncertain"}:
        raise BookError(f"{where}: a sense row gives only {sorted(SENSE_COLUMNS)}; not {extra}")
    if not cues:
        raise BookError(f"{where}: a second sense needs context cues, or it is never chosen")
    sense = Sense(english, values["note"], values["example"], values["example_en"], cues)
    return replace(entry, extra_senses=(*entry.extra_senses, sense))


def load_entries(data_dir: Path = DATA_DIR) -> list[Entry]:
    """Every built-in entry, categories in display order."""
    entries: list[Entry] = []
    for category in CATEGORIES:
        path = data_dir / f"{category}.tsv"
        if path.exists():
            entries.extend(read_file(path, category))
    return entries


_FIELD = "\x1f"
_ITEM = "\x1d"
_FLAGS = (("protect", "P"), ("uncertain", "U"), ("pinyin_exception", "X"), ("highlight", "H"))
_TEXTS = ("simplified", "traditional", "pinyin", "category", "literal", "note", "example",
          "example_en", "full")  # fmt: skip
_LISTS = ("english", "also", "en_terms")


def _pack(entry: Entry) -> str | Entry:
    """A plain built-in entry as one string (unpickles ~20x faster than the object);
    entries with senses or cues, or odd characters, stay objects."""
    if entry.extra_senses or entry.cues or entry.user_id is not None:
        return entry
    texts = [getattr(entry, name) for name in _TEXTS]
    lists = [_ITEM.join(getattr(entry, name)) for name in _LISTS]
    if any(_FIELD in t or _ITEM in t for t in texts) or any(
        _FIELD in item or _ITEM in item for name in _LISTS for item in getattr(entry, name)
    ):
        return entry
    flags = "".join(letter for name, letter in _FLAGS if getattr(entry, name))
    return _FIELD.join([*texts, *lists, flags, str(entry.line)])


def _unpack(packed: str) -> Entry:
    parts = packed.split(_FIELD)
    texts = dict(zip(_TEXTS, parts, strict=False))
    lists = {
        name: tuple(v.split(_ITEM)) if v else ()
        for name, v in zip(_LISTS, parts[9:12], strict=True)
    }
    flags = {name: letter in parts[12] for name, letter in _FLAGS}
    return Entry(**texts, **lists, **flags, line=int(parts[13]))  # type: ignore[arg-type]


class LazyEntries(Sequence[Entry]):
    """The built-in entries of a pickled book, decoded one by one on first access.

    The glossary pass touches only the entries it finds in a text, so the first translation
    never decodes the whole book; a search or the panel decodes what it shows.
    """

    def __init__(self, packed: list[str | Entry]) -> None:
        self._packed = packed
        self._decoded: list[Entry | None] = [e if isinstance(e, Entry) else None for e in packed]

    def __len__(self) -> int:
        return len(self._packed)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self._packed)))]
        entry = self._decoded[index]
        if entry is None:
            packed = self._packed[index]
            assert isinstance(packed, str)
            entry = self._decoded[index] = _unpack(packed)
        return entry

    def __iter__(self) -> Iterator[Entry]:
        for index in range(len(self._packed)):
            yield self[index]

    def packed(self) -> list[str | Entry]:
        return self._packed


class Book:
    """The loaded phrasebook (built-in entries plus the user's own) and its indexes.

    ``surface`` (every written form -> entries) is the one table both the search and the
    glossary pass match against. The rest of the search index (pinyin, English words,
    characters, typos) is only needed to search: a pickled book keeps it as bytes until the
    first search, so translating never pays for it.
    """

    def __init__(self, entries: Iterable[Entry], user_entries: Iterable[Entry] = ()) -> None:
        from companion.phrasebook.search import SearchIndex, build_surface
        from companion.phrasebook.terms import build_term_forms

        self.entries: Sequence[Entry] = list(entries)
        self.surface: Surface = build_surface(self.entries)
        self.term_forms: TermForms = build_term_forms(self.entries, self.surface)
        self.traditional_chars = _traditional_chars()
        self.latin = _latin_terms(self.entries)
        self._index: SearchIndex | None = SearchIndex(self.entries, self.surface)
        self._index_blob: bytes | None = None
        self._setup()
        self.set_user_entries(user_entries)

    def _setup(self) -> None:
        self._by_key: dict[str, Entry] | None = None
        self._traditional: frozenset[str] | None = None
        self.user_entries: list[Entry] = []
        self._user_index: SearchIndex | None = None
        self._user_keys: dict[str, Entry] = {}

    def __getstate__(self) -> dict[str, Any]:
        import pickle

        blob = self._index_blob
        if blob is None:
            blob = pickle.dumps(self.index, protocol=pickle.HIGHEST_PROTOCOL)
        entries = self.entries
        packed = entries.packed() if isinstance(entries, LazyEntries) else list(map(_pack, entries))
        return {
            "entries": packed,
            "latin": self.latin,
            "surface": self.surface,
            "term_forms": self.term_forms,
            "traditional_chars": self.traditional_chars,
            "index": blob,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.entries = LazyEntries(state["entries"])
        self.latin = state["latin"]
        self.surface = state["surface"]
        self.term_forms = state["term_forms"]
        self.traditional_chars = state["traditional_chars"]
        self._index = None
        self._index_blob = state["index"]
        self._setup()

    @property
    def index(self) -> SearchIndex:
        """The search index over the built-in entries (unpickled on first use)."""
        if self._index is None:
            import pickle

            assert self._index_blob is not None
            index = pickle.loads(self._index_blob)
            index.attach(self.entries, self.surface)
            self._index, self._index_blob = index, None
        return self._index

    def set_user_entries(self, entries: Iterable[Entry]) -> None:
        """Replace the user's entries (few: indexed separately, cheap to rebuild)."""
        from companion.phrasebook.search import SearchIndex

        self.user_entries = list(entries)
        self._user_keys = {e.key: e for e in self.user_entries}
        self._user_index = SearchIndex(self.user_entries) if self.user_entries else None

    @property
    def user_index(self) -> SearchIndex | None:
        return self._user_index

    def entry(self, key: str) -> Entry | None:
        if self._by_key is None:
            self._by_key = {e.key: e for e in self.entries}
        return self._user_keys.get(key) or self._by_key.get(key)

    def may_be_traditional(self, text: str) -> bool:
        """True when ``text`` holds a character that only traditional Chinese writes.

        A set lookup, so simplified text never loads OpenCC.
        """
        if self._traditional is None:
            self._traditional = frozenset(self.traditional_chars)
        return not self._traditional.isdisjoint(text)

    def latin_terms(self) -> frozenset[str]:
        """Lower-case Latin-script forms of the built-in entries (yyds, ootd, dm, kol...)."""
        return self.latin

    def search(self, query: str, limit: int = 20, category: str | None = None) -> list[Entry]:
        """Entries matching ``query`` best first (see :mod:`companion.phrasebook.search`).

        A query in traditional characters is also searched converted to simplified.
        """
        queries = [query]
        if self.may_be_traditional(query):
            from companion.script import to_simplified

            simplified = to_simplified(query)
            if simplified != query:
                queries.append(simplified)
        scored = []
        for text in queries:
            scored += self.index.scored(text, limit=limit * 2 + 10, category=category)
            if self._user_index is not None:
                scored += self._user_index.scored(text, limit=limit, category=category)
        scored.sort(key=lambda item: item[0])
        out: list[Entry] = []
        seen: set[str] = set()
        for _rank, entry in scored:
            if entry.key not in seen:
                seen.add(entry.key)
                out.append(entry)
            if len(out) >= limit:
                break
        return out

    def by_category(self, category: str) -> list[Entry]:
        if category == USER_CATEGORY:
            return list(self.user_entries)
        return [e for e in self.entries if e.category == category]


def _latin_terms(entries: Iterable[Entry]) -> frozenset[str]:
    from companion.text import has_han

    found = set()
    for entry in entries:
        for form in (entry.simplified, entry.traditional, *entry.also):
            form = " ".join(form.split()).lower()
            if form and not has_han(form) and any("a" <= c <= "z" for c in form):
                found.add(form)
    return frozenset(found)


_TRADITIONAL: list[str] = []


def _traditional_chars() -> str:
    """Every CJK character that OpenCC changes when converting to simplified.

    Computed once per process when a book is built (then pickled with it), so checking a
    text for traditional characters needs no OpenCC at run time.
    """
    if not _TRADITIONAL:
        _TRADITIONAL.append(_compute_traditional_chars())
    return _TRADITIONAL[0]


def _compute_traditional_chars() -> str:
    try:
        from companion.script import to_simplified
    except ImportError:  # pragma: no cover - OpenCC is a declared dependency
        return ""
    blocks = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
    chars = [chr(code) for lo, hi in blocks for code in range(lo, hi + 1)]
    converted = to_simplified("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - conversion keeps lengths
        return ""
    return "".join(a for a, b in zip(chars, converted, strict=True) if a != b)
