"""Synthetic RedNote-like screens drawn with Qt, for the Lens's tests and bench/lens.py.

Each screen is built from phrasebook entries (so the right English for each label is known):
a tab bar, a settings list, a post with its comment bar, a sign-up page and a pop-up dialog,
at phone or desktop size, light or dark, labels at a chosen pixel size, some next to
counters ("点赞 1.2万"), chevrons, switches and icons, as the real app has them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

from companion.phrasebook import get_book

PHONE = (430, 932)
DESKTOP = (1280, 800)
THEMES: dict[str, dict[str, str]] = {
    "light": {
        "bg": "#ffffff", "fg": "#222222", "sub": "#666666", "line": "#eeeeee",
        "card": "#f6f6f6", "accent": "#ff2442", "on_accent": "#ffffff", "icon": "#333333",
    },
    "dark": {
        "bg": "#121212", "fg": "#e8e8e8", "sub": "#a0a0a0", "line": "#2a2a2a",
        "card": "#1e1e1e", "accent": "#ff2442", "on_accent": "#ffffff", "icon": "#dddddd",
    },
}  # fmt: skip
_PAREN_RE = re.compile(r"\s*[(（][^)）]*[)）]")


@dataclass(frozen=True)
class DrawnLabel:
    """An interface label drawn on a screen: its text, the entry it came from, where it is."""

    text: str
    key: str
    rect: tuple[int, int, int, int]  # left, top, right, bottom
    px: int

    def senses(self) -> list[str]:
        entry = get_book().entry(self.key)
        assert entry is not None, self.key
        return [english_key(s) for s in entry.english]


@dataclass
class Screen:
    name: str
    kind: str  # phone | desktop
    theme: str
    px: int
    image: QImage
    labels: list[DrawnLabel] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)


def english_key(text: str) -> str:
    return " ".join(_PAREN_RE.sub("", text).casefold().replace("&", "and").split())


class Canvas:
    """A themed painter that records every label it draws."""

    def __init__(self, size: tuple[int, int], theme: str, px: int, scale: float = 1.0) -> None:
        self.width, self.height = size
        self.colors = THEMES[theme]
        self.px = px
        self.scale = scale
        self.image = QImage(
            round(self.width * scale), round(self.height * scale), QImage.Format.Format_RGB32
        )
        self.image.fill(QColor(self.colors["bg"]))
        self.painter = QPainter(self.image)
        self.painter.scale(scale, scale)  # a phone's 3x screenshot: same layout, more pixels
        self.painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.labels: list[DrawnLabel] = []
        self.sentences: list[str] = []

    def end(self) -> None:
        self.painter.end()

    def font(self, px: int, bold: bool = False) -> QFont:
        font = QFont()
        font.setFamilies(["Noto Sans CJK SC"])
        font.setPixelSize(px)
        font.setBold(bold)
        return font

    def text(
        self,
        x: float,
        y: float,
        text: str,
        px: int | None = None,
        color: str = "fg",
        key: str | None = "",
        align: str = "left",
        bold: bool = False,
        width: float | None = None,
    ) -> QRect:
        """Draw ``text`` with its top-left (or centre/right, per ``align``) at (x, y).

        ``key`` is the phrasebook entry the label shows ("" = interface:<text>, None = not a
        label: a sentence or a name, not counted).
        """
        size = px or self.px
        font = self.font(size, bold)
        metrics = QFontMetrics(font)
        advance = metrics.horizontalAdvance(text)
        if align == "center":
            x -= advance / 2
        elif align == "right":
            x -= advance
        rect = QRect(round(x), round(y), advance, metrics.height())
        if width is not None:
            rect.setWidth(round(width))
        self.painter.setFont(font)
        self.painter.setPen(QColor(self.colors.get(color, color)))
        self.painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text
        )
        if key is None:
            self.sentences.append(text)
        else:
            entry_key = key or f"interface:{_core(text)}"
            assert get_book().entry(entry_key) is not None, f"no phrasebook entry {entry_key}"
            k = self.scale  # labels are recorded in image pixels
            corners = (rect.left(), rect.top(), rect.right(), rect.bottom())
            box = (
                round(corners[0] * k),
                round(corners[1] * k),
                round(corners[2] * k),
                round(corners[3] * k),
            )
            self.labels.append(DrawnLabel(text, entry_key, box, round(size * k)))
        return rect

    # --- shapes ---------------------------------------------------------------------------------
    def line(self, y: float, left: float = 0, right: float | None = None) -> None:
        self.painter.setPen(QPen(QColor(self.colors["line"]), 1))
        self.painter.drawLine(QPointF(left, y), QPointF(self.width if right is None else right, y))

    def fill(self, rect: QRectF, color: str, radius: float = 0) -> None:
        self.painter.setPen(Qt.PenStyle.NoPen)
        self.painter.setBrush(QColor(self.colors.get(color, color)))
        self.painter.drawRoundedRect(rect, radius, radius)

    def chevron(self, x: float, y: float, size: float) -> None:
        pen = QPen(QColor(self.colors["sub"]), max(1.5, size / 8))
        self.painter.setPen(pen)
        self.painter.drawPolyline(
            [QPointF(x, y - size / 2), QPointF(x + size / 2, y), QPointF(x, y + size / 2)]
        )

    def switch(self, x: float, y: float, on: bool) -> None:
        width, height = self.px * 2.6, self.px * 1.5
        self.fill(QRectF(x, y - height / 2, width, height), "accent" if on else "line", height / 2)
        knob = height - 4
        kx = x + width - knob - 2 if on else x + 2
        self.fill(QRectF(kx, y - knob / 2, knob, knob), "#ffffff", knob / 2)

    def heart(self, x: float, y: float, size: float) -> None:
        path = QPainterPath()
        path.moveTo(x + size / 2, y + size)
        path.cubicTo(
            x - size * 0.2,
            y + size * 0.4,
            x + size * 0.2,
            y - size * 0.2,
            x + size / 2,
            y + size * 0.25,
        )
        path.cubicTo(
            x + size * 0.8, y - size * 0.2, x + size * 1.2, y + size * 0.4, x + size / 2, y + size
        )
        self.painter.setPen(QPen(QColor(self.colors["icon"]), 1.6))
        self.painter.setBrush(Qt.BrushStyle.NoBrush)
        self.painter.drawPath(path)

    def star(self, x: float, y: float, size: float) -> None:
        import math

        points = []
        for k in range(10):
            radius = size / 2 if k % 2 == 0 else size / 5
            angle = math.pi / 2 + k * math.pi / 5
            points.append(
                QPointF(
                    x + size / 2 + radius * math.cos(angle), y + size / 2 - radius * math.sin(angle)
                )
            )
        self.painter.setPen(QPen(QColor(self.colors["icon"]), 1.6))
        self.painter.setBrush(Qt.BrushStyle.NoBrush)
        self.painter.drawPolygon(points)

    def bubble(self, x: float, y: float, size: float) -> None:
        self.painter.setPen(QPen(QColor(self.colors["icon"]), 1.6))
        self.painter.setBrush(Qt.BrushStyle.NoBrush)
        self.painter.drawEllipse(QRectF(x, y, size, size * 0.85))

    def avatar(self, x: float, y: float, size: float, hue: int) -> None:
        self.fill(QRectF(x, y, size, size), QColor.fromHsv(hue, 120, 210).name(), size / 2)

    def photo(self, rect: QRectF, hue: int) -> None:
        gradient = QLinearGradient(rect.topLeft(), rect.bottomRight())
        gradient.setColorAt(0, QColor.fromHsv(hue, 140, 230))
        gradient.setColorAt(1, QColor.fromHsv((hue + 60) % 360, 160, 120))
        self.painter.setPen(Qt.PenStyle.NoPen)
        self.painter.setBrush(gradient)
        self.painter.drawRoundedRect(rect, 8, 8)


def _core(text: str) -> str:
    """The entry a drawn label comes from: the text without counters or icons."""
    from companion.lens.labels import parse_label

    label = parse_label(text)
    return label.core or text


# --- the screens ---------------------------------------------------------------------------------
def tab_bar(c: Canvas) -> None:
    """Top tabs, a feed of cards, the bottom bar: 首页 购物 + 消息 我."""
    px = c.px
    top = px
    tabs = ["关注", "发现", "附近"]
    step = c.width / (len(tabs) + 3)
    for k, tab in enumerate(tabs):
        c.text(
            step * (k + 2), top, tab, px + 2, "fg" if k == 1 else "sub", align="center", bold=k == 1
        )
    c.text(c.width - px * 2, top, "搜索", px, "sub", align="right")
    y = top + px * 3
    chips = ["推荐", "视频", "直播", "穿搭", "美食", "旅行"]
    x = px
    for chip in chips:
        rect = c.text(x, y, chip, px - 1 if px > 12 else px, "sub")
        x = rect.right() + px * 2
        if x > c.width - px * 3:
            break
    y += px * 3
    columns = 2 if c.width < 800 else 4
    card_w = (c.width - px * (columns + 1)) / columns
    for k in range(columns):
        cx = px + k * (card_w + px)
        c.photo(QRectF(cx, y, card_w, card_w * 1.1), 30 + 70 * k)
        caption = ["这个平替真的绝绝子", "周末去哪儿玩", "今天的穿搭分享", "在家做的晚饭"][k]
        c.text(cx, y + card_w * 1.1 + px * 0.5, caption, px, key=None)
        c.heart(cx + card_w - px * 4.5, y + card_w * 1.1 + px * 2.3, px * 0.9)
        c.text(
            cx + card_w - px * 3.2,
            y + card_w * 1.1 + px * 2.0,
            f"{3 + k}.{k + 1}万",
            px - 2,
            "sub",
            key=None,
        )
    bar = c.height - px * 4
    c.line(bar)
    items = ["首页", "购物", "", "消息", "我"]
    step = c.width / len(items)
    for k, item in enumerate(items):
        centre = step * (k + 0.5)
        if item:
            c.text(
                centre,
                bar + px,
                item,
                px + 1,
                "fg" if k == 0 else "sub",
                align="center",
                bold=k == 0,
            )
        else:
            c.fill(
                QRectF(centre - px * 1.6, bar + px * 0.6, px * 3.2, px * 2.2), "accent", px * 0.6
            )
            c.painter.setPen(QPen(QColor("#ffffff"), 2))
            c.painter.drawLine(
                QPointF(centre - px * 0.6, bar + px * 1.7),
                QPointF(centre + px * 0.6, bar + px * 1.7),
            )
            c.painter.drawLine(QPointF(centre, bar + px * 1.1), QPointF(centre, bar + px * 2.3))


def settings_list(c: Canvas) -> None:
    """A settings page: a title, rows with chevrons, values and switches."""
    px = c.px
    c.text(c.width / 2, px, "设置", px + 3, align="center", bold=True)
    rows: list[tuple[str, str]] = [
        ("账号与安全", ">"), ("通用设置", ">"), ("隐私设置", ">"), ("通知设置", ">"),
        ("深色模式", "switch"), ("清除缓存", "12.3MB"), ("帮助与客服", ">"), ("关于小红书", ">"),
    ]  # fmt: skip
    width = min(c.width, 760)
    left = (c.width - width) / 2 + px
    right = (c.width + width) / 2 - px
    y = px * 4.0
    row_h = px * 3.4
    for label, trail in rows:
        c.text(left, y + (row_h - px * 1.4) / 2, label, px)
        middle = y + row_h / 2
        if trail == ">":
            c.chevron(right - px * 0.5, middle, px * 0.8)
        elif trail == "switch":
            c.switch(right - px * 2.6, middle, True)
        else:
            c.text(
                right - px * 1.5,
                y + (row_h - px * 1.4) / 2,
                trail,
                px - 1,
                "sub",
                key=None,
                align="right",
            )
            c.chevron(right - px * 0.5, middle, px * 0.8)
        y += row_h
        c.line(y, left, right)
    y += px * 2
    c.fill(QRectF(left, y, right - left, px * 3), "card", px * 0.5)
    c.text((left + right) / 2, y + px * 0.8, "切换账号", px, align="center")
    y += px * 4
    c.fill(QRectF(left, y, right - left, px * 3), "card", px * 0.5)
    c.text((left + right) / 2, y + px * 0.8, "退出登录", px, "accent", align="center")


def post(c: Canvas) -> None:
    """A post: author, photo, title, text, date, the comment bar with counters, comments."""
    px = c.px
    c.avatar(px, px * 0.6, px * 2.2, 200)
    c.text(px * 4, px, "小红薯8848", px, key=None)
    c.fill(QRectF(c.width - px * 6, px * 0.6, px * 5, px * 2.2), "accent", px * 1.1)
    c.text(c.width - px * 3.5, px * 1.0, "关注", px, "on_accent", align="center")
    y = px * 3.8
    photo_h = min(c.height * 0.34, c.width * 0.7)
    c.photo(QRectF(0, y, c.width, photo_h), 10)
    y += photo_h + px
    c.text(px, y, "这个平替真的绝绝子，姐妹们冲！", px + 3, key=None, bold=True)
    y += px * 2.4
    c.text(px, y, "今天去了新开的店，服务态度很好。", px, key=None)
    y += px * 1.8
    c.text(px, y, "编辑于 3天前", px - 2, "sub", key=None)
    y += px * 2.5
    c.line(y)
    y += px
    c.text(px, y, "共56条评论", px - 1, "sub", key="interface:条评论")
    y += px * 2.2
    for k, (who, said, when) in enumerate(
        [("宝子", "真的好用吗？", "3分钟前"), ("集美", "种草了！", "刚刚")]
    ):
        c.avatar(px, y, px * 2, 60 + 90 * k)
        c.text(px * 3.6, y - px * 0.1, who, px - 2, "sub", key=None)
        c.text(px * 3.6, y + px * 1.3, said, px, key=None)
        c.text(
            px * 3.6,
            y + px * 2.8,
            when,
            px - 2,
            "sub",
            key="interface:分钟前" if "分钟" in when else "",
        )
        c.text(px * 3.6 + px * 6, y + px * 2.8, "回复", px - 2, "sub")
        y += px * 4.6
    c.text(px * 3.6, y - px * 0.2, "展开 12 条回复", px - 2, "sub", key=None)
    bar = c.height - px * 3.6
    c.line(bar)
    items = [("heart", "1.2万"), ("star", "收藏"), ("bubble", "评论 356")]
    metrics = QFontMetrics(c.font(px - 1))
    # each item needs its icon, its text and a clear gap; the input box takes what is left
    steps = [px * 1.6 + metrics.horizontalAdvance(label) + px * 1.5 for _icon, label in items]
    x = c.width - px - sum(steps)
    hint = "说点什么..."
    if metrics.horizontalAdvance(hint) + px * 3 < x:  # a phone at 20 px has no room for it
        c.fill(QRectF(px, bar + px * 0.6, min(c.width * 0.3, x - px * 2), px * 2.4), "card", px)
        c.text(px * 2, bar + px * 1.0, hint, px - 1, "sub", key=None)
    for k, (icon, label) in enumerate(items):
        ix = x + sum(steps[:k])
        {"heart": c.heart, "star": c.star, "bubble": c.bubble}[icon](ix, bar + px * 1.1, px * 1.2)
        if label == "1.2万":
            c.text(ix + px * 1.6, bar + px * 1.0, label, px - 1, key=None)
        else:
            c.text(ix + px * 1.6, bar + px * 1.0, label, px - 1)


def signup(c: Canvas) -> None:
    """The sign-up page: phone number, SMS code, agreements, other ways to log in."""
    px = c.px
    width = min(c.width - px * 2, 420)
    left = (c.width - width) / 2
    centre = c.width / 2
    c.text(left, px * 2, "跳过", px - 1, "sub", key="interface:跳过")
    c.text(centre, px * 6, "手机号登录", px + 6, align="center", bold=True)
    y = px * 10.0
    c.fill(QRectF(left, y, width, px * 3), "card", px * 0.5)
    c.text(left + px, y + px * 0.8, "+86", px, key=None)
    c.text(left + px * 4, y + px * 0.8, "请输入手机号", px, "sub")
    y += px * 4
    c.fill(QRectF(left, y, width, px * 3), "card", px * 0.5)
    c.text(left + px, y + px * 0.8, "请输入验证码", px, "sub")
    c.text(left + width - px, y + px * 0.8, "获取验证码", px, "accent", align="right")
    y += px * 4.6
    c.fill(QRectF(left, y, width, px * 3), "accent", px * 1.5)
    c.text(centre, y + px * 0.8, "登录", px + 1, "on_accent", align="center", bold=True)
    y += px * 4.4
    c.painter.setPen(QPen(QColor(c.colors["sub"]), 1.2))
    c.painter.setBrush(Qt.BrushStyle.NoBrush)
    c.painter.drawEllipse(QRectF(left, y + px * 0.25, px * 0.9, px * 0.9))
    c.text(left + px * 1.4, y, "我已阅读并同意用户协议和隐私政策", px - 2, "sub", key=None)
    y = c.height - px * 9
    c.text(centre, y, "其他登录方式", px - 1, "sub", align="center")


def dialog(c: Canvas) -> None:
    """A pop-up over a dimmed page: a question, its explanation, two buttons."""
    px = c.px
    c.text(px, px, "草稿箱", px, key="interface:草稿箱")
    for k in range(3):
        c.photo(QRectF(px, px * (4 + k * 7), c.width - px * 2, px * 6), 200 + 40 * k)
    c.painter.fillRect(QRectF(0, 0, c.width, c.height), QColor(0, 0, 0, 120))
    width = min(c.width - px * 4, 360)
    height = px * 12
    left = (c.width - width) / 2
    top = (c.height - height) / 2
    c.fill(QRectF(left, top, width, height), "card" if c.colors["bg"] != "#ffffff" else "bg", px)
    c.text(
        c.width / 2,
        top + px * 1.5,
        "确定删除这条笔记吗？",
        px + 2,
        align="center",
        bold=True,
        key=None,
    )
    c.text(c.width / 2, top + px * 4.2, "删除后将无法恢复", px - 1, "sub", align="center", key=None)
    c.line(top + height - px * 3.6, left, left + width)
    c.painter.drawLine(
        QPointF(c.width / 2, top + height - px * 3.6), QPointF(c.width / 2, top + height)
    )
    c.text(left + width / 4, top + height - px * 2.5, "取消", px + 1, align="center")
    c.text(
        left + width * 3 / 4,
        top + height - px * 2.5,
        "删除",
        px + 1,
        "accent",
        align="center",
        bold=True,
    )


SCREENS: dict[str, Callable[[Canvas], None]] = {
    "tab bar": tab_bar,
    "settings": settings_list,
    "post": post,
    "sign-up": signup,
    "dialog": dialog,
}


def build(
    name: str, kind: str = "phone", theme: str = "light", px: int = 16, scale: float = 1.0
) -> Screen:
    """One screen; ``scale`` 2.72 makes a 1170x2532 phone screenshot of the phone layout."""
    canvas = Canvas(PHONE if kind == "phone" else DESKTOP, theme, px, scale)
    SCREENS[name](canvas)
    canvas.end()
    return Screen(name, kind, theme, px, canvas.image, canvas.labels, canvas.sentences)


def right_meaning(label: DrawnLabel, english: str, count: str = "") -> bool:
    """Whether ``english`` (a drawn meaning, counter included) is one of the entry's senses."""
    from companion.lens.labels import english_count, parse_label

    said = english_key(english)
    parsed = parse_label(label.text)
    if parsed.count:
        number = english_count(parsed.count).casefold()
        said = " ".join(w for w in said.split() if w != number)
    return said in {english_key(s) for s in label.senses()}
