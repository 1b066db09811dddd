"""Page set 14 of bench/eval_extract_external.py, in-sample: set 14 was read once (README: "Set 14,
the one read") and is tuning data since; the pages its read missed are checked here against the
extractor. The pages are read from the saved-site checkouts (tests/page_sets.py); without them these
checks are skipped. The set's structure and flag are checked in tests/test_eval_sets12_15.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from annotated_gold import gold_text  # noqa: E402
from page_sets import page_html, spec  # noqa: E402

SPEC = spec(14)


@pytest.mark.parametrize(
    "name",
    [
        "tztvu-pdf-notice-shell",
        "ilushan-attachment-shell",
        "goethe-error-page",
        "zikaobyz-column",
        "highway-feature-column",
        "hnci-column",
        "ciase-homepage",
    ],
)
def test_the_non_articles_its_read_kept_are_refused(name):
    """Set 14 is in-sample here (read once, README "Set 14, the one read"): an article shell whose only
    text is a contact box (S1负责人：… lines, ``fields``) or one 附件 link and a share prompt (``shell``),
    an error page ("Hey? Error", 页面出现错误: ``errorpage``), a column whose only kept line is the site's
    welcome (欢迎访问…本站…), a column of entries each with its 时间：date byline (``entrydates``), one
    whose one kept entry has a 来源：网络整理2019-05-09 line the page repeats (``entrydates``) and a
    homepage whose kept text is one teaser cut off mid-word ("Auto...", ``oneteaser``)."""
    from govtext.errors import SourceError
    from ingest.extract import extract_html

    with pytest.raises(SourceError):
        extract_html(page_html(SPEC, name))


def test_a_short_news_item_loses_the_contact_box_under_it():
    """tztvu.com.cn's news kept 站内搜索 / 联系我们 / six contacts / 友情链接 after its text: a line that is
    only 联系我们, 友情链接 or 站内搜索 late in the page is a stop line."""
    from ingest.evaluate import char_scores
    from ingest.extract import extract_html

    name = "tztvu-skills-contest-news"
    page = next(p for p in SPEC["pages"] if p["page"] == name)
    html = page_html(SPEC, name)
    assert char_scores(extract_html(html).text, gold_text(html, page["note"]))[2] >= 0.95
