"""The optional native kernels (``govtext_native``, built from ``native/`` by ``make install``).

They compute exactly what the numpy code of ``minhash``, ``winnow`` and ``check`` computes
(same values, same order; tests/test_dedup_native.py compares them), 3-10x faster. Without
them (no Rust toolchain at install, an import error, or ``GOVTEXT_NATIVE=0``) the numpy code
runs; that is logged once, at import.

The wrappers return numpy arrays; they raise ValueError / TypeError on input the kernels do
not take (a lone surrogate, a non-str, a non-contiguous array): the callers then run the
numpy code, which gives the result or the error it always gave.
"""

from __future__ import annotations

import numpy as np

from govtext.native import load

#: the kernels' interface version (``govtext_native.ABI``); another one is not used
ABI = 8

lib = load("dedup", lambda module: getattr(module, "ABI", None) == ABI)


def available() -> bool:
    return lib is not None


def kgram_hashes(texts: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """``minhash.batch_kgram_hashes``: (hashes uint64, owners int64)."""
    hs, ow = lib.kgram_hashes(texts if isinstance(texts, list) else list(texts), k)
    return np.frombuffer(hs, dtype=np.uint64), np.frombuffer(ow, dtype=np.int64)


def signatures(hs: np.ndarray, ow: np.ndarray, n_texts: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash signatures (n_texts x len(a), uint32) of k-gram hashes grouped by owner."""
    out = lib.signatures(hs, ow, n_texts, a, b)
    return np.frombuffer(out, dtype=np.uint32).reshape(n_texts, len(a))


def band_keys(sigs: np.ndarray, bands: int, mult: np.ndarray) -> np.ndarray:
    out = lib.band_keys(np.ascontiguousarray(sigs, dtype=np.uint32), bands, mult)
    return np.frombuffer(out, dtype=np.int64).reshape(len(sigs), bands)


def fingerprint_keys(
    hs: np.ndarray, ow: np.ndarray, n_texts: int, w: int, anchor: int, plain: bool, anchored: bool
) -> list[np.ndarray]:
    keys, offsets = lib.fingerprint_keys(hs, ow, n_texts, w, anchor, plain, anchored)
    kk = np.frombuffer(keys, dtype=np.int64)
    off = np.frombuffer(offsets, dtype=np.int64).tolist()
    return [kk[a:b] for a, b in zip(off, off[1:])]


def kgram_runs(d_hash, d_pos, c_hash, c_owner, c_pos) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``check._runs``: (draft start, owner, candidate start, length in k-grams)."""
    out = np.frombuffer(lib.kgram_runs(d_hash, d_pos, c_hash, c_owner, c_pos), dtype=np.int64).reshape(4, -1)
    return out[0], out[1], out[2], out[3]


def pair_runs(texts: list[str], k: int, pair_seg, pair_cand, d_key, d_pos):
    """``check._pair_runs``: the runs of every (draft paragraph, candidate) pair, in one pass."""
    out = np.frombuffer(lib.pair_runs(texts, k, pair_seg, pair_cand, d_key, d_pos), dtype=np.int64).reshape(4, -1)
    return out[0], out[1], out[2], out[3]


def segment_ranges(keys: np.ndarray, directory: np.ndarray, bits: int, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``postings.Segment.ranges`` through the radix directory: (left, right) per query key."""
    out = np.frombuffer(
        lib.segment_ranges(keys, directory, bits, np.ascontiguousarray(q, dtype=np.int64)), dtype=np.int64
    )
    return out[: len(q)], out[len(q) :]


def posting_pairs(q: np.ndarray, cap, segs: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
    """``postings.SegmentPostings.pairs`` over ``segs`` (``Segment.native_view()`` each)."""
    qcap = np.ascontiguousarray(np.broadcast_to(np.asarray(cap, dtype=np.int64), q.shape))
    out = np.frombuffer(lib.posting_pairs(np.ascontiguousarray(q), qcap, segs), dtype=np.int64)
    n = len(out) // 2
    return out[:n], out[n:]


def rank_candidates(seg, pid, w, kind, caps):
    """``check._rank``: (kept paragraphs, kept pids, reserve paragraphs, reserve pids)."""
    out = np.frombuffer(
        lib.rank_candidates(
            np.ascontiguousarray(seg, dtype=np.int64),
            np.ascontiguousarray(pid, dtype=np.int64),
            np.ascontiguousarray(w, dtype=np.float64),
            np.ascontiguousarray(kind, dtype=np.int8),
            np.ascontiguousarray(caps, dtype=np.int64),
        ),
        dtype=np.int64,
    )
    n_kept = int(out[0])
    n_res = (len(out) - 1 - 2 * n_kept) // 2
    body = out[1:]
    return body[:n_kept], body[n_kept : 2 * n_kept], body[2 * n_kept : 2 * n_kept + n_res], body[2 * n_kept + n_res :]
