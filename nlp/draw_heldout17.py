"""Draw the paragraphs of the seventeenth held-out label set (``tests/data/theme_labels_heldout17.jsonl``).

    .venv/bin/python -m nlp.draw_heldout17 OUT.jsonl [--seed 1717] [--checkout owner/name=PATH ...]

Built as the fifteenth set (:mod:`nlp.draw_heldout15`, the procedure of :mod:`nlp.external_draw` with ``unquoted``
listing), aimed at the register the served model is weakest on, the pages of local public bodies and their
governance work, from repositories of accounts no earlier draw or extraction page set
(``bench/data/extract_pages*.json``) names.

First round (:data:`SOURCES`, ``.htm``/``.html``/``.shtml`` pages): a copy of the 阳泉市总工会 site
(``duanlitingq/taiyuanzhan``: its 法律援助, 心理关怀, 入会 and 单位建会 pages and its client's user agreement), the
监利市12316三农综合信息服务平台 and 监利市公益性服务网 (``WinstonYa/Public-welfare-system``: an agricultural
public-service platform's county news headlines, notices, expert-service and price pages) and a prototype of
合肥庐阳's 为民服务 community platform (``henryxia189/luyangweiminfuwu``: 积分 rules, venue booking, evaluation UI;
the same account's 为企服务 prototype holds no paragraph that is not also on it, so it is not a source).

Second round (:data:`SOURCES_B`, :data:`PAGES_B`: ``.jsp`` templates too, whose text is HTML read by the same
fixed reader; the earlier draws' listing is unchanged): a 江苏 village/community legal-adviser WeChat assistant
(``JackWuChengHao/weixinqunzhushou``: its 法律顾问微信群管理办法, 人民调解告知书 and 法律援助 notice), a 嘉定区
community ledger system (``jiangbo578/bosun_shuichang``: the names of the 居村委's forms) and a 剑阁 grid platform
(``micklq/jiangeplatform``: a procuratorate's grid duties); ``networkboy/Residential-property`` (a 平安小区
speech) is read too but gave no row. The search for saved sites of 街道, 政法, 综治, 信访, 司法所 and 民政 bodies
found none unused with their text in ``.html`` pages of a snapshot here: such repositories are systems (Java, C#,
Vue code holding forms and field names), JSP templates (hence the second round) or accounts an earlier set used
(see the report of session i16aw). The pages are read by the fixed reader of :mod:`nlp.external_docs` from the
snapshots (``../.mirror/<owner>+<name>/repo`` by default) at the commits below; no text of theirs is stored here.

What is drawn from: as in the thirteenth to sixteenth sets (every page at its commit, sorted by path, non-ASCII
paths included; pages titled as a national law or regulation skipped; paragraphs of 15-300 characters, at least
half CJK, on exactly one page of the round's sources' pages, no verbatim copy of a paragraph of ``../shared``),
no paragraph whose sha1 is that of a row of any reading of the eighth to sixteenth sets' files, and in the second
round no paragraph that the first round's pages also hold (:func:`nlp.external_draw.second_pool`). ``register``
is read from the page title; ``group`` is the source site.

Word searches ``h17_*`` for every theme and the guide's traps (the twelfth set's patterns and counts), then
``h17_random`` random paragraphs (:data:`RANDOM`); then, on the second round's pool shuffled with the same seed,
the same searches ``h17_b_*`` capped at 4 each and ``h17_b_random`` (:data:`LATER`); at most :data:`PER_PAGE` per
page per search. The second round was added after the first round's 250 candidates had been read (the first
round's rows are the same with or without it). No tagger, model or rule matcher is run: the candidates (with
their text) go to OUT for the annotator, who labels each by ``docs/labelling-guide.md``.
"""

from __future__ import annotations

import re

from nlp import draw_heldout12, draw_heldout16, external_draw, labels
from nlp.external_draw import Source
from nlp.heldout_draw import Draw

#: (repository, commit, group): the saved sites drawn from
SOURCES: tuple[Source, ...] = (
    ("duanlitingq/taiyuanzhan", "931954a71c48d72a5819b47f8b3986dc611c00db", "阳泉市总工会网站"),
    ("WinstonYa/Public-welfare-system", "b7e7c5f57ad4241029d429b69dbaf276cb89b2e3", "监利市12316三农服务平台"),
    ("henryxia189/luyangweiminfuwu", "2b3c273ecad526866e93b82d63c80e28bee01988", "庐阳为民服务平台原型"),
)
#: the twelfth set's searches, renamed
DRAWS: tuple[Draw, ...] = tuple(
    (name.replace("h12_", "h17_"), pattern, count, exclude) for name, pattern, count, exclude in draw_heldout12.DRAWS
)
RANDOM = 200
#: the second round's sites: JSP templates of local public bodies' sites and systems, whose text is HTML
SOURCES_B: tuple[Source, ...] = (
    ("JackWuChengHao/weixinqunzhushou", "1cc8e7b94ed894da523c02ec0b0e23d65ed930b0", "江苏村(社区)法律顾问微信群助手"),
    ("jiangbo578/bosun_shuichang", "f08360d04be112a22e842f413fb5be12f9274dd6", "嘉定区社区综合信息管理系统"),
    ("micklq/jiangeplatform", "550cfaa58354ef28b60b49e2899272f4193329b2", "剑阁县网格化管理平台"),
    ("networkboy/Residential-property", "9f1e25f628d64e54f38a69310399469420a06de6", "小区物业网站"),
)
#: the pages the second round reads: ``.jsp`` as well as the saved pages
PAGES_B = re.compile(r"\.(?:s?html?|jsp)$", re.I)
#: the second round: the twelfth set's searches, renamed and capped, then random paragraphs (a search that
#: matches every paragraph, in the seeded order)
LATER: tuple[Draw, ...] = tuple(
    (name.replace("h12_", "h17_b_"), pattern, min(count, 4), exclude)
    for name, pattern, count, exclude in draw_heldout12.DRAWS
) + (("h17_b_random", ".", 26, ""),)
#: at most this many paragraphs per page per search
PER_PAGE = 12


def _earlier_label_sha1s() -> set[str]:
    """The sha1 of every row of every reading of the eighth to sixteenth sets: the sixteenth draw's, and the
    sixteenth file."""
    return draw_heldout16._earlier_label_sha1s() | external_draw.label_sha1s((labels.HELDOUT16_FILE,))


def draw(
    seed: int, draws: tuple[Draw, ...] = DRAWS, random_count: int = RANDOM, later: tuple[Draw, ...] = LATER
) -> list[dict]:
    """The candidates: ``draws``, then ``random_count`` random paragraphs of :data:`SOURCES`, then ``later`` on
    the pool of :data:`SOURCES_B` (its own, shuffled with the same seed: the second round only adds rows)."""
    earlier = _earlier_label_sha1s()
    pool = external_draw.build_pool(SOURCES, earlier_sha1s=earlier, unquoted=True)
    pool_b = external_draw.second_pool(SOURCES, SOURCES_B, earlier, unquoted=True, pattern=PAGES_B) if later else None
    return external_draw.draw_rounds(
        seed, pool, draws, "h17_random", random_count, later, later_pool=pool_b, per_page=PER_PAGE
    )


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout17", 1717, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
