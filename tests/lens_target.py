"""A small RedNote-like window in its own process, for the Lens's tests under Xvfb.

Run: ``python -m tests.lens_target`` (with DISPLAY set). It prints ``READY x y w h`` (its
frame in screen pixels), ``CLICKED <label>`` when a tab is clicked, and on stdin accepts
``set <old> <new>`` to change a label's text, ``hide``/``show`` (unmap it, as minimising
does), ``quit`` to leave.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSocketNotifier, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

STYLE = """
QWidget#page { background: #ffffff; }
QLabel, QPushButton { color: #222222; background: transparent; border: none; }
QPushButton { padding: 6px 10px; }
QLabel[role="sub"] { color: #666666; }
QLabel[role="accent"] { color: #ff2442; }
QFrame#line { background: #eeeeee; max-height: 1px; min-height: 1px; }
QPushButton#follow { background: #ff2442; color: #ffffff; border-radius: 14px; padding: 4px 16px; }
"""


def font(px: int, bold: bool = False) -> QFont:
    value = QFont()
    value.setFamilies(["Noto Sans CJK SC"])
    value.setPixelSize(px)
    value.setBold(bold)
    return value


def say(*parts: object) -> None:
    print(*parts, flush=True)


def main() -> int:
    app = QApplication(sys.argv[:1])
    page = QWidget()
    page.setObjectName("page")
    page.setWindowTitle("小红书")
    page.setStyleSheet(STYLE)
    page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    widgets: dict[str, QLabel | QPushButton] = {}
    layout = QVBoxLayout(page)
    layout.setContentsMargins(16, 8, 16, 12)
    tabs = QHBoxLayout()
    for name in ("首页", "购物", "消息", "我"):
        button = QPushButton(name, page)
        button.setFont(font(18, bold=name == "首页"))
        button.clicked.connect(lambda _checked=False, n=name: say("CLICKED", widgets[n].text()))
        widgets[name] = button
        tabs.addWidget(button)
    layout.addLayout(tabs)
    header = QHBoxLayout()
    author = QLabel("小红薯8848", page)
    author.setFont(font(15))
    header.addWidget(author)
    header.addStretch(1)
    follow = QPushButton("关注", page)
    follow.setObjectName("follow")
    follow.setFont(font(15))
    header.addWidget(follow)
    layout.addLayout(header)
    title = QLabel("周末去哪儿玩？这家店真的绝绝子", page)
    title.setFont(font(17, bold=True))
    layout.addWidget(title)
    grid = QGridLayout()
    rows = (("隐私设置", ""), ("通知设置", ""), ("深色模式", "已开启"), ("清除缓存", "12.3MB"))
    for row, (label, value) in enumerate(rows):
        left = QLabel(label, page)
        left.setFont(font(16))
        widgets[label] = left
        grid.addWidget(left, row, 0)
        right = QLabel(value, page)
        right.setFont(font(14))
        right.setProperty("role", "sub")
        right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(right, row, 1)
    layout.addLayout(grid)
    line = QFrame(page)
    line.setObjectName("line")
    layout.addWidget(line)
    bar = QHBoxLayout()
    for text in ("点赞 1.2万", "收藏", "评论 356", "分享"):
        counter = QLabel(text, page)
        counter.setFont(font(15))
        widgets[text] = counter
        bar.addWidget(counter, 1, Qt.AlignmentFlag.AlignHCenter)
    layout.addLayout(bar)
    page.setGeometry(120, 90, 640, 430)
    page.show()

    def command() -> None:
        parts = sys.stdin.readline().split()
        if not parts or parts[0] == "quit":
            app.quit()
        elif parts[0] == "hide":
            page.hide()
            say("HIDDEN")
        elif parts[0] == "show":
            page.show()
            say("SHOWN")
        elif parts[0] == "set" and len(parts) == 3 and parts[1] in widgets:
            widgets[parts[1]].setText(parts[2])
            widgets[parts[2]] = widgets[parts[1]]
            say("SET", parts[2])

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(command)
    app.processEvents()
    frame = page.frameGeometry()
    say("READY", frame.x(), frame.y(), frame.width(), frame.height())
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
