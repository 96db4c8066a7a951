"""Offline OCR: reading order, real recognition of Qt-rendered Chinese, bad images, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from companion.cli import dispatch
from companion.ocr import OcrError, engine_available, join_lines, order_segments, recognize

pytestmark = pytest.mark.skipif(not engine_available(), reason="rapidocr_onnxruntime missing")


def render(
    items: list[tuple[str, int, int]],
    size: tuple[int, int] = (520, 200),
    px: int = 20,
    dark: bool = False,
) -> bytes:
    """PNG with each (text, x, baseline_y) drawn in Noto Sans CJK, in the order given."""
    image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
    image.fill(QColor("#1e1e1e" if dark else "#ffffff"))
    painter = QPainter(image)
    font = QFont()
    font.setFamilies(["Noto Sans CJK SC"])
    font.setPixelSize(px)
    painter.setFont(font)
    painter.setPen(QColor("#e8e8e8" if dark else "#222222"))
    for text, x, y in items:
        painter.drawText(x, y, text)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes, runtime wants str
    return bytes(data.data())


# Pure reading order ---------------------------------------------------------------------
def test_segments_on_one_line_group_even_when_slightly_offset() -> None:
    segments = [
        ("我", (400, 12, 440, 36), 0.9),
        ("首页", (10, 10, 60, 34), 0.9),
        ("消息", (300, 14, 350, 38), 0.9),  # a few pixels lower: same row
        ("发现", (150, 11, 200, 35), 0.9),
        ("推荐内容", (10, 60, 120, 84), 0.9),
    ]
    lines = order_segments(segments)
    assert [line.text for line in lines] == ["首页", "发现", "消息", "我", "推荐内容"]
    assert [line.row for line in lines] == [0, 0, 0, 0, 1]
    assert join_lines(lines) == "首页 发现 消息 我\n推荐内容"


def test_tall_box_does_not_merge_two_rows() -> None:
    segments = [
        ("头像", (0, 0, 60, 90), 0.9),  # spans both text rows
        ("昵称", (80, 5, 140, 30), 0.9),
        ("简介", (80, 55, 140, 80), 0.9),
    ]
    rows = {line.text: line.row for line in order_segments(segments)}
    assert rows["昵称"] != rows["简介"]


def test_no_segments_give_empty_text() -> None:
    assert order_segments([]) == []
    assert join_lines([]) == ""


# Real OCR on rendered images ---------------------------------------------------------------
def test_rendered_labels_come_back_in_reading_order(qapp: QApplication) -> None:
    # Drawn bottom row first and right-to-left, so order cannot come from drawing order.
    png = render(
        [
            ("同意并继续", 300, 150),
            ("获取验证码", 20, 152),
            ("消息", 420, 52),
            ("发现", 220, 48),
            ("首页", 20, 50),
        ]
    )
    result = recognize(png)
    assert [line.text for line in result.lines] == [
        "首页",
        "发现",
        "消息",
        "获取验证码",
        "同意并继续",
    ]
    assert [line.row for line in result.lines] == [0, 0, 0, 1, 1]
    assert result.text == "首页 发现 消息\n获取验证码 同意并继续"
    first = result.lines[0]
    assert first.box[0] < 40 and first.box[2] < 90 and 0.5 <= first.score <= 1.0


def test_dark_background_post_text(qapp: QApplication, tmp_path: Path) -> None:
    path = tmp_path / "post.png"
    path.write_bytes(render([("这个平替真的绝绝子，种草了！", 20, 60)], dark=True))
    assert recognize(path).text.replace(" ", "") == "这个平替真的绝绝子，种草了！"


def test_blank_image_has_no_text(qapp: QApplication) -> None:
    result = recognize(render([]))
    assert result.text == "" and result.lines == []


# Bad images ---------------------------------------------------------------------------------
def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OcrError, match="no such file"):
        recognize(tmp_path / "nope.png")


def test_empty_file_and_empty_bytes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(OcrError, match="empty"):
        recognize(empty)
    with pytest.raises(OcrError, match="empty"):
        recognize(b"")


def test_not_an_image_and_a_folder(tmp_path: Path) -> None:
    text = tmp_path / "notes.png"
    text.write_text("小红书 is not a picture", encoding="utf-8")
    with pytest.raises(OcrError, match="not an image"):
        recognize(text)
    with pytest.raises(OcrError, match="folder"):
        recognize(tmp_path)


def test_truncated_png_is_reported(qapp: QApplication) -> None:
    png = render([("首页", 20, 50)])
    with pytest.raises(OcrError, match=r"damaged|not an image"):
        recognize(png[: len(png) // 2])


def test_huge_dimensions_are_refused_before_decoding(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "huge.png"
    Image.new("1", (10_000, 5_000)).save(path)  # 50 megapixels, tiny file
    with pytest.raises(OcrError, match="too large"):
        recognize(path)


# CLI ----------------------------------------------------------------------------------------
def test_cli_json_and_plain(
    qapp: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "labels.png"
    path.write_bytes(render([("关注", 200, 50), ("首页", 20, 50), ("设置", 20, 120)]))
    assert dispatch(["ocr", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["text"] == "首页 关注\n设置"
    assert [line["text"] for line in data["lines"]] == ["首页", "关注", "设置"]
    assert set(data["lines"][0]) == {"text", "box", "score", "row"}
    assert len(data["lines"][0]["box"]) == 4
    assert dispatch(["ocr", str(path)]) == 0
    assert capsys.readouterr().out == "首页 关注\n设置\n"


def test_cli_bad_image_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\x00\x01garbage" * 10)
    assert dispatch(["ocr", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an image" in err and "Traceback" not in err


# GUI worker --------------------------------------------------------------------------------
def test_worker_reads_a_pasted_image_off_the_gui_thread(qtbot: QtBot) -> None:
    from companion.ui.desktop.ocr_worker import OcrWorker

    worker = OcrWorker()
    image = QImage.fromData(render([("隐私设置", 20, 60)]))
    progress: list[str] = []
    worker.progress.connect(progress.append)
    with qtbot.waitSignal(worker.finished, timeout=30000) as blocker:
        worker.run_image(image)
        assert worker.busy
    assert blocker.args[0].text == "隐私设置"
    assert progress and not worker.busy
    with qtbot.waitSignal(worker.failed) as failed:
        worker.run_image(QImage())
    assert failed.args == ["the image is empty"]
