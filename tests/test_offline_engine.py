"""The offline engine on real (random-weight) argos packs: loading, batching, output, errors."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from companion import packs
from companion.engines.base import Cancelled, CancelToken, Engine, EngineError, ErrorKind
from companion.engines.offline import OfflineEngine, clean_output
from tests.fixture_pack import CORPUS

REPO = Path(__file__).resolve().parent.parent
ZH = [line for line in CORPUS.splitlines() if line and not line.isascii()]
EN = [line for line in CORPUS.splitlines() if line and line.isascii()]
HAN_GAP = re.compile(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]")


def test_engine_info_and_protocol() -> None:
    engine = OfflineEngine()
    assert isinstance(engine, Engine)
    assert (engine.info.name, engine.info.label, engine.info.online) == (
        "offline",
        "Offline (Argos)",
        False,
    )


def test_no_pack_is_a_clear_error() -> None:
    engine = OfflineEngine()
    assert not engine.supports("zh", "en")
    assert engine.warm("zh", "en") is False
    with pytest.raises(EngineError) as info:
        engine.translate_batch(["你好"], "zh", "en")
    assert info.value.kind is ErrorKind.NO_PACK
    assert info.value.message == "No Chinese→English language pack is installed"
    # empty input needs no pack and no model
    assert engine.translate_batch(["", "  "], "zh", "en") == ["", ""]


def test_translates_both_directions(installed_packs: list[Path]) -> None:
    engine = OfflineEngine()
    assert engine.supports("zh", "en") and engine.supports("en", "zh")
    assert not engine.supports("zh", "fr")
    zh_out = engine.translate_batch(ZH[:12], "zh", "en")
    assert len(zh_out) == 12
    assert all(isinstance(t, str) for t in zh_out)
    assert sum(1 for t in zh_out if t) >= 10  # the fixture ends most outputs after a few tokens
    en_out = engine.translate_batch(EN[:12], "en", "zh")
    assert len(en_out) == 12 and sum(1 for t in en_out if t) >= 10
    for text in en_out:
        assert not HAN_GAP.search(text), text
        assert "▁" not in text


def test_same_as_argos_pipeline_for_the_same_pack(installed_packs: list[Path]) -> None:
    """Our direct CTranslate2 path decodes like argos's own (same settings, same pack)."""
    import ctranslate2
    from argostranslate import translate as argos_translate
    from argostranslate.package import Package

    class OneSentence:
        def split_sentences(self, text: str) -> list[str]:
            return [text]

    pack = packs.find_pack("zh", "en")
    assert pack is not None
    pkg = Package(pack.path)
    translator = ctranslate2.Translator(str(pack.path / "model"), device="cpu")
    engine = OfflineEngine()
    ours = engine.translate_batch(ZH[:10], "zh", "en")
    for sentence, mine in zip(ZH[:10], ours, strict=True):
        hyp = argos_translate.apply_packaged_translation(
            pkg,
            sentence,
            translator,
            OneSentence(),
            num_hypotheses=1,
        )[0]
        theirs = " ".join(hyp.value.split())
        if len(theirs) < 40:  # argos has no length cap; compare where neither hit ours
            assert mine == theirs


def test_model_is_loaded_once_and_reloaded_after_reinstall(
    installed_packs: list[Path], zh_en_pack_file: Path
) -> None:
    engine = OfflineEngine()
    assert engine.warm("zh", "en") is True
    pack = packs.find_pack("zh", "en")
    assert pack is not None
    first = engine._model_for(pack.path)
    engine.translate_batch(ZH[:3], "zh", "en")
    engine.translate_batch(ZH[3:6], "zh", "en")
    assert engine._model_for(pack.path) is first
    assert engine.loaded() == [pack.path]
    engine.forget()
    assert engine.loaded() == []
    second = engine._model_for(pack.path)
    assert second is not first
    # a reinstall changes model.bin's mtime: the stale model is not used
    packs.install_pack(zh_en_pack_file)
    engine.translate_batch(ZH[:1], "zh", "en")
    assert engine._model_for(pack.path) is not second
    assert first.compute_type in ("int8", "default")


def test_uninstalled_pack_gives_no_pack(installed_packs: list[Path]) -> None:
    engine = OfflineEngine()
    assert engine.translate_batch(ZH[:1], "zh", "en")
    pack = packs.find_pack("zh", "en")
    assert pack is not None
    packs.uninstall_pack(pack)
    engine.forget()
    with pytest.raises(EngineError) as info:
        engine.translate_batch(ZH[:1], "zh", "en")
    assert info.value.kind is ErrorKind.NO_PACK


def test_odd_inputs_keep_order_and_length(installed_packs: list[Path]) -> None:
    engine = OfflineEngine()
    inputs = ["", "😀😀😀", "小红书" * 200, "  ", "yyds！！！", "\u200b", "种草"]
    out = engine.translate_batch(inputs, "zh", "en")
    assert len(out) == len(inputs)
    assert out[0] == "" and out[3] == ""
    assert all("\n" not in t for t in out)


def test_concurrent_calls_match_serial_results(installed_packs: list[Path]) -> None:
    engine = OfflineEngine()
    serial = [engine.translate_batch([s], "zh", "en")[0] for s in ZH[:8]]
    engine.forget()  # make the threads race on the first load too
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results[i] = engine.translate_batch([ZH[i]], "zh", "en")[0]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert [results[i] for i in range(8)] == serial
    assert len(engine.loaded()) == 1


def test_cancelled_before_start(installed_packs: list[Path]) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        OfflineEngine().translate_batch(ZH[:2], "zh", "en", cancel=token)


def test_clean_output_for_chinese_and_english() -> None:
    assert clean_output("我 喜欢 你 iPhone 拍 的 ！", "zh") == "我喜欢你 iPhone 拍的！"
    assert clean_output("  Hello ⁇ world  ", "en") == "Hello world"
    assert clean_output("a  b", "en") == "a b"


def test_import_is_cheap() -> None:
    code = (
        "import sys, companion.engines.offline; "
        "print(sorted(m for m in ('ctranslate2', 'sentencepiece', 'argostranslate', 'numpy') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_lone_surrogates_do_not_break_translation(installed_packs: list[Path]) -> None:
    """A broken paste or argv can carry half an emoji: the tokenizer would raise a cast error."""
    engine = OfflineEngine()
    out = engine.translate_batch(["你好\ud83d世界", "\udc00", "ok \ud83d\ude00 fine"], "zh", "en")
    assert len(out) == 3 and all(isinstance(t, str) for t in out)
    assert engine.translate_batch(["hello \ud800"], "en", "zh")[0] is not None


def test_load_errors_are_plain_words() -> None:
    from companion.engines.offline import plain_load_error

    cases = {
        "[json.exception.type_error.302] type must be string, but is null": "config.json",
        "[json.exception.parse_error.101] parse error at line 1": "config.json",
        "Cannot load the target vocabulary from the model directory": "vocabulary",
        "File model.bin is incomplete: failed to read a value of size 4": "model.bin",
        "Unsupported model binary version. This executable supports v6": "model.bin",
        "INTERNAL: could not parse ModelProto from x.model": "sentencepiece.model",
        "std::bad_alloc": "memory",
    }
    for raw, words in cases.items():
        plain = plain_load_error(RuntimeError(raw))
        assert words in plain and "exception" not in plain and "INTERNAL" not in plain


def test_default_threads_leave_a_core_for_the_window() -> None:
    from companion.engines.offline import default_threads

    assert [default_threads(cores) for cores in (1, 2, 4, 16)] == [1, 1, 3, 15]
    assert OfflineEngine()._threads == default_threads()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts /proc/self/task")
def test_loading_leaves_no_openmp_team_on_the_calling_thread(installed_packs: list[Path]) -> None:
    """Built on a long-lived thread, a model's OpenMP helpers outlive the load (libgomp keeps
    a team per thread) and throttle every later translation: the model is built on a thread
    that ends. In a fresh process loading and translating with 2 threads adds CTranslate2's
    worker and its one OpenMP helper, nothing more."""
    code = (
        "import os; from companion.engines.offline import OfflineEngine\n"
        "engine = OfflineEngine(threads=2)\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "out = engine.translate_batch(['你好。', '今天天气很好。'], 'zh', 'en')\n"
        "print(len(out), len(os.listdir('/proc/self/task')) - before)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["2", "2"], out.stderr


def test_prefetch_loads_in_the_background_once(installed_packs: list[Path]) -> None:
    engine = OfflineEngine(threads=1)
    engine.prefetch("zh", "fr")  # no such pack: nothing to do
    engine.prefetch("zh", "en")
    engine.prefetch("zh", "en")  # already loading: no second load
    loaders = [t for t in threading.enumerate() if t.name == "companion-prefetch-model"]
    assert len(loaders) <= 1
    # The translation waits for the load the prefetch started instead of starting its own.
    assert len(engine.translate_batch(ZH[:2], "zh", "en")) == 2
    for thread in loaders:
        thread.join(timeout=60)
    assert [p.name for p in engine.loaded()] == [installed_packs[0].name]
    assert not engine._prefetching
    engine.prefetch("zh", "en")  # loaded: returns at once, no thread
    assert not [t for t in threading.enumerate() if t.name == "companion-prefetch-model"]
