"""Which online engines exist, what each needs, and building one from settings + keychain.

The GUI's Settings page, the CLI (``translate --engine NAME``, ``keys``) and the service all
read this one table, so adding a provider is one module plus one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from companion.engines.base import Engine
from companion.settings import Settings

if TYPE_CHECKING:  # httpx is imported only when an engine is built
    from companion.engines.http import KeyProvider, OnlineEngine


class KeyStore(Protocol):
    """What the registry needs from :mod:`companion.secrets` (the module itself fits)."""

    def get_key(self, engine: str) -> str | None: ...


@dataclass(frozen=True)
class EngineOption:
    key: str  # field in settings["engine_options"][engine]
    label: str
    default: str = ""
    placeholder: str = ""
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class OnlineEngineSpec:
    name: str
    label: str
    options: tuple[EngineOption, ...]
    needs_key: bool  # False: a key is optional (self-hosted LibreTranslate, local LLMs)
    key_help: str  # where to get a key


_URL_HELP = "Leave empty for the provider's own server."
ONLINE_ENGINES: dict[str, OnlineEngineSpec] = {
    spec.name: spec
    for spec in (
        OnlineEngineSpec(
            "deepl",
            "DeepL",
            (
                EngineOption(
                    "url",
                    "Server URL",
                    placeholder="chosen from the key (free keys end in :fx)",
                    help=_URL_HELP,
                ),
            ),
            True,
            "DeepL API key from deepl.com/your-account/keys (Free or Pro).",
        ),
        OnlineEngineSpec(
            "google",
            "Google Translate",
            (
                EngineOption(
                    "url",
                    "Server URL",
                    placeholder="https://translation.googleapis.com",
                    help=_URL_HELP,
                ),
            ),
            True,
            "Google Cloud API key with the Cloud Translation API enabled.",
        ),
        OnlineEngineSpec(
            "microsoft",
            "Microsoft Translator",
            (
                EngineOption(
                    "region",
                    "Region",
                    placeholder="e.g. westeurope (empty for a global resource)",
                    help="The Azure region of your Translator resource.",
                ),
                EngineOption(
                    "url",
                    "Server URL",
                    placeholder="https://api.cognitive.microsofttranslator.com",
                    help=_URL_HELP,
                ),
            ),
            True,
            "Key 1 or Key 2 of an Azure Translator resource.",
        ),
        OnlineEngineSpec(
            "libretranslate",
            "LibreTranslate",
            (
                EngineOption(
                    "url",
                    "Server URL",
                    default="https://libretranslate.com",
                    placeholder="https://libretranslate.com or http://localhost:5000",
                    required=True,
                ),
            ),
            False,
            "Needed for libretranslate.com; most self-hosted servers need none.",
        ),
        OnlineEngineSpec(
            "openai",
            "AI chat (OpenAI-compatible)",
            (
                EngineOption(
                    "url",
                    "API base URL",
                    default="https://api.openai.com/v1",
                    placeholder="https://api.deepseek.com/v1, http://localhost:11434/v1 (Ollama)",
                    required=True,
                ),
                EngineOption(
                    "model",
                    "Model",
                    default="gpt-4o-mini",
                    placeholder="gpt-4o-mini, deepseek-chat, qwen2.5:7b",
                    required=True,
                ),
            ),
            False,
            "OpenAI or DeepSeek API key; leave empty for a local Ollama, LM Studio or "
            "llama.cpp server.",
        ),
    )
}


def available_engine_names() -> list[str]:
    """Every engine name ``translate --engine`` and Settings accept, offline first."""
    return ["offline", *ONLINE_ENGINES]


def spec_for(name: str) -> OnlineEngineSpec:
    spec = ONLINE_ENGINES.get(name)
    if spec is None:
        raise ValueError(
            f"unknown engine {name!r}: choose one of {', '.join(available_engine_names())}"
        )
    return spec


def engine_options(settings: Settings, name: str) -> dict[str, str]:
    """The engine's non-secret options: stored values over defaults, as stripped strings."""
    spec = spec_for(name)
    stored = settings.get("engine_options").get(name)
    stored = stored if isinstance(stored, dict) else {}
    values: dict[str, str] = {}
    for option in spec.options:
        value = stored.get(option.key)
        text = value.strip() if isinstance(value, str) else ""
        values[option.key] = text or option.default
    return values


def save_engine_options(settings: Settings, name: str, values: dict[str, str]) -> None:
    """Store the engine's options (only known fields; never a key)."""
    spec = spec_for(name)
    all_options: dict[str, Any] = dict(settings.get("engine_options"))
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
    so the translator falls back to offline with a note. Unknown names raise ``ValueError``.
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
) -> OnlineEngine:
    """An engine from explicit options (Settings' "Test connection" uses unsaved values)."""
    spec = spec_for(name)
    values = {
        option.key: options.get(option.key, "").strip() or option.default for option in spec.options
    }
    url = values.get("url", "")
    engine: OnlineEngine
    if name == "deepl":
        from companion.engines.deepl import DeepLEngine

        engine = DeepLEngine(key, base_url=url)
    elif name == "google":
        from companion.engines.google import GoogleEngine

        engine = GoogleEngine(key, base_url=url)
    elif name == "microsoft":
        from companion.engines.microsoft import MicrosoftEngine

        engine = MicrosoftEngine(key, region=values.get("region", ""), base_url=url)
    elif name == "libretranslate":
        from companion.engines.libretranslate import LibreTranslateEngine

        engine = LibreTranslateEngine(key, base_url=url)
    else:
        from companion.engines.openai_chat import OpenAIChatEngine

        engine = OpenAIChatEngine(key, base_url=url, model=values.get("model", ""))
    if timeout is not None:
        engine.timeout = timeout
    return engine
