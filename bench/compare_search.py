"""Search API latency against an older govtext, both served at once, queries interleaved.

    .venv/bin/python bench/compare_search.py --baseline OLD_TREE [--docs 20000] [--passes 5]

``bench/bench_search.py`` times one server at a time; on a shared machine two runs
minutes apart see different neighbours, and their ratio moves by ±40 %. Here both
servers run side by side and every query goes to both, back to back, in random order,
so a neighbour's burst falls on both alike and the ratio holds still.

* OLD_TREE: a checkout of the older govtext (``git worktree add --detach OLD COMMIT``)
  whose own ``bench/bench_search.py --docs N --build-only`` has built its store (each
  tree's store has its own index schema). This tree's store comes from this tree's
  ``bench_search.py --build-only``. Both stores hold the same synthetic corpus (the
  file is compared) and are served from copies.
* each server: ``govtext serve`` of its own tree (the old one through ``PYTHONPATH``
  and this venv's interpreter), the same workers and threads, analysis off.
* queries: bench_search's 209 queries; one warm-up pass, then ``--passes`` passes,
  each in a new random order. Printed: p50 / p99 / mean of both and their ratios,
  and the p50 ratio of each pass (its spread says how far to trust the figure).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, free_port, percentile, wait_for_http

sys.path.insert(0, str(REPO / "bench"))
from bench_search import ApiClient, loadavg, query_set, run_clients  # noqa: E402

from search.tantivy_index import INDEX_VERSION  # noqa: E402


def store_of(cache: Path, version: int | None) -> Path:
    """The bench store of a cache folder: ``govtext-v{version}``, or the only one there."""
    if version is not None:
        return cache / f"govtext-v{version}"
    found = sorted(p for p in cache.glob("govtext-v*") if p.is_dir())
    if len(found) != 1:
        raise SystemExit(f"expected one govtext-v* store in {cache}, found {[p.name for p in found]}")
    return found[0]


def serve(tree: Path, data: Path, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "GOVTEXT_ANALYZE": "0", "GOVTEXT_ACCESS_LOG": "0", "PYTHONPATH": str(tree)}
    cmd = [sys.executable, "-c", "from service.cli import main; main()", "--data", str(data), "serve"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    return subprocess.Popen(cmd, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=open(log, "w"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, required=True, help="checkout of the older govtext")
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    name = f"search-d{args.docs}-s{args.seed}"
    caches = {
        "baseline": args.baseline.resolve() / "bench" / "results" / name,
        "now": REPO / "bench" / "results" / name,
    }
    trees = {"baseline": args.baseline.resolve(), "now": REPO}
    corpus = caches["now"] / "corpus.jsonl"
    if not corpus.exists() or not (caches["baseline"] / "corpus.jsonl").exists():
        raise SystemExit("build both stores first: bench/bench_search.py --docs N --build-only in each tree")
    if corpus.read_bytes() != (caches["baseline"] / "corpus.jsonl").read_bytes():
        raise SystemExit("the two trees' synthetic corpora differ: their figures are not comparable")
    stores = {"baseline": store_of(caches["baseline"], None), "now": store_of(caches["now"], INDEX_VERSION)}
    queries = query_set(corpus, 150, args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="govtext-compare-"))
    servers, ports = {}, {}
    try:
        for side in ("baseline", "now"):
            data = scratch / side
            shutil.copytree(stores[side], data)
            ports[side] = free_port()
            servers[side] = serve(trees[side], data, ports[side], args.workers, args.threads, scratch / f"{side}.log")
        for side in servers:
            wait_for_http(f"http://127.0.0.1:{ports[side]}/api/v1/health", timeout=180)
            run_clients(ports[side], queries, 2 * args.workers * args.threads, 8)  # every worker warmed up
        clients = {side: ApiClient(ports[side]) for side in servers}
        rng = random.Random(args.seed)
        times: dict[str, list[float]] = {"baseline": [], "now": []}
        per_pass: list[float] = []
        print(f"{len(queries)} queries x {args.passes} passes, both servers at once; load average {loadavg()}")
        for n in range(args.passes + 1):
            order = list(queries)
            rng.shuffle(order)
            this: dict[str, list[float]] = {"baseline": [], "now": []}
            for q in order:
                sides = ["baseline", "now"]
                rng.shuffle(sides)
                for side in sides:
                    t0 = time.perf_counter()
                    clients[side].search(q)
                    this[side].append((time.perf_counter() - t0) * 1000)
            if n:  # pass 0 warms up
                for side in times:
                    times[side] += this[side]
                per_pass.append(percentile(this["now"], 50) / percentile(this["baseline"], 50))
        print(f"{'':12s}{'p50 ms':>10s}{'p99 ms':>10s}{'mean ms':>10s}")
        for side in ("baseline", "now"):
            ms = times[side]
            print(f"{side:12s}{percentile(ms, 50):10.2f}{percentile(ms, 99):10.2f}{sum(ms) / len(ms):10.2f}")
        b, c = times["baseline"], times["now"]
        print(
            f"now / baseline: p50 {percentile(c, 50) / percentile(b, 50):.2f}x, "
            f"p99 {percentile(c, 99) / percentile(b, 99):.2f}x, mean {sum(c) / sum(b):.2f}x; "
            f"p50 ratio per pass {', '.join(f'{r:.2f}' for r in per_pass)}; load average {loadavg()}"
        )
    finally:
        for proc in servers.values():
            proc.terminate()
        for proc in servers.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
