"""The eleventh held-out label set (issue 16, session i16ai): paragraphs of saved public-body web pages.

Built as the eighth to tenth (``tests/heldout_sites.py`` holds the checks they share). The file's
structure is checked always, and that it shares no repository and no paragraph with the eighth,
ninth or tenth set (models may train on the eighth and ninth; this file and the tenth are their fresh
tests). Its references are resolved (sha1 checked) and the draw is re-run when the source
repositories' snapshots are on this machine (``../.mirror/<owner>+<name>/repo``), and skipped with
the missing ones named otherwise. Nothing here runs a tagger on the paragraphs.
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

from nlp.draw_heldout11 import SOURCES, SOURCES_B
from nlp.labels import (
    HELDOUT11_FILE,
    labels_available,
    read_label_rows,
)

ROWS = read_label_rows(HELDOUT11_FILE)
ALL_SOURCES = (*SOURCES, *SOURCES_B)
MISSING = missing_snapshots(ALL_SOURCES)


def test_heldout11_rows_have_the_documented_form():
    check_documented_form(HELDOUT11_FILE, ROWS, ALL_SOURCES, (250, 400), ("h11_",), min_repos=5)
    assert sum(1 for r in ROWS if r["drawn_by"] == "h11_random") == 60
    assert {r["repo"] for r in ROWS if r["drawn_by"].startswith("h11_b_")} == {repo for repo, _, _ in SOURCES_B}


def test_heldout11_uses_no_repository_or_paragraph_of_the_eighth_ninth_or_tenth_set():
    earlier = earlier_rows(11)
    assert not {r["repo"] for r in earlier} & {r["repo"] for r in ROWS}
    assert not {r["sha1"] for r in earlier} & {r["sha1"] for r in ROWS}
    # nor a source those draws read (a source may give no row)
    from nlp import draw_heldout8, draw_heldout9, draw_heldout10

    read = (*draw_heldout8.SOURCES, *draw_heldout9.SOURCES, *draw_heldout9.SOURCES_B, *draw_heldout10.SOURCES)
    assert not {repo for repo, _, _ in read} & {repo for repo, _, _ in ALL_SOURCES}


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout11_paragraph_resolves_with_its_sha1():
    check_every_paragraph_resolves(HELDOUT11_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout11_draw_reproduces_the_file():
    from nlp.draw_heldout11 import draw

    check_draw_reproduces(draw, 1711, ROWS)
