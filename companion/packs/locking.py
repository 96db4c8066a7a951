"""Advisory file locks between processes (the GUI and the CLI may install at the same time).

An install holds the packs folder's lock from its first rename to its last, so a recovery
run by another process never mistakes a live install for the leftovers of a killed one. A
download holds a lock on its own ``.part`` file for the same reason. The operating system
drops a lock when its process dies, which is what makes "not locked" mean "left over".
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import IO


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def lock_handle(handle: IO[bytes]) -> bool:
    """Lock an open file without waiting; False when another process holds it."""
    return _try_lock(handle)


class FileLock:
    """An exclusive lock on ``path`` (created if needed), released on close or process death."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    def acquire(self, timeout: float = 0.0) -> bool:
        """Take the lock, waiting up to ``timeout`` seconds; False if another process kept it."""
        handle = open(self.path, "a+b")  # noqa: SIM115 - kept open while the lock is held
        deadline = time.monotonic() + timeout
        pause = 0.01
        while not _try_lock(handle):
            if time.monotonic() + pause > deadline:
                handle.close()
                return False
            time.sleep(pause)  # polling: flock has no timeout of its own
            pause = min(pause * 2, 0.25)
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing drops the lock
            self._handle = None

    def __enter__(self) -> FileLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def remove_if_unlocked(path: Path) -> bool:
    """Delete ``path`` if no process holds a lock on it (a leftover of a killed run)."""
    try:
        handle = open(path, "r+b")  # noqa: SIM115 - closed below
    except OSError:
        return False
    try:
        if not _try_lock(handle):
            return False
        if sys.platform == "win32":
            handle.close()  # Windows cannot delete an open file
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        handle.close()


__all__ = ["FileLock", "lock_handle", "remove_if_unlocked"]
