"""The thirteenth held-out label set (issue 16, session i16ao): paragraphs of saved pages read by no
earlier set.

Built as the eighth to twelfth (``tests/heldout_sites.py`` holds the checks they share). The file's
structure is checked always, and that it shares no repository and no paragraph with the eighth to
twelfth sets and reads no source of their draws nor of the extraction page sets. Its references are
resolved (sha1 checked) and the draw is re-run when the source repositories' snapshots are on this
machine (``../.mirror/<owner>+<name>/repo``), and skipped with the missing ones named otherwise.
Nothing here runs a tagger on the paragraphs.
"""

from __future__ import annotations

import json

import pytest
from heldout_sites import (
    check_documented_form,
    check_draw_reproduces,
    check_every_paragraph_resolves,
    earlier_rows,
    missing_snapshots,
)

from nlp.draw_heldout13 import SOURCES
from nlp.labels import (
    HELDOUT13_FILE,
    REPO_ROOT,
    labels_available,
    read_label_rows,
)

ROWS = read_label_rows(HELDOUT13_FILE)
MISSING = missing_snapshots(SOURCES)


def test_heldout13_rows_have_the_documented_form():
    # a small, thin set (README): every eligible paragraph of its sources, 1 theme with 5 or more
    # positives, at least 100 paragraphs with none
    check_documented_form(
        HELDOUT13_FILE, ROWS, SOURCES, (100, 400), ("h13_",), min_repos=6, min_averaged=1, min_negatives=100
    )


def test_heldout13_uses_no_repository_or_paragraph_of_an_earlier_set_draw_or_page_set():
    earlier = earlier_rows(13)
    assert not {r["repo"] for r in earlier} & {r["repo"] for r in ROWS}
    assert not {r["sha1"] for r in earlier} & {r["sha1"] for r in ROWS}
    # nor a source those draws read (a source may give no row)
    from nlp import draw_heldout8, draw_heldout9, draw_heldout10, draw_heldout11, draw_heldout12

    read = (
        *draw_heldout8.SOURCES,
        *draw_heldout9.SOURCES,
        *draw_heldout9.SOURCES_B,
        *draw_heldout10.SOURCES,
        *draw_heldout11.SOURCES,
        *draw_heldout11.SOURCES_B,
        *draw_heldout12.SOURCES,
    )
    mine = {repo for repo, _, _ in SOURCES}
    assert not {repo for repo, _, _ in read} & mine
    # nor a repository an extraction page set names anywhere (its pages, sources or comments)
    for path in sorted((REPO_ROOT / "bench" / "data").glob("extract_pages*.json")):
        text = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
        assert not [repo for repo in mine if repo in text], path


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout13_paragraph_resolves_with_its_sha1():
    check_every_paragraph_resolves(HELDOUT13_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout13_draw_reproduces_the_file():
    from nlp.draw_heldout13 import draw

    check_draw_reproduces(draw, 1713, ROWS)
