"""The phrasebook of RedNote interface words and internet slang.

Kept light: importing this package loads nothing; :func:`get_book` reads the data files on
first use (once per process, thread-safe).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.phrasebook.book import Book

_book: Book | None = None
_lock = threading.Lock()


def get_book() -> Book:
    """The built-in phrasebook, loaded once; raises ``BookError`` if a data file is broken."""
    global _book
    if _book is None:
        with _lock:
            if _book is None:
                from companion.phrasebook.book import Book, load_entries

                _book = Book(load_entries())
    return _book


def segmentation_terms() -> Iterator[tuple[str, str, str, str]]:
    """(simplified, traditional, pinyin, english) of every Chinese term, for the segmenter.

    Only all-Chinese words: initialisms, number slang, sticker codes and whole sentences are
    not words to split text into.
    """
    from companion.phrasebook.search import is_han

    for entry in get_book().entries:
        if entry.category != "phrases" and all(is_han(ch) for ch in entry.simplified):
            english = " / ".join(entry.english)
            yield entry.simplified, entry.traditional_or_simplified, entry.pinyin, english
