"""Multiple-comparison control: Benjamini-Hochberg q-values."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """BH step-up adjusted p-values (q-values), same order as input.

    None/NaN entries (tests that could not be run) are passed through unchanged and do not
    count towards m; matches scipy.stats.false_discovery_control(p, method='bh') otherwise.
    """
    valid = [i for i, p in enumerate(p_values) if p is not None and not math.isnan(p)]
    out: list[float | None] = list(p_values)
    if not valid:
        return out
    p = np.array([p_values[i] for i in valid], dtype=np.float64)
    if np.any((p < 0.0) | (p > 1.0)):
        raise ValueError("p-values must lie in [0, 1]")
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    # Step-up: each q is the smallest scaled p at or above its rank.
    q_sorted = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    q = np.empty(m)
    q[order] = q_sorted
    for i, value in zip(valid, q, strict=True):
        out[i] = float(value)
    return out
