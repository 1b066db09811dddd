"""Draw the paragraphs of the fourteenth held-out label set (``tests/data/theme_labels_heldout14.jsonl``).

    .venv/bin/python -m nlp.draw_heldout14 OUT.jsonl [--seed 1714] [--checkout owner/name=PATH ...]

Built as the thirteenth set (:mod:`nlp.draw_heldout13`, the procedure of :mod:`nlp.external_draw`
with ``unquoted`` listing), from the pages that the eighth to twelfth draws could not see: pages
whose path has non-ASCII (Chinese) characters, which git quotes and the earlier listing dropped.
Only such pages are drawn from (:data:`SOURCES`; a page with an ASCII path is never a candidate,
so a repository that an earlier set drew from gives no page it gave before): the statistics
bureaus' 国民经济和社会发展统计公报 saved in ``SimonXinw/job`` (江西省, 宜春市, 万载县), the
杭州 江干区 science-and-technology market build carrying 科技局 / 科技厅 notices
(``cuicui2233/kejiju``), two 邯郸 government portal templates filled with real items
(``uudiv/ctqrmzf``, 峰峰矿区; ``uudiv/wuan-gov-cn``, 武安市; both gave the twelfth set pages
with ASCII paths), the 河北 government-procurement site's award-notice page
(``Hbjiance/http-www.ccgp-hebei.gov.cn-``) and the forestry bureau's policy-file pages of
``dklyj/dklyj.github.io`` (a source of an earlier set through its ASCII pages). They are read by
the fixed reader of :mod:`nlp.external_docs` from their snapshots (``../.mirror/<owner>+<name>/repo``
by default) at the commits below; no text of theirs is stored in this repository.

What is drawn from: as in the thirteenth set (every ``.htm``/``.html``/``.shtml`` page at its
commit, sorted by path, non-ASCII paths included; pages titled as a national law or regulation
skipped; paragraphs of 15-300 characters, at least half CJK, on exactly one page of all the
sources' pages, no verbatim copy of a paragraph of ``../shared``), no paragraph whose sha1 is that
of a row of the eighth to thirteenth sets' files, and then only paragraphs of pages whose path
has a non-ASCII character. ``register`` is read from the page title; ``group`` is the source site.

Word searches ``h14_*`` for every theme (the twelfth set's patterns), then ``h14_random`` random
paragraphs (:data:`RANDOM`); at most ``PER_PAGE`` per page per search. No tagger, model or rule
matcher is run: the candidates (with their text) go to OUT for the annotator, who labels each by
``docs/labelling-guide.md``.
"""

from __future__ import annotations

from nlp import draw_heldout12, draw_heldout13, external_draw
from nlp.external_draw import Source
from nlp.heldout_draw import Draw
from nlp.labels import HELDOUT13_FILE

#: (repository, commit, group): the saved sites drawn from (their non-ASCII-path pages only)
SOURCES: tuple[Source, ...] = (
    ("Hbjiance/http-www.ccgp-hebei.gov.cn-", "1749b583f4c46166e59eebe28478056471211237", "河北省政府采购网"),
    ("SimonXinw/job", "1c8bd6a0e984dab1a8a19918200ea1b1ef87fe47", "统计公报（江西省、宜春市、万载县）"),
    ("cuicui2233/kejiju", "bb01bb44be49fb487075c49a5050e7165483fb7a", "江干区科技大市场"),
    ("dklyj/dklyj.github.io", "52b348cdf6570c59f281b9f7470901dd647b56da", "林业局政策文件"),
    ("uudiv/ctqrmzf", "2d4a95d7bab5b618bfb7479f045ff70e433628a8", "峰峰矿区人民政府"),
    ("uudiv/wuan-gov-cn", "251d915aa8833dd25ab0d61bf5de238ff646d756", "武安市人民政府"),
    ("yowon/app_hmcqk", "3e7c23801d9dce959b2b89d9de65c33e7d77b786", "磁器口街道（和美磁器口APP）"),
)
#: the twelfth set's searches, renamed
DRAWS: tuple[Draw, ...] = tuple(
    (name.replace("h12_", "h14_"), pattern, count, exclude) for name, pattern, count, exclude in draw_heldout12.DRAWS
)
RANDOM = 200
#: at most this many paragraphs per page per search
PER_PAGE = 400


def _non_ascii(path: str) -> bool:
    return any(ord(ch) > 127 for ch in path)


def _earlier_label_sha1s() -> set[str]:
    """The sha1 of every row of the eighth to thirteenth sets' files."""
    return draw_heldout13._earlier_label_sha1s() | external_draw.label_sha1s((HELDOUT13_FILE,))


def draw(seed: int, draws: tuple[Draw, ...] = DRAWS, random_count: int = RANDOM) -> list[dict]:
    """The candidates: ``draws``, then ``random_count`` random paragraphs of :data:`SOURCES`' non-ASCII-path pages."""
    pool = external_draw.build_pool(SOURCES, earlier_sha1s=_earlier_label_sha1s(), unquoted=True)
    pool = [item for item in pool if _non_ascii(item["path"])]
    return external_draw.draw_rounds(seed, pool, draws, "h14_random", random_count, per_page=PER_PAGE)


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout14", 1714, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
