"""The copy of a comment that PII patterns read, and the way back to the comment's offsets (pure).

The copy is NFKC-normalised (full-width and mathematical digits, ＠, ．), digits of every script
are ASCII digits, invisible characters (zero-width spaces, soft hyphens, joiners, variation
selectors) are gone and digits spelled out (一三八…) are digits. It is for matching only: a
match is mapped back to the span of the comment it came from, and the comment is never changed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

# What may stand between two groups of digits: one of - . / * _ with up to two spaces either
# side ("138 - 1234"), or one or two spaces.
SEPARATOR = r"(?:[ ]{0,2}[-./*_][ ]{0,2}|[ ]{1,2})"

# Same-length rewrites NFKC does not make: dashes and minus signs read as "-".
_DASHES = {**dict.fromkeys(range(0x2010, 0x2016), "-"), 0x2212: "-"}
# Invisible but not of category Cf. Marks belong to the character before them (the ️⃣ of 1️⃣):
# variation selectors (the emoji ones too), the keycap, the combining grapheme joiner,
# Mongolian variation selectors. And Hangul fillers.
_INVISIBLE_MARKS = frozenset(
    [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0), 0x20E3, 0x034F, *range(0x180B, 0x1810)]
)
_INVISIBLE = _INVISIBLE_MARKS | {0x115F, 0x1160, 0x3164, 0xFFA0}
# ①, ⑩, ㉑, 🄂: list markers, not parts of a number ("①13812345678②..." must stay a phone number).
_ENCLOSED = ((0x2460, 0x24FF), (0x2776, 0x2793), (0x3200, 0x32FF), (0x1F100, 0x1F2FF))

_MARK = 0xFDD0  # a noncharacter: "this one becomes zero or several characters, see _PIECES"
_PIECES: dict[int, str] = {}


def _piece(char: str) -> str:
    """What one character of a comment is in the copy."""
    cp = ord(char)
    if cp in _DASHES:
        return _DASHES[cp]
    category = unicodedata.category(char)
    if category == "Cf" or cp in _INVISIBLE:
        return ""
    if category == "Nd":  # ١٣٨, ١, 𝟏, 1: a decimal digit of any script
        return str(unicodedata.decimal(char))
    if any(low <= cp <= high for low, high in _ENCLOSED):
        return char
    form = unicodedata.normalize("NFKC", char)
    # An expansion without letters or digits (… into ..., ㈠ into (一)) matters to no pattern:
    # kept as one character, so the common comment stays on the one-to-one path.
    if len(form) == 1 or any(c.isascii() and c.isalnum() for c in form):
        return form
    return char


class _OneToOne(dict[int, int]):
    """str.translate table filled on first sight of each character (one Unicode scan would
    take seconds at import): the character's one-character form, or _MARK."""

    def __missing__(self, cp: int) -> int:
        piece = _piece(chr(cp))
        if len(piece) == 1 and cp != _MARK:
            value = ord(piece)
            # Unassigned and private-use code points (most of Unicode) are not remembered: a
            # client sending them cannot grow the table past the ~150k assigned characters.
            if value == cp and unicodedata.category(piece) in ("Cn", "Co"):
                return value
        else:
            _PIECES[cp] = piece
            value = _MARK
        self[cp] = value
        return value


_TABLE = _OneToOne()

# Digits spelled out, one character each, so the copy keeps its length.
_SPELLED = {ord(c): str(i) for i, c in enumerate("〇一二三四五六七八九")}
_SPELLED.update({ord(c): str(i) for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")})
_SPELLED.update({ord("幺"): "1", ord("○"): "0"})
_NUMERAL = "".join(map(chr, _SPELLED))
# Three or more: 三五天 and 七八个 are words, 一三八 is a number.
_SPELLED_RUN = re.compile(f"[{_NUMERAL}](?:{SEPARATOR}?[{_NUMERAL}]){{2,}}")
_LONGEST_NUMBER = 11  # a run longer than a mobile number that ends in 一 may end in 一直, 一下...


def _spelled_as_digits(run: re.Match[str]) -> str:
    text = run.group()
    following = run.string[run.end() : run.end() + 1]
    numerals = sum(c in _NUMERAL for c in text)
    if text[-1] == "一" and numerals > _LONGEST_NUMBER and "\u4e00" <= following <= "\u9fff":
        return text[:-1].translate(_SPELLED) + text[-1]
    return text.translate(_SPELLED)


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Where each stretch of a copy comes from, for a copy whose length differs from the
    comment's: stretch i starts at `starts[i]` in the copy and at `origins[i]` in the comment,
    and is either the comment's characters one to one or the piece of one character."""

    comment: str
    starts: tuple[int, ...]
    origins: tuple[int, ...]
    one_to_one: tuple[bool, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The comment's span that the copy's span [start, end) came from, with the invisible
        marks right after it (the ️⃣ of a keycap digit belongs to its digit)."""
        original_end = self._origin(end - 1) + 1
        while original_end < len(self.comment) and ord(self.comment[original_end]) in (
            _INVISIBLE_MARKS
        ):
            original_end += 1
        return self._origin(start), original_end

    def _origin(self, offset: int) -> int:
        i = bisect_right(self.starts, offset) - 1
        return self.origins[i] + (offset - self.starts[i] if self.one_to_one[i] else 0)


class MatchForm(NamedTuple):
    """The copy patterns read; `offsets` is None when each of its characters is the comment's
    character at the same offset (the common case)."""

    text: str
    offsets: OffsetMap | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The comment's span that the copy's span [start, end) came from."""
        return (start, end) if self.offsets is None else self.offsets.original_span(start, end)


def match_form(text: str) -> MatchForm:
    """The copy of `text` that PII patterns read, with its way back to `text`'s offsets."""
    copy = text.translate(_TABLE)
    offsets = None
    if chr(_MARK) in copy:
        copy, offsets = _spliced(text, copy)
    if _SPELLED_RUN.search(copy) is not None:
        copy = _SPELLED_RUN.sub(_spelled_as_digits, copy)
    return MatchForm(copy, offsets)


def _spliced(text: str, copy: str) -> tuple[str, OffsetMap]:
    """Put each marked character's piece (empty, or several characters) in place."""
    parts: list[str] = []
    starts: list[int] = []
    origins: list[int] = []
    one_to_one: list[bool] = []

    def add(part: str, origin: int, same: bool) -> None:
        if part:
            starts.append(starts[-1] + len(parts[-1]) if parts else 0)
            parts.append(part)
            origins.append(origin)
            one_to_one.append(same)

    pos = 0
    while pos < len(copy):
        mark = copy.find(chr(_MARK), pos)
        if mark == -1:
            mark = len(copy)
        add(copy[pos:mark], pos, True)
        if mark < len(copy):
            add(_PIECES[ord(text[mark])], mark, False)
        pos = mark + 1
    offsets = OffsetMap(text, tuple(starts), tuple(origins), tuple(one_to_one))
    return "".join(parts), offsets
