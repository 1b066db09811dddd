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
from search.elastic import (
    COLLAPSE_FIELD, HIT_SOURCE, ElasticBackend, alias_name, build_search_body, check_prefix, compile_query,
    concrete_name, document_source, es_id, facet_aggs, filter_clauses, load_template, paragraph_id,
    paragraph_source, parse_facets, phrase_query, similar_body, sort_clause, token_query, tokens_query, with_boost,
)
from search.query import And, Not, Or, Phrase, Term, parse_query
from search.tantivy_index import PHRASE_BOOST, SUB_BOOST, TITLE_BOOST

dsl = pytest.importorskip("elasticsearch.dsl")


def roundtrip(query: dict) -> dict:
    """The query through the client's DSL classes and back (unknown query types raise)."""
    return dsl.Q(query).to_dict()


def single(token: str) -> dict:
    return {"bool": {"should": [{"term": {"title": {"value": token, "boost": TITLE_BOOST}}},
                                {"term": {"body": {"value": token}}},
                                {"term": {"title_sub": {"value": token}}},
                                {"term": {"sub": {"value": token, "boost": SUB_BOOST}}}],
                     "minimum_should_match": 1}}


def in_field(field: str, token: str) -> dict:
    """A token searched in one field: the field itself and the sub-words of that field."""
    sub_field = {"title": "title_sub", "body": "sub"}[field]
    return {"bool": {"should": [{"term": {field: {"value": token}}},
                                {"term": {sub_field: {"value": token, "boost": SUB_BOOST}}}],
                     "minimum_should_match": 1}}


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
    assert phrase == {"bool": {"should": [
        {"match_phrase": {"title": {"query": "信访 条例", "slop": 0, "boost": TITLE_BOOST}}},
        {"match_phrase": {"body": {"query": "信访 条例", "slop": 0}}}],
        "minimum_should_match": 1, "boost": PHRASE_BOOST}}
    assert "minimum_should_match" not in q["bool"]  # the phrase only ranks, it does not filter
    assert roundtrip(q) == q


def test_multi_token_word_in_a_field():
    q = tokens_query(("信访", "条例"), "title")
    assert q == {"bool": {"must": [in_field("title", "信访"), in_field("title", "条例")],
                          "should": [{"match_phrase": {"title": {"query": "信访 条例", "slop": 0,
                                                                 "boost": PHRASE_BOOST}}}]}}


def test_phrase_is_match_phrase_on_space_joined_tokens_without_subwords():
    q = compile_query(Phrase("社会治安 整体防控", ("社会治安", "整体", "防控")))
    assert q == {"bool": {"should": [
        {"match_phrase": {"title": {"query": "社会治安 整体 防控", "slop": 0, "boost": TITLE_BOOST}}},
        {"match_phrase": {"body": {"query": "社会治安 整体 防控", "slop": 0}}}], "minimum_should_match": 1}}
    assert "sub" not in json.dumps(q)
    assert compile_query(Phrase("x", ("枫桥经验",), "title")) == in_field("title", "枫桥经验")
    assert phrase_query(("a", "b"), "body") == {"match_phrase": {"body": {"query": "a b", "slop": 0}}}


def test_synonyms_widen_a_word_to_an_or():
    q = compile_query(Term("枫桥经验", ("枫桥经验",), None, (("新时代枫桥经验",), ("枫桥", "经验"))))
    assert q["bool"]["minimum_should_match"] == 1
    assert q["bool"]["should"] == [single("枫桥经验"), single("新时代枫桥经验"), phrase_query(("枫桥", "经验"), None)]


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
    for raw in ["枫桥经验 调解", '"矛盾纠纷 多元化解"', "网格员 OR 网格管理员", "电网 NOT 网格化", "网格 -电网",
                "title:实施方案", '(雪亮工程 OR 天网) 农村', 'title:"实施方案" 调解 -text:电网']:
        q = compile_query(parse_query(raw, config).root)
        assert roundtrip(q) == q, raw
    with pytest.raises(TypeError):
        compile_query("not a node")


def test_with_boost_multiplies_and_wraps():
    assert with_boost({"term": {"body": {"value": "a", "boost": 2.0}}}, 1.5) == {"term": {"body": {"value": "a", "boost": 3.0}}}
    assert with_boost({"bool": {"must": []}}, 2.0) == {"bool": {"must": [], "boost": 2.0}}
    assert with_boost({"match_all": {}}, 2.0) == {"bool": {"must": [{"match_all": {}}], "boost": 2.0}}
    q = {"term": {"body": {"value": "a"}}}
    assert with_boost(q, 1.0) is q
    assert token_query("a", "body") == in_field("body", "a")


def test_filters_become_bool_filter_clauses():
    req = SearchRequest(q="调解", themes=["fengqiao", "dispute_resolution"], region="浙江省", year=2021,
                        doc_type="report", site="www.gov.cn")
    assert filter_clauses(req) == [
        {"term": {"theme": "fengqiao"}}, {"term": {"theme": "dispute_resolution"}},
        {"term": {"region": "浙江省"}}, {"term": {"doc_type": "report"}}, {"term": {"site": "www.gov.cn"}},
        {"term": {"year": 2021}}]
    assert filter_clauses(SearchRequest(q="调解")) == []
    body = build_search_body(Term("调解", ("调解",), "body"), req)
    assert body["query"] == {"bool": {"must": [in_field("body", "调解")], "filter": filter_clauses(req)}}
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
    aggs = {"theme": {"buckets": [{"key": "fengqiao", "doc_count": 3}]},
            "year": {"buckets": [{"key": 2026, "doc_count": 2}, {"key": 0, "doc_count": 5}]},
            "region": {"buckets": []}}
    assert parse_facets(aggs) == {"theme": [{"value": "fengqiao", "count": 3}], "region": [],
                                  "year": [{"value": 2026, "count": 2}], "doc_type": [], "site": [],
                                  "city": []}
    assert set(facet_aggs()) == set(FACETS)


def test_similar_body_weights_terms_and_excludes_the_document():
    body = similar_body([("枫桥经验", 3.5), ("调解", 0.0)], "doc-1", 5)
    assert body["query"]["bool"]["should"] == [{"term": {"body": {"value": "枫桥经验", "boost": 3.5}}},
                                               {"term": {"body": {"value": "调解", "boost": 0.01}}}]
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
    return Document(text="第一段讲枫桥经验。\n第二段讲人民调解。", id=kw.pop("id", "doc-1"), title="某市实施方案",
                    url="https://www.example.gov.cn/a.html", date="2021-03-04", region="浙江省", **kw)


def test_document_source_fits_the_strict_mapping():
    props = load_template("documents", "govtext")["template"]["mappings"]["properties"]
    doc = _doc()
    analysis = {"themes": [{"id": "fengqiao", "score": 1.0}], "primary_region": {"province": "浙江省", "city": "杭州市"}}
    src = document_source(doc.to_dict(), ["第一段讲枫桥经验。", "第二段讲人民调解。"], analysis, group="doc-1",
                          content_hash=doc.content_hash, added_at="a", updated_at="b", indexed_at=1)
    assert set(src) <= set(props), set(src) - set(props)
    assert src["title"].split() and "枫桥经验" in src["body"].split()
    assert (src["theme"], src["region"], src["city"], src["site"], src["year"], src["date_key"]) == (
        ["fengqiao"], "浙江省", "杭州市", "www.example.gov.cn", 2021, 20210304)
    assert src["stored"]["doc"] == doc.to_dict() and src["paragraph_count"] == 2
    bare = document_source(Document(text="无元数据").to_dict(), ["无元数据"], {}, group="g", content_hash="h",
                           added_at="", updated_at="", indexed_at=0)
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
        for call in (lambda: backend.search(SearchRequest(q="枫桥经验")), backend.health, backend.stats,
                     lambda: backend.get("x"), lambda: list(backend.iter_documents())):
            with pytest.raises(BackendError) as info:
                call()
            assert "cannot reach Elasticsearch" in info.value.message and "secret" not in info.value.message
            assert info.value.status == 503
    finally:
        backend.close()


# -- 4. a fake cluster on loopback ----------------------------------------------------------
SHARDS = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}


class FakeES:
    """Just enough of Elasticsearch's HTTP API, in memory, to run the backend's calls.

    It checks what a real server would refuse on the way (the compatibility
    header of another major, unknown aliases with require_alias, strict
    mappings) but answers every search with all documents of the index."""

    def __init__(self, version: str = "8.15.3"):
        self.version = version
        self.major = int(version.split(".")[0])
        self.templates: dict[str, dict] = {}
        self.indices: dict[str, dict[str, dict]] = {}
        self.aliases: dict[str, set[str]] = {}
        self.accepts: list[str] = []
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
            return 400, {"error": {"type": "media_type_header_exception",
                                   "reason": f"Accept version must be either version {self.major} or "
                                             f"{self.major - 1}, but found {m.group(1)}"}, "status": 400}
        parts = [p for p in path.split("/") if p]
        data = body.decode() if body else ""
        j = json.loads(data) if data and not path.endswith("_bulk") else {}
        with self.lock:
            return self.route(method, parts, params, j, data)

    def route(self, method, parts, params, j, raw):
        if not parts:
            return 200, {"name": "fake", "cluster_name": "fake", "version": {"number": self.version},
                         "tagline": "You Know, for Search"}
        head = parts[0]
        if head == "_index_template":
            if method == "PUT":
                assert set(j) <= {"index_patterns", "template", "priority", "version", "_meta", "composed_of"}, j
                self.templates[parts[1]] = j
                return 200, {"acknowledged": True}
            if method == "DELETE":
                return (200, {"acknowledged": True}) if self.templates.pop(parts[1], None) else (404, {"error": "missing", "status": 404})
        if head == "_alias":
            name = unquote(parts[1])
            if name not in self.aliases:
                return 404, {"error": f"alias [{name}] missing", "status": 404}
            return 200, {i: {"aliases": {name: {}}} for i in sorted(self.aliases[name])}
        if head == "_aliases":
            for action in j["actions"]:
                (kind, spec), = action.items()
                getattr(self.aliases.setdefault(spec["alias"], set()), "add" if kind == "add" else "discard")(spec["index"])
            return 200, {"acknowledged": True}
        if head == "_resolve":
            names = self.resolve(parts[2])
            return 200, {"indices": [{"name": n} for n in names], "aliases": [], "data_streams": []}
        if head == "_bulk":
            return 200, self.bulk(raw, params)
        if head == "_search" and parts[1:] == ["scroll"]:
            return 200, ({"succeeded": True} if method == "DELETE" else
                         {"_scroll_id": "s", "_shards": SHARDS, "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}})
        if head == "_cluster":
            return 200, {"cluster_name": "fake", "status": "green"}
        if len(parts) == 1:
            if method == "PUT":
                if parts[0] in self.indices:
                    return 400, {"error": {"type": "resource_already_exists_exception", "reason": parts[0]}, "status": 400}
                self.indices[parts[0]] = {}
                for alias in (j.get("aliases") or {}):
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
        if op == "_doc":
            key = unquote(parts[2])
            if key in docs:
                return 200, {"_index": indices[0], "_id": key, "found": True, "_source": docs[key]}
            return 404, {"_index": indices[0], "_id": key, "found": False}
        if op == "_mget":
            return 200, {"docs": [{"_id": i, "found": i in docs, **({"_source": docs[i]} if i in docs else {})}
                                  for i in j["ids"]]}
        if op == "_count":
            term = ((j.get("query") or {}).get("term") or {})
            n = sum(1 for d in docs.values() if all(d.get(f) == v for f, v in term.items()))
            return 200, {"count": n}
        if op == "_termvectors":
            tokens = j["doc"]["body"].split()
            return 200, {"term_vectors": {"body": {"terms": {
                t: {"term_freq": 1, **({"doc_freq": n} if (n := sum(t in d.get("body", "").split() for d in docs.values())) else {})}
                for t in tokens}}}}
        if op == "_stats":
            return 200, {"indices": {i: {"primaries": {"store": {"size_in_bytes": 1000}}} for i in indices}}
        if op == "_search":
            return 200, self.search(indices, docs, j, params)
        return 400, {"error": {"type": "fake_unsupported", "reason": f"{op} is not faked"}, "status": 400}

    def bulk(self, raw: str, params: dict) -> dict:
        lines = [json.loads(line) for line in raw.splitlines() if line.strip()]
        items, errors, i = [], False, 0
        while i < len(lines):
            (op, meta), = lines[i].items()
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
                    items.append({op: {"_id": meta["_id"], "status": 400, "error": {
                        "type": "strict_dynamic_mapping_exception", "reason": sorted(unknown)}}})
                    errors = True
                    continue
                store[meta["_id"]] = source
                items.append({op: {"_id": meta["_id"], "status": 201, "result": "created"}})
            elif op == "update":
                store[meta["_id"]].update(source["doc"])
                items.append({op: {"_id": meta["_id"], "status": 200, "result": "updated"}})
            elif op == "delete":
                found = store.pop(meta["_id"], None) is not None
                items.append({op: {"_id": meta["_id"], "status": 200 if found else 404,
                                   "result": "deleted" if found else "not_found"}})
        return {"took": 1, "errors": errors, "items": items}

    def search(self, indices, docs, j, params) -> dict:
        rows = sorted(docs.items())
        must_not = ((j.get("query") or {}).get("bool") or {}).get("must_not") or []
        excluded = {v for clause in must_not for v in (clause.get("ids") or {}).get("values", [])}
        rows = [(k, v) for k, v in rows if k not in excluded]
        if j.get("search_after"):
            rows = [(k, v) for k, v in rows if v["id"] > j["search_after"][0]]
        total = len(rows)
        start, size = j.get("from", 0), params.get("size", [None])[0] or j.get("size", 10)
        page = rows[start:start + int(size)]
        hits = []
        for k, v in page:
            hit = {"_index": indices[0], "_id": k, "_score": 1.0, "_source": v, "sort": [v.get("id", k)]}
            if "collapse" in j:
                hit["inner_hits"] = {"copies": {"hits": {"total": {"value": 1, "relation": "eq"}, "hits": []}}}
            hits.append(hit)
        out = {"took": 1, "_shards": SHARDS, "hits": {"total": {"value": total, "relation": "eq"}, "hits": hits}}
        if "scroll" in params:
            out["_scroll_id"] = "s"
        aggs = j.get("aggs") or {}
        if aggs:
            out["aggregations"] = {name: ({"value": float(sum(v.get("chars", 0) for _, v in rows))} if "sum" in spec
                                          else {"buckets": []}) for name, spec in aggs.items()}
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

        shorter = Document(text="只剩一段。", id="doc-a", title="新")
        assert backend.write(_items(shorter)).updated == 1
        assert sorted(fake.indices[para_index]) == ["doc-a#0", "doc-b#0", "doc-b#1"]  # stale paragraph deleted

        got = backend.get("doc-a")
        assert got["text"] == "只剩一段。" and got["paragraphs"] == ["只剩一段。"] and got["copies"] == 1
        assert backend.get("nope") is None
        assert [d["id"] for d in backend.iter_documents()] == ["doc-a", "doc-b"]

        resp = backend.search(SearchRequest(q="枫桥经验", limit=10))
        assert resp.total == 2 and {h.id for h in resp.hits} == {"doc-a", "doc-b"}
        assert all(h.copies == 1 and h.group_id == h.id for h in resp.hits)
        assert set(resp.facets) == set(FACETS)
        hit_b = next(h for h in resp.hits if h.id == "doc-b")
        assert "<mark>枫桥经验</mark>" in hit_b.snippet and hit_b.themes == ["fengqiao"]

        assert [h.id for h in backend.similar("doc-b")] in ([], ["doc-a"])
        with pytest.raises(NotFound):
            backend.similar("nope")

        stats = backend.stats()
        assert stats["documents"] == 2 and stats["paragraphs"] == 3 and stats["characters"] == len("只剩一段。") + len(b.text)

        assert backend.update_groups({"doc-a": "doc-b"}) == 1
        assert backend.get("doc-a")["group_id"] == "doc-b" and backend.get("doc-b")["copies"] == 2

        assert backend.reindex() == 2
        (new_docs,) = fake.aliases["gt-documents"]
        assert new_docs != docs_index and docs_index not in fake.indices and para_index not in fake.indices
        assert [d["id"] for d in backend.iter_documents()] == ["doc-a", "doc-b"]
        assert len(fake.indices[next(iter(fake.aliases["gt-paragraphs"]))]) == 3

        assert backend.get("doc-a")["group_id"] == "doc-b"  # groups survive a reindex ...
        backend.write(_items(Document(text="再改一次。", id="doc-a")))
        assert backend.get("doc-a")["group_id"] == "doc-b"  # ... and a rewrite

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
