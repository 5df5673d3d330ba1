"""`vocsvc text train|analyze` and `vocsvc sentiment` (registered by register()).

Only text work that needs no database lives here; `text rescore` is vocsvc.sentiment's.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO, TypeAlias

_BATCH = 512  # lines scored per call: keeps memory flat and output flowing on long inputs


Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def register(subparsers: Commands) -> Commands:
    """Add the `text` and `sentiment` commands (each sets `handler(args) -> exit code`);
    returns the `text` group, for other domains' text commands."""
    text = subparsers.add_parser("text", help="Chinese text analytics")
    text_commands = text.add_subparsers(dest="text_command", required=True)
    train = text_commands.add_parser(
        "train", help="train the analyser (v2: corpora + CX train split, tuned on dev) and write it"
    )
    train.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="review corpora (default ../shared/data/sentiment)",
    )
    train.add_argument(
        "--aspect-dir", type=Path, default=None, help="aspect data (default ../shared/data/aspects)"
    )
    train.add_argument("--cx-dir", type=Path, default=None, help="CX set (default data/cx)")
    train.add_argument("--out", type=Path, default=None, help="model file (default models/...)")
    train.add_argument(
        "--v1", action="store_true", help="train the v1 binary model instead (review corpora only)"
    )
    train.set_defaults(handler=_train)
    analyze = text_commands.add_parser(
        "analyze",
        help="one JSON object per UTF-8 line on stdin: label, p_positive, opinion, aspects",
    )
    analyze.add_argument("--model", type=Path, default=None, help="analyser file (default v2)")
    analyze.set_defaults(handler=_analyze)

    sentiment = subparsers.add_parser(
        "sentiment", help="print P(positive) for each UTF-8 line on stdin, in order"
    )
    sentiment.add_argument("--backend", choices=("own", "snownlp"), default="own")
    sentiment.add_argument("--model", type=Path, default=None, help="model file for --backend own")
    sentiment.set_defaults(handler=_sentiment)
    return text_commands


def _train(args: argparse.Namespace) -> int:
    # scipy is imported only when training
    if args.v1:
        from vocsvc.text import train

        return train.run_train(args)
    from vocsvc.text import train_analyzer

    return train_analyzer.run_train(args)


def _analyze(args: argparse.Namespace) -> int:
    return analyze_stream(sys.stdin.buffer, sys.stdout, args.model)


def analyze_stream(stream: BinaryIO, out: TextIO, model: Path | None = None) -> int:
    """Write one JSON analysis per input line (empty lines included) to out, in order."""
    import json

    from vocsvc.lifetime import freeze_what_lives_forever
    from vocsvc.text.analysis import get_analyzer

    analyzer = get_analyzer(model)
    freeze_what_lives_forever()
    batch: list[str] = []

    def flush() -> None:
        results = analyzer.analyze(batch)
        out.write("".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in results))
        out.flush()
        batch.clear()

    for line in _lines(stream):
        batch.append(line)
        if len(batch) == _BATCH:
            flush()
    if batch:
        flush()
    return 0


def _lines(stream: BinaryIO) -> Iterator[str]:
    """Decoded lines without their line break; a BOM and undecodable bytes do not stop the run."""
    for i, raw in enumerate(stream):
        line = raw.decode("utf-8-sig" if i == 0 else "utf-8", errors="replace")
        yield line.rstrip("\r\n")


def _sentiment(args: argparse.Namespace) -> int:
    return score_stream(sys.stdin.buffer, sys.stdout, args.backend, args.model)


def score_stream(stream: BinaryIO, out: TextIO, backend: str, model: Path | None = None) -> int:
    """Write one probability per input line (empty lines included) to out."""
    from vocsvc.lifetime import freeze_what_lives_forever
    from vocsvc.text.sentiment import get_backend

    scorer = get_backend(backend, model)
    freeze_what_lives_forever()
    batch: list[str] = []
    for line in _lines(stream):
        batch.append(line)
        if len(batch) == _BATCH:
            _flush(scorer.predict_proba(batch), out)
            batch = []
    if batch:
        _flush(scorer.predict_proba(batch), out)
    return 0


def _flush(probabilities: Iterable[float], out: TextIO) -> None:
    out.write("".join(f"{p:.4f}\n" for p in probabilities))
    out.flush()
