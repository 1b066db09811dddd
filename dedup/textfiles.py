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

#: paragraph ids per file
BLOCK = 1 << 16
MAGIC = b"GTNORM01"
#: header: magic, block, ids per block, data bytes, 32 bytes of epoch
HEADER = 8 + 3 * 8 + 32
#: texts compared with SQLite when a file is opened
SAMPLES = 16
#: files of another epoch are removed only after this many seconds
SWEEP_AGE = 60.0

GONE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS dd_gone (seq INTEGER PRIMARY KEY, pid INTEGER NOT NULL, epoch TEXT NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS dd_para_gone AFTER DELETE ON dd_para BEGIN "
    "INSERT INTO dd_gone (pid, epoch) SELECT old.pid, value FROM dd_meta WHERE key = 'text_epoch'; END",
)


def new_epoch() -> str:
    return secrets.token_hex(16)


class TextBlock:
    """One block's file: offsets, presence flags and UTF-8 texts, over a memory map."""

    __slots__ = ("base", "offsets", "present", "mm", "data_at")

    def __init__(self, base: int, n: int, mm: mmap.mmap):
        self.base = base
        self.mm = mm
        self.offsets = np.frombuffer(mm, dtype=np.int64, count=n + 1, offset=HEADER)
        pres_at = HEADER + 8 * (n + 1)
        self.present = np.frombuffer(mm, dtype=np.uint8, count=n, offset=pres_at)
        self.data_at = pres_at + ((n + 7) // 8) * 8

    def texts(self, pids: np.ndarray) -> tuple[list[int], list[str]]:
        """(pids present, their texts) of ``pids`` (all in this block)."""
        i = pids - self.base
        keep = self.present[i].astype(bool)
        i, pids = i[keep], pids[keep]
        a = (self.offsets[i] + self.data_at).tolist()
        b = (self.offsets[i + 1] + self.data_at).tolist()
        mm = self.mm
        return pids.tolist(), [mm[x:y].decode("utf-8") for x, y in zip(a, b)]


def _encode(base: int, n: int, rows: list[tuple[int, str]], epoch: str, block: int) -> bytes:
    offsets = np.zeros(n + 1, dtype=np.int64)
    present = np.zeros(((n + 7) // 8) * 8, dtype=np.uint8)
    parts = [b""] * n
    for pid, norm in rows:
        parts[pid - base] = norm.encode("utf-8")
        present[pid - base] = 1
    np.cumsum([len(p) for p in parts], out=offsets[1:])
    head = MAGIC + np.array([block, n, int(offsets[-1])], dtype=np.int64).tobytes() + epoch.encode().ljust(32, b"\0")
    return head + offsets.tobytes() + present.tobytes() + b"".join(parts)


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
    def norms(self, conn: sqlite3.Connection, epoch: str, next_pid: int, gone: set[int], pids: list[int]):
        """Texts of those ``pids`` that lie in complete blocks with a sound file: (found
        {pid: norm}, the pids left for SQLite). Paragraphs in ``gone`` are not returned."""
        with self._lock:
            if epoch != self._epoch:
                self._epoch = epoch
                self._blocks = {}
                self._sweep(epoch)
        arr = np.asarray(pids, dtype=np.int64)
        blk = arr // self.block
        complete = (blk + 1) * self.block <= next_pid
        out: dict[int, str] = {}
        rest = arr[~complete].tolist()
        if not complete.any():
            return out, rest
        arr, blk = arr[complete], blk[complete]
        order = np.argsort(blk, kind="stable")
        arr, blk = arr[order], blk[order]
        cuts = np.flatnonzero(np.diff(blk)) + 1
        for part in np.split(arr, cuts):
            k = int(part[0]) // self.block
            tb = self._get(conn, epoch, k)
            if tb is None:
                rest.extend(part.tolist())
                continue
            try:
                got, texts = tb.texts(part)
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
        try:
            with open(path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size < HEADER:
                    return None
                mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return None
        blk, bn, nbytes = np.frombuffer(mm, dtype=np.int64, count=3, offset=8).tolist()
        ep = bytes(mm[32:HEADER]).rstrip(b"\0").decode("ascii", "replace")
        expect = HEADER + 8 * (n + 1) + ((n + 7) // 8) * 8 + nbytes
        if mm[:8] != MAGIC or blk != k or bn != n or ep != epoch or size != expect:
            mm.close()
            return None
        tb = TextBlock(k * n, n, mm)
        offs = tb.offsets
        if offs[0] != 0 or offs[-1] != nbytes or not bool(np.all(offs[1:] >= offs[:-1])):
            return None
        return tb

    def _agrees(self, conn: sqlite3.Connection, tb: TextBlock) -> bool:
        """Sampled paragraphs of the block: every one SQLite has is in the file, with its text."""
        n = self.block
        pids = np.unique(np.linspace(tb.base, tb.base + n - 1, SAMPLES).astype(np.int64))
        present = np.flatnonzero(tb.present)
        if len(present):  # also paragraphs the file holds (the sampled ids may not exist)
            pids = np.union1d(pids, present[np.linspace(0, len(present) - 1, SAMPLES).astype(np.int64)] + tb.base)
        try:
            got, texts = tb.texts(pids)
        except UnicodeDecodeError:
            return False
        mine = dict(zip(got, texts))
        marks = ",".join("?" * len(pids))
        try:
            rows = conn.execute(f"SELECT pid, norm FROM dd_para WHERE pid IN ({marks})", pids.tolist()).fetchall()
        except sqlite3.Error:
            return False
        return all(mine.get(p) == norm for p, norm in rows)

    def _build(self, conn, epoch: str, k: int) -> bytes | None:
        base = k * self.block
        try:
            rows = conn.execute(
                "SELECT pid, norm FROM dd_para WHERE pid >= ? AND pid < ?", (base, base + self.block)
            ).fetchall()
            now = conn.execute("SELECT value FROM dd_meta WHERE key = 'text_epoch'").fetchone()
        except sqlite3.Error:
            return None
        if now is None or now[0] != epoch:  # the tables were reset meanwhile: not this epoch's rows
            return None
        return _encode(base, self.block, rows, epoch, k)

    def _write(self, path: Path, data: bytes, replace: bool) -> bool:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            self.dir.mkdir(exist_ok=True)
            with open(tmp, "wb") as f:
                f.write(data)
            if replace:
                os.replace(tmp, path)
            else:
                try:
                    os.link(tmp, path)
                except FileExistsError:
                    pass
            return True
        except OSError:
            return False
        finally:
            try:
                tmp.unlink()
            except OSError:
                pass

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
