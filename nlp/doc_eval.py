"""Document-level themes: the aggregation rule measured, old against new.

    .venv/bin/python -m nlp.doc_eval [--json]

Two measurements, both with the paragraph tags of the *rules only* (they are
not trained on the labels, so labelled documents are held-out data for them;
the aggregation rule is what is compared):

* **labelled documents**: every shared document with at least one labelled
  paragraph. A labelled paragraph carrying theme T is a passage about T (by
  the labelling guide), so the document should carry T: the share of such
  (document, theme) pairs each rule keeps is the document-level recall.
  Documents whose labelled paragraphs carry no theme at all are reported too:
  the themes the rules add to them are candidates for false positives (their
  unlabelled paragraphs may still be about a theme).
* **facet counts**: over the whole shared corpus (laws, reports, the 范文
  page), how many documents get each theme under each rule, next to how many
  documents contain the theme's signature phrase (枫桥经验, 网格化管理 …).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict

from nlp.label_candidates import iter_documents
from nlp.labels import labels_available, read_label_rows, shared_dir
from nlp.taxonomy import THEME_IDS, get_taxonomy
from nlp.textnorm import normalize
from nlp.themes import aggregate_document, get_rule_tagger

SIGNATURES = {
    "fengqiao": "枫桥经验",
    "grid_management": "网格化管理",
    "psychological_services": "心理服务",
    "dispute_resolution": "人民调解",
    "smart_governance": "雪亮工程",
    "support_guarantee": "经费保障",
}


VARIANTS = {"old": (False, 0.0), "any passage": (True, 0.5), "passage>=0.6": (True, 0.6), "passage>=0.7": (True, 0.7)}


def doc_themes(paragraphs: list[str], title: str, tagger, taxonomy) -> dict[str, set[str]]:
    para_tags = []
    for p in paragraphs:
        hits = tagger.score_paragraph(normalize(p[:5000]), normalized=True)
        para_tags.append(
            [{"id": h.id, "score": h.confidence, "evidence": h.evidence} for h in hits if h.confidence >= 0.5]
        )
    title_tags = (
        [
            {"id": h.id, "score": h.confidence, "evidence": h.evidence}
            for h in tagger.score_paragraph(normalize(title), normalized=True)
            if h.confidence >= 0.5
        ]
        if title
        else []
    )
    lengths = [len(p) for p in paragraphs]
    return {
        name: {
            t["id"]
            for t in aggregate_document(
                para_tags, lengths, title_tags, taxonomy, single_passage=single, passage_min_score=score
            )
        }
        for name, (single, score) in VARIANTS.items()
    }


def run() -> dict:
    tagger, taxonomy = get_rule_tagger(), get_taxonomy()
    gold: dict[tuple[str, str], set[str]] = defaultdict(set)
    labelled_docs: set[tuple[str, str]] = set()
    for row in read_label_rows():
        key = (row["source"], row["doc_id"])
        labelled_docs.add(key)
        gold[key].update(row["labels"])
    recall: dict[str, Counter] = {name: Counter() for name in VARIANTS}
    added_to_negative_docs = {name: 0 for name in VARIANTS}
    pairs = 0
    facets: dict[str, Counter] = {name: Counter() for name in VARIANTS}
    signature_docs: Counter = Counter()
    docs = 0
    for source, doc, paragraphs in iter_documents(shared_dir()):
        docs += 1
        text = "\n".join(paragraphs)
        for tid, phrase in SIGNATURES.items():
            if phrase in normalize(text):
                signature_docs[tid] += 1
        title = doc.get("title") or ""
        got = doc_themes(paragraphs, title, tagger, taxonomy)
        for name, themes in got.items():
            facets[name].update(themes)
        key = (source, doc["id"])
        if key in labelled_docs:
            if gold[key]:
                pairs += len(gold[key])
                for name, themes in got.items():
                    recall[name].update({"kept": len(gold[key] & themes)})
            else:
                for name, themes in got.items():
                    added_to_negative_docs[name] += len(themes)
    return {
        "documents": docs,
        "labelled_documents": len(labelled_docs),
        "labelled_pairs": pairs,
        "recall": {k: round(v["kept"] / pairs, 3) if pairs else 0.0 for k, v in recall.items()},
        "themes_on_negative_labelled_docs": added_to_negative_docs,
        "facets": {name: {t: facets[name][t] for t in THEME_IDS} for name in facets},
        "signature_docs": dict(signature_docs),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nlp.doc_eval")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not labels_available():
        print("error: the shared folder is not available (set GOVTEXT_SHARED)")
        return 2
    r = run()
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=1))
        return 0
    print(
        f"{r['documents']} documents; {r['labelled_documents']} with labelled paragraphs "
        f"({r['labelled_pairs']} document-theme pairs implied by the labels)"
    )
    print(f"{'rule':14} {'recall of labelled pairs':>24} {'themes on no-theme labelled docs':>34}")
    for name in VARIANTS:
        print(f"{name:14} {r['recall'][name]:24.3f} {r['themes_on_negative_labelled_docs'][name]:34}")
    print(
        f"\nfacet counts (documents per theme)\n{'theme':24} "
        + " ".join(f"{n:>13}" for n in VARIANTS)
        + "  documents containing"
    )
    for t in THEME_IDS:
        sig = SIGNATURES.get(t)
        extra = f"{r['signature_docs'].get(t, 0):5}  {sig}" if sig else ""
        print(f"{t:24} " + " ".join(f"{r['facets'][n][t]:13}" for n in VARIANTS) + f"  {extra}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
