"""Means (Student-t) and Welch's test against scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from vocsvc.stats import (
    Summary,
    mean_interval,
    mean_interval_from_counts,
    mean_interval_from_sums,
    welch_test,
)


def test_mean_interval_matches_scipy_t() -> None:
    values = np.random.default_rng(7).integers(1, 6, size=23).astype(float)
    est = mean_interval(values.tolist(), confidence=0.9)
    ci = sps.ttest_1samp(values, 0.0).confidence_interval(0.9)
    assert est.mean == pytest.approx(values.mean())
    assert (est.low, est.high) == pytest.approx((ci.low, ci.high))
    assert est.sd == pytest.approx(values.std(ddof=1))
    assert est.low_sample


def test_three_summary_forms_agree() -> None:
    counts = {1: 3, 2: 5, 5: 40}
    values = [1.0] * 3 + [2.0] * 5 + [5.0] * 40
    by_counts = mean_interval_from_counts(counts)
    by_sums = mean_interval_from_sums(48, 213.0, 3 + 20 + 1000.0)
    by_values = mean_interval(values)
    by_summary = mean_interval(Summary.from_values(values))
    assert by_counts.mean == pytest.approx(213 / 48)  # 4.4375 by hand
    for other in (by_sums, by_values, by_summary):
        assert (other.mean, other.low, other.high, other.n) == pytest.approx(
            (by_counts.mean, by_counts.low, by_counts.high, by_counts.n)
        )


def test_constant_values_have_zero_sd_not_float_residue() -> None:
    s = Summary.from_sums(7, 7 * 0.1, 7 * 0.1 * 0.1)
    assert s.sd == 0.0
    est = mean_interval(s)
    assert est.low == est.high == pytest.approx(0.1)


def test_small_samples_are_nan_not_errors() -> None:
    empty = mean_interval([])
    assert empty.n == 0 and math.isnan(empty.mean) and math.isnan(empty.low)
    one = mean_interval_from_counts({4: 1})
    assert one.mean == 4.0 and math.isnan(one.high)
    assert one.to_dict()["low"] is None and one.to_dict()["mean"] == 4.0
    with pytest.raises(ValueError, match="sd must be"):
        Summary(5, 3.0, -1.0)
    with pytest.raises(ValueError, match=">= 0"):
        mean_interval_from_counts({3: -2})


@pytest.mark.parametrize(
    ("n_a", "n_b", "confidence"), [(25, 40, 0.95), (8, 120, 0.9), (3, 5, 0.99)]
)
def test_welch_matches_scipy(n_a: int, n_b: int, confidence: float) -> None:
    rng = np.random.default_rng(n_a * 1000 + n_b)
    a, b = rng.normal(3.6, 0.8, n_a), rng.normal(3.1, 1.6, n_b)
    res = welch_test(Summary.from_values(a.tolist()), Summary.from_values(b.tolist()), confidence)
    ref = sps.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval(confidence)
    assert res.difference == pytest.approx(a.mean() - b.mean())
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert res.df == pytest.approx(ref.df)
    assert (res.low, res.high) == pytest.approx((ci.low, ci.high))
    assert res.significant == (ref.pvalue < 1 - confidence)


def test_welch_degenerate_cases() -> None:
    one = welch_test(Summary(1, 4.0, math.nan), Summary(10, 3.0, 1.0))
    assert math.isnan(one.p_value) and not one.significant
    assert one.difference == 1.0
    flat = welch_test(Summary(5, 4.0, 0.0), Summary(6, 4.0, 0.0))
    assert math.isnan(flat.p_value)
    assert flat.to_dict()["p_value"] is None
