"""Grammar rules for polyphones the words and the context model both get wrong.

The context model (``companion.polyphones``) learned from encyclopedia sentences; in chat it
reads 太重了 as chóng and 教我 as jiào, with full confidence. These rules come from how the
grammar constrains a character, not from single sentences, and run before the model on the
characters the words leave open:

- an adjective after a degree adverb (很长 cháng, 太重 zhòng, 好累 lèi, 太干 gān);
- a measure word after a numeral or a demonstrative (一只 zhī, 一处 chù, 一觉 jiào);
- a verb before an aspect marker, in 数一数 or after an auxiliary (长了 zhǎng, 教我 jiāo);
- 还 returning something: before money, a loan or a book, or closing a clause after its
  object (还你钱, 下周还你: huán), since the adverb hái needs a predicate after it;
- 得 as "must" (我得走 děi) or "got" (我得了感冒 dé), after a verb the particle de;
- 过 after a verb, the aspect particle (去过 guo); 着 as a result (睡不着, 没找着 zháo);
- a few verbs known by what follows them (长高 zhǎng, 重做 chóng, 弹钢琴 tán);
- 为 before the person or the thing it is for (为你准备, 为这次旅行 wèi), not after a
  verb of naming (评为 wéi);
- 差 as "short of" or "poor" before an amount or a degree (差五块, 差太多 chà);
- 觉 as "a sleep" after 睡 (睡了个好觉 hǎo jiào); 着 as "catch" (着火, 着了凉 zháo);
- 穿着 the verb with its particle (穿着睡衣 chuānzhe) unless it is the noun (她的穿着);
- a one-syllable verb whose verb reading differs from its other readings, when the
  grammar makes it a verb: an aspect marker, 一下, a result or a measure after it, a
  pronoun subject before it (盛一碗 chéng, 挑了 tiāo, 藏在 cáng, 系好 jì), or a result
  or potential complement (弄清楚 nòng, 系紧 jì, 数不清 shǔ, 藏不住 cáng);
- 挑 standing alone is tiāo (to choose, to carry) except when it raises (挑眉 tiǎo);
- 发 as hair before what only hair has (发际线, 发夹, 发质 fà);
- 调 before a setting one adjusts (调个闹钟, 调一下音量 tiáo);
- 干 as "dry" after something that dries or a verb of drying (头发干了, 衣服还没干,
  晒干 gān), the verb gàn elsewhere (我不干了);
- 长 doubled: the adjective before 的 (长长的 chángcháng), grown long before 了 (长长了
  zhǎngcháng); 挨 next to after 紧 or before 肩/家 (āi); 朴 next to plainness (朴拙 pǔ);
- 结 bearing fruit (结了很多果子 jiē); 打的 "take a taxi" before where it goes (dǎdī);
- a sentence-final particle closing its clause (记得点赞哦 o, 走咯 lo, 就这样呗 bei);
- 长 grown this big (长这么大 zhǎng); 得 opening a clause before a verb (，得改短 děi);
- 划 rowing or scratching (划船, 手划破了 huá) against drawing a line (划重点 huà);
  差 "poor" after what has a quality (质量差 chà); 调到 a setting (调到26度 tiáo);
  散 come loose (鞋带散了 sǎn); 闷 stuffy air (天气闷, 房间里好闷 mēn); 场 the course
  of an event (一场大雨, 一场病 cháng; 一场电影 chǎng);
- from CPP dev: 应 "should" before a verb (应追溯 yīng); 刨 to dig unless planing (刨坑
  páo, 刨平 bào); 蒙 dazed (搞蒙了 mēng) or covered (蒙了一层灰 méng); a verb after 所
  (所藏 cáng); 盛 ladling food (盛饭 chéng); 粘 sticking (粘在 zhān);
- 大夫 as the doctor (dàifu) where one sees it or it tells or prescribes (看大夫, 大夫说);
- 累 as "tired" (lèi) with what follows tiredness or who is tired (累得腿软, 累死了, 累了,
  又累又饿, 我累), where the words leave it open (its lěi lives in 积累, 累计; léi in 累赘);
- 还 giving back to a person (还我充电宝, 还你一个清白 huán) unless that person is the
  subject of what follows (还我请客: hái), or after 把 and what is given back (把书还
  回去 huán: the adverb comes before 把);
- 处 getting along (处对象, 处不来 chǔ);
- 和 as "to knead, to mix with water" next to dough or mud (和好面, 把面和好 huó);
- slang and colloquial senses read otherwise than the word's first reading: 上头 "hooked,
  gone to one's head" (太上头了 shàngtóu) against 上头 "above, the higher-ups" (在上头,
  上头说 shàngtou); 作 acting up (别作了, 太作了 zuō; 作精, 作死 zuō in the supplement).

- fifth round, everyday senses by the words around them: 长 to gain or to grow on the
  body (长见识, 长长见识 zhǎngzhang, 长点记性, 长冻疮 zhǎng); 当 "to treat as" (当我没说,
  当回事, 就当 dàng); 落 left behind (落在车上, 把伞落在店里, 别落下东西 là); a dozen
  (一打鸡蛋 dá); 床铺 made (把床铺好 pū); 好学 of a thing (很好学, 好学吗 hǎo) or a
  person (他很好学 hào), 好 before a habit (他好喝酒 hào); 下头 below (在下头 xiàtou) or
  the slang turn-off (太下头了 xiàtóu); 应 before an adverb (你应早点来 yīng); 地 the
  ground after a measure of land (这块地 dì); 发 hair inside a word or after what is done
  to it (短发, 掉发 fà); 空 leaving free (空出一个位置 kòng); 折 snapped (腿折了 shé);
  乐 amused (乐坏了 lè); 干 in dried foods (肉干 gān), drinking up (干了这杯 gān);
  好处 getting along (这人不好处 chǔ); 重重 layered (困难重重 chóng) or heavily
  (重重地 zhòng); 得 getting a place (他得第一了 dé); 哭号 háo; 难为 wéi.

- sixth round, from fresh 6's blind misses, as classes: 还 "even" after 比 + what is
  compared (比男主还帅 hái: the context model read huán there, 90%, where nothing after
  还 told it the adverb); 得 "must" after a time word or a subject noun before a verb
  (明天得早起, 妈妈得上班 děi; 宝宝得了肺炎 dé); 处 getting along before 得 + a
  judgement (处得挺好 chǔ); 调 adjusting before 得 or a filter (调得太过, 调滤镜 tiáo);
  薄 the colloquial adjective standing alone (涂得薄一点, 很薄 báo; bó lives in 薄弱,
  单薄, 刻薄); 分量 a portion (fènliang) unless a vector's; 累 after 再/多 (再累也要
  lèi); 假 leave after 年/病/事... when the words cut them apart (年 + 假 jià); 待 staying
  with a place or a duration (待了七年, 待在家 dāi); the noun suffix 子 after a noun the
  dictionary lacks with it (狗子 zi); 精神 vigour after having or lacking it or a degree
  (没精神, 很有精神 jīngshen; 精神上, 精神病 jīngshén).

- seventh round, misses seen in use as classes: 得 děi after a noun (jieba's plain "n",
  less the states it also tags so: 热情得, 气得 stay de), a demonstrative and a measure or
  before what only a duty takes (作业得写完, 这件得退, 回家得先洗手); 精神 the adjective
  before a degree or a change (精神点 jīngshen); 待 dāi staying on until an hour or at a
  place (待到很晚, 在这待着); 长 gaining sense or nerve (长个心眼, 长胆子, 不长眼 zhǎng);
  CEDICT words the path cuts in two (催更, 停更 gēng; 不舍 shě; 发小 fà; 理儿 r); from
  CPP dev, 涌 chōng in Cantonese place names, 将 jiàng closing a clause, 弄 lòng a lane,
  晕 yùn a halo, 长 cháng before 而.
- seventh round, from fresh 7's blind misses, read with more of the clause (the block
  "round 8 (fresh 7)", run first): 倒 dào pouring (把垃圾倒在, 倒杯水; 他倒在地上 dǎo);
  当 dàng "use as" (当睡衣穿); 调 tiáo before a degree (调太大; 歌的调太高 diào); 只 zhī
  before an animal (养了只猫); 乐 lè amused (能乐一整天); 干 gān after what dries and
  adverbs (被子一直不干); 数 shǔ after a negation (没数) against shù after a noun (步数,
  粉丝数); 还上 huán after a debt; 为 wèi + a noun + a verb (为爱发电); 得 děi after a
  这/那 topic (这事得问); 没 + a verb + 过 guo; 卷 juǎn the slang; doubled adjectives
  (薄薄地 báo); 空地 kòngdì; 出来 the main verb after what comes out (报告出来了 chū
  lái) and a complement through 不 (写不出来).

Besides, a one-syllable verb said twice takes the neutral tone the second time (说说, 想想),
and a directional complement after a verb its neutral reading (走过来 zǒu guo lai).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar


class RuledWord(Protocol):
    text: str
    simplified: str
    is_chinese: bool
    numbers: list[str]


class Lexicon(Protocol):
    def is_verb(self, word: str) -> bool: ...

    def is_noun(self, word: str) -> bool: ...

    def readings(self, word: str) -> list[str]: ...

    def contains(self, word: str) -> bool: ...


W = TypeVar("W", bound=RuledWord)

DEGREE_ADVERBS = (
    "很", "太", "好", "真", "超", "超级", "特别", "非常", "有点", "有点儿", "有些", "这么",
    "那么", "多么", "挺", "比较", "更", "更加", "最", "蛮", "贼", "巨", "十分", "相当", "极",
    "极其", "过于", "不太", "越来越", "还挺", "也太",
)  # fmt: skip
ADJECTIVE_READINGS = {
    "长": "chang2", "重": "zhong4", "难": "nan2", "干": "gan1", "差": "cha4", "累": "lei4",
    "少": "shao3", "空": "kong1", "薄": "bao2", "晕": "yun1", "卷": "juan3", "背": "bei4",
    "冲": "chong4", "假": "jia3", "凉": "liang2", "散": "san3", "强": "qiang2", "好": "hao3",
    "大": "da4", "正": "zheng4", "横": "heng4", "挑": "tiao1", "粘": "nian2",
}  # fmt: skip
MEASURE_READINGS = {
    "只": "zhi1", "处": "chu4", "觉": "jiao4", "种": "zhong3", "把": "ba3",
    "间": "jian1", "片": "pian4", "号": "hao4", "发": "fa1", "行": "hang2",
}  # fmt: skip
_NOT_ONLY_ADJECTIVES = frozenset("干空好")  # 我不干了 gàn, 不空 kòng: verbs too
_COUNTERS = set("零〇一二两三四五六七八九十百千万几每这那哪半")
# The reading of each as a verb on its own, where its other readings are a noun, an
# adjective or live in compounds (盛 chéng "to ladle" / 盛产 shèng; 藏 cáng / 西藏 zàng)
VERB_READINGS = {
    "数": "shu3", "量": "liang2", "称": "cheng1", "教": "jiao1", "种": "zhong4", "长": "zhang3",
    "缝": "feng2", "钻": "zuan1", "盛": "cheng2", "藏": "cang2", "铺": "pu1", "挑": "tiao1",
    "剥": "bao1", "削": "xiao1", "撒": "sa3", "系": "ji4", "弄": "nong4",
    "钉": "ding4", "粘": "zhan1", "塞": "sai1", "扇": "shan1",
}  # fmt: skip
# what makes the character a verb when it follows: a result complement or 一下 (aspect
# markers and measures are checked apart)
_VERB_AFTER = (
    "一下", "好", "完", "在", "上", "到", "住", "满", "出", "成", "开", "起来", "进", "下来",
    "下去", "回", "过来", "清", "干", "脏", "坏", "瞎", "伤", "乱", "丢", "错", "懂", "明白",
    "湿", "紧", "死",
)  # fmt: skip
# a potential complement after it (数不清, 藏不住, 弄不好): 不 then a result, never an
# adjective (这个量不大: the noun) nor A-not-A (长不长)
_POTENTIAL = re.compile("不[清完动住下上出开起进过到成好坏懂会透够着满掉走准]")
_PROGRESSIVE = ("在", "正在", "正")  # 他在剥虾: a verb follows
_NUMERAL_START = frozenset("一两二三四五六七八九十几半")
_SUBJECTS = ("我", "你", "他", "她", "我们", "你们", "他们", "她们", "咱们", "大家", "您")
_ASPECT_AFTER = ("了", "着", "过", "得")
_AUXILIARIES_BEFORE = ("会", "能", "想", "要", "正在", "别", "可以", "不会")
_PRONOUNS = ("我们", "你们", "他们", "她们", "大家", "人家", "我", "你", "他", "她", "它", "您")
_RETURNED = re.compile(
    "^(?:我们|你们|他们|她们|人家|我|你|他|她|它|您)?"
    "(?:钱|书|债|款|贷款|房贷|车贷|花呗|信用卡|账|人情)"
)
# what was borrowed or owed after 还 (还上次借的钱, 还欠的钱: huán)
_OWED = re.compile(
    "(?:上次|之前|上回|前几天|前天|昨天|上个月|上周|去年|那天)?(?:借|欠)(?:的|了?你|了?我)"
)
# what owes: a debt before 还 + a result or the end (信用卡还了吗, 花呗还完了: huán)
_DEBTS = ("信用卡", "花呗", "房贷", "车贷", "贷款", "借款", "欠款", "网贷", "白条", "钱", "书")
# adverbs and auxiliaries after the adverb 还 (还真是, 还挺, 还没: hái), never its object
_STILL_BEFORE = (
    "真", "挺", "很", "蛮", "比较", "太", "那么", "这么", "没", "不", "在", "是", "能", "会",
    "可以", "得", "想", "以为", "算", "一直", "又", "也", "都", "再", "早", "就", "才", "可能",
    "应该", "需要", "记得", "好意思", "差", "行", "不错", "挺好",
)  # fmt: skip
_STILL_THEN = ("完成", "完全", "完美", "完整", "清楚", "清醒", "清淡", "清爽")  # 还完成: hái
_RETURN_TO = re.compile("(?:我们|你们|他们|她们|人家|我|你|他|她|它|您)?")
_NOT_FOUND = re.compile("没.$")
_GROWN = (
    "高", "胖", "壮", "痘", "斑", "肉", "出", "满", "歪", "冻疮", "皱纹", "白发", "白头发",
    "疹", "痱子", "茧", "霉", "智齿", "牙", "蛀牙", "结节", "息肉", "粉刺",
    "闭口", "黑头", "雀斑", "脂肪",
)  # fmt: skip
# what one gains or grows (长见识, 长点记性, 长本事, 长个子, 长肉: zhǎng), not 长头发
# (long hair) nor 长知识的书 ... all the same verb
_GAINED = re.compile(
    "(?:了|点|一点|了点|了不少|不少|个|了个)?"
    "(?:见识|知识|本事|记性|经验|能耐|脑子|心眼|出息|志气|教训|个子|个儿|肉|膘|力气|学问|智慧"
    "|胆子|胆量|骨气|良心|头脑|眼力|眼色|心(?![情里中意思态灵疼跳脏得])|个(?=[了啦吗没呢])"
    "|眼(?![泪光神色线睫圈袋角]))"
)
_A_BIT_TOO = re.compile("了(?:一)?(?:点|些|点儿)(?:吧|啊|呀|呢|哈|啦)?")
_MADE_LONG = ("留", "变", "拉", "加", "伸", "延", "放")  # 留长了: 长 the result, cháng
_HEAVY = ("感冒", "病", "伤", "口味", "口", "金", "礼", "拳", "任", "担")  # 重感冒 zhòng
_FOR_WHOM = (*_PRONOUNS, "自己", "别人", "对方", "家人", "孩子", "粉丝", "姐妹", "姐妹们")
# verbs that take 为 as "as" after their object: 评为, 称他为, 选他当 (wéi)
_NAMING = frozenset("评称选视当作改变定列立封拜认奉推誉命任聘成以化分合转译名叫设义难")
_CATCH = ("火", "凉", "迷", "慌", "魔", "了火", "了凉", "了迷", "了魔")  # 着火, 着了凉: zháo
_ATTIRE = ("打扮", "得体", "讲究", "品味", "风格", "要", "上")  # 她的穿着打扮: the noun
_ONLY_LACKING = ("就", "只", "还", "都", "也", "才", "总", "就是", "只是", "还是", "又")
_SHORT_OF = ("了", "点", "一点", "太", "很", "得", "远", "不多", "多少", "些", "一些")
_HIT = frozenset("考猜选射打击抽投踢砸")  # 考中, 猜中: zhòng, "hit"
_TUNED = ("一下", "好", "高", "低", "大", "小", "成", "整", "色", "味", "音", "得")  # 调得 tiáo
_FRIED = ("一下", "至", "到", "得", "熟", "好", "成", "透", "鸡", "薯", "串", "丸", "油条", "花生")
_HAIR_TIED = ("头发", "马尾", "辫子", "小辫", "丸子头", "长发")
_TIED = "^了?(?:一?个)?(?:高|双|低)?(?:马尾|辫|小辫|头发|丸子头|头)"
# 吐 with no object but a time or a place after it: 吐了一晚上, 吐了一地 (tù, "to vomit")
_VOMITED = "了?(?:一|整|好几|两|三|半)?(?:个)?(?:晚上|天|夜|次|回|下午|上午|地|身|车)"
# what one carries on one's back (背着书包 bēi) or looks after (帮我看着行李 kān)
_CARRIED = ("书包", "背包", "包", "孩子", "宝宝", "娃", "行李", "吉他", "箱子", "篓", "筐")
_WORN_AS = ("通勤", "单肩", "双肩", "斜", "手提", "日常", "上班", "上学")  # 通勤背: bēi
_LOOKED_AFTER = ("孩子", "小孩", "宝宝", "娃", "行李", "东西", "包", "店", "门", "家", "摊")
_LINES_OF = ("字", "代码", "诗", "文字", "小字", "数据", "标题", "注释", "公式", "句")
_REDONE = tuple("做写来拍装买选考开启建修读画剪练录播")
# what dries (头发干了, 衣服还没干: gān); 干 after such a subject is "dry", not "to do"
_WETTABLE = (
    "头发", "衣服", "衣裳", "裤子", "鞋子", "鞋", "袜子", "毛巾", "被子", "床单", "指甲油",
    "油漆", "漆", "墙", "地面", "颜料", "胶水", "嘴唇", "皮肤", "眼睛", "嗓子", "喉咙", "伤口",
)  # fmt: skip
_BEFORE_STATE = ("还没有", "还没", "没有", "没", "都", "已经", "快", "终于", "还", "不", "也", "全")
_DRYING = tuple("晒吹烘擦风阴烤沥弄抹拧甩")  # 晒干, 吹干, 擦干: the result "dry"
_DRIED_FOODS = frozenset("肉腐鱼菜笋果梅瓜薯豆虾贝杏桃枣萝")  # 肉干, 笋干: gān
_SNAPPED = ("腿", "胳膊", "手", "手指", "骨头", "树枝", "枝", "筷子", "竿", "棍", "杆", "腰")
_LEFT_FREE = "(?:出|一行|一格|两行|几行|一个位|一下|个位|几个位|一天|半天|时间)"
_AMUSED = ("坏", "死", "了", "得", "开花", "呵呵", "疯", "翻", "出声", "不可支")
# 发 as hair before what only hair has (发际线, 发夹, 发质, 发量: fà)
_HAIR_DONE = frozenset("染烫护掉脱")  # what is done to hair: 掉发, 染发 (fà)
_HAIR_LIKE = frozenset("短卷白黑金棕银秀碎") | _HAIR_DONE  # 短发, 卷发: inside a word
_OF_HAIR = ("际", "夹", "箍", "梢", "质", "量", "胶", "蜡", "膜", "尾", "根", "丝")
# what one adjusts (调个闹钟, 调一下音量: tiáo)
_SETTINGS = re.compile(
    "^(?:个|一个|一下|好|了)?(?:闹钟|音量|亮度|温度|空调|频道|模式|参数|焦距|座椅|声音|颜色|口味"
    "|滤镜|曝光|对比度|饱和度|色温|白平衡|光线|滤色|设置|字体|字号|妆容)"
)
_FRUIT = "(?:了|满|出)?(?:很多|好多|一些|不少|一树|一串|几个)?(?:果子|果实|果|籽|瓜|穗)"
_PLAIN = "拙实素质厚淳简古俭"  # 朴 next to these is pǔ, "plain"
_RAISED = ("眉", "梁", "灯", "大梁", "衅", "拨", "逗", "唆")  # 挑眉, 挑大梁: tiǎo
_INSTRUMENTS = ("钢琴", "吉他", "琴", "古筝", "琵琶", "贝斯", "尤克里里", "键盘")
_DEI_BEFORE = frozenset(
    [
        "我",
        "你",
        "他",
        "她",
        "它",
        "咱",
        "您",
        "我们",
        "你们",
        "他们",
        "她们",
        "咱们",
        "谁",
        "也",
        "就",
        "还",
        "都",
        "必须",
        "总",
        "又",
        "先",
        "还是",
        "真",
    ]
)


def apply_rules(
    words: Sequence[W], open_: list[tuple[W, int, tuple[str, ...]]], lexicon: Lexicon
) -> None:
    """Settle what the rules decide: set the reading and drop the slot from ``open_``."""
    runs = _Runs(words)
    settled: set[tuple[int, int]] = set()
    _round8(words, open_, runs, settled, lexicon)  # round 8 (fresh 7): see its block
    for word, i, _options in open_:
        if (id(word), i) in settled:
            continue
        k = runs.index_of[id(word)]
        before, after = runs.context(k, i)
        # a word the dictionary lacks (数一下, jieba's) is read as the words it is made of
        alone = len(word.simplified) == 1 or not lexicon.contains(word.simplified)
        ch = word.simplified[i]
        reading = _rule_reading(
            "着" if ch == "著" else ch,  # traditional 著 stays 著 in simplified form
            before,
            after,
            runs.closed(k),
            lexicon.is_verb,
            alone,
            runs.next_word(k) if i == len(word.simplified) - 1 else word.simplified[i + 1 :],
            word.simplified[:i],
        )
        if reading:
            keep_capital = word.numbers[i][:1].isupper()
            word.numbers[i] = reading.capitalize() if keep_capital else reading
            settled.add((id(word), i))
    _doctor(words, open_, runs, settled)
    _given_back(words, open_, runs, settled, lexicon)
    _slang_senses(words, open_, runs, settled)
    _word_senses(words, runs, settled, lexicon)
    _particle_de(words, settled, lexicon)
    _final_particles(words, runs, settled)
    open_[:] = [slot for slot in open_ if (id(slot[0]), slot[1]) not in settled]


def apply_tone_rules(words: Sequence[RuledWord], lexicon: Lexicon) -> None:
    """The neutral tones of doubled verbs and directional complements: after the context
    model, which reads each character in its full tone."""
    _directional_complements(words, lexicon)
    _verb_reduplication(words, lexicon)


def _rule_reading(
    ch: str,
    before: str,
    after: str,
    closed: bool,
    is_verb: Callable[[str], bool],
    alone: bool,
    next_word: str = "",
    own_before: str = "",
) -> str:
    """The reading a rule gives ``ch`` between ``before`` and ``after`` (its run of Chinese
    words, a few characters each way), or ''. ``closed``: punctuation or the end follows;
    ``alone``: ``ch`` is a word by itself (not inside a compound jieba lists, as 教学);
    ``next_word``: the word after ``ch`` when ``ch`` ends its word; ``own_before``: the
    characters before ``ch`` inside its own word."""
    if ch == "长" and _A_BIT_TOO.fullmatch(after) and (closed or not next_word):
        return "chang2"  # 这条裙子长了点: a bit too long (长了点肉: gained, zhǎng)
    if ch == "长" and _GAINED.match(after.removeprefix("长")):
        # 长见识, 长点记性, 这次真长本事了: to gain (zhǎng); said twice, the second is
        # neutral (长长见识 zhǎngzhang)
        return "zhang5" if before.endswith("长") and not after.startswith("长") else "zhang3"
    if ch == "长" and before.endswith(_MADE_LONG):
        return "chang2"  # 留长了, 变长: the adjective as a result
    doubled = after.startswith(("长的", "长地")) or re.match("长(?:一|两|几)", after) is not None
    if ch == "长" and (doubled or (before.endswith("长") and after.startswith(("的", "地")))):
        return "chang2"  # 长长的头发: the doubled adjective
    if ch == "长" and after.startswith("长了") and not before.endswith("长"):
        return "zhang3"  # 头发长长了: grew long, zhǎngcháng
    if ch == "长" and after.startswith("了") and before.endswith("长") and before[-2:-1] != "长":
        return "chang2"
    if ch == "行" and before.endswith("一"):
        if after.startswith("人") or (after[:1] in _NUMERAL_START and after[1:2] == "人"):
            return "xing2"  # 一行人, 我们一行五人: a party travelling together
        if before[-2:-1] in ("这", "那", "哪", "每", "第") or after.startswith(_LINES_OF):
            return "hang2"  # 这一行字; 这一行我干了五年
        return ""
    if ch in ADJECTIVE_READINGS and before.endswith(DEGREE_ADVERBS):
        return ADJECTIVE_READINGS[ch]
    if (
        ch in ADJECTIVE_READINGS
        and ch not in _NOT_ONLY_ADJECTIVES
        and before.endswith(("不", "没那么", "不那么", "没这么"))
        and (closed or after.startswith(("了", "的", "吧", "啊", "呢", "吗")))
    ):
        return ADJECTIVE_READINGS[ch]  # 这个包不重: negated, the adjective still
    if ch in MEASURE_READINGS and before[-1:] in _COUNTERS:
        return MEASURE_READINGS[ch]
    if ch == "挑" and alone and after.startswith(_RAISED):
        return "tiao3"  # 挑眉, 挑大梁: to raise (alone, 挑 is tiāo: to choose, to carry)
    if ch == "缝" and before.endswith("的") and not after.startswith(("合", "纫", "补", "制")):
        return "feng4"  # 裤子的缝: a seam
    if (
        ch in VERB_READINGS
        and alone
        and not before.endswith("的")  # 我的数: a noun
        and (
            after.startswith(_ASPECT_AFTER)
            or before.endswith(_AUXILIARIES_BEFORE)
            or after.startswith("一" + ch)
            or before.endswith(ch + "一")
            or (ch == "教" and after.startswith(_PRONOUNS))
            or after.startswith(_VERB_AFTER)
            or _POTENTIAL.match(after)
            # 盛一碗, 铺一层; not 长一点, nor 数十年 "several decades"
            or (after[:1] in _NUMERAL_START and ch != "长" and not after.startswith("十"))
            or (after.startswith("点") and ch != "长")  # 撒点盐
            or before.endswith(_SUBJECTS)  # 他种的, 我数
            or before.endswith(_PROGRESSIVE)
            or before.endswith("所")  # 所藏佛像, 所种: 所 before a verb
            or (ch == "盛" and after.startswith(_LADLED))  # 盛饭, 盛汤: to ladle
            or (ch == "扇" and after.startswith(("扇", "风", "巴掌", "耳光", "他", "她", "我")))
        )
    ):
        return VERB_READINGS[ch]
    if ch == "累" and alone and _tired(before, after, closed):
        return "lei4"  # 累得腿软, 累死了, 我累了: tired
    if ch == "和" and alone and _kneads(before, after):
        return "huo2"  # 和好面, 把面和好: to knead, to mix with water
    if (
        ch == "还"
        and alone
        and re.search("[把将][^把将还]{1,5}$", before)
        and (after.startswith(_GIVEN_BACK_AFTER) or (closed and not after))
    ):
        return "huan2"  # 把钱还了, 把书还回去, 记得把充电宝还我
    if ch == "还" and (_RETURNED.match(after) or (closed and _RETURN_TO.fullmatch(after))):
        return "huan2"  # 还你钱; 下周还你; 什么时候还
    if (
        ch == "还"
        and alone
        and after.startswith(("完", "清"))
        and not after.startswith(_STILL_THEN)
    ):
        return "huan2"  # 还完了, 还清: paid back
    if ch == "还" and alone and (_OWED.match(after) or _debt_paid(before, after, closed)):
        return "huan2"  # 还上次借的钱; 信用卡还了吗: paying back what is owed
    if ch == "还" and alone and next_word.startswith(_STILL_BEFORE):
        return "hai2"  # 还真是, 还挺好, 还没: the adverb before a predicate's adverb
    if ch == "还" and alone and _COMPARED.search(before):
        # 比男主还帅, 比正文还好笑: 比 + what is compared + the adverb "even" (the
        # returning readings above have had their say: 比我先还钱 stays huán)
        return "hai2"
    if ch == "着":
        if before.endswith(("不", "得")) or _NOT_FOUND.search(before):
            return "zhao2"  # 睡不着, 找得着, 没找着: the result "reach", not the particle
        if after.startswith(_CATCH) and not (before and is_verb(before[-1])):
            return "zhao2"  # 着火了, 他着了凉: to catch
        if closed and after == "了" and alone:
            return "zhao2"  # 钥匙找着了, 油着了: the result; the particle takes no 了
        if before.endswith("穿"):
            noun = before[-2:-1] == "的" or after.startswith(_ATTIRE)
            return "zhuo2" if noun else "zhe5"  # 她的穿着 chuānzhuó; 穿着睡衣 chuānzhe
    if (
        ch == "为"
        and alone
        and (next_word in _FOR_WHOM or next_word.startswith(("这", "那")))
        and before[-1:] not in _NAMING
        and "所" not in after[:6]  # 为人所知: the passive, wéi
    ):
        return "wei4"  # 为你准备的, 为大家整理: for
    if ch == "差" and alone and before.endswith(_ONLY_LACKING):
        return "cha4"  # 就差出发了, 只差一步: only lacking
    if ch == "差" and alone and (after[:1] in _NUMERAL_START or after.startswith(_SHORT_OF)):
        return "cha4"  # 还差五块钱, 差了五岁, 差太多: short of; poor
    slept = "睡" in before[-6:] or "补" in before[-6:]  # 睡了个好觉, 补了一个觉
    if ch == "觉" and slept and not after.startswith("得"):
        return "jiao4"  # a sleep
    if ch == "好" and after.startswith("觉") and slept:
        return "hao3"  # 睡好觉, 好觉: a good sleep
    if ch == "过" and before and is_verb(before[-1]) and not after.startswith(("来", "去")):
        return "guo5"  # 去过, 看过: the aspect particle
    if ch == "长" and re.match("(?:这么|那么|这样|那样|得)(?:大|高|壮|胖)", after):
        return "zhang3"  # 长这么大第一次: grown this big
    if ch == "长" and after.startswith(_GROWN):
        return "zhang3"  # 长高, 长痘: to grow
    if ch == "重" and after.startswith(_REDONE):
        return "chong2"  # 重做, 重拍: again
    if ch == "重" and after.startswith(_HEAVY):
        return "zhong4"  # 重感冒: heavy, serious
    if ch == "弹" and (after.startswith(_INSTRUMENTS) or after.startswith(_ASPECT_AFTER)):
        return "tan2"  # 弹钢琴, 弹得很好: to play
    if (
        ch == "背"
        and alone
        and (before.endswith(_WORN_AS) or re.search("包|书包|背包", before))
        and not after.startswith(("单词", "书", "课文", "锅", "叛", "影", "后", "面"))
    ):
        return "bei1"  # 这个包通勤背刚好, 双肩背: to carry on one's back
    if ch == "背" and after.removeprefix("着").startswith(_CARRIED):
        return "bei1"  # 背着书包: to carry on one's back
    if (
        ch == "看"
        and re.sub("^(?:着|一下|好|住)", "", after).startswith(_LOOKED_AFTER)
        and not before.endswith(("去", "来", "想", "要"))  # 去看孩子: to visit, kàn
    ):
        return "kan1"  # 帮我看着行李, 看一下孩子: to look after
    if ch == "冲" and after.startswith("着"):
        return "chong4"  # 冲着他去的: aimed at
    if ch == "中" and before[-1:] in _HIT and (closed or after.startswith(("了", "过", "的"))):
        return "zhong4"  # 考中了, 猜中: to hit
    if ch == "挨" and (before.endswith("紧") or after.startswith(("肩", "近", "家", "户"))):
        return "ai1"  # 紧挨着, 挨家挨户: next to, one by one (挨打, 挨骂: ái)
    if ch == "朴" and any(c and c in _PLAIN for c in (after[:1], before[-1:])):
        return "pu3"  # 朴拙, 实朴: plain (piáo is a surname)
    if ch == "发" and before[-1:] in (_HAIR_LIKE if own_before else _HAIR_DONE):
        # 短发, 卷发 (a word), 掉 + 发, 染 + 发: hair; a word before a lone 发 may end in
        # such a character otherwise (试卷 + 发下来: to hand out, fā)
        return "fa4"
    if ch == "发" and after.startswith("色") and not after.startswith(("色情", "色图")):
        return "fa4"  # 这个发色好显白: hair colour
    if ch == "发" and after.startswith(_OF_HAIR):
        return "fa4"  # 发际线, 发夹: hair
    if ch == "干" and re.match("了?(?:这|那)?(?:一)?杯", after):
        return "gan1"  # 干了这杯: drink it up
    if ch == "号" and before.endswith(("哭", "哀", "呼", "怒", "嚎")):
        return "hao2"  # 哭号, 哀号: to wail
    if ch == "干" and own_before[-1:] in _DRIED_FOODS:
        return "gan1"  # 肉干, 豆腐干, 笋干 (words the dictionary lacks): dried food
    if ch == "折" and alone and before.endswith(_SNAPPED) and after.startswith(("了", "断")):
        return "she2"  # 腿折了, 树枝折了: snapped, broken (折叠, 打折: zhé)
    if ch == "空" and alone and re.match(_LEFT_FREE, after):
        return "kong4"  # 空出一个位置, 空一行: to leave free, to leave blank
    if ch == "乐" and alone and after.startswith(_AMUSED):
        return "le4"  # 她乐坏了, 乐死我了, 乐得合不拢嘴: amused, happy (音乐: yuè)
    if ch == "干" and alone and _dries(before):
        return "gan1"  # 头发干了, 衣服还没干, 晒干: dry
    if (
        ch == "薄"
        and alone
        and (
            before.endswith(("得", "不", "太", "很", "好", "超", "那么", "这么"))
            or after.startswith(_THIN_AFTER)
            or (closed and not after)
        )
    ):
        return "bao2"  # 涂得薄一点, 这件很薄, 薄了: thin, the colloquial adjective
    if ch == "假" and alone and before[-1:] in _LEAVE_KINDS and not after.startswith(_FAKE_AFTER):
        return "jia4"  # 年假攒了五天, 事假: leave (年假 cut 年 + 假 by the words)
    if ch == "待" and alone and (_STAYED.match(after) or _AT_A_PLACE.search(before)):
        # 在这行待了七年, 待在家, 待一会儿, 在这待着: to stay (对待, 期待: dài)
        return "dai1"
    if ch == "将" and alone and closed and not after:
        return "jiang4"  # 参将。: the noun "general"; the adverb and 把 need what follows
    if (
        ch == "晕"
        and alone
        and (before.endswith("的") or after.startswith(_HALO_AFTER))
        and not before.endswith(_PRONOUNS)
    ):
        return "yun4"  # 黑洞的晕中, 暗物质晕里面: a halo, the noun (头晕, 晕了: yūn)
    if ch == "晕" and alone and before.endswith(_PRONOUNS):
        return "yun1"  # 我晕的不行, 他晕了: dizzy, fainting
    if ch == "长" and alone and after.startswith("而") and not before.endswith(_GROWER):
        return "chang2"  # 存续期长而磨损, 细长而尖: the adjective linked by 而
    if ch == "更" and alone and before.endswith(_UPDATES) and not after.startswith(_MORE_THEN):
        return "geng1"  # 求更, 作者停更了, 太太日更辛苦了: an update (更新); 更好 gèng
    if ch == "舍" and alone and before.endswith(_RELUCTANT):
        return "she3"  # 我很不舍, 难舍: to part with (宿舍, 校舍: shè)
    if (
        ch == "发"
        and alone
        and after.startswith("小")
        and before.endswith(_FRIEND_OF)
        and ((closed and after == "小") or after[1:].startswith(_FRIEND_THEN))
    ):
        return "fa4"  # 他是我发小, 我和发小一起: a childhood friend (发小视频: fā)
    if ch == "弄" and alone and after.startswith(_LANE_AFTER):
        return "long4"  # 百福弄社区, 弄堂: a lane
    if ch == "弄" and alone and after.startswith("不"):
        return "nong4"  # 弄不大, 弄不好: the verb with its potential complement
    if alone:
        return _collocation(ch, before, after, next_word, closed, is_verb)
    return ""


# what one does to a serial's updates before 更 gēng (催更, 停更, 求更, 日更, 断更)
_UPDATES = tuple("催停求断追日周双月")
# what follows 更 gèng "more" (日更比日好, 求更多, 追更高): never an update
_MORE_THEN = ("比", "加", "多", "为", "是", "不", "能", "会", "要", "高", "大", "好", "快", "深")
_RELUCTANT = ("不", "难", "割", "忍", "肯", "怎么", "真")  # 不舍, 难舍: shě
_FRIEND_OF = ("我", "你", "他", "她", "的", "是", "个", "和", "跟", "俩", "两", "们")
_FRIEND_THEN = ("们", "的", "是", "都", "一起", "从", "跟", "和", "关系", "之间", "结婚", "来")
_HALO_AFTER = ("中", "里", "内", "周围", "外", "轮")  # where a halo is: the noun yùn
_GROWER = ("生", "成", "滋", "助")  # 生长而, 成长而: the verb inside a word the path split
# what 涌 yǒng "to surge" goes on with: a direction, a result or an aspect
_SURGED = tuple("向进入出来去上起到现动着了过流至满")
_LANE_AFTER = ("社区", "堂", "小区", "口")


# 比 + what is compared (a few characters, no 比 again) before 还 "even"; not 比赛, 比如...
_COMPARED = re.compile("比(?![赛如方例分较率值重喻划拼])[^比]{1,6}$")
# 薄 báo "thin" (colloquial) before a degree, a change or a question; bó is in words
# (薄弱, 单薄, 刻薄, 淡薄), which are not alone
_THIN_AFTER = ("一点", "一些", "点", "些", "了", "的", "得", "吗", "啊", "呀", "不", "薄", "到")
# kinds of leave before 假 (jià) when the words cut them apart (年 + 假)
_LEAVE_KINDS = frozenset("年病产婚事丧寒暑春休")
_FAKE_AFTER = ("的", "货", "话", "装", "如", "设", "使")  # 一年假的: fake (jiǎ)
_AT_A_PLACE = re.compile("在(?:这|那|家|这里|那里|这儿|那儿|公司|宿舍|学校|外面|里面|屋里)$")
# 待 dāi "to stay": a duration, a place or staying on after it (待到春天 "until": dài)
_STAYED = re.compile(
    "(?:了|过|着)?(?:"
    "在|家|着|不住|不下去|下去|多久|很久|好久|这么久|那么久|一会|一下|一阵|会儿|几"
    "|[一两二三四五六七八九十半]+(?:个)?(?:年|天|月|小时|分钟|周|星期|晚|夜|阵)"
    # staying on until an hour of the day or the end (待到很晚, 待到十点 dāi; 待到春天,
    # 待到花开 "when ... comes": dài)
    "|到(?:很晚|挺晚|太晚|这么晚|那么晚|半夜|深夜|凌晨|天亮|天黑|晚上|傍晚|中午|下午|最后|结束"
    "|散场|关门|打烊|下班|放学|[零一二两三四五六七八九十几]+点)"
    ")"
)

# what follows 累 "tired" (累得, 累死了, 累趴了, 累不累) and what precedes it (又累又饿, 怕累)
_TIRED_AFTER = (
    "得", "了", "死", "坏", "成", "趴", "瘫", "垮", "惨", "哭", "晕", "疯", "麻", "到", "不",
    "吗", "啊", "呀", "吧", "呢", "啦", "的话", "又", "并",
)  # fmt: skip
_TIRED_BEFORE = (
    "又", "也", "都", "怕", "喊", "嫌", "说", "会", "觉得", "感觉", "就", "不", "再", "多",
)  # fmt: skip
# 和 huó: dough or mud right after it (and a result before them), or before it and a
# result after it; never 面包, 面条, 面前, 面试 ("and" before a word beginning with 面)
_KNEADED = re.compile(
    "(?:好|匀|成|了|一下|一团)?的?"
    "(?:面(?![包条膜前试粉子孔对积部貌具临料馆])|泥(?![鳅土石沙人塑潭坑泞浆沼]))"
)
_KNEADED_BEFORE = re.compile("(?:^|[把将])(?:面|面粉|泥)(?:要|得|先|再)?$")
_KNEAD_RESULTS = ("好", "匀", "成", "一下", "了", "得", "开")


_LINE_DRAWN = "(?:了|一|条|道|个|出|掉)*(?:线|界|分|清|定|为|入|拨|款|账|重点|范围|区域|片区|位置)"
_ROWED = ("船", "桨", "水", "破", "伤", "开", "过", "算", "着", "了", "到", "一下", "龙舟", "皮艇")
_QUALITIES = (
    "质量", "效果", "态度", "成绩", "服务", "信号", "口碑", "体验", "手感", "画质", "音质",
    "皮肤", "视力", "记性", "身体", "脾气", "睡眠", "网", "网速", "天气", "环境", "卫生",
    "味道", "口感", "做工", "性能", "状态", "气色", "人品", "素质", "水平", "运气", "太",
    "很", "真", "好", "超", "特别", "非常", "有点", "比较", "更", "最", "越来越",
)  # fmt: skip
_STATE_AFTER = ("的", "了", "得", "死", "极", "透", "劲", "到", "吗", "啊", "呀", "啦")
# what comes loose (鞋带散了, 头发散开)
_STRANDS = ("鞋带", "头发", "辫子", "马尾", "绳子", "线", "毛线", "包装", "架子", "扣子", "发型")
# where the air is stuffy (天气闷, 房间里好闷: mēn); elsewhere 闷 is bored, mèn
_STUFFY = ("天气", "空气", "屋里", "屋子", "房间", "房间里", "车里", "车厢", "教室", "室内", "地铁")
_STUFFY_PLACES = (*_STUFFY, *(place + "很" for place in _STUFFY), *(p + "太" for p in _STUFFY))
_STUFFY_PLACES_RE = re.compile("|".join(_STUFFY))
# what 场 measures as a course of events: weather, illness, dreams, quarrels (一场大雨 cháng)
_COURSE_OF_EVENTS = (
    "雨", "大雨", "暴雨", "雪", "大雪", "风", "病", "大病", "重病", "梦", "噩梦", "误会",
    "空欢喜", "架", "灾难", "大火", "浩劫", "战争", "官司",
)  # fmt: skip
# vices and habits one is fond of (他好喝酒, 好面子: hào) after who has them
_FOND_OF = (
    "喝酒", "抽烟", "赌", "面子", "管闲事", "吹牛", "打架", "占便宜", "酒", "色", "吃懒做",
    "打抱不平", "出风头", "攀比",
)  # fmt: skip
_PERSONS_BEFORE = (
    *_PRONOUNS,
    "人",
    "男人",
    "女人",
    "老公",
    "老婆",
    "男朋友",
    "女朋友",
    "爸",
    "我爸",
)
# what follows 应 "should" besides a verb (你应早点来, 应尽快: yīng)
_SHOULD_THEN = (
    "早点", "早些", "尽快", "尽早", "及时", "马上", "立即", "立刻", "提前", "先", "多", "少",
    "好好", "当", "该", "以", "在", "由", "从", "把", "按", "对", "向", "给", "与", "和",
)  # fmt: skip
# 当 "to treat as" (dàng): a person then what one pretends (当我没说, 当他是空气), or
# 当回事, 当耳旁风; 当我是学生的时候 "when" stays dāng
_TREATED_AS = (
    "(?:(?:我们|你们|他们|她们|我|你|他|她|它|这|那|这些|那些|自己)"
    "(?:没[说问来讲看听]|不存在|是空气|是透明|透明|空气|是个?(?:傻子|小孩|朋友|亲人|外人|家人)))"
    "|回事|耳旁风|耳边风"
)
# 落 là: left behind where one forgets it (落在车上, 落家里, 落了东西) or after 把 and
# what is left (把伞落在), against 落在地上, 落下来 (luò: to fall)
_FORGOTTEN = ("东西", "手机", "钥匙", "伞", "钱包", "包", "书包", "作业", "课", "卡", "证件")
_LEFT_IN = re.compile(
    "^(?:在|到)?(?:家|家里|宿舍|公司|办公室|教室|车上|出租车|地铁|店里|酒店|学校|桌上|那|这|哪)"
)
_DOZEN = "(?:鸡蛋|蛋|啤酒|铅笔|笔|毛巾|袜子|玫瑰|花|可乐|纸巾|甜甜圈|面包|饮料|瓶|罐|只|个)"


def _left_behind(before: str, after: str) -> bool:
    """Whether 落 is là "left behind": forgotten somewhere, or after 把 and its object."""
    if _LEFT_IN.match(after) and not after.startswith(("在地", "到地")):
        return True
    if after.removeprefix("了").startswith(_FORGOTTEN):
        return True
    return re.search("[把将][^把将落]{1,5}$", before) is not None and not after.startswith(
        ("下来", "地", "在地", "到地", "满", "水")
    )


_PLANED = ("平", "光", "木", "子", "花", "床", "刀", "板")
_DAZED_BY = ("搞", "弄", "打", "吓", "听", "看", "整", "绕", "问", "说")
_LADLED = ("饭", "米饭", "汤", "粥", "菜", "一碗", "碗")
_GOT_ALONG = ("对象", "朋友", "关系", "不来", "得来", "得很", "得不错", "久了", "了几年", "了三年")
# 处得 + a judgement of how people get on (处得挺好, 处得还行, 处得不太好, 处得融洽: chǔ)
_GOT_ALONG_AS = re.compile(
    "得(?:挺|很|蛮|还|不|太|特别|非常|真|超|好|融洽|愉快|像|跟|和|久|怎么样|如何)"
)
# 把 + what is given back + 还 + a result or the end: 把钱还了, 把书还回去 (the adverb hái
# comes before 把, never after its object)
_GIVEN_BACK_AFTER = ("回", "给", "了", "完", "清", "掉", "上", "一下")


def _debt_paid(before: str, after: str, closed: bool) -> bool:
    """Whether 还 after a debt is paying it back: a result or a question after it
    (信用卡还了吗, 花呗还完了, 书还了), or nothing (钱什么时候还 is left to the rules
    above)."""
    if not before.endswith(_DEBTS):
        return False
    return after.startswith(("了", "完", "清", "上", "掉")) or (closed and not after)


def _kneads(before: str, after: str) -> bool:
    """Whether 和 standing alone is huó: dough or mud after it (和好面, 和泥), or before
    it with a result after it (把面和好)."""
    if _KNEADED_BEFORE.search(before):
        return after.startswith(_KNEAD_RESULTS)
    return _KNEADED.match(after) is not None


def _tired(before: str, after: str, closed: bool) -> bool:
    """Whether 累 standing alone is "tired" (lèi): what tires or who is tired around it."""
    if after.startswith(_TIRED_AFTER) or (closed and not after):
        return True
    return before.endswith(_TIRED_BEFORE) or before.endswith(_SUBJECTS)


def _dries(before: str) -> bool:
    """Whether 干 after ``before`` is the state "dry": after something that dries (头发,
    衣服, with 还没/已经... between) or a verb of drying (晒, 吹, 擦)."""
    if before.endswith(_DRYING):
        return True
    for state in ("", *_BEFORE_STATE):
        if before.endswith(state) and before[: len(before) - len(state)].endswith(_WETTABLE):
            return True
    return False


def _collocation(
    ch: str, before: str, after: str, next_word: str, closed: bool, is_verb: Callable[[str], bool]
) -> str:
    """A standalone character's reading by the word next to it (调一下 tiáo, 卡在 qiǎ)."""
    if ch == "好" and before.endswith(_PERSONS_BEFORE) and after.startswith(_FOND_OF):
        return "hao4"  # 他好喝酒, 她好面子: to be fond of (好喝 "tasty" is hǎo)
    if ch == "调" and (after.startswith(_TUNED) or _SETTINGS.match(after)):
        return "tiao2"  # 调一下音量, 调成静音: to adjust
    if ch == "应" and (
        (next_word and is_verb(next_word) and not next_word.startswith(("了", "声")))
        or next_word.startswith(_SHOULD_THEN)
    ):
        return "ying1"  # 最早应追溯至, 应令: should (应了一声: yìng, to answer)
    if ch == "当" and (
        re.match(_TREATED_AS, after)
        or (
            before.endswith(("就", "权", "只", "全"))
            and not after.startswith(("上", "选", "过", "了", "兵", "官", "年", "天", "时"))
        )
    ):
        return "dang4"  # 当我没说, 不把他当回事, 就当交学费了: to treat as
    if ch == "落" and _left_behind(before, after):
        return "la4"  # 手机落在车上了, 把钥匙落家里了, 别落东西: left behind
    if ch == "打" and before[-1:] in _COUNTERS and re.match(_DOZEN, after):
        return "da2"  # 一打鸡蛋, 两打啤酒: a dozen
    if ch == "刨" and not after.startswith(_PLANED):
        return "pao2"  # 刨坑, 刨出, 刨土: to dig (刨平, 刨木头: bào, to plane)
    if ch == "蒙" and re.match("(?:了|着|上)?一?(?:层|块|张)", after):
        return "meng2"  # 蒙了一层灰, 蒙着一块布: covered
    if ch == "蒙" and (
        before.endswith(_DAZED_BY) or (closed and after == "了") or after.startswith(("圈", "逼"))
    ):
        return "meng1"  # 搞蒙了, 我直接蒙了, 蒙圈: dazed (蒙了一层灰 méng: covered)
    if (
        ch == "作"
        and before.endswith((*DEGREE_ADVERBS, "别", "不要", "别再", "又", "又在", "能"))
        and ((closed and after in ("", "了", "啊", "呀", "吧")) or after.startswith("了"))
    ) or (ch == "作" and after.startswith("死")):
        return "zuo1"  # 她太作了, 别作了: (slang) to act up (作业, 工作: zuò)
    if ch == "处" and (after.startswith(_GOT_ALONG) or _GOT_ALONG_AS.match(after)):
        return "chu3"  # 处对象, 处不来, 处得很好: to get along (a place, 处: chù)
    if ch == "划" and re.match(_LINE_DRAWN, after):
        return "hua4"  # 划一条线, 划重点, 划清界限: to draw, to mark off
    if ch == "划" and (after.startswith(_ROWED) or before.endswith(("被", "给", "把手"))):
        return "hua2"  # 划船, 手划破了, 被纸划了一下: to row, to scratch
    if ch == "差" and before.endswith(_QUALITIES) and (closed or after.startswith(_STATE_AFTER)):
        return "cha4"  # 质量差, 信号太差了: poor
    if (
        ch == "调"
        and after.startswith("到")
        and (
            re.match("到(?:最|静音|振动|震动|[零一二两三四五六七八九十]+(?:度|档|格))", after)
            or (after == "到" and not closed)  # 调到26度: a number follows
        )
    ):
        return "tiao2"  # 调到26度, 调到最大: to set (调到北京: diào, transferred)
    if ch == "散" and before.endswith(_STRANDS) and after.startswith(("了", "开", "着", "掉")):
        return "san3"  # 鞋带散了, 头发散开: come loose
    if ch == "闷" and (
        before.endswith(_STUFFY_PLACES)
        or (before.endswith(DEGREE_ADVERBS) and _STUFFY_PLACES_RE.search(before))
    ):
        return "men1"  # 天气闷得, 房间里好闷: stuffy
    if ch == "场" and before[-1:] in _COUNTERS and after.startswith(_COURSE_OF_EVENTS):
        return "chang2"  # 一场大雨, 一场病: the course of an event (一场电影: chǎng)
    if ch == "卡" and after.startswith(("在", "住")):
        return "qia3"  # 卡在嗓子里: stuck
    if ch == "炸" and after.startswith(_FRIED):
        return "zha2"  # 炸一下, 炸鸡: to deep-fry
    if ch == "扎" and before.endswith(_HAIR_TIED) and not after.startswith(("针", "手", "心")):
        return "za1"  # 把头发扎起来, 马尾扎高一点: to tie (扎针, 扎手: zhā)
    if ch == "粘" and after.startswith("人"):
        return "nian2"  # 我家狗狗特别粘人: clingy (粘在墙上: zhān)
    if ch == "扎" and re.match(_TIED, after):
        return "za1"  # 扎个马尾: to tie
    if ch == "冲" and next_word in _PRONOUNS:
        return "chong4"  # 冲我叫: towards
    if ch == "转" and re.match("了?[一两三几半]?圈", after):
        return "zhuan4"  # 转了一圈: to go round
    if ch == "假" and any(v in before[-4:] for v in ("请", "放", "休")):
        return "jia4"  # 请了三天假: leave
    if ch == "吐" and ((closed and after in ("", "了")) or re.match(_VOMITED, after)):
        return "tu4"  # 吐了一晚上, 他吐了: to vomit (with no object; 吐口水 tǔ)
    if ch == "的" and before.endswith("打") and re.match("(?:去|回|到(?!底)|过[去来])", after):
        return "di1"  # 打的去机场: to take a taxi (他打的人: the particle)
    if ch == "结" and re.match(_FRUIT, after):
        return "jie1"  # 结了很多果子: to bear fruit (结婚, 结账: jié)
    if ch == "散" and after.startswith("着"):
        return "san3"  # 头发散着: loose
    return ""


# 大夫 is "doctor" (dàifu) where one sees, fetches or asks it, or it tells or prescribes;
# the context model, trained on encyclopedia text, prefers the imperial official (dàfū)
_SEE_DOCTOR = ("看", "找", "请", "叫", "问", "当")
_DOCTOR_DOES = ("说", "让", "给", "开", "建议", "嘱咐", "叮嘱", "告诉", "检查")


def _doctor(
    words: Sequence[W],
    open_: list[tuple[W, int, tuple[str, ...]]],
    runs: _Runs,
    settled: set[tuple[int, int]],
) -> None:
    for word in {id(w): w for w, _i, _o in open_ if w.simplified == "大夫"}.values():
        k = runs.index_of[id(word)]
        before, after = runs.context(k, 0)
        if before.endswith(_SEE_DOCTOR) or after[1:].startswith(_DOCTOR_DOES):
            word.numbers = ["dai4", "fu5"]
            settled.update({(id(word), 0), (id(word), 1)})


# after 还 + a person: what makes that person the subject of a clause (还我请客, 还你们都去:
# the adverb hái), not the one something is given back to (还我充电宝, 还你一个清白 huán)
_SUBJECT_NEXT = (
    "都", "也", "就", "还", "又", "才", "再", "是", "不", "没", "没有", "在", "和", "跟", "比",
    "把", "被", "给", "俩", "一起", "自己", "得", "能", "会", "要", "想", "可以", "应该",
    *(adverb for adverb in DEGREE_ADVERBS if adverb != "好"),  # 还你最懂我
)  # fmt: skip


def _given_back(
    words: Sequence[W],
    open_: list[tuple[W, int, tuple[str, ...]]],
    runs: _Runs,
    settled: set[tuple[int, int]],
    lexicon: Lexicon,
) -> None:
    """还 alone before a person it gives something back to: 记得还我, 还我充电宝, 还你的
    钱, 还他一个公道 (huán); not when a verb or an adverb follows the person (还我请客)."""
    for word, i, _options in open_:
        if word.simplified != "还" or (id(word), i) in settled:
            continue
        k = runs.index_of[id(word)]
        person = runs.next_word(k)
        if person not in _PRONOUNS:
            continue
        then = runs.next_word(k + 1)
        if then and (then.startswith(_SUBJECT_NEXT) or lexicon.is_verb(then)):
            continue
        if not then and not runs.closed(k + 1):
            continue  # other text follows the person (还我ok): leave it to the model
        word.numbers[i] = "huan2"
        settled.add((id(word), i))


# 上头 "above, the higher-ups" (shàngtou) where it is a place or the bosses: after a verb
# of place or before what the bosses do; elsewhere after a degree or before 了 the verb
# "to go to one's head", slang "hooked" (shàngtóu)
_PLACE_BEFORE = ("在", "到", "从", "往", "朝", "放", "写", "贴", "挂", "摆")
_BOSSES_DO = ("说", "让", "要求", "派", "下", "的人", "有人", "来", "批", "发话", "决定", "检查")
_FUSSY_BEFORE = (*DEGREE_ADVERBS, "别", "不要", "别再", "少", "又", "又在", "在", "装")
_HOOKED_BEFORE = (*DEGREE_ADVERBS, "越", "一听就", "一看就", "容易", "有点上")


def _slang_senses(
    words: Sequence[W],
    open_: list[tuple[W, int, tuple[str, ...]]],
    runs: _Runs,
    settled: set[tuple[int, int]],
) -> None:
    """Words whose everyday slang sense reads otherwise than their first dictionary
    reading, chosen by the grammar around them (上头: shàngtóu or shàngtou; 矫情 in chat,
    after a degree or 别: jiáoqing)."""
    for word in {id(w): w for w, _i, _o in open_ if w.simplified == "矫情"}.values():
        k = runs.index_of[id(word)]
        before, after = runs.context(k, 0)
        if before.endswith(_FUSSY_BEFORE) or after[1:].startswith(("了", "鬼", "死", "什么")):
            word.numbers = ["jiao2", "qing5"]  # 别矫情了, 太矫情: fussy, whiny (jiáoqing)
            settled.update({(id(word), 0), (id(word), 1)})
    for word in {id(w): w for w, _i, _o in open_ if w.simplified == "上头"}.values():
        if (id(word), 1) in settled:
            continue
        k = runs.index_of[id(word)]
        before, after = runs.context(k, 0)
        after = after[1:]
        if before.endswith(_PLACE_BEFORE) or after.startswith(_BOSSES_DO):
            reading = "tou5"
        elif before.endswith(_HOOKED_BEFORE) or after.startswith(("了", "啊", "呀", "死")):
            reading = "tou2"
        else:
            continue
        word.numbers = [word.numbers[0], reading]
        settled.add((id(word), 1))


# 床铺 the verb phrase "make the bed" (chuáng pū) before a result: 把床铺好, 床铺平整
_BED_MADE = re.compile("(?:好(?:$|[了吗没啊呀吧再就后之])|平|一下|整齐|干净|上)")
# 好学 "easy to learn" (hǎoxué) said of a thing, "studious" (hàoxué) of a person
_EASY_BEFORE = re.compile("(?:不|很|挺|太|超|真|特别|比较|蛮|还挺|也太|不太)$")
_PERSONS = re.compile("我|你|他|她|您|孩子|学生|人|宝宝|娃|同学|女儿|儿子|姐|哥|弟|妹")
_EASY_AFTER = ("吗", "吧", "么", "不", "啊", "呀", "的语言", "的乐器", "的技能")
_LEFT_OUT_AFTER = (
    "东西", "什么", "课", "作业", "进度", "一节", "一门", "手机", "钥匙", "不少", "很多",
)  # fmt: skip
_LEFT_OUT_BEFORE = ("别", "不要", "没", "没有", "千万别", "可别", "怕", "不会", "把", "被")


# what comes layer upon layer (困难重重, 重重关卡: chóngchóng)
_OBSTACLES = (
    "困难", "关卡", "阻碍", "障碍", "危机", "矛盾", "问题", "顾虑", "疑虑", "疑点", "心事",
    "险阻", "包围", "迷雾", "难关", "考验", "叠叠", "山", "门", "阻力", "压力", "防守",
)  # fmt: skip


# 精神 jīngshen "vigour" after having or lacking it, or a degree (没精神, 很有精神, 挺精神);
# jīngshén "spirit, mind" before what belongs to the mind (精神上, 精神状态)
_VIGOUR_BEFORE = (*DEGREE_ADVERBS, "没", "有", "不", "没有", "没什么", "打起", "提起", "来")
# what follows 精神 the adjective "lively, perked up" (精神点, 精神得很, 精神多了): a degree
# or a change, which the noun "spirit, mind" never takes
_VIGOUR_AFTER = ("点", "一点", "一些", "些", "得", "多了", "了不少", "起来", "头", "了很多")
_MIND_AFTER = ("上", "状态", "世界", "层面", "支柱", "食粮", "生活", "分裂", "压力", "问题", "疾病")
# what is never a noun taking the suffix 子 (一子, 生子, 的子...)
_NOT_NOUNS = frozenset("的了是在有和与跟给把被这那哪个一二两三四五六七八九十百千万几每半之其")


def _erhua_of(prev: RuledWord, lexicon: Lexicon) -> bool:
    """Whether 儿 after the one-character word ``prev`` is its 儿化 suffix: the dictionary
    has the pair as a word read with r (理儿 lǐr, 座儿 zuòr) that the path cut in two."""
    if not prev.is_chinese or len(prev.simplified) != 1:
        return False
    return any(
        reading.split()[-1:] == ["r5"] for reading in lexicon.readings(prev.simplified + "儿")
    )


def _noun_suffix(prev: RuledWord, lexicon: Lexicon) -> bool:
    """Whether 子 after the one-character word ``prev`` is the neutral noun suffix (狗子,
    slang the dictionary lacks): ``prev`` a noun, not a verb (生子) nor a function word."""
    ch = prev.simplified
    return (
        prev.is_chinese
        and len(ch) == 1
        and ch not in _NOT_NOUNS
        and not lexicon.contains(ch + "子")
        and not lexicon.is_verb(ch)
    )


def _word_senses(
    words: Sequence[W], runs: _Runs, settled: set[tuple[int, int]], lexicon: Lexicon
) -> None:
    """Dictionary words whose reading the words around them decide, whether or not the
    dictionary gives that reading: 下头 "below" (xiàtou) against the slang "a turn-off"
    (xiàtóu), 好学 easy to learn (hǎo) or studious (hào), 一打 a dozen (dá) before goods,
    床铺 "to make the bed" (chuáng pū) before a result, 落下 left behind (là)."""
    for k, word in enumerate(words):
        if not word.is_chinese:
            continue
        key = word.simplified
        numbers: list[str] | None = None
        if key == "下头":
            before, after = runs.context(k, 0)
            if before.endswith(_PLACE_BEFORE) or after[1:].startswith(("的人", "有人")):
                numbers = [word.numbers[0], "tou5"]  # 在下头等你: below, underneath
            elif before.endswith(_HOOKED_BEFORE) or after[1:].startswith(("了", "啊", "死")):
                numbers = [word.numbers[0], "tou2"]  # 太下头了: a turn-off
        elif key == "好学":
            before, after = runs.context(k, 0)
            easy = after[1:].startswith(_EASY_AFTER) or (
                _EASY_BEFORE.search(before) is not None and not _PERSONS.search(before)
            )
            numbers = ["hao3" if easy else "hao4", "xue2"]
        elif re.fullmatch("[一两三四五六七八九十几半]打", key):
            after = runs.context(k, len(key) - 1)[1]
            if re.match(_DOZEN, after) or (runs.next_word(k) == "" and runs.closed(k)):
                numbers = [word.numbers[0], "da2"]  # 一打鸡蛋: a dozen
        elif key == "床铺" and _BED_MADE.match(runs.context(k, 1)[1]):
            numbers = ["chuang2", "pu1"]  # 把床铺好: to make the bed
        elif key == "落下":
            before, after = runs.context(k, 1)
            if after.removeprefix("了").startswith(_LEFT_OUT_AFTER) or (
                before[:-1].endswith(_LEFT_OUT_BEFORE) and not after.startswith("来")
            ):
                numbers = ["la4", "xia4"]  # 别落下东西, 落下了一节课: left behind
        elif key in ("好处", "难处") and (id(word), 1) not in settled:
            before, after = runs.context(k, 1)
            if before[:-1].endswith(("不", *DEGREE_ADVERBS)) and (
                (not after and runs.closed(k)) or after.startswith(_STATE_AFTER)
            ):
                numbers = [word.numbers[0], "chu3"]  # 这人不好处: to get along with
        elif key == "精神":
            before, after = runs.context(k, 1)
            if (
                before[:-1].endswith(_VIGOUR_BEFORE) and not after.startswith(_MIND_AFTER)
            ) or after.startswith(_VIGOUR_AFTER):
                # 没精神, 很有精神, 精神点: vigour, lively (精神病, 精神上: shén)
                numbers = ["jing1", "shen5"]
        elif key == "分量":
            before = runs.context(k, 0)[0]
            if not re.search("向量|矢量|坐标|方向|电场|磁场|力的", before):
                numbers = ["fen4", "liang5"]  # 分量好足: a portion, weight (a vector's: fēnliàng)
        elif key == "涌" and k and words[k - 1].is_chinese:
            if not runs.context(k, 0)[1].startswith(_SURGED):
                # 麻涌、乌涌, 鸭涌河: a Cantonese river branch in a place name (chōng); the
                # verb yǒng surges somewhere (涌向深圳) and lives in words (涌现, 汹涌)
                numbers = ["chong1"]
        elif key == "儿" and k and _erhua_of(words[k - 1], lexicon):
            numbers = ["r5"]  # 这个理儿, 有座儿: the suffix of a word the path cut (理儿 lǐr)
        elif key == "子" and k and _noun_suffix(words[k - 1], lexicon):
            numbers = ["zi5"]  # 狗子, 猫子: the noun suffix on a word the dictionary lacks
        elif key.endswith("地") and len(key) > 2 and _doubled(key[:-1]):
            numbers = [*word.numbers[:-1], "de5"]  # 重重地摔了一跤: the adverbial particle
        if "壳" in key and (len(key) == 1 or not lexicon.contains(key)):
            # 鸡蛋壳, 手机壳 + 壳 (not dictionary words): a shell, ké; the dictionary's
            # words keep theirs (贝壳 bèiké, 地壳 dìqiào)
            base = numbers if numbers is not None else list(word.numbers)
            numbers = ["ke2" if c == "壳" else n for c, n in zip(key, base, strict=True)]
        if "重重" in key:
            at = key.index("重重")
            before, after = runs.context(k, at + 1)
            layered: tuple[str, ...] = ("chong2", "chong2")
            if after.startswith("地"):
                layered = ("zhong4", "zhong4")  # 重重地摔: heavily
            elif not (before[:-1].endswith(_OBSTACLES) or after.startswith(_OBSTACLES)):
                layered = ()
            if layered:
                base = numbers if numbers is not None else list(word.numbers)
                numbers = [*base[:at], *layered, *base[at + 2 :]]
        if numbers is not None:
            word.numbers = [
                n.capitalize() if old[:1].isupper() else n
                for n, old in zip(numbers, word.numbers, strict=True)
            ]
            settled.update((id(word), i) for i in range(len(key)))


# Sentence-final particles, whose other readings are an interjection or a word (哦 ò "oh",
# 咯 gē, 呗 bài "chant", 哩 lǐ "mile"): closing a clause after a word, the particle
FINAL_PARTICLES = {
    "哦": "o5", "喔": "o5", "咯": "lo5", "呗": "bei5", "哩": "li5", "啦": "la5", "嘛": "ma5",
}  # fmt: skip


def _final_particles(words: Sequence[W], runs: _Runs, settled: set[tuple[int, int]]) -> None:
    """记得点赞哦, 走咯, 就这样呗: a particle ending its clause after a Chinese word."""
    for k, word in enumerate(words):
        reading = FINAL_PARTICLES.get(word.simplified) if word.is_chinese else None
        if reading is None or k == 0 or not words[k - 1].is_chinese:
            continue
        following = words[k + 1].text.lstrip(" ") if k + 1 < len(words) else ""
        if following and unicodedata.category(following[0])[0] not in "PZCS":
            continue  # 哦 before more words of its clause, or before other text (哦ok)
        word.numbers = [reading]
        settled.add((id(word), 0))


# what one gets after 得 dé (我得了感冒, 他得第一了, 得冠军, 得满分), not "must" (děi)
_GOT = frozenset(
    ["第一", "第二", "第三", "第一名", "第二名", "冠军", "亚军", "季军", "奖", "满分", "金牌"]
)
# when something must be done, before 得 "must" and a verb (明天得早起, 今晚得加班: děi)
_WHEN = frozenset(
    [
        "今天", "明天", "后天", "今晚", "明晚", "今早", "明早", "早上", "晚上", "下午", "上午",
        "中午", "周末", "下周", "下个月", "明年", "今年", "以后", "现在", "待会儿", "一会儿",
        "回头", "到时候", "这周", "这周末", "月底", "年底", "过年", "下班", "下班后", "马上",
        "饭后", "饭前", "睡前",
    ]
)  # fmt: skip
# who must do something, before 得 and a verb (妈妈得上班 děi; 宝宝得了肺炎 dé)
_WHO = frozenset(
    [
        "妈妈", "爸爸", "孩子", "宝宝", "老板", "老师", "学生", "自己", "室友", "老公", "老婆",
        "男朋友", "女朋友", "家长", "姐妹们", "打工人", "医生", "同事",
    ]
)  # fmt: skip
_TIME_PHRASE = re.compile("(?:这个|下个|上个|这|下|每个|每)(?:月|周|星期|礼拜|周末|学期)$")
# a demonstrative and a measure: the thing spoken of, before 得 "must" (这件得退, 这个得冷藏)
_THIS_ONE = re.compile("[这那][一]?[个件款种家条双只本张次些样位台部瓶盒套块]?")
# what follows 得 děi after any word, a verb too (回家得先洗手), never the particle's
# complement (跑得快 is de: 快 is not among them)
_DUTY_THEN = (
    "先", "赶紧", "提前", "抓紧", "尽快", "按时", "及时", "饭后", "饭前", "睡前", "趁早", "趁热",
)  # fmt: skip
# what opens a complement of manner or degree after the particle 得, whatever came before
# it (装饰得像宫殿, 热闹得让人睡不着): never "must"
_MANNER_THEN = (
    "像", "好像", "让", "使", "叫", "令", "跟", "和", "仿佛", "似的", "一样",
    # ... or of degree, which jieba tags verbs (淑女得不行, 少女得要命)
    "不行", "要命", "要死", "不得了", "死", "慌", "厉害", "离谱", "飞起", "一批", "一塌糊涂",
    "不像话", "出奇", "没边", "够呛", "可以", "过分", "发慌", "冒泡", "掉渣", "发指",
)  # fmt: skip
# what 得 "must" opens a clause before besides a verb (，得赶紧走, 得先回家)
_MUST_THEN = (
    "先", "赶紧", "马上", "快", "再", "重新", "好好", "早点", "抓紧", "提前", "自己", "每天",
    "天天", "按时", "认真", "及时", "尽快", "多", "少", "一起", "一直", "这么", "这样", "那么",
    "那样",
)  # fmt: skip


def _particle_de(
    words: Sequence[RuledWord], settled: set[tuple[int, int]], lexicon: Lexicon
) -> None:
    """得 (de/děi/dé) and 地 (de/dì) as single words, by their neighbours: 得 opening a
    clause before a verb is "must" (太长了，得改短 děi); after a noun (jieba's plain "n",
    less the states ``supplement.JIEBA_STATE_NOUNS``) it is never the particle, which
    follows a verb or an adjective, so before a verb it is "must" (作业得写完, 笔记得记好
    děi) and before what one gets "got" (宝宝得了肺炎 dé); never before a complement of
    manner (装饰得像宫殿: de)."""
    for k, word in enumerate(words):
        if not word.is_chinese or word.simplified not in ("得", "地"):
            continue
        prev = words[k - 1] if k and words[k - 1].is_chinese else None
        nxt = words[k + 1] if k + 1 < len(words) and words[k + 1].is_chinese else None
        reading = ""
        if word.simplified == "得":
            if prev is not None and (
                prev.simplified in _DEI_BEFORE
                or (
                    (
                        prev.simplified in _WHEN
                        or prev.simplified in _WHO
                        or _THIS_ONE.fullmatch(prev.simplified) is not None
                        or (
                            lexicon.is_noun(prev.simplified)
                            and nxt is not None
                            and not nxt.simplified.startswith(_MANNER_THEN)
                        )
                    )
                    and nxt is not None
                    and (
                        nxt.simplified.startswith(("了", "到", *_MUST_THEN))
                        or nxt.simplified in _GOT
                        or nxt.simplified in _WHEN
                        or _a_verb(nxt, lexicon)
                    )
                )
                # after any word, before what only a duty takes (回家得先洗手) or a time
                # (快递得明天才到), which no complement of the particle is
                or (
                    nxt is not None
                    and (nxt.simplified.startswith(_DUTY_THEN) or nxt.simplified in _WHEN)
                )
                # after a time phrase the path cut (这个月 + 得还信用卡)
                or (
                    _TIME_PHRASE.search(_text_before(words, k)) is not None
                    and nxt is not None
                    and _a_verb(nxt, lexicon)
                )
                or _topic_must(words, k, lexicon)  # round 8: 这事得问我妈
            ):
                # 我得走 "must"; 我得了感冒 "got"
                got = nxt is not None and (
                    nxt.simplified.startswith(("了", "到")) or nxt.simplified in _GOT
                )
                reading = "de2" if got else "dei3"
            elif prev is not None:
                reading = "de5"  # 跑得快: the complement particle
            elif (
                nxt is not None
                and not nxt.simplified.startswith(("了", "到", "出"))
                and (nxt.simplified.startswith(_MUST_THEN) or _a_verb(nxt, lexicon))
            ):
                reading = "dei3"  # ，得改短: must
        elif (
            prev is not None
            and _a_plot_of_land(prev.simplified)
            and not _doubled(_text_before(words, k)[-4:])  # 一块一块地: piece by piece
        ):
            reading = "di4"  # 这块地好大, 一片地, 我家的地: the ground, a plot of land
        elif prev is not None and (
            (nxt is not None and len(prev.text) >= 2)
            or _doubled(prev.simplified)
            or _doubled(_text_before(words, k)[-4:])
        ):
            reading = "de5"  # 慢慢地走, 慢慢地，: the adverbial particle
        if reading:
            word.numbers = [reading]
            settled.add((id(word), 0))


def _a_verb(word: RuledWord, lexicon: Lexicon) -> bool:
    """A verb by jieba's tag, or paying back (还 huán, 还钱: jieba tags 还 an adverb and
    lacks the supplement's 还钱), as the rules read it before 得 is decided."""
    return lexicon.is_verb(word.simplified) or (
        word.simplified.startswith("还") and word.numbers[:1] == ["huan2"]
    )


def _text_before(words: Sequence[RuledWord], k: int) -> str:
    """The Chinese text of up to four words before word ``k`` in its run (大把大把)."""
    parts: list[str] = []
    j = k - 1
    while j >= 0 and k - j <= 4 and words[j].is_chinese:
        parts.insert(0, words[j].simplified)
        j -= 1
    return "".join(parts)


def _a_plot_of_land(word: str) -> bool:
    """Whether 地 after ``word`` is the noun dì: after a measure of land (这块, 一片, 亩),
    a demonstrative or 的 (我家的地)."""
    return word in ("的", "这", "那", "哪") or (word[-1:] in "块片亩" and len(word) <= 3)


def _doubled(word: str) -> bool:
    """慢慢, 偷偷, 高高兴兴: a doubled word, which 地 after it makes an adverb."""
    half = len(word) // 2
    return len(word) in (2, 4) and (
        word[:half] == word[half:] or (len(word) == 4 and word[0] == word[1] and word[2] == word[3])
    )


def _verb_reduplication(words: Sequence[RuledWord], lexicon: Lexicon) -> None:
    """说说, 想想, 试试: the second of a doubled one-syllable verb is neutral, unless the
    dictionary gives the pair a reading of its own (偷偷 tōutōu "secretly")."""
    chars: list[tuple[RuledWord, int]] = []
    for word in [*words, None]:
        if word is not None and word.is_chinese:
            if len(word.simplified) > 1 and lexicon.contains(word.simplified):
                chars.append((word, -1))  # a dictionary word: its reading stands
            else:
                chars.extend((word, i) for i in range(len(word.simplified)))
            continue
        for n in range(1, len(chars)):
            (first, i), (second, j) = chars[n - 1], chars[n]
            if i < 0 or j < 0:
                continue
            ch = first.simplified[i]
            if (
                second.simplified[j] == ch
                and lexicon.is_verb(ch)
                and (n < 2 or chars[n - 2][1] < 0 or _char(chars[n - 2]) != ch)
                and (n + 1 >= len(chars) or chars[n + 1][1] < 0 or _char(chars[n + 1]) != ch)
                and first.numbers[i].lower() == second.numbers[j].lower()
            ):
                second.numbers[j] = _neutral(second.numbers[j])
        chars = []


def _char(item: tuple[RuledWord, int]) -> str:
    return item[0].simplified[item[1]]


_NOT_ACTIONS = frozenset(
    [
        "没",
        "没有",
        "不",
        "别",
        "未",
        "已",
        "已经",
        "要",
        "会",
        "能",
        "想",
        "快",
        "才",
        "就",
        "也",
        "都",
        "还",
        "又",
        "再",
        "该",
    ]
)
_DIRECTIONAL = frozenset(
    [
        "过来",
        "过去",
        "起来",
        "出来",
        "回来",
        "下来",
        "上来",
        "进来",
        "出去",
        "回去",
        "下去",
        "上去",
        "进去",
        "开来",
        "起去",
    ]
)


def _directional_complements(words: Sequence[RuledWord], lexicon: Lexicon) -> None:
    """走过来, 走了过来: a directional complement after a verb takes the dictionary's
    neutral-tone reading of it, where the dictionary has one (guo4 lai5)."""
    for k, word in enumerate(words):
        if k == 0 or not word.is_chinese or word.simplified not in _DIRECTIONAL:
            continue
        prev = _complement_head(words, k)  # round 8: through 不/得, not after 报告
        if (
            prev is None
            or not prev.is_chinese
            or (prev.simplified in _NOT_ACTIONS and not _thought_of(words, k, prev))
            or not lexicon.is_verb(prev.simplified[-1:])
        ):
            continue  # 还没出来: the word is the main verb, chū lái
        for reading in lexicon.readings(word.simplified):
            syllables = reading.split()
            if len(syllables) == len(word.numbers) and syllables[-1].endswith("5"):
                word.numbers = [s.lower() for s in syllables]
                break


def _neutral(syllable: str) -> str:
    return syllable[:-1] + "5" if syllable[-1:].isdigit() else syllable


# --- round 8 (fresh 7): everyday senses by the clause around them -------------------------
# Each reads a character (or a word) from more of its clause than ``_Runs.context`` gives,
# before the rules above (which skip what these settle). Tested in
# tests/test_reading_classes_round8.py with their contrasts.

# what dries, besides _WETTABLE (面膜敷太久会干, 被子一直不干: gān)
_DRIES = (*_WETTABLE, "面膜", "脸", "嘴", "唇", "手", "鼻子", "土", "泥", "颜料", "墨水")
# adverbs and auxiliaries between what dries and 干 (一直不, 反而会, 很快就)
_STATE_CHAIN = re.compile(
    "(?:一直|总是|老是|反而|很快|容易|永远|根本|已经|终于|还没有|还没|没有|怎么|就|也|还|都|会|不|没|总|又|才|快)+$"
)
_DRIES_BEFORE = re.compile("(?:" + "|".join(_DRIES) + ")[^我你他她它您人]{0,8}$")  # no person
_DRY_AFTER = re.compile("(?:了|啦|掉|透|得|到|的)?(?:了|啦|吧|呀|啊)?$")
# 数 shǔ "to count" after a negation or an imperative adverb (没数, 别数了, 先数一下), not
# in having an idea (心里没数: shù)
_COUNT_BEFORE = ("没", "没有", "别", "先", "再", "重新", "不用", "不要", "帮我", "我来")
# what makes 数 after a noun the verb (零钱数一遍, 数清楚), not "the number of" (步数两万多)
_COUNTED_AFTER = re.compile(
    "(?:一下|一遍|遍|了一|清|完|不清|不过来|好|一数|着|过来|错|对|到|[一两二三四五六七八九十几]+[遍次下回])"
)
# adverbs before 数 the verb (我们一起数: shǔ)
_HOW_COUNTED = (
    "一起", "重新", "仔细", "认真", "慢慢", "赶紧", "自己", "挨个", "再次", "偷偷", "默默",
)  # fmt: skip
# what is said of a number (评论数好多, 点赞数破万)
_AMOUNT_AFTER = (
    "好多", "很多", "不少", "破", "涨", "过万", "上万", "太少", "很少", "才", "只有", "超过",
)  # fmt: skip
# what is owed before 还上 (欠朋友的两千块终于还上了, 钱还上了: huán); 还上了热搜 hái
_OWED_BEFORE = re.compile("欠|借|钱|块|元|债|贷|花呗|信用卡|账|白条|分期")
_OWED_AFTER = re.compile(
    "上了?(?:这笔|那笔|欠|借|房贷|车贷|花呗|信用卡|贷款|钱|债|[一两二三四五六七八九十百千万几]+(?:块|元|万))"
)
# what 为 "for" is not followed by: 以X为Y, 一分为二, 为止, 为主 (wéi)
_NOT_FOR = frozenset("了止主人例期难首准由何之此其")
_AS_BEFORE = re.compile("[以把被将视称评选成化认]")
_FOR_THEN = ("努力", "奋斗", "加油", "买单", "干杯", "着想", "操心", "拼", "付出", "花钱", "而")
# 当 dàng "to use as": 当 + a noun + a verb of use closing the clause (当饭吃, 当睡衣穿)
_USED_AS = re.compile(
    "[^我你他她它您们时天年初中场面前]{1,4}?"
    "(?:看待|使唤|对待|穿|吃|用|喝|看|玩|送|养|使|戴|背|住)(?:了|的|吧|啊|呢|吗|也|都)?$"
)
# 调 tiáo before a degree and what a setting is (调太大, 调小一点, 调亮点)
_SET_TO = re.compile(
    "(?:太|很|得太|得很|更|再|稍微|稍|一点|点)?"
    "(?:大|小|高|低|亮|暗|快|慢|强|弱|响|轻|浅|深|淡|浓|冷|热|暖|静音)"
)
# what has a key (这首歌的调太高, 歌调太高: diào, the noun)
_KEY_OF = ("的", "歌", "曲", "嗓", "腔", "声", "音", "这个", "那个", "主")
# what 只 zhī counts after a verb or 了 (养了只猫, 睁只眼闭只眼)
_COUNTED_BY_ZHI = frozenset(
    [
        "猫", "狗", "鸡", "鸭", "鹅", "鸟", "兔", "兔子", "羊", "猪", "老鼠", "鼠", "虫", "虫子",
        "猴子", "熊", "老虎", "狼", "乌龟", "青蛙", "虾", "螃蟹", "蚊子", "苍蝇", "蟑螂",
        "蝴蝶", "鹦鹉", "仓鼠", "小猫", "小狗", "小鸟", "小鸡", "小兔", "小兔子", "猫咪",
        "狗狗", "猫猫", "橘猫", "布偶猫", "柯基", "金毛", "柴犬", "哈士奇", "泰迪", "鞋",
        "袜子", "手套", "耳环", "眼睛", "耳朵", "眼", "脚", "箱子",
    ]
)  # fmt: skip
# 乐 lè "to be amused" after an auxiliary or adverb, or before how long (能乐一整天)
_AMUSED_BEFORE = ("能", "会", "可", "直", "偷着", "偷偷", "一直", "还", "都", "就", "又", "在那")
_AMUSED_FOR = re.compile(
    "(?:了|得)?(?:一整天|一天|半天|一下午|一晚上|好久|好几天|一下|什么|呵呵|着|出声|个不停)"
)
# 倒 dào "to pour, to dump": what is poured, or 把 + it before 倒
_POURED = (
    "垃圾", "水", "茶", "酒", "咖啡", "牛奶", "饮料", "汤", "油", "奶", "醋", "果汁", "可乐",
    "啤酒", "热水", "开水", "凉水", "剩菜", "剩饭", "洗澡水", "沙子", "米",
)  # fmt: skip
_POUR_AFTER = re.compile(
    "(?:了|点|一点|给我|给你)?(?:一|半|两|几)?(?:杯|碗|壶|瓶|盆|桶|勺)"
    "|(?:" + "|".join(_POURED) + ")"
)
_POURED_ANY = re.compile("|".join(_POURED))
_POURED_BEFORE = re.compile("[把将](?:" + "|".join(_POURED) + ")[^把将]{0,3}$")
# 卷 juǎn, the slang "to compete to exhaustion" (卷得厉害, 别卷了) and "to roll"; juàn
# is a volume (第三卷) or in words (试卷, 卷子)
_INVOLUTED_AFTER = (
    "得", "了", "不", "死", "起来", "疯", "麻", "到", "赢", "过", "成", "哭", "王", "吗",
    "啊", "呀", "吧", "啦",
)  # fmt: skip
_INVOLUTED_BEFORE = (
    "别", "又", "在", "太", "很", "好", "越来越", "互相", "疯狂", "开始", "不想", "继续",
    "天天", "一直", "都", "真", "也",
)  # fmt: skip
_ROLLS = ("纸", "卫生纸", "胶带", "保鲜膜", "布", "毛线", "铁丝", "绳", "地毯", "凉席", "海报")
_NEGATED_BEFORE_GUO = (
    "没", "没有", "从没", "从来没", "从来没有", "从未", "未", "还没", "还没有", "都没", "也没",
    "曾", "曾经",
)  # fmt: skip


def _round8(
    words: Sequence[W],
    open_: list[tuple[W, int, tuple[str, ...]]],
    runs: _Runs,
    settled: set[tuple[int, int]],
    lexicon: Lexicon,
) -> None:
    """Settle the open characters these classes decide, with their clause around them."""
    for word, i, _options in open_:
        k = runs.index_of[id(word)]
        before, after = _clause(runs, k, i)
        key = word.simplified
        alone = len(key) == 1 or not lexicon.contains(key)
        nxt = runs.next_word(k) if i == len(key) - 1 else key[i + 1 :]
        reading = _round8_reading(
            key[i], before, after, runs.closed(k), alone, key[:i], nxt, words, k, lexicon
        )
        if reading:
            word.numbers[i] = reading.capitalize() if word.numbers[i][:1].isupper() else reading
            settled.add((id(word), i))
    for k, word in enumerate(words):
        if word.is_chinese and word.simplified == "空地":
            before, after = _clause(runs, k, 1)
            if not (before.endswith(("对空地", "地对空地")) or after.startswith(_AIR_GROUND)):
                word.numbers = ["kong4", "di4"]  # 楼下的空地: vacant ground (空地导弹 kōngdì)
                settled.update({(id(word), 0), (id(word), 1)})


_AIR_GROUND = ("导弹", "协同", "通信", "一体", "作战", "联合", "对抗", "火力")


def _clause(runs: _Runs, k: int, i: int, span: int = 14) -> tuple[str, str]:
    """Up to ``span`` characters of the run before and after character ``i`` of word ``k``."""
    words = runs.words
    word = words[k]
    before, after = word.simplified[:i], word.simplified[i + 1 :]
    j = k - 1
    while runs._chinese(j) and len(before) < span:
        before = words[j].simplified + before
        j -= 1
    j = k + 1
    while runs._chinese(j) and len(after) < span:
        after += words[j].simplified
        j += 1
    return before[-span:], after[:span]


def _round8_reading(
    ch: str,
    before: str,
    after: str,
    closed: bool,
    alone: bool,
    own_before: str,
    nxt: str,
    words: Sequence[RuledWord],
    k: int,
    lexicon: Lexicon,
) -> str:
    """The reading one of this round's classes gives ``ch`` in its clause, or ''."""
    if not alone:
        return ""
    doubled = (after.startswith(ch) and after[1:2] in ("的", "地")) or (
        before.endswith(ch) and after[:1] in ("的", "地")
    )
    if ch in ADJECTIVE_READINGS and ch != "累" and doubled:
        return ADJECTIVE_READINGS[ch]  # 薄薄地, 干干的: the doubled adjective
    if ch == "干" and closed and _DRY_AFTER.fullmatch(after):
        found = _STATE_CHAIN.search(before)
        head = before[: found.start()] if found else ""
        if found and _DRIES_BEFORE.search(head):
            return "gan1"  # 被子一直不干, 面膜敷太久反而会干: dry
    if ch == "数":
        idea = re.search("心[里中]?(?:没有|没)$", before)  # 心里没数: shù, an idea
        if before.endswith((*_COUNT_BEFORE, *_HOW_COUNTED)) and not idea:
            return "shu3"  # 我没数, 别数了: to count
        prev = words[k - 1] if k and not own_before else None
        noun = (own_before and own_before[-1] not in "要过一再先没别上") or (
            prev is not None
            and prev.is_chinese
            and len(prev.simplified) >= 2
            and prev.simplified not in (*_PRONOUNS, *_HOW_COUNTED)
            and "数" not in prev.simplified  # 数钱数到手软: the verb again
            and not lexicon.is_verb(prev.simplified)
            and not re.search("[把将帮给让]", before)
        )
        if noun and not _COUNTED_AFTER.match(after):
            return "shu4"  # 步数, 粉丝数涨了: the number of
        if (
            prev is not None
            and len(prev.simplified) >= 2
            and prev.simplified not in (*_PRONOUNS, *_HOW_COUNTED)
            and after.startswith(_AMOUNT_AFTER)
        ):
            return "shu4"  # 评论数好多, 播放数破万: the number of (after a verb-noun too)
    paid_up = after in ("上", "上了") and closed and _OWED_BEFORE.search(before) is not None
    if ch == "还" and (paid_up or _OWED_AFTER.match(after)):
        return "huan2"  # 两千块终于还上了, 还上这笔钱: paid back (还上了热搜: hái)
    if ch == "为" and _for_the_sake(before, nxt, words, k, lexicon):
        return "wei4"  # 为爱发电, 为梦想努力: for
    if ch == "当" and closed and nxt not in _PRONOUNS and _USED_AS.match(after):
        return "dang4"  # 当睡衣穿, 当饭吃: to use as
    if ch == "调" and _SET_TO.match(after) and not before.endswith(_KEY_OF):
        return "tiao2"  # 音量别调太大, 调亮点: to adjust
    if ch == "只" and nxt in _COUNTED_BY_ZHI:
        return "zhi1"  # 养了只猫: a measure word (猫只吃鱼: zhǐ)
    if ch == "乐" and (before.endswith(_AMUSED_BEFORE) or _AMUSED_FOR.match(after)):
        return "le4"  # 能乐一整天, 乐什么: amused
    if ch == "倒" and (
        _POURED_BEFORE.search(before) or before.endswith(_POURED) or _POUR_AFTER.match(after)
    ):
        return "dao4"  # 把垃圾倒在门口, 倒杯水: to pour, to dump (倒在地上: dǎo)
    if ch == "倒" and after.startswith("在") and not _POURED_ANY.search(before):
        return "dao3"  # 他倒在地上: to fall (水倒在杯子里: dào)
    if ch == "卷" and before[-1:] in _COUNTERS and after.startswith(_ROLLS):
        return "juan3"  # 这卷纸, 一卷胶带: a roll (三卷本, 第三卷: juàn, volumes)
    if (
        ch == "卷"
        and not re.search("(?:第.{1,3}|[试答考书画上下全])$", before)
        and (after.startswith(_INVOLUTED_AFTER) or before.endswith(_INVOLUTED_BEFORE))
    ):
        return "juan3"  # 这行卷得厉害, 别卷了: (slang) to compete; to roll
    if (
        ch == "过"
        and k >= 2
        and len(words[k - 1].simplified) == 1
        and words[k - 1].simplified not in "人钱车事法空"  # 这条河没人过: guò
        and words[k - 2].simplified in _NEGATED_BEFORE_GUO
        and not after.startswith(("来", "去"))
    ):
        return "guo5"  # 没踩过坑: never done (没 + a verb + the aspect particle)
    return ""


def _for_the_sake(
    before: str, nxt: str, words: Sequence[RuledWord], k: int, lexicon: Lexicon
) -> bool:
    """Whether 为 (word ``k``) is wèi "for": a short noun then a verb after it (为爱发电),
    not 以X为Y, a naming verb before it, a numeral or 为止/为主 after it."""
    if not nxt or nxt in _NOT_FOR or nxt[0] in _NUMERAL_START or len(nxt) > 3:
        return False
    if _AS_BEFORE.search(before[-6:]) or before[-1:] in _NAMING:
        return False
    then = words[k + 2].simplified if k + 2 < len(words) and words[k + 2].is_chinese else ""
    return bool(then) and (lexicon.is_verb(then) or then.startswith(_FOR_THEN))


# 得 děi "must" after a topic: 这/那 (+ a measure) + a noun before a verb (这事得问我妈)
_TOPIC_START = ("这", "那")


def _topic_must(words: Sequence[RuledWord], k: int, lexicon: Lexicon) -> bool:
    """Whether 得 (word ``k``) follows a topic led by 这/那 and comes before a verb."""
    prev = words[k - 1] if k and words[k - 1].is_chinese else None
    nxt = words[k + 1] if k + 1 < len(words) and words[k + 1].is_chinese else None
    if prev is None or nxt is None or lexicon.is_verb(prev.simplified):
        return False
    two = words[k - 2] if k >= 2 and words[k - 2].is_chinese else None
    topic = prev.simplified.startswith(_TOPIC_START) or (
        two is not None and two.simplified.startswith(_TOPIC_START) and len(two.simplified) <= 2
    )
    return topic and (lexicon.is_verb(nxt.simplified) or nxt.simplified.startswith(_MUST_THEN))


# things that come out (报告出来了, 成绩出来了): 出来 is then the main verb, chū lái
_RELEASED = (
    "报告", "成绩", "结果", "通知", "名单", "分数", "榜单", "排名", "数据", "答案", "录取",
    "报告单", "化验单", "片子", "新闻", "公告", "签证", "offer", "太阳", "月亮",
)  # fmt: skip


def _complement_head(words: Sequence[RuledWord], k: int) -> RuledWord | None:
    """The word a directional complement at ``k`` follows, through 了 or a potential
    不/得 (写不出来, 走了过来); None where the complement is the main verb after a thing
    that comes out (报告出来了)."""
    prev = words[k - 1]
    if prev.is_chinese and prev.simplified in ("了", "不", "得") and k >= 2:
        prev = words[k - 2]
    if prev.is_chinese and prev.simplified.endswith(_RELEASED):
        return None
    return prev


def _thought_of(words: Sequence[RuledWord], k: int, prev: RuledWord) -> bool:
    """想不出来, 要不回来: 想/要 the verb of a potential complement, not an auxiliary."""
    return prev.simplified in ("想", "要") and words[k - 1].simplified in ("不", "得")


class _Runs:
    """Consecutive Chinese words (no punctuation or other text between them)."""

    def __init__(self, words: Sequence[RuledWord]) -> None:
        self.words = words
        self.index_of: dict[int, int] = {}
        self.run_of: list[int] = []
        run = 0
        for k, word in enumerate(words):
            self.index_of[id(word)] = k
            if not word.is_chinese:
                run += 1
            self.run_of.append(run)

    def _chinese(self, k: int) -> bool:
        return 0 <= k < len(self.words) and self.words[k].is_chinese

    def context(self, k: int, i: int) -> tuple[str, str]:
        """The text of the run before and after character ``i`` of word ``k``."""
        word = self.words[k]
        before = [word.simplified[:i]]
        j = k - 1
        while self._chinese(j) and sum(map(len, before)) < 6:
            before.insert(0, self.words[j].simplified)
            j -= 1
        after = [word.simplified[i + 1 :]]
        j = k + 1
        while self._chinese(j) and sum(map(len, after)) < 6:
            after.append(self.words[j].simplified)
            j += 1
        return "".join(before), "".join(after)

    def next_word(self, k: int) -> str:
        """The simplified text of the word after word ``k`` in its run ('' at its end)."""
        return self.words[k + 1].simplified if self._chinese(k + 1) else ""

    def closed(self, k: int) -> bool:
        """Whether the run of word ``k`` is followed by punctuation, a line end or nothing."""
        j = k + 1
        while self._chinese(j):
            j += 1
        if j >= len(self.words):
            return True
        following = self.words[j].text.lstrip(" ")
        return not following or unicodedata.category(following[0])[0] in "PZC"
