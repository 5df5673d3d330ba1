"""Benjamini-Hochberg q-values against scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from vocsvc.stats import benjamini_hochberg


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_scipy_bh(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(0, 0.02, 5), rng.uniform(0, 1, 20), [0.3, 0.3, 1.0]])
    rng.shuffle(p)
    q = benjamini_hochberg(p.tolist())
    assert q == pytest.approx(sps.false_discovery_control(p, method="bh").tolist())


def test_hand_example() -> None:
    # m = 4: sorted 0.01, 0.03, 0.04, 0.5 -> 0.04, min(0.06, 0.0533), 0.0533, 0.5
    q = benjamini_hochberg([0.04, 0.01, 0.5, 0.03])
    assert q == pytest.approx([0.16 / 3, 0.04, 0.5, 0.16 / 3])


def test_missing_entries_pass_through_and_do_not_count() -> None:
    q = benjamini_hochberg([0.01, None, 0.04, math.nan, 0.03, 0.5])
    ref = sps.false_discovery_control([0.01, 0.04, 0.03, 0.5], method="bh")
    assert q[1] is None
    assert q[3] is not None and math.isnan(q[3])
    assert [q[0], q[2], q[4], q[5]] == pytest.approx(ref.tolist())
    assert benjamini_hochberg([None, None]) == [None, None]
    assert benjamini_hochberg([]) == []
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        benjamini_hochberg([0.2, 1.5])
