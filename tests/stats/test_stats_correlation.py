"""Derived importance (Spearman) against scipy and the Bonett-Wright interval by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from vocsvc.stats import derived_importance


def _pairs(n: int, seed: int) -> tuple[list[float], list[float]]:
    rng = np.random.default_rng(seed)
    csat = rng.integers(1, 6, n)
    ltr = np.clip(2 * csat + rng.integers(-4, 5, n), 0, 10)  # heavy ties, like real surveys
    return csat.astype(float).tolist(), ltr.astype(float).tolist()


@pytest.mark.parametrize(("n", "seed"), [(12, 1), (50, 2), (400, 3)])
def test_matches_scipy_spearman(n: int, seed: int) -> None:
    x, y = _pairs(n, seed)
    est = derived_importance(x, y)
    assert est is not None
    ref = sps.spearmanr(x, y)
    assert est.rho == pytest.approx(ref.statistic)
    assert est.p_value == pytest.approx(ref.pvalue, rel=1e-6)
    assert est.n == n


def test_bonett_wright_interval_by_hand() -> None:
    x, y = _pairs(50, 2)
    est = derived_importance(x, y, confidence=0.9)
    assert est is not None
    z = sps.norm.ppf(0.95)
    se = math.sqrt((1 + est.rho**2 / 2) / 47)
    assert est.low == pytest.approx(math.tanh(math.atanh(est.rho) - z * se))
    assert est.high == pytest.approx(math.tanh(math.atanh(est.rho) + z * se))
    pearson_half = math.tanh(math.atanh(est.rho) + z / math.sqrt(47)) - est.rho
    assert est.high - est.rho > pearson_half  # BW widens the Pearson interval
    assert est.low < est.rho < est.high


def test_none_when_too_few_pairs_or_constant() -> None:
    x, y = _pairs(9, 4)
    assert derived_importance(x, y) is None
    assert derived_importance([3.0] * 20, list(range(20))) is None
    # Missing values drop their pair: 12 pairs with 3 incomplete leaves 9 -> None.
    x, y = _pairs(12, 5)
    xs: list[float | None] = [*x[:9], None, None, None]
    assert derived_importance(xs, y) is None
    with pytest.raises(ValueError, match="paired"):
        derived_importance([1.0, 2.0], [1.0])


def test_perfect_monotone() -> None:
    x = [float(v) for v in range(1, 16)]
    est = derived_importance(x, [v**2 for v in x])
    assert est is not None
    assert est.rho == pytest.approx(1.0)
    assert est.p_value == 0.0
    assert est.to_dict()["rho"] == 1.0
