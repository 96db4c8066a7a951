"""PySide6's per-import check ("does this module use PySide6?") answered without linecache."""

from __future__ import annotations

import importlib
import inspect
import linecache
import sys
from pathlib import Path

import pytest

import companion.ui  # noqa: F401  (installs the check)
from companion.ui import qt_startup


def pyside_answer(module: object) -> bool:
    """PySide6's own answer, as its shibokensupport.feature computes it."""
    try:
        return "PySide6" in inspect.getsource(module)  # type: ignore[arg-type]
    except (TypeError, OSError, SyntaxError):
        return False


@pytest.mark.parametrize(
    "name",
    ["companion.ui.translate.pane", "companion.settings", "json", "sys", "_sqlite3", "PySide6"],
)
def test_the_answer_is_pysides(name: str) -> None:
    module = importlib.import_module(name)
    assert qt_startup.module_uses_pyside(module) is pyside_answer(module)


def test_a_module_whose_file_is_gone_does_not_use_pyside(tmp_path: Path) -> None:
    source = tmp_path / "gone_module_for_feature_check.py"
    source.write_text("import PySide6\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("gone_module_for_feature_check")
        assert qt_startup.module_uses_pyside(module) is True
        source.unlink()
        assert qt_startup.module_uses_pyside(module) is False
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("gone_module_for_feature_check", None)


def test_installed_and_imports_keep_no_source(tmp_path: Path) -> None:
    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside is qt_startup.module_uses_pyside
    assert qt_startup.install_cheap_feature_check() is True  # again: still ours
    for name, text in (("uses_qt_for_check", "import PySide6.QtCore\n"), ("plain_for_check", "")):
        (tmp_path / f"{name}.py").write_text(text + "VALUE = 1\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        import plain_for_check
        import uses_qt_for_check
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("plain_for_check", None)
        sys.modules.pop("uses_qt_for_check", None)
    # PySide6 asked about both (and recorded the same answer its own check gives)...
    assert feature.pyside_feature_dict["uses_qt_for_check"] == 0
    assert feature.pyside_feature_dict["plain_for_check"] == -1
    # ...and neither source is kept in memory for it.
    assert str(tmp_path / "plain_for_check.py") not in linecache.cache
    assert str(tmp_path / "uses_qt_for_check.py") not in linecache.cache
    assert plain_for_check.VALUE == uses_qt_for_check.VALUE == 1
