"""Page set 7 of bench/eval_extract_external.py: like set 6, plus pages stored as one row of a
MySQL dump (the row's html column)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from eval_extract_external import FIELDS, PAGES7, SeventhSet, named_checkouts, sql_rows  # noqa: E402
from test_eval_set6 import _repo  # noqa: E402

DUMP = (
    "insert into ge_policy_raw (id, title, html, remark) values (1, '国务院关于“双随机、一公开”的意见', "
    '\'<div class="wrap"><td>主题分类：</td><td>工商\\\\\\\\市场</td><p>各省、自治区：</p>'
    "<p>现将有关事项通知如下。</p><p>It''s done.</p></div>', null);\n"
    "insert into ge_policy_raw (id, title, html, remark) values (2, 'b', '<p>二</p>', 'x');\n"
)


def test_sql_rows_unescapes_the_values():
    rows = list(sql_rows(DUMP))
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["remark"] is None and rows[1]["remark"] == "x"
    assert "工商\\\\市场" in rows[0]["html"] and "It's done." in rows[0]["html"]


def test_a_page_is_the_html_column_of_its_row(tmp_path):
    repo, _ = _repo(tmp_path, "platform", {"db/raw.sql": DUMP})
    spec = {
        "sources": {"platform": {}},
        "pages": [
            {
                "page": "g",
                "source": "platform",
                "path": "db/raw.sql",
                "row": "1",
                "type": "gov_notice",
                "split": "heldout",
                "gold": "annotated",
                "note": {"first": "各省", "last": "It's", "drop": []},
            }
        ],
    }
    pages = SeventhSet("set 7", spec, named_checkouts([f"platform={repo}"], spec["sources"], "--set7"), None)
    (page,) = pages.pages
    assert pages.html(page).startswith('<div class="wrap">')
    assert pages.gold(page) == "各省、自治区：\n现将有关事项通知如下。\nIt's done."


def test_the_committed_set_is_complete():
    spec = json.loads(PAGES7.read_text(encoding="utf-8"))
    heldout = set()
    for page in spec["pages"]:
        assert page["source"] in spec["sources"] and page["split"] in ("heldout", "tune")
        if page["split"] == "heldout":
            heldout.add(page["site"])
        if page["type"] == "list":
            assert "note" not in page and "labels" not in page
        else:
            assert page["note"]["first"] and page["note"]["last"]
            if page["split"] == "heldout":
                assert set(page["labels"]) == set(FIELDS)
    assert len(heldout) >= 7
