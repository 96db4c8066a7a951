"""Runs OCR through the task layer and reports its stage, the result or a one-line error.

OCR takes seconds (tens on first use, while the models load) and must not queue behind (or
block) a translation, so it runs on the task runner's ``run_long`` lane, one job at a time
because the ONNX engine is shared. Every stage the OCR core reports reaches ``progress``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Signal
from PySide6.QtGui import QImage

from companion.ocr import OcrError, OcrResult, recognize
from companion.ui.tasks import TaskRunner

_log = logging.getLogger(__name__)


def image_to_png(image: QImage) -> bytes:
    """Encode a QImage (a screen grab or a pasted image) for the Qt-free OCR core."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes, runtime wants str
    buffer.close()
    return bytes(data.data())


class OcrWorker(QObject):
    """``run(path_or_png_bytes)``; signals arrive on the GUI thread."""

    started = Signal()
    progress = Signal(str)  # the stage: "Loading the OCR models (first use)…"
    finished = Signal(object)  # OcrResult
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.runner = runner or TaskRunner(self)
        self._busy = 0

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def run(self, source: str | bytes) -> None:
        self._busy += 1
        self.started.emit()

        def job(report: Callable[[str], None]) -> OcrResult:
            return recognize(source, report)

        self.runner.run_long(job, self._done, self._fail, self.progress.emit)

    def run_image(self, image: QImage) -> None:
        if image.isNull():
            self.failed.emit("the image is empty")
            return
        self.run(image_to_png(image))

    def _done(self, result: OcrResult) -> None:
        self._busy -= 1
        self.finished.emit(result)

    def _fail(self, exc: BaseException) -> None:
        self._busy -= 1
        if isinstance(exc, OcrError):
            self.failed.emit(str(exc))
        else:  # a bug, not a bad image: the traceback goes to the log, one line to the user
            _log.error("OCR failed", exc_info=exc)
            self.failed.emit(f"OCR failed: {type(exc).__name__}: {exc}")

    def wait(self, msecs: int = 60_000) -> bool:
        """Block until the running job ends (shutdown and tests only)."""
        return self.runner.wait_idle(msecs)
