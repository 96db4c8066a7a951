"""The phrasebook panel: categories, instant search, details, copy, favourites, own entries.

Only widgets here: search, data and storage live in :mod:`companion.phrasebook`. The book
and the user's entries load on a worker thread; searching is a sub-millisecond lookup, so it
runs on every keystroke on the GUI thread. A Chinese query is also read as a text (the
glossary pass, a millisecond for a query): the numbers in it and the sense each term takes
there show above the results, and an entry's details mark the sense that fits.
"""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.glossary_api import TermHit
from companion.phrasebook.book import CATEGORIES, USER_CATEGORY, Book, Entry
from companion.phrasebook.glossary import PhrasebookGlossary
from companion.phrasebook.user_entries import UserEntriesError, UserPhrases
from companion.text import has_han
from companion.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from companion.wordlist import WordToSave

ALL = "__all__"
MAX_READ = 300  # characters of a pasted query read for numbers and senses
FAVOURITES = "__favourites__"
KEY_ROLE = Qt.ItemDataRole.UserRole


class UserEntryDialog(QDialog):
    """Add or edit one of the user's own entries."""

    def __init__(self, parent: QWidget | None = None, entry: Entry | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit my phrase" if entry else "Add my phrase")
        form = QFormLayout(self)
        self.simplified = QLineEdit(entry.simplified if entry else "")
        self.traditional = QLineEdit(entry.traditional if entry else "")
        self.pinyin = QLineEdit(entry.pinyin if entry else "")
        self.english = QLineEdit(" | ".join(entry.english) if entry else "")
        self.note = QLineEdit(entry.note if entry else "")
        self.english.setPlaceholderText("meanings, separated by |")
        form.addRow("Chinese", self.simplified)
        form.addRow("Traditional (optional)", self.traditional)
        form.addRow("Pinyin (optional)", self.pinyin)
        form.addRow("English", self.english)
        form.addRow("Note (optional)", self.note)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, str]:
        return {
            "simplified": self.simplified.text(),
            "traditional": self.traditional.text(),
            "pinyin": self.pinyin.text(),
            "english": self.english.text(),
            "note": self.note.text(),
        }

    def _check(self) -> None:
        if not self.simplified.text().strip() or not self.english.text().strip(" |"):
            self.error.setText("Both the Chinese and the English are needed.")
            self.error.show()
            return
        self.accept()


class PhrasebookPanel(QWidget):
    """Browse and search the phrasebook; ``insertRequested`` sends a phrase to the translator."""

    insertRequested = Signal(str)
    saveRequested = Signal(object)  # a companion.wordlist.WordToSave: "Save word"
    csvFinished = Signal(bool, str)  # ok, message shown in the status line

    def __init__(
        self,
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
        store: UserPhrases | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner or TaskRunner(self)
        self._store = store
        self.book: Book | None = None
        self.glossary: PhrasebookGlossary | None = None
        self.reading_hits: list[TermHit] = []  # what the query reads as (numbers, senses)
        self.favourites: set[str] = set()
        self._pending_query = ""
        self._build()
        self.runner.run_quick(self._load, self._loaded, self._load_failed)

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(
            "Search Chinese, English or pinyin (种草, like, zhongcao, zc)"
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refresh)
        outer.addWidget(self.search)
        self.reading = QLabel(self)
        self.reading.setWordWrap(True)
        self.reading.setTextFormat(Qt.TextFormat.RichText)
        self.reading.setStyleSheet(
            "QLabel { background: #fff7dc; border: 1px solid #ead9a0; border-radius: 4px;"
            " padding: 4px 6px; }"
        )
        self.reading.hide()
        outer.addWidget(self.reading)

        # Companion is a narrow side window: categories wrap as a row of chips above the
        # results, and the details sit under the results rather than beside them.
        self.categories = QListWidget(self)
        self.categories.setFlow(QListView.Flow.LeftToRight)
        self.categories.setWrapping(True)
        self.categories.setResizeMode(QListView.ResizeMode.Adjust)
        self.categories.setSpacing(2)
        self.categories.setMaximumHeight(64)
        self.categories.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.categories)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        for key, label in [(ALL, "All"), *CATEGORIES.items(), (FAVOURITES, "★ Favourites"),
                           (USER_CATEGORY, "My phrases")]:  # fmt: skip
            item = QListWidgetItem(label)
            item.setData(KEY_ROLE, key)
            self.categories.addItem(item)
        self.categories.setCurrentRow(0)
        self.categories.currentRowChanged.connect(lambda _row: self._refresh())
        self.results = QListWidget(splitter)
        self.results.currentItemChanged.connect(lambda *_: self._show_current())
        self.results.itemDoubleClicked.connect(lambda _item: self.insert_current())
        right = QWidget(splitter)
        detail_box = QVBoxLayout(right)
        detail_box.setContentsMargins(0, 0, 0, 0)
        self.detail = QTextBrowser(right)
        self.detail.setOpenLinks(False)
        detail_box.addWidget(self.detail)
        row = QHBoxLayout()
        self.copy_button = QPushButton("Copy Chinese", right)
        self.copy_button.clicked.connect(self.copy_current)
        self.insert_button = QPushButton("Use in translator", right)
        self.insert_button.clicked.connect(self.insert_current)
        self.favourite_button = QPushButton("☆ Favourite", right)
        self.favourite_button.setCheckable(True)
        self.favourite_button.clicked.connect(self.toggle_favourite)
        self.save_button = QPushButton("Save word", right)
        self.save_button.setToolTip(
            "Keep it in My words with its example and meanings, to review (Ctrl+S)"
        )
        self.save_button.clicked.connect(self.save_current)
        for button in (self.copy_button, self.insert_button, self.favourite_button,
                       self.save_button):  # fmt: skip
            row.addWidget(button)
        detail_box.addLayout(row)
        mine = QHBoxLayout()
        self.add_button = QPushButton("Add my phrase…", right)
        self.add_button.clicked.connect(lambda: self.edit_entry(None))
        self.edit_button = QPushButton("Edit…", right)
        self.edit_button.clicked.connect(lambda: self.edit_entry(self.current_entry()))
        self.delete_button = QPushButton("Delete", right)
        self.delete_button.clicked.connect(self.delete_current)
        self.import_button = QAction("Import CSV…", right)
        self.import_button.triggered.connect(self._choose_import)
        self.export_button = QAction("Export CSV…", right)
        self.export_button.triggered.connect(self._choose_export)
        csv_button = QToolButton(right)
        csv_button.setText("CSV")
        csv_button.setToolTip("Import or export your own phrases as CSV")
        csv_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        csv_menu = QMenu(csv_button)
        csv_menu.addActions([self.import_button, self.export_button])
        csv_button.setMenu(csv_menu)
        own_buttons: tuple[QWidget, ...] = (
            self.add_button,
            self.edit_button,
            self.delete_button,
            csv_button,
        )
        for widget in own_buttons:
            mine.addWidget(widget)
        detail_box.addLayout(mine)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        outer.addWidget(splitter, 1)
        self.status = QLabel("Loading the phrasebook…", self)
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        self._update_buttons()

    # --- loading ---------------------------------------------------------------------------

    def store(self) -> UserPhrases:
        if self._store is None:
            self._store = UserPhrases()
        return self._store

    def _load(self) -> tuple[Book, list[Entry], list[str], str]:
        from companion.phrasebook import get_book

        book = get_book()
        book.index  # noqa: B018 - unpack the search index here, not at the first keystroke
        problem = ""
        try:
            mine = self.store().entries()
            favourites = self.store().favourites()
        except (sqlite3.Error, OSError) as exc:
            mine, favourites, problem = [], [], f"Your own phrases could not be read: {exc}"
        return book, mine, favourites, problem

    def _loaded(self, value: Any) -> None:
        book, mine, favourites, problem = value
        book.set_user_entries(mine)
        self.book = book
        self.glossary = PhrasebookGlossary(book)
        self.favourites = set(favourites)
        self.status.setText(problem or f"{len(book.entries):,} entries.")
        self._refresh()

    def _load_failed(self, exc: Any) -> None:
        self.status.setText(f"The phrasebook could not be loaded: {exc}")

    @property
    def loaded(self) -> bool:
        return self.book is not None

    # --- searching -------------------------------------------------------------------------

    def set_query(self, text: str) -> None:
        """Show the search for ``text`` (e.g. a term clicked in the translation pane)."""
        self.categories.setCurrentRow(0)
        self.search.setText(text)
        self.search.setFocus()

    def current_category(self) -> str:
        item = self.categories.currentItem()
        return str(item.data(KEY_ROLE)) if item is not None else ALL

    def _entries_to_show(self) -> list[Entry]:
        assert self.book is not None
        query = self.search.text().strip()
        category = self.current_category()
        if category == FAVOURITES:
            pool = [e for k in self.favourites if (e := self.book.entry(k)) is not None]
            if query:
                ranked = self.book.search(query, limit=len(self.book.entries))
                keys = {e.key for e in pool}
                pool = [e for e in ranked if e.key in keys]
            return pool
        if query:
            return self.book.search(
                query, limit=100, category=None if category == ALL else category
            )
        if category == ALL:
            return list(self.book.entries[:300])
        return self.book.by_category(category)

    def _read_query(self) -> None:
        """Numbers and the senses terms take in a Chinese query, shown above the results."""
        query = self.search.text().strip()
        hits: list[TermHit] = []
        if self.glossary is not None and has_han(query):
            hits = self.glossary.find_terms(query[:MAX_READ])
        covered = sum(h.end - h.start for h in hits)
        in_context = len(hits) > 1 or (bool(hits) and covered < len(query))
        self.reading_hits = hits if in_context else []
        numbers = any(h.kind == "number" for h in hits)
        if not numbers and not (in_context and (len(hits) > 1 or hits[0].senses)):
            self.reading.hide()
            return
        rows = []
        for hit in hits:
            style = " style='color:#7a4b00'" if hit.kind == "number" else ""
            rows.append(f"<b{style}>{html.escape(hit.term)}</b> = {html.escape(hit.meaning)}")
        self.reading.setText("<b>In your text:</b> " + " · ".join(rows))
        self.reading.show()

    def _refresh(self) -> None:
        if self.book is None:
            return
        self._read_query()
        entries = self._entries_to_show()
        self.results.blockSignals(True)
        self.results.clear()
        used = {h.entry_key: h for h in self.reading_hits if h.entry_key}
        for entry in entries:
            star = "★ " if entry.key in self.favourites else ""
            pinyin = f"  {entry.pinyin}" if entry.pinyin else ""
            meaning = entry.meaning
            hit = used.get(entry.key)
            if hit is not None and hit.sense and hit.sense < len(entry.senses):
                meaning = f"{entry.senses[hit.sense].meaning} (in your text)"
            item = QListWidgetItem(f"{star}{entry.simplified}{pinyin} — {meaning}")
            item.setData(KEY_ROLE, entry.key)
            item.setToolTip("; ".join(entry.english))
            self.results.addItem(item)
        self.results.blockSignals(False)
        if entries:
            self.results.setCurrentRow(0)
        self._show_current()
        if self.search.text().strip() and not entries:
            self.detail.setHtml(
                "<p>Nothing in the phrasebook matches. You can add it with "
                "<b>Add my phrase…</b></p>"
            )

    def result_keys(self) -> list[str]:
        return [str(self.results.item(k).data(KEY_ROLE)) for k in range(self.results.count())]

    def current_entry(self) -> Entry | None:
        item = self.results.currentItem()
        if item is None or self.book is None:
            return None
        return self.book.entry(str(item.data(KEY_ROLE)))

    def _show_current(self) -> None:
        entry = self.current_entry()
        self._update_buttons()
        if entry is None:
            self.detail.clear()
            return
        here = next((h for h in self.reading_hits if h.entry_key == entry.key), None)
        self.detail.setHtml(entry_html(entry, here))

    def _update_buttons(self) -> None:
        entry = self.current_entry()
        for button in (self.copy_button, self.insert_button, self.favourite_button,
                       self.save_button):  # fmt: skip
            button.setEnabled(entry is not None)
        mine = entry is not None and entry.user_id is not None
        self.edit_button.setEnabled(mine)
        self.delete_button.setEnabled(mine)
        favourite = entry is not None and entry.key in self.favourites
        self.favourite_button.setChecked(favourite)
        self.favourite_button.setText("★ Favourite" if favourite else "☆ Favourite")

    # --- actions ---------------------------------------------------------------------------

    def copy_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            QGuiApplication.clipboard().setText(entry.simplified)
            self.status.setText(f"Copied {entry.simplified}")

    def insert_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.insertRequested.emit(entry.simplified)

    def save_current(self) -> None:
        """ "Save word": the entry with its meanings and its example (and the example's
        English) as the sentence, for My words."""
        entry = self.current_entry()
        if entry is not None:
            self.saveRequested.emit(word_to_save(entry))
            self.status.setText(f"Saving {entry.simplified} to My words…")

    def toggle_favourite(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        on = entry.key not in self.favourites
        try:
            self.store().set_favourite(entry.key, on)
        except (sqlite3.Error, OSError) as exc:
            self.status.setText(f"Could not save the favourite: {exc}")
            self._update_buttons()
            return
        (self.favourites.add if on else self.favourites.discard)(entry.key)
        self._keep_selection(entry.key)

    def _keep_selection(self, key: str) -> None:
        self._refresh()
        keys = self.result_keys()
        if key in keys:
            self.results.setCurrentRow(keys.index(key))

    def _reload_user_entries(self) -> None:
        if self.book is not None:
            self.book.set_user_entries(self.store().entries())

    def edit_entry(self, entry: Entry | None) -> UserEntryDialog:
        """Open the add/edit dialog (non-blocking); returns it so callers can drive it."""
        dialog = UserEntryDialog(self, entry)
        dialog.accepted.connect(lambda: self._save_entry(dialog, entry))
        dialog.open()
        return dialog

    def _save_entry(self, dialog: UserEntryDialog, entry: Entry | None) -> None:
        values = dialog.values()
        try:
            if entry is not None and entry.user_id is not None:
                saved = self.store().update(entry.user_id, **values)
            else:
                saved = self.store().add(**values)
            self._reload_user_entries()
        except (UserEntriesError, sqlite3.Error, OSError) as exc:
            self.status.setText(f"Not saved: {exc}")
            return
        self.status.setText(f"Saved {saved.simplified}")
        self.categories.setCurrentRow(self.categories.count() - 1)
        self.search.clear()
        self._keep_selection(saved.key)

    def delete_current(self) -> None:
        entry = self.current_entry()
        if entry is None or entry.user_id is None:
            return
        try:
            self.store().delete(entry.user_id)
            self._reload_user_entries()
        except (sqlite3.Error, OSError) as exc:
            self.status.setText(f"Not deleted: {exc}")
            return
        self.favourites.discard(entry.key)
        self.status.setText(f"Deleted {entry.simplified}")
        self._refresh()

    def _choose_import(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, "Import my phrases", "", "CSV files (*.csv);;All files (*)"
        )
        if name:
            self.import_csv(Path(name))

    def _choose_export(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, "Export my phrases", "my-phrases.csv", "CSV files (*.csv)"
        )
        if name:
            self.export_csv(Path(name))

    def import_csv(self, path: Path) -> None:
        """Import a CSV of the user's phrases on a worker: all rows or none.

        The outcome goes to ``status`` and ``csvFinished(ok, message)``.
        """
        self.status.setText(f"Importing {path.name}…")
        self.runner.run_quick(
            lambda: self._import_work(path),
            lambda value: self._imported(*value),
            lambda exc: self._csv_done(False, f"Nothing imported: {exc}"),
        )

    def _import_work(self, path: Path) -> tuple[bool, str, list[Entry]]:
        try:
            result = self.store().import_csv(path)
            mine = self.store().entries()
        except (UserEntriesError, sqlite3.Error) as exc:
            return False, f"Nothing imported: {exc}", []
        skipped = f" ({result.skipped} already there)" if result.skipped else ""
        return True, f"Imported {result.added} phrases from {path.name}{skipped}", mine

    def _imported(self, ok: bool, message: str, mine: list[Entry]) -> None:
        if ok and self.book is not None:
            self.book.set_user_entries(mine)  # on the GUI thread, where searches run
        self._csv_done(ok, message)

    def export_csv(self, path: Path) -> None:
        """Write the user's phrases to ``path`` on a worker; outcome as for :meth:`import_csv`."""
        self.status.setText(f"Exporting to {path.name}…")
        self.runner.run_quick(
            lambda: self._export_work(path),
            lambda value: self._csv_done(*value),
            lambda exc: self._csv_done(False, f"Not exported: {exc}"),
        )

    def _export_work(self, path: Path) -> tuple[bool, str]:
        try:
            count = self.store().export_csv(path)
        except (UserEntriesError, sqlite3.Error) as exc:
            return False, f"Not exported: {exc}"
        return True, f"Exported {count} phrases to {path.name}"

    def _csv_done(self, ok: bool, message: str) -> None:
        self.status.setText(message)
        if ok and message.startswith("Imported"):
            self.categories.setCurrentRow(self.categories.count() - 1)
            self.search.clear()
            self._refresh()
        self.csvFinished.emit(ok, message)


def word_to_save(entry: Entry) -> WordToSave:
    """What "Save word" keeps of an entry: its forms, reading, every sense's meanings, and
    the first example with its translation as the sentence it came from."""
    from companion.wordlist import WordToSave

    meanings = tuple(dict.fromkeys(
        m.replace("{}", "…") for sense in entry.senses for m in sense.english if m.strip()
    ))  # fmt: skip
    example = next((s for s in entry.senses if s.example), None)
    return WordToSave(
        simplified=entry.simplified,
        traditional=entry.traditional,
        pinyin=entry.pinyin,
        senses=meanings,
        context=example.example if example is not None else "",
        translation=example.example_en if example is not None else "",
        note=entry.note,
        origin="phrasebook",
    )


def entry_html(entry: Entry, here: TermHit | None = None) -> str:
    """The detail view of one entry; ``here`` is how the searched text uses it, if it does."""
    e = html.escape
    forms = f"<span style='font-size:22pt'>{e(entry.simplified)}</span>"
    if entry.traditional:
        forms += f" <span style='font-size:14pt;color:gray'>{e(entry.traditional)}</span>"
    parts = [f"<p>{forms}</p>"]
    if entry.pinyin:
        parts.append(f"<p style='font-size:13pt'>{e(entry.pinyin)}</p>")
    if entry.extra_senses:
        parts.append(_senses_html(entry, here))
    else:
        meanings = "".join(f"<li>{e(m)}</li>" for m in entry.english)
        parts.append(f"<ol>{meanings}</ol>")
    if entry.full:
        parts.append(f"<p>Stands for: {e(entry.full)}</p>")
    if entry.literal:
        parts.append(f"<p>Literally: <i>{e(entry.literal)}</i></p>")
    if not entry.extra_senses:
        if entry.note:
            parts.append(f"<p>{e(entry.note)}</p>")
        if entry.example:
            parts.append(f"<p>Example: {e(entry.example)}<br><i>{e(entry.example_en)}</i></p>")
    label = CATEGORIES.get(entry.category, "My phrases")
    extra = " · meaning not fully verified" if entry.uncertain else ""
    parts.append(f"<p style='color:gray'>{e(label)}{extra}</p>")
    return "".join(parts)


def _senses_html(entry: Entry, here: TermHit | None) -> str:
    """Each sense with the words that pick it; the one that fits the searched text marked."""
    e = html.escape
    fitting = here.sense if here is not None else -1
    blocks = []
    order = list(range(len(entry.senses)))
    if 0 < fitting < len(order):
        order.remove(fitting)
        order.insert(0, fitting)  # the sense that fits the text first, numbered as in the book
    for index in order:
        sense = entry.senses[index]
        meaning = "; ".join(m.replace("{}", "…") for m in sense.english)
        head = f"<b>{index + 1}. {e(meaning)}</b>"
        if index == fitting:
            cue = f" (because of {e(here.cue)})" if here is not None and here.cue else ""
            head += f" <span style='color:#1b7f3b'>✓ fits your text{cue}</span>"
        lines = [head]
        if sense.cues:
            lines.append(f"<span style='color:gray'>when: {e(sense.cues.describe())}</span>")
        elif index == 0:
            lines.append("<span style='color:gray'>the usual sense</span>")
        if sense.note:
            lines.append(e(sense.note))
        if sense.example:
            lines.append(f"e.g. {e(sense.example)} — <i>{e(sense.example_en)}</i>")
        blocks.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(blocks)
