"""Starting the desktop app: logging, one instance, the window, the desktop integration.

One instance per user: the first takes a lock before its window (:mod:`.desktop.instance_lock`)
and listens for other launches right after the first paint (:mod:`.desktop.single_instance`);
a later launch hands its arguments over and exits.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.settings import Settings
    from companion.ui.desktop.instance_lock import InstanceLock
    from companion.ui.desktop.integration import DesktopIntegration
    from companion.ui.desktop.single_instance import SingleInstance
    from companion.ui.main_window import MainWindow

NO_DISPLAY_MESSAGE = (
    "Companion needs a display, and none was found (DISPLAY and WAYLAND_DISPLAY are unset).\n"
    "Run it on a virtual screen:  xvfb-run -a python -m companion\n"
    "or with no window system:    QT_QPA_PLATFORM=offscreen python -m companion"
)
APP_ID = "companion-desktop"
LISTEN_LATEST_MS = 5000  # the instance listens after its first paint, or this long after start


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def build_window(settings: Settings | None = None) -> tuple[MainWindow, DesktopIntegration]:
    """The main window with its desktop integration, wired as the app runs them (benches and
    tests build the real thing with this). Nothing here waits on X, the dictionary or a model:
    the integration starts (hotkeys, tray) when the window has painted its first frame."""
    from companion.settings import Settings
    from companion.ui.desktop.integration import DesktopIntegration
    from companion.ui.main_window import MainWindow

    window = MainWindow(settings or Settings())
    desktop = DesktopIntegration(window, window.settings, window.runner)
    window.attach_desktop(desktop)
    actions = desktop.actions
    window.add_desktop_actions([actions.overlay, None, actions.show_hide], menu="view")
    window.add_desktop_actions(
        [
            actions.translate_clipboard,
            actions.clipboard_watch,
            None,
            actions.ocr_region,
            actions.ocr_image,
            None,
            actions.speak_input,
            actions.speak_result,
        ]
    )
    window.firstPainted.connect(desktop.start)  # hotkeys connect to X: not before the paint
    return window, desktop


def run_app(args: list[str]) -> int:
    """Run the GUI; ``args`` are the desktop flags (--show, --translate-clipboard, --ocr)."""
    # Flags only, except the image after --ocr ("--ocr shot.png").
    unknown = [
        a
        for i, a in enumerate(args)
        if not a.startswith("--") and (i == 0 or args[i - 1] != "--ocr")
    ]
    if unknown:
        print(
            f"companion: unknown command {unknown[0]!r} (see python -m companion --help)",
            file=sys.stderr,
        )
        return 2
    if not _has_display():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 2
    # Start-up allocates tens of thousands of objects that live on (modules, Qt types and their
    # enums, widgets): the ~60 garbage collections among them find next to nothing and cost the
    # first paint ~10 ms. The collector is back once the window has painted (see _run_gui).
    gc.disable()
    try:
        return _run_gui(args)
    finally:
        gc.enable()


def _run_gui(args: list[str]) -> int:
    """The app itself, with the garbage collector off until the first paint."""
    from companion import logs

    # The rotating log file (keys scrubbed), uncaught exceptions and the task layer's
    # tracebacks included; --verbose adds DEBUG lines on stderr. Its INFO lines wait in memory
    # until the window has painted (a warning is written at once).
    logs.setup(gui=True, verbose="--verbose" in args, hold=True)
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QFont, QGuiApplication
    from PySide6.QtWidgets import QApplication

    from companion import APP_NAME

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        __import__(
            "PySide6.QtCore", fromlist=["Qt"]
        ).Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication([sys.argv[0], *args])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("io.github.companion_app.Companion")  # = the .desktop file's name
    font = QFont(app.font())
    # Prefer a CJK-complete family so Chinese never falls back to boxes or mixed glyphs.
    font.setFamilies([font.family(), "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC"])
    app.setFont(font)

    instance: SingleInstance | None = None
    lock: InstanceLock | None = None
    if not os.environ.get("COMPANION_MULTI_INSTANCE"):
        from companion.ui.desktop.instance_lock import InstanceLock

        lock = InstanceLock(APP_ID)
        held = lock.acquire()
        if held is not True or lock.socket_answers():
            # An instance runs or is starting (or there is no lock here, or an older Companion
            # listens without one): settle it over the socket before drawing any window.
            claimed = _claim_over_socket(args, lock, held)
            if isinstance(claimed, int):
                return claimed
            instance = claimed

    window, desktop = build_window()
    window.firstPainted.connect(gc.enable)
    QTimer.singleShot(LISTEN_LATEST_MS, gc.enable)  # a window never drawn collects all the same
    window.firstPainted.connect(logs.release_held)
    listening: list[SingleInstance] = [instance] if instance is not None else []
    if instance is not None:
        instance.argumentsReceived.connect(desktop.handle_arguments)
    elif lock is not None:

        def listen_after_paint() -> None:
            """The lock kept other launches waiting; now they can hand over."""
            if listening:
                return  # once: after the first paint, or the fallback below
            from companion.ui.desktop.single_instance import SingleInstance

            late = SingleInstance(APP_ID)
            if not late.listen():
                logging.getLogger(__name__).warning("could not listen for other launches")
            late.argumentsReceived.connect(desktop.handle_arguments)
            listening.append(late)

        window.firstPainted.connect(listen_after_paint)
        # A window that is never drawn (no expose from the window system) still listens.
        QTimer.singleShot(LISTEN_LATEST_MS, listen_after_paint)
    window.show()
    if args:
        desktop.handle_arguments(args)
    code = app.exec()
    window.shutdown()
    for server in listening:
        server.close()
    if lock is not None:
        lock.release()
    logs.shutdown()
    return int(code)


def _claim_over_socket(
    args: list[str], lock: InstanceLock, held: bool | None
) -> int | SingleInstance:
    """Hand ``args`` to the running instance (an exit code: 0 handed over, 1 it never
    answered), or become the instance: listening, before the window (the old way, where
    there is no lock or a socket was left behind)."""
    from companion.ui.desktop.single_instance import SingleInstance

    instance = SingleInstance(APP_ID)
    if held is False:
        outcome = instance.forward_when_ready(args, lock)
        if outcome is True:
            return 0
        if outcome is None:
            print(
                "companion: another Companion is starting or running but does not answer; "
                "close it, or start this one with COMPANION_MULTI_INSTANCE=1",
                file=sys.stderr,
            )
            return 1
        # False: it ended meanwhile, and this process holds the lock now.
    elif instance.try_forward(args):
        return 0
    instance.listen()
    return instance
