"""A search page exported as CSV or JSON Lines (at most EXPORT_MAX hits)."""

from __future__ import annotations

import csv
import html
import io
import json

from flask import Response, request

from govtext.errors import BadInput
from service.context import get_backend

from service.ui.search_views import _search_request
from service.ui.common import (
    EXPORT_MAX,
    _MARK,
    theme_names,
    ui,
)


# -- export of a search page ------------------------------------------------------


def _export_hits():
    """Every hit of the current query and filters, up to ``EXPORT_MAX`` (or ``max``)."""
    raw = request.args.get("max", "")
    try:
        wanted = int(raw) if raw else EXPORT_MAX
    except ValueError:
        raise BadInput(f"max must be an integer, got {raw[:40]!r}") from None
    wanted = max(1, min(wanted, EXPORT_MAX))
    req = _search_request(limit=min(100, wanted))
    req.facets = False
    start = req.offset
    backend = get_backend()
    hits: list = []
    while len(hits) < wanted:
        req.offset = start + len(hits)
        req.limit = min(100, wanted - len(hits))
        page = backend.search(req)
        hits.extend(page.hits)
        if len(page.hits) < req.limit or req.offset + req.limit > 10000:
            break
    return hits[:wanted]


def snippet_text(snippet: str) -> str:
    return html.unescape(_MARK.sub("", snippet or ""))


def _export_rows():
    names = theme_names()
    for rank, hit in enumerate(_export_hits(), 1):
        yield {
            "rank": rank,
            "id": hit.id,
            "title": hit.title,
            "date": hit.date,
            "region": hit.region,
            "doc_type": hit.doc_type,
            "source": hit.source,
            "url": hit.url,
            "score": hit.score,
            "themes": [names.get(t, t) for t in hit.themes],
            "theme_ids": hit.themes,
            "copies": hit.copies,
            "group_id": hit.group_id,
            "snippet": snippet_text(hit.snippet),
        }


def _csv_cell(value) -> str:
    """Stringify for CSV; neutralize spreadsheet formulas (=, +, -, @ at the start)."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def _download_name(ext: str) -> str:
    return f"govtext-search.{ext}"


@ui.get("/export.csv")
def export_csv():
    rows = list(_export_rows())
    buf = io.StringIO()
    buf.write("\ufeff")  # so spreadsheet programs read UTF-8 Chinese correctly
    fields = [
        "rank",
        "id",
        "title",
        "date",
        "region",
        "doc_type",
        "source",
        "url",
        "score",
        "themes",
        "theme_ids",
        "copies",
        "group_id",
        "snippet",
    ]
    writer = csv.DictWriter(buf, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(row[k]) for k in fields})
    return Response(
        buf.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={_download_name('csv')}"},
    )


@ui.get("/export.jsonl")
def export_jsonl():
    body = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in _export_rows())
    return Response(
        body,
        content_type="application/x-ndjson; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={_download_name('jsonl')}"},
    )
