"""The eighth held-out label set (issue 16, session i16x): paragraphs of saved web pages outside ../shared.

The file's structure is checked always; its references are resolved (sha1 checked) and the draw is
re-run when the source repositories' snapshots are on this machine (``../.mirror/<owner>+<name>/repo``),
and skipped with the missing ones named otherwise (the checks: ``tests/heldout_sites.py``, shared with
the ninth set). Nothing here runs a tagger on the paragraphs.
"""

from __future__ import annotations

import pytest
from heldout_sites import (
    check_documented_form,
    check_draw_reproduces,
    check_every_paragraph_resolves,
    missing_snapshots,
)

from nlp import external_docs
from nlp.draw_heldout8 import SOURCES
from nlp.external_docs import html_paragraphs, html_title, resolve, set_checkouts, sha1
from nlp.labels import HELDOUT8_FILE, labels_available, read_label_rows

ROWS = read_label_rows(HELDOUT8_FILE)
MISSING = missing_snapshots(SOURCES)


def test_heldout8_rows_have_the_documented_form():
    check_documented_form(HELDOUT8_FILE, ROWS, SOURCES, (350, 500), ("h8_", "h8b_"), min_repos=3)


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
    check_every_paragraph_resolves(HELDOUT8_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout8_draw_reproduces_the_file():
    from nlp.draw_heldout8 import draw

    check_draw_reproduces(draw, 1708, ROWS)
