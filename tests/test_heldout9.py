"""The ninth held-out label set (issue 16, session i16ab): paragraphs of saved web pages outside ../shared.

Built as the eighth (``tests/test_heldout8.py`` checks the page reader). The file's structure is
checked always; its references are resolved (sha1 checked) and the draw is re-run when the source
repositories' snapshots are on this machine (``../.mirror/<owner>+<name>/repo``), and skipped with
the missing ones named otherwise. Nothing here runs a tagger on the paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter

from nlp import external_docs
from nlp.draw_heldout9 import SOURCES, SOURCES_B
from nlp.external_docs import sha1
from nlp.labels import (
    HELDOUT8_FILE,
    HELDOUT9_FILE,
    TRAINING_FILES,
    labels_available,
    load_examples,
    read_label_rows,
)
from nlp.taxonomy import THEME_IDS

import pytest

ROWS = read_label_rows(HELDOUT9_FILE)
ALL_SOURCES = (*SOURCES, *SOURCES_B)
MISSING = [repo for repo, _, _ in ALL_SOURCES if not external_docs.checkout_available(repo)]


def test_heldout9_rows_have_the_documented_form():
    sources = {repo: (commit, group) for repo, commit, group in ALL_SOURCES}
    keys = {"source", "repo", "commit", "path", "doc_id", "para_index", "sha1", "text_prefix", "labels"}
    assert 350 <= len(ROWS) <= 450
    for row in ROWS:
        assert keys | {"register", "group", "drawn_by"} == set(row), row
        assert row["source"] == "github" and row["repo"] in sources
        assert (row["commit"], row["group"]) == sources[row["repo"]]
        assert row["doc_id"] == f"{row['repo']}:{row['path']}"
        assert re.fullmatch(r"[0-9a-f]{40}", row["sha1"]) and len(row["text_prefix"]) == 12
        assert isinstance(row["para_index"], int) and row["para_index"] >= 0
        assert set(row["labels"]) <= set(THEME_IDS) and len(set(row["labels"])) == len(row["labels"])
        assert row["register"] in {"local_policy", "local_report", "local_news"}
        assert row["drawn_by"].startswith(("h9_", "h9b_"))
        assert row["drawn_by"].startswith("h9b_") == (row["repo"] in {repo for repo, _, _ in SOURCES_B})
    assert len({(r["repo"], r["path"], r["para_index"]) for r in ROWS}) == len(ROWS)
    by_text: dict[str, set] = {}  # a page may repeat a line: copies carry the same labels (the guide)
    for r in ROWS:
        by_text.setdefault(r["sha1"], set()).add(tuple(r["labels"]))
    assert all(len(v) == 1 for v in by_text.values())
    assert len({r["repo"] for r in ROWS}) >= 5
    assert sum(1 for r in ROWS if r["drawn_by"] == "h9_random") == 60
    counts = Counter(label for r in ROWS for label in r["labels"])
    assert sum(1 for t in THEME_IDS if counts[t] >= 5) >= 10, counts  # README: the themes averaged
    assert sum(1 for r in ROWS if not r["labels"]) >= 200
    assert HELDOUT9_FILE not in TRAINING_FILES  # held out: read once per system


def test_heldout9_uses_no_repository_or_paragraph_of_the_eighth_set():
    eighth = read_label_rows(HELDOUT8_FILE)
    assert not {r["repo"] for r in eighth} & {r["repo"] for r in ROWS}
    assert not {r["sha1"] for r in eighth} & {r["sha1"] for r in ROWS}


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout9_paragraph_resolves_with_its_sha1():
    examples = load_examples(HELDOUT9_FILE)  # raises on any sha1 or prefix mismatch
    assert len(examples) == len(ROWS)
    for e, row in zip(examples, ROWS, strict=True):
        assert sha1(e.text) == row["sha1"] and 15 <= len(e.text) <= 300
        assert (e.register, e.group, e.labels) == (row["register"], row["group"], tuple(row["labels"]))


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout9_draw_reproduces_the_file():
    from nlp.draw_heldout9 import draw

    drawn = draw(1709)
    fields = ("repo", "commit", "path", "para_index", "sha1", "text_prefix", "register", "group", "drawn_by")
    assert [tuple(r[k] for k in fields) for r in drawn] == [tuple(r[k] for k in fields) for r in ROWS]
