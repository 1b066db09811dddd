"""修订对照: article-by-article comparison of two editions.

1. Both documents are parsed into articles (``articles.parse_articles``).
2. Articles with the same body (whitespace aside) are paired first, in order;
   a pair whose labels differ is *renumbered* (第十条 → 第十二条).
3. The remaining articles are paired by content: pairs whose character-bigram
   overlap passes a prefilter are scored with difflib's ratio (or, when the
   shorter one lies almost wholly inside the longer, by that containment), and the best
   pairs above ``MATCH_THRESHOLD`` are taken greedily (ties: the pair whose
   positions are closest). A pair is *changed* (and may be renumbered too).
4. What is left is *added* (only in B) or *deleted* (only in A).

Rows come in B's order, each deleted article placed after the row of its
predecessor in A. Changed articles carry word-level edits (jieba tokens,
difflib opcodes): ``[{"op": "equal"|"delete"|"insert", "text"}]``.

Numbers are compared as written (no masking): 五十万元 → 五百万元 is a change.
"""

from __future__ import annotations

import difflib
import re
import time

import numpy as np

from govtext.errors import BadInput

from .articles import Article, parse_articles

MATCH_THRESHOLD = 0.5
PREFILTER = 0.2
#: an article at least this much contained in the other one (the shorter's characters)…
CONTAINED = 0.85
#: …scores this times its containment, whatever their lengths; shorter articles are not judged so
CONTAIN_MIN_CHARS = 20
CONTAINED_SCORE = 0.8
#: characters of an article body compared when pairing (an annex-sized article is judged by its start)
MAX_COMPARE = 3000
#: above this many characters (both sides), edits are computed line by line, not word by word
MAX_WORD_DIFF = 8000


def _key(body: str) -> str:
    return re.sub(r"\s+", "", body)


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


def _tokens(text: str) -> list[str]:
    try:
        from nlp.segment import cut

        return [t for t in cut(text) if t]
    except Exception:  # the segmenter is an extra here: characters still diff
        return list(text)


def word_edits(a: str, b: str) -> list[dict]:
    """Word-level edits turning ``a`` into ``b`` (consecutive ops of one kind merged)."""
    if len(a) + len(b) > MAX_WORD_DIFF:
        ta, tb = a.splitlines(keepends=True), b.splitlines(keepends=True)
    else:
        ta, tb = _tokens(a), _tokens(b)
    out: list[dict] = []

    def add(op, text):
        if not text:
            return
        if out and out[-1]["op"] == op:
            out[-1]["text"] += text
        else:
            out.append({"op": op, "text": text})

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", "".join(ta[i1:i2]))
        else:
            add("delete", "".join(ta[i1:i2]))
            add("insert", "".join(tb[j1:j2]))
    return out


def _shared_bigrams(texts_a: list[str], texts_b: list[str]):
    """(common distinct bigrams per pair as a dense (len a, len b) array, distinct bigrams per text)."""
    from scipy import sparse

    vocab: dict[str, int] = {}

    def matrix(texts):
        rows, cols = [], []
        for r, t in enumerate(texts):
            for g in _bigrams(t):
                rows.append(r)
                cols.append(vocab.setdefault(g, len(vocab)))
        return rows, cols

    ra, ca = matrix(texts_a)
    rb, cb = matrix(texts_b)
    width = max(1, len(vocab))
    ma = sparse.csr_matrix((np.ones(len(ra), dtype=np.float32), (ra, ca)), shape=(len(texts_a), width))
    mb = sparse.csr_matrix((np.ones(len(rb), dtype=np.float32), (rb, cb)), shape=(len(texts_b), width))
    common = (ma @ mb.T).toarray() if len(texts_a) and len(texts_b) else np.zeros((len(texts_a), len(texts_b)))
    return common, np.asarray(ma.sum(axis=1)).ravel(), np.asarray(mb.sum(axis=1)).ravel()


def match_articles(a: list[Article], b: list[Article]) -> dict[int, tuple[int, float]]:
    """B index -> (A index, similarity) for every paired article (see the module docstring)."""
    pairs: dict[int, tuple[int, float]] = {}
    used_a: set[int] = set()
    by_body: dict[str, list[int]] = {}
    for i, art in enumerate(a):
        by_body.setdefault(_key(art.body), []).append(i)
    for j, art in enumerate(b):
        cands = [i for i in by_body.get(_key(art.body), []) if i not in used_a]
        if cands:
            same = [i for i in cands if a[i].label == art.label]
            i = (same or cands)[0]
            pairs[j] = (i, 1.0)
            used_a.add(i)
    rest_a = [i for i in range(len(a)) if i not in used_a]
    rest_b = [j for j in range(len(b)) if j not in pairs]
    keys_a = {i: _key(a[i].body)[:MAX_COMPARE] for i in rest_a}
    keys_b = {j: _key(b[j].body)[:MAX_COMPARE] for j in rest_b}
    common, size_a, size_b = _shared_bigrams([keys_a[i] for i in rest_a], [keys_b[j] for j in rest_b])
    scored = []
    sm = difflib.SequenceMatcher(None, autojunk=False)
    for y, j in enumerate(rest_b):
        kb = keys_b[j]
        sm.set_seq2(kb)
        for x in np.flatnonzero(common[:, y]).tolist():
            i = rest_a[x]
            c = common[x, y]
            common_share = c / min(size_a[x], size_b[y])
            if c / (size_a[x] + size_b[y] - c) < PREFILTER and common_share < CONTAINED:
                continue
            ka = keys_a[i]
            sm.set_seq1(ka)
            containable = min(len(ka), len(kb)) >= CONTAIN_MIN_CHARS and common_share >= CONTAINED
            if not containable and (sm.real_quick_ratio() < MATCH_THRESHOLD or sm.quick_ratio() < MATCH_THRESHOLD):
                continue  # upper bounds of the ratio already fall short
            ratio = sm.ratio()
            if ratio < MATCH_THRESHOLD and containable:
                # one article grown out of the other (a paragraph added): containment counts
                contained = sum(m.size for m in sm.get_matching_blocks()) / min(len(ka), len(kb))
                if contained >= CONTAINED:
                    ratio = max(ratio, CONTAINED_SCORE * contained)
            if ratio >= MATCH_THRESHOLD:
                drift = abs(i / max(1, len(a)) - j / max(1, len(b)))
                scored.append((-ratio, drift, i, j))
    scored.sort()
    taken_b: set[int] = set()
    for negratio, _, i, j in scored:
        if i in used_a or j in taken_b:
            continue
        pairs[j] = (i, round(-negratio, 3))
        used_a.add(i)
        taken_b.add(j)
    return pairs


def _side(art: Article) -> dict:
    return {"label": art.label, "number": art.number, "chapter": art.chapter, "text": art.text, "index": art.index}


def diff_articles(a: list[Article], b: list[Article]) -> dict:
    pairs = match_articles(a, b)
    a_to_b = {i: j for j, (i, _) in pairs.items()}
    rows_after: dict[int, list[dict]] = {}  # B row -> deleted A articles shown after it (-1: first)
    last_b = -1
    for i, art in enumerate(a):
        if i in a_to_b:
            last_b = a_to_b[i]
        else:
            rows_after.setdefault(last_b, []).append(
                {"status": "deleted", "a": _side(art), "b": None, "renumbered": False, "similarity": 0.0}
            )
    rows = list(rows_after.get(-1, []))
    for j, art in enumerate(b):
        if j in pairs:
            i, sim = pairs[j]
            old = a[i]
            moved = old.label != art.label
            same = _key(old.body) == _key(art.body)
            row: dict = {
                "status": ("renumbered" if moved else "unchanged") if same else "changed",
                "a": _side(old),
                "b": _side(art),
                "renumbered": moved,
                "similarity": sim,
            }
            if not same:
                row["edits"] = word_edits(old.body, art.body)
        else:
            row = {"status": "added", "a": None, "b": _side(art), "renumbered": False, "similarity": 0.0}
        rows.append(row)
        rows.extend(rows_after.get(j, []))
    counts = {
        s: sum(1 for r in rows if r["status"] == s) for s in ("unchanged", "renumbered", "changed", "added", "deleted")
    }
    counts["renumbered_total"] = sum(1 for r in rows if r["renumbered"])
    return {"summary": counts, "rows": rows}


def diff_documents(source, a_id: str, b_id: str) -> dict:
    """The comparison of two stored documents (A the older edition, B the newer)."""
    started = time.perf_counter()
    for name, value in (("a", a_id), ("b", b_id)):
        if not isinstance(value, str) or not value.strip():
            raise BadInput(f"give two document ids: {name} is missing", code="missing_parameter")
    if a_id == b_id:
        raise BadInput("a and b are the same document: give two different editions", code="same_document")
    pa, pb = source.paragraphs(a_id), source.paragraphs(b_id)
    meta = source.meta([a_id, b_id])
    arts_a, arts_b = parse_articles(pa), parse_articles(pb)
    result = diff_articles(arts_a, arts_b)
    unit = "article" if any(x.number is not None for x in arts_a + arts_b) else "paragraph"
    return {
        "a": meta.get(a_id, {"id": a_id}),
        "b": meta.get(b_id, {"id": b_id}),
        "unit": unit,
        "articles": {
            "a": sum(1 for x in arts_a if x.number is not None),
            "b": sum(1 for x in arts_b if x.number is not None),
        },
        **result,
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def editions(source, doc_id: str) -> list[dict]:
    """The version chain of a document: stored documents with the same title, oldest first."""
    meta = source.meta([doc_id]).get(doc_id)
    if not meta or not meta.get("title"):
        return []
    same_title = getattr(source, "same_title", None)
    if same_title is not None:  # Elasticsearch / OpenSearch
        return same_title(meta["title"]) or [meta]
    conn = getattr(getattr(source, "store", None), "conn", None)
    if conn is None:
        return [meta]
    rows = conn.execute(
        "SELECT id, title, date, region, doc_type FROM documents WHERE title = ? "
        "ORDER BY CASE WHEN date = '' THEN 1 ELSE 0 END, date, id LIMIT 50",
        (meta["title"],),
    ).fetchall()
    return [dict(r) for r in rows]
