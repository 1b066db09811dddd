"""Draw the paragraphs of the fifteenth held-out label set (``tests/data/theme_labels_heldout15.jsonl``).

    .venv/bin/python -m nlp.draw_heldout15 OUT.jsonl [--seed 1715] [--checkout owner/name=PATH ...]

Built as the fourteenth set (:mod:`nlp.draw_heldout14`, the procedure of :mod:`nlp.external_draw`
with ``unquoted`` listing), from repositories of accounts that no earlier draw or extraction page
set (``bench/data/extract_pages*.json``) names (:data:`SOURCES`), found by the Chinese file names of
their pages (通知公告.html, 工作动态.html, 政策法规.html, 社区简介.html, 便民服务.html, 党建动态.html …):
a 非公党建 platform's annotated prototype pages for 湖南 (``yulan2025/hn_fgdj``), a 党史 study site
with its 工作动态 and 会议精神 pages (``1487246410/Party-s-history``), a 智慧党建 site with a list of
安徽 grass-roots Party-building headlines (``wang060502/improved-fortnight.github.io``), a
community 智慧党建 screen prototype (``SmallHongLiu/WisdomDJ``), a 智慧社区 app prototype with
便民服务, 楼长 and 书记 pages (``hongzequan/smartCommunity``), a 宁波 charity foundation's and
start-up centre's pages (``windmill1992/home``, its ``.html`` pages only), a Party-building app
prototype (``CheerQY/dangjian``), a village Party-building site (``Jason767445898/dangjianweb.github.io``)
and a volunteer-platform student project (``wvbz/Anduchencang``, ``.html`` pages only). They are
read by the fixed reader of :mod:`nlp.external_docs` from their snapshots
(``../.mirror/<owner>+<name>/repo`` by default) at the commits below; no text of theirs is stored in
this repository. The search for saved sites of government bodies (政务, 民政, 司法, 综治, 应急)
with ``.html`` pages found none unused: most such repositories keep their text in ``.jsp``/``.php``
templates or in JavaScript, which this procedure does not read (see the report of session i16as).

What is drawn from: as in the thirteenth and fourteenth sets (every ``.htm``/``.html``/``.shtml``
page at its commit, sorted by path, non-ASCII paths included; pages titled as a national law or
regulation skipped; paragraphs of 15-300 characters, at least half CJK, on exactly one page of all
the sources' pages, no verbatim copy of a paragraph of ``../shared``), and no paragraph whose sha1
is that of a row of any reading of the eighth to fourteenth sets' files. ``register`` is read from
the page title; ``group`` is the source site.

Word searches ``h15_*`` for every theme (the twelfth set's patterns), then ``h15_random`` random
paragraphs (:data:`RANDOM`); at most ``PER_PAGE`` per page per search, so that the large prototype
pages do not fill the set. No tagger, model or rule matcher is run: the candidates (with their text)
go to OUT for the annotator, who labels each by ``docs/labelling-guide.md``.
"""

from __future__ import annotations

from nlp import draw_heldout12, external_draw, labels
from nlp.external_draw import Source
from nlp.heldout_draw import Draw

#: (repository, commit, group): the saved sites drawn from
SOURCES: tuple[Source, ...] = (
    ("1487246410/Party-s-history", "71aa17bd27cb6151fc212764572291cacadfab49", "党史学习网站"),
    ("CheerQY/dangjian", "26d486651f94f479166e3548142f706a8fd75f0e", "党建应用原型"),
    ("Jason767445898/dangjianweb.github.io", "41ff21e256a2c031ccf9e2e2edb76e5556966dbb", "阳春河㙟党建网站"),
    ("SmallHongLiu/WisdomDJ", "cc1fbbfeb4af59f4870614ab1ea87b8bae4ceeb0", "社区智慧党建原型"),
    ("hongzequan/smartCommunity", "7f8bf261434041e222b56c911152b8bfb221812a", "智慧社区应用原型"),
    ("wang060502/improved-fortnight.github.io", "df37a3b3875095b0bd0f9deae367954f7b84e68b", "智慧党建网站"),
    ("windmill1992/home", "73d420cbde617779f0292d0f4b3716d19d8c64ce", "善园基金会（宁波）"),
    ("wvbz/Anduchencang", "9dac2761a2ab9dc7f8aa4a027ab58807f462b3aa", "志愿服务平台"),
    ("yulan2025/hn_fgdj", "f547858666f7efc2212ed677521776d8693eed6d", "湖南非公党建平台原型"),
)
#: the twelfth set's searches, renamed
DRAWS: tuple[Draw, ...] = tuple(
    (name.replace("h12_", "h15_"), pattern, count, exclude) for name, pattern, count, exclude in draw_heldout12.DRAWS
)
RANDOM = 160
#: at most this many paragraphs per page per search
PER_PAGE = 10


def _earlier_label_sha1s() -> set[str]:
    """The sha1 of every row of every reading (first, reader 2, adjudicated) of the eighth to fourteenth sets."""
    paths = [
        getattr(labels, f"HELDOUT{k}{suffix}_FILE")
        for k in range(8, 15)
        for suffix in ("", "_READER2", "_ADJUDICATED")
        if hasattr(labels, f"HELDOUT{k}{suffix}_FILE")
    ]
    return external_draw.label_sha1s(tuple(paths))


def draw(seed: int, draws: tuple[Draw, ...] = DRAWS, random_count: int = RANDOM) -> list[dict]:
    """The candidates: ``draws``, then ``random_count`` random paragraphs of :data:`SOURCES`."""
    pool = external_draw.build_pool(SOURCES, earlier_sha1s=_earlier_label_sha1s(), unquoted=True)
    return external_draw.draw_rounds(seed, pool, draws, "h15_random", random_count, per_page=PER_PAGE)


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout15", 1715, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
