"""What the glossary pass costs at the first translation, and how often the key meaning of a
slang term survives translation with and without it.

Usage: python bench/glossary.py [--rounds N] [--cost-only] [--engine offline|NAME] [--show]

Cost (what the user waits for): in a fresh process that has already imported what the app
has before its first translation (PySide6 widgets, the translator, the offline engine and
ctranslate2), the time and the memory (RSS) of building the glossary pass and running it on
a first post (``find_terms`` on the whole post, ``protect`` on each sentence), with the
phrasebook cache already on disk (every start after the first). "before" is the code of
commit BASE (extracted with ``git archive``), "after" the working tree; the two alternate
over N rounds and the table gives min / median / max and the after/before ratio of the
medians. Both trees are compiled first (``PYTHONDONTWRITEBYTECODE=1`` is set on these
machines, which would otherwise time the byte-compiler).

Each sentence below carries one slang term and the English that a correct translation must
contain (a regular expression). The same engine translates every sentence twice: once as is,
once protected by ``PhrasebookGlossary`` (placeholders in, curated meanings restored), and
the table compares the hit rates. With the offline engine and no real zh->en pack installed,
the script says so and uses the random-weight test pack from tests/fixture_pack.py: that
output is gibberish, so the numbers then only show that the mechanism works (protected
meanings survive an engine that mangles everything else), not translation quality.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BASE = "61386f44eace6e26303d4d25df0d2670f8ecdd37"  # before issue 14's glossary work

POST = (
    "家人们谁懂啊！被老板硬控了两个小时，周五晚上8点才下班。这支口红被博主种草了，颜色绝绝子，"
    "yyds，才199元，打8折后更便宜。避雷那家店，踩雷好几次了，一万二的包质量一般般。"
    "今天去打卡了网红咖啡店，出片率很高，人均3块5都不到，真的绝了。u1s1，这波不亏。"
)

_CHILD = r"""
import json, os, resource, sys, time
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
import PySide6.QtWidgets
import companion.translator, companion.engines.offline
try:
    import ctranslate2
except ImportError:
    pass
from companion.text import split_sentences
post = sys.argv[1]
sentences = split_sentences(post)
peak0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
before = rss()
started = time.perf_counter()
from companion.phrasebook.glossary import PhrasebookGlossary
glossary = PhrasebookGlossary()
terms = glossary.find_terms(post)
protected = [glossary.protect(s, "zh", "en") for s in sentences]
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "rss": rss() - before, "terms": len(terms),
                  "peak": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak0) * 1024,
                  "protected": sum(len(p.hits) for p in protected)}))
"""


def _tree_before(base: str) -> Path | None:
    """The ``companion`` package as it was at ``base``, in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="companion-before-"))
    try:
        archive = subprocess.run(
            ["git", "archive", base, "companion"], cwd=REPO, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return folder


def _run_child(root: Path, home: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(root), COMPANION_HOME=str(home))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, POST],
        cwd=root, env=env, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def cost(rounds: int) -> None:
    before = _tree_before(BASE)
    if before is None:
        print("cost: needs git to extract the code of the base commit; skipped\n")
        return
    trees = {"before": before, "after": REPO}
    homes = {name: Path(tempfile.mkdtemp(prefix=f"companion-{name}-")) for name in trees}
    for root in trees.values():
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(root / "companion")],
            capture_output=True, check=False,
        )  # fmt: skip
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for name, root in trees.items():
        _run_child(root, homes[name])  # writes that tree's phrasebook cache
    for _round in range(rounds):
        for name, root in trees.items():
            samples[name].append(_run_child(root, homes[name]))
    first = samples["after"][0]
    print(f"glossary pass at the first translation ({rounds} interleaved rounds, cache warm;")
    print(f"a {len(POST)}-character post: {int(first['terms'])} terms and numbers found, "
          f"{int(first['protected'])} protected; before = {BASE[:7]})")  # fmt: skip
    print(f"{'':22}{'min':>9}{'median':>9}{'max':>9}")
    medians: dict[str, dict[str, float]] = {}
    for key, label, scale, unit in (
        ("seconds", "time", 1000, "ms"),
        ("rss", "RSS added", 1 / 2**20, "MB"),
        ("peak", "peak RSS added", 1 / 2**20, "MB"),
    ):
        for name in trees:
            values = sorted(s[key] * scale for s in samples[name])
            medians.setdefault(name, {})[key] = statistics.median(values)
            print(f"{label + ' ' + name + ' (' + unit + ')':22}"
                  f"{values[0]:9.1f}{statistics.median(values):9.1f}{values[-1]:9.1f}")  # fmt: skip
        ratio = medians["after"][key] / medians["before"][key] if medians["before"][key] else 0
        print(f"{'  after / before':22}{ratio:27.2f}")
    print()


# (sentence, key meaning as a regex over the English output)
SENTENCES: list[tuple[str, str]] = [
    # 被...种草 is being won over; 终于拔草 is finally trying it (senses chosen by context)
    ("被这支口红种草了，颜色太好看", r"want to buy|hooked|recommend|won over"),
    ("这家店终于拔草了，味道一般", r"over wanting|not worth|finally (buy|bought|tried)"),
    ("这家奶茶真的绝绝子", r"amazing|the best"),
    ("这个颜色绝了", r"amazing|incredible"),
    ("避雷！这家民宿千万别订", r"avoid|steer clear|warning"),
    ("又踩雷了，这个面膜太差", r"burned|disappoint|bad product"),
    ("这是大牌口红的平替", r"dupe|cheaper|alternative"),
    ("集美们快来看这条裙子", r"\bsis|girls|babes"),
    ("宝子们晚上好", r"babe|dear|you guys"),
    ("家人们谁懂啊，今天又加班", r"relate|who gets it|won't believe"),
    ("看到这个视频我破防了", r"emotionally|heartbroken|got to me|wrecked"),
    ("现在找工作太内卷了", r"rat race|cutthroat|overwork"),
    ("周末就想在家躺平", r"lie flat|quit the rat race|bare minimum"),
    ("今天去打卡了网红咖啡店", r"check in|check out|visit"),
    ("给大家安利一本好书", r"recommend|rave"),
    ("网购又翻车了", r"fail|backfire|flop"),
    ("说好不喝奶茶的，真香", r"eating my words|i was wrong"),
    ("这部剧太上头了", r"addictive|hooked|obsessed"),
    ("他的发言好下头", r"turn-off|off-putting|cringe"),
    ("在地铁上摔倒了，社死", r"embarrass|social death"),
    ("别凡尔赛了，你明明很有钱", r"humblebrag"),
    ("今天不想学习，摆烂了", r"give up|stop trying|rot"),
    ("这个价格太离谱了", r"ridiculous|absurd|outrageous"),
    ("老板又让我加班，栓Q", r"thank|done|ugh"),
    ("下雨天我emo了", r"down|sad|moody"),
    ("看完这个视频我蚌埠住了", r"can't hold|keep it together"),
    ("这个舞台泰裤辣", r"so cool|awesome"),
    ("笑死我了，这只猫太搞笑", r"dying of laughter|lmao|lol"),
    ("这个歌手yyds", r"goat|greatest"),
    ("xswl，这个评论太有才了", r"lol|dying of laughter"),
    ("u1s1，这家店服务不错", r"to be fair|honestly"),
    ("这波操作666", r"awesome|nice|skilled"),
    ("开了薯条以后浏览量涨了", r"shutiao|promotion|boost"),
    ("欢迎TikTok难民来到小红书", r"tiktok refugee"),
    ("快交猫税！", r"cat tax"),
    ("中美网友在评论区对账", r"bill|cost of living"),
    ("这个博主太会出片了", r"photogenic|great photos"),
    ("这个小众景点是宝藏", r"hidden gem|treasure"),
]


def _engine(name: str) -> tuple[object, str]:
    """The engine to measure and a note on what it is."""
    if name != "offline":
        from companion.session import create_online_engine
        from companion.settings import Settings

        return create_online_engine(name, Settings()), f"online engine {name}"
    from companion.engines.offline import OfflineEngine
    from companion.packs import find_pack

    if find_pack("zh", "en") is not None:
        return OfflineEngine(), "offline engine, installed zh->en pack"
    print(
        "No real zh->en language pack is installed: using the random-weight test pack from "
        "tests/fixture_pack.py.\nIts output is gibberish, so this run checks the mechanism "
        "(placeholders survive and meanings are restored), not translation quality.\n"
    )
    from companion.packs import install_pack
    from tests.fixture_pack import build_pack

    work = Path(tempfile.mkdtemp(prefix="companion-bench-"))
    os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packs")
    (work / "packs").mkdir()
    install_pack(build_pack(work / "build", "zh", "en"))
    return OfflineEngine(), "offline engine, FIXTURE pack (random weights)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", default="offline")
    parser.add_argument("--show", action="store_true", help="print every translation")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default 10)")
    parser.add_argument("--cost-only", action="store_true", help="only the cost table")
    args = parser.parse_args(argv)
    cost(args.rounds)
    if args.cost_only:
        return 0

    from companion.phrasebook.glossary import PhrasebookGlossary

    engine, label = _engine(args.engine)
    glossary = PhrasebookGlossary()
    sources = [s for s, _ in SENTENCES]
    started = time.perf_counter()
    plain = engine.translate_batch(sources, "zh", "en")  # type: ignore[attr-defined]
    plain_s = time.perf_counter() - started
    started = time.perf_counter()
    prepared = [glossary.protect(s, "zh", "en") for s in sources]
    protect_s = time.perf_counter() - started
    started = time.perf_counter()
    raw = engine.translate_batch([p.text for p in prepared], "zh", "en")  # type: ignore[attr-defined]
    engine_s = time.perf_counter() - started
    started = time.perf_counter()
    restored = [p.restore(out) for p, out in zip(prepared, raw, strict=True)]
    restore_s = time.perf_counter() - started

    hits_plain = hits_gloss = protected = placeholders_kept = 0
    for (source, pattern), p_out, g_out, prep, raw_out in zip(
        SENTENCES, plain, restored, prepared, raw, strict=True
    ):
        ok_plain = bool(re.search(pattern, p_out, re.IGNORECASE))
        ok_gloss = bool(re.search(pattern, g_out, re.IGNORECASE))
        hits_plain += ok_plain
        hits_gloss += ok_gloss
        if prep.hits:
            protected += 1
            codes = re.findall(r"ZQ\d+", prep.text)
            placeholders_kept += all(
                re.search(c[:2] + r"\s?" + c[2:], raw_out, re.IGNORECASE) for c in codes
            )
        if args.show:
            mark = "ok" if ok_gloss else "MISS"
            print(f"{source}\n  plain:    {p_out}\n  glossary: {g_out}  [{mark}]")
    n = len(SENTENCES)
    print(f"engine: {label}; {n} sentences")
    print(f"{'':28}{'key meaning found':>20}")
    print(f"{'without glossary pass':28}{hits_plain:>12} / {n} ({100 * hits_plain / n:.0f}%)")
    print(f"{'with glossary pass':28}{hits_gloss:>12} / {n} ({100 * hits_gloss / n:.0f}%)")
    print(f"sentences with a protected term: {protected}; placeholders all kept by the engine "
          f"in {placeholders_kept} (the others were appended by restore)")  # fmt: skip
    print(f"time: engine plain {plain_s * 1000:.0f} ms, engine protected {engine_s * 1000:.0f} ms, "
          f"protect {protect_s * 1000:.1f} ms, restore {restore_s * 1000:.1f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
