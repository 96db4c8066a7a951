"""Companion: translation, pinyin and a phrasebook beside a Chinese-language app.

The package root is the Qt-free core; widgets live in ``companion.ui`` only.
"""

__version__ = "0.1.0"
APP_NAME = "Companion"
