"""Site profiles and boilerplate patterns, kept as data (the JSON files here).

A profile says how to find a site's content block (XPath), which metadata
table labels map to which fields, and which elements to drop. ``choose_profile``
picks one by URL host pattern, then by page markers; ``generic`` is the
fallback and needs no site knowledge at all.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ORDER = ("gov_cn", "provincial", "fanwen", "generic")  # first match wins


@dataclass(frozen=True)
class Profile:
    name: str
    hosts: tuple[re.Pattern, ...]
    markers: tuple[str, ...]
    content_xpaths: tuple[str, ...]
    drop_xpaths: tuple[str, ...]
    meta_table: dict[str, str]
    region: str

    def matches_host(self, host: str) -> bool:
        return any(p.search(host) for p in self.hosts)

    def matches_markers(self, text: str, spaced: bool = True) -> bool:
        """Every marker is in the text; with ``spaced``, also when the page prints it with
        spaces between its characters (``索 引 号``, ``发文字号`` padded to a column's width)."""
        if not self.markers:
            return False
        if spaced:
            return all(m in text or _spaced(m).search(text) is not None for m in self.markers)
        return all(m in text for m in self.markers)


@cache
def _spaced(marker: str) -> re.Pattern:
    return re.compile(r"[ \t\u00a0\u3000\u2002\u2003]*".join(map(re.escape, marker)))


@dataclass(frozen=True)
class Boilerplate:
    remove_tags: tuple[str, ...]
    boilerplate_attr: re.Pattern
    keep_attr: re.Pattern
    drop_line: re.Pattern  # one alternation of every drop_line pattern
    stop_line: re.Pattern
    date_labels: str
    date_meta: tuple[str, ...]
    title_meta: tuple[str, ...]
    source_meta: tuple[str, ...]
    source_labels: str
    provinces: tuple[str, ...]
    comment_line: re.Pattern  # opens the readers' comments: the article ends above it
    legal_terms: re.Pattern
    comment_attr: re.Pattern


def _load(name: str) -> dict:
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))


@cache
def profiles() -> dict[str, Profile]:
    out = {}
    for name in ORDER:
        data = _load(name)
        out[name] = Profile(
            name=data["name"],
            hosts=tuple(re.compile(p, re.I) for p in data["hosts"]),
            markers=tuple(data["markers"]),
            content_xpaths=tuple(data["content_xpaths"]),
            drop_xpaths=tuple(data["drop_xpaths"]),
            meta_table=dict(data["meta_table"]),
            region=data["region"],
        )
    return out


@cache
def boilerplate() -> Boilerplate:
    data = _load("boilerplate")
    return Boilerplate(
        remove_tags=tuple(data["remove_tags"]),
        boilerplate_attr=re.compile(data["boilerplate_attr"], re.I),
        keep_attr=re.compile(data["keep_attr"], re.I),
        drop_line=re.compile("|".join(f"(?:{p})" for p in data["drop_line"]), re.I),
        stop_line=re.compile(data["stop_line"]),
        date_labels=data["date_labels"],
        date_meta=tuple(data["date_meta"]),
        title_meta=tuple(data["title_meta"]),
        source_meta=tuple(data["source_meta"]),
        source_labels=data["source_labels"],
        provinces=tuple(_load("regions")["provinces"]),
        comment_line=re.compile(data["comment_line"], re.I),
        legal_terms=re.compile(data["legal_terms"]),
        comment_attr=re.compile(data["comment_attr"], re.I),
    )


def get_profile(name: str) -> Profile:
    try:
        return profiles()[name]
    except KeyError:
        raise ValueError(f"unknown site profile {name!r}; known: {', '.join(ORDER)}") from None


def choose_profile(url: str = "", page_text: str = "", spaced: bool = True) -> Profile:
    """The profile for a page: by URL host first, then by markers in its text (``spaced``: a
    marker printed with spaces between its characters counts)."""
    host = (urlsplit(url).hostname or "") if url else ""
    table = profiles()
    if host:
        for name in ORDER:
            if table[name].matches_host(host):
                return table[name]
    for name in ORDER:
        if table[name].matches_markers(page_text, spaced):
            return table[name]
    return table["generic"]
