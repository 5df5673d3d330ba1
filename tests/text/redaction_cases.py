"""Labelled redaction cases: realistic comments with PII, and look-alikes that must survive.

Every ID and card number is synthetic; check digits are computed here, independently of
vocsvc.text.redact, so the set also checks the implementation's check-digit code.
"""

from __future__ import annotations

from typing import NamedTuple


class Case(NamedTuple):
    """A comment and its PII as (kind, exact substring) in order of appearance."""

    text: str
    pii: tuple[tuple[str, str], ...]


def _id(region: str, birth: str, seq: str, *, bad: bool = False) -> str:
    """Synthetic 18-char resident ID; ISO 7064 MOD 11-2 weights are 2^(17-i) mod 11."""
    body = region + birth + seq
    s = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(body))
    check = (12 - s % 11) % 11  # makes the weighted sum incl. check digit == 1 (mod 11)
    if bad:
        check = (check + 3) % 11
    return body + ("X" if check == 10 else str(check))


def _card(body: str, *, bad: bool = False) -> str:
    """Body plus its Luhn check digit (or a wrong one)."""
    total = 0
    for i, c in enumerate(reversed(body + "0")):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    check = (10 - total % 10) % 10
    return body + str((check + 5) % 10 if bad else check)


def _group(number: str, sizes: tuple[int, ...], sep: str = " ") -> str:
    out, pos = [], 0
    for n in sizes:
        out.append(number[pos : pos + n])
        pos += n
    return sep.join(out)


def _fw(text: str) -> str:
    """Full-width version of ASCII characters, as typed with a Chinese IME in full-width mode."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def C(text: str, *pii: tuple[str, str]) -> Case:  # noqa: N802 - short constructor for the table
    """Shorthand."""
    return Case(text, pii)


M, L, I, B, E, P, W, Q = (  # noqa: E741
    "mobile",
    "landline",
    "id_card",
    "bank_card",
    "email",
    "plate",
    "wechat",
    "qq",
)

ID1 = _id("110105", "19850312", "123")
ID2 = _id("440305", "19920708", "456")
ID3 = _id("310104", "19781130", "007")
ID4 = _id("510107", "19630215", "288")
ID5 = _id("330106", "20050601", "031")
ID6 = _id("420111", "19990909", "972")
ID7 = _id("370202", "19710101", "615")
ID8 = _id("650102", "19881224", "389")
ID_X = next(x for x in (_id("320102", "19900307", f"{n:03d}") for n in range(100)) if x[-1] == "X")
BAD_ID = _id("110105", "19850312", "124", bad=True)
BAD_DATE_ID = _id("110105", "19851332", "123")  # month 13
FUTURE_ID = _id("110105", "20991231", "123")
BAD_REGION_ID = _id("990105", "19850312", "123")

UP16 = _card("622202123456789")  # UnionPay debit
UP19 = _card("621700123456789012")
UP17 = _card("6228480012345678")
VISA = _card("411111111111111")
MC = _card("555555555555444")
MC2 = _card("222300123456789")  # Mastercard 2-series
AMEX = _card("37828224631000")
ABC_OLD = _card("955990123456789012")  # legacy domestic 9-prefix
CCB = _card("436742123456789")
BAD_UP16 = _card("622202123456789", bad=True)
ORDERLIKE_LUHN = _card("622588800012345")  # passes Luhn but follows 订单号
TXN_LUHN = _card("420000123456789012")
IMEI = "490154203237518"  # the classic example IMEI; IMEIs are Luhn-valid by design

POSITIVE: list[Case] = [
    # mobile
    C("快递员一直不接电话，我的手机13812345678，请尽快回电", (M, "13812345678")),
    C("联系方式：138 1234 5678（白天都在）", (M, "138 1234 5678")),
    C("打了三次 139-0000-1234 都没人理😡", (M, "139-0000-1234")),
    C("+86 186 1234 5678 是我老公的号，送货前打他", (M, "+86 186 1234 5678")),
    C("退款没到账！！！电话+8615912345678", (M, "+8615912345678")),
    C("0086-17712345678 海外用户，回国再联系", (M, "0086-17712345678")),
    C(f"请致电{_fw('13912345678')}，谢谢", (M, _fw("13912345678"))),
    C("加vx13812345678 我把照片发你", (M, "13812345678")),
    C("微信同号15012345678，师傅送货前打个电话", (M, "15012345678")),
    C("手机号码是19912345678。", (M, "19912345678")),
    C("电话:16612345678/座机不通", (M, "16612345678")),
    C("物流显示已签收但我没收到，本人17612345678", (M, "17612345678")),
    C("Tel 13500001111 (张女士)", (M, "13500001111")),
    C("我的号码：145 6789 0123，打不通就发短信", (M, "145 6789 0123")),
    C("🙏麻烦客服回个电话18800001111🙏", (M, "18800001111")),
    C("师傅说打13912345678预约安装，结果是空号", (M, "13912345678")),
    C("手机 13812345678 和 13987654321 都可以", (M, "13812345678"), (M, "13987654321")),
    C("(+86)13812345678 请回电", (M, "(+86)13812345678")),
    C("收货人李先生 15800001234 地址别写错了", (M, "15800001234")),
    C(f"我是会员，号码{_fw('186-1234-5678')}", (M, _fw("186-1234-5678"))),
    C("18612345678打了没人接，10086也不管", (M, "18612345678")),
    C("导购小姐姐留了电话19800001234说到货通知我，结果没通知", (M, "19800001234")),
    # landline
    C("门店电话010-62345678一直占线", (L, "010-62345678")),
    C("请打我办公室电话 021-5432 1098 转 806", (L, "021-5432 1098 转 806")),
    C("座机（0755）86001234，下午在", (L, "（0755）86001234")),
    C("售后让我打0571-88886666，结果转了五次人工", (L, "0571-88886666")),
    C("家里电话 028 8765 4321", (L, "028 8765 4321")),
    C("075586001234 这个电话打不通", (L, "075586001234")),
    C("联系电话：(020)38001234-802", (L, "(020)38001234-802")),
    C("办公电话 0912-3456789（7位号码）", (L, "0912-3456789")),
    C("座机 010-82345678 分机 2301", (L, "010-82345678 分机 2301")),
    C("验收联系人座机023-61234567，合同里写错了", (L, "023-61234567")),
    C("送装师傅留的电话0731-84561234", (L, "0731-84561234")),
    C("电话(0591) 8765 4321", (L, "(0591) 8765 4321")),
    # resident ID
    C(f"办卡要身份证号{ID1}，为啥要这么多信息", (I, ID1)),
    C(f"实名认证填了{ID_X}还是失败", (I, ID_X)),
    C(f"身份证：{ID_X.lower()}", (I, ID_X.lower())),
    C(f"{ID4}是我妈的身份证号，帮她退票", (I, ID4)),
    C(f"身份证号 {_group(ID2, (6, 8, 4))} 麻烦核对", (I, _group(ID2, (6, 8, 4)))),
    C(f"证件号码{_fw(ID3)}", (I, _fw(ID3))),
    C(f"开发票需要身份证号吗？我的是{ID6}", (I, ID6)),
    C(f"酒店前台把我的身份证{ID7}大声念出来，太不尊重隐私了", (I, ID7)),
    C(f"投标报名时法人身份证号{ID8}上传失败", (I, ID8)),
    C(f"{ID1}😤审核三天了", (I, ID1)),
    C(f"ID: {ID2}", (I, ID2)),
    C(f"孩子身份证{ID5}，儿童票怎么买", (I, ID5)),
    C(f"身份证号码为{ID3}。", (I, ID3)),
    C(f"身份证 {_group(ID4, (6, 8, 4), '-')}", (I, _group(ID4, (6, 8, 4), "-"))),
    # bank card
    C(f"退款请打到我的卡{UP16}，别再退回原路了", (B, UP16)),
    C(f"银行卡号：{_group(UP16, (4, 4, 4, 4))}", (B, _group(UP16, (4, 4, 4, 4)))),
    C(f"工行卡 {UP19} 收不到退款", (B, UP19)),
    C(f"卡号{_group(UP19, (4, 4, 4, 4, 3), '-')}", (B, _group(UP19, (4, 4, 4, 4, 3), "-"))),
    C(f"信用卡{VISA}被扣了两次款", (B, VISA)),
    C(f"万事达 {_group(MC, (4, 4, 4, 4))} 重复扣费", (B, _group(MC, (4, 4, 4, 4)))),
    C(f"美国运通 {_group(AMEX, (4, 6, 5))} 在店里刷不了", (B, _group(AMEX, (4, 6, 5)))),
    C(f"农行老卡{ABC_OLD}能退吗", (B, ABC_OLD)),
    C(f"押金退到{CCB}了吗？", (B, CCB)),
    C(f"{MC2}💳 这张卡付的定金", (B, MC2)),
    C(f"退款账户{_fw(UP16)}", (B, _fw(UP16))),
    C(f"退款账户 {_group(UP17, (4, 4, 4, 4, 1))}", (B, _group(UP17, (4, 4, 4, 4, 1)))),
    C(f"卡号 {_group(UP19, (6, 13))} 户名张三", (B, _group(UP19, (6, 13)))),
    C(f"垫付用的个人卡{UP17}，报销周期太长", (B, UP17)),
    # e-mail
    C("发票发到 zhang.san@example.com 就行", (E, "zhang.san@example.com")),
    C("邮箱：13812345678@163.com", (E, "13812345678@163.com")),
    C("联系 li_si+vip@qq.com，谢谢！", (E, "li_si+vip@qq.com")),
    C("请把合同扫描件发送至 procurement@abc-corp.com.cn", (E, "procurement@abc-corp.com.cn")),
    C("Email: Wang.Wu@Company.CN", (E, "Wang.Wu@Company.CN")),
    C(f"邮箱{_fw('test@example.com')}", (E, _fw("test@example.com"))),
    C("发到我邮箱abc123@126.com呀😊", (E, "abc123@126.com")),
    C("客服让我发邮件到service@shop.example.com，回复很慢", (E, "service@shop.example.com")),
    C("a.b-c@d.e.io，另外抄送 x1@y.org", (E, "a.b-c@d.e.io"), (E, "x1@y.org")),
    # plates
    C("停车场收费太贵，我的车牌京A12345停了两小时", (P, "京A12345")),
    C("粤B·D12345 新能源车充电桩坏了", (P, "粤B·D12345")),
    C("车牌号：沪C 88888", (P, "沪C 88888")),
    C("川A1B2C3 被贴条了", (P, "川A1B2C3")),
    C("浙A12345D 大型新能源车不让进", (P, "浙A12345D")),
    C("洗车时把苏E·5K8G9的车漆刮了", (P, "苏E·5K8G9")),
    C("鲁B1234挂 的车卸货排队三小时", (P, "鲁B1234挂")),
    C("停车场系统识别不了我的车牌豫A·F12345", (P, "豫A·F12345")),
    C("车主黑A99999投诉代驾", (P, "黑A99999")),
    C("小区门口琼B12345车位被占", (P, "琼B12345")),
    C("车牌号为湘A8V6K2", (P, "湘A8V6K2")),
    C("赣C·12345😡", (P, "赣C·12345")),
    C("京A12345和津C23456都是我们公司的车", (P, "京A12345"), (P, "津C23456")),
    C("蒙H55555 停在了消防通道", (P, "蒙H55555")),
    # WeChat / QQ when explicitly introduced
    C("加我微信: zhangsan_88，发你照片", (W, "zhangsan_88")),
    C("微信号是 wxid_a1b2c3d4e5", (W, "wxid_a1b2c3d4e5")),
    C("V信 Lily-2024 联系", (W, "Lily-2024")),
    C("vx：abc12345", (W, "abc12345")),
    C("我的微信 WangXiaoMing 已经加了导购", (W, "WangXiaoMing")),
    C("wechat: jason_lee99", (W, "jason_lee99")),
    C("wxid_k8s9d0f1g2 是我，通过一下", (W, "wxid_k8s9d0f1g2")),
    C("加wxid_abc123456", (W, "wxid_abc123456")),
    C("微信13812345678", (M, "13812345678")),
    C("QQ号 12345678，有问题找我", (Q, "12345678")),
    C("qq:987654321", (Q, "987654321")),
    C("扣扣 2850012345 在线", (Q, "2850012345")),
    C("QQ是 10001", (Q, "10001")),
    C("我的QQ邮箱 123456@qq.com", (E, "123456@qq.com")),
    # several kinds, any script around the masks
    C(
        "手机13812345678，邮箱a@b.cn，车牌粤B12345",
        (M, "13812345678"),
        (E, "a@b.cn"),
        (P, "粤B12345"),
    ),
    C(f"退款到{UP16}，身份证{ID1}，联系13912345678", (B, UP16), (I, ID1), (M, "13912345678")),
    C(
        "投标联系人王工 13912345678 / 010-62345678，邮箱 bid@corp.com",
        (M, "13912345678"),
        (L, "010-62345678"),
        (E, "bid@corp.com"),
    ),
    C("微信: joy_2024 或 QQ 12345678", (W, "joy_2024"), (Q, "12345678")),
    C("订单号 2023112412345678，手机 13812345678", (M, "13812345678")),
    C("👨‍👩‍👧13812345678👍🏽京A12345🚗", (M, "13812345678"), (P, "京A12345")),
    C("お問い合わせ 13812345678 です 감사합니다 مرحبا", (M, "13812345678")),
    C("ཐུགས་རྗེ་ཆེ། 13812345678 رەھمەت", (M, "13812345678")),
    C(f"Привет {VISA} ✓", (B, VISA)),
    # written after the implementation, before running it on them
    C("收件人：王女士，电话：152 0000 8888，地址：杭州市西湖区", (M, "152 0000 8888")),
    C("我手机号13800138000你们打过来问问", (M, "13800138000")),
    C("打我电话吧 17000001111", (M, "17000001111")),
    C("电话 010 6234 5678", (L, "010 6234 5678")),
    C("报修电话：0755-2345-6789", (L, "0755-2345-6789")),
    C("我们公司邮箱是 hr@xx-company.com 投标资料发这", (E, "hr@xx-company.com")),
    C("车牌是粤A·88888的白色轿车", (P, "粤A·88888")),
    C(f"身份证号：{ID6}，姓名：张三", (I, ID6)),
    C(f"银行卡 {_group(VISA, (4, 4, 4, 4), '-')}", (B, _group(VISA, (4, 4, 4, 4), "-"))),
    C("手机:13912345678;邮箱:foo.bar@baz.com", (M, "13912345678"), (E, "foo.bar@baz.com")),
    C("我加了客服微信kefu_001但是没人回", (W, "kefu_001")),
    C("QQ 123456789 联系", (Q, "123456789")),
    C("联系人：13600001111（微信同号）", (M, "13600001111")),
    C("+86 13812345678", (M, "+86 13812345678")),
    C("手机号是：138-0013-8000，尽快", (M, "138-0013-8000")),
    C("电话：138.1234.5678", (M, "138.1234.5678")),
    C("总部电话(0755)-86001234", (L, "(0755)-86001234")),
]

NEGATIVE: list[Case] = [
    # order, tracking, invoice, transaction numbers (long digit runs failing Luhn/ID checks)
    C("订单号 2023112412345678 一直没发货"),
    C("订单号：20231124123456789012 查不到"),
    C(f"订单号 {ORDERLIKE_LUHN} 退款还没到"),
    C(f"流水号 {TXN_LUHN} 显示交易成功"),
    C(f"IMEI: {IMEI} 手机保修查不到"),
    C("快递单号 SF1234567890123 三天没更新"),
    C("运单号 YT1234567890123 显示派送中"),
    C("会员卡号 1000234567 积分没到账"),
    C("系统日志时间1732435200000报错"),
    C("发票代码044001900111，发票号码12345678"),
    C("工单号 1234567890123456 处理了三天"),
    C("物流单号 7713812345678901 查不到"),
    C("订单 202311138123456789 申请售后"),
    C("第11次投诉，工单20261124000123"),
    C("京东订单 300123456789 少发一件"),
    C("证书编号 No.20261124-0001"),
    C("合同编号HT-2026-001234，付款周期90天"),
    C("招标编号 ZB20261124001，投标截止 2026/12/01 17:00"),
    # numbers that look like IDs or cards but fail the checks
    C(f"这个单子 {BAD_ID} 一直没发货"),
    C(f"编码{BAD_DATE_ID}对不上"),
    C(f"批号 {FUTURE_ID} 的货有问题"),
    C(f"条形码下面印着{BAD_REGION_ID}"),
    C(f"卡号{BAD_UP16}是不是输错了"),
    C(f"卡号 {_group(BAD_UP16, (4, 4, 4, 4))} 提示无效"),
    # prices, quantities, percentages
    C("价格¥1388.00，比官网贵了200"),
    C("1,299元买的，第二天降价到999元"),
    C("一共消费2,580.50元，打了8.5折"),
    C("项目预算 1,200,000 元，付款比例 3:3:4"),
    C("增值税税率13%，发票金额 113000.00"),
    C("好评率99.5%，实际体验差"),
    C("积分 13800 分，可以抵扣 138 元"),
    C("买了3件，退了2件，运费12元"),
    C("身高175cm 体重65kg 买的L码"),
    C("温度调到26度，还是热"),
    C("¥1,388.00 的东西用了三天就坏"),
    # dates and times
    C("2026-11-24 下单，2026年11月24日到货"),
    C("营业时间 09:00-22:00，晚上21:30就关门了"),
    C("2026年11月24日 18:30 到店，等了45分钟"),
    C("生日是1990年3月7日，会员日没有优惠"),
    C("预约了11月24日下午3点，2026/11/24 15:00 还没人来"),
    C("时间 2026-11-24 10:00:00 系统崩溃"),
    C("20261124 这天的活动没有通知"),
    # product models, versions, codes
    C("iPhone 15 Pro 256G 屏幕有坏点"),
    C("RTX4090 显卡 和 i9-13900K 缺货"),
    C("新RTX4090显卡到货了，价格离谱"),
    C("荣耀Magic6 Pro，华为Mate60 Pro+ 都没货"),
    C("Model Y 2024款 续航 545km"),
    C("跑步机 型号 T900-2023 噪音大"),
    C("Wi-Fi 6E 路由器 AX5400 经常断线"),
    C("USB3.0 接口 坏了"),
    C("版本号 v3.12.138 闪退"),
    C("GB/T 19001-2016 认证 资料不全"),
    C("全新X1 Carbon 键盘有问题"),
    C("股票代码 600519 的公司也这样？"),
    # rooms, flights, queue numbers, codes, service numbers
    C("住在1203房间，空调坏了"),
    C("门牌号 A座1203，送错楼了"),
    C("会议室 B-1203，投标文件一式5份"),
    C("航班CA1831延误三小时，MU5101也取消了"),
    C("航班号 CZ3101 座位 32A"),
    C("取号138号，等了1小时"),
    C("快递柜取件码 12345678 打不开"),
    C("邮编518000，地址深圳市南山区科技园"),
    C("客服热线 400-820-8820 打不通"),
    C("电话：400 600 8888 永远占线"),
    C("拨打95588 和 10086 都没用"),
    C("手机尾号5678的用户"),
    C("银行卡尾号 8888 的那张"),
    C("身份证后四位1234"),
    C("电话号码1381234567少了一位"),
    C("这串138123456789是什么"),
    C("京A区3楼的收银台排队太久"),
    C("QQ群 12345678 里没人回复"),
    C("QQ音乐会员 15元 自动续费"),
    C("微信支付不了，只能刷卡"),
    C("微信版本8.0.49 扫码失败"),
    C("微信小程序 bug 太多"),
    C("@客服小王 你好，退款呢"),
    C("豫A座502室 的空调没人修"),
    C("第3次来这家店了，排队40分钟"),
    C("😡😡😡 等了 2 小时"),
    # written after the implementation, before running it on them
    C("10月1日到10月7日国庆不发货"),
    C("原价2999现价1999，便宜了1000"),
    C("订单尾号3456，退款金额￥358.5"),
    C("说好的48小时内发货，结果等了168小时"),
    C("3.8折 买的 199 元"),
    C("快递员工号 A1234"),
    C("小米14 Ultra 16+512G 版本"),
    C("ThinkPad X1 Carbon Gen 11"),
    C("我在3号楼2单元1101"),
    C("投标保证金20万元，已于2026年11月1日转账"),
    C("2025年Q3季度，响应时间超过72小时的工单占15.6%"),
    C("发货单号 JD0123456789012，还有 78 件没到"),
    C("满300减50，优惠券码 ABCD-1234-EFGH"),
    C("车型 宋PLUS DM-i 2023款"),
    C("新X5 3.0T 保养太贵"),
    C("渝A区 停车场满了"),
    C("股票 000001 跌停"),
    C("手机号后4位是5678"),
    C("套餐 199 元/月，流量 30G"),
]

CASES: list[Case] = POSITIVE + NEGATIVE
