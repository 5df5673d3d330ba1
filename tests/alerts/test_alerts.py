from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from vocsvc.alerts.scheduled import evaluate_alerts
from vocsvc.alerts.service import evaluate
from vocsvc.ingest.pipeline import import_bulk
from vocsvc.models import Alert, WebhookDelivery
from vocsvc.responses.schemas import ImportedResponseIn
from vocsvc.sentiment.service import Reading
from vocsvc.stats import (
    Summary,
    nps_difference,
    nps_from_counts,
    proportion_difference,
    welch_test,
    wilson_interval,
)

Headers = dict[str, dict[str, str]]
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 10, 5, 9, 0, tzinfo=SHANGHAI)  # latest complete month: 2025-09
AUG = "2025-08-15T10:00:00+08:00"
SEP = "2025-09-15T10:00:00+08:00"


def load(session: Session, touchpoint: str, at: str, count: int, **scores: Any) -> None:
    row = {"journey": "retail", "touchpoint": touchpoint, "submitted_at": at, **scores}
    import_bulk(session, [ImportedResponseIn.model_validate(row)] * count)
    session.commit()


def nps_answers(session: Session, at: str, promoters: int, passives: int, detractors: int) -> None:
    for score, count in ((10, promoters), (8, passives), (3, detractors)):
        if count:
            load(session, "checkout", at, count, nps=score)


def rule(client: TestClient, keys: Headers, **fields: Any) -> dict[str, Any]:
    body = {"journey": "retail", "kind": "nps_drop", "touchpoint": "checkout", **fields}
    created = client.post("/v1/alerts/rules", json=body, headers=keys["admin"])
    assert created.status_code == 201, created.text
    return dict(created.json())


def alerts(client: TestClient, keys: Headers) -> list[dict[str, Any]]:
    response = client.get("/v1/alerts", headers=keys["viewer"])
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


@pytest.fixture
def sessions(session: Session) -> sessionmaker[Session]:
    """Sessions for the scheduled job on the test's connection (rolled back with the test)."""
    return sessionmaker(
        bind=session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )


def test_significant_nps_drop_fires_with_its_evidence(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    created = rule(client, keys)
    assert created["scope"] == "touchpoint" and created["interval"] == "month"
    assert (created["confidence"], created["min_n"]) == (0.95, 30)
    nps_answers(session, AUG, 30, 10, 0)  # NPS 75, n = 40
    nps_answers(session, SEP, 10, 10, 20)  # NPS -25, n = 40
    [fired] = evaluate(session, NOW)
    session.commit()

    [alert] = alerts(client, keys)
    assert alert == fired.model_dump(mode="json")
    assert (alert["rule_id"], alert["kind"], alert["touchpoint"]) == (
        created["id"],
        "nps_drop",
        "checkout",
    )
    now, before = nps_from_counts({10: 10, 8: 10, 3: 20}), nps_from_counts({10: 30, 8: 10})
    diff = nps_difference(now, before)
    assert alert["current"] == pytest.approx(
        {"period": "2025-09", "value": -25.0, "ci_low": now.low, "ci_high": now.high, "n": 40}
    )
    assert alert["previous"] == pytest.approx(
        {"period": "2025-08", "value": 75.0, "ci_low": before.low, "ci_high": before.high, "n": 40}
    )
    change = alert["change"]
    assert change["difference"] == pytest.approx(-100.0)
    assert change["ci_low"] == pytest.approx(diff.low)
    assert change["ci_high"] == pytest.approx(diff.high)
    assert change["p_value"] == pytest.approx(diff.p_value) and change["p_value"] < 0.05
    assert change["ci_high"] < 0 and change["confidence"] == 0.95
    assert "fell" in alert["message"] and "2025-09" in alert["message"]


def test_a_small_sample_never_fires_even_when_significant(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    rule(client, keys)  # min_n 30
    nps_answers(session, AUG, 12, 0, 0)
    nps_answers(session, SEP, 0, 0, 12)
    assert nps_difference((0, 0, 12), (12, 0, 0)).significant  # a real-looking collapse...
    assert evaluate(session, NOW) == []  # ...on 12 answers a period is not acted on
    rule(client, keys, min_n=10)
    assert len(evaluate(session, NOW)) == 1  # the sample-size guard is what held it back


def test_noise_does_not_fire(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    rule(client, keys)
    nps_answers(session, AUG, 25, 10, 5)  # NPS 50
    nps_answers(session, SEP, 22, 12, 6)  # NPS 40: lower, but within the noise
    assert not nps_difference((22, 12, 6), (25, 10, 5)).significant
    assert evaluate(session, NOW) == []


def test_a_rise_does_not_fire_a_drop_rule(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    rule(client, keys)
    nps_answers(session, AUG, 10, 10, 20)
    nps_answers(session, SEP, 30, 10, 0)
    assert evaluate(session, NOW) == []


def test_re_evaluation_never_duplicates(
    client: TestClient,
    session: Session,
    sessions: sessionmaker[Session],
    keys: Headers,
    retail: str,
) -> None:
    rule(client, keys)
    nps_answers(session, AUG, 30, 10, 0)
    nps_answers(session, SEP, 10, 10, 20)
    assert evaluate_alerts(now=NOW, sessions=sessions) == 1
    assert evaluate_alerts(now=NOW, sessions=sessions) == 0
    later_same_month = datetime(2025, 10, 28, 23, 0, tzinfo=SHANGHAI)
    assert evaluate_alerts(now=later_same_month, sessions=sessions) == 0
    assert session.scalar(select(func.count()).select_from(Alert)) == 1
    # A month on, the pair is 2025-10 vs 2025-09: October has no answers, so nothing fires.
    assert evaluate_alerts(now=datetime(2025, 11, 3, tzinfo=SHANGHAI), sessions=sessions) == 0


def test_quarterly_rule_compares_quarters(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    rule(client, keys, interval="quarter", stage="checkout", touchpoint=None)
    nps_answers(session, "2025-05-15T10:00:00+08:00", 30, 10, 0)
    nps_answers(session, AUG, 10, 10, 20)
    [alert] = evaluate(session, NOW)
    assert (alert.previous.period, alert.current.period) == ("2025Q2", "2025Q3")
    assert alert.stage == "checkout" and alert.touchpoint is None


def test_csat_drop_uses_welch(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    rule(client, keys, kind="csat_drop", touchpoint=None)  # the whole journey
    load(session, "checkout", AUG, 20, csat=5)
    load(session, "delivery", AUG, 20, csat=4)
    load(session, "checkout", SEP, 20, csat=4)
    load(session, "delivery", SEP, 20, csat=3)
    [alert] = evaluate(session, NOW)
    test = welch_test(Summary.from_counts({4: 20, 3: 20}), Summary.from_counts({5: 20, 4: 20}))
    assert alert.scope == "journey" and alert.current.value == pytest.approx(3.5)
    assert alert.change.difference == pytest.approx(-1.0)
    assert alert.change.p_value == pytest.approx(test.p_value)
    assert alert.change.ci_low == pytest.approx(test.low)


class FakeSentiment:
    def read(self, texts: Sequence[str]) -> list[Reading]:
        return [
            Reading(0.1, "negative", "fake-1", opinion=True)
            if "差" in t
            else Reading(0.8, "positive", "fake-1", opinion=True)
            for t in texts
        ]


def test_negative_share_rise(
    client: TestClient,
    session: Session,
    keys: Headers,
    retail: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("vocsvc.ingest.enrich.read_comments", FakeSentiment().read)
    rule(client, keys, kind="negative_share_rise", touchpoint="delivery")
    load(session, "delivery", AUG, 35, comment="送货很快")
    load(session, "delivery", AUG, 5, comment="服务太差")
    load(session, "delivery", SEP, 20, comment="送货很快")
    load(session, "delivery", SEP, 20, comment="服务太差")
    [alert] = evaluate(session, NOW)
    expected = proportion_difference(wilson_interval(20, 40), wilson_interval(5, 40))
    assert (alert.current.value, alert.previous.value) == (0.5, 0.125)
    assert alert.change.p_value == pytest.approx(expected.p_value)
    assert alert.change.ci_low == pytest.approx(expected.low) and alert.change.ci_low > 0
    assert "rose" in alert.message


def test_fired_alerts_are_queued_for_webhooks(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    hook = {"url": "https://chat.example.com/hooks/cx", "events": ["alert.fired"]}
    assert client.post("/v1/webhooks", json=hook, headers=keys["admin"]).status_code == 201
    rule(client, keys)
    nps_answers(session, AUG, 30, 10, 0)
    nps_answers(session, SEP, 10, 10, 20)
    [fired] = evaluate(session, NOW)
    [delivery] = session.scalars(select(WebhookDelivery)).all()
    assert delivery.event == "alert.fired" and delivery.payload["data"]["id"] == fired.id


def test_rules_api(client: TestClient, session: Session, keys: Headers, retail: str) -> None:
    body = {"journey": "retail", "kind": "nps_drop"}
    assert client.post("/v1/alerts/rules", json=body, headers=keys["manager"]).status_code == 403
    created = rule(client, keys, touchpoint=None)
    assert created["scope"] == "journey" and created["created_by"] == "test admin"
    listed = client.get("/v1/alerts/rules?journey=retail", headers=keys["viewer"])
    assert [r["id"] for r in listed.json()] == [created["id"]]

    gone = client.delete(f"/v1/alerts/rules/{created['id']}", headers=keys["admin"])
    assert gone.status_code == 204
    assert client.get("/v1/alerts/rules", headers=keys["viewer"]).json() == []
    kept = client.get("/v1/alerts/rules?include_inactive=true", headers=keys["viewer"]).json()
    assert [r["active"] for r in kept] == [False]
    nps_answers(session, AUG, 30, 10, 0)
    nps_answers(session, SEP, 10, 10, 20)
    assert evaluate(session, NOW) == []  # inactive rules are not evaluated
    assert client.delete("/v1/alerts/rules/999999", headers=keys["admin"]).status_code == 404
    assert client.get("/v1/alerts/999999", headers=keys["viewer"]).status_code == 404


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"touchpoint": "delivery"}, "kind"),  # delivery asks no NPS
        ({"kind": "nps_drop", "touchpoint": None, "stage": "arrival"}, "kind"),
        ({"touchpoint": "nope"}, "touchpoint"),
        ({"touchpoint": None, "stage": "nope"}, "stage"),
        ({"stage": "checkout"}, "(body)"),  # a stage and a touchpoint
        ({"min_n": 5}, "min_n"),
        ({"confidence": 1.0}, "confidence"),
        ({"interval": "week"}, "interval"),
        ({"kind": "ces_drop"}, "kind"),
    ],
)
def test_rule_input_is_checked(
    client: TestClient, keys: Headers, retail: str, fields: dict[str, Any], field: str
) -> None:
    body = {"journey": "retail", "kind": "nps_drop", "touchpoint": "checkout", **fields}
    response = client.post("/v1/alerts/rules", json=body, headers=keys["admin"])
    assert response.status_code == 422, response.text
    assert field in [d["field"] for d in response.json()["details"]]


def test_unknown_journey(client: TestClient, keys: Headers, retail: str) -> None:
    body = {"journey": "nope", "kind": "nps_drop"}
    assert client.post("/v1/alerts/rules", json=body, headers=keys["admin"]).status_code == 404
