"""The real window as the user sees it: a paste until its pinyin and its translation are on the
screen, how long the window could not answer meanwhile, and the hotkey bringing it back.

The app's own window and desktop integration (``companion.ui.app.build_window``, as
``python -m companion`` wires them) run under a private Xvfb (a real X server; offscreen when
Xvfb is missing), with the fixture packs installed (``tests/fixture_pack.py``, the tiny random
model: its decoding is quick, so the Python around it competes hardest for the GUI thread).
For each text, rounds interleaved (every text of a round before the next round):

- pinyin painted: from setting the text in the input (as a paste lands) to the end of the
  first paint of the ruby view after it received the words;
- translation shown: to the first paint of the result box after the final result;
- longest block: the longest gap of a 5 ms heartbeat timer on the GUI thread from the paste
  until both are shown and no task is left (how long the window could not answer);
- hotkey: the window hidden, the show/hide hotkey's signal emitted from another thread (as
  the pynput listener does), to the end of the first paint of the window shown again.

The first text after start-up also loads the dictionary (once, ~0.3 s, from the cache file an
install builds): that paste is shown on its own line, and every measured round comes after
it. Each round empties the sentence cache, so each paste is translated, not recalled.

    .venv/bin/python bench/interactive.py [--rounds N] [--offscreen]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent, QObject

    from companion.ui.desktop.integration import DesktopIntegration
    from companion.ui.main_window import MainWindow

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.app_env import compile_project, prepare_profile, private_xvfb, profile_vars  # noqa: E402
from bench.heartbeat import HEARTBEAT_MS, Heartbeat, all_shown, spin  # noqa: E402

LINES = [
    "姐妹们，今天给大家分享一家超好吃的火锅店，环境很出片，服务也很好，yyds！",
    "这家店的咖啡绝绝子，强烈推荐。",
    "上海房租太贵了，一个月要六千块，你们那边多少钱？",
    "新人报到，我是从TikTok来的美国人，请多关照。",
    "求问这件外套在哪里买的？",
]


def paste(chars: int) -> str:
    """A paste of ``chars`` characters, its sentences all different, a line break now and then."""
    out: list[str] = []
    size = 0
    for day in itertools.count():
        line = f"第{day}天，{LINES[day % len(LINES)]}" + ("\n" if day % 4 == 3 else "")
        out.append(line)
        size += len(line)
        if size >= chars:
            break
    return "".join(out)[:chars]


TEXTS = {
    "post (40 chars)": "今天的OOTD是vintage风，这个look真的很chill，yyds！DM我要link",
    "paste (5,000 chars)": paste(5_000),
    "paste (100,000 chars)": paste(100_000),
}
# Aims (issue 14): a 5,000-character paste blocks the GUI thread <= 50 ms and its pinyin is
# painted within 300 ms; any paste up to the input limit blocks <= 100 ms (issue 13); the
# hotkey shows the hidden window within 100 ms.
AIM_BLOCK = {"post (40 chars)": 50.0, "paste (5,000 chars)": 50.0, "paste (100,000 chars)": 100.0}
AIM_PINYIN = {"post (40 chars)": 300.0, "paste (5,000 chars)": 300.0}
AIM_HOTKEY = 100.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--offscreen", action="store_true", help="no Xvfb")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return measure(args.rounds, os.environ.get("QT_QPA_PLATFORM", "xcb"))
    compile_project()  # PYTHONDONTWRITEBYTECODE=1 on these machines: as an installed app is
    env = dict(os.environ)
    command = [sys.executable, __file__, "--child", "--rounds", str(args.rounds)]
    if args.offscreen:
        env["QT_QPA_PLATFORM"] = "offscreen"
        return subprocess.run(command, env=env, check=False).returncode
    with private_xvfb() as display:
        if display is None:  # no Xvfb here
            env["QT_QPA_PLATFORM"] = "offscreen"
        else:
            env["DISPLAY"] = display
            env["QT_QPA_PLATFORM"] = "xcb"
        return subprocess.run(command, env=env, check=False).returncode


class Stamps:
    """When chosen widgets finish a paint, after they were armed (a filter on each)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QObject

        stamps = self

        class Filter(QObject):
            def eventFilter(self_, watched: QObject, event: QEvent) -> bool:
                stamps._seen(watched, event)
                return False

        self.filter = Filter()
        self.armed: dict[str, QObject] = {}
        self.painted: dict[str, float] = {}
        self._pending: set[str] = set()

    def watch(self, name: str, widget: QObject) -> None:
        self.armed[name] = widget
        widget.installEventFilter(self.filter)

    def arm(self, name: str) -> None:
        self.painted.pop(name, None)
        self._pending.add(name)

    def _seen(self, watched: QObject, event: QEvent) -> None:
        from PySide6.QtCore import QEvent, QTimer

        if event.type() != QEvent.Type.Paint:
            return
        for name in list(self._pending):
            if self.armed[name] is watched:
                self._pending.discard(name)
                # A zero timer posted from the paint runs once the whole frame is done.
                QTimer.singleShot(0, lambda name=name: self.painted.setdefault(name, _now()))


def _now() -> float:
    return time.perf_counter()


def measure(rounds: int, platform: str) -> int:
    home = Path(tempfile.mkdtemp(prefix="companion-interactive-"))
    try:
        return _measure(home, rounds, platform)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _measure(home: Path, rounds: int, platform: str) -> int:
    os.environ.update(profile_vars(home, companion_home=True))
    os.environ["COMPANION_MULTI_INSTANCE"] = "1"

    from PySide6.QtWidgets import QApplication

    from companion.settings import Settings
    from companion.ui.app import build_window

    prepare_profile(home / "build")  # the first run done, the tiny fixture packs installed
    # The dictionary's cache file, as after an install (built once, in a child process).
    subprocess.run(
        [sys.executable, "-c", "from companion.dictionary import prepare_dictionary as p; p()"],
        cwd=REPO,
        check=True,
    )
    app = QApplication([sys.argv[0]])
    assert app is not None
    settings = Settings()
    settings.set("hotkey_show", "")  # no key grabbed on the display: the signal is emitted
    settings.set("hotkey_translate_clipboard", "")
    window, desktop = build_window(settings)
    window.resize(900, 700)
    window.show()
    spin(lambda: window.status_label.text().startswith("Ready"), "warm-up")
    pane = window.pane
    stamps = Stamps()
    stamps.watch("pinyin", pane.ruby)
    stamps.watch("result", pane.output.viewport())
    stamps.watch("window", pane.input.viewport())
    window.controller.pinyinShown.connect(lambda: stamps.arm("pinyin"))
    window.controller.resultShown.connect(lambda _r: stamps.arm("result"))

    heartbeat = Heartbeat()

    def one_paste(text: str) -> dict[str, float]:
        pane.set_text("")
        spin(lambda: window.runner.pending == 0, "the pane to clear")
        window.session.cache = type(window.session.cache)()  # translated, not recalled
        window.session.invalidate()
        spin(lambda: True, "")
        stamps.painted.clear()
        heartbeat.start()
        started = _now()
        pane.set_text(text)
        editor = (_now() - started) * 1000  # Qt laying the text out in the input box
        spin(
            lambda: all_shown(window, text) and {"pinyin", "result"} <= set(stamps.painted),
            "result",
        )
        block = heartbeat.stop()
        return {
            "block": block,
            "pinyin": (stamps.painted["pinyin"] - started) * 1000,
            "result": (stamps.painted["result"] - started) * 1000,
            "editor": editor,
        }

    first = one_paste(TEXTS["post (40 chars)"])  # loads the dictionary: the first use
    figures: dict[str, list[dict[str, float]]] = {name: [] for name in TEXTS}
    hotkey: list[float] = []
    for _round in range(rounds):
        for name, text in TEXTS.items():
            figures[name].append(one_paste(text))
        hotkey.append(hotkey_show(window, desktop, stamps))
    window.shutdown()
    report(platform, rounds, first, figures, hotkey)
    failed = 0
    for name, values in figures.items():
        failed += statistics.median(v["block"] for v in values) > AIM_BLOCK[name]
        if name in AIM_PINYIN:
            failed += statistics.median(v["pinyin"] for v in values) > AIM_PINYIN[name]
    failed += statistics.median(hotkey) > AIM_HOTKEY
    return 1 if failed else 0


def hotkey_show(window: MainWindow, desktop: DesktopIntegration, stamps: Stamps) -> float:
    """The hidden window brought back by the show/hide hotkey's signal, to its first frame."""
    window.hide()
    spin(lambda: not window.isVisible(), "the window to hide")
    spin(lambda: True, "")
    stamps.arm("window")
    started = _now()
    thread = threading.Thread(target=desktop.hotkeys.showRequested.emit)  # as pynput does
    thread.start()
    spin(lambda: "window" in stamps.painted, "the window to show")
    thread.join()
    return (stamps.painted["window"] - started) * 1000


def spread(values: list[float]) -> str:
    return "/".join(f"{v:.0f}" for v in (min(values), statistics.median(values), max(values)))


def report(
    platform: str,
    rounds: int,
    first: dict[str, float],
    figures: dict[str, list[dict[str, float]]],
    hotkey: list[float],
) -> None:
    where = "Xvfb" if platform == "xcb" else platform
    print()
    print(
        f"The real window ({where}), {rounds} interleaved rounds, fixture packs (tiny), "
        f"{HEARTBEAT_MS} ms heartbeat;"
    )
    print("project compiled first (python -m compileall); ms from the paste, min/median/max")
    header = (
        f"{'text':24} {'pinyin painted':>16} {'aim':>7} {'translation shown':>18} "
        f"{'longest block':>15} {'aim':>7} {'editor':>7}  result"
    )
    print(header)
    print("-" * len(header))
    for name, values in figures.items():
        pinyin = [v["pinyin"] for v in values]
        block = [v["block"] for v in values]
        ok = statistics.median(block) <= AIM_BLOCK[name]
        pinyin_aim = AIM_PINYIN.get(name)
        if pinyin_aim is not None:
            ok = ok and statistics.median(pinyin) <= pinyin_aim
        print(
            f"{name:24} {spread(pinyin):>16} "
            f"{('<= ' + format(pinyin_aim, '.0f')) if pinyin_aim else '':>7} "
            f"{spread([v['result'] for v in values]):>18} {spread(block):>15} "
            f"{'<= ' + format(AIM_BLOCK[name], '.0f'):>7} "
            f"{statistics.median(v['editor'] for v in values):7.0f}  {'PASS' if ok else 'FAIL'}"
        )
    ok = statistics.median(hotkey) <= AIM_HOTKEY
    print(
        f"{'hotkey: hidden -> shown':24} {spread(hotkey):>16} {'<= ' + str(int(AIM_HOTKEY)):>7}"
        f"{'':>51}  {'PASS' if ok else 'FAIL'}"
    )
    print(
        f"first text after start-up (loads the dictionary): pinyin painted {first['pinyin']:.0f}"
        f" ms, translation shown {first['result']:.0f} ms, longest block {first['block']:.0f} ms"
    )
    print("pinyin: the ruby view shows the first 5,000 characters of a longer paste")
    print(
        "editor: median ms of Qt's own layout of the pasted text in the input box (part of the"
        " longest block: a paste into any Qt text box costs it)"
    )


if __name__ == "__main__":
    sys.exit(main())
