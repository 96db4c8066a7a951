"""Reading classes of issue 12's fifth round, through the real segmenter and dictionary.

Everyday polyphones a RedNote user meets whose reading the words around them decide: 长
"to gain" (长见识, 长长见识 zhǎngzhang), 当 "to treat as" (当我没说 dàng), 落 "left behind"
(là), 打 "a dozen" (dá), 床铺 "make the bed" (pū), 好学 easy to learn or studious, 下头
"below" or "a turn-off", 应 "should" before an adverb, 卡住 qiǎzhù; and the segmenter's
choice of 书 + 记得 over 书记 + 得. Each class is tested with its contrast.
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
        ("出去走走长长见识", ["zhǎng", "zhang"]),
        ("多读书长知识", ["zhǎng"]),
        ("这次真长本事了", ["zhǎng"]),
        ("下次长点记性吧", ["zhǎng"]),
        ("青春期长个子", ["zhǎng"]),
        # long, the adjective, or grown long
        ("这条裙子很长", ["cháng"]),
        ("长长的头发", ["cháng", "cháng"]),
        ("头发长长了", ["zhǎng", "cháng"]),
    ],
)
def test_zhang_to_gain(text: str, readings: list[str]) -> None:
    assert syllables_of(text, "长") == readings, text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("当我没说", "dàng"),
        ("就当我没问过", "dàng"),
        ("他从来不把我当回事", "dàng"),
        ("就当交学费了", "dàng"),
        ("你别当真", "dàng"),
        ("把我当成朋友", "dàng"),
        # "when", "to serve as": dāng
        ("当我还是学生的时候", "dāng"),
        ("他想当老师", "dāng"),
        ("别当老师了", "dāng"),
    ],
)
def test_dang_to_treat_as(text: str, reading: str) -> None:
    assert syllables_of(text, "当")[0] == reading, text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("我把手机落在出租车上了", "là"),
        ("钥匙落在车上了", "là"),
        ("把伞落在店里了", "là"),
        ("别落下东西", "là"),
        ("落下了一节课", "là"),
        ("他怕落下", "là"),
        # to fall: luò
        ("树叶落在地上", "luò"),
        ("太阳落下去了", "luò"),
        ("太阳落下了", "luò"),
        ("眼泪落下来", "luò"),
    ],
)
def test_la_left_behind(text: str, reading: str) -> None:
    assert syllables_of(text, "落")[0] == reading, text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("买了一打鸡蛋", "dá"),
        ("两打啤酒", "dá"),
        ("一打开就坏了", "dǎ"),
        ("他一打电话我就来", "dǎ"),
        ("一打听才知道", "dǎ"),
    ],
)
def test_da_a_dozen(text: str, reading: str) -> None:
    assert syllables_of(text, "打")[0] == reading, text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("床铺好了吗", "pū"),
        ("帮我把床铺好", "pū"),
        ("这张床铺很软", "pù"),
        ("床铺很干净", "pù"),
    ],
)
def test_chuangpu_make_the_bed_or_the_bed(text: str, reading: str) -> None:
    assert syllables_of(text, "铺") == [reading], text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("他很好学", "hào"),
        ("好学的孩子", "hào"),
        ("这门语言很好学", "hǎo"),
        ("中文好学吗", "hǎo"),
        ("这个不好学", "hǎo"),
        ("我很好奇", "hào"),
        ("他们家很好客", "hào"),
        ("我的爱好是画画", "hào"),
    ],
)
def test_hao_fond_of_or_easy_to(text: str, reading: str) -> None:
    assert syllables_of(text, "好")[-1] == reading, text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("在下头等你", "xiàtou"),
        ("下头的人不听", "xiàtou"),
        ("看到这个我直接下头", "xiàtóu"),
        ("太下头了", "xiàtóu"),
    ],
)
def test_xiatou_below_or_a_turn_off(text: str, reading: str) -> None:
    prepare_dictionary()  # the app's path: the phrasebook's 下头 xià tóu among the words
    (word,) = [w for w in annotate(text) if w.text == "下头"]
    assert word.joined_pinyin() == reading, text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("你应早点来", "yīng"),
        ("这事应由你负责", "yīng"),
        ("他应了一声", "yìng"),
    ],
)
def test_ying_should_before_an_adverb(text: str, reading: str) -> None:
    assert syllables_of(text, "应") == [reading], text


def test_kazhu_is_qia() -> None:
    assert syllables_of("拉链卡住了", "卡") == ["qiǎ"]
    assert get_dictionary().readings("卡住") == ["qia3 zhu4"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("图书馆的书记得按时还", ["书", "记得"]),
        ("你借的书记得还", ["书", "记得"]),
        ("书记来了", ["书记"]),
        ("书记得了奖", ["书记", "得了"]),
    ],
)
def test_a_noun_before_a_lone_de_yields_to_jide(text: str, words: list[str]) -> None:
    cut = [w.text for w in annotate(text)]
    at = next(k for k, w in enumerate(cut) if w.startswith("书"))
    assert cut[at : at + len(words)] == words, cut


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("这块地好大", "dì"),
        ("一片地", "dì"),
        ("我家的地种了玉米", "dì"),
        ("慢慢地走", "de"),
        ("慢慢地，他走了", "de"),
        ("他偷偷地哭了", "de"),
        ("高高兴兴地回家了", "de"),
    ],
)
def test_di_the_ground_or_de_the_adverbial_particle(text: str, reading: str) -> None:
    assert syllables_of(text, "地") == [reading], text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("发型师给我剪了个短发", "fà"),
        ("他最近一直掉发", "fà"),
        ("试卷发下来了", "fā"),
        ("一直发消息给我", "fā"),
    ],
)
def test_fa_hair_inside_a_word_or_after_what_is_done_to_it(text: str, reading: str) -> None:
    assert syllables_of(text, "发")[-1] == reading, text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("他好喝酒", "hào"),
        ("她好面子", "hào"),
        ("这个好喝", "hǎo"),
        ("我好想你", "hǎo"),
    ],
)
def test_hao_fond_of_a_habit(text: str, reading: str) -> None:
    assert syllables_of(text, "好") == [reading], text


@pytest.mark.parametrize("text", ["一到冬天就长冻疮", "最近在长智齿", "脸上又长闭口了"])
def test_zhang_growing_on_the_body(text: str) -> None:
    assert syllables_of(text, "长") == ["zhǎng"], text


@pytest.mark.parametrize(
    ("text", "char", "reading"),
    [
        # 空 kòng: to leave free or blank; kōng: empty
        ("能不能空出一个位置", "空", "kòng"),
        ("空一行再写", "空", "kòng"),
        ("房间空着", "空", "kōng"),
        # 折 shé: snapped; zhé: to fold, a discount
        ("我的腿折了", "折", "shé"),
        ("树枝折了", "折", "shé"),
        ("这张纸折一下", "折", "zhé"),
        # 乐 lè: amused; yuè: music
        ("她乐坏了", "乐", "lè"),
        ("他们乐队下周演出", "乐", "yuè"),
        # 干 gān: dried food in words the dictionary lacks; gàn: to do
        ("豆腐干", "干", "gān"),
        ("买了一袋肉干", "干", "gān"),
        ("我一个人干了三个人的活", "干", "gàn"),
        # 难为 wéi: to put in a spot (not 为 "for")
        ("难为你了", "为", "wéi"),
        ("我为你骄傲", "为", "wèi"),
    ],
)
def test_verbs_known_by_what_follows(text: str, char: str, reading: str) -> None:
    assert syllables_of(text, char) == [reading], text


@pytest.mark.parametrize(
    ("text", "char", "readings"),
    [
        ("这人不好处", "处", ["chǔ"]),
        ("这样做有什么好处", "处", ["chu"]),
        ("困难重重", "重", ["chóng", "chóng"]),
        ("重重关卡", "重", ["chóng", "chóng"]),
        ("重重地摔了一跤", "重", ["zhòng", "zhòng"]),
        ("重重地摔了一跤", "地", ["de"]),
        ("干了这杯", "干", ["gān"]),
        ("他在哭号", "号", ["háo"]),
        ("几号发货", "号", ["hào"]),
    ],
)
def test_readings_by_the_word_around_them(text: str, char: str, readings: list[str]) -> None:
    assert syllables_of(text, char) == readings, text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("他得第一了", "dé"),
        ("他得冠军了", "dé"),
        ("我得走了", "děi"),
        ("我得第一个到", "děi"),
    ],
)
def test_de_got_a_place_or_dei_must(text: str, reading: str) -> None:
    assert syllables_of(text, "得") == [reading], text


def test_verbs_jieba_tags_otherwise_are_verbs() -> None:
    prepare_dictionary()
    dictionary = get_dictionary()
    assert dictionary.is_verb("长大") and dictionary.is_verb("回家")
    # an auxiliary before one: 会 + 长大, not 会长 "club president" + 大
    assert [w.text for w in annotate("孩子都会长大的")] == ["孩子", "都", "会", "长大", "的"]


def test_a_cache_built_with_other_untagged_verbs_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Editing JIEBA_UNTAGGED_VERBS needs no version bump: the cache records the list."""
    from companion.dictionary import supplement
    from companion.dictionary.cedict import load_cached

    source = tmp_path / "mini.txt.gz"
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        handle.write("长大 長大 [zhang3 da4] /to grow up/\n")
    cache = tmp_path / "mini.idx"
    Dictionary(source=source, cache=cache).load()
    assert load_cached(source, cache) is not None
    monkeypatch.setattr(
        supplement, "JIEBA_UNTAGGED_VERBS", supplement.JIEBA_UNTAGGED_VERBS | {"回来"}
    )
    assert load_cached(source, cache) is None


@pytest.mark.parametrize(
    ("text", "char", "readings"),
    [
        ("塞进包里", "塞", ["sāi"]),
        ("塞了一堆东西", "塞", ["sāi"]),
        ("塞浦路斯", "塞", ["Sài"]),
        ("路上堵塞", "塞", ["sè"]),
        ("鸡蛋壳", "壳", ["ké"]),
        ("买了个手机壳", "壳", ["ké"]),
        ("地壳运动", "壳", ["qiào"]),
    ],
)
def test_sai_stuffing_and_ke_a_shell(text: str, char: str, readings: list[str]) -> None:
    assert syllables_of(text, char) == readings, text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("这个包包容量很大，通勤背刚好", "bēi"),
        ("这个包背起来很舒服", "bēi"),
        ("单词背起来好难", "bèi"),
        ("他的背很直", "bèi"),
    ],
)
def test_bei_carrying_a_bag(text: str, reading: str) -> None:
    assert syllables_of(text, "背") == [reading], text


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("还上次借的钱", ["huán"]),
        ("信用卡还了吗", ["huán"]),
        ("这个月的房贷还完了", ["huán"]),
        ("花呗还没还", ["hái", "huán"]),
        # the adverb before another adverb or an auxiliary
        ("还真是", ["hái"]),
        ("那还真是", ["hái"]),
        ("钱还不够", ["hái"]),
        ("书还在桌上", ["hái"]),
    ],
)
def test_huan_paying_back_what_is_owed_hai_before_an_adverb(text: str, readings: list[str]) -> None:
    assert syllables_of(text, "还") == readings, text


@pytest.mark.parametrize(
    ("text", "word", "reading"),
    [
        ("我们俩重名了", "重名", "chóngmíng"),
        ("这个很得劲", "得劲", "déjìn"),
    ],
)
def test_everyday_readings_of_words(text: str, word: str, reading: str) -> None:
    (found,) = [w for w in annotate(text) if w.text == word]
    assert found.joined_pinyin() == reading, text


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("她扇了他一巴掌", ["shān"]),
        ("扇他耳光", ["shān"]),
        ("这扇窗户", ["shàn"]),
        ("一扇门", ["shàn"]),
    ],
)
def test_shan_to_fan_or_slap_against_the_measure(text: str, readings: list[str]) -> None:
    assert syllables_of(text, "扇") == readings, text


@pytest.mark.parametrize(
    ("text", "char", "readings"),
    [
        ("攻略做好了，就差出发了", "差", ["chà"]),
        ("只差一步", "差", ["chà"]),
        ("明天要出差", "差", ["chāi"]),
        ("这个发色好显白", "发", ["fà"]),
    ],
)
def test_cha_only_lacking_and_fa_hair_colour(text: str, char: str, readings: list[str]) -> None:
    assert syllables_of(text, char) == readings, text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("头发大把大把地掉", "de"),
        ("一个一个地来", "de"),
        ("一块一块地吃", "de"),
        ("这块地好大", "dì"),
    ],
)
def test_de_after_a_repeated_measure(text: str, reading: str) -> None:
    assert syllables_of(text, "地") == [reading], text


@pytest.mark.parametrize(
    ("text", "char", "readings"),
    [
        ("她把头发扎起来了", "扎", ["zā"]),
        ("马尾扎高一点", "扎", ["zā"]),
        ("护士给我扎针", "扎", ["zhā"]),
        ("我家狗狗特别粘人", "粘", ["nián"]),
        ("这个好粘", "粘", ["nián"]),
        ("粘在墙上", "粘", ["zhān"]),
    ],
)
def test_za_tying_hair_and_nian_sticky(text: str, char: str, readings: list[str]) -> None:
    assert syllables_of(text, char) == readings, text
