"""What every comment goes through before it is analysed (pure): clean-up, placeholders out,
traditional characters to simplified.

Traditional to simplified uses OpenCC (the converter Chinese NLP pipelines standardise on; its
`t2s` phrase tables convert 後來 → 后来 but leave 干净 alone, which a character table cannot). The
model was trained on simplified text, so 服務態度很好 must reach it as 服务态度很好.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from vocsvc.text.clean import strip_control_characters
from vocsvc.text.redact import PLACEHOLDERS

# A placeholder stands for data we removed: it says nothing about the customer's opinion. It is
# dropped: 打了[电话]三次都没人接 reads as 打了三次都没人接 (a space would split the clause).
_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))


class _Converter:
    """One OpenCC t2s converter per process, built on first use (it loads its tables once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._converter: Any = None

    def convert(self, text: str) -> str:
        if self._converter is None:
            with self._lock:
                if self._converter is None:
                    import opencc

                    self._converter = opencc.OpenCC("t2s")
        converted: str = self._converter.convert(text)
        return converted


_T2S = _Converter()

# Stars are a rating: ⭐⭐⭐⭐⭐ reads as 五颗星 (praise), ⭐⭐⭐ as 三颗星 (middling), ⭐⭐
# as 两颗星. A lone ⭐ says nothing we can read (one star, or a decoration): it is dropped.
_STARS_RE = re.compile("[⭐🌟★☆]\ufe0f?")
_STAR_RUN_RE = re.compile("(?:[⭐🌟★]\ufe0f?){2,}")
_COUNT = "零一两三四五"


def read_stars(text: str) -> str:
    """Runs of two or more stars become N颗星 (N up to 五); other stars are dropped."""
    text = _STAR_RUN_RE.sub(
        lambda m: _COUNT[min(len(_STARS_RE.findall(m.group())), 5)] + "颗星", text
    )
    return _STARS_RE.sub("", text)


def remove_placeholders(text: str) -> str:
    """Redaction placeholders ([手机号], [微信], ...) removed."""
    return _PLACEHOLDER_RE.sub("", text)


def to_simplified(text: str) -> str:
    """Traditional characters to simplified (OpenCC t2s); simplified text comes back unchanged."""
    return _T2S.convert(text) if text else text


def prepare(text: str) -> str:
    """Control characters and placeholders out, stars read, traditional to simplified, stripped."""
    return to_simplified(read_stars(remove_placeholders(strip_control_characters(text)))).strip()
