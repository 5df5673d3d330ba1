"""CSAT, CES and sentiment summaries."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from vocsvc.stats import ces_summary, csat_summary, sentiment_summary, sentiment_summary_from_sums


def test_csat_summary_by_hand() -> None:
    s = csat_summary({1: 3, 2: 5, 5: 40})
    assert s.n == 48
    assert s.mean.mean == pytest.approx(213 / 48)
    assert (s.top_box.successes, s.top_box.n) == (40, 48)
    assert not s.low_sample
    d = s.to_dict()
    assert d["mean"]["mean"] == 4.438 and d["top_box"]["share"] == 0.8333
    with pytest.raises(ValueError, match="outside"):
        csat_summary({6: 1})


def test_ces_uses_one_to_seven_and_agree_box() -> None:
    s = ces_summary({1: 2, 4: 3, 5: 4, 7: 6})
    assert s.mean.mean == pytest.approx((2 + 12 + 20 + 42) / 15)
    assert s.top_box.successes == 10
    assert s.low_sample
    with pytest.raises(ValueError, match="outside the 1-7"):
        ces_summary({0: 1})


def test_sentiment_values_and_sums_agree() -> None:
    p = np.random.default_rng(3).beta(2, 2, 60)
    s = sentiment_summary(p.tolist())
    ci = sps.ttest_1samp(p, 0.5).confidence_interval(0.95)
    assert (s.mean.low, s.mean.high) == pytest.approx((ci.low, ci.high))
    negatives = int((p < 0.5).sum())
    assert s.negative.successes == negatives
    t = sentiment_summary_from_sums(60, float(p.sum()), float((p * p).sum()), negatives)
    assert (t.mean.mean, t.mean.low, t.negative.high) == pytest.approx(
        (s.mean.mean, s.mean.low, s.negative.high)
    )
    with pytest.raises(ValueError, match="probabilities"):
        sentiment_summary([0.2, 1.2])
