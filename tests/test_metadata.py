"""Page metadata (ingest/metadata.py): which statement of a field wins."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.extract import extract_html  # noqa: E402
from ingest.metadata import labelled_source  # noqa: E402

PROSE = "".join(
    f"<p>第{i}段：市政府决定在全市推行企业开办一网通办，申请人可以在网上一次提交全部材料，各部门要加强数据共享，减轻企业负担。</p>"
    for i in range(6)
)


def test_a_source_that_names_no_one_gives_way_to_one_that_does():
    assert labelled_source("2005-04-05 06:40更新 来源：转载文章\n来源：新华网") == "新华网"
    assert labelled_source("来源：[ 人民网 ]") == "人民网"
    assert labelled_source("来源：转载文章") == ""


def test_an_empty_source_label_before_a_page_control_names_no_one():
    """Page set 9's read: 中国政府采购网 prints 来源：<span></span> 【打印】; 打印 is not a source."""
    assert labelled_source("2021年06月10日 17:35 来源： 【打印】") == ""
    assert labelled_source("2021年06月10日 17:35 来源： 【打印】\n来源：芷江县财政局") == "芷江县财政局"


def test_an_empty_source_label_does_not_take_the_first_clause_of_the_text_below():
    """Page set 27's read: 来源：<span></span>, then share buttons dropped, then the article's first sentence;
    its first clause is not a source. A name alone on the next line still is."""
    assert labelled_source("2011年09月30 来源：\n随着招标采购项目规模激增，中国的公共采购市场成为焦点。") == ""
    assert labelled_source("来源：\n新华网\n正文第一句话，接着说明。") == "新华网"
    assert labelled_source("来源：新华网，2011年09月30日") == "新华网"


def test_source_line_at_the_end_of_the_article():
    html = (
        "<html><body><div><h1>一网通办全面推行</h1><p>2005-04-05 06:40更新 来源：转载文章</p></div>"
        f"<div class='text'>{PROSE}<p>来源：新闻晨报</p></div></body></html>"
    )
    assert extract_html(html).source == "新闻晨报"


def test_source_inside_prose_is_not_a_label():
    html = f"<html><body><div class='text'>{PROSE}<p>项目的资金来源：市财政专项资金和社会资本共同承担。</p></div></body></html>"
    assert extract_html(html).source == ""


def test_posted_date_inside_the_post_beats_an_archive_month_beside_it():
    archive = "<div class='archive'>" + "".join(f"<p>2005年{m}月 (3)</p>" for m in range(9, 0, -1)) + "</div>"
    html = (
        f"<html><body>{archive}<div class='post'><h2>很高兴入住博客堂</h2>{PROSE}"
        "<p>发表于 2004年12月27日 12:40 - (阅读:3727;评论:63)</p></div></body></html>"
    )
    assert extract_html(html).date == "2004-12-27"


def test_county_metadata_table_labels_are_read_without_a_url():
    """生成日期 / 发文日期 / 发布机构 of a county CMS's table (signal ``tablelabels``): no URL, so
    the generic profile reads the table; without the signal the date came from elsewhere."""
    from ingest.extract import SIGNALS

    table = (
        "<table><tr><td>索 引 号：</td><td>014717475N/2023-0040295</td></tr>"
        "<tr><td>发布机构：</td><td>宜春市统计局</td></tr><tr><td>发文日期：</td><td>2023-04-18</td></tr></table>"
    )
    html = f"<html><body><p>打印时间 2023-05-16</p>{table}<div class='text'>{PROSE}</div></body></html>"
    doc = extract_html(html)
    assert doc.meta["profile"] == "generic"
    assert (doc.date, doc.source) == ("2023-04-18", "宜春市统计局")
    generated = html.replace("发文日期", "生成日期")
    assert extract_html(generated).date == "2023-04-18"
    SIGNALS["tablelabels"] = False
    try:
        assert extract_html(html).date != "2023-04-18"
    finally:
        SIGNALS["tablelabels"] = True
