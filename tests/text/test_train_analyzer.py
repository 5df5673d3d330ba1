"""Training rows of the aspect heads: which clauses a labelled span makes positive."""

from __future__ import annotations

import numpy as np

from vocsvc.text.aspects import ASPECT_KEYS
from vocsvc.text.clauses import split_clauses
from vocsvc.text.cxset import AspectLabel, CxRecord
from vocsvc.text.prepare import prepare
from vocsvc.text.train_analyzer import clause_aspects, span_clauses, span_mask


def record(text: str, *aspects: tuple[str, str]) -> CxRecord:
    labels = tuple(AspectLabel(a, "positive", span) for a, span in aspects)
    return CxRecord("t-1", "hotel", text, "positive", True, labels, ())


def clauses(text: str) -> list[str]:
    return [c.text for c in split_clauses(prepare(text))]


def test_a_span_hits_the_clauses_it_overlaps() -> None:
    text = "维保合同到期前一个月就提醒续签，挺细心的，前台也热情"
    r = record(
        text,
        ("after_sales", "维保合同到期前一个月就提醒续签，挺细心的"),
        ("service_attitude", "前台也热情"),
    )
    assert span_clauses(r, clauses(text)) == [("after_sales", [0, 1]), ("service_attitude", [2])]
    assert clause_aspects(r, clauses(text)) == [
        {"after_sales"},
        {"after_sales"},
        {"service_attitude"},
    ]


def test_a_span_over_several_clauses_keeps_only_the_clauses_the_first_heads_find() -> None:
    k = ASPECT_KEYS.index("after_sales")
    y = np.zeros((4, len(ASPECT_KEYS)))
    y[:3, k] = 1.0
    p = np.zeros_like(y)
    p[:3, k] = (0.9, 0.2, 0.6)
    mask = span_mask(y, [(k, [0, 1, 2])], p, 0.5)
    assert mask[:, k].tolist() == [1.0, 0.0, 1.0, 1.0]
    assert (np.delete(mask, k, axis=1) == 1.0).all()  # other aspects and rows are untouched
    # a span of its own over the clause keeps it; the likeliest clause is always kept
    assert span_mask(y, [(k, [0, 1, 2]), (k, [1])], p, 0.5)[:, k].tolist() == [1.0] * 4
    p[:3, k] = (0.1, 0.3, 0.2)
    assert span_mask(y, [(k, [0, 1, 2])], p, 0.5)[:, k].tolist() == [0.0, 1.0, 0.0, 1.0]
