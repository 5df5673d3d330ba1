"""Redaction quality per PII kind on the labelled set, and throughput in comments per second.

    python bench/redaction.py [--baseline OLD_REDACT_PY]

With --baseline (e.g. `git show main:vocsvc/text/redact.py > /tmp/redact_main.py`), that file's
redaction is measured too, on the same cases and texts, in alternating rounds of the same run;
the ratio is the median of the rounds' ratios. Throughput is CPU time of this process, so
other work on a shared machine slows both sides alike instead of the one that runs meanwhile.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from vocsvc.text.redact import PiiKind, Span, redact

CASES_FILE = Path(__file__).resolve().parent.parent / "tests" / "text" / "redaction_cases.py"

# Typical comments: most carry no PII at all, which is the path that must be cheapest.
PLAIN = [
    "排队太久了，收银台只开了两个，等了四十分钟",
    "客服态度很好，退款很快就到账了👍",
    "物流太慢，配送员也不打招呼就放门口",
    "iPhone 15 Pro 价格¥7999，比别家贵了200",
    "2026年11月24日下单，到现在还没发货，订单号 2023112412345678",
    "试衣间太少，导购不耐烦，再也不来了",
    "验收流程拖了三个月，付款周期太长，投标时说的响应速度完全没做到",
    "东西不错，性价比高，会员卡积分可以抵现",
]


def load_module(path: Path, name: str) -> ModuleType:
    """Import a Python file by path."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it is executed
    spec.loader.exec_module(module)
    return module


def gold_spans(text: str, pii: tuple[tuple[str, str], ...]) -> set[tuple[int, int, str]]:
    """Labelled substrings located in order."""
    spans, pos = set(), 0
    for kind, sub in pii:
        start = text.index(sub, pos)
        spans.add((start, start + len(sub), kind))
        pos = start + len(sub)
    return spans


Redact = Callable[[str], object]


def found_spans(redact_fn: Redact, text: str) -> set[tuple[int, int, str]]:
    """(start, end, kind) of what `redact_fn` masked; plain tuples, so a baseline module's own
    Span and PiiKind classes compare equal to ours."""
    spans: tuple[Span, ...] = redact_fn(text).spans  # type: ignore[attr-defined]
    return {(s.start, s.end, str(s.kind)) for s in spans}


def quality(redact_fn: Redact, cases: list[tuple[str, tuple[tuple[str, str], ...]]]) -> None:
    """Print exact-span precision and recall per kind and overall."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for text, pii in cases:
        gold = gold_spans(text, pii)
        found = found_spans(redact_fn, text)
        tp.update(s[2] for s in gold & found)
        fp.update(s[2] for s in found - gold)
        fn.update(s[2] for s in gold - found)
    print(f"{len(cases)} labelled comments, exact span + kind match")
    print(f"{'kind':<10} {'gold':>5} {'tp':>5} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>7}")
    rows = [(k.value, tp[k.value], fp[k.value], fn[k.value]) for k in PiiKind]
    rows.append(("ALL", sum(tp.values()), sum(fp.values()), sum(fn.values())))
    for name, t, f, n in rows:
        p = t / (t + f) if t + f else float("nan")
        r = t / (t + n) if t + n else float("nan")
        print(f"{name:<10} {t + n:>5} {t:>5} {f:>4} {n:>4} {p:>10.4f} {r:>7.4f}")


def _rate(redact_fn: Redact, texts: list[str], seconds: float) -> float:
    """Comments per CPU second, redacting the texts in a loop for about `seconds`."""
    n = 0
    start = time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        for t in texts:
            redact_fn(t)
        n += len(texts)
    return n / elapsed


def throughput(redactors: dict[str, Redact], texts: list[str], label: str, rounds: int = 9) -> None:
    """Median comments/s of each redactor over alternating rounds, and the ratio to the first."""
    rates: dict[str, list[float]] = {name: [] for name in redactors}
    for _ in range(rounds):
        for name, redact_fn in redactors.items():
            rates[name].append(_rate(redact_fn, texts, 0.25))
    chars = sum(map(len, texts)) / len(texts)
    line = f"{label:<34}"
    for name, values in rates.items():
        line += f" {name} {statistics.median(values):>9,.0f}/s"
    if len(rates) == 2:
        current, baseline = rates.values()
        ratio = statistics.median(c / b for c, b in zip(current, baseline, strict=True))
        line += f"  ratio {ratio:.2f}"
    print(f"{line}  (mean {chars:.0f} chars)")


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--baseline", type=Path, help="another redact.py to compare with")
    args = parser.parse_args()
    cases = load_module(CASES_FILE, "redaction_cases").CASES
    redactors: dict[str, Redact] = {"this": redact}
    if args.baseline:
        redactors["baseline"] = load_module(args.baseline, "baseline_redact").redact
    for name, redact_fn in redactors.items():
        print(f"--- {name}")
        quality(redact_fn, cases)
        print()
    throughput(redactors, PLAIN, "typical comments (little PII)")
    throughput(redactors, [c.text for c in cases], "labelled set (PII-dense)")
    throughput(redactors, [" ".join(PLAIN) * 4], "one long comment")


if __name__ == "__main__":
    main()
