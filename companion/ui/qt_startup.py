"""A cheaper answer to PySide6's question "does this module use PySide6?".

Once ``PySide6.QtCore`` is imported, shiboken replaces ``__import__`` so that every module
imported afterwards is asked, once, whether it uses PySide6 (for its opt-in
``from __feature__ import snake_case, true_property``). It answers with
``inspect.getsource(module)``: every module's source is read through ``linecache`` and kept
there, about 0.4 ms and a few kB per module, 130 modules before Companion's first paint (the
``__feature__`` start-up tax, napari/napari#8584). The same question, answered the same way (the
text ``PySide6`` in the module's source file), costs a single read with nothing kept.

Nothing here changes what PySide6 does for a module; if its internals are not the ones this
was written for, the original check stays.
"""

from __future__ import annotations

import sys
from types import ModuleType

_MARKER = b"PySide6"


def module_uses_pyside(module: ModuleType) -> bool:
    """True when the module's source file mentions PySide6 (what PySide6's check looks for);
    False for a module without a readable ``.py`` file (built in, compiled, frozen)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as handle:
            return _MARKER in handle.read()
    except OSError:
        return False


def install_cheap_feature_check() -> bool:
    """Put :func:`module_uses_pyside` in place of PySide6's check; True when installed."""
    import PySide6.QtCore  # noqa: F401  (loads shibokensupport.feature)

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original) or not hasattr(feature, "feature_imported"):
        return False
    if original is not module_uses_pyside:
        feature._mod_uses_pyside = module_uses_pyside  # type: ignore[attr-defined]
    return True
