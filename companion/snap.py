"""Window geometry for the overlay: snapping to screen edges and remembering a spot per screen.

Pure functions over logical (device-independent) pixels, so they are the same on a 1x and a 2x
screen and testable without Qt. A remembered position is stored as fractions of the free space
on that screen (0 = flush left/top, 1 = flush right/bottom): an overlay docked on the right edge
stays docked after a resolution or scale change, and never lands off-screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 24  # logical pixels: close enough to an edge to mean "put it there"


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        """Exclusive right edge."""
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def contains(self, px: int, py: int) -> bool:
        return self.x <= px < self.right and self.y <= py < self.bottom

    def moved_to(self, x: int, y: int) -> Rect:
        return Rect(x, y, self.width, self.height)

    def center(self) -> tuple[int, int]:
        return (self.x + self.width // 2, self.y + self.height // 2)


def clamp_to_screen(window: Rect, screen: Rect) -> Rect:
    """Move (never resize) the window inside the screen; one that is bigger goes top-left."""
    x = max(screen.x, min(window.x, screen.right - window.width))
    y = max(screen.y, min(window.y, screen.bottom - window.height))
    return window.moved_to(x, y)


def snap_to_edges(window: Rect, screen: Rect, threshold: int = DEFAULT_THRESHOLD) -> Rect:
    """Clamp into the screen, then pull each axis flush to an edge it is within ``threshold`` of."""
    placed = clamp_to_screen(window, screen)
    x, y = placed.x, placed.y
    if x - screen.x <= threshold:
        x = screen.x
    elif screen.right - placed.right <= threshold:
        x = screen.right - placed.width
    if y - screen.y <= threshold:
        y = screen.y
    elif screen.bottom - placed.bottom <= threshold:
        y = screen.bottom - placed.height
    return clamp_to_screen(placed.moved_to(x, y), screen)


def docked_edges(window: Rect, screen: Rect) -> set[str]:
    """Which screen edges the window touches ("left", "right", "top", "bottom")."""
    edges = set()
    if window.x == screen.x:
        edges.add("left")
    if window.right == screen.right:
        edges.add("right")
    if window.y == screen.y:
        edges.add("top")
    if window.bottom == screen.bottom:
        edges.add("bottom")
    return edges


def screen_index_for(window: Rect, screens: Sequence[Rect]) -> int:
    """The screen holding the window's centre, else the one nearest to it; -1 when none."""
    if not screens:
        return -1
    cx, cy = window.center()
    for index, screen in enumerate(screens):
        if screen.contains(cx, cy):
            return index

    def distance(screen: Rect) -> int:
        dx = max(screen.x - cx, 0, cx - (screen.right - 1))
        dy = max(screen.y - cy, 0, cy - (screen.bottom - 1))
        return dx * dx + dy * dy

    return min(range(len(screens)), key=lambda i: distance(screens[i]))


def screen_key(name: str, geometry: Rect) -> str:
    """A stable key for one monitor: its name plus its logical size (a new layout is new)."""
    label = name.strip() or "screen"
    return f"{label}:{geometry.width}x{geometry.height}"


def to_fractions(window: Rect, screen: Rect) -> tuple[float, float]:
    """Position as fractions of the free space on ``screen`` (see module docstring)."""
    placed = clamp_to_screen(window, screen)
    free_x = screen.width - window.width
    free_y = screen.height - window.height
    fx = (placed.x - screen.x) / free_x if free_x > 0 else 0.0
    fy = (placed.y - screen.y) / free_y if free_y > 0 else 0.0
    return (round(fx, 4), round(fy, 4))


def from_fractions(fractions: tuple[float, float], size: tuple[int, int], screen: Rect) -> Rect:
    """Inverse of :func:`to_fractions` for a window of ``size`` on ``screen``."""
    width, height = size
    fx = min(max(float(fractions[0]), 0.0), 1.0)
    fy = min(max(float(fractions[1]), 0.0), 1.0)
    x = screen.x + round(max(screen.width - width, 0) * fx)
    y = screen.y + round(max(screen.height - height, 0) * fy)
    return clamp_to_screen(Rect(x, y, width, height), screen)


def default_position(size: tuple[int, int], screen: Rect, margin: int = 0) -> Rect:
    """Where a new overlay goes: the bottom-right corner, where it covers the least."""
    width, height = size
    return clamp_to_screen(
        Rect(screen.right - width - margin, screen.bottom - height - margin, width, height),
        screen,
    )
