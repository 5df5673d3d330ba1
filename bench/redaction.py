"""Redaction quality per PII kind on the labelled set, and throughput in comments per second."""

from __future__ import annotations

import importlib.util
import time
from collections import Counter
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


def load_cases() -> ModuleType:
    """Import the labelled set by path."""
    spec = importlib.util.spec_from_file_location("redaction_cases", CASES_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold_spans(text: str, pii: tuple[tuple[str, str], ...]) -> set[Span]:
    """Labelled substrings located in order."""
    spans, pos = set(), 0
    for kind, sub in pii:
        start = text.index(sub, pos)
        spans.add(Span(start, start + len(sub), PiiKind(kind)))
        pos = start + len(sub)
    return spans


def quality(cases: list[tuple[str, tuple[tuple[str, str], ...]]]) -> None:
    """Print exact-span precision and recall per kind and overall."""
    tp: Counter[PiiKind] = Counter()
    fp: Counter[PiiKind] = Counter()
    fn: Counter[PiiKind] = Counter()
    for text, pii in cases:
        gold = gold_spans(text, pii)
        found = set(redact(text).spans)
        tp.update(s.kind for s in gold & found)
        fp.update(s.kind for s in found - gold)
        fn.update(s.kind for s in gold - found)
    print(f"{len(cases)} labelled comments, exact span + kind match")
    print(f"{'kind':<10} {'gold':>5} {'tp':>5} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>7}")
    rows = [(k.value, tp[k], fp[k], fn[k]) for k in PiiKind]
    rows.append(("ALL", sum(tp.values()), sum(fp.values()), sum(fn.values())))
    for name, t, f, n in rows:
        p = t / (t + f) if t + f else float("nan")
        r = t / (t + n) if t + n else float("nan")
        print(f"{name:<10} {t + n:>5} {t:>5} {f:>4} {n:>4} {p:>10.4f} {r:>7.4f}")


def throughput(texts: list[str], label: str, seconds: float = 1.5) -> None:
    """Redact the texts in a loop for about `seconds` and print comments per second."""
    n = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for t in texts:
            redact(t)
        n += len(texts)
    chars = sum(map(len, texts)) / len(texts)
    print(f"{label:<34} {n / elapsed:>10,.0f} comments/s  (mean {chars:.0f} chars)")


def main() -> None:
    """Run the benchmark."""
    cases = load_cases().CASES
    quality(cases)
    print()
    throughput(PLAIN, "typical comments (little PII)")
    throughput([c.text for c in cases], "labelled set (PII-dense)")
    throughput([" ".join(PLAIN) * 4], "one long comment")


if __name__ == "__main__":
    main()
