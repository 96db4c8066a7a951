"""Build the dictionary cache file: CC-CEDICT entries plus jieba's word frequencies.

``python -m companion.dictionary.build SOURCE CACHE [FREQUENCIES]`` is what
``cedict.load_index`` runs in a child process on first use, so the app itself never holds the
parser's temporary memory. :func:`build_cache` is for installers: a frozen build that ships
the file as ``companion_prebuilt/<cedict.CACHE_NAME>`` (see ``companion.bundle``) loads it
without reading the CC-CEDICT gzip or jieba's ``dict.txt`` at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

from companion.dictionary.cedict import DictionaryError, build_and_save, source_path
from companion.dictionary.frequency import jieba_dict_path


def build_cache(path: Path) -> Path:
    """Build the cache from the installed CC-CEDICT and jieba data and write it to ``path``.

    Raises ``DictionaryError`` when CC-CEDICT or jieba's list is missing: a shipped cache
    must have both. Returns ``path``.
    """
    frequencies = jieba_dict_path()
    if frequencies is None:
        raise DictionaryError("jieba's word list (dict.txt) is not installed")
    build_and_save(source_path(), Path(path), frequencies)
    return Path(path)


def main(argv: list[str]) -> int:
    """``python -m companion.dictionary.build SOURCE CACHE [FREQUENCIES]``."""
    if len(argv) not in (2, 3):
        print(
            "usage: python -m companion.dictionary.build SOURCE.txt.gz CACHE [dict.txt]",
            file=sys.stderr,
        )
        return 2
    source, cache = Path(argv[0]), Path(argv[1])
    frequencies = Path(argv[2]) if len(argv) == 3 else None
    try:
        build_and_save(source, cache, frequencies)
    except (DictionaryError, OSError) as exc:
        print(f"cannot build the dictionary cache: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
