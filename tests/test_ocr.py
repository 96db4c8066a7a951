"""Offline OCR: reading order, real recognition of Qt-rendered Chinese, bad images, the CLI."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from companion.cli import dispatch
from companion.ocr import (
    OcrError,
    OcrProgress,
    engine_available,
    gap_spans,
    join_lines,
    order_segments,
    recognize,
)

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
    # far apart on their row: separate labels, one per line of text
    assert join_lines(lines) == "首页\n发现\n消息\n我\n推荐内容"


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


def test_touching_segments_of_a_row_join_with_a_space() -> None:
    segments = [
        ("今天天气", (10, 10, 90, 34), 0.9),
        ("很好", (96, 10, 136, 34), 0.9),  # 6 px apart: one sentence the detector cut
        ("设置", (400, 10, 440, 34), 0.9),  # far to the right: its own label
    ]
    assert join_lines(order_segments(segments)) == "今天天气 很好\n设置"


def blocks(widths_and_gaps: list[int], height: int = 20, pad: int = 6) -> np.ndarray:
    """A white crop with black blocks: widths at even places, gaps at odd ones."""
    width = sum(widths_and_gaps) + 2 * pad
    crop = np.full((height + 2 * pad, width, 3), 255, dtype=np.uint8)
    x = pad
    for k, size in enumerate(widths_and_gaps):
        if k % 2 == 0:
            crop[pad : pad + height, x : x + size] = 20
        x += size
    return crop


def test_gap_spans_cut_at_blanks_wider_than_a_character_only() -> None:
    # characters 20 px high: a 30 px blank separates labels, an 8 px one does not
    spans = gap_spans(blocks([40, 30, 40, 8, 20, 30, 40]))
    assert len(spans) == 3
    (a0, a1), (b0, b1), (c0, _c1) = spans
    assert a1 <= b0 and b1 <= c0  # in order, not overlapping
    assert a0 <= 6 and a1 >= 46  # each keeps its ink and a margin of blank
    assert b0 - a1 >= 20  # a clear gap stays between the two labels' boxes
    assert gap_spans(blocks([40, 8, 40])) == [(0, 100)]


def test_gap_spans_keep_text_over_a_photo_whole() -> None:
    noise = np.random.default_rng(7).integers(0, 255, (30, 200, 3), dtype=np.uint8)
    assert gap_spans(noise) == [(0, 200)]
    assert gap_spans(np.full((30, 200, 3), 128, dtype=np.uint8)) == [(0, 200)]


def test_progress_update_is_the_message_and_carries_the_stage() -> None:
    update = OcrProgress("Reading line 3 of 17…", "read", 0.42, 2, 17)
    assert update == "Reading line 3 of 17…" and isinstance(update, str)
    assert (update.stage, update.fraction, update.step, update.total) == ("read", 0.42, 2, 17)
    assert OcrProgress("x", "done", 1.7).fraction == 1.0


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
    assert result.text == "首页\n发现\n消息\n获取验证码\n同意并继续"
    first = result.lines[0]
    assert first.box[0] < 40 and first.box[2] < 90 and 0.5 <= first.score <= 1.0


def test_dark_background_post_text(qapp: QApplication, tmp_path: Path) -> None:
    path = tmp_path / "post.png"
    path.write_bytes(render([("这个平替真的绝绝子，种草了！", 20, 60)], dark=True))
    assert recognize(path).text.replace(" ", "") == "这个平替真的绝绝子，种草了！"


def test_blank_image_has_no_text(qapp: QApplication) -> None:
    result = recognize(render([]))
    assert result.text == "" and result.lines == []


def test_tab_bar_and_comment_bar_come_back_as_separate_labels(qapp: QApplication) -> None:
    # what the detector alone returns as one box: "关注点赞1.2万收藏评论356"
    png = render(
        [
            ("关注", 10, 40), ("点赞 1.2万", 70, 40), ("收藏", 190, 40), ("评论 356", 250, 40),
            ("首页", 10, 110), ("购物", 130, 110), ("消息", 250, 110), ("我", 370, 110),
            ("今天天气很好，我们去公园吧。", 10, 175),
        ],
        size=(520, 200), px=16,
    )  # fmt: skip
    result = recognize(png)
    texts = [line.text.replace(" ", "") for line in result.lines]
    assert texts == [
        "关注", "点赞1.2万", "收藏", "评论356",
        "首页", "购物", "消息", "我",
        "今天天气很好，我们去公园吧。",
    ]  # fmt: skip
    assert [line.row for line in result.lines] == [0, 0, 0, 0, 1, 1, 1, 1, 2]
    boxes = [line.box for line in result.lines[:4]]
    assert all(a[2] < b[0] for a, b in itertools.pairwise(boxes))
    assert result.text.split("\n")[:4] == ["关注", "点赞1.2万", "收藏", "评论356"]


def test_progress_reports_each_stage_in_order(qapp: QApplication) -> None:
    png = render([(f"设置{k}", 20, 30 + 24 * k) for k in range(7)], size=(200, 220), px=16)
    updates: list[OcrProgress] = []
    result = recognize(png, updates.append)
    stages = [u.stage for u in updates]
    assert stages[0] == "image" and stages[-1] == "done"
    assert stages.index("detect") < stages.index("read")
    assert set(stages) <= {"image", "models", "detect", "read", "done"}
    fractions = [u.fraction for u in updates]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    reads = [u for u in updates if u.stage == "read"]
    assert reads[0] == f"Reading line 1 of {reads[0].total}…" and reads[0].total >= 7
    assert len(reads) >= 2  # 7+ lines: more than one batch, so the bar moves
    assert updates[-1] == f"Found {len(result.lines)} lines of text"


def test_an_exception_from_the_progress_callback_stops_the_read(qapp: QApplication) -> None:
    class Stop(Exception):
        pass

    def cancel(update: OcrProgress) -> None:
        if update.stage == "read":
            raise Stop

    with pytest.raises(Stop):
        recognize(render([("首页", 20, 50)]), cancel)


def test_arrays_and_pil_images_read_like_files(qapp: QApplication) -> None:

    from PIL import Image

    png = render([("隐私设置", 20, 50)])
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert recognize(image).text == "隐私设置"
    assert recognize(np.asarray(image)).text == "隐私设置"
    with pytest.raises(OcrError, match="8-bit"):
        recognize(np.zeros((10, 10, 3), dtype=np.float32))


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
    assert data["text"] == "首页\n关注\n设置"
    assert [line["text"] for line in data["lines"]] == ["首页", "关注", "设置"]
    assert set(data["lines"][0]) == {"text", "box", "score", "row"}
    assert len(data["lines"][0]["box"]) == 4
    assert dispatch(["ocr", str(path)]) == 0
    assert capsys.readouterr().out == "首页\n关注\n设置\n"


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
