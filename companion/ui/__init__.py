"""The Qt widgets. Importing the package makes PySide6's per-module import check cheap
(:mod:`companion.ui.qt_startup`) before any widget module is imported."""

from companion.ui.qt_startup import install_cheap_feature_check

install_cheap_feature_check()
