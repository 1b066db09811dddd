"""Extraction on pages from public repositories, split by site, with peers in the same run.

    .venv/bin/python bench/eval_extract_external.py DATASET [--list-pages GNE] [--no-peers] [--pages] [--ablate SIGNAL]

DATASET is a checkout (work tree or git directory, e.g. the mirror the
``fetch`` tool returns) of immortal-autumn/Chinese-Web-Content-Extraction-Dataset;
GNE one of GeneralNewsExtractor/GeneralNewsExtractor, whose list pages must be
refused and whose article pages must not be. Pages are read from the checkout,
never copied into this repository. Which page is on which site, of which type,
in which split, and the hand-written metadata labels are in
``bench/data/extract_pages.json`` (fixed before any tuning).

Text is scored as in tests/test_extract.py: character-multiset precision,
recall and F1 against the hand-cleaned text, whitespace ignored. A refused
article scores 0; a list page scores 1 when refused, 0 when text comes out.
Every extractor gets the same decoded HTML string (govtext's decode_bytes).
The headline is the mean F1 over the held-out sites' pages.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract_peers import char_scores, extractors  # noqa: E402
from ingest.encoding import decode_bytes  # noqa: E402
from ingest.extract import SIGNALS as extract_signals  # noqa: E402
from ingest.extract import normalize_date  # noqa: E402

PAGES = ROOT / "bench" / "data" / "extract_pages.json"
SPLITS = ("heldout", "tune", "fixture")


class Checkout:
    """Files of a git work tree or git directory, at its HEAD."""

    def __init__(self, path: str):
        self.path = Path(path)
        if not self.path.exists():
            sys.exit(f"no such checkout: {path}")
        self.commit = self._git("rev-parse", "HEAD").decode().strip()
        self.worktree = not (self.path / "HEAD").is_file() or (self.path / ".git").exists()

    def _git(self, *args: str) -> bytes:
        try:
            return subprocess.run(["git", "-C", str(self.path), *args], check=True, capture_output=True).stdout
        except subprocess.CalledProcessError as e:
            sys.exit(f"{self.path}: not a git checkout ({e.stderr.decode().strip()})")

    def read(self, rel: str) -> bytes:
        if self.worktree and (self.path / rel).is_file():
            return (self.path / rel).read_bytes()
        return self._git("show", f"HEAD:{rel}")

    def listing(self, under: str) -> list[str]:
        return self._git("ls-tree", "-r", "--name-only", "HEAD", under).decode().split()


# ------------------------------------------------------------------ metadata

FIELDS = ("date", "source", "doc_number", "index_no")


def _norm(field: str, value: str) -> str:
    if field == "date":
        return normalize_date(value) or value.strip()
    return re.sub(r"[\s《》“”\"'()（）:：]", "", value or "")


def _predicted(doc, field: str) -> str:
    if doc is None:
        return ""
    if field == "date":
        return doc.date or ""
    if field == "source":
        return doc.source or ""
    return str(doc.meta.get(field) or "")


def metadata_scores(rows: list[dict]) -> dict:
    """Per field: precision = right / predicted, recall = right / labelled (a date is right
    when the prediction starts with the labelled one, e.g. 2018-03-02 for 2018)."""
    out = {}
    for field in FIELDS:
        predicted = labelled = right = 0
        for row in rows:
            gold = _norm(field, row["labels"][field])
            pred = _norm(field, _predicted(row["doc"], field))
            predicted += bool(pred)
            labelled += bool(gold)
            if pred and gold and (pred.startswith(gold) if field == "date" else pred == gold):
                right += 1
        out[field] = (right, predicted, labelled)
    return out


def _site_chrome(page: dict, pages: list[dict], htmls: dict):
    """A SiteChrome that has seen every other page of the page's site."""
    from govtext.errors import SourceError
    from ingest.chrome import SiteChrome
    from ingest.extract import extract_html

    chrome = SiteChrome(min_pages=1, host=page["site"])
    for other in pages:
        if other["site"] == page["site"] and other["page"] != page["page"]:
            try:
                extract_html(htmls[other["page"]], chrome=chrome)
            except SourceError:
                pass  # its blocks were recorded before it was refused
    return chrome


# ---------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", help="checkout of immortal-autumn/Chinese-Web-Content-Extraction-Dataset")
    parser.add_argument("--list-pages", help="checkout of GeneralNewsExtractor/GeneralNewsExtractor")
    parser.add_argument("--no-peers", action="store_true", help="govtext only")
    parser.add_argument("--pages", action="store_true", help="print every page's scores")
    parser.add_argument(
        "--only",
        action="append",
        choices=SPLITS,
        help="score only these splits (while tuning: --only tune --only fixture)",
    )
    parser.add_argument(
        "--chrome",
        action="store_true",
        help="govtext strips blocks repeated on the other pages of the same site (ingest/chrome.py)",
    )
    parser.add_argument(
        "--ablate",
        action="append",
        default=[],
        choices=sorted(extract_signals),
        help="switch one of govtext's general signals off (to measure what it adds)",
    )
    args = parser.parse_args()
    for name in args.ablate:
        extract_signals[name] = False
    if args.ablate:
        print(f"govtext without: {', '.join(args.ablate)}")

    spec = json.loads(PAGES.read_text(encoding="utf-8"))
    ds = Checkout(args.dataset)
    print(f"source: {spec['dataset']['repo']} @ {ds.commit[:7]} ({spec['dataset']['licence']})")
    if not ds.commit.startswith(spec["dataset"]["commit"]):
        print(f"  note: the page set was written for commit {spec['dataset']['commit']}")
    tools = extractors(not args.no_peers)
    names = list(tools)
    times = defaultdict(float)
    count = 0

    rows = []
    htmls = {p["page"]: decode_bytes(ds.read(f"original/{p['page']}.html"))[0] for p in spec["dataset"]["pages"]}
    if args.chrome:
        print("govtext with site chrome: each page sees the other pages of its site first (min_pages=1)")
    for page in spec["dataset"]["pages"]:
        if args.only and page["split"] not in args.only:
            continue
        html = htmls[page["page"]]
        gold = ds.read(f"cleaned/{page['page']}.txt").decode("utf-8")
        row = dict(page)
        chrome = _site_chrome(page, spec["dataset"]["pages"], htmls) if args.chrome else None
        for name, fn in tools.items():
            start = time.perf_counter()
            text, doc = fn(html, chrome=chrome) if name == "govtext" and chrome else fn(html)
            times[name] += time.perf_counter() - start
            row[name] = char_scores(text, gold)[2] if text else 0.0
            if name == "govtext":
                row["doc"] = doc
        count += 1
        rows.append(row)

    header = f"{'':24}{'pages':>6}" + "".join(f"{n:>13}" for n in names)
    if args.pages:
        print(f"\n{'page':10}{'site':20}{'type':11}{'split':8}" + "".join(f"{n:>13}" for n in names))
        for row in rows:
            print(
                f"{row['page'][:8]:10}{row['site']:20}{row['type']:11}{row['split']:8}"
                + "".join(f"{row[n]:13.3f}" for n in names)
            )

    def line(label: str, subset: list[dict]) -> str:
        return f"{label:24}{len(subset):6}" + "".join(f"{statistics.mean(r[n] for r in subset):13.3f}" for n in names)

    print("\nmean character F1 by split (held-out sites = headline)")
    print(header)
    for split in SPLITS:
        subset = [r for r in rows if r["split"] == split]
        if subset:
            print(line(split + (" sites" if split != "fixture" else " (shared 20)"), subset))
    print(line("all", rows))
    print("\nby page type, held-out sites | all splits")
    for kind in sorted({r["type"] for r in spec["dataset"]["pages"]}):
        held = [r for r in rows if r["type"] == kind and r["split"] == "heldout"]
        every = [r for r in rows if r["type"] == kind]
        if not every:
            continue
        if held:
            print(line(f"{kind} (held-out)", held))
        print(line(f"{kind} (all)", every))

    if args.list_pages:
        gne = Checkout(args.list_pages)
        lp = spec["list_pages"]
        print(f"\nlist pages: {lp['repo']} @ {gne.commit[:7]} ({lp['licence']}); refused = no text returned")
        articles = [p for p in gne.listing(lp["articles_dir"]) if p.endswith(".html")]
        for label, paths, want in (("list pages refused", lp["refuse"], True), ("article pages kept", articles, False)):
            ok = Counter()
            for path in paths:
                html = decode_bytes(gne.read(path))[0]
                for name, fn in tools.items():
                    start = time.perf_counter()
                    text, _ = fn(html)
                    times[name] += time.perf_counter() - start
                    refused = not (text or "").strip()
                    ok[name] += refused == want
                    if args.pages and name == "govtext" and refused != want:
                        print(f"  govtext wrong on {path}: {'refused' if refused else 'kept'}")
            count += len(paths)
            print(f"{label:24}{len(paths):6}" + "".join(f"{ok[n]:>9}/{len(paths):<3}" for n in names))

    for split, note in (
        ("heldout", "labels written by hand before the run"),
        ("tune", "in-sample: the rules were developed on these"),
    ):
        labelled = [r for r in rows if r["split"] == split and "labels" in r]
        if not labelled:
            continue
        print(f"\nmetadata on the {len(labelled)} {split} pages ({note})")
        print(f"{'field':12}{'right':>6}{'predicted':>10}{'labelled':>9}{'precision':>10}{'recall':>8}")
        for field, (right, predicted, gold) in metadata_scores(labelled).items():
            p = right / predicted if predicted else float("nan")
            r = right / gold if gold else float("nan")
            print(f"{field:12}{right:6}{predicted:10}{gold:9}{p:10.3f}{r:8.3f}")
            if args.pages and split != "heldout":
                for row in labelled:
                    want, got = _norm(field, row["labels"][field]), _norm(field, _predicted(row["doc"], field))
                    if want != got and not (field == "date" and want and got.startswith(want)):
                        print(f"    {row['page'][:8]} {field}: labelled {want!r}, got {got!r}")

    print("\nms/page (same decoded HTML, whole run, parse included)")
    print("".join(f"{n:>13}" for n in names))
    print("".join(f"{1000 * times[n] / count:13.2f}" for n in names))


if __name__ == "__main__":
    main()
