"""My words as CSV: export for spreadsheets and other apps, import that says what it skipped.

The file is UTF-8 with a byte-order mark (so Excel shows Chinese), one word a row, with its
review state as JSON in the last column: exporting and importing again gives back exactly the
same words, sentences and schedule. Meanings are one per line inside their cell; tags are
comma-separated. A cell starting with ``= + - @`` or ``'`` gets a leading apostrophe (so a
spreadsheet never runs a sentence as a formula), which import removes again.

Import checks the whole file first: a file that is too big, binary, not UTF-8 or without a
word column is refused with a reason and nothing is written; a bad row is skipped and
reported by line; the good rows go in one transaction.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from companion.learning.words import (
    KINDS,
    CardState,
    MergeReport,
    SavedWord,
    WordError,
    WordList,
    WordRecord,
    normalised,
    to_ms,
)
from companion.untrusted import printable

COLUMNS = (
    "simplified", "traditional", "pinyin", "meanings", "sentence", "translation",
    "sentence_pinyin", "tags", "note", "origin", "created", "updated", "review",
)  # fmt: skip
WORD_COLUMN_NAMES = ("simplified", "word", "hanzi", "chinese")
MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_CELL = 100_000
_FORMULA_START = ("=", "+", "-", "@", "'")


class CsvError(ValueError):
    """A file that cannot be imported or written at all, with the reason in plain words."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int
    updated: int
    unchanged: int
    skipped: tuple[tuple[int, str], ...] = field(default=())  # (line, why)

    def to_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [{"line": line, "reason": why} for line, why in self.skipped],
        }

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts)


# --- cells ---------------------------------------------------------------------------------


def _protect(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _unprotect(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def format_time(seconds: float) -> str:
    """``2025-01-15T10:20:30.123Z``: UTC, to the millisecond (what the database keeps)."""
    ms = to_ms(seconds)
    moment = datetime.fromtimestamp(ms // 1000, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def parse_time(text: str) -> float:
    """The inverse of :func:`format_time`; also any ISO 8601 date (naive means UTC)."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    whole = int(moment.replace(microsecond=0).timestamp())
    return (whole * 1000 + moment.microsecond // 1000) / 1000


def _review_cell(cards: tuple[CardState, ...]) -> str:
    data = {c.kind: c.to_json() for c in cards if c.kind in KINDS}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _parse_review(text: str) -> tuple[CardState, ...]:
    if not text.strip():
        return ()
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    cards = []
    for kind, state in data.items():
        if kind not in KINDS:
            raise ValueError(f"unknown card {printable(kind, 40)!r}")
        if not isinstance(state, dict):
            raise ValueError(f"the {kind} card is not a JSON object")
        cards.append(CardState.from_json(kind, state))
    return tuple(cards)


def _row(record: WordRecord) -> list[str]:
    w = record.word
    cells = [
        w.simplified, w.traditional, w.pinyin, "\n".join(w.meanings), w.sentence,
        w.translation, w.sentence_pinyin, ", ".join(w.tags), w.note, w.origin,
        format_time(w.created), format_time(w.updated), _review_cell(record.cards),
    ]  # fmt: skip
    return [_protect(c) for c in cells]


# --- export --------------------------------------------------------------------------------


def write_csv(records: list[WordRecord], path: Path) -> int:
    """Write ``records`` to ``path`` atomically (a half-written file never replaces a good
    one); how many rows."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(_row(record))
    _write_atomically(path, buffer.getvalue().encode("utf-8-sig"))
    return len(records)


def export_csv(words: WordList, path: Path) -> int:
    """Every saved word with its review state, oldest first."""
    return write_csv(words.records(), path)


def _write_atomically(path: Path, data: bytes) -> None:
    if path.is_dir():
        raise CsvError(f"{path.name} is a folder: give a file name")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CsvError(f"cannot write {path.name}: {exc.strerror or exc}") from exc


# --- import --------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    name = printable(path.name, 80)
    try:
        if path.is_dir():
            raise CsvError(f"{name} is a folder, not a CSV file")
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise CsvError(
                f"{name} is {size / 1024 / 1024:.1f} MB: a word list to import is at most "
                f"{MAX_CSV_BYTES // 1024 // 1024} MB (nothing was imported)"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise CsvError(f"{name}: no such file") from None
    except OSError as exc:
        raise CsvError(f"cannot read {name}: {exc.strerror or exc}") from exc
    if b"\x00" in data:
        raise CsvError(f"{name} is not a text CSV file (it holds binary data): nothing imported")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(
            f'{name} is not UTF-8 text (byte {exc.start:,}): save it as "CSV UTF-8" '
            "and import again (nothing was imported)"
        ) from exc
    if not text.strip():
        raise CsvError(f"{name} is empty")
    return text


def read_csv(
    path: Path, now: float | None = None
) -> tuple[list[WordRecord], list[tuple[int, str]]]:
    """The file's words (validated) and the rows skipped with why; ``CsvError`` when the
    file as a whole cannot be read. A row without dates is dated ``now``."""
    when = time.time() if now is None else now
    text = _read_text(path)
    name = printable(path.name, 80)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous_limit = csv.field_size_limit()
    records: list[WordRecord] = []
    skipped: list[tuple[int, str]] = []
    try:
        csv.field_size_limit(MAX_CELL)
        header = [_unprotect(h).strip().lower() for h in next(reader, [])]
        where = _columns(header, name)
        seen: dict[tuple[str, str], int] = {}
        line = reader.line_num + 1
        for row in reader:
            number, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(records) + len(skipped) >= MAX_ROWS:
                raise CsvError(f"{name} has more than {MAX_ROWS:,} rows (nothing was imported)")
            if len(row) > len(header):
                skipped.append((number, f"{len(row)} cells, but the header names {len(header)}"))
                continue
            try:
                record = _record(row, where, when)
            except (WordError, ValueError, TypeError) as exc:
                skipped.append((number, printable(exc, 200)))
                continue
            key = (record.word.simplified, record.word.pinyin)
            if key in seen:
                skipped.append((number, f"the same word and reading as line {seen[key]}"))
                continue
            seen[key] = number
            records.append(record)
    except csv.Error as exc:
        raise CsvError(
            f"{name} line {reader.line_num}: not a readable CSV file ({exc}); nothing imported"
        ) from exc
    finally:
        csv.field_size_limit(previous_limit)
    return records, skipped


def _columns(header: list[str], name: str) -> dict[str, int]:
    if len(set(header)) != len(header):
        doubled = sorted({h for h in header if header.count(h) > 1})
        raise CsvError(f"{name}: the column {printable(doubled[0], 40)!r} appears twice")
    word_column = next((h for h in WORD_COLUMN_NAMES if h in header), None)
    if word_column is None:
        shown = printable(", ".join(header), 120) or "nothing"
        raise CsvError(
            f"{name}: the first line must name the columns, with the word in a column called "
            f"'simplified' (found: {shown}); nothing was imported"
        )
    where = {c: header.index(c) for c in COLUMNS if c in header}
    where["simplified"] = header.index(word_column)
    for alias, column in (("meaning", "meanings"), ("english", "meanings"), ("tag", "tags")):
        if column not in where and alias in header:
            where[column] = header.index(alias)
    return where


def _record(row: list[str], where: dict[str, int], now: float) -> WordRecord:
    def cell(column: str) -> str:
        k = where.get(column)
        return _unprotect(row[k]) if k is not None and k < len(row) else ""

    created = parse_time(cell("created")) if cell("created").strip() else None
    updated = parse_time(cell("updated")) if cell("updated").strip() else created
    try:
        cards = _parse_review(cell("review"))
    except ValueError as exc:
        raise ValueError(f"the review column is unreadable: {exc}") from None
    stamp = created if created is not None else now
    word = normalised(
        SavedWord(
            id=0, simplified=cell("simplified"), traditional=cell("traditional"),
            pinyin=cell("pinyin"), meanings=tuple(cell("meanings").split("\n")),
            sentence=cell("sentence"), translation=cell("translation"),
            sentence_pinyin=cell("sentence_pinyin"), tags=tuple(cell("tags").split(",")),
            note=cell("note"), origin=cell("origin") if "origin" in where else "import",
            created=stamp, updated=updated if updated is not None else stamp,
        )
    )  # fmt: skip
    return WordRecord(word, cards)


def import_csv(words: WordList, path: Path, now: float | None = None) -> ImportReport:
    """Bring the file's words into My words (see :meth:`WordList.merge` for who wins)."""
    records, skipped = read_csv(path, now)
    report: MergeReport = words.merge(records, now=now) if records else MergeReport()
    return ImportReport(report.added, report.updated, report.unchanged, tuple(skipped))
