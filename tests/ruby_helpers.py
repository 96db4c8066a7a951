"""Helpers shared by the ruby view tests."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from companion.pinyin import annotate
from companion.ui.reading.ruby_view import RubyView


def shown_view(qtbot: QtBot, text: str, width: int = 420, height: int = 300) -> RubyView:
    """A RubyView showing ``annotate(text)``, on screen (offscreen) and exposed."""
    view = RubyView()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.set_words(annotate(text))
    view.show()
    qtbot.waitExposed(view)
    return view


def word_index(view: RubyView, text: str) -> int:
    return next(i for i, w in enumerate(view.words()) if w.text == text)


def colors_in(image: QImage, rect: QRect) -> set[str]:
    """Every colour (``#rrggbb``) drawn inside ``rect`` of ``image``."""
    return {
        QColor(image.pixel(x, y)).name()
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
    }
