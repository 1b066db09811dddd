"""Word clusters learned without labels from the project's own corpus (issue 16 item 3).

    .venv/bin/python -m nlp.word_clusters [--out PATH] [--k 256] [--dim 100]

The theme model's words are those of the labelled paragraphs; a clause family
whose words no labelled paragraph holds (quarantine, animal epidemics,
seawalls …) gets no weight. Words that occur in the same contexts of the
unlabelled corpus (``../shared/corpus/laws.jsonl`` and ``reports.jsonl``,
segmented as the model segments: :func:`nlp.segment.cut` of the normalized,
lower-cased text, digits as 0) get one cluster id, and the model sees a
paragraph's cluster ids next to its words (``k:<id>`` features), so a weight
learned for 疫情 can reach 检疫 when both sit in one cluster.

Vectors: positive PMI of word pairs within :data:`WINDOW` words of one
paragraph (context counts smoothed by the power 0.75), reduced by truncated SVD
(scikit-learn, fixed seed), rows l2-normalized; clusters: k-means (fixed seed)
over those vectors. No labels are read. Only scikit-learn, scipy and numpy are
needed (all three are already training dependencies).

Output: ``index_config/word_clusters.json.gz``, ``{"clusters": {word: id},
"meta": {...}}`` with the corpus files' sha256 and the parameters. The
committed file's sha256 is :data:`CLUSTERS_SHA256`; tests/test_word_clusters.py
checks it, and its slow test rebuilds the file from the corpus (on another
machine the floating point of the SVD may differ: the digest is that of this
build). :func:`nlp.train` embeds the map in the theme model file, so the
served model needs nothing else.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import time
from collections import Counter
from pathlib import Path

import numpy as np

CLUSTERS_FILE = "word_clusters.json.gz"
#: sha256 of the committed index_config/word_clusters.json.gz
CLUSTERS_SHA256 = "894365770fb4cf90b6f3a3350c21a13df3c41d846b7952107df335ada3ba712f"
WINDOW = 5
MIN_COUNT = 5
MAX_VOCAB = 40_000
DIM = 100
K = 1024
SEED = 0
_DIGITS = re.compile(r"\d+")


def corpus_files() -> list[Path]:
    from nlp.labels import shared_dir

    base = shared_dir() / "corpus"
    return [base / "laws.jsonl", base / "reports.jsonl"]


def corpus_paragraph_tokens(paths: list[Path]):
    """Per non-empty paragraph of every document, its words as the theme model cuts them."""
    from nlp.segment import cut, is_word
    from nlp.textnorm import normalize

    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("text", "")
                for para in normalize(text).lower().split("\n"):
                    words = [_DIGITS.sub("0", t) for t in cut(para) if is_word(t)]
                    if words:
                        yield words


def build(
    paths: list[Path] | None = None,
    *,
    k: int = K,
    dim: int = DIM,
    window: int = WINDOW,
    min_count: int = MIN_COUNT,
    max_vocab: int = MAX_VOCAB,
    seed: int = SEED,
    log=print,
) -> dict:
    """The cluster map of the corpus (see the module docstring)."""
    from scipy import sparse
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD

    paths = paths or corpus_files()
    t0 = time.time()
    paras = list(corpus_paragraph_tokens(paths))
    counts = Counter(w for p in paras for w in p)
    # most frequent first, ties by the word: the same vocabulary from the same corpus
    vocab = [w for w, c in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0])) if c >= min_count][:max_vocab]
    index = {w: i for i, w in enumerate(vocab)}
    n = len(vocab)
    # one token-id stream: -1 for a word outside the vocabulary, -2 between paragraphs
    ids = np.fromiter(
        (index.get(w, -1) if w is not None else -2 for p in paras for w in (*p, None)),
        dtype=np.int64,
        count=sum(len(p) + 1 for p in paras),
    )
    # breaks[j]: paragraph breaks among ids[:j]
    breaks = np.concatenate(([0], np.cumsum(ids == -2)))
    log(f"{len(paras)} paragraphs, {ids.size - len(paras)} words, vocabulary {n} ({time.time() - t0:.0f} s)")
    cooc = sparse.csr_matrix((n, n), dtype=np.float64)
    for d in range(1, window + 1):
        a, b = ids[:-d], ids[d:]
        # both in the vocabulary, no paragraph break among ids[i+1 .. i+d-1]
        ok = (a >= 0) & (b >= 0) & (breaks[d:-1] == breaks[1 : ids.size - d + 1])
        m = sparse.coo_matrix((np.full(int(ok.sum()), 1.0 / d), (a[ok], b[ok])), shape=(n, n)).tocsr()
        cooc = cooc + m + m.T
    total = cooc.sum()
    row = np.asarray(cooc.sum(axis=1)).ravel()
    ctx = row**0.75
    ctx /= ctx.sum()
    coo = cooc.tocoo()
    pmi = np.log(coo.data * 1.0 / total) - np.log(row[coo.row] / total) - np.log(ctx[coo.col])
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=(n, n))
    log(f"PPMI {ppmi.nnz} cells ({time.time() - t0:.0f} s)")
    svd = TruncatedSVD(n_components=dim, random_state=seed, n_iter=7)
    vec = svd.fit_transform(ppmi)
    vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
    km = KMeans(n_clusters=k, random_state=seed, n_init=3, max_iter=100)
    labels = km.fit_predict(vec)
    log(f"k-means {k} clusters ({time.time() - t0:.0f} s)")
    return {
        "clusters": {w: int(c) for w, c in zip(vocab, labels)},
        "meta": {
            "corpus": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths},
            "k": k,
            "dim": dim,
            "window": window,
            "min_count": min_count,
            "max_vocab": max_vocab,
            "seed": seed,
        },
    }


def save(data: dict, path: Path) -> None:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    with open(path, "wb") as fh:
        with gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
            gz.write(raw)


def load(path: Path | None = None) -> dict:
    with gzip.open(path or default_path(), "rb") as fh:
        return json.loads(fh.read().decode("utf-8"))


def default_path() -> Path:
    return Path(__file__).resolve().parent.parent / "index_config" / CLUSTERS_FILE


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m nlp.word_clusters")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--k", type=int, default=K)
    ap.add_argument("--dim", type=int, default=DIM)
    ap.add_argument("--window", type=int, default=WINDOW)
    args = ap.parse_args(argv)
    data = build(k=args.k, dim=args.dim, window=args.window)
    out = args.out or default_path()
    save(data, out)
    print(
        f"{len(data['clusters'])} words in {args.k} clusters -> {out} (sha256 {hashlib.sha256(out.read_bytes()).hexdigest()})"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
