"""The contract between the translator and the phrasebook's glossary pass.

The translator does not know where curated terms come from; the phrasebook implements
:class:`GlossaryPass`. Kept in its own module so neither side imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class TermHit:
    """A phrasebook term found in a text, with its curated meaning."""

    term: str  # the text as it appears in the input
    start: int  # offsets into the text that was searched
    end: int
    meaning: str  # curated English (or Chinese for en->zh), what the translation should say
    pinyin: str = ""
    entry_key: str = ""  # phrasebook entry id, for the UI to open it
    category: str = ""  # the entry's category; for numbers their kind ("money", "time"...)
    kind: str = "term"  # "term" (a phrasebook entry) or "number" (a number as people write it)
    value: str = ""  # what a translation must say, exactly ("12,000", "kept stuck")
    cue: str = ""  # the context word that chose this sense ("" when it is the usual one)
    senses: tuple[str, ...] = ()  # the entry's other senses, when it has several
    sense: int = 0  # which of the entry's senses this is (0 = the usual one)

    @property
    def inline(self) -> str:
        """The text a translation puts in place of the term."""
        return self.value or self.meaning


@dataclass
class Protected:
    """A sentence prepared for the engine: ``text`` goes to the engine, ``restore`` comes back.

    ``restore`` puts the curated meanings back in place of the placeholders; it must cope with
    an engine that dropped, moved or mangled a placeholder (then the meaning is appended).
    """

    text: str
    hits: list[TermHit] = field(default_factory=list)
    restore: Callable[[str], str] = lambda translated: translated


class GlossaryPass(Protocol):
    def find_terms(self, text: str) -> list[TermHit]:
        """Every phrasebook term in ``text``, longest match first, non-overlapping."""
        ...

    def protect(self, sentence: str, source: str, target: str) -> Protected:
        """Prepare ``sentence`` so the engine cannot mistranslate protected terms."""
        ...
