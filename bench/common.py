"""Helpers shared by the benchmarks: where the corpus is, timing, printing."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
LAWS = SHARED / "corpus" / "laws.jsonl"
REPORTS = SHARED / "corpus" / "reports.jsonl"
SEED = SHARED / "seeds" / "000_0b7c18f88b416d3f.txt"
sys.path.insert(0, str(REPO))


def require_shared() -> None:
    if not LAWS.exists():
        print(f"skipped: {LAWS} not found (../shared is not beside the repo)")
        sys.exit(0)


def read_jsonl(path: Path, limit: int | None = None) -> list[dict]:
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            docs.append(json.loads(line))
            if limit and len(docs) >= limit:
                break
    return docs


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def row(label: str, *cells) -> None:
    print(f"{label:<44}" + "".join(f"{c:>16}" for c in cells))


def free_port() -> int:
    """A free TCP port on loopback."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float = 120) -> None:
    """Wait until ``url`` answers 200 (a server started as a subprocess)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def latency_cells(ms: list[float]) -> tuple[str, str, str]:
    """p50, p99 and mean of latencies in milliseconds, formatted for :func:`row`."""
    if not ms:
        return ("-", "-", "-")
    return (f"{percentile(ms, 50):.2f}", f"{percentile(ms, 99):.2f}", f"{sum(ms) / len(ms):.2f}")
