"""The Qt half of ``companion --self-test``: the real window, Chinese glyphs, a label for OCR.

The window is built the way ``companion.ui.app.run_app`` builds it (main window plus desktop
integration), minus the single-instance guard, on the real display when there is one and
offscreen otherwise. Glyphs are checked twice: every character must map to a real glyph of
some installed font (glyph index 0 is the font's "missing glyph", drawn as a box or blank),
and each glyph's rendered pixels must have ink and differ from that missing-glyph image, so a
font that maps everything to one box shape is caught too.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEventLoop,
    QIODevice,
    QMessageLogContext,
    QRectF,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QRawFont, QTextLayout
from PySide6.QtWidgets import QApplication

GLYPH_SAMPLE = "小红书种草拔草避雷绝绝子宝子們"  # simplified and one traditional character
WINDOW_TIMEOUT_S = 60.0
PINYIN_TIMEOUT_S = 90.0  # a source run builds the dictionary cache first (~10 s on 2 cores)
CJK_FAMILIES = ["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC"]
GRAY = QRawFont.AntialiasingType.PixelAntialiasing


log = logging.getLogger(__name__)


def _log_qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    log.debug("Qt %s: %s", kind.name, message)


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def wait_until(predicate: Callable[[], object], timeout: float) -> bool:
    """Run the event loop until ``predicate()`` is true or ``timeout`` seconds pass."""
    if predicate():
        return True
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(lambda: loop.quit() if predicate() else None)
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    poll.start()
    loop.exec()
    poll.stop()
    return bool(predicate())


def _ink(image: QImage) -> tuple[int, bytes]:
    """How many pixels carry ink, and the pixels themselves (8-bit alpha)."""
    gray = image.convertToFormat(QImage.Format.Format_Alpha8)
    width, height = gray.width(), gray.height()
    data = bytes(gray.constBits())[: gray.bytesPerLine() * height]
    rows = [data[y * gray.bytesPerLine() : y * gray.bytesPerLine() + width] for y in range(height)]
    pixels = b"".join(rows)
    return sum(1 for value in pixels if value > 40), pixels


class GuiSession:
    """The open window of a self-test, with the checks that need it."""

    def __init__(self, app: QApplication, window: Any, timings: dict[str, float]) -> None:
        self.app = app
        self.window = window
        self.timings = timings
        self.started = 0.0
        self.platform = QApplication.platformName()

    @classmethod
    def open(cls, started: float, quiet: bool = False) -> GuiSession:
        """Show the main window; ``started`` is the process start (``time.time()``).

        ``quiet`` sends Qt's own warnings (offscreen plugin notes...) to the log instead of
        the terminal, so the self-test's output is its report alone.
        """
        if quiet:
            qInstallMessageHandler(_log_qt_message)
        if not _has_display():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "companion"])
        assert isinstance(app, QApplication)
        from companion import APP_NAME

        app.setApplicationName(APP_NAME)
        font = QFont(app.font())
        font.setFamilies([font.family(), *CJK_FAMILIES])
        app.setFont(font)

        from companion.settings import Settings
        from companion.ui.desktop.integration import DesktopIntegration
        from companion.ui.main_window import MainWindow

        settings = Settings()
        settings.set("first_run_done", True)  # a throwaway profile: no welcome dialog
        window = MainWindow(settings)
        window.desktop = DesktopIntegration(window, settings)
        window.show()
        handle = window.windowHandle()
        if not wait_until(lambda: handle is not None and handle.isExposed(), WINDOW_TIMEOUT_S):
            window.shutdown()
            window.deleteLater()
            raise AssertionError(f"the window was not shown within {WINDOW_TIMEOUT_S:.0f} s")
        app.processEvents()
        session = cls(app, window, {"window_shown_s": round(time.time() - started, 3)})
        session.started = started
        return session

    def show_pinyin(self, text: str) -> float:
        """Paste ``text`` into the window; seconds from process start until its pinyin shows."""
        controller = self.window.controller
        seen: list[bool] = []
        controller.pinyinShown.connect(lambda: seen.append(True))
        self.window.set_input_text(text, "selftest")

        def shown() -> bool:
            words = self.window.pane.ruby.words()
            return bool(seen) and any(w.is_chinese and w.pinyin for w in words)

        if not wait_until(shown, PINYIN_TIMEOUT_S):
            raise AssertionError(f"no pinyin shown for {text} within {PINYIN_TIMEOUT_S:.0f} s")
        return time.time() - self.started

    def check_glyphs(self) -> str:
        font = QFont(self.app.font())
        font.setPixelSize(48)
        layout = QTextLayout(GLYPH_SAMPLE, font)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(100_000)
        layout.endLayout()
        glyphs: list[tuple[QRawFont, int]] = []
        for run in layout.glyphRuns():
            raw = run.rawFont()
            glyphs.extend((raw, int(index)) for index in run.glyphIndexes())
        families = sorted({raw.familyName() for raw, _ in glyphs})
        missing = sum(1 for _raw, index in glyphs if index == 0)
        if len(glyphs) < len(GLYPH_SAMPLE) or missing:
            raise AssertionError(
                f"{missing or len(GLYPH_SAMPLE) - len(glyphs)} of {len(GLYPH_SAMPLE)} Chinese "
                f"characters have no glyph in the fonts found ({', '.join(families) or 'none'}): "
                "they show as boxes. Install a CJK font (Debian/Ubuntu: fonts-noto-cjk)"
            )
        images = set()
        for raw, index in glyphs:
            ink, pixels = _ink(raw.alphaMapForGlyph(index, GRAY))
            _none, box = _ink(raw.alphaMapForGlyph(0, GRAY))
            if ink == 0 or pixels == box:
                raise AssertionError(
                    f"glyph {index} of {raw.familyName()} renders blank or as the missing-glyph box"
                )
            images.add(pixels)
        if len(images) < len(set(GLYPH_SAMPLE)):
            raise AssertionError(
                f"{len(set(GLYPH_SAMPLE))} different characters render as only {len(images)} "
                "different shapes: the font draws boxes"
            )
        return f"{len(glyphs)} characters drawn with real glyphs ({', '.join(families)})"

    def render_label(self, text: str) -> bytes:
        """``text`` drawn black on white as a PNG, like a line of an app's interface."""
        font = QFont(self.app.font())
        font.setPixelSize(40)
        image = QImage(80 + 48 * len(text), 120, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setFont(font)
        painter.setPen(QColor("black"))
        painter.drawText(QRectF(image.rect()), int(Qt.AlignmentFlag.AlignCenter), text)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes
        buffer.close()
        return bytes(data.data())

    def close(self) -> None:
        self.window.shutdown()
        self.window.hide()
        self.window.deleteLater()
        self.app.processEvents()
