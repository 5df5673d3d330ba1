"""The v1 sentiment model, the backends, the AUC helper and a tiny training run."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from vocsvc.text.analysis import get_analyzer
from vocsvc.text.cli import score_stream
from vocsvc.text.features import FeatureConfig
from vocsvc.text.sentiment import (
    DEFAULT_MODEL_PATH,
    V1_MODEL_PATH,
    AnalyzerBackend,
    OwnModelBackend,
    SentimentModel,
    SentimentScore,
    SnowNLPBackend,
    get_backend,
    label_for,
)
from vocsvc.text.train import load_corpora, roc_auc, train


@pytest.fixture(scope="module")
def model() -> SentimentModel:
    return SentimentModel.load(V1_MODEL_PATH)


def p(model: SentimentModel, text: str) -> float:
    return float(model.predict_proba([text])[0])


def test_model_file_loads_with_version_and_thresholds(model: SentimentModel) -> None:
    assert model.version == "sentiment-zh-v1"
    assert model.weights.shape == (1 << model.config.n_bits,)
    assert np.count_nonzero(model.weights) > 100_000
    assert model.thresholds == (0.4, 0.6)
    assert V1_MODEL_PATH.stat().st_size < 4_500_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("服务态度很好，房间干净，下次还来", "positive"),
        ("质量很好，物流很快，非常满意", "positive"),
        ("太差了，再也不买了", "negative"),
        ("客服态度恶劣，等了三天都没人管", "negative"),
    ],
)
def test_clear_comments_get_the_right_label(
    model: SentimentModel, text: str, expected: str
) -> None:
    assert model.label(p(model, text)) == expected


def test_emoji_only_comments_get_their_emoji_meaning(model: SentimentModel) -> None:
    for positive in ("👍👍👍", "😊", "❤️"):
        assert model.label(p(model, positive)) == "positive", positive
    for negative in ("👎", "😡", "😭😭"):
        assert model.label(p(model, negative)) == "negative", negative
    assert p(model, "等了半小时😡") < p(model, "等了半小时")


def test_negation(model: SentimentModel) -> None:
    assert p(model, "不太满意") < p(model, "满意")
    assert p(model, "不太满意") < 0.5 < p(model, "满意")
    assert p(model, "并不差") > p(model, "差")
    assert p(model, "没有问题") > p(model, "有问题")
    assert p(model, "没有问题") > 0.5


@pytest.mark.parametrize(
    ("negative", "positive"),
    [
        ("贵", "不贵"),
        ("很卡", "不卡"),
        ("有问题", "没问题"),
        ("不推荐", "推荐"),
        ("质量不好", "质量好"),
    ],
)
def test_negation_flips_the_label_side(model: SentimentModel, negative: str, positive: str) -> None:
    # The negator word is no evidence of its own: the negated words decide, in both directions.
    assert p(model, negative) < 0.5 < p(model, positive)


def test_contrast_the_clause_after_the_contrast_word_decides(model: SentimentModel) -> None:
    assert model.label(p(model, "虽然环境不错，但是服务很差")) == "negative"
    assert model.label(p(model, "虽然价格有点贵，但是服务非常好")) == "positive"


def test_empty_text_gets_the_prior_and_neutral(model: SentimentModel) -> None:
    for text in ("", "   "):
        prob = p(model, text)
        assert prob == pytest.approx(model.prior)
        assert 0.4 <= prob < 0.6
        assert model.label(prob) == "neutral"
    scores = OwnModelBackend(model).score([""])
    assert scores == [SentimentScore(model.prior, "neutral", "sentiment-zh-v1")]


def test_batch_preserves_order_and_matches_single_scoring(model: SentimentModel) -> None:
    texts = ["很好", "", "太差了", "不太满意", "一般般吧", "物流快"]
    batch = model.predict_proba(texts)
    single = [p(model, t) for t in texts]
    assert np.allclose(batch, single)
    assert np.allclose(model.predict_proba(texts[::-1]), batch[::-1])
    assert batch[0] > 0.6 > 0.4 > batch[2]


def test_label_thresholds() -> None:
    assert [label_for(x) for x in (0.0, 0.399, 0.4, 0.599, 0.6, 1.0)] == [
        "negative",
        "negative",
        "neutral",
        "neutral",
        "positive",
        "positive",
    ]


def test_get_backend_caches_and_rejects_unknown_names() -> None:
    assert get_backend("own") is get_backend("own", DEFAULT_MODEL_PATH)
    assert isinstance(get_backend("own"), AnalyzerBackend)
    assert isinstance(get_backend("own", V1_MODEL_PATH), OwnModelBackend)
    with pytest.raises(ValueError, match="unknown sentiment backend"):
        get_backend("bert")


def test_own_backend_is_the_v2_analyser_three_classes_and_p_positive() -> None:
    texts = ["热线客服说话很专业", "一般", "", "排队排了一个小时，太慢了"]
    scores = get_backend("own").score(texts)
    analyses = get_analyzer().analyze(texts)
    assert [s.label for s in scores] == [a.label for a in analyses]
    assert [s.probability for s in scores] == [a.p_positive for a in analyses]
    assert [s.label for s in scores] == ["positive", "neutral", "neutral", "negative"]
    assert {s.model_version for s in scores} == {get_analyzer().version}
    assert get_analyzer().version.startswith("sentiment-zh-v2+")
    probs = get_backend("own").predict_proba(texts)
    assert probs.tolist() == [s.probability for s in scores]


def test_snownlp_backend_scores_empty_text_and_reports_its_version() -> None:
    snow = SnowNLPBackend()
    assert snow.version.startswith("snownlp-0.")
    probs = snow.predict_proba(["", "非常好，很满意"])
    assert probs[0] == 0.5
    assert probs[1] > 0.6


def test_cli_prints_one_probability_per_line_including_empty_lines() -> None:
    stdin = io.BytesIO("\ufeff很好\n\n太差了\r\n".encode())
    out = io.StringIO()
    assert score_stream(stdin, out, "own") == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    good, empty, bad = (float(x) for x in lines)
    assert good > 0.6 > empty > 0.4 > bad


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_roc_auc_equals_mann_whitney_u_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 300)
    scores = np.round(rng.normal(size=300) + y, 1)  # rounding creates many ties
    u = mannwhitneyu(scores[y == 1], scores[y == 0]).statistic
    assert roc_auc(y, scores) == pytest.approx(u / ((y == 1).sum() * (y == 0).sum()))
    assert roc_auc([0, 1], [0.5, 0.5]) == 0.5
    assert roc_auc([0, 0, 1], [0.1, 0.2, 0.3]) == 1.0
    with pytest.raises(ValueError, match="positive and one negative"):
        roc_auc([1, 1], [0.1, 0.2])


def _synthetic(n: int, rng: random.Random) -> list[tuple[str, str, int]]:
    good, bad, filler = (
        ["好", "棒", "赞", "喜欢"],
        ["差", "烂", "坑", "失望"],
        ["这个", "东西", "的"],
    )
    out = []
    for _ in range(n):
        label = rng.random() < 0.5
        words = rng.sample(good if label else bad, 2) + rng.sample(filler, 2)
        rng.shuffle(words)
        out.append((rng.choice(["a", "b"]), "".join(words), int(label)))
    return out


def test_training_on_a_tiny_synthetic_set_learns_and_round_trips(tmp_path: Path) -> None:
    rng = random.Random(0)
    config = FeatureConfig(n_bits=12, words=False)
    model = train(_synthetic(300, rng), config=config, version="tiny", l2=1e-3, max_iter=100)
    test = _synthetic(200, rng)
    probs = model.predict_proba([t for _, t, _ in test])
    assert roc_auc([y for *_, y in test], probs) > 0.99
    model.save(tmp_path / "m.npz")
    loaded = SentimentModel.load(tmp_path / "m.npz")
    assert loaded.version == "tiny"
    assert loaded.config == config
    assert np.allclose(
        loaded.predict_proba(["很好", ""]), model.predict_proba(["很好", ""]), atol=1e-3
    )


def test_load_corpora_domains_and_dedup(tmp_path: Path) -> None:
    (tmp_path / "ChnSentiCorp_htl_all.csv").write_text(
        "\ufefflabel,review\n1,房间很好\n0,\n0,太吵\n", encoding="utf-8"
    )
    (tmp_path / "online_shopping_8_cats.csv").write_text(
        'cat,label,review\n酒店,1,房间很好\n手机,0,"卡,\n顿"\n书籍,1,好书\n', encoding="utf-8"
    )
    assert load_corpora(tmp_path) == [
        ("hotel", "房间很好", 1),
        ("hotel", "太吵", 0),
        ("手机", "卡,\n顿", 0),
        ("书籍", "好书", 1),
    ]
