"""The log file: where it goes, rotation, scrubbing, --verbose, uncaught exceptions."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion import logs, scrubber
from companion.cli import dispatch
from tests.online_servers import key_echoes, leaks

KEY = "log-KEY/9b8a7c6d5e4f+3g2h1:fx"


@pytest.fixture(autouse=True)
def detach_handlers() -> Iterator[None]:
    yield
    logs.shutdown()


def read_logs() -> str:
    return "".join(
        path.read_text(encoding="utf-8") for path in sorted(logs.log_dir().glob("companion.log*"))
    )


def test_log_file_is_under_companion_home_and_opened_on_first_record(
    isolated_user_dirs: Path,
) -> None:
    path = logs.setup()
    assert path == isolated_user_dirs / "logs" / "companion.log"
    assert not path.exists()  # a run that logs nothing writes nothing
    logging.getLogger("companion.test").info("engine %s: HTTP %d in %d ms", "deepl", 200, 31)
    logs.shutdown()
    text = path.read_text(encoding="utf-8")
    assert "INFO    companion.test [MainThread] engine deepl: HTTP 200 in 31 ms" in text


def test_platform_log_dir_without_companion_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import platformdirs

    monkeypatch.delenv("COMPANION_HOME")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    expected = Path(platformdirs.user_log_dir("companion", appauthor=False))
    assert logs.log_dir() == expected
    assert str(tmp_path / "state") in str(expected)


def test_rotation_keeps_a_bounded_number_of_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    logs.setup()
    log = logging.getLogger("companion.test")
    for n in range(400):
        log.info("line %d %s", n, "x" * 40)
    logs.shutdown()
    names = sorted(p.name for p in logs.log_dir().iterdir())
    assert names == ["companion.log", "companion.log.1", "companion.log.2", "companion.log.3"]
    assert all(p.stat().st_size <= 2_100 for p in logs.log_dir().iterdir())
    assert "line 399" in (logs.log_dir() / "companion.log").read_text(encoding="utf-8")


def test_every_form_of_a_registered_key_is_scrubbed_from_the_file() -> None:
    """Defence in depth: even a careless line that logs a key writes no piece of it."""
    scrubber.register(KEY)
    logs.setup()
    log = logging.getLogger("companion.careless")
    for name, echo in key_echoes(KEY).items():
        log.warning("server said (%s): %s", name, echo)
        log.info(f"f-string {echo}")
    try:
        raise RuntimeError(f"request failed with {key_echoes(KEY)['base64-in-header']}")
    except RuntimeError:
        log.exception("while talking to the server %s", KEY)
    log.error("stack of %s", KEY[:8], stack_info=True)
    logs.shutdown()
    text = read_logs()
    assert text.count("[key]") >= len(key_echoes(KEY))
    assert "Traceback (most recent call last)" in text and "RuntimeError" in text
    assert leaks(text, KEY) == []


def test_library_chatter_stays_out_unless_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    logs.setup()
    logging.getLogger("httpx").info("HTTP Request: POST http://x")
    logging.getLogger("httpx").warning("httpx warning")
    logging.getLogger("companion.engines.http").debug("debug line")
    logs.shutdown()
    text = read_logs()
    assert "HTTP Request" not in text and "debug line" not in text
    assert "httpx warning" in text
    logs.setup(verbose=True)
    logging.getLogger("httpx").info("HTTP Request: POST http://y")
    logging.getLogger("companion.engines.http").debug("debug line")
    err = capsys.readouterr().err
    assert "HTTP Request: POST http://y" in err and "debug line" in err


@pytest.mark.parametrize("argv", [["--verbose", "keys", "status"], ["keys", "status", "--verbose"]])
def test_cli_verbose_logs_debug_to_stderr(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert dispatch(argv) == 0
    err = capsys.readouterr().err
    assert "DEBUG   companion.cli [MainThread] command: keys" in err
    assert "Companion 0.1.0 (command line)" in err


def test_cli_without_verbose_keeps_stderr_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert dispatch(["keys", "status"]) == 0
    assert "DEBUG" not in capsys.readouterr().err


def test_an_unwritable_log_folder_never_stops_the_app(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("COMPANION_HOME", str(blocker))
    logs.setup()
    log = logging.getLogger("companion.test")
    log.warning("first")
    log.warning("second")
    err = capsys.readouterr().err
    assert err.count("cannot write the log file") == 1
    assert "logging to the file is off" in err


def test_gui_logs_uncaught_exceptions_then_hands_them_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    monkeypatch.setattr(logs, "_hooks_installed", False)
    import threading

    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    logs.setup(gui=True)
    try:
        raise ValueError("a slot blew up")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    logs.shutdown()
    text = read_logs()
    assert "Companion 0.1.0 (app)" in text
    assert "CRITICAL companion.uncaught" in text and "ValueError: a slot blew up" in text
    assert "ValueError: a slot blew up" in capsys.readouterr().err  # the previous hook ran


def test_a_malformed_log_call_neither_crashes_nor_leaks() -> None:
    scrubber.register(KEY)
    record = logging.LogRecord(
        "companion.x", logging.WARNING, "/src/x.py", 7, "two %s %s", (KEY,), None
    )
    assert logs.ScrubFilter().filter(record) is True
    assert record.getMessage() == "unformattable log call at /src/x.py:7"


def test_held_records_wait_for_the_release_then_come_first(isolated_user_dirs: Path) -> None:
    path = logs.setup(gui=True, hold=True)
    assert path is not None
    log = logging.getLogger("companion.test")
    log.info("before the first paint")
    assert not path.exists()  # the app's start opens no file
    logs.release_held()
    log.info("after it")
    logs.shutdown()
    text = path.read_text(encoding="utf-8")
    assert text.index("Companion 0.1.0 (app)") < text.index("before the first paint")
    assert text.index("before the first paint") < text.index("after it")


def test_a_warning_writes_the_held_records_at_once(isolated_user_dirs: Path) -> None:
    path = logs.setup(gui=True, hold=True)
    assert path is not None
    log = logging.getLogger("companion.test")
    log.info("held line")
    log.warning("something went wrong")
    text = path.read_text(encoding="utf-8")  # no release, no shutdown: already there
    assert text.index("held line") < text.index("something went wrong")


def test_held_records_are_written_when_the_log_closes(
    isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logs, "MAX_HELD", 3)
    path = logs.setup(hold=True)
    assert path is not None
    log = logging.getLogger("companion.test")
    for n in range(3):
        log.info("held %d", n)
    assert not path.exists()
    log.info("one too many")  # beyond MAX_HELD the file opens
    assert "held 2" in path.read_text(encoding="utf-8")
    logs.setup(hold=True)  # a new set-up closes the old handlers
    log.info("held again")
    logs.shutdown()
    text = path.read_text(encoding="utf-8")
    assert [text.count(f"held {n}") for n in range(3)] == [1, 1, 1]
    assert "one too many" in text and "held again" in text
