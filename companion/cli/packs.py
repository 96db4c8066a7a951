"""``python -m companion packs``: list, install, download or remove offline language packs."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from companion.cli import CliError, print_json

_PAIRS = {"zh-en": [("zh", "en")], "en-zh": [("en", "zh")], "both": [("zh", "en"), ("en", "zh")]}


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="show the installed packs")
    listing.add_argument("--json", action="store_true", help="print JSON")
    install = sub.add_parser("install", help="install a downloaded .argosmodel file")
    install.add_argument("file", metavar="FILE", type=Path)
    install.add_argument("--json", action="store_true", help="print JSON")
    download = sub.add_parser("download", help="download and install from the package index")
    download.add_argument("--index", default=None, metavar="URL", help="package index URL")
    download.add_argument("--pair", choices=sorted(_PAIRS), default="both")
    download.add_argument("--json", action="store_true", help="print JSON")
    remove = sub.add_parser("remove", help="remove an installed pack")
    remove.add_argument("pair", choices=["zh-en", "en-zh"], metavar="PAIR")


def _as_json(pack: Any) -> dict[str, Any]:
    return {
        "from_code": pack.from_code,
        "to_code": pack.to_code,
        "from_name": pack.from_name,
        "to_name": pack.to_name,
        "package_version": pack.package_version,
        "size_bytes": pack.size_bytes,
        "path": str(pack.path),
    }


def _line(pack: Any) -> str:
    size = f"{pack.size_bytes / 1e6:.1f} MB"
    names = f"{pack.from_name or pack.from_code} → {pack.to_name or pack.to_code}"
    return f"{pack.from_code}-{pack.to_code}  {names}  v{pack.package_version}  {size}"


def _index_url(explicit: str | None) -> str:
    from companion.packs import DEFAULT_INDEX_URL

    if explicit:
        return explicit
    try:
        from companion.settings import Settings

        return str(Settings().get("package_index_url") or DEFAULT_INDEX_URL)
    except Exception:  # settings unreadable: the built-in index still works
        return DEFAULT_INDEX_URL


class _ProgressLine:
    """One updating line on stderr, at most a few times a second."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and not (total and done >= total):
            return
        self.last = now
        if total:
            text = f"{done / 1e6:.1f} of {total / 1e6:.1f} MB ({done * 100 // total}%)"
        else:
            text = f"{done / 1e6:.1f} MB"
        sys.stderr.write(f"\rDownloading {self.label}: {text}   ")
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    from companion import packs

    try:
        if args.action == "list":
            installed = packs.list_installed()
            if args.json:
                print_json([_as_json(p) for p in installed])
            elif not installed:
                print(
                    "No language pack installed. Get them with: python -m companion packs download"
                )
            else:
                for pack in installed:
                    print(_line(pack))
            return 0

        if args.action == "install":
            pack = packs.install_pack(args.file)
            if args.json:
                print_json(_as_json(pack))
            else:
                print(f"Installed {_line(pack)}")
            return 0

        if args.action == "remove":
            source, target = args.pair.split("-")
            found = packs.find_pack(source, target)
            if found is None:
                raise CliError(f"no {args.pair} pack is installed", 3)
            packs.uninstall_pack(found)
            print(f"Removed {_line(found)}")
            return 0

        wanted = _PAIRS[args.pair]
        available = packs.fetch_index(_index_url(args.index))
        chosen = [
            p for p in packs.chinese_english_packs(available) if (p.from_code, p.to_code) in wanted
        ]
        missing = [
            f"{a}-{b}" for a, b in wanted if all((p.from_code, p.to_code) != (a, b) for p in chosen)
        ]
        if missing:
            raise CliError(f"the package index lists no {', '.join(missing)} pack", 3)
        done = []
        for item in chosen:
            line = _ProgressLine(f"{item.from_code}→{item.to_code}")
            try:
                done.append(packs.download_and_install(item, progress=line))
            finally:
                line.finish()
        if args.json:
            print_json([_as_json(p) for p in done])
        else:
            for installed_pack in done:
                print(f"Installed {_line(installed_pack)}")
        return 0
    except packs.PackError as exc:
        raise CliError(exc.message) from None
