"""Run wrk against one address and read requests/s and latency percentiles from its report."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
LUA_POST = Path(__file__).resolve().parent / "post_comment.lua"


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int  # non-2xx/3xx answers and socket errors


@dataclass(frozen=True)
class LoadSettings:
    """How hard and how long wrk loads a server (the same for every row and the ceiling)."""

    threads: int = 1
    connections: int = 8
    seconds: int = 5


def wrk_path() -> str:
    """Debian's wrk, or a clear error saying how to get it."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    return found


def run_wrk(
    url: str,
    settings: LoadSettings,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    env: dict[str, str] | None = None,
) -> Load:
    """Load ``url`` for the settings' duration; GET unless a Lua ``script`` says otherwise."""
    args = [wrk_path(), f"-t{settings.threads}", f"-c{settings.connections}"]
    args += [f"-d{settings.seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script is not None:
        args += ["-s", str(script)]
    done = subprocess.run(  # noqa: S603  (wrk on 127.0.0.1 only)
        [*args, url], capture_output=True, text=True, env={**os.environ, **(env or {})}, check=True
    )
    return parse(done.stdout)


def parse(report: str) -> Load:
    """The numbers of a ``wrk --latency`` report."""
    latencies = {p: float(v) * _UNITS[u] for p, v, u in _LATENCY.findall(report)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", report)
    total = re.search(r"(\d+) requests in", report)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report
    )
    bad = int(non_2xx.group(1)) if non_2xx else 0
    bad += sum(int(n) for n in errors.groups()) if errors else 0
    return Load(
        rps=float(rps.group(1)) if rps else 0.0,
        p50_ms=latencies.get("50", 0.0),
        p99_ms=latencies.get("99", 0.0),
        requests=int(total.group(1)) if total else 0,
        bad=bad,
    )
