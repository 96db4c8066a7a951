"""The argos package index (``index.json``): what can be downloaded, read within a deadline."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.packs.errors import PackError, os_error_words
from companion.packs.installed import InstalledPack, find_pack, parse_json, version_key
from companion.packs.net import Deadline, bounded_get, make_client, redirect_note, stream_failure
from companion.settings import DEFAULT_INDEX_URL  # the settings key package_index_url overrides it

if TYPE_CHECKING:
    import httpx

    from companion.engines.base import CancelToken

INDEX_DEADLINE = 60.0  # the real index is ~100 KB
MAX_INDEX_BYTES = 20 * 1024**2
_INDEX = "the package index"


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
        from companion.packs.archive import safe_name

        base = self.code or f"translate-{self.from_code}_{self.to_code}"
        version = self.package_version.replace(".", "_")
        return safe_name(f"{base}-{version}.argosmodel" if version else f"{base}.argosmodel")

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"


def up_to_date(pack: AvailablePack) -> InstalledPack | None:
    """The installed pack of ``pack``'s pair when it is at ``pack``'s version or newer."""
    have = find_pack(pack.from_code, pack.to_code)
    if have is None:
        return None
    newer_or_same = version_key(have.package_version) >= version_key(pack.package_version)
    return have if newer_or_same else None


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


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key, "")
    return value[:100] if isinstance(value, str) else ""


def parse_index(data: object, base_url: str = "") -> list[AvailablePack]:
    """Index entries that name a translation pair and at least one http(s) link."""
    from urllib.parse import urljoin, urlparse

    if not isinstance(data, list):
        raise PackError("the package index is not a list of packs", "damaged")
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
                package_version=_text(entry, "package_version"),
                from_name=_text(entry, "from_name"),
                to_name=_text(entry, "to_name"),
                links=links,
                code=_text(entry, "code"),
                argos_version=_text(entry, "argos_version"),
                sha256=sha256,
                checksum=checksum,
                size=_parse_size(entry),
                metadata=dict(entry),
            )
        )
    return packs


def _decode_index(body: bytes, where: str = "") -> object:
    try:
        return parse_json(body, _INDEX)
    except PackError as exc:
        kind = "a web page" if body.lstrip()[:1] == b"<" else "something else"
        raise PackError(
            f"the package index is not valid JSON (got {kind}{where})", "damaged"
        ) from exc


def fetch_index(
    url: str,
    client: httpx.Client | None = None,
    deadline: float = INDEX_DEADLINE,
    cancel: CancelToken | None = None,
) -> list[AvailablePack]:
    """Download and parse an argos package index (a local path or file:// URL also works).

    The whole read (connect, redirects, body) finishes within ``deadline`` seconds or fails.
    """
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        local = Path(unquote(parsed.path) if parsed.scheme == "file" else url)
        try:
            body = local.read_bytes()
        except OSError as exc:
            raise PackError(
                f"could not read the package index {local}: {os_error_words(exc)}", "disk"
            ) from exc
        return parse_index(_decode_index(body), local.resolve().parent.as_uri() + "/")
    if parsed.scheme not in ("http", "https"):
        raise PackError(f"unsupported package index address: {url}", "refused")
    import httpx

    http = client or make_client()
    limit = Deadline(deadline)
    try:
        with bounded_get(http, url, _INDEX, limit, cancel) as (response, watchdog):
            moved = redirect_note(url, response)
            if response.status_code != 200:
                raise PackError(
                    "the package index could not be downloaded "
                    f"(HTTP {response.status_code}{moved})",
                    "network",
                )
            received = bytearray()
            try:
                for chunk in response.iter_bytes():  # decoded: a gzip bomb counts in full
                    received += chunk
                    if len(received) > MAX_INDEX_BYTES:
                        raise PackError("the package index is too large", "refused")
            except httpx.HTTPError as exc:
                raise stream_failure(exc, url, _INDEX, limit, watchdog, cancel) from exc
            if watchdog.fired:
                raise stream_failure(RuntimeError(), url, _INDEX, limit, watchdog, cancel)
            final_url = str(response.url)
        return parse_index(_decode_index(bytes(received), moved), final_url)
    finally:
        if client is None:
            http.close()


def chinese_english_packs(available: Iterable[AvailablePack]) -> list[AvailablePack]:
    """The newest zh→en and en→zh packs (simplified Chinese), zh→en first."""
    chosen: list[AvailablePack] = []
    for pair in (("zh", "en"), ("en", "zh")):
        matches = [p for p in available if (p.from_code, p.to_code) == pair]
        if matches:
            chosen.append(max(matches, key=lambda p: version_key(p.package_version)))
    return chosen


__all__ = [
    "DEFAULT_INDEX_URL",
    "AvailablePack",
    "chinese_english_packs",
    "fetch_index",
    "parse_index",
    "up_to_date",
]
