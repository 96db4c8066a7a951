"""The Lens offscreen: the renderer on real OCR of rendered screens, ``lens --json/--out``,
the image viewer (a 1170x2532 phone screenshot, hover, click, Save word, paste, drop)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage, QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from companion.cli import dispatch
from companion.lens.meaning import PHRASEBOOK, Matcher
from companion.lens.reader import LensScreen, read_screen
from companion.lens.sentences import MachineBatch
from companion.ocr import engine_available, load_rgb
from companion.ui.lens.capture import qimage_to_rgb
from companion.ui.lens.export import rgb_to_qimage
from companion.ui.lens.renderer import LensRenderer, hit
from tests.lens_screens import build, right_meaning

pytestmark = pytest.mark.skipif(not engine_available(), reason="rapidocr_onnxruntime missing")


def no_engine(texts: object) -> MachineBatch:
    return MachineBatch(error="Sentences not translated: no engine in this test")


@pytest.fixture(scope="module")
def settings_screen(qapp_module: QApplication) -> tuple[Any, LensScreen, Any]:
    """A dark settings page, read once for the module (OCR takes a second or two)."""
    screen = build("settings", "phone", "dark", 16)
    rgb = qimage_to_rgb(screen.image)
    return screen, read_screen(rgb, Matcher(translate=no_engine)), rgb


@pytest.fixture(scope="module")
def qapp_module() -> Iterator[QApplication]:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    yield app


def hover(widget: Any, point: QPoint) -> None:
    """A pointer move without buttons (QTest's offscreen mouseMove sends none)."""
    event = QMouseEvent(
        QEvent.Type.MouseMove, QPointF(point), QPointF(widget.mapToGlobal(point)),
        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)


def save_png(image: QImage, path: Path) -> Path:
    assert image.save(str(path))
    return path


# --- the renderer --------------------------------------------------------------------------------
def test_every_label_gets_its_phrasebook_meaning(
    settings_screen: tuple[Any, LensScreen, Any],
) -> None:
    screen, read, _rgb = settings_screen
    for label in screen.labels:
        over = [line for line in read.lines if _overlap(line.box, label.rect) > 0]
        assert over, f"{label.text} not found"
        assert right_meaning(label, over[0].meaning.english), (label.text, over[0].meaning)
        assert over[0].meaning.source == PHRASEBOOK


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def test_english_is_drawn_over_the_chinese_in_its_colours(
    settings_screen: tuple[Any, LensScreen, Any],
) -> None:
    _screen, read, rgb = settings_screen
    renderer = LensRenderer()
    out = qimage_to_rgb(renderer.render(rgb_to_qimage(rgb), read))
    placed = renderer.place(read)
    assert len(placed) == len([line for line in read.lines if line.drawn]) >= 10
    for item in placed:
        left, top, right, bottom = item.line.box
        before, after = rgb[top:bottom, left:right], out[top:bottom, left:right]
        assert not np.array_equal(before, after), item.line.text  # the Chinese is covered
        # the patch is the box's own (dark) background, the text light
        patch = after.reshape(-1, 3)
        background = np.array(item.line.colors.background)
        assert np.mean(np.abs(patch - background).max(axis=1) < 12) > 0.6
        assert item.line.colors.background[0] < 60 and item.line.colors.text[0] > 150
    # a label shows its English whole or elided and fits its room
    for item in placed:
        assert item.patch.width() <= item.line.room[2] - item.line.room[0] + 1.5
        assert (
            item.fit.text == item.line.meaning.english
            or item.fit.elided
            or item.fit.text in item.line.meaning.shorter
        )


def test_a_narrow_box_shrinks_then_elides_and_hit_finds_labels(
    settings_screen: tuple[Any, LensScreen, Any],
) -> None:
    from dataclasses import replace

    _screen, read, _rgb = settings_screen
    line = next(line for line in read.lines if line.text == "账号与安全")
    long = replace(
        line,
        meaning=replace(
            line.meaning, english="Account and security settings for everyone", shorter=()
        ),
    )
    tight = replace(long, room=(line.box[0], line.box[1], line.box[2] + 10, line.box[3]))
    placed = LensRenderer().place(LensScreen(read.width, read.height, [tight]))
    assert placed[0].fit.elided and placed[0].fit.text.endswith("…")
    centre = placed[0].patch.center()
    assert hit(placed, centre.x(), centre.y()) is placed[0]
    assert hit(placed, -5, -5) is None


# --- the command line ----------------------------------------------------------------------------
def test_lens_json_and_out(
    qapp_module: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    screen = build("tab bar", "phone", "light", 16)
    path = save_png(screen.image, tmp_path / "tabs.png")
    out = tmp_path / "tabs-en.png"
    assert dispatch(["lens", str(path), "--json", "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    lines = data["lines"]
    assert all(
        set(line) == {"text", "box", "english", "source", "pinyin", "score"} for line in lines
    )
    by_text = {line["text"]: line for line in lines}
    assert by_text["首页"]["english"] == "Home" and by_text["首页"]["source"] == "phrasebook"
    assert by_text["首页"]["pinyin"] == "shǒu yè" and 0.5 <= by_text["首页"]["score"] <= 1
    tops = [line["box"][1] for line in lines]
    assert tops.index(by_text["关注"]["box"][1]) < tops.index(by_text["首页"]["box"][1])
    written = QImage(str(out))
    assert written.size() == screen.image.size()
    box = by_text["首页"]["box"]
    before = qimage_to_rgb(screen.image)[box[1] : box[3], box[0] : box[2]]
    assert not np.array_equal(before, qimage_to_rgb(written)[box[1] : box[3], box[0] : box[2]])
    small = tmp_path / "small.png"
    small.write_bytes(_small_png())
    assert dispatch(["lens", str(small)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "首页\tHome\t[phrasebook]",
        "设置\tSettings\t[phrasebook]",
    ]


def _small_png() -> bytes:
    from tests.test_ocr import render

    return render([("首页", 20, 40), ("设置", 200, 40)], size=(280, 70))


def test_lens_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image at all")
    assert dispatch(["lens", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an image" in err
    assert dispatch(["lens", str(bad), "--out", str(tmp_path / "x.gif")]) == 2
    assert "--out" in capsys.readouterr().err


# --- the viewer ----------------------------------------------------------------------------------
@pytest.fixture
def lens(qtbot: QtBot) -> Iterator[Any]:
    from companion.ui.lens.controller import LensController
    from companion.ui.tasks import TaskRunner

    runner = TaskRunner()
    controller = LensController(runner, Matcher(translate=no_engine))
    yield controller
    controller.close()
    runner.wait_idle()
    controller.card.close()


def test_a_phone_screenshot_opens_scaled_to_fit_with_english(
    qtbot: QtBot, lens: Any, tmp_path: Path
) -> None:
    screen = build("post", "phone", "light", 16, scale=1170 / 430)
    assert (screen.image.width(), screen.image.height()) == (1170, 2536)
    path = save_png(screen.image, tmp_path / "IMG_0001.png")
    progress: list[tuple[str, float]] = []
    lens.progress.connect(lambda message, fraction: progress.append((message, fraction)))
    reads: list[LensScreen] = []
    lens.screen_read.connect(reads.append)
    viewer = lens.open_image(path)
    viewer.resize(900, 760)
    qtbot.waitUntil(lambda: len(reads) >= 2, timeout=60_000)  # labels, then sentences
    canvas = viewer.canvas
    assert canvas.scale < 0.35 and canvas.image_rect().height() <= canvas.height()
    assert "IMG_0001.png" in viewer.windowTitle()
    assert progress[0][0] == "Reading the image…"
    assert any(m.startswith("Reading line") for m, _f in progress)
    assert progress[-1][1] == -1.0 and "labels in English" in progress[-1][0]
    fractions = [f for _m, f in progress if f >= 0]
    assert fractions == sorted(fractions)
    placed = canvas.placed
    follow = next(p for p in placed if p.line.text == "关注")
    assert follow.line.meaning.english == "Follow"
    assert canvas.image_rect().contains(follow.patch.toAlignedRect())
    # hover: the card with pinyin and the original; click: the full entry; Save word
    hover(canvas, follow.patch.center().toPoint())
    qtbot.waitUntil(lambda: lens.card.isVisible(), timeout=5000)
    assert "关注" in lens.card.original.text() and "guān zhù" in lens.card.original.text()
    assert "Follow" in lens.card.english.text()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=follow.patch.center().toPoint())
    qtbot.waitUntil(lambda: lens.card.body.isVisible(), timeout=10_000)
    assert "關注" in lens.card.body.text()  # the traditional form, from the full entry
    entries: list[object] = []
    lens.save_entry.connect(entries.append)
    with qtbot.waitSignal(lens.save_word) as saved:
        lens.card.save_button.click()
    assert saved.args == ["关注", "关注"]
    from companion.learning.words import WordList, WordToSave

    entry = entries[0]
    assert isinstance(entry, WordToSave) and entry.pinyin == "guān zhù" and entry.senses
    assert WordList().save(entry).added  # what the learning side stores, as it is
    assert WordList().is_saved("关注")
    # Space shows the original, again shows the English
    qtbot.keyClick(viewer, Qt.Key.Key_Space)
    assert viewer.original.isChecked()
    qtbot.keyClick(viewer, Qt.Key.Key_Space)
    assert not viewer.original.isChecked()


def test_paste_drop_and_a_bad_file_in_the_viewer(qtbot: QtBot, lens: Any, tmp_path: Path) -> None:
    from companion.ui.lens.viewer import LensViewer

    viewer = LensViewer(LensRenderer())  # not connected to a controller: nothing is read
    qtbot.addWidget(viewer)
    chosen: list[object] = []
    viewer.image_chosen.connect(chosen.append)
    image = build("dialog", "phone", "dark", 16).image
    QGuiApplication.clipboard().setImage(image)
    viewer.paste()
    assert isinstance(chosen[-1], QImage) and chosen[-1].size() == image.size()
    path = save_png(image, tmp_path / "dropped.png")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    viewer.dropEvent(drop)
    assert chosen[-1] == str(path)
    QGuiApplication.clipboard().setText("no picture here")
    viewer.paste()
    assert "no image" in viewer.status.text()
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff garbage")
    with qtbot.waitSignal(lens.failed, timeout=20_000) as failed:
        lens_viewer = lens.open_image(bad)
    assert "not an image" in failed.args[0] and "not an image" in lens_viewer.status.text()


def test_qimage_and_array_round_trip(qapp_module: QApplication) -> None:
    image = build("sign-up", "phone", "light", 14).image
    rgb = qimage_to_rgb(image)
    assert rgb.shape == (image.height(), image.width(), 3) and rgb.flags["C_CONTIGUOUS"]
    back = rgb_to_qimage(rgb)
    assert np.array_equal(qimage_to_rgb(back), rgb)
    assert np.array_equal(load_rgb(rgb), rgb)
    assert back.pixelColor(QPoint(1, 1)).name() == image.pixelColor(QPoint(1, 1)).name()
