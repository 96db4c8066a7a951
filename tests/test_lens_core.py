"""The Lens core without OCR: labels, meanings, colours, layout and HiDPI geometry, Follow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from companion.lens.colors import BUSY_PATCH, contrast, readable_on, sample_colors
from companion.lens.follow import FULL, PARTIAL, SAME, FollowTracker, inside_bands, widen
from companion.lens.labels import english_count, parse_label, split_parts
from companion.lens.layout import (
    CENTER,
    LEFT,
    MIN_PX,
    RIGHT,
    bar_position,
    card_position,
    clamp_rect,
    elide,
    fit_best,
    fit_scale,
    fit_text,
    floor_px,
    free_room,
    harmonize,
    infer_alignments,
    logical_to_native,
    native_to_logical,
    natural_px,
    placed_rect,
    screen_for,
)
from companion.lens.meaning import (
    DICTIONARY,
    MACHINE,
    NONE,
    NUMBER,
    ORIGINAL,
    PHRASEBOOK,
    Matcher,
    details,
    short_english,
)
from companion.lens.sentences import MachineBatch, translate_lines, use_session


def measure(text: str, px: float) -> float:
    """A fixed-pitch stand-in for font metrics: every character 0.55 em wide."""
    return len(text) * px * 0.55


# --- labels ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "core", "count", "first"),
    [
        ("评论 128", "评论", "128", False),
        ("12条评论", "条评论", "12", True),
        ("点赞1.2万", "点赞", "1.2万", False),
        ("收藏(56)", "收藏", "56", False),
        ("♡ 收藏 >", "收藏", "", False),
        ("共3条回复", "条回复", "共3", True),
        ("昨天 12:30", "昨天", "12:30", False),
        ("评论 999+", "评论", "999+", False),
        ("1.2万", "", "1.2万", False),
        ("关注", "关注", "", False),
    ],
)
def test_labels_lose_their_counters_and_icons(
    text: str, core: str, count: str, first: bool
) -> None:
    label = parse_label(text)
    assert (label.core, label.count, label.count_first) == (core, count, first)


def test_counts_in_english_form() -> None:
    assert english_count("1.2万") == "12K"
    assert english_count("3.5亿") == "350M"
    assert english_count("1.2w") == "12K"
    assert english_count("150万") == "1.5M"
    assert english_count("共3") == "3"
    assert english_count("999+") == "999+"
    assert english_count("12:30") == "12:30"
    assert parse_label("12条评论").with_english("comments") == "12 comments"
    assert parse_label("评论 128").with_english("Comments") == "Comments 128"
    assert parse_label("12条评论").bare == "评论"


def test_labels_made_of_parts() -> None:
    assert split_parts("IP属地：上海") == ["IP属地", "上海"]
    assert split_parts("关注 | 粉丝") == ["关注", "粉丝"]
    assert split_parts("编辑于 3天前") == ["编辑于", "3天前"]
    assert split_parts("隐私设置") == ["隐私设置"]
    assert split_parts("12:30") == ["12:30"]  # a clock time is not a "key: value" label


# --- meanings ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def matcher() -> Matcher:
    def no_engine(texts: object) -> MachineBatch:
        return MachineBatch(error="Sentences not translated: no engine in this test")

    return Matcher(translate=no_engine)


def test_phrasebook_first_exact_then_without_counters(matcher: Matcher) -> None:
    home = matcher.label("首页")
    assert (home.english, home.source, home.key) == ("Home", PHRASEBOOK, "interface:首页")
    assert home.pinyin == "shǒu yè" and "home tab" in " ".join(home.senses)
    comments = matcher.label("评论 128")
    assert (comments.english, comments.source, comments.word) == ("Comment 128", PHRASEBOOK, "评论")
    assert matcher.label("12条评论").english == "12 comments"  # the entry for 条评论
    assert matcher.label("点赞1.2万").english.endswith(" 12K")
    assert matcher.label("3分钟前").english == "3 minutes ago"
    assert matcher.label("關注").key == "interface:关注"  # traditional characters
    assert matcher.label("IP属地：上海").english.startswith("IP location: ")


def test_a_narrow_box_may_use_the_second_sense(matcher: Matcher) -> None:
    recommended = matcher.label("推荐")
    assert recommended.english == "Recommended" and recommended.shorter == ("For you",)
    fit = fit_best((recommended.english, *recommended.shorter), 40, 14, measure)
    assert fit.text == "For you" and not fit.elided


def test_short_words_from_the_dictionary(matcher: Matcher) -> None:
    meaning = matcher.label("窗户")  # not in the phrasebook
    assert meaning.source == DICTIONARY and meaning.key == "cedict:窗户"
    assert meaning.english and meaning.pinyin and len(meaning.senses) >= 1
    assert short_english("to collect (works of art); to bookmark") == "Collect"


def test_numbers_and_latin_are_kept(matcher: Matcher) -> None:
    assert matcher.label("1.2万").source == NUMBER and matcher.label("1.2万").english == "12K"
    assert matcher.label("12.3MB").source == ORIGINAL
    assert not matcher.label("OOTD").drawn


def test_sentences_wait_for_the_engine_and_say_why_they_got_none(matcher: Matcher) -> None:
    sentence = "这个平替真的绝绝子，姐妹们冲！"
    first = matcher.label(sentence)
    assert first.pending and first.source == MACHINE and first.pinyin
    found, notes = matcher.sentences([sentence])
    assert found[sentence].source == NONE and not found[sentence].drawn
    assert notes == ["Sentences not translated: no engine in this test"]
    # a line made only of phrasebook terms is still understood, term by term
    found, _notes = matcher.sentences(["我已阅读并同意用户协议和隐私政策"])
    agreement = found["我已阅读并同意用户协议和隐私政策"]
    assert agreement.source == PHRASEBOOK and agreement.note == "term by term"
    assert "User Agreement and Privacy Policy" in agreement.english


def test_machine_translation_batches_one_screen(matcher: Matcher) -> None:
    calls: list[list[str]] = []

    def engine(texts: object) -> MachineBatch:
        batch = list(texts)  # type: ignore[call-overload]
        calls.append(batch)
        return MachineBatch({t: f"english of {t}" for t in batch}, "Test engine")

    m = Matcher(translate=engine)
    lines = [
        "首页",
        "今天的晚饭是番茄炒蛋。",
        "欢迎来到小红书，你好新朋友！",
        "今天的晚饭是番茄炒蛋。",
    ]
    meanings, notes = m.meanings(lines)
    assert calls == [["今天的晚饭是番茄炒蛋。", "欢迎来到小红书，你好新朋友！"]]
    assert [x.source for x in meanings] == [PHRASEBOOK, MACHINE, MACHINE, MACHINE]
    assert (
        meanings[1].english == "english of 今天的晚饭是番茄炒蛋。"
        and meanings[1].note == "Test engine"
    )
    assert notes == []
    again, _notes = m.meanings(["今天的晚饭是番茄炒蛋。"])  # remembered: no second engine call
    assert len(calls) == 1 and again[0].source == MACHINE


@pytest.fixture
def own_session() -> Iterator[None]:
    """The Lens builds its session in this test's user directories, and forgets it after."""
    use_session(None)
    yield
    use_session(None)


def test_translate_lines_without_a_pack_says_so(own_session: None) -> None:
    batch = translate_lines(["今天的晚饭是番茄炒蛋。"])
    assert batch.translations == {} and "language pack" in batch.error


def test_translate_lines_with_the_offline_engine(
    installed_packs: list[Path], own_session: None
) -> None:
    batch = translate_lines(["今天的晚饭是番茄炒蛋。", "欢迎来到小红书！"])
    assert set(batch.translations) == {"今天的晚饭是番茄炒蛋。", "欢迎来到小红书！"}
    assert all(batch.translations.values()) and not batch.error
    assert batch.engine_label  # the engine that translated, for the card


def test_the_gui_hands_its_own_session_to_the_lens(
    installed_packs: list[Path], own_session: None
) -> None:
    from companion.session import Session

    session = Session()
    offline = session.offline
    assert hasattr(offline, "loaded") and not offline.loaded()
    use_session(session)
    assert translate_lines(["欢迎来到小红书！"]).translations
    assert offline.loaded()  # the window's engine loaded the model: not a second copy


def test_details_give_the_full_entry(matcher: Matcher) -> None:
    follow = details(matcher.label("关注"), matcher)
    assert follow.word == "关注" and ("Traditional", "關注") in follow.rows
    assert any(heading == "Note" for heading, _text in follow.rows)
    word = details(matcher.label("窗户"), matcher)
    assert word.rows and word.rows[0][0]  # pinyin heading, senses text
    sentence = details(matcher.label("今天天气很好"), matcher)
    assert any(heading.startswith("天气") for heading, _text in sentence.rows)


# --- colours ----------------------------------------------------------------------------------
def box_image(background: tuple[int, int, int], ink: tuple[int, int, int]) -> np.ndarray:
    image = np.zeros((40, 120, 3), dtype=np.uint8)
    image[:, :] = background
    image[14:26, 20:100] = ink  # the "text"
    return image


def test_colours_come_from_the_pixels() -> None:
    light = sample_colors(box_image((255, 255, 255), (34, 34, 34)), (10, 8, 110, 32))
    assert light.background == (255, 255, 255) and light.text == (34, 34, 34)
    assert (light.ink_top, light.ink_bottom) == (14, 26) and not light.busy
    dark = sample_colors(box_image((18, 18, 18), (232, 232, 232)), (10, 8, 110, 32))
    assert dark.background == (18, 18, 18) and dark.text == (232, 232, 232)
    red = sample_colors(box_image((255, 36, 66), (255, 255, 255)), (10, 8, 110, 32))
    assert red.background == (255, 36, 66) and red.text == (255, 255, 255)


def test_faint_text_becomes_readable_and_photos_get_a_dark_patch() -> None:
    faint = sample_colors(box_image((255, 255, 255), (235, 235, 235)), (10, 8, 110, 32))
    assert contrast(faint.background, faint.text) >= 3.0
    assert readable_on((250, 250, 250), (240, 240, 240)) == (0, 0, 0)
    assert readable_on((10, 10, 10), (30, 30, 30)) == (255, 255, 255)
    photo = np.random.default_rng(3).integers(0, 255, (40, 120, 3), dtype=np.uint8)
    busy = sample_colors(photo, (10, 8, 110, 32))
    assert busy.busy and busy.background == BUSY_PATCH and busy.text == (255, 255, 255)
    assert sample_colors(photo, (5, 5, 6, 6)).background == (255, 255, 255)  # degenerate box


# --- layout -----------------------------------------------------------------------------------
def test_alignment_from_the_boxes_around() -> None:
    boxes = [
        (20, 10, 80, 30), (180, 10, 240, 30), (340, 10, 400, 30),  # a tab bar
        (20, 60, 120, 80), (20, 100, 100, 120), (20, 140, 140, 160),  # a settings list
        (300, 60, 380, 80), (320, 100, 380, 120),  # values at the end of the rows
        (160, 300, 240, 320),  # a lone title in the middle
    ]  # fmt: skip
    aligns = infer_alignments(boxes, 400)
    assert aligns[:3] == [CENTER, CENTER, CENTER]
    assert aligns[3:6] == [LEFT, LEFT, LEFT]
    assert aligns[6:8] == [RIGHT, RIGHT]
    assert aligns[8] == CENTER


def test_free_room_stops_at_the_neighbours_and_keeps_alignment() -> None:
    boxes = [(20, 10, 60, 30), (200, 10, 240, 30), (380, 10, 420, 30), (20, 60, 70, 80)]
    rooms = free_room(boxes, [CENTER, CENTER, CENTER, LEFT], 500)
    left_tab, middle_tab, _right, row = rooms
    assert left_tab[2] < 200 and middle_tab[0] > 60 and middle_tab[2] < 380
    assert abs((middle_tab[0] + middle_tab[2]) / 2 - 220) < 1  # centred on its box
    assert row[0] == 20 and row[2] > 400  # a list row grows to the right edge


def test_fit_shrinks_to_a_floor_then_elides() -> None:
    natural = 16.0
    assert fit_text("Home", 100, natural, measure).px == natural
    shrunk = fit_text("Notification settings", 150, natural, measure)
    assert floor_px(natural) <= shrunk.px < natural and not shrunk.elided
    assert measure(shrunk.text, shrunk.px) <= 150
    cut = fit_text("Notification settings for every account", 60, natural, measure)
    assert cut.elided and cut.text.endswith("…") and cut.px == floor_px(natural)
    assert measure(cut.text, cut.px) <= 60
    assert elide("Privacy settings", 60, 10, measure) == "Privacy…"
    assert floor_px(10) == MIN_PX


def test_natural_size_follows_the_chinese() -> None:
    assert natural_px(21, 14) == pytest.approx(14 / 0.88 * 0.92)
    assert natural_px(21) == pytest.approx(21 * 0.7)
    assert natural_px(8) == MIN_PX
    assert harmonize([14, 14.6, 20, 15.2]) == [14.6, 14.6, 20, 14.6]


def test_patch_widens_into_the_room_by_alignment() -> None:
    box = (100, 10, 140, 30)
    room = (60.0, 10.0, 220.0, 30.0)
    assert placed_rect(room, box, 20, LEFT, 2) == (100, 10, 140, 30)  # fits: the box itself
    assert placed_rect(room, box, 80, LEFT, 2) == (100, 10, 184, 30)
    assert placed_rect(room, box, 80, RIGHT, 2) == (60, 10, 140, 30)
    assert placed_rect(room, box, 80, CENTER, 2) == (78, 10, 162, 30)


def test_a_phone_screenshot_fits_the_viewer() -> None:
    scale, dx, dy = fit_scale((1170, 2532), (900, 720))
    assert scale == pytest.approx(720 / 2532)
    assert dy == 0 and dx == pytest.approx((900 - 1170 * scale) / 2)
    assert fit_scale((300, 200), (900, 720))[0] == 1.0  # never enlarged unless asked
    assert fit_scale((0, 10), (900, 720)) == (1.0, 0.0, 0.0)


def test_hidpi_and_multiple_screens_map_about_each_screens_origin() -> None:
    # a 2x screen to the right of a 1x one: Qt keeps each screen's native origin
    left_screen = (0.0, 0.0, 1920.0, 1080.0)
    right_screen = (1920.0, 0.0, 1920.0 + 1440.0, 900.0)  # 2880x1800 native at 2x
    region = (2020.0, 100.0, 2420.0, 400.0)
    native = logical_to_native(region, (1920, 0), 2.0)
    assert native == (2120, 200, 2920, 800)
    assert native_to_logical(native, (1920, 0), 2.0) == region
    assert logical_to_native((10, 10, 20, 20), (0, 0), 1.25) == (12, 12, 25, 25)
    assert screen_for(region, [left_screen, right_screen]) == 1
    assert screen_for((1880.0, 0.0, 1930.0, 50.0), [left_screen, right_screen]) == 0
    assert screen_for((5000.0, 0.0, 5100.0, 50.0), [left_screen, right_screen]) == 1
    assert screen_for(region, []) == -1
    assert clamp_rect((1800.0, 0.0, 2000.0, 100.0), left_screen) == (1800.0, 0.0, 1920.0, 100.0)


def test_bar_and_card_stay_on_screen_and_off_the_label() -> None:
    screen = (0.0, 0.0, 1280.0, 800.0)
    assert bar_position((100, 100, 600, 500), (300, 30), screen) == (300, 70)
    assert bar_position((100, 0, 600, 500), (300, 30), screen) == (300, 500)  # no room above
    assert bar_position((0, 0, 1280, 800), (300, 30), screen) == (980, 0)  # inside, top right
    assert card_position((100, 100, 160, 120), (300, 200), screen) == (100, 126)
    assert card_position((100, 700, 160, 720), (300, 200), screen) == (100, 494)  # above
    assert card_position((1200, 100, 1260, 120), (300, 200), screen)[0] == 980


# --- Follow -----------------------------------------------------------------------------------
def frame() -> np.ndarray:
    rgb = np.full((400, 300, 3), 255, dtype=np.uint8)
    rgb[20:40, 20:100] = 30  # label 1
    rgb[200:220, 20:140] = 30  # label 2
    return rgb


def test_follow_skips_unchanged_frames_and_rereads_only_changed_bands() -> None:
    tracker = FollowTracker()
    first = frame()
    assert tracker.compare(first).kind == FULL  # nothing read yet
    boxes = [(15, 15, 105, 45), (15, 195, 145, 225)]
    tracker.remember(first, boxes)
    assert tracker.compare(first.copy()).kind == SAME
    second = first.copy()
    second[205:215, 110:130] = 90  # the second label changed
    change = tracker.compare(second)
    assert change.kind == PARTIAL and change.changed_boxes == (1,)
    ((top, bottom),) = change.bands
    assert top <= 195 and bottom >= 225 and bottom - top < 100  # the whole box, not the screen
    assert not inside_bands(boxes[0], change.bands) and inside_bands(boxes[1], change.bands)
    new_text = first.copy()
    new_text[300:320, 50:90] = 10  # text appeared where there was none
    change = tracker.compare(new_text)
    assert change.kind == PARTIAL and change.changed_boxes == () and change.bands[0][0] <= 300
    page = np.zeros_like(first)  # a new page: read it all
    assert tracker.compare(page).kind == FULL
    assert tracker.compare(np.zeros((10, 10, 3), dtype=np.uint8)).kind == FULL  # resized


def test_bands_grow_to_whole_boxes() -> None:
    bands = widen([(100, 104)], [(0, 90, 50, 110)], margin=2, height=400)
    assert bands == [(88, 112)]
    assert widen([(0, 5), (8, 12)], [], margin=2, height=20) == [(0, 14)]


def test_english_widens_only_within_its_background() -> None:
    from companion.lens.colors import background_run
    from companion.lens.meaning import Meaning
    from companion.lens.reader import layout_lines
    from companion.ocr import OcrLine

    page = np.full((60, 400, 3), 255, dtype=np.uint8)
    page[10:50, 300:380] = (255, 36, 66)  # a red button
    page[24:36, 320:360] = 255  # its white text
    page[24:36, 20:60] = 30  # a list label on the page
    assert background_run(page, (310, 14, 370, 46), (255, 36, 66)) == (300, 380)
    assert background_run(page, (15, 14, 65, 46), (255, 255, 255)) == (0, 300)
    lines = [OcrLine("关注", (310, 14, 370, 46), 0.99), OcrLine("设置", (15, 14, 65, 46), 0.99)]
    meanings = [Meaning("Follow", PHRASEBOOK), Meaning("Settings", PHRASEBOOK)]
    button, label = layout_lines(page, lines, meanings)
    assert button.align == CENTER and button.room[0] >= 300 and button.room[2] <= 380
    assert label.align == LEFT and label.room[2] <= 300
