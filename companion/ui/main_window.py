"""The main window: the translation pane and the phrasebook, menus, status and packs.

It owns the long-lived pieces (the task runner and the translation :class:`Session`) and wires
widgets to them; the translation flow itself is in :mod:`companion.ui.translate.controller`.
Settings and packs reach it through :mod:`companion.changes` (relayed to the GUI thread); the
desktop integration talks to it through :class:`~companion.ui.desktop.integration.CompanionWindow`
and it to the integration through :class:`DesktopHooks`.
"""

from __future__ import annotations

import base64
import logging
import weakref
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from companion.settings import Settings
from companion.storage import notices
from companion.ui.change_relay import ChangeRelay
from companion.ui.learning.wiring import LearningTabs
from companion.ui.tasks import TaskRunner
from companion.ui.translate.controller import TranslationController
from companion.ui.translate.pane import TranslationPane

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox  # dialogs only: its type is made on first use

    from companion.session import Session, SessionResult
    from companion.ui.lens.wiring import LensTools  # built after the first paint
    from companion.wordlist import WordToSave  # its import loads the dictionary: not at start

_log = logging.getLogger(__name__)
DEFAULT_SIZE = (520, 760)
STATUS_MS = 6000
LEARNING_START_MS = 1500  # the due count starts this long after the first paint
# Settings whose change the window shows at once (the session rebuilds the translator itself).
LOOK_SETTINGS = frozenset({"font_size", "tone_colors", "pinyin_style"})
AIDS_SETTINGS = frozenset({"pinyin_style", "tone_sandhi"})
TRAY_MESSAGE = (
    "Companion keeps running in the system tray, so the clipboard watch and the global "
    "shortcuts keep working. Click the tray icon to bring it back; choose File > Quit "
    "(Ctrl+Q) to close it."
)


class DesktopHooks(Protocol):
    """What the window needs from the desktop integration (tray, hotkeys, overlay...)."""

    @property
    def keeps_running_in_tray(self) -> bool: ...

    def hotkey_status(self) -> str: ...

    def shutdown(self) -> None: ...


@runtime_checkable
class LearningDesktop(Protocol):
    """What the desktop integration offers the learning side (the tray's review entry)."""

    def add_review_entry(self, action: QAction) -> None: ...

    def show_due_count(self, count: int) -> None: ...

    def speak_text(self, text: str) -> None: ...


@runtime_checkable
class LensDesktop(Protocol):
    """What the desktop integration offers the Lens: its global shortcut and ``--lens``
    (``lensRequested``), ``--lens=IMAGE`` (``lensImageRequested``) and tray entries."""

    lensRequested: SignalInstance
    lensImageRequested: SignalInstance

    def add_tray_entry(self, action: QAction) -> None: ...


class MainWindow(QMainWindow):
    """Companion's window. The desktop integration calls the small public API at the end."""

    warmedUp = Signal()  # offline models loaded after the first paint
    firstPainted = Signal()  # the window has been drawn once: start what can wait
    noticed = Signal()  # the storage reported a problem (from any thread): show it

    def __init__(self, settings: Settings | None = None, session: Session | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Companion")
        self.setObjectName("companionMainWindow")
        self.settings = settings or Settings()
        self.runner = TaskRunner(self)
        self._session = session  # built on first use: its modules are not needed to draw
        self._first_paint_done = False
        self._quitting = False
        self._closed = False  # closed for good (not hidden to the tray)
        self._notes_seen: set[str] = set()
        self._tray_notice: QMessageBox | None = None
        self.desktop: DesktopHooks | None = None

        self.tabs = QTabWidget(self)
        self.pane = TranslationPane(self.tabs)
        self.tabs.addTab(self.pane, "Translate")
        self._phrasebook_host = QWidget(self.tabs)
        self.tabs.addTab(self._phrasebook_host, "Phrasebook")
        self.phrasebook_panel: QWidget | None = None
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)

        self.controller = TranslationController(
            self.pane, self.runner, lambda: self.session, (session or self).settings
        )
        self.pane.copyRequested.connect(self.copy_result)
        self.pane.banner.downloadRequested.connect(self.open_packs_dialog)
        self.pane.banner.installFromFileRequested.connect(self.install_pack_from_file)
        self.pane.termOpened.connect(self.open_phrasebook)
        self.controller.resultShown.connect(self._result_shown)
        # History, My words and Review: empty tabs and actions until used (nothing is read
        # before the first paint; the due count starts a moment after it).
        self.learning = LearningTabs(self)
        self.pane.wordSaveRequested.connect(self.save_word)
        self.pane.saveSelectionRequested.connect(self.learning.save_selection)
        self.firstPainted.connect(lambda: QTimer.singleShot(LEARNING_START_MS, self.learning.start))
        # Tools > Lens: built after the first paint (or when first asked for, see ``lens``).
        self._lens: LensTools | None = None

        self.status_label = QLabel("", self)
        self.statusBar().addWidget(self.status_label, 1)
        # The busy indicator (hidden until slow work starts) is made on first use.
        self._busy: tuple[QLabel, QProgressBar] | None = None
        self._build_menus()
        self.apply_font_size()
        self._restore_geometry()

        self._retranslate_soon = QTimer(self)
        self._retranslate_soon.setSingleShot(True)
        self._retranslate_soon.setInterval(0)
        self._retranslate_soon.timeout.connect(self.controller.retranslate)
        self.changes = ChangeRelay(self)
        self.changes.changed.connect(self._setting_or_pack_changed)
        self.notice_box: QMessageBox | None = None
        self.noticed.connect(self.show_notices)
        # Weakly: a listener list must not keep a closed window alive.
        reported = weakref.WeakMethod(self._notice_reported)

        def notice_listener(notice: object) -> None:
            method = reported()
            if method is not None:
                method(notice)

        self._unsubscribe_notices = notices.subscribe(notice_listener)
        weakref.finalize(self, self._unsubscribe_notices)
        # The first paint, see eventFilter: the input's own paint (its frame, drawn in the same
        # frame as its text). Not its viewport(): the first wrapper of a widget made in C++
        # costs PySide6 ~25 ms of type discovery.
        self.pane.input.installEventFilter(self)

    @property
    def lens(self) -> LensTools:
        """The Lens's actions and controller: built after the first paint, when its Tools menu
        first opens, or when first asked for (its module is not needed to draw the window).
        Its actions go first in Tools and, through the desktop integration, in the tray."""
        if self._lens is None:
            from companion.ui.lens.wiring import LensTools

            lens = LensTools(self)
            self._lens = lens
            self._tools_menu.insertActions(self._tools_separator, lens.actions)
            if isinstance(self.desktop, LensDesktop):
                for action in lens.actions:
                    self.desktop.add_tray_entry(action)
        return self._lens

    def _ensure_lens(self) -> None:
        _ = self.lens

    def _lens_region(self) -> None:
        self.lens.start_region()

    def _lens_image(self, path: str) -> None:
        self.lens.open_image(path)

    @property
    def tools_menu(self) -> QMenu:
        """The Tools menu, with the Lens's entries in it."""
        self._ensure_lens()
        return self._tools_menu

    @property
    def session(self) -> Session:
        """The translation session, built on first use: the first text, or the warm-up after
        the first paint (importing it and its engines is not needed to draw the window)."""
        if self._session is None:
            from companion.session import Session

            self._session = Session(self.settings, follow_changes=True)
        return self._session

    # Construction ------------------------------------------------------------------------
    # The menu entries the window makes itself, filled in by _fill_menus.
    MENU_ENTRIES = frozenset(
        {
            "action_packs",
            "action_install_file",
            "action_quit",
            "action_translate",
            "action_copy",
            "action_swap",
            "action_settings",
            "action_phrasebook",
        }
    )

    def _build_menus(self) -> None:
        """The menu bar as the first frame shows it: the menus' titles. Their entries are
        filled in after the first paint (:meth:`_fill_menus`), when a menu first opens, or
        when one of them is asked for (``window.action_quit``): they are not drawn before."""
        menu = self.menuBar()
        self.file_menu = menu.addMenu("&File")
        self._edit_menu = menu.addMenu("&Edit")
        self.view_menu = menu.addMenu("&View")
        # The window's own View entries go before this separator; the desktop integration's
        # follow it.
        self._view_separator = self.view_menu.addSeparator()
        self._tools_menu = menu.addMenu("&Tools")
        # The Lens's entries go before this separator when it is built (see ``lens``); the
        # desktop integration's entries follow it.
        self._tools_separator = self._tools_menu.addSeparator()
        self._tools_menu.aboutToShow.connect(self._ensure_lens)
        self._help_menu = menu.addMenu("&Help")
        self._menus_filled = False
        for each in (self.file_menu, self._edit_menu, self.view_menu, self._help_menu):
            each.aboutToShow.connect(self._fill_menus)

    def __getattr__(self, name: str) -> object:
        """A menu entry asked for before the menus were filled: fill them now."""
        if name in MainWindow.MENU_ENTRIES and not self.__dict__.get("_menus_filled", True):
            self._fill_menus()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _fill_menus(self) -> None:
        """The menus' entries and their shortcuts (once)."""
        if self._menus_filled:
            return
        self._menus_filled = True
        file_menu = self.file_menu
        self.action_packs = QAction("Language packs…", self)
        self.action_packs.triggered.connect(self.open_packs_dialog)
        self.action_install_file = QAction("Install language pack from file…", self)
        self.action_install_file.triggered.connect(self.install_pack_from_file)
        self.action_quit = QAction("&Quit", self)
        self.action_quit.setShortcut(QKeySequence("Ctrl+Q"))  # the standard key is none on Windows
        self.action_quit.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action_quit.triggered.connect(self.quit_app)
        file_menu.addActions([self.action_packs, self.action_install_file])
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)

        edit_menu = self._edit_menu
        self.action_translate = QAction("Translate now", self)
        self.action_translate.setShortcuts(
            [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")]
        )
        self.action_translate.triggered.connect(self.controller.translate_now)
        self.action_copy = QAction("Copy translation", self)
        self.action_copy.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.action_copy.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action_copy.triggered.connect(self.copy_result)
        self.action_swap = QAction("Swap direction", self)
        self.action_swap.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.action_swap.triggered.connect(self.controller.swap)
        self.action_settings = QAction("Settings…", self)
        self.action_settings.setShortcut(QKeySequence("Ctrl+,"))
        self.action_settings.triggered.connect(self.open_settings)
        edit_menu.addActions([self.action_translate, self.action_copy, self.action_swap])
        edit_menu.addSeparator()
        edit_menu.addAction(self.learning.action_save)
        edit_menu.addSeparator()
        edit_menu.addAction(self.action_settings)

        self.action_phrasebook = QAction("Phrasebook", self)
        self.action_phrasebook.setShortcut(QKeySequence("Ctrl+P"))
        self.action_phrasebook.triggered.connect(lambda: self.open_phrasebook(""))
        learning = self.learning
        self.view_menu.insertActions(
            self._view_separator,
            [
                self.action_phrasebook,
                learning.action_history,
                learning.action_words,
                learning.action_review,
            ],
        )

        about = QAction("About Companion", self)
        about.triggered.connect(self._show_about)
        self._help_menu.addAction(about)

    def _show_about(self) -> None:
        from companion.ui.about import show_about  # with its credits, on first use

        show_about(self)

    def menu_for(self, name: str) -> QMenu:
        """The window's "view" or "tools" menu, for the desktop integration's actions."""
        return self.view_menu if name == "view" else self._tools_menu

    def add_desktop_actions(self, actions: list[QAction | None], menu: str = "tools") -> None:
        """Put the desktop integration's actions (overlay, OCR, speech...) in a menu."""
        target = self.menu_for(menu)
        for action in actions:
            if action is None:
                target.addSeparator()
            else:
                target.addAction(action)

    def attach_desktop(self, desktop: DesktopHooks) -> None:
        self.desktop = desktop
        if isinstance(desktop, LearningDesktop):  # the tray's "Review (N due)" entry
            desktop.add_review_entry(self.learning.action_review)
            self.learning.dueCountChanged.connect(desktop.show_due_count)
        if isinstance(desktop, LensDesktop):  # the Lens's shortcut, --lens and tray entries
            if self._lens is not None:  # else added when it is built
                for action in self._lens.actions:
                    desktop.add_tray_entry(action)
            desktop.lensRequested.connect(self._lens_region)
            desktop.lensImageRequested.connect(self._lens_image)

    # First paint and background warm-up ------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._first_paint_done:
            self.pane.input.setFocus()
            self._fit_to_screen()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The first real paint of the window (not a zero timer, which runs before it)."""
        if event.type() == QEvent.Type.Paint and not self._first_paint_done:
            self._first_paint_done = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._after_first_paint)  # once this paint has finished
        return False

    def _after_first_paint(self) -> None:
        """Load the installed packs once the window is up, so the first paste is warm.

        The dictionary (~50 MB) is not loaded here: the first text's reading aids load it
        (about 0.3 s once), so a window that waits in the tray stays small.
        """
        from companion import packs

        # Moved to another screen: fit it (the window's QWindow wrapper costs ~1 ms under X,
        # not needed to draw the first frame).
        handle = self.windowHandle()
        if handle is not None:
            handle.screenChanged.connect(lambda _screen: self._fit_to_screen())
        self._fill_menus()  # the menus' entries and shortcuts
        self._ensure_lens()  # Tools > Lens and its tray entries, before the tray is built
        self.firstPainted.emit()
        self.show_notices()  # e.g. the database was set aside while the app started
        installed = bool(packs.list_installed())
        session = self.session

        def warmed(count: int) -> None:
            self.status_label.setText(
                "Ready: translation works offline." if count else "No language pack installed."
            )
            self.warmedUp.emit()

        def warm_failed(exc: BaseException) -> None:
            _log.error("warming up failed", exc_info=exc)
            self.status_label.setText(f"Could not load the language pack: {exc}")
            self.warmedUp.emit()

        self.status_label.setText("Loading language packs…" if installed else "")
        self.runner.run_local(session.warm, on_done=warmed, on_error=warm_failed)
        if not installed and not self.settings.get_bool("first_run_done"):
            QTimer.singleShot(300, self._first_run_prompt)

    def _first_run_prompt(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setWindowTitle("Welcome to Companion")
        box.setText(
            "Companion translates on this computer, with no account and nothing sent online."
        )
        box.setInformativeText(
            "To start, download the free Chinese↔English language packs (~90 MB each), or "
            "install packs you already have from a file. Pinyin, word meanings and the "
            "phrasebook work right away."
        )
        download = box.addButton("Download packs", QMessageBox.ButtonRole.AcceptRole)
        from_file = box.addButton("Install from file…", QMessageBox.ButtonRole.ActionRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setObjectName("firstRunPrompt")

        def chosen() -> None:
            self.settings.set("first_run_done", True)
            clicked = box.clickedButton()
            if clicked is download:
                self.open_packs_dialog(start_download=True)
            elif clicked is from_file:
                self.install_pack_from_file()

        box.finished.connect(lambda _r: chosen())
        box.open()

    # Storage notices ----------------------------------------------------------------------
    def _notice_reported(self, _notice: object) -> None:
        if shiboken6.isValid(self) and not self._closed:  # queued to the GUI thread
            self.noticed.emit()

    def show_notices(self) -> None:
        """What the storage had to tell the user (a damaged database set aside with the path
        of the kept copy, a data folder that cannot be written), each once."""
        if self._closed:
            return  # a window that closed for good leaves them to the next one (or the CLI)
        taken = notices.take()
        if not taken:
            return
        text = "\n\n".join(notice.message for notice in taken)
        severe = any(notice.severity == "error" for notice in taken)
        box = self.notice_box
        if box is not None and shiboken6.isValid(box) and box.isVisible():
            box.setText(f"{box.text()}\n\n{text}")  # one box, however many arrive
            return
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Critical if severe else QMessageBox.Icon.Warning,
            "Companion: your data",
            text,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("storageNotice")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.notice_box = box

    # Packs ---------------------------------------------------------------------------------
    def _packs_dialog(self) -> QWidget:
        from companion.ui.settings.packs_dialog import PacksDialog

        # What it installs or removes is announced by the packs core (companion.changes).
        dialog = PacksDialog(self.settings, self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_packs_dialog(self, start_download: bool = False) -> None:
        dialog = self._packs_dialog()
        if start_download:
            dialog.start_download()  # type: ignore[attr-defined]

    def install_pack_from_file(self) -> None:
        self._packs_dialog().choose_file()  # type: ignore[attr-defined]

    # Settings and packs changed ------------------------------------------------------------
    def open_settings(self) -> None:
        from companion.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(
            self.settings, self, hotkey_status=self._hotkey_status(), runner=self.runner
        )
        # A key stored in the keychain is no setting: rebuild the translator in case it was.
        dialog.applied.connect(self.session.invalidate)
        dialog.applied.connect(self._retranslate_soon.start)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _hotkey_status(self) -> str:
        return self.desktop.hotkey_status() if self.desktop is not None else ""

    def _setting_or_pack_changed(self, topic: str, detail: str) -> None:
        if topic == "packs":
            self._retranslate_soon.start()
            return
        if topic != "settings":
            return  # history and saved words: their panels follow them
        if detail in LOOK_SETTINGS:
            self.apply_font_size()
        if detail in AIDS_SETTINGS:
            self.controller.update_reading_aids(self.pane.text())
        from companion.session import TRANSLATOR_SETTINGS

        if detail in TRANSLATOR_SETTINGS or detail in AIDS_SETTINGS or detail.startswith("key:"):
            self._retranslate_soon.start()  # once for a dialog that saved several settings

    def apply_font_size(self) -> None:
        size = self.settings.get_int("font_size")
        for widget in (self.pane.input, self.pane.output, self.pane.back_output):
            font = QFont(widget.font())
            font.setPointSize(size)
            widget.setFont(font)
        self.pane.set_ruby_style(
            self.settings.get_str("tone_colors"), self.settings.get_str("pinyin_style")
        )

    # Phrasebook tab ------------------------------------------------------------------------
    @property
    def phrasebook_host(self) -> QWidget:
        """The Phrasebook tab's page (the panel inside it is built on first show)."""
        return self._phrasebook_host

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self._phrasebook_host:
            self._ensure_phrasebook()

    def _ensure_phrasebook(self) -> QWidget:
        if self.phrasebook_panel is None:
            from companion.ui.phrasebook.panel import PhrasebookPanel

            panel = PhrasebookPanel(self._phrasebook_host, runner=self.runner)
            layout = QVBoxLayout(self._phrasebook_host)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(panel)
            panel.insertRequested.connect(self._insert_phrase)
            panel.saveRequested.connect(lambda item: self.learning.save_word(item, "phrasebook"))
            self.phrasebook_panel = panel
        return self.phrasebook_panel

    def open_phrasebook(self, query: str = "") -> None:
        """The phrasebook tab, searching ``query`` (a term clicked in the pane)."""
        panel = self._ensure_phrasebook()
        self.tabs.setCurrentWidget(self._phrasebook_host)
        if query:
            panel.set_query(query)  # type: ignore[attr-defined]

    def _insert_phrase(self, text: str) -> None:
        self.set_input_text(text, "phrasebook")

    def save_word(self, word: WordToSave) -> None:
        """The popup's "Save word": kept in My words with its sentence and that sentence's
        translation, off the GUI thread; the status bar says how it went."""
        self.learning.save_word(word, "popup")

    # Results -------------------------------------------------------------------------------
    def _result_shown(self, result: SessionResult) -> None:
        self.status_label.setText("")
        for note in result.notes:  # the whole note once in the status bar; the pane keeps a line
            if note not in self._notes_seen:
                self._notes_seen.add(note)
                self.show_status(note, 12_000)
                break

    def copy_result(self) -> None:
        text = self.result_text()
        if not text:
            return
        try:
            from companion.ui.desktop.clipboard_watch import copy_to_clipboard
        except ImportError:
            QApplication.clipboard().setText(text)
        else:
            copy_to_clipboard(text)
        self.statusBar().showMessage("Translation copied", 2000)

    # Public API for the desktop integration (CompanionWindow) -------------------------------
    def show_and_raise(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def toggle_visible(self) -> None:
        if self.isVisible() and not self.isMinimized() and self.isActiveWindow():
            self.hide()
        else:
            self.show_and_raise()

    def set_input_text(self, text: str, origin: str) -> None:
        """Put text in the pane from elsewhere (clipboard, OCR, hotkey) and translate it."""
        self.tabs.setCurrentWidget(self.pane)
        self.controller.set_text(text, origin)
        if origin in ("clipboard", "ocr", "hotkey"):
            self.statusBar().showMessage(f"Text from {origin}", 3000)

    def result_text(self) -> str:
        return self.pane.result_text()

    def input_text(self) -> str:
        return self.pane.text()

    def show_status(self, message: str, timeout_ms: int = STATUS_MS) -> None:
        self.statusBar().showMessage(message, timeout_ms)

    def _busy_widgets(self) -> tuple[QLabel, QProgressBar]:
        if self._busy is None:
            label = QLabel("", self)
            bar = QProgressBar(self)
            bar.setRange(0, 0)  # busy: no known end
            bar.setMaximumWidth(120)
            bar.setMaximumHeight(14)
            label.setVisible(False)
            bar.setVisible(False)
            self.statusBar().addPermanentWidget(label)
            self.statusBar().addPermanentWidget(bar)
            self._busy = (label, bar)
        return self._busy

    @property
    def busy_label(self) -> QLabel:
        """The stage of slow work, at the right of the status bar."""
        return self._busy_widgets()[0]

    @property
    def busy_bar(self) -> QProgressBar:
        """The busy indicator beside :attr:`busy_label`."""
        return self._busy_widgets()[1]

    def show_busy(self, message: str) -> None:
        """A stage of slow work with a busy indicator in the status bar ("" ends it)."""
        if not message and self._busy is None:
            return  # nothing shown yet, nothing to hide
        label, bar = self._busy_widgets()
        label.setText(message)
        label.setVisible(bool(message))
        bar.setVisible(bool(message))

    def quit_app(self) -> None:
        """File > Quit, Ctrl+Q and the tray's Quit: leave, tray or not."""
        self._quitting = True
        self.save_geometry()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    # Geometry and shutdown -----------------------------------------------------------------
    def _restore_geometry(self) -> None:
        saved = self.settings.get_str("window_geometry")
        restored = False
        if saved:
            try:
                from PySide6.QtCore import QByteArray  # only for a saved geometry

                restored = self.restoreGeometry(QByteArray(base64.b64decode(saved)))
            except ValueError:
                restored = False
        if not restored:
            self.resize(*DEFAULT_SIZE)
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        """Never larger than the screen the window is on, and on it."""
        screen = self.screen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        extra_w = frame.width() - self.width()
        extra_h = frame.height() - self.height()
        width = min(self.width(), area.width() - extra_w)
        height = min(self.height(), area.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        frame = self.frameGeometry()
        x = min(max(frame.x(), area.left()), area.right() - frame.width() + 1)
        y = min(max(frame.y(), area.top()), area.bottom() - frame.height() + 1)
        if (x, y) != (frame.x(), frame.y()):
            self.move(QPoint(x, y))

    def save_geometry(self) -> None:
        data = bytes(self.saveGeometry().data())
        try:
            self.settings.set("window_geometry", base64.b64encode(data).decode("ascii"))
        except Exception:  # a read-only or full disk must not stop the window from closing
            _log.warning("could not save the window geometry", exc_info=True)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        desktop = self.desktop
        if not self._quitting and desktop is not None and desktop.keeps_running_in_tray:
            self.hide()
            event.ignore()
            self._tell_about_tray_once()
            return
        self._closed = True
        super().closeEvent(event)

    def _tell_about_tray_once(self) -> None:
        if self.settings.get_bool("tray_notice_shown"):
            return
        try:
            self.settings.set("tray_notice_shown", True)
        except Exception:
            _log.warning("could not remember the tray notice", exc_info=True)
        # No parent (the window it would belong to is hidden): Python owns it, so it is kept
        # here and not deleted on close (Qt deleting it too would free it twice).
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, "Companion", TRAY_MESSAGE)
        box.setObjectName("trayNotice")
        box.open()
        self._tray_notice = box

    def shutdown(self) -> None:
        """Stop background work before the process exits."""
        self._closed = True
        self._unsubscribe_notices()
        self.changes.close()
        self.learning.shutdown()
        if self._lens is not None:
            self._lens.shutdown()
        if self._session is not None:
            self._session.close()
        if self.desktop is not None:
            self.desktop.shutdown()
        self.controller.cancel()  # a long translation stops at its next chunk
        from companion.ui.settings.packs_dialog import PacksDialog

        for dialog in self.findChildren(PacksDialog):
            dialog.reject()  # cancels a download in progress
        self.runner.wait_idle(5000)
