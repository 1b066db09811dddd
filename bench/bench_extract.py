"""Extraction quality and speed, govtext beside trafilatura and readability-lxml, in one run.

    .venv/bin/python bench/bench_extract.py [--rounds N] [--dataset CHECKOUT]

Pages: the 20 shared fixture pages (``../shared/fixtures/extraction``, with
hand-cleaned text; these are the pages govtext was developed on, so their F1 is
in-sample), or, with ``--dataset``, every page of a checkout of
immortal-autumn/Chinese-Web-Content-Extraction-Dataset (for the by-site
held-out figure use bench/eval_extract_external.py). Every extractor gets the
same decoded HTML; decoding (govtext's decode_bytes) is timed once, apart.
F1 is character-multiset F1 against the cleaned text (tests/test_extract.py);
ms/page is the median round over all pages, each round extracting every page
(wall clock); "cpu ms" is the same in CPU time of this process, the fairer
figure on a shared machine, where other processes stretch the wall clock.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract_peers import char_scores, extractors  # noqa: E402

from ingest.encoding import decode_bytes  # noqa: E402

SHARED = ROOT.parent / "shared" / "fixtures" / "extraction"


def load_pages(dataset: str | None) -> tuple[str, list[tuple[bytes, str]]]:
    if dataset:

        def git(*args: str) -> bytes:
            return subprocess.run(["git", "-C", dataset, *args], check=True, capture_output=True).stdout

        commit = git("rev-parse", "HEAD").decode().strip()[:7]
        names = [p for p in git("ls-tree", "--name-only", "HEAD", "original/").decode().split() if p.endswith(".html")]
        pages = [
            (git("show", f"HEAD:{n}"), git("show", f"HEAD:cleaned/{Path(n).stem}.txt").decode("utf-8")) for n in names
        ]
        return f"{dataset} @ {commit} (all pages, in-sample and held-out mixed)", pages
    paths = sorted((SHARED / "original").glob("*.html"))
    if not paths:
        sys.exit(f"no pages: {SHARED} not found (../shared is not beside the repo)")
    pages = [(p.read_bytes(), (SHARED / "cleaned" / f"{p.stem}.txt").read_text(encoding="utf-8")) for p in paths]
    return "the 20 shared fixture pages (in-sample for govtext)", pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dataset", help="checkout of the Chinese-Web-Content-Extraction-Dataset")
    args = parser.parse_args()
    label, pages = load_pages(args.dataset)
    raw_bytes = [raw for raw, _ in pages]
    print(f"{len(pages)} pages from {label}, {sum(map(len, raw_bytes)) / 1e6:.2f} MB, {args.rounds} rounds")

    decode_times, decode_cpu = [], []
    for _ in range(args.rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        htmls = [decode_bytes(raw)[0] for raw in raw_bytes]
        decode_times.append(time.perf_counter() - start)
        decode_cpu.append(time.process_time() - start_cpu)
    print(
        f"decode_bytes alone: {1000 * statistics.median(decode_times) / len(pages):.2f} ms/page, "
        f"{1000 * statistics.median(decode_cpu) / len(pages):.2f} cpu ms/page (not in the figures below)"
    )

    print(f"\n{'extractor':14}{'P':>7}{'R':>7}{'F1':>7}{'refused':>9}{'ms/page':>9}{'cpu ms':>9}")
    for name, fn in extractors().items():
        rounds, cpu = [], []
        for _ in range(args.rounds):
            start, start_cpu = time.perf_counter(), time.process_time()
            texts = [fn(html)[0] for html in htmls]
            rounds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        scores = [char_scores(text, gold) if text else (0.0, 0.0, 0.0) for text, (_, gold) in zip(texts, pages)]
        mean = [statistics.mean(s[i] for s in scores) for i in range(3)]
        per_page = statistics.median(rounds) / len(pages)
        cpu_page = statistics.median(cpu) / len(pages)
        refused = sum(1 for t in texts if not t)
        print(
            f"{name:14}{mean[0]:7.3f}{mean[1]:7.3f}{mean[2]:7.3f}{refused:9}{1000 * per_page:9.2f}{1000 * cpu_page:9.2f}"
        )


if __name__ == "__main__":
    main()
