"""Find the labelled paragraphs touched by the guide's list-mention rule.

    .venv/bin/python -m nlp.list_mentions [LABELS.jsonl ...] [--min-chars 100]

The rule is in ``docs/labelling-guide.md`` ("List mentions"). In a long
paragraph a theme's cue words (the word queries of
:mod:`nlp.label_candidates`) that occur **only** as items of a *mixed*
enumeration (three or more items joined by 、, most of them not the theme's)
do not give the theme; an enumeration whose items are mostly the theme's
(人民调解、行政调解、司法调解) is about the theme. This module only finds
the paragraphs for the annotator, by words: it runs no tagger and reads no
model output. Every candidate is then read and relabelled by hand.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from nlp.enumerations import HOMOGENEOUS_SHARE, clauses, list_items
from nlp.label_candidates import QUERIES
from nlp.labels import HELDOUT_FILE, LABELS_FILE, load_examples
from nlp.taxonomy import THEME_IDS

#: paragraphs shorter than this are skipped (the rule holds at every length)
MIN_CHARS = 0


@dataclass(frozen=True)
class Mention:
    theme: str
    cue: str
    in_list: bool
    homogeneous: bool


def mentions(text: str, theme: str) -> list[Mention]:
    """Every cue-word match of ``theme`` in ``text``, with whether it sits in an enumeration.

    An enumeration is a clause of three or more items (A、B、C or A、B和C); it
    is homogeneous for the theme when at least half its items carry a cue word."""
    cue = re.compile(QUERIES[theme])
    out = []
    for _, clause in clauses(text):
        items = list_items(clause)
        is_list = len(items) >= 3
        share = sum(1 for it in items if cue.search(it)) / len(items) if is_list else 0.0
        for it in items if is_list else [clause]:
            for m in cue.finditer(it):
                out.append(Mention(theme, m.group(0), is_list, is_list and share >= HOMOGENEOUS_SHARE))
    return out


def list_only(text: str, theme: str, min_chars: int = MIN_CHARS) -> str:
    """``"mixed"`` when every cue of the theme sits in a mixed enumeration of a long
    paragraph, ``"homogeneous"`` when one sits in a list of the theme's own items
    and none outside a list, ``""`` otherwise (the rule does not touch it)."""
    if len(text) < min_chars:
        return ""
    ms = mentions(text, theme)
    if not ms or any(not m.in_list for m in ms):
        return ""
    return "homogeneous" if any(m.homogeneous for m in ms) else "mixed"


def touched(path: Path, min_chars: int = MIN_CHARS) -> list[dict]:
    """Candidates of one label file: the labelled theme in a mixed list only (remove?),
    or an unlabelled theme in a homogeneous list only (add?)."""
    rows = []
    for ex in load_examples(path):
        for theme in THEME_IDS:
            kind = list_only(ex.text, theme, min_chars)
            has = theme in ex.labels
            if (kind == "mixed" and has) or (kind == "homogeneous" and not has):
                rows.append(
                    {
                        "file": path.name,
                        "key": ex.key,
                        "theme": theme,
                        "kind": kind,
                        "labels": list(ex.labels),
                        "cues": sorted({m.cue for m in mentions(ex.text, theme)}),
                        "text": ex.text,
                    }
                )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nlp.list_mentions")
    ap.add_argument("files", nargs="*", type=Path, default=[LABELS_FILE, HELDOUT_FILE])
    ap.add_argument("--min-chars", type=int, default=MIN_CHARS)
    args = ap.parse_args(argv)
    for path in args.files:
        for row in touched(path, args.min_chars):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
