"""What a comment's reading does on ingest: stored with its aspects, `mixed`, and the case rule."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from vocsvc.models import FollowUpCase, Response, ResponseAspect, WebhookDelivery
from vocsvc.sentiment.service import Reading
from vocsvc.text.analysis import AspectMention
from vocsvc.webhooks.schemas import WebhookIn
from vocsvc.webhooks.service import create_webhook

Headers = dict[str, dict[str, str]]


def fake_read(texts: Sequence[str]) -> list[Reading]:
    """Reads by keyword, so these tests do not depend on the trained model."""
    out = []
    for text in texts:
        if text.startswith("请问"):
            out.append(Reading(0.5, "neutral", "fake-1", opinion=False))
        elif "失望" in text:
            wait = AspectMention("waiting", "negative", "排队太久")
            out.append(Reading(0.05, "negative", "fake-1", opinion=True, aspects=(wait,)))
        else:
            staff = AspectMention("service_attitude", "positive", "收银员很热情")
            out.append(Reading(0.95, "positive", "fake-1", opinion=True, aspects=(staff,)))
    return out


@pytest.fixture(autouse=True)
def _fake_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vocsvc.ingest.enrich.read_comments", fake_read)


def post(client: TestClient, **fields: object) -> int:
    body = {"journey": "retail", "touchpoint": "checkout", "respondent": "m-7", **fields}
    reply = client.post("/v1/public/responses", json=body)
    assert reply.status_code == 201, reply.text
    return int(reply.json()["id"])


def cases_for(session: Session, response_id: int) -> list[FollowUpCase]:
    return list(
        session.scalars(select(FollowUpCase).where(FollowUpCase.response_id == response_id))
    )


def test_a_promoter_or_a_question_never_opens_a_case_on_text_alone(
    client: TestClient, session: Session, retail: str
) -> None:
    promoter = post(client, nps=10, comment="排队太久，很失望")
    top_csat = post(client, csat=5, comment="排队太久，很失望")
    question = post(client, nps=8, comment="请问会员卡怎么办，真失望")
    passive = post(client, nps=8, comment="排队太久，很失望")
    assert cases_for(session, promoter) == [] and cases_for(session, top_csat) == []
    assert cases_for(session, question) == []
    [case] = cases_for(session, passive)  # no score contradicts it: the text opens the case
    assert case.reasons == ["sentiment<0.2"]


def test_text_and_scores_that_disagree_are_marked_mixed_and_counted_apart(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    praise_low = post(client, nps=2, comment="收银员很热情")
    complaint_high = post(client, nps=10, comment="排队太久，很失望")
    agreeing = post(client, nps=10, comment="收银员很热情")
    flags = {
        r.id: r.mixed for r in session.scalars(select(Response).where(Response.id.in_(
            [praise_low, complaint_high, agreeing])))
    }  # fmt: skip
    assert flags == {praise_low: True, complaint_high: True, agreeing: False}
    page = client.get("/v1/journeys/retail/responses", headers=keys["viewer"]).json()
    assert {i["id"]: i["mixed"] for i in page["items"]} == flags
    by_stage = client.get(
        "/v1/journeys/retail/sentiment?by=touchpoint", headers=keys["viewer"]
    ).json()
    [checkout] = [r for r in by_stage["rows"] if r["key"] == "checkout"]
    assert (checkout["n"], checkout["mixed"]) == (1, 2)


def test_aspects_are_stored_listed_exported_and_announced(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    url = "https://hooks.example.com/in"
    create_webhook(session, WebhookIn(url=url, events=["response.created"]))
    session.commit()
    response_id = post(client, nps=3, comment="排队太久，很失望")
    [event] = session.scalars(select(WebhookDelivery.payload))
    assert event["data"]["aspects"] == [
        {"aspect": "waiting", "polarity": "negative", "text": "排队太久"}
    ]
    [stored] = session.scalars(
        select(ResponseAspect).where(ResponseAspect.response_id == response_id)
    )
    assert (stored.aspect, stored.polarity, stored.clause) == ("waiting", "negative", "排队太久")
    page = client.get("/v1/journeys/retail/responses", headers=keys["viewer"]).json()
    [item] = [i for i in page["items"] if i["id"] == response_id]
    assert item["aspects"] == [{"aspect": "waiting", "polarity": "negative", "text": "排队太久"}]
    assert item["opinion"] is True and item["sentiment_label"] == "negative"
    export = client.get("/v1/journeys/retail/responses.csv", headers=keys["viewer"])
    export_text = export.content.decode("utf-8-sig")  # the export starts with a BOM, for Excel
    [row] = [r for r in csv.DictReader(io.StringIO(export_text)) if r["id"] == str(response_id)]
    assert row["aspects"] == "waiting:negative" and row["mixed"] == "False"


def test_a_reply_to_nothing_keeps_no_aspects(
    client: TestClient, session: Session, retail: str
) -> None:
    response_id = post(client, nps=9)
    assert list(session.scalars(select(ResponseAspect).where(
        ResponseAspect.response_id == response_id))) == []  # fmt: skip
