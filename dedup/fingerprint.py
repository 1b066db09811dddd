"""All fingerprints of a paragraph, in one place, so that the SQLite index and
the Elasticsearch backend store exactly the same scheme.

- ``hash``: exact hash (xxh3-64, signed) of the normalized paragraph;
- ``bands``: MinHash LSH band keys (``minhash.BANDS`` per paragraph of at least
  ``MIN_BAND_CHARS`` normalized characters);
- ``fps``: winnowing fingerprints and their anchored keys (``winnow.fingerprint_keys``).

All values are signed 64-bit integers (SQLite INTEGER, Elasticsearch ``long``);
``fingerprint_fields`` also gives them as keyword strings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import xxhash

from . import minhash, winnow
from .normalize import NORMALIZATION_VERSION, normalize_many, tables_fingerprint

#: paragraphs shorter than this (normalized chars) get no band keys: MinHash on a
#: handful of shingles is noise; they still get an exact hash and fingerprints
MIN_BAND_CHARS = 8


def exact_hash(norm: str) -> int:
    return xxhash.xxh3_64_intdigest(norm.encode("utf-8")) - (1 << 63)


@dataclass
class Prints:
    norm: list[str]
    hashes: list[int]
    fps: list[np.ndarray]
    #: band keys as an (n, BANDS) int64 array; rows with has_bands False are unused
    band_matrix: np.ndarray
    has_bands: np.ndarray

    @functools.cached_property
    def bands(self) -> list[list[int]]:
        """Band keys per paragraph as lists (empty for paragraphs too short to band)."""
        keys = self.band_matrix.tolist()
        ok = self.has_bands.tolist()
        return [keys[i] if ok[i] else [] for i in range(len(keys))]


def fingerprint_normalized(norm: list[str], hashes: list[int] | None = None) -> Prints:
    """Fingerprints of normalized texts (``hashes``: their exact hashes, when known)."""
    assert minhash.SHINGLE == winnow.K  # one k-gram pass serves both
    grams = minhash.batch_kgram_hashes(norm, minhash.SHINGLE)
    matrix = minhash.band_keys(minhash.signatures(norm, grams=grams))
    ok = np.fromiter((len(t) >= MIN_BAND_CHARS for t in norm), dtype=bool, count=len(norm))
    fps = winnow.batch_fingerprint_keys(norm, grams=grams)
    if hashes is None:
        hashes = [exact_hash(t) for t in norm]
    return Prints(norm, hashes, fps, matrix, ok)


def fingerprint_paragraphs(paragraphs: list[str]) -> Prints:
    return fingerprint_normalized(normalize_many(paragraphs))


def scheme_params() -> dict:
    """Everything that changes the keys; stored with the index."""
    return {
        "normalization": NORMALIZATION_VERSION,
        "normalization_tables": tables_fingerprint(),
        "minhash": minhash.MINHASH_PARAMS,
        "winnow": winnow.WINNOW_PARAMS,
        "exact_hash": "xxh3_64-2**63",
        "min_band_chars": MIN_BAND_CHARS,
    }


def fingerprint_fields(paragraph: str) -> dict:
    """ES-friendly representation of one paragraph's fingerprints (pure function).

    ``dd_bands`` / ``dd_fps`` as keyword lists (decimal strings) for ``terms``
    queries; ``dd_hash`` as keyword; ``dd_norm_len`` and the scheme version so a
    reader can refuse mixed keys.
    """
    p = fingerprint_paragraphs([paragraph])
    return {
        "dd_hash": str(p.hashes[0]),
        "dd_bands": [str(k) for k in p.bands[0]],
        "dd_fps": [str(int(h)) for h in p.fps[0].tolist()],
        "dd_norm_len": len(p.norm[0]),
        "dd_scheme": NORMALIZATION_VERSION + "/" + tables_fingerprint(),
    }
