"""What the evidence rerank (search/evidence.py) costs: in-process search latency with and without it.

    .venv/bin/python bench/bench_rerank.py [--data DIR] [--passes N]

On the sample corpus folder of bench/eval_relevance.py (3,060 documents), the
queries of bench/data/topics.jsonl and tests/data/relevance.jsonl run through
``backend.search`` with the defaults (facets, snippets, collapsing on), once
with the rerank window at its setting and once with it at 0 (engine order,
snippets by the old best-window rule). Prints p50/p90/p99 in milliseconds.
This is not bench/bench_search.py's 20,000-document API run (see the report).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from common import REPO, require_shared

CACHE = REPO / "bench" / "results" / "relevance-data"


def quantiles(values: list[float]) -> str:
    values = sorted(values)
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return f"p50 {statistics.median(values):.1f} ms  p90 {pick(0.9):.1f} ms  p99 {pick(0.99):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(CACHE))
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    require_shared()
    import search.embedded as embedded
    from govtext.settings import load_settings
    from search import open_backend
    from search.backend import SearchRequest

    queries = [
        json.loads(line)["q"]
        for path in (REPO / "bench" / "data" / "topics.jsonl", REPO / "tests" / "data" / "relevance.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    backend = open_backend(load_settings(data_dir=args.data, analyze=False), writer=False)
    setting = embedded.RERANK_WINDOW
    try:
        for label, window in (("rerank off", 0), (f"rerank {setting}", setting)):
            embedded.RERANK_WINDOW = window
            for q in queries:  # warm-up
                backend.search(SearchRequest(q=q))
            times = []
            for _ in range(args.passes):
                for q in queries:
                    started = time.perf_counter()
                    backend.search(SearchRequest(q=q))
                    times.append((time.perf_counter() - started) * 1000)
            print(f"{label:<12} {len(times)} searches  {quantiles(times)}")
    finally:
        embedded.RERANK_WINDOW = setting
        backend.close()


if __name__ == "__main__":
    main()
