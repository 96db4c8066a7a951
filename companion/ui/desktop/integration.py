"""Desktop integration: the one object the app wires in for tray, clipboard watch, hotkeys,
overlay, speech and screenshot OCR.

It only talks to the main window through five methods (``show_and_raise``, ``toggle_visible``,
``set_input_text``, ``result_text``, ``input_text``) and exposes QActions for the window's
menus, so the window knows nothing about how each feature works.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QClipboard, QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from companion.ocr import OcrResult, engine_available
from companion.settings import Settings
from companion.text import has_han
from companion.ui.desktop.clipboard_watch import ClipboardWatcher
from companion.ui.desktop.hotkeys import WAYLAND_COMMANDS, HotkeyManager
from companion.ui.desktop.ocr_worker import OcrWorker
from companion.ui.desktop.overlay import OverlayController
from companion.ui.desktop.region_capture import (
    WAYLAND_MESSAGE,
    RegionPicker,
    grab_screen,
    screen_under_cursor,
)
from companion.ui.desktop.speech import Speaker
from companion.ui.desktop.tray import Tray

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.webp *.gif *.tif *.tiff);;All files (*)"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif", ".tif", ".tiff"}
POSITIONS_KEY = "overlay_positions"


class CompanionWindow(Protocol):
    def show_and_raise(self) -> None: ...
    def toggle_visible(self) -> None: ...
    def set_input_text(self, text: str, origin: str) -> None: ...
    def result_text(self) -> str: ...
    def input_text(self) -> str: ...


class DesktopActions:
    """The QActions the main window puts in its menus and toolbar."""

    def __init__(self, parent: QObject) -> None:
        self.overlay = QAction("&Overlay mode", parent, checkable=True)
        self.overlay.setToolTip("A compact always-on-top window with the latest translation")
        self.clipboard_watch = QAction("Watch &clipboard", parent, checkable=True)
        self.clipboard_watch.setToolTip(
            "Translate Chinese copied in any app (passwords from password managers are ignored)"
        )
        self.ocr_region = QAction("Read text from &screen…", parent)
        self.ocr_region.setToolTip("Select part of the screen and read its Chinese text (offline)")
        self.ocr_image = QAction("Read text from &image…", parent)
        self.ocr_image.setToolTip("Read text from a pasted image, or open an image file")
        self.speak_input = QAction("Read &Chinese aloud", parent)
        self.speak_result = QAction("Read &translation aloud", parent)
        self.show_hide = QAction("Show/hide Companion", parent)
        self.translate_clipboard = QAction("Translate clipboard", parent)
        self.quit = QAction("&Quit", parent)
        self.quit.setShortcut(QKeySequence.StandardKey.Quit)


class DesktopIntegration(QObject):
    """Builds every desktop feature around ``window`` and keeps their settings in sync."""

    def __init__(self, window: Any, settings: Settings) -> None:
        super().__init__(window if isinstance(window, QObject) else None)
        self.window: CompanionWindow = window
        self.settings = settings
        self.status_message = ""
        self.actions = DesktopActions(self)
        self._positions: dict[str, list[float]] = self._load_positions()
        self._picker: RegionPicker | None = None

        self.clipboard = ClipboardWatcher(self)
        self.clipboard.chineseCopied.connect(self._clipboard_text)
        self.hotkeys = HotkeyManager(self)
        self.hotkeys.showRequested.connect(self.window.toggle_visible)
        self.hotkeys.translateClipboardRequested.connect(self.translate_clipboard)
        self.speaker = Speaker(self)
        self.speaker.unavailable.connect(self._say)
        self.ocr = OcrWorker(self)
        self.ocr.started.connect(lambda: self._say("Reading text from the image…"))
        self.ocr.progress.connect(self._say)
        self.ocr.finished.connect(self._ocr_done)
        self.ocr.failed.connect(lambda message: self._say(f"Could not read the image: {message}"))
        self.overlay = OverlayController(
            lambda: (self.window.input_text(), self.window.result_text()),
            self._positions,
            self._save_positions,
            int(settings.get("font_size")),
        )
        overlay_window = self.overlay.window
        overlay_window.closeRequested.connect(lambda: self.actions.overlay.setChecked(False))
        overlay_window.openMainRequested.connect(self.window.show_and_raise)
        overlay_window.speakRequested.connect(self.speak_input)
        overlay_window.opacityChanged.connect(
            lambda value: self.settings.set("overlay_opacity", float(value))
        )
        overlay_window.set_opacity(float(settings.get("overlay_opacity")))

        a = self.actions
        a.overlay.toggled.connect(self.set_overlay)
        a.clipboard_watch.toggled.connect(self.set_clipboard_watch)
        a.ocr_region.triggered.connect(self.ocr_screen_region)
        a.ocr_image.triggered.connect(self.ocr_image)
        a.speak_input.triggered.connect(self.speak_input)
        a.speak_result.triggered.connect(self.speak_result)
        a.show_hide.triggered.connect(self.window.toggle_visible)
        a.translate_clipboard.triggered.connect(self.translate_clipboard)
        a.quit.triggered.connect(self.quit)
        if not engine_available():
            for action in (a.ocr_region, a.ocr_image):
                action.setEnabled(False)
                action.setToolTip("Offline OCR is not installed in this build")

        self.tray = Tray(
            a.show_hide,
            [a.translate_clipboard, a.clipboard_watch, a.overlay, None, a.ocr_region, a.ocr_image],
            a.quit,
            self,
        )
        self.tray.activated.connect(self.window.toggle_visible)
        if isinstance(window, QWidget):
            window.setAcceptDrops(True)
            window.installEventFilter(self)
        overlay_window.setAcceptDrops(True)
        overlay_window.installEventFilter(self)

        a.clipboard_watch.setChecked(bool(settings.get("clipboard_watch")))
        self._show_watch_state(a.clipboard_watch.isChecked())
        a.overlay.setChecked(bool(settings.get("overlay")))
        self.restart_hotkeys()

    # State for the window ---------------------------------------------------------------------
    @property
    def keeps_running_in_tray(self) -> bool:
        """Closing the window only hides it when the tray icon can bring it back."""
        return self.tray.available

    def _say(self, message: str) -> None:
        """Status text: the window's status bar when it has one."""
        self.status_message = message
        bar = getattr(self.window, "statusBar", None)
        if callable(bar):
            bar().showMessage(message, 6000)

    # Settings ---------------------------------------------------------------------------------
    def _load_positions(self) -> dict[str, list[float]]:
        saved = self.settings.get(POSITIONS_KEY)
        if isinstance(saved, dict):
            return {str(k): list(v) for k, v in saved.items() if isinstance(v, list)}
        return {}

    def _save_positions(self, positions: dict[str, list[float]]) -> None:
        self.settings.set(POSITIONS_KEY, positions)

    def apply_settings(self) -> None:
        """Re-read settings the settings dialog may have changed (font size, hotkeys)."""
        self.overlay.window.set_font_size(int(self.settings.get("font_size")))
        self.overlay.window.set_opacity(float(self.settings.get("overlay_opacity")))
        self.restart_hotkeys()

    def restart_hotkeys(self) -> None:
        self.hotkeys.start(
            str(self.settings.get("hotkey_show")),
            str(self.settings.get("hotkey_translate_clipboard")),
        )

    @staticmethod
    def wayland_commands() -> dict[str, str]:
        """Commands a desktop shortcut can run where apps cannot grab keys."""
        return dict(WAYLAND_COMMANDS)

    # Features --------------------------------------------------------------------------------
    def set_overlay(self, on: bool) -> None:
        self.settings.set("overlay", bool(on))
        if self.actions.overlay.isChecked() != on:
            self.actions.overlay.setChecked(on)
        if on:
            self.overlay.show()
        else:
            self.overlay.hide()

    def set_clipboard_watch(self, on: bool) -> None:
        self.settings.set("clipboard_watch", bool(on))
        self.clipboard.set_enabled(on)
        self._show_watch_state(on)
        if self.actions.clipboard_watch.isChecked() != on:
            self.actions.clipboard_watch.setChecked(on)
        self._say("Clipboard watch is on" if on else "Clipboard watch is off")

    def _show_watch_state(self, on: bool) -> None:
        self.actions.clipboard_watch.setText(
            "Watch &clipboard (on)" if on else "Watch &clipboard (off)"
        )

    def _clipboard_text(self, text: str) -> None:
        self.window.set_input_text(text, "clipboard")

    def translate_clipboard(self) -> None:
        """Hotkey / ``--translate-clipboard``: whatever text is on the clipboard, now."""
        text = QGuiApplication.clipboard().text(QClipboard.Mode.Clipboard).strip()
        if not text:
            image = QGuiApplication.clipboard().image()
            if not image.isNull():
                self.window.show_and_raise()
                self.ocr.run_image(image)
                return
            self._say("The clipboard has no text to translate")
            return
        self.window.show_and_raise()
        self.window.set_input_text(text, "hotkey")

    def speak_input(self) -> None:
        self.speaker.speak(self.window.input_text())

    def speak_result(self) -> None:
        self.speaker.speak(self.window.result_text())

    # OCR ------------------------------------------------------------------------------------
    def ocr_screen_region(self) -> None:
        if self.ocr.busy or self._picker is not None:
            return
        screen = screen_under_cursor()
        pixmap = grab_screen(screen) if screen is not None else None
        if screen is None or pixmap is None:
            self._say(WAYLAND_MESSAGE)
            return
        picker = RegionPicker(screen, pixmap)
        picker.picked.connect(self._region_picked)
        picker.cancelled.connect(self._region_cancelled)
        self._picker = picker
        picker.start()

    def _region_picked(self, image: QImage) -> None:
        self._picker = None
        self.ocr.run_image(image)

    def _region_cancelled(self) -> None:
        self._picker = None
        self._say("Screen selection cancelled")

    def ocr_image(self) -> None:
        """Pasted image first (the common screenshot flow); otherwise ask for a file."""
        image = QGuiApplication.clipboard().image()
        if not image.isNull():
            self.ocr.run_image(image)
            return
        parent = self.window if isinstance(self.window, QWidget) else None
        path, _filter = QFileDialog.getOpenFileName(
            parent, "Read text from image", "", IMAGE_FILTER
        )
        if path:
            self.ocr_file(path)

    def ocr_file(self, path: str) -> None:
        self.ocr.run(path)

    def _ocr_done(self, result: OcrResult) -> None:
        if not result.text:
            self._say("No text found in the image")
            return
        self.window.show_and_raise()
        self.window.set_input_text(result.text, "ocr")
        if not has_han(result.text):
            self._say("Read the image, but found no Chinese in it")
        else:
            self._say(f"Read {len(result.lines)} text segments from the image")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Dropped image files or image data go to OCR."""
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.Drop):
            mime = event.mimeData()  # type: ignore[attr-defined]
            paths = [
                url.toLocalFile()
                for url in mime.urls()
                if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES
            ]
            if not paths and not mime.hasImage():
                return False
            event.acceptProposedAction()  # type: ignore[attr-defined]
            if kind == QEvent.Type.Drop:
                if paths:
                    self.ocr_file(paths[0])
                else:
                    self.ocr.run_image(QImage(mime.imageData()))
            return True
        return False

    # Single-instance and shortcuts ---------------------------------------------------------------
    def handle_arguments(self, args: list[str]) -> None:
        """Flags from the command line or a second launch (``--show``, ``--translate-clipboard``,
        ``--ocr`` [IMAGE])."""
        handled = False
        index = 0
        while index < len(args):
            arg = args[index]
            if arg == "--show":
                self.window.show_and_raise()
                handled = True
            elif arg == "--translate-clipboard":
                # Let the click/keypress that launched us finish before reading the clipboard.
                QTimer.singleShot(0, self.translate_clipboard)
                handled = True
            elif arg == "--ocr":
                following = args[index + 1] if index + 1 < len(args) else ""
                if following and not following.startswith("--"):
                    self.window.show_and_raise()
                    self.ocr_file(following)
                    index += 1
                else:
                    self.ocr_screen_region()
                handled = True
            elif arg.startswith("--ocr="):
                self.window.show_and_raise()
                self.ocr_file(arg.split("=", 1)[1])
                handled = True
            index += 1
        if not handled and not args:
            self.window.show_and_raise()  # a plain second launch: bring the first forward

    def quit(self) -> None:
        save = getattr(self.window, "save_geometry", None)
        if callable(save):
            save()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def shutdown(self) -> None:
        """Stop listeners and background work; called once before the process exits."""
        self.hotkeys.stop()
        self.clipboard.set_enabled(False)
        self.speaker.stop()
        if self.overlay.is_visible():
            self.overlay.remember_position()
        self.overlay.close()
        self.ocr.wait(10_000)
        self.tray.close()
