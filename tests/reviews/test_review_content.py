"""The review reads as a meeting document: summary first, one rounding rule, 无数据, actions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.aspects.test_aspects_api import load as load_waiting_at_checkout
from vocsvc.analytics.readmodel import journey_view
from vocsvc.aspects.service import aspect_problems
from vocsvc.config import get_settings
from vocsvc.models import FollowUpCase, Response
from vocsvc.periods import parse_period
from vocsvc.reviews import builder, formatting
from vocsvc.reviews.charts import place_labels, text_width
from vocsvc.topics.schemas import TermOut, TopicGroup

Headers = dict[str, dict[str, str]]


def test_one_formatting_rule() -> None:
    assert formatting.score(16.666, "nps") == "17" and formatting.score(-0.4, "nps") == "0"
    assert formatting.score(3.14159, "csat") == "3.14" and formatting.score(None, "csat") == "—"
    assert formatting.change(12.1, "nps") == "+12" and formatting.change(-0.004, "csat") == "±0"
    assert formatting.change(-0.256, "csat") == "-0.26"
    assert formatting.interval(1.7, 22.4, "nps") == "[2, 22]"
    assert formatting.q_value(1e-30) == "<0.001" and formatting.q_value(0.0912) == "0.091"
    assert formatting.share(0.666) == "67%" and formatting.hours(72) == "3.0 天"
    assert formatting.score(float("nan"), "nps") == "—"
    assert formatting.share_interval(0.381, 0.6249) == "[38%, 62%]"
    assert formatting.points(0.304) == "+30 个百分点" and formatting.points(-0.004) == "±0 个百分点"
    assert formatting.share_interval(None, 0.5) == formatting.points(float("nan")) == "—"


def _review(client: TestClient, keys: Headers, period: str, fmt: str = "json") -> Any:
    reply = client.get(f"/v1/journeys/retail/reports/{period}.{fmt}", headers=keys["viewer"])
    assert reply.status_code == 200, reply.text
    return reply.json() if fmt == "json" else reply.text


def test_meeting_ready_sections_in_order(client: TestClient, keys: Headers, quarter: None) -> None:
    html = _review(client, keys, "2026Q3", "html")
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings[0] == "一、执行摘要" and "二、各阶段 NPS 与 CSAT（对比上期）" in headings
    for section in ("趋势", "各触点表现", "内外部认知差距", "重要性-表现分析", "痛点", "跟进工单"):
        assert any(section in h for h in headings), section
    assert "@page { size: A4" in html and "counter(page)" in html
    assert "None" not in html and "nan" not in html.lower().replace("nanum", "")
    review = _review(client, keys, "2026Q3")
    # NPS in whole points, CSAT to two decimals, wherever they print.
    checkout_nps = next(r for r in review["nps"]["by_stage"] if r["key"] == "checkout")
    checkout_csat = next(r for r in review["csat"]["by_stage"] if r["key"] == "checkout")
    assert f"<td>{round(checkout_nps['nps'])}</td>" in html
    assert f"<td>{checkout_csat['mean']:.2f}</td>" in html
    assert not re.search(r"<td>-?\d+\.\d</td>", html)  # no value with one decimal anywhere
    assert [t["metric"] for t in review["trends"]] == ["nps", "csat"]
    assert review["trends"][0]["periods"][-1] == "2026Q3" and "<svg" in review["trends"][0]["svg"]
    lines = {t["key"]: t for t in review["touchpoints"]}
    assert lines["checkout"]["nps"]["n"] > 0 and lines["checkout"]["department"]


def test_summary_and_actions_in_plain_chinese(
    client: TestClient,
    keys: Headers,
    quarter: None,
) -> None:
    review = _review(client, keys, "2026Q3")
    assert any("整体 NPS 为" in line and "显著下降" in line for line in review["summary"])
    assert any("显著下降的阶段：结账" in line for line in review["summary"])
    actions = review["actions"]
    assert actions[0].startswith("「结账」阶段 NPS 较上期显著下降")
    assert any(a.startswith("改进「收银排队与结账」（收银部）") for a in actions)
    # No statistics jargon beyond an aspect problem's q, printed by the one rule (never 1e-05).
    assert not any(re.search(r"e-\d", a) for a in actions)
    assert review["summary"][-1] == f"最需要行动的一项：{actions[0]}"


def test_the_aspects_hook_feeds_the_action_list(
    client: TestClient,
    keys: Headers,
    quarter: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = "「排队」方面的差评显著增多，请收银部排查高峰时段人手。"
    monkeypatch.setattr(builder, "aspect_problem_actions", lambda *_: [line])
    assert line in _review(client, keys, "2026Q3")["actions"]


def test_case_figures_per_department(
    client: TestClient, session: Session, keys: Headers, quarter: None
) -> None:
    # Three detractors' cases opened in the quarter: two resolved (after 5 and 50 hours).
    detractors = session.scalars(
        select(Response).where(Response.nps <= 6).order_by(Response.id).limit(3)
    ).all()
    opened = datetime(2026, 8, 6, 9, 0, tzinfo=UTC)
    for response, hours in zip(detractors, (5, 50, None), strict=True):
        session.add(FollowUpCase(
            response_id=response.id, journey_id=response.journey_id,
            stage_id=response.stage_id, touchpoint_id=response.touchpoint_id,
            department="收银部", reasons=["nps<=6"], opened_at=opened, updated_at=opened,
            status="open" if hours is None else "resolved", hours_to_resolve=hours,
            resolved_at=None if hours is None else opened + timedelta(hours=hours),
        ))  # fmt: skip
    session.commit()
    review = _review(client, keys, "2026Q3")
    (cashiers,) = [d for d in review["cases"]["departments"] if d["department"] == "收银部"]
    assert (cashiers["open"], cashiers["closed"]) == (1, 2)
    html = _review(client, keys, "2026Q3", "html")
    row = re.search(r"<tr><td>收银部</td>(.*?)</tr>", html, re.S)
    assert row and "<td>1</td>" in row[1] and "<td>2</td>" in row[1] and "小时" in row[1]


def test_an_empty_period_says_so(client: TestClient, keys: Headers, retail: str) -> None:
    review = _review(client, keys, "2025Q1")
    assert review["period"]["has_data"] is False
    assert review["summary"] == ["本期没有收到任何顾客反馈（无数据），以下各表均无可报告的数字。"]
    assert review["actions"] == []
    html = _review(client, keys, "2025Q1", "html")
    assert "None" not in html and html.count("无数据") >= 5


def test_each_example_is_quoted_once() -> None:
    def term(name: str, examples: list[str]) -> TermOut:
        return TermOut(term=name, count=len(examples), share=0.5, score=1.0, examples=examples)

    groups = [
        TopicGroup(key="checkout", label="结账", comments=3, terms=[
            term("排队", ["排队太久，收银员态度差", "排队半小时"]),
            term("收银员", ["排队太久，收银员态度差", "收银员不耐烦"]),
        ]),
        TopicGroup(key="after_sales", label="售后", comments=1, terms=[
            term("态度", ["排队太久，收银员态度差"]),
        ]),
    ]  # fmt: skip
    found = builder.each_example_once(groups)
    quoted = [e for g in found for t in g.terms for e in t.examples]
    assert len(quoted) == len(set(quoted)) == 3
    assert [t.term for t in found[0].terms] == ["排队", "收银员"]  # terms stay, with their counts


def test_ipa_labels_never_overlap_even_when_crowded() -> None:
    rng = np.random.default_rng(3)
    anchors = [(float(x), float(y), f"触点{i}号标签") for i, (x, y) in
               enumerate(rng.normal([320, 230], 25, size=(18, 2)))]  # fmt: skip
    area = (58.0, 58.0, 582.0, 402.0)
    placed = place_labels(anchors, area)
    boxes = [(x, y - 12, x + text_width(t), y - 12 + 15) for (x, y, _), (_, _, t) in
             zip(placed, anchors, strict=True)]  # fmt: skip
    for i, a in enumerate(boxes):
        assert area[0] <= a[0] and a[2] <= area[2] and area[1] <= a[1] and a[3] <= area[3]
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    assert any(leader for _, _, leader in placed)  # crowded: some went further out


def test_the_review_ranks_stages_as_the_dashboard_does(
    client: TestClient, keys: Headers, quarter: None
) -> None:
    review = _review(client, keys, "2026Q3")
    dashboard = client.get("/v1/journeys/retail/overview?period=2026Q3", headers=keys["viewer"])
    assert dashboard.status_code == 200
    board = dashboard.json()
    # One judgement: the same ranking, the same weakest stage, wherever it is read.
    assert review["ranking"] == board["ranking"]
    assert review["overview"]["weakest_stage"] == board["weakest_stage"] == "checkout"
    assert review["overview"]["weakest_reason"] == board["weakest_reason"]
    # Every stage with answers is ranked, none skipped.
    ranked = {s["key"]: s for s in review["ranking"]["stages"]}
    asked = {s["key"] for s in review["overview"]["stages"] if s["n"] > 1}
    assert asked <= {k for k, s in ranked.items() if s["rank"] is not None}
    label = ranked[board["weakest_stage"]]["label"]
    assert any(f"最薄弱的阶段是「{label}」" in line for line in review["summary"])
    html = _review(client, keys, "2026Q3", "html")
    table = re.search(r'<table class="ranking">(.*?)</table>', html, re.S)
    assert table and table[1].index(label) < min(
        table[1].index(s["label"]) for s in review["ranking"]["stages"][1:]
    )


def test_significant_aspect_problems_are_acted_on_and_shown_per_stage(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    load_waiting_at_checkout(session)  # checkout's 排队等待 turns negative in 2026Q3
    period = parse_period("2026Q3", get_settings().tz)
    problems = aspect_problems(session, journey_view(session, "retail"), period)
    top = next(p for p in problems if p.group_key == "checkout" and p.aspect == "waiting")
    review = _review(client, keys, "2026Q3")
    q = formatting.q_value(top.q_value)
    baseline = "上季度" if top.against == "previous" else "旅程其他环节"
    line = next(a for a in review["actions"] if a.startswith("结账环节「排队等待」"))
    assert line.startswith(
        f"结账环节「排队等待」负面占比 {formatting.share(top.negative_share)}"
        f"（{baseline} {formatting.share(top.baseline_share)}，q{'' if q[0] == '<' else '='}{q}）："
    )
    assert "收银部" in line and "None" not in line and not re.search(r"e-\d", line)
    assert len([a for a in review["actions"] if "「排队等待」" in a]) == 1  # one line per aspect
    # The aspects per stage are /aspects?by=stage's figures, same shares and the same q.
    api = client.get(
        "/v1/journeys/retail/aspects?by=stage&period=2026Q3", headers=keys["viewer"]
    ).json()
    strip = [[{**row, "examples": None} for row in g["aspects"]] for g in api["groups"]]
    assert [[{**row, "examples": None} for row in g["aspects"]] for g in review["aspects"]] == strip
    quoted = [e["text"] for g in review["aspects"] for row in g["aspects"] for e in row["examples"]]
    pain = [e for g in review["pain_points"] for t in g["terms"] for e in t["examples"]]
    assert quoted and len(quoted) == len(set(quoted)) and not set(quoted) & set(pain)
    html = _review(client, keys, "2026Q3", "html")
    section = re.search(r'<section class="aspects">(.*?)</section>', html, re.S)
    assert section and "<h2>九、各阶段的方面" in section[1]
    row = re.search(r"<tr[^>]*><td class=\"text\">排队等待</td>(.*?)</tr>", section[1], re.S)
    waiting = next(r for g in api["groups"] if g["key"] == "checkout" for r in g["aspects"]
                   if r["aspect"] == "waiting")  # fmt: skip
    assert row and formatting.share(waiting["negative"]["share"]) in row[1]
    assert f"q={q}" in row[1] and "★" in row[1] and "None" not in section[1]


def test_an_aspect_rise_on_few_mentions_is_not_acted_on(session: Session, retail: str) -> None:
    from vocsvc.aspects.service import AspectProblem

    def problem(comments: int) -> AspectProblem:
        return AspectProblem(
            group_key="checkout", group_label="结账", aspect="waiting", aspect_name="排队等待",
            comments=comments, negative_share=0.38, negative_low=0.3, negative_high=0.46,
            against="previous", baseline_share=0.24, difference=0.14, q_value=0.0104,
            examples=("排队太久",), headline="",
        )  # fmt: skip

    view = journey_view(session, "retail")
    period = parse_period("2026Q3", get_settings().tz)
    assert builder.aspect_problem_actions(view, period, [problem(29)]) == []
    (line,) = builder.aspect_problem_actions(view, period, [problem(30), problem(30)])
    assert line.startswith("结账环节「排队等待」负面占比 38%（上季度 24%，q=0.010）：")
