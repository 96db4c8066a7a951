"""One Companion per user: a second launch hands its arguments to the first and exits.

Uses a QLocalSocket/QLocalServer (a Unix socket or a Windows named pipe) named per user, so two
people on one machine each get their own instance. The message is one JSON list of strings
followed by a newline; the first instance answers ``ok`` once it has taken it, so the second
only exits when the hand-off really happened. This is also how Wayland desktop shortcuts reach
the app: ``companion --show`` / ``companion --translate-clipboard``.

The first instance listens once its window is drawn; until then the lock it took at start
(:class:`~companion.ui.desktop.instance_lock.InstanceLock`) tells other launches to wait for it
(:meth:`SingleInstance.forward_when_ready`) rather than open a window of their own.
"""

from __future__ import annotations

import json
import time

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from companion.ui.desktop.instance_lock import InstanceLock, server_name

CONNECT_TIMEOUT_MS = 1000
REPLY_TIMEOUT_MS = 3000
MAX_MESSAGE = 64 * 1024
STARTING_TIMEOUT_S = 30.0  # how long a launch waits for a starting instance to listen
POLL_S = 0.05

__all__ = ["InstanceLock", "SingleInstance", "decode_message", "server_name"]


def decode_message(data: bytes) -> list[str] | None:
    """The argument list from one message, or None if it is not a JSON list of strings."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None


class SingleInstance(QObject):
    """``try_forward(args)`` first; if it returns False, ``listen()`` and become the instance."""

    argumentsReceived = Signal(list)

    def __init__(self, app_id: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(app_id)
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytes] = {}

    def try_forward(self, args: list[str]) -> bool:
        """Send ``args`` to a running instance; True when it confirmed receipt."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        payload = json.dumps(list(args), ensure_ascii=False).encode("utf-8") + b"\n"
        socket.write(payload)
        if not socket.waitForBytesWritten(REPLY_TIMEOUT_MS):
            socket.abort()
            return False
        reply = b""
        while b"\n" not in reply and socket.waitForReadyRead(REPLY_TIMEOUT_MS):
            reply += bytes(socket.readAll().data())
        socket.disconnectFromServer()
        return reply.strip() == b"ok"

    def forward_when_ready(
        self, args: list[str], lock: InstanceLock, timeout_s: float = STARTING_TIMEOUT_S
    ) -> bool | None:
        """Hand ``args`` to the instance that holds ``lock``, waiting for it to listen (it
        does once its window is drawn). True: handed over. False: that instance ended, so
        this process is the instance now (it holds the lock, or locks stopped working here:
        then it listens before its window). None: the holder never listened in time."""
        deadline = time.monotonic() + timeout_s
        while True:
            if self.try_forward(args):
                return True
            if lock.acquire() is not False:  # the holder is gone
                return False
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL_S)  # it is between taking the lock and listening

    def listen(self) -> bool:
        """Become the instance others forward to; clears a socket left by a crashed run."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # Only reached after try_forward failed, so nobody answers there: stale socket.
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                return False
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def is_listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def close(self) -> None:
        """Stop listening and drop open connections (their signals must not outlive us)."""
        for socket in list(self._buffers):
            socket.blockSignals(True)
            socket.abort()
            socket.deleteLater()
        self._buffers.clear()
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None

    @Slot()
    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket is None:
                break
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._drop(s))
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if len(data) > MAX_MESSAGE:
            socket.abort()
            return
        if b"\n" not in data:
            self._buffers[socket] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[socket] = b""
        args = decode_message(line)
        socket.write(b"ok\n" if args is not None else b"error\n")
        socket.flush()
        socket.disconnectFromServer()  # one message per connection
        if args is not None:
            self.argumentsReceived.emit(args)

    def _drop(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()
