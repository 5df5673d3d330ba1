"""Wilson interval, top-box and Newcombe differences against scipy and published values."""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps

from vocsvc.stats import proportion_difference, top_box, wilson_interval


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 10), (7, 30), (29, 30), (30, 30), (450, 1000)])
def test_wilson_matches_scipy(k: int, n: int, confidence: float) -> None:
    est = wilson_interval(k, n, confidence)
    ci = sps.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    assert est.share == pytest.approx(k / n)
    assert est.low == pytest.approx(ci.low, abs=1e-12)
    assert est.high == pytest.approx(ci.high, abs=1e-12)


def test_wilson_edges_and_validation() -> None:
    empty = wilson_interval(0, 0)
    assert math.isnan(empty.share) and (empty.low, empty.high) == (0.0, 1.0)
    assert empty.to_dict()["share"] is None
    with pytest.raises(ValueError, match="> n"):
        wilson_interval(5, 4)


def test_top_box_counts_scores_at_or_above_threshold() -> None:
    est = top_box({1: 3, 2: 5, 3: 2, 4: 10, 5: 30})
    assert (est.successes, est.n) == (40, 50)
    assert est.share == pytest.approx(0.8)
    assert (est.low, est.high) == pytest.approx(
        tuple(sps.binomtest(40, 50).proportion_ci(method="wilson"))
    )
    assert top_box({1: 3, 5: 1}, threshold=5).successes == 1


def test_newcombe_hybrid_score_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, Table II example (a): 56/70 - 48/80,
    # method 10 (hybrid score): 0.0524 to 0.3339.
    res = proportion_difference((56, 70), (48, 80))
    assert res.difference == pytest.approx(0.2)
    assert res.low == pytest.approx(0.0524, abs=5e-5)
    assert res.high == pytest.approx(0.3339, abs=5e-5)
    # Pooled two-proportion z-test == Pearson chi-square without continuity correction.
    chi = sps.chi2_contingency([[56, 14], [48, 32]], correction=False)
    assert res.p_value == pytest.approx(chi.pvalue)
    assert res.significant


def test_proportion_difference_edges() -> None:
    # Newcombe (1998) example (h): 0/10 - 0/20 -> -0.1611 to 0.2775.
    res = proportion_difference(wilson_interval(0, 10), wilson_interval(0, 20))
    assert res.low == pytest.approx(-0.1611, abs=5e-5)
    assert res.high == pytest.approx(0.2775, abs=5e-5)
    assert math.isnan(res.p_value) and not res.significant
    empty = proportion_difference((0, 0), (3, 9))
    assert math.isnan(empty.difference) and (empty.low, empty.high) == (-1.0, 1.0)
