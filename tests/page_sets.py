"""Page sets 12 and later of bench/eval_extract_external.py as the tests read them: each set's page
file, and a page's HTML from the saved-site checkout where `fetch` put it (beside the repository,
under .mirror); a test that needs a page skips when its checkout is not there."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from eval_extract_external import SOURCE_SETS, Checkout, decode_bytes  # noqa: E402

MIRROR = ROOT.parent / ".mirror"


def string_values(node: object, key: str) -> set[str]:
    """Every string value of ``key`` anywhere in a page file's JSON (its sites, its repositories)."""
    if isinstance(node, dict):
        found = {node[key]} if isinstance(node.get(key), str) else set()
        return found.union(*(string_values(v, key) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(string_values(v, key) for v in node))
    return set()


def spec(n: int) -> dict:
    return json.loads(SOURCE_SETS[n].read_text(encoding="utf-8"))


def checkout_path(spec: dict, source: str) -> Path:
    return MIRROR / spec["sources"][source]["repo"].replace("/", "+") / "repo"


def page_bytes(spec: dict, page: dict) -> bytes:
    path = checkout_path(spec, page["source"])
    if not path.exists():
        pytest.skip(f"{path} not fetched")
    commit = page.get("commit") or spec["sources"][page["source"]]["commit"]
    return Checkout(str(path)).read(page["path"], commit)


def page_html(spec: dict, name: str) -> str:
    page = next(p for p in spec["pages"] if p["page"] == name)
    return decode_bytes(page_bytes(spec, page))[0]
