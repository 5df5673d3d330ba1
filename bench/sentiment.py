"""Sentiment benchmark: the v2 analyser against its targets, v1 and SnowNLP.

    .venv/bin/python bench/sentiment.py [--quick] [--only cx,reviews,aspects,speed]

- cx: the shipped model on the CX test split (never trained or tuned on); v1 and SnowNLP on the
  same comments for comparison; the dev split it was tuned on, for reference.
- reviews: each review domain held out in turn: v2's polarity head refitted without the domain
  (everything else as shipped), v1 refitted the same way, SnowNLP on a sample.
- aspects: the restaurant aspect data, k-fold: v2's sentiment heads refitted without the fold.
- settings: a third of the CX settings left out of training in turn, scored on their dev rows.
- speed: `vocsvc text analyze` on one core: in one process (comments/s, same comments as SnowNLP),
  and the CLI as a subprocess (wall time including start-up, peak memory); model file size.
--quick: 60 optimiser iterations instead of 300, 3 folds, smaller SnowNLP samples.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from vocsvc.lifetime import freeze_what_lives_forever
from vocsvc.text.analysis import DEFAULT_ANALYZER_PATH, TextAnalyzer, get_analyzer
from vocsvc.text.cxset import (
    CxRecord,
    load_records,
    load_second_annotation,
    load_train_only,
    records_in,
)
from vocsvc.text.evaluate import agreement, evaluate_cx, f1_scores
from vocsvc.text.sentiment import V1_MODEL_PATH, SentimentModel, SnowNLPBackend, label_for
from vocsvc.text.train import DEFAULT_DATA_DIR, evaluate_held_out, load_corpora, roc_auc
from vocsvc.text.train_analyzer import (
    ASPECT_DATA_DIR,
    aspect_data_cv,
    held_out_reviews,
    load_aspect_reviews,
    make_design,
    train_analyzer,
)

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Target:
    """One figure against its target."""

    name: str
    value: float
    target: float
    higher_is_better: bool = True

    @property
    def met(self) -> bool:
        return self.value >= self.target if self.higher_is_better else self.value <= self.target


targets: list[Target] = []


def cx_section(analyzer: TextAnalyzer) -> None:
    """The CX test split (and dev for reference): v2, v1, SnowNLP."""
    test, dev = records_in("test"), records_in("dev")
    print(f"\n## CX set: test split {len(test)} comments (dev {len(dev)}, used for tuning)")
    for name, records in (("test", test), ("dev", dev)):
        m = evaluate_cx(analyzer, records)
        f = m.f1
        p = m.pairs
        print(
            f"v2 {name}: macro-F1 {f['macro']:.3f} (neg {f['negative']:.3f}, "
            f"neu {f['neutral']:.3f}, pos {f['positive']:.3f}), neg-vs-pos AUC {m.auc:.3f}, "
            f"opinion accuracy {m.opinion_accuracy:.3f}, aspect pairs P {p.precision:.3f} "
            f"R {p.recall:.3f} F1 {p.f1:.3f} ({p.gold} gold, {p.predicted} predicted)"
        )
        if name == "test":
            targets.extend(
                [
                    Target("CX test macro-F1", f["macro"], 0.80),
                    Target("CX test neutral F1", f["neutral"], 0.70),
                    Target("CX test neg-vs-pos AUC", m.auc, 0.95),
                    Target("CX test aspect pair F1", m.pairs.f1, 0.80),
                ]
            )
    agreement_section(analyzer, dev)
    gold = [r.label for r in test]
    polar = [i for i, g in enumerate(gold) if g != "neutral"]
    texts = [r.text for r in test]
    for name, probs in (
        ("v1", SentimentModel.load(V1_MODEL_PATH).predict_proba(texts)),
        ("SnowNLP", SnowNLPBackend().predict_proba(texts)),
    ):
        f = f1_scores(gold, [label_for(float(p)) for p in probs])
        auc = roc_auc([gold[i] == "positive" for i in polar], [probs[i] for i in polar])
        print(
            f"{name} test (labels at 0.4/0.6): macro-F1 {f['macro']:.3f}, neutral F1 "
            f"{f['neutral']:.3f}, neg-vs-pos AUC {auc:.3f}"
        )
    print("\nv2 test by setting: setting n macro-F1")
    for setting in sorted({r.setting for r in test}):
        rs = [r for r in test if r.setting == setting]
        print(f"  {setting} {len(rs)} {evaluate_cx(analyzer, rs).f1['macro']:.3f}")


def agreement_section(analyzer: TextAnalyzer, dev: list[CxRecord]) -> None:
    """A second annotator against the set's labels, and v2 on the same dev comments."""
    second = load_second_annotation()
    a = agreement(dev, second)
    by_id = {r.id: r for r in dev}
    same = [by_id[s.id] for s in second]
    m = evaluate_cx(analyzer, same)
    print(
        f"second annotator on {a.n} dev comments (saw GUIDE.md and the texts only): pair F1 "
        f"{a.pairs.f1:.3f} (P {a.pairs.precision:.3f} R {a.pairs.recall:.3f}), aspects alone "
        f"{a.aspects.f1:.3f}, macro-F1 {a.f1['macro']:.3f}, opinion agreement "
        f"{a.opinion_agreement:.3f}; v2 on the same comments: pair F1 {m.pairs.f1:.3f}, "
        f"macro-F1 {m.f1['macro']:.3f}"
    )


def settings_section(analyzer: TextAnalyzer, quick: bool) -> None:
    """Generalisation to unseen settings: retrain without a third of the settings' CX rows, score
    those settings' dev comments (thresholds as shipped), next to the shipped model's figures."""
    max_iter = 60 if quick else 150
    reviews = load_corpora(DEFAULT_DATA_DIR)
    aspect_reviews = load_aspect_reviews(ASPECT_DATA_DIR)
    train, dev = records_in("train"), records_in("dev")
    settings = sorted({r.setting for r in train})
    groups = [settings[k::3] for k in range(3)]
    print(f"\n## CX settings held out, 3 groups of {len(groups[0])} (max_iter {max_iter})")
    print("| held-out settings | dev n | macro-F1 held out / shipped | AUC | pair F1 |")
    print("|---|---:|---:|---:|---:|")
    for held in groups:
        kept = [r for r in train if r.setting not in held]
        model = train_analyzer(reviews, aspect_reviews, kept, max_iter=max_iter)
        model.thresholds = analyzer.thresholds
        rows = [r for r in dev if r.setting in held]
        out, ship = evaluate_cx(model, rows), evaluate_cx(analyzer, rows)
        print(
            f"| {', '.join(held)} | {len(rows)} | {out.f1['macro']:.3f} / {ship.f1['macro']:.3f} "
            f"| {out.auc:.3f} / {ship.auc:.3f} | {out.pairs.f1:.3f} / {ship.pairs.f1:.3f} |"
        )


def reviews_and_aspects(analyzer: TextAnalyzer, quick: bool, sections: set[str]) -> None:
    """Held-out review domains and the k-fold aspect data (both refit heads of v2)."""
    max_iter = 60 if quick else 300
    reviews = load_corpora(DEFAULT_DATA_DIR)
    aspect_reviews = load_aspect_reviews(ASPECT_DATA_DIR)
    t0 = time.perf_counter()
    design = make_design(reviews, aspect_reviews, records_in("train"), max_iter=max_iter)
    print(f"\n(featurised the training rows in {time.perf_counter() - t0:.0f}s)")
    if "reviews" in sections:
        print(f"\n## Review corpora, each domain held out (max_iter {max_iter})")
        ours = held_out_reviews(design, analyzer, reviews, log=True)
        v1 = evaluate_held_out(
            DEFAULT_DATA_DIR, snownlp_sample=200 if quick else 1000, log=False, max_iter=max_iter
        )
        print("| domain | n | v2 AUC | v1 AUC | v2 - v1 | SnowNLP AUC (sample) |")
        print("|---|---:|---:|---:|---:|---:|")
        for o, r in zip(ours, v1, strict=True):
            assert o.domain == r.domain
            print(
                f"| {o.domain} | {o.n} | {o.auc:.3f} | {r.auc:.3f} | {o.auc - r.auc:+.3f} "
                f"| {r.snownlp_auc:.3f} |"
            )
        mean_v2 = sum(o.auc for o in ours) / len(ours)
        mean_v1 = sum(r.auc for r in v1) / len(v1)
        worst = min(o.auc - r.auc for o, r in zip(ours, v1, strict=True))
        print(f"| **mean** | | **{mean_v2:.3f}** | {mean_v1:.3f} | {mean_v2 - mean_v1:+.3f} | |")
        targets.append(Target("reviews held-out mean AUC", mean_v2, 0.93))
        targets.append(Target("reviews worst domain v2 - v1", worst, -0.01))
    if "aspects" in sections:
        folds = 3 if quick else 5
        print(f"\n## Restaurant aspect data, {folds}-fold (max_iter {max_iter})")
        fig = aspect_data_cv(design, analyzer, aspect_reviews, folds=folds, log=True)
        o, s, p = fig.overall_f1, fig.star_f1, fig.pairs
        print(
            f"overall experience (AI Challenger, n={fig.overall_n}): macro-F1 {o['macro']:.3f} "
            f"(neg {o['negative']:.3f}, neu {o['neutral']:.3f}, pos {o['positive']:.3f})"
        )
        print(f"ASAP star as three classes (n={fig.star_n}): macro-F1 {s['macro']:.3f}")
        no, ns = fig.nested_overall_f1, fig.nested_star_f1
        print(
            f"with the long-text cuts chosen on the other folds ({fig.fold_cuts}): overall "
            f"macro-F1 {no['macro']:.3f} (neg {no['negative']:.3f}, neu {no['neutral']:.3f}, "
            f"pos {no['positive']:.3f}), ASAP star {ns['macro']:.3f}"
        )
        print(
            f"aspect pairs (both sources, mapped to our 12): P {p.precision:.3f} R {p.recall:.3f} "
            f"F1 {p.f1:.3f} ({p.gold} gold, {p.predicted} predicted)"
        )
        targets.append(Target("aspect data overall macro-F1", o["macro"], 0.65))
        targets.append(Target("aspect data pair F1", p.f1, 0.60))


def speed_section(quick: bool) -> None:
    """Throughput on one core (in process and as the CLI), CLI peak memory, model size."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cx = [r.text for r in load_records()]
    reviews = [t for _, t, _ in load_corpora(DEFAULT_DATA_DIR)]
    rng = random.Random(7)
    n = 1000 if quick else 3000
    comments = rng.sample(cx, min(len(cx), n // 2))
    comments += rng.sample(reviews, n - len(comments))
    rng.shuffle(comments)
    n_snow = 200 if quick else 600
    mean_len = sum(map(len, comments)) / len(comments)
    print(
        f"\n## Speed, one core: {n} comments (CX set and reviews, mean {mean_len:.0f} characters)"
    )
    t0 = time.perf_counter()
    analyzer = TextAnalyzer.load(DEFAULT_ANALYZER_PATH)
    analyzer.analyze(["预热"])
    print(f"load + first call: {time.perf_counter() - t0:.2f}s")
    # As `text analyze` does once the model is loaded; without it the collector walks this
    # process's corpora (hundreds of thousands of strings) again and again, SnowNLP's time too.
    freeze_what_lives_forever()
    # The analyser remembers recent texts (lexicon look-ups): every timing below is of texts it
    # has not seen yet, except the explicit warm repeat.
    rest = comments[n_snow:]
    snow = SnowNLPBackend()
    snow.predict_proba(["预热"])
    # The machine is shared: one timing of each swings by a third. Each round times both on the
    # same fresh comments (never seen by the analyser), in alternating order; the figure is the
    # median of the rounds' ratios.
    # every round half CX comments, half reviews, like `comments`
    taken = set(comments)
    more_cx = [t for t in cx + [r.text for r in load_train_only()] if t not in taken]
    more_reviews = [t for t in reviews if t not in taken]
    rng.shuffle(more_cx)
    rng.shuffle(more_reviews)
    half, other = n_snow // 2, n_snow - n_snow // 2
    rounds = [comments[:n_snow]] + [
        more_cx[k * half : (k + 1) * half] + more_reviews[k * other : (k + 1) * other]
        for k in range(4 if quick else 6)
    ]
    ratios, v2_rates, snow_rates = [], [], []
    for i, sample in enumerate(rounds):
        timed: dict[str, float] = {}
        for name in ("v2", "snow") if i % 2 == 0 else ("snow", "v2"):
            t0 = time.perf_counter()
            analyzer.analyze(sample) if name == "v2" else snow.predict_proba(sample)
            timed[name] = n_snow / (time.perf_counter() - t0)
        v2_rates.append(timed["v2"])
        snow_rates.append(timed["snow"])
        ratios.append(timed["v2"] / timed["snow"])
    ratio, snow_rate = statistics.median(ratios), statistics.median(snow_rates)
    print(
        f"{len(rounds)} rounds of {n_snow} comments, v2 analyze / SnowNLP on the same: "
        + ", ".join(
            f"{v:,.0f}/{sn:,.0f}/s = {r:.1f}x"
            for v, sn, r in zip(v2_rates, snow_rates, ratios, strict=True)
        )
    )
    print(
        f"speed-up on the same comments: median {ratio:.1f}x "
        f"(range {min(ratios):.1f}-{max(ratios):.1f})"
    )
    targets.append(Target("analyze / SnowNLP speed ratio (median)", ratio, 20.0))
    rates = []
    for fn in (analyzer.analyze, analyzer.overall, analyzer.analyze):
        t0 = time.perf_counter()
        for i in range(0, len(rest), 512):
            fn(rest[i : i + 512])
        rates.append(len(rest) / (time.perf_counter() - t0))
    print(
        f"the other {len(rest)}, batches of 512: analyze {rates[0]:,.0f}/s "
        f"({rates[0] / snow_rate:.1f}x SnowNLP); overall() only (label, p_positive, opinion; "
        f"the sentiment backend) {rates[1]:,.0f}/s; analyze again, warm {rates[2]:,.0f}/s"
    )

    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write("\n".join(c.replace("\n", " ") for c in comments) + "\n")
        path = f.name
    # /usr/bin/time -v reports the CLI's own peak RSS. (getrusage(RUSAGE_CHILDREN) would not:
    # a child forked from this big process counts the parent's pages until it execs.)
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "vocsvc", "text", "analyze"]
    t0 = time.perf_counter()
    with open(path, "rb") as stdin:
        done = subprocess.run(cmd, stdin=stdin, capture_output=True, cwd=ROOT, check=True)
    wall = time.perf_counter() - t0
    os.unlink(path)
    lines = done.stdout.count(b"\n")
    assert lines == n, (lines, n)
    peak = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert peak, done.stderr[-500:]
    peak_mb = int(peak.group(1)) / 1024
    print(
        f"CLI `vocsvc text analyze` (one core, start-up included): {n} lines in {wall:.1f}s = "
        f"{n / wall:,.0f}/s ({n / wall / snow_rate:.0f}x SnowNLP); peak RSS {peak_mb:.0f} MB"
    )
    targets.append(Target("CLI peak memory MB", peak_mb, 200.0, higher_is_better=False))
    size = DEFAULT_ANALYZER_PATH.stat().st_size / 1e6
    print(f"model file {DEFAULT_ANALYZER_PATH.name}: {size:.2f} MB")
    targets.append(Target("model file MB", size, 10.0, higher_is_better=False))


def main() -> int:
    """Run the sections and print every figure against its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations and folds")
    parser.add_argument(
        "--only", default="cx,reviews,aspects,speed,settings", help="sections to run"
    )
    args = parser.parse_args()
    sections = set(args.only.split(","))
    t0 = time.perf_counter()
    analyzer = get_analyzer()
    print(f"# {analyzer.version}: thresholds {analyzer.thresholds}")
    if "cx" in sections:
        cx_section(analyzer)
    if sections & {"reviews", "aspects"}:
        reviews_and_aspects(analyzer, args.quick, sections)
    if "speed" in sections:
        speed_section(args.quick)
    if "settings" in sections:
        settings_section(analyzer, args.quick)
    print("\n## Targets")
    for t in targets:
        op = ">=" if t.higher_is_better else "<="
        print(f"{'MET ' if t.met else 'MISS'} {t.name}: {t.value:.3f} (target {op} {t.target})")
    print(f"\nbench finished in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
