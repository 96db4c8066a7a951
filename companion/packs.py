"""Offline language packs: list, install, remove and download argos ``.argosmodel`` files.

Packs live where argos itself installs them (:func:`companion.paths.argos_packages_dir`), so
packs from ``argospm`` work here and ours work in argos. Archives are untrusted input: they
are checked entry by entry before anything is written, extracted into a hidden directory
beside the target and moved into place with one rename, so a failure at any point leaves
the packs directory as it was. Downloads stream to a ``.part`` file that is removed on
cancel or failure, and are checked against the size and checksum the index gives.

No Qt here and no argos import (argos reads its settings and creates directories on import).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from companion import paths
from companion.engines.base import Cancelled, CancelToken

if TYPE_CHECKING:
    import zipfile

    import httpx

# hashlib, zipfile, tempfile, shutil and urllib are imported where used: listing packs is on
# the offline engine's first-translation path, and hashlib alone loads OpenSSL (~4 MB).

Progress = Callable[[int, "int | None"], None]

# argos's index; the settings key ``package_index_url`` overrides it.
DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"

_MAX_ENTRIES = 10_000
_MAX_UNPACKED_BYTES = 4 * 1024**3  # a real pack is ~100-300 MB unpacked: refuse zip bombs
_MAX_METADATA_BYTES = 1024**2
_MAX_INDEX_BYTES = 20 * 1024**2
_CHUNK = 256 * 1024
_CODE_RE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z0-9]{1,8})?$")
_STALE_SECONDS = 3600
_HIDDEN_PREFIXES = (".installing-", ".removing-", ".replaced-")


class PackError(Exception):
    """A pack problem in plain words, safe to show the user as one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class InstalledPack:
    path: Path
    from_code: str
    to_code: str
    package_version: str
    from_name: str
    to_name: str
    size_bytes: int


@dataclass(frozen=True)
class AvailablePack:
    """One entry of an argos package index (``index.json``)."""

    from_code: str
    to_code: str
    package_version: str
    from_name: str
    to_name: str
    links: tuple[str, ...]
    code: str = ""
    argos_version: str = ""
    sha256: str | None = None  # hex digest when the index gives one
    checksum: tuple[str, str] | None = None  # (algorithm, hex) for other digests
    size: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def filename(self) -> str:
        base = self.code or f"translate-{self.from_code}_{self.to_code}"
        version = self.package_version.replace(".", "_")
        return _safe_name(f"{base}-{version}.argosmodel" if version else f"{base}.argosmodel")


# --------------------------------------------------------------------------------------------
# Installed packs


def _version_key(version: str) -> tuple[int, ...]:
    """ "1.10" > "1.9"; text parts are ignored so odd versions still sort."""
    return tuple(int(part) for part in re.findall(r"\d+", version)[:6]) or (0,)


def up_to_date(pack: AvailablePack) -> InstalledPack | None:
    """The installed pack of ``pack``'s pair when it is at ``pack``'s version or newer."""
    have = find_pack(pack.from_code, pack.to_code)
    if have is None:
        return None
    newer_or_same = _version_key(have.package_version) >= _version_key(pack.package_version)
    return have if newer_or_same else None


def _validate_metadata(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise PackError("the pack's metadata.json is not a JSON object")
    for key in ("from_code", "to_code"):
        value = raw.get(key)
        if not isinstance(value, str) or not _CODE_RE.match(value):
            raise PackError(f"the pack's metadata.json has no valid {key}")
    for key in ("package_version", "from_name", "to_name", "argos_version"):
        value = raw.get(key, "")
        if not isinstance(value, str) or len(value) > 100:
            raise PackError(f"the pack's metadata.json has an invalid {key}")
    if raw.get("type", "translate") != "translate":
        raise PackError("this pack is not a translation pack")
    return raw


def _read_installed(path: Path) -> InstalledPack:
    raw = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    meta = _validate_metadata(raw)
    if not (path / "model" / "model.bin").is_file():
        raise PackError("model/model.bin is missing")
    if not ((path / "sentencepiece.model").is_file() or (path / "bpe.model").is_file()):
        raise PackError("the tokenizer model is missing")
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return InstalledPack(
        path=path,
        from_code=meta["from_code"],
        to_code=meta["to_code"],
        package_version=meta.get("package_version", ""),
        from_name=meta.get("from_name", ""),
        to_name=meta.get("to_name", ""),
        size_bytes=size,
    )


def list_installed() -> list[InstalledPack]:
    """Packs in argos's packages directory, sorted by pair; broken directories are skipped."""
    root = paths.argos_packages_dir()
    found = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir() or entry.is_symlink():
            continue
        try:
            found.append(_read_installed(entry))
        except (OSError, ValueError, PackError):
            continue  # half-copied or foreign directory: not a usable pack
    found.sort(key=lambda p: (p.from_code, p.to_code, _version_key(p.package_version)))
    return found


def find_pack(from_code: str, to_code: str) -> InstalledPack | None:
    """The installed pack for this direction, the highest version when there are several."""
    matches = [p for p in list_installed() if (p.from_code, p.to_code) == (from_code, to_code)]
    if not matches:
        return None
    return max(matches, key=lambda p: _version_key(p.package_version))


# --------------------------------------------------------------------------------------------
# Installing from an archive


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".")
    return cleaned[:120] or "pack"


def _member_parts(info: zipfile.ZipInfo) -> tuple[str, ...]:
    """The entry's path parts, refusing anything that could land outside the target."""
    import stat

    name = info.filename
    if "\x00" in name:
        raise PackError("the archive contains an invalid file name")
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or re.match(r"^[A-Za-z]:", normalized):
        raise PackError(f"the archive contains an absolute path ({name!r}): refused")
    parts = tuple(p for p in PurePosixPath(normalized).parts if p not in ("", "."))
    if any(p == ".." for p in parts):
        raise PackError(f"the archive contains a path leaving its folder ({name!r}): refused")
    mode = info.external_attr >> 16
    if mode:  # Unix file-type bits are present
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            raise PackError(f"the archive contains a symbolic link ({name!r}): refused")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise PackError(f"the archive contains a special file ({name!r}): refused")
    return parts


def _inspect_archive(zf: zipfile.ZipFile) -> tuple[str, dict[str, Any]]:
    """Check every entry; return the top-level folder name and the parsed metadata."""
    infos = zf.infolist()
    if not infos:
        raise PackError("the archive is empty")
    if len(infos) > _MAX_ENTRIES:
        raise PackError("the archive has too many files to be a language pack")
    tops: set[str] = set()
    names: set[tuple[str, ...]] = set()
    total = 0
    for info in infos:
        parts = _member_parts(info)
        if not parts:
            continue
        if info.flag_bits & 0x1:
            raise PackError("the archive is encrypted")
        tops.add(parts[0])
        if not info.is_dir():
            if len(parts) < 2:
                raise PackError(
                    "the archive has files outside a pack folder: not an argos language pack"
                )
            names.add(parts[1:])
        total += info.file_size
        if total > _MAX_UNPACKED_BYTES:
            raise PackError("the archive unpacks to more than 4 GB: refused")
    if len(tops) != 1:
        raise PackError("the archive must contain exactly one pack folder")
    top = tops.pop()
    if top.startswith("."):
        raise PackError("the pack folder name is invalid")
    missing = [
        label
        for label, wanted in (
            ("metadata.json", {("metadata.json",)}),
            ("model/model.bin", {("model", "model.bin")}),
            ("sentencepiece.model or bpe.model", {("sentencepiece.model",), ("bpe.model",)}),
        )
        if not wanted & names
    ]
    if missing:
        raise PackError(f"not an argos language pack: {', '.join(missing)} missing")
    meta_info = zf.getinfo(_find_member(zf, top, "metadata.json"))
    if meta_info.file_size > _MAX_METADATA_BYTES:
        raise PackError("the pack's metadata.json is too large")
    try:
        raw = json.loads(zf.read(meta_info).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackError("the pack's metadata.json is not valid JSON") from exc
    return top, _validate_metadata(raw)


def _find_member(zf: zipfile.ZipFile, top: str, relative: str) -> str:
    for info in zf.infolist():
        parts = _member_parts(info)
        if parts[1:] == tuple(relative.split("/")) and parts[0] == top:
            return info.filename
    raise PackError(f"{relative} is missing")


def _extract(zf: zipfile.ZipFile, dest: Path) -> None:
    """Write every entry under ``dest`` (already vetted), checking sizes as we go."""
    for info in zf.infolist():
        parts = _member_parts(info)
        if not parts:
            continue
        target = dest.joinpath(*parts)
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with zf.open(info) as src, open(target, "xb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > info.file_size:
                    raise PackError("the archive is damaged (an entry is larger than declared)")
                out.write(chunk)


def _clean_stale(root: Path) -> None:
    """Remove hidden work folders left by a crash (older than an hour, so not in use)."""
    import shutil

    now = time.time()
    for entry in root.iterdir():
        if entry.name.startswith(_HIDDEN_PREFIXES) and entry.is_dir():
            try:
                if now - entry.stat().st_mtime > _STALE_SECONDS:
                    shutil.rmtree(entry, ignore_errors=True)
            except OSError:
                pass


def install_pack(archive: Path, expect: tuple[str, str] | None = None) -> InstalledPack:
    """Install an ``.argosmodel`` file; replaces an installed pack of the same pair.

    ``expect`` is the ``(from_code, to_code)`` the caller asked for (a download), so a
    mislabelled file is refused instead of silently installed.
    """
    import shutil
    import tempfile
    import zipfile
    import zlib

    archive = Path(archive)
    if not archive.is_file():
        raise PackError(f"{archive.name}: no such file")
    root = paths.argos_packages_dir()
    _clean_stale(root)
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise PackError(
            f"{archive.name} is not a language pack (not a zip archive, or damaged/truncated)"
        ) from exc
    except OSError as exc:
        raise PackError(f"{archive.name} could not be read: {exc.strerror or exc}") from exc
    work = Path(tempfile.mkdtemp(prefix=".installing-", dir=root))
    old: Path | None = None
    try:
        with zf:
            top, meta = _inspect_archive(zf)
            pair = (meta["from_code"], meta["to_code"])
            if expect is not None and pair != tuple(expect):
                raise PackError(
                    f"{archive.name} translates {pair[0]}→{pair[1]}, "
                    f"expected {expect[0]}→{expect[1]}"
                )
            try:
                _extract(zf, work)
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise PackError(f"{archive.name} is damaged: {exc}") from exc
            except (NotImplementedError, RuntimeError) as exc:  # e.g. an unknown compression
                raise PackError(f"{archive.name} cannot be unpacked: {exc}") from exc
        extracted = work / top
        try:
            _read_installed(extracted)
        except (OSError, ValueError) as exc:
            raise PackError(f"{archive.name} is not a usable pack: {exc}") from exc
        target = root / _safe_name(top)
        others = [
            p.path
            for p in list_installed()
            if (p.from_code, p.to_code) == pair and p.path != target
        ]
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=".replaced-", dir=root)) / "pack"
            os.replace(target, old)
        try:
            os.replace(extracted, target)
        except OSError:
            if old is not None:
                os.replace(old, target)  # put the previous pack back
                old = None
            raise
        for other in others:  # one pack per pair, so argos and we agree which is used
            _remove_dir(other)
        return _read_installed(target)
    except PackError:
        raise
    except OSError as exc:
        raise PackError(f"could not install {archive.name}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old.parent, ignore_errors=True)


def _remove_dir(path: Path) -> None:
    """Rename out of sight first, so a half-deleted pack never looks installed."""
    import shutil
    import tempfile

    hidden = Path(tempfile.mkdtemp(prefix=".removing-", dir=path.parent)) / "pack"
    os.replace(path, hidden)
    shutil.rmtree(hidden.parent, ignore_errors=True)


def uninstall_pack(pack: InstalledPack) -> None:
    root = paths.argos_packages_dir().resolve()
    path = Path(pack.path)
    if path.resolve().parent != root:
        raise PackError("that pack is not in the packs folder")
    if not path.is_dir():
        raise PackError("that pack is not installed any more")
    try:
        _remove_dir(path)
    except OSError as exc:
        raise PackError(f"could not remove the pack: {exc.strerror or exc}") from exc


# --------------------------------------------------------------------------------------------
# The package index and downloads


def _client(client: httpx.Client | None) -> tuple[httpx.Client, bool]:
    if client is not None:
        return client, False
    import httpx

    timeout = httpx.Timeout(30.0, connect=10.0)
    return httpx.Client(timeout=timeout, follow_redirects=True), True


def _parse_checksum(entry: dict[str, Any]) -> tuple[str | None, tuple[str, str] | None]:
    sha = entry.get("sha256")
    if isinstance(sha, str) and re.fullmatch(r"[0-9a-fA-F]{64}", sha):
        return sha.lower(), None
    value = entry.get("checksum")
    if isinstance(value, str):
        algo, _, digest = value.rpartition(":")
        algo = algo.lower().replace("-", "") or {32: "md5", 40: "sha1", 64: "sha256"}.get(
            len(digest), ""
        )
        if algo in ("md5", "sha1", "sha256", "sha512") and re.fullmatch(r"[0-9a-fA-F]+", digest):
            if algo == "sha256":
                return digest.lower(), None
            return None, (algo, digest.lower())
    return None, None


def _parse_size(entry: dict[str, Any]) -> int | None:
    for key in ("size", "size_bytes", "filesize", "file_size"):
        value = entry.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def parse_index(data: object, base_url: str = "") -> list[AvailablePack]:
    """Index entries that name a translation pair and at least one http(s) link."""
    from urllib.parse import urljoin, urlparse

    if not isinstance(data, list):
        raise PackError("the package index is not a list of packs")
    packs = []
    for entry in data:
        if not isinstance(entry, dict) or entry.get("type", "translate") != "translate":
            continue
        from_code, to_code = entry.get("from_code"), entry.get("to_code")
        if not (isinstance(from_code, str) and isinstance(to_code, str)):
            continue
        raw_links = entry.get("links")
        links = tuple(
            urljoin(base_url, link)
            for link in (raw_links if isinstance(raw_links, list) else [])
            if isinstance(link, str)
        )
        links = tuple(link for link in links if urlparse(link).scheme in ("http", "https"))
        if not links:
            continue
        sha256, checksum = _parse_checksum(entry)
        packs.append(
            AvailablePack(
                from_code=from_code,
                to_code=to_code,
                package_version=str(entry.get("package_version", "")),
                from_name=str(entry.get("from_name", "")),
                to_name=str(entry.get("to_name", "")),
                links=links,
                code=str(entry.get("code", "")),
                argos_version=str(entry.get("argos_version", "")),
                sha256=sha256,
                checksum=checksum,
                size=_parse_size(entry),
                metadata=dict(entry),
            )
        )
    return packs


def _network_message(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def fetch_index(url: str, client: httpx.Client | None = None) -> list[AvailablePack]:
    """Download and parse an argos package index (a local path or file:// URL also works)."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        local = Path(unquote(parsed.path) if parsed.scheme == "file" else url)
        try:
            data = json.loads(local.read_text(encoding="utf-8"))
        except OSError as exc:
            raise PackError(f"could not read the package index {local}: {exc.strerror}") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise PackError("the package index is not valid JSON") from exc
        return parse_index(data, local.resolve().parent.as_uri() + "/")
    if parsed.scheme not in ("http", "https"):
        raise PackError(f"unsupported package index address: {url}")
    import httpx

    http, owned = _client(client)
    try:
        with http.stream("GET", url) as response:
            if response.status_code != 200:
                raise PackError(
                    f"the package index could not be downloaded (HTTP {response.status_code})"
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > _MAX_INDEX_BYTES:
                    raise PackError("the package index is too large")
            final_url = str(response.url)
        try:
            data = json.loads(bytes(body).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            kind = "a web page" if body.lstrip()[:1] == b"<" else "something else"
            raise PackError(f"the package index is not valid JSON (got {kind})") from exc
        return parse_index(data, final_url)
    except httpx.HTTPError as exc:
        raise PackError(f"could not reach the package index: {_network_message(exc)}") from exc
    finally:
        if owned:
            http.close()


def chinese_english_packs(available: Iterable[AvailablePack]) -> list[AvailablePack]:
    """The newest zh→en and en→zh packs (simplified Chinese), zh→en first."""
    chosen: list[AvailablePack] = []
    for pair in (("zh", "en"), ("en", "zh")):
        matches = [p for p in available if (p.from_code, p.to_code) == pair]
        if matches:
            chosen.append(max(matches, key=lambda p: _version_key(p.package_version)))
    return chosen


def _download_one(
    http: httpx.Client,
    url: str,
    pack: AvailablePack,
    part: Path,
    progress: Progress | None,
    cancel: CancelToken | None,
) -> None:
    import hashlib

    with http.stream("GET", url) as response:
        if response.status_code != 200:
            raise PackError(f"the pack could not be downloaded (HTTP {response.status_code})")
        if "text/html" in response.headers.get("content-type", ""):
            raise PackError("the download address returned a web page, not a language pack")
        header = response.headers.get("content-length")
        total = int(header) if header and header.isdigit() else pack.size
        if pack.size is not None and header and header.isdigit() and int(header) != pack.size:
            raise PackError(
                f"the server's file size ({int(header):,} bytes) does not match the index "
                f"({pack.size:,} bytes)"
            )
        sha = hashlib.sha256()
        other = hashlib.new(pack.checksum[0]) if pack.checksum else None
        done = 0
        with open(part, "wb") as out:
            for chunk in response.iter_bytes(_CHUNK):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                out.write(chunk)
                sha.update(chunk)
                if other is not None:
                    other.update(chunk)
                done += len(chunk)
                if pack.size is not None and done > pack.size:
                    raise PackError("the download is larger than the index says: refused")
                if progress is not None:
                    progress(done, total)
        if cancel is not None:
            cancel.raise_if_cancelled()
    if pack.size is not None and done != pack.size:
        raise PackError(f"the download is incomplete ({done:,} of {pack.size:,} bytes); try again")
    if total is not None and header and done != total:
        raise PackError(f"the download is incomplete ({done:,} of {total:,} bytes); try again")
    if pack.sha256 is not None and sha.hexdigest() != pack.sha256:
        raise PackError("the download's checksum does not match the index: file refused")
    if other is not None and pack.checksum and other.hexdigest() != pack.checksum[1]:
        raise PackError("the download's checksum does not match the index: file refused")
    with open(part, "rb") as check:
        magic = check.read(4)
    if magic != b"PK\x03\x04":
        kind = "a web page" if magic[:1] == b"<" else "not a zip archive"
        raise PackError(f"the download is not a language pack ({kind})")


def download_pack(
    pack: AvailablePack,
    dest_dir: Path,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    client: httpx.Client | None = None,
) -> Path:
    """Stream ``pack`` into ``dest_dir``; returns the finished file.

    Each link is tried in turn. ``progress(done, total)`` is called per chunk (total is None
    when unknown). Raises :class:`Cancelled` when ``cancel`` is set, :class:`PackError`
    otherwise; either way no partial file is left behind.
    """
    import httpx

    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    final = dest_dir / pack.filename
    part = dest_dir / f".{pack.filename}.part"
    http, owned = _client(client)
    errors: list[str] = []
    try:
        for url in pack.links:
            try:
                _download_one(http, url, pack, part, progress, cancel)
            except PackError as exc:
                part.unlink(missing_ok=True)
                errors.append(exc.message)
                continue
            except httpx.HTTPError as exc:
                part.unlink(missing_ok=True)
                errors.append(f"could not download the pack: {_network_message(exc)}")
                continue
            except BaseException:  # cancelled, interrupted, disk full: leave nothing behind
                part.unlink(missing_ok=True)
                raise
            os.replace(part, final)
            return final
    finally:
        if owned:
            http.close()
    raise PackError(errors[-1] if errors else "the index lists no download address for this pack")


def download_and_install(
    pack: AvailablePack,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    client: httpx.Client | None = None,
    dest_dir: Path | None = None,
) -> InstalledPack:
    """Download ``pack`` to the cache, install it (checked against its pair), delete the file."""
    folder = Path(dest_dir) if dest_dir is not None else paths.cache_dir() / "downloads"
    archive = download_pack(pack, folder, progress=progress, cancel=cancel, client=client)
    try:
        if cancel is not None:
            cancel.raise_if_cancelled()
        return install_pack(archive, expect=(pack.from_code, pack.to_code))
    finally:
        archive.unlink(missing_ok=True)


__all__ = [
    "DEFAULT_INDEX_URL",
    "AvailablePack",
    "Cancelled",
    "InstalledPack",
    "PackError",
    "chinese_english_packs",
    "download_and_install",
    "download_pack",
    "fetch_index",
    "find_pack",
    "install_pack",
    "list_installed",
    "parse_index",
    "uninstall_pack",
    "up_to_date",
]
