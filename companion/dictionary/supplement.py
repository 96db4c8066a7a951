"""A few words CC-CEDICT lacks that decide a polyphone's reading, plus the app's own name.

Segmentation joins them into one word so that 还钱 reads huán qián rather than hái qián,
and so that words people write as one (a drama's 男主, 女二) are not cut into other words.
Phrasebook terms are added at run time with ``Dictionary.add_extra_words``.
"""

from __future__ import annotations

# (simplified, traditional, tone-number pinyin, English)
SUPPLEMENT: list[tuple[str, str, str, str]] = [
    ("还钱", "還錢", "huan2 qian2", "to pay back money"),
    ("还书", "還書", "huan2 shu1", "to return a book"),
    ("还给", "還給", "huan2 gei3", "to give back; to return to"),
    ("还没有", "還沒有", "hai2 mei2 you3", "not yet; still haven't"),
    ("还不", "還不", "hai2 bu4", "still not; isn't it ... yet"),
    ("还要", "還要", "hai2 yao4", "still want; also need to"),
    ("还会", "還會", "hai2 hui4", "will still; will also"),
    ("还能", "還能", "hai2 neng2", "can still; can also"),
    ("还挺", "還挺", "hai2 ting3", "quite; rather (pleasantly)"),
    ("还行", "還行", "hai2 xing2", "not bad; OK"),
    ("长得", "長得", "zhang3 de5", "to look (a certain way); in appearance"),
    ("觉得", "覺得", "jue2 de5", "to think; to feel"),
    ("小红书", "小紅書", "Xiao3 hong2 shu1", "Xiaohongshu (RedNote), a Chinese social app"),
    ("种草", "種草", "zhong4 cao3", "(slang) to make sb want to buy sth by recommending it"),
    ("拔草", "拔草", "ba2 cao3", "(slang) to lose the urge to buy sth; to finally buy sth"),
    ("不了", "不了", "bu4 liao3", "unable to; without end"),
    ("率性", "率性", "shuai4 xing4", "following one's nature; frank and unaffected"),
    ("数钱", "數錢", "shu3 qian2", "to count money"),
    ("得了", "得了", "de2 le5", "all right!; that's enough!"),
    # cooking: 和 huó, to knead or mix with water (现代汉语词典: 和面, 和泥)
    ("和面", "和麵", "huo2 mian4", "to knead dough; to mix flour with water"),
    ("和泥", "和泥", "huo2 ni2", "to mix mud (with water)"),
    # slang senses read otherwise than CC-CEDICT's entry (显白 there: a variant of 显摆
    # xiǎnbai, "to show off"); our own readings stand over CEDICT's neutral tones
    ("显白", "顯白", "xian3 bai2", "(of a colour, clothes) to make one's skin look fairer"),
    ("得劲", "得勁", "de2 jin4", "(colloquial) feeling good; comfortable; handy"),
    ("作精", "作精", "zuo1 jing1", "(slang) sb who makes a fuss for attention; a drama queen"),
    # round 8 (fresh 7): 重 chóng "duplicate" in checking for it; 上相 "photogenic", which
    # jieba lacks (its parts 上 + 相 won: xiāng)
    ("查重", "查重", "cha2 chong2", "to check for plagiarism or duplicates"),
    ("去重", "去重", "qu4 chong2", "to remove duplicates"),
    ("上相", "上相", "shang4 xiang4", "photogenic"),
    # a drama's cast as fans write it: one word each (男配比男主帅: 男配 + 比 + 男主, not
    # 男 + 配比 + 男 + 主帅), 男/女 + the role or its rank
    ("男主", "男主", "nan2 zhu3", "male lead (of a drama, a novel)"),
    ("女主", "女主", "nu:3 zhu3", "female lead (of a drama, a novel)"),
    ("男配", "男配", "nan2 pei4", "male supporting role"),
    ("女配", "女配", "nu:3 pei4", "female supporting role"),
    ("男一", "男一", "nan2 yi1", "male lead; first male role"),
    ("女一", "女一", "nu:3 yi1", "female lead; first female role"),
    ("男二", "男二", "nan2 er4", "second male lead"),
    ("女二", "女二", "nu:3 er4", "second female lead"),
    ("男三", "男三", "nan2 san1", "third male lead"),
    ("女三", "女三", "nu:3 san1", "third female lead"),
    ("男女主", "男女主", "nan2 nu:3 zhu3", "the male and female leads"),
    ("男女配", "男女配", "nan2 nu:3 pei4", "the male and female supporting roles"),
    ("男一号", "男一號", "nan2 yi1 hao4", "male lead; the first male role"),
    ("女一号", "女一號", "nu:3 yi1 hao4", "female lead; the first female role"),
    ("男二号", "男二號", "nan2 er4 hao4", "second male lead"),
    ("女二号", "女二號", "nu:3 er4 hao4", "second female lead"),
    # CEDICT words jieba lacks, so two common characters outweigh them, whose polyphone
    # the word decides (年 + 假 left 假 to the rules)
    ("年假", "年假", "nian2 jia4", "annual leave"),
    ("天哪", "天哪", "tian1 na5", "Good heavens!; Oh my God!"),
    ("摩的", "摩的", "mo2 di1", "motorcycle taxi"),
    ("心塞", "心塞", "xin1 sai1", "(slang) to feel heartsick; frustrated; gutted"),
    (
        "朝九晚五",
        "朝九晚五",
        "zhao1 jiu3 wan3 wu3",
        "to work from nine to five; a regular office job",
    ),
]


# Words CC-CEDICT gives one reading that are as often read another way: the context (the
# rules of companion.reading_rules, then the model) chooses between the two
SECOND_READINGS: dict[str, str] = {
    "穿着": "chuan1 zhe5",  # CEDICT: the noun chuānzhuó "attire"; as often 穿 + 着 "wearing"
    "一行": "yi1 hang2",  # CEDICT: yìxíng "a party travelling together"; also "one line"
}


# CC-CEDICT readings that the standard dictionaries (现代汉语词典) give otherwise, replaced
# when the cache is built: (simplified, CEDICT's reading) -> the standard reading
CEDICT_CORRECTIONS: dict[tuple[str, str], str] = {
    ("产仔", "chan3 zi3"): "chan3 zai3",  # 仔 zǎi, a young animal (猪仔, 产仔)
    ("脯氨酸", "pu2 an1 suan1"): "fu3 an1 suan1",  # proline: 脯 fǔ
    ("楞严", "leng4 yan2"): "leng2 yan2",  # the Śūraṅgama (楞严经 Léngyán jīng)
    ("拖拽", "tuo1 ye4"): "tuo1 zhuai4",  # 拽 yè is the archaic 曳; to drag is tuōzhuài
    ("真是", "zhen1 shi5"): "zhen1 shi4",  # 现代汉语词典: 真是 zhēnshì, no neutral tone
    ("作死", "zuo4 si3"): "zuo1 si3",  # 现代汉语词典: 作死 zuōsǐ, to court death
    ("卡住", "ka3 zhu4"): "qia3 zhu4",  # 现代汉语词典: 卡 qiǎ, stuck (鱼刺卡住了, 卡住了)
}


# Words CC-CEDICT lists with a rare sense's reading first: the everyday one is moved first
# (the likeliest reading a word starts from; the context may still choose the other)
EVERYDAY_FIRST: dict[str, str] = {
    "告诉": "gao4 su5",  # to tell (gàosu); gàosù is the legal "to press charges"
    "本事": "ben3 shi5",  # ability (běnshi); běnshì is a story's source material
    "重名": "chong2 ming2",  # sharing a name (chóngmíng); zhòngmíng "great fame" is literary
    "矫情": "jiao2 qing5",  # fussy, whiny (jiáoqing, everyday); jiǎoqíng "affected" is literary
}


# Everyday verbs jieba's dictionary tags otherwise (长大 "ns", 回家, 毕业, 记, 问, 排队 "n",
# 长胖 "a"): flagged as verbs in the index, so an auxiliary before one earns the segmenter's bonus
# (孩子都会长大的: 会 + 长大, not 会长 "club president" + 大) and the rules know them
JIEBA_UNTAGGED_VERBS: frozenset[str] = frozenset(
    [
        "长大", "回家", "毕业", "长胖", "发胖", "生气", "买单", "化妆", "发货", "下单", "评论",
        "种草", "上车", "回国", "住院", "出院", "记", "问", "省", "排队",
        "乐", "踩", "穿",  # round 8: jieba's a, zg, zg (能乐: 能 + 乐; 踩过 guo)
    ]
)  # fmt: skip


# Words jieba tags as plain nouns that are as often states, adjectives or verbs before the
# particle 得 (热情得让人受不了, 感觉得到, 气得发抖): not nouns for the rule that reads 得
# děi after a noun (作业得写完), so 得 after them stays the particle
JIEBA_STATE_NOUNS: frozenset[str] = frozenset(
    [
        "热", "气", "病", "酸", "辣", "火", "神", "精", "感觉", "热情", "精彩", "老实", "精神",
        "规矩", "客观", "伤心", "小心", "关心", "动手", "用力", "合格", "有力", "合法", "大方",
        "幸运", "痛快", "风光", "体面", "时髦", "光彩", "义气", "运气", "福气", "本事", "能耐",
        "礼貌", "出息", "秀气", "洋气", "土气", "骨气", "神气", "服气", "争气", "小气", "大气",
    ]
)  # fmt: skip


# Everyday nouns jieba tags otherwise (东西 "ns", east and west): nouns for the rule that
# reads 得 děi after a noun (这东西得趁早买)
JIEBA_UNTAGGED_NOUNS: frozenset[str] = frozenset(["东西"])
