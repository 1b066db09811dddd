"""One conformance suite for the search backends (DESIGN.md, "The two backends").

Every case runs against ``embedded`` (SQLite + tantivy), ``elasticsearch`` and
``opensearch``. The OpenSearch run uses a real OpenSearch 2.19 node: with
``GOVTEXT_OPENSEARCH_TESTS=1`` (``make test-opensearch``) the session starts one
from engines/opensearch/ (tests/opensearch_node.py), or ``GOVTEXT_OPENSEARCH_URL``
names a running one; without either those cases are skipped with that reason.
The Elasticsearch run needs a cluster: set ``GOVTEXT_ES_URL`` (for example
``docker compose -f docker-compose.es.yml up -d`` and
``GOVTEXT_ES_URL=http://127.0.0.1:9200``); without it those cases are
skipped with that reason in the summary. Each Elasticsearch backend gets its
own index prefix (``govtext-test-<run>-<n>``) and its indices and templates
are deleted afterwards.

Expected results are not copied from one backend into the other: a small
oracle evaluates the parsed query over the same jieba tokens in Python
(every token of a word present in title or body, or without a field among
the sub-words of longer tokens; a phrase's tokens adjacent in one field;
AND / OR / NOT as set operations; filters and facets from the shared
``facet_values``), so both backends are held to the same answers, and so
agree with each other. The Elasticsearch run also compares itself
directly with an embedded backend holding the same documents.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from collections import Counter
from pathlib import Path

import pytest

from govtext.documents import Document
from govtext.errors import BadInput, NotFound, QuerySyntaxError
from govtext.settings import load_settings
from nlp.segment import index_tokens, subword_string
from search.backend import IndexedDocument, SearchRequest
from search.query import And, Match, Not, Or, Phrase, Term, parse_query, relax, widen
from search.store import StoredDocument
from opensearch_node import OS_SKIP

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
REPORTS, LAWS = CORPUS / "reports.jsonl", CORPUS / "laws.jsonl"
ES_URL = os.environ.get("GOVTEXT_ES_URL", "")
RUN = uuid.uuid4().hex[:8]
_serial = itertools.count()

#: provincial 2026 reports (上海, 北京, 山东), national 2025 and 2024 reports, an undated resolution
REPORT_IDS = [
    "rep-563d364dedf7",
    "rep-fb7a54be26c9",
    "rep-70148bc3e536",
    "rep-3061c640b934",
    "rep-0d1c30220ac7",
    "rep-d49670a9fbe2",
]
#: 上海市信访条例, 北京市信访条例 (undated), 人民调解法, a judicial interpretation, 社区矫正法
LAW_IDS = ["law-4e0ae695465c", "law-106903edc66b", "law-df16b1784ce7", "law-3065d42a9e47", "law-10fdb32e8829"]

ES_SKIP = pytest.mark.skipif(
    not ES_URL, reason="Elasticsearch run skipped: GOVTEXT_ES_URL is not set (see README, 'Elasticsearch')"
)
BACKENDS = [
    "embedded",
    pytest.param("elasticsearch", marks=[pytest.mark.es, ES_SKIP]),
    pytest.param("opensearch", marks=[pytest.mark.opensearch, OS_SKIP]),
]
#: the scale-out engines, for the cases only they have
ENGINES = [
    pytest.param("elasticsearch", marks=[pytest.mark.es, ES_SKIP]),
    pytest.param("opensearch", marks=[pytest.mark.opensearch, OS_SKIP]),
]

# A tiny deterministic tagger, so theme filters and facets are tested without
# depending on the NLP models: the backends only store and count what they get.
THEME_RULES = {
    "fengqiao": "枫桥经验",
    "dispute_resolution": "调解",
    "smart_governance": "大数据",
    "special_groups": "社区矫正",
}


def fake_analysis(doc: Document) -> dict:
    text = doc.title + "\n" + doc.text
    return {
        "themes": [{"id": tid, "score": 1.0, "evidence": [word]} for tid, word in THEME_RULES.items() if word in text]
    }


def _read(path: Path, ids: list[str]) -> list[dict]:
    wanted, found = set(ids), {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            head = line[:60]
            if any(i in head for i in wanted):
                data = json.loads(line)
                if data["id"] in wanted:
                    found[data["id"]] = data
                    if len(found) == len(wanted):
                        break
    return [found[i] for i in ids if i in found]


@pytest.fixture(scope="module")
def corpus_docs() -> list[Document]:
    if not (REPORTS.exists() and LAWS.exists()):
        pytest.skip("../shared/corpus (reports.jsonl, laws.jsonl) is not beside the repo")
    rows = _read(REPORTS, REPORT_IDS) + _read(LAWS, LAW_IDS)
    assert len(rows) == len(REPORT_IDS) + len(LAW_IDS), "the chosen corpus documents changed"
    return [Document.from_dict(r) for r in rows]


def enriched(docs: list[Document]) -> list[IndexedDocument]:
    from pipeline import enrich

    return [enrich(d, fake_analysis) for d in docs]


def open_named(kind: str, tmp: Path, request=None):
    """A backend of ``kind``; the OpenSearch one needs ``request`` (for the session's node)."""
    from search import open_backend

    if kind == "embedded":
        return open_backend(load_settings(data_dir=tmp, backend="embedded"))
    prefix = f"govtext-test-{RUN}-{next(_serial)}"
    if kind == "opensearch":
        url = request.getfixturevalue("opensearch_url")
        return open_backend(load_settings(data_dir=tmp, backend="opensearch", opensearch_url=url, es_prefix=prefix))
    return open_backend(load_settings(data_dir=tmp, backend="elasticsearch", es_url=ES_URL, es_prefix=prefix))


def dispose(backend) -> None:
    try:
        if backend.name in ("elasticsearch", "opensearch"):
            backend.drop_indices()
    finally:
        backend.close()


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request, corpus_docs, tmp_path_factory):
    """A backend holding the chosen documents; read-only cases share it."""
    backend = open_named(request.param, tmp_path_factory.mktemp(f"conf-{request.param}"), request)
    try:
        summary = backend.write(enriched(corpus_docs))
        assert (summary.added, summary.updated, summary.unchanged) == (len(corpus_docs), 0, 0)
        yield backend
    finally:
        dispose(backend)


@pytest.fixture(params=BACKENDS)
def fresh(request, tmp_path):
    """An empty backend for cases that write and delete."""
    backend = open_named(request.param, tmp_path / "data", request)
    try:
        yield backend
    finally:
        dispose(backend)


# -- the oracle -------------------------------------------------------------------
class Oracle:
    """Brute-force answers over the same tokens the backends index."""

    def __init__(self, items: list[IndexedDocument]):
        from search.embedded import facet_values
        from search.fields import edition_key_of
        from search.versions import edition_status

        self.docs = {}
        for item in items:
            d = item.document
            title, body = index_tokens(d.title), index_tokens("\n".join(item.paragraphs))
            self.docs[d.id] = {
                "title": title,
                "body": body,
                "title_sub": subword_string(title).split(),
                "sub": subword_string(body).split(),
                "values": facet_values(StoredDocument(d, item.paragraphs, item.analysis, "", "")),
                "edition": edition_key_of(d.title, d.region, d.doc_type, item.analysis),
                "date": d.date,
            }
        # the edition status (search/versions.py) from the dates of every document of a key
        dates: dict[str, list[str]] = {}
        for doc in self.docs.values():
            if doc["edition"]:
                dates.setdefault(doc["edition"], []).append(doc["date"])
        for doc in self.docs.values():
            doc["status"] = edition_status(doc["date"], dates[doc["edition"]]) if doc["edition"] else ""

    @staticmethod
    def _has_run(tokens: list[str], run: tuple[str, ...]) -> bool:
        n = len(run)
        return any(tuple(tokens[i : i + n]) == run for i in range(len(tokens) - n + 1))

    def _fields(self, doc: dict, field: str | None) -> list[list[str]]:
        return [doc[field]] if field else [doc["title"], doc["body"]]

    def _word(self, doc: dict, tokens: tuple[str, ...], field: str | None) -> bool:
        # a word's tokens may each sit in title or body, or among the sub-words of that field
        subs = {"title": [doc["title_sub"]], "body": [doc["sub"]], None: [doc["title_sub"], doc["sub"]]}[field]
        present = set().union(*map(set, self._fields(doc, field) + subs))
        return all(t in present for t in tokens)

    def _phrase(self, doc: dict, tokens: tuple[str, ...], field: str | None) -> bool:
        if len(tokens) == 1:  # a one-token phrase is a word
            return self._word(doc, tokens, field)
        return any(self._has_run(f, tokens) for f in self._fields(doc, field))

    def matches(self, node, doc: dict) -> bool:
        if isinstance(node, Term):
            return self._word(doc, node.tokens, node.field) or any(
                self._phrase(doc, alt, node.field) for alt in node.synonyms
            )
        if isinstance(node, Phrase):
            return self._phrase(doc, node.tokens, node.field)
        if isinstance(node, And):
            return all(self.matches(i, doc) for i in node.items)
        if isinstance(node, Or):
            return any(self.matches(i, doc) for i in node.items)
        if isinstance(node, Not):
            return not self.matches(node.item, doc)
        if isinstance(node, Match):  # ranked matching: required, at least ``minimum`` optional, none excluded
            return (
                all(self.matches(i, doc) for i in node.required)
                and sum(self.matches(i, doc) for i in node.optional) >= node.minimum
                and not any(self.matches(i, doc) for i in node.excluded)
            )
        raise TypeError(node)

    def ids(self, q: str, page: int = 100, **filters) -> set[str]:
        root = parse_query(q, load_settings().config_dir).root
        out = self._ids(root, filters)
        if not out and relax(root) is not None:  # a strict query that finds nothing is relaxed
            out = self._ids(relax(root), filters)
        elif 0 < len(out) < page and widen(root) is not None:  # a short page of ranked matching is filled
            out = self._ids(widen(root), filters)
        return out

    def _ids(self, root, filters: dict) -> set[str]:
        out = set()
        for doc_id, doc in self.docs.items():
            v = doc["values"]
            if filters.get("year") and v["year"] != filters["year"]:
                continue
            if any(filters.get(k) and v[k] != filters[k] for k in ("region", "doc_type", "site")):
                continue
            if any(t not in v["themes"] for t in filters.get("themes", [])):
                continue
            if self.matches(root, doc):
                out.add(doc_id)
        return out

    def facets(self, ids: set[str]) -> dict[str, dict]:
        counts = {name: Counter() for name in ("theme", "region", "city", "year", "doc_type", "site", "status")}
        for doc_id in ids:
            if self.docs[doc_id]["status"]:
                counts["status"][self.docs[doc_id]["status"]] += 1
            v = self.docs[doc_id]["values"]
            counts["theme"].update(v["themes"])
            for name in ("region", "city", "doc_type", "site"):
                if v[name]:
                    counts[name][v[name]] += 1
            if v["year"]:
                counts["year"][v["year"]] += 1
        return {k: dict(c) for k, c in counts.items()}


@pytest.fixture(scope="module")
def oracle(corpus_docs) -> Oracle:
    return Oracle(enriched(corpus_docs))


def all_ids(backend, q: str, **kw) -> tuple[set[str], int]:
    resp = backend.search(SearchRequest(q=q, limit=100, collapse=False, facets=False, **kw))
    return {h.id for h in resp.hits}, resp.total


def facet_dict(resp) -> dict[str, dict]:
    return {name: {b["value"]: b["count"] for b in buckets} for name, buckets in resp.facets.items()}


# -- queries -------------------------------------------------------------------------
QUERIES = [
    "枫桥经验",  # a governance term, whole
    "政府工作报告",  # common, in titles and bodies
    "调解",
    '"社会治安整体防控体系"',  # phrase
    '"人民调解委员会"',
    "枫桥经验 矛盾纠纷",  # AND (default)
    "信访 AND 调解",
    "雪亮工程 OR 社区矫正",  # OR
    "政府工作报告 -上海",  # NOT with -
    "调解 NOT 枫桥经验",  # NOT keyword
    "title:政府工作报告",  # field search
    "title:信访条例",
    "(大数据 OR 信访) 人民",  # grouping
    "title:信访 -title:北京市",
    "枫桥经验 矛盾纠纷 调解",  # ranked matching: two of the three words
    "枫桥经验 and 矛盾纠纷 与 调解",  # explicit AND in any case / Chinese: all three
    "+枫桥经验 信访 调解 -上海",  # +word required, one of the rest, minus excluded
]


@pytest.mark.parametrize("q", QUERIES)
def test_hits_match_the_oracle(loaded, oracle, q):
    got, total = all_ids(loaded, q)
    expected = oracle.ids(q)
    assert got == expected, f"{q!r}: extra {sorted(got - expected)}, missing {sorted(expected - got)}"
    assert total == len(expected)


def test_queries_are_not_trivial(oracle):
    """The chosen documents make the cases above discriminate (not all-or-nothing)."""
    n = len(oracle.docs)
    sizes = {q: len(oracle.ids(q)) for q in QUERIES}
    assert sum(0 < s < n for s in sizes.values()) >= len(QUERIES) - 2, sizes


def test_snippets_mark_matches_on_the_original_text(loaded):
    resp = loaded.search(SearchRequest(q="枫桥经验", limit=5))
    assert resp.hits
    for hit in resp.hits:
        assert "<mark>" in hit.snippet and "<script" not in hit.snippet
    assert any("<mark>枫桥经验</mark>" in h.snippet for h in resp.hits)


def test_title_boost_puts_title_matches_first(loaded):
    resp = loaded.search(SearchRequest(q="信访条例", limit=3, collapse=False))
    assert "信访条例" in resp.hits[0].title


def test_empty_result(loaded):
    resp = loaded.search(SearchRequest(q="量子色动力学"))
    assert resp.total == 0 and resp.hits == []
    assert all(not buckets for buckets in resp.facets.values())


@pytest.mark.parametrize("bad", ["", "(枫桥经验", '"未闭合', "枫桥 OR", "-枫桥经验", "title:", "，。！", "x" * 501])
def test_malformed_query_is_a_syntax_error(loaded, bad):
    with pytest.raises(QuerySyntaxError) as info:
        loaded.search(SearchRequest(q=bad))
    assert info.value.status == 400 and info.value.message


@pytest.mark.parametrize("kw", [{"sort": "newest"}, {"limit": 0}, {"limit": 101}, {"offset": -1}])
def test_bad_request_parameters(loaded, kw):
    with pytest.raises(BadInput):
        loaded.search(SearchRequest(q="调解", **kw))


# -- filters, facets, sorting, paging ------------------------------------------------
@pytest.mark.parametrize(
    "filters",
    [
        {"year": 2026},
        {"year": 2010},
        {"region": "全国"},
        {"region": "上海市"},
        {"doc_type": "law"},
        {"doc_type": "report", "year": 2025},
        {"themes": ["dispute_resolution"]},
        {"themes": ["dispute_resolution", "fengqiao"]},
        {"site": "zh.wikisource.org"},
    ],
)
def test_filters_match_the_oracle(loaded, oracle, filters):
    got, total = all_ids(loaded, "工作", **filters)
    expected = oracle.ids("工作", **filters)
    assert got == expected and total == len(expected), filters


def test_facet_counts_match_the_oracle(loaded, oracle):
    for q in ("调解", "政府工作报告", "工作"):
        resp = loaded.search(SearchRequest(q=q, limit=1))
        assert facet_dict(resp) == oracle.facets(oracle.ids(q)), q


def test_facets_follow_the_filters(loaded, oracle):
    resp = loaded.search(SearchRequest(q="工作", doc_type="report", limit=1))
    expected = oracle.facets(oracle.ids("工作", doc_type="report"))
    assert facet_dict(resp) == expected
    assert set(facet_dict(resp)["doc_type"]) == {"report"}


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_sort_by_date(loaded, oracle, sort):
    resp = loaded.search(SearchRequest(q="工作", sort=sort, limit=100, collapse=False, facets=False))
    keys = [oracle.docs[h.id]["values"]["date_key"] for h in resp.hits]
    assert keys == sorted(keys, reverse=(sort == "-date"))
    assert len(keys) == len(oracle.ids("工作"))


def test_pagination_walks_the_same_ranking(loaded):
    whole = loaded.search(SearchRequest(q="工作", limit=100, collapse=False, facets=False))
    pages = []
    for offset in range(0, whole.total, 3):
        page = loaded.search(SearchRequest(q="工作", limit=3, offset=offset, collapse=False, facets=False))
        assert page.total == whole.total
        pages += [h.id for h in page.hits]
    assert pages == [h.id for h in whole.hits]
    past = loaded.search(SearchRequest(q="工作", limit=3, offset=whole.total + 5))
    assert past.hits == [] and past.total == whole.total


def test_collapse_with_single_copies(loaded):
    flat = loaded.search(SearchRequest(q="调解", limit=100, collapse=False))
    collapsed = loaded.search(SearchRequest(q="调解", limit=100, collapse=True))
    assert [h.id for h in collapsed.hits] == [h.id for h in flat.hits]
    assert collapsed.total == flat.total
    assert all(h.copies == 1 and h.group_id == h.id for h in collapsed.hits)


# -- reading documents ---------------------------------------------------------------
def test_get_returns_the_stored_document(loaded, corpus_docs):
    want = corpus_docs[0]
    got = loaded.get(want.id)
    assert got["id"] == want.id and got["title"] == want.title and got["text"] == want.text
    assert got["url"] == want.url and got["date"] == want.date and got["region"] == want.region
    assert got["paragraphs"] == enriched([want])[0].paragraphs
    assert got["analysis"] == fake_analysis(want)
    assert got["copies"] == 1 and got["group_id"] == want.id
    assert got["added_at"] and got["updated_at"]
    assert loaded.get("no-such-document") is None


def test_content_hashes_and_iteration(loaded, corpus_docs):
    ids = [d.id for d in corpus_docs]
    hashes = loaded.content_hashes(ids + ["no-such-document"])
    assert hashes == {d.id: d.content_hash for d in corpus_docs}
    listed = [d["id"] for d in loaded.iter_documents()]
    assert listed == sorted(ids)


def test_hit_fields(loaded, corpus_docs):
    by_id = {d.id: d for d in corpus_docs}
    resp = loaded.search(SearchRequest(q="title:社区矫正法", limit=1))
    hit = resp.hits[0]
    doc = by_id[hit.id]
    assert (hit.title, hit.url, hit.date, hit.source, hit.region, hit.doc_type) == (
        doc.title,
        doc.url,
        doc.date,
        doc.source,
        doc.region,
        doc.doc_type,
    )
    assert "special_groups" in hit.themes and hit.score > 0


def test_similar_excludes_self(loaded, corpus_docs):
    first = corpus_docs[0]  # 2026年上海市政府工作报告
    similar = loaded.similar(first.id, limit=5)
    assert similar and all(h.id != first.id for h in similar)
    assert "政府工作报告" in similar[0].title
    with pytest.raises(NotFound):
        loaded.similar("no-such-document")


def test_stats_and_health(loaded, corpus_docs):
    stats = loaded.stats()
    assert stats["documents"] == len(corpus_docs)
    assert stats["paragraphs"] == sum(len(i.paragraphs) for i in enriched(corpus_docs))
    assert stats["characters"] == sum(len(d.text) for d in corpus_docs)
    health = loaded.health()
    assert health["status"] == "ok" and health["documents"] == len(corpus_docs)


# -- writing -------------------------------------------------------------------------
def _doc(doc_id: str, text: str, **kw) -> Document:
    return Document(text=text, id=doc_id, **kw)


def test_rewrite_is_idempotent(fresh, corpus_docs):
    docs = corpus_docs[:3]
    first = fresh.write(enriched(docs))
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    again = fresh.write(enriched(docs))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert fresh.stats()["documents"] == 3
    assert fresh.search(SearchRequest(q="政府工作报告", limit=100)).total == 3


def test_update_replaces(fresh):
    fresh.write(
        enriched([_doc("conf-a", "第一段讲网格化管理。\n第二段讲雪亮工程。\n第三段讲枫桥经验。", title="旧标题")])
    )
    assert fresh.search(SearchRequest(q="雪亮工程")).total == 1
    summary = fresh.write(enriched([_doc("conf-a", "只剩一段讲人民调解。", title="新标题")]))
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 0)
    assert fresh.search(SearchRequest(q="雪亮工程")).total == 0
    assert fresh.search(SearchRequest(q="title:旧标题")).total == 0
    hits = fresh.search(SearchRequest(q="人民调解")).hits
    assert [h.id for h in hits] == ["conf-a"] and hits[0].title == "新标题"
    got = fresh.get("conf-a")
    assert got["text"] == "只剩一段讲人民调解。" and got["paragraphs"] == ["只剩一段讲人民调解。"]
    stats = fresh.stats()
    assert stats["documents"] == 1 and stats["paragraphs"] == 1


def test_two_words_fill_a_short_page_after_the_documents_with_both(fresh):
    fresh.write(
        enriched(
            [
                _doc("conf-both", "第一条 网格员应当走访。\n第九条 其他事项。\n第二十条 纠纷由调解委员会处理。"),
                _doc("conf-one", "网格员网格员网格员。", title="网格员管理办法"),
                _doc("conf-other", "调解委员会调解纠纷。"),
            ]
        )
    )
    ids = [h.id for h in fresh.search(SearchRequest(q="网格员 调解委员会", collapse=False)).hits]
    assert ids[0] == "conf-both" and set(ids[1:]) == {"conf-one", "conf-other"}
    assert [h.id for h in fresh.search(SearchRequest(q="网格员 AND 调解委员会", collapse=False)).hits] == ["conf-both"]


def test_delete(fresh):
    fresh.write(enriched([_doc("conf-a", "网格员走访。"), _doc("conf-b", "网格员调解。")]))
    assert fresh.search(SearchRequest(q="网格员")).total == 2
    assert fresh.delete(["conf-a", "no-such-document"]) == 1
    assert fresh.get("conf-a") is None
    assert [h.id for h in fresh.search(SearchRequest(q="网格员")).hits] == ["conf-b"]
    assert fresh.delete(["conf-a"]) == 0
    assert fresh.content_hashes(["conf-a", "conf-b"]).keys() == {"conf-b"}
    assert fresh.stats()["documents"] == 1 and fresh.stats()["paragraphs"] == 1


def test_titles(fresh):
    fresh.write(enriched([_doc("conf-a", "网格员走访。", title="甲"), _doc("conf-b", "网格员调解。", title="乙")]))
    assert fresh.titles(["conf-b", "conf-a", "no-such-document"]) == {"conf-a": "甲", "conf-b": "乙"}
    assert fresh.titles([]) == {}


def test_set_analysis_retags(fresh):
    """govtext retag: new themes reach the filters, the facets and the hits."""
    fresh.write(enriched([_doc("conf-a", "网格员走访群众。"), _doc("conf-b", "网格员调解纠纷。")]))
    assert fresh.search(SearchRequest(q="网格员", themes=["fengqiao"])).total == 0
    assert fresh.set_analysis([("conf-a", {"themes": [{"id": "fengqiao", "score": 1.0}]})]) == 1
    resp = fresh.search(SearchRequest(q="网格员", themes=["fengqiao"]))
    assert [h.id for h in resp.hits] == ["conf-a"] and resp.hits[0].themes == ["fengqiao"]
    assert {f["value"]: f["count"] for f in fresh.search(SearchRequest(q="网格员")).facets["theme"]} == {
        "fengqiao": 1,
        "dispute_resolution": 1,
    }  # conf-b keeps its 调解 tag
    assert fresh.get("conf-a")["analysis"]["themes"][0]["id"] == "fengqiao"


def test_hit_region_in_standard_name(fresh):
    """A region stored as 浙江 comes back as 浙江省 from every backend (hits and facets)."""
    fresh.write(enriched([_doc("conf-zj", "网格员走访群众。", region="浙江")]))
    resp = fresh.search(SearchRequest(q="网格员"))
    assert resp.hits[0].region == "浙江省"
    assert [f["value"] for f in resp.facets["region"]] == ["浙江省"]


# -- editions of one law (search/versions.py) ------------------------------------------
def _article(n: int, words: str) -> str:
    return f"第{n}条 {words}，编号{n * 7919 % 1000}。"


def edition_docs() -> list[Document]:
    """Two dated editions of one law whose text was rewritten (no duplicate group), an undated
    one, two national 政府工作报告 of different years (no editions), one title in two regions."""
    law = "中华人民共和国国防教育法"
    old = "\n".join(_article(n, "国防教育是建设和巩固国防的基础，国防教育贯彻全民参与的方针") for n in range(1, 9))
    new = "\n".join(_article(n, f"学校应当将国防教育列入工作计划，第{n}项由教育行政部门督导") for n in range(1, 9))
    undated = "\n".join(_article(n, f"各级人民政府应当将国防教育纳入规划，第{n}款") for n in range(1, 5))
    report = {
        2023: "过去五年经济实力明显提升。今年要加强国防教育和国防动员建设。",
        2024: "去年主要预期目标圆满完成。今年坚持稳中求进，国防教育扎实开展，民生保障持续加强。",
    }
    rule = {
        "上海市": "\n".join(_article(n, f"物业服务企业应当公开收费项目第{n}类") for n in range(1, 5)),
        "北京市": "\n".join(_article(n, f"业主大会可以选聘物业服务企业，{n}年一评") for n in range(1, 5)),
    }
    return [
        _doc("ed-old", old, title=law, date="2018-04-27", region="全国", doc_type="law"),
        _doc("ed-new", new, title=law, date="2024-09-13", region="全国", doc_type="law"),
        _doc("ed-undated", undated, title=law, region="全国", doc_type="law"),
        _doc("rep-2023", report[2023], title="政府工作报告", date="2023-03-05", region="全国", doc_type="report"),
        _doc("rep-2024", report[2024], title="政府工作报告", date="2024-03-05", region="全国", doc_type="report"),
        _doc("pm-sh", rule["上海市"], title="物业管理条例", date="2010-12-23", region="上海", doc_type="regulation"),
        _doc("pm-bj", rule["北京市"], title="物业管理条例", date="2020-03-27", region="北京", doc_type="regulation"),
    ]


@pytest.fixture(scope="module", params=BACKENDS)
def editions_loaded(request, tmp_path_factory):
    backend = open_named(request.param, tmp_path_factory.mktemp(f"ed-{request.param}"), request)
    try:
        backend.write(enriched(edition_docs()))
        yield backend
    finally:
        dispose(backend)


def _chain(hit) -> list[tuple[str, str]]:
    return [(v["id"], v["status"]) for v in hit.versions]


def test_editions_are_no_duplicate_group(editions_loaded):
    """The case this covers: a rewritten law is linked by its title, not by copied text."""
    assert editions_loaded.get("ed-old")["group_id"] != editions_loaded.get("ed-new")["group_id"]


def test_search_shows_the_current_edition_with_its_history(editions_loaded):
    hits = editions_loaded.search(SearchRequest(q="国防教育 全民参与", limit=20)).hits  # words of the old text
    law = [h for h in hits if h.id in ("ed-old", "ed-new")]
    assert [h.id for h in law] == ["ed-new"]  # one hit, the current edition, where the old one ranked
    assert _chain(law[0]) == [("ed-new", "现行"), ("ed-old", "已修订")]
    assert law[0].date == "2024-09-13" and law[0].title == "中华人民共和国国防教育法"
    ids = [h.id for h in hits]
    assert "ed-undated" in ids  # 日期不详: its own hit, ordered against nothing
    assert next(h for h in hits if h.id == "ed-undated").versions == []


def test_two_editions_on_one_page_make_one_hit(editions_loaded):
    hits = editions_loaded.search(SearchRequest(q="国防教育", limit=20)).hits
    ids = [h.id for h in hits]
    assert ids.count("ed-new") == 1 and "ed-old" not in ids
    assert _chain(next(h for h in hits if h.id == "ed-new")) == [("ed-new", "现行"), ("ed-old", "已修订")]
    plain = editions_loaded.search(SearchRequest(q="国防教育", limit=20, collapse=False)).hits
    assert {"ed-old", "ed-new"} <= {h.id for h in plain}  # --no-collapse lists every document


def test_pages_stay_full_and_an_edition_does_not_come_back_on_the_next_page(editions_loaded):
    """Editions fold into one hit before the page is cut: page by page (one hit each) the
    hits are those of the whole list, in its order, none shown twice, no page short."""
    whole = [h.id for h in editions_loaded.search(SearchRequest(q="国防教育", limit=20)).hits]
    assert len(whole) == len(set(whole)) >= 4
    paged = []
    for offset in range(len(whole)):
        page = editions_loaded.search(SearchRequest(q="国防教育", limit=1, offset=offset)).hits
        assert len(page) == 1, offset
        paged.append(page[0].id)
    assert paged == whole
    two = [h.id for h in editions_loaded.search(SearchRequest(q="国防教育", limit=2)).hits]
    assert two == whole[:2]


@pytest.mark.parametrize("sort", ["-date", "date"])
def test_date_sorted_pages_fold_editions_before_the_cut(editions_loaded, sort):
    """By date, too, an edition folds into the one shown above it before the page is cut:
    one hit at a time the pages list the whole list, none twice, none short."""
    whole = [h.id for h in editions_loaded.search(SearchRequest(q="国防教育", sort=sort, limit=20)).hits]
    assert len(whole) == len(set(whole)) == 4 and len({"ed-old", "ed-new"} & set(whole)) == 1
    paged = []
    for offset in range(len(whole)):
        page = editions_loaded.search(SearchRequest(q="国防教育", sort=sort, limit=1, offset=offset)).hits
        assert len(page) == 1, offset
        paged.append(page[0].id)
    assert paged == whole


def test_reports_and_other_regions_are_not_editions(editions_loaded):
    hits = editions_loaded.search(SearchRequest(q="国防教育", limit=20)).hits
    reports = [h for h in hits if h.id.startswith("rep-")]
    assert sorted(h.id for h in reports) == ["rep-2023", "rep-2024"]
    assert all(h.versions == [] for h in reports)
    rules = editions_loaded.search(SearchRequest(q="物业服务企业", limit=20)).hits
    assert sorted(h.id for h in rules) == ["pm-bj", "pm-sh"] and all(h.versions == [] for h in rules)
    assert [m["id"] for m in editions_loaded.copies("rep-2023")] == ["rep-2023"]
    assert [m["id"] for m in editions_loaded.copies("pm-sh")] == ["pm-sh"]


def test_a_year_filter_keeps_the_edition_of_that_year(editions_loaded):
    hits = editions_loaded.search(SearchRequest(q="国防教育", year=2018)).hits
    assert [h.id for h in hits] == ["ed-old"]
    assert _chain(hits[0]) == [("ed-new", "现行"), ("ed-old", "已修订")]  # the current one is named


def test_copies_list_the_editions_with_their_status(editions_loaded):
    from search.versions import tag_relations

    relations = {m["id"]: m["relation"] for m in tag_relations(editions_loaded.copies("ed-old"), "ed-old")}
    assert relations == {"ed-old": "已修订", "ed-new": "现行"}  # itself too: the page says it is revised
    relations = {m["id"]: m["relation"] for m in tag_relations(editions_loaded.copies("ed-new"), "ed-new")}
    assert relations == {"ed-new": "现行", "ed-old": "已修订"}
    assert [m["id"] for m in editions_loaded.copies("ed-undated")] == ["ed-undated"]


def test_retagging_decides_whether_an_undeclared_title_has_editions(fresh):
    """Without a declared doc_type the analysis's type counts, as for the facets."""
    docs = [
        _doc("u-old", "第一条 村民委员会应当公布村务。", title="村务公开办法", date="2015-01-01", region="浙江"),
        _doc("u-new", "第一条 村务监督委员会监督村务公开。", title="村务公开办法", date="2021-01-01", region="浙江"),
    ]
    fresh.write(enriched(docs))
    assert sorted(h.id for h in fresh.search(SearchRequest(q="村务")).hits) == ["u-new", "u-old"]
    fresh.set_analysis([(d.id, {"doc_type": {"id": "law"}}) for d in docs])
    hits = fresh.search(SearchRequest(q="村务")).hits
    assert [h.id for h in hits] == ["u-new"] and _chain(hits[0]) == [("u-new", "现行"), ("u-old", "已修订")]


def _statuses(backend, **kw) -> dict[str, int]:
    facets = backend.search(SearchRequest(collapse=False, **kw)).facets["status"]
    return {f["value"]: f["count"] for f in facets}


def test_status_facet_counts_each_edition_by_its_status(editions_loaded):
    """现行 / 已修订 from the dated editions, 版本不详 for the undated one beside them, 未见修订
    for a regulation with no other edition; reports carry no status."""
    assert _statuses(editions_loaded, q="国防教育") == {"现行": 1, "已修订": 1, "版本不详": 1}
    assert _statuses(editions_loaded, q="物业服务企业") == {"未见修订": 2}
    assert _statuses(editions_loaded, q="政府工作报告") == {}


def test_status_filter_lists_revised_editions_without_swapping_them(editions_loaded):
    hits = editions_loaded.search(SearchRequest(q="国防教育", statuses=["已修订"])).hits
    assert [h.id for h in hits] == ["ed-old"]  # not swapped for the current one, which fails the filter
    assert _chain(hits[0]) == [("ed-new", "现行"), ("ed-old", "已修订")]
    hits = editions_loaded.search(SearchRequest(q="国防教育", statuses=["现行", "未见修订"])).hits
    assert [h.id for h in hits] == ["ed-new"]
    browse = editions_loaded.search(SearchRequest(q="", statuses=["未见修订"])).hits
    assert [h.id for h in browse] == ["pm-bj", "pm-sh"]  # browsing by the filter alone, newest first


def test_a_filter_keeps_the_matched_version_inside_a_duplicate_group(fresh):
    """Two versions of one law whose text barely changed are one duplicate group; a status or
    year filter the newest fails shows the matched version (with the chain), never the newest."""
    body = [_article(n, f"社区矫正机构应当根据社区矫正对象的情况制定矫正方案，第{n}项") for n in range(1, 12)]
    old = _doc("cv-old", "\n".join(body), title="社区矫正条例", date="2019-01-01", region="浙江", doc_type="regulation")
    new = _doc(
        "cv-new",
        "\n".join(body[:-1] + ["第十二条 本条例自公布之日起施行。"]),
        title="社区矫正条例",
        date="2023-06-01",
        region="浙江",
        doc_type="regulation",
    )
    fresh.write(enriched([old, new]))
    assert fresh.get("cv-old")["group_id"] == fresh.get("cv-new")["group_id"]
    assert [h.id for h in fresh.search(SearchRequest(q="社区矫正")).hits] == ["cv-new"]
    chain = [("cv-new", "现行"), ("cv-old", "已修订")]
    for kw in ({"statuses": ["已修订"]}, {"year": 2019}):
        hits = fresh.search(SearchRequest(q="社区矫正", **kw)).hits
        assert [h.id for h in hits] == ["cv-old"] and _chain(hits[0]) == chain, kw


def test_status_follows_new_and_removed_editions(fresh):
    """A new edition makes the stored one 已修订; removing it makes it 未见修订 again: the
    other editions of a written or deleted document are indexed again."""
    law = {"title": "村务公开条例", "region": "浙江", "doc_type": "regulation"}
    first = _doc("st-2015", "第一条 村民委员会应当公布村务。", date="2015-01-01", **law)
    fresh.write(enriched([first]))
    assert _statuses(fresh, q="村务") == {"未见修订": 1}
    second = _doc("st-2021", "第一条 村务监督委员会监督村务公开。", date="2021-01-01", **law)
    fresh.write(enriched([second]))
    assert _statuses(fresh, q="村务") == {"现行": 1, "已修订": 1}
    assert [h.id for h in fresh.search(SearchRequest(q="村务", statuses=["已修订"])).hits] == ["st-2015"]
    # a corrected date makes the other one the revised edition; a text edit changes nothing
    fresh.write(enriched([_doc("st-2015", "第一条 村民委员会应当公布村务。", date="2023-01-01", **law)]))
    assert [h.id for h in fresh.search(SearchRequest(q="村务", statuses=["已修订"])).hits] == ["st-2021"]
    fresh.write(enriched([_doc("st-2015", "第一条 村民委员会应当按时公布村务。", date="2023-01-01", **law)]))
    assert [h.id for h in fresh.search(SearchRequest(q="村务", statuses=["现行"])).hits] == ["st-2015"]
    fresh.reindex()  # a rebuilt index has the same statuses
    assert _statuses(fresh, q="村务") == {"现行": 1, "已修订": 1}
    fresh.delete(["st-2021"])
    assert _statuses(fresh, q="村务") == {"未见修订": 1}


def test_reindex_keeps_every_document(fresh, corpus_docs):
    fresh.write(enriched(corpus_docs[:4]))
    before = [(h.id, h.title) for h in fresh.search(SearchRequest(q="政府工作报告", limit=100)).hits]
    seen = []
    assert fresh.reindex(progress=seen.append) == 4
    assert sum(seen) == 4
    after = [(h.id, h.title) for h in fresh.search(SearchRequest(q="政府工作报告", limit=100)).hits]
    assert sorted(after) == sorted(before)
    assert fresh.stats()["documents"] == 4
    assert fresh.get(corpus_docs[0].id)["text"] == corpus_docs[0].text
    # still writable after the swap
    fresh.write(enriched([_doc("conf-new", "新增的网格员文档。")]))
    assert fresh.search(SearchRequest(q="网格员")).total == 1


# -- Elasticsearch and OpenSearch only ----------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_engine_agrees_with_embedded(engine, corpus_docs, tmp_path, request):
    """Same documents in both: same totals and ids for every query, same top hit for distinctive ones."""
    items = enriched(corpus_docs)
    embedded, elastic = open_named("embedded", tmp_path / "emb"), open_named(engine, tmp_path / "es", request)
    try:
        embedded.write(items)
        elastic.write(items)
        for q in QUERIES:
            a = embedded.search(SearchRequest(q=q, limit=100, collapse=False))
            b = elastic.search(SearchRequest(q=q, limit=100, collapse=False))
            assert a.total == b.total and {h.id for h in a.hits} == {h.id for h in b.hits}, q
            assert facet_dict(a) == facet_dict(b), q
        for q in ("title:社区矫正法", "title:北京市信访条例", '"人民调解委员会"'):
            a = embedded.search(SearchRequest(q=q, limit=1)).hits[0]
            b = elastic.search(SearchRequest(q=q, limit=1)).hits[0]
            assert (a.id, a.snippet) == (b.id, b.snippet), q
        first = corpus_docs[0].id
        assert {h.id for h in embedded.similar(first, limit=3)} & {h.id for h in elastic.similar(first, limit=3)}
    finally:
        dispose(embedded)
        dispose(elastic)


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_reindex_swaps_the_alias(engine, tmp_path, corpus_docs, request):
    backend = open_named(engine, tmp_path, request)
    try:
        backend.write(enriched(corpus_docs[:2]))
        before = backend.stats()["indices"]
        backend.reindex()
        after = backend.stats()["indices"]
        for alias, names in after.items():
            assert len(names) == 1 and names != before[alias], (alias, before, after)
            assert not backend.client.indices.exists(index=before[alias][0])
    finally:
        dispose(backend)


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_index_from_before_edition_keys_gets_the_field(engine, tmp_path, request):
    """An index of template version 1 (strict mapping, no edition_key) stays usable: the field
    is added on open, so new writes carry their keys and editions link."""
    from search.elastic import EDITION_FIELD, STATUS_FIELD, load_template

    backend = open_named(engine, tmp_path, request)
    try:
        body = load_template("documents", backend.prefix)["template"]
        mappings = json.loads(json.dumps(body["mappings"]))
        del mappings["properties"][EDITION_FIELD]
        del mappings["properties"][STATUS_FIELD]
        alias = backend.aliases["documents"]
        backend._connect()
        backend.client.indices.create(
            index=f"{backend.prefix}-documents-v1-0", settings=body["settings"], mappings=mappings, aliases={alias: {}}
        )
        backend.write(enriched([d for d in edition_docs() if d.id in ("ed-old", "ed-new")]))
        props = next(iter(backend.client.indices.get_mapping(index=alias).body.values()))["mappings"]["properties"]
        assert props[EDITION_FIELD]["type"] == "keyword" and props[STATUS_FIELD]["type"] == "keyword"
        assert _statuses(backend, q="国防教育") == {"现行": 1, "已修订": 1}
        hits = backend.search(SearchRequest(q="国防教育")).hits
        assert [h.id for h in hits] == ["ed-new"] and _chain(hits[0]) == [("ed-new", "现行"), ("ed-old", "已修订")]
    finally:
        dispose(backend)


# -- duplicate detection ---------------------------------------------------------------
# Expected values come from the construction: a reposted copy of a law (every paragraph
# edited by dedup/repost.py), a paragraph planted in three small documents, and two
# drafts sharing only stock phrases with the corpus.
COPIED_ID = "law-df16b1784ce7"  # 人民调解法
STOCK_PHRASES = "我们要加强组织领导，推进市域社会治理现代化，为全市经济社会发展营造良好环境。"
PLANTED = (
    "加强组织领导，各级党委和政府要把市域社会治理现代化工作摆上重要议事日程，主要负责同志亲自抓，"
    "分管负责同志具体抓，确保各项任务落到实处。"
)
#: each longer than PLANTED, so that sharing it makes no copy (GROUP_SHARE of the characters)
FILLERS = [
    "今年以来，区教育局围绕义务教育优质均衡发展目标，新建改扩建中小学校六所，新增学位四千余个，"
    "有效缓解了城区学校大班额问题，教师队伍建设和课后服务质量同步提升，群众对教育的满意度明显提高。",
    "全区农业农村工作坚持稳中求进，粮食播种面积稳定在八十万亩以上，高标准农田建设任务全面完成，"
    "农产品加工业产值稳步增长，农村人居环境整治持续推进，农村居民人均可支配收入增速高于城镇居民。",
    "市交通运输局加快推进城乡公交一体化，新开通农村客运班线十二条，建制村通客车率保持百分之百，"
    "完成农村公路提档升级三百公里，新建港湾式停靠站四十个，群众出行更加便捷安全。",
]


def reposted_copy(original: IndexedDocument, seed: int = 6) -> Document:
    import random

    from dedup.repost import EDITS, repost

    rng = random.Random(seed)
    text = "\n".join(repost(p, rng, EDITS) for p in original.paragraphs)
    return _doc(
        "conf-copy", text, title=original.document.title, url="https://www.example.com/copy.html", source="example"
    )


@pytest.fixture(scope="module", params=BACKENDS)
def dedup_loaded(request, corpus_docs, tmp_path_factory):
    """The corpus, a reposted copy of one law and three documents sharing a planted paragraph."""
    backend = open_named(request.param, tmp_path_factory.mktemp(f"dedup-{request.param}"), request)
    try:
        items = enriched(corpus_docs)
        original = next(i for i in items if i.document.id == COPIED_ID)
        planted = [
            _doc(f"conf-planted-{k}", f"{filler}\n{PLANTED}", url=f"https://site{k}.example.org/{k}.html")
            for k, filler in enumerate(FILLERS)
        ]
        backend.write(items)
        backend.write(enriched([reposted_copy(original)] + planted))
        yield backend, original
    finally:
        dispose(backend)


def test_a_reposted_copy_joins_its_original_group(dedup_loaded):
    backend, original = dedup_loaded
    a, b = backend.get(COPIED_ID), backend.get("conf-copy")
    assert a["group_id"] == b["group_id"] and a["copies"] == b["copies"] == 2
    assert {c["id"] for c in backend.copies(COPIED_ID)} == {COPIED_ID, "conf-copy"}
    assert {c["id"] for c in backend.copies("conf-copy")} == {COPIED_ID, "conf-copy"}
    assert [c["id"] for c in backend.copies("conf-planted-0")] == ["conf-planted-0"]
    assert backend.get("conf-planted-1")["copies"] == 1  # one shared paragraph of two is no copy
    recurrence = a["paragraph_recurrence"]
    assert len(recurrence) == len(original.paragraphs) and max(recurrence) >= 2


def test_search_collapses_the_copy(dedup_loaded):
    backend, _ = dedup_loaded
    flat = backend.search(SearchRequest(q="title:人民调解法", limit=100, collapse=False))
    collapsed = backend.search(SearchRequest(q="title:人民调解法", limit=100, collapse=True))
    assert {COPIED_ID, "conf-copy"} <= {h.id for h in flat.hits}
    hits = [h for h in collapsed.hits if h.id in (COPIED_ID, "conf-copy")]
    assert len(hits) == 1 and hits[0].copies == 2
    assert len(collapsed.hits) == len(flat.hits) - 1


def test_a_page_looks_past_a_group_of_many_copies(fresh):
    """Twenty-four reposts of one text lead the ranking; a page of three collapses them into
    one hit and still finds the two other documents below them (groups are looked up a
    slice of the ranking at a time, so this needs more than the first slice)."""
    body = "\n".join(f"第{k}条 乡镇人民政府应当建立矛盾纠纷排查化解机制，做好人民调解工作。" for k in range(1, 9))
    copies = [
        _doc(f"conf-rep-{k:02d}", body, title="人民调解工作办法", url=f"https://r{k}.example.org/a.html")
        for k in range(24)
    ]
    others = [
        _doc("conf-other-a", "社区应当配备专职网格员。\n网格员协助开展人民调解。", title="网格管理办法"),
        _doc("conf-other-b", "村民委员会设人民调解委员会。\n调解委员会依法开展工作。", title="村务规定"),
    ]
    fresh.write(enriched(copies + others))
    flat = fresh.search(SearchRequest(q="人民调解", limit=100, collapse=False))
    assert flat.total == 26 and {h.id for h in flat.hits[:24]} == {d.id for d in copies}
    page = fresh.search(SearchRequest(q="人民调解", limit=3))
    assert [h.id for h in page.hits[1:]] == [h.id for h in flat.hits[24:]]
    assert page.hits[0].copies == 24 and page.hits[0].id in {d.id for d in copies}
    second = fresh.search(SearchRequest(q="人民调解", limit=1, offset=2))
    assert [h.id for h in second.hits] == [flat.hits[25].id]


def test_copies_folded_into_one_hit_leave_room_for_documents_with_one_word(fresh):
    """Twelve reposts hold both words and fold into one hit: the page is not left with that
    one hit, the documents holding one of the words follow it."""
    body = "\n".join(f"第{k}条 县级人民政府应当健全网格化管理和矛盾调处机制。" for k in range(1, 7))
    copies = [_doc(f"conf-two-{k:02d}", body, url=f"https://t{k}.example.org/a.html") for k in range(12)]
    singles = [
        _doc(f"conf-one-{k}", text, url=f"https://o{k}.example.org/b.html")
        for k, text in enumerate(
            [
                "社区推行网格化管理，每个网格配备一名网格员。",
                "街道实行网格化管理后，群众诉求当天受理。",
                "乡镇探索网格化管理与综合执法相结合。",
                "网格化管理平台汇集了人口、房屋和企业信息。",
                "城区将网格化管理纳入年度考核，考核结果公开。",
            ]
        )
    ]
    fresh.write(enriched(copies + singles))
    page = fresh.search(SearchRequest(q="网格化管理 矛盾调处", limit=10))
    ids = [h.id for h in page.hits]
    assert ids[0] in {d.id for d in copies} and page.hits[0].copies == 12
    assert set(ids[1:]) == {d.id for d in singles}


def test_check_finds_the_source_of_a_copied_paragraph(dedup_loaded):
    backend, original = dedup_loaded
    copied = max(original.paragraphs, key=len)
    report = backend.check(copied)
    assert report["overlap_ratio"] >= 0.95
    sources = {s["doc_id"]: s for s in report["sources"]}
    assert COPIED_ID in sources and sources[COPIED_ID]["ratio"] >= 0.95
    assert any(
        s["doc_id"] == COPIED_ID and s["title"] == original.document.title
        for m in report["matches"]
        for s in m["sources"]
    )
    weak = backend.check(STOCK_PHRASES)
    assert weak["overlap_ratio"] < 0.3


def test_boilerplate_lists_the_planted_paragraph(dedup_loaded):
    backend, _ = dedup_loaded
    items = backend.boilerplate(min_docs=3, limit=500)
    planted = [i for i in items if {o["doc_id"] for o in i["occurrences"]} >= {f"conf-planted-{k}" for k in range(3)}]
    assert len(planted) == 1
    (item,) = planted
    assert item["docs"] >= 3 and item["sites"] >= 3 and item["text"] == PLANTED
    assert item["variants"][0] == {"text": PLANTED, "count": 3}
    assert all(i["docs"] >= 3 for i in items)


def test_boilerplate_filters_agree_with_their_definitions(dedup_loaded):
    """The 套话库's filters on every backend: kind splits the library, q searches
    inside it, a document type counts only that type's documents."""
    from dedup.formulas import formula_kind

    backend, _ = dedup_loaded
    whole = backend.boilerplate(min_docs=2, limit=500, variants=1000)
    legal = backend.boilerplate(min_docs=2, limit=500, kind="legal_formula", variants=1000)
    report = backend.boilerplate(min_docs=2, limit=500, kind="report_formula", variants=1000)
    assert all(i["kind"] == formula_kind(i["text"]) for i in whole)
    assert legal and report  # the corpus's laws share enactment lines; the planted paragraph is a report formula
    assert all(i["kind"] == "legal_formula" for i in legal) and all(i["kind"] == "report_formula" for i in report)
    assert sorted(i["cluster_id"] for i in legal + report) == sorted(i["cluster_id"] for i in whole)
    found = backend.boilerplate(min_docs=2, limit=500, q="主要负责同志亲自抓")
    assert [i["text"] for i in found] == [PLANTED]
    assert backend.boilerplate(min_docs=2, limit=500, q="从未出现过的一句话") == []
    laws = backend.boilerplate(min_docs=2, limit=500, doc_type="law", variants=1000)
    law_ids = {d["id"] for d in (backend.get(o["doc_id"]) for i in laws for o in i["occurrences"]) if d}
    assert laws and all(backend.get(d)["doc_type"] == "law" for d in law_ids)
    assert PLANTED not in {i["text"] for i in laws}
    pages = [backend.boilerplate(min_docs=2, limit=2, offset=k)[0]["cluster_id"] for k in range(0, 6, 2)]
    assert pages == [i["cluster_id"] for i in whole[0:6:2]]


def test_source_docs_give_a_reports_sources_their_metadata(dedup_loaded):
    """The light read the 查重 report uses for its sources (title, date, region,
    type as the facets have them, and the wanted paragraphs)."""
    from search.fields import facet_values

    backend, original = dedup_loaded
    found = backend.source_docs([COPIED_ID, "no-such-doc"], [(COPIED_ID, 0), (COPIED_ID, 10**6)])
    assert set(found) == {COPIED_ID}
    doc = found[COPIED_ID]
    facets = facet_values(original)
    assert (doc["title"], doc["date"]) == (original.document.title, original.document.date)
    assert (doc["region"], doc["doc_type"]) == (facets["region"], facets["doc_type"])
    assert doc["paragraphs"] == {0: original.paragraphs[0]}


# -- tracing: 提法溯源, 修订对照, 上位法对照, watches -------------------------------------------
# The constructed cases of tests/test_tracing.py (planted copies with dates and regions, two
# editions with an article inserted, a national law and a local regulation), on every backend:
# the same known answers, and on the engines the same answers as an embedded backend.


def tracing_docs() -> list[Document]:
    from test_tracing import EDITION_A, EDITION_B, LAW_PAIR, PLANTED

    editions = [
        {"id": "ed-a", "title": "示范条例", "date": "2010-01-01", "region": "上海", "doc_type": "regulation"},
        {"id": "ed-b", "title": "示范条例", "date": "2020-01-01", "region": "上海", "doc_type": "regulation"},
    ]
    editions[0]["text"], editions[1]["text"] = "\n".join(EDITION_A), "\n".join(EDITION_B)
    return [Document.from_dict(d) for d in PLANTED + editions + LAW_PAIR]


@pytest.fixture(scope="module", params=BACKENDS)
def traced(request, tmp_path_factory):
    """A backend holding the tracing cases."""
    backend = open_named(request.param, tmp_path_factory.mktemp(f"trace-{request.param}"), request)
    try:
        backend.write(enriched(tracing_docs()))
        yield backend
    finally:
        dispose(backend)


TRACED_PHRASE = "坚持和发展新时代“枫桥经验”，完善矛盾纠纷多元预防调处化解综合机制"


def test_trace_is_earliest_first_with_dates_and_regions(traced):
    from tracing.source import source_for
    from tracing.trace import trace_text

    result = trace_text(source_for(traced), TRACED_PHRASE)
    assert [o["doc_id"] for o in result["occurrences"]] == ["zj-2019", "qg-2020", "js-2021", "sd-2022"]
    assert [(o["date"], o["region"]) for o in result["occurrences"]] == [
        ("2019-03-01", "浙江"),
        ("2020-05-22", "全国"),
        ("2021-02-10", "江苏"),
        ("2022-01-05", "山东"),
    ]
    assert result["first"]["doc_id"] == "zj-2019"
    kinds = {o["doc_id"]: o["kind"] for o in result["occurrences"]}
    assert kinds["zj-2019"] == "contains" and kinds["sd-2022"] == "near"
    assert [y["new_regions"] for y in result["by_year"]] == [["浙江"], ["全国"], ["江苏"], ["山东"]]
    sd = next(o for o in result["occurrences"] if o["doc_id"] == "sd-2022")
    assert "健全完善" in sd["text"] and sd["similarity"] < 1


def test_trace_of_a_phrase_below_the_winnowing_guarantee(traced):
    from tracing.source import source_for
    from tracing.trace import trace_text

    result = trace_text(source_for(traced), "坚持和发展新时代“枫桥经验”")
    assert len(result["normalized"]) == 12 and result["method"] == "words"
    assert [o["doc_id"] for o in result["occurrences"]] == ["zj-2019", "qg-2020", "js-2021", "sd-2022"]
    assert trace_text(source_for(traced), "量子色动力学的渐近自由性质")["occurrences"] == []


def test_trace_of_a_stored_paragraph_follows_its_cluster(traced):
    from tracing.source import source_for
    from tracing.trace import trace_paragraph

    result = trace_paragraph(source_for(traced), "js-2021", 1)
    assert result["from"] == {"doc_id": "js-2021", "paragraph_index": 1}
    texts = {o["doc_id"]: o["text"] for o in result["occurrences"]}
    assert {"zj-2019", "qg-2020", "js-2021"} <= set(texts) and "other" not in texts
    assert texts["zj-2019"].startswith("浙江省") and "3000" in texts["zj-2019"]
    with pytest.raises(NotFound):
        trace_paragraph(source_for(traced), "js-2021", 99)
    with pytest.raises(NotFound):
        trace_paragraph(source_for(traced), "no-such-doc", 0)


def test_diff_of_two_editions_follows_renumbering(traced):
    from tracing.diff import diff_documents, editions
    from tracing.source import source_for

    result = diff_documents(source_for(traced), "ed-a", "ed-b")
    rows = {(r["a"] or {}).get("label", "—") + ">" + (r["b"] or {}).get("label", "—"): r for r in result["rows"]}
    assert rows["第三条>第四条"]["status"] == "renumbered" and rows["—>第三条"]["status"] == "added"
    changed = rows["第四条>第五条"]
    assert changed["status"] == "changed" and changed["renumbered"]
    assert "五千" in "".join(e["text"] for e in changed["edits"] if e["op"] == "insert")
    s = result["summary"]
    assert (s["added"], s["deleted"], s["renumbered"], s["unchanged"]) == (1, 0, 1, 2)
    assert (result["a"]["date"], result["b"]["date"]) == ("2010-01-01", "2020-01-01")
    chain = editions(source_for(traced), "ed-b")
    assert [(e["id"], e["title"], e["date"]) for e in chain] == [
        ("ed-a", "示范条例", "2010-01-01"),
        ("ed-b", "示范条例", "2020-01-01"),
    ]
    with pytest.raises(BadInput):
        diff_documents(source_for(traced), "ed-a", "ed-a")
    with pytest.raises(NotFound):
        diff_documents(source_for(traced), "ed-a", "missing")


def test_implements_a_local_regulation_against_a_national_law(traced):
    from tracing.implements import implements
    from tracing.source import source_for

    local = implements(source_for(traced), "loc")
    origin = {a["label"]: a["origin"] for a in local["articles"]}
    assert origin["第二条"]["kind"] == "copy" and origin["第二条"]["doc_id"] == "nat"
    assert origin["第三条"]["kind"] == "adapted" and origin["第三条"]["label"] == "第三条"
    assert origin["第四条"] is None
    assert local["summary"]["sources"][0]["doc_id"] == "nat"
    national = implements(source_for(traced), "nat", article=2)
    assert [m["doc_id"] for m in national["articles"][0]["implemented_by"]] == ["loc"]
    assert national["summary"]["regions"] == ["浙江"]


def _trace_view(result: dict) -> list:
    keys = ("doc_id", "date", "region", "paragraph_index", "kind", "similarity", "text")
    return [tuple(o[k] for k in keys) for o in result["occurrences"]]


def _diff_view(result: dict) -> list:
    return [
        (r["status"], (r["a"] or {}).get("label"), (r["b"] or {}).get("label"), r["similarity"], r.get("edits"))
        for r in result["rows"]
    ]


def _implements_view(result: dict) -> list:
    out = []
    for a in result["articles"]:
        matches = a.get("implemented_by") or ([a["origin"]] if a.get("origin") else [])
        out.append((a["label"], [(m["doc_id"], m["label"], m["kind"], m["coverage"], m["edits"]) for m in matches]))
    return out


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_traces_as_embedded_does(engine, tmp_path, request):
    from tracing.diff import diff_documents, editions
    from tracing.implements import implements
    from tracing.source import source_for
    from tracing.trace import trace_paragraph, trace_text

    docs = enriched(tracing_docs())
    embedded = open_named("embedded", tmp_path / "embedded")
    other = open_named(engine, tmp_path / "engine", request)
    try:
        embedded.write(docs)
        other.write(docs)
        for backend in (embedded, other):
            backend.views = [
                _trace_view(trace_text(source_for(backend), TRACED_PHRASE)),
                _trace_view(trace_text(source_for(backend), "坚持和发展新时代“枫桥经验”")),
                _trace_view(trace_text(source_for(backend), "把矛盾纠纷化解在基层", near=False)),
                _trace_view(trace_paragraph(source_for(backend), "zj-2019", 1)),
                _diff_view(diff_documents(source_for(backend), "ed-a", "ed-b")),
                _diff_view(diff_documents(source_for(backend), "ed-b", "ed-a")),
                _implements_view(implements(source_for(backend), "loc")),
                _implements_view(implements(source_for(backend), "nat")),
                editions(source_for(backend), "ed-a"),
            ]
        for got, want in zip(other.views, embedded.views):
            assert got == want
    finally:
        embedded.close()
        dispose(other)


from test_tracing import NEW_DOCS  # noqa: E402  (the same documents as the embedded tracing tests)


def test_watches_feed_new_documents_and_survive_reopening(fresh):
    from search import open_backend
    from tracing.watches import atom_feed, watches_for

    fresh.write(enriched(tracing_docs()))
    watches = watches_for(fresh)
    passage = watches.create("passage", "完善矛盾纠纷多元预防调处化解综合机制，把矛盾纠纷化解在基层", name="枫桥")
    query = watches.create("query", "老旧小区改造")
    assert [w["id"] for w in watches.list()] == [passage["id"], query["id"]]
    assert watches.new(passage["id"])["items"] == []  # documents from before the watch do not count
    assert watches.new(query["id"])["items"] == []
    fresh.write(enriched([Document.from_dict(d) for d in NEW_DOCS]))
    reopened = open_backend(fresh.settings)
    try:
        watches = watches_for(reopened)
        assert [(w["id"], w["kind"], w["name"]) for w in watches.list()] == [
            (passage["id"], "passage", "枫桥"),
            (query["id"], "query", ""),
        ]
        got = watches.new(passage["id"])
        assert [i["doc_id"] for i in got["items"]] == ["hn-2024"]
        item = got["items"][0]
        assert (item["region"], item["date"], item["title"]) == ("河南", "2024-03-01", "河南省报告")
        assert item["paragraph_index"] == 0 and "化解在基层" in item["reused"]
        assert watches.new(passage["id"], since=got["next_since"])["items"] == []
        assert watches.get(passage["id"])["hits"] == 1
        assert [i["doc_id"] for i in watches.new(query["id"])["items"]] == ["bj-2024"]
        feed = atom_feed(watches.new(passage["id"], newest=True), "http://127.0.0.1")
        assert "<entry><title>河南省报告</title>" in feed
        # a document rewritten (a new stamp) is not recorded twice
        fresh.write(enriched([Document.from_dict({**NEW_DOCS[0], "text": NEW_DOCS[0]["text"] + "\n补充一段。"})]))
        assert [i["doc_id"] for i in watches.new(passage["id"])["items"]] == ["hn-2024"]
        watches.delete(query["id"])
        with pytest.raises(NotFound):
            watches.get(query["id"])
        with pytest.raises(NotFound):
            watches.new("nope")
        with pytest.raises(BadInput):
            watches.create("passage", "")
        with pytest.raises(BadInput):
            watches.create("nonsense", "abc")
        assert [w["id"] for w in watches.list()] == [passage["id"]]
    finally:
        reopened.close()


def test_watch_ids_and_sequences_out_of_range_are_not_found(fresh):
    from tracing.watches import watches_for

    watches = watches_for(fresh)
    watch = watches.create("passage", "完善矛盾纠纷多元预防调处化解综合机制")
    for wid in (0, -1, 10**30, "1e5", None):
        with pytest.raises(NotFound):
            watches.get(wid)
    assert watches.new(watch["id"], since=10**30)["items"] == []
