"""Offline OCR of Chinese screenshots with RapidOCR (PP-OCR models shipped inside its wheel).

Qt-free so the CLI, the GUI worker and the Lens share it. The engine is imported and loaded
lazily (about a second, ~100 MB) on first use and then kept; calls are serialised by a lock
because one ONNX session is not meant to be driven by two threads at once. Images are checked
before decoding so a missing, empty, corrupt or enormous file gives one clear :class:`OcrError`.

The engine's stages are driven one by one (detect, split, classify, read in batches) instead
of through ``RapidOCR.__call__``, for two reasons:

- progress: a first run spends tens of seconds in model loading and reading, and the caller
  hears each stage with a fraction (see :class:`OcrProgress`);
- separate labels: the detector joins a row of interface labels into one box ("关注  点赞1.2万
  收藏  评论356"). Each box's blank gaps wider than about one character height are found in
  its pixels, the box is read once, and its characters are shared out to the pieces by their
  position, so tabs, list items and counters come back as separate segments at no extra cost.
"""

from __future__ import annotations

import io
import itertools
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 40_000_000  # ~ 8K x 5K: bigger is a photo of a poster, not a screenshot
MIN_SCORE = 0.5
# A blank run at least this many character heights wide separates two labels. Inside a
# sentence the widest blank (after a full-width comma or between two quotes) is ~0.8.
GAP_FACTOR = 1.0
INSTALL_HINT = (
    "OCR needs the rapidocr_onnxruntime package: "
    "pip install opencv-python-headless onnxruntime pyclipper shapely pyyaml pillow six tqdm "
    "&& pip install --no-deps rapidocr_onnxruntime"
)


def install_hint() -> str:
    """What to tell someone without the engine: pip for a source run; an OCR-less installed
    build has no pip, so it says OCR is not in this build."""
    from companion.bundle import OCR_MISSING, ocr_in_build

    return INSTALL_HINT if ocr_in_build() else OCR_MISSING


Box = tuple[int, int, int, int]  # left, top, right, bottom in image pixels
# A path, encoded image bytes, a PIL image or an RGB(A) numpy array (H x W x 3|4, uint8).
ImageSource = Any  # str | Path | bytes | PIL.Image.Image | numpy.ndarray


class OcrProgress(str):
    """One progress update: the user-facing message itself, plus where the work is.

    It *is* the message (a ``str``), so any ``Callable[[str], None]`` can be the callback;
    callers that want more read ``stage`` ("image", "models", "detect", "read", "done"),
    ``fraction`` (0.0-1.0, never decreasing within one call) and ``step``/``total`` (lines
    read so far and lines found, during "read").
    """

    stage: str
    fraction: float
    step: int
    total: int

    def __new__(
        cls, message: str, stage: str, fraction: float, step: int = 0, total: int = 0
    ) -> OcrProgress:
        update = super().__new__(cls, message)
        update.stage = stage
        update.fraction = max(0.0, min(1.0, fraction))
        update.step = step
        update.total = total
        return update


Progress = Callable[[OcrProgress], None]


class OcrError(Exception):
    """A one-line, user-facing reason why an image could not be read."""


class OcrUnavailable(OcrError):
    """The OCR engine (rapidocr_onnxruntime and its deps) is not installed."""


class _CallbackRaised(Exception):
    """Carries what the progress callback raised past the engine-error handler."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


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
    """Text in reading order, one label or sentence per line (see :func:`join_lines`)."""

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


def separated(left: Box, right: Box) -> bool:
    """Whether two boxes of one row are two labels rather than one cut sentence.

    Boxes carry a margin of about a quarter of a character on each side (the detector's and
    :func:`gap_spans`'), so a blank of one character between the inks leaves more than half a
    box height between the boxes.
    """
    height = min(left[3] - left[1], right[3] - right[1])
    return right[0] - left[2] > 0.5 * height


def join_lines(lines: Sequence[OcrLine]) -> str:
    """One text line per label: segments of a row join with a space only when they touch.

    Two segments of one visual row that are far apart (a tab bar, a label and its value)
    are separate lines of text, so a translator or a reader never runs them together.
    """
    out: list[str] = []
    previous: OcrLine | None = None
    for line in lines:
        if previous is None:
            out.append(line.text)
        elif line.row == previous.row and not separated(previous.box, line.box):
            out.append(" " + line.text)
        else:
            out.append("\n" + line.text)
        previous = line
    return "".join(out)


# Splitting detected boxes at gaps ------------------------------------------------------------
def gap_spans(crop: Any, factor: float = GAP_FACTOR) -> list[tuple[int, int]]:
    """Column spans ``[start, end)`` of the labels inside one detected text box.

    ``crop`` is the box's pixels (H x W x 3). Ink is whatever differs clearly from the
    background (the median of the crop's border); a run of ink-free columns at least
    ``factor`` times the ink's height (the character height) separates two labels. Each span
    keeps a margin of blank around its ink, as the recogniser expects. A crop without clear
    ink (text over a photo) is returned whole.
    """
    import numpy as np

    pixels = np.asarray(crop)
    if pixels.ndim != 3 or pixels.shape[0] < 4 or pixels.shape[1] < 8:
        return [(0, int(pixels.shape[1]) if pixels.ndim >= 2 else 0)]
    width = int(pixels.shape[1])
    signed = pixels.astype(np.int16)
    border = np.concatenate([signed[0], signed[-1], signed[:, 0], signed[:, -1]], axis=0).reshape(
        -1, signed.shape[2]
    )
    background = np.median(border, axis=0)
    distance = np.abs(signed - background).max(axis=2)
    peak = float(np.percentile(distance, 99.5))
    if peak < 40:
        return [(0, width)]
    ink = distance > max(30.0, 0.35 * peak)
    rows = np.flatnonzero(ink.any(axis=1))
    columns = ink.any(axis=0)
    if rows.size == 0:
        return [(0, width)]
    text_height = int(rows[-1] - rows[0] + 1)
    min_gap = max(4.0, factor * text_height)
    inked = np.flatnonzero(columns)
    runs: list[tuple[int, int]] = []  # ink runs [start, end)
    start = int(inked[0])
    for before, after in itertools.pairwise(inked):
        if after - before - 1 >= min_gap:
            runs.append((start, int(before) + 1))
            start = int(after)
    runs.append((start, int(inked[-1]) + 1))
    if len(runs) == 1:
        return [(0, width)]
    pad = max(2, round(0.15 * text_height))
    spans: list[tuple[int, int]] = []
    for index, (ink_start, ink_end) in enumerate(runs):
        left_limit = 0 if index == 0 else (runs[index - 1][1] + ink_start) // 2
        right_limit = width if index == len(runs) - 1 else (ink_end + runs[index + 1][0]) // 2
        spans.append((max(left_limit, ink_start - pad), min(right_limit, ink_end + pad)))
    return spans


def _sub_quad(quad: Any, width: int, start: int, end: int) -> Any:
    """The part of a detected quadrilateral between crop columns ``start`` and ``end``."""
    import numpy as np

    p0, p1, p2, p3 = (np.asarray(p, dtype=np.float32) for p in quad)
    a, b = start / width, end / width
    return np.array(
        [p0 + (p1 - p0) * a, p0 + (p1 - p0) * b, p3 + (p2 - p3) * b, p3 + (p2 - p3) * a],
        dtype=np.float32,
    )


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


def _check_size(width: int, height: int, name: str) -> None:
    if width < 1 or height < 1:
        raise OcrError(f"{name}: the image has no pixels")
    if width * height > MAX_PIXELS:
        raise OcrError(
            f"{name}: the image is too large ({width}x{height} pixels; "
            f"limit {MAX_PIXELS // 1_000_000} megapixels)"
        )


def _array_to_rgb(array: Any) -> Any:
    """A copy of an RGB(A)/grey uint8 array as contiguous RGB, or an OcrError."""
    import numpy as np

    if array.dtype != np.uint8 or array.ndim not in (2, 3):
        raise OcrError("the image is not 8-bit RGB pixels")
    if array.ndim == 3 and array.shape[2] not in (3, 4):
        raise OcrError("the image is not 8-bit RGB pixels")
    _check_size(int(array.shape[1]), int(array.shape[0]), "the image")
    if array.ndim == 2:
        return np.ascontiguousarray(np.repeat(array[:, :, None], 3, axis=2))
    return np.ascontiguousarray(array[:, :, :3])


def load_image(source: ImageSource) -> Any:
    """Decode to an RGB PIL image, refusing non-images and decompression bombs first."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError as exc:
        raise OcrUnavailable(install_hint()) from exc
    if isinstance(source, Image.Image):
        _check_size(source.width, source.height, "the image")
        return source.convert("RGB")
    if not isinstance(source, str | Path | bytes):
        return Image.fromarray(_array_to_rgb(source))
    data, name = _read_source(source)
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size  # from the header: nothing decoded yet
    except Image.DecompressionBombError as exc:
        raise OcrError(f"{name}: the image is too large to decode safely") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise OcrError(
            f"{name}: not an image Companion can read (PNG, JPEG, BMP, WebP...)"
        ) from exc
    _check_size(width, height, name)
    try:
        image.load()
        return image.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise OcrError(f"{name}: the image is damaged or truncated") from exc


def load_rgb(source: ImageSource) -> Any:
    """The image as an RGB numpy array (H x W x 3, uint8), checked like :func:`load_image`."""
    import numpy as np

    if not isinstance(source, str | Path | bytes) and hasattr(source, "dtype"):
        return _array_to_rgb(source)
    return np.asarray(load_image(source))


# Engine ------------------------------------------------------------------------------------------
_engine: Any = None
_engine_lock = threading.Lock()


def engine_available() -> bool:
    """Whether the OCR packages are installed (cheap: does not import them)."""
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in ("rapidocr_onnxruntime", "cv2", "PIL"))


def engine_loaded() -> bool:
    """Whether the models are in memory already (the next call has no loading stage)."""
    return _engine is not None


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise OcrUnavailable(install_hint()) from exc
        # Screenshots keep their native size up to 2000 px (the default scales every image so
        # its short side is 736 px: 5x slower on small crops and no more accurate on UI text).
        # A box threshold of 0.45 (default 0.5) keeps small grey labels (13 px tab chips) the
        # detector is less sure of; what they read as still has to score MIN_SCORE.
        _engine = RapidOCR(det_limit_type="max", det_limit_side_len=2000, det_box_thresh=0.45)
    return _engine


def _split_read(
    text: str, word_info: Any, width: int, spans: list[tuple[int, int]]
) -> list[tuple[int, str, float]]:
    """Share a box's recognised characters out to its gap-separated spans.

    The recogniser reports the output column of every character (``word_info``: frame count,
    characters per word, their frames, ..., per-character confidences); a column maps back to
    an x in the crop, and each character goes to the span it falls in (the nearest one if it
    sits in a gap). Returns (span index, text, score) for the spans that got characters.
    """
    frames = float(word_info[0]) or 1.0
    columns = [col for word in word_info[2] for col in word]
    confidences = list(word_info[4])
    if len(columns) != len(text) or len(confidences) < len(text):
        return []
    chars: dict[int, list[tuple[str, float]]] = {}
    for ch, col, conf in zip(text, columns, confidences, strict=False):
        x = (col + 0.5) * width / frames
        nearest = min(
            range(len(spans)),
            key=lambda k: (
                0.0
                if spans[k][0] <= x < spans[k][1]
                else min(abs(x - spans[k][0]), abs(x - spans[k][1]))
            ),
        )
        chars.setdefault(nearest, []).append((ch, float(conf)))
    out = []
    for index in sorted(chars):
        piece = "".join(ch for ch, _conf in chars[index]).strip()
        kept = [conf for ch, conf in chars[index] if not ch.isspace()]
        if piece and kept:
            out.append((index, piece, sum(kept) / len(kept)))
    return out


def _segments(engine: Any, rgb: Any, report: Callable[..., None]) -> list[tuple[str, Box, float]]:
    """Detect, classify, read, then split at gaps: RapidOCR 1.4's own stages, one by one."""
    import numpy as np

    raw_h, raw_w = int(rgb.shape[0]), int(rgb.shape[1])
    image = np.ascontiguousarray(rgb[:, :, ::-1])  # the models were trained on BGR
    report("Finding text…", "detect", 0.15)
    image, ratio_h, ratio_w = engine.preprocess(image)
    record: dict[str, Any] = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
    image, record = engine.maybe_add_letterbox(image, record)
    boxes, _elapsed = engine.auto_text_det(image)
    if boxes is None or len(boxes) == 0:
        return []
    crops = engine.get_crop_img_list(image, boxes)
    spans: list[list[tuple[int, int]]] = []
    for quad, crop in zip(boxes, crops, strict=True):
        top = float(np.linalg.norm(quad[1] - quad[0]))
        side = float(np.linalg.norm(quad[3] - quad[0]))
        vertical = side >= 1.5 * top  # the crop was turned: its columns are not the image's
        spans.append([(0, crop.shape[1])] if vertical else gap_spans(crop))
    if engine.use_cls:
        crops, _cls, _elapsed = engine.text_cls(crops)
    total = len(crops)
    results: list[Any] = [("", 0.0, None)] * total
    # Similar widths batched together (as the recogniser does itself) so padding stays small.
    order = sorted(range(total), key=lambda k: crops[k].shape[1] / max(1, crops[k].shape[0]))
    batch = max(1, int(getattr(engine.text_rec, "rec_batch_num", 6)))
    for first in range(0, total, batch):
        report(
            f"Reading line {first + 1} of {total}…", "read", 0.3 + 0.7 * first / total,
            first, total,
        )  # fmt: skip
        chosen = order[first : first + batch]
        read, _elapsed = engine.text_rec([crops[k] for k in chosen], True)
        for k, item in zip(chosen, read, strict=True):
            results[k] = item
    quads: list[Any] = []
    texts: list[tuple[str, float]] = []
    for k, quad in enumerate(boxes):
        text, score, info = str(results[k][0]), float(results[k][1]), results[k][2]
        width = crops[k].shape[1]
        parts = _split_read(text, info, width, spans[k]) if len(spans[k]) > 1 else []
        if not parts:
            quads.append(np.asarray(quad, dtype=np.float32))
            texts.append((text, score))
            continue
        for index, piece, piece_score in parts:
            start, end = spans[k][index]
            quads.append(_sub_quad(quad, width, start, end))
            texts.append((piece, piece_score))
    origin = engine._get_origin_points(quads, record, raw_h, raw_w)
    segments: list[tuple[str, Box, float]] = []
    for points, (text, score) in zip(origin, texts, strict=True):
        cleaned = text.strip()
        if cleaned and score >= MIN_SCORE:
            segments.append((cleaned, _quad_to_box(points), score))
    return segments


def recognize(source: ImageSource, progress: Progress | None = None) -> OcrResult:
    """Read the text in an image (path, encoded bytes, PIL image or RGB array), in reading order.

    ``progress`` receives :class:`OcrProgress` updates in order: "image" (0.0), "models"
    (0.05, first use only), "detect" (0.15), "read" (0.3 -> 1.0, one per batch of lines:
    "Reading line 7 of 17…"), "done" (1.0). It runs on the calling thread; raising from it
    aborts the read.
    """

    def report(message: str, stage: str, fraction: float, step: int = 0, total: int = 0) -> None:
        if progress is not None:
            try:
                progress(OcrProgress(message, stage, fraction, step, total))
            except Exception as exc:  # the caller's own exception (cancel): re-raised below
                raise _CallbackRaised(exc) from exc

    try:
        return _recognize(source, report)
    except _CallbackRaised as raised:
        raise raised.original from None


def _recognize(source: ImageSource, report: Callable[..., None]) -> OcrResult:
    report("Reading the image…", "image", 0.0)
    rgb = load_rgb(source)
    with _engine_lock:
        if _engine is None:
            report("Loading the OCR models (first use)…", "models", 0.05)
        engine = _get_engine()
        try:
            segments = _segments(engine, rgb, report)
        except (OcrError, _CallbackRaised):
            raise
        except Exception as exc:  # onnxruntime/cv2 errors carry no user meaning
            _log.exception("OCR failed")
            raise OcrError(f"OCR failed on this image ({type(exc).__name__}: {exc})") from exc
    lines = order_segments(segments)
    noun = "line" if len(lines) == 1 else "lines"
    report(f"Found {len(lines)} {noun} of text", "done", 1.0, len(lines), len(lines))
    return OcrResult(text=join_lines(lines), lines=lines)
