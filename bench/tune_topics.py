"""Sweep ranking constants on the tuning splits of bench/data/topics.jsonl (never heldout4).

    .venv/bin/python bench/tune_topics.py [--splits tune,heldout,heldout2,heldout3] 'evidence.TOGETHER_WEIGHT=1.0,1.5,2.0' ['tantivy_index.TITLE_BOOST=2,3']

Each argument is ``module.NAME=v1,v2,…`` (a module of ``search``); every
combination is run over the chosen splits (default tune + heldout + heldout2,
all read while tuning; heldout3's known items may be added) with the cached
data folder of bench/eval_topics.py, and prints mean nDCG@10 and recall@10 per
split, and MRR@10 of the known-item queries of all. The constants are set on
the imported modules, so nothing is written. ``heldout4`` is the held-out
headline (bench/eval_topics.py) and is refused.
"""

from __future__ import annotations

import importlib
import itertools
import sys

from common import require_shared
from eval_topics import CACHE, K, QRELS, TOPICS, load_jsonl

SPLITS = ("tune", "heldout", "heldout2")  # heldout2 was read while tuning (issue 14)
TUNABLE = SPLITS + ("heldout3",)  # heldout3's known items too; never heldout4


def main() -> None:
    require_shared()
    from govtext.settings import load_settings
    from search import embedded, open_backend
    from search.backend import SearchRequest
    from search.graded_eval import mean, ndcg, recall, reciprocal_rank

    args = sys.argv[1:]
    splits = SPLITS
    if args[:1] == ["--splits"]:
        splits = tuple(args[1].split(","))
        args = args[2:]
        if not set(splits) <= set(TUNABLE):
            raise SystemExit(f"--splits: only {', '.join(TUNABLE)} may be tuned on (heldout4 is held out)")
    axes = []
    for arg in args:
        name, values = arg.split("=", 1)
        mod, const = name.rsplit(".", 1)
        axes.append((importlib.import_module(f"search.{mod}"), const, [float(v) for v in values.split(",")]))
    queries = [q for q in load_jsonl(TOPICS) if q["split"] in splits]
    qrels = {r["id"]: r["grades"] for r in load_jsonl(QRELS)}
    backend = open_backend(load_settings(data_dir=CACHE, analyze=False), writer=False)
    try:
        for combo in itertools.product(*[[(m, c, v) for v in vs] for m, c, vs in axes]):
            for mod, const, value in combo:
                value = int(value) if const in ("RERANK_WINDOW", "RERANK_MIN_WORDS") else value
                setattr(mod, const, value)
                if hasattr(embedded, const):  # names imported into the backend module
                    setattr(embedded, const, value)
            per: dict[str, list[tuple[float, float]]] = {s: [] for s in splits}
            known: list[float] = []
            for q in queries:
                resp = backend.search(SearchRequest(q=q["q"], limit=K, collapse=False, facets=False))
                ids = [h.id for h in resp.hits]
                if q["kind"] == "known_item":
                    known.append(reciprocal_rank(ids, qrels[q["id"]]))
                else:
                    per[q["split"]].append((ndcg(ids, qrels[q["id"]]), recall(ids, qrels[q["id"]])))
            label = " ".join(f"{c}={v:g}" for _, c, v in combo) or "(as committed)"
            cells = "  ".join(
                f"{s} nDCG {mean([a for a, _ in per[s]]):.3f} R {mean([b for _, b in per[s]]):.3f}"
                for s in splits
                if per[s]  # heldout3 has known items only
            )
            both = mean([a for s in splits for a, _ in per[s]])
            rec = mean([b for s in splits for _, b in per[s]])
            print(f"{label:<50} {cells}  all nDCG {both:.4f} R {rec:.4f}  known MRR {mean(known):.3f}", flush=True)
    finally:
        backend.close()


if __name__ == "__main__":
    main()
