"""Page set 13 of bench/eval_extract_external.py: the committed page file's structure and its --set13 flag.

Set 13 was read once (README: "Set 13, the one read") and is tuning data since: the pages its read
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
    PAGES12,
    PAGES13,
    SOURCE_SETS,
    Checkout,
    decode_bytes,
    named_checkouts,
)
from test_eval_set6 import _repo  # noqa: E402
from test_eval_set9 import _sites, earlier_sets  # noqa: E402

SPEC = json.loads(PAGES13.read_text(encoding="utf-8"))
MIRROR = ROOT.parent / ".mirror"
#: the fewest pages of each type the set was built to have
MIN_TYPES = {"list": 8, "interpretation": 2, "gov_notice": 8, "essay": 3, "news": 4}


def _checkout(source: str) -> Path:
    return MIRROR / SPEC["sources"][source]["repo"].replace("/", "+") / "repo"


def test_set_13_is_wired_into_the_runner_after_set_12():
    assert SOURCE_SETS[13] == PAGES13 and SOURCE_SETS[12] == PAGES12 and max(SOURCE_SETS) >= 13
    assert PAGES12 in earlier_sets(PAGES13) and len(earlier_sets(PAGES13)) == 12


def test_every_page_is_held_out_on_a_site_and_repository_no_earlier_set_has():
    files = earlier_sets(PAGES13)
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
    assert sum(1 for lab in labelled if lab["doc_number"]) >= 3 and sum(1 for lab in labelled if lab["index_no"]) >= 2


def test_the_set13_flag_takes_one_checkout_per_named_source(tmp_path):
    repo, _ = _repo(tmp_path, "one", {"index.html": "<html><body><p>正文。</p></body></html>"})
    name = next(iter(SPEC["sources"]))
    assert set(named_checkouts([f"{name}={repo}"], SPEC["sources"], "--set13")) == {name}
    with pytest.raises(SystemExit, match="--set13"):
        named_checkouts([f"nosuchsource={repo}"], SPEC["sources"], "--set13")


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


@pytest.mark.parametrize("name", ["maia-cdn-error", "hdjxedu-attachment-only-shell", "5iedu-policy-column"])
def test_the_non_articles_its_read_kept_are_refused(name):
    """A CDN's error page under a content URL (``errorpage``: <title> "Error", "can't be displayed"),
    an article shell whose body is one attachment link (a long title line, a byline and a welcome
    greeting: nothing left) and a column of teasers each ending in 【详情】 (``template``)."""
    from govtext.errors import SourceError
    from ingest.extract import extract_html

    with pytest.raises(SourceError):
        extract_html(_page_html(name))


@pytest.mark.parametrize("name", ["ksbxzp-product-withdrawal", "hrbbus-metro-news"])
def test_the_articles_its_read_missed_are_read_whole(name):
    """A notice around a 4-row table, introduced by 具体产品如下： (``grid``: the text outside the cells is
    mostly sentences), was refused; a news item kept its reprint note and 本文来源 / 责任编辑 line."""
    from ingest.evaluate import char_scores
    from ingest.extract import extract_html

    page = next(p for p in SPEC["pages"] if p["page"] == name)
    html = _page_html(name)
    doc = extract_html(html)
    assert char_scores(doc.text, gold_text(html, page["note"]))[2] >= 0.95
    assert doc.date == page["labels"]["date"] and doc.source == page["labels"]["source"]


@pytest.mark.parametrize(
    ("name", "field", "want"),
    [
        ("scest-open-government-plan", "doc_number", "川教〔2015〕60号"),  # 发文字号：〔〕号; the others cited
        ("scest-open-government-plan", "source", ""),  # SiteName …公共平台网站: a website's name
        ("lgedu-teacher-exam-notice", "doc_number", ""),  # 《…的通知》(教试中心函〔2019〕179号): cited
        ("lgedu-teacher-exam-notice", "source", ""),  # SiteName …门户网站群!
        ("ksbxzp-product-withdrawal", "doc_number", ""),  # 《…》（银保监办便函〔2020〕1452号）: cited
        ("hdjxedu-essay-call-notice", "source", ""),  # 文章来源：本站原创
    ],
)
def test_the_metadata_its_read_missed(name, field, want):
    from ingest.extract import extract_html

    doc = extract_html(_page_html(name))
    got = doc.source if field == "source" else doc.meta.get(field, "")
    assert got == want
