from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from vocsvc.ingest.pipeline import import_bulk
from vocsvc.models import Response
from vocsvc.responses.schemas import ImportedResponseIn

Headers = dict[str, dict[str, str]]
AT = "2026-08-01T10:00:00+08:00"

COMMENTS = {
    # checkout complaints are about queues; parking complaints about spaces; both mention 态度
    "checkout": ["排队太久了，态度也差", "排队排了半小时", "收银台太少，排队很久", "排队的人太多了",
                 "态度不好，排队也慢"],
    "parking": ["车位太少了，态度一般", "找不到车位", "车位太窄了", "停车收费太贵，车位难找"],
}  # fmt: skip


def test_pain_points_per_stage(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    rows = [
        ImportedResponseIn.model_validate(
            {"journey": "retail", "touchpoint": tp, "submitted_at": AT, "csat": 1, "comment": text}
        )
        for tp, texts in COMMENTS.items()
        for text in texts
    ]
    rows.append(ImportedResponseIn.model_validate(
        {"journey": "retail", "touchpoint": "checkout", "submitted_at": AT, "csat": 5,
         "comment": "结账很快，收银员很热情"}))  # fmt: skip
    import_bulk(session, rows)
    # Labels as the model would give them, set here so the test does not depend on model quality.
    session.execute(update(Response).values(sentiment_label="negative").where(Response.csat == 1))
    session.execute(update(Response).values(sentiment_label="positive").where(Response.csat == 5))
    session.commit()

    url = "/v1/journeys/retail/topics?by=stage&period=2026Q3&polarity=negative"
    body = client.get(url, headers=keys["viewer"]).json()
    assert body["polarity"] == "negative" and body["comments"] == 9
    groups = {g["key"]: g for g in body["groups"]}
    assert [g["key"] for g in body["groups"]] == [
        "awareness",
        "arrival",
        "shopping",
        "checkout",
        "after_sales",
    ]
    checkout_terms = [t["term"] for t in groups["checkout"]["terms"]]
    assert checkout_terms[0] == "排队"
    top = groups["checkout"]["terms"][0]
    assert top["count"] == 5 and top["share"] == 1.0
    assert all("排队" in example for example in top["examples"]) and len(top["examples"]) <= 3
    assert groups["arrival"]["terms"][0]["term"] == "车位"
    # 态度 appears in both stages, so it ranks below each stage's own complaint
    assert "态度" not in checkout_terms[:1]
    assert groups["awareness"]["comments"] == 0 and groups["awareness"]["terms"] == []

    positive = client.get(url.replace("negative", "positive"), headers=keys["viewer"]).json()
    assert positive["comments"] == 1


def test_topics_validation(client: TestClient, keys: Headers, retail: str) -> None:
    base = "/v1/journeys/retail/topics"
    assert client.get(f"{base}?polarity=angry", headers=keys["viewer"]).status_code == 422
    assert client.get(f"{base}?by=segment", headers=keys["viewer"]).status_code == 422
    assert client.get(base).status_code == 401
