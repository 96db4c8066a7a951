"""The language packs dialog, offscreen, downloading from a local argos-format index."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from companion import packs
from companion.settings import Settings
from companion.ui.packs_dialog import PacksDialog
from companion.ui.tasks import TaskRunner
from tests.fixture_pack import LocalServer, Route, index_entry

WAIT = 60_000


@pytest.fixture
def make_dialog(qtbot) -> Iterator[Callable[[str], PacksDialog]]:  # type: ignore[no-untyped-def]
    """Dialogs whose task runner lives (parented) as long as the test, then goes idle."""
    holder = QWidget()
    qtbot.addWidget(holder)
    runner = TaskRunner(holder)

    def make(url: str) -> PacksDialog:
        dialog = PacksDialog(Settings(), runner, holder)
        dialog.index_edit.setText(url)
        return dialog

    yield make
    runner.wait_idle(WAIT)


def test_download_installs_both_directions_with_progress(
    qtbot, make_dialog, zh_en_pack_file: Path, en_zh_pack_file: Path
) -> None:  # type: ignore[no-untyped-def]
    with LocalServer() as server:
        server.routes["/zh_en.argosmodel"] = Route(zh_en_pack_file.read_bytes())
        server.routes["/en_zh.argosmodel"] = Route(en_zh_pack_file.read_bytes())
        index = [
            index_entry(zh_en_pack_file, "zh", "en", server.url("/zh_en.argosmodel")),
            index_entry(en_zh_pack_file, "en", "zh", server.url("/en_zh.argosmodel")),
        ]
        server.routes["/index.json"] = Route(json.dumps(index).encode(), 200, "application/json")
        dialog = make_dialog(server.url("/index.json"))
        assert "No language pack installed" in dialog.installed_list.item(0).text()
        with qtbot.waitSignal(dialog.packsChanged, timeout=WAIT):
            dialog.start_download()
            assert not dialog.download_button.isEnabled()  # busy while it runs
        dialog.runner.wait_idle(WAIT)
    assert {(p.from_code, p.to_code) for p in packs.list_installed()} == {
        ("zh", "en"),
        ("en", "zh"),
    }
    assert dialog.installed_list.count() == 2
    assert "Installed" in dialog.status.text()
    assert dialog.download_button.isEnabled()
    assert Settings().get("package_index_url") == server.url("/index.json")


def test_a_dead_index_says_so_and_installs_nothing(qtbot, make_dialog) -> None:  # type: ignore[no-untyped-def]
    with LocalServer() as server:
        dialog = make_dialog(server.url("/missing.json"))
        dialog.start_download()
        qtbot.waitUntil(lambda: dialog.download_button.isEnabled(), timeout=WAIT)
    assert "b00020" in dialog.status.text()  # shown as an error
    assert packs.list_installed() == []


def test_installing_a_broken_file_shows_why(qtbot, make_dialog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "broken.argosmodel"
    bad.write_bytes(b"not a zip at all")
    dialog = make_dialog("")
    dialog.install_file(bad)
    qtbot.waitUntil(lambda: dialog.file_button.isEnabled(), timeout=WAIT)
    assert "b00020" in dialog.status.text()
    assert "Traceback" not in dialog.status.text()
    assert packs.list_installed() == []
