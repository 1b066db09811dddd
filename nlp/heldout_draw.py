"""The drawing procedure shared by the held-out label sets (:mod:`nlp.draw_heldout3` to
:mod:`nlp.draw_heldout6`): each set names its word searches, random draws and seed.

Only documents that none of ``used_files`` uses are drawn from, nor another version of
one of them (same title once brackets and spaces are removed); a paragraph that is a
verbatim copy of a paragraph of a used document or of the 范文 seed page is skipped.
Paragraphs of 15-300 characters, shuffled with the seed; each draw takes at most
``PER_DOC`` paragraphs per document. No tagger, model or rule matcher is run.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from pathlib import Path

from ingest.text import split_paragraphs
from nlp.label_candidates import candidate_row
from nlp.labels import read_label_rows, register_of, shared_dir

PER_DOC = 2
#: (name, pattern, how many, pattern that excludes a paragraph or "")
Draw = tuple[str, str, int, str]


def _title_key(title: str) -> str:
    return re.sub(r"[\s（）()〔〕\[\]【】《》<>]", "", title or "")


def draw_set(
    out: str | Path,
    seed: int,
    used_files: Sequence[Path],
    first: Sequence[Draw],
    randoms: Sequence[tuple[str, set[str] | None, int]],
    later: Sequence[Sequence[Draw]] = (),
) -> int:
    """Write the candidates to ``out``: the word searches ``first``, then ``randoms``
    (name, registers or None for every register but law, count), then each round of
    ``later`` (later rounds only add: earlier rounds' rows are the same without them)."""
    rng = random.Random(seed)
    base = shared_dir()
    used_docs = {row["doc_id"] for path in used_files for row in read_label_rows(path)}
    docs = []
    for source in ("laws", "reports"):
        with open(base / "corpus" / f"{source}.jsonl", encoding="utf-8") as fh:
            for line in fh:
                docs.append((source, json.loads(line)))
    used_titles = {_title_key(d.get("title", "")) for _, d in docs if d["id"] in used_docs}
    seen_texts: set[str] = set()
    for path in sorted((base / "seeds").glob("*.txt")):
        seen_texts.update(split_paragraphs(path.read_text(encoding="utf-8")))
    pool: list[tuple[str, str, int, str, str, str]] = []  # (source, doc_id, index, text, register, group)
    for source, doc in docs:
        paras = split_paragraphs(doc.get("text", ""))
        if doc["id"] in used_docs or _title_key(doc.get("title", "")) in used_titles:
            if doc["id"] in used_docs:
                seen_texts.update(paras)
            continue
        register, group = register_of(source, doc)
        pool.extend((source, doc["id"], i, p, register, group) for i, p in enumerate(paras) if 15 <= len(p) <= 300)
    rng.shuffle(pool)
    chosen: dict[tuple, dict] = {}

    def take(item: tuple, why: str, per_doc: dict[str, int]) -> bool:
        source, doc_id, i, p = item[:4]
        if p in seen_texts or per_doc.get(doc_id, 0) >= PER_DOC:
            return False
        seen_texts.add(p)
        per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
        chosen[(source, doc_id, i)] = candidate_row(item, why)
        return True

    def draw(draws: Sequence[Draw]) -> None:
        for name, pattern, count, exclude in draws:
            rx, ex = re.compile(pattern), re.compile(exclude) if exclude else None
            per_doc: dict[str, int] = {}
            n = 0
            for item in pool:
                if n >= count:
                    break
                if rx.search(item[3]) and not (ex and ex.search(item[3])) and take(item, name, per_doc):
                    n += 1

    draw(first)
    for name, registers, count in randoms:
        per_doc_r: dict[str, int] = {}
        n = 0
        for item in pool:
            if n >= count:
                break
            if (registers is None and item[4] != "law" or registers and item[4] in registers) and take(
                item, name, per_doc_r
            ):
                n += 1
    for round_ in later:
        draw(round_)
    with open(out, "w", encoding="utf-8") as fh:
        for row in chosen.values():
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(chosen)} candidates from {len({k[1] for k in chosen})} documents -> {out}")
    return 0


def command(
    argv: Sequence[str] | None,
    prog: str,
    seed: int,
    used_files: Sequence[Path],
    first: Sequence[Draw],
    randoms: Sequence[tuple[str, set[str] | None, int]],
    later: Sequence[Sequence[Draw]] = (),
) -> int:
    """``python -m PROG OUT.jsonl [--seed N]``: one held-out set's draw (:func:`draw_set`) from the command line."""
    import argparse

    ap = argparse.ArgumentParser(prog=prog)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=seed)
    args = ap.parse_args(argv)
    return draw_set(args.out, args.seed, used_files, first, randoms, later=later)
