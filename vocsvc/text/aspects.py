"""The fixed aspect taxonomy of customer comments and its term lexicon (pure).

Twelve aspects that cover stores, restaurants, bank branches and apps, hotlines, delivery, hotels,
B2B vendors and public service halls. Every aspect mention the analyser reports uses one of these
keys. `terms` are the words that name the aspect or judge it in a way that only fits it (贵 is
about price, 闪退 about the app); the learned part of the analyser (models/sentiment-zh-v2.md)
decides on top of these hits, so a term here is evidence, not a verdict.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from vocsvc.text.lexicon import hits, longest_first


@dataclass(frozen=True)
class AspectInfo:
    """One aspect of the taxonomy."""

    key: str
    name: str  # Chinese name, as shown to a CX team
    description: str
    examples: tuple[str, ...]  # comments that mention it (with the polarity they carry)
    terms: tuple[str, ...]  # words that point to it (simplified, lower case)


def _t(words: str) -> tuple[str, ...]:
    return tuple(words.split())


ASPECTS: tuple[AspectInfo, ...] = (
    AspectInfo(
        "service_attitude",
        "服务态度",
        "How staff treat the customer: friendliness, patience, politeness, care.",
        ("收银员很热情 (positive)", "前台爱答不理 (negative)", "态度一般 (neutral)"),
        _t(
            "态度 服务态度 热情 冷淡 冷漠 冷冰冰 不耐烦 耐心 耐性 礼貌 客气 友好 友善 亲切 和蔼 "
            "微笑 笑容 凶 吼 骂 甩脸 黑脸 黑面 白眼 爱答不理 爱理不理 不理人 搭理 傲慢 粗鲁 嫌弃 "
            "周到 贴心 体贴 暖心 用心 细心 服务好 服务很好 服务差 服务太差 服务周到 服务员 店员 "
            "收银员 导购 前台 保安 保洁 服务 人很好 人超好 人很nice 态度好 辛苦 负责 有分寸 尊重 "
            "歧视 刁难 为难 道歉 主动帮 帮我 "
            "热心 热忱 冷脸 脸色 给脸色 不理不睬 爱搭不理 不搭理 没人理 态度恶劣 态度差 态度很差 "
            "恶劣 蛮横 不客气 凶巴巴 温柔 有礼貌 没礼貌 服务意识 素质 没素质 "
            "关心 照顾 推脱 好恶 好凶"
        ),
    ),
    AspectInfo(
        "professionalism",
        "专业能力",
        "Competence: knowledge, clear answers, correct judgement, technical skill.",
        ("经理解答得很清楚 (positive)", "客服一问三不知 (negative)"),
        _t(
            "专业 不专业 业务 解答 讲解 解释 说明白 讲清楚 说清楚 一问三不知 不懂 外行 技术 水平 "
            "经验 判断 准确 诊断 建议很好 答非所问 只会说 照本宣科 机器人 懂行 熟练 生疏 新手 "
            "实习 懂得 知识 推荐的 "
            "专业性 业务能力 业务水平 业务不熟 不熟悉 靠谱 不靠谱 说法不一 两种说法 讲得很明白 "
            "讲得清楚 讲明白 解释清楚 医术 技术好 手艺 师资 讲课 经验丰富 误诊 "
            "瞎说 乱说 答复 能力强 能力弱 水平高 水平低"
        ),
    ),
    AspectInfo(
        "waiting",
        "排队等待",
        "Time spent waiting before being served: queues, numbers, hold time, tables.",
        ("排了四十分钟队 (negative)", "电话一打就通 (positive)", "不用排队 (positive)"),
        _t(
            "排队 排了 排长队 队伍 叫号 取号 等号 等位 等座 等了 等很久 等半天 等太久 等候 候诊 "
            "占线 一打就通 打不通 接通 没人接 不用等 不用排 秒接 等了好久 等待 等咗 排咗 人太多 "
            "人很多 窗口少 只开 "
            "等候时间 等待时间 排长龙 排很久 等好久 等了半天 等了很久 坐席忙 打不进 一直在等 晚点 "
            "延误 人多 人挤 插队 排位 "
        ),
    ),
    AspectInfo(
        "speed",
        "办理/响应速度",
        "How fast the service itself is once it starts: handling, response, callbacks, serving.",
        ("业务办得很快 (positive)", "回访很及时 (positive)", "上菜太慢 (negative)"),
        _t(
            "速度 效率 办理很快 办得快 很快 挺快 真快 好快 快 慢 太慢 很慢 好慢 慢吞吞 磨蹭 及时 "
            "迅速 高效 神速 麻利 利索 拖 拖延 拖拉 一拖再拖 回复 回电 回访 响应 处理 跟进 上菜 "
            "出餐 秒回 当场 当天 马上 立刻 立即 效率低 半天 几天 好几天 一周 一个月 还没 至今 "
            "迟迟 "
            "效率高 办事效率 速度快 速度慢 不及时 按时 准点 拖沓 龟速 到现在 没到账 没下文 "
            "没有下文 石沉大海 没回音 没消息 已读不回 不回复 回复慢 响应慢 随叫随到 "
            "搞定 搞掂 办完 很快就 等通知 进度 工期 延期 周期"
        ),
    ),
    AspectInfo(
        "price",
        "价格费用",
        "What it costs: price level, fees, value for money, discounts.",
        ("性价比很高 (positive)", "手续费太贵 (negative)", "价格一般 (neutral)"),
        _t(
            "价格 价钱 价位 贵 便宜 实惠 划算 性价比 值 不值 超值 收费 费用 手续费 服务费 配送费 "
            "年费 利息 利率 优惠 折扣 打折 满减 优惠券 红包 赠送 送了 免费 加价 涨价 乱收费 扣费 "
            "扣钱 坑钱 宰客 消费 账单 花了 块钱 多块 元 抵 物美价廉 价廉 "
            "偏贵 好贵 太贵 价格高 不划算 值得 月费 套餐费 话费 物业费 停车费 差价 报价 收钱 多收 "
            "扣了 活动价 会员价 返现 省钱 赚钱 坑人 割韭菜 钱 免单 买单 "
            "结账 付款 不要钱 几十块 几百块"
        ),
    ),
    AspectInfo(
        "environment",
        "环境设施",
        "The place and its equipment: cleanliness, decoration, noise, space, seats, air, devices.",
        ("大厅很干净 (positive)", "房间隔音太差 (negative)"),
        _t(
            "环境 干净 整洁 卫生 脏 脏乱 乱 臭 异味 味道大 吵 嘈杂 安静 隔音 装修 装潢 布置 氛围 "
            "宽敞 拥挤 挤 空间 座位 椅子 沙发 桌子 空调 暖气 温度 冷 热 闷 灯光 明亮 厕所 洗手间 "
            "卫生间 房间 床 床单 枕头 被子 热水 淋浴 wifi 网络 设施 设备 电梯 蟑螂 老鼠 蚊子 "
            "舒适 舒服 温馨 大厅 等候区 饮水机 充电 停电 窗户 楼道 破旧 陈旧 新装修 "
            "噪音 噪声 吵闹 乱糟糟 座椅 硬件 老旧 设备老 休息区 绿化 垃圾 光线 通风 空气 地面 泳池 "
            "健身房 电视 浴缸 马桶 设施齐全"
        ),
    ),
    AspectInfo(
        "location",
        "位置交通停车",
        "Getting there: location, transport links, finding the place, parking.",
        ("地铁口出来就到 (positive)", "停车位太少 (negative)"),
        _t(
            "位置 地段 地理位置 交通 地铁 公交 站 好找 难找 不好找 找不到 导航 停车 停车场 车位 "
            "停车位 停车费 远 偏 偏僻 近 附近 市中心 方便停车 路口 路线 出口 门口不好 "
            "好停车 停车难 停车方便 位置好 位置偏 地段好 交通方便 交通便利 离地铁 地铁站 公交站 "
            "楼层 几楼 商场 路程 距离 打车"
        ),
    ),
    AspectInfo(
        "product_quality",
        "商品/菜品/产品质量",
        "What was bought or served: taste, freshness, quality, workmanship, range, defects.",
        ("菜很好吃 (positive)", "买回去就坏了 (negative)", "货不对板 (negative)"),
        _t(
            "质量 品质 做工 材质 好吃 难吃 美味 可口 味道 口味 口感 新鲜 不新鲜 变质 过期 发霉 "
            "咸 淡 辣 油腻 分量 份量 量少 量足 菜 菜品 饭菜 食物 早餐 菜单 品种 种类 齐全 货 "
            "商品 产品 东西 衣服 鞋 正品 假货 货不对板 色差 坏了 破损 碎了 漏 次品 瑕疵 耐用 "
            "好用 效果 功能 尺码 型号 保质期 缺货 断货 款式 面料 冰淇淋 饮料 咖啡 奶茶 汤 肉 鱼 "
            "水果 蛋糕 面包 米饭 餐具 好喝 难喝 "
            "用料 性能 信号 网速 通话质量 掉线 故障 毛病 异响 漏水 不灵 实物 图片 颜值 甜品 食材 "
            "新鲜度 分量足 量大 质感 手感 产品设计 课程 教材"
        ),
    ),
    AspectInfo(
        "process",
        "流程手续规则",
        "Procedures and rules: paperwork, documents, steps, policies, getting it done in one go.",
        ("一次就办好了 (positive)", "材料要交三遍，跑了好几趟 (negative)"),
        _t(
            "流程 手续 程序 步骤 环节 材料 资料 证明 证件 复印件 签字 盖章 审核 审批 规定 规则 "
            "制度 政策 条款 要求 一次办成 一次办好 一次就办 跑了几趟 跑了好几趟 来回跑 跑腿 繁琐 "
            "麻烦 复杂 简便 简化 预约 登记 填表 表格 排号规则 不让 不能办 办不了 办不成 只能 "
            "必须 强制 取消了 订单被取消 转接 转来转去 推来推去 踢皮球 层层 证明我妈是我妈 "
            "一站式 办结 当场办 查房 押金 合同 开户 销户 挂失 "
            "变通 规定死 死规定 不给办 不予办理 办不到 开不了 跑两趟 跑三趟 来了两次 来两次 白跑 "
            "再跑 补材料 补资料 排课 退改 不能退 不能改 流程简单 手续简单 一次过"
        ),
    ),
    AspectInfo(
        "digital",
        "App/网站/小程序/系统",
        "The app, website, mini-program or system: crashes, lag, interface, login, features.",
        ("手机银行很好用 (positive)", "app老是闪退 (negative)"),
        _t(
            "app 软件 应用 小程序 公众号 网站 网页 官网 系统 界面 页面 操作 闪退 卡顿 卡死 崩溃 "
            "死机 白屏 登录 登陆 登不上 注册 验证码 密码 更新 升级 版本 bug 刷新 加载 下载 扫码 "
            "二维码 在线 线上 网上 手机银行 网银 自助机 机器 终端 提示 推送 通知 消息 显示 "
            "界面设计 功能 页面 支付 付款 下单 链接 客户端 电脑 平台 "
            "自助设备 自助终端 短信 提醒 广告 菜单 按键 语音菜单 识别 报错 提示错误 网速 wifi "
            "支付失败 扫码支付 在线办理 网上办理 系统升级 操作手册"
        ),
    ),
    AspectInfo(
        "delivery",
        "配送物流",
        "Getting goods to the customer: delivery, couriers, timeliness, packaging, lost items.",
        ("送货很准时 (positive)", "包装破了 (negative)", "骑手送错楼 (negative)"),
        _t(
            "配送 送货 送餐 送达 送到 送来 送错 送得 送的 外卖 快递 快递员 物流 骑手 小哥 配送员 "
            "送货员 外送 派送 派件 取件 签收 驿站 快递柜 丰巢 包装 包裹 纸箱 箱子 盒子 气泡膜 "
            "准时 超时 延误 晚到 迟到 到货 发货 收货 收到 运费 上门 冷链 洒了 漏了 压扁 压烂 "
            "丢件 冒领 已送达 时效 "
            "漏送 少送 送漏 寄 寄到 寄过来 寄回 邮寄 交货 交付 供货 送样 没收到 签收了 上门取件 "
            "放门口 外卖员"
        ),
    ),
    AspectInfo(
        "after_sales",
        "售后退换维修",
        "After the sale: returns, refunds, exchanges, repairs, warranty, complaint handling.",
        ("当场就退了款 (positive)", "投诉了一个月没人处理 (negative)"),
        _t(
            "售后 退货 退款 退钱 退了 退换 换货 换了 维修 修理 修好 修不好 保修 质保 三包 投诉 "
            "索赔 赔偿 赔付 理赔 补发 补偿 退费 退回 返修 上门维修 师傅修 安装 调试 回收 追责 "
            "处理投诉 客诉 "
            "解决问题 问题没解决 没解决 没有解决 处理结果 工单 反馈了 维保 补办 赔 赔钱 退差价 "
            "换新 保修期 延保"
        ),
    ),
)

# Names of services, channels and staff. They say what a comment is about, not what the customer
# thinks of it; the sentiment heads do not see them (FeatureConfig.mask_targets).
SERVICE_NAMES: tuple[str, ...] = _t(
    "客服 人工客服 在线客服 客服电话 热线 电话 售后 售后服务 退货 退款 退钱 退了款 退换货 换货 "
    "维修 修理 保修 配送 送货 送餐 快递 快递员 物流 骑手 外卖 小哥 配送员 送货员 前台 服务员 "
    "店员 收银员 柜员 柜台 经理 大堂经理 客户经理 工作人员 师傅 窗口 回访 回电 安装 上门 专员 "
    "导购 保安 保洁 护士 医生 司机 乘务员 空姐 销售 顾问 工程师 营业厅 网点 大厅 办事员 接线员 "
    "话务员 管家 物业 app 客户端 小程序 系统"
)
SERVICE_NAMES_RE = re.compile(longest_first(SERVICE_NAMES))

ASPECT_KEYS: tuple[str, ...] = tuple(a.key for a in ASPECTS)
BY_KEY: dict[str, AspectInfo] = {a.key: a for a in ASPECTS}


_TERM_KEYS: dict[str, tuple[str, ...]] = {
    term: tuple(a.key for a in ASPECTS if term in a.terms) for a0 in ASPECTS for term in a0.terms
}
# One pass over the text; where terms overlap the longest wins (快递员 is delivery, not 快 speed).
_TERM_RE = re.compile(longest_first(_TERM_KEYS))


def term_hits(text: str) -> list[str]:
    """Aspect keys whose terms occur in (normalised, simplified) text, in taxonomy order."""
    found = {key for m in _TERM_RE.finditer(text) for key in _TERM_KEYS[m.group()]}
    return [key for key in ASPECT_KEYS if key in found]


# What is left of an answer like 非常满意 or 一般般吧 once its opinion words are out: degree words,
# particles, "overall" and "I think" (and punctuation).
_FILLER_RE = re.compile(
    r"(?:整体|总体|总的来说|总之|感觉|觉得|体验|这次|一切|一直|比较|相当|十分|极其|非常|特别|真的|"
    r"还是)|[很挺太真超都也还就了的啊呀吧哦哈嘛呢啦喔噢蛮是我]|[\W_]"
)


@functools.lru_cache(maxsize=16384)  # the same short answers come back all day
def names_nothing(text: str) -> bool:
    """The (normalised, simplified) clause holds only opinion words, degree words and particles,
    and no aspect term: 很好, 一般, 非常满意, 还行吧. A comment that is only such a clause judges
    the whole experience, not one aspect of it (the aspect heads learnt 不错 from restaurant
    reviews, where it is mostly about the food)."""
    if _TERM_RE.search(text) is not None:
        return False
    rest = list(text)
    for hit in hits(text):
        rest[hit.start : hit.end] = [""] * (hit.end - hit.start)
    return not _FILLER_RE.sub("", "".join(rest))
