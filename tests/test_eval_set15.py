"""Page set 15 of bench/eval_extract_external.py: the committed page file's structure and its --set15 flag.

No extractor runs here: set 15 is held out for a one-time read. The anchors are checked against the
saved-site checkouts where `fetch` put them (beside the repository, under .mirror); without them that
check is skipped."""

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
    PAGES14,
    PAGES15,
    SOURCE_SETS,
    Checkout,
    decode_bytes,
    named_checkouts,
)
from test_eval_set6 import _repo  # noqa: E402
from test_eval_set9 import _sites, earlier_sets  # noqa: E402

SPEC = json.loads(PAGES15.read_text(encoding="utf-8"))
MIRROR = ROOT.parent / ".mirror"
#: the fewest pages of each type the set was built to have
MIN_TYPES = {"list": 8, "essay": 5, "news": 5}


def _checkout(source: str) -> Path:
    return MIRROR / SPEC["sources"][source]["repo"].replace("/", "+") / "repo"


def test_set_15_is_wired_into_the_runner_after_set_14():
    assert SOURCE_SETS[15] == PAGES15 and SOURCE_SETS[14] == PAGES14 and max(SOURCE_SETS) >= 15
    assert PAGES14 in earlier_sets(PAGES15) and len(earlier_sets(PAGES15)) == 14


def test_every_page_is_held_out_on_a_site_and_repository_no_earlier_set_has():
    files = earlier_sets(PAGES15)
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
    assert len(labelled) >= 14 and sum(1 for lab in labelled if lab["date"]) >= 6


def test_the_set15_flag_takes_one_checkout_per_named_source(tmp_path):
    repo, _ = _repo(tmp_path, "one", {"index.html": "<html><body><p>正文。</p></body></html>"})
    name = next(iter(SPEC["sources"]))
    assert set(named_checkouts([f"{name}={repo}"], SPEC["sources"], "--set15")) == {name}
    with pytest.raises(SystemExit, match="--set15"):
        named_checkouts([f"nosuchsource={repo}"], SPEC["sources"], "--set15")


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
