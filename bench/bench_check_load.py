"""Draft checks from several processes at once: memory per process and latency under load.

Posting segments are either memory-mapped files shared by every process
(``files``, dedup/segfiles.py) or decoded from their SQLite blobs into each
process's own memory (``blobs``, the earlier behaviour, reproduced by turning
the files off in the checking processes). Both run in the same invocation,
against the same store and the same drafts.

1. memory: ``--workers`` processes (as the server's gunicorn workers) each check
   ``--worker-drafts`` 5,000-character drafts, then, all still alive, their
   ``/proc/PID/smaps_rollup`` is read: Rss, Pss (shared pages divided among the
   processes mapping them), Pss_Anon (private heap) and Pss_File;
2. latency: one client checks ``--drafts`` drafts alone (p50 / p95), then again
   while ``--clients`` other processes check drafts in a loop.

Drafts are made as in bench_dedup.py: about 40 % reposted paragraphs of the
store (edited copies) and the rest paragraphs of ../shared/corpus/reports.jsonl.
Each process does what ``POST /check`` does after parsing: ``check_draft`` on a
``DedupIndex`` over its own SQLite connection (no HTTP).

    # the store: DB-DIR/check.db of bench_dedup.py (1 M paragraphs), or the sample corpus
    .venv/bin/python bench/bench_dedup.py --only-check --paragraphs 1000000 --db-dir /tmp/b
    .venv/bin/python bench/bench_check_load.py --db /tmp/b/check.db
    .venv/bin/python bench/bench_check_load.py --build-sample /tmp/sample.db   # every paragraph of ../shared/corpus
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"
ROLLUP = ("Rss", "Pss", "Pss_Anon", "Pss_File")
#: GOVTEXT_SQLITE_MMAP_MB's default (1024): the server's store connections map the file
MMAP_BYTES = 1024 * 1024 * 1024


def rollup(pid: int) -> dict:
    """Fields of /proc/PID/smaps_rollup, in MB."""
    out = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        f = line.split()
        if f and f[0].rstrip(":") in ROLLUP:
            out[f[0].rstrip(":")] = int(f[1]) / 1024
    return out


def make_drafts(db: Path, n: int, seed: int) -> list[str]:
    # imported here, not at the top: a checking process imports this module before it
    # chooses its tree (use_tree), and must not have imported dedup or its native kernels by then
    from bench.bench_dedup import load_docs
    from dedup.repost import EDITS, repost

    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    indexed = [r[0] for r in conn.execute("SELECT text FROM dd_para WHERE nlen >= 40 AND pid % 37 = 0")]
    conn.close()
    reports = [p for _, ps, _ in load_docs(SHARED / "corpus" / "reports.jsonl") for p in ps if len(p) >= 30]
    drafts = []
    for _ in range(n):
        parts, size = [], 0
        while size < 5000:
            p = (
                repost(rng.choice(indexed), rng, tuple(rng.sample(EDITS, rng.randint(0, 2))))
                if rng.random() < 0.4
                else rng.choice(reports)
            )
            parts.append(p)
            size += len(p) + 1
        drafts.append("\n".join(parts)[:5000])
    return drafts


def use_tree(code: str | None) -> None:
    """Import ``dedup`` from another tree (``--baseline``) from now on, with that tree's own
    native kernels (its ``.venv``'s ``govtext_native``, when it has one: a build of another
    interface version would not be used, and the tree would run its numpy code)."""
    if code is None or Path(code).resolve() == ROOT:
        return
    for name in [m for m in sys.modules if m == "dedup" or m.startswith("dedup.")]:
        del sys.modules[name]
    assert "govtext_native" not in sys.modules, "the native kernels were imported before the tree was chosen"
    tree = Path(code).resolve()
    site = sorted(tree.glob(".venv/lib/python*/site-packages"))
    sys.path[:0] = [str(tree)] + [str(x) for x in site[:1]]


def client(db: str, mode: str, drafts: list[str], loop: bool, conn_out, go, stop, code: str | None = None) -> None:
    """One checking process: warm up, say ready, wait for ``go``, check drafts (in a loop
    until ``stop`` if ``loop``), send latencies and CPU times, stay alive until ``stop``."""
    use_tree(code)
    import dedup
    import dedup.native
    from dedup import segfiles

    if code is not None:
        assert Path(dedup.__file__).resolve().is_relative_to(Path(code).resolve()), dedup.__file__
        if dedup.native.lib is not None:  # its own build, not this tree's
            assert Path(dedup.native.lib.__file__).resolve().is_relative_to(Path(code).resolve()), dedup.native.lib
    from dedup.check import check_draft
    from dedup.index import DedupIndex

    if mode == "blobs":  # the earlier behaviour: every process decodes the blobs itself
        segfiles.SegmentFiles.for_connection = classmethod(lambda cls, conn: None)  # type: ignore[method-assign]
    conn = sqlite3.connect(db, check_same_thread=False)
    conn.execute("PRAGMA cache_size=-65536")
    conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")  # as the server's store connections read the file
    ix = DedupIndex(conn)
    check_draft(ix, drafts[0])  # warm-up: segments, normalization tables, SQLite pages
    conn_out.send("ready")
    go.wait()
    lat: list[float] = []
    cpu: list[float] = []
    i = 0
    while True:
        d = drafts[i % len(drafts)]
        t, c = time.perf_counter(), time.process_time()
        check_draft(ix, d)
        lat.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        i += 1
        if (not loop and i >= len(drafts)) or stop.is_set():
            break
    conn_out.send((lat, cpu))
    stop.wait()
    conn.close()


def run(db: Path, mode: str, drafts_per: list[list[str]], loops: list[bool], code: str | None = None):
    """Start one process per draft list; returns ((latencies, CPU times) per process, smaps_rollup
    per process taken after the non-looping ones finished, all still alive)."""
    ctx = mp.get_context("spawn")
    go, stop = ctx.Event(), ctx.Event()
    procs, pipes = [], []
    for drafts, loop in zip(drafts_per, loops):
        a, b = ctx.Pipe()
        p = ctx.Process(target=client, args=(str(db), mode, drafts, loop, b, go, stop, code))
        p.start()
        procs.append(p)
        pipes.append(a)
    for a in pipes:
        assert a.recv() == "ready"
    if any(loops):
        time.sleep(1.0)  # the loopers check; the measured client starts among them
    go.set()
    t0 = time.perf_counter()
    lats: list = [None] * len(procs)
    for i, (a, loop) in enumerate(zip(pipes, loops)):
        if not loop:
            lats[i] = a.recv()
    mem = [rollup(p.pid) for p in procs]
    run.seconds = time.perf_counter() - t0  # type: ignore[attr-defined]
    stop.set()
    for i, (a, loop) in enumerate(zip(pipes, loops)):
        if loop:
            lats[i] = a.recv()
    for p in procs:
        p.join(60)
    return lats, mem


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def build_sample(db: Path) -> None:
    from bench.bench_dedup import load_docs
    from dedup.index import DedupIndex

    if db.exists():
        db.unlink()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    ix = DedupIndex(conn)
    docs = []
    for f in sorted((SHARED / "corpus").glob("*.jsonl")):
        docs += load_docs(f)
    n = ix.bulk_load(iter(docs))
    conn.commit()
    conn.close()
    print(f"sample store: {len(docs)} documents, {n} paragraphs -> {db}", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, help="a store with the dedup tables (e.g. bench_dedup.py's check.db)")
    ap.add_argument("--build-sample", type=Path, help="build this store from every paragraph of ../shared/corpus")
    ap.add_argument("--modes", nargs="+", default=["blobs", "files"], choices=["blobs", "files"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--worker-drafts", type=int, default=10)
    ap.add_argument("--clients", type=int, default=8, help="other clients checking while one is measured")
    ap.add_argument("--drafts", type=int, default=30, help="drafts of the measured client")
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--baseline", type=Path, help="another tree (e.g. a worktree of main): its dedup measured too")
    ap.add_argument("--baseline-db", type=Path, help="the store the baseline tree checks (default --db)")
    ap.add_argument("--rounds", type=int, default=1, help="latency rounds (trees interleaved)")
    args = ap.parse_args(argv)
    if args.build_sample:
        build_sample(args.build_sample)
        args.db = args.db or args.build_sample
    if not args.db or not args.db.exists():
        print("give --db STORE (or --build-sample)", file=sys.stderr)
        return 2
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    paragraphs = conn.execute("SELECT COUNT(*) FROM dd_para").fetchone()[0]
    seg_mb = conn.execute("SELECT COALESCE(SUM(n), 0) * 12 / 1e6 FROM dd_seg").fetchone()[0]
    conn.close()
    print(f"store {args.db}: {paragraphs} paragraphs, posting segments {seg_mb:.0f} MB", flush=True)
    drafts = make_drafts(args.db, max(args.drafts, args.worker_drafts) * (args.clients + 1), args.seed)
    results: dict = {"paragraphs": paragraphs, "segments_mb": seg_mb}
    trees = [("this", None)] if args.baseline is None else [("baseline", str(args.baseline)), ("this", None)]
    dbs = {"this": args.db, "baseline": args.baseline_db or args.db}
    for mode in args.modes:
        for name, code in trees:
            lists = [drafts[i * args.worker_drafts : (i + 1) * args.worker_drafts] for i in range(args.workers)]
            _, mem = run(dbs[name], mode, lists, [False] * args.workers, code)
            results.setdefault(name, {})[mode] = {"workers": mem}
            for i, m in enumerate(mem):
                print(
                    f"[{name} {mode}] worker {i + 1}/{args.workers}: "
                    + ", ".join(f"{k} {v:.0f} MB" for k, v in m.items())
                )
        if args.skip_latency:
            continue
        own = drafts[: args.drafts]
        others = [drafts[(i + 1) * args.drafts : (i + 2) * args.drafts] for i in range(args.clients)]
        acc: dict = {
            name: {"alone": ([], []), "loaded": ([], []), "others": ([], []), "seconds": 0.0} for name, _ in trees
        }
        for _ in range(args.rounds):  # trees interleaved, so the shared machine's load hits both alike
            for name, code in trees:
                a = acc[name]
                got, _ = run(dbs[name], mode, [own], [False], code)
                a["alone"][0].extend(got[0][0])
                a["alone"][1].extend(got[0][1])
                got, _ = run(dbs[name], mode, [own] + others, [False] + [True] * args.clients, code)
                a["loaded"][0].extend(got[0][0])
                a["loaded"][1].extend(got[0][1])
                for lat, cpu in got[1:]:
                    a["others"][0].extend(lat)
                    a["others"][1].extend(cpu)
                a["seconds"] += run.seconds  # type: ignore[attr-defined]
        for name, _ in trees:
            a = acc[name]
            r = results[name][mode]
            (al, ac), (ll, lc), (ol, oc) = a["alone"], a["loaded"], a["others"]
            r["alone"] = {
                "p50_ms": statistics.median(al),
                "p95_ms": pct(al, 0.95),
                "cpu_p50_ms": statistics.median(ac),
                "n": len(al),
            }
            r["loaded"] = {
                "p50_ms": statistics.median(ll),
                "p95_ms": pct(ll, 0.95),
                "cpu_p50_ms": statistics.median(lc),
                "n": len(ll),
                "other_clients": args.clients,
                "other_checks": len(ol),
                "other_p50_ms": statistics.median(ol) if ol else float("nan"),
                "other_cpu_p50_ms": statistics.median(oc) if oc else float("nan"),
                # every client's checks over the loaded phases' wall time
                "checks_per_s": (len(ll) + len(ol)) / a["seconds"] if a["seconds"] else float("nan"),
                # the cores the clients' checks got (CPU seconds per wall second): on a machine
                # shared with other work, latency under load is about clients / checks_per_s
                "cores_used": (sum(lc) + sum(oc)) / 1000 / a["seconds"] if a["seconds"] else float("nan"),
            }
            x, y = r["alone"], r["loaded"]
            print(
                f"[{name} {mode}] one client alone: p50 {x['p50_ms']:.0f} ms, p95 {x['p95_ms']:.0f} ms, "
                f"CPU p50 {x['cpu_p50_ms']:.0f} ms ({x['n']} checks); with {args.clients} other clients checking: "
                f"p50 {y['p50_ms']:.0f} ms, p95 {y['p95_ms']:.0f} ms, CPU p50 {y['cpu_p50_ms']:.0f} ms ({y['n']} checks; "
                f"the others: {y['other_checks']} checks, p50 {y['other_p50_ms']:.0f} ms, CPU p50 "
                f"{y['other_cpu_p50_ms']:.0f} ms); all clients {y['checks_per_s']:.1f} checks/s on "
                f"{y['cores_used']:.2f} cores (load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
        if args.baseline is not None:
            b, t = results["baseline"][mode], results["this"][mode]
            ratios = {
                f"{phase}_{k}": b[phase][k] / t[phase][k]
                for phase in ("alone", "loaded")
                for k in ("p50_ms", "p95_ms", "cpu_p50_ms")
            }
            ratios["checks_per_s"] = t["loaded"]["checks_per_s"] / b["loaded"]["checks_per_s"]
            results.setdefault("ratios", {})[mode] = ratios
            print(f"[{mode}] baseline / this: " + ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items()), flush=True)
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
