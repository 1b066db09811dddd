"""Draw the paragraphs of the nineteenth held-out label set (``tests/data/theme_labels_heldout19.jsonl``).

    .venv/bin/python -m nlp.draw_heldout19 OUT.jsonl [--seed 1819] [--checkout owner/name=PATH ...]

Built as the eighteenth set (:mod:`nlp.draw_heldout18`: the procedure of :mod:`nlp.external_draw` with
``unquoted`` listing, ``.jsp`` templates read as HTML, one pool split by repository, at most :data:`PER_REPO` rows
of a repository), aimed again at the pages of local public bodies and governance services, from repositories of
nine accounts no earlier draw, extraction page set (``bench/data/extract_pages*.json``) or the README names. The
first round: a village-democracy information system (``shiwuyisheng/minzhu``: its 村委会 pages and the county and
雄安 news it reposts), the site of the 黄石市公安局治安户政支队 (``Westernblot/grid_gaj``: headlines, the 治安 assessment
form, back-office hints), a student site on Guangxi (``ZhanXiaoFeng/MyProject``: a blog, news and 民生 pages; its
web-shop project is left out), a district emergency office's duty and emergency-event system
(``amoydream/workspace``), a 抚州 home elderly-care platform (``lghcode/JuJiaYangLao``), the 广东省农业专业镇信息服务
平台 (``tianl9528/pages``: agricultural news, epidemic-prevention rules, weather warnings, vocational-certificate Q&A)
and a volunteer-service site (``jcxiaozhan0403/Learning-record``: its 志愿服务 project only). A second round, its own
pool: a school's site (``mumuHE2002/mumu``, PHP templates read as HTML), for the Party-building pages the first
round's sites lack; a third, its own pool: the 临沂 police's WeChat service (``dreamLXD/lywjw2.io``: 户政 and 出入境
guides, 便民 services, licence forms, the city's news), for the public-service pages the first two lack. The pages
are read by the fixed reader of :mod:`nlp.external_docs` from the snapshots (``../.mirror/<owner>+<name>/repo`` by
default) at the commits below; no text of theirs is stored here.

What is drawn from: as in the thirteenth to eighteenth sets (every ``.htm``/``.html``/``.shtml``/``.jsp`` page at
its commit, sorted by path, non-ASCII paths included; pages titled as a national law or regulation skipped;
paragraphs of 15-300 characters, at least half CJK, on exactly one page of the round's sources' pages, no verbatim
copy of a paragraph of ``../shared``), no paragraph whose sha1 is that of a row of any reading of the eighth to
eighteenth sets' files. New here: the pages of vendored libraries and editor plug-ins, back-office (``admin``)
templates, build-output copies and the repositories' projects that are not a public body's or a governance
service's site are not read (:data:`PAGES`): they are a tool's, a shop's or a course's text and would fill the
random rows. A later round's pool leaves out any paragraph the earlier rounds' sites' pages hold
(:func:`nlp.external_draw.second_pool`), so each round only adds rows. ``register`` is read from the page title;
``group`` is the source site.

Each round's pool is shuffled with the seed and then split by repository (in the round's sources' order): on each
repository's part, the twelfth set's word searches (``h19_*``, ``h19b_*``, ``h19c_*``) capped at :data:`PER_SEARCH`
each, then random paragraphs (``h19_random``, ``h19b_random``, ``h19c_random``) up to :data:`PER_REPO`,
:data:`PER_REPO_B` or :data:`PER_REPO_C` rows of the repository; at most :data:`PER_PAGE` per page per search. The
second and third rounds were added after the first round's paragraphs had been read and labelled (they left the
Party-building, support and public-service themes thin), as the third to sixth sets added rounds; each round's
labels were committed before any tagger ran. No tagger, model or rule matcher is run: the candidates (with their
text) go to OUT for the annotator, who labels each by ``docs/labelling-guide.md``.
"""

from __future__ import annotations

import random
import re

from nlp import draw_heldout12, draw_heldout18, external_draw, labels
from nlp.external_draw import Source
from nlp.heldout_draw import Draw

#: (repository, commit, group): the sites drawn from
SOURCES: tuple[Source, ...] = (
    ("shiwuyisheng/minzhu", "047ff69f4f6a2a4811b84f6505de3c7396c85cf6", "农村民主建设信息管理系统"),
    ("Westernblot/grid_gaj", "a4522ac52c819d21612c04c0742e38e9c964f93e", "黄石市公安局治安户政支队网站"),
    ("ZhanXiaoFeng/MyProject", "61ecfb266173e5dc7b283cb4fd5bc4a40912b6cd", "厉害了我的广西网站"),
    ("amoydream/workspace", "72f0f1db3e4a63916634929210d0ab3512a69df5", "区应急办值班与突发事件系统"),
    ("lghcode/JuJiaYangLao", "3d5c7f153547a642d4c04f3cdc266ee6670fd469", "抚州居家养老服务平台"),
    ("tianl9528/pages", "2b6d3273f28931a7fc59146eea875a716ee52c12", "广东省农业专业镇信息服务平台"),
    ("jcxiaozhan0403/Learning-record", "551f43e798fcc75a6645573050705237ec8f8328", "志愿服务信息网站"),
)
#: the pages read: ``.jsp`` templates as well as the saved pages, but not a vendored library's or an editor
#: plug-in's pages, back-office (``admin``) templates, build-output copies (``target``, ``out``), the web-shop
#: project of ``ZhanXiaoFeng/MyProject``, or the course exercises and other projects of
#: ``jcxiaozhan0403/Learning-record`` (all but its 志愿者服务网站 project)
PAGES = re.compile(
    r"^(?!(?:Bootstrap|HTML5|JavaScript|JavaWeb|SSM|专科课程|若依框架)/|项目/(?!志愿者服务网站/))"
    r"(?!.*(?:^|/)(?:admin|lib|plugins|[Ww]idget|ueditor|utf8-jsp|kindeditor[^/]*|iconfont|ContextMenu"
    r"|lauvanUI|MicroShop|scripts|target|out|ku)/).*\.(?:s?html?|jsp)$",
    re.I,
)
#: the second round's site, its own pool (:func:`nlp.external_draw.second_pool`): a school's site, whose Party
#: committee's page gives the Party-building theme the first round's sites lack (PHP templates, read as HTML)
SOURCES_B: tuple[Source, ...] = (("mumuHE2002/mumu", "5d3308d2eb75254e3e943761b841c5c8f1c493b1", "贵阳一中网站"),)
#: the second round's pages: the PHP templates
PAGES_B = re.compile(r"\.php$", re.I)
#: the third round's site, its own pool: the 临沂 police's WeChat service (微警务: 户政 and 出入境 guides, 便民
#: services, application forms, the city's news), read with :data:`PAGES`; the round adds public-service pages
SOURCES_C: tuple[Source, ...] = (
    ("dreamLXD/lywjw2.io", "b9abe19748cfbf90b4a2da0af2db893b2b740354", "临沂微警务服务平台"),
)
#: at most this many rows of one repository
PER_REPO = 60
#: at most this many rows of a second-round repository
PER_REPO_B = 30
#: at most this many rows of a third-round repository
PER_REPO_C = 40
#: at most this many rows of one repository per word search
PER_SEARCH = 4
#: at most this many paragraphs per page per search
PER_PAGE = 12
#: the twelfth set's searches, renamed and capped per repository
DRAWS: tuple[Draw, ...] = tuple(
    (name.replace("h12_", "h19_"), pattern, min(count, PER_SEARCH), exclude)
    for name, pattern, count, exclude in draw_heldout12.DRAWS
)


def _earlier_label_sha1s() -> set[str]:
    """The sha1 of every row of every reading of the eighth to eighteenth sets: the eighteenth draw's, and the
    eighteenth file and its second reading."""
    return draw_heldout18._earlier_label_sha1s() | external_draw.label_sha1s(
        (labels.HELDOUT18_FILE, labels.HELDOUT18_READER2_FILE)
    )


def _per_repository(
    seed: int, pool: list[dict], sources: tuple[Source, ...], draws: tuple[Draw, ...], random_name: str, cap: int
) -> list[dict]:
    """``pool`` shuffled with ``seed`` and split by repository (in ``sources`` order): on each part, ``draws`` and
    then random paragraphs (drawn by ``random_name``) up to ``cap`` rows."""
    random.Random(seed).shuffle(pool)
    rows: list[dict] = []
    for repo, _, _ in sources:
        part = [item for item in pool if item["repo"] == repo]
        searched = external_draw.draw_rounds(seed, list(part), draws, random_name, 0, per_page=PER_PAGE)
        fill = max(cap - len(searched), 0)
        rows += external_draw.draw_rounds(seed, list(part), draws, random_name, fill, per_page=PER_PAGE)[:cap]
    return rows


def _renamed(draws: tuple[Draw, ...], prefix: str) -> tuple[Draw, ...]:
    """``draws`` with their ``h19_`` names given a later round's ``prefix``."""
    return tuple((name.replace("h19_", prefix), pattern, count, exclude) for name, pattern, count, exclude in draws)


def draw(
    seed: int,
    draws: tuple[Draw, ...] = DRAWS,
    per_repo: int = PER_REPO,
    per_repo_b: int = PER_REPO_B,
    per_repo_c: int = PER_REPO_C,
) -> list[dict]:
    """The candidates: on each repository's part of the pool (shuffled with ``seed``), ``draws`` and then random
    paragraphs up to ``per_repo`` rows; then the same on the second round's own pool (:data:`SOURCES_B`, its
    searches renamed ``h19b_*``), up to ``per_repo_b`` rows a repository; then the same on the third round's own
    pool (:data:`SOURCES_C`, ``h19c_*``, its pool leaving out the paragraphs of both earlier rounds' pages), up to
    ``per_repo_c`` rows. Each later round only adds rows."""
    earlier = _earlier_label_sha1s()
    pool = external_draw.build_pool(SOURCES, earlier_sha1s=earlier, unquoted=True, pattern=PAGES)
    rows = _per_repository(seed, pool, SOURCES, draws, "h19_random", per_repo)
    if not SOURCES_B:
        return rows
    pool_b = external_draw.second_pool(SOURCES, SOURCES_B, earlier, unquoted=True, pattern=PAGES_B)
    draws_b = _renamed(draws, "h19b_")
    rows += _per_repository(seed, pool_b, SOURCES_B, draws_b, "h19b_random", per_repo_b)
    if not SOURCES_C:
        return rows
    pool_c = external_draw.second_pool(SOURCES + SOURCES_B, SOURCES_C, earlier, unquoted=True, pattern=PAGES)
    draws_c = _renamed(draws, "h19c_")
    return rows + _per_repository(seed, pool_c, SOURCES_C, draws_c, "h19c_random", per_repo_c)


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout19", 1819, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
