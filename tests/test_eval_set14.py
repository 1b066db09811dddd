"""Page set 14 of bench/eval_extract_external.py: the committed page file's structure and its --set14 flag.

Set 14 was read once (README: "Set 14, the one read") and is tuning data since: the pages its read
missed are checked here against the extractor (in-sample). The anchors and those pages are read from
the saved-site checkouts where `fetch` put them (beside the repository, under .mirror); without them
those checks are skipped."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from annotated_gold import gold_text  # noqa: E402
from eval_extract_external import (  # noqa: E402
    FIELDS,
    PAGES13,
    PAGES14,
    SOURCE_SETS,
    Checkout,
    decode_bytes,
    named_checkouts,
)
from test_eval_set6 import _repo  # noqa: E402
from test_eval_set9 import _sites, earlier_sets  # noqa: E402

SPEC = json.loads(PAGES14.read_text(encoding="utf-8"))
MIRROR = ROOT.parent / ".mirror"
#: the fewest pages of each type the set was built to have
MIN_TYPES = {"list": 8, "interpretation": 1, "gov_notice": 7, "essay": 3, "news": 8}


def _checkout(source: str) -> Path:
    return MIRROR / SPEC["sources"][source]["repo"].replace("/", "+") / "repo"


def test_set_14_is_wired_into_the_runner_after_set_13():
    assert SOURCE_SETS[14] == PAGES14 and SOURCE_SETS[13] == PAGES13 and max(SOURCE_SETS) >= 14
    assert PAGES13 in earlier_sets(PAGES14) and len(earlier_sets(PAGES14)) == 13


def test_every_page_is_held_out_on_a_site_and_repository_no_earlier_set_has():
    files = earlier_sets(PAGES14)
    earlier = set().union(*(_sites(p) for p in files))
    used = {s["repo"] for p in files for s in json.loads(p.read_text(encoding="utf-8")).get("sources", {}).values()}
    for source in SPEC["sources"].values():
        assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]) and source["repo"].count("/") == 1
        assert source["repo"] not in used and not source["repo"].startswith("mhxqwer/")
    names = [p["page"] for p in SPEC["pages"]]
    assert len(names) == len(set(names))
    for page in SPEC["pages"]:
        assert page["source"] in SPEC["sources"] and page["split"] == "heldout", page["page"]
        assert page["site"] not in earlier, page["site"]
        assert page["path"] and page["why"]
        if page["type"] == "list":
            assert page["gold"] == "none" and "note" not in page and "labels" not in page
        else:
            assert page["gold"] == "annotated" and page["note"]["first"] and page["note"]["last"]
            assert set(page["labels"]) == set(FIELDS)
            if page["labels"]["date"]:
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", page["labels"]["date"])
    per_site = Counter(p["site"] for p in SPEC["pages"])
    assert max(per_site.values()) <= 3 and len(per_site) >= 12
    types = Counter(p["type"] for p in SPEC["pages"])
    assert all(types[t] >= k for t, k in MIN_TYPES.items()), types
    labelled = [p["labels"] for p in SPEC["pages"] if "labels" in p]
    assert sum(1 for lab in labelled if lab["doc_number"]) >= 5 and sum(1 for lab in labelled if lab["date"]) >= 19


def test_the_set14_flag_takes_one_checkout_per_named_source(tmp_path):
    repo, _ = _repo(tmp_path, "one", {"index.html": "<html><body><p>正文。</p></body></html>"})
    name = next(iter(SPEC["sources"]))
    assert set(named_checkouts([f"{name}={repo}"], SPEC["sources"], "--set14")) == {name}
    with pytest.raises(SystemExit, match="--set14"):
        named_checkouts([f"nosuchsource={repo}"], SPEC["sources"], "--set14")


@pytest.mark.parametrize("page", [p for p in SPEC["pages"] if p["type"] != "list"], ids=lambda p: p["page"])
def test_the_anchors_resolve_in_the_saved_page(page):
    path = _checkout(page["source"])
    if not path.exists():
        pytest.skip(f"{path} not fetched")
    checkout = Checkout(str(path))
    html = decode_bytes(checkout.read(page["path"], SPEC["sources"][page["source"]]["commit"]))[0]
    gold = gold_text(html, page["note"]).split("\n")
    norm = [re.sub(r"\s+", "", line) for line in gold]
    assert norm[0].startswith(re.sub(r"\s+", "", page["note"]["first"]))
    assert norm[-1].startswith(re.sub(r"\s+", "", page["note"]["last"]))
    assert sum(len(line) for line in norm) >= 150, page["page"]


@pytest.mark.parametrize("page", [p for p in SPEC["pages"] if p["type"] == "list"], ids=lambda p: p["page"])
def test_every_non_article_is_in_its_checkout_and_decodes(page):
    path = _checkout(page["source"])
    if not path.exists():
        pytest.skip(f"{path} not fetched")
    raw = Checkout(str(path)).read(page["path"], SPEC["sources"][page["source"]]["commit"])
    assert raw and isinstance(decode_bytes(raw)[0], str)


def _page_html(name: str) -> str:
    page = next(p for p in SPEC["pages"] if p["page"] == name)
    path = _checkout(page["source"])
    if not path.exists():
        pytest.skip(f"{path} not fetched")
    commit = page.get("commit") or SPEC["sources"][page["source"]]["commit"]
    return decode_bytes(Checkout(str(path)).read(page["path"], commit))[0]


@pytest.mark.parametrize(
    "name",
    [
        "tztvu-pdf-notice-shell",
        "ilushan-attachment-shell",
        "goethe-error-page",
        "zikaobyz-column",
        "highway-feature-column",
        "hnci-column",
        "ciase-homepage",
    ],
)
def test_the_non_articles_its_read_kept_are_refused(name):
    """Set 14 is in-sample here (read once, README "Set 14, the one read"): an article shell whose only
    text is a contact box (S1负责人：… lines, ``fields``) or one 附件 link and a share prompt (``shell``),
    an error page ("Hey? Error", 页面出现错误: ``errorpage``), a column whose only kept line is the site's
    welcome (欢迎访问…本站…), a column of entries each with its 时间：date byline (``entrydates``), one
    whose one kept entry has a 来源：网络整理2019-05-09 line the page repeats (``entrydates``) and a
    homepage whose kept text is one teaser cut off mid-word ("Auto...", ``oneteaser``)."""
    from govtext.errors import SourceError
    from ingest.extract import extract_html

    with pytest.raises(SourceError):
        extract_html(_page_html(name))


def test_a_short_news_item_loses_the_contact_box_under_it():
    """tztvu.com.cn's news kept 站内搜索 / 联系我们 / six contacts / 友情链接 after its text: a line that is
    only 联系我们, 友情链接 or 站内搜索 late in the page is a stop line."""
    from ingest.evaluate import char_scores
    from ingest.extract import extract_html

    name = "tztvu-skills-contest-news"
    page = next(p for p in SPEC["pages"] if p["page"] == name)
    html = _page_html(name)
    assert char_scores(extract_html(html).text, gold_text(html, page["note"]))[2] >= 0.95
