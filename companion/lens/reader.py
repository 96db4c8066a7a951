"""One screen through the Lens: OCR, meanings, colours and layout, ready for the renderer.

Two phases so the user sees something fast: :func:`read_labels` does OCR plus everything
that takes microseconds per box (phrasebook, dictionary, colours, layout) and marks the
sentences that need a translation engine; :func:`translate_pending` then fills those in one
batch. ``python -m companion lens`` and the GUI run both; the GUI draws between them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from companion.lens.colors import BoxColors, background_run, on_a_button, sample_colors
from companion.lens.layout import CENTER, Box, Rect, free_room, infer_alignments
from companion.lens.meaning import Matcher, Meaning
from companion.ocr import OcrLine, OcrProgress, order_segments, recognize

Progress = Callable[[OcrProgress], None]
OCR_SHARE = 0.85  # of the progress bar: OCR is nearly all of the time


@dataclass(frozen=True)
class LensLine:
    """One text box on screen and everything needed to draw its English over it."""

    text: str
    box: Box
    score: float
    row: int
    meaning: Meaning
    colors: BoxColors
    align: str = "left"
    room: Rect = (0.0, 0.0, 0.0, 0.0)

    @property
    def drawn(self) -> bool:
        return self.meaning.drawn

    def word_to_save(self) -> Any:
        """The label as a :class:`companion.learning.words.WordToSave` ("Save word")."""
        from companion.learning.words import WordToSave

        meaning = self.meaning
        word = meaning.word or self.text
        return WordToSave(
            simplified=word,
            pinyin=meaning.pinyin,
            senses=meaning.senses or ((meaning.english,) if meaning.english else ()),
            context=self.text,
            translation=meaning.english if word != self.text else "",
            origin="lens",
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "box": list(self.box),
            "english": self.meaning.english,
            "source": self.meaning.source,
            "pinyin": self.meaning.pinyin,
            "score": round(self.score, 4),
        }


@dataclass
class LensScreen:
    """Every line of one image, in reading order, with its pixel size."""

    width: int
    height: int
    lines: list[LensLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def pending(self) -> list[LensLine]:
        return [line for line in self.lines if line.meaning.pending]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"lines": [line.to_json() for line in self.lines]}
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def _scaled(progress: Progress | None, start: float, share: float) -> Progress | None:
    if progress is None:
        return None

    def report(update: OcrProgress) -> None:
        progress(
            OcrProgress(
                str(update), update.stage, start + share * update.fraction,
                update.step, update.total,
            )
        )  # fmt: skip

    return report


def layout_lines(
    rgb: Any, ocr_lines: Sequence[OcrLine], meanings: Sequence[Meaning]
) -> list[LensLine]:
    """Colours, alignment and free room for each box (cheap: numpy on each box only).

    The room beside a box ends at the next label on its row and where the box's background
    colour ends (the edge of a button), whichever is nearer; a label on a button is centred.
    """
    boxes = [line.box for line in ocr_lines]
    width = int(rgb.shape[1])
    aligns = infer_alignments(boxes, width)
    rooms = free_room(boxes, aligns, width)
    out: list[LensLine] = []
    for line, meaning, align, room in zip(ocr_lines, meanings, aligns, rooms, strict=True):
        colors = sample_colors(rgb, line.box)
        if not colors.busy:
            ink = (colors.ink_top, colors.ink_bottom)
            low, high = background_run(rgb, line.box, colors.background, ink=ink)
            if on_a_button(rgb, line.box, colors.background, (low, high)):
                align = CENTER  # text on a button is centred on it, and has all of it
                inset = 0.15 * (line.box[3] - line.box[1])
                room = (low + inset, line.box[1], high - inset, line.box[3])
            room = _within(room, line.box, align, low, high)
        out.append(
            LensLine(line.text, line.box, line.score, line.row, meaning, colors, align, room)
        )
    return out


def _within(room: Rect, box: Box, align: str, low: float, high: float) -> Rect:
    """``room`` cut to [low, high], kept symmetric about the box for a centred label."""
    left, right = max(room[0], low), min(room[2], high)
    if align == CENTER:
        centre = (box[0] + box[2]) / 2
        half = max(min(centre - left, right - centre), (box[2] - box[0]) / 2)
        left, right = centre - half, centre + half
    return (left, room[1], right, room[3])


def read_labels(
    image: Any, matcher: Matcher, progress: Progress | None = None
) -> tuple[LensScreen, Any]:
    """Phase 1 on an image (path, bytes, PIL image or RGB array): returns the screen and
    the RGB pixels it was read from (for Follow mode and the viewer)."""
    from companion.ocr import load_rgb

    rgb = load_rgb(image)
    result = recognize(rgb, _scaled(progress, 0.0, OCR_SHARE))
    if progress is not None:
        progress(OcrProgress("Matching labels…", "match", OCR_SHARE))
    return screen_from_lines(rgb, result.lines, matcher), rgb


def screen_from_lines(rgb: Any, lines: Sequence[OcrLine], matcher: Matcher) -> LensScreen:
    meanings = [matcher.label(line.text) for line in lines]
    return LensScreen(int(rgb.shape[1]), int(rgb.shape[0]), layout_lines(rgb, lines, meanings))


def reread_bands(
    rgb: Any,
    previous: LensScreen,
    bands: Sequence[tuple[int, int]],
    matcher: Matcher,
    progress: Progress | None = None,
) -> LensScreen:
    """Follow mode: OCR only the changed bands of rows; every box outside them is kept.

    Kept lines keep their meanings (sentences included: the matcher remembers them), so a
    counter ticking up costs one small OCR and no translation.
    """
    from companion.lens.follow import inside_bands

    kept = [
        (line.text, line.box, line.score)
        for line in previous.lines
        if not inside_bands(line.box, bands)
    ]
    fresh: list[tuple[str, Box, float]] = []
    share = OCR_SHARE / max(1, len(bands))
    for k, (top, bottom) in enumerate(bands):
        result = recognize(rgb[top:bottom], _scaled(progress, k * share, share))
        for line in result.lines:
            left, upper, right, lower = line.box
            fresh.append((line.text, (left, upper + top, right, lower + top), line.score))
    merged = order_segments(kept + fresh)
    return screen_from_lines(rgb, merged, matcher)


def translate_pending(
    screen: LensScreen, matcher: Matcher, progress: Progress | None = None
) -> LensScreen:
    """Phase 2: the sentences of ``screen`` through the translation engine, one batch."""
    pending = screen.pending
    if not pending:
        return screen
    if progress is not None:
        count = len({line.text for line in pending})
        noun = "sentence" if count == 1 else "sentences"
        progress(OcrProgress(f"Translating {count} {noun}…", "translate", 0.92))
    found, notes = matcher.sentences([line.text for line in pending])
    lines = [
        replace(line, meaning=found.get(line.text, line.meaning)) if line.meaning.pending else line
        for line in screen.lines
    ]
    lines = [
        replace(line, meaning=replace(line.meaning, pending=False))
        if line.meaning.pending
        else line
        for line in lines
    ]
    return LensScreen(screen.width, screen.height, lines, [*screen.notes, *notes])


def read_screen(image: Any, matcher: Matcher, progress: Progress | None = None) -> LensScreen:
    """Both phases: what ``python -m companion lens`` prints and draws."""
    screen, _rgb = read_labels(image, matcher, progress)
    screen = translate_pending(screen, matcher, progress)
    if progress is not None:
        drawn = sum(1 for line in screen.lines if line.drawn)
        progress(OcrProgress(f"{drawn} labels in English", "done", 1.0))
    return screen
