"""Saving a word from the dictionary popup: the popup's entry points, kept over My words.

The words now live in :mod:`companion.learning.words` (the ``words`` table, with review
cards); the old ``saved_words`` table was copied there by migration 3. New code should use
:class:`companion.learning.words.WordList` directly (it says whether a word was new and
returns it); these stay so the popup and the main window keep working unchanged.
"""

from __future__ import annotations

from companion.learning.words import SavedWord, WordList, WordToSave
from companion.storage.db import Database

__all__ = ["SavedWord", "WordToSave", "save_word", "saved_words"]


def save_word(word: WordToSave, db: Database | None = None) -> bool:
    """Store ``word``; True if it is new, False if the same word and reading was saved before
    (its missing details are filled in, the first sentence is kept)."""
    return WordList(db).save(word).added


def saved_words(db: Database | None = None) -> list[SavedWord]:
    """Every saved word, newest first."""
    return WordList(db).all()
