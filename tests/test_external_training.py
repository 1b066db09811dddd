"""Session i16af (issue 16): the eighth and ninth site sets, adjudicated, train the served model.

Their text is not in the repository: the label files reference pages of public repositories, read from
their snapshots (``../.mirror/<owner>+<name>/repo``) by :mod:`nlp.external_docs`. The tests that read
the paragraphs skip, naming the missing snapshots, where they are absent (CI); the rest runs anywhere.
"""

from __future__ import annotations

import pytest

from nlp import external_docs
from nlp.labels import (
    EXTERNAL_TRAINING_FILES,
    HELDOUT8_ADJUDICATED_FILE,
    HELDOUT8_FILE,
    HELDOUT9_ADJUDICATED_FILE,
    HELDOUT9_FILE,
    HELDOUT10_ADJUDICATED_FILE,
    HELDOUT10_FILE,
    HELDOUT11_ADJUDICATED_FILE,
    HELDOUT11_FILE,
    SHARED_TRAINING_FILES,
    TRAINING_FILES,
    labels_available,
    missing_snapshots,
    read_label_rows,
)

MISSING = missing_snapshots()
needs_sites = pytest.mark.skipif(
    bool(MISSING) or not labels_available(), reason=f"site snapshots {MISSING} or ../shared missing"
)


def test_the_site_sets_train_after_the_shared_files():
    assert TRAINING_FILES == SHARED_TRAINING_FILES + EXTERNAL_TRAINING_FILES
    # the tenth set (adjudicated) joined the eighth and ninth in session i16ak, the eleventh in i16an
    assert EXTERNAL_TRAINING_FILES == (
        HELDOUT8_ADJUDICATED_FILE,
        HELDOUT9_ADJUDICATED_FILE,
        HELDOUT10_ADJUDICATED_FILE,
        HELDOUT11_ADJUDICATED_FILE,
    )
    # references only: every row names a repository, commit, path and the paragraph's sha1
    for path in EXTERNAL_TRAINING_FILES:
        assert all(r["source"] == "github" and len(r["sha1"]) == 40 for r in read_label_rows(path))
    assert len({r["repo"] for p in EXTERNAL_TRAINING_FILES[:2] for r in read_label_rows(p)}) == 16
    # 69 snapshots in all: the eighth's and ninth's 16, the tenth's 10, the eleventh's 43
    assert len({r["repo"] for p in EXTERNAL_TRAINING_FILES for r in read_label_rows(p)}) == 69


def test_missing_snapshots_are_named_and_training_stops(tmp_path, monkeypatch):
    from nlp import train

    monkeypatch.setattr(external_docs, "_CHECKOUTS", {})  # the checkouts set here stay in this test
    repo = read_label_rows(HELDOUT9_ADJUDICATED_FILE)[0]["repo"]
    out = tmp_path / "model.json.gz"
    assert train.main(["--out", str(out), "--checkout", f"{repo}={tmp_path / 'absent'}"]) == 2
    assert repo in missing_snapshots() and not out.exists()


def test_unit_example_weights_give_the_unweighted_model():
    from nlp.model import train_from_features

    feats = [["w:a", "w:b"], ["w:a", "w:c"], ["w:b", "w:c"], ["w:a", "w:d"], ["w:c", "w:d"], ["w:b", "w:d"]]
    labels = [("fengqiao",), (), ("fengqiao", "rule_of_law"), ("rule_of_law",), (), ("fengqiao",)]
    plain = train_from_features(feats, labels, C=4.0, min_df=1)
    ones = train_from_features(feats, labels, C=4.0, min_df=1, sample_weight=[1.0] * 6)
    heavy = train_from_features(feats, labels, C=4.0, min_df=1, sample_weight=[1, 1, 1, 1, 1, 3])
    assert plain == ones
    assert plain["features"] == heavy["features"] and plain["coef"] != heavy["coef"]


@needs_sites
@pytest.mark.parametrize(
    "first, adjudicated",
    [
        (HELDOUT8_FILE, HELDOUT8_ADJUDICATED_FILE),
        (HELDOUT9_FILE, HELDOUT9_ADJUDICATED_FILE),
        (HELDOUT10_FILE, HELDOUT10_ADJUDICATED_FILE),
        (HELDOUT11_FILE, HELDOUT11_ADJUDICATED_FILE),
    ],
)
def test_scoring_a_site_set_trains_without_any_reading_of_it(first, adjudicated):
    """``nlp.evaluate --split heldout8|heldout9|heldout10|heldout11`` (and their r2 / adj splits) train as the served
    model does but without the scored paragraphs: the adjudicated file in training is left out whole."""
    from nlp.evaluate import served_training_examples
    from nlp.labels import load_examples

    keys = {e.key for e in load_examples(first)}
    others = [p for p in EXTERNAL_TRAINING_FILES if p != adjudicated]
    for path in (first, adjudicated):
        train, left_out = served_training_examples(path, keys)
        assert left_out == (len(keys) if path == first else 0)
        assert not {e.key for e in train} & keys
        assert {e.key for p in others for e in load_examples(p)} <= {e.key for e in train}
        before, _ = served_training_examples(path, keys, external=False)
        assert len(before) == len(train) - sum(len(read_label_rows(p)) for p in others)


def test_the_report_says_when_the_scored_paragraphs_train_the_served_model():
    import numpy as np

    from nlp.evaluate import format_report, prf
    from nlp.taxonomy import THEME_IDS

    gold = np.zeros((6, len(THEME_IDS)), dtype=int)
    gold[:, 0] = 1
    held = {"file": "f", "train": 9, "test": 6, "negatives": 0, "min_support": 5}
    held["results"] = {"combined": prf(gold, gold, 5)}
    for left_out in (0, 6):
        text = format_report({"examples": 1, "negatives": 0, "registers": {}, "heldout": held | {"left_out": left_out}})
        assert ("the served model trains on these 6 paragraphs" in text) == bool(left_out)


def test_the_eleventh_measurement_adds_the_eleventh_set_last():
    """``nlp.external_eval --eleventh`` (session i16an): the four site sets, the one decided on last; ``--tenth``
    is the same measurement one set earlier."""
    from nlp.external_eval import SITE_SETS_ELEVENTH, SITE_SETS_TENTH

    assert SITE_SETS_ELEVENTH == (*SITE_SETS_TENTH, ("heldout11", HELDOUT11_ADJUDICATED_FILE, HELDOUT11_FILE))
    assert [adj for _, adj, _ in SITE_SETS_ELEVENTH] == list(EXTERNAL_TRAINING_FILES)
