"""Publication date, issuing body (source), 文号 and 索引号 of a page.

Each field is taken from the most explicit statement the page makes: a
labelled metadata table (索引号 / 发文机关 / 发文字号 / 发布日期 …), ``<meta>``
tags, labelled lines (发布时间：…, 来源：…) at the top of the content or inside
it, then unlabelled dates near the title, then the URL. Measured per field
(precision and recall) on hand-labelled held-out pages by
bench/eval_extract_external.py.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from govtext.documents import Document
from ingest.sites import Profile, boilerplate

SPACES = re.compile(r"[ \t\r\n\u00a0\u3000\u2002\u2003\u2009\u202f\ufeff]+")
# a 来源 that names no one: keep looking for one that does (an empty 来源： followed by a page
# control, 来源：【打印】, names no one either: page set 9's read)
# 来源：未知 glued to the link after it (未知点击电话咨询): no source (page set 19's read)
UNKNOWN_SOURCE = re.compile(r"^(?:未知|不详|佚名)")
GENERIC_SOURCE = re.compile(
    r"^(转载文章|转载|网络|互联网|网摘|本站|本网|原创|(?:本站|本网)(?:原创|整理|编辑)|未知|佚名|网友投稿|综合|综合报道|其他|不详"
    r"|打印|打印本页|关闭|关闭窗口|分享|分享到|收藏|字体|字号|返回|返回顶部)$"
)

# a template's unfilled <meta> value: the field's own name (<meta name="SiteName" content="网站名称">)
PLACEHOLDER = re.compile(r"^(?:网站|站点|栏目|文章|信息|发布)?(?:名称|域名|来源|标识码|机构)$")
# a <meta> site name naming a website, not a body (…公共平台网站, …门户网站群!): no issuer (page set 13's read)
WEBSITE_NAME = re.compile(r"(?:网站|网站群|门户)\W*$")
# a breadcrumb step: 首页 > 论文资料 > 管理相关 > 正文 (a 来源 naming the column names no issuer)
BREADCRUMB_STEP = r"(?m)[>»›]\s*{0}\s*(?:[>»›]|$)|(?:^|[：:\s])\s*{0}\s*[>»›]"

DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔\[［【(（﹝]\s*(?:19|20)\d{2}\s*[〕\]］】)）﹞]\s*第?\s*\d{1,5}\s*号")
LISTED_NUMBERS = 3
CITED = re.compile(
    r"[》>〉]\s*[(（]\s*$"
)  # 《关于…的通知》（教试中心函〔2019〕179号）: a citation (page set 13's read)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "０": 0}
DATE = re.compile(
    r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*(?:[-月/.]\s*(\d{1,2})\s*日?)?"
    r"|([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月(?:([一二三四五六七八九十]{1,3})日)?"
    r"|\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b"  # US style M/D/YYYY, as ASP pages print it
)


def page_metadata(
    doc: Document,
    site: Profile,
    table: dict,
    tags: dict,
    html_title: str,
    header: str,
    inside: str,
    page: str,
    printed_first: bool = False,
) -> None:
    """Date, source, 文号 and region, from the most to the least explicit statement of each.

    ``header`` is the text around the top of the content block, ``inside`` the
    short lines of the content block, ``page`` every line of the page. ``printed_first``
    (signal ``printeddate``): a date printed on a byline near the title that is earlier than
    the ``<meta>`` tags' date wins over it (a CMS's PubDate is often a later re-publish time).
    A table's 生成日期 (``generated_date``, signal ``infotable``: the record's creation) yields
    to a 发布日期 printed on the page."""
    url = doc.url
    meta_date = first_date(*(tags.get(k) for k in boilerplate().date_meta))
    printed = byline_date(header) if printed_first and meta_date else ""
    doc.date = (
        first_date(table.get("published_date"), table.get("written_date"))
        or (published_line_date(header) or published_line_date(page) if table.get("generated_date") else "")
        or first_date(table.get("generated_date"))
        or (printed if printed and printed < meta_date[: len(printed)] else "")  # earlier, not less precise
        or meta_date
        or labelled_date(header)
        or labelled_date(inside)  # 发表于 … under a blog post beats an archive month in the sidebar
        or byline_date(header)  # a line of its own opening with the date beats a menu's 2018年7月前
        or first_date(header)
        or labelled_date(page)
        or url_date(url)
    )
    doc.source = (
        table.get("issuer")
        or next(
            (
                s
                for s in (labelled_source(header), labelled_source(inside, line_start=True))
                if s and not column_name(s, page)
            ),
            "",
        )
        or next(
            (
                tags[k]
                for k in boilerplate().source_meta
                if tags.get(k) and not PLACEHOLDER.match(tags[k]) and not WEBSITE_NAME.search(tags[k])
            ),
            "",
        )
    )[:100]
    text_metadata(doc, doc.text)
    doc.region = region(doc.source, tags.get("sitename", ""), html_title) or (
        site.region if site.matches_host(host_of(url)) else ""
    )


def meta_tags(root) -> dict[str, str]:
    tags = {}
    for el in root.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or el.get("http-equiv") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if key and value and key not in tags:
            tags[key] = value
    return tags


def html_title(root) -> str:
    el = root.find(".//title")
    return SPACES.sub(" ", el.text_content()).strip() if el is not None else ""


# Labels of the 政府信息公开 metadata tables that county and city CMSs print (生成日期 on
# Hanweb pages, 发文日期 / 发布机构 on others), read from any profile's table with signal
# ``tablelabels``; a profile's own label for the same words wins.
TABLE_LABELS = {
    "生成日期": "written_date",
    "发文日期": "written_date",
    "发布机构": "issuer",
    "公开日期": "published_date",
}
# With signal ``infotable`` (from page set 9's read): 教育部's 政府信息公开 table labels its 索引号
# 信息索引 and its issuing office 发文机构, and its 生成日期 is the record's creation, weaker than
# a 发布日期 the page prints (page_metadata); the profiles' own labels give way on 生成日期.
INFO_TABLE_LABELS = {"信息索引": "index_no", "发文机构": "issuer", "索取号": "index_no", "文件编号": "doc_number"}
# (from page set 10's read: 上海市卫生健康委's table labels its 索引号 索取号 and its 文号 文件编号, and
# prints the labels as a header row over a row of values)
OTHER_LABEL = re.compile(r"^[\u4e00-\u9fff\u3000 ]{2,8}\s*[:：]")
HEADER_MIN_CELLS = 3
HEADER_CELL_CHARS = 8
GENERATED_LABEL = "生成日期"


def metadata_table(root, site: Profile, more_labels: bool = False, info_labels: bool = False) -> dict[str, str]:
    """Labelled cells such as ``<td>发文字号：</td><td>国办发〔2024〕12号</td>``; with
    ``more_labels``, TABLE_LABELS too; with ``info_labels``, INFO_TABLE_LABELS, and 生成日期
    read as ``generated_date``."""
    if not site.meta_table:
        return {}
    labels = {**TABLE_LABELS, **site.meta_table} if more_labels else site.meta_table
    if info_labels:
        labels = {**INFO_TABLE_LABELS, **labels, GENERATED_LABEL: "generated_date"}
    found: dict[str, str] = {}
    spaced = {r"\s*".join(map(re.escape, label)): key for label, key in labels.items()}
    label_re = re.compile(r"^\s*(" + "|".join(spaced) + r")\s*[:：]?\s*(.*)$", re.S)
    for el in root.iter("td", "th", "li", "span", "b", "strong", "label", "dt", "p"):
        text = SPACES.sub(" ", el.text_content()).strip()
        if len(text) > 80:
            continue
        m = label_re.match(text)
        if not m:
            continue
        key = labels.get(SPACES.sub("", m.group(1)), "")
        if not key:
            continue
        value = m.group(2).strip()
        if not value and info_labels:  # a header row of labels: the value sits below, in the same column
            value = _column_value(el)
            if value is None:
                continue
        if not value:  # the value sits in the next cell
            nxt = el.getnext()
            value = SPACES.sub(" ", nxt.text_content()).strip() if nxt is not None else ""
            if info_labels and OTHER_LABEL.match(value):
                value = ""  # an empty field (文件编号: ) before the next one (发布机构: 省教育厅)
        if value and key not in found and len(value) <= 120:
            found[key] = value
    for key in ("published_date", "written_date", "generated_date"):
        if key in found:
            found[key] = first_date(found[key]) or found[key]
    return found


def _column_value(cell) -> str | None:
    """The cell below a label cell when the label's row is a header: HEADER_MIN_CELLS or more cells,
    each a short label without digits, over one row of as many cells; None for a data table's header
    (two or more such rows), whose cells are no field of the page."""
    row = cell.getparent()
    if cell.tag not in ("td", "th") or row is None or row.tag != "tr":
        return ""
    cells = [c for c in row if c.tag in ("td", "th")]
    if len(cells) < HEADER_MIN_CELLS:
        return ""
    for c in cells:
        text = SPACES.sub("", c.text_content())
        if not text or len(text) > HEADER_CELL_CHARS or re.search(r"\d", text):
            return ""
    below = row.xpath("following::tr[1]")
    if not below:
        return ""
    values = [c for c in below[0] if c.tag in ("td", "th")]
    if len(values) != len(cells):
        return ""
    again = below[0].getnext()
    if again is not None and again.tag == "tr" and len([c for c in again if c.tag in ("td", "th")]) == len(cells):
        return None  # a second row of values: a data table (序号 / 文件标题 / 文号 …), each row a listed document's
    return SPACES.sub(" ", values[cells.index(cell)].text_content()).strip()


def normalize_date(value: str | None) -> str:
    """``YYYY-MM-DD`` (or ``YYYY-MM`` when the day is unknown) of the first date in a string."""
    if not value:
        return ""
    for m in DATE.finditer(value):
        if m.group(1):
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        elif m.group(7):
            y, mo, d = int(m.group(9)), int(m.group(7)), int(m.group(8))
        else:
            y = int("".join(str(_CN_DIGITS[c]) for c in m.group(4)))
            mo, d = _cn_number(m.group(5)), _cn_number(m.group(6) or "")
        if not (1949 <= y <= 2100 and 1 <= mo <= 12 and 0 <= d <= 31):
            continue
        return f"{y:04d}-{mo:02d}-{d:02d}" if d else f"{y:04d}-{mo:02d}"
    return ""


def _cn_number(text: str) -> int:
    if not text:
        return 0
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return 10 * _CN_DIGITS.get(tens, 0) + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


def first_date(*values: str | None) -> str:
    for value in values:
        found = normalize_date(value)
        if found:
            return found
    return ""


def labelled_date(text: str) -> str:
    labels = boilerplate().date_labels
    m = re.search(labels + r"\s*[:：]?\s*(.{6,30})", text)
    return normalize_date(m.group(2)) if m else ""


# a 发布日期 / 发布时间 label (not 生成日期, 日期 or 时间 alone)
PUBLISHED_LABEL = re.compile(r"(?:发布日期|发布时间|公开日期|发布于)\s*[:：]\s*(.{6,30})")
GLUED_BEFORE = re.compile("[\u4e00-\u65e4\u65e6-\u9fa5]")  # a CJK character but 日 (…13日来源：)
# a short line of the header: a byline (日期：… 来源：…, or a bare 2020年09月15日 09时32分)
BYLINE_MAX_CHARS = 80


def published_line_date(text: str) -> str:
    m = PUBLISHED_LABEL.search(text)
    return normalize_date(m.group(1)) if m else ""


def byline_date(header: str) -> str:
    """The date a byline of the header prints: a short line's labelled date (日期：2021/09/06), else
    a short line that opens with its date (2020年09月15日 09时32分) or names a source (来源：…); a
    date inside a sentence under the title (（2007年6月29日…会议通过）) is not a byline."""
    short = [line.strip() for line in header.split("\n") if len(line.strip()) <= BYLINE_MAX_CHARS]
    found = labelled_date("\n".join(short))
    if found:
        return found
    source = re.compile(boilerplate().source_labels + r"\s*[:：]")
    for line in short:
        m = DATE.search(line)
        if m and (m.start() == 0 or source.search(line)):
            return normalize_date(line[m.start() :])
    return ""


# a clause mark right after a value read from the line below its label: that line is prose, not a name
CLAUSE_AFTER = re.compile(r"\s*[，,。；]")


def labelled_source(text: str, line_start: bool = False) -> str:
    """The first ``来源：X`` whose X names someone (not 转载文章, 网络 …); brackets around X go.
    ``line_start``: only labels that open a line (inside the text, 资金来源： is prose)."""
    labels = boilerplate().source_labels
    # a label glued to a word before it (资金来源：) is prose, except after a date (…13日来源：) or
    # after another field of a short byline (作者：药情信息处来源：…, inline spans joined)
    start = "(?m)^\\s*" if line_start else ""
    pattern = start + labels + r"\s*[:：]\s*[\[【(（]?\s*([^\s:：|/，,。；=\"'<>\[\]【】()（）]{2,40})"
    for m in re.finditer(pattern + r"\s*[\]】)）]?(?=[\s|/，,]|$)", text):
        value = m.group(2)
        if not line_start and m.start() and GLUED_BEFORE.match(text[m.start() - 1]):
            line = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
            if len(line) > BYLINE_MAX_CHARS or not re.search(r"[:：]", line):
                continue  # glued to a word in prose (资金来源：), not a byline's next field (作者：X来源：)
        if "\n" in text[m.start() : m.start(2)] and CLAUSE_AFTER.match(text, m.end(2)):
            continue  # an empty label and, on the next line, a sentence (来源：\n随着…激增，…: page set 27's read)
        if not GENERIC_SOURCE.match(value) and not UNKNOWN_SOURCE.match(value):
            return value
    return ""


def column_name(value: str, page: str) -> bool:
    """``value`` is a step of a breadcrumb line (首页 > 管理论文 > 管理相关 > 正文) on the page."""
    return re.search(BREADCRUMB_STEP.format(re.escape(value)), page) is not None


def url_date(url: str) -> str:
    m = re.search(r"(?:19|20)\d{2}[-_/]?(?:0[1-9]|1[0-2])[-_/]?(?:0[1-9]|[12]\d|3[01])", url)
    if not m:
        return ""
    digits = re.sub(r"\D", "", m.group(0))
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"


def text_metadata(doc: Document, body: str) -> None:
    """文号 from the metadata table or the top of the text; a date from the text as a last resort."""
    number = doc.meta.get("doc_number") or ""
    if not re.search(r"\d", number):
        number = ""  # an unfilled field of the table (发文字号：〔〕号)
    if not DOC_NUMBER.search(number):
        top = body[:600]  # a number in brackets after a 《title》 cites that document, not the page's own
        found = [
            m.group(0) for m in DOC_NUMBER.finditer(top) if not CITED.search(top[max(0, m.start() - 4) : m.start()])
        ]
        if found and len({SPACES.sub("", m) for m in found}) < LISTED_NUMBERS:  # more: a list of documents
            number = found[0]  # (a 清理 table), none of them the page's
    if number:
        doc.meta["doc_number"] = SPACES.sub("", number)
    else:
        doc.meta.pop("doc_number", None)  # a 文号 field holding no number (an office's name, 〔〕号)
    if not doc.date:
        doc.date = labelled_date(body[:300]) or first_date(body[:200]) or first_date(body[-300:])


def region(*texts: str) -> str:
    provinces = boilerplate().provinces
    for text in texts:
        if not text:
            continue
        for name in provinces:
            short = re.sub(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$", "", name)
            if name in text or text.startswith(short):
                return name
        m = re.search(r"([\u4e00-\u9fa5]{2,6}?(?:市|州|盟|县|区))(?:人民政府|政府|委员会|人民|党委|办公室|$)", text)
        if m:
            return m.group(1)
    return ""


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "") if url else ""
