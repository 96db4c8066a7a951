"""Hostile-input and fault figures (issue 13): what the user loses, and what grows too fast.

Plain script, one run, prints tables:

  (a) storage: acknowledged rows lost over 20 writers killed with SIGKILL at random points,
      and over 10 runs of 4 processes starting at once on a fresh profile; ``.corrupt-*``
      files created (a sound file set aside). Target: 0, 0, 0.
  (b) text scans of companion/text.py at 1k/10k/100k characters of unpunctuated
      Chinese+Latin text and of text with no spaces: min/median/max over interleaved rounds
      and the ratio per step (linear is ~10x per step; quadratic is ~100x). Each function
      runs in its own child process under a time budget, so a quadratic scan cannot stall
      the bench: what did not finish is shown as "> budget".
  (c) network deadlines: how long the index read and a pack download take to fail against a
      server on 127.0.0.1 that drips one byte every 0.5 s, against their deadline.
  (d) the GUI: the window's longest GUI-thread block while a 100,000-character paste with no
      punctuation is shown (``bench/pane_gap.py --only-hostile``, the real window offscreen).
      Aim: <= 100 ms.

The child processes import the project from source; ``PYTHONDONTWRITEBYTECODE=1`` is set on
these machines, so modules are compiled first (``compileall``) to keep start-up out of the
kill timings.

    .venv/bin/python bench/hostile.py [--kills 20] [--starts 10] [--rounds 5] [--budget 60]
"""

from __future__ import annotations

import argparse
import compileall
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SIZES = (1_000, 10_000, 100_000)
SCANS = ("han_share", "detect_direction", "split_segments", "clean_input", "is_probably_binary")

# A RedNote post with its punctuation and spaces removed, and Latin text without spaces: the
# shapes that made the e-mail regex in han_share quadratic (one endless \w run).
_MIXED = "今天的OOTD是vintage风这个look真的很chill姐妹们yyds种草了DM我要link小红书"
_NO_SPACES = "thisisalongwordwithoutanyspacesorpunctuationlikeapastedurlortoken"

SCAN_CHILD = r"""
import json, sys, time
import companion.text as text

name, base, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
sizes = [int(s) for s in sys.argv[4].split(",")]
fn = getattr(text, name, None)
if fn is None:
    print(json.dumps({"missing": True}), flush=True)
    sys.exit(0)
samples = {size: (base * (size // len(base) + 1))[:size] for size in sizes}
for round_ in range(rounds):
    for size in sizes:  # interleaved: every size in every round
        start = time.perf_counter()
        fn(samples[size])
        took = time.perf_counter() - start
        print(json.dumps({"size": size, "seconds": took}), flush=True)
"""

TEXTS = {"mixed, unpunctuated": _MIXED, "no spaces": _NO_SPACES}


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


# --------------------------------------------------------------------------------------------
# (a) storage


def storage(kills: int, starts: int) -> None:
    from tests.storage_harness import kill_runs, start_together_runs

    print("(a) Storage: acknowledged rows under SIGKILL and simultaneous starts")
    with tempfile.TemporaryDirectory(prefix="hostile-db-") as folder:
        began = time.monotonic()
        killed = kill_runs(Path(folder) / "kills", runs=kills, seed=13)
        kill_time = time.monotonic() - began
        began = time.monotonic()
        together = start_together_runs(Path(folder) / "starts", runs=starts, rows=250)
        start_time = time.monotonic() - began
    header = f"{'scenario':<50}{'runs':>6}{'acked rows':>12}{'lost':>7}{'.corrupt-*':>12}"
    print(header)
    print("-" * len(header))
    rows = [
        (f"writer SIGKILLed at a random point ({kill_time:.0f} s)", killed),
        (f"4 processes start at once, fresh profile ({start_time:.0f} s)", together),
    ]
    for label, outcome in rows:
        print(
            f"{label:<50}{outcome.runs:>6}{outcome.acknowledged:>12}"
            f"{outcome.lost:>7}{outcome.set_aside:>12}"
        )
        for failure in outcome.failed_children:
            print(f"    a child could not write: {failure[:160]}")
    verdict = all(o.lost == 0 and o.set_aside == 0 and not o.failed_children for _, o in rows)
    print(f"target 0 lost, 0 set aside: {'PASS' if verdict else 'FAIL'}\n")


# --------------------------------------------------------------------------------------------
# (b) text scans


def _scan(name: str, base: str, rounds: int, budget: float) -> tuple[dict[int, list[float]], str]:
    """One scan on one text in a child, killed at ``budget``; timings per size, and why it
    stopped early ("" when it did not)."""
    import selectors

    child = subprocess.Popen(
        [sys.executable, "-c", SCAN_CHILD, name, base, str(rounds), ",".join(map(str, SIZES))],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    timings: dict[int, list[float]] = {}
    stopped = ""
    deadline = time.monotonic() + budget
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                stopped = f"stopped after {budget:.0f} s"
                break
            if not selector.select(timeout=left):
                continue
            line = child.stdout.readline()
            if not line:
                break
            record = json.loads(line)
            if record.get("missing"):
                stopped = "not in this build"
                break
            timings.setdefault(record["size"], []).append(record["seconds"])
    if child.poll() is None:
        child.kill()
    child.wait()
    err = child.stderr.read().strip()
    child.stdout.close()
    child.stderr.close()
    if child.returncode not in (0, -9) and not stopped:
        stopped = f"failed: {err.splitlines()[-1][:80] if err else child.returncode}"
    return timings, stopped


def scans(rounds: int, budget: float) -> None:
    print(
        f"(b) Text scans (companion/text.py): min / median / max of {rounds} interleaved "
        f"rounds, budget {budget:.0f} s per function"
    )
    header = f"{'function':<20}{'text':<22}" + "".join(f"{n // 1000:>9}k" for n in SIZES)
    header += f"{'x 1k→10k':>11}{'x 10k→100k':>12}"
    print(header)
    print("-" * len(header))
    for name in SCANS:
        for kind, base in TEXTS.items():
            timings, stopped = _scan(name, base, rounds, budget)
            if stopped == "not in this build":
                print(f"{name:<20}not in this build")
                break
            medians = [statistics.median(timings[n]) if timings.get(n) else None for n in SIZES]
            cells = "".join(f"{_fmt(m) if m is not None else '> budget':>10}" for m in medians)
            ratios = [
                f"{high / low:.1f}" if low and high else "-"
                for low, high in itertools.pairwise(medians)
            ]
            print(f"{name:<20}{kind:<22}{cells}{ratios[0]:>11}{ratios[1]:>12}")
            spread = "; ".join(
                f"{n // 1000}k {_fmt(min(v))}..{_fmt(max(v))} (n={len(v)})"
                for n in SIZES
                if (v := timings.get(n))
            )
            note = f"  [{stopped}]" if stopped else ""
            print(f"{'':<42}min..max: {spread}{note}")
    print("linear is ~10x per step; ~100x per step is quadratic\n")


# --------------------------------------------------------------------------------------------
# (c) network deadlines


def network() -> None:
    from companion import packs
    from tests.fixture_pack import LocalServer, Route, index_entry

    print("(c) Network: a server dripping one byte every 0.5 s, against the total deadline")
    header = f"{'operation':<34}{'deadline':>10}{'failed after':>14}  message"
    print(header)
    print("-" * len(header))
    with LocalServer() as server, tempfile.TemporaryDirectory() as folder:
        server.routes["/index.json"] = Route(b"[" + b" " * 1000 + b"]", drip=0.5)
        server.routes["/pack"] = Route(b"PK\x03\x04" + b"\0" * 100_000, drip=0.5)
        entry = index_entry(Path("x"), "zh", "en", server.url("/pack"))
        pack = packs.parse_index([entry])[0]
        cases = [
            ("index read", 5.0, lambda d: packs.fetch_index(server.url("/index.json"), deadline=d)),
            ("pack download", 8.0, lambda d: packs.download_pack(pack, Path(folder), deadline=d)),
        ]
        for label, deadline, run in cases:
            began = time.monotonic()
            try:
                run(deadline)
                message = "no error (unexpected)"
            except packs.PackError as exc:
                message = exc.message
            took = time.monotonic() - began
            print(f"{label:<34}{deadline:>9.0f}s{took:>13.1f}s  {message[:70]}")
    print()


# --------------------------------------------------------------------------------------------
# (d) the GUI thread


def gui(rounds: int) -> None:
    print("(d) GUI: the window while the hostile paste is shown (bench/pane_gap.py)")
    script = REPO / "bench" / "pane_gap.py"
    command = [sys.executable, str(script), "--only-hostile", "--rounds", str(rounds)]
    subprocess.run(command, cwd=REPO, check=False)  # it prints its own table and verdict
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per text scan")
    parser.add_argument("--only", choices=["storage", "scans", "network", "gui"], default=None)
    args = parser.parse_args()
    compileall.compile_dir(str(REPO / "companion"), quiet=1)
    if args.only in (None, "storage"):
        storage(args.kills, args.starts)
    if args.only in (None, "scans"):
        scans(args.rounds, args.budget)
    if args.only in (None, "network"):
        network()
    if args.only in (None, "gui"):
        gui(min(args.rounds, 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
