"""Normalized paragraph texts as files beside the store, memory-mapped by every process.

A draft check reads the normalized texts of about a thousand candidate paragraphs;
from SQLite that is a B-tree seek and a record decode each (2-3.5 ms a check at 1 M
paragraphs). Paragraph ids are never reused and a paragraph's normalized text never
changes, so the texts of a *complete* block of ids (``BLOCK`` ids, all of them handed
out: ``dd_meta.next_pid`` past the block) can be written once as a file,
``<store>.texts/<epoch>-<block>.norms``, and read through a memory map: an offset
and a slice each.

SQLite stays the truth:

- the file holds the block's rows as SQLite had them when it was written; a paragraph
  removed afterwards is listed in ``dd_gone`` (a trigger on ``dd_para`` writes it, so
  every writer, of any version, records it), and removed paragraphs are not returned;
- ids are reused only after ``DedupIndex.reset`` empties the tables; the epoch (a
  random ``dd_meta`` value, gone with a reset and made anew by the next write) names
  the files, so a file of another epoch is never read (and is swept);
- each open checks the header (magic, epoch, block, sizes), the file's length and a
  few sampled texts against SQLite; a missing or unsound file is written again (a
  temporary file, then a link or rename); a directory that cannot be written means
  the texts are read from SQLite as before. Ids of the last, incomplete block are
  always read from SQLite.
"""

from __future__ import annotations

import mmap
import os
import secrets
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np

from . import native
from .postings import Segment, SegmentPostings
from .segfiles import write_atomic

#: paragraph ids per file
BLOCK = 1 << 16
MAGIC = b"GTNORM04"
#: header: magic, block, ids per block, paragraphs present, text bytes, documents, name bytes,
#: 32 bytes of epoch (padded to 128 bytes: the records start at a multiple of their size)
HEADER = 128
TWIN_MAGIC = b"GTTWIN01"
#: the twin index's header: magic, blocks covered, entries, 32 bytes of epoch
TWIN_HEADER = 8 + 2 * 8 + 32
#: rows compared with SQLite when a file is opened
SAMPLES = 16
#: files of another epoch are removed only after this many seconds
SWEEP_AGE = 60.0

GONE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS dd_gone (seq INTEGER PRIMARY KEY, pid INTEGER NOT NULL, epoch TEXT NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS dd_para_gone AFTER DELETE ON dd_para BEGIN "
    "INSERT INTO dd_gone (pid, epoch) SELECT old.pid, value FROM dd_meta WHERE key = 'text_epoch'; END",
)
#: the columns of dd_para a file holds, as read to write it
COLUMNS = "p.pid, d.doc, p.idx, p.hash, p.norm"
#: ... from these tables
TABLES = "dd_para p JOIN dd_doc d ON d.did = p.did"


def new_epoch() -> str:
    return secrets.token_hex(16)


#: one paragraph id's record (32 bytes, within one cache line): where its text lies in the data
#: (``len`` -1: no such paragraph), its paragraph index, document (its place in the block's
#: names: a paragraph's document never changes) and exact hash
REC = np.dtype([("start", "<i8"), ("len", "<i4"), ("idx", "<i4"), ("doc", "<i8"), ("hash", "<i8")])


def _layout(n: int, m: int, u: int) -> list[tuple[str, np.dtype, int]]:
    """The arrays after the header: (name, dtype, length); the documents' names (UTF-8) and
    then the texts follow them."""
    return [
        ("rec", REC, n),
        ("twin_hash", np.dtype(np.int64), m),  # the present rows' hashes, sorted (pids ascending on ties)
        ("twin_pid", np.dtype(np.int64), m),
        ("doc_off", np.dtype(np.int64), u + 1),  # where each document's name lies in the names
    ]


class TextBlock:
    """One block's file over a memory map: per paragraph id a record (is it present, its
    document, index and exact hash, where its normalized text lies), the texts (UTF-8), and
    the present paragraphs sorted by hash (their exact twins)."""

    __slots__ = ("base", "mm", "names_at", "data_at", "rec", "twin_hash", "twin_pid", "doc_off", "_names")

    def __init__(self, base: int, n: int, m: int, u: int, name_bytes: int, mm: mmap.mmap):
        self.base = base
        self.mm = mm
        arrays: dict[str, np.ndarray] = {}
        at = HEADER
        for name, dt, count in _layout(n, m, u):
            arrays[name] = np.frombuffer(mm, dtype=dt, count=count, offset=at)
            at += dt.itemsize * count
        self.names_at = at
        self.data_at = at + name_bytes
        self.rec, self.twin_hash, self.twin_pid = arrays["rec"], arrays["twin_hash"], arrays["twin_pid"]
        self.doc_off = arrays["doc_off"]
        self._names: dict[int, str] = {}  # documents' names decoded so far

    def names(self, docs: list[int]) -> list[str]:
        """The names of the block's documents ``docs`` (places in its names)."""
        out = []
        got = self._names
        for j in docs:
            name = got.get(j)
            if name is None:
                a, b = int(self.doc_off[j]) + self.names_at, int(self.doc_off[j + 1]) + self.names_at
                name = got[j] = self.mm[a:b].decode("utf-8")
            out.append(name)
        return out

    @property
    def present(self) -> np.ndarray:
        return self.rec["len"] >= 0

    def _present(self, pids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = self.rec[pids - self.base]  # one cache line per paragraph
        keep = r["len"] >= 0
        return r[keep], pids[keep]

    def texts(self, pids: np.ndarray, utf8: bool = False) -> tuple[list[int], list]:
        """(pids present, their texts) of ``pids`` (all in this block); ``utf8``: the texts as
        UTF-8 bytes, not decoded."""
        r, pids = self._present(pids)
        a = r["start"] + self.data_at
        b = (a + r["len"]).tolist()
        a = a.tolist()
        mm = self.mm
        if utf8:
            return pids.tolist(), [mm[x:y] for x, y in zip(a, b)]
        return pids.tolist(), [mm[x:y].decode("utf-8") for x, y in zip(a, b)]

    def rows(self, pids: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
        """(pids present, their documents' names, paragraph index, hash) of ``pids`` (all in this block)."""
        r, pids = self._present(pids)
        return pids, self.names(r["doc"].tolist()), r["idx"].astype(np.int64), r["hash"]

    def twins(self, hashes: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
        """(query position, pid): up to ``cap`` pids (ascending) of each hash of ``hashes``."""
        lo = np.searchsorted(self.twin_hash, hashes, "left")
        cnt = np.minimum(np.searchsorted(self.twin_hash, hashes, "right") - lo, cap)
        qi = np.repeat(np.arange(len(hashes), dtype=np.int64), cnt)
        at = np.arange(len(qi), dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(lo, cnt)
        return qi, self.twin_pid[at]


def _encode(base: int, n: int, rows: list[tuple], epoch: str, block: int) -> bytes:
    """A block's file from its dd_para rows (``COLUMNS``)."""
    rows = sorted(map(tuple, rows))  # tuples: the store's connections give sqlite3.Row, which do not sort
    rec = np.zeros(n, dtype=REC)
    rec["len"] = -1
    parts = [norm.encode("utf-8") for *_, norm in rows]
    i = np.array([r[0] for r in rows], dtype=np.int64) - base
    lens = np.array([len(p) for p in parts], dtype=np.int64)
    rec["start"][i] = np.cumsum(lens) - lens
    rec["len"][i] = lens
    rec["idx"][i] = [r[2] for r in rows]
    docs: dict[str, int] = {}
    rec["doc"][i] = [docs.setdefault(r[1], len(docs)) for r in rows]
    names = [d.encode("utf-8") for d in docs]
    doc_off = np.concatenate([[0], np.cumsum([len(x) for x in names], dtype=np.int64)]).astype(np.int64)
    h = np.array([r[3] for r in rows], dtype=np.int64)
    rec["hash"][i] = h
    order = np.lexsort((i, h))
    sizes = [block, n, len(rows), int(lens.sum()), len(docs), int(doc_off[-1])]
    head = MAGIC + np.array(sizes, dtype=np.int64).tobytes()
    head = (head + epoch.encode().ljust(32, b"\0")).ljust(HEADER, b"\0")
    twin_hash, twin_pid = h[order], i[order] + base
    arrays = rec.tobytes() + twin_hash.tobytes() + twin_pid.tobytes() + doc_off.tobytes()
    return head + arrays + b"".join(names) + b"".join(parts)


def _map_file(path: Path, min_size: int) -> tuple[mmap.mmap, int] | None:
    """``path`` mapped read-only with its size; None when missing, unreadable or shorter than ``min_size``."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size < min_size:
                return None
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ), size
    except (OSError, ValueError):
        return None


class TextFiles:
    """The text files of one store (one per process and store: ``for_path``)."""

    _all: dict[str, TextFiles] = {}
    _all_lock = threading.Lock()

    def __init__(self, db_path: str, block: int):
        self.dir = Path(db_path + ".texts")
        self.block = block
        self._lock = threading.Lock()
        self._epoch: str | None = None
        #: block -> TextBlock, or None when its file cannot be had (then SQLite is read)
        self._blocks: dict[int, TextBlock | None] = {}
        #: ((epoch, blocks covered), the twin index)
        self._twins: tuple | None = None

    @classmethod
    def for_path(cls, db_path: str, block: int | None = None) -> TextFiles:
        block = block or BLOCK
        with cls._all_lock:
            tf = cls._all.get(db_path)
            if tf is None or tf.block != block:
                tf = cls._all[db_path] = cls(db_path, block)
            return tf

    def path(self, epoch: str, k: int) -> Path:
        return self.dir / f"{epoch}-{k}.norms"

    # -------------------------------------------------------------- reading
    def _enter(self, epoch: str) -> None:
        with self._lock:
            if epoch != self._epoch:
                self._epoch = epoch
                self._blocks = {}
                self._twins = None
                self._sweep(epoch)

    def _parts(self, conn, epoch: str, next_pid: int, pids):
        """``pids`` by block: (the sound blocks with their pids, the pids left for SQLite)."""
        self._enter(epoch)
        arr = np.sort(np.asarray(pids, dtype=np.int64))
        cut = int(np.searchsorted(arr, next_pid // self.block * self.block))  # ids of complete blocks first
        rest = arr[cut:].tolist()
        out: list[tuple[int, TextBlock, np.ndarray]] = []
        if not cut:
            return out, rest
        arr = arr[:cut]
        first, last = int(arr[0]) // self.block, int(arr[-1]) // self.block
        edges = np.searchsorted(arr, np.arange(first, last + 2, dtype=np.int64) * self.block).tolist()
        for k, a, b in zip(range(first, last + 1), edges, edges[1:]):
            if b > a:
                tb = self._get(conn, epoch, k)
                if tb is None:
                    rest.extend(arr[a:b].tolist())
                else:
                    out.append((k, tb, arr[a:b]))
        return out, rest

    def norms(self, conn: sqlite3.Connection, epoch: str, next_pid: int, gone: set[int], pids, utf8: bool = False):
        """Texts of those ``pids`` that lie in complete blocks with a sound file: (found
        {pid: norm}, the pids left for SQLite). Paragraphs in ``gone`` are not returned.
        ``utf8``: the texts as UTF-8 bytes, decoded only when read (then checked)."""
        parts, rest = self._parts(conn, epoch, next_pid, pids)
        out: dict[int, str | bytes] = {}
        for k, tb, part in parts:
            try:
                got, texts = tb.texts(part, utf8)
            except UnicodeDecodeError:  # damaged where the sampled texts did not tell: SQLite from now on
                with self._lock:
                    self._blocks[k] = None
                rest.extend(part.tolist())
                continue
            out.update(zip(got, texts))
        if gone:
            for p in gone.intersection(out):
                del out[p]
        return out, rest

    def rows(self, conn: sqlite3.Connection, epoch: str, next_pid: int, gone: set[int], pids):
        """Document name, paragraph index and hash of those ``pids`` in complete blocks with a
        sound file: ((pid array, names, idx array, hash array), the pids left for SQLite);
        ``gone`` ones are not returned."""
        parts, rest = self._parts(conn, epoch, next_pid, pids)
        cols = [tb.rows(part) for _, tb, part in parts]
        if not cols:
            empty = np.zeros(0, dtype=np.int64)
            return (empty, [], empty, empty), rest
        pid, idx, h = (np.concatenate([c[k] for c in cols]) for k in (0, 2, 3))
        names = [x for c in cols for x in c[1]]
        if gone and len(pid):
            keep = ~np.isin(pid, np.fromiter(gone, dtype=np.int64, count=len(gone)))
            names = [x for x, k in zip(names, keep.tolist()) if k]
            pid, idx, h = pid[keep], idx[keep], h[keep]
        return (pid, names, idx, h), rest

    def twins(self, conn: sqlite3.Connection, epoch: str, next_pid: int, gone: set[int], hashes, cap: int):
        """(query position, pid) of up to ``cap`` paragraphs (ascending) of each hash among
        the complete blocks, or None when one of them has no sound file."""
        nblocks = next_pid // self.block
        q = np.ascontiguousarray(hashes, dtype=np.int64)
        if nblocks == 0 or not len(q):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        seg = self.twin_index(conn, epoch, nblocks)
        if seg is None:
            return None
        deep = cap + len(gone)  # removed ones are dropped below, before the cap
        qi = pid = None
        if native.lib is not None:
            try:
                qi, pid = native.posting_pairs(q, deep, [seg.native_view()])
            except (ValueError, TypeError):
                pass
        if qi is None or pid is None:
            qi, pid = SegmentPostings._pairs_np(q, deep, [seg])
        if gone and len(pid):
            keep = ~np.isin(pid, np.fromiter(gone, dtype=np.int64, count=len(gone)))
            qi, pid = qi[keep], pid[keep]
        order = np.argsort(qi, kind="stable")  # pids ascending within a query
        return qi[order], pid[order]

    def twin_index(self, conn, epoch: str, nblocks: int) -> Segment | None:
        """The present paragraphs of the first ``nblocks`` blocks by (hash, pid), as a posting
        segment (hash -> pids): ``<epoch>-twins-<nblocks>.idx``, written from the block files
        when missing or unsound; None when a block has no sound file."""
        self._enter(epoch)
        with self._lock:
            if self._twins is not None and self._twins[0] == (epoch, nblocks):
                return self._twins[1]
        path = self.dir / f"{epoch}-twins-{nblocks}.idx"
        damaged = path.exists()
        seg = self._map_twins(path, epoch, nblocks)
        if seg is None or not self._twins_agree(conn, epoch, seg, nblocks):
            blocks = [self._get(conn, epoch, k) for k in range(nblocks)]
            if any(tb is None for tb in blocks):
                return None
            keys = np.concatenate([tb.twin_hash for tb in blocks if tb is not None])
            pids = np.concatenate([tb.twin_pid for tb in blocks if tb is not None])
            order = np.argsort(keys, kind="stable")  # blocks and their pids ascending: pids ascend per hash
            keys, pids32 = keys[order], pids[order].astype(np.int32)
            head = (
                TWIN_MAGIC + np.array([nblocks, len(keys)], dtype=np.int64).tobytes() + epoch.encode().ljust(32, b"\0")
            )
            pad = b"\0" * ((-4 * len(keys)) % 8)
            if not self._write(path, head + keys.tobytes() + pids32.tobytes() + pad, replace=damaged):
                return None
            for j in range(nblocks):  # the indexes of fewer blocks are not read again (a mapping stays valid)
                try:
                    (self.dir / f"{epoch}-twins-{j}.idx").unlink()
                except OSError:
                    pass
            seg = self._map_twins(path, epoch, nblocks)
            if seg is None or not self._twins_agree(conn, epoch, seg, nblocks):
                return None
        with self._lock:
            if self._epoch == epoch:
                self._twins = ((epoch, nblocks), seg)
        return seg

    @staticmethod
    def _map_twins(path: Path, epoch: str, nblocks: int) -> Segment | None:
        mapped = _map_file(path, TWIN_HEADER)
        if mapped is None:
            return None
        mm, size = mapped
        k, m = np.frombuffer(mm, dtype=np.int64, count=2, offset=8).tolist()
        ep = bytes(mm[24:TWIN_HEADER]).rstrip(b"\0").decode("ascii", "replace")
        if mm[:8] != TWIN_MAGIC or k != nblocks or ep != epoch or m < 0 or size != TWIN_HEADER + 12 * m + (-4 * m) % 8:
            mm.close()
            return None
        keys = np.frombuffer(mm, dtype=np.int64, count=m, offset=TWIN_HEADER)
        pids = np.frombuffer(mm, dtype=np.int32, count=m, offset=TWIN_HEADER + 8 * m)
        if not bool(np.all(keys[1:] >= keys[:-1])):
            return None
        return Segment(keys, pids)

    def _twins_agree(self, conn, epoch: str, seg: Segment, nblocks: int) -> bool:
        """Sampled entries of the twin index are rows of the block files (hash and pid) and
        each block's count of rows adds up."""
        m = len(seg.keys)
        blocks = [self._get(conn, epoch, k) for k in range(nblocks)]
        if any(tb is None for tb in blocks):
            return False
        if sum(len(tb.twin_hash) for tb in blocks if tb is not None) != m:
            return False
        for i in np.unique(np.linspace(0, m - 1, SAMPLES).astype(np.int64)).tolist():
            pid = int(seg.pids[i])
            tb = self._get(conn, epoch, pid // self.block)
            r = tb.rec[pid - tb.base] if tb is not None else None
            if r is None or r["len"] < 0 or r["hash"] != seg.keys[i]:
                return False
        return True

    def _get(self, conn, epoch: str, k: int) -> TextBlock | None:
        with self._lock:
            if k in self._blocks:
                return self._blocks[k]
        tb = self._open(conn, epoch, k)
        with self._lock:
            if self._epoch == epoch:
                self._blocks[k] = tb
        return tb

    def _open(self, conn, epoch: str, k: int) -> TextBlock | None:
        path = self.path(epoch, k)
        damaged = path.exists()
        tb = self._map(path, epoch, k)
        if tb is not None and self._agrees(conn, tb):
            return tb
        data = self._build(conn, epoch, k)
        if data is None or not self._write(path, data, replace=damaged):
            return None
        tb = self._map(path, epoch, k)
        return tb if tb is not None and self._agrees(conn, tb) else None

    def _map(self, path: Path, epoch: str, k: int) -> TextBlock | None:
        n = self.block
        mapped = _map_file(path, HEADER)
        if mapped is None:
            return None
        mm, size = mapped
        blk, bn, m, nbytes, u, name_bytes = np.frombuffer(mm, dtype=np.int64, count=6, offset=8).tolist()
        ep = bytes(mm[56:88]).rstrip(b"\0").decode("ascii", "replace")
        ok = mm[:8] == MAGIC and blk == k and bn == n and ep == epoch and 0 <= m <= n and 0 <= u <= m
        ok = ok and nbytes >= 0 and name_bytes >= 0
        if not ok or size != HEADER + sum(dt.itemsize * c for _, dt, c in _layout(n, m, u)) + name_bytes + nbytes:
            mm.close()
            return None
        tb = TextBlock(k * n, n, m, u, name_bytes, mm)
        lens, starts, docs = tb.rec["len"], tb.rec["start"], tb.rec["doc"]
        pres = lens >= 0
        off = tb.doc_off
        if (
            int(np.count_nonzero(pres)) != m
            or not bool(np.all(~pres | ((starts >= 0) & (starts + lens <= nbytes) & (docs >= 0) & (docs < u))))
            or not bool(np.all(tb.twin_hash[1:] >= tb.twin_hash[:-1]))
            or off[0] != 0
            or off[-1] != name_bytes
            or not bool(np.all(off[1:] >= off[:-1]))
        ):
            return None
        return tb

    def _agrees(self, conn: sqlite3.Connection, tb: TextBlock) -> bool:
        """Sampled paragraphs of the block: every one SQLite has is in the file, with its row,
        and among the twins of its hash."""
        n = self.block
        pids = np.unique(np.linspace(tb.base, tb.base + n - 1, SAMPLES).astype(np.int64))
        present = np.flatnonzero(tb.present)
        if len(present):  # also paragraphs the file holds (the sampled ids may not exist)
            pids = np.union1d(pids, present[np.linspace(0, len(present) - 1, SAMPLES).astype(np.int64)] + tb.base)
        try:
            got, texts = tb.texts(pids)
        except UnicodeDecodeError:
            return False
        p2, names, idx, h = tb.rows(pids)
        mine = {p: (d, i, hh, t) for p, d, i, hh, t in zip(p2.tolist(), names, idx.tolist(), h.tolist(), texts)}
        marks = ",".join("?" * len(pids))
        try:
            rows = conn.execute(f"SELECT {COLUMNS} FROM {TABLES} WHERE p.pid IN ({marks})", pids.tolist()).fetchall()
        except sqlite3.Error:
            return False
        if not all(mine.get(p) == (d, i, hh, t) for p, d, i, hh, t in rows):
            return False
        qi, tw = tb.twins(np.array([r[3] for r in rows], dtype=np.int64), len(tb.present))
        return {(int(rows[q][3]), int(t)) for q, t in zip(qi.tolist(), tw.tolist())} >= {(r[3], r[0]) for r in rows}

    def _build(self, conn, epoch: str, k: int) -> bytes | None:
        base = k * self.block
        try:
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM {TABLES} WHERE p.pid >= ? AND p.pid < ?", (base, base + self.block)
            ).fetchall()
            now = conn.execute("SELECT value FROM dd_meta WHERE key = 'text_epoch'").fetchone()
        except sqlite3.Error:
            return None
        if now is None or now[0] != epoch:  # the tables were reset meanwhile: not this epoch's rows
            return None
        return _encode(base, self.block, rows, epoch, k)

    def _write(self, path: Path, data: bytes, replace: bool) -> bool:
        return write_atomic(path, lambda f: f.write(data), replace)

    def _sweep(self, epoch: str) -> None:
        """Remove files of other epochs (older than ``SWEEP_AGE``) and stale temporary files."""
        now = time.time()
        try:
            entries = list(os.scandir(self.dir))
        except OSError:
            return
        for e in entries:
            if e.name.startswith(epoch + "-"):
                continue
            if not (e.name.endswith(".norms") or e.name.endswith(".tmp")):
                continue
            try:
                if now - e.stat().st_mtime > SWEEP_AGE:
                    os.unlink(e.path)
            except OSError:
                pass
