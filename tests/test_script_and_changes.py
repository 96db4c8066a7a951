"""Traditional/simplified conversion and the app-wide change notification."""

from __future__ import annotations

from companion import changes
from companion.script import is_traditional, to_simplified, to_traditional, traditional_share


def test_conversion_keeps_length_and_meaning() -> None:
    assert to_simplified("小紅書的評論區") == "小红书的评论区"
    assert to_traditional("小红书的评论区") == "小紅書的評論區"
    text = "這個平替真的絕絕子！yyds 😂"
    assert len(to_simplified(text)) == len(text)
    assert to_simplified("") == ""


def test_detection() -> None:
    assert is_traditional("這家店的服務態度很好，推薦給大家")
    assert not is_traditional("这家店的服务态度很好，推荐给大家")
    assert traditional_share("hello") == 0.0


def test_listeners_are_called_and_isolated() -> None:
    seen: list[tuple[str, str]] = []

    def broken(topic: str, detail: str) -> None:
        raise RuntimeError("boom")

    undo_broken = changes.subscribe(broken)
    undo = changes.subscribe(lambda topic, detail: seen.append((topic, detail)))
    try:
        changes.notify("settings", "font_size")
        changes.notify("packs", "zh-en")
    finally:
        undo()
        undo_broken()
    changes.notify("settings", "ignored")
    assert seen == [("settings", "font_size"), ("packs", "zh-en")]


def test_typed_settings_and_their_notification() -> None:
    import pytest

    from companion.settings import Settings

    settings = Settings()
    seen: list[str] = []
    undo = changes.subscribe(lambda topic, detail: seen.append(f"{topic}:{detail}"))
    try:
        settings.set("font_size", 15)
    finally:
        undo()
    assert seen == ["settings:font_size"]
    assert settings.get_int("font_size") == 15
    assert settings.get_bool("offline_only") is False
    assert settings.get_str("preferred_engine") == "offline"
    assert settings.get_float("overlay_opacity") == 0.95
    assert settings.get_dict("engine_options") == {}
    with pytest.raises(TypeError):
        settings.get_bool("font_size")
