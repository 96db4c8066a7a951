"""The index and downloads against hostile servers on 127.0.0.1: deadlines, caps, encodings,
redirects, offline. Nothing here reaches the internet (``.invalid`` never resolves)."""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from companion import packs, paths
from companion.engines.base import Cancelled, CancelToken
from companion.packs import PackError, download, index
from tests.fixture_pack import LocalServer, Route, entries, index_entry


def _index(server: LocalServer, items: list[Any], body: bytes | None = None) -> str:
    data = body if body is not None else json.dumps(items).encode()
    server.routes["/index.json"] = Route(data, 200, "application/json")
    return server.url("/index.json")


def _one(server: LocalServer, archive: Path, link: str, **extra: object) -> packs.AvailablePack:
    (pack,) = packs.fetch_index(_index(server, [index_entry(archive, "zh", "en", link, **extra)]))
    return pack


def _no_leftovers(folder: Path) -> None:
    assert [n for n in entries(folder) if n.endswith(".part")] == []


# --------------------------------------------------------------------------------------------
# Total deadlines: a server dripping bytes never trips a per-read timeout


def test_a_dripping_index_fails_at_the_deadline_with_a_clear_message() -> None:
    with LocalServer() as server:
        server.routes["/index.json"] = Route(b"[" + b" " * 10_000 + b"]", drip=0.2)
        with pytest.raises(PackError) as info:
            packs.fetch_index(server.url("/index.json"), deadline=1.0)
    assert "did not arrive within 1 s" in info.value.message
    assert "too slow" in info.value.message


def test_a_dripping_download_fails_at_the_deadline_and_leaves_nothing(
    zh_en_pack_file: Path, tmp_path: Path
) -> None:
    with LocalServer() as server:
        server.routes["/drip"] = Route(zh_en_pack_file.read_bytes(), drip=0.2)
        pack = _one(server, zh_en_pack_file, "/drip")
        with pytest.raises(PackError, match=r"did not arrive within 1\.5 s"):
            packs.download_pack(pack, tmp_path / "dl", deadline=1.5)
    _no_leftovers(tmp_path / "dl")


def test_cancel_stops_a_stalled_download_at_once(zh_en_pack_file: Path, tmp_path: Path) -> None:
    """No bytes arrive at all: Cancel must not wait for the 30 s read timeout."""
    cancel = CancelToken()
    with LocalServer() as server:
        server.routes["/stall"] = Route(b"PK" + b"\0" * 100, drip=60.0)
        pack = _one(server, zh_en_pack_file, "/stall")
        cancel.cancel()
        with pytest.raises(Cancelled):
            packs.download_pack(pack, tmp_path / "dl", cancel=cancel)
    _no_leftovers(tmp_path / "dl")


# --------------------------------------------------------------------------------------------
# Size caps count decoded bytes


def _gzip_route(body: bytes) -> Route:
    return Route(gzip.compress(body), headers={"Content-Encoding": "gzip"})


def test_a_gzip_encoded_pack_installs(zh_en_pack_file: Path) -> None:
    data = zh_en_pack_file.read_bytes()
    with LocalServer() as server:
        server.routes["/gz"] = _gzip_route(data)
        sized = _one(
            server, zh_en_pack_file, "/gz", size=len(data), sha256=hashlib.sha256(data).hexdigest()
        )
        assert packs.download_and_install(sized).pair == "zh-en"
        unsized = _one(server, zh_en_pack_file, "/gz")  # and with no size in the index
        assert packs.download_and_install(unsized).pair == "zh-en"


def test_a_gzip_bomb_stops_at_the_index_size(zh_en_pack_file: Path, tmp_path: Path) -> None:
    seen: list[int] = []
    with LocalServer() as server:
        server.routes["/bomb"] = _gzip_route(b"\0" * (50 * 1024**2))
        pack = _one(server, zh_en_pack_file, "/bomb", size=1024**2)
        with pytest.raises(PackError, match="larger than the index says"):
            packs.download_pack(pack, tmp_path / "dl", progress=lambda d, t: seen.append(d))
    assert max(seen) <= 1024**2  # never more than the cap on disk
    _no_leftovers(tmp_path / "dl")


def test_with_no_size_in_the_index_a_hard_ceiling_applies(
    zh_en_pack_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(download, "MAX_DOWNLOAD_BYTES", 2 * 1024**2)
    seen: list[int] = []
    with LocalServer() as server:
        server.routes["/bomb"] = _gzip_route(b"\0" * (50 * 1024**2))
        server.routes["/big"] = Route(b"\0" * (3 * 1024**2), send_length=False)
        server.routes["/announced"] = Route(b"\0" * (3 * 1024**2))
        for path in ("/bomb", "/big"):
            pack = _one(server, zh_en_pack_file, path)
            with pytest.raises(PackError, match="larger than any language pack"):
                packs.download_pack(pack, tmp_path / "dl", progress=lambda d, t: seen.append(d))
        pack = _one(server, zh_en_pack_file, "/announced")
        with pytest.raises(PackError, match="more than any language pack"):
            packs.download_pack(pack, tmp_path / "dl")
    assert max(seen) <= 2 * 1024**2
    _no_leftovers(tmp_path / "dl")


def test_an_honest_archive_that_unpacks_too_large_is_refused(
    zh_en_pack_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.packs import archive

    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 100_000)  # the fixture pack is ~500 KB
    with pytest.raises(PackError, match="unpacks to more than 0 MB, far more than any"):
        packs.install_pack(zh_en_pack_file)
    assert packs.list_installed() == []
    assert archive.MAX_UNPACKED_BYTES < 10**9


def test_the_real_caps_are_a_small_multiple_of_a_real_pack() -> None:
    """The largest argos zh/en pack is ~100 MB: the caps allow 5x that, not gigabytes."""
    from companion.packs import archive

    assert 300 * 1000**2 <= archive.MAX_UNPACKED_BYTES <= 1000**3
    assert download.MAX_DOWNLOAD_BYTES <= archive.MAX_UNPACKED_BYTES


# --------------------------------------------------------------------------------------------
# The index: encodings and bad replies


def test_an_index_with_a_utf8_bom_is_accepted(zh_en_pack_file: Path, tmp_path: Path) -> None:
    items = [index_entry(zh_en_pack_file, "zh", "en", "http://x/a.argosmodel")]
    body = b"\xef\xbb\xbf" + json.dumps(items).encode()
    with LocalServer() as server:
        assert len(packs.fetch_index(_index(server, [], body))) == 1
    local = tmp_path / "index.json"
    local.write_bytes(body)
    assert len(packs.fetch_index(str(local))) == 1


def test_deeply_nested_json_is_a_bad_reply_not_a_crash() -> None:
    with LocalServer() as server:
        for body in (b"[" * 200_000, b"[" * 5000 + b"]" * 5000):  # broken, and valid but deep
            with pytest.raises(PackError, match="not valid JSON"):
                packs.fetch_index(_index(server, [], body))


def test_a_gzip_encoded_index_is_read(zh_en_pack_file: Path) -> None:
    items = [index_entry(zh_en_pack_file, "zh", "en", "http://x/a.argosmodel")]
    with LocalServer() as server:
        server.routes["/index.json"] = _gzip_route(json.dumps(items).encode())
        assert len(packs.fetch_index(server.url("/index.json"))) == 1


# --------------------------------------------------------------------------------------------
# Redirects are followed a few times and reported as redirects


def _redirect(to: str, status: int = 302) -> Route:
    return Route(b"", status, "text/plain", headers={"Location": to})


def test_redirects_are_followed_and_reported(zh_en_pack_file: Path, tmp_path: Path) -> None:
    with LocalServer() as server:
        server.routes["/pack"] = Route(zh_en_pack_file.read_bytes())
        server.routes["/moved"] = _redirect("/pack", 301)
        pack = _one(server, zh_en_pack_file, "/moved")
        assert packs.download_pack(pack, tmp_path / "dl").is_file()
        server.routes["/to-nowhere"] = _redirect("/gone")
        pack = _one(server, zh_en_pack_file, "/to-nowhere")
        with pytest.raises(PackError) as info:
            packs.download_pack(pack, tmp_path / "dl")
        assert "HTTP 404 after a redirect to 127.0.0.1" in info.value.message
        server.routes["/loop"] = _redirect("/loop")
        pack = _one(server, zh_en_pack_file, "/loop")
        with pytest.raises(PackError, match="redirected more than 5 times"):
            packs.download_pack(pack, tmp_path / "dl")
        server.routes["/index-moved"] = _redirect("/login")
        server.routes["/login"] = Route(b"<html>sign in</html>", 200, "text/html")
        with pytest.raises(PackError) as info:
            packs.fetch_index(server.url("/index-moved"))
        assert "web page after a redirect to 127.0.0.1" in info.value.message
        server.routes["/ftp"] = _redirect("ftp://example.invalid/pack")
        pack = _one(server, zh_en_pack_file, "/ftp")
        with pytest.raises(PackError, match="not a web page"):
            packs.download_pack(pack, tmp_path / "dl")
    _no_leftovers(tmp_path / "dl")


# --------------------------------------------------------------------------------------------
# No connection


def test_offline_is_no_internet_connection(zh_en_pack_file: Path, tmp_path: Path) -> None:
    with pytest.raises(PackError) as info:
        packs.fetch_index("http://packs.invalid/index.json")
    assert info.value.kind == "offline"
    assert "there is no internet connection" in info.value.message
    assert "Errno" not in info.value.message and "Name or service" not in info.value.message
    with LocalServer() as server:
        pack = _one(server, zh_en_pack_file, "http://mirror.invalid/zh_en.argosmodel")
        with pytest.raises(PackError) as info:
            packs.download_pack(pack, tmp_path / "dl")
    assert info.value.kind == "offline"
    report = packs.download_packs("http://packs.invalid/index.json")
    assert isinstance(report.error, PackError) and report.error.kind == "offline"
    assert report.installed == [] and report.failed is None


def test_a_refused_connection_is_said_in_words() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(PackError) as info:
        packs.fetch_index(f"http://127.0.0.1:{port}/index.json")
    assert "refused the connection" in info.value.message
    assert "Errno" not in info.value.message


# --------------------------------------------------------------------------------------------
# The one download job the dialog and the CLI share


def test_download_packs_reports_each_pack_and_skips_up_to_date_ones(
    zh_en_pack_file: Path, en_zh_pack_file: Path
) -> None:
    steps: list[packs.DownloadProgress] = []
    with LocalServer() as server:
        server.routes["/zh_en"] = Route(zh_en_pack_file.read_bytes())
        server.routes["/en_zh"] = Route(b"gone", 404, "text/plain")
        url = _index(
            server,
            [
                index_entry(zh_en_pack_file, "zh", "en", "/zh_en"),
                index_entry(en_zh_pack_file, "en", "zh", "/en_zh"),
            ],
        )
        report = packs.download_packs(url, progress=steps.append)
        assert [p.pair for p in report.installed] == ["zh-en"]
        assert report.failed is not None and report.failed.pair == "en-zh"
        assert isinstance(report.error, PackError) and "HTTP 404" in report.error.message
        assert [s.stage for s in steps][:2] == ["index", "download"]
        assert "install" in [s.stage for s in steps]
        assert (1, 2) in {(s.number, s.count) for s in steps if s.pack is not None}
        again = packs.download_packs(url, pairs=[("zh", "en")])
        assert again.ok and again.installed == [] and [p.pair for p in again.current] == ["zh-en"]
        forced = packs.download_packs(url, pairs=[("zh", "en")], force=True)
        assert forced.ok and [p.pair for p in forced.installed] == ["zh-en"]
    assert server.requests.count("/zh_en") == 2
    assert entries(paths.cache_dir() / "downloads") == []


def test_download_packs_can_be_cancelled_between_packs(
    zh_en_pack_file: Path, en_zh_pack_file: Path
) -> None:
    cancel = CancelToken()

    def progress(step: packs.DownloadProgress) -> None:
        if step.stage == "install":
            cancel.cancel()  # the user presses Cancel while the first pack installs

    with LocalServer() as server:
        server.routes["/zh_en"] = Route(zh_en_pack_file.read_bytes())
        server.routes["/en_zh"] = Route(en_zh_pack_file.read_bytes())
        url = _index(
            server,
            [
                index_entry(zh_en_pack_file, "zh", "en", "/zh_en"),
                index_entry(en_zh_pack_file, "en", "zh", "/en_zh"),
            ],
        )
        report = packs.download_packs(url, progress=progress, cancel=cancel)
    assert isinstance(report.error, Cancelled)
    assert [p.pair for p in report.installed] == ["zh-en"]  # an install is not interrupted
    assert [p.pair for p in report.todo] == ["en-zh"]
    assert "/en_zh" not in server.requests


def test_the_index_deadline_default_is_bounded() -> None:
    assert 0 < index.INDEX_DEADLINE <= 120
    assert 0 < download.DOWNLOAD_DEADLINE <= 3600
