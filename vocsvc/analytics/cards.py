"""One rule for a journey-map card's colour and flags, so they never contradict (pure).

The colour is the score band of the card's NPS (without one, its CSAT). A missed target caps
it: a significant miss (the whole interval below the target) makes the card 较差, any other miss
makes it at most 一般; so a green card never says "below target". A small sample keeps its band
but is drawn dashed and says so, and its misses are never called significant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from vocsvc.analytics.bands import SCORE_BANDS, ScoreBand

FlagKind = Literal["low_sample", "below_target", "significantly_below_target"]


@dataclass(frozen=True)
class Score:
    value: float
    n: int
    low_sample: bool


@dataclass(frozen=True)
class Miss:
    metric: str  # nps | csat
    target: float
    significantly_below: bool


@dataclass(frozen=True)
class CardFlag:
    kind: FlagKind
    text: str


@dataclass(frozen=True)
class CardStatus:
    band: str  # a SCORE_BANDS key, or "none" without data
    basis: str | None  # the metric the band was read from
    capped: bool  # a missed target lowered the band
    low_sample: bool
    flags: tuple[CardFlag, ...]


def _band(value: float, metric: str) -> ScoreBand:
    for band in SCORE_BANDS:
        minimum = band.min_nps if metric == "nps" else band.min_csat
        if minimum is None or value >= minimum:
            return band
    return SCORE_BANDS[-1]


def card_status(nps: Score | None, csat: Score | None, misses: Sequence[Miss]) -> CardStatus:
    """The card's band and flags under the one rule above."""
    basis, score = (
        ("nps", nps) if nps and nps.n else ("csat", csat) if csat and csat.n else (None, None)
    )
    if score is None or basis is None:
        return CardStatus("none", None, False, False, ())
    keys = [b.key for b in SCORE_BANDS]
    index = keys.index(_band(score.value, basis).key)
    flags: list[CardFlag] = []
    if score.low_sample:
        flags.append(CardFlag("low_sample", "样本不足，结论仅供参考"))
    for miss in misses:
        significant = miss.significantly_below and not score.low_sample
        floor = len(keys) - 1 if significant else min(1, len(keys) - 1)
        index = max(index, floor)
        kind: FlagKind = "significantly_below_target" if significant else "below_target"
        text = f"{miss.metric.upper()} 低于目标 {miss.target:g}" + (
            "（显著）" if significant else ""
        )
        flags.append(CardFlag(kind, text))
    capped = index != keys.index(_band(score.value, basis).key)
    return CardStatus(keys[index], basis, capped, score.low_sample, tuple(flags))
