"""Retrain the theme model from the labelled paragraphs: ``python -m nlp.train``.

Apart from ``nlp/model.py`` (which only loads and applies the model) because
training fits thresholds with the evaluation's datasets (``nlp/evaluate.py``),
which themselves build on the model.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from nlp.model import model_path, save_model, train_from_features


def main(argv: list[str] | None = None) -> int:
    """``python -m nlp.train [--out PATH]``: retrain from the labelled paragraphs (``nlp.labels.TRAINING_FILES``)."""
    import argparse

    from nlp.labels import TRAINING_FILES, load_training_examples

    ap = argparse.ArgumentParser(prog="python -m nlp.train")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--C", type=float, default=16.0)
    ap.add_argument(
        "--thresholds",
        action="store_true",
        help="also fit per-theme thresholds (held out by source they did not help: off by default)",
    )
    args = ap.parse_args(argv)
    from nlp.evaluate import Dataset, fit_thresholds
    from nlp.taxonomy import THEME_IDS as ids

    examples = load_training_examples()
    ds = Dataset(examples)
    data = train_from_features(ds.feats, [e.labels for e in examples], C=args.C)
    if args.thresholds:
        thresholds = fit_thresholds(ds, list(range(len(examples))), args.C)
        data["thresholds"] = {t: round(float(v), 3) for t, v in zip(ids, thresholds)}
    data["meta"]["labels_sha256"] = hashlib.sha256(b"".join(p.read_bytes() for p in TRAINING_FILES)).hexdigest()
    data["meta"]["label_files"] = [p.name for p in TRAINING_FILES]
    out = args.out or model_path()
    save_model(data, out)
    print(f"trained on {len(examples)} paragraphs, {len(data['features'])} features -> {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
