"""Ruby (pinyin) view: what the user waits for, the view on this branch against the one on main.

Run: ``.venv/bin/python bench/ruby.py [--rounds N]`` (offscreen unless QT_QPA_PLATFORM is set).

Both views sit in a window laid out like the translation pane: a word-wrapped result label, the
view in a ``QScrollArea`` (resizable, as the pane embeds it), a terms label; 1000x560. The old
view is ``git show main:companion/ui/reading/ruby_view.py`` imported from a temporary copy.
Words are real ``annotate()`` output, computed once before any timing, for a 40-character
post, a 5,000-character paste and a 100,000-character paste (sentences of the g2pM CPP dev set
in paragraphs with hashtags, emoji and links; the bench's own post repeated when that data is
missing). Rounds interleave old and new; every figure is min / median / max over the rounds:

- first paint: ``set_words`` to the end of the view's first paint showing the words;
- longest block: the longest gap of a 5 ms heartbeat QTimer from ``set_words`` until the view
  is idle again (for the new view: the whole text laid out) plus 50 ms;
- 30 partials: 30 growing updates of the result label after the words are shown (what
  ``show_result``/``show_terms`` do while a translation streams), total time;
- scroll step: one wheel notch (60 px) over the 100k text, ``setValue`` to the paint's end, and
  the time inside the view's paintEvent; jump: the scroll bar dragged to a far position;
- resize: a new window width (a different one each round) to the first paint;
- longest gc pass: the longest garbage-collector pass during all of the above (a full pass
  walks the dictionary and every Word; it lands in whatever GUI work is running).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from bench import quiet_qt  # noqa: E402

WINDOW = (1000, 560)
WHEEL = 60  # one wheel notch: 3 lines of the scroll area's 20 px single step
AIMS = {
    "first paint 5k": "<= 300 ms",
    "longest block": "<= 50 ms",
    "scroll step": "<= 16 ms (one frame)",
}
POST = (
    "姐妹们！今天终于去了重庆那家超火的网红火锅店🔥，排队排了快两个小时，但是真的值得！"
    "锅底是牛油的，麻辣鲜香，毛肚和鸭肠都特别新鲜，七上八下涮一下就能吃。服务员小姐姐超级热情，"
    "还送了我们一份冰粉当甜品。人均一百五左右，不算便宜但也不贵。#重庆美食# @小红书薯\n"
)


def _sentences() -> tuple[list[str], str]:
    for base in (REPO.parent, REPO.parent.parent):
        path = base / "shared" / "data" / "g2pM-CPP" / "dev.sent"
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            return [line.replace("▁", "").strip() for line in lines if line.strip()], str(path)
    return [POST], "the bench's own post, repeated (CPP dev set not found)"


def build_text(sentences: list[str], size: int) -> str:
    """Paragraphs of six sentences; every third ends with a hashtag, an emoji and a link."""
    parts: list[str] = []
    length = 0
    k = 0
    while length < size:
        paragraph = "".join(sentences[(k + j) % len(sentences)] for j in range(6))
        if k % 3 == 2:
            paragraph += " #日常分享# 😂 https://xhslink.com/a/Bx7"
        parts.append(paragraph + "\n")
        length += len(parts[-1])
        k += 6
    return "".join(parts)[:size]


def load_old_view(tmp: Path) -> ModuleType | None:
    """The RubyView on ``main``, imported from a temporary copy (None outside a git checkout)."""
    result = subprocess.run(
        ["git", "show", "main:companion/ui/reading/ruby_view.py"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        print(f"no old view: {result.stderr.strip()}")
        return None
    path = tmp / "old_ruby_view.py"
    path.write_text(result.stdout, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_ruby_view", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_ruby_view"] = module
    spec.loader.exec_module(module)
    return module


def timed_class(base: type) -> type:
    """``base`` with every paintEvent's start, end and exposed height recorded."""

    class Timed(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            self.paints: list[tuple[float, float, int]] = []

        def paintEvent(self, event: Any) -> None:
            start = time.perf_counter()
            super().paintEvent(event)
            info = getattr(self, "last_paint", None)
            complete = info is None or not info().pending  # else rows follow next frame
            if self._words and complete:
                self.paints.append((start, time.perf_counter(), event.rect().height()))

    return Timed


class GcPauses:
    """The longest garbage-collector pass since ``reset`` (it blocks the GUI thread too)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._start)

    def reset(self) -> None:
        self.longest = 0.0


GC = GcPauses()


class Heartbeat:
    """A 5 ms timer: the longest gap between ticks is the longest GUI-thread block."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0
        self.loop: QEventLoop | None = None
        self.until: Callable[[], bool] | None = None

    def start(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now
        if self.loop is not None and self.until is not None and self.until():
            self.loop.quit()

    def run_until(self, condition: Callable[[], bool], timeout: float = 120.0) -> None:
        if condition():
            return
        loop = QEventLoop()
        self.loop, self.until = loop, condition
        QTimer.singleShot(int(timeout * 1000), loop.quit)
        loop.exec()
        self.loop = self.until = None

    def idle(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        self.run_until(lambda: time.perf_counter() >= end)

    def stop(self) -> float:
        self.longest = max(self.longest, time.perf_counter() - self.last)
        self.timer.stop()
        return self.longest


class Pane:
    """A window shaped like the translation pane around one view class."""

    def __init__(self, view_class: type) -> None:
        self.window = QWidget()
        layout = QVBoxLayout(self.window)
        self.output = QLabel("")
        self.output.setWordWrap(True)
        self.view = timed_class(view_class)()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.view)
        self.terms = QLabel("")
        self.terms.setWordWrap(True)
        layout.addWidget(self.output)
        layout.addWidget(self.scroll, 3)
        layout.addWidget(self.terms)
        self.window.resize(*WINDOW)
        self.window.show()

    def idle_view(self) -> bool:
        busy = getattr(self.view, "busy", None)
        return not busy() if busy is not None else True

    def painted_after(self, start: float) -> float | None:
        ends = [end for (_s, end, _h) in self.view.paints if end > start]
        return min(ends) - start if ends else None

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()


def measure_show(pane: Pane, words: list[Any], beat: Heartbeat) -> dict[str, float]:
    gc.collect()  # the words were just built: their first full collection is not the view's
    GC.reset()
    beat.start()
    start = time.perf_counter()
    pane.view.set_words(words)
    beat.run_until(lambda: pane.painted_after(start) is not None)
    first = pane.painted_after(start) or 0.0
    beat.run_until(pane.idle_view)
    beat.idle(0.05)
    out = {"first paint": first, "longest block": beat.stop()}
    beat.start()
    start = time.perf_counter()
    for k in range(30):
        pane.output.setText("The translation so far, growing as it streams in. " * (k + 1))
        pane.terms.setText(f"{k} terms from the phrasebook")
        QApplication.processEvents()
    out["30 partials"] = time.perf_counter() - start
    out["partials block"] = beat.stop()
    return out


def measure_scroll(pane: Pane, beat: Heartbeat, round_no: int, rounds: int) -> dict[str, float]:
    bar = pane.scroll.verticalScrollBar()
    beat.start()
    steps, inside, jumps = [], [], []
    value = bar.maximum() * (round_no + 1) // (rounds + 2)
    bar.setValue(value)
    beat.idle(0.03)
    for _ in range(20):
        mark = len(pane.view.paints)
        start = time.perf_counter()
        bar.setValue(bar.value() + WHEEL)
        beat.run_until(lambda m=mark: len(pane.view.paints) > m, timeout=10)
        steps.append(pane.view.paints[-1][1] - start)
        inside.append(sum(end - s for s, end, _h in pane.view.paints[mark:]))
    for k in range(5):
        mark = len(pane.view.paints)
        start = time.perf_counter()
        bar.setValue(bar.maximum() * ((round_no * 5 + k) * 37 % 100) // 100)
        beat.run_until(lambda m=mark: len(pane.view.paints) > m, timeout=10)
        jumps.append(pane.view.paints[-1][1] - start)
    return {
        "scroll step": statistics.median(steps),
        "scroll step max": max(steps),
        "paintEvent per step": statistics.median(inside),
        "jump": statistics.median(jumps),
        "scroll block": beat.stop(),
    }


def measure_resize(pane: Pane, beat: Heartbeat, width: int) -> dict[str, float]:
    beat.start()
    start = time.perf_counter()
    pane.window.resize(width, WINDOW[1])
    beat.run_until(lambda: pane.painted_after(start) is not None)
    first = pane.painted_after(start) or 0.0
    beat.run_until(pane.idle_view)
    beat.idle(0.05)
    return {"resize paint": first, "resize block": beat.stop()}


def summary(values: list[float]) -> str:
    """min / median / max, then round 1 alone (the first paste: glyph caches still cold)."""
    if not values:
        return "-"
    ms = [v * 1000 for v in values]
    return f"{min(ms):7.1f} {statistics.median(ms):7.1f} {max(ms):8.1f} ({ms[0]:7.1f})"


def main() -> None:
    quiet_qt.install()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--main-100k-rounds",
        type=int,
        default=2,
        help="rounds of main's view on the 100k paste (one takes about a minute)",
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)

    from companion.pinyin import annotate
    from companion.ui.reading.ruby_view import RubyView

    sentences, source = _sentences()
    sizes = {"post 40": 40, "paste 5k": 5000, "paste 100k": 100_000}
    words = {}
    for name, size in sizes.items():
        start = time.perf_counter()
        words[name] = annotate(build_text(sentences, size))
        print(f"annotate {name}: {len(words[name])} words, {time.perf_counter() - start:.2f} s")
    print(f"text: {source}")

    with tempfile.TemporaryDirectory() as tmp:
        old = load_old_view(Path(tmp))
        views: dict[str, type] = {"new": RubyView}
        if old is not None:
            views["main"] = old.RubyView
        results: dict[tuple[str, str, str], list[float]] = {}
        beat = Heartbeat()
        for round_no in range(args.rounds):
            order = list(views) if round_no % 2 == 0 else list(reversed(views))
            for name, word_list in words.items():
                for label in order:
                    skip_main = name == "paste 100k" and round_no >= args.main_100k_rounds
                    if label == "main" and skip_main:
                        continue
                    pane = Pane(views[label])
                    beat.start()
                    beat.idle(0.05)  # shown and exposed before the clock starts
                    beat.stop()
                    figures = measure_show(pane, word_list, beat)
                    if name == "paste 100k":
                        figures |= measure_scroll(pane, beat, round_no, args.rounds)
                    if name != "post 40":
                        figures |= measure_resize(pane, beat, WINDOW[0] - 120 - 7 * round_no)
                    figures["longest gc pass"] = GC.longest
                    for key, value in figures.items():
                        results.setdefault((name, key, label), []).append(value)
                    pane.close()
                    app.processEvents()
            print(f"round {round_no + 1}/{args.rounds} done", flush=True)

    print()
    print(f"main's view on the 100k paste: {min(args.rounds, args.main_100k_rounds)} rounds")
    print(f"Ruby view, {args.rounds} interleaved rounds, window {WINDOW[0]}x{WINDOW[1]}, "
          f"QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}; ms, min / median / max")  # fmt: skip
    print("columns: min median max (round 1, cold caches)")
    header = f"{'text':<11} {'figure':<20} {'new (this branch)':>34} {'main':>34}  aim"
    print(header)
    print("-" * len(header))
    keys: list[tuple[str, str]] = []
    for name, key, _label in results:
        if (name, key) not in keys:
            keys.append((name, key))
    for name, key in keys:
        aim = AIMS.get(f"{key} 5k" if name == "paste 5k" else key, "")
        if key == "first paint" and name != "paste 5k":
            aim = ""
        if key.endswith("block"):
            aim = AIMS["longest block"]
        if key == "scroll step":
            aim = AIMS["scroll step"]
        new = summary(results.get((name, key, "new"), []))
        main_col = summary(results.get((name, key, "main"), []))
        print(f"{name:<11} {key:<20} {new:>34} {main_col:>34}  {aim}")


if __name__ == "__main__":
    main()
