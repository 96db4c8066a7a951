"""The Lens in the main window: its menu and tray entries, the global shortcut's target, its
progress in the status bar and its "Save word" into My words.

:class:`LensTools` holds nothing heavy until the Lens is used: the controller (and with it
OCR, the phrasebook matcher and the overlay widgets) is imported and built on first use, and
reads through the window's own translation :class:`~companion.session.Session`, so a
screen's sentences use the models the pane has loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QGuiApplication, QImage

from companion.ui.change_relay import ChangeRelay
from companion.ui.desktop.hotkeys import chord_label
from companion.untrusted import printable

if TYPE_CHECKING:
    from companion.learning.words import WordToSave
    from companion.ui.lens.controller import LensController
    from companion.ui.main_window import MainWindow

REGION_LABEL = "Lens: translate a window in place"
IMAGE_LABEL = "Lens on an image…"
NO_OCR = "The Lens reads text with offline OCR, which is not installed in this build"
STATUS_MS = 6000


class LensTools(QObject):
    """The window's Lens: ``action_region`` (drag a region or click a window, then read it
    in place) and ``action_image`` (the viewer, with the clipboard's image if it holds one)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller: LensController | None = None
        self._closed = False
        self.action_region = QAction(REGION_LABEL, self)
        self.action_region.setToolTip(
            "Drag over another app's window (or click it) and read its Chinese labels in "
            "English, drawn where they are (global shortcut: Settings > Shortcuts)"
        )
        self.action_region.triggered.connect(self.start_region)
        self.action_image = QAction(IMAGE_LABEL, self)
        self.action_image.setToolTip(
            "A screenshot (pasted, dropped or opened) with its Chinese in English, in place"
        )
        self.action_image.triggered.connect(lambda: self.open_image())
        from companion.ocr import engine_available

        if not engine_available():
            for action in (self.action_region, self.action_image):
                action.setEnabled(False)
                action.setToolTip(NO_OCR)
        self._show_chord()
        self._changes = ChangeRelay(self)
        self._changes.changed.connect(self._setting_changed)

    @property
    def actions(self) -> list[QAction]:
        return [self.action_region, self.action_image]

    def _show_chord(self) -> None:
        chord = self.window.settings.get_str("hotkey_lens")
        self.action_region.setText(chord_label(REGION_LABEL, chord))

    def _setting_changed(self, topic: str, detail: str) -> None:
        if topic == "settings" and detail == "hotkey_lens":
            self._show_chord()

    def ensure_controller(self) -> LensController:
        """The Lens itself, built on first use with the window's runner and Session."""
        if self.controller is None:
            from companion.ui.lens.controller import LensController

            window = self.window
            lens = LensController(window.runner, parent=self, session=window.session)
            lens.progress.connect(self._progress)
            lens.failed.connect(self._failed)
            lens.save_entry.connect(self._save)  # save_word is the same word: not twice
            self.controller = lens
        return self.controller

    # Starting --------------------------------------------------------------------------------
    def start_region(self) -> None:
        """Tools > Lens, the tray's entry or the global shortcut: once the menu that asked
        for it has closed, freeze the screen and let the user pick a region or a window."""
        if self._closed or not self.action_region.isEnabled():
            if not self.action_region.isEnabled():
                self.window.show_status(NO_OCR + ".", STATUS_MS)
            return
        from companion.ui.desktop.region_capture import after_menus_close  # on first use

        after_menus_close(self._pick)

    def _pick(self) -> None:
        if not self._closed:
            self.ensure_controller().start_region()

    def open_image(self, source: str | Path | QImage | None = None) -> None:
        """The Lens's image viewer: ``source`` read at once; without one, the clipboard's
        image if it holds one, else the viewer waits for a drop, a paste or Ctrl+O."""
        if self._closed:
            return
        if not self.action_image.isEnabled():
            self.window.show_status(NO_OCR + ".", STATUS_MS)
            return
        if source is None:
            image = QGuiApplication.clipboard().image()
            source = None if image.isNull() else image
        self.ensure_controller().open_image(source)

    # What it reports -------------------------------------------------------------------------
    def _progress(self, message: str, fraction: float) -> None:
        if fraction < 0:  # finished
            self.window.show_busy("")
            self.window.show_status(f"Lens: {printable(message, 200)}", STATUS_MS)
        else:
            self.window.show_busy(f"Lens: {printable(message, 120)}")

    def _failed(self, message: str) -> None:
        self.window.show_busy("")
        self.window.show_status(f"Lens: {printable(message, 300)}", 12_000)

    def _save(self, item: WordToSave) -> None:
        """A card's "Save word": into My words like every other save (status bar, undo)."""
        self.window.learning.save_word(item, "lens")

    def shutdown(self) -> None:
        """Take the Lens off the screen and let go of the window's Session."""
        self._closed = True
        self._changes.close()
        lens = self.controller
        if lens is None:
            return
        lens.close()
        lens.card.close()
        lens.card.deleteLater()  # a top-level window: not deleted with the controller
        from companion.lens.sentences import use_session

        use_session(None)
