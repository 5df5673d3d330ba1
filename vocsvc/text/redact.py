"""PII redaction of customer comments: typed placeholders, check digits verified (pure)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


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
    if int(number[:2]) not in _ID_PROVINCES:
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > (today or dt.date.today()):
        return False
    return id_check_char(number[:17]) == number[17].upper()


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
    return digits[0] in "34569" or 2221 <= int(digits[:4]) <= 2720


# --- patterns (run on a width-normalised copy of the same length) --------------------------------

# 1:1 character mapping, so offsets in the normalised copy are offsets in the original.
_NORMALISE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII
_NORMALISE.update({0x3000: 0x20, 0xA0: 0x20, 0x2212: 0x2D})
_NORMALISE.update(dict.fromkeys(range(0x2010, 0x2016), 0x2D))  # hyphens and dashes

_ORDER_CONTEXT = re.compile(
    r"(?:订单|单号|运单|快递|物流|编号|流水|工单|批次|序列号|串号|IMEI|SN|S/N|发票|合同号|券码|兑换码|条码)"
    r"(?:号码|号)?[ :#]*(?:是|为)?[ ]*$",
    re.IGNORECASE,
)
_AREA = r"0(?:10|2[0-9]|[3-9][0-9]{2})"
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTER = "A-HJ-NP-Z"  # plates never use I or O
_INTRO = r"(?:号码|号|ID|id)?[ ]*:?[ ]*(?:是|为)?[ ]*"

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
# 6-8-4 digits, optionally split into those groups by one consistent space or dash.
_ID_RE = re.compile(r"(?<![0-9])[1-9][0-9]{5}([ -]?)(?:19|20)[0-9]{6}\1[0-9]{3}[0-9Xx](?![0-9])")
_CARD_RE = re.compile(
    r"(?<![0-9])(?:[0-9]{4}(?:[ -][0-9]{4}){2,3}(?:[ -][0-9]{1,3})?|[0-9]{6}[ -][0-9]{7,13}"
    r"|[0-9]{4}[ -][0-9]{6}[ -][0-9]{5}|[0-9]{13,19})(?![0-9])"
)
_MOBILE_RE = re.compile(
    r"(?<![0-9])(?<![0-9][-.])(?:(?:\+|00)86[ -]?|86|\(\+?86\)[ ]?)?"
    r"1[3-9][0-9](?:[ .-]?[0-9]{4}){2}(?![0-9])(?![-.][0-9])"
)
_LANDLINE_RE = re.compile(
    rf"(?<![0-9])(?:\({_AREA}\)[ -]?|{_AREA}[ -]?)[1-9][0-9]{{2,3}}[ -]?[0-9]{{4}}"
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


def _not_order_number(norm: str, m: re.Match[str]) -> bool:
    # A number right after 订单号/快递单号/IMEI... is that thing even if its check digit happens to
    # pass (a random number passes Luhn one time in ten).
    return _ORDER_CONTEXT.search(norm, max(0, m.start() - 12), m.start()) is None


def _id_ok(norm: str, m: re.Match[str]) -> bool:
    digits = m.group().replace(" ", "").replace("-", "")
    return is_valid_resident_id(digits) and _not_order_number(norm, m)


def _card_ok(norm: str, m: re.Match[str]) -> bool:
    digits = m.group().replace(" ", "").replace("-", "")
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

# Precedence: earlier detectors claim their spans first (an e-mail may contain a phone number;
# a valid ID may also pass Luhn; a card number may contain a phone-like run).
_DETECTORS: tuple[tuple[PiiKind, re.Pattern[str], int, _Check], ...] = (
    (PiiKind.EMAIL, _EMAIL_RE, 0, _always),
    (PiiKind.ID_CARD, _ID_RE, 0, _id_ok),
    (PiiKind.BANK_CARD, _CARD_RE, 0, _card_ok),
    (PiiKind.MOBILE, _MOBILE_RE, 0, _always),
    (PiiKind.LANDLINE, _LANDLINE_RE, 0, _always),
    (PiiKind.PLATE, _PLATE_RE, 0, _plate_ok),
    (PiiKind.QQ, _QQ_RE, 1, _always),
    (PiiKind.WECHAT, _WXID_RE, 0, _always),  # system ids are unmistakable even without 微信:
    (PiiKind.WECHAT, _WECHAT_RE, 1, _always),
)
_HAS_DIGIT = re.compile(r"[0-9]")


def _candidates(norm: str) -> Iterator[Span]:
    has_digit = _HAS_DIGIT.search(norm) is not None
    for kind, pattern, group, check in _DETECTORS:
        if kind is PiiKind.EMAIL and "@" not in norm:
            continue
        if kind not in (PiiKind.EMAIL, PiiKind.WECHAT) and not has_digit:
            continue  # most comments carry no digits: skip the numeric patterns cheaply
        for m in pattern.finditer(norm):
            if check(norm, m):
                yield Span(m.start(group), m.end(group), kind)


def find_pii(text: str) -> list[Span]:
    """Non-overlapping PII spans in text, sorted by position."""
    norm = text.translate(_NORMALISE)
    taken: list[Span] = []
    for span in _candidates(norm):
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
