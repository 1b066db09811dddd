"""nlp.site_thresholds: the per-theme threshold fit and the decision rule (session i16bc)."""

import numpy as np

from nlp.combine import COMBINED_THRESHOLD, MODEL_THRESHOLD
from nlp.site_thresholds import decide, fit, tag
from nlp.taxonomy import THEME_IDS


def test_fit_moves_a_theme_towards_its_best_pair_and_shrinks_halfway():
    n, k = 40, len(THEME_IDS)
    rule, model, gold = np.zeros((n, k)), np.zeros((n, k)), np.zeros((n, k), dtype=int)
    # theme 0: positives at model 0.4 (missed by 0.5), negatives at 0.2: best m in 0.25..0.4 -> the nearest 0.4
    gold[:10, 0] = 1
    model[:10, 0] = 0.4
    model[10:, 0] = 0.2
    c, m = fit(rule, model, gold, "model_per_theme")
    assert c[0] == COMBINED_THRESHOLD
    assert m[0] == 0.5 * 0.4 + 0.5 * MODEL_THRESHOLD
    # themes with fewer than 5 positives keep the served pair
    assert (m[1:] == MODEL_THRESHOLD).all() and (c == COMBINED_THRESHOLD).all()
    model[:10, 0] = 0.46  # tagged at the shrunk 0.45, not at the served 0.5
    assert tag(rule, model, c, m)[:10, 0].all() and not tag(rule, model, c, m)[10:, 0].any()


def test_fit_both_can_raise_the_noisy_or_threshold_against_weak_rule_hits():
    n, k = 40, len(THEME_IDS)
    rule, model, gold = np.zeros((n, k)), np.zeros((n, k)), np.zeros((n, k), dtype=int)
    gold[:10, 2] = 1
    rule[:10, 2] = 0.8
    rule[10:20, 2] = 0.62  # false rule hits the served 0.6 lets through
    c, m = fit(rule, model, gold, "both_per_theme")
    assert c[2] > COMBINED_THRESHOLD and m[2] == MODEL_THRESHOLD


def test_decide_needs_the_site_gain_and_the_shared_files_kept():
    rep: dict = {
        "sets": {"a": {"first": {"served": 0.6, "model_per_theme": 0.62, "both_per_theme": 0.605}}},
        "files": {"f": {"served": 0.8, "model_per_theme": 0.798, "both_per_theme": 0.8}},
    }
    assert decide(rep)["chosen"] == "model_per_theme"
    rep["files"]["f"]["model_per_theme"] = 0.79
    assert decide(rep)["chosen"] is None
