"""The Lens over a real window of another process, on a real X server (Xvfb).

tests/lens_driver.py runs the Lens (one process) over tests/lens_target.py (another), once
per mode, and leaves screenshots and a result file; these tests check them, reading the
screenshots back with OCR: English where the Chinese was, clicks reaching the app below,
Follow picking up a changed label, HiDPI placement.

``COMPANION_LENS_ASSETS=assets pytest tests/test_lens_xvfb.py`` also copies the before/after
pair used by the README.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from companion.ocr import engine_available, load_rgb, recognize

REPO = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(not shutil.which("xdotool"), reason="needs xdotool"),
    pytest.mark.skipif(not engine_available(), reason="rapidocr_onnxruntime missing"),
]


def run_driver(display: str, out: Path, mode: str, scale: str | None = None) -> dict[str, Any]:
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    env.pop("WAYLAND_DISPLAY", None)
    if scale:
        env["QT_SCALE_FACTOR"] = scale
    done = subprocess.run(
        [sys.executable, "-m", "tests.lens_driver", str(out), mode],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    result_file = out / "result.json"
    assert result_file.exists(), done.stderr[-3000:]
    result: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
    assert done.returncode == 0, done.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def full(
    xvfb_display: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("lens-full")
    result = run_driver(xvfb_display, out, "full")
    assets = os.environ.get("COMPANION_LENS_ASSETS")
    if assets:
        shutil.copy(out / "before.png", Path(assets) / "lens-before.png")
        shutil.copy(out / "after.png", Path(assets) / "lens-after.png")
    return result, out


def pixels(path: Path) -> Any:
    return load_rgb(path)


def texts(path: Path) -> list[str]:
    return [line.text for line in recognize(path).lines]


def test_the_lens_covers_the_window_picked_by_a_click(full: tuple[dict[str, Any], Path]) -> None:
    result, _out = full
    assert result["overlay"] == result["target"]
    assert result["capture"] == "x11-composite"
    assert not result.get("failures")


def test_english_shows_where_the_chinese_was(full: tuple[dict[str, Any], Path]) -> None:
    result, out = full
    english = {line["text"]: line["english"] for line in result["lines"]}
    assert english["首页"] == "Home" and english["隐私设置"] == "Privacy settings"
    assert english["评论356"] == "Comment 356" and english["关注"] == "Follow"
    before = texts(out / "before.png")
    after = texts(out / "after.png")
    assert {"首页", "隐私设置", "深色模式"} <= set(before)
    # read back from the screen: the English is there, the labels' Chinese is not
    for word in ("Home", "Privacy settings", "Dark mode", "Clear cache", "Messages"):
        assert any(word.replace(" ", "") in t.replace(" ", "") for t in after), (word, after)
    assert not {"首页", "隐私设置", "深色模式", "清除缓存"} & set(after)
    # the sentence no engine could translate keeps its Chinese, readable as it was
    assert any("绝绝子" in t for t in after)


def test_clicks_reach_the_app_below(full: tuple[dict[str, Any], Path]) -> None:
    result, _out = full
    assert result["clicked"] == "CLICKED 首页"
    assert "Home" in result["card"]  # the pointer resting on the label shows its card


def test_follow_picks_up_a_changed_label(full: tuple[dict[str, Any], Path]) -> None:
    result, out = full
    assert result["skipped_unchanged"] >= 1  # unchanged frames cost no OCR
    assert result["follow_seen"]
    english = {line["text"]: line["english"] for line in result["follow_lines"]}
    assert english.get("直播") == "Live" and "购物" not in english
    assert result["reread_bands"] >= 1  # only the changed band was read again
    assert any("Live" in t for t in texts(out / "follow.png"))
    assert result["paused_when_hidden"] and result["back_when_shown"]


def test_space_shows_the_original_and_esc_closes(full: tuple[dict[str, Any], Path]) -> None:
    result, out = full
    assert result["original_hides_overlay"] and result["english_again"]
    # the original is the app's own pixels again: all but the margin (the Lens's bar is
    # there) and the tab row (Follow changed a tab since "before")
    original, before = pixels(out / "original.png"), pixels(out / "before.png")
    inside = (slice(24 + 60, -24), slice(24, -24))
    assert np.array_equal(original[inside], before[inside])
    assert not np.array_equal(pixels(out / "after.png")[inside], before[inside])
    assert result["closed_by_esc"]


def test_hidpi_puts_the_english_on_the_chinese(xvfb_display: str, tmp_path: Path) -> None:
    result = run_driver(xvfb_display, tmp_path, "hidpi", scale="2")
    assert result["overlay"] == result["target"]  # logical pixels: half the native ones
    after = texts(tmp_path / "after.png")
    for word in ("Home", "Privacy settings", "Clear cache"):
        assert any(word.replace(" ", "") in t.replace(" ", "") for t in after), (word, after)
    assert not {"首页", "隐私设置", "清除缓存"} & set(after)
