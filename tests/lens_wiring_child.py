"""The app's window with its desktop integration, put together as ``companion.ui.app`` does,
on a real X server, driven line by line by tests/test_lens_wiring_xvfb.py.

Prints ``MENU``/``TRAY`` (the entries), ``HOTKEYS`` (the listener's status), ``PICKER`` when
the Lens's region picker is up (the global shortcut was pressed), ``LABELS n`` and ``LABEL
x y`` (the global centre of the 关注 label) once an image is read, ``CARD x y`` (its Save
button) once a click pinned the card, ``SAVED word origin`` and ``STATUS text``.
Commands on stdin: ``cancel``, ``open PATH``, ``quit``.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from companion.settings import Settings
from companion.ui.desktop.integration import DesktopIntegration
from companion.ui.lens.picker import LensPicker
from companion.ui.main_window import MainWindow


def say(*parts: object) -> None:
    print(*parts, flush=True)


def picker() -> LensPicker | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, LensPicker) and widget.isVisible():
            return widget
    return None


def main() -> int:
    app = QApplication([sys.argv[0]])
    settings = Settings()
    settings.set("first_run_done", True)
    settings.set("hotkey_show", "")  # only the Lens's (default) shortcut is grabbed
    settings.set("hotkey_translate_clipboard", "")
    window = MainWindow(settings)
    desktop = DesktopIntegration(window, settings, window.runner)
    window.attach_desktop(desktop)
    actions = desktop.actions
    window.add_desktop_actions([actions.translate_clipboard, None, actions.ocr_region])
    window.firstPainted.connect(desktop.start)
    window.move(0, 0)
    window.show()
    lens = window.lens
    state: dict[str, Any] = {"picker": False, "card": False}

    def started() -> None:
        say("MENU", "|".join(a.text() for a in window.tools_menu.actions() if a.text()))
        say("TRAY", "|".join(a.text() for a in desktop.tray.menu.actions() if a.text()))
        if desktop.hotkeys.wait_ready():
            say("HOTKEYS", desktop.hotkeys.status)
        else:
            say("HOTKEYS", "not running:", desktop.hotkeys.status)

    window.firstPainted.connect(lambda: QTimer.singleShot(0, started))

    def poll() -> None:
        shown = picker()
        if shown is not None and not state["picker"]:
            state["picker"] = True
            say("PICKER", shown.width(), shown.height())
        controller = lens.controller
        card = controller.card if controller is not None else None
        if card is not None and card.body.isVisible() and not state["card"]:
            state["card"] = True
            button = card.save_button
            centre = button.mapToGlobal(button.rect().center())
            say("CARD", centre.x(), centre.y())

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)

    def read(screen: Any) -> None:
        controller = lens.controller
        viewer = controller.viewer if controller is not None else None
        if viewer is None or any(not line.drawn for line in screen.lines if line.text == "关注"):
            return
        placed = [p for p in viewer.canvas.placed if p.line.text == "关注"]
        if placed:
            centre = viewer.canvas.mapToGlobal(placed[0].patch.center().toPoint())
            say("LABELS", sum(1 for line in screen.lines if line.drawn))
            say("LABEL", centre.x(), centre.y())

    def saved(outcome: Any) -> None:
        say("SAVED", outcome.word.simplified, outcome.word.origin)
        say("STATUS", window.statusBar().currentMessage())

    window.learning.wordSaved.connect(saved)

    def command() -> None:
        line = sys.stdin.readline().strip()
        if line == "cancel":
            shown = picker()
            if shown is not None:
                QTest.keyClick(shown, Qt.Key.Key_Escape)
            say("CANCELLED", picker() is None)
        elif line.startswith("open "):
            desktop.handle_arguments([f"--lens={line[5:]}"])  # as `companion --lens=IMAGE`
            controller = lens.controller
            assert controller is not None and controller.viewer is not None
            controller.screen_read.connect(read)
            controller.viewer.move(0, 0)
            controller.viewer.resize(700, 900)
        elif line == "quit" or not line:
            window.quit_app()

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(command)
    code = app.exec()
    timer.stop()
    window.shutdown()
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
