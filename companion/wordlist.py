"""Words the user saves from the dictionary popup (the ``saved_words`` table).

The popup only emits what to save; this module stores it, so the learning list and the CLI
share one place that knows the table's shape.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from companion.storage.db import Database, default_database


@dataclass(frozen=True, slots=True)
class WordToSave:
    """A word as the popup shows it: forms, tone-mark pinyin, senses and where it was seen."""

    simplified: str
    traditional: str = ""
    pinyin: str = ""
    senses: tuple[str, ...] = field(default=())
    context: str = ""


def save_word(word: WordToSave, db: Database | None = None) -> bool:
    """Store ``word``; True if it is new, False if the same word and reading was already saved.

    Saving again keeps the first save (and its context) but fills senses that were missing.
    """
    simplified = word.simplified.strip()
    if not simplified:
        raise ValueError("cannot save an empty word")
    db = db or default_database()
    with db.transaction() as conn:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO saved_words"
            "(simplified, traditional, pinyin, english, context, created)"
            " VALUES(?, ?, ?, ?, ?, ?)",
            (
                simplified,
                word.traditional.strip() or simplified,
                word.pinyin.strip(),
                json.dumps(list(word.senses), ensure_ascii=False),
                word.context[:500],
                time.time(),
            ),
        )
        if cursor.rowcount:
            return True
        if word.senses:
            conn.execute(
                "UPDATE saved_words SET english = ? WHERE simplified = ? AND pinyin = ?"
                " AND english = '[]'",
                (json.dumps(list(word.senses), ensure_ascii=False), simplified, word.pinyin),
            )
        return False


def saved_words(db: Database | None = None) -> list[WordToSave]:
    """Every saved word, newest first."""
    db = db or default_database()
    out = []
    for row in db.execute("SELECT * FROM saved_words ORDER BY created DESC, id DESC"):
        try:
            senses = tuple(str(s) for s in json.loads(row["english"]))
        except (ValueError, TypeError):
            senses = ()
        out.append(
            WordToSave(row["simplified"], row["traditional"], row["pinyin"], senses, row["context"])
        )
    return out

