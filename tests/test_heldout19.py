"""The nineteenth held-out label set (issue 16, session i16ba): paragraphs of the pages of public bodies' and
governance services' sites (``.html`` pages and ``.jsp`` templates; a second round of a school's PHP templates and a
third of a city police's WeChat service, each on its own pool) of repositories of accounts that no earlier draw or
extraction page set names, at most 60 rows per repository.

Built as the eighth to eighteenth (``tests/heldout_sites.py`` holds the checks they share). The file's structure
is checked always, and that it shares no paragraph, no page and no repository (nor any account) with the eighth to
eighteenth sets' draws, every reading of their files included, or with the extraction page sets. Its references
are resolved (sha1 checked) and the draw is re-run when the source repositories' snapshots are on this machine
(``../.mirror/<owner>+<name>/repo``), and skipped with the missing ones named otherwise. Nothing here runs a tagger
on the paragraphs.
"""

from __future__ import annotations

from collections import Counter

import pytest
from heldout_sites import (
    check_documented_form,
    check_draw_reproduces,
    check_every_paragraph_resolves,
    check_no_page_set_shares_an_account,
    check_nothing_shared_with_earlier_sets,
    missing_snapshots,
)

from nlp import draw_heldout19, external_draw
from nlp.draw_heldout19 import PAGES, PER_REPO, PER_REPO_B, PER_REPO_C, SOURCES, SOURCES_B, SOURCES_C
from nlp.labels import HELDOUT19_FILE, labels_available, read_label_rows

ROWS = read_label_rows(HELDOUT19_FILE)
ALL_SOURCES = (*SOURCES, *SOURCES_B, *SOURCES_C)
MISSING = missing_snapshots(ALL_SOURCES)

#: the page sets on main when this file was drawn (1 to 27): every one is checked, and
#: :func:`test_no_page_set_shares_an_account` checks the later ones when they come
LAST_PAGE_SET_BEFORE = 27


def test_no_page_set_shares_an_account():
    """No page set, drawn before this file or after it, names one of this file's accounts."""
    check_no_page_set_shares_an_account(ALL_SOURCES)


def test_heldout19_rows_have_the_documented_form():
    # README: 323 paragraphs of 9 repositories, 6 themes with 5 or more positives, most rows with none
    check_documented_form(
        HELDOUT19_FILE,
        ROWS,
        ALL_SOURCES,
        (250, 340),
        ("h19_", "h19b_", "h19c_"),
        min_repos=9,
        min_averaged=6,
        min_negatives=220,
    )


def test_heldout19_caps_each_repository_and_keeps_the_rounds_and_sources_order():
    # README: 60 rows each of the village-democracy and agricultural sites, fewer of the others; 30 of the second
    # round's school site, 40 of the third round's police service
    per_repo = Counter(r["repo"] for r in ROWS)
    assert max(per_repo[repo] for repo, _, _ in SOURCES) <= PER_REPO == 60
    assert max(per_repo[repo] for repo, _, _ in SOURCES_B) <= PER_REPO_B == 30
    assert max(per_repo[repo] for repo, _, _ in SOURCES_C) <= PER_REPO_C == 40
    assert set(per_repo) == {repo for repo, _, _ in ALL_SOURCES}
    order = [repo for repo, _, _ in ALL_SOURCES]
    assert [r["repo"] for r in ROWS] == sorted((r["repo"] for r in ROWS), key=order.index)
    rounds = {
        repo: prefix
        for prefix, sources in (("h19_", SOURCES), ("h19b_", SOURCES_B), ("h19c_", SOURCES_C))
        for repo, _, _ in sources
    }
    assert all(r["drawn_by"].startswith(rounds[r["repo"]]) for r in ROWS)
    first_and_third = {repo for repo, _, _ in (*SOURCES, *SOURCES_C)}
    assert all(r["path"].endswith((".htm", ".html", ".shtml", ".jsp")) for r in ROWS if r["repo"] in first_and_third)
    assert all(r["path"].endswith(".php") for r in ROWS if r["repo"] not in first_and_third)


def test_the_page_pattern_leaves_out_libraries_back_offices_build_copies_and_other_projects():
    for path in (
        "web/liaoJie.jsp",
        "WebContent/WEB-INF/page/website/list.jsp",
        "项目/志愿者服务网站/project/src/main/webapp/WEB-INF/page3.jsp",
        "GXDevelop/WebContent/WEB-INF/jsp/services.jsp",
        "component/shuoming/handle.html",
        "a/b/c.SHTML",
    ):
        assert PAGES.search(path), path
    for path in (
        "web/admin/lib/zTree/v3/api/cn/fn.zTree.init.html",
        "web/admin/article-list.jsp",
        "hz_terminal/WebRoot/plugins/kindeditor/examples/word-count.html",
        "项目/志愿者服务网站/project/target/project-1.0-SNAPSHOT/WEB-INF/page3.jsp",
        "项目/JC阅读网站项目/html/article1.html",
        "Bootstrap/排版.html",
        "MicroShop/WebContent/WEB-INF/jsp/cart.jsp",
        "ku/jquery-weui/dist/demos/a.html",
        "minzhuMaven/src/main/webapp/ueditor/index.html",
        "web/index.php",
    ):
        assert not PAGES.search(path), path


def test_heldout19_shares_no_paragraph_page_or_account_with_an_earlier_set():
    check_nothing_shared_with_earlier_sets(19, ROWS, ALL_SOURCES, LAST_PAGE_SET_BEFORE)


def _item(repo: str, i: int, text: str) -> dict:
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


def test_the_per_repository_cap_fills_with_random_rows_after_the_searches(monkeypatch):
    """On a made-up pool: every repository's rows come from its own part, the searches first, then random rows
    up to the cap; a repository with fewer eligible paragraphs gives them all."""
    sources = (("a/one", "c1", "A"), ("b/two", "c2", "B"))
    pool = [_item("a/one", i, f"网格员第{i}次走访") for i in range(5)] + [
        _item("a/one", i, f"其他文字{i}") for i in range(5, 30)
    ]
    pool += [_item("b/two", i, f"其他内容{i}") for i in range(4)]
    monkeypatch.setattr(draw_heldout19, "SOURCES", sources)
    monkeypatch.setattr(draw_heldout19, "SOURCES_B", ())
    monkeypatch.setattr(draw_heldout19, "SOURCES_C", ())
    monkeypatch.setattr(draw_heldout19, "_earlier_label_sha1s", lambda: set())
    monkeypatch.setattr(external_draw, "build_pool", lambda *a, **k: [dict(x) for x in pool])
    draws = (("h19_grid_management", r"网格", 4, ""),)
    rows = draw_heldout19.draw(7, draws=draws, per_repo=10)
    assert Counter(r["repo"] for r in rows) == {"a/one": 10, "b/two": 4}
    a_rows = [r for r in rows if r["repo"] == "a/one"]
    assert [r["drawn_by"] for r in a_rows] == ["h19_grid_management"] * 4 + ["h19_random"] * 6
    assert rows == draw_heldout19.draw(7, draws=draws, per_repo=10)


def test_the_later_rounds_only_add_rows_from_their_own_pools(monkeypatch):
    """On made-up pools: the second and third rounds draw from their own pools, after the first round's rows,
    which are the same as without them; their searches and random rows are renamed h19b_* and h19c_*."""
    first = (("a/one", "c1", "A"),)
    second = (("b/two", "c2", "B"),)
    third = (("c/three", "c3", "C"),)
    pools = {
        "b/two": [_item("b/two", i, f"党支部活动{i}") for i in range(3)]
        + [_item("b/two", i, f"校园{i}") for i in range(3, 9)],
        "c/three": [_item("c/three", i, f"其他{i}") for i in range(12)],
    }
    pool_a = [_item("a/one", i, f"文字{i}") for i in range(20)]
    monkeypatch.setattr(draw_heldout19, "SOURCES", first)
    monkeypatch.setattr(draw_heldout19, "_earlier_label_sha1s", lambda: set())
    monkeypatch.setattr(external_draw, "build_pool", lambda *a, **k: [dict(x) for x in pool_a])
    monkeypatch.setattr(
        external_draw, "second_pool", lambda firsts, later, *a, **k: [dict(x) for x in pools[later[0][0]]]
    )
    draws = (("h19_party_building", r"党支部", 2, ""),)
    monkeypatch.setattr(draw_heldout19, "SOURCES_B", ())
    monkeypatch.setattr(draw_heldout19, "SOURCES_C", ())
    alone = draw_heldout19.draw(5, draws=draws, per_repo=6)
    monkeypatch.setattr(draw_heldout19, "SOURCES_B", second)
    monkeypatch.setattr(draw_heldout19, "SOURCES_C", third)
    rows = draw_heldout19.draw(5, draws=draws, per_repo=6, per_repo_b=4, per_repo_c=5)
    assert rows[: len(alone)] == alone and len(alone) == 6
    assert [r["drawn_by"] for r in rows if r["repo"] == "b/two"] == ["h19b_party_building"] * 2 + ["h19b_random"] * 2
    assert [r["drawn_by"] for r in rows if r["repo"] == "c/three"] == ["h19c_random"] * 5
    assert [r["repo"] for r in rows[len(alone) :]] == ["b/two"] * 4 + ["c/three"] * 5


@pytest.mark.skipif(bool(MISSING), reason=f"source snapshots not on this machine: {MISSING}")
def test_every_heldout19_paragraph_resolves_with_its_sha1():
    check_every_paragraph_resolves(HELDOUT19_FILE, ROWS)


@pytest.mark.skipif(bool(MISSING) or not labels_available(), reason=f"snapshots {MISSING} or ../shared missing")
def test_heldout19_draw_reproduces_the_file():
    from nlp.draw_heldout19 import draw

    check_draw_reproduces(draw, 1819, ROWS)
