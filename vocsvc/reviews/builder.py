"""Assemble a quarterly review from the analytics, gap and topic services."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vocsvc.analytics.readmodel import JourneyView
from vocsvc.analytics.schemas import TargetMiss
from vocsvc.analytics.views import Breakdowns, overview
from vocsvc.gaps.quadrants import CONCENTRATE
from vocsvc.gaps.schemas import GapRow, GapsReport
from vocsvc.gaps.service import gaps_report
from vocsvc.models import utcnow
from vocsvc.periods import Period
from vocsvc.reviews.charts import IPAPoint, ipa_svg
from vocsvc.reviews.schemas import (
    CSATSection,
    JourneyRef,
    Mover,
    NPSSection,
    PainPoints,
    ReviewContent,
)
from vocsvc.topics.service import topics


def build_review(session: Session, journey: JourneyView, period: Period) -> ReviewContent:
    """Every section of the review (the HTML renders exactly this); each breakdown made once."""
    computed = Breakdowns(session, journey, period)
    nps_overall, nps_by_stage = computed.nps("stage")
    csat_overall, csat_by_stage = computed.csat("stage")
    gaps = gaps_report(session, journey, period)
    chart = _ipa(gaps)  # points in journey order, before the rows are ranked
    gaps.rows.sort(key=lambda row: row.priority)
    pain = topics(session, journey, "stage", period, "negative", top_n=5)
    pain_points = [
        PainPoints(stage=g.key, label=g.label, comments=g.comments, terms=g.terms)
        for g in pain.groups
    ]
    journey_map = overview(session, journey, period, computed)
    changes = movers(computed)
    return ReviewContent(
        journey=JourneyRef(key=journey.key, name=journey.name),
        period=journey_map.period,
        generated_at=utcnow().isoformat(),
        nps=NPSSection(overall=nps_overall, by_stage=nps_by_stage),
        csat=CSATSection(overall=csat_overall, by_stage=csat_by_stage),
        overview=journey_map,
        gaps=gaps,
        ipa_svg=chart,
        pain_points=pain_points,
        movers=changes,
        actions=actions(gaps.rows, journey_map.moments_of_truth_below_target, changes, pain_points),
    )


def _ipa(gaps: GapsReport) -> str:
    points = [
        IPAPoint(r.label, r.customer_importance.mean, r.customer_performance.mean, r.quadrant)
        for r in gaps.rows
        if r.customer_importance and r.customer_performance
    ]
    return ipa_svg(points, gaps.importance_crosshair, gaps.performance_crosshair)


def movers(computed: Breakdowns, limit: int = 5) -> list[Mover]:
    """Touchpoints whose NPS or CSAT changed significantly against the previous period."""
    found: list[Mover] = []
    nps_rows = [(row, row.nps) for row in computed.nps("touchpoint")[1]]
    csat_rows = [(row, row.mean) for row in computed.csat("touchpoint")[1]]
    for metric, rows in (("nps", nps_rows), ("csat", csat_rows)):
        for row, value in rows:
            change = row.change
            if change is None or not change.significant or change.difference is None:
                continue
            found.append(Mover(
                touchpoint=row.key, label=row.label, metric=metric, value=value,
                previous=change.previous, difference=change.difference, ci_low=change.ci_low,
                ci_high=change.ci_high, q_value=change.q_value, n=row.n,
            ))  # fmt: skip
    scale = {"nps": 100.0, "csat": 2.0}  # rank NPS points and CSAT points on a comparable scale
    found.sort(key=lambda m: -abs(m.difference) / scale[m.metric])
    return found[:limit]


def actions(
    ranked: list[GapRow],
    target_misses: list[TargetMiss],
    changes: list[Mover],
    pain_points: list[PainPoints],
) -> list[str]:
    """A short, data-derived list of what to act on, most pressing first."""
    out: list[str] = []
    for row in ranked[:3]:
        if row.quadrant == CONCENTRATE or row.misjudged:
            reasons = []
            if row.quadrant == CONCENTRATE:
                reasons.append("顾客认为重要但表现偏低")
            gap = row.performance_gap
            if gap and gap.significant and gap.value > 0:
                reasons.append(f"内部高估表现 {gap.value:+.2f} 分（q={gap.q_value:.3g}）")
            gap = row.importance_gap
            if gap and gap.significant and gap.value < 0:
                reasons.append(f"内部低估重要性 {gap.value:+.2f} 分（q={gap.q_value:.3g}）")
            owner = f"（{row.department}）" if row.department else ""
            out.append(f"改进「{row.label}」{owner}：" + "；".join(reasons))
    for miss in target_misses:
        if miss.significantly_below:
            out.append(
                f"关键时刻「{miss.label}」的 {miss.metric.upper()} {miss.value} "
                f"显著低于目标 {miss.target}"
            )
    for mover in changes:
        if mover.difference < 0:
            metric = mover.metric.upper()
            out.append(f"查明「{mover.label}」{metric} 显著下降 {mover.difference:+} 的原因")
    for group in pain_points:
        if group.terms:
            term = group.terms[0]
            out.append(f"{group.label}阶段最突出的抱怨是「{term.term}」（{term.count} 条差评提及）")
    return out[:8] or ["本期没有显著的问题信号；继续收集反馈以提高估计精度。"]
