"""Net Promoter Score with the adjusted-Wald interval of Rocks (2016) and two-sample differences.

Rocks, B. (2016) "Interval Estimation for the 'Net Promoter Score'", The American Statistician
70(4), 365-372. The adjusted Wald adds 3 pseudo-observations split as the NPS's worst-case
trinomial (1/4, 1/2, 1/4): 3/4 promoter, 3/2 passive, 3/4 detractor. With
p' = (P + 3/4)/(n + 3) and d' = (D + 3/4)/(n + 3) the interval is

    (p' - d') +/- z * sqrt((p' + d' - (p' - d')^2) / (n + 3)),

clipped to [-1, 1] and reported in points (x100). `.nps` is the plain sample score; the interval
is centred on the shrunken p' - d', so for very small n (flagged `low_sample`) the plain score
can sit just outside its own interval. That is the method, not a bug.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from vocsvc.stats._common import (
    Difference,
    LowSampleFlag,
    check_count,
    check_counts,
    rnd,
    z_crit,
)

PSEUDO_N = 3.0  # pseudo-observations added by the adjusted Wald
PSEUDO_EDGE = 0.75  # share of them given to promoters and to detractors (passives get 1.5)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class NPSEstimate(LowSampleFlag):
    """An NPS in points (-100..100) with its adjusted-Wald confidence interval."""

    nps: float  # NaN when n == 0
    low: float
    high: float
    promoters: int
    passives: int
    detractors: int
    confidence: float = 0.95

    @property
    def n(self) -> int:
        """Number of respondents."""
        return self.promoters + self.passives + self.detractors

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (points to 2 decimals, None for NaN)."""
        return {
            "nps": rnd(self.nps, 2),
            "low": rnd(self.low, 2),
            "high": rnd(self.high, 2),
            "n": self.n,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
            "confidence": self.confidence,
            "low_sample": self.low_sample,
        }


@dataclass(frozen=True)
class NPSDifference(Difference):
    """Difference a - b of two independent NPS, in points, with CI and two-sided p-value.

    `difference` is the plain-score difference (NaN when either side is empty); `significant`
    is equivalent to the interval excluding 0.
    """

    digits: ClassVar[int] = 2


def adjusted_wald_parts(
    promoters: npt.ArrayLike, passives: npt.ArrayLike, detractors: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Vectorised adjusted centre p' - d' and its variance (on the -1..1 scale, /n' included)."""
    pro = np.asarray(promoters, dtype=np.float64)
    det = np.asarray(detractors, dtype=np.float64)
    n_adj = pro + np.asarray(passives, dtype=np.float64) + det + PSEUDO_N
    p = (pro + PSEUDO_EDGE) / n_adj
    d = (det + PSEUDO_EDGE) / n_adj
    centre = p - d
    # Always > 0: every category carries pseudo-counts, so no zero-width intervals.
    var = (p + d - centre**2) / n_adj
    return centre, var


def adjusted_wald_bounds(
    promoters: npt.ArrayLike,
    passives: npt.ArrayLike,
    detractors: npt.ArrayLike,
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray]:
    """Vectorised adjusted-Wald (low, high) in points; nps_interval and the coverage test use it."""
    z = z_crit(confidence)
    centre, var = adjusted_wald_parts(promoters, passives, detractors)
    half = z * np.sqrt(var)
    return np.clip(centre - half, -1.0, 1.0) * 100.0, np.clip(centre + half, -1.0, 1.0) * 100.0


def _check_triple(promoters: int, passives: int, detractors: int) -> None:
    check_count("promoters", promoters)
    check_count("passives", passives)
    check_count("detractors", detractors)


def nps_interval(
    promoters: int, passives: int, detractors: int, confidence: float = 0.95
) -> NPSEstimate:
    """NPS with the Rocks (2016) adjusted-Wald interval; n == 0 gives NaN and [-100, 100]."""
    _check_triple(promoters, passives, detractors)
    n = promoters + passives + detractors
    if n == 0:
        z_crit(confidence)  # still validate
        return NPSEstimate(math.nan, -100.0, 100.0, 0, 0, 0, confidence)
    low, high = adjusted_wald_bounds(promoters, passives, detractors, confidence)
    nps = 100.0 * (promoters - detractors) / n
    return NPSEstimate(nps, float(low), float(high), promoters, passives, detractors, confidence)


PROMOTER_MIN = 9  # 9-10 promote
DETRACTOR_MAX = 6  # 0-6 detract; 7-8 are passives


def classify_ltr(score_counts: Mapping[int, int]) -> tuple[int, int, int]:
    """(promoters, passives, detractors) from 0-10 likelihood-to-recommend score counts."""
    check_counts(score_counts, 0, 10)
    promoters = sum(c for s, c in score_counts.items() if s >= PROMOTER_MIN)
    passives = sum(c for s, c in score_counts.items() if DETRACTOR_MAX < s < PROMOTER_MIN)
    detractors = sum(c for s, c in score_counts.items() if s <= DETRACTOR_MAX)
    return promoters, passives, detractors


def nps_from_counts(score_counts: Mapping[int, int], confidence: float = 0.95) -> NPSEstimate:
    """NPS from counts per 0-10 score (9-10 promoters, 7-8 passives, 0-6 detractors)."""
    return nps_interval(*classify_ltr(score_counts), confidence=confidence)


def _triple(x: NPSEstimate | tuple[int, int, int]) -> tuple[int, int, int]:
    if isinstance(x, NPSEstimate):
        return x.promoters, x.passives, x.detractors
    _check_triple(*x)
    return x


def nps_difference(
    a: NPSEstimate | tuple[int, int, int],
    b: NPSEstimate | tuple[int, int, int],
    confidence: float = 0.95,
) -> NPSDifference:
    """a - b for independent samples: adjusted-Wald variances summed, normal approximation.

    `a`/`b` are estimates or (promoters, passives, detractors). The interval and the z-test are
    both centred on the difference of adjusted centres with SE sqrt(var_a + var_b), so
    `significant` agrees with "interval excludes 0"; `difference` is the plain-score difference.
    An empty side gives NaN difference/p-value and the widest interval [-200, 200].
    """
    z = z_crit(confidence)
    ta, tb = _triple(a), _triple(b)
    n_a, n_b = sum(ta), sum(tb)
    if n_a == 0 or n_b == 0:
        return NPSDifference(math.nan, -200.0, 200.0, math.nan, n_a, n_b, confidence)
    ca, va = adjusted_wald_parts(*ta)
    cb, vb = adjusted_wald_parts(*tb)
    centre = float(ca - cb)
    se = math.sqrt(float(va + vb))
    p_value = float(2.0 * sps.norm.sf(abs(centre) / se))
    plain = 100.0 * ((ta[0] - ta[2]) / n_a - (tb[0] - tb[2]) / n_b)
    low = max(-2.0, centre - z * se) * 100.0
    high = min(2.0, centre + z * se) * 100.0
    return NPSDifference(plain, low, high, p_value, n_a, n_b, confidence)
