"""Posting segments as files beside the store, memory-mapped by every process.

A segment never changes and its id is never reused, so its arrays can be
written once as ``<store>.segments/<kind>-<sid>.keys.npy`` / ``.pids.npy``
(and ``.dir.npy``, the radix directory of a large segment) and opened with
``np.load(mmap_mode="r")``: the server's worker processes then share one copy
in the page cache instead of decoding the SQLite blob into private memory each.

The ``dd_seg`` blob stays the truth. A file is written from it (temporary file,
then ``os.replace``) by the first process that needs it and checked on every
open: header, dtype and length, and a few sampled values read from the blob
with incremental blob I/O. A missing, truncated or wrong file is written again;
a directory that cannot be written (read-only, disk full) means the blob is
decoded into memory as before. Files of segments that no longer exist (merged
away, cleared, rolled back) are removed by the merge that drops them, or by a
sweep when a process sees the segment list change.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np

#: values of each array compared with the blob when a file is opened
SAMPLES = 16
#: a file of a segment missing from the list is removed only after this many seconds
#: (another process with a newer snapshot may have just written it)
SWEEP_AGE = 60.0
#: seconds between two sweeps of one directory by one process
SWEEP_EVERY = 30.0

_DTYPES: dict[str, np.dtype] = {"keys": np.dtype(np.int64), "pids": np.dtype(np.int32)}


def store_path(conn: sqlite3.Connection) -> str | None:
    """The file of the connection's main database, or None (in-memory / temporary)."""
    for _, name, path in conn.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return path or None
    return None


def write_atomic(path: Path, write, replace: bool = True) -> bool:
    """Write a file beside the store atomically: ``write(f)`` into a temporary file, then a
    rename; ``replace=False`` keeps a file another process put there first (link, not rename).
    False when the directory cannot be written (the caller then reads SQLite)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        with open(tmp, "wb") as f:
            write(f)
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


class SegmentFiles:
    """The segment files of one store."""

    def __init__(self, db_path: str):
        self.dir = Path(db_path + ".segments")
        self._last_sweep = 0.0
        self._lock = threading.Lock()

    @classmethod
    def for_connection(cls, conn: sqlite3.Connection) -> SegmentFiles | None:
        path = store_path(conn)
        return cls(path) if path else None

    def path(self, kind: str, sid: int, part: str) -> Path:
        return self.dir / f"{kind}-{sid}.{part}.npy"

    # -------------------------------------------------------------- arrays
    def arrays(self, conn: sqlite3.Connection, kind: str, sid: int, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The segment's (keys, pids), memory-mapped; None if its files cannot be made."""
        out = []
        for part in ("keys", "pids"):
            arr = self._open(conn, kind, sid, n, part)
            if arr is None:
                return None
            out.append(arr)
        return out[0], out[1]

    def _open(self, conn, kind: str, sid: int, n: int, part: str) -> np.ndarray | None:
        path = self.path(kind, sid, part)
        damaged = path.exists()  # (if it is not sound below)
        arr = self._map(path, _DTYPES[part], n)
        if arr is not None and self._agrees(conn, sid, part, arr):
            return arr
        blob = conn.execute(f"SELECT {part} FROM dd_seg WHERE sid = ?", (sid,)).fetchone()
        if blob is None:
            return None
        data = np.frombuffer(blob[0], dtype=_DTYPES[part])
        # a missing file is created only if no other process created it meanwhile, so
        # processes starting together map one file, not each its own copy
        if len(data) != n or not self._write(path, data, replace=damaged):
            return None
        arr = self._map(path, _DTYPES[part], n)
        return arr if arr is not None and self._agrees(conn, sid, part, arr) else None

    @staticmethod
    def _map(path: Path, dtype: np.dtype, n: int) -> np.ndarray | None:
        try:
            arr = np.load(path, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        if arr.dtype != dtype or arr.shape != (n,):
            return None
        return np.asarray(arr)  # a plain ndarray over the mapping (the memmap stays its base)

    @staticmethod
    def _agrees(conn: sqlite3.Connection, sid: int, part: str, arr: np.ndarray) -> bool:
        """A few values of ``arr`` equal the blob's (first, last and evenly spread)."""
        n = len(arr)
        if n == 0:
            return True
        size = arr.dtype.itemsize
        try:
            with conn.blobopen("dd_seg", part, sid, readonly=True) as blob:
                if len(blob) != n * size:
                    return False
                for i in np.unique(np.linspace(0, n - 1, SAMPLES).astype(np.int64)).tolist():
                    blob.seek(i * size)
                    if np.frombuffer(blob.read(size), dtype=arr.dtype)[0] != arr[i]:
                        return False
        except sqlite3.Error:
            return False
        return True

    def _write(self, path: Path, data: np.ndarray, replace: bool = True) -> bool:
        """Write ``data`` to ``path`` atomically (``write_atomic``)."""
        return write_atomic(path, lambda f: np.save(f, np.ascontiguousarray(data), allow_pickle=False), replace)

    # -------------------------------------------------------------- directory
    def directory(self, kind: str, sid: int, n: int, build) -> np.ndarray:
        """The radix directory of a segment of ``n`` keys: its file if sound, else ``build()``
        (written to the file for the other processes)."""
        path = self.path(kind, sid, "dir")
        damaged = path.exists()
        d = self._map_directory(path, n)
        if d is not None:
            return d
        d = build()
        self._write(path, d, replace=damaged)
        shared = self._map_directory(path, n)
        return shared if shared is not None and np.array_equal(shared, d) else d

    @staticmethod
    def _map_directory(path: Path, n: int) -> np.ndarray | None:
        try:
            d = np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
        except (OSError, ValueError, EOFError):
            return None
        if d.dtype == np.int64 and d.ndim == 1 and len(d) >= 3 and d[0] == 0 and d[-1] == n:
            bits = (len(d) - 1).bit_length() - 1
            if len(d) == (1 << bits) + 1:
                return d
        return None

    # -------------------------------------------------------------- removal
    def remove(self, kind: str, sids) -> None:
        """Remove the files of these segments (they no longer exist, or are about to)."""
        for sid in sids:
            for part in ("keys", "pids", "dir"):
                try:
                    self.path(kind, sid, part).unlink()
                except OSError:
                    pass

    def sweep(self, kind: str, live: set[int], force: bool = False) -> int:
        """Remove files of ``kind`` whose segment is not in ``live`` (and that are older than
        ``SWEEP_AGE`` seconds, unless ``force``); at most every ``SWEEP_EVERY`` seconds."""
        now = time.time()
        with self._lock:
            if not force and now - self._last_sweep < SWEEP_EVERY:
                return 0
            self._last_sweep = now
        removed = 0
        try:
            entries = list(os.scandir(self.dir))
        except OSError:
            return 0
        prefix = kind + "-"
        for e in entries:
            name = e.name
            tmp = name.startswith(".")
            if tmp:  # a temporary file: left by a killed writer when old
                stale = name.endswith(".tmp")
            elif name.startswith(prefix):
                try:
                    stale = int(name[len(prefix) :].split(".", 1)[0]) not in live
                except ValueError:
                    continue
            else:
                continue
            if not stale:
                continue
            try:
                if (force and not tmp) or now - e.stat().st_mtime > SWEEP_AGE:
                    os.unlink(e.path)
                    removed += 1
            except OSError:
                pass
        return removed
