"""Draft check of this tree against another tree's (a baseline): same reports, and CPU per check.

Both trees' ``check_draft`` run on the same store and the same drafts, each in
its own process (``--code DIR`` puts that tree first on ``sys.path``), rounds
interleaved (baseline, this, baseline, this ...) so the shared machine's load
hits both alike. Every report (JSON, keys in their order) must be byte-identical
between the trees; the script prints the drafts whose reports differ and exits 1
if any do. Timing: per check wall time and CPU time (``time.process_time``) of
one process checking alone; medians over all rounds, and their ratio. Each tree runs
under its own ``.venv`` interpreter when it has one, so each uses its own build of the
native kernels (a build of another interface version would not be used).

Drafts: as bench_check_load.py makes them (reposted paragraphs of the store and
report paragraphs), with every third checked with options (quotations as
citations, boilerplate excluded, an extra whitelist phrase).

    git worktree add --detach /tmp/base main
    .venv/bin/python bench/compare_check.py --db /tmp/b/check.db --baseline /tmp/base
    # each tree on the store it leaves (main: as bulk-loaded; this tree: compacted after the load)
    .venv/bin/python bench/compare_check.py --db /tmp/c/check.db --baseline-db /tmp/b/check.db --baseline /tmp/base
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

OPTIONS = [{}, {"quotes_as_citation": True, "exclude_boilerplate": True}, {"whitelist": ["全面贯彻落实"]}]
#: the checking connection reads the store through a memory map, as the server's store
#: connections do (GOVTEXT_SQLITE_MMAP_MB, 1024 by default)
MMAP_BYTES = 1024 * 1024 * 1024


def worker(code: Path, db: str, drafts_file: Path, out: Path, profile: Path | None, warm: int = 0) -> None:
    """Check every draft with the tree at ``code``; write timings and reports (JSON lines)."""
    import sqlite3

    sys.path.insert(0, str(code))
    from dedup.check import check_draft
    from dedup.index import DedupIndex

    import dedup

    assert Path(dedup.__file__).resolve().is_relative_to(code.resolve()), dedup.__file__
    from dedup import native

    print(f"{code}: native kernels {'on' if native.lib is not None else 'off'}", file=sys.stderr)
    drafts = json.loads(drafts_file.read_text(encoding="utf-8"))
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA cache_size=-65536")
    conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")  # as the store's connections read the file
    ix = DedupIndex(conn)
    check_draft(ix, drafts[0])  # warm-up: segments, tables, SQLite pages
    for _ in range(warm):  # --warm: every draft checked untimed first, as by a long-running worker
        for i, d in enumerate(drafts):
            check_draft(ix, d, **OPTIONS[i % len(OPTIONS)])
    prof = None
    if profile is not None:
        import cProfile

        prof = cProfile.Profile()
    with open(out, "w", encoding="utf-8") as f:
        for i, d in enumerate(drafts):
            opts = OPTIONS[i % len(OPTIONS)]
            t, c = time.perf_counter(), time.process_time()
            if prof is not None:
                prof.enable()
            rep = check_draft(ix, d, **opts)
            if prof is not None:
                prof.disable()
            wall, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
            f.write(json.dumps({"wall": wall, "cpu": cpu, "report": rep}, ensure_ascii=False) + "\n")
    if prof is not None:
        prof.dump_stats(str(profile))
    conn.close()


def run_tree(code: Path, db: Path, drafts_file: Path, out: Path, warm: int = 0) -> list[dict]:
    # each tree with its own interpreter when it has a .venv: its own build of the native
    # kernels (another tree's build may be of another interface version, which is not used)
    own = code / ".venv" / "bin" / "python"
    subprocess.run(
        [
            str(own) if own.exists() else sys.executable,
            __file__,
            "--worker",
            "--code",
            str(code),
            "--db",
            str(db),
            "--drafts-file",
            str(drafts_file),
            "--out",
            str(out),
            "--warm",
            str(warm),
        ],
        check=True,
    )
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--baseline", type=Path, help="the other tree (e.g. a worktree of main)")
    ap.add_argument(
        "--baseline-db",
        type=Path,
        help="the store the baseline tree checks (default --db): e.g. the same paragraphs as the baseline "
        "leaves them (uncompacted) against --db as this tree leaves them (compacted automatically)",
    )
    ap.add_argument("--drafts", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--profile", type=Path, help="with --worker: cProfile the checks into this file")
    ap.add_argument(
        "--warm",
        type=int,
        default=0,
        help="check every draft this many times untimed before the timed pass in each process (a long-running "
        "worker's mapped pages and caches); 0: one warm-up draft only",
    )
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    ap.add_argument("--drafts-file", type=Path, help="with --worker: the drafts (a JSON list)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.code, str(args.db), args.drafts_file, args.out, args.profile, args.warm)
        return 0
    if not args.db.exists():
        print(f"no store at {args.db}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from bench.bench_check_load import make_drafts

    tmp = Path(tempfile.mkdtemp(prefix="compare_check_"))
    drafts_file = tmp / "drafts.json"
    drafts_file.write_text(json.dumps(make_drafts(args.db, args.drafts, args.seed), ensure_ascii=False), "utf-8")
    trees = {"this": ROOT} if args.baseline is None else {"baseline": args.baseline, "this": ROOT}
    dbs = {"this": args.db, "baseline": args.baseline_db or args.db}
    res: dict[str, list[list[dict]]] = {name: [] for name in trees}
    for r in range(args.rounds):
        for name, code in trees.items():
            res[name].append(run_tree(code, dbs[name], drafts_file, tmp / f"{name}-{r}.jsonl", args.warm))
    differ = 0
    if args.baseline is not None:
        for i in range(args.drafts):
            a = [json.dumps(x[i]["report"], ensure_ascii=False) for x in res["baseline"]]
            b = [json.dumps(x[i]["report"], ensure_ascii=False) for x in res["this"]]
            if len(set(a + b)) != 1:
                differ += 1
                print(f"draft {i} ({OPTIONS[i % len(OPTIONS)]}): reports differ", flush=True)
    out = {"drafts": args.drafts, "rounds": args.rounds, "reports_differ": differ}
    for name, rounds in res.items():
        wall = [x["wall"] for rr in rounds for x in rr]
        cpu = [x["cpu"] for rr in rounds for x in rr]
        out[name] = {
            "wall_p50_ms": statistics.median(wall),
            "wall_p95_ms": sorted(wall)[int(round(0.95 * (len(wall) - 1)))],
            "cpu_p50_ms": statistics.median(cpu),
            "cpu_mean_ms": statistics.mean(cpu),
        }
        print(f"{name:9s} " + "  ".join(f"{k} {v:.1f}" for k, v in out[name].items()), flush=True)
    if args.baseline is not None:
        # per round: the CPU medians of the two trees, run one right after the other
        per_round = [
            statistics.median(x["cpu"] for x in b) / statistics.median(x["cpu"] for x in t)
            for b, t in zip(res["baseline"], res["this"])
        ]
        out["ratio_cpu_p50_per_round"] = per_round
        print("baseline / this, CPU p50 per round: " + ", ".join(f"{r:.2f}x" for r in per_round), flush=True)
        for k in ("wall_p50_ms", "cpu_p50_ms", "cpu_mean_ms"):
            out[f"ratio_{k}"] = out["baseline"][k] / out["this"][k]
        print(
            f"baseline / this: wall p50 {out['ratio_wall_p50_ms']:.2f}x, CPU p50 {out['ratio_cpu_p50_ms']:.2f}x, "
            f"CPU mean {out['ratio_cpu_mean_ms']:.2f}x; reports differing: {differ} of {args.drafts}",
            flush=True,
        )
    print(json.dumps(out))
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
