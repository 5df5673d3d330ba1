"""A small customer-experience opinion lexicon with negation parity (pure).

Why a lexicon next to learned n-grams: the review corpora teach that naming a service (客服, 退货)
is a complaint, because reviewers mostly mention them when something went wrong. Opinion words
(专业, 及时, 耐心, 敷衍, 推诿) mean the same in every setting, so a feature that says "a positive
opinion word, not negated" carries over to hotlines, branches and delivery, where every comment
names the service. The model learns how much each class of hit weighs; the lexicon only finds them.

Each hit gets the parity of the negators before it in its clause: 不是不好 is a negative word under
one negator (reads as mildly positive), 没有不满意 likewise, 并非没问题 a negated positive. Words
that contain a negator (不错, 没问题, 不耐烦) are entries of their own, matched longest first, so
their 不 is not counted again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, Literal, NamedTuple

Polarity = Literal["pos", "neg", "neu"]


def _words(block: str) -> list[str]:
    return block.split()


POSITIVE = _words(
    """
好 很好 挺好 蛮好 真好 太好了 特别好 非常好 超好 好好 极好 不错 挺不错 还不错 很不错 真不错 满意
很满意 非常满意 十分满意 超满意 棒 很棒 太棒 超棒 赞 点赞 好评 五星 满分 优秀 完美 出色 一流 专业
很专业 热情 耐心 细心 细致 周到 贴心 暖心 用心 走心 负责 认真 尽职 尽责 礼貌 有礼貌 友好 友善 亲切
和蔼 温柔 客气 体贴 温馨 温暖 及时 迅速 快捷 高效 效率高 神速 麻利 利索 爽快 干脆 痛快 便捷 方便
顺利 顺畅 流畅 省心 省事 放心 安心 靠谱 踏实 干净 整洁 卫生 清爽 舒适 舒服 安静 宽敞 明亮 敞亮
漂亮 好看 精致 大气 好吃 美味 可口 新鲜 地道 正宗 入味 实惠 划算 便宜 物美价廉 性价比高 超值 值得
值 喜欢 爱了 推荐 强烈推荐 惊喜 感谢 谢谢 多谢 感恩 感动 开心 高兴 愉快 清楚 清晰 明白 透彻 到位
准时 守时 准确 精准 一次办成 一次就办好 一打就通 秒回 秒接 不用等 解决了 帮我解决 处理好了 给力
厉害 完善 齐全 丰富 合理 透明 安全 稳定 好用 易用 简单 人性化 辛苦了 辛苦 没问题 没毛病 无可挑剔
挑不出毛病 超出预期 下次还来 还会再来 会再来 再来 回购 必须好评 nice good great perfect excellent
ok 好正 几好 唔错 冇问题 好味 抵 好抵 正 靠得住 二话没说 不问原因 完好 完好无损 五颗星 四颗星 顺手
主动 积极 耐心解答 解答清楚 讲解清楚 很快 挺快 真快 好快 快 准 稳 可以 零故障 零失误 零差评 零投诉
爱不释手 没得说 没话说
"""
)

NEGATIVE = _words(
    """
差 很差 太差 好差 超差 极差 差劲 差评 一星 垃圾 辣鸡 烂 稀烂 渣 糟糕 糟 失望 很失望 太失望 不满
不满意 生气 气人 气死 愤怒 恼火 恶心 坑 坑人 坑钱 骗 骗人 欺骗 忽悠 套路 敷衍 推诿 推脱 踢皮球
扯皮 甩锅 冷淡 冷漠 冷冰冰 恶劣 凶 不耐烦 爱答不理 爱理不理 不理人 没人理 没人管 没人接 没人回
打不通 接不通 占线 慢 太慢 很慢 好慢 慢吞吞 磨蹭 拖 拖延 拖拉 一拖再拖 太久 很久 好久 好耐 半天
排长队 贵 太贵 很贵 好贵 偏贵 乱收费 乱扣 扣费 不值 脏 很脏 脏乱 乱 臭 吵 嘈杂 挤 拥挤 闷 破 旧
破旧 坏 坏了 损坏 破损 漏 变质 过期 发霉 难吃 难喝 难用 难找 难停 难受 麻烦 繁琐 复杂 折腾
跑了几趟 来回跑 卡 卡顿 闪退 崩溃 死机 登不上 进不去 打不开 故障 出错 报错 送错 发错 弄错 搞错
漏发 丢件 延误 超时 迟到 晚点 不专业 外行 一问三不知 不懂 投诉 后悔 无语 呵呵 醉了 服了 受不了
忍无可忍 郁闷 糟心 闹心 头疼 心累 无奈 不行 不好 唔好 不方便 不干净 不合理 不靠谱 不负责 不作为
不及时 不准时 不新鲜 不好吃 不好用 不清楚 不到位 不细心 不礼貌 再也不 别来 避雷 踩雷 劝退 黑店
宰客 强制 强行 捆绑 霸王条款 隐形消费 态度差 服务差 质量差 效率低 低效 不回复 没回复 没回音
石沉大海 没下文 没消息 没解决 没有解决 解决不了 不处理 不给退 拒绝 刁难 为难 傲慢 嫌弃 歧视 粗鲁
骂人 吼 翻白眼 黑脸 黑面 摆脸色 甩脸子 催了 等不到 等半天 等了很久 等很久 漫长 马虎 粗心 草率
差强人意 不尽如人意 有待提高 有待改进 需要改进 还需加强 一言难尽 心塞 离谱 过分 太过分 坑爹 bad
terrible 两颗星 一颗星 不会再来 不会再买 再也不来 再也不买 不会再用 不想再来 冇人理 嬲 衰 废 bug
毛病 问题 不通知 不接 不懂装懂 乱说 乱来 霸道 偷吃 冒领 丢了 碎了 洒了 还好意思 等了半天 等了好久
等了很久 抵制 讨厌 无良 黑心 奸商 缺德 傻逼 狗屁 唔抵 无聊 已读不回 不回消息 美中不足
"""
)

NEUTRAL = _words(
    """
一般 一般般 一般吧 还行 还行吧 凑合 凑活 还凑合 中规中矩 马马虎虎 有好有坏 普通 普普通通 过得去
说得过去 不好不坏 无功无过 平平 平平无奇 没什么特别 没啥特别 没有特别 不咸不淡 正常 还好吧 一般化
也就那样 就那样 还可以吧 有待观察 不过不失 一半一半 时好时坏 有时候快有时候慢 看运气 麻麻地 普通啦
三颗星
"""
)

# Entries that contain an opinion word but are not opinions (快递 is not 快, 银行卡 is not 卡,
# 差不多 is not 差, 充值 is not 值, 最好能 is a suggestion). Matched and ignored. The second half
# came from the words of the review corpora and the CX set (jieba) in which a one-character entry
# matched: 抵制 was read as the Cantonese 抵 (good value), 房卡 as 卡 (lagging), 您好 as praise.
IGNORE = _words(
    """
快递 快件 快餐 快点 尽快 赶快 快要 加快 银行卡 会员卡 信用卡 储蓄卡 卡号 卡片 刷卡 办卡 充值 值班
值机 数值 出差 差不多 差价 差额 时差 好像 好几 只好 好多 好些 好在 刚好 正好 恰好 最好 好处 问好
贵宾 贵行 拖鞋 拖把 破产 破例 打破 坏账 旧账 卡住 卡券 卡包 正在 正常 正式 正好 反正 更正 改正
纠正 正品 准备 准许 批准 标准 可以吗 可以不 是否可以 能不能 可不可以 问题是 有没有 没问题吗 好意思
不好意思 房卡 门卡 饭卡 公交卡 手机卡 电话卡 sim卡 网卡 显卡 声卡 内存卡 存储卡 读卡器 插卡 保修卡
真正 正是 正如 正面 正对 正赶上 正门 依旧 仍旧 好友 好奇 您好 你好 差距 差别 差异 相差 慢慢
抵达 抵扣 抵押 抵消 抵用 抵抗 说好 宝贵 期望值 心脏
"""
)

# Negators counted for a hit's parity (longest first). 别 and 非 are left out: 别提了, 非常.
NEGATORS = _words(
    """
并没有 从来没有 从来不 从来没 并不 并非 不是 不会 不太 不够 不怎么 不算 从不 从没 毫无 绝不 决不
没有 谈不上 算不上 称不上 未曾 不 没 无 未 冇 唔
"""
)

_SENTENCE_BREAK = r"[,.!?;:，。！？；：、~…\n]+"
_NEG_WINDOW = 6  # characters before a hit in which a negator counts
_NEGATOR = "negator"


def longest_first(words: Iterable[str]) -> str:
    """A regex matching any of the words, the longest one where several start at a position.

    Written as a character trie (好(?:吃|评)?…), not as 600 alternatives: Python's re tries the
    alternatives of a flat alternation one by one at every position, a trie one character at a
    time, which is what makes lexicon look-ups ~5x faster. Greedy optional tails give the longest
    match, as a longest-first alternation would.

    re still tries the root's branches one by one, and the aspect terms start with 400 different
    characters: a root of more than _GROUP branches is split into groups of _GROUP, each behind a
    look-ahead for its first characters (twice as fast). At most one branch can match a given
    first character, so the groups change no match.
    """
    trie: dict[str, Any] = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # end of a word

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    if "" in trie or len(trie) <= _GROUP:
        return pattern(trie)
    first = sorted(trie)
    groups = [first[i : i + _GROUP] for i in range(0, len(first), _GROUP)]
    guarded = [f"(?=[{_chars(g)}]){pattern({ch: trie[ch] for ch in g})}" for g in groups]
    return f"(?=[{_chars(first)}])(?:{'|'.join(guarded)})"


_GROUP = 64


def _chars(chars: Iterable[str]) -> str:
    """The characters, escaped for a character set."""
    return "".join(re.escape(ch) for ch in chars)


# Words that hold a negator's character but negate nothing after them: 特别好 is not 不好, 不过
# opens a contrast, 不仅贵还难吃 complains twice, 没想到这么好吃 praises, 不久就坏了 complains. As
# negators they turned the opinion after them around (不过包装有点烂 read as praise). Matched and
# ignored here (a hit's parity) and by the n-gram negation scopes (FeatureConfig.negation_words).
NOT_NEGATING = _words(
    """
不过 不仅 不但 不光 不只 不止 不管 不论 无论 不久 不多久 没多久 没过多久 不一会 不一会儿 没一会
没一会儿 不禁 不料 不由得 不愧 不得不 不免 不时 不断 不停 不少 没想到 想不到 意想不到 特别 个别
分别 区别 差别 级别 类别 识别 辨别 告别 别的 别人 别家 别处 别样 别致 别墅 无比 无敌 无限 无线
无时无刻 未来 唔该 不同 好不容易 忍不住 迫不及待 不可思议 无数 无疑 时不时 不由 不用说 对不起 不得了
"""
)

_ENTRIES: dict[str, Polarity | None] = {
    **dict.fromkeys(NOT_NEGATING, None),
    **dict.fromkeys(IGNORE, None),
    **dict.fromkeys(POSITIVE, "pos"),
    **dict.fromkeys(NEGATIVE, "neg"),
    **dict.fromkeys(NEUTRAL, "neu"),
}
_KINDS: dict[str, Polarity | str | None] = {**dict.fromkeys(NEGATORS, _NEGATOR), **_ENTRIES}
# One pass: a sentence break, or the longest lexicon word or negator at this position (ordered
# alternation, longest first, so 不错 is a word and not the negator 不 before 错).
# The look-ahead for a first character halves the time of a look-up: re skips the search to
# positions that begin a pattern only when the pattern opens with a plain character or set,
# which the break group hides from it, so without it every position tries every trie branch.
_FIRST_CHARS = _chars(sorted({word[0] for word in _KINDS}))
_TOKEN_RE = re.compile(
    f"(?=[{_FIRST_CHARS}]|{_SENTENCE_BREAK})(?:(?P<brk>{_SENTENCE_BREAK})|{longest_first(_KINDS)})"
)
_NEGATOR_RE = re.compile(longest_first(NEGATORS))


class Hit(NamedTuple):
    """A lexicon word in a text: where, its polarity, and whether it is negated (odd negators).

    A tuple of plain values, which the garbage collector stops following: a batch of comments
    leaves thousands of hits in the cache, and as objects every full collection walked them."""

    start: int
    end: int
    polarity: Polarity
    negated: bool


def hits(text: str) -> tuple[Hit, ...]:
    """Opinion words of (normalised, simplified) text, longest match first, with negation parity."""
    out: list[Hit] = []
    negators: list[int] = []  # starts of the negators since the last sentence break
    for m in _TOKEN_RE.finditer(text):
        if m.lastgroup == "brk":
            negators.clear()
            continue
        kind = _KINDS[m.group()]
        if kind == _NEGATOR:
            negators.append(m.start())
        elif kind is not None:
            a = m.start()
            parity = sum(n >= a - _NEG_WINDOW for n in negators) % 2
            out.append(Hit(a, m.end(), kind, bool(parity)))  # type: ignore[arg-type]
    return tuple(out)


def starts_negated(word: str) -> bool:
    """The word begins with a negator (不错, 没问题, 不耐烦)."""
    return _NEGATOR_RE.match(word) is not None


# Answers that say nothing: the whole comment (without punctuation and spaces) is one of these.
NOTHING = frozenset(
    _words(
        """
无 没有 没 暂无 暂时没有 暂时没 没什么 没啥 没了 无了 没有了 没意见 无意见 没有意见 没建议
无建议 没有建议 没什么建议 没什么意见 没什么说的 没什么要说的 没有要说的 不知道 不清楚 说不好
不好说 没想好 无所谓 就这样 no none nothing na n/a nil 无其他 没其他 没别的 没有别的 暂无建议
暂无意见 无补充 没有补充 略 同上 嗯 哦 噢 额 先这样 先这样吧 木有 没想法 不知道说啥 不知道写啥
暂时想不到 想不到 没想好要写啥 没什么想法 没感觉 还没想好 没别的事 没别的事了 我这边没别的事了
"""
    )
)
_QUESTION = (
    r"请问|[?？]|吗$|吗[啊呀呢]?\s*$|怎么办|怎么弄|怎么操作|怎么申请|怎样|如何|能不能|可不可以|是否|有没有|"
    r"多久能|什么时候|啥时候|几点|哪里可以|在哪|咩|點樣|点样|几时|想知道|想了解|想问|问一下|问个|问下|"
    r"咨询一下|要不要|多少钱|可唔可以|有冇|是不是.{0,12}[?？]|可以.{0,8}吗|能.{0,10}吗"
)
# The characters the alternatives start with (a test checks): the look-ahead spares re trying
# each alternative at each position, which halves the time of a search.
_QUESTION_STARTS = "请?？吗怎如能可是有多什啥几哪在咩點点想问咨要"
_QUESTION_RE = re.compile(f"(?=[{_QUESTION_STARTS}])(?:{_QUESTION})")
_SUGGESTION = (
    r"希望|建议|最好能|最好是|能否|可否|如果能|要是能|要是有|应该多|可以考虑|期待|期望|麻烦下次|下次能|能不能|"
    r"请尽快|请早日|盼|望|请(?:回电|联系|帮|处理|给|告知|通知|抄送|确认)|麻烦(?:你们|您|你)?(?:回电|联系|帮|处理|下次)|"
    r"回个电话|联系我|就好了$|多(?:开|加|设|安排|给)"
)
_SUGGESTION_STARTS = "希建最能可如要应期麻下请盼望回联就多"
_SUGGESTION_RE = re.compile(f"(?=[{_SUGGESTION_STARTS}])(?:{_SUGGESTION})")
# A question or a suggestion, in one search (asks(): every clause of a comment is asked).
_ASKS_RE = re.compile(f"(?=[{_QUESTION_STARTS}{_SUGGESTION_STARTS}])(?:{_QUESTION}|{_SUGGESTION})")
_PUNCT_RE = re.compile(r"[\W_]+")
# 暂时没什么想说的, 本人无意见, 没有其他要补充的了, 没有别的了谢谢: "nothing (else) (to say)".
_NOTHING_RE = re.compile(
    r"(?:暂时|目前|本人|我|我这边|其他|其它)?(?:没有|没|无|冇|木有|暂无)"
    r"(?:什么|啥|其他|其它|别的|任何|甚么)?(?:可以|要|想|好|可|值得|需要)?"
    r"(?:说|补充|写|评价|反馈|提)?(?:的)?(?:意见|建议|补充|想法|感想|别的事|了)?"
    r"(?:了|的|啊|呢|哈)*(?:谢谢|谢谢你们|谢谢了)?"
)


# The features and the reading of a text both ask, and the answers that come back every day
# (无, 没有) are asked again: remember the recent ones. (The features remember their hits and
# kinds of answer themselves, the analyser its comments' clauses.)
@functools.lru_cache(maxsize=16384)
def is_nothing(text: str) -> bool:
    """An answer that says nothing: empty, only punctuation, or 无 / 没有 / 暂无 / 不知道 ..."""
    core = _PUNCT_RE.sub("", text.lower())
    return not core or core in NOTHING or _NOTHING_RE.fullmatch(core) is not None


def is_question(text: str) -> bool:
    """The clause asks something (请问, 吗, ？, 怎么办, 能不能 ...)."""
    return _QUESTION_RE.search(text) is not None


def is_suggestion(text: str) -> bool:
    """The clause asks for a change (希望, 建议, 最好能, 能否 ...)."""
    return _SUGGESTION_RE.search(text) is not None


def asks(text: str) -> bool:
    """is_question(text) or is_suggestion(text)."""
    return _ASKS_RE.search(text) is not None


# Words that hold a question's or a suggestion's cue but ask nothing: 望 in 失望 / 一望无际, 如何
# in 无论如何, 几点 in 几点不足, 多开 in 7点多开始: seen in the review corpora, where they took
# clauses out of the reading of reviews (不算失望 was read as a wish, 有几点不足 as a question).
_NOT_ASKING_RE = re.compile(
    r"[失绝观渴看张声威名众厚奢一]望|(?:无论|不管|不论)(?:如何|怎样|怎么|在哪)|几点(?:不足|意见|建议|"
    r"问题|缺点|看法|感受|体会|要说)|(?<=[0-9点个天年月])多(?=开|加|设|安排|给)"
)


# A clause that only greets (您好，请问… / 客服你好，…): it says nothing of the service.
_GREETING_RE = re.compile(
    r"(?:(?:客服|师傅|老师|工作人员|小哥|小姐姐)?(?:您|你|你们|大家)好|(?:客服|师傅|老师)好|hello|hi|嗨|"
    r"哈喽|在吗|在不在)[啊呀呢哈]*"
)


def is_greeting(text: str) -> bool:
    """The clause (normalised) is a greeting and nothing else: 您好, 你们好啊, 客服你好, hi."""
    return _GREETING_RE.fullmatch(_PUNCT_RE.sub("", text.lower())) is not None


def only_asks(text: str) -> bool:
    """The clause (normalised, simplified) asks or suggests: asks() without the cues that ask
    nothing (不算失望, 无论如何, 有几点不足). The analyser reads no opinion in such a clause."""
    # Most clauses hold no cue at all: only those that do pay for the substitution (blanking
    # characters out cannot make a cue appear).
    return asks(text) and asks(_NOT_ASKING_RE.sub("\0", text))
