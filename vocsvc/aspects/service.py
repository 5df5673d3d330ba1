"""Aspects per stage or touchpoint: what comments talk about, how negative, and what changed.

Counted from the aspect rollup over every comment of the period (vocsvc.rollups); one
Benjamini–Hochberg family per response (schemas.FAMILY). `aspect_problems` gives the quarterly
review its "what to act on" list from the same figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy.orm import Session

from vocsvc.analytics.ranking import MetricEstimate
from vocsvc.analytics.readmodel import Group, JourneyView
from vocsvc.analytics.service import period_out
from vocsvc.aspects.repository import AspectCounts, AspectRepository
from vocsvc.aspects.schemas import (
    Against,
    AspectGroup,
    AspectRow,
    AspectsBy,
    AspectsReport,
    ComparisonOut,
    ExampleOut,
    ShareOut,
    Side,
)
from vocsvc.config import get_settings
from vocsvc.periods import Period
from vocsvc.rollups.service import ANY_POLARITY, period_days
from vocsvc.stats import ProportionEstimate, benjamini_hochberg, proportion_difference
from vocsvc.stats import wilson_interval as wilson
from vocsvc.text.aspects import ASPECT_KEYS, BY_KEY

SIDES: tuple[Side, ...] = ("negative", "positive")
SIGNIFICANT_Q = 0.05
EXAMPLES = 3


@dataclass(frozen=True)
class Comparison:
    against: Against
    side: Side
    baseline_comments: int
    baseline_share: float
    difference: float
    low: float
    high: float
    p_value: float
    q_value: float | None = None

    @property
    def significant(self) -> bool:
        return self.q_value is not None and self.q_value < SIGNIFICANT_Q


@dataclass(frozen=True)
class AspectStat:
    """One aspect in one group and period, with its comparisons and examples."""

    group: Group
    aspect: str
    comments: int
    negative: ProportionEstimate
    positive: ProportionEstimate
    changes: tuple[Comparison, ...]
    examples: tuple[tuple[str, Side], ...]


@dataclass(frozen=True)
class AspectProblem:
    """A significant rise of an aspect's negative share, for a "what to act on" list."""

    group_key: str
    group_label: str
    aspect: str
    aspect_name: str  # Chinese
    comments: int  # comments of the group mentioning the aspect in the period
    negative_share: float
    negative_low: float
    negative_high: float
    against: Against  # previous period, or the rest of the journey
    baseline_share: float
    difference: float  # share points, 0-1
    q_value: float
    examples: tuple[str, ...]  # negative clauses
    headline: str  # one sentence in plain business Chinese


@dataclass(frozen=True)
class StageFindings:
    """Aspects per stage of one period, computed once: the report, its significant problems and
    each stage's positive-share estimates for the weakest-stage ranking (analytics.ranking)."""

    report: AspectsReport
    problems: list[AspectProblem]
    estimates: dict[str, list[MetricEstimate]]  # by stage key


def aspects_report(
    session: Session, journey: JourneyView, by: AspectsBy, period: Period | None
) -> AspectsReport:
    """Aspects per group for the period, with shares, intervals, changes and examples."""
    stats, comments = _compute(session, journey, by, period)
    return _report(journey, by, period, stats, comments)


def aspect_problems(
    session: Session, journey: JourneyView, period: Period, by: AspectsBy = "stage"
) -> list[AspectProblem]:
    """Aspects whose negative share rose significantly (BH q < 0.05) against the previous period
    or the rest of the journey; the clearest (smallest q, then largest rise) first."""
    return _problems(_compute(session, journey, by, period)[0])


def stage_findings(session: Session, journey: JourneyView, period: Period | None) -> StageFindings:
    """The stage report, its problems and the ranking's aspect evidence from one computation,
    so the dashboard's map, the review and /aspects?by=stage show the same shares and q."""
    stats, comments = _compute(session, journey, "stage", period)
    estimates: dict[str, list[MetricEstimate]] = {}
    for s in stats:
        if s.positive.low_sample:  # under 30 mentions: shown, but no evidence for the ranking
            continue
        estimates.setdefault(s.group.key, []).append(
            MetricEstimate("aspect", s.positive.share, s.positive.low, s.positive.high,
                           s.comments, False, BY_KEY[s.aspect].name)
        )  # fmt: skip
    return StageFindings(
        _report(journey, "stage", period, stats, comments), _problems(stats), estimates
    )


def _report(
    journey: JourneyView,
    by: AspectsBy,
    period: Period | None,
    stats: list[AspectStat],
    comments: dict[int, int],
) -> AspectsReport:
    groups = []
    for g in journey.groups(by):
        rows = [_row(s) for s in stats if s.group.key == g.key]
        groups.append(
            AspectGroup(key=g.key, label=g.label, comments=comments.get(g.db_key, 0), aspects=rows)
        )
    return AspectsReport(
        by=by, period=period_out(period), comments=sum(comments.values()), groups=groups
    )


def _problems(stats: list[AspectStat]) -> list[AspectProblem]:
    found = []
    for s in stats:
        for c in s.changes:
            if c.side != "negative" or not c.significant or c.difference <= 0:
                continue
            assert c.q_value is not None
            found.append(
                AspectProblem(
                    group_key=s.group.key,
                    group_label=s.group.label,
                    aspect=s.aspect,
                    aspect_name=BY_KEY[s.aspect].name,
                    comments=s.comments,
                    negative_share=s.negative.share,
                    negative_low=s.negative.low,
                    negative_high=s.negative.high,
                    against=c.against,
                    baseline_share=c.baseline_share,
                    difference=c.difference,
                    q_value=c.q_value,
                    examples=tuple(t for t, side in s.examples if side == "negative"),
                    headline=_headline(s, c),
                )
            )
    return sorted(found, key=lambda p: (p.q_value, -p.difference, p.group_key, p.aspect))


def _headline(s: AspectStat, c: Comparison) -> str:
    baseline = "上一期" if c.against == "previous" else "旅程其他环节"
    return (
        f"{s.group.label}的“{BY_KEY[s.aspect].name}”差评占比 {s.negative.share:.0%}"
        f"（{s.comments} 条提及），比{baseline}（{c.baseline_share:.0%}）"
        f"高 {c.difference * 100:.0f} 个百分点"
    )


def _compute(
    session: Session, journey: JourneyView, by: AspectsBy, period: Period | None
) -> tuple[list[AspectStat], dict[int, int]]:
    tz = get_settings().tz
    repo = AspectRepository(session)
    days = period_days(session, period, tz)
    now = repo.counts(journey.id, by, days)
    before: AspectCounts = {}
    if period is not None:
        before = repo.counts(journey.id, by, period_days(session, period.previous(), tz))
    comments = repo.comment_counts(journey.id, by, days)
    totals = _journey_totals(now)
    groups = journey.groups(by)
    mentioned = sorted({a for (_, a, p) in now if p == ANY_POLARITY}, key=ASPECT_KEYS.index)
    examples = {
        side: repo.examples(journey.id, by, side, days, mentioned, EXAMPLES) for side in SIDES
    }
    stats: list[AspectStat] = []
    for g in groups:
        for aspect in mentioned:
            n = now.get((g.db_key, aspect, ANY_POLARITY), 0)
            if not n:
                continue
            shares = {side: wilson(now.get((g.db_key, aspect, side), 0), n) for side in SIDES}
            changes = []
            for side in SIDES:
                k = now.get((g.db_key, aspect, side), 0)
                if period is not None:
                    b_n = before.get((g.db_key, aspect, ANY_POLARITY), 0)
                    b_k = before.get((g.db_key, aspect, side), 0)
                    changes.append(_compare("previous", side, (k, n), (b_k, b_n)))
                rest_n = totals.get((aspect, ANY_POLARITY), 0) - n
                rest_k = totals.get((aspect, side), 0) - k
                changes.append(_compare("rest", side, (k, n), (rest_k, rest_n)))
            stats.append(
                AspectStat(
                    g,
                    aspect,
                    n,
                    shares["negative"],
                    shares["positive"],
                    tuple(changes),
                    _examples(examples, g.db_key, aspect, shares),
                )
            )
    return _with_q(stats), comments


def _journey_totals(counts: AspectCounts) -> dict[tuple[str, str], int]:
    totals: dict[tuple[str, str], int] = {}
    for (_, aspect, polarity), n in counts.items():
        totals[(aspect, polarity)] = totals.get((aspect, polarity), 0) + n
    return totals


def _compare(
    against: Against, side: Side, now: tuple[int, int], base: tuple[int, int]
) -> Comparison:
    d = proportion_difference(now, base)
    baseline = base[0] / base[1] if base[1] else math.nan
    return Comparison(against, side, base[1], baseline, d.difference, d.low, d.high, d.p_value)


def _with_q(stats: list[AspectStat]) -> list[AspectStat]:
    """BH q-values over every comparison of the response: one family."""
    p_values = [None if math.isnan(c.p_value) else c.p_value for s in stats for c in s.changes]
    q_values = iter(benjamini_hochberg(p_values))
    out = []
    for s in stats:
        changes = tuple(
            Comparison(c.against, c.side, c.baseline_comments, c.baseline_share, c.difference,
                       c.low, c.high, c.p_value, next(q_values))
            for c in s.changes
        )  # fmt: skip
        out.append(AspectStat(s.group, s.aspect, s.comments, s.negative, s.positive, changes,
                              s.examples))  # fmt: skip
    return out


def _examples(
    found: dict[Side, dict[tuple[int, str], list[str]]],
    group_id: int,
    aspect: str,
    shares: dict[Side, ProportionEstimate],
) -> tuple[tuple[str, Side], ...]:
    """Up to three clauses, from the side most comments take first (two of it, one of the
    other when there is one), none twice."""
    first: Side = "negative" if shares["negative"].share >= shares["positive"].share else "positive"
    second: Side = "positive" if first == "negative" else "negative"
    primary = found[first].get((group_id, aspect), [])
    other = [t for t in found[second].get((group_id, aspect), []) if t not in primary]
    picked = [(t, first) for t in primary[:2]] + [(t, second) for t in other[:1]]
    picked += [(t, first) for t in primary[2:]][: EXAMPLES - len(picked)]
    return tuple(picked)


def _num(x: float) -> float | None:
    return None if math.isnan(x) else x


def _share(e: ProportionEstimate) -> ShareOut:
    return ShareOut(count=e.successes, share=_num(e.share), ci_low=_num(e.low) if e.n else None,
                    ci_high=_num(e.high) if e.n else None)  # fmt: skip


def _row(s: AspectStat) -> AspectRow:
    return AspectRow(
        aspect=s.aspect, label=BY_KEY[s.aspect].name, comments=s.comments,
        negative=_share(s.negative), positive=_share(s.positive),
        low_sample=s.negative.low_sample,
        changes=[
            ComparisonOut(
                against=c.against, side=c.side, baseline_comments=c.baseline_comments,
                baseline_share=_num(c.baseline_share), difference=_num(c.difference),
                ci_low=_num(c.low) if c.baseline_comments else None,
                ci_high=_num(c.high) if c.baseline_comments else None,
                p_value=_num(c.p_value), q_value=c.q_value, significant=c.significant,
            )
            for c in s.changes
        ],
        examples=[ExampleOut(text=t, polarity=p) for t, p in s.examples],
    )  # fmt: skip
