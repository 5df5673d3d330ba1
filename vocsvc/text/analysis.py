"""Comment analysis as a CX team reads it (pure): three classes, opinion or not, clauses, aspects.

`get_analyzer().analyze(texts)` is the one entry point. The model (models/sentiment-zh-v2.npz, card
models/sentiment-zh-v2.md) has three linear heads over one hashed feature space
(vocsvc.text.features): polarity (positive vs negative), neutrality (neutral vs polar), and one
head per aspect of the taxonomy (vocsvc.text.aspects) on a smaller slice of the same buckets. A
comment and each of its clauses are scored in one batch; inference is numpy only.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from vocsvc.text import lexicon
from vocsvc.text.aspects import ASPECT_KEYS, names_nothing
from vocsvc.text.clauses import Clause, split_clauses
from vocsvc.text.features import (
    FeatureConfig,
    FeatureHasher,
    HashedBatch,
    normalize,
    transform_leading,
)
from vocsvc.text.prepare import prepare

Label = Literal["negative", "neutral", "positive"]
DEFAULT_ANALYZER_PATH = Path(__file__).resolve().parents[2] / "models" / "sentiment-zh-v2.npz"
Vector = NDArray[np.float64]


@dataclass(frozen=True)
class AspectMention:
    """One aspect the customer talks about, with the polarity of the clause that says it."""

    aspect: str
    polarity: Label
    text: str  # the clause


@dataclass(frozen=True)
class ClauseAnalysis:
    """One clause: its polarity and the aspects it mentions."""

    text: str
    label: Label
    p_positive: float
    aspects: tuple[str, ...]


@dataclass(frozen=True)
class TextAnalysis:
    """One comment: overall label, P(positive) on a 0-1 scale, opinion or not, aspects, clauses."""

    label: Label
    p_positive: float
    opinion: bool
    aspects: tuple[AspectMention, ...]
    clauses: tuple[ClauseAnalysis, ...]
    model_version: str

    def to_json(self) -> dict[str, Any]:
        """The wire form: label, p_positive (4 decimals), opinion and the aspect mentions."""
        return {
            "label": self.label,
            "p_positive": round(self.p_positive, 4),
            "opinion": self.opinion,
            "aspects": [
                {"aspect": m.aspect, "polarity": m.polarity, "text": m.text} for m in self.aspects
            ],
        }


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds, tuned on the CX dev split (never on test); stored in the model file."""

    neutral: float = 0.5  # P(neutral) at or above which a text is neutral
    no_opinion: float = 0.35  # P(neutral) at or above which a question/suggestion has no opinion
    aspect: float = 0.5  # best clause's aspect probability at or above which a comment has it
    aspect_clause: float = 0.5  # ... and at which its other clauses mention it too
    # A clause is read with this much of its comment's log-odds added: 干货多 alone is unclear,
    # inside a comment full of praise it is praise.
    context: float = 0.0
    # A text is neutral when logit P(neutral) - polar_margin * |logit P(positive | polar)| reaches
    # logit(neutral): a confident polarity (非常满意) needs more neutrality evidence.
    polar_margin: float = 0.0
    # A clause mentions an aspect only when its probability is at least this share of the
    # clause's most likely aspect: 前台小姐姐服务特别好 is about attitude, not also about price.
    aspect_ratio: float = 0.0
    # The share of `context` a clause that opens with a contrast word (但是, 不过, 就是 ...) gets:
    # 还行吧，就是人有点多 turns against its comment, so leaning it towards it misreads it.
    contrast_context: float = 1.0
    # A text of at least `long_chars` characters (0: no such rule) is negative below `long_low`
    # p_positive, neutral below `long_high`, positive above. A long review that is "还可以" overall
    # praises most things and criticises some: its polarity head lands in the middle, while the
    # neutrality head (taught by short neutral answers) does not fire. No CX comment is that long,
    # so these are chosen by cross-validation on the restaurant aspect data (the model card).
    long_chars: int = 0
    long_low: float = 0.5
    long_high: float = 0.5
    # (aspect, aspect_clause, aspect_ratio) for texts of `long_chars` or more (empty: the same as
    # for short ones). A 300-character review has a dozen clauses, and thresholds tuned for
    # survey comments of one or two clauses report several aspects too many. Chosen, like the
    # cuts above, by cross-validation on the aspect data.
    long_aspects: tuple[float, ...] = ()
    # `context` for texts of `long_chars` or more (None: the same). CX dev cannot choose it (no
    # comment is that long) and a review's clauses lean on their review more than a comment's on
    # its comment; chosen, like the cuts above, by cross-validation on the aspect data.
    long_context: float | None = None

    def __post_init__(self) -> None:
        if self.long_aspects and len(self.long_aspects) != 3:
            raise ValueError("long_aspects is (aspect, aspect_clause, aspect_ratio)")
        object.__setattr__(self, "long_aspects", tuple(float(x) for x in self.long_aspects))

    def is_long(self, text: str) -> bool:
        """The text is read by the long-text rules (long_chars)."""
        return bool(self.long_chars) and len(text) >= self.long_chars

    def context_for(self, text: str) -> float:
        """The clause context (`context`, or `long_context` for a long text) of a comment."""
        if self.long_context is not None and self.is_long(text):
            return self.long_context
        return self.context

    def aspect_rule(self, text: str) -> tuple[float, float, float]:
        """(aspect, aspect_clause, aspect_ratio) for a comment of this text."""
        if self.long_aspects and self.is_long(text):
            aspect, clause, ratio = self.long_aspects
            return aspect, clause, ratio
        return self.aspect, self.aspect_clause, self.aspect_ratio


@dataclass(frozen=True)
class Scores:
    """Sentiment head outputs for a batch of texts."""

    p_polar_positive: Vector  # P(positive | polar)
    p_neutral: Vector
    has_features: NDArray[np.bool_]


def _sigmoid(z: Vector) -> Vector:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))), dtype=np.float64)


def _logit(p: Vector) -> Vector:
    q = np.clip(p, 1e-12, 1.0 - 1e-12)
    return np.asarray(np.log(q / (1.0 - q)), dtype=np.float64)


def _lg(p: float) -> float:
    q = min(max(p, 1e-12), 1.0 - 1e-12)
    return math.log(q / (1.0 - q))


def _unique(texts: Sequence[str]) -> tuple[list[str], NDArray[np.intp]]:
    """The distinct texts (first-seen order) and, per input, the index of its distinct text."""
    index: dict[str, int] = {}
    inverse = [index.setdefault(t, len(index)) for t in texts]
    return list(index), np.array(inverse, dtype=np.intp)


def _rows(batch: HashedBatch) -> NDArray[np.intp]:
    return np.repeat(np.arange(batch.indptr.size - 1), np.diff(batch.indptr))


def _row_dot(batch: HashedBatch, weights: NDArray[np.float32]) -> Vector:
    """Per-row w·x. bincount adds each row's terms in order, so a text scores the same alone as
    in any batch (a running sum over the batch would not), and an empty row gives exactly 0."""
    contrib = weights[batch.indices].astype(np.float64) * batch.values
    sums = np.bincount(_rows(batch), weights=contrib, minlength=batch.indptr.size - 1)
    return np.asarray(sums, dtype=np.float64)


def asks_only(text: str) -> bool:
    """The clause asks, suggests or greets (lexicon.only_asks, lexicon.is_greeting): it carries
    no opinion of its own."""
    norm = normalize(text)
    return lexicon.only_asks(norm) or lexicon.is_greeting(norm)


@dataclass(frozen=True)
class CommentView:
    """A prepared comment as the analyser reads it: its clauses, which of them only ask or
    suggest, and the text its overall reading comes from. Questions and suggestions carry no
    opinion (the labelling guide), so in 退货不问原因，当场就退了款，希望保持 the overall reading
    comes from the first two clauses, and 排队太久了，建议多开几个窗口 is a complaint."""

    text: str
    clauses: tuple[Clause, ...]
    asks: tuple[bool, ...]

    @classmethod
    def of(cls, prepared: str) -> CommentView:
        clauses = tuple(split_clauses(prepared))
        # The question mark after a clause is part of what it says (split_clauses drops it).
        asks = tuple(asks_only(prepared[c.start : c.end + 1]) for c in clauses)
        return cls(prepared, clauses, asks)

    @property
    def only_asks(self) -> bool:
        return bool(self.asks) and all(self.asks)

    @property
    def opinion_text(self) -> str:
        if self.only_asks or not any(self.asks):
            return self.text
        return "，".join(c.text for c, a in zip(self.clauses, self.asks, strict=True) if not a)


@functools.lru_cache(maxsize=16384)
def _view(comment: str) -> CommentView:
    """The CommentView of a comment as received, remembered: the answers that come back every
    day (好评, 无, 没有) are read once. (The view is immutable, so sharing it is safe.)"""
    return CommentView.of(prepare(comment))


def label_by_cuts(p_positive: float, low: float, high: float) -> Label:
    """The long-text rule (Thresholds.long_low, long_high): negative below `low`, neutral below
    `high`, positive from there."""
    return "negative" if p_positive < low else "neutral" if p_positive < high else "positive"


def read(
    t: Thresholds, text: str, p_pol: float, p_neu: float, has_features: bool, asks: bool
) -> tuple[Label, float, bool]:
    """(label, p_positive, opinion) of one prepared text from its head outputs. `asks`: the text
    only asks or suggests (each of its clauses does)."""
    nothing = lexicon.is_nothing(normalize(text))
    return _Reader(t)(t.is_long(text), nothing, p_pol, p_neu, has_features, asks)


class _Reader:
    """read() for many texts under the same thresholds, with what does not depend on the text
    worked out once (analyze() reads every comment and clause)."""

    def __init__(self, t: Thresholds) -> None:
        self.t = t
        self.neutral_logit = _lg(t.neutral)

    def __call__(
        self, long: bool, nothing: bool, p_pol: float, p_neu: float, has_features: bool, asks: bool
    ) -> tuple[Label, float, bool]:
        """read() of a text whose length rule (`long`: Thresholds.is_long) and whether it says
        nothing (lexicon.is_nothing of its normalised form) are known."""
        t = self.t
        if not has_features or nothing:
            return "neutral", 0.5, False
        if asks and p_neu >= t.no_opinion:
            return "neutral", 0.5, False
        p_positive = (1.0 - p_neu) * p_pol + 0.5 * p_neu
        if long:
            return label_by_cuts(p_positive, t.long_low, t.long_high), p_positive, True
        # Without a margin the polarity's log-odds cannot matter (x - 0.0 is x).
        margin = t.polar_margin * abs(_lg(p_pol)) if t.polar_margin else 0.0
        if _lg(p_neu) - margin >= self.neutral_logit:
            return "neutral", p_positive, True
        return ("positive" if p_pol >= 0.5 else "negative"), p_positive, True


Head = tuple[NDArray[np.floating], float]


class TextAnalyzer:
    """The v2 model: polarity and neutrality heads, and one head per aspect, over hashed features.

    The sentiment heads use `config` (service names masked, FeatureConfig.mask_targets); the aspect
    heads use `aspect_config` (names kept: 骑手 is how we know it is about delivery).
    """

    def __init__(
        self,
        *,
        config: FeatureConfig,
        aspect_config: FeatureConfig,
        polarity: Head,
        neutral: Head,
        aspect_weights: NDArray[np.floating],
        aspect_bias: NDArray[np.floating],
        version: str,
        thresholds: Thresholds = Thresholds(),
    ) -> None:
        size = 1 << config.n_bits
        if polarity[0].shape != (size,) or neutral[0].shape != (size,):
            raise ValueError(f"head weights do not match n_bits={config.n_bits}")
        if aspect_weights.shape != (len(ASPECT_KEYS), 1 << aspect_config.n_bits):
            raise ValueError(f"aspect weights shape {aspect_weights.shape} is not usable")
        self.config = config
        self.aspect_config = aspect_config
        self.version = version
        self.thresholds = thresholds
        self.hasher = FeatureHasher(config)
        self.aspect_hasher = FeatureHasher(aspect_config)
        self.pol_w = np.asarray(polarity[0], dtype=np.float32)
        self.pol_b = float(polarity[1])
        self.neu_w = np.asarray(neutral[0], dtype=np.float32)
        self.neu_b = float(neutral[1])
        # (buckets, aspects): one bucket's weights for all aspects sit together in memory.
        self.asp_w = np.ascontiguousarray(np.asarray(aspect_weights, dtype=np.float32).T)
        self.asp_b = np.asarray(aspect_bias, dtype=np.float64)

    @classmethod
    def load(cls, path: Path) -> TextAnalyzer:
        """Read a model written by save(); its version is its name and a digest of the file.

        A retrained model keeps its name (sentiment-zh-v2), so the name alone would leave stored
        comments read by older weights looking current to `text rescore` and the rollups.
        """
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        with np.load(path, allow_pickle=False) as z:
            return cls(
                config=FeatureConfig(**json.loads(str(z["config"]))),
                aspect_config=FeatureConfig(**json.loads(str(z["aspect_config"]))),
                polarity=(z["pol_w"], float(z["pol_b"])),
                neutral=(z["neu_w"], float(z["neu_b"])),
                aspect_weights=z["asp_w"],
                aspect_bias=z["asp_b"],
                version=f"{model_name(str(z['version']))}+{digest}",
                thresholds=Thresholds(**json.loads(str(z["thresholds"]))),
            )

    def save(self, path: Path) -> None:
        """Weights as float16 (metrics are computed with them), metadata as JSON strings."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            np.savez_compressed(
                f,
                config=np.str_(json.dumps(self.config.to_dict(), sort_keys=True)),
                aspect_config=np.str_(json.dumps(self.aspect_config.to_dict(), sort_keys=True)),
                version=np.str_(model_name(self.version)),
                thresholds=np.str_(json.dumps(asdict(self.thresholds), sort_keys=True)),
                pol_w=self.pol_w.astype(np.float16),
                pol_b=np.float64(self.pol_b),
                neu_w=self.neu_w.astype(np.float16),
                neu_b=np.float64(self.neu_b),
                asp_w=self.asp_w.T.astype(np.float16),
                asp_b=self.asp_b,
            )

    def scores(self, prepared: Sequence[str]) -> Scores:
        """Sentiment heads for already prepared texts (vocsvc.text.prepare.prepare)."""
        unique, inverse = _unique(prepared)  # a one-clause comment is also its only clause
        return self._scores(self.hasher.transform(unique), inverse)

    def _scores(self, batch: HashedBatch, rows: NDArray[np.intp]) -> Scores:
        """Sentiment heads for the batch's `rows`."""
        return Scores(
            p_polar_positive=_sigmoid(_row_dot(batch, self.pol_w) + self.pol_b)[rows],
            p_neutral=_sigmoid(_row_dot(batch, self.neu_w) + self.neu_b)[rows],
            has_features=(np.diff(batch.indptr) > 0)[rows],
        )

    def overall(self, texts: Sequence[str]) -> list[tuple[Label, float, bool]]:
        """(label, p_positive, opinion) per comment: what analyze() says overall, without clauses
        and aspects (about half the work; sentiment scoring and the held-out figures use it)."""
        views = [_view(t) for t in texts]
        s = self.scores([v.opinion_text for v in views])
        return [
            read(self.thresholds, v.opinion_text, float(p), float(q), bool(h), v.only_asks)
            for v, p, q, h in zip(
                views, s.p_polar_positive, s.p_neutral, s.has_features, strict=True
            )
        ]

    def aspect_probabilities(self, prepared: Sequence[str]) -> NDArray[np.float64]:
        """(texts, aspects) probabilities of the aspect heads."""
        unique, inverse = _unique(prepared)
        return self._aspect_probabilities(self.aspect_hasher.transform(unique))[inverse]

    def _aspect_probabilities(self, batch: HashedBatch) -> NDArray[np.float64]:
        """(rows, aspects) probabilities of the aspect heads for a batch of the aspect config."""
        n, rows = batch.indptr.size - 1, _rows(batch)
        weights = self.asp_w[batch.indices]
        z = np.empty((n, len(ASPECT_KEYS)))
        # One aspect at a time: bincount wants its terms contiguous, and the small arrays of
        # one aspect are reused where all aspects' at once would be fresh memory every call.
        for k in range(len(ASPECT_KEYS)):
            contrib = np.multiply(weights[:, k], batch.values, dtype=np.float64)
            z[:, k] = np.bincount(rows, weights=contrib, minlength=n)
        return _sigmoid(z + self.asp_b)

    def _aspects(
        self, p: NDArray[np.float64], eligible: list[bool], text: str = ""
    ) -> list[tuple[str, ...]]:
        """Aspect keys per clause of one comment (`text`) from its clauses' aspect probabilities
        (_clause_aspects for one comment)."""
        owner = np.zeros(len(eligible), dtype=np.intp)
        return self._clause_aspects(p, np.array(eligible, dtype=bool), owner, [text])

    def _clause_aspects(
        self,
        p: NDArray[np.float64],
        eligible: NDArray[np.bool_],
        owner: NDArray[np.intp],
        texts: Sequence[str],
    ) -> list[tuple[str, ...]]:
        """Aspect keys per clause from the clauses' aspect probabilities `p`; clause j is of the
        comment texts[owner[j]], and a comment's clauses are consecutive.

        An aspect is in a comment when its best clause reaches `aspect`; it is then mentioned
        by that clause and by every other clause that reaches `aspect_clause`, in both cases if it
        reaches `aspect_ratio` of the clause's likeliest aspect (Thresholds.aspect_rule: a long
        text has its own). Clauses that are not opinions (questions, suggestions) mention nothing.
        All comments at once: per comment in numpy, this was a fifth of analyze()'s time.
        """
        if not eligible.size:
            return []
        rules = np.array([self.thresholds.aspect_rule(t) for t in texts], dtype=np.float64)
        aspect, aspect_clause, aspect_ratio = rules[owner].T
        p = np.where(eligible[:, None], p, 0.0)
        first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])  # each comment's first clause
        comment = np.cumsum(np.r_[False, owner[1:] != owner[:-1]])  # clause -> its comment's run
        best_p = np.maximum.reduceat(p, first, axis=0)[comment]
        # The best clause of an aspect is its comment's first clause with the highest p (argmax).
        clause = np.arange(len(owner))[:, None]
        best = np.minimum.reduceat(np.where(p == best_p, clause, len(owner)), first, axis=0)
        close = p >= aspect_ratio[:, None] * p.max(axis=1, keepdims=True)
        mentioned = (
            (best_p >= aspect[:, None])
            & ((p >= np.minimum(aspect, aspect_clause)[:, None]) | (best[comment] == clause))
            & close
        )
        bits = mentioned @ (1 << np.arange(len(ASPECT_KEYS)))
        return [_keys_of(int(b)) for b in bits]

    def analyze(self, texts: Sequence[str]) -> list[TextAnalysis]:
        """Analyse comments; the result is in input order, one per text (empty ones too)."""
        views = [_view(t) for t in texts]
        clauses = [c for v in views for c in v.clauses]
        n, m = len(views), len(clauses)
        # The clauses, then the comments' texts, each distinct text once (a one-clause comment is
        # also its only clause): the aspect heads read the leading part, the clauses.
        unique, inverse = _unique([c.text for c in clauses] + [v.opinion_text for v in views])
        norm = [normalize(u) for u in unique]
        n_clause_texts = int(inverse[:m].max(initial=-1)) + 1
        batch, aspect_batch = transform_leading(
            [self.hasher, self.aspect_hasher], norm, [len(norm), n_clause_texts]
        )
        rows = np.concatenate([inverse[m:], inverse[:m]])  # comments, then clauses
        s = self._scores(batch, rows)
        p_asp = self._aspect_probabilities(aspect_batch)[inverse[:m]]
        # Clauses of multi-clause comments lean towards their comment (Thresholds.context).
        sizes = [len(v.clauses) for v in views]
        owner = np.repeat(np.arange(n), sizes)
        t = self.thresholds
        context = np.array([t.context_for(v.text) for v in views], dtype=np.float64)
        lean = context[owner] * (np.bincount(owner, minlength=n)[owner] > 1)
        contrast = np.array([c.contrast for c in clauses], dtype=bool)
        lean = np.where(contrast, lean * t.contrast_context, lean)
        c_pol = _sigmoid(_logit(s.p_polar_positive[n:]) + lean * _logit(s.p_polar_positive[owner]))
        c_neu = _sigmoid(_logit(s.p_neutral[n:]) + lean * _logit(s.p_neutral[owner]))
        nothing = [lexicon.is_nothing(u) for u in norm]
        reader, long_chars = _Reader(t), t.long_chars  # (Thresholds.is_long, inlined)
        readings = [
            reader(bool(long_chars) and len(text) >= long_chars, nothing[row], pol, neu, has, asks)
            for text, row, pol, neu, has, asks in zip(
                [v.opinion_text for v in views] + [c.text for c in clauses],
                rows.tolist(),
                s.p_polar_positive[:n].tolist() + c_pol.tolist(),
                s.p_neutral[:n].tolist() + c_neu.tolist(),
                s.has_features.tolist(),
                [v.only_asks for v in views] + [a for v in views for a in v.asks],
                strict=True,
            )
        ]
        # A clause can mention aspects when it and its comment are opinions.
        is_opinion = np.array([r[2] for r in readings], dtype=bool)
        # A comment that is one clause of opinion words only (很好, 一般) judges no one aspect.
        alone = np.repeat(np.array(sizes) == 1, sizes).tolist()
        clause_rows = inverse[:m].tolist()
        bare = [one and names_nothing(norm[u]) for one, u in zip(alone, clause_rows, strict=True)]
        eligible = is_opinion[owner] & is_opinion[n:] & ~np.array(bare, dtype=bool)
        found = self._clause_aspects(p_asp, eligible, owner, [v.text for v in views])
        out = []
        pos = 0
        for i, (view, size) in enumerate(zip(views, sizes, strict=True)):
            analysed = tuple(
                ClauseAnalysis(c.text, r[0], r[1], keys)
                for c, r, keys in zip(
                    view.clauses,
                    readings[n + pos : n + pos + size],
                    found[pos : pos + size],
                    strict=True,
                )
            )
            pos += size
            mentions = tuple(AspectMention(k, c.label, c.text) for c in analysed for k in c.aspects)
            label, p_positive, opinion = readings[i]
            out.append(TextAnalysis(label, p_positive, opinion, mentions, analysed, self.version))
        return out


@functools.cache
def _keys_of(bits: int) -> tuple[str, ...]:
    """The aspect keys whose bits are set (bit k: ASPECT_KEYS[k]), in taxonomy order."""
    return tuple(key for k, key in enumerate(ASPECT_KEYS) if bits >> k & 1)


_analyzers: dict[Path, TextAnalyzer] = {}
_analyzers_lock = threading.Lock()


def model_name(version: str) -> str:
    """A model version without the digest `TextAnalyzer.load` adds (sentiment-zh-v2)."""
    return version.partition("+")[0]


def get_analyzer(path: Path | None = None) -> TextAnalyzer:
    """The analyser in `path` (default models/sentiment-zh-v2.npz), loaded once per process."""
    key = path or DEFAULT_ANALYZER_PATH
    analyzer = _analyzers.get(key)
    if analyzer is None:
        with _analyzers_lock:
            analyzer = _analyzers.get(key)
            if analyzer is None:
                analyzer = _analyzers[key] = TextAnalyzer.load(key)
    return analyzer
