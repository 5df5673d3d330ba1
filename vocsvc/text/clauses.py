"""Splitting a comment into clauses (pure).

A clause ends at punctuation, a line break or a space between two Chinese characters
(服务好 环境好), and a new one starts at a contrast word (但是, 不过, 可是, 然而, 只是, 就是):
菜不错就是服务太差了 gives 菜不错 | 就是服务太差了. 却 does not split: 价格却很贵 would lose
its subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PUNCT = r",.!?;:，。！？；：、~～…\n\r\t|/"
_BREAK = rf"[{_PUNCT}]+|(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])"
# A contrast word opens a clause when something precedes it in its clause.
_CONTRAST = r"但是|可是|不过|然而|只是|就是|但(?!愿)"
# The look-ahead for the characters a split can start with halves the time: re otherwise tries
# every alternative at every position.
_SPLIT_START = "".join(sorted({word[0] for word in _CONTRAST.split("|")}))
_SPLIT_RE = re.compile(rf"(?=[{_PUNCT}\s{_SPLIT_START}])(?:{_BREAK}|(?=(?:{_CONTRAST})))")
# A clause needs a letter, digit or emoji (👍👍 is a whole answer).
_CONTENT_RE = re.compile("[^\\W_]|[\u2600-\u27bf\U0001f000-\U0001ffff]")
_LEADING_CONTRAST_RE = re.compile(_CONTRAST)


@dataclass(frozen=True)
class Clause:
    """One clause: its text and where it sits in the (prepared) comment."""

    text: str
    start: int
    end: int

    @property
    def contrast(self) -> bool:
        """The clause opens with a contrast word (但是服务太差了, 就是人有点多)."""
        return _LEADING_CONTRAST_RE.match(self.text) is not None


def split_clauses(text: str) -> list[Clause]:
    """Clauses of a prepared comment, in order; pieces without a letter or digit are dropped."""
    pieces: list[tuple[int, int]] = []
    pos = 0
    for m in _SPLIT_RE.finditer(text):
        if m.start() > pos:
            pieces.append((pos, m.start()))
        pos = max(pos, m.end())
    if pos < len(text):
        pieces.append((pos, len(text)))
    merged: list[Clause] = []
    for a, b in pieces:
        raw = text[a:b]
        piece = raw.strip()
        if not _CONTENT_RE.search(piece):
            continue
        start = a + len(raw) - len(raw.lstrip())
        end = start + len(piece)
        prev = merged[-1] if merged else None
        if prev and prev.end == start and len(prev.text) < 2:
            # 这就是我要的: a contrast word right after one character is not a contrast.
            merged[-1] = Clause(text[prev.start : end], prev.start, end)
        else:
            merged.append(Clause(piece, start, end))
    return merged
