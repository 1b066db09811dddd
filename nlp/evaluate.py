"""Per-theme precision / recall / F1 of the rules, the model and their combination,
in-source and held out by source.

    .venv/bin/python -m nlp.evaluate [--split source|random|both|files|heldoutN] [--folds 5] [--no-clusters] [--json]

The model of every split gets the word-cluster features of
``index_config/word_clusters.json.gz`` (:mod:`nlp.word_clusters`), as the served
one does since session i16y; ``--no-clusters`` scores the model of before.

Two estimates over the labelled paragraphs of ``tests/data/theme_labels.jsonl``:

* **cross-source (the headline)**: the three folds of :mod:`nlp.splits`
  (train on laws + some provinces' reports + national texts, test on the other
  provinces' reports and the 范文 page; the reverse; national texts held out).
  Every paragraph is predicted once by a model that never saw its source; the
  table is computed on the pooled predictions, and each fold's macro-F1 is
  shown too.
* **in-source**: k-fold cross-validation with random folds (paragraphs of one
  document land on both sides), the optimistic figure earlier versions reported.

* **held-out (``--split heldout``)**: a model trained on all of
  ``theme_labels.jsonl`` (as ``nlp.train`` builds the served one) scores
  ``tests/data/theme_labels_heldout.jsonl``, paragraphs labelled after the
  folds above had become tuning data (see docs/labelling-guide.md). Its
  macro average is over the themes with at least :data:`HELDOUT_MIN_SUPPORT`
  positives there; read it once per model, never tune on it.
* **second held-out (``--split heldout2``)**: the same, scored on
  ``tests/data/theme_labels_heldout2.jsonl``, drawn from documents that neither
  label file had touched and committed before any tagger ran on it, after the
  first held-out file had been read often enough to be tuning data too.
* **third held-out (``--split heldout3``)**: the same, scored on
  ``tests/data/theme_labels_heldout3.jsonl``, drawn (:mod:`nlp.draw_heldout3`)
  from documents that none of the three other label files had touched,
  labelled blind and committed before any tagger ran on it. The model scoring
  it is trained as the served one is (:data:`nlp.labels.TRAINING_FILES`: the
  tuning labels and the other held-out files, tuning data by now); since the
  third file became training data too (session i16i), the model scoring it is
  trained on the other training files only, and its figure is tuning data.
* **fourth held-out (``--split heldout4``)**: the same, scored on
  ``tests/data/theme_labels_heldout4.jsonl`` (:mod:`nlp.draw_heldout4`), from
  documents none of the four other label files had touched, labelled blind and
  committed before any tagger ran on it, with the model trained as the served
  one is. Since session i16n it is training and tuning data too (scored by a
  model trained on the other training files).
* **fifth held-out (``--split heldout5``)**: the same, scored on
  ``tests/data/theme_labels_heldout5.jsonl`` (:mod:`nlp.draw_heldout5`), from
  documents none of the five other label files had touched, labelled blind and
  committed before any tagger ran on it, with the model trained as the served
  one is. Since session i16q it is training and tuning data too (scored by a
  model trained on the other training files).
* **sixth held-out (``--split heldout6``)**: the same, scored on
  ``tests/data/theme_labels_heldout6.jsonl`` (:mod:`nlp.draw_heldout6`), from
  documents none of the six other label files had touched, labelled blind and
  committed before any tagger ran on it. Its adjudicated labels are training
  and tuning data since session i16w (the scored paragraphs are left out of the
  model's training for every heldout6 split).
  ``--split heldout6r2`` scores the same paragraphs against a blind second
  reading (``theme_labels_heldout6_reader2.jsonl``, session i16r) and
  ``--split heldout6adj`` against the two readings adjudicated
  (``theme_labels_heldout6_adjudicated.jsonl``; ``nlp.agreement`` gives the
  readers' agreement, ``nlp.adjudicate`` the adjudication).
* **seventh held-out (``--split heldout7``)**: the same, scored on
  ``tests/data/theme_labels_heldout7.jsonl`` (:mod:`nlp.draw_heldout7`, session
  i16u), from documents none of the other label files had touched, labelled blind
  and committed before any tagger ran on it; its adjudicated labels are training
  and tuning data since session i16w (left out of training when scored).
  ``--split heldout7r2`` and ``--split heldout7adj`` score it against a blind
  second reading and the adjudicated labels (session i16v), as for the sixth.
* **eighth held-out (``--split heldout8``)**: the same, scored on
  ``tests/data/theme_labels_heldout8.jsonl`` (:mod:`nlp.draw_heldout8`, session
  i16x): paragraphs of saved web pages of public bodies in public git
  repositories (not ``../shared``), labelled blind and committed before any
  tagger ran. The pages are read from their snapshots (default
  ``../.mirror/OWNER+NAME/repo``; ``--heldout8-checkout OWNER/NAME=PATH``, once per
  repository, points elsewhere); a paragraph whose sha1 does not match stops the run.
  ``--split heldout8r2`` and ``--split heldout8adj`` score it against a blind
  second reading and the adjudicated labels (session i16z), as for the seventh;
  the pages are read the same way.
* **ninth held-out (``--split heldout9``)**: the same, scored on
  ``tests/data/theme_labels_heldout9.jsonl`` (:mod:`nlp.draw_heldout9`, session
  i16ab): saved sites of public bodies no other label file uses, labelled blind
  and committed before any tagger ran; read from the snapshots as the eighth
  (``--heldout9-checkout OWNER/NAME=PATH``, once per repository).
  ``--split heldout9r2`` and ``--split heldout9adj`` score it against a blind
  second reading and the adjudicated labels (session i16ac), as for the eighth;
  the pages are read the same way.
* **tenth held-out (``--split heldout10``)**: the same, scored on
  ``tests/data/theme_labels_heldout10.jsonl`` (:mod:`nlp.draw_heldout10`, session
  i16ag): saved sites no other theme-label file uses (none of the eighth's or
  ninth's), labelled blind and committed before any tagger ran; read from the
  snapshots as the eighth (``--heldout10-checkout OWNER/NAME=PATH``, once per
  repository). ``--split heldout10r2`` and ``--split heldout10adj`` score it
  against a blind second reading and the adjudicated labels (session i16aj), as
  for the ninth; neither is trained on.
* **eleventh held-out (``--split heldout11``)**: the same, scored on
  ``tests/data/theme_labels_heldout11.jsonl`` (:mod:`nlp.draw_heldout11`, session
  i16ai): saved public-body sites no other theme-label file uses (none of the
  eighth's, ninth's or tenth's), labelled blind and committed before any tagger
  ran; read from the snapshots as the eighth (``--heldout11-checkout
  OWNER/NAME=PATH``, once per repository). ``--split heldout11r2`` and
  ``--split heldout11adj`` score it against a blind second reading and the
  adjudicated labels (session i16am), as for the tenth; the model trains as the
  served one does (since session i16an with the eleventh adjudicated, below).
* **twelfth held-out (``--split heldout12``)**: the same, scored on
  ``tests/data/theme_labels_heldout12.jsonl`` (:mod:`nlp.draw_heldout12`, session
  i16al): saved public-body sites no other theme-label file uses (none of the
  eighth's to eleventh's), labelled blind and committed before any tagger ran;
  read from the snapshots as the eighth (``--heldout12-checkout OWNER/NAME=PATH``,
  once per repository).
* **thirteenth held-out (``--split heldout13``)**: the same, scored on
  ``tests/data/theme_labels_heldout13.jsonl`` (:mod:`nlp.draw_heldout13`, session
  i16ao): saved pages no other theme-label file, draw or page set uses, labelled
  blind and committed before any tagger ran; read from the snapshots as the
  eighth (``--heldout13-checkout OWNER/NAME=PATH``, once per repository).
* **fourteenth held-out (``--split heldout14``)**: the same, scored on
  ``tests/data/theme_labels_heldout14.jsonl`` (:mod:`nlp.draw_heldout14`, session
  i16ap): pages with non-ASCII paths that the earlier draws' listing dropped,
  labelled blind and committed before any tagger ran; read from the snapshots as
  the eighth (``--heldout14-checkout OWNER/NAME=PATH``, once per repository).
  ``--split heldout14r2`` and ``--split heldout14adj`` score it against a blind
  second reading and the adjudicated labels (session i16aq), as for the
  eleventh; neither is trained on, and the model trains as the served one does.
* **fifteenth held-out (``--split heldout15``)**: the same, scored on
  ``tests/data/theme_labels_heldout15.jsonl`` (:mod:`nlp.draw_heldout15`, session
  i16as): pages of repositories of accounts no earlier draw or page set names
  (Party-building, community and charity sites and prototypes), labelled blind and
  committed before any tagger ran; read from the snapshots as the eighth
  (``--heldout15-checkout OWNER/NAME=PATH``, once per repository).
  ``--split heldout15r2`` and ``--split heldout15adj`` score it against a blind
  second reading and the adjudicated labels (session i16at), as for the
  fourteenth; neither is trained on, and the model trains as the served one does.
* **sixteenth held-out (``--split heldout16``)**: the same, scored on
  ``tests/data/theme_labels_heldout16.jsonl`` (:mod:`nlp.draw_heldout16`, session
  i16au): the pages of a repository of an account no earlier draw or page set
  names (a school's site), drawn weighted towards the report and policy
  registers, labelled blind and committed before any tagger ran; read from the
  snapshot as the eighth (``--heldout16-checkout OWNER/NAME=PATH``).
* **seventeenth held-out (``--split heldout17``)**: the same, scored on
  ``tests/data/theme_labels_heldout17.jsonl`` (:mod:`nlp.draw_heldout17`, session
  i16aw): the pages of repositories of accounts no earlier draw or page set names
  (local public bodies' sites and systems: a trade union, an agricultural service
  platform, a community platform, a legal-adviser WeChat assistant, a community
  ledger, a grid platform), labelled blind and committed before any tagger ran; read
  from the snapshots as the eighth (``--heldout17-checkout OWNER/NAME=PATH``).
* **eighteenth held-out (``--split heldout18``)**: the same, scored on
  ``tests/data/theme_labels_heldout18.jsonl`` (:mod:`nlp.draw_heldout18`, session
  i16ay): the pages of public bodies' sites and services of accounts no earlier draw
  or page set names (a traffic-police site, a poverty-alleviation site, a
  medical-insurance bureau's and a 市民大厅's WeChat services, a culture bureau's
  templates, an administrative service centre's online hall), at most 60 rows per
  repository, labelled blind and committed before any tagger ran; read from the
  snapshots as the eighth (``--heldout18-checkout OWNER/NAME=PATH``).
  ``--split heldout18r2`` scores it against a blind second reading (session i16az;
  not adjudicated); it is not trained on, and the model trains as the served one does.
* **nineteenth held-out (``--split heldout19``)**: the same, scored on
  ``tests/data/theme_labels_heldout19.jsonl`` (:mod:`nlp.draw_heldout19`, session
  i16ba): the pages of public bodies' and governance services' sites of accounts no
  earlier draw or page set names (a village-democracy system, a police 治安 unit, an
  emergency office's system, elderly-care, agricultural and volunteer platforms, a
  school's Party pages, a city police's WeChat service), at most 60 rows per
  repository in three rounds, labelled blind and committed before any tagger ran; read
  from the snapshots as the eighth (``--heldout19-checkout OWNER/NAME=PATH``).
* Since session i16af the eighth and ninth sets' adjudicated labels train the
  served model (:data:`nlp.labels.EXTERNAL_TRAINING_FILES`, decided by
  :mod:`nlp.external_eval`): they are training data, no longer held out. Every
  heldout8* / heldout9* split trains without the scored paragraphs (any reading
  of them: the adjudicated file in training is left out by paragraph key, as for
  the sixth and seventh) but with the other site sets; ``--no-external`` trains
  without the site files (the served recipe before session i16af). Any split
  that trains as the served model does reads the site snapshots. Since session
  i16ak the tenth set's adjudicated labels train it too (``nlp.external_eval
  --tenth``): every heldout10* split trains without the scored paragraphs in the
  same way, with the eighth and ninth; ``--no-external`` leaves out all three.
  Since session i16an the eleventh's too (``nlp.external_eval --eleventh``): every
  heldout11* split trains without the scored paragraphs, with the eighth to
  tenth; ``--no-external`` leaves out all four.

* **leave one file out (``--split files``)**: for each file of
  :data:`nlp.labels.TRAINING_FILES`, a model trained on the other files (as
  ``nlp.train`` trains the served one) scores it. Each file was labelled by
  one annotator and drawn its own way, so this is the closest in-house proxy
  for a fresh held-out file; per-file macro-F1 is over the themes with at
  least :data:`HELDOUT_MIN_SUPPORT` positives in that file, and the mean of
  the files is the figure to choose a policy by. Per-theme thresholds are
  fitted by an inner leave-one-file-out over the training files. The rules
  have read every training file's errors, so the rules' share is in-sample;
  ``--rules-as-drawn`` scores each held-out file with the rules of the commit
  that added it (:data:`RULES_AS_DRAWN`), before any rule was written from it.

Systems: ``rules`` (the taxonomy alone, no training), ``model`` (the logistic
model alone, retrained in every fold), ``combined`` (the policy of :mod:`nlp.combine` at
its global threshold), ``calibrated`` (the same with per-theme thresholds, what
serves when the model file carries them). Per-theme thresholds, when
the served model carries them, are fitted inside each training part only
(grouped inner folds, see :func:`fit_thresholds`), never on the test part.

The rules need no training, but their terms were written and adjusted by
people who had seen labelled text: see the closing note of the report.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from nlp.combine import COMBINED_THRESHOLD, noisy_or, tagged
from nlp.labels import (
    HELDOUT2_FILE,
    HELDOUT3_FILE,
    HELDOUT4_FILE,
    HELDOUT5_FILE,
    HELDOUT6_ADJUDICATED_FILE,
    HELDOUT6_FILE,
    HELDOUT6_READER2_FILE,
    HELDOUT7_ADJUDICATED_FILE,
    HELDOUT7_FILE,
    HELDOUT7_READER2_FILE,
    HELDOUT8_ADJUDICATED_FILE,
    HELDOUT8_FILE,
    HELDOUT8_READER2_FILE,
    HELDOUT9_ADJUDICATED_FILE,
    HELDOUT9_FILE,
    HELDOUT9_READER2_FILE,
    HELDOUT10_ADJUDICATED_FILE,
    HELDOUT10_FILE,
    HELDOUT10_READER2_FILE,
    HELDOUT11_ADJUDICATED_FILE,
    HELDOUT11_FILE,
    HELDOUT11_READER2_FILE,
    HELDOUT12_FILE,
    HELDOUT13_FILE,
    HELDOUT14_ADJUDICATED_FILE,
    HELDOUT14_FILE,
    HELDOUT14_READER2_FILE,
    HELDOUT15_ADJUDICATED_FILE,
    HELDOUT15_FILE,
    HELDOUT15_READER2_FILE,
    HELDOUT16_FILE,
    HELDOUT17_FILE,
    HELDOUT18_FILE,
    HELDOUT18_READER2_FILE,
    HELDOUT19_FILE,
    HELDOUT_FILE,
    EXTERNAL_TRAINING_FILES,
    TRAINING_FILES,
    labels_available,
    load_examples,
)
from nlp.model import ThemeModel, extract_features, label_matrix, train_from_features
from nlp.splits import SourceSplit, source_splits
from nlp.external_docs import parse_checkout, set_checkouts
from nlp.taxonomy import THEME_IDS
from nlp.textnorm import normalize
from nlp.themes import get_rule_tagger

#: the held-out files scored with a model trained as the served one is (``--split NAME``)
SERVED_HELDOUT = {
    "heldout3": HELDOUT3_FILE,
    "heldout4": HELDOUT4_FILE,
    "heldout5": HELDOUT5_FILE,
    "heldout6": HELDOUT6_FILE,
    "heldout6r2": HELDOUT6_READER2_FILE,
    "heldout6adj": HELDOUT6_ADJUDICATED_FILE,
    "heldout7": HELDOUT7_FILE,
    "heldout7r2": HELDOUT7_READER2_FILE,
    "heldout7adj": HELDOUT7_ADJUDICATED_FILE,
    "heldout8": HELDOUT8_FILE,
    "heldout8r2": HELDOUT8_READER2_FILE,
    "heldout8adj": HELDOUT8_ADJUDICATED_FILE,
    "heldout9": HELDOUT9_FILE,
    "heldout9r2": HELDOUT9_READER2_FILE,
    "heldout9adj": HELDOUT9_ADJUDICATED_FILE,
    "heldout10": HELDOUT10_FILE,
    "heldout10r2": HELDOUT10_READER2_FILE,
    "heldout10adj": HELDOUT10_ADJUDICATED_FILE,
    "heldout11": HELDOUT11_FILE,
    "heldout11r2": HELDOUT11_READER2_FILE,
    "heldout11adj": HELDOUT11_ADJUDICATED_FILE,
    "heldout12": HELDOUT12_FILE,
    "heldout13": HELDOUT13_FILE,
    "heldout14": HELDOUT14_FILE,
    "heldout14r2": HELDOUT14_READER2_FILE,
    "heldout14adj": HELDOUT14_ADJUDICATED_FILE,
    "heldout15": HELDOUT15_FILE,
    "heldout15r2": HELDOUT15_READER2_FILE,
    "heldout15adj": HELDOUT15_ADJUDICATED_FILE,
    "heldout16": HELDOUT16_FILE,
    "heldout17": HELDOUT17_FILE,
    "heldout18": HELDOUT18_FILE,
    "heldout18r2": HELDOUT18_READER2_FILE,
    "heldout19": HELDOUT19_FILE,
}

SYSTEMS = ("rules", "model", "combined")
#: themes with fewer held-out positives are listed but left out of the held-out macro average
HELDOUT_MIN_SUPPORT = 5


def prf(gold: np.ndarray, pred: np.ndarray, min_support: int = 1) -> dict:
    rows: dict[str, dict] = {}
    for j, tid in enumerate(THEME_IDS):
        tp = int(((gold[:, j] == 1) & (pred[:, j] == 1)).sum())
        fp = int(((gold[:, j] == 0) & (pred[:, j] == 1)).sum())
        fn = int(((gold[:, j] == 1) & (pred[:, j] == 0)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows[tid] = {"p": p, "r": r, "f1": f, "support": int(gold[:, j].sum()), "tp": tp, "fp": fp, "fn": fn}
    present = [v for v in rows.values() if v["support"] >= min_support]
    tp = sum(v["tp"] for v in rows.values())
    fp = sum(v["fp"] for v in rows.values())
    fn = sum(v["fn"] for v in rows.values())
    mp = tp / (tp + fp) if tp + fp else 0.0
    mr = tp / (tp + fn) if tp + fn else 0.0
    return {
        "themes": rows,
        "macro": {k: float(np.mean([v[k] for v in present])) for k in ("p", "r", "f1")},
        "micro": {"p": mp, "r": mr, "f1": 2 * mp * mr / (mp + mr) if mp + mr else 0.0},
    }


class Dataset:
    """The labelled paragraphs with everything that needs no training computed once."""

    def __init__(self, examples=None, files: list[str] | None = None, clusters: dict[str, int] | None = None):
        #: word -> cluster id of the model's ``k:`` features (nlp.word_clusters); None: no cluster features
        self.clusters = clusters
        self.cluster_weight = 1.0
        #: per example, its weight in the classifier's loss (None: all 1, the served recipe)
        self.weights: np.ndarray | None = None
        self.examples = examples if examples is not None else load_examples()
        #: per example, the label file it comes from (``--split files``); None when not known
        self.files = files
        self.texts = [normalize(e.text) for e in self.examples]
        self.gold = label_matrix([e.labels for e in self.examples])
        tagger = get_rule_tagger()
        self.rule_conf = np.zeros(self.gold.shape)
        self.feats = []
        for i, t in enumerate(self.texts):
            hits = tagger.score_paragraph(t, normalized=True)
            for h in hits:
                self.rule_conf[i, THEME_IDS.index(h.id)] = h.confidence
            self.feats.append(extract_features(t, normalized=True, rule_hits=hits, clusters=clusters))

    def fit_predict(self, train: list[int], test: list[int], C: float) -> np.ndarray:
        data = train_from_features(
            [self.feats[i] for i in train],
            [self.examples[i].labels for i in train],
            C=C,
            clusters=self.clusters,
            cluster_weight=self.cluster_weight,
            sample_weight=None if self.weights is None else [float(self.weights[i]) for i in train],
        )
        model = ThemeModel(data)
        out = np.zeros((len(test), len(THEME_IDS)))
        for row, i in enumerate(test):
            probs = model.predict_features(self.feats[i])
            out[row] = [probs[t] for t in THEME_IDS]
        return out

    @classmethod
    def of_files(cls, paths, clusters: dict[str, int] | None = None) -> Dataset:
        """The paragraphs of several label files, each remembering its file."""
        examples, files = [], []
        for path in paths:
            rows = load_examples(path)
            examples += rows
            files += [path.name] * len(rows)
        return cls(examples, files, clusters)

    def group_key(self, i: int) -> str:
        e = self.examples[i]
        return f"{e.register}:{e.group}"


def fit_thresholds(ds: Dataset, train: list[int], C: float, inner: int = 3, by_file: bool = False) -> np.ndarray:
    """Per-theme thresholds on the combined score, chosen on the training part only.

    Out-of-fold model probabilities come from ``inner`` folds that keep each
    source group (register + province/decade) on one side, so the scores look
    like scores on unseen sources (``by_file``: one inner fold per label file
    of the training part instead); for each theme the threshold maximising F1
    on those scores is taken (searched in 0.30..0.90, shrunk halfway to the
    global threshold to keep it stable). With one training file and ``by_file``, the global threshold."""
    if by_file:
        files = ds.files
        assert files is not None, "by_file needs a Dataset.of_files"
        groups = sorted({files[i] for i in train})
        if len(groups) < 2:  # no file to hold out inside the training part
            return np.full(len(THEME_IDS), COMBINED_THRESHOLD)
        fold_of_group = {g: k for k, g in enumerate(groups)}
        inner = len(groups)
        key: Callable[[int], str] = files.__getitem__
    else:
        groups = sorted({ds.group_key(i) for i in train})
        fold_of_group = {g: k % inner for k, g in enumerate(groups)}
        key = ds.group_key
    oof = np.zeros((len(train), len(THEME_IDS)))
    pos = {i: row for row, i in enumerate(train)}
    for k in range(inner):
        te = [i for i in train if fold_of_group[key(i)] == k]
        tr = [i for i in train if fold_of_group[key(i)] != k]
        if not te or not tr:
            continue
        pred = ds.fit_predict(tr, te, C)
        for row, i in enumerate(te):
            oof[pos[i]] = pred[row]
    score = noisy_or(ds.rule_conf[train], oof)
    gold = ds.gold[train]
    grid = np.round(np.arange(0.30, 0.91, 0.025), 3)
    out = np.full(len(THEME_IDS), COMBINED_THRESHOLD)
    for j in range(len(THEME_IDS)):
        best, best_f = COMBINED_THRESHOLD, -1.0
        for t in grid:
            pred = score[:, j] >= t
            tp = int((pred & (gold[:, j] == 1)).sum())
            fp = int((pred & (gold[:, j] == 0)).sum())
            fn = int((~pred & (gold[:, j] == 1)).sum())
            f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if f > best_f + 1e-9:
                best, best_f = float(t), f
        out[j] = 0.5 * best + 0.5 * COMBINED_THRESHOLD
    return out


def predictions(ds: Dataset, idx: list[int], model_p: np.ndarray, thresholds: np.ndarray | None) -> dict:
    rule = ds.rule_conf[idx]
    combined = noisy_or(rule, model_p)
    preds = {
        "rules": rule >= 0.5,
        "model": model_p >= 0.5,
        "combined": tagged(rule, model_p),  # as served (nlp.combine.tagged; the noisy-OR alone before i16ax)
    }
    if thresholds is not None:
        preds["calibrated"] = combined >= thresholds[None, :]
    return preds


def evaluate_split(ds: Dataset, splits, C: float, calibrate: bool) -> dict:
    n = len(ds.examples)
    pooled: dict[str, np.ndarray] = {}
    folds = []
    for sp in splits:
        model_p = ds.fit_predict(sp.train, sp.test, C)
        thresholds = fit_thresholds(ds, sp.train, C) if calibrate else None
        preds = predictions(ds, sp.test, model_p, thresholds)
        fold = {"name": sp.name, "describe": sp.describe, "test": len(sp.test), "train": len(sp.train), "macro_f1": {}}
        for name, pred in preds.items():
            pooled.setdefault(name, np.zeros((n, len(THEME_IDS)), dtype=bool))[sp.test] = pred
            fold["macro_f1"][name] = prf(ds.gold[sp.test], pred.astype(int))["macro"]["f1"]
        if thresholds is not None:
            fold["thresholds"] = {t: round(float(v), 3) for t, v in zip(THEME_IDS, thresholds)}
        folds.append(fold)
    results = {name: prf(ds.gold, pred.astype(int)) for name, pred in pooled.items()}
    return {"folds": folds, "results": results, "pred": pooled}


def file_splits(files: list[str]) -> list[SourceSplit]:
    """One split per label file: test on it, train on every other file."""
    out = []
    for name in dict.fromkeys(files):
        test = [i for i, f in enumerate(files) if f == name]
        train = [i for i, f in enumerate(files) if f != name]
        out.append(SourceSplit(name, test, train, f"test: {name}; train: the other files"))
    return out


#: the commit that added each held-out label file, before any rule was written from its errors
#: (``--split files --rules-as-drawn``); theme_labels.jsonl has none: the rules grew from it
RULES_AS_DRAWN = {
    HELDOUT_FILE.name: "522a6f8d18880a7f8716c91c8cbc48b5edebd8d8",
    HELDOUT2_FILE.name: "31182bc8d04407e66f8795c75027f4a37ba5f25d",
    HELDOUT3_FILE.name: "49034606bb112c8bd442e7d4a78adb87d53379fd",
    HELDOUT4_FILE.name: "058a1023d2b82b39be31aaf48f4cfcdf1234732a",
    HELDOUT5_FILE.name: "86c3dae673ad6c6414a1daaae057371a10b4eb40",
    # main at the start of session i16w, before any rule was written from these files' errors
    HELDOUT6_ADJUDICATED_FILE.name: "75d05ce72ded4dad21ff019d2e12e248ac49ea64",
    HELDOUT7_ADJUDICATED_FILE.name: "75d05ce72ded4dad21ff019d2e12e248ac49ea64",
}


def rules_as_drawn(commit: str):
    """The rule tagger of ``index_config/themes.json`` as committed at ``commit`` (read with git)."""
    import subprocess

    from nlp.taxonomy import parse_taxonomy
    from nlp.themes import RuleTagger

    root = Path(__file__).resolve().parent.parent
    raw = subprocess.run(
        ["git", "-C", str(root), "show", f"{commit}:index_config/themes.json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return RuleTagger(parse_taxonomy(json.loads(raw), source=f"{commit}:index_config/themes.json"))


def with_rules_of(ds: Dataset, idx: list[int], tagger) -> Dataset:
    """A copy of ``ds`` whose rows ``idx`` carry ``tagger``'s rule hits (confidences and the model's rule features)."""
    out = copy.copy(ds)
    out.rule_conf = ds.rule_conf.copy()
    out.feats = list(ds.feats)
    for i in idx:
        hits = tagger.score_paragraph(ds.texts[i], normalized=True)
        out.rule_conf[i] = 0.0
        for h in hits:
            out.rule_conf[i, THEME_IDS.index(h.id)] = h.confidence
        out.feats[i] = extract_features(ds.texts[i], normalized=True, rule_hits=hits, clusters=ds.clusters)
    return out


def evaluate_files(ds: Dataset, C: float, calibrate: bool, as_drawn: bool = False) -> dict:
    """Leave one label file out (see the module docstring): per file and mean macro-F1.

    ``as_drawn``: only the files of :data:`RULES_AS_DRAWN`, each scored with the rules as they
    were when it was committed (the model and the thresholds still learn from the other files
    with today's rules): what the tagger did on a file whose errors no rule had yet been written from."""
    assert ds.files is not None, "leave one file out needs a Dataset.of_files"
    folds = []
    pooled_gold: list[np.ndarray] = []
    pooled_pred: dict[str, list[np.ndarray]] = {}
    for sp in file_splits(ds.files):
        test_ds = ds
        if as_drawn:
            if sp.name not in RULES_AS_DRAWN:
                continue
            test_ds = with_rules_of(ds, sp.test, rules_as_drawn(RULES_AS_DRAWN[sp.name]))
        model_p = test_ds.fit_predict(sp.train, sp.test, C)
        thresholds = fit_thresholds(ds, sp.train, C, by_file=True) if calibrate else None
        preds = predictions(test_ds, sp.test, model_p, thresholds)
        gold = ds.gold[sp.test]
        pooled_gold.append(gold)
        for k, p in preds.items():
            pooled_pred.setdefault(k, []).append(p)
        scores = {k: prf(gold, p.astype(int), HELDOUT_MIN_SUPPORT)["macro"] for k, p in preds.items()}
        fold: dict = {
            "name": sp.name,
            "test": len(sp.test),
            "train": len(sp.train),
            "themes_counted": int((gold.sum(axis=0) >= HELDOUT_MIN_SUPPORT).sum()),
            "macro_f1": {k: v["f1"] for k, v in scores.items()},
            "macro_p": {k: v["p"] for k, v in scores.items()},
            "macro_r": {k: v["r"] for k, v in scores.items()},
        }
        if thresholds is not None:
            fold["thresholds"] = {t: round(float(v), 3) for t, v in zip(THEME_IDS, thresholds)}
        folds.append(fold)
    mean = {k: float(np.mean([f["macro_f1"][k] for f in folds])) for k in folds[0]["macro_f1"]}
    gold = np.concatenate(pooled_gold)
    # per theme, the left-out files' predictions pooled (each paragraph predicted once, out of file)
    pooled = {k: prf(gold, np.concatenate(p).astype(int)) for k, p in pooled_pred.items()}
    return {"folds": folds, "mean": mean, "min_support": HELDOUT_MIN_SUPPORT, "pooled": pooled}


def random_splits(n: int, folds: int, seed: int = 0):
    order = np.random.RandomState(seed).permutation(n)
    out = []
    for k in range(folds):
        test = sorted(int(i) for i in order[k::folds])
        test_set = set(test)
        out.append(SourceSplit(str(k), test, [i for i in range(n) if i not in test_set], f"random fold {k}"))
    return out


def confusions(ds: Dataset, pred: np.ndarray, k: int = 15) -> list[dict]:
    counter: Counter = Counter()
    for i in range(len(ds.examples)):
        g = {THEME_IDS[j] for j in np.flatnonzero(ds.gold[i])}
        p = {THEME_IDS[j] for j in np.flatnonzero(pred[i])}
        for extra in p - g:
            counter[("false positive", extra)] += 1
        for missed in g - p:
            counter[("missed", missed)] += 1
    return [{"kind": a, "theme": b, "count": c} for (a, b), c in counter.most_common(k)]


def run(
    split: str = "both",
    folds: int = 5,
    C: float = 16.0,
    calibrate: bool = True,
    as_drawn: bool = False,
    clusters: dict[str, int] | None = None,
    cluster_weight: float = 1.0,
    external: bool = True,
) -> dict:
    training = TRAINING_FILES if external else tuple(p for p in TRAINING_FILES if p not in EXTERNAL_TRAINING_FILES)
    ds = Dataset.of_files(list(training), clusters) if split == "files" else Dataset(clusters=clusters)
    ds.cluster_weight = cluster_weight
    report = {
        "examples": len(ds.examples),
        "negatives": int((ds.gold.sum(axis=1) == 0).sum()),
        "registers": dict(Counter(e.register for e in ds.examples)),
    }
    if split in ("source", "both"):
        r = evaluate_split(ds, source_splits(ds.examples), C, calibrate)
        report["cross_source"] = {
            "folds": r["folds"],
            "results": r["results"],
            "errors": confusions(ds, r["pred"]["calibrated" if calibrate else "combined"]),
        }
    if split == "files":
        by_file = evaluate_files(ds, C, calibrate, as_drawn)
        by_file["rules_as_drawn"] = as_drawn
        report["files"] = by_file
    if split == "heldout":
        report["heldout"] = evaluate_heldout(C, calibrate, clusters=clusters)
    if split == "heldout2":
        report["heldout"] = evaluate_heldout(C, calibrate, HELDOUT2_FILE, clusters=clusters)
    if split in SERVED_HELDOUT:
        report["heldout"] = evaluate_heldout(
            C, calibrate, SERVED_HELDOUT[split], served=True, clusters=clusters, external=external
        )
    if split in ("random", "both"):
        r = evaluate_split(ds, random_splits(len(ds.examples), folds), C, calibrate)
        report["in_source"] = {"folds": r["folds"], "results": r["results"]}
    return report


def served_training_examples(path: Path, test_keys: set[str], external: bool = True) -> tuple[list, int]:
    """The paragraphs the served model trains on but ``path`` and any other reading of its paragraphs
    (``test_keys``: an adjudicated file in training scored by its first reading, or the reverse), and how
    many were left out that way. ``external=False``: without the site files, the recipe before i16af."""
    files = [p for p in TRAINING_FILES if p != path and (external or p not in EXTERNAL_TRAINING_FILES)]
    pool = [e for p in files for e in load_examples(p)]
    train = [e for e in pool if e.key not in test_keys]
    return train, len(pool) - len(train)


def evaluate_heldout(
    C: float,
    calibrate: bool,
    path: Path | None = None,
    served: bool = False,
    clusters: dict[str, int] | None = None,
    external: bool = True,
) -> dict:
    """Train on the tuning labels, score a held-out file once (see the module docstring).

    ``served``: train as ``nlp.train`` trains the served model (every file of
    :data:`nlp.labels.TRAINING_FILES` but the one scored, and no other reading of its paragraphs),
    not on ``theme_labels.jsonl`` alone; ``external=False``: without the site files
    (:data:`nlp.labels.EXTERNAL_TRAINING_FILES`), the served recipe before session i16af."""
    path = path or HELDOUT_FILE
    test_ex = load_examples(path)
    if served:
        train_ex, left_out = served_training_examples(path, {e.key for e in test_ex}, external)
    else:
        train_ex, left_out = load_examples(), 0
    ds = Dataset(train_ex + test_ex, clusters=clusters)
    train = list(range(len(train_ex)))
    test = list(range(len(train_ex), len(ds.examples)))
    model_p = ds.fit_predict(train, test, C)
    thresholds = fit_thresholds(ds, train, C) if calibrate else None
    preds = predictions(ds, test, model_p, thresholds)
    gold = ds.gold[test]
    return {
        "file": path.name,
        "left_out": left_out,
        "train": len(train),
        "test": len(test),
        "negatives": int((gold.sum(axis=1) == 0).sum()),
        "min_support": HELDOUT_MIN_SUPPORT,
        "results": {name: prf(gold, pred.astype(int), HELDOUT_MIN_SUPPORT) for name, pred in preds.items()},
    }


def format_table(results: dict) -> list[str]:
    systems = list(results)
    header = f"{'theme':24} {'n':>4} | " + " | ".join(f"{s:^17}" for s in systems)
    lines = [
        header,
        f"{'':24} {'':>4} | " + " | ".join(f"{'P':>5} {'R':>5} {'F1':>5}" for _ in systems),
        "-" * len(header),
    ]
    for tid in THEME_IDS:
        cells = [
            f"{results[s]['themes'][tid]['p']:5.2f} {results[s]['themes'][tid]['r']:5.2f} "
            f"{results[s]['themes'][tid]['f1']:5.2f}"
            for s in systems
        ]
        lines.append(f"{tid:24} {results[systems[0]]['themes'][tid]['support']:>4} | " + " | ".join(cells))
    lines.append("-" * len(header))
    for avg in ("macro", "micro"):
        cells = [
            f"{results[s][avg]['p']:5.2f} {results[s][avg]['r']:5.2f} {results[s][avg]['f1']:5.2f}" for s in systems
        ]
        lines.append(f"{avg + ' avg':24} {'':>4} | " + " | ".join(cells))
    return lines


def format_report(report: dict) -> str:
    lines = [
        f"{report['examples']} labelled paragraphs ({report['negatives']} with no theme); registers: "
        + ", ".join(f"{k} {v}" for k, v in sorted(report["registers"].items()))
    ]
    served = None
    if "cross_source" in report:
        cs = report["cross_source"]
        served = "calibrated" if "calibrated" in cs["results"] else "combined"
        lines += [
            "",
            f"HEADLINE cross-source macro-F1 ({served}): {cs['results'][served]['macro']['f1']:.3f}  "
            f"(lowest theme F1 {min(v['f1'] for v in cs['results'][served]['themes'].values()):.2f})",
            "",
            "== held out by source (pooled over folds A, B, C) ==",
        ]
        for f in cs["folds"]:
            lines.append(
                f"  fold {f['name']} ({f['test']} test / {f['train']} train; {f['describe']}): "
                + ", ".join(f"{k} {v:.3f}" for k, v in f["macro_f1"].items())
            )
        lines += [""] + format_table(cs["results"])
        lines += ["", f"most frequent errors of '{served}' (cross-source):"]
        lines += [f"  {e['count']:4}  {e['kind']:15} {e['theme']}" for e in cs["errors"][:12]]
    if "heldout" in report:
        h = report["heldout"]
        served = "calibrated" if "calibrated" in h["results"] else "combined"
        kept = [v for v in h["results"][served]["themes"].values() if v["support"] >= h["min_support"]]
        lines += [
            "",
            f"HELD-OUT macro-F1 ({served}): {h['results'][served]['macro']['f1']:.3f}  "
            f"(lowest theme F1 {min(v['f1'] for v in kept):.2f}; themes with >= {h['min_support']} positives)",
            f"== trained on {h['train']} tuning paragraphs, scored on {h['test']} held-out ones of {h['file']} "
            f"({h['negatives']} with no theme; {h['left_out']} other readings of them left out of training) ==",
            "",
        ] + format_table(h["results"])
        if h["left_out"]:
            lines.append(
                f"note: the served model trains on these {h['left_out']} paragraphs (another reading of them): "
                "this model left them out, so the figure is not the served model's and not a first read"
            )
    if "files" in report:
        r = report["files"]
        systems = list(r["mean"])
        served = "calibrated" if "calibrated" in systems else "combined"
        lines += [
            "",
            f"LEAVE-ONE-FILE-OUT mean macro-F1 ({served}"
            + (", each file with the rules as committed with it" if r["rules_as_drawn"] else "")
            + f"): {r['mean'][served]:.3f}  "
            f"(per file: themes with >= {r['min_support']} positives there; model trained on the other files)",
            "",
            f"{'left-out file':34} {'n':>5} {'themes':>6} | " + " ".join(f"{s:>10}" for s in systems),
        ]
        for f in r["folds"]:
            lines.append(
                f"{f['name']:34} {f['test']:>5} {f['themes_counted']:>6} | "
                + " ".join(f"{f['macro_f1'][s]:10.3f}" for s in systems)
            )
        lines.append(f"{'mean':34} {'':>5} {'':>6} | " + " ".join(f"{r['mean'][s]:10.3f}" for s in systems))
        lines += ["", "per theme, the left-out files pooled:", ""] + format_table(r["pooled"])
    if "in_source" in report:
        ins = report["in_source"]
        lines += ["", f"== in-source: {len(ins['folds'])}-fold random cross-validation =="] + format_table(
            ins["results"]
        )
    lines += [
        "",
        "note: the rules need no training but their terms were written by people who had read labelled "
        "text; the model and the thresholds are fitted on the training part of each fold only.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nlp.evaluate")
    ap.add_argument(
        "--split",
        choices=["source", "random", "both", "files", "heldout", "heldout2", *SERVED_HELDOUT],
        default="both",
    )
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--C", type=float, default=16.0)
    ap.add_argument("--no-calibrate", action="store_true", help="skip the per-theme thresholds (faster)")
    ap.add_argument(
        "--rules-as-drawn",
        action="store_true",
        help="--split files: score each held-out file with the rules of the commit that added it (needs git)",
    )
    ap.add_argument(
        "--heldout8-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout8: where a source repository of the eighth file is (a git directory; "
        "default ../.mirror/OWNER+NAME/repo); repeat per repository",
    )
    ap.add_argument(
        "--heldout9-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout9|heldout9r2|heldout9adj: where a source repository of the ninth file is "
        "(as --heldout8-checkout)",
    )
    ap.add_argument(
        "--heldout10-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout10|heldout10r2|heldout10adj: where a source repository of the tenth file is "
        "(as --heldout8-checkout)",
    )
    ap.add_argument(
        "--heldout11-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout11|heldout11r2|heldout11adj: where a source repository of the eleventh file is "
        "(as --heldout8-checkout)",
    )
    ap.add_argument(
        "--heldout12-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout12: where a source repository of the twelfth file is (as --heldout8-checkout)",
    )
    ap.add_argument(
        "--heldout13-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout13: where a source repository of the thirteenth file is (as --heldout8-checkout)",
    )
    ap.add_argument(
        "--heldout14-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout14|heldout14r2|heldout14adj: where a source repository of the fourteenth file is "
        "(as --heldout8-checkout)",
    )
    ap.add_argument(
        "--heldout15-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout15|heldout15r2|heldout15adj: where a source repository of the fifteenth file is "
        "(as --heldout8-checkout)",
    )
    ap.add_argument(
        "--heldout16-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout16: where the source repository of the sixteenth file is (as --heldout8-checkout)",
    )
    ap.add_argument(
        "--heldout17-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout17: where a source repository of the seventeenth file is (as --heldout8-checkout)",
    )
    ap.add_argument(
        "--heldout18-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout18|heldout18r2: where a source repository of the eighteenth file is "
        "(as --heldout8-checkout)",
    )
    ap.add_argument(
        "--heldout19-checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="--split heldout19: where a source repository of the nineteenth file is (as --heldout8-checkout)",
    )
    ap.add_argument(
        "--clusters",
        type=Path,
        default=None,
        help="the word-cluster file of the model's cluster features (default: index_config/word_clusters.json.gz)",
    )
    ap.add_argument(
        "--no-clusters",
        action="store_true",
        help="the model without word-cluster features (the served model of before session i16y)",
    )
    ap.add_argument("--cluster-weight", type=float, default=1.0, help="the cluster features' idf scaled by this")
    ap.add_argument(
        "--no-external",
        action="store_true",
        help="train without the site label files (nlp.labels.EXTERNAL_TRAINING_FILES): the recipe before i16af",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    set_checkouts(
        dict(
            parse_checkout(spec)
            for spec in [
                *args.heldout8_checkout,
                *args.heldout9_checkout,
                *args.heldout10_checkout,
                *args.heldout11_checkout,
                *args.heldout12_checkout,
                *args.heldout13_checkout,
                *args.heldout14_checkout,
                *args.heldout15_checkout,
                *args.heldout16_checkout,
                *args.heldout17_checkout,
                *args.heldout18_checkout,
                *args.heldout19_checkout,
            ]
        )
    )
    if not labels_available():
        print(
            "error: the shared texts referenced by the labels are not available (set GOVTEXT_SHARED)", file=sys.stderr
        )
        return 2
    clusters = None
    if not args.no_clusters:
        from nlp.word_clusters import load

        clusters = load(args.clusters)["clusters"]
    report = run(
        args.split,
        args.folds,
        args.C,
        calibrate=not args.no_calibrate,
        as_drawn=args.rules_as_drawn,
        clusters=clusters,
        cluster_weight=args.cluster_weight,
        external=not args.no_external,
    )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(format_report(report))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
