"""The text commands as run from the main `vocsvc` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from vocsvc.cli import build_parser, main
from vocsvc.text.analysis import TextAnalyzer
from vocsvc.text.sentiment import SentimentModel


def test_every_text_command_has_a_handler() -> None:
    parser = build_parser()
    for argv in (["text", "train"], ["text", "analyze"], ["text", "rescore"], ["sentiment"]):
        assert callable(parser.parse_args(argv).handler)
    assert parser.parse_args(["text", "rescore", "--only-missing"]).only_missing is True


def _tiny_reviews(tmp_path: Path) -> Path:
    (tmp_path / "ChnSentiCorp_htl_all.csv").write_text(
        "label,review\n1,房间很好很干净\n0,房间太吵太脏\n1,早餐很干净\n0,走廊太吵\n",
        encoding="utf-8",
    )
    (tmp_path / "online_shopping_8_cats.csv").write_text(
        "cat,label,review\n手机,1,手机很好用\n手机,0,手机太卡了\n", encoding="utf-8"
    )
    return tmp_path


def test_train_v1_command_writes_a_loadable_model(tmp_path: Path) -> None:
    _tiny_reviews(tmp_path)
    out = tmp_path / "model.npz"
    assert main(["text", "train", "--v1", "--data-dir", str(tmp_path), "--out", str(out)]) == 0
    model = SentimentModel.load(out)
    good, bad = model.predict_proba(["很干净", "太吵了"])
    assert good > 0.5 > bad
    assert np.isfinite(model.weights).all()


def _tiny_aspect_data(root: Path) -> Path:
    root.mkdir()
    labels = ",".join(f"{k}_{-2}" for k in range(15)) + ",15_1,16_-2,17_-2,18_1,19_-2"
    bad = ",".join(f"{k}_{-2}" for k in range(15)) + ",15_-1,16_-2,17_-2,18_-1,19_-2"
    (root / "aic2018_fsauor_1000.tsv").write_text(
        f"{labels}\t菜很好吃，下次还来\n{bad}\t菜太难吃了，很失望\n", encoding="utf-8"
    )
    header = "index,reviewbody,star," + ",".join(f"a{k}" for k in range(18))
    row = ",".join(["-2"] * 15 + ["1", "-2", "-2"])
    for name in ("asap_train_sample.csv", "asap_dev_sample.csv"):
        (root / name).write_text(f"\ufeff{header}\n1,味道不错,5,{row}\n", encoding="utf-8")
    return root


def _tiny_cx_set(root: Path) -> Path:
    root.mkdir()
    rows = [
        ("s-1", "客服很专业", "positive", [("professionalism", "positive", "客服很专业")]),
        ("s-2", "排队太久了", "negative", [("waiting", "negative", "排队太久了")]),
        ("s-3", "一般", "neutral", []),
        ("s-4", "快递很快", "positive", [("delivery", "positive", "快递很快")]),
    ]
    lines = [
        json.dumps(
            {
                "id": i,
                "setting": "s",
                "text": text,
                "label": label,
                "opinion": True,
                "aspects": [{"aspect": a, "polarity": p, "span": s} for a, p, s in aspects],
                "tags": [],
            },
            ensure_ascii=False,
        )
        for i, text, label, aspects in rows
    ]
    (root / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    split = {"train": ["s-1", "s-2", "s-3"], "dev": ["s-4"], "test": []}
    (root / "split.json").write_text(json.dumps(split), encoding="utf-8")
    return root


def test_train_command_writes_a_loadable_analyzer(tmp_path: Path) -> None:
    reviews = _tiny_reviews(tmp_path)
    aspects, cx = _tiny_aspect_data(tmp_path / "aspects"), _tiny_cx_set(tmp_path / "cx")
    out = tmp_path / "v2.npz"
    args = ["--data-dir", str(reviews), "--aspect-dir", str(aspects), "--cx-dir", str(cx)]
    assert main(["text", "train", *args, "--out", str(out)]) == 0
    analyzer = TextAnalyzer.load(out)
    assert analyzer.version.startswith("sentiment-zh-v2+")  # the name and a digest of the file
    good, bad = analyzer.analyze(["房间很干净", "房间太吵了"])
    assert good.p_positive > 0.5 > bad.p_positive


def test_sentiment_command_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stdin = tmp_path / "in.txt"
    stdin.write_bytes("很好\n\n太差了\n".encode())
    with stdin.open("rb") as f:
        monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": f})())
        assert main(["sentiment"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and float(lines[0]) > 0.6 > 0.4 > float(lines[2])
