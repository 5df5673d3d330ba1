"""Pure statistics for voice-of-customer measures (numpy/scipy only, notebook-friendly)."""

from vocsvc.stats._common import LOW_SAMPLE_N, rnd, sig
from vocsvc.stats.correlation import CorrelationEstimate, derived_importance
from vocsvc.stats.means import (
    MeanEstimate,
    Summary,
    WelchResult,
    mean_interval,
    mean_interval_from_counts,
    mean_interval_from_sums,
    summary_interval,
    welch_test,
)
from vocsvc.stats.multiple import benjamini_hochberg
from vocsvc.stats.nps import (
    DETRACTOR_MAX,
    PROMOTER_MIN,
    NPSDifference,
    NPSEstimate,
    adjusted_wald_bounds,
    classify_ltr,
    nps_difference,
    nps_from_counts,
    nps_interval,
)
from vocsvc.stats.proportions import (
    ProportionDifference,
    ProportionEstimate,
    proportion_difference,
    top_box,
    wilson_interval,
)
from vocsvc.stats.scores import (
    ScaleSummary,
    SentimentSummary,
    ces_summary,
    csat_summary,
    sentiment_summary,
    sentiment_summary_from_sums,
)

__all__ = [
    "DETRACTOR_MAX",
    "LOW_SAMPLE_N",
    "PROMOTER_MIN",
    "CorrelationEstimate",
    "MeanEstimate",
    "NPSDifference",
    "NPSEstimate",
    "ProportionDifference",
    "ProportionEstimate",
    "ScaleSummary",
    "SentimentSummary",
    "Summary",
    "WelchResult",
    "adjusted_wald_bounds",
    "benjamini_hochberg",
    "ces_summary",
    "classify_ltr",
    "csat_summary",
    "derived_importance",
    "mean_interval",
    "mean_interval_from_counts",
    "mean_interval_from_sums",
    "nps_difference",
    "nps_from_counts",
    "nps_interval",
    "proportion_difference",
    "rnd",
    "sentiment_summary",
    "sentiment_summary_from_sums",
    "sig",
    "summary_interval",
    "top_box",
    "welch_test",
    "wilson_interval",
]
