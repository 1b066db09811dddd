"""Instructions the tagging workers' analysis executes, counted by valgrind: a CPU measure the machine's load does not move.

    .venv/bin/python bench/analysis_instructions.py [--docs 100] [--tree OTHER_CHECKOUT]

Runs ``pipeline.analyze_document_terms`` over the first N/2 reports and N/2 laws
of the sample under ``valgrind --tool=cachegrind --cache-sim=no`` twice, once
stopping after the start-up (loading dictionaries, models and the documents,
one short warm-up analysis) and once analysing every document, and prints the
difference in billions of instructions (about 100 s of valgrind per run for
100 documents). ``--tree``: count another checkout's code, run by its own
``.venv`` (this script need not be there). Compare two checkouts so;
CPU seconds on a shared machine move by tens of percent between runs, these
counts by well under one percent (the hash seed moves dict and set orders).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from common import LAWS, REPO, REPORTS, read_jsonl, require_shared


def analyse(docs: int, run: bool) -> None:
    from govtext.documents import Document
    from govtext.settings import load_settings
    from pipeline import analyze_document_terms

    sample = read_jsonl(REPORTS, docs // 2) + read_jsonl(LAWS, docs - docs // 2)
    settings = load_settings()
    analyze_document_terms(Document(id="warm", text=sample[0]["text"][:200]), settings=settings)
    if run:
        for d in sample:
            analyze_document_terms(Document(id=d["id"], text=d["text"], title=d.get("title") or ""), settings=settings)


def instructions(tree: Path, docs: int, run: bool) -> int:
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    command += [str(tree / ".venv" / "bin" / "python"), str(Path(__file__).resolve()), "--docs", str(docs)]
    command += ["--tree", str(tree), "--inner", "run" if run else "start"]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=tree).stderr
    found = re.search(r"I\s+refs:\s+([\d,]+)", out)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{out[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--tree", type=Path, default=REPO, help="the checkout whose code runs (its own .venv)")
    parser.add_argument("--inner", choices=["start", "run"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    require_shared()
    tree = args.tree.resolve()
    if args.inner:
        sys.path.insert(0, str(tree))  # before this checkout's (bench/common put it first)
        analyse(args.docs, args.inner == "run")
        return
    if shutil.which("valgrind") is None:
        print("skipped: valgrind is not installed")
        return
    os.environ.setdefault("PYTHONHASHSEED", "0")
    start, run = instructions(tree, args.docs, False), instructions(tree, args.docs, True)
    print(f"{tree}, {args.docs} documents: start-up {start / 1e9:.2f} billion instructions,", end=" ")
    print(f"analysis {(run - start) / 1e9:.2f} billion")


if __name__ == "__main__":
    main()
