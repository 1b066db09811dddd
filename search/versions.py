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


# -- editions across duplicate groups ------------------------------------------------
# A law rewritten by an amendment is no copy of its old text, so no duplicate group links
# the two; the documents' edition key does: the title (spaces and bracket widths folded)
# and the region, for the types whose same title means the same instrument. A national
# 政府工作报告 of 2023 is no edition of that of 2019, so reports get no key.

#: doc_type values (declared in JSONL, or nlp's type id) whose same-titled documents are editions
EDITION_TYPES = frozenset({"law", "regulation", "judicial"})
#: bump when edition_key changes: stores recompute their keys on open
EDITION_SCHEME = "1"


def edition_key(title: str, doc_type: str, region: str) -> str:
    """The key shared by the editions of one law, regulation or judicial interpretation:
    ``region|title``; '' for other types and for untitled documents."""
    key = _title_key(title)
    if not key or doc_type not in EDITION_TYPES:
        return ""
    return f"{region}|{key}"


#: a document's edition status (the ``status`` facet and filter), for edition types only:
#: 现行 the newest of two or more dated editions, 已修订 an older one, 未见修订 no other
#: dated edition in the corpus (whether it is still in force is not known here), 版本不详
#: undated beside dated editions (never ordered against them)
SINGLE, UNDATED = "未见修订", "版本不详"
STATUSES = (CURRENT, REVISED, SINGLE, UNDATED)


def edition_status(date: str, edition_dates: list[str]) -> str:
    """The status of a document dated ``date`` among its editions' dates (its own included;
    [] when it has no edition key: no status)."""
    if not edition_dates:
        return ""
    dated = {_date_key(d) for d in edition_dates} - {""}
    own = _date_key(date)
    if len(dated) < 2:
        return SINGLE if own or not dated else UNDATED
    if not own:
        return UNDATED
    return CURRENT if own == max(dated) else REVISED


def swaps_editions(req) -> bool:
    """Whether a search page may show the newest edition in place of the one that matched:
    ranked by relevance, and no filter the newest might not pass (year, theme, site, city,
    status; region and type are part of the key)."""
    lo, hi = req.year_range()
    return (
        req.sort == "relevance"
        and lo is None
        and hi is None
        and not (req.themes or req.site or req.city or req.statuses)
    )


def page_editions(page: list[dict], editions: dict[str, list[dict]], swap: bool) -> list[tuple[int, str, list[dict]]]:
    """Which of a result page's hits to show, as what, with which version chain.

    ``page``: the hits in rank order, each {"id", "date", "versions"} (its in-group chain,
    maybe []); ``editions``: hit id -> its same-key documents ({"id", "title", "date"},
    itself included). Returns (position in ``page``, id to show, chain) for the hits kept:
    a dated hit with a dated edition of another date gets the chain of all of them, newest
    first, and with ``swap`` shows the newest (现行) instead; a hit whose edition is already
    shown higher on the page is folded into it (dropped). Undated editions are 日期不详:
    listed nowhere, never ordered."""
    out: list[tuple[int, str, list[dict]]] = []
    seen: set[str] = set()
    for pos, hit in enumerate(page):
        chain = hit.get("versions") or []
        members = editions.get(hit["id"]) or []
        if len(members) > 1 and _date_key(hit.get("date", "")):
            chain = version_chain(_one_per_date(hit["id"], members + chain), hit["id"]) or chain
        shown = chain[0]["id"] if chain and swap else hit["id"]
        linked = {hit["id"], shown, *(v["id"] for v in chain)}
        if hit["id"] in seen or shown in seen:
            continue
        seen |= linked
        out.append((pos, shown, chain))
    return out


def _one_per_date(doc_id: str, members: list[dict]) -> list[dict]:
    """One document per date (``doc_id`` for its own): two documents of one title and one
    date are one edition twice (two sources), not a revision of each other."""
    by_date: dict[str, dict] = {}
    for m in sorted(members, key=lambda m: m["id"] != doc_id):
        by_date.setdefault(_date_key(m.get("date", "")), m)
    return list(by_date.values())


def with_editions(members: list[dict], editions: list[dict], doc_id: str) -> list[dict]:
    """``doc_id``'s copies (its duplicate group) and, when it is dated, its dated editions
    outside the group (an undated one is ordered against none)."""
    ids = {m["id"] for m in members}
    dated = [e for e in _one_per_date(doc_id, editions) if _date_key(e.get("date", ""))]
    if doc_id not in {e["id"] for e in dated} or len(dated) < 2:
        return members
    return members + [e for e in dated if e["id"] not in ids]
