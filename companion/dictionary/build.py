"""``python -m companion.dictionary.build SOURCE CACHE``: build the dictionary cache file.

Run by ``cedict.load_index`` in a child process on first use, so the app itself never holds
the parser's temporary memory.
"""

from __future__ import annotations

import sys
from pathlib import Path

from companion.dictionary.cedict import DictionaryError, build_index, iter_source, save_index


def main(argv: list[str]) -> int:
    """``python -m companion.dictionary.build SOURCE CACHE``: build the cache file."""
    if len(argv) != 2:
        print("usage: python -m companion.dictionary.build SOURCE.txt.gz CACHE", file=sys.stderr)
        return 2
    source, cache = Path(argv[0]), Path(argv[1])
    try:
        save_index(build_index(iter_source(source)), source, cache)
    except (DictionaryError, OSError) as exc:
        print(f"cannot build the dictionary cache: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
