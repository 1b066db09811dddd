"""The drawing procedure shared by the held-out label sets drawn from saved web sites
(:mod:`nlp.draw_heldout8` to :mod:`nlp.draw_heldout11`): each set names its
sources, word searches, random count and seed; this module lists the pages, builds the pool and draws.

Pages: every ``.htm``/``.html``/``.shtml`` file of a source at its commit (or the files a draw's own
``pattern`` names, e.g. ``.jsp`` templates holding their text as HTML), sorted by path, read
from the source's snapshot (a bare or a working git directory, :func:`nlp.external_docs.checkout_path`)
by the fixed reader of :mod:`nlp.external_docs`; a page whose title names a national law or
regulation (中华人民共和国…, …法, …条例, …实施细则) is skipped.

Pool: a paragraph of 15-300 characters, at least half of them CJK, that occurs on exactly one
page of the sources drawn together, that is no verbatim copy of a paragraph of ``../shared``
(corpus and 范文 seed page) nor of ``elsewhere``, and whose sha1 is not in ``earlier_sha1s``.
``register`` is read from the page title (never the text); ``group`` is the source site.

Draw: the pool shuffled with the seed; word searches, then random paragraphs, then the later
round's searches (on the same pool, or on a pool of its own shuffled with the same seed); at
most ``PER_DOC`` paragraphs per page per search. No tagger, model or rule matcher is run.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from ingest.text import split_paragraphs
from nlp.external_docs import (
    _git_dir,
    checkout_path,
    html_paragraphs,
    html_title,
    parse_checkout,
    set_checkouts,
    sha1,
)
from nlp.heldout_draw import Draw
from nlp.labels import read_label_rows, shared_dir

#: (repository, commit, group): a saved site drawn from
Source = tuple[str, str, str]
#: (repo, commit, group, path, title, paragraphs)
Page = tuple[str, str, str, str, str, list[str]]

PER_DOC = 2
_PAGE = re.compile(r"\.s?html?$", re.I)
_LAW_TITLE = re.compile(r"中华人民共和国|条例|实施细则|(?<![方办])法(?:[（(_\-\s]|$)")
_POLICY = re.compile(r"通知|方案|意见|办法|规划|计划|决定|措施|细则|要点|制度|公告|通告")
_REPORT = re.compile(r"总结|报告|汇报|调研|讲话|发言|经验")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def label_sha1s(paths: Sequence[Path]) -> set[str]:
    """The sha1 of every row of label files that reference saved pages (the other label files reference
    ``../shared``, whose paragraphs :func:`shared_paragraphs` leaves out as a whole): a later draw skips them."""
    return {row["sha1"] for path in paths for row in read_label_rows(path) if row.get("sha1")}


def register(title: str) -> str:
    """``local_policy``, ``local_report`` or ``local_news``, from the words of a page title."""
    if _POLICY.search(title):
        return "local_policy"
    if _REPORT.search(title):
        return "local_report"
    return "local_news"


def shared_paragraphs() -> set[str]:
    """Every paragraph of ``../shared``'s corpus (laws and reports) and of its seed pages."""
    base = shared_dir()
    seen: set[str] = set()
    for source in ("laws", "reports"):
        path = base / "corpus" / f"{source}.jsonl"
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    seen.update(split_paragraphs(json.loads(line).get("text", "")))
    for path in sorted((base / "seeds").glob("*.txt")):
        seen.update(split_paragraphs(path.read_text(encoding="utf-8")))
    return seen


def pages(repo: str, commit: str, unquoted: bool = False, pattern: re.Pattern = _PAGE) -> list[tuple[str, bytes]]:
    """Every page (path, bytes) of ``repo`` at ``commit`` whose path ``pattern`` matches (``.htm``/``.html``/
    ``.shtml`` by default), sorted by path (a bare or a working git directory).
    git quotes a path with non-ASCII characters, so such pages are left out unless ``unquoted`` (the
    thirteenth draw on): the earlier draws keep their listing."""
    git_dir = _git_dir(checkout_path(repo))
    if git_dir is None:
        raise FileNotFoundError(f"no git checkout of {repo} at {checkout_path(repo)}")
    quote = ["-c", "core.quotepath=false"] if unquoted else []
    names = subprocess.run(
        ["git", *quote, "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", commit],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    out = []
    for name in sorted(n for n in names if pattern.search(n)):
        blob = subprocess.run(
            ["git", "--git-dir", str(git_dir), "cat-file", "blob", f"{commit}:{name}"], capture_output=True, check=True
        ).stdout
        out.append((name, blob))
    return out


def site_pages(sources: Sequence[Source], unquoted: bool = False, pattern: re.Pattern = _PAGE) -> list[Page]:
    """The pages of ``sources`` in source and path order, law-titled pages left out."""
    out: list[Page] = []
    for repo, commit, group in sources:
        for path, blob in pages(repo, commit, unquoted, pattern):
            title = html_title(blob)
            if _LAW_TITLE.search(title):
                continue
            out.append((repo, commit, group, path, title, html_paragraphs(blob)))
    return out


def build_pool(
    sources: Sequence[Source],
    elsewhere: Collection[str] = frozenset(),
    earlier_sha1s: Collection[str] = frozenset(),
    unquoted: bool = False,
    pattern: re.Pattern = _PAGE,
) -> list[dict]:
    """Every eligible paragraph of ``sources`` (see the module docstring), in source and page order
    (``unquoted``: pages with non-ASCII paths too; ``pattern``: the page paths read; see :func:`pages`)."""
    site = site_pages(sources, unquoted, pattern)
    counts: Counter[str] = Counter(p for page in site for p in set(page[5]))
    shared = shared_paragraphs() | set(elsewhere)
    pool = []
    for repo, commit, group, path, title, paras in site:
        for i, p in enumerate(paras):
            if not 15 <= len(p) <= 300 or counts[p] != 1 or p in shared:
                continue
            if len(_CJK.findall(p)) * 2 < len(p) or (earlier_sha1s and sha1(p) in earlier_sha1s):
                continue
            pool.append(
                {
                    "repo": repo,
                    "commit": commit,
                    "path": path,
                    "title": title,
                    "para_index": i,
                    "text": p,
                    "register": register(title),
                    "group": group,
                    "previous": paras[i - 1] if i else "",
                }
            )
    return pool


def second_pool(
    first_sources: Sequence[Source],
    sources_b: Sequence[Source],
    earlier_sha1s: Collection[str],
    unquoted: bool = False,
    pattern: re.Pattern = _PAGE,
) -> list[dict]:
    """The pool of a second round on other sites: ``sources_b``'s eligible paragraphs (their pages ``pattern``
    names), leaving out any paragraph the first round's sites' pages also hold (so the second round only adds
    rows); ``unquoted`` as for :func:`pages`, for both rounds."""
    first = frozenset(p for page in site_pages(first_sources, unquoted) for p in page[5])
    return build_pool(sources_b, first, earlier_sha1s, unquoted, pattern)


def candidate(item: dict, why: str) -> dict:
    """The label-file row of a drawn paragraph, unlabelled, with its title, the paragraph before and its text."""
    return {
        "source": "github",
        "repo": item["repo"],
        "commit": item["commit"],
        "path": item["path"],
        "doc_id": f"{item['repo']}:{item['path']}",
        "para_index": item["para_index"],
        "sha1": sha1(item["text"]),
        "text_prefix": item["text"][:12],
        "register": item["register"],
        "group": item["group"],
        "drawn_by": why,
        "title": item["title"],
        "previous": item["previous"],
        "text": item["text"],
    }


def draw_rounds(
    seed: int,
    pool: list[dict],
    draws: Sequence[Draw],
    random_name: str,
    random_count: int,
    later: Sequence[Draw] = (),
    later_pool: list[dict] | None = None,
    per_page: int = PER_DOC,
) -> list[dict]:
    """The candidates: ``pool`` shuffled with ``seed``; ``draws``, then ``random_count`` random paragraphs
    (drawn by ``random_name``), then ``later`` on ``pool`` or, if given, on ``later_pool`` shuffled with
    the same seed (the later round only adds rows); at most ``per_page`` paragraphs per page per search."""
    random.Random(seed).shuffle(pool)
    chosen: dict[tuple, tuple[dict, str]] = {}

    def take(item: dict, why: str, per_doc: dict) -> bool:
        key = (item["repo"], item["path"], item["para_index"])
        doc = (item["repo"], item["path"])
        if key in chosen or per_doc.get(doc, 0) >= per_page:
            return False
        per_doc[doc] = per_doc.get(doc, 0) + 1
        chosen[key] = (item, why)
        return True

    def search(round_: Sequence[Draw], items: list[dict]) -> None:
        for name, pattern, count, exclude in round_:
            rx, ex = re.compile(pattern), re.compile(exclude) if exclude else None
            per_doc: dict = {}
            n = 0
            for item in items:
                if n >= count:
                    break
                if rx.search(item["text"]) and not (ex and ex.search(item["text"])) and take(item, name, per_doc):
                    n += 1

    search(draws, pool)
    per_doc_r: dict = {}
    n = 0
    for item in pool:
        if n >= random_count:
            break
        if take(item, random_name, per_doc_r):
            n += 1
    if later:
        items = pool
        if later_pool is not None:
            items = later_pool
            random.Random(seed).shuffle(items)
        search(later, items)
    return [candidate(item, why) for item, why in chosen.values()]


def main(argv: list[str] | None, prog: str, default_seed: int, draw: Callable[[int], list[dict]]) -> int:
    """``python -m PROG OUT [--seed N] [--checkout owner/name=PATH ...]``: write ``draw(seed)``'s rows to OUT."""
    ap = argparse.ArgumentParser(prog=f"python -m {prog}")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=default_seed)
    ap.add_argument("--checkout", action="append", default=[], help="owner/name=PATH (a git directory)")
    args = ap.parse_args(argv)
    set_checkouts(dict(parse_checkout(s) for s in args.checkout))
    rows = draw(args.seed)
    with open(args.out, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} candidates from {len({r['doc_id'] for r in rows})} pages -> {args.out}")
    return 0
