"""CSV export: formatting that no spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

# Spreadsheet programs execute cells starting with these; exports prefix them with a quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell value that no spreadsheet will evaluate as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = False
) -> Iterator[str]:
    """Yield a header line then one CSV line per row; `bom` starts with U+FEFF, without which
    Excel on a Chinese Windows reads UTF-8 as GBK (mojibake)."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    # CRLF as RFC 4180 says; it also makes the writer quote a cell holding a bare "\r", which
    # spreadsheets would otherwise take as a row break (and the rest as a new, unchecked cell).
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
