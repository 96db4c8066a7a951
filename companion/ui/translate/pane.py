"""The translation pane: input, result, pinyin, back-translation and phrasebook terms.

The pane only shows things and says what the user asked for; the
:class:`~companion.ui.translate.controller.TranslationController` decides when to translate
and runs the work off the GUI thread.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from itertools import accumulate

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.glossary_api import TermHit
from companion.translator import TranslationResult
from companion.ui.reading.ruby_view import RubyView

DIRECTIONS = [
    ("auto", "Auto-detect"),
    ("zh-en", "Chinese → English"),
    ("en-zh", "English → Chinese"),
]
LANGUAGE_LABELS = {"zh": "Chinese", "en": "English"}
MAX_HIGHLIGHTS = 500  # beyond that, highlighting costs more than it helps


class NoPackBanner(QFrame):
    """Shown instead of a result when no language pack can translate this direction."""

    downloadRequested = Signal()
    installFromFileRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noPackBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.download_button = QPushButton("Download Chinese↔English packs (~90 MB each)…", self)
        self.file_button = QPushButton("Install from file…", self)
        self.download_button.clicked.connect(self.downloadRequested)
        self.file_button.clicked.connect(self.installFromFileRequested)
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.file_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def show_for(self, message: str) -> None:
        self.message.setText(
            f"<b>{html.escape(message)}.</b><br>Companion translates offline with free "
            "language packs. Pinyin and word meanings below work without one."
        )
        self.show()


def _section_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("sectionLabel")
    label.setStyleSheet("color: palette(mid); font-weight: 600;")
    return label


class TranslationPane(QWidget):
    """Input on top, everything Companion knows about it below."""

    translateRequested = Signal()  # Ctrl+Enter or the Translate button
    directionChanged = Signal(str)  # "auto" | "zh-en" | "en-zh"
    swapRequested = Signal()
    copyRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)

        # Direction bar
        bar = QHBoxLayout()
        self.direction_box = QComboBox(self)
        for key, label in DIRECTIONS:
            self.direction_box.addItem(label, key)
        self.direction_box.setToolTip("Translation direction")
        self.detected_label = QLabel("", self)
        self.detected_label.setObjectName("detectedLabel")
        self.swap_button = QToolButton(self)
        self.swap_button.setText("⇄")
        self.swap_button.setToolTip("Swap direction (uses the result as the new input)")
        self.translate_button = QPushButton("Translate", self)
        self.translate_button.setToolTip("Translate now (Ctrl+Enter)")
        bar.addWidget(self.direction_box)
        bar.addWidget(self.swap_button)
        bar.addWidget(self.detected_label, 1)
        bar.addWidget(self.translate_button)
        outer.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        outer.addWidget(splitter, 1)

        # Input
        self.input = QPlainTextEdit(splitter)
        self.input.setObjectName("inputBox")
        self.input.setPlaceholderText(
            "Paste or type Chinese to read it in English.\n"
            "Type English to get Chinese you can post, with its pinyin and back-translation."
        )
        self.input.setTabChangesFocus(True)

        # Everything about the input, in a scroll area so a long post stays usable.
        below = QWidget(splitter)
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)

        self.banner = NoPackBanner(below)
        self.banner.hide()
        below_layout.addWidget(self.banner)

        result_bar = QHBoxLayout()
        self.result_label = _section_label("Translation", below)
        self.engine_badge = QLabel("", below)
        self.engine_badge.setObjectName("engineBadge")
        self.copy_button = QToolButton(below)
        self.copy_button.setText("Copy")
        self.copy_button.setToolTip("Copy the translation (Ctrl+Shift+C)")
        result_bar.addWidget(self.result_label)
        result_bar.addStretch(1)
        result_bar.addWidget(self.engine_badge)
        result_bar.addWidget(self.copy_button)
        below_layout.addLayout(result_bar)

        self.progress = QProgressBar(below)
        self.progress.setTextVisible(True)
        self.progress.setMaximumHeight(14)
        self.progress.hide()
        below_layout.addWidget(self.progress)

        self.output = QTextBrowser(below)
        self.output.setObjectName("resultBox")
        self.output.setOpenLinks(False)
        self.output.setPlaceholderText("The translation appears here as you type.")
        below_layout.addWidget(self.output, 2)

        self.notes_label = QLabel("", below)
        self.notes_label.setObjectName("notesLabel")
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: #b35900;")
        self.notes_label.hide()
        below_layout.addWidget(self.notes_label)

        self.back_label = _section_label("What your Chinese says (back-translation)", below)
        self.back_output = QLabel("", below)
        self.back_output.setObjectName("backTranslation")
        self.back_output.setWordWrap(True)
        self.back_output.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        below_layout.addWidget(self.back_label)
        below_layout.addWidget(self.back_output)

        self.pinyin_label = _section_label("Pinyin and word meanings", below)
        below_layout.addWidget(self.pinyin_label)
        self.ruby = RubyView(below)
        ruby_scroll = QScrollArea(below)
        ruby_scroll.setWidgetResizable(True)
        ruby_scroll.setFrameShape(QFrame.Shape.NoFrame)
        ruby_scroll.setWidget(self.ruby)
        ruby_scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.ruby_scroll = ruby_scroll
        below_layout.addWidget(ruby_scroll, 3)

        self.terms_label = _section_label("From the phrasebook", below)
        self.terms_view = QLabel("", below)
        self.terms_view.setObjectName("termsView")
        self.terms_view.setWordWrap(True)
        self.terms_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        below_layout.addWidget(self.terms_label)
        below_layout.addWidget(self.terms_view)

        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        self.splitter = splitter

        self.direction_box.currentIndexChanged.connect(
            lambda _i: self.directionChanged.emit(self.direction())
        )
        self.swap_button.clicked.connect(self.swapRequested)
        self._terms: list[TermHit] = []
        self._has_result = False
        self.translate_button.clicked.connect(self.translateRequested)
        self.copy_button.clicked.connect(self.copyRequested)
        self.clear_result()

    # What the user asked for -------------------------------------------------------------
    def direction(self) -> str:
        return str(self.direction_box.currentData())

    def set_direction(self, key: str) -> None:
        index = self.direction_box.findData(key)
        if index >= 0:
            self.direction_box.setCurrentIndex(index)

    def text(self) -> str:
        return self.input.toPlainText()

    def set_text(self, text: str) -> None:
        self.input.setPlainText(text)
        self.input.moveCursor(QTextCursor.MoveOperation.End)

    # What Companion shows ------------------------------------------------------------------
    def clear_result(self) -> None:
        self._has_result = False
        self.output.clear()
        self.back_output.clear()
        self.back_label.hide()
        self.back_output.hide()
        self.terms_label.hide()
        self.terms_view.hide()
        self.notes_label.hide()
        self.progress.hide()
        self.banner.hide()
        self.engine_badge.clear()
        self.detected_label.clear()
        self.input.setExtraSelections([])
        if not self.text().strip():
            self.pinyin_label.hide()
            self.ruby_scroll.hide()

    def show_direction(self, source: str, target: str, detected: bool) -> None:
        prefix = "Detected: " if detected else ""
        self.detected_label.setText(
            f"{prefix}{LANGUAGE_LABELS[source]} → {LANGUAGE_LABELS[target]}"
        )

    def show_result(self, result: TranslationResult) -> None:
        """Show a complete or streaming result."""
        self.banner.hide()
        self.output.setPlainText(result.text)
        self._has_result = bool(result.text)
        if result.complete or result.total <= 1:
            self.progress.hide()
        else:
            self.progress.setRange(0, result.total)
            self.progress.setValue(result.done)
            self.progress.setFormat(f"Translating… {result.done} of {result.total} sentences")
            self.progress.show()
        if result.engine:
            where = "sent online" if result.online else "stays on this computer"
            self.engine_badge.setText(f"{result.engine_label} · {where}")
            self.engine_badge.setToolTip(
                "The text was sent to this online engine."
                if result.online
                else "Translated offline: the text did not leave this computer."
            )
        if result.notes:
            self.notes_label.setText("\n".join(result.notes))
            self.notes_label.show()
        else:
            self.notes_label.hide()
        if result.glossary_terms:
            self.show_terms(self._terms, {hit.term for hit in result.glossary_terms})

    def show_terms(self, terms: list[TermHit], used: set[str] | None = None) -> None:
        """List phrasebook terms of the input and highlight them in the input box.

        ``used`` names the terms whose curated meaning went into the translation.
        """
        self._terms = terms
        protected = used or set()
        if not terms:
            self.terms_label.hide()
            self.terms_view.hide()
            self.input.setExtraSelections([])
            return
        rows = []
        seen: set[str] = set()
        for hit in terms:
            if hit.term in seen:
                continue
            seen.add(hit.term)
            mark = " <i>(used in the translation)</i>" if hit.term in protected else ""
            rows.append(
                f"<b>{html.escape(hit.term)}</b> <span style='color:gray'>"
                f"{html.escape(hit.pinyin)}</span> — {html.escape(hit.meaning)}{mark}"
            )
        self.terms_view.setText("<br>".join(rows))
        self.terms_label.show()
        self.terms_view.show()
        self._highlight(terms)

    def _highlight(self, terms: list[TermHit]) -> None:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(255, 226, 140, 140))
        text = self.input.toPlainText()
        to_qt = _utf16_offsets(text)
        document = self.input.document()
        selections = []
        for hit in terms[:MAX_HIGHLIGHTS]:
            if hit.end > len(text) or text[hit.start : hit.end] != hit.term:
                continue  # found in an older version of the text
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(document)
            cursor.setPosition(to_qt(hit.start))
            cursor.setPosition(to_qt(hit.end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.input.setExtraSelections(selections)

    def show_back_translation(self, text: str, problem: bool = False) -> None:
        self.back_output.setStyleSheet("color: #b35900;" if problem else "")
        self.back_output.setText(text)
        self.back_label.show()
        self.back_output.show()

    def hide_back_translation(self) -> None:
        self.back_label.hide()
        self.back_output.hide()

    def show_no_pack(self, message: str) -> None:
        self._has_result = False
        self.output.clear()
        self.progress.hide()
        self.engine_badge.clear()
        self.banner.show_for(message)

    def show_error(self, message: str) -> None:
        self.progress.hide()
        self.banner.hide()
        self.notes_label.hide()
        self.engine_badge.clear()
        self.hide_back_translation()
        self._has_result = False
        self.output.setHtml(f"<p style='color:#b00020'>{html.escape(message)}</p>")

    def result_text(self) -> str:
        """The translation shown, or "" when the output holds a message instead."""
        return self.output.toPlainText() if self._has_result else ""


def _utf16_offsets(text: str) -> Callable[[int], int]:
    """Map Python string indexes to Qt's cursor positions, which count UTF-16 units.

    Built once per text: Chinese and most emoji-free text maps one to one; characters outside
    the BMP (most emoji) count twice for Qt.
    """
    if all(ord(ch) <= 0xFFFF for ch in text):
        return lambda index: index
    table = list(accumulate((2 if ord(ch) > 0xFFFF else 1 for ch in text), initial=0))
    return lambda index: table[index]
