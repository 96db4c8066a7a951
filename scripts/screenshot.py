"""Take screenshots of the real window for the README: ``python scripts/screenshot.py OUT_DIR``.

Run it on a display (``xvfb-run -a``) with a CJK font installed. It uses throwaway user
directories, so whatever packs the machine has, the pictures show a fresh install.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

POST = (
    "家人们谁懂啊！这个平替口红绝绝子，被博主种草了，yyds！\n"
    "避雷那家店，踩雷了。"
)


def main(out_dir: Path) -> int:
    home = Path(tempfile.mkdtemp(prefix="companion-shot-"))
    os.environ["COMPANION_HOME"] = str(home)
    os.environ["ARGOS_PACKAGES_DIR"] = str(home / "argos")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from companion.settings import Settings
    from companion.ui.main_window import MainWindow

    app = QApplication([sys.argv[0]])
    settings = Settings()
    settings.set("first_run_done", True)
    window = MainWindow(settings)
    window.resize(560, 860)
    window.show()
    window.pane.set_text(POST)
    out_dir.mkdir(parents=True, exist_ok=True)

    def shoot_pane() -> None:
        window.grab().save(str(out_dir / "screenshot.png"))
        window.tabs.setCurrentIndex(1)
        QTimer.singleShot(2500, shoot_phrasebook)

    def shoot_phrasebook() -> None:
        panel = window.phrasebook_panel
        if panel is not None:
            panel.set_query("zhongcao")  # type: ignore[attr-defined]
        QTimer.singleShot(1500, finish)

    def finish() -> None:
        window.grab().save(str(out_dir / "phrasebook.png"))
        app.quit()

    QTimer.singleShot(6000, shoot_pane)
    app.exec()
    window.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "assets")))
