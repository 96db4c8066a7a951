"""Where and how big the English goes: alignment, free room, fitting, screen geometry.

Pure arithmetic on rectangles so it is tested without Qt; the renderer supplies a
``measure(text, pixel_size) -> width`` function from its font metrics.

Fitting, in order (Google Translate's camera does much the same): the label's short form
(the phrasebook's first meaning, remarks dropped) at the size of the Chinese; the box may grow
into the empty room beside it (up to the next label on its row); if that is still too narrow
the text shrinks down to a floor; below the floor it is cut with "…" and shown whole on hover.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Box = tuple[int, int, int, int]  # left, top, right, bottom (image pixels)
Rect = tuple[float, float, float, float]  # left, top, right, bottom
Measure = Callable[[str, float], float]

LEFT, CENTER, RIGHT = "left", "center", "right"
MIN_PX = 9.0  # logical pixels: below this Latin text stops being readable on screen
FLOOR_SHARE = 0.6  # never shrink below this share of the natural size (or MIN_PX)
ELLIPSIS = "…"


# --- alignment and room -----------------------------------------------------------------------
def same_row(a: Box | Rect, b: Box | Rect) -> bool:
    """Whether two boxes overlap vertically by at least half the smaller height."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    smaller = min(a[3] - a[1], b[3] - b[1])
    return smaller > 0 and overlap >= 0.5 * smaller


def infer_alignments(boxes: Sequence[Box], width: int) -> list[str]:
    """Each box's alignment, from the boxes lined up with it and its place on its row.

    A box that shares its left edge with boxes on other rows is left-aligned (a settings
    list), one that shares its right edge is right-aligned (values at a list's end), one that
    shares its centre is centred (a column of buttons); three or more boxes on one row are
    a tab bar (centred under their icons); a lone box in the middle of the width is a title.
    """
    out: list[str] = []
    for i, box in enumerate(boxes):
        height = max(1, box[3] - box[1])
        tolerance = max(2.0, 0.2 * height)  # glyph side bearings move OCR boxes by 2-4 px
        centre = (box[0] + box[2]) / 2
        votes = {LEFT: 0.0, CENTER: 0.0, RIGHT: 0.0}
        row = [j for j, other in enumerate(boxes) if j != i and same_row(box, other)]
        if len(row) >= 2 and _evenly_spaced([box, *(boxes[j] for j in row)], box):
            out.append(CENTER)  # a tab bar: whatever lines up with its first tab
            continue
        for j, other in enumerate(boxes):
            if j == i or j in row:
                continue
            if abs(other[0] - box[0]) <= tolerance:
                votes[LEFT] += 1
            if abs(other[2] - box[2]) <= tolerance:
                votes[RIGHT] += 1
            if abs((other[0] + other[2]) / 2 - centre) <= tolerance:
                votes[CENTER] += 1
        if (
            not row
            and width > 0
            and abs(centre - width / 2) <= 0.04 * width
            and box[0] > 0.1 * width
        ):
            votes[CENTER] += 2
        if width > 0 and box[2] >= width - 0.06 * width and box[0] > width / 2:
            votes[RIGHT] += 2
        if width > 0 and box[0] <= 0.15 * width:
            votes[LEFT] += 0.5  # at the left margin: a list, a paragraph, a caption
        # Left unless the evidence says otherwise: one box lining up by chance is not enough.
        best = max(votes.values())
        choice = next(a for a in (LEFT, CENTER, RIGHT) if votes[a] == best)
        if choice == RIGHT and width > 0 and (box[0] + box[2]) / 2 < width / 2:
            choice = LEFT  # right-aligned text sits at the end of its row, not at its start
        out.append(choice if choice == LEFT or votes[choice] >= 2 else LEFT)
    return out


def _evenly_spaced(row: Sequence[Box | Rect], box: Box | Rect) -> bool:
    """Whether ``box`` is one of a run of three or more boxes at regular steps on its row
    (a tab bar; a step may be skipped where an icon or a "+" button sits between tabs)."""
    centres = sorted((b[0] + b[2]) / 2 for b in row)
    here = centres.index((box[0] + box[2]) / 2)
    steps = [b - a for a, b in itertools.pairwise(centres)]

    def even(a: float, b: float) -> bool:
        small, large = sorted((a, b))
        ratio = large / small if small > 0 else 99.0
        return abs(ratio - round(ratio)) <= 0.25 and round(ratio) <= 2

    # the steps touching this box, and the next one on along the row each way
    pairs = []
    if 0 < here < len(centres) - 1:
        pairs.append((steps[here - 1], steps[here]))
    if here + 2 < len(centres):
        pairs.append((steps[here], steps[here + 1]))
    if here >= 2:
        pairs.append((steps[here - 2], steps[here - 1]))
    return any(even(a, b) for a, b in pairs)


def free_room(boxes: Sequence[Box], aligns: Sequence[str], width: int) -> list[Rect]:
    """How far each box may grow sideways: up to its row neighbours (with a gap) or the edge.

    A left-aligned box grows to the right, a right-aligned one to the left, a centred one
    evenly both ways, so the English keeps the box's own alignment.
    """
    rooms: list[Rect] = []
    for i, box in enumerate(boxes):
        height = max(1, box[3] - box[1])
        margin = max(2.0, 0.3 * height)
        left_limit, right_limit = margin, width - margin
        for j, other in enumerate(boxes):
            if j == i or not same_row(box, other):
                continue
            if other[2] <= box[0]:
                left_limit = max(left_limit, other[2] + margin)
            elif other[0] >= box[2]:
                right_limit = min(right_limit, other[0] - margin)
        left_limit = min(left_limit, box[0])
        right_limit = max(right_limit, box[2])
        align = aligns[i]
        if align == LEFT:
            room: Rect = (box[0], box[1], right_limit, box[3])
        elif align == RIGHT:
            room = (left_limit, box[1], box[2], box[3])
        else:
            centre = (box[0] + box[2]) / 2
            half = max(min(centre - left_limit, right_limit - centre), (box[2] - box[0]) / 2)
            room = (centre - half, box[1], centre + half, box[3])
        rooms.append(room)
    return rooms


# --- fitting ------------------------------------------------------------------------------------
def natural_px(box_height: float, ink_height: float = 0.0) -> float:
    """The English pixel size that matches the Chinese it covers.

    Chinese glyphs fill about 88% of their pixel size, so the ink height gives the font
    size; Latin letters look larger than hanzi at the same size, hence a little smaller.
    The detector's padded box height is the fallback (about 1.3 x the font size).
    """
    if ink_height >= 4:
        px = ink_height / 0.88 * 0.92
    else:
        px = box_height * 0.7
    return max(MIN_PX, min(px, box_height * 0.95))


def harmonize(sizes: Sequence[float], tolerance: float = 0.12) -> list[float]:
    """Sizes within ``tolerance`` of each other made equal (their median): labels set in one
    font size read as one size in English too, whatever their glyphs' ink heights."""
    order = sorted(range(len(sizes)), key=lambda k: sizes[k])
    out = list(sizes)
    group: list[int] = []
    for k in [*order, -1]:
        if k >= 0 and group and sizes[k] <= sizes[group[0]] * (1 + tolerance):
            group.append(k)
            continue
        if group:
            values = sorted(sizes[g] for g in group)
            middle = values[len(values) // 2]
            for g in group:
                out[g] = middle
        group = [k] if k >= 0 else []
    return out


@dataclass(frozen=True)
class Fit:
    """The text to draw, at which pixel size; ``elided`` when cut (show it whole on hover)."""

    text: str
    px: float
    width: float
    elided: bool = False


def floor_px(natural: float) -> float:
    return max(MIN_PX, FLOOR_SHARE * natural)


def fit_best(forms: Sequence[str], room_width: float, natural: float, measure: Measure) -> Fit:
    """The first of ``forms`` (the meaning, then shorter ways to say it) that fits at its
    natural size, else the first that fits shrunk to the floor, else the first one elided."""
    fits = [fit_text(form, room_width, natural, measure) for form in forms if form]
    if not fits:
        return Fit("", natural, 0.0)
    for fit in fits:
        if fit.px >= natural and not fit.elided:
            return fit
    for fit in fits:
        if not fit.elided:
            return fit
    return fits[0]


def fit_text(text: str, room_width: float, natural: float, measure: Measure) -> Fit:
    """Fit ``text`` into ``room_width``: natural size, else shrink to the floor, else elide."""
    width = measure(text, natural)
    if width <= room_width or not text:
        return Fit(text, natural, width)
    floor = min(floor_px(natural), natural)
    px = max(floor, natural * room_width / width)
    while px > floor:
        width = measure(text, px)
        if width <= room_width:
            return Fit(text, px, width)
        px = max(floor, px - 0.5)
    width = measure(text, floor)
    if width <= room_width:
        return Fit(text, floor, width)
    cut = elide(text, room_width, floor, measure)
    return Fit(cut, floor, measure(cut, floor), elided=True)


def elide(text: str, room_width: float, px: float, measure: Measure) -> str:
    """The longest start of ``text`` that fits with "…", cut at a word where it can be."""
    low, high = 0, len(text)
    while low < high:  # longest prefix that fits, by bisection (measure is monotonic)
        mid = (low + high + 1) // 2
        if measure(text[:mid].rstrip() + ELLIPSIS, px) <= room_width:
            low = mid
        else:
            high = mid - 1
    prefix = text[:low]
    space = prefix.rfind(" ")
    if space >= max(3, len(prefix) // 2):
        prefix = prefix[:space]
    return prefix.rstrip(" ,;:-") + ELLIPSIS if prefix.strip() else ELLIPSIS


def placed_rect(room: Rect, box: Box, text_width: float, align: str, pad: float) -> Rect:
    """The patch the English is drawn on: the box, widened to the text where it needs it."""
    need = text_width + 2 * pad
    box_width = box[2] - box[0]
    if need <= box_width:
        return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))
    if align == LEFT:
        left = float(box[0])
        right = min(room[2], left + need)
    elif align == RIGHT:
        right = float(box[2])
        left = max(room[0], right - need)
    else:
        centre = (box[0] + box[2]) / 2
        left, right = max(room[0], centre - need / 2), min(room[2], centre + need / 2)
    return (left, float(box[1]), right, float(box[3]))


# --- screens, HiDPI and placement -------------------------------------------------------------
def scale_rect(rect: Rect | Box, scale: float, dx: float = 0.0, dy: float = 0.0) -> Rect:
    return (rect[0] * scale + dx, rect[1] * scale + dy, rect[2] * scale + dx, rect[3] * scale + dy)


def fit_scale(
    image_size: tuple[int, int], view_size: tuple[int, int], upscale: bool = False
) -> tuple[float, float, float]:
    """(scale, dx, dy) that shows an image whole and centred in a view (a 1170x2532 phone
    screenshot in a desktop window); never enlarges unless ``upscale``."""
    iw, ih = image_size
    vw, vh = view_size
    if iw <= 0 or ih <= 0 or vw <= 0 or vh <= 0:
        return 1.0, 0.0, 0.0
    scale = min(vw / iw, vh / ih)
    if not upscale:
        scale = min(scale, 1.0)
    return scale, (vw - iw * scale) / 2, (vh - ih * scale) / 2


def logical_to_native(rect: Rect, screen_origin: tuple[float, float], ratio: float) -> Box:
    """A rectangle in Qt's logical desktop coordinates -> the screen's native pixels.

    Qt keeps each screen's native top-left as its logical top-left and scales from there
    (``native = origin + (logical - origin) * ratio``), so screens of different ratios each
    map about their own origin.
    """
    ox, oy = screen_origin

    def native(value: float, origin: float) -> int:
        return round(origin + (value - origin) * ratio)

    return (native(rect[0], ox), native(rect[1], oy), native(rect[2], ox), native(rect[3], oy))


def native_to_logical(box: Box | Rect, screen_origin: tuple[float, float], ratio: float) -> Rect:
    """The inverse of :func:`logical_to_native`."""
    ox, oy = screen_origin
    return (
        ox + (box[0] - ox) / ratio,
        oy + (box[1] - oy) / ratio,
        ox + (box[2] - ox) / ratio,
        oy + (box[3] - oy) / ratio,
    )


def intersect(a: Rect, b: Rect) -> Rect | None:
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[2], b[2]), min(a[3], b[3])
    return (left, top, right, bottom) if right > left and bottom > top else None


def area(rect: Rect | None) -> float:
    return 0.0 if rect is None else (rect[2] - rect[0]) * (rect[3] - rect[1])


def screen_for(rect: Rect, screens: Sequence[Rect]) -> int:
    """Index of the screen holding most of ``rect`` (the nearest one if none does); -1: none."""
    if not screens:
        return -1
    overlaps = [area(intersect(rect, screen)) for screen in screens]
    best = max(range(len(screens)), key=lambda k: overlaps[k])
    if overlaps[best] > 0:
        return best
    cx, cy = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2

    def distance(screen: Rect) -> float:
        dx = max(screen[0] - cx, 0.0, cx - screen[2])
        dy = max(screen[1] - cy, 0.0, cy - screen[3])
        return dx * dx + dy * dy

    return min(range(len(screens)), key=lambda k: distance(screens[k]))


def clamp_rect(rect: Rect, screen: Rect) -> Rect:
    """``rect`` cut to the part on ``screen`` (an overlay never hangs off its screen)."""
    return intersect(rect, screen) or (screen[0], screen[1], screen[0], screen[1])


def bar_position(region: Rect, bar: tuple[float, float], screen: Rect) -> tuple[float, float]:
    """Top-left for the Lens's control bar: above the region's right end, else below it,
    else inside its top-right corner; always on the region's screen."""
    width, height = bar
    x = min(max(region[2] - width, screen[0]), screen[2] - width)
    if region[1] - height >= screen[1]:
        y = region[1] - height
    elif region[3] + height <= screen[3]:
        y = region[3]
    else:
        y = region[1]
    return max(x, screen[0]), max(y, screen[1])


def card_position(
    anchor: Rect, card: tuple[float, float], screen: Rect, gap: float = 6.0
) -> tuple[float, float]:
    """Top-left for a hover card: below the label, else above it, never off the screen and
    never over the label itself (so the pointer does not land on the card by accident)."""
    width, height = card
    x = min(max(anchor[0], screen[0]), screen[2] - width)
    if anchor[3] + gap + height <= screen[3]:
        y = anchor[3] + gap
    elif anchor[1] - gap - height >= screen[1]:
        y = anchor[1] - gap - height
    else:
        y = max(screen[1], screen[3] - height)
    return max(x, screen[0]), y
