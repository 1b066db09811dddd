"""Page set 6 of bench/eval_extract_external.py: pages read from several checkouts (one
named per page, at HEAD or at a given commit), gold from annotations, labels for metadata."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from eval_extract_external import FIELDS, PAGES6, SixthSet, named_checkouts  # noqa: E402

PAGE = "<html><body><div>首页 导航</div><p>第一段正文。</p><p>分享到</p><p>第二段正文。</p></body></html>"


def _repo(tmp_path: Path, name: str, files: dict[str, str]) -> tuple[Path, list[str]]:
    """A git repository with one commit per file (in order); returns it and the commits."""
    repo = tmp_path / name
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    commits = []
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
        subprocess.run([*git, "add", rel], check=True)
        subprocess.run([*git, "commit", "-q", "-m", rel], check=True)
        commits.append(
            subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True).stdout.decode().strip()
        )
    return repo, commits


def test_pages_are_read_from_their_own_checkout_and_commit(tmp_path):
    a, _ = _repo(tmp_path, "a", {"p/统计公报.html": PAGE})
    b, commits = _repo(tmp_path, "b", {"old.jsp": "<html><body><ul><li><a href=/x>一</a></li></ul></body></html>"})
    subprocess.run(["git", "-C", str(b), "rm", "-q", "old.jsp"], check=True)
    spec = {
        "sources": {"a": {}, "b": {}},
        "pages": [
            {
                "page": "n",
                "source": "a",
                "path": "p/统计公报.html",
                "type": "gov_notice",
                "split": "heldout",
                "gold": "annotated",
                "note": {"first": "第一段", "last": "第二段", "drop": ["分享到"]},
            },
            {"page": "l", "source": "b", "path": "old.jsp", "commit": commits[0], "type": "list", "split": "heldout"},
        ],
    }
    checkouts = named_checkouts([f"a={a}", f"b={b}"], spec["sources"])
    pages = SixthSet("set 6", spec, checkouts, None)
    notice, index = pages.pages
    assert pages.gold(notice) == "第一段正文。\n第二段正文。"
    assert "<li>" in pages.html(index) and pages.gold(index) == ""


def test_a_page_whose_checkout_is_not_given_is_left_out(tmp_path):
    a, _ = _repo(tmp_path, "a", {"x.html": PAGE})
    spec = {
        "sources": {"a": {}, "b": {}},
        "pages": [{"page": "x", "source": "b", "path": "x.html", "split": "heldout"}],
    }
    assert SixthSet("set 6", spec, named_checkouts([f"a={a}"], spec["sources"]), None).pages == []


def test_a_checkout_must_be_named_by_one_of_the_sources(tmp_path):
    with pytest.raises(SystemExit):
        named_checkouts([str(tmp_path)], {"job": {}})
    with pytest.raises(SystemExit):
        named_checkouts([f"other={tmp_path}"], {"job": {}})


def test_the_committed_set_is_complete():
    spec = json.loads(PAGES6.read_text(encoding="utf-8"))
    sites = set()
    for page in spec["pages"]:
        assert page["source"] in spec["sources"] and page["split"] == "heldout"
        sites.add(page["site"])
        if page["type"] == "list":
            assert "note" not in page and "labels" not in page
        else:
            assert page["note"]["first"] and page["note"]["last"]
            assert set(page["labels"]) == set(FIELDS)
    assert len(sites) >= 3
