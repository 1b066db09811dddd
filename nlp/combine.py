"""Combining rule hits and model probabilities into one paragraph tag list.

Policy (chosen held out by source in ``nlp/evaluate.py``, see its table):
the combined score of a theme is the noisy-OR ``1 - (1 - rule) * (1 - model)``
of the rule confidence and the model probability. A theme is tagged when the
rule confidence reaches 0.5 (the rules are never vetoed: across sources the
model is less reliable than they are) or when the combined score reaches the
theme's threshold (the model's file carries one per theme, fitted on training
folds; :data:`COMBINED_THRESHOLD` otherwise), so a confident model catches
paraphrases with no taxonomy term and a weak rule hit needs the model to agree.
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


def noisy_or(rule: Score, model: Score) -> Score:
    return 1.0 - (1.0 - rule) * (1.0 - model)


def combine(
    rule_hits: list,  # list[ThemeHit] for every theme with a positive rule score
    model_probs: dict[str, float] | None,
    names: dict[str, str],
    threshold: float = COMBINED_THRESHOLD,
    rule_threshold: float = 0.5,
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
            score, tagged = r, r >= rule_threshold
        else:
            m = model_probs.get(tid, 0.0)
            score = noisy_or(r, m)
            tagged = r >= rule_threshold or score >= (thresholds or {}).get(tid, threshold)
        if not tagged:
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
