"""Page sets 12-14 of bench/eval_extract_external.py, in-sample: each was read once (README: "Set N,
the one read") and is tuning data since; the pages its read missed are checked here against the
extractor. The pages are read from the saved-site checkouts (tests/page_sets.py); without them these
checks are skipped. The sets' structure and flags are checked in tests/test_eval_sets12_29.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from annotated_gold import gold_text  # noqa: E402
from page_sets import page_html, spec  # noqa: E402

SPECS = {n: spec(n) for n in (12, 13, 14)}

#: non-articles a read kept, and the signal that refuses each now
REFUSED = [
    (12, "stw-gateway-error"),  # a CDN's 502 page under an article URL (errorpage: <title> is the status)
    (12, "njupt-column-template"),  # a column template whose only text is a contact box (fields: 电话/传真：)
    (13, "maia-cdn-error"),  # a CDN's error page (errorpage: <title> "Error", "can't be displayed")
    (13, "hdjxedu-attachment-only-shell"),  # one attachment link under a long title, a byline, a greeting
    (13, "5iedu-policy-column"),  # a column of teasers each ending in 【详情】 (template)
    (14, "tztvu-pdf-notice-shell"),  # a PDF viewer's lines and a share prompt (shell)
    (14, "ilushan-attachment-shell"),  # one 附件 link and a share prompt (shell)
    (14, "goethe-error-page"),  # "Hey? Error", 页面出现错误 (errorpage)
    (14, "zikaobyz-column"),  # entries each with a 时间：date byline (entrydates)
    (14, "highway-feature-column"),  # the only kept line is the site's welcome (欢迎访问…本站…)
    (14, "hnci-column"),  # one kept entry whose 来源：网络整理 + date line the page repeats (entrydates)
    (14, "ciase-homepage"),  # one teaser cut off mid-word ("Auto...", oneteaser)
]

#: articles a read refused or read badly, and the labels checked besides the text
READ_WHOLE = [
    (12, "shnu-admission-results", ("date",)),  # a dated sentence over a 66-row name table (grid)
    (13, "ksbxzp-product-withdrawal", ("date", "source")),  # a notice around a 4-row table, 具体产品如下：
    (13, "hrbbus-metro-news", ("date", "source")),  # kept its reprint note and 本文来源 / 责任编辑 line
    (14, "tztvu-skills-contest-news", ()),  # kept 站内搜索 / 联系我们 / contacts / 友情链接 after its text
]

#: metadata a read got wrong
METADATA = [
    (12, "haowenmi-paper-mine-safety", "source", ""),  # 来源：管理相关, a breadcrumb step
    (12, "zjgztb-centre-news", "source", ""),  # <meta name="SiteName" content="网站名称">
    (12, "capda-council-notice", "source", "农业农村部农药检定所"),  # 作者：药情信息处来源：…
    (12, "atxlyj-rules-cleanup", "doc_number", ""),  # a 清理 table's 文号 column
    (13, "scest-open-government-plan", "doc_number", "川教〔2015〕60号"),  # 发文字号：〔〕号; the others cited
    (13, "scest-open-government-plan", "source", ""),  # SiteName …公共平台网站: a website's name
    (13, "lgedu-teacher-exam-notice", "doc_number", ""),  # 《…的通知》(教试中心函〔2019〕179号): cited
    (13, "lgedu-teacher-exam-notice", "source", ""),  # SiteName …门户网站群!
    (13, "ksbxzp-product-withdrawal", "doc_number", ""),  # 《…》（银保监办便函〔2020〕1452号）: cited
    (13, "hdjxedu-essay-call-notice", "source", ""),  # 文章来源：本站原创
]


@pytest.mark.parametrize("n, name", REFUSED)
def test_the_non_articles_a_read_kept_are_refused(n, name):
    from govtext.errors import SourceError
    from ingest.extract import extract_html

    with pytest.raises(SourceError):
        extract_html(page_html(SPECS[n], name))


@pytest.mark.parametrize("n, name, fields", READ_WHOLE)
def test_the_articles_a_read_missed_are_read_whole(n, name, fields):
    from ingest.evaluate import char_scores
    from ingest.extract import extract_html

    page = next(p for p in SPECS[n]["pages"] if p["page"] == name)
    html = page_html(SPECS[n], name)
    doc = extract_html(html)
    assert char_scores(doc.text, gold_text(html, page["note"]))[2] >= 0.95
    for field in fields:
        assert getattr(doc, field) == page["labels"][field], field


@pytest.mark.parametrize("n, name, field, want", METADATA)
def test_the_metadata_a_read_missed(n, name, field, want):
    from ingest.extract import extract_html

    doc = extract_html(page_html(SPECS[n], name))
    got = doc.source if field == "source" else doc.meta.get(field, "")
    assert got == want
