"""Settings: reading aids (pinyin style, tone colours, sandhi, font size), global shortcuts
and engines."""

from __future__ import annotations

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
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from companion.settings import Settings
from companion.ui.desktop.hotkeys import WAYLAND_COMMANDS, chord_problem, from_portable, to_portable
from companion.ui.settings.engines import EngineSettingsPage

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
            return "The two actions need different shortcuts."
        return None

    def _check(self) -> None:
        problem = self.problem()
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(bool(problem))

    def apply(self) -> None:
        for key, chord in self.chords().items():
            _set_if_changed(self.settings, key, chord)


class SettingsDialog(QDialog):
    """Applies on OK; ``applied`` tells the window a key may have changed (settings announce
    themselves through companion.changes)."""

    applied = Signal()

    def __init__(
        self, settings: Settings, parent: QWidget | None = None, hotkey_status: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.reading = ReadingPage(settings, self)
        self.tabs.addTab(self.reading, "Reading")
        self.shortcuts = ShortcutsPage(settings, hotkey_status, self)
        self.tabs.addTab(self.shortcuts, "Shortcuts")
        self.engines = EngineSettingsPage(settings, self)
        self.tabs.addTab(self.engines, "Engines")
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
        self.applied.emit()
        super().accept()
