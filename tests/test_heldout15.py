"""The fifteenth held-out label set (issue 16, session i16as): paragraphs of saved pages of repositories of accounts
that no earlier draw or extraction page set names (Party-building, community and charity sites and prototypes).

Built as the eighth to fourteenth (``tests/heldout_sites.py`` holds the checks they share). The file's structure is
checked always, and that it shares no paragraph, no page and no repository (nor any account) with the eighth to
fourteenth sets' draws, every reading of their files included, or with the extraction page sets. Its references are
resolved (sha1 checked) and the draw is re-run when the source repositories' snapshots are on this machine
(``../.mirror/<owner>+<name>/repo``), and skipped with the missing ones named otherwise. Nothing here runs a tagger
on the paragraphs.
"""

from __future__ import annotations


import pytest
from heldout_sites import (
    draw_repos,
    page_set_repos,
    check_documented_form,
    check_draw_reproduces,
    check_every_paragraph_resolves,
    earlier_rows,
    missing_snapshots,
)

from nlp.draw_heldout15 import SOURCES
from nlp.labels import (
    HELDOUT15_FILE,
    labels_available,
    read_label_rows,
)

ROWS = read_label_rows(HELDOUT15_FILE)
MISSING = missing_snapshots(SOURCES)


#: the last page set drawn before this file. Page set 25 (i19an), drawn minutes after it from a main without it,
#: reuses one of its repositories, Jason767445898/dangjianweb.github.io, two pages of it (index.html,
#: countrynews.html) among them: a page set labels page structure for the extractor, not themes for the
#: tagger, as the eleventh set's sources shared with page sets do, and each set was read once by its system
#: only
LAST_PAGE_SET_BEFORE = 24


def test_the_one_account_a_later_page_set_shares_is_known():
    """Page sets drawn after this file share no account with it but set 25's Jason767445898."""
    later = {repo.split("/")[0].lower() for repo in page_set_repos(10**6) - page_set_repos(LAST_PAGE_SET_BEFORE)}
    assert {repo.split("/")[0].lower() for repo, _, _ in SOURCES} & later == {"jason767445898"}


def test_heldout15_rows_have_the_documented_form():
    # README: 250-400 paragraphs of 9 repositories, 3 themes with 5 or more positives, most rows with none
    check_documented_form(
        HELDOUT15_FILE, ROWS, SOURCES, (250, 400), ("h15_",), min_repos=9, min_averaged=3, min_negatives=200
    )


def test_heldout15_shares_no_paragraph_page_or_account_with_an_earlier_set():
    earlier = earlier_rows(15)
    assert not {r["sha1"] for r in earlier} & {r["sha1"] for r in ROWS}
    assert not {(r["repo"], r["path"]) for r in earlier} & {(r["repo"], r["path"]) for r in ROWS}
    # no source's account is one an earlier draw or a page set names
    accounts = {repo.split("/")[0].lower() for repo in draw_repos(8, 14) | page_set_repos(LAST_PAGE_SET_BEFORE)}
    assert accounts  # the earlier draws are importable and the page sets were read
    assert not {repo.split("/")[0].lower() for repo, _, _ in SOURCES} & accounts


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout15_paragraph_resolves_with_its_sha1():
    check_every_paragraph_resolves(HELDOUT15_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout15_draw_reproduces_the_file():
    from nlp.draw_heldout15 import draw

    check_draw_reproduces(draw, 1715, ROWS)
