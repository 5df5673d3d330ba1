"""CSV imports: each row parsed into an answer or the problems that keep it out."""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError

from vocsvc.errors import Problem, pydantic_problems
from vocsvc.responses.records import SCORE_FIELDS
from vocsvc.responses.schemas import ImportedResponseIn


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
