"""The main window: the translation pane and the phrasebook, menus, status and packs.

It owns the long-lived pieces (task runner, offline engine) and wires widgets to them; the
translation flow itself is in :mod:`companion.ui.translate.controller`.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from companion import packs
from companion.engines.offline import OfflineEngine
from companion.service import build_translator, prepare_dictionary
from companion.settings import Settings
from companion.translator import SentenceCache, Translator
from companion.ui.about import show_about
from companion.ui.tasks import TaskRunner
from companion.ui.translate.controller import TranslationController
from companion.ui.translate.pane import TranslationPane
from companion.wordlist import WordToSave, save_word


class MainWindow(QMainWindow):
    """Companion's window. The desktop integration calls the small public API at the end."""

    warmedUp = Signal()  # offline models loaded after the first paint

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Companion")
        self.setObjectName("companionMainWindow")
        self.settings = settings or Settings()
        self.runner = TaskRunner(self)
        self.offline = OfflineEngine()
        self.sentence_cache = SentenceCache()  # outlives translators rebuilt by settings
        self._first_paint_done = False
        self.desktop: object | None = None

        self.tabs = QTabWidget(self)
        self.pane = TranslationPane(self.tabs)
        self.tabs.addTab(self.pane, "Translate")
        self._phrasebook_host = QWidget(self.tabs)
        self.tabs.addTab(self._phrasebook_host, "Phrasebook")
        self.phrasebook_panel: QWidget | None = None
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)

        self.controller = TranslationController(
            self.pane, self.runner, self._make_translator, self.settings
        )
        self.pane.copyRequested.connect(self.copy_result)
        self.pane.banner.downloadRequested.connect(self.open_packs_dialog)
        self.pane.banner.installFromFileRequested.connect(self.install_pack_from_file)
        self.controller.resultShown.connect(self._result_shown)
        self.pane.ruby.saveRequested.connect(self.save_word)

        self.status_label = QLabel("", self)
        self.statusBar().addWidget(self.status_label, 1)
        self._build_menus()
        self.apply_font_size()
        self._restore_geometry()

    # Construction ------------------------------------------------------------------------
    def _make_translator(self) -> Translator:
        return build_translator(self.settings, offline=self.offline, cache=self.sentence_cache)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.action_packs = QAction("Language packs…", self)
        self.action_packs.triggered.connect(self.open_packs_dialog)
        self.action_install_file = QAction("Install language pack from file…", self)
        self.action_install_file.triggered.connect(self.install_pack_from_file)
        quit_action = QAction("Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self._quit)
        file_menu.addActions([self.action_packs, self.action_install_file])
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

        edit_menu = menu.addMenu("&Edit")
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
        edit_menu.addAction(self.action_settings)

        self.view_menu = menu.addMenu("&View")
        self.action_phrasebook = QAction("Phrasebook", self)
        self.action_phrasebook.setShortcut(QKeySequence("Ctrl+P"))
        self.action_phrasebook.triggered.connect(lambda: self.tabs.setCurrentIndex(1))
        self.view_menu.addAction(self.action_phrasebook)
        self.tools_menu = menu.addMenu("&Tools")

        help_menu = menu.addMenu("&Help")
        about = QAction("About Companion", self)
        about.triggered.connect(lambda: show_about(self))
        help_menu.addAction(about)

    def add_desktop_actions(self, actions: list[QAction], menu: str = "tools") -> None:
        """Put the desktop integration's actions (overlay, OCR, speech...) in a menu."""
        target = self.view_menu if menu == "view" else self.tools_menu
        target.addActions(actions)

    # First paint and background warm-up ------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._first_paint_done:
            self._first_paint_done = True
            self.pane.input.setFocus()
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        """Load packs and the dictionary once the window is up, so the first paste is warm."""
        installed = {(p.from_code, p.to_code) for p in packs.list_installed()}

        def warm() -> int:
            loaded = 0
            for pair in (("zh", "en"), ("en", "zh")):
                if pair in installed:
                    self.offline.warm(*pair)
                    loaded += 1
            self.controller.translator()  # builds the glossary in this thread too
            return loaded

        def warmed(count: int) -> None:
            self.status_label.setText(
                "Ready: translation works offline." if count else "No language pack installed."
            )
            self.warmedUp.emit()

        def warm_failed(exc: BaseException) -> None:
            self.status_label.setText(f"Could not load the language pack: {exc}")
            self.warmedUp.emit()

        self.status_label.setText("Loading language packs…" if installed else "")
        self.runner.run_local(warm, on_done=warmed, on_error=warm_failed)
        self.runner.run_network(prepare_dictionary)
        if not installed and not self.settings.get("first_run_done"):
            QTimer.singleShot(300, self._first_run_prompt)

    def _first_run_prompt(self) -> None:
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

    # Packs ---------------------------------------------------------------------------------
    def open_packs_dialog(self, start_download: bool = False) -> None:
        from companion.ui.settings.packs_dialog import PacksDialog

        dialog = PacksDialog(self.settings, self.runner, self)
        dialog.packsChanged.connect(self.packs_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        if start_download:
            dialog.start_download()

    def install_pack_from_file(self) -> None:
        from companion.ui.settings.packs_dialog import PacksDialog

        dialog = PacksDialog(self.settings, self.runner, self)
        dialog.packsChanged.connect(self.packs_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        dialog.choose_file()

    def packs_changed(self) -> None:
        self.offline.forget()
        self.sentence_cache.drop_engine(self.offline.info.name)
        self.controller.reset_translator()
        if self.pane.text().strip():
            self.controller.translate_now()

    # Settings ------------------------------------------------------------------------------
    def open_settings(self) -> None:
        from companion.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        dialog.applied.connect(self.settings_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def settings_changed(self) -> None:
        self.apply_font_size()
        apply_desktop = getattr(self.desktop, "apply_settings", None)
        if callable(apply_desktop):
            apply_desktop()
        self.controller.reset_translator()
        self.controller.update_reading_aids(self.pane.text())
        if self.pane.text().strip():
            self.controller.translate_now()

    def apply_font_size(self) -> None:
        size = int(self.settings.get("font_size"))
        for widget in (self.pane.input, self.pane.output, self.pane.back_output):
            font = QFont(widget.font())
            font.setPointSize(size)
            widget.setFont(font)
        self.pane.ruby.set_style(
            str(self.settings.get("tone_colors")), str(self.settings.get("pinyin_style"))
        )

    # Phrasebook tab ------------------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        if index == 1 and self.phrasebook_panel is None:
            from PySide6.QtWidgets import QVBoxLayout

            from companion.ui.phrasebook.panel import PhrasebookPanel

            panel = PhrasebookPanel(self._phrasebook_host, runner=self.runner)
            layout = QVBoxLayout(self._phrasebook_host)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(panel)
            panel.insertRequested.connect(self._insert_phrase)
            self.phrasebook_panel = panel

    def _insert_phrase(self, text: str) -> None:
        self.tabs.setCurrentIndex(0)
        self.set_input_text(text, "phrasebook")

    def save_word(self, word: WordToSave) -> None:
        """The popup's "Save word": kept in the database for the learning list."""
        added = save_word(word)
        message = "saved" if added else "already in your saved words"
        self.statusBar().showMessage(f"{word.simplified}: {message}", 3000)

    # Results -------------------------------------------------------------------------------
    def _result_shown(self, _result: object) -> None:
        self.status_label.setText("")

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

    # Public API for the desktop integration -----------------------------------------------
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
        self.tabs.setCurrentIndex(0)
        self.pane.set_text(text)
        self.controller.translate_now()
        if origin in ("clipboard", "ocr", "hotkey"):
            self.statusBar().showMessage(f"Text from {origin}", 3000)

    def result_text(self) -> str:
        return self.pane.result_text()

    def input_text(self) -> str:
        return self.pane.text()

    # Geometry and shutdown -----------------------------------------------------------------
    def _restore_geometry(self) -> None:
        saved = str(self.settings.get("window_geometry"))
        restored = False
        if saved:
            try:
                restored = self.restoreGeometry(QByteArray(base64.b64decode(saved)))
            except ValueError:
                restored = False
        if not restored:
            self.resize(520, 760)

    def save_geometry(self) -> None:
        data = bytes(self.saveGeometry().data())
        self.settings.set("window_geometry", base64.b64encode(data).decode("ascii"))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        tray_keeps_running = bool(getattr(self.desktop, "keeps_running_in_tray", False))
        if tray_keeps_running:
            self.hide()
            event.ignore()
            return
        super().closeEvent(event)

    def _quit(self) -> None:
        self.save_geometry()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def shutdown(self) -> None:
        """Stop background work before the process exits."""
        shutdown = getattr(self.desktop, "shutdown", None)
        if callable(shutdown):
            shutdown()
        self.controller.cancel()  # a long translation stops at its next chunk
        from companion.ui.settings.packs_dialog import PacksDialog

        for dialog in self.findChildren(PacksDialog):
            dialog.reject()  # cancels a download in progress
        self.runner.wait_idle(5000)
