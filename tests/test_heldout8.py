"""The eighth held-out label set (issue 16, session i16x): paragraphs of saved web pages outside ../shared.

The file's structure is checked always; its references are resolved (sha1 checked) when the
source repositories' snapshots are on this machine (``../.mirror/<owner>+<name>/repo``), and
skipped with the missing ones named otherwise. Nothing here runs a tagger on the paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from nlp import external_docs
from nlp.draw_heldout8 import SOURCES
from nlp.external_docs import html_paragraphs, html_title, resolve, set_checkouts, sha1
from nlp.labels import HELDOUT8_FILE, TRAINING_FILES, labels_available, load_examples, read_label_rows
from nlp.taxonomy import THEME_IDS

ROWS = read_label_rows(HELDOUT8_FILE)
MISSING = [repo for repo, _, _ in SOURCES if not external_docs.checkout_available(repo)]


def test_heldout8_rows_have_the_documented_form():
    sources = {repo: (commit, group) for repo, commit, group in SOURCES}
    keys = {"source", "repo", "commit", "path", "doc_id", "para_index", "sha1", "text_prefix", "labels"}
    assert 350 <= len(ROWS) <= 500
    for row in ROWS:
        assert keys | {"register", "group", "drawn_by"} == set(row), row
        assert row["source"] == "github" and row["repo"] in sources
        assert (row["commit"], row["group"]) == sources[row["repo"]]
        assert row["doc_id"] == f"{row['repo']}:{row['path']}"
        assert re.fullmatch(r"[0-9a-f]{40}", row["sha1"]) and len(row["text_prefix"]) == 12
        assert isinstance(row["para_index"], int) and row["para_index"] >= 0
        assert set(row["labels"]) <= set(THEME_IDS) and len(set(row["labels"])) == len(row["labels"])
        assert row["register"] in {"local_policy", "local_report", "local_news"}
        assert row["drawn_by"].startswith(("h8_", "h8b_"))
    assert len({(r["repo"], r["path"], r["para_index"]) for r in ROWS}) == len(ROWS)
    by_text: dict[str, set] = {}  # a page may repeat a line: copies carry the same labels (the guide)
    for r in ROWS:
        by_text.setdefault(r["sha1"], set()).add(tuple(r["labels"]))
    assert all(len(v) == 1 for v in by_text.values())
    assert len({r["repo"] for r in ROWS}) >= 3
    counts = Counter(label for r in ROWS for label in r["labels"])
    assert sum(1 for t in THEME_IDS if counts[t] >= 5) >= 10, counts  # README: the themes averaged
    assert sum(1 for r in ROWS if not r["labels"]) >= 200
    assert HELDOUT8_FILE not in TRAINING_FILES  # held out: read once per system


def test_reader_is_the_documented_fixed_procedure(tmp_path, monkeypatch):
    monkeypatch.setattr(external_docs, "_CHECKOUTS", {})  # the checkouts set here stay in this test
    page = (
        "<html><head><title>关于 做好&amp;工作的通知</title><style>p{}</style></head><body>"
        "<div class='nav'>首页<span>|</span>通知</div><script>var a='<p>x</p>';</script>"
        "<p>一、加强组织领导。<br>各乡镇要成立&nbsp;领导小组。</p><!-- <p>隐藏</p> -->"
        "<p>\u3000\u3000二、  强化 保障</p><table><tr><td>甲</td><td></td></tr></table></body></html>"
    )
    data = page.encode("gb18030")  # not UTF-8: read as GB18030
    assert html_paragraphs(data) == [
        "首页|通知",
        "一、加强组织领导。",
        "各乡镇要成立 领导小组。",
        "二、 强化 保障",
        "甲",
    ]
    assert html_paragraphs(page.encode("utf-8")) == html_paragraphs(data)
    assert html_title(data) == "关于 做好&工作的通知"
    # a plain directory holding the files is a checkout too; a changed page fails loudly
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.html").write_bytes(data)
    set_checkouts({"someone/site": tmp_path})
    row = {"repo": "someone/site", "commit": "0" * 40, "path": "a/p.html", "para_index": 2}
    row |= {"sha1": sha1("各乡镇要成立 领导小组。"), "text_prefix": "各乡镇要成立 领导小"}
    assert resolve(row) == "各乡镇要成立 领导小组。"
    with pytest.raises(ValueError, match="sha1"):
        resolve(row | {"para_index": 3})
    with pytest.raises(FileNotFoundError, match="--heldout8-checkout"):
        resolve(row | {"repo": "someone/absent"})


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout8_paragraph_resolves_with_its_sha1():
    examples = load_examples(HELDOUT8_FILE)  # raises on any sha1 or prefix mismatch
    assert len(examples) == len(ROWS)
    for e, row in zip(examples, ROWS, strict=True):
        assert sha1(e.text) == row["sha1"] and 15 <= len(e.text) <= 300
        assert (e.register, e.group, e.labels) == (row["register"], row["group"], tuple(row["labels"]))


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout8_draw_reproduces_the_file():
    from nlp.draw_heldout8 import draw

    drawn = draw(1708)
    fields = ("repo", "commit", "path", "para_index", "sha1", "text_prefix", "register", "group", "drawn_by")
    assert [tuple(r[k] for k in fields) for r in drawn] == [tuple(r[k] for k in fields) for r in ROWS]
