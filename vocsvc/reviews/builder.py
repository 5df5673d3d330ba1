"""Assemble a quarterly review from the analytics, gap and topic services."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vocsvc.analytics.service import breakdown, period_out
from vocsvc.analytics.views import overview
from vocsvc.gaps.service import gaps_report
from vocsvc.models import Journey, utcnow
from vocsvc.periods import Period
from vocsvc.reviews.charts import IPAPoint, ipa_svg
from vocsvc.topics.service import topics

QUADRANT_ZH = {
    "concentrate_here": "重点改进",
    "keep_up_the_good_work": "继续保持",
    "low_priority": "低优先级",
    "possible_overkill": "可能过度投入",
}


def build_review(session: Session, journey: Journey, period: Period) -> dict[str, Any]:
    """Every section of the review as JSON-friendly data (the HTML renders exactly this)."""
    nps_overall, nps_rows = breakdown(session, journey, "nps", "stage", period)
    csat_overall, csat_rows = breakdown(session, journey, "csat", "stage", period)
    gaps = gaps_report(session, journey, period)
    pain = topics(session, journey, "stage", period, "negative", top_n=5)
    content: dict[str, Any] = {
        "journey": {"key": journey.key, "name": journey.name},
        "period": period_out(period).model_dump(),
        "generated_at": utcnow().isoformat(),
        "nps": {
            "overall": nps_overall.model_dump(),
            "by_stage": [r.model_dump() for r in nps_rows],
        },
        "csat": {
            "overall": csat_overall.model_dump(),
            "by_stage": [r.model_dump() for r in csat_rows],
        },
        "overview": overview(session, journey, period).model_dump(),
        "gaps": {**gaps, "rows": sorted(gaps["rows"], key=lambda r: r["priority"])},
        "ipa_svg": _ipa(gaps),
        "pain_points": [
            {"stage": g["key"], "label": g["label"], "comments": g["comments"], "terms": g["terms"]}
            for g in pain["groups"]
        ],
        "movers": movers(session, journey, period),
    }
    content["actions"] = actions(content)
    return content


def _ipa(gaps: dict[str, Any]) -> str:
    points = [
        IPAPoint(
            r["label"],
            r["customer_importance"]["mean"],
            r["customer_performance"]["mean"],
            r["quadrant"],
        )
        for r in gaps["rows"]
        if r["customer_importance"] and r["customer_performance"]
    ]
    return ipa_svg(points, gaps["importance_crosshair"], gaps["performance_crosshair"])


def movers(
    session: Session, journey: Journey, period: Period, limit: int = 5
) -> list[dict[str, Any]]:
    """Touchpoints whose NPS or CSAT changed significantly against the previous period."""
    found = []
    for metric, value_field in (("nps", "nps"), ("csat", "mean")):
        for row in breakdown(session, journey, metric, "touchpoint", period)[1]:
            change = row.change
            if change is None or not change.significant or change.difference is None:
                continue
            found.append({
                "touchpoint": row.key, "label": row.label, "metric": metric,
                "value": getattr(row, value_field), "previous": change.previous,
                "difference": change.difference, "ci_low": change.ci_low, "ci_high": change.ci_high,
                "q_value": change.q_value, "n": row.n,
            })  # fmt: skip
    scale = {"nps": 100.0, "csat": 2.0}  # rank NPS points and CSAT points on a comparable scale
    found.sort(key=lambda m: -abs(m["difference"]) / scale[m["metric"]])
    return found[:limit]


def actions(content: dict[str, Any]) -> list[str]:
    """A short, data-derived list of what to act on, most pressing first."""
    out: list[str] = []
    for row in content["gaps"]["rows"][:3]:
        if row["quadrant"] == "concentrate_here" or row["misjudged"]:
            reasons = []
            if row["quadrant"] == "concentrate_here":
                reasons.append("顾客认为重要但表现偏低")
            gap = row["performance_gap"]
            if gap and gap["significant"] and gap["value"] > 0:
                reasons.append(f"内部高估表现 {gap['value']:+.2f} 分（q={gap['q_value']:.3g}）")
            gap = row["importance_gap"]
            if gap and gap["significant"] and gap["value"] < 0:
                reasons.append(f"内部低估重要性 {gap['value']:+.2f} 分（q={gap['q_value']:.3g}）")
            owner = f"（{row['department']}）" if row["department"] else ""
            out.append(f"改进「{row['label']}」{owner}：" + "；".join(reasons))
    for miss in content["overview"]["moments_of_truth_below_target"]:
        if miss["significantly_below"]:
            metric = miss["metric"].upper()
            out.append(
                f"关键时刻「{miss['label']}」的 {metric} {miss['value']} "
                f"显著低于目标 {miss['target']}"
            )
    for mover in content["movers"]:
        if mover["difference"] < 0:
            metric = mover["metric"].upper()
            out.append(f"查明「{mover['label']}」{metric} 显著下降 {mover['difference']:+} 的原因")
    for group in content["pain_points"]:
        if group["terms"]:
            term = group["terms"][0]
            out.append(
                f"{group['label']}阶段最突出的抱怨是「{term['term']}」"
                f"（{term['count']} 条差评提及）"
            )
    return out[:8] or ["本期没有显著的问题信号；继续收集反馈以提高估计精度。"]
