"""Combining rule hits and model probabilities into one paragraph tag list.

Policy (chosen by leaving one label file out, ``nlp.evaluate --split files``,
see the README): the combined score of a theme is the noisy-OR
``1 - (1 - rule) * (1 - model)`` of the rule confidence and the model
probability, and a theme is tagged when that score reaches the theme's
threshold (the model's file can carry one per theme; :data:`COMBINED_THRESHOLD`
otherwise). So a rule hit of confidence 0.6 or more tags alone, a weaker one
(0.5-0.6, a bare threshold hit) needs the model to give the theme some
probability (0.2 at a rule confidence of 0.5), and a confident model catches
paraphrases with no taxonomy term. Until session i16t any rule hit of
confidence 0.5 tagged whatever the model said; scored on label files with the
rules as they were before those files were read, that let through the weak rule
hits the model doubted. Without a model the rules tag at 0.5, as before.
Since session i16ax a model probability of :data:`MODEL_THRESHOLD` (0.5) tags alone too
(:func:`tagged`): on the web-page files the model's 0.5-0.6 band without a rule hit held
paraphrases the noisy-OR at 0.6 dropped (``nlp.combine_eval``: +0.0075 mean macro-F1 over 16
site-set figures, -0.0006 leaving one shared file out; README, theme section).
The model sees the rule evidence among its features, so its probability
already weighs what the rules found. Evidence is always the rule terms that
fired; when the model contributed, the words that pushed it are listed under
``model_evidence``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import numpy as np

# scores: one float, or arrays of them (nlp/evaluate.py)
Score = TypeVar("Score", float, "np.ndarray")

COMBINED_THRESHOLD = 0.6
#: a model probability that tags whatever the rules say (session i16ax)
MODEL_THRESHOLD = 0.5


def noisy_or(rule: Score, model: Score) -> Score:
    return 1.0 - (1.0 - rule) * (1.0 - model)


def tagged(rule: Score, model: Score, threshold: float = COMBINED_THRESHOLD) -> Score:
    """The served decision: the noisy-OR reaches ``threshold``, or the model alone reaches :data:`MODEL_THRESHOLD`."""
    return (noisy_or(rule, model) >= threshold) | (model >= MODEL_THRESHOLD)


def combine(
    rule_hits: list,  # list[ThemeHit] for every theme with a positive rule score
    model_probs: dict[str, float] | None,
    names: dict[str, str],
    threshold: float = COMBINED_THRESHOLD,
    rule_threshold: float = 0.5,  # without a model
    thresholds: dict[str, float] | None = None,
) -> list[dict]:
    """Tags of one paragraph, best first: ``{"id","name","score","evidence","rule_score","model_score"}``."""
    rules = {h.id: h for h in rule_hits}
    out = []
    ids = set(rules) | ({k for k, v in model_probs.items() if v >= 0.05} if model_probs else set())
    for tid in ids:
        hit = rules.get(tid)
        r = hit.confidence if hit else 0.0
        if model_probs is None:
            score, is_tagged = r, r >= rule_threshold
        else:
            m = model_probs.get(tid, 0.0)
            score = noisy_or(r, m)
            is_tagged = bool(tagged(r, m, (thresholds or {}).get(tid, threshold)))
        if not is_tagged:
            continue
        tag: dict = {
            "id": tid,
            "name": names.get(tid, tid),
            "score": round(score, 4),
            "evidence": list(hit.evidence) if hit else [],
            "rule_score": round(r, 4),
        }
        if model_probs is not None:
            tag["model_score"] = round(model_probs.get(tid, 0.0), 4)
        out.append(tag)
    out.sort(key=lambda t: (-t["score"], t["id"]))
    return out
