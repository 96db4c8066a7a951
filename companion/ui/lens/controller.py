"""The Lens controller: one small API for the main window, everything heavy off the GUI thread.

    lens = LensController(runner, session=window.session)  # a TaskRunner; the app's Session
    lens.start_region()                       # pick a region or click a window, then read it
    lens.start_on(QRect(...))                 # or cover a known rectangle (global logical px)
    lens.open_image("shot.png")               # the viewer (also: a QImage, or None to drop one)
    lens.close()
    lens.save_word.connect(store)             # (word, sentence) from a card's "Save word"
    lens.save_entry.connect(words.save)       # the same as a learning.words.WordToSave
    lens.progress.connect(status_bar)         # (message, fraction 0-1, or -1 when done)

Reading runs in two phases on the runner's local worker (the one that owns models): OCR
plus phrasebook/dictionary first, drawn at once; then the screen's sentences through the
translation engine in one batch. Capture runs on the quick worker (X11) or is a few
milliseconds of Qt's own grab. Follow mode re-captures once a second, skips frames whose
pixels did not change, re-reads only the changed bands, and pauses while the Lens is showing
the original, while a read is still running, when the region's screen went away, when the
region is blank (a locked screen), and (X11) while the window under it is minimised or
closed: the English is hidden then and comes back with the window.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPoint, QRect, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QImage, QScreen
from PySide6.QtWidgets import QWidget

from companion.lens.follow import FULL, SAME, FollowTracker, FrameChange
from companion.lens.layout import bar_position, native_to_logical, screen_for
from companion.lens.meaning import Matcher, details
from companion.lens.reader import LensScreen, read_labels, reread_bands, translate_pending
from companion.ocr import OcrProgress
from companion.ui.lens.bar import LensBar
from companion.ui.lens.capture import Hidden, RegionCapture, can_capture, qimage_to_rgb
from companion.ui.lens.card import LensCard
from companion.ui.lens.overlay import LensOverlay
from companion.ui.lens.picker import LensPicker
from companion.ui.lens.renderer import LensRenderer, Placed
from companion.ui.lens.viewer import LensViewer

_log = logging.getLogger(__name__)
FOLLOW_MS = 1000  # a modest rate: a changed label shows up within about a second
HOVER_MS = 100
RAISE_EVERY = 10  # hover ticks: about once a second
DWELL_MS = 350
CARD_GRACE_MS = 500
NO_CAPTURE = (
    "This desktop does not let apps read the screen. Take a screenshot with your desktop's "
    "tool and open it in the Lens (Lens over an image)."
)


def _error_text(exc: Any) -> str:
    from companion.ocr import OcrError

    if isinstance(exc, OcrError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class LensController(QObject):
    """Owns the overlay, its bar, the viewer and the card; see the module docstring."""

    progress = Signal(str, float)  # message, fraction (-1.0: finished)
    failed = Signal(str)
    save_word = Signal(str, str)  # word, sentence
    save_entry = Signal(object)  # the same word as a companion.learning.words.WordToSave
    screen_read = Signal(object)  # LensScreen, after each phase and each Follow re-read
    closed = Signal()

    def __init__(
        self,
        runner: Any,
        matcher: Matcher | None = None,
        parent: QObject | None = None,
        session: Any = None,
    ) -> None:
        super().__init__(parent)
        if session is not None:
            from companion.lens.sentences import use_session

            use_session(session)  # the window's models and sentence cache, not a second set
        self._runner = runner
        self._matcher = matcher or Matcher()
        self._renderer = LensRenderer()
        self.overlay: LensOverlay | None = None
        self.bar: LensBar | None = None
        self.viewer: LensViewer | None = None
        self.card = LensCard()
        self.card.save_word.connect(self.save_word)
        self.card.save_entry.connect(self.save_entry)
        self.card.details_requested.connect(self._load_details)
        self.card.entered.connect(self._card_entered)
        self.card.left.connect(self._card_left)
        self._picker: LensPicker | None = None
        self._capture: RegionCapture | None = None
        self._tracker = FollowTracker()
        self._screen: LensScreen | None = None
        self._rgb: Any = None
        self._generation = 0
        self._busy = False
        self._paused = False  # the window under the region is minimised or closed
        self._english = True
        self._viewer_generation = 0
        self.frames_skipped = 0
        self.frames_reread = 0
        self._follow = QTimer(self)
        self._follow.setInterval(FOLLOW_MS)
        self._follow.timeout.connect(self._follow_tick)
        self._hover = QTimer(self)
        self._hover.setInterval(HOVER_MS)
        self._hover.timeout.connect(self._hover_tick)
        self._dwell = QTimer(self)
        self._dwell.setSingleShot(True)
        self._dwell.timeout.connect(self._show_card)
        self._card_grace = QTimer(self)
        self._card_grace.setSingleShot(True)
        self._card_grace.setInterval(CARD_GRACE_MS)
        self._card_grace.timeout.connect(self._maybe_hide_card)
        self._hovered: Placed | None = None
        self._ticks = 0
        self._hover_in_viewer = False
        self._over_card = False
        self._card_pinned = False

    # --- public state ------------------------------------------------------------------------
    @property
    def screen(self) -> LensScreen | None:
        """What the overlay shows now (None before the first read)."""
        return self._screen

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def following(self) -> bool:
        return self._follow.isActive()

    @property
    def showing_english(self) -> bool:
        return self._english

    @property
    def paused(self) -> bool:
        """Follow is waiting for the window under the region to come back."""
        return self._paused

    @property
    def capture_method(self) -> str:
        return self._capture.method if self._capture is not None else ""

    # --- starting ----------------------------------------------------------------------------
    def start_region(self) -> bool:
        """Freeze the screen under the pointer and let the user drag a region or click a
        window; the Lens then covers it. False (and ``failed``) where capture is impossible."""
        from companion.ui.desktop.region_capture import grab_screen, screen_under_cursor

        screen = screen_under_cursor()
        pixmap = grab_screen(screen) if screen is not None and can_capture() else None
        if screen is None or pixmap is None:
            self.failed.emit(NO_CAPTURE)
            return False
        self.close_overlay()
        probe = RegionCapture(screen, screen.geometry(), lambda: [], self._runner)
        window_at = self._window_finder(probe, screen)
        picker = LensPicker(screen, pixmap, window_at)
        picker.picked.connect(lambda image: self._picked(picker, image, probe))
        picker.cancelled.connect(probe.close)
        self._picker = picker
        picker.start()
        return True

    def _window_finder(self, probe: RegionCapture, screen: QScreen) -> Any:
        if probe.method != "x11-composite":
            return None
        origin = screen.geometry().topLeft()
        ratio = probe.ratio

        def window_at(x: int, y: int) -> QRect | None:
            picker = self._picker
            exclude = {probe._x11.toplevel_of(int(picker.winId()))} if picker is not None else set()
            nx = round(origin.x() + (x - origin.x()) * ratio)
            ny = round(origin.y() + (y - origin.y()) * ratio)
            rect = probe.window_at(nx, ny, exclude)
            if rect is None:
                return None
            left, top, right, bottom = native_to_logical(rect, (origin.x(), origin.y()), ratio)
            return QRect(
                QPoint(round(left), round(top)), QPoint(round(right) - 1, round(bottom) - 1)
            )

        return window_at

    def _picked(self, picker: LensPicker, image: QImage, probe: RegionCapture) -> None:
        rect = picker.chosen_rect()
        self._picker = None
        probe.close()
        self.start_on(rect, first_frame=image)

    def start_on(
        self, rect: QRect, first_frame: QImage | None = None, follow: bool = False
    ) -> None:
        """Cover ``rect`` (global logical pixels) and read it; ``first_frame`` if the pixels are
        already there (the picker's frozen screenshot)."""
        screens = QGuiApplication.screens()
        geometries = [s.geometry() for s in screens]
        index = screen_for(_rect_tuple(rect), [_rect_tuple(g) for g in geometries])
        if index < 0 or not can_capture():
            self.failed.emit(NO_CAPTURE)
            return
        screen = screens[index]
        rect = rect.intersected(screen.geometry())
        self.close_overlay()
        self._english = True
        self.overlay = LensOverlay(self._renderer)
        self.overlay.set_region(rect)
        self.bar = LensBar()
        self.bar.follow_toggled.connect(self.set_follow)
        self.bar.english_toggled.connect(self.set_english)
        self.bar.reread_requested.connect(self.reread)
        self.bar.close_requested.connect(self.close)
        self._place_bar(rect, screen)
        self.bar.show()
        self.bar.raise_()
        self.bar.activateWindow()
        self.bar.setFocus()
        self._capture = RegionCapture(screen, rect, self._own_windows, self._runner, self)
        self._capture.prepare()
        self._hover.start()
        if first_frame is not None and not first_frame.isNull():
            self._busy = True
            compare = self._compare
            self._runner.run_quick(
                lambda: compare(qimage_to_rgb(first_frame)), self._frame_ready, self._failed
            )
        else:
            self._grab()
        if follow:
            self.bar.follow.setChecked(True)

    def _place_bar(self, rect: QRect, screen: QScreen) -> None:
        assert self.bar is not None
        self.bar.adjustSize()
        size = self.bar.sizeHint()
        area = screen.availableGeometry()
        x, y = bar_position(_rect_tuple(rect), (size.width(), size.height()), _rect_tuple(area))
        self.bar.move(round(x), round(y))

    def _own_windows(self) -> list[QWidget]:
        return [w for w in (self.overlay, self.bar, self.card, self.viewer) if w is not None]

    # --- reading -----------------------------------------------------------------------------
    def reread(self) -> None:
        """Read the whole region again now (F5)."""
        self._tracker.reset()
        if self.overlay is not None and not self._busy:
            self._grab()

    def _grab(self) -> None:
        if self._capture is None:
            return
        self._busy = True
        self._report("Reading the screen…", 0.0)
        self._capture.grab(self._frame_ready, self._failed, self._compare)

    def _compare(self, rgb: Any) -> tuple[Any, FrameChange]:
        """On the capture worker: the frame and what it needs (the tracker is only written on
        the GUI thread, between captures)."""
        return rgb, self._tracker.compare(rgb)

    def _frame_ready(self, result: Any) -> None:
        if self.overlay is None:
            self._busy = False
            return
        if result is None:
            self._busy = False
            self._report("Paused: the region cannot be read (is it on screen?)", -1.0)
            return
        if isinstance(result, Hidden):
            self._busy = False
            self._paused = True
            self.overlay.hide()  # no English floating where the app is not
            self._hide_card()
            self._report(result.message, -1.0)
            return
        if self._paused:
            self._paused = False
            self.overlay.set_english(self._english)
            self._report("Following again", -1.0)
        rgb, change = result
        if _uniform(rgb):
            self._busy = False
            self._report("Paused: the region is blank (screen locked or off?)", -1.0)
            return
        self._read(rgb, change)

    def _read(self, rgb: Any, change: FrameChange) -> None:
        if change.kind == SAME:
            self._busy = False
            self.frames_skipped += 1
            return
        self._generation += 1
        generation = self._generation
        self._busy = True
        matcher = self._matcher
        previous = self._screen
        if change.kind == FULL or previous is None:

            def work(progress: Any) -> Any:
                return read_labels(rgb, matcher, progress)[0]
        else:
            self.frames_reread += 1
            bands = change.bands

            def work(progress: Any) -> Any:
                return reread_bands(rgb, previous, bands, matcher, progress)

        self._runner.run_local(
            work,
            lambda screen: self._labels_read(generation, rgb, screen),
            self._failed,
            self._progressed,
        )

    def _labels_read(self, generation: int, rgb: Any, screen: LensScreen) -> None:
        if generation != self._generation or self.overlay is None:
            return
        self._rgb = rgb
        self._tracker.remember(rgb, [line.box for line in screen.lines])
        self._show(screen)
        if screen.pending:
            matcher = self._matcher
            self._runner.run_local(
                lambda progress: translate_pending(screen, matcher, progress),
                lambda done: self._sentences_read(generation, done),
                self._failed,
                self._progressed,
            )
        else:
            self._finish(screen)

    def _sentences_read(self, generation: int, screen: LensScreen) -> None:
        if generation != self._generation or self.overlay is None:
            return
        self._show(screen)
        self._finish(screen)

    def _finish(self, screen: LensScreen) -> None:
        self._busy = False
        drawn = sum(1 for line in screen.lines if line.drawn)
        note = f" — {screen.notes[0]}" if screen.notes else ""
        self._report(f"{drawn} labels in English{note}", -1.0)

    def _show(self, screen: LensScreen) -> None:
        self._screen = screen
        if self.overlay is not None and self._capture is not None:
            self.overlay.set_screen(screen, self._capture.ratio)
            self.overlay.set_english(self._english)
            if self.bar is not None:
                self.bar.raise_()
        self.screen_read.emit(screen)

    def _progressed(self, update: Any) -> None:
        fraction = update.fraction if isinstance(update, OcrProgress) else 0.5
        self._report(str(update), fraction)

    def _report(self, message: str, fraction: float) -> None:
        if self.bar is not None:
            self.bar.set_progress(message, None if fraction < 0 else fraction)
        self.progress.emit(message, fraction)

    def _failed(self, exc: Any) -> None:
        self._busy = False
        message = _error_text(exc)
        _log.warning("Lens read failed: %s", message)
        self._report(f"Could not read: {message}", -1.0)
        self.failed.emit(message)

    # --- Follow, original/English ------------------------------------------------------------
    def set_follow(self, on: bool) -> None:
        if on and self.overlay is not None:
            self._follow.start()
        else:
            self._follow.stop()
        if self.bar is not None and self.bar.follow.isChecked() != on:
            self.bar.follow.setChecked(on)

    def _follow_tick(self) -> None:
        if self.overlay is None or self._capture is None:
            self._follow.stop()
            return
        if self._busy or not self._english:
            return  # one read at a time; nothing to keep up to date while the original shows
        if self._capture.screen not in QGuiApplication.screens():
            self._report("Paused: the region's screen is gone", -1.0)
            return
        self._busy = True
        self._capture.grab(self._frame_ready, self._failed, self._compare)

    def set_english(self, on: bool) -> None:
        """Show the English (True) or the app as it is (False)."""
        self._english = on
        if self.overlay is not None and not self._paused:
            self.overlay.set_english(on)
        if not on:
            self._hide_card()
        if self.bar is not None and self.bar.original.isChecked() == on:
            self.bar.original.setChecked(not on)

    def toggle_english(self) -> None:
        self.set_english(not self._english)

    # --- hover and the card -------------------------------------------------------------------
    def _hover_tick(self) -> None:
        if self.overlay is None:
            return
        self._ticks += 1
        if self._ticks % RAISE_EVERY == 0 and self.overlay.isVisible():
            # a window manager raises the app the user clicks through to: stay above it
            self.overlay.raise_()
            if self.bar is not None:
                self.bar.raise_()
        item = self.overlay.hit_global(QCursor.pos())
        index = None if item is None else item.index
        if index != (None if self._hovered is None else self._hovered.index):
            self._hovered = item
            self._hover_in_viewer = False
            self.overlay.set_hovered(index)
            self._dwell.stop()
            if item is not None:
                self._dwell.start(DWELL_MS)
            elif self.card.isVisible() and not self._card_pinned:
                self._card_grace.start()

    def _show_card(self) -> None:
        item = self._hovered
        if item is None:
            return
        if self._hover_in_viewer and self.viewer is not None:
            anchor = self.viewer.canvas.global_rect(item)
        elif self.overlay is not None:
            anchor = self.overlay.global_rect(item)
        else:
            return
        self._card_pinned = False
        self.card.show_line(item.line, anchor)

    def _card_entered(self) -> None:
        self._over_card = True
        self._card_grace.stop()

    def _card_left(self) -> None:
        self._over_card = False
        if not self._card_pinned:
            self._card_grace.start()

    def _maybe_hide_card(self) -> None:
        if not self._over_card and self._hovered is None and not self._card_pinned:
            self.card.hide()

    def _hide_card(self) -> None:
        self._card_pinned = False
        self.card.hide()

    def _load_details(self, line: Any) -> None:
        matcher = self._matcher
        meaning = line.meaning
        self._card_pinned = True
        self._runner.run_quick(
            lambda: details(meaning, matcher), self.card.set_details, self._failed
        )

    # --- the viewer ----------------------------------------------------------------------------
    def open_image(self, source: str | Path | QImage | None = None) -> LensViewer:
        """Show the viewer; read ``source`` (a path or a QImage) if given."""
        if self.viewer is None:
            self.viewer = LensViewer(self._renderer)
            self.viewer.image_chosen.connect(self._viewer_image)
            self.viewer.canvas.hovered.connect(self._viewer_hovered)
            self.viewer.canvas.clicked.connect(self._viewer_clicked)
            self.viewer.closed.connect(self._viewer_closed)
        self.viewer.show()
        self.viewer.raise_()
        self.viewer.activateWindow()
        if source is not None:
            self._viewer_image(source)
        return self.viewer

    def _viewer_image(self, source: Any) -> None:
        viewer = self.viewer
        if viewer is None:
            return
        self._viewer_generation += 1
        generation = self._viewer_generation
        matcher = self._matcher
        name = "" if isinstance(source, QImage) else str(source)
        if isinstance(source, QImage):
            image = source
            viewer.show_image(image, "pasted image")
            data: Any = None
        else:
            image = QImage()
            data = str(source)
        viewer.set_progress("Reading the image…", 0.0)

        def work(progress: Any) -> Any:
            from companion.ocr import load_rgb

            rgb = qimage_to_rgb(image) if data is None else load_rgb(data)
            return read_labels(rgb, matcher, progress)

        def done(result: Any) -> None:
            if generation != self._viewer_generation or self.viewer is None:
                return
            screen, rgb = result
            if data is not None:
                from companion.ui.lens.export import rgb_to_qimage

                self.viewer.show_image(rgb_to_qimage(rgb), name)
            self.viewer.set_screen(screen)
            self.screen_read.emit(screen)
            self._runner.run_local(
                lambda progress: translate_pending(screen, matcher, progress),
                lambda full: self._viewer_sentences(generation, full),
                self._viewer_failed,
                self._viewer_progress,
            )

        self._runner.run_local(work, done, self._viewer_failed, self._viewer_progress)

    def _viewer_sentences(self, generation: int, screen: LensScreen) -> None:
        if generation != self._viewer_generation or self.viewer is None:
            return
        self.viewer.set_screen(screen)
        drawn = sum(1 for line in screen.lines if line.drawn)
        note = f" — {screen.notes[0]}" if screen.notes else ""
        self.viewer.set_progress(f"{drawn} labels in English{note}", None)
        self.progress.emit(f"{drawn} labels in English", -1.0)
        self.screen_read.emit(screen)

    def _viewer_progress(self, update: Any) -> None:
        fraction = update.fraction if isinstance(update, OcrProgress) else 0.5
        if self.viewer is not None:
            self.viewer.set_progress(str(update), fraction)
        self.progress.emit(str(update), fraction)

    def _viewer_failed(self, exc: Any) -> None:
        message = _error_text(exc)
        if self.viewer is not None:
            self.viewer.set_progress(f"Could not read: {message}", None)
        self.failed.emit(message)

    def _viewer_hovered(self, item: Any) -> None:
        self._hovered = item
        self._hover_in_viewer = True
        self._dwell.stop()
        if item is not None:
            self._dwell.start(DWELL_MS)
        elif not self._card_pinned:
            self._card_grace.start()

    def _viewer_clicked(self, item: Placed) -> None:
        if self.viewer is None:
            return
        self._hovered = item
        self.card.show_line(item.line, self.viewer.canvas.global_rect(item))
        self._card_pinned = True
        self._load_details(item.line)

    def _viewer_closed(self) -> None:
        self._hide_card()
        if self.viewer is not None:
            self.viewer.deleteLater()
            self.viewer = None

    # --- closing -------------------------------------------------------------------------------
    def close_overlay(self) -> None:
        """Take the Lens off the screen region (the viewer stays)."""
        self._follow.stop()
        self._hover.stop()
        self._dwell.stop()
        self._generation += 1
        self._busy = False
        self._paused = False
        self._tracker.reset()
        self._screen = None
        self._hide_card()
        for widget in (self.overlay, self.bar):
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.overlay = None
        self.bar = None
        if self._capture is not None:
            self._capture.close()
            self._capture = None

    def close(self) -> None:
        """Close everything (Esc on the bar)."""
        self.close_overlay()
        if self.viewer is not None:
            self.viewer.close()
        self.closed.emit()


def _uniform(rgb: Any) -> bool:
    """A frame of one colour: a locked or blank screen, nothing to read."""
    return bool(rgb.size) and bool((rgb == rgb[0, 0]).all())


def _rect_tuple(rect: QRect) -> tuple[float, float, float, float]:
    return (rect.left(), rect.top(), rect.left() + rect.width(), rect.top() + rect.height())
