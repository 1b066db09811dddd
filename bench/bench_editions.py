"""What the editions step (search/versions.py) costs a search page, in one process.

    .venv/bin/python bench/bench_editions.py [--docs 20000] [--seed 20261126] [--passes 3]

On bench_search.py's cached store (build it first: ``bench/bench_search.py --docs N
--build-only``), each query of bench_search's query set runs with the editions step
and without it (the step replaced by the identity), in random order per query, so
both see the same machine load; then the step alone is timed, and how many hits it
changed. The synthetic corpus copies real titles many times (a law title appears
about seven times, some with several dates), so it holds far more editions per page
than the sample corpus: an upper bound for the step's cost.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from common import require_shared


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    require_shared()
    from bench_search import RESULTS, query_set
    from govtext.settings import load_settings
    from search import open_backend
    from search.backend import SearchRequest
    from search.tantivy_index import INDEX_VERSION

    cache = RESULTS / f"search-d{args.docs}-s{args.seed}"
    started = time.perf_counter()
    backend = open_backend(load_settings(data_dir=cache / f"govtext-v{INDEX_VERSION}", analyze=False), writer=False)
    print(f"opened the store in {time.perf_counter() - started:.2f} s (a store without edition keys is keyed now)")
    queries = query_set(cache / "corpus.jsonl", 150, args.seed)
    real = backend._editions
    modes = {"with": real, "without": lambda picks, req: picks}
    for q in queries:  # warm-up
        backend.search(SearchRequest(q=q, limit=10))
    times: dict[str, list[float]] = {m: [] for m in modes}
    for _ in range(args.passes):
        for q in queries:
            for mode in random.sample(list(modes), 2):
                backend._editions = modes[mode]
                t = time.perf_counter()
                backend.search(SearchRequest(q=q, limit=10))
                times[mode].append((time.perf_counter() - t) * 1000)
    step: list[float] = []

    def timed(picks, req):
        t = time.perf_counter()
        out = real(picks, req)
        step.append((time.perf_counter() - t) * 1000)
        return out

    chained = changed = folded = 0
    for q in queries:
        req = SearchRequest(q=q, limit=10)
        backend._editions = timed
        on = backend.search(req).hits
        backend._editions = modes["without"]
        off = backend.search(req).hits
        chained += sum(1 for h in on if h.versions)
        changed += len({h.id for h in on} - {h.id for h in off})
        folded += len(off) - len(on)
    print(f"{len(queries)} queries x {args.passes} passes, search() in-process, limit 10, facets on")
    for mode, xs in times.items():
        print(
            f"  {mode:8} editions: p50 {pct(xs, 50):.2f} ms  p90 {pct(xs, 90):.2f}  p99 {pct(xs, 99):.2f}"
            f"  mean {statistics.mean(xs):.2f}"
        )
    print(f"  the step alone: p50 {pct(step, 50):.3f} ms  p99 {pct(step, 99):.3f}  mean {statistics.mean(step):.3f}")
    print(f"  hits with a version chain {chained}, hits replaced by a newer edition {changed}, hits folded {folded}")


if __name__ == "__main__":
    main()
