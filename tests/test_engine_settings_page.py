"""Settings > Engines: real widgets offscreen, keys through the test keychain, a fake provider."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import InitError, KeyringLocked
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from companion import paths, secrets
from companion.settings import Settings
from companion.ui.settings.engines import TEST_SAMPLE, EnginePanel, EngineSettingsPage
from tests.locked_keyring import LockedKeyring
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
    assert page.current_panel() is page.panels["libretranslate"]
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
    settings.set("preferred_engine", "deepl")
    page = open_page(qtbot, settings)
    panel = page.panels["deepl"]
    # Said once, where the engine is chosen; the panel only points there.
    assert page.warning_shown and page.note.isVisibleTo(page)
    note = page.note.text()
    assert note.startswith("DeepL needs an API key, but Companion cannot use the system keychain")
    assert "translations stay offline" in note
    assert "gnome-keyring" in note and "KWallet" in note
    assert "gnome-keyring" not in panel.key_status.text()
    assert "see above" in panel.key_status.text()
    assert not panel.key_edit.isEnabled()
    assert not panel.save_key_button.isEnabled()
    assert not panel.delete_key_button.isEnabled()
    labels = [w.text() for w in page.findChildren(QLabel)]
    assert sum("gnome-keyring" in text for text in labels) == 1

    choose(page, "libretranslate")  # a key is optional: a milder warning, still once
    assert page.note.text().startswith("LibreTranslate works without a key")
    assert panel.isHidden() and page.panels["libretranslate"].isVisibleTo(page)
    choose(page, "offline")
    assert not page.warning_shown and not page.note.isVisibleTo(page)
    assert page.offline_info.isVisibleTo(page)
    assert all(p.isHidden() for p in page.panels.values())
    page.offline_only.setChecked(True)
    choose(page, "google")
    assert not page.warning_shown and "Offline only is on" in page.note.text()


@pytest.mark.parametrize("error", [InitError, KeyringLocked])
def test_locked_keychain_says_how_to_unlock(
    qtbot: QtBot, settings: Settings, error: type[Exception]
) -> None:
    keyring.set_keyring(LockedKeyring(error))
    settings.set("preferred_engine", "microsoft")
    page = open_page(qtbot, settings)
    note = page.note.text()
    assert page.warning_shown
    assert "keychain is locked" in note
    assert "Passwords and Keys" in note and "KWalletManager" in note
    assert "InitError" not in note and "Prompt dismissed" not in note
    assert not page.panels["microsoft"].key_edit.isEnabled()


def test_missing_key_is_warned_at_the_top_until_a_key_is_set(
    qtbot: QtBot, settings: Settings
) -> None:
    settings.set("preferred_engine", "google")
    page = open_page(qtbot, settings)
    assert page.warning_shown
    assert page.note.text().startswith("Google Translate needs an API key: paste it below")
    panel = page.panels["google"]
    panel.key_edit.setText("AIzaSyTESTKEY0123456789")
    qtbot.mouseClick(panel.save_key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.has_key is True and not page.busy, timeout=10_000)
    assert not page.warning_shown
    assert page.note.text().startswith("Text you translate is sent to Google Translate")


SIZES = [(420, 360), (700, 500), (1024, 600), (1600, 1000)]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_text_overlaps_at_any_size(
    qtbot: QtBot, settings: Settings, size: tuple[int, int]
) -> None:
    """Every visible label gets the height its wrapped text needs; no two widgets overlap."""
    from companion.ui.settings.dialog import SettingsDialog

    keyring.set_keyring(fail.Keyring())  # the longest texts: the keychain warning
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    page = dialog.engines
    dialog.tabs.setCurrentWidget(page)
    dialog.resize(*size)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: page.keys_known, timeout=10_000)
    for index in range(page.engine_box.count()):
        page.engine_box.setCurrentIndex(index)
        page.panels["libretranslate"].fields["url"].setText("not a url")  # error line shown
        with contextlib.suppress(qtbot.TimeoutError):  # let the layout settle, then judge
            qtbot.waitUntil(lambda: not layout_problems(page), timeout=3_000)
        assert layout_problems(page) == [], (size, page.current_engine())


def layout_problems(page: EngineSettingsPage) -> list[str]:
    """Labels shorter than their wrapped text needs, and widgets that overlap."""
    content = page.scroll_area.widget()
    assert content is not None
    problems = []
    boxes: list[tuple[QRect, QWidget]] = []
    for widget in content.findChildren(QWidget):
        if not widget.isVisibleTo(content) or isinstance(widget, (QGroupBox, EnginePanel)):
            continue
        if isinstance(widget.parent(), QLineEdit):
            continue  # a line edit's own inner parts
        wrapped = isinstance(widget, QLabel) and widget.wordWrap() and widget.text()
        if wrapped and widget.height() < widget.heightForWidth(widget.width()):
            problems.append(f"squeezed {_describe(widget)}")
        if isinstance(widget, (QLabel, QLineEdit, QPushButton, QComboBox, QCheckBox)):
            top_left = widget.mapTo(content, widget.rect().topLeft())
            boxes.append((QRect(top_left, widget.size()), widget))
    for i, (rect, widget) in enumerate(boxes):
        for other_rect, other in boxes[i + 1 :]:
            if rect.intersects(other_rect):
                problems.append(f"{_describe(widget)} overlaps {_describe(other)}")
    return problems


def _describe(widget: QWidget) -> str:
    text = getattr(widget, "text", lambda: "")()
    return f"{type(widget).__name__}({text[:30]!r})"
