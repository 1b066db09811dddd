"""Ingest throughput of `govtext ingest` against `jieba.lcut` alone, same text, one run.

    .venv/bin/python bench/bench_ingest.py [--docs N] [--no-analyze]

`govtext ingest` runs as a real process on a fresh data folder (load JSONL,
split, tag, segment, store in SQLite, index in tantivy); jieba.lcut (HMM off,
the same user dictionary, dictionary load excluded) segments the same texts
in this process. The ratio is the price of everything ingest does beyond
segmentation.

``--dedup-share`` also measures the CPU the ingest process spends in the
duplicate index (``StoreDuplicates.on_write`` and the posting compaction after
the ingest, thread CPU time of the calling thread) and prints the CPU ratio
without it: the ingest runs under a small wrapper that times those two calls
(``DEDUP_TIMER`` below; the same ``govtext`` code otherwise).

Both wall time and CPU time are printed: on a shared machine the wall-clock
ratio moves with the other load (ingest and jieba do not run at the same
moment), while CPU seconds (user + system; for ingest, its process and its
tagging workers) hardly do. Ingest tags in ``GOVTEXT_INGEST_WORKERS`` processes
(default: the CPU count), so its wall time can be below its CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from common import LAWS, REPORTS, Timer, read_jsonl, require_shared, row


#: runs ``govtext`` (argv after the script) and writes the thread CPU seconds of the dedup calls to $DEDUP_CPU_FILE
DEDUP_TIMER = """
import os, sys, time
from search.duplicates import StoreDuplicates
from search.embedded import EmbeddedBackend
spent = [0.0]
def timed(f):
    def run(*a, **k):
        t = time.thread_time()
        try:
            return f(*a, **k)
        finally:
            spent[0] += time.thread_time() - t
    return run
StoreDuplicates.on_write = timed(StoreDuplicates.on_write)
EmbeddedBackend._compact = timed(EmbeddedBackend._compact)
from service.cli import main
code = main(sys.argv[1:])
open(os.environ["DEDUP_CPU_FILE"], "w").write(repr(spent[0]))
sys.exit(code)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1000, help="documents from the corpus (0: all)")
    parser.add_argument("--no-analyze", action="store_true", help="ingest without theme/keyword tagging")
    parser.add_argument("--dedup-share", action="store_true", help="also time the duplicate index (see above)")
    args = parser.parse_args()
    require_shared()
    docs = read_jsonl(REPORTS) + read_jsonl(LAWS)
    if args.docs:
        docs = docs[: args.docs]
    chars = sum(len(d["text"]) for d in docs)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bench.jsonl"
        source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        dedup_file = Path(tmp) / "dedup_cpu"
        env = {**os.environ, "GOVTEXT_ANALYZE": "0" if args.no_analyze else "1", "DEDUP_CPU_FILE": str(dedup_file)}
        govtext = [str(Path(sys.executable).parent / "govtext")]
        if args.dedup_share:
            govtext = [sys.executable, "-c", DEDUP_TIMER]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with Timer() as ingest:
            subprocess.run(
                [*govtext, "--data", str(Path(tmp) / "data"), "ingest", str(source), "--quiet"],
                check=True,
                env=env,
                stdout=subprocess.DEVNULL,
                cwd=tmp,  # python -c puts the working folder first on sys.path
            )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        ingest_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        dedup_cpu = float(dedup_file.read_text()) if args.dedup_share else None

    import jieba

    from govtext.settings import load_settings
    from nlp.segment import read_user_words

    tok = jieba.Tokenizer()
    tok.initialize()
    for word, freq, tag in read_user_words(load_settings().config_dir / "userdict.txt"):
        tok.add_word(word, freq, tag)
    import time

    cpu_start = time.process_time()
    with Timer() as seg:
        for d in docs:
            tok.lcut(d["text"], HMM=False)
    seg_cpu = time.process_time() - cpu_start

    print(f"ingest benchmark: {len(docs)} documents, {chars:,} characters{' (no tagging)' if args.no_analyze else ''}")
    row("", "seconds", "chars/s", "docs/s", "CPU s")
    row(
        "govtext ingest (process, fresh store)",
        f"{ingest.seconds:.2f}",
        f"{chars / ingest.seconds:,.0f}",
        f"{len(docs) / ingest.seconds:,.1f}",
        f"{ingest_cpu:.2f}",
    )
    row(
        "jieba.lcut alone (HMM off, same dict)",
        f"{seg.seconds:.2f}",
        f"{chars / seg.seconds:,.0f}",
        f"{len(docs) / seg.seconds:,.1f}",
        f"{seg_cpu:.2f}",
    )
    print(f"ratio: govtext ingest takes {ingest.seconds / seg.seconds:.2f}x the time of jieba.lcut alone")
    print(f"CPU ratio: govtext ingest uses {ingest_cpu / seg_cpu:.2f}x the CPU time of jieba.lcut alone")
    if dedup_cpu is not None:
        print(
            f"duplicate index: {dedup_cpu:.2f} CPU s of the ingest process; without it the CPU ratio is "
            f"{(ingest_cpu - dedup_cpu) / seg_cpu:.2f}x"
        )


if __name__ == "__main__":
    main()
