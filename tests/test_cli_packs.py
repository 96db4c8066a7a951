"""``python -m companion packs`` in a real subprocess (env from the isolated_user_dirs fixture)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

from companion import paths
from tests.fixture_pack import LocalServer, Route, entries, index_entry

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
    (one,) = json.loads(result.stdout)
    assert one["error"] is None and one["file"] == str(zh_en_pack_file)
    installed = one["installed"]
    assert (installed["from_code"], installed["to_code"], installed["status"]) == (
        "zh",
        "en",
        "ok",
    )
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
    assert entries(paths.argos_packages_dir()) == []


def test_download_from_index(zh_en_pack_file: Path, en_zh_pack_file: Path) -> None:
    with LocalServer() as server:
        server.routes["/zh_en.argosmodel"] = Route(zh_en_pack_file.read_bytes())
        server.routes["/en_zh.argosmodel"] = Route(en_zh_pack_file.read_bytes())
        index = [
            index_entry(zh_en_pack_file, "zh", "en", "zh_en.argosmodel"),
            index_entry(en_zh_pack_file, "en", "zh", "en_zh.argosmodel"),
        ]
        server.routes["/index.json"] = Route(json.dumps(index).encode(), 200, "application/json")
        url = server.url("/index.json")
        one = _cli("download", "--index", url, "--pair", "zh-en", "--json")
        assert one.returncode == 0, one.stderr
        report = json.loads(one.stdout)
        assert [(p["from_code"], p["to_code"]) for p in report["installed"]] == [("zh", "en")]
        assert report["error"] is None and report["up_to_date"] == []
        assert "Downloading zh→en" in one.stderr and "Installing zh→en" in one.stderr
        both = _cli("download", "--index", url)
        assert both.returncode == 0, both.stderr
        assert server.requests.count("/zh_en.argosmodel") == 1  # up to date: not again
        again = _cli("download", "--index", url, "--pair", "zh-en", "--force")
        assert again.returncode == 0, again.stderr
        assert server.requests.count("/zh_en.argosmodel") == 2
    assert both.stdout.count("Installed") == 1 and both.stdout.count("Up to date") == 1
    listing = json.loads(_cli("list", "--json").stdout)
    assert sorted((p["from_code"], p["to_code"]) for p in listing) == [("en", "zh"), ("zh", "en")]


def test_download_errors_are_one_line(zh_en_pack_file: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = _one_line_error(_cli("download", "--index", f"http://127.0.0.1:{port}/index.json"))
    assert "could not reach the package index" in dead
    with LocalServer() as server:
        index = [index_entry(zh_en_pack_file, "zh", "en", "/gone.argosmodel")]
        server.routes["/index.json"] = Route(json.dumps(index).encode(), 200, "application/json")
        gone = _one_line_error(_cli("download", "--index", server.url("/index.json")))
        assert "lists no English→Chinese pack" in gone
        gone = _one_line_error(
            _cli("download", "--index", server.url("/index.json"), "--pair", "zh-en")
        )
        assert "HTTP 404" in gone
    assert entries(paths.argos_packages_dir()) == []


def test_install_several_files_reports_each(
    zh_en_pack_file: Path, en_zh_pack_file: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.argosmodel"
    junk.write_bytes(b"not a zip")
    result = _cli("install", str(zh_en_pack_file), str(junk), str(en_zh_pack_file))
    assert result.returncode == 1
    assert result.stdout.count("Installed") == 2
    assert "junk.argosmodel is not a language pack" in result.stderr
    assert "2 of 3 files installed" in result.stderr
    assert "Traceback" not in result.stderr
    as_json = json.loads(_cli("install", str(junk), str(zh_en_pack_file), "--json").stdout)
    assert [bool(r["error"]) for r in as_json] == [True, False]
    pairs = sorted(p["pair"] for p in json.loads(_cli("list", "--json").stdout))
    assert pairs == ["en-zh", "zh-en"]


def test_a_folder_given_as_file_says_it_is_a_folder(tmp_path: Path) -> None:
    assert "is a folder" in _one_line_error(_cli("install", str(tmp_path)))


def test_pack_metadata_cannot_drive_the_terminal(zh_en_pack_file: Path, tmp_path: Path) -> None:
    """A from_name with escape sequences (clear screen, move the cursor) is printed inert."""
    hostile = tmp_path / "hostile.argosmodel"
    with zipfile.ZipFile(zh_en_pack_file) as src, zipfile.ZipFile(hostile, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("metadata.json"):
                meta = json.loads(data)
                meta["from_name"] = "Chinese\x1b[2J\x1b[1;1HPWNED\x07"
                meta["package_version"] = "1.9\x1b]0;title\x07"
                data = json.dumps(meta).encode()
            out.writestr(info, data)
    installed = _cli("install", str(hostile))
    listed = _cli("list")
    as_json = _cli("list", "--json")
    for result in (installed, listed, as_json):
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Chinese [2J [1;1HPWNED" in listed.stdout
    assert "\\u001b" not in as_json.stdout  # not even escaped in JSON


def test_a_pack_damaged_after_install_is_listed_as_damaged(zh_en_pack_file: Path) -> None:
    result = _cli("install", str(zh_en_pack_file), "--json")
    folder = Path(json.loads(result.stdout)[0]["installed"]["path"])
    (folder / "model" / "model.bin").write_bytes(os.urandom(4096))
    listed = _cli("list")
    assert "zh-en" in listed.stdout and "DAMAGED" in listed.stdout
    assert "model/model.bin" in listed.stdout and "--pair zh-en --force" in listed.stdout
    (entry,) = json.loads(_cli("list", "--json").stdout)
    assert entry["status"] == "damaged" and "damaged" in entry["problem"]
    removed = _cli("remove", "zh-en")
    assert removed.returncode == 0 and "Removed" in removed.stdout
    assert json.loads(_cli("list", "--json").stdout) == []


def test_both_pairs_with_one_failure_names_the_pack_that_did_install(
    zh_en_pack_file: Path,
) -> None:
    with LocalServer() as server:
        server.routes["/zh_en.argosmodel"] = Route(zh_en_pack_file.read_bytes())
        index = [
            index_entry(zh_en_pack_file, "zh", "en", "zh_en.argosmodel"),
            index_entry(zh_en_pack_file, "en", "zh", "gone.argosmodel"),
        ]
        server.routes["/index.json"] = Route(json.dumps(index).encode(), 200, "application/json")
        result = _cli("download", "--index", server.url("/index.json"))
    assert result.returncode == 1
    assert "Installed zh-en" in result.stdout
    error = [line for line in result.stderr.splitlines() if line.startswith("companion packs:")]
    assert len(error) == 1
    assert "en→zh failed: the pack could not be downloaded (HTTP 404)" in error[0]
    assert "zh→en is installed" in error[0]


def test_offline_says_there_is_no_internet_connection() -> None:
    result = _cli("download", "--index", "http://packs.invalid/index.json")
    line = _one_line_error(result)
    assert "no internet connection" in line and "packs install FILE" in line
    assert "Errno" not in line and "Name or service" not in line
