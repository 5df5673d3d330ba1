"""Journey-level views built on breakdowns: trends over periods and the journey map overview."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy.orm import Session

from vocsvc.analytics.cards import Miss, Score, card_status
from vocsvc.analytics.ranking import MetricEstimate, StageEvidence, StageRanking, rank_stages
from vocsvc.analytics.readmodel import JourneyView
from vocsvc.analytics.repository import AnalyticsRepository, GroupBy
from vocsvc.analytics.schemas import (
    CardFlagOut,
    CSATRow,
    JourneyMap,
    NPSRow,
    Overview,
    PeriodCatalogue,
    PeriodStatus,
    RankedStageOut,
    SentimentRow,
    StageOverview,
    StageRankingOut,
    TargetMiss,
    TouchpointCard,
    TrendPoint,
    TrendReport,
    TrendSeries,
)
from vocsvc.analytics.service import (
    METRICS,
    family_breakdown,
    family_levels,
    level_groups,
    period_out,
    rollup_days,
    significance_family,
)
from vocsvc.installation.service import rollup_timezone
from vocsvc.periods import (
    Period,
    in_progress,
    invalid_period,
    last_complete_quarter,
    period_of,
    periods_ending,
)

VALUE_FIELD = {"nps": "nps", "csat": "mean", "sentiment": "mean"}


class Breakdowns:
    """One journey's breakdowns for one period, each computed on first use and then reused."""

    def __init__(self, session: Session, journey: JourneyView, period: Period | None) -> None:
        self.session = session
        self.journey = journey
        self.period = period
        self._computed: dict[tuple[str, tuple[GroupBy, ...]], dict[GroupBy, list[Any]]] = {}

    def get(self, metric: str, by: GroupBy) -> tuple[Any, list[Any]]:
        """(overall row, rows) of `metric` by `by`, as `breakdown` returns them.

        The levels of one significance family are computed together, once.
        """
        levels = family_levels(by)
        if (metric, levels) not in self._computed:
            found = family_breakdown(self.session, self.journey, metric, levels, self.period)
            self._computed[metric, levels] = found
        rows = self._computed[metric, levels]
        return rows["journey"][0], rows[by]

    def nps(self, by: GroupBy) -> tuple[NPSRow, list[NPSRow]]:
        return cast(tuple[NPSRow, list[NPSRow]], self.get("nps", by))

    def csat(self, by: GroupBy) -> tuple[CSATRow, list[CSATRow]]:
        return cast(tuple[CSATRow, list[CSATRow]], self.get("csat", by))


def trend(
    session: Session,
    journey: JourneyView,
    metric: str,
    interval: str,
    by: GroupBy,
    until: datetime,
    periods: int,
) -> TrendReport:
    """`periods` consecutive periods ending with the one containing `until`, per group."""
    tz = until.tzinfo
    last = period_of(until, interval, tz)  # type: ignore[arg-type]
    # One extra period: the first point's change needs it.
    with invalid_period("until"):  # the series must not reach back past year 1
        series_periods = periods_ending(last, periods + 1)
    windows = [(p.start, p.end) for p in series_periods]
    spec = METRICS[metric]
    repo = AnalyticsRepository(session)
    levels = family_levels(by)
    data = {level: spec.load(repo, journey.id, level, windows) for level in levels}
    groups = {
        level: level_groups(journey, spec, level, {g for (_, g) in data[level]}) for level in levels
    }
    points: dict[str, list[TrendPoint]] = {group.key: [] for group in groups[by]}
    for i in range(1, len(windows)):  # each period pair is a family of its own
        rows = {
            level: [
                spec.build(g, data[level].get((i, g.db_key), spec.empty),
                           data[level].get((i - 1, g.db_key), spec.empty))
                for g in groups[level]
            ]
            for level in levels
        }  # fmt: skip
        for row in significance_family(rows)[by]:
            points[row.key].append(_point(series_periods[i], row, metric))
    series = [TrendSeries(key=g.key, label=g.label, points=points[g.key]) for g in groups[by]]
    return TrendReport(metric=metric, interval=interval, by=by, series=series)


def _point(period: Period, row: Any, metric: str) -> TrendPoint:
    change = row.change if row.change and row.change.previous is not None and row.n else None
    return TrendPoint(
        period=period.label,
        in_progress=in_progress(period, datetime.now(period.start.tzinfo)),
        n=row.n,
        value=getattr(row, VALUE_FIELD[metric]),
        ci_low=row.ci_low,
        ci_high=row.ci_high,
        low_sample=row.low_sample,
        change=change,
    )


def overview(
    session: Session,
    journey: JourneyView,
    period: Period | None,
    computed: Breakdowns | None = None,
) -> Overview:
    """Journey map in numbers: per stage NPS, CSAT, sentiment, n; missed targets (journey_map
    adds the weakest-stage ranking).

    `computed` lends breakdowns its caller has already made (a review makes them anyway).
    """
    computed = computed or Breakdowns(session, journey, period)
    by_stage = {m: {r.key: r for r in computed.get(m, "stage")[1]}
                for m in ("nps", "csat", "sentiment")}  # fmt: skip
    counts = _answers_per_stage(session, journey, period)
    stages = [
        StageOverview(
            key=stage.key,
            label=stage.label,
            n=counts.get(stage.db_key, 0),
            nps=by_stage["nps"].get(stage.key),
            csat=by_stage["csat"].get(stage.key),
            sentiment=by_stage["sentiment"].get(stage.key),
        )
        for stage in journey.stages
    ]
    return Overview(
        journey=journey.key,
        period=period_out(period, sum(counts.values())),
        stages=stages,
        weakest_stage=None,  # journey_map's ranking names it: one judgement for every view
        weakest_reason=None,
        moments_of_truth_below_target=_target_misses(computed),
    )


def _answers_per_stage(
    session: Session, journey: JourneyView, period: Period | None
) -> dict[int, int]:
    """Answers per stage from the rollup when it answers exactly (all time: in whatever zone
    it was counted), else from the answers."""
    repo = AnalyticsRepository(session)
    if period is None:
        if rollup_timezone(session) is None:
            return repo.response_counts(journey.id, None)
        return repo.response_counts_from_rollup(journey.id, None)
    days = rollup_days(session, [(period.start, period.end)])
    if days is None:
        return repo.response_counts(journey.id, (period.start, period.end))
    return repo.response_counts_from_rollup(journey.id, days[0])


def journey_map(
    session: Session,
    journey: JourneyView,
    period: Period | None,
    computed: Breakdowns | None = None,
    aspects: Mapping[str, Sequence[MetricEstimate]] | None = None,
) -> JourneyMap:
    """The overview with the ranked weakest-stage judgement and each card's colour and flags.

    `aspects` holds each stage's aspect evidence by stage key (vocsvc.journeymap passes the
    aspects service's: analytics cannot import it, as aspects reads analytics).
    """
    computed = computed or Breakdowns(session, journey, period)
    base = overview(session, journey, period, computed)
    ranking = rank_stages([_evidence(s, stage_aspects(s, aspects or {})) for s in base.stages])
    weakest, reason = _ranked_weakest(ranking)
    return JourneyMap(
        **{**base.model_dump(), "weakest_stage": weakest, "weakest_reason": reason},
        ranking=_ranking_out(ranking),
        touchpoints=_cards(computed, base.moments_of_truth_below_target),
        aspect_evidence="not_given" if aspects is None else "included",
    )


def _estimate(kind: Any, row: NPSRow | CSATRow | SentimentRow | None) -> list[MetricEstimate]:
    value = None if row is None else getattr(row, VALUE_FIELD[kind])
    if row is None or not row.n or value is None:
        return []
    return [MetricEstimate(kind, value, row.ci_low, row.ci_high, row.n, row.low_sample)]


def stage_aspects(
    stage: StageOverview, aspects: Mapping[str, Sequence[MetricEstimate]]
) -> list[MetricEstimate]:
    """A stage's aspect estimates (positive share, 0-1, with its interval) for the ranking."""
    return [m for m in aspects.get(stage.key, ()) if m.kind == "aspect"]


def _evidence(stage: StageOverview, aspects: Sequence[MetricEstimate]) -> StageEvidence:
    metrics = [*_estimate("nps", stage.nps), *_estimate("csat", stage.csat),
               *_estimate("sentiment", stage.sentiment)]  # fmt: skip
    return StageEvidence(stage.key, stage.label, metrics, aspects)


def _ranking_out(ranking: StageRanking) -> StageRankingOut:
    return StageRankingOut(
        stages=[
            RankedStageOut(
                key=r.key,
                label=r.label,
                rank=r.rank,
                score=r.score,
                score_low=r.score_low,
                score_high=r.score_high,
                metrics=list(r.metrics),
                low_sample=r.low_sample,
                verdict=r.verdict,
            )
            for r in ranking.stages
        ],
        weakest=list(ranking.weakest),
        distinguishable=ranking.distinguishable,
        rule=ranking.rule,
    )


def _score(row: NPSRow | CSATRow | None, field: str) -> Score | None:
    value = None if row is None else getattr(row, field)
    return None if row is None or value is None else Score(value, row.n, row.low_sample)


def _cards(computed: Breakdowns, misses: list[TargetMiss]) -> list[TouchpointCard]:
    nps = {r.key: r for r in computed.nps("touchpoint")[1]}
    csat = {r.key: r for r in computed.csat("touchpoint")[1]}
    cards = []
    for group in computed.journey.touchpoints:
        own = [Miss(m.metric, m.target, m.significantly_below)
               for m in misses if m.touchpoint == group.key]  # fmt: skip
        status = card_status(_score(nps.get(group.key), "nps"),
                             _score(csat.get(group.key), "mean"), own)  # fmt: skip
        cards.append(TouchpointCard(
            key=group.key, stage=group.stage_key, band=status.band, basis=status.basis,
            capped=status.capped, low_sample=status.low_sample,
            flags=[CardFlagOut(kind=f.kind, text=f.text) for f in status.flags],
        ))  # fmt: skip
    return cards


def _ranked_weakest(ranking: StageRanking) -> tuple[str | None, str | None]:
    """The ranking's lowest stage and why."""
    if not ranking.weakest:
        return None, None
    first = ranking.stages[0]
    others = len(ranking.weakest) - 1
    tie = f"; cannot be told apart from {others} other stage(s)" if others else ""
    return first.key, f"lowest score over {', '.join(first.metrics)} ({first.score}){tie}"


def _target_misses(computed: Breakdowns) -> list[TargetMiss]:
    misses: list[TargetMiss] = []
    moments = [g for g in computed.journey.touchpoints if g.moment_of_truth and g.targets]
    if not moments:
        return misses
    for metric in ("nps", "csat"):
        rows = {r.key: r for r in computed.get(metric, "touchpoint")[1]}
        for group in moments:
            target, row = group.targets.get(metric), rows.get(group.key)
            value = getattr(row, VALUE_FIELD[metric]) if row else None
            if target is None or row is None or value is None or value >= target:
                continue
            misses.append(
                TargetMiss(
                    touchpoint=group.key, label=group.label, stage=group.stage_key, metric=metric,
                    target=target, value=value, ci_low=row.ci_low, ci_high=row.ci_high,
                    significantly_below=row.ci_high is not None and row.ci_high < target,
                )
            )  # fmt: skip
    return misses


def period_catalogue(
    session: Session, journey: JourneyView, interval: str, count: int, now: datetime
) -> PeriodCatalogue:
    """The last `count` periods up to the one in progress, newest first, each with its status."""
    tz = now.tzinfo
    periods = [period_of(now, interval, tz)]  # type: ignore[arg-type]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    default = (
        last_complete_quarter(now, tz)  # type: ignore[arg-type]
        if interval == "quarter"
        else periods[0].previous()
    )
    ordered = periods[::-1]  # contiguous and ascending, as the repository's windows must be
    answers = AnalyticsRepository(session).answers_per_window(
        journey.id, [(p.start, p.end) for p in ordered]
    )
    statuses = [
        PeriodStatus(
            label=p.label, start=p.start.isoformat(), end=p.end.isoformat(),
            in_progress=in_progress(p, now), has_data=n > 0, answers=n,
            default=p.label == default.label,
        )
        for p, n in zip(ordered, answers, strict=True)
    ]  # fmt: skip
    return PeriodCatalogue(interval=interval, default=default.label, periods=statuses[::-1])
