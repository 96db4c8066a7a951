"""Real child processes that write to the database while they are killed or race each other.

Shared by tests/test_storage_crash.py (modest counts) and bench/hostile.py (the full counts).
A child opens the database the way the app does (:class:`companion.storage.db.Database`),
writes one row per transaction and prints ``ack KEY`` only after the commit returned: an
acknowledged row is one the user was told is saved, so it must survive anything.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

WRITER = r"""
import json, sys, time
from pathlib import Path
from companion.storage.db import Database

path, tag, count, wait_for_go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
if wait_for_go == "1":
    print("ready", flush=True)
    sys.stdin.readline()
db = Database(path)
if not db.persistent or db.recovered_from is not None:
    print("unusable " + json.dumps(db.problem), flush=True)
    sys.exit(3)
for number in range(count):
    key = f"{tag}:{number}"
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO favourites(entry_key, created) VALUES (?, ?)", (key, time.time())
        )
    print("ack " + key, flush=True)
db.close()
print("done", flush=True)
"""


@dataclass
class Outcome:
    """What a series of runs did to the data: every number here should be zero."""

    runs: int = 0
    acknowledged: int = 0
    lost: int = 0
    set_aside: int = 0  # ``.corrupt-*`` files created
    failed_children: list[str] = field(default_factory=list)  # a child that could not write

    def add(self, other: Outcome) -> None:
        self.runs += other.runs
        self.acknowledged += other.acknowledged
        self.lost += other.lost
        self.set_aside += other.set_aside
        self.failed_children += other.failed_children


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _writer(path: Path, tag: str, count: int, wait_for_go: bool) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), tag, str(count), "1" if wait_for_go else "0"],
        cwd=REPO,
        env=_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _acks(output: str) -> set[str]:
    return {line[4:] for line in output.splitlines() if line.startswith("ack ")}


def _check(path: Path, acked: set[str]) -> Outcome:
    """Open the database as the app would and count acknowledged rows that are missing."""
    from companion.storage.db import Database

    db = Database(path)
    try:
        present = {row[0] for row in db.execute("SELECT entry_key FROM favourites")}
        failed = [] if db.persistent else [f"reopening: {db.problem}"]
    finally:
        db.close()
    aside = len(list(path.parent.glob(f"{path.name}.corrupt-*")))
    return Outcome(
        runs=1,
        acknowledged=len(acked),
        lost=len(acked - present),
        set_aside=aside,
        failed_children=failed,
    )


def kill_runs(folder: Path, runs: int, seed: int = 0) -> Outcome:
    """``runs`` writers killed with SIGKILL at random points, on one profile that persists.

    A third of the kills land during start-up (opening, migrating: the first run starts on a
    fresh profile), the rest after a random number of acknowledged rows.
    """
    rng = random.Random(seed)
    path = folder / "companion.db"
    total = Outcome()
    acked: set[str] = set()
    for run in range(runs):
        child = _writer(path, f"kill{run}", 100_000, wait_for_go=False)
        assert child.stdout is not None
        if rng.random() < 1 / 3:
            time.sleep(rng.uniform(0.0, 0.4))  # the kill moment itself, not a wait for an event
        else:
            target = rng.randint(1, 300)
            seen = 0
            while seen < target and (line := child.stdout.readline()):
                if line.startswith("ack "):
                    acked.add(line[4:].rstrip("\n"))
                    seen += 1
        child.send_signal(signal.SIGKILL)
        out, _err = child.communicate(timeout=60)
        acked |= _acks(out)
        if child.returncode not in (-signal.SIGKILL, 0):
            total.failed_children.append(f"run {run}: exit {child.returncode} {out[-200:]}")
        result = _check(path, acked)
        total.lost = result.lost  # cumulative: every row acknowledged so far must be there
        total.set_aside = result.set_aside
        total.failed_children += result.failed_children
        total.runs += 1
    total.acknowledged = len(acked)
    return total


def start_together(folder: Path, processes: int = 4, rows: int = 50) -> Outcome:
    """``processes`` writers opening one fresh profile at the same instant, then writing."""
    path = folder / "companion.db"
    children = [_writer(path, f"p{n}", rows, wait_for_go=True) for n in range(processes)]
    try:
        for child in children:  # each has imported everything and waits at the line
            assert child.stdout is not None
            line = child.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"a writer did not start: {line!r}")
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        acked: set[str] = set()
        failed: list[str] = []
        for child in children:
            out, err = child.communicate(timeout=120)
            acked |= _acks(out)
            if child.returncode != 0:
                failed.append(f"exit {child.returncode}: {(out + err)[-300:]}")
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.communicate()
    result = _check(path, acked)
    result.failed_children = failed + result.failed_children
    return result


def start_together_runs(folder: Path, runs: int, processes: int = 4, rows: int = 50) -> Outcome:
    total = Outcome()
    for run in range(runs):
        profile = folder / f"fresh-{run}"
        profile.mkdir(parents=True)
        total.add(start_together(profile, processes, rows))
    return total
