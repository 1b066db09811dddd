"""Relevance of the embedded backend: MRR@10 and recall@10 over judged queries.

tests/data/relevance.jsonl holds queries a policy researcher would type,
each with the documents of ../shared/corpus (laws.jsonl, reports.jsonl) a
researcher would expect on the first page. The corpus is ingested once per
module (tagging off: ranking does not read tags; ~2 minutes here), the
queries run with collapsing off, and the table is printed (``pytest -s``
shows it; a failure shows it too). The floors sit a little under what the
backend reaches, so a ranking regression fails. ``bench/eval_relevance.py``
prints the same table from the same code (search/evaluate.py).
"""

from __future__ import annotations

import pytest

from conftest import LAWS, REPO, REPORTS, needs_shared
from search.evaluate import JudgedQuery, QueryResult, load_queries

QUERIES = REPO / "tests" / "data" / "relevance.jsonl"

# Measured 2026-11-26 on laws.jsonl + reports.jsonl: MRR@10 0.941, recall@10 0.866.
MRR_FLOOR = 0.90
RECALL_FLOOR = 0.80
KNOWN_ITEM_MRR_FLOOR = 0.95


# -- the query set and the metrics (no corpus needed) ---------------------------


def test_query_set_is_well_formed():
    queries = load_queries(QUERIES)
    assert len(queries) >= 40
    assert len({q.id for q in queries}) == len(queries)
    kinds = {q.kind for q in queries}
    assert {"topical", "known_item", "region", "formula", "phrase", "boolean"} <= kinds
    for q in queries:
        assert q.relevant and len(set(q.relevant)) == len(q.relevant), q.id


def test_metrics():
    q = JudgedQuery("t", "x", ("a", "b", "c"))
    r = QueryResult(q, ["z", "b", "y", "a"], 4)
    assert r.first_rank() == 2
    assert r.reciprocal_rank() == 0.5
    assert r.recall() == pytest.approx(2 / 3)
    assert QueryResult(q, ["z"], 1).reciprocal_rank() == 0.0
    assert QueryResult(q, [], 0, error="boom").recall() == 0.0
    many = JudgedQuery("m", "x", tuple(f"d{i}" for i in range(15)))
    assert QueryResult(many, [f"d{i}" for i in range(10)], 15).recall() == 1.0  # capped at k relevant


# -- the corpus ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_backend(tmp_path_factory):
    if not LAWS.exists() or not REPORTS.exists():
        pytest.skip("../shared/corpus (laws.jsonl, reports.jsonl) is not beside the repo")
    from govtext.settings import load_settings
    from pipeline import ingest_paths
    from search import open_backend

    settings = load_settings(data_dir=tmp_path_factory.mktemp("relevance"), analyze=False)
    backend = open_backend(settings)
    report = ingest_paths([LAWS, REPORTS], backend, settings)
    assert not report.problems, report.problems[:3]
    assert report.written.added == 2953 + 107
    backend.close()
    reader = open_backend(settings, writer=False)
    yield reader
    reader.close()


@pytest.mark.slow
@needs_shared
def test_relevance(corpus_backend):
    from search.evaluate import evaluate

    report = evaluate(corpus_backend, load_queries(QUERIES))
    table = report.table()
    print("\n" + table)
    errors = [r for r in report.results if r.error]
    assert not errors, "queries failed:\n" + "\n".join(f"{r.query.id} {r.query.q}: {r.error}" for r in errors)
    assert report.mrr >= MRR_FLOOR, table
    assert report.recall >= RECALL_FLOOR, table
    known = report.by_kind()["known_item"]
    assert known[1] >= KNOWN_ITEM_MRR_FLOOR, table
