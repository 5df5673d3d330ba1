"""Means with Student-t intervals (CSAT/CES/sentiment) and Welch's two-sample test.

Everything works from a `Summary` (n, mean, sd) so the service can aggregate in SQL
(count/sum/sum of squares, or counts per score value) and never ship raw rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as sps

from vocsvc.stats._common import Difference, LowSampleFlag, check_count, rnd, t_crit


@dataclass(frozen=True)
class Summary:
    """Sufficient statistics of a sample: size, mean and sample SD (ddof=1; NaN when n < 2)."""

    n: int
    mean: float
    sd: float

    def __post_init__(self) -> None:
        check_count("n", self.n)
        if self.n >= 2 and not self.sd >= 0.0:
            raise ValueError(f"sd must be >= 0 when n >= 2, got {self.sd}")

    @classmethod
    def from_values(cls, values: Sequence[float]) -> Summary:
        """Summary of raw values."""
        arr = np.asarray(values, dtype=np.float64)
        n = int(arr.size)
        mean = float(arr.mean()) if n else math.nan
        sd = float(arr.std(ddof=1)) if n >= 2 else math.nan
        return cls(n, mean, sd)

    @classmethod
    def from_sums(cls, n: int, total: float, total_sq: float) -> Summary:
        """Summary from SQL aggregates COUNT(x), SUM(x), SUM(x*x)."""
        check_count("n", n)
        if n == 0:
            return cls(0, math.nan, math.nan)
        mean = total / n
        if n == 1:
            return cls(1, mean, math.nan)
        ss = total_sq - total * mean
        # Cancellation can leave a tiny negative/positive residue when all values are equal.
        if ss < 1e-12 * max(abs(total_sq), 1.0):
            ss = 0.0
        return cls(n, mean, math.sqrt(ss / (n - 1)))

    @classmethod
    def from_counts(cls, counts: Mapping[int, int]) -> Summary:
        """Summary from counts per score value, e.g. {1: 3, 2: 5, 5: 40}."""
        n, total, total_sq = 0, 0.0, 0.0
        for value, count in counts.items():
            check_count(f"count of {value}", count)
            n += count
            total += value * count
            total_sq += value * value * count
        return cls.from_sums(n, total, total_sq)


@dataclass(frozen=True)
class MeanEstimate(LowSampleFlag):
    """A mean with its Student-t confidence interval (NaN bounds when n < 2)."""

    mean: float
    low: float
    high: float
    n: int
    sd: float
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (3 decimals, None for NaN)."""
        return {
            "mean": rnd(self.mean, 3),
            "low": rnd(self.low, 3),
            "high": rnd(self.high, 3),
            "n": self.n,
            "sd": rnd(self.sd, 3),
            "confidence": self.confidence,
            "low_sample": self.low_sample,
        }


@dataclass(frozen=True)
class WelchResult(Difference):
    """Difference of means a - b with Welch-Satterthwaite CI and two-sided p-value."""

    df: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict, with the Welch-Satterthwaite degrees of freedom."""
        return {**super().to_dict(), "df": rnd(self.df, 2)}


def summary_interval(summary: Summary, confidence: float = 0.95) -> MeanEstimate:
    """Student-t interval mean +/- t(n-1) * sd / sqrt(n) from a Summary."""
    n, mean, sd = summary.n, summary.mean, summary.sd
    if n < 2:
        t_crit(confidence, 1)  # validate confidence even when there is nothing to estimate
        return MeanEstimate(mean, math.nan, math.nan, n, sd, confidence)
    half = t_crit(confidence, n - 1) * sd / math.sqrt(n)
    return MeanEstimate(mean, mean - half, mean + half, n, sd, confidence)


def mean_interval(values: Sequence[float] | Summary, confidence: float = 0.95) -> MeanEstimate:
    """Mean with Student-t interval from raw values or a Summary."""
    summary = values if isinstance(values, Summary) else Summary.from_values(values)
    return summary_interval(summary, confidence)


def mean_interval_from_sums(
    n: int, total: float, total_sq: float, confidence: float = 0.95
) -> MeanEstimate:
    """Mean with Student-t interval from COUNT, SUM and SUM of squares."""
    return summary_interval(Summary.from_sums(n, total, total_sq), confidence)


def mean_interval_from_counts(counts: Mapping[int, int], confidence: float = 0.95) -> MeanEstimate:
    """Mean with Student-t interval from counts per score value, e.g. {1: 3, 2: 5, 5: 40}."""
    return summary_interval(Summary.from_counts(counts), confidence)


def welch_test(a: Summary, b: Summary, confidence: float = 0.95) -> WelchResult:
    """Welch's unequal-variance t-test of a - b; NaN CI/p when a side has n < 2 or both SDs are 0.

    Matches scipy.stats.ttest_ind(equal_var=False) and its confidence_interval().
    """
    t_crit(confidence, 1)
    diff = a.mean - b.mean
    if a.n < 2 or b.n < 2:
        return WelchResult(diff, math.nan, math.nan, math.nan, a.n, b.n, confidence)
    va, vb = a.sd**2 / a.n, b.sd**2 / b.n
    se2 = va + vb
    if se2 <= 0.0:
        # Both samples constant: no sampling variability to test against (scipy gives NaN too).
        return WelchResult(diff, math.nan, math.nan, math.nan, a.n, b.n, confidence)
    df = se2**2 / (va**2 / (a.n - 1) + vb**2 / (b.n - 1))
    se = math.sqrt(se2)
    p_value = float(2.0 * sps.t.sf(abs(diff) / se, df))
    half = t_crit(confidence, df) * se
    return WelchResult(diff, diff - half, diff + half, p_value, a.n, b.n, confidence, df=df)
