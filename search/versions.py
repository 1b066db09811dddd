"""Versions are not reposts: successive editions of one law in a duplicate group.

A duplicate group (search/duplicates.py) holds documents whose paragraphs are
mostly copies of each other. When members share a title and differ in date
they are successive versions of one text (a law and its amended edition),
not reposts: the search shows the newest (现行) and lists the older ones
(已修订, 历史版本) instead of hiding the current text behind an older one.
Members with other titles stay 转载副本 (copies).
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"[\s　]+")
CURRENT, REVISED = "现行", "已修订"


def _title_key(title: str) -> str:
    return _SPACE.sub("", title or "").replace("（", "(").replace("）", ")")


def _date_key(date: str) -> str:
    digits = "".join(ch for ch in (date or "")[:10] if ch.isdigit())
    return digits.ljust(8, "0") if len(digits) >= 4 else ""


def version_chain(members: list[dict], shown_id: str) -> list[dict]:
    """The versions of ``shown_id``'s text among ``members`` ({"id", "title", "date"}), newest
    first with their status; [] when the group holds no two dated versions of that title."""
    by_id = {m["id"]: m for m in members}
    shown = by_id.get(shown_id)
    if shown is None:
        return []
    key = _title_key(shown.get("title", ""))
    same = [m for m in members if key and _title_key(m.get("title", "")) == key and _date_key(m.get("date", ""))]
    if len({_date_key(m["date"]) for m in same}) < 2:
        return []
    same.sort(key=lambda m: (_date_key(m["date"]), m["id"]), reverse=True)
    return [
        {
            "id": m["id"],
            "title": m.get("title", ""),
            "date": m.get("date", ""),
            "status": CURRENT if i == 0 else REVISED,
        }
        for i, m in enumerate(same)
    ]


def tag_relations(members: list[dict], doc_id: str) -> list[dict]:
    """The copies of ``doc_id`` with their relation to it: 本文, 现行 / 已修订 (versions of
    one text) or 转载副本 (a repost). One rule for the API and the page."""
    status = {v["id"]: v["status"] for v in version_chain(members, doc_id)}
    for m in members:
        m["relation"] = status.get(m["id"], "转载副本" if m["id"] != doc_id else "本文")
    return members
