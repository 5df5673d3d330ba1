"""Both entry points take one path: each step once per answer, the same after-store order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.config import REPO_ROOT
from vocsvc.ingest import after_store, pipeline
from vocsvc.ingest.pipeline import PublicAnswer, Submitted, import_bulk, submit_public_batch
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.service import upsert_journey
from vocsvc.models import FollowUpCase, ResponseDailyCount, WebhookDelivery, utcnow
from vocsvc.origins import CallerOrigin, OriginNotAllowed, check_origin
from vocsvc.responses.schemas import ImportedResponseIn, PublicResponseIn
from vocsvc.webhooks.schemas import WebhookIn
from vocsvc.webhooks.service import create_webhook

SHOP = "https://shop.example.com"
DETRACTOR = {"journey": "retail", "touchpoint": "checkout", "nps": 2, "respondent": "m-1"}


def counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> Callable[[], int]:
    """Count the calls of `module.name` (still calling it); returns the counter."""
    calls = [0]
    original = getattr(module, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return lambda: calls[0]


def outbox_events(session: Session) -> list[str]:
    return list(session.scalars(select(WebhookDelivery.event).order_by(WebhookDelivery.id)))


def rollup_total(session: Session) -> int:
    return int(session.scalar(select(func.sum(ResponseDailyCount.count))) or 0)


@pytest.fixture
def subscribed(session: Session, retail: str) -> None:
    url = "https://hooks.example.com/in"
    create_webhook(session, WebhookIn(url=url, events=["response.created", "case.opened"]))
    session.flush()


def public(comment: str) -> PublicAnswer:
    return PublicAnswer(PublicResponseIn.model_validate({**DETRACTOR, "comment": comment}))


def imported(comment: str) -> ImportedResponseIn:
    at = (utcnow() - timedelta(hours=1)).isoformat()
    return ImportedResponseIn.model_validate({**DETRACTOR, "comment": comment, "submitted_at": at})


@pytest.mark.usefixtures("subscribed")
@pytest.mark.parametrize("entry", ["public", "import"])
def test_each_step_runs_once_per_answer_and_after_store_in_one_order(
    session: Session, monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    cleaned = counting(monkeypatch, pipeline, "clean_comment")
    resolved = counting(monkeypatch, pipeline, "resolve")
    judged = counting(monkeypatch, after_store, "needs_case")
    comments = [" 排队太久了 \x07", "收银员态度差"]
    if entry == "public":
        results = submit_public_batch(session, [public(c) for c in comments])
        assert all(isinstance(r, Submitted) and r.created for r in results)
    else:
        assert import_bulk(session, [imported(c) for c in comments]) == 2
    assert (cleaned(), resolved(), judged()) == (2, 2, 2)
    # Events are queued before cases open (each case's event after), the rollup counts last.
    assert outbox_events(session) == ["response.created"] * 2 + ["case.opened"] * 2
    assert session.scalar(select(func.count()).select_from(FollowUpCase)) == 2
    assert rollup_total(session) == 2


def test_an_origin_is_decided_from_the_answer_alone() -> None:
    allowed = (SHOP,)
    own = "https://voc.example.com"
    check_origin(CallerOrigin(SHOP, own), "retail", allowed)
    check_origin(CallerOrigin(None, own), "retail", allowed)  # not a browser's cross-origin call
    check_origin(CallerOrigin(own, own), "retail", allowed)  # our hosted page
    check_origin(CallerOrigin("https://evil.example", own), "retail", None)  # no list: anyone
    with pytest.raises(OriginNotAllowed, match=r"evil\.example"):
        check_origin(CallerOrigin("https://evil.example", own), "retail", allowed)


def test_a_refused_origin_fails_its_answer_alone(session: Session) -> None:
    retail = load_journey_file(REPO_ROOT / "surveys" / "retail.yaml")
    upsert_journey(session, retail.model_copy(update={"allowed_origins": [SHOP]}))
    session.flush()
    own = "https://voc.example.com"
    item = PublicResponseIn.model_validate(DETRACTOR)
    from_shop = PublicAnswer(item, caller=CallerOrigin(SHOP, own))
    from_elsewhere = PublicAnswer(item, caller=CallerOrigin("https://evil.example", own))
    ok, refused = submit_public_batch(session, [from_shop, from_elsewhere])
    assert isinstance(ok, Submitted) and ok.created
    assert isinstance(refused, OriginNotAllowed)
