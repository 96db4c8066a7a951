"""Each engine is declared once, on its class; the registry only collects the declarations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from companion.engines import registry
from companion.engines.http import OnlineEngine
from companion.engines.microsoft import MicrosoftEngine
from companion.engines.openai_chat import OpenAIChatEngine
from companion.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def test_the_registry_lists_every_declared_engine_offline_first() -> None:
    names = ["offline", "deepl", "google", "microsoft", "libretranslate", "openai"]
    assert registry.available_engine_names() == names
    specs = registry.engine_specs()
    assert [s.name for s in specs] == names
    assert specs[0] is registry.OFFLINE and not specs[0].online
    assert all(s.online for s in specs[1:])
    assert {n: s.needs_key for n, s in registry.ONLINE_ENGINES.items()} == {
        "deepl": True,
        "google": True,
        "microsoft": True,
        "libretranslate": False,
        "openai": False,
    }


def test_each_engine_class_carries_its_one_declaration() -> None:
    for cls in registry._ENGINE_CLASSES:
        assert issubclass(cls, OnlineEngine)
        assert "spec" in vars(cls)
        for repeated in ("name", "label", "needs_key"):
            assert repeated not in vars(cls), (cls.__name__, repeated)
        engine = registry.engine_from_options(cls.spec.name, {"url": "http://127.0.0.1:9"}, "k")
        assert type(engine) is cls
        assert engine.info.name == cls.spec.name
        assert engine.needs_key is cls.spec.needs_key


def test_options_reach_the_engine() -> None:
    microsoft = registry.engine_from_options("microsoft", {"region": " westeurope "}, "k")
    assert isinstance(microsoft, MicrosoftEngine) and microsoft.region == "westeurope"
    assert microsoft.base_url == "https://api.cognitive.microsofttranslator.com"
    chat = registry.engine_from_options("openai", {"model": "qwen2.5:7b"}, None, deadline=5)
    assert isinstance(chat, OpenAIChatEngine)
    assert chat.info.label == "AI chat (qwen2.5:7b)" and chat.deadline == 5
    assert chat.base_url == "https://api.openai.com/v1"
    libre = registry.engine_from_options("libretranslate", {}, None, timeout=3)
    assert libre.base_url == "https://libretranslate.com" and libre.timeout == 3
    assert libre.deadline == 20.0


@pytest.mark.parametrize("name", ["babelfish", "", "DeepL", "deepl "])
def test_an_unknown_name_is_an_error_never_a_silent_default(name: str) -> None:
    with pytest.raises(registry.UnknownEngineError) as caught:
        registry.engine_from_options(name, {}, "k")
    assert "choose one of offline, deepl, google, microsoft, libretranslate, openai" in str(
        caught.value
    )
    with pytest.raises(ValueError):
        registry.create_engine(name, Settings(), _NoKeys())
    with pytest.raises(ValueError):
        registry.engine_options(Settings(), name)


def test_offline_is_not_built_as_an_online_engine() -> None:
    with pytest.raises(ValueError, match="offline engine has no online options"):
        registry.spec_for("offline")


def test_reading_the_declarations_does_not_import_httpx() -> None:
    code = (
        "import sys, companion.engines.registry as r; r.available_engine_names(); "
        "print('httpx' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert out.stdout.strip() == "False", out.stderr


class _NoKeys:
    def get_key(self, engine: str) -> str | None:
        return None
