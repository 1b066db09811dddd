"""Draw the paragraphs of the thirteenth held-out label set (``tests/data/theme_labels_heldout13.jsonl``).

    .venv/bin/python -m nlp.draw_heldout13 OUT.jsonl [--seed 1713] [--checkout owner/name=PATH ...]

Built as the eighth to twelfth sets (:mod:`nlp.draw_heldout12`, the procedure of
:mod:`nlp.external_draw`), from saved pages that no theme-label file, earlier draw or extraction page
set (``bench/data/extract_pages*.json``) uses (:data:`SOURCES`): the saved pages of the Chengdu
justice bureau's site kept as the interface prototypes of a student project
(``xumenger/xumenger.github.shit``, under a path with Chinese characters that the earlier draws'
listing could not see), and single saved pages of state news sites (光明网, 新华网), a youth-talent
magazine and three universities' sites. The search for saved sites of 政法, 综治, 司法行政, 民政,
信访, street-office or emergency-management bodies found no other repository that is unused, has a
snapshot and holds pages (see the report of session i16ao); the set is therefore small and thin.
They are read by the fixed reader of :mod:`nlp.external_docs` from their snapshots
(``../.mirror/<owner>+<name>/repo`` by default) at the commits below; no text of theirs is stored
in this repository.

What is drawn from: as in the eighth to twelfth sets (every ``.htm``/``.html``/``.shtml`` page at
its commit, sorted by path, now including paths with non-ASCII characters (``unquoted``); pages
titled as a national law or regulation skipped; paragraphs of 15-300 characters, at least half CJK,
on exactly one page of all the sources, no verbatim copy of a paragraph of ``../shared``), and no
paragraph whose sha1 is that of a row of the eighth to twelfth sets' files. ``register`` is read
from the page title; ``group`` is the source site.

Word searches ``h13_*`` for every theme (the twelfth set's patterns), then ``h13_random`` random
paragraphs up to the whole pool (it is small: every eligible paragraph is drawn); at most
``PER_PAGE`` (400) per page per search. No tagger, model or rule matcher is run: the candidates
(with their text) go to OUT for the annotator, who labels each by ``docs/labelling-guide.md``.
"""

from __future__ import annotations

from nlp import draw_heldout12, external_draw
from nlp.external_draw import Source
from nlp.heldout_draw import Draw
from nlp.labels import HELDOUT12_FILE

#: (repository, commit, group): the saved sites drawn from
SOURCES: tuple[Source, ...] = (
    ("mhxqwer/bzxart.sdnu.edu.cn", "6599e8f4b1f650bfc6443eaf0c97f4445ba5b222", "山东师范大学"),
    ("mhxqwer/djxinhuanet.com", "139b334aa11799a776f458751fbf52b595e5a7e2", "新华网"),
    ("mhxqwer/ljynews.gmw.cn", "dd565224b739c6ad9ebdfb065884d94c387117c1", "光明网"),
    ("mhxqwer/mhwww.zhyc.com.cn", "ec4fc41decdde88dee23c8442fb328a9991058a2", "中华英才网"),
    ("mhxqwer/nzwart.ruc.edu.cn", "6dbdd32e292f6bca4cd9a37f10881dfa90122649", "中国人民大学"),
    ("mhxqwer/qjphnust.edu.cn", "9bf3c9c6db5d818b5cdaa2407725f5a028df5cc5", "湖南科技大学"),
    ("mhxqwer/ymnews.cn", "9604ff3996f40c86e14d4e059c4e962ed9b727c2", "新华网（转载）"),
    ("xumenger/xumenger.github.shit", "dfb691bcbb10695368522324d6429b7f69f11333", "成都市司法局"),
)
#: the twelfth set's searches, renamed
DRAWS: tuple[Draw, ...] = tuple(
    (name.replace("h12_", "h13_"), pattern, count, exclude) for name, pattern, count, exclude in draw_heldout12.DRAWS
)
RANDOM = 400
#: at most this many paragraphs per page per search (the pool is small and every paragraph is drawn)
PER_PAGE = 400


def _earlier_label_sha1s() -> set[str]:
    """The sha1 of every row of the eighth to twelfth sets' files."""
    return draw_heldout12._earlier_label_sha1s() | external_draw.label_sha1s((HELDOUT12_FILE,))


def draw(seed: int, draws: tuple[Draw, ...] = DRAWS, random_count: int = RANDOM) -> list[dict]:
    """The candidates: ``draws``, then ``random_count`` random paragraphs of :data:`SOURCES`."""
    pool = external_draw.build_pool(SOURCES, earlier_sha1s=_earlier_label_sha1s(), unquoted=True)
    return external_draw.draw_rounds(seed, pool, draws, "h13_random", random_count, per_page=PER_PAGE)


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout13", 1713, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
