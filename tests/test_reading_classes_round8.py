"""Reading classes of issue 12's round 8 (from fresh 7's blind misses), through the real
segmenter and dictionary.

Each is a class of everyday readings the clause around a character decides, tested with its
contrast: 没 + 收到 (not 没收 "confiscate"), 倒 dào "pour" against dǎo "fall", 当 dàng "use
as", 调 tiáo before a degree, 只 zhī before an animal, 乐 lè "amused", 干 gān "dry" after
what dries and an adverb, 数 shǔ "count" against shù "number of", 还上 huán after a debt,
为 wèi + a noun + a verb, 得 děi after a 这/那 topic, 没 + a verb + 过 guo, 空地 kòngdì,
上相, 查重 cháchóng, 卷 juǎn (slang), doubled adjectives (薄薄地 báobáo), a compound read as
CEDICT writes it (中学生 zhōngxuéshēng, not its word 学生's neutral), and 出来 as a complement
or as the main verb.
"""

from __future__ import annotations

import pytest

from companion.pinyin import annotate
from tests.reading_helpers import syllables_of

CASES = [
    # 没 + a verb with its result; 没收 only as "confiscate"
    ("快递显示签收了，但我没收到", "没", ["méi"]),
    ("东西没用完", "没", ["méi"]),
    ("手机被老师没收了", "没", ["mò"]),
    ("海关没收了走私品", "没", ["mò"]),
    # 倒 dào pour, dump: 把 + what is poured, what is poured before it, a cup after it
    ("别把垃圾倒在门口", "倒", ["dào"]),
    ("给我倒杯水", "倒", ["dào"]),
    ("水倒在杯子里", "倒", ["dào"]),
    ("把剩菜倒掉", "倒", ["dào"]),
    # contrast: to fall, to switch
    ("他倒在地上", "倒", ["dǎo"]),
    ("时差还没倒过来", "倒", ["dǎo"]),
    ("老人倒在路边", "倒", ["dǎo"]),
    ("树倒了", "倒", ["dǎo"]),
    # 当 dàng "to use as": a noun and a verb of use close the clause
    ("这件旧T恤被我当睡衣穿", "当", ["dàng"]),
    ("别把零食当饭吃", "当", ["dàng"]),
    # contrast: "when", "to become"
    ("当我回家的时候", "当", ["dāng"]),
    ("他想当老师", "当", ["dāng"]),
    # 调 tiáo before a degree and a setting's adjective
    ("耳机音量别调太大", "调", ["tiáo"]),
    ("调小一点", "调", ["tiáo"]),
    # contrast: a song's key
    ("这首歌的调太高了", "调", ["diào"]),
    ("KTV点的歌调太高，根本唱不上去", "调", ["diào"]),
    # 只 zhī before an animal after a verb or 了
    ("背着爸妈偷偷养了只猫", "只", ["zhī"]),
    ("想养只狗", "只", ["zhī"]),
    # contrast: only
    ("猫只吃鱼", "只", ["zhǐ"]),
    ("我只吃一点", "只", ["zhǐ"]),
    # 乐 lè amused after an auxiliary or before how long
    ("看他的视频能乐一整天", "乐", ["lè"]),
    ("你乐什么", "乐", ["lè"]),
    # contrast: music
    ("这首乐曲很好听", "乐", ["yuè"]),
    # 干 gān dry: what dries, then adverbs and auxiliaries, at the clause's end
    ("面膜敷太久反而会干", "干", ["gān"]),
    ("阴天晾的被子一直不干", "干", ["gān"]),
    ("衣服洗了三遍还不干", "干", ["gān"]),
    ("头发很快就干了", "干", ["gān"]),
    # contrast: to do (a person, or nothing that dries)
    ("这活我不干", "干", ["gàn"]),
    ("我会干", "干", ["gàn"]),
    ("这周啥也没干", "干", ["gàn"]),
    # 数 shǔ to count after a negation or an imperative
    ("一共多少道题我没数", "数", ["shǔ"]),
    ("别数了", "数", ["shǔ"]),
    ("把零钱数一遍", "数", ["shǔ"]),
    ("数钱数到手软", "数", ["shǔ", "shǔ"]),
    # contrast: the number of (a noun before it), having an idea
    ("今天步数两万多", "数", ["shù"]),
    ("粉丝数涨了", "数", ["shù"]),
    ("心里没数", "数", ["shù"]),
    ("评论数好多", "数", ["shù"]),
    ("我们一起数", "数", ["shǔ"]),
    # 还上 huán after what is owed or before it
    ("欠朋友的两千块终于还上了", "还", ["huán"]),
    ("信用卡还上了", "还", ["huán"]),
    ("还上这笔钱", "还", ["huán"]),
    # contrast: the adverb
    ("他还上了热搜", "还", ["hái"]),
    # 为 wèi + a noun + a verb: for
    ("为爱发电，剪了个视频", "为", ["wèi"]),
    ("为梦想努力", "为", ["wèi"]),
    # contrast: as, is (以X为Y, 为人)
    ("以学习为主", "为", ["wéi"]),
    ("他为人很好", "为", ["wéi"]),
    # 得 děi "must" after a 这/那 topic before a verb
    ("这事得问我妈", "得", ["děi"]),
    ("这个得放冰箱", "得", ["děi"]),
    # contrast: got, the complement particle
    ("这个得了第一", "得", ["dé"]),
    ("他跑得快", "得", ["de"]),
    # 没 + a verb + 过: the aspect particle
    ("谁还没踩过坑呢", "过", ["guo"]),
    ("我踩过很多坑", "过", ["guo"]),
    # contrast: to live through
    ("日子没法过了", "过", ["guò"]),
    # 空地 kòngdì vacant ground; kōngdì air-to-ground
    ("楼下的空地被改成停车场了", "空", ["kòng"]),
    ("空地导弹", "空", ["kōng"]),
    # words: 上相 photogenic, 查重 checking for duplicates
    ("这张照片很上相", "相", ["xiàng"]),
    ("论文查重终于过了", "重", ["chóng"]),
    ("今天很重", "重", ["zhòng"]),
    # 卷 juǎn, the slang "to compete to exhaustion"
    ("我们这行卷得厉害", "卷", ["juǎn"]),
    ("别卷了", "卷", ["juǎn"]),
    ("现在太卷了", "卷", ["juǎn"]),
    ("买了一卷胶带", "卷", ["juǎn"]),
    ("这卷纸用完了", "卷", ["juǎn"]),
    # contrast: a volume, an exam paper
    ("第三卷", "卷", ["juàn"]),
    ("著有诗集一卷", "卷", ["juàn"]),
    ("试卷发下来了", "卷", ["juàn"]),
    # doubled adjectives: both halves the adjective
    ("眼影薄薄地扫一层就够了", "薄", ["báo", "báo"]),
    ("薄薄的一层", "薄", ["báo", "báo"]),
    # contrast: bó in literary words
    ("基础很薄弱", "薄", ["bó"]),
    # a compound keeps the tones CEDICT writes for it, though a word inside it alone is
    # neutral (招牌 zhāopai, but 招牌菜 zhāopáicài; 学生 xuésheng, but 中学生 zhōngxuéshēng)
    ("这家的招牌菜是红烧肉", "牌", ["pái"]),
    ("他是中学生", "生", ["shēng"]),
    ("下个月见", "个", ["gè"]),
]


@pytest.mark.parametrize(("text", "char", "expected"), CASES)
def test_reading_class(text: str, char: str, expected: list[str]) -> None:
    assert syllables_of(text, char) == expected


def _words(text: str) -> list[tuple[str, str]]:
    return [(w.text, " ".join(w.numbers)) for w in annotate(text, style="numbers") if w.is_chinese]


@pytest.mark.parametrize(
    ("text", "word", "reading"),
    [
        # a directional complement after a verb, through a potential 不: neutral
        ("周报写不出来", "出来", "chu5 lai5"),
        ("他走了出来", "出来", "chu5 lai5"),
        ("想不出来", "出来", "chu5 lai5"),
        # ... not after an auxiliary and 不, nor after a negation
        ("你能不出来吗", "出来", "chu1 lai2"),
        ("他还没出来", "出来", "chu1 lai2"),
        # the main verb after what comes out: chū lái
        ("体检报告出来了，一切正常", "出来", "chu1 lai2"),
        ("成绩出来了", "出来", "chu1 lai2"),
    ],
)
def test_directional_or_main_verb(text: str, word: str, reading: str) -> None:
    assert (word, reading) in _words(text)


def test_negated_result_is_cut_before_the_verb() -> None:
    """没收到 is 没 + 收到, while 没收了 stays the verb 没收."""
    assert [w for w, _ in _words("但我没收到")][-2:] == ["没", "收到"]
    assert "没收" in [w for w, _ in _words("手机被老师没收了")]


def test_amused_is_cut_from_its_auxiliary() -> None:
    """能乐一整天: 能 + 乐, not the jieba word 能乐 (Noh theatre)."""
    assert ("乐", "le4") in _words("看他的视频能乐一整天")
