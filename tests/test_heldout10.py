"""The tenth held-out label set (issue 16, session i16ag): paragraphs of saved web pages outside ../shared.

Built as the eighth and ninth (``tests/heldout_sites.py`` holds the checks they share). The file's
structure is checked always, and that it shares no repository and no paragraph with the eighth or
ninth set (their models may train on those; this file is their fresh test). Its references are
resolved (sha1 checked) and the draw is re-run when the source repositories' snapshots are on this
machine (``../.mirror/<owner>+<name>/repo``), and skipped with the missing ones named otherwise.
Nothing here runs a tagger on the paragraphs.
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

from nlp.draw_heldout10 import SOURCES
from nlp.labels import (
    HELDOUT10_FILE,
    labels_available,
    read_label_rows,
)

ROWS = read_label_rows(HELDOUT10_FILE)
MISSING = missing_snapshots(SOURCES)


def test_heldout10_rows_have_the_documented_form():
    check_documented_form(HELDOUT10_FILE, ROWS, SOURCES, (300, 450), ("h10_",), min_repos=5)
    assert sum(1 for r in ROWS if r["drawn_by"] == "h10_random") == 60


def test_heldout10_uses_no_repository_or_paragraph_of_the_eighth_or_ninth_set():
    earlier = earlier_rows(10)
    assert not {r["repo"] for r in earlier} & {r["repo"] for r in ROWS}
    assert not {r["sha1"] for r in earlier} & {r["sha1"] for r in ROWS}


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout10_paragraph_resolves_with_its_sha1():
    check_every_paragraph_resolves(HELDOUT10_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout10_draw_reproduces_the_file():
    from nlp.draw_heldout10 import draw

    check_draw_reproduces(draw, 1710, ROWS)
