"""The review tests' data: a quarter against the one before, checkout turning bad."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from vocsvc.ingest.pipeline import import_bulk
from vocsvc.responses.schemas import ImportedResponseIn

Headers = dict[str, dict[str, str]]


def answers(rng: np.random.Generator, at: str, checkout_bad: bool) -> list[ImportedResponseIn]:
    rows: list[dict[str, Any]] = []
    for tp in ("checkout", "returns", "fresh_produce"):
        for _ in range(40):
            bad = tp == "checkout" and checkout_bad
            nps = int(rng.integers(0, 6) if bad else rng.integers(6, 11))
            csat, importance = max(1, min(5, nps // 2)), int(rng.integers(3, 6))
            rows.append({"journey": "retail", "touchpoint": tp, "submitted_at": at, "nps": nps,
                         "csat": csat, "importance": importance})  # fmt: skip
    rows.append({"journey": "retail", "touchpoint": "checkout", "submitted_at": at, "nps": 0,
                 "comment": "排队太久了<script>alert(1)</script>"})  # fmt: skip
    return [ImportedResponseIn.model_validate(r) for r in rows]


@pytest.fixture
def quarter(client: TestClient, session: Session, keys: Headers, retail: str) -> None:
    rng = np.random.default_rng(11)
    import_bulk(session, answers(rng, "2026-05-05T10:00:00+08:00", checkout_bad=False))
    import_bulk(session, answers(rng, "2026-08-05T10:00:00+08:00", checkout_bad=True))
    session.commit()
    ratings = [{"touchpoint": "checkout", "rater": f"e{i}", "department": "收银部",
                "importance": 2, "performance": 5} for i in range(6)]  # fmt: skip
    body = {"journey": "retail", "period": "2026Q3", "ratings": ratings}
    assert client.post("/v1/assessments", json=body, headers=keys["assessor"]).status_code == 201
