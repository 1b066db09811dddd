"""The 查重 page (a draft or an uploaded file against the corpus, the report and its
download) and the boilerplate page."""

from __future__ import annotations


from flask import Response, request, url_for

from govtext.errors import BadInput
from service.context import get_backend, get_settings
from service.report_view import enrich, render_standalone, report_view

from service.ui.common import (
    BOILERPLATE_LIMIT,
    _int_param,
    _optional_int_param,
    check_draft,
    doc_titles,
    render_page,
    ui,
    wants_json,
)


# -- 查重 ----------------------------------------------------------------------------


def _page_links() -> dict:
    """Links the report partial needs on the page (the download has none)."""

    def doc_href(doc_id: str, idx=None) -> str:
        url = url_for("ui.document", doc_id=doc_id)
        return url + (f"#p{int(idx)}" if idx is not None else "")

    def trace_href(text: str) -> str:
        return url_for("tracing_ui.trace_page", text=text)

    return {"doc_href": doc_href, "trace_href": trace_href}


@ui.route("/check", methods=["GET", "POST"])
def check():
    if request.method == "GET":
        usage = {
            "available": True,
            "usage": 'POST text=… (form) to /check?format=json, or JSON {"text": …} to /api/v1/check',
        }
        return render_page("check.html", usage, lambda: {"text": "", "report": None, "available": True})
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
    report = enrich(check_draft(text, quotes, **options), text, get_backend())
    if request.args.get("format") == "html":  # the downloadable, printable report
        return Response(
            render_standalone(report, text),
            mimetype="text/html",
            headers={"Content-Disposition": 'attachment; filename="chachong-report.html"'},
        )
    # the API's report (POST /api/v1/check) for the same draft and options
    return render_page(
        "check.html",
        report,
        lambda: {
            "text": text,
            "report": report,
            "view": report_view(report, text),
            **_page_links(),
            "quotes": quotes,
            "options": options,
            "available": True,
        },
    )


# -- boilerplate -------------------------------------------------------------------


@ui.get("/boilerplate")
def boilerplate():
    from service.api.dedup import boilerplate_page

    args = {
        "min_docs": _int_param("min_docs", 3, 2, 100000),
        "limit": _int_param("limit", BOILERPLATE_LIMIT, 1, 200),
        "offset": _int_param("offset", 0, 0, 10000),
        "q": _str_param("q", 200),
        "kind": _str_param("kind", 20),
        "doc_type": _str_param("doc_type", 50),
        "region": _str_param("region", 50),
        "year": _optional_int_param("year", 1900, 2100),
        "variants": 1000 if wants_json() else 50,
    }
    page = boilerplate_page(args)  # the API's page (GET /api/v1/boilerplate)
    return render_page("boilerplate.html", page, lambda: _boilerplate_view(page))


def _boilerplate_view(page: dict) -> dict:
    """The page's occurrence previews (first three documents) and the documents' titles."""
    items = page["items"]
    titles = doc_titles([o["doc_id"] for b in items for o in b.get("occurrences", [])])
    for b in items:
        seen: dict[str, dict] = {}
        for o in b.get("occurrences", []):
            seen.setdefault(o["doc_id"], o)
        b["preview"] = list(seen.values())[:3]
    return {"page": page, "items": items, "titles": titles, "min_docs": page["min_docs"]}


def _str_param(name: str, max_len: int) -> str:
    value = request.args.get(name, "").strip()
    if len(value) > max_len:
        raise BadInput(f"{name} is too long (at most {max_len} characters)")
    return value
