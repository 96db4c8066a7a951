"""Learning speed: history search, opening the panels, and whether saving stalls the GUI.

Usage: python bench/learning.py [--rows 100000] [--words 5000] [--rounds 5]

With 100,000 history rows and 5,000 saved words (built from CC-CEDICT words, so the text,
pinyin and English look like real use), it prints p50/p95 of:

- a history search through ``History.search`` (what the panel runs) next to the bare SQLite
  query it issues (the same FTS5 MATCH, rows fetched, nothing else) and, for scale, the full
  scan an index-free ``instr`` search would cost;
- the search as the panel shows it (``HistoryPanel.reload`` until its list is filled);
- opening each panel (real widgets, offscreen): constructed, data loaded, first paint;
- the GUI thread's longest event-loop gap while 200 words are saved through the TaskRunner,
  next to the same saves made on the GUI thread.

Rounds are interleaved (each round runs every query kind once per method) and the table
shows min/median/max of the per-round ratios. Nothing here times start-up, so bytecode
compilation (PYTHONDONTWRITEBYTECODE=1 on these machines) does not matter.
Aims (issue 10): history search p95 <= 50 ms and <= 3x the bare query; the My words panel
shows 5,000 words in <= 200 ms; a save never blocks the GUI thread.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.storage.db import Database
    from companion.ui.tasks import TaskRunner

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import quiet_qt  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ENGLISH = [
    "I", "you", "the", "a", "is", "to", "and", "of", "it", "this", "that", "so", "good", "very",
    "bought", "today", "really", "recommend", "lipstick", "price", "shop", "cheap", "dupe",
    "amazing", "rent", "bills", "cat", "tax",
]  # fmt: skip


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def ms(value: float) -> str:
    return f"{value * 1000:8.2f}"


def vocabulary(limit: int = 40_000) -> list[tuple[str, str, str]]:
    """(hanzi, toneless pinyin syllables, first English word) for common CC-CEDICT words."""
    from companion.dictionary.cedict import iter_source, source_path
    from companion.learning.textkeys import toneless

    out = []
    seen: set[str] = set()
    for entry in iter_source(source_path()):
        if entry.simplified in seen:
            continue
        if 1 <= len(entry.simplified) <= 3 and entry.senses and not entry.is_proper_noun:
            seen.add(entry.simplified)
            syllables = " ".join(toneless(s) for s in entry.pinyin.split())
            english = entry.senses[0].split()[0].strip("(),;") if entry.senses[0] else "x"
            out.append((entry.simplified, syllables, english))
        if len(out) >= limit:
            break
    return out


def build(home: Path, rows: int, word_count: int) -> tuple[list[tuple[str, str, str]], float]:
    from companion.learning.history import History, NewEntry
    from companion.learning.words import SavedWord, WordList, WordRecord
    from companion.settings import Settings
    from companion.storage.db import Database

    rng = random.Random(10)
    vocab = vocabulary()
    weights = list(itertools.accumulate(1 / (k + 1) ** 0.9 for k in range(len(vocab))))
    db = Database(home / "data" / "companion.db")
    started = time.perf_counter()
    batch: list[NewEntry] = []
    Settings(db).set("history_limit", rows)
    history = History(db)
    for k in range(rows):
        picked = rng.choices(vocab, cum_weights=weights, k=rng.randint(3, 25))
        source = "".join(p[0] for p in picked) + rng.choice("。！？，")
        result = " ".join(rng.choice((p[2], rng.choice(ENGLISH))) for p in picked)
        batch.append(NewEntry(source, result, "zh", "en", "offline", rng.choice(
            ("typed", "pasted", "clipboard", "ocr")), created=1_700_000_000 + k * 7,
            pinyin=" ".join(p[1] for p in picked)))  # fmt: skip
        if len(batch) == 5000:
            history.record_many(batch)
            batch = []
    history.record_many(batch)
    records = []
    for k, (hanzi, syllables, english) in enumerate(vocab[:word_count]):
        sentence = "".join(p[0] for p in rng.choices(vocab[:3000], k=8))
        records.append(WordRecord(SavedWord(
            0, hanzi, pinyin=syllables, meanings=(english, f"sense {k}"),
            sentence=sentence + hanzi + "。", translation="a sentence",
            tags=(rng.choice(("slang", "food", "shopping", "hsk1")),),
            created=1_700_000_000 + k, updated=1_700_000_000 + k)))  # fmt: skip
    WordList(db).merge(records)
    built = time.perf_counter() - started
    db.close()
    return vocab, built


def queries(vocab: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    rng = random.Random(3)
    common, rare = vocab[:200], vocab[5000:30000]
    two = [w for w in common if len(w[0]) == 2]
    return {
        "chinese 2 chars, common": [w[0] for w in rng.sample(two, 10)],
        "chinese 1 char": [w[0][0] for w in rng.sample(common, 10)],
        "chinese, rare word": [w[0] for w in rng.sample(rare, 10)],
        "chinese, no match": ["龘靐齉", "鱻麤", "爨"],
        "english word": rng.sample(ENGLISH, 8),
        "english two words": ["recommend lipstick", "very good", "cheap dupe"],
        "pinyin joined": ["".join(w[1].split()) for w in rng.sample(two, 10)],
        "pinyin, rare": ["".join(w[1].split()) for w in rng.sample(rare, 10) if w[1]],
        "prefix (typing)": ["y", "yi", "yin", "yinh", "b", "ba", "ban"],
        "no match": ["qqqzzzx", "xylophonezz"],
    }


def bench_search(db_path: Path, kinds: dict[str, list[str]], rounds: int) -> None:
    from companion.learning.history import History
    from companion.learning.textkeys import fts_query
    from companion.storage.db import Database

    db = Database(db_path)
    history = History(db)
    bare = sqlite3.connect(db_path)
    sql = (
        "SELECT h.id, h.source, h.result, h.source_lang, h.target_lang, h.engine, h.origin,"
        " h.created FROM history_search s JOIN history h ON h.id = s.rowid"
        " WHERE history_search MATCH ? ORDER BY s.rowid DESC LIMIT 200"
    )
    scan = (
        "SELECT id FROM history WHERE instr(source, ?) OR instr(result, ?)"
        " ORDER BY id DESC LIMIT 200"
    )
    times: dict[str, dict[str, list[float]]] = {
        k: {"ours": [], "bare": [], "scan": []} for k in kinds
    }
    ratios: list[float] = []

    def timed(fn: Callable[[], object]) -> tuple[float, object]:
        t0 = time.perf_counter()
        value = fn()
        return time.perf_counter() - t0, value

    for round_number in range(rounds):
        for kind, items in kinds.items():
            for k, query in enumerate(items):
                match = fts_query(query)

                def run_ours(query: str = query) -> object:
                    return history.search(query, 200)  # what the panel asks for

                def run_bare(match: str | None = match) -> object:
                    return bare.execute(sql, (match,)).fetchall() if match else []

                if (round_number + k) % 2:  # alternate which runs first (warm cache)
                    t_bare, rows = timed(run_bare)
                    t_ours, found = timed(run_ours)
                else:
                    t_ours, found = timed(run_ours)
                    t_bare, rows = timed(run_bare)
                t_scan, _ = timed(lambda q=query: bare.execute(scan, (q, q)).fetchall())
                assert len(found) == len(rows)  # type: ignore[arg-type]
                times[kind]["ours"].append(t_ours)
                times[kind]["bare"].append(t_bare)
                times[kind]["scan"].append(t_scan)
                ratios.append(t_ours / max(t_bare, 1e-6))
    rows = history.count()
    print(f"\nHistory search (ms), {rows:,} rows: History.search vs the bare FTS5 query vs a scan")
    print(
        f"{'query kind':28} {'ours p50':>8} {'p95':>8} {'bare p50':>8} {'p95':>8} {'scan p50':>8}"
    )
    everything: dict[str, list[float]] = {"ours": [], "bare": [], "scan": []}
    for kind, by in times.items():
        for key in everything:
            everything[key].extend(by[key])
        print(f"{kind:28} {ms(statistics.median(by['ours']))} {ms(percentile(by['ours'], .95))} "
              f"{ms(statistics.median(by['bare']))} {ms(percentile(by['bare'], .95))} "
              f"{ms(statistics.median(by['scan']))}")  # fmt: skip
    ours, plain = everything["ours"], everything["bare"]
    print(f"{'all queries':28} {ms(statistics.median(ours))} {ms(percentile(ours, .95))} "
          f"{ms(statistics.median(plain))} {ms(percentile(plain, .95))} "
          f"{ms(statistics.median(everything['scan']))}")  # fmt: skip
    print(f"ours / bare per query: min {min(ratios):.2f}  median {statistics.median(ratios):.2f}"
          f"  max {max(ratios):.2f};  p95 ratio (ours p95 / bare p95): "
          f"{percentile(ours, .95) / percentile(plain, .95):.2f}")  # fmt: skip
    bare.close()
    db.close()


class Flag:
    """Raised by a panel's "finished" signal; :func:`wait` runs a real event loop until then."""

    def __init__(self) -> None:
        self.up = False
        self.loop: object = None

    def raise_(self, *_args: object) -> None:
        self.up = True
        if self.loop is not None:
            self.loop.quit()  # type: ignore[attr-defined]


def wait(flag: Flag, timeout: float = 60.0) -> None:
    """Run a QEventLoop (as the app does: it sleeps until an event comes) until ``flag`` is
    raised; neither polling nor sleeping, which would be measured too."""
    from PySide6.QtCore import QEventLoop, QTimer

    if flag.up:
        return
    loop = QEventLoop()
    flag.loop = loop
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(int(timeout * 1000))
    loop.exec()
    flag.loop = None
    if not flag.up:
        raise TimeoutError("the panel did not finish in time")


def bench_panels(db_path: Path, kinds: dict[str, list[str]], rounds: int) -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    from companion.learning.history import History
    from companion.learning.review import Reviewer
    from companion.learning.words import WordList
    from companion.storage.db import Database
    from companion.ui.learning.history_panel import HistoryPanel
    from companion.ui.learning.review_panel import ReviewPanel
    from companion.ui.learning.words_panel import WordsPanel
    from companion.ui.tasks import TaskRunner

    _app = QApplication.instance() or QApplication([])
    quiet_qt.install()
    db = Database(db_path)
    runner = TaskRunner()
    opened: dict[str, list[float]] = {"History": [], "My words (5,000)": [], "Review": []}
    searched: list[float] = []
    all_queries = [q for items in kinds.values() for q in items]

    def make(name: str, flag: Flag) -> QWidget:
        if name == "History":
            history_panel = HistoryPanel(History(db), runner)
            history_panel.loaded.connect(flag.raise_)
            return history_panel
        if name == "Review":
            review_panel = ReviewPanel(Reviewer(db), runner)
            review_panel.countsShown.connect(flag.raise_)
            return review_panel
        words_panel = WordsPanel(WordList(db), runner)
        words_panel.loaded.connect(flag.raise_)
        return words_panel

    for _ in range(rounds):
        for name, samples in opened.items():
            flag = Flag()
            t0 = time.perf_counter()
            panel = make(name, flag)
            panel.resize(1024, 600)
            panel.show()
            wait(flag)
            panel.repaint()
            samples.append(time.perf_counter() - t0)
            if isinstance(panel, WordsPanel):
                assert len(panel.shown_words()) >= 5000
            if isinstance(panel, HistoryPanel):
                for query in all_queries:
                    flag.up = False
                    panel.search.blockSignals(True)
                    panel.search.setText(query)
                    panel.search.blockSignals(False)
                    t1 = time.perf_counter()
                    panel.reload()
                    wait(flag)
                    panel.view.viewport().repaint()
                    searched.append(time.perf_counter() - t1)
            panel.close()
            panel.deleteLater()
            QApplication.processEvents()
    bare = sqlite3.connect(db_path)
    for _ in range(rounds * 3):
        t0 = time.perf_counter()
        bare.execute("SELECT * FROM words").fetchall()
        opened.setdefault("(bare SELECT * FROM words)", []).append(time.perf_counter() - t0)
    bare.close()
    print("\nOpening a panel (ms): constructed, data loaded off the GUI thread, painted")
    print(f"{'panel':28} {'min':>8} {'p50':>8} {'p95':>8} {'max':>8}")
    rows = [*opened.items(), ("History panel search", searched)]
    for name, samples in rows:
        print(
            f"{name:28} {ms(min(samples))} {ms(statistics.median(samples))} "
            f"{ms(percentile(samples, 0.95))} {ms(max(samples))}"
        )
    print("(History panel search: reload() until the list is filled and painted)")
    bench_saves(db, runner)
    runner.wait_idle()
    db.close()


def bench_saves(db: Database, runner: TaskRunner) -> None:
    """The GUI thread's longest gap between 2 ms timer ticks while words are saved: 200 in a
    row, and one while another process holds the database's write lock for 0.5 s (the CLI
    importing, a second window): the wait a save on the GUI thread would freeze for."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from companion.learning.words import WordList, WordToSave

    words = WordList(db)

    def hold_lock(seconds: float) -> threading.Thread:
        ready = threading.Event()

        def hold() -> None:
            other = sqlite3.connect(db.path, timeout=30)
            other.execute("BEGIN IMMEDIATE")
            ready.set()
            time.sleep(seconds)  # the other writer's long transaction
            other.execute("COMMIT")
            other.close()

        thread = threading.Thread(target=hold)
        thread.start()
        ready.wait()
        return thread

    def measure(count: int, on_gui: bool, locked: bool) -> tuple[float, float]:
        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(2)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start()
        left = [count]
        finished = Flag()

        def one_saved(_value: object) -> None:
            left[0] -= 1
            if left[0] == 0:
                finished.raise_()

        prefix = f"存{time.time_ns()}-"
        holder = hold_lock(0.5) if locked else None
        t0 = time.perf_counter()
        ticks.append(t0)  # a save that blocks at once must count from here
        items = [WordToSave(f"{prefix}{k}", pinyin="cí", senses=("word",), context="句子。")
                 for k in range(count)]  # fmt: skip
        if on_gui:
            for item in items:
                words.save(item)
                one_saved(None)
                QApplication.processEvents()
        else:  # one save after the other, each on the runner, as clicks on "Save word" do

            def next_save(_value: object = None) -> None:
                if _value is not None:
                    one_saved(_value)
                if items:
                    item = items.pop(0)
                    runner.run_quick(lambda: words.save(item), next_save)

            next_save()
        wait(finished)
        total = time.perf_counter() - t0
        for _ in range(5):
            QApplication.processEvents()
            time.sleep(0.003)
        timer.stop()
        if holder is not None:
            holder.join()
        worst = max((b - a for a, b in itertools.pairwise(ticks)), default=total)
        return worst, total

    print("\nSaving words: the GUI thread's longest event-loop gap (ms; a timer ticks every 2 ms)")
    print(f"{'how':44} {'worst gap':>9} {'total':>8}")
    for label, count, on_gui, locked in (
        ("200 saves through the TaskRunner", 200, False, False),
        ("200 saves on the GUI thread", 200, True, False),
        ("1 save, lock held 0.5 s, TaskRunner", 1, False, True),
        ("1 save, lock held 0.5 s, GUI thread", 1, True, True),
    ):
        worst, total = measure(count, on_gui, locked)
        print(f"{label:44} {ms(worst)} {ms(total)}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="companion-bench-learning-"))
    os.environ["COMPANION_HOME"] = str(home)
    (home / "data").mkdir(parents=True)
    vocab, built = build(home, args.rows, args.words)
    db_path = home / "data" / "companion.db"
    size = sum(p.stat().st_size for p in (home / "data").iterdir()) / 1024 / 1024
    print(
        f"Learning bench: {args.rows:,} history rows, {args.words:,} words, {args.rounds}"
        f" interleaved rounds; built in {built:.1f} s, database {size:.0f} MB;"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    kinds = queries(vocab)
    try:
        bench_search(db_path, kinds, args.rounds)
        bench_panels(db_path, kinds, max(2, args.rounds // 2))
    finally:
        shutil.rmtree(home, ignore_errors=True)  # 100 MB of throwaway data
    return 0


if __name__ == "__main__":
    sys.exit(main())
