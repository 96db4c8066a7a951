"""Reading a screen region on X11 *without* Companion's own overlay in it.

On X11 a grab of the root window returns whatever is on screen, the Lens's English
included, and hiding the overlay for the grab makes it blink (and the window below repaints
its uncovered part only later, so the grab often catches it blank). Instead each top-level
window under the region is asked for its own pixels: the Composite extension keeps every
redirected window's content in a pixmap of its own, unobscured by the windows above it.
Windows are redirected "automatically" (the server still draws the screen itself, nothing
changes for the user; a compositing desktop has redirected them already), then the region is
rebuilt bottom to top from the windows' pixmaps, leaving ours out.

Measured under Xvfb (no compositor): a root grab shows the overlay; a grab of the window by
its id shows it too; the window's Composite pixmap shows the window's own labels, and
follows the window as it repaints.

Plain ctypes on libX11/libXcomposite (present wherever an X desktop is), its own Display
connection (Qt's is not shared), one lock; every X error is caught by an error handler, so a
window closing mid-grab costs one frame, never the process. Safe to call off the GUI thread.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from dataclasses import dataclass
from typing import Any

_log = logging.getLogger(__name__)

ZPIXMAP = 2
ALL_PLANES = 0xFFFFFFFF
IS_VIEWABLE = 2
INPUT_OUTPUT = 1
REDIRECT_AUTOMATIC = 0


class _XImage(ctypes.Structure):
    _fields_ = [
        ("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int),
        ("format", ctypes.c_int), ("data", ctypes.POINTER(ctypes.c_ubyte)),
        ("byte_order", ctypes.c_int), ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int), ("bitmap_pad", ctypes.c_int),
        ("depth", ctypes.c_int), ("bytes_per_line", ctypes.c_int),
        ("bits_per_pixel", ctypes.c_int),
    ]  # fmt: skip


class _XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
        ("height", ctypes.c_int), ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong), ("c_class", ctypes.c_int),
        ("bit_gravity", ctypes.c_int), ("win_gravity", ctypes.c_int),
        ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
        ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int),
        ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p),
    ]  # fmt: skip


_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_errors = 0


@_ERROR_HANDLER
def _on_error(_display: Any, _event: Any) -> int:
    """Count X errors instead of letting Xlib's default handler exit the process."""
    global _errors
    _errors += 1
    return 0


@dataclass(frozen=True)
class Toplevel:
    """A window directly under the root: native geometry including its border."""

    wid: int
    x: int
    y: int
    width: int
    height: int
    border: int
    depth: int
    viewable: bool

    @property
    def rect(self) -> tuple[int, int, int, int]:
        size = 2 * self.border
        return (self.x, self.y, self.x + self.width + size, self.y + self.height + size)


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _contains(outer: tuple[int, int, int, int], inner: tuple[int, int, int, int]) -> bool:
    return (
        outer[0] <= inner[0] and outer[1] <= inner[1]
        and outer[2] >= inner[2] and outer[3] >= inner[3]
    )  # fmt: skip


def _load() -> tuple[Any, Any] | None:
    try:
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        composite = ctypes.CDLL(ctypes.util.find_library("Xcomposite") or "libXcomposite.so.1")
    except OSError:
        return None
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XSetErrorHandler.argtypes = [_ERROR_HANDLER]
    x11.XSetErrorHandler.restype = ctypes.c_void_p
    x11.XGetImage.restype = ctypes.POINTER(_XImage)
    x11.XGetImage.argtypes = [
        ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_uint,
        ctypes.c_uint, ctypes.c_ulong, ctypes.c_int,
    ]  # fmt: skip
    x11.XDestroyImage.argtypes = [ctypes.POINTER(_XImage)]
    x11.XFreePixmap.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XFree.argtypes = [ctypes.c_void_p]
    x11.XQueryTree.argtypes = [
        ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
        ctypes.POINTER(ctypes.c_uint),
    ]  # fmt: skip
    x11.XGetWindowAttributes.argtypes = [
        ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_XWindowAttributes),
    ]  # fmt: skip
    composite.XCompositeQueryExtension.argtypes = [
        ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int),
    ]  # fmt: skip
    composite.XCompositeQueryVersion.argtypes = [
        ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int),
    ]  # fmt: skip
    composite.XCompositeRedirectWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int]
    composite.XCompositeUnredirectWindow.argtypes = [
        ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int,
    ]  # fmt: skip
    composite.XCompositeNameWindowPixmap.restype = ctypes.c_ulong
    composite.XCompositeNameWindowPixmap.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    return x11, composite


class X11Screen:
    """An X connection for finding windows and capturing regions without our own windows.

    Use :meth:`open` (None when this is not X11 or Composite is missing); call
    :meth:`close` when done (it undoes the redirections).
    """

    def __init__(self, x11: Any, composite: Any, display: int) -> None:
        self._x11 = x11
        self._composite = composite
        self._display = ctypes.c_void_p(display)
        self._root = int(x11.XDefaultRootWindow(self._display))
        self._lock = threading.Lock()
        self._redirected: set[int] = set()

    @classmethod
    def open(cls) -> X11Screen | None:
        libraries = _load()
        if libraries is None:
            return None
        x11, composite = libraries
        display = x11.XOpenDisplay(None)
        if not display:
            return None
        event, error = ctypes.c_int(), ctypes.c_int()
        major, minor = ctypes.c_int(0), ctypes.c_int(4)
        pointer = ctypes.c_void_p(display)
        if not composite.XCompositeQueryExtension(
            pointer, ctypes.byref(event), ctypes.byref(error)
        ):
            x11.XCloseDisplay(pointer)
            return None
        composite.XCompositeQueryVersion(pointer, ctypes.byref(major), ctypes.byref(minor))
        if (major.value, minor.value) < (0, 2):  # NameWindowPixmap arrived in 0.2
            x11.XCloseDisplay(pointer)
            return None
        x11.XSetErrorHandler(_on_error)
        return cls(x11, composite, display)

    def close(self) -> None:
        with self._lock:
            if not self._display:
                return
            for wid in self._redirected:
                self._composite.XCompositeUnredirectWindow(self._display, wid, REDIRECT_AUTOMATIC)
            self._redirected.clear()
            self._x11.XSync(self._display, 0)
            self._x11.XCloseDisplay(self._display)
            self._display = ctypes.c_void_p(0)

    # --- windows ----------------------------------------------------------------------------
    def _children(self, window: int) -> tuple[int, list[int]]:
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        count = ctypes.c_uint()
        ok = self._x11.XQueryTree(
            self._display, window, ctypes.byref(root), ctypes.byref(parent),
            ctypes.byref(children), ctypes.byref(count),
        )  # fmt: skip
        if not ok:
            return 0, []
        out = [int(children[k]) for k in range(count.value)]
        if children:
            self._x11.XFree(children)
        return int(parent.value), out

    def toplevels(self) -> list[Toplevel]:
        """The root's children, bottom of the stack first."""
        with self._lock:
            return self._toplevels()

    def _toplevels(self) -> list[Toplevel]:
        _parent, children = self._children(self._root)
        out: list[Toplevel] = []
        attributes = _XWindowAttributes()
        for wid in children:
            if not self._x11.XGetWindowAttributes(self._display, wid, ctypes.byref(attributes)):
                continue
            if attributes.c_class != INPUT_OUTPUT:
                continue
            out.append(
                Toplevel(
                    wid, attributes.x, attributes.y, attributes.width, attributes.height,
                    attributes.border_width, attributes.depth,
                    attributes.map_state == IS_VIEWABLE,
                )
            )  # fmt: skip
        return out

    def toplevel_of(self, wid: int) -> int:
        """The root child that holds window ``wid`` (a window manager's frame, or itself)."""
        with self._lock:
            current = wid
            for _ in range(64):
                parent, _children = self._children(current)
                if parent in (0, self._root):
                    return current
                current = parent
            return current

    def window_at(self, x: int, y: int, exclude: set[int]) -> Toplevel | None:
        """The topmost viewable window at native point (x, y), ours left out."""
        for window in reversed(self.toplevels()):
            left, top, right, bottom = window.rect
            if (
                window.viewable
                and window.wid not in exclude
                and left <= x < right
                and top <= y < bottom
            ):
                return window
        return None

    def state(self, wid: int) -> str:
        """ "shown", "hidden" (unmapped: minimised or on another desktop) or "gone"."""
        for window in self.toplevels():
            if window.wid == wid:
                return "shown" if window.viewable else "hidden"
        return "gone"

    # --- capture ----------------------------------------------------------------------------
    def _image(self, drawable: int, x: int, y: int, width: int, height: int) -> Any:
        """BGRA/BGRX pixels of part of a drawable as an (h, w, 4) array, or None."""
        import numpy as np

        pointer = self._x11.XGetImage(
            self._display, drawable, x, y, width, height, ALL_PLANES, ZPIXMAP
        )
        if not pointer:
            return None
        try:
            image = pointer.contents
            if image.bits_per_pixel != 32:
                return None
            size = image.bytes_per_line * image.height
            raw = np.ctypeslib.as_array(image.data, shape=(size,)).copy()
            rows = raw.reshape(image.height, image.bytes_per_line)[:, : image.width * 4]
            return rows.reshape(image.height, image.width, 4)
        finally:
            self._x11.XDestroyImage(pointer)

    def capture(self, rect: tuple[int, int, int, int], exclude: set[int]) -> Any:
        """RGB pixels of native ``rect`` as the screen shows it, minus windows in ``exclude``.

        ``exclude`` holds root-child ids (see :meth:`toplevel_of`). Returns None when the
        region cannot be read (off screen, not 32-bit pixels).
        """
        import numpy as np

        left, top, right, bottom = rect
        width, height = right - left, bottom - top
        if width <= 0 or height <= 0:
            return None
        with self._lock:
            windows = [
                w
                for w in self._toplevels()
                if w.viewable and w.wid not in exclude and _overlaps(w.rect, rect)
            ]
            # Start from the topmost opaque window that covers the whole region (the usual
            # case: the app's window): what is below it cannot show, so it is not read.
            base = next(
                (k for k in range(len(windows) - 1, -1, -1)
                 if windows[k].depth != 32 and _contains(windows[k].rect, rect)),
                None,
            )  # fmt: skip
            if base is None:
                canvas = self._image(self._root, left, top, width, height)
                if canvas is None:
                    return None
                canvas = np.ascontiguousarray(canvas[:, :, :3])
            else:
                canvas = np.zeros((height, width, 3), dtype=np.uint8)
                windows = windows[base:]
            for window in windows:
                wl, wt, wr, wb = window.rect
                il, it = max(left, wl), max(top, wt)
                ir, ib = min(right, wr), min(bottom, wb)
                pixels = self._window_pixels(window, il - wl, it - wt, ir - il, ib - it)
                if pixels is None:
                    continue
                target = canvas[it - top : ib - top, il - left : ir - left]
                if window.depth == 32:  # premultiplied ARGB: source over what is below
                    alpha = pixels[:, :, 3:4].astype(np.float32) / 255.0
                    blended = pixels[:, :, :3] + target * (1.0 - alpha)
                    target[...] = np.clip(blended, 0, 255).astype(np.uint8)
                else:
                    target[...] = pixels[:, :, :3]
            self._x11.XSync(self._display, 0)
        return np.ascontiguousarray(canvas[:, :, ::-1])

    def _window_pixels(self, window: Toplevel, x: int, y: int, width: int, height: int) -> Any:
        if window.wid not in self._redirected:
            self._composite.XCompositeRedirectWindow(self._display, window.wid, REDIRECT_AUTOMATIC)
            self._redirected.add(window.wid)
        pixmap = self._composite.XCompositeNameWindowPixmap(self._display, window.wid)
        if not pixmap:
            return None
        try:
            return self._image(pixmap, x, y, width, height)
        finally:
            self._x11.XFreePixmap(self._display, pixmap)
