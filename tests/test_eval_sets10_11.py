"""Page sets 10 and 11 of bench/eval_extract_external.py: the committed page files and their --setN flags."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from eval_extract_external import FIELDS, PAGES9, PAGES10, PAGES11, SixthSet, named_checkouts  # noqa: E402
from test_eval_set6 import _repo  # noqa: E402
from test_eval_set9 import _sites, earlier_sets  # noqa: E402

#: number -> (page file, the set before it, fewest sites, fewest pages per type, a page with both 文号 and 索引号)
SETS = {
    10: (PAGES10, PAGES9, 25, {"list": 9, "news": 20, "gov_notice": 3}, True),
    11: (PAGES11, PAGES10, 10, {"list": 4, "news": 8}, False),
}


@pytest.mark.parametrize("n", sorted(SETS))
def test_the_committed_set_is_complete_and_every_site_and_repository_is_new(n):
    path, before, min_sites, min_types, both_numbers = SETS[n]
    spec = json.loads(path.read_text(encoding="utf-8"))
    files = earlier_sets(path)
    assert before in files and len(files) == n - 1
    earlier = set().union(*(_sites(p) for p in files))
    for page in spec["pages"]:
        assert page["source"] in spec["sources"] and page["split"] == "heldout"
        assert page["site"] not in earlier, page["site"]
        assert re.fullmatch(r"[0-9a-f]{7,40}", page.get("commit", "0000000"))
        if page["type"] == "list":
            assert "note" not in page and "labels" not in page
        else:
            assert page["note"]["first"] and page["note"]["last"]
            assert set(page["labels"]) == set(FIELDS)
    for source in spec["sources"].values():
        assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]) and source["repo"].count("/") == 1
    used = {s["repo"] for p in files for s in json.loads(p.read_text(encoding="utf-8")).get("sources", {}).values()}
    assert not used & {s["repo"] for s in spec["sources"].values()}
    per_site = Counter(p["site"] for p in spec["pages"])
    assert max(per_site.values()) <= 3 and len(per_site) >= min_sites
    types = Counter(p["type"] for p in spec["pages"])
    assert all(types[t] >= k for t, k in min_types.items()), types
    labelled = [p["labels"] for p in spec["pages"] if "labels" in p]
    if both_numbers:
        assert any(lab["doc_number"] and lab["index_no"] for lab in labelled)
    else:
        assert any(lab["index_no"] for lab in labelled)


@pytest.mark.parametrize("n", sorted(SETS))
def test_pages_are_read_from_the_checkout_each_names_at_the_pinned_commit(tmp_path, n):
    flag = f"--set{n}"
    repo, (first,) = _repo(tmp_path, "one", {"index.html": "<html><body><p>第一段正文。</p></body></html>"})
    spec = {
        "sources": {"one": {}, "two": {}},
        "pages": [
            {"page": "a", "source": "one", "path": "index.html", "commit": first, "type": "list", "split": "heldout"},
            {"page": "b", "source": "two", "path": "index.html", "type": "list", "split": "heldout"},
        ],
    }
    (repo / "index.html").write_text("<html><body><p>改过的页面。</p></body></html>", encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "commit", "-qam", "edited"], check=True)  # HEAD now differs from the pinned commit
    page_set = SixthSet(f"set {n}", spec, named_checkouts([f"one={repo}"], spec["sources"], flag), None)
    assert [p["page"] for p in page_set.pages] == ["a"]
    assert "第一段正文" in page_set.html(page_set.pages[0])  # read at the page's commit, not HEAD
    real = json.loads(SETS[n][0].read_text(encoding="utf-8"))["sources"]
    name = next(iter(real))
    assert set(named_checkouts([f"{name}={repo}"], real, flag)) == {name}
    with pytest.raises(SystemExit, match=flag):
        named_checkouts([f"three={repo}"], real, flag)
