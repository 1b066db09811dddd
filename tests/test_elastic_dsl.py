"""The Elasticsearch backend without a cluster.

1. The pure translation of the query AST to the Elasticsearch DSL, filters,
   facets, sorting, collapsing and "similar", checked on the produced JSON
   and round-tripped through the client's own DSL classes (which know every
   query type and refuse unknown ones).
2. The index templates in index_config/es/: loading, prefixes, and that
   every field the backend writes or queries exists in the strict mapping.
3. Configuration and connection errors: empty or unusable GOVTEXT_ES_URL,
   a refused connection, all as govtext errors, never client exceptions.
4. A small in-memory Elasticsearch on loopback (``FakeES``) that answers
   the HTTP calls the backend makes, so every client call (argument names,
   bulk, scroll, aliases, reindex's swap) runs for real, including the
   compatibility header pinned for an 8.x server. It does not rank or
   filter: relevance, filters and facets are the conformance suite's job
   (tests/test_conformance.py, with GOVTEXT_ES_URL set).
"""

from __future__ import annotations

import fnmatch
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from govtext.documents import Document
from govtext.errors import BackendError, BadInput, NotFound, QuerySyntaxError
from govtext.settings import load_settings
from search.backend import FACETS, IndexedDocument, SearchRequest
from search.filters import Filters
from search.elastic import (
    COLLAPSE_FIELD,
    HIT_SOURCE,
    ElasticBackend,
    alias_name,
    build_search_body,
    check_prefix,
    compile_query,
    concrete_name,
    document_source,
    es_id,
    facet_aggs,
    filter_clauses,
    load_template,
    paragraph_id,
    paragraph_source,
    parse_facets,
    phrase_query,
    similar_body,
    sort_clause,
    token_query,
    tokens_query,
    with_boost,
)
from search.elastic_dedup import (
    RELABEL_SCRIPT,
    ElasticDuplicates,
    boilerplate_body,
    exact_body,
    keyed_body,
    near_body,
    relabel_body,
    scheme_meta,
    NORM_INDEX,
    containing_body,
    cluster_members_body,
)
from search.query import And, Match, Not, Or, Phrase, Term, parse_query
from search.tantivy_index import SYNONYM_BOOST
from search.tantivy_index import PHRASE_BOOST, SUB_BOOST, TITLE_BOOST

dsl = pytest.importorskip("elasticsearch.dsl")


def roundtrip(query: dict) -> dict:
    """The query through the client's DSL classes and back (unknown query types raise)."""
    return dsl.Q(query).to_dict()


def single(token: str) -> dict:
    return {
        "bool": {
            "should": [
                {"term": {"title": {"value": token, "boost": TITLE_BOOST}}},
                {"term": {"body": {"value": token}}},
                {"term": {"title_sub": {"value": token}}},
                {"term": {"sub": {"value": token, "boost": SUB_BOOST}}},
            ],
            "minimum_should_match": 1,
        }
    }


def in_field(field: str, token: str) -> dict:
    """A token searched in one field: the field itself and the sub-words of that field."""
    sub_field = {"title": "title_sub", "body": "sub"}[field]
    return {
        "bool": {
            "should": [
                {"term": {field: {"value": token}}},
                {"term": {sub_field: {"value": token, "boost": SUB_BOOST}}},
            ],
            "minimum_should_match": 1,
        }
    }


# -- 1. AST -> DSL ------------------------------------------------------------------
def test_single_token_word_searches_title_body_and_subwords():
    q = compile_query(Term("枫桥经验", ("枫桥经验",)))
    assert q == single("枫桥经验")
    assert roundtrip(q) == q


def test_field_search_looks_in_the_field_and_its_subwords():
    assert compile_query(Term("实施方案", ("实施方案",), "title")) == in_field("title", "实施方案")
    assert compile_query(Term("调解", ("调解",), "body")) == in_field("body", "调解")


def test_multi_token_word_requires_every_token_and_prefers_them_in_order():
    q = compile_query(Term("信访条例", ("信访", "条例")))
    assert q["bool"]["must"] == [single("信访"), single("条例")]
    (phrase,) = q["bool"]["should"]
    assert phrase == {
        "bool": {
            "should": [
                {"match_phrase": {"title": {"query": "信访 条例", "slop": 0, "boost": TITLE_BOOST}}},
                {"match_phrase": {"body": {"query": "信访 条例", "slop": 0}}},
            ],
            "minimum_should_match": 1,
            "boost": PHRASE_BOOST,
        }
    }
    assert "minimum_should_match" not in q["bool"]  # the phrase only ranks, it does not filter
    assert roundtrip(q) == q


def test_multi_token_word_in_a_field():
    q = tokens_query(("信访", "条例"), "title")
    assert q == {
        "bool": {
            "must": [in_field("title", "信访"), in_field("title", "条例")],
            "should": [{"match_phrase": {"title": {"query": "信访 条例", "slop": 0, "boost": PHRASE_BOOST}}}],
        }
    }


def test_phrase_is_match_phrase_on_space_joined_tokens_without_subwords():
    q = compile_query(Phrase("社会治安 整体防控", ("社会治安", "整体", "防控")))
    assert q == {
        "bool": {
            "should": [
                {"match_phrase": {"title": {"query": "社会治安 整体 防控", "slop": 0, "boost": TITLE_BOOST}}},
                {"match_phrase": {"body": {"query": "社会治安 整体 防控", "slop": 0}}},
            ],
            "minimum_should_match": 1,
        }
    }
    assert "sub" not in json.dumps(q)
    assert compile_query(Phrase("x", ("枫桥经验",), "title")) == in_field("title", "枫桥经验")
    assert phrase_query(("a", "b"), "body") == {"match_phrase": {"body": {"query": "a b", "slop": 0}}}


def test_synonyms_widen_a_word_to_an_or():
    q = compile_query(Term("枫桥经验", ("枫桥经验",), None, (("新时代枫桥经验",), ("枫桥", "经验"))))
    assert q["bool"]["minimum_should_match"] == 1
    # a synonym weighs less than the word the user typed (SYNONYM_BOOST, as in tantivy)
    assert q["bool"]["should"] == [
        single("枫桥经验"),
        with_boost(single("新时代枫桥经验"), SYNONYM_BOOST),
        with_boost(phrase_query(("枫桥", "经验"), None), SYNONYM_BOOST),
    ]
    assert SYNONYM_BOOST < 1.0


def test_plain_words_compile_to_minimum_should_match():
    config = load_settings().config_dir
    root = parse_query("流动人口 居住证 子女 入学", config).root
    assert isinstance(root, Match) and root.minimum == 3
    q = compile_query(root)
    assert q["bool"]["minimum_should_match"] == 3 and len(q["bool"]["should"]) == 4
    strict = compile_query(parse_query("流动人口 AND 居住证 AND 子女", config).root)
    assert len(strict["bool"]["must"]) == 3 and "should" not in strict["bool"]
    plus = compile_query(parse_query("+居住证 流动人口 子女 -户籍", config).root)
    assert len(plus["bool"]["must"]) == 1 and plus["bool"]["minimum_should_match"] == 1
    assert len(plus["bool"]["must_not"]) == 1
    assert roundtrip(plus) == plus


def test_year_ranges_are_range_filters():
    assert filter_clauses(Filters.of(SearchRequest(q="x", year_from=2020, year_to=2026))) == [
        {"range": {"year": {"gte": 2020, "lte": 2026}}}
    ]
    assert filter_clauses(Filters.of(SearchRequest(q="x", year_to=2010))) == [
        {"range": {"year": {"gte": 1, "lte": 2010}}}
    ]
    assert filter_clauses(Filters.of(SearchRequest(q="x", year_from=2020))) == [{"range": {"year": {"gte": 2020}}}]


def test_and_or_not():
    a, b, c = (Term(t, (t,), "body") for t in ("网格", "电网", "调解"))
    t = lambda x: in_field("body", x)  # noqa: E731
    assert compile_query(And((a, Not(b), c))) == {"bool": {"must": [t("网格"), t("调解")], "must_not": [t("电网")]}}
    assert compile_query(Or((a, c))) == {"bool": {"should": [t("网格"), t("调解")], "minimum_should_match": 1}}
    assert compile_query(Not(b)) == {"bool": {"must": [{"match_all": {}}], "must_not": [t("电网")]}}
    # NOT inside an OR keeps "everything but", as tantivy's All-minus query does
    nested = compile_query(Or((a, Not(b))))
    assert nested["bool"]["should"][1] == {"bool": {"must": [{"match_all": {}}], "must_not": [t("电网")]}}
    for q in (compile_query(And((a, Not(b), c))), nested):
        assert roundtrip(q) == q


def test_parsed_queries_compile_and_roundtrip():
    config = load_settings().config_dir
    for raw in [
        "枫桥经验 调解",
        '"矛盾纠纷 多元化解"',
        "网格员 OR 网格管理员",
        "电网 NOT 网格化",
        "网格 -电网",
        "title:实施方案",
        "(雪亮工程 OR 天网) 农村",
        'title:"实施方案" 调解 -text:电网',
    ]:
        q = compile_query(parse_query(raw, config).root)
        assert roundtrip(q) == q, raw
    with pytest.raises(TypeError):
        compile_query("not a node")


def test_with_boost_multiplies_and_wraps():
    assert with_boost({"term": {"body": {"value": "a", "boost": 2.0}}}, 1.5) == {
        "term": {"body": {"value": "a", "boost": 3.0}}
    }
    assert with_boost({"bool": {"must": []}}, 2.0) == {"bool": {"must": [], "boost": 2.0}}
    assert with_boost({"match_all": {}}, 2.0) == {"bool": {"must": [{"match_all": {}}], "boost": 2.0}}
    q = {"term": {"body": {"value": "a"}}}
    assert with_boost(q, 1.0) is q
    assert token_query("a", "body") == in_field("body", "a")


def test_filters_become_bool_filter_clauses():
    req = SearchRequest(
        q="调解",
        themes=["fengqiao", "dispute_resolution"],
        region="浙江省",
        year=2021,
        doc_type="report",
        site="www.gov.cn",
    )
    assert filter_clauses(Filters.of(req)) == [
        {"term": {"theme": "fengqiao"}},
        {"term": {"theme": "dispute_resolution"}},
        {"term": {"region": "浙江省"}},
        {"term": {"doc_type": "report"}},
        {"term": {"site": "www.gov.cn"}},
        {"range": {"year": {"gte": 2021, "lte": 2021}}},
    ]
    assert filter_clauses(Filters.of(SearchRequest(q="调解"))) == []
    body = build_search_body(Term("调解", ("调解",), "body"), req)
    assert body["query"] == {"bool": {"must": [in_field("body", "调解")], "filter": filter_clauses(Filters.of(req))}}
    assert roundtrip(body["query"]) == body["query"]


def test_search_body_paging_sorting_collapse_and_facets():
    root = Term("调解", ("调解",), "body")
    body = build_search_body(root, SearchRequest(q="调解", limit=20, offset=40))
    assert body["query"] == in_field("body", "调解")  # no filters: no wrapper
    assert (body["from"], body["size"], body["track_total_hits"]) == (40, 20, True)
    assert body["sort"] == ["_score", {"id": "asc"}] and body["track_scores"] is True
    assert body["collapse"] == {"field": COLLAPSE_FIELD, "inner_hits": {"name": "copies", "size": 1, "_source": False}}
    assert body["aggs"] == {name: {"terms": {"field": name, "size": 30}} for name in FACETS}
    assert body["_source"] == HIT_SOURCE
    bare = build_search_body(root, SearchRequest(q="调解", collapse=False, facets=False, sort="-date"))
    assert "collapse" not in bare and "aggs" not in bare and "track_scores" not in bare
    assert bare["sort"] == [{"date_key": "desc"}, {"id": "asc"}]
    assert sort_clause("date") == [{"date_key": "asc"}, {"id": "asc"}]
    # the whole body is a valid search request for the client's DSL
    assert dsl.Search.from_dict(json.loads(json.dumps(body))).to_dict()["collapse"]["field"] == COLLAPSE_FIELD


def test_facets_parse_and_drop_year_zero():
    aggs = {
        "theme": {"buckets": [{"key": "fengqiao", "doc_count": 3}]},
        "year": {"buckets": [{"key": 2026, "doc_count": 2}, {"key": 0, "doc_count": 5}]},
        "region": {"buckets": []},
    }
    assert parse_facets(aggs) == {
        "theme": [{"value": "fengqiao", "count": 3}],
        "region": [],
        "year": [{"value": 2026, "count": 2}],
        "doc_type": [],
        "site": [],
        "city": [],
        "status": [],
    }
    assert set(facet_aggs()) == set(FACETS)


def test_similar_body_weights_terms_and_excludes_the_document():
    body = similar_body([("枫桥经验", 3.5), ("调解", 0.0)], "doc-1", 5)
    assert body["query"]["bool"]["should"] == [
        {"term": {"body": {"value": "枫桥经验", "boost": 3.5}}},
        {"term": {"body": {"value": "调解", "boost": 0.01}}},
    ]
    assert body["query"]["bool"]["must_not"] == [{"ids": {"values": ["doc-1"]}}]
    assert body["query"]["bool"]["minimum_should_match"] == 1 and body["size"] == 5
    assert roundtrip(body["query"]) == body["query"]


# -- 2. templates and sources -----------------------------------------------------------
def test_templates_load_with_prefix_and_version():
    docs = load_template("documents", "govtext")
    assert docs["index_patterns"] == [f"govtext-documents-v{docs['version']}-*"]
    assert not any(k.startswith("_") and k != "_meta" for k in docs)  # comments dropped
    assert docs["priority"] > 100 and docs["_meta"]["managed_by"] == "govtext"
    name = concrete_name("govtext", "documents", docs["version"], now=1_764_000_000.5)
    assert re.fullmatch(r"govtext-documents-v\d+-\d{17}", name)
    assert fnmatch.fnmatch(name, docs["index_patterns"][0])
    assert not fnmatch.fnmatch(concrete_name("govtext-test", "documents", 1), docs["index_patterns"][0])
    assert alias_name("govtext", "documents") == "govtext-documents"
    paras = load_template("paragraphs", "t1")
    assert paras["index_patterns"] == [f"t1-paragraphs-v{paras['version']}-*"]
    with pytest.raises(ValueError):
        load_template("fingerprints", "govtext")


def test_templates_analyze_with_plain_whitespace():
    for kind in ("documents", "paragraphs"):
        tpl = load_template(kind, "govtext")["template"]
        analyzer = tpl["settings"]["analysis"]["analyzer"]["govtext_tokens"]
        assert analyzer == {"type": "custom", "tokenizer": "whitespace", "filter": []}  # no plugin, no IK
        assert tpl["settings"]["index"]["number_of_shards"] == 1
        assert tpl["mappings"]["dynamic"] == "strict"
    props = load_template("documents", "govtext")["template"]["mappings"]["properties"]
    for name in ("title", "body", "sub", "title_sub"):
        assert props[name]["type"] == "text" and props[name]["analyzer"] == "govtext_tokens"
        assert props[name]["search_analyzer"] == "govtext_tokens"
    for name in ("id", "theme", "region", "city", "doc_type", "site", "group", "content_hash"):
        assert props[name]["type"] == "keyword", name
    assert props["year"]["type"] == props["date_key"]["type"] == "integer"
    assert props["stored"] == {"type": "object", "enabled": False}
    assert load_template("documents", "govtext")["template"]["settings"]["index"]["max_result_window"] >= 10100


def _fields_in(query) -> set[str]:
    """Every field name a query or aggregation refers to."""
    out = set()
    if isinstance(query, dict):
        for key, value in query.items():
            if key in ("term", "match_phrase") and isinstance(value, dict):
                out |= set(value)
            elif key == "field" and isinstance(value, str):
                out.add(value)
            else:
                out |= _fields_in(value)
    elif isinstance(query, list):
        for item in query:
            out |= _fields_in(item)
    return out


def test_every_queried_field_is_mapped():
    props = load_template("documents", "govtext")["template"]["mappings"]["properties"]
    req = SearchRequest(q="x", themes=["a"], region="r", year=2020, doc_type="d", site="s")
    root = parse_query('枫桥经验 "社会 治理" title:方案 -电网', load_settings().config_dir).root
    body = build_search_body(root, req)
    used = _fields_in(body["query"]) | _fields_in(body["aggs"]) | _fields_in(body["collapse"]) | {"date_key", "id"}
    assert used <= set(props), used - set(props)


def _doc(**kw) -> Document:
    return Document(
        text="第一段讲枫桥经验。\n第二段讲人民调解。",
        id=kw.pop("id", "doc-1"),
        title="某市实施方案",
        url="https://www.example.gov.cn/a.html",
        date="2021-03-04",
        region="浙江省",
        **kw,
    )


def test_document_source_fits_the_strict_mapping():
    props = load_template("documents", "govtext")["template"]["mappings"]["properties"]
    doc = _doc()
    analysis = {
        "themes": [{"id": "fengqiao", "score": 1.0}],
        "primary_region": {"province": "浙江省", "city": "杭州市"},
    }
    src = document_source(
        doc.to_dict(),
        ["第一段讲枫桥经验。", "第二段讲人民调解。"],
        analysis,
        group="doc-1",
        content_hash=doc.content_hash,
        added_at="a",
        updated_at="b",
        indexed_at=1,
    )
    assert set(src) <= set(props), set(src) - set(props)
    assert src["title"].split() and "枫桥经验" in src["body"].split()
    assert (src["theme"], src["region"], src["city"], src["site"], src["year"], src["date_key"]) == (
        ["fengqiao"],
        "浙江省",
        "杭州市",
        "www.example.gov.cn",
        2021,
        20210304,
    )
    assert src["stored"]["doc"] == doc.to_dict() and src["paragraph_count"] == 2
    bare = document_source(
        Document(text="无元数据").to_dict(),
        ["无元数据"],
        {},
        group="g",
        content_hash="h",
        added_at="",
        updated_at="",
        indexed_at=0,
    )
    assert not {"region", "city", "doc_type", "site"} & set(bare)  # no empty facet values
    pprops = load_template("paragraphs", "govtext")["template"]["mappings"]["properties"]
    assert set(paragraph_source("doc-1", 0, "人民调解。", 1)) <= set(pprops)


def test_ids_fit_elasticsearch_limits():
    assert es_id("doc-1") == "doc-1" and paragraph_id("doc-1", 3) == "doc-1#3"
    long_id = "文" * 200  # a valid govtext id, 600 bytes
    assert len(es_id(long_id).encode()) < 512 and es_id(long_id) == es_id(long_id)
    assert len(paragraph_id(long_id, 99999).encode()) <= 512


@pytest.mark.parametrize("bad", ["", "Govtext", "-x", "_x", "a b", "a/b", "a*", "x" * 200])
def test_bad_prefixes_are_refused(bad):
    with pytest.raises(BadInput):
        check_prefix(bad)


# -- 3. configuration and connection errors ----------------------------------------
def test_empty_url_is_a_clear_error(tmp_path):
    with pytest.raises(BackendError) as info:
        ElasticBackend(load_settings(data_dir=tmp_path, backend="elasticsearch", es_url=""))
    assert "GOVTEXT_ES_URL" in info.value.message and info.value.code == "backend_not_configured"
    from search import open_backend

    with pytest.raises(BackendError):
        open_backend(load_settings(data_dir=tmp_path, backend="elasticsearch", es_url=""))


def test_url_without_port_is_bad_input(tmp_path):
    with pytest.raises(BadInput) as info:
        ElasticBackend(load_settings(data_dir=tmp_path, es_url="http://user:secret@localhost"))
    assert "secret" not in info.value.message


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_cluster_is_a_backend_error(tmp_path):
    url = f"http://elastic:secret@127.0.0.1:{_closed_port()}"
    backend = ElasticBackend(load_settings(data_dir=tmp_path, es_url=url))
    backend.client = backend.client.options(max_retries=0, request_timeout=2)
    try:
        with pytest.raises(QuerySyntaxError):  # a bad query never needs the cluster
            backend.search(SearchRequest(q="(枫桥经验"))
        for call in (
            lambda: backend.search(SearchRequest(q="枫桥经验")),
            backend.health,
            backend.stats,
            lambda: backend.get("x"),
            lambda: list(backend.iter_documents()),
        ):
            with pytest.raises(BackendError) as info:
                call()
            assert "cannot reach Elasticsearch" in info.value.message and "secret" not in info.value.message
            assert info.value.status == 503
    finally:
        backend.close()


# -- 4. a fake cluster on loopback ----------------------------------------------------------
SHARDS = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}


class Unsupported(Exception):
    """A request the fake does not implement (answered 400, so a test fails loudly)."""


def _values(doc: dict, path: str, props: dict) -> list:
    value = doc
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    if (props.get(path) or {}).get("type") == "text":  # analyzed by whitespace
        return [t for v in values for t in str(v).split()]
    return values


def _spec(clause: dict) -> tuple[str, object, dict]:
    ((field_name, spec),) = ((k, v) for k, v in clause.items() if k not in ("boost", "_name"))
    return (field_name, spec["value"], spec) if isinstance(spec, dict) else (field_name, spec, clause)


def evaluate(query: dict, key: str, doc: dict, props: dict) -> tuple[bool, float, set[str]]:
    """(matches, score, matched query names): every clause scores 1 (times its boost)."""
    ((kind, spec),) = query.items()
    names: set[str] = set()
    if kind == "match_all":
        return True, 1.0, names
    if kind in ("term", "terms", "ids", "range", "match_phrase"):
        if kind == "term":
            field_name, value, opts = _spec(spec)
            ok = value in _values(doc, field_name, props)
        elif kind == "terms":
            ((field_name, wanted),) = spec.items()
            ok, opts = bool(set(_values(doc, field_name, props)) & set(wanted)), spec
        elif kind == "ids":
            ok, opts = key in spec["values"], spec
        elif kind == "range":
            ((field_name, bounds),) = spec.items()
            ops = {
                "gte": lambda a, b: a >= b,
                "gt": lambda a, b: a > b,
                "lte": lambda a, b: a <= b,
                "lt": lambda a, b: a < b,
            }
            ok, opts = (
                any(all(ops[o](v, b) for o, b in bounds.items()) for v in _values(doc, field_name, props)),
                bounds,
            )
        else:
            ((field_name, opts),) = spec.items()
            tokens, run = _values(doc, field_name, props), opts["query"].split()
            ok = any(tokens[i : i + len(run)] == run for i in range(len(tokens) - len(run) + 1))
        if ok and "_name" in opts:
            names.add(opts["_name"])
        return ok, float(opts.get("boost", 1.0)) if ok else 0.0, names
    if kind == "constant_score":
        ok, _, names = evaluate(spec["filter"], key, doc, props)
        return ok, float(spec.get("boost", 1.0)) if ok else 0.0, names
    if kind == "bool":
        score = 0.0
        for clause in spec.get("must", []) + spec.get("filter", []):
            ok, s, n = evaluate(clause, key, doc, props)
            if not ok:
                return False, 0.0, set()
            score += s if clause in spec.get("must", []) else 0.0
            names |= n
        if any(evaluate(c, key, doc, props)[0] for c in spec.get("must_not", [])):
            return False, 0.0, set()
        should = [evaluate(c, key, doc, props) for c in spec.get("should", [])]
        hit = [r for r in should if r[0]]
        needed = spec.get("minimum_should_match", 0 if ("must" in spec or "filter" in spec) else 1)
        if should and len(hit) < needed:
            return False, 0.0, set()
        for _, s, n in hit:
            score, names = score + s, names | n
        return True, (score or 1.0) * float(spec.get("boost", 1.0)), names
    raise Unsupported(f"query {kind}")


def _sort_key(sort, key: str, doc: dict, score: float, position: int):
    out = []
    for item in [sort] if isinstance(sort, str) else sort or ["_score"]:
        name, order = (item, "asc") if isinstance(item, str) else next(iter(item.items()))
        order = order.get("order", "asc") if isinstance(order, dict) else order
        if name == "_score":
            out.append(-score if order == "asc" and item != "_score" else -score)
        elif name == "_doc":
            out.append(position)
        else:
            values = _values(doc, name, {})
            value = min(values) if values else ""
            out.append(_Desc(value) if order == "desc" else _Asc(value))
    return out


class _Asc:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return (type(self.v).__name__, self.v) < (type(other.v).__name__, other.v)

    def __eq__(self, other):
        return self.v == other.v


class _Desc(_Asc):
    def __lt__(self, other):
        return _Asc.__lt__(other, self)


def _filter_source(doc: dict, source):
    if source is None or source is True:
        return doc
    if source is False:
        return None
    paths = [source] if isinstance(source, str) else list(source)
    out: dict = {}
    for path in paths:
        value, parts = doc, path.split(".")
        for part in parts:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            continue
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return out


class FakeES:
    """Just enough of Elasticsearch's HTTP API, in memory, to run the backend's calls.

    It checks what a real server would refuse on the way (the compatibility
    header of another major, unknown aliases with require_alias, strict
    mappings, scripts and query types it does not know) and evaluates the
    queries and aggregations the backend sends with every clause scoring 1:
    it filters, counts and groups like Elasticsearch, but does not rank."""

    def __init__(self, version: str = "8.15.3"):
        self.version = version
        self.major = int(version.split(".")[0])
        self.templates: dict[str, dict] = {}
        self.indices: dict[str, dict[str, dict]] = {}
        self.created: dict[str, dict] = {}  # mappings given when an index was created
        self.aliases: dict[str, set[str]] = {}
        self.accepts: list[str] = []
        self.requests: list[tuple[str, str, object]] = []  # (method, path, parsed body)
        self.lock = threading.Lock()

    # helpers
    def resolve(self, target: str) -> list[str]:
        out = []
        for part in unquote(target).split(","):
            if part in self.aliases:
                out += sorted(self.aliases[part])
            elif part in self.indices:
                out.append(part)
            else:
                out += [i for i in self.indices if fnmatch.fnmatch(i, part)]
        return out

    def mapping_for(self, index: str) -> dict:
        for tpl in self.templates.values():
            if any(fnmatch.fnmatch(index, p) for p in tpl["index_patterns"]):
                return tpl["template"]["mappings"]["properties"]
        return {}

    def handle(self, method: str, path: str, params: dict, headers, body: bytes):
        accept = headers.get("accept", "") or ""
        self.accepts.append(accept)
        m = re.search(r"compatible-with=(\d+)", accept + (headers.get("content-type") or ""))
        if m and int(m.group(1)) not in (self.major, self.major - 1):
            return 400, {
                "error": {
                    "type": "media_type_header_exception",
                    "reason": f"Accept version must be either version {self.major} or "
                    f"{self.major - 1}, but found {m.group(1)}",
                },
                "status": 400,
            }
        parts = [p for p in path.split("/") if p]
        data = body.decode() if body else ""
        ndjson = path.endswith("_bulk") or path.endswith("_msearch")
        j = json.loads(data) if data and not ndjson else {}
        with self.lock:
            self.requests.append(
                (method, path, [json.loads(x) for x in data.splitlines() if x.strip()] if ndjson else j)
            )
            try:
                return self.route(method, parts, params, j, data)
            except Unsupported as exc:
                return 400, {"error": {"type": "fake_unsupported", "reason": str(exc)}, "status": 400}

    def route(self, method, parts, params, j, raw):
        if not parts:
            return 200, {
                "name": "fake",
                "cluster_name": "fake",
                "version": {"number": self.version},
                "tagline": "You Know, for Search",
            }
        head = parts[0]
        if head == "_index_template":
            if method == "PUT":
                assert set(j) <= {"index_patterns", "template", "priority", "version", "_meta", "composed_of"}, j
                self.templates[parts[1]] = j
                return 200, {"acknowledged": True}
            if method == "DELETE":
                return (
                    (200, {"acknowledged": True})
                    if self.templates.pop(parts[1], None)
                    else (404, {"error": "missing", "status": 404})
                )
        if head == "_alias":
            name = unquote(parts[1])
            if name not in self.aliases:
                return 404, {"error": f"alias [{name}] missing", "status": 404}
            return 200, {i: {"aliases": {name: {}}} for i in sorted(self.aliases[name])}
        if head == "_aliases":
            for action in j["actions"]:
                ((kind, spec),) = action.items()
                getattr(self.aliases.setdefault(spec["alias"], set()), "add" if kind == "add" else "discard")(
                    spec["index"]
                )
            return 200, {"acknowledged": True}
        if head == "_resolve":
            names = self.resolve(parts[2])
            return 200, {"indices": [{"name": n} for n in names], "aliases": [], "data_streams": []}
        if head == "_bulk":
            return 200, self.bulk(raw, params)
        if head == "_msearch":
            return 200, self.msearch(raw)
        if head == "_search" and parts[1:] == ["scroll"]:
            return 200, (
                {"succeeded": True}
                if method == "DELETE"
                else {
                    "_scroll_id": "s",
                    "_shards": SHARDS,
                    "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
                }
            )
        if head == "_cluster":
            return 200, {"cluster_name": "fake", "status": "green"}
        if len(parts) == 1:
            if method == "PUT":
                if parts[0] in self.indices:
                    return 400, {
                        "error": {"type": "resource_already_exists_exception", "reason": parts[0]},
                        "status": 400,
                    }
                assert set(j) <= {"aliases", "mappings"}, j
                assert set(j.get("mappings") or {}) <= {"_meta"}, j  # field mappings come from the templates
                self.indices[parts[0]] = {}
                self.created[parts[0]] = j.get("mappings") or {}
                for alias in j.get("aliases") or {}:
                    self.aliases.setdefault(alias, set()).add(parts[0])
                return 200, {"acknowledged": True, "index": parts[0]}
            if method == "DELETE":
                for name in self.resolve(parts[0]):
                    self.indices.pop(name, None)
                    for members in self.aliases.values():
                        members.discard(name)
                return 200, {"acknowledged": True}
        indices = self.resolve(parts[0])
        if not indices:
            return 404, {"error": {"type": "index_not_found_exception", "reason": parts[0]}, "status": 404}
        docs = {k: v for i in indices for k, v in self.indices[i].items()}
        op = parts[1]
        if op == "_refresh":
            return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
        if op == "_mapping":
            return 200, {
                i: {"mappings": {**self.created.get(i, {}), "dynamic": "strict", "properties": self.mapping_for(i)}}
                for i in indices
            }
        if op == "_doc":
            key = unquote(parts[2])
            if key in docs:
                return 200, {"_index": indices[0], "_id": key, "found": True, "_source": docs[key]}
            return 404, {"_index": indices[0], "_id": key, "found": False}
        if op == "_mget":
            return 200, {
                "docs": [
                    {"_id": i, "found": i in docs, **({"_source": docs[i]} if i in docs else {})} for i in j["ids"]
                ]
            }
        if op == "_count":
            props = self.mapping_for(indices[0])
            query = j.get("query") or {"match_all": {}}
            return 200, {"count": sum(evaluate(query, k, d, props)[0] for k, d in docs.items())}
        if op == "_update_by_query":
            return 200, self.update_by_query(indices, j, params)
        if op == "_termvectors":
            tokens = j["doc"]["body"].split()
            return 200, {
                "term_vectors": {
                    "body": {
                        "terms": {
                            t: {
                                "term_freq": 1,
                                **(
                                    {"doc_freq": n}
                                    if (n := sum(t in d.get("body", "").split() for d in docs.values()))
                                    else {}
                                ),
                            }
                            for t in tokens
                        }
                    }
                }
            }
        if op == "_stats":
            return 200, {"indices": {i: {"primaries": {"store": {"size_in_bytes": 1000}}} for i in indices}}
        if op == "_search":
            return 200, self.search(indices, docs, j, params)
        if op == "_msearch":
            return 200, self.msearch(raw, parts[0])
        return 400, {"error": {"type": "fake_unsupported", "reason": f"{op} is not faked"}, "status": 400}

    def bulk(self, raw: str, params: dict) -> dict:
        lines = [json.loads(line) for line in raw.splitlines() if line.strip()]
        items, errors, i = [], False, 0
        while i < len(lines):
            ((op, meta),) = lines[i].items()
            i += 1
            source = None
            if op in ("index", "create", "update"):
                source, i = lines[i], i + 1
            target = meta["_index"]
            if params.get("require_alias") == ["true"] and target not in self.aliases:
                items.append({op: {"_id": meta["_id"], "status": 404, "error": {"type": "index_not_found_exception"}}})
                errors = True
                continue
            index = self.resolve(target)[0]
            store = self.indices[index]
            if op == "index":
                unknown = set(source) - set(self.mapping_for(index))
                if unknown:
                    items.append(
                        {
                            op: {
                                "_id": meta["_id"],
                                "status": 400,
                                "error": {"type": "strict_dynamic_mapping_exception", "reason": sorted(unknown)},
                            }
                        }
                    )
                    errors = True
                    continue
                store[meta["_id"]] = source
                items.append({op: {"_id": meta["_id"], "status": 201, "result": "created"}})
            elif op == "update":
                store[meta["_id"]].update(source["doc"])
                items.append({op: {"_id": meta["_id"], "status": 200, "result": "updated"}})
            elif op == "delete":
                found = store.pop(meta["_id"], None) is not None
                items.append(
                    {
                        op: {
                            "_id": meta["_id"],
                            "status": 200 if found else 404,
                            "result": "deleted" if found else "not_found",
                        }
                    }
                )
        return {"took": 1, "errors": errors, "items": items}

    def update_by_query(self, indices, j, params) -> dict:
        from search.elastic_dedup import RELABEL_SCRIPT

        script = j["script"]
        if script.get("source") != RELABEL_SCRIPT:
            raise Unsupported(f"script {script.get('source')!r}")
        field_name, value = script["params"]["field"], script["params"]["value"]
        updated = 0
        for index in indices:
            props = self.mapping_for(index)
            assert field_name in props, field_name  # a strict mapping refuses a new field
            for key, doc in self.indices[index].items():
                if evaluate(j.get("query") or {"match_all": {}}, key, doc, props)[0]:
                    doc[field_name] = value
                    updated += 1
        return {
            "took": 1,
            "timed_out": False,
            "total": updated,
            "updated": updated,
            "version_conflicts": 0,
            "failures": [],
        }

    def msearch(self, raw: str, default_index: str = "") -> dict:
        lines = [json.loads(line) for line in raw.splitlines() if line.strip()]
        responses = []
        for header, body in zip(lines[::2], lines[1::2]):
            indices = self.resolve(header.get("index") or default_index)
            docs = {k: v for i in indices for k, v in self.indices[i].items()}
            try:
                responses.append({**self.search(indices, docs, body, {}), "status": 200})
            except Unsupported as exc:
                responses.append({"error": {"type": "fake_unsupported", "reason": str(exc)}, "status": 400})
        return {"took": 1, "responses": responses}

    def _hit(self, index, key, doc, score, names, source, sort_value=None) -> dict:
        hit = {"_index": index, "_id": key, "_score": score}
        filtered = _filter_source(doc, source)
        if filtered is not None:
            hit["_source"] = filtered
        if names:
            hit["matched_queries"] = sorted(names)
        if sort_value is not None:
            hit["sort"] = sort_value
        return hit

    def search(self, indices, docs, j, params) -> dict:
        props = self.mapping_for(indices[0]) if indices else {}
        unknown = set(j) - {
            "query",
            "size",
            "from",
            "sort",
            "_source",
            "track_total_hits",
            "track_scores",
            "collapse",
            "aggs",
            "search_after",
        }
        if unknown:
            raise Unsupported(f"search keys {sorted(unknown)}")
        query = j.get("query") or {"match_all": {}}
        rows = []
        for position, (key, doc) in enumerate(sorted(docs.items())):
            ok, score, names = evaluate(query, key, doc, props)
            if ok:
                rows.append((key, doc, score, names, position))
        sort = j.get("sort")
        rows.sort(key=lambda r: _sort_key(sort, r[0], r[1], r[2], r[4]))
        if j.get("search_after"):
            rows = [r for r in rows if r[1]["id"] > j["search_after"][0]]
        total = len(rows)
        source = j.get("_source")
        collapse = j.get("collapse")
        groups: dict = {}
        if collapse:
            kept = []
            for r in rows:
                value = (_values(r[1], collapse["field"], {}) or [None])[0]
                if value not in groups:
                    kept.append(r)
                groups.setdefault(value, []).append(r)
            rows = kept
        start, size = j.get("from", 0), params.get("size", [None])[0] or j.get("size", 10)
        hits = []
        for key, doc, score, names, _position in rows[start : start + int(size)]:
            hit = self._hit(indices[0], key, doc, score, names, source, [doc.get("id", key)])
            if collapse:
                value = (_values(doc, collapse["field"], {}) or [None])[0]
                hit["fields"] = {collapse["field"]: [value]}
                inner = collapse.get("inner_hits")
                if inner:
                    members = sorted(groups[value], key=lambda r: _sort_key(inner.get("sort"), r[0], r[1], r[2], r[4]))
                    hit["inner_hits"] = {
                        inner["name"]: {
                            "hits": {
                                "total": {"value": len(members), "relation": "eq"},
                                "hits": [
                                    self._hit(indices[0], m[0], m[1], m[2], set(), inner.get("_source"))
                                    for m in members[: inner.get("size", 3)]
                                ],
                            }
                        }
                    }
            hits.append(hit)
        out = {"took": 1, "_shards": SHARDS, "hits": {"total": {"value": total, "relation": "eq"}, "hits": hits}}
        if "scroll" in params:
            out["_scroll_id"] = "s"
        if j.get("aggs"):
            out["aggregations"] = self.aggregate(
                j["aggs"],
                [(r[0], r[1]) for r in sorted(((k, d) for k, d in docs.items() if evaluate(query, k, d, props)[0]))],
                props,
                indices[0],
            )
        return out

    def aggregate(self, spec: dict, rows: list[tuple[str, dict]], props: dict, index: str) -> dict:
        out = {}
        for name, agg in spec.items():
            subs = agg.get("aggs") or {}
            ((kind, body),) = ((k, v) for k, v in agg.items() if k != "aggs")
            if kind == "terms":
                by_value: dict = {}
                for key, doc in rows:
                    for value in dict.fromkeys(_values(doc, body["field"], props)):
                        by_value.setdefault(value, []).append((key, doc))
                metrics = {k: v for k, v in subs.items() if "bucket_selector" not in v}
                buckets = [
                    {"key": v, "doc_count": len(rs), **self.aggregate(metrics, rs, props, index)}
                    for v, rs in by_value.items()
                    if len(rs) >= body.get("min_doc_count", 1)
                ]
                order = body.get("order") or [{"_count": "desc"}, {"_key": "asc"}]
                for item in reversed(order if isinstance(order, list) else [order]):
                    ((by, direction),) = item.items()
                    value = (
                        (lambda b: b["doc_count"])
                        if by == "_count"
                        else (lambda b: b["key"])
                        if by == "_key"
                        else (lambda b, by=by: b[by]["value"])
                    )
                    buckets.sort(key=value, reverse=direction == "desc")
                buckets = buckets[: body.get("size", 10)]
                for sel in (v["bucket_selector"] for v in subs.values() if "bucket_selector" in v):
                    m = re.fullmatch(r"params\.(\w+) >= (\d+)", sel["script"])
                    if not m:
                        raise Unsupported(f"bucket_selector script {sel['script']!r}")
                    path = sel["buckets_path"][m.group(1)]
                    buckets = [b for b in buckets if b[path]["value"] >= int(m.group(2))]
                out[name] = {"buckets": buckets}
            elif kind == "cardinality":
                out[name] = {"value": len({v for _, d in rows for v in _values(d, body["field"], props)})}
            elif kind == "sum":
                out[name] = {"value": float(sum(v for _, d in rows for v in _values(d, body["field"], props)))}
            elif kind == "top_hits":
                ranked = sorted(rows, key=lambda r: _sort_key(body.get("sort"), r[0], r[1], 1.0, 0))
                out[name] = {
                    "hits": {
                        "total": {"value": len(rows), "relation": "eq"},
                        "hits": [
                            self._hit(index, k, d, 1.0, set(), body.get("_source"))
                            for k, d in ranked[: body.get("size", 3)]
                        ],
                    }
                }
            else:
                raise Unsupported(f"aggregation {kind}")
        return out


@pytest.fixture
def fake_cluster(request):
    fake = FakeES(getattr(request, "param", "8.15.3"))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _any(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            status, payload = fake.handle(self.command, parts.path, parse_qs(parts.query), self.headers, body)
            data = b"" if self.command == "HEAD" else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("x-elastic-product", "Elasticsearch")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _items(*docs: Document) -> list[IndexedDocument]:
    return [IndexedDocument(d, [p for p in d.text.split("\n") if p], {"themes": [{"id": "fengqiao"}]}) for d in docs]


@pytest.mark.parametrize("fake_cluster", ["8.15.3", "9.1.0"], indirect=True)
def test_backend_flow_against_a_fake_cluster(fake_cluster, tmp_path):
    fake, url = fake_cluster
    backend = ElasticBackend(load_settings(data_dir=tmp_path, es_url=url, es_prefix="gt"))
    try:
        health = backend.health()
        assert health["status"] == "ok" and health["server_version"] == fake.version
        # the templates went in, one index per kind behind its alias
        assert set(fake.templates) == {"gt-documents", "gt-paragraphs"}
        assert {a: len(m) for a, m in fake.aliases.items()} == {"gt-documents": 1, "gt-paragraphs": 1}
        # every request after the version probe asked for a version this server speaks
        majors = {int(m) for a in fake.accepts for m in re.findall(r"compatible-with=(\d+)", a)}
        assert majors == {fake.major}

        a, b = _doc(id="doc-a"), _doc(id="doc-b", source="x")
        s = backend.write(_items(a, b))
        assert (s.added, s.updated, s.unchanged) == (2, 0, 0)
        assert backend.write(_items(a)).unchanged == 1
        assert backend.content_hashes(["doc-a", "nope"]) == {"doc-a": a.content_hash}
        (docs_index,) = fake.aliases["gt-documents"]
        (para_index,) = fake.aliases["gt-paragraphs"]
        assert sorted(fake.indices[para_index]) == ["doc-a#0", "doc-a#1", "doc-b#0", "doc-b#1"]
        # the same text twice: one duplicate group, named after the first document
        assert backend.get("doc-b")["group_id"] == "doc-a" and backend.get("doc-a")["copies"] == 2

        shorter = Document(text="只剩一段。", id="doc-a", title="新")
        assert backend.write(_items(shorter)).updated == 1
        assert sorted(fake.indices[para_index]) == ["doc-a#0", "doc-b#0", "doc-b#1"]  # stale paragraph deleted

        got = backend.get("doc-a")
        assert got["text"] == "只剩一段。" and got["paragraphs"] == ["只剩一段。"] and got["copies"] == 1
        assert got["paragraph_recurrence"] == [1]
        assert backend.get("doc-b")["group_id"] == "doc-b"  # the rewritten doc-a handed its group on
        assert backend.get("nope") is None
        assert [d["id"] for d in backend.iter_documents()] == ["doc-a", "doc-b"]

        resp = backend.search(SearchRequest(q="枫桥经验", limit=10))
        assert resp.total == 1 and {h.id for h in resp.hits} == {"doc-b"}
        assert all(h.copies == 1 and h.group_id == h.id for h in resp.hits)
        assert set(resp.facets) == set(FACETS)
        hit_b = next(h for h in resp.hits if h.id == "doc-b")
        assert "<mark>枫桥经验</mark>" in hit_b.snippet and hit_b.themes == ["fengqiao"]

        assert [h.id for h in backend.similar("doc-b")] in ([], ["doc-a"])
        with pytest.raises(NotFound):
            backend.similar("nope")

        stats = backend.stats()
        assert (
            stats["documents"] == 2
            and stats["paragraphs"] == 3
            and stats["characters"] == len("只剩一段。") + len(b.text)
        )

        assert backend.update_groups({"doc-a": "doc-b"}) == 1
        assert backend.get("doc-a")["group_id"] == "doc-b" and backend.get("doc-b")["copies"] == 2

        assert backend.reindex() == 2
        (new_docs,) = fake.aliases["gt-documents"]
        assert new_docs != docs_index and docs_index not in fake.indices and para_index not in fake.indices
        assert [d["id"] for d in backend.iter_documents()] == ["doc-a", "doc-b"]
        assert len(fake.indices[next(iter(fake.aliases["gt-paragraphs"]))]) == 3

        assert backend.get("doc-a")["group_id"] == "doc-a"  # a reindex computes the groups again
        backend.update_groups({"doc-a": "doc-b"})
        backend.write(_items(Document(text="再改一次。", id="doc-a")))
        assert backend.get("doc-a")["group_id"] == "doc-a"  # ... and so does a rewrite

        assert backend.delete(["doc-a", "nope"]) == 1
        assert backend.get("doc-a") is None and backend.stats()["paragraphs"] == 2
        assert backend.get("doc-b")["copies"] == 1

        backend.drop_indices()
        assert not fake.indices and not fake.templates
    finally:
        backend.close()


def test_strict_mapping_rejections_surface_as_backend_errors(fake_cluster, tmp_path, monkeypatch):
    fake, url = fake_cluster
    backend = ElasticBackend(load_settings(data_dir=tmp_path, es_url=url, es_prefix="gt"))
    try:
        import search.elastic as elastic

        original = elastic.document_source
        monkeypatch.setattr(elastic, "document_source", lambda *a, **k: {**original(*a, **k), "surprise": 1})
        with pytest.raises(BackendError) as info:
            backend.write(_items(_doc()))
        assert "strict_dynamic_mapping_exception" in info.value.message
    finally:
        backend.close()


def test_an_old_server_is_refused(fake_cluster, tmp_path):
    fake, url = fake_cluster
    fake.version, fake.major = "7.17.9", 7
    backend = ElasticBackend(load_settings(data_dir=tmp_path, es_url=url))
    try:
        with pytest.raises(BackendError) as info:
            backend.health()
        assert "7.17.9" in info.value.message and "8.x or 9.x" in info.value.message
    finally:
        backend.close()


# -- 5. duplicate detection (search/elastic_dedup.py) ----------------------------------------
P1 = "坚持和发展新时代枫桥经验，健全党组织领导的自治、法治、德治相结合的城乡基层治理体系，完善网格化管理、精细化服务、信息化支撑的基层治理平台，推动矛盾纠纷就地化解。"
P2 = "全市共建成综治中心120个，配备专职网格员3000余名，全年排查化解各类矛盾纠纷1万余件，调解成功率达到98%以上，群众安全感和满意度持续提升。"
P3 = "下一步，我们将进一步完善诉源治理机制，推动人民调解、行政调解、司法调解有机衔接，加快建设一站式矛盾纠纷调解中心，努力把矛盾纠纷化解在萌芽状态。"
STOCK = "加强组织领导，各级党委和政府要把市域社会治理现代化工作摆上重要议事日程，主要负责同志亲自抓，分管负责同志具体抓，确保各项任务落到实处。"
OTHER = [
    "今年以来，区教育局围绕义务教育优质均衡发展目标，新建改扩建中小学校六所，新增学位四千余个，有效缓解了城区学校大班额问题。",
    "全区农业农村工作坚持稳中求进，粮食播种面积稳定在八十万亩以上，高标准农田建设任务全面完成，农村居民人均可支配收入持续增长。",
]
DEDUP_PROPS = {"dd_hash", "dd_bands", "dd_fps", "dd_norm", "dd_norm_len", "dd_scheme", "cluster", "site"}


def test_paragraph_mapping_has_the_dedup_fields():
    props = load_template("paragraphs", "govtext")["template"]["mappings"]["properties"]
    assert DEDUP_PROPS <= set(props)
    for name in ("dd_hash", "dd_bands", "dd_fps", "dd_scheme", "cluster", "site"):
        assert props[name]["type"] == "keyword", name
    assert props["dd_norm_len"]["type"] == "integer"
    # dd_norm is indexed as overlapping character bigrams: a phrase query on it is containment (tracing)
    template = load_template("paragraphs", "govtext")["template"]
    assert props["dd_norm"] == {"type": "text", "analyzer": "govtext_bigrams", "norms": False}
    analysis = template["settings"]["analysis"]
    assert analysis["analyzer"]["govtext_bigrams"]["tokenizer"] == "govtext_bigram"
    assert analysis["tokenizer"]["govtext_bigram"] == {"type": "ngram", "min_gram": 2, "max_gram": 2, "token_chars": []}
    assert scheme_meta()["norm_index"] == NORM_INDEX


def test_tracing_bodies():
    body = containing_body("坚持和发展新时代□□经验", 50, doc_ids=["b", "a"])
    assert body["query"]["bool"]["must"] == [{"match_phrase": {"dd_norm": {"query": "坚持和发展新时代□□经验"}}}]
    assert body["query"]["bool"]["filter"] == [{"terms": {"doc_id": ["a", "b"]}}]
    assert body["size"] == 50 and body["sort"] == [{"doc_id": "asc"}, {"idx": "asc"}]
    assert containing_body("abcd", 5)["query"]["bool"]["filter"] == []
    members = cluster_members_body("c123", 7)
    assert members["query"]["bool"]["filter"] == [{"term": {"cluster": "c123"}}] and members["size"] == 7


def test_paragraph_sources_with_fingerprints_fit_the_strict_mapping():
    from dedup.fingerprint import fingerprint_fields

    props = load_template("paragraphs", "govtext")["template"]["mappings"]["properties"]
    dups = ElasticDuplicates(None)
    dups.msearch = lambda index, bodies, action: [{"hits": {"hits": []}}] * len(bodies)  # an empty index
    plan = dups.plan([("doc-1", "www.gov.cn", [P1, "短"]), ("doc-2", "", [P1])], "gt-paragraphs")
    src = paragraph_source("doc-1", 0, P1, 1, plan.fields[0][0])
    assert set(src) <= set(props) and DEDUP_PROPS <= set(src)
    # the same keys as dedup.fingerprint's ES representation, as decimal strings
    want = fingerprint_fields(P1)
    assert {k: src[k] for k in want} == want
    assert all(isinstance(k, str) and int(k) == int(k) for k in src["dd_bands"] + src["dd_fps"])
    assert plan.fields[1][0]["cluster"] == src["cluster"]  # an exact twin in the batch: one cluster
    assert plan.fields[0][1]["cluster"] != src["cluster"] and plan.fields[0][1]["dd_bands"] == []
    assert "site" not in plan.fields[1][0]  # no empty keyword
    assert plan.doc_clusters[1] == {src["cluster"]: src["dd_norm_len"]} and not plan.stored_clusters


def test_lookup_bodies():
    body = keyed_body("dd_fps", ["11", "-12"], 48, ["doc-1"])
    assert body["query"]["bool"]["should"] == [
        {"term": {"dd_fps": {"value": "11", "_name": "11"}}},
        {"term": {"dd_fps": {"value": "-12", "_name": "-12"}}},
    ]
    assert body["query"]["bool"]["must_not"] == [{"terms": {"doc_id": ["doc-1"]}}]
    assert body["collapse"] == {"field": "dd_hash"} and body["size"] == 48 and body["_source"] is False
    exact = exact_body(["5"], 10)
    assert exact["query"] == {"bool": {"filter": [{"terms": {"dd_hash": ["5"]}}]}}
    assert (
        exact["collapse"]["inner_hits"]["size"] == 10
        and exact_body(["5"], 500)["collapse"]["inner_hits"]["size"] == 100
    )
    near = near_body(["1", "2"], 24)
    assert near["query"]["bool"]["should"][0] == {"constant_score": {"filter": {"term": {"dd_bands": "1"}}}}
    assert near["query"]["bool"]["minimum_should_match"] == 1 and near["size"] == 24
    props = set(load_template("paragraphs", "govtext")["template"]["mappings"]["properties"])
    for b in (body, exact, near, boilerplate_body(3, 150)):
        assert dsl.Search.from_dict(json.loads(json.dumps(b))).to_dict() == b
        assert _fields_in(b) <= props | {"_doc", "_score"}, _fields_in(b) - props
    assert set(near["_source"]) <= props
    relabel = relabel_body("cluster", ["b", "a"], "c", ["x#0"])
    assert relabel["query"] == {
        "bool": {"filter": [{"terms": {"cluster": ["a", "b"]}}], "must_not": [{"ids": {"values": ["x#0"]}}]}
    }
    assert relabel["script"] == {
        "source": RELABEL_SCRIPT,
        "lang": "painless",
        "params": {"field": "cluster", "value": "c"},
    }


def test_boilerplate_body_orders_clusters_by_distinct_documents():
    aggs = boilerplate_body(3, 150)["aggs"]["clusters"]
    assert aggs["terms"] == {
        "field": "cluster",
        "size": 150,
        "min_doc_count": 3,
        "order": [{"docs": "desc"}, {"_count": "desc"}, {"_key": "asc"}],
    }
    assert aggs["aggs"]["docs"] == {"cardinality": {"field": "doc_id"}}
    assert aggs["aggs"]["sites"] == {"cardinality": {"field": "site"}}
    assert aggs["aggs"]["enough"]["bucket_selector"]["script"] == "params.docs >= 3"
    assert boilerplate_body(3, 150)["query"] == {"range": {"dd_norm_len": {"gte": 10}}}


def _dedup_corpus():
    import random

    from dedup.repost import repost

    rng = random.Random(7)
    original = Document(
        text="\n".join([P1, P2, P3, STOCK]), id="orig", title="某市社会治理工作总结", url="https://www.a.gov.cn/1.html"
    )
    copy = Document(
        text="\n".join(repost(p, rng, ("place", "number", "punct")) for p in original.text.split("\n")),
        id="copy",
        title="xx市社会治理工作总结",
        url="https://www.b.com/2.html",
    )
    others = [
        Document(text=f"{OTHER[0]}\n{STOCK}", id="other-1", url="https://www.c.gov.cn/3.html"),
        Document(text=f"{OTHER[1]}\n{STOCK}", id="other-2", url="https://www.c.gov.cn/4.html"),
    ]
    return original, copy, others


def test_duplicate_detection_against_a_fake_cluster(fake_cluster, tmp_path):
    fake, url = fake_cluster
    backend = ElasticBackend(load_settings(data_dir=tmp_path, es_url=url, es_prefix="gt"))
    try:
        original, copy, others = _dedup_corpus()
        backend.write(_items(original))
        backend.write(_items(copy, *others))
        (para_index,) = fake.aliases["gt-paragraphs"]
        assert fake.created[para_index]["_meta"]["govtext_dedup"] == scheme_meta()
        stored = fake.indices[para_index]
        assert all(DEDUP_PROPS - {"site"} <= set(p) for p in stored.values())
        # reposted paragraphs joined the original's clusters; copy and original are one group
        for i in range(4):
            assert stored[f"copy#{i}"]["cluster"] == stored[f"orig#{i}"]["cluster"], i
        assert stored["other-1#1"]["cluster"] == stored["orig#3"]["cluster"]
        assert stored["other-1#0"]["cluster"] != stored["other-2#0"]["cluster"]
        assert backend.get("copy")["group_id"] == backend.get("orig")["group_id"] == "orig"
        assert backend.get("other-1")["group_id"] == "other-1"
        assert backend.get("orig")["paragraph_recurrence"] == [2, 2, 2, 4]
        assert [c["id"] for c in backend.copies("copy")] == ["orig", "copy"]
        assert backend.copies("other-2") == [
            {"id": "other-2", "title": "", "url": "https://www.c.gov.cn/4.html", "date": "", "source": ""}
        ]
        # the lookups went out as msearch bodies
        sent = [b for m, p, lines in fake.requests if p.endswith("_msearch") for b in lines[1::2]]
        assert any("collapse" in b and "dd_bands" in json.dumps(b["query"]) for b in sent)

        report = backend.check(P2)
        assert report["overlap_ratio"] > 0.95
        assert {s["doc_id"] for s in report["matches"][0]["sources"]} >= {"orig"}
        assert any(s["title"] == "某市社会治理工作总结" for s in report["matches"][0]["sources"])
        weak = backend.check("我们要加强组织领导，推进市域社会治理现代化，为全市经济社会发展营造良好环境。")
        assert weak["overlap_ratio"] < 0.3

        items = backend.boilerplate(min_docs=3)
        assert len(items) == 1
        (item,) = items
        assert (item["docs"], item["paragraphs"], item["sites"]) == (4, 4, 3)
        assert item["text"] in (STOCK, copy.text.split("\n")[3])
        assert sum(v["count"] for v in item["variants"]) == 4
        assert {(o["doc_id"], o["paragraph_index"]) for o in item["occurrences"]} == {
            ("orig", 3),
            ("copy", 3),
            ("other-1", 1),
            ("other-2", 1),
        }
        assert next(o for o in item["occurrences"] if o["doc_id"] == "orig")["title"] == "某市社会治理工作总结"
        assert backend.boilerplate(min_docs=5) == []

        # deleting the group's first document hands the group id on
        assert backend.delete(["orig"]) == 1
        assert backend.get("copy")["group_id"] == "copy" and backend.copies("copy")[0]["id"] == "copy"
    finally:
        backend.close()


def test_an_index_with_another_scheme_is_refused_until_reindex(fake_cluster, tmp_path):
    fake, url = fake_cluster
    backend = ElasticBackend(load_settings(data_dir=tmp_path, es_url=url, es_prefix="gt"))
    try:
        backend.write(_items(_doc(id="doc-a")))
        (para_index,) = fake.aliases["gt-paragraphs"]
        fake.created[para_index]["_meta"]["govtext_dedup"]["dd_scheme"] = "norm-0/old"
        reopened = ElasticBackend(load_settings(data_dir=tmp_path, es_url=url, es_prefix="gt"))
        for call in (
            lambda: reopened.write(_items(_doc(id="doc-b"))),
            lambda: reopened.check(P1),
            reopened.boilerplate,
            lambda: reopened.copies("doc-a"),
        ):
            with pytest.raises(BackendError) as info:
                call()
            assert info.value.code == "dedup_rebuild_needed" and "govtext reindex" in info.value.message
        assert reopened.search(SearchRequest(q="枫桥经验")).total == 1  # search still works
        assert "paragraph_recurrence" not in reopened.get("doc-a")
        assert reopened.reindex() == 1
        reopened.write(_items(_doc(id="doc-b")))
        assert reopened.get("doc-b")["group_id"] == "doc-a"
        reopened.close()
    finally:
        backend.close()
