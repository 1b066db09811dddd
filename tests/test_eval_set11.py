"""Page set 11 of bench/eval_extract_external.py: the committed page file and the --set11 flag."""

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

from eval_extract_external import FIELDS, PAGES10, PAGES11, SixthSet, named_checkouts  # noqa: E402
from test_eval_set6 import _repo  # noqa: E402
from test_eval_set9 import _sites, earlier_sets  # noqa: E402


def test_the_committed_set_is_complete_and_every_site_is_new():
    spec = json.loads(PAGES11.read_text(encoding="utf-8"))
    files = earlier_sets(PAGES11)
    assert PAGES10 in files and len(files) == 10
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
    assert max(per_site.values()) <= 3 and len(per_site) >= 10
    types = Counter(p["type"] for p in spec["pages"])
    assert types["list"] >= 4 and types["news"] >= 8
    assert any(p["labels"]["index_no"] for p in spec["pages"] if "labels" in p)


def test_set11_pages_are_read_from_the_checkout_each_names_at_the_pinned_commit(tmp_path):
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
    page_set = SixthSet("set 11", spec, named_checkouts([f"one={repo}"], spec["sources"], "--set11"), None)
    assert [p["page"] for p in page_set.pages] == ["a"]
    assert "第一段正文" in page_set.html(page_set.pages[0])  # read at the page's commit, not HEAD
    real = json.loads(PAGES11.read_text(encoding="utf-8"))["sources"]
    name = next(iter(real))
    assert set(named_checkouts([f"{name}={repo}"], real, "--set11")) == {name}
    with pytest.raises(SystemExit, match="--set11"):
        named_checkouts([f"three={repo}"], real, "--set11")
