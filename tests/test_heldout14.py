"""The fourteenth held-out label set (issue 16, session i16ap): paragraphs of saved pages whose path has
non-ASCII (Chinese) characters, which the eighth to twelfth draws' page listing dropped.

Built as the eighth to thirteenth (``tests/heldout_sites.py`` holds the checks they share). The file's
structure is checked always, and that it shares no paragraph and no page with the eighth to thirteenth
sets: every row is on a page with a non-ASCII path, so a repository an earlier draw read (three of its
seven) gives only pages that draw could not list. Its references are resolved (sha1 checked) and the
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

from nlp.draw_heldout14 import SOURCES
from nlp.labels import (
    HELDOUT14_FILE,
    labels_available,
    read_label_rows,
)

ROWS = read_label_rows(HELDOUT14_FILE)
MISSING = missing_snapshots(SOURCES)


def _non_ascii(path: str) -> bool:
    return any(ord(ch) > 127 for ch in path)


def test_heldout14_rows_have_the_documented_form():
    # README: 250-400 paragraphs of 7 repositories, 4 themes with 5 or more positives, most rows with none
    check_documented_form(
        HELDOUT14_FILE, ROWS, SOURCES, (250, 400), ("h14_",), min_repos=7, min_averaged=4, min_negatives=250
    )


def test_heldout14_rows_are_all_on_pages_with_non_ascii_paths():
    assert all(_non_ascii(r["path"]) for r in ROWS)


def test_heldout14_shares_no_paragraph_or_page_with_an_earlier_set():
    earlier = earlier_rows(14)
    assert not {r["sha1"] for r in earlier} & {r["sha1"] for r in ROWS}
    assert not {(r["repo"], r["path"]) for r in earlier} & {(r["repo"], r["path"]) for r in ROWS}
    # a repository an earlier draw read gives only pages that draw's (quoted) listing could not see
    from nlp import draw_heldout8, draw_heldout9, draw_heldout10, draw_heldout11, draw_heldout12, draw_heldout13

    read = {
        repo
        for repo, _, _ in (
            *draw_heldout8.SOURCES,
            *draw_heldout9.SOURCES,
            *draw_heldout9.SOURCES_B,
            *draw_heldout10.SOURCES,
            *draw_heldout11.SOURCES,
            *draw_heldout11.SOURCES_B,
            *draw_heldout12.SOURCES,
            *draw_heldout13.SOURCES,
        )
    }
    assert not {repo for repo, _, _ in draw_heldout13.SOURCES} & {repo for repo, _, _ in SOURCES}
    for row in ROWS:
        if row["repo"] in read:
            assert _non_ascii(row["path"]), row


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout14_paragraph_resolves_with_its_sha1():
    check_every_paragraph_resolves(HELDOUT14_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout14_draw_reproduces_the_file():
    from nlp.draw_heldout14 import draw

    check_draw_reproduces(draw, 1714, ROWS)
