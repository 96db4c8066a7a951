"""The About box: what Companion is and the third-party work it stands on (with licences)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from companion import __version__
from companion.credits import CREDITS

INTRO_HTML = """
<p><b>Companion {version}</b> — translation, pinyin and a phrasebook beside Chinese apps.</p>
<p>Companion never logs in anywhere and scrapes nothing. Text leaves this computer only when
you choose an online engine.</p>
<p><b>Data and software it uses</b></p>
"""
OUTRO_HTML = """<p>The phrasebook of interface terms and slang is Companion's own, written and
checked by its authors.</p>"""


def credits_html() -> str:
    """The About box's text: the introduction, then one line per credit."""
    items = []
    for credit in CREDITS:
        name = f'<a href="{credit.url}">{credit.name}</a>' if credit.url else credit.name
        items.append(f"<li><b>{name}</b> ({credit.licence}): {credit.used_for}.</li>")
    return INTRO_HTML.format(version=__version__) + "<ul>" + "".join(items) + "</ul>" + OUTRO_HTML


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "About Companion", credits_html())
