"""Web pages of the tracing features: 提法溯源, 修订对照, 上位法对照 and watches.

Each page has a JSON twin (``?format=json``), the same data as the API. The
trace timeline is an inline SVG drawn by ``tracing/timeline.py``; nothing is
fetched from elsewhere. Errors get the same Chinese error page as the rest of
the UI (``service/ui.py``).
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from govtext.errors import BadInput, GovtextError, Unauthorized
from service.context import get_backend, get_settings
from service.ui.common import _error_response, _int_param, _optional_int_param, doc_type_name, render_page, wants_json

tracing_ui = Blueprint("tracing_ui", __name__, template_folder="templates")

STATUS_LABELS = {"unchanged": "未变", "renumbered": "仅条号变化", "changed": "修改", "added": "新增", "deleted": "删除"}
KIND_LABELS = {"exact": "相同", "contains": "包含", "near": "近似", "copy": "照搬", "adapted": "改写"}


@tracing_ui.errorhandler(GovtextError)
def _govtext_error(exc: GovtextError):
    return _error_response(exc.status, exc.code, exc.message)


@tracing_ui.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return _error_response(
        exc.code or 500, (exc.name or "error").lower().replace(" ", "_"), exc.description or exc.name
    )


@tracing_ui.app_context_processor
def _context():
    return {"STATUS_LABELS": STATUS_LABELS, "KIND_LABELS": KIND_LABELS}


def _source():
    from tracing.source import source_for

    return source_for(get_backend())


@tracing_ui.get("/trace")
def trace_page():
    from tracing.timeline import timeline_svg
    from tracing.trace import trace_paragraph, trace_text

    text = request.args.get("text", "")
    doc = request.args.get("doc", "")
    result = None
    if doc:
        n = _int_param("n", 0, 0, 1_000_000)
        result = trace_paragraph(_source(), doc, n)
    elif text.strip():
        result = trace_text(_source(), text)
    elif "text" in request.args and wants_json():
        raise BadInput("请输入要溯源的提法或段落。", code="empty_passage")
    return render_page(
        "tracing_trace.html",
        result or {"usage": "GET /trace?text=… or /trace?doc=ID&n=N"},
        lambda: {
            "text": result["query"] if result else text,
            "result": result,
            "svg": Markup(timeline_svg(result)) if result else "",
        },
    )


@tracing_ui.get("/diff")
def diff_page():
    from tracing.diff import diff_documents, editions

    a, b = request.args.get("a", "").strip(), request.args.get("b", "").strip()
    doc = request.args.get("doc", "").strip() or a or b
    source = _source()
    chain = editions(source, doc) if doc else []
    if doc and not (a and b) and len(chain) >= 2:  # a version chain: compare its last two editions
        if not wants_json():
            return redirect(url_for("tracing_ui.diff_page", a=chain[-2]["id"], b=chain[-1]["id"]))
    result = diff_documents(source, a, b) if (a or b) else None
    return render_page(
        "tracing_diff.html",
        result or {"usage": "GET /diff?a=ID&b=ID", "editions": chain},
        lambda: {"a": a, "b": b, "result": result, "chain": chain},
    )


@tracing_ui.get("/implements")
def implements_page():
    from tracing.implements import implements

    doc = request.args.get("doc", "").strip()
    article = _optional_int_param("article", 1, 100000)
    result = implements(_source(), doc, article=article) if doc else None
    return render_page(
        "tracing_implements.html",
        result or {"usage": "GET /implements?doc=ID[&article=N]"},
        lambda: {"doc": doc, "article": article, "result": result},
    )


def _watches():
    from tracing.watches import watches_for

    return watches_for(get_backend())


def _require_token(token: str) -> None:
    settings = get_settings()
    if not settings.api_token:
        raise GovtextError(
            "服务器没有设置 GOVTEXT_API_TOKEN，不能通过网页保存关注。", code="writes_disabled", status=403
        )
    if token != settings.api_token:
        raise Unauthorized("API 令牌不对。")


@tracing_ui.route("/watches", methods=["GET", "POST"])
def watches_page():
    watches = _watches()
    if request.method == "POST":
        _require_token(request.form.get("token", ""))
        watch = watches.create(
            request.form.get("kind", ""),
            request.form.get("text", ""),
            request.form.get("name", ""),
            max_query_chars=get_settings().max_query_chars,
        )
        return redirect(url_for("tracing_ui.watch_page", watch_id=watch["id"]), code=303)
    items = watches.list()
    return render_page("tracing_watches.html", {"watches": items}, lambda: {"watches": items})


@tracing_ui.get("/watches/<int:watch_id>")
def watch_page(watch_id: int):
    result = _watches().new(watch_id, limit=_int_param("limit", 200, 1, 1000), newest=True)
    return render_page("tracing_watch.html", result, lambda: {"result": result, "watch": result["watch"]})


@tracing_ui.post("/watches/<int:watch_id>/delete")
def delete_watch(watch_id: int):
    _require_token(request.form.get("token", ""))
    _watches().delete(watch_id)
    return redirect(url_for("tracing_ui.watches_page"), code=303)


@tracing_ui.app_template_filter("type_name")
def _type_name(type_id: str) -> str:
    return doc_type_name(type_id)
