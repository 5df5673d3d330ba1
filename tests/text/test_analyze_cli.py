"""`vocsvc text analyze` end to end, in a subprocess as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VOCSVC = [sys.executable, "-m", "vocsvc"]


def run(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*VOCSVC, *args], input=stdin, cwd=ROOT, capture_output=True, timeout=120, check=False
    )


def test_one_json_object_per_line_in_order_empty_lines_included() -> None:
    lines = [
        "\ufeff退货不问原因，当场就退了款",
        "",
        "排队排了一个小时😡",
        "请问几点关门？",
        "服務很好",
    ]
    done = run("\n".join(lines).encode() + b"\r\n", "text", "analyze")
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(lines)
    assert [o["label"] for o in out] == ["positive", "neutral", "negative", "neutral", "positive"]
    assert [o["opinion"] for o in out] == [True, False, True, False, True]
    for o in out:
        assert set(o) == {"label", "p_positive", "opinion", "aspects"}
        assert 0.0 <= o["p_positive"] <= 1.0
    assert {"aspect": "after_sales", "polarity": "positive"} in [
        {k: a[k] for k in ("aspect", "polarity")} for a in out[0]["aspects"]
    ]
    assert out[1] == {"label": "neutral", "p_positive": 0.5, "opinion": False, "aspects": []}
    assert "退货" in done.stdout.decode("utf-8")  # UTF-8, not \\u escapes


def test_streams_more_lines_than_one_batch_and_survives_bad_bytes() -> None:
    lines = [f"第{i}次来，服务很好".encode() for i in range(1300)] + [b"\xff\xfe bad", b"ok"]
    done = run(b"\n".join(lines) + b"\n", "text", "analyze")
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode("utf-8").splitlines()
    assert len(out) == len(lines)
    assert json.loads(out[1299])["label"] == "positive"


def test_sentiment_command_keeps_printing_one_probability_per_line() -> None:
    done = run("服务很好，非常满意\n\n太差了，再也不来了\n".encode(), "sentiment")
    assert done.returncode == 0, done.stderr.decode()
    good, empty, bad = (float(x) for x in done.stdout.decode().split())
    assert good > 0.6 > empty > 0.4 > bad


def test_the_stream_commands_freeze_what_they_loaded() -> None:
    # The collector would walk the model's objects again and again while the stream is read.
    script = (
        "import gc, io\n"
        "from vocsvc.text.cli import analyze_stream\n"
        "before = gc.get_freeze_count()\n"
        "analyze_stream(io.BytesIO('很好\\n'.encode()), io.StringIO())\n"
        "print(before, gc.get_freeze_count())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, cwd=ROOT, timeout=120
    )
    before, after = map(int, done.stdout.split())
    assert before == 0 and after > 0
