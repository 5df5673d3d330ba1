"""Survey-scale summaries: CSAT 1-5, CES 1-7 and sentiment probabilities 0-1."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from vocsvc.stats._common import LowSampleFlag, check_counts
from vocsvc.stats.means import (
    MeanEstimate,
    Summary,
    mean_interval,
    mean_interval_from_sums,
    summary_interval,
)
from vocsvc.stats.proportions import ProportionEstimate, top_box, wilson_interval

CSAT_SCALE = (1, 5)
CES_SCALE = (1, 7)
CSAT_TOP_BOX = 4  # "satisfied" or "very satisfied"
CES_TOP_BOX = 5  # agree that it was easy (somewhat agree .. strongly agree on 1-7)
NEGATIVE_BELOW = 0.5  # sentiment probabilities are P(positive); below 0.5 counts as negative


@dataclass(frozen=True)
class ScaleSummary(LowSampleFlag):
    """Mean score (t interval) and top-box share (Wilson interval) of a rating scale."""

    mean: MeanEstimate
    top_box: ProportionEstimate

    @property
    def n(self) -> int:
        """Number of responses."""
        return self.mean.n

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "n": self.n,
            "low_sample": self.low_sample,
            "mean": self.mean.to_dict(),
            "top_box": self.top_box.to_dict(),
        }


@dataclass(frozen=True)
class SentimentSummary(LowSampleFlag):
    """Mean P(positive) with t interval, and share negative with Wilson interval."""

    mean: MeanEstimate
    negative: ProportionEstimate

    @property
    def n(self) -> int:
        """Number of scored texts."""
        return self.mean.n

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "n": self.n,
            "low_sample": self.low_sample,
            "mean": self.mean.to_dict(),
            "negative": self.negative.to_dict(),
        }


def _scale_summary(
    counts: Mapping[int, int], scale: tuple[int, int], threshold: int, confidence: float
) -> ScaleSummary:
    check_counts(counts, *scale)
    mean = summary_interval(Summary.from_counts(counts), confidence)
    return ScaleSummary(mean, top_box(counts, threshold, confidence))


def csat_summary(
    counts: Mapping[int, int], threshold: int = CSAT_TOP_BOX, confidence: float = 0.95
) -> ScaleSummary:
    """CSAT 1-5 from counts per score: mean and top-2-box (>= 4) share."""
    return _scale_summary(counts, CSAT_SCALE, threshold, confidence)


def ces_summary(
    counts: Mapping[int, int], threshold: int = CES_TOP_BOX, confidence: float = 0.95
) -> ScaleSummary:
    """CES 1-7 (higher = easier) from counts per score: mean and share agreeing it was easy."""
    return _scale_summary(counts, CES_SCALE, threshold, confidence)


def sentiment_summary(
    probabilities: Sequence[float],
    negative_below: float = NEGATIVE_BELOW,
    confidence: float = 0.95,
) -> SentimentSummary:
    """Sentiment from per-text P(positive) in [0, 1]."""
    arr = np.asarray(probabilities, dtype=np.float64)
    if np.any((arr < 0.0) | (arr > 1.0)) or np.any(np.isnan(arr)):
        raise ValueError("sentiment probabilities must lie in [0, 1]")
    negatives = int(np.count_nonzero(arr < negative_below))
    return SentimentSummary(
        mean_interval(arr.tolist(), confidence),
        wilson_interval(negatives, int(arr.size), confidence),
    )


def sentiment_summary_from_sums(
    n: int, total: float, total_sq: float, negatives: int, confidence: float = 0.95
) -> SentimentSummary:
    """Sentiment from SQL aggregates: COUNT, SUM(p), SUM(p*p) and COUNT(p < threshold)."""
    return SentimentSummary(
        mean_interval_from_sums(n, total, total_sq, confidence),
        wilson_interval(negatives, n, confidence),
    )
