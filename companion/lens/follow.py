"""Follow mode's bookkeeping: has the followed region changed, and what must be re-read?

Each frame is compared with the last one read. Identical pixels cost one comparison and no
OCR at all. Otherwise the changed rows are grouped into bands, each widened to whole text
boxes (a box half in a band is re-read whole) and by a margin; only those bands go through
OCR again, and the boxes outside them are kept as they were. Each box also keeps a hash of
its pixels, so the caller learns which of the old labels actually changed. When most of the
region changed (a new page), everything is re-read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from companion.lens.layout import Box

SAME, PARTIAL, FULL = "same", "partial", "full"
FULL_SHARE = 0.6  # bands covering more of the height than this: read it all again
ROW_JOIN = 6  # changed rows this close together are one band


@dataclass(frozen=True)
class FrameChange:
    """What a new frame needs: nothing, some bands of rows (top, bottom), or a full read."""

    kind: str
    bands: tuple[tuple[int, int], ...] = ()
    changed_boxes: tuple[int, ...] = field(default=())

    @property
    def needs_read(self) -> bool:
        return self.kind != SAME


def box_hash(rgb: Any, box: Box) -> bytes:
    left, top, right, bottom = (max(0, int(v)) for v in box)
    return hashlib.blake2b(rgb[top:bottom, left:right].tobytes(), digest_size=8).digest()


def _runs(rows: Any, join: int) -> list[tuple[int, int]]:
    """Sorted row indices -> [start, end) runs, gaps of fewer than ``join`` rows bridged."""
    runs: list[tuple[int, int]] = []
    for row in (int(r) for r in rows):
        if runs and row - runs[-1][1] < join:
            runs[-1] = (runs[-1][0], row + 1)
        else:
            runs.append((row, row + 1))
    return runs


def _merge(bands: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for top, bottom in sorted(bands):
        if out and top <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], bottom))
        else:
            out.append((top, bottom))
    return out


def widen(
    bands: Sequence[tuple[int, int]], boxes: Sequence[Box], margin: int, height: int
) -> list[tuple[int, int]]:
    """Bands grown by ``margin`` and until no box sticks out of one half-way."""
    grown = _merge([(max(0, t - margin), min(height, b + margin)) for t, b in bands])
    changed = True
    while changed:
        changed = False
        out: list[tuple[int, int]] = []
        for top, bottom in grown:
            for box in boxes:
                if box[1] < bottom and box[3] > top and (box[1] < top or box[3] > bottom):
                    top, bottom = min(top, max(0, box[1] - 2)), max(bottom, min(height, box[3] + 2))
                    changed = True
            out.append((top, bottom))
        grown = _merge(out)
    return grown


class FollowTracker:
    """Remembers the last frame read and its boxes; :meth:`compare` says what a new one needs."""

    def __init__(self) -> None:
        self._frame: Any = None
        self._boxes: list[Box] = []
        self._hashes: list[bytes] = []

    def reset(self) -> None:
        self._frame = None
        self._boxes = []
        self._hashes = []

    def remember(self, rgb: Any, boxes: Sequence[Box]) -> None:
        """The frame just read and the boxes found in it."""
        self._frame = rgb.copy()
        self._boxes = list(boxes)
        self._hashes = [box_hash(rgb, box) for box in boxes]

    def compare(self, rgb: Any) -> FrameChange:
        import numpy as np

        previous = self._frame
        if previous is None or previous.shape != rgb.shape:
            return FrameChange(FULL, ((0, int(rgb.shape[0])),))
        if np.array_equal(previous, rgb):
            return FrameChange(SAME)
        height = int(rgb.shape[0])
        rows = np.flatnonzero((previous != rgb).any(axis=(1, 2)))
        changed_boxes = tuple(
            k for k, box in enumerate(self._boxes) if box_hash(rgb, box) != self._hashes[k]
        )
        heights = sorted(b[3] - b[1] for b in self._boxes) or [24]
        margin = max(8, heights[len(heights) // 2] // 2)
        bands = widen(_runs(rows, ROW_JOIN), self._boxes, margin, height)
        if sum(b - t for t, b in bands) > FULL_SHARE * height:
            return FrameChange(FULL, ((0, height),), changed_boxes)
        return FrameChange(PARTIAL, tuple(bands), changed_boxes)


def inside_bands(box: Box, bands: Sequence[tuple[int, int]]) -> bool:
    """Whether a box overlaps any band (its old reading is replaced by the re-read)."""
    return any(box[1] < bottom and box[3] > top for top, bottom in bands)
