"""The copy PII patterns read: what it normalises, and the way back to the comment's offsets."""

from __future__ import annotations

import random

import pytest

from vocsvc.text.match_form import match_form


@pytest.mark.parametrize(
    ("text", "copy"),
    [
        ("１３８－１２３４", "138-1234"),  # full width
        ("𝟏𝟑𝟖 𝟷𝟹𝟾", "138 138"),  # mathematical bold and monospace digits
        ("١٣٨ ۱۳۸ १३८", "138 138 138"),  # Arabic-Indic, Persian, Devanagari digits
        ("a\u3000b\u00a0c", "a b c"),  # ideographic and no-break spaces
        ("1–2—3−4", "1-2-3-4"),  # dashes and the minus sign
        ("ｎａｍｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "name@example.com"),
        ("①②⑩", "①②⑩"),  # list markers stay what they are
        ("好……", "好……"),  # an expansion without letters or digits is left alone
        ("排队太久了，等了四十分钟😡", "排队太久了,等了四十分钟😡"),
        ("一三八 幺二三四 五六七八", "138 1234 5678"),
        ("三五天，七八个人，一二三楼", "三五天,七八个人,123楼"),
        ("二〇二六年", "2026年"),
    ],
)
def test_one_to_one_copies(text: str, copy: str) -> None:
    form = match_form(text)
    assert form.text == copy
    assert form.offsets is None
    assert form.original_span(1, 3) == (1, 3)


def test_invisible_characters_are_dropped_and_offsets_lead_back() -> None:
    text = "电话1\u200b38\u00ad1234\u20605678好"
    form = match_form(text)
    assert form.text == "电话13812345678好"
    start = form.text.index("138")
    assert form.original_span(start, start + 11) == (2, len(text) - 1)
    assert form.original_span(0, 2) == (0, 2)
    assert form.original_span(len(form.text) - 1, len(form.text)) == (len(text) - 1, len(text))


def test_expansions_map_back_to_their_one_character() -> None:
    text = "面积120㎡，½价"
    form = match_form(text)
    assert form.text == "面积120m2,1⁄2价"
    m2 = form.text.index("m2")
    assert form.original_span(m2, m2 + 2) == (5, 6)  # both letters come from ㎡
    assert form.original_span(m2 + 1, m2 + 2) == (5, 6)
    assert form.original_span(0, m2) == (0, 5)


def test_a_keycap_digit_keeps_its_keycap() -> None:
    text = "1️⃣2️⃣3️⃣ 好"
    form = match_form(text)
    assert form.text == "123 好"
    assert form.original_span(0, 3) == (0, 9)  # the last digit's ️⃣ is part of it


def test_every_copy_character_comes_from_the_comment() -> None:
    alphabet = ["1", "8", "a", "好", " ", "\u200b", "\u00ad", "\ufe0f", "㎡", "ﬁ", "１", "𝟑", "…"]
    rng = random.Random(15)
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        form = match_form(text)
        for k, char in enumerate(form.text):
            start, end = form.original_span(k, k + 1)
            source = match_form(text[start:end]).text
            assert char in source, (text, k)
            assert 0 <= start < end <= len(text)


def test_unassigned_and_private_use_characters_do_not_grow_the_table() -> None:
    from vocsvc.text import match_form as module

    before = len(module._TABLE)
    text = "".join(map(chr, range(0xF0000, 0xF0800))) + "".join(map(chr, range(0x50000, 0x50800)))
    assert match_form(text).text == text
    assert len(module._TABLE) == before
