"""The translation pane: input, translation, back-translation, pinyin and phrasebook terms.

The pane only shows things and says what the user asked for; the
:class:`~companion.ui.translate.controller.TranslationController` decides when to translate
and runs the work off the GUI thread, and the pane shows one
:class:`~companion.session.SessionResult` at a time.

Any post fits: every region scrolls inside itself and has a small minimum height, so a
6,000-character paste never makes the window taller than its screen. On a wide window the
source and the translation sit side by side with the reading aids below; a narrow one stacks
them. Showing a result costs the GUI thread little whatever its length: a streaming
translation is appended, not re-set, and the term list and highlights are capped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
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

if TYPE_CHECKING:
    from PySide6.QtCore import QMimeData, QUrl  # annotations only: no type made at start
    from PySide6.QtGui import QPaintEvent, QResizeEvent

    from companion.glossary_api import TermHit
    from companion.pinyin import Word
    from companion.session import SessionResult
    from companion.ui.reading.ruby_view import RubyView

DIRECTIONS = [
    ("auto", "Auto-detect"),
    ("zh-en", "Chinese → English"),
    ("en-zh", "English → Chinese"),
]
LANGUAGE_LABELS = {"zh": "Chinese", "en": "English"}
MAX_HIGHLIGHTS = 500  # beyond that, highlighting costs more than it helps
HIGHLIGHT_BATCH = 100  # terms marked per turn of the event loop (the first ones at once)
MAX_TERM_ROWS = 200  # the list says how many more there are
WIDE_AT = 880  # pane width from which source and translation sit side by side
# Qt lays out a paragraph whole: a 100,000-character line (an unpunctuated paste) takes it
# hundreds of milliseconds. A shown translation breaks lines this long into display lines
# (the copied translation is the real text); the user's own text is never changed.
DISPLAY_LINE_CHARS = 3000
NOTE_CHARS = 140  # a note is one line; the whole text is in its tooltip
ERROR_STYLE = "color: #b00020;"
NOTES_STYLE = "color: #b35900;"

Highlight = tuple[int, int]  # Qt (UTF-16) start and end of a term in the input
QWIDGETSIZE_MAX = (1 << 24) - 1
SAVE_SHORTCUT = "Ctrl+S"  # "Save to My words" (the window's Edit menu holds the action)


class PaneSelection(NamedTuple):
    """Text selected in the input or the translation, for "Save to My words".

    ``text`` is the whole text of that box and ``start`` where the selection begins in it
    (a Python index, not Qt's UTF-16 one), so the sentence around it can be found. A
    NamedTuple, not a dataclass: the pane is built before the first paint.
    """

    box: str  # "input" | "output"
    text: str
    start: int
    selected: str


def python_index(text: str, utf16: int) -> int:
    """The index in ``text`` of Qt's UTF-16 position ``utf16`` (an emoji counts twice there)."""
    if utf16 <= 0:
        return 0
    units = 0
    for index, ch in enumerate(text):
        if units >= utf16:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


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
        import html  # with the first message, not at start

        self.message.setText(
            f"<b>{html.escape(message)}.</b><br>Companion translates offline with free "
            "language packs. Pinyin and word meanings below work without one."
        )
        self.show()


class ElidedLabel(QLabel):
    """One line that gives way: cut with "…" when narrow (the whole text on hover), so a long
    badge or note never sets the window's minimum width."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(0)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.text():
            return  # nothing to draw (the empty badges of the first frame need no painter)
        from PySide6.QtGui import QPainter

        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))  # a style sheet's colour too
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )
        painter.drawText(self.contentsRect(), int(self.alignment()), shown)
        painter.end()


def _section_label(text: str, parent: QWidget, elided: bool = False) -> QLabel:
    """A section's title: semi-bold in the palette's mid colour. A palette role and a font,
    not a style sheet (the first style sheet costs the first paint a few milliseconds)."""
    label = ElidedLabel(text, parent) if elided else QLabel(text, parent)
    label.setObjectName("sectionLabel")
    label.setForegroundRole(QPalette.ColorRole.Mid)
    font = QFont(label.font())
    font.setWeight(QFont.Weight.DemiBold)  # 600
    label.setFont(font)
    return label


def _show_in_color(label: QLabel, sheet: str) -> None:
    """Show a message label with its style sheet, set the first time it is shown: hidden
    labels need none to draw the first frame."""
    if label.styleSheet() != sheet:
        label.setStyleSheet(sheet)
    label.show()


def _text_box(parent: QWidget, name: str, lines: int) -> QPlainTextEdit:
    """A read-only text that scrolls inside itself, at least ``lines`` lines tall."""
    box = QPlainTextEdit(parent)
    box.setObjectName(name)
    box.setReadOnly(True)
    box.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


def display_lines(text: str, limit: int = DISPLAY_LINE_CHARS) -> str:
    """``text`` with every line longer than ``limit`` broken at a space or mark before it."""
    if len(text) <= limit or all(len(line) <= limit for line in text.split("\n")):
        return text
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > limit:
            cut = max(line.rfind(mark, limit // 2, limit) for mark in " ，。！？,.!?;")
            cut = cut + 1 if cut > 0 else limit
            out.append(line[:cut].rstrip(" "))
            line = line[cut:].lstrip(" ")
        out.append(line)
    return "\n".join(out)


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _panel(parent: QWidget) -> tuple[QWidget, QVBoxLayout]:
    panel = QWidget(parent)
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    return panel, layout


class InputBox(QPlainTextEdit):
    """The pane's input; says when text arrives by a paste (Ctrl+V, middle click, a drop),
    so a short paste is kept in history as pasted, not typed."""

    pasted = Signal()

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            self.pasted.emit()
        super().insertFromMimeData(source)


class TranslationPane(QWidget):
    """The input and everything Companion knows about it."""

    translateRequested = Signal()  # Ctrl+Enter or the Translate button
    directionChanged = Signal(str)  # "auto" | "zh-en" | "en-zh"
    swapRequested = Signal()
    copyRequested = Signal()
    termOpened = Signal(str)  # a phrasebook term clicked in the term list
    saveSelectionRequested = Signal(object)  # a PaneSelection: "Save to My words"
    wordSaveRequested = Signal(object)  # the pinyin popup's "Save word" (a WordToSave)

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
        self.detected_label = ElidedLabel("", self)
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

        # Input
        self.input = InputBox(self)
        self.input.setObjectName("inputBox")
        self.input.setPlaceholderText(
            "Paste or type Chinese to read it in English.\n"
            "Type English to get Chinese you can post, with its pinyin and back-translation."
        )
        self.input.setTabChangesFocus(True)
        self.input.setMinimumHeight(self.input.fontMetrics().lineSpacing() * 3 + 12)

        # The translation, its engine and notes, and the back-translation
        self.result_panel, result_layout = _panel(self)
        result_bar = QHBoxLayout()
        self.result_label = _section_label("Translation", self.result_panel)
        self.engine_badge = ElidedLabel("", self.result_panel)
        self.engine_badge.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.engine_badge.setObjectName("engineBadge")
        self.copy_button = QToolButton(self.result_panel)
        self.copy_button.setText("Copy")
        self.copy_button.setToolTip("Copy the translation (Ctrl+Shift+C)")
        result_bar.addWidget(self.result_label)
        result_bar.addWidget(self.engine_badge, 1)
        result_bar.addWidget(self.copy_button)
        result_layout.addLayout(result_bar)
        self.progress = QProgressBar(self.result_panel)
        self.progress.setTextVisible(True)
        self.progress.setMaximumHeight(14)
        result_layout.addWidget(self.progress)
        self.banner = NoPackBanner(self.result_panel)
        result_layout.addWidget(self.banner)
        self.output = _text_box(self.result_panel, "resultBox", 2)
        self.output.setPlaceholderText("The translation appears here as you type.")
        result_layout.addWidget(self.output, 3)
        self.error_label = QLabel("", self.result_panel)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        result_layout.addWidget(self.error_label)
        self.notes_label = ElidedLabel("", self.result_panel)
        self.notes_label.setObjectName("notesLabel")
        result_layout.addWidget(self.notes_label)
        self.back_label = _section_label(
            "What your Chinese says (back-translation)", self.result_panel
        )
        self.back_output = _text_box(self.result_panel, "backTranslation", 2)
        self.back_output.setMaximumHeight(self.back_output.fontMetrics().lineSpacing() * 6 + 12)
        result_layout.addWidget(self.back_label)
        result_layout.addWidget(self.back_output, 1)

        # Reading aids: pinyin with word meanings, and phrasebook terms
        self.pinyin_panel, pinyin_layout = _panel(self)
        self.pinyin_label = _section_label("Pinyin and word meanings", self.pinyin_panel, True)
        pinyin_layout.addWidget(self.pinyin_label)
        # The pinyin view itself is built with the first words (see ``ruby``): the section is
        # hidden until then, and its modules and fonts are not needed to draw the window.
        self._ruby: RubyView | None = None
        self._ruby_style: tuple[str, str] | None = None
        ruby_scroll = QScrollArea(self.pinyin_panel)
        ruby_scroll.setWidgetResizable(True)
        ruby_scroll.setFrameShape(QFrame.Shape.NoFrame)
        ruby_scroll.setMinimumHeight(48)
        ruby_scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.ruby_scroll = ruby_scroll
        pinyin_layout.addWidget(ruby_scroll, 1)

        self.terms_panel, terms_layout = _panel(self)
        self.terms_label = _section_label("From the phrasebook", self.terms_panel)
        self.terms_view = QTextBrowser(self.terms_panel)
        self.terms_view.setObjectName("termsView")
        self.terms_view.setOpenLinks(False)
        self.terms_view.setMinimumHeight(self.terms_view.fontMetrics().lineSpacing() * 2 + 12)
        self.terms_view.anchorClicked.connect(self._term_clicked)
        terms_layout.addWidget(self.terms_label)
        terms_layout.addWidget(self.terms_view, 1)

        # Arrangement: one vertical splitter; wide windows nest two horizontal ones in it.
        self._outer = QSplitter(Qt.Orientation.Vertical, self)
        self._top = QSplitter(Qt.Orientation.Horizontal)
        self._bottom = QSplitter(Qt.Orientation.Horizontal)
        for splitter in (self._outer, self._top, self._bottom):
            splitter.setChildrenCollapsible(False)
        outer.addWidget(self._outer, 1)
        self.splitter = self._outer
        self._wide: bool | None = None
        self._arrange(False)

        self.direction_box.currentIndexChanged.connect(
            lambda _i: self.directionChanged.emit(self.direction())
        )
        self.swap_button.clicked.connect(self.swapRequested)
        self.translate_button.clicked.connect(self.translateRequested)
        self.copy_button.clicked.connect(self.copyRequested)
        for box in (self.input, self.output):
            box.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            box.customContextMenuRequested.connect(lambda pos, b=box: self._popup_menu(b, pos))
        self._terms: tuple[TermHit, ...] = ()
        self._highlights: list[Highlight] = []
        self._used: frozenset[str] = frozenset()
        self._links: list[str] = []  # the terms the list links to, by index
        self._highlighted = False
        self._highlight_run = 0  # a newer set of highlights stops an older one half-way
        self._output_text = ""
        self._back_text = ""
        self._has_result = False
        self.clear_result()

    # The pinyin view ---------------------------------------------------------------------------
    @property
    def ruby(self) -> RubyView:
        """The pinyin view (tone-coloured pinyin over the hanzi, word popups), made on first use
        in the pinyin section's scroll area. Its "Save word" is :attr:`wordSaveRequested`."""
        if self._ruby is None:
            from companion.ui.reading.ruby_view import RubyView

            ruby = RubyView(self.pinyin_panel)
            if self._ruby_style is not None:
                ruby.set_style(*self._ruby_style)
            ruby.saveRequested.connect(self.wordSaveRequested)
            self.ruby_scroll.setWidget(ruby)
            self._ruby = ruby
        return self._ruby

    def set_ruby_style(self, tone_palette: str, pinyin_style: str) -> None:
        """The pinyin view's tone colours and pinyin style (kept for a view not made yet)."""
        self._ruby_style = (tone_palette, pinyin_style)
        if self._ruby is not None:
            self._ruby.set_style(tone_palette, pinyin_style)

    # Layout ------------------------------------------------------------------------------------
    @property
    def wide(self) -> bool:
        return bool(self._wide)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width() >= WIDE_AT)

    def _arrange(self, wide: bool) -> None:
        """Side by side on a wide pane (reading aids below), stacked on a narrow one."""
        if wide == self._wide:
            return
        self._wide = wide
        if wide:
            self._top.addWidget(self.input)
            self._top.addWidget(self.result_panel)
            self._bottom.addWidget(self.pinyin_panel)
            self._bottom.addWidget(self.terms_panel)
            self._outer.addWidget(self._top)
            self._outer.addWidget(self._bottom)
            self._top.setSizes([1000, 1000])
            self._bottom.setSizes([1400, 600])
            self._outer.setSizes([1100, 900])
        else:
            for widget in (self.input, self.result_panel, self.pinyin_panel, self.terms_panel):
                self._outer.addWidget(widget)
            self._top.setParent(None)
            self._bottom.setParent(None)
            self._outer.setSizes([600, 1000, 800, 700])
        self._sync_sections()

    def _sync_sections(self) -> None:
        """A reading-aid row with nothing to show takes no room."""
        if self._wide:
            self._bottom.setVisible(
                not self.pinyin_panel.isHidden() or not self.terms_panel.isHidden()
            )

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
        from PySide6.QtGui import QTextCursor  # with the first text, not before the first paint

        self.input.setPlainText(text)
        self.input.moveCursor(QTextCursor.MoveOperation.End)

    # Selections: "Save to My words" ------------------------------------------------------
    def selection_in(self, box: QPlainTextEdit) -> PaneSelection | None:
        """What is selected in ``box`` (the input or the translation), trimmed; None if
        nothing (or only white space) is."""
        cursor = box.textCursor()
        if not cursor.hasSelection():
            return None
        text = box.toPlainText()
        start = python_index(text, cursor.selectionStart())
        end = python_index(text, cursor.selectionEnd())
        raw = text[start:end]
        selected = raw.strip()
        if not selected:
            return None
        name = "input" if box is self.input else "output"
        return PaneSelection(name, text, start + (len(raw) - len(raw.lstrip())), selected)

    def selection(self) -> PaneSelection | None:
        """The selection to save: in the box that has the focus, else in the input, else in
        the translation."""
        boxes = [self.input, self.output]
        boxes.sort(key=lambda box: not box.hasFocus())
        for box in boxes:
            chosen = self.selection_in(box)
            if chosen is not None:
                return chosen
        return None

    def context_menu(self, box: QPlainTextEdit) -> QMenu:
        """The box's usual menu (copy, select all...) with "Save to My words" on top."""
        from PySide6.QtGui import QAction, QKeySequence

        menu = box.createStandardContextMenu()
        menu.setParent(box, menu.windowFlags())
        chosen = self.selection_in(box)
        save = QAction("Save to My words", menu)
        save.setObjectName("saveSelectionAction")
        save.setShortcut(QKeySequence(SAVE_SHORTCUT))
        save.setToolTip("Keep the selected word with its sentence and translation")
        save.setEnabled(chosen is not None)
        save.triggered.connect(lambda _c=False: self.saveSelectionRequested.emit(chosen))
        actions = menu.actions()
        if actions:
            menu.insertAction(actions[0], save)
            menu.insertSeparator(actions[0])
        else:
            menu.addAction(save)
        return menu

    def _popup_menu(self, box: QPlainTextEdit, pos: QPoint) -> None:
        menu = self.context_menu(box)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(box.viewport().mapToGlobal(pos))

    # What Companion shows ------------------------------------------------------------------
    def clear_result(self) -> None:
        self._has_result = False
        self._set_output("")
        self._show_output(True)
        self.error_label.hide()
        self.hide_back_translation()
        self.notes_label.hide()
        self.progress.hide()
        self.banner.hide()
        self.engine_badge.clear()
        self.engine_badge.setToolTip("")
        self.detected_label.clear()
        self._used = frozenset()
        if not self.text().strip():
            self.show_terms((), [])
            self.show_pinyin([], False, "")

    def show_direction(self, source: str, target: str, detected: bool) -> None:
        prefix = "Detected: " if detected else ""
        self.detected_label.setText(
            f"{prefix}{LANGUAGE_LABELS[source]} → {LANGUAGE_LABELS[target]}"
        )

    def _show_output(self, shown: bool) -> None:
        """The translation box, or only the banner (no pack) with the room given to the aids."""
        self.output.setVisible(shown)
        if shown:
            self.result_panel.setMaximumHeight(QWIDGETSIZE_MAX)
        else:
            self.result_panel.setMaximumHeight(self.result_panel.sizeHint().height())

    def show_result(self, result: SessionResult) -> None:
        """Show a complete or streaming result."""
        self.banner.hide()
        self._show_output(True)
        self.error_label.hide()
        self.show_direction(result.source, result.target, result.detected)
        self._set_output(result.text)
        self._has_result = bool(result.text)
        streaming = not result.complete and result.total > 1 and result.done < result.total
        if streaming:
            # QProgressBar.setValue repaints at once (~15 ms under X for each partial
            # result): with updates off it is drawn with the next frame instead.
            self.progress.setUpdatesEnabled(False)
            self.progress.setRange(0, result.total)
            self.progress.setValue(result.done)
            self.progress.setFormat(f"Translating… {result.done} of {result.total} sentences")
            self.progress.setUpdatesEnabled(True)
            self.progress.show()
        else:
            self.progress.hide()
        if result.engine:
            where = "sent online" if result.online else "stays on this computer"
            self.engine_badge.setText(f"{result.engine_label} · {where}")
            self.engine_badge.setToolTip(
                "The text was sent to this online engine."
                if result.online
                else "Translated offline: the text did not leave this computer."
            )
        self._show_notes(result.notes)
        if result.checking:
            self.show_back_translation("Checking what your Chinese says…")
        elif result.complete and result.back_translation is not None:
            self.show_back_translation(result.back_translation)
        elif result.complete and result.back_translation_problem:
            self.show_back_translation(
                f"Cannot check it: {result.back_translation_problem}", problem=True
            )
        elif result.complete:
            self.hide_back_translation()
        if result.complete:
            used = frozenset(hit.term for hit in result.glossary)
            if used != self._used:
                self._used = used
                self._render_terms()

    def _set_output(self, text: str) -> None:
        """A streaming translation grows at its end: append the new part, do not re-set."""
        if text == self._output_text:
            return
        old = self._output_text
        from PySide6.QtGui import QTextCursor

        # Appending is safe when the shown text ends a line that will not grow past the limit.
        if old and text.startswith(old) and old.endswith("\n"):
            cursor = QTextCursor(self.output.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(display_lines(text[len(old) :]))
        else:
            self.output.setPlainText(display_lines(text))
        self._output_text = text

    def _show_notes(self, notes: tuple[str, ...]) -> None:
        """One short line, whatever the notes say; the whole text on hover."""
        if not notes:
            self.notes_label.hide()
            return
        first = notes[0]
        summary = first.split(":", 2)
        short = ":".join(summary[:2]) if len(summary) > 2 else first
        if first.endswith("translated offline") and not short.endswith("translated offline"):
            short += " - translated offline"
        more = f" (+{len(notes) - 1})" if len(notes) > 1 else ""
        self.notes_label.setText("⚠ " + _one_line(short, NOTE_CHARS) + more)
        self.notes_label.setToolTip("\n".join(notes))
        _show_in_color(self.notes_label, NOTES_STYLE)

    def show_pinyin(self, words: Sequence[Word], truncated: bool, problem: str) -> None:
        """The ruby view of the Chinese side (empty hides the section)."""
        if words or self._ruby is not None:  # no view to empty before the first words
            self.ruby.set_words(list(words))
        if problem:
            self.pinyin_label.setText(f"Pinyin unavailable: {problem}")
        elif truncated:
            from companion.session import MAX_PINYIN_CHARS  # loaded by then, not at start-up

            self.pinyin_label.setText(
                f"Pinyin and word meanings (the first {MAX_PINYIN_CHARS:,} characters)"
            )
        else:
            self.pinyin_label.setText("Pinyin and word meanings")
        self.ruby_scroll.setVisible(bool(words))
        self.pinyin_panel.setVisible(bool(words) or bool(problem))
        self._sync_sections()

    def show_terms(
        self, terms: tuple[TermHit, ...] | list[TermHit], highlights: list[Highlight]
    ) -> None:
        """List the phrasebook terms of the input and highlight them in the input box.

        ``highlights`` are the terms' Qt positions in the input, found off the GUI thread.
        """
        self._terms = tuple(terms)
        self._highlights = highlights[:MAX_HIGHLIGHTS]
        self._render_terms()
        self._highlight()

    def _render_terms(self) -> None:
        if not self._terms:
            self.terms_view.clear()
            self.terms_panel.hide()
            self._sync_sections()
            return
        import html  # with the first terms, not at start

        rows: list[str] = []
        seen: set[str] = set()
        self._links = []
        for hit in self._terms:
            if hit.term in seen:
                continue
            seen.add(hit.term)
            if len(rows) == MAX_TERM_ROWS:
                continue  # counted below
            mark = " <i>(used in the translation)</i>" if hit.term in self._used else ""
            term = f"<a href='#t{len(self._links)}'>{html.escape(hit.term)}</a>"
            self._links.append(hit.term)
            rows.append(
                f"<b>{term}</b> <span style='color:gray'>{html.escape(hit.pinyin)}</span>"
                f" — {html.escape(hit.meaning)}{mark}"
            )
        if len(seen) > len(rows):
            rows.append(f"<i>… and {len(seen) - len(rows)} more</i>")
        self.terms_label.setText(f"From the phrasebook ({len(seen)})")
        self.terms_view.setHtml("<br>".join(rows))
        self.terms_panel.show()
        self._sync_sections()

    def _term_clicked(self, url: QUrl) -> None:
        fragment = url.fragment()
        if fragment.startswith("t") and fragment[1:].isdigit():
            index = int(fragment[1:])
            if index < len(self._links):
                self.termOpened.emit(self._links[index])

    def _highlight(self) -> None:
        """Mark the terms in the input: the first :data:`HIGHLIGHT_BATCH` (the top of the
        text, what shows first) at once, the rest in later turns, so a long paste's hundreds
        of terms never hold the window."""
        self._highlight_run += 1
        run = self._highlight_run
        if not self._highlights and not self._highlighted:
            return  # nothing to mark and nothing marked (the empty pane at start)
        from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor  # made here, not at start

        fmt = QTextCharFormat()
        fmt.setBackground(QColor(255, 226, 140, 140))
        document = self.input.document()
        end = document.characterCount() - 1
        spans = [(start, stop) for start, stop in self._highlights if stop <= end]
        # (a span past the end was found in an older, longer version of the text)
        selections: list[QTextEdit.ExtraSelection] = []

        def step(first: int) -> None:
            if run != self._highlight_run:
                return
            for start, stop in spans[first : first + HIGHLIGHT_BATCH]:
                selection = QTextEdit.ExtraSelection()
                cursor = QTextCursor(document)
                cursor.setPosition(start)
                cursor.setPosition(stop, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                selection.format = fmt
                selections.append(selection)
            if selections or self._highlighted:  # clearing none costs a layout of a long line
                self.input.setExtraSelections(selections)
            self._highlighted = bool(selections)
            if first + HIGHLIGHT_BATCH < len(spans):
                QTimer.singleShot(0, lambda: step(first + HIGHLIGHT_BATCH))

        step(0)

    def show_back_translation(self, text: str, problem: bool = False) -> None:
        self.back_output.setStyleSheet("color: #b35900;" if problem else "")
        if self._back_text != text:
            self._back_text = text
            self.back_output.setPlainText(display_lines(text))
        self.back_label.show()
        self.back_output.show()

    def hide_back_translation(self) -> None:
        self.back_label.hide()
        self.back_output.hide()

    def back_translation_text(self) -> str:
        return self._back_text if self.back_output.isVisibleTo(self) else ""

    def show_no_pack(self, message: str) -> None:
        self._has_result = False
        self._set_output("")
        self.progress.hide()
        self.error_label.hide()
        self.notes_label.hide()
        self.engine_badge.clear()
        self.banner.show_for(message)
        self._show_output(False)

    def show_error(self, message: str) -> None:
        self.progress.hide()
        self.banner.hide()
        self._show_output(True)
        self.notes_label.hide()
        self.engine_badge.clear()
        self.hide_back_translation()
        self._has_result = False
        self._set_output("")
        self.error_label.setText(_one_line(message, 600))
        _show_in_color(self.error_label, ERROR_STYLE)

    def result_text(self) -> str:
        """The translation shown, or "" when there is a message instead."""
        return self._output_text if self._has_result else ""
