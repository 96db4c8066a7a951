"""Runs OCR off the GUI thread and reports progress, the result or a one-line error.

One worker thread of its own: OCR takes seconds and must not queue behind (or block) the
translation worker; jobs run one at a time because the ONNX engine is shared.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage

from companion.ocr import OcrError, OcrResult, recognize


def image_to_png(image: QImage) -> bytes:
    """Encode a QImage (a screen grab or a pasted image) for the Qt-free OCR core."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes, runtime wants str
    buffer.close()
    return bytes(data.data())


class _Signals(QObject):
    progress = Signal(str)
    finished = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, source: str | bytes, signals: _Signals) -> None:
        super().__init__()
        self._source = source
        self._signals = signals

    def run(self) -> None:
        try:
            result = recognize(self._source, self._signals.progress.emit)
        except OcrError as exc:
            self._signals.failed.emit(str(exc))
            return
        except Exception as exc:  # never lose an error in a thread
            self._signals.failed.emit(f"OCR failed: {type(exc).__name__}: {exc}")
            return
        self._signals.finished.emit(result)


class OcrWorker(QObject):
    """``run(path_or_png_bytes)``; signals arrive on the GUI thread."""

    started = Signal()
    progress = Signal(str)
    finished = Signal(object)  # OcrResult
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._busy = 0
        # One relay for all jobs (they run one at a time): its signals cross from the pool
        # thread to this object's thread through Qt's event queue.
        self._signals = _Signals(self)
        self._signals.progress.connect(self.progress)
        self._signals.finished.connect(self._done)
        self._signals.failed.connect(self._fail)

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def run(self, source: str | bytes) -> None:
        self._busy += 1
        self.started.emit()
        self._pool.start(_Job(source, self._signals))

    def run_image(self, image: QImage) -> None:
        if image.isNull():
            self.failed.emit("the image is empty")
            return
        self.run(image_to_png(image))

    def _done(self, result: OcrResult) -> None:
        self._busy -= 1
        self.finished.emit(result)

    def _fail(self, message: str) -> None:
        self._busy -= 1
        self.failed.emit(message)

    def wait(self, msecs: int = 60_000) -> bool:
        """Block until the running job ends (shutdown and tests only)."""
        return self._pool.waitForDone(msecs)
