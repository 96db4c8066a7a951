"""Overlay window and the desktop integration around a small test window (offscreen)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from companion.settings import Settings
from companion.ui.desktop.overlay import (
    MIN_OPACITY,
    OverlayController,
    OverlayWindow,
    key_for_screen,
)


class DoubleWindow(QMainWindow):
    """What DesktopIntegration needs from the real main window (CompanionWindow), recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[tuple[str, str]] = []
        self.raised = 0
        self.toggled = 0
        self._input = ""
        self._result = ""
        self.statuses: list[str] = []
        self.busy: list[str] = []
        self.quits = 0

    def show_and_raise(self) -> None:
        self.raised += 1
        self.show()

    def toggle_visible(self) -> None:
        self.toggled += 1
        self.setVisible(not self.isVisible())

    def set_input_text(self, text: str, origin: str) -> None:
        self.inputs.append((text, origin))
        self._input = text
        self._result = f"EN[{text}]"

    def result_text(self) -> str:
        return self._result

    def input_text(self) -> str:
        return self._input

    def show_status(self, message: str, timeout_ms: int = 6000) -> None:
        self.statuses.append(message)

    def show_busy(self, message: str) -> None:
        self.busy.append(message)

    def quit_app(self) -> None:
        self.quits += 1


def test_opacity_is_clamped_and_synced(qtbot: QtBot) -> None:
    overlay = OverlayWindow()
    qtbot.addWidget(overlay)
    with qtbot.waitSignal(overlay.opacityChanged) as blocker:
        overlay.set_opacity(0.05)  # invisible would trap clicks on an always-on-top window
    assert blocker.args == [MIN_OPACITY]
    assert overlay.windowOpacity() == pytest.approx(MIN_OPACITY, abs=0.01)
    overlay.opacity_slider.setValue(80)
    assert overlay.opacity() == 0.8
    assert overlay.windowOpacity() == pytest.approx(0.8, abs=0.01)
    overlay.set_opacity(7)
    assert overlay.opacity() == 1.0


def test_window_is_compact_and_on_top(qtbot: QtBot) -> None:
    overlay = OverlayWindow(font_size=18)
    qtbot.addWidget(overlay)
    flags = overlay.windowFlags()
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert flags & Qt.WindowType.FramelessWindowHint
    assert overlay.result_box.font().pointSize() == 18
    overlay.show_texts("小红书" * 100, "RedNote")
    assert len(overlay.source_label.text()) <= 160 and overlay.result_text() == "RedNote"


def test_drag_release_snaps_to_the_nearest_edge(qtbot: QtBot) -> None:
    overlay = OverlayWindow()
    qtbot.addWidget(overlay)
    overlay.show()
    qtbot.waitExposed(overlay)
    area = QGuiApplication.primaryScreen().availableGeometry()
    overlay.move(area.right() - overlay.width() - 10, area.top() + 200)
    with qtbot.waitSignal(overlay.moved):
        overlay.snap_now()
    assert overlay.frameGeometry().right() == area.right()
    assert overlay.y() == area.top() + 200  # far from top/bottom: unchanged


def test_controller_remembers_position_per_screen(qtbot: QtBot) -> None:
    texts = ("你好", "Hello")
    saved: list[dict[str, list[float]]] = []
    controller = OverlayController(lambda: texts, {}, saved.append)
    qtbot.addWidget(controller.window)
    controller.show()
    assert controller.window.result_text() == "Hello"
    screen = QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    controller.window.move(area.left() + 5, area.top() + 5)  # near the top-left corner
    controller.window.snap_now()
    assert saved and saved[-1][key_for_screen(screen)] == [0.0, 0.0]
    controller.hide()
    controller.window.move(area.center())
    controller.show()  # comes back where it was on this screen
    assert controller.window.pos() == QPoint(area.left(), area.top())
    controller.close()


def test_integration_actions_settings_and_arguments(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    from companion.ui.desktop.integration import DesktopIntegration

    settings = Settings()
    settings.set("hotkey_show", "")  # never grab keys on a developer's real display
    settings.set("hotkey_translate_clipboard", "")
    window = DoubleWindow()
    qtbot.addWidget(window)
    desktop = DesktopIntegration(window, settings)
    actions = desktop.actions
    assert actions.overlay.isCheckable() and actions.clipboard_watch.isCheckable()
    assert not actions.clipboard_watch.isChecked()  # off by default

    actions.clipboard_watch.setChecked(True)
    assert settings.get("clipboard_watch") is True and desktop.clipboard.is_enabled()
    assert "(on)" in actions.clipboard_watch.text()
    with qtbot.waitSignal(desktop.clipboard.chineseCopied, timeout=3000):
        QGuiApplication.clipboard().setText("绝绝子")
    assert window.inputs[-1] == ("绝绝子", "clipboard")

    actions.overlay.setChecked(True)
    assert settings.get("overlay") is True and desktop.overlay.is_visible()
    qtbot.waitUntil(lambda: desktop.overlay.window.result_text() == "EN[绝绝子]")
    desktop.overlay.window.set_opacity(0.6)
    assert settings.get("overlay_opacity") == pytest.approx(0.6)
    desktop.overlay.window.closeRequested.emit()
    assert not actions.overlay.isChecked() and settings.get("overlay") is False

    desktop.handle_arguments(["--show"])
    assert window.raised >= 1
    QGuiApplication.clipboard().setText("种草")
    desktop.handle_arguments(["--translate-clipboard"])
    qtbot.waitUntil(lambda: window.inputs[-1] == ("种草", "hotkey"))

    bad = tmp_path / "bad.png"
    bad.write_text("not an image", encoding="utf-8")
    with qtbot.waitSignal(desktop.ocr.failed, timeout=10000):
        desktop.handle_arguments(["--ocr", str(bad)])
    assert "not an image" in desktop.status_message

    # An image file dropped on the window goes to OCR too.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad))])
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Qt delivers synthetic drops only during a real drag, so call the filter Qt would call.
    with qtbot.waitSignal(desktop.ocr.failed, timeout=10000):
        assert desktop.eventFilter(window, drop) is True
    text_only = QMimeData()
    text_only.setText("not an image")
    plain = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        text_only,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert desktop.eventFilter(window, plain) is False  # left to the text widgets

    desktop.shutdown()
    assert not desktop.clipboard.is_enabled()


# Region picker (the full-screen selection for screenshot OCR) -------------------------------
def test_region_picker_crops_in_device_pixels(qtbot: QtBot) -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QImage, QPixmap

    from companion.ui.desktop.region_capture import RegionPicker, logical_to_device

    assert logical_to_device(QRect(10, 20, 30, 40), 2.0, QRect(0, 0, 1000, 1000)) == QRect(
        20, 40, 60, 80
    )
    assert logical_to_device(QRect(90, 90, 50, 50), 1.0, QRect(0, 0, 100, 100)) == QRect(
        90, 90, 10, 10
    )
    # A "HiDPI" grab: 2 device pixels per logical pixel, red square at logical (50, 40).
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    for x in range(100, 140):
        for y in range(80, 120):
            image.setPixelColor(x, y, QColor("red"))
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(2.0)
    picker = RegionPicker(QGuiApplication.primaryScreen(), pixmap)
    qtbot.addWidget(picker)
    with qtbot.waitSignal(picker.picked) as blocker:
        picker.select(QRect(50, 40, 20, 20))
    crop = blocker.args[0]
    assert (crop.width(), crop.height()) == (40, 40)  # full resolution kept for OCR
    assert crop.pixelColor(20, 20) == QColor("red")


def test_region_picker_tiny_selection_cancels(qtbot: QtBot) -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPixmap

    from companion.ui.desktop.region_capture import RegionPicker

    pixmap = QPixmap(100, 100)
    picker = RegionPicker(QGuiApplication.primaryScreen(), pixmap)
    qtbot.addWidget(picker)
    with qtbot.waitSignal(picker.cancelled):
        picker.select(QRect(10, 10, 2, 2))


def test_the_global_shortcuts_are_named_in_the_menus(qtbot: QtBot) -> None:
    from companion.ui.desktop.integration import DesktopIntegration

    settings = Settings()
    window = DoubleWindow()
    qtbot.addWidget(window)
    desktop = DesktopIntegration(window, settings)  # not started: no keys grabbed here
    assert desktop.actions.show_hide.text() == "Show/hide Companion\tCtrl+Alt+C"
    assert desktop.actions.translate_clipboard.text() == "Translate clipboard\tCtrl+Alt+T"
    assert desktop.actions.show_hide.shortcut().isEmpty()  # the global listener has it
    settings.set("hotkey_translate_clipboard", "<ctrl>+<shift>+y")
    qtbot.waitUntil(
        lambda: desktop.actions.translate_clipboard.text() == "Translate clipboard\tCtrl+Shift+Y"
    )
    settings.set("hotkey_show", "")
    qtbot.waitUntil(lambda: desktop.actions.show_hide.text() == "Show/hide Companion")
    desktop.shutdown()


def test_ocr_shows_each_stage_with_a_busy_indicator(qtbot: QtBot) -> None:
    from PySide6.QtGui import QImage

    from companion.ocr import engine_available
    from companion.ui.desktop.integration import DesktopIntegration

    if not engine_available():
        pytest.skip("rapidocr_onnxruntime missing")
    from tests.test_ocr import render

    window = DoubleWindow()
    qtbot.addWidget(window)
    desktop = DesktopIntegration(window, Settings())
    with qtbot.waitSignal(desktop.ocr.finished, timeout=60_000):
        desktop.ocr.run_image(QImage.fromData(render([("隐私设置", 20, 60)])))
    stages = window.busy
    assert stages[0] == "Reading text from the image…" and stages[-1] == ""
    assert "Finding text…" in stages  # what the OCR core reported, as it went
    assert window.inputs[-1] == ("隐私设置", "ocr")
    desktop.shutdown()


def test_the_overlay_keeps_its_size_and_its_translation_for_a_long_text(qtbot: QtBot) -> None:
    texts = ("好" * 6000, "EN " * 3000)
    controller = OverlayController(lambda: texts, {}, lambda _p: None)
    qtbot.addWidget(controller.window)
    controller.show()
    qtbot.waitExposed(controller.window)
    size = controller.window.size()
    area = controller.window.screen().availableGeometry()
    assert area.contains(controller.window.frameGeometry())
    assert controller.window.result_box.isVisible()  # never only the Chinese
    assert controller.window.result_box.verticalScrollBar().maximum() > 0  # it scrolls
    assert controller.window.source_label.height() < controller.window.height() // 2
    texts = ("你好", "Hello")
    controller.refresh()
    assert controller.window.size() == size and controller.window.result_text() == "Hello"
    controller.close()
