"""Graded judgements for bench/data/topics.jsonl, from the documents alone.

    .venv/bin/python bench/judge_topics.py      # writes bench/data/topics_qrels.jsonl

The criteria were written down with the queries, before any system was run on
them, and look only at each document's title and original text (plain
substring tests, no tokenizer, no ranking):

* a topic query names a **core** concept (alternatives: any of them counts),
  **aspects** (groups of alternatives) and **title markers**;
* ``core_n``: occurrences of the core alternatives in title + text;
  ``best``: the largest number of groups (core + aspects) that occur together
  in one paragraph (one line of the text: an article or a clause);
* grade 2 (about the topic): a title marker in the title and the core in the
  document and every aspect somewhere in it; or ``core_n >= 3`` and one
  paragraph holding the core and every aspect;
* grade 1 (treats the topic): a title marker in the title; or ``core_n >= 2``
  and a paragraph holding the core with at least one aspect; or one paragraph
  holding every group; for a query without aspects, ``core_n >= 2``;
* grade 0 otherwise.

A known-item query's relevant documents are those whose title equals its
``target_title`` (every version of that title), grade 2.

Every document of the corpus is judged (no pooling), so recall is exact
under these criteria.
"""

from __future__ import annotations

import json
import sys

from common import LAWS, REPO, REPORTS, require_shared

TOPICS = REPO / "bench" / "data" / "topics.jsonl"
QRELS = REPO / "bench" / "data" / "topics_qrels.jsonl"


def load_corpus() -> list[dict]:
    docs = []
    for path in (LAWS, REPORTS):
        with open(path, encoding="utf-8") as fh:
            docs.extend(json.loads(line) for line in fh if line.strip())
    return docs


def grade(query: dict, doc: dict) -> int:
    title, text = doc.get("title", ""), doc.get("text", "")
    core, aspects = query["core"], query["aspects"]
    whole = title + "\n" + text
    core_n = sum(whole.count(c) for c in core)
    if core_n == 0:
        return 0
    groups = [core] + aspects
    best = 0
    for para in text.split("\n"):
        n = sum(1 for g in groups if any(w in para for w in g))
        best = max(best, n)
    all_aspects = all(any(w in whole for w in g) for g in aspects)
    title_hit = any(m in title for m in query["title"])
    if (title_hit and all_aspects) or (core_n >= 3 and best == len(groups)):
        return 2
    if not aspects:
        return 1 if core_n >= 2 else 0
    if title_hit or (core_n >= 2 and best >= 2) or best == len(groups):
        return 1
    return 0


def judge(queries: list[dict], docs: list[dict]) -> list[dict]:
    out = []
    for q in queries:
        if q["kind"] == "known_item":
            grades = {d["id"]: 2 for d in docs if d["title"] == q["target_title"]}
        else:
            grades = {d["id"]: g for d in docs if (g := grade(q, d)) > 0}
        out.append({"id": q["id"], "grades": grades})
    return out


def main() -> None:
    require_shared()
    queries = [json.loads(line) for line in TOPICS.read_text(encoding="utf-8").splitlines() if line.strip()]
    qrels = judge(queries, load_corpus())
    with QRELS.open("w", encoding="utf-8") as fh:
        for row in qrels:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    for q, row in zip(queries, qrels):
        g = list(row["grades"].values())
        print(f"{q['id']:<4} {q['split']:<8} 2:{g.count(2):>4} 1:{g.count(1):>4}  {q['q']}", file=sys.stderr)


if __name__ == "__main__":
    main()
