"""Journey gap analysis: Welch gaps, BH q-values, IPA quadrants, priorities, roll-ups."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from scipy import stats as sps

from vocsvc.gaps.analysis import Gap, SideMean, TouchpointRatings, analyse_gaps
from vocsvc.gaps.quadrants import CONCENTRATE, KEEP_UP, LOW_PRIORITY, OVERKILL
from vocsvc.gaps.schemas import GapOut, SideMeanOut
from vocsvc.stats import Summary


def _tp(
    key: str,
    position: int,
    stage: str = "use",
    department: str | None = "ops",
    *,
    customer_importance: Summary | None = None,
    customer_performance: Summary | None = None,
    internal_importance: Summary | None = None,
    internal_performance: Summary | None = None,
) -> TouchpointRatings:
    return TouchpointRatings(
        key, stage, department, position,
        customer_importance, customer_performance, internal_importance, internal_performance,
    )  # fmt: skip


def _s(mean: float, n: int = 40) -> Summary:
    return Summary(n, mean, 0.8)


def _ratings(rng: np.random.Generator, n: int, centre: float) -> npt.NDArray[np.float64]:
    return np.clip(np.round(rng.normal(centre, 1.0, n)), 1, 5)


def test_gaps_match_scipy_welch_and_bh_on_raw_data() -> None:
    rng = np.random.default_rng(11)
    raw = {
        key: {side: _ratings(rng, n, centre) for side, (n, centre) in spec.items()}
        for key, spec in {
            "web": {"ii": (12, 4.6), "ci": (60, 3.9), "ip": (12, 4.4), "cp": (60, 3.2)},
            "app": {"ii": (8, 3.0), "ci": (45, 3.1), "ip": (8, 3.9), "cp": (45, 3.8)},
            "call": {"ii": (15, 4.0), "ci": (30, 4.8), "ip": (15, 3.0), "cp": (30, 3.1)},
            "shop": {"ii": (5, 2.5), "ci": (70, 2.4), "ip": (5, 4.0), "cp": (70, 2.9)},
        }.items()
    }

    def summ(key: str, side: str) -> Summary:
        return Summary.from_values(raw[key][side].tolist())

    tps = [
        _tp(
            key,
            pos,
            customer_importance=summ(key, "ci"),
            customer_performance=summ(key, "cp"),
            internal_importance=summ(key, "ii"),
            internal_performance=summ(key, "ip"),
        )
        for pos, key in enumerate(raw)
    ]
    result = analyse_gaps(tps)
    for kind, (i_side, c_side) in {"importance": ("ii", "ci"), "performance": ("ip", "cp")}.items():
        refs = [sps.ttest_ind(raw[k][i_side], raw[k][c_side], equal_var=False) for k in raw]
        q_ref = sps.false_discovery_control([r.pvalue for r in refs], method="bh")
        for tg, ref, q in zip(result.touchpoints, refs, q_ref, strict=True):
            gap = getattr(tg, f"{kind}_gap")
            ci = ref.confidence_interval(0.95)
            key = tg.key
            assert gap.value == pytest.approx(raw[key][i_side].mean() - raw[key][c_side].mean())
            assert (gap.ci_low, gap.ci_high) == pytest.approx((ci.low, ci.high))
            assert gap.p_value == pytest.approx(ref.pvalue, rel=1e-9)
            assert gap.q_value == pytest.approx(q)
            assert gap.significant == (q < 0.05)
    assert any(t.misjudged for t in result.touchpoints)
    assert not all(t.misjudged for t in result.touchpoints)


def test_ipa_quadrants_and_crosshairs() -> None:
    s = _s
    tps = [
        _tp("a", 1, customer_importance=s(4.5), customer_performance=s(3.0)),
        _tp("b", 2, customer_importance=s(4.5), customer_performance=s(4.5)),
        _tp("c", 3, customer_importance=s(3.0), customer_performance=s(3.0)),
        _tp("d", 4, customer_importance=s(3.0), customer_performance=s(4.5)),
        _tp("e", 5, customer_importance=s(3.75), customer_performance=s(3.75)),
        _tp("f", 6, customer_performance=s(1.0)),  # no importance: not plotted
    ]
    result = analyse_gaps(tps)
    assert result.importance_crosshair == pytest.approx(3.75)
    assert result.performance_crosshair == pytest.approx(3.75)
    quadrants = [t.quadrant for t in result.touchpoints]
    # "e" sits on both crosshairs: importance >= counts as important, performance not below.
    assert quadrants == [CONCENTRATE, KEEP_UP, LOW_PRIORITY, OVERKILL, KEEP_UP, None]


def test_priority_misjudged_first_then_score_then_journey_order() -> None:
    s = _s
    tps = [
        # score 4 * (5 - 3) = 8, well judged
        _tp("first", 1, customer_importance=s(4.0), customer_performance=s(3.0)),
        # score 2 * (5 - 4.5) = 1 but staff rate performance 4.8 vs customers 4.5 -> not
        # significant; importance 4.9 vs 2.0 -> significant misjudgement.
        _tp(
            "misjudged",
            2,
            customer_importance=s(2.0),
            customer_performance=s(4.5),
            internal_importance=s(4.9),
            internal_performance=s(4.6),
        ),
        # same score as "first" (8), later in the journey
        _tp("tie", 3, customer_importance=s(2.0), customer_performance=s(1.0)),
        # no customer data: no score, last
        _tp("unrated", 0, internal_importance=s(3.0)),
        # score 5 * (5 - 2) = 15: highest among the well-judged
        _tp("worst", 5, customer_importance=s(5.0), customer_performance=s(2.0)),
    ]
    result = analyse_gaps(tps)
    order = [t.key for t in result.by_priority()]
    assert order == ["misjudged", "worst", "first", "tie", "unrated"]
    by_key = {t.key: t for t in result.touchpoints}
    assert by_key["worst"].priority_score == pytest.approx(15.0)
    assert by_key["misjudged"].importance_gap is not None
    assert by_key["misjudged"].importance_gap.significant
    assert by_key["misjudged"].performance_gap is not None
    assert not by_key["misjudged"].performance_gap.significant
    assert result.touchpoints[0].key == "unrated"  # journey order kept


def test_missing_and_degenerate_sides() -> None:
    tps = [
        _tp(
            "one_staff",
            1,
            internal_importance=Summary(1, 5.0, math.nan),
            customer_importance=Summary(30, 4, 1),
            internal_performance=Summary(0, math.nan, math.nan),
        ),
        _tp(
            "flat",
            2,
            internal_performance=Summary(4, 5.0, 0.0),
            customer_performance=Summary(9, 5.0, 0.0),
        ),
        _tp("empty", 3),
    ]
    result = analyse_gaps(tps)
    one, flat, empty = result.touchpoints
    assert one.importance_gap is None and one.performance_gap is None
    assert one.internal_importance is not None and one.internal_importance.ci_low is None
    assert one.internal_performance is None
    assert flat.performance_gap is not None
    assert flat.performance_gap.value == 0.0
    assert flat.performance_gap.p_value is None and flat.performance_gap.q_value is None
    assert not flat.performance_gap.significant
    assert empty.quadrant is None and empty.priority_score is None
    assert result.most_misjudging_department is None


def test_department_and_stage_summaries() -> None:
    s = Summary
    tps = [
        # billing: two significant gaps of about 1.2 and 0.9
        _tp("invoice", 1, stage="pay", department="billing",
            internal_importance=s(10, 4.8, 0.4), customer_importance=s(40, 3.6, 0.9)),
        _tp("refund", 2, stage="pay", department="billing",
            internal_performance=s(20, 4.3, 0.5), customer_performance=s(20, 3.4, 0.6)),
        # support: one significant gap of about 0.6, one negligible
        _tp("chat", 3, stage="help", department="support",
            internal_importance=s(30, 4.6, 0.5), customer_importance=s(120, 4.0, 0.7),
            internal_performance=s(30, 3.9, 0.8), customer_performance=s(120, 3.85, 0.8)),
        # sales: large gap, but on three staff and noisy -> not significant
        _tp("demo", 4, stage="buy", department="sales",
            internal_importance=s(3, 5.0, 1.5), customer_importance=s(10, 3.5, 1.5)),
        _tp("orphan", 5, stage="buy", department=None),
    ]  # fmt: skip
    result = analyse_gaps(tps)
    depts = {g.name: g for g in result.by_department}
    assert list(depts) == ["billing", "support", "sales"]
    assert result.most_misjudging_department == "billing"
    billing, support, sales = depts["billing"], depts["support"], depts["sales"]
    assert (billing.significant_gaps, billing.misjudged_touchpoints) == (2, 2)
    assert billing.mean_abs_significant_gap == pytest.approx((1.2 + 0.9) / 2)
    assert support.significant_gaps == 1
    assert support.mean_abs_significant_gap == pytest.approx(0.6)
    assert sales.significant_gaps == 0 and sales.mean_abs_significant_gap is None
    assert billing.mean_importance_gap == pytest.approx(1.2)
    # n-weighted over touchpoints: effective n is n_i*n_c/(n_i+n_c).
    assert support.mean_performance_gap == pytest.approx(0.05)
    stages = {g.name: g for g in result.by_stage}
    assert list(stages) == ["pay", "help", "buy"]
    assert stages["buy"].touchpoints == 2
    assert stages["pay"].mean_importance_gap == pytest.approx(1.2)


def test_weighted_means_by_effective_n() -> None:
    s = Summary
    tps = [
        _tp("x", 1, internal_importance=s(10, 4.0, 1), customer_importance=s(40, 3.0, 1)),
        _tp("y", 2, internal_importance=s(20, 3.0, 1), customer_importance=s(20, 3.5, 1)),
    ]
    group = analyse_gaps(tps).by_department[0]
    # weights 10*40/50 = 8 and 20*20/40 = 10
    assert group.mean_importance_gap == pytest.approx((8 * 1.0 + 10 * -0.5) / 18)


def test_duplicate_keys_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        analyse_gaps([_tp("a", 1), _tp("a", 2)])


def test_served_rounding() -> None:
    """The API's shapes round means and gaps to 3 decimals, p and q to 4 significant figures."""
    gap = Gap(1 / 3, math.nan, math.inf, 1.23456e-30, 0.000123456, 5, 7, True)
    served = GapOut.model_validate(gap).model_dump()
    assert served["value"] == 0.333 and served["ci_low"] is None and served["ci_high"] is None
    assert served["p_value"] == 1.235e-30 and served["q_value"] == 0.0001235
    side = SideMeanOut.model_validate(SideMean(4.56789, 3, 4.0001, None)).model_dump()
    assert side == {"mean": 4.568, "n": 3, "ci_low": 4.0, "ci_high": None}
