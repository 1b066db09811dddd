"""Union-find (disjoint sets) for clustering paragraphs and grouping documents.

One implementation for the embedded index (``dedup/index.py``) and the
engine's scheme (``search/elastic_dedup.py``): the smaller root wins a union,
so a component's root does not depend on the order the links arrived in.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Hashable) -> Any:
        p = self.parent
        if x not in p:
            p[x] = x
            return x
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:  # path compression
            p[x], x = root, p[x]
        return root

    def union(self, a: Hashable, b: Hashable) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
