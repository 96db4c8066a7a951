"""Drives the real Lens over a real window on an X server; tests/test_lens_xvfb.py runs it.

``python -m tests.lens_driver OUT_DIR [full|hidpi]`` starts ``tests.lens_target`` in its own
process, puts the Lens over it and writes ``OUT_DIR/result.json`` plus screenshots:

- full: the Lens picks the target by a click on it (window under the pointer), reads it;
  ``before.png``/``after.png``; a click on an English label must reach the target (click-
  through); Follow must pick up a label the target changes; the original comes back with
  Space; Follow pauses while the target is unmapped (minimised); Esc closes.
- hidpi: run with QT_SCALE_FACTOR=2: the Lens covers the target given in logical pixels and
  the English must still land on the Chinese (``after.png``).

Every wait polls a condition with a deadline; none is a fixed sleep.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QElapsedTimer, QRect, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parent.parent


class Target:
    """The other app: a child process with a line protocol on stdin/stdout."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env.pop("QT_SCALE_FACTOR", None)  # the other app is not scaled: only the Lens is
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.lens_target"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.expect("READY", 30)
        x, y, w, h = (int(v) for v in line.split()[1:])
        self.rect = (x, y, w, h)

    def expect(self, prefix: str, seconds: float, pump: Callable[[], None] | None = None) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if pump is not None:
                pump()
            ready, _w, _x = select.select([self.proc.stdout], [], [], 0.05)
            if ready:
                line = self.proc.stdout.readline()
                if line.startswith(prefix):
                    return line.strip()
        raise TimeoutError(f"the target never said {prefix}")

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        try:
            self.send("quit")
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


def pump_until(app: QApplication, condition: Callable[[], bool], seconds: float) -> bool:
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < seconds * 1000:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def shot(rect: tuple[int, int, int, int], path: Path, margin: int = 24) -> QImage:
    """The screen's pixels around ``rect`` (logical), as the user sees them."""
    screen = QGuiApplication.primaryScreen()
    x, y, w, h = rect
    image = screen.grabWindow(0).toImage()
    ratio = image.devicePixelRatio()
    crop = image.copy(
        round((x - margin) * ratio), round((y - margin) * ratio),
        round((w + 2 * margin) * ratio), round((h + 2 * margin) * ratio),
    )  # fmt: skip
    crop.save(str(path))
    return crop


def xdotool(*args: object) -> None:
    subprocess.run(["xdotool", *(str(a) for a in args)], check=True, timeout=10)


def main() -> int:
    out = Path(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else "full"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    from companion.lens.meaning import Matcher
    from companion.lens.sentences import MachineBatch
    from companion.ui.lens.controller import LensController
    from companion.ui.tasks import TaskRunner

    def no_engine(texts: object) -> MachineBatch:
        return MachineBatch(error="Sentences not translated: no engine in this test")

    result: dict[str, Any] = {"mode": mode}
    target = Target()
    ratio = QGuiApplication.primaryScreen().devicePixelRatio()
    x, y, w, h = target.rect
    logical = (round(x / ratio), round(y / ratio), round(w / ratio), round(h / ratio))
    result["target"] = list(logical)
    runner = TaskRunner()
    lens = LensController(runner, Matcher(translate=no_engine))
    reads: list[Any] = []
    lens.screen_read.connect(reads.append)
    lens.failed.connect(lambda message: result.setdefault("failures", []).append(message))
    try:
        # the target has painted once its labels are on screen
        pump_until(app, lambda: not shot(logical, out / "before.png", 0).isNull(), 5)
        before = shot(logical, out / "before.png")
        result["before_size"] = [before.width(), before.height()]
        if mode == "full":
            assert lens.start_region()
            pump_until(app, lambda: lens._picker is not None and lens._picker.isVisible(), 10)
            xdotool("mousemove", x + w // 2, y + h - 10, "click", "1")  # a click, no drag
            pump_until(app, lambda: lens.overlay is not None, 10)
        else:
            lens.start_on(QRect(*logical))
        assert lens.overlay is not None
        geometry = lens.overlay.geometry()
        result["overlay"] = [geometry.x(), geometry.y(), geometry.width(), geometry.height()]
        result["capture"] = lens.capture_method
        pump_until(app, lambda: bool(reads) and not lens.busy, 90)
        screen = lens.screen
        result["lines"] = [
            {"text": line.text, "english": line.meaning.english, "source": line.meaning.source}
            for line in (screen.lines if screen is not None else [])
        ]
        pump_until(app, lambda: lens.overlay is not None and lens.overlay.isVisible(), 5)
        app.processEvents()
        shot(logical, out / "after.png")
        if mode != "full":
            return 0
        overlay = lens.overlay
        assert overlay is not None
        home = next(p for p in overlay.placed if p.line.text == "首页")
        centre = overlay.global_rect(home).center()
        result["home_patch"] = [centre.x(), centre.y()]
        xdotool("mousemove", round(centre.x() * ratio), round(centre.y() * ratio), "click", "1")
        try:
            result["clicked"] = target.expect("CLICKED", 10, app.processEvents)
        except TimeoutError:
            result["clicked"] = ""
        pump_until(app, lambda: lens.card.isVisible(), 5)  # the pointer rests on the label
        result["card"] = lens.card.english.text() if lens.card.isVisible() else ""
        xdotool("mousemove", 5, 5)
        lens.set_follow(True)
        skipped_before = lens.frames_skipped
        pump_until(app, lambda: lens.frames_skipped > skipped_before, 15)
        result["skipped_unchanged"] = lens.frames_skipped - skipped_before
        target.send("set 购物 直播")
        target.expect("SET", 10, app.processEvents)

        def seen() -> bool:
            screen = lens.screen
            return screen is not None and any(line.text == "直播" for line in screen.lines)

        result["follow_seen"] = pump_until(app, lambda: seen() and not lens.busy, 30)
        result["follow_lines"] = [
            {"text": line.text, "english": line.meaning.english}
            for line in (lens.screen.lines if lens.screen is not None else [])
        ]
        result["reread_bands"] = lens.frames_reread
        pump_until(app, lambda: lens.overlay is not None and lens.overlay.isVisible(), 5)
        shot(logical, out / "follow.png")
        target.send("hide")  # minimised: Follow pauses and the English goes away with it
        target.expect("HIDDEN", 10, app.processEvents)
        result["paused_when_hidden"] = pump_until(
            app, lambda: lens.paused and not overlay.isVisible(), 10
        )
        target.send("show")
        target.expect("SHOWN", 10, app.processEvents)
        result["back_when_shown"] = pump_until(
            app, lambda: not lens.paused and overlay.isVisible(), 15
        )
        bar = lens.bar
        assert bar is not None
        QTest.keyClick(bar, Qt.Key.Key_Space)
        result["original_hides_overlay"] = pump_until(app, lambda: not overlay.isVisible(), 5)
        shot(logical, out / "original.png")
        QTest.keyClick(bar, Qt.Key.Key_Space)
        result["english_again"] = pump_until(app, lambda: overlay.isVisible(), 5)
        QTest.keyClick(bar, Qt.Key.Key_Escape)
        result["closed_by_esc"] = pump_until(app, lambda: lens.overlay is None, 5)
        return 0
    finally:
        lens.close()
        runner.wait_idle()
        target.close()
        (out / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    sys.exit(main())
