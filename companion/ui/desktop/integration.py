"""Desktop integration: the one object the app wires in for tray, clipboard watch, hotkeys,
overlay, speech and screenshot OCR.

It talks to the main window only through :class:`CompanionWindow` and exposes QActions for the
window's menus; the window talks to it only through ``keeps_running_in_tray``,
``hotkey_status`` and ``shutdown``. Settings it depends on (font size, overlay opacity, the
hotkeys) reach it through :mod:`companion.changes`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QWidget

from companion.settings import Settings
from companion.ui.change_relay import ChangeRelay
from companion.ui.desktop.hotkeys import chord_label

if TYPE_CHECKING:  # built when first needed, not before the first paint
    from PySide6.QtGui import QImage

    from companion.ocr import OcrResult
    from companion.ui.desktop.clipboard_watch import ClipboardWatcher
    from companion.ui.desktop.hotkeys import HotkeyManager
    from companion.ui.desktop.ocr_worker import OcrWorker
    from companion.ui.desktop.overlay import OverlayController
    from companion.ui.desktop.region_capture import RegionPicker
    from companion.ui.desktop.speech import Speaker
    from companion.ui.desktop.tray import Tray
    from companion.ui.tasks import TaskRunner

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.webp *.gif *.tif *.tiff);;All files (*)"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif", ".tif", ".tiff"}
POSITIONS_KEY = "overlay_positions"
HOTKEY_SETTINGS = ("hotkey_show", "hotkey_translate_clipboard", "hotkey_lens")


class CompanionWindow(Protocol):
    """What the integration needs from the main window (a test double fits as well)."""

    def show_and_raise(self) -> None: ...
    def toggle_visible(self) -> None: ...
    def set_input_text(self, text: str, origin: str) -> None: ...
    def result_text(self) -> str: ...
    def input_text(self) -> str: ...
    def show_status(self, message: str, timeout_ms: int = 6000) -> None: ...
    def show_busy(self, message: str) -> None: ...  # "" ends it
    def quit_app(self) -> None: ...


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
        self.show_hide.setToolTip("Global shortcut: works from any app (Settings > Shortcuts)")
        self.translate_clipboard = QAction("Translate clipboard", parent)
        self.translate_clipboard.setToolTip(
            "Global shortcut: copy text in any app, then press it (Settings > Shortcuts)"
        )
        self.quit = QAction("&Quit", parent)
        self.quit.setShortcut(QKeySequence("Ctrl+Q"))  # shown in the tray menu

    def show_chords(self, show: str, translate_clipboard: str) -> None:
        """Name the global shortcuts in the menus ("Translate clipboard  Ctrl+Alt+T")."""
        self.show_hide.setText(chord_label("Show/hide Companion", show))
        self.translate_clipboard.setText(chord_label("Translate clipboard", translate_clipboard))


class DesktopIntegration(QObject):
    """Builds every desktop feature around ``window`` and keeps their settings in sync.

    Only what the first window needs is built here (the actions for its menus). The clipboard
    watch, the hotkeys, speech and OCR are built on first use, each with its module.
    :meth:`start`, which the app calls after the first paint, greys out the OCR entries in a
    build without OCR, starts the global hotkeys (pynput connects to X) and shows the tray
    icon (entries and counts given before that wait for it); the overlay window is built the
    first time it is shown.

    ``lensRequested`` (the Lens's global shortcut, ``--lens``) and ``lensImageRequested(path)``
    (``--lens=IMAGE``) are for the window's Lens (MainWindow.attach_desktop connects them).
    """

    lensRequested = Signal()
    lensImageRequested = Signal(str)

    def __init__(
        self, window: CompanionWindow, settings: Settings, runner: TaskRunner | None = None
    ) -> None:
        super().__init__(window if isinstance(window, QObject) else None)
        self.window: CompanionWindow = window
        self.settings = settings
        self.status_message = ""
        self.actions = DesktopActions(self)
        self._positions: dict[str, list[float]] = self._load_positions()
        self._picker: RegionPicker | None = None
        self._grab_pending = False
        self._started = False
        self._reported_hotkeys = ""
        # The clipboard watch, the hotkeys, speech and OCR are built on first use (their
        # modules are not needed to draw the first window): see the properties below.
        self._runner = runner
        self._clipboard: ClipboardWatcher | None = None
        self._hotkeys: HotkeyManager | None = None
        self._speaker: Speaker | None = None
        self._ocr: OcrWorker | None = None
        self._overlay: OverlayController | None = None
        self._tray: Tray | None = None
        self._tray_entries: list[QAction] = []  # given before the tray was built
        self._due_count: int | None = None

        a = self.actions
        a.overlay.toggled.connect(self.set_overlay)
        a.clipboard_watch.toggled.connect(self.set_clipboard_watch)
        a.ocr_region.triggered.connect(self.ocr_screen_region)
        a.ocr_image.triggered.connect(self.ocr_image)
        a.speak_input.triggered.connect(self.speak_input)
        a.speak_result.triggered.connect(self.speak_result)
        a.show_hide.triggered.connect(self.window.toggle_visible)
        a.translate_clipboard.triggered.connect(self.translate_clipboard)
        a.quit.triggered.connect(self.window.quit_app)

        if isinstance(window, QWidget):
            window.setAcceptDrops(True)
            window.installEventFilter(self)

        a.clipboard_watch.setChecked(settings.get_bool("clipboard_watch"))
        self._show_watch_state(a.clipboard_watch.isChecked())
        a.overlay.setChecked(settings.get_bool("overlay"))
        a.show_chords(
            settings.get_str("hotkey_show"), settings.get_str("hotkey_translate_clipboard")
        )
        self._changes = ChangeRelay(self)
        self._changes.changed.connect(self._setting_changed)

    def start(self) -> None:
        """Start what can wait for the first paint: the global hotkeys (pynput connects to X)
        and the tray icon."""
        self._started = True
        self._show_ocr_availability()
        self.restart_hotkeys()
        _ = self.tray

    def _show_ocr_availability(self) -> None:
        """The OCR entries greyed out in a build without offline OCR (its module is read
        after the first paint: the entries are in closed menus until then)."""
        from companion.ocr import engine_available  # finds the packages, imports none

        if not engine_available():
            for action in (self.actions.ocr_region, self.actions.ocr_image):
                action.setEnabled(False)
                action.setToolTip("Offline OCR is not installed in this build")

    @property
    def clipboard(self) -> ClipboardWatcher:
        """The clipboard watch (built when first turned on or asked for)."""
        if self._clipboard is None:
            from companion.ui.desktop.clipboard_watch import ClipboardWatcher

            clipboard = ClipboardWatcher(self)
            clipboard.chineseCopied.connect(self._clipboard_text)
            self._clipboard = clipboard
        return self._clipboard

    @property
    def hotkeys(self) -> HotkeyManager:
        """The global shortcuts (built by :meth:`start`, or when first asked for)."""
        if self._hotkeys is None:
            from companion.ui.desktop.hotkeys import HotkeyManager

            hotkeys = HotkeyManager(self)
            hotkeys.showRequested.connect(self.window.toggle_visible)
            hotkeys.translateClipboardRequested.connect(self.translate_clipboard)
            hotkeys.lensRequested.connect(self.lensRequested)
            hotkeys.statusChanged.connect(self._hotkeys_changed)
            self._hotkeys = hotkeys
        return self._hotkeys

    @property
    def speaker(self) -> Speaker:
        """Text to speech (built the first time something is read aloud)."""
        if self._speaker is None:
            from companion.ui.desktop.speech import Speaker

            speaker = Speaker(self)
            speaker.unavailable.connect(self._say)
            self._speaker = speaker
        return self._speaker

    @property
    def ocr(self) -> OcrWorker:
        """Screenshot and image OCR (built the first time an image is read)."""
        if self._ocr is None:
            from companion.ui.desktop.ocr_worker import OcrWorker

            ocr = OcrWorker(self, self._runner)
            ocr.started.connect(lambda: self.window.show_busy("Reading text from the image…"))
            ocr.progress.connect(self.window.show_busy)
            ocr.finished.connect(self._ocr_done)
            ocr.failed.connect(self._ocr_failed)
            self._ocr = ocr
        return self._ocr

    @property
    def overlay(self) -> OverlayController:
        """The compact always-on-top window, built the first time it is asked for."""
        if self._overlay is None:
            from companion.ui.desktop.overlay import OverlayController

            overlay = OverlayController(
                lambda: (self.window.input_text(), self.window.result_text()),
                self._positions,
                self._save_positions,
                self.settings.get_int("font_size"),
            )
            window = overlay.window
            window.closeRequested.connect(lambda: self.actions.overlay.setChecked(False))
            window.openMainRequested.connect(self.window.show_and_raise)
            window.speakRequested.connect(self.speak_input)
            window.opacityChanged.connect(self._opacity_changed)
            window.set_opacity(self.settings.get_float("overlay_opacity"))
            window.setAcceptDrops(True)
            window.installEventFilter(self)
            self._overlay = overlay
        return self._overlay

    @property
    def tray(self) -> Tray:
        """The tray icon and its menu, built by :meth:`start` (or when first asked for)."""
        if self._tray is None:
            from companion.ui.desktop.tray import Tray

            a = self.actions
            tray = Tray(
                a.show_hide,
                [
                    a.translate_clipboard,
                    a.clipboard_watch,
                    a.overlay,
                    None,
                    a.ocr_region,
                    a.ocr_image,
                ],
                a.quit,
                self,
            )
            tray.activated.connect(self.window.toggle_visible)
            for action in self._tray_entries:
                tray.add_entry(action)
            if self._due_count is not None:
                tray.show_due_count(self._due_count)
            self._tray = tray
        return self._tray

    # State for the window ---------------------------------------------------------------------
    @property
    def keeps_running_in_tray(self) -> bool:
        """Closing the window only hides it when the tray icon can bring it back."""
        return self.tray.available

    def hotkey_status(self) -> str:
        return self.hotkeys.status

    # The learning side (MainWindow.attach_desktop) ------------------------------------------
    def add_review_entry(self, action: QAction) -> None:
        """The tray menu's "Review (N due)" (the action's text follows the count)."""
        self.add_tray_entry(action)

    def add_tray_entry(self, action: QAction) -> None:
        """An entry of the window's in the tray menu (the Lens's), under Show/hide."""
        self._tray_entries.append(action)
        if self._tray is not None:
            self._tray.add_entry(action)

    def show_due_count(self, count: int) -> None:
        self._due_count = count
        if self._tray is not None:
            self._tray.show_due_count(count)

    def speak_text(self, text: str) -> None:
        """Read ``text`` aloud (the Review panel's "Read aloud")."""
        self.speaker.speak(text)

    def _say(self, message: str) -> None:
        """Status text in the window's status bar."""
        self.status_message = message
        self.window.show_status(message)

    # Settings ---------------------------------------------------------------------------------
    def _load_positions(self) -> dict[str, list[float]]:
        saved = self.settings.get(POSITIONS_KEY)
        if isinstance(saved, dict):
            return {str(k): list(v) for k, v in saved.items() if isinstance(v, list)}
        return {}

    def _save_positions(self, positions: dict[str, list[float]]) -> None:
        self.settings.set(POSITIONS_KEY, positions)

    def _opacity_changed(self, value: float) -> None:
        if abs(self.settings.get_float("overlay_opacity") - value) > 0.001:
            self.settings.set("overlay_opacity", float(value))

    def _setting_changed(self, topic: str, detail: str) -> None:
        if topic != "settings":
            return
        overlay = self._overlay  # one not built yet reads them when it is
        if detail == "font_size" and overlay is not None:
            overlay.window.set_font_size(self.settings.get_int("font_size"))
        elif detail == "overlay_opacity" and overlay is not None:
            overlay.window.set_opacity(self.settings.get_float("overlay_opacity"))
        elif detail in HOTKEY_SETTINGS:
            self.actions.show_chords(
                self.settings.get_str("hotkey_show"),
                self.settings.get_str("hotkey_translate_clipboard"),
            )
            if self._started:
                self.restart_hotkeys()

    def restart_hotkeys(self) -> None:
        self.hotkeys.start(
            self.settings.get_str("hotkey_show"),
            self.settings.get_str("hotkey_translate_clipboard"),
            self.settings.get_str("hotkey_lens"),
        )

    def _hotkeys_changed(self, _status: str) -> None:
        """A chord that cannot be used is said once in plain words (and shown in Settings)."""
        problems = "; ".join(self.hotkeys.problems)
        if problems and problems != self._reported_hotkeys:
            self._say(f"Global shortcuts: {problems}")
        self._reported_hotkeys = problems

    # Features --------------------------------------------------------------------------------
    def set_overlay(self, on: bool) -> None:
        self.settings.set("overlay", bool(on))
        if self.actions.overlay.isChecked() != on:
            self.actions.overlay.setChecked(on)
        if on:
            self.overlay.show()
        elif self._overlay is not None:
            self._overlay.hide()

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
        from PySide6.QtGui import QClipboard

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
        """Grab the screen once the menu that asked for it has closed, then let the user
        select the text. The menu (Tools or the tray's) must not end up in the picture."""
        if self.ocr.busy or self._picker is not None or self._grab_pending:
            return
        self._grab_pending = True
        from companion.ui.desktop.region_capture import after_menus_close

        after_menus_close(self._grab_region)

    def _grab_region(self) -> None:
        from companion.ui.desktop.region_capture import (
            WAYLAND_MESSAGE,
            RegionPicker,
            grab_screen,
            screen_under_cursor,
        )

        self._grab_pending = False
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

    def _ocr_failed(self, message: str) -> None:
        self.window.show_busy("")
        self._say(f"Could not read the image: {message}")

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
        from PySide6.QtWidgets import QFileDialog  # ~5 ms of type set-up: not at start-up

        parent = self.window if isinstance(self.window, QWidget) else None
        path, _filter = QFileDialog.getOpenFileName(
            parent, "Read text from image", "", IMAGE_FILTER
        )
        if path:
            self.ocr_file(path)

    def ocr_file(self, path: str) -> None:
        self.ocr.run(path)

    def _ocr_done(self, result: OcrResult) -> None:
        self.window.show_busy("")
        if not result.text:
            self._say("No text found in the image")
            return
        self.window.show_and_raise()
        self.window.set_input_text(result.text, "ocr")
        from companion.text import has_han

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
                    from PySide6.QtGui import QImage

                    self.ocr.run_image(QImage(mime.imageData()))
            return True
        return False

    # Single-instance and shortcuts ---------------------------------------------------------------
    def handle_arguments(self, args: list[str]) -> None:
        """Flags from the command line or a second launch (``--show``, ``--translate-clipboard``,
        ``--ocr`` [IMAGE], ``--lens``, ``--lens=IMAGE``)."""
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
            elif arg == "--lens":
                QTimer.singleShot(0, self.lensRequested.emit)  # as for --translate-clipboard
                handled = True
            elif arg.startswith("--lens="):
                self.lensImageRequested.emit(arg.split("=", 1)[1])
                handled = True
            index += 1
        if not handled and not args:
            self.window.show_and_raise()  # a plain second launch: bring the first forward

    def shutdown(self) -> None:
        """Stop listeners and background work; called once before the process exits."""
        self._changes.close()
        if self._hotkeys is not None:
            self._hotkeys.stop()
        if self._clipboard is not None:
            self._clipboard.set_enabled(False)
        if self._speaker is not None:
            self._speaker.stop()
        overlay = self._overlay
        if overlay is not None:
            if overlay.is_visible():
                overlay.remember_position()
            overlay.close()
        if self._ocr is not None:
            self._ocr.wait(10_000)
        if self._tray is not None:
            self._tray.close()
