"""Automatic size-tiered compaction of the posting segments, on real SQLite stores."""

from __future__ import annotations

import json
import multiprocessing as mp
import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from dedup.check import check_draft
from govtext.sqlite_tx import immediate
from dedup.index import DedupIndex
from dedup.postings import compaction_plan
from dedup.repost import repost
from ingest.text import split_paragraphs

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("000_*.txt")) if SHARED.exists() else []


@pytest.fixture(scope="module")
def paras():
    if not SEEDS:
        pytest.skip(f"seed page not found under {SHARED / 'seeds'}")
    return split_paragraphs(SEEDS[0].read_text(encoding="utf-8"))


def _store(path: Path, paras: list[str], batch: int = 20) -> tuple[sqlite3.Connection, DedupIndex]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    ix = DedupIndex(conn)
    for i in range(0, len(paras), batch):  # one segment per kind per batch
        with immediate(conn):
            ix.add_documents([(f"d{i}", paras[i : i + batch], "")])
    return conn, ix


def _draft(paras: list[str]) -> str:
    rng = random.Random(6)
    return "\n".join(repost(p, rng, ("number",)) for p in paras if len(p) >= 60)


def _kinds(conn) -> dict[str, int]:
    return dict(conn.execute("SELECT kind, COUNT(*) FROM dd_seg GROUP BY kind").fetchall())


def test_plan_merges_a_bulk_load_and_leaves_a_small_tail():
    # a bulk load's two level-1 segments and four level-0 ones: all merged
    assert compaction_plan([8, 8, 1, 1, 1, 1], 3, 0) == 0
    # one large segment and a write of a few documents: nothing to do
    assert compaction_plan([100, 1], 3, 0) is None
    # a tail grown to a third of the large segment: everything
    assert compaction_plan([90, 20, 10], 3, 0) == 0
    # a large one, then a tail of similar segments: the tail only
    assert compaction_plan([1000, 10, 10, 10], 3, 0) == 1
    # merges below min_merge postings are left to the write path's tiers
    assert compaction_plan([1000, 10, 10, 10], 3, 100) is None
    assert compaction_plan([8, 8, 1, 1], 0, 0) is None  # ratio 0: off
    assert compaction_plan([5], 3, 0) is None


def test_auto_compaction_keeps_every_report_and_posting(tmp_path, paras):
    conn, ix = _store(tmp_path / "s.db", paras)
    before_kinds = _kinds(conn)
    assert min(before_kinds.values()) > 2
    totals = (ix.bands.total(), ix.fps.total())
    draft = _draft(paras)
    before = check_draft(ix, draft)
    assert before["matches"]
    done = ix.auto_compact(lambda: immediate(conn), ratio=3, min_postings=0)
    assert set(done) == {"band", "fp"}
    after_kinds = _kinds(conn)
    assert all(after_kinds[k] < before_kinds[k] for k in before_kinds)
    for postings in (ix.bands, ix.fps):  # every segment holds over 3x the newer ones
        sizes = [r[3] for r in postings.sizes()]
        assert all(sizes[i] > 3 * sum(sizes[i + 1 :]) for i in range(len(sizes) - 1)), sizes
    assert (ix.bands.total(), ix.fps.total()) == totals
    assert check_draft(ix, draft) == before
    # nothing more is due: a second run changes nothing
    assert ix.auto_compact(lambda: immediate(conn), ratio=3, min_postings=0) == {}
    conn.close()


def test_a_merge_another_writer_made_first_wins(tmp_path, paras):
    conn, ix = _store(tmp_path / "s.db", paras)
    plan = ix.fps.plan_compaction(3, 0)
    assert len(plan) > 2
    merged = ix.fps.build_merged(plan)
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    with immediate(other):
        DedupIndex(other).compact()  # another process compacts meanwhile
    other.close()
    with immediate(conn):
        assert not ix.fps.replace(plan, merged)
    assert _kinds(conn) == {"band": 1, "fp": 1}
    conn.close()


def test_the_merged_segment_keeps_its_place_before_newer_writes(tmp_path, paras):
    """A segment written while the merge was being built stays after it in the lookup order."""
    half = len(paras) // 2
    conn, ix = _store(tmp_path / "s.db", paras[:half])
    older = [r[0] for r in ix.fps.sizes()]
    plan = ix.fps.plan_compaction(3, 0)
    assert len(plan) > 1
    older = older[: len(older) - len(plan)]
    merged = ix.fps.build_merged(plan)
    with immediate(conn):
        ix.add_documents([("late", paras[half:], "")])
    late = ix.fps.sizes()[-1][0]
    with immediate(conn):
        assert ix.fps.replace(plan, merged)
    order = [r[0] for r in ix.fps.sizes()]
    assert order[: len(older)] == older and len(order) == len(older) + 2 and order[-1] == late


def _reader(db: str, draft: str, ready, go, out) -> None:
    """Another process: checks the draft in one read transaction before and after the swap."""
    conn = sqlite3.connect(db, isolation_level=None)
    ix = DedupIndex(conn)
    conn.execute("BEGIN")
    first = check_draft(ix, draft)  # maps the segments' files
    ready.set()
    go.wait(60)
    same_snapshot = check_draft(ix, draft)
    conn.execute("COMMIT")
    fresh = check_draft(ix, draft)  # the merged segment
    segments = len(ix.fps.sizes())
    out.put(json.dumps([first, same_snapshot, fresh, segments], ensure_ascii=False))
    conn.close()


def test_a_reader_in_another_process_keeps_working(tmp_path, paras):
    db = tmp_path / "s.db"
    conn, ix = _store(db, paras)
    draft = _draft(paras)
    expected = check_draft(ix, draft)
    ctx = mp.get_context("spawn")
    ready, go, out = ctx.Event(), ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=_reader, args=(str(db), draft, ready, go, out))
    proc.start()
    try:
        assert ready.wait(120)
        assert set(ix.auto_compact(lambda: immediate(conn), ratio=3, min_postings=0)) == {"band", "fp"}
        go.set()
        first, same_snapshot, fresh, segments = json.loads(out.get(timeout=120))
    finally:
        proc.join(60)
    assert proc.exitcode == 0
    assert segments == len(ix.fps.sizes())
    assert first == same_snapshot == fresh == json.loads(json.dumps(expected, ensure_ascii=False))
    conn.close()


@pytest.mark.slow
def test_govtext_ingest_compacts_its_segments(tmp_path, paras):
    """`govtext ingest` in write batches of two documents: its posting segments are merged
    at the end (not with GOVTEXT_COMPACT_RATIO=0), and the check reports the same either way."""
    path = tmp_path / "docs.jsonl"
    docs = [{"id": f"d{i}", "text": "\n".join(paras[i : i + 8])} for i in range(0, len(paras), 8)]
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8")
    draft = tmp_path / "draft.txt"
    draft.write_text(_draft(paras), encoding="utf-8")
    reports, kinds = {}, {}
    for ratio in ("0", "3"):
        data = tmp_path / f"r{ratio}"
        env = {"GOVTEXT_INGEST_BATCH": "2", "GOVTEXT_COMPACT_RATIO": ratio, "GOVTEXT_COMPACT_MIN_POSTINGS": "0"}
        result = run_cli("ingest", str(path), "--quiet", data=data, env=env)
        assert result.returncode == 0, result.stderr.decode()
        conn = sqlite3.connect(data / "govtext.sqlite3")
        kinds[ratio] = _kinds(conn)
        conn.close()
        reports[ratio] = json.loads(run_cli("check", str(draft), "--json", data=data, env=env).stdout)
    assert min(kinds["0"].values()) > 2
    assert all(kinds["3"][k] < kinds["0"][k] for k in kinds["0"])
    assert reports["3"]["matches"] and reports["3"] == reports["0"]


@pytest.mark.parametrize("ascending", [True, False])
def test_a_merge_of_sorted_runs_equals_sorting_every_pair(tmp_path, ascending):
    """Segments whose pids ascend from one to the next are merged by a stable sort by key; the
    result is the full (key, pid) sort of their pairs, dead pids dropped, as in any other order."""
    from dedup.postings import SegmentPostings

    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    DedupIndex(conn)
    rng = np.random.default_rng(7)
    postings = SegmentPostings(conn, "fp")
    shared = rng.integers(-(2**63), 2**63 - 1, 50, dtype=np.int64)  # keys in every segment
    segs, top = [], 0
    for n in (400, 3, 250):
        pids = top + 1 + np.sort(rng.choice(3 * n, n, replace=False))
        keys = np.concatenate([rng.choice(shared, n // 2), rng.integers(-(2**63), 2**63 - 1, n - n // 2)])
        segs.append(SegmentPostings.build(keys, pids))
        top = int(pids.max())
    if not ascending:
        segs = segs[::-1]
    alive = np.unique(np.concatenate([s.pids for s in segs]).astype(np.int64))[::3]  # the others were removed
    conn.executemany(
        "INSERT INTO dd_para (pid, did, idx, nlen, hash, cluster, norm, text, posted) VALUES (?,0,0,0,0,0,'','',?)",
        [(int(p), 1) for p in alive] + [(int(p), 0) for p in alive + 1 if p not in set(alive.tolist())],
    )
    merged = postings._merged([s.keys for s in segs], [s.pids for s in segs])
    keys = np.concatenate([s.keys for s in segs])
    pids = np.concatenate([s.pids for s in segs]).astype(np.int64)
    live = np.isin(pids, alive)
    expected = SegmentPostings.build(keys[live], pids[live])
    assert len(merged.keys) == int(live.sum()) > 0
    assert np.array_equal(merged.keys, expected.keys) and np.array_equal(merged.pids, expected.pids)
    assert merged.pids.dtype == expected.pids.dtype
