"""The eighteenth held-out label set (issue 16, session i16ay): paragraphs of the pages of public bodies' sites and
services (``.html`` pages and ``.jsp`` templates) of repositories of accounts that no earlier draw or extraction
page set names, at most 60 rows per repository.

Built as the eighth to seventeenth (``tests/heldout_sites.py`` holds the checks they share). The file's structure
is checked always, and that it shares no paragraph, no page and no repository (nor any account) with the eighth to
seventeenth sets' draws, every reading of their files included, or with the extraction page sets. Its references
are resolved (sha1 checked) and the draw is re-run when the source repositories' snapshots are on this machine
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

from nlp import draw_heldout18, external_draw
from nlp.draw_heldout18 import PER_REPO, SOURCES
from nlp.labels import HELDOUT18_FILE, labels_available, read_label_rows

ROWS = read_label_rows(HELDOUT18_FILE)
MISSING = missing_snapshots(SOURCES)

#: the page sets on main when this file was drawn (1 to 27): every one is checked, and
#: :func:`test_no_page_set_shares_an_account` checks the later ones when they come
LAST_PAGE_SET_BEFORE = 27


def test_no_page_set_shares_an_account():
    """No page set, drawn before this file or after it, names one of this file's accounts."""
    check_no_page_set_shares_an_account(SOURCES)


def test_heldout18_rows_have_the_documented_form():
    # README: 256 paragraphs of 6 repositories, 5 themes with 5 or more positives, most rows with none
    check_documented_form(
        HELDOUT18_FILE, ROWS, SOURCES, (180, 320), ("h18_",), min_repos=6, min_averaged=5, min_negatives=180
    )


def test_heldout18_takes_at_most_60_rows_of_a_repository_in_the_sources_order():
    # README: 60 rows each of the traffic-police, poverty-alleviation and online-hall sites, 33, 29 and 14 of the rest
    per_repo = Counter(r["repo"] for r in ROWS)
    assert max(per_repo.values()) <= PER_REPO == 60
    order = [repo for repo, _, _ in SOURCES]
    assert [r["repo"] for r in ROWS] == sorted((r["repo"] for r in ROWS), key=order.index)
    assert all(r["path"].endswith((".htm", ".html", ".shtml", ".jsp")) for r in ROWS)


def test_heldout18_shares_no_paragraph_page_or_account_with_an_earlier_set():
    check_nothing_shared_with_earlier_sets(18, ROWS, SOURCES, LAST_PAGE_SET_BEFORE)


def test_the_per_repository_cap_fills_with_random_rows_after_the_searches(monkeypatch):
    """On a made-up pool: every repository's rows come from its own part, the searches first, then random rows
    up to the cap; a repository with fewer eligible paragraphs gives them all."""
    sources = (("a/one", "c1", "A"), ("b/two", "c2", "B"))

    def item(repo: str, i: int, text: str) -> dict:
        return {
            "repo": repo,
            "commit": "c",
            "path": f"p{i % 3}.html",
            "title": "t",
            "para_index": i,
            "text": text,
            "register": "local_news",
            "group": repo,
            "previous": "",
        }

    pool = [item("a/one", i, f"网格员第{i}次走访") for i in range(5)] + [
        item("a/one", i, f"其他文字{i}") for i in range(5, 30)
    ]
    pool += [item("b/two", i, f"其他内容{i}") for i in range(4)]
    monkeypatch.setattr(draw_heldout18, "SOURCES", sources)
    monkeypatch.setattr(draw_heldout18, "_earlier_label_sha1s", lambda: set())
    monkeypatch.setattr(external_draw, "build_pool", lambda *a, **k: [dict(x) for x in pool])
    draws = (("h18_grid_management", r"网格", 4, ""),)
    rows = draw_heldout18.draw(7, draws=draws, per_repo=10)
    assert Counter(r["repo"] for r in rows) == {"a/one": 10, "b/two": 4}
    a_rows = [r for r in rows if r["repo"] == "a/one"]
    assert [r["drawn_by"] for r in a_rows] == ["h18_grid_management"] * 4 + ["h18_random"] * 6
    assert rows == draw_heldout18.draw(7, draws=draws, per_repo=10)


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout18_paragraph_resolves_with_its_sha1():
    check_every_paragraph_resolves(HELDOUT18_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout18_draw_reproduces_the_file():
    from nlp.draw_heldout18 import draw

    check_draw_reproduces(draw, 1718, ROWS)
