"""Desktop integration against a real X server (Xvfb) and real other processes.

One app process (DesktopIntegration around a small test window) is driven from here:
- a copy made by another program (xclip) is seen by clipboard watch;
- a copy marked secret (x-kde-passwordManagerHint) by another Qt process is ignored;
- Companion's own copy is ignored, yet offered to other apps with its marker;
- global hotkeys fire on chords sent with xdotool;
- a second launch hands ``--translate-clipboard`` / ``--show`` over the single-instance socket.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(
        not (shutil.which("xclip") and shutil.which("xdotool")), reason="needs xclip and xdotool"
    ),
]

APP = r"""
import sys
from PySide6.QtCore import QProcess, QSocketNotifier
from PySide6.QtWidgets import QApplication, QMainWindow

from companion.settings import Settings
from companion.ui.desktop.clipboard_watch import copy_to_clipboard
from companion.ui.desktop.integration import DesktopIntegration
from companion.ui.desktop.single_instance import SingleInstance

def say(*parts):
    print(*parts, flush=True)

class Window(QMainWindow):
    def show_and_raise(self): say("RAISE")
    def toggle_visible(self): say("TOGGLE")
    def set_input_text(self, text, origin): say("INPUT", origin, text.replace("\n", " "))
    def result_text(self): return ""
    def input_text(self): return ""
    def show_status(self, message, timeout_ms=6000): say("STATUS", message)
    def show_busy(self, message): pass
    def quit_app(self): say("QUIT")

app = QApplication([])
settings = Settings()
settings.set("hotkey_show", "<ctrl>+<alt>+j")
settings.set("hotkey_translate_clipboard", "<ctrl>+<alt>+k")
settings.set("clipboard_watch", True)
window = Window()
desktop = DesktopIntegration(window, settings)
desktop.clipboard.ignored.connect(lambda reason: say("IGNORED", reason))
instance = SingleInstance(sys.argv[1])
instance.listen()
instance.argumentsReceived.connect(desktop.handle_arguments)
processes = []

def command():
    line = sys.stdin.readline().strip()
    name, _, arg = line.partition(" ")
    if name == "owncopy":
        copy_to_clipboard(arg)
    elif name == "targets":
        # The app owns the clipboard: a blocking subprocess would deadlock, QProcess does not.
        proc = QProcess()
        processes.append(proc)
        proc.finished.connect(
            lambda *_: say("TARGETS", bytes(proc.readAllStandardOutput().data()).decode().split())
        )
        proc.start("xclip", ["-o", "-selection", "clipboard", "-t", "TARGETS"])
    elif name in ("quit", ""):
        desktop.shutdown()
        app.quit()

notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
notifier.activated.connect(command)
desktop.start()  # the app starts hotkeys after its first paint
say("HOTKEYS", desktop.hotkeys.status)
desktop.hotkeys.wait_ready()
say("READY")
app.exec()
"""

SECRET_SETTER = r"""
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
mime = QMimeData()
mime.setText("密码是小红书123")
mime.setData("x-kde-passwordManagerHint", b"secret")
QGuiApplication.clipboard().setMimeData(mime)
print("SET", flush=True)
app.exec()
"""

FORWARD = r"""
import sys
from PySide6.QtCore import QCoreApplication
from companion.ui.desktop.single_instance import SingleInstance
app = QCoreApplication([])
sys.exit(0 if SingleInstance(sys.argv[1]).try_forward(sys.argv[2:]) else 3)
"""


class Child:
    """A process whose stdout lines we wait for (never a fixed sleep)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            args, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.lines: list[str] = []
        self._pending = b""

    def expect(self, prefix: str, timeout: float = 20.0) -> str:
        """The next line starting with ``prefix``; reads raw bytes so nothing hides in a buffer."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self._pending:
                raw, self._pending = self._pending.split(b"\n", 1)
                line = raw.decode("utf-8", errors="replace")
                self.lines.append(line)
                if line.startswith(prefix):
                    return line
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                self._pending += chunk
        raise AssertionError(f"no line starting {prefix!r}; got {self.lines}")

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def x_env(xvfb_display: str) -> dict[str, str]:
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(REPO))
    env.pop("WAYLAND_DISPLAY", None)
    return env


@pytest.fixture
def helpers() -> Iterator[list[Child]]:
    started: list[Child] = []
    yield started
    for child in started:
        child.stop()


def test_desktop_features_on_a_real_x_server(x_env: dict[str, str], helpers: list[Child]) -> None:
    app_id = f"companion-xvfb-{uuid.uuid4().hex[:8]}"
    app = Child([sys.executable, "-c", APP, app_id], x_env)
    helpers.append(app)
    assert "on:" in app.expect("HOTKEYS", timeout=30)
    app.expect("READY", timeout=30)

    # 1. Another program copies Chinese: clipboard watch sees it.
    xclip = subprocess.Popen(
        ["xclip", "-selection", "clipboard", "-i"], env=x_env, stdin=subprocess.PIPE
    )
    assert xclip.stdin is not None
    xclip.stdin.write("小红书真好玩".encode())
    xclip.stdin.close()
    assert app.expect("INPUT") == "INPUT clipboard 小红书真好玩"
    xclip.wait(timeout=10)  # xclip forks a child that keeps the selection; the parent exits

    # 2. A password manager's concealed copy (two targets at once, so another Qt process).
    secret = Child([sys.executable, "-c", SECRET_SETTER], x_env)
    helpers.append(secret)
    secret.expect("SET")
    assert app.expect("IGNORED") == "IGNORED concealed"

    # 3. Companion's own copy: ignored by the watch, but other apps see it with the marker.
    app.send("owncopy 我们的翻译")
    assert app.expect("IGNORED") == "IGNORED own"
    app.send("targets")
    targets = app.expect("TARGETS")
    assert "application/x-companion-own-copy" in targets and "UTF8_STRING" in targets

    # 4. Global hotkeys fire on real key chords.
    subprocess.run(["xdotool", "key", "ctrl+alt+j"], env=x_env, check=True, timeout=20)
    app.expect("TOGGLE")
    subprocess.run(["xdotool", "key", "ctrl+alt+k"], env=x_env, check=True, timeout=20)
    assert app.expect("INPUT") == "INPUT hotkey 我们的翻译"

    # 5. A second launch (what a Wayland desktop shortcut runs) hands over its arguments.
    forward = subprocess.run(
        [sys.executable, "-c", FORWARD, app_id, "--show"], env=x_env, timeout=30
    )
    assert forward.returncode == 0
    app.expect("RAISE")

    app.send("quit")
    assert app.proc.wait(timeout=20) == 0
    xclip.terminate()
    xclip.wait(timeout=10)


MENU_GRAB = r"""
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from companion.settings import Settings
from companion.ui.desktop.integration import DesktopIntegration
from companion.ui.main_window import MainWindow

def say(*parts):
    print(*parts, flush=True)

def difference(a: QImage, b: QImage) -> float:
    # mean absolute difference of grey levels, sampled on a grid
    total = count = 0
    for x in range(0, min(a.width(), b.width()), 3):
        for y in range(0, min(a.height(), b.height()), 3):
            total += abs(a.pixelColor(x, y).lightness() - b.pixelColor(x, y).lightness())
            count += 1
    return total / max(count, 1)

app = QApplication([])
settings = Settings()
settings.set("first_run_done", True)
settings.set("hotkey_show", "")
settings.set("hotkey_translate_clipboard", "")
window = MainWindow(settings)
desktop = DesktopIntegration(window, settings, window.runner)
window.attach_desktop(desktop)
window.add_desktop_actions([desktop.actions.ocr_region, desktop.actions.ocr_image])
window.resize(700, 500)
window.move(0, 0)
window.show()
menu = window.tools_menu
state = {}

def open_menu():
    state["before"] = window.grab().toImage()
    menu.popup(window.mapToGlobal(QPoint(60, 40)))
    QTimer.singleShot(300, choose)

def choose():
    state["rect"] = menu.geometry()
    state["menu"] = menu.grab().toImage()
    say("MENU", menu.isVisible(), state["rect"].width(), state["rect"].height())
    menu.setActiveAction(desktop.actions.ocr_region)
    QTest.keyClick(menu, Qt.Key.Key_Return)  # the menu closes and triggers, as for a user
    QTimer.singleShot(50, wait_for_picker)

def wait_for_picker():
    picker = desktop._picker
    if picker is None:
        QTimer.singleShot(50, wait_for_picker)
        return
    rect = state["rect"]
    grabbed = picker.pixmap().copy(rect).toImage()
    under = state["before"].copy(rect.translated(-window.geometry().topLeft()))
    say("DIFF_MENU", round(difference(grabbed, state["menu"]), 1))
    say("DIFF_WINDOW", round(difference(grabbed, under), 1))
    picker.cancelled.connect(app.quit)
    QTest.keyClick(picker, Qt.Key.Key_Escape)

window.firstPainted.connect(lambda: QTimer.singleShot(500, open_menu))
QTimer.singleShot(60_000, lambda: app.exit(3))
code = app.exec()
window.shutdown()
say("EXIT", code)
"""


def test_read_text_from_screen_grabs_after_the_menu_has_closed(
    x_env: dict[str, str], helpers: list[Child]
) -> None:
    from companion.ocr import engine_available

    if not engine_available():
        pytest.skip("rapidocr_onnxruntime missing: the OCR actions are disabled")
    app = Child([sys.executable, "-c", MENU_GRAB], x_env)
    helpers.append(app)
    assert app.expect("MENU", timeout=60).startswith("MENU True")
    on_menu = float(app.expect("DIFF_MENU", timeout=30).split()[1])
    on_window = float(app.expect("DIFF_WINDOW", timeout=30).split()[1])
    # The picture holds the window under the menu, not the menu.
    assert on_window < 5 < on_menu, (on_window, on_menu)
    assert app.expect("EXIT", timeout=30) == "EXIT 0"
