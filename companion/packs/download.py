"""Downloading packs: one file (:func:`download_pack`), and the whole job both the packs
dialog and ``packs download`` run (:func:`download_packs`): read the index, skip what is up
to date, download and install the rest one by one, report each.

A download streams into a hidden ``.part`` file that it holds a lock on (so a cleanup by
another process never deletes it, and one left by a killed run is deleted next time), is
capped by the size the index gives (else by a hard ceiling) counting *decoded* bytes, so a
gzip-encoded pack works and a gzip bomb stops at the cap, must finish within a total
deadline, and is checked against the index's checksum.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from companion.engines.base import Cancelled, CancelToken
from companion.packs.archive import MAX_UNPACKED_BYTES, install_pack, pair_words
from companion.packs.errors import PackError, disk_error
from companion.packs.index import (
    AvailablePack,
    chinese_english_packs,
    fetch_index,
    up_to_date,
)
from companion.packs.installed import (
    LOCK_NAME,
    SUPPORTED_PAIRS,
    InstalledPack,
    clean_downloads,
    downloads_dir,
)
from companion.packs.locking import FileLock, lock_handle
from companion.packs.net import (
    Deadline,
    bounded_get,
    make_client,
    redirect_note,
    stream_failure,
)

if TYPE_CHECKING:
    import httpx

Progress = Callable[[int, "int | None"], None]

# No pack file is larger than this when the index does not say (real ones are ~90 MB).
MAX_DOWNLOAD_BYTES = MAX_UNPACKED_BYTES
DOWNLOAD_DEADLINE = 30 * 60.0  # 100 MB at 60 KB/s
_CHUNK = 256 * 1024
_PACK = "the pack"


def _open_part(part: Path) -> IO[bytes]:
    """Create and lock the ``.part`` file under the folder's lock (no cleanup can race us)."""
    with FileLock(part.parent / LOCK_NAME) as folder_lock:
        if not folder_lock.acquire(timeout=30.0):
            raise PackError("another download is starting; try again in a moment", "busy")
        handle = open(part, "a+b")  # noqa: SIM115 - returned to the caller, closed there
        if not lock_handle(handle):
            handle.close()
            raise PackError("this pack is already being downloaded", "busy")
        handle.seek(0)
        handle.truncate()
        return handle


def _download_one(
    http: httpx.Client,
    url: str,
    pack: AvailablePack,
    out: IO[bytes],
    progress: Progress | None,
    cancel: CancelToken | None,
    deadline: Deadline,
) -> None:
    import hashlib

    import httpx

    cap = pack.size if pack.size is not None else MAX_DOWNLOAD_BYTES
    with bounded_get(http, url, _PACK, deadline, cancel) as (response, watchdog):
        moved = redirect_note(url, response)
        if response.status_code != 200:
            raise PackError(
                f"the pack could not be downloaded (HTTP {response.status_code}{moved})", "network"
            )
        if "text/html" in response.headers.get("content-type", ""):
            raise PackError(
                f"the download address returned a web page{moved}, not a language pack", "network"
            )
        encoded = response.headers.get("content-encoding", "identity").lower() not in (
            "",
            "identity",
        )
        header = response.headers.get("content-length", "")
        length = int(header) if header.isdigit() else None
        if length is not None and not encoded:
            if pack.size is not None and length != pack.size:
                raise PackError(
                    f"the server's file size ({length:,} bytes) does not match the index "
                    f"({pack.size:,} bytes)",
                    "network",
                )
            if length > cap:
                raise PackError(
                    f"the server offers {length / 1e6:.0f} MB, more than any language pack: "
                    "refused",
                    "refused",
                )
        total = pack.size if pack.size is not None else (None if encoded else length)
        sha = hashlib.sha256()
        other = hashlib.new(pack.checksum[0]) if pack.checksum else None
        done = 0
        try:
            for chunk in response.iter_bytes(_CHUNK):  # decoded bytes
                if cancel is not None:
                    cancel.raise_if_cancelled()
                done += len(chunk)
                if done > cap:
                    raise PackError(
                        "the download is larger than the index says: refused"
                        if pack.size is not None
                        else "the download is larger than any language pack: refused",
                        "refused",
                    )
                out.write(chunk)
                sha.update(chunk)
                if other is not None:
                    other.update(chunk)
                if progress is not None:
                    progress(done, total)
        except httpx.HTTPError as exc:
            raise stream_failure(exc, url, _PACK, deadline, watchdog, cancel) from exc
        if watchdog.fired:
            raise stream_failure(RuntimeError(), url, _PACK, deadline, watchdog, cancel)
        raw = response.num_bytes_downloaded
    if cancel is not None:
        cancel.raise_if_cancelled()
    expected = pack.size if pack.size is not None else (None if encoded else length)
    if expected is not None and done != expected:
        raise PackError(
            f"the download is incomplete ({done:,} of {expected:,} bytes); try again", "network"
        )
    if encoded and length is not None and raw != length:
        raise PackError(
            f"the download is incomplete ({raw:,} of {length:,} bytes); try again", "network"
        )
    if pack.sha256 is not None and sha.hexdigest() != pack.sha256:
        raise PackError("the download's checksum does not match the index: file refused", "damaged")
    if other is not None and pack.checksum and other.hexdigest() != pack.checksum[1]:
        raise PackError("the download's checksum does not match the index: file refused", "damaged")
    out.flush()
    out.seek(0)
    magic = out.read(4)
    if magic != b"PK\x03\x04":
        kind = "a web page" if magic[:1] == b"<" else "not a zip archive"
        raise PackError(f"the download is not a language pack ({kind})", "damaged")


def download_pack(
    pack: AvailablePack,
    dest_dir: Path,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    client: httpx.Client | None = None,
    deadline: float = DOWNLOAD_DEADLINE,
) -> Path:
    """Stream ``pack`` into ``dest_dir``; returns the finished file.

    Each link is tried in turn, all within ``deadline`` seconds. ``progress(done, total)`` is
    called per chunk (total is None when unknown). Raises :class:`Cancelled` when ``cancel``
    is set, :class:`PackError` otherwise; either way no partial file is left behind.
    """
    dest_dir = Path(dest_dir)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise disk_error(exc, "save the download") from exc
    if dest_dir == downloads_dir():
        clean_downloads()
    final = dest_dir / pack.filename
    part = dest_dir / f".{pack.filename}.part"
    http = client or make_client()
    errors: list[PackError] = []
    limit = Deadline(deadline)
    try:
        try:
            out = _open_part(part)
        except OSError as exc:
            raise disk_error(exc, "save the download") from exc
        with out:
            for url in pack.links:
                out.seek(0)
                out.truncate()
                try:
                    _download_one(http, url, pack, out, progress, cancel, limit)
                except PackError as exc:
                    errors.append(exc)
                    if exc.kind in ("offline", "busy") or limit.passed:
                        break
                    continue
                except OSError as exc:  # disk full, permissions: the next link will not help
                    part.unlink(missing_ok=True)
                    raise disk_error(exc, "save the download") from exc
                except BaseException:  # cancelled, interrupted: leave nothing behind
                    part.unlink(missing_ok=True)
                    raise
                os.replace(part, final)  # still locked: nobody deletes it meanwhile
                return final
            part.unlink(missing_ok=True)
    finally:
        if client is None:
            http.close()
    if not errors:
        raise PackError("the index lists no download address for this pack", "damaged")
    raise errors[-1]


def download_and_install(
    pack: AvailablePack,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    client: httpx.Client | None = None,
    dest_dir: Path | None = None,
    deadline: float = DOWNLOAD_DEADLINE,
    installing: Callable[[], None] | None = None,
) -> InstalledPack:
    """Download ``pack`` to the cache, install it (checked against its pair), delete the file.

    ``installing()`` is called between the two (the install loads the model: seconds).
    """
    folder = Path(dest_dir) if dest_dir is not None else downloads_dir()
    archive = download_pack(pack, folder, progress, cancel, client, deadline)
    try:
        if cancel is not None:
            cancel.raise_if_cancelled()
        if installing is not None:
            installing()
        return install_pack(archive, expect=(pack.from_code, pack.to_code))
    finally:
        archive.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# The whole job: what the dialog's "Download" button and ``packs download`` do.

Stage = Literal["index", "download", "install"]


@dataclass(frozen=True)
class DownloadProgress:
    """Where a :func:`download_packs` run is; ``pack`` is None while the index is read."""

    stage: Stage
    pack: AvailablePack | None = None
    number: int = 0  # 1-based among the packs being downloaded
    count: int = 0
    done: int = 0  # bytes so far (download stage)
    total: int | None = None


@dataclass
class DownloadReport:
    """What a :func:`download_packs` run did, pack by pack."""

    installed: list[InstalledPack] = field(default_factory=list)
    current: list[InstalledPack] = field(default_factory=list)  # already up to date: skipped
    todo: list[AvailablePack] = field(default_factory=list)  # not done; the first one failed
    error: PackError | Cancelled | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def failed(self) -> AvailablePack | None:
        """The pack the error happened on (None when the index itself failed)."""
        return self.todo[0] if self.error is not None and self.todo else None


def download_packs(
    index_url: str,
    pairs: Sequence[tuple[str, str]] = SUPPORTED_PAIRS,
    *,
    force: bool = False,
    progress: Callable[[DownloadProgress], None] | None = None,
    cancel: CancelToken | None = None,
    client: httpx.Client | None = None,
    dest_dir: Path | None = None,
) -> DownloadReport:
    """Read the index, then download and install each wanted pair that is missing or older.

    ``force`` downloads even what is up to date (reinstall). Never raises for a pack
    problem, a network failure or a cancel: they end the run and are in ``report.error``,
    with what was installed before it in ``report.installed``.
    """
    report = DownloadReport()
    emit = progress or (lambda _step: None)
    try:
        emit(DownloadProgress("index"))
        available = chinese_english_packs(fetch_index(index_url, client=client, cancel=cancel))
        chosen = [p for p in available if (p.from_code, p.to_code) in tuple(pairs)]
        missing = [
            pair_words(*pair)
            for pair in pairs
            if all((p.from_code, p.to_code) != pair for p in chosen)
        ]
        if missing:
            raise PackError(f"the package index lists no {' or '.join(missing)} pack", "network")
        for pack in chosen:
            have = None if force else up_to_date(pack)
            if have is None:
                report.todo.append(pack)
            else:
                report.current.append(have)
        count = len(report.todo)
        for number in range(1, count + 1):
            pack = report.todo[0]
            if cancel is not None:
                cancel.raise_if_cancelled()

            def bytes_so_far(
                done: int, total: int | None, pack: AvailablePack = pack, number: int = number
            ) -> None:
                emit(DownloadProgress("download", pack, number, count, done, total))

            def installing(pack: AvailablePack = pack, number: int = number) -> None:
                emit(DownloadProgress("install", pack, number, count))

            installed = download_and_install(
                pack, bytes_so_far, cancel, client, dest_dir, installing=installing
            )
            report.installed.append(installed)
            report.todo.pop(0)
    except (PackError, Cancelled) as exc:
        report.error = exc
    except OSError as exc:  # the cache folder itself: reported like any other failure
        report.error = disk_error(exc, "finish the download")
    return report


__all__ = [
    "DOWNLOAD_DEADLINE",
    "MAX_DOWNLOAD_BYTES",
    "DownloadProgress",
    "DownloadReport",
    "download_and_install",
    "download_pack",
    "download_packs",
]
