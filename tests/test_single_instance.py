"""Single instance: a second process hands its arguments to the first over a local socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtNetwork import QLocalSocket
from pytestqt.qtbot import QtBot

from companion.ui.desktop.single_instance import (
    InstanceLock,
    SingleInstance,
    decode_message,
    server_name,
)

REPO = Path(__file__).resolve().parent.parent
FORWARD = """
import sys
from PySide6.QtCore import QCoreApplication
from companion.ui.desktop.single_instance import SingleInstance
app = QCoreApplication([])
sys.exit(0 if SingleInstance(sys.argv[1]).try_forward(sys.argv[2:]) else 3)
"""


def second_launch(app_id: str, *args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-c", FORWARD, app_id, *args], env=env)


@pytest.fixture
def app_id() -> str:
    return f"companion-test-{uuid.uuid4().hex[:8]}"


def test_second_launch_forwards_arguments_and_is_told_to_exit(qtbot: QtBot, app_id: str) -> None:
    first = SingleInstance(app_id)
    assert first.try_forward(["--show"]) is False  # nobody is running yet
    assert first.listen() and first.is_listening()
    with qtbot.waitSignal(first.argumentsReceived, timeout=15000) as blocker:
        proc = second_launch(app_id, "--translate-clipboard", "--ocr", "截图 1.png")
        # The forwarder blocks on its reply while we spin the event loop here.
    assert blocker.args == [["--translate-clipboard", "--ocr", "截图 1.png"]]
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=15000)
    assert proc.returncode == 0
    first.close()


def test_no_instance_means_no_forwarding(app_id: str) -> None:
    proc = second_launch(app_id, "--show")
    assert proc.wait(timeout=30) == 3


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files only")
def test_stale_socket_from_a_crash_is_replaced(qtbot: QtBot, app_id: str) -> None:
    path = os.path.join(QDir.tempPath(), server_name(app_id))
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)  # bound, never listening, left behind: like a crashed instance
    stale.close()
    try:
        instance = SingleInstance(app_id)
        assert instance.try_forward([]) is False
        assert instance.listen()
        with qtbot.waitSignal(instance.argumentsReceived, timeout=15000) as blocker:
            proc = second_launch(app_id)
        assert blocker.args == [[]]
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=15000)
        instance.close()
    finally:
        if os.path.exists(path):
            os.unlink(path)


def test_garbage_message_is_refused(qtbot: QtBot, app_id: str) -> None:
    instance = SingleInstance(app_id)
    assert instance.listen()
    received: list[list[str]] = []
    instance.argumentsReceived.connect(received.append)
    client = QLocalSocket()
    client.connectToServer(instance.name)
    qtbot.waitUntil(lambda: client.state() == QLocalSocket.LocalSocketState.ConnectedState)
    with qtbot.waitSignal(client.readyRead, timeout=5000):
        client.write(b'{"not": "a list"}\n')
    assert bytes(client.readAll().data()) == b"error\n"
    assert received == []
    client.abort()
    instance.close()


def test_names_are_per_user_and_short() -> None:
    assert server_name("companion-desktop") == server_name("companion-desktop")
    assert server_name("companion-desktop") != server_name("other-app")
    assert len(server_name("companion-desktop")) < 40
    assert decode_message(b'["--show"]') == ["--show"]
    assert decode_message(b"\xff\xfe") is None
    assert decode_message(b"[1, 2]") is None


def test_the_name_is_the_one_hashlib_and_getpass_give(monkeypatch) -> None:
    """Launches of another build (or version) find each other: same user, same digest."""
    import getpass
    import hashlib

    user = getpass.getuser()
    expected = hashlib.sha1(f"companion-desktop\0{user}".encode()).hexdigest()[:12]
    assert server_name("companion-desktop") == f"companion-desktop-{expected}"
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    assert server_name("companion-desktop") == f"companion-desktop-{expected}"  # from pwd


HOLDER = """
import sys
from PySide6.QtCore import QCoreApplication, QTimer
from companion.ui.desktop.instance_lock import InstanceLock
from companion.ui.desktop.single_instance import SingleInstance
app = QCoreApplication([])
app_id, then = sys.argv[1], sys.argv[2]
lock = InstanceLock(app_id)
if then == "old":  # an older Companion: listens at once, takes no lock
    lock = None
else:
    assert lock.acquire() is True
print("locked", flush=True)
instance = SingleInstance(app_id)

def received(args):
    print("got", *args, flush=True)
    app.quit()

instance.argumentsReceived.connect(received)
if then == "listen":  # as the app does once its window is drawn
    QTimer.singleShot(300, instance.listen)
elif then == "old":
    assert instance.listen()
    print("listening", flush=True)
elif then == "exit":  # ended before listening
    QTimer.singleShot(300, app.quit)
sys.stdin.readline() if then == "hold" else app.exec()
instance.close()
if lock is not None:
    lock.release()
"""


def holder(app_id: str, then: str, **extra: str) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), **extra)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, app_id, then],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_the_lock_is_exclusive_and_sits_beside_qts_socket(app_id: str) -> None:
    first, second = InstanceLock(app_id), InstanceLock(app_id)
    assert first.acquire() is True and first.held
    assert second.acquire() is False and not second.held
    assert not first.socket_answers()
    server = SingleInstance(app_id)
    assert server.listen()
    assert first.socket_answers()  # the path Qt listens on is the one we look at
    server.close()
    assert not first.socket_answers()
    path = os.path.join(QDir.tempPath(), server_name(app_id))
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)  # bound, never listening, left behind: like a crashed instance
    stale.close()
    try:
        assert os.path.exists(path) and not first.socket_answers()
    finally:
        os.unlink(path)
    first.release()
    assert second.acquire() is True
    second.release()


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_a_launch_waits_for_a_starting_instance_and_hands_over(app_id: str) -> None:
    proc = holder(app_id, "listen")
    lock = InstanceLock(app_id)
    assert lock.acquire() is False  # it is starting: no window for us
    assert SingleInstance(app_id).forward_when_ready(["--show", "小红书"], lock) is True
    out, _ = proc.communicate(timeout=30)
    assert out.strip() == "got --show 小红书"
    assert not lock.held


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_when_the_starting_instance_ends_the_waiting_launch_becomes_it(app_id: str) -> None:
    proc = holder(app_id, "exit")
    lock = InstanceLock(app_id)
    assert lock.acquire() is False
    assert SingleInstance(app_id).forward_when_ready(["--show"], lock) is False
    assert lock.held  # it is the instance now
    proc.communicate(timeout=30)
    lock.release()


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_an_instance_that_never_listens_is_not_waited_for_forever(app_id: str) -> None:
    proc = holder(app_id, "hold")
    try:
        lock = InstanceLock(app_id)
        assert lock.acquire() is False
        assert SingleInstance(app_id).forward_when_ready([], lock, timeout_s=0.5) is None
        assert not lock.held
    finally:
        proc.communicate("\n", timeout=30)


def _poll_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_two_launches_at_once_open_one_window_and_a_third_hands_over(tmp_path: Path) -> None:
    """The real app, started twice at the same moment: one becomes the instance (and keeps
    running), the other hands over and exits 0, even though the first listens only after
    its first paint; a later ``--show`` hands over too."""
    (tmp_path / "tmp").mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    env["TMPDIR"] = str(tmp_path / "tmp")  # a private socket and lock
    env.pop("COMPANION_MULTI_INSTANCE", None)
    logs = [(tmp_path / f"launch{n}.log").open("w") for n in range(2)]
    launches = [
        subprocess.Popen(
            [sys.executable, "-m", "companion"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        for log in logs
    ]
    try:
        assert _poll_until(lambda: any(p.poll() is not None for p in launches), 90)
        exited = [p for p in launches if p.poll() is not None]
        assert [p.returncode for p in exited] == [0], [log.name for log in logs]
        (running,) = [p for p in launches if p.poll() is None]
        third = subprocess.run(
            [sys.executable, "-m", "companion", "--show"], env=env, timeout=90, check=False
        )
        assert third.returncode == 0
        assert running.poll() is None  # still the one instance
    finally:
        for proc in launches:
            if proc.poll() is None:
                proc.terminate()
            proc.wait(timeout=30)
        for log in logs:
            log.close()


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files only")
def test_an_older_instance_without_the_lock_is_handed_over_to(tmp_path: Path) -> None:
    """After an update, the running Companion may be one that listens without the lock: a new
    launch still hands over to it rather than opening a second window."""
    from companion.ui.app import APP_ID

    old = holder(APP_ID, "old", TMPDIR=str(tmp_path))
    assert old.stdout is not None and old.stdout.readline().strip() == "listening"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), TMPDIR=str(tmp_path))
    env.pop("COMPANION_MULTI_INSTANCE", None)
    launch = subprocess.run(
        [sys.executable, "-m", "companion", "--show"], env=env, timeout=90, check=False
    )
    out, _ = old.communicate(timeout=30)
    assert launch.returncode == 0
    assert out.strip() == "got --show"
