"""POST /v1/text/analyze: what `vocsvc text analyze` prints, over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from vocsvc.sentiment.service import analyze_texts

Headers = dict[str, dict[str, str]]


def test_analyze_matches_the_model_and_keeps_order(client: TestClient, keys: Headers) -> None:
    texts = ["热线客服说话很专业", "", "请问会员卡怎么办？", "排队排了半小时，收银员还很不耐烦"]
    reply = client.post("/v1/text/analyze", json={"texts": texts}, headers=keys["viewer"])
    assert reply.status_code == 200, reply.text
    body = reply.json()
    expected = [a.to_json() for a in analyze_texts(texts)]
    assert body["results"] == expected  # the route adds nothing and loses nothing
    assert body["model_version"] == analyze_texts(["好"])[0].model_version
    empty, question = body["results"][1], body["results"][2]
    assert (empty["label"], empty["opinion"], empty["aspects"]) == ("neutral", False, [])
    assert (question["label"], question["opinion"]) == ("neutral", False)


def test_analyze_refuses_what_it_cannot_take(client: TestClient, keys: Headers) -> None:
    viewer = keys["viewer"]
    assert client.post("/v1/text/analyze", json={"texts": ["好"]}).status_code == 401
    too_long = client.post("/v1/text/analyze", json={"texts": ["好" * 2001]}, headers=viewer)
    assert too_long.status_code == 422 and too_long.json()["error"] == "invalid_input"
    too_many = client.post("/v1/text/analyze", json={"texts": ["好"] * 1001}, headers=viewer)
    assert too_many.status_code == 422
    unknown = client.post("/v1/text/analyze", json={"texts": [], "x": 1}, headers=viewer)
    assert unknown.status_code == 422
