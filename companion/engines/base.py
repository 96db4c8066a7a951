"""The one interface every translation engine implements, offline or online.

An engine translates a batch of sentences in one direction. Splitting, caching, glossary
protection, fallback and streaming live above it in :mod:`companion.translator`, so a new
provider is one small module.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, runtime_checkable

from companion.scrubber import scrub

LANGUAGE_NAMES = {"zh": "Chinese", "en": "English"}


class ErrorKind(str, Enum):
    """Why an engine failed; decides whether the translator falls back and what it says."""

    NO_PACK = "no_pack"  # offline: no language pack for this direction
    AUTH = "auth"  # 401/403: key rejected
    NO_KEY = "no_key"  # the engine needs a key and none is stored
    RATE_LIMIT = "rate_limit"  # 429 after retries
    QUOTA = "quota"  # quota or character limit exhausted (DeepL 456)
    NETWORK = "network"  # DNS, connect, TLS, timeout
    SERVER = "server"  # 5xx after retries
    BAD_RESPONSE = "bad_response"  # malformed or nested-too-deep JSON, HTML page, wrong shape
    REDIRECTED = "redirected"  # 3xx: not followed (the key stays put); the URL is probably wrong
    BAD_INPUT = "bad_input"  # the provider refused this text
    INTERNAL = "internal"


class EngineError(Exception):
    """A failure an engine reports in plain words, safe to show the user.

    ``message`` must never contain a secret; engines build it from status codes and known
    reasons, and every key in use is scrubbed from it here once more (defence in depth).
    """

    def __init__(self, engine: str, kind: ErrorKind, message: str) -> None:
        message = scrub(message)
        super().__init__(f"{engine}: {message}")
        self.engine = engine
        self.kind = kind
        self.message = message


class Cancelled(Exception):
    """Raised inside an engine when its :class:`CancelToken` was set."""


class CancelToken:
    """A thread-safe flag: set by the GUI when the input changes, polled by engines."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if cancelled meanwhile (for retry back-off)."""
        return self._event.wait(seconds)


@dataclass(frozen=True)
class EngineInfo:
    name: str  # stable id used in settings and the CLI: "offline", "deepl", ...
    label: str  # shown to the user: "Offline (Argos)", "DeepL"
    online: bool  # True when text leaves the machine


@runtime_checkable
class Engine(Protocol):
    info: EngineInfo

    def supports(self, source: str, target: str) -> bool:
        """Whether this engine can translate ``source`` -> ``target`` right now."""
        ...

    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        cancel: CancelToken | None = None,
    ) -> list[str]:
        """Translate each sentence; same length and order as ``sentences``.

        Raises :class:`EngineError` on failure and :class:`Cancelled` when cancelled.
        """
        ...
