"""The filters' rules, defined once (search/filters.py) for both backends."""

from __future__ import annotations

import pytest

from search.backend import SearchRequest
from search.filters import NAMES, Filters


def test_region_and_city_are_canonical():
    f = Filters.of(SearchRequest(q="x", region="浙江", city="杭州"))
    assert (f.region, f.city) == ("浙江省", "杭州市")
    # a city name that is not one the gazetteer knows is kept as typed
    assert Filters.of(SearchRequest(q="x", city="某某县")).city == "某某县"


def test_terms_in_order_and_empty_themes_dropped():
    f = Filters.of(SearchRequest(q="x", themes=["fengqiao", ""], region="浙江省", doc_type="report", site="www.gov.cn"))
    assert f.terms() == [("theme", "fengqiao"), ("region", "浙江省"), ("doc_type", "report"), ("site", "www.gov.cn")]
    assert Filters.of(SearchRequest(q="x")).terms() == []


def test_year_bounds_keep_undated_documents_out_of_every_range():
    assert Filters.of(SearchRequest(q="x")).year_bounds() is None
    assert Filters.of(SearchRequest(q="x", year=2021)).year_bounds() == (2021, 2021)
    assert Filters.of(SearchRequest(q="x", year_to=2010)).year_bounds() == (1, 2010)
    assert Filters.of(SearchRequest(q="x", year_from=2020)).year_bounds() == (2020, None)


def test_active_and_without_drop_one_filter_at_a_time():
    f = Filters.of(
        SearchRequest(q="x", themes=["fengqiao"], region="浙江", year_from=2020, site="a.cn", statuses=["现行", "现行"])
    )
    assert f.active() == ["theme", "region", "year", "site", "status"]
    assert f.choices() == [("status", ("现行",))] and f.terms()[-1] == ("site", "a.cn")
    for name in f.active():
        dropped = f.without(name)
        assert dropped.active() == [n for n in f.active() if n != name]
    assert f.without("theme").themes == () and f.themes == ("fengqiao",)  # frozen: the original is kept
    assert set(NAMES) >= set(f.active())
    with pytest.raises(ValueError):
        f.without("colour")
