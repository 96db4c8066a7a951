"""The My words panel: search, sort, filter by tag, edit, remove (with undo), export, import.

Words load once (on the TaskRunner) into a :class:`~companion.learning.words.WordIndex`;
search, tag and order then filter in memory, and a table model shows the result (5,000 words
are one model reset, not 5,000 widgets). Every write runs on the runner; the list reloads when
``companion.changes`` says words changed, whoever changed them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from companion.learning.audio import default_speaker
from companion.learning.cardhtml import pinyin_html, sentence_html, text_html
from companion.learning.words import (
    RemovedWord,
    SavedWord,
    WordError,
    WordIndex,
    WordList,
    clean_meanings,
    clean_tags,
)
from companion.ui.learning.relay import ChangeRelay, DeleteKey, OwnedTasks
from companion.ui.tasks import TaskRunner
from companion.untrusted import printable

WORD_ROLE = Qt.ItemDataRole.UserRole + 1
ALL_TAGS = ""
ORDERS = (("newest", "Newest first"), ("due", "Due soonest"), ("pinyin", "A–Z by pinyin"))
COLUMNS = ("Word", "Pinyin", "Meaning", "Tags", "Due")
AnyIndex = QModelIndex | QPersistentModelIndex
DETAIL_CSS = ".hl { background-color: #fff2a8; } .muted { color: #707070; }"


def due_text(due: float | None, now: float | None = None) -> str:
    """ "now", "in 5m", "in 3h", "in 4d", "" (no card)."""
    if due is None:
        return ""
    left = due - (time.time() if now is None else now)
    if left <= 0:
        return "now"
    from companion.learning.review import format_interval

    return f"in {format_interval(left)}"


class WordsModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.words: list[SavedWord] = []
        self._now = time.time()
        self._big = QFont()
        self._big.setPointSizeF(self._big.pointSizeF() * 1.3)

    def set_words(self, words: list[SavedWord]) -> None:
        self.beginResetModel()
        self.words = words
        self._now = time.time()
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.words)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.words):
            return None
        word = self.words[index.row()]
        column = index.column()
        if role == WORD_ROLE:
            return word
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return word.forms
            if column == 1:
                return word.pinyin
            if column == 2:
                return printable(word.meaning, 160)
            if column == 3:
                return ", ".join(word.tags)
            return due_text(word.due, self._now)
        if role == Qt.ItemDataRole.FontRole and column == 0:
            return self._big
        if role == Qt.ItemDataRole.ToolTipRole and column in (0, 2):
            return printable(word.sentence or word.meaning, 300)
        return None


class WordDialog(QDialog):
    """Edit one word: its forms, reading, meanings (one a line), sentence, tags and note."""

    def __init__(self, word: SavedWord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit {word.simplified}")
        self.word = word
        form = QFormLayout(self)
        self.simplified = QLineEdit(word.simplified, self)
        self.traditional = QLineEdit(word.traditional, self)
        self.pinyin = QLineEdit(word.pinyin, self)
        self.pinyin.setPlaceholderText("yín háng, yin2 hang2 or yínháng")
        self.meanings = QPlainTextEdit("\n".join(word.meanings), self)
        self.meanings.setPlaceholderText("One meaning a line")
        self.sentence = QPlainTextEdit(word.sentence, self)
        self.translation = QPlainTextEdit(word.translation, self)
        self.tags = QLineEdit(", ".join(word.tags), self)
        self.tags.setPlaceholderText("comma-separated, e.g. food, slang")
        self.note = QPlainTextEdit(word.note, self)
        for edit in (self.meanings, self.sentence, self.translation, self.note):
            edit.setMaximumHeight(72)
        form.addRow("Word", self.simplified)
        form.addRow("Traditional", self.traditional)
        form.addRow("Pinyin", self.pinyin)
        form.addRow("Meanings", self.meanings)
        form.addRow("Sentence", self.sentence)
        form.addRow("Its translation", self.translation)
        form.addRow("Tags", self.tags)
        form.addRow("Note", self.note)
        self.problem = QLabel("", self)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def changes(self) -> dict[str, object]:
        return {
            "simplified": self.simplified.text(),
            "traditional": self.traditional.text(),
            "pinyin": self.pinyin.text(),
            "meanings": clean_meanings(self.meanings.toPlainText()),
            "sentence": self.sentence.toPlainText(),
            "translation": self.translation.toPlainText(),
            "tags": clean_tags(self.tags.text()),
            "note": self.note.toPlainText(),
        }

    def _check(self) -> None:
        try:
            values = self.changes()
        except WordError as exc:
            self.problem.setText(str(exc))
            return
        if not str(values["simplified"]).strip():
            self.problem.setText("The word cannot be empty.")
            return
        self.accept()


class WordsPanel(QWidget):
    """My words. ``reviewRequested``: the user wants to review now (switch to Review)."""

    reviewRequested = Signal()
    loaded = Signal()  # after every list shown (tests and benchmarks wait on it)
    fileFinished = Signal(bool, str)  # an export or import ended: ok, message

    def __init__(
        self,
        words: WordList,
        runner: TaskRunner,
        parent: QWidget | None = None,
        speaker_factory: Callable[[], Any] | None = default_speaker,
    ) -> None:
        super().__init__(parent)
        self.words = words
        self.runner = runner
        self.tasks = OwnedTasks(runner, self)
        self._speaker_factory = speaker_factory
        self.index = WordIndex([])
        self._generation = 0
        self._undo: RemovedWord | None = None
        self._build()
        self._relay = ChangeRelay(("words",), self)
        self._relay.changed.connect(self.reload)
        self.reload()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search your words: Chinese, English or pinyin")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.tag_box = QComboBox(self)
        self.tag_box.addItem("All tags", ALL_TAGS)
        self.tag_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.order_box = QComboBox(self)
        for key, label in ORDERS:
            self.order_box.addItem(label, key)
        self.order_box.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.search, 1)
        top.addWidget(self.tag_box)
        top.addWidget(self.order_box)
        outer.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.model = WordsModel(self)
        self.table = QTableView(splitter)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(int(self.table.fontMetrics().height() * 1.9))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 130), (1, 120), (3, 90), (4, 70)):
            header.resizeSection(column, width)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.detail = QTextBrowser(splitter)
        self.detail.setOpenLinks(False)
        self.detail.document().setDefaultStyleSheet(DETAIL_CSS)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        outer.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.edit_button = QPushButton("Edit…", self)
        self.edit_button.clicked.connect(self.edit_current)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setToolTip("Remove this word (Delete); Undo brings it back")
        self.remove_button.clicked.connect(self.remove_current)
        self.undo_button = QPushButton("Undo", self)
        self.undo_button.setToolTip("Put back the word just removed (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo_remove)
        self.undo_button.hide()
        self.review_button = QPushButton("Review now", self)
        self.review_button.clicked.connect(self.reviewRequested)
        self.files_button = files = QPushButton("Export / import", self)  # draws its arrow
        menu = QMenu(files)
        self.export_anki_action = QAction("Export Anki deck (.apkg)…", menu)
        self.export_anki_action.triggered.connect(lambda: self._choose_export(".apkg"))
        self.export_csv_action = QAction("Export CSV…", menu)
        self.export_csv_action.triggered.connect(lambda: self._choose_export(".csv"))
        self.import_action = QAction("Import CSV…", menu)
        self.import_action.triggered.connect(self._choose_import)
        menu.addActions([self.export_anki_action, self.export_csv_action, self.import_action])
        files.setMenu(menu)
        for widget in (self.edit_button, self.remove_button, self.undo_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.review_button)
        buttons.addWidget(files)
        outer.addLayout(buttons)
        self.status = QLabel("Loading your words…", self)
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        DeleteKey(self.table, self.remove_current)
        undo = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.undo_remove)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(30_000)
        self._undo_timer.timeout.connect(self._forget_undo)
        self._update_buttons()

    def stop(self) -> None:
        """Stop following changes (the window closes for good)."""
        self._relay.stop()
        self._undo_timer.stop()

    # --- loading and filtering -------------------------------------------------------------

    def reload(self) -> None:
        """Read every word again (off the GUI thread) and show the current filter."""
        self._generation += 1
        generation = self._generation
        words = self.words

        def work() -> WordIndex:
            return WordIndex(words.all())

        self.tasks.quick(work, lambda index: self._loaded(generation, index), self._load_failed)

    def _loaded(self, generation: int, index: WordIndex) -> None:
        if generation != self._generation:
            return
        self.index = index
        current_tag = self.tag_box.currentData()
        self.tag_box.blockSignals(True)
        self.tag_box.clear()
        self.tag_box.addItem("All tags", ALL_TAGS)
        for tag in index.tags():
            self.tag_box.addItem(tag, tag)
        found = self.tag_box.findData(current_tag)
        self.tag_box.setCurrentIndex(max(found, 0))
        self.tag_box.blockSignals(False)
        self.refresh()
        self.loaded.emit()
        self.tasks.long(index.prepare)  # search keys, after the list is shown, not queued
        # on the quick thread (pinyin and the other panels use it)

    def _load_failed(self, exc: Any) -> None:
        self.status.setText(f"Your words could not be read: {printable(exc, 200)}")
        self.loaded.emit()

    def refresh(self) -> None:
        """Apply the search, tag and order to the loaded words (in memory, no database)."""
        current = self.current_word()
        chosen = self.index.select(
            self.search.text(), self.tag_box.currentData() or None, self.order_box.currentData()
        )
        self.model.set_words(chosen)
        row = 0
        if current is not None:
            row = next((k for k, w in enumerate(chosen) if w.id == current.id), 0)
        if chosen:
            self.table.selectRow(row)
        self._show_current()
        total = len(self.index.words)
        if total == 0:
            self.status.setText(
                "No saved words yet. Click a word in a translation and choose Save word."
            )
        elif len(chosen) == total:
            self.status.setText(f"{total:,} word{'s' if total != 1 else ''}.")
        else:
            self.status.setText(f"{len(chosen):,} of {total:,} words.")

    def shown_words(self) -> list[SavedWord]:
        return list(self.model.words)

    def current_word(self) -> SavedWord | None:
        index = self.table.currentIndex()
        return index.data(WORD_ROLE) if index.isValid() else None

    def _show_current(self) -> None:
        word = self.current_word()
        self._update_buttons()
        if word is None:
            self.detail.clear()
            return
        parts = [f'<p style="font-size:x-large">{text_html(word.forms)} &nbsp; '
                 f"{pinyin_html(word.pinyin)}</p>"]  # fmt: skip
        if word.meanings:
            items = "".join(f"<li>{text_html(m)}</li>" for m in word.meanings)
            parts.append(f"<ol>{items}</ol>")
        if word.sentence:
            parts.append(f"<p>{sentence_html(word.sentence, word.simplified, word.traditional)}"
                         "</p>")  # fmt: skip
        if word.sentence_pinyin:
            parts.append(f'<p class="muted">{text_html(word.sentence_pinyin)}</p>')
        if word.translation:
            parts.append(f"<p><i>{text_html(word.translation)}</i></p>")
        if word.note:
            parts.append(f"<p>Note: {text_html(word.note)}</p>")
        if word.tags:
            parts.append(f'<p class="muted">Tags: {text_html(", ".join(word.tags))}</p>')
        self.detail.setHtml("".join(parts))

    def _update_buttons(self) -> None:
        has = self.current_word() is not None
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)
        self.undo_button.setVisible(self._undo is not None)

    # --- editing ---------------------------------------------------------------------------

    def edit_current(self) -> WordDialog | None:
        """Open the edit dialog for the selected word (returned, so tests can fill it)."""
        word = self.current_word()
        if word is None:
            return None
        dialog = WordDialog(word, self)
        dialog.accepted.connect(lambda: self.update_word(word.id, dialog.changes()))
        dialog.open()
        return dialog

    def update_word(self, word_id: int, changes: dict[str, object]) -> None:
        words = self.words
        self.tasks.quick(
            lambda: words.update(word_id, changes),
            lambda word: self.status.setText(f"Saved {word.simplified}."),
            self._action_failed,
        )

    def remove_current(self) -> None:
        word = self.current_word()
        if word is None:
            return
        words = self.words

        def removed(value: RemovedWord) -> None:
            self._undo = value
            self._undo_timer.start()
            self._update_buttons()
            self.status.setText(f"Removed {value.word.simplified}. Undo puts it back.")

        self.tasks.quick(lambda: words.remove(word.id), removed, self._action_failed)

    def undo_remove(self) -> None:
        removed, self._undo = self._undo, None
        self._update_buttons()
        if removed is None:
            return
        words = self.words
        self.tasks.quick(
            lambda: words.restore(removed),
            lambda word: self.status.setText(f"{word.simplified} is back."),
            self._action_failed,
        )

    def _forget_undo(self) -> None:
        self._undo = None
        self._update_buttons()

    def _action_failed(self, exc: Any) -> None:
        self.status.setText(f"That did not work: {printable(exc, 200)}")

    # --- files -----------------------------------------------------------------------------

    def _choose_export(self, suffix: str) -> None:
        kind = "Anki deck (*.apkg)" if suffix == ".apkg" else "CSV (*.csv)"
        name, _filter = QFileDialog.getSaveFileName(
            self, "Export my words", str(Path.home() / f"my-words{suffix}"), kind
        )
        if name:
            path = Path(name)
            self.export_to(path if path.suffix.lower() == suffix else path.with_suffix(suffix))

    def _choose_import(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, "Import words", str(Path.home()), "CSV (*.csv *.tsv *.txt)"
        )
        if name:
            self.import_from(Path(name))

    def export_to(self, path: Path) -> None:
        """Write every word to ``path``: an Anki deck for ``.apkg`` (with audio when the
        speaker factory finds a Chinese voice), else CSV; ``fileFinished`` tells how it went.
        File work runs on the runner's pool (``run_network``), so it neither waits behind a
        translation nor holds up pinyin."""
        words = self.words
        factory = self._speaker_factory

        def work(progress: Callable[[object], None]) -> str:
            if path.suffix.lower() == ".apkg":
                from companion.learning.anki import export_apkg

                speaker = factory() if factory is not None else None
                report = export_apkg(
                    words.all(), path, speaker=speaker,
                    progress=lambda done, total: progress((done, total)) if done % 25 == 0
                    else None,
                )  # fmt: skip
                audio = f", {report.audio:,} with audio" if speaker is not None else ""
                cards = f"{report.cards:,} cards{audio}"
                return f"Exported {report.notes:,} words ({cards}) to {path.name}."
            from companion.learning.csv_io import export_csv

            return f"Exported {export_csv(words, path):,} words to {path.name}."

        def progressed(value: Any) -> None:
            done, total = value
            self.status.setText(f"Exporting to {path.name}… {done:,} of {total:,} words")

        self.status.setText(f"Exporting to {path.name}…")
        self.tasks.long(
            work,
            lambda m: self._file_done(True, m),
            lambda e: self._file_done(False, f"Export failed: {printable(e, 200)}"),
            progressed,
        )

    def import_from(self, path: Path) -> None:
        """Add the words of a CSV file (off the GUI thread); ``fileFinished`` reports it."""
        words = self.words

        def work() -> str:
            from companion.learning.csv_io import import_csv

            report = import_csv(words, path)
            message = f"{printable(path.name, 60)}: {report.summary()}."
            if report.skipped:
                lines = "; ".join(f"line {n}: {why}" for n, why in report.skipped[:3])
                message += f" Skipped {lines}" + ("…" if len(report.skipped) > 3 else ".")
            return message

        self.status.setText(f"Importing {path.name}…")
        self.tasks.long(
            work,
            lambda m: self._file_done(True, m),
            lambda e: self._file_done(False, f"Nothing imported: {printable(e, 300)}"),
        )

    def _file_done(self, ok: bool, message: str) -> None:
        self.status.setText(message)
        self.fileFinished.emit(ok, message)
