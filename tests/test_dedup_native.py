"""The native kernels (native/, `govtext_native`) against their numpy definitions.

Every kernel on shared vectors (corpus paragraphs, random texts of every length around
the k-gram and window sizes, hostile input); and end to end, a store loaded and a draft
checked with the kernels and with GOVTEXT_NATIVE=0 give identical tables, segment files
and reports. `make install` builds the kernels; GOVTEXT_NATIVE=0 skips the comparisons.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dedup import check, minhash, native, winnow
from dedup.normalize import normalize_many
from ingest.text import split_paragraphs

REPO = Path(__file__).resolve().parents[1]
LAWS = REPO.parent / "shared" / "corpus" / "laws.jsonl"
OFF = os.environ.get("GOVTEXT_NATIVE", "1").strip().lower() in ("0", "false", "no")
pytestmark = pytest.mark.skipif(OFF, reason="GOVTEXT_NATIVE=0: the numpy code runs alone")

ALPHABET = "治理基层网格矛盾纠纷调解党建引领服务中心社区村民自治法治德治□"
ODD = [
    "",
    "a",
    "\x00\x00\x00\x00\x00\x00",
    "é" * 7,  # Latin-1 only: one byte per code point in CPython
    "e\u0301" * 9,  # combining marks
    "𠀀𠀁𠀂😀😁中文混合𝕏" * 3,  # astral plane: four bytes per code point
    "\uffff\ufffe\U0010ffff" * 4,
    "条" * 4,
    "条" * 5,
    "条" * 13,
]


def _texts(seed: int) -> list[str]:
    rng = random.Random(seed)
    out = [
        "".join(rng.choice(ALPHABET) for _ in range(n)) for n in list(range(0, 30)) + [40, 80, 200] for _ in range(3)
    ]
    out += ODD
    rng.shuffle(out)
    return out


def _corpus(limit: int = 40) -> list[str]:
    if not LAWS.exists():
        pytest.skip("../shared corpus is not beside the repo")
    paras = []
    with open(LAWS, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= limit:
                break
            paras += split_paragraphs(json.loads(line)["text"])
    return normalize_many(paras)


VECTORS = {
    "random": lambda: _texts(15),
    "odd": lambda: list(ODD),
    "one_empty": lambda: [""],
    "none": lambda: [],
    "huge": lambda: ["".join(random.Random(3).choice(ALPHABET) for _ in range(300_000)), "短"],
    "corpus": _corpus,
}


def test_the_kernels_are_installed():
    # `make install` builds native/ into the venv; without it every kernel below runs in numpy
    assert native.available(), "govtext_native is not importable: run `make install` (needs cargo)"


@pytest.mark.parametrize("name", sorted(VECTORS))
@pytest.mark.parametrize("k", [1, 3, 5])
def test_kgram_hashes_equal_numpy(name, k):
    texts = VECTORS[name]()
    hs, ow = minhash.batch_kgram_hashes(texts, k)
    want_h, want_o = minhash.batch_kgram_hashes_np(texts, k)
    assert hs.dtype == want_h.dtype and ow.dtype == want_o.dtype
    assert np.array_equal(hs, want_h) and np.array_equal(ow, want_o)


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_signatures_and_band_keys_equal_numpy(name):
    texts = VECTORS[name]()
    grams = minhash.batch_kgram_hashes_np(texts, minhash.SHINGLE)
    sigs = minhash.signatures(texts, grams=grams)
    want = minhash.signatures_np(len(texts), *grams)
    assert sigs.shape == want.shape == (len(texts), minhash.NUM_PERM)
    assert np.array_equal(sigs, want)
    assert np.array_equal(minhash.band_keys(sigs), minhash.band_keys_np(want))


@pytest.mark.parametrize("name", sorted(VECTORS))
@pytest.mark.parametrize("plain,anchored", [(True, True), (False, True), (True, False)])
@pytest.mark.parametrize("w", [1, 4, winnow.W])
def test_fingerprint_keys_equal_numpy_in_order(name, plain, anchored, w):
    texts = VECTORS[name]()
    grams = minhash.batch_kgram_hashes_np(texts, winnow.K)
    got = winnow.batch_fingerprint_keys(texts, w=w, grams=grams, plain=plain, anchored=anchored)
    want = winnow.batch_fingerprint_keys_np(len(texts), *grams, w=w, plain=plain, anchored=anchored)
    assert len(got) == len(want) == len(texts)
    for g, x in zip(got, want):
        assert g.dtype == np.int64 and g.tolist() == x.tolist()


def test_lone_surrogates_raise_as_before():
    for texts in (["正常文本", "坏\ud800字符"], ["\udfff" * 10]):
        with pytest.raises(UnicodeEncodeError):
            minhash.batch_kgram_hashes(texts, 5)
        with pytest.raises(ValueError):  # the kernel refuses them itself
            native.kgram_hashes(texts, 5)


def test_non_str_input_raises_as_before():
    with pytest.raises(TypeError):
        minhash.batch_kgram_hashes(["文本", 5], 5)


def _run_inputs(seed: int):
    """A draft's k-grams and candidates' k-grams sharing runs (with repeats and collisions)."""
    rng = np.random.default_rng(seed)
    vocab = rng.integers(-(2**63), 2**63 - 1, size=300, dtype=np.int64)
    d_hash = vocab[rng.integers(0, 300, size=2000)]
    d_pos = np.arange(len(d_hash), dtype=np.int64) * 2 + 3
    c_parts, o_parts, p_parts = [], [], []
    for owner in range(40):
        n = int(rng.integers(0, 120))
        h = vocab[rng.integers(0, 400, size=n) % 300]
        if n > 20:  # a copied stretch of the draft
            a = int(rng.integers(0, len(d_hash) - 20))
            h[5:20] = d_hash[a : a + 15]
        c_parts.append(h)
        o_parts.append(np.full(n, owner, dtype=np.int64))
        p_parts.append(np.arange(n, dtype=np.int64))
    return d_hash, d_pos, np.concatenate(c_parts), np.concatenate(o_parts), np.concatenate(p_parts)


@pytest.mark.parametrize("seed", range(5))
def test_kgram_runs_equal_numpy(seed):
    args = _run_inputs(seed)
    got = check._runs(*args)
    want = check._runs_np(*args)
    for g, x in zip(got, want):
        assert g.tolist() == x.tolist()
    empty = np.zeros(0, dtype=np.int64)
    for a in ((empty, empty) + args[2:], args[:2] + (empty, empty, empty)):
        assert all(len(x) == 0 for x in check._runs(*a))


_WORKER = r"""
import hashlib, json, sqlite3, sys
from pathlib import Path
from dedup import native
from dedup.check import check_draft
from dedup.index import DedupIndex
from dedup.repost import repost
from ingest.text import split_paragraphs
import random

db, laws, out = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
docs = []
with open(laws, encoding="utf-8") as f:
    for i, line in enumerate(f):
        if i >= 120:
            break
        d = json.loads(line)
        docs.append((d.get("id") or f"doc{i}", split_paragraphs(d["text"]), d.get("source", "")))
conn = sqlite3.connect(db)
ix = DedupIndex(conn)
ix.bulk_load(docs[:80])
conn.commit()
for i in range(80, 120, 20):  # and the ingest path (near-duplicate verification, clusters)
    ix.add_documents(docs[i : i + 20])
    conn.commit()
rng = random.Random(5)
paras = [p for _, ps, _ in docs for p in ps if len(p) >= 40]
draft = "\n".join(repost(p, rng, ("number", "place")) if i % 3 else p for i, p in enumerate(rng.sample(paras, 60)))
draft += "\n本地区的工作经验和做法表明，要坚持问题导向，把握工作重点。"
reports = [check_draft(ix, draft), check_draft(ix, draft, quotes_as_citation=True, exclude_boilerplate=True)]
tables = {}
for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
    # a segment's sid is random: its place is (seq, kind); so is the text files' epoch
    cols = "seq, kind, level, n, keys, pids" if name == "dd_seg" else "*"
    where = " WHERE key <> 'text_epoch'" if name == "dd_meta" else ""
    rows = sorted(map(repr, conn.execute(f"SELECT {cols} FROM {name}{where}")))
    tables[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
seg_dir = Path(str(db) + ".segments")
files = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in (seg_dir.glob("*") if seg_dir.exists() else []))
Path(out).write_text(json.dumps({"native": native.available(), "reports": reports, "tables": tables, "files": files}, ensure_ascii=False, sort_keys=True))
"""


def _store_and_reports(tmp_path: Path, setting: str) -> dict:
    out = tmp_path / f"out-{setting}.json"
    env = dict(os.environ, GOVTEXT_NATIVE=setting, PYTHONPATH=str(REPO))
    subprocess.run(
        [sys.executable, "-c", _WORKER, str(tmp_path / f"store-{setting}.db"), str(LAWS), str(out)],
        env=env,
        cwd=REPO,
        check=True,
        timeout=600,
    )
    return json.loads(out.read_text(encoding="utf-8"))


def test_stored_tables_segment_files_and_reports_equal_numpy(tmp_path):
    if not LAWS.exists():
        pytest.skip("../shared corpus is not beside the repo")
    fast = _store_and_reports(tmp_path, "1")
    slow = _store_and_reports(tmp_path, "0")
    assert fast["native"] and not slow["native"]
    assert fast["reports"][0]["overlap_ratio"] > 0.2  # the draft does match
    assert fast["tables"] == slow["tables"]
    assert fast["files"] == slow["files"]  # (segment files: only for large segments)
    assert fast["reports"] == slow["reports"]


@pytest.mark.parametrize("seed", range(4))
def test_pair_runs_equal_numpy(seed):
    # candidate texts sharing stretches of the draft's paragraphs, pairs repeated and crossed
    rng = random.Random(seed)
    paras = ["".join(rng.choice(ALPHABET[:8]) for _ in range(rng.randint(0, 90))) for _ in range(12)]
    texts, source = [], []
    for _ in range(30):
        source.append(rng.randrange(len(paras)))
        p = paras[source[-1]]
        a = rng.randint(0, max(0, len(p) - 20))
        texts.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 10))) + p[a : a + rng.randint(0, 40)])
    texts += ["", "短", "𠀀𠀁𠀂😀😁中文", "é" * 12]
    g_hash, g_owner, g_local = check._batch_grams(paras)
    starts = np.cumsum([0] + [len(p) + 1 for p in paras])
    d_pos = starts[g_owner] + g_local
    d_key = check._seg_key(g_hash, g_owner)
    n_pairs = 150
    pairs = [(rng.randrange(len(paras)), rng.randrange(len(texts))) for _ in range(n_pairs)]
    pairs += [(s, c) for c, s in enumerate(source)] * 2  # each with its source, twice
    rng.shuffle(pairs)
    pair_seg = np.array([s for s, _ in pairs], dtype=np.int64)
    pair_cand = np.array([c for _, c in pairs], dtype=np.int64)
    got = check._pair_runs(texts, pair_seg, pair_cand, d_key, d_pos)
    want = check._pair_runs_np(texts, pair_seg, pair_cand, d_key, d_pos)
    assert len(want[0]) > 20
    for g, x in zip(got, want):
        assert g.tolist() == x.tolist()
    # texts given as their UTF-8 bytes (as read from the text files), some of them or all
    for mixed in ([t.encode() if i % 2 else t for i, t in enumerate(texts)], [t.encode() for t in texts]):
        for g, x in zip(native.pair_runs(mixed, check.K, pair_seg, pair_cand, d_key, d_pos), want):
            assert g.tolist() == x.tolist()
        for g, x in zip(check._pair_runs(mixed, pair_seg, pair_cand, d_key, d_pos), want):
            assert g.tolist() == x.tolist()
    with pytest.raises(ValueError):
        native.pair_runs([b"\xe4\xb8"], check.K, pair_seg[:1] * 0, pair_cand[:1] * 0, d_key, d_pos)
    empty = np.zeros(0, dtype=np.int64)
    assert all(len(x) == 0 for x in check._pair_runs(texts, empty, empty, d_key, d_pos))
    assert all(len(x) == 0 for x in check._pair_runs(texts, pair_seg, pair_cand, empty, empty))


@pytest.mark.parametrize("seed", range(3))
def test_segment_ranges_equal_numpy(seed):
    from dedup.postings import Segment

    rng = np.random.default_rng(seed)
    keys = rng.integers(-(2**63), 2**63 - 1, size=300_000, dtype=np.int64)
    keys[:5000] = keys[5000]  # a boilerplate key with many postings: a bucket far above the average
    keys[-3:] = [-(2**63), 2**63 - 1, 0]
    keys.sort()
    seg = Segment(keys, np.arange(len(keys), dtype=np.int32))
    q = np.concatenate([rng.choice(keys, 2000), rng.integers(-(2**63), 2**63 - 1, 2000, dtype=np.int64)])
    q = np.concatenate([q, [-(2**63), 2**63 - 1, 0, keys[5000]]]).astype(np.int64)
    d, shift, bits = seg._directory()
    left, right = seg.ranges(q)
    want = seg._ranges_np(q, d, shift, bits)
    assert left.tolist() == want[0].tolist() and right.tolist() == want[1].tolist()
    assert left.tolist() == np.searchsorted(keys, q, "left").tolist()
    assert right.tolist() == np.searchsorted(keys, q, "right").tolist()


# -- normalization --------------------------------------------------------------------

NORM_PIECES = [
    "晋城市",
    "阳城县",
    "xx市",
    "XX县",
    "**区",
    "××街道",
    "□□社区",
    "某某村委会",
    "某村",
    "x省",
    "*市",
    "○○",
    "△△乡",
    "■■",
    "x",
    "×",
    "2,000.5%",
    "３０",
    "二〇二三年",
    "第三条",
    "十五个",
    "三十五",
    "一二",
    "第",
    "％",
    "①",
    "㈠",
    "ﬁ",
    "Ⅻ",
    "١٢٣",
    "𝟙𝟚",
    "𐒠𐒡",
    "國務院",
    "發展",
    "，",
    "。",
    "　",
    "\t",
    "\r",
    "\n",
    " ",
    "😀",
    "\U0001f600",
    "\x00",
    "\u200b",
    "\ufeff",
    "é",
    "e\u0301",
    "A",
    "Ｂ",
    "中华人民共和国",
    "北京",
    "北京市",
    "人民",
    "新区",
    "的",
    "和",
    "推进",
    "□",
    "x□",
    "某",
    "2023",
    "12.",
    ".5",
    "1,",
    "村委会",
]


def _norm_texts(seed: int, n: int = 400) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(NORM_PIECES) for _ in range(rng.randint(0, 12))) for _ in range(n)]


NORM_VECTORS = {
    "pieces": lambda: _norm_texts(1),
    "more_pieces": lambda: _norm_texts(2),
    "corpus": lambda: _corpus_raw(),
    "odd": lambda: list(ODD) + ["", "\n\n", "\r\n", "□，□", "x，x"],
    "huge": lambda: ["".join(random.Random(4).choice(NORM_PIECES) for _ in range(60_000))],
}


def _corpus_raw(limit: int = 60) -> list[str]:
    if not LAWS.exists():
        pytest.skip("../shared corpus is not beside the repo")
    with open(LAWS, encoding="utf-8") as f:
        return [json.loads(line)["text"] for _, line in zip(range(limit), f)]


@pytest.mark.parametrize("name", sorted(NORM_VECTORS))
def test_normalization_equals_numpy(name):
    from dedup import normalize as nz

    assert nz._native_normalizer() is not None
    texts = NORM_VECTORS[name]()
    assert nz.normalize_many(texts) == nz.normalize_many_np(texts)
    for t in texts:  # one at a time, and with offsets (newlines kept)
        got, want = nz._normalize_arrays(t, True), nz._normalize_arrays_np(t, True)
        assert got[0] == want[0], t
        assert got[1].tolist() == want[1].tolist() and got[2].tolist() == want[2].tolist(), t
        assert nz._normalize_arrays(t, False)[0] == want[0]
    # a batch with no mask at all and one with a mask elsewhere collapse literal masks alike
    for batch in (["□，□"], ["□，□", "二〇二三年"]):
        assert nz.normalize_many(batch) == nz.normalize_many_np(batch)


def test_normalization_of_lone_surrogates_raises_as_before():
    from dedup import normalize as nz

    with pytest.raises(UnicodeEncodeError):
        nz.normalize_many(["正常", "坏\ud800"])
    with pytest.raises(UnicodeEncodeError):
        nz.normalize("坏\udfff字")


@pytest.mark.parametrize("seed", range(3))
def test_posting_pairs_equal_numpy(seed):
    from dedup.postings import Segment, SegmentPostings

    rng = np.random.default_rng(seed)
    vocab = rng.integers(-(2**63), 2**63 - 1, size=3000, dtype=np.int64)

    def segment(n: int) -> Segment:
        keys = np.sort(vocab[rng.integers(0, len(vocab), size=n)])  # keys repeat: several pids each
        return Segment(keys, rng.integers(0, 2**31 - 1, size=n, dtype=np.int64).astype(np.int32))

    # oldest first: a large one (searched through its directory), small ones, an empty one
    segs = [segment(400_000), segment(5000), segment(0), segment(300)]
    q = np.concatenate([vocab[rng.integers(0, len(vocab), size=700)], rng.integers(0, 9, size=50)]).astype(np.int64)
    for cap in (0, 1, 3, 50, rng.integers(0, 40, size=len(q))):
        got = native.posting_pairs(q, cap, [s.native_view() for s in segs])
        want = SegmentPostings._pairs_np(q, cap, segs)
        assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()
    assert all(len(x) == 0 for x in native.posting_pairs(q[:0], 5, [s.native_view() for s in segs]))
    with pytest.raises(ValueError):  # a negative cap: numpy's path decides
        native.posting_pairs(q, -1, [s.native_view() for s in segs])


def _difflib_blocks(a: str, b: str) -> list[tuple[int, int, int]]:
    import difflib

    return [tuple(m) for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()]


def test_matching_blocks_equal_difflib():
    rng = random.Random(9)
    pairs = [("", ""), ("", "abc"), ("abc", ""), ("ab", "acab"), ("abxcd", "abcd"), ("aaaa", "aa"), ("😀é中", "中😀é")]
    for _ in range(300):  # small alphabets: many repeats and ties
        alpha = rng.choice(["ab", "abc", "治理基层", ALPHABET])
        a = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 60)))
        b = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 250)))
        pairs.append((a, b))
    for t in _corpus()[:200]:  # a sentence of a paragraph against its neighbours
        pairs.append((t[5:60], t))
    for a, b in pairs:
        assert native.lib.matching_blocks(a, b) == _difflib_blocks(a, b), (a, b)
    with pytest.raises(ValueError):
        native.lib.matching_blocks("a\ud800", "a")


def test_cover4_equals_python():
    rng = random.Random(12)
    pairs = [
        ("", ""),
        ("abc", "abcd"),
        ("abcd", "abc"),
        ("abcd", "abcd"),
        ("aaaaaa", "aaaa"),
        ("😀é中文字", "x😀é中文"),
    ]
    for _ in range(2000):  # small alphabets: overlapping and repeated 4-grams
        alpha = rng.choice(["ab", "abc", "治理基层", ALPHABET, "é😀中a"])
        a = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 40)))
        b = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 120)))
        pairs.append((a, b))
    for t in _corpus()[:200]:
        pairs.append((t[5:60], t[::-1] + t[10:40]))
    for a, b in pairs:
        assert native.lib.cover4(a, b) == check._cover4_py(a, b), (a, b)
        assert check._cover4(a, b) == check._cover4_py(a, b)
    with pytest.raises(ValueError):  # the Python code decides, as for every kernel
        native.lib.cover4("ab\ud800cd", "ab\ud800cd")
    assert check._cover4("ab\ud800cd", "ab\ud800cd") == 5


@pytest.mark.parametrize("seed", range(6))
def test_rank_candidates_equals_numpy(seed):
    rng = np.random.default_rng(seed)
    n_par = int(rng.integers(1, 40))
    n = int(rng.integers(1, 6000))
    seg = rng.integers(0, n_par, n).astype(np.int64)
    pid = rng.integers(1, [5, 50, 5000, 10**7][seed % 4], n).astype(np.int64)  # few pids: many repeats
    kind = rng.integers(0, 3, n).astype(np.int8)
    # weights as _candidates gives them (1/postings, 3/postings, 0.5, 100): many exact ties
    w = np.choose(rng.integers(0, 4, n), [1.0 / rng.integers(1, 25, n), 3.0 / rng.integers(1, 65, n), 0.5, 100.0])
    caps = rng.integers(0, 30, n_par).astype(np.int64)
    got = native.rank_candidates(seg, pid, w, kind, caps)
    want = check._rank_np(seg, pid, w, kind, caps)
    for g, x in zip(got, want):
        assert g.tolist() == x.tolist()
    assert [x.tolist() for x in check._rank(seg, pid, w, kind, caps)] == [x.tolist() for x in want]
    with pytest.raises(ValueError):  # a paragraph without a cap: numpy's path decides
        native.rank_candidates(seg, pid, w, kind, caps[:0])
