"""The 查重 report for people: one renderer for the page, the download and the CLI.

``enrich(report, text, backend)`` adds what the backend knows about the sources
(title, date, region, document type) and the side-by-side rows
(``report["side_by_side"]``, see dedup/sidebyside.py) to a check report; the API,
the page and ``govtext check`` all call it, so they show the same figures and
offsets. ``report_view`` shapes a report for ``templates/_check_report.html``;
``render_standalone`` renders ``templates/check_report.html`` (the printable
download and ``govtext check --html``) with Jinja2 outside Flask, from the same
partial the page includes.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from dedup.sidebyside import MAX_ROWS, pieces, side_by_side

TEMPLATES = Path(__file__).parent / "templates"
STYLE = Path(__file__).parent / "static" / "style.css"
SOURCE_COLOURS = 8  # .src0 … .src7 in style.css
MATCH_KINDS = {"copy": "复制", "near_copy": "近似", "quotation": "引用", "boilerplate": "套话"}
MAX_SOURCE_DOCS = 60  # documents read for titles, dates and paragraphs per report
META_FIELDS = ("title", "date", "region", "doc_type")


def percent(x) -> str:
    try:
        return f"{100 * float(x):.1f}%"
    except (TypeError, ValueError):
        return "—"


def _leading_paragraphs(report: dict) -> list[tuple[str, int]]:
    """(doc_id, paragraph index) of every match's leading source: the side-by-side rows'."""
    out = []
    for m in report.get("matches") or []:
        if m.get("sources"):
            s = m["sources"][0]
            out.append((s["doc_id"], int(s["paragraph_index"])))
    return list(dict.fromkeys(out))[:MAX_ROWS]


def enrich(report: dict, text: str, backend, *, with_side_by_side: bool = True) -> dict:
    """Sources' metadata on ``report["sources"]`` and on every match's sources, and
    ``report["side_by_side"]`` (unless ``with_side_by_side`` is false)."""
    sources = report.get("sources") or []
    wanted = _leading_paragraphs(report) if with_side_by_side else []
    ids = list(dict.fromkeys([s["doc_id"] for s in sources] + [d for d, _ in wanted]))[:MAX_SOURCE_DOCS]
    docs = backend.source_docs(ids, wanted)
    for s in sources + [s for m in report.get("matches") or [] for s in m.get("sources") or []]:
        doc = docs.get(s["doc_id"]) or {}
        for f in META_FIELDS:
            if doc.get(f) or f not in s:
                s[f] = doc.get(f) or s.get(f) or ""

    def paragraph_of(doc_id: str, idx: int) -> str | None:
        return ((docs.get(doc_id) or {}).get("paragraphs") or {}).get(idx)

    if with_side_by_side:
        report["side_by_side"] = side_by_side(report, text, paragraph_of)
    return report


def report_view(report: dict, text: str) -> dict:
    """The report shaped for the template: coloured draft segments, sources,
    numbered matches, side-by-side rows split into marked pieces."""
    sources = report.get("sources") or []
    # a colour per source that is the main source of some span, biggest share first;
    # sources that never lead a span are listed in grey
    leading = {
        m["sources"][0]["doc_id"]
        for m in report.get("matches") or []
        if m.get("sources") and m.get("kind") != "quotation"
    }
    colour: dict[str, int] = {}
    for s in sources:
        if s["doc_id"] in leading:
            colour[s["doc_id"]] = len(colour) % SOURCE_COLOURS
    raw = report.get("matches") or []
    number = {id(m): k + 1 for k, m in enumerate(sorted(raw, key=lambda m: (m["start"], -m["end"])))}
    matches = []
    for m in sorted(raw, key=lambda m: (m["start"], -m["end"])):
        srcs = m.get("sources") or []
        matches.append(
            {
                **m,
                "n": number[id(m)],
                "colour": "quote" if m["kind"] == "quotation" else (colour.get(srcs[0]["doc_id"], 0) if srcs else 0),
            }
        )
    segments: list[dict] = []
    pos = 0
    for m in matches:
        if m["start"] < pos:
            continue
        if m["start"] > pos:
            segments.append({"text": text[pos : m["start"]]})
        segments.append({"text": text[m["start"] : m["end"]], "match": m})
        pos = m["end"]
    if pos < len(text):
        segments.append({"text": text[pos:]})
    view_sources = [{**s, "colour": colour.get(s["doc_id"], "none")} for s in sources]
    titles = {s["doc_id"]: s.get("title", "") for s in view_sources}
    rows = []
    for row in report.get("side_by_side") or []:
        draft, source = pieces(row, text)
        rows.append(
            {
                **row,
                "title": titles.get(row["doc_id"]) or _title_in_matches(raw, row["doc_id"]),
                "numbers": sorted(number[id(raw[k])] for k in row["matches"] if 0 <= k < len(raw)),
                "draft_pieces": draft,
                "source_pieces": source,
            }
        )
    return {"segments": segments, "sources": view_sources, "matches": matches, "side_by_side": rows}


def _title_in_matches(matches: list[dict], doc_id: str) -> str:
    for m in matches:
        for s in m.get("sources") or []:
            if s["doc_id"] == doc_id and s.get("title"):
                return s["title"]
    return ""


def _no_link(*_args, **_kw) -> str:
    return ""


@lru_cache(maxsize=1)
def _env():
    import jinja2

    from service.doc_types import doc_type_name

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.ChainableUndefined,
    )
    env.globals.update(percent=percent, MATCH_KINDS=MATCH_KINDS)
    env.filters["doc_type"] = doc_type_name
    return env


def render_standalone(report: dict, text: str, *, title: str = "查重报告") -> str:
    """The printable report as one standalone HTML page (styles inline, no links
    back to the server): the same partial as the 查重 page."""
    return (
        _env()
        .get_template("check_report.html")
        .render(
            report=report,
            text=text,
            view=report_view(report, text),
            title=title,
            css=Markup(STYLE.read_text(encoding="utf-8").replace("</", "<\\/")),
            generated=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            doc_href=_no_link,
            trace_href=_no_link,
            standalone=True,
        )
    )
