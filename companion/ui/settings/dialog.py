"""Settings: reading aids (pinyin style, tone colours, sandhi, font size) and engines."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from companion.settings import Settings
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
            max(0, self.style_box.findData(settings.get("pinyin_style")))
        )
        self.palette_box = QComboBox(self)
        for key, label in TONE_PALETTES:
            self.palette_box.addItem(label, key)
        self.palette_box.setCurrentIndex(
            max(0, self.palette_box.findData(settings.get("tone_colors")))
        )
        self.sandhi_box = QCheckBox("Show tone changes of 不 and 一 (tone sandhi)", self)
        self.sandhi_box.setChecked(bool(settings.get("tone_sandhi")))
        self.font_box = QSpinBox(self)
        self.font_box.setRange(9, 32)
        self.font_box.setValue(int(settings.get("font_size")))
        form.addRow("Pinyin", self.style_box)
        form.addRow("Tone colours", self.palette_box)
        form.addRow("", self.sandhi_box)
        form.addRow("Font size", self.font_box)

    def apply(self) -> None:
        self.settings.set("pinyin_style", self.style_box.currentData())
        self.settings.set("tone_colors", self.palette_box.currentData())
        self.settings.set("tone_sandhi", self.sandhi_box.isChecked())
        self.settings.set("font_size", self.font_box.value())


class SettingsDialog(QDialog):
    """Applies on OK; ``applied`` tells the window to refresh views and rebuild the translator."""

    applied = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.reading = ReadingPage(settings, self)
        self.tabs.addTab(self.reading, "Reading")
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
        self.reading.apply()
        self.engines.apply()
        self.applied.emit()
        super().accept()
