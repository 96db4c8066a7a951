"""Screenshots of learning in the real window: ``python scripts/learning_screenshots.py OUT_DIR``.

Run it on a display with a CJK font, once per screen size::

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/learning_screenshots.py OUT
    xvfb-run -a -s "-screen 0 1024x600x24" python scripts/learning_screenshots.py OUT

It uses throwaway user directories filled with a few RedNote words and translations (through
the learning core, as the app would have kept them), opens the app's MainWindow and shows the
History, My words and Review tabs, a history entry re-opened in the translator with a word
saved from its selection. Each scene is taken twice: the window at its side-window size
(``side``: what the README shows) and filling the screen (``full``). Files are named
``learning-<scene>-<screen WxH>-<side|full>.png``; ``--readme DIR`` also copies the README's
three pictures (History, My words and a Review card's answer, at the side size) there.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.ui.main_window import MainWindow

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))
from screenshot import _wait  # noqa: E402  (the event loop run until a condition holds)

SIDE = (600, 860)  # a window beside the Chinese app

WORDS = [
    ("种草", "種草", "zhòng cǎo", ("to make someone want to buy something by recommending it",),
     "被博主种草了这个口红。", "The blogger sold me on this lipstick.", ("slang", "shopping")),
    ("平替", "", "píng tì", ("affordable alternative (dupe)",),
     "这个平替绝绝子！", "This dupe is amazing!", ("slang", "shopping")),
    ("避雷", "", "bì léi", ("to warn others away from (a bad product or shop)",),
     "避雷那家店，踩雷了。", "Avoid that shop, I got burned.", ("slang",)),
    ("宝子", "寶子", "bǎo zi", ("babe, dear (friendly address)",),
     "宝子们，今天分享一个食谱。", "Hi dears, sharing a recipe today.", ("slang", "people")),
    ("验证码", "驗證碼", "yàn zhèng mǎ", ("verification code",),
     "请输入验证码", "Please enter the verification code", ("interface",)),
    ("对账", "對賬", "duì zhàng", ("to compare bills (RedNote: comparing prices)",),
     "来对账！美国的房租多少？", "Let's compare! How much is rent in the US?", ("money",)),
]  # fmt: skip
HISTORY = [
    ("家人们谁懂啊！这个平替口红绝绝子", "Family, who understands! This dupe lipstick is amazing",
     "zh", "en", "offline", "pasted"),
    ("Hello, I'm new here. I'm an American from TikTok", "你好，我是新来的。我是来自TikTok的美国人",
     "en", "zh", "offline", "typed"),
    ("请输入验证码", "Please enter the verification code", "zh", "en", "offline", "ocr"),
    ("来对账！美国的房租多少？", "Let's compare! How much is rent in the US?", "zh", "en",
     "deepl", "clipboard"),
    ("宝子们，今天分享一个食谱。", "Hi dears, sharing a recipe today.", "zh", "en", "offline",
     "pasted"),
    ("我去银行取钱。", "I went to the bank to get money.", "zh", "en", "offline", "typed"),
]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--readme", type=Path, default=None, help="copy the README's pictures")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="companion-learning-shot-"))
    os.environ["COMPANION_HOME"] = str(home)
    os.environ["ARGOS_PACKAGES_DIR"] = str(home / "argos")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(home / name.lower())
    os.environ["COMPANION_MULTI_INSTANCE"] = "1"
    from PySide6.QtWidgets import QApplication

    from companion.settings import Settings
    from companion.ui.main_window import MainWindow

    app = QApplication([sys.argv[0]])
    assert app is not None
    _fill()
    settings = Settings()
    settings.set("first_run_done", True)
    window = MainWindow(settings)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        shots = _scenes(window, args.out)
    finally:
        window.shutdown()
    if args.readme is not None:
        args.readme.mkdir(parents=True, exist_ok=True)
        for scene, shot in (("history", "history"), ("words", "words"),
                            ("review", "review-answer")):  # fmt: skip
            shutil.copy(shots[f"{shot}-side"], args.readme / f"learning-{scene}.png")
    shutil.rmtree(home, ignore_errors=True)
    return 0


def _fill() -> None:
    """What a few days of reading RedNote leave behind, kept through the learning core."""
    from companion.learning.enrich import complete
    from companion.learning.history import History
    from companion.learning.review import Reviewer
    from companion.learning.words import WordList, WordToSave

    now = time.time()
    words = WordList()
    for k, (simp, trad, pinyin, senses, sentence, translation, tags) in enumerate(WORDS):
        item = WordToSave(simp, trad, pinyin, senses, sentence, translation, tags=tags,
                          origin="popup")  # fmt: skip
        words.save(complete(item), now=now - 3600 * (len(WORDS) - k))  # as the app saves
    history = History()
    for k, entry in enumerate(HISTORY):
        history.record(*entry, created=now - 600 * (len(HISTORY) - k))
    reviewer = Reviewer()
    for simp in ("种草", "平替"):
        reviewer.answer(words.find(simp)[0].id, "recognition", 3, now=now - 86_400)


def _scenes(window: MainWindow, out: Path) -> dict[str, Path]:
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QGuiApplication, QTextCursor

    screen = QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    size = f"{area.width()}x{area.height()}"
    learning = window.learning
    shots: dict[str, Path] = {}
    window.show()
    _wait(lambda: learning.due_count is not None, "the due count")

    def shoot(scene: str, shape: str, menu_rect: QRect | None = None) -> None:
        path = out / f"learning-{scene}-{size}-{shape}.png"
        if menu_rect is None:
            window.grab().save(str(path))
        else:  # a menu is a window of its own: take the screen where window and menu are
            frame = window.frameGeometry().united(menu_rect).intersected(area)
            screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(
                str(path)
            )
        shots[f"{scene}-{shape}"] = path
        print(f"{path.name}: window {window.width()}x{window.height()}")

    def at(shape: str) -> None:
        if shape == "side":
            window.resize(min(SIDE[0], area.width()), min(SIDE[1], area.height()))
        else:
            window.resize(area.width(), area.height())
        window.move(area.topLeft())
        _wait(lambda: True, "the layout")

        window.tabs.setCurrentWidget(learning.history_host)
        history = learning.ensure_history_panel()
        _wait(lambda: len(history.shown_entries()) == len(HISTORY), "the history")
        history.view.setCurrentIndex(history.model.index(0))
        shoot("history", shape)

        window.tabs.setCurrentWidget(learning.words_host)
        words = learning.ensure_words_panel()
        _wait(lambda: len(words.shown_words()) >= len(WORDS), "my words")
        words.table.selectRow([w.simplified for w in words.shown_words()].index("种草"))
        shoot("words", shape)

        window.tabs.setCurrentWidget(learning.review_host)
        review = learning.ensure_review_panel()
        _wait(lambda: review.counts.total > 0, "the review counts")
        shoot("review", shape)
        review.start()
        _wait(lambda: review.session is not None and not review.busy, "a card")
        shoot("review-card", shape)
        review.reveal()
        shoot("review-answer", shape)
        review.end_session()

        # A history entry opened again, a word selected in it and saved from its menu.
        newest = history.shown_entries()[0]
        learning.reopen(newest)
        _wait(lambda: window.pane.result_text() == newest.result, "the re-opened entry")
        box = window.pane.input
        start = newest.source.index("银行")
        cursor = box.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(start + 2, QTextCursor.MoveMode.KeepAnchor)
        box.setTextCursor(cursor)
        box.setFocus()
        menu = window.pane.context_menu(box)
        rect = box.cursorRect(cursor)
        menu.popup(box.viewport().mapToGlobal(QPoint(rect.right(), rect.bottom())))
        _wait(menu.isVisible, "the menu")
        shoot("save-menu", shape, menu.geometry())
        menu.close()
        saved: list[object] = []
        learning.wordSaved.connect(saved.append)
        learning.save_current()
        _wait(lambda: bool(saved), "the save")
        learning.wordSaved.disconnect(saved.append)
        shoot("saved", shape)

        window.open_phrasebook("种草")  # its entry has "Save word" (Ctrl+S) too
        panel = window.phrasebook_panel
        _wait(lambda: bool(getattr(panel, "loaded", False)), "the phrasebook")
        shoot("phrasebook", shape)

    for shape in ("side", "full"):
        at(shape)

    window.open_settings()  # the History page of Settings
    from companion.ui.settings.dialog import SettingsDialog

    (dialog,) = window.findChildren(SettingsDialog)
    dialog.tabs.setCurrentWidget(dialog.history)
    _wait(lambda: "kept now" in dialog.history.status_label.text(), "the history count")
    path = out / f"learning-settings-{size}.png"
    dialog.grab().save(str(path))
    shots["settings"] = path
    dialog.reject()
    return shots


if __name__ == "__main__":
    sys.exit(main())
