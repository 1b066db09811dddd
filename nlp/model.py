"""A learned theme model that catches what the rules miss (paraphrases).

Features (version 2): TF-IDF (sublinear tf, l2) over jieba words (HMM off, the
governance dictionary), word bigrams, CJK character 2-grams, and the rule
tagger's evidence as features (``r:<theme>`` repeated by the rule confidence,
0..4 times): the rules are features the model weighs per theme, not vetoes.
Character 3-grams (version 1) were dropped: held out by source they did not
help (see ``nlp/evaluate.py``) and they were half of the feature-extraction
time. Classifier: one-vs-rest logistic regression (liblinear, balanced class
weights, fixed C), trained on ``tests/data/theme_labels.jsonl``. The file can
carry per-theme thresholds for :mod:`nlp.combine` (``train --thresholds``,
fitted with source-grouped inner folds, :func:`nlp.evaluate.fit_thresholds`);
held out by source they did not beat the global threshold, so the committed
model has none.

Persistence: the trained model is exported to
``index_config/theme_model.json.gz`` (vocabulary, idf, coefficients and
intercepts as plain JSON, gzip'd) and committed. Why a file rather than
training at first use: the labelled paragraphs reference texts in the shared
folder, which is not shipped with the code, so a deployed service or a fresh
clone cannot retrain; and a JSON export loads without pickle, does not depend
on the scikit-learn version at run time, and is reproducible (liblinear with a
fixed seed and a sorted vocabulary → the same file from the same labels).
Retrain with ``python -m nlp.train`` after changing the labels or the
user dictionary. At run time only numpy is needed; scikit-learn is imported for
training and cross-validation only.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections import Counter
from pathlib import Path

import numpy as np

from nlp.taxonomy import THEME_IDS
from nlp.textnorm import normalize

MODEL_FILE = "theme_model.json.gz"
FEATURE_VERSION = 2
_NON_CJK = re.compile(r"[^\u3400-\u9fff]+")
_DIGITS = re.compile(r"\d+")


def rule_features(rule_hits) -> list[str]:
    """``r:<theme>`` repeated round(4 * confidence) times for each rule hit."""
    out: list[str] = []
    for h in rule_hits or ():
        out += ["r:" + h.id] * int(round(4 * h.confidence))
    return out


def extract_features(text: str, *, normalized: bool = False, rule_hits=None) -> list[str]:
    r"""Feature strings of one paragraph (words, word bigrams, char 2-grams, rule evidence).

    ``rule_hits`` are the paragraph's :class:`nlp.themes.ThemeHit`\ s; when None
    the rule tagger is run here."""
    from nlp.segment import cut, is_word

    if not normalized:
        text = normalize(text)
    if rule_hits is None:
        from nlp.themes import get_rule_tagger

        rule_hits = get_rule_tagger().score_paragraph(text, normalized=True)
    text = text.lower()
    words = [_DIGITS.sub("0", t) for t in cut(text) if is_word(t)]
    feats = ["w:" + w for w in words]
    feats += ["b:" + a + "_" + b for a, b in zip(words, words[1:])]
    for chunk in _NON_CJK.split(text):
        feats += ["c:" + chunk[i : i + 2] for i in range(len(chunk) - 1)]
    feats += rule_features(rule_hits)
    return feats


class ThemeModel:
    """The exported model: scores paragraphs with numpy only."""

    def __init__(self, data: dict):
        if data.get("feature_version") != FEATURE_VERSION:
            raise ValueError("theme model was built with other features; retrain it")
        self.labels: list[str] = list(data["labels"])
        self.vocab: dict[str, int] = {f: i for i, f in enumerate(data["features"])}
        self.idf = np.asarray(data["idf"], dtype=np.float64)
        self.coef = np.asarray(data["coef"], dtype=np.float64).reshape(len(self.vocab), len(self.labels))
        self.intercept = np.asarray(data["intercept"], dtype=np.float64)
        self.meta = data.get("meta", {})
        #: per-theme thresholds of the combined score (nlp.combine); empty: the global default
        self.thresholds: dict[str, float] = dict(data.get("thresholds", {}))
        self._names = list(data["features"])
        # one dictionary per feature kind, keyed without the kind prefix, so that
        # vectorize() looks features up without building prefixed strings
        self._by_kind: dict[str, dict[str, int]] = {"w": {}, "b": {}, "c": {}, "r": {}}
        for f, i in self.vocab.items():
            kind, _, key = f.partition(":")
            self._by_kind.setdefault(kind, {})[key] = i
        self._coef_t = np.ascontiguousarray(self.coef.T)  # labels x features: one gather per label row

    # -- scoring -------------------------------------------------------
    def _vector(self, feats: list[str]):
        vocab = self.vocab
        pairs = [(vocab[f], c) for f, c in Counter(feats).items() if f in vocab]
        if not pairs:
            return None, None
        idx = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        tf = 1.0 + np.log(np.fromiter((c for _, c in pairs), dtype=np.float64, count=len(pairs)))
        w = tf * self.idf[idx]
        norm = float(np.sqrt(w @ w))
        if norm > 0:
            w /= norm
        return idx, w

    def predict_features(self, feats: list[str]) -> dict[str, float]:
        return self.predict_vector(self._vector(feats))

    def predict_proba(self, text: str, *, normalized: bool = False) -> dict[str, float]:
        return self.predict_vector(self.vectorize(text, normalized=normalized))

    def vectorize(self, text: str, *, normalized: bool = False, rule_hits=None):
        """The tf-idf vector of ``text`` as (feature indices, weights), reusable by
        :meth:`predict_vector` and :meth:`explain`.

        Same features as :func:`extract_features` (a test checks it), but each is
        looked up in its kind's dictionary as it is produced, and counted with
        numpy: this is most of the tagging time of ingest."""
        from nlp.segment import cut, is_word

        if not normalized:
            text = normalize(text)
        if rule_hits is None:
            from nlp.themes import get_rule_tagger

            rule_hits = get_rule_tagger().score_paragraph(text, normalized=True)
        text = text.lower()
        wv, bv, cv, rv = (self._by_kind[k] for k in ("w", "b", "c", "r"))
        words = [_DIGITS.sub("0", t) for t in cut(text) if is_word(t)]
        idx = [wv.get(w, -1) for w in words]
        idx += [bv.get(a + "_" + b, -1) for a, b in zip(words, words[1:])]
        for chunk in _NON_CJK.split(text):
            idx += [cv.get(chunk[i : i + 2], -1) for i in range(len(chunk) - 1)]
        for h in rule_hits or ():
            idx += [rv.get(h.id, -1)] * int(round(4 * h.confidence))
        arr = np.asarray(idx, dtype=np.int64)
        arr = arr[arr >= 0]
        if not arr.size:
            return None, None
        uniq, counts = np.unique(arr, return_counts=True)
        w = (1.0 + np.log(counts)) * self.idf[uniq]
        norm = float(np.sqrt(w @ w))
        if norm > 0:
            w /= norm
        return uniq, w

    def predict_vector(self, vector) -> dict[str, float]:
        idx, w = vector
        if idx is None:
            z = self.intercept
        else:
            z = self._coef_t[:, idx] @ w + self.intercept
        p = 1.0 / (1.0 + np.exp(-z))
        return {label: float(v) for label, v in zip(self.labels, p)}

    def explain(self, text_or_vector, label: str, k: int = 5, *, normalized: bool = False) -> list[str]:
        """The ``k`` word features that pushed the text most towards ``label``."""
        if isinstance(text_or_vector, str):
            text_or_vector = self.vectorize(text_or_vector, normalized=normalized)
        idx, w = text_or_vector
        if idx is None or label not in self.labels:
            return []
        j = self.labels.index(label)
        contrib = w * self.coef[idx, j]
        out = []
        for pos in np.argsort(-contrib):
            if contrib[pos] <= 0:
                break
            name = self._names[int(idx[pos])]
            if name.startswith("w:") and len(name) > 3:
                out.append(name[2:])
            elif name.startswith("b:"):
                out.append(name[2:].replace("_", ""))
            if len(out) >= k:
                break
        return out


# -- training ----------------------------------------------------------
def _fit(texts_feats: list[list[str]], y: np.ndarray, C: float = 8.0, min_df: int = 2):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    vec = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True, min_df=min_df, norm="l2")
    X = vec.fit_transform(texts_feats)
    clf = OneVsRestClassifier(
        LogisticRegression(C=C, class_weight="balanced", solver="liblinear", random_state=0, max_iter=1000)
    )
    clf.fit(X, y)
    return vec, clf


def label_matrix(labels: list[tuple[str, ...]], classes=THEME_IDS) -> np.ndarray:
    y = np.zeros((len(labels), len(classes)), dtype=np.int64)
    for i, ls in enumerate(labels):
        for lab in ls:
            y[i, classes.index(lab)] = 1
    return y


def train_model(texts: list[str], labels: list[tuple[str, ...]], C: float = 8.0, min_df: int = 2) -> dict:
    """Train on paragraphs and return the exportable model dict."""
    return train_from_features([extract_features(t) for t in texts], labels, C=C, min_df=min_df)


def train_from_features(feats: list[list[str]], labels: list[tuple[str, ...]], C: float = 8.0, min_df: int = 2) -> dict:
    """:func:`train_model` on already extracted features (evaluation extracts them once)."""
    y = label_matrix(labels)
    # a class with no positive example cannot be fitted: give it a constant
    present = [j for j in range(y.shape[1]) if 0 < y[:, j].sum() < len(y)]
    vec, clf = _fit(feats, y[:, present], C=C, min_df=min_df)
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    n_feat = len(vocab)
    coef = np.zeros((n_feat, len(THEME_IDS)))
    intercept = np.full(len(THEME_IDS), -10.0)
    for k, j in enumerate(present):
        est = clf.estimators_[k]
        coef[:, j] = est.coef_.ravel()
        intercept[j] = float(est.intercept_[0])
    return {
        "feature_version": FEATURE_VERSION,
        "labels": list(THEME_IDS),
        "features": vocab,
        "idf": [round(float(v), 5) for v in vec.idf_],
        "coef": [round(float(v), 5) for v in coef.ravel()],
        "intercept": [round(float(v), 5) for v in intercept],
        "meta": {"examples": len(feats), "C": C, "min_df": min_df},
    }


def save_model(data: dict, path: Path) -> None:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    # mtime=0 keeps the gzip bytes identical for identical models
    with open(path, "wb") as fh:
        with gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
            gz.write(raw)


def load_model_file(path: Path) -> ThemeModel:
    with gzip.open(path, "rb") as fh:
        return ThemeModel(json.loads(fh.read().decode("utf-8")))


_lock = threading.Lock()
_model: ThemeModel | None = None
_model_path: str | None = None
_model_failed: set[str] = set()


def model_path(config_dir: Path | None = None) -> Path:
    if config_dir is None:
        from govtext.settings import load_settings

        config_dir = load_settings().config_dir
    return Path(config_dir) / MODEL_FILE


def get_model() -> ThemeModel | None:
    """The process-wide model, or None when no model file exists (rules only)."""
    global _model, _model_path
    path = model_path()
    key = str(path)
    if _model is not None and _model_path == key:
        return _model
    if key in _model_failed:
        return None
    with _lock:
        if _model is not None and _model_path == key:
            return _model
        try:
            _model = load_model_file(path)
            _model_path = key
        except (OSError, ValueError, KeyError) as exc:
            import logging

            logging.getLogger(__name__).warning("theme model unavailable (%s): rules only", exc)
            _model_failed.add(key)
            return None
    return _model
