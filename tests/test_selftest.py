"""``companion --self-test`` on the source tree: every check passes, fails or skips for real."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from companion import selftest

REPO = Path(__file__).resolve().parent.parent


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = selftest.main(["--json", *argv])
    return code, json.loads(capsys.readouterr().out)


def _by_name(report: dict) -> dict[str, dict]:
    return {check["name"]: check for check in report["checks"]}


def test_core_checks_pass_and_translation_uses_the_installed_packs(
    installed_packs: list[Path], keyring_backend: object, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _run(["--only", "pinyin,phrasebook,dictionary,translation,keyring"], capsys)
    checks = _by_name(report)
    assert code == 0 and report["ok"] is True, report
    assert {c["status"] for c in checks.values()} == {"PASS"}
    assert "zh->en" in checks["translation"]["detail"]
    assert "en->zh" in checks["translation"]["detail"]
    assert report["frozen"] is False and report["variant"] == "source"
    assert keyring_backend.store == {}  # type: ignore[attr-defined]  # the key was deleted


def test_without_packs_translation_is_skipped_with_a_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, report = _run(["--only", "translation"], capsys)
    check = _by_name(report)["translation"]
    assert code == 0 and check["status"] == "SKIP"
    assert "no language pack installed" in check["detail"]


def test_a_broken_part_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A damaged CC-CEDICT file is a FAIL with the reason, and the exit status is 1."""
    import companion.dictionary as dictionary_package
    from companion.dictionary import Dictionary

    broken = tmp_path / "cedict.txt.gz"
    broken.write_bytes(b"not gzip at all")
    monkeypatch.setattr(
        dictionary_package, "_default", Dictionary(source=broken, cache=tmp_path / "c.idx")
    )
    code, report = _run(["--only", "dictionary,phrasebook"], capsys)
    checks = _by_name(report)
    assert code == 1 and report["ok"] is False
    assert checks["dictionary"]["status"] == "FAIL" and checks["dictionary"]["detail"]
    assert checks["phrasebook"]["status"] == "PASS"


def test_a_build_without_the_polyphone_weights_fails_the_pinyin_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pinyin still shows without g2pM's weights, only worse: the self-test must say so."""
    import shutil

    from companion import polyphones

    trimmed = tmp_path / "g2pM"
    shutil.copytree(polyphones.model_dir(), trimmed)
    (trimmed / "np_ckpt.pkl").unlink()  # what an over-eager trim of a build did
    monkeypatch.setattr(polyphones, "model_dir", lambda: trimmed)
    monkeypatch.setattr(polyphones, "_model", None)
    monkeypatch.setattr(polyphones, "_model_error", None)
    code, report = _run(["--only", "pinyin"], capsys)
    check = _by_name(report)["pinyin"]
    assert code == 1 and check["status"] == "FAIL"
    assert "polyphone model is missing" in check["detail"] and "np_ckpt.pkl" in check["detail"]


def test_the_profile_is_thrown_away(capsys: pytest.CaptureFixture[str]) -> None:
    before = os.environ["COMPANION_HOME"]
    _run(["--only", "phrasebook"], capsys)
    assert os.environ["COMPANION_HOME"] == before
    assert not list((Path(before) / "cache").glob("phrasebook-*"))  # written elsewhere


def test_keyring_without_a_keychain_is_skipped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    code, report = _run(["--only", "keyring"], capsys)
    assert code == 0 and _by_name(report)["keyring"]["status"] == "SKIP"


@pytest.mark.secret_service
def test_keyring_round_trip_in_the_real_secret_service(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import keyring

    code, report = _run(["--only", "keyring"], capsys)
    check = _by_name(report)["keyring"]
    assert code == 0 and check["status"] == "PASS", check
    assert "SecretService" in check["detail"]
    assert type(keyring.get_keyring()).__module__ == "keyring.backends.SecretService"


def test_the_window_glyphs_and_ocr_checks_in_process(
    qapp: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from companion import ocr

    code, report = _run(["--only", "window,glyphs,ocr"], capsys)
    checks = _by_name(report)
    assert checks["window"]["status"] == "PASS", checks["window"]
    assert checks["glyphs"]["status"] == "PASS", checks["glyphs"]
    assert "Noto Sans CJK" in checks["glyphs"]["detail"]
    expected = "PASS" if ocr.engine_available() else "SKIP"
    assert checks["ocr"]["status"] == expected, checks["ocr"]
    assert code == 0
    assert 0 < report["timings"]["window_shown_s"] <= report["timings"]["pinyin_shown_s"]


def test_unknown_check_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert selftest.main(["--only", "nope"]) == 2
    assert "unknown check 'nope'" in capsys.readouterr().err


@pytest.mark.slow
def test_boxes_fail_the_glyph_check_when_no_cjk_font_is_installed(tmp_path: Path) -> None:
    """With only a Latin font visible to fontconfig, Chinese is boxes and the check says so."""
    fonts = Path("/usr/share/fonts/truetype/dejavu")
    if not fonts.is_dir():
        pytest.skip("the DejaVu fonts are not installed")
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{fonts}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = dict(os.environ, FONTCONFIG_FILE=str(config), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "companion", "--self-test", "--only", "glyphs"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if "glyphs" in x and x.startswith("FAIL"))
    assert "fonts-noto-cjk" in line


@pytest.mark.slow
def test_the_command_line_form_prints_one_line_per_check(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "companion", "--self-test", "--only", "pinyin,hotkeys"],
        cwd=REPO,
        env={k: v for k, v in env.items() if k != "DISPLAY"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines[1].startswith("PASS  pinyin")
    assert lines[2].startswith("SKIP  hotkeys") and "no X11 display" in lines[2]
    assert lines[-1] == "self-test: 1 ok, 0 failing, 1 not run"
