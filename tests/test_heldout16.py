"""The sixteenth held-out label set (issue 16, session i16au): paragraphs of the saved pages of a repository of an
account that no earlier draw or extraction page set names (a school's site), drawn weighted towards the
``local_report`` and ``local_policy`` registers.

Built as the eighth to fifteenth (``tests/heldout_sites.py`` holds the checks they share). The file's structure is
checked always, and that it shares no paragraph, no page and no repository (nor any account) with the eighth to
fifteenth sets' draws, every reading of their files included, or with the extraction page sets. Its references are
resolved (sha1 checked) and the draw is re-run when the source repositories' snapshots are on this machine
(``../.mirror/<owner>+<name>/repo``), and skipped with the missing ones named otherwise. Nothing here runs a tagger
on the paragraphs.
"""

from __future__ import annotations

from collections import Counter

import pytest
from heldout_sites import (
    check_documented_form,
    check_no_page_set_shares_an_account,
    check_nothing_shared_with_earlier_sets,
    check_draw_reproduces,
    check_every_paragraph_resolves,
    missing_snapshots,
)

from nlp.draw_heldout16 import SOURCES
from nlp.labels import (
    HELDOUT16_FILE,
    labels_available,
    read_label_rows,
)

ROWS = read_label_rows(HELDOUT16_FILE)
MISSING = missing_snapshots(SOURCES)


#: the page sets on main when this file was drawn (1 to 26; set 27 is not drawn yet): every one is checked, and
#: :func:`test_no_page_set_shares_the_account` checks the later ones when they come
LAST_PAGE_SET_BEFORE = 26


def test_no_page_set_shares_the_account():
    """No page set, drawn before this file or after it, names this file's account."""
    check_no_page_set_shares_an_account(SOURCES)


def test_heldout16_rows_have_the_documented_form():
    # README: 250-320 paragraphs of 1 repository, 3 themes with 5 or more positives, most rows with none
    check_documented_form(
        HELDOUT16_FILE, ROWS, SOURCES, (250, 320), ("h16_",), min_repos=1, min_averaged=3, min_negatives=150
    )


def test_heldout16_is_weighted_towards_reports_and_policies():
    # README: the report register, 7-12 rows in each earlier set, has 56 here; news is the smallest register
    registers = Counter(r["register"] for r in ROWS)
    assert registers["local_report"] >= 50
    assert registers["local_news"] < registers["local_report"] < registers["local_policy"]


def test_heldout16_shares_no_paragraph_page_or_account_with_an_earlier_set():
    check_nothing_shared_with_earlier_sets(16, ROWS, SOURCES, LAST_PAGE_SET_BEFORE)


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout16_paragraph_resolves_with_its_sha1():
    check_every_paragraph_resolves(HELDOUT16_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout16_draw_reproduces_the_file():
    from nlp.draw_heldout16 import draw

    check_draw_reproduces(draw, 1716, ROWS)
