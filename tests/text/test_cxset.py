"""The CX evaluation set and its frozen split."""

from __future__ import annotations

from collections import Counter

import pytest

from vocsvc.text.aspects import ASPECT_KEYS
from vocsvc.text.cxset import (
    SPLITS,
    CxRecord,
    content_hash,
    load_records,
    make_split,
    read_split,
    text_key,
)

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
