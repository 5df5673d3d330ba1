"""`vocsvc text rescore`: every stored comment read again by the current model, resumably."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from vocsvc.cli import main
from vocsvc.models import Response, ResponseAspect
from vocsvc.sentiment import service
from vocsvc.sentiment.service import Reading, current_model_version
from vocsvc.text.sentiment import get_backend


@pytest.fixture
def cli_sessions(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """get_sessionmaker() for commands: sessions on the test transaction (a commit = SAVEPOINT)."""
    factory = sessionmaker(
        bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    monkeypatch.setattr("vocsvc.db.get_sessionmaker", lambda: factory)


def _post(client: TestClient, comment: str) -> int:
    answer = {"journey": "retail", "touchpoint": "checkout", "nps": 5, "comment": comment}
    posted = client.post("/v1/public/responses", json=answer)
    assert posted.status_code == 201, posted.text
    return int(posted.json()["id"])


@pytest.mark.usefixtures("cli_sessions")
def test_rescore_fills_in_missing_scores_then_replaces_other_models_scores(
    client: TestClient, session: Session, retail: str, capsys: pytest.CaptureFixture[str]
) -> None:
    current = get_backend("own").version
    missing = _post(client, "排队太久了，很失望")
    stale = _post(client, "店员很热情，结账很快")
    fresh = _post(client, "还行吧")
    no_comment = client.post(
        "/v1/public/responses", json={"journey": "retail", "touchpoint": "checkout", "nps": 9}
    )
    assert no_comment.status_code == 201
    rows = {rid: session.get(Response, rid) for rid in (missing, stale, fresh)}
    fresh_before = rows[fresh].sentiment if rows[fresh] else None
    assert all(r is not None and r.sentiment_model == current for r in rows.values())
    for rid, attrs in (
        (missing, {"sentiment": None, "sentiment_label": None, "sentiment_model": None}),
        (stale, {"sentiment": 0.01, "sentiment_label": "negative", "sentiment_model": "older"}),
    ):
        for name, value in attrs.items():
            setattr(rows[rid], name, value)
    session.commit()

    assert main(["text", "rescore", "--only-missing"]) == 0
    assert "rescored 1 " in capsys.readouterr().out
    for row in rows.values():
        session.refresh(row)
    m, s = rows[missing], rows[stale]
    assert m is not None and m.sentiment is not None and m.sentiment < 0.4
    assert (m.sentiment_label, m.sentiment_model) == ("negative", current)
    assert s is not None and s.sentiment_model == "older"  # --only-missing leaves it alone

    assert main(["text", "rescore"]) == 0
    assert "rescored 1 " in capsys.readouterr().out
    session.refresh(s)
    assert s.sentiment is not None and s.sentiment > 0.6
    assert (s.sentiment_label, s.sentiment_model) == ("positive", current)
    f = rows[fresh]
    assert f is not None and f.sentiment == fresh_before and f.sentiment_model == current

    assert main(["text", "rescore"]) == 0
    assert "rescored 0 " in capsys.readouterr().out


@pytest.mark.usefixtures("cli_sessions")
def test_rescore_replaces_aspects_and_mixed_and_resumes_after_a_stop(
    client: TestClient,
    session: Session,
    retail: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ids = [_post(client, text) for text in ("收银员态度很差，排队太久", "店员很热情", "排队很快")]
    for rid in ids:  # as if an older model had read them, with other aspects
        row = session.get(Response, rid)
        assert row is not None
        row.sentiment_model, row.mixed = "older", True
    session.commit()
    calls = [0]
    real = service.read_comments

    def stops_on_second_batch(texts: Sequence[str], backend: str | None = None) -> list[Reading]:
        calls[0] += 1
        if calls[0] == 2:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C
        return real(texts, backend)

    monkeypatch.setattr(service, "read_comments", stops_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        main(["text", "rescore", "--batch", "1", "--quiet"])
    session.expire_all()
    models = [session.get(Response, rid).sentiment_model for rid in ids]  # type: ignore[union-attr]
    assert models == [current_model_version(), "older", "older"]  # the first batch was kept
    monkeypatch.setattr(service, "read_comments", real)
    assert main(["text", "rescore", "--batch", "1", "--quiet"]) == 0
    assert "rescored 2 " in capsys.readouterr().out
    session.expire_all()
    rows = [session.get(Response, rid) for rid in ids]
    assert all(r is not None and r.sentiment_model == current_model_version() for r in rows)
    first = rows[0]
    assert first is not None and first.mixed is False  # NPS 5 and a complaint agree
    aspects = set(session.scalars(select(ResponseAspect.aspect).where(
        ResponseAspect.response_id == ids[0])))  # fmt: skip
    assert "service_attitude" in aspects and "waiting" in aspects
