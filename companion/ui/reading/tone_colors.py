"""Tone colour palettes for the ruby view and the word popup.

"pleco" follows the convention learners know from Pleco-style apps (1 red, 2 orange, 3 green,
4 blue, neutral grey), darkened enough to read on a light background. "colorblind" uses the
Okabe-Ito colours, chosen so the four tones stay distinct under the common colour-vision
deficiencies. "none" draws everything in the text colour.

On a dark window (dark mode) each palette switches to lighter versions of the same hues: the
light-mode blue and red fall below 3:1 contrast on a dark grey, these stay above 4.5:1 on the
usual dark backgrounds (#1e1e1e-#353535).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

PALETTES: dict[str, dict[int, str]] = {
    "pleco": {1: "#e02020", 2: "#d97a00", 3: "#1f9a3a", 4: "#1f5fd6", 0: "#808080"},
    "colorblind": {1: "#d55e00", 2: "#e69f00", 3: "#009e73", 4: "#0072b2", 0: "#8c8c8c"},
    "none": {},
}
DARK_PALETTES: dict[str, dict[int, str]] = {
    "pleco": {1: "#ff6b6b", 2: "#ffa94d", 3: "#51cf66", 4: "#74a9ff", 0: "#a6a6a6"},
    "colorblind": {1: "#ff8a3d", 2: "#f0b429", 3: "#2ec4a0", 4: "#56b4e9", 0: "#a6a6a6"},
    "none": {},
}
PALETTE_NAMES = {
    "pleco": "Tone colours (red, orange, green, blue)",
    "colorblind": "Colour-blind safe",
    "none": "No colours",
}


def is_dark(widget_palette: QPalette) -> bool:
    """True when the window background is dark (the system's dark mode)."""
    return widget_palette.color(QPalette.ColorRole.Window).lightness() < 128


def tone_color(tone: int, palette: str, widget_palette: QPalette) -> QColor:
    """The colour for ``tone`` (0 neutral, 1-4) in ``palette``; unknown names mean "none"."""
    table = DARK_PALETTES if is_dark(widget_palette) else PALETTES
    value = table.get(palette, {}).get(tone if tone in (1, 2, 3, 4) else 0)
    if value is None:
        return widget_palette.color(QPalette.ColorRole.WindowText)
    return QColor(value)
