"""Journey gap analysis: internal vs customer importance/performance, IPA quadrants, priorities.

Pure (numpy/scipy via vocsvc.stats). Per touchpoint, staff and customers each rate importance and
performance on 1-5; gaps are internal mean - customer mean (positive = staff rate it higher than
customers do) with Welch t intervals, and q-values are Benjamini-Hochberg across the journey's
touchpoints, separately for importance and for performance gaps.

IPA (Martilla & James 1977) places each touchpoint on the customer view, crosshairs at the mean
over plotted touchpoints of customer importance and of customer performance.

Priority (1 = act first):
  1. touchpoints the company misjudges (importance or performance gap with q < alpha) first;
  2. then by score = customer importance x max(0, target - customer performance), descending,
     with target = 5 (top of the scale), so important, poorly performing touchpoints lead;
     touchpoints without a score go last within their tier;
  3. ties broken by journey position, then key.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from vocsvc.gaps.quadrants import quadrant_for
from vocsvc.stats import (
    CorrelationEstimate,
    Summary,
    benjamini_hochberg,
    mean_interval,
    welch_test,
)

Pair = tuple[Summary | None, Summary | None]


@dataclass(frozen=True)
class TouchpointRatings:
    """Aggregated ratings of one touchpoint; a side is None (or n == 0) when nobody rated it."""

    key: str
    stage: str
    department: str | None
    position: int
    customer_importance: Summary | None = None
    customer_performance: Summary | None = None
    internal_importance: Summary | None = None
    internal_performance: Summary | None = None
    derived_importance: CorrelationEstimate | None = None


@dataclass(frozen=True)
class SideMean:
    """One side's mean rating with its t interval (None bounds when n < 2)."""

    mean: float
    n: int
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Gap:
    """internal mean - customer mean with Welch CI, p-value and journey-wide BH q-value."""

    value: float
    ci_low: float | None  # None when both sides have zero variance
    ci_high: float | None
    p_value: float | None
    q_value: float | None
    n_internal: int
    n_customer: int
    significant: bool  # q < alpha

    @property
    def weight(self) -> float:
        """Effective n of a two-sample difference, n_i*n_c/(n_i+n_c), for pooling across gaps."""
        return self.n_internal * self.n_customer / (self.n_internal + self.n_customer)


@dataclass(frozen=True)
class TouchpointGap:
    """Gap-analysis result for one touchpoint."""

    key: str
    stage: str
    department: str | None
    position: int
    customer_importance: SideMean | None
    customer_performance: SideMean | None
    internal_importance: SideMean | None
    internal_performance: SideMean | None
    importance_gap: Gap | None
    performance_gap: Gap | None
    derived_importance: CorrelationEstimate | None
    quadrant: str | None
    priority_score: float | None
    priority: int

    @property
    def misjudged(self) -> bool:
        """True when staff significantly misjudge importance or performance."""
        return any(g is not None and g.significant for g in self.gaps)

    @property
    def gaps(self) -> tuple[Gap | None, Gap | None]:
        """(importance_gap, performance_gap)."""
        return self.importance_gap, self.performance_gap


@dataclass(frozen=True)
class GroupSummary:
    """SERVQUAL-style roll-up of gaps for a stage or a department."""

    name: str
    touchpoints: int
    mean_importance_gap: float | None  # weighted by each gap's effective n
    mean_performance_gap: float | None
    significant_gaps: int  # significant importance + performance gaps
    misjudged_touchpoints: int
    mean_abs_significant_gap: float | None  # plain mean of |gap| over significant gaps


@dataclass(frozen=True)
class GapAnalysis:
    """A journey's gap analysis: touchpoints in journey order plus roll-ups."""

    touchpoints: tuple[TouchpointGap, ...]
    importance_crosshair: float | None
    performance_crosshair: float | None
    by_stage: tuple[GroupSummary, ...]
    by_department: tuple[GroupSummary, ...]
    most_misjudging_department: str | None
    alpha: float

    def by_priority(self) -> list[TouchpointGap]:
        """Touchpoints ordered by priority (1 first)."""
        return sorted(self.touchpoints, key=lambda t: t.priority)


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _side(summary: Summary | None, confidence: float) -> SideMean | None:
    if summary is None or summary.n == 0:
        return None
    est = mean_interval(summary, confidence)
    return SideMean(est.mean, est.n, _finite(est.low), _finite(est.high))


def _gaps(pairs: Sequence[Pair], alpha: float, confidence: float) -> list[Gap | None]:
    """Welch gaps (internal - customer) for one kind across the journey, with BH q-values."""
    tests = [
        welch_test(i, c, confidence)
        if i is not None and c is not None and min(i.n, c.n) >= 2
        else None
        for i, c in pairs
    ]
    # Zero-variance pairs have no p-value; they pass through BH as None and are not significant.
    p_values = [None if t is None else _finite(t.p_value) for t in tests]
    q_values = benjamini_hochberg(p_values)
    out: list[Gap | None] = []
    for t, p, q in zip(tests, p_values, q_values, strict=True):
        if t is None:
            out.append(None)
            continue
        low, high, significant = _finite(t.low), _finite(t.high), q is not None and q < alpha
        out.append(Gap(t.difference, low, high, p, q, t.n_a, t.n_b, significant))
    return out


def _quadrant(imp: float, perf: float, imp_cross: float, perf_cross: float) -> str:
    return quadrant_for(important=imp >= imp_cross, performing=perf >= perf_cross).key


def _weighted(gaps: Sequence[Gap]) -> float | None:
    total = sum(g.weight for g in gaps)
    return sum(g.value * g.weight for g in gaps) / total if total > 0 else None


def _group(
    items: Sequence[TouchpointGap], key: Callable[[TouchpointGap], str | None]
) -> tuple[GroupSummary, ...]:
    groups: dict[str, list[TouchpointGap]] = {}  # insertion order = first appearance in journey
    for t in items:
        if (name := key(t)) is not None:
            groups.setdefault(name, []).append(t)
    out = []
    for name, members in groups.items():
        imp = [t.importance_gap for t in members if t.importance_gap is not None]
        perf = [t.performance_gap for t in members if t.performance_gap is not None]
        hits = [g for g in (*imp, *perf) if g.significant]
        mean_abs = sum(abs(g.value) for g in hits) / len(hits) if hits else None
        misjudged = sum(t.misjudged for t in members)
        out.append(
            GroupSummary(
                name, len(members), _weighted(imp), _weighted(perf), len(hits), misjudged, mean_abs
            )
        )
    return tuple(out)


def _rank_key(item: tuple[int, TouchpointGap]) -> tuple[bool, bool, float, int]:
    index, tg = item
    score = tg.priority_score
    return (not tg.misjudged, score is None, -(score or 0.0), index)


def analyse_gaps(
    touchpoints: Sequence[TouchpointRatings],
    alpha: float = 0.05,
    confidence: float = 0.95,
    target: float = 5.0,
) -> GapAnalysis:
    """Analyse one journey; touchpoints without a department are left out of by_department."""
    keys = [t.key for t in touchpoints]
    if len(set(keys)) != len(keys):
        raise ValueError("touchpoint keys must be unique within a journey")
    tps = sorted(touchpoints, key=lambda t: (t.position, t.key))
    imp = [(t.internal_importance, t.customer_importance) for t in tps]
    perf = [(t.internal_performance, t.customer_performance) for t in tps]
    imp_gaps, perf_gaps = _gaps(imp, alpha, confidence), _gaps(perf, alpha, confidence)
    cust = [
        (_side(t.customer_importance, confidence), _side(t.customer_performance, confidence))
        for t in tps
    ]
    plotted = [(ci.mean, cp.mean) for ci, cp in cust if ci is not None and cp is not None]
    imp_cross = sum(i for i, _ in plotted) / len(plotted) if plotted else None
    perf_cross = sum(p for _, p in plotted) / len(plotted) if plotted else None

    draft: list[TouchpointGap] = []
    for t, (ci, cp), ig, pg in zip(tps, cust, imp_gaps, perf_gaps, strict=True):
        quadrant = score = None
        if ci is not None and cp is not None and imp_cross is not None and perf_cross is not None:
            quadrant = _quadrant(ci.mean, cp.mean, imp_cross, perf_cross)
            score = ci.mean * max(0.0, target - cp.mean)
        ii, ip = _side(t.internal_importance, confidence), _side(t.internal_performance, confidence)
        draft.append(
            TouchpointGap(
                t.key, t.stage, t.department, t.position, ci, cp, ii, ip,
                ig, pg, t.derived_importance, quadrant, score, 0,
            )
        )  # fmt: skip
    ranks = {i: r for r, (i, _) in enumerate(sorted(enumerate(draft), key=_rank_key), start=1)}
    result = tuple(replace(tg, priority=ranks[i]) for i, tg in enumerate(draft))

    by_department = _group(result, lambda t: t.department)
    flagged = [g for g in by_department if g.mean_abs_significant_gap is not None]
    # Ties on the mean |gap| go to the department with more significant gaps, then journey order.
    worst = max(
        flagged, key=lambda g: (g.mean_abs_significant_gap or 0.0, g.significant_gaps), default=None
    )
    return GapAnalysis(
        result,
        imp_cross,
        perf_cross,
        _group(result, lambda t: t.stage),
        by_department,
        None if worst is None else worst.name,
        alpha,
    )
