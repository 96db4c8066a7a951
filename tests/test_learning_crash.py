"""Crashes and concurrency with real processes: kill -9 in the middle of a burst of saves,
history and reviews loses nothing that was acknowledged; two writers (two app instances, and
the CLI importing at the same time) lose nothing either."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from companion.storage.db import Database
from tests.conftest import REPO

# 12 kills in every run; the long proof: COMPANION_KILL_RUNS=100 pytest tests/test_learning_crash.py
KILL_RUNS = int(os.environ.get("COMPANION_KILL_RUNS", "12"))
DEADLINE = 120.0


def _child(db: Path, prefix: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.learning_child", str(db), prefix, str(count)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def _lines(proc: subprocess.Popen[str]) -> Iterator[str]:
    assert proc.stdout is not None
    for line in proc.stdout:
        yield line.rstrip("\n")


class Acks:
    def __init__(self) -> None:
        self.words: set[str] = set()
        self.history: set[str] = set()
        self.reviews: dict[tuple[int, str], int] = {}

    def take(self, line: str) -> None:
        kind, _, rest = line.partition(" ")
        if kind == "word":
            self.words.add(rest)
        elif kind == "history":
            self.history.add(rest)
        elif kind == "review":
            word_id, card, reps = rest.split()
            key = (int(word_id), card)
            self.reviews[key] = max(self.reviews.get(key, 0), int(reps))

    def check(self, db_path: Path) -> None:
        db = Database(db_path)
        try:
            assert db.recovered_from is None, "a healthy file was set aside"
            assert db.execute("PRAGMA integrity_check")[0][0] == "ok"
            words = {r[0] for r in db.execute("SELECT simplified FROM words")}
            assert self.words <= words, f"lost words: {sorted(self.words - words)[:5]}"
            history = {r[0] for r in db.execute("SELECT source FROM history")}
            assert self.history <= history, f"lost history: {sorted(self.history - history)[:5]}"
            indexed = db.execute("SELECT count(*) FROM history_search")[0][0]
            assert indexed == len(history)  # the search index never drifts from the rows
            for (word_id, card), reps in self.reviews.items():
                row = db.execute(
                    "SELECT reps FROM review_cards WHERE word_id = ? AND kind = ?", (word_id, card)
                )
                assert row and row[0][0] >= reps, f"lost a review of {word_id} {card}"
            orphans = db.execute(
                "SELECT count(*) FROM review_cards WHERE word_id NOT IN (SELECT id FROM words)"
            )[0][0]
            assert orphans == 0
            cards = db.execute("SELECT count(*) FROM review_cards")[0][0]
            assert cards == 2 * len(words)  # a word and its cards are written together
        finally:
            db.close()


def _kill_runs(tmp_path: Path, runs: int) -> None:
    db_path = tmp_path / "crash.db"
    acks = Acks()
    chooser = random.Random(20250115)
    deadline = time.monotonic() + DEADLINE
    for run in range(runs):
        assert time.monotonic() < deadline, "the kill runs took too long"
        proc = _child(db_path, f"r{run}-", 400)
        stop_after = chooser.choice([0, 1, 2, chooser.randint(3, 40), chooser.randint(40, 400)])
        seen = 0
        try:
            for line in _lines(proc):
                if line in ("ready", "done"):
                    if line == "ready" and stop_after == 0:
                        break
                    continue
                acks.take(line)
                seen += 1
                if seen >= stop_after:
                    break
        finally:
            proc.send_signal(signal.SIGKILL)
            _out, err = proc.communicate(timeout=30)
        assert proc.returncode in (-signal.SIGKILL, 0), err
        acks.check(db_path)
    assert acks.words and acks.history and acks.reviews


def test_kill_9_during_saves_and_reviews_loses_nothing(tmp_path: Path) -> None:
    _kill_runs(tmp_path, KILL_RUNS)


def test_two_instances_and_the_cli_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "COMPANION_HOME": str(home), "PYTHONPATH": str(REPO)}
    db_path = home / "data" / "companion.db"
    db_path.parent.mkdir(parents=True)
    Database(db_path).close()  # migrated before the race (the storage layer owns that race)
    csv_path = tmp_path / "import.csv"
    csv_path.write_text(
        "simplified,pinyin,meanings\n"
        + "".join(f"导入{k},dǎo rù,import {k}\n" for k in range(300)),
        encoding="utf-8-sig",
    )
    first = _child(db_path, "a-", 120)
    second = _child(db_path, "b-", 120)
    cli = subprocess.Popen(
        [sys.executable, "-m", "companion", "words", "import", str(csv_path), "--json"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    acks = Acks()
    for proc in (first, second):
        for line in _lines(proc):
            if line not in ("ready", "done"):
                acks.take(line)
        _out, err = proc.communicate(timeout=DEADLINE)
        assert proc.returncode == 0, err
    out, err = cli.communicate(timeout=DEADLINE)
    assert cli.returncode == 0, err
    assert '"added": 300' in out
    assert len(acks.words) == 240 and len(acks.history) == 240
    acks.check(db_path)
    db = Database(db_path)
    try:
        assert db.execute("SELECT count(*) FROM words")[0][0] == 540
        assert db.execute("SELECT count(*) FROM history")[0][0] == 240
    finally:
        db.close()
