"""Page set 12 of bench/eval_extract_external.py: the committed page file's structure and its --set12 flag.

Set 12 was read once (README: "Set 12, the one read") and is tuning data since: the pages its read
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
    PAGES11,
    PAGES12,
    SOURCE_SETS,
    Checkout,
    decode_bytes,
    named_checkouts,
)
from test_eval_set6 import _repo  # noqa: E402
from test_eval_set9 import _sites, earlier_sets  # noqa: E402

SPEC = json.loads(PAGES12.read_text(encoding="utf-8"))
MIRROR = ROOT.parent / ".mirror"
#: the fewest pages of each type the set was built to have
MIN_TYPES = {"list": 8, "interpretation": 4, "gov_notice": 4, "essay": 4, "news": 2}


def _checkout(source: str) -> Path:
    return MIRROR / SPEC["sources"][source]["repo"].replace("/", "+") / "repo"


def test_set_12_is_wired_into_the_runner_after_set_11():
    assert SOURCE_SETS[12] == PAGES12 and SOURCE_SETS[11] == PAGES11 and max(SOURCE_SETS) >= 12
    assert PAGES11 in earlier_sets(PAGES12) and len(earlier_sets(PAGES12)) == 11


def test_every_page_is_held_out_on_a_site_and_repository_no_earlier_set_has():
    files = earlier_sets(PAGES12)
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
    assert max(per_site.values()) <= 3 and len(per_site) >= 15
    types = Counter(p["type"] for p in SPEC["pages"])
    assert all(types[t] >= k for t, k in MIN_TYPES.items()), types
    assert sum(1 for p in SPEC["pages"] if p.get("labels", {}).get("doc_number")) >= 2


def test_the_set12_flag_takes_one_checkout_per_named_source(tmp_path):
    repo, _ = _repo(tmp_path, "one", {"index.html": "<html><body><p>正文。</p></body></html>"})
    name = next(iter(SPEC["sources"]))
    assert set(named_checkouts([f"{name}={repo}"], SPEC["sources"], "--set12")) == {name}
    with pytest.raises(SystemExit, match="--set12"):
        named_checkouts([f"nosuchsource={repo}"], SPEC["sources"], "--set12")


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


def _page_html(name: str) -> str:
    page = next(p for p in SPEC["pages"] if p["page"] == name)
    path = _checkout(page["source"])
    if not path.exists():
        pytest.skip(f"{path} not fetched")
    commit = page.get("commit") or SPEC["sources"][page["source"]]["commit"]
    return decode_bytes(Checkout(str(path)).read(page["path"], commit))[0]


@pytest.mark.parametrize("name", ["stw-gateway-error", "njupt-column-template"])
def test_the_non_articles_its_read_kept_are_refused(name):
    """A CDN's 502 page under an article URL (``errorpage``: its <title> is the status) and a
    column-page template whose only text is a contact box (``fields``: 电话/传真：)."""
    from govtext.errors import SourceError
    from ingest.extract import extract_html

    with pytest.raises(SourceError):
        extract_html(_page_html(name))


def test_the_admission_results_notice_is_kept_with_its_table():
    """The notice its read refused (a sentence under a dated heading over a 66-row name table, no
    索引号 table): kept whole (``grid``'s dated-notice exemption), its date read."""
    from ingest.evaluate import char_scores
    from ingest.extract import extract_html

    page = next(p for p in SPEC["pages"] if p["page"] == "shnu-admission-results")
    html = _page_html(page["page"])
    doc = extract_html(html)
    assert char_scores(doc.text, gold_text(html, page["note"]))[2] >= 0.95
    assert doc.date == page["labels"]["date"]


@pytest.mark.parametrize(
    ("name", "field", "want"),
    [
        ("haowenmi-paper-mine-safety", "source", ""),  # 来源：管理相关, a breadcrumb step
        ("zjgztb-centre-news", "source", ""),  # <meta name="SiteName" content="网站名称">
        ("capda-council-notice", "source", "农业农村部农药检定所"),  # 作者：药情信息处来源：…
        ("atxlyj-rules-cleanup", "doc_number", ""),  # a 清理 table's 文号 column
    ],
)
def test_the_metadata_its_read_missed(name, field, want):
    from ingest.extract import extract_html

    doc = extract_html(_page_html(name))
    got = doc.source if field == "source" else doc.meta.get(field, "")
    assert got == want
