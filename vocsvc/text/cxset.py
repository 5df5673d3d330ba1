"""The project's own CX evaluation set (`data/cx/*.jsonl`) and its frozen split (pure).

The split is stratified by (setting, label) and decided by a stable hash of the normalised text:
within each stratum, texts are ordered by their SHA-256 and dealt out in a fixed 20-slot pattern
(12 train, 3 dev, 5 test). Identical texts (无, 没有, ...) form one group and land in one split,
whatever setting wrote them (the stratum of the lowest id), so no text is in two splits.
`python -m vocsvc.text.cxset` rewrites `data/cx/split.json` after the set changes (the test
split's content hash is frozen in tests/text/test_cxset.py).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vocsvc.text.aspects import ASPECT_KEYS
from vocsvc.text.features import normalize

CX_DIR = Path(__file__).resolve().parents[2] / "data" / "cx"
SPLIT_FILE = CX_DIR / "split.json"
# Records written after the split was frozen go here and only ever to train: dealing them out by
# hash would move test records (and the test split is frozen), and a text already in dev or test
# is refused (tests/text/test_cxset.py).
TRAIN_ONLY_DIR_NAME = "train_only"
# A second annotator's labels of dev comments (GUIDE.md): they measure the labels' consistency
# and are never trained or tuned on.
AGREEMENT_DIR_NAME = "agreement"
Split = Literal["train", "dev", "test"]
SPLITS: tuple[Split, ...] = ("train", "dev", "test")
# 12 train, 3 dev, 5 test out of 20 (60/15/25), interleaved so small strata get some of each.
_TRAIN: Split = "train"
_DEV: Split = "dev"
_TEST: Split = "test"
_PATTERN: tuple[Split, ...] = (
    *(_TRAIN, _TRAIN, _TEST, _DEV, _TRAIN, _TRAIN, _TEST, _TRAIN, _TRAIN, _DEV),
    *(_TEST, _TRAIN, _TRAIN, _TRAIN, _TEST, _DEV, _TRAIN, _TEST, _TRAIN, _TRAIN),
)


@dataclass(frozen=True)
class AspectLabel:
    """One labelled aspect mention: taxonomy key, polarity, and the substring that expresses it."""

    aspect: str
    polarity: str
    span: str


@dataclass(frozen=True)
class CxRecord:
    """One labelled comment of the CX set."""

    id: str
    setting: str
    text: str
    label: str
    opinion: bool
    aspects: tuple[AspectLabel, ...]
    tags: tuple[str, ...]

    def pairs(self) -> set[tuple[str, str]]:
        """(aspect, polarity) pairs of this comment (a set: repeats count once)."""
        return {(a.aspect, a.polarity) for a in self.aspects}


def _record(obj: dict[str, object]) -> CxRecord:
    aspects = obj.get("aspects") or []
    tags = obj.get("tags") or []
    assert isinstance(aspects, list) and isinstance(tags, list)
    return CxRecord(
        id=str(obj["id"]),
        setting=str(obj["setting"]),
        text=str(obj["text"]),
        label=str(obj["label"]),
        opinion=bool(obj["opinion"]),
        aspects=tuple(
            AspectLabel(str(a["aspect"]), str(a["polarity"]), str(a.get("span", "")))
            for a in aspects
        ),
        tags=tuple(str(t) for t in tags),
    )


def load_records(cx_dir: Path = CX_DIR) -> list[CxRecord]:
    """Every record of every `<setting>.jsonl`, files in name order, lines in file order."""
    out: list[CxRecord] = []
    for path in sorted(cx_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            out += [_record(json.loads(line)) for line in f if line.strip()]
    return out


def load_train_only(cx_dir: Path = CX_DIR) -> list[CxRecord]:
    """The records of `train_only/*.jsonl`: training data outside the frozen split."""
    return load_records(cx_dir / TRAIN_ONLY_DIR_NAME)


def text_key(text: str) -> str:
    """What makes two comments the same comment: normalised text without whitespace."""
    return "".join(normalize(text).split())


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def load_second_annotation(cx_dir: Path = CX_DIR) -> list[CxRecord]:
    """The second annotator's records (`agreement/*.jsonl`): dev comments labelled again."""
    return load_records(cx_dir / AGREEMENT_DIR_NAME)


def make_split(records: Sequence[CxRecord]) -> dict[Split, list[str]]:
    """Record ids per split (each list sorted), stratified by (setting, label) by text hash."""
    groups: dict[str, list[CxRecord]] = defaultdict(list)
    for r in records:
        groups[text_key(r.text)].append(r)
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, members in groups.items():
        first = min(members, key=lambda r: r.id)  # a text written in several settings: lowest id
        strata[(first.setting, first.label)].append(key)
    out: dict[Split, list[str]] = {s: [] for s in SPLITS}
    for stratum in sorted(strata):
        for i, key in enumerate(sorted(strata[stratum], key=_hash)):
            out[_PATTERN[i % len(_PATTERN)]] += [r.id for r in groups[key]]
    return {s: sorted(ids) for s, ids in out.items()}


def content_hash(records: Iterable[CxRecord]) -> str:
    """SHA-256 over the records' full content in id order: any change to one changes it."""
    canonical = [
        [
            r.id,
            r.setting,
            r.text,
            r.label,
            r.opinion,
            [[a.aspect, a.polarity, a.span] for a in r.aspects],
        ]
        for r in sorted(records, key=lambda r: r.id)
    ]
    return _hash(json.dumps(canonical, ensure_ascii=False, separators=(",", ":")))


def read_split(path: Path = SPLIT_FILE) -> dict[Split, list[str]]:
    """The committed split."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {s: list(raw[s]) for s in SPLITS}


def records_in(split: Split, cx_dir: Path = CX_DIR) -> list[CxRecord]:
    """Records of one committed split, in load order; train also has the train-only records."""
    ids = set(read_split(cx_dir / SPLIT_FILE.name)[split])
    extra = load_train_only(cx_dir) if split == "train" else []
    return [r for r in load_records(cx_dir) if r.id in ids] + extra


def write_split(cx_dir: Path = CX_DIR) -> dict[Split, list[str]]:
    """Compute the split of the current set and write it to split.json."""
    split = make_split(load_records(cx_dir))
    (cx_dir / SPLIT_FILE.name).write_text(
        json.dumps(split, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return split


LABELS = ("negative", "neutral", "positive")


def guide_problems(r: CxRecord) -> list[str]:
    """What in one record breaks the labelling guide (data/cx/GUIDE.md)."""
    out = []
    if r.label not in LABELS:
        out.append(f"label {r.label!r}")
    if not r.opinion and (r.label != "neutral" or r.aspects):
        out.append("opinion false needs label neutral and no aspects")
    for a in r.aspects:
        if a.aspect not in ASPECT_KEYS:
            out.append(f"aspect {a.aspect!r} is not in the taxonomy")
        if a.polarity not in LABELS:
            out.append(f"polarity {a.polarity!r}")
        if not a.span or a.span not in r.text:
            out.append(f"span {a.span!r} is not in the text")
    return out


def train_only_problems(cx_dir: Path = CX_DIR) -> list[str]:
    """Train-only records that break the guide, reuse an id, or repeat a text of the set."""
    frozen = load_records(cx_dir)
    split = read_split(cx_dir / SPLIT_FILE.name)
    held_out = {r.id for r in frozen} & set(split["dev"] + split["test"])
    held_out_keys = {text_key(r.text) for r in frozen if r.id in held_out}
    seen_ids = {r.id for r in frozen}
    seen_keys = {text_key(r.text) for r in frozen}
    out = []
    for r in load_train_only(cx_dir):
        problems = guide_problems(r)
        key = text_key(r.text)
        if r.id in seen_ids:
            problems.append("id already used")
        if key in held_out_keys:
            problems.append("text is in the dev or test split")
        elif key in seen_keys:
            problems.append("text already in the set")
        seen_ids.add(r.id)
        seen_keys.add(key)
        out += [f"{r.id}: {p}" for p in problems]
    return out


def main(argv: Sequence[str]) -> int:
    """`python -m vocsvc.text.cxset [DIR]` rewrites split.json; `... check [DIR]` checks the
    train-only records."""
    if argv[:1] == ["check"]:
        cx_dir = Path(argv[1]) if len(argv) > 1 else CX_DIR
        problems = train_only_problems(cx_dir)
        print("\n".join(problems) or f"ok: {len(load_train_only(cx_dir))} train-only records")
        return 1 if problems else 0
    written = write_split(Path(argv[0]) if argv else CX_DIR)
    print(" ".join(f"{s}={len(ids)}" for s, ids in written.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
