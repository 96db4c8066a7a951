"""Settings: reading aids (pinyin style, tone colours, sandhi, font size), global shortcuts,
engines and the translation history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QKeySequenceEdit,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from companion.settings import Settings
from companion.ui.desktop.hotkeys import WAYLAND_COMMANDS, chord_problem, from_portable, to_portable
from companion.ui.settings.engines import EngineSettingsPage
from companion.ui.tasks import TaskRunner
from companion.untrusted import printable

if TYPE_CHECKING:
    from companion.learning.history import History

HISTORY_LIMITS = (100, 1_000_000)  # the smallest and largest cap offered

PINYIN_STYLES = [
    ("marks", "Tone marks (hǎo)"),
    ("numbers", "Tone numbers (hao3)"),
    ("zhuyin", "Zhuyin (ㄏㄠˇ)"),
]
TONE_PALETTES = [
    ("pleco", "Pleco colours (1 red, 2 orange, 3 green, 4 blue)"),
    ("colorblind", "Colour-blind safe"),
    ("none", "No colours"),
]


class ReadingPage(QWidget):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        form = QFormLayout(self)
        self.style_box = QComboBox(self)
        for key, label in PINYIN_STYLES:
            self.style_box.addItem(label, key)
        self.style_box.setCurrentIndex(
            max(0, self.style_box.findData(settings.get_str("pinyin_style")))
        )
        self.palette_box = QComboBox(self)
        for key, label in TONE_PALETTES:
            self.palette_box.addItem(label, key)
        self.palette_box.setCurrentIndex(
            max(0, self.palette_box.findData(settings.get_str("tone_colors")))
        )
        self.sandhi_box = QCheckBox("Show tone changes of 不 and 一 (tone sandhi)", self)
        self.sandhi_box.setChecked(settings.get_bool("tone_sandhi"))
        self.font_box = QSpinBox(self)
        self.font_box.setRange(9, 32)
        self.font_box.setValue(settings.get_int("font_size"))
        form.addRow("Pinyin", self.style_box)
        form.addRow("Tone colours", self.palette_box)
        form.addRow("", self.sandhi_box)
        form.addRow("Font size", self.font_box)

    def apply(self) -> None:
        _set_if_changed(self.settings, "pinyin_style", self.style_box.currentData())
        _set_if_changed(self.settings, "tone_colors", self.palette_box.currentData())
        _set_if_changed(self.settings, "tone_sandhi", self.sandhi_box.isChecked())
        _set_if_changed(self.settings, "font_size", self.font_box.value())


def _set_if_changed(settings: Settings, key: str, value: object) -> None:
    """Save only what changed, so only real changes are announced (and acted on)."""
    if settings.get(key) != value:
        settings.set(key, value)


HOTKEYS = (
    ("hotkey_show", "Show or hide Companion"),
    ("hotkey_translate_clipboard", "Translate the clipboard"),
    ("hotkey_lens", "Lens: translate a window in place"),
)


class ShortcutsPage(QWidget):
    """The global shortcuts: one key-sequence editor per action, checked as you press keys.

    ``status`` is what the running hotkey listener says (active chords, or why not).
    """

    def __init__(self, settings: Settings, status: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        form = QFormLayout(self)
        intro = QLabel(
            "These shortcuts work from any app, even while Companion is hidden. Use Ctrl, "
            "Alt or Meta with a key. Clear a field to turn its shortcut off.",
            self,
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.editors: dict[str, QKeySequenceEdit] = {}
        for key, label in HOTKEYS:
            editor = QKeySequenceEdit(self)
            editor.setObjectName(key)
            editor.setMaximumSequenceLength(1)
            editor.setClearButtonEnabled(True)
            editor.setKeySequence(QKeySequence(to_portable(settings.get_str(key))))
            editor.keySequenceChanged.connect(lambda _seq: self._check())
            form.addRow(label, editor)
            self.editors[key] = editor
        self.problem_label = QLabel("", self)
        self.problem_label.setObjectName("shortcutProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b00020;")
        form.addRow(self.problem_label)
        self.status_label = QLabel(f"Now: {status}" if status else "", self)
        self.status_label.setWordWrap(True)
        form.addRow(self.status_label)
        wayland = QLabel(
            "On Wayland, apps cannot listen for global shortcuts: bind a desktop shortcut to "
            f"<code>{WAYLAND_COMMANDS['show']}</code> or "
            f"<code>{WAYLAND_COMMANDS['translate_clipboard']}</code> instead.",
            self,
        )
        wayland.setWordWrap(True)
        form.addRow(wayland)
        self._check()

    def chords(self) -> dict[str, str]:
        """Each setting's chord in pynput's form; raises ValueError for a key it cannot use."""
        out = {}
        for key, editor in self.editors.items():
            text = editor.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
            out[key] = from_portable(text)
        return out

    def problem(self) -> str | None:
        """Why the shortcuts as typed cannot be saved, in plain words; None when they can."""
        try:
            chords = self.chords()
        except ValueError as exc:
            return f"{exc}. Use Ctrl, Alt or Meta with a letter, digit or F-key."
        for chord in chords.values():
            problem = chord_problem(chord)
            if problem:
                return problem
        bound = [c for c in chords.values() if c]
        if len(bound) != len(set(bound)):
            return "Each action needs a shortcut of its own."
        return None

    def _check(self) -> None:
        problem = self.problem()
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(bool(problem))

    def apply(self) -> None:
        for key, chord in self.chords().items():
            _set_if_changed(self.settings, key, chord)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' if count != 1 else ''}"


class HistoryPage(QWidget):
    """Keep a history or not, leave out the clipboard watch, the cap, and "Clear history".

    The switches and the cap apply with OK (a lower cap drops the oldest entries then);
    clearing asks first and happens at once. Database work runs on ``runner``.
    """

    cleared = Signal(int)  # entries deleted

    def __init__(self, settings: Settings, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.runner = runner
        self._history: History | None = None
        self.confirm_box: QMessageBox | None = None
        form = QFormLayout(self)
        intro = QLabel(
            "Companion keeps the translations you make on this computer, so you can search "
            "them and open them again (View → History). Nothing is sent anywhere.",
            self,
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.keep_box = QCheckBox("Keep a history of my translations", self)
        self.keep_box.setChecked(settings.get_bool("history_enabled"))
        self.clipboard_box = QCheckBox("Include translations from the clipboard watch", self)
        self.clipboard_box.setToolTip(
            "Off: text translated because you copied it in another app is not kept"
        )
        self.clipboard_box.setChecked(settings.get_bool("history_clipboard"))
        self.keep_box.toggled.connect(self.clipboard_box.setEnabled)
        self.clipboard_box.setEnabled(self.keep_box.isChecked())
        self.limit_box = QSpinBox(self)
        self.limit_box.setRange(*HISTORY_LIMITS)
        self.limit_box.setSingleStep(1000)
        self.limit_box.setGroupSeparatorShown(True)
        self.limit_box.setSuffix(" translations")
        self.limit_box.setToolTip("The oldest are dropped beyond this")
        low, high = HISTORY_LIMITS
        self.limit_box.setValue(min(max(settings.get_int("history_limit"), low), high))
        form.addRow("", self.keep_box)
        form.addRow("", self.clipboard_box)
        form.addRow("Keep at most", self.limit_box)
        self.clear_button = QPushButton("Clear history…", self)
        self.clear_button.clicked.connect(self.ask_to_clear)
        form.addRow("", self.clear_button)
        self.status_label = QLabel("", self)
        self.status_label.setObjectName("historyStatus")
        self.status_label.setWordWrap(True)
        form.addRow(self.status_label)
        self._count()

    def history(self) -> History:
        if self._history is None:
            from companion.learning.history import History

            self._history = History(settings=self.settings)
        return self._history

    def _count(self) -> None:
        history = self.history

        def shown(count: int) -> None:
            self.status_label.setText(f"{_plural(count, 'translation')} kept now.")

        self.runner.run_quick(lambda: history().count(), shown, self._failed)

    def _failed(self, exc: Any) -> None:
        self.status_label.setText(f"Your history could not be read: {printable(exc, 200)}")

    def ask_to_clear(self) -> QMessageBox:
        """Ask before deleting every entry (returned, so tests can answer it)."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Clear history",
            "Delete every translation kept in your history? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirmClearHistory")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Clear history")
        box.finished.connect(lambda _r: self._answered(box))
        box.open()
        self.confirm_box = box
        return box

    def _answered(self, box: QMessageBox) -> None:
        if box.clickedButton() is not box.button(QMessageBox.StandardButton.Yes):
            return
        history = self.history
        self.clear_button.setEnabled(False)
        self.status_label.setText("Clearing your history…")

        def done(count: int) -> None:
            self.clear_button.setEnabled(True)
            self.status_label.setText(f"History cleared: {_plural(count, 'translation')} deleted.")
            self.cleared.emit(count)

        def failed(exc: Any) -> None:
            self.clear_button.setEnabled(True)
            self._failed(exc)

        self.runner.run_quick(lambda: history().clear(), done, failed)

    def apply(self) -> None:
        _set_if_changed(self.settings, "history_enabled", self.keep_box.isChecked())
        _set_if_changed(self.settings, "history_clipboard", self.clipboard_box.isChecked())
        limit = self.limit_box.value()
        if self.settings.get_int("history_limit") != limit:
            self.settings.set("history_limit", limit)
            history = self.history
            self.runner.run_quick(lambda: history().trim(limit))  # a lower cap applies now


class SettingsDialog(QDialog):
    """Applies on OK; ``applied`` tells the window a key may have changed (settings announce
    themselves through companion.changes)."""

    applied = Signal()

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        hotkey_status: str = "",
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        self.runner = runner or TaskRunner(self)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.reading = ReadingPage(settings, self)
        self.tabs.addTab(self.reading, "Reading")
        self.shortcuts = ShortcutsPage(settings, hotkey_status, self)
        self.tabs.addTab(self.shortcuts, "Shortcuts")
        self.engines = EngineSettingsPage(settings, self)
        self.tabs.addTab(self.engines, "Engines")
        self.history = HistoryPage(settings, self.runner, self)
        self.tabs.addTab(self.history, "History")
        layout.addWidget(self.tabs)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if self.shortcuts.problem() is not None:
            self.tabs.setCurrentWidget(self.shortcuts)  # the page says what is wrong
            return
        self.reading.apply()
        self.shortcuts.apply()
        self.engines.apply()
        self.history.apply()
        self.applied.emit()
        super().accept()
