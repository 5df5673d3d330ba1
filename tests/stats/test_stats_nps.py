"""NPS point estimate, adjusted-Wald interval, counts mapping and two-sample difference."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from scipy import stats as sps

from vocsvc.stats import nps_difference, nps_from_counts, nps_interval

Z95 = 1.959963984540054


def _hand_adjusted(pro: int, pas: int, det: int) -> tuple[float, float]:
    """Rocks' adjusted Wald by hand: +3/4 promoter, +3/2 passive, +3/4 detractor."""
    n_adj = Fraction(pro + pas + det) + 3
    p = (pro + Fraction(3, 4)) / n_adj
    d = (det + Fraction(3, 4)) / n_adj
    return float(p - d), float((p + d - (p - d) ** 2) / n_adj)


def test_hand_computed_50_30_20() -> None:
    # p' = 50.75/103, d' = 20.75/103, centre 0.29126, var 0.0059159 -> [14.05, 44.20]
    est = nps_interval(50, 30, 20)
    assert est.nps == pytest.approx(30.0)
    assert est.n == 100
    assert est.low == pytest.approx(14.0511, abs=1e-4)
    assert est.high == pytest.approx(44.2013, abs=1e-4)
    centre, var = _hand_adjusted(50, 30, 20)
    assert est.low == pytest.approx(100 * (centre - Z95 * math.sqrt(var)))
    assert est.to_dict()["low"] == 14.05
    assert est.to_dict()["high"] == 44.2
    assert not est.low_sample


def test_interval_clipped_and_never_zero_width() -> None:
    est = nps_interval(20, 0, 0)
    assert est.nps == 100.0
    assert est.high == 100.0
    assert est.low < 90.0  # Wald would give [100, 100]
    est = nps_interval(0, 0, 25)
    assert est.low == -100.0
    assert est.high > -90.0


def test_empty_sample_is_nan_with_widest_interval() -> None:
    est = nps_interval(0, 0, 0)
    assert math.isnan(est.nps)
    assert (est.low, est.high) == (-100.0, 100.0)
    assert est.to_dict()["nps"] is None
    assert est.low_sample


def test_low_sample_flag_and_width_behaviour() -> None:
    assert nps_interval(10, 10, 9).low_sample
    assert not nps_interval(10, 10, 10).low_sample
    small, large = nps_interval(5, 3, 2), nps_interval(500, 300, 200)
    assert large.high - large.low < small.high - small.low
    wide = nps_interval(50, 30, 20, confidence=0.99)
    narrow = nps_interval(50, 30, 20, confidence=0.80)
    assert wide.high - wide.low > narrow.high - narrow.low


def test_from_counts_maps_score_bands() -> None:
    est = nps_from_counts({10: 5, 9: 5, 8: 3, 7: 2, 6: 1, 0: 4})
    assert (est.promoters, est.passives, est.detractors) == (10, 5, 5)
    assert est.nps == pytest.approx(25.0)
    with pytest.raises(ValueError, match="outside"):
        nps_from_counts({11: 1})
    with pytest.raises(ValueError, match="promoters must be >= 0"):
        nps_interval(-1, 0, 0)
    with pytest.raises(ValueError, match="confidence"):
        nps_interval(1, 1, 1, confidence=1.0)


def test_difference_hand_computed_and_consistent() -> None:
    res = nps_difference((50, 30, 20), (30, 30, 40))
    assert res.difference == pytest.approx(40.0)
    ca, va = _hand_adjusted(50, 30, 20)
    cb, vb = _hand_adjusted(30, 30, 40)
    se = math.sqrt(va + vb)
    assert res.low == pytest.approx(100 * (ca - cb - Z95 * se))
    assert res.high == pytest.approx(100 * (ca - cb + Z95 * se))
    assert res.p_value == pytest.approx(2 * sps.norm.sf(abs(ca - cb) / se))
    assert res.significant and res.low > 0
    back = nps_difference(nps_interval(30, 30, 40), nps_interval(50, 30, 20))
    assert back.difference == pytest.approx(-res.difference)
    assert back.p_value == pytest.approx(res.p_value)


def test_difference_not_significant_for_similar_small_samples() -> None:
    res = nps_difference((12, 9, 8), (10, 11, 8))  # n = 29 each
    assert not res.significant
    assert res.low < 0 < res.high
    assert res.low_sample
    same = nps_difference((40, 30, 30), (40, 30, 30))
    assert same.p_value == pytest.approx(1.0)


def test_difference_with_empty_side() -> None:
    res = nps_difference((0, 0, 0), (5, 5, 5))
    assert math.isnan(res.difference) and math.isnan(res.p_value)
    assert not res.significant
    assert res.to_dict()["p_value"] is None
