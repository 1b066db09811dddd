"""Extraction CPU time against another govtext tree, passes interleaved on the same pages.

    .venv/bin/python bench/compare_extract.py --baseline TREE [--passes 7] [--dataset CHECKOUT]

``bench/bench_extract.py`` times one tree at a time; on a shared machine two runs
minutes apart see different neighbours. Here each pass extracts every page with this
tree's extractor (in this process) and then with TREE's (its own ``.venv`` and code, in
the worker process of ``eval_extract_external.py --baseline``, which times itself), so
a neighbour's burst falls on both alike. Printed: each pass's CPU ms/page of both and
their ratio, and the medians.

Pages: the 20 shared fixture pages (``../shared/fixtures/extraction``), or with
``--dataset`` every page of a checkout of
immortal-autumn/Chinese-Web-Content-Extraction-Dataset. Both extractors get the same
decoded HTML (govtext's decode_bytes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_extract import load_pages  # noqa: E402
from eval_extract_external import BaselineExtractor  # noqa: E402
from extract_peers import run_govtext  # noqa: E402

from ingest.encoding import decode_bytes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, metavar="TREE", help="the other govtext tree (e.g. main's)")
    parser.add_argument("--passes", type=int, default=7)
    parser.add_argument("--dataset", help="checkout of the Chinese-Web-Content-Extraction-Dataset")
    args = parser.parse_args()
    label, pages = load_pages(args.dataset)
    htmls = [decode_bytes(raw)[0] for raw, _ in pages]
    base = BaselineExtractor(args.baseline)
    print(f"{len(htmls)} pages: {label}\nbaseline: {base.label}")
    ours, theirs, ratios = [], [], []
    for n in range(args.passes):
        cpu = time.process_time()
        for html in htmls:
            run_govtext(html)
        a = 1000 * (time.process_time() - cpu) / len(htmls)
        b = 0.0
        for html in htmls:
            base(html)
            b += base.last_cpu
        b = 1000 * b / len(htmls)
        ours.append(a)
        theirs.append(b)
        ratios.append(a / b)
        print(f"pass {n + 1}: this tree {a:.2f}  baseline {b:.2f} CPU ms/page  ratio {a / b:.2f}")
    print(
        f"median: this tree {statistics.median(ours):.2f}  baseline {statistics.median(theirs):.2f} CPU ms/page; "
        f"ratio {statistics.median(ratios):.2f} (passes {min(ratios):.2f}-{max(ratios):.2f})"
    )


if __name__ == "__main__":
    main()
