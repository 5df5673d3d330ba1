"""The CX evaluation set and its frozen split."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from vocsvc.text.aspects import ASPECT_KEYS
from vocsvc.text.cxset import (
    CX_DIR,
    SPLITS,
    CxRecord,
    content_hash,
    guide_problems,
    load_records,
    load_second_annotation,
    load_train_only,
    make_split,
    read_split,
    records_in,
    text_key,
    train_only_problems,
)
from vocsvc.text.evaluate import agreement

# sha256 of the test split's records (cxset.content_hash). Frozen: editing, adding or removing a
# test record fails this test. Change it only together with a new model card.
TEST_SPLIT_SHA256 = "bfb4401d2e6258b846c62fb4923fcfff4ffdecfd4436df11bddec8e499b08afb"


@pytest.fixture(scope="module")
def records() -> list[CxRecord]:
    return load_records()


def test_records_follow_the_labelling_guide(records: list[CxRecord]) -> None:
    assert len(records) >= 2000
    assert len({r.id for r in records}) == len(records)
    assert len({r.setting for r in records}) >= 8
    for r in records:
        assert r.label in ("negative", "neutral", "positive"), r.id
        assert r.opinion or r.label == "neutral", r.id
        for a in r.aspects:
            assert a.aspect in ASPECT_KEYS, r.id
            assert a.polarity in ("negative", "neutral", "positive"), r.id
            assert a.span in r.text, r.id


def test_split_is_disjoint_covers_every_record_and_is_the_committed_one(
    records: list[CxRecord],
) -> None:
    committed = read_split()
    assert committed == make_split(records)
    ids = [i for s in SPLITS for i in committed[s]]
    assert len(ids) == len(set(ids))  # disjoint
    assert set(ids) == {r.id for r in records}  # covers all
    by_id = {r.id: r for r in records}
    keys = {s: {text_key(by_id[i].text) for i in committed[s]} for s in SPLITS}
    assert not keys["train"] & keys["test"] and not keys["dev"] & keys["test"]
    assert not keys["train"] & keys["dev"]  # the same text is never in two splits


def test_split_is_stratified_by_setting_and_label(records: list[CxRecord]) -> None:
    split = read_split()
    share = {s: len(ids) / len(records) for s, ids in split.items()}
    assert share["train"] == pytest.approx(0.60, abs=0.03)
    assert share["dev"] == pytest.approx(0.15, abs=0.03)
    assert share["test"] == pytest.approx(0.25, abs=0.03)
    test_ids = set(split["test"])
    strata = Counter((r.setting, r.label) for r in records)
    in_test = Counter((r.setting, r.label) for r in records if r.id in test_ids)
    for stratum, n in strata.items():
        if n >= 20:
            assert in_test[stratum] / n == pytest.approx(0.25, abs=0.1), stratum


def test_test_split_is_frozen(records: list[CxRecord]) -> None:
    test_ids = set(read_split()["test"])
    assert content_hash(r for r in records if r.id in test_ids) == TEST_SPLIT_SHA256


def test_split_does_not_depend_on_record_order(records: list[CxRecord]) -> None:
    assert make_split(records[::-1]) == make_split(records)


def test_train_only_records_follow_the_guide_and_repeat_no_text_of_the_set() -> None:
    assert load_train_only(), "the train-only records are part of the training data"
    assert train_only_problems() == []


def test_train_only_records_are_trained_on_and_never_evaluated_on() -> None:
    extra = {r.id for r in load_train_only()}
    assert extra <= {r.id for r in records_in("train")}
    assert not extra & {r.id for s in ("dev", "test") for r in records_in(s)}
    assert not extra & {i for s in SPLITS for i in read_split()[s]}  # outside the frozen split


def test_the_check_refuses_a_train_only_text_that_is_held_out(tmp_path: Path) -> None:
    (tmp_path / "train_only").mkdir()
    for name in ("split.json", "hotline.jsonl"):
        (tmp_path / name).write_bytes((CX_DIR / name).read_bytes())
    held_out = next(r for r in load_records(tmp_path) if r.id in read_split()["test"])
    record = {
        "id": "x-hotline-0001",
        "setting": "hotline",
        "text": f" {held_out.text} ",  # the same comment once normalised
        "label": "positive",
        "opinion": False,
        "aspects": [{"aspect": "speed", "polarity": "good", "span": "不在文中"}],
        "tags": [],
    }
    (tmp_path / "train_only" / "x.jsonl").write_text(
        json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    problems = train_only_problems(tmp_path)
    assert problems == [
        "x-hotline-0001: opinion false needs label neutral and no aspects",
        "x-hotline-0001: polarity 'good'",
        "x-hotline-0001: span '不在文中' is not in the text",
        "x-hotline-0001: text is in the dev or test split",
    ]


def test_the_second_annotation_relabels_dev_comments_by_the_guide() -> None:
    dev = {r.id: r for r in records_in("dev")}
    second = load_second_annotation()
    assert len(second) >= 200 and len({s.id for s in second}) == len(second)
    for s in second:
        assert s.id in dev and s.text == dev[s.id].text and s.setting == dev[s.id].setting
        assert guide_problems(s) == []


def test_agreement_scores_the_second_annotator_against_the_set() -> None:
    dev = records_in("dev")
    labelled = [r for r in dev if r.aspects][:20]
    same = agreement(dev, labelled)
    assert same.pairs.f1 == same.aspects.f1 == same.f1["macro"] == same.opinion_agreement == 1.0
    # the second annotator reads the first comment's aspects with the other polarity
    first = labelled[0]
    flipped = tuple(
        replace(a, polarity="negative" if a.polarity == "positive" else "positive")
        for a in first.aspects
    )
    other = agreement(dev, [replace(first, aspects=flipped), *labelled[1:]])
    assert other.aspects.f1 == 1.0 and other.pairs.f1 < 1.0
    n_gold = sum(len(r.pairs()) for r in labelled)
    assert other.pairs.gold == n_gold
