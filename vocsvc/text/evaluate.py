"""Figures of the v2 analyser (pure numpy; the refits use scipy through train_analyzer).

How aspect pairs are counted: each comment's (aspect, polarity) pairs form a set (an aspect said
twice with one polarity counts once; said once praised and once criticised it is two pairs), and
precision, recall and F1 are micro-averaged over all (comment, aspect, polarity) triples.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from vocsvc.text.analysis import CommentView, TextAnalysis, TextAnalyzer, read
from vocsvc.text.cxset import LABELS, CxRecord
from vocsvc.text.prepare import prepare
from vocsvc.text.train import roc_auc

Pairs = set[tuple[str, str]]


def f1_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Per-class F1 and their unweighted mean ("macro")."""
    out = {}
    for c in LABELS:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        out[c] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    out["macro"] = float(np.mean([out[c] for c in LABELS]))
    return out


@dataclass(frozen=True)
class PairScore:
    """Micro-averaged aspect-pair figures."""

    precision: float
    recall: float
    f1: float
    gold: int
    predicted: int


def pair_f1(gold: Sequence[Pairs], pred: Sequence[Pairs]) -> PairScore:
    """Micro P/R/F1 over (comment, aspect, polarity) triples."""
    tp = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
    n_pred = sum(map(len, pred))
    n_gold = sum(map(len, gold))
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScore(precision, recall, f1, n_gold, n_pred)


def predicted_pairs(a: TextAnalysis) -> Pairs:
    """The analysis's (aspect, polarity) pairs as a set."""
    return {(m.aspect, m.polarity) for m in a.aspects}


@dataclass(frozen=True)
class CxMetrics:
    """Figures on a set of CX records."""

    n: int
    f1: dict[str, float]
    auc: float  # negative vs positive, by p_positive (NaN without both)
    opinion_accuracy: float
    pairs: PairScore


def evaluate_cx(analyzer: TextAnalyzer, records: Sequence[CxRecord]) -> CxMetrics:
    """Three-class F1, negative-vs-positive AUC, opinion accuracy and aspect pair F1."""
    results = analyzer.analyze([r.text for r in records])
    gold = [r.label for r in records]
    polar = [i for i, g in enumerate(gold) if g != "neutral"]
    y = [gold[i] == "positive" for i in polar]
    p = [results[i].p_positive for i in polar]
    auc = roc_auc(y, p) if 0 < sum(y) < len(y) else float("nan")
    opinion = [a.opinion == r.opinion for a, r in zip(results, records, strict=True)]
    return CxMetrics(
        n=len(records),
        f1=f1_scores(gold, [a.label for a in results]),
        auc=auc,
        opinion_accuracy=float(np.mean(opinion)),
        pairs=pair_f1([r.pairs() for r in records], [predicted_pairs(a) for a in results]),
    )


@dataclass(frozen=True)
class Agreement:
    """How a second annotator's labels of some comments agree with the set's (the set as gold)."""

    n: int
    f1: dict[str, float]
    opinion_agreement: float
    pairs: PairScore
    aspects: PairScore  # the aspects alone, polarity aside


def agreement(records: Sequence[CxRecord], second: Sequence[CxRecord]) -> Agreement:
    """The second annotator's labels (`second`, by id) scored against `records` as gold."""
    by_id = {r.id: r for r in records}
    gold = [by_id[s.id] for s in second]
    return Agreement(
        len(second),
        f1_scores([g.label for g in gold], [s.label for s in second]),
        float(np.mean([g.opinion == s.opinion for g, s in zip(gold, second, strict=True)])),
        pair_f1([g.pairs() for g in gold], [s.pairs() for s in second]),
        pair_f1(
            [{(a, "") for a, _ in g.pairs()} for g in gold],
            [{(a, "") for a, _ in s.pairs()} for s in second],
        ),
    )


def tune_thresholds(analyzer: TextAnalyzer, dev: Sequence[CxRecord]) -> None:
    """Grid search on dev (never test): the neutral, no-opinion and polar-margin thresholds for
    macro-F1, then the aspect thresholds and the clause context (and its share for clauses that
    open with a contrast word) for pair F1. Sets analyzer.thresholds."""
    views = [CommentView.of(prepare(r.text)) for r in dev]
    s = analyzer.scores([v.opinion_text for v in views])
    inputs = list(
        zip(
            [v.opinion_text for v in views],
            s.p_polar_positive,
            s.p_neutral,
            s.has_features,
            [v.only_asks for v in views],
            strict=True,
        )
    )
    gold = [r.label for r in dev]
    best = (-1.0, analyzer.thresholds)
    for t_neu, t_no, margin in itertools.product(
        np.geomspace(0.01, 0.7, 40), (0.05, 0.1, 0.2, 0.3, 0.5), (0.0, 0.25, 0.5, 0.75, 1.0)
    ):
        t = replace(best[1], neutral=float(t_neu), no_opinion=t_no, polar_margin=margin)
        labels = [read(t, x, float(p), float(q), bool(h), a)[0] for x, p, q, h, a in inputs]
        score = f1_scores(gold, labels)["macro"]
        if score > best[0]:
            best = (score, t)
    start = best[1]
    best = (-1.0, start)
    # aspect_ratio stops at 0.2: a clause can be about two aspects (a refund that came the same
    # day is after-sales and speed), and higher ratios dropped such second aspects.
    for t_asp, t_clause, ratio in itertools.product(
        np.arange(0.05, 0.51, 0.05), (0.1, 0.2, 0.3, 0.5, 0.8), (0.0, 0.1, 0.2)
    ):
        analyzer.thresholds = replace(
            start, aspect=float(t_asp), aspect_clause=t_clause, aspect_ratio=ratio
        )
        score = evaluate_cx(analyzer, dev).pairs.f1
        if score > best[0]:
            best = (score, analyzer.thresholds)
    start = best[1]
    for context, contrast in itertools.product((0.0, 0.25, 0.5, 0.75, 1.0), (1.0, 0.5, 0.0)):
        analyzer.thresholds = replace(start, context=context, contrast_context=contrast)
        score = evaluate_cx(analyzer, dev).pairs.f1
        if score > best[0]:
            best = (score, analyzer.thresholds)
    analyzer.thresholds = best[1]


def long_cuts(p_positive: Sequence[float], gold: Sequence[str]) -> tuple[float, float]:
    """The p_positive cuts (negative below the first, neutral below the second) with the best
    three-class macro-F1 on labelled long texts (Thresholds.long_low, long_high)."""
    p = np.asarray(p_positive, dtype=np.float64)
    best = (-1.0, (0.5, 0.5))
    # Rounded so that the cuts returned are the cuts scored.
    lows, highs = np.round(np.arange(0.30, 0.80, 0.02), 2), np.round(np.arange(0.60, 0.99, 0.01), 2)
    for lo, hi in itertools.product(lows, highs):
        if hi <= lo:
            continue
        # analysis.label_by_cuts over the whole array at once (the grid has ~1,000 cut pairs)
        labels = np.where(p < lo, "negative", np.where(p < hi, "neutral", "positive"))
        score = f1_scores(gold, list(labels))["macro"]
        if score > best[0]:
            best = (score, (float(lo), float(hi)))
    return best[1]
