"""提法溯源 latency over a large duplicate index.

    .venv/bin/python bench/bench_trace.py                        # 1 M paragraphs (builds ~10 min, kept)
    .venv/bin/python bench/bench_trace.py --paragraphs 200000    # quicker

Builds (or reuses, ``--db``) a SQLite duplicate index of N paragraphs with
``DedupIndex.bulk_load``: the real paragraphs of ../shared/corpus/laws.jsonl,
then recombined ones (sentences of two paragraphs spliced, bench_dedup's
``synth_docs``) up to N. Then times ``tracing.trace.find_paragraphs`` +
``occurrences`` (what GET /trace does, minus HTTP and document metadata) for

- passages: a sentence (>= 13 normalized characters, the fingerprint path)
  cut from a random indexed paragraph;
- whole paragraphs: a random indexed paragraph (exact twins and near copies);

and reports p50 / p95 / max, and the documents found. The issue's target is
p50 < 200 ms at 1 M paragraphs. Phrases shorter than 13 characters go through
the search index's words on a full store (not built here: see eval_trace.py
for their latency on the sample corpus); the full-scan fallback is timed
on a few phrases for comparison.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench.common import LAWS, latency_cells, require_shared, row  # noqa: E402
from dedup.index import DedupIndex  # noqa: E402
from dedup.normalize import normalize_text  # noqa: E402
from ingest.text import split_sentences  # noqa: E402
from tracing.source import EmbeddedSource  # noqa: E402
from tracing.trace import find_paragraphs, occurrences, probe_of  # noqa: E402


class IndexOnlySource(EmbeddedSource):
    """EmbeddedSource over a bare duplicate index (no documents table: metadata empty)."""

    def __init__(self, index: DedupIndex):
        self.backend = None
        self.lookup = index
        self.conn = index.conn
        self._docs = {}

    def meta(self, doc_ids):
        return {
            d: {"id": d, "title": "", "date": "", "region": "", "doc_type": "", "url": "", "source": ""}
            for d in doc_ids
        }


def build(db: Path, n: int, seed: int) -> None:
    from bench_dedup import load_docs, synth_docs

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    ix = DedupIndex(conn)
    t = time.perf_counter()
    loaded = ix.bulk_load(synth_docs(load_docs(LAWS), n, random.Random(seed)), batch_paragraphs=20_000)
    conn.commit()
    conn.close()
    print(f"built {loaded:,} paragraphs in {time.perf_counter() - t:.0f} s -> {db}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--paragraphs", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, default=None, help="index file (default /tmp/govtext-bench-trace-N.sqlite3)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    require_shared()
    db = args.db or Path(f"/tmp/govtext-bench-trace-{args.paragraphs}.sqlite3")
    if not db.exists():
        build(db, args.paragraphs, args.seed)
    conn = sqlite3.connect(db, check_same_thread=False)
    conn.execute("PRAGMA cache_size=-524288")
    index = DedupIndex(conn)
    source = IndexOnlySource(index)
    total = conn.execute("SELECT COUNT(*) FROM dd_para").fetchone()[0]
    rng = random.Random(args.seed + 1)
    max_pid = conn.execute("SELECT MAX(pid) FROM dd_para").fetchone()[0]
    paragraphs = []
    while len(paragraphs) < args.queries:
        r = conn.execute(
            "SELECT text FROM dd_para WHERE pid >= ? AND nlen >= 30 LIMIT 1", (rng.randint(1, max_pid),)
        ).fetchone()
        if r:
            paragraphs.append(r[0])
    sentences = []
    for p in paragraphs:
        cands = [s for s in split_sentences(p) if 13 <= len(normalize_text(s)) <= 80]
        sentences.append(rng.choice(cands) if cands else p)
    print(f"index: {total:,} paragraphs ({db})")
    row("query kind", "p50 ms", "p95 ms", "max ms", "docs (median)")
    for label, queries in (("sentence (fingerprints)", sentences), ("whole paragraph", paragraphs)):
        find_paragraphs(source, probe_of(queries[0])[1])  # warm-up: segments, normalization tables
        ms, found = [], []
        for q in queries:
            t = time.perf_counter()
            probe, norm = probe_of(q)
            hits, _ = find_paragraphs(source, norm, probe=probe)
            occs = occurrences(source, hits, 200)  # the API's default limit
            ms.append((time.perf_counter() - t) * 1000)
            found.append(len(occs))
        p50, p99, mean = latency_cells(ms)
        ms.sort()
        row(label, p50, f"{ms[int(len(ms) * 0.95) - 1]:.2f}", f"{ms[-1]:.2f}", f"{sorted(found)[len(found) // 2]}")
    # the full-scan fallback (a phrase under 13 characters on a store without the search index)
    ms = []
    for p in sentences[:5]:
        norm = normalize_text(p).replace("\n", "")[:10]
        t = time.perf_counter()
        source.scan(norm, 20000)
        ms.append((time.perf_counter() - t) * 1000)
    row("short phrase, full scan fallback", *latency_cells(ms)[:2], f"{max(ms):.2f}", "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
