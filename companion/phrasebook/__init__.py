"""The phrasebook of RedNote interface words and internet slang.

Kept light: importing this package loads nothing; :func:`get_book` reads the data files on
first use (once per process, thread-safe). The built book (entries and search index) is
cached as a pickle in the user's cache directory, keyed by :func:`_cache_key`, because
unpickling is several times faster than parsing and indexing: it is what makes a
``python -m companion lookup`` start quickly. A stale or damaged cache is simply rebuilt.
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
                _book = _load_book()
    return _book


CACHE_FORMAT = 2  # bump when the pickled classes change shape


def _cache_key() -> str:
    """What the cached book depends on: Python, the format, the data and code files.

    A frozen build can key on its version instead (its files do not change); a code file
    that is not on disk (inside an archive) is simply left out. zlib, not hashlib: hashlib
    loads OpenSSL (~3.5 MB) for a key that only needs to change.
    """
    import sys
    import zlib
    from pathlib import Path

    from companion import bundle
    from companion.phrasebook.book import DATA_DIR

    here = Path(__file__).resolve().parent
    parts = [sys.version, str(CACHE_FORMAT)]
    code = [here / name for name in ("book.py", "search.py", "senses.py")]
    if bundle.is_frozen():  # no .py files on disk: the build id changes with every build
        parts.append(bundle.build_id())
        code = []
    for path in [*sorted(DATA_DIR.glob("*.tsv")), *code]:
        try:
            stat = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    data = "|".join(parts).encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def _load_book() -> Book:
    import contextlib
    import os
    import pickle

    from companion import paths
    from companion.phrasebook.book import Book, load_entries

    try:
        cache = paths.cache_dir() / f"phrasebook-{_cache_key()}.pickle"
    except OSError:
        return Book(load_entries())
    from companion.bundle import prebuilt_cache

    for candidate in (cache, prebuilt_cache(cache.name)):  # the user's, then the installer's
        if candidate is None:
            continue
        try:
            with candidate.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, Book):
                return cached
        except Exception:  # no cache yet, or damaged: rebuild below
            pass
    book = Book(load_entries())
    with contextlib.suppress(OSError):  # a read-only cache only costs start-up time
        for old in cache.parent.glob("phrasebook-*.pickle"):
            old.unlink(missing_ok=True)
        part = cache.with_name(f"{cache.name}.{os.getpid()}.part")
        part.write_bytes(pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))
        part.replace(cache)
    return book


def latin_terms() -> frozenset[str]:
    """Lower-case Latin-script terms the phrasebook knows (yyds, ootd, dm, kol, 3q...).

    For direction detection: a text made of these is Chinese internet writing, not English.
    Loads the book on first use (like :func:`get_book`); cheap after that.
    """
    return get_book().latin_terms()


def segmentation_terms() -> Iterator[tuple[str, str, str, str]]:
    """(simplified, traditional, pinyin, english) of every Chinese term, for the segmenter.

    Only all-Chinese words: initialisms, number slang, sticker codes and whole sentences are
    not words to split text into.
    """
    from companion.phrasebook.search import english_of
    from companion.text import is_han

    for entry in get_book().entries:
        if entry.category != "phrases" and all(is_han(ch) for ch in entry.simplified):
            english = " / ".join(english_of(entry))
            yield entry.simplified, entry.traditional_or_simplified, entry.pinyin, english
