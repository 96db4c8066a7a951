"""The Lens card: what one label says, shown on hover, in full on "Full entry".

Hover shows the English, every meaning, the original and its pinyin, and where the meaning
came from; "Full entry" adds the phrasebook's note and example, the dictionary's entries or,
for a sentence, each word; "Save word" emits the word and the line it was read from (the
learning feature stores it).

It is a window of its own (not click-through like the overlay) placed beside the label, so
the user can move onto it to click while the app below keeps its clicks.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QEnterEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from companion.lens.layout import card_position
from companion.lens.meaning import Details, Meaning
from companion.lens.reader import LensLine
from companion.ui.lens.renderer import SOURCE_COLORS, SOURCE_NAMES
from companion.untrusted import printable


class LensCard(QFrame):
    """``show_line(line, anchor)``; ``set_details(details)`` when the full entry arrives."""

    save_word = Signal(str, str)  # word, the sentence (OCR line) it came from
    save_entry = Signal(object)  # the same as a companion.learning.words.WordToSave
    details_requested = Signal(object)  # LensLine
    entered = Signal()
    left = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus,
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("lensCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#lensCard { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 6px; }"
        )
        self.setMaximumWidth(420)
        self._line: LensLine | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        self.english = QLabel(self)
        self.english.setWordWrap(True)
        self.english.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.english)
        self.original = QLabel(self)
        self.original.setWordWrap(True)
        self.original.setTextFormat(Qt.TextFormat.RichText)
        self.original.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.original)
        self.source = QLabel(self)
        self.source.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.source)
        self.body = QLabel(self)
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.hide()
        layout.addWidget(self.body)
        buttons = QHBoxLayout()
        self.full_button = QPushButton("Full entry", self)
        self.full_button.clicked.connect(self._ask_details)
        self.save_button = QPushButton("Save word", self)
        self.save_button.clicked.connect(self._save)
        buttons.addWidget(self.full_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    @property
    def line(self) -> LensLine | None:
        return self._line

    def show_line(self, line: LensLine, anchor: QRect) -> None:
        """Fill the card for ``line`` and place it next to ``anchor`` (global logical px)."""
        self._line = line
        meaning = line.meaning
        english = html.escape(printable(meaning.english, 200)) or "<i>No meaning found</i>"
        more = [s for s in meaning.senses if s != meaning.english][:5]
        extra = "".join(
            f"<br><span style='color:gray'>{html.escape(printable(s, 120))}</span>" for s in more
        )
        self.english.setText(f"<b style='font-size:14pt'>{english}</b>{extra}")
        pinyin = html.escape(printable(meaning.pinyin, 200))
        self.original.setText(
            f"<span style='font-size:13pt'>{html.escape(printable(line.text, 200))}</span>"
            + (f"<br><i>{pinyin}</i>" if pinyin else "")
        )
        self.source.setText(_source_html(meaning))
        self.body.hide()
        self.full_button.setEnabled(True)
        self.save_button.setText("Save word")
        self.save_button.setEnabled(bool(meaning.word or line.text))
        self.adjustSize()
        self._place(anchor)
        self.show()
        self.raise_()

    def _place(self, anchor: QRect) -> None:
        screen = QGuiApplication.screenAt(anchor.center()) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        x, y = card_position(
            (anchor.left(), anchor.top(), anchor.right() + 1, anchor.bottom() + 1),
            (self.width(), self.height()),
            (area.left(), area.top(), area.right() + 1, area.bottom() + 1),
        )
        self.move(QPoint(round(x), round(y)))

    def set_details(self, details: Details) -> None:
        """Show the full entry (arrives from a worker: the dictionary may have to load)."""
        if self._line is None or details.word != self._line.meaning.word:
            return
        rows = "".join(
            f"<tr><td style='color:gray; padding-right:8px'>{html.escape(printable(h, 60))}</td>"
            f"<td>{html.escape(printable(t, 400))}</td></tr>"
            for h, t in details.rows
        )
        self.body.setText(f"<table>{rows}</table>" if rows else "<i>Nothing more is known.</i>")
        self.body.show()
        self.full_button.setEnabled(False)
        anchor = QRect(self.pos(), self.size())
        self.adjustSize()
        self.move(anchor.topLeft())

    def _ask_details(self) -> None:
        if self._line is not None:
            self.details_requested.emit(self._line)

    def _save(self) -> None:
        if self._line is not None:
            word = self._line.meaning.word or self._line.text
            self.save_word.emit(word, self._line.text)
            self.save_entry.emit(self._line.word_to_save())
            self.save_button.setText("Saved")
            self.save_button.setEnabled(False)

    def enterEvent(self, event: QEnterEvent) -> None:
        self.entered.emit()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.left.emit()
        super().leaveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
        else:
            super().keyPressEvent(event)


def _source_html(meaning: Meaning) -> str:
    colour = SOURCE_COLORS.get(meaning.source, SOURCE_COLORS["none"])
    name = SOURCE_NAMES.get(meaning.source, "")
    if meaning.note and meaning.source == "machine":
        name = f"{name} ({printable(meaning.note, 60)})"
    elif meaning.note == "term by term":
        name = f"{name}, term by term"
    return f"<span style='color:{colour}'>&#9632;</span> <small>{html.escape(name)}</small>"
