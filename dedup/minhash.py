"""MinHash over character n-grams of normalized text, LSH band keys, and exact
verification over shingle sets.

Everything is vectorized with numpy over a *batch* of paragraphs: k-gram hashes
of the concatenated code points (k-grams never cross a paragraph boundary), one
``(a * h + b) >> 32`` multiply-shift hash per permutation, and a segmented
minimum (``np.minimum.reduceat``) per paragraph.

LSH: ``BANDS`` bands of ``ROWS`` rows (80 permutations).  The probability that
two paragraphs of Jaccard similarity s share at least one band key is
``1 - (1 - s**4)**20``: 0.74 at s=0.5, 0.93 at 0.6, 0.995 at 0.7, >0.9999 at
0.8.  The bands are set for *recall* around the 0.7 decision threshold: LSH only
proposes candidates, every reported pair is verified on real shingle sets
(``is_near_duplicate``), so the low end of the S-curve costs verification time,
not precision.
"""

from __future__ import annotations

import numpy as np

from . import native

#: character n-gram length for MinHash shingles (on normalized text)
SHINGLE = 5
BANDS = 20
ROWS = 4
NUM_PERM = BANDS * ROWS
SEED = 20260
#: verification thresholds (on shingle sets)
JACCARD_THRESHOLD = 0.7
CONTAINMENT_THRESHOLD = 0.8
#: containment only counts when the smaller set is at least this share of the larger
CONTAINMENT_MIN_SIZE_RATIO = 0.5

MINHASH_PARAMS = {
    "shingle": SHINGLE,
    "bands": BANDS,
    "rows": ROWS,
    "num_perm": NUM_PERM,
    "seed": SEED,
    "hash": "poly64+splitmix64; perm=(a*lo32(h)+b) mod 2**32",
    "jaccard": JACCARD_THRESHOLD,
    "containment": CONTAINMENT_THRESHOLD,
}

_U = np.uint64
_P = _U(0x100000001B3)  # polynomial base for k-gram hashes (FNV prime)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer (vectorized, wraps mod 2**64)."""
    h = h ^ (h >> _U(30))
    h = h * _U(0xBF58476D1CE4E5B9)
    h = h ^ (h >> _U(27))
    h = h * _U(0x94D049BB133111EB)
    return h ^ (h >> _U(31))


def _mix_inplace(h: np.ndarray) -> np.ndarray:
    """``_mix`` overwriting ``h`` (a uint64 array of its own): no temporary per step."""
    t = h >> _U(30)
    h ^= t
    h *= _U(0xBF58476D1CE4E5B9)
    np.right_shift(h, _U(27), out=t)
    h ^= t
    h *= _U(0x94D049BB133111EB)
    np.right_shift(h, _U(31), out=t)
    h ^= t
    return h


def codes_of(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def kgram_hashes(codes: np.ndarray, k: int) -> np.ndarray:
    """64-bit hash of every k-gram (len(codes) - k + 1 values; one value if shorter)."""
    n = len(codes)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    c = codes.astype(np.uint64)
    if n < k:
        h = np.zeros(1, dtype=np.uint64)
        for j in range(n):
            h = h * _P + c[j : j + 1] + _U(1)
        return _mix(h + _U(n))
    m = n - k + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _P + c[j : j + m] + _U(1)
    return _mix(h + _U(k))


def text_kgram_hashes(text: str, k: int) -> np.ndarray:
    return kgram_hashes(codes_of(text), k)


def shingle_set(text: str, k: int = SHINGLE) -> frozenset:
    """The set of k-gram hashes (as Python ints) of a normalized text."""
    if not text:
        return frozenset()
    return frozenset(text_kgram_hashes(text, k).tolist())


def _kgram_constant(k: int) -> np.uint64:
    """sum of P**i for i < k, plus k (mod 2**64): what the +1 per code and the final + k
    of ``kgram_hashes`` add to a k-gram's polynomial."""
    c = 0
    for i in range(k):
        c += pow(int(_P), i, 1 << 64)
    return _U((c + k) % (1 << 64))


def batch_kgram_hashes(texts: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """k-gram hashes of many texts at once: (hashes, owner index per hash).

    Texts shorter than k contribute one hash of the whole text; empty texts none.
    """
    if native.lib is not None:
        try:
            return native.kgram_hashes(texts, k)
        except (ValueError, TypeError):  # e.g. a lone surrogate: numpy's path raises as it always did
            pass
    return batch_kgram_hashes_np(texts, k)


def batch_kgram_hashes_np(texts: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """``batch_kgram_hashes`` in numpy (the fallback of the native kernel)."""
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    if not len(texts) or lens.sum() == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    codes = codes_of("".join(texts)).astype(np.uint64)
    n = len(codes)
    ends = np.cumsum(lens)
    starts = ends - lens
    if n >= k:
        m = n - k + 1
        # h = sum over j of (code_j + 1) * P**(k-1-j), + k (kgram_hashes' polynomial, mod 2**64):
        # Horner over the codes alone, in place, and the +1s and k folded into one constant
        h = codes[0:m].copy()
        for j in range(1, k):
            h *= _P
            h += codes[j : j + m]
        # k-grams starting in the last k - 1 positions before a text's end cross it
        valid = np.ones(m, dtype=bool)
        cross = (ends[:, None] - np.arange(1, k, dtype=np.int64)[None, :]).ravel()
        valid[cross[(cross >= 0) & (cross < m)]] = False
        hs = h[valid]
        hs += _kgram_constant(k)
        hs = _mix_inplace(hs)
        ow = np.repeat(np.arange(len(texts), dtype=np.int64), np.maximum(lens - k + 1, 0))
    else:
        hs, ow = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    short = np.flatnonzero((lens > 0) & (lens < k))
    if len(short):  # one hash of the whole text (kgram_hashes' short case), by length
        sh = np.empty(len(short), dtype=np.uint64)
        short_len = lens[short]
        for length in np.unique(short_len).tolist():
            sel = np.flatnonzero(short_len == length)
            at = starts[short[sel]]
            g = np.zeros(len(sel), dtype=np.uint64)
            for j in range(length):
                g = g * _P + codes[at + j] + _U(1)
            sh[sel] = _mix(g + _U(length))
        # a short text has no k-gram of its own: its hash goes where its owner falls
        where = np.searchsorted(ow, short)
        hs, ow = np.insert(hs, where, sh), np.insert(ow, where, short)
    return hs, ow


def _perm_params(num_perm: int = NUM_PERM, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = (rng.integers(0, 2**31, size=num_perm, dtype=np.int64) * 2 + 1).astype(np.uint32)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.int64).astype(np.uint32)
    return a, b


_A, _B = _perm_params()
_EMPTY = np.iinfo(np.uint32).max


def signatures(texts: list[str], *, chunk_shingles: int = 8192, grams=None) -> np.ndarray:
    """MinHash signatures, shape (len(texts), NUM_PERM), uint32.

    Permutation i of a shingle hash x (low 32 bits of the well-mixed 64-bit
    k-gram hash) is ``(a_i * x + b_i) mod 2**32`` with odd a_i; computed in a
    (perm x shingle) block layout so that the per-text minimum is one
    ``np.minimum.reduceat`` along contiguous rows.  Empty texts get the all-max
    signature (and no band keys, see paragraph_band_keys).
    """
    if not len(texts):
        return np.full((0, NUM_PERM), _EMPTY, dtype=np.uint32)
    hs, ow = grams if grams is not None else batch_kgram_hashes(texts, SHINGLE)
    if native.lib is not None:
        try:
            return native.signatures(hs, ow, len(texts), _A, _B)
        except (ValueError, TypeError):
            pass
    return signatures_np(len(texts), hs, ow, chunk_shingles=chunk_shingles)


def signatures_np(n_texts: int, hs: np.ndarray, ow: np.ndarray, *, chunk_shingles: int = 8192) -> np.ndarray:
    """``signatures`` of k-gram hashes in numpy (the fallback of the native kernel)."""
    out = np.full((n_texts, NUM_PERM), _EMPTY, dtype=np.uint32)
    if not len(hs):
        return out
    x = hs.astype(np.uint32)  # low 32 bits
    bounds = np.flatnonzero(np.diff(ow)) + 1
    seg_starts = np.concatenate([[0], bounds])
    seg_owner = ow[seg_starts]
    A = _A[:, None]
    B = _B[:, None]
    # one (perm x shingle) block reused for every chunk, filled in place: a block that
    # stays in the CPU caches for the reduceat (a new 10 MB temporary per step did not)
    buf = np.empty((NUM_PERM, chunk_shingles), dtype=np.uint32)
    i = 0
    nseg = len(seg_starts)
    while i < nseg:
        lo = int(seg_starts[i])
        j = int(np.searchsorted(seg_starts, lo + chunk_shingles, side="left"))
        j = max(j, i + 1)
        hi = int(seg_starts[j]) if j < nseg else len(hs)
        vals = buf[:, : hi - lo] if hi - lo <= chunk_shingles else np.empty((NUM_PERM, hi - lo), dtype=np.uint32)
        np.multiply(A, x[None, lo:hi], out=vals)  # uint32, wraps
        vals += B
        mins = np.minimum.reduceat(vals, seg_starts[i:j] - lo, axis=1)
        out[seg_owner[i:j]] = mins.T
        i = j
    return out


def _band_mult() -> np.ndarray:
    mult = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], dtype=np.uint64)
    if ROWS > len(mult):  # pragma: no cover - params changed
        mult = _perm_params(ROWS, SEED + 1)[0].astype(np.uint64)
    return np.ascontiguousarray(mult[:ROWS])


_MULT = _band_mult()


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """LSH band keys (len x BANDS) as signed int64 (SQLite INTEGER), band index mixed in."""
    if native.lib is not None and len(sigs):
        try:
            return native.band_keys(sigs, BANDS, _MULT)
        except (ValueError, TypeError):
            pass
    return band_keys_np(sigs)


def band_keys_np(sigs: np.ndarray) -> np.ndarray:
    """``band_keys`` in numpy (the fallback of the native kernel)."""
    s = sigs.astype(np.uint64).reshape(len(sigs), BANDS, ROWS)
    with np.errstate(over="ignore"):
        h = (s * _MULT[None, None, :]).sum(axis=2, dtype=np.uint64)
        h = _mix(h + np.arange(BANDS, dtype=np.uint64)[None, :] * _U(0xA24BAED4963EE407))
    return h.view(np.int64)


def paragraph_band_keys(texts: list[str]) -> list[list[int]]:
    """Band keys per text; texts with no shingles get none."""
    sigs = signatures(texts)
    keys = band_keys(sigs)
    return [keys[i].tolist() if texts[i] else [] for i in range(len(texts))]


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    return float(np.mean(sig_a == sig_b))


def similarity(a: frozenset, b: frozenset) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0
    inter = len(a & b)
    if inter == 0:
        return 0.0, 0.0
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def is_near_duplicate(a: frozenset, b: frozenset) -> tuple[bool, float]:
    """Verified near-duplicate test; returns (decision, similarity score used)."""
    j, c = similarity(a, b)
    if j >= JACCARD_THRESHOLD:
        return True, j
    small, large = sorted((len(a), len(b)))
    if c >= CONTAINMENT_THRESHOLD and large and small / large >= CONTAINMENT_MIN_SIZE_RATIO:
        return True, c
    return False, max(j, 0.0)
