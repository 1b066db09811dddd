"""The ninth held-out label set (issue 16, session i16ab): paragraphs of saved web pages outside ../shared.

Built as the eighth (``tests/test_heldout8.py`` checks the page reader; ``tests/heldout_sites.py``
holds the checks the two share). The file's structure is checked always; its references are resolved
(sha1 checked) and the draw is re-run when the source repositories' snapshots are on this machine
(``../.mirror/<owner>+<name>/repo``), and skipped with the missing ones named otherwise. Nothing here
runs a tagger on the paragraphs.
"""

from __future__ import annotations

import pytest
from heldout_sites import (
    check_documented_form,
    check_draw_reproduces,
    check_every_paragraph_resolves,
    missing_snapshots,
)

from nlp.draw_heldout9 import SOURCES, SOURCES_B
from nlp.labels import HELDOUT8_FILE, HELDOUT9_FILE, labels_available, read_label_rows

ROWS = read_label_rows(HELDOUT9_FILE)
ALL_SOURCES = (*SOURCES, *SOURCES_B)
MISSING = missing_snapshots(ALL_SOURCES)


def test_heldout9_rows_have_the_documented_form():
    check_documented_form(HELDOUT9_FILE, ROWS, ALL_SOURCES, (350, 450), ("h9_", "h9b_"), min_repos=5)
    second_round = {repo for repo, _, _ in SOURCES_B}
    assert all(r["drawn_by"].startswith("h9b_") == (r["repo"] in second_round) for r in ROWS)
    assert sum(1 for r in ROWS if r["drawn_by"] == "h9_random") == 60


def test_heldout9_uses_no_repository_or_paragraph_of_the_eighth_set():
    eighth = read_label_rows(HELDOUT8_FILE)
    assert not {r["repo"] for r in eighth} & {r["repo"] for r in ROWS}
    assert not {r["sha1"] for r in eighth} & {r["sha1"] for r in ROWS}


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout9_paragraph_resolves_with_its_sha1():
    check_every_paragraph_resolves(HELDOUT9_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout9_draw_reproduces_the_file():
    from nlp.draw_heldout9 import draw

    check_draw_reproduces(draw, 1709, ROWS)
