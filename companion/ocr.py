"""Offline OCR of Chinese screenshots with RapidOCR (PP-OCR models shipped inside its wheel).

Qt-free so the CLI and the GUI worker share it. The engine is imported and loaded lazily (about
a second, ~100 MB) on first use and then kept; calls are serialised by a lock because one ONNX
session is not meant to be driven by two threads at once. Images are checked before decoding
so a missing, empty, corrupt or enormous file gives one clear :class:`OcrError` message.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 40_000_000  # ~ 8K x 5K: bigger is a photo of a poster, not a screenshot
MIN_SCORE = 0.5
INSTALL_HINT = (
    "OCR needs the rapidocr_onnxruntime package: "
    "pip install opencv-python-headless onnxruntime pyclipper shapely pyyaml pillow six tqdm "
    "&& pip install --no-deps rapidocr_onnxruntime"
)

Progress = Callable[[str], None]
Box = tuple[int, int, int, int]  # left, top, right, bottom in image pixels


class OcrError(Exception):
    """A one-line, user-facing reason why an image could not be read."""


class OcrUnavailable(OcrError):
    """The OCR engine (rapidocr_onnxruntime and its deps) is not installed."""


@dataclass(frozen=True)
class OcrLine:
    """One detected text segment; ``row`` numbers the visual line it sits on (0 = top)."""

    text: str
    box: Box
    score: float
    row: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "box": list(self.box),
            "score": round(self.score, 4),
            "row": self.row,
        }


@dataclass(frozen=True)
class OcrResult:
    """Text in reading order: segments on one visual line joined by a space, lines by newline."""

    text: str
    lines: list[OcrLine] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "lines": [line.to_json() for line in self.lines]}


# Reading order ---------------------------------------------------------------------------------
def _quad_to_box(points: Sequence[Sequence[float]]) -> Box:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))


def _same_row(band: tuple[float, float], box: Box) -> bool:
    """True when ``box`` overlaps the row band by at least half the smaller height."""
    top, bottom = band
    overlap = min(bottom, box[3]) - max(top, box[1])
    smaller = min(bottom - top, box[3] - box[1])
    return smaller > 0 and overlap >= 0.5 * smaller


def order_segments(segments: Sequence[tuple[str, Box, float]]) -> list[OcrLine]:
    """Sort segments top-to-bottom, grouping those on the same visual line, then left-to-right.

    Rows are built greedily from the topmost box down; a box joins a row when it overlaps the
    row's band (the first box's top/bottom, so a tall neighbour cannot drag rows together).
    """
    rows: list[tuple[tuple[float, float], list[tuple[str, Box, float]]]] = []
    for segment in sorted(segments, key=lambda s: ((s[1][1] + s[1][3]) / 2, s[1][0])):
        for band, members in rows:
            if _same_row(band, segment[1]):
                members.append(segment)
                break
        else:
            rows.append(((float(segment[1][1]), float(segment[1][3])), [segment]))
    rows.sort(key=lambda r: (r[0][0] + r[0][1]) / 2)
    ordered: list[OcrLine] = []
    for index, (_band, members) in enumerate(rows):
        for text, box, score in sorted(members, key=lambda s: s[1][0]):
            ordered.append(OcrLine(text=text, box=box, score=score, row=index))
    return ordered


def join_lines(lines: Sequence[OcrLine]) -> str:
    rows: dict[int, list[str]] = {}
    for line in lines:
        rows.setdefault(line.row, []).append(line.text)
    return "\n".join(" ".join(parts) for _row, parts in sorted(rows.items()))


# Image loading ---------------------------------------------------------------------------------
def _read_source(source: str | Path | bytes) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        if not source:
            raise OcrError("the image is empty (0 bytes)")
        if len(source) > MAX_FILE_BYTES:
            raise OcrError(f"the image is too large ({len(source) // 2**20} MB; limit 50 MB)")
        return source, "the image"
    path = Path(source)
    name = str(path)
    if not path.exists():
        raise OcrError(f"{name}: no such file")
    if path.is_dir():
        raise OcrError(f"{name}: is a folder, not an image")
    size = path.stat().st_size
    if size == 0:
        raise OcrError(f"{name}: the file is empty")
    if size > MAX_FILE_BYTES:
        raise OcrError(f"{name}: too large ({size // 2**20} MB; limit 50 MB)")
    try:
        return path.read_bytes(), name
    except OSError as exc:
        raise OcrError(f"{name}: cannot read ({exc.strerror or exc})") from exc


def load_image(source: str | Path | bytes) -> Any:
    """Decode to an RGB PIL image, refusing non-images and decompression bombs first."""
    data, name = _read_source(source)
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError as exc:
        raise OcrUnavailable(INSTALL_HINT) from exc
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size  # from the header: nothing decoded yet
    except Image.DecompressionBombError as exc:
        raise OcrError(f"{name}: the image is too large to decode safely") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise OcrError(
            f"{name}: not an image Companion can read (PNG, JPEG, BMP, WebP...)"
        ) from exc
    if width < 1 or height < 1:
        raise OcrError(f"{name}: the image has no pixels")
    if width * height > MAX_PIXELS:
        raise OcrError(
            f"{name}: the image is too large ({width}x{height} pixels; "
            f"limit {MAX_PIXELS // 1_000_000} megapixels)"
        )
    try:
        image.load()
        return image.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise OcrError(f"{name}: the image is damaged or truncated") from exc


# Engine ------------------------------------------------------------------------------------------
_engine: Any = None
_engine_lock = threading.Lock()


def engine_available() -> bool:
    """Whether the OCR packages are installed (cheap: does not import them)."""
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in ("rapidocr_onnxruntime", "cv2", "PIL"))


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise OcrUnavailable(INSTALL_HINT) from exc
        # Screenshots keep their native size up to 2000 px (the default scales every image so
        # its short side is 736 px: 5x slower on small crops and no more accurate on UI text).
        _engine = RapidOCR(det_limit_type="max", det_limit_side_len=2000)
    return _engine


def recognize(source: str | Path | bytes, progress: Progress | None = None) -> OcrResult:
    """Read the text in an image file (path) or encoded image (bytes), in reading order."""
    report = progress or (lambda _message: None)
    report("Reading the image…")
    image = load_image(source)
    with _engine_lock:
        if _engine is None:
            report("Loading the OCR models (first use)…")
        engine = _get_engine()
        report("Recognising text…")
        try:
            raw, _elapsed = engine(image)
        except Exception as exc:  # onnxruntime/cv2 errors carry no user meaning
            raise OcrError(f"OCR failed on this image ({type(exc).__name__}: {exc})") from exc
    segments: list[tuple[str, Box, float]] = []
    for points, text, score in raw or []:
        cleaned = str(text).strip()
        if cleaned and float(score) >= MIN_SCORE:
            segments.append((cleaned, _quad_to_box(points), float(score)))
    lines = order_segments(segments)
    return OcrResult(text=join_lines(lines), lines=lines)
