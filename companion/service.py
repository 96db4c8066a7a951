"""Kept for existing callers: loading the dictionary with the phrasebook's words.

Translation lives in :mod:`companion.session`; the dictionary's preparation in
:func:`companion.dictionary.prepare_dictionary`.
"""

from __future__ import annotations


def prepare_dictionary() -> None:
    """See ``companion.dictionary.prepare_dictionary`` (kept here for existing callers)."""
    from companion.dictionary import prepare_dictionary as prepare

    prepare()
