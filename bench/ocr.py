"""OCR bench: render Chinese UI labels and post text with Qt, read them back with RapidOCR.

Prints character accuracy (1 - edit distance / length, whitespace ignored) and seconds per
image for each font size and background, plus the totals. Target: >= 95% on 16 px+ text.
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ocr.py [--sizes 16,20,28]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter

from companion.ocr import recognize

LABELS = [
    "首页  发现  消息  我",
    "关注  推荐  附近",
    "发布笔记  设置  隐私设置",
    "获取验证码  同意并继续",
    "评论  点赞  收藏  分享",
    "账号与安全  通用设置",
]
POSTS = [
    "这个平替真的绝绝子，姐妹们冲！",
    "避雷这家店，服务态度很差。",
    "今天的晚饭是番茄炒蛋和米饭。",
    "欢迎来到小红书，你好新朋友！",
    "房租每个月三千五，水电另算。",
    "宝子们，这款面霜真的很好用吗？",
]
THEMES = {"light": ("#ffffff", "#222222"), "dark": ("#1e1e1e", "#e8e8e8")}


def render(
    lines: list[str], px: int, theme: str, canvas: tuple[int, int] | None = None
) -> bytes:
    background, foreground = THEMES[theme]
    font = QFont()
    font.setFamilies(["Noto Sans CJK SC"])
    font.setPixelSize(px)
    line_height = int(px * 2.2)
    width = max(len(line) for line in lines) * px + 2 * px
    height = line_height * len(lines) + px
    if canvas is not None:
        width, height = max(width, canvas[0]), max(height, canvas[1])
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(background))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor(foreground))
    for index, line in enumerate(lines):
        rect = QRect(px, px // 2 + index * line_height, width - px, line_height)
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), line
        )
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes, runtime wants str
    return bytes(data.data())


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def squash(text: str) -> str:
    return "".join(text.split())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="12,16,20,28")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    _app = QGuiApplication.instance() or QGuiApplication([])
    start = time.perf_counter()
    recognize(render(["预热"], 20, "light"))  # model load, not counted per image
    print(f"engine load + first image: {time.perf_counter() - start:.2f} s\n")
    print(
        f"{'size':>5} {'theme':>6} {'kind':>6} {'chars':>6} {'errors':>6} {'acc %':>7} {'s/img':>6}"
    )
    totals: dict[bool, list[int]] = {True: [0, 0], False: [0, 0]}
    times: list[float] = []
    for px in sizes:
        for theme in THEMES:
            for kind, lines in (("labels", LABELS), ("posts", POSTS)):
                png = render(lines, px, theme)
                t0 = time.perf_counter()
                result = recognize(png)
                elapsed = time.perf_counter() - t0
                times.append(elapsed)
                expected = squash("".join(lines))
                got = squash(result.text)
                errors = edit_distance(expected, got)
                bucket = totals[px >= 16]
                bucket[0] += len(expected)
                bucket[1] += errors
                accuracy = 100 * (1 - errors / len(expected))
                print(
                    f"{px:>5} {theme:>6} {kind:>6} {len(expected):>6} {errors:>6} "
                    f"{accuracy:>7.1f} {elapsed:>6.2f}"
                )
    # A full 1280x800 "screen" of 16 px text: the size a whole-window screenshot has.
    screen_lines = (LABELS + POSTS) * 2
    png = render(screen_lines, 16, "light", canvas=(1280, 800))
    t0 = time.perf_counter()
    result = recognize(png)
    elapsed = time.perf_counter() - t0
    expected = squash("".join(screen_lines))
    errors = edit_distance(expected, squash(result.text))
    totals[True][0] += len(expected)
    totals[True][1] += errors
    accuracy = 100 * (1 - errors / len(expected))
    print(
        f"{16:>5} {'light':>6} {'screen':>6} {len(expected):>6} {errors:>6} "
        f"{accuracy:>7.1f} {elapsed:>6.2f}"
    )
    print()
    for big, (chars, errors) in totals.items():
        if chars:
            label = ">= 16 px" if big else "< 16 px"
            print(
                f"{label}: character accuracy {100 * (1 - errors / chars):.1f}% over {chars} chars"
            )
    times.sort()
    print(f"median s/image: {times[len(times) // 2]:.2f}  max: {times[-1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
