"""Screenshots of the real window: ``python scripts/screenshot.py OUT_DIR [options]``.

Run it on a display (``xvfb-run -a -s "-screen 0 1600x1000x24"``) with a CJK font installed.
It uses throwaway user directories, so whatever packs the machine has, the pictures show a
fresh install; ``--packs DIR`` installs the ``.argosmodel`` files found there first.

Scenes (``--scene``, default ``readme``):

- ``readme``: the README's two pictures (a post in the pane, the phrasebook);
- ``layouts``: the pane wide and narrow with a mixed post and with a 6,000-character paste,
  and the overlay after a long text; each picture is the whole screen, so a window taller
  than the screen shows as one. Files are named ``<scene>-<screen WxH>-<wide|narrow>.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.ui.desktop.overlay import OverlayController
    from companion.ui.main_window import MainWindow

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

POST = "家人们谁懂啊！这个平替口红绝绝子，被博主种草了，yyds！\n避雷那家店，踩雷了。"
MIXED = "今天的OOTD是vintage风，这个look真的很chill，yyds！DM我要link"
LONG_LINE = "姐妹们，今天给大家分享一家超好吃的火锅店，环境很出片，服务也很好，强烈推荐！"
LONG = "\n".join(LONG_LINE for _ in range(6000 // (len(LONG_LINE) + 1) + 1))[:6000]
DEADLINE_S = 120.0
WARMING = "Loading language packs…"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=REPO / "assets")
    parser.add_argument("--scene", choices=["readme", "layouts"], default="readme")
    parser.add_argument("--packs", type=Path, default=None, help="install *.argosmodel from here")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="companion-shot-"))
    os.environ["COMPANION_HOME"] = str(home)
    os.environ["ARGOS_PACKAGES_DIR"] = str(home / "argos")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(home / name.lower())
    from PySide6.QtWidgets import QApplication

    from companion.settings import Settings
    from companion.ui.main_window import MainWindow

    if args.packs is not None:
        from companion.packs import install_pack

        for archive in sorted(args.packs.glob("*.argosmodel")):
            install_pack(archive)

    app = QApplication([sys.argv[0]])
    assert app is not None
    settings = Settings()
    settings.set("first_run_done", True)
    window = MainWindow(settings)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        if args.scene == "readme":
            _readme(window, args.out)
        else:
            _layouts(window, args.out)
    finally:
        window.shutdown()
    return 0


def _wait(condition: Callable[[], bool], what: str) -> None:
    """Run the event loop until ``condition`` holds (a script, not a test: a deadline)."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshot: gave up waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.02)
    for _ in range(20):  # let the last layout and paint through
        QApplication.processEvents()
        time.sleep(0.01)


def _settled(window: MainWindow) -> Callable[[], bool]:
    def done() -> bool:
        result = window.controller.last_result
        return window.runner.pending == 0 and (result is None or result.complete)

    return done


def _readme(window: MainWindow, out: Path) -> None:
    window.resize(560, 860)
    window.show()
    _wait(lambda: window.status_label.text() != WARMING, "warm-up")
    window.pane.set_text(POST)
    _wait(lambda: window.pane.ruby_scroll.isVisible(), "the pinyin")
    _wait(_settled(window), "the translation")
    window.grab().save(str(out / "screenshot.png"))
    window.open_phrasebook("zhongcao")  # the panel loads the book on a worker
    _wait(lambda: bool(getattr(window.phrasebook_panel, "loaded", False)), "the phrasebook")
    window.grab().save(str(out / "phrasebook.png"))


def _layouts(window: MainWindow, out: Path) -> None:
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    size = f"{area.width()}x{area.height()}"
    window.show()
    _wait(lambda: window.status_label.text() != WARMING, "warm-up")
    shapes = {
        "wide": (area.width() - 40, area.height() - 40),
        "narrow": (520, area.height() - 40),
    }

    def shoot(name: str) -> None:
        path = out / f"{name}-{size}.png"
        screen.grabWindow(0).save(str(path))
        geometry = window.frameGeometry()
        inside = area.contains(geometry)
        print(f"{path.name}: window {geometry.width()}x{geometry.height()}, on screen: {inside}")

    for shape, (width, height) in shapes.items():
        window.resize(width, height)
        window.move(area.topLeft())
        for scene, text in (("mixed", MIXED), ("long", LONG)):
            window.pane.set_text("")
            window.pane.set_text(text)
            _wait(lambda: window.pane.ruby_scroll.isVisible(), "the pinyin")
            _wait(_settled(window), "the translation")
            shoot(f"{scene}-{shape}")

    desktop_overlay = _overlay(window)
    desktop_overlay.show()
    _wait(lambda: desktop_overlay.window.isVisible(), "the overlay")
    desktop_overlay.refresh()
    _wait(lambda: True, "the overlay text")
    path = out / f"overlay-long-{size}.png"
    screen.grabWindow(0).save(str(path))
    geometry = desktop_overlay.window.frameGeometry()
    on_screen = area.contains(geometry)
    print(f"{path.name}: overlay {geometry.width()}x{geometry.height()}, on screen: {on_screen}")
    desktop_overlay.close()


def _overlay(window: MainWindow) -> OverlayController:
    from companion.ui.desktop.overlay import OverlayController

    return OverlayController(
        lambda: (window.input_text(), window.result_text()),
        {},
        lambda _positions: None,
        13,
    )


if __name__ == "__main__":
    sys.exit(main())
