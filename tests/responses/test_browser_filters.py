"""The response browser's API: submission-time order, its filters (in SQL) and the CSV export."""

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

Headers = dict[str, dict[str, str]]
LIST = "/v1/journeys/retail/responses"

ANSWERS: list[dict[str, Any]] = [
    # Imported out of order: ids do not follow submission time.
    {"touchpoint": "checkout", "nps": 2, "comment": "排队太久了，收银员态度也很差",
     "submitted_at": "2026-08-20T10:00:00+08:00"},
    {"touchpoint": "checkout", "nps": 10, "comment": "结账很快，收银员很热情",
     "submitted_at": "2026-07-02T10:00:00+08:00"},
    {"touchpoint": "checkout", "nps": 8, "submitted_at": "2026-09-10T10:00:00+08:00"},
    {"touchpoint": "parking", "csat": 1, "comment": "停车场的WiFi连不上，100%找不到车位",
     "submitted_at": "2026-08-01T09:00:00+08:00"},
    {"touchpoint": "parking", "csat": 4, "comment": "wifi很好用",
     "submitted_at": "2026-08-01T09:00:00+08:00"},  # the same second as the one above
    {"touchpoint": "checkout", "nps": 10, "comment": "排队太久了，等了半个小时，太差了",
     "submitted_at": "2026-07-15T18:00:00+08:00"},  # praising score, complaining text: mixed
    {"touchpoint": "checkout", "nps": 6, "csat": 3, "submitted_at": "2026-09-01T12:00:00+08:00"},
]  # fmt: skip


@pytest.fixture
def seeded(client: TestClient, keys: Headers, retail: str) -> Headers:
    rows = [{"journey": "retail", **a} for a in ANSWERS]
    reply = client.post("/v1/responses/bulk", json={"responses": rows}, headers=keys["admin"])
    assert reply.status_code == 201, reply.text
    return keys


def listed(client: TestClient, keys: Headers, **params: Any) -> list[dict[str, Any]]:
    reply = client.get(LIST, params={"limit": 1000, **params}, headers=keys["viewer"])
    assert reply.status_code == 200, reply.text
    items: list[dict[str, Any]] = reply.json()["items"]
    return items


def test_newest_submission_first_across_pages(client: TestClient, seeded: Headers) -> None:
    everything = listed(client, seeded)
    times = [(i["submitted_at"], i["id"]) for i in everything]
    assert times == sorted(times, reverse=True)
    assert [i["id"] for i in everything] != sorted((i["id"] for i in everything), reverse=True)
    paged: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(LIST, params=params, headers=seeded["viewer"]).json()
        paged += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert paged == [i["id"] for i in everything]  # the tie at 09:00 split over no page twice
    bad = client.get(LIST, params={"cursor": "yesterday"}, headers=seeded["viewer"])
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "cursor"


def test_only_detractors_uses_nps_0_to_6_or_csat_1_to_2(
    client: TestClient, seeded: Headers
) -> None:
    found = listed(client, seeded, only_detractors="true")
    assert {(i["nps"], i["csat"]) for i in found} == {(2, None), (None, 1), (6, 3)}
    everything = listed(client, seeded)
    expected = [i["id"] for i in everything
                if (i["nps"] is not None and i["nps"] <= 6) or (i["csat"] or 9) <= 2]  # fmt: skip
    assert [i["id"] for i in found] == expected


def test_with_comment_and_text_search(client: TestClient, seeded: Headers) -> None:
    commented = listed(client, seeded, with_comment="1")
    assert len(commented) == 5 and all(i["comment"] for i in commented)
    queue = listed(client, seeded, q="排队")
    assert len(queue) == 2 and all("排队" in i["comment"] for i in queue)
    # Any case, and % or _ are the characters themselves, not wildcards.
    assert len(listed(client, seeded, q="WIFI")) == 2
    assert [i["comment"] for i in listed(client, seeded, q="100%")] == [ANSWERS[3]["comment"]]
    assert listed(client, seeded, q="%") == listed(client, seeded, q="100%")
    assert listed(client, seeded, q="_") == []
    both = listed(client, seeded, q="排队", only_detractors="true")
    assert [i["nps"] for i in both] == [2]


def test_aspect_filter_matches_the_aspects_each_answer_carries(
    client: TestClient, seeded: Headers
) -> None:
    everything = listed(client, seeded)
    carried = {a["aspect"] for i in everything for a in i["aspects"]}
    assert "waiting" in carried
    for aspect in carried:
        found = listed(client, seeded, aspect=aspect)
        expected = [i["id"] for i in everything if aspect in {a["aspect"] for a in i["aspects"]}]
        assert [i["id"] for i in found] == expected and found
    vocabulary = client.get(f"{LIST}/filters", headers=seeded["viewer"]).json()["aspects"]
    assert {"key": "waiting", "name": "排队等待"} in vocabulary
    unknown = client.get(LIST, params={"aspect": "weather"}, headers=seeded["viewer"])
    assert unknown.status_code == 422 and "waiting" in unknown.json()["message"]


def test_mixed_answers(client: TestClient, seeded: Headers) -> None:
    mixed = listed(client, seeded, mixed="true")
    assert [(i["nps"], i["comment"]) for i in mixed] == [(10, ANSWERS[5]["comment"])]
    agreeing = listed(client, seeded, mixed="false")
    assert len(agreeing) == len(ANSWERS) - 1 and not any(i["mixed"] for i in agreeing)


def test_stage_touchpoint_and_period_combine_with_the_rest(
    client: TestClient, seeded: Headers
) -> None:
    found = listed(client, seeded, stage="checkout", period="2026Q3", with_comment="true")
    assert {i["touchpoint"] for i in found} == {"checkout"} and len(found) == 3
    parking = listed(client, seeded, touchpoint="parking", only_detractors="true")
    assert [i["csat"] for i in parking] == [1]


def test_csv_has_a_bom_for_excel_and_the_filters(client: TestClient, seeded: Headers) -> None:
    reply = client.get(f"{LIST}.csv", params={"q": "排队"}, headers=seeded["viewer"])
    assert reply.status_code == 200
    assert reply.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert next(iter(rows[0])) == "id" and len(rows) == 2
    assert {r["touchpoint"] for r in rows} == {"checkout"}


def test_csv_with_chinese_column_and_touchpoint_names(client: TestClient, seeded: Headers) -> None:
    params = {"names": "zh", "touchpoint": "checkout", "mixed": "true"}
    reply = client.get(f"{LIST}.csv", params=params, headers=seeded["viewer"])
    assert reply.status_code == 200 and reply.content.startswith(b"\xef\xbb\xbf")
    text = reply.content.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert list(row)[:4] == ["编号", "旅程", "阶段", "触点"]
    assert row["阶段"] == "结账" and row["触点"] == "收银排队与结账"
    assert row["提交时间"] == "2026-07-15 18:00:00"
    assert row["评论与评分矛盾"] == "是" and row["情感"] == "负面" and row["来源"] == "导入"
    assert "排队等待：负面" in row["提及方面"]
    keys_csv = client.get(f"{LIST}.csv", params={"touchpoint": "checkout", "mixed": "true"},
                          headers=seeded["viewer"]).content.decode("utf-8-sig")  # fmt: skip
    [plain] = list(csv.DictReader(io.StringIO(keys_csv)))
    assert plain["touchpoint"] == "checkout" and plain["mixed"] == "True"
    refused = client.get(f"{LIST}.csv", params={"names": "fr"}, headers=seeded["viewer"])
    assert refused.status_code == 422
