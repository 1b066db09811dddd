"""The checks shared by the held-out label sets drawn from saved web sites (``tests/test_heldout8.py`` to
``tests/test_heldout14.py``): a file's documented form, its paragraphs resolved from the snapshots with their
sha1, its draw re-run, and the rows of the sets before it. Each test file names its set's file, sources,
size and prefixes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from nlp import external_docs, labels
from nlp.external_docs import sha1
from nlp.labels import TRAINING_FILES, load_examples, read_label_rows
from nlp.taxonomy import THEME_IDS

#: the fields of a row the draw writes (with its text and context, dropped in the label file)
DRAWN_FIELDS = ("repo", "commit", "path", "para_index", "sha1", "text_prefix", "register", "group", "drawn_by")


def draw_repos(first: int, last: int) -> set[str]:
    """Every repository the site draws ``nlp.draw_heldoutN`` for N in first..last read (every SOURCES* list)."""
    import importlib

    out: set[str] = set()
    for n in range(first, last + 1):
        module = importlib.import_module(f"nlp.draw_heldout{n}")
        for name in dir(module):
            if name.startswith("SOURCES"):
                out |= {repo for repo, _, _ in getattr(module, name)}
    return out


def page_set_repos(last: int) -> set[str]:
    """Every repository the extraction page sets 1 to ``last`` (``bench/data/extract_pages*.json``) name."""
    import json

    from page_sets import string_values

    out: set[str] = set()
    for path in sorted((Path(__file__).resolve().parents[1] / "bench" / "data").glob("extract_pages*.json")):
        number = path.stem.removeprefix("extract_pages")
        if not number or int(number) <= last:
            out |= string_values(json.loads(path.read_text(encoding="utf-8")), "repo")
    return out


def accounts(repos) -> set[str]:
    """The GitHub accounts (lower case) of ``owner/name`` repositories."""
    return {repo.split("/")[0].lower() for repo in repos}


def check_no_page_set_shares_an_account(sources: Sequence[tuple[str, str, str]]) -> None:
    """No page set, drawn before the file or after it, names one of its sources' accounts."""
    assert not accounts(repo for repo, _, _ in sources) & accounts(page_set_repos(10**6))


def check_nothing_shared_with_earlier_sets(
    n: int, rows: list[dict], sources: Sequence[tuple[str, str, str]], last_page_set: int
) -> None:
    """The ``n``-th file shares no paragraph or page with any reading of the eighth to ``n - 1``-th, and no
    source's account is one those draws or the page sets 1 to ``last_page_set`` name."""
    earlier = earlier_rows(n)
    assert not {r["sha1"] for r in earlier} & {r["sha1"] for r in rows}
    assert not {(r["repo"], r["path"]) for r in earlier} & {(r["repo"], r["path"]) for r in rows}
    named = accounts(draw_repos(8, n - 1) | page_set_repos(last_page_set))
    assert named  # the earlier draws are importable and the page sets were read
    assert not accounts(repo for repo, _, _ in sources) & named


def earlier_rows(n: int) -> list[dict]:
    """The rows of every reading (first, reader 2, adjudicated, where there is one) of the site sets eight
    to ``n - 1``: what the ``n``-th set must share no paragraph (or repository, or page) with."""
    paths = [
        getattr(labels, f"HELDOUT{k}{suffix}_FILE")
        for k in range(8, n)
        for suffix in ("", "_READER2", "_ADJUDICATED")
        if hasattr(labels, f"HELDOUT{k}{suffix}_FILE")
    ]
    return [row for path in paths for row in read_label_rows(path)]


def missing_snapshots(sources: Sequence[tuple[str, str, str]]) -> list[str]:
    """The source repositories whose snapshot is not on this machine."""
    return [repo for repo, _, _ in sources if not external_docs.checkout_available(repo)]


def check_documented_form(
    path: Path,
    rows: list[dict],
    sources: Sequence[tuple[str, str, str]],
    size: tuple[int, int],
    prefixes: tuple[str, ...],
    min_repos: int,
    min_averaged: int = 10,
    min_negatives: int = 200,
) -> None:
    """Every row has the documented fields, a source of the draw and a ``drawn_by`` of the set; no
    paragraph twice; verbatim copies labelled alike; the themes averaged; the file (a first reading) not trained on."""
    by_repo = {repo: (commit, group) for repo, commit, group in sources}
    keys = {"source", "repo", "commit", "path", "doc_id", "para_index", "sha1", "text_prefix", "labels"}
    assert size[0] <= len(rows) <= size[1]
    for row in rows:
        assert keys | {"register", "group", "drawn_by"} == set(row), row
        assert row["source"] == "github" and row["repo"] in by_repo
        assert (row["commit"], row["group"]) == by_repo[row["repo"]]
        assert row["doc_id"] == f"{row['repo']}:{row['path']}"
        assert re.fullmatch(r"[0-9a-f]{40}", row["sha1"]) and len(row["text_prefix"]) == 12
        assert isinstance(row["para_index"], int) and row["para_index"] >= 0
        assert set(row["labels"]) <= set(THEME_IDS) and len(set(row["labels"])) == len(row["labels"])
        assert row["register"] in {"local_policy", "local_report", "local_news"}
        assert row["drawn_by"].startswith(prefixes)
    assert len({(r["repo"], r["path"], r["para_index"]) for r in rows}) == len(rows)
    by_text: dict[str, set] = {}  # a page may repeat a line: copies carry the same labels (the guide)
    for r in rows:
        by_text.setdefault(r["sha1"], set()).add(tuple(r["labels"]))
    assert all(len(v) == 1 for v in by_text.values())
    assert len({r["repo"] for r in rows}) >= min_repos
    counts = Counter(label for r in rows for label in r["labels"])
    assert sum(1 for t in THEME_IDS if counts[t] >= 5) >= min_averaged, counts  # README: the themes averaged
    assert sum(1 for r in rows if not r["labels"]) >= min_negatives
    assert path not in TRAINING_FILES  # the first reading; its adjudicated labels train (session i16af)


def check_every_paragraph_resolves(path: Path, rows: list[dict]) -> None:
    """Each row's paragraph read from its snapshot has the row's sha1 and carries its register, group, labels."""
    examples = load_examples(path)  # raises on any sha1 or prefix mismatch
    assert len(examples) == len(rows)
    for e, row in zip(examples, rows, strict=True):
        assert sha1(e.text) == row["sha1"] and 15 <= len(e.text) <= 300
        assert (e.register, e.group, e.labels) == (row["register"], row["group"], tuple(row["labels"]))


def check_draw_reproduces(draw: Callable[[int], list[dict]], seed: int, rows: list[dict]) -> None:
    """Re-running the draw with the set's seed gives the file's rows, in order, but for the labels."""
    drawn = draw(seed)
    assert [tuple(r[k] for k in DRAWN_FIELDS) for r in drawn] == [tuple(r[k] for k in DRAWN_FIELDS) for r in rows]
    # and every other field of the file's rows (source, doc_id) but the annotator's labels
    assert [{k: d[k] for k in r if k != "labels"} for d, r in zip(drawn, rows, strict=True)] == [
        {k: v for k, v in r.items() if k != "labels"} for r in rows
    ]
