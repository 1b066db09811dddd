"""Posting segments as memory-mapped files: the same answers as the SQLite blobs,
rebuilt when missing or damaged, removed when merged away, shared between processes."""

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from dedup import postings, segfiles
from dedup.postings import SegmentPostings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fresh_cache(monkeypatch):
    """Each call: a new process-wide segment cache (as a new worker process has)."""

    def renew():
        monkeypatch.setattr(postings, "_cache", postings._SegmentCache(postings.CACHE_BYTES))

    renew()
    return renew


def make_store(path: Path, seed: int = 5, batches=(300_000, 20_000, 5_000)):
    """A store with a large segment (searched through its radix directory) and small ones;
    keys drawn from a small range too, so keys repeat within and across segments."""
    rng = np.random.default_rng(seed)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE IF NOT EXISTS dd_para (pid INTEGER PRIMARY KEY, posted INTEGER)")
    sp = SegmentPostings(conn, "fp")
    first = 0
    for n in batches:
        keys = np.concatenate([rng.integers(-(2**62), 2**62, n - 1000), rng.integers(0, 50, 1000)])
        pids = np.arange(first, first + n)
        first += n
        sp.write(keys, pids)
    conn.executemany("INSERT INTO dd_para VALUES (?, 1)", [(i,) for i in range(first)])
    conn.commit()
    return conn, sp


def queries(sp: SegmentPostings, rng_seed: int = 9) -> np.ndarray:
    rng = np.random.default_rng(rng_seed)
    stored = np.concatenate([s.keys for s in sp.segments()])
    return np.concatenate([rng.choice(stored, 3000), rng.integers(-(2**62), 2**62, 3000), np.arange(60)])


def truth(conn: sqlite3.Connection, q: np.ndarray, cap: int):
    """The answer from the blobs alone (no files)."""
    sp = SegmentPostings(conn, "fp")
    sp.files = None
    postings._cache = postings._SegmentCache(postings.CACHE_BYTES)
    return sp.pairs(q, cap)


def same(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_lookups_from_files_equal_lookups_from_blobs(tmp_path, fresh_cache):
    conn, sp = make_store(tmp_path / "s.sqlite3")
    q = queries(sp)
    fresh_cache()
    sp = SegmentPostings(conn, "fp")
    got = sp.pairs(q, 7)
    segs = sp.segments()
    assert all(s.mapped for s in segs), "every segment of a store on disk is memory-mapped"
    files = sorted(p.name for p in (tmp_path / "s.sqlite3.segments").iterdir())
    sids = [r[0] for r in conn.execute("SELECT sid FROM dd_seg")]
    assert {f"fp-{sid}.keys.npy" for sid in sids} | {f"fp-{sid}.pids.npy" for sid in sids} <= set(files)
    assert any(f.endswith(".dir.npy") for f in files), "the large segment's directory is shared too"
    assert len(got[0]) > 3000
    assert same(got, truth(conn, q, 7))
    assert sp.lookup(q.tolist(), 3) == {k: v for k, v in SegmentPostings(conn, "fp").lookup(q.tolist(), 3).items()}


@pytest.mark.parametrize("damage", ["delete", "truncate", "zeros", "garbage-header", "dir-truncate"])
def test_missing_or_damaged_files_are_rebuilt_from_sqlite(tmp_path, fresh_cache, damage):
    db = tmp_path / "s.sqlite3"
    conn, sp = make_store(db)
    q = queries(sp)
    want = truth(conn, q, 5)
    fresh_cache()
    SegmentPostings(conn, "fp").pairs(q, 5)  # writes the files
    big = conn.execute("SELECT sid FROM dd_seg ORDER BY n DESC LIMIT 1").fetchone()[0]
    d = db.with_name(db.name + ".segments")
    keys, pids, dirf = (d / f"fp-{big}.{p}.npy" for p in ("keys", "pids", "dir"))
    assert keys.exists() and pids.exists() and dirf.exists()
    if damage == "delete":
        keys.unlink()
        pids.unlink()
    elif damage == "truncate":
        keys.write_bytes(keys.read_bytes()[: keys.stat().st_size // 2])
    elif damage == "zeros":  # right size, wrong values (a crash before the data reached the disk)
        raw = bytearray(pids.read_bytes())
        raw[128:] = bytes(len(raw) - 128)
        pids.write_bytes(bytes(raw))
    elif damage == "garbage-header":
        keys.write_bytes(b"not a numpy file" + keys.read_bytes()[16:])
    else:
        dirf.write_bytes(dirf.read_bytes()[:200])
    fresh_cache()
    assert same(SegmentPostings(conn, "fp").pairs(q, 5), want)
    n = conn.execute("SELECT n FROM dd_seg WHERE sid = ?", (big,)).fetchone()[0]
    assert segfiles.SegmentFiles(str(db))._map(keys, np.dtype(np.int64), n) is not None, "the file was rewritten"
    fresh_cache()
    assert same(SegmentPostings(conn, "fp").pairs(q, 5), want)
    assert keys.exists() and pids.exists()


def test_merge_removes_the_files_of_merged_segments(tmp_path, fresh_cache):
    db = tmp_path / "s.sqlite3"
    conn, sp = make_store(db, batches=(4000, 3000, 2000))
    q = queries(sp)
    want = truth(conn, q, 9)
    fresh_cache()
    sp = SegmentPostings(conn, "fp")
    sp.pairs(q, 9)
    old = {r[0] for r in conn.execute("SELECT sid FROM dd_seg")}
    d = db.with_name(db.name + ".segments")
    assert {int(p.name.split("-")[1].split(".")[0]) for p in d.iterdir()} == old
    sp.merge()
    conn.commit()
    assert not any(int(p.name.split("-")[1].split(".")[0]) in old for p in d.iterdir())
    fresh_cache()
    assert same(SegmentPostings(conn, "fp").pairs(q, 9), want)
    sp.clear()
    conn.commit()
    assert list(d.iterdir()) == []


def test_sweep_removes_files_of_segments_that_no_longer_exist(tmp_path, fresh_cache, monkeypatch):
    db = tmp_path / "s.sqlite3"
    conn, sp = make_store(db, batches=(4000, 3000))
    fresh_cache()
    SegmentPostings(conn, "fp").segments()
    d = db.with_name(db.name + ".segments")
    orphan = d / "fp-123456789.keys.npy"  # e.g. a segment whose transaction was rolled back
    np.save(orphan, np.arange(3, dtype=np.int64))
    other = d / "band-123456789.keys.npy"
    np.save(other, np.arange(3, dtype=np.int64))
    monkeypatch.setattr(segfiles, "SWEEP_AGE", -1.0)
    sp = SegmentPostings(conn, "fp")
    sp.segments()
    assert not orphan.exists(), "a file of no segment is removed"
    assert other.exists(), "a sweep of one kind leaves the other kind's files alone"
    assert len(list(d.glob("fp-*"))) == 4


def test_in_memory_store_decodes_blobs(fresh_cache):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE dd_para (pid INTEGER PRIMARY KEY, posted INTEGER)")
    sp = SegmentPostings(conn, "band")
    sp.write(np.array([5, 3, 5]), np.array([1, 2, 3]))
    assert sp.files is None
    assert sp.lookup([5, 3, 4], 10) == {5: [1, 3], 3: [2]}


def segment_file_memory(pid: int) -> tuple[int, int]:
    """(Rss, Pss) in kB of a process's mappings of .npy files."""
    rss = pss = 0
    cur = False
    for line in open(f"/proc/{pid}/smaps"):
        f = line.split()
        if f and f[0][0] in "0123456789abcdef" and "-" in f[0] and not f[0].endswith(":"):
            cur = len(f) >= 6 and f[-1].endswith(".npy")
        elif cur and f[0] == "Rss:":
            rss += int(f[1])
        elif cur and f[0] == "Pss:":
            pss += int(f[1])
    return rss, pss


@pytest.mark.slow  # starts govtext processes: `make test` runs it, `make test-fast` leaves it out
def test_two_processes_share_the_pages(tmp_path):
    """Two processes that looked up in the same store map the same segment files:
    the pages count once in each one's PSS, halved."""
    db = tmp_path / "s.sqlite3"
    conn, _ = make_store(db, batches=(2_000_000,))
    conn.close()
    code = textwrap.dedent(
        f"""
        import sqlite3, sys, time
        import numpy as np
        sys.path.insert(0, {str(ROOT)!r})
        from dedup.postings import SegmentPostings
        sp = SegmentPostings(sqlite3.connect({str(db)!r}), "fp")
        for s in sp.segments():
            int(s.keys.sum()); int(s.pids.sum())  # touch every page
        print("ready", flush=True)
        sys.stdin.readline()
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        mapped = [segment_file_memory(p.pid) for p in procs]
        seg_kb = 2_000_000 * 12 // 1024
        for rss, pss in mapped:
            assert rss >= 0.9 * seg_kb, "the segment's pages are resident through the mapping"
            assert pss <= 0.6 * rss, "and shared with the other process, not copied"
    finally:
        for p in procs:
            p.stdin.close()
            p.wait(timeout=30)
