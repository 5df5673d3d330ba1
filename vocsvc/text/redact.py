"""PII redaction of customer comments: typed placeholders, check digits verified (pure)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from vocsvc.text.match_form import SEPARATOR, match_form


class PiiKind(StrEnum):
    """Kinds of personal data we mask; the value is the stable machine name."""

    MOBILE = "mobile"
    LANDLINE = "landline"
    ID_CARD = "id_card"
    BANK_CARD = "bank_card"
    EMAIL = "email"
    PLATE = "plate"
    WECHAT = "wechat"
    QQ = "qq"


PLACEHOLDERS: dict[PiiKind, str] = {
    PiiKind.MOBILE: "[手机号]",
    PiiKind.LANDLINE: "[电话]",
    PiiKind.ID_CARD: "[身份证]",
    PiiKind.BANK_CARD: "[银行卡]",
    PiiKind.EMAIL: "[邮箱]",
    PiiKind.PLATE: "[车牌]",
    PiiKind.WECHAT: "[微信]",
    PiiKind.QQ: "[QQ]",
}


# What each kind is called in English messages (why an answer was refused, for example).
DESCRIPTIONS: dict[PiiKind, str] = {
    PiiKind.MOBILE: "a mobile number",
    PiiKind.LANDLINE: "a phone number",
    PiiKind.ID_CARD: "a resident ID number",
    PiiKind.BANK_CARD: "a bank card number",
    PiiKind.EMAIL: "an e-mail address",
    PiiKind.PLATE: "a licence plate",
    PiiKind.WECHAT: "a WeChat id",
    PiiKind.QQ: "a QQ number",
}


@dataclass(frozen=True)
class Span:
    """One masked span, in character offsets of the original text."""

    start: int
    end: int
    kind: PiiKind


@dataclass(frozen=True)
class RedactionResult:
    """Redacted text, the masked spans (original offsets) and how many of each kind."""

    text: str
    spans: tuple[Span, ...] = ()
    counts: dict[PiiKind, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Number of masked spans."""
        return len(self.spans)


# --- check digits -------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # ISO 7064 MOD 11-2 as used by GB 11643: index = weighted sum mod 11
# GB/T 2260 province codes; 71 Taiwan, 81-83 residence permits for HK, Macao, Taiwan residents.
_ID_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)


def id_check_char(first17: str) -> str:
    """GB 11643 check character ('0'-'9' or 'X') for the first 17 digits of a resident ID."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 ASCII digits")
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def is_valid_resident_id(number: str, today: dt.date | None = None) -> bool:
    """18-char resident ID: known province, real birth date not in the future, check char OK."""
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return False
    if not _born_in_a_province(number[:2], number[6:10], number[10:14], today):
        return False
    return id_check_char(number[:17]) == number[17].upper()


def is_valid_old_resident_id(number: str, today: dt.date | None = None) -> bool:
    """15-digit first-generation resident ID (6 region + YYMMDD + 3, born 19YY, no check digit):
    known province and a real birth date."""
    if len(number) != 15 or not number.isascii() or not number.isdigit():
        return False
    return _born_in_a_province(number[:2], "19" + number[6:8], number[8:12], today)


def _born_in_a_province(province: str, year: str, month_day: str, today: dt.date | None) -> bool:
    if int(province) not in _ID_PROVINCES:
        return False
    try:
        born = dt.date(int(year), int(month_day[:2]), int(month_day[2:]))
    except ValueError:
        return False
    return born.year >= 1900 and born <= (today or dt.date.today())


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check over an ASCII digit string, check digit last."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _plausible_card_prefix(digits: str) -> bool:
    # Card networks issue from 3-6 (Amex/JCB, Visa, Mastercard, UnionPay 62) and 9 (old domestic
    # cards) plus Mastercard 2221-2720; order numbers and timestamps mostly start with 1 or 2.
    # Only Amex (34, 37) issues 15 digits: other 15-digit numbers are IMEIs, old IDs, waybills.
    if len(digits) == 15:
        return digits[:2] in ("34", "37")
    return digits[0] in "34569" or 2221 <= int(digits[:4]) <= 2720


# --- patterns (run on the match form: vocsvc.text.match_form) -----------------------------------

_S = SEPARATOR
_NUMBER_BEFORE = r"(?<![0-9])(?<![0-9][-./*_])"  # not the tail of a longer number
_NUMBER_AFTER = r"(?![0-9])(?![-./*_][0-9])"  # ...nor its head


def _number_starting(first: str) -> str:
    """`first`, as the first character of a number (not the tail of a longer one). Matched
    before the look-behinds, so the engine skips straight to candidates: with the look-behinds
    first it tries every position, three times slower on a long comment."""
    return rf"{first}(?<![0-9]{first})(?<![0-9][-./*_]{first})"


_ORDER_CONTEXT = re.compile(
    r"(?:订单|单号|运单|快递|物流|编号|流水|工单|批次|序列号|串号|IMEI|SN|S/N|发票|合同号|券码|兑换码|条码)"
    r"(?:号码|号)?[ :#]*(?:是|为)?[ ]*$",
    re.IGNORECASE,
)
_AREA_AFTER_0 = r"(?:10|2[0-9]|[3-9][0-9]{2})"  # area codes: 010, 02x, 0xxx
_AREA = rf"0{_AREA_AFTER_0}"
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTER = "A-HJ-NP-Z"  # plates never use I or O
_INTRO = r"(?:号码|号|ID|id)?[ ]*:?[ ]*(?:是|为)?[ ]*"

# name@example.com, name @ example.com, name(at)example(dot)com, name@example。com, 张三@例子.中国
_AT = r"(?:[ ]{0,2}@[ ]{0,2}|[ ]?[(\[{【]at[)\]}】][ ]?)"
_DOT = r"(?:[.。]|[ ]?[(\[{【]dot[)\]}】][ ]?)"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"  # any script: internationalised domain names
# Internationalised top-level domains in Chinese (a Chinese TLD is not followed by a boundary).
_CHINESE_TLD = (
    "中国|中國|公司|网络|網絡|商城|网店|网址|在线|集团|企业|信息|移动|手机|游戏|购物|香港|台湾|台灣"
)
_DOMAIN = rf"(?:{_LABEL}{_DOT})+(?:[A-Za-z]{{2,}}(?![A-Za-z0-9-])|{_CHINESE_TLD})"
_EMAIL_RE = re.compile(
    # Not inside a local part; a dot before it is one only after a local part's character
    # (回复.name@sohu.com is name@sohu.com).
    rf"(?<![A-Za-z0-9_%+-])(?<![A-Za-z0-9_%+-][.])[A-Za-z0-9][A-Za-z0-9._%+-]*{_AT}{_DOMAIN}",
    re.IGNORECASE,
)
# A local part in any script needs a boundary before it: in 发到我邮箱abc@126.com only abc is it.
_UNICODE_EMAIL_RE = re.compile(rf"(?<![\w.%+-])[^\W_][\w.%+-]*{_AT}{_DOMAIN}", re.IGNORECASE)

# 6-8-4 (18) or 6-6-3 (15) digits, optionally split into those groups by one consistent separator.
_ID_RE = re.compile(
    rf"{_number_starting('[1-9]')}[0-9]{{5}}({_S}?)(?:19|20)[0-9]{{6}}\1[0-9]{{3}}[0-9Xx](?![0-9Xx])"
)
_OLD_ID_RE = re.compile(
    rf"{_number_starting('[1-9]')}[0-9]{{5}}({_S}?)[0-9]{{6}}\1[0-9]{{3}}(?![0-9Xx])"
)
_CARD_RE = re.compile(
    rf"{_number_starting('[0-9]')}(?:[0-9]{{3}}(?:{_S}[0-9]{{4}}){{2,3}}(?:{_S}[0-9]{{1,3}})?"
    rf"|[0-9]{{5}}{_S}[0-9]{{7,13}}|[0-9]{{3}}{_S}[0-9]{{6}}{_S}[0-9]{{5}}|[0-9]{{12,18}})"
    rf"{_NUMBER_AFTER}"
)
# 11 digits as people group them: 3-4-4, 3-3-5, 4-3-4, 3-8, 7-4, one by one, or (138) 1234-5678.
_MOBILE_RE = re.compile(
    rf"{_NUMBER_BEFORE}(?:(?:\+|00)86{_S}?|\(\+?86\){_S}?|86-?)?"
    rf"(?:1[3-9][0-9](?:[0-9]{{8}}|{_S}[0-9]{{4}}{_S}[0-9]{{4}}|{_S}[0-9]{{3}}{_S}[0-9]{{5}}"
    rf"|{_S}[0-9]{{8}}|[0-9]{_S}[0-9]{{3}}{_S}[0-9]{{4}}|[0-9]{{4}}{_S}[0-9]{{4}})"
    rf"|1(?P<sep>[-./*_ ])[3-9](?P=sep)[0-9](?:(?P=sep)[0-9]){{8}}"
    rf"|\(1[3-9][0-9]\)[ ]?[0-9]{{4}}{_S}?[0-9]{{4}})"
    rf"{_NUMBER_AFTER}"
)
_PAREN_STARTING = _number_starting(r"\(")
_LANDLINE_RE = re.compile(
    rf"(?:{_PAREN_STARTING}{_AREA}\){_S}?|{_number_starting('0')}{_AREA_AFTER_0}{_S}?)"
    rf"[1-9][0-9]{{2,3}}{_S}?[0-9]{{4}}"
    r"(?:[ ]?(?:转|分机|ext\.?|-|#)[ ]?[0-9]{1,6})?(?![0-9])",
    re.IGNORECASE,
)
_PLATE_RE = re.compile(
    rf"[{_PROVINCES}][{_PLATE_LETTER}][ ·•・]?"
    rf"(?:[A-HJK][{_PLATE_LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[A-HJK]"  # new-energy, 6 characters
    rf"|[{_PLATE_LETTER}0-9]{{4}}[{_PLATE_LETTER}0-9挂学警港澳])"
    r"(?![A-Za-z0-9元块%])"
)
_QQ_RE = re.compile(rf"(?<![A-Za-z])(?:QQ|扣扣){_INTRO}([1-9][0-9]{{4,11}})(?![0-9])", re.I)
_WECHAT_RE = re.compile(
    rf"(?:微信|威信|薇信|(?<![A-Za-z])(?:V信|vx|wx|weixin|wechat)){_INTRO}"
    r"([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])",
    re.IGNORECASE,
)
_WXID_RE = re.compile(r"(?<![A-Za-z0-9_])wxid_[A-Za-z0-9_]{4,30}(?![A-Za-z0-9_])")
_NOT_A_DIGIT = re.compile(r"[^0-9Xx]")


def _not_order_number(norm: str, m: re.Match[str]) -> bool:
    # A number right after 订单号/快递单号/IMEI... is that thing even if its check digit happens to
    # pass (a random number passes Luhn one time in ten).
    return _ORDER_CONTEXT.search(norm, max(0, m.start() - 12), m.start()) is None


def _id_ok(norm: str, m: re.Match[str]) -> bool:
    return is_valid_resident_id(_NOT_A_DIGIT.sub("", m.group())) and _not_order_number(norm, m)


def _old_id_ok(norm: str, m: re.Match[str]) -> bool:
    digits = _NOT_A_DIGIT.sub("", m.group())
    return is_valid_old_resident_id(digits) and _not_order_number(norm, m)


def _card_ok(norm: str, m: re.Match[str]) -> bool:
    digits = _NOT_A_DIGIT.sub("", m.group())
    return (
        13 <= len(digits) <= 19
        and _plausible_card_prefix(digits)
        and luhn_ok(digits)
        and _not_order_number(norm, m)
    )


def _plate_ok(norm: str, m: re.Match[str]) -> bool:
    # Ordinary plates carry at most two letters after the city letter; more looks like a model name.
    tail = m.group()[2:].lstrip(" ·•・")
    return len(tail) == 6 or sum(c.isdigit() for c in tail) >= 3


def _always(norm: str, m: re.Match[str]) -> bool:
    return True


_Check = Callable[[str, re.Match[str]], bool]
_Detector = tuple[PiiKind, re.Pattern[str], int, _Check]

# Precedence: earlier detectors claim their spans first (an e-mail may contain a phone number;
# a valid ID may also pass Luhn; a card number may contain a phone-like run).
_DETECTORS: tuple[_Detector, ...] = (
    (PiiKind.EMAIL, _EMAIL_RE, 0, _always),
    (PiiKind.EMAIL, _UNICODE_EMAIL_RE, 0, _always),
    (PiiKind.ID_CARD, _ID_RE, 0, _id_ok),
    (PiiKind.BANK_CARD, _CARD_RE, 0, _card_ok),
    (PiiKind.ID_CARD, _OLD_ID_RE, 0, _old_id_ok),
    (PiiKind.MOBILE, _MOBILE_RE, 0, _always),
    (PiiKind.LANDLINE, _LANDLINE_RE, 0, _always),
    (PiiKind.PLATE, _PLATE_RE, 0, _plate_ok),
    (PiiKind.QQ, _QQ_RE, 1, _always),
    (PiiKind.WECHAT, _WXID_RE, 0, _always),  # system ids are unmistakable even without 微信:
    (PiiKind.WECHAT, _WECHAT_RE, 1, _always),
)
_HAS_DIGIT = re.compile(r"[0-9]")
# Every phone, ID and card number holds a run of seven digits or more, separators aside.
_LONG_NUMBER = re.compile(rf"[0-9](?:{_S}?[0-9]){{6}}")
_BRACKETED_AT = re.compile(r"[(\[{【]at[)\]}】]", re.IGNORECASE)


def _plan(has_email: bool, has_digit: bool, has_number: bool) -> tuple[_Detector, ...]:
    needs_number = {PiiKind.ID_CARD, PiiKind.BANK_CARD, PiiKind.MOBILE, PiiKind.LANDLINE}
    return tuple(
        d
        for d in _DETECTORS
        if (has_email or d[0] is not PiiKind.EMAIL)
        and (has_number or d[0] not in needs_number)
        and (has_digit or d[0] not in (PiiKind.PLATE, PiiKind.QQ))
    )


# The detectors worth running, by (has an @, has a digit, has a long number): most comments
# hold no e-mail and no long number, and skip those patterns at the cost of three searches.
_PLANS = {
    (e, d, n): _plan(e, d, n) for e in (False, True) for d in (False, True) for n in (False, True)
}


def _candidates(norm: str) -> Iterator[Span]:
    has_email = "@" in norm or _BRACKETED_AT.search(norm) is not None
    has_digit = _HAS_DIGIT.search(norm) is not None
    has_number = has_digit and _LONG_NUMBER.search(norm) is not None
    for kind, pattern, group, check in _PLANS[has_email, has_digit, has_number]:
        for m in pattern.finditer(norm):
            if check(norm, m):
                yield Span(m.start(group), m.end(group), kind)


def find_pii(text: str) -> list[Span]:
    """Non-overlapping PII spans in text (offsets of `text` itself), sorted by position."""
    form = match_form(text)
    taken: list[Span] = []
    for found in _candidates(form.text):
        span = Span(*form.original_span(found.start, found.end), found.kind)
        if all(span.end <= t.start or span.start >= t.end for t in taken):
            taken.append(span)
    return sorted(taken, key=lambda s: s.start)


def redact(text: str) -> RedactionResult:
    """Replace every PII span with its typed placeholder; everything else is kept exactly."""
    spans = find_pii(text)
    if not spans:
        return RedactionResult(text)
    parts: list[str] = []
    pos = 0
    for s in spans:
        parts += (text[pos : s.start], PLACEHOLDERS[s.kind])
        pos = s.end
    parts.append(text[pos:])
    return RedactionResult("".join(parts), tuple(spans), dict(Counter(s.kind for s in spans)))


def redact_text(text: str) -> str:
    """Redacted text only."""
    return redact(text).text
