"""Duplicate-detection benchmark, side by side with datasketch's MinHashLSH.

    .venv/bin/python bench/bench_dedup.py                      # defaults (a few minutes)
    .venv/bin/python bench/bench_dedup.py --paragraphs 1000000 # the 1 M-paragraph check

On the same real paragraphs of ../shared/corpus/laws.jsonl:

1. fingerprint + index throughput (paragraphs/s), every contender on the
   paragraphs of the same first N documents:
   - datasketch: MinHash (128 perms, char 5-grams of the raw paragraph,
     ``update_batch``) + ``MinHashLSH(threshold=0.7).insert`` (in memory);
   - govtext fingerprinting: normalize + MinHash (80 perms) + 20 band keys +
     winnowing, in batches;
   - govtext in memory: the same plus an in-memory LSH table (all band keys
     in one sorted array, queried with searchsorted);
   - govtext persistent postings: ``DedupIndex.bulk_load`` into SQLite
     (fingerprints, exact twins, paragraph rows, band and fingerprint posting
     segments), committed: the like-for-like of an LSH insert, made durable;
   - govtext persistent full: ``DedupIndex.add_documents`` in batches of 200
     documents as ingest does (the above plus near-duplicate verification,
     paragraph clusters, document groups);
2. recall / precision on generated reposted copies (xx市/晋城市/**市, numbers,
   inserted / dropped clause, swapped sentences, punctuation, traditional):
   a returned paragraph counts as correct when it is the original or a
   near-duplicate of the original (same normalized text, or verified
   Jaccard >= 0.7 / containment >= 0.8 with it), for both systems;
3. what the full path found (clusters, groups, top boilerplate);
4. draft-check latency (median, p95) of 5,000-character drafts (about 40 %
   reposted paragraphs of the index, the rest report text not in it) against a
   SQLite index of N paragraphs, built with ``DedupIndex.bulk_load`` from real
   paragraphs, recombined (sentences of two paragraphs spliced) beyond the
   corpus size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dedup import minhash as mh  # noqa: E402
from dedup.check import check_draft  # noqa: E402
from dedup.fingerprint import fingerprint_paragraphs  # noqa: E402
from dedup.index import DedupIndex  # noqa: E402
from govtext.sqlite_tx import immediate  # noqa: E402
from dedup.normalize import normalize_many  # noqa: E402
from dedup.repost import EDITS, repost  # noqa: E402
from ingest.text import split_paragraphs, split_sentences  # noqa: E402

SHARED = ROOT.parent / "shared"


def load_docs(path: Path, limit: int | None = None):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs.append((d.get("id") or f"doc{len(docs)}", split_paragraphs(d.get("text", "")), d.get("source", "")))
            if limit and len(docs) >= limit:
                break
    return docs


def ds_minhash(text: str, num_perm: int = 128):
    from datasketch import MinHash

    m = MinHash(num_perm=num_perm)
    grams = [text[i : i + 5].encode("utf-8") for i in range(max(1, len(text) - 4))]
    m.update_batch(grams)
    return m


class SortedBands:
    """In-memory LSH table: all (band key, paragraph) pairs in one sorted array."""

    def __init__(self):
        self._keys: list[np.ndarray] = []
        self._ids: list[np.ndarray] = []

    def add(self, prints, first_id: int) -> None:
        rows = np.flatnonzero(prints.has_bands)
        m = prints.band_matrix[rows]
        self._keys.append(m.ravel())
        self._ids.append(np.repeat(rows + first_id, m.shape[1]))

    def build(self) -> None:
        k = np.concatenate(self._keys) if self._keys else np.zeros(0, dtype=np.int64)
        i = np.concatenate(self._ids) if self._ids else np.zeros(0, dtype=np.int64)
        order = np.argsort(k, kind="stable")
        self.keys, self.ids = k[order], i[order]

    def query(self, keys) -> set[int]:
        q = np.asarray(keys, dtype=np.int64)
        lo = np.searchsorted(self.keys, q, "left")
        hi = np.searchsorted(self.keys, q, "right")
        return {int(x) for a, b in zip(lo.tolist(), hi.tolist()) for x in self.ids[a:b].tolist()}


def _sqlite(db: Path) -> sqlite3.Connection:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-262144")
    return conn


def bench_throughput(
    docs, tmp: Path, batch_docs: int = 200, rounds: int = 3
) -> tuple[dict, object, SortedBands, list[str]]:
    """All five on the same paragraphs (those of ``docs``, in document order),
    ``rounds`` times round robin (this machine is shared and noisy): the median
    rate of each, and ratios of medians."""
    from datasketch import MinHashLSH

    paras = [p for _, ps, _ in docs for p in ps]
    n = len(paras)
    fingerprint_paragraphs(paras[:10])  # load tables
    state = {}

    def datasketch():
        lsh = MinHashLSH(threshold=0.7, num_perm=128)
        for i, p in enumerate(paras):
            lsh.insert(i, ds_minhash(p))
        state["lsh"] = lsh

    def fingerprint():
        for i in range(0, n, 5000):
            fingerprint_paragraphs(paras[i : i + 5000])

    def inmemory():  # fingerprints + an in-memory band table (sorted key array + searchsorted)
        table = SortedBands()
        for i in range(0, n, 5000):
            table.add(fingerprint_paragraphs(paras[i : i + 5000]), i)
        table.build()
        state["table"] = table

    def persistent_postings():
        # fingerprints, exact twins, paragraph rows, band + fingerprint segments in
        # SQLite, committed: the like-for-like of an LSH insert, made durable
        conn = _sqlite(tmp / "postings.db")
        DedupIndex(conn).bulk_load(docs, batch_paragraphs=20_000)
        conn.commit()
        conn.close()

    def persistent_full():
        # the above plus near-duplicate verification, paragraph clusters and
        # document groups (add_documents, one store batch at a time, as ingest does)
        conn = _sqlite(tmp / "persistent.db")
        ix = DedupIndex(conn)
        for i in range(0, len(docs), batch_docs):
            ix.add_documents(docs[i : i + batch_docs])
            conn.commit()
        conn.close()

    contenders = {
        "datasketch": datasketch,
        "govtext_fingerprint": fingerprint,
        "govtext_inmemory": inmemory,
        "govtext_persistent_postings": persistent_postings,
        "govtext_persistent_full": persistent_full,
    }
    rates: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            t = time.perf_counter()
            run()
            rates[name].append(n / (time.perf_counter() - t))
    out = {"paragraphs": n, "documents": len(docs), "rounds": rounds}
    for name, r in rates.items():
        out[f"{name}_para_per_s"] = statistics.median(r)
    ds = out["datasketch_para_per_s"]
    for name in contenders:
        if name != "datasketch":
            out[f"ratio_{name.removeprefix('govtext_')}"] = out[f"{name}_para_per_s"] / ds
    out["datasketch_runs"] = [round(x) for x in rates["datasketch"]]
    return out, state["lsh"], state["table"], paras


def laws_report(db: Path) -> dict:
    """What the full-path index of the throughput step found (clusters, groups, boilerplate)."""
    conn = sqlite3.connect(db)
    ix = DedupIndex(conn)
    res = {"stats": ix.stats(postings=True)}
    res["top_boilerplate"] = [
        {"docs": b["docs"], "sites": b["sites"], "text": b["text"][:60], "variants": len(b["variants"])}
        for b in ix.boilerplate(min_docs=3, limit=8)
    ]
    groups = conn.execute(
        "SELECT r.doc, COUNT(*) n FROM dd_doc d JOIN dd_doc r ON r.did = d.grp GROUP BY d.grp HAVING n > 1 "
        "ORDER BY n DESC LIMIT 5"
    ).fetchall()
    res["top_groups"] = [ix.group_members(g)[:6] for g, _ in groups]
    conn.close()
    return res


def bench_recall(paras: list[str], lsh, table, n_copies: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    norm = normalize_many(paras)
    candidates = [i for i, p in enumerate(paras) if len(norm[i]) >= 30]
    picks = rng.sample(candidates, min(n_copies, len(candidates)))
    shingles: dict[int, frozenset] = {}

    def sh(i):
        if i not in shingles:
            shingles[i] = mh.shingle_set(norm[i])
        return shingles[i]

    def truly_same(i, orig):
        return i == orig or norm[i] == norm[orig] or mh.is_near_duplicate(sh(i), sh(orig))[0]

    res = {"copies": len(picks)}
    for name in ("datasketch", "govtext"):
        res[name] = {"found": 0, "returned": 0, "correct": 0, "per_edit": {}}
    for orig in picks:
        k = rng.randint(1, 3)
        edits = tuple(rng.sample(EDITS, k))
        copy = repost(paras[orig], rng, edits)
        # datasketch: raw candidates, as MinHashLSH returns them
        got = set(lsh.query(ds_minhash(copy)))
        # govtext: LSH candidates verified on shingle sets
        pr = fingerprint_paragraphs([copy])
        cset = mh.shingle_set(pr.norm[0])
        cands = table.query(pr.bands[0]) if pr.bands[0] else set()
        ours = {i for i in cands if mh.is_near_duplicate(cset, sh(i))[0]}
        for name, ret in (("datasketch", got), ("govtext", ours)):
            r = res[name]
            ok = orig in ret or any(norm[i] == norm[orig] for i in ret)
            r["found"] += ok
            r["returned"] += len(ret)
            r["correct"] += sum(1 for i in ret if truly_same(i, orig))
            for e in edits:
                pe = r["per_edit"].setdefault(e, [0, 0])
                pe[0] += ok
                pe[1] += 1
    for name in ("datasketch", "govtext"):
        r = res[name]
        r["recall"] = r["found"] / len(picks)
        r["precision"] = r["correct"] / r["returned"] if r["returned"] else 1.0
        r["per_edit"] = {e: round(a / b, 3) for e, (a, b) in sorted(r["per_edit"].items())}
    return res


def synth_docs(docs, target: int, rng: random.Random):
    """Real documents first, then recombined ones (sentences of two paragraphs spliced)."""
    count = 0
    for doc_id, ps, site in docs:
        if count >= target:
            return
        ps = ps[: target - count]
        count += len(ps)
        yield doc_id, ps, site
    pool = [p for _, ps, _ in docs for p in ps if len(p) >= 20]
    k = 0
    while count < target:
        ps = []
        for _ in range(min(100, target - count)):
            a = split_sentences(rng.choice(pool))
            b = split_sentences(rng.choice(pool))
            ps.append("".join(a[: max(1, len(a) // 2)] + b[len(b) // 2 :]))
        count += len(ps)
        k += 1
        yield f"synth-{k}", ps, "synth"


def _run_recall(ix, indexed, report_paras, rng, n_drafts: int, per_draft: int = 5) -> tuple[int, int]:
    """Fragments of 13-20 characters (after normalization) of indexed paragraphs,
    spliced into report text: how many does the check mark as copied (>= 90 %
    of the fragment covered)? The winnowing guarantee says all of them."""
    found = total = 0
    for _ in range(n_drafts):
        parts, spans, pos = [], [], 0
        while pos < 5000 - 200:
            host = rng.choice(report_paras)
            if len(spans) < per_draft and rng.random() < 0.3:
                frag = ""
                for _ in range(20):
                    src = rng.choice(indexed)[0]
                    a = rng.randrange(0, max(1, len(src) - 20))
                    frag = src[a : a + rng.randint(13, 20)]
                    if len(normalize_many([frag])[0]) >= 13:
                        break
                else:
                    frag = ""
                if frag:
                    cut = len(host) // 2
                    host = host[:cut] + frag + host[cut:]
                    spans.append((pos + cut, pos + cut + len(frag)))
            parts.append(host)
            pos += len(host) + 1
        draft = "\n".join(parts)
        covered = np.zeros(len(draft) + 1, dtype=bool)
        for m in check_draft(ix, draft)["matches"]:
            # every kind: a fragment inside the host's quotes / 《》 is reported as 引用 (found, told apart)
            covered[m["start"] : m["end"]] = True
        for a, b in spans:
            total += 1
            found += covered[a:b].mean() >= 0.9
    return found, total


def bench_check(
    docs,
    n_paragraphs: int,
    db: Path,
    n_drafts: int,
    report_paras: list[str],
    seed: int = 3,
    profile: bool = False,
    reuse: bool = False,
    compact: bool = False,
    auto_compact: bool = True,
) -> dict:
    rng = random.Random(seed)
    reuse = reuse and db.exists()
    if db.exists() and not reuse:
        db.unlink()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-524288")
    ix = DedupIndex(conn)  # raises DedupParamsChanged if a reused index has other parameters
    indexed: list[str] = []
    if reuse:
        loaded = conn.execute("SELECT COUNT(*) FROM dd_para").fetchone()[0]
        build = float("nan")
        indexed = conn.execute(
            "SELECT p.text, d.doc FROM dd_para p JOIN dd_doc d ON d.did = p.did WHERE p.nlen >= 40 AND p.pid % 37 = 0"
        ).fetchall()
    else:

        def feed():
            for doc_id, ps, site in synth_docs(docs, n_paragraphs, rng):
                indexed.extend((p, doc_id) for p in ps if len(p) >= 40 and rng.random() < 0.05)
                yield doc_id, ps, site

        t = time.perf_counter()
        loaded = ix.bulk_load(feed())
        conn.commit()
        build = time.perf_counter() - t
        if compact:
            t = time.perf_counter()
            ix.compact()
            conn.commit()
            print(f"    compacted the postings in {time.perf_counter() - t:.1f} s", flush=True)
        elif auto_compact:  # as an ingest does when it ends (DedupIndex.auto_compact)
            t = time.perf_counter()
            done = ix.auto_compact(lambda: immediate(conn))
            print(f"    automatic compaction in {time.perf_counter() - t:.1f} s: {done}", flush=True)
    check_draft(ix, "\n".join(report_paras[:5]))  # warm-up: normalization tables, SQLite pages
    lat = []
    cpu = []
    ratios = []
    found_planted = all_planted = 0
    for _ in range(n_drafts):
        parts = []
        planted = []
        size = 0
        while size < 5000:
            if rng.random() < 0.4:
                orig, doc_id = rng.choice(indexed)
                p = repost(orig, rng, tuple(rng.sample(EDITS, rng.randint(0, 2))))
                if size + len(p) < 5000:
                    planted.append(doc_id)
            else:
                p = rng.choice(report_paras)
            parts.append(p)
            size += len(p) + 1
        draft = "\n".join(parts)[:5000]
        t = time.perf_counter()
        c = time.process_time()
        rep = check_draft(ix, draft)
        lat.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        if profile and len(lat) == n_drafts:
            import cProfile
            import pstats

            cProfile.runctx("check_draft(ix, draft)", globals(), {"ix": ix, "draft": draft}, "/tmp/bench_dedup.prof")
            pstats.Stats("/tmp/bench_dedup.prof").sort_stats("tottime").print_stats(12)
        ratios.append(rep["overlap_ratio"])
        named = {src["doc_id"] for m in rep["matches"] for src in m["sources"]}
        found_planted += sum(1 for d in planted if d in named)
        all_planted += len(planted)
    runs_found, runs_all = _run_recall(ix, indexed, report_paras, rng, max(5, n_drafts))
    lat.sort()
    st = os.stat(db).st_size
    conn.close()
    return {
        "paragraphs": loaded,
        "build_seconds": build,
        "db_mb": st / 1e6,
        "drafts": n_drafts,
        "median_ms": statistics.median(lat),
        "p95_ms": lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))],
        "max_ms": lat[-1],
        "cpu_median_ms": statistics.median(cpu),
        "load_average": os.getloadavg()[0],
        "mean_overlap_ratio": statistics.mean(ratios),
        "planted_source_recall": found_planted / all_planted if all_planted else float("nan"),
        "short_run_recall": runs_found / runs_all if runs_all else float("nan"),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--laws", type=Path, default=SHARED / "corpus" / "laws.jsonl")
    ap.add_argument("--reports", type=Path, default=SHARED / "corpus" / "reports.jsonl")
    ap.add_argument(
        "--throughput-docs",
        type=int,
        default=300,
        help="documents whose paragraphs are fingerprinted and indexed by every contender",
    )
    ap.add_argument("--rounds", type=int, default=3, help="throughput rounds (medians are reported)")
    ap.add_argument("--copies", type=int, default=1000)
    ap.add_argument("--paragraphs", type=int, default=100_000, help="index size for the draft-check latency")
    ap.add_argument("--drafts", type=int, default=30)
    ap.add_argument("--db-dir", type=Path, default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--profile", action="store_true", help="profile one draft check")
    ap.add_argument("--only-check", action="store_true", help="skip steps 1-3")
    ap.add_argument(
        "--reuse-db", action="store_true", help="reuse DB-DIR/check.db from an earlier run (same parameters)"
    )
    ap.add_argument("--compact", action="store_true", help="merge the check store's postings into one segment per kind")
    ap.add_argument(
        "--no-auto-compact",
        action="store_true",
        help="leave the check store's segments as the bulk load leaves them (no automatic compaction)",
    )
    args = ap.parse_args(argv)
    if not args.laws.exists():
        print(f"corpus not found: {args.laws}", file=sys.stderr)
        return 2
    tmp = Path(args.db_dir or tempfile.mkdtemp(prefix="bench_dedup_"))
    tmp.mkdir(parents=True, exist_ok=True)
    docs = load_docs(args.laws)
    paras = [p for _, ps, _ in docs for p in ps]
    results = {"corpus_paragraphs": len(paras)}

    if not args.only_check:
        sub = docs[: args.throughput_docs]
        print(
            f"[1] fingerprint + index throughput on the {sum(len(p) for _, p, _ in sub)} paragraphs of the first "
            f"{len(sub)} documents of {args.laws.name}",
            flush=True,
        )
        thr, lsh, table, sample = bench_throughput(sub, tmp, rounds=args.rounds)
        results["throughput"] = thr
        for k, v in thr.items():
            print(f"    {k:40s} {v:10.1f}" if isinstance(v, float) else f"    {k:40s} {v}")

        print(f"[2] recall / precision on {args.copies} reposted copies (index = the same paragraphs)", flush=True)
        rec = bench_recall(sample, lsh, table, args.copies)
        results["recall"] = rec
        for name in ("datasketch", "govtext"):
            r = rec[name]
            print(f"    {name:10s} recall {r['recall']:.3f}  precision {r['precision']:.3f}  per edit {r['per_edit']}")

        print("[3] what the full path found in those documents", flush=True)
        per = laws_report(tmp / "persistent.db")
        results["persistent"] = per
        st = per["stats"]
        print(
            f"    clusters {st['clusters']} ({st['paragraphs_in_clusters']} paragraphs), "
            f"groups {st['groups']} ({st['documents_in_groups']} documents), "
            f"{st['band_postings']} band + {st['fingerprint_postings']} fingerprint postings "
            f"in {st['posting_segments']} segments"
        )
        for b in per["top_boilerplate"]:
            print(f"    boilerplate docs={b['docs']} sites={b['sites']} variants={b['variants']}: {b['text']}")
        for g in per["top_groups"]:
            print(f"    group: {g}")

    report_paras = []
    if args.reports.exists():
        report_paras = [p for _, ps, _ in load_docs(args.reports) for p in ps if len(p) >= 30]
    if not report_paras:
        report_paras = [p + "。" for p in paras[-5000:]]
    print(f"[4] draft check of 5,000-char drafts against {args.paragraphs} paragraphs", flush=True)
    chk = bench_check(
        docs,
        args.paragraphs,
        tmp / "check.db",
        args.drafts,
        report_paras,
        profile=args.profile,
        reuse=args.reuse_db,
        compact=args.compact,
        auto_compact=not args.no_auto_compact,
    )
    results["check"] = chk
    print(
        f"    built {chk['paragraphs']} paragraphs in {chk['build_seconds']:.1f} s ({chk['db_mb']:.0f} MB); "
        f"latency median {chk['median_ms']:.1f} ms, p95 {chk['p95_ms']:.1f} ms, max {chk['max_ms']:.1f} ms "
        f"(CPU time median {chk['cpu_median_ms']:.1f} ms; load average {chk['load_average']:.1f} on {os.cpu_count()} cores); "
        f"mean overlap_ratio {chk['mean_overlap_ratio']:.2f}; reposted paragraphs whose source document "
        f"is named: {chk['planted_source_recall']:.3f}; 13-20-char copied fragments found: "
        f"{chk['short_run_recall']:.3f}"
    )
    if args.json:
        print(json.dumps(results, ensure_ascii=False, default=str, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
