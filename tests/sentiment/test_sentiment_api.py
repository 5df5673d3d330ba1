from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from vocsvc.models import Response
from vocsvc.sentiment.service import rescore
from vocsvc.text.sentiment import get_backend

Headers = dict[str, dict[str, str]]


def test_scores_in_order(client: TestClient, keys: Headers) -> None:
    texts = ["服务特别好，非常满意", "排队太久，态度很差，再也不来了", ""]
    response = client.post("/v1/text/sentiment", json={"texts": texts}, headers=keys["viewer"])
    assert response.status_code == 200, response.text
    scores = response.json()["scores"]
    assert len(scores) == 3
    assert scores[0]["probability"] > 0.5 > scores[1]["probability"]
    assert scores[0]["label"] == "positive" and scores[1]["label"] == "negative"
    assert scores[2]["label"] in ("neutral", "negative", "positive")
    assert scores[0]["model_version"] == get_backend("own").version


def test_snownlp_backend_is_selectable(client: TestClient, keys: Headers) -> None:
    body = {"texts": ["非常满意"], "backend": "snownlp"}
    response = client.post("/v1/text/sentiment", json=body, headers=keys["viewer"])
    assert response.json()["scores"][0]["model_version"].startswith("snownlp")


def test_validation(client: TestClient, keys: Headers) -> None:
    viewer = keys["viewer"]
    assert (
        client.post("/v1/text/sentiment", json={"texts": "不是列表"}, headers=viewer).status_code
        == 422
    )
    assert (
        client.post("/v1/text/sentiment", json={"texts": ["好"] * 1001}, headers=viewer).status_code
        == 422
    )
    assert client.post("/v1/text/sentiment", json={"texts": ["好"]}).status_code == 401


def test_scoring_failure_loses_nothing_and_rescore_fills_in(
    client: TestClient, session: Session, retail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_texts: Any) -> Any:
        raise RuntimeError("model file unreadable")

    monkeypatch.setattr("vocsvc.ingest.enrich.read_comments", broken)
    answer = {
        "journey": "retail",
        "touchpoint": "checkout",
        "nps": 2,
        "comment": "排队太久了，很失望",
    }
    posted = client.post("/v1/public/responses", json=answer)
    assert posted.status_code == 201  # acknowledged and stored, just not scored yet
    row = session.get(Response, posted.json()["id"])
    assert row is not None and row.comment and row.sentiment is None
    monkeypatch.undo()

    assert rescore(session, only_missing=True) == 1
    session.refresh(row)
    assert row.sentiment is not None and row.sentiment < 0.5 and row.sentiment_label == "negative"
    assert rescore(session, only_missing=True) == 0
    # After a model change, a full rescore touches every comment scored by another version.
    row.sentiment_model = "older-model"
    session.flush()
    assert rescore(session, only_missing=False) == 1
