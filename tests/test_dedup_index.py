"""DedupIndex on a real SQLite file: clusters, groups, boilerplate, removal,
parameter changes, and bounded work on very common keys."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from dedup import index as dd_index
from dedup.fingerprint import fingerprint_paragraphs
from dedup.index import DedupIndex, DedupParamsChanged
from dedup.repost import repost
from ingest.text import split_paragraphs

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("000_*.txt")) if SHARED.exists() else []
needs_seed = pytest.mark.skipif(not SEEDS, reason=f"seed page not found under {SHARED / 'seeds'}")

NEGATIVE = [
    "我县坚持加强组织领导，由县委书记亲自挂帅，把平安乡村创建纳入乡镇年度实绩考核。",
    "围绕推进市域社会治理现代化，我们在城东片区试行“楼栋长+物业+民警”三方议事，每月碰头一次。",
    "今年以来，全镇新增专职网格员四十名，配齐手持终端，群众诉求平均两小时内有人上门回应。",
    "下一步，要继续加强组织领导，把矛盾纠纷调处情况同干部评优评先直接挂钩，防止层层加码。",
]


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


@pytest.fixture()
def ix(tmp_path):
    conn = connect(tmp_path / "store.db")
    index = DedupIndex(conn)
    yield index
    conn.commit()
    conn.close()


def essay(n_paras: int = 12, offset: int = 20) -> list[str]:
    paras = [p for p in split_paragraphs(SEEDS[0].read_text(encoding="utf-8")) if len(p) >= 40]
    return paras[offset : offset + n_paras]


def test_creates_prefixed_tables_and_records_params(tmp_path):
    conn = connect(tmp_path / "a.db")
    DedupIndex(conn)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"dd_meta", "dd_doc", "dd_para", "dd_seg", "dd_cluster"} <= names
    assert all(n.startswith("dd_") for n in names)
    params = DedupIndex.stored_params(conn)
    assert params["scheme"]["normalization"]
    assert (
        params["scheme"]["minhash"]["bands"] * params["scheme"]["minhash"]["rows"]
        == params["scheme"]["minhash"]["num_perm"]
    )


def test_params_change_raises_or_resets(tmp_path):
    path = tmp_path / "b.db"
    conn = connect(path)
    ix = DedupIndex(conn)
    ix.add_document("d1", ["加强组织领导，推进市域社会治理现代化试点工作，确保取得实效。"])
    stored = DedupIndex.stored_params(conn)
    stored["scheme"]["normalization"] = "norm-0"
    conn.execute("UPDATE dd_meta SET value = ? WHERE key = 'params'", (json.dumps(stored),))
    conn.commit()
    conn.close()
    conn = connect(path)
    with pytest.raises(DedupParamsChanged):
        DedupIndex(conn)
    ix = DedupIndex(conn, on_mismatch="reset")
    assert ix.was_reset
    assert ix.stats()["documents"] == 0
    assert DedupIndex.stored_params(conn)["scheme"]["normalization"] != "norm-0"
    conn.close()


def test_runs_inside_callers_transaction(tmp_path):
    conn = connect(tmp_path / "c.db")
    ix = DedupIndex(conn)
    conn.commit()
    ix.add_document("d1", ["加强组织领导，推进市域社会治理现代化试点工作，确保取得实效。"])
    assert conn.in_transaction  # we never commit for the caller
    conn.rollback()
    assert ix.stats()["documents"] == 0


@needs_seed
def test_seed_page_duplicate_clusters(ix):
    paras = split_paragraphs(SEEDS[0].read_text(encoding="utf-8"))
    ix.add_document("seed", paras, site="fanwen.example")
    st = ix.stats()
    assert st["paragraphs"] == len(paras)
    # the page repeats whole essays: many clusters, and a large share of duplicate paragraphs
    assert st["clusters"] >= 30
    assert st["duplicate_paragraph_share"] > 0.3
    rec = ix.paragraph_recurrence("seed")
    assert len(rec) == len(paras) and all(r == 1 for r in rec)  # one document: one doc per cluster
    big = ix.clusters(min_size=2, limit=5)
    assert big and big[0]["size"] >= 5
    # members of a cluster are the same paragraph (or a near-copy) repeated
    texts = [paras[m["paragraph_index"]] for m in big[0]["members"]]
    assert len(set(texts)) <= len(texts)


@needs_seed
def test_reposted_copies_join_group_and_negatives_do_not(ix):
    original = essay()
    rng = random.Random(5)
    ix.add_document("orig", original, site="a.example")
    copies = {}
    for k, edits in enumerate(
        [
            ("place", "number"),
            ("insert", "punct"),
            ("drop", "swap"),
            ("traditional", "place"),
            ("place", "number", "insert", "punct"),
        ]
    ):
        copies[f"copy{k}"] = [repost(p, rng, edits) for p in original]
        res = ix.add_document(f"copy{k}", copies[f"copy{k}"], site=f"s{k}.example")
        assert res["group_size"] == k + 2, (k, res)
    gid, size = ix.group_of("orig")
    assert size == 6 and gid == "orig"  # the first document represents the group
    assert set(ix.group_members(gid)) == {"orig", *copies}
    assert all(ix.group_of(c) == ("orig", 6) for c in copies)
    ix.add_document("neg", NEGATIVE, site="n.example")
    assert ix.group_of("neg") == ("neg", 1)  # alone: its own group
    assert ix.group_members("neg") == ["neg"] and ix.group_members("missing") == []
    assert ix.paragraph_recurrence("neg") == [1] * len(NEGATIVE)
    rec = ix.paragraph_recurrence("orig")
    assert sum(1 for r in rec if r >= 5) >= len(original) * 0.8
    # boilerplate: the essay's paragraphs recur in 6 documents on 6 sites
    bp = ix.boilerplate(min_docs=3, limit=10)
    assert bp and bp[0]["docs"] >= 5 and bp[0]["sites"] >= 5
    assert bp[0]["variants"] and bp[0]["occurrences"]
    assert all(o["doc_id"] != "neg" for b in bp for o in b["occurrences"])


@needs_seed
def test_remove_document_splits_what_it_bridged(ix):
    original = essay(8, offset=60)
    ix.add_document("a", original)
    ix.add_document("b", list(original))
    ix.add_document("c", NEGATIVE)
    assert ix.group_of("a")[1] == 2
    res = ix.remove_document("b")
    assert res["removed"]
    assert ix.group_of("b") is None
    assert ix.group_of("a")[1] == 1
    assert ix.paragraph_recurrence("a") == [1] * len(original)
    assert ix.stats()["documents"] == 2
    assert ix.remove_document("nope")["removed"] is False
    # re-adding replaces
    ix.add_document("a", original[:3])
    assert len(ix.paragraph_recurrence("a")) == 3
    # removed paragraphs' postings are dropped when segments merge
    live = {r[0] for r in ix.conn.execute("SELECT pid FROM dd_para WHERE posted = 1")}
    before = ix.stats(postings=True)["band_postings"]
    ix.bands.merge()
    ix.fps.merge()
    for postings in (ix.bands, ix.fps):
        assert all(set(seg.pids.tolist()) <= live for seg in postings.segments())
    assert 0 < ix.stats(postings=True)["band_postings"] < before


def test_common_keys_are_capped(ix):
    # one boilerplate paragraph in many documents: postings read per key are capped
    boiler = "本办法自发布之日起施行，由市人民政府办公室负责解释，各有关单位要认真贯彻执行。"
    rng = random.Random(11)
    pool = [chr(c) for c in range(0x4E00, 0x4E00 + 2000)]
    n_docs = dd_index.MAX_POSTINGS + 20
    for i in range(n_docs):
        body = "".join(rng.choice(pool) for _ in range(60))
        # a near-copy (not an exact twin) each time, so every copy carries postings
        variant = boiler + "".join(rng.choice(pool) for _ in range(3))
        ix.add_document(f"d{i}", [variant, body])
    prints = fingerprint_paragraphs([boiler])
    fps = prints.fps[0].tolist()
    real = max(ix.fps.count(h) for h in fps)
    assert real == n_docs > dd_index.MAX_POSTINGS
    assert all(len(v) <= dd_index.MAX_POSTINGS for v in ix.lookup_fingerprints(fps).values())
    assert all(len(v) <= dd_index.MAX_POSTINGS for v in ix.lookup_bands(prints.bands[0]).values())
    bp = ix.boilerplate(min_docs=3)
    assert bp[0]["docs"] == n_docs and bp[0]["text"].startswith(boiler)
    assert len(bp[0]["variants"]) == 5
    assert ix.stats()["groups"] == 0  # one shared boilerplate paragraph does not make documents copies


def test_segment_ranges_equal_searchsorted(monkeypatch):
    # the radix directory answers exactly what a binary search does, duplicates and misses included
    from dedup import postings
    from dedup.postings import Segment

    monkeypatch.setattr(postings, "CACHED_KEYS", 0)  # small segments skip the directory otherwise

    rng = np.random.default_rng(4)
    for n in (0, 1, 7, 5000):
        keys = rng.integers(-(2**63), 2**63 - 1, size=n, dtype=np.int64)
        if n:
            keys = np.concatenate([keys, np.repeat(keys[0], 300), [-(2**63), 2**63 - 1]])
        keys = np.sort(keys)
        seg = Segment(keys, np.arange(len(keys), dtype=np.int32))
        q = np.concatenate(
            [
                rng.choice(keys, 50) if len(keys) else keys,
                rng.integers(-(2**63), 2**63 - 1, size=50, dtype=np.int64),
                [-(2**63), 2**63 - 1],
            ]
        )
        lo, hi = seg.ranges(q)
        assert np.array_equal(lo, np.searchsorted(keys, q, "left"))
        assert np.array_equal(hi, np.searchsorted(keys, q, "right"))


def test_sort_pairs_orders_as_lexsort():
    # segment builds sort (key, pid) pairs; runs of equal keys must come out in pid order
    from dedup.postings import sort_pairs

    rng = np.random.default_rng(9)
    for n in (0, 1, 2, 9, 4000):
        for key_range, pid_range in ((4, 30), (2**62, 2**31 - 1), (50, 2**31 - 1)):
            keys = rng.integers(-key_range, key_range, size=n, dtype=np.int64)
            pids = rng.integers(0, pid_range, size=n, dtype=np.int64)
            order = sort_pairs(keys, pids)
            ref = np.lexsort((pids, keys))
            assert np.array_equal(keys[order], keys[ref]) and np.array_equal(pids[order], pids[ref])


def test_pairs_with_a_cap_per_key_equal_one_lookup_per_cap(ix):
    # the draft check reads anchored keys 64 deep and plain ones 24 deep in one search
    boiler = "本办法自发布之日起施行，由市人民政府办公室负责解释，各有关单位要认真贯彻执行。"
    rng = random.Random(5)
    pool = [chr(c) for c in range(0x4E00, 0x4E00 + 2000)]
    for i in range(40):
        ix.add_document(f"d{i}", [boiler + "".join(rng.choice(pool) for _ in range(3))])
        if i % 10 == 9:  # postings spread over several segments
            ix.conn.commit()
    keys = np.array(fingerprint_paragraphs([boiler]).fps[0].tolist(), dtype=np.int64)
    a, b = keys[: len(keys) // 2], keys[len(keys) // 3 :]  # overlapping: some keys get both caps
    qi, pid = ix.posting_pairs("fp", np.concatenate([a, b]), np.array([30] * len(a) + [7] * len(b)))
    qa, pa = ix.posting_pairs("fp", a, 30)
    qb, pb = ix.posting_pairs("fp", b, 7)
    assert np.array_equal(qi, np.concatenate([qa, qb + len(a)]))
    assert np.array_equal(pid, np.concatenate([pa, pb]))
    assert np.bincount(qb).max() == 7 and np.bincount(qa).max() == 30


def test_bulk_load_clusters_exact_twins_across_batches(ix):
    # batches of 2 paragraphs: the twins of A come in later batches; only the first A is posted
    a, b, c = NEGATIVE[0], NEGATIVE[1], NEGATIVE[2]
    docs = [("d1", [a, b], "s1"), ("d2", [a, c], "s2"), ("d3", [a], ""), ("d4", [], "s4")]
    assert ix.bulk_load(iter(docs), batch_paragraphs=2) == 5
    conn = ix.conn
    rows = conn.execute("SELECT pid, did, idx, cluster, posted FROM dd_para ORDER BY pid").fetchall()
    dids = dict(conn.execute("SELECT doc, did FROM dd_doc").fetchall())
    d1, d2, d3 = dids["d1"], dids["d2"], dids["d3"]
    assert rows == [(1, d1, 0, 1, 1), (2, d1, 1, 2, 1), (3, d2, 0, 1, 0), (4, d2, 1, 4, 1), (5, d3, 0, 1, 0)]
    assert conn.execute("SELECT cid, size, ndocs FROM dd_cluster ORDER BY cid").fetchall() == [
        (1, 3, 3),
        (2, 1, 1),
        (4, 1, 1),
    ]
    norm = dict(conn.execute("SELECT pid, nlen FROM dd_para").fetchall())
    docs_rows = {r[0]: r[1:] for r in conn.execute("SELECT doc, chars, npara, grp = did FROM dd_doc")}
    assert docs_rows == {
        "d1": (norm[1] + norm[2], 2, 1),
        "d2": (norm[3] + norm[4], 2, 1),
        "d3": (norm[5], 1, 1),
        "d4": (0, 0, 1),
    }
    prints = fingerprint_paragraphs([a])
    assert ix.lookup_exact([prints.hashes[0]]) == {prints.hashes[0]: [1, 3, 5]}
    assert {p for ps in ix.lookup_fingerprints(prints.fps[0].tolist()).values() for p in ps} == {1}


def test_bulk_load_rebuilds_the_paragraph_indexes_also_after_a_failure(ix):
    """bulk_load builds dd_para's indexes once at the end, and puts them back when the
    documents fail midway (so a store never lacks them)."""
    conn = ix.conn

    def indexes():
        return sorted(
            r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dd_para'")
        )

    before = indexes()
    assert len(before) == 3
    a, b = NEGATIVE[0], NEGATIVE[1]
    ix.bulk_load(iter([("d1", [a, b], ""), ("d2", [a], "")]), batch_paragraphs=1)
    assert indexes() == before
    plan = conn.execute("EXPLAIN QUERY PLAN SELECT pid FROM dd_para WHERE hash = 1").fetchall()
    assert "dd_para_hash" in str(plan)
    assert sorted(
        p
        for ps in ix.twins([conn.execute("SELECT hash FROM dd_para WHERE pid = 1").fetchone()[0]]).values()
        for p in ps
    ) == [1, 3]

    def failing():
        yield "d3", [b + "。"], ""
        raise RuntimeError("source broke")

    fresh = DedupIndex(sqlite3.connect(":memory:"))
    with pytest.raises(RuntimeError):
        fresh.bulk_load(failing(), batch_paragraphs=1)
    assert (
        sorted(
            r[0]
            for r in fresh.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dd_para'")
        )
        == before
    )
