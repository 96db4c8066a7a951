"""Offline translation as the user waits for it: Companion's path against argos-translate.

Two tables, both with the aims of issue 14 beside the figures:

1. Cold first translation, each start a fresh process, for one sentence and for a post
   (8 sentences), over interleaved rounds (every variant of a round runs before the next
   round starts, so drift on this shared machine hits them alike):

   - app: what the translation pane runs: a :class:`companion.session.Session` builds its
     :class:`~companion.translator.Translator` (offline engine, the phrasebook glossary, the
     known Latin words) and translates with a progress callback, as the pane's worker does.
     Timed to the translation (the pinyin and terms come from the reading aids, computed
     apart: argos has none);
   - argos: ``argostranslate.translate.translate`` with the same pack;
   - floor: the least a script can do with Companion's engine settings: CTranslate2's
     compiled core loaded alone (its ``_ext`` module, as Companion does, not the whole
     package) and SentencePiece, one ``translate_batch`` with Companion's decoding settings,
     its threads (every core but one: ``default_threads`` in companion/engines/offline.py)
     its unpacked int8 weights and heap settings, the model built on a thread that then ends
     while the tokenizer loads. app - floor is Companion's own cost. (Built on the main thread, as
     argos does, libgomp keeps the builder's OpenMP team, holds more threads than cores and
     sleeps at every barrier: ~0.2 s more for one sentence. With every core a script can be
     faster on a quiet machine, ~0.2 s against ~0.27 s for one sentence here, but it stalls
     whenever anything else runs: 0.9-6.5 s in the same runs.)

   Figures are from the parent's ``Popen`` to the translation in the child (one monotonic
   clock), and the child's peak RSS (VmHWM) after it; ratio = median of the per-round
   app/argos ratios. Aims: cold <= 0.65, peak RSS <= 0.75.

2. Translator overhead: in one process, the app's Translator (glossary on, cache emptied)
   against the offline engine alone given exactly the batches the translator sends it
   (recorded once: the glossary's placeholders and the kept Latin words change the text),
   for posts of 10,000 and 100,000 characters. Aim: <= 1.1x at 100,000 characters, and
   linear (the ratio at 100,000 no more than 1.1x the ratio at 10,000). The engine alone
   makes its calls one after another on one thread, as a script would; the translator makes
   the same calls from a thread of its own while it prepares and publishes the other chunks,
   so its Python runs beside the engine's C++ where a core is free. Five rounds by default:
   on this shared 2-core machine single rounds vary by +-30%.

The project is compiled first (``python -m compileall``: PYTHONDONTWRITEBYTECODE=1 is set on
these machines), as an installed app is. The packs are the fixture packs of
``tests/fixture_pack.py`` (random weights; table 1 the shape of argos's zh->en 1.9 model,
table 2 the tiny one so the engine's share is small and the overhead shows). A random model
seldom ends a sentence, so every variant gets the same decoding length cap (Companion's:
2.5x the input tokens + 10): argos's default of 256 tokens would time decoding noise.
argos's sentence splitter (minisbd) wants a download: it is given a punctuation splitter.
Nothing is downloaded. CTranslate2's CT2_* variables are cleared from the children's
environment (each side runs with its own defaults); the table names the CPU and any cleared.

    .venv/bin/python bench/translate.py [--rounds N] [--overhead-rounds N] [--quick]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

AIM_COLD = 0.65
AIM_RSS = 0.75
AIM_OVERHEAD = 1.1

# A RedNote-style post (what a user pastes), and its first sentence alone.
POST = (
    "宝子们，今天给大家分享一个超级好用的平替！"
    "这家店的咖啡绝绝子，环境也很出片，强烈推荐。"
    "上海房租太贵了，一个月要六千块，你们那边多少钱？"
    "新人报到，我是从TikTok来的美国人，请多关照。"
    "求问这件外套在哪里买的？"
    "健身打卡第三十天，体重减了五斤，加油！"
    "护肤心得：早上洗脸，涂防晒，晚上卸妆很重要。"
    "点赞收藏加关注，评论区见！"
)
TEXTS = {"sentence": "宝子们，今天给大家分享一个超级好用的平替！", "post": POST}

# Each child stamps the moment its translation is ready and its peak RSS, prints one JSON
# line and leaves with os._exit, so teardown is not timed. VmHWM belongs to this process image
# (ru_maxrss survives exec and may carry the parent's peak).
_REPORT = r"""
DONE = time.monotonic()
import re
PEAK = int(re.search(r'VmHWM:\s+(\d+)', open('/proc/self/status').read()).group(1))
sys.stdout.write(json.dumps({'done': DONE, 'out': OUT, 'rss_kb': PEAK}) + '\n')
sys.stdout.flush()
os._exit(0)
"""

APP = (
    r"""
import json, os, sys, time
TEXT = sys.argv[1]
from companion.session import Session
from companion.settings import Settings
session = Session(Settings())  # as the window builds it: offline engine, phrasebook glossary
partials = []
result = session.translator().translate(
    TEXT, on_progress=partials.append, find_terms=False
)  # Session.translate's translation step; its reading aids run apart in the pane
OUT = result.text
"""
    + _REPORT
)

# The cap, as a wrapper around the Translator argos builds: the same length limit as ours.
ARGOS = (
    r"""
import json, os, re, sys, time
TEXT = sys.argv[1]
import argostranslate.translate as argos
import ctranslate2

class PunctuationSentencizer:
    def __init__(self, pkg):
        self.pkg = pkg
    def split_sentences(self, text):
        return [s for s in re.findall(r'[^。！？!?]+[。！？!?]*', text) if s.strip()]

class CappedTranslator:
    def __init__(self, **params):
        self._inner = ctranslate2.Translator(**params)
    def translate_batch(self, rows, **options):
        longest = max((len(r) for r in rows), default=1)
        options.setdefault('max_decoding_length', min(512, int(longest * 2.5) + 10))
        return self._inner.translate_batch(rows, **options)

argos.MiniSBDSentencizer = PunctuationSentencizer  # offline splitter (see the docstring)
argos.ctranslate2 = type(sys)('capped_ctranslate2')
argos.ctranslate2.Translator = CappedTranslator
OUT = argos.translate(TEXT, 'zh', 'en')
"""
    + _REPORT
)

FLOOR = (
    r"""
import json, os, re, sys, time
TEXT = sys.argv[1]
import importlib.machinery, importlib.util
spec = importlib.util.find_spec('ctranslate2')
folder = spec.submodule_search_locations[0]
for suffix in importlib.machinery.EXTENSION_SUFFIXES:
    path = os.path.join(folder, '_ext' + suffix)
    if os.path.isfile(path):
        loader = importlib.machinery.ExtensionFileLoader('ctranslate2._ext', path)
        module = importlib.util.module_from_spec(
            importlib.util.spec_from_file_location('ctranslate2._ext', path, loader=loader)
        )
        loader.exec_module(module)
        break
import sentencepiece, threading
os.environ.setdefault('CT2_PACKED_GEMM', '0')  # Companion's setting (read at the first load)
import ctypes
ctypes.CDLL('libc.so.6').mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD, as Companion sets it
root = sys.argv[2]
threads = max(1, len(os.sched_getaffinity(0)) - 1)  # Companion's default_threads()
built = {}
def build():  # on a thread that ends: libgomp then keeps no team of the builder's (see above)
    built['tr'] = module.Translator(os.path.join(root, 'model'), device='cpu',
                                    compute_type='int8', inter_threads=1, intra_threads=threads)
builder = threading.Thread(target=build)
builder.start()
sp = sentencepiece.SentencePieceProcessor(model_file=os.path.join(root, 'sentencepiece.model'))
builder.join()
ctypes.CDLL('libc.so.6').malloc_trim(0)  # as Companion does after a load
tr = built['tr']
rows = [sp.encode(s, out_type=str) for s in re.findall(r'[^。！？!?]+[。！？!?]*', TEXT)]
cap = min(512, int(max(len(r) for r in rows) * 2.5) + 10)
res = tr.translate_batch(rows, beam_size=4, length_penalty=0.2, replace_unknowns=True,
                         max_batch_size=4, batch_type='examples', max_decoding_length=cap)
OUT = ' '.join(sp.decode_pieces(r.hypotheses[0]) for r in res)
"""
    + _REPORT
)

VARIANTS = {"app": APP, "argos": ARGOS, "floor": FLOOR}


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def run_child(code: str, env: dict[str, str], text: str, pack_dir: Path) -> dict[str, object]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, text, str(pack_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"translate bench: a child failed:\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "ms": (float(report["done"]) - started) * 1000,
        "rss_mb": int(report["rss_kb"]) / 1024,
        "out": report["out"],
    }


def setup_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    for key, sub in (
        ("ARGOS_PACKAGES_DIR", "argos"),
        ("COMPANION_HOME", "home"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (work / sub).mkdir(parents=True, exist_ok=True)
        env[key] = str(work / sub)
        os.environ[key] = str(work / sub)
    env["PYTHONPATH"] = str(REPO)
    for noisy in ("ARGOS_DEBUG", "COMPANION_DEBUG"):
        env.pop(noisy, None)
    # CTranslate2's own switches stay out of the children: each side runs with its defaults,
    # as a user starts it (Companion sets the one it wants itself). A CT2_PACKED_GEMM=0 left
    # in the shell, or in a process that loaded a model, took argos's int8 weights out of
    # MKL's packed layout: argos 159 MB instead of 177 MB at its peak, and the ratios
    # 0.68/0.73 read 0.76/0.82 on the same code.
    for name in [name for name in env if name.startswith("CT2_")]:
        DROPPED_ENV.add(f"{name}={env.pop(name)}")
    return env


DROPPED_ENV: set[str] = set()


def cpu_line() -> str:
    """The CPU (on an Intel one CTranslate2 runs MKL, which packs argos's int8 weights at load:
    ~18 MB of argos's peak), and the CT2_* variables kept from the children."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    dropped = ", ".join(sorted(DROPPED_ENV)) or "none set"
    return f"CPU: {model}; CT2_* variables cleared from the children: {dropped}"


def build_in_child(env: dict[str, str], build_dir: Path, size: str) -> None:
    """Built in a child so this process stays small (the children it starts inherit nothing)."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from tests.fixture_pack import build_pack; "
            "build_pack(Path(sys.argv[1]), 'zh', 'en', size=sys.argv[2])",
            str(build_dir),
            size,
        ],
        cwd=REPO,
        env=env,
        check=True,
    )


def cold_table(work: Path, rounds: int) -> int:
    from companion.packs import install_pack
    from tests.fixture_pack import build_pack

    env = setup_env(work / "cold")
    build_in_child(env, work / "build", "base")
    pack = install_pack(build_pack(work / "build", "zh", "en", size="base"))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    results: dict[tuple[str, str], list[dict[str, object]]] = {}
    for name in TEXTS:  # one unmeasured start of each: the disk cache warm for all
        for code in VARIANTS.values():
            run_child(code, env, TEXTS[name], pack.path)
    for round_no in range(rounds):
        order = list(VARIANTS.items())
        if round_no % 2:
            order.reverse()
        for name, text in TEXTS.items():
            for variant, code in order:
                results.setdefault((name, variant), []).append(
                    run_child(code, env, text, pack.path)
                )
    print()
    print(
        f"Cold first translation, new process each, {rounds} interleaved rounds "
        f"(pack: fixture 'base', {pack.size_bytes / 1e6:.0f} MB; {os.cpu_count()} cores)"
    )
    print(cpu_line())
    print("ms from Popen to the translation, peak RSS MB after it; min/median/max;")
    print("ratio = median of the per-round app/argos ratios")
    header = (
        f"{'text':9} {'figure':10} {'app':>16} {'argos':>16} {'floor':>16} "
        f"{'ratio':>6} {'aim':>8}  result"
    )
    print(header)
    print("-" * len(header))
    failed = 0
    for name in TEXTS:
        app, argos, floor = (results[(name, v)] for v in VARIANTS)
        for key, label, aim in (("ms", "cold ms", AIM_COLD), ("rss_mb", "peak MB", AIM_RSS)):
            a = [float(r[key]) for r in app]  # type: ignore[arg-type]
            b = [float(r[key]) for r in argos]  # type: ignore[arg-type]
            f = [float(r[key]) for r in floor]  # type: ignore[arg-type]
            ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
            ok = ratio <= aim
            failed += not ok
            print(
                f"{name:9} {label:10} {spread(a):>16} {spread(b):>16} {spread(f):>16} "
                f"{ratio:6.2f} {'<= ' + str(aim):>8}  {'PASS' if ok else 'FAIL'}"
            )
        same = "".join(str(floor[-1]["out"]).split()) == "".join(str(argos[-1]["out"]).split())
        print(f"{'':9} floor and argos give the same text: {same}")
    print(f"aims: cold first translation <= {AIM_COLD} of argos, peak RSS <= {AIM_RSS} of argos")
    return failed


# Table 2 ---------------------------------------------------------------------------------------
LINES = [
    "宝子们，今天给大家分享一个超级好用的平替！",
    "这家店的咖啡绝绝子，环境也很出片，强烈推荐。",
    "上海房租太贵了，你们那边多少钱？",
    "新人报到，我是从TikTok来的美国人，请多关照。",
    "求问这件外套在哪里买的？",
    "健身打卡，体重减了，加油！",
    "护肤心得：早上洗脸，涂防晒，晚上卸妆很重要。",
    "点赞收藏加关注，评论区见！",
]


def long_post(chars: int) -> str:
    """A paste of ``chars`` characters whose sentences are all different (nothing cached)."""
    out: list[str] = []
    size = 0
    day = 0
    while size < chars:
        line = f"第{day}天，{LINES[day % len(LINES)]}"
        out.append(line)
        size += len(line) + (day % 5 == 4)
        if day % 5 == 4:
            out.append("\n")
        day += 1
    return "".join(out)[:chars]


class RecordingEngine:
    """The offline engine, noting every batch the translator hands it."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.info = engine.info
        self.batches: list[list[str]] = []

    def supports(self, source: str, target: str) -> bool:
        return bool(self.engine.supports(source, target))

    def translate_batch(self, sentences: Any, source: str, target: str, cancel: Any = None) -> Any:
        self.batches.append(list(sentences))
        return self.engine.translate_batch(sentences, source, target, cancel)


def overhead_table(work: Path, rounds: int, sizes: list[int]) -> int:
    from companion.packs import install_pack
    from companion.session import Session
    from companion.settings import Settings
    from companion.translator import SentenceCache
    from tests.fixture_pack import build_pack

    setup_env(work / "overhead")
    pack = install_pack(build_pack(work / "build", "zh", "en", size="tiny"))
    session = Session(Settings())
    session.warm()
    engine = session.offline
    engine.translate_batch(["预热。"], "zh", "en")
    recorder = RecordingEngine(engine)
    session.offline = recorder  # the translator built below sends its batches through it
    texts = {size: long_post(size) for size in sizes}
    batches: dict[int, list[list[str]]] = {}
    for size, text in texts.items():  # once, unmeasured: what the translator sends
        recorder.batches = []
        session.cache = SentenceCache()
        session.invalidate()
        session.translator().translate(text, find_terms=False)
        batches[size], recorder.batches = recorder.batches, []
    app: dict[int, list[float]] = {size: [] for size in sizes}
    alone: dict[int, list[float]] = {size: [] for size in sizes}
    for round_no in range(rounds):
        for size, text in texts.items():
            for variant in ("app", "engine") if round_no % 2 == 0 else ("engine", "app"):
                if variant == "app":
                    session.cache = SentenceCache()
                    session.invalidate()
                    translator = session.translator()
                    partials: list[object] = []
                    t0 = time.perf_counter()
                    translator.translate(text, on_progress=partials.append, find_terms=False)
                    app[size].append((time.perf_counter() - t0) * 1000)
                else:
                    t0 = time.perf_counter()
                    for batch in batches[size]:
                        engine.translate_batch(batch, "zh", "en")
                    alone[size].append((time.perf_counter() - t0) * 1000)
    print()
    print(
        f"Translator overhead, one process, {rounds} interleaved rounds (pack: fixture "
        f"'tiny', {pack.size_bytes / 1e6:.1f} MB)"
    )
    print("app = Translator with the phrasebook glossary (cache emptied, progress callback);")
    print("engine = the offline engine alone given exactly the batches the translator sends")
    print("(recorded once); order alternates by round")
    header = (
        f"{'text':18} {'app ms':>18} {'engine ms':>18} {'ratio':>6} "
        f"{'extra ms/1k chars':>18} {'aim':>8}  result"
    )
    print(header)
    print("-" * len(header))
    failed = 0
    per_k: dict[int, float] = {}
    for size in sizes:
        ratio = statistics.median(a / b for a, b in zip(app[size], alone[size], strict=True))
        extra = statistics.median(a - b for a, b in zip(app[size], alone[size], strict=True))
        per_k[size] = extra / (size / 1000)
        aim = AIM_OVERHEAD if size == max(sizes) else None
        verdict = ""
        if aim is not None:
            ok = ratio <= aim
            failed += not ok
            verdict = "PASS" if ok else "FAIL"
        print(
            f"{f'{size:,} chars':18} {spread(app[size]):>18} {spread(alone[size]):>18} "
            f"{ratio:6.2f} {per_k[size]:18.2f} {'<= ' + str(aim) if aim else '':>8}  {verdict}"
        )
    ratios = {
        size: statistics.median(a / b for a, b in zip(app[size], alone[size], strict=True))
        for size in sizes
    }
    growth = ratios[max(sizes)] / ratios[min(sizes)]
    linear = growth <= 1.1  # the translator's share does not grow with the text
    failed += not linear
    print(
        f"linear: ratio at {max(sizes):,} / ratio at {min(sizes):,} = {growth:.2f} "
        f"(aim <= 1.1: the overhead grows no faster than the text)  {'PASS' if linear else 'FAIL'}"
    )
    print(f"aim: app <= {AIM_OVERHEAD}x the engine alone at {max(sizes):,} characters, linear")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="cold rounds (>= 10 for figures)")
    parser.add_argument("--overhead-rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 rounds, 10k only")
    args = parser.parse_args()
    # PYTHONDONTWRITEBYTECODE=1 on these machines: compiled first, as an installed app is.
    compileall.compile_dir(str(REPO / "companion"), quiet=1)
    print("project compiled first (python -m compileall), as an installed app is")
    work = Path(tempfile.mkdtemp(prefix="companion-bench-"))
    try:
        failed = cold_table(work, 2 if args.quick else args.rounds)
        sizes = [2_000, 10_000] if args.quick else [10_000, 100_000]
        failed += overhead_table(work, 1 if args.quick else args.overhead_rounds, sizes)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
