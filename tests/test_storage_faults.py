"""The app and the CLI start on a read-only data folder and on a full disk, and say why.

Both conditions are real: a child process runs in a private mount namespace (``unshare``,
no root needed where user namespaces are allowed) where the data folder is a read-only bind
mount or a tiny tmpfs filled to the last byte. Skipped where ``unshare`` cannot do that.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from companion.storage.db import MIGRATIONS
from tests.storage_harness import WRITER

REPO = Path(__file__).resolve().parent.parent


@functools.cache
def _namespaces_work() -> bool:
    if shutil.which("unshare") is None or not sys.platform.startswith("linux"):
        return False
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True
    )
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(
    not _namespaces_work(), reason="needs unshare (a private mount namespace)"
)


def _run_with_mount(mount: str, script: str, timeout: float = 180) -> dict:
    """Run ``script`` (Python) after ``mount`` (shell) inside a private mount namespace."""
    env = dict(os.environ)
    env.pop("COMPANION_DEBUG", None)
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [
            "unshare",
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            f'{mount} && exec "$@"',
            "sh",
            sys.executable,
            "-c",
            script,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# What the app and the CLI do, run inside the namespace; prints one JSON line.
CHECKS = r"""
import json, os, subprocess, sys
from companion.settings import Settings
from companion.storage import notices
from companion.storage.db import default_database

out = {}
settings = Settings()
db = default_database()
out["persistent"] = db.persistent
out["font_size"] = settings.get("font_size")
out["favourites"] = sorted(r[0] for r in db.execute("SELECT entry_key FROM favourites"))
settings.set("font_size", 31)                       # never raises
out["font_size_after"] = settings.get("font_size")  # kept for the session
out["notices"] = [(n.key, n.message) for n in notices.take()]

cli = subprocess.run(
    [sys.executable, "-m", "companion", "translate", "--json", "你好"],
    capture_output=True, text=True, timeout=120,
)
out["cli"] = [cli.returncode, cli.stdout, cli.stderr]

gui = subprocess.run([sys.executable, "-c", '''
from PySide6.QtWidgets import QApplication
from companion.settings import Settings
from companion.ui.main_window import MainWindow
app = QApplication([])
window = MainWindow(Settings())
window.show()
app.processEvents()
window.close()          # closeEvent saves the geometry: must not raise
app.processEvents()
shutdown = getattr(window, "shutdown", None)
if shutdown is not None:
    shutdown()
print("gui-ok")
'''], capture_output=True, text=True, timeout=120,
    env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
out["gui"] = [gui.returncode, gui.stdout, gui.stderr[-2000:]]
print(json.dumps(out))
"""


def _assert_started_and_said_why(out: dict, key: str, words: str) -> None:
    assert out["persistent"] is False
    assert out["font_size_after"] == 31
    assert [k for k, _ in out["notices"]] == [key]
    assert words in out["notices"][0][1]
    code, stdout, stderr = out["cli"]
    assert code == 0, stderr
    assert json.loads(stdout) and "offline" in stdout  # the CLI translated, offline
    assert "Traceback" not in stderr
    assert stderr.count(words) == 1  # the CLI said it, once
    code, stdout, stderr = out["gui"]
    assert code == 0 and "gui-ok" in stdout, stderr
    assert "Traceback" not in stderr


def _kill_a_writer(path: Path, tag: str, acks: int) -> list[str]:
    """A writer SIGKILLed after ``acks`` commits: leaves a -wal the file's last rows are in."""
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), tag, "100000", "0"],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    acked: list[str] = []
    while len(acked) < acks and (line := child.stdout.readline()):
        if line.startswith("ack "):
            acked.append(line[4:].strip())
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate(timeout=60)
    return acked + [line[4:] for line in rest.splitlines() if line.startswith("ack ")]


@needs_namespaces
def test_a_read_only_data_folder(isolated_user_dirs: Path, installed_packs: list[Path]) -> None:
    data = isolated_user_dirs / "data"
    path = data / "companion.db"
    acked = _kill_a_writer(path, "first", 20)
    conn = sqlite3.connect(path, isolation_level=None)  # also a saved setting
    conn.execute("INSERT INTO settings VALUES ('font_size', '20')")
    conn.close()
    acked += _kill_a_writer(path, "last", 5)  # the last rows live only in the -wal now
    assert (data / "companion.db-wal").stat().st_size > 0
    before = {p.name: p.read_bytes() for p in data.iterdir() if not p.name.endswith("-shm")}
    folder = shlex.quote(str(data))
    out = _run_with_mount(
        f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}", CHECKS
    )
    assert out["font_size"] == 20
    assert set(acked) <= set(out["favourites"])  # the session copy has every saved row
    _assert_started_and_said_why(out, "database-read-only", "read-only")
    after = {p.name: p.read_bytes() for p in data.iterdir() if not p.name.endswith("-shm")}
    assert after == before


FULL_DISK = r"""
import json, os, runpy, sqlite3, sys
from companion.storage.db import MIGRATIONS

path = os.path.join(os.environ["COMPANION_HOME"], "data", "companion.db")
conn = sqlite3.connect(path, isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.executescript(MIGRATIONS[0])          # a migration is pending
conn.execute("PRAGMA user_version=1")
conn.execute("INSERT INTO settings VALUES ('font_size', '20')")
conn.execute("INSERT INTO favourites VALUES ('slang:yyds', 1)")
conn.close()
filler = os.open(os.path.join(os.path.dirname(path), "filler"), os.O_WRONLY | os.O_CREAT)
try:
    while True:
        os.write(filler, b"\0" * 512)
except OSError:
    pass  # the disk is full
finally:
    os.close(filler)
sys.argv = ["checks"]
exec(compile(CHECKS, "checks", "exec"))
"""


@needs_namespaces
def test_a_full_disk(isolated_user_dirs: Path, installed_packs: list[Path]) -> None:
    data = isolated_user_dirs / "data"
    folder = shlex.quote(str(data))
    script = f"CHECKS = {CHECKS!r}\n" + FULL_DISK
    out = _run_with_mount(f"mount -t tmpfs -o size=512k tmpfs {folder}", script)
    assert out["font_size"] == 20
    assert out["favourites"] == ["slang:yyds"]
    _assert_started_and_said_why(out, "database-full", "is full")
    assert len(MIGRATIONS) > 1  # the pending migration needed space it did not have
