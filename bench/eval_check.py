"""Evaluation of the draft check's attribution and recall on real report reuse.

    .venv/bin/python bench/eval_check.py              # both parts (builds two indexes, a few minutes)
    .venv/bin/python bench/eval_check.py --part heldout --json

Drafts (fixed before the system was run on them; split by source document):

- The 20 provincial government work reports of 2026 in ../shared/corpus/reports.jsonl
  are split by the SHA-1 of their id: the 11 with the smallest hashes are the
  **held-out** drafts, the other 9 the **dev** drafts.  Each part is checked
  against an index of the whole corpus (laws + reports) *without* that part's
  provincial reports, so a draft's real reuse of the other provincial reports,
  of the national reports and of laws is what there is to find.
- Mixed drafts: 10 per part, each running together (one paragraph, no line
  break) three paragraphs of >= 60 characters taken from three different
  reports that are in the part's index.  The reports they are drawn from are
  split by the same hash (even → dev, odd → held-out) and the seeds differ.

Truth, computed by brute force on the same normalization as the index (no part
of the system under test): a normalized draft character is *shared with
document S* when it lies in a 13-character window of a draft paragraph that
occurs in some normalized paragraph of S.  That is exactly "S shares a common
run of at least 13 characters covering it" (知网's threshold).  Characters are
weighted as the check weights them (a masked run counts its original length).

Measured per part:

- attribution: for each source the check credits (``report["sources"]``),
  credited characters vs true shared characters; the share of credited sources
  over-credited by more than 1.3x; the summed absolute error over the credited
  sources relative to their true characters; whether the named largest source
  (``largest_source``) is a document with the largest true share;
- recall / precision of shared 13+ runs: characters the check marks as matched
  (any kind: 复制, 引用, 套话, near copy) vs characters shared with any indexed
  document;
- CPU time per check (process time), also per 5,000 characters;
- kinds, on 10 constructed drafts per part that cite an indexed law article
  ("《T》第N条明确指出：“…”") or a national report sentence ("YYYY年国务院政府工作报告提出，要…")
  and add the writer's own sentence: the share of the quoted shared characters
  reported as 引用, and the framing / own characters counted (should be 0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dedup.check import check_draft  # noqa: E402
from dedup.index import DedupIndex  # noqa: E402
from dedup.minhash import batch_kgram_hashes  # noqa: E402
from dedup.normalize import normalize, normalize_many  # noqa: E402
from ingest.text import split_paragraphs  # noqa: E402

SHARED = ROOT.parent / "shared"
PROVINCIAL = "china-provincial-gov-reports-2026"
T = 13
HELDOUT_N = 11
MIXED_PER_PART = 10
MIXED_MIN_CHARS = 60


def _h(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def load_corpus(shared: Path) -> list[dict]:
    docs = []
    for name in ("laws.jsonl", "reports.jsonl"):
        with open(shared / "corpus" / name, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                d["paragraphs"] = split_paragraphs(d.get("text", ""))
                docs.append(d)
    return docs


def split_parts(docs: list[dict]) -> dict[str, list[str]]:
    prov = sorted((d["id"] for d in docs if d.get("source") == PROVINCIAL), key=_h)
    return {"heldout": prov[:HELDOUT_N], "dev": prov[HELDOUT_N:]}


def mixed_drafts(docs: list[dict], excluded: set[str], part: str) -> list[dict]:
    """Drafts running three paragraphs of three different indexed reports together."""
    parity = 1 if part == "heldout" else 0
    pool = [
        d
        for d in docs
        if d.get("doc_type") == "report" and d["id"] not in excluded and int(_h(d["id"]), 16) % 2 == parity
    ]
    rng = random.Random(1501 if part == "heldout" else 1500)
    out = []
    for k in range(MIXED_PER_PART):
        picked = rng.sample(pool, 3)
        paras = []
        for d in picked:
            cands = [p for p in d["paragraphs"] if len(p) >= MIXED_MIN_CHARS]
            paras.append(rng.choice(cands))
        out.append({"id": f"mixed-{part}-{k}", "text": "".join(paras), "from": [d["id"] for d in picked]})
    return out


class Truth:
    """13-character windows of every indexed paragraph -> documents holding them."""

    def __init__(self, docs: list[dict]):
        self.doc_ids = [d["id"] for d in docs]
        norms, owner = [], []
        for i, d in enumerate(docs):
            ns = normalize_many(d["paragraphs"])
            norms.extend(ns)
            owner.extend([i] * len(ns))
        hs, ow = batch_kgram_hashes(norms, T)
        dids = np.asarray(owner, dtype=np.int64)[ow] if len(hs) else np.zeros(0, dtype=np.int64)
        key = np.unique(np.stack([hs.view(np.int64), dids], axis=1), axis=0)
        self.h, self.d = key[:, 0].copy(), key[:, 1].copy()

    def shared(self, text: str):
        """(weights, {doc_id: bool mask over normalized draft}) for a draft."""
        nz = normalize(text)
        norm = nz.text
        weight = (nz.ends - nz.starts).astype(np.int64)
        weight[np.array([c == "\n" for c in norm], dtype=bool)] = 0
        masks: dict[str, np.ndarray] = {}
        pos = 0
        for line in norm.split("\n"):
            if len(line) >= T:
                hs, _ = batch_kgram_hashes([line], T)
                hs = hs.view(np.int64)
                lo = np.searchsorted(self.h, hs, "left")
                hi = np.searchsorted(self.h, hs, "right")
                for i in np.flatnonzero(hi > lo).tolist():
                    for did in self.d[lo[i] : hi[i]].tolist():
                        m = masks.get(self.doc_ids[did])
                        if m is None:
                            m = masks[self.doc_ids[did]] = np.zeros(len(norm), dtype=bool)
                        m[pos + i : pos + i + T] = True
            pos += len(line) + 1
        return nz, weight, masks


#: the writer's own sentences of the cited drafts (written for this benchmark, in no document)
OWN = [
    "我们将结合本地实际，认真抓好贯彻落实，确保各项任务见到实效。",
    "下一步，各街道要对照清单逐项销号，每月向区里报送一次进展。",
    "对此，我局已于上月召开专题会议，研究部署了具体落实举措。",
]


_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零〇]+条)\s*(\S.*)$")


def cited_drafts(docs: list[dict], excluded: set[str], part: str) -> list[dict]:
    """Drafts that cite: an article of an indexed law introduced by the writer's
    framing ("《T》第N条明确指出：“…”"), or a sentence of an indexed national
    report introduced by "YYYY年国务院政府工作报告提出，要…", then the writer's own
    sentence.  The truth keeps the framing's and the quoted words' offsets."""
    parity = 1 if part == "heldout" else 0
    rng = random.Random(2501 if part == "heldout" else 2500)
    laws = [d for d in docs if d.get("doc_type") in ("law", "regulation") and int(_h(d["id"]), 16) % 2 == parity]
    national = [
        d
        for d in docs
        if d.get("doc_type") == "report"
        and d.get("region") == "全国"
        and d.get("date")
        and d["id"] not in excluded
        and int(_h(d["id"]), 16) % 2 == parity
    ]
    out = []
    for k in range(10):
        if k % 2 == 0:
            d = rng.choice(laws)
            arts = [
                m for m in (_ARTICLE.match(p) for p in d["paragraphs"] if 30 <= len(p) <= 200 and "“" not in p) if m
            ]
            if not arts:
                continue
            art = rng.choice(arts)
            framing = f"《{d['title']}》{art.group(1)}明确指出"
            pre, quote = framing + "：“", art.group(2).rstrip("。") + "。”"
        else:
            d = rng.choice(national)
            sents = [s + "。" for p in d["paragraphs"] for s in p.split("。") if 25 <= len(s) <= 120 and "“" not in s]
            if not sents:
                continue
            framing = f"{d['date'][:4]}年国务院政府工作报告提出"
            pre, quote = framing + "，要", rng.choice(sents)
        own = rng.choice(OWN)
        text = pre + quote + own
        out.append(
            {
                "id": f"cited-{part}-{k}",
                "text": text,
                "framing": (0, len(framing)),
                "quote": (len(pre), len(pre) + len(quote)),
            }
        )
    return out


def evaluate_kinds(drafts: list[dict], ix: DedupIndex, truth: Truth) -> dict:
    """Per kind: quoted words shared with the index reported as 引用; framing (but
    for a 《title》 in it, which is 引用) and the writer's own words never counted
    as 复制 / 套话; nothing reported as 复制."""
    quote_true = quote_found = framing_counted = own_counted = copy_chars = 0
    for dr in drafts:
        rep = check_draft(ix, dr["text"])
        nz, weight, masks = truth.shared(dr["text"])
        shared = np.zeros(len(nz.text), dtype=bool)
        for m in masks.values():
            shared |= m
        kind = np.full(len(nz.text), "", dtype=object)
        for m in rep["matches"]:
            kind[(nz.starts >= m["start"]) & (nz.ends <= m["end"])] = m["kind"]
        qa, qb = dr["quote"]
        in_quote = (nz.starts >= qa) & (nz.ends <= qb)
        fa, fb = dr["framing"]
        in_framing = (nz.starts >= fa) & (nz.ends <= fb)
        quote_true += int(weight[in_quote & shared].sum())
        quote_found += int(weight[in_quote & shared & (kind == "quotation")].sum())
        counted_as_copy = (kind != "") & (kind != "quotation")  # a 《title》 in the framing is 引用, never 复制
        framing_counted += int(weight[in_framing & counted_as_copy].sum())
        own_counted += int(weight[~in_quote & ~in_framing & (nz.starts >= qb) & (kind != "")].sum())
        copy_chars += int(weight[(kind == "copy") | (kind == "near_copy")].sum())
    return {
        "drafts": len(drafts),
        "quoted_shared_chars": quote_true,
        "quotation_recall": round(quote_found / quote_true, 4) if quote_true else 1.0,
        "framing_chars_counted_as_copy": framing_counted,
        "own_chars_counted": own_counted,
        "chars_reported_as_copy": copy_chars,
    }


def build_index(docs: list[dict], path: Path, reuse: bool = False) -> DedupIndex:
    if reuse and path.exists():  # the index does not depend on the check's code
        return DedupIndex(sqlite3.connect(str(path), isolation_level=None))
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    ix = DedupIndex(conn)
    conn.execute("BEGIN")
    ix.bulk_load((d["id"], d["paragraphs"], d.get("source", "")) for d in docs)
    conn.execute("COMMIT")
    return ix


def evaluate(drafts: list[dict], ix: DedupIndex, truth: Truth) -> dict:
    n_cred = n_over = 0
    abs_err = true_sum = 0
    largest_ok = 0
    tp = sys_chars = truth_chars = 0
    tp_exact = exact_chars = 0
    kind_chars: dict[str, int] = defaultdict(int)
    cpu = []
    per_draft = []
    for dr in drafts:
        text = dr["text"]
        t0 = time.process_time()
        rep = check_draft(ix, text)
        cpu.append((time.process_time() - t0) * 1000)
        nz, weight, masks = truth.shared(text)
        true_chars = {doc: int(weight[m].sum()) for doc, m in masks.items()}
        true_chars.pop(dr["id"], None)
        any_true = np.zeros(len(nz.text), dtype=bool)
        for doc, m in masks.items():
            if doc != dr["id"]:
                any_true |= m
        marked = np.zeros(len(nz.text), dtype=bool)
        exact = np.zeros(len(nz.text), dtype=bool)
        for m in rep["matches"]:
            sel = (nz.starts >= m["start"]) & (nz.ends <= m["end"])
            marked |= sel
            if m["kind"] != "near_copy":
                exact |= sel
            kind_chars[m["kind"]] += int(m.get("chars", 0))
        tp += int(weight[marked & any_true].sum())
        sys_chars += int(weight[marked].sum())
        tp_exact += int(weight[exact & any_true].sum())
        exact_chars += int(weight[exact].sum())
        truth_chars += int(weight[any_true].sum())
        over = []
        for s in rep["sources"]:
            c, t = s["chars"], true_chars.get(s["doc_id"], 0)
            n_cred += 1
            abs_err += abs(c - t)
            true_sum += t
            if c > 1.3 * t:
                n_over += 1
                over.append((s["doc_id"], c, t))
        best = max(true_chars.values()) if true_chars else 0
        ok = (rep.get("largest_source") is None and best == 0) or (
            best > 0 and true_chars.get(rep.get("largest_source"), -1) == best
        )
        largest_ok += ok
        print(f"  {dr['id']}: {len(text)} chars, {cpu[-1]:.0f} ms", file=sys.stderr)
        per_draft.append(
            {
                "id": dr["id"],
                "chars": rep["chars"],
                "largest_ok": bool(ok),
                "over_credited": over[:5],
                "largest": rep.get("largest_source"),
                "true_largest": max(true_chars, key=true_chars.get) if true_chars else None,
                # credited / true characters of the named source, and the best true share
                "largest_credited": next(
                    (s["chars"] for s in rep["sources"] if s["doc_id"] == rep.get("largest_source")), 0
                ),
                "largest_true": true_chars.get(rep.get("largest_source"), 0),
                "true_best": best,
            }
        )
    return {
        "drafts": len(drafts),
        "sources_credited": n_cred,
        "over_credited_1_3x": n_over,
        "attribution_rel_error": round(abs_err / true_sum, 4) if true_sum else 0.0,
        "largest_source_correct": largest_ok,
        "recall_13": round(tp / truth_chars, 4) if truth_chars else 1.0,
        "precision_13": round(tp / sys_chars, 4) if sys_chars else 1.0,
        "precision_13_without_near_copies": round(tp_exact / exact_chars, 4) if exact_chars else 1.0,
        "recall_13_without_near_copies": round(tp_exact / truth_chars, 4) if truth_chars else 1.0,
        "chars_by_kind": dict(kind_chars),
        "cpu_ms_median": round(statistics.median(cpu), 1),
        "cpu_ms_per_5k_chars": round(1000 * 5 * sum(cpu) / max(1, sum(len(d["text"]) for d in drafts)), 1),
        "per_draft": per_draft,
    }


def run_part(part: str, docs: list[dict], parts: dict, db_dir: Path, reuse: bool = False) -> dict:
    excluded = set(parts[part])
    indexed = [d for d in docs if d["id"] not in excluded]
    t0 = time.time()
    ix = build_index(indexed, db_dir / f"eval_{part}.db", reuse)
    build_s = time.time() - t0
    truth = Truth(indexed)
    by_id = {d["id"]: d for d in docs}
    real = [{"id": i, "text": by_id[i]["text"]} for i in parts[part]]
    mixed = mixed_drafts(docs, excluded, part)
    out = {
        "part": part,
        "index_docs": len(indexed),
        "index_build_s": round(build_s, 1),
        "real_reports": evaluate(real, ix, truth),
        "mixed": evaluate(mixed, ix, truth),
        "cited": evaluate_kinds(cited_drafts(docs, excluded, part), ix, truth),
    }
    ix.conn.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["dev", "heldout", "both"], default="both")
    ap.add_argument("--shared", default=str(SHARED))
    ap.add_argument("--db-dir", default=None, help="where the evaluation indexes are built (default: a temp dir)")
    ap.add_argument("--reuse-db", action="store_true", help="reuse the indexes of an earlier run in --db-dir")
    ap.add_argument("--json", action="store_true", help="print the full result (per draft) as JSON")
    args = ap.parse_args()
    docs = load_corpus(Path(args.shared))
    parts = split_parts(docs)
    db_dir = Path(args.db_dir or tempfile.mkdtemp(prefix="gt_eval_check_"))
    db_dir.mkdir(parents=True, exist_ok=True)
    results = [
        run_part(p, docs, parts, db_dir, args.reuse_db)
        for p in (["dev", "heldout"] if args.part == "both" else [args.part])
    ]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    for r in results:
        print(f"== {r['part']} (index {r['index_docs']} docs, built in {r['index_build_s']} s)")
        for name in ("real_reports", "mixed"):
            e = r[name]
            print(
                f"  {name:13s} drafts {e['drafts']:2d}  sources credited {e['sources_credited']:4d}  "
                f"over-credited >1.3x {e['over_credited_1_3x']:4d}  rel.err {e['attribution_rel_error']:.3f}  "
                f"largest ok {e['largest_source_correct']}/{e['drafts']}  "
                f"recall13 {e['recall_13']:.3f}  P13 {e['precision_13']:.3f} "
                f"(without near copies R {e['recall_13_without_near_copies']:.3f} "
                f"P {e['precision_13_without_near_copies']:.3f})  "
                f"cpu median {e['cpu_ms_median']} ms, {e['cpu_ms_per_5k_chars']} ms/5k chars"
            )
        c = r["cited"]
        print(
            f"  cited         drafts {c['drafts']:2d}  quoted words found as 引用 {c['quotation_recall']:.3f} "
            f"of {c['quoted_shared_chars']} chars  framing chars counted as 复制/套话 {c['framing_chars_counted_as_copy']}  "
            f"own chars counted {c['own_chars_counted']}  chars reported as 复制 {c['chars_reported_as_copy']}"
        )
    if not os.environ.get("KEEP_EVAL_DB") and not args.db_dir:
        for r in results:
            for suffix in ("", "-wal", "-shm"):
                (db_dir / f"eval_{r['part']}.db{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
