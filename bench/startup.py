"""Start-up: what the user waits for from launching Companion to a window they can type in.

Each round starts, in turn, ``python -m companion`` and a bare window (a QMainWindow with one
QTextEdit, the least any Qt app shows) as fresh processes, offscreen and under Xvfb (a private
X server, a real window system), with no language pack and with the fixture packs installed
(``tests/fixture_pack.py``: random weights of a real pack's shape). Rounds interleave every
variant, so drift on this shared machine hits them alike; figures are min / median / max and
the ratio app / bare is taken pair by pair.

- first paint: from the process start (the parent's ``Popen``) to the end of the first frame
  (the first paint event of the main window's widgets has been delivered and that frame is
  finished: a zero timer posted from the paint runs once the whole frame is done);
- usable: to the moment a key press posted at the first paint reaches the focused text box
  (anything the app runs on the GUI thread right after its first paint delays it);
- hook after frame: whether the app's own "after the first paint" hook (``firstPainted``) ran
  after the first frame was finished (it must, or deferred work competes with the frame);
- idle RSS: resident memory once the process has been idle (no CPU time used) for 1 s.

Aims (issue 14): first paint <= 1.3x the bare window, idle RSS without a pack <= 1.8x.

``PYTHONDONTWRITEBYTECODE=1`` is set on these machines, so a source run would recompile the
project at every start: the project is compiled first (``python -m compileall``), as an
installed app is (``bench/app_env.py``, with the throwaway profiles and the private X server).

Every start has a deadline: one that never paints, never gets the key press, crashes or hangs
stops the bench with a message naming that start and the end of its error output, after the
table of the rounds done so far.

    .venv/bin/python bench/startup.py [--rounds N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.app_env import compile_project, private_xvfb, profile_vars  # noqa: E402

AIM_PAINT = 1.3
AIM_RSS = 1.8
IDLE_S = 1.0  # no CPU time used for this long: idle
IDLE_WAIT_S = 15.0  # once usable, idle within this long or noted "never idle" (RSS taken then)
DEADLINE_S = 60.0  # from the child's start: painted and usable by then, or the bench stops

# The probe: a QApplication subclass put in place of PySide6's before anything creates one,
# so the app's own run_app() builds it. Its event filter marks the first paint of a main
# window's widget; a zero timer posted from there runs once the frame is done.
PROBE = r"""
import json, os, re, sys, time
from PySide6 import QtWidgets
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent

IDLE_S, IDLE_WAIT_S, DEADLINE_S = (float(arg) for arg in sys.argv[2:5])
report = {}
stamp = time.perf_counter


def cpu_ticks():
    with open("/proc/self/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_kb():
    text = open("/proc/self/status").read()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1))


def say(key, value=None):
    report[key] = stamp() if value is None else value


def finish():
    sys.stdout.write(json.dumps(report) + "\n")
    sys.stdout.flush()
    os._exit(0)


class Probe(QObject):
    def __init__(self):
        super().__init__()
        self.painted = False
        self.target = None
        self.idle_since = None
        self.ticks = -1
        self.timer = None

    def eventFilter(self, obj, event):
        kind = event.type()
        if kind == QEvent.Type.Paint and not self.painted:
            if isinstance(obj, QtWidgets.QWidget) and isinstance(
                obj.window(), QtWidgets.QMainWindow
            ):
                self.painted = True
                say("paint_started")
                QTimer.singleShot(0, self.frame_done)
        elif kind == QEvent.Type.KeyPress and obj is self.target and "usable" not in report:
            say("usable")
            QCoreApplication.instance().removeEventFilter(self)
            self.timer = QTimer()
            self.timer.timeout.connect(self.check_idle)
            self.timer.start(100)
            QTimer.singleShot(int(IDLE_WAIT_S * 1000), self.give_up)
            return True  # the key is not typed into the app's input
        return False

    def frame_done(self):
        say("first_paint")
        sys.stdout.write("PAINTED\n")
        sys.stdout.flush()
        target = QtWidgets.QApplication.focusWidget()
        if target is None:
            target = QtWidgets.QApplication.activeWindow()
        if target is None:
            target = QtWidgets.QApplication.topLevelWidgets()[0]
        self.target = target
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.postEvent(
                target, QKeyEvent(kind, Qt.Key.Key_X, Qt.KeyboardModifier.NoModifier, "x")
            )

    def check_idle(self):
        now, ticks = stamp(), cpu_ticks()
        if ticks != self.ticks:
            self.ticks, self.idle_since = ticks, now
        elif now - self.idle_since >= IDLE_S:
            say("idle_rss_kb", rss_kb())
            finish()

    def give_up(self):
        # The deadline: say what never happened (the bench stops on the first two).
        if "first_paint" not in report:
            say("stuck", "its window was never painted")
        elif "usable" not in report:
            say("stuck", "the key press posted at the first paint never reached the text box")
        else:
            say("not_idle", True)
        say("idle_rss_kb", rss_kb())
        finish()


probe = Probe()


class ProbeApp(QtWidgets.QApplication):
    def __init__(self, *args):
        super().__init__(*args)
        self.installEventFilter(probe)
        # Armed here, so a start that never paints or never answers still reports.
        QTimer.singleShot(int(DEADLINE_S * 1000), probe.give_up)


QtWidgets.QApplication = ProbeApp
"""

APP = (
    PROBE
    + r"""
import runpy
from companion.ui import main_window

def hook_seen():
    say("hook")
    say("hook_after_frame", "first_paint" in report)

_original_init = main_window.MainWindow.__init__
def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self.firstPainted.connect(hook_seen)
main_window.MainWindow.__init__ = _init
sys.argv = ["companion"]
runpy.run_module("companion", run_name="__main__")
"""
)
# main_window is imported by the probe itself only to see the app's hook: the app imports it
# anyway; its import is timed like every other (it runs before the first paint either way).

BARE = (
    PROBE
    + r"""
app = QtWidgets.QApplication([sys.argv[0]])
window = QtWidgets.QMainWindow()
edit = QtWidgets.QTextEdit(window)
window.setCentralWidget(edit)
window.resize(520, 760)
edit.setFocus()
window.show()
sys.exit(app.exec())
"""
)


class StartFailed(Exception):
    """A start that gave no figures: which one, and why."""


def run_child(code: str, env: dict[str, str], what: str) -> dict[str, float]:
    """One start (``what`` names it in errors): the figures in ms from the Popen, and the
    idle RSS in MB."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, "x", str(IDLE_S), str(IDLE_WAIT_S), str(DEADLINE_S)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: whatever it started ends with it
    )
    try:
        out, err = child.communicate(timeout=DEADLINE_S + 30)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        out, err = child.communicate()
        raise StartFailed(
            f"{what}: no answer {DEADLINE_S + 30:.0f} s after its start (killed); "
            f"its stderr ended with:\n{err[-3000:]}"
        ) from None
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if child.returncode != 0 or not lines:
        raise StartFailed(f"{what}: exited with {child.returncode}; its stderr:\n{err[-3000:]}")
    report = json.loads(lines[-1])
    if "stuck" in report:
        raise StartFailed(
            f"{what}: {report['stuck']} within {DEADLINE_S:.0f} s; its stderr:\n{err[-3000:]}"
        )
    figures = {
        key: (report[key] - started) * 1000
        for key in ("first_paint", "usable", "hook")
        if key in report
    }
    figures["idle_rss"] = report["idle_rss_kb"] / 1024
    figures["hook_after_frame"] = float(bool(report.get("hook_after_frame", True)))
    figures["not_idle"] = float(bool(report.get("not_idle", False)))
    return figures


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 rounds")
    args = parser.parse_args()
    rounds = 2 if args.quick else args.rounds

    compile_project()
    work = Path(tempfile.mkdtemp(prefix="companion-startup-"))
    try:
        return bench(work, rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def profile_env(work: Path, name: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    # The user's own folders, as a user has them (XDG_*): not COMPANION_HOME, which would spare
    # the app the platform-folder lookup a user's start pays.
    env.pop("COMPANION_HOME", None)
    env.update(profile_vars(work / name))
    # The single-instance socket lives in the temporary folder: a private one, so an app that
    # other work on this machine left running is not the one a start hands its arguments to.
    (work / name / "tmp").mkdir(exist_ok=True)
    env["TMPDIR"] = str(work / name / "tmp")
    env["PYTHONPATH"] = str(REPO)
    env.pop("COMPANION_MULTI_INSTANCE", None)
    return env


def prepare_profiles(work: Path) -> dict[str, dict[str, str]]:
    """A profile with no pack and one with both fixture packs; first run done in both, and
    each started once (its caches built, as after an install)."""
    profiles = {"no pack": profile_env(work, "nopack"), "packs": profile_env(work, "packs")}
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bench.app_env import prepare_profile\n"
        "prepare_profile(Path(sys.argv[1]) if sys.argv[1] else None, size='base')\n"
    )
    for name, env in profiles.items():
        build = str(work / "build") if name == "packs" else ""
        subprocess.run(
            [sys.executable, "-c", script, build],
            cwd=REPO,
            env={**env, "QT_QPA_PLATFORM": "offscreen"},
            check=True,
        )
    return profiles


def bench(work: Path, rounds: int) -> int:
    profiles = prepare_profiles(work)
    results: dict[tuple[str, str, str], list[dict[str, float]]] = {}
    began = time.monotonic()
    done = 0
    with private_xvfb() as display:
        platforms: dict[str, dict[str, str]] = {"offscreen": {"QT_QPA_PLATFORM": "offscreen"}}
        if display is not None:
            platforms["Xvfb"] = {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        try:
            # One unmeasured start of each: the disk cache warm for all.
            for platform, extra in platforms.items():
                for profile, env in profiles.items():
                    for variant, code in (("app", APP), ("bare", BARE)):
                        what = f"warm-up start, {platform}, {profile}, {variant}"
                        run_child(code, {**env, **extra}, what)
            for round_no in range(rounds):
                for platform, extra in platforms.items():
                    for profile, env in profiles.items():
                        pair = [("app", APP), ("bare", BARE)]
                        if round_no % 2:
                            pair.reverse()
                        for variant, code in pair:
                            what = f"round {round_no + 1}, {platform}, {profile}, {variant}"
                            figures = run_child(code, {**env, **extra}, what)
                            results.setdefault((platform, profile, variant), []).append(figures)
                done = round_no + 1
                print(
                    f"round {done}/{rounds} done ({time.monotonic() - began:.0f} s)", flush=True
                )
        except StartFailed as exc:
            if done:
                print_table(results, done, list(platforms))
            message = f"startup: stopped after {done} of {rounds} rounds: {exc}"
            print(message, flush=True)
            print(message, file=sys.stderr, flush=True)
            return 2
    print_table(results, rounds, list(platforms))
    failed = 0
    for platform in platforms:
        app = results[(platform, "no pack", "app")]
        bare = results[(platform, "no pack", "bare")]
        ratio = statistics.median(
            a["first_paint"] / b["first_paint"] for a, b in zip(app, bare, strict=True)
        )
        failed += ratio > AIM_PAINT
        rss = statistics.median(
            a["idle_rss"] / b["idle_rss"] for a, b in zip(app, bare, strict=True)
        )
        failed += rss > AIM_RSS
    return 1 if failed else 0


def print_table(
    results: dict[tuple[str, str, str], list[dict[str, float]]], rounds: int, platforms: list[str]
) -> None:
    print()
    print(
        f"Start-up, {rounds} interleaved rounds (app = python -m companion, bare = QMainWindow "
        "with one QTextEdit);"
    )
    print("project compiled first (python -m compileall); ms or MB, min/median/max;")
    print("ratio = median of the per-round app/bare ratios")
    header = (
        f"{'platform':<10} {'profile':<8} {'figure':<12} {'app':>16} {'bare':>16} "
        f"{'ratio':>6} {'aim':>8}  result"
    )
    print(header)
    print("-" * len(header))
    for platform in platforms:
        for profile in ("no pack", "packs"):
            app = results[(platform, profile, "app")][:rounds]  # the complete rounds only
            bare = results[(platform, profile, "bare")][:rounds]
            for key, label, aim in (
                ("first_paint", "first paint", AIM_PAINT),
                ("usable", "usable", None),
                ("idle_rss", "idle RSS MB", AIM_RSS if profile == "no pack" else None),
            ):
                a = [r[key] for r in app]
                b = [r[key] for r in bare]
                ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
                verdict = ""
                if aim is not None:
                    verdict = "PASS" if ratio <= aim else "FAIL"
                aim_text = f"<= {aim}x" if aim is not None else ""
                print(
                    f"{platform:<10} {profile:<8} {label:<12} {spread(a):>16} {spread(b):>16} "
                    f"{ratio:6.2f} {aim_text:>8}  {verdict}"
                )
            after = sum(int(r["hook_after_frame"]) for r in app)
            hooks = [r["hook"] - r["first_paint"] for r in app if "hook" in r]
            late = f", ran {spread(hooks)} ms after the frame" if hooks else ""
            busy = sum(int(r["not_idle"]) for r in app)
            note = f"; {busy} start(s) not idle {IDLE_WAIT_S:.0f} s after usable" if busy else ""
            print(
                f"{'':<10} {'':<8} hook after the first frame in {after} of {len(app)} starts"
                f"{late}{note}"
            )
    print(f"aims: first paint <= {AIM_PAINT}x bare; idle RSS without a pack <= {AIM_RSS}x bare")


if __name__ == "__main__":
    sys.exit(main())
