"""The seventeenth held-out label set (issue 16, session i16aw): paragraphs of the saved pages of repositories of
accounts that no earlier draw or extraction page set names (local public bodies' sites and systems), a second round
reading their ``.jsp`` templates too.

Built as the eighth to sixteenth (``tests/heldout_sites.py`` holds the checks they share). The file's structure is
checked always, and that it shares no paragraph, no page and no repository (nor any account) with the eighth to
sixteenth sets' draws, every reading of their files included, or with the extraction page sets. Its references are
resolved (sha1 checked) and the draw is re-run when the source repositories' snapshots are on this machine
(``../.mirror/<owner>+<name>/repo``), and skipped with the missing ones named otherwise. Nothing here runs a tagger
on the paragraphs.
"""

from __future__ import annotations

import subprocess
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

from nlp import external_docs
from nlp.draw_heldout17 import PAGES_B, SOURCES, SOURCES_B
from nlp.external_draw import pages
from nlp.labels import HELDOUT17_FILE, labels_available, read_label_rows

ROWS = read_label_rows(HELDOUT17_FILE)
ALL_SOURCES = SOURCES + SOURCES_B
MISSING = missing_snapshots(ALL_SOURCES)

#: the page sets on main when this file was drawn (1 to 26): every one is checked, and
#: :func:`test_no_page_set_shares_an_account` checks the later ones when they come
LAST_PAGE_SET_BEFORE = 26


def test_no_page_set_shares_an_account():
    """No page set, drawn before this file or after it, names one of this file's accounts."""
    check_no_page_set_shares_an_account(ALL_SOURCES)


def test_heldout17_rows_have_the_documented_form():
    # README: 319 paragraphs of 6 repositories, 8 themes with 5 or more positives, most rows with none
    check_documented_form(
        HELDOUT17_FILE, ROWS, ALL_SOURCES, (250, 330), ("h17_",), min_repos=6, min_averaged=8, min_negatives=200
    )


def test_heldout17_second_round_comes_after_the_first_and_reads_the_jsp_templates():
    # README: 250 first-round rows (the saved pages), then 69 of the second round's sites
    rounds = [r["drawn_by"].startswith("h17_b_") for r in ROWS]
    assert rounds == sorted(rounds) and Counter(rounds) == {False: 250, True: 69}
    first = {repo for repo, _, _ in SOURCES}
    assert all((r["repo"] in first) != r["drawn_by"].startswith("h17_b_") for r in ROWS)
    assert all(r["path"].endswith((".htm", ".html", ".shtml")) for r in ROWS if r["repo"] in first)
    assert any(r["path"].endswith(".jsp") for r in ROWS if r["repo"] not in first)


def test_heldout17_shares_no_paragraph_page_or_account_with_an_earlier_set():
    check_nothing_shared_with_earlier_sets(17, ROWS, ALL_SOURCES, LAST_PAGE_SET_BEFORE)


def test_a_page_pattern_chooses_the_files_listed(tmp_path):
    """The listing's default is the earlier draws' (.htm/.html/.shtml); a draw's own pattern adds .jsp."""
    git = ["git", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    for name in ("a.html", "b.jsp", "c.shtml", "d.txt"):
        (tmp_path / name).write_text("<p>一段文字</p>", encoding="utf-8")
    subprocess.run([*git, "add", "."], check=True)
    ident = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, *ident, "commit", "-q", "-m", "pages"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    external_docs.set_checkouts({"test/pages": tmp_path})
    try:
        assert [p for p, _ in pages("test/pages", commit)] == ["a.html", "c.shtml"]
        assert [p for p, _ in pages("test/pages", commit, pattern=PAGES_B)] == ["a.html", "b.jsp", "c.shtml"]
    finally:
        external_docs._CHECKOUTS.pop("test/pages")


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout17_paragraph_resolves_with_its_sha1():
    check_every_paragraph_resolves(HELDOUT17_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout17_draw_reproduces_the_file():
    from nlp.draw_heldout17 import draw

    check_draw_reproduces(draw, 1717, ROWS)
