"""Extraction on pages from public repositories, split by site, with peers in the same run.

    .venv/bin/python bench/eval_extract_external.py [DATASET] [--list-pages GNE] [--magic-html MH] [--gerapy GAE]
        [--newspaper4k NP] [--readability-js RJ] [--webmainbench WMB] [--llm-webkit LWK] [--llm-webkit-upstream LWU]
        [--set6 NAME=CHECKOUT ...] [--set7 NAME=CHECKOUT ...] [--set8 NAME=CHECKOUT ...] [--set9 NAME=CHECKOUT ...]
        [--set10 NAME=CHECKOUT ...] [--set11 NAME=CHECKOUT ...] [--set12 NAME=CHECKOUT ...]
        [--set13 NAME=CHECKOUT ...] [--set14 NAME=CHECKOUT ...] [--set15 NAME=CHECKOUT ...]
        [--set16 NAME=CHECKOUT ...] [--set17 NAME=CHECKOUT ...] [--set18 NAME=CHECKOUT ...]
        [--set19 NAME=CHECKOUT ...] [--set20 NAME=CHECKOUT ...] [--set21 NAME=CHECKOUT ...]
        [--set22 NAME=CHECKOUT ...] [--set23 NAME=CHECKOUT ...] [--set24 NAME=CHECKOUT ...]
        [--set25 NAME=CHECKOUT ...] [--set26 NAME=CHECKOUT ...] [--set27 NAME=CHECKOUT ...]
        [--set28 NAME=CHECKOUT ...] [--set29 NAME=CHECKOUT ...]
        [--baseline TREE] [--no-peers] [--pages] [--only SPLIT] [--ablate SIGNAL] [--pagekind on|off|both]
    .venv/bin/python bench/eval_extract_external.py --mirror /work/.mirror [--no-peers] [--pages] ...
        (every page set, each checkout MIRROR/owner+name/repo as the ``fetch`` tool stores them)

Three page sets, each read from a checkout (work tree or git directory, e.g. the
mirror the ``fetch`` tool returns), never copied into this repository:

* set 1, DATASET: immortal-autumn/Chinese-Web-Content-Extraction-Dataset
  (hand-cleaned text); GNE: GeneralNewsExtractor/GeneralNewsExtractor, whose
  list pages must be refused and whose article pages must not be. Pages, sites,
  types, splits and hand-written metadata labels: ``bench/data/extract_pages.json``.
* set 2, MH: opendatalab/magic-html (its benchmark's Chinese pages with their
  annotated main text); GAE: Gerapy/GerapyAutoExtractor (list pages to refuse,
  article pages to keep). Pages, sites, types, splits:
  ``bench/data/extract_pages2.json``, written before anything ran on them.
* set 3, the Chinese pages with a full main-text gold in NP:
  AndyTheFactory/newspaper4k (tests/data), RJ: mozilla/readability
  (test/test-pages) and WMB: opendatalab/WebMainBench (data/*.jsonl). Pages,
  sites, types, splits: ``bench/data/extract_pages3.json``, written before
  anything ran on them; held out = the sites no earlier set has.
* set 4, LWK: dt-yy/llm-webkit-mirror (Chinese pages of its benchmark with
  their ground truth, and of its tests with gold annotated by hand as anchors
  into a plain rendering, bench/annotated_gold.py). Pages, sites, types,
  splits, annotations: ``bench/data/extract_pages4.json``, written before
  anything ran on them; held out = the sites no earlier set has.
* set 5, LWU: ccprocessor/llm-webkit-mirror, the Chinese test pages set 4's
  checkout lacks (annotated gold, or non-articles to refuse), all on new sites:
  ``bench/data/extract_pages5.json``, written after set 4's held-out read and
  before anything ran on them.
* set 6, ``--set6 job=CHECKOUT --set6 renmin=CHECKOUT``: government pages saved in
  SimonXinw/job (statistical bulletins with metadata tables, a portal homepage) and
  kevin3691/renmin (list and navigation pages of a city's 政府信息公开 section), all on
  sites new to sets 1-5: ``bench/data/extract_pages6.json``, pages, annotations and
  metadata labels written before anything ran on them.
* set 7, ``--set7 pulsar=CHECKOUT --set7 trafilatura=CHECKOUT --set7 goose3=CHECKOUT
  --set7 platform=CHECKOUT``: saved pages in platonai/PulsarRPA's test resources (product
  pages and catalogues to refuse, a news page), adbar/trafilatura's Chinese test pages,
  goose3's BBC page, and www.gov.cn document pages stored in a SQL dump of
  ZhouYNF/platform-1 (a page = one row's html column): ``bench/data/extract_pages7.json``,
  pages, annotations and metadata labels written before anything ran on them.
* set 8, ``--set8 formasaurus=CHECKOUT --set8 autopager=CHECKOUT --set8 parser=CHECKOUT``: the Chinese
  pages of TeamHG-Memex/Formasaurus's form corpus and of TeamHG-Memex/autopager's pagination corpus
  (forum, portal, news front page, homepages and teaser lists to refuse; a forum thread) and
  postlight/parser's Chinese fixture (a news feature): ``bench/data/extract_pages8.json``, pages,
  annotations and labels written and committed before anything ran on them.
* set 9, ``--set9 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages9.json``): government and
  media article pages saved in single-page repositories (a ministry notice with 文号 / 索引号, procurement
  notices, news items, a commentary, a novel chapter) and portal homepages to refuse, all on sites new to
  sets 1-8: pages, annotations and labels written and committed before anything ran on them.
* set 10, ``--set10 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages10.json``): the same
  runner as set 9 on a fresh held-out set (government and media news items, government notices with
  文号 / 索取号, descriptive introductions, a paper abstract, and non-articles to refuse: an article shell
  with no body, a query record, a micro-site menu, company homepages), all on sites new to sets 1-9.
* set 11, ``--set11 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages11.json``): the same
  runner on another fresh held-out set (government and university news items, a column item with a
  索引号 table, and non-articles to refuse: a video page, a shop homepage, a contact form, a menu homepage),
  all on sites new to sets 1-10.
* set 12, ``--set12 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages12.json``): the same
  runner on a held-out set from saved-site mirrors (政策解读 pages, notices with 文号, 范文 / essay pages,
  news, and non-articles to refuse: gov column pages, an empty article shell, a 502 error page,
  templates), all on sites new to sets 1-11.
* set 13, ``--set13 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages13.json``): the same
  runner on another held-out set from saved-site mirrors (notices with 文号 / 索引号 tables, a notice
  around a table, 政策解读-style pages, 工作总结 / 工作要点 texts, news, and non-articles to refuse: column
  pages, an empty column, an attachment-only shell, a redirect stub, maintenance and CDN error pages),
  all on sites new to sets 1-12.
* set 14, ``--set14 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages14.json``): the same
  runner on another held-out set from saved-site mirrors (ministry notices with 文号 reprinted on
  association, portal and credit sites, school notices, an exam-rule explainer, a thesis guide and a
  study-experience text, news, a table-only brief, and non-articles to refuse: column pages, homepages,
  search results, an error page, an empty login shell, attachment-only shells), all on sites new to
  sets 1-13.
* set 15, ``--set15 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages15.json``): the same
  runner on another held-out set from saved-site mirrors (copied prose pieces, opinion and SEO essays,
  profile texts, reprinted and company news, pages holding their text twice, and non-articles to refuse:
  homepages, column and list pages, a job-search page, a data page, a login shell, bodiless item
  shells), all on sites new to sets 1-14.
* set 16, ``--set16 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages16.json``): the same
  runner on another held-out set, from repositories of other uploaders than sets 12-15's (static rebuilds
  of a county forestry bureau and a county 食药监 site, GitHub Pages copies, saved-site mirrors, a 美文网
  template demo): 政策解读 pages, notices (one with 文号 and its attached 规范), news, copied prose and
  SEO essays, and non-articles to refuse: archive and column pages, a category index, a homepage
  template, 404 pages; all on sites new to sets 1-15.
* set 17, ``--set17 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages17.json``): the same
  runner on another held-out set from full saved-site mirrors with their live chrome (a CAS observatory
  station's TRS site with a 【大 中 小】【打印】【关闭】 toolbar, a sports-news site, company sites reprinting
  科技厅, 新华社 and 工信部 items, an education group, a blog's 语录 and opinion posts, a novel-reading
  page with a 字体 toolbar): a notice, a press 解读, news, essays, and non-articles to refuse: column
  pages, a search page without results, a forum board, a user-profile shell, a chapter index, a
  news-centre index, a one-line error page; all on sites new to sets 1-16.
* set 18, ``--set18 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages18.json``): the same
  runner on another held-out set, the first read after the page-kind model was turned on by default, so
  non-articles are weighted up (23 of 37): homepages, column pages, product catalogues, portfolio and photo
  galleries, bodiless item shells, a download shell, a government-disclosure shell with an 索引号 table and
  no text, a tabbed landing page, a login page, a 404 page, a site map; and notices (a reprinted 中办 国办
  意见, a 海事 实施办法 draft, a party regulation, a provincial plan, a 公示), news and SEO / opinion
  essays; from eleven uploaders no earlier set drew on (site copies, CMS outputs, portal templates and
  builds, a parody of a government portal) and two bl890923 mirrors; all on sites new to sets 1-17.
* set 19, ``--set19 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages19.json``): the same
  runner on another held-out set from repositories that hold a site's generated or hand-built pages
  (DedeCMS outputs committed with their source, portal and institutional front ends): about half
  non-articles (20 of 39: homepages, a login page, a search form, disclosure, document and list columns,
  landing pages, a product page, a gallery, an item shell), and notices (a reprinted 纲要 and regulation,
  科技局 / 科技厅 notices, a 信息公开 item under an 索引号 table), a legal 解读, news and essays (a model
  contract, briefings, SEO and help texts); from 14 repositories of 13 uploaders new to the page sets and
  one (uudiv) that gave set 12 a template; all on sites new to sets 1-18.
* set 20, ``--set20 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages20.json``): the same
  runner on another held-out set drawn like set 19 (DedeCMS and Empire CMS sites committed with their
  generated pages): 14 of 32 non-articles (a 404 page, a placeholder redirect page, a homepage, column
  pages (one empty), bodiless and record items, a tags page, an item shell), and a county portal's
  notice with a 文号 and recruitment 公告, a 解读 of a standard consultation, news and essays (reprinted
  commentary, company texts, a Q&A answer, a contest entry, a paginated essay, a technical comparison);
  from 14 repositories of 13 uploaders new to the page sets and one (lxw18231857001) that gave set 19 a
  site; all on sites new to sets 1-19.
* set 21, ``--set21 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages21.json``): the same
  runner on another held-out set drawn like set 20 (DedeCMS-era sites committed with their generated
  pages): 16 of 35 non-articles (a 404 page, a login page, homepages, column and hub pages (one empty),
  bodiless, photo, product, record and test items), and two notices reprinted on company sites (one
  国家能源局 notice with its 文号), two 解读 (a news report with the opinion it explains, an industry
  reading of a policy), news and essays (a study-method essay, an app round-up, a Q&A digest, background
  and case pieces); from 12 repositories of 12 uploaders new to the page sets; all on sites new to sets 1-20.
* set 22, ``--set22 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages22.json``): the same
  runner on another held-out set of saved company sites, weighted to column pages: 18 of 30 non-articles
  (column pages of seven sites, homepages and a service page, photo, case, product and test-content item
  shells, a prototype category page, a 404 page), and a reprinted 解读 of the special-bond notice, news
  and essays (reprinted finance reports, company posts, explainers); from 14 repositories of 4 uploaders,
  eleven of them builds by one web builder whose other builds sets 16-19 hold (new sites, known chrome);
  all on sites new to sets 1-21.
* set 23, ``--set23 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages23.json``): the same
  runner on a held-out set of public-body and school sites: 18 of 29 non-articles (homepages and landing
  pages, news, notice, disclosure and letters columns, a column of column names, empty columns, a blog-post
  shell, a login page, an empty search page), and official notices of a college and a university college,
  a law reprinted, news and essays (college reports, a college history, a development-zone introduction,
  department and major introductions, study notes and advice); from 13 repositories of 13 uploaders new to
  the page sets, mostly builds and course projects; all on sites new to sets 1-22.
* set 24, ``--set24 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages24.json``): the same
  runner on a held-out set weighted to short real articles: 8 of 14 articles under 600 characters of gold
  (short notices and news of university offices, a research note, a museum-object description), longer
  notices (a reprinted 人社部 notice with its 文号, a conference notice), news and essays, and 11 of 25
  non-articles (homepages and landing pages, column pages, an empty page, a personal homepage); from 9
  repositories of 9 uploaders new to the page sets, mostly university and public-body sites; all on sites
  new to sets 1-23.
* set 25, ``--set25 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages25.json``): the same
  runner on a held-out set drawn for government notices with metadata (it found no metadata table and no
  解读): two notices with a 文号 (a reprinted ministry notice with its 发文字号 / 来源 / 成文日期 lines, a city
  exam office's notice), a policy roundup, five essay-type texts (three short), and 12 of 20 non-articles
  (homepages, column pages of government and public-body builds, a regulations list, an app page); from 7
  repositories of 7 uploaders new to the page sets, builds and small sites; all on sites new to sets 1-24.
* set 26, ``--set26 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages26.json``): the same
  runner on a held-out set weighted to non-articles made of teaser paragraphs: 13 of 22 pages to refuse
  (columns and homepages of teaser paragraphs or repeated teaser blocks, headline homepages, title lists, a
  near-empty column, a form page, a landing page), and 9 articles (two short news items, a reprinted law, a
  plain-language reading of it, five essay-type texts); from 8 repositories of 8 uploaders new to the page
  sets, builds, course projects, templates and app fragments of public bodies; all on sites new to sets 1-25.
* set 27, ``--set27 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages27.json``): the same
  runner on a held-out set drawn for notices with metadata tables, 政策解读, public-body news, essays and
  list pages (it found no metadata table, 文号 line or 解读): 8 of 17 pages to refuse (teaser and headline
  columns, two homepages, a leadership roster, an app page), and 9 articles (three news items of public
  bodies, four notices of a university, a hospital and a county, two essay-type texts); from 6 repositories
  of 6 uploaders new to the page sets, platform builds, app pages and course builds; all on sites new to
  sets 1-26.
* set 28, ``--set28 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages28.json``): the same
  runner on the next held-out set drawn for notices with metadata tables, 政策解读, public-body news, essays
  and list pages (it found one 发文单位 / 发布日期 block, no 文号, 索引号 or 解读): 10 of 21 pages to refuse
  (four columns, four homepages, two app pages without text), and 11 articles (three news items of two
  hospitals and a city's offices, three notices typed gov_notice: a reprinted provincial regulation, a
  ministry notice, a county weather warning; five essay-type texts of a court, a hospital, a discipline
  commission and a weather service); from 7 repositories of 7 uploaders new to the page sets, app views,
  platform builds and a course build; all on sites new to sets 1-27.
* set 29, ``--set29 NAME=CHECKOUT`` (one per source of ``bench/data/extract_pages29.json``): the same
  runner on the next held-out set drawn for the same page kinds (it found one 更新时间 date line and no 文号,
  索引号, 解读 or public-body news): 9 of 15 pages to refuse (four homepages, three columns, a roster table, a
  search page without results), and 6 articles (four notices typed gov_notice: a municipal transport
  commission's budget statement and three 告知事项 of a district environmental bureau; two essay-type texts of
  a tax bureau and an employment-service site); from 6 repositories of 6 uploaders new to the page sets,
  builds, views, templates and one saved portal homepage; all on sites new to sets 1-28.

``--pagekind on|off`` runs govtext with its learned page-kind model (ingest/pagekind.py, applied after
the rules) on or off whatever the setting GOVTEXT_PAGE_KIND says; ``both`` runs it on in the column
``govtext`` and off in a column ``pk-off``, so one read of a held-out set gives both figures.

``--baseline TREE`` adds the extractor of another govtext tree (e.g. main's checkout, read only:
its own .venv and code, in a subprocess fed the same decoded HTML, page by page in the same run)
as a column ``baseline``, so a change is measured against the code it changes on the same pages.

Text is scored as in tests/test_extract.py: character-multiset precision,
recall and F1 against the gold text, whitespace ignored. A refused article
scores 0; a list page scores 1 when refused, 0 when text comes out. Every
extractor gets the same decoded HTML string (govtext's decode_bytes). The
headline is each set's mean F1 over its held-out sites' pages. While tuning,
``--only tune --only fixture`` keeps held-out pages (text and list checks) out of the run.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract_peers import char_scores, extractors, run_govtext  # noqa: E402
from ingest.encoding import decode_bytes  # noqa: E402
from ingest.extract import SIGNALS as extract_signals  # noqa: E402
from ingest.extract import normalize_date  # noqa: E402

PAGES = ROOT / "bench" / "data" / "extract_pages.json"
PAGES2 = ROOT / "bench" / "data" / "extract_pages2.json"
PAGES3 = ROOT / "bench" / "data" / "extract_pages3.json"
PAGES4 = ROOT / "bench" / "data" / "extract_pages4.json"
PAGES5 = ROOT / "bench" / "data" / "extract_pages5.json"
PAGES6 = ROOT / "bench" / "data" / "extract_pages6.json"
PAGES7 = ROOT / "bench" / "data" / "extract_pages7.json"
PAGES8 = ROOT / "bench" / "data" / "extract_pages8.json"
PAGES9 = ROOT / "bench" / "data" / "extract_pages9.json"
PAGES10 = ROOT / "bench" / "data" / "extract_pages10.json"
PAGES11 = ROOT / "bench" / "data" / "extract_pages11.json"
PAGES12 = ROOT / "bench" / "data" / "extract_pages12.json"
PAGES13 = ROOT / "bench" / "data" / "extract_pages13.json"
PAGES14 = ROOT / "bench" / "data" / "extract_pages14.json"
PAGES15 = ROOT / "bench" / "data" / "extract_pages15.json"
PAGES16 = ROOT / "bench" / "data" / "extract_pages16.json"
PAGES17 = ROOT / "bench" / "data" / "extract_pages17.json"
PAGES18 = ROOT / "bench" / "data" / "extract_pages18.json"
PAGES19 = ROOT / "bench" / "data" / "extract_pages19.json"
PAGES20 = ROOT / "bench" / "data" / "extract_pages20.json"
PAGES21 = ROOT / "bench" / "data" / "extract_pages21.json"
PAGES22 = ROOT / "bench" / "data" / "extract_pages22.json"
PAGES23 = ROOT / "bench" / "data" / "extract_pages23.json"
PAGES24 = ROOT / "bench" / "data" / "extract_pages24.json"
PAGES25 = ROOT / "bench" / "data" / "extract_pages25.json"
PAGES26 = ROOT / "bench" / "data" / "extract_pages26.json"
PAGES27 = ROOT / "bench" / "data" / "extract_pages27.json"
PAGES28 = ROOT / "bench" / "data" / "extract_pages28.json"
PAGES29 = ROOT / "bench" / "data" / "extract_pages29.json"
#: the sets read with set 8's runner, one ``--setN NAME=CHECKOUT`` per source named in the page file
SOURCE_SETS = {
    9: PAGES9,
    10: PAGES10,
    11: PAGES11,
    12: PAGES12,
    13: PAGES13,
    14: PAGES14,
    15: PAGES15,
    16: PAGES16,
    17: PAGES17,
    18: PAGES18,
    19: PAGES19,
    20: PAGES20,
    21: PAGES21,
    22: PAGES22,
    23: PAGES23,
    24: PAGES24,
    25: PAGES25,
    26: PAGES26,
    27: PAGES27,
    28: PAGES28,
    29: PAGES29,
}
SPLITS = ("heldout", "tune", "fixture")


class Checkout:
    """Files of a git work tree or git directory, at its HEAD."""

    def __init__(self, path: str):
        self.path = Path(path)
        if not self.path.exists():
            sys.exit(f"no such checkout: {path}")
        self.commit = self._git("rev-parse", "HEAD").decode().strip()
        self.worktree = not (self.path / "HEAD").is_file() or (self.path / ".git").exists()

    def _git(self, *args: str) -> bytes:
        try:
            return subprocess.run(["git", "-C", str(self.path), *args], check=True, capture_output=True).stdout
        except subprocess.CalledProcessError as e:
            sys.exit(f"{self.path}: not a git checkout ({e.stderr.decode().strip()})")

    def read(self, rel: str, commit: str = "") -> bytes:
        """The file at HEAD, or at ``commit`` (a page the repository has since deleted)."""
        if commit:
            return self._git("show", f"{commit}:{rel}")
        if self.worktree and (self.path / rel).is_file():
            return (self.path / rel).read_bytes()
        return self._git("show", f"HEAD:{rel}")

    def listing(self, under: str) -> list[str]:
        return self._git("ls-tree", "-r", "--name-only", "HEAD", under).decode().split()


# ------------------------------------------------------------------ metadata

FIELDS = ("date", "source", "doc_number", "index_no")


def _norm(field: str, value: str) -> str:
    if field == "date":
        return normalize_date(value) or value.strip()
    return re.sub(r"[\s《》“”\"'()（）:：]", "", value or "")


def _predicted(doc, field: str) -> str:
    if doc is None:
        return ""
    if field == "date":
        return doc.date or ""
    if field == "source":
        return doc.source or ""
    return str(doc.meta.get(field) or "")


def metadata_scores(rows: list[dict]) -> dict:
    """Per field: precision = right / predicted, recall = right / labelled (a date is right
    when the prediction starts with the labelled one, e.g. 2018-03-02 for 2018)."""
    out = {}
    for field in FIELDS:
        predicted = labelled = right = 0
        for row in rows:
            gold = _norm(field, row["labels"][field])
            pred = _norm(field, _predicted(row["doc"], field))
            predicted += bool(pred)
            labelled += bool(gold)
            if pred and gold and (pred.startswith(gold) if field == "date" else pred == gold):
                right += 1
        out[field] = (right, predicted, labelled)
    return out


def _site_chrome(page: dict, pages: list[dict], htmls: dict):
    """A SiteChrome that has seen every other page of the page's site."""
    from govtext.errors import SourceError
    from ingest.chrome import SiteChrome
    from ingest.extract import extract_html

    chrome = SiteChrome(min_pages=1, host=page["site"])
    for other in pages:
        if other["site"] == page["site"] and other["page"] != page["page"] and other["page"] in htmls:
            try:
                extract_html(htmls[other["page"]], chrome=chrome)
            except SourceError:
                pass  # its blocks were recorded before it was refused
    return chrome


# ------------------------------------------------------------------ page sets


class PageSet:
    """One set's pages (from its spec) with their HTML and gold text, read from a checkout."""

    def __init__(self, label: str, spec: dict, checkout: Checkout, only: list[str] | None):
        self.label, self.spec, self.checkout = label, spec, checkout
        self.pages = [p for p in spec["pages"] if not only or p["split"] in only]
        self._gold: dict[str, dict] = {}

    def html(self, page: dict) -> str:
        raise NotImplementedError

    def gold(self, page: dict) -> str:
        raise NotImplementedError


class WebContentSet(PageSet):
    """immortal-autumn/Chinese-Web-Content-Extraction-Dataset: original/<page>.html, cleaned/<page>.txt."""

    def html(self, page: dict) -> str:
        return decode_bytes(self.checkout.read(f"original/{page['page']}.html"))[0]

    def gold(self, page: dict) -> str:
        return self.checkout.read(f"cleaned/{page['page']}.txt").decode("utf-8")


class MagicHtmlSet(PageSet):
    """opendatalab/magic-html: benchmark/data/<kind>/htmls/<page>.html, gold in <kind>/base.json."""

    def html(self, page: dict) -> str:
        return decode_bytes(self.checkout.read(f"benchmark/data/{page['kind']}/htmls/{page['page']}.html"))[0]

    def gold(self, page: dict) -> str:
        kind = page["kind"]
        if kind not in self._gold:
            self._gold[kind] = json.loads(self.checkout.read(f"benchmark/data/{kind}/base.json"))
        return self._gold[kind][page["page"]]["content"]


class ThirdSet(PageSet):
    """Set 3: pages from three checkouts, each page naming its source (extract_pages3.json)."""

    def __init__(self, label: str, spec: dict, checkouts: dict[str, Checkout], only: list[str] | None):
        super().__init__(label, spec, next(iter(checkouts.values())), only)
        self.checkouts = checkouts
        self.pages = [p for p in self.pages if p["source"] in checkouts]
        self._rows: dict[str, dict] = {}

    def _row(self, page: dict) -> dict:
        """A WebMainBench page: one JSON line of a data file, named 'file#track_id'."""
        if page["page"] not in self._rows:
            rel, track_id = page["page"].split("#")
            for line in self.checkouts["webmainbench"].read(rel).decode("utf-8").splitlines():
                if line.strip() and track_id in line:
                    row = json.loads(line)
                    if row.get("track_id") == track_id:
                        self._rows[page["page"]] = row
        return self._rows[page["page"]]

    def html(self, page: dict) -> str:
        co = self.checkouts[page["source"]]
        if page["source"] == "newspaper4k":
            return decode_bytes(co.read(f"tests/data/html/{page['page']}.html"))[0]
        if page["source"] == "readability":
            return decode_bytes(co.read(f"test/test-pages/{page['page']}/source.html"))[0]
        return self._row(page)["html"]

    def gold(self, page: dict) -> str:
        co = self.checkouts[page["source"]]
        if page["source"] == "newspaper4k":
            return co.read(f"tests/data/txt/{page['page']}.txt").decode("utf-8")
        if page["source"] == "readability":
            return _html_text(co.read(f"test/test-pages/{page['page']}/expected.html").decode("utf-8"))
        return markdown_text(self._row(page)["groundtruth_content"])


class FourthSet(PageSet):
    """Sets 4 and 5: each page names its file (and commit, if not HEAD's); gold is the
    repository's ground truth ('gt') or an annotation."""

    def html(self, page: dict) -> str:
        return decode_bytes(self.checkout.read(page["path"], page.get("commit", "")))[0]

    def gold(self, page: dict) -> str:
        if page["type"] == "list":
            return ""
        if page["gold"] == "gt":
            row = json.loads(self.checkout.read(f"bench/data/groundtruth/{page['page']}.jsonl").decode("utf-8"))
            return markdown_text(row["content"])
        from annotated_gold import gold_text

        return gold_text(self.html(page), page["note"])


class SixthSet(FourthSet):
    """Set 6: like sets 4-5, but each page names the checkout ('source') it is read from."""

    def __init__(self, label: str, spec: dict, checkouts: dict[str, Checkout], only: list[str] | None):
        super().__init__(label, spec, next(iter(checkouts.values())), only)
        self.checkouts = checkouts
        self.pages = [p for p in self.pages if p["source"] in checkouts]

    def html(self, page: dict) -> str:
        return decode_bytes(self.checkouts[page["source"]].read(page["path"], page.get("commit", "")))[0]


def sql_rows(text: str):
    """The rows of a MySQL dump's ``insert into T (cols) values (...);`` statements, as dicts
    (quoted values unescaped: backslash escapes and doubled quotes; NULL as None)."""
    head = re.compile(r"insert into \S+ \(([^)]*)\) values \(", re.I)
    escapes = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
    pos = 0
    while m := head.search(text, pos):
        cols = [c.strip().strip("`") for c in m.group(1).split(",")]
        j, values = m.end(), []
        while True:
            while text[j].isspace():
                j += 1
            if text[j] == "'":
                j, buf = j + 1, []
                while True:
                    ch = text[j]
                    if ch == "\\":
                        buf.append(escapes.get(text[j + 1], text[j + 1]))
                        j += 2
                    elif ch == "'" and text[j + 1] == "'":
                        buf.append("'")
                        j += 2
                    elif ch == "'":
                        j += 1
                        break
                    else:
                        buf.append(ch)
                        j += 1
                values.append("".join(buf))
            else:
                k = j
                while text[j] not in ",)":
                    j += 1
                raw = text[k:j].strip()
                values.append(None if raw.lower() == "null" else raw)
            while text[j].isspace():
                j += 1
            j += 1
            if text[j - 1] == ")":
                break
        yield dict(zip(cols, values))
        pos = j


class SeventhSet(SixthSet):
    """Set 7: like set 6, plus pages stored as a row of a SQL dump (``row``: its id; the HTML
    is the row's ``html`` column)."""

    def __init__(self, label: str, spec: dict, checkouts: dict[str, Checkout], only: list[str] | None):
        super().__init__(label, spec, checkouts, only)
        self._dumps: dict[tuple[str, str], dict[str, dict]] = {}

    def html(self, page: dict) -> str:
        if "row" not in page:
            return super().html(page)
        key = (page["source"], page["path"])
        if key not in self._dumps:
            text = self.checkouts[page["source"]].read(page["path"], page.get("commit", "")).decode("utf-8")
            self._dumps[key] = {str(row["id"]): row for row in sql_rows(text)}
        return self._dumps[key][page["row"]]["html"]


def fill_from_mirror(args, mirror: str) -> None:
    """Every page set (1-8 and SOURCE_SETS) read from ``MIRROR/owner+name/repo`` (the ``fetch`` tool's
    snapshots, as bench/pagekind_data.py reads them): each checkout not given on the command line."""

    def repo(name: str) -> str:
        return str(Path(mirror) / name.replace("/", "+") / "repo")

    def spec(path: Path) -> dict:
        return json.loads(path.read_text(encoding="utf-8"))

    s1, s2, s3 = spec(PAGES), spec(PAGES2), spec(PAGES3)["sources"]
    for attr, name in (
        ("dataset", s1["dataset"]["repo"]),
        ("list_pages", s1["list_pages"]["repo"]),
        ("magic_html", s2["dataset"]["repo"]),
        ("gerapy", s2["list_pages"]["repo"]),
        ("newspaper4k", s3["newspaper4k"]["repo"]),
        ("readability_js", s3["readability"]["repo"]),
        ("webmainbench", s3["webmainbench"]["repo"]),
        ("llm_webkit", spec(PAGES4)["source"]["repo"]),
        ("llm_webkit_upstream", spec(PAGES5)["source"]["repo"]),
    ):
        if not getattr(args, attr):
            setattr(args, attr, repo(name))
    for n, path in ((6, PAGES6), (7, PAGES7), (8, PAGES8), *SOURCE_SETS.items()):
        if not getattr(args, f"set{n}"):
            setattr(args, f"set{n}", [f"{k}={repo(v['repo'])}" for k, v in spec(path)["sources"].items()])


def named_checkouts(values: list[str], known: dict, flag: str = "--set6") -> dict[str, Checkout]:
    """``NAME=PATH`` arguments as checkouts, NAME one of the set's sources."""
    out = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or name not in known:
            sys.exit(f"{flag} takes NAME=CHECKOUT with NAME in {sorted(known)}, not {value!r}")
        out[name] = Checkout(path)
    return out


BASELINE_WORKER = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from govtext.errors import SourceError
from ingest.extract import extract_html
for line in sys.stdin:
    html = json.loads(line)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        doc = extract_html(html)
        text, meta = doc.text, {"date": doc.meta.get("published_date") or doc.meta.get("date") or "", "profile": doc.meta.get("profile", "")}
    except SourceError:
        text, meta = None, {}
    out = {"text": text, "meta": meta, "wall": time.perf_counter() - start, "cpu": time.process_time() - cpu}
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()
"""


def tree_worker(python: Path, script: str, code: Path) -> subprocess.Popen:
    """``script`` run by another tree's ``python`` on the code at ``code`` (its argument and working
    folder), fed one JSON line per page on stdin and answering one JSON line per page."""
    import os

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # read only: no __pycache__ in that tree
    return subprocess.Popen(
        [str(python), "-c", script, str(code)],
        cwd=str(code),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )


def ask_worker(proc: subprocess.Popen, html: str) -> dict:
    """One page to a :func:`tree_worker`, its answer back."""
    proc.stdin.write(json.dumps(html, ensure_ascii=False) + "\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


class BaselineExtractor:
    """govtext as another tree has it (its .venv/bin/python, its code), in a worker process fed one
    page at a time; ``last_wall`` / ``last_cpu`` are the worker's own time for the last page."""

    def __init__(self, tree: str):
        path = Path(tree).resolve()
        python = path / ".venv" / "bin" / "python"
        if not python.exists():
            sys.exit(f"--baseline {tree}: no .venv/bin/python there (make install in that tree)")
        self.proc = tree_worker(python, BASELINE_WORKER, path)
        commit = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        )
        self.label = f"{path} @ {commit.stdout.strip()}"
        self.last_wall = self.last_cpu = 0.0

    def __call__(self, html: str):
        out = ask_worker(self.proc, html)
        self.last_wall, self.last_cpu = out["wall"], out["cpu"]
        return out["text"], None


def _html_text(html: str) -> str:
    import lxml.html

    root = lxml.html.fromstring(html)
    for el in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr", "td"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content()


def markdown_text(md: str) -> str:
    """The text of a Markdown gold without its marks (fences, #, list bullets, table bars, link syntax)."""
    out = []
    for line in md.splitlines():
        if line.lstrip().startswith("```") or re.fullmatch(r"\s*\|?[\s:|-]*-{3,}[\s:|-]*\|?\s*", line):
            continue
        line = re.sub(r"^\s*(#{1,6}\s+|[-*+>]\s+)", "", line)
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", "", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        out.append(re.sub(r"[`|]|\*\*", " ", line))
    return "\n".join(out)


def _timed(name: str, fn, html: str, times: Counter):
    """``fn(html)``, its wall and CPU time added to ``times`` (a baseline worker's own time, not the pipe's)."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(html)
    if isinstance(fn, BaselineExtractor):
        times[name] += fn.last_wall
        times[name + " cpu"] += fn.last_cpu
    else:
        times[name] += time.perf_counter() - start
        times[name + " cpu"] += time.process_time() - cpu
    return out


def score_set(pset: PageSet, tools: dict, times: Counter, chrome: bool) -> list[dict]:
    """Every tool on every page of the set: one row per page with each tool's F1."""
    htmls = {p["page"]: pset.html(p) for p in pset.pages}
    rows = []
    for page in pset.pages:
        html, gold = htmls[page["page"]], pset.gold(page)
        row = dict(page)
        site_chrome = _site_chrome(page, pset.pages, htmls) if chrome else None
        for name, fn in tools.items():
            if name == "govtext" and site_chrome:
                text, doc = _timed(name, functools.partial(fn, chrome=site_chrome), html, times)
            else:
                text, doc = _timed(name, fn, html, times)
            if page["type"] == "list":
                row[name] = 0.0 if (text or "").strip() else 1.0
            else:
                row[name] = char_scores(text, gold)[2] if text else 0.0
            if name == "govtext":
                row["doc"] = doc
        rows.append(row)
    times["pages"] += len(rows)
    return rows


def print_scores(label: str, rows: list[dict], names: list[str], show_pages: bool) -> None:
    header = f"{'':24}{'pages':>6}" + "".join(f"{n:>13}" for n in names)
    if show_pages:
        print(f"\n{'page':10}{'site':20}{'type':11}{'split':8}" + "".join(f"{n:>13}" for n in names))
        for row in rows:
            print(
                f"{row['page'][:8]:10}{row['site'][:19]:20}{row['type']:11}{row['split']:8}"
                + "".join(f"{row[n]:13.3f}" for n in names)
            )

    def line(name: str, subset: list[dict]) -> str:
        return f"{name:24}{len(subset):6}" + "".join(f"{statistics.mean(r[n] for r in subset):13.3f}" for n in names)

    print(f"\n{label}: mean character F1 by split (held-out sites = headline)")
    if not rows:
        print("no pages of the chosen splits (--only)")
        return
    print(header)
    for split in SPLITS:
        subset = [r for r in rows if r["split"] == split]
        if subset:
            print(line(split + (" sites" if split != "fixture" else " (shared 20)"), subset))
    print(line("all", rows))
    print("\nby page type, held-out sites | all splits")
    for kind in sorted({r["type"] for r in rows}):
        held = [r for r in rows if r["type"] == kind and r["split"] == "heldout"]
        every = [r for r in rows if r["type"] == kind]
        if held:
            print(line(f"{kind} (held-out)", held))
        print(line(f"{kind} (all)", every))


def refusal_checks(
    label: str, checkout: Checkout, groups: list[tuple[str, list[str], bool]], tools: dict, times: Counter, show: bool
) -> None:
    """For each (name, paths, must_refuse) group: how many pages each tool gets right."""
    names = list(tools)
    print(f"\n{label}; refused = no text returned")
    for name, paths, want in groups:
        if not paths:
            continue
        ok: Counter = Counter()
        for path in paths:
            html = decode_bytes(checkout.read(path))[0]
            for tool, fn in tools.items():
                text, _ = _timed(tool, fn, html, times)
                refused = not (text or "").strip()
                ok[tool] += refused == want
                if show and tool == "govtext" and refused != want:
                    print(f"  govtext wrong on {path}: {'refused' if refused else 'kept'}")
        times["pages"] += len(paths)
        print(f"{name:24}{len(paths):6}" + "".join(f"{ok[n]:>9}/{len(paths):<3}" for n in names))


def print_metadata(rows: list[dict], show_pages: bool) -> None:
    for split, note in (
        ("heldout", "labels written by hand before the run"),
        ("tune", "in-sample: the rules were developed on these"),
    ):
        labelled = [r for r in rows if r["split"] == split and "labels" in r]
        if not labelled:
            continue
        print(f"\nmetadata on the {len(labelled)} {split} pages ({note})")
        print(f"{'field':12}{'right':>6}{'predicted':>10}{'labelled':>9}{'precision':>10}{'recall':>8}")
        for field, (right, predicted, gold) in metadata_scores(labelled).items():
            p = right / predicted if predicted else float("nan")
            r = right / gold if gold else float("nan")
            print(f"{field:12}{right:6}{predicted:10}{gold:9}{p:10.3f}{r:8.3f}")
            if show_pages and split != "heldout":
                for row in labelled:
                    want, got = _norm(field, row["labels"][field]), _norm(field, _predicted(row["doc"], field))
                    if want != got and not (field == "date" and want and got.startswith(want)):
                        print(f"    {row['page'][:8]} {field}: labelled {want!r}, got {got!r}")


def _source(spec: dict, checkout: Checkout) -> str:
    line = f"{spec['repo']} @ {checkout.commit[:7]} ({spec['licence']})"
    if not checkout.commit.startswith(spec["commit"]):
        line += f"; note: the page set was written for commit {spec['commit']}"
    return line


# ---------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "dataset", nargs="?", help="checkout of immortal-autumn/Chinese-Web-Content-Extraction-Dataset (page set 1)"
    )
    parser.add_argument("--list-pages", help="checkout of GeneralNewsExtractor/GeneralNewsExtractor")
    parser.add_argument("--magic-html", help="checkout of opendatalab/magic-html (page set 2)")
    parser.add_argument("--gerapy", help="checkout of Gerapy/GerapyAutoExtractor (set 2's list and article pages)")
    parser.add_argument("--newspaper4k", help="checkout of AndyTheFactory/newspaper4k (page set 3)")
    parser.add_argument("--readability-js", help="checkout of mozilla/readability (page set 3)")
    parser.add_argument("--webmainbench", help="checkout of opendatalab/WebMainBench (page set 3)")
    parser.add_argument("--llm-webkit", help="checkout of dt-yy/llm-webkit-mirror (page set 4)")
    parser.add_argument("--llm-webkit-upstream", help="checkout of ccprocessor/llm-webkit-mirror (page set 5)")
    parser.add_argument(
        "--set6",
        action="append",
        default=[],
        metavar="NAME=CHECKOUT",
        help="page set 6: job=<SimonXinw/job checkout>, renmin=<kevin3691/renmin checkout>",
    )
    parser.add_argument(
        "--set7",
        action="append",
        default=[],
        metavar="NAME=CHECKOUT",
        help="page set 7: pulsar=<platonai/PulsarRPA>, trafilatura=<adbar/trafilatura>, goose3=<goose3/goose3>, "
        "platform=<ZhouYNF/platform-1> (checkouts with their history: some pages are read at older commits)",
    )
    parser.add_argument(
        "--set8",
        action="append",
        default=[],
        metavar="NAME=CHECKOUT",
        help="page set 8: formasaurus=<TeamHG-Memex/Formasaurus>, autopager=<TeamHG-Memex/autopager>, "
        "parser=<postlight/parser>",
    )
    for n, pages in SOURCE_SETS.items():
        parser.add_argument(
            f"--set{n}",
            action="append",
            default=[],
            metavar="NAME=CHECKOUT",
            help=f"page set {n}: one NAME=CHECKOUT per source named in bench/data/{pages.name}",
        )
    parser.add_argument(
        "--mirror",
        metavar="DIR",
        help="read every page set (1-8 and the numbered sets) from DIR/owner+name/repo, each checkout not given",
    )
    parser.add_argument(
        "--baseline",
        metavar="TREE",
        help="another govtext tree (e.g. main's checkout) whose extractor runs in the same run as column 'baseline'",
    )
    parser.add_argument(
        "--pagekind",
        choices=("on", "off", "both"),
        help="govtext's page-kind model on / off (default: the setting GOVTEXT_PAGE_KIND); both: column pk-off too",
    )
    parser.add_argument("--no-peers", action="store_true", help="govtext only")
    parser.add_argument("--pages", action="store_true", help="print every page's scores")
    parser.add_argument(
        "--only",
        action="append",
        choices=SPLITS,
        help="score only these splits (while tuning: --only tune --only fixture)",
    )
    parser.add_argument(
        "--chrome",
        action="store_true",
        help="govtext strips blocks repeated on the other pages of the same site (ingest/chrome.py)",
    )
    parser.add_argument(
        "--ablate",
        action="append",
        default=[],
        choices=sorted(extract_signals),
        help="switch one of govtext's general signals off (to measure what it adds)",
    )
    args = parser.parse_args()
    if args.mirror:
        fill_from_mirror(args, args.mirror)
    for name in args.ablate:
        extract_signals[name] = False
    if args.ablate:
        print(f"govtext without: {', '.join(args.ablate)}")
    if args.chrome:
        print("govtext with site chrome: each page sees the other pages of its site first (min_pages=1)")

    tools = extractors(not args.no_peers)
    if args.pagekind:
        tools["govtext"] = functools.partial(run_govtext, page_kind=args.pagekind != "off")
        print(f"govtext's page-kind model: {'on' if args.pagekind != 'off' else 'off'}")
    if args.pagekind == "both":
        tools = {"govtext": tools.pop("govtext"), "pk-off": functools.partial(run_govtext, page_kind=False), **tools}
        print("column pk-off: govtext with its page-kind model off")
    if args.baseline:
        tools["baseline"] = BaselineExtractor(args.baseline)
        print(f"baseline: govtext's extractor in {tools['baseline'].label}")
    allowed = set(args.only or SPLITS)

    times1: Counter = Counter()
    if args.dataset:
        run_first_set(args, tools, times1)
    if args.magic_html:
        run_second_set(args, tools, allowed, times1)
    checkouts3 = {
        name: Checkout(path)
        for name, path in (
            ("newspaper4k", args.newspaper4k),
            ("readability", args.readability_js),
            ("webmainbench", args.webmainbench),
        )
        if path
    }
    if checkouts3:
        run_third_set(args, tools, checkouts3, times1)
    if args.llm_webkit:
        run_annotated_set("set 4", PAGES4, args.llm_webkit, args, tools, times1)
    if args.llm_webkit_upstream:
        run_annotated_set("set 5", PAGES5, args.llm_webkit_upstream, args, tools, times1)
    if args.set6:
        run_sixth_set(args, tools, times1)
    if args.set7:
        run_seventh_set(args, tools, times1)
    if args.set8:
        run_eighth_set(args, tools, times1)
    for n, pages in SOURCE_SETS.items():
        if getattr(args, f"set{n}"):
            run_eighth_set(args, tools, times1, f"set {n}", pages, getattr(args, f"set{n}"), f"--set{n}")


def run_first_set(args, tools: dict, times1: Counter) -> None:
    names = list(tools)
    spec1 = json.loads(PAGES.read_text(encoding="utf-8"))
    set1 = WebContentSet("set 1", spec1["dataset"], Checkout(args.dataset), args.only)
    rows1 = run_set(set1, spec1, tools, times1, args)
    if args.list_pages:
        gne = Checkout(args.list_pages)
        lp = spec1["list_pages"]
        articles = [p for p in gne.listing(lp["articles_dir"]) if p.endswith(".html")]
        refusal_checks(
            f"set 1 list pages: {_source(lp, gne)} (all tuning material)",
            gne,
            [("list pages refused", lp["refuse"], True), ("article pages kept", articles, False)],
            tools,
            times1,
            args.pages,
        )
    print_metadata(rows1, args.pages)
    report_times("set 1", times1, names)


def run_second_set(args, tools: dict, allowed: set, times1: Counter) -> None:
    names = list(tools)
    spec2 = json.loads(PAGES2.read_text(encoding="utf-8"))
    set2 = MagicHtmlSet("set 2", spec2["dataset"], Checkout(args.magic_html), args.only)
    times2: Counter = Counter()
    print()
    run_set(set2, spec2, tools, times2, args)
    if args.gerapy:
        gae = Checkout(args.gerapy)
        lp = spec2["list_pages"]
        groups = []
        for split in SPLITS:
            if split not in allowed:
                continue
            for key, want, what in (("refuse", True, "list pages refused"), ("keep", False, "article pages kept")):
                paths = [e["path"] for e in lp[key] if e["split"] == split]
                groups.append((f"{what} ({split})", paths, want))
        refusal_checks(f"set 2 list pages: {_source(lp, gae)}", gae, groups, tools, times2, args.pages)
    report_times("set 2", times2, names)
    times1.update(times2)
    report_times("sets so far", times1, names)


def run_third_set(args, tools: dict, checkouts: dict[str, Checkout], times1: Counter) -> None:
    names = list(tools)
    spec3 = json.loads(PAGES3.read_text(encoding="utf-8"))
    print()
    for name, source in spec3["sources"].items():
        print(f"set 3 source {name}: " + (_source(source, checkouts[name]) if name in checkouts else "not given"))
    set3 = ThirdSet("set 3", spec3, checkouts, args.only)
    times3: Counter = Counter()
    rows = score_set(set3, tools, times3, args.chrome)
    print_scores(set3.label, rows, names, args.pages)
    report_times("set 3", times3, names)
    times1.update(times3)
    report_times("all sets run", times1, names)


def run_annotated_set(label: str, pages: Path, path: str, args, tools: dict, times1: Counter) -> None:
    """Set 4 or 5: one checkout; pages with the repository's gold, an annotation, or none (non-articles)."""
    names = list(tools)
    spec = json.loads(pages.read_text(encoding="utf-8"))
    checkout = Checkout(path)
    print(f"\n{label} source: {_source(spec['source'], checkout)}")
    page_set = FourthSet(label, spec, checkout, args.only)
    times: Counter = Counter()
    rows = score_set(page_set, tools, times, args.chrome)
    print_scores(page_set.label, rows, names, args.pages)
    report_times(label, times, names)
    times1.update(times)
    report_times("all sets run", times1, names)


def run_sixth_set(args, tools: dict, times1: Counter) -> None:
    """Set 6: pages from several checkouts, with text scores and metadata labels."""
    names = list(tools)
    spec = json.loads(PAGES6.read_text(encoding="utf-8"))
    checkouts = named_checkouts(args.set6, spec["sources"])
    print()
    for name, source in spec["sources"].items():
        print(f"set 6 source {name}: " + (_source(source, checkouts[name]) if name in checkouts else "not given"))
    page_set = SixthSet("set 6", spec, checkouts, args.only)
    times: Counter = Counter()
    rows = score_set(page_set, tools, times, args.chrome)
    print_scores(page_set.label, rows, names, args.pages)
    print_metadata(rows, args.pages)
    report_times("set 6", times, names)
    times1.update(times)
    report_times("all sets run", times1, names)


def run_seventh_set(args, tools: dict, times1: Counter) -> None:
    """Set 7: like set 6 (several checkouts, text scores, refusals, metadata labels)."""
    names = list(tools)
    spec = json.loads(PAGES7.read_text(encoding="utf-8"))
    checkouts = named_checkouts(args.set7, spec["sources"], "--set7")
    print()
    for name, source in spec["sources"].items():
        print(f"set 7 source {name}: " + (_source(source, checkouts[name]) if name in checkouts else "not given"))
    page_set = SeventhSet("set 7", spec, checkouts, args.only)
    times: Counter = Counter()
    rows = score_set(page_set, tools, times, args.chrome)
    print_scores(page_set.label, rows, names, args.pages)
    from ingest.extract import _parse
    from ingest.sites import choose_profile

    held = [r for r in rows if r["split"] == "heldout"]
    for r in held:  # the profile govtext used (no URL is given: chosen by markers in the text)
        root = _parse(page_set.html(r))
        r["profile"] = choose_profile("", root.text_content()[:200_000]).name if root is not None else "generic"
    profiled = [r for r in held if r["profile"] != "generic"]
    print("\nheld-out pages by the site profile govtext used (no URL given: chosen by markers in the text)")
    for name, subset in (("generic profile", [r for r in held if r not in profiled]), ("a site profile", profiled)):
        if subset:
            print(
                f"{name:24}{len(subset):6}" + "".join(f"{statistics.mean(r[n] for r in subset):13.3f}" for n in names)
            )
    print_refusals(rows, names)
    print_metadata(rows, args.pages)
    report_times("set 7", times, names)
    times1.update(times)
    report_times("all sets run", times1, names)


def print_refusals(rows: list[dict], names: list[str]) -> None:
    """Per split, how many of the non-articles (list pages) each extractor refused (scored 1)."""
    refused = [r for r in rows if r["type"] == "list"]
    if refused:
        print("\nnon-articles refused (list pages scoring 1)")
        for split in SPLITS:
            subset = [r for r in refused if r["split"] == split]
            if subset:
                print(
                    f"{split:24}{len(subset):6}"
                    + "".join(f"{int(sum(r[n] for r in subset)):>9}/{len(subset):<3}" for n in names)
                )


def run_eighth_set(
    args, tools: dict, times1: Counter, label: str = "set 8", pages: Path = PAGES8, values=None, flag: str = "--set8"
) -> None:
    """Set 8 (or one of SOURCE_SETS): several checkouts at their HEAD; text scores by type, refusals, metadata labels."""
    names = list(tools)
    spec = json.loads(pages.read_text(encoding="utf-8"))
    checkouts = named_checkouts(args.set8 if values is None else values, spec["sources"], flag)
    print()
    for name, source in spec["sources"].items():
        print(f"{label} source {name}: " + (_source(source, checkouts[name]) if name in checkouts else "not given"))
    page_set = SixthSet(label, spec, checkouts, args.only)
    times: Counter = Counter()
    rows = score_set(page_set, tools, times, args.chrome)
    print_scores(page_set.label, rows, names, args.pages)
    articles = [r for r in rows if r["type"] != "list" and r["split"] == "heldout"]
    if articles:
        print(
            f"{'articles (held-out)':24}{len(articles):6}"
            + "".join(f"{statistics.mean(r[n] for r in articles):13.3f}" for n in names)
        )
    print_refusals(rows, names)
    print_metadata(rows, args.pages)
    report_times(label, times, names)
    times1.update(times)
    report_times("all sets run", times1, names)


def run_set(page_set, spec: dict, tools: dict, times: Counter, args) -> list:
    """Score one page set with every tool and print its table; returns the rows."""
    print(f"{page_set.label} source: {_source(spec['dataset'], page_set.checkout)}")
    rows = score_set(page_set, tools, times, args.chrome)
    print_scores(page_set.label, rows, list(tools), args.pages)
    return rows


def report_times(label: str, times: Counter, names: list[str]) -> None:
    count = max(1, times["pages"])
    print(f"\n{label}: ms/page over {times['pages']} pages (same decoded HTML, parse included; cpu = this process)")
    print(f"{'':8}" + "".join(f"{n:>13}" for n in names))
    print(f"{'wall':8}" + "".join(f"{1000 * times[n] / count:13.2f}" for n in names))
    print(f"{'cpu':8}" + "".join(f"{1000 * times[n + ' cpu'] / count:13.2f}" for n in names))


if __name__ == "__main__":
    main()
