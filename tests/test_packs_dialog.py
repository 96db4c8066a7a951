"""The language packs dialog, offscreen, downloading from a local argos-format index."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from companion import packs, paths
from companion.settings import Settings
from companion.ui.settings.packs_dialog import PacksDialog
from companion.ui.tasks import TaskRunner
from tests.fixture_pack import LocalServer, Route, entries, index_entry

WAIT = 60_000


class HeldRoutes(dict[str, Route]):
    """Server routes whose ``held`` paths are answered only once the test calls ``release``.

    The request is recorded before it waits, so a test knows the worker got that far (for a
    second pack: the first one is installed) and can close or cancel at that exact point.
    """

    def __init__(self, held: set[str]) -> None:
        super().__init__()
        self.held = held
        self._gate = threading.Event()

    def get(self, key: str, default: Route | None = None) -> Route | None:  # type: ignore[override]
        if key in self.held:
            self._gate.wait(WAIT / 1000)
        return super().get(key, default)

    def release(self) -> None:
        self._gate.set()


def serve_both(
    server: LocalServer,
    zh_en: Path,
    en_zh: Path,
    held: set[str] = frozenset(),  # type: ignore[assignment]
    zh_en_version: str = "1.9",
) -> HeldRoutes:
    routes = HeldRoutes(set(held))
    routes["/zh_en.argosmodel"] = Route(zh_en.read_bytes())
    routes["/en_zh.argosmodel"] = Route(en_zh.read_bytes())
    index = [
        index_entry(
            zh_en, "zh", "en", server.url("/zh_en.argosmodel"), package_version=zh_en_version
        ),
        index_entry(en_zh, "en", "zh", server.url("/en_zh.argosmodel")),
    ]
    routes["/index.json"] = Route(json.dumps(index).encode(), 200, "application/json")
    server.routes = routes
    return routes


def installed_pairs() -> set[tuple[str, str]]:
    return {(p.from_code, p.to_code) for p in packs.list_installed()}


def leftover_downloads() -> list[str]:
    return entries(paths.cache_dir() / "downloads")


@pytest.fixture
def make_dialog(qtbot) -> Iterator[Callable[[str], PacksDialog]]:
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
) -> None:
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


def test_a_dead_index_says_so_and_installs_nothing(qtbot, make_dialog) -> None:
    with LocalServer() as server:
        dialog = make_dialog(server.url("/missing.json"))
        dialog.start_download()
        qtbot.waitUntil(lambda: dialog.download_button.isEnabled(), timeout=WAIT)
    assert "b00020" in dialog.status.text()  # shown as an error
    assert packs.list_installed() == []


def test_installing_a_broken_file_shows_why(qtbot, make_dialog, tmp_path: Path) -> None:
    bad = tmp_path / "broken.argosmodel"
    bad.write_bytes(b"not a zip at all")
    dialog = make_dialog("")
    dialog.install_file(bad)
    qtbot.waitUntil(lambda: dialog.file_button.isEnabled(), timeout=WAIT)
    assert "b00020" in dialog.status.text()
    assert "Traceback" not in dialog.status.text()
    assert packs.list_installed() == []


def test_closing_during_a_download_cancels_it_and_still_reports_what_was_installed(
    qtbot, make_dialog, zh_en_pack_file: Path, en_zh_pack_file: Path
) -> None:
    """Closed between the two packs, the way the main window opens it (deleted on close)."""
    with LocalServer() as server:
        routes = serve_both(server, zh_en_pack_file, en_zh_pack_file, {"/en_zh.argosmodel"})
        try:
            dialog = make_dialog(server.url("/index.json"))
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            changed: list[bool] = []
            dialog.packsChanged.connect(lambda: changed.append(True))
            dialog.open()
            dialog.start_download()
            qtbot.waitUntil(lambda: "/en_zh.argosmodel" in server.requests, timeout=WAIT)
            dialog.close()  # zh->en is installed, en->zh is waiting for the server
            assert not dialog.isVisible()
        finally:
            routes.release()
        qtbot.waitUntil(lambda: bool(changed), timeout=WAIT)  # the main window still hears
        qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=WAIT)  # then it goes
    assert changed == [True]
    assert installed_pairs() == {("zh", "en")}  # en->zh was cancelled, not installed
    assert leftover_downloads() == []


def test_a_dialog_destroyed_during_a_download_cancels_it_quietly(
    qtbot, make_dialog, zh_en_pack_file: Path, en_zh_pack_file: Path
) -> None:
    """Its parent went away: the late result must not touch deleted widgets."""
    with LocalServer() as server:
        routes = serve_both(server, zh_en_pack_file, en_zh_pack_file, {"/zh_en.argosmodel"})
        try:
            dialog = make_dialog(server.url("/index.json"))
            runner = dialog.runner
            dialog.start_download()
            qtbot.waitUntil(lambda: "/zh_en.argosmodel" in server.requests, timeout=WAIT)
            dialog.deleteLater()
            qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=WAIT)
        finally:
            routes.release()
        # An exception in the callback would fail the test (pytest-qt captures them).
        qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT)
    assert installed_pairs() == set()
    assert leftover_downloads() == []


def test_cancel_after_the_first_pack_says_what_was_installed(
    qtbot, make_dialog, zh_en_pack_file: Path, en_zh_pack_file: Path
) -> None:
    with LocalServer() as server:
        routes = serve_both(server, zh_en_pack_file, en_zh_pack_file, {"/en_zh.argosmodel"})
        dialog = make_dialog(server.url("/index.json"))
        try:
            with qtbot.waitSignal(dialog.packsChanged, timeout=WAIT):
                dialog.start_download()
                qtbot.waitUntil(lambda: "/en_zh.argosmodel" in server.requests, timeout=WAIT)
                assert not dialog.cancel_button.isHidden()
                dialog.cancel_download()
                assert dialog.status.text() == "Cancelling…"
                routes.release()
        finally:
            routes.release()
    assert dialog.status.text() == "Chinese→English installed; English→Chinese cancelled."
    assert installed_pairs() == {("zh", "en")}
    assert dialog.installed_list.count() == 1
    assert dialog.download_button.isEnabled()
    assert dialog.cancel_button.isHidden()


def test_a_failure_on_the_second_pack_keeps_the_first(
    qtbot, make_dialog, zh_en_pack_file: Path, en_zh_pack_file: Path
) -> None:
    with LocalServer() as server:
        serve_both(server, zh_en_pack_file, en_zh_pack_file)
        server.routes["/en_zh.argosmodel"] = Route(b"gone", 404, "text/plain")
        dialog = make_dialog(server.url("/index.json"))
        with qtbot.waitSignal(dialog.packsChanged, timeout=WAIT):
            dialog.start_download()
    status = dialog.status.text()
    assert status.startswith("Chinese→English installed; <span style='color:#b00020'>")
    assert "English→Chinese failed: the pack could not be downloaded (HTTP 404)" in status
    assert installed_pairs() == {("zh", "en")}
    assert leftover_downloads() == []


def test_a_pack_already_installed_is_not_downloaded_again(
    qtbot, make_dialog, zh_en_pack_file: Path, en_zh_pack_file: Path
) -> None:
    packs.install_pack(zh_en_pack_file)
    with LocalServer() as server:
        serve_both(server, zh_en_pack_file, en_zh_pack_file)
        dialog = make_dialog(server.url("/index.json"))
        with qtbot.waitSignal(dialog.packsChanged, timeout=WAIT):
            dialog.start_download()
    assert "/zh_en.argosmodel" not in server.requests
    assert "/en_zh.argosmodel" in server.requests
    assert dialog.status.text() == (
        "Installed English→Chinese. Translation is ready. "
        "Chinese→English v1.9 was already installed."
    )
    assert installed_pairs() == {("zh", "en"), ("en", "zh")}


@pytest.mark.parametrize(
    ("index_version", "downloads"), [("1.8", False), ("1.9", False), ("1.10", True)]
)
def test_up_to_date_packs_are_not_downloaded_and_newer_ones_are(
    qtbot,
    make_dialog,
    installed_packs: list[Path],
    zh_en_pack_file: Path,
    en_zh_pack_file: Path,
    index_version: str,
    downloads: bool,
) -> None:
    """Installed 1.9 packs against an index offering zh->en at an older, equal, newer version."""
    changed: list[bool] = []
    with LocalServer() as server:
        serve_both(server, zh_en_pack_file, en_zh_pack_file, zh_en_version=index_version)
        dialog = make_dialog(server.url("/index.json"))
        dialog.packsChanged.connect(lambda: changed.append(True))
        dialog.start_download()
        qtbot.waitUntil(lambda: dialog.download_button.isEnabled(), timeout=WAIT)
    pack_requests = [r for r in server.requests if r.endswith(".argosmodel")]
    if downloads:
        assert pack_requests == ["/zh_en.argosmodel"]
        assert dialog.status.text().startswith("Installed Chinese→English.")
        assert changed == [True]
    else:
        assert pack_requests == []
        assert dialog.status.text() == (
            "Everything is up to date: Chinese→English v1.9 and English→Chinese v1.9 "
            "are already installed."
        )
        assert changed == []
    assert installed_pairs() == {("zh", "en"), ("en", "zh")}


def test_a_new_download_waits_for_a_cancelled_one_to_stop(
    qtbot, make_dialog, zh_en_pack_file: Path, en_zh_pack_file: Path
) -> None:
    """Both would write the same .part file; the second says so instead of racing."""
    with LocalServer() as server:
        routes = serve_both(server, zh_en_pack_file, en_zh_pack_file, {"/zh_en.argosmodel"})
        try:
            first = make_dialog(server.url("/index.json"))
            first.start_download()
            qtbot.waitUntil(lambda: "/zh_en.argosmodel" in server.requests, timeout=WAIT)
            first.close()
            second = make_dialog(server.url("/index.json"))
            second.start_download()
            assert second.status.text() == (
                "The previous download is still stopping. Try again in a moment."
            )
            assert second.download_button.isEnabled()
        finally:
            routes.release()
        qtbot.waitUntil(lambda: first.download_button.isEnabled(), timeout=WAIT)
        assert first.status.text() == "Download cancelled. Nothing was installed."
        with qtbot.waitSignal(second.packsChanged, timeout=WAIT):
            second.start_download()
    assert installed_pairs() == {("zh", "en"), ("en", "zh")}


def test_file_names_are_shown_as_text_not_markup(qtbot, make_dialog, tmp_path: Path) -> None:
    bad = tmp_path / "<b>bold & co.argosmodel"
    bad.write_bytes(b"PK\x03\x04 truncated")
    dialog = make_dialog("")
    dialog.install_file(bad)
    assert "&lt;b&gt;bold &amp; co" in dialog.status.text()
    qtbot.waitUntil(lambda: dialog.file_button.isEnabled(), timeout=WAIT)
    status = dialog.status.text()
    assert "<b>" not in status
    assert "&lt;b&gt;bold &amp; co.argosmodel is not a language pack" in status


def _select(dialog: PacksDialog, pair: str) -> packs.InstalledPack:
    for row in range(dialog.installed_list.count()):
        pack = dialog.installed_list.item(row).data(Qt.ItemDataRole.UserRole)
        if isinstance(pack, packs.InstalledPack) and pack.pair == pair:
            dialog.installed_list.setCurrentRow(row)
            return pack
    raise AssertionError(f"{pair} is not listed")


def test_a_damaged_pack_is_shown_as_damaged_and_reinstalled(
    qtbot, make_dialog, zh_en_pack_file: Path, en_zh_pack_file: Path
) -> None:
    installed = packs.install_pack(zh_en_pack_file)
    (installed.path / "model" / "model.bin").write_bytes(b"\0" * 100)
    with LocalServer() as server:
        serve_both(server, zh_en_pack_file, en_zh_pack_file)
        dialog = make_dialog(server.url("/index.json"))
        assert dialog.installed_list.count() == 1
        assert dialog.installed_list.item(0).text() == (
            "Chinese→English v1.9   DAMAGED\n"
            "The model file (model/model.bin) is damaged: reinstall or remove it."
        )
        assert "not installed" not in dialog.installed_list.item(0).text().lower()
        _select(dialog, "zh-en")
        assert not dialog.reinstall_button.isHidden()
        with qtbot.waitSignal(dialog.packsChanged, timeout=WAIT):
            dialog.reinstall_button.click()
    assert server.requests.count("/zh_en.argosmodel") == 1
    assert "/en_zh.argosmodel" not in server.requests  # only the damaged pair
    assert installed_pairs() == {("zh", "en")}
    assert "damaged" not in dialog.installed_list.item(0).text()
    assert dialog.reinstall_button.isHidden()
    assert dialog.status.text().startswith("Installed Chinese→English.")


def test_removing_a_pack_asks_first_then_removes_it(
    qtbot, make_dialog, installed_packs: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog = make_dialog("")
    _select(dialog, "zh-en")
    dialog.remove_button.click()  # "No": nothing happens
    assert installed_pairs() == {("zh", "en"), ("en", "zh")}
    with qtbot.waitSignal(dialog.packsChanged, timeout=WAIT):
        dialog.remove_button.click()
    assert "Remove Chinese→English v1.9" in asked[0]
    assert installed_pairs() == {("en", "zh")}
    assert dialog.status.text() == "Removed Chinese→English v1.9."
    assert dialog.installed_list.count() == 1
    assert "English→Chinese" in dialog.installed_list.item(0).text()


def test_offline_the_error_offers_install_from_file(
    qtbot, make_dialog, zh_en_pack_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    dialog = make_dialog("http://packs.invalid/index.json")
    dialog.start_download()
    qtbot.waitUntil(lambda: dialog.download_button.isEnabled(), timeout=WAIT)
    status = dialog.status.text()
    assert "There is no internet connection" in status
    assert "Errno" not in status and "Name or service" not in status
    assert "<a href='install-from-file'>Install from file…</a>" in status
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (str(zh_en_pack_file), "")
    )
    with qtbot.waitSignal(dialog.packsChanged, timeout=WAIT):
        dialog.status.linkActivated.emit("install-from-file")
    assert installed_pairs() == {("zh", "en")}


def test_pack_names_from_metadata_are_shown_inert(
    qtbot, make_dialog, zh_en_pack_file: Path
) -> None:
    pack = packs.install_pack(zh_en_pack_file)
    meta_path = pack.path / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["from_name"] = "Chinese\u202e\x1b[2J"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    dialog = make_dialog("")
    text = dialog.installed_list.item(0).text()
    assert "\u202e" not in text and "\x1b" not in text and text.startswith("Chinese")
