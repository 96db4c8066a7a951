"""Settings > Engines: real widgets offscreen, keys through the test keychain, a fake provider."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from companion import paths, secrets
from companion.settings import Settings
from companion.ui.settings.engines import TEST_SAMPLE, EngineSettingsPage
from tests.memory_keyring import MemoryKeyring
from tests.online_servers import ProviderServer, Scripted

SECRET = "ui-secret-9d8c7b6a5f4e:fx"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def deepl_server() -> Iterator[ProviderServer]:
    server = ProviderServer("deepl", key=SECRET)
    yield server
    server.close()


def open_page(qtbot: QtBot, settings: Settings) -> EngineSettingsPage:
    page = EngineSettingsPage(settings)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.keyStateLoaded, timeout=10_000):
        pass
    return page


def choose(page: EngineSettingsPage, name: str) -> None:
    page.engine_box.setCurrentIndex(page.engine_box.findData(name))


def test_page_reflects_settings_and_applies_them(qtbot: QtBot, settings: Settings) -> None:
    settings.set("preferred_engine", "libretranslate")
    settings.set("offline_only", True)
    page = EngineSettingsPage(settings)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert page.current_engine() == "libretranslate"
    assert page.offline_only.isChecked()
    assert page.stack.currentWidget() is page.panels["libretranslate"]
    assert "Offline only is on" in page.note.text()
    names = [page.engine_box.itemData(i) for i in range(page.engine_box.count())]
    assert names == ["offline", "deepl", "google", "microsoft", "libretranslate", "openai"]

    choose(page, "openai")
    page.offline_only.setChecked(False)
    panel = page.panels["openai"]
    panel.fields["url"].setText("http://localhost:11434/v1")
    panel.fields["model"].setText("qwen2.5:7b")
    page.panels["microsoft"].fields["region"].setText("westeurope")
    page.apply()
    assert settings.get("preferred_engine") == "openai"
    assert settings.get("offline_only") is False
    options = settings.get("engine_options")
    assert options["openai"] == {"url": "http://localhost:11434/v1", "model": "qwen2.5:7b"}
    assert options["microsoft"]["region"] == "westeurope"


def test_bad_url_is_pointed_out(qtbot: QtBot, settings: Settings) -> None:
    page = open_page(qtbot, settings)
    panel = page.panels["libretranslate"]
    panel.fields["url"].setText("libretranslate.example")
    assert "must start with http" in panel.option_error.text()
    panel.fields["url"].setText("")
    assert "Server URL is required" in panel.option_error.text()
    panel.fields["url"].setText("https://lt.example")
    assert panel.option_error.text() == ""


def test_set_test_and_delete_a_key(
    qtbot: QtBot,
    settings: Settings,
    deepl_server: ProviderServer,
    keyring_backend: MemoryKeyring,
    isolated_user_dirs: Path,
) -> None:
    page = open_page(qtbot, settings)
    choose(page, "deepl")
    panel = page.panels["deepl"]
    assert "No key stored" in panel.key_status.text()
    assert not panel.save_key_button.isEnabled()
    assert not panel.delete_key_button.isEnabled()
    assert not panel.test_button.isEnabled()  # DeepL needs a key

    panel.fields["url"].setText(deepl_server.base_url)
    panel.key_edit.setText(SECRET)
    assert panel.key_edit.echoMode() == panel.key_edit.EchoMode.Password
    qtbot.mouseClick(panel.save_key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.has_key is True and not panel.busy, timeout=10_000)
    assert keyring_backend.store == {("Companion", "deepl"): SECRET}
    assert panel.key_edit.text() == ""
    assert panel.save_key_button.text() == "Replace key"
    assert panel.key_status.text() == "A key is stored."

    slow = {"translations": [{"detected_source_language": "ZH", "text": "Hi, nice to meet you!"}]}
    deepl_server.push(Scripted(200, slow, delay=1.0))
    qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    assert not panel.test_button.isEnabled()  # running in the background
    assert panel.test_result.text() == "Testing…"
    qtbot.waitUntil(lambda: not panel.busy, timeout=15_000)
    assert panel.test_result.text() == f"Connected: {TEST_SAMPLE} → Hi, nice to meet you!"
    assert deepl_server.requests[0].headers["authorization"] == f"DeepL-Auth-Key {SECRET}"

    page.apply()
    for path in isolated_user_dirs.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    assert paths.database_path().exists()

    qtbot.mouseClick(panel.delete_key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.has_key is False and not panel.busy, timeout=10_000)
    assert keyring_backend.store == {}
    assert panel.test_result.text() == "Key deleted."


def test_connection_failure_is_shown_in_plain_words(
    qtbot: QtBot, settings: Settings, deepl_server: ProviderServer
) -> None:
    page = open_page(qtbot, settings)
    panel = page.panels["deepl"]
    panel.fields["url"].setText(deepl_server.base_url)
    panel.key_edit.setText("wrong-key-typed-but-not-saved")
    qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=15_000)
    text = panel.test_result.text()
    assert text.startswith("Failed: DeepL: key rejected (HTTP 403")
    assert "wrong-key-typed-but-not-saved" not in text
    assert not secrets.has_key("deepl")  # testing does not store the key


def test_malformed_key_is_refused(qtbot: QtBot, settings: Settings) -> None:
    page = open_page(qtbot, settings)
    panel = page.panels["google"]
    panel.key_edit.setText("AIza with spaces")
    qtbot.mouseClick(panel.save_key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
    assert panel.test_result.text().startswith("Key not changed: the key contains spaces")
    assert not secrets.has_key("google")


def test_no_keychain_disables_keys_and_says_what_to_install(
    qtbot: QtBot, settings: Settings
) -> None:
    keyring.set_keyring(fail.Keyring())
    page = open_page(qtbot, settings)
    panel = page.panels["deepl"]
    assert "gnome-keyring" in panel.key_status.text()
    assert not panel.key_edit.isEnabled()
    assert not panel.save_key_button.isEnabled()
    assert not panel.delete_key_button.isEnabled()
