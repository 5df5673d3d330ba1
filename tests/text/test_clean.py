"""Comment clean-up drops exactly Unicode's control characters (category Cc), line feeds kept."""

from __future__ import annotations

import sys
import unicodedata

from vocsvc.text.clean import strip_control_characters


def test_drops_exactly_the_characters_unicode_calls_control() -> None:
    # every code point but surrogates, and \r and \t (rewritten, see the next test)
    everything = "".join(
        chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000 and c not in (9, 13)
    )
    kept = strip_control_characters(everything)
    assert kept == "".join(
        ch for ch in everything if ch == "\n" or unicodedata.category(ch) != "Cc"
    )


def test_line_breaks_are_normalised_and_tabs_become_spaces() -> None:
    written = "好\r\n很好\r差\t评\x00👨\u200d👩"
    assert strip_control_characters(written) == "好\n很好\n差 评👨\u200d👩"
