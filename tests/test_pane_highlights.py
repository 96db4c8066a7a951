"""The input's term highlights for a long paste: the first batch at once, every one in the
end, and a newer set of terms replaces an older one still being applied."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from companion.glossary_api import TermHit
from companion.ui.translate.pane import HIGHLIGHT_BATCH, MAX_HIGHLIGHTS, TranslationPane


def _pane(qtbot: QtBot) -> TranslationPane:
    pane = TranslationPane()
    qtbot.addWidget(pane)
    pane.resize(520, 700)
    pane.show()
    return pane


def _terms(count: int) -> tuple[list[TermHit], list[tuple[int, int]]]:
    hits = [TermHit("种草", 3 * k, 3 * k + 2, "to recommend") for k in range(count)]
    return hits, [(hit.start, hit.end) for hit in hits]


def test_hundreds_of_terms_are_all_highlighted_a_batch_per_turn(qtbot: QtBot) -> None:
    pane = _pane(qtbot)
    count = 2 * HIGHLIGHT_BATCH + 50
    pane.set_text("种草，" * count)
    hits, spans = _terms(count)
    pane.show_terms(hits, spans)
    first = pane.input.extraSelections()
    assert len(first) == HIGHLIGHT_BATCH  # the top of the text at once
    assert (first[0].cursor.selectionStart(), first[0].cursor.selectionEnd()) == (0, 2)
    qtbot.waitUntil(lambda: len(pane.input.extraSelections()) == count)
    marked = [
        (s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in pane.input.extraSelections()
    ]
    assert marked == spans


def test_a_newer_set_of_terms_stops_the_older_one(qtbot: QtBot) -> None:
    pane = _pane(qtbot)
    count = min(MAX_HIGHLIGHTS, 3 * HIGHLIGHT_BATCH)
    pane.set_text("种草，" * count)
    hits, spans = _terms(count)
    pane.show_terms(hits, spans)
    pane.show_terms(hits[:3], spans[:3])  # the user edited: three terms are left
    for _turn in range(count // HIGHLIGHT_BATCH + 2):  # the turns the older run's batches took
        QApplication.processEvents()
    marked = [
        (s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in pane.input.extraSelections()
    ]
    assert marked == spans[:3]
    pane.show_terms((), [])
    assert pane.input.extraSelections() == []
