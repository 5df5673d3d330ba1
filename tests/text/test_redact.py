"""PII redaction: labelled cases, precision/recall, check digits, exact text preservation."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from vocsvc.text.redact import (
    PLACEHOLDERS,
    PiiKind,
    Span,
    id_check_char,
    is_valid_old_resident_id,
    is_valid_resident_id,
    luhn_ok,
    redact,
    redact_text,
)


def _load_cases() -> ModuleType:
    # Loaded by path so the test does not depend on how pytest puts tests/ on sys.path.
    path = Path(__file__).with_name("redaction_cases.py")
    spec = importlib.util.spec_from_file_location("redaction_cases", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES_MODULE = _load_cases()
CASES = CASES_MODULE.CASES


def gold_spans(text: str, pii: tuple[tuple[str, str], ...]) -> list[Span]:
    """Locate each labelled substring, in order, in the text."""
    spans, pos = [], 0
    for kind, sub in pii:
        start = text.index(sub, pos)
        spans.append(Span(start, start + len(sub), PiiKind(kind)))
        pos = start + len(sub)
    return spans


def expected_text(text: str, spans: list[Span]) -> str:
    out, pos = [], 0
    for s in spans:
        out += [text[pos : s.start], PLACEHOLDERS[s.kind]]
        pos = s.end
    return "".join([*out, text[pos:]])


def test_case_set_is_large_and_covers_every_kind() -> None:
    kinds = Counter(kind for case in CASES for kind, _ in case.pii)
    assert len(CASES) >= 120
    assert set(kinds) == {k.value for k in PiiKind}
    assert len(CASES_MODULE.NEGATIVE) >= 50


@pytest.mark.parametrize("case", CASES, ids=[f"{i:03d}" for i in range(len(CASES))])
def test_case(case: tuple[str, tuple[tuple[str, str], ...]]) -> None:
    text, pii = case
    gold = gold_spans(text, pii)
    result = redact(text)
    assert result.text == expected_text(text, gold)
    assert list(result.spans) == gold
    assert result.counts == dict(Counter(s.kind for s in gold))


def test_precision_and_recall_over_the_set() -> None:
    tp = fp = fn = 0
    for text, pii in CASES:
        gold = set(gold_spans(text, pii))
        found = set(redact(text).spans)
        tp += len(gold & found)
        fp += len(found - gold)
        fn += len(gold - found)
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    print(f"\nredaction over {len(CASES)} cases: precision={precision:.4f} recall={recall:.4f}")
    assert precision >= 0.98
    assert recall >= 0.98


def test_resident_id_check_character_by_hand() -> None:
    # The two examples printed in GB 11643-1999.
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"
    # By hand: weighted sum of 11010519491231002 is 167 -> 167 % 11 = 2 -> 'X'.
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert sum(int(c) * w for c, w in zip("11010519491231002", weights, strict=True)) == 167
    with pytest.raises(ValueError, match="17"):
        id_check_char("1101051949123100")


def test_resident_id_validation() -> None:
    today = dt.date(2026, 11, 24)
    assert is_valid_resident_id("11010519491231002X", today)
    assert is_valid_resident_id("11010519491231002x", today)
    assert not is_valid_resident_id("110105194912310021", today)  # wrong check character
    assert not is_valid_resident_id("440524188001010014", today)  # valid check, born 1880
    assert not is_valid_resident_id("991231194912310020", today)  # no province 99
    assert not is_valid_resident_id("11010519490231002X", today)  # 31 February (check differs too)
    assert not is_valid_resident_id("11010519491231002", today)


def test_luhn_by_hand() -> None:
    assert luhn_ok("79927398713")  # the textbook example
    assert not luhn_ok("79927398710")
    assert luhn_ok("4111111111111111")
    assert luhn_ok("378282246310005")
    assert not luhn_ok("4111111111111112")
    assert not luhn_ok("4111 1111")  # only digits


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("😡", "🙏"),
        ("👨‍👩‍👧", "👍🏽"),  # ZWJ sequence and skin-tone modifier
        ("電話：", "です"),
        ("مرحبا ", " شكرا"),
        ("ཐུགས་རྗེ་ཆེ། ", "\u200b"),
        ("e\u0301", "\n\t"),  # combining accent, whitespace
        ("【", "】"),
        ("", ""),
    ],
)
def test_text_around_masks_is_preserved_exactly(before: str, after: str) -> None:
    for pii, kind in [
        ("13812345678", PiiKind.MOBILE),
        ("11010519491231002X", PiiKind.ID_CARD),
        ("4111111111111111", PiiKind.BANK_CARD),
        ("a.b@example.com", PiiKind.EMAIL),
        ("京A12345", PiiKind.PLATE),
    ]:
        text = f"{before}{pii}{after}，{before}"
        assert redact_text(text) == f"{before}{PLACEHOLDERS[kind]}{after}，{before}"


def test_no_pii_returns_text_unchanged() -> None:
    text = "排队40分钟，客服态度很好👍"
    result = redact(text)
    assert result.text is text
    assert result.spans == ()
    assert result.counts == {}
    assert result.total == 0


def test_a_valid_id_that_also_passes_luhn_is_masked_once_as_id() -> None:
    bodies = (f"51010719630215{n:03d}" for n in range(1000))
    both = next(x for x in (b + id_check_char(b) for b in bodies) if luhn_ok(x))
    assert is_valid_resident_id(both)
    assert redact_text(f"号码{both}") == "号码[身份证]"


def test_email_containing_a_phone_number_is_one_email() -> None:
    result = redact("13812345678@163.com")
    assert result.text == "[邮箱]"
    assert result.counts == {PiiKind.EMAIL: 1}


def test_phone_inside_a_longer_digit_run_is_left_alone() -> None:
    for text in ("813812345678", "138123456789", "2023113812345678", "0-13812345678-1"):
        assert redact_text(text) == text


def test_redaction_is_idempotent() -> None:
    for text, _ in CASES:
        once = redact_text(text)
        assert redact_text(once) == once


def test_old_resident_id_validation() -> None:
    today = dt.date(2026, 11, 24)
    assert is_valid_old_resident_id("110105850312123", today)  # born 1985-03-12
    assert is_valid_old_resident_id("440305960229456", today)  # 1996 was a leap year
    assert not is_valid_old_resident_id("440305000229456", today)  # 1900 was not
    assert not is_valid_old_resident_id("110105851332123", today)  # month 13
    assert not is_valid_old_resident_id("990105850312123", today)  # no province 99
    assert not is_valid_old_resident_id("11010585031212", today)  # 14 digits
    assert not is_valid_old_resident_id("11010585031212X", today)  # no check character


def test_a_15_digit_number_is_a_card_only_for_amex() -> None:
    imei = "490154203237518"  # Luhn-valid, as every IMEI
    assert luhn_ok(imei) and redact_text(f"串码 {imei}") == f"串码 {imei}"
    assert redact_text("卡 378282246310005") == "卡 [银行卡]"


def _insert(text: str, sep: str) -> str:
    # Between two characters, but never before an invisible mark (its place is after its base).
    return "".join(c if i == 0 or c in "\ufe0f\u20e3" else sep + c for i, c in enumerate(text))


@pytest.mark.parametrize("invisible", ["\u200b", "\u00ad", "\u2060", "\ufeff", "\u200e"])
def test_invisible_characters_inside_pii_do_not_hide_it(invisible: str) -> None:
    for text, pii in CASES_MODULE.POSITIVE:
        hidden = [(kind, _insert(sub, invisible)) for kind, sub in pii]
        for (_, sub), (_, new) in zip(pii, hidden, strict=True):
            text = text.replace(sub, new, 1)
        gold = gold_spans(text, tuple(hidden))
        assert redact_text(text) == expected_text(text, gold), text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("⑩…", "（㎡ﬁ）"),  # NFKC expands these: the copy that patterns read is longer
        ("\u00ad", "\u200b\u200b"),  # ...or shorter
        ("1️⃣", "①"),
        ("一二三", "一直"),
    ],
)
def test_text_around_masks_is_preserved_where_the_match_form_changes_length(
    before: str, after: str
) -> None:
    for pii, kind in [
        ("138 1234 5678", PiiKind.MOBILE),
        ("一三八一二三四五六七八", PiiKind.MOBILE),
        ("name@example。com", PiiKind.EMAIL),
        ("110105850312123", PiiKind.ID_CARD),
    ]:
        text = f"{before} {pii}{after}，{before}"
        assert redact_text(text) == f"{before} {PLACEHOLDERS[kind]}{after}，{before}"


def test_a_spelled_number_ends_before_the_word_that_follows() -> None:
    assert redact_text("一三八一二三四五六七八一直没人接") == "[手机号]一直没人接"
    assert redact_text("一三八一二三四五六七一打我") == "[手机号]打我"
    assert redact_text("13812345678三五天内回电") == "[手机号]三五天内回电"


def test_a_local_part_in_chinese_is_masked_from_the_boundary_before_it() -> None:
    # 发到张三@例子.中国: where the name starts is not known, so the mask takes the whole run.
    assert redact_text("邮箱：张三@例子.中国，谢谢") == "邮箱：[邮箱]，谢谢"
    assert redact_text("发到张三@例子.中国") == "[邮箱]"
    assert redact_text("发到我邮箱abc@126.com呀") == "发到我邮箱[邮箱]呀"  # ASCII: just the address
