"""The twelfth held-out label set (issue 16, session i16al): paragraphs of saved public-body web pages.

Built as the eighth to eleventh (``tests/heldout_sites.py`` holds the checks they share). The file's
structure is checked always, and that it shares no repository and no paragraph with the eighth to
eleventh sets and reads no source of their draws. Its references are resolved (sha1 checked) and the
draw is re-run when the source repositories' snapshots are on this machine
(``../.mirror/<owner>+<name>/repo``), and skipped with the missing ones named otherwise. Nothing here
runs a tagger on the paragraphs.
"""

from __future__ import annotations

import pytest
from heldout_sites import (
    check_documented_form,
    check_draw_reproduces,
    check_every_paragraph_resolves,
    earlier_rows,
    missing_snapshots,
)

from nlp.draw_heldout12 import SOURCES
from nlp.labels import (
    HELDOUT12_FILE,
    labels_available,
    read_label_rows,
)

ROWS = read_label_rows(HELDOUT12_FILE)
MISSING = missing_snapshots(SOURCES)


def test_heldout12_rows_have_the_documented_form():
    # a thin set (README): 2 themes with 5 or more positives, at least 150 paragraphs with none
    check_documented_form(
        HELDOUT12_FILE, ROWS, SOURCES, (200, 350), ("h12_",), min_repos=4, min_averaged=2, min_negatives=150
    )
    assert sum(1 for r in ROWS if r["drawn_by"] == "h12_random") == 60


def test_heldout12_uses_no_repository_or_paragraph_of_the_eighth_to_eleventh_set():
    earlier = earlier_rows(12)
    assert not {r["repo"] for r in earlier} & {r["repo"] for r in ROWS}
    assert not {r["sha1"] for r in earlier} & {r["sha1"] for r in ROWS}
    # nor a source those draws read (a source may give no row)
    from nlp import draw_heldout8, draw_heldout9, draw_heldout10, draw_heldout11

    read = (
        *draw_heldout8.SOURCES,
        *draw_heldout9.SOURCES,
        *draw_heldout9.SOURCES_B,
        *draw_heldout10.SOURCES,
        *draw_heldout11.SOURCES,
        *draw_heldout11.SOURCES_B,
    )
    assert not {repo for repo, _, _ in read} & {repo for repo, _, _ in SOURCES}


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout12_paragraph_resolves_with_its_sha1():
    check_every_paragraph_resolves(HELDOUT12_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout12_draw_reproduces_the_file():
    from nlp.draw_heldout12 import draw

    check_draw_reproduces(draw, 1712, ROWS)
