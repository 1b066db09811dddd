"""Draw the paragraphs of the eighteenth held-out label set (``tests/data/theme_labels_heldout18.jsonl``).

    .venv/bin/python -m nlp.draw_heldout18 OUT.jsonl [--seed 1718] [--checkout owner/name=PATH ...]

Built as the seventeenth set (:mod:`nlp.draw_heldout17`, the procedure of :mod:`nlp.external_draw` with
``unquoted`` listing and ``.jsp`` templates read as HTML), aimed at the pages of local public bodies, from
repositories of six accounts no earlier draw or extraction page set (``bench/data/extract_pages*.json``) names:
a 象山/上虞 traffic-police service (``jackjetty/resource``: the province's and the ministry's road-traffic rules
as the police publish them, accident quick-handling rules, 车管 window procedures, 行政复议 guidance), a 栾川
poverty-alleviation site (``renpingping/lcgw``: 产业扶贫, 特色扶贫 and an enterprise's 精准扶贫 stories), a 白城
medical-insurance bureau's WeChat site (``xwj-zchen/ybxm``: 医保 news, notices, 报销 and 备案 pages), the 银川
市民大厅 WeChat service (``xiaohuolu/smdt-wechat``: 网上申报 notices, terms of use), the 上海市文化广播影视管理局
site's templates (``shwenguang/weboa``: 政府信息公开 application, message board) and the 平潭综合实验区行政服务中心
online hall (``linjunzhen/ptzhsp``: 办事指南, star levels of online services, 诉求件 notices, 商事主体 智能审批,
工程建设项目 approval forms, 老年人优待证 forms). ``2468758496/xiaofangandshiyao`` (a 食药监/消防 prototype) was
read and left out: none of its paragraphs is on exactly one of its pages. The search for saved sites of 街道, 政法,
综治, 信访 and 司法 bodies with news text found none unused in a snapshot here (session i16ay: the ones found are
systems' templates with no text or accounts an earlier set used), so the governance themes are searched for on
these public bodies' pages instead. The pages are read by the fixed reader of :mod:`nlp.external_docs` from the
snapshots (``../.mirror/<owner>+<name>/repo`` by default) at the commits below; no text of theirs is stored here.

What is drawn from: as in the thirteenth to seventeenth sets (every ``.htm``/``.html``/``.shtml``/``.jsp`` page at
its commit, sorted by path, non-ASCII paths included; pages titled as a national law or regulation skipped;
paragraphs of 15-300 characters, at least half CJK, on exactly one page of the sources' pages, no verbatim copy of
a paragraph of ``../shared``), no paragraph whose sha1 is that of a row of any reading of the eighth to seventeenth
sets' files. ``register`` is read from the page title; ``group`` is the source site.

One pool of all six sources, shuffled with the seed and then split by repository (in :data:`SOURCES` order): on
each repository's part, the twelfth set's word searches ``h18_*`` capped at :data:`PER_SEARCH` each, then
``h18_random`` random paragraphs up to :data:`PER_REPO` rows of the repository; at most :data:`PER_PAGE` per page
per search. No tagger, model or rule matcher is run: the candidates (with their text) go to OUT for the annotator,
who labels each by ``docs/labelling-guide.md``.
"""

from __future__ import annotations

import random
import re

from nlp import draw_heldout12, draw_heldout17, external_draw, labels
from nlp.external_draw import Source
from nlp.heldout_draw import Draw

#: (repository, commit, group): the sites drawn from
SOURCES: tuple[Source, ...] = (
    ("jackjetty/resource", "c5967933658f4e8661fd38f38e26d16dccd84c2d", "上虞交警微信服务平台"),
    ("renpingping/lcgw", "6aac970d48eee344fea02fd03a67739650eae6e6", "栾川县扶贫网站"),
    ("xwj-zchen/ybxm", "7c2fdd820eeaf2fcd4d57e1b8731cc6e37c7a9b7", "白城市医保微信平台"),
    ("xiaohuolu/smdt-wechat", "721cc461d6dfafdaba6b2e14718b08b18f0de94b", "银川市民大厅微信服务"),
    ("shwenguang/weboa", "a686e60f6d9e39c5f3e53fab465f171ff24bf428", "上海市文广局网站"),
    ("linjunzhen/ptzhsp", "708c8710b485161a007aeeed22f36c141e8c60e3", "平潭综合实验区行政审批网上办事大厅"),
)
#: the pages read: ``.jsp`` templates as well as the saved pages
PAGES = re.compile(r"\.(?:s?html?|jsp)$", re.I)
#: at most this many rows of one repository
PER_REPO = 60
#: at most this many rows of one repository per word search
PER_SEARCH = 4
#: at most this many paragraphs per page per search
PER_PAGE = 12
#: the twelfth set's searches, renamed and capped per repository
DRAWS: tuple[Draw, ...] = tuple(
    (name.replace("h12_", "h18_"), pattern, min(count, PER_SEARCH), exclude)
    for name, pattern, count, exclude in draw_heldout12.DRAWS
)


def _earlier_label_sha1s() -> set[str]:
    """The sha1 of every row of every reading of the eighth to seventeenth sets: the seventeenth draw's, and the
    seventeenth file."""
    return draw_heldout17._earlier_label_sha1s() | external_draw.label_sha1s((labels.HELDOUT17_FILE,))


def draw(seed: int, draws: tuple[Draw, ...] = DRAWS, per_repo: int = PER_REPO) -> list[dict]:
    """The candidates: on each repository's part of the pool (shuffled with ``seed``), ``draws`` and then random
    paragraphs up to ``per_repo`` rows."""
    pool = external_draw.build_pool(SOURCES, earlier_sha1s=_earlier_label_sha1s(), unquoted=True, pattern=PAGES)
    random.Random(seed).shuffle(pool)
    rows: list[dict] = []
    for repo, _, _ in SOURCES:
        part = [item for item in pool if item["repo"] == repo]
        searched = external_draw.draw_rounds(seed, list(part), draws, "h18_random", 0, per_page=PER_PAGE)
        fill = max(per_repo - len(searched), 0)
        rows += external_draw.draw_rounds(seed, list(part), draws, "h18_random", fill, per_page=PER_PAGE)[:per_repo]
    return rows


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout18", 1718, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
