"""The 查重 page (a draft or an uploaded file against the corpus, the report and its
download) and the boilerplate page."""

from __future__ import annotations


from flask import Response, jsonify, render_template, request

from govtext.errors import BadInput
from service.context import get_backend, get_settings

from service.ui.common import (
    BOILERPLATE_LIMIT,
    SOURCE_COLOURS,
    _int_param,
    check_draft,
    doc_titles,
    json_url,
    ui,
    wants_json,
)


# -- 查重 ----------------------------------------------------------------------------


def _report_view(report: dict, text: str) -> dict:
    """The report shaped for the template: coloured draft segments, sources, matches."""
    sources = report.get("sources") or []
    # a colour per source that is the main source of some span, biggest share first;
    # sources that never lead a span are listed in grey
    leading = {
        m["sources"][0]["doc_id"]
        for m in report.get("matches") or []
        if m.get("sources") and m.get("kind") != "quotation"
    }
    colour: dict[str, int | str] = {}
    for s in sources:
        if s["doc_id"] in leading:
            colour[s["doc_id"]] = len(colour) % SOURCE_COLOURS
    match_ids = [s["doc_id"] for m in report.get("matches", []) for s in m.get("sources", [])]
    titles = doc_titles([s["doc_id"] for s in sources] + match_ids)
    segments, pos = [], 0
    matches = sorted(report.get("matches") or [], key=lambda m: (m["start"], -m["end"]))
    for k, m in enumerate(matches):
        m["n"] = k + 1
        srcs = m.get("sources") or []
        m["colour"] = "quote" if m["kind"] == "quotation" else (colour.get(srcs[0]["doc_id"], 0) if srcs else 0)
        if m["start"] < pos:
            continue
        if m["start"] > pos:
            segments.append({"text": text[pos : m["start"]]})
        segments.append({"text": text[m["start"] : m["end"]], "match": m})
        pos = m["end"]
    if pos < len(text):
        segments.append({"text": text[pos:]})
    for s in sources:
        s["title"] = titles.get(s["doc_id"], "")
        s["colour"] = colour.get(s["doc_id"], "none")
    # the source paragraph of each match's first source, for side-by-side reading
    wanted = {(s["doc_id"], s["paragraph_index"]) for m in matches for s in (m.get("sources") or [])[:1]}
    paragraphs = _source_paragraphs(wanted)
    for m in matches:
        for s in m.get("sources") or []:
            s["title"] = titles.get(s["doc_id"], "")
        first = (m.get("sources") or [None])[0]
        m["source_text"] = paragraphs.get((first["doc_id"], first["paragraph_index"]), "") if first else ""
    return {"segments": segments, "sources": sources, "matches": matches}


def _source_paragraphs(wanted: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The text of the (document, paragraph index) pairs a report cites."""
    docs: dict[str, list[str]] = {}
    out = {}
    for doc_id, idx in sorted(wanted)[:500]:
        if doc_id not in docs:
            docs[doc_id] = (get_backend().get(doc_id) or {}).get("paragraphs") or []
        if 0 <= idx < len(docs[doc_id]):
            out[(doc_id, idx)] = docs[doc_id][idx]
    return out


@ui.route("/check", methods=["GET", "POST"])
def check():
    if request.method == "GET":
        if wants_json():
            return jsonify(
                {
                    "available": True,
                    "usage": 'POST text=… (form) to /check?format=json, or JSON {"text": …} to /api/v1/check',
                }
            )
        return render_template("check.html", text="", report=None, available=True, json_url=json_url())
    from service.api.dedup import check_options

    upload = request.files.get("file")
    if upload is not None and upload.filename:
        from service.upload import draft_from_upload

        text = draft_from_upload(upload)
    else:
        text = request.form.get("text", "")
    text = text.replace("\r\n", "\n")  # browsers send CRLF: one offset model with the API and the CLI
    quotes = request.form.get("quotes") in ("1", "on", "true", "yes")
    options = check_options(
        {k: v for k, v in request.form.items() if k in ("exclude_boilerplate", "whitelist")}, form=True
    )
    options.pop("quotes_as_citation")
    if not text.strip():
        raise BadInput("请粘贴要检查的草稿文字，或上传 .docx / .pdf / .txt 文件。", code="empty_draft")
    if len(text) > get_settings().max_draft_chars:
        raise BadInput(f"草稿太长（{len(text)} 字），上限为 {get_settings().max_draft_chars} 字。")
    report = check_draft(text, quotes, **options)
    if request.args.get("format") == "html":  # the downloadable, printable report
        from dedup.report_html import render_report_html

        return Response(
            render_report_html(report, text),
            mimetype="text/html",
            headers={"Content-Disposition": 'attachment; filename="chachong-report.html"'},
        )
    if wants_json():
        return jsonify(report)
    return render_template(
        "check.html",
        text=text,
        report=report,
        view=_report_view(report, text),
        quotes=quotes,
        options=options,
        available=True,
        json_url=json_url(),
    )


# -- boilerplate -------------------------------------------------------------------


@ui.get("/boilerplate")
def boilerplate():
    min_docs = _int_param("min_docs", 3, 2, 100000)
    limit = _int_param("limit", BOILERPLATE_LIMIT, 1, 200)
    items = get_backend().boilerplate(min_docs=min_docs, limit=limit)
    if wants_json():
        return jsonify({"min_docs": min_docs, "items": items})
    titles = doc_titles([o["doc_id"] for b in items for o in b.get("occurrences", [])])
    for b in items:
        seen: dict[str, dict] = {}
        for o in b.get("occurrences", []):
            seen.setdefault(o["doc_id"], o)
        b["preview"] = list(seen.values())[:3]
    return render_template("boilerplate.html", items=items, titles=titles, min_docs=min_docs, json_url=json_url())
