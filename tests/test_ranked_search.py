"""Issue 14: ranked matching, strictness, relaxation, evidence (命中条款), snippets,
year ranges, browsing, the one request parser and the nesting limit."""

from __future__ import annotations

import pytest

from govtext.documents import Document
from govtext.errors import BadInput, QuerySyntaxError
from govtext.settings import load_settings
from search.backend import IndexedDocument, SearchRequest
from search.evidence import Matcher, analyse, page_evidence, query_words, rerank, title_match
from search.query import MAX_DEPTH, And, Match, Not, Or, minimum_should, parse_query, relax
from search.request import from_mapping, parse_year

CONFIG = load_settings().config_dir


def doc(
    doc_id: str, title: str, paragraphs: list[str], date: str = "", doc_type: str = "regulation", region: str = ""
) -> IndexedDocument:
    return IndexedDocument(
        Document(id=doc_id, title=title, text="\n".join(paragraphs), date=date, doc_type=doc_type, region=region),
        paragraphs,
        {},
    )


@pytest.fixture
def corpus(backend):
    backend.write(
        [
            doc(
                "all",
                "流动人口服务管理条例",
                [
                    "第一条 为了规范流动人口管理，制定本条例。",
                    "第十条 持有居住证的流动人口，其子女可以在居住地申请入学。",
                ],
                "2021-05-01",
            ),
            doc(
                "scattered",
                "城市管理办法",
                [
                    "第一条 流动人口应当登记。",
                    "第九条 ……",
                    "第三十条 居住证由公安机关核发。",
                    "第五十条 学校组织子女入学考试。",
                ],
                "2019-01-01",
            ),
            doc(
                "three",
                "居住证办法",
                ["第二条 流动人口可以申领居住证。", "第三条 居住证持有人的子女享有教育权利。"],
                "2016-03-01",
            ),
            doc("one", "户籍登记办法", ["第一条 流动人口应当办理登记。"], ""),
            doc("rep", "2026年某省政府工作报告", ["推进网格化管理。"], "2026-02-01", "report", "浙江"),
        ]
    )
    return backend


# -- query language -----------------------------------------------------------------
def test_minimum_should_match_rule():
    assert [minimum_should(n) for n in range(1, 9)] == [1, 2, 2, 3, 4, 5, 6, 6]


def test_plain_words_are_ranked_matching_and_operators_in_any_case():
    root = parse_query("流动人口 居住证 子女 入学", CONFIG).root
    assert isinstance(root, Match) and root.minimum == 3 and len(root.optional) == 4
    assert isinstance(parse_query("居住证 子女", CONFIG).root, And)  # two words: both required
    for q in ("流动人口 AND 居住证 AND 子女", "流动人口 and 居住证 and 子女", "流动人口 与 居住证 与 子女"):
        assert isinstance(parse_query(q, CONFIG).root, And), q
    for q in ("网格 or 电网", "网格 或 电网", "网格 Or 电网"):
        assert isinstance(parse_query(q, CONFIG).root, Or), q
    for q in ("网格 not 电网", "网格 非 电网", "网格 -电网"):
        root = parse_query(q, CONFIG).root
        assert isinstance(root, And) and isinstance(root.items[1], Not), q
    plus = parse_query("+居住证 流动人口 子女 入学", CONFIG).root
    assert isinstance(plus, Match) and len(plus.required) == 1 and plus.minimum == 2


def test_relax_turns_all_required_into_any():
    strict = parse_query("流动人口 AND 居住证 AND 子女 -户籍", CONFIG).root
    loose = relax(strict)
    assert isinstance(loose, Match) and loose.minimum == 1 and len(loose.optional) == 3 and len(loose.excluded) == 1
    assert relax(parse_query("居住证", CONFIG).root) is None


@pytest.mark.parametrize(
    "bad, fragment",
    [
        ("(" * 244 + "网格" + ")" * 244, "嵌套太深"),
        ("(网格", "没有闭合"),
        ("网格)", "没有对应"),
        ('"网格', "引号"),
        ("网格 OR", "缺少检索词"),
        ("-网格", "只排除"),
        ("", "为空"),
        ("title:", "缺少检索词"),
    ],
)
def test_query_errors_are_chinese_400s(bad, fragment):
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(bad, CONFIG)
    assert info.value.status == 400 and fragment in info.value.message


def test_nesting_up_to_the_limit_parses():
    depth = MAX_DEPTH
    assert parse_query("(" * depth + "网格" + ")" * depth, CONFIG).root is not None
    with pytest.raises(QuerySyntaxError):
        parse_query("(" * (depth + 1) + "网格" + ")" * (depth + 1), CONFIG)


# -- the request parser ------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2020", (2020, 2020)),
        ("2020-2026", (2020, 2026)),
        ("2020-", (2020, None)),
        ("-2010", (None, 2010)),
        ("2020至2026", (2020, 2026)),
        (" 2020 ~ 2026 ", (2020, 2026)),
        ("", (None, None)),
        (2021, (2021, 2021)),
    ],
)
def test_year_ranges(raw, expected):
    assert parse_year(raw) == expected


@pytest.mark.parametrize("raw", ["twenty", "2026-2020", "1800", "二〇二三", "2020-2021-2022"])
def test_bad_years_are_400(raw):
    with pytest.raises(BadInput):
        parse_year(raw)


def test_one_parser_builds_the_request():
    req = from_mapping({"q": "", "year": "2020-", "type": "report", "theme": ["a", ""], "collapse": False})
    assert (req.year_from, req.year_to, req.doc_type, req.themes, req.collapse) == (2020, None, "report", ["a"], False)
    assert req.browsing
    with pytest.raises(BadInput) as info:
        from_mapping({"q": "  "})
    assert "检索词" in info.value.message
    with pytest.raises(BadInput):
        from_mapping({"q": "x", "sort": "newest"})


def test_statuses_are_repeatable_or_comma_separated_and_checked():
    req = from_mapping({"q": "", "status": ["现行,未见修订", "现行"]})
    assert req.statuses == ["现行", "未见修订"] and req.browsing  # a status alone is a filter to browse by
    assert from_mapping({"q": "x", "status": "已修订"}).statuses == ["已修订"]
    for bad in ("current", "现行,有效", "<script>"):
        with pytest.raises(BadInput) as info:
            from_mapping({"q": "x", "status": bad})
        assert info.value.code == "bad_status" and "版本状态" in info.value.message


# -- the backend ---------------------------------------------------------------------
def test_a_document_missing_one_word_still_ranks_below_the_complete_one(corpus):
    resp = corpus.search(SearchRequest(q="流动人口 居住证 子女 入学", collapse=False))
    ids = [h.id for h in resp.hits]
    assert ids[0] == "all" and "three" in ids and not resp.relaxed
    # a short page is filled with documents holding fewer of the words, ranked below
    assert ids[-1] == "one"
    # the words together in one article beat the same words scattered over four
    assert ids.index("all") < ids.index("scattered")
    first = resp.hits[0]
    assert first.matched_articles[0]["label"] == "第十条"
    assert set(first.matched_articles[0]["words"]) == {"流动人口", "居住证", "子女", "入学"}
    assert "第十条" in first.snippet and "<mark>居住证</mark>" in first.snippet


def test_two_plain_words_fill_a_short_page_below_the_documents_with_both(corpus):
    ids = [h.id for h in corpus.search(SearchRequest(q="子女 登记", collapse=False)).hits]
    assert ids[0] == "scattered" and {"all", "three", "one"} <= set(ids[1:])
    # an explicit AND stays strict
    assert [h.id for h in corpus.search(SearchRequest(q="子女 AND 登记", collapse=False)).hits] == ["scattered"]


def test_a_document_that_deals_with_a_word_again_and_again_ranks_higher():
    words = query_words(parse_query("宅基地 审批", CONFIG).root)
    once = "第五条 宅基地的审批由乡镇人民政府负责。\n第六条 其他事项。"
    often = "第五条 宅基地的审批由乡镇人民政府负责。\n第六条 宅基地应当节约。\n第七条 宅基地不得出卖。"
    assert analyse("", often, words).mentions > analyse("", once, words).mentions
    ranked = rerank([("once", 1.0, "", once), ("often", 1.0, "", often)], parse_query("宅基地 审批", CONFIG).root)
    assert [d for d, _, _ in ranked] == ["often", "once"]


def test_the_title_that_is_the_query_ranks_first():
    """Known-item search (issue 14): every word in a short title beats the same words in a
    longer one, 中华人民共和国 not counted; a title missing a word gets no title credit."""
    root = parse_query("噪声 污染 防治", CONFIG).root
    words = query_words(root)
    national, provincial = "中华人民共和国噪声污染防治法", "山东省环境噪声污染防治条例"
    assert title_match(national, words) == pytest.approx(6 / 7)
    assert title_match(provincial, words) == pytest.approx(6 / 13)
    assert title_match("山东省噪声管理条例", words) == 0.0
    text = "第一条 为了防治噪声污染，制定本法。"
    ranked = rerank([("prov", 1.0, provincial, text), ("nat", 0.7, national, text)], root)
    assert [d for d, _, _ in ranked] == ["nat", "prov"]


def test_a_one_word_known_item_query_finds_the_national_law_first(backend):
    text = ["第一条 为了普及国防教育，制定本法。", "第二条 国防教育是建设和巩固国防的基础。"]
    backend.write(
        [
            doc("zj", "浙江省国防教育条例", text, "2020-01-01"),
            doc("sh", "上海市国防教育条例", text, "2021-01-01"),
            doc("nat", "中华人民共和国国防教育法", text, "2018-04-27"),
        ]
    )
    assert [h.id for h in backend.search(SearchRequest(q="国防教育", collapse=False)).hits][0] == "nat"


def test_strict_query_that_finds_nothing_is_relaxed_with_a_notice(corpus):
    resp = corpus.search(SearchRequest(q="流动人口 AND 网格化管理", collapse=False))
    assert resp.relaxed and resp.notice and resp.total >= 2
    assert corpus.search(SearchRequest(q="居住证 AND 子女", collapse=False)).relaxed is False


def test_empty_page_suggests_dropping_a_filter(corpus):
    resp = corpus.search(SearchRequest(q="居住证", doc_type="report"))
    assert resp.total == 0 and not resp.hits
    assert any(s.get("drop") == "doc_type" and s["count"] >= 2 for s in resp.suggestions)


def test_year_range_and_browsing_by_filters(corpus):
    ranged = corpus.search(SearchRequest(q="流动人口", year_from=2017, year_to=2022, collapse=False))
    assert {h.id for h in ranged.hits} == {"all", "scattered"}
    assert {h.id for h in corpus.search(SearchRequest(q="流动人口", year_to=2018, collapse=False)).hits} == {"three"}
    # undated documents are in no year range, and never under a guessed year
    assert "one" not in {h.id for h in corpus.search(SearchRequest(q="流动人口", year_from=1900)).hits}
    browse = corpus.search(SearchRequest(q="", year_from=2016, collapse=False))
    assert [h.id for h in browse.hits] == ["rep", "all", "scattered", "three"]  # newest first
    reports = corpus.search(SearchRequest(q="", year=2026, doc_type="report"))
    assert [h.id for h in reports.hits] == ["rep"]
    with pytest.raises(QuerySyntaxError):
        corpus.search(SearchRequest(q=""))


def test_synonym_phrases_are_highlighted_whole():
    parsed = parse_query("村规民约 备案", CONFIG)
    assert "村规民约" in parsed.highlight_terms
    assert all(len(t) > 1 for t in parsed.highlight_terms)  # never a lone character
    words = query_words(parsed.root)
    ev = analyse("", "第五条 居民公约应当报街道备案。", words)
    assert ev.synonyms == ["居民公约"] and ev.coverage == pytest.approx(0.75)


def test_versions_of_one_law_show_the_newest_not_a_repost(backend):
    body = [
        f"第{n}条 社区矫正机构应当依法对社区矫正对象实行分类管理和个别化矫正，帮助其成为守法公民，编号{n}号。"
        for n in "一二三四五六七八九十"
    ]
    backend.write(
        [
            doc("old", "中华人民共和国社区矫正法", body, "2019-12-28"),
            doc("new", "中华人民共和国社区矫正法", body[:-1] + ["第十条 本法自公布之日起施行。"], "2024-04-26"),
            doc("other", "无关条例", ["第一条 本条例规范道路交通。"], "2020-01-01"),
        ]
    )
    hits = backend.search(SearchRequest(q="社区矫正", collapse=True)).hits
    if backend.groups.group_of("old")[0] != backend.groups.group_of("new")[0]:
        pytest.skip("the two versions did not form a duplicate group here")
    assert [h.id for h in hits] == ["new"]
    assert [(v["id"], v["status"]) for v in hits[0].versions] == [("new", "现行"), ("old", "已修订")]
    assert hits[0].copies == 1  # versions are not counted as reposts


def test_version_chain_rules():
    from search.versions import version_chain

    members = [
        {"id": "a", "title": "某法", "date": "2012-01-01"},
        {"id": "b", "title": "某法", "date": "2020-05-01"},
        {"id": "c", "title": "转载：某法", "date": "2021-01-01"},
    ]
    chain = version_chain(members, "a")
    assert [(v["id"], v["status"]) for v in chain] == [("b", "现行"), ("a", "已修订")]
    assert version_chain(members, "c") == []  # a repost under another title is a copy
    assert (
        version_chain([{"id": "a", "title": "某法", "date": ""}, {"id": "b", "title": "某法", "date": ""}], "a") == []
    )


def test_the_page_reuses_the_rerank_evidence_and_adds_its_articles():
    """A shown hit's evidence is the rerank's plus its 命中条款, as a fresh analysis gives;
    evidence found for other words (a widened or relaxed query) is not reused."""
    text = "第一条 为了规范村规民约。\n第二条 村规民约应当报乡镇人民政府备案。\n第三条 居民公约参照执行。"
    matcher = Matcher(query_words(parse_query("村规民约 备案", CONFIG).root))
    quick = matcher.analyse("某省村规民约备案办法", text, detail=False)
    assert quick.articles == []
    full = matcher.analyse("某省村规民约备案办法", text)
    assert full.articles and full.articles[0]["label"] == "第二条"
    assert page_evidence(matcher, quick, "某省村规民约备案办法", text) == full
    other = Matcher(query_words(parse_query("居民公约", CONFIG).root)).analyse("", text, detail=False)
    assert page_evidence(matcher, other, "某省村规民约备案办法", text) == full


def test_an_article_is_listed_once_with_the_words_of_all_its_clauses():
    """Clauses (（一）…) belong to their article: 命中条款 names 第二条 once, with every word
    its clauses matched, and the next article follows instead of 第二条 again."""
    text = "\n".join(
        [
            "第一条 为了规范社区矫正工作，制定本法。",
            "第二条 社区矫正机构应当履行下列职责：",
            "（一）组织社区矫正对象参加教育学习；",
            "（二）组织社区矫正对象参加公益活动；",
            "第三条 司法行政部门主管社区矫正工作。",
        ]
    )
    ev = Matcher(query_words(parse_query("社区矫正 教育", CONFIG).root)).analyse("", text)
    labels = [a["label"] for a in ev.articles]
    assert labels[0] == "第二条" and len(labels) == len(set(labels)) == 3
    assert set(ev.articles[0]["words"]) == {"社区矫正", "教育"}


def test_equal_scores_rank_the_same_whatever_order_the_documents_were_indexed_in(tmp_path):
    """Copies score alike; the engine breaks such ties by where a document sits in its index
    (write order, segments), which a parallel ingest varies. The rerank breaks them by id,
    so the same corpus gives the same page however it was ingested."""
    from search import open_backend

    same = ["第一条 为了规范网格化管理工作，制定本办法。", "第二条 网格员负责信息采集。"]
    docs = [doc(f"d{i}", "某市网格化管理办法", same) for i in (3, 1, 2)]
    pages = []
    for name, order in (("a", docs), ("b", docs[::-1])):
        b = open_backend(load_settings(data_dir=tmp_path / name, analyze=False))
        try:
            for d in order:  # one write each: each in its own place in the index
                b.write([d])
            resp = b.search(SearchRequest(q="网格化管理", limit=10, collapse=False, facets=False))
            pages.append([(h.id, h.score) for h in resp.hits])
        finally:
            b.close()
    assert pages[0] == pages[1]
    assert [i for i, _ in pages[0]] == ["d1", "d2", "d3"]
    ranked = rerank([("b", 1.0, "", "网格"), ("a", 1.0, "", "网格")], parse_query("网格", CONFIG).root)
    assert [d for d, _, _ in ranked] == ["a", "b"]
