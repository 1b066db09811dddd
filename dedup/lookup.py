"""The read interface ``check_draft`` needs from an index of paragraphs.

``DedupIndex`` (the embedded index) and ``search.elastic_dedup.ParagraphLookup``
(the Elasticsearch one) both provide it; ``check_draft`` is typed against this
protocol rather than either class.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class DedupLookup(Protocol):
    """Postings and paragraph rows by int paragraph id (pid)."""

    def lookup_fingerprints(self, hashes: Iterable[int], cap: int = ...) -> dict[int, list[int]]:
        """winnowing fingerprint -> up to ``cap`` pids."""
        ...

    def lookup_bands(self, keys: Iterable[int], cap: int = ...) -> dict[int, list[int]]:
        """MinHash band key -> up to ``cap`` pids."""
        ...

    def lookup_exact(self, hashes: Iterable[int], cap: int = ...) -> dict[int, list[int]]:
        """exact paragraph hash -> up to ``cap`` pids that carry postings."""
        ...

    def twins(self, hashes: Iterable[int], cap: int = ...) -> dict[int, list[int]]:
        """exact paragraph hash -> up to ``cap`` pids with that normalized text."""
        ...

    def paragraph_rows(self, pids: Iterable[int]) -> dict[int, dict]:
        """pid -> {doc_id, paragraph_index, norm, cluster, site, hash}."""
        ...
