"""Should the site sets train the model? Each scored by a model trained with the other (session i16af).

    .venv/bin/python -m nlp.external_eval [--weights 1,2 | --tenth | --eleventh] [--checkout OWNER/NAME=PATH ...] [--json]

The eighth and ninth label sets (paragraphs of saved web sites of public bodies, the news and notice
register no file of ``../shared`` has; read from their snapshots by :mod:`nlp.external_docs`) are
scored across, the same run, the same features (word clusters as served), combined at the global
threshold as served (no per-theme thresholds):

* **(a)** the ninth set (first reading and adjudicated labels) scored by the served recipe before
  session i16af (:data:`nlp.labels.SHARED_TRAINING_FILES`) and by it plus the eighth set adjudicated;
* **(b)** the eighth set scored by the same recipe and by it plus the ninth set adjudicated;
* **(c)** leave one shared training file out (as ``nlp.evaluate --split files --no-calibrate``), the
  other shared files training, without and with both adjudicated site sets added: the law and report
  registers must not fall.

``--weights`` lists the site examples' weights in the classifier's loss to try (1: as any example);
each weight is one more read of both sets. A weight is chosen on these figures only.

``--tenth`` (session i16ak): should the tenth set (adjudicated) join them? Site examples weight 1, as
served. Each of the three site sets (eighth, ninth, tenth; first reading and adjudicated) is scored by
a model trained on the shared files and the other site sets, without the tenth (**before**: the other of
the eighth/ninth; for the tenth, both: the served recipe) and with it (**after**); and leave one shared
file out, the eighth and ninth training, without and with the tenth.

``--eleventh`` (session i16an): the same question for the eleventh set (adjudicated), one set later. Each
of the four site sets (eighth, ninth, tenth, eleventh) is scored by the shared files and the other site
sets without the eleventh (**before**; for the eleventh, the eighth to tenth: the served i16ak recipe, so
its figure is a leave-it-out one) and with it (**after**; the eleventh cannot score itself there); and
leave one shared file out, the eighth to tenth training, without and with the eleventh.

``--later`` (session i16ax): should the twelfth to sixteenth sets (adjudicated where a second reading exists,
else the one reading; 1,183 paragraphs of web pages, each read once per model) train the served model too? Each
of the nine site sets is scored by a model trained on the shared files and the other site sets, without the five
(**before**: the eighth to eleventh, the served recipe) and with them (**after**); a set that shares a repository
with the scored set never trains for it (the fourteenth shares two with the twelfth and one with the tenth).
Decision rule, written before the run: serve only if (1) the mean after - before over the eighth to eleventh
sets' eight figures (first reading and adjudicated) is >= 0, (2) the mean after - before over the twelfth to
sixteenth sets' seven figures (each set's first reading; the fourteenth's and fifteenth's adjudicated too) is
>= 0, and (3) the leave-one-shared-file-out mean falls by no more than 0.005.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from nlp.evaluate import HELDOUT_MIN_SUPPORT, Dataset, format_table, predictions, prf
from nlp.external_docs import parse_checkout, set_checkouts
from nlp.labels import (
    HELDOUT8_ADJUDICATED_FILE,
    HELDOUT8_FILE,
    HELDOUT9_ADJUDICATED_FILE,
    HELDOUT9_FILE,
    HELDOUT10_ADJUDICATED_FILE,
    HELDOUT10_FILE,
    HELDOUT11_ADJUDICATED_FILE,
    HELDOUT11_FILE,
    HELDOUT12_FILE,
    HELDOUT13_FILE,
    HELDOUT14_ADJUDICATED_FILE,
    HELDOUT14_FILE,
    HELDOUT15_ADJUDICATED_FILE,
    HELDOUT15_FILE,
    HELDOUT16_FILE,
    SHARED_TRAINING_FILES,
    read_label_rows,
)
from nlp.model import label_matrix

#: (name, adjudicated file trained on / scored, first reading scored with it)
SITE_SETS = (
    ("heldout8", HELDOUT8_ADJUDICATED_FILE, HELDOUT8_FILE),
    ("heldout9", HELDOUT9_ADJUDICATED_FILE, HELDOUT9_FILE),
)

#: the three site sets of ``--tenth``: the last is the one the decision is on
SITE_SETS_TENTH = (*SITE_SETS, ("heldout10", HELDOUT10_ADJUDICATED_FILE, HELDOUT10_FILE))

#: the four site sets of ``--eleventh`` (session i16an): the last is the one the decision is on
SITE_SETS_ELEVENTH = (*SITE_SETS_TENTH, ("heldout11", HELDOUT11_ADJUDICATED_FILE, HELDOUT11_FILE))

#: the five later site sets of ``--later`` (session i16ax): trained on as the adjudicated file where one exists
LATER_SETS = (
    ("heldout12", HELDOUT12_FILE, HELDOUT12_FILE),
    ("heldout13", HELDOUT13_FILE, HELDOUT13_FILE),
    ("heldout14", HELDOUT14_ADJUDICATED_FILE, HELDOUT14_FILE),
    ("heldout15", HELDOUT15_ADJUDICATED_FILE, HELDOUT15_FILE),
    ("heldout16", HELDOUT16_FILE, HELDOUT16_FILE),
)


def first_reading_gold(ds: Dataset, idx: list[int], path) -> np.ndarray:
    """The labels of ``path`` (a first reading) for the paragraphs ``idx`` of ``ds``, matched by key."""
    by_key = {f"{r['source']}:{r['doc_id']}:{r['para_index']}": r["labels"] for r in read_label_rows(path)}
    return label_matrix([tuple(by_key[ds.examples[i].key]) for i in idx])


def scored(ds: Dataset, train: list[int], test: list[int], golds: dict[str, np.ndarray], C: float) -> dict:
    """name -> system -> P/R/F1 of one model trained on ``train``, predicting ``test`` against each gold."""
    preds = predictions(ds, test, ds.fit_predict(train, test, C), None)
    return {
        g: {k: prf(gold, p.astype(int), HELDOUT_MIN_SUPPORT) for k, p in preds.items()} for g, gold in golds.items()
    }


def run(weights: list[float], C: float = 16.0, clusters: dict[str, int] | None = None) -> dict:
    ds = Dataset.of_files([*SHARED_TRAINING_FILES, *(adj for _, adj, _ in SITE_SETS)], clusters)
    assert ds.files is not None
    shared = [i for i, f in enumerate(ds.files) if f in {p.name for p in SHARED_TRAINING_FILES}]
    site = {name: [i for i, f in enumerate(ds.files) if f == adj.name] for name, adj, _ in SITE_SETS}
    golds = {
        name: {"first": first_reading_gold(ds, site[name], first), "adj": ds.gold[site[name]]}
        for name, _, first in SITE_SETS
    }
    shared_files = [p.name for p in SHARED_TRAINING_FILES]
    out: dict = {"examples": {"shared": len(shared), **{k: len(v) for k, v in site.items()}}, "configs": {}}
    for w in [0.0, *weights]:  # 0: the site sets not trained on (the served recipe before)
        ds.weights = np.array([1.0 if f in shared_files else w for f in ds.files])
        cfg: dict = {}
        for name, _, _ in SITE_SETS:  # (a) and (b): the other set trains
            other = [i for n, idx in site.items() if n != name for i in idx] if w else []
            cfg[name] = scored(ds, shared + other, site[name], golds[name], C)
        every_site = [i for idx in site.values() for i in idx] if w else []
        files: dict = {}
        for f in shared_files:  # (c): leave one shared file out, the site sets training (or not)
            test = [i for i in shared if ds.files[i] == f]
            train = [i for i in shared if ds.files[i] != f] + every_site
            res = scored(ds, train, test, {"gold": ds.gold[test]}, C)["gold"]
            files[f] = {k: v["macro"]["f1"] for k, v in res.items()}
        cfg["files"] = files
        cfg["files_mean"] = {k: float(np.mean([v[k] for v in files.values()])) for k in ("rules", "model", "combined")}
        out["configs"]["alone" if not w else f"w={w:g}"] = cfg
    return out


def site_data(site_sets: tuple, clusters: dict[str, int] | None) -> tuple[Dataset, list[str], list[int], dict]:
    """The shared training files and the site sets' training files as one dataset: the dataset, the shared
    files' names, the shared paragraphs' indices and each site set's indices by name."""
    ds = Dataset.of_files([*SHARED_TRAINING_FILES, *(adj for _, adj, _ in site_sets)], clusters)
    assert ds.files is not None
    shared_files = [p.name for p in SHARED_TRAINING_FILES]
    shared = [i for i, f in enumerate(ds.files) if f in shared_files]
    site = {name: [i for i, f in enumerate(ds.files) if f == adj.name] for name, adj, _ in site_sets}
    return ds, shared_files, shared, site


def repositories(ds: Dataset, site: dict[str, list[int]]) -> dict[str, set[str]]:
    """Each site set's repositories (a row's ``doc_id`` is ``owner/name:path``)."""
    return {name: {ds.examples[i].doc_id.split(":")[0] for i in idx} for name, idx in site.items()}


def leave_shared_file_out(ds: Dataset, shared_files: list[str], shared: list[int], sites: list[int], C: float) -> dict:
    """Each shared file scored by the other shared files and the paragraphs ``sites``: macro-F1 per system."""
    names = ds.files
    assert names is not None
    files: dict = {}
    for f in shared_files:
        test = [i for i in shared if names[i] == f]
        train = [i for i in shared if names[i] != f] + sites
        res = scored(ds, train, test, {"gold": ds.gold[test]}, C)["gold"]
        files[f] = {k: v["macro"]["f1"] for k, v in res.items()}
    means = {k: float(np.mean([v[k] for v in files.values()])) for k in ("rules", "model", "combined")}
    return {"files": files, "files_mean": means}


def run_tenth(C: float = 16.0, clusters: dict[str, int] | None = None) -> dict:
    """``--tenth``: each site set scored without / with the tenth training; leave one shared file out."""
    return run_added(SITE_SETS_TENTH, C, clusters)


def run_added(site_sets: tuple, C: float = 16.0, clusters: dict[str, int] | None = None) -> dict:
    """Each site set of ``site_sets`` scored without / with the last one training (the others always
    train); leave one shared file out, the site sets training, without and with the last one."""
    ds, shared_files, shared, site = site_data(site_sets, clusters)
    golds = {
        name: {"first": first_reading_gold(ds, site[name], first), "adj": ds.gold[site[name]]}
        for name, _, first in site_sets
    }
    added = site_sets[-1][0]
    out: dict = {"examples": {"shared": len(shared), **{k: len(v) for k, v in site.items()}}, "configs": {}}
    for cfg_name, with_added in (("before", False), ("after", True)):
        cfg: dict = {}
        for name in site:
            if name == added and with_added:
                continue  # the added set cannot train on itself: its one figure is "before"
            others = [n for n in site if n != name and (with_added or n != added)]
            cfg[name] = scored(ds, shared + [i for n in others for i in site[n]], site[name], golds[name], C)
        sites = [i for n, idx in site.items() if with_added or n != added for i in idx]
        cfg.update(leave_shared_file_out(ds, shared_files, shared, sites, C))
        out["configs"][cfg_name] = cfg
    return out


def run_later(C: float = 16.0, clusters: dict[str, int] | None = None) -> dict:
    """``--later``: each of the nine site sets scored without / with the twelfth to sixteenth training (the
    others of the eighth to eleventh always train); a set sharing a repository with the scored one never trains
    for it; leave one shared file out, the site sets training, without and with the five."""
    base, added = SITE_SETS_ELEVENTH, LATER_SETS
    ds, shared_files, shared, site = site_data((*base, *added), clusters)
    repos = repositories(ds, site)
    golds = {
        name: {"first": first_reading_gold(ds, site[name], first), "adj": ds.gold[site[name]]}
        for name, _, first in (*base, *added)
    }
    out: dict = {"examples": {"shared": len(shared), **{k: len(v) for k, v in site.items()}}, "configs": {}}
    for cfg_name, pool in (("before", [n for n, _, _ in base]), ("after", list(site))):
        cfg: dict = {}
        for name in site:
            others = [n for n in pool if n != name and not repos[n] & repos[name]]
            cfg[name] = scored(ds, shared + [i for n in others for i in site[n]], site[name], golds[name], C)
        cfg.update(leave_shared_file_out(ds, shared_files, shared, [i for n in pool for i in site[n]], C))
        out["configs"][cfg_name] = cfg
    out["decision"] = later_decision(out)
    return out


def later_decision(rep: dict) -> dict:
    """The ``--later`` rule (module docstring): mean changes over the earlier and the later sets' figures, and
    the leave-one-shared-file-out change."""
    before, after = rep["configs"]["before"], rep["configs"]["after"]

    def change(names: list[str], golds_of) -> float:
        diffs = [
            after[n][g]["combined"]["macro"]["f1"] - before[n][g]["combined"]["macro"]["f1"]
            for n in names
            for g in golds_of(n)
        ]
        return float(np.mean(diffs))

    earlier = change([n for n, _, _ in SITE_SETS_ELEVENTH], lambda n: ("first", "adj"))
    later = change(
        [n for n, _, _ in LATER_SETS], lambda n: ("first", "adj") if n in ("heldout14", "heldout15") else ("first",)
    )
    files = after["files_mean"]["combined"] - before["files_mean"]["combined"]
    return {
        "earlier_change": earlier,
        "later_change": later,
        "files_change": files,
        "serve": earlier >= 0 and later >= 0 and files >= -0.005,
    }


def format_report_tenth(rep: dict, site_sets: tuple = SITE_SETS_TENTH) -> str:
    lines = [f"paragraphs: {rep['examples']}; combined = served (global threshold), macro over themes with >= 5"]
    for name, _, _ in site_sets:
        cs = [c for c in rep["configs"] if name in rep["configs"][c]]
        for g in ("first", "adj"):
            cells = ", ".join(
                f"{c} {rep['configs'][c][name][g]['combined']['macro']['f1']:.3f}"
                f" (model {rep['configs'][c][name][g]['model']['macro']['f1']:.3f})"
                for c in cs
            )
            lines.append(f"{name} {g:5}: {cells}")
    names = list(rep["configs"])
    lines.append(
        "leave one shared file out, combined mean: "
        + ", ".join(
            f"{c} {rep['configs'][c]['files_mean']['combined']:.3f} (model {rep['configs'][c]['files_mean']['model']:.3f})"
            for c in names
        )
    )
    for f in rep["configs"][names[0]]["files"]:
        lines.append(f"  {f:38} " + " ".join(f"{rep['configs'][c]['files'][f]['combined']:.3f}" for c in names))
    for name, _, _ in site_sets:
        cs = [c for c in names if name in rep["configs"][c]]
        for g in ("first", "adj"):
            lines += ["", f"== {name} ({g}), combined, per theme: {' | '.join(cs)} =="]
            lines += format_table({c: rep["configs"][c][name][g]["combined"] for c in cs})
    return "\n".join(lines)


def format_report(rep: dict) -> str:
    names = list(rep["configs"])
    lines = [f"paragraphs: {rep['examples']}; combined = served (global threshold), macro over themes with >= 5"]
    for name, _, _ in SITE_SETS:
        for g in ("first", "adj"):
            cells = ", ".join(
                f"{c} {rep['configs'][c][name][g]['combined']['macro']['f1']:.3f}"
                f" (model {rep['configs'][c][name][g]['model']['macro']['f1']:.3f})"
                for c in names
            )
            lines.append(f"{name} {g:5}: {cells}")
    lines.append(
        "leave one shared file out, combined mean: "
        + ", ".join(
            f"{c} {rep['configs'][c]['files_mean']['combined']:.3f} (model {rep['configs'][c]['files_mean']['model']:.3f})"
            for c in names
        )
    )
    for f in rep["configs"][names[0]]["files"]:
        lines.append(f"  {f:38} " + " ".join(f"{rep['configs'][c]['files'][f]['combined']:.3f}" for c in names))
    for name, _, _ in SITE_SETS:
        for g in ("first", "adj"):
            lines += ["", f"== {name} ({g}), combined, per theme: {' | '.join(names)} =="]
            lines += format_table({c: rep["configs"][c][name][g]["combined"] for c in names})
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nlp.external_eval")
    ap.add_argument("--weights", default="1", help="comma-separated weights of the site examples to try")
    ap.add_argument("--C", type=float, default=16.0)
    ap.add_argument("--checkout", action="append", default=[], metavar="OWNER/NAME=PATH")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--tenth", action="store_true", help="without / with the tenth set (session i16ak)")
    ap.add_argument("--eleventh", action="store_true", help="without / with the eleventh set (session i16an)")
    ap.add_argument("--later", action="store_true", help="without / with the twelfth to sixteenth sets (session i16ax)")
    args = ap.parse_args(argv)
    set_checkouts(dict(parse_checkout(spec) for spec in args.checkout))
    from nlp.word_clusters import load

    if args.later:
        rep = run_later(args.C, load(None)["clusters"])
        text = format_report_tenth(rep, (*SITE_SETS_ELEVENTH, *LATER_SETS))
        print(json.dumps(rep, ensure_ascii=False, indent=1) if args.json else text + f"\n\ndecision: {rep['decision']}")
        return 0
    if args.tenth or args.eleventh:
        site_sets = SITE_SETS_ELEVENTH if args.eleventh else SITE_SETS_TENTH
        rep = run_added(site_sets, args.C, load(None)["clusters"])
        print(json.dumps(rep, ensure_ascii=False, indent=1) if args.json else format_report_tenth(rep, site_sets))
        return 0
    rep = run([float(w) for w in args.weights.split(",") if w], args.C, load(None)["clusters"])
    print(json.dumps(rep, ensure_ascii=False, indent=1) if args.json else format_report(rep))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
