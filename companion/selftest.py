"""``companion --self-test [--json]``: check, on this computer, that every part of Companion works.

For users and support ("does my install work?") and for the installers' proofs: the window
opens and shows pinyin, Chinese renders with real glyphs (not boxes), pinyin, the phrasebook,
the dictionary, OCR of a rendered label, a translation when a language pack is installed, and
a keychain round-trip when a keychain exists. One line per check (PASS, FAIL or SKIP with the
reason); the exit status is 1 when any check failed.

The test never touches the user's own data: it runs on a throwaway profile (``COMPANION_HOME``
in a temporary folder, so the settings, history and caches start empty, like a first start)
and stores one throwaway key in the keychain that it deletes again. Installed language packs
are the user's own (read, never changed). The Qt checks live in ``companion.ui.selftest_gui``;
this module stays Qt-free so a build without a working Qt still reports the rest.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets as token_source
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"
PINYIN_SAMPLE = ("小红书", "xiǎohóngshū")
POLYPHONE_SAMPLE = ("我们还没走", 2, "hai2")
PHRASEBOOK_SAMPLE = ("zhongcao", "种草")
DICTIONARY_SAMPLE = ("银行", "yin2 hang2", "bank")
TRANSLATION_SAMPLES = {("zh", "en"): "这家店的咖啡很好喝。", ("en", "zh"): "Thank you very much!"}
OCR_SAMPLE = "欢迎来到小红书"


class Skipped(Exception):
    """The check does not apply here; the message says why."""


@dataclass
class CheckResult:
    name: str
    status: str
    detail: str
    seconds: float
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What the checks share: the start time, the Qt side (when it loaded), figures."""

    started: float  # time.time() when the process started (or COMPANION_T0)
    gui: Any = None  # companion.ui.selftest_gui.GuiSession once the window check ran
    gui_error: str = ""
    quiet_qt: bool = False  # route Qt's console chatter to the log (the CLI); tests keep it
    timings: dict[str, float] = field(default_factory=dict)


Check = Callable[[Context], str]


# --- the checks (Qt-free) ------------------------------------------------------------------
def check_pinyin(_ctx: Context) -> str:
    from companion.pinyin import annotate, pinyin_text

    text, expected = PINYIN_SAMPLE
    got = pinyin_text(annotate(text))
    if got.replace(" ", "").lower() != expected:
        raise AssertionError(f"{text} gave {got!r}, expected {expected!r}")
    return f"{text} -> {got}; {check_polyphone_model()}"


def check_polyphone_model() -> str:
    """The context model must be in the build: without it pinyin still shows, quietly worse
    (a trimmed build once lost its weights and every other check passed)."""
    from companion import polyphones

    model = polyphones.get_model()
    if model is None:
        raise AssertionError(f"the polyphone model is missing: {polyphones.model_error()}")
    sentence, index, expected = POLYPHONE_SAMPLE
    query = polyphones.Query(sentence, index, model.readings.get(sentence[index], ()))
    reading, _probability = model.predict([query])[0]
    if reading != expected:
        raise AssertionError(f"the polyphone model read {sentence[index]} in {sentence}: {reading}")
    return f"polyphone model: {sentence[index]} in {sentence} {reading}"


def check_phrasebook(_ctx: Context) -> str:
    from companion.phrasebook import get_book

    query, expected = PHRASEBOOK_SAMPLE
    found = get_book().search(query, limit=5)
    words = [entry.simplified for entry in found]
    if expected not in words:
        raise AssertionError(f"searching {query!r} found {words or 'nothing'}, not {expected}")
    entry = found[words.index(expected)]
    return f"{query!r} -> {expected} ({entry.meaning[:60]})"


def check_dictionary(ctx: Context) -> str:
    from companion.dictionary import get_dictionary

    word, reading, sense = DICTIONARY_SAMPLE
    started = time.perf_counter()
    dictionary = get_dictionary()
    was_loaded = dictionary.is_loaded
    dictionary.load()
    loaded = time.perf_counter() - started
    entries = dictionary.lookup(word)
    match = [e for e in entries if e.pinyin.lower() == reading]
    if not match or not any(sense in s.lower() for e in match for s in e.senses):
        got = [(e.pinyin, e.senses[:2]) for e in entries[:3]]
        raise AssertionError(f"{word}: expected [{reading}] '{sense}', got {got}")
    how = "already loaded" if was_loaded else f"loaded in {loaded:.2f} s"
    if not was_loaded:
        ctx.timings["dictionary_load_s"] = round(loaded, 3)
    return f"{word} [{match[0].pinyin_marks}] {match[0].senses[0]}; {how}"


def check_translation(_ctx: Context) -> str:
    from companion import packs
    from companion.session import Session
    from companion.settings import Settings

    pairs = [pair for pair in TRANSLATION_SAMPLES if packs.find_pack(*pair) is not None]
    if not pairs:
        raise Skipped(
            "no language pack installed (File > Language packs... downloads them); "
            f"packs folder: {_packs_folder()}"
        )
    from companion.untrusted import printable

    translator = Session(Settings(), engine_name="offline").translator()
    done = []
    for source, target in pairs:
        text = TRANSLATION_SAMPLES[(source, target)]
        result = translator.translate(text, source=source, target=target)
        if not result.text.strip():
            raise AssertionError(f"{source}->{target}: {text!r} translated to nothing")
        done.append(f"{source}->{target} {printable(result.text.strip())[:40]!r}")
    missing = [f"{a}->{b}" for a, b in TRANSLATION_SAMPLES if (a, b) not in pairs]
    note = f" (no {', '.join(missing)} pack)" if missing else ""
    return "; ".join(done) + note


def _packs_folder() -> str:
    from companion import paths

    return str(paths.argos_packages_dir())


def check_keyring(_ctx: Context) -> str:
    from companion import secrets

    status = secrets.backend_status()
    if not status.usable:
        raise Skipped(f"no usable keychain here ({status.backend})")
    name = f"selftest_{token_source.token_hex(4)}"
    value = token_source.token_urlsafe(24)
    try:
        secrets.set_key(name, value)
        if secrets.get_key(name) != value:
            raise AssertionError("the keychain returned a different value than was stored")
        if not secrets.delete_key(name):
            raise AssertionError("the throwaway key could not be deleted")
        if secrets.get_key(name) is not None:
            raise AssertionError("the throwaway key is still there after deleting it")
    finally:
        with contextlib.suppress(secrets.SecretsError):
            secrets.delete_key(name)
    return f"store, read and delete a throwaway key in {status.backend}"


def check_hotkeys(_ctx: Context) -> str:
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        raise Skipped("no X11 display (global hotkeys need X11; on Wayland use a desktop shortcut)")
    try:
        import pynput.keyboard as keyboard
    except Exception as exc:  # pynput raises ImportError (or Xlib errors) when it has no backend
        raise AssertionError(f"the hotkey backend (pynput) did not load: {exc}") from exc
    return f"backend {keyboard.Listener.__module__}"


# --- the checks that need Qt ---------------------------------------------------------------
def _gui(ctx: Context) -> Any:
    if ctx.gui is None:
        raise AssertionError(ctx.gui_error or "the window did not open")
    return ctx.gui


def check_window(ctx: Context) -> str:
    try:
        from companion.ui.selftest_gui import GuiSession
    except Exception as exc:  # Qt missing or its libraries not loadable
        ctx.gui_error = f"Qt could not load: {type(exc).__name__}: {exc}"
        raise AssertionError(ctx.gui_error) from exc
    try:
        ctx.gui = GuiSession.open(ctx.started, quiet=ctx.quiet_qt)
    except Exception as exc:
        ctx.gui_error = f"the window did not open: {exc}"
        raise
    gui = ctx.gui
    ctx.timings.update(gui.timings)
    shown = gui.timings["window_shown_s"]
    pinyin = gui.show_pinyin(PINYIN_SAMPLE[0])
    ctx.timings["pinyin_shown_s"] = round(pinyin, 3)
    return (
        f"on {gui.platform}: shown {shown:.2f} s after start, "
        f"pinyin of a paste shown {pinyin:.2f} s after start"
    )


def check_glyphs(ctx: Context) -> str:
    return str(_gui(ctx).check_glyphs())


def check_ocr(ctx: Context) -> str:
    from companion import bundle, ocr

    if not ocr.engine_available():
        if not bundle.ocr_in_build():
            raise Skipped(bundle.OCR_MISSING)
        raise Skipped(ocr.INSTALL_HINT)
    image = _gui(ctx).render_label(OCR_SAMPLE)
    started = time.perf_counter()
    result = ocr.recognize(image)
    seconds = time.perf_counter() - started
    read = "".join(result.text.split())
    if OCR_SAMPLE not in read:
        raise AssertionError(f"a label saying {OCR_SAMPLE} was read as {result.text!r}")
    return f"a rendered label read back as {read} in {seconds:.1f} s (models included)"


CHECKS: list[tuple[str, Check]] = [
    ("window", check_window),
    ("glyphs", check_glyphs),
    ("pinyin", check_pinyin),
    ("phrasebook", check_phrasebook),
    ("dictionary", check_dictionary),
    ("ocr", check_ocr),
    ("translation", check_translation),
    ("keyring", check_keyring),
    ("hotkeys", check_hotkeys),
]
NAMES = [name for name, _check in CHECKS]


def run_check(name: str, check: Check, ctx: Context) -> CheckResult:
    started = time.perf_counter()
    try:
        detail, status = check(ctx), PASS
    except Skipped as exc:
        detail, status = str(exc), SKIP
    except Exception as exc:
        detail, status = f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc), FAIL
    seconds = round(time.perf_counter() - started, 3)
    return CheckResult(name, status, " ".join(detail.split()), seconds)


@contextmanager
def throwaway_profile() -> Iterator[str]:
    """A fresh, empty profile for the duration of the test (the user's stays untouched)."""
    previous = os.environ.get("COMPANION_HOME")
    with tempfile.TemporaryDirectory(prefix="companion-selftest-") as home:
        os.environ["COMPANION_HOME"] = home
        try:
            yield home
        finally:
            if previous is None:
                os.environ.pop("COMPANION_HOME", None)
            else:
                os.environ["COMPANION_HOME"] = previous


def environment() -> dict[str, Any]:
    from companion import __version__, bundle

    info = bundle.build_info()
    return {
        "version": __version__,
        "frozen": bundle.is_frozen(),
        "build": info.get("build_id", "source"),
        "variant": info.get("variant", "source"),
        "platform": sys.platform,
        "python": sys.version.split()[0],
    }


def run_all(
    names: list[str], started: float, quiet_qt: bool = False
) -> tuple[list[CheckResult], Context]:
    ctx = Context(started=started, quiet_qt=quiet_qt)
    results = []
    with throwaway_profile():
        try:
            for name, check in CHECKS:
                if name in names:
                    results.append(run_check(name, check, ctx))
        finally:
            if ctx.gui is not None:
                ctx.gui.close()
    return results, ctx


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="companion --self-test",
        description="Check that this installation of Companion works (on a throwaway profile).",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--verbose", action="store_true", help="log DEBUG lines to stderr")
    parser.add_argument(
        "--only",
        metavar="CHECKS",
        help=f"comma-separated subset of: {', '.join(NAMES)} (glyphs and ocr need window)",
    )
    return parser


def main(argv: list[str], started: float | None = None) -> int:
    """Run the self-test; ``argv`` are the arguments after ``--self-test``."""
    args = _parser().parse_args(argv)
    if args.verbose:
        from companion import logs

        logs.setup(verbose=True, to_file=False)  # a throwaway profile: stderr only
    names = NAMES
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in NAMES]
        if unknown:
            print(f"companion --self-test: unknown check {unknown[0]!r}", file=sys.stderr)
            return 2
        if {"glyphs", "ocr"} & set(names) and "window" not in names:
            names = ["window", *names]
    t0 = os.environ.get("COMPANION_T0")
    begun = float(t0) if t0 else (started if started is not None else time.time())
    results, ctx = run_all(names, begun, quiet_qt=True)
    failed = sum(r.status == FAIL for r in results)
    if args.json:
        report = {
            **environment(),
            "ok": failed == 0,
            "checks": [asdict(r) for r in results],
            "timings": ctx.timings,
        }
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        env = environment()
        where = f"{env['variant']} build {env['build']}" if env["frozen"] else "run from source"
        print(
            f"Companion {env['version']} self-test ({where}, "
            f"{env['platform']}, Python {env['python']}; throwaway profile)"
        )
        width = max(len(r.name) for r in results) if results else 0
        for r in results:
            print(f"{r.status}  {r.name:<{width}}  {r.detail}  [{r.seconds:.2f} s]")
        counts = {s: sum(r.status == s for r in results) for s in (PASS, FAIL, SKIP)}
        print(f"self-test: {counts[PASS]} ok, {counts[FAIL]} failing, {counts[SKIP]} not run")
    sys.stdout.flush()
    return 1 if failed else 0
