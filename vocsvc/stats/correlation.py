"""Derived importance: Spearman correlation of a driver (e.g. CSAT) with likelihood to recommend.

The interval is Fisher's z = atanh(rho) +/- z_crit * SE with the Bonett & Wright (2000) SE for
Spearman, sqrt((1 + rho^2 / 2) / (n - 3)), back-transformed with tanh; the plain 1/sqrt(n - 3)
is Pearson's and is too narrow for rank correlations. The p-value is scipy.stats.spearmanr's:
t = rho * sqrt((n - 2) / (1 - rho^2)) on n - 2 degrees of freedom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as sps

from vocsvc.stats._common import LowSampleFlag, rnd, sig, z_crit

MIN_PAIRS = 10  # below this a rank correlation is noise, so we report nothing


@dataclass(frozen=True)
class CorrelationEstimate(LowSampleFlag):
    """Spearman rho with Fisher-z (Bonett-Wright) interval and two-sided p-value."""

    rho: float
    low: float
    high: float
    p_value: float
    n: int
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "rho": rnd(self.rho, 4),
            "low": rnd(self.low, 4),
            "high": rnd(self.high, 4),
            "p_value": sig(self.p_value),
            "n": self.n,
            "confidence": self.confidence,
            "low_sample": self.low_sample,
        }


def derived_importance(
    csat_scores: Sequence[float | None],
    likelihood_to_recommend: Sequence[float | None],
    confidence: float = 0.95,
) -> CorrelationEstimate | None:
    """Spearman rho of paired scores (pairs with a missing side dropped).

    None when fewer than 10 complete pairs or either variable is constant.
    """
    z = z_crit(confidence)
    if len(csat_scores) != len(likelihood_to_recommend):
        raise ValueError("csat_scores and likelihood_to_recommend must be paired (same length)")
    x = np.array([math.nan if v is None else v for v in csat_scores], dtype=np.float64)
    y = np.array([math.nan if v is None else v for v in likelihood_to_recommend], dtype=np.float64)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = int(x.size)
    if n < MIN_PAIRS or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    rx, ry = sps.rankdata(x), sps.rankdata(y)
    rho = float(np.corrcoef(rx, ry)[0, 1])
    rho = min(1.0, max(-1.0, rho))
    if abs(rho) == 1.0:
        p_value = 0.0
        low = high = rho
    else:
        t = rho * math.sqrt((n - 2) / (1.0 - rho * rho))
        p_value = float(2.0 * sps.t.sf(abs(t), n - 2))
        se = math.sqrt((1.0 + rho * rho / 2.0) / (n - 3))
        zr = math.atanh(rho)
        low, high = math.tanh(zr - z * se), math.tanh(zr + z * se)
    return CorrelationEstimate(rho, low, high, p_value, n, confidence)
