"""Page-kind features of every labelled page of extraction sets 1-27, written as the model's training data.

    .venv/bin/python bench/pagekind_data.py [--mirror /work/.mirror] [--out bench/data/pagekind_features.jsonl]
    .venv/bin/python bench/pagekind_data.py --sets 24   # only set 24's rows, spliced into the file

``--sets`` recomputes the named sets' rows only and splices them into the existing file in the order a
full run writes (numbered sets ascending, then GNE's and Gerapy's pages), keeping every other row as it
is: a set can join without fetching the hundreds of checkouts of the sets before it. The rows kept are
the same extractor's output as long as the extractor has not changed (tests/test_pagekind.py checks the
committed rows against the extractor on the pages it can reach).

Reads each page from its checkout (``MIRROR/owner+name/repo``, as the ``fetch`` tool stores them;
never copied here) the way bench/eval_extract_external.py does, runs govtext's extractor on it
(``ingest.extract.page_kind_features``) and writes one JSON line per page: set, page, site, split,
``nonarticle`` (1 for a page of type ``list``: a non-article to refuse), the extractor's verdict
(``refused``), its character F1 against the gold (articles with a gold), and the features. Pages:
sets 1-27's page files (bench/data/extract_pages*.json), GeneralNewsExtractor's list pages and
article tests (set 1), GerapyAutoExtractor's list and detail samples (set 2). Sites group the folds
of bench/pagekind_cv.py; GNE's pages are grouped by their folder (163, baijiahao, ...).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent))

import eval_extract_external as ev  # noqa: E402
from extract_peers import char_scores  # noqa: E402

from ingest.encoding import decode_bytes  # noqa: E402
from ingest.extract import page_kind_features  # noqa: E402
from ingest.pagekind import CANDIDATE_FEATURES, FEATURES, GATE_FEATURES  # noqa: E402

OUT = ROOT / "data" / "pagekind_features.jsonl"
#: the last page set that is the model's training data (sets 12-15 were the sets 1-11 model's held-out
#: test, bench/pagekind_heldout.py, read before they joined, i19v; sets 16-18 were each read once with the
#: sets 1-15 model on and off before they joined, i19y; set 19 was read once with the sets 1-18 model
#: before it joined, i19aa; sets 20 and 21 were each read once with the sets 1-19 model before they joined,
#: i19ae; set 22 was read once with the sets 1-19 model before it joined, i19ag; set 23 likewise, i19ai;
#: sets 24, 25, 26 and 27 likewise, i19am, i19ao, i19ar and i19av;
#: a later set is never read here)
MAX_SET = 27
#: page sets never the model's data whatever MAX_SET becomes: sets 28 and 29 are drawn as the next held-out
#: reads of the model as it stands (sets 19-27, drawn so, were read once each and are tuning data now)
HELD_OUT_SETS = frozenset({28, 29})


def training_sets(max_set: int = MAX_SET) -> list[int]:
    """The numbered page sets (9 on) whose pages are the model's data: up to ``max_set``, less HELD_OUT_SETS."""
    return [n for n in ev.SOURCE_SETS if n <= max_set and n not in HELD_OUT_SETS]


def checkout(mirror: Path, repo: str) -> ev.Checkout:
    return ev.Checkout(str(mirror / repo.replace("/", "+") / "repo"))


def numbered_sets(mirror: Path, only: frozenset[str] | None = None):
    """(set label, PageSet) for the numbered sets 9 on that are the model's data (or those labelled in ``only``);
    a set read after the model was frozen (page set 16 on) is never its data."""
    for n in training_sets():
        if only is None or str(n) in only:
            spec = json.loads(ev.SOURCE_SETS[n].read_text(encoding="utf-8"))
            sources = {k: checkout(mirror, s["repo"]) for k, s in spec["sources"].items()}
            yield str(n), ev.SixthSet(f"set {n}", spec, sources, None)


def page_sets(mirror: Path):
    """(set label, PageSet) for sets 1-MAX_SET."""
    spec1 = json.loads(ev.PAGES.read_text(encoding="utf-8"))
    yield "1", ev.WebContentSet("set 1", spec1["dataset"], checkout(mirror, spec1["dataset"]["repo"]), None)
    spec2 = json.loads(ev.PAGES2.read_text(encoding="utf-8"))
    yield "2", ev.MagicHtmlSet("set 2", spec2["dataset"], checkout(mirror, spec2["dataset"]["repo"]), None)
    spec3 = json.loads(ev.PAGES3.read_text(encoding="utf-8"))
    yield "3", ev.ThirdSet("set 3", spec3, {n: checkout(mirror, s["repo"]) for n, s in spec3["sources"].items()}, None)
    for label, path in (("4", ev.PAGES4), ("5", ev.PAGES5)):
        spec = json.loads(path.read_text(encoding="utf-8"))
        yield label, ev.FourthSet(f"set {label}", spec, checkout(mirror, spec["source"]["repo"]), None)
    for label, path, cls in (
        ("6", ev.PAGES6, ev.SixthSet),
        ("7", ev.PAGES7, ev.SeventhSet),
        ("8", ev.PAGES8, ev.SixthSet),
    ):
        spec = json.loads(path.read_text(encoding="utf-8"))
        yield (
            label,
            cls(f"set {label}", spec, {n: checkout(mirror, s["repo"]) for n, s in spec["sources"].items()}, None),
        )
    yield from numbered_sets(mirror)


def extra_pages(mirror: Path):
    """GNE's list pages and article tests (set 1), Gerapy's list and detail samples (set 2): no gold text."""
    spec1 = json.loads(ev.PAGES.read_text(encoding="utf-8"))["list_pages"]
    gne = checkout(mirror, spec1["repo"])
    out = [(p, "gne:" + p.split("/")[1], 1) for p in spec1["refuse"]]
    out += [(p, "gne:" + p.split("/")[1], 0) for p in gne.listing(spec1["articles_dir"]) if p.endswith(".html")]
    yield "1-gne", gne, out
    spec2 = json.loads(ev.PAGES2.read_text(encoding="utf-8"))["list_pages"]
    gae = checkout(mirror, spec2["repo"])
    out = [(e["path"], e["site"], 1) for e in spec2["refuse"]] + [(e["path"], e["site"], 0) for e in spec2["keep"]]
    yield "2-gerapy", gae, out


def row(set_label: str, page: str, site: str, split: str, nonarticle: int, html: str, gold: str | None) -> dict:
    features, doc = page_kind_features(html)
    text = doc.text if doc is not None else ""
    f1 = None
    if not nonarticle and gold is not None:
        f1 = round(char_scores(text, gold)[2], 4) if text else 0.0
    return {
        "set": set_label,
        "page": page,
        "site": site,
        "split": split,
        "nonarticle": nonarticle,
        "refused": int(doc is None),
        "f1": f1,
        "features": {
            k: round(v, 6)
            for k, v in (features or dict.fromkeys(FEATURES + GATE_FEATURES + CANDIDATE_FEATURES, 0.0)).items()
        },
    }


def collect(mirror: Path, only: frozenset[str] | None = None) -> list[dict]:
    """Rows of every page, or only of the sets labelled in ``only`` (no extras then)."""
    rows = []
    for label, pset in page_sets(mirror) if only is None else numbered_sets(mirror, only):
        for page in pset.pages:
            nonarticle = int(page["type"] == "list")
            gold = None if nonarticle else pset.gold(page)
            rows.append(row(label, page["page"], page["site"], page["split"], nonarticle, pset.html(page), gold))
        print(f"set {label}: {len(pset.pages)} pages", file=sys.stderr)
    if only is not None:
        return rows
    for label, co, pages in extra_pages(mirror):
        for path, site, nonarticle in pages:
            rows.append(row(label, path, site, "tune", nonarticle, decode_bytes(co.read(path))[0], None))
        print(f"set {label}: {len(pages)} pages", file=sys.stderr)
    return rows


def set_order(label: str) -> tuple[int, int]:
    """Where a set's rows stand in the file: numbered sets ascending, then the extras ('1-gne', '2-gerapy')."""
    return (0, int(label)) if label.isdigit() else (1, 0)


def splice(existing: list[dict], fresh: list[dict], labels: frozenset[str]) -> list[dict]:
    """``existing`` with the rows of ``labels`` replaced by ``fresh``, in a full run's order (stable)."""
    kept = [r for r in existing if r["set"] not in labels]
    return sorted(kept + fresh, key=lambda r: set_order(r["set"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", default="/work/.mirror", help="folder of checkouts as owner+name/repo")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--sets", nargs="+", type=int, help="recompute only these numbered sets (9 on) and splice")
    args = parser.parse_args()
    if args.sets:
        labels = frozenset(str(n) for n in args.sets)
        unknown = sorted(int(x) for x in labels if int(x) not in training_sets())
        if unknown:
            parser.error(f"not among the model's numbered sets 9-{MAX_SET} (HELD_OUT_SETS excluded): {unknown}")
        existing = [json.loads(line) for line in Path(args.out).read_text(encoding="utf-8").splitlines() if line]
        rows = splice(existing, collect(Path(args.mirror), labels), labels)
    else:
        rows = collect(Path(args.mirror))
    with open(args.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(rows)} pages, {sum(r['nonarticle'] for r in rows)} non-articles -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
