from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from scipy import stats as scipy_stats
from sqlalchemy.orm import Session

from vocsvc.ingest.pipeline import import_bulk
from vocsvc.responses.schemas import ImportedResponseIn

Headers = dict[str, dict[str, str]]
AT = "2026-08-01T10:00:00+08:00"


def customers(touchpoint: str, importance: list[int], csat: list[int]) -> list[ImportedResponseIn]:
    return [
        ImportedResponseIn.model_validate(
            {
                "journey": "retail",
                "touchpoint": touchpoint,
                "submitted_at": AT,
                "importance": i,
                "csat": c,
            }
        )
        for i, c in zip(importance, csat, strict=True)
    ]


@pytest.fixture
def data(client: TestClient, session: Session, keys: Headers, retail: str) -> dict[str, Any]:
    rng = np.random.default_rng(5)
    checkout_imp = rng.integers(4, 6, 60).tolist()  # customers: checkout matters a lot
    checkout_csat = rng.integers(1, 4, 60).tolist()  # ...and it performs badly
    returns_imp = rng.integers(1, 4, 50).tolist()
    returns_csat = rng.integers(4, 6, 50).tolist()
    import_bulk(
        session,
        customers("checkout", checkout_imp, checkout_csat)
        + customers("returns", returns_imp, returns_csat),
    )
    session.commit()
    staff_imp = [3, 2, 3, 2, 3, 2, 3, 3]  # staff think checkout matters little
    staff_perf = [5, 4, 5, 5, 4, 5, 4, 5]  # ...and that it performs well
    ratings = [
        {"touchpoint": "checkout", "rater": f"e{i}", "department": "收银部",
         "importance": imp, "performance": perf}
        for i, (imp, perf) in enumerate(zip(staff_imp, staff_perf, strict=True))
    ]  # fmt: skip
    body = {"journey": "retail", "period": "2026Q3", "ratings": ratings}
    assert client.post("/v1/assessments", json=body, headers=keys["assessor"]).status_code == 201
    return {"checkout_imp": checkout_imp, "checkout_csat": checkout_csat, "staff_imp": staff_imp,
            "staff_perf": staff_perf}  # fmt: skip


def test_gap_rows(client: TestClient, keys: Headers, data: dict[str, Any]) -> None:
    response = client.get("/v1/journeys/retail/gaps?period=2026Q3", headers=keys["viewer"])
    assert response.status_code == 200, response.text
    body = response.json()
    rows = {r["touchpoint"]: r for r in body["rows"]}
    assert [r["touchpoint"] for r in body["rows"]][:2] == [
        "social_media",
        "word_of_mouth",
    ]  # journey order
    checkout = rows["checkout"]
    assert checkout["stage"] == "checkout" and checkout["customer_importance"]["n"] == 60
    gap = checkout["importance_gap"]
    welch = scipy_stats.ttest_ind(data["staff_imp"], data["checkout_imp"], equal_var=False)
    assert gap["value"] == pytest.approx(
        np.mean(data["staff_imp"]) - np.mean(data["checkout_imp"]), abs=1e-3
    )
    assert gap["p_value"] == pytest.approx(welch.pvalue, rel=1e-3)
    low, high = welch.confidence_interval(0.95)
    assert (gap["ci_low"], gap["ci_high"]) == (
        pytest.approx(low, abs=1e-3),
        pytest.approx(high, abs=1e-3),
    )
    assert gap["q_value"] is not None and gap["q_value"] >= gap["p_value"]
    perf = checkout["performance_gap"]
    assert perf["value"] > 0 and perf["q_value"] < 0.05  # staff overrate checkout's performance
    assert checkout["quadrant"] == "concentrate_here"
    assert rows["returns"]["quadrant"] in ("low_priority", "possible_overkill")
    assert rows["returns"]["importance_gap"] is None  # no staff ratings
    assert rows["parking"]["customer_importance"] is None and rows["parking"]["quadrant"] is None
    assert checkout["priority"] == 1
    assert body["most_misjudging_department"] == "收银部"
    assert "misjudge" in body["priority_rule"]


def test_gaps_need_a_period(client: TestClient, keys: Headers, retail: str) -> None:
    assert client.get("/v1/journeys/retail/gaps", headers=keys["viewer"]).status_code == 422
    assert client.get("/v1/journeys/retail/gaps?period=2026Q3").status_code == 401
