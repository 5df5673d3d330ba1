"""The text commands as run from the main `vocsvc` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from vocsvc.cli import build_parser, main
from vocsvc.models import Response
from vocsvc.text.sentiment import SentimentModel, get_backend


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


def test_every_text_command_has_a_handler() -> None:
    parser = build_parser()
    for argv in (["text", "train"], ["text", "rescore"], ["sentiment"]):
        assert callable(parser.parse_args(argv).handler)
    assert parser.parse_args(["text", "rescore", "--only-missing"]).only_missing is True


def test_train_command_writes_a_loadable_model(tmp_path: Path) -> None:
    (tmp_path / "ChnSentiCorp_htl_all.csv").write_text(
        "label,review\n1,房间很好很干净\n0,房间太吵太脏\n1,早餐很干净\n0,走廊太吵\n",
        encoding="utf-8",
    )
    (tmp_path / "online_shopping_8_cats.csv").write_text(
        "cat,label,review\n手机,1,手机很好用\n手机,0,手机太卡了\n", encoding="utf-8"
    )
    out = tmp_path / "model.npz"
    assert main(["text", "train", "--data-dir", str(tmp_path), "--out", str(out)]) == 0
    model = SentimentModel.load(out)
    good, bad = model.predict_proba(["很干净", "太吵了"])
    assert good > 0.5 > bad
    assert np.isfinite(model.weights).all()


def test_sentiment_command_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stdin = tmp_path / "in.txt"
    stdin.write_bytes("很好\n\n太差了\n".encode())
    with stdin.open("rb") as f:
        monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": f})())
        assert main(["sentiment"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and float(lines[0]) > 0.6 > 0.4 > float(lines[2])
