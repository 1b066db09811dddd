"""A learned theme model that catches what the rules miss (paraphrases).

Features (version 2): TF-IDF (sublinear tf, l2) over jieba words (HMM off, the
governance dictionary), word bigrams, CJK character 2-grams, and the rule
tagger's evidence as features (``r:<theme>`` repeated by the rule confidence,
0..4 times): the rules are features the model weighs per theme, not vetoes.
Since session i16y also the words' cluster ids (``k:<id>``, one per word that
has one), from :mod:`nlp.word_clusters` (learned without labels from the
corpus): a word no labelled paragraph holds shares its cluster's weight. The
model file carries the word -> cluster map (``word_clusters``); a model without
it (``nlp.train --no-clusters``) has no such features.
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
import math
import re
import threading
from collections import Counter
from itertools import chain
from pathlib import Path

import numpy as np

from nlp.taxonomy import THEME_IDS
from nlp.textnorm import normalize
from nlp.textscan import NATIVE, code_table

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


def extract_features(
    text: str, *, normalized: bool = False, rule_hits=None, clusters: dict[str, int] | None = None
) -> list[str]:
    r"""Feature strings of one paragraph (words, word bigrams, char 2-grams, rule evidence).

    ``rule_hits`` are the paragraph's :class:`nlp.themes.ThemeHit`\ s; when None
    the rule tagger is run here. ``clusters``: word -> cluster id (:mod:`nlp.word_clusters`);
    when given, a ``k:<id>`` feature for every word that has a cluster."""
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
    if clusters:
        feats += ["k:" + str(clusters[w]) for w in words if w in clusters]
    return feats


#: CJK characters of the character features (``_NON_CJK`` is their complement)
_CJK_LO, _CJK_HI = 0x3400, 0x9FFF
_CJK_SPAN = _CJK_HI - _CJK_LO + 1


def _lookup(keys: np.ndarray, values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``values`` of ``codes`` in the sorted ``keys``; -1 where a code is not there."""
    if not codes.size or not keys.size:
        return np.full(codes.size, -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(keys, codes), keys.size - 1)
    return np.where(keys[pos] == codes, values[pos], -1)


_LINE_BREAK = -2


class _Rows(dict):
    """token -> row; a token not seen yet is added (``add``) on its first lookup."""

    def __init__(self, add):
        super().__init__()
        self.add = add

    def __missing__(self, token: str) -> int:
        return self.add(token)


class _CodeTables:
    """The word, word-bigram and character-bigram features as integer codes.

    A word (a token that :func:`nlp.segment.is_word`, digits as 0) gets a
    number once per process (:attr:`ids`); its feature index and its number as
    a bigram part are rows of two arrays. A bigram is then ``first * parts +
    second`` and a CJK character pair ``(a - 0x3400) * span + (b - 0x3400)``,
    both looked up in sorted code arrays: one numpy pass per paragraph instead
    of building and hashing a string per feature. The features are exactly
    those of :func:`extract_features` (tests/test_themes.py checks it)."""

    MAX_WORDS = 1_000_000

    def __init__(self, by_kind: dict[str, dict[str, int]], clusters: dict[str, int] | None = None):
        self.words = by_kind["w"]
        kinds = by_kind.get("k", {})
        #: word -> feature index of its cluster feature (``k:<id>``)
        self.cluster_of = {w: kinds[str(c)] for w, c in (clusters or {}).items() if str(c) in kinds}
        parts: dict[str, int] = {}
        pairs = []
        for key, i in by_kind["b"].items():
            a, sep, b = key.partition("_")
            if not sep or "_" in b:  # pragma: no cover - words hold no "_" (is_word drops it)
                raise ValueError(f"unexpected bigram feature {key!r}")
            pairs.append((parts.setdefault(a, len(parts)), parts.setdefault(b, len(parts)), i))
        self.parts = parts
        self.n_parts = max(1, len(parts))
        order = sorted((a * self.n_parts + b, i) for a, b, i in pairs)
        self.bigram_keys = np.asarray([c for c, _ in order], dtype=np.int64)
        self.bigram_values = np.asarray([i for _, i in order], dtype=np.int64)
        chars = []
        for key, i in by_kind["c"].items():
            if len(key) != 2 or not all(_CJK_LO <= ord(ch) <= _CJK_HI for ch in key):  # pragma: no cover
                raise ValueError(f"unexpected character feature {key!r}")
            chars.append(((ord(key[0]) - _CJK_LO) * _CJK_SPAN + (ord(key[1]) - _CJK_LO), i))
        chars.sort()
        self.char_keys = np.asarray([c for c, _ in chars], dtype=np.int64)
        self.char_values = np.asarray([i for _, i in chars], dtype=np.int64)
        # the same two lookups by hashing (native/src/codes.rs), when the native kernels are built
        self._bigram_table = code_table(self.bigram_keys, self.bigram_values)
        self._char_table = code_table(self.char_keys, self.char_values)
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        #: token -> row of the word tables, -1 for spaces and punctuation (-2: a line break);
        #: looked up in C, a new token added by _add
        self.ids: dict[str, int] = _Rows(self._add)
        self.ids["\n"] = _LINE_BREAK
        self.forms: dict[str, int] = {}
        #: per row: the word's feature index and its number as a bigram part (-1: none)
        self.feature = np.zeros(1024, dtype=np.int64)
        self.part = np.zeros(1024, dtype=np.int64)
        self.cluster = np.zeros(1024, dtype=np.int64)
        #: the same per token in the native kernels (native/src/rows.rs), when they are built
        self.native_rows = NATIVE.WordRows() if NATIVE is not None and hasattr(NATIVE, "WordRows") else None

    def _add(self, token: str) -> int:
        from nlp.segment import is_word

        if not is_word(token):
            self.ids[token] = -1
            return -1
        form = _DIGITS.sub("0", token)
        row = self.forms.get(form)
        if row is None:
            row = self.forms[form] = len(self.forms)
            if row == self.feature.size:
                self.feature = np.concatenate((self.feature, np.zeros(row, dtype=np.int64)))
                self.part = np.concatenate((self.part, np.zeros(row, dtype=np.int64)))
                self.cluster = np.concatenate((self.cluster, np.zeros(row, dtype=np.int64)))
            self.feature[row] = self.words.get(form, -1)
            self.part[row] = self.parts.get(form, -1)
            self.cluster[row] = self.cluster_of.get(form, -1)
        self.ids[token] = row
        return row

    def indices(
        self, texts: list[str], tokens_of: list[list[str] | None] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(text number, feature index) of every word, word bigram and CJK character bigram
        of the lower-cased ``texts``, with repeats; index -1 for features outside the vocabulary.

        ``tokens_of``: per text, ``nlp.segment.cut(text)`` when the caller has it (else None)."""
        from nlp.segment import cut

        # jieba cuts at every line break (a token of its own), so texts without one are cut in one call
        joined = "\n".join(texts) if tokens_of is None else ""
        one_cut = tokens_of is None and joined.count("\n") == len(texts) - 1 and "\r" not in joined
        tokens: list[str] = []
        cuts: list[list[str]] = []
        if one_cut:
            tokens = cut(joined)
        else:
            if tokens_of is None:
                tokens_of = [None] * len(texts)
            cuts = [given if given is not None else cut(text) for text, given in zip(texts, tokens_of)]
        # the tables grow and may be reset: one thread at a time (a server worker has several)
        with self._lock:
            words = None
            if self.native_rows is not None:
                try:
                    words = self._native_words([tokens] if one_cut else cuts, one_cut)
                except ValueError:  # a lone surrogate: numpy takes it
                    pass
            if words is None:
                words = self._words(texts, tokens, cuts, one_cut)
        word_of, word_features, bigram_of, bigram_codes, cluster_of, clusters = words
        if self._bigram_table is not None:
            bigrams = np.frombuffer(self._bigram_table.lookup(bigram_codes), dtype=np.int64)
        else:
            bigrams = _lookup(self.bigram_keys, self.bigram_values, bigram_codes)
        chars_of, chars = self._char_features(texts)
        return (
            np.concatenate((word_of, bigram_of, chars_of, cluster_of)),
            np.concatenate((word_features, bigrams, chars, clusters)),
        )

    def _words(self, texts: list[str], tokens: list[str], cuts: list[list[str]], one_cut: bool) -> tuple:
        """(text number and feature of each word, text number and code of each word bigram, text
        number and cluster feature of each word that has one) of ``tokens`` (one cut of the texts
        joined by line breaks) or of ``cuts`` (one per text), from the token -> row dictionary."""
        if not one_cut:
            tokens = list(chain.from_iterable(cuts))
        if len(self.ids) > self.MAX_WORDS:
            self._reset()
        rows = np.fromiter(map(self.ids.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        if one_cut:
            number = np.cumsum(rows == _LINE_BREAK)
        else:
            number = np.repeat(np.arange(len(texts), dtype=np.int64), list(map(len, cuts)))
        words = rows >= 0
        rows, word_of = rows[words], number[words]
        part, word_features = self.part[rows], self.feature[rows]
        first, second = part[:-1], part[1:]
        # a bigram is two consecutive words of one text
        both = (first >= 0) & (second >= 0) & (word_of[:-1] == word_of[1:])
        bigram_codes = first[both] * self.n_parts + second[both]
        clusters = self.cluster[rows] if self.cluster_of else np.zeros(0, dtype=np.int64)
        has = clusters >= 0
        return word_of, word_features, word_of[:-1][both], bigram_codes, word_of[has], clusters[has]

    def _native_words(self, cuts: list[list[str]], by_breaks: bool) -> tuple:
        """:meth:`_words` by the native kernels (native/src/rows.rs): each new token resolved here
        once, as :meth:`_add` resolves it, then all tokens in one native call."""
        from nlp.segment import is_word

        table = self.native_rows
        assert table is not None and NATIVE is not None  # called only with the native kernels
        if len(table) > self.MAX_WORDS:
            table = self.native_rows = NATIVE.WordRows()
        found = table.indices(cuts, by_breaks, self.n_parts)
        if isinstance(found, list):  # tokens new to the table
            word = [is_word(t) for t in found]
            forms = [_DIGITS.sub("0", t) if w else "" for t, w in zip(found, word)]
            table.add(
                found,
                word,
                [self.words.get(f, -1) if w else -1 for f, w in zip(forms, word)],
                [self.parts.get(f, -1) if w else -1 for f, w in zip(forms, word)],
                [self.cluster_of.get(f, -1) if w else -1 for f, w in zip(forms, word)],
            )
            found = table.indices(cuts, by_breaks, self.n_parts)
        return tuple(np.frombuffer(a, dtype=np.int64) for a in found)

    def _char_features(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text number, feature index or -1) of every pair of adjacent CJK characters of each text."""
        if self._char_table is not None:
            try:
                owner, value = self._char_table.cjk_pairs(texts, _CJK_LO, _CJK_HI, _CJK_SPAN)
                return np.frombuffer(owner, dtype=np.int64), np.frombuffer(value, dtype=np.int64)
            except ValueError:  # a lone surrogate: numpy takes it
                pass
        # the texts joined by a non-CJK separator, so that no character pair spans two of them
        cp = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        char_of = np.repeat(np.arange(len(texts), dtype=np.int64), [len(t) + 1 for t in texts])[: cp.size]
        cjk = (cp >= _CJK_LO) & (cp <= _CJK_HI)
        pair = cjk[:-1] & cjk[1:]
        chars = _lookup(
            self.char_keys, self.char_values, (cp[:-1][pair] - _CJK_LO) * _CJK_SPAN + (cp[1:][pair] - _CJK_LO)
        )
        return char_of[:-1][pair], chars


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
        #: word -> cluster id, when the model was trained with cluster features (nlp.word_clusters)
        self.word_clusters: dict[str, int] = dict(data.get("word_clusters", {}))
        # one dictionary per feature kind, keyed without the kind prefix, so that
        # vectorize() looks features up without building prefixed strings
        self._by_kind: dict[str, dict[str, int]] = {"w": {}, "b": {}, "c": {}, "r": {}, "k": {}}
        for f, i in self.vocab.items():
            kind, _, key = f.partition(":")
            self._by_kind.setdefault(kind, {})[key] = i
        self._coef_t = np.ascontiguousarray(self.coef.T)  # labels x features: one gather per label row
        self._codes = _CodeTables(self._by_kind, self.word_clusters)

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

        Same features as :func:`extract_features` (a test checks it), but
        looked up as integer codes (:class:`_CodeTables`) and counted with numpy."""
        if not normalized:
            text = normalize(text)
        if rule_hits is None:
            from nlp.themes import get_rule_tagger

            rule_hits = get_rule_tagger().score_paragraph(text, normalized=True)
        return self.vectorize_many([text], [rule_hits])[0]

    def vectorize_many(self, texts: list[str], rule_hits: list, tokens_of: list | None = None) -> list[tuple]:
        """:meth:`vectorize` of many normalized texts with their rule hits, in one numpy pass:
        per paragraph, only the norm is computed alone (numpy's per-call cost was most of
        the tagging time of ingest). The vectors are those :meth:`vectorize` gives one by one.
        ``tokens_of``: per text, the words of ``text.lower()`` as ``nlp.segment.cut`` gives them, or None."""
        n_feat = self.idf.size
        owner, idx = self._codes.indices([t.lower() for t in texts], tokens_of)
        rv = self._by_kind["r"]
        rules = [
            (i, rv.get(h.id, -1))
            for i, hits in enumerate(rule_hits)
            for h in hits or ()
            for _ in range(int(round(4 * h.confidence)))
        ]
        if rules:
            owner = np.concatenate((owner, np.asarray([i for i, _ in rules], dtype=np.int64)))
            idx = np.concatenate((idx, np.asarray([f for _, f in rules], dtype=np.int64)))
        keep = idx >= 0
        keys, counts = np.unique(owner[keep] * n_feat + idx[keep], return_counts=True)
        feature = keys % n_feat
        weight = (1.0 + np.log(counts)) * self.idf[feature]
        bounds = np.searchsorted(keys // n_feat, np.arange(len(texts) + 1)).tolist()
        # each paragraph's norm by its own dot product (the same BLAS call on the same values as one
        # by one), then one division of all weights: a paragraph's vector is a view of the batch's
        spans = list(zip(bounds, bounds[1:]))
        norms = []
        for lo, hi in spans:
            w = weight[lo:hi]
            norms.append(math.sqrt(w @ w) if lo < hi else 1.0)
        divisor = np.asarray(norms, dtype=np.float64)
        divisor[divisor == 0.0] = 1.0  # an all-zero vector stays as it is (x / 1.0 is x)
        weight /= np.repeat(divisor, np.diff(bounds))
        return [(feature[lo:hi], weight[lo:hi]) if lo < hi else (None, None) for lo, hi in spans]

    def predict_vector(self, vector) -> dict[str, float]:
        idx, w = vector
        if idx is None:
            z = self.intercept
        else:
            z = self._coef_t[:, idx] @ w + self.intercept
        p = 1.0 / (1.0 + np.exp(-z))
        return dict(zip(self.labels, p.tolist()))

    def predict_vectors(self, vectors: list) -> list[dict[str, float]]:
        """:meth:`predict_vector` of each vector: the products one by one (the same BLAS call each), the
        intercept and the logistic function in one numpy pass over all of them (elementwise: the same values)."""
        if not vectors:
            return []
        zero = np.zeros(self.intercept.size)
        # one gather of the coefficient columns of all vectors; numpy lays ``coef_t[:, idx]`` out
        # feature-major, and so each vector's columns of the batch are the same matrix layout and
        # values, given to the same BLAS product (tests/test_themes.py checks the equality)
        present = [idx for idx, _ in vectors if idx is not None]
        if not present:
            z = np.array([zero for _ in vectors])
        else:
            gathered = self._coef_t[:, np.concatenate(present)]
            rows = []
            lo = 0
            for idx, w in vectors:
                if idx is None:
                    rows.append(zero)
                    continue
                hi = lo + idx.size
                rows.append(gathered[:, lo:hi] @ w)
                lo = hi
            z = np.array(rows)
        z += self.intercept  # 0.0 + intercept is the intercept (exp of -0.0 and of 0.0 is 1)
        p = 1.0 / (1.0 + np.exp(-z))
        labels = self.labels
        return [dict(zip(labels, row)) for row in p.tolist()]

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
def _fit(
    texts_feats: list[list[str]],
    y: np.ndarray,
    C: float = 8.0,
    min_df: int = 2,
    cluster_weight: float = 1.0,
    sample_weight: np.ndarray | None = None,
):
    from sklearn.base import clone
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    vec = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True, min_df=min_df, norm="l2")
    X = vec.fit_transform(texts_feats)
    if cluster_weight != 1.0:
        # the cluster features' idf scaled: their weight against the others before the l2 norm
        scale = np.ones(len(vec.vocabulary_))
        for f, i in vec.vocabulary_.items():
            if f.startswith("k:"):
                scale[i] = cluster_weight
        vec.idf_ = vec.idf_ * scale
        X = vec.transform(texts_feats)
    base = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", random_state=0, max_iter=1000)
    if sample_weight is None:
        clf = OneVsRestClassifier(base)
        clf.fit(X, y)
        return vec, clf
    # per-example weights (the TF-IDF is fitted unweighted): one binary model per column, as one-vs-rest fits
    return vec, _Estimators([clone(base).fit(X, y[:, j], sample_weight=sample_weight) for j in range(y.shape[1])])


class _Estimators:
    """The fitted binary models of :func:`_fit` with example weights (``estimators_`` as one-vs-rest has)."""

    def __init__(self, estimators: list):
        self.estimators_ = estimators


def label_matrix(labels: list[tuple[str, ...]], classes=THEME_IDS) -> np.ndarray:
    y = np.zeros((len(labels), len(classes)), dtype=np.int64)
    for i, ls in enumerate(labels):
        for lab in ls:
            y[i, classes.index(lab)] = 1
    return y


def train_model(texts: list[str], labels: list[tuple[str, ...]], C: float = 8.0, min_df: int = 2) -> dict:
    """Train on paragraphs and return the exportable model dict."""
    return train_from_features([extract_features(t) for t in texts], labels, C=C, min_df=min_df)


def train_from_features(
    feats: list[list[str]],
    labels: list[tuple[str, ...]],
    C: float = 8.0,
    min_df: int = 2,
    clusters: dict[str, int] | None = None,
    cluster_weight: float = 1.0,
    sample_weight: list[float] | None = None,
) -> dict:
    """:func:`train_model` on already extracted features (evaluation extracts them once).

    ``clusters``: the word -> cluster map the features were extracted with (their ``k:`` features);
    the model file carries it, for the words whose cluster feature is in the vocabulary.
    ``sample_weight``: a weight per example in the classifier's loss (None: all 1, the served recipe)."""
    y = label_matrix(labels)
    # a class with no positive example cannot be fitted: give it a constant
    present = [j for j in range(y.shape[1]) if 0 < y[:, j].sum() < len(y)]
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    vec, clf = _fit(feats, y[:, present], C=C, min_df=min_df, cluster_weight=cluster_weight, sample_weight=weights)
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    n_feat = len(vocab)
    coef = np.zeros((n_feat, len(THEME_IDS)))
    intercept = np.full(len(THEME_IDS), -10.0)
    for k, j in enumerate(present):
        est = clf.estimators_[k]
        coef[:, j] = est.coef_.ravel()
        intercept[j] = float(est.intercept_[0])
    data = {
        "feature_version": FEATURE_VERSION,
        "labels": list(THEME_IDS),
        "features": vocab,
        "idf": [round(float(v), 5) for v in vec.idf_],
        "coef": [round(float(v), 5) for v in coef.ravel()],
        "intercept": [round(float(v), 5) for v in intercept],
        "meta": {"examples": len(feats), "C": C, "min_df": min_df},
    }
    kept = {f[2:] for f in vocab if f.startswith("k:")}
    if clusters and kept:
        data["word_clusters"] = {w: c for w, c in sorted(clusters.items()) if str(c) in kept}
    return data


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
    from govtext.settings import config_file

    return config_file(MODEL_FILE, config_dir)


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
