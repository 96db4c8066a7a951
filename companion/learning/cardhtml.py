"""Word cards as HTML: tone-coloured pinyin and the sentence with the word highlighted.

Shared by the Anki export and the app's My words and Review panels, so a word looks the same
in both. Colours are inline styles (every Anki client and Qt's rich text honour them).
"""

from __future__ import annotations

import html
import re

from companion.dictionary.syllables import marks_to_numbers, tone_of

# The same "pleco" palette as the ruby view (companion/ui/reading/tone_colors.py).
TONE_COLORS = {1: "#e02020", 2: "#d97a00", 3: "#1f9a3a", 4: "#1f5fd6", 0: "#808080"}


def text_html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def pinyin_html(pinyin: str) -> str:
    """Tone-marked syllables, each in a span of its tone's colour (neutral grey)."""
    spans = []
    for syllable in pinyin.split():
        numbered = marks_to_numbers(syllable)
        tone = tone_of(numbered) if numbered[-1:].isdigit() else 0
        spans.append(
            f'<span class="tone{tone}" style="color:{TONE_COLORS[tone]}">'
            f"{html.escape(syllable)}</span>"
        )
    return " ".join(spans)


HIGHLIGHT = "#fff2a8"


def sentence_html(sentence: str, *forms: str, inline: bool = False) -> str:
    """The sentence, escaped, with every occurrence of the word highlighted (a ``hl`` span;
    ``inline`` adds the colour as a style, for Qt labels that ignore class rules)."""
    wanted = sorted({f for f in forms if f}, key=len, reverse=True)
    if not wanted:
        return text_html(sentence)
    style = f' style="background-color:{HIGHLIGHT}"' if inline else ""
    pattern = re.compile("|".join(re.escape(f) for f in wanted))
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(sentence):
        out.append(text_html(sentence[pos : match.start()]))
        out.append(f'<span class="hl"{style}>{html.escape(match.group(0))}</span>')
        pos = match.end()
    out.append(text_html(sentence[pos:]))
    return "".join(out)
