"""``python -m companion packs``: list, install, download or remove offline language packs.

Everything a pack says about itself (names, versions) passes through ``printable`` before it
reaches the terminal: a hostile metadata.json must not move the cursor or clear the screen.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.cli import CliError, print_json
from companion.untrusted import printable

if TYPE_CHECKING:
    from companion.packs import DownloadProgress, DownloadReport, InstalledPack

_PAIRS = {"zh-en": [("zh", "en")], "en-zh": [("en", "zh")], "both": [("zh", "en"), ("en", "zh")]}


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="show the installed packs (damaged ones too)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    install = sub.add_parser("install", help="install downloaded .argosmodel files")
    install.add_argument("files", metavar="FILE", type=Path, nargs="+")
    install.add_argument("--json", action="store_true", help="print JSON")
    download = sub.add_parser("download", help="download and install from the package index")
    download.add_argument("--index", default=None, metavar="URL", help="package index URL")
    download.add_argument("--pair", choices=sorted(_PAIRS), default="both")
    download.add_argument(
        "--force", action="store_true", help="download even packs that are up to date"
    )
    download.add_argument("--json", action="store_true", help="print JSON")
    remove = sub.add_parser("remove", help="remove an installed pack")
    remove.add_argument("pair", choices=["zh-en", "en-zh"], metavar="PAIR")
    remove.add_argument("--json", action="store_true", help="print JSON")


def _as_json(pack: InstalledPack) -> dict[str, Any]:
    return {
        "pair": pack.pair,
        "from_code": pack.from_code,
        "to_code": pack.to_code,
        "from_name": printable(pack.from_name, limit=100),
        "to_name": printable(pack.to_name, limit=100),
        "package_version": printable(pack.package_version, limit=100),
        "size_bytes": pack.size_bytes,
        "path": str(pack.path),
        "status": "ok" if pack.usable else "damaged",
        "problem": pack.problem,
    }


def _line(pack: InstalledPack) -> str:
    size = f"{pack.size_bytes / 1e6:.1f} MB"
    names = f"{pack.from_name or pack.from_code or '?'} → {pack.to_name or pack.to_code or '?'}"
    version = f"v{pack.package_version}" if pack.package_version else "version unknown"
    text = printable(f"{pack.pair}  {names}  {version}  {size}", limit=200)
    if pack.usable:
        return text
    if pack.from_code and pack.to_code:
        fix = f"reinstall: python -m companion packs download --pair {pack.pair} --force"
    else:
        fix = f"remove the folder {pack.path}"
    return f"{text}  DAMAGED: {pack.problem}; {fix}"


def _index_url(explicit: str | None) -> str:
    from companion.packs import DEFAULT_INDEX_URL

    if explicit:
        return explicit
    try:
        from companion.settings import Settings

        return Settings().get_str("package_index_url") or DEFAULT_INDEX_URL
    except Exception:  # settings unreadable: the built-in index still works
        return DEFAULT_INDEX_URL


class _ProgressLine:
    """One updating line on stderr, at most a few times a second."""

    def __init__(self) -> None:
        self.last = 0.0
        self.shown = False

    def __call__(self, step: DownloadProgress) -> None:
        if step.pack is None:
            return
        label = f"{step.pack.from_code}→{step.pack.to_code}"
        if step.stage == "install":
            self._write(f"Installing {label} (checking that it loads)…")
            self.finish()
            return
        now = time.monotonic()
        if now - self.last < 0.2 and not (step.total and step.done >= step.total):
            return
        self.last = now
        if step.total:
            text = f"{step.done / 1e6:.1f} of {step.total / 1e6:.1f} MB"
            text += f" ({step.done * 100 // step.total}%)"
        else:
            text = f"{step.done / 1e6:.1f} MB"
        self._write(f"Downloading {label}: {text}   ")

    def _write(self, text: str) -> None:
        sys.stderr.write(f"\r{text}")
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.shown = False


def _list(as_json: bool) -> int:
    from companion import packs

    installed = packs.list_installed(include_damaged=True)
    if as_json:
        print_json([_as_json(p) for p in installed])
    elif not installed:
        print("No language pack installed. Get them with: python -m companion packs download")
    else:
        for pack in installed:
            print(_line(pack))
    return 0


def _install(files: list[Path], as_json: bool) -> int:
    from companion import packs

    results: list[dict[str, Any]] = []
    failures = 0
    for file in files:
        try:
            pack = packs.install_pack(file)
        except packs.PackError as exc:
            failures += 1
            results.append({"file": str(file), "installed": None, "error": exc.message})
            message = printable(exc.message, limit=400)
            if len(files) == 1 and not as_json:
                raise CliError(message) from None
            print(f"companion packs: {message}", file=sys.stderr)
            continue
        results.append({"file": str(file), "installed": _as_json(pack), "error": None})
        if not as_json:
            print(f"Installed {_line(pack)}")
    if as_json:
        print_json(results)
    if failures and len(files) > 1 and not as_json:
        done = len(files) - failures
        print(f"companion packs: {done} of {len(files)} files installed", file=sys.stderr)
    return 1 if failures else 0


def _remove(pair: str, as_json: bool) -> int:
    from companion import packs

    source, target = pair.split("-")
    removed = packs.remove_pair(source, target)
    if not removed:
        raise CliError(f"no {pair} pack is installed", 3)
    if as_json:
        print_json([_as_json(p) for p in removed])
    else:
        for pack in removed:
            print(f"Removed {_line(pack)}")
    return 0


def _pair_label(pack: Any) -> str:
    return printable(f"{pack.from_code}→{pack.to_code}", limit=40)


def _download(args: argparse.Namespace) -> int:
    from companion import packs

    line = _ProgressLine()
    try:
        report: DownloadReport = packs.download_packs(
            _index_url(args.index), _PAIRS[args.pair], force=args.force, progress=line
        )
    finally:
        line.finish()
    if args.json:
        print_json(
            {
                "installed": [_as_json(p) for p in report.installed],
                "up_to_date": [_as_json(p) for p in report.current],
                "failed": _pair_label(report.failed) if report.failed else None,
                "not_done": [_pair_label(p) for p in report.todo[1:]],
                "error": report.error.message
                if isinstance(report.error, packs.PackError)
                else None,
            }
        )
    else:
        for pack in report.installed:
            print(f"Installed {_line(pack)}")
        for pack in report.current:
            print(f"Up to date {_line(pack)}")
    if report.error is None:
        return 0
    if isinstance(report.error, packs.Cancelled):
        raise CliError("cancelled", 130)
    reason = printable(report.error.message, limit=400)
    failed = f"{_pair_label(report.failed)} failed: " if report.failed else ""
    done = [_pair_label(p) for p in report.installed + report.current]
    kept = f"; {', '.join(done)} {'is' if len(done) == 1 else 'are'} installed" if done else ""
    hint = (
        "; connect and try again, or install a pack from a file: "
        "python -m companion packs install FILE"
        if report.error.kind == "offline"
        else ""
    )
    raise CliError(f"{failed}{reason}{kept}{hint}", 3 if "lists no" in reason else 1)


def run(args: argparse.Namespace) -> int:
    if args.action == "list":
        return _list(args.json)
    if args.action == "install":
        return _install(args.files, args.json)
    if args.action == "remove":
        from companion import packs

        try:
            return _remove(args.pair, args.json)
        except packs.PackError as exc:
            raise CliError(printable(exc.message, limit=400)) from None
    return _download(args)
