"""提法溯源: every stored document that holds a passage, or a near copy of it.

The passage is normalized like every stored paragraph (dedup/normalize.py:
place names, placeholders and numbers masked, punctuation dropped), so a copy
whose place names or numbers changed contains it exactly in normalized form.

Candidates, then verification:

1. paragraphs whose normalized text equals the passage (exact hash, with their
   twins) and, when the passage is a whole stored paragraph, the other members
   of its paragraph cluster (its near copies);
2. paragraphs sharing the passage's winnowing keys (``winnow``): a paragraph
   that contains a passage of at least ``GUARANTEE`` (13) normalized characters
   holds every key of it, so candidates are the paragraphs holding at least
   ``NEAR_KEYS`` of them (postings read up to ``POSTINGS`` per key);
3. for a shorter phrase (坚持和发展新时代“枫桥经验” normalizes to 12 characters)
   the winnowing guarantee does not hold, and the embedded backend scans the
   normalized paragraphs for it (``instr``) instead.

A candidate *contains* the passage when its normalized text has it as a
substring; it is a *near* copy when common blocks of >= 4 characters cover at
least ``NEAR_THRESHOLD`` of the passage (difflib). Each occurrence carries the
variant's original text (the span mapped back from normalized offsets).

The result is ordered earliest first (documents without a date last), one row
per document, with the first user, the variants, and the spread by year and
by region.
"""

from __future__ import annotations

import difflib
import re
import time
from collections import Counter, defaultdict

import numpy as np

from dedup import winnow
from dedup.fingerprint import exact_hash
from dedup.normalize import normalize, normalize_text
from govtext.errors import BadInput, NotFound

MAX_PASSAGE_CHARS = 10000
MIN_NORM_CHARS = 4
POSTINGS = 4000
#: a candidate must hold this share of the passage's keys before difflib verifies it
NEAR_KEYS = 0.3
NEAR_THRESHOLD = 0.75
#: paragraphs verified at most (a stock phrase can recur in tens of thousands)
MAX_CANDIDATES = 5000
SCAN_CAP = 20000
SNIPPET_CONTEXT = 60

_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")


def validate_passage(text) -> str:
    if not isinstance(text, str):
        raise BadInput("the passage must be text", code="bad_passage")
    if len(text) > MAX_PASSAGE_CHARS:
        raise BadInput(
            f"passage too long: {len(text)} characters; trace at most {MAX_PASSAGE_CHARS} "
            "(one paragraph or phrase; check a whole draft with POST /check)",
            code="passage_too_long",
        )
    if not text.strip():
        raise BadInput("the passage is empty", code="empty_passage")
    if "\x00" in text or len(_BINARY.findall(text)) > max(4, len(text) // 100):
        raise BadInput("the passage looks binary (control characters)", code="binary_passage")
    return text


def probe_of(text: str) -> tuple[str, str]:
    """(original line traced, its normalized form): the longest line of a multi-line passage."""
    lines = [ln for ln in re.split(r"[\r\n\u2028\u2029]+", text) if ln.strip()]
    best = max(lines, key=lambda ln: len(normalize_text(ln)))
    norm = normalize_text(best).replace("\n", "")
    if len(norm.replace("□", "")) < MIN_NORM_CHARS:
        raise BadInput(
            f"the passage is too short to trace: give at least {MIN_NORM_CHARS} characters of text "
            "(punctuation, numbers and place names do not count)",
            code="passage_too_short",
        )
    return best.strip(), norm


def year_of(date: str) -> int | None:
    m = _YEAR.search(date or "")
    return int(m.group(1)) if m else None


def _coverage(q: str, norm: str) -> tuple[float, int, int]:
    """Similarity of ``q`` to the span of ``norm`` that its common blocks (>= 4 chars) cover:
    the characters in those blocks over the longer of ``q`` and the span (an insertion counts too)."""
    sm = difflib.SequenceMatcher(None, q, norm, autojunk=False)
    blocks = [b for b in sm.get_matching_blocks() if b.size >= 4]
    if not blocks:
        return 0.0, 0, 0
    covered = sum(b.size for b in blocks)
    a, b = blocks[0].b, blocks[-1].b + blocks[-1].size
    return covered / max(len(q), b - a), a, b


def match_paragraph(q: str, norm: str, near: bool = True) -> tuple[str, float, int, int] | None:
    """(kind, similarity, start, end in normalized coordinates) of ``q`` in a paragraph, or None."""
    pos = norm.find(q)
    if pos >= 0:
        return ("exact" if len(norm) == len(q) else "contains"), 1.0, pos, pos + len(q)
    if not near or len(q) < winnow.GUARANTEE:
        return None
    sim, a, b = _coverage(q, norm)
    if sim >= NEAR_THRESHOLD:
        return "near", round(sim, 3), a, b
    return None


def _key_candidates(lookup, q: str) -> list[int]:
    keys = winnow.fingerprint_keys(q)
    if not len(keys):
        return []
    found = lookup.lookup_fingerprints(set(keys.tolist()), cap=POSTINGS)
    counts: Counter = Counter()
    for pids in found.values():
        counts.update(set(pids))
    need = max(1, int(np.ceil(NEAR_KEYS * len(keys))))
    ranked = [p for p, c in counts.most_common() if c >= need]
    return ranked[:MAX_CANDIDATES]


def find_paragraphs(
    source, q: str, *, near: bool = True, cluster_of: int | None = None, probe: str = ""
) -> tuple[dict, bool]:
    """pid -> (row, kind, similarity, a, b) for every stored paragraph holding ``q``; and whether capped."""
    lookup = source.lookup
    cands: list[int] = []
    exact = lookup.lookup_exact({exact_hash(q)}, cap=MAX_CANDIDATES).get(exact_hash(q), [])
    cands += exact
    if cluster_of is not None:
        cands += source.cluster_pids(cluster_of, MAX_CANDIDATES)
    if len(q) >= winnow.GUARANTEE:
        cands += _key_candidates(lookup, q)
    elif source.can_scan:
        cands += source.scan(q, SCAN_CAP, probe=probe)
    else:
        cands += _key_candidates(lookup, q)  # no guarantee below 13 characters, but most are found
    cands = list(dict.fromkeys(cands))
    truncated = len(cands) > MAX_CANDIDATES
    rows = lookup.paragraph_rows(cands[:MAX_CANDIDATES])
    found: dict[int, tuple] = {}
    for pid, row in rows.items():
        m = match_paragraph(q, row["norm"], near=near)
        if m is not None:
            found[pid] = (row, *m)
    # exact twins of the verified paragraphs carry no postings of their own
    if found:
        twins = lookup.twins({r[0]["hash"] for r in found.values()}, cap=MAX_CANDIDATES)
        extra = {p for ps in twins.values() for p in ps if p not in found}
        if extra:
            by_hash = {r[0]["hash"]: r for r in found.values()}
            for pid, row in lookup.paragraph_rows(extra).items():
                twin = by_hash.get(row["hash"])
                if twin is not None:
                    found[pid] = (row, *twin[1:])
    return found, truncated


def _sort_key(occ: dict):
    return (occ["date"] or "9999", occ["region"], occ["doc_id"], occ["paragraph_index"])


_OPENING = "“‘「『（(《〈【[\"'"
_CLOSING = "”’」』）)》〉】]\"'"


def _variant_span(text: str, a: int, b: int) -> tuple[str, int, int]:
    """The original span of normalized positions [a, b), with the quotes and brackets around its ends."""
    nz = normalize(text)
    if not len(nz) or b <= a:
        return text, 0, len(text)
    a, b = min(a, len(nz) - 1), min(b, len(nz))
    start, end = nz.span(a, b)
    inner_open = sum(text[start:end].count(c) for c in _OPENING)
    inner_close = sum(text[start:end].count(c) for c in _CLOSING)
    while end < len(text) and text[end] in _CLOSING and inner_close < inner_open:
        end += 1
        inner_close += 1
    while start > 0 and text[start - 1] in _OPENING and inner_open < inner_close:
        start -= 1
        inner_open += 1
    return text[start:end], start, end


def occurrences(source, found: dict, limit: int | None = None) -> list[dict]:
    """One row per document (its best, then first, matching paragraph), earliest first.

    Every row has its document's metadata; the variant's original text (which
    needs the paragraph normalized again) only the first ``limit`` rows."""
    per_doc: dict[str, list] = defaultdict(list)
    for pid, (row, kind, sim, a, b) in found.items():
        per_doc[row["doc_id"]].append((-sim, row["paragraph_index"], pid, kind, a, b))
    meta = source.meta(per_doc)
    out = []
    for doc_id, items in per_doc.items():
        items.sort()
        negsim, idx, pid, kind, a, b = items[0]
        m = meta.get(doc_id, {})
        out.append(
            {
                "doc_id": doc_id,
                "title": m.get("title", ""),
                "date": m.get("date", ""),
                "year": year_of(m.get("date", "")),
                "region": m.get("region", ""),
                "doc_type": m.get("doc_type", ""),
                "paragraph_index": int(idx),
                "kind": kind,
                "similarity": -negsim,
                "text": "",
                "start": 0,
                "end": 0,
                "context_before": "",
                "context_after": "",
                "paragraphs": len(items),
                "_span": (pid, a, b),
            }
        )
    out.sort(key=_sort_key)
    shown = out if limit is None else out[:limit]
    texts = source.texts({o["_span"][0]: found[o["_span"][0]][0] for o in shown})
    for o in out:
        pid, a, b = o.pop("_span")
        if pid in texts:
            text = texts[pid]
            variant, start, end = _variant_span(text, a, b)
            o.update(
                text=variant,
                start=start,
                end=end,
                context_before=text[max(0, start - SNIPPET_CONTEXT) : start],
                context_after=text[end : end + SNIPPET_CONTEXT],
            )
    return out


def summarize(occs: list[dict]) -> dict:
    """First user, variants, spread by year (with the regions new that year) and by region."""
    dated = [o for o in occs if o["date"]]
    first = dated[0] if dated else (occs[0] if occs else None)
    variants: dict[str, dict] = {}
    for o in occs:
        if not o["text"]:  # beyond the rows whose text was read
            continue
        key = re.sub(r"\s+", "", o["text"])
        v = variants.setdefault(
            key, {"text": o["text"], "documents": 0, "first_date": o["date"], "first_doc": o["doc_id"]}
        )
        v["documents"] += 1
    by_region: dict[str, dict] = {}
    for o in occs:
        r = by_region.setdefault(
            o["region"] or "未知",
            {"region": o["region"] or "未知", "documents": 0, "first_date": o["date"], "first_doc": o["doc_id"]},
        )
        r["documents"] += 1
    seen: set[str] = set()
    years: dict[int, dict] = {}
    for o in dated:
        if o["year"] is None:
            continue
        y = years.setdefault(o["year"], {"year": o["year"], "documents": 0, "regions": [], "new_regions": []})
        y["documents"] += 1
        region = o["region"] or "未知"
        if region not in y["regions"]:
            y["regions"].append(region)
        if region not in seen:
            seen.add(region)
            y["new_regions"].append(region)
    return {
        "first": first,
        "variants": sorted(variants.values(), key=lambda v: (-v["documents"], v["first_date"] or "9999")),
        "by_year": [years[y] for y in sorted(years)],
        "by_region": sorted(by_region.values(), key=lambda r: (r["first_date"] or "9999", r["region"])),
        "undated": len(occs) - len(dated),
    }


def trace_text(source, text, *, near: bool = True, limit: int = 1000) -> dict:
    """The trace of a typed or selected passage (see the module docstring)."""
    started = time.perf_counter()
    text = validate_passage(text)
    probe, q = probe_of(text)
    found, truncated = find_paragraphs(source, q, near=near, probe=probe)
    return _result(source, text, probe, q, found, truncated, limit, started)


def trace_paragraph(source, doc_id: str, n: int, *, near: bool = True, limit: int = 1000) -> dict:
    """The trace of paragraph ``n`` of a stored document (its cluster's near copies included)."""
    started = time.perf_counter()
    paragraphs = source.paragraphs(doc_id)
    if not 0 <= n < len(paragraphs):
        raise NotFound(f"document {doc_id!r} has {len(paragraphs)} paragraphs; there is no paragraph {n}")
    text = paragraphs[n]
    probe, q = probe_of(validate_passage(text))
    cluster = None
    pids = source.document_pids(doc_id)
    if n < len(pids):
        row = source.lookup.paragraph_rows([pids[n]]).get(pids[n])
        cluster = row["cluster"] if row else None
    found, truncated = find_paragraphs(source, q, near=near, cluster_of=cluster, probe=probe)
    result = _result(source, text, probe, q, found, truncated, limit, started)
    result["from"] = {"doc_id": doc_id, "paragraph_index": n}
    return result


def _result(source, text, probe, q, found, truncated, limit, started) -> dict:
    occs = occurrences(source, found, limit)
    summary = summarize(occs)
    return {
        "query": text if len(text) <= 2000 else text[:2000] + "…",
        "traced": probe,
        "normalized": q,
        "method": "words" if len(q) < winnow.GUARANTEE and source.can_scan else "fingerprints",
        "documents": len(occs),
        "paragraphs": len(found),
        "truncated": truncated,
        **summary,
        "occurrences": occs[:limit],
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
    }
