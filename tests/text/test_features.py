"""Feature extraction: normalisation, negation/contrast scopes, stable vectorised hashing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from vocsvc.text.features import (
    FeatureConfig,
    FeatureHasher,
    HashedBatch,
    _by_text_then_hash,
    _Features,
    extract,
    fnv1a,
    is_negator,
    normalize,
    scopes,
    transform_leading,
)

CONFIG = FeatureConfig(n_bits=18)
ROOT = Path(__file__).resolve().parents[2]


def test_normalize_width_case_and_space() -> None:
    assert normalize("  ＡＢＣ，好！\u3000Ｏｋ  \t") == "abc,好! ok"
    assert normalize("") == ""


def test_common_emoji_read_as_words_and_modifiers_dropped() -> None:
    # 👍🏻 carries a skin-tone modifier, ❤️ a variation selector: neither may change the reading.
    assert normalize("很好👍🏻👍 ❤️") == "很好赞赞 喜欢"
    assert normalize("等了半小时😡😭") == "等了半小时生气失望"
    assert normalize("🦄") == "🦄"  # unknown emoji stay as they are


def test_negated_words_replace_their_plain_features() -> None:
    feats = set(extract("不太满意", CONFIG))
    assert {"NEG_满意", "NEG_满", "NEG_意", "NEG_太满意", "NEG_不太满"} <= feats
    assert not {"满意", "太满意"} & feats  # an n-gram touching the scope is negated
    assert "NEG_差" in extract("并不差", CONFIG)
    assert "差" not in extract("并不差", CONFIG)
    assert "NEG_问题" in extract("没有问题", CONFIG)


def test_negator_words_are_not_features_of_their_own() -> None:
    # 没 / 没有 are negative evidence in reviews; as features they outweighed NEG_问题.
    feats = set(extract("没有问题", CONFIG))
    assert feats == {"NEG_没有问", "NEG_有问", "NEG_有问题", "NEG_问", "NEG_问题", "NEG_题"}
    assert not {"不", "不太", "太"} & set(extract("不太满意", CONFIG))
    with_negators = FeatureConfig(n_bits=18, negator_weight=1.0)
    assert set(extract("没有问题", with_negators)) - feats == {"NOT_没", "NOT_有", "NOT_没有"}
    assert {"NOT_不", "AFTER_NOT_不", "是不"} <= set(extract("房间小,但是不好", with_negators))
    assert not is_negator("NEG_问题") and is_negator("AFTER_NOT_不")


def test_conceded_clause_only_gives_conc_copies() -> None:
    feats = set(extract("虽然环境不错，但是服务很差", CONFIG))
    assert {"CONC_环境", "CONC_不错", "AFTER_很差", "很差", "虽然"} <= feats
    assert not {"环境", "不错", "NEG_错"} & feats


def test_negation_scope_ends_at_punctuation_and_after_a_few_characters() -> None:
    feats = set(extract("不好，服务态度非常热情", CONFIG))
    assert {"NEG_好", "服务", "态度"} <= feats
    assert not {"NEG_服", "NEG_服务", "NEG_态度"} & feats
    t = normalize("没有这个房间的问题")
    assert scopes(t, 4) == [("NOT_", 0, 2), ("NEG_", 2, 6)]


@pytest.mark.parametrize(
    "text", ["特别好吃", "没想到这么好吃", "不仅贵还难吃", "别的都好", "无论如何都差"]
)
def test_a_word_that_holds_a_negator_negates_nothing(text: str) -> None:
    words = FeatureConfig(n_bits=18, negation_words=True)
    assert not [s for s in scopes(normalize(text), 8, True) if s[0] in ("NEG_", "NOT_")]
    assert not any(f.startswith("NEG_") for f in extract(text, words))
    # v1 was trained with the older scopes, which it keeps
    assert any(f.startswith("NEG_") for f in extract(text, CONFIG))


def test_a_negator_after_such_a_word_still_negates() -> None:
    t = normalize("没想到不好吃")
    assert scopes(t, 8, True) == [("NOT_", 3, 4), ("NEG_", 4, 6)]
    assert scopes(normalize("不好吃"), 8, True) == scopes(normalize("不好吃"), 8)


def test_contrast_marks_the_clause_after_it_until_the_sentence_ends() -> None:
    t = normalize("虽然环境不错，但是服务很差。房间大")
    after = [(a, b) for p, a, b in scopes(t, 4) if p == "AFTER_"]
    assert [t[a:b] for a, b in after] == ["服务很差"]
    feats = set(extract("环境不错，但是服务很差", CONFIG))
    assert {"AFTER_很差", "AFTER_服务", "服务", "环境"} <= feats
    assert not any(f.startswith("AFTER_") and "环境" in f for f in feats)
    assert "AFTER_NEG_好" in extract("房间小,但是不好", CONFIG)


def test_fnv1a_matches_the_published_test_vector() -> None:
    # FNV-1a 64 of "a"; for ASCII one code point is one byte, so it must equal the byte version.
    assert fnv1a("a") == 0xAF63DC4C8601EC8C
    assert fnv1a("") == 0xCBF29CE484222325


@pytest.mark.parametrize("negator_weight", [0.0, 0.3, 1.0])
@pytest.mark.parametrize(
    "text",
    [
        "虽然价格有点贵，但是服务非常好!",
        "不太满意",
        "",
        "OK 好",
        "没有问题。就是慢",
        "好",
        "好不,不不",
    ],
)
@pytest.mark.parametrize("alone", [False, True])
def test_vectorised_hashing_equals_hashing_each_feature_string(
    text: str, negator_weight: float, alone: bool
) -> None:
    config = FeatureConfig(n_bits=18, negator_weight=negator_weight)
    hasher = FeatureHasher(config)
    # Neighbours must not leak n-grams across texts; alone, the batch has only the text's own
    # scopes (a prefix no text of the batch needs is skipped).
    batch = hasher.transform([text] if alone else ["垫", text, "填充"])
    row = 0 if alone else 1
    got: dict[int, float] = {}
    for j in range(batch.indptr[row], batch.indptr[row + 1]):
        got[int(batch.indices[j])] = got.get(int(batch.indices[j]), 0.0) + float(batch.values[j])
    expected: dict[int, float] = {}
    feats = set(extract(text, config))
    for f in feats:
        bucket, sign = hasher.bucket(fnv1a(f))
        value = sign * (negator_weight if is_negator(f) else 1.0) / np.sqrt(len(feats))
        expected[bucket] = expected.get(bucket, 0.0) + value
    assert got.keys() == expected.keys()
    assert np.allclose([got[k] for k in sorted(got)], [expected[k] for k in sorted(got)])


@pytest.mark.parametrize("negator_weight", [0.0, 0.5])
def test_vectorised_hashing_with_jieba_words(negator_weight: float) -> None:
    config = FeatureConfig(n_bits=18, words=True, negator_weight=negator_weight)
    text = "虽然价格有点贵，但是服务并不差，没有问题"
    feats = set(extract(text, config))
    assert {"CONC_W_价格", "AFTER_W_服务", "NEG_W_问题"} <= feats
    assert ("NOT_W_没有" in feats) == bool(negator_weight)
    batch = FeatureHasher(config).transform([text])
    expected: dict[int, float] = {}
    for f in feats:
        bucket, sign = FeatureHasher(config).bucket(fnv1a(f))
        value = sign * (negator_weight if is_negator(f) else 1.0) / np.sqrt(len(feats))
        expected[bucket] = expected.get(bucket, 0.0) + value
    got: dict[int, float] = {}
    for i, v in zip(batch.indices.tolist(), batch.values.tolist(), strict=True):
        got[i] = got.get(i, 0.0) + v
    assert got.keys() == expected.keys()
    assert np.allclose([got[k] for k in sorted(got)], [expected[k] for k in sorted(got)])


def test_rows_have_unit_norm_and_empty_text_has_no_features() -> None:
    b = FeatureHasher(CONFIG).transform(["很好很好", "", "差"])
    assert list(np.diff(b.indptr)) == [len(set(extract("很好很好", CONFIG))), 0, 1]
    first = b.values[b.indptr[0] : b.indptr[1]]
    assert np.isclose(np.sum(first**2), 1.0, atol=1e-6)


def test_buckets_are_the_same_in_other_processes_whatever_pythonhashseed() -> None:
    code = (
        "from vocsvc.text.features import FeatureConfig, FeatureHasher\n"
        "b = FeatureHasher(FeatureConfig(n_bits=18, words=False)).transform(['服务很好不太满意'])\n"
        "print(b.indices.tolist(), b.values.tolist())\n"
    )
    outputs = set()
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        outputs.add(run.stdout)
    b = FeatureHasher(FeatureConfig(n_bits=18, words=False)).transform(["服务很好不太满意"])
    outputs.add(f"{b.indices.tolist()} {b.values.tolist()}\n")
    assert len(outputs) == 1


LEXICON_CONFIGS = [
    FeatureConfig(n_bits=20, lexicon=True, mask_targets=True),
    FeatureConfig(n_bits=18, lexicon=True, aspect_terms=True),
    FeatureConfig(
        n_bits=18, negator_weight=0.5, lexicon=True, aspect_terms=True, mask_targets=True
    ),
]
TEXTS = [
    "客服态度很好，但是配送太慢了",
    "虽然价格有点贵，但是服务并不差",
    "",
    "没有问题",
    "请问什么时候能退款？",
    "前台小姐姐服务特别好不贵",
    "好",
    "不不不",
]


@pytest.mark.parametrize("config", LEXICON_CONFIGS)
def test_vectorised_hashing_with_the_lexicon_equals_the_feature_strings(
    config: FeatureConfig,
) -> None:
    hasher = FeatureHasher(config)
    batch = hasher.transform(TEXTS)
    for row, text in enumerate(TEXTS):
        got: dict[int, float] = {}
        for j in range(batch.indptr[row], batch.indptr[row + 1]):
            i = int(batch.indices[j])
            got[i] = got.get(i, 0.0) + float(batch.values[j])
        # An empty text has no features (extract() still finds it says nothing: K_nothing).
        feats = set(extract(text, config)) if text else set()
        expected: dict[int, float] = {}
        for f in feats:
            bucket, sign = hasher.bucket(fnv1a(f))
            value = sign * (config.negator_weight if is_negator(f) else 1.0) / np.sqrt(len(feats))
            expected[bucket] = expected.get(bucket, 0.0) + value
        assert got.keys() == expected.keys(), text
        assert np.allclose([got[k] for k in sorted(got)], [expected[k] for k in sorted(got)])


def same_batch(a: HashedBatch, b: HashedBatch) -> bool:
    return (
        np.array_equal(a.indices, b.indices)
        and np.array_equal(a.values, b.values)
        and np.array_equal(a.indptr, b.indptr)
        and a.n_features == b.n_features
    )


@pytest.mark.parametrize("counts", [[8, 5], [5, 8], [8, 8], [0, 3]])
def test_hashing_for_several_configs_at_once_is_hashing_for_each(counts: list[int]) -> None:
    hashers = [FeatureHasher(c) for c in LEXICON_CONFIGS[:2]]
    norm = [normalize(t) for t in TEXTS]
    together = transform_leading(hashers, norm, counts)
    for h, n, batch in zip(hashers, counts, together, strict=True):
        assert same_batch(batch, h.transform(TEXTS[:n]))
    other = FeatureHasher(FeatureConfig(neg_scope=4))  # other scopes: hashed on its own
    mixed = transform_leading([hashers[0], other], norm, [8, 8])
    assert same_batch(mixed[1], other.transform(TEXTS))


def test_the_one_key_sort_is_the_two_key_sort() -> None:
    rng = np.random.default_rng(0)
    docs = np.sort(rng.integers(0, 50, 2000))[rng.permutation(2000)]
    hashes = rng.integers(0, 2**63, 2000, dtype=np.int64).astype(np.uint64) * np.uint64(2)
    hashes[::7] = hashes[3::7][: hashes[::7].size]  # repeats, within and across texts
    negators = np.zeros(2000, dtype=bool)
    features = _Features(docs.astype(np.int64), hashes, negators)
    assert np.array_equal(_by_text_then_hash(features), np.lexsort((hashes, docs)))
    # Hashes of a text that differ only in their low bits: the key cannot order them.
    close = hashes.copy()
    close[docs == 3] = np.uint64(12345) + np.arange((docs == 3).sum(), dtype=np.uint64)[::-1]
    features = _Features(docs.astype(np.int64), close, negators)
    assert np.array_equal(_by_text_then_hash(features), np.lexsort((close, docs)))
