"""The word popup: every CC-CEDICT sense of a word, its traditional form, measure words, and
"Save word". Opened by the ruby view on click; the characters of a word can be opened alone.

Lookups are instant once the dictionary is loaded; before that the popup says so, starts the
background load and fills itself in when it finishes (relayed to the GUI thread by a signal).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.ui.reading.tone_colors import tone_color


class WordPopup(QFrame):
    """A small popup window for one word (or one of its characters)."""

    saveRequested = Signal(object)  # companion.wordlist.WordToSave
    _dictionaryLoaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("wordPopup")
        self._palette_name = "pleco"
        self._pinyin_style = "marks"
        self._word = ""
        self._shown = ""  # the word, or one character of it
        self._context = ""
        self._entries: list[Any] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.title = QLabel(self)
        self.title.setObjectName("popupTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)

        self.chars_row = QWidget(self)
        self.chars_layout = QHBoxLayout(self.chars_row)
        self.chars_layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chars_row)

        self.body = QLabel(self)
        self.body.setObjectName("popupBody")
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        scroll.setMinimumWidth(340)
        scroll.setMaximumHeight(320)
        layout.addWidget(scroll)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save word", self)
        self.save_button.setToolTip("Add this word to your saved words")
        self.save_button.clicked.connect(self._save)
        self.close_button = QPushButton("Close", self)
        self.close_button.clicked.connect(self.close)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self._dictionaryLoaded.connect(self._refresh)

    # --- public -----------------------------------------------------------------------------

    def set_style(self, tone_palette: str, pinyin_style: str) -> None:
        self._palette_name = tone_palette
        self._pinyin_style = pinyin_style

    def show_word(self, word: str, context: str = "", char: int = -1) -> None:
        """Fill the popup for ``word`` (or its character at ``char`` when >= 0)."""
        self._word = word
        self._context = context
        self._shown = word[char] if 0 <= char < len(word) else word
        self._rebuild_chars()
        self._refresh()

    def shown(self) -> str:
        return self._shown

    def entries(self) -> list[Any]:
        return list(self._entries)

    def show_near(self, global_pos: QPoint, avoid_height: int = 0) -> None:
        """Show below ``global_pos`` (or above the word when there is no room), on screen."""
        self.adjustSize()
        size = self.sizeHint()
        screen = QGuiApplication.screenAt(global_pos) or QGuiApplication.primaryScreen()
        x, y = global_pos.x(), global_pos.y() + 4
        if screen is not None:
            area = screen.availableGeometry()
            x = max(area.left(), min(x, area.right() - size.width()))
            if y + size.height() > area.bottom():
                y = max(area.top(), global_pos.y() - avoid_height - size.height() - 4)
        self.move(x, y)
        self.show()
        self.raise_()

    # --- internals --------------------------------------------------------------------------

    def _rebuild_chars(self) -> None:
        while self.chars_layout.count():
            item = self.chars_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        chars = list(self._word)
        if len(chars) < 2:
            self.chars_row.hide()
            return
        label = QLabel("Characters:", self.chars_row)
        self.chars_layout.addWidget(label)
        for k, ch in enumerate(chars):
            button = QPushButton(ch, self.chars_row)
            button.setObjectName(f"charButton{k}")
            button.setFlat(True)
            button.setMaximumWidth(button.fontMetrics().horizontalAdvance(ch) * 2 + 16)
            button.setToolTip(f"Show {ch} alone")
            button.setCheckable(True)
            button.setChecked(self._shown == ch and self._shown != self._word)
            button.clicked.connect(lambda _checked=False, k=k: self.show_char(k))
            self.chars_layout.addWidget(button)
        whole = QPushButton("Whole word", self.chars_row)
        whole.setObjectName("wholeWordButton")
        whole.setFlat(True)
        whole.clicked.connect(lambda _checked=False: self.show_word(self._word, self._context))
        self.chars_layout.addWidget(whole)
        self.chars_layout.addStretch(1)
        self.chars_row.show()

    def show_char(self, index: int) -> None:
        self.show_word(self._word, self._context, index)

    def _refresh(self) -> None:
        from companion.dictionary import get_dictionary

        dictionary = get_dictionary()
        text = self._shown
        if not dictionary.is_loaded:
            self._entries = []
            self.title.setText(self._title_html(text, "", []))
            if dictionary.error is not None:
                self.body.setText(html.escape(f"The dictionary is unavailable: {dictionary.error}"))
            else:
                self.body.setText("<i>Loading the dictionary…</i>")
                dictionary.ensure_loaded(self._dictionaryLoaded.emit)
            self.save_button.setEnabled(False)
            return
        self._entries = dictionary.lookup(text)
        traditional = ""
        if self._entries:
            head = self._entries[0]
            # the other form of the most likely reading (looked up by traditional: simplified)
            other = head.traditional if head.simplified == text else head.simplified
            traditional = other if other != text else ""
        first = self._entries[0].syllables if self._entries else []
        self.title.setText(self._title_html(text, traditional, first))
        self.body.setText(self._body_html() if self._entries else "<i>No dictionary entry.</i>")
        self.save_button.setEnabled(True)
        self.save_button.setText("Save word")
        self.adjustSize()

    def _color(self, syllable: str) -> str:
        from companion.dictionary.syllables import tone_of

        color: QColor = tone_color(tone_of(syllable), self._palette_name, self.palette())
        return color.name()

    def _pinyin_html(self, syllables: list[str]) -> str:
        from companion.pinyin import format_syllable

        parts = []
        for syllable in syllables:
            shown = html.escape(format_syllable(syllable, self._pinyin_style))
            parts.append(f'<span style="color:{self._color(syllable)}">{shown}</span>')
        return " ".join(parts)

    def _title_html(self, text: str, other_form: str, syllables: list[str]) -> str:
        chars = []
        for k, ch in enumerate(text):
            color = self._color(syllables[k]) if k < len(syllables) else ""
            style = f' style="color:{color}"' if color else ""
            chars.append(f"<span{style}>{html.escape(ch)}</span>")
        out = f'<span style="font-size:22pt">{"".join(chars)}</span>'
        if other_form:
            muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
            out += f' <span style="font-size:16pt; color:{muted}">{html.escape(other_form)}</span>'
        if syllables:
            out += f'<br><span style="font-size:13pt">{self._pinyin_html(syllables)}</span>'
        return out

    def _body_html(self) -> str:
        from companion.dictionary.cedict import parse_measure_word

        blocks = []
        for entry in self._entries:
            head = self._pinyin_html(entry.syllables)
            forms = entry.simplified
            if entry.traditional != entry.simplified:
                forms += f" · {entry.traditional}"
            tag = (
                "" if entry.source == "cedict" else f" <small>({html.escape(entry.source)})</small>"
            )
            lines = [f"<b>{head}</b> <small>{html.escape(forms)}</small>{tag}"]
            if entry.senses:
                items = "".join(f"<li>{html.escape(s)}</li>" for s in entry.senses)
                lines.append(f'<ol style="margin-top:2px; margin-bottom:2px">{items}</ol>')
            if entry.measure_words:
                words = []
                for raw in entry.measure_words:
                    simp, _trad, pinyin = parse_measure_word(raw)
                    words.append(f"{html.escape(simp)} {self._pinyin_html(pinyin.split())}")
                lines.append("Measure words: " + ", ".join(words))
            blocks.append("".join(lines))
        return "<hr>".join(blocks)

    def _save(self) -> None:
        from companion.wordlist import WordToSave

        text = self._shown
        entry = self._entries[0] if self._entries else None
        if entry is None:
            word = WordToSave(text, context=self._context)
        else:
            senses = tuple(
                s for e in self._entries if e.pinyin.lower() == entry.pinyin.lower()
                for s in e.senses
            )  # fmt: skip
            word = WordToSave(
                entry.simplified,
                entry.traditional,
                entry.pinyin_marks,
                senses,
                self._context,
            )
        self.saveRequested.emit(word)
        self.save_button.setText("Saved")
        self.save_button.setEnabled(False)
