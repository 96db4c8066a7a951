"""``lens --out``: the annotated image written by the GUI's own renderer, without a window."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication, QImage

from companion.lens.reader import LensScreen
from companion.ui.lens.renderer import LensRenderer


def ensure_gui_app() -> QGuiApplication:
    """Fonts need a QGuiApplication; the command line never shows a window, so offscreen."""
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["companion-lens", "-platform", "offscreen"])
    assert isinstance(app, QGuiApplication)
    return app


def rgb_to_qimage(rgb: Any) -> QImage:
    """An RGB numpy array as a QImage that owns its pixels."""
    height, width = int(rgb.shape[0]), int(rgb.shape[1])
    data = rgb.tobytes()
    return QImage(data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def write_annotated(rgb: Any, screen: LensScreen, path: Path) -> None:
    ensure_gui_app()
    image = LensRenderer().render(rgb_to_qimage(rgb), screen)
    if not image.save(str(path)):
        raise OSError(f"Qt could not write {path.name}")
