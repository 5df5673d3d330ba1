"""Per-journey CORS allow-lists: other origins are refused (403, no CORS headers)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.config import REPO_ROOT
from vocsvc.models import Response
from vocsvc.origins import normalise_origin, origin_allowed

SHOP = "https://shop.example.com"
SURVEY = "/v1/public/journeys/retail/touchpoints/checkout/survey"
Headers = dict[str, dict[str, str]]


def retail_definition(**changes: Any) -> dict[str, Any]:
    definition: dict[str, Any] = yaml.safe_load((REPO_ROOT / "surveys" / "retail.yaml").read_text())
    definition.update(changes)
    return definition


@pytest.fixture
def guarded(client: TestClient, keys: Headers) -> str:
    """The retail journey, open only to the shop's site."""
    reply = client.post(
        "/v1/journeys",
        json=retail_definition(allowed_origins=["HTTPS://Shop.Example.com:443/"]),
        headers=keys["admin"],
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["allowed_origins"] == [SHOP]  # normalised as browsers send it
    return "retail"


def answer(**fields: Any) -> dict[str, Any]:
    return {"journey": "retail", "touchpoint": "checkout", "nps": 9, **fields}


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def test_allowed_origin_may_fetch_and_answer(client: TestClient, guarded: str) -> None:
    survey = client.get(SURVEY, headers={"Origin": SHOP})
    assert survey.status_code == 200
    assert survey.headers["access-control-allow-origin"] in ("*", SHOP)
    posted = client.post("/v1/public/responses", json=answer(), headers={"Origin": SHOP})
    assert posted.status_code == 201
    assert posted.headers["access-control-allow-origin"] in ("*", SHOP)


def test_other_origins_are_refused_without_cors_headers(
    client: TestClient, session: Session, guarded: str
) -> None:
    for origin in ("https://evil.example", "http://shop.example.com", "null"):
        posted = client.post("/v1/public/responses", json=answer(), headers={"Origin": origin})
        assert posted.status_code == 403, posted.text
        assert posted.json()["error"] == "origin_not_allowed"
        assert not any(h.startswith("access-control-") for h in posted.headers)
        survey = client.get(SURVEY, headers={"Origin": origin})
        assert survey.status_code == 403
        assert "access-control-allow-origin" not in survey.headers
    assert stored(session) == 0


def test_own_pages_and_non_browser_clients_are_always_allowed(
    client: TestClient, guarded: str
) -> None:
    # The hosted survey page posts from the service's own origin; servers send no Origin.
    own = client.post(
        "/v1/public/responses", json=answer(), headers={"Origin": "http://testserver"}
    )
    assert own.status_code == 201
    assert client.post("/v1/public/responses", json=answer()).status_code == 201
    assert client.get(SURVEY).status_code == 200


def test_preflight_still_works_for_an_allowed_origin(client: TestClient, guarded: str) -> None:
    preflight = client.options(
        "/v1/public/responses",
        headers={
            "Origin": SHOP,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,idempotency-key",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", SHOP)


def test_journeys_without_a_list_take_any_origin(client: TestClient, retail: str) -> None:
    posted = client.post(
        "/v1/public/responses", json=answer(), headers={"Origin": "https://anyone.example"}
    )
    assert posted.status_code == 201
    assert posted.headers["access-control-allow-origin"] in ("*", "https://anyone.example")


def test_removing_the_list_opens_the_journey_again(
    client: TestClient, keys: Headers, guarded: str
) -> None:
    evil = {"Origin": "https://evil.example"}
    assert client.post("/v1/public/responses", json=answer(), headers=evil).status_code == 403
    reply = client.post("/v1/journeys", json=retail_definition(), headers=keys["admin"])
    assert reply.status_code == 200 and reply.json()["allowed_origins"] is None
    assert client.post("/v1/public/responses", json=answer(), headers=evil).status_code == 201


@pytest.mark.parametrize(
    "bad", ["shop.example.com", "https://shop.example.com/path", "ftp://shop.example.com", "*"]
)
def test_definitions_with_bad_origins_are_refused(
    client: TestClient, keys: Headers, retail: str, bad: str
) -> None:
    reply = client.post(
        "/v1/journeys", json=retail_definition(allowed_origins=[bad]), headers=keys["admin"]
    )
    assert reply.status_code == 422
    assert any(d["field"].startswith("allowed_origins") for d in reply.json()["details"])


def test_origin_rules() -> None:
    assert normalise_origin("http://LOCALHOST:8080") == "http://localhost:8080"
    assert normalise_origin("http://shop.example.com:80") == "http://shop.example.com"
    with pytest.raises(ValueError, match="port"):
        normalise_origin("https://shop.example.com:99999")
    assert origin_allowed(None, "https://voc.example", (SHOP,))
    assert origin_allowed("https://voc.example", "https://voc.example", (SHOP,))
    assert origin_allowed("https://x.example", "https://voc.example", None)
    assert not origin_allowed("https://x.example", "https://voc.example", (SHOP,))
    assert not origin_allowed("https://x.example", "https://voc.example", ())
