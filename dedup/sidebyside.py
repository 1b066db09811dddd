"""Side by side: each matched draft paragraph beside the source paragraph it
shares text with, the differences as character operations.

``side_by_side(report, text, paragraph_of)`` gives one row per (draft paragraph,
source paragraph) pair that some match's leading source names. Offsets are the
report's: ``draft`` ranges are characters of the submitted text (the same model
as ``matches[].start/end``); ``source`` ranges are characters of ``source_text``.
Operations read as an edit from the source to the draft (difflib's opcodes):
``equal``, ``insert`` (text only the draft has), ``delete`` (text only the source
has), ``replace`` (changed).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from difflib import SequenceMatcher

MAX_ROWS = 100  # rows in one report
MAX_SIDE = 3000  # characters of either side compared; longer paragraphs are windowed
WINDOW = 400  # characters kept either side of the match when windowing


def char_ops(source: str, draft: str) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes (tag, s1, s2, d1, d2) turning ``source`` into ``draft``."""
    return [(t, a1, a2, b1, b2) for t, a1, a2, b1, b2 in SequenceMatcher(None, source, draft).get_opcodes()]


def _draft_window(text: str, la: int, lb: int, start: int, end: int) -> tuple[int, int]:
    if lb - la <= MAX_SIDE:
        return la, lb
    a = max(la, start - WINDOW)
    return a, min(lb, max(end + WINDOW, a + 1), a + MAX_SIDE)


def _source_window(source: str, shared: str) -> tuple[int, int]:
    if len(source) <= MAX_SIDE:
        return 0, len(source)
    at = source.find(shared[:20]) if shared else -1
    a = max(0, at - WINDOW) if at >= 0 else 0
    return a, min(len(source), a + MAX_SIDE)


def side_by_side(
    report: dict, text: str, paragraph_of: Callable[[str, int], str | None], *, limit: int = MAX_ROWS
) -> list[dict]:
    """Rows {paragraph_index, start, end, draft_text, doc_id, source_paragraph_index,
    source_start, source_text, matches, ops} for ``report`` (a check_draft report of
    ``text``); ``paragraph_of(doc_id, index)`` reads a source paragraph (None: gone)."""
    paras = report.get("paragraphs") or []
    starts = [int(p["start"]) for p in paras]
    rows: dict[tuple, dict] = {}
    order = sorted(range(len(report.get("matches") or [])), key=lambda k: report["matches"][k]["start"])
    for k in order:
        m = report["matches"][k]
        srcs = m.get("sources") or []
        if not srcs or not paras:
            continue
        pi = max(0, bisect.bisect_right(starts, int(m["start"])) - 1)
        s = srcs[0]
        key = (pi, s["doc_id"], int(s["paragraph_index"]))
        if key in rows:
            row = rows[key]
            row["matches"].append(k)
            row["start"] = min(row["start"], int(m["start"]))
            row["end"] = max(row["end"], int(m["end"]))
            continue
        if len(rows) >= limit:
            continue
        rows[key] = {"key": key, "matches": [k], "start": int(m["start"]), "end": int(m["end"]), "shared": m["text"]}
    out = []
    for row in rows.values():
        pi, doc_id, sp = row["key"]
        source = paragraph_of(doc_id, sp)
        if source is None:
            continue
        p = paras[pi]
        a, b = _draft_window(text, int(p["start"]), int(p["end"]), row["start"], row["end"])
        sa, sb = _source_window(source, row["shared"])
        draft_text, source_text = text[a:b], source[sa:sb]
        ops = [
            {"op": t, "draft": [a + d1, a + d2], "source": [s1, s2]}
            for t, s1, s2, d1, d2 in char_ops(source_text, draft_text)
        ]
        out.append(
            {
                "paragraph_index": pi,
                "start": a,
                "end": b,
                "draft_text": draft_text,
                "doc_id": doc_id,
                "source_paragraph_index": sp,
                "source_start": sa,
                "source_text": source_text,
                "matches": row["matches"],
                "ops": ops,
            }
        )
    return out


def pieces(row: dict, text: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(draft pieces, source pieces) of a row, each (tag, text) with tag one of
    '' (same), 'ins' (only in the draft), 'del' (only in the source), 'mark' (changed)."""
    draft, source = [], []
    src = row["source_text"]
    for op in row["ops"]:
        (d1, d2), (s1, s2) = op["draft"], op["source"]
        t = op["op"]
        if d2 > d1:
            draft.append(({"equal": "", "insert": "ins", "replace": "mark"}.get(t, "mark"), text[d1:d2]))
        if s2 > s1:
            source.append(({"equal": "", "delete": "del", "replace": "mark"}.get(t, "mark"), src[s1:s2]))
    return draft, source
