"""Posting lists (fingerprint -> paragraph ids) as immutable sorted segments.

A paragraph has about 40 keys (20 LSH band keys, two dozen winnowing
fingerprint keys). Stored as one B-tree row each, ingest spent most of its time
inserting rows at random places in two large tables. Here every write batch
becomes one *segment* per kind: the batch's (key, pid) pairs sorted by key,
stored as two blobs in one row of ``dd_seg``, written in the caller's
transaction, so postings commit or roll back with their paragraphs. This is
the log-structured layout of Lucene and of LSM trees:

- lookups binary-search every segment (numpy ``searchsorted``, all query keys
  at once) and read at most ``cap`` pids per key, oldest segments first;
- segments never change; a process caches their arrays by their random id
  (a rolled-back segment's id is never reused, so the cache cannot go stale);
  a store on disk keeps each segment's arrays also as files beside it, which
  every process memory-maps, so the server's workers share one copy in the page
  cache (``dedup/segfiles.py``; the blob stays the truth);
- when ``FANOUT`` segments of one level exist they are merged into one of the
  next level, so a store holds O(FANOUT x log(batches)) segments; merging drops
  the postings of paragraphs that no longer carry postings (removed documents),
  which until then lookups return and the caller filters out (it reads the
  paragraph rows of every candidate anyway).
"""

from __future__ import annotations

import json
import mmap
import secrets
import sqlite3
import threading
from collections import OrderedDict

import numpy as np

from . import native
from .segfiles import SegmentFiles

KINDS = ("band", "fp")
FANOUT = 8
#: bytes of segment arrays a process keeps decoded (all processes' stores together)
CACHE_BYTES = 1 << 30

_SCHEMA = """
CREATE TABLE IF NOT EXISTS dd_seg (
    sid INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    level INTEGER NOT NULL,
    n INTEGER NOT NULL,
    keys BLOB NOT NULL,
    pids BLOB NOT NULL
)
"""

_EMPTY = np.zeros(0, dtype=np.int64)
#: keys per directory bucket, on average
BUCKET = 16
#: segments up to this many keys (2 MB) are searched without a directory
CACHED_KEYS = 1 << 18


class Segment:
    """One segment's sorted keys and their pids, with a radix directory.

    Keys are well-mixed 64-bit hashes, so their top bits spread them evenly:
    ``directory[t]`` is the first position of keys whose top ``bits`` bits are t.
    A lookup reads the directory (one cache miss), then bisects a bucket of
    about ``BUCKET`` keys that sits in a cache line or two, where a plain binary
    search over tens of millions of keys takes ~25 cache misses per key."""

    __slots__ = ("keys", "pids", "_dir", "_dir_file")

    def __init__(self, keys: np.ndarray, pids: np.ndarray, dir_file=None):
        self.keys, self.pids = keys, pids
        self._dir: tuple | None = None
        #: ``dir_file(build) -> directory``: the directory shared as a file (see segfiles)
        self._dir_file = dir_file

    def _directory(self):
        """(directory, shift, bits), built on first use; one attribute, so threads
        sharing a cached segment see all of it or none."""
        if self._dir is None:
            d = self._build_directory() if self._dir_file is None else self._dir_file(self._build_directory)
            bits = (len(d) - 1).bit_length() - 1
            self._dir = (d, np.int64(64 - bits), bits)
        return self._dir

    def _build_directory(self) -> np.ndarray:
        n = len(self.keys)
        bits = int(min(24, max(1, np.ceil(np.log2(max(n, 2) / BUCKET)))))
        top = (self.keys >> np.int64(64 - bits)) + (1 << (bits - 1))
        d = np.zeros((1 << bits) + 1, dtype=np.int64)
        np.cumsum(np.bincount(top, minlength=1 << bits), out=d[1:])
        return d

    @property
    def mapped(self) -> bool:
        """Whether the arrays are memory-mapped files (shared between processes)."""
        return isinstance(self.keys.base, np.memmap) or isinstance(self.keys.base, mmap.mmap)

    def native_view(self) -> tuple:
        """(keys, pids, directory or None, bits): what the native kernels search."""
        if len(self.keys) <= CACHED_KEYS:
            return self.keys, self.pids, None, 0
        d, _, bits = self._directory()
        return self.keys, self.pids, d, bits

    def ranges(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``searchsorted(keys, q, "left")`` and ``(..., "right")`` for sorted or unsorted q."""
        if len(self.keys) <= CACHED_KEYS:  # fits in the CPU caches: plain binary search is fastest
            return np.searchsorted(self.keys, q, "left"), np.searchsorted(self.keys, q, "right")
        d, shift, bits = self._directory()
        if native.lib is not None:
            try:
                return native.segment_ranges(self.keys, d, bits, q)
            except (ValueError, TypeError):
                pass
        return self._ranges_np(q, d, shift, bits)

    def _ranges_np(self, q: np.ndarray, d: np.ndarray, shift, bits: int) -> tuple[np.ndarray, np.ndarray]:
        """``ranges`` with the directory, in numpy (the fallback of the native kernel)."""
        t = (q >> shift) + (1 << (bits - 1))
        lo0, hi0 = d[t], d[t + 1]
        left, right = lo0.copy(), lo0.copy()
        # a bucket far above the average size holds a boilerplate key's many copies:
        # those few queries take numpy's binary search, the rest a short bisection
        big = hi0 - lo0 > 8 * BUCKET
        if big.any():
            left[big] = np.searchsorted(self.keys, q[big], "left")
            right[big] = np.searchsorted(self.keys, q[big], "right")
        small = np.flatnonzero(~big)
        if len(small):
            qs, hs = q[small], hi0[small]
            ls = self._bisect(lo0[small], hs, qs, right=False)
            left[small] = right[small] = ls
            # most keys of a draft are in no given segment: only hits need their end
            hit = np.flatnonzero(ls < hs)
            hit = hit[self.keys[ls[hit]] == qs[hit]]
            if len(hit):  # equal keys share a bucket
                right[small[hit]] = self._bisect(ls[hit], hs[hit], qs[hit], right=True)
        return left, right

    def _bisect(self, lo: np.ndarray, hi: np.ndarray, q: np.ndarray, right: bool) -> np.ndarray:
        """Vectorized binary search of each q in keys[lo:hi] (hi - lo small)."""
        lo, hi = lo.copy(), hi.copy()
        steps = int((hi - lo).max()).bit_length() if len(lo) else 0
        last = len(self.keys) - 1
        for _ in range(steps):
            active = lo < hi
            mid = (lo + hi) >> 1
            v = self.keys[np.minimum(mid, last)]
            go = (v <= q) if right else (v < q)
            lo = np.where(active & go, mid + 1, lo)
            hi = np.where(active & ~go, mid, hi)
        return lo


class _SegmentCache:
    """Decoded segments by segment id, least recently used evicted first."""

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[int, Segment] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, sid: int):
        with self.lock:
            item = self.items.get(sid)
            if item is not None:
                self.items.move_to_end(sid)
            return item

    @staticmethod
    def size(seg: Segment) -> int:
        """Private memory of a cached segment: its arrays with their directory, about
        (a memory-mapped segment's pages are the page cache's, shared by every process)."""
        return 4096 if seg.mapped else (seg.keys.nbytes + seg.pids.nbytes) * 3 // 2

    def put(self, sid: int, seg: Segment) -> None:
        with self.lock:
            if sid in self.items:
                return
            self.items[sid] = seg
            self.used += self.size(seg)
            while self.used > self.budget and len(self.items) > 1:
                _, old = self.items.popitem(last=False)
                self.used -= self.size(old)


_cache = _SegmentCache(CACHE_BYTES)


def expand_ranges(lo: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [lo[i], lo[i] + count[i]): (range number, position) of every element."""
    total = int(count.sum())
    if total == 0:
        return _EMPTY, _EMPTY
    owner = np.repeat(np.arange(len(count), dtype=np.int64), count)
    starts = np.cumsum(count) - count
    pos = np.arange(total, dtype=np.int64) - starts[owner] + lo[owner]
    return owner, pos


def sort_pairs(keys: np.ndarray, pids: np.ndarray) -> np.ndarray:
    """The order that sorts (key, pid) pairs by key, then pid: what
    ``np.lexsort((pids, keys))`` gives (up to equal pairs), several times faster.

    numpy's unstable argsort of int64 is vectorized (a few times faster than its
    stable one, and than a lexsort); only the runs of equal keys are then put in pid
    order, by one more argsort of (run, pid) packed into one int64."""
    if len(keys) < 2:
        return np.arange(len(keys), dtype=np.int64)
    order = np.argsort(keys)
    sk = keys[order]
    same = sk[1:] == sk[:-1]
    if not same.any():
        return order
    in_run = np.zeros(len(sk), dtype=bool)
    in_run[1:] |= same
    in_run[:-1] |= same
    at = np.flatnonzero(in_run)
    run = np.cumsum(np.concatenate([[True], ~same]))[at]  # run number of each such position
    sub = order[at]
    p = pids[sub]
    p_min, p_span = int(p.min()), int(p.max()) - int(p.min()) + 1
    if int(run[-1]) + 1 < (1 << 62) // p_span:
        fix = np.argsort(run * p_span + (p - p_min))
    else:  # pragma: no cover - pids spread over more than 2**62 / runs
        fix = np.lexsort((p, run))
    order[at] = sub[fix]
    return order


def _runs_ascend(pids: list[np.ndarray]) -> bool:
    """Whether every non-empty array of ``pids`` holds only pids above those of the arrays before it."""
    top = None
    for p in pids:
        if not len(p):
            continue
        low, high = int(p.min()), int(p.max())
        if top is not None and low <= top:
            return False
        top = high
    return True


def compaction_plan(sizes: list[int], ratio: float, min_merge: int = CACHED_KEYS) -> int | None:
    """Where an automatic compaction starts: the index of the oldest segment that
    holds at most ``ratio`` times the postings of all newer segments together, when
    those segments hold at least ``min_merge`` postings; it is merged with every
    newer one. None: nothing to merge (``ratio`` <= 0 turns compaction off).

    ``sizes``: postings per segment, oldest first. Afterwards every segment holds
    more than ``ratio`` times the newer ones (or they are small), so a store keeps
    O(log_{ratio+1} N) segments above ``min_merge``: a bulk load's six segments
    become one, and writes of a few documents each leave the large segments alone
    until their small ones have grown. Segments of at most ``min_merge`` keys are
    searched within the CPU caches and are left to the ``FANOUT`` tiers."""
    if ratio <= 0 or len(sizes) < 2:
        return None
    newer = np.concatenate([np.cumsum(np.asarray(sizes[::-1], dtype=np.int64))[::-1][1:], [0]])
    for i in range(len(sizes) - 1):
        if sizes[i] <= ratio * newer[i] and sizes[i] + newer[i] >= min_merge:
            return i
    return None


class SegmentPostings:
    """The posting lists of one kind ("band" or "fp") in ``dd_seg``."""

    def __init__(self, conn: sqlite3.Connection, kind: str):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        self.conn = conn
        self.kind = kind
        conn.execute(_SCHEMA)
        #: the store's segment files (None for an in-memory store: arrays are decoded per process)
        self.files = SegmentFiles.for_connection(conn)
        self._seen: frozenset[int] = frozenset()

    # -------------------------------------------------------------- reading
    def segments(self) -> list[Segment]:
        """Every segment, oldest data first (lowest level is newest)."""
        rows = self.conn.execute(
            "SELECT sid, n FROM dd_seg WHERE kind = ? ORDER BY level DESC, seq", (self.kind,)
        ).fetchall()
        out = []
        for sid, n in rows:
            item = _cache.get(sid)
            if item is None:
                item = self._load(sid, n)
                _cache.put(sid, item)
            out.append(item)
        if self.files is not None:
            live = frozenset(sid for sid, _ in rows)
            if live != self._seen:  # segments were merged away since: their files may linger
                self._seen = live
                self.files.sweep(self.kind, set(live))
        return out

    def _load(self, sid: int, n: int) -> Segment:
        """A segment from its memory-mapped files, or decoded from its blob."""
        if self.files is not None:
            arrays = self.files.arrays(self.conn, self.kind, sid, n)
            if arrays is not None:
                files = self.files
                return Segment(*arrays, dir_file=lambda build: files.directory(self.kind, sid, n, build))
        row = self.conn.execute("SELECT keys, pids FROM dd_seg WHERE sid = ?", (sid,)).fetchone()
        if row is None:
            raise LookupError(f"posting segment {sid} no longer exists")
        keys, pids = row
        return Segment(np.frombuffer(keys, dtype=np.int64), np.frombuffer(pids, dtype=np.int32))

    def pairs(self, keys, cap, extra: Segment | None = None) -> tuple[np.ndarray, np.ndarray]:
        """For query ``keys`` (int64 array, may repeat): (query index, pid) pairs,
        at most ``cap`` pids per distinct key, taken from the oldest segments first.
        ``cap`` may also be an array, one cap per query: a key is read as deep as its
        largest cap, and each query gets the first pids up to its own (the same pids a
        lookup with that cap alone returns), so key sets of several caps take one search.
        ``extra`` is a not-yet-written segment (sorted keys, pids) searched last."""
        q = np.asarray(keys, dtype=np.int64)
        if not len(q):
            return _EMPTY, _EMPTY
        segs = self.segments() + ([extra] if extra is not None else [])
        if native.lib is not None:
            try:
                return native.posting_pairs(q, cap, [s.native_view() for s in segs])
            except (ValueError, TypeError):
                pass
        return self._pairs_np(q, cap, segs)

    @staticmethod
    def _pairs_np(q: np.ndarray, cap, segs: list[Segment]) -> tuple[np.ndarray, np.ndarray]:
        """``pairs`` in numpy (the fallback of the native kernel)."""
        uniq, inverse = np.unique(q, return_inverse=True)
        inverse = inverse.ravel()
        qcap = None
        if np.ndim(cap):
            qcap = np.asarray(cap, dtype=np.int64)
            cap = np.zeros(len(uniq), dtype=np.int64)
            np.maximum.at(cap, inverse, qcap)
        owners, pids = [], []
        taken = np.zeros(len(uniq), dtype=np.int64)
        for seg in segs:
            if not len(seg.keys):
                continue
            lo, hi = seg.ranges(uniq)
            count = np.minimum(hi - lo, np.maximum(cap - taken, 0))
            if not count.any():
                continue
            taken += count
            owner, pos = expand_ranges(lo, count)
            owners.append(owner)
            pids.append(seg.pids[pos].astype(np.int64))
        if not owners:
            return _EMPTY, _EMPTY
        u_owner = np.concatenate(owners)
        u_pid = np.concatenate(pids)
        # back to the query positions: every occurrence of a key gets its pids
        order = np.argsort(u_owner, kind="stable")
        u_owner, u_pid = u_owner[order], u_pid[order]
        per_key = np.bincount(u_owner, minlength=len(uniq))
        first = np.cumsum(per_key) - per_key
        qcount = per_key[inverse] if qcap is None else np.minimum(per_key[inverse], qcap)
        qidx, pos = expand_ranges(first[inverse], qcount)
        return qidx, u_pid[pos]

    def lookup(self, keys, cap: int) -> dict[int, list[int]]:
        """key -> up to ``cap`` pids (only keys with postings)."""
        uniq = np.unique(np.fromiter((int(k) for k in keys), dtype=np.int64))
        qidx, pids = self.pairs(uniq, cap)
        out: dict[int, list[int]] = {}
        if not len(qidx):
            return out
        ks = uniq[qidx].tolist()
        for k, p in zip(ks, pids.tolist()):
            lst = out.get(k)
            if lst is None:
                out[k] = [p]
            else:
                lst.append(p)
        return out

    def count(self, key: int) -> int:
        """Postings of one key in all segments (dead ones included)."""
        k = np.int64(key)
        return sum(
            int(np.searchsorted(s.keys, k, "right") - np.searchsorted(s.keys, k, "left")) for s in self.segments()
        )

    def segment_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM dd_seg WHERE kind = ?", (self.kind,)).fetchone()[0])

    def total(self) -> int:
        return int(
            self.conn.execute("SELECT COALESCE(SUM(n), 0) FROM dd_seg WHERE kind = ?", (self.kind,)).fetchone()[0]
        )

    # -------------------------------------------------------------- writing
    @staticmethod
    def build(keys: np.ndarray, pids: np.ndarray, pids_sorted: bool = False) -> Segment:
        """A segment's arrays: pairs sorted by (key, pid), duplicates dropped.
        ``pids_sorted``: pids are ascending already, so a stable sort by key suffices."""
        keys = np.asarray(keys, dtype=np.int64)
        pids = np.asarray(pids, dtype=np.int64)
        order = sort_pairs(keys, pids)
        keys, pids = keys[order], pids[order]
        if len(keys) > 1:
            keep = np.ones(len(keys), dtype=bool)
            keep[1:] = (keys[1:] != keys[:-1]) | (pids[1:] != pids[:-1])
            keys, pids = keys[keep], pids[keep]
        return Segment(keys, pids.astype(np.int32))

    def write(
        self, keys: np.ndarray, pids: np.ndarray, *, pids_sorted: bool = False, built: Segment | None = None
    ) -> None:
        """Store one segment (in the caller's transaction), then merge if a level is full.
        ``built``: the segment of these pairs, already built by ``build``."""
        seg = built if built is not None else self.build(keys, pids, pids_sorted)
        if not len(seg.keys):
            return
        self._insert(seg, 0)
        self.maybe_merge()

    def _insert(self, seg: Segment, level: int, seq: int | None = None) -> None:
        """Store ``seg`` at ``level``, after every segment (``seq`` None) or at ``seq``."""
        keys, pids = seg.keys, seg.pids
        sid = secrets.randbits(62)
        self.conn.execute(
            "INSERT INTO dd_seg (sid, seq, kind, level, n, keys, pids) VALUES "
            "(?, COALESCE(?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM dd_seg)), ?, ?, ?, ?, ?)",
            (sid, seq, self.kind, level, len(keys), keys.astype(np.int64).tobytes(), pids.astype(np.int32).tobytes()),
        )
        _cache.put(sid, seg)

    # -------------------------------------------------------------- compaction
    def sizes(self) -> list[tuple[int, int, int, int]]:
        """(sid, level, seq, postings) of every segment, oldest data first (the lookup order)."""
        return [
            tuple(r)
            for r in self.conn.execute(
                "SELECT sid, level, seq, n FROM dd_seg WHERE kind = ? ORDER BY level DESC, seq", (self.kind,)
            )
        ]

    def plan_compaction(self, ratio: float, min_merge: int = CACHED_KEYS) -> list[tuple[int, int, int, int]]:
        """The segments an automatic compaction merges now (``compaction_plan``); [] for none."""
        rows = self.sizes()
        start = compaction_plan([r[3] for r in rows], ratio, min_merge)
        return [] if start is None else rows[start:]

    def build_merged(self, plan: list[tuple[int, int, int, int]]) -> Segment | None:
        """The merge of ``plan``'s segments, built without a write lock (segments never
        change); None if one of them was merged away meanwhile. Postings of paragraphs
        removed by then are dropped; later removals keep theirs until a later merge, as
        an unmerged segment does (lookups skip them)."""
        keys, pids = [], []
        for sid, _, _, n in plan:
            seg = _cache.get(sid)
            if seg is None:
                try:
                    seg = self._load(sid, n)
                except LookupError:  # merged away by another writer meanwhile
                    return None
            keys.append(seg.keys)
            pids.append(seg.pids)
        return self._merged(keys, pids)

    def _merged(self, keys: list[np.ndarray], pids: list[np.ndarray]) -> Segment:
        """The segment of several segments' arrays (oldest first), without the postings of paragraphs
        that no longer carry postings: ``build`` of their concatenation. When each segment's pids lie
        above the previous one's (as ingest writes them: pids are never reused), the segments are
        sorted runs whose concatenation a stable sort by key alone puts in (key, pid) order, with no
        pair twice: a merge of the runs, several times cheaper than sorting the pairs afresh."""
        k = np.concatenate(keys)
        p = np.concatenate(pids).astype(np.int64)
        live = self._live(p)
        if not _runs_ascend(pids):
            return self.build(k[live], p[live])
        if not live.all():
            k, p = k[live], p[live]
        order = np.argsort(k, kind="stable")
        return Segment(k[order], p[order].astype(np.int32))

    def replace(self, plan: list[tuple[int, int, int, int]], seg: Segment) -> bool:
        """In the caller's write transaction: put ``seg`` in place of ``plan``'s segments;
        False (nothing changed) if any of them no longer exists.

        The merged segment takes the oldest merged segment's (level, seq), so it keeps
        its place in the lookup order: after every older segment, before every newer
        one (also those written while it was built)."""
        sids = [r[0] for r in plan]
        present = self.conn.execute(
            "SELECT COUNT(*) FROM dd_seg WHERE kind = ? AND sid IN (SELECT value FROM json_each(?))",
            (self.kind, json.dumps(sids)),
        ).fetchone()[0]
        if present != len(sids):
            return False
        self.conn.execute("DELETE FROM dd_seg WHERE sid IN (SELECT value FROM json_each(?))", (json.dumps(sids),))
        if self.files is not None:
            self.files.remove(self.kind, sids)
        if len(seg.keys):
            self._insert(seg, plan[0][1], seq=plan[0][2])
        return True

    def maybe_merge(self) -> None:
        while True:
            row = self.conn.execute(
                "SELECT level FROM dd_seg WHERE kind = ? GROUP BY level HAVING COUNT(*) >= ? ORDER BY level LIMIT 1",
                (self.kind, FANOUT),
            ).fetchone()
            if row is None:
                return
            self.merge(level=row[0])

    def merge(self, level: int | None = None) -> None:
        """Merge the segments of ``level`` (all segments if None) into one, dropping
        postings of paragraphs that no longer carry postings."""
        sql = "SELECT sid, level, keys, pids FROM dd_seg WHERE kind = ?" + ("" if level is None else " AND level = ?")
        sql += " ORDER BY level DESC, seq"  # oldest first: their pids ascend, the merge takes the sorted runs
        args = (self.kind,) if level is None else (self.kind, level)
        rows = self.conn.execute(sql, args).fetchall()
        if not rows or (level is None and len(rows) == 1):
            return
        seg = self._merged(
            [np.frombuffer(r[2], dtype=np.int64) for r in rows], [np.frombuffer(r[3], dtype=np.int32) for r in rows]
        )
        self.conn.executemany("DELETE FROM dd_seg WHERE sid = ?", [(r[0],) for r in rows])
        if self.files is not None:  # were this transaction rolled back, readers would write them again
            self.files.remove(self.kind, [r[0] for r in rows])
        if len(seg.keys):
            self._insert(seg, max(r[1] for r in rows) + 1)

    def _live(self, pids: np.ndarray) -> np.ndarray:
        """Mask of pids that still carry postings (``dd_para.posted``)."""
        if not len(pids):
            return np.zeros(0, dtype=bool)
        lo, hi = int(pids.min()), int(pids.max())
        alive = np.fromiter(
            (
                r[0]
                for r in self.conn.execute("SELECT pid FROM dd_para WHERE posted = 1 AND pid BETWEEN ? AND ?", (lo, hi))
            ),
            dtype=np.int64,
        )
        return np.isin(pids, alive, assume_unique=False)

    def clear(self) -> None:
        sids = [r[0] for r in self.conn.execute("SELECT sid FROM dd_seg WHERE kind = ?", (self.kind,))]
        self.conn.execute("DELETE FROM dd_seg WHERE kind = ?", (self.kind,))
        if self.files is not None:
            self.files.remove(self.kind, sids)
