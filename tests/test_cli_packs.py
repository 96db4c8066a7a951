"""``python -m companion packs`` in a real subprocess (env from the isolated_user_dirs fixture)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from companion import paths
from tests.fixture_pack import LocalServer, Route, index_entry

REPO = Path(__file__).resolve().parent.parent


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("COMPANION_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "companion", "packs", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("companion packs: ")
    return lines[0]


def test_list_when_empty() -> None:
    result = _cli("list")
    assert result.returncode == 0
    assert "No language pack installed" in result.stdout
    result = _cli("list", "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_install_list_remove(zh_en_pack_file: Path) -> None:
    result = _cli("install", str(zh_en_pack_file), "--json")
    assert result.returncode == 0, result.stderr
    installed = json.loads(result.stdout)
    assert (installed["from_code"], installed["to_code"]) == ("zh", "en")
    assert Path(installed["path"]).parent == paths.argos_packages_dir()

    listing = json.loads(_cli("list", "--json").stdout)
    assert [(p["from_code"], p["to_code"], p["package_version"]) for p in listing] == [
        ("zh", "en", "1.9")
    ]
    text = _cli("list").stdout
    assert "zh-en" in text and "Chinese → English" in text

    removed = _cli("remove", "zh-en")
    assert removed.returncode == 0 and "Removed" in removed.stdout
    assert json.loads(_cli("list", "--json").stdout) == []
    assert "no zh-en pack is installed" in _one_line_error(_cli("remove", "zh-en"))


def test_install_errors_are_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.argosmodel"
    junk.write_bytes(b"\x00\x01 not a zip")
    assert "not a language pack" in _one_line_error(_cli("install", str(junk)))
    assert "no such file" in _one_line_error(_cli("install", str(tmp_path / "missing.argosmodel")))
    assert list(paths.argos_packages_dir().iterdir()) == []


def test_download_from_index(zh_en_pack_file: Path, en_zh_pack_file: Path) -> None:
    with LocalServer() as server:
        server.routes["/zh_en.argosmodel"] = Route(zh_en_pack_file.read_bytes())
        server.routes["/en_zh.argosmodel"] = Route(en_zh_pack_file.read_bytes())
        entries = [
            index_entry(zh_en_pack_file, "zh", "en", "zh_en.argosmodel"),
            index_entry(en_zh_pack_file, "en", "zh", "en_zh.argosmodel"),
        ]
        server.routes["/index.json"] = Route(json.dumps(entries).encode(), 200, "application/json")
        url = server.url("/index.json")
        one = _cli("download", "--index", url, "--pair", "zh-en", "--json")
        assert one.returncode == 0, one.stderr
        assert [(p["from_code"], p["to_code"]) for p in json.loads(one.stdout)] == [("zh", "en")]
        assert "Downloading zh→en" in one.stderr
        both = _cli("download", "--index", url)
        assert both.returncode == 0, both.stderr
    assert both.stdout.count("Installed") == 2
    listing = json.loads(_cli("list", "--json").stdout)
    assert sorted((p["from_code"], p["to_code"]) for p in listing) == [("en", "zh"), ("zh", "en")]


def test_download_errors_are_one_line(zh_en_pack_file: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = _one_line_error(_cli("download", "--index", f"http://127.0.0.1:{port}/index.json"))
    assert "could not reach the package index" in dead
    with LocalServer() as server:
        entries = [index_entry(zh_en_pack_file, "zh", "en", "/gone.argosmodel")]
        server.routes["/index.json"] = Route(json.dumps(entries).encode(), 200, "application/json")
        gone = _one_line_error(_cli("download", "--index", server.url("/index.json")))
        assert "lists no en-zh pack" in gone
        gone = _one_line_error(
            _cli("download", "--index", server.url("/index.json"), "--pair", "zh-en")
        )
        assert "HTTP 404" in gone
    assert list(paths.argos_packages_dir().iterdir()) == []
