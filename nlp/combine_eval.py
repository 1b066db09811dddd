"""Which combination of rule hits and model probability should tag? Scored across the site sets (session i16ax).

    .venv/bin/python -m nlp.combine_eval [--checkout OWNER/NAME=PATH ...] [--json]

On the web-page files the model alone (probability >= 0.5) scored above the served combination (noisy-OR of
rule confidence and model probability >= 0.6, :mod:`nlp.combine`) on the thirteenth, fourteenth, fifteenth and
seventeenth files: a model probability of 0.5-0.6 without a rule hit tags nothing when served. This scores,
with the served training recipe, one model fit per scored part and several tagging rules on the same
probabilities (:data:`COMBINATIONS`):

* the eighth to eleventh sets (first reading and adjudicated), each scored by the shared files and the other
  three (the served recipe, leaving the scored set out);
* the twelfth to seventeenth sets (first reading; the fourteenth's and fifteenth's adjudicated labels too), each
  scored by the shared files and the eighth to eleventh sets, without a set sharing a repository with it (the
  tenth for the fourteenth);
* leave one shared file out, the other shared files and the four site sets training.

Decision rule, written before the run: a candidate is served only if (1) its mean change against ``combined``
over the site figures (eighth to seventeenth: 8 + 8 figures) is >= +0.005 and (2) its leave-one-shared-file-out
mean falls by no more than 0.005; of the candidates that qualify, the one with the larger site mean change. The
eighteenth file is read once afterwards by the served combination and by the candidate if one is chosen.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

import numpy as np

from nlp.combine import COMBINED_THRESHOLD, noisy_or
from nlp.evaluate import HELDOUT_MIN_SUPPORT, Dataset, prf
from nlp.external_docs import parse_checkout, set_checkouts
from nlp.external_eval import LATER_SETS, SITE_SETS_ELEVENTH, first_reading_gold, repositories, site_data
from nlp.labels import HELDOUT17_FILE

#: the scored web-page sets after the eleventh: (name, file, first reading)
SCORED_LATER = (*LATER_SETS, ("heldout17", HELDOUT17_FILE, HELDOUT17_FILE))
#: sets with a second reading: their adjudicated labels are a figure of their own
ADJUDICATED = {"heldout8", "heldout9", "heldout10", "heldout11", "heldout14", "heldout15"}

Rule = Callable[[np.ndarray, np.ndarray], np.ndarray]
#: name -> tagging rule on (rule confidence, model probability); ``combined`` is what was served before this
#: run (the noisy-OR alone), ``combined_or_model`` what the rule chose and is served since (:func:`nlp.combine.tagged`)
COMBINATIONS: dict[str, Rule] = {
    "combined": lambda r, m: noisy_or(r, m) >= COMBINED_THRESHOLD,
    "combined_or_model": lambda r, m: (noisy_or(r, m) >= COMBINED_THRESHOLD) | (m >= 0.5),
    "noisy_or_0.55": lambda r, m: noisy_or(r, m) >= 0.55,
    "model": lambda r, m: m >= 0.5,
    "rules": lambda r, m: r >= 0.5,
}


def _macro(gold: np.ndarray, pred: np.ndarray) -> float:
    return float(prf(gold, pred.astype(int), HELDOUT_MIN_SUPPORT)["macro"]["f1"])


def _scores(ds: Dataset, train: list[int], test: list[int], golds: dict[str, np.ndarray], C: float) -> dict:
    """gold name -> combination -> macro-F1 of one model fitted on ``train``."""
    model_p = ds.fit_predict(train, test, C)
    rule = ds.rule_conf[test]
    return {g: {c: _macro(gold, f(rule, model_p)) for c, f in COMBINATIONS.items()} for g, gold in golds.items()}


def run(C: float = 16.0, clusters: dict[str, int] | None = None) -> dict:
    base, later = SITE_SETS_ELEVENTH, SCORED_LATER
    ds, shared_files, shared, site = site_data((*base, *later), clusters)
    repos = repositories(ds, site)
    base_names = [n for n, _, _ in base]
    out: dict = {"sets": {}, "files": {}}
    for name, _, first in (*base, *later):
        golds = {"first": first_reading_gold(ds, site[name], first)}
        if name in ADJUDICATED:
            golds["adj"] = ds.gold[site[name]]
        others = [n for n in base_names if n != name and not repos[n] & repos[name]]
        out["sets"][name] = _scores(ds, shared + [i for n in others for i in site[n]], site[name], golds, C)
    sites = [i for n in base_names for i in site[n]]
    names = ds.files
    assert names is not None
    for f in shared_files:
        test = [i for i in shared if names[i] == f]
        train = [i for i in shared if names[i] != f] + sites
        out["files"][f] = _scores(ds, train, test, {"gold": ds.gold[test]}, C)["gold"]
    out["decision"] = decide(out)
    return out


def decide(rep: dict) -> dict:
    """The module docstring's rule: mean site change and leave-one-file-out change against ``combined``."""
    figures = [by_c for s in rep["sets"].values() for by_c in s.values()]
    files = list(rep["files"].values())
    summary = {}
    for c in COMBINATIONS:
        summary[c] = {
            "site_mean": float(np.mean([f[c] for f in figures])),
            "site_change": float(np.mean([f[c] - f["combined"] for f in figures])),
            "files_mean": float(np.mean([f[c] for f in files])),
            "files_change": float(np.mean([f[c] - f["combined"] for f in files])),
        }
    ok = [
        c
        for c in COMBINATIONS
        if c != "combined" and summary[c]["site_change"] >= 0.005 and summary[c]["files_change"] >= -0.005
    ]
    chosen = max(ok, key=lambda c: summary[c]["site_change"]) if ok else None
    return {"figures": len(figures), "summary": summary, "chosen": chosen}


def format_report(rep: dict) -> str:
    names = list(COMBINATIONS)
    lines = ["macro-F1 (themes with >= 5 positives), served training recipe; columns: " + " | ".join(names)]
    for s, by_gold in rep["sets"].items():
        for g, by_c in by_gold.items():
            lines.append(f"{s:10} {g:5} " + " ".join(f"{by_c[c]:.3f}" for c in names))
    for f, by_c in rep["files"].items():
        lines.append(f"{f[:40]:40} " + " ".join(f"{by_c[c]:.3f}" for c in names))
    d = rep["decision"]
    lines.append(f"\nover {d['figures']} site figures and {len(rep['files'])} shared files:")
    for c, v in d["summary"].items():
        lines.append(
            f"  {c:18} site mean {v['site_mean']:.3f} (change {v['site_change']:+.4f}),"
            f" files mean {v['files_mean']:.3f} (change {v['files_change']:+.4f})"
        )
    lines.append(f"chosen by the rule: {d['chosen']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nlp.combine_eval")
    ap.add_argument("--C", type=float, default=16.0)
    ap.add_argument("--checkout", action="append", default=[], metavar="OWNER/NAME=PATH")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    set_checkouts(dict(parse_checkout(spec) for spec in args.checkout))
    from nlp.word_clusters import load

    rep = run(args.C, load(None)["clusters"])
    print(json.dumps(rep, ensure_ascii=False, indent=1) if args.json else format_report(rep))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
