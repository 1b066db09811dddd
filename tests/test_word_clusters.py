"""The word clusters of the theme model (nlp.word_clusters, issue 16 item 3)."""

from __future__ import annotations

import gzip
import hashlib
import json

import numpy as np
import pytest

from nlp import word_clusters
from nlp.labels import labels_available
from nlp.model import ThemeModel, extract_features, get_model, train_from_features
from nlp.textnorm import normalize

needs_shared = pytest.mark.skipif(not labels_available(), reason="shared corpus folder not available")


def test_committed_clusters_match_their_recorded_digest():
    """index_config/word_clusters.json.gz is the file nlp.word_clusters built (CLUSTERS_SHA256), with its
    recorded parameters the module's defaults."""
    path = word_clusters.default_path()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == word_clusters.CLUSTERS_SHA256
    meta = word_clusters.load(path)["meta"]
    assert (meta["k"], meta["dim"], meta["window"], meta["min_count"], meta["max_vocab"], meta["seed"]) == (
        word_clusters.K,
        word_clusters.DIM,
        word_clusters.WINDOW,
        word_clusters.MIN_COUNT,
        word_clusters.MAX_VOCAB,
        word_clusters.SEED,
    )
    assert sorted(meta["corpus"]) == ["laws.jsonl", "reports.jsonl"]


@needs_shared
def test_committed_clusters_were_built_from_this_corpus():
    meta = word_clusters.load()["meta"]
    for path in word_clusters.corpus_files():
        assert meta["corpus"][path.name] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_served_model_carries_the_committed_clusters():
    """The model file embeds the cluster map it was trained with (every word whose cluster is a feature)."""
    model = get_model()
    assert model.meta["clusters_sha256"] == word_clusters.CLUSTERS_SHA256
    clusters = word_clusters.load()["clusters"]
    assert model.word_clusters and all(clusters[w] == c for w, c in model.word_clusters.items())
    kinds = {f.partition(":")[0] for f in model.vocab}
    assert "k" in kinds


def test_cluster_features_in_the_fast_vectorizer():
    """A toy model with cluster features: the numpy vectorizer gives the vector of extract_features, and a word
    no training paragraph held gets the weight of its cluster."""
    clusters = {"疫情": 3, "检疫": 3, "网格员": 7}
    texts = ["做好疫情防控工作。", "疫情防控常态化。", "配齐专职网格员。", "网格员入户走访。"]
    labels = [("risk_prevention",), ("risk_prevention",), ("grid_management",), ("grid_management",)]
    feats = [extract_features(normalize(t), normalized=True, rule_hits=[], clusters=clusters) for t in texts]
    assert "k:3" in feats[0] and "k:7" in feats[2]
    model = ThemeModel(train_from_features(feats, labels, C=8.0, min_df=1, clusters=clusters))
    assert model.word_clusters == clusters
    for text in texts + ["加强检疫工作。", "无关的句子。"]:
        t = normalize(text)
        a_idx, a_w = model._vector(extract_features(t, normalized=True, rule_hits=[], clusters=clusters))
        b_idx, b_w = model.vectorize_many([t], [[]])[0]
        if a_idx is None:
            assert b_idx is None
            continue
        order = a_idx.argsort()
        assert (a_idx[order] == b_idx).all()
        np.testing.assert_allclose(a_w[order], b_w, atol=1e-12)
    unseen = model.predict_vector(model.vectorize_many([normalize("加强检疫工作。")], [[]])[0])
    assert unseen["risk_prevention"] > unseen["grid_management"]


def test_cluster_weight_scales_only_the_cluster_features():
    clusters = {"疫情": 3}
    texts = ["做好疫情防控工作。", "全面推行网格化管理。"]
    feats = [extract_features(normalize(t), normalized=True, rule_hits=[], clusters=clusters) for t in texts]
    labels = [("risk_prevention",), ("grid_management",)]
    one = train_from_features(feats, labels, min_df=1, clusters=clusters)
    two = train_from_features(feats, labels, min_df=1, clusters=clusters, cluster_weight=2.0)
    for f, a, b in zip(one["features"], one["idf"], two["idf"]):
        assert b == pytest.approx(2 * a if f.startswith("k:") else a, abs=1e-4)


@needs_shared
@pytest.mark.slow
def test_rebuilding_reproduces_the_committed_clusters(tmp_path):
    """``python -m nlp.word_clusters`` from the corpus gives the committed map (the SVD's and k-means'
    floating point may differ on another machine; on the one that built it, the same file)."""
    out = tmp_path / "clusters.json.gz"
    assert word_clusters.main(["--out", str(out)]) == 0
    fresh = json.loads(gzip.decompress(out.read_bytes()))
    assert fresh == word_clusters.load()


def test_evaluation_datasets_carry_the_cluster_features():
    """nlp.evaluate's datasets (and their copies with older rules) extract the cluster features they were given,
    not only the served model's training."""
    from nlp.evaluate import Dataset, with_rules_of
    from nlp.labels import Example
    from nlp.themes import get_rule_tagger

    clusters = {"疫情": 3, "防控": 3}
    rows = [
        Example("laws", "x", 0, "做好疫情防控工作。", ("risk_prevention",), "law", "全国"),
        Example("laws", "y", 0, "配齐专职网格员。", ("grid_management",), "law", "全国"),
    ]
    ds = Dataset(rows, clusters=clusters)
    assert ds.feats[0].count("k:3") == 2 and not any(f.startswith("k:") for f in ds.feats[1])
    assert with_rules_of(ds, [0], get_rule_tagger()).feats[0].count("k:3") == 2
    assert not any(f.startswith("k:") for f in Dataset(rows).feats[0])
