"""The curated phrasebook: entries read from one TSV file per category.

TSV because it stays readable and diffable by hand (and in a spreadsheet) while loading in a
few milliseconds. Columns (header row in each file):

``simplified traditional pinyin english literal note example example_en full also flags``

- ``english``: meanings separated by `` | ``; the first one is short enough to stand inside a
  translated sentence (the glossary pass uses it).
- ``full``: the Chinese an abbreviation or number stands for (yyds -> 永远的神).
- ``also``: other spellings people type (YYDS, 3Q, 绝绝紫), separated by `` | ``.
- ``flags``: comma-separated: ``protect`` (the MT engine gets it wrong: substitute the curated
  meaning), ``uncertain`` (meaning not fully verified), ``pinyin-exception`` (reading differs
  from the dictionary's on purpose), ``no-highlight`` (too common to highlight in posts),
  ``en=phrase;phrase`` (English phrases that mean this term, for English->Chinese).
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.phrasebook.search import SearchIndex

DATA_DIR = Path(__file__).resolve().parent / "data"
COLUMNS = (
    "simplified", "traditional", "pinyin", "english", "literal", "note", "example",
    "example_en", "full", "also", "flags",
)  # fmt: skip
KNOWN_FLAGS = {"protect", "uncertain", "pinyin-exception", "no-highlight"}

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
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BookError(f"{path.name}: cannot read: {exc}") from exc
    rows = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        raise BookError(f"{path.name}: the first line must be the column names {COLUMNS}")
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
        yield Entry(
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
        )


def load_entries(data_dir: Path = DATA_DIR) -> list[Entry]:
    """Every built-in entry, categories in display order."""
    entries: list[Entry] = []
    for category in CATEGORIES:
        path = data_dir / f"{category}.tsv"
        if path.exists():
            entries.extend(read_file(path, category))
    return entries


@dataclass
class Book:
    """The loaded phrasebook and its search index (built-in entries plus the user's own)."""

    entries: list[Entry]
    user_entries: list[Entry] = field(default_factory=list)
    _by_key: dict[str, Entry] = field(default_factory=dict, repr=False)
    _index: SearchIndex | None = field(default=None, repr=False)
    _user_index: SearchIndex | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        from companion.phrasebook.search import SearchIndex

        self._by_key = {e.key: e for e in self.entries}
        self._index = SearchIndex(self.entries)
        self.set_user_entries(self.user_entries)

    def set_user_entries(self, entries: Iterable[Entry]) -> None:
        """Replace the user's entries (few: indexed separately, cheap to rebuild)."""
        from companion.phrasebook.search import SearchIndex

        self.user_entries = list(entries)
        by_key = {e.key: e for e in self.entries}
        by_key.update((e.key, e) for e in self.user_entries)
        self._by_key = by_key
        self._user_index = SearchIndex(self.user_entries) if self.user_entries else None

    def entry(self, key: str) -> Entry | None:
        return self._by_key.get(key)

    def search(self, query: str, limit: int = 20, category: str | None = None) -> list[Entry]:
        """Entries matching ``query`` best first (see :mod:`companion.phrasebook.search`)."""
        assert self._index is not None
        scored = self._index.scored(query, limit=limit * 2 + 10, category=category)
        if self._user_index is not None:
            scored += self._user_index.scored(query, limit=limit, category=category)
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
