"""Assembles the translator from settings: the one place the GUI and the CLI share.

Online engines are used only when the user picked one and "offline only" is off; the
offline engine is always there as the fallback.
"""

from __future__ import annotations

from companion.engines.base import Engine
from companion.settings import Settings
from companion.translator import SentenceCache, Translator


def create_online_engine(name: str, settings: Settings) -> Engine:
    """The online engine ``name`` configured from settings and the keychain."""
    from companion import secrets
    from companion.engines.registry import create_engine

    return create_engine(name, settings, secrets)


def build_translator(
    settings: Settings,
    engine_name: str | None = None,
    offline: Engine | None = None,
    use_glossary: bool = True,
    cache: SentenceCache | None = None,
) -> Translator:
    """A translator for ``engine_name`` (default: the user's preferred engine).

    ``offline`` lets the GUI pass its long-lived offline engine so models stay loaded.
    """
    if offline is None:
        from companion.engines.offline import OfflineEngine

        offline = OfflineEngine()
    name = engine_name or settings.get("preferred_engine")
    online = None
    if name and name != "offline" and (engine_name or not settings.get("offline_only")):
        online = create_online_engine(name, settings)
    glossary = None
    if use_glossary:
        from companion.phrasebook.glossary import PhrasebookGlossary

        glossary = PhrasebookGlossary()
    return Translator(offline=offline, online=online, glossary=glossary, cache=cache)


def prepare_dictionary() -> None:
    """See ``companion.dictionary.prepare_dictionary`` (kept here for existing callers)."""
    from companion.dictionary import prepare_dictionary as prepare

    prepare()
