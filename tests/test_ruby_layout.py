"""The ruby view's layout engine on its own: plain numbers, fixed glyph widths, no Qt."""

from __future__ import annotations

from companion.pinyin import Word
from companion.ui.reading.ruby_layout import MARGIN, TEXT, RubyContent, RubyLayout, Spacing

SPACING = Spacing(pinyin_h=14, hanzi_h=24, word_gap=8, space_w=6)
HANZI = 20  # every character 20 px wide, every syllable 10 px per letter


def _content(
    words: list[Word], cache: dict[str, tuple[list[int], int]] | None = None
) -> RubyContent:
    return RubyContent(
        words,
        [w.text for w in words],
        lambda i: list(words[i].pinyin),
        lambda ch: HANZI,
        lambda syllable: 10 * len(syllable),
        lambda text: 10 * len(text),
        SPACING,
        cache,
    )


def _zh(text: str, *syllables: str) -> Word:
    return Word(text, list(syllables), [1] * len(text), True, numbers=[s + "1" for s in syllables])


def _done(words: list[Word], width: int) -> RubyLayout:
    layout = RubyLayout(_content(words), width)
    layout.advance()
    assert layout.done
    return layout


def test_columns_are_as_wide_as_the_character_or_its_syllable() -> None:
    content = _content([_zh("中国", "zhong", "guo")])
    content.extend()
    # "zhong" is 50 px + 4 of padding, wider than the 20 px character; "guo" 34
    assert content.columns[0] == [54, 34]
    assert content.width == [88]


def test_repeated_words_are_measured_once() -> None:
    measured: list[str] = []
    words = [_zh("你好", "ni", "hao")] * 50

    def syllables(index: int) -> list[str]:
        measured.append(words[index].text)
        return list(words[index].pinyin)

    content = RubyContent(
        words,
        [w.text for w in words],
        syllables,
        lambda ch: HANZI,
        lambda syllable: 10 * len(syllable),
        lambda text: 10 * len(text),
        SPACING,
        {},
    )
    content.extend(100)
    assert content.complete and measured == ["你好"]


def test_wrapping_rows_and_row_lookup() -> None:
    words = [_zh("你好", "ni", "hao")] * 10  # each word 34 + 34 = 68 px, gap 8
    layout = _done(words, 240)  # 232 available: three words a row (68*3 + 16 = 220)
    assert layout.rows == 4
    assert [layout.row[b] for b in range(10)] == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]
    assert list(layout.boxes_in_row(1)) == [3, 4, 5]
    pitch = SPACING.pitch
    assert layout.row_at(MARGIN + pitch + 1) == 1
    assert layout.row_at(MARGIN + SPACING.line_h + 1) == -1  # the gap between rows
    assert layout.height() == 3 * pitch + SPACING.line_h + 2 * MARGIN


def test_closing_punctuation_never_starts_a_line() -> None:
    words = [_zh("你好", "ni", "hao")] * 3 + [Word("，")]
    layout = _done(words, 4 * 2 + 220)  # the three words fill the row exactly
    comma = 3
    assert layout.row[comma] == 0  # overhangs the margin instead of starting row 1
    words = [_zh("你好", "ni", "hao")] * 3 + [Word("hello")]
    assert _done(words, 228).row[3] == 1  # ordinary text does wrap


def test_line_breaks_and_blank_lines() -> None:
    words = [_zh("你", "ni"), Word("\n\n"), _zh("好", "hao")]
    layout = _done(words, 400)
    last = layout.content.boxes_of(2)[0]
    assert layout.row[last] == 2  # one empty row between
    assert _done([Word("\n \n")], 400).height() == 0  # nothing drawn: no height


def test_a_token_wider_than_a_line_is_cut_into_pieces() -> None:
    url = "https://example.com/" + "x" * 60  # 800 px of text
    layout = _done([_zh("看", "kan"), Word(" " + url)], 300)
    box = next(b for b in range(layout.boxes_done) if layout.content.kind[b] == TEXT)
    pieces = layout.pieces[box]
    assert "".join(p.text for p in pieces) == url
    assert all(p.width <= layout.avail for p in pieces)
    assert [p.row for p in pieces] == list(range(pieces[0].row, pieces[0].row + len(pieces)))
    later = pieces[1]
    assert (box, 1) in layout.row_pieces[later.row]


def test_progressive_layout_gives_the_same_rows() -> None:
    words = [_zh("你好", "ni", "hao"), Word("，"), _zh("世界", "shi", "jie"), Word("\n")] * 400
    whole = _done(words, 500)
    stepwise = RubyLayout(_content(words), 500)
    while not stepwise.done:
        stepwise.advance(until_row=stepwise.rows)  # one row at a time
    assert stepwise.x == whole.x and stepwise.row == whole.row
    assert stepwise.row_start == whole.row_start
    partial = RubyLayout(_content(words), 500)
    partial.advance(until_row=60)  # enough text to extrapolate from
    assert not partial.done and partial.rows < whole.rows
    estimate = partial.estimated_height()
    assert whole.height() // 3 < estimate < whole.height() * 3  # a scroll bar, not a guess


def test_a_short_text_is_laid_out_even_when_the_slice_is_used_up() -> None:
    words = [_zh("你好", "ni", "hao"), Word("！")] * 10
    layout = RubyLayout(_content(words), 400)
    layout.advance(deadline=0.0)  # a deadline long past: one chunk is still placed
    assert layout.done and layout.estimated_height() == layout.height() > 0
