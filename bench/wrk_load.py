"""Server-bound load with wrk, for bench/ingest.py.

The httpx clients of bench/ingest.py run in one Python process, which uses about a millisecond
of CPU per request: on this 2-core machine it tops out near one core and ~1,100 requests/s,
below what a bare FastAPI endpoint serves. A rate measured that way is the load generator's,
not the server's. wrk (C, one thread here) costs a few microseconds per request, so the servers
are measured at their own limit. It posts the same kind of answers, each with its own
Idempotency-Key; afterwards the answers stored under the run's keys must number at least the
201s counted (and at most that plus the requests still in flight when wrk stopped).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = """
local bodies = {%(bodies)s}
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  prefix, sent, created = args[1], 0, 0
end
function request()
  sent = sent + 1
  local headers = {["Content-Type"] = "application/json",
                   ["Idempotency-Key"] = prefix .. "-" .. id .. "-" .. sent}
  return wrk.format("POST", nil, headers, bodies[(sent %% #bodies) + 1])
end
function response(status, headers, body)
  if status == 201 then created = created + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("created") end
  io.write(string.format("RESULT %%d %%d %%d %%.3f %%.3f\\n", summary.requests, total,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""
RESULT = re.compile(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)")


@dataclass(frozen=True)
class WrkRun:
    requests: int
    created: int  # 201 responses
    seconds: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float  # CPU of the server's processes per request
    database_cpu_ms: float  # of the PostgreSQL server's processes (0 for SQLite)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    return shutil.which("wrk")


def write_script(directory: Path, bodies: list[dict[str, object]]) -> Path:
    """A wrk Lua script posting `bodies` in turn."""
    # Lua long strings hold the UTF-8 JSON as it is (LuaJIT reads no \u escapes).
    quoted = ",".join(f"[==[{json.dumps(b, ensure_ascii=False)}]==]" for b in bodies)
    path = directory / "post_answers.lua"
    path.write_text(SCRIPT % {"bodies": quoted}, encoding="utf-8")
    return path


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of processes (all their threads) from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """The local PostgreSQL server's processes (none when it is elsewhere)."""
    found = subprocess.run(["pgrep", "-u", "postgres"], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def run_wrk(
    url: str,
    script: Path,
    concurrency: int,
    seconds: float,
    key_prefix: str,
    server_pids: list[int],
    database_pids: list[int],
) -> WrkRun:
    """One wrk thread with `concurrency` keep-alive connections for `seconds`."""
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "-s",
               str(script), f"{url}/v1/public/responses", "--", key_prefix]  # fmt: skip
    before = cpu_seconds(server_pids), cpu_seconds(database_pids)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = cpu_seconds(server_pids), cpu_seconds(database_pids)
    found = RESULT.search(out)
    if found is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    requests, created = int(found[1]), int(found[2])
    per_request = 1000 / max(requests, 1)
    return WrkRun(
        requests=requests,
        created=created,
        seconds=int(found[3]) / 1e6,
        p50_ms=float(found[4]),
        p99_ms=float(found[5]),
        server_cpu_ms=(after[0] - before[0]) * per_request,
        database_cpu_ms=(after[1] - before[1]) * per_request,
    )
