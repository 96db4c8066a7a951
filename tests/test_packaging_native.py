"""The build's native and start-up tricks, run for real without a build.

- OpenCV's BLAS/LAPACK shim (packaging/native.py, packaging/native/lp64_to_ilp64.c): built
  here against this venv's numpy OpenBLAS, preloaded under the real cv2, whose linear algebra
  must then go through it and give numpy's answers.
- The deferred run-time hooks (packaging/rthooks/deferred.py): a hook runs when its module is
  first imported, once, and never before.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.test_packaging import PACKAGING, _load

rules = _load("freeze_rules")
native = _load("native")

WRAPPERS = [
    "cblas_sgemm", "cblas_dgemm", "cblas_cgemm", "cblas_zgemm", "sgesv_", "dgesv_", "sgetrf_",
    "dgetrf_", "spotrf_", "dpotrf_", "sposv_", "dposv_", "sgeqrf_", "dgeqrf_", "sgels_",
    "dgels_", "sgesdd_", "dgesdd_", "dgeev_",
]


def _wheel_lib(package: str, libs: str, pattern: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).resolve().parent.parent / libs
    return next(iter(sorted(folder.glob(pattern))), None)


def _shim_inputs() -> tuple[Path, Path, Path]:
    if shutil.which("gcc") is None or shutil.which("readelf") is None:
        pytest.skip("needs gcc and readelf")
    target = _wheel_lib("numpy", "numpy.libs", "libscipy_openblas64_*.so")
    library = _wheel_lib("cv2", "opencv_python_headless.libs", "libopenblas*.so*")
    cv2_spec = importlib.util.find_spec("cv2")
    if target is None or library is None or cv2_spec is None or cv2_spec.origin is None:
        pytest.skip("needs numpy's and opencv-python-headless's manylinux wheels")
    consumer = next(Path(cv2_spec.origin).parent.glob("cv2*.so"))
    return library, consumer, target


def test_the_shim_covers_every_symbol_cv2_imports_from_its_openblas(tmp_path: Path) -> None:
    library, consumer, target = _shim_inputs()
    symbols, versions = native.imports_from(library, [consumer])
    assert {s.name for s in symbols} <= set(WRAPPERS) and not versions
    out = tmp_path / library.name
    made = native.make_shim(library, [consumer], PACKAGING / "native" / "lp64_to_ilp64.c",
                            target, out)
    assert made == len(symbols), made
    assert native.soname(out) == native.soname(library)
    assert any(name.startswith("libscipy_openblas64_") for name in native.needed(out))
    assert out.stat().st_size < library.stat().st_size // 100


CHECKS = textwrap.dedent(
    """
    import ctypes, json, sys
    import cv2, numpy as np
    rng = np.random.default_rng(7)
    report = {}
    def close(name, got, want, tol=1e-3):
        report[name] = bool(np.allclose(got, want, rtol=tol, atol=tol))
    for dtype, tol in ((np.float32, 2e-2), (np.float64, 1e-8)):
        tag = np.dtype(dtype).name
        # OpenCV hands LU/Cholesky from 100 rows, QR from 30, SVD from 25 to LAPACK
        a = rng.random((120, 120)).astype(dtype) + 120 * np.eye(120, dtype=dtype)
        b = rng.random((120, 2)).astype(dtype)
        ok, x = cv2.solve(a, b, flags=cv2.DECOMP_LU)
        close("lu " + tag, a @ x, b, tol)
        spd = (a @ a.T).astype(dtype)
        ok, x = cv2.solve(spd, b, flags=cv2.DECOMP_CHOLESKY)
        close("cholesky " + tag, spd @ x, b, tol)
        tall = rng.random((60, 40)).astype(dtype)
        rhs = rng.random((60, 1)).astype(dtype)
        ok, x = cv2.solve(tall, rhs, flags=cv2.DECOMP_QR)
        want = np.linalg.lstsq(tall.astype(np.float64), rhs.astype(np.float64), rcond=None)[0]
        close("qr " + tag, x, want, tol)
        w, u, vt = cv2.SVDecomp(tall)
        close("svd " + tag, np.sort(w.ravel())[::-1],
              np.linalg.svd(tall.astype(np.float64), compute_uv=False), tol)
        m = rng.random((160, 150)).astype(dtype)
        n = rng.random((150, 140)).astype(dtype)
        close("gemm " + tag, cv2.gemm(m, n, 1.0, None, 0.0),
              m.astype(np.float64) @ n.astype(np.float64), tol * 10)
    persp = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [10, 0], [10, 5], [0, 5]]),
        np.float32([[1, 2], [12, 1], [11, 7], [0, 6]]))
    close("perspective", cv2.perspectiveTransform(np.float32([[[10, 5]]]), persp), [[[11, 7]]])
    shim = ctypes.CDLL(sys.argv[1])
    shim.companion_shim_calls.restype = ctypes.c_long
    calls = {name: shim.companion_shim_calls(name.encode()) for name in sys.argv[2:]}
    print(json.dumps({"results": report, "calls": calls}))
    """
)


def test_cv2_linear_algebra_through_the_shim_gives_numpys_answers(tmp_path: Path) -> None:
    """The real cv2 with the shim preloaded: its LAPACK/BLAS imports bind to the shim first."""
    library, consumer, target = _shim_inputs()
    symbols, _versions = native.imports_from(library, [consumer])
    out = tmp_path / "libshim_counting.so"
    script = (
        "{ global: " + " ".join(f"{s.name};" for s in symbols)
        + " companion_shim_calls; local: *; };\n"
    )
    native.compile_shim(
        PACKAGING / "native" / "lp64_to_ilp64.c", out, "libshim_counting.so", script,
        ["-DCOMPANION_SHIM_COUNTS", str(target), f"-Wl,-rpath,{target.parent}"],
    )
    env = dict(os.environ, LD_PRELOAD=str(out), OPENBLAS_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, "-c", CHECKS, str(out), *[s.name for s in symbols]],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["results"] and all(report["results"].values()), report["results"]
    calls = report["calls"]
    assert all(count >= 0 for count in calls.values()), calls  # each wrapper is in the shim
    # The routines these checks are known to reach (OpenCV's LAPACK HAL):
    reached = {
        "sgesv_", "dgesv_", "sposv_", "dposv_", "sgels_", "dgels_", "sgesdd_", "dgesdd_",
        "cblas_sgemm", "cblas_dgemm",
    }
    assert all(calls[name] > 0 for name in reached & calls.keys()), json.dumps(calls)


# --------------------------------------------------------------------------------------------
# Deferred run-time hooks

def _hook_program(tmp_path: Path, hooks: dict[str, list[tuple[str, str]]]) -> Path:
    template = (PACKAGING / "rthooks" / "deferred.py").read_text()
    path = tmp_path / "hook.py"
    path.write_text(rules.deferred_hook_source(template, hooks, {}))
    return path


def test_a_deferred_hook_runs_once_right_after_its_module_is_first_imported(
    tmp_path: Path,
) -> None:
    stock = "import sys, json\njson.hooked = getattr(json, 'hooked', 0) + 1\n"
    hook = _hook_program(tmp_path, {"json": [("pyi_rth_fake", stock)]})
    program = textwrap.dedent(
        f"""
        import sys
        exec(compile(open({str(hook)!r}).read(), "hook", "exec"), {{"__name__": "hook"}})
        assert "json" not in sys.modules, "imported before anyone asked"
        import json
        assert json.hooked == 1, json.hooked
        import importlib
        importlib.reload(json)
        assert not any(type(f).__name__ == "type" and f.__name__ == "_AfterImportFinder"
                       for f in sys.meta_path), "the finder stays after its last hook ran"
        assert json.__spec__.loader is json.__loader__
        assert type(json.__loader__).__name__ != "_HookedLoader"
        print(json.dumps({{"ok": True}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", program], capture_output=True, text=True, timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"ok": True}


def test_a_deferred_hook_for_a_module_already_imported_runs_at_once(tmp_path: Path) -> None:
    stock = "import os\nos.hooked = True\n"
    hook = _hook_program(tmp_path, {"os": [("pyi_rth_fake", stock)]})
    program = (
        f"exec(compile(open({str(hook)!r}).read(), 'hook', 'exec'), {{}})\n"
        "import os, sys\nassert os.hooked\nassert len(sys.meta_path) == 3, sys.meta_path\n"
    )
    done = subprocess.run([sys.executable, "-I", "-S", "-c", program], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def test_runtime_hooks_are_rewritten_in_place_and_the_pyside6_one_dropped(
    tmp_path: Path,
) -> None:
    stock = tmp_path / "stock"
    stock.mkdir()
    for name in ("pyi_rth_inspect", "pyi_rth_pkgutil", "pyi_rth_multiprocessing", "pyi_rth_x"):
        (stock / f"{name}.py").write_text(f"# {name}\n")
    scripts = [
        ("pyi_rth_x", str(stock / "pyi_rth_x.py"), "PYSOURCE"),
        ("pyi_rth_inspect", str(stock / "pyi_rth_inspect.py"), "PYSOURCE"),
        ("pyi_rth_pyside6", "/nowhere/pyi_rth_pyside6.py", "PYSOURCE"),
        ("pyi_rth_pkgutil", str(stock / "pyi_rth_pkgutil.py"), "PYSOURCE"),
        ("pyi_rth_multiprocessing", str(stock / "pyi_rth_multiprocessing.py"), "PYSOURCE"),
        ("launcher", "/src/launcher.py", "PYSOURCE"),
    ]
    generated = tmp_path / "deferred.py"
    rewritten = rules.rewrite_runtime_hooks(scripts, generated)
    assert [entry[0] for entry in rewritten] == [
        "pyi_rth_x", rules.DEFERRED_HOOK_NAME, "launcher"
    ]
    source = generated.read_text()
    compile(source, "deferred", "exec")
    for name, module in rules.DEFERRED_RUNTIME_HOOKS.items():
        assert f"('{name}', '# {name}\\n')" in source and f"'{module}':" in source


def test_a_hook_deferred_to_first_call_runs_then_and_patches_the_function(
    tmp_path: Path,
) -> None:
    """As pyi_rth_inspect does: the hook wraps the function it found there."""
    stock = (
        "import json\norig = json.dumps\n"
        "def patched(obj, **kw):\n    return 'patched:' + orig(obj, **kw)\n"
        "json.dumps = patched\nimport sys\nsys.hook_runs = getattr(sys, 'hook_runs', 0) + 1\n"
    )
    template = (PACKAGING / "rthooks" / "deferred.py").read_text()
    hook = tmp_path / "hook.py"
    hook.write_text(
        rules.deferred_hook_source(template, {"json": [("pyi_rth_fake", stock)]},
                                   {"json": "dumps"})
    )
    program = textwrap.dedent(
        f"""
        import sys
        exec(compile(open({str(hook)!r}).read(), "hook", "exec"), {{"__name__": "hook"}})
        import json
        assert not hasattr(sys, "hook_runs"), "ran at import"
        assert json.dumps([1]) == "patched:[1]"
        assert json.dumps([2]) == "patched:[2]" and sys.hook_runs == 1
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-I", "-c", program], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
