"""Relevance of the embedded backend on the judged query set: MRR@10 and recall@10.

    .venv/bin/python bench/eval_relevance.py [--data DIR] [--queries FILE] [--rebuild]

Ingests laws.jsonl + reports.jsonl (tagging off) into a cached data folder
under bench/results/ (or uses ``--data``), runs tests/data/relevance.jsonl
through the backend with collapsing off and prints the per-query table; the
same code (search/evaluate.py) backs tests/test_relevance.py.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from common import LAWS, REPO, REPORTS, require_shared

QUERIES = REPO / "tests" / "data" / "relevance.jsonl"
CACHE = REPO / "bench" / "results" / "relevance-data"


def build(data: Path) -> None:
    from govtext.settings import load_settings
    from pipeline import ingest_paths
    from search import open_backend

    settings = load_settings(data_dir=data, analyze=False)
    backend = open_backend(settings)
    try:
        report = ingest_paths([LAWS, REPORTS], backend, settings, progress=True)
    finally:
        backend.close()
    print(f"ingested {report.documents} documents in {report.seconds:.1f} s into {data}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, help="an existing data folder holding laws + reports")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached data folder")
    args = parser.parse_args()
    require_shared()

    from govtext.settings import load_settings
    from search import open_backend
    from search.evaluate import evaluate, load_queries

    data = args.data
    if data is None:
        data = CACHE
        if args.rebuild and data.exists():
            shutil.rmtree(data)
        build(data)  # idempotent: a second run finds every document unchanged
    backend = open_backend(load_settings(data_dir=data, analyze=False), writer=False)
    try:
        report = evaluate(backend, load_queries(args.queries))
    finally:
        backend.close()
    print(report.table())


if __name__ == "__main__":
    main()
