"""Guards against a broken Qt binding release.

PySide6 6.12.0 takes a reference off ``None`` on every Qt call that returns nothing; after a
few thousand edits the interpreter aborts with "none_dealloc". The pin in pyproject keeps
that release out; this test fails if a release with the same fault is ever installed.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_leak_references_to_none(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(500):
        label.hide()
        label.setText("小红书")
    assert sys.getrefcount(None) >= before - 50
