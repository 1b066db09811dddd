"""search/tantivy_index.py ``Ranked``: a search's hits whose ids are read only when looked at."""

from __future__ import annotations

import pytest

from search.tantivy_index import IndexRecord, TantivyIndex


@pytest.fixture()
def index(tmp_path):
    idx = TantivyIndex(tmp_path / "index")
    records = [
        IndexRecord(f"d{n:02d}", "标题", " ".join(["网格"] * (n + 1)), "", "", [], "", "", "", "", 2020, 20200101)
        for n in range(30)
    ]
    idx.apply(records, [], 1)
    yield idx
    idx.close_writer()


def test_ids_are_read_as_far_as_they_are_looked_at(index):
    found, total = index.search(_query(index), 25)
    assert total == 30 and len(found) == 25
    assert found._next == 0  # nothing read yet
    first = found[:3]
    assert found._next == 3 and [d for d, _ in first] == ["d29", "d28", "d27"]  # more mentions rank higher
    assert found[-1][0] == "d05" and found._next == 25
    assert list(found) == found[:25] and all(s > 0 for _, s in found)


def test_a_reranked_head_replaces_the_first_rows_and_the_rest_stay_lazy(index):
    found, _ = index.search(_query(index), 20)
    head = [(d, s) for d, s in reversed(found[:5])][:4]  # a reranked window that lost one row
    ranked = found.with_head(head, 5)
    assert len(ranked) == 19 and ranked._next == 5
    assert ranked[:4] == head and ranked[4] == found[5]
    assert [d for d, _ in ranked] == [d for d, _ in head] + [d for d, _ in found[5:]]


def test_date_order_has_no_scores(index):
    found, _ = index.search(_query(index), 5, sort="-date")
    assert len(found) == 5 and all(s == 0.0 for _, s in found)


def _query(index):
    from search.query import Term

    return index.compile(Term(text="网格", tokens=("网格",)))
