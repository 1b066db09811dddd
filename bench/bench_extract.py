"""Extraction throughput: pages per second over the 20 shared fixture pages.

    .venv/bin/python bench/bench_extract.py [--rounds N]

Each round extracts every page from its raw bytes (decoding included). Also
times decoding alone, and, when they are installed, trafilatura and
readability-lxml on the same pages for comparison (they are not our extractor).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.encoding import decode_bytes  # noqa: E402
from ingest.extract import extract_page  # noqa: E402

SHARED_PAGES = ROOT.parent / "shared" / "fixtures" / "extraction" / "original"
OWN_PAGES = ROOT / "tests" / "fixtures" / "pages"


def load_pages() -> list[bytes]:
    paths = sorted(SHARED_PAGES.glob("*.html")) or sorted(OWN_PAGES.glob("*.html"))
    if not paths:
        sys.exit("no pages to benchmark")
    return [p.read_bytes() for p in paths]


def rate(label: str, pages: list[bytes], fn, rounds: int) -> None:
    per_round = []
    for _ in range(rounds):
        start = time.perf_counter()
        for raw in pages:
            fn(raw)
        per_round.append(time.perf_counter() - start)
    best, median = min(per_round), statistics.median(per_round)
    mb = sum(map(len, pages)) / 1e6
    print(
        f"{label:28} {len(pages) / median:8.1f} pages/s (best {len(pages) / best:.1f})  "
        f"{mb / median:6.2f} MB/s  {1000 * median / len(pages):6.2f} ms/page"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pages = load_pages()
    print(f"{len(pages)} pages, {sum(map(len, pages)) / 1e6:.2f} MB, {args.rounds} rounds")
    rate("decode_bytes only", pages, decode_bytes, args.rounds)
    rate("extract_page (govtext)", pages, extract_page, args.rounds)
    try:
        import trafilatura

        rate("trafilatura.extract", pages, lambda raw: trafilatura.extract(raw), args.rounds)
    except ImportError:
        print("trafilatura not installed: skipped")
    try:
        from readability import Document as Readability

        rate("readability-lxml", pages, lambda raw: Readability(decode_bytes(raw)[0]).summary(), args.rounds)
    except ImportError:
        print("readability-lxml not installed: skipped")


if __name__ == "__main__":
    main()
