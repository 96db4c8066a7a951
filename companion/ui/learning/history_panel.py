"""The History panel: past translations, searched as you type, re-opened with one click.

Rows come from a list model (one object per entry, no widget per row) drawn by a delegate
as three lines: when / direction / where it came from, the text, its translation. Searching
and loading run on the TaskRunner; a result that arrives after a newer keystroke is dropped.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from companion.learning.history import History, HistoryEntry
from companion.ui.learning.relay import ChangeRelay, DeleteKey, OwnedTasks
from companion.ui.tasks import TaskRunner
from companion.untrusted import printable

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE = 200  # entries shown for a search or the newest list
_ORIGINS = {"typed": "typed", "pasted": "pasted", "clipboard": "clipboard watch",
            "hotkey": "hotkey", "ocr": "screenshot", "phrasebook": "phrasebook",
            "history": "history", "cli": "command line"}  # fmt: skip
AnyIndex = QModelIndex | QPersistentModelIndex
_PAD = 7  # pixels above and below an entry
_GAP = 3  # pixels between its lines


def when_text(created: float, now: float | None = None) -> str:
    """ "14:05" today, "Mon 14:05" this week, "2025-01-15" before."""
    moment = datetime.fromtimestamp(created)
    today = datetime.fromtimestamp(time.time() if now is None else now)
    if moment.date() == today.date():
        return moment.strftime("%H:%M")
    if 0 < (today.date() - moment.date()).days < 7:
        return moment.strftime("%a %H:%M")
    return moment.strftime("%Y-%m-%d")


class HistoryModel(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[HistoryEntry] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry = self.entries[index.row()]
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{printable(entry.source, 200)}\n{printable(entry.result, 200)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return printable(entry.source, 600, keep_newlines=True)
        return None


class HistoryDelegate(QStyledItemDelegate):
    """Three elided lines per entry; their height follows the view's font.

    Eliding lays out the whole string, which for a long Chinese text costs more than the
    drawing: texts are cut to what a line can hold first, and the elided lines are kept per
    entry and width, so scrolling and selection repaint cheaply.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._elided: dict[tuple[int, float, int], tuple[str, str, str]] = {}

    def _texts(
        self, entry: HistoryEntry, width: int, fonts: tuple[QFont, QFont]
    ) -> tuple[str, str, str]:
        key = (entry.id, entry.created, width)
        cached = self._elided.get(key)
        if cached is not None:
            return cached
        small, base = QFontMetrics(fonts[0]), QFontMetrics(fonts[1])
        fits = max(16, width // max(1, base.horizontalAdvance("i")))
        meta = " · ".join(
            part
            for part in (
                when_text(entry.created),
                f"{entry.source_lang}→{entry.target_lang}",
                _ORIGINS.get(entry.origin, entry.origin),
                entry.engine,
            )
            if part
        )
        texts = (
            small.elidedText(meta, Qt.TextElideMode.ElideRight, width),
            base.elidedText(
                printable(entry.source[: fits * 2], fits), Qt.TextElideMode.ElideRight, width
            ),
            base.elidedText(
                printable(entry.result[: fits * 2], fits), Qt.TextElideMode.ElideRight, width
            ),
        )
        if len(self._elided) > 2000:
            self._elided.clear()
        self._elided[key] = texts
        return texts

    def _lines(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, int]:
        base = QFont(option.font)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.85))
        return base, small, QFontMetrics(base).height()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        _base, small, line = self._lines(option)
        return QSize(200, QFontMetrics(small).height() + 2 * line + 2 * _GAP + 2 * _PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        entry: HistoryEntry | None = index.data(ENTRY_ROLE)
        if entry is None:
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        base, small, line = self._lines(option)
        rect: QRect = opt.rect.adjusted(10, _PAD, -10, -_PAD)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        small_height = QFontMetrics(small).height()
        roles = (QPalette.ColorRole.PlaceholderText if not selected else text_role,
                 text_role, text_role)  # fmt: skip
        y = rect.top()
        for font, text, role in zip((small, base, base), self._texts(entry, rect.width(),
                                    (small, base)), roles, strict=True):  # fmt: skip
            painter.setFont(font)
            painter.setPen(palette.color(role))
            height = small_height if font is small else line
            painter.drawText(
                QRect(rect.left(), y, rect.width(), height),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
            y += height + _GAP
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(opt.rect.left(), opt.rect.bottom(), opt.rect.right(), opt.rect.bottom())
        painter.restore()


class HistoryPanel(QWidget):
    """Past translations. ``openRequested(HistoryEntry)``: show this one in the pane."""

    openRequested = Signal(object)
    loaded = Signal()  # after every list shown (tests and benchmarks wait on it)

    def __init__(self, history: History, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.runner = runner
        self.tasks = OwnedTasks(runner, self)
        self._generation = 0
        self._loading = False
        self._open_on_load = False  # Enter pressed before the search answered
        self._shown_query: str | None = None
        self._build()
        self._relay = ChangeRelay(("history", "settings"), self)
        self._relay.changed.connect(self.reload)
        self.reload()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search history: Chinese, English or pinyin (yinhang)")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.search.returnPressed.connect(self._open_first)
        outer.addWidget(self.search)

        self.model = HistoryModel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(HistoryDelegate(self.view))
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.view.activated.connect(self._activated)
        self.view.doubleClicked.connect(self._activated)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        outer.addWidget(self.view, 1)
        self.empty = QLabel("", self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        outer.addWidget(self.empty)

        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open in translator", self)
        self.open_button.clicked.connect(self.open_current)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setToolTip("Remove this entry (Delete)")
        self.remove_button.clicked.connect(self.remove_current)
        self.clear_button = QPushButton("Clear history…", self)
        self.clear_button.clicked.connect(lambda: self.clear_history(ask=True))
        for button in (self.open_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        outer.addLayout(buttons)

        switches = QHBoxLayout()
        self.keep_box = QCheckBox("Keep a history", self)
        self.keep_box.setToolTip("Off: nothing you translate is kept from now on")
        self.clipboard_box = QCheckBox("Include the clipboard watch", self)
        self.clipboard_box.setToolTip("Off: text translated because you copied it is not kept")
        switches.addWidget(self.keep_box)
        switches.addWidget(self.clipboard_box)
        switches.addStretch(1)
        outer.addLayout(switches)
        self.status = QLabel("Loading history…", self)
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        self.keep_box.toggled.connect(lambda on: self._set_switch("history_enabled", on))
        self.clipboard_box.toggled.connect(lambda on: self._set_switch("history_clipboard", on))
        DeleteKey(self.view, self.remove_current)
        self._update_buttons()

    def stop(self) -> None:
        """Stop following changes (the window closes for good)."""
        self._relay.stop()
        self._debounce.stop()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Show the newest entries, or the search's results, fetched off the GUI thread."""
        self._generation += 1
        self._loading = True
        generation = self._generation
        query = self.search.text().strip()
        history = self.history

        def work() -> tuple[list[HistoryEntry], int, bool, bool]:
            if query:
                entries, total = history.search(query, PAGE), -1  # the count is not shown
            else:
                entries, total = history.recent(PAGE), history.count()
            return (entries, total, history.enabled,
                    history.settings.get_bool("history_clipboard"))  # fmt: skip

        self.tasks.quick(
            work,
            lambda value: self._loaded(generation, query, value),
            lambda exc: self._failed(generation, exc),
        )

    def _loaded(self, generation: int, query: str, value: Any) -> None:
        if generation != self._generation:
            return  # a newer search is on its way
        self._loading = False
        entries, total, enabled, clipboard = value
        current = self.current_entry()
        self.model.set_entries(entries)
        if current is not None:
            for row, entry in enumerate(entries):
                if entry.id == current.id:
                    self.view.setCurrentIndex(self.model.index(row))
                    break
        for box, on in ((self.keep_box, enabled), (self.clipboard_box, clipboard)):
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self.clipboard_box.setEnabled(enabled)
        self._shown_query = query
        self._show_status(query, len(entries), total, enabled)
        self._update_buttons()
        self.loaded.emit()
        if self._open_on_load:
            self._open_on_load = False
            self._open_first()

    def _show_status(self, query: str, shown: int, total: int, enabled: bool) -> None:
        off = "" if enabled else "History is off: nothing new is kept. "
        if query:
            more = f" (the newest {shown})" if shown >= PAGE else ""
            self.status.setText(f"{off}{shown:,} match{'es' if shown != 1 else ''}{more}.")
        else:
            self.status.setText(f"{off}{total:,} translation{'s' if total != 1 else ''} kept.")
        empty = shown == 0
        self.view.setVisible(not empty)
        self.empty.setVisible(empty)
        if empty:
            self.empty.setText(
                "Nothing matches. Search by Chinese (银行), English (bank) or pinyin (yinhang)."
                if query
                else "Translations you make appear here, newest first."
            )

    def _failed(self, generation: int, exc: Any) -> None:
        if generation == self._generation:
            self._loading = self._open_on_load = False
            self.status.setText(f"History could not be read: {printable(exc, 200)}")
            self.loaded.emit()

    # --- actions ---------------------------------------------------------------------------

    def current_entry(self) -> HistoryEntry | None:
        index = self.view.currentIndex()
        return index.data(ENTRY_ROLE) if index.isValid() else None

    def shown_entries(self) -> list[HistoryEntry]:
        return list(self.model.entries)

    def _update_buttons(self) -> None:
        has = self.current_entry() is not None
        self.open_button.setEnabled(has)
        self.remove_button.setEnabled(has)
        self.clear_button.setEnabled(bool(self.model.entries) or bool(self.search.text()))

    def _activated(self, index: QModelIndex) -> None:
        entry = index.data(ENTRY_ROLE)
        if entry is not None:
            self.openRequested.emit(entry)

    def _open_first(self) -> None:
        """Enter in the search box: the selected match, else the first, once the search
        for what was typed has answered."""
        if self._debounce.isActive():
            self._debounce.stop()
            self.reload()
        if self._loading:
            self._open_on_load = True
            return
        if self.current_entry() is None and self.model.entries:
            self.view.setCurrentIndex(self.model.index(0))
        self.open_current()

    def open_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.openRequested.emit(entry)

    def remove_current(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        history = self.history
        self.tasks.quick(lambda: history.remove(entry.id), None, self._action_failed)

    def clear_history(self, ask: bool = True) -> None:
        """ "Clear history": every entry deleted (after a confirmation when ``ask``)."""
        if ask:
            answer = QMessageBox.question(
                self,
                "Clear history",
                "Delete every translation kept in your history? This cannot be undone.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.tasks.quick(self.history.clear, None, self._action_failed)

    def _set_switch(self, key: str, on: bool) -> None:
        settings = self.history.settings
        self.clipboard_box.setEnabled(self.keep_box.isChecked())
        self.tasks.quick(lambda: settings.set(key, on), None, self._action_failed)

    def _action_failed(self, exc: Any) -> None:
        self.status.setText(f"That did not work: {printable(exc, 200)}")
