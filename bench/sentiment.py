"""Sentiment benchmark: held-out-domain AUC/accuracy and one-core throughput, ours vs SnowNLP.

    .venv/bin/python bench/sentiment.py [--quick] [--data-dir D]

Held-out: for each domain, train on the other domains (same code and hyperparameters as the shipped
model), test on that domain; SnowNLP scores a random sample per domain (it is ~100x slower).
Throughput: the same random sample of comments from all domains, one core, model loaded cold.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

from vocsvc.text.sentiment import DEFAULT_MODEL_PATH, SentimentModel, SnowNLPBackend
from vocsvc.text.train import (
    DEFAULT_DATA_DIR,
    evaluate_held_out,
    format_results,
    load_corpora,
)


def throughput(data_dir: Path, n_ours: int, n_snow: int, batch: int = 256) -> None:
    """Comments per second on one core for both backends, on the same random sample."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as in production
    texts = [t for _, t, _ in load_corpora(data_dir)]
    sample = random.Random(7).sample(texts, n_ours)
    snow_sample = sample[:n_snow]  # a prefix of a random sample is itself a random sample
    mean_len = sum(map(len, sample)) / len(sample)
    print(f"\nthroughput, one core: {n_ours} random comments (mean {mean_len:.0f} characters)")

    t0 = time.perf_counter()
    model = SentimentModel.load(DEFAULT_MODEL_PATH)
    model.predict_proba(["预热"])  # jieba loads its dictionary on first use; timed separately
    load_s = time.perf_counter() - t0
    rates = []
    for run in ("cold cache", "warm cache"):
        t0 = time.perf_counter()
        for i in range(0, len(sample), batch):
            model.predict_proba(sample[i : i + batch])
        rate = len(sample) / (time.perf_counter() - t0)
        rates.append(rate)
        print(f"  ours ({run}, batches of {batch}): {rate:,.0f} comments/s")
    print(f"  ours: model + tokenizer load {load_s:.1f}s (once per process)")

    snow = SnowNLPBackend()
    snow.predict_proba(["预热"])
    t0 = time.perf_counter()
    snow.predict_proba(snow_sample)
    snow_rate = len(snow_sample) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    model.predict_proba(snow_sample)
    ours_same = len(snow_sample) / (time.perf_counter() - t0)
    print(f"  SnowNLP on the first {n_snow} of them: {snow_rate:,.0f} comments/s")
    print(f"  ours on the same {n_snow}: {ours_same:,.0f} comments/s")
    print(f"  speed-up (ours cold / SnowNLP): {rates[0] / snow_rate:.0f}x")


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples, fewer iterations")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args()
    t0 = time.perf_counter()
    quick = args.quick
    print(f"held-out-domain evaluation ({'quick: max_iter=60, ' if quick else ''}", end="")
    print(f"SnowNLP on {200 if quick else 1000} random rows per domain)")
    hp = {"max_iter": 60} if quick else {}
    results = evaluate_held_out(args.data_dir, snownlp_sample=200 if quick else 1000, **hp)
    print(format_results(results))
    wins = sum(r.sample_auc > r.snownlp_auc for r in results)
    print(f"ours beats SnowNLP on AUC (same sample) in {wins} of {len(results)} domains")
    throughput(args.data_dir, 1000 if quick else 3000, 200 if quick else 600)
    print(f"\nbench finished in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
