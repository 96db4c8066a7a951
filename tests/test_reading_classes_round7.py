"""Reading classes of issue 12's seventh round, through the real segmenter and dictionary.

Misses seen in use, each taken as a class and tested with its contrast: a drama's cast as
fans write it (男主, 女二, 男配: one word, not 男 + 主帅), 年假 whole (the numeral keeps its
measure: 一年 + 假的), 得 děi after a noun before a verb (作业得写完), records one writes
before 得 (笔记得记好: 笔记 + 得, not 笔 + 记得), 精神 the adjective before a degree or a
change (精神点 jīngshen), 待 dāi staying on until an hour (待到很晚), 长 zhǎng gaining
(长点心, 长个心眼, 长胆子) with 点心 cut as 点 + 心 after a verb of minding. From CPP dev,
as classes: 涌 chōng in Cantonese place names, 将 jiàng closing a clause, 弄 lòng a lane,
晕 yùn a halo, 长 cháng before 而. CEDICT words jieba lacks, cut in two by the path so a
polyphone lost its reading: 催更/停更 gēng, 不舍 shě, 发小 fà, 不长眼 zhǎng, 理儿 r, and
whole 摩的, 天哪, 心塞.
"""

from __future__ import annotations

import pytest

from companion.pinyin import annotate
from tests.reading_helpers import syllables_of

CASES = [
    # 得 děi after a noun (two characters or more) before a verb: the particle never
    # follows a noun
    ("作业得写完", "得", ["děi"]),
    ("笔记得记好", "得", ["děi"]),
    ("日记得每天写", "得", ["děi"]),
    ("房间得打扫一下", "得", ["děi"]),
    ("时间得抓紧", "得", ["děi"]),
    # contrast: got (dé), the particle after a verb or an adjective (de)
    ("书记得了奖", "得", ["dé"]),
    ("他精神得很", "得", ["de"]),
    ("她高兴得跳了起来", "得", ["de"]),
    ("这个问题得到了解决", "得", ["dé"]),
    # 记得 "remember" after a topic that is no record
    ("图书馆的书记得还", "记", ["jì"]),
    # 精神 the adjective before a degree or a change (jīngshen)
    ("你精神点", "神", ["shen"]),
    ("他精神得很", "神", ["shen"]),
    ("睡了一觉精神多了", "神", ["shen"]),
    # contrast: the spirit (jīngshén)
    ("这种精神值得学习", "神", ["shén"]),
    ("精神上很累", "神", ["shén"]),
    # 待 dāi staying on until an hour or the end, or at a place
    ("今天要待到很晚", "待", ["dāi"]),
    ("我们在公司待到十点", "待", ["dāi"]),
    ("他待到最后", "待", ["dāi"]),
    ("在这待着别动", "待", ["dāi"]),
    # contrast: 待到 "when ... comes" (dài), 待人 treating people
    ("待到春暖花开", "待", ["dài"]),
    ("他在这待人很好", "待", ["dài"]),
    # 长 zhǎng gaining sense or nerve; 点心 after a verb of minding is 点 + 心 xīn
    ("你长点心吧", "长", ["zhǎng"]),
    ("你长点心吧", "心", ["xīn"]),
    ("上点心好不好", "心", ["xīn"]),
    ("用点心做事", "心", ["xīn"]),
    ("长个心眼", "长", ["zhǎng"]),
    ("长胆子了", "长", ["zhǎng"]),
    ("孩子长个了", "长", ["zhǎng"]),
    # contrast: the snack (diǎnxin), 长 long (a bit too long: 长了点)
    ("这条裙子长了点", "长", ["cháng"]),
    ("长了点肉", "长", ["zhǎng"]),
    ("吃点心", "心", ["xin"]),
    ("端上点心", "心", ["xin"]),
    ("这条裙子很长", "长", ["cháng"]),
    # 得 děi after a one-character noun too, but not after a state jieba tags a noun,
    # nor before a complement of manner
    ("钱得省着花", "得", ["děi"]),
    ("这事得问老板", "得", ["děi"]),
    ("饭得趁热吃", "得", ["děi"]),
    ("这道题得这么做", "得", ["děi"]),
    # ... after a demonstrative and a measure, before a time, or before what only a duty
    # takes after any word
    ("这件得退", "得", ["děi"]),
    ("这些得扔了", "得", ["děi"]),
    ("这药得饭后吃", "得", ["děi"]),
    ("回家得先洗手", "得", ["děi"]),
    ("快递得明天才到", "得", ["děi"]),
    ("这个月得还信用卡", "得", ["děi"]),
    ("明天得还钱", "得", ["děi"]),
    ("这东西得趁早买", "得", ["děi"]),
    ("这位得排队", "得", ["děi"]),
    ("他跑得快", "得", ["de"]),
    ("这个长得好看", "得", ["de"]),
    ("热得要命", "得", ["de"]),
    ("她淑女得不行", "得", ["de"]),
    ("这衣服少女得要命", "得", ["de"]),
    ("气得发抖", "得", ["de"]),
    ("热情得让人受不了", "得", ["de"]),
    ("房间装饰得像宫殿", "得", ["de"]),
    ("伤心得哭了", "得", ["de"]),
    ("安静得让人害怕", "得", ["de"]),
    ("总结得很到位", "得", ["de"]),
    # from CPP dev, as classes: 涌 chōng in Cantonese place names (the verb surges)
    ("去麻涌玩", "涌", ["chōng"]),
    ("综合治理鸭涌河", "涌", ["chōng"]),
    ("人群涌向广场", "涌", ["yǒng"]),
    ("潮水涌来", "涌", ["yǒng"]),
    ("波涛汹涌", "涌", ["yǒng"]),
    # 将 closing its clause is the noun "general" (jiàng); the adverb needs what follows
    ("设左翼右营参将，以黄建勋署理", "将", ["jiàng"]),
    ("我将去北京", "将", ["jiāng"]),
    ("他将作品改成了电影", "将", ["jiāng"]),
    # 弄 lòng a lane before 社区/堂; nòng the verb before its potential complement
    ("百福弄社区", "弄", ["lòng"]),
    ("这事弄不好", "弄", ["nòng"]),
    ("把头发弄干", "弄", ["nòng"]),
    # 晕 yùn a halo where a noun is (的晕, 晕中); yūn dizzy after a person
    ("黑洞的晕中", "晕", ["yùn"]),
    ("我晕的不行", "晕", ["yūn"]),
    ("他晕了过去", "晕", ["yūn"]),
    # 长 cháng the adjective linked by 而
    ("因存续期长而明显磨损", "长", ["cháng"]),
    # CEDICT words jieba lacks that the path cuts in two, losing a polyphone's reading:
    # 更 gēng an update after what one does to it (催更, 停更), gèng "more" before a degree
    ("求更！", "更", ["gēng"]),
    ("作者停更了", "更", ["gēng"]),
    ("太太日更辛苦了", "更", ["gēng"]),
    ("一日更比一日好", "更", ["gèng"]),
    ("要求更高", "更", ["gèng"]),
    # 舍 shě parting with, after 不/难 (宿舍 shè)
    ("我真的很不舍", "舍", ["shě"]),
    ("回宿舍了", "舍", ["shè"]),
    # 发小 fàxiǎo a childhood friend; 发 fā posting a short video
    ("他是我发小", "发", ["fà"]),
    ("我和发小一起去的", "发", ["fà"]),
    ("发小视频", "发", ["fā"]),
    # 长眼 zhǎng (不长眼), 长眼睫毛 cháng
    ("走路不长眼", "长", ["zhǎng"]),
    ("长眼睫毛", "长", ["cháng"]),
    # 儿化 of a dictionary word the path cut (理儿 lǐr); 儿 ér a son after a numeral
    ("就是这个理儿", "儿", ["r"]),
    ("一儿一女", "儿", ["ér"]),
    # whole words: 摩的 dī, 天哪 na, 心塞 sāi
    ("坐摩的回家", "的", ["dī"]),
    ("按摩的时候", "的", ["de"]),
    ("我的天哪", "哪", ["na"]),
    ("你在哪", "哪", ["nǎ"]),
    ("太心塞了", "塞", ["sāi"]),
    # 年假 jià whole; after a numeral 年 is the year (一年 + 假的 jiǎ)
    ("我请了年假去旅游", "假", ["jià"]),
    ("一年假的", "假", ["jiǎ"]),
]


@pytest.mark.parametrize(("text", "char", "readings"), CASES)
def test_reading_in_context(text: str, char: str, readings: list[str]) -> None:
    assert syllables_of(text, char) == readings


def words_of(text: str) -> list[str]:
    return [word.text for word in annotate(text) if word.is_chinese]


SEGMENTS = [
    # a drama's cast: one word, against the words it would be cut into
    ("这部剧的男二比男主还帅", ["这部", "剧", "的", "男二", "比", "男主", "还", "帅"]),
    ("男主帅炸了", ["男主", "帅", "炸", "了"]),
    ("男配比男主帅", ["男配", "比", "男主", "帅"]),
    ("女二的演技很好", ["女二", "的", "演技", "很", "好"]),
    ("她是女一号", ["她", "是", "女一号"]),
    ("男女主的演技都好", ["男女主", "的", "演技", "都", "好"]),
    ("男女主角", ["男女", "主角"]),
    # contrast: the second character starts a longer word
    ("男主人不在家", ["男", "主人", "不", "在家"]),
    ("女主播", ["女", "主播"]),
    ("男主要负责", ["男", "主要", "负责"]),
    ("男一起去", ["男", "一起", "去"]),
    # 年假 whole; a numeral keeps its measure
    ("我请了年假去旅游", ["我", "请", "了", "年假", "去", "旅游"]),
    ("一年假的", ["一年", "假", "的"]),
    # a record before 得: the record, whichever path the costs gave
    ("笔记得记好", ["笔记", "得", "记", "好"]),
    ("日记得每天写", ["日记", "得", "每天", "写"]),
    # contrast: what is no record takes 记得 (书 + 记得), and so does a deictic + 周
    ("图书馆的书记得还", ["图书馆", "的", "书", "记得", "还"]),
    ("这周记得交作业", ["这", "周", "记得", "交", "作业"]),
    # 点心 after a verb of minding is 点 + 心; the snack elsewhere
    ("你长点心吧", ["你", "长", "点", "心", "吧"]),
    ("吃点心", ["吃", "点心"]),
    ("端上点心", ["端", "上", "点心"]),
    ("床铺很软", ["床铺", "很", "软"]),
]


@pytest.mark.parametrize(("text", "expected"), SEGMENTS)
def test_words(text: str, expected: list[str]) -> None:
    assert words_of(text) == expected


def test_cases_cover_every_class_with_its_contrast() -> None:
    """Each character of the round is tested with at least two readings."""
    by_char: dict[str, set[str]] = {}
    for _text, char, readings in CASES:
        by_char.setdefault(char, set()).update(readings)
    for char in "得神待长心假涌将弄晕更舍发儿的哪":
        assert len(by_char[char]) >= 2, char
