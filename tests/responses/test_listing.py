import csv
import io

from fastapi.testclient import TestClient

Headers = dict[str, dict[str, str]]


def seed(client: TestClient, admin: dict[str, str]) -> None:
    rows = [
        {"journey": "retail", "touchpoint": "checkout", "nps": n, "comment": c,
         "submitted_at": at, "segment": s}
        for n, c, at, s in [
            (9, "很好", "2026-06-30T23:30:00+08:00", "family"),  # Q2 in Shanghai, Q2 in UTC too
            (2, "=HYPERLINK(\"http://x\")", "2026-07-01T00:30:00+08:00", "senior"),  # Q3 locally
            (7, None, "2026-08-15T12:00:00+08:00", "family"),
        ]
    ] + [{"journey": "retail", "touchpoint": "parking", "csat": 3,
          "submitted_at": "2026-09-01T09:00:00+08:00"}]  # fmt: skip
    assert (
        client.post("/v1/responses/bulk", json={"responses": rows}, headers=admin).status_code
        == 201
    )


def test_pagination_and_filters(client: TestClient, keys: Headers, retail: str) -> None:
    seed(client, keys["admin"])
    viewer = keys["viewer"]
    page = client.get("/v1/journeys/retail/responses?limit=3", headers=viewer).json()
    assert len(page["items"]) == 3 and page["next_cursor"] is not None
    rest = client.get(
        f"/v1/journeys/retail/responses?limit=3&cursor={page['next_cursor']}", headers=viewer
    ).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    all_ids = [i["id"] for i in page["items"] + rest["items"]]
    assert all_ids == sorted(all_ids, reverse=True)

    q3 = client.get("/v1/journeys/retail/responses?period=2026Q3", headers=viewer).json()["items"]
    assert sorted(i["nps"] or 0 for i in q3) == [0, 2, 7]
    stage = client.get("/v1/journeys/retail/responses?stage=arrival", headers=viewer).json()[
        "items"
    ]
    assert [i["touchpoint"] for i in stage] == ["parking"]
    days = client.get(
        "/v1/journeys/retail/responses?from=2026-07-01&to=2026-07-01", headers=viewer
    ).json()
    assert [i["nps"] for i in days["items"]] == [2]
    segment = client.get("/v1/journeys/retail/responses?segment=family", headers=viewer).json()
    assert len(segment["items"]) == 2
    bad = client.get("/v1/journeys/retail/responses?period=2026Q5", headers=viewer)
    assert bad.status_code == 422 and "YYYYQn" in bad.json()["message"]


def test_csv_export_streams_every_row_safely(
    client: TestClient, keys: Headers, retail: str
) -> None:
    seed(client, keys["admin"])
    response = client.get("/v1/journeys/retail/responses.csv", headers=keys["viewer"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 4
    assert rows[0]["submitted_at"] == "2026-06-30T23:30:00+08:00"
    formula = next(r for r in rows if r["nps"] == "2")
    assert formula["comment"].startswith("'=")
    assert client.get("/v1/journeys/retail/responses.csv").status_code == 401


def test_a_nul_in_a_filter_is_refused_before_the_export_streams(
    client: TestClient, keys: Headers, retail: str
) -> None:
    """On PostgreSQL it used to fail mid-stream: a 200 whose body stopped after the header."""
    seed(client, keys["admin"])
    for field in ("segment", "channel", "stage", "touchpoint"):
        for route in ("responses.csv", "responses"):
            reply = client.get(
                f"/v1/journeys/retail/{route}", params={field: "fam\x00ily"}, headers=keys["viewer"]
            )
            assert reply.status_code == 422, (field, route, reply.text)
            assert [d["field"] for d in reply.json()["details"]] == [field]
            assert "NUL" in reply.json()["message"]
