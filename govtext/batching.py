"""Fixed-size slices of a sequence (bulk writes, terms lookups, SQL IN lists)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def chunks(seq: Sequence[T], n: int = 500) -> Iterator[Sequence[T]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]
