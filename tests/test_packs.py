"""Language packs: install/list/remove real fixture packs, refuse hostile archives, download."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import stat
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from companion import packs, paths
from companion.engines.base import Cancelled, CancelToken
from companion.packs import PackError
from tests.fixture_pack import LocalServer, Route, entries, index_entry


def _snapshot(root: Path) -> list[tuple[str, int]]:
    """Every path under ``root`` (hidden ones too) with its size, to prove nothing changed."""
    return sorted(
        (str(p.relative_to(root)), p.stat().st_size if p.is_file() else -1) for p in root.rglob("*")
    )


def _entries(archive: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(archive) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def _write(dest: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return dest


def _rewrap(
    source: Path, dest: Path, change: Callable[[str, bytes], tuple[str, bytes] | None]
) -> Path:
    """Copy ``source`` entry by entry; ``change`` renames/rewrites or drops (None) each one."""
    out: list[tuple[zipfile.ZipInfo | str, bytes]] = []
    for info, data in _entries(source):
        result = change(info.filename, data)
        if result is None:
            continue
        name, new_data = result
        if name.endswith("/"):
            out.append((zipfile.ZipInfo(name), b""))
        else:
            out.append((name, new_data))
    return _write(dest, out)


def test_install_lists_and_finds_the_pack(zh_en_pack_file: Path) -> None:
    pack = packs.install_pack(zh_en_pack_file)
    assert (pack.from_code, pack.to_code) == ("zh", "en")
    assert (pack.from_name, pack.to_name, pack.package_version) == ("Chinese", "English", "1.9")
    assert pack.path.parent == paths.argos_packages_dir()
    assert (pack.path / "model" / "model.bin").is_file()
    assert (pack.path / "sentencepiece.model").is_file()
    assert pack.size_bytes > 100_000
    assert packs.list_installed() == [pack]
    assert packs.find_pack("zh", "en") == pack
    assert packs.find_pack("en", "zh") is None
    # nothing hidden left behind by the install
    assert entries(paths.argos_packages_dir()) == [pack.path.name]


def test_argos_itself_reads_the_installed_pack(installed_packs: list[Path]) -> None:
    from argostranslate.package import Package

    for path in installed_packs:
        pkg = Package(path)
        assert {pkg.from_code, pkg.to_code} == {"zh", "en"}
        assert pkg.tokenizer is not None


def test_installed_packs_fixture_gives_both_directions(installed_packs: list[Path]) -> None:
    pairs = {(p.from_code, p.to_code) for p in packs.list_installed()}
    assert pairs == {("zh", "en"), ("en", "zh")}


def test_reinstall_replaces_the_same_pair(zh_en_pack_file: Path, tmp_path: Path) -> None:
    first = packs.install_pack(zh_en_pack_file)
    again = packs.install_pack(zh_en_pack_file)
    assert again.path == first.path
    assert len(packs.list_installed()) == 1

    def newer(name: str, data: bytes) -> tuple[str, bytes]:
        name = name.replace("translate-zh_en-1_9", "translate-zh_en-2_0")
        if name.endswith("metadata.json"):
            meta = json.loads(data)
            meta["package_version"] = "2.0"
            data = json.dumps(meta).encode()
        return name, data

    upgraded = packs.install_pack(_rewrap(zh_en_pack_file, tmp_path / "v2.argosmodel", newer))
    installed = packs.list_installed()
    assert installed == [upgraded]
    assert upgraded.package_version == "2.0"
    assert not first.path.exists()


def test_uninstall_removes_the_folder(installed_packs: list[Path]) -> None:
    pack = packs.find_pack("zh", "en")
    assert pack is not None
    packs.uninstall_pack(pack)
    assert packs.find_pack("zh", "en") is None
    assert not pack.path.exists()
    assert entries(paths.argos_packages_dir()) == [
        Path(p).name for p in installed_packs if "en_zh" in str(p)
    ]
    with pytest.raises(PackError):
        packs.uninstall_pack(pack)


def test_list_skips_broken_folders_and_find_takes_highest_version(
    zh_en_pack_file: Path,
) -> None:
    root = paths.argos_packages_dir()
    good = packs.install_pack(zh_en_pack_file)
    (root / "no-metadata").mkdir()
    (root / "bad-json").mkdir()
    (root / "bad-json" / "metadata.json").write_text("{not json", encoding="utf-8")
    (root / "no-model").mkdir()
    (root / "no-model" / "metadata.json").write_text(
        json.dumps({"from_code": "zh", "to_code": "en"}), encoding="utf-8"
    )
    (root / "stray-file.txt").write_text("hello", encoding="utf-8")
    older = root / "translate-zh_en-1_0"
    shutil.copytree(good.path, older)
    meta = json.loads((older / "metadata.json").read_text(encoding="utf-8"))
    meta["package_version"] = "1.10"  # 1.10 is newer than 1.9
    (older / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")

    listed = packs.list_installed()
    assert sorted(p.path.name for p in listed) == sorted([good.path.name, older.name])
    best = packs.find_pack("zh", "en")
    assert best is not None and best.package_version == "1.10"


# --------------------------------------------------------------------------------------------
# Hostile and broken archives: each is refused with a plain message and changes nothing.


def _symlink_entry(source: Path, dest: Path) -> Path:
    entries: list[tuple[zipfile.ZipInfo | str, bytes]] = [
        (info, data) for info, data in _entries(source)
    ]
    link = zipfile.ZipInfo("translate-zh_en-1_9/evil-link")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    entries.append((link, b"/etc/passwd"))
    return _write(dest, entries)


def _extra_entry(name: str) -> Callable[[Path, Path], Path]:
    def build(source: Path, dest: Path) -> Path:
        entries: list[tuple[zipfile.ZipInfo | str, bytes]] = [
            (info, data) for info, data in _entries(source)
        ]
        entries.append((name, b"owned"))
        return _write(dest, entries)

    return build


def _drop(suffix: str) -> Callable[[Path, Path], Path]:
    return lambda source, dest: _rewrap(
        source, dest, lambda n, d: None if n.endswith(suffix) else (n, d)
    )


def _metadata(new: bytes) -> Callable[[Path, Path], Path]:
    return lambda source, dest: _rewrap(
        source, dest, lambda n, d: (n, new) if n.endswith("metadata.json") else (n, d)
    )


def _flatten(source: Path, dest: Path) -> Path:
    return _rewrap(source, dest, lambda n, d: None if n.endswith("/") else (n.split("/", 1)[1], d))


def _two_folders(source: Path, dest: Path) -> Path:
    entries: list[tuple[zipfile.ZipInfo | str, bytes]] = [
        (info, data) for info, data in _entries(source)
    ]
    entries.append(("other-pack/metadata.json", b"{}"))
    return _write(dest, entries)


def _truncated(source: Path, dest: Path) -> Path:
    data = source.read_bytes()
    dest.write_bytes(data[: len(data) // 2])
    return dest


def _corrupt_data(source: Path, dest: Path) -> Path:
    """Stored (uncompressed) entries with one flipped byte in model.bin: CRC fails mid-way."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info), compress_type=zipfile.ZIP_STORED)
    raw = bytearray(dest.read_bytes())
    with zipfile.ZipFile(dest) as zf:
        info = zf.getinfo("translate-zh_en-1_9/model/model.bin")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.file_size // 2] ^= 0xFF
    dest.write_bytes(bytes(raw))
    return dest


def _raw(data: bytes) -> Callable[[Path, Path], Path]:
    def build(source: Path, dest: Path) -> Path:
        dest.write_bytes(data)
        return dest

    return build


def _replace(suffix: str, data: Callable[[bytes], bytes]) -> Callable[[Path, Path], Path]:
    """The pack with the entry ending in ``suffix`` rewritten by ``data(old)``."""
    return lambda source, dest: _rewrap(
        source, dest, lambda n, d: (n, data(d)) if n.endswith(suffix) else (n, d)
    )


def _pair_metadata(from_code: str, to_code: str) -> Callable[[Path, Path], Path]:
    def change(data: bytes) -> bytes:
        meta = json.loads(data)
        meta.update(from_code=from_code, to_code=to_code)
        return json.dumps(meta).encode()

    return _replace("metadata.json", change)


def _duplicate_entry(source: Path, dest: Path) -> Path:
    entries: list[tuple[zipfile.ZipInfo | str, bytes]] = [
        (info, data) for info, data in _entries(source)
    ]
    entries.append(("translate-zh_en-1_9/README.md", b"a second README"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name we want
        return _write(dest, entries)


# model.bin with a valid CTranslate2 version header and garbage after it: only loading tells.
_GARBAGE_AFTER_HEADER = (6).to_bytes(4, "little") + os.urandom(20_000)

HOSTILE: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "garbage model.bin": (
        _replace("model.bin", lambda d: os.urandom(len(d))),
        "model file (model/model.bin) is damaged",
    ),
    "garbage model.bin with a valid header": (
        _replace("model.bin", lambda d: _GARBAGE_AFTER_HEADER),
        "model file (model/model.bin) is damaged",
    ),
    "empty model.bin": (_replace("model.bin", lambda d: b""), "model/model.bin) is damaged"),
    "bad sentencepiece model": (
        _replace("sentencepiece.model", lambda d: b"\x0a" + os.urandom(500)),
        "tokenizer (sentencepiece.model) is damaged",
    ),
    "broken config": (_replace("config.json", lambda d: b"{oops"), "model/config.json"),
    "config of the wrong types": (
        _replace("config.json", lambda d: b'{"unk_token": null, "bos_token": 3}'),
        "model/config.json) are damaged",
    ),
    "missing vocabulary": (_drop("shared_vocabulary.json"), "vocabulary is missing"),
    "foreign pair en-de": (_pair_metadata("en", "de"), "English→de: Companion uses only"),
    "foreign pair zh-zh": (_pair_metadata("zh", "zh"), "Chinese→Chinese: Companion uses only"),
    "duplicated entry": (_duplicate_entry, "lists translate-zh_en-1_9/README.md twice"),
    "deeply nested metadata": (_metadata(b"[" * 200_000), "not valid JSON"),
    "text file": (_raw(b"just some text, not a zip"), "not a zip"),
    "empty file": (_raw(b""), "not a zip"),
    "binary junk": (_raw(os.urandom(4096)), "not a zip"),
    "truncated download": (_truncated, "not a zip"),
    "corrupted data": (_corrupt_data, "damaged"),
    "zip-slip ../": (_extra_entry("../evil.txt"), "leaving its folder"),
    "zip-slip nested": (_extra_entry("translate-zh_en-1_9/../../evil.txt"), "leaving"),
    "backslash traversal": (_extra_entry("translate-zh_en-1_9\\..\\..\\evil.txt"), "leaving"),
    "absolute path": (_extra_entry("/tmp/companion-evil.txt"), "absolute"),
    "windows drive": (_extra_entry("C:/evil.txt"), "absolute"),
    "symlink": (_symlink_entry, "symbolic link"),
    "no metadata": (_drop("metadata.json"), "metadata.json missing"),
    "no model": (_drop("model/model.bin"), "model/model.bin missing"),
    "no tokenizer": (_drop("sentencepiece.model"), "sentencepiece.model or bpe.model missing"),
    "metadata not json": (_metadata(b"{oops"), "not valid JSON"),
    "metadata a list": (_metadata(b"[1, 2]"), "not a JSON object"),
    "metadata no codes": (_metadata(b'{"package_version": "1.0"}'), "from_code"),
    "metadata bad code": (_metadata(b'{"from_code": "../x", "to_code": "en"}'), "from_code"),
    "files at the root": (_flatten, "outside a pack folder"),
    "two folders": (_two_folders, "exactly one pack folder"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_archive_is_refused_and_changes_nothing(
    case: str, zh_en_pack_file: Path, en_zh_pack_file: Path, tmp_path: Path
) -> None:
    packs.install_pack(en_zh_pack_file)  # an installed pack that must survive untouched
    root = paths.argos_packages_dir()
    before = _snapshot(root)
    build, expected = HOSTILE[case]
    archive = build(zh_en_pack_file, tmp_path / "hostile.argosmodel")
    with pytest.raises(PackError) as info:
        packs.install_pack(archive)
    assert expected in info.value.message
    assert "\n" not in info.value.message
    for raw in ("json.exception", "Errno", "pybind11", "ModelProto", "File exists"):
        assert raw not in info.value.message
    assert _snapshot(root) == before
    assert not (root.parent / "evil.txt").exists()
    assert not (tmp_path / "evil.txt").exists()
    assert not Path("/tmp/companion-evil.txt").exists()


def test_damaged_replacement_keeps_the_installed_pack(
    zh_en_pack_file: Path, tmp_path: Path
) -> None:
    good = packs.install_pack(zh_en_pack_file)
    before = _snapshot(paths.argos_packages_dir())
    with pytest.raises(PackError):
        packs.install_pack(_corrupt_data(zh_en_pack_file, tmp_path / "bad.argosmodel"))
    assert _snapshot(paths.argos_packages_dir()) == before
    assert packs.find_pack("zh", "en") == good


def test_wrong_pair_is_refused_when_expected(zh_en_pack_file: Path) -> None:
    root = paths.argos_packages_dir()
    with pytest.raises(PackError, match="expected en→zh"):
        packs.install_pack(zh_en_pack_file, expect=("en", "zh"))
    assert entries(root) == []


def test_missing_file_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="no such file"):
        packs.install_pack(tmp_path / "nope.argosmodel")


# --------------------------------------------------------------------------------------------
# The index and downloads, against a real HTTP server on 127.0.0.1


def _serve_index(server: LocalServer, entries: list[Any]) -> str:
    server.routes["/index.json"] = Route(json.dumps(entries).encode(), 200, "application/json")
    return server.url("/index.json")


def _pack_route(server: LocalServer, archive: Path, path: str = "/zh_en.argosmodel") -> str:
    server.routes[path] = Route(archive.read_bytes())
    return path


def test_fetch_index_parses_argos_format(zh_en_pack_file: Path, en_zh_pack_file: Path) -> None:
    with LocalServer() as server:
        entries = [
            index_entry(zh_en_pack_file, "zh", "en", "zh_en.argosmodel"),  # relative link
            index_entry(zh_en_pack_file, "zh", "en", "old.argosmodel", package_version="1.0"),
            index_entry(
                en_zh_pack_file,
                "en",
                "zh",
                server.url("/en_zh.argosmodel"),
                sha256="ab" * 32,
                size=1234,
            ),
            index_entry(en_zh_pack_file, "zt", "en", "zt.argosmodel"),
            index_entry(en_zh_pack_file, "de", "en", "ipfs://Qm123"),  # no usable link
            {"type": "sbd", "from_code": "zh", "links": ["x"]},
            "garbage",
        ]
        available = packs.fetch_index(_serve_index(server, entries))
    assert [(p.from_code, p.to_code, p.package_version) for p in available] == [
        ("zh", "en", "1.9"),
        ("zh", "en", "1.0"),
        ("en", "zh", "1.9"),
        ("zt", "en", "1.9"),
    ]
    assert available[0].links == (server.url("/zh_en.argosmodel"),)
    assert available[2].sha256 == "ab" * 32 and available[2].size == 1234
    chosen = packs.chinese_english_packs(available)
    assert [(p.from_code, p.to_code, p.package_version) for p in chosen] == [
        ("zh", "en", "1.9"),
        ("en", "zh", "1.9"),
    ]


def test_fetch_index_errors_are_plain() -> None:
    with LocalServer() as server:
        with pytest.raises(PackError, match="HTTP 404"):
            packs.fetch_index(server.url("/missing.json"))
        server.routes["/page"] = Route(b"<html><body>Login</body></html>", 200, "text/html")
        with pytest.raises(PackError, match="not valid JSON"):
            packs.fetch_index(server.url("/page"))
        server.routes["/obj"] = Route(b'{"a": 1}', 200, "application/json")
        with pytest.raises(PackError, match="not a list"):
            packs.fetch_index(server.url("/obj"))
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(PackError, match="could not reach"):
        packs.fetch_index(f"http://127.0.0.1:{port}/index.json")


def test_download_and_install_with_checksum_and_progress(zh_en_pack_file: Path) -> None:
    data = zh_en_pack_file.read_bytes()
    seen: list[tuple[int, int | None]] = []
    with LocalServer() as server:
        path = _pack_route(server, zh_en_pack_file)
        url = _serve_index(
            server,
            [
                index_entry(
                    zh_en_pack_file,
                    "zh",
                    "en",
                    path,
                    sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data),
                )
            ],
        )
        (pack,) = packs.chinese_english_packs(packs.fetch_index(url))
        installed = packs.download_and_install(pack, progress=lambda d, t: seen.append((d, t)))
    assert (installed.from_code, installed.to_code) == ("zh", "en")
    assert packs.find_pack("zh", "en") == installed
    assert seen[-1] == (len(data), len(data))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert entries(paths.cache_dir() / "downloads") == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"sha256": "0" * 64}, "checksum does not match"),
        ({"checksum": "md5:" + "0" * 32}, "checksum does not match"),
        ({"size": 999}, "does not match the index"),
    ],
)
def test_download_mismatch_is_refused(
    extra: dict, message: str, zh_en_pack_file: Path, tmp_path: Path
) -> None:
    with LocalServer() as server:
        path = _pack_route(server, zh_en_pack_file)
        url = _serve_index(server, [index_entry(zh_en_pack_file, "zh", "en", path, **extra)])
        (pack,) = packs.fetch_index(url)
        with pytest.raises(PackError, match=message):
            packs.download_and_install(pack, dest_dir=tmp_path / "dl")
    assert entries(tmp_path / "dl") == []
    assert entries(paths.argos_packages_dir()) == []


def test_download_short_body_is_incomplete(zh_en_pack_file: Path, tmp_path: Path) -> None:
    dl = tmp_path / "dl"
    data = zh_en_pack_file.read_bytes()
    with LocalServer() as server:
        server.routes["/short"] = Route(data[:1000], content_length=len(data))
        url = _serve_index(server, [index_entry(zh_en_pack_file, "zh", "en", "/short")])
        (pack,) = packs.fetch_index(url)
        with pytest.raises(PackError):
            packs.download_pack(pack, dl)
    assert entries(dl) == []


def test_download_404_html_and_fallback_link(zh_en_pack_file: Path, tmp_path: Path) -> None:
    dl = tmp_path / "dl"
    with LocalServer() as server:
        url = _serve_index(server, [index_entry(zh_en_pack_file, "zh", "en", "/gone")])
        (pack,) = packs.fetch_index(url)
        with pytest.raises(PackError, match="HTTP 404"):
            packs.download_pack(pack, dl)
        server.routes["/page"] = Route(b"<html>captive portal</html>", 200, "text/html")
        url = _serve_index(server, [index_entry(zh_en_pack_file, "zh", "en", "/page")])
        (pack,) = packs.fetch_index(url)
        with pytest.raises(PackError, match="web page"):
            packs.download_pack(pack, dl)
        server.routes["/junk"] = Route(b"not a zip at all" * 10)
        url = _serve_index(server, [index_entry(zh_en_pack_file, "zh", "en", "/junk")])
        (pack,) = packs.fetch_index(url)
        with pytest.raises(PackError, match="not a language pack"):
            packs.download_pack(pack, dl)
        assert entries(dl) == []
        # the first link is dead, the second works
        good = _pack_route(server, zh_en_pack_file)
        entry = index_entry(zh_en_pack_file, "zh", "en", "/gone")
        entry["links"] = ["/gone", good]
        (pack,) = packs.fetch_index(_serve_index(server, [entry]))
        done = packs.download_pack(pack, dl)
    assert done.read_bytes() == zh_en_pack_file.read_bytes()
    assert entries(dl) == [done.name]


def test_cancel_mid_download_leaves_nothing(zh_en_pack_file: Path, tmp_path: Path) -> None:
    dl = tmp_path / "dl"
    cancel = CancelToken()
    calls: list[int] = []

    def progress(done: int, total: int | None) -> None:
        calls.append(done)
        cancel.cancel()  # the user presses Cancel after the first chunk

    big = zh_en_pack_file.read_bytes() * 3  # several chunks
    with LocalServer() as server:
        server.routes["/big"] = Route(big)
        url = _serve_index(server, [index_entry(zh_en_pack_file, "zh", "en", "/big")])
        (pack,) = packs.fetch_index(url)
        with pytest.raises(Cancelled):
            packs.download_and_install(pack, progress=progress, cancel=cancel, dest_dir=dl)
    assert len(calls) == 1
    assert entries(dl) == []
    assert entries(paths.argos_packages_dir()) == []


def test_downloaded_file_with_wrong_pair_is_refused(zh_en_pack_file: Path, tmp_path: Path) -> None:
    dl = tmp_path / "dl"
    with LocalServer() as server:
        path = _pack_route(server, zh_en_pack_file)
        url = _serve_index(server, [index_entry(zh_en_pack_file, "en", "zh", path)])
        (pack,) = packs.fetch_index(url)
        with pytest.raises(PackError, match="expected en→zh"):
            packs.download_and_install(pack, dest_dir=dl)
    assert entries(dl) == []
    assert entries(paths.argos_packages_dir()) == []


def test_local_index_file_works(zh_en_pack_file: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.json"
    index.write_text(json.dumps([index_entry(zh_en_pack_file, "zh", "en", "http://x/a")]))
    (pack,) = packs.fetch_index(str(index))
    assert pack.links == ("http://x/a",)
    with pytest.raises(PackError, match="could not read"):
        packs.fetch_index(str(tmp_path / "missing.json"))


def test_finding_a_pack_imports_neither_the_downloader_nor_sockets() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from companion.packs import find_pack, list_installed\n"
        "print(sorted(m for m in ('socket', 'companion.packs.download', 'companion.packs.index',"
        " 'companion.packs.archive') if m in sys.modules))\n"
        "import companion.packs as packs\n"
        "print(packs.install_pack.__module__, packs.PackError.__module__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "companion.packs.archive companion.packs.errors"


def test_an_unknown_name_of_the_packs_package_is_an_attribute_error() -> None:
    import companion.packs as packs

    with pytest.raises(AttributeError):
        packs.no_such_name  # noqa: B018
    assert {"find_pack", "install_pack", "download_packs"} <= set(dir(packs))
