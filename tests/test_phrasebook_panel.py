"""The phrasebook panel under pytest-qt: search, copy, insert, favourites, own entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

from companion.phrasebook.user_entries import UserPhrases
from companion.storage.db import Database
from companion.ui.phrasebook.panel import FAVOURITES, PhrasebookPanel


@pytest.fixture
def panel(qtbot, tmp_path: Path):
    store = UserPhrases(Database(tmp_path / "test.db"))
    widget = PhrasebookPanel(store=store)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.loaded, timeout=10_000)
    yield widget
    widget.runner.wait_idle()
    store.db.close()
    if widget.book is not None:
        widget.book.set_user_entries([])  # the book is process-wide: leave it as found


def test_search_as_you_type(panel: PhrasebookPanel) -> None:
    panel.search.setText("zhongcao")
    assert panel.result_keys()[0] == "slang:种草"
    assert "种草" in panel.detail.toPlainText()
    panel.search.setText("verification code")
    assert panel.result_keys()[0] == "interface:验证码"
    panel.search.setText("qqqqxxxzzz")
    assert panel.result_keys() == []
    assert "Add my phrase" in panel.detail.toPlainText()


def test_set_query_and_category_filter(panel: PhrasebookPanel) -> None:
    panel.set_query("种草")
    assert panel.search.text() == "种草"
    assert "slang:种草" in panel.result_keys()
    panel.categories.setCurrentRow(1)  # the first category after "All"
    assert panel.current_category() == "interface"
    assert all(key.startswith("interface:") for key in panel.result_keys())


def test_copy_and_insert(panel: PhrasebookPanel, qtbot) -> None:
    panel.set_query("yyds")
    panel.copy_current()
    assert QGuiApplication.clipboard().text() == "yyds"
    with qtbot.waitSignal(panel.insertRequested, timeout=2000) as blocker:
        panel.insert_button.click()
    assert blocker.args == ["yyds"]


def test_favourites_are_stored(panel: PhrasebookPanel) -> None:
    panel.set_query("绝绝子")
    assert panel.current_entry() is not None
    panel.favourite_button.click()
    assert panel.store().favourites() == ["slang:绝绝子"]
    assert panel.favourite_button.isChecked()
    role = Qt.ItemDataRole.UserRole
    row = [panel.categories.item(k).data(role) for k in range(panel.categories.count())]
    panel.search.clear()
    panel.categories.setCurrentRow(row.index(FAVOURITES))
    assert panel.result_keys() == ["slang:绝绝子"]
    panel.favourite_button.click()
    assert panel.store().favourites() == []
    assert panel.result_keys() == []


def test_add_edit_delete_own_entry(panel: PhrasebookPanel) -> None:
    dialog = panel.edit_entry(None)
    dialog.simplified.setText("好物")
    dialog.english.setText("")
    dialog._check()  # refused: no English
    assert dialog.isVisible() and dialog.error.isVisible()
    dialog.simplified.setText("猫猫")
    dialog.english.setText("kitty | cat (cute)")
    dialog._check()
    assert dialog.result() == QDialog.DialogCode.Accepted
    entry = panel.current_entry()
    assert entry is not None and entry.simplified == "猫猫"
    assert entry.english == ("kitty", "cat (cute)")
    panel.search.setText("kitty")
    assert panel.result_keys()[0] == entry.key
    dialog = panel.edit_entry(entry)
    dialog.english.setText("kitty cat")
    dialog._check()
    assert panel.store().entries()[0].english == ("kitty cat",)
    panel.delete_current()
    assert panel.store().entries() == []


def test_csv_export_import_and_bad_file(panel: PhrasebookPanel, qtbot, tmp_path: Path) -> None:
    panel.store().add("干饭", "eat heartily", pinyin="gàn fàn")
    out = tmp_path / "mine.csv"
    with qtbot.waitSignal(panel.csvFinished, timeout=10_000) as done:
        panel.export_csv(out)
    assert done.args[0] is True and "Exported 1" in panel.status.text()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02binary")
    with qtbot.waitSignal(panel.csvFinished, timeout=10_000) as done:
        panel.import_csv(bad)
    assert done.args[0] is False and "Nothing imported" in panel.status.text()
    assert len(panel.store().entries()) == 1
    panel.store().delete(panel.store().entries()[0].user_id or 0)
    with qtbot.waitSignal(panel.csvFinished, timeout=10_000) as done:
        panel.import_csv(out)
    assert done.args[0] is True and "Imported 1" in panel.status.text()
    assert [e.simplified for e in panel.store().entries()] == ["干饭"]
    panel.search.setText("eat heartily")
    assert panel.current_entry() is not None
    assert panel.current_entry().simplified == "干饭"  # type: ignore[union-attr]


def test_senses_cue_and_numbers_are_shown(panel: PhrasebookPanel) -> None:
    panel.search.setText("硬控")
    assert panel.result_keys()[0] == "slang:硬控"
    detail = panel.detail.toPlainText()
    assert "1. captivated" in detail and "2. kept stuck" in detail and "when:" in detail
    assert "fits your text" not in detail and panel.reading.isHidden()
    # a pasted sentence: the sense that fits is marked, with the word that decided it
    panel.search.setText("被老板硬控了一万二的时间")
    assert panel.current_entry() is not None
    keys = panel.result_keys()
    panel.results.setCurrentRow(keys.index("slang:硬控"))
    detail = panel.detail.toPlainText()
    assert "2. kept stuck; held up ✓ fits your text (because of 老板)" in detail
    assert detail.index("2. kept stuck") < detail.index("1. captivated")  # the fitting one first
    row = panel.results.item(keys.index("slang:硬控")).text()
    assert row.endswith("— kept stuck (in your text)")
    reading = panel.reading.text()
    assert not panel.reading.isHidden()
    assert "一万二</b> = 12,000" in reading and "kept stuck (with 老板 here" in reading
    # numbers alone are read too, even with no entry to show
    panel.search.setText("周五晚上8点")
    assert "Friday 8 p.m." in panel.reading.text() and not panel.reading.isHidden()
    panel.search.setText("zhongcao")
    assert panel.reading.isHidden()
