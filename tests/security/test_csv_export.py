"""The CSV export neutralises spreadsheet formulas in every text a customer could control."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from vocsvc.journeys.repository import JourneyRepository
from vocsvc.models import Response, utcnow
from vocsvc.responses.csv_io import safe_cell

Headers = dict[str, dict[str, str]]
FORMULAS = ["=1+2", "+SUM(A1:A9)", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x.example","点我")']


def exported(client: TestClient, keys: Headers) -> list[dict[str, str]]:
    reply = client.get("/v1/journeys/retail/responses.csv", headers=keys["viewer"])
    assert reply.status_code == 200
    assert reply.content.startswith("\ufeff".encode())  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"), newline="")))


def test_formulas_posted_by_customers_are_exported_as_text(
    client: TestClient, keys: Headers, retail: str
) -> None:
    for formula in FORMULAS:
        posted = client.post(
            "/v1/public/responses",
            json={"journey": "retail", "touchpoint": "checkout", "nps": 3,
                  "comment": formula, "segment": formula[:64], "channel": formula[:64]},
        )  # fmt: skip
        assert posted.status_code == 201, posted.text
    rows = exported(client, keys)
    assert len(rows) == len(FORMULAS)
    for row in rows:
        for column in ("comment", "segment", "channel"):
            assert row[column].startswith("'"), (column, row[column])
            assert row[column][1:] in FORMULAS


def store_directly(session: Session, **fields: str) -> None:
    """An answer to retail/checkout written past the API: older rows, other writers."""
    journey = JourneyRepository(session).get_by_key("retail")
    assert journey is not None
    tp = next(t for s in journey.stages for t in s.touchpoints if t.key == "checkout")
    assert tp.current_survey_id is not None
    session.add(
        Response(journey_id=journey.id, stage_id=tp.stage_id, touchpoint_id=tp.id,
                 survey_version_id=tp.current_survey_id, nps=5, source="import",
                 submitted_at=utcnow(), **fields)
    )  # fmt: skip
    session.commit()


def test_tab_and_carriage_return_prefixes_are_neutralised(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    # The API strips these from comments and refuses them in labels: stored directly.
    for text in ("\t=1+2", "\r=cmd|' /C calc'!A0"):
        store_directly(session, comment=text, segment=text)
    rows = exported(client, keys)
    assert sorted(row["comment"] for row in rows) == ["'\t=1+2", "'\r=cmd|' /C calc'!A0"]
    assert all(row["segment"].startswith("'") for row in rows)


def test_a_carriage_return_inside_a_cell_cannot_start_a_new_row(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    # Spreadsheets break rows at a bare CR; unquoted, "=..." after it would be a fresh cell.
    sneaky = 'vip\r=HYPERLINK("http://x.example")'
    posted = client.post(
        "/v1/public/responses",
        json={"journey": "retail", "touchpoint": "checkout", "nps": 3, "segment": sneaky},
    )
    assert posted.status_code == 422  # no label holds a control character...
    store_directly(session, segment=sneaky)  # ...but older rows and other writers may
    reply = client.get("/v1/journeys/retail/responses.csv", headers=keys["viewer"])
    assert ',"vip\r=HYPERLINK(' in reply.text  # quoted: one cell
    assert [row["segment"] for row in exported(client, keys)] == [sneaky]


@pytest.mark.parametrize("value", ["=x", "+x", "-x", "@x", "\tx", "\rx"])
def test_every_trigger_is_prefixed(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "cell"), [(None, ""), (7, "7"), (0.25, "0.25"), ("好评", "好评")]
)
def test_ordinary_values_are_unchanged(value: object, cell: str) -> None:
    assert safe_cell(value) == cell
