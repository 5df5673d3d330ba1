"""Read journey definitions from YAML files, reporting file, location and problem."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from vocsvc.journeys.schemas import JourneyDef


class DefinitionError(ValueError):
    """A journey file that cannot be used; str() names the file, the place and the problem."""

    def __init__(self, source: str, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = [(source, where, what) for where, what in problems]
        super().__init__("\n".join(f"{s}: {w}: {p}" for s, w, p in self.problems))

    @classmethod
    def combined(cls, errors: Sequence[DefinitionError]) -> DefinitionError:
        merged = cls("", [])
        merged.problems = [p for e in errors for p in e.problems]
        merged.args = ("\n".join(str(e) for e in errors),)
        return merged


def location(loc: Sequence[int | str]) -> str:
    """Render a pydantic error location as a path such as `stages[2].touchpoints[0].questions`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def validation_problems(error: ValidationError) -> list[tuple[str, str]]:
    return [(location(e["loc"]), e["msg"]) for e in error.errors()]


def parse_definition(data: Any, source: str) -> JourneyDef:
    try:
        return JourneyDef.model_validate(data)
    except ValidationError as error:
        raise DefinitionError(source, validation_problems(error)) from None


def load_journey_file(path: Path) -> JourneyDef:
    """Parse and validate one YAML journey definition."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DefinitionError(str(path), [("(file)", f"cannot read: {error}")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(error, "problem", None) or str(error)
        raise DefinitionError(str(path), [(where, f"invalid YAML: {problem}")]) from None
    if not isinstance(data, dict):
        raise DefinitionError(
            str(path), [("(top level)", "expected a mapping with key, name, stages")]
        )
    return parse_definition(data, str(path))


def load_journey_dir(directory: Path) -> list[JourneyDef]:
    """Load every `*.yaml`/`*.yml` in a folder, collecting all files' problems before failing."""
    definitions: list[JourneyDef] = []
    errors: list[DefinitionError] = []
    for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
        try:
            definitions.append(load_journey_file(path))
        except DefinitionError as error:
            errors.append(error)
    if errors:
        raise DefinitionError.combined(errors)
    return definitions
