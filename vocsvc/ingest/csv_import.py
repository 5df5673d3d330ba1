"""CSV imports: each row parsed into an answer or the problems that keep it out."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from vocsvc.errors import Problem, pydantic_problems
from vocsvc.ingest.schemas import ImportRows
from vocsvc.responses.records import SCORE_FIELDS
from vocsvc.responses.schemas import ImportedResponseIn


def parse_import_csv(text: str) -> ImportRows:
    """The CSV's rows (header names as in the JSON form), counted now and parsed as they are
    read: a bad row becomes its problems."""
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(_lines(text))
    if not reader.fieldnames:
        return ImportRows.of([[Problem("(csv)", "empty file: expected a header line")]])
    unknown = set(reader.fieldnames) - set(ImportedResponseIn.model_fields)
    if unknown:
        return ImportRows.of([[Problem("(header)", f"unknown columns: {sorted(unknown)}")]])
    # Counting is one pass of the C parser (DictReader skips blank lines, so does this count):
    # an import over the limit is refused before any row is validated.
    records = sum(1 for record in csv.reader(_lines(text)) if record) - 1
    return ImportRows(records, (_parse_row(raw) for raw in reader))


def _lines(text: str) -> Iterator[str]:
    """The lines of `text`, ends kept, split on "\n" as io.StringIO does, without its copy of
    the whole body (four bytes a character)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start) + 1 or len(text)
        yield text[start:end]
        start = end


def _parse_row(raw: dict[str, Any]) -> ImportedResponseIn | list[Problem]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    if None in raw:
        problems.append(Problem("(row)", "more cells than header columns"))
    for name, cell in raw.items():
        if name is None or cell is None or cell.strip() == "":
            continue
        if name in SCORE_FIELDS:
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
