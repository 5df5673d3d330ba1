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


# A journey file is a few kilobytes. Aliases share one object per anchor, but validation walks
# every use: a 10 KB file of nested aliases ("billion laughs") took 32 s and 1.3 GB. So the
# document is measured with every alias expanded, before anything is built from it.
MAX_FILE_BYTES = 1_000_000
MAX_EXPANDED_NODES = 100_000


class _SelfReference(Exception):
    pass


def _expanded_nodes(node: yaml.Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """How many nodes the document holds once every alias is expanded (memoised per node)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_nodes:
        raise _SelfReference
    open_nodes.add(key)
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_nodes(child, sizes, open_nodes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(
            _expanded_nodes(k, sizes, open_nodes) + _expanded_nodes(v, sizes, open_nodes)
            for k, v in node.value
        )
    open_nodes.discard(key)
    sizes[key] = size
    return size


def _safe_yaml(text: str, source: str) -> Any:
    """yaml.safe_load, refusing documents that aliases make larger than MAX_EXPANDED_NODES."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            expanded = _expanded_nodes(node, {}, set())
        except _SelfReference:
            raise DefinitionError(source, [("(file)", "an alias refers to itself")]) from None
        if expanded > MAX_EXPANDED_NODES:
            problem = (
                f"too large once its aliases are expanded ({expanded:,} nodes, at most "
                f"{MAX_EXPANDED_NODES:,}): use fewer or smaller aliases (*name)"
            )
            raise DefinitionError(source, [("(file)", problem)])
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_journey_file(path: Path) -> JourneyDef:
    """Parse and validate one YAML journey definition."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problem = f"larger than {MAX_FILE_BYTES:,} bytes: not a journey definition"
            raise DefinitionError(str(path), [("(file)", problem)])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DefinitionError(str(path), [("(file)", f"cannot read: {error}")]) from None
    try:
        data = _safe_yaml(text, str(path))
    except RecursionError:
        raise DefinitionError(str(path), [("(file)", "nested too deeply")]) from None
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
