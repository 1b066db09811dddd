"""Ingest throughput of `govtext ingest` against `jieba.lcut` alone, same text, one run.

    .venv/bin/python bench/bench_ingest.py [--docs N] [--no-analyze]

`govtext ingest` runs as a real process on a fresh data folder (load JSONL,
split, tag, segment, store in SQLite, index in tantivy); jieba.lcut (HMM off,
the same user dictionary, dictionary load excluded) segments the same texts
in this process. The ratio is the price of everything ingest does beyond
segmentation.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import LAWS, REPORTS, Timer, read_jsonl, require_shared, row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1000, help="documents from the corpus (0: all)")
    parser.add_argument("--no-analyze", action="store_true", help="ingest without theme/keyword tagging")
    args = parser.parse_args()
    require_shared()
    docs = read_jsonl(REPORTS) + read_jsonl(LAWS)
    if args.docs:
        docs = docs[: args.docs]
    chars = sum(len(d["text"]) for d in docs)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bench.jsonl"
        source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        env = {**os.environ, "GOVTEXT_ANALYZE": "0" if args.no_analyze else "1"}
        govtext = str(Path(sys.executable).parent / "govtext")
        with Timer() as ingest:
            subprocess.run(
                [govtext, "--data", str(Path(tmp) / "data"), "ingest", str(source), "--quiet"],
                check=True,
                env=env,
                stdout=subprocess.DEVNULL,
            )

    import jieba

    from govtext.settings import load_settings
    from nlp.segment import read_user_words

    tok = jieba.Tokenizer()
    tok.initialize()
    for word, freq, tag in read_user_words(load_settings().config_dir / "userdict.txt"):
        tok.add_word(word, freq, tag)
    with Timer() as seg:
        for d in docs:
            tok.lcut(d["text"], HMM=False)

    print(f"ingest benchmark: {len(docs)} documents, {chars:,} characters{' (no tagging)' if args.no_analyze else ''}")
    row("", "seconds", "chars/s", "docs/s")
    row(
        "govtext ingest (process, fresh store)",
        f"{ingest.seconds:.2f}",
        f"{chars / ingest.seconds:,.0f}",
        f"{len(docs) / ingest.seconds:,.1f}",
    )
    row(
        "jieba.lcut alone (HMM off, same dict)",
        f"{seg.seconds:.2f}",
        f"{chars / seg.seconds:,.0f}",
        f"{len(docs) / seg.seconds:,.1f}",
    )
    print(f"ratio: govtext ingest takes {ingest.seconds / seg.seconds:.2f}x the time of jieba.lcut alone")


if __name__ == "__main__":
    main()
