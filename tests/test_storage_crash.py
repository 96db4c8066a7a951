"""Real writer processes killed at random points, and several starting at once on a profile.

Acknowledged rows (the writer printed ``ack`` after its commit) must all be there afterwards,
and a sound file must never be set aside. The default run keeps the counts modest; the
``slow`` variants and ``bench/hostile.py`` run the full ones (20 kills, 10 x 4 processes).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from companion.storage.db import MIGRATIONS
from tests.storage_harness import Outcome, kill_runs, start_together, start_together_runs


def _assert_nothing_lost(outcome: Outcome, runs: int) -> None:
    assert outcome.runs == runs
    assert outcome.failed_children == []
    assert outcome.lost == 0
    assert outcome.set_aside == 0


def test_writers_killed_at_random_points_lose_no_acknowledged_row(tmp_path: Path) -> None:
    outcome = kill_runs(tmp_path, runs=6, seed=1)
    _assert_nothing_lost(outcome, 6)
    assert outcome.acknowledged > 0


def test_four_processes_starting_at_once_on_a_fresh_profile(tmp_path: Path) -> None:
    outcome = start_together_runs(tmp_path, runs=3, processes=4, rows=25)
    _assert_nothing_lost(outcome, 3)
    assert outcome.acknowledged == 3 * 4 * 25


def test_two_processes_with_a_pending_migration(tmp_path: Path) -> None:
    for run in range(3):
        profile = tmp_path / f"run{run}"
        profile.mkdir()
        conn = sqlite3.connect(profile / "companion.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(MIGRATIONS[0])
        conn.execute("PRAGMA user_version=1")
        conn.close()
        outcome = start_together(profile, processes=2, rows=10)
        _assert_nothing_lost(outcome, 1)
        check = sqlite3.connect(profile / "companion.db")
        try:
            assert check.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        finally:
            check.close()


@pytest.mark.slow
def test_full_counts_twenty_kills_and_ten_starts_of_four(tmp_path: Path) -> None:
    _assert_nothing_lost(kill_runs(tmp_path / "kills", runs=20, seed=2), 20)
    _assert_nothing_lost(start_together_runs(tmp_path / "starts", runs=10, rows=50), 10)
