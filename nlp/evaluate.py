"""Per-theme precision / recall / F1 of the rules, the model and their combination.

    .venv/bin/python -m nlp.evaluate [--folds 5] [--json]

k-fold cross-validation (deterministic folds) over the labelled paragraphs of
``tests/data/theme_labels.jsonl``: in each fold the model is trained on the
other folds only; the rules need no training (but were written by the same
person who labelled, so their scores are optimistic — see the closing note of
the table). Prints one table per system and the macro/micro averages, plus the
most frequent confusions (a predicted theme next to a gold theme it was not).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

import numpy as np

from nlp.combine import COMBINED_THRESHOLD, noisy_or
from nlp.labels import labels_available, load_examples
from nlp.model import ThemeModel, label_matrix, train_model
from nlp.taxonomy import THEME_IDS, get_taxonomy
from nlp.textnorm import normalize
from nlp.themes import get_rule_tagger


def prf(gold: np.ndarray, pred: np.ndarray) -> dict:
    rows = {}
    for j, tid in enumerate(THEME_IDS):
        tp = int(((gold[:, j] == 1) & (pred[:, j] == 1)).sum())
        fp = int(((gold[:, j] == 0) & (pred[:, j] == 1)).sum())
        fn = int(((gold[:, j] == 1) & (pred[:, j] == 0)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows[tid] = {"p": p, "r": r, "f1": f, "support": int(gold[:, j].sum()), "tp": tp, "fp": fp, "fn": fn}
    tp = sum(v["tp"] for v in rows.values())
    fp = sum(v["fp"] for v in rows.values())
    fn = sum(v["fn"] for v in rows.values())
    mp = tp / (tp + fp) if tp + fp else 0.0
    mr = tp / (tp + fn) if tp + fn else 0.0
    return {
        "themes": rows,
        "macro": {
            "p": float(np.mean([v["p"] for v in rows.values()])),
            "r": float(np.mean([v["r"] for v in rows.values()])),
            "f1": float(np.mean([v["f1"] for v in rows.values()])),
        },
        "micro": {"p": mp, "r": mr, "f1": 2 * mp * mr / (mp + mr) if mp + mr else 0.0},
    }


def cross_validate(folds: int = 5, seed: int = 0, C: float = 8.0) -> dict:
    examples = load_examples()
    texts = [normalize(e.text) for e in examples]
    gold = label_matrix([e.labels for e in examples])
    n = len(examples)
    tagger = get_rule_tagger()
    rule_conf = np.zeros(gold.shape)
    for i, t in enumerate(texts):
        for h in tagger.score_paragraph(t, normalized=True):
            rule_conf[i, THEME_IDS.index(h.id)] = h.confidence
    model_p = np.zeros(gold.shape)
    order = np.random.RandomState(seed).permutation(n)
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        data = train_model([texts[i] for i in train], [examples[i].labels for i in train], C=C)
        model = ThemeModel(data)
        for i in test:
            probs = model.predict_proba(texts[i], normalized=True)
            model_p[i] = [probs[t] for t in THEME_IDS]
    systems = {
        "rules": rule_conf >= 0.5,
        "model": model_p >= 0.5,
        "combined": noisy_or(rule_conf, model_p) >= COMBINED_THRESHOLD,
        "union": (rule_conf >= 0.5) | (model_p >= 0.5),
    }
    results = {name: prf(gold, pred.astype(int)) for name, pred in systems.items()}
    # where the systems disagree with the gold labels
    confusion = Counter()
    pred = systems["combined"]
    for i in range(n):
        g = {THEME_IDS[j] for j in np.flatnonzero(gold[i])}
        p = {THEME_IDS[j] for j in np.flatnonzero(pred[i])}
        for extra in p - g:
            for missed in (g - p) or {"(none)"}:
                confusion[(extra, missed)] += 1
    model_only = []
    for i in range(n):
        for j, tid in enumerate(THEME_IDS):
            if gold[i, j] and model_p[i, j] >= 0.5 and rule_conf[i, j] < 0.5:
                model_only.append((tid, examples[i].key, examples[i].text[:40]))
    return {
        "examples": n,
        "folds": folds,
        "negatives": int((gold.sum(axis=1) == 0).sum()),
        "results": results,
        "confusion": [{"predicted": a, "gold_missed": b, "count": c} for (a, b), c in confusion.most_common(15)],
        "model_only_hits": model_only,
    }


def format_table(report: dict) -> str:
    names = get_taxonomy()
    lines = [
        f"{report['examples']} labelled paragraphs ({report['negatives']} with no theme), "
        f"{report['folds']}-fold cross-validation",
        "",
    ]
    systems = list(report["results"])
    header = f"{'theme':24} {'n':>3} | " + " | ".join(f"{s:^17}" for s in systems)
    lines += [header, f"{'':24} {'':>3} | " + " | ".join(f"{'P':>5} {'R':>5} {'F1':>5}" for _ in systems)]
    lines.append("-" * len(header))
    for tid in THEME_IDS:
        row = report["results"][systems[0]]["themes"][tid]
        cells = []
        for s in systems:
            v = report["results"][s]["themes"][tid]
            cells.append(f"{v['p']:5.2f} {v['r']:5.2f} {v['f1']:5.2f}")
        lines.append(f"{tid:24} {row['support']:>3} | " + " | ".join(cells))
    lines.append("-" * len(header))
    for avg in ("macro", "micro"):
        cells = [
            f"{report['results'][s][avg]['p']:5.2f} {report['results'][s][avg]['r']:5.2f} {report['results'][s][avg]['f1']:5.2f}"
            for s in systems
        ]
        lines.append(f"{avg + ' avg':24} {'':>3} | " + " | ".join(cells))
    lines += ["", "most frequent confusions of 'combined' (predicted theme / gold theme it missed in the same paragraph):"]
    for c in report["confusion"][:10]:
        lines.append(f"  {c['count']:3}  {c['predicted']:24} vs {c['gold_missed']}")
    lines += ["", f"gold tags found by the model but not by the rules: {len(report['model_only_hits'])}"]
    for tid, key, text in report["model_only_hits"][:12]:
        lines.append(f"  {tid:24} {key:40} {text}")
    lines.append("")
    lines.append(
        "note: the taxonomy terms and the labels were written by the same annotator, so the rule scores "
        "are optimistic on this set; the model scores are honest held-out estimates."
    )
    del names
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nlp.evaluate")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--C", type=float, default=8.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not labels_available():
        print("error: the shared texts referenced by the labels are not available (set GOVTEXT_SHARED)", file=sys.stderr)
        return 2
    report = cross_validate(folds=args.folds, C=args.C)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(format_table(report))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
