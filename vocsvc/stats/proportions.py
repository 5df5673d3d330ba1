"""Proportions: Wilson score interval, top-box share, and differences (Newcombe hybrid score)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from scipy import stats as sps

from vocsvc.stats._common import Difference, LowSampleFlag, check_count, rnd, z_crit


@dataclass(frozen=True)
class ProportionEstimate(LowSampleFlag):
    """A share (0-1) with its Wilson score interval; NaN share and [0, 1] when n == 0."""

    share: float
    low: float
    high: float
    successes: int
    n: int
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (4 decimals, None for NaN)."""
        return {
            "share": rnd(self.share, 4),
            "low": rnd(self.low, 4),
            "high": rnd(self.high, 4),
            "successes": self.successes,
            "n": self.n,
            "confidence": self.confidence,
            "low_sample": self.low_sample,
        }


@dataclass(frozen=True)
class ProportionDifference(Difference):
    """Difference of shares a - b: Newcombe hybrid-score CI, pooled two-proportion z p-value."""

    digits: ClassVar[int] = 4


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> ProportionEstimate:
    """Wilson score interval (no continuity correction), as scipy's binomtest(...).proportion_ci."""
    check_count("successes", successes)
    check_count("n", n)
    if successes > n:
        raise ValueError(f"successes ({successes}) > n ({n})")
    z = z_crit(confidence)
    if n == 0:
        return ProportionEstimate(math.nan, 0.0, 1.0, 0, 0, confidence)
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # Clamp only the float residue: the exact bounds are 0 and 1 at the edges.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return ProportionEstimate(p, low, high, successes, n, confidence)


def top_box(
    counts: Mapping[int, int], threshold: int = 4, confidence: float = 0.95
) -> ProportionEstimate:
    """Share of responses scoring >= threshold (CSAT 1-5 top-2-box by default), Wilson CI."""
    for score, count in counts.items():
        check_count(f"count of score {score}", count)
    n = sum(counts.values())
    successes = sum(c for s, c in counts.items() if s >= threshold)
    return wilson_interval(successes, n, confidence)


def proportion_difference(
    a: ProportionEstimate | tuple[int, int],
    b: ProportionEstimate | tuple[int, int],
    confidence: float = 0.95,
) -> ProportionDifference:
    """a - b for independent (successes, n) samples.

    CI: Newcombe (1998) method 10, combining each side's Wilson limits. p-value: pooled
    two-proportion z-test (= Pearson chi-square without continuity correction); NaN when the
    pooled share is 0 or 1, where there is no variability. An empty side gives NaN and [-1, 1].
    """
    ea = a if isinstance(a, ProportionEstimate) else wilson_interval(a[0], a[1], confidence)
    eb = b if isinstance(b, ProportionEstimate) else wilson_interval(b[0], b[1], confidence)
    if ea.confidence != confidence or eb.confidence != confidence:
        # Newcombe's limits must come from Wilson intervals at the requested level.
        ea = wilson_interval(ea.successes, ea.n, confidence)
        eb = wilson_interval(eb.successes, eb.n, confidence)
    if ea.n == 0 or eb.n == 0:
        return ProportionDifference(math.nan, -1.0, 1.0, math.nan, ea.n, eb.n, confidence)
    d = ea.share - eb.share
    low = d - math.hypot(ea.share - ea.low, eb.high - eb.share)
    high = d + math.hypot(ea.high - ea.share, eb.share - eb.low)
    pooled = (ea.successes + eb.successes) / (ea.n + eb.n)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / ea.n + 1 / eb.n))
    p_value = float(2.0 * sps.norm.sf(abs(d) / se0)) if se0 > 0 else math.nan
    return ProportionDifference(d, max(-1.0, low), min(1.0, high), p_value, ea.n, eb.n, confidence)
