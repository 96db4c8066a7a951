"""Reading classes of issue 12's fourth round, through the real segmenter and dictionary.

From the misses of the blind set "fresh 4", generalised into classes: 累 "tired" (lèi)
against its lěi and léi in compounds, 还 giving back to a person (huán), 和 kneading dough
or mud (huó), and slang senses that read otherwise than the first dictionary reading
(上头 shàngtóu "hooked" against shàngtou "above"; 显白 xiǎnbái), with the phrasebook's
terms added the way the app adds them.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from companion.dictionary import Dictionary, get_dictionary, prepare_dictionary
from companion.pinyin import annotate
from tests.reading_helpers import syllables_of


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        # tired: what follows tiredness, who is tired, a degree or a negation before it
        ("周末去爬山，累得腿都软了", ["lèi"]),
        ("今天真的累死了", ["lèi"]),
        ("上了一天班，我累了", ["lèi"]),
        ("带娃累趴了", ["lèi"]),
        ("又累又饿，只想躺着", ["lèi"]),
        ("你累不累？", ["lèi", "lèi"]),
        ("做这个工作很累", ["lèi"]),
        ("不怕累，就怕没意思", ["lèi"]),
        # to accumulate, to implicate: lěi, in the words that say so
        ("经验是慢慢积累的", ["lěi"]),
        ("累计消费满两百可以退", ["lěi"]),
        ("日积月累，总会进步", ["lěi"]),
        ("是我连累了你", ["lei"]),
        # léi: cumbersome, in clusters
        ("行李太多，真是累赘", ["léi"]),
        ("秋天果实累累", ["léi", "léi"]),
    ],
)
def test_lei_tired_against_lei_in_compounds(text: str, readings: list[str]) -> None:
    assert syllables_of(text, "累") == readings, text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("记得还我充电宝", "huán"),
        ("快还我！", "huán"),
        ("还你的充电宝", "huán"),
        ("还他一个公道", "huán"),
        ("下周还你", "huán"),
        ("记得把充电宝还我", "huán"),
        ("看完把书还回去", "huán"),
        ("把钱还了就行", "huán"),
        ("借的书要还给图书馆", "huán"),
        # the person is the subject of what follows: the adverb
        ("还我请客吧", "hái"),
        ("今天还我们俩去", "hái"),
        ("还你最懂我", "hái"),
        ("他还没有还钱", None),
    ],
)
def test_huan_giving_back_to_a_person(text: str, reading: str | None) -> None:
    found = syllables_of(text, "还")
    if reading is None:  # the adverb, then the verb
        assert found == ["hái", "huán"], (text, found)
        return
    assert found[0] == reading, (text, found)


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("和面的时候加点盐", "huó"),
        ("先和泥再砌墙", "huó"),
        ("把面和好，醒半小时", "huó"),
        ("和好面再擀皮", "huó"),
        # "and" before a word that begins with 面 or 泥
        ("我和面包都喜欢", "hé"),
        ("他和面试官聊了很久", "hé"),
        ("我和面条一起煮", "hé"),
        ("小猫和泥鳅玩", "hé"),
        ("我和你", "hé"),
    ],
)
def test_he_kneading_dough_or_mud_is_huo(text: str, reading: str) -> None:
    assert syllables_of(text, "和")[0] == reading, text


def test_kneading_words_are_whole_with_their_gloss() -> None:
    word = next(w for w in annotate("和面的时候加点盐") if w.text == "和面")
    assert word.joined_pinyin() == "huómiàn"
    assert "dough" in word.gloss


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # slang "hooked", or going to one's head: shàngtóu
        ("这首歌的音乐太上头了", "shàngtóu"),
        ("这个剧越看越上头", "shàngtóu"),
        ("红酒喝多了有点上头", "shàngtóu"),
        ("酒劲上头了", "shàngtóu"),
        # above, the higher-ups: shàngtou
        ("名字写在上头", "shàngtou"),
        ("上头说了要加班", "shàngtou"),
        ("上头派人来检查", "shàngtou"),
    ],
)
def test_shangtou_by_its_sense(text: str, expected: str) -> None:
    prepare_dictionary()  # the app's path: the phrasebook's 上头 shàng tóu among the words
    word = next(w for w in annotate(text) if w.text == "上头")
    assert word.joined_pinyin() == expected, text


def test_xianbai_the_colour_that_flatters_keeps_its_full_tone() -> None:
    """CC-CEDICT lists 显白 only as a variant of 显摆 (xiǎnbai); the supplement's reading
    stands over that neutral tone, with the phrasebook's term written xiǎn bái too."""
    prepare_dictionary()
    word = next(w for w in annotate("这条裙子的颜色好显白") if w.text == "显白")
    assert word.joined_pinyin() == "xiǎnbái"
    assert get_dictionary().readings("显白") == ["xian3 bai2"]


MINI_CEDICT = """\
上頭 上头 [shang4 tou5] /above; on top of/
上頭 上头 [shang4 tou2] /(of alcohol) to go to one's head/
顯白 显白 [xian3 bai5] /variant of 顯擺|显摆[xian3 bai5]/
消息 消息 [xiao1 xi5] /news; information/
"""


def test_which_reading_an_extra_word_takes(tmp_path: Path) -> None:
    """A phrasebook term written in citation tones takes CEDICT's neutral tone (消息);
    one CEDICT also lists in its own reading keeps both, its own first (上头); the
    supplement's hand-checked reading stands as written (显白)."""
    source = tmp_path / "mini.txt.gz"
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        handle.write(MINI_CEDICT)
    small = Dictionary(source=source, cache=tmp_path / "mini.idx")
    small.add_extra_words(
        [
            ("消息", "消息", "xiāo xī", "messages"),
            ("上头", "上頭", "shàng tóu", "addictive"),
            ("显白", "顯白", "xiǎn bái", "makes your skin look fairer"),
        ]
    )
    assert small.readings("消息") == ["xiao1 xi5"]
    assert small.readings("上头") == ["shang4 tou2", "shang4 tou5"]
    assert small.readings("显白") == ["xian3 bai2"]


@pytest.mark.parametrize("text", ["我老公今天加班", "老公给我买了包"])
def test_a_term_cedict_also_reads_with_a_neutral_tone_keeps_its_own(text: str) -> None:
    """老公 the husband is lǎogōng (the phrasebook's term, CEDICT's first entry), not
    CEDICT's other entry lǎogong, the eunuch."""
    prepare_dictionary()
    word = next(w for w in annotate(text) if w.text == "老公")
    assert word.joined_pinyin() == "lǎogōng"


@pytest.mark.parametrize(
    ("text", "reading"),
    [("她在处对象", "chǔ"), ("我们俩处不来", "chǔ"), ("这处风景很美", "chù")],
)
def test_chu_getting_along(text: str, reading: str) -> None:
    assert syllables_of(text, "处") == [reading], text


def test_zhenshi_has_no_neutral_tone() -> None:
    """现代汉语词典 writes 真是 zhēnshì; CC-CEDICT's zhen1 shi5 is corrected at build time."""
    word = next(w for w in annotate("你真是个天才") if w.text == "真是")
    assert word.joined_pinyin() == "zhēnshì"


@pytest.mark.parametrize(
    ("text", "char", "reading"),
    [
        # grown this big: zhǎng
        ("长这么大第一次吃榴莲", "长", "zhǎng"),
        ("孩子都长那么高了", "长", "zhǎng"),
        # 得 opening a clause before a verb: must
        ("这条裙子太长了，得改短", "得", "děi"),
        ("明天要考试，得赶紧复习", "得", "děi"),
        # 划: rowing, scratching (huá) against drawing a line, marking off (huà)
        ("在湖上划了一下午的船", "划", "huá"),
        ("手被纸划了一下", "划", "huá"),
        ("老师让我们把这段划一条线", "划", "huà"),
        # 差 "poor" after what has a quality
        ("质量差的东西别买", "差", "chà"),
        ("这里信号太差了", "差", "chà"),
        # 调到 a setting (tiáo) against being transferred (diào)
        ("把温度调到26度", "调", "tiáo"),
        ("音量调到最大", "调", "tiáo"),
        ("他被调到北京工作", "调", "diào"),
        # 散 come loose
        ("鞋带散了", "散", "sǎn"),
        ("辫子散了", "散", "sǎn"),
        ("大家都散了", "散", "sàn"),
        # 闷 stuffy air (mēn) against bored (mèn)
        ("天气闷得喘不过气", "闷", "mēn"),
        ("房间里好闷", "闷", "mēn"),
        ("心里很闷", "闷", "mèn"),
        # 场 the course of an event (cháng) against a show (chǎng)
        ("下了一场大雨", "场", "cháng"),
        ("生了一场大病", "场", "cháng"),
        ("看了一场电影", "场", "chǎng"),
    ],
)
def test_reading_classes_of_the_blind_set_fresh5(text: str, char: str, reading: str) -> None:
    assert syllables_of(text, char) == [reading], text


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [("谁能告诉我这首歌叫什么", "告诉", "gàosu"), ("他很有本事", "本事", "běnshi")],
)
def test_the_everyday_reading_of_a_word_comes_first(text: str, word: str, expected: str) -> None:
    """CC-CEDICT lists 告诉's legal gàosù and 本事's běnshì ("source material") first."""
    found = next(w for w in annotate(text) if w.text == word)
    assert found.joined_pinyin() == expected
    assert get_dictionary().readings(word)[0].split()[-1].endswith("5")


@pytest.mark.parametrize(
    ("text", "char", "reading"),
    [
        # classes from CPP dev: 应 "should" before a verb; 刨 to dig unless planing
        ("最早应追溯至明朝", "应", "yīng"),
        ("他应了一声", "应", "yìng"),
        ("在地上刨坑", "刨", "páo"),
        ("把木板刨平", "刨", "bào"),
        # 蒙 dazed (mēng) against covered (méng)
        ("把我给搞蒙了", "蒙", "mēng"),
        ("我直接蒙了", "蒙", "mēng"),
        ("桌子上蒙了一层灰", "蒙", "méng"),
        # 所 before a verb, 盛 ladling food, 粘 to stick
        ("该寺所藏佛像很多", "藏", "cáng"),
        ("盛米饭的碗", "盛", "chéng"),
        ("泉水盛水期", "盛", "shèng"),
        ("胶水粘在手上", "粘", "zhān"),
        ("这个米很粘", "粘", "nián"),
        # 尽 alone is "all, entirely" (jìn); its jǐn lives in 尽快, 尽量
        ("公文尽交他保管", "尽", "jìn"),
        ("请尽快回复", "尽", "jǐn"),
    ],
)
def test_reading_classes_from_cpp_dev(text: str, char: str, reading: str) -> None:
    assert syllables_of(text, char) == [reading], text


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("别矫情了", "矫情", "jiáoqing"),
        ("她太作了", "作", "zuō"),
        ("别作了，好好说话", "作", "zuō"),
        ("她是个作精", "作精", "zuōjīng"),
        ("作业写完了", "作业", "zuòyè"),
        ("我们一起作个伴", "作", "zuò"),
    ],
)
def test_slang_senses_of_zuo_and_jiaoqing(text: str, word: str, expected: str) -> None:
    found = next(w for w in annotate(text) if w.text == word)
    assert found.joined_pinyin() == expected, text
