"""Chinese comment sentiment: our model (default) and a SnowNLP baseline (pure).

Backend "own" is the v2 analyser (vocsvc.text.analysis): probability = its p_positive, label its
three classes. A v1 file (binary logistic model, models/sentiment-zh-v1.npz) still loads as one.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from vocsvc.text.analysis import TextAnalyzer
from vocsvc.text.features import FeatureConfig, FeatureHasher

V1_MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "sentiment-zh-v1.npz"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "sentiment-zh-v2.npz"
DEFAULT_THRESHOLDS = (0.4, 0.6)

Probabilities = NDArray[np.float64]


@dataclass(frozen=True)
class SentimentScore:
    """One comment's score."""

    probability: float  # P(positive)
    label: str  # negative / neutral / positive
    model_version: str


def label_for(p: float, thresholds: tuple[float, float] = DEFAULT_THRESHOLDS) -> str:
    """negative below the low threshold, positive at or above the high one, neutral between."""
    low, high = thresholds
    if p < low:
        return "negative"
    return "positive" if p >= high else "neutral"


class SentimentModel:
    """Logistic regression over hashed features; inference is numpy only."""

    def __init__(
        self,
        weights: NDArray[np.floating],
        bias: float,
        config: FeatureConfig,
        version: str,
        thresholds: tuple[float, float] = DEFAULT_THRESHOLDS,
        prior: float = 0.5,
    ) -> None:
        if weights.shape != (1 << config.n_bits,):
            raise ValueError(f"weights shape {weights.shape} does not match n_bits={config.n_bits}")
        self.weights = np.asarray(weights, dtype=np.float32)  # float16 on disk, float32 in memory
        self.bias = float(bias)
        self.config = config
        self.version = version
        self.thresholds = thresholds
        self.prior = prior  # returned for texts without any feature (empty / whitespace)
        self.hasher = FeatureHasher(config)

    @classmethod
    def load(cls, path: Path) -> SentimentModel:
        """Read a model written by save()."""
        with np.load(path, allow_pickle=False) as z:
            low, high = (float(x) for x in z["thresholds"])
            return cls(
                weights=z["weights"],
                bias=float(z["bias"]),
                config=FeatureConfig(**json.loads(str(z["config"]))),
                version=str(z["version"]),
                thresholds=(low, high),
                prior=float(z["prior"]),
            )

    def save(self, path: Path) -> None:
        """Write weights as float16 (halves the file; held-out AUC unchanged) plus metadata."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            np.savez_compressed(
                f,
                weights=self.weights.astype(np.float16),
                bias=np.float64(self.bias),
                config=np.str_(json.dumps(self.config.to_dict(), sort_keys=True)),
                version=np.str_(self.version),
                thresholds=np.asarray(self.thresholds, dtype=np.float64),
                prior=np.float64(self.prior),
            )

    def decision_function(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Log-odds of positive; NaN for texts without features."""
        batch = self.hasher.transform(texts)
        contrib = self.weights[batch.indices].astype(np.float64) * batch.values
        # Per-row sums from one cumulative sum: empty rows give exactly 0 (reduceat would not).
        csum = np.concatenate(([0.0], np.cumsum(contrib)))
        z = csum[batch.indptr[1:]] - csum[batch.indptr[:-1]] + self.bias
        z[np.diff(batch.indptr) == 0] = np.nan
        return z

    def predict_proba(self, texts: Sequence[str]) -> Probabilities:
        """P(positive) per text, in input order; the prior for texts without features."""
        z = self.decision_function(texts)
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
        return np.where(np.isnan(z), self.prior, p)

    def label(self, p: float) -> str:
        """Label for a probability using this model's thresholds."""
        return label_for(p, self.thresholds)


class Backend(Protocol):
    """Something that scores comments."""

    @property
    def version(self) -> str: ...

    def predict_proba(self, texts: Sequence[str]) -> Probabilities: ...

    def score(self, texts: Sequence[str]) -> list[SentimentScore]: ...


class OwnModelBackend:
    """Our model (default)."""

    def __init__(self, model: SentimentModel) -> None:
        self.model = model

    @property
    def version(self) -> str:
        return self.model.version

    def predict_proba(self, texts: Sequence[str]) -> Probabilities:
        return self.model.predict_proba(texts)

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        return _scores(self.predict_proba(texts), self.model.thresholds, self.version)


class AnalyzerBackend:
    """The v2 analyser as a sentiment backend: p_positive and the three-class label."""

    def __init__(self, analyzer: TextAnalyzer) -> None:
        self.analyzer = analyzer

    @property
    def version(self) -> str:
        return self.analyzer.version

    def predict_proba(self, texts: Sequence[str]) -> Probabilities:
        return np.array([p for _, p, _ in self.analyzer.overall(texts)], dtype=np.float64)

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        version = self.version
        return [SentimentScore(p, label, version) for label, p, _ in self.analyzer.overall(texts)]


class SnowNLPBackend:
    """SnowNLP's bundled Naive Bayes model, kept as the baseline to beat."""

    thresholds = DEFAULT_THRESHOLDS

    @property
    def version(self) -> str:
        from importlib.metadata import version

        return f"snownlp-{version('snownlp')}"

    def predict_proba(self, texts: Sequence[str]) -> Probabilities:
        from snownlp import SnowNLP

        # SnowNLP divides by zero on empty input; 0.5 is "no evidence".
        return np.array([SnowNLP(t).sentiments if t.strip() else 0.5 for t in texts], dtype=float)

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        return _scores(self.predict_proba(texts), self.thresholds, self.version)


def _scores(
    p: Probabilities, thresholds: tuple[float, float], version: str
) -> list[SentimentScore]:
    return [SentimentScore(float(x), label_for(float(x), thresholds), version) for x in p]


_backends: dict[tuple[str, Path], Backend] = {}
_backends_lock = threading.Lock()


def _load_backend(name: str, model_path: Path) -> Backend:
    if name == "own":
        with np.load(model_path, allow_pickle=False) as z:
            is_analyzer = "pol_w" in z.files
        if is_analyzer:
            return AnalyzerBackend(TextAnalyzer.load(model_path))
        return OwnModelBackend(SentimentModel.load(model_path))
    if name == "snownlp":
        return SnowNLPBackend()
    raise ValueError(f"unknown sentiment backend {name!r} (expected 'own' or 'snownlp')")


def get_backend(name: str = "own", model_path: Path | None = None) -> Backend:
    """Backend by name ("own" or "snownlp"); loaded once per (name, path) and reused."""
    key = (name, model_path or DEFAULT_MODEL_PATH)
    backend = _backends.get(key)  # the hot path: one dict look-up per scored batch
    if backend is None:
        with _backends_lock:  # the first requests of a process arrive together: load once
            backend = _backends.get(key)
            if backend is None:
                backend = _backends[key] = _load_backend(*key)
    return backend
