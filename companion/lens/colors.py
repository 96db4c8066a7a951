"""A text box's colours, taken from the pixels: what is behind the text and what the text is.

The English is drawn on a patch of the box's own background in the box's own text colour,
so a dark theme stays dark and a red button stays red. Where the two are too close to read
(anti-aliased thin text, a faint grey caption), the text colour becomes black or white,
whichever reads better. A busy background (text over a photo) gets a dark, slightly
see-through patch with white text, as camera translators do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RGB = tuple[int, int, int]
# WCAG's level for large text and interface parts: keeps a brand's red on grey (3.6:1)
# as the app shows it, while faint anti-aliased grey becomes black or white.
MIN_CONTRAST = 3.0
BUSY_SPREAD = 28.0  # mean distance of border pixels from their median above this: a photo
BUSY_PATCH: RGB = (24, 24, 24)


@dataclass(frozen=True)
class BoxColors:
    """``background``/``text`` to draw with; ``busy`` when the box sits on a photo.

    ``ink_top``/``ink_bottom`` are the rows (image pixels) the text's ink spans, which gives
    the characters' real size better than the detector's padded box.
    """

    background: RGB
    text: RGB
    busy: bool = False
    ink_top: int = 0
    ink_bottom: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "background": "#{:02x}{:02x}{:02x}".format(*self.background),
            "text": "#{:02x}{:02x}{:02x}".format(*self.text),
            "busy": self.busy,
        }


def luminance(color: RGB) -> float:
    """Relative luminance (WCAG 2)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on(background: RGB, preferred: RGB) -> RGB:
    """``preferred`` if it reads on ``background``, else black or white, whichever reads best."""
    if contrast(background, preferred) >= MIN_CONTRAST:
        return preferred
    black, white = (0, 0, 0), (255, 255, 255)
    return black if contrast(background, black) >= contrast(background, white) else white


def sample_colors(rgb: Any, box: tuple[int, int, int, int]) -> BoxColors:
    """Background and text colour of ``box`` (left, top, right, bottom) in an RGB array."""
    import numpy as np

    height, width = int(rgb.shape[0]), int(rgb.shape[1])
    left, top = max(0, int(box[0])), max(0, int(box[1]))
    right, bottom = min(width, int(box[2])), min(height, int(box[3]))
    if right - left < 2 or bottom - top < 2:
        return BoxColors((255, 255, 255), (0, 0, 0), ink_top=top, ink_bottom=bottom)
    inside = rgb[top:bottom, left:right].astype(np.int16)
    # The detector pads its boxes, so the box's own outer pixels are background. Pixels
    # outside the box are not used: a label on a button has the page around the button.
    ring_parts = [inside[0], inside[-1], inside[:, 0], inside[:, -1]]
    ring = np.concatenate([p.reshape(-1, 3) for p in ring_parts], axis=0)
    median = np.median(ring, axis=0)
    spread = float(np.abs(ring - median).max(axis=1).mean())
    background: RGB = (int(median[0]), int(median[1]), int(median[2]))
    distance = np.abs(inside - median).max(axis=2)
    peak = float(distance.max())
    ink_top, ink_bottom = top, bottom
    if peak >= 40:
        ink = distance >= 0.6 * peak
        rows = np.flatnonzero(ink.any(axis=1))
        ink_top, ink_bottom = top + int(rows[0]), top + int(rows[-1]) + 1
        text_pixels = inside[ink]
        found = np.median(text_pixels, axis=0)
        text: RGB = (int(found[0]), int(found[1]), int(found[2]))
    else:
        text = readable_on(background, (0, 0, 0))
    if spread > BUSY_SPREAD:
        return BoxColors(BUSY_PATCH, (255, 255, 255), True, ink_top, ink_bottom)
    return BoxColors(background, readable_on(background, text), False, ink_top, ink_bottom)


def background_run(
    rgb: Any,
    box: tuple[int, int, int, int],
    background: RGB,
    tolerance: int = 24,
    share: float = 0.7,
    ink: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """How far left and right of ``box`` its background colour goes on (x limits).

    A column beside the box counts as the same background when most of its pixels over the
    text's height (``ink`` rows, else the box's) are that colour: a button's rounded end
    still counts, a neighbour's ink or the page around a button does not. The English may
    widen only within this run, so it never spills off a button.
    """
    import numpy as np

    height, width = int(rgb.shape[0]), int(rgb.shape[1])
    left, top, right, bottom = (int(v) for v in box)
    if ink is not None and ink[1] > ink[0]:
        top, bottom = ink
    top, bottom = max(0, top), min(height, max(top + 1, bottom))
    left, right = max(0, left), min(width, max(left + 1, right))
    band = rgb[top:bottom].astype(np.int16)
    close = np.abs(band - np.array(background, dtype=np.int16)).max(axis=2) <= tolerance
    good = close.mean(axis=0) >= share
    before = np.flatnonzero(~good[:left])
    after = np.flatnonzero(~good[right:])
    low = int(before[-1]) + 1 if before.size else 0
    high = right + int(after[0]) if after.size else width
    return min(low, left), max(high, right)


def on_a_button(
    rgb: Any,
    box: tuple[int, int, int, int],
    background: RGB,
    run: tuple[int, int],
    tolerance: int = 24,
) -> bool:
    """Whether the box's background ends on both sides in another colour (a button's edge),
    rather than at a neighbour's text or the image's edge.

    Read on the box's top and bottom rows, which the detector keeps clear of the ink.
    """
    import numpy as np

    height, width = int(rgb.shape[0]), int(rgb.shape[1])
    low, high = run
    if low <= 1 or high >= width - 1:
        return False
    colour = np.array(background, dtype=np.int16)
    rows = {min(height - 1, max(0, int(box[1]) + 1)), min(height - 1, max(0, int(box[3]) - 2))}
    for x in (low - 2, high + 1):
        for y in rows:
            if np.abs(rgb[y, x].astype(np.int16) - colour).max() <= tolerance:
                return False
    return True
