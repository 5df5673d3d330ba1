"""Internal-vs-customer gaps per touchpoint for a period, from SQL aggregates."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from vocsvc.analytics.repository import AnalyticsRepository
from vocsvc.analytics.service import journey_groups, load_score_counts
from vocsvc.assessments.repository import AssessmentRepository
from vocsvc.gaps.analysis import GapAnalysis, TouchpointRatings, analyse_gaps
from vocsvc.models import Journey
from vocsvc.periods import Period
from vocsvc.stats import Summary, derived_importance

ROW_FIELDS = (
    "customer_importance", "customer_performance", "internal_importance", "internal_performance",
    "derived_importance", "importance_gap", "performance_gap", "quadrant", "priority",
    "priority_score", "misjudged",
)  # fmt: skip
PRIORITY_RULE = (
    "touchpoints the company significantly misjudges (importance or performance gap with "
    "BH q < 0.05) first; then by customer importance × shortfall (5 − customer CSAT); "
    "ties in journey order"
)


def compute_gaps(session: Session, journey: Journey, period: Period) -> GapAnalysis:
    """Run the gap analysis over the journey's active touchpoints for `period`."""
    repo = AnalyticsRepository(session)
    window = [(period.start, period.end)]
    importance = load_score_counts("importance")(repo, journey.id, "touchpoint", window)
    csat = load_score_counts("csat")(repo, journey.id, "touchpoint", window)
    internal = AssessmentRepository(session).sums(journey.id, period.label)
    pairs = repo.paired_counts(journey.id, window[0], "csat", "nps")
    ratings = []
    for position, group in enumerate(journey_groups(journey, "touchpoint")):
        tp_id = group.db_key
        staff = internal.get(tp_id, {})
        ratings.append(
            TouchpointRatings(
                key=group.key,
                stage=group.stage_key,
                department=_department(journey, tp_id),
                position=position,
                customer_importance=_from_counts(importance.get((0, tp_id))),
                customer_performance=_from_counts(csat.get((0, tp_id))),
                internal_importance=_from_sums(staff.get("importance")),
                internal_performance=_from_sums(staff.get("performance")),
                derived_importance=_derived(pairs.get(tp_id)),
            )
        )
    return analyse_gaps(ratings)


def _department(journey: Journey, touchpoint_id: int) -> str | None:
    for stage in journey.stages:
        for tp in stage.touchpoints:
            if tp.id == touchpoint_id:
                return tp.owner or None
    return None


def _from_counts(counts: dict[int, int] | None) -> Summary | None:
    return Summary.from_counts(counts) if counts else None


def _from_sums(sums: tuple[int, float, float] | None) -> Summary | None:
    return Summary.from_sums(*sums) if sums else None


def _derived(pairs: dict[tuple[int, int], int] | None) -> Any:
    """Spearman of CSAT with likelihood to recommend, from the (csat, nps) contingency counts."""
    if not pairs:
        return None
    keys = list(pairs)
    weights = [pairs[k] for k in keys]
    csat = np.repeat([k[0] for k in keys], weights)
    ltr = np.repeat([k[1] for k in keys], weights)
    return derived_importance(csat.tolist(), ltr.tolist())


def gaps_report(session: Session, journey: Journey, period: Period) -> dict[str, Any]:
    """The gap analysis as JSON: a row per touchpoint in journey order, plus summaries."""
    analysis = compute_gaps(session, journey, period)
    names = {g.key: (g.label, g.stage_key) for g in journey_groups(journey, "touchpoint")}
    stage_names = {s.key: s.name for s in journey.stages}
    rows = []
    for item in analysis.touchpoints:
        data = item.to_dict()
        label, stage = names[item.key]
        rows.append(
            {
                "touchpoint": item.key,
                "label": label,
                "stage": stage,
                "stage_label": stage_names.get(stage, stage),
                "department": item.department,
                **{k: data[k] for k in ROW_FIELDS},
            }
        )
    summary = analysis.to_dict()
    return {
        "journey": journey.key,
        "period": period.label,
        "rows": rows,
        "importance_crosshair": summary["importance_crosshair"],
        "performance_crosshair": summary["performance_crosshair"],
        "by_stage": summary["by_stage"],
        "by_department": summary["by_department"],
        "most_misjudging_department": summary["most_misjudging_department"],
        "priority_rule": PRIORITY_RULE,
    }
