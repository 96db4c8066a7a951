"""Pinyin benchmark: our word-level annotation vs bare pypinyin, dictionary load and start-up.

Run: ``.venv/bin/python bench/pinyin.py``. Prints a table; all ratios are within this one run.
Targets: annotate / pypinyin.pinyin <= 3 on a 300-character post (medians of interleaved
rounds after warm-up, the context model loaded), and importing the ruby view must not import
the dictionary, the context model or pypinyin. The CLI rows run ``python -m companion pinyin``
as a user would, with the dictionary cache built and the code compiled first
(``PYTHONDONTWRITEBYTECODE=1`` is set on these machines, so a source run would recompile).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

POST = (
    "姐妹们！今天终于去了重庆那家超火的网红火锅店🔥，排队排了快两个小时，但是真的值得！"
    "锅底是牛油的，麻辣鲜香，毛肚和鸭肠都特别新鲜，七上八下涮一下就能吃。服务员小姐姐超级热情，"
    "还送了我们一份冰粉当甜品。人均一百五左右，不算便宜但也不贵。强烈推荐给喜欢吃辣的朋友们，"
    "不过周末人真的很多，建议工作日去或者提前在小程序上取号。我们点了一个鸳鸯锅，"
    "清汤那边给不能吃辣的闺蜜。银行行长也在隔壁桌排队哈哈哈😂 还没有还钱的别来问我要链接！"
    "#重庆美食# #火锅# @小红书薯 下次还要再去一次，绝绝子，yyds！"
    "PS：地址和营业时间放在评论区了，有问题可以私信我～记得点赞收藏关注哦，爱你们！❤️"
)[:300]


def median_time(func: Callable[[], object], runs: int = 50, warmup: int = 5) -> float:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _python(code: str, home: str) -> str:
    env = dict(os.environ, COMPANION_HOME=home, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return out.stdout.strip()


LOAD_CODE = """
import time
def rss(): return int(open('/proc/self/statm').read().split()[1]) * 4096 / 2**20
before = rss()
start = time.perf_counter()
from companion.dictionary import get_dictionary
get_dictionary().load()
elapsed = time.perf_counter() - start
print(f"{elapsed:.4f} {rss() - before:.1f}")
"""

MODEL_CODE = """
import time
start = time.perf_counter()
from companion.polyphones import get_model
assert get_model() is not None
print(f"{time.perf_counter() - start:.4f}")
"""

IMPORT_CODE = """
import sys, time
start = time.perf_counter()
import companion.ui.reading.ruby_view
elapsed = time.perf_counter() - start
loaded = any(m.startswith(('companion.dictionary', 'companion.polyphones', 'numpy'))
             or m == 'pypinyin' for m in sys.modules)
print(f"{elapsed:.4f} {int(loaded)}")
"""


def _cli_seconds(home: str, text: str, runs: int = 5) -> float:
    env = dict(os.environ, COMPANION_HOME=home, PYTHONPATH=str(REPO))
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "companion", "pinyin", text],
            env=env, capture_output=True, check=True, cwd=REPO,
        )  # fmt: skip
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    rows: list[tuple[str, str]] = []
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "companion")], check=True
    )
    with tempfile.TemporaryDirectory() as home:
        # 1. first use ever (no cache: parse CC-CEDICT and write the cache), then with cache
        first_time, first_rss = map(float, _python(LOAD_CODE, home).split())
        cached = [tuple(map(float, _python(LOAD_CODE, home).split())) for _ in range(5)]
        load_time = statistics.median(c[0] for c in cached)
        load_rss = statistics.median(c[1] for c in cached)
        rows += [
            ("dictionary first use, building the cache", f"{first_time * 1000:8.0f} ms"),
            ("  RSS added to the app (the build runs in a child)", f"{first_rss:8.1f} MB"),
            ("dictionary load from cache (median of 5)", f"{load_time * 1000:8.0f} ms"),
            ("  RSS added by the loaded dictionary", f"{load_rss:8.1f} MB"),
        ]
        model_time = statistics.median(float(_python(MODEL_CODE, home)) for _ in range(3))
        rows.append(("context model load, numpy included (median of 3)",
                     f"{model_time * 1000:8.0f} ms"))  # fmt: skip
        plain = _cli_seconds(home, "你好世界")
        polyphonic = _cli_seconds(home, "头发好长，他还没还钱")
        rows += [
            ("CLI pinyin 你好世界, cold (median of 5)", f"{plain * 1000:8.0f} ms"),
            ("CLI pinyin 头发好长，他还没还钱 (loads the model)", f"{polyphonic * 1000:8.0f} ms"),
        ]
        # 2. start-up impact: importing the ruby view, vs the same plus loading the dictionary
        imports = [_python(IMPORT_CODE, home).split() for _ in range(5)]
        import_time = statistics.median(float(i[0]) for i in imports)
        dictionary_imported = any(i[1] == "1" for i in imports)
        rows += [
            ("import ...ui.reading.ruby_view (median of 5)", f"{import_time * 1000:8.0f} ms"),
            ("  ... plus loading the dictionary would add", f"{load_time * 1000:8.0f} ms"),
            ("  dictionary/model/pypinyin imported at start-up?", "     yes" if dictionary_imported
             else "      no"),
        ]  # fmt: skip

        # 3. per-post speed, in this process (cache already built in `home`)
        os.environ["COMPANION_HOME"] = home
        from companion.dictionary import prepare_dictionary
        from companion.pinyin import annotate

        prepare_dictionary()
        import pypinyin

        words = annotate(POST)  # loads the context model
        glossed = sum(1 for w in words if w.is_chinese and w.gloss)
        ours_samples, bare_samples = [], []
        for _ in range(5):
            annotate(POST)
            pypinyin.pinyin(POST)
        for _ in range(60):  # interleaved, so machine noise hits both alike
            ours_samples.append(median_time(lambda: annotate(POST), runs=1, warmup=0))
            bare_samples.append(median_time(lambda: pypinyin.pinyin(POST), runs=1, warmup=0))
        ours = statistics.median(ours_samples)
        bare = statistics.median(bare_samples)
        ratio = ours / bare
        rows += [
            (f"annotate(): segment + pinyin + gloss, {len(POST)} chars", f"{ours * 1000:8.2f} ms"),
            (f"  ({sum(w.is_chinese for w in words)} Chinese words, {glossed} with a gloss)", ""),
            ("pypinyin.pinyin() on the same text", f"{bare * 1000:8.2f} ms"),
            ("ratio ours / pypinyin (target <= 3)", f"{ratio:8.2f}"),
        ]
    width = max(len(label) for label, _ in rows)
    print(f"{'measure':<{width}}  value")
    print("-" * (width + 14))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    ok = ratio <= 3 and not dictionary_imported
    print("\nPASS" if ok else "\nFAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
