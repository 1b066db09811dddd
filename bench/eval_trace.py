"""Evaluation of the tracing features on the sample corpus.

    .venv/bin/python bench/eval_trace.py --data DIR    # DIR: a store with laws.jsonl + reports.jsonl ingested

Nothing here was tuned on: queries and expected answers are drawn with fixed
seeds before the system runs, and the ground truth does not come from the
code under test.

1. **Trace recall.** Phrases cut at random from report paragraphs (the reuse
   the issue is about): short ones (6-12 normalized characters, the search-index
   words path) and long ones (15-60, the fingerprint path). Ground truth: every
   stored paragraph whose normalized text contains the phrase, found by a full
   ``instr`` scan of the duplicate index. Document-level recall of the trace's
   exact and contains hits, the near hits reported apart, and latency; also
   for phrases the scan finds in at least two documents ("reused": selected
   by the ground truth, not by the system).
2. **Diff pairing on constructed editions of real laws.** For laws with at
   least 15 articles: a new edition is made by deleting 2 articles, inserting 2
   articles from other laws, editing 3 (a number changed, a clause appended, a
   phrase replaced) and renumbering all; the true old -> new pairing is known.
   Pair precision / recall and added / deleted detection; split by region
   (national vs local) so that any difference shows.
3. **Real version chains.** The 81 titles with several editions: what the diff
   reports (counts of changed / renumbered / added / deleted), and its latency.
   No ground truth: a description, not a score.
"""

from __future__ import annotations

import argparse
import bisect
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import LAWS, REPORTS, percentile, read_jsonl, require_shared  # noqa: E402
from dedup.normalize import normalize  # noqa: E402
from tracing.articles import Article, parse_articles  # noqa: E402
from tracing.diff import diff_articles  # noqa: E402

CN = "零一二三四五六七八九"


def cn(n: int) -> str:
    if n < 10:
        return CN[n]
    if n < 20:
        return "十" + (CN[n % 10] if n % 10 else "")
    if n < 100:
        return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if not rest else ("零" + cn(rest) if rest < 10 else (("一" if rest < 20 else "") + cn(rest)))
    return CN[n // 100] + "百" + tail


# -- 1. trace recall -------------------------------------------------------------------


def phrases(rng: random.Random, n: int, lo: int, hi: int) -> list[str]:
    """Original-text spans whose normalized length is in [lo, hi], from report paragraphs."""
    paras = [p for d in read_jsonl(REPORTS) for p in d["text"].split("\n") if len(p) >= 40]
    out = []
    while len(out) < n:
        p = rng.choice(paras)
        nz = normalize(p)
        if len(nz) < hi + 2:
            continue
        k = rng.randint(lo, hi)
        a = rng.randint(0, len(nz) - k)
        start, end = nz.span(a, a + k)
        span = p[start:end]
        if "□" not in nz.text[a : a + k]:
            out.append(span)
    return out


def eval_trace(data: Path, seed: int, n: int) -> None:
    from govtext.settings import load_settings
    from search import open_backend
    from tracing.source import source_for
    from tracing.trace import probe_of, trace_text

    rng = random.Random(seed)
    backend = open_backend(load_settings(data_dir=data), writer=False)
    try:
        source = source_for(backend)
        conn = source.conn

        # the full scan, in memory: every normalized paragraph in one string, NUL between them
        rows = conn.execute(
            "SELECT d.doc, p.norm FROM dd_para p JOIN dd_doc d ON d.did = p.did ORDER BY p.pid"
        ).fetchall()
        owners = [r[0] for r in rows]
        starts, pos = [], 0
        for _, norm in rows:
            starts.append(pos)
            pos += len(norm) + 1
        big = "\x00".join(r[1] for r in rows)
        del rows

        def truth_of(text):
            _, q = probe_of(text)
            found, at = set(), big.find(q)
            while at >= 0:
                found.add(owners[bisect.bisect_right(starts, at) - 1])
                at = big.find(q, at + 1)
            return found

        def reused(lo, hi):  # phrases that the full scan finds in at least 2 documents
            out = []
            for _ in range(50):
                out += [t for t in phrases(rng, n, lo, hi) if len(truth_of(t)) >= 2]
                if len(out) >= n:
                    break
            return out[:n]

        sets = {
            "short (6-12 chars)": phrases(rng, n, 6, 12),
            "long (15-60 chars)": phrases(rng, n, 15, 60),
            "short, reused": reused(6, 12),
            "long, reused": reused(15, 40),
        }
        trace_text(source, "坚持和发展新时代“枫桥经验”")  # warm-up: dictionary, index, segments
        print("\n1. trace recall against a full scan (documents)")
        print(
            f"{'phrases':<22}{'n':>5}{'truth docs':>12}{'found':>8}{'recall':>9}{'extra near':>12}"
            f"{'p50 ms':>9}{'p95 ms':>9}"
        )
        for label, items in sets.items():
            truth_total = found_total = near_extra = 0
            misses = []
            ms = []
            for text in items:
                truth = truth_of(text)
                t = time.perf_counter()
                result = trace_text(source_for(backend), text, limit=100000)
                ms.append((time.perf_counter() - t) * 1000)
                got = {o["doc_id"] for o in result["occurrences"] if o["kind"] != "near"}
                near = {o["doc_id"] for o in result["occurrences"] if o["kind"] == "near"}
                truth_total += len(truth)
                found_total += len(truth & got)
                near_extra += len(near - truth)
                if truth - got:
                    misses.append((text, len(truth - got)))
                assert got <= truth, (text, got - truth)  # a contains hit is always a real containment
            print(
                f"{label:<22}{len(items):>5}{truth_total:>12}{found_total:>8}{found_total / max(1, truth_total):>9.3f}"
                f"{near_extra:>12}{percentile(ms, 50):>9.1f}{percentile(ms, 95):>9.1f}"
            )
            for text, k in misses[:5]:
                print(f"    missed {k} document(s) of {text!r}")
    finally:
        backend.close()


# -- 2. constructed editions -------------------------------------------------------------


def _renumber(arts: list[Article]) -> list[Article]:
    out = []
    for k, a in enumerate(arts, 1):
        label = f"第{cn(k)}条"
        out.append(Article(label, k, 0, a.chapter, a.body, label + " " + a.body, k))
    return out


def _edit(body: str, rng: random.Random) -> str:
    kind = rng.choice(["number", "append", "replace"])
    if kind == "number" and re.search(r"[一二三四五六七八九十百千\d]+(?=[元日年个])", body):
        return re.sub(r"[一二三四五六七八九十百千\d]+(?=[元日年个])", "二十", body, count=1)
    if kind == "replace" and len(body) > 20:
        a = rng.randint(0, len(body) - 6)
        return body[:a] + "有关主管部门" + body[a + 4 :]
    return body.rstrip("。") + "，并报上级主管部门备案。"


def eval_diff(seed: int, n_laws: int) -> None:
    rng = random.Random(seed)
    laws = [d for d in read_jsonl(LAWS)]
    rng.shuffle(laws)
    pool = [a for d in laws[:300] for a in parse_articles(d["text"].split("\n"), fallback=False) if a.number]
    stats = defaultdict(lambda: defaultdict(int))
    ms = []
    used = 0
    for d in laws:
        if used >= n_laws:
            break
        old = [a for a in parse_articles(d["text"].split("\n"), fallback=False) if a.number]
        if len(old) < 15 or len({a.body for a in old}) < len(old):
            continue
        used += 1
        group = "national" if d["region"] == "全国" else "local"
        keep = list(range(len(old)))
        deleted = set(rng.sample(keep, 2))
        kept = [i for i in keep if i not in deleted]
        edited = set(rng.sample(kept, 3))
        new_items: list[tuple[int | None, str]] = [
            (i, _edit(old[i].body, rng) if i in edited else old[i].body) for i in kept
        ]
        for _ in range(2):
            new_items.insert(rng.randint(0, len(new_items)), (None, rng.choice(pool).body))
        a = _renumber(old)
        b = _renumber([Article("", None, 0, "", body, body, 0) for _, body in new_items])
        truth = {j: i for j, (i, _) in enumerate(new_items) if i is not None}
        t = time.perf_counter()
        result = diff_articles(a, b)
        ms.append((time.perf_counter() - t) * 1000)
        label_to_b = {x.label: j for j, x in enumerate(b)}
        label_to_a = {x.label: i for i, x in enumerate(a)}
        pairs = {label_to_b[r["b"]["label"]]: label_to_a[r["a"]["label"]] for r in result["rows"] if r["a"] and r["b"]}
        s = stats[group]
        s["laws"] += 1
        s["true_pairs"] += len(truth)
        s["found_pairs"] += len(pairs)
        s["correct_pairs"] += sum(1 for j, i in pairs.items() if truth.get(j) == i)
        s["true_added"] += len(new_items) - len(truth)
        s["found_added"] += sum(1 for r in result["rows"] if r["status"] == "added")
        s["correct_added"] += sum(
            1 for r in result["rows"] if r["status"] == "added" and label_to_b[r["b"]["label"]] not in truth
        )
        s["true_deleted"] += 2
        s["correct_deleted"] += sum(
            1 for r in result["rows"] if r["status"] == "deleted" and label_to_a[r["a"]["label"]] in deleted
        )
        s["edited"] += 3
        s["edited_marked"] += sum(
            1
            for r in result["rows"]
            if r["status"] == "changed"
            and r["a"]
            and label_to_a[r["a"]["label"]] in edited
            and truth.get(label_to_b[r["b"]["label"]]) == label_to_a[r["a"]["label"]]
        )
    print("\n2. diff pairing on constructed editions of real laws (2 deleted, 2 inserted, 3 edited, all renumbered)")
    print(f"{'laws':<10}{'n':>5}{'pair P':>9}{'pair R':>9}{'added R':>9}{'deleted R':>11}{'edited marked':>15}")
    for group, s in sorted(stats.items()):
        print(
            f"{group:<10}{s['laws']:>5}{s['correct_pairs'] / max(1, s['found_pairs']):>9.3f}"
            f"{s['correct_pairs'] / max(1, s['true_pairs']):>9.3f}{s['correct_added'] / max(1, s['true_added']):>9.3f}"
            f"{s['correct_deleted'] / max(1, s['true_deleted']):>11.3f}{s['edited_marked'] / max(1, s['edited']):>15.3f}"
        )
    print(f"latency per diff: p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms")


# -- 3. real version chains -----------------------------------------------------------------


def eval_chains() -> None:
    by_title = defaultdict(list)
    for d in read_jsonl(LAWS):
        by_title[d["title"]].append(d)
    totals = defaultdict(int)
    ms = []
    chains = 0
    for docs in by_title.values():
        if len(docs) < 2:
            continue
        docs.sort(key=lambda d: d["date"] or "9999")
        for a, b in zip(docs, docs[1:]):
            chains += 1
            t = time.perf_counter()
            result = diff_articles(parse_articles(a["text"].split("\n")), parse_articles(b["text"].split("\n")))
            ms.append((time.perf_counter() - t) * 1000)
            for k, v in result["summary"].items():
                totals[k] += v
    print(f"\n3. real version chains: {chains} consecutive edition pairs")
    print("   " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    print(
        f"   latency per diff (parse + match + word edits): p50 {percentile(ms, 50):.1f} ms, "
        f"p95 {percentile(ms, 95):.1f} ms, max {max(ms):.0f} ms"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="a store with the sample corpus ingested (for the trace part)")
    ap.add_argument("--phrases", type=int, default=100)
    ap.add_argument("--laws", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--skip", nargs="*", default=[], choices=["trace", "diff", "chains"])
    args = ap.parse_args()
    require_shared()
    if "trace" not in args.skip:
        if args.data is None:
            print("1. trace recall: skipped (give --data DIR with the corpus ingested)")
        else:
            eval_trace(args.data, args.seed, args.phrases)
    if "diff" not in args.skip:
        eval_diff(args.seed, args.laws)
    if "chains" not in args.skip:
        eval_chains()
    return 0


if __name__ == "__main__":
    sys.exit(main())
