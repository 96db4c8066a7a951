"""The offline engine: argos language packs run directly with CTranslate2 and SentencePiece.

We do not call ``argostranslate.translate``: it imports its sentence splitter (which wants a
model download), re-splits text the translator already split, and loads more than needed.
Here each pack's model is loaded once (int8 on CPU, all cores), every sentence of a request
goes into one ``translate_batch`` call with argos's own decoding settings, and the
SentencePiece model is used directly. ``ctranslate2`` and ``sentencepiece`` are imported
only when a model is loaded, so importing this module costs nothing at start-up.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.engines.base import (
    LANGUAGE_NAMES,
    CancelToken,
    EngineError,
    EngineInfo,
    ErrorKind,
)
from companion.text import CJK_CLASS

# argos's decoding settings (argostranslate/settings.py and translate.py), so our output is
# the same as argos's for the same sentence.
BEAM_SIZE = 4
LENGTH_PENALTY = 0.2
# The deliberate differences from argos: argos caps a batch at 32 *tokens*, which decodes a
# post's sentences one after another; we decode 4 sentences at a time (twice as fast on two
# cores, same hypotheses: the tests compare with argos). More at once would be faster still,
# but every hypothesis holds a vocabulary-sized score row (50k floats), so 4 keeps the peak
# memory of a first translation low.
BATCH_TYPE = "examples"
MAX_BATCH_SIZE = 4
# argos packs are trained on segments of at most 150 tokens: longer input is cut into chunks
# of that size and translated piece by piece instead of being truncated by CTranslate2.
MAX_INPUT_TOKENS = 150
# Output may be longer than the input (Chinese -> English roughly doubles the token count);
# the cap stops a model that loops from decoding for seconds.
DECODE_RATIO = 2.5
DECODE_EXTRA = 10
DECODE_CAP = 512


@functools.cache
def _cjk_gap() -> re.Pattern[str]:
    """Spaces between Han characters, CJK punctuation or full-width forms (none in Chinese).

    Compiled on first use (only output in Chinese needs it): the class is large, and compiling
    it at import cost ~30 ms of every cold start before the model could start loading.
    """
    return re.compile(rf"(?<=[{CJK_CLASS}])[ \t]+(?=[{CJK_CLASS}])")


_UNK_MARK = " ⁇ "
_SURROGATE = re.compile("[\ud800-\udfff]")
_log = logging.getLogger(__name__)


def plain_load_error(exc: BaseException, default: str = "the model could not be loaded") -> str:
    """What CTranslate2's or SentencePiece's error means for the user (no C++ exception text)."""
    text = str(exc)
    lowered = text.lower()
    if "json.exception" in lowered or "config" in lowered:
        return "the model's settings (model/config.json) are damaged or missing"
    if "vocabulary" in lowered:
        return "the model's vocabulary is missing or damaged"
    if "modelproto" in lowered or "unk is not defined" in lowered or "sentencepiece" in lowered:
        return "the tokenizer (sentencepiece.model) is damaged"
    if "bad_alloc" in lowered or "out of memory" in lowered:
        return "there is not enough memory to load the model"
    if any(w in lowered for w in ("model.bin", "binary version", "incomplete", "decode")):
        return "the model file (model/model.bin) is damaged"
    return default


class PackLoadError(EngineError):
    """A pack that cannot be loaded; ``reason`` is the plain cause without the pack's name."""

    def __init__(self, engine: str, path: Path, reason: str) -> None:
        super().__init__(
            engine,
            ErrorKind.INTERNAL,
            f"the language pack {path.name} cannot be used: {reason}; reinstall it",
        )
        self.reason = reason


def _encodable(text: str) -> str:
    """``text`` without lone surrogates (a broken paste or argv), which the tokenizer rejects."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


@dataclass
class _Model:
    """One loaded pack: a CTranslate2 translator and its SentencePiece processor."""

    key: tuple[str, int, int]
    translator: Any
    tokenizer: Any
    target_prefix: str
    compute_type: str
    lock: threading.Lock


_malloc_tuned = False
_libc: Any = None


def _trim_heap() -> None:
    """Give the heap's free pages back to the OS now (glibc only), after a model load.

    Building a model frees its read buffers in the building thread's malloc arena, which glibc
    does not shrink by itself: ~7 MB that stayed resident for as long as the process lived, and
    added to the peak of the first translation (a post's peak RSS 6 MB lower with the trim).
    """
    if _libc is not None and hasattr(_libc, "malloc_trim"):
        _libc.malloc_trim(0)


def _tune_malloc() -> None:
    """Let glibc hand large freed buffers back to the OS (Linux only, once).

    Decoding allocates vocabulary-sized buffers at every step. glibc raises its mmap
    threshold after the first such buffer is freed, so later ones stay in the heap and the
    process keeps ~10-20 MB it no longer uses, and the peak grows. A fixed 1 MiB threshold
    returns those buffers at once; small allocations stay in the heap (no page-fault cost).
    """
    global _malloc_tuned, _libc
    if _malloc_tuned or not sys.platform.startswith("linux"):
        return
    _malloc_tuned = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD: 1 MiB, score rows and up
        _libc = libc
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


def _unpacked_gemm() -> None:
    """Ask CTranslate2 not to repack the int8 weights for Intel MKL's packed GEMM.

    On an Intel CPU CTranslate2 copies every int8 matrix into MKL's packed layout while the
    model loads, keeping the originals until the end: ~20 MB more at the peak of a first
    translation and ~9 MB more for as long as the model stays loaded (zh->en base model). The
    integer products are the same either way, so the translations are identical (the tests
    compare with argos, which packs). CTranslate2 reads the variable once, at its first
    model load; a value the user set is kept.
    """
    os.environ.setdefault("CT2_PACKED_GEMM", "0")


def _import_ctranslate2() -> Any:
    """CTranslate2's compiled core, without running its package ``__init__``.

    ``import ctranslate2`` also imports asyncio, logging and ssl for helpers we do not use:
    ~80 ms and ~10 MB on the first translation. Its ``_ext`` module has everything we call
    (``Translator``, ``get_supported_compute_types``) and a later full ``import ctranslate2``
    reuses it. Any surprise falls back to the normal import.
    """
    loaded = sys.modules.get("ctranslate2._ext") or sys.modules.get("ctranslate2")
    if loaded is not None and hasattr(loaded, "Translator"):
        return loaded
    if sys.platform.startswith(("linux", "darwin")):
        try:
            import importlib.machinery
            import importlib.util

            package = importlib.util.find_spec("ctranslate2")
            folder = (
                Path(package.submodule_search_locations[0])
                if package is not None and package.submodule_search_locations
                else None
            )
            for suffix in importlib.machinery.EXTENSION_SUFFIXES if folder else ():
                candidate = folder / f"_ext{suffix}"  # type: ignore[operator]
                if candidate.is_file():
                    loader = importlib.machinery.ExtensionFileLoader(
                        "ctranslate2._ext", str(candidate)
                    )
                    spec = importlib.util.spec_from_file_location(
                        "ctranslate2._ext", candidate, loader=loader
                    )
                    if spec is None:
                        break
                    module = importlib.util.module_from_spec(spec)
                    loader.exec_module(module)
                    sys.modules["ctranslate2._ext"] = module
                    return module
        except (ImportError, OSError, AttributeError, ValueError):
            sys.modules.pop("ctranslate2._ext", None)
    import ctranslate2

    return ctranslate2


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_threads(cores: int | None = None) -> int:
    """OpenMP threads for a model: every core but one, and at least one.

    A CTranslate2 model splits each layer across its OpenMP threads and waits at a barrier
    until all of them are done, thousands of times a sentence. While a paste is shown, the GUI
    thread (the ruby view, the editor) wants a core too; with as many threads as cores, every
    time it takes one an OpenMP thread waits for its next time slice, and so does the whole
    team. Measured on 2 cores (the tiny fixture model, 5,000 characters, a thread doing 15 ms
    of Python every 20 ms beside it): 1 thread 0.24-0.28 s, 2 threads 0.75-12.7 s; the
    zh->en-shaped model, 600 characters: 1.0-1.3 s against 2.0-10.8 s. Quiet, 2 threads are
    up to twice as fast on the large model, but a translation the user waits for seldom runs
    on a quiet machine: the window is painting it.
    """
    return max(1, (cores or _cores()) - 1)


def clean_output(text: str, target: str) -> str:
    """Tidy decoded text: unknown-token marks, stray spaces, no gaps between Han characters."""
    text = text.replace(_UNK_MARK, " ").replace("▁", " ")
    text = re.sub(r"[ \t]{2,}", " ", text).strip()
    if target in ("zh", "zt", "ja"):
        text = _cjk_gap().sub("", text)
    return text


class OfflineEngine:
    """Translate with installed argos packs; thread-safe, models cached across calls."""

    info = EngineInfo(name="offline", label="Offline (Argos)", online=False)

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads or default_threads()
        self._models: dict[str, _Model] = {}
        self._models_lock = threading.Lock()  # guards the dict; each model has its own lock
        self._load_locks: dict[str, threading.Lock] = {}
        self._prefetching: set[str] = set()  # pack folders a prefetch thread is loading
        self._packs: dict[tuple[str, str, str], tuple[int, Any]] = {}  # see _pack_for

    # ---------------------------------------------------------------------------------------
    def supports(self, source: str, target: str) -> bool:
        from companion.packs import find_pack

        return find_pack(source, target) is not None

    def warm(self, source: str, target: str) -> bool:
        """Load the model for this direction without translating; False when no pack."""
        from companion.packs import find_pack

        pack = find_pack(source, target)
        if pack is None:
            return False
        self._model_for(pack.path)
        return True

    def prefetch(self, source: str, target: str) -> None:
        """Start loading this direction's model in the background and return at once.

        The translator calls it as soon as it knows the direction, so the model (C++, no GIL)
        loads while Python still prepares the text (the phrasebook loads on first use); the
        translation then waits only for what is left of the load. Nothing happens when there
        is no pack or the model is loaded or loading; a load that fails here is tried again,
        and reported, by the translation that needs it.
        """
        pack = self._pack_for(source, target)
        if pack is None:
            return
        name = str(pack.path)
        with self._models_lock:
            if name in self._models or name in self._prefetching:
                return
            self._prefetching.add(name)

        def load() -> None:
            try:
                self._model_for(pack.path)
            except (EngineError, OSError) as exc:
                _log.debug("prefetching %s failed: %s", pack.path, exc)
            finally:
                with self._models_lock:
                    self._prefetching.discard(name)

        # Not a daemon: a process that ends meanwhile waits for the load instead of tearing
        # down the interpreter under it.
        threading.Thread(target=load, name="companion-prefetch-model").start()

    def forget(self) -> None:
        """Drop loaded models (after a pack was installed or removed)."""
        with self._models_lock:
            self._models.clear()
            self._load_locks.clear()
            self._packs.clear()

    def _pack_for(self, source: str, target: str) -> Any:
        """``find_pack``, remembered while the packs folder is unchanged.

        Listing the packs reads every pack's metadata (~0.25 ms): once per chunk, that was
        ~0.2 s of a 100,000-character text. Installing or removing a pack adds or removes a
        folder there, which changes the folder's mtime; a pack replaced in place is caught by
        the model file's own stamp (``_key``).
        """
        from companion import paths
        from companion.packs import find_pack

        root = paths.argos_packages_dir(create=False)
        try:
            stamp = root.stat().st_mtime_ns
        except OSError:
            return find_pack(source, target)
        lookup = (str(root), source, target)
        with self._models_lock:
            known = self._packs.get(lookup)
        if known is not None and known[0] == stamp:
            return known[1]
        pack = find_pack(source, target)
        if pack is not None:
            with self._models_lock:
                self._packs[lookup] = (stamp, pack)
        return pack

    def loaded(self) -> list[Path]:
        """Pack folders whose model is in memory (for diagnostics and tests)."""
        with self._models_lock:
            return [Path(key) for key in self._models]

    # ---------------------------------------------------------------------------------------
    def _no_pack(self, source: str, target: str) -> EngineError:
        from companion.packs import list_installed

        names = (LANGUAGE_NAMES.get(source, source), LANGUAGE_NAMES.get(target, target))
        for pack in list_installed(include_damaged=True):
            if (pack.from_code, pack.to_code) == (source, target) and not pack.usable:
                return EngineError(
                    self.info.name,
                    ErrorKind.NO_PACK,
                    f"The {names[0]}→{names[1]} language pack is damaged ({pack.problem}): "
                    "reinstall it",
                )
        return EngineError(
            self.info.name,
            ErrorKind.NO_PACK,
            f"No {names[0]}→{names[1]} language pack is installed",
        )

    @staticmethod
    def _key(path: Path) -> tuple[str, int, int]:
        stat = (path / "model" / "model.bin").stat()
        return (str(path), stat.st_mtime_ns, stat.st_size)

    def _model_for(self, path: Path) -> _Model:
        key = self._key(path)
        name = str(path)
        with self._models_lock:
            model = self._models.get(name)
            if model is not None and model.key == key:
                return model
            load_lock = self._load_locks.setdefault(name, threading.Lock())
        with load_lock:  # one load per pack even when several threads ask at once
            with self._models_lock:
                model = self._models.get(name)
                if model is not None and model.key == key:
                    return model
            model = self._load(path, key)
            with self._models_lock:
                self._models[name] = model
            return model

    def _load(self, path: Path, key: tuple[str, int, int]) -> _Model:
        try:
            ctranslate2 = _import_ctranslate2()
            import sentencepiece
        except ImportError as exc:  # a broken install, not a missing pack
            raise EngineError(
                self.info.name, ErrorKind.INTERNAL, f"the offline engine is not available ({exc})"
            ) from exc
        _tune_malloc()
        _unpacked_gemm()
        sp_path = path / "sentencepiece.model"
        if not sp_path.is_file():
            raise EngineError(
                self.info.name,
                ErrorKind.NO_PACK,
                f"the pack {path.name} uses a tokenizer Companion does not support",
            )
        try:
            meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
            prefix = meta.get("target_prefix", "") if isinstance(meta, dict) else ""
        except (OSError, ValueError):
            prefix = ""
        compute_type = (
            "int8" if "int8" in ctranslate2.get_supported_compute_types("cpu") else ("default")
        )
        loaded: dict[str, Any] = {}
        errors: list[str] = []

        def load_model() -> None:
            for attempt in dict.fromkeys((compute_type, "default")):
                try:
                    loaded["translator"] = ctranslate2.Translator(
                        str(path / "model"),
                        device="cpu",
                        compute_type=attempt,
                        inter_threads=1,
                        intra_threads=self._threads,
                    )
                    loaded["compute_type"] = attempt
                    return
                except (RuntimeError, ValueError, OSError) as exc:
                    errors.append(str(exc))
                except BaseException as exc:  # raised below, in the calling thread
                    loaded["error"] = exc
                    return

        # The model is built on a thread of its own that then ends, and the tokenizer loads
        # meanwhile in this one (both release the GIL). Building a model runs OpenMP work in
        # the thread that builds it, and libgomp keeps that thread's team for its lifetime:
        # built on a long-lived thread (the GUI's model worker, a script's main thread), the
        # process then holds more OpenMP threads than cores, libgomp stops spinning at its
        # barriers, and every layer of every step sleeps and wakes on a futex instead (with 2
        # threads on 2 cores, 5,000 characters on the tiny model: ~600,000 context switches
        # and 0.6-4.9 s, against ~4,000 and 0.2-0.3 s when the building thread has ended).
        model_thread = threading.Thread(target=load_model, name="companion-load-model")
        model_thread.start()
        tokenizer: Any = None
        problem: BaseException | None = None
        try:
            tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(sp_path))
        except Exception as exc:  # reported once the model thread is done
            problem = exc
        finally:
            model_thread.join()
        _trim_heap()
        if "error" in loaded:
            raise loaded["error"]
        translator = loaded.get("translator")
        compute_type = loaded.get("compute_type", compute_type)
        if translator is None:
            _log.warning("loading %s failed: %s", path, errors[-1][:500])
            reason = plain_load_error(
                RuntimeError(errors[-1]), "the model file (model/model.bin) is damaged"
            )
            raise PackLoadError(self.info.name, path, reason)
        if tokenizer is None:
            if not isinstance(problem, (RuntimeError, OSError)):
                raise problem if problem is not None else RuntimeError("no tokenizer loaded")
            _log.warning("loading the tokenizer of %s failed: %s", path, problem)
            raise PackLoadError(
                self.info.name, path, "the tokenizer (sentencepiece.model) is damaged"
            ) from problem
        return _Model(
            key=key,
            translator=translator,
            tokenizer=tokenizer,
            target_prefix=prefix if isinstance(prefix, str) else "",
            compute_type=compute_type,
            lock=threading.Lock(),
        )

    # ---------------------------------------------------------------------------------------
    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        cancel: CancelToken | None = None,
    ) -> list[str]:
        if cancel is not None:
            cancel.raise_if_cancelled()
        results = [""] * len(sentences)
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return results
        pack = self._pack_for(source, target)
        if pack is None:
            raise self._no_pack(source, target)
        try:
            model = self._model_for(pack.path)
        except OSError as exc:  # removed between find and load
            raise self._no_pack(source, target) from exc
        if cancel is not None:
            cancel.raise_if_cancelled()

        # Tokenize; a sentence longer than the model's training length becomes several rows.
        rows: list[list[str]] = []
        owners: list[int] = []
        try:
            for index in todo:
                text = _encodable(sentences[index].strip())
                tokens = model.tokenizer.encode(text, out_type=str)
                for start in range(0, max(len(tokens), 1), MAX_INPUT_TOKENS):
                    rows.append(tokens[start : start + MAX_INPUT_TOKENS])
                    owners.append(index)
        except (RuntimeError, TypeError, ValueError) as exc:
            _log.warning("tokenizing failed: %s", exc)
            raise EngineError(
                self.info.name, ErrorKind.INTERNAL, "the offline model could not read the text"
            ) from exc
        longest = max(len(row) for row in rows)
        max_decoding = min(DECODE_CAP, int(longest * DECODE_RATIO) + DECODE_EXTRA)
        prefix = [[model.target_prefix] for _ in rows] if model.target_prefix else None

        try:
            with model.lock:
                outputs = model.translator.translate_batch(
                    rows,
                    target_prefix=prefix,
                    beam_size=BEAM_SIZE,
                    length_penalty=LENGTH_PENALTY,
                    replace_unknowns=True,
                    max_batch_size=MAX_BATCH_SIZE,
                    batch_type=BATCH_TYPE,
                    max_decoding_length=max_decoding,
                )
        except (RuntimeError, ValueError) as exc:
            _log.warning("translate_batch failed: %s", exc)
            reason = "not enough memory" if "alloc" in str(exc).lower() else "the model failed"
            raise EngineError(
                self.info.name, ErrorKind.INTERNAL, f"offline translation failed ({reason})"
            ) from exc
        if cancel is not None:
            cancel.raise_if_cancelled()

        joiner = "" if target in ("zh", "zt", "ja") else " "
        pieces: dict[int, list[str]] = {}
        for owner, output in zip(owners, outputs, strict=True):
            tokens = list(output.hypotheses[0]) if output.hypotheses else []
            if model.target_prefix and tokens[:1] == [model.target_prefix]:
                tokens = tokens[1:]
            text = clean_output(model.tokenizer.decode_pieces(tokens), target)
            pieces.setdefault(owner, []).append(text)
        for owner, parts in pieces.items():
            results[owner] = joiner.join(p for p in parts if p)
        return results


def verify_pack(path: Path) -> None:
    """Load the pack in ``path`` once and translate a word, as an install check.

    Raises :class:`PackLoadError` (``reason`` in plain words) when it cannot: a pack that
    would fail at the user's first translation is refused when it is installed instead.
    """
    engine = OfflineEngine(threads=1)
    try:
        model = engine._load(path, engine._key(path))
    except OSError as exc:
        raise PackLoadError(
            engine.info.name, path, "the model file (model/model.bin) is missing"
        ) from exc
    try:
        tokens = model.tokenizer.encode("hello 你好", out_type=str) or ["▁"]
        model.translator.translate_batch(
            [tokens[:8]],
            target_prefix=[[model.target_prefix]] if model.target_prefix else None,
            beam_size=1,
            max_decoding_length=4,
        )
    except (RuntimeError, ValueError, TypeError) as exc:
        _log.warning("test translation with %s failed: %s", path, exc)
        raise PackLoadError(engine.info.name, path, plain_load_error(exc)) from exc


__all__ = ["OfflineEngine", "PackLoadError", "clean_output", "plain_load_error", "verify_pack"]
