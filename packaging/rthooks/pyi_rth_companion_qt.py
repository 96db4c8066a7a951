# Replaces PyInstaller's stock PySide6 run-time hook, which imports QtCore (and with it the Qt
# libraries) on every start, CLI commands included: 1.5-3x slower `companion lookup`. This one
# only tells Qt where its plugins are; PySide6 itself sets up the rest when the GUI imports it.
import os
import sys

_base = sys._MEIPASS  # type: ignore[attr-defined]
_qt = os.path.join(_base, "PySide6")
if sys.platform != "win32":
    _qt = os.path.join(_qt, "Qt")
os.environ.setdefault("QT_PLUGIN_PATH", os.path.join(_qt, "plugins"))
if sys.platform == "win32":  # QtNetwork finds OpenSSL DLLs collected beside the app
    os.environ["PATH"] = _base + os.pathsep + os.environ.get("PATH", "")
del _base, _qt
