"""Paragraphs of documents outside ``../shared``: saved government web pages in public git repositories.

The eighth held-out label set (``tests/data/theme_labels_heldout8.jsonl``) labels paragraphs of
such pages without copying them. A row names the page by repository, commit and path, and the
paragraph by its index under :func:`html_paragraphs`, a small fixed reader kept here so that the
index does not move when govtext's own extractor (``ingest``) changes. ``sha1`` (of the paragraph
text) and ``text_prefix`` (its first 12 characters) check that the index still lands on the
paragraph that was labelled; a mismatch raises.

The reader (do not change it: every row of the file depends on it):

1. bytes -> text: UTF-8 if the bytes decode as UTF-8, else GB18030 (with replacement);
2. ``<script>``, ``<style>``, ``<noscript>``, ``<head>`` and comments are removed with their content;
3. a line break is put in place of every ``<br>`` and of every opening or closing tag of
   ``p div li tr td th h1-h6 table ul ol dd dt section article form center``; every other tag is removed;
4. HTML entities are unescaped; U+3000, U+00A0 and other whitespace runs inside a line become one space;
5. each line is stripped; empty lines are dropped. The paragraphs are the remaining lines, in order.

The title of a page is the text of its first ``<title>`` (same steps 4-5), or "".

Checkouts: a row's repository ``owner/name`` is read from a git directory (bare mirror or a work
tree's ``.git``; the blob at the row's commit is read with ``git``) or from a plain directory
holding the files at that commit. By default ``<repo root>/../.mirror/<owner>+<name>/repo`` (where
the search tool's ``fetch`` puts a snapshot); ``python -m nlp.evaluate --heldout8-checkout
owner/name=PATH`` (or :func:`set_checkouts`) points elsewhere.
"""

from __future__ import annotations

import hashlib
import html
import re
import subprocess
from pathlib import Path

from govtext.settings import REPO_ROOT

_DROP = re.compile(r"<(script|style|noscript|head)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_BREAK = re.compile(
    r"<br\s*/?>|</?(?:p|div|li|tr|td|th|h[1-6]|table|ul|ol|dd|dt|section|article|form|center)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.S | re.I)

#: owner/name -> a git directory or a plain directory (see the module docstring)
_CHECKOUTS: dict[str, Path] = {}


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _lines(text: str) -> list[str]:
    out = []
    for line in html.unescape(text).split("\n"):
        line = _SPACE.sub(" ", line).strip()
        if line:
            out.append(line)
    return out


def html_paragraphs(data: bytes) -> list[str]:
    """The paragraphs of a saved page by the fixed procedure of the module docstring."""
    text = _DROP.sub(" ", decode(data))
    text = _BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    return _lines(text)


def html_title(data: bytes) -> str:
    m = _TITLE.search(decode(data))
    return " ".join(_lines(_TAG.sub("", m.group(1)))) if m else ""


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def set_checkouts(mapping: dict[str, str | Path]) -> None:
    """Where to read each repository (``owner/name`` -> path), overriding the default."""
    for repo, path in mapping.items():
        _CHECKOUTS[repo] = Path(path)


def parse_checkout(spec: str) -> tuple[str, Path]:
    """``owner/name=PATH`` -> (owner/name, PATH)."""
    repo, sep, path = spec.partition("=")
    if not sep or "/" not in repo or not path:
        raise ValueError(f"expected owner/name=PATH, got {spec!r}")
    return repo.strip(), Path(path.strip())


def checkout_path(repo: str) -> Path:
    if repo in _CHECKOUTS:
        return _CHECKOUTS[repo]
    return REPO_ROOT.parent / ".mirror" / repo.replace("/", "+") / "repo"


def _git_dir(path: Path) -> Path | None:
    if (path / "HEAD").is_file() and (path / "objects").is_dir():
        return path
    if (path / ".git").exists():
        return path / ".git"
    return None


def checkout_available(repo: str) -> bool:
    return checkout_path(repo).is_dir()


def read_blob(repo: str, commit: str, path: str) -> bytes:
    """The bytes of ``path`` at ``commit`` of ``repo``'s checkout; raises if it is missing."""
    root = checkout_path(repo)
    if not root.is_dir():
        raise FileNotFoundError(f"no checkout of {repo} at {root} (pass --heldout8-checkout {repo}=PATH)")
    git_dir = _git_dir(root)
    if git_dir is not None:
        res = subprocess.run(
            ["git", "--git-dir", str(git_dir), "cat-file", "blob", f"{commit}:{path}"],
            capture_output=True,
            check=False,
        )
        if res.returncode != 0:
            raise FileNotFoundError(f"{repo}@{commit}:{path} not in {git_dir}: {res.stderr.decode(errors='replace')}")
        return res.stdout
    return (root / path).read_bytes()


def resolve(row: dict, cache: dict | None = None) -> str:
    """The text of a label row's paragraph; raises ``ValueError`` if its sha1 or prefix does not match."""
    key = (row["repo"], row["commit"], row["path"])
    if cache is not None and key in cache:
        paras = cache[key]
    else:
        paras = html_paragraphs(read_blob(*key))
        if cache is not None:
            cache[key] = paras
    i = row["para_index"]
    if i >= len(paras):
        raise ValueError(f"label reference not found: {row}")
    text = paras[i]
    if sha1(text) != row["sha1"] or not text.startswith(row.get("text_prefix", "")):
        raise ValueError(f"label reference misaligned (sha1 mismatch): {row} -> {text[:20]!r}")
    return text
