"""横向查重: which drafts of one batch copy each other.

Several offices' submissions checked together: every draft is checked against
the other drafts of the batch with the same machinery as against the corpus
(``check_draft`` over a ``DedupIndex``), here a throw-away in-memory one.

Two passes keep it to two index builds: the forward pass checks draft i against
drafts 0…i-1 and then adds it, the backward pass checks it against i+1…n-1.
Attribution is per source (each draft is credited only with the characters it
really shares), so the two passes together give every ordered pair's figures.
Pairs are reported once (a < b), with both sides: the characters of a it shares
with b (``a_chars``, ``a_ratio`` of a's characters, ``a_spans`` in a's offsets)
and the same for b. 引用 / 套话 are counted apart as in a report (``*_copy_chars``
are the 复制 characters).
"""

from __future__ import annotations

import sqlite3

from govtext.errors import BadInput

from .check import _lines, _merge_intervals, _validate, check_draft
from .index import DedupIndex

#: drafts one batch may hold, and their characters together
MAX_BATCH_DRAFTS = 20
MAX_BATCH_CHARS = 120_000
#: spans listed per side of a pair
MAX_PAIR_SPANS = 200


def validate_batch(texts, max_chars: int) -> list[str]:
    """The drafts as checked strings; a clear BadInput naming the first bad one."""
    if not isinstance(texts, list) or not texts:
        raise BadInput("drafts must be a non-empty list", code="bad_batch")
    if len(texts) > MAX_BATCH_DRAFTS:
        raise BadInput(
            f"too many drafts: {len(texts)}; a batch holds at most {MAX_BATCH_DRAFTS}", code="batch_too_large"
        )
    out = []
    for k, t in enumerate(texts):
        try:
            out.append(_validate(t, max_chars))
        except BadInput as exc:
            raise BadInput(f"draft {k}: {exc.message}", code=exc.code) from None
    total = sum(len(t) for t in out)
    if total > MAX_BATCH_CHARS:
        raise BadInput(
            f"batch too large: {total} characters; the limit is {MAX_BATCH_CHARS} together", code="batch_too_large"
        )
    return out


def _paragraphs(text: str) -> list[str]:
    return [text[a:b] for a, b in _lines(text)]


def _shared(report: dict) -> dict[int, dict]:
    """Per other draft (its index): what this draft shares with it."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for m in report.get("matches") or []:
        for s in m.get("sources") or []:
            spans.setdefault(int(s["doc_id"]), []).extend((int(a), int(b)) for a, b in s.get("spans") or [])
    out = {}
    for s in report.get("sources") or []:
        j = int(s["doc_id"])
        out[j] = {
            "chars": int(s["chars"]),
            "ratio": float(s["ratio"]),
            "copy_chars": int(s.get("copy_chars", 0)),
            "quotation_chars": int(s.get("quotation_chars", 0)),
            "boilerplate_chars": int(s.get("boilerplate_chars", 0)),
            "spans": [list(iv) for iv in _merge_intervals(spans.get(j, []))][:MAX_PAIR_SPANS],
        }
    return out


def cross_check(texts: list[str], *, max_chars: int = 200000, min_chars: int = 1, **options) -> list[dict]:
    """Pairs of drafts (indexes into ``texts``) that share text, most shared first.

    ``options`` are check_draft's (quotes_as_citation, exclude_boilerplate,
    whitelist); ``min_chars``: pairs sharing fewer characters (either side) are left out."""
    texts = validate_batch(texts, max_chars)
    n = len(texts)
    seen: list[dict[int, dict]] = [{} for _ in range(n)]
    for order in (range(n), range(n - 1, -1, -1)):
        conn = sqlite3.connect(":memory:")
        try:
            ix = DedupIndex(conn)
            added = 0
            for i in order:
                if added:
                    seen[i].update(_shared(check_draft(ix, texts[i], max_chars=max_chars, **options)))
                ix.add_document(str(i), _paragraphs(texts[i]))
                added += 1
        finally:
            conn.close()
    pairs = []
    empty = {"chars": 0, "ratio": 0.0, "copy_chars": 0, "quotation_chars": 0, "boilerplate_chars": 0, "spans": []}
    for a in range(n):
        for b in range(a + 1, n):
            sa, sb = seen[a].get(b, empty), seen[b].get(a, empty)
            if max(sa["chars"], sb["chars"]) < max(1, min_chars):
                continue
            pair: dict = {"a": a, "b": b}
            for side, s in (("a", sa), ("b", sb)):
                for key in ("chars", "ratio", "copy_chars", "quotation_chars", "boilerplate_chars", "spans"):
                    pair[f"{side}_{key}"] = s[key]
            pairs.append(pair)
    pairs.sort(key=lambda p: (-max(p["a_ratio"], p["b_ratio"]), -(p["a_chars"] + p["b_chars"]), p["a"], p["b"]))
    return pairs
