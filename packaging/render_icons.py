"""Render packaging/icons/companion.svg to the PNG sizes of the hicolor theme, an .ico and
an .iconset (macOS turns it into .icns with iconutil). Run with the build venv's Python.

Usage: python packaging/render_icons.py OUT_DIR
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from freeze_rules import APP_ID
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HICOLOR_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]
SVG = Path(__file__).resolve().parent / "icons" / "companion.svg"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main(out: Path) -> int:
    app = QGuiApplication([sys.argv[0]])  # noqa: F841 (QImage/QPainter need it)
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"render_icons: {SVG} is not a valid SVG", file=sys.stderr)
        return 1
    for size in HICOLOR_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size).save(str(target)):
            print(f"render_icons: cannot write {target}", file=sys.stderr)
            return 1
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(SVG.read_bytes())
    render(renderer, 256).save(str(out / "companion.ico"))  # Qt's ICO writer (imageformats)
    iconset = out / "companion.iconset"
    iconset.mkdir(exist_ok=True)
    for size in (16, 32, 128, 256, 512):
        render(renderer, size).save(str(iconset / f"icon_{size}x{size}.png"))
        render(renderer, size * 2).save(str(iconset / f"icon_{size}x{size}@2x.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
