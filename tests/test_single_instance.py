"""Single instance: a second process hands its arguments to the first over a local socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtNetwork import QLocalSocket
from pytestqt.qtbot import QtBot

from companion.ui.desktop.single_instance import SingleInstance, decode_message, server_name

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
