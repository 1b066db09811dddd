"""Draw the paragraphs of the sixteenth held-out label set (``tests/data/theme_labels_heldout16.jsonl``).

    .venv/bin/python -m nlp.draw_heldout16 OUT.jsonl [--seed 1716] [--checkout owner/name=PATH ...]

Built as the fifteenth set (:mod:`nlp.draw_heldout15`, the procedure of :mod:`nlp.external_draw` with
``unquoted`` listing), aimed at the register the earlier sets were thinnest on, ``local_report`` (summaries,
reports, 述职报告, 经验 materials: 7-12 paragraphs per earlier set), from the one repository found whose account no
earlier draw or extraction page set (``bench/data/extract_pages*.json``) names and which holds report- and
policy-titled pages as readable ``.html`` text (:data:`SOURCES`): a crawl of the 绍兴市第一中学 site
(``tangyixiao/Shaoxingyizhong``, MIT): its 党政办 notices and work plans (工作方案, 考核方案, 行事历, 通知), a page of
the school leaders' annual 述职报告, the 学习专栏 study pages (每周一学: central and 浙江 documents, 义乌发展经验) and the
安全处/德育处 pages (平安校园, 安全教育, 心理健康). The search for collections of local reports as text (公文 范文
folders, writing-assistant samples, policy-text corpora, RAG knowledge bases with 典型案例) found none whose files
are in a snapshot here (see the report of session i16au and README): the gap is narrowed, not closed. The pages are
read by the fixed reader of :mod:`nlp.external_docs` from the snapshot (``../.mirror/<owner>+<name>/repo`` by
default) at the commit below; no text of theirs is stored in this repository.

What is drawn from: as in the thirteenth to fifteenth sets (every ``.htm``/``.html``/``.shtml`` page at its commit,
sorted by path, non-ASCII paths included; pages titled as a national law or regulation skipped; paragraphs of
15-300 characters, at least half CJK, on exactly one page of the source's pages, no verbatim copy of a paragraph of
``../shared``), and no paragraph whose sha1 is that of a row of any reading of the eighth to fifteenth sets' files.
``register`` is read from the page title; ``group`` is the source site.

Weighting towards the report and policy registers: the pool is shuffled with the seed, then stably ordered by
register (``local_report``, then ``local_policy``, then ``local_news``), so that each word search takes report
paragraphs first, then policy paragraphs. Word searches ``h16_*`` for every theme and the guide's traps (the twelfth
set's patterns, :data:`DRAWS`, with counts of their own), at most :data:`PER_PAGE` per page per search; then random
paragraphs per register (``h16_random_report``, ``h16_random_policy``, ``h16_random_news``, :data:`RANDOM`) in the
seeded order, at most :data:`PER_PAGE` per page. No tagger, model or rule matcher is run: the candidates (with
their text) go to OUT for the annotator, who labels each by ``docs/labelling-guide.md``.
"""

from __future__ import annotations

import random
import re

from nlp import draw_heldout12, draw_heldout15, external_draw, labels
from nlp.external_draw import Source
from nlp.heldout_draw import Draw

#: (repository, commit, group): the saved site drawn from
SOURCES: tuple[Source, ...] = (
    ("tangyixiao/Shaoxingyizhong", "a73197e4a216b404e2b864f258c4c9b653dba4c8", "绍兴市第一中学网站"),
)
#: how many each of the twelfth set's searches takes here (renamed ``h16_*``); the site is one school's, so the
#: governance themes' searches find few paragraphs and the counts cap what the frequent school words would fill
COUNTS: dict[str, int] = {
    "fengqiao": 8,
    "grid_management": 6,
    "three_governance": 10,
    "support_guarantee": 16,
    "dispute_resolution": 8,
    "public_services": 8,
    "smart_governance": 12,
    "public_security": 16,
    "psychological_services": 12,
    "rule_of_law": 12,
    "party_building": 16,
    "special_groups": 10,
    "social_participation": 12,
    "risk_prevention": 14,
    "trap_budget": 8,
    "trap_other": 8,
}
DRAWS: tuple[Draw, ...] = tuple(
    (name.replace("h12_", "h16_"), pattern, COUNTS[name.removeprefix("h12_")], exclude)
    for name, pattern, _, exclude in draw_heldout12.DRAWS
)
#: random paragraphs per register, after the searches, in the seeded order
RANDOM: tuple[tuple[str, str, int], ...] = (
    ("h16_random_report", "local_report", 30),
    ("h16_random_policy", "local_policy", 40),
    ("h16_random_news", "local_news", 30),
)
#: at most this many paragraphs per page per search (the 述职报告 page alone holds most report paragraphs)
PER_PAGE = 4
_ORDER = {"local_report": 0, "local_policy": 1, "local_news": 2}


def _earlier_label_sha1s() -> set[str]:
    """The sha1 of every row of every reading (first, reader 2, adjudicated) of the eighth to fifteenth sets:
    the fifteenth draw's, and the fifteenth's three readings."""
    fifteenth = (labels.HELDOUT15_FILE, labels.HELDOUT15_READER2_FILE, labels.HELDOUT15_ADJUDICATED_FILE)
    return draw_heldout15._earlier_label_sha1s() | external_draw.label_sha1s(fifteenth)


def _take(item: dict, chosen: set, per_doc: dict) -> bool:
    """Take ``item`` unless it was taken or its page gave :data:`PER_PAGE` paragraphs to this round."""
    key = (item["repo"], item["path"], item["para_index"])
    doc = (item["repo"], item["path"])
    if key in chosen or per_doc.get(doc, 0) >= PER_PAGE:
        return False
    per_doc[doc] = per_doc.get(doc, 0) + 1
    chosen.add(key)
    return True


def draw(seed: int, draws: tuple[Draw, ...] = DRAWS, randoms: tuple[tuple[str, str, int], ...] = RANDOM) -> list[dict]:
    """The candidates: ``draws`` on the register-ordered pool, then the random paragraphs per register."""
    pool = external_draw.build_pool(SOURCES, earlier_sha1s=_earlier_label_sha1s(), unquoted=True)
    random.Random(seed).shuffle(pool)
    pool.sort(key=lambda item: _ORDER[item["register"]])  # stable: the seeded order within each register
    chosen: set[tuple[str, str, int]] = set()
    rows: list[dict] = []
    for name, pattern, count, exclude in draws:
        rx, ex = re.compile(pattern), re.compile(exclude) if exclude else None
        per_doc: dict[tuple[str, str], int] = {}
        n = 0
        for item in pool:
            if n >= count:
                break
            if rx.search(item["text"]) and not (ex and ex.search(item["text"])) and _take(item, chosen, per_doc):
                rows.append(external_draw.candidate(item, name))
                n += 1
    for name, register, count in randoms:
        per_doc = {}
        n = 0
        for item in pool:
            if n >= count:
                break
            if item["register"] == register and _take(item, chosen, per_doc):
                rows.append(external_draw.candidate(item, name))
                n += 1
    return rows


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout16", 1716, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
