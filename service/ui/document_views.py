"""A document page (paragraphs shaded by recurrence, themes, keywords, entities,
similar documents) and its copies."""

from __future__ import annotations


from govtext.errors import GovtextError, NotFound
from search.versions import tag_relations, version_chain
from service.context import get_backend

from service.ui.common import (
    ENTITY_LABELS,
    SHADE_MIN_CHARS,
    SIMILAR_LIMIT,
    doc_type_name,
    log,
    recurrence_level,
    render_page,
    safe_href,
    theme_names,
    ui,
)


# -- documents -------------------------------------------------------------------


def _get_document(doc_id: str) -> dict:
    if len(doc_id) > 500:
        raise NotFound("文档编号太长，不存在这样的文档。")
    doc = get_backend().get(doc_id)
    if doc is None:
        raise NotFound(f"没有编号为「{doc_id}」的文档。")
    return doc


def _paragraph_themes(analysis: dict, n: int) -> list[list[str]]:
    """Per paragraph, the theme ids tagged on it, whatever shape the NLP stage stores."""
    raw = analysis.get("paragraph_themes")
    out: list[list[str]] = [[] for _ in range(n)]
    if not raw:
        return out

    def ids(items) -> list[str]:
        got = []
        for item in items or []:
            if isinstance(item, dict):
                if item.get("id"):
                    got.append(str(item["id"]))
            elif isinstance(item, str):
                got.append(item)
        return got

    if isinstance(raw, dict):
        for key, items in raw.items():
            if str(key).isdigit() and int(key) < n:
                out[int(key)] = ids(items)
    elif isinstance(raw, list):
        if raw and all(isinstance(x, dict) and ("index" in x or "paragraph" in x) for x in raw):
            for x in raw:
                i = x.get("index", x.get("paragraph"))
                if isinstance(i, int) and 0 <= i < n:
                    out[i] = ids(x.get("themes") or ([x] if x.get("id") else []))
        else:
            for i, items in enumerate(raw[:n]):
                out[i] = ids(items if isinstance(items, list) else [items])
    return out


def _entity_groups(entities) -> list[dict]:
    """Entities as [{label, values:[str]}], whatever the NLP stage's shape."""
    if not isinstance(entities, dict):
        return []
    groups = []
    for key, items in entities.items():
        if not items:
            continue
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            items = [items]
        values = []
        for item in items:
            if isinstance(item, dict):
                text = item.get("text") or item.get("name") or item.get("value") or item.get("title")
                if not text:
                    text = " ".join(str(v) for v in item.values() if isinstance(v, str) and v)
                count = item.get("count")
                values.append(f"{text}（{count}）" if isinstance(count, int) and count > 1 else str(text))
            else:
                values.append(str(item))
        values = [v for v in dict.fromkeys(values) if v]
        if values:
            groups.append({"key": key, "label": ENTITY_LABELS.get(key, key), "values": values[:60]})
    return groups


def _region_label(doc: dict) -> str:
    if doc.get("region"):
        return doc["region"]
    region = (doc.get("analysis") or {}).get("primary_region")
    if isinstance(region, dict):
        parts = [region.get(k) or "" for k in ("province", "city", "county")]
        return "".join(dict.fromkeys(p for p in parts if p)) or region.get("name", "")
    return str(region or "")


@ui.get("/documents/<path:doc_id>")
def document(doc_id: str):
    doc = _get_document(doc_id)
    analysis = doc.get("analysis") or {}
    paragraphs = doc.get("paragraphs") or []
    recurrence = doc.get("paragraph_recurrence") or [1] * len(paragraphs)
    if len(recurrence) != len(paragraphs):
        recurrence = (recurrence + [1] * len(paragraphs))[: len(paragraphs)]
    try:
        similar = get_backend().similar(doc_id, limit=SIMILAR_LIMIT)
    except GovtextError as exc:
        log.warning("similar documents failed for %s: %s", doc_id, exc.message)
        similar = []
    try:  # 现行 / 已修订: the editions of this law, newest first (search/versions.py)
        versions = version_chain(get_backend().copies(doc_id), doc_id)
    except GovtextError as exc:
        log.warning("versions failed for %s: %s", doc_id, exc.message)
        versions = []
    # the API's document (GET /api/v1/documents/{id}) with the page's recurrence and similar documents
    model = {**doc, "paragraph_recurrence": recurrence, "similar": [h.to_dict() for h in similar]}
    return render_page(
        "document.html",
        model,
        lambda: {**_document_view(doc, analysis, paragraphs, recurrence, similar), "versions": versions},
    )


def _document_view(doc: dict, analysis: dict, paragraphs: list, recurrence: list, similar: list) -> dict:
    """What only the document page needs: shaded paragraphs, theme and keyword labels."""
    names = theme_names()
    para_themes = _paragraph_themes(analysis, len(paragraphs))
    rows = []
    for i, text in enumerate(paragraphs):
        n = recurrence[i]
        rows.append(
            {
                "index": i,
                "text": text,
                "recurrence": n,
                # a short line (下载, 打印, a heading) recurring is page furniture, not boilerplate
                "level": recurrence_level(n) if n and len(text.strip()) >= SHADE_MIN_CHARS else 0,
                "themes": [names.get(t, t) for t in para_themes[i]],
            }
        )
    repeated_chars = sum(len(r["text"]) for r in rows if (r["recurrence"] or 1) > 1)
    total_chars = sum(len(r["text"]) for r in rows) or 1
    keywords = [k for k in analysis.get("keywords") or [] if isinstance(k, dict) and k.get("word")]
    top = max((float(k.get("score") or 0) for k in keywords), default=0) or 1
    for k in keywords:
        k["size"] = 1 + round(3 * float(k.get("score") or 0) / top)
    doc_type = analysis.get("doc_type") or {}
    return {
        "doc": doc,
        "rows": rows,
        "names": names,
        "similar": similar,
        "themes": [
            dict(t, name=t.get("name") or names.get(t.get("id"), t.get("id"))) for t in analysis.get("themes") or []
        ],
        "keywords": keywords[:40],
        "entities": _entity_groups(analysis.get("entities")),
        "doc_type_label": doc_type_name(doc.get("doc_type") or "") or doc_type.get("name", ""),
        "region_label": _region_label(doc),
        "has_analysis": bool(analysis),
        "recurrence_shown": bool(paragraphs),
        "repeated_share": repeated_chars / total_chars,
        "source_href": safe_href(doc.get("url", "")),
    }


@ui.get("/documents/<path:doc_id>/copies")
def copies(doc_id: str):
    doc = _get_document(doc_id)
    members = tag_relations(get_backend().copies(doc_id), doc_id)
    # the API's shape (GET /api/v1/documents/{id}/copies), with the group id
    model = {"id": doc_id, "group_id": doc.get("group_id"), "copies": members}
    return render_page("copies.html", model, lambda: {"doc": doc, "members": members})
