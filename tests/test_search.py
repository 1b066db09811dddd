"""Search over the real seed page and reports: highlighting, empty results, syntax."""

import pytest

from govtext.errors import QuerySyntaxError
from search.backend import SearchRequest
from search.query import And, Not, Or, Phrase, Term, parse_query
from search.snippets import highlight, snippet


def test_fengqiao_finds_seed_page_highlighted(seeded_backend):
    response = seeded_backend.search(SearchRequest(q="枫桥经验", limit=20))
    titles = [h.title for h in response.hits]
    assert any("枫桥经验" in t for t in titles), titles
    seed_hit = next(h for h in response.hits if "枫桥经验" in h.title)
    assert "<mark>枫桥经验</mark>" in seed_hit.snippet


def test_no_match_is_an_empty_list(seeded_backend):
    response = seeded_backend.search(SearchRequest(q="量子色动力学"))
    assert response.total == 0 and response.hits == []


def test_phrase_and_not(seeded_backend):
    all_hits = seeded_backend.search(SearchRequest(q="信访工作法治化", limit=100, collapse=False))
    assert all_hits.total > 0
    excluded = seeded_backend.search(SearchRequest(q="信访工作法治化 -上海", limit=100, collapse=False))
    assert excluded.total < all_hits.total
    phrase = seeded_backend.search(SearchRequest(q='"坚持和发展新时代“枫桥经验”"', limit=100))
    assert phrase.total > 0


def test_title_field_search(seeded_backend):
    response = seeded_backend.search(SearchRequest(q="title:上海市政府工作报告", limit=5))
    assert response.hits and "上海" in response.hits[0].title


def test_filters_and_facets(seeded_backend):
    response = seeded_backend.search(SearchRequest(q="政府工作报告", limit=5))
    years = {b["value"] for b in response.facets["year"]}
    assert 2026 in years
    only_2026 = seeded_backend.search(SearchRequest(q="政府工作报告", year=2026, limit=50, collapse=False))
    assert only_2026.total < response.total
    assert all(h.date.startswith("2026") for h in only_2026.hits)


def test_similar_documents(seeded_backend):
    first = seeded_backend.search(SearchRequest(q="title:上海市政府工作报告", limit=1)).hits[0]
    similar = seeded_backend.similar(first.id, limit=5)
    assert similar and all(h.id != first.id for h in similar)
    assert any("政府工作报告" in h.title for h in similar)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "(枫桥经验",
        "枫桥经验)",
        '"未闭合',
        "AND",
        "枫桥 OR",
        "NOT",
        "-枫桥经验",
        "title:",
        "，。！",
        "x" * 501,
        "a\x00b",
    ],
)
def test_malformed_queries_are_clear_errors(bad):
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(bad)
    assert info.value.status == 400 and info.value.message


def test_query_ast_shapes():
    assert isinstance(parse_query("枫桥经验").root, Term)
    root = parse_query("枫桥经验 调解 OR 网格 -电网").root
    assert isinstance(root, Or)
    assert isinstance(parse_query('"矛盾纠纷 多元化解"').root, Phrase)
    anded = parse_query("枫桥经验 NOT 电网").root
    assert isinstance(anded, And) and isinstance(anded.items[1], Not)


def test_highlight_escapes_markup():
    out = highlight("<script>alert(1)</script>枫桥经验", ["枫桥经验", "script"])
    assert "<script>" not in out and "&lt;" in out
    assert "<mark>枫桥经验</mark>" in out


def test_snippet_window_prefers_matches():
    text = "无关内容。" * 100 + "坚持和发展新时代枫桥经验。" + "无关内容。" * 100
    s = snippet(text, ["枫桥经验"])
    assert "<mark>枫桥经验</mark>" in s and s.startswith("…") and s.endswith("…")


def test_query_finds_words_inside_longer_dictionary_tokens(backend):
    """政府 must find 人民政府, 枫桥经验 must find 新时代枫桥经验 (one token each in the text)."""
    from govtext.documents import Document
    from search.backend import IndexedDocument

    text = "各级人民政府坚持和发展新时代枫桥经验"
    backend.write([IndexedDocument(Document(id="n1", text=text), [text], {})])
    for q in ("政府", "枫桥经验", "人民政府", "新时代枫桥经验"):
        assert [h.id for h in backend.search(SearchRequest(q=q)).hits] == ["n1"], q


def test_region_names_are_standardized(backend):
    from govtext.documents import Document
    from search.backend import IndexedDocument

    backend.write(
        [
            IndexedDocument(Document(id="sh", text="上海市人民调解条例", region="上海"), ["上海市人民调解条例"], {}),
            IndexedDocument(Document(id="jc", text="晋城市人民调解工作", region="晋城"), ["晋城市人民调解工作"], {}),
        ]
    )
    facets = backend.search(SearchRequest(q="人民调解")).facets
    assert {b["value"] for b in facets["region"]} == {"上海市", "山西省"}
    assert {b["value"] for b in facets["city"]} == {"晋城市"}
    for region in ("上海", "上海市"):
        assert [h.id for h in backend.search(SearchRequest(q="人民调解", region=region)).hits] == ["sh"]
    assert [h.id for h in backend.search(SearchRequest(q="人民调解", city="晋城")).hits] == ["jc"]
