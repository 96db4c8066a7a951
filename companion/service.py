"""Loading the dictionary with the phrasebook's words, for every feature that segments Chinese.

Translation itself lives in :mod:`companion.session`.
"""

from __future__ import annotations

import threading

_terms_lock = threading.Lock()
_dictionaries_with_terms: set[int] = set()


def prepare_dictionary() -> None:
    """Load CC-CEDICT with the phrasebook's terms, so slang segments as one word (绝绝子).

    Blocking: the GUI calls it on a worker after the first paint, the CLI before annotating.
    """
    from companion.dictionary import get_dictionary
    from companion.phrasebook import segmentation_terms

    dictionary = get_dictionary()
    with _terms_lock:
        if id(dictionary) not in _dictionaries_with_terms:
            dictionary.add_extra_words(segmentation_terms())
            _dictionaries_with_terms.add(id(dictionary))
    dictionary.load()
