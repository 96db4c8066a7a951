"""Every third-party work is credited, with its licence, in the About box and the README."""

from __future__ import annotations

import re
from pathlib import Path

from pytestqt.qtbot import QtBot

from companion.credits import CREDITS
from companion.ui.about import credits_html

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_credits() -> str:
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Credits\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert section, "README has no '## Credits' section"
    return section.group(1)


def test_the_readme_credits_every_work_with_its_licence() -> None:
    credits = _readme_credits()
    for credit in CREDITS:
        first_name = credit.name.split(" / ")[0]
        assert first_name in credits, credit.name
        line = next(line for line in credits.split("\n- ") if first_name in line)
        assert credit.licence in line, (credit.name, credit.licence)


def test_the_about_box_names_every_work_with_its_licence(qtbot: QtBot) -> None:
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(credits_html())
    shown = document.toPlainText()
    for credit in CREDITS:
        assert f"{credit.name} ({credit.licence})" in shown
    assert "phrasebook" in shown and "Companion's own" in shown
