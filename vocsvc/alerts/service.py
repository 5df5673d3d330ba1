"""Significance-aware alerts: a rule fires only on a real change, never on small-sample noise.

Each evaluation compares the latest complete period (month or quarter, cut in VOCSVC_TIMEZONE)
with the one before it. A rule fires when both periods have at least `min_n` answers AND the
change is significant at the rule's confidence AND its interval lies wholly on the bad side of
zero: NPS (adjusted-Wald difference, `nps_difference`), CSAT (Welch's t, `welch_test`), share of
negative comments (Newcombe interval with the two-proportion z-test, `proportion_difference`;
their verdicts can differ at the margin, so both must agree). Rules are independent monitors:
no correction across rules, so each rule's false-alarm rate per period is 1 - confidence.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy.orm import Session

from vocsvc.alerts.repository import AlertRepository
from vocsvc.alerts.schemas import AlertOut, AlertPage, ChangeOut, Estimate, RuleIn, RuleOut
from vocsvc.analytics.readmodel import journey_view
from vocsvc.analytics.repository import (
    AnalyticsRepository,
    GroupBy,
    ScoreMetric,
    SentimentSums,
    Window,
)
from vocsvc.analytics.service import load_score_counts
from vocsvc.config import get_settings
from vocsvc.errors import InvalidInput, NotFound
from vocsvc.journeys.service import get_journey
from vocsvc.models import Alert, AlertRule, utcnow
from vocsvc.periods import period_of
from vocsvc.stats import (
    Summary,
    nps_difference,
    nps_from_counts,
    proportion_difference,
    summary_interval,
    welch_test,
    wilson_interval,
)
from vocsvc.webhooks import service as webhooks

log = logging.getLogger(__name__)

# kind → (the survey question it needs, the bad direction: -1 a drop, +1 a rise)
KINDS: dict[str, tuple[str, int]] = {
    "nps_drop": ("nps", -1),
    "csat_drop": ("csat", -1),
    "negative_share_rise": ("comment", 1),
}
NAMES = {"nps_drop": "NPS", "csat_drop": "CSAT", "negative_share_rise": "negative-comment share"}
Format = Callable[[float], str]
# kind → (how a value reads, how a difference reads)
FORMATS: dict[str, tuple[Format, Format]] = {
    "nps_drop": (lambda x: f"{x:.1f}", lambda x: f"{x:+.1f}"),
    "csat_drop": (lambda x: f"{x:.2f}", lambda x: f"{x:+.2f}"),
    "negative_share_rise": (lambda x: f"{x:.1%}", lambda x: f"{100 * x:+.1f} pp"),
}


@dataclass(frozen=True)
class Side:
    period: str
    value: float
    low: float | None
    high: float | None
    n: int


@dataclass(frozen=True)
class Evidence:
    current: Side
    previous: Side
    difference: float
    low: float
    high: float
    p_value: float

    def fires(self, direction: int, confidence: float, min_n: int) -> bool:
        """Enough answers on both sides, significant, and the whole interval on the bad side."""
        if min(self.current.n, self.previous.n) < min_n:
            return False
        if math.isnan(self.p_value) or self.p_value >= 1.0 - confidence:
            return False
        return self.high < 0 if direction < 0 else self.low > 0


# --- rules -------------------------------------------------------------------------------------


def _rule_out(rule: AlertRule, journey_key: str) -> RuleOut:
    return RuleOut(
        id=rule.id,
        journey=journey_key,
        kind=rule.kind,
        scope=rule.scope,
        stage=rule.scope_key if rule.scope == "stage" else None,
        touchpoint=rule.scope_key if rule.scope == "touchpoint" else None,
        interval=rule.interval,
        confidence=rule.confidence,
        min_n=rule.min_n,
        active=rule.active,
        created_by=rule.created_by,
        created_at=rule.created_at,
    )


def create_rule(session: Session, item: RuleIn, actor: str) -> RuleOut:
    """Store a rule after checking its stage/touchpoint exists and asks the watched question."""
    journey = journey_view(session, item.journey)
    question = KINDS[item.kind][0]
    scope, key = "journey", None
    if item.stage or item.touchpoint:
        scope, key = ("stage", item.stage) if item.stage else ("touchpoint", item.touchpoint)
    groups = list(journey.groups("touchpoint" if scope == "touchpoint" else "stage"))
    if key is not None:
        groups = [g for g in groups if g.key == key]
        if not groups:
            message = f"journey '{journey.key}' has no active {scope} '{key}'"
            raise InvalidInput(message, details=[{"field": scope, "message": message}])
    if not any(question in g.asks for g in groups):
        where = f"{scope} '{key}'" if key else f"journey '{journey.key}'"
        message = f"{where} does not ask '{question}', which {item.kind} watches"
        raise InvalidInput(message, details=[{"field": "kind", "message": message}])
    rule = AlertRule(
        journey_id=journey.id,
        kind=item.kind,
        scope=scope,
        scope_key=key,
        interval=item.interval,
        confidence=item.confidence,
        min_n=item.min_n,
        active=True,
        created_by=actor,
        created_at=utcnow(),
    )
    AlertRepository(session).add_rule(rule)
    return _rule_out(rule, journey.key)


def list_rules(session: Session, journey: str | None, include_inactive: bool) -> list[RuleOut]:
    journey_id = get_journey(session, journey).id if journey else None
    rows = AlertRepository(session).rules(journey_id, active_only=not include_inactive)
    return [_rule_out(row.AlertRule, row.journey_key) for row in rows]


def deactivate_rule(session: Session, rule_id: int) -> None:
    """Stop evaluating a rule; the alerts it fired stay."""
    row = AlertRepository(session).rule(rule_id)
    if row is None:
        raise NotFound(f"no alert rule {rule_id}")
    row.AlertRule.active = False
    session.flush()


# --- evaluation --------------------------------------------------------------------------------


def measure(
    session: Session, rule: AlertRule, scope_id: int | None, windows: Sequence[Window]
) -> tuple[Any, Any]:
    """The raw aggregates (previous, current) of the rule's scope, computed in SQL."""
    repo = AnalyticsRepository(session)
    by = cast(GroupBy, rule.scope)
    key: Any = "all" if rule.scope == "journey" else scope_id
    if rule.kind == "negative_share_rise":
        sums = repo.sentiment_sums(rule.journey_id, by, windows)
        empty = SentimentSums(0, 0.0, 0.0, 0)
        return sums.get((0, key), empty), sums.get((1, key), empty)
    metric = cast(ScoreMetric, KINDS[rule.kind][0])
    counts = load_score_counts(metric)(repo, rule.journey_id, by, windows)
    return counts.get((0, key), {}), counts.get((1, key), {})


def evidence(
    kind: str, previous: Any, current: Any, labels: tuple[str, str], confidence: float
) -> Evidence:
    """Both periods' estimates with intervals, and the change with its interval and p-value."""
    before, latest = labels
    if kind == "nps_drop":
        a, b = nps_from_counts(current, confidence), nps_from_counts(previous, confidence)
        d = nps_difference(a, b, confidence)
        return Evidence(
            Side(latest, a.nps, a.low, a.high, a.n),
            Side(before, b.nps, b.low, b.high, b.n),
            d.difference, d.low, d.high, d.p_value,
        )  # fmt: skip
    if kind == "csat_drop":
        sa, sb = Summary.from_counts(current), Summary.from_counts(previous)
        ma, mb = summary_interval(sa, confidence), summary_interval(sb, confidence)
        t = welch_test(sa, sb, confidence)
        return Evidence(
            Side(latest, ma.mean, _finite(ma.low), _finite(ma.high), ma.n),
            Side(before, mb.mean, _finite(mb.low), _finite(mb.high), mb.n),
            t.difference, t.low, t.high, t.p_value,
        )  # fmt: skip
    pa = wilson_interval(current.negatives, current.n, confidence)
    pb = wilson_interval(previous.negatives, previous.n, confidence)
    d2 = proportion_difference(pa, pb, confidence)
    return Evidence(
        Side(latest, pa.share, pa.low, pa.high, pa.n),
        Side(before, pb.share, pb.low, pb.high, pb.n),
        d2.difference, d2.low, d2.high, d2.p_value,
    )  # fmt: skip


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def evaluate(session: Session, now: datetime) -> list[AlertOut]:
    """Evaluate every active rule on its latest complete period pair; returns the new alerts."""
    tz = get_settings().tz
    repo = AlertRepository(session)
    fired: list[AlertOut] = []
    for row in repo.rules(None, active_only=True):
        rule: AlertRule = row.AlertRule
        latest = period_of(now, rule.interval, tz).previous()
        before = latest.previous()
        scope_id = None
        if rule.scope != "journey":
            scope_id = repo.scope_id(rule.journey_id, rule.scope, rule.scope_key)
            if scope_id is None:
                log.warning("alert rule %s: %s '%s' is gone", rule.id, rule.scope, rule.scope_key)
                continue
        windows = [(before.start, before.end), (latest.start, latest.end)]
        previous, current = measure(session, rule, scope_id, windows)
        found = evidence(rule.kind, previous, current, (before.label, latest.label),
                         rule.confidence)  # fmt: skip
        if not found.fires(KINDS[rule.kind][1], rule.confidence, rule.min_n):
            continue
        alert_id = repo.insert_alert(_alert_values(rule, found, now))
        if alert_id is None:
            continue  # this rule already fired for this period pair
        alert_row = repo.alert(alert_id)
        fired.append(_alert_out(alert_row.Alert, alert_row.journey_key))
    if fired:
        webhooks.emit(session, webhooks.ALERT_FIRED, [a.model_dump(mode="json") for a in fired])
    return fired


def _alert_values(rule: AlertRule, ev: Evidence, now: datetime) -> dict[str, Any]:
    return {
        "rule_id": rule.id, "journey_id": rule.journey_id, "kind": rule.kind,
        "scope": rule.scope, "scope_key": rule.scope_key,
        "period": ev.current.period, "previous_period": ev.previous.period,
        "value": ev.current.value, "value_low": ev.current.low, "value_high": ev.current.high,
        "n": ev.current.n,
        "previous_value": ev.previous.value, "previous_low": ev.previous.low,
        "previous_high": ev.previous.high, "previous_n": ev.previous.n,
        "difference": ev.difference, "difference_low": ev.low, "difference_high": ev.high,
        "p_value": ev.p_value, "confidence": rule.confidence, "fired_at": now,
    }  # fmt: skip


# --- reading -----------------------------------------------------------------------------------


def _alert_out(alert: Alert, journey_key: str) -> AlertOut:
    current = Estimate(period=alert.period, value=alert.value, ci_low=alert.value_low,
                       ci_high=alert.value_high, n=alert.n)  # fmt: skip
    previous = Estimate(period=alert.previous_period, value=alert.previous_value,
                        ci_low=alert.previous_low, ci_high=alert.previous_high,
                        n=alert.previous_n)  # fmt: skip
    change = ChangeOut(difference=alert.difference, ci_low=alert.difference_low,
                       ci_high=alert.difference_high, p_value=alert.p_value,
                       confidence=alert.confidence)  # fmt: skip
    return AlertOut(
        id=alert.id,
        rule_id=alert.rule_id,
        journey=journey_key,
        kind=alert.kind,
        scope=alert.scope,
        stage=alert.scope_key if alert.scope == "stage" else None,
        touchpoint=alert.scope_key if alert.scope == "touchpoint" else None,
        current=current,
        previous=previous,
        change=change,
        message=_message(alert, journey_key),
        fired_at=alert.fired_at,
    )


def _message(alert: Alert, journey_key: str) -> str:
    """One line for a chat channel: what moved, by how much, and how sure we are."""
    value, diff = FORMATS[alert.kind]
    where = journey_key if alert.scope == "journey" else f"{journey_key}/{alert.scope_key}"
    verb = "rose" if KINDS[alert.kind][1] > 0 else "fell"
    return (
        f"{NAMES[alert.kind]} of {where} {verb} from {value(alert.previous_value)} "
        f"({alert.previous_period}, n={alert.previous_n}) to {value(alert.value)} "
        f"({alert.period}, n={alert.n}): {diff(alert.difference)}, {alert.confidence:.0%} CI "
        f"{diff(alert.difference_low)} to {diff(alert.difference_high)}, p={alert.p_value:.2g}"
    )


def list_alerts(
    session: Session, journey: str | None, kind: str | None, cursor: int | None, limit: int
) -> AlertPage:
    """Newest first."""
    journey_id = get_journey(session, journey).id if journey else None
    rows = AlertRepository(session).alerts(journey_id, kind, cursor, limit + 1)
    items = [_alert_out(row.Alert, row.journey_key) for row in rows[:limit]]
    return AlertPage(items=items, next_cursor=items[-1].id if len(rows) > limit else None)


def get_alert(session: Session, alert_id: int) -> AlertOut:
    row = AlertRepository(session).alert(alert_id)
    if row is None:
        raise NotFound(f"no alert {alert_id}")
    return _alert_out(row.Alert, row.journey_key)
