"""Memory and time per ingested character and per checked character, measured on real processes.

Each measurement is one `govtext` process (ingest of one document of N characters made of
real report paragraphs, or check of an N-character draft against a small store); its peak
resident memory comes from wait4(). The figure per character is the slope over the tiny
baseline: (peak(N) - peak(tiny)) / N.

    .venv/bin/python bench/bench_memory.py                      # 100k, 500k, 1M characters
    .venv/bin/python bench/bench_memory.py --sizes 100000 1000000 --store DIR
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPORTS, SEED, read_jsonl, require_shared, row  # noqa: E402

GOVTEXT = str(Path(sys.executable).parent / "govtext")


def corpus_text(chars: int) -> str:
    """``chars`` characters of real report paragraphs (repeated with a counter when the corpus runs out)."""
    paragraphs = [p for d in read_jsonl(REPORTS) for p in d["text"].split("\n") if len(p.strip()) > 20]
    out, n, k = [], 0, 0
    while n < chars:
        p = paragraphs[k % len(paragraphs)] + (f"（{k // len(paragraphs)}）" if k >= len(paragraphs) else "")
        out.append(p)
        n += len(p) + 1
        k += 1
    return "\n".join(out)[:chars]


def measure(cmd: list[str], env: dict, stdin: bytes | None = None) -> tuple[float, float, int]:
    """(peak RSS in MB, seconds, exit status) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()[-300:]
    if proc.returncode not in (0, 1):
        print(f"  {' '.join(cmd[1:4])}: exit {proc.returncode}: {err}")
    return usage.ru_maxrss / 1024, time.perf_counter() - start, proc.returncode


def main() -> int:
    require_shared()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 500_000, 1_000_000])
    parser.add_argument("--store", help="store to check drafts against (default: the seed page, built here)")
    args = parser.parse_args()
    env = {
        **os.environ,
        "GOVTEXT_INGEST_WORKERS": "0",
        "GOVTEXT_MAX_DOC_CHARS": str(max(args.sizes) + 1),
        "GOVTEXT_MAX_DRAFT_CHARS": str(max(args.sizes) + 1),
    }
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print("ingest of one document (tagging in the ingesting process)")
        row("characters", "peak MB", "seconds", "bytes/char")
        base_mb = None
        for n in [200] + args.sizes:
            source = tmp / f"doc{n}.jsonl"
            source.write_text(
                json.dumps({"id": f"d{n}", "text": corpus_text(n)}, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            mb, secs, _ = measure([GOVTEXT, "--data", str(tmp / f"s{n}"), "ingest", str(source), "--quiet"], env)
            base_mb = mb if base_mb is None else base_mb
            per = (mb - base_mb) * 1024 * 1024 / n if n > 200 else 0
            row(f"{n:,}", f"{mb:.0f}", f"{secs:.1f}", f"{per:.0f}" if n > 200 else "(baseline)")
        store = Path(args.store) if args.store else tmp / "store"
        if not args.store:
            measure([GOVTEXT, "--data", str(store), "ingest", str(SEED), "--quiet"], env)
        print("duplicate check of one draft (govtext check -)")
        row("characters", "peak MB", "seconds", "bytes/char")
        base_mb = None
        for n in [200] + sorted({20_000, 100_000} | {s for s in args.sizes if s <= 100_000}):
            mb, secs, _ = measure(
                [GOVTEXT, "--data", str(store), "check", "-", "--json"], env, corpus_text(n).encode("utf-8")
            )
            base_mb = mb if base_mb is None else base_mb
            per = (mb - base_mb) * 1024 * 1024 / n if n > 200 else 0
            row(f"{n:,}", f"{mb:.0f}", f"{secs:.1f}", f"{per:.0f}" if n > 200 else "(baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
