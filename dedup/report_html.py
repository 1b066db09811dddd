"""The 查重 report as one standalone, printable HTML page in Chinese.

Used by ``govtext check --html`` and the 查重 page's download; everything is
escaped; offsets are the report's (characters of the submitted text).
"""

from __future__ import annotations

import html

_PALETTE = ["#ffd6d6", "#ffe7c2", "#fff5b8", "#d9f2c7", "#cdeffa", "#dcd6ff", "#f7d4f0", "#e6e6e6"]
_KIND_STYLE = {"quotation": "#e8e8e8", "boilerplate": "#e3ecf7"}
_KIND_ZH = {"copy": "复制", "near_copy": "复制（近似）", "quotation": "引用", "boilerplate": "套话"}

_CSS = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:60em;margin:2em auto;line-height:1.8}"
    ".draft{white-space:pre-wrap;border:1px solid #ccc;padding:1em}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.3em;vertical-align:top}"
    "mark.quotation{text-decoration:underline dotted}mark.boilerplate{text-decoration:underline wavy #88a}"
    ".rates td{text-align:right}.muted{color:#777;font-size:.9em}"
    "@media print{body{max-width:none;margin:1cm}a{color:inherit;text-decoration:none}"
    "tr,mark{page-break-inside:avoid}}"
)


def _pct(x) -> str:
    return f"{100 * float(x or 0):.1f}%"


def _source_name(s: dict) -> str:
    return s.get("title") or s.get("doc_id", "")


def render_report_html(report: dict, text: str, *, title: str = "查重报告") -> str:
    """A standalone HTML page: 重复率 by kind, the draft with matched spans
    coloured by their main source, every match with its sources (and the
    characters each really shares), and the sources' totals."""
    esc = html.escape
    colors: dict[str, str] = {}
    for s in report.get("sources", []):
        colors.setdefault(s["doc_id"], _PALETTE[len(colors) % len(_PALETTE)])
    matches = sorted(report.get("matches", []), key=lambda m: m["start"])
    parts, pos = [], 0
    for k, m in enumerate(matches):
        if m["start"] < pos:
            continue
        parts.append(esc(text[pos : m["start"]]))
        src = m["sources"][0] if m["sources"] else {}
        color = _KIND_STYLE.get(m["kind"]) or colors.get(src.get("doc_id", ""), "#ffd6d6")
        tip = f"{_KIND_ZH.get(m['kind'], m['kind'])} · {_source_name(src)}"
        parts.append(
            f'<mark class="{esc(m["kind"])}" style="background:{color}" title="{esc(tip)}" '
            f'id="m{k}"><a href="#r{k}" style="color:inherit">{esc(text[m["start"] : m["end"]])}</a></mark>'
        )
        pos = m["end"]
    parts.append(esc(text[pos:]))

    rows = []
    for k, m in enumerate(matches):
        srcs = []
        for s in m["sources"]:
            spans = "、".join(f"{int(a)}–{int(b)}" for a, b in s.get("spans", [])[:6])
            srcs.append(
                f"{esc(_source_name(s))} 第 {int(s['paragraph_index']) + 1} 段"
                f"（{int(s.get('chars', 0))} 字{('：' + spans) if spans else ''}）"
            )
        rows.append(
            f'<tr id="r{k}"><td>{k + 1}</td><td>{int(m["start"])}–{int(m["end"])}</td>'
            f"<td>{esc(m.get('kind_zh') or _KIND_ZH.get(m['kind'], m['kind']))}</td>"
            f"<td>{int(m.get('chars', 0))}</td><td>{esc(m['text'][:160])}</td>"
            f'<td>{"<br>".join(srcs) or "—"}<div class="muted">{esc(m.get("how", ""))}</div></td></tr>'
        )
    src_rows = "".join(
        f'<tr><td><span style="background:{colors.get(s["doc_id"], "#fff")}">&nbsp;&nbsp;&nbsp;</span> '
        f'{esc(_source_name(s))}<div class="muted">{esc(s["doc_id"])}</div></td>'
        f"<td>{int(s.get('chars', 0))}</td><td>{_pct(s.get('ratio'))}</td>"
        f"<td>{int(s.get('copy_chars', 0))}</td><td>{int(s.get('quotation_chars', 0))}</td>"
        f"<td>{int(s.get('boilerplate_chars', 0))}</td></tr>"
        for s in report.get("sources", [])
    )
    r = report.get("rates") or {}
    params = report.get("params", {})
    largest = report.get("largest_source")
    largest_name = next((_source_name(s) for s in report.get("sources", []) if s["doc_id"] == largest), largest)
    para_rows = "".join(
        f"<tr><td>{int(p['index']) + 1}</td><td>{int(p['chars'])}</td>"
        f"<td>{_pct(p.get('rates', {}).get('total_ratio', p.get('overlap_ratio')))}</td>"
        f"<td>{_pct(p.get('rates', {}).get('excluding_quotation_ratio', 0))}</td>"
        f"<td>{_pct(p.get('rates', {}).get('excluding_boilerplate_ratio', 0))}</td>"
        f"<td>{_pct(p.get('rates', {}).get('copy_ratio', 0))}</td></tr>"
        for p in report.get("paragraphs", [])
        if p.get("copied_chars") or p.get("rates", {}).get("total_ratio")
    )
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f"<style>{_CSS}</style></head><body>"
        f"<h1>{esc(title)}</h1>"
        f"<p>重复率（计入报告的部分）：<b>{_pct(report.get('overlap_ratio'))}</b>；"
        f"单篇最大重复比：{_pct(report.get('largest_source_ratio'))}（{esc(str(largest_name or '—'))}）；"
        f"检测字数 {int(report.get('chars', 0))}，重复字数 {int(report.get('copied_chars', 0))}。</p>"
        '<table class="rates"><tr><th>总复制比</th><th>去除引用</th><th>去除套话</th><th>复制</th>'
        "<th>引用</th><th>套话</th></tr>"
        f"<tr><td>{_pct(r.get('total_ratio'))}</td><td>{_pct(r.get('excluding_quotation_ratio'))}</td>"
        f"<td>{_pct(r.get('excluding_boilerplate_ratio'))}</td><td>{_pct(r.get('copy_ratio'))}</td>"
        f"<td>{_pct(r.get('quotation_ratio'))}</td><td>{_pct(r.get('boilerplate_ratio'))}</td></tr></table>"
        f'<p class="muted">判定规则：与文档库连续 {int(params.get("min_run", 13))} 字以上相同为复制（不足 13 字的零碎重合不计）；'
        f"改动个别字词、相似度不低于 {float(params.get('near_threshold', 0.7)):.0%} 的句子为近似复制；"
        "引号、书名号内或“指出/强调/规定/提出/要求”之后的相同文字为引用，引述语（如“第三条明确指出”）不计；"
        f"见于 {int(params.get('boilerplate_min_docs', 5))} 篇以上文档的表述或白名单中的表述为套话。"
        f"{'引用不计入重复率。' if params.get('quotes_as_citation') else ''}"
        f"{'套话不计入重复率。' if params.get('exclude_boilerplate') else ''}</p>"
        "<h2>相似来源</h2><table><tr><th>来源</th><th>重复字数</th><th>占全文</th><th>复制</th><th>引用</th>"
        f"<th>套话</th></tr>{src_rows}</table>"
        f'<h2>各段重复率</h2><table class="rates"><tr><th>段</th><th>字数</th><th>总复制比</th><th>去除引用</th>'
        f"<th>去除套话</th><th>复制</th></tr>{para_rows}</table>"
        f'<h2>全文（重复部分按来源着色）</h2><div class="draft">{"".join(parts)}</div>'
        "<h2>重复片段明细</h2><table><tr><th>#</th><th>位置（字）</th><th>类型</th><th>字数</th><th>草稿片段</th>"
        f"<th>出处（各来源实际相同的字数与位置）</th></tr>{''.join(rows)}</table></body></html>"
    )
