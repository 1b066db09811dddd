"""Aho-Corasick scans that skip the text no key can occur in.

pyahocorasick's ``Automaton.iter`` costs about 200 ns a character. A key can only
occur where every pair of adjacent characters of it occurs, so :class:`PairScanner`
looks up each character pair of the text among the keys' pairs (numpy: a few ns a
character) and runs the automaton only over the maximal stretches of such pairs.
The occurrences, and their order, are those of scanning the whole text: a match lies
inside one stretch, and so does every automaton state that leads to one (each is a
prefix of a key). Keys of one character would defeat the filter: then the whole text
is scanned.

The pair lookups (and those of the theme model's features, :func:`code_table`) run in the
native kernels (``native/src/codes.rs``: a hash probe instead of a binary search) when they
are built; the numpy code here is their definition and the fallback. So does the whole scan
of many paragraphs, automaton included (:func:`term_scanner`, ``native/src/terms.rs``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from govtext.native import load as load_native

#: the native code tables (native/src/codes.rs), or None: numpy's searchsorted then
NATIVE = load_native("nlp code lookups", lambda m: hasattr(m, "CodeTable"))

#: shorter texts are scanned whole (the filter's fixed cost is larger than the scan)
MIN_FILTERED_CHARS = 64


def pair_codes(keys: Iterable[str]) -> np.ndarray | None:
    """Sorted codes of the adjacent character pairs of ``keys``; None when a key has one character."""
    pairs: set[int] = set()
    for key in keys:
        if len(key) < 2:
            return None
        pairs.update((ord(a) << 21) | ord(b) for a, b in zip(key, key[1:]))
    return np.asarray(sorted(pairs), dtype=np.int64)


def code_table(keys: np.ndarray, values: np.ndarray | None = None):
    """A native ``CodeTable`` of the sorted int64 ``keys`` (``values``: one int64 each, default 0),
    or None without the native kernels."""
    if NATIVE is None:
        return None
    keys = np.ascontiguousarray(keys, dtype=np.int64)
    values = np.zeros(keys.size, dtype=np.int64) if values is None else np.ascontiguousarray(values, dtype=np.int64)
    return NATIVE.CodeTable(keys, values)


def stretches(text: str, codes: np.ndarray, table=None) -> list[tuple[int, int]]:
    """(start, end) of the maximal stretches of ``text`` whose adjacent character pairs are all in ``codes``."""
    if len(text) < 2 or not codes.size:
        return []
    if table is not None:
        try:
            return table.stretches(text)
        except ValueError:  # a lone surrogate: numpy takes it
            pass
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    pairs = (cp[:-1] << 21) | cp[1:]
    at = np.minimum(np.searchsorted(codes, pairs), codes.size - 1)
    inside = np.flatnonzero(codes[at] == pairs)  # pair i joins characters i and i + 1
    if not inside.size:
        return []
    breaks = np.flatnonzero(np.diff(inside) > 1)
    starts = inside[np.concatenate(([0], breaks + 1))].tolist()
    ends = inside[np.concatenate((breaks, [inside.size - 1]))].tolist()
    return [(i, j + 2) for i, j in zip(starts, ends)]


def term_scanner(terms: list[str]):
    """A native ``TermScanner`` of ``terms`` (:meth:`PairScanner.occurrences` of many texts in one call,
    native/src/terms.rs), or None: without the native kernels, or for terms it does not take."""
    if NATIVE is None or not hasattr(NATIVE, "TermScanner"):
        return None
    try:
        return NATIVE.TermScanner(terms)
    except ValueError:  # an empty term, a lone surrogate
        return None


class PairScanner:
    """An automaton whose values are its keys, scanned with the pair filter."""

    def __init__(self, automaton, keys: Iterable[str]):
        self.automaton = automaton
        self.codes = pair_codes(keys)
        self.table = code_table(self.codes) if self.codes is not None else None

    def occurrences(self, text: str) -> list[tuple[int, int, str]]:
        """Every (start, end, key) in ``text``, overlapping ones included, in the automaton's order."""
        if self.codes is None or len(text) < MIN_FILTERED_CHARS:
            return [(end - len(key) + 1, end + 1, key) for end, key in self.automaton.iter(text)]
        out = []
        for i, j in stretches(text, self.codes, self.table):
            for end, key in self.automaton.iter(text[i:j]):
                out.append((i + end - len(key) + 1, i + end + 1, key))
        return out
