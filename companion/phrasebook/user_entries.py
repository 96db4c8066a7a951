"""The user's own phrasebook entries and favourites, in the app's SQLite database.

CSV import checks the whole file before writing anything and inserts every row in one
transaction: a bad file is refused with a message naming the line, and nothing is half
imported.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

from companion.phrasebook.book import USER_CATEGORY, Entry, split_list
from companion.storage.db import Database, default_database

CSV_COLUMNS = ("simplified", "traditional", "pinyin", "english", "note")
MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_FIELD = 2_000


class UserEntriesError(ValueError):
    """A problem with the user's input or file, in words to show them."""


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int  # rows identical to an entry already there


def _clean(value: object, name: str, line: str = "") -> str:
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise UserEntriesError(f"{line}{name} contains binary data")
    text = " ".join(text.split())
    if len(text) > MAX_FIELD:
        raise UserEntriesError(f"{line}{name} is longer than {MAX_FIELD} characters")
    return text


def _meanings(english: str | list[str] | tuple[str, ...]) -> list[str]:
    if isinstance(english, str):
        return list(split_list(english.replace(";", "|")))
    return [m.strip() for m in english if str(m).strip()]


class UserPhrases:
    """CRUD over the ``user_phrases`` and ``favourites`` tables."""

    def __init__(self, db: Database | None = None) -> None:
        self.db = db or default_database()

    # --- entries ---------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        rows = self.db.execute(
            "SELECT id, simplified, traditional, pinyin, english, category, note "
            "FROM user_phrases ORDER BY id"
        )
        return [self._entry(row) for row in rows]

    @staticmethod
    def _entry(row: object) -> Entry:
        values = dict(row)  # type: ignore[call-overload]
        try:
            english = json.loads(values["english"])
            if not isinstance(english, list):
                english = [str(english)]
        except ValueError:
            english = [values["english"]]
        return Entry(
            simplified=values["simplified"],
            traditional=""
            if values["traditional"] == values["simplified"]
            else values["traditional"],
            pinyin=values["pinyin"],
            english=tuple(str(m) for m in english if str(m).strip()) or ("?",),
            category=USER_CATEGORY,
            note=values["note"],
            user_id=int(values["id"]),
        )

    def _validated(
        self, simplified: str, english: str | list[str] | tuple[str, ...], traditional: str,
        pinyin: str, note: str, line: str = "",
    ) -> tuple[str, str, str, list[str], str]:  # fmt: skip
        simp = _clean(simplified, "the Chinese", line)
        if not simp:
            raise UserEntriesError(f"{line}the Chinese text is empty")
        meanings = [_clean(m, "the English", line) for m in _meanings(english)]
        meanings = [m for m in meanings if m]
        if not meanings:
            raise UserEntriesError(f"{line}the English meaning is empty")
        trad = _clean(traditional, "the traditional form", line)
        return (
            simp,
            "" if trad == simp else trad,
            _clean(pinyin, "the pinyin", line),
            meanings,
            (_clean(note, "the note", line)),
        )

    def add(
        self, simplified: str, english: str | list[str], traditional: str = "",
        pinyin: str = "", note: str = "",
    ) -> Entry:  # fmt: skip
        simp, trad, py, meanings, note = self._validated(
            simplified, english, traditional, pinyin, note
        )
        now = time.time()
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO user_phrases (simplified, traditional, pinyin, english, category, "
                "note, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (simp, trad, py, json.dumps(meanings, ensure_ascii=False), USER_CATEGORY, note,
                 now, now),
            )  # fmt: skip
            new_id = cursor.lastrowid
        return self.get(int(new_id or 0))

    def get(self, entry_id: int) -> Entry:
        rows = self.db.execute(
            "SELECT id, simplified, traditional, pinyin, english, category, note "
            "FROM user_phrases WHERE id = ?",
            (entry_id,),
        )
        if not rows:
            raise UserEntriesError(f"entry {entry_id} does not exist (deleted?)")
        return self._entry(rows[0])

    def update(
        self, entry_id: int, simplified: str, english: str | list[str], traditional: str = "",
        pinyin: str = "", note: str = "",
    ) -> Entry:  # fmt: skip
        simp, trad, py, meanings, note = self._validated(
            simplified, english, traditional, pinyin, note
        )
        with self.db.transaction() as conn:
            changed = conn.execute(
                "UPDATE user_phrases SET simplified=?, traditional=?, pinyin=?, english=?, "
                "note=?, updated=? WHERE id=?",
                (simp, trad, py, json.dumps(meanings, ensure_ascii=False), note, time.time(),
                 entry_id),
            ).rowcount  # fmt: skip
        if not changed:
            raise UserEntriesError(f"entry {entry_id} does not exist (deleted?)")
        return self.get(entry_id)

    def delete(self, entry_id: int) -> None:
        key = f"{USER_CATEGORY}:{entry_id}"
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM user_phrases WHERE id = ?", (entry_id,))
            conn.execute("DELETE FROM favourites WHERE entry_key = ?", (key,))

    # --- favourites ------------------------------------------------------------------------

    def favourites(self) -> list[str]:
        """Favourite entry keys, most recent first."""
        rows = self.db.execute("SELECT entry_key FROM favourites ORDER BY created DESC")
        return [row["entry_key"] for row in rows]

    def set_favourite(self, key: str, on: bool) -> None:
        with self.db.transaction() as conn:
            if on:
                conn.execute(
                    "INSERT OR IGNORE INTO favourites (entry_key, created) VALUES (?, ?)",
                    (key, time.time()),
                )
            else:
                conn.execute("DELETE FROM favourites WHERE entry_key = ?", (key,))

    # --- CSV -------------------------------------------------------------------------------

    def export_csv(self, path: Path) -> int:
        """Write every entry to ``path`` (UTF-8 with BOM so spreadsheets read Chinese)."""
        entries = self.entries()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for e in entries:
            writer.writerow(
                [e.simplified, e.traditional_or_simplified, e.pinyin, " | ".join(e.english), e.note]
            )
        tmp = path.with_name(path.name + ".part")
        try:
            tmp.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise UserEntriesError(f"cannot write {path.name}: {exc.strerror or exc}") from exc
        return len(entries)

    def import_csv(self, path: Path) -> ImportResult:
        """Add the rows of a CSV file; all of them or, on any problem, none."""
        rows = self.parse_csv(path)
        existing = {(e.simplified, e.english) for e in self.entries()}
        now = time.time()
        added = skipped = 0
        with self.db.transaction() as conn:
            for simp, trad, py, meanings, note in rows:
                if (simp, tuple(meanings)) in existing:
                    skipped += 1
                    continue
                existing.add((simp, tuple(meanings)))
                conn.execute(
                    "INSERT INTO user_phrases (simplified, traditional, pinyin, english, "
                    "category, note, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (simp, trad, py, json.dumps(meanings, ensure_ascii=False), USER_CATEGORY,
                     note, now, now),
                )  # fmt: skip
                added += 1
        return ImportResult(added, skipped)

    def parse_csv(self, path: Path) -> list[tuple[str, str, str, list[str], str]]:
        """Every row of the file, validated; :class:`UserEntriesError` on the first bad one."""
        try:
            size = path.stat().st_size
            if size > MAX_CSV_BYTES:
                raise UserEntriesError(
                    f"{path.name} is {size // 1024:,} KB: phrase files are at most "
                    f"{MAX_CSV_BYTES // 1024 // 1024} MB"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise UserEntriesError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
        if b"\x00" in data[:8192]:
            raise UserEntriesError(f"{path.name} is not a text CSV file (binary data)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UserEntriesError(
                f"{path.name} is not UTF-8 text (byte {exc.start}): save it as CSV UTF-8"
            ) from exc
        if not text.strip():
            raise UserEntriesError(f"{path.name} is empty")
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
                text[:4096], delimiters=",;\t"
            )
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        try:
            header = [h.strip().lower() for h in next(reader)]
            missing = [c for c in ("simplified", "english") if c not in header]
            if missing:
                raise UserEntriesError(
                    f"{path.name}: the first line must name the columns; missing "
                    f"{', '.join(missing)} (expected {', '.join(CSV_COLUMNS)})"
                )
            where = {name: header.index(name) for name in CSV_COLUMNS if name in header}
            rows: list[tuple[str, str, str, list[str], str]] = []
            for number, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                if len(rows) >= MAX_ROWS:
                    raise UserEntriesError(f"{path.name}: more than {MAX_ROWS:,} rows")
                if len(row) > len(header):
                    raise UserEntriesError(
                        f"{path.name} line {number}: {len(row)} fields but {len(header)} columns"
                    )

                def cell(name: str, row: list[str] = row) -> str:
                    k = where.get(name)
                    return row[k] if k is not None and k < len(row) else ""

                rows.append(
                    self._validated(
                        cell("simplified"), cell("english"), cell("traditional"),
                        cell("pinyin"), cell("note"), line=f"{path.name} line {number}: ",
                    )
                )  # fmt: skip
        except csv.Error as exc:
            raise UserEntriesError(f"{path.name}: not a readable CSV file ({exc})") from exc
        if not rows:
            raise UserEntriesError(f"{path.name} has no entries below its header line")
        return rows


def load_user_entries_if_any() -> list[Entry]:
    """The user's entries when their database exists (the CLI must not create one)."""
    from companion import paths

    if not paths.database_path().exists():
        return []
    return UserPhrases().entries()
