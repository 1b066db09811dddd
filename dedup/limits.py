"""Caps on a draft-check report, so one request's answer stays a bounded size.

The ratios are computed over every match before the caps apply; only the
lists are cut. A capped report says so: ``limits`` holds the caps and
``truncated`` how many matches were left out (0 when none).
"""

from __future__ import annotations

import bisect

#: matches listed per draft paragraph (the longest are kept)
MAX_MATCHES_PER_PARAGRAPH = 50
#: matches listed per report
MAX_MATCHES = 1000


def cap_report(report: dict, *, max_matches: int = MAX_MATCHES, per_paragraph: int = MAX_MATCHES_PER_PARAGRAPH) -> dict:
    matches = report.get("matches", [])
    starts = [p["start"] for p in report.get("paragraphs", [])]
    by_paragraph: dict[int, list[int]] = {}
    for i, m in enumerate(matches):
        by_paragraph.setdefault(max(0, bisect.bisect_right(starts, m["start"]) - 1), []).append(i)
    keep = set()
    for idx in by_paragraph.values():
        idx = sorted(idx, key=lambda i: (-(matches[i]["end"] - matches[i]["start"]), i))[:per_paragraph]
        keep.update(idx)
    if len(keep) > max_matches:
        keep = set(sorted(keep, key=lambda i: (-(matches[i]["end"] - matches[i]["start"]), i))[:max_matches])
    report["matches"] = [m for i, m in enumerate(matches) if i in keep]
    report["truncated"] = {"matches": len(matches) - len(keep)}
    report["limits"] = {"matches": max_matches, "matches_per_paragraph": per_paragraph}
    return report
