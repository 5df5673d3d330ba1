"""Long fuzzing run: schemathesis against every operation of our OpenAPI schema, no 5xx allowed.

    .venv/bin/python bench/fuzz.py [--examples 300] [--db sqlite|postgresql|both] [--pg URL]
        [--seed N]

Runs tests/security/test_fuzz.py (the in-process app on its own fresh database, an admin key,
positive and negative cases) with many more, randomised, examples than `make test` does, and
prints per operation what failed, with a curl line to reproduce it. Bounded by --examples; it
stops by itself.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

from vocsvc.config import REPO_ROOT

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def run(kind: str, options: argparse.Namespace) -> bool:
    env = {
        **os.environ,
        "VOCSVC_FUZZ_EXAMPLES": str(options.examples),
        "VOCSVC_FUZZ_RANDOM": "1",
        "VOCSVC_FUZZ_DATABASE_URL": "sqlite" if kind == "sqlite" else options.pg,
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=short",
               "tests/security/test_fuzz.py"]  # fmt: skip
    if options.seed is not None:
        command.append(f"--hypothesis-seed={options.seed}")
    print(f"== {kind}: {options.examples} examples per operation ==", flush=True)
    started = time.monotonic()
    result = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True,
                            check=False)  # fmt: skip
    output = result.stdout + result.stderr
    failed = re.findall(r"^FAILED .*?\[(.*?)\]", output, flags=re.MULTILINE)
    reproductions = sorted(set(re.findall(r"^\s*E?\s*(curl -X .*)$", output, re.MULTILINE)))
    summary = re.findall(r"^=*\s*(\d+ (?:passed|failed).*?)\s*=*$", output, re.MULTILINE)
    print(f"  {summary[-1] if summary else 'no summary (see below)'}"
          f" in {time.monotonic() - started:.0f} s")  # fmt: skip
    for operation in failed:
        print(f"  5xx or error: {operation.replace('-', ' ', 1)}")
    for line in reproductions:
        print(f"    {line}")
    if result.returncode not in (0, 1):
        print(output[-3000:])
    return result.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300, help="per operation")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg", default=os.environ.get("VOCSVC_BENCH_PG", PG_DEFAULT))
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed, to repeat a run")
    options = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if options.db == "both" else [options.db]
    results = [run(kind, options) for kind in kinds]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
