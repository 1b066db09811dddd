"""The trace as an SVG timeline, drawn on the server (no script, no CDN).

One row per region (in the order the regions first used the wording), years
left to right; a dot per (region, year) sized by its documents, the first
document of each region outlined, the very first user in red; bars along the
bottom count the documents per year. Every text is escaped.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

WIDTH = 760
LEFT = 120
RIGHT = 20
TOP = 28
ROW = 22
BARS = 60
MAX_ROWS = 40


def timeline_svg(trace: dict) -> str:
    """An <svg> element for a trace result (``trace.trace_text``); empty string when nothing is dated."""
    occs = [o for o in trace.get("occurrences", []) if o.get("year")]
    if not occs:
        return ""
    regions: list[str] = []
    for o in occs:
        r = o["region"] or "未知"
        if r not in regions:
            regions.append(r)
    hidden = max(0, len(regions) - MAX_ROWS)
    regions = regions[:MAX_ROWS]
    y0, y1 = min(o["year"] for o in occs), max(o["year"] for o in occs)
    if y1 == y0:
        y0, y1 = y0 - 1, y1 + 1
    span = y1 - y0
    plot_w = WIDTH - LEFT - RIGHT
    x = lambda year: LEFT + (year - y0) * plot_w / span  # noqa: E731
    height = TOP + ROW * len(regions) + BARS + 30
    cells: dict[tuple[str, int], list[dict]] = defaultdict(list)
    per_year: dict[int, int] = defaultdict(int)
    for o in occs:
        cells[(o["region"] or "未知", o["year"])].append(o)
        per_year[o["year"]] += 1
    first = trace.get("first") or {}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" font-family="sans-serif" font-size="12">',
        f"<title>{escape(trace.get('traced', '')[:80])}：{len(occs)} 份有日期的文档</title>",
    ]
    # year grid
    step = next(s for s in (1, 2, 5, 10, 20, 50) if span / s <= 12)
    for year in range((y0 // step) * step, y1 + 1, step):
        if year < y0:
            continue
        xx = x(year)
        parts.append(
            f'<line x1="{xx:.1f}" y1="{TOP - 8}" x2="{xx:.1f}" y2="{TOP + ROW * len(regions)}" stroke="#e5e5e5"/>'
        )
        parts.append(f'<text x="{xx:.1f}" y="{TOP - 12}" text-anchor="middle" fill="#666">{year}</text>')
    seen_region: set[str] = set()
    for k, region in enumerate(regions):
        yy = TOP + ROW * k + ROW / 2
        parts.append(f'<text x="{LEFT - 8}" y="{yy + 4:.1f}" text-anchor="end">{escape(region)}</text>')
        parts.append(f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{WIDTH - RIGHT}" y2="{yy:.1f}" stroke="#f2f2f2"/>')
        for year in sorted(y for (r, y) in cells if r == region):
            docs = cells[(region, year)]
            radius = min(9.0, 3.0 + 1.5 * (len(docs) - 1))
            is_first = any(o["doc_id"] == first.get("doc_id") for o in docs)
            new_region = region not in seen_region
            seen_region.add(region)
            fill = "#c0392b" if is_first else "#2f6fb0"
            stroke = ' stroke="#111" stroke-width="1.5"' if new_region else ""
            tip = "；".join(f"{o['date']} {o['title'] or o['doc_id']}" for o in docs[:5])
            more = f" 等 {len(docs)} 份" if len(docs) > 5 else ""
            parts.append(
                f'<circle cx="{x(year):.1f}" cy="{yy:.1f}" r="{radius:.1f}" fill="{fill}" '
                f'fill-opacity="0.85"{stroke}><title>{escape(region)} {year}：{escape(tip)}{more}'
                f"</title></circle>"
            )
    # documents per year
    base = TOP + ROW * len(regions) + BARS
    top_count = max(per_year.values())
    bar_w = max(2.0, min(14.0, plot_w / (span + 1) * 0.7))
    for year, n in sorted(per_year.items()):
        h = (BARS - 12) * n / top_count
        parts.append(
            f'<rect x="{x(year) - bar_w / 2:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
            f'height="{h:.1f}" fill="#9bb7d4"><title>{year}：{n} 份</title></rect>'
        )
    parts.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#999"/>')
    parts.append(f'<text x="{LEFT - 8}" y="{base - 4}" text-anchor="end" fill="#666">每年文档数</text>')
    note = f"另有 {hidden} 个地区未画出；" if hidden else ""
    undated = trace.get("undated") or 0
    note += f"{undated} 份无日期的文档未画出" if undated else ""
    if note:
        parts.append(f'<text x="{LEFT}" y="{base + 20}" fill="#666">{escape(note)}</text>')
    parts.append("</svg>")
    return "".join(parts)
