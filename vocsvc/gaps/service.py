"""Internal-vs-customer gaps per touchpoint for a period, from SQL aggregates."""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from vocsvc.analytics.readmodel import JourneyView
from vocsvc.analytics.repository import AnalyticsRepository
from vocsvc.analytics.service import load_paired_counts, load_score_counts
from vocsvc.assessments.repository import AssessmentRepository
from vocsvc.gaps.analysis import GapAnalysis, TouchpointRatings, analyse_gaps
from vocsvc.gaps.schemas import GapRow, GapsReport
from vocsvc.periods import Period
from vocsvc.stats import CorrelationEstimate, Summary, derived_importance

PRIORITY_RULE = (
    "touchpoints the company significantly misjudges (importance or performance gap with "
    "BH q < 0.05) first; then by customer importance × shortfall (5 − customer CSAT); "
    "ties in journey order"
)
# The same rule as the quarterly review prints it.
PRIORITY_RULE_ZH = (
    "先列内部与顾客认知显著不一致的触点（重要性或表现差距 BH q < 0.05），"
    "再按 顾客重要性 ×（5 − 顾客 CSAT）从高到低；相同则按旅程顺序"
)


def compute_gaps(session: Session, journey: JourneyView, period: Period) -> GapAnalysis:
    """Run the gap analysis over the journey's active touchpoints for `period`."""
    repo = AnalyticsRepository(session)
    window = [(period.start, period.end)]
    importance = load_score_counts("importance")(repo, journey.id, "touchpoint", window)
    csat = load_score_counts("csat")(repo, journey.id, "touchpoint", window)
    internal = AssessmentRepository(session).sums(journey.id, period.label)
    pairs = load_paired_counts(repo, journey.id, window[0])
    ratings = []
    for position, group in enumerate(journey.touchpoints):
        tp_id = group.db_key
        staff = internal.get(tp_id, {})
        ratings.append(
            TouchpointRatings(
                key=group.key,
                stage=group.stage_key,
                department=group.owner or None,
                position=position,
                customer_importance=_from_counts(importance.get((0, tp_id))),
                customer_performance=_from_counts(csat.get((0, tp_id))),
                internal_importance=_from_sums(staff.get("importance")),
                internal_performance=_from_sums(staff.get("performance")),
                derived_importance=_derived(pairs.get(tp_id)),
            )
        )
    return analyse_gaps(ratings)


def _from_counts(counts: dict[int, int] | None) -> Summary | None:
    return Summary.from_counts(counts) if counts else None


def _from_sums(sums: tuple[int, float, float] | None) -> Summary | None:
    return Summary.from_sums(*sums) if sums else None


def _derived(pairs: dict[tuple[int, int], int] | None) -> CorrelationEstimate | None:
    """Spearman of CSAT with likelihood to recommend, from the (csat, nps) contingency counts."""
    if not pairs:
        return None
    keys = list(pairs)
    weights = [pairs[k] for k in keys]
    csat = np.repeat([k[0] for k in keys], weights)
    ltr = np.repeat([k[1] for k in keys], weights)
    return derived_importance(csat.tolist(), ltr.tolist())


def gaps_report(session: Session, journey: JourneyView, period: Period) -> GapsReport:
    """The gap analysis with names: a row per touchpoint in journey order, plus summaries."""
    analysis = compute_gaps(session, journey, period)
    groups = {g.key: g for g in journey.touchpoints}
    rows = []
    for item in analysis.touchpoints:
        group = groups[item.key]
        rows.append(
            GapRow(
                touchpoint=item.key,
                label=group.label,
                stage=group.stage_key,
                stage_label=journey.stage_name(group.stage_key),
                department=item.department,
                customer_importance=item.customer_importance,
                customer_performance=item.customer_performance,
                internal_importance=item.internal_importance,
                internal_performance=item.internal_performance,
                derived_importance=item.derived_importance,
                importance_gap=item.importance_gap,
                performance_gap=item.performance_gap,
                quadrant=item.quadrant,
                priority=item.priority,
                priority_score=item.priority_score,
                misjudged=item.misjudged,
            )
        )
    return GapsReport(
        journey=journey.key,
        period=period.label,
        rows=rows,
        importance_crosshair=analysis.importance_crosshair,
        performance_crosshair=analysis.performance_crosshair,
        by_stage=analysis.by_stage,
        by_department=analysis.by_department,
        most_misjudging_department=analysis.most_misjudging_department,
        priority_rule=PRIORITY_RULE,
    )
