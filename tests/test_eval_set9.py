"""Page set 9 of bench/eval_extract_external.py: the committed page file and the --set9 flag."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from eval_extract_external import FIELDS, PAGES9, SixthSet, named_checkouts  # noqa: E402
from test_eval_set6 import _repo  # noqa: E402


def _sites(path: Path) -> set[str]:
    from page_sets import string_values

    return string_values(json.loads(path.read_text(encoding="utf-8")), "site")


def earlier_sets(path: Path) -> list[Path]:
    """The page files of the sets numbered before ``path``'s (extract_pages.json is set 1)."""

    def number(p: Path) -> int:
        return int(p.stem.removeprefix("extract_pages") or 1)

    return [p for p in path.parent.glob("extract_pages*.json") if number(p) < number(path)]


def test_the_committed_set_is_complete_and_every_site_is_new():
    spec = json.loads(PAGES9.read_text(encoding="utf-8"))
    earlier = set().union(*(_sites(p) for p in earlier_sets(PAGES9)))
    for page in spec["pages"]:
        assert page["source"] in spec["sources"] and page["split"] == "heldout"
        assert page["site"] not in earlier, page["site"]
        if page["type"] == "list":
            assert "note" not in page and "labels" not in page
        else:
            assert page["note"]["first"] and page["note"]["last"]
            assert set(page["labels"]) == set(FIELDS)
    assert len({p["site"] for p in spec["pages"]}) >= 20


def test_set9_pages_are_read_from_the_checkout_each_names(tmp_path):
    repo, _ = _repo(tmp_path, "one", {"index.html": "<html><body><p>第一段正文。</p></body></html>"})
    spec = {
        "sources": {"one": {}, "two": {}},
        "pages": [
            {"page": "a", "source": "one", "path": "index.html", "type": "list", "split": "heldout"},
            {"page": "b", "source": "two", "path": "index.html", "type": "list", "split": "heldout"},
        ],
    }
    page_set = SixthSet("set 9", spec, named_checkouts([f"one={repo}"], spec["sources"], "--set9"), None)
    assert [p["page"] for p in page_set.pages] == ["a"]
    assert "第一段正文" in page_set.html(page_set.pages[0])
    with pytest.raises(SystemExit, match="--set9"):
        named_checkouts([f"three={repo}"], spec["sources"], "--set9")
