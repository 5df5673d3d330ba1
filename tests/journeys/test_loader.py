from pathlib import Path

import pytest

from vocsvc.config import REPO_ROOT
from vocsvc.journeys.loader import DefinitionError, load_journey_dir, load_journey_file

GOOD = """
key: shop
name: 小店
stages:
  - key: visit
    name: 到店
    touchpoints:
      - key: door
        name: 门口
        questions: [nps, comment]
"""


def test_example_journeys_load_with_ordered_stages() -> None:
    definitions = {d.key: d for d in load_journey_dir(REPO_ROOT / "surveys")}
    assert [s.name for s in definitions["retail"].stages] == [
        "认知",
        "到店",
        "选购",
        "结账",
        "售后",
    ]
    assert [s.name for s in definitions["b2b_procurement"].stages] == [
        "招标公告", "项目咨询", "合同谈判", "交付实施", "售后服务",
    ]  # fmt: skip
    checkout = definitions["retail"].stages[3].touchpoints[0]
    assert checkout.moment_of_truth and "nps" in checkout.questions


def test_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_journey_file(path).stages[0].touchpoints[0].questions == ["nps", "comment"]


@pytest.mark.parametrize(
    ("bad", "where", "what"),
    [
        (
            GOOD.replace("[nps, comment]", "[nps, smile]"),
            "stages[0].touchpoints[0].questions[1]",
            "nps",
        ),
        (GOOD.replace("key: door", "key: Door!"), "stages[0].touchpoints[0].key", "pattern"),
        (GOOD.replace("        name: 门口\n", ""), "stages[0].touchpoints[0].name", "required"),
        (GOOD.replace("[nps, comment]", "[nps, nps]"), "stages[0].touchpoints[0]", "repeat"),
        (GOOD + "colour: red\n", "colour", "Extra inputs"),
    ],
)
def test_errors_name_file_path_and_problem(tmp_path: Path, bad: str, where: str, what: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_journey_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert f": {where}:" in message
    assert what in message


def test_yaml_syntax_error_gives_line(tmp_path: Path) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text("key: shop\nstages: [\n  - oops: {\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"line \d+, column \d+: invalid YAML"):
        load_journey_file(path)


def test_duplicate_touchpoint_keys_across_stages(tmp_path: Path) -> None:
    doubled = (
        GOOD
        + """  - key: pay
    name: 结账
    touchpoints:
      - key: door
        name: 又一个门口
        questions: [csat]
"""
    )
    path = tmp_path / "dup.yaml"
    path.write_text(doubled, encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"touchpoint keys must be unique.*door"):
        load_journey_file(path)


def test_folder_reports_every_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD.replace("key: shop", "key: 1shop"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_journey_dir(tmp_path)
    assert "a.yaml" in str(caught.value) and "b.yaml" in str(caught.value)
