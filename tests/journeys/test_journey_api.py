from typing import Any

from fastapi.testclient import TestClient

Headers = dict[str, dict[str, str]]


def definition(questions: list[str] | None = None) -> dict[str, Any]:
    return {
        "key": "cafe",
        "name": "咖啡店",
        "description": "街角咖啡",
        "stages": [
            {
                "key": "order",
                "name": "点单",
                "touchpoints": [
                    {
                        "key": "counter",
                        "name": "柜台",
                        "channel": "门店",
                        "owner": "门店运营部",
                        "moment_of_truth": True,
                        "questions": questions or ["nps", "csat", "importance", "comment"],
                    }
                ],
            },
            {
                "key": "enjoy",
                "name": "享用",
                "touchpoints": [{"key": "seat", "name": "座位", "questions": ["csat"]}],
            },
        ],
    }


def test_create_then_update(client: TestClient, keys: Headers) -> None:
    created = client.post("/v1/journeys", json=definition(), headers=keys["admin"])
    assert created.status_code == 201, created.text
    body = created.json()
    assert [s["key"] for s in body["stages"]] == ["order", "enjoy"]
    counter = body["stages"][0]["touchpoints"][0]
    assert counter["survey_version"] == 1 and counter["moment_of_truth"] is True

    same = client.post("/v1/journeys", json=definition(), headers=keys["admin"])
    assert same.status_code == 200
    assert same.json()["stages"][0]["touchpoints"][0]["survey_version"] == 1

    changed = client.post(
        "/v1/journeys", json=definition(["nps", "comment"]), headers=keys["admin"]
    )
    assert changed.status_code == 200
    assert changed.json()["stages"][0]["touchpoints"][0]["survey_version"] == 2


def test_responses_keep_their_survey_version(client: TestClient, keys: Headers) -> None:
    client.post("/v1/journeys", json=definition(), headers=keys["admin"])
    answer = {"journey": "cafe", "touchpoint": "counter", "csat": 4}
    assert client.post("/v1/public/responses", json=answer).status_code == 201
    client.post("/v1/journeys", json=definition(["nps", "comment"]), headers=keys["admin"])
    rows = client.get("/v1/journeys/cafe/responses", headers=keys["viewer"]).json()["items"]
    assert [r["survey_version"] for r in rows] == [1]
    refused = client.post("/v1/public/responses", json=answer)
    assert refused.status_code == 422
    assert refused.json()["details"][0]["field"] == "csat"


def test_list_and_get(client: TestClient, keys: Headers, retail: str) -> None:
    listed = client.get("/v1/journeys", headers=keys["viewer"])
    assert listed.status_code == 200
    summary = next(j for j in listed.json() if j["key"] == retail)
    assert summary["stages"] == 5 and summary["touchpoints"] == 13
    one = client.get(f"/v1/journeys/{retail}", headers=keys["viewer"]).json()
    assert one["stages"][3]["name"] == "结账"
    assert client.get("/v1/journeys/nope", headers=keys["viewer"]).status_code == 404


def test_dropped_touchpoint_is_retired(client: TestClient, keys: Headers) -> None:
    client.post("/v1/journeys", json=definition(), headers=keys["admin"])
    smaller = definition()
    smaller["stages"] = smaller["stages"][:1]
    assert client.post("/v1/journeys", json=smaller, headers=keys["admin"]).status_code == 200
    assert [
        s["key"] for s in client.get("/v1/journeys/cafe", headers=keys["viewer"]).json()["stages"]
    ] == ["order"]
    gone = client.get("/v1/public/journeys/cafe/touchpoints/seat/survey")
    assert gone.status_code == 404


def test_invalid_definition_names_the_field(client: TestClient, keys: Headers) -> None:
    bad = definition(["nps", "smile"])
    response = client.post("/v1/journeys", json=bad, headers=keys["admin"])
    assert response.status_code == 422
    fields = [d["field"] for d in response.json()["details"]]
    assert "stages.0.touchpoints.0.questions.1" in fields
    assert client.get("/v1/journeys/cafe", headers=keys["viewer"]).status_code == 404


def test_roles(client: TestClient, keys: Headers) -> None:
    assert client.post("/v1/journeys", json=definition()).status_code == 401
    assert client.post("/v1/journeys", json=definition(), headers=keys["viewer"]).status_code == 403
    assert (
        client.post("/v1/journeys", json=definition(), headers=keys["manager"]).status_code == 403
    )
    assert client.get("/v1/journeys").status_code == 401
    bogus = {"Authorization": "Bearer voc_not-a-real-key"}
    assert client.get("/v1/journeys", headers=bogus).status_code == 401
    assert client.get("/v1/journeys", headers=keys["assessor"]).status_code == 200


def test_public_survey(client: TestClient, retail: str) -> None:
    survey = client.get(f"/v1/public/journeys/{retail}/touchpoints/checkout/survey")
    assert survey.status_code == 200
    body = survey.json()
    assert body["stage_name"] == "结账"
    ids = [q["id"] for q in body["questions"]]
    assert ids == ["nps", "csat", "ces", "importance", "comment"]
    csat = body["questions"][1]
    assert csat["prompt"] == "您对本次结账体验满意吗？" and (csat["min"], csat["max"]) == (1, 5)
    assert client.get(f"/v1/public/journeys/{retail}/touchpoints/nope/survey").status_code == 404
    # The widget limits the comment box with the same number the API checks.
    limit = body["comment_max_length"]
    base = {"journey": retail, "touchpoint": "checkout"}
    ok = client.post("/v1/public/responses", json={**base, "comment": "好" * limit})
    too_long = client.post("/v1/public/responses", json={**base, "comment": "好" * (limit + 1)})
    assert (ok.status_code, too_long.status_code) == (201, 422)
