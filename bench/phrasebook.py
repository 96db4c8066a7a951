"""Phrasebook coverage and speed: blind audits, loading, search per kind of query, the
glossary scan, the CLI.

Usage: python bench/phrasebook.py [--audit-only]

Coverage: each list in bench/data/audit_round*.tsv was written as a newcomer meets the
words, before it was checked against the data. A term is a strict hit when the top search
result has it as one of its written forms (simplified, traditional or another spelling);
"before" is the book as it was at the list's base commit (read with ``git show``), "after"
the book now. Aim: >= 95% after.

Speed: medians and 95th percentiles in one run. Search has to feel instant on every
keystroke (target: median well under 2 ms over the whole book); the CLI answers 100 queries
in one process (the book loads once, from the pickled index when it is fresh).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

QUERIES: dict[str, list[str]] = {
    "chinese exact": ["种草", "绝绝子", "获赞与收藏", "验证码", "青少年模式", "退款", "蚌埠住了"],
    "traditional": ["種草", "獲讚與收藏", "驗證碼", "隱私政策"],
    "chinese partial": ["草", "验证", "收藏", "退", "家人"],
    "pasted sentence": ["家人们谁懂啊这家店真的绝了", "被这支口红种草了，颜色绝绝子"],
    "pinyin plain": ["zhongcao", "juejuezi", "yanzhengma", "tuikuan", "pingti"],
    "pinyin spaced": ["zhong cao", "jue jue zi", "yan zheng ma"],
    "pinyin marks": ["zhòngcǎo", "jué jué zǐ", "yànzhèngmǎ"],
    "pinyin numbers": ["zhong4cao3", "jue2jue2zi3", "tui4kuan3"],
    "initials": ["zc", "jjz", "yzm", "hqyzm", "tk"],
    "english": ["like", "verification code", "refund", "block", "cat tax", "dupe", "privacy"],
    "typo": ["zhongcoa", "refnud", "verificaton", "juejeuzi", "pirvacy"],
    "abbreviation": ["yyds", "xswl", "u1s1", "666", "[笑哭R]"],
    "prefix (typing)": ["z", "zh", "zho", "zhon", "v", "ve", "ver", "veri"],
}


def _strict_hits(book: object, terms: list[str]) -> list[str]:
    """The audit terms the book answers with an entry of exactly that form."""
    from companion.phrasebook.search import norm

    hits = []
    for term in terms:
        found = book.search(term, limit=1)  # type: ignore[attr-defined]
        forms = {norm(f) for e in found for f in (e.simplified, e.traditional, *e.also) if f}
        if norm(term) in forms:
            hits.append(term)
    return hits


def _book_at(commit: str) -> object | None:
    """The built-in book as it was at ``commit`` (None without git or that commit)."""
    from companion.phrasebook.book import COLUMNS, Book, load_entries

    try:
        names = subprocess.run(
            ["git", "ls-tree", "--name-only", commit, "companion/phrasebook/data/"],
            cwd=REPO, capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        folder = Path(tempfile.mkdtemp(prefix="companion-audit-"))
        for name in names:
            text = subprocess.run(
                ["git", "show", f"{commit}:{name}"],
                cwd=REPO, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            header, _, rest = text.partition("\n")
            if len(header.split("\t")) < len(COLUMNS):  # older files had fewer columns
                header = "\t".join(COLUMNS)
            (folder / Path(name).name).write_text(f"{header}\n{rest}", encoding="utf-8")
    except (OSError, subprocess.CalledProcessError):
        return None
    return Book(load_entries(folder))


def audits() -> None:
    from companion.phrasebook import get_book

    now = get_book()
    print(f"{'blind audit':34} {'terms':>5} {'before':>14} {'after':>14}")
    for path in sorted((REPO / "bench" / "data").glob("audit_round*.tsv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        base = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("# base:")), "")
        terms = [ln.split("\t")[0] for ln in lines if ln.strip() and not ln.startswith("#")]
        before_book = _book_at(base) if base else None
        after = _strict_hits(now, terms)
        if before_book is None:
            before_text = "n/a (no git)"
        else:
            hits = len(_strict_hits(before_book, terms))
            before_text = f"{hits} ({100 * hits / len(terms):.1f}%)"
        after_text = f"{len(after)} ({100 * len(after) / len(terms):.1f}%)"
        print(
            f"{path.name + ' @' + base[:7]:34} {len(terms):>5} {before_text:>14} {after_text:>14}"
        )
        missed = [t for t in terms if t not in after]
        if missed:
            print(f"  still missing: {', '.join(missed)}")
    print()


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(ordered) * 1000:8.3f} {p95 * 1000:8.3f}"


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("COMPANION_HOME", tempfile.mkdtemp(prefix="companion-bench-"))
    audits()
    if "--audit-only" in (argv if argv is not None else sys.argv[1:]):
        return 0
    from companion.phrasebook import _load_book
    from companion.phrasebook.book import Book, load_entries
    from companion.phrasebook.glossary import PhrasebookGlossary

    started = time.perf_counter()
    entries = load_entries()
    parsed = time.perf_counter() - started
    started = time.perf_counter()
    book = Book(entries)
    indexed = time.perf_counter() - started
    _load_book()  # writes the cache
    started = time.perf_counter()
    loaded = _load_book()
    cached = time.perf_counter() - started
    started = time.perf_counter()
    loaded.search("zhongcao")
    unpack = time.perf_counter() - started
    print(f"{len(entries)} entries: parse {parsed * 1000:.1f} ms, index {indexed * 1000:.1f} ms, "
          f"load from cache {cached * 1000:.1f} ms (+ {unpack * 1000:.1f} ms to unpack the "
          "search index at the first search)\n")  # fmt: skip

    print(f"{'query kind':18} {'median ms':>9} {'p95 ms':>8}")
    every: list[float] = []
    for kind, queries in QUERIES.items():
        samples = []
        for _ in range(30):
            for query in queries:
                t = time.perf_counter()
                book.search(query)
                samples.append(time.perf_counter() - t)
        every += samples
        print(f"{kind:18} {_stats(samples)}")
    print(f"{'ALL':18} {_stats(every)}\n")

    glossary = PhrasebookGlossary(book)
    post = ("家人们谁懂啊！被这支口红种草了，颜色绝绝子，yyds。避雷那家店，踩雷好几次了。"
            "今天去打卡了网红咖啡店，出片率很高，真的绝了。") * 20  # fmt: skip
    glossary.find_terms(post)
    samples = []
    for _ in range(20):
        t = time.perf_counter()
        hits = glossary.find_terms(post)
        samples.append(time.perf_counter() - t)
    print(f"find_terms on a {len(post)}-character post ({len(hits)} hits): median/p95 ms "
          f"{_stats(samples)}")  # fmt: skip

    queries = [q for group in QUERIES.values() for q in group]
    queries = (queries * 2)[:100]
    env = dict(os.environ)
    command = [sys.executable, "-m", "companion", "lookup", "--json", *queries]
    subprocess.run(command, cwd=REPO, env=env, capture_output=True, check=True)  # warm the cache
    walls = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(command, cwd=REPO, env=env, capture_output=True, check=True)
        walls.append(time.perf_counter() - t)
    baseline = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True)
        baseline.append(time.perf_counter() - t)
    wall, bare = statistics.median(walls) * 1000, statistics.median(baseline) * 1000
    print(f"CLI lookup --json with 100 queries: median wall {wall:.0f} ms "
          f"(bare python start: {bare:.0f} ms)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
