"""The reading view's context menu, and the example sentence saved with a word.

The menu offers what a reader of a long post reaches for: look the word up, copy the pinyin of
the selection or of the whole text (as one line of text, ``companion.pinyin.pinyin_text``),
copy the characters, select all, and show the text in the other script (traditional <->
simplified; the text is shown as written by default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from companion.ui.reading.ruby_view import RubyView

SENTENCE_END = "。！？!?\n"


def build_menu(view: RubyView, word: int = -1) -> QMenu:
    """The context menu of ``view``; ``word`` is the Chinese word right-clicked, or -1."""
    menu = QMenu(view)
    if word >= 0:
        look_up = menu.addAction(f"Look up {view.displayed_text(word)}")
        look_up.triggered.connect(lambda _c=False: view.open_popup(word))
        menu.addSeparator()
    selected = view.selection() is not None
    copy = menu.addAction("Copy pinyin of selection" if selected else "Copy pinyin")
    copy.setObjectName("copyPinyinAction")
    copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
    copy.triggered.connect(lambda _c=False: view.copy_pinyin())
    if selected:
        whole = menu.addAction("Copy pinyin of the whole text")
        whole.setObjectName("copyAllPinyinAction")
        whole.triggered.connect(lambda _c=False: view.copy_pinyin(whole=True))
    chars = menu.addAction("Copy characters of selection" if selected else "Copy characters")
    chars.setObjectName("copyTextAction")
    chars.triggered.connect(lambda _c=False: view.copy_text())
    select = menu.addAction("Select all")
    select.setShortcut(QKeySequence(QKeySequence.StandardKey.SelectAll))
    select.triggered.connect(lambda _c=False: view.select_all())
    menu.addSeparator()
    target = view.script() or view.other_script()
    script = QAction(f"Show {target} characters", menu)
    script.setObjectName("otherScriptAction")
    script.setCheckable(True)
    script.setChecked(bool(view.script()))
    script.setToolTip("Shown as written by default; pinyin and meanings stay the same")
    script.toggled.connect(lambda on: view.set_script(target if on else ""))
    menu.addAction(script)
    has_words = bool(view.words())
    for action in menu.actions():
        action.setEnabled(has_words or action.isSeparator())
    return menu


def sentence_around(texts: list[str], index: int) -> str:
    """The sentence that word ``index`` of ``texts`` is in (at most 200 characters)."""
    start = index
    while start > 0 and not any(p in texts[start - 1] for p in SENTENCE_END):
        start -= 1
    end = index
    while end < len(texts):
        end += 1
        if any(p in texts[end - 1] for p in SENTENCE_END):
            break
    before = texts[start - 1] if start > 0 else ""
    cut = max(before.rfind(p) for p in SENTENCE_END) + 1 if before else 0
    text = before[cut:] + "".join(texts[start:end])
    offset = len(before) - cut + sum(len(t) for t in texts[start:index])
    ends = [e for e in (text.find(p, offset) for p in SENTENCE_END) if e >= 0]
    right = min(ends) + 1 if ends else len(text)
    return text[:right].strip()[:200]
