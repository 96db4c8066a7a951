"""API keys removed from any text before it is shown, printed or logged, in any form.

A hostile or careless server can echo the key it received in its error text: raw, URL-encoded,
base64 (alone or inside an ``Authorization`` value), split across the message, in reversed
order, or only a prefix. :func:`scrub` removes every piece of six or more characters of any of
those forms, case-insensitively and across inserted spaces, control or zero-width characters,
so what is left cannot rebuild the key. Keys are registered when they are read from or stored
in the keychain (:mod:`companion.secrets`) or handed to an engine, so the logging filter
(:mod:`companion.logs`) and every engine message scrub all keys currently in use.

Over-scrubbing is the safe failure: a six-character piece of a random key almost never occurs
in ordinary text, and when it does the text only loses a word.
"""

from __future__ import annotations

import base64
import threading
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from companion.untrusted import printable

PIECE = 6  # shortest piece of a key that counts as a leak
SHORTEST_KEY = 8  # shorter strings are no API key; scrubbing them would garble every text
MARK = "[key]"

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_lock = threading.Lock()
_registered: dict[str, None] = {}  # insertion-ordered set of every key seen in this process
_pieces: frozenset[str] = frozenset()  # lower-cased PIECE-grams of every form of every key


def _base64_cores(data: bytes) -> list[str]:
    """The base64 characters that depend only on ``data``, at each of the three alignments.

    A key inside a longer base64 text (``base64("user:" + key)``) starts at byte offset 0, 1
    or 2 of a 3-byte group; the characters shared with the surrounding bytes differ, the rest
    is the same for any surrounding text. Both alphabets, no padding.
    """
    cores = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data).decode("ascii").rstrip("=")
        skip = (0, 2, 3)[offset]  # characters that mix in the preceding bytes
        tail = 1 if (offset + len(data)) % 3 else 0  # the last one mixes in what follows
        core = encoded[skip : len(encoded) - tail]
        cores += [core, core.replace("+", "-").replace("/", "_")]
    return cores


def forms(secret: str) -> list[str]:
    """The ways a server is likely to echo ``secret`` (each is also scrubbed piece by piece)."""
    raw = secret.encode("utf-8")
    found = [
        secret,
        secret[::-1],
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        quote(quote(secret, safe=""), safe=""),
        *_base64_cores(raw),
    ]
    return list(dict.fromkeys(form for form in found if form))


def _pieces_of(secret: str) -> set[str]:
    """The lower-cased PIECE-character pieces of every form of ``secret``."""
    pieces: set[str] = set()
    for form in forms(secret):
        lowered = form.translate(_ASCII_LOWER)
        pieces.update(lowered[i : i + PIECE] for i in range(len(lowered) - PIECE + 1))
    return pieces


def _usable(secret: str | None) -> str | None:
    secret = secret.strip() if secret else ""
    return secret if len(secret) >= SHORTEST_KEY else None


def register(secret: str | None) -> None:
    """Scrub ``secret`` (a key read, stored or typed) from every text from now on.

    Strings shorter than :data:`SHORTEST_KEY` are ignored: no provider issues such keys.
    """
    global _pieces
    secret = _usable(secret)
    if secret is None:
        return
    with _lock:
        if secret in _registered:
            return
        _registered[secret] = None
        _pieces = _pieces | _pieces_of(secret)


def forget_all() -> None:
    """Forget every registered key (for test isolation; the app never forgets a key)."""
    global _pieces
    with _lock:
        _registered.clear()
        _pieces = frozenset()


def registered_count() -> int:
    """How many keys are registered (never the keys themselves)."""
    with _lock:
        return len(_registered)


def _ignorable(ch: str) -> bool:
    """Characters a server could slip between key characters without changing how it reads."""
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs")


def scrub(text: str, extra: Iterable[str | None] = ()) -> str:
    """``text`` with every form and every 6+ character piece of the registered keys (and of
    ``extra``, keys not registered globally) replaced by ``[key]``.

    Matching ignores ASCII case and skips whitespace, control and zero-width characters, so
    ``s k-\\u200bLEAK...`` is found too. Linear in the length of ``text``.
    """
    if not text:
        return text
    pieces = _pieces
    for secret in extra:
        usable = _usable(secret)
        if usable is not None and usable not in _registered:
            pieces = pieces | _pieces_of(usable)
    if not pieces:
        return text
    # A mark next to the text it replaced can itself spell a piece of a key that contains
    # mark characters ("]0001"): scrub again until nothing changes, a few times at most.
    result = _scrub_once(text, pieces)
    for _ in range(3):
        again = _scrub_once(result, pieces)
        if again == result:
            return result
        result = again
    return MARK  # still not stable: say nothing rather than risk a piece


def _scrub_once(text: str, pieces: frozenset[str]) -> str:
    # The skeleton: the text without ignorable characters, with each kept character's index.
    index = [i for i, ch in enumerate(text) if not _ignorable(ch)]
    skeleton = "".join(text[i] for i in index).translate(_ASCII_LOWER)
    covered = [False] * len(skeleton)
    for start in range(len(skeleton) - PIECE + 1):
        if skeleton[start : start + PIECE] in pieces:
            for k in range(start, start + PIECE):
                covered[k] = True
    if not any(covered):
        return text
    out: list[str] = []
    position = 0  # next character of ``text`` to copy
    k = 0
    while k < len(skeleton):
        if not covered[k]:
            k += 1
            continue
        end = k
        while end + 1 < len(skeleton) and covered[end + 1]:
            end += 1
        out.append(text[position : index[k]])
        out.append(MARK)
        position = index[end] + 1
        k = end + 1
    out.append(text[position:])
    return "".join(out)


def clean(text: object, extra: Iterable[str | None] = (), limit: int | None = 300) -> str:
    """Foreign text made safe for a message: keys scrubbed, then control characters removed."""
    raw = text if isinstance(text, str) else str(text)
    return printable(scrub(raw, extra), limit=limit)
