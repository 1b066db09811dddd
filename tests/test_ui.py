"""The web UI through Flask's test client: pages, JSON twins, exports, bad input, escaping.

These tests build their own small store (no ../shared needed), including a
hostile document whose title, text and URL carry markup and a javascript: link.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
from html import unescape as html_unescape
from pathlib import Path

import pytest

BOILER = (
    "坚持和发展新时代枫桥经验，推动矛盾纠纷就地化解，做到小事不出村、大事不出镇、矛盾不上交，切实维护社会和谐稳定。"
)
HOSTILE_TITLE = '<img src=x onerror="alert(1)">恶意标题'
HOSTILE_TEXT = '网格化管理 调研 <script>alert("xss")</script> 与 </mark><b onmouseover=alert(2)>粗体</b> 的段落。'

DOCS = [
    {
        "id": "ui-a",
        "title": "甲市网格化管理实施方案",
        "date": "2023-05-01",
        "region": "浙江省",
        "doc_type": "plan",
        "source": "example-gov",
        "url": "https://www.example.gov.cn/a.html",
        "text": "甲市网格化管理实施方案\n全面推行网格化管理，网格员每日巡查，建立全科网格。按照每三百户左右划分一个基础网格，"
        "配备专职网格员和兼职网格员各一名，网格员负责信息采集、隐患排查、政策宣传和代办服务，"
        "形成发现在网格、处置在网格、服务在网格的工作格局。\n" + BOILER,
    },
    {
        "id": "ui-b",
        "title": "乙县枫桥经验调研报告",
        "date": "2022-03-10",
        "region": "浙江省",
        "doc_type": "research",
        "source": "example-gov",
        "url": "https://www.example.gov.cn/b.html",
        "text": "乙县枫桥经验调研报告\n乙县建立矛盾纠纷多元化解中心，人民调解员驻点服务。调研组走访了十二个乡镇、"
        "三十六个村社区，召开座谈会八场，发现基层调解组织普遍存在人员老化、经费不足、专业能力偏弱等问题，"
        "建议推行以案定补、聘任专职调解员并加强诉调对接。\n" + BOILER,
    },
    {
        "id": "ui-c",
        "title": "丙区基层治理工作总结",
        "date": "2024-12-20",
        "region": "江苏省",
        "doc_type": "summary",
        "source": "other-site",
        "url": "https://other.example.org/c",
        "text": "丙区基层治理工作总结\n网格员队伍建设和雪亮工程建设取得进展，矛盾纠纷化解率提升。全年新建视频监控点位"
        "一千二百个，接入综治中心平台，办理群众诉求四千余件，按期办结率达到百分之九十六，"
        "群众安全感和满意度较上年均有提高。\n" + BOILER,
    },
    {
        "id": "ui-d",
        "title": "丁镇平安建设经验材料",
        "date": "2021-07-07",
        "region": "江苏省",
        "doc_type": "experience",
        "source": "other-site",
        "url": "",
        "text": "丁镇平安建设经验材料\n常态化开展扫黑除恶，网格化管理覆盖全镇。镇里组建平安志愿者队伍五百余人，"
        "夜间巡防与重点时段值守相结合，电信诈骗案件发案数同比下降三成，命案和重大刑事案件实现零发生，"
        "连续三年被评为市级平安乡镇。\n" + BOILER,
    },
    {
        "id": "ui-evil",
        "title": HOSTILE_TITLE,
        "date": "2020-01-01",
        "region": "测试省",
        "doc_type": "notice",
        "source": "evil",
        "url": "javascript:alert(document.cookie)",
        "text": HOSTILE_TEXT + "\n网格化管理的第二段。",
    },
]
REPOST = dict(
    DOCS[0],
    id="ui-a-repost",
    url="https://repost.example.com/a",
    source="repost-site",
    title="甲市网格化管理实施方案（转载）",
)
FORMULA_DOC = {
    "id": "ui-formula",
    "title": '=HYPERLINK("http://evil")公式标题',
    "date": "2020-02-02",
    "text": "网格化管理 公式注入测试段落。",
}


def dedup_installed() -> bool:
    return importlib.util.find_spec("dedup.check") is not None


def _make_store(data_dir: Path, docs: list[dict]) -> None:
    from govtext.documents import Document
    from govtext.settings import load_settings
    from pipeline import ingest_documents
    from search import open_backend

    settings = load_settings(data_dir=data_dir, analyze=False)
    backend = open_backend(settings)
    try:
        report = ingest_documents([Document.from_dict(d) for d in docs], backend, settings, analyzer=None)
        assert not report.problems, report.problems
    finally:
        backend.close()


@pytest.fixture(scope="module")
def ui_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("ui_data")
    _make_store(data, DOCS + [REPOST, FORMULA_DOC])
    return data


@pytest.fixture(scope="module")
def ui_app(ui_data):
    from govtext.settings import load_settings
    from service.app import create_app

    app = create_app(load_settings(data_dir=ui_data, max_draft_chars=2000))
    app.testing = False  # errors go through the handlers, as in production
    return app


@pytest.fixture
def ui(ui_app):
    return ui_app.test_client()


def page(response) -> str:
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and 'File "/' not in text
    return text


# -- search page -----------------------------------------------------------------


def test_home_shows_corpus_size_and_themes(ui):
    r = ui.get("/")
    html = page(r)
    assert r.status_code == 200 and r.content_type.startswith("text/html")
    assert "已收录" in html and "枫桥经验" in html
    assert 'lang="zh-CN"' in html


def test_empty_store_tells_how_to_add_documents(tmp_path):
    from govtext.settings import load_settings
    from service.app import create_app

    app = create_app(load_settings(data_dir=tmp_path / "empty"))
    html = page(app.test_client().get("/"))
    assert "文档库还是空的" in html and "govtext" in html and "ingest" in html


@pytest.mark.parametrize("q", ["", "   ", "\t"])
def test_empty_query_is_the_home_page(ui, q):
    r = ui.get("/", query_string={"q": q})
    assert r.status_code == 200 and "政策文本检索" in page(r)


def test_results_with_facets_badges_and_marks(ui):
    r = ui.get("/", query_string={"q": "网格化管理"})
    html = page(r)
    assert r.status_code == 200
    assert "<mark>网格化管理</mark>" in html
    assert 'data-facet="region"' in html and "浙江省" in html and "江苏省" in html
    assert 'class="badge region"' in html
    assert "导出" in html and "/export.csv?" in html and "/export.jsonl?" in html
    assert 'rel="alternate" type="application/json"' in html


def test_facet_link_filters_and_can_be_removed(ui):
    html = page(ui.get("/", query_string={"q": "网格化管理", "region": "江苏省"}))
    titles = re.findall(r'class="hit-title"><a href="[^"]+">([^<]+)</a>', html)
    assert titles and all(t in ("丙区基层治理工作总结", "丁镇平安建设经验材料") for t in titles)
    assert "已选条件" in html and "地区：江苏省" in html


def test_a_filter_alone_browses_the_matching_documents(ui):
    """No query but a filter: the matching documents, newest first, with their facets (not
    the home page)."""
    html = page(ui.get("/", query_string={"region": "江苏省"}))
    titles = re.findall(r'class="hit-title"><a href="[^"]+">([^<]+)</a>', html)
    assert sorted(titles) == ["丁镇平安建设经验材料", "丙区基层治理工作总结"]
    assert "地区：江苏省" in html and 'data-facet="region"' in html and 'class="hero"' not in html
    bad = ui.get("/", query_string={"status": "bogus"})
    assert bad.status_code == 400 and "版本状态" in page(bad)  # the error, not the home page


def test_sort_and_pagination_keep_the_filters(ui):
    html = page(ui.get("/", query_string={"q": "网格化管理", "limit": 2, "sort": "-date", "region": "浙江省"}))
    assert "region=%E6%B5%99%E6%B1%9F%E7%9C%81" in html  # facet/pager links keep the region
    html = page(ui.get("/", query_string={"q": "矛盾纠纷", "limit": 1}))
    assert "下一页" in html and "offset=1" in html
    html = page(ui.get("/", query_string={"q": "矛盾纠纷", "limit": 1, "offset": 1}))
    export = re.search(r'href="(/export\.csv\?[^"]*)"', html).group(1)
    assert "offset" not in export and "limit" not in export  # the whole result list, not this page


def test_no_results_page_is_helpful(ui):
    r = ui.get("/", query_string={"q": "量子色动力学"})
    html = page(r)
    assert r.status_code == 200 and "没有找到相关文档" in html


@pytest.mark.parametrize(
    "args",
    [
        {"q": '"未闭合的引号'},
        {"q": "(网格 OR"},
        {"q": "网格", "limit": "abc"},
        {"q": "网格", "offset": "-5"},
        {"q": "网格", "year": "二〇二三"},
        {"q": "网格", "sort": "bogus"},
        {"q": "x" * 5000},
        {"q": "网格\x00"},
    ],
)
def test_bad_search_input_is_a_friendly_400(ui, args):
    r = ui.get("/", query_string=args)
    html = page(r)
    assert r.status_code == 400, html[:500]
    assert r.content_type.startswith("text/html")
    assert 'role="alert"' in html or "请求有误" in html


def test_hostile_query_is_escaped(ui):
    q = '<script>alert("q")</script>"><img src=x onerror=alert(1)>'
    r = ui.get("/", query_string={"q": q})
    html = page(r)
    assert r.status_code in (200, 400)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_document_markup_cannot_reach_the_browser(ui):
    """A document with <script>, a tag in its title and a javascript: URL stays inert."""
    for url in ("/?q=" + "网格化管理", "/documents/ui-evil"):
        html = page(ui.get(url))
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b onmouseover" not in html
        assert 'href="javascript:' not in html
    html = page(ui.get("/documents/ui-evil"))
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html or "&lt;script&gt;" in html
    assert "&lt;img src=x" in html


def test_safe_snippet_only_passes_mark():
    from markupsafe import Markup

    from service.ui import safe_snippet

    ok = safe_snippet("前文 <mark>网格</mark> &lt;b&gt;")
    assert isinstance(ok, Markup) and "<mark>网格</mark>" in ok
    bad = safe_snippet("<mark>网格</mark><img src=x onerror=alert(1)>")
    assert "<img" not in bad and "&lt;img" in bad
    assert "<script" not in safe_snippet("<script>alert(1)</script>")


def test_security_headers(ui):
    r = ui.get("/")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_static_assets_are_served_by_the_app(ui):
    html = page(ui.get("/"))
    for href in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        r = ui.get(href)
        assert r.status_code == 200 and r.data
    assert not re.search(r'(?:href|src)="(?:https?:)?//', html)  # nothing from elsewhere


# -- JSON twins and exports ------------------------------------------------------------


def test_search_json_twin(ui):
    r = ui.get("/", query_string={"q": "网格化管理", "format": "json"})
    assert r.status_code == 200 and r.is_json
    body = r.get_json()
    assert body["total"] >= 3 and {"hits", "facets", "query"} <= set(body)
    r = ui.get("/", query_string={"q": "网格化管理"}, headers={"Accept": "application/json"})
    assert r.is_json
    r = ui.get("/", query_string={"q": "网格", "limit": "abc", "format": "json"})
    assert r.status_code == 400 and r.get_json()["code"]


TIMING = ("took_ms",)


@pytest.mark.parametrize(
    "page_path,api_path",
    [
        ("/?q=网格化管理", "/api/v1/search?q=网格化管理"),
        ("/?q=网格化管理&region=浙江&offset=1&limit=2", "/api/v1/search?q=网格化管理&region=浙江&offset=1&limit=2"),
        ("/?region=浙江省", "/api/v1/search?region=浙江省"),
        ("/?q=完全不会出现的词语组合", "/api/v1/search?q=完全不会出现的词语组合"),
        ("/documents/ui-a", "/api/v1/documents/ui-a"),
        ("/documents/ui-a-repost/copies", "/api/v1/documents/ui-a-repost/copies"),
        ("/boilerplate?min_docs=3", "/api/v1/boilerplate?min_docs=3"),
        (
            "/boilerplate?min_docs=2&kind=report_formula&q=矛盾",
            "/api/v1/boilerplate?min_docs=2&kind=report_formula&q=矛盾",
        ),
        ("/trace?text=小事不出村，大事不出镇", "/api/v1/trace?text=小事不出村，大事不出镇"),
        ("/implements?doc=ui-b", "/api/v1/implements?doc=ui-b"),
        ("/diff?a=ui-a&b=ui-b", "/api/v1/diff?a=ui-a&b=ui-b"),
    ],
)
def test_json_twins_carry_the_api_response(ui, page_path, api_path):
    """A page's JSON twin is its view model, built in the API's shape: every key of the
    API's answer is there with the same value (the page may add its own keys)."""
    twin = ui.get(page_path, headers={"Accept": "application/json"})
    api = ui.get(api_path)
    assert twin.status_code == api.status_code == 200 and twin.is_json
    twin_body, api_body = twin.get_json(), api.get_json()
    for key, value in api_body.items():
        if key not in TIMING:
            assert twin_body.get(key) == value, (page_path, key)


def test_check_json_twin_is_the_api_report(ui):
    draft = "我们的草稿开头是自己写的话。\n" + BOILER + "\n结尾也是自己写的。"
    twin = ui.post("/check?format=json", data={"text": draft}).get_json()
    api = ui.post("/api/v1/check", json={"text": draft}).get_json()
    for key, value in api.items():
        if key not in TIMING:
            assert twin.get(key) == value, key


def test_export_csv(ui):
    r = ui.get("/export.csv", query_string={"q": "网格化管理"})
    assert r.status_code == 200 and r.content_type.startswith("text/csv")
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows and rows[0]["rank"] == "1" and {"id", "title", "url", "snippet", "themes"} <= set(rows[0])
    assert all("<mark>" not in row["snippet"] for row in rows)
    formula = [row for row in rows if row["id"] == "ui-formula"]
    assert formula and formula[0]["title"].startswith("'=")  # no live spreadsheet formula
    filtered = list(
        csv.DictReader(
            io.StringIO(
                ui.get("/export.csv", query_string={"q": "网格化管理", "region": "浙江省"})
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert filtered and all(row["region"] == "浙江省" for row in filtered)


def test_export_jsonl(ui):
    r = ui.get("/export.jsonl", query_string={"q": "网格化管理", "max": 2})
    assert r.status_code == 200
    lines = [json.loads(line) for line in r.get_data(as_text=True).splitlines()]
    assert len(lines) == 2 and lines[0]["id"] and isinstance(lines[0]["themes"], list)
    assert ui.get("/export.jsonl", query_string={"q": ""}).status_code == 400
    assert ui.get("/export.csv", query_string={"q": "网格", "max": "lots"}).status_code == 400


# -- documents ------------------------------------------------------------------------


def test_document_page(ui):
    r = ui.get("/documents/ui-a")
    html = page(r)
    assert r.status_code == 200
    assert "甲市网格化管理实施方案" in html and 'id="p0"' in html
    assert "相似文档" in html and "治理主题" in html
    assert 'href="https://www.example.gov.cn/a.html"' in html


def test_document_paragraphs_shaded_by_recurrence(ui):
    if not dedup_installed():
        pytest.skip("dedup stage not installed")
    html = page(ui.get("/documents/ui-b"))
    assert "段落底色" in html
    assert re.search(r'class="para r2"[^>]*title="出现在 [0-9]+ 份文档中"', html)
    body = ui.get("/documents/ui-b?format=json").get_json()
    assert body["paragraph_recurrence"][-1] >= 3 and body["id"] == "ui-b"


@pytest.mark.parametrize("doc_id", ["nope", "../../etc/passwd", "%3Cscript%3E", "x" * 600])
def test_unknown_document_is_a_friendly_404(ui, doc_id):
    r = ui.get("/documents/" + doc_id)
    html = page(r)
    assert r.status_code == 404 and "找不到" in html and "<script>" not in html
    r = ui.get("/documents/" + doc_id, headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.get_json()["code"] == "not_found"


def test_unknown_pages_are_friendly_and_api_stays_json(ui):
    r = ui.get("/no/such/page")
    assert r.status_code == 404 and "没有这个页面" in page(r)
    r = ui.get("/api/v1/no-such-endpoint")
    assert r.status_code == 404 and r.is_json


def test_copies_page(ui):
    r = ui.get("/documents/ui-a/copies")
    html = page(r)
    assert r.status_code == 200 and "副本" in html
    assert ui.get("/documents/nope/copies").status_code == 404
    if dedup_installed():
        assert "ui-a-repost" in html and "甲市网格化管理实施方案（转载）" in html
        body = ui.get("/documents/ui-a-repost/copies?format=json").get_json()
        assert {c["id"] for c in body["copies"]} == {"ui-a", "ui-a-repost"}
        assert (
            body["copies"] == ui.get("/api/v1/documents/ui-a-repost/copies").get_json()["copies"]
        )  # not the docs that only share a paragraph


# -- 查重 ----------------------------------------------------------------------------------


def test_check_form(ui):
    r = ui.get("/check")
    html = page(r)
    assert r.status_code == 200 and "<textarea" in html and "查重" in html


def test_check_reports_copied_spans(ui):
    if not dedup_installed():
        pytest.skip("dedup stage not installed")
    draft = "我们的草稿开头是自己写的话。\n" + BOILER + "\n结尾也是自己写的。"
    r = ui.post("/check", data={"text": draft})
    html = page(r)
    assert r.status_code == 200, html[:800]
    # BOILER recurs in the fixture's documents: standard wording (套话) when five or more share it
    assert "总重复率" in html and re.search(r'class="span src\d (copy|boilerplate)"', html)
    assert "去除引用" in html and "去除套话" in html and "下载报告" in html
    assert "/documents/ui-" in html  # sources link to their documents
    body = ui.post("/check?format=json", data={"text": draft}).get_json()
    assert 0 < body["overlap_ratio"] < 1 and body["matches"][0]["sources"]


def test_check_escapes_the_draft(ui):
    draft = '<script>alert("draft")</script>' + BOILER
    html = page(ui.post("/check", data={"text": draft}))
    assert "<script>alert" not in html


@pytest.mark.parametrize("text,status", [("", 400), ("   \n ", 400), ("。，！", 400), ("字" * 2001, 400)])
def test_check_bad_drafts(ui, text, status):
    r = ui.post("/check", data={"text": text})
    html = page(r)
    assert r.status_code in (status, 503) and r.content_type.startswith("text/html")
    assert "草稿" in html


def test_check_too_large_body_is_a_friendly_413(ui_data):
    from govtext.settings import load_settings
    from service.app import create_app

    client = create_app(load_settings(data_dir=ui_data, max_request_bytes=1000)).test_client()
    r = client.post("/check", data={"text": "字" * 2000})
    assert r.status_code == 413 and "内容太大" in page(r)


# -- boilerplate ----------------------------------------------------------------------------


def test_boilerplate_page(ui):
    if not dedup_installed():
        pytest.skip("dedup stage not installed")
    html = page(ui.get("/boilerplate", query_string={"min_docs": 3}))
    assert "矛盾不上交" in html and "份文档" in html
    body = ui.get("/boilerplate?format=json&min_docs=3").get_json()
    assert body["items"] and body["items"][0]["docs"] >= 4
    assert ui.get("/boilerplate?min_docs=abc").status_code == 400


# -- stages are always wired: no "not available" notices on a working store -----------------


def test_no_stage_says_not_available(ui):
    """Tagging and dedup are part of every backend; no page claims they are off."""
    for path in ("/check", "/boilerplate", "/documents/ui-a", "/documents/ui-a/copies", "/?q=完全不会出现的词语组合"):
        assert "尚未启用" not in page(ui.get(path)), path


def test_editions_of_a_law_on_the_search_document_and_copies_pages(tmp_path):
    """Two editions of one law (rewritten text, no duplicate group): one hit, the current one,
    with its 历史版本; the old edition's page says 已修订 and links the 现行 one."""
    from govtext.settings import load_settings
    from service.app import create_app

    law = {"title": "中华人民共和国国防教育法", "region": "全国", "doc_type": "law"}
    _make_store(
        tmp_path,
        [
            {
                **law,
                "id": "ed-old",
                "date": "2018-04-27",
                "text": "第一条 国防教育贯彻全民参与的方针。\n第二条 国防教育是全民教育。",
            },
            {
                **law,
                "id": "ed-new",
                "date": "2024-09-13",
                "text": "第一条 学校应当将国防教育列入工作计划。\n第二条 另行规定。",
            },
        ],
    )
    client = create_app(load_settings(data_dir=tmp_path)).test_client()
    results = page(client.get("/?q=国防教育"))
    assert "/documents/ed-new" in results and "历史版本" in results and "/documents/ed-old" in results
    old = page(client.get("/documents/ed-old"))
    assert "已修订，本文" in old and "/documents/ed-new" in old and "现行" in old
    copies = client.get("/api/v1/documents/ed-old/copies").get_json()["copies"]
    assert {c["id"]: c["relation"] for c in copies} == {"ed-old": "已修订", "ed-new": "现行"}
    hits = client.get("/api/v1/search?q=国防教育").get_json()["hits"]
    assert [h["id"] for h in hits] == ["ed-new"]
    assert [(v["id"], v["status"]) for v in hits[0]["versions"]] == [("ed-new", "现行"), ("ed-old", "已修订")]
    # the 版本状态 facet: a link that filters to the revised edition, shown as a chosen condition
    assert 'data-facet="status"' in results and "版本状态" in results
    link = re.search(r'href="([^"]*status=%E5%B7%B2%E4%BF%AE%E8%AE%A2[^"]*)"', results).group(1)
    revised = page(client.get(html_unescape(link)))
    assert "版本状态：已修订" in revised and "/documents/ed-old" in revised
