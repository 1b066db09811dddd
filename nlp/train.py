"""Retrain the theme model from the labelled paragraphs: ``python -m nlp.train [--no-clusters]``.

The model gets the word-cluster features of ``index_config/word_clusters.json.gz``
(:mod:`nlp.word_clusters`, learned without labels from the corpus) and carries
the cluster map in its file; ``--no-clusters`` trains the model of before.

Apart from ``nlp/model.py`` (which only loads and applies the model) because
training fits thresholds with the evaluation's datasets (``nlp/evaluate.py``),
which themselves build on the model.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from nlp.model import model_path, save_model, train_from_features


def main(argv: list[str] | None = None) -> int:
    """``python -m nlp.train [--out PATH]``: retrain from the labelled paragraphs (``nlp.labels.TRAINING_FILES``).

    The site label files among them (:data:`nlp.labels.EXTERNAL_TRAINING_FILES`) are read from the
    snapshots of their 69 repositories (16 until session i16ak, 26 until i16an); without one of them this stops (exit 2), naming it."""
    import argparse

    from nlp.external_docs import parse_checkout, set_checkouts
    from nlp.labels import EXTERNAL_TRAINING_FILES, TRAINING_FILES, load_training_examples, missing_snapshots

    ap = argparse.ArgumentParser(prog="python -m nlp.train")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--C", type=float, default=16.0)
    ap.add_argument(
        "--no-clusters",
        action="store_true",
        help="without the word-cluster features (index_config/word_clusters.json.gz, nlp.word_clusters)",
    )
    ap.add_argument(
        "--thresholds",
        action="store_true",
        help="also fit per-theme thresholds (held out by source they did not help: off by default)",
    )
    ap.add_argument(
        "--checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="where a source repository of the site label files is (default ../.mirror/OWNER+NAME/repo)",
    )
    args = ap.parse_args(argv)
    set_checkouts(dict(parse_checkout(spec) for spec in args.checkout))
    missing = missing_snapshots()
    if missing:
        names = ", ".join(p.name for p in EXTERNAL_TRAINING_FILES)
        print(f"error: {names} need the snapshots of {missing} (../.mirror or --checkout)", file=sys.stderr)
        return 2
    from nlp.evaluate import Dataset, fit_thresholds
    from nlp.taxonomy import THEME_IDS as ids

    from nlp.word_clusters import default_path, load

    examples = load_training_examples()
    clusters_file = None if args.no_clusters else default_path()
    clusters = load(clusters_file)["clusters"] if clusters_file else None
    ds = Dataset(examples, clusters=clusters)
    data = train_from_features(ds.feats, [e.labels for e in examples], C=args.C, clusters=clusters)
    if args.thresholds:
        thresholds = fit_thresholds(ds, list(range(len(examples))), args.C)
        data["thresholds"] = {t: round(float(v), 3) for t, v in zip(ids, thresholds)}
    data["meta"]["labels_sha256"] = hashlib.sha256(b"".join(p.read_bytes() for p in TRAINING_FILES)).hexdigest()
    data["meta"]["label_files"] = [p.name for p in TRAINING_FILES]
    if clusters_file:
        data["meta"]["clusters_sha256"] = hashlib.sha256(clusters_file.read_bytes()).hexdigest()
    out = args.out or model_path()
    save_model(data, out)
    print(f"trained on {len(examples)} paragraphs, {len(data['features'])} features -> {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
