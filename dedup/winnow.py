"""Winnowing fingerprints (Schleimer, Wilkerson & Aiken, SIGMOD 2003 - MOSS).

Hash every k-gram of the normalized text; slide a window of ``W`` consecutive
k-gram hashes and select the minimum of each window (the rightmost one on ties,
"robust winnowing"); the selected (hash, position) pairs are the fingerprints.

Guarantee: any substring of length ``t = W + K - 1`` contains ``W`` whole
k-grams, i.e. one full window, and that window selects the same minimum hash in
both texts.  So any shared run of at least ``GUARANTEE`` = 13 normalized
characters (知网's threshold) shares at least one fingerprint.  Shorter shared
runs (>= K) are found with probability that grows with their length.

Expected density is about 2 / (W + 1) = 0.2 fingerprints per character.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .minhash import batch_kgram_hashes, text_kgram_hashes

K = 5
W = 9
GUARANTEE = W + K - 1
assert GUARANTEE <= 13

WINNOW_PARAMS = {"k": K, "w": W, "guarantee": GUARANTEE, "hash": "poly64+splitmix64"}


def _select(h: np.ndarray, w: int) -> np.ndarray:
    """Positions selected by robust winnowing over hash array h."""
    n = len(h)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= w:
        # one window: its rightmost minimum
        return np.array([n - 1 - int(np.argmin(h[::-1]))], dtype=np.int64)
    win = sliding_window_view(h, w)
    # rightmost minimum: argmin over reversed windows
    pos = np.arange(n - w + 1, dtype=np.int64) + (w - 1 - win[:, ::-1].argmin(axis=1))
    keep = np.ones(len(pos), dtype=bool)
    keep[1:] = pos[1:] != pos[:-1]
    return pos[keep]


def fingerprints(text: str, k: int = K, w: int = W) -> tuple[np.ndarray, np.ndarray]:
    """(hashes as int64, positions) of a normalized text's winnowing fingerprints.

    Position p means the k-gram ``text[p : p + k]``.
    """
    h = text_kgram_hashes(text, k)
    pos = _select(h, w)
    return h[pos].view(np.int64), pos


def batch_fingerprints(texts: list[str], k: int = K, w: int = W, grams=None) -> list[np.ndarray]:
    """Unique fingerprint hashes (int64, sorted) per text, for indexing many paragraphs.

    Same set as ``np.unique(fingerprints(t)[0])`` for each text, computed in one
    vectorized pass over the batch.
    """
    out: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(texts)
    hs, ow = grams if grams is not None else batch_kgram_hashes(texts, k)
    if not len(hs):
        return out
    hv = hs.view(np.int64)
    sel_h = []
    sel_o = []
    n = len(hs)
    if n >= w:
        # only the selected hashes are needed here, not their positions: the
        # fingerprint set is the set of window minima (ties pick equal values)
        m = n - w + 1
        wmin = hs[:m].copy()
        for j in range(1, w):
            np.minimum(wmin, hs[j : j + m], out=wmin)
        valid = ow[:m] == ow[w - 1 :]
        wmin, wown = wmin[valid], ow[:m][valid]
        # neighbouring windows mostly share their minimum: drop repeats before sorting
        change = np.ones(len(wmin), dtype=bool)
        change[1:] = (wmin[1:] != wmin[:-1]) | (wown[1:] != wown[:-1])
        sel_h.append(wmin[change].view(np.int64))
        sel_o.append(wown[change])
    # texts with fewer than w k-grams: their single window's minimum
    bounds = np.flatnonzero(np.diff(ow)) + 1
    seg_starts = np.concatenate([[0], bounds])
    seg_lens = np.diff(np.concatenate([seg_starts, [n]]))
    short = seg_lens < w
    if short.any():
        mins = np.minimum.reduceat(hs, seg_starts)[short]
        sel_h.append(mins.view(np.int64))
        sel_o.append(ow[seg_starts[short]])
    sh = np.concatenate(sel_h)
    so = np.concatenate(sel_o)
    order = np.lexsort((sh, so))
    sh, so = sh[order], so[order]
    keep = np.ones(len(sh), dtype=bool)
    keep[1:] = (sh[1:] != sh[:-1]) | (so[1:] != so[:-1])
    sh, so = sh[keep], so[keep]
    cut = np.flatnonzero(np.diff(so)) + 1
    lo = [0] + cut.tolist()
    hi = cut.tolist() + [len(sh)]
    for owner, a, b in zip(so[lo].tolist(), lo, hi):
        out[owner] = sh[a:b]
    return out


def all_kgrams(text: str, k: int = K) -> np.ndarray:
    """Every k-gram hash (int64), position i = k-gram text[i:i+k]."""
    return text_kgram_hashes(text, k).view(np.int64)
