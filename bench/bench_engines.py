"""The embedded backend against a real OpenSearch 2.19 node: same documents, same queries, one run.

    .venv/bin/python bench/bench_engines.py [--docs N] [--queries Q] [--checks C] [--traces T] [--heap 512m]
    make bench-engines BENCH_ARGS="--docs 3000"

* documents: the first ``--docs`` of ../shared/corpus (laws, then reports; real texts,
  enriched once with tagging off), written in batches of 200 to each backend; ingest is
  the backend's ``write`` only (segmentation is shared and done beforehand).
* searches: ``--queries`` one- and two-word queries drawn (seeded) from the documents'
  titles, each sent once to warm up and then timed, with the API's defaults (facets,
  snippets, collapsing); p50 / p99 per backend.
* draft check: ``--checks`` drafts of 5,000 characters, each recombined from paragraphs
  of three stored documents and paragraphs of three documents not stored; timed per draft.
* trace (提法溯源): ``--traces`` phrases cut (seeded) from stored paragraphs, half short
  (8 characters: below the winnowing guarantee, the phrase path) and half long (30
  characters: the fingerprint path), each traced once to warm up and then timed; p50 / p99
  per backend, and how many traces return the same documents on both.
* memory: each backend runs in its own child process; its peak RSS (the Python process)
  is reported, and for OpenSearch also the node's JVM resident set and heap used.

The OpenSearch node is started by engines/opensearch/launch.py with default settings
(heap ``--heap``) and stopped at the end. The load average is printed: on the shared
2-core machine figures move with the neighbours; compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import LAWS, REPORTS, percentile, read_jsonl, require_shared, row  # noqa: E402

BATCH = 200
DRAFT_CHARS = 5000


def corpus(n: int) -> tuple[list[dict], list[dict]]:
    """``n`` documents to store and 50 more kept out (for the drafts' new paragraphs)."""
    rows = read_jsonl(LAWS, n + 50)
    if len(rows) < n + 50:
        rows += read_jsonl(REPORTS, n + 50 - len(rows))
    return rows[:n], rows[n : n + 50]


def trace_phrases(stored: list[dict], n: int, seed: int = 17) -> list[tuple[str, str]]:
    """(``short`` | ``long``, phrase): ``n`` substrings of stored paragraphs, half of each length."""
    rng = random.Random(seed)
    paragraphs = [p for d in stored for p in d["text"].split("\n") if len(p) >= 40]
    out = []
    for k in range(n):
        kind, size = ("short", 8) if k % 2 == 0 else ("long", 30)
        p = rng.choice(paragraphs)
        start = rng.randrange(0, len(p) - size)
        out.append((kind, p[start : start + size]))
    return out


def workload(stored: list[dict], outside: list[dict], n_queries: int, n_checks: int, seed: int = 13):
    from nlp.segment import index_tokens

    rng = random.Random(seed)
    words = sorted({t for d in stored for t in index_tokens(d.get("title", "")) if len(t) >= 2})
    queries = []
    for _ in range(n_queries):
        picked = rng.sample(words, 2) if rng.random() < 0.5 else [rng.choice(words)]
        queries.append(" ".join(picked))
    drafts = []
    for _ in range(n_checks):
        paragraphs = []
        for source in rng.sample(stored, 3) + rng.sample(outside, 3):
            ps = [p for p in source["text"].split("\n") if len(p) >= 30]
            paragraphs += rng.sample(ps, min(3, len(ps)))
        rng.shuffle(paragraphs)
        drafts.append("\n".join(paragraphs)[:DRAFT_CHARS])
    return queries, drafts


def run_engine(kind: str, url: str, n: int, n_queries: int, n_checks: int, n_traces: int = 0) -> dict:
    """In a child process: write, search, check on one backend; timings and peak RSS."""
    from govtext.documents import Document
    from govtext.settings import load_settings
    from pipeline import enrich
    from search import open_backend
    from search.backend import SearchRequest

    stored, outside = corpus(n)
    queries, drafts = workload(stored, outside, n_queries, n_checks)
    items = [enrich(Document.from_dict(r), lambda _d: {}) for r in stored]
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-"))
    settings = load_settings(data_dir=tmp, backend=kind, opensearch_url=url, es_prefix=f"bench-{os.getpid()}")
    backend = open_backend(settings)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        started = time.perf_counter()
        for k in range(0, len(items), BATCH):
            backend.write(items[k : k + BATCH])
        ingest_s = time.perf_counter() - started
        for q in queries:  # warm-up
            backend.search(SearchRequest(q=q))
        search_ms = []
        for q in queries:
            t = time.perf_counter()
            backend.search(SearchRequest(q=q))
            search_ms.append((time.perf_counter() - t) * 1000)
        backend.check(drafts[0])  # warm-up
        check_ms, overlaps = [], []
        for d in drafts:
            t = time.perf_counter()
            report = backend.check(d)
            check_ms.append((time.perf_counter() - t) * 1000)
            overlaps.append(report["overlap_ratio"])
        from govtext.errors import BadInput
        from tracing.source import source_for
        from tracing.trace import trace_text

        trace_ms: dict[str, list[float]] = {"short": [], "long": []}
        trace_docs: list[list[str] | None] = []
        for round_ in ("warm-up", "timed"):
            for size, phrase in trace_phrases(stored, n_traces):
                t = time.perf_counter()
                try:
                    result = trace_text(source_for(backend), phrase, limit=1000)
                except BadInput:  # too little text once normalized: both backends refuse it
                    result = None
                if round_ == "timed":
                    trace_ms[size].append((time.perf_counter() - t) * 1000)
                    trace_docs.append(None if result is None else sorted(o["doc_id"] for o in result["occurrences"]))
        stats = backend.stats()
        return {
            "trace_ms": trace_ms,
            "trace_docs": trace_docs,
            "kind": kind,
            "docs": stats["documents"],
            "paragraphs": stats["paragraphs"],
            "ingest_s": ingest_s,
            "search_ms": search_ms,
            "check_ms": check_ms,
            "overlaps": overlaps,
            "draft_chars": [len(d) for d in drafts],
            "index_bytes": stats.get("index_bytes", 0),
            "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "rss_before_kb": rss_before,
        }
    finally:
        if kind == "opensearch":
            backend.drop_indices()
        backend.close()


def jvm_memory(url: str, pid: int) -> tuple[int, int]:
    """(resident set of the node process, heap used) in bytes."""
    rss = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
    except OSError:
        pass
    with urllib.request.urlopen(f"{url}/_nodes/stats/jvm", timeout=30) as resp:  # noqa: S310 - loopback node
        nodes = json.loads(resp.read())["nodes"]
    heap = sum(int(n["jvm"]["mem"]["heap_used_in_bytes"]) for n in nodes.values())
    return rss, heap


def child(kind: str, url: str, args) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--url",
        url,
        "--docs",
        str(args.docs),
        "--queries",
        str(args.queries),
        "--checks",
        str(args.checks),
        "--traces",
        str(args.traces),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    if done.returncode:
        raise SystemExit(f"{kind} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--checks", type=int, default=10)
    parser.add_argument("--traces", type=int, default=100)
    parser.add_argument("--heap", default="512m")
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument("--child", default="")
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    require_shared()
    if args.child:
        print(json.dumps(run_engine(args.child, args.url, args.docs, args.queries, args.checks, args.traces)))
        return 0

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from opensearch_node import launcher

    launch = launcher()
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.docs} documents, "
        f"{args.queries} queries, {args.checks} drafts of {DRAFT_CHARS} characters, {args.traces} traces"
    )
    build_s = launch.build()
    t = time.monotonic()
    node = launch.start(heap=args.heap)
    print(f"OpenSearch node green in {time.monotonic() - t:.0f} s (build {build_s:.0f} s), heap {args.heap}")
    try:
        embedded = child("embedded", "", args)
        opensearch = child("opensearch", node.url, args)
        jvm_rss, heap = jvm_memory(node.url, node.pid)
    finally:
        node.stop()
    assert embedded["docs"] == opensearch["docs"] == args.docs, (embedded["docs"], opensearch["docs"])
    assert embedded["paragraphs"] == opensearch["paragraphs"]
    row("", "embedded", "opensearch", "os / embedded")

    def line(label, a, b, fmt="{:.1f}"):
        row(label, fmt.format(a), fmt.format(b), f"{b / a:.2f}x" if a else "-")

    line("ingest (documents/s)", args.docs / embedded["ingest_s"], args.docs / opensearch["ingest_s"])
    for p in (50, 99):
        line(f"search p{p} (ms)", percentile(embedded["search_ms"], p), percentile(opensearch["search_ms"], p))
    for p in (50, 99):
        line(f"check 5,000 chars p{p} (ms)", percentile(embedded["check_ms"], p), percentile(opensearch["check_ms"], p))
    for size in ("short", "long"):
        for p in (50, 99):
            line(
                f"trace {size} phrase p{p} (ms)",
                percentile(embedded["trace_ms"][size], p),
                percentile(opensearch["trace_ms"][size], p),
            )
    pairs = list(zip(embedded["trace_docs"], opensearch["trace_docs"]))
    for size, start in (("short", 0), ("long", 1)):
        same = sum(1 for a, b in pairs[start::2] if a == b)
        extra = sum(1 for a, b in pairs[start::2] if a is not None and b is not None and set(a) < set(b))
        row(
            f"trace {size}: same documents on both",
            "",
            f"{same} / {len(pairs[start::2])}",
            f"opensearch a superset in {extra}",
        )
    phrases = trace_phrases(corpus(args.docs)[0], args.traces)
    for (size, phrase), (a, b) in zip(phrases, pairs):
        if a != b and not (a is not None and b is not None and set(a) < set(b)):
            only_e = sorted(set(a or []) - set(b or []))[:5]
            only_o = sorted(set(b or []) - set(a or []))[:5]
            print(f"  trace {size} {phrase!r}: only embedded {only_e}, only opensearch {only_o}")
    line(
        "mean overlap ratio of the drafts",
        sum(embedded["overlaps"]) / len(embedded["overlaps"]),
        sum(opensearch["overlaps"]) / len(opensearch["overlaps"]),
        "{:.3f}",
    )
    line(
        "peak RSS of the govtext process (MB)",
        embedded["peak_rss_kb"] / 1024,
        opensearch["peak_rss_kb"] / 1024,
        "{:.0f}",
    )
    row("OpenSearch node: JVM RSS / heap used (MB)", "-", f"{jvm_rss / 2**20:.0f} / {heap / 2**20:.0f}")
    row("index size on disk (MB)", "-", f"{opensearch['index_bytes'] / 2**20:.1f}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
