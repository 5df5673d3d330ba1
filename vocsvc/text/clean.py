"""Comment clean-up before anything else sees the text (pure)."""

from __future__ import annotations

import re

# Unicode's control characters (category Cc) are exactly C0, DEL and C1; the line feed is kept.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def strip_control_characters(text: str) -> str:
    """Drop control characters (keeping line breaks); every other character is kept exactly.

    Format characters (category Cf, e.g. the zero-width joiner inside emoji sequences) are kept:
    removing them would change what the customer wrote.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)
