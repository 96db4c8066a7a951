"""The one exception of the packs layer, and plain words for the system errors behind it."""

from __future__ import annotations

import errno
from typing import Literal

# What kind of failure, so a caller can offer the right way out: "offline" -> install from a
# file; "damaged" -> reinstall; "busy" -> try again in a moment.
ErrorKind = Literal["offline", "network", "refused", "damaged", "disk", "busy", "other"]


class PackError(Exception):
    """A pack problem in plain words, safe to show the user as one line."""

    def __init__(self, message: str, kind: ErrorKind = "other") -> None:
        super().__init__(message)
        self.message = message
        self.kind: ErrorKind = kind


def os_error_words(exc: OSError) -> str:
    """What an OSError means, without "[Errno 13]" or a C library's wording."""
    number = exc.errno
    if number in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return "the disk is full"
    if number in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if number == errno.EROFS:
        return "the folder is read-only"
    if number == errno.ENOENT:
        return "a file or folder is missing"
    if number == errno.EISDIR:
        return "a folder is in the way"
    if number == errno.ENAMETOOLONG:
        return "a file name is too long for this disk"
    if number == errno.EIO:
        return "the disk reported an error"
    if exc.strerror:
        return exc.strerror[:1].lower() + exc.strerror[1:]
    return "a system error"


def disk_error(exc: OSError, doing: str) -> PackError:
    """A PackError for an OSError while ``doing`` something ("install zh-en.argosmodel")."""
    return PackError(f"could not {doing}: {os_error_words(exc)}", "disk")


__all__ = ["ErrorKind", "PackError", "disk_error", "os_error_words"]
