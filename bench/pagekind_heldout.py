"""The frozen page-kind model (bench/data/pagekind_model.json) on page sets 12-15, which it never saw.

    .venv/bin/python bench/pagekind_heldout.py [--mirror /work/.mirror] [--baseline /work/base-s6] [--pages]

The model was fitted on sets 1-11 only and its threshold chosen on them (``bench/pagekind_cv.py
--freeze``, committed before this script first ran); nothing here is tuned. For each extractor — this
tree's, and with ``--baseline`` another tree's (e.g. main at the session start) — every page of sets
12-15 is read once; its verdict (refused or not), its character F1 against the gold and its page-kind
features come from that same extractor (features of the block it chose). A tree older than the
features (no ``page_kind_features``) is run from a temporary copy with this tree's ingest/pagekind.py
and the two-line feature hook added to its extract.py (its rules unchanged). Reported per set and in
total: rules alone and rules OR model (model p >= the frozen threshold): non-articles refused, articles
refused, mean F1 (an article's F1, 0 when refused; a non-article 1 when refused, 0 when kept). The row
``(rules OR p>=0.5)`` is for information only: 0.5 is not the frozen choice (sets 1-11 chose 0.997).
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent))

import eval_extract_external as ev  # noqa: E402
from extract_peers import char_scores  # noqa: E402
from pagekind_cv import FROZEN, score  # noqa: E402

from ingest.extract import page_kind_features  # noqa: E402

SETS = (12, 13, 14, 15)

WORKER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from ingest.extract import page_kind_features
from ingest.pagekind import FEATURES
for line in sys.stdin:
    features, doc = page_kind_features(json.loads(line))
    out = {"text": doc.text if doc is not None else None, "features": features or dict.fromkeys(FEATURES, 0.0)}
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()
"""

HOOK_IMPORT = "from ingest.pagekind import page_features\n"
HOOK = (
    "    kept = _clean_blocks(inside)\n"
    '    if "features" in seen:\n'
    '        seen["features"] = page_features(blocks, inside, kept, html_title, _header_text(blocks, inside), html)\n'
)
#: this tree's page_kind_features, appended to an older extractor that lacks it (one definition)
HOOK_FN = "\n\n" + inspect.getsource(page_kind_features)


def with_features(tree: Path, tmp: Path) -> Path:
    """``tree`` itself if its extractor has ``page_kind_features``; else a copy of its Python packages
    with this tree's ingest/pagekind.py and the feature hook added (nothing else changed)."""
    source = (tree / "ingest" / "extract.py").read_text(encoding="utf-8")
    if "def page_kind_features" in source:
        return tree
    copy = tmp / "tree"
    for pkg in ("ingest", "govtext"):
        shutil.copytree(tree / pkg, copy / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT.parent / "ingest" / "pagekind.py", copy / "ingest" / "pagekind.py")
    kept_line = "    kept = _clean_blocks(inside)\n"
    anchor = "\nfrom ingest."
    if source.count(kept_line) != 1 or anchor not in source or "def _header_text" not in source:
        sys.exit(f"{tree}: its extract.py does not have the places the feature hook goes")
    i = source.index(anchor) + 1
    source = source[:i] + HOOK_IMPORT + source[i:]
    source = source.replace(kept_line, HOOK) + HOOK_FN
    (copy / "ingest" / "extract.py").write_text(source, encoding="utf-8")
    return copy


class Worker:
    """page_kind_features of another tree, run by that tree's .venv/bin/python one page at a time."""

    def __init__(self, tree: Path, code: Path):
        self.proc = ev.tree_worker(tree / ".venv" / "bin" / "python", WORKER, code)

    def __call__(self, html: str):
        out = ev.ask_worker(self.proc, html)
        return out["features"], out["text"]


def here(html: str):
    from ingest.extract import page_kind_features
    from ingest.pagekind import FEATURES

    features, doc = page_kind_features(html)
    return features or dict.fromkeys(FEATURES, 0.0), doc.text if doc is not None else None


def pages(mirror: Path):
    for n in SETS:
        spec = json.loads(ev.SOURCE_SETS[n].read_text(encoding="utf-8"))
        checkouts = {
            k: ev.Checkout(str(mirror / s["repo"].replace("/", "+") / "repo")) for k, s in spec["sources"].items()
        }
        pset = ev.SixthSet(f"set {n}", spec, checkouts, None)
        for page in pset.pages:
            nonarticle = int(page["type"] == "list")
            yield n, page, nonarticle, pset.html(page), None if nonarticle else pset.gold(page)


def probability(model: dict, features: dict) -> float:
    x = np.array([features[k] for k in model["features"]], dtype=float)
    z = ((x - np.array(model["mean"])) / np.array(model["scale"])) @ np.array(model["coef"]) + model["intercept"]
    return float(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", default="/work/.mirror", help="folder of checkouts as owner+name/repo")
    parser.add_argument("--baseline", metavar="TREE", help="another govtext tree (its .venv) read the same way")
    parser.add_argument("--model", default=str(FROZEN))
    parser.add_argument("--pages", action="store_true", help="list every non-article and every page the model refuses")
    args = parser.parse_args()
    model = json.loads(Path(args.model).read_text(encoding="utf-8"))
    t = model["threshold"]
    print(f"frozen model: {model['trained_on']}, threshold {t:.6f}")
    extractors = {"this tree": here}
    with tempfile.TemporaryDirectory() as tmp:
        if args.baseline:
            tree = Path(args.baseline).resolve()
            commit = subprocess.run(
                ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
            )
            code = with_features(tree, Path(tmp))
            print(
                f"baseline: {tree} @ {commit.stdout.strip()}{' (feature hook added in a copy)' if code != tree else ''}"
            )
            extractors = {"baseline": Worker(tree, code), **extractors}
        rows: dict[str, list[dict]] = {name: [] for name in extractors}
        for n, page, nonarticle, html, gold in pages(Path(args.mirror)):
            for name, fn in extractors.items():
                features, text = fn(html)
                f1 = None
                if not nonarticle and gold is not None:
                    f1 = round(char_scores(text, gold)[2], 4) if text else 0.0
                rows[name].append(
                    {
                        "set": n,
                        "page": page["page"],
                        "site": page["site"],
                        "nonarticle": nonarticle,
                        "refused": int(text is None),
                        "f1": f1,
                        "p": probability(model, features),
                    }
                )
    print(f"\n{'':39}{'non-articles refused':>21}{'articles refused':>18}{'mean F1':>9}{'pages':>7}")
    for name, rs in rows.items():
        for label, keep in [(f"set {n}", (lambda r, n=n: r["set"] == n)) for n in SETS] + [
            ("sets 12-15", lambda r: True)
        ]:
            sub = [r for r in rs if keep(r)]
            for kind, refused in (
                ("rules", [bool(r["refused"]) for r in sub]),
                ("rules OR model", [bool(r["refused"]) or r["p"] >= t for r in sub]),
                ("(rules OR p>=0.5)", [bool(r["refused"]) or r["p"] >= 0.5 for r in sub]),
            ):
                s = score(sub, refused)
                print(
                    f"{name + ' ' + kind:28}{label:>11}{s['non'][0]:>14}/{s['non'][1]:<6}"
                    f"{s['lost'][0]:>11}/{s['lost'][1]:<6}{s['f1']:9.4f}{s['pages']:7}"
                )
        print()
    if args.pages:
        for name, rs in rows.items():
            print(f"{name}: every non-article, and every article the model would refuse (p >= {t:.3f})")
            for r in rs:
                if r["nonarticle"] or r["p"] >= t:
                    print(
                        f"  set {r['set']} {r['site'][:22]:23}{r['page'][:30]:31}"
                        f"{'non-article' if r['nonarticle'] else 'article':12}rules {'refuse' if r['refused'] else 'keep  '}"
                        f"  p={r['p']:.3f}"
                    )


if __name__ == "__main__":
    main()
