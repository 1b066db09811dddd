"""上位法对照: local clauses that copy or adapt national articles.

For a **local** regulation (region other than 全国): each article is looked up
in the duplicate index (its winnowing keys and exact hash); candidate
paragraphs of *national* documents are widened to their whole article
(``articles.parse_articles`` of the candidate document) and compared with
difflib: the share of the local article covered by common blocks of >= 4
normalized characters. The best national article at or above
``ADAPT_THRESHOLD`` is the clause's origin (``copy`` at or above
``COPY_THRESHOLD``, else ``adapted``, which also needs a Dice coefficient of
``MIN_DICE`` with the article), with the word edits; below, the clause
is the regulation's *own*. The shares are of the regulation's normalized
characters: per national document, and own.

For a **national** law: each article, with the local clauses (in documents
of other regions) that cover at least ``ADAPT_THRESHOLD`` of it.

Normalization masks place names and numbers, so 本省 / 本市 and changed
amounts do not hide a copy; the edits shown compare the original texts.
"""

from __future__ import annotations

import difflib
import time
from collections import Counter, defaultdict

import numpy as np

from dedup import winnow
from dedup.fingerprint import exact_hash
from dedup.normalize import normalize_text
from govtext.errors import BadInput

from .articles import Article, parse_articles
from .diff import word_edits

NATIONAL = "全国"
COPY_THRESHOLD = 0.9
ADAPT_THRESHOLD = 0.5
POSTINGS = 400
CANDIDATE_KEYS = 0.2
#: candidate paragraphs compared per article at most
MAX_PER_ARTICLE = 60
MIN_ARTICLE_CHARS = 8
#: normalized characters an article must share with its origin (a short 本条例自公布之日起施行 is not a copy)
MIN_SHARED_CHARS = 15
#: an adapted (not copied) clause must also share this Dice coefficient with the article
MIN_DICE = 0.35


def _norm(text: str) -> str:
    return normalize_text(text).replace("\n", "")


def coverage(q: str, other: str) -> tuple[float, float]:
    """(share of ``q`` covered by blocks of >= 4 characters common with ``other``, their Dice
    coefficient 2 x common / (len q + len other))."""
    if not q or not other:
        return 0.0, 0.0
    sm = difflib.SequenceMatcher(None, q, other, autojunk=False)
    if sm.real_quick_ratio() * (len(q) + len(other)) / 2 < ADAPT_THRESHOLD * len(q):
        return 0.0, 0.0  # an upper bound of the common characters already falls short
    common = sum(b.size for b in sm.get_matching_blocks() if b.size >= 4)
    return common / len(q), 2 * common / (len(q) + len(other))


class _Docs:
    """Parsed articles of candidate documents, cached for one request."""

    def __init__(self, source):
        self.source = source
        self.articles: dict[str, list[Article]] = {}
        self.norms: dict[tuple[str, int], str] = {}

    def article_at(self, doc_id: str, paragraph_index: int) -> Article | None:
        arts = self.articles.get(doc_id)
        if arts is None:
            arts = self.articles[doc_id] = parse_articles(self.source.paragraphs(doc_id))
        found = None
        for art in arts:
            if art.index <= paragraph_index:
                found = art
            else:
                break
        return found

    def norm(self, doc_id: str, art: Article) -> str:
        key = (doc_id, art.index)
        if key not in self.norms:
            self.norms[key] = _norm(art.body)
        return self.norms[key]


def _candidates(source, q: str) -> list[dict]:
    """Paragraph rows sharing the article's keys (or equal to it), most shared keys first."""
    lookup = source.lookup
    keys = winnow.fingerprint_keys(q) if len(q) >= winnow.K else np.zeros(0, dtype=np.int64)
    counts: Counter = Counter()
    if len(keys):
        for pids in lookup.lookup_fingerprints(set(keys.tolist()), cap=POSTINGS).values():
            counts.update(set(pids))
    need = max(1, int(np.ceil(CANDIDATE_KEYS * len(keys)))) if len(keys) else 1
    ranked = [p for p, c in counts.most_common() if c >= need][: MAX_PER_ARTICLE * 4]
    ranked += lookup.lookup_exact({exact_hash(q)}, cap=MAX_PER_ARTICLE).get(exact_hash(q), [])
    rows = lookup.paragraph_rows(list(dict.fromkeys(ranked)))
    # only the first occurrence of a normalized paragraph carries postings: add its exact twins
    twins = lookup.twins({r["hash"] for r in rows.values()}, cap=MAX_PER_ARTICLE) if rows else {}
    extra = [p for ps in twins.values() for p in ps if p not in rows]
    if extra:
        rows.update(lookup.paragraph_rows(extra))
    order = list(dict.fromkeys(ranked + [p for r in rows.values() for p in twins.get(r["hash"], [])]))
    return [rows[p] for p in order if p in rows]


def _compare(source, docs: _Docs, meta: dict, doc_id: str, art: Article, want_national: bool) -> list[dict]:
    """Articles of the other side (national or local documents) that match ``art``."""
    q = _norm(art.body)
    if len(q) < MIN_ARTICLE_CHARS:
        return []
    rows = _candidates(source, q)
    need_meta = [r["doc_id"] for r in rows if r["doc_id"] not in meta and r["doc_id"] != doc_id]
    meta.update(source.meta(need_meta))
    seen: set[tuple[str, int]] = set()
    out = []
    for row in rows:
        other = row["doc_id"]
        m = meta.get(other)
        if other == doc_id or m is None or (m.get("region") == NATIONAL) != want_national:
            continue
        cand = docs.article_at(other, int(row["paragraph_index"]))
        if cand is None or cand.number is None or (other, cand.index) in seen:  # not the 题注
            continue
        seen.add((other, cand.index))
        if len(seen) > MAX_PER_ARTICLE:
            break
        other_norm = docs.norm(other, cand)
        # local -> national: how much of the local clause comes from the national article;
        # national -> local: how much of the national article the local clause carries
        share, dice = coverage(q, other_norm)
        # a clause that shares only a stock list with a long article is not an adaptation of it
        if share < ADAPT_THRESHOLD or share * len(q) < MIN_SHARED_CHARS or (share < COPY_THRESHOLD and dice < MIN_DICE):
            continue
        out.append(
            {
                "doc_id": other,
                "title": m.get("title", ""),
                "date": m.get("date", ""),
                "region": m.get("region", ""),
                "doc_type": m.get("doc_type", ""),
                "label": cand.label,
                "text": cand.text,
                "coverage": round(share, 3),
                "kind": "copy" if share >= COPY_THRESHOLD else "adapted",
                "_body": cand.body,
            }
        )
    # best first; among equals the newest edition
    out.sort(key=lambda x: (-x["coverage"], -(int((x["date"] or "0")[:4] or 0)), x["doc_id"]))
    return out


def implements(source, doc_id: str, article: int | None = None, limit: int = 20) -> dict:
    """上位法对照 of one stored document (direction from its region; see the module docstring)."""
    started = time.perf_counter()
    paragraphs = source.paragraphs(doc_id)
    meta = source.meta([doc_id])
    me = meta.get(doc_id, {"id": doc_id})
    national = me.get("region") == NATIONAL
    arts = [a for a in parse_articles(paragraphs) if a.label != "题注"]
    if article is not None:
        arts = [a for a in arts if a.number == article]
        if not arts:
            raise BadInput(f"document {doc_id!r} has no article {article}", code="no_such_article")
    docs = _Docs(source)
    rows = []
    for art in arts:
        matches = _compare(source, docs, meta, doc_id, art, want_national=not national)
        item: dict = {
            "label": art.label,
            "number": art.number,
            "chapter": art.chapter,
            "text": art.text,
            "index": art.index,
            "chars": len(_norm(art.body)),
        }
        if national:
            item["implemented_by"] = [_public(m, art.body, reverse=True) for m in matches[:limit]]
            item["regions"] = sorted({m["region"] for m in matches})
        else:
            best = matches[0] if matches else None
            item["origin"] = _public(best, art.body) if best else None
            item["alternatives"] = [
                {k: m[k] for k in ("doc_id", "title", "date", "label", "coverage")} for m in matches[1:4]
            ]
        rows.append(item)
    result = {
        "document": me,
        "direction": "national_to_local" if national else "local_to_national",
        "articles": rows,
        "took_ms": 0.0,
    }
    if national:
        result["summary"] = {
            "articles": len(rows),
            "implemented": sum(1 for r in rows if r["implemented_by"]),
            "regions": sorted({reg for r in rows for reg in r["regions"]}),
        }
    else:
        result["summary"] = shares(rows)
    result["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return result


def _public(m: dict, body: str, reverse: bool = False) -> dict:
    out = {k: v for k, v in m.items() if not k.startswith("_")}
    # edits read from the national wording to the local one
    out["edits"] = word_edits(body, m["_body"]) if reverse else word_edits(m["_body"], body)
    return out


def shares(rows: list[dict]) -> dict:
    """Share of the local regulation's characters per national source document, and its own."""
    total = sum(r["chars"] for r in rows) or 1
    per_doc: dict[str, dict] = {}
    counts: defaultdict[str, int] = defaultdict(int)
    own = 0
    for r in rows:
        o = r.get("origin")
        if o is None:
            own += r["chars"]
            counts["own"] += 1
            continue
        counts[o["kind"]] += 1
        d = per_doc.setdefault(
            o["doc_id"], {"doc_id": o["doc_id"], "title": o["title"], "date": o["date"], "chars": 0, "articles": 0}
        )
        d["chars"] += r["chars"]
        d["articles"] += 1
    sources = sorted(per_doc.values(), key=lambda d: -d["chars"])
    for d in sources:
        d["share"] = round(d["chars"] / total, 4)
    return {
        "articles": len(rows),
        "copied": counts["copy"],
        "adapted": counts["adapted"],
        "own": counts["own"],
        "own_share": round(own / total, 4),
        "national_share": round(1 - own / total, 4) if rows else 0.0,
        "sources": sources,
    }
