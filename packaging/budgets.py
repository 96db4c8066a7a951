"""The installers' budgets, measured and printed as one table (``make package`` ends with it).

Sizes: the installed folder (bytes of its files) and the ``.deb``. Times, over interleaved
rounds (frozen, source, frozen, source...) so the ratios hold on a noisy machine, medians
with min/max:
- GUI start to a usable window: ``--self-test --only window`` reports when the window was
  exposed, counted from the moment this script started the process (``COMPANION_T0``). The
  self-test runs on a throwaway profile, so the source run is handed prebuilt caches too
  (``COMPANION_BUNDLE_DIR``: the build's dictionary index, the phrasebook cache of its own
  warm-up run): else it would be building them while its window starts, and the frozen side
  would look faster than it is;
- ``lookup``: the whole ``companion lookup zhongcao`` process;
- first start on a fresh profile to pinyin shown (frozen, prebuilt index): same window check.
The source tree is compiled first (``python -m compileall``): this machine sets
PYTHONDONTWRITEBYTECODE=1, and an uncompiled source run would recompile on every start.

Usage: python3 packaging/budgets.py [--out build] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import slim  # noqa: E402

FOLDER_MB = 480
DEB_MB = 160
RATIO = 1.1
FIRST_PINYIN_S = 3.0


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ, COMPANION_HOME=home, QT_QPA_PLATFORM="offscreen")
    env.pop("DISPLAY", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # use the compiled source
    return env


def window_times(command: list[str], bundle: Path | None = None) -> tuple[float, float]:
    """(window shown, pinyin shown) in seconds from process start, on a fresh profile;
    ``bundle``: a folder of prebuilt caches for a source run (``COMPANION_BUNDLE_DIR``)."""
    with tempfile.TemporaryDirectory(prefix="companion-budget-") as home:
        env = _env(home)
        if bundle is not None:
            env["COMPANION_BUNDLE_DIR"] = str(bundle)
        env["COMPANION_T0"] = repr(time.time())
        done = subprocess.run(
            [*command, "--self-test", "--json", "--only", "window"],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )
    report = json.loads(done.stdout)
    if not report["ok"]:
        raise SystemExit(f"budgets: the window check failed: {report['checks']}")
    return report["timings"]["window_shown_s"], report["timings"]["pinyin_shown_s"]


def process_time(command: list[str], home: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=_env(home), stdout=subprocess.DEVNULL, check=True, timeout=120)
    return time.perf_counter() - started


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    frozen = [str(out / "dist" / "companion" / "companion")]
    source = [str(ROOT / ".venv" / "bin" / "python"), "-m", "companion"]
    subprocess.run(
        [source[0], "-m", "compileall", "-q", str(ROOT / "companion")], check=True
    )
    folder_mb = slim.folder_size(out / "dist" / "companion") / 1e6
    debs = sorted(out.glob("companion_*_amd64.deb"))
    deb_mb = debs[-1].stat().st_size / 1e6 if debs else float("nan")

    windows: dict[str, list[float]] = {"frozen": [], "source": []}
    pinyin: dict[str, list[float]] = {"frozen": [], "source": []}
    lookups: dict[str, list[float]] = {"frozen": [], "source": []}
    internal = out / "dist" / "companion" / "_internal"
    with tempfile.TemporaryDirectory(prefix="companion-budget-warm-") as warm, \
            tempfile.TemporaryDirectory(prefix="companion-budget-bundle-") as bundle:
        prebuilt = Path(bundle) / "companion_prebuilt"
        prebuilt.mkdir()
        for index in (internal / "companion_prebuilt").glob("cedict-*.idx"):
            shutil.copy2(index, prebuilt / index.name)
        bundles = {"frozen": None, "source": Path(bundle)}
        unbuilt_source = window_times(source)[1]  # what a source run's first start costs
        for command in (frozen, source):  # warm caches and the disk
            process_time([*command, "lookup", "zhongcao"], warm)
        for book in (Path(warm) / "cache").glob("phrasebook-*.pickle"):
            shutil.copy2(book, prebuilt / book.name)  # the source run's (the key differs)
        for _round in range(args.rounds):
            for name, command in (("frozen", frozen), ("source", source)):
                shown, pinyin_at = window_times(command, bundles[name])
                windows[name].append(shown)
                pinyin[name].append(pinyin_at)
                lookups[name].append(process_time([*command, "lookup", "zhongcao"], warm))

    def ratio(values: dict[str, list[float]]) -> float:
        pairs = zip(values["frozen"], values["source"], strict=True)
        return statistics.median(f / s for f, s in pairs)

    rows = [
        (
            "Linux folder, installed",
            f"{folder_mb:.0f} MB",
            f"<= {FOLDER_MB} MB",
            folder_mb <= FOLDER_MB,
        ),
        (".deb (with OCR)", f"{deb_mb:.0f} MB", f"<= {DEB_MB} MB", deb_mb <= DEB_MB),
        (
            "GUI start to window, frozen/source",
            f"{ratio(windows):.2f}x  frozen {spread(windows['frozen'])} s, "
            f"source {spread(windows['source'])} s",
            f"<= {RATIO}x",
            ratio(windows) <= RATIO,
        ),
        (
            "CLI lookup, frozen/source",
            f"{ratio(lookups):.2f}x  frozen {spread(lookups['frozen'])} s, "
            f"source {spread(lookups['source'])} s",
            f"<= {RATIO}x",
            ratio(lookups) <= RATIO,
        ),
        (
            "fresh profile to pinyin shown, frozen",
            f"{spread(pinyin['frozen'])} s  (source with the prebuilt index "
            f"{spread(pinyin['source'])} s, without it {unbuilt_source:.3f} s)",
            f"<= {FIRST_PINYIN_S:.0f} s",
            statistics.median(pinyin["frozen"]) <= FIRST_PINYIN_S,
        ),
    ]
    print(
        f"\nBudgets ({args.rounds} interleaved rounds, median (min-max); source compiled "
        "with compileall; offscreen)"
    )
    width = max(len(r[0]) for r in rows)
    for name, value, budget, ok in rows:
        print(f"  {'ok  ' if ok else 'OVER'}  {name:<{width}}  {value}   budget {budget}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
