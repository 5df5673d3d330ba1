"""CSV import parsing and export formatting."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pydantic import ValidationError

from vocsvc.responses.schemas import ImportedResponseIn
from vocsvc.responses.validation import Problem, pydantic_problems

SCORE_COLUMNS = ("nps", "csat", "ces", "importance")
# Spreadsheet programs execute cells starting with these; exports prefix them with a quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def parse_import_csv(text: str) -> list[ImportedResponseIn | list[Problem]]:
    """Parse CSV rows (header names as in the JSON form); a bad row becomes its problems."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames:
        return [[Problem("(csv)", "empty file: expected a header line")]]
    unknown = set(reader.fieldnames) - set(ImportedResponseIn.model_fields)
    if unknown:
        return [[Problem("(header)", f"unknown columns: {sorted(unknown)}")]]
    rows: list[ImportedResponseIn | list[Problem]] = []
    for raw in reader:
        rows.append(_parse_row(raw))
    return rows


def _parse_row(raw: dict[str, Any]) -> ImportedResponseIn | list[Problem]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    if None in raw:
        problems.append(Problem("(row)", "more cells than header columns"))
    for name, cell in raw.items():
        if name is None or cell is None or cell.strip() == "":
            continue
        if name in SCORE_COLUMNS:
            try:
                values[name] = int(cell.strip())
            except ValueError:
                problems.append(Problem(name, f"must be a whole number, got '{cell.strip()}'"))
        else:
            values[name] = cell
    if problems:
        return problems
    try:
        return ImportedResponseIn.model_validate(values)
    except ValidationError as error:
        return pydantic_problems(error.errors())


def safe_cell(value: Any) -> str:
    """A cell value that no spreadsheet will evaluate as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Yield a header line then one CSV line per row."""
    buffer = io.StringIO()
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
