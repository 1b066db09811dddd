"""Ingest CPU of two checkouts in one run, rounds interleaved (A B A B …), against jieba.lcut.

    .venv/bin/python bench/ab_ingest.py --before /work/gt-base [--docs 600] [--rounds 3]

Each round segments bench_ingest's sample with jieba.lcut (HMM off, the user
dictionary; CPU of the segmentation only), then runs ``govtext ingest`` of the
same sample into a fresh folder with each checkout's own Python and code
(``--before``'s ``.venv``, then this one's), under bench_ingest's
``DEDUP_TIMER`` wrapper, which also reports the CPU the ingest process spent in
the duplicate index. Printed per round and as medians: ingest CPU seconds, the
CPU ratio to jieba.lcut of the same round, and that ratio without the
duplicate index's share. On a shared machine the ratios of one round move
together; compare checkouts within rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench_ingest import DEDUP_TIMER
from common import LAWS, REPO, REPORTS, read_jsonl, require_shared

JIEBA = """
import json, sys, time
import jieba
from govtext.settings import load_settings
from nlp.segment import read_user_words
docs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
tok = jieba.Tokenizer()
tok.initialize()
for word, freq, tag in read_user_words(load_settings().config_dir / "userdict.txt"):
    tok.add_word(word, freq, tag)
start = time.process_time()
for d in docs:
    tok.lcut(d["text"], HMM=False)
print(time.process_time() - start)
"""


def ingest_cpu(tree: Path, source: Path) -> tuple[float, float, float]:
    """(CPU s of the ingest and its workers, CPU s of the duplicate index, wall s)."""
    with tempfile.TemporaryDirectory() as tmp:
        # the tree's own code first: a worktree whose .venv is a link to another checkout's would
        # otherwise import that checkout's package (its editable install); the fork server inherits it
        path = os.pathsep.join([str(tree), *filter(None, [os.environ.get("PYTHONPATH")])])
        env = {**os.environ, "GOVTEXT_ANALYZE": "1", "DEDUP_CPU_FILE": f"{tmp}/dedup", "PYTHONPATH": path}
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(
            [str(tree / ".venv" / "bin" / "python"), "-c", DEDUP_TIMER, "--data", f"{tmp}/data", "ingest", str(source)]
            + ["--quiet"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            cwd=tmp,  # python -c puts the working folder first on sys.path
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return cpu, float(Path(f"{tmp}/dedup").read_text()), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, type=Path, help="the other checkout (with its own .venv)")
    parser.add_argument("--docs", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    require_shared()
    docs = (read_jsonl(REPORTS) + read_jsonl(LAWS))[: args.docs]
    trees = {"before": args.before.resolve(), "after": REPO}
    results: dict[str, list[tuple[float, float, float]]] = {k: [] for k in trees}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "docs.jsonl"
        source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        for r in range(args.rounds):
            out = subprocess.run(
                [str(REPO / ".venv" / "bin" / "python"), "-c", JIEBA, str(source)],
                check=True,
                capture_output=True,
                text=True,
                cwd=tmp,
            )
            jieba_cpu = float(out.stdout)
            for name, tree in trees.items():
                cpu, dedup, wall = ingest_cpu(tree, source)
                results[name].append((cpu / jieba_cpu, (cpu - dedup) / jieba_cpu, cpu))
                print(
                    f"round {r + 1} {name:<6}: ingest {cpu:6.2f} CPU s (duplicate index {dedup:5.2f}), "
                    f"jieba.lcut {jieba_cpu:5.2f} CPU s: {cpu / jieba_cpu:.2f}x, "
                    f"without the duplicate index {(cpu - dedup) / jieba_cpu:.2f}x (wall {wall:.1f} s)",
                    flush=True,
                )
    for name, rows in results.items():
        print(
            f"{name:<6} median: {statistics.median(r[0] for r in rows):.2f}x, without the duplicate index "
            f"{statistics.median(r[1] for r in rows):.2f}x, ingest {statistics.median(r[2] for r in rows):.2f} CPU s"
        )


if __name__ == "__main__":
    main()
