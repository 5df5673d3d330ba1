"""NPS, CSAT and sentiment per stage, touchpoint, segment or channel, with intervals and changes."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from vocsvc.analytics.readmodel import Group, JourneyView
from vocsvc.analytics.repository import (
    AnalyticsRepository,
    GroupBy,
    ScoreMetric,
    SentimentSums,
    Window,
)
from vocsvc.analytics.schemas import Change, CSATRow, NPSRow, PeriodOut, SentimentRow
from vocsvc.config import get_settings
from vocsvc.installation.service import rollup_timezone
from vocsvc.periods import Period, in_progress
from vocsvc.stats import (
    Summary,
    benjamini_hochberg,
    csat_summary,
    nps_difference,
    nps_from_counts,
    sentiment_summary_from_sums,
    welch_test,
)

Row = TypeVar("Row", NPSRow, CSATRow, SentimentRow)
PLACES = ("stage", "touchpoint", "journey")  # the groupings every daily rollup keeps
DIMENSION_METRICS = ("nps", "csat")  # the metrics the segment/channel rollup keeps
UNLABELLED = "(未标注)"


def data_groups(keys: set[Any]) -> list[Group]:
    """Segments or channels found in the data, in key order."""
    ordered = sorted(keys, key=lambda k: (k is None, str(k)))
    return [Group(str(k) if k is not None else "", str(k) if k else UNLABELLED, k) for k in ordered]


def period_out(period: Period | None, answers: int | None = None) -> PeriodOut:
    """The period as a report names it; `answers` (the journey's, if counted) sets has_data."""
    has_data = None if answers is None else answers > 0
    if period is None:
        return PeriodOut(label="all", start=None, end=None, previous=None, has_data=has_data)
    previous = period.previous()
    return PeriodOut(
        label=period.label,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
        previous=previous.label,
        in_progress=in_progress(period, datetime.now(period.start.tzinfo)),
        has_data=has_data,
    )


def period_report(session: Session, journey: JourneyView, period: Period | None) -> PeriodOut:
    """The period of a report on `journey`, saying whether the journey has any answer in it."""
    windows, _ = windows_for(period)
    answers = AnalyticsRepository(session).answers_per_window(journey.id, windows[-1:])[0]
    return period_out(period, answers)


def windows_for(period: Period | None) -> tuple[list[Window], bool]:
    """The query windows ([previous, current] when there is a previous period) and that flag."""
    if period is None:
        tz = get_settings().tz
        return [(datetime(1970, 1, 1, tzinfo=tz), datetime(9999, 1, 1, tzinfo=tz))], False
    previous = period.previous()
    return [(previous.start, previous.end), (period.start, period.end)], True


def _num(value: float, digits: int) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)


# --- NPS ---------------------------------------------------------------------------------------


def nps_row(group: Group, counts: Mapping[int, int], previous: Mapping[int, int] | None) -> NPSRow:
    estimate = nps_from_counts(counts)
    change = None
    if previous is not None:
        before = nps_from_counts(previous)
        diff = nps_difference(estimate, before)
        change = _change(before.nps, diff.difference, diff.low, diff.high, diff.p_value, 2)
    return NPSRow(
        key=group.key, label=group.label, n=estimate.n, promoters=estimate.promoters,
        passives=estimate.passives, detractors=estimate.detractors, nps=_num(estimate.nps, 2),
        ci_low=_num(estimate.low, 2) if estimate.n else None,
        ci_high=_num(estimate.high, 2) if estimate.n else None,
        low_sample=estimate.low_sample, change=change,
    )  # fmt: skip


# --- CSAT --------------------------------------------------------------------------------------


def csat_row(
    group: Group, counts: Mapping[int, int], previous: Mapping[int, int] | None
) -> CSATRow:
    summary = csat_summary(counts)
    change = None
    if previous is not None:
        now, before = Summary.from_counts(counts), Summary.from_counts(previous)
        test = welch_test(now, before)
        change = _change(before.mean, test.difference, test.low, test.high, test.p_value, 3)
    return CSATRow(
        key=group.key, label=group.label, n=summary.n, mean=_num(summary.mean.mean, 3),
        ci_low=_num(summary.mean.low, 3), ci_high=_num(summary.mean.high, 3),
        top2=_num(summary.top_box.share, 4), top2_ci_low=_num(summary.top_box.low, 4),
        top2_ci_high=_num(summary.top_box.high, 4), low_sample=summary.low_sample, change=change,
    )  # fmt: skip


# --- sentiment ---------------------------------------------------------------------------------

EMPTY_SUMS = SentimentSums(0, 0.0, 0.0, 0)


def sentiment_row(
    group: Group, sums: SentimentSums, previous: SentimentSums | None
) -> SentimentRow:
    summary = sentiment_summary_from_sums(sums.n, sums.total, sums.total_sq, sums.negatives)
    change = None
    if previous is not None:
        now = Summary.from_sums(sums.n, sums.total, sums.total_sq)
        before = Summary.from_sums(previous.n, previous.total, previous.total_sq)
        test = welch_test(now, before)
        change = _change(before.mean, test.difference, test.low, test.high, test.p_value, 3)
    return SentimentRow(
        key=group.key, label=group.label, n=summary.n, mean=_num(summary.mean.mean, 3),
        ci_low=_num(summary.mean.low, 3), ci_high=_num(summary.mean.high, 3),
        negative_share=_num(summary.negative.share, 4),
        negative_ci_low=_num(summary.negative.low, 4),
        negative_ci_high=_num(summary.negative.high, 4),
        low_sample=summary.low_sample, change=change, mixed=sums.mixed,
        no_opinion=sums.no_opinion,
    )  # fmt: skip


def _change(
    previous: float, difference: float, low: float, high: float, p_value: float, digits: int
) -> Change:
    p = None if p_value is None or math.isnan(p_value) else float(p_value)
    return Change(
        previous=_num(previous, digits),
        difference=_num(difference, digits),
        ci_low=_num(low, digits),
        ci_high=_num(high, digits),
        p_value=p,
        q_value=None,
        significant=False if p is None else p < 0.05,
    )


def with_q_values(rows: Sequence[Row]) -> list[Row]:
    """Fill Benjamini–Hochberg q-values across the rows' changes; significance uses q < 0.05.

    Views never call this on a table of their own: `significance_family` decides what is adjusted
    together, so a comparison carries the same q in every view.
    """
    p_values = [r.change.p_value if r.change else None for r in rows]
    q_values = benjamini_hochberg(p_values)
    out = []
    for row, q in zip(rows, q_values, strict=True):
        if row.change is not None:
            change = row.change.model_copy(
                update={"q_value": q, "significant": q is not None and q < 0.05}
            )
            row = row.model_copy(update={"change": change})
        out.append(row)
    return out


# --- the one significance rule -----------------------------------------------------------------

# The journey map's levels: their comparisons of a metric for a period pair form one family.
STRUCTURE: tuple[GroupBy, ...] = ("journey", "stage", "touchpoint")


def family_levels(by: GroupBy) -> tuple[GroupBy, ...]:
    """The levels to load for rows `by` and the journey's overall row, with their families."""
    return STRUCTURE if by in STRUCTURE else (*STRUCTURE, by)


def significance_family(rows: Mapping[GroupBy, Sequence[Row]]) -> dict[GroupBy, list[Row]]:
    """Adjust q-values by the one rule (FAMILY_RULE): one metric, one journey, one period pair.

    `rows` holds every row of each level, all for the same metric and the same pair of periods.
    The journey, its stages and its touchpoints are adjusted together; a segment or channel cut is
    a family of its own. Every view (/nps, /csat, /sentiment, /trend, /overview, the review)
    passes its rows through here, so the same change has the same q wherever it is shown.
    """
    structural = [level for level in rows if level in STRUCTURE]
    together = with_q_values([row for level in structural for row in rows[level]])
    out: dict[GroupBy, list[Row]] = {}
    start = 0
    for level in structural:
        out[level] = together[start : start + len(rows[level])]
        start += len(rows[level])
    for level in rows:
        if level not in STRUCTURE:
            out[level] = with_q_values(rows[level])
    return out


# --- breakdowns --------------------------------------------------------------------------------

Loaded = Mapping[tuple[int, Any], Any]


@dataclass(frozen=True)
class Metric:
    """How one metric is loaded from SQL and turned into a row."""

    asks: str  # the survey question a group must ask to get a row
    empty: Any
    build: Callable[[Group, Any, Any], Any]
    load: Callable[[AnalyticsRepository, int, GroupBy, Sequence[Window]], Loaded]


def load_score_counts(
    metric: ScoreMetric,
) -> Callable[[AnalyticsRepository, int, GroupBy, Sequence[Window]], Loaded]:
    """A loader that reads the daily rollup when it can answer exactly, else the responses."""

    def load(
        repo: AnalyticsRepository, journey_id: int, by: GroupBy, windows: Sequence[Window]
    ) -> Loaded:
        dimension = by in ("segment", "channel") and metric in DIMENSION_METRICS
        days = rollup_days(repo.session, windows) if by in PLACES or dimension else None
        if days is None:
            return repo.score_counts(journey_id, metric, by, windows)
        return repo.score_counts_from_rollup(journey_id, metric, by, days)

    return load


def load_paired_counts(
    repo: AnalyticsRepository, journey_id: int, window: Window
) -> dict[int, dict[tuple[int, int], int]]:
    """Per touchpoint, answers per (csat, nps) pair: from the rollup when it can answer exactly."""
    days = rollup_days(repo.session, [window])
    if days is None:
        return repo.paired_counts(journey_id, window, "csat", "nps")
    return repo.paired_counts_from_rollup(journey_id, days[0])


def load_sentiment_sums(
    repo: AnalyticsRepository, journey_id: int, by: GroupBy, windows: Sequence[Window]
) -> Loaded:
    """Sentiment sums from the rollup by stage, touchpoint or journey, else from the answers."""
    days = rollup_days(repo.session, windows) if by in PLACES else None
    if days is None:
        return repo.sentiment_sums(journey_id, by, windows)
    return repo.sentiment_sums_from_rollup(journey_id, by, days)


def rollup_days(session: Session, windows: Sequence[Window]) -> list[tuple[date, date]] | None:
    """The windows as local days when the rollups can answer them exactly (whole local days,
    counted in the service's zone), else None."""
    tz = get_settings().tz
    exact = (
        all(aligned(start, tz) and aligned(end, tz) for start, end in windows)
        and rollup_timezone(session) == tz.key
    )
    if not exact:
        return None
    return [(_local_day(start, tz), _local_day(end, tz)) for start, end in windows]


def aligned(moment: datetime, tz: ZoneInfo) -> bool:
    """True when `moment` is a local midnight, i.e. a rollup day boundary."""
    local = moment.astimezone(tz)
    return (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


def _local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


METRICS: dict[str, Metric] = {
    "nps": Metric("nps", {}, nps_row, load_score_counts("nps")),
    "csat": Metric("csat", {}, csat_row, load_score_counts("csat")),
    "sentiment": Metric("comment", EMPTY_SUMS, sentiment_row, load_sentiment_sums),
}


def level_groups(journey: JourneyView, spec: Metric, level: GroupBy, keys: set[Any]) -> list[Group]:
    """The groups of one level: the journey, its stages or touchpoints asking the metric, or the
    segments or channels found among `keys`."""
    if level == "journey":
        return [Group("all", journey.name, "all")]
    if level in ("stage", "touchpoint"):
        return [g for g in journey.groups(level) if spec.asks in g.asks]
    return data_groups(keys)


def family_breakdown(
    session: Session,
    journey: JourneyView,
    metric: str,
    levels: tuple[GroupBy, ...],
    period: Period | None,
) -> dict[GroupBy, list[Any]]:
    """Rows of `metric` at every level in `levels` for `period`, q-values by the one rule."""
    spec = METRICS[metric]
    windows, has_previous = windows_for(period)
    current = len(windows) - 1
    repo = AnalyticsRepository(session)
    rows: dict[GroupBy, list[Any]] = {}
    for level in levels:
        data = spec.load(repo, journey.id, level, windows)
        groups = level_groups(journey, spec, level, {g for (b, g) in data if b == current})
        rows[level] = [
            spec.build(
                group,
                data.get((current, group.db_key), spec.empty),
                data.get((current - 1, group.db_key), spec.empty) if has_previous else None,
            )
            for group in groups
        ]
    return significance_family(rows)


def breakdown(
    session: Session, journey: JourneyView, metric: str, by: GroupBy, period: Period | None
) -> tuple[Any, list[Any]]:
    """(overall row, rows) for `metric` (nps | csat | sentiment) broken down `by`."""
    rows = family_breakdown(session, journey, metric, family_levels(by), period)
    return rows["journey"][0], rows[by]
