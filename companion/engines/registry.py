"""Which engines exist, what each needs, and building one from settings + keychain.

Every online engine declares itself once, as the :class:`~companion.engines.spec.EngineSpec`
on its class in its own module; this registry only collects those classes. The GUI's
Settings page, the CLI (``translate --engine NAME``, ``keys``) and the service read the specs
from here, so adding a provider is one module plus one line in :data:`_ENGINE_CLASSES`.
Importing the registry does not import httpx (the engines import it when they send).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Protocol
from urllib.parse import urlsplit

from companion.engines.base import Engine
from companion.engines.deepl import DeepLEngine
from companion.engines.google import GoogleEngine
from companion.engines.http import KeyProvider, OnlineEngine
from companion.engines.libretranslate import LibreTranslateEngine
from companion.engines.microsoft import MicrosoftEngine
from companion.engines.openai_chat import OpenAIChatEngine
from companion.engines.spec import EngineOption, EngineSpec
from companion.settings import Settings

_log = logging.getLogger(__name__)

__all__ = [
    "OFFLINE",
    "ONLINE_ENGINES",
    "EngineOption",
    "EngineSpec",
    "UnknownEngineError",
    "available_engine_names",
    "create_engine",
    "engine_from_options",
    "engine_options",
    "engine_specs",
    "option_problem",
    "save_engine_options",
    "spec_for",
]

# The offline engine (companion.engines.offline) is always there and needs nothing.
OFFLINE = EngineSpec("offline", "Offline (language packs on this computer)", online=False)

_ENGINE_CLASSES: tuple[type[OnlineEngine], ...] = (
    DeepLEngine,
    GoogleEngine,
    MicrosoftEngine,
    LibreTranslateEngine,
    OpenAIChatEngine,
)
_CLASS_BY_NAME: dict[str, type[OnlineEngine]] = {cls.spec.name: cls for cls in _ENGINE_CLASSES}
assert len(_CLASS_BY_NAME) == len(_ENGINE_CLASSES), "two engines declare the same name"

ONLINE_ENGINES: Mapping[str, EngineSpec] = MappingProxyType(
    {name: cls.spec for name, cls in _CLASS_BY_NAME.items()}
)


class UnknownEngineError(ValueError):
    """An engine name no module declares (a typo, or a setting from another version)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"unknown engine {name!r}: choose one of {', '.join(available_engine_names())}"
        )


class KeyStore(Protocol):
    """What the registry needs from :mod:`companion.secrets` (the module itself fits)."""

    def get_key(self, engine: str) -> str | None: ...


def available_engine_names() -> list[str]:
    """Every engine name ``translate --engine`` and Settings accept, offline first."""
    return [OFFLINE.name, *ONLINE_ENGINES]


def engine_specs() -> list[EngineSpec]:
    """Every engine's declaration, offline first, in the order the UI lists them."""
    return [OFFLINE, *ONLINE_ENGINES.values()]


def spec_for(name: str) -> EngineSpec:
    """The online engine's declaration; :class:`UnknownEngineError` for any other name."""
    spec = ONLINE_ENGINES.get(name)
    if spec is None:
        if name == OFFLINE.name:
            raise ValueError("the offline engine has no online options or key")
        raise UnknownEngineError(name)
    return spec


def engine_options(settings: Settings, name: str) -> dict[str, str]:
    """The engine's non-secret options: stored values over defaults, as stripped strings."""
    spec = spec_for(name)
    stored = settings.get_dict("engine_options").get(name)
    stored = stored if isinstance(stored, dict) else {}
    values: dict[str, str] = {}
    for option in spec.options:
        value = stored.get(option.key)
        text = value.strip() if isinstance(value, str) else ""
        values[option.key] = text or option.default
    return values


def save_engine_options(settings: Settings, name: str, values: dict[str, str]) -> None:
    """Store the engine's options (only declared fields; never a key)."""
    spec = spec_for(name)
    all_options: dict[str, Any] = dict(settings.get_dict("engine_options"))
    all_options[name] = {
        option.key: str(values.get(option.key, "")).strip() for option in spec.options
    }
    settings.set("engine_options", all_options)


def option_problem(name: str, values: dict[str, str]) -> str | None:
    """What is wrong with these options in plain words, or None."""
    spec = spec_for(name)
    for option in spec.options:
        value = values.get(option.key, "").strip()
        if option.required and not value:
            return f"{spec.label}: {option.label} is required"
        if option.key == "url" and value:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                return f"{spec.label}: the server URL must start with http:// or https://"
    return None


def create_engine(name: str, settings: Settings, secrets: KeyStore) -> Engine:
    """The online engine ``name`` from its stored options; the key is read on first use.

    Reading the key lazily keeps keychain access (which may prompt to unlock) off the GUI
    thread. A missing key or a bad option surfaces as an ``EngineError`` when translating,
    so the translator falls back to offline with a note. Unknown names raise
    :class:`UnknownEngineError` (a ``ValueError``).
    """
    spec_for(name)

    def key() -> str | None:
        return secrets.get_key(name)

    return engine_from_options(name, engine_options(settings, name), key)


def engine_from_options(
    name: str,
    options: dict[str, str],
    key: str | KeyProvider | None,
    timeout: float | None = None,
    deadline: float | None = None,
) -> OnlineEngine:
    """An engine from explicit options (Settings' "Test connection" uses unsaved values).

    ``timeout`` bounds each wait for the server, ``deadline`` a whole request with retries.
    """
    spec = spec_for(name)
    values = {
        option.key: options.get(option.key, "").strip() or option.default for option in spec.options
    }
    engine = _CLASS_BY_NAME[name].from_options(key, values)
    if timeout is not None:
        engine.timeout = timeout
    if deadline is not None:
        engine.deadline = deadline
    _log.debug("built engine %s", name)
    return engine
