"""Main text and metadata of a Chinese web page.

The page is flattened into text *blocks* (one per paragraph-level element or
``<br>``-separated line). Every block gets a value: positive for prose
(length, Chinese punctuation, few links), negative for boilerplate (link
lists, short unpunctuated labels, lines matching the patterns in
``ingest/sites/boilerplate.json``). The content container is the element whose
blocks sum to the highest value, unless a site profile names it by XPath.
Inside the container, boilerplate lines are dropped, and everything after a
stop line (相关阅读, 版权声明, 本文地址 …) that comes late in the text is cut.

Metadata comes from ``<meta>`` tags, labelled metadata tables (gov.cn's
索引号 / 发文字号 …), labelled lines (发布时间：…, 来源：…) and the text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import lxml.html
from lxml import etree

from govtext.documents import Document
from govtext.errors import SourceError
from govtext.settings import load_settings
from ingest.chrome import SiteChrome, fingerprint
from ingest.encoding import decode_bytes
from ingest.metadata import DATE, TABLE_LABELS, meta_tags, metadata_table, normalize_date, page_metadata, text_metadata  # noqa: F401 (normalize_date re-exported)
from ingest.metadata import first_date
from ingest.metadata import html_title as title_tag
from ingest.pagekind import page_features, refuses
from ingest.sites import Profile, boilerplate, choose_profile, get_profile
from ingest.text import clean_text, spaced_clauses

# Site-independent signals, each measured on the held-out sites of
# bench/eval_extract_external.py (which can switch one off with --ablate NAME):
#   comments  - a comment-section header (发表评论, 网友评论, # re: …) ends the article like a stop line
#   legal     - legal notices (版权 / 转载 / 免责 … about the site itself) are boilerplate, not prose
#   lists     - a page whose best block is mostly links with little prose is refused as a list page
#   coverage  - a container holding under COVERAGE_MIN of the page's prose widens to an ancestor holding most
#   factbox   - a definition list of 3+ short label/value pairs (an encyclopedia's fact box) is not text
#   runs      - a run of RUN_MIN or more short unpunctuated lines (outside tables) before the first or
#               after the last sentence (player controls, fact boxes, reference lists, page statistics) is chrome
#   cards     - CARDS_MIN or more sibling elements of one tag and class, each short (CARD_MAX_CHARS) and
#               holding a time stamp line (2024-05-23 09:41, 8 小時前), are a feed of teasers, not text
#   hidden    - a page with no main text outside hidden elements is read again keeping the hidden ones of
#               HIDDEN_MIN_SENTENCES sentences or more: an article a script reveals (WeChat's js_content)
#   anchor    - when the best container is another article (its own <h1>, after the page's), the text
#               is what follows the page's own <h1> up to the next one (endless-scroll pages)
#   narrow    - the container's child scoring NARROW_SHARE of it or more is the container instead
#   wrapper   - an element with a boilerplate name (…-nav, sidebar) holding the page's <h1> and half or
#               more of its sentences (WRAPPER_MIN_SENTENCES or more) wraps the article and stays
#   spaced    - a line of space-separated runs of Chinese averaging SPACED_RUN_CHARS or more is prose
#               written with spaces for punctuation (blogs), valued like a punctuated line
#   records   - a content block cut by RECORDS_MIN or more title links (a link line of RECORD_TITLE_CHARS)
#               into pieces none of which holds RECORDS_RUN_SHARE of its prose, with under
#               RECORDS_PROSE_PER_TITLE characters of prose per title, is an index of teasers (a forum's
#               thread list): an article's own links sit inside its prose, not between short summaries
#   markup    - a line of nothing but escaped HTML tags (``<p id="x"></p>`` shown as text: spam
#               templates, broken CMS output) is boilerplate, not prose (not in <pre>/<code>)
#   hant      - legal notices in traditional script count too (their characters are folded to simplified
#               before the legal check), and 删除 (本站確認後將會立即刪除) is a legal term
#   reopen    - ``</body>`` and ``</html>`` are ignored wherever they stand: a page that closes them early
#               (a server-side include of its header ends in ``</html>``) keeps what follows, which the
#               parser would otherwise hang outside the document's tree
#   readmore  - READMORE_MIN or more link lines of their own saying only "read more" (Read more…,
#               阅读全文, 继续阅读 …) in the content block make it an index of post excerpts (a blog's
#               category page): an article links to its own continuation once at most
#   minor     - a text under MINOR_SHARE of the page's text outside links is not the page's content: the
#               page is a listing of something that is not prose (domain names, data rows), refused
#   shop      - a page with a buy control (加入购物车 / 立即购买 …, a line of its own) and SHOP_PRICES or
#               more price lines (¥ 55.00), whose text is under SHOP_MAX_CHARS, is a product page or a
#               catalogue, refused (added after page set 7's one read: no page of sets 1-6 has either)
#   verse     - a page that would be refused for want of prose gives its longest run of VERSE_MIN_LINES or
#               more short link-free lines under one element (lyrics, a poem without punctuation), if
#               it has one (added after page set 7's one read: its lyrics post was refused)
#   spacedmarkers - a site profile's page markers match when the page prints them with spaces between
#               their characters (gov.cn's metadata table prints 索 引 号; found in page set 7's make-up,
#               whose four gov.cn pages were read by the generic profile for want of it)
#   shortlines - a text of SHORT_LINES_MIN or more lines of which SHORT_LINES_SHARE or more are short
#               (SHORT_LINE_CHARS) and unpunctuated is not prose but a page of labels, table cells and
#               tiles (a price list, a company homepage's counters and product cards), refused, unless
#               VERSE_MIN_LINES of them in a row are siblings (a poem laid out one line to an element)
#   attributes - a page with ATTRIBUTES_MIN or more short label/value lines (颜色：…, 品牌: …, a bare 价格：)
#               besides a document's metadata labels, whose text is under ATTRIBUTES_MAX_CHARS characters,
#               is a record (a product, a directory entry, a profile), not an article: refused
#   oneteaser - a page whose whole kept text is one short teaser (TEASER_MAX_CHARS) cut off by an
#               ellipsis or a "more" link (详细 / 詳細 …) on a page mostly of links (LIST_PAGE_LINK_SHARE) is
#               a front page, refused; the teaser rule's "more" words are known in traditional script too
#               (added after page set 8's read: a forum portal and a news front page were kept as a teaser)
#               after page set 14's read, a teaser cut mid-clause by three dots ("Auto...", CUT_OFF) needs no
#               page of links (a trade fair's homepage of teaser groups)
#   bbs       - a forum post in the BBS mail format keeps its text, not its header lines (发信人 / 标 题 /
#               发信站), its signature (from a line "--" to ※ 来源 / ※ 修改), its quote header
#               (【 在 … 的大作中提到: 】) or a bare post number ([ 2 ]) before a header (page set 8's read)
#   bylinedate - a page with no date found takes the first date of a byline its boilerplate-named
#               wrapper removed (<div class="author-share"> holding the author and 2017-03-01), when that
#               wrapper sat beside or just above the content block (page set 8's read)
#   tablelabels - a metadata table's 生成日期 / 发文日期 / 发布机构 / 公开日期 are read whatever the profile
#               (ingest/metadata.py TABLE_LABELS): county and city CMSs label their tables so
#   printeddate - a date printed on a byline near the title (日期：2021/09/06, a short line opening
#               with 2020年09月15日, or one naming a 来源) that is earlier than the <meta> tags' date wins
#               over it: a CMS's PubDate is often a later re-publish time (page set 9's read)
#   infotable - a 政府信息公开 table's 信息索引 is its 索引号 and 发文机构 its issuing body, and its 生成日期
#               (the record's creation) yields to a 发布日期 / 发布时间 printed on the page (page set 9's read)
#   hideclass - an element whose class hides it (HIDE_CLASSES: AngularJS's ng-hide, Bootstrap's d-none,
#               hidden, hide) is hidden like display:none: a saved page's hidden copy of the document for
#               download is not text twice (page set 9's nfra.gov.cn)
#   summarytable - a table above the first paragraph whose cells (SUMMARY_SHARE of SUMMARY_MIN_CELLS or
#               more) the text from that paragraph on repeats is a summary (a procurement notice's
#               公告概要), dropped with its heading line (page set 9's ccgp.gov.cn)
#   template  - the content block is one of TEMPLATE_MIN or more sibling records of one tag and class (or
#               their parent), TEMPLATE_SHARE of them headed by a title link to another page, each under
#               TEMPLATE_MAX_CHARS, together TEMPLATE_COVER of their parent's text: search results, a
#               column's items with summaries, refused (a FAQ whose questions toggle answers stays); a record
#               holding a link that says only 【详情】 / 阅读全文 counts as headed, wherever the link points
#               (page set 13's portal column, whose mirror points every link at javascript:;)
#   linkedlead - a text of at most LEAD_MAX_CHARS under a heading that links elsewhere, on a page mostly
#               of links whose <title> does not name that heading, is a front page's lead story, refused
#   moreafter - a text of at most LEAD_MAX_CHARS followed by a "more" link (更多>>, a link line of its own
#               within two lines, or linked at its end) on a page mostly of links is a front page's blurb
#   grid      - a data table (GRID_MIN_ROWS or more rows, GRID_SAME of them with the same number of cells,
#               two or more, no table inside) is neither prose nor chrome: its unlinked cells cost nothing
#               (a notice's name lists), and on a filed document (a metadata table with 索引号 or 文号) whose
#               text has GRID_PROSE characters of sentences outside such tables its cells do not count as
#               short lines for `shortlines` (page set 10's zj.gov.cn 公示; a trader's price table stays refused);
#               nor on any page whose text outside the cells is mostly sentences (GRID_NOTICE_SHARE, GRID_PROSE
#               characters; a clause ending in a colon introduces the table), the cells unlinked: a notice,
#               an announcement or a list of results around a table of any size (page set 13's read)
#   fields    - a whole text of at most FIELDS_MAX_CHARS with no sentence in it (no 。！？, no ". ", but for
#               one in a label's value), whose lines are FIELDS_SHARE or more label/value lines (地址：…, 电话：…, 证书编号：…) or that is
#               under FIELDS_TINY characters, is a record, a contact box or a menu's caption, not an article
#               (page set 10's ndrc.gov.cn query record, panorama-holdings.com.cn's pages, rc.jinan.gov.cn's menu)
#   errorpage - a whole text of at most ERROR_MAX_CHARS saying the page is gone (页面不存在, 404) or the
#               visit is blocked (访问过于频繁, 请输入验证码), or under a <title> that is an HTTP error status
#               or a bare "Error" (a CDN's page saved under a content URL), is not an article, refused;
#               also an apology that the page shows an error (页面出现错误) or a line that is a bare
#               "… Error" (page set 14's read)
#   entrydates - ENTRY_DATES or more short lines ending in a date under the same label (时间：2020-12-29)
#               are the bylines of a column's entries, refused as a list (page set 14's read); under
#               ENTRY_SHORT_TEXT characters of text they are counted on the whole page (one entry was picked)
#   datedtitles - under ENTRY_SHORT_TEXT characters of text lying inside a run of ENTRY_DATES or more short
#               title lines each followed by a line that is only a date (标题 / 2018-05-03) are a column's
#               entries, one of whose leads was picked: refused as a list (page sets 16-18's reads); a side
#               list of dated titles above or below a short post is not its column
#   placeholder - a whole text of at most ERROR_MAX_CHARS that is a template's stand-in (这里是…的内容,
#               暂无内容, 正在建设中, 敬请期待, lorem ipsum) is no article, refused (page sets 16-18's reads)
#   pager     - a kept line that is only a pager («‹1›», 上一页 1 2 下一页, 共3页) beside under
#               PAGER_MAX_PROSE characters of sentences is a column page's teaser and its pager, refused
#               (an article's pager sits under a long text; page sets 16-18's reads)
#   answers   - hidden elements each right after a visible short line (a question, a toggle's label) under its
#               own parent, ANSWERS_MIN or more of one shape holding an article's worth of prose together, are
#               an FAQ's collapsed answers: kept (page set 19's read: 16 answers, each with one or two sentences)
#   misnomer  - a footer-named element (footer, foot, copyright) is prose, and kept, for its punctuation
#               without brackets: a footer's 电子邮件（E-mail） / 电话（Tel） are no sentences (page set 19's read)
#   entrycounters - `entrydates` reads an entry's byline through the counters after its date (日期：2018-06-28
#               20:06:00 点击：6244 好评：0, DedeCMS's list template; page set 19's read)
#   shell     - a text whose every line is an attachment link, a viewer's / download line or a share prompt
#               (SHELL_LINE, each at most SHELL_MAX_LINE characters, no sentence) is an article shell, refused
#               (page set 14's read)
#   tabs      - a tab widget's hidden panels are text: TAB_MIN_PANELS or more sibling elements of one tag,
#               exactly one of them visible and the others hidden (inline style, ``hidden`` or a hide class),
#               each holding TAB_PANEL_SENTENCES sentences or more and few links, none repeating another's
#               text (TAB_PANEL_OVERLAP of its character pairs), after a tab header: the element just before
#               them (or before an ancestor of theirs, TAB_HEADER_LEVELS up) is a list of short items
#               (TAB_ITEM_CHARS) as many as the panels (page set 26's read: a scenic area's introduction in
#               seven panels, six of them display:none); hidden copies of the text and hidden menus stay out
SIGNALS = {
    "comments": True,
    "legal": True,
    "lists": True,
    "coverage": True,
    "runs": True,
    "factbox": True,
    "cards": True,
    "hidden": True,
    "anchor": True,
    "narrow": True,
    "wrapper": True,
    "spaced": True,
    "records": True,
    "tablelabels": True,
    "markup": True,
    "hant": True,
    "reopen": True,
    "readmore": True,
    "minor": True,
    "shop": True,
    "verse": True,
    "spacedmarkers": True,
    "shortlines": True,
    "attributes": True,
    "oneteaser": True,
    "bbs": True,
    "bylinedate": True,
    "printeddate": True,
    "infotable": True,
    "hideclass": True,
    "summarytable": True,
    "template": True,
    "linkedlead": True,
    "errorpage": True,
    "moreafter": True,
    "grid": True,
    "fields": True,
    "shell": True,
    "entrydates": True,
    "datedtitles": True,
    "placeholder": True,
    "pager": True,
    "answers": True,
    "misnomer": True,
    "entrycounters": True,
    "tabs": True,
}
TAB_MIN_PANELS = 2
TAB_PANEL_SENTENCES = 2
TAB_PANEL_OVERLAP = 0.5  # of a panel's character pairs found in another panel: a copy, not a tab
TAB_ITEM_CHARS = 16  # a tab's label
TAB_HEADER_LEVELS = 3
# elements hidden by inline style or the ``hidden`` attribute, or perhaps by a class (each of HIDE_CLASSES holds
# "hid" or "none"; XPath matches them in lower case only)
HIDDEN_XPATH = etree.XPath("//*[@style or @hidden or contains(@class, 'hid') or contains(@class, 'none')]")
ANSWERS_MIN = 3
ANSWERS_QUESTION_CHARS = 200
GRID_MIN_ROWS = 5
GRID_SAME = 0.8
GRID_PROSE = 100
GRID_LEAD_PROSE = 40  # a dated notice's sentences above its table (one sentence: 经复试…拟录取结果如下)
GRID_LINKED = 0.1  # of the table's characters at most in links
GRID_CAPTION_CHARS = 30  # a caption line between a notice's lead-in and its table
GRID_NOTICE_SHARE = 0.5  # of the text outside a data table in sentences: a notice around it (page set 13's read)
FIELDS_MAX_CHARS = 600
FIELDS_SHARE = 0.5
FIELDS_TINY = 20
FIELD_LINE = re.compile(  # 电话/传真：; a numbered label, S1负责人： (page set 14's contact box)
    r"^(?:[\u4e00-\u9fffA-Za-z .]{2,12}(?:[/、][\u4e00-\u9fffA-Za-z .]{1,12})*|[A-Za-z]\d{1,2}[\u4e00-\u9fff]{2,8})\s*[:：]"
)
LATIN_SENTENCE = re.compile(r"[a-z][.;:]\s+[A-Z]|[a-z]\.$", re.M)
MORE_LINK = re.compile(
    r"^[\[【(（<＜〈]?\s*(?:更多|详细|詳細|详情|詳情|全文|阅读全文|閱讀全文|查看全文|查看更多|more)\s*"
    r"(?:\.{3}|…|>>|»|→|＞＞)?\s*[\]】)）>＞〉]?$",
    re.I,
)
# a byline ending a short line: a label, a few characters (网络整理) and a date (page set 14's read)
ENTRY_DATE_LINE = re.compile(
    r"([\u4e00-\u9fff]{2,4})\s*[:：][^:：]{0,12}?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)
ENTRY_LINE_MAX = 60
ENTRY_COUNTERS = re.compile(r"(?:\s*(?:点击|浏览|阅读|好评|差评|人气|评论)(?:数|次数|量)?\s*[:：]\s*\d+\s*次?)+\s*$")
ENTRY_DATES = 4
ENTRY_SHORT_TEXT = 300
ERROR_MAX_CHARS = 200
# a bare date line under an entry's title (signal datedtitles): 2018-05-03, [2020年5月3日], 2019/6/6 21:33,
# an icon font's glyph or brackets around it
DATE_ONLY = re.compile(
    r"^\W{0,3}(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\W{0,3}$"
)
# a template's stand-in text (signal placeholder)
PLACEHOLDER = re.compile(
    r"(?:这里|此处|这儿)(?:是|为|填写|放置|显示)[^。！!]{0,16}(?:内容|正文|文字|文章|简介|介绍)"
    r"|暂无(?:内容|数据|信息|记录|文章|相关)|内容(?:待|正在)(?:添加|更新|完善|建设|补充)|(?:正在|尚在)(?:建设|完善)中"
    r"|敬请期待|lorem\s+ipsum",
    re.I,
)
# a pager line (signal pager): «‹1›», 上一页 1 2 3 下一页, 共3页 第1页, FIRST PREV 1 2 NEXT LAST
PAGER_LINE = re.compile(
    r"^(?:[«‹»›<>＜＞]|\d{1,4}|\.{2,}|…|首页|上一页|上页|下一页|下页|尾页|末页|前一页|后一页|共\s*\d+\s*(?:页|条)"
    r"|第\s*\d+\s*页|当前第?\s*\d+\s*页|跳转|转到|到第|页|first|last|prev|previous|next|go|\s|[/|])+$",
    re.I,
)
PAGER_TOKEN = re.compile(
    r"[«‹»›＜＞]|上一?页|下一?页|尾页|末页|共\s*\d+\s*页|第\s*\d+\s*页|\b(?:first|last|prev|next)\b", re.I
)
PAGER_MAX_PROSE = 300
NUMBER = re.compile(r"\d")
ERROR_PAGE = re.compile(
    r"(?:页面|网页|文章|信息|内容|資訊|頁面|网址|链接)\s*(?:不存在|未找到|找不到|無法找到|无法找到|已被?删除|已被?刪除|已过期|已下线|已撤稿)"
    r"|(?:页面|网页|访问)[^。，,]{0,8}(?:出现|发生)(?:了)?(?:错误|异常)|^\W*(?:\w+\W+)?error\W*$"
    r"|无此(?:页面|网页|文章|信息|内容)|\d+\s*秒(?:钟)?(?:之|以)?后[^。！!]{0,16}(?:跳转|返回|回到|转到|转向|进入)"
    r"|\b404\b|not\s+found|(?:can['’]?t|cannot)\s+be\s+displayed|访问过于频繁|請求過於頻繁|请输入验证码|请完成安全验证|访问被拦截|您(?:没有|無)权限|无权访问",
    re.I | re.M,
)
# an attachment-only shell's lines: an attachment link, a viewer's or a download line, a share prompt
SHELL_LINE = re.compile(
    r"^附件\s*\d*\s*[:：]|\.(?:docx?|pdf|xlsx?|wps|zip|rar|pptx?)\b|下载|阅读器|预览|扫描|扫一扫|分享|打印", re.I
)
SHELL_MAX_LINE = 120
# a <title> that is an HTTP error status (502, 404 Not Found, HTTP 500 - Internal Server Error, Error 403)
ERROR_TITLE = re.compile(  # 502, 404 Not Found, HTTP 500 - …; a bare "Error" (page set 13's CDN page)
    r"\s*(?:(?:HTTP\s*)?(?:error\s*)?[45]\d\d(?:\s*[-:：]?\s*[A-Za-z][A-Za-z .']*)?|error|错误|出错了?)\s*$", re.I
)
MORE_ONLY = re.compile(r"[\[【(（]?(?:详细|详情|全文|阅读全文|查看全文|詳細|詳情|閱讀全文)[\]】)）]?(?:>>|»|→)?")
TEMPLATE_MIN = 4  # sibling records
TEMPLATE_SHARE = 0.8  # of them headed by a title link
TEMPLATE_MAX_CHARS = 400  # each
TEMPLATE_TITLE_CHARS = 100  # 关于印发《…》的通知 titles run past RECORD_TITLE_CHARS
TEMPLATE_COVER = 0.8  # of their parent's text
LEAD_MAX_CHARS = 600
SUMMARY_MIN_CELLS = 6
SUMMARY_SHARE = 0.6
SUMMARY_CELL_CHARS = 4
HIDE_CLASSES = frozenset(
    ("ng-hide", "d-none", "hidden", "is-hidden", "hide")
)  # not "invisible": it keeps its space (a link's elided URL part)
# articles of sets 1-8 kept as one block under 200 characters on a page mostly of links: 2, neither cut off
TEASER_MAX_CHARS = 200
TRUNCATED = re.compile(r"(?:\.{3,}|…+|⋯+)$")
CUT_OFF = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]\.{3,}$")  # a CMS's cut mid-clause ("Auto..."): a teaser anywhere
BBS_HEADER = re.compile(
    r"^(?:发信人|發信人|寄信人)\s*[:：].{0,80}(?:信区|信區|看板)\s*[:：]|^(?:标|標)\s*(?:题|題)\s*[:：]|^(?:发信站|發信站)\s*[:：]"
)
BBS_ORIGIN = re.compile(r"^※\s*(?:来源|來源|修改|转载|轉載|转寄|轉寄)\s*[:：]")
BBS_QUOTE = re.compile(r"^【\s*在\s.{1,60}的(?:大作|来信|來信)中提到\s*[:：]\s*】$")
BBS_NUMBER = re.compile(r"^[\[［【]\s*\d{1,5}\s*[\]］】]$")
BYLINE_DATE_CHARS = 80
ATTRIBUTES_MIN = 16  # label/value lines; articles of sets 1-7 with under 200 characters of text: at most 14
ATTRIBUTES_MAX_CHARS = 200
ATTRIBUTE_LINE = re.compile(r"^([\u4e00-\u9fffA-Za-z ]{1,8})\s*[:：]\s*(?:\S.{0,40})?$")
SHORT_LINES_MIN = 15  # kept lines
SHORT_LINES_SHARE = 0.8  # articles of sets 1-7 with 15+ lines: at most 0.74 of them short (a review's spec lines)
SHORT_LINE_CHARS = 20
VERSE_MIN_LINES = 8
VERSE_LINE_CHARS = 40
SHOP_PRICES = 3
SHOP_MAX_CHARS = 1000
BUY_CONTROL = re.compile(
    r"^(?:加入购物车|立即购买|加入購物車|立即購買|放入购物车|立即抢购|add to (?:cart|bag)|buy now)$", re.I
)
PRICE_LINE = re.compile(r"^\D{0,12}[￥¥]\s*\d[\d,.]*")
MINOR_SHARE = 0.005  # articles of sets 1-6: 0.021 or more of the page's text outside links
READMORE_MIN = 3
READ_MORE = re.compile(
    r"^[\[【(（]?\s*(?:read\s+more|continue\s+reading|more|阅读全文|繼續閱讀|继续阅读|閱讀全文|查看全文|阅读更多|全文|详细|详情)"
    r"\s*(?:\.{3}|…|»|>>|→|&raquo;)?\s*[\]】)）]?$",
    re.I,
)
RECORDS_MIN = 10
RECORD_TITLE_CHARS = (8, 60)
RECORDS_RUN_SHARE = 0.3
RECORDS_PROSE_PER_TITLE = 120
WRAPPER_MIN_SENTENCES = 5
NARROW_SHARE = 0.9
CARDS_MIN = 3
HIDDEN_MIN_SENTENCES = 5
CARD_MAX_CHARS = 800
STAMP = re.compile(r"\d+\s*(?:秒|分钟|分鐘|小时|小時|天|日|周|週|个月|個月)前|发布于|發佈於")
RUN_MIN = 5
RUN_LINE_CHARS = 20
COVERAGE_MIN = 0.35
COVERAGE_TARGET = 0.7
LIST_LINK_SHARE = 0.4  # articles of the tuning sites: at most 0.26 of the content block's characters are links
LIST_MAX_PROSE = 400  # characters in sentences (。！？) outside links
LIST_MIN_PROSE = 50  # below this, a page whose text is mostly links (LIST_PAGE_LINK_SHARE) is a list page
LIST_PAGE_LINK_SHARE = 0.5
SENTENCE_END = re.compile(r"[。！？!?]")
LEAD_IN = re.compile(r"(?:[，,].*[：:]|如下[。.]?)\s*$")  # a clause that introduces what follows (…，具体名单如下：)
LINK_LIST_WEIGHT = 1.0  # a link line costs its container this much per character

MAX_HTML_CHARS = 4_000_000  # larger pages are cut here (meta["truncated"]); real articles are far smaller

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section table tbody td tfoot th "
    "thead tr ul caption title".split()
)
PUNCT = re.compile(r"[，。；：！？、“”（）《》]")
CODE_TAGS = frozenset(("pre", "code", "xmp", "textarea", "kbd", "samp"))
NAMED_PUNCT = re.compile(r"[，。；：！？、“”《》]")  # a footer's 电话（Tel）: its brackets are no prose
FOOTER_ATTR = re.compile(r"(^|[\s_-])(footer|foot|copyright)([\s_-]|\d|$)", re.I)
SPACES = re.compile(r"[ \t\r\n\u00a0\u3000\u2002\u2003\u2009\u202f\ufeff]+")
NONSPACE = re.compile(r"\S")


@dataclass
class Block:
    text: str
    chars: int  # non-whitespace characters
    link_chars: int
    ancestors: tuple  # every element enclosing the block, outermost first
    heading: bool = False
    grid: bool = False  # a cell of a data table (signal ``grid``)

    _boilerplate: bool | None = None

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0

    @property
    def in_code(self) -> bool:
        """Inside a code listing, where escaped tags are the text."""
        return any(el.tag in CODE_TAGS for el in self.ancestors)

    @property
    def is_boilerplate(self) -> bool:
        """Matches a drop_line pattern (boilerplate lines are short: a paragraph is judged by its start)."""
        if self._boilerplate is None:
            self._boilerplate = (
                boilerplate().drop_line.search(self.text[:200]) is not None
                or (SIGNALS["legal"] and _is_legal_notice(self.text))
                or (SIGNALS["markup"] and _is_markup(self.text) and not self.in_code)
            )
        return self._boilerplate


ESCAPED_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s+[\w:-]+(?:=(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>]+))?)*\s*/?>")


def _is_markup(text: str) -> bool:
    """Escaped tags shown as text: a line of two or more ``<tag …>`` and nothing else (a code
    listing's lines hold text or statements between its tags)."""
    if "<" not in text:
        return False
    found = ESCAPED_TAG.findall(text)
    return len(found) >= 2 and not SPACES.sub("", ESCAPED_TAG.sub("", text))


HANT_FOLD = str.maketrans("權載轉責網們報刪", "权载转责网们报删")
LEGAL_MORE = re.compile("删除")


def _is_legal_notice(text: str) -> bool:
    """``凡本网注明“来源：…”的作品，版权均属于…``: two legal terms and the site speaking of itself."""
    if len(text) > 600:
        return False
    if SIGNALS["hant"]:
        text = text.translate(HANT_FOLD)
    terms = set(boilerplate().legal_terms.findall(text))
    if SIGNALS["hant"]:
        terms.update(LEGAL_MORE.findall(text))
    return len(terms) >= 2 and re.search(r"本网|本站|我们|本报|本刊|本文|本平台", text) is not None


# ---------------------------------------------------------------- public API


def extract_page(
    raw: bytes,
    url: str = "",
    content_type: str | None = None,
    profile: str | None = None,
    chrome: SiteChrome | None = None,
    page_kind: bool | None = None,
) -> Document:
    """A Document from the raw bytes of a fetched page (HTML or plain text).

    ``content_type`` is the HTTP header value; its charset is a hint that is
    verified, not trusted. Raises :class:`SourceError` for bytes that are not
    a readable page (empty, binary, undecodable). ``page_kind``: see :func:`extract_html`.
    """
    if not raw or not raw.strip():
        raise SourceError(f"empty page{' at ' + url if url else ''}")
    declared = None
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
        declared = m.group(1) if m else None
    text, encoding = decode_bytes(raw, declared)
    is_plain = "text/plain" in (content_type or "").lower()
    has_tags = re.search(r"<\s*(html|body|div|p|br|table|head|title)\b", text[:20000], re.I) is not None
    if has_tags and (text.lstrip()[:1] == "<" or not is_plain):
        doc = extract_html(text, url, profile=profile, chrome=chrome, page_kind=page_kind)
    else:
        doc = extract_text(text, url)
    doc.meta["encoding"] = encoding
    return doc


def extract_text(text: str, url: str = "") -> Document:
    """A Document from the visible text of a page (or a .txt copy of one):
    breadcrumb lines, copyright notices and trailing related-link lists go."""
    lines = [SPACES.sub(" ", line).strip() for line in clean_text(text).split("\n")]
    blocks = [Block(line, len(NONSPACE.findall(line)), 0, ()) for line in lines if line]
    kept = _clean_blocks(blocks)
    if not kept:
        raise SourceError("no text found")
    title = kept[0].text if kept[0].chars <= 60 and not PUNCT.search(kept[0].text[-1:]) else ""
    while title and len(kept) > 1 and kept[0].text == title:
        kept = kept[1:]  # the title line, often repeated as the first heading
    body = "\n".join(b.text for b in kept)
    meta: dict = {}
    doc = Document(text=body, title=title, url=url, meta=meta)
    text_metadata(doc, body)
    return doc


def extract_html(
    html: str,
    url: str = "",
    profile: str | None = None,
    chrome: SiteChrome | None = None,
    page_kind: bool | None = None,
) -> Document:
    """A Document from the decoded HTML of a page.

    With ``chrome``, blocks that other pages of the same host (as seen by it)
    also have are boilerplate, and this page's blocks are recorded for the next.
    A page with no main text outside hidden elements is read again with its hidden
    prose (signal ``hidden``; without site chrome, which has seen the page once).
    ``page_kind``: after the rules, the learned page-kind model (ingest/pagekind.py) may refuse a
    page they keep; None: the setting ``page_kind`` (GOVTEXT_PAGE_KIND)."""
    if page_kind is None:
        page_kind = load_settings().page_kind
    seen: dict = {"page_kind": None} if page_kind else {}
    try:
        return _extract_html(html, url, profile, chrome, seen, keep_hidden=False)
    except SourceError:
        if not (SIGNALS["hidden"] and seen.get("hidden_prose")):
            raise
    return _extract_html(html, url, profile, None, seen, keep_hidden=True)


def page_kind_features(html: str) -> tuple[dict | None, Document | None]:
    """The page-kind features (ingest/pagekind.py) of a page as :func:`extract_html` computes them,
    and the extractor's Document (None: refused; features None: refused before any block was scored)."""
    seen: dict = {"features": None}
    try:
        doc = _extract_html(html, "", None, None, seen, keep_hidden=False)
        return seen["features"], doc
    except SourceError:
        if not (SIGNALS["hidden"] and seen.get("hidden_prose")):
            return seen["features"], None
    seen["features"] = None
    try:
        doc = _extract_html(html, "", None, None, seen, keep_hidden=True)
        return seen["features"], doc
    except SourceError:
        return seen["features"], None


def _extract_html(
    html: str, url: str, profile: str | None, chrome: SiteChrome | None, seen: dict, keep_hidden: bool
) -> Document:
    meta: dict = {}
    if len(html) > MAX_HTML_CHARS:
        html, meta["truncated"] = html[:MAX_HTML_CHARS], True
    root = _parse(html)
    if root is None:
        raise SourceError("no HTML found")
    site = (
        get_profile(profile)
        if profile
        else choose_profile(url, root.text_content()[:200_000], spaced=SIGNALS["spacedmarkers"])
    )
    meta["profile"] = site.name
    tags = meta_tags(root)
    html_title = title_tag(root)
    table = metadata_table(root, site, more_labels=SIGNALS["tablelabels"], info_labels=SIGNALS["infotable"])
    meta.update(table)
    bylines: list = []
    seen["hidden_prose"] = _prune(root, site, keep_hidden, bylines if SIGNALS["bylinedate"] else None)
    blocks = _linearize(root)
    if SIGNALS["grid"]:
        _mark_grid(blocks)
    if chrome is not None:
        meta["chrome_blocks"] = _mark_chrome(blocks, chrome, chrome.host_for(url))
    if SIGNALS["cards"]:
        _mark_cards(blocks)
    container = _profile_container(root, site)
    if container is not None:
        inside = [b for b in blocks if container in b.ancestors]
        links = sum(b.link_chars for b in inside) / max(1, sum(b.chars for b in inside))
        if links > 0.3:  # the profile's block is a wrapper with navigation in it: score inside it
            container = _best_container(inside)
    else:
        container = _best_container(blocks)
    inside = [b for b in blocks if container in b.ancestors] if container is not None else blocks
    if SIGNALS["anchor"] and container is not None:
        container, inside = _anchor_to_title(blocks, container, inside, [html_title, *tags.values()])
    kept = _clean_blocks(inside)
    if "features" in seen or "page_kind" in seen:  # ingest.pagekind's training data, or its model is on
        features = page_features(blocks, inside, kept, html_title, _header_text(blocks, inside), html)
        seen["features" if "features" in seen else "page_kind"] = features
    if SIGNALS["lists"] and (
        _is_list_page(inside, kept, blocks, filed=bool(table.get("index_no") or table.get("doc_number")))
        or (SIGNALS["template"] and container is not None and _template_index(container, blocks))
        or (SIGNALS["linkedlead"] and _linked_lead(kept, blocks, html_title))
        or (SIGNALS["moreafter"] and _more_after(kept, blocks))
        or (SIGNALS["entrydates"] and _entry_dates(kept, blocks))
        or (SIGNALS["datedtitles"] and _dated_titles(kept, blocks))
        or (SIGNALS["pager"] and _pager_teaser(kept))
    ):
        raise SourceError(f"no main text found (a list page){' at ' + url if url else ''}", code="no_text")
    if SIGNALS["summarytable"]:
        kept = _drop_summary_table(kept)
    title = table.get("title") or _pick_title(tags, html_title, blocks)
    kept, heading = _drop_title_lines(kept, title)
    if SIGNALS["runs"]:
        kept = _drop_label_runs(kept)
    if SIGNALS["bbs"]:
        kept = _drop_bbs_chrome(kept)
    if heading and (not title or not any(title[:8] in b.text for b in blocks if b.heading or b in inside)):
        title = heading  # the <title> names the site, the line above the byline names the article
    body = "\n".join(b.text for b in kept)
    if not body and SIGNALS["verse"]:
        kept = _verse_run(blocks)
        body = "\n".join(b.text for b in kept)
        seen.pop("page_kind", None)  # the model's features describe the text the verse run replaced
    if not body:
        raise SourceError(f"no main text found{' at ' + url if url else ''}")
    if (
        SIGNALS["errorpage"]
        and sum(b.chars for b in kept) <= ERROR_MAX_CHARS
        and (ERROR_PAGE.search(body) or ERROR_TITLE.match(html_title))
    ):
        raise SourceError(f"no main text found (an error page){' at ' + url if url else ''}", code="no_text")
    if SIGNALS["placeholder"] and sum(b.chars for b in kept) <= ERROR_MAX_CHARS and PLACEHOLDER.search(body):
        raise SourceError(f"no main text found (a placeholder){' at ' + url if url else ''}", code="no_text")
    if SIGNALS["shell"] and all(
        b.chars <= SHELL_MAX_LINE and SHELL_LINE.search(b.text) and not SENTENCE_END.search(b.text) for b in kept
    ):
        raise SourceError(f"no main text found (attachments only){' at ' + url if url else ''}", code="no_text")
    if SIGNALS["fields"] and _is_field_page(kept, body):
        raise SourceError(f"no main text found (fields, no sentence){' at ' + url if url else ''}", code="no_text")
    if SIGNALS["attributes"] and _is_record_page(kept, blocks, site):
        raise SourceError(f"no main text found (a record of attributes){' at ' + url if url else ''}", code="no_text")
    if SIGNALS["shop"] and _is_shop_page(kept, blocks):
        raise SourceError(f"no main text found (a product page){' at ' + url if url else ''}", code="no_text")
    if SIGNALS["minor"] and sum(b.chars for b in kept) < MINOR_SHARE * sum(
        b.chars for b in blocks if b.link_density <= 0.5
    ):
        raise SourceError(f"no main text found (a listing){' at ' + url if url else ''}", code="no_text")
    if seen.get("page_kind") and refuses(seen["page_kind"]):
        raise SourceError(
            f"no main text found (page kind: not an article){' at ' + url if url else ''}", code="no_text"
        )
    doc = Document(text=body, title=title, url=url, meta=meta)
    page_metadata(
        doc,
        site,
        table,
        tags,
        html_title,
        _header_text(blocks, inside),
        "\n".join(b.text for b in inside if b.chars <= 60),
        "\n".join(b.text for b in blocks),
        printed_first=SIGNALS["printeddate"],
    )
    if not doc.date and bylines and container is not None:
        doc.date = _byline_date(bylines, container)
    return doc


# ------------------------------------------------------------------- parsing


DOCUMENT_END = re.compile(r"</\s*(?:html|body)\s*>", re.I)
XML_INCOMPATIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _parse(html: str):
    html = XML_INCOMPATIBLE.sub("", re.sub(r"^\s*<\?xml[^>]*>", "", html))  # lxml refuses these
    if SIGNALS["reopen"]:
        html = DOCUMENT_END.sub("", html)
    if not html.strip():
        return None
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return root


def _attr_text(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def _prune(root, site: Profile, keep_hidden: bool = False, bylines: list | None = None) -> bool:
    """Drop scripts, styles, forms' widgets, hidden and boilerplate-named elements.

    With ``keep_hidden``, hidden elements holding an article's worth of prose stay. Short dated
    lines of boilerplate-named elements are added to ``bylines`` as (parent, text) before they go.
    Returns whether such an element was there."""
    hidden_prose = False
    bp = boilerplate()
    for xpath in site.drop_xpaths:
        for el in root.xpath(xpath):
            _drop(el)
    for el in list(root.iter(*bp.remove_tags)):
        _drop(el)
    if SIGNALS["factbox"]:
        for el in list(root.iter("dl")):
            if _is_fact_box(el):
                _drop(el)
    # sentences on the page: a boilerplate-named element holding most of them and the <h1> wraps the article
    page_sentences = len(SENTENCE_END.findall(root.text_content())) if SIGNALS["wrapper"] else 0
    # hidden elements, found once: an FAQ's collapsed answers and a tab widget's panels stay
    hidden = HIDDEN_XPATH(root) if SIGNALS["answers"] or SIGNALS["tabs"] else []
    answers = _collapsed_answers(hidden) if SIGNALS["answers"] else ()
    tabs = _tab_panels(hidden) if SIGNALS["tabs"] else ()
    for el in list(root.iter(etree.Element)):
        if el.getparent() is None or not isinstance(el.tag, str):
            continue
        style = (el.get("style") or "").replace(" ", "").lower()
        if (answers and el in answers) or (tabs and el in tabs):
            continue
        if (
            "display:none" in style
            or "visibility:hidden" in style
            or el.get("hidden") is not None
            or (SIGNALS["hideclass"] and _hidden_by_class(el) and not _is_hidden_article(el))
        ):
            if SIGNALS["hidden"] and _is_hidden_article(el):
                hidden_prose = True
                if keep_hidden:
                    continue
            _drop(el)
            continue
        attrs = _attr_text(el)
        if SIGNALS["comments"] and attrs and el.tag not in ("html", "body") and bp.comment_attr.search(attrs):
            _drop(el)  # readers' comments are prose too: their container's name is what tells
            continue
        if (
            attrs
            and el.tag not in ("html", "body")
            and bp.boilerplate_attr.search(attrs)
            and not bp.keep_attr.search(attrs)
        ):
            text = el.text_content()
            punct = NAMED_PUNCT if SIGNALS["misnomer"] and FOOTER_ATTR.search(attrs) else PUNCT
            if len(punct.findall(text)) < max(3, len(text) / 60):  # a boilerplate name on prose is a misnomer
                sentences = len(SENTENCE_END.findall(text)) if page_sentences else 0
                if (
                    sentences < WRAPPER_MIN_SENTENCES
                    or sentences < 0.5 * page_sentences
                    or next(el.iter("h1"), None) is None
                ):
                    if (
                        bylines is not None
                        and len(text) <= 5 * BYLINE_DATE_CHARS
                        and len(NONSPACE.findall(text)) <= BYLINE_DATE_CHARS
                        and DATE.search(text)
                    ):
                        bylines.append((el.getparent(), SPACES.sub(" ", text).strip()))
                    _drop(el)
    return hidden_prose


def _inline_hidden(el) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None


def _collapsed_answers(hidden: list) -> set:
    """An FAQ's answers hidden until their question is clicked (signal ``answers``): inline-hidden
    elements each right after a visible sibling of at most ANSWERS_QUESTION_CHARS characters, grouped by
    their tag and the question's; a group of ANSWERS_MIN or more whose text together is an article's worth
    of prose (as :func:`_is_hidden_article` counts it) and not links. Hidden menus hold links, dialogs
    and tab panels have no visible question beside each of them."""
    groups: dict = {}
    for el in hidden:
        if (
            not isinstance(el.tag, str)
            or el.tag in ("script", "style", "template", "noscript")
            or not _inline_hidden(el)
        ):
            continue
        prev = el.getprevious()
        while prev is not None and not isinstance(prev.tag, str):
            prev = prev.getprevious()
        if prev is None or _inline_hidden(prev):
            continue
        question = SPACES.sub("", prev.text_content())
        if not question or len(question) > ANSWERS_QUESTION_CHARS:
            continue
        groups.setdefault((el.tag, prev.tag), []).append(el)
    kept: set = set()
    for members in groups.values():
        if len(members) < ANSWERS_MIN:
            continue
        text = "".join(el.text_content() for el in members)
        links = sum(len(a.text_content()) for el in members for a in el.iter("a"))
        if (
            len(SENTENCE_END.findall(text)) >= HIDDEN_MIN_SENTENCES
            and len(PUNCT.findall(text)) >= len(text) / 40
            and links <= 0.3 * len(text)
        ):
            kept.update(members)
    return kept


def _tab_panels(hidden: list) -> set:
    """A tab widget's panels (signal ``tabs``) among the page's ``hidden`` elements: sibling elements of one
    tag, one visible and the others hidden (:func:`_inline_hidden` or a hide class), TAB_MIN_PANELS or more,
    each of TAB_PANEL_SENTENCES sentences or more with at most 0.3 of its characters in links, none sharing
    TAB_PANEL_OVERLAP of its character pairs with another (a hidden copy of the text is no tab), right after
    a tab header (:func:`_tab_header`) with as many items as there are panels. Hidden menus hold links, not
    sentences."""
    kept: set = set()
    seen: set = set()
    for el in hidden:
        parent = el.getparent()
        if parent is None or not isinstance(el.tag, str) or (parent, el.tag) in seen or not _panel_hidden(el):
            continue
        seen.add((parent, el.tag))
        group = [c for c in parent if c.tag == el.tag]
        if len(group) < TAB_MIN_PANELS or sum(1 for c in group if not _panel_hidden(c)) != 1:
            continue
        texts = [SPACES.sub("", c.text_content()) for c in group]
        if not all(_panel_prose(c, t) for c, t in zip(group, texts)):
            continue
        pairs = [{t[i : i + 2] for i in range(len(t) - 1)} for t in texts]
        if any(
            len(a & b) >= TAB_PANEL_OVERLAP * min(len(a), len(b)) for i, a in enumerate(pairs) for b in pairs[i + 1 :]
        ):
            continue
        if _tab_header(group[0], len(group)):
            kept.update(c for c in group if _panel_hidden(c))
    return kept


def _panel_hidden(el) -> bool:
    return el.tag not in ("script", "style", "template", "noscript") and (
        _inline_hidden(el) or (SIGNALS["hideclass"] and _hidden_by_class(el))
    )


def _panel_prose(el, text: str) -> bool:
    """A tab panel's text: TAB_PANEL_SENTENCES sentences or more, punctuated as prose, few links."""
    links = sum(len(SPACES.sub("", a.text_content())) for a in el.iter("a"))
    return (
        len(SENTENCE_END.findall(text)) >= TAB_PANEL_SENTENCES
        and len(PUNCT.findall(text)) >= len(text) / 40
        and links <= 0.3 * len(text)
    )


def _tab_header(first, panels: int) -> bool:
    """The element just before ``first`` (or before one of its ancestors, TAB_HEADER_LEVELS up) is a tab
    header: ``panels`` items (the innermost <li>s, else its links, else its child elements), each a short
    label of at most TAB_ITEM_CHARS characters."""
    el = first
    for _ in range(TAB_HEADER_LEVELS):
        prev = el.getprevious()
        while prev is not None and not isinstance(prev.tag, str):
            prev = prev.getprevious()
        if prev is not None:
            items = [li for li in prev.iter("li") if next(li.iterdescendants("li"), None) is None]
            if not items:
                items = list(prev.iter("a")) or [c for c in prev if isinstance(c.tag, str)]
            labels = [len(SPACES.sub("", i.text_content())) for i in items]
            return len(items) == panels and all(0 < n <= TAB_ITEM_CHARS for n in labels)
        el = el.getparent()
        if el is None or el.tag in ("body", "html"):
            return False
    return False


def _hidden_by_class(el) -> bool:
    """A class that hides its element (AngularJS's ng-hide, Bootstrap's d-none / hidden …), not <html>/<body>.
    Such an element holding an article's worth of prose stays (a 展开全文 page's collapsed rest of the text)."""
    cls = el.get("class")
    if not cls:
        return False
    cls = cls.lower()
    if "hid" not in cls and "none" not in cls:  # every name in HIDE_CLASSES holds one: most classes end here
        return False
    return el.tag not in ("html", "body") and not HIDE_CLASSES.isdisjoint(cls.split())


def _byline_date(bylines: list, container) -> str:
    """The first date of a removed byline whose parent is the content block or one of its two
    nearest ancestors (an author-and-share bar above the text), not <body> or <html>."""
    near = [container, *list(container.iterancestors())[:2]]
    for parent, text in bylines:
        if parent is not None and parent.tag not in ("html", "body") and any(parent is el for el in near):
            found = first_date(text)
            if found:
                return found
    return ""


def _is_hidden_article(el) -> bool:
    """Hidden prose: a page that a script reveals (WeChat's js_content is visibility:hidden until
    it runs) keeps its article in a hidden element; hidden menus and dialogs have few sentences."""
    if el.tag in ("script", "style", "template", "noscript"):
        return False
    text = el.text_content()
    return len(SENTENCE_END.findall(text)) >= HIDDEN_MIN_SENTENCES and len(PUNCT.findall(text)) >= len(text) / 40


def _is_fact_box(dl) -> bool:
    """``<dl>`` of 3+ pairs with short labels and short unpunctuated values (中文名 / 别名 / 面积 …);
    a question-and-answer list (问：… 答：…) has sentences in it and stays."""
    labels = [len(NONSPACE.findall(dt.text_content())) for dt in dl.iter("dt")]
    values = [dd.text_content() for dd in dl.iter("dd")]
    if len(labels) < 3 or len(values) < 3 or max(labels) > 10:
        return False
    short = sum(1 for v in values if len(NONSPACE.findall(v)) <= 40 and not SENTENCE_END.search(v))
    return short >= 0.8 * len(values)


def _drop(el) -> None:
    if el.getparent() is not None:
        el.drop_tree()  # keeps the tail text, which belongs to the parent


def _linearize(root) -> list[Block]:
    """Text blocks in document order, each with its enclosing elements."""
    blocks: list[Block] = []
    buf: list[str] = []
    state: dict[str, int | bool] = {"link": 0, "heading": False}

    def flush(stack):
        raw = "".join(buf)
        buf.clear()
        text = SPACES.sub(" ", raw).strip()
        if text:
            chars = len(text) - text.count(" ")
            link = min(state["link"], chars)
            blocks.append(Block(text, chars, int(link), tuple(stack), bool(state["heading"])))
        state["link"] = 0
        state["heading"] = False

    def walk(el, stack, in_link):
        tag = el.tag if isinstance(el.tag, str) else ""
        is_block = tag in BLOCK_TAGS or tag == "br"
        if is_block:
            flush(stack)
        stack.append(el)
        in_link = in_link or tag == "a"
        if tag in ("h1", "h2", "h3"):
            state["heading"] = True
        if el.text and tag:
            buf.append(el.text)
            if in_link:
                state["link"] += len(NONSPACE.findall(el.text))
        for child in el:
            walk(child, stack, in_link)
        if is_block:
            flush(stack)
        stack.pop()
        if el.tail:
            buf.append(el.tail)
            if in_link and tag != "a":
                state["link"] += len(NONSPACE.findall(el.tail))

    walk(root, [], False)
    flush([root])
    return blocks


def _mark_grid(blocks: list[Block]) -> None:
    """Cells of data tables get ``grid``: a table of GRID_MIN_ROWS or more rows, GRID_SAME of them with
    the same number (two or more) of cells, and no table inside it (a layout table nests others or
    has rows of one cell). Only blocks whose innermost table is such a table count."""
    verdict: dict = {}
    for block in blocks:
        table = next((el for el in reversed(block.ancestors) if el.tag == "table"), None)
        if table is None:
            continue
        if table not in verdict:
            verdict[table] = _is_grid(table)
        block.grid = verdict[table]


def _is_grid(table) -> bool:
    if next(table.iterdescendants("table"), None) is not None:
        return False
    rows = [len([c for c in tr if c.tag in ("td", "th")]) for tr in table.iter("tr")]
    if len(rows) < GRID_MIN_ROWS:
        return False
    (cells, n), *_ = Counter(rows).most_common(1)
    return cells >= 2 and n >= GRID_SAME * len(rows)


def _mark_chrome(blocks: list[Block], chrome: SiteChrome, host: str) -> int:
    """Blocks repeated on other pages of the host become boilerplate; returns how many."""
    keys = [fingerprint(b.text) for b in blocks]
    page_keys = {k for k in keys if k is not None}
    repeated = chrome.repeated(host, page_keys)
    chrome.observe(host, page_keys)
    marked = 0
    for block, key in zip(blocks, keys):
        if key is not None and key in repeated:
            block._boilerplate = True
            marked += 1
    return marked


def _is_stamp(block: Block) -> bool:
    """A short line carrying a date or an age (a teaser's or a post's time stamp)."""
    return (
        block.chars <= 40
        and "。" not in block.text
        and (DATE.search(block.text) or STAMP.search(block.text)) is not None
    )


def _mark_cards(blocks: list[Block]) -> None:
    """Blocks of teaser cards become boilerplate: CARDS_MIN or more siblings with the same tag
    and class, each of at most CARD_MAX_CHARS characters in two or more lines, one of them a
    time stamp. A related-news feed or a stream under a short article scores like prose
    (each teaser is a sentence or two), which made the feed's container win over the article's."""
    stamped = {el for block in blocks if _is_stamp(block) for el in block.ancestors}
    if not stamped:
        return
    chars = dict.fromkeys(stamped, 0)
    lines = dict.fromkeys(stamped, 0)
    for block in blocks:
        for el in block.ancestors:
            if el in chars:
                chars[el] += block.chars
                lines[el] += 1
    groups: dict = {}
    for el in stamped:
        parent = el.getparent()
        if parent is not None and chars[el] <= CARD_MAX_CHARS and lines[el] >= 2:
            groups.setdefault((parent, el.tag, el.get("class")), []).append(el)
    card_of = {el: key for key, group in groups.items() if len(group) >= CARDS_MIN for el in group}
    if not card_of:
        return
    # a feed follows the article: a group counts only when a paragraph of prose outside it
    # comes first and shares a container with it below <body> (a thread's posts, the first
    # of them the article, are not a feed, even under a cookie banner)
    prose = None
    live: set = set()
    started: set = set()
    in_cards: list[tuple[Block, set]] = []
    for block in blocks:
        keys = {card_of[el] for el in block.ancestors if el in card_of}
        if keys:
            in_cards.append((block, keys))
        for key in keys - started:
            started.add(key)
            if prose is not None and _share_container(prose, block):
                live.add(key)
        if not keys and block.chars >= 30 and block.link_density <= 0.3 and SENTENCE_END.search(block.text):
            prose = block
    for block, keys in in_cards:
        if keys & live:
            block._boilerplate = True


def _share_container(a: Block, b: Block) -> bool:
    """The two blocks have a common enclosing element below <html> and <body>."""
    common = None
    for x, y in zip(a.ancestors, b.ancestors):
        if x is not y:
            break
        common = x
    return common is not None and common.tag not in ("html", "body")


# ------------------------------------------------------------ content choice


def _value(block: Block) -> float:
    """How much a block looks like article prose (positive) or boilerplate (negative)."""
    if block.is_boilerplate:
        return -min(block.chars, 30) - 5
    ld = block.link_density
    if ld > 0.5:
        return -LINK_LIST_WEIGHT * block.chars
    punct = len(PUNCT.findall(block.text))
    if punct or block.chars >= 40 or (SIGNALS["spaced"] and spaced_clauses(block.text)):
        value = block.chars * (1 - 2 * ld) + 5 * min(punct, 10)
    else:
        value = -0.5 * block.chars
    return max(0.0, value) if block.grid else value  # a data table's unlinked cells cost nothing


def _best_container(blocks: list[Block]):
    scores: dict = {}
    order: dict = {}
    members: dict = {}
    prose: dict = {}  # positive value only: how much of the page's prose an element holds
    for block in blocks:
        v = _value(block)
        for el in block.ancestors:
            if el not in scores:
                scores[el] = 0.0
                order[el] = len(order)
                members[el] = []
                prose[el] = 0.0
            scores[el] += v
            members[el].append(block)
            if v > 0:
                prose[el] += v
    if not scores:
        return None
    # the highest score wins; among equals, the innermost (latest in order)
    best = max(scores, key=lambda el: (round(scores[el], 3), order[el]))
    if SIGNALS["narrow"]:
        best = _narrow(best, scores)
    if SIGNALS["coverage"]:
        best = _widen(best, blocks, scores, prose)
    return _first_record(best, scores, members)


def _narrow(best, scores: dict):
    """A child scoring at least NARROW_SHARE of its parent is the container: what the parent adds
    besides it nets little (a sidebar whose video titles and teasers score like prose and
    about as much as its links and labels cost)."""
    for _ in range(30):
        kids = [c for c in best if isinstance(c.tag, str) and c in scores]
        if not kids:
            break
        top = max(kids, key=lambda c: scores[c])
        if scores[top] < NARROW_SHARE * scores[best]:
            break
        best = top
    return best


def _widen(best, blocks: list[Block], scores: dict, prose: dict):
    """A container holding little of the page's prose (one paragraph of an article whose
    paragraphs sit between link boxes) gives way to the nearest ancestor that holds most
    of it, when that ancestor still scores above zero."""
    total = sum(v for v in (_value(b) for b in blocks) if v > 0)
    if not total or prose[best] >= COVERAGE_MIN * total:
        return best
    el = best.getparent()
    while el is not None and el in scores:
        if prose[el] >= COVERAGE_TARGET * total:
            return el if scores[el] > 0 else best
        el = el.getparent()
    return best


def _is_h1(block: Block) -> bool:
    return block.heading and any(el.tag == "h1" for el in block.ancestors[-3:])


def _anchor_to_title(blocks: list[Block], container, inside: list[Block], titles: list[str]):
    """A page that runs on into the next article (an endless-scroll page) gives the best score
    to whichever article is longer. When the best container is headed by an <h1> that is not
    the page's title and the page's own <h1> (one its <title> starts with) comes earlier, the
    text is what follows the page's own <h1>, up to the next <h1>; a container holding both
    ends at the next <h1> after a paragraph of prose."""
    heads = [SPACES.sub("", t) for t in titles if isinstance(t, str) and t]
    own = None
    for block in blocks:
        if _is_h1(block) and 6 <= block.chars <= 80:
            key = SPACES.sub("", block.text)[:12]
            if any(h.startswith(key) for h in heads):
                own = block
                break
    if own is None:
        return container, inside
    if container in own.ancestors:  # the container holds both: the text stops at the next <h1>
        start = inside.index(own) if own in inside else 0
        for i in range(start + 1, len(inside)):
            if _is_h1(inside[i]) and sum(b.chars for b in inside[start:i] if SENTENCE_END.search(b.text)) >= 50:
                return container, inside[:i]
        return container, inside
    if not inside:
        return container, inside
    start, first = blocks.index(own), blocks.index(inside[0])
    # another article's <h1> between the page's own and the container (or heading the container)
    if first < start or not any(_is_h1(b) for b in blocks[start + 1 : first + 1]):
        return container, inside
    stop = next((i for i in range(start + 1, len(blocks)) if _is_h1(blocks[i])), len(blocks))
    # the nearest ancestor of the page's own <h1> that holds prose after it
    for el in reversed(own.ancestors):
        mine = [b for b in blocks[start:stop] if el in b.ancestors]
        if sum(b.chars for b in mine if SENTENCE_END.search(b.text)) >= 50:
            return el, [b for b in mine if b is not own] or mine
    return container, inside


def _first_record(container, scores: dict, members: dict):
    """On a list of dated posts (a blog archive, a forum thread) the article is the first post.

    Records are >= 3 element children with the same tag and class, each with
    positive value, several lines, and a date among its short lines. They are
    looked for in the container and in the child that holds most of its value.
    """
    el = container
    for _ in range(20):
        kids = [c for c in el if isinstance(c.tag, str) and scores.get(c, 0) > 0]
        if not kids:
            break
        signature = Counter((c.tag, c.get("class")) for c in kids).most_common(1)[0]
        if signature[1] >= 3:
            records = [c for c in kids if (c.tag, c.get("class")) == signature[0]]
            dated = sum(1 for c in records if any(b.chars < 80 and DATE.search(b.text) for b in members[c]))
            lines = sum(len(members[c]) for c in records) / len(records)
            if dated >= max(3, 0.6 * len(records)) and lines >= 3:
                return records[0]
        top = max(kids, key=lambda c: scores[c])
        if scores[top] < 0.8 * scores[el]:
            break
        el = top
    return container


def _profile_container(root, site: Profile):
    for xpath in site.content_xpaths:
        for el in root.xpath(xpath):
            if len(NONSPACE.findall(el.text_content())) >= 50:
                return el
    return None


TEASER_END = re.compile(
    r"(?:\.{3}|…)?\s*[\[【(（]?\s*(?:详细|详情|全文|阅读全文|查看全文|更多|more)\s*[\]】)）]?\s*(?:>>|»|→)?$", re.I
)
TEASER_END_HANT = re.compile(
    r"(?:\.{3}|…)?\s*[\[【(（<＜〈]?\s*(?:详细|详情|全文|阅读全文|查看全文|更多|詳細|詳情|閱讀全文|查看全文|more)\s*"
    r"[\]】)）>＞〉]?\s*(?:>>|»|→)?$",
    re.I,
)


def _is_list_page(inside: list[Block], kept: list[Block], blocks: list[Block], filed: bool = False) -> bool:
    """An index, not an article: the best block is mostly links and holds little prose,
    or the page is mostly links and its best block has hardly a sentence, or its prose
    is teasers (summaries ending in [详细] / 阅读全文 links)."""
    prose = sum(b.chars for b in kept if b.link_density <= 0.3 and SENTENCE_END.search(b.text))
    teaser_end = TEASER_END_HANT if SIGNALS["oneteaser"] else TEASER_END
    teasers = [b for b in kept if b.link_chars and teaser_end.search(b.text)]
    if SIGNALS["oneteaser"] and _lone_teaser(kept, blocks, teaser_end):
        return True
    if len(teasers) >= 2 and sum(b.chars for b in teasers) >= 0.5 * sum(b.chars for b in kept):
        return True
    if SIGNALS["records"] and _teaser_records(inside):
        return True
    if SIGNALS["shortlines"] and len(kept) >= SHORT_LINES_MIN:
        lines = kept
        if SIGNALS["grid"] and any(b.grid for b in kept):
            outside = sum(b.chars for b in kept if not b.grid and b.link_density <= 0.3 and SENTENCE_END.search(b.text))
            if (filed and outside >= GRID_PROSE) or _dated_notice(kept) or _table_notice(kept):
                lines = [b for b in kept if not b.grid]  # a notice's name lists under its text: cells, not labels
        short = sum(1 for b in lines if b.chars <= SHORT_LINE_CHARS and not PUNCT.search(b.text))
        if len(lines) >= SHORT_LINES_MIN and short >= SHORT_LINES_SHARE * len(lines) and not _verse_lines(lines):
            return True
    if (
        SIGNALS["readmore"]
        and sum(1 for b in inside if b.link_density >= 0.8 and READ_MORE.match(b.text)) >= READMORE_MIN
    ):
        return True
    chars = sum(b.chars for b in inside)
    if chars and sum(b.link_chars for b in inside) >= LIST_LINK_SHARE * chars and prose < LIST_MAX_PROSE:
        return True
    return prose < LIST_MIN_PROSE and _mostly_links(blocks)


def _dated_notice(kept: list[Block]) -> bool:
    """A notice whose bulk is a data table (results, name lists) under a dated heading: above the
    first cell, a byline's date and GRID_LEAD_PROSE characters of sentences; the cells unlinked."""
    first = next(i for i, b in enumerate(kept) if b.grid)
    head, cells = kept[:first], [b for b in kept if b.grid]
    if sum(b.link_chars for b in cells) > GRID_LINKED * sum(b.chars for b in cells):
        return False  # a table of linked titles is an index
    dated = any(b.chars <= BYLINE_DATE_CHARS and DATE.search(b.text) for b in head)
    lead = sum(b.chars for b in head if b.link_density <= 0.3 and SENTENCE_END.search(b.text))
    return dated and lead >= GRID_LEAD_PROSE


def _table_notice(kept: list[Block]) -> bool:
    """A notice, an announcement or a list of results around a data table, whatever the table's size:
    a clause introduces the table (…，具体产品如下：, above its caption if it has one), the text outside
    the table's cells is mostly sentences (GRID_NOTICE_SHARE of it, GRID_PROSE characters
    or more; a clause of GRID_LEAD_PROSE characters ending in a colon, 具体产品如下：, introduces the table)
    and the cells are unlinked. A page of records or links has no such prose beside its table."""
    cells = [b for b in kept if b.grid]
    if sum(b.link_chars for b in cells) > GRID_LINKED * sum(b.chars for b in cells):
        return False  # a table of linked titles is an index
    first = next(i for i, b in enumerate(kept) if b.grid)
    lead = [b for b in kept[max(0, first - 3) : first] if not b.grid]
    while lead and lead[-1].chars <= GRID_CAPTION_CHARS and not PUNCT.search(lead[-1].text):
        lead.pop()  # the table's caption (2021年拟录取名单)
    if not lead or lead[-1].link_density > 0.3 or not LEAD_IN.search(lead[-1].text):
        return False  # the table is not introduced (…如下：): a product's description above its prices
    outside = [b for b in kept if not b.grid]
    prose = sum(
        b.chars
        for b in outside
        if b.link_density <= 0.3
        and (SENTENCE_END.search(b.text) or (b.chars >= GRID_LEAD_PROSE and LEAD_IN.search(b.text)))
    )
    return prose >= GRID_PROSE and prose >= GRID_NOTICE_SHARE * sum(b.chars for b in outside)


def _entry_dates(kept: list[Block], blocks: list[Block]) -> bool:
    """ENTRY_DATES or more short lines outside data tables ending in a date under one label
    (时间：2020-12-29, 来源：网络整理2019-05-09): each entry of a column has its byline, an article one.
    A short text (ENTRY_SHORT_TEXT) counts them on the whole page: one entry of the column was picked."""
    if sum(b.chars for b in kept) <= ENTRY_SHORT_TEXT:
        kept = [b for b in blocks if not b.is_boilerplate and b.link_density <= 0.3]
    labels: Counter = Counter()
    for b in kept:
        if b.grid:
            continue
        text, chars = b.text, b.chars
        if SIGNALS["entrycounters"] and ENTRY_COUNTERS.search(text):
            text = ENTRY_COUNTERS.sub("", text)
            chars = len(text) - text.count(" ")
        if chars <= ENTRY_LINE_MAX:
            m = ENTRY_DATE_LINE.search(text)
            if m:
                labels[m.group(1)] += 1
    return bool(labels) and max(labels.values()) >= ENTRY_DATES


def _dated_titles(kept: list[Block], blocks: list[Block]) -> bool:
    """A short text (ENTRY_SHORT_TEXT) inside a run of ENTRY_DATES or more entries of a title line (no
    sentence end) followed by a line that is only a date: a column's entries, one entry's lead picked.
    The kept text must sit between the run's first and last entry: a side list of dated titles beside a
    short post is not its column."""
    if not kept or sum(b.chars for b in kept) > ENTRY_SHORT_TEXT:
        return False
    first = kept[0]
    at = next((i for i, b in enumerate(blocks) if b is first), None)
    if at is None:
        at = next((i for i, b in enumerate(blocks) if b.text == first.text), None)
    if at is None:
        return False
    pairs = []
    for i in range(1, len(blocks)):
        prev, b = blocks[i - 1], blocks[i]
        if (
            not b.grid
            and DATE_ONLY.match(b.text)
            and 4 <= prev.chars <= ENTRY_LINE_MAX
            and not SENTENCE_END.search(prev.text)
            and not DATE_ONLY.match(prev.text)
        ):
            pairs.append(i)
    return len(pairs) >= ENTRY_DATES and pairs[0] < at < pairs[-1] - 1


def _pager_teaser(kept: list[Block]) -> bool:
    """A kept pager line («‹1›», 上一页 1 2 下一页) beside under PAGER_MAX_PROSE characters of sentences:
    a column page's teaser (an article's pager follows a long text)."""
    pager = [
        b
        for b in kept
        if b.chars <= 60 and PAGER_LINE.match(b.text) and PAGER_TOKEN.search(b.text) and NUMBER.search(b.text)
    ]
    if not pager:
        return False
    prose = sum(b.chars for b in kept if b not in pager and SENTENCE_END.search(b.text))
    return prose < PAGER_MAX_PROSE


def _mostly_links(blocks: list[Block]) -> bool:
    """A page whose characters are LIST_PAGE_LINK_SHARE or more link text."""
    page = sum(b.chars for b in blocks)
    return page > 0 and sum(b.link_chars for b in blocks) >= LIST_PAGE_LINK_SHARE * page


def _is_title_link(block: Block) -> bool:
    """A record's title: a link line of 8 to TEMPLATE_TITLE_CHARS characters (a document's full title)."""
    return block.link_density >= 0.8 and RECORD_TITLE_CHARS[0] <= block.chars <= TEMPLATE_TITLE_CHARS


def _template_index(container, blocks: list[Block]) -> bool:
    """Search results, a column's page, a feed: the content block is one of TEMPLATE_MIN or more
    sibling records of one tag and class (or holds them), TEMPLATE_SHARE of them carrying a title
    link, each short (TEMPLATE_MAX_CHARS), together most of their parent's text. An article's
    paragraphs are not each a link's summary; a thread's posts are not headed by title links."""
    chain = [container, *list(container.iterancestors())[:2]]
    for k, el in enumerate(chain):
        if el.tag in ("html", "body"):
            break
        kids = [c for c in el if isinstance(c.tag, str)]
        if len(kids) < TEMPLATE_MIN:
            continue
        (key, n), *_ = Counter((c.tag, c.get("class")) for c in kids).most_common(1)
        if n < TEMPLATE_MIN:
            continue
        members = {c for c in kids if (c.tag, c.get("class")) == key}
        if k and chain[k - 1] not in members:  # the content block is one of the records or inside one
            continue
        linked = {m for m in members if _links_out(m)}
        teased = {m for m in members if _more_link(m)}  # …下面就一起来学习吧。【详情】, whatever its target
        if len(linked | teased) < TEMPLATE_SHARE * len(members):  # cheap first: an article's paragraphs seldom link
            continue
        chars = dict.fromkeys(members, 0)
        titled: set = set()
        total = 0
        for b in blocks:
            if el not in b.ancestors:
                continue
            total += b.chars
            for a in b.ancestors:
                if a in members:
                    chars[a] += b.chars
                    if _is_title_link(b):
                        titled.add(a)
                    break
        titled &= linked
        if (
            len(titled | teased) >= TEMPLATE_SHARE * len(members)
            and max(chars.values()) <= TEMPLATE_MAX_CHARS
            and sum(chars.values()) >= TEMPLATE_COVER * total
        ):
            return True
    return False


def _more_link(el) -> bool:
    """Holds a link saying only "more" (【详情】, 阅读全文, 更多>>): the record is a teaser of another page."""
    return any(MORE_ONLY.fullmatch(SPACES.sub("", a.text_content() or "")) for a in el.iter("a"))


def _links_out(el) -> bool:
    """Holds a link to another page (not a script's or an anchor's: a FAQ's questions toggle their answers)."""
    for a in el.iter("a"):
        href = (a.get("href") or "").strip().lower()
        if href and not href.startswith(("#", "javascript")):
            return True
    return False


def _linked_lead(kept: list[Block], blocks: list[Block], html_title: str) -> bool:
    """A front page's lead story: a short text (LEAD_MAX_CHARS) under a heading that is a link to
    the story, on a page mostly of links, whose <title> does not name that heading (the portal's
    name is the page's title). An article's own heading is not a link to elsewhere."""
    if not kept or sum(b.chars for b in kept) > LEAD_MAX_CHARS:
        return False
    start = next((i for i, b in enumerate(blocks) if b is kept[0]), None)
    if start is None:
        return False
    head = next((b for b in reversed(blocks[max(0, start - 3) : start]) if b.heading), None)
    if head is None or head.link_chars < 0.9 * head.chars or head.chars < 4:
        return False
    if SPACES.sub("", head.text)[:8] in SPACES.sub("", html_title or ""):
        return False
    return _mostly_links(blocks)


def _more_after(kept: list[Block], blocks: list[Block]) -> bool:
    """A front page's blurb: a short text (LEAD_MAX_CHARS) followed by a "more" link (更多 / 详细 /
    more >>, a link line of its own within two lines, or linked at its end), on a page mostly of
    links. An article does not send its reader on to read more of itself."""
    if not kept or sum(b.chars for b in kept) > LEAD_MAX_CHARS:
        return False
    last = next((i for i, b in enumerate(blocks) if b is kept[-1]), None)
    if last is None:
        return False
    follows = any(b.link_density >= 0.8 and MORE_LINK.match(b.text) for b in blocks[last + 1 : last + 3])
    if not (follows or (kept[-1].link_chars and TEASER_END_HANT.search(kept[-1].text))):
        return False
    return _mostly_links(blocks)


def _lone_teaser(kept: list[Block], blocks: list[Block], teaser_end) -> bool:
    """A front page: its whole text one short summary cut off (…, ...) or ending in a "more" link,
    among links (the page's lead story teaser; an article's last line ends in a sentence)."""
    if len(kept) != 1 or kept[0].chars > TEASER_MAX_CHARS:
        return False
    text = kept[0].text
    if not (TRUNCATED.search(text) or (kept[0].link_chars and teaser_end.search(text))):
        return False
    return _mostly_links(blocks) or bool(CUT_OFF.search(text))


def _drop_bbs_chrome(kept: list[Block]) -> list[Block]:
    """Posts in the BBS mail format (Firebird / SMTH forums: 发信人 / 标 题 / 发信站 lines, then the
    text, then ``--``, a signature and ``※ 来源:``): the text stays, the rest goes. Only on a page
    that has a full header (发信人 … 信区, and 发信站)."""
    heads = [i for i, b in enumerate(kept) if BBS_HEADER.search(b.text)]
    if not any(kept[i].text.lstrip().startswith(("发信站", "發信站")) for i in heads) or not any(
        kept[i].text.lstrip().startswith(("发信人", "發信人", "寄信人")) for i in heads
    ):
        return kept
    drop = set(heads)
    for i in heads:
        if i > 0 and BBS_NUMBER.match(kept[i - 1].text):
            drop.add(i - 1)
    signature = False
    for i, b in enumerate(kept):
        if b.text.strip() == "--":
            signature = True
        if signature:
            drop.add(i)
        if BBS_ORIGIN.match(b.text):
            drop.add(i)
            signature = False
        elif BBS_QUOTE.match(b.text):
            drop.add(i)
        if i in heads:
            signature = False
    return [b for i, b in enumerate(kept) if i not in drop]


def _outer_table(block: Block):
    return next((el for el in block.ancestors if el.tag == "table"), None)


def _drop_summary_table(kept: list[Block]) -> list[Block]:
    """A table above the first paragraph of prose whose cells the text below repeats (a
    procurement notice's 公告概要: project, buyer, dates, amounts, contacts) is a summary, not
    text: SUMMARY_SHARE or more of its SUMMARY_MIN_CELLS+ cells (SUMMARY_CELL_CHARS characters
    or more) recur verbatim in the text from its first paragraph on. Its heading line (公告概要：) goes with it."""
    first = next(
        (i for i, b in enumerate(kept) if b.chars >= 30 and SENTENCE_PUNCT.search(b.text) and _outer_table(b) is None),
        None,
    )
    if not first:
        return kept
    table = next((t for t in (_outer_table(b) for b in kept[:first]) if t is not None), None)
    if table is None:
        return kept
    rows = [i for i, b in enumerate(kept[:first]) if table in b.ancestors]
    cells = [SPACES.sub("", kept[i].text) for i in rows if kept[i].chars >= SUMMARY_CELL_CHARS]
    if len(cells) < SUMMARY_MIN_CELLS:
        return kept
    after = SPACES.sub("", "".join(b.text for b in kept[first:]))  # the text from its first paragraph
    if sum(1 for c in cells if c.rstrip("：:") in after) < SUMMARY_SHARE * len(cells):
        return kept
    drop = set(rows)
    head = rows[0] - 1
    if head >= 0 and kept[head].chars <= 12 and kept[head].text.rstrip()[-1:] in "：:":
        drop.add(head)
    return [b for i, b in enumerate(kept) if i not in drop]


def _verse_run(blocks: list[Block]) -> list[Block]:
    """The longest run of short, link-free, non-boilerplate lines that share their enclosing
    elements (lines of one element split by <br>), if it has VERSE_MIN_LINES lines or more and
    80 characters: verse, whose lines carry no punctuation to score as prose."""
    best: list[Block] = []
    run: list[Block] = []
    for b in blocks:
        if b.link_chars == 0 and b.chars <= VERSE_LINE_CHARS and not b.is_boilerplate:
            run = run + [b] if run and b.ancestors == run[-1].ancestors else [b]
            if len(run) > len(best):
                best = run
        else:
            run = []
    return best if len(best) >= VERSE_MIN_LINES and sum(b.chars for b in best) >= 80 else []


def _verse_lines(kept: list[Block]) -> bool:
    """VERSE_MIN_LINES or more consecutive short link-free lines that are siblings (or one
    element's lines split by <br>): a poem laid out line by line, not cells, labels or tiles,
    whose groups are short (a table row's cells, a card's lines)."""
    run, prev = 0, None
    for b in kept:
        if b.link_chars == 0 and b.chars <= VERSE_LINE_CHARS and prev is not None and b.ancestors[:-1] == prev:
            run += 1
            if run >= VERSE_MIN_LINES:
                return True
        else:
            run = 1 if b.link_chars == 0 and b.chars <= VERSE_LINE_CHARS else 0
        prev = b.ancestors[:-1]
    return False


def _is_record_page(kept: list[Block], blocks: list[Block], site: Profile) -> bool:
    """Many label/value lines and little prose: a product's, a shop's or a person's record."""
    if sum(b.chars for b in kept) >= ATTRIBUTES_MAX_CHARS:
        return False
    known = {*site.meta_table, *TABLE_LABELS}
    pairs = 0
    for b in blocks:
        if b.chars <= 50 and b.link_density <= 0.5:
            m = ATTRIBUTE_LINE.match(b.text)
            if m and SPACES.sub("", m.group(1)) not in known:
                pairs += 1
    return pairs >= ATTRIBUTES_MIN


def _is_field_page(kept: list[Block], body: str) -> bool:
    """No sentence in a short text made of label/value lines (a record, a contact box), but for one
    in a label's value (业务范围：…。), or a few words (a menu's caption): an article has sentences,
    or at least a line of clauses outside its labels."""
    chars = sum(b.chars for b in kept)
    if chars > FIELDS_MAX_CHARS or LATIN_SENTENCE.search(body) or len(SENTENCE_END.findall(body)) > 1:
        return False
    if chars < FIELDS_TINY:
        return not SENTENCE_END.search(body)
    pairs = 0
    for b in kept:
        if FIELD_LINE.match(b.text):
            pairs += 1
        elif SENTENCE_END.search(b.text) or len(PUNCT.findall(b.text)) >= 2:
            return False  # a sentence, or a clause leading into a list (…，成交结果如下：)
    return pairs >= FIELDS_SHARE * len(kept)


def _is_shop_page(kept: list[Block], blocks: list[Block]) -> bool:
    """A product page or catalogue: a buy control, several prices, and little text (a review
    with a shop widget beside it keeps its text)."""
    if sum(b.chars for b in kept) >= SHOP_MAX_CHARS:
        return False
    short = [b.text for b in blocks if b.chars <= 24]
    if not any(BUY_CONTROL.match(SPACES.sub(" ", t).strip()) for t in short):
        return False
    return sum(1 for t in short if PRICE_LINE.match(t)) >= SHOP_PRICES


def _teaser_records(inside: list[Block]) -> bool:
    """Title links split the block's prose into short pieces: an index of records, not an article."""
    lo, hi = RECORD_TITLE_CHARS
    pieces = [0]
    for b in inside:
        if b.link_density >= 0.8 and lo <= b.chars <= hi:
            pieces.append(0)
        elif b.link_density <= 0.3 and SENTENCE_END.search(b.text):
            pieces[-1] += b.chars
    titles, prose = len(pieces) - 1, sum(pieces)
    return (
        titles >= RECORDS_MIN
        and prose > 0
        and max(pieces) < RECORDS_RUN_SHARE * prose
        and prose < RECORDS_PROSE_PER_TITLE * titles
    )


def _clean_blocks(blocks: list[Block]) -> list[Block]:
    """Drop boilerplate lines; cut at a late stop line (相关阅读, 版权声明 …)."""
    bp = boilerplate()
    total = sum(b.chars for b in blocks if b.link_density <= 0.5) or 1  # link lists do not count
    kept: list[Block] = []
    seen = 0
    for block in blocks:
        seen += block.chars if block.link_density <= 0.5 else 0
        if bp.stop_line.search(block.text) and seen > 0.4 * total:
            break
        if (
            SIGNALS["comments"]
            and block.chars <= 40
            and bp.comment_line.search(block.text)
            and seen > min(0.3 * total, 300)
        ):
            break
        if block.is_boilerplate:
            continue
        if block.link_density > 0.5 and not PUNCT.search(block.text):
            continue
        kept.append(block)
    # trailing link lists and labels after the last sentence
    while kept and kept[-1].link_density > 0.3:
        kept.pop()
    return kept


SENTENCE_PUNCT = re.compile(r"[，。；！？!?]")


def _is_label(block: Block) -> bool:
    """A short line without sentence punctuation, outside tables (a notice's tables are its text)."""
    return (
        block.chars <= RUN_LINE_CHARS
        and not SENTENCE_PUNCT.search(block.text)
        and not any(el.tag == "table" for el in block.ancestors)
    )


def _drop_label_runs(kept: list[Block]) -> list[Block]:
    """Before the first sentence and after the last, runs of RUN_MIN or more short lines
    without sentence punctuation go: an article's own head (title, byline) is shorter,
    and what makes such runs is page furniture (player controls, fact boxes, reference
    numbers, 浏览次数 / 编辑次数 statistics)."""
    prose = [i for i, b in enumerate(kept) if SENTENCE_END.search(b.text) or (b.chars >= 40 and "，" in b.text)]
    if not prose:
        return kept
    first, last = prose[0], prose[-1]
    drop: set[int] = set()
    for lo, hi in ((0, first), (last + 1, len(kept))):
        run: list[int] = []
        for i in range(lo, hi + 1):
            if i < hi and _is_label(kept[i]):
                run.append(i)
                continue
            if len(run) >= RUN_MIN:
                drop.update(run)
            run = []
    return [b for i, b in enumerate(kept) if i not in drop]


# ------------------------------------------------------------------ metadata


def _pick_title(tags: dict, html_title: str, blocks: list[Block]) -> str:
    for key in boilerplate().title_meta:
        if tags.get(key):
            return SPACES.sub(" ", re.sub(r"<[^>]*>", " ", tags[key])).strip()[:200]
    head = html_title
    # a heading that the <title> starts with is the article title without the site name
    for block in blocks:
        if block.heading and 4 <= block.chars <= 80 and head and head.startswith(block.text[:12]):
            return block.text
    if not head:  # no <title>: the first heading of the page
        head = next((b.text for b in blocks if b.heading and 4 <= b.chars <= 80), "")
    return _strip_site_name(head)[:200]


def _strip_site_name(title: str) -> str:
    """``文章标题_栏目_网站名`` → ``文章标题``: drop short trailing segments after a separator."""
    for _ in range(3):
        m = re.match(
            r"^(.{4,}?)\s*(?:[_|<]|--|——|\s[-－–]\s|(?<![A-Za-z0-9])[-－–](?![A-Za-z0-9]))\s*([^_|<\-－–—]{1,14})$",
            title,
        )
        if not m:
            break
        title = m.group(1).strip()
    title = title.strip(" -_|－—")
    return title


BYLINE = re.compile(r"^(?:【[^】]{1,12}】|[\u4e00-\u9fa5·]{0,8}(?:记者|通讯员|实习生)[\s\u4e00-\u9fa5·、]{2,30})$")
META_LABEL = re.compile(r"(作者|来源|发布时间|发表时间|发布日期|发稿时间|时间|日期|阅读|浏览|点击|字号|编辑)\s*[:：]")


def _is_meta_line(block: Block) -> bool:
    """A byline such as ``2022-02-13 09:57 来源：光明日报 作者：…``."""
    if block.chars > 100 or "。" in block.text:
        return False
    if BYLINE.match(block.text) or (block.chars <= 30 and DATE.match(block.text)):
        return True
    labels = len(META_LABEL.findall(block.text))
    return (
        labels >= 2
        or (labels == 1 and bool(DATE.search(block.text)))
        or bool(re.fullmatch(r"[\d\s:/\-年月日.]+", block.text))
    )


def _drop_title_lines(kept: list[Block], title: str) -> tuple[list[Block], str]:
    """The title, its byline and the date above the first paragraph are metadata, not text.

    Returns the remaining blocks and the heading found above a byline, if any.
    """
    norm = SPACES.sub("", title)
    head = []
    for block in kept[:8]:  # the lines above the first paragraph of prose
        if "。" in block.text or (block.chars > 60 and not (norm and SPACES.sub("", block.text) == norm)):
            break  # a long title line is still the title (an attachment's whole name); a sentence is text
        head.append(block)
    drop = set()
    heading = ""
    for i, block in enumerate(head):
        if norm and SPACES.sub("", block.text) == norm:
            drop.add(i)
        elif len(norm) >= 12 and SPACES.sub("", block.text).startswith(norm[:12]):
            drop.add(i)  # the title again with a player's or a share box's words after it
        elif _is_meta_line(block):
            drop.add(i)
            # a short unpunctuated line right above a byline is the title
            for j in (i - 1, i - 2):
                if j >= 0 and head[j].chars <= 40 and head[j].text[-1] not in "，。；：、" and "。" not in head[j].text:
                    drop.add(j)
                    heading = heading or head[j].text
                    break
    return [b for i, b in enumerate(kept) if i not in drop], heading


def _header_text(blocks: list[Block], inside: list[Block]) -> str:
    """The lines just above and at the top of the content: where dates and sources sit."""
    if not inside:
        return "\n".join(b.text for b in blocks[:40])
    start = next(i for i, b in enumerate(blocks) if b is inside[0])
    around = blocks[max(0, start - 15) : start] + inside[:8]
    return "\n".join(b.text for b in around if b.chars < 200)
