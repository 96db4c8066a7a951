"""Reading classes of issue 12's sixth round, through the real segmenter and dictionary.

Fresh 6's blind run missed these; each is a class of everyday readings the words around a
character decide, tested with its contrast: 比 + X + 还 "even" (hái), 得 děi "must" after a
time word or a subject, 处 chǔ before 得 + a judgement, 调 tiáo adjusting (调得, filters),
薄 báo the colloquial adjective, 分量 fènliang, 累 lèi after 再/多, 假 jià in kinds of leave
the words cut apart (年 + 假), 待 dāi "to stay", the noun suffix 子 on slang nouns (狗子),
精神 jīngshen "vigour".
"""

from __future__ import annotations

import pytest

from tests.reading_helpers import syllables_of

CASES = [
    # 比 + what is compared + 还 "even" + a predicate
    ("这部剧的男二比男主还帅", "还", ["hái"]),
    ("笑死，评论区比正文还好笑", "还", ["hái"]),
    ("比我英语还好", "还", ["hái"]),
    ("他比我还高", "还", ["hái"]),
    ("这家店比网上还便宜", "还", ["hái"]),
    # contrast: paying back still huán, 比赛 is no comparison
    ("我比他先还钱", "还", ["huán"]),
    ("比赛结束了记得还我充电宝", "还", ["huán"]),
    # 得 "must" after a time word or a subject before a verb
    ("明天得早起，先睡了", "得", ["děi"]),
    ("今晚得加班", "得", ["děi"]),
    ("我们得走了", "得", ["děi"]),
    ("下午得开会", "得", ["děi"]),
    ("妈妈得上班", "得", ["děi"]),
    # contrast: got (dé), the complement particle (de)
    ("宝宝得了肺炎", "得", ["dé"]),
    ("老师得第一名", "得", ["dé"]),
    ("他跑得快", "得", ["de"]),
    ("今天得到一个好消息", "得", ["dé"]),
    # 处 chǔ "get along" before 得 + a judgement
    ("我和室友处得挺好", "处", ["chǔ"]),
    ("我们处得来", "处", ["chǔ"]),
    ("和同事处得不太好", "处", ["chǔ"]),
    # contrast: a place, a measure
    ("这里有一处风景", "处", ["chù"]),
    ("到处都是人", "处", ["chù"]),
    # 调 tiáo adjusting: before 得, filters and settings
    ("滤镜调得太过了", "调", ["tiáo"]),
    ("颜色调得刚好", "调", ["tiáo"]),
    ("先调滤镜再发", "调", ["tiáo"]),
    ("调色", "调", ["tiáo"]),
    # contrast: transferred, an investigation, a tune
    ("他被调到北京了", "调", ["diào"]),
    ("警察在调查", "调", ["diào"]),
    ("这首歌音调很高", "调", ["diào"]),
    # 薄 báo the colloquial adjective
    ("粉底要涂得薄一点才自然", "薄", ["báo"]),
    ("这件外套很薄", "薄", ["báo"]),
    ("薄薄的一层", "薄", ["báo", "báo"]),
    ("切得太厚了，要薄一点", "薄", ["báo"]),
    # contrast: bó in literary words (CC-CEDICT 薄弱, 单薄, 刻薄 bó), bò in 薄荷
    ("基础很薄弱", "薄", ["bó"]),
    ("她穿得太单薄了", "薄", ["bó"]),
    ("他说话好刻薄", "薄", ["bó"]),
    ("薄荷味的", "薄", ["bò"]),
    # 分量 fènliang, a portion or weight (CC-CEDICT fen4 liang5)
    ("这碗面分量好足", "量", ["liang"]),
    ("这碗面分量好足", "分", ["fèn"]),
    ("他说话很有分量", "分", ["fèn"]),
    # contrast: a vector's component (fēnliàng)
    ("向量的分量", "分", ["fēn"]),
    # 累 lèi after 再/多/怕
    ("工作再累也要按时吃饭", "累", ["lèi"]),
    ("再苦再累也值得", "累", ["lèi"]),
    ("你知道我有多累吗", "累", ["lèi"]),
    ("不怕累", "累", ["lèi"]),
    # contrast: accumulate (lěi), a burden (léi)
    ("经验是慢慢积累的", "累", ["lěi"]),
    ("累计消费满两百", "累", ["lěi"]),
    # 假 jià, kinds of leave, whether the words cut them or not
    ("年假攒了五天，打算回老家", "假", ["jià"]),
    ("我的年假还剩三天", "假", ["jià"]),
    ("请了病假", "假", ["jià"]),
    ("产假", "假", ["jià"]),
    ("婚假", "假", ["jià"]),
    ("放假了", "假", ["jià"]),
    ("暑假去旅行", "假", ["jià"]),
    ("寒假", "假", ["jià"]),
    # contrast: fake (jiǎ)
    ("这个包是假的", "假", ["jiǎ"]),
    ("一年假的", "假", ["jiǎ"]),
    ("假如你是我", "假", ["jiǎ"]),
    # 待 dāi "to stay" with a place or a duration
    ("转行之前我在这行待了七年", "待", ["dāi"]),
    ("周末待在家", "待", ["dāi"]),
    ("你先待一会儿", "待", ["dāi"]),
    ("在国外待了三个月", "待", ["dāi"]),
    ("这里我待不下去了", "待", ["dāi"]),
    # contrast: to treat, to expect, treatment, until
    ("他待我很好", "待", ["dài"]),
    ("好好对待自己", "待", ["dài"]),
    ("很期待", "待", ["dài"]),
    ("这家公司待遇不错", "待", ["dài"]),
    # the noun suffix 子 on slang nouns the dictionary lacks
    ("狗子每天都要出去遛", "子", ["zi"]),
    ("我家狗子又拆家了", "子", ["zi"]),
    # contrast: 子 zǐ as a word of its own or in words that keep it
    ("结婚生子", "子", ["zǐ"]),
    ("他是孔子的学生", "子", ["zǐ"]),
    ("下一子", "子", ["zǐ"]),
    # 精神 jīngshen "vigour" after having or lacking it
    ("我家狗打完疫苗没精神", "神", ["shen"]),
    ("小朋友很有精神", "神", ["shen"]),
    ("今天挺精神的", "神", ["shen"]),
    # contrast: the spirit, the mind (jīngshén)
    ("精神病", "神", ["shén"]),
    ("精神上压力很大", "神", ["shén"]),
    ("工匠精神", "神", ["shén"]),
    ("没有精神支柱", "神", ["shén"]),
]


@pytest.mark.parametrize(("text", "char", "readings"), CASES)
def test_reading_in_context(text: str, char: str, readings: list[str]) -> None:
    assert syllables_of(text, char) == readings


def test_cases_cover_every_class_with_its_contrast() -> None:
    """Each character of the round is tested with at least two readings."""
    by_char: dict[str, set[str]] = {}
    for _text, char, readings in CASES:
        by_char.setdefault(char, set()).update(readings)
    for char in "还得处调薄累假待子神":
        assert len(by_char[char]) >= 2, char
