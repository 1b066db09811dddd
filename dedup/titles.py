"""Document titles on duplicate reports (both backends name sources the same way).

``titles_of(doc_ids) -> {doc_id: title}`` is the backend's batch title lookup.
"""

from __future__ import annotations


def title_check_sources(report: dict, titles_of) -> dict:
    """Set ``title`` on every source of a ``check_draft`` report (matches and totals)."""
    sources = [s for m in report.get("matches", []) for s in m.get("sources", [])]
    sources += report.get("sources", []) if isinstance(report.get("sources"), list) else []
    titles = titles_of([s["doc_id"] for s in sources if "doc_id" in s])
    for s in sources:
        if "doc_id" in s:
            s["title"] = titles.get(s["doc_id"], "")
    return report


def title_occurrences(items: list[dict], titles_of) -> list[dict]:
    """Set ``title`` on every occurrence of boilerplate items."""
    titles = titles_of([o["doc_id"] for item in items for o in item["occurrences"]])
    for item in items:
        for o in item["occurrences"]:
            o["title"] = titles.get(o["doc_id"], "")
    return items
