"""Which Companion is the one: a lock the first instance takes before drawing its window.

The hand-off itself is a local socket the instance listens on (:mod:`.single_instance`, Qt's
QLocalServer), and loading QtNetwork for it costs the first paint ~10 ms. So, where the system
has ``flock`` (Linux, macOS, the BSDs), the first instance only takes this lock at start (an
exclusive ``flock`` on a small file beside the socket, dropped by the kernel when the process
ends, crash or not), draws its window, and listens right after the first paint. A launch that
finds the lock taken knows an instance is running or starting: it waits for that instance to
listen and hands its arguments over, and never opens a window of its own. Without ``flock``
(Windows) :meth:`InstanceLock.acquire` says so and the caller checks and listens before the
window, as before.

Nothing here imports Qt: it runs before the window exists.
"""

from __future__ import annotations

import os
from pathlib import Path

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
    """The instance's socket name: short (macOS limits socket paths) and per user."""
    digest = _sha1_hex(f"{app_id}\0{_user()}".encode())[:12]
    return f"{app_id}-{digest}"


def temp_dir() -> Path:
    """Where Qt puts a local socket named without a path on Unix (QDir::tempPath())."""
    return Path(os.environ.get("TMPDIR") or "/tmp")


class InstanceLock:
    """An exclusive, non-blocking lock named after the instance's socket; held until
    :meth:`release` or the end of the process."""

    def __init__(self, app_id: str) -> None:
        self.name = server_name(app_id)
        self.path = temp_dir() / f"{self.name}.lock"
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool | None:
        """True: this process is the instance. False: another process holds the lock (an
        instance runs or is starting). None: no lock on this system or the file cannot be
        used (another user's file, a read-only folder): check the socket instead."""
        if self._fd is not None:
            return True
        try:
            import fcntl
        except ImportError:
            return None
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError:  # a file system without locks
            os.close(fd)
            return None
        self._fd = fd
        return True

    def socket_answers(self) -> bool:
        """Something listens where our socket goes: an older Companion, which listens without
        taking this lock (hand over to it before drawing a window of our own). A file that
        refuses connections is a crashed run's, replaced when we listen."""
        path = temp_dir() / self.name
        if not path.exists():
            return False
        try:
            import _socket  # socket's C core: the Python module costs ~5 ms of enum set-up
        except ImportError:
            return True  # cannot tell: ask over Qt's socket
        probe = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            probe.settimeout(1.0)
            probe.connect(str(path))
        except OSError:
            return False  # refused (or not a socket): nobody listens there
        finally:
            probe.close()
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor drops the flock
            self._fd = None
