"""YAML alias bombs and oversized files are refused quickly, naming the file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.journeys.test_loader import GOOD
from vocsvc.journeys.loader import DefinitionError, load_journey_file


def _bomb(levels: int = 9, width: int = 9) -> str:
    """`a0: &a0 [x, …]`, each next level a list of `width` aliases of the previous: width^levels."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return GOOD + "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_quickly_with_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(), encoding="utf-8")
    assert path.stat().st_size < 10_000
    # In a child with 1 GB of address space and 20 s: before the limit it took 32 s and 1.3 GB.
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from pathlib import Path
        from vocsvc.journeys.loader import DefinitionError, load_journey_file
        try:
            load_journey_file(Path({str(path)!r}))
        except DefinitionError as error:
            print(error)
            sys.exit(3)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20, check=False
    )
    assert done.returncode == 3, done.stderr[-2000:]
    assert done.stdout.startswith(f"{path}: (file): too large once its aliases are expanded")


def test_a_few_aliases_still_load(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    text = GOOD.replace("questions: [nps, comment]", "questions: &asked [nps, comment]")
    text += "      - key: till\n        name: 收银\n        questions: *asked\n"
    path.write_text(text, encoding="utf-8")
    touchpoints = load_journey_file(path).stages[0].touchpoints
    assert [t.questions for t in touchpoints] == [["nps", "comment"], ["nps", "comment"]]


def test_an_alias_that_refers_to_itself_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(GOOD + "loop: &loop [*loop]\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as refused:
        load_journey_file(path)
    assert str(refused.value) == f"{path}: (file): an alias refers to itself"


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(GOOD + "#" * 1_000_000, encoding="utf-8")
    with pytest.raises(DefinitionError) as refused:
        load_journey_file(path)
    assert str(refused.value).startswith(f"{path}: (file): larger than 1,000,000 bytes")
