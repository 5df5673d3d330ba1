"""Shared helpers for the stats package: z/t quantiles, validation and JSON-friendly rounding."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from scipy import stats as sps

LOW_SAMPLE_N = 30  # below this, estimates are flagged so dashboards can grey them out


class _Counted(Protocol):
    @property
    def n(self) -> int: ...


class LowSampleFlag:
    """Mixin for estimates with an `n`: the low-sample flag every estimate carries."""

    @property
    def low_sample(self: _Counted) -> bool:
        """True when n < 30: show the number but do not act on it alone."""
        return self.n < LOW_SAMPLE_N


def check_confidence(confidence: float) -> None:
    """Raise ValueError unless 0 < confidence < 1."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")


def z_crit(confidence: float) -> float:
    """Two-sided standard-normal critical value for `confidence`."""
    check_confidence(confidence)
    return float(sps.norm.ppf(0.5 + confidence / 2.0))


def t_crit(confidence: float, df: float) -> float:
    """Two-sided Student-t critical value for `confidence` on `df` degrees of freedom."""
    check_confidence(confidence)
    return float(sps.t.ppf(0.5 + confidence / 2.0, df))


def check_count(name: str, value: int) -> None:
    """Raise ValueError for negative counts."""
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")


def check_counts(counts: Mapping[int, int], low: int, high: int) -> None:
    """Raise ValueError when a score lies outside [low, high] or a count is negative."""
    for score, count in counts.items():
        if not low <= score <= high:
            raise ValueError(f"score {score} outside the {low}-{high} scale")
        check_count(f"count of score {score}", count)


def rnd(x: float | None, digits: int) -> float | None:
    """Round to `digits` decimals; None for None/NaN/inf so the result is valid JSON."""
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), digits)


def sig(x: float | None, figures: int = 4) -> float | None:
    """Round to significant figures (for p-values, where 1e-12 must not become 0)."""
    if x is None or not math.isfinite(x):
        return None
    if x == 0.0:
        return 0.0
    return float(f"{float(x):.{figures - 1}e}")


@dataclass(frozen=True)
class Difference:
    """a - b of two independent samples, with a CI and a two-sided p-value."""

    digits: ClassVar[int] = 3  # rounding in to_dict, suited to the measure's scale

    difference: float
    low: float
    high: float
    p_value: float
    n_a: int
    n_b: int
    confidence: float = 0.95

    @property
    def n(self) -> int:
        """Observations over both samples."""
        return self.n_a + self.n_b

    @property
    def low_sample(self) -> bool:
        """True when either sample has n < 30."""
        return min(self.n_a, self.n_b) < LOW_SAMPLE_N

    @property
    def significant(self) -> bool:
        """p < 1 - confidence; False when the p-value is undefined."""
        return bool(self.p_value < 1.0 - self.confidence)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "difference": rnd(self.difference, self.digits),
            "low": rnd(self.low, self.digits),
            "high": rnd(self.high, self.digits),
            "p_value": sig(self.p_value),
            "significant": self.significant,
            "n": self.n,
            "n_a": self.n_a,
            "n_b": self.n_b,
            "confidence": self.confidence,
            "low_sample": self.low_sample,
        }
