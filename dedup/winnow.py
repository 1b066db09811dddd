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

Anchored keys. A fingerprint is a single k-gram (5 characters), and in a
million paragraphs of policy text a 5-gram like 中华人民共 has tens of thousands
of postings, of which a lookup can read only a few: the paragraph that really
shares the 13-character run is then missed. So the index stores *anchored*
keys instead: each selected k-gram at position p combined with the k-gram at
p - ANCHOR and, separately, with the one at p + ANCHOR (ANCHOR = (W - 1) / 2 =
4), a 9-character context that is far rarer; the plain fingerprints stay
keys as well (they find paraphrases). The guarantee still holds: a
shared run of W + K - 1 characters contains a full window of W k-grams
[a, a + W - 1], both texts select the same offset r in it, and either
r - ANCHOR >= a or r + ANCHOR <= a + W - 1, so one of the two anchor k-grams
lies in the shared run in both texts and that key is shared.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import native
from .minhash import _U, _mix, batch_kgram_hashes, text_kgram_hashes

K = 5
W = 9
GUARANTEE = W + K - 1
assert GUARANTEE <= 13
#: distance (in k-grams) of the anchor k-gram on each side of a selected one
ANCHOR = (W - 1) // 2

WINNOW_PARAMS = {
    "k": K,
    "w": W,
    "guarantee": GUARANTEE,
    "anchor": ANCHOR,
    "keys": "plain+anchored",
    "hash": "poly64+splitmix64",
}


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


def _anchor_keys(h: np.ndarray, q: np.ndarray, side: int) -> np.ndarray:
    """Key of a selected k-gram hash ``h`` anchored to the k-gram hash ``q`` ANCHOR positions away."""
    with np.errstate(over="ignore"):
        return _mix(h * _U(0x9E3779B97F4A7C15) ^ (q + _U(side))).view(np.int64)


def fingerprint_keys(text: str, k: int = K, w: int = W, plain: bool = True) -> np.ndarray:
    """The keys the index stores for one normalized text (int64, unique, sorted).

    Every winnowing-selected k-gram at position p gives two anchored keys: its
    hash combined with the hash of the k-gram at p - ANCHOR, and with the one
    at p + ANCHOR (when they exist); see the module docstring for why any shared
    run of GUARANTEE characters shares one. With ``plain`` the selected hashes
    themselves are keys too: they find paraphrases whose unchanged stretches
    are shorter than an anchored key's 9 characters."""
    h = text_kgram_hashes(text, k)
    if not len(h):
        return np.zeros(0, dtype=np.int64)
    pos = _select(h, w)
    keys = []
    left = pos[pos - ANCHOR >= 0]
    keys.append(_anchor_keys(h[left], h[left - ANCHOR], 1))
    right = pos[pos + ANCHOR < len(h)]
    keys.append(_anchor_keys(h[right], h[right + ANCHOR], 2))
    if len(h) <= ANCHOR:  # too short for any anchor: the selected hash alone
        keys.append(_anchor_keys(h[pos], h[pos], 0))
    if plain:
        keys.append(h[pos].view(np.int64))
    return np.unique(np.concatenate(keys))


def batch_select(hs: np.ndarray, ow: np.ndarray, w: int = W):
    """Robust winnowing of many texts at once: ``hs`` the k-gram hashes (uint64) of
    the texts one after the other, ``ow`` their text (non-decreasing).

    Returns (selected positions into ``hs``, sorted; for each of them the index of
    its text's first and last k-gram and its text's number among the texts with
    k-grams; start and length of each such text's k-grams)."""
    n = len(hs)
    bounds = np.flatnonzero(np.diff(ow)) + 1
    seg_start = np.concatenate([[0], bounds])
    seg_end = np.concatenate([bounds, [n]])
    seg_len = seg_end - seg_start
    pos = np.zeros(0, dtype=np.int64)
    if n >= w:  # robust winnowing: rightmost minimum of every window inside one text
        m = n - w + 1
        # one sweep over the window's offsets: a k-gram at or below the minimum so far
        # becomes the window's (rightmost) minimum
        # (offsets grow, so the last one found is max(offset, j * found): int8 arithmetic)
        wmin = hs[:m].copy()
        if w > 127:
            raise ValueError("winnowing windows are at most 127 k-grams")
        off = np.zeros(m, dtype=np.int8)
        le = np.empty(m, dtype=bool)
        step = np.empty(m, dtype=np.int8)
        for j in range(1, w):
            col = hs[j : j + m]
            np.less_equal(col, wmin, out=le)
            np.minimum(wmin, col, out=wmin)
            np.multiply(le.view(np.int8), np.int8(j), out=step)
            np.maximum(off, step, out=off)
        # windows starting in the last w - 1 k-grams before a text's end cross it
        inside = np.ones(m, dtype=bool)
        cross = (seg_end[:, None] - np.arange(1, w, dtype=np.int64)[None, :]).ravel()
        inside[cross[(cross >= 0) & (cross < m)]] = False
        at = np.flatnonzero(inside)
        # sliding right, the rightmost minimum never moves left: pos is sorted
        pos = off[at].astype(np.int64)
        pos += at
    short = np.flatnonzero(seg_len < w)  # fewer than w k-grams: one window, its rightmost minimum
    if len(short):
        lens = seg_len[short]
        offs = np.cumsum(lens) - lens
        idx = np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(offs - seg_start[short], lens)
        vals = hs[idx]
        at_min = np.where(vals == np.repeat(np.minimum.reduceat(vals, offs), lens), idx, -1)
        picked = np.maximum.reduceat(at_min, offs)
        # a short text has no whole window: its pick goes where its position falls
        pos = np.insert(pos, np.searchsorted(pos, picked), picked)
    if len(pos) > 1:
        pos = pos[np.concatenate([[True], pos[1:] != pos[:-1]])]
    pos_seg = np.searchsorted(seg_start, pos, "right") - 1
    return pos, seg_start[pos_seg], seg_end[pos_seg] - 1, seg_start, seg_len, pos_seg


def batch_fingerprint_keys(
    texts: list[str], k: int = K, w: int = W, grams=None, plain: bool = True, anchored: bool = True
) -> list[np.ndarray]:
    """``fingerprint_keys`` of many texts in one vectorized pass (``anchored=False``:
    the plain fingerprints only).

    Per text the same keys, but in no particular order, and a key may repeat
    when the text repeats itself (posting lists drop repeats anyway)."""
    hs, ow = grams if grams is not None else batch_kgram_hashes(texts, k)
    if native.lib is not None and len(hs):
        try:
            return native.fingerprint_keys(hs, ow, len(texts), w, ANCHOR, plain, anchored)
        except (ValueError, TypeError):
            pass
    return batch_fingerprint_keys_np(len(texts), hs, ow, w, plain, anchored)


def batch_fingerprint_keys_np(
    n_texts: int, hs: np.ndarray, ow: np.ndarray, w: int = W, plain: bool = True, anchored: bool = True
) -> list[np.ndarray]:
    """``batch_fingerprint_keys`` of k-gram hashes in numpy (the fallback of the native kernel)."""
    out: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * n_texts
    if not len(hs):
        return out
    pos, first, last, seg_start, seg_len, pos_seg = batch_select(hs, ow, w)
    keys, owners = [], []
    if anchored:
        left = pos[pos - ANCHOR >= first]
        keys.append(_anchor_keys(hs[left], hs[left - ANCHOR], 1))
        owners.append(ow[left])
        right = pos[pos + ANCHOR <= last]
        keys.append(_anchor_keys(hs[right], hs[right + ANCHOR], 2))
        owners.append(ow[right])
        tiny = pos[seg_len[pos_seg] <= ANCHOR]
        keys.append(_anchor_keys(hs[tiny], hs[tiny], 0))
        owners.append(ow[tiny])
    if plain:
        keys.append(hs[pos].view(np.int64))
        owners.append(ow[pos])
    kk, oo = np.concatenate(keys), np.concatenate(owners)
    if not len(kk):  # e.g. only 9-11-character texts: a selected k-gram with no anchor inside its text
        return out
    order = np.argsort(oo, kind="stable")  # a few sorted runs: cheap
    kk, oo = kk[order], oo[order]
    cut = np.flatnonzero(np.diff(oo)) + 1
    lo = [0] + cut.tolist()
    hi = cut.tolist() + [len(kk)]
    for owner, a, b in zip(oo[lo].tolist(), lo, hi):
        out[owner] = kk[a:b]
    return out
