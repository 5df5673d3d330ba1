"""Which stage is weakest, as a ranked judgement over every metric a stage has (pure).

Each metric is put on one 0-1 scale (its own range: NPS -100..100, CSAT 1..5, sentiment 0..1,
an aspect's positive share 0..1), and a stage's score is the mean of the metrics it has, so a
stage that asks no NPS is ranked on its CSAT and sentiment instead of being skipped. The score's
interval is the mean of the metrics' interval bounds: the widest the mean can honestly be when
the metrics move together (they come from the same answers), never narrower than the truth.
Stages whose score intervals overlap the lowest stage's cannot be told apart from it. A metric
without an interval (n < 2) is no evidence and is left out; stages whose every metric rests on a
small sample are ranked after the others (verdict `small_sample`) unless no stage has more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

MetricKind = Literal["nps", "csat", "sentiment", "aspect"]
Verdict = Literal["weakest", "tied_weakest", "stronger", "small_sample", "no_data"]

SCALES: dict[MetricKind, tuple[float, float]] = {
    "nps": (-100.0, 100.0),
    "csat": (1.0, 5.0),
    "sentiment": (0.0, 1.0),
    "aspect": (0.0, 1.0),  # share of an aspect's mentions that are positive
}

RULE = (
    "各指标先换算到 0–1（NPS −100…100，CSAT 1…5，情感 0…1，方面好评率 0…1），阶段得分为其已有指标的"
    "平均，区间为各指标 95% 区间上下限的平均；得分区间与最低阶段重叠的阶段视为无法区分。"
    "只有小样本指标的阶段排在其后，不参与判断。"
)


@dataclass(frozen=True)
class MetricEstimate:
    """One metric of a stage: the estimate, its 95% interval, n and the small-sample flag."""

    kind: MetricKind
    value: float
    ci_low: float | None
    ci_high: float | None
    n: int
    low_sample: bool
    name: str = ""  # an aspect's name (issue 17); empty for the three scores

    def scaled(self, v: float) -> float:
        lo, hi = SCALES[self.kind]
        return (v - lo) / (hi - lo)


@dataclass(frozen=True)
class StageEvidence:
    """What is known of a stage for the ranking; `aspects`: its aspects' positive shares."""

    key: str
    label: str
    metrics: Sequence[MetricEstimate]
    aspects: Sequence[MetricEstimate] = field(default_factory=tuple)


@dataclass(frozen=True)
class RankedStage:
    key: str
    label: str
    rank: int | None  # 1 = weakest; None without data
    score: float | None
    score_low: float | None
    score_high: float | None
    metrics: tuple[MetricKind, ...]  # which metrics the score uses
    low_sample: bool  # every metric it has rests on a small sample
    verdict: Verdict


@dataclass(frozen=True)
class StageRanking:
    stages: tuple[RankedStage, ...]  # weakest first; stages without data last
    weakest: tuple[str, ...]  # the weakest stage and those that cannot be told apart from it
    distinguishable: bool  # one stage is clearly the weakest
    rule: str = RULE


def _score(
    evidence: StageEvidence,
) -> tuple[float, float, float, tuple[MetricKind, ...], bool] | None:
    used = [m for m in (*evidence.metrics, *evidence.aspects)
            if m.n > 0 and m.ci_low is not None and m.ci_high is not None]  # fmt: skip
    if not used:
        return None
    mid = sum(m.scaled(m.value) for m in used) / len(used)
    low = sum(m.scaled(m.ci_low) for m in used if m.ci_low is not None) / len(used)
    high = sum(m.scaled(m.ci_high) for m in used if m.ci_high is not None) / len(used)
    kinds = tuple(dict.fromkeys(m.kind for m in used))
    return mid, low, high, kinds, all(m.low_sample for m in used)


def rank_stages(stages: Sequence[StageEvidence]) -> StageRanking:
    """Stages weakest first, with which of them cannot be told apart from the weakest."""
    scored = [(s, _score(s)) for s in stages]
    with_data = sorted(((s, sc) for s, sc in scored if sc), key=lambda pair: pair[1][0])
    judged = [(s, sc) for s, sc in with_data if not sc[4]] or with_data
    later = [(s, sc) for s, sc in with_data if all(s is not j for j, _ in judged)]
    with_data = judged
    if not with_data:
        ranked = tuple(RankedStage(s.key, s.label, None, None, None, None, (), False, "no_data")
                       for s in stages)  # fmt: skip
        return StageRanking(ranked, (), False)
    floor_high = with_data[0][1][2]
    out: list[RankedStage] = []
    for rank, (stage, (mid, low, high, kinds, small)) in enumerate(with_data, start=1):
        tied = rank > 1 and low <= floor_high
        verdict: Verdict = "weakest" if rank == 1 else "tied_weakest" if tied else "stronger"
        out.append(RankedStage(stage.key, stage.label, rank, round(mid, 4), round(low, 4),
                               round(high, 4), kinds, small, verdict))  # fmt: skip
    weakest = tuple(r.key for r in out if r.verdict in ("weakest", "tied_weakest"))
    if len(weakest) > 1:
        out = [
            RankedStage(r.key, r.label, r.rank, r.score, r.score_low, r.score_high, r.metrics,
                        r.low_sample, "tied_weakest") if r.verdict == "weakest" else r
            for r in out
        ]  # fmt: skip
    out += [RankedStage(s.key, s.label, len(out) + i, round(mid, 4), round(low, 4), round(high, 4),
                        kinds, True, "small_sample")
            for i, (s, (mid, low, high, kinds, _)) in enumerate(later, start=1)]  # fmt: skip
    out += [RankedStage(s.key, s.label, None, None, None, None, (), False, "no_data")
            for s, sc in scored if sc is None]  # fmt: skip
    return StageRanking(tuple(out), weakest, len(weakest) == 1)
