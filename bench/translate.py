"""Offline translation speed and memory: Companion's engine against argos-translate.

Plain script, one run, prints a table of ratios with PASS/FAIL against the targets:

  (a) cold first translation in a new process (median of several runs):
      ours / argos <= 0.7; a bare ctranslate2 + sentencepiece script is shown as the floor;
  (b) steady-state latency per sentence: ours / raw ``Translator.translate_batch`` on
      pre-tokenized input with the same decoding settings <= 1.15;
  (c) peak RSS of the child after its first translation: ours / argos <= 0.8.

The model is a size="base" fixture pack (random weights, the shape of argos's zh->en 1.9
model) installed into a temporary ARGOS_PACKAGES_DIR, so nothing is downloaded.

argos's default sentence splitter (minisbd) downloads a model on first use, which fails
offline; for the comparison argos is given a punctuation splitter instead (printed below).

    .venv/bin/python bench/translate.py [--repeats N] [--keep DIR]
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# A RedNote-style post, one sentence per entry (what the translator hands the engine).
SENTENCES = [
    "宝子们，今天给大家分享一个超级好用的平替！",
    "这家店的咖啡绝绝子，环境也很出片，强烈推荐。",
    "上海房租太贵了，一个月要六千块，你们那边多少钱？",
    "新人报到，我是从TikTok来的美国人，请多关照。",
    "求问这件外套在哪里买的？",
    "健身打卡第三十天，体重减了五斤，加油！",
    "护肤心得：早上洗脸，涂防晒，晚上卸妆很重要。",
    "点赞收藏加关注，评论区见！",
]

# Each child prints one JSON line and leaves with os._exit, so teardown is not timed.
# Peak RSS: VmHWM belongs to this process image (ru_maxrss survives exec and may carry the
# parent's peak), ru_maxrss where /proc is missing.
_REPORT = (
    "import resource, json, os, re, sys\n"
    "try:\n"
    "    PEAK = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "except OSError:\n"
    "    PEAK = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "sys.stdout.write(json.dumps({'out': OUT, 'rss_kb': PEAK}) + '\\n')\n"
    "sys.stdout.flush()\n"
    "os._exit(0)\n"
)

OURS = (
    "import json, sys\n"
    "SENTENCES = json.loads(sys.argv[1])\n"
    "from companion.engines.offline import OfflineEngine\n"
    "OUT = OfflineEngine().translate_batch(SENTENCES, 'zh', 'en')\n" + _REPORT
)

ARGOS = (
    "import json, re, sys\n"
    "SENTENCES = json.loads(sys.argv[1])\n"
    "import argostranslate.translate as argos\n"
    "class PunctuationSentencizer:\n"
    "    def __init__(self, pkg):\n"
    "        self.pkg = pkg\n"
    "    def split_sentences(self, text):\n"
    "        return [s for s in re.findall(r'[^。！？!?]+[。！？!?]*', text) if s.strip()]\n"
    "argos.MiniSBDSentencizer = PunctuationSentencizer  # offline splitter (see docstring)\n"
    "OUT = argos.translate(''.join(SENTENCES), 'zh', 'en')\n" + _REPORT
)

FLOOR = (
    "import json, os, sys\n"
    "SENTENCES = json.loads(sys.argv[1])\n"
    "import ctranslate2, sentencepiece\n"
    "root = sys.argv[2]\n"
    "sp = sentencepiece.SentencePieceProcessor(model_file=os.path.join(root, "
    "'sentencepiece.model'))\n"
    "tr = ctranslate2.Translator(os.path.join(root, 'model'), device='cpu', "
    "compute_type='int8', intra_threads=os.cpu_count())\n"
    "res = tr.translate_batch([sp.encode(s, out_type=str) for s in SENTENCES], beam_size=4, "
    "length_penalty=0.2, replace_unknowns=True, max_batch_size=4, batch_type='examples')\n"
    "OUT = [sp.decode_pieces(r.hypotheses[0]) for r in res]\n" + _REPORT
)


def _run_child(code: str, env: dict[str, str], pack_dir: Path) -> tuple[float, int, object]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(SENTENCES, ensure_ascii=False), str(pack_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return elapsed, int(report["rss_kb"]), report["out"]


def _steady_state(pack_dir: Path, rounds: int) -> tuple[float, float]:
    """Median seconds per sentence: our engine vs raw translate_batch, same process."""
    import ctranslate2
    import sentencepiece

    from companion.engines import offline

    engine = offline.OfflineEngine()
    engine.warm("zh", "en")
    sp = sentencepiece.SentencePieceProcessor(model_file=str(pack_dir / "sentencepiece.model"))
    raw = ctranslate2.Translator(
        str(pack_dir / "model"),
        device="cpu",
        compute_type="int8",
        intra_threads=os.cpu_count() or 1,
    )
    tokens = [sp.encode(s, out_type=str) for s in SENTENCES]
    ours_times: list[float] = []
    raw_times: list[float] = []

    def raw_call(tok: list[str]) -> None:  # the engine's own settings, nothing around them
        raw.translate_batch(
            [tok],
            beam_size=offline.BEAM_SIZE,
            length_penalty=offline.LENGTH_PENALTY,
            replace_unknowns=True,
            max_batch_size=offline.MAX_BATCH_SIZE,
            batch_type=offline.BATCH_TYPE,
            max_decoding_length=min(
                offline.DECODE_CAP, int(len(tok) * offline.DECODE_RATIO) + offline.DECODE_EXTRA
            ),
        )

    for s, tok in zip(SENTENCES, tokens, strict=True):  # warm both once
        engine.translate_batch([s], "zh", "en")
        raw_call(tok)
    for _ in range(rounds):  # interleaved so drift affects both the same
        for s, tok in zip(SENTENCES, tokens, strict=True):
            t0 = time.perf_counter()
            engine.translate_batch([s], "zh", "en")
            t1 = time.perf_counter()
            raw_call(tok)
            t2 = time.perf_counter()
            ours_times.append(t1 - t0)
            raw_times.append(t2 - t1)
    return statistics.median(ours_times), statistics.median(raw_times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="cold runs per variant")
    parser.add_argument("--rounds", type=int, default=5, help="steady-state rounds")
    parser.add_argument("--keep", type=Path, default=None, help="reuse/build packs here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="companion-bench-"))
    try:
        return _bench(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _bench(args: argparse.Namespace, work: Path) -> int:
    env = dict(os.environ)
    for key, sub in (
        ("ARGOS_PACKAGES_DIR", "argos"),
        ("COMPANION_HOME", "home"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (work / sub).mkdir()
        env[key] = str(work / sub)
        os.environ[key] = str(work / sub)
    env["PYTHONPATH"] = str(REPO)
    for noisy in ("ARGOS_DEBUG", "COMPANION_DEBUG"):
        env.pop(noisy, None)

    from companion.packs import install_pack
    from tests.fixture_pack import build_pack

    t0 = time.perf_counter()
    build_dir = args.keep or work / "build"
    # Built in a child so this process stays small (its children inherit nothing big).
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; "
            "from tests.fixture_pack import build_pack; "
            "build_pack(Path(sys.argv[1]), 'zh', 'en', size='base')",
            str(build_dir),
        ],
        cwd=REPO,
        env=env,
        check=True,
    )
    archive = build_pack(build_dir, "zh", "en", size="base")  # cached: returns the file
    pack = install_pack(archive)
    print(
        f"fixture pack: {archive.name}, {pack.size_bytes / 1e6:.0f} MB installed "
        f"(built/reused in {time.perf_counter() - t0:.1f} s)"
    )
    print("argos: sentence splitter replaced by a punctuation splitter (minisbd needs a download)")
    print(f"sentences: {len(SENTENCES)}, cold repeats: {args.repeats}, cores: {os.cpu_count()}")

    variants = {"ours": OURS, "argos": ARGOS, "floor": FLOOR}
    times: dict[str, list[float]] = {name: [] for name in variants}
    rss: dict[str, list[int]] = {name: [] for name in variants}
    outputs: dict[str, object] = {}
    for _ in range(args.repeats):
        for name, code in variants.items():  # interleaved: drift hits every variant alike
            elapsed, peak_kb, out = _run_child(code, env, pack.path)
            times[name].append(elapsed)
            rss[name].append(peak_kb)
            outputs[name] = out
    cold = {name: statistics.median(v) for name, v in times.items()}
    peak = {name: statistics.median(v) for name, v in rss.items()}
    ours_out = outputs["ours"]
    argos_out = outputs["argos"]
    lengths = [len(str(t).split()) for t in (ours_out if isinstance(ours_out, list) else [])]
    print(f"output words per sentence (ours): {lengths}")
    same = isinstance(ours_out, list) and "".join("".join(ours_out).split()) == "".join(
        str(argos_out).split()
    )
    print(f"ours and argos produce the same text: {same}")

    steady_ours, steady_raw = _steady_state(pack.path, args.rounds)

    rows = [
        ("(a) cold first translation", cold["ours"], cold["argos"], "s", 0.7),
        ("(b) steady-state per sentence", steady_ours, steady_raw, "s", 1.15),
        (
            "(c) peak RSS after first translation",
            peak["ours"] / 1024,
            peak["argos"] / 1024,
            "MB",
            0.8,
        ),
    ]
    print()
    print(f"{'measurement':40} {'ours':>10} {'baseline':>10} {'ratio':>7} {'target':>8}  result")
    print("-" * 90)
    failed = 0
    for label, ours, base, unit, target in rows:
        ratio = ours / base
        ok = ratio <= target
        failed += not ok
        print(
            f"{label:40} {ours:9.3f}{unit[0]} {base:9.3f}{unit[0]} {ratio:7.2f} "
            f"{'<= ' + str(target):>8}  {'PASS' if ok else 'FAIL'}"
        )
    print("-" * 90)
    print(
        "baselines: (a) argostranslate.translate.translate  (b) raw ctranslate2 translate_batch"
        "  (c) argos"
    )
    print(
        f"floor (bare ctranslate2+sentencepiece script): cold {cold['floor']:.3f} s "
        f"(ours/floor {cold['ours'] / cold['floor']:.2f}), peak RSS {peak['floor'] / 1024:.0f} MB"
    )
    print(
        "cold runs (s): "
        + "; ".join(f"{n} {', '.join(f'{x:.2f}' for x in v)}" for n, v in times.items())
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
