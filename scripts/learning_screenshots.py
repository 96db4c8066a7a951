"""Screenshots of the learning panels (History, My words, Review) in a small host window.

``python scripts/learning_screenshots.py OUT_DIR [WIDTHxHEIGHT]`` on a display (``xvfb-run -a
-s "-screen 0 1600x1000x24"``) with a CJK font. Uses throwaway user directories filled with
a few RedNote words and translations; the window fills the screen it is given.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

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
    ("银行", "銀行", "yín háng", ("bank",), "我去银行取钱。", "I went to the bank to get money.",
     ("money",)),
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
]  # fmt: skip


def main(out_dir: Path, size: str) -> int:
    home = Path(tempfile.mkdtemp(prefix="companion-learning-shot-"))
    os.environ["COMPANION_HOME"] = str(home)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QTabWidget

    from companion.learning.history import History
    from companion.learning.review import Reviewer
    from companion.learning.words import WordList, WordToSave
    from companion.ui.learning.history_panel import HistoryPanel
    from companion.ui.learning.review_panel import ReviewPanel
    from companion.ui.learning.words_panel import WordsPanel
    from companion.ui.tasks import TaskRunner

    app = QApplication([sys.argv[0]])
    now = time.time()
    words = WordList()
    for k, (simp, trad, pinyin, senses, sentence, translation, tags) in enumerate(WORDS):
        words.save(WordToSave(simp, trad, pinyin, senses, sentence, translation, tags=tags,
                              origin="popup"), now=now - 3600 * (len(WORDS) - k))  # fmt: skip
    history = History(pinyin_of=lambda _t: "")
    for k, entry in enumerate(HISTORY):
        history.record(*entry, created=now - 600 * (len(HISTORY) - k))
    reviewer = Reviewer()
    reviewer.answer(words.find("银行")[0].id, "recognition", 3, now=now - 86_400)

    width, height = (int(v) for v in size.split("x"))
    host = QTabWidget()
    host.setWindowTitle("Companion: learning")
    runner = TaskRunner(host)
    panels = {
        "history": HistoryPanel(history, runner, host),
        "words": WordsPanel(words, runner, host),
        "review": ReviewPanel(reviewer, runner, host),
    }
    host.addTab(panels["history"], "History")
    host.addTab(panels["words"], "My words")
    host.addTab(panels["review"], "Review")
    host.resize(width, height)
    host.show()
    out_dir.mkdir(parents=True, exist_ok=True)
    shots = [("history", 0, None), ("words", 1, None), ("review", 2, None),
             ("review-card", 2, "start"), ("review-answer", 2, "reveal")]  # fmt: skip
    review = panels["review"]
    assert isinstance(review, ReviewPanel)

    def step(k: int) -> None:
        if k >= len(shots):
            app.quit()
            return
        name, tab, action = shots[k]
        host.setCurrentIndex(tab)
        if action == "start":
            review.start()
        elif action == "reveal":
            review.reveal()
        QTimer.singleShot(900, lambda: shoot(k, name))

    def shoot(k: int, name: str) -> None:
        host.grab().save(str(out_dir / f"learning-{name}-{width}x{height}.png"))
        step(k + 1)

    QTimer.singleShot(1500, lambda: step(0))
    app.exec()
    runner.wait_idle()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "1600x1000"))
