"""One Companion per user: a second launch hands its arguments to the first and exits.

Uses a QLocalSocket/QLocalServer (a Unix socket or a Windows named pipe) named per user, so two
people on one machine each get their own instance. The message is one JSON list of strings
followed by a newline; the first instance answers ``ok`` once it has taken it, so the second
only exits when the hand-off really happened. This is also how Wayland desktop shortcuts reach
the app: ``companion --show`` / ``companion --translate-clipboard``.
"""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_TIMEOUT_MS = 1000
REPLY_TIMEOUT_MS = 3000
MAX_MESSAGE = 64 * 1024


USER_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")  # what getpass.getuser() reads


def _user() -> str:
    """getpass.getuser(), without importing getpass (and termios) when a variable says it."""
    for name in USER_VARIABLES:
        user = os.environ.get(name)
        if user:
            return user
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "user"


def _sha1_hex(data: bytes) -> str:
    """hashlib.sha1(data).hexdigest(). The standalone SHA-1 module loads in well under a
    millisecond; hashlib loads OpenSSL (~5-8 ms before the first paint)."""
    try:
        from _sha1 import sha1
    except ImportError:  # a Python built without it
        from hashlib import sha1
    return str(sha1(data).hexdigest())


def server_name(app_id: str) -> str:
    """Short (macOS limits socket paths) and per user."""
    digest = _sha1_hex(f"{app_id}\0{_user()}".encode())[:12]
    return f"{app_id}-{digest}"


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
