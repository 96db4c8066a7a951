"""Several senses per entry, and the one that fits the text around a term.

硬控 is "kept stuck" when a boss or traffic does it and "captivated" when a video does; 拔草
is "went and tried it" after 终于 and "got over wanting it" after 被. Which words tell them
apart is data: the ``context`` column of a sense row lists cue words, and this module only
scores them. Cue kinds (``;`` between kinds, ``,`` between words)::

    prev=被,已      the text right before the term ends with one of these
    next=了吗       the text right after the term starts with one of these
    before=老板,堵车 one of these is earlier in the same clause
    after=视频,歌    one of these is later in the same clause
    takes=before    the sense's meaning has a ``{}`` slot for the phrasebook term right
                    before it (油皮 + 亲妈 -> "made for oily skin")

The sense with the highest score wins (an adjacent cue counts 3, a cue in the clause 2 when
within four characters, else 1); on a tie, or with no cue at all, the first sense listed,
the usual one, wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CUE_KINDS = ("prev", "next", "before", "after")
_CLAUSE_END = re.compile(r"[，。！？!?；;：:、\n…~～|｜/（）()【】\[\]「」“”\"]")
CLAUSE_WINDOW = 16  # characters either side searched for a clause cue
_NEAR = 4


class ContextError(ValueError):
    """A malformed ``context`` cell; the message says what is wrong."""


@dataclass(frozen=True)
class Cues:
    prev: tuple[str, ...] = ()
    next: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    takes: str = ""  # "before": the sense takes the term right before it as its object

    def __bool__(self) -> bool:
        return bool(self.prev or self.next or self.before or self.after)

    def describe(self, limit: int = 5) -> str:
        """Plain words for the panel: 'right after 被; after 老板, 工作… in the sentence'."""

        def words(items: tuple[str, ...]) -> str:
            shown = ", ".join(items[:limit])
            return shown + ("…" if len(items) > limit else "")

        parts = []
        if self.prev:
            parts.append(f"right after {words(self.prev)}")
        if self.next:
            parts.append(f"right before {words(self.next)}")
        if self.before:
            parts.append(f"after {words(self.before)} in the sentence")
        if self.after:
            parts.append(f"before {words(self.after)} in the sentence")
        return "; ".join(parts)


NO_CUES = Cues()


@dataclass(frozen=True)
class Sense:
    """One meaning of an entry: its English (first = inline), note, example and cues."""

    english: tuple[str, ...]
    note: str = ""
    example: str = ""
    example_en: str = ""
    cues: Cues = NO_CUES

    @property
    def meaning(self) -> str:
        return self.english[0] if self.english else ""


def parse_context(value: str) -> Cues:
    """``"before=老板,领导; prev=被"`` -> :class:`Cues`; raises :class:`ContextError`."""
    found: dict[str, tuple[str, ...]] = {}
    takes = ""
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, words = part.partition("=")
        name = name.strip()
        if not sep:
            raise ContextError(f"{part!r}: expected kind=word,word")
        if name == "takes":
            if words.strip() != "before":
                raise ContextError("takes= can only be 'before'")
            takes = "before"
            continue
        if name not in CUE_KINDS:
            raise ContextError(f"unknown cue kind {name!r} (use {', '.join(CUE_KINDS)}, takes)")
        items = tuple(w.strip().lower() for w in words.split(",") if w.strip())
        if not items:
            raise ContextError(f"{name}= lists no words")
        found[name] = found.get(name, ()) + items
    return Cues(takes=takes, **found)


def clause_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The text of the same clause before ``start`` and after ``end`` (bounded)."""
    left = text[max(0, start - CLAUSE_WINDOW) : start]
    ends = [m.end() for m in _CLAUSE_END.finditer(left)]
    if ends:
        left = left[ends[-1] :]
    right = text[end : end + CLAUSE_WINDOW]
    stop = _CLAUSE_END.search(right)
    if stop is not None:
        right = right[: stop.start()]
    return left, right


def score(cues: Cues, left: str, right: str) -> tuple[int, str]:
    """How well ``cues`` fit the clause (``left`` of the term, ``right`` of it), and the cue."""
    best = 0
    cue = ""
    total = 0
    for word in cues.prev:
        if left.endswith(word):
            total += 3
            if best < 3:
                best, cue = 3, word
    for word in cues.next:
        if right.startswith(word):
            total += 3
            if best < 3:
                best, cue = 3, word
    for word in cues.before:
        at = left.rfind(word)
        if at >= 0:
            points = 2 if len(left) - (at + len(word)) <= _NEAR else 1
            total += points
            if points > best:
                best, cue = points, word
    for word in cues.after:
        at = right.find(word)
        if at >= 0:
            points = 2 if at <= _NEAR else 1
            total += points
            if points > best:
                best, cue = points, word
    return total, cue


def choose(senses: tuple[Sense, ...], text: str, start: int, end: int) -> tuple[int, str]:
    """Index of the sense that fits ``text[start:end]`` in its context, and the deciding cue.

    ``text`` should be simplified and lower case (cue words are written that way).
    """
    if len(senses) < 2:
        return 0, ""
    left, right = clause_around(text, start, end)
    best, best_cue, best_score = 0, "", 0
    for index, sense in enumerate(senses):
        if not sense.cues:
            continue
        points, cue = score(sense.cues, left, right)
        if points > best_score:
            best, best_cue, best_score = index, cue, points
    return best, best_cue
