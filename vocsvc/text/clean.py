"""Comment clean-up before anything else sees the text (pure)."""

from __future__ import annotations

import unicodedata

_KEEP = {"\n"}


def strip_control_characters(text: str) -> str:
    """Drop control characters (keeping line breaks); every other character is kept exactly.

    Format characters (category Cf, e.g. the zero-width joiner inside emoji sequences) are kept:
    removing them would change what the customer wrote.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch in _KEEP or unicodedata.category(ch) != "Cc")
