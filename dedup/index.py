"""Persistent duplicate index in SQLite (tables prefixed ``dd_``).

The store calls ``add_document`` / ``remove_document`` inside its own ingest
transaction; this class never commits, rolls back or begins a transaction.

Tables
------
- ``dd_meta``: the fingerprint scheme (normalization version, tables hash,
  MinHash / winnowing parameters).  Opening an index whose stored scheme
  differs raises ``DedupParamsChanged`` (or, with ``on_mismatch="reset"``,
  empties every ``dd_`` table and sets ``was_reset`` so the caller re-adds its
  documents).  Keys of two schemes are never mixed.
- ``dd_doc``: one row per document (``grp`` = duplicate group representative).
- ``dd_para``: one row per paragraph: exact hash, normalized text, original
  text, ``cluster`` (paragraph cluster id).
- ``dd_seg``: the band-key and winnowing-fingerprint posting lists, as
  immutable sorted segments (``dedup/postings.py``), one per write batch.
  Only the first occurrence of a normalized paragraph carries postings; its
  exact twins are found through ``dd_para.hash``. Paragraph ids come from a
  counter in ``dd_meta`` and are never reused, so a removed paragraph's
  postings (dropped at the next merge) can never point at another paragraph.
- ``dd_cluster``: size and number of distinct documents per paragraph cluster.

Paragraph clusters are a persisted union-find in its "relabel the smaller
set" form: every paragraph stores its cluster id; a union relabels the smaller
cluster (so each paragraph is relabelled O(log n) times).  Two paragraphs are
joined when their normalized text is equal, or when LSH proposes them and the
real shingle sets verify (``minhash.is_near_duplicate``).

Duplicate groups: documents D and E are linked when the paragraphs of one are
mostly copies of the other's (``GROUP_SHARE`` = 0.6 of its normalized chars lie
in clusters that the other document also has) and at least ``GROUP_MIN_REVERSE``
= 0.2 of the other's chars are shared back.  The reverse floor stops a 16-essay
compilation page from gluing 16 unrelated essays into one group.  Groups are
unions of links (relabel form again).

Cost bounds (boilerplate): at most ``MAX_POSTINGS`` postings are read per band
key / fingerprint, at most ``MAX_VERIFY`` candidates are verified per
paragraph, at most ``GROUP_CLUSTER_DOCS`` documents are read per cluster when
looking for group partners, and at most ``GROUP_CANDIDATES`` partner documents
are scored.  So ingesting a document costs O(paragraphs x caps), whatever the
size of the boilerplate clusters it touches.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

import numpy as np


from govtext.batching import chunks
from dedup.unionfind import UnionFind
from govtext.errors import GovtextError

from . import minhash
from .formulas import formula_kind
from .fingerprint import Prints, exact_hash, fingerprint_normalized, fingerprint_paragraphs, scheme_params
from .normalize import normalize_many
from .grouping import GROUP_CLUSTER_DOCS, GROUP_MIN_REVERSE, GROUP_SHARE, group_candidates, group_link
from .postings import Segment, SegmentPostings
from .segfiles import store_path
from .textfiles import GONE_SCHEMA, TextFiles, new_epoch

MAX_POSTINGS = 64
MAX_VERIFY = 24
BOILERPLATE_TIE_SCAN = 2000  # clusters ranked past a page's end to order ties by sites
#: clusters larger than this are not re-clustered on removal (only counts update)
RECLUSTER_MAX = 5000
#: groups larger than this are not re-linked on removal
REGROUP_MAX = 200
#: automatic compaction after an ingest: a segment is merged with the newer ones once it holds
#: at most this many times their postings (postings.compaction_plan; GOVTEXT_COMPACT_RATIO, 0: off)
COMPACT_RATIO = 3.0
#: ... once the merged segments hold this many postings (GOVTEXT_COMPACT_MIN_POSTINGS)
COMPACT_MIN_POSTINGS = 1 << 18
#: exact-hash matches are only used for paragraphs of at least this many normalized chars
MIN_EXACT_CHARS = 1

INDEX_PARAMS = {
    "max_postings": MAX_POSTINGS,
    "max_verify": MAX_VERIFY,
    "group_share": GROUP_SHARE,
    "group_min_reverse": GROUP_MIN_REVERSE,
    "postings": "segments-1",
}


class DedupParamsChanged(GovtextError):
    status = 500
    code = "dedup_params_changed"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS dd_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dd_doc (
    did INTEGER PRIMARY KEY,
    doc TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL DEFAULT '',
    chars INTEGER NOT NULL,
    npara INTEGER NOT NULL,
    grp INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dd_doc_grp ON dd_doc (grp);
CREATE TABLE IF NOT EXISTS dd_para (
    pid INTEGER PRIMARY KEY,
    did INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    nlen INTEGER NOT NULL,
    hash INTEGER NOT NULL,
    cluster INTEGER NOT NULL,
    norm TEXT NOT NULL,
    text TEXT NOT NULL,
    posted INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dd_para_did ON dd_para (did, idx);
CREATE INDEX IF NOT EXISTS dd_para_hash ON dd_para (hash);
CREATE INDEX IF NOT EXISTS dd_para_cluster ON dd_para (cluster, did);
CREATE TABLE IF NOT EXISTS dd_cluster (cid INTEGER PRIMARY KEY, size INTEGER NOT NULL, ndocs INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS dd_cluster_ndocs ON dd_cluster (ndocs);
"""

_TABLES = ("dd_seg", "dd_para", "dd_doc", "dd_cluster", "dd_meta")
#: tables of earlier layouts, dropped by ``reset``
_OLD_TABLES = ("dd_band", "dd_fp")


class DedupIndex:
    """Duplicate index over a store's sqlite3 connection (see module doc)."""

    def __init__(self, conn: sqlite3.Connection, *, on_mismatch: str = "raise"):
        if on_mismatch not in ("raise", "reset"):
            raise ValueError("on_mismatch must be 'raise' or 'reset'")
        self.conn = conn
        self.was_reset = False
        for stmt in _SCHEMA.strip().split(";"):
            if stmt.strip():
                conn.execute(stmt)
        #: the normalized texts as files beside the store (``dedup/textfiles.py``); None: SQLite only
        self._texts: TextFiles | None = None
        self._gone: set[int] = set()
        self._gone_at: tuple[str, int] = ("", 0)  # (epoch, last dd_gone.seq read)
        self._has_gone = False
        #: hashes of the paragraphs after the complete blocks: ((epoch, first id), ids read up to,
        #: hashes and pids sorted by hash then pid)
        self._tail: tuple = (None, 0, None, None)
        try:
            for stmt in GONE_SCHEMA:
                conn.execute(stmt)
            self._has_gone = True
            path = store_path(conn)
            if path:
                self._texts = TextFiles.for_path(path)
        except sqlite3.OperationalError:  # a read-only store made by an earlier version: no text files
            pass
        self.bands = SegmentPostings(conn, "band")
        self.fps = SegmentPostings(conn, "fp")
        self.params = {"scheme": scheme_params(), "index": INDEX_PARAMS}
        row = conn.execute("SELECT value FROM dd_meta WHERE key='params'").fetchone()
        if row is None:
            if conn.execute("SELECT 1 FROM dd_para LIMIT 1").fetchone():  # data without params: cannot trust it
                if on_mismatch == "raise":
                    raise DedupParamsChanged("dedup tables hold data without recorded parameters; rebuild them")
                self.reset()
            self._record_params()
        elif row[0] != self._params_json():
            if on_mismatch == "raise":
                raise DedupParamsChanged(
                    "the dedup index was built with other fingerprint parameters or normalization "
                    "version; rebuild it (DedupIndex(conn, on_mismatch='reset') and re-add documents)"
                )
            self.reset()

    def _params_json(self) -> str:
        return json.dumps(self.params, sort_keys=True, ensure_ascii=False)

    def _record_params(self) -> None:
        self.conn.execute("INSERT OR REPLACE INTO dd_meta VALUES ('params', ?)", (self._params_json(),))

    # ------------------------------------------------------------ admin

    def reset(self) -> None:
        """Empty every dd_ table and record this scheme (the caller must re-add its documents)."""
        # the text files' epoch first: ids are reused from here on (and the removals below
        # need no tombstones)
        self.conn.execute("DELETE FROM dd_meta WHERE key = 'text_epoch'")
        for t in _TABLES:
            self.conn.execute(f"DELETE FROM {t}")
        if self._has_gone:
            self.conn.execute("DELETE FROM dd_gone")
        for t in _OLD_TABLES:
            self.conn.execute(f"DROP TABLE IF EXISTS {t}")
        self._record_params()
        self.was_reset = True

    @staticmethod
    def stored_params(conn: sqlite3.Connection) -> dict | None:
        try:
            row = conn.execute("SELECT value FROM dd_meta WHERE key='params'").fetchone()
        except sqlite3.OperationalError:
            return None
        return json.loads(row[0]) if row else None

    # ------------------------------------------------------------ postings

    def lookup_bands(self, keys, cap: int = MAX_POSTINGS) -> dict[int, list[int]]:
        """band key -> up to ``cap`` pids (removed paragraphs may appear until the next merge)."""
        return self.bands.lookup(keys, cap)

    def lookup_fingerprints(self, hashes, cap: int = MAX_POSTINGS) -> dict[int, list[int]]:
        """winnowing fingerprint -> up to ``cap`` pids (as ``lookup_bands``)."""
        return self.fps.lookup(hashes, cap)

    def posting_pairs(self, kind: str, keys, cap=MAX_POSTINGS):
        """Vectorized lookup: (query position, pid) arrays for ``keys``; ``cap`` one int or
        one per key (see SegmentPostings.pairs)."""
        return (self.fps if kind == "fp" else self.bands).pairs(keys, cap)

    def compact(self) -> dict[str, dict[str, int]]:
        """Merge each kind's posting segments into one (in the caller's transaction);
        returns per kind its segments and postings before and after.

        Ingest leaves up to FANOUT - 1 segments per level, and every lookup searches
        each of them; after a large load one segment per kind makes a draft check's
        lookups several times cheaper. Lookups read the same pids as before: older
        segments hold the smaller pids and a merged segment keeps each key's pids in
        ascending order, except that postings of removed paragraphs no longer take
        places under a cap, and an exact twin that took over a removed paragraph's
        postings moves to its pid's place."""
        out = {}
        for name, postings in (("band", self.bands), ("fp", self.fps)):
            before = (postings.segment_count(), postings.total())
            postings.merge()
            out[name] = {
                "segments_before": before[0],
                "postings_before": before[1],
                "segments": postings.segment_count(),
                "postings": postings.total(),
            }
        return out

    def auto_compact(
        self, transaction, ratio: float = COMPACT_RATIO, min_postings: int = COMPACT_MIN_POSTINGS
    ) -> dict[str, dict[str, int]]:
        """Size-tiered compaction after an ingest (``postings.compaction_plan``): per kind,
        the newest segments from the oldest one holding at most ``ratio`` times the newer
        ones are merged into one. Returns per merged kind its segments and postings before
        and after; {} when nothing was due.

        The merge is built outside any write lock, from the immutable segments, and only
        swapped in inside ``transaction()`` (a context manager of a write transaction on
        this index's connection), so other writers wait for the swap only and readers in
        other processes keep their snapshot and their mapped files. A kind whose segments
        another writer merged meanwhile is left for the next ingest."""
        out: dict[str, dict[str, int]] = {}
        for name, postings in (("band", self.bands), ("fp", self.fps)):
            plan = postings.plan_compaction(ratio, min_postings)
            if not plan:
                continue
            merged = postings.build_merged(plan)
            if merged is None:
                continue
            with transaction():
                done = postings.replace(plan, merged)
            if done:
                out[name] = {
                    "merged_segments": len(plan),
                    "postings_before": sum(r[3] for r in plan),
                    "postings": len(merged.keys),
                    "segments": postings.segment_count(),
                }
        return out

    def lookup_exact(self, hashes, cap: int = MAX_POSTINGS) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        keys = list(dict.fromkeys(int(k) for k in hashes))
        sql = (
            "SELECT j.value, (SELECT group_concat(pid) FROM "
            f"(SELECT pid FROM dd_para WHERE hash = j.value LIMIT {int(cap)})) FROM json_each(?) j"
        )
        for chunk in chunks(keys, 2000):
            for k, pids in self.conn.execute(sql, (json.dumps(chunk),)):
                if pids:
                    out[k] = [int(x) for x in pids.split(",")]
        return out

    def paragraph_rows(self, pids) -> dict[int, dict]:
        """pid -> {doc_id, paragraph_index, norm, cluster, site, hash}."""
        out = {}
        pids = list(dict.fromkeys(int(p) for p in pids))
        sql = (
            "SELECT p.pid, d.doc, p.idx, p.norm, p.cluster, d.site, p.hash FROM json_each(?) j "
            "JOIN dd_para p ON p.pid = j.value JOIN dd_doc d ON d.did = p.did"
        )
        for chunk in chunks(pids, 2000):
            for pid, doc, idx, norm, cluster, site, h in self.conn.execute(sql, (json.dumps(chunk),)):
                out[pid] = {
                    "doc_id": doc,
                    "paragraph_index": idx,
                    "norm": norm,
                    "cluster": cluster,
                    "site": site,
                    "hash": h,
                }
        return out

    def paragraph_norms(self, pids, utf8: bool = False) -> dict[int, str | bytes]:
        """pid -> normalized text: the part of ``paragraph_rows`` the draft check needs of
        every candidate (the other fields only of the few that match). ``utf8``: a text read
        from the text files may be given as its UTF-8 bytes (not decoded)."""
        out: dict[int, str | bytes] = {}
        pids = list(dict.fromkeys(int(p) for p in pids))
        if self._texts is not None and pids:
            state = self._text_state()
            if state is not None:
                out, pids = self._texts.norms(self.conn, *state, pids, utf8=utf8)
        # no join with dd_doc: a document's row is written before its paragraphs' and
        # removed after them, in one transaction, so every paragraph row has its document
        sql = "SELECT p.pid, p.norm FROM json_each(?) j JOIN dd_para p ON p.pid = j.value"
        for chunk in chunks(pids, 2000):
            out.update(self.conn.execute(sql, (json.dumps(chunk),)).fetchall())
        return out

    def _text_state(self) -> tuple[str, int, set[int]] | None:
        """(epoch, next paragraph id, removed paragraphs) for the text files; None without an epoch."""
        epoch, nxt, last = self.conn.execute(
            "SELECT (SELECT value FROM dd_meta WHERE key = 'text_epoch'), "
            "(SELECT value FROM dd_meta WHERE key = 'next_pid'), (SELECT MAX(seq) FROM dd_gone)"
        ).fetchone()
        if epoch is None or nxt is None:
            return None
        if self._gone_at[0] != epoch:
            self._gone, self._gone_at = set(), (epoch, 0)
        if last is not None and last > self._gone_at[1]:
            rows = self.conn.execute(
                "SELECT seq, pid, epoch FROM dd_gone WHERE seq > ?", (self._gone_at[1],)
            ).fetchall()
        else:
            rows = []
        if rows:
            self._gone.update(p for _, p, e in rows if e == epoch)
            self._gone_at = (epoch, max(r[0] for r in rows))
        return epoch, int(nxt), self._gone

    def source_rows(self, pids, cap: int | None = None) -> tuple[dict[int, dict], dict[int, list[int]]]:
        """What the draft check needs of the paragraphs that match, in one read: pid ->
        {doc_id, paragraph_index, hash} (the fields of ``paragraph_rows`` it uses, not the
        texts), and with ``cap`` pid -> its exact twins (what ``twins`` gives for its hash: up
        to ``cap`` pids with the same normalized text). Removed pids are absent."""
        rows: dict[int, dict] = {}
        twins: dict[int, list[int]] = {}
        pids = list(dict.fromkeys(int(p) for p in pids))
        if self._texts is not None and pids:
            state = self._text_state()
            if state is not None:
                got = self._source_rows_from_files(state, pids, cap)
                if got is not None:
                    return got
        tw = (
            f"(SELECT group_concat(t.pid) FROM (SELECT pid FROM dd_para WHERE hash = p.hash LIMIT {int(cap)}) t)"
            if cap is not None
            else "NULL"
        )
        sql = (
            f"SELECT p.pid, d.doc, p.idx, p.hash, {tw} FROM json_each(?) j "
            "JOIN dd_para p ON p.pid = j.value JOIN dd_doc d ON d.did = p.did"
        )
        for chunk in chunks(pids, 2000):
            for pid, doc, idx, h, same in self.conn.execute(sql, (json.dumps(chunk),)):
                rows[pid] = {"doc_id": doc, "paragraph_index": idx, "hash": h}
                if same:
                    twins[pid] = [int(x) for x in same.split(",")] if "," in same else [int(same)]
        return rows, twins

    def _source_rows_from_files(self, state, pids: list[int], cap: int | None):
        """``source_rows`` from the text files (``dedup/textfiles.py``): the rows of paragraphs in
        complete blocks, their twins there and, from a cache of the hashes of the paragraphs
        after them (kept up to date with the new ids each call), the twins among those; what
        the files miss from SQLite. None when a complete block has no sound file."""
        assert self._texts is not None
        epoch, nxt, gone = state
        (pid, names, idx, h), rest = self._texts.rows(self.conn, epoch, nxt, gone, pids)
        if rest:
            sql = (
                "SELECT p.pid, d.doc, p.idx, p.hash FROM json_each(?) j JOIN dd_para p ON p.pid = j.value "
                "JOIN dd_doc d ON d.did = p.did"
            )
            more = [r for chunk in chunks(rest, 2000) for r in self.conn.execute(sql, (json.dumps(chunk),))]
            if more:
                pid = np.concatenate([pid, np.array([r[0] for r in more], dtype=np.int64)])
                names = names + [r[1] for r in more]
                idx = np.concatenate([idx, np.array([r[2] for r in more], dtype=np.int64)])
                h = np.concatenate([h, np.array([r[3] for r in more], dtype=np.int64)])
        twin_lists: list[list[int]] = []
        uh, inv = np.unique(h, return_inverse=True)
        if cap is not None and len(uh):
            in_files = self._texts.twins(self.conn, epoch, nxt, gone, uh, cap)
            if in_files is None:
                return None
            tail = self._tail_twins(state, uh, cap)
            qi = np.concatenate([in_files[0], tail[0]])
            tp = np.concatenate([in_files[1], tail[1]])
            order = np.argsort(qi, kind="stable")  # the files' (smaller) pids before the tail's
            qi, tp = qi[order], tp[order]
            keep = (np.arange(len(qi)) - np.searchsorted(qi, qi, "left")) < cap
            qi, flat = qi[keep], tp[keep].tolist()
            ends = np.cumsum(np.bincount(qi, minlength=len(uh))).tolist()
            twin_lists = [flat[a:b] for a, b in zip([0] + ends[:-1], ends)]
        rows: dict[int, dict] = {}
        twins: dict[int, list[int]] = {}
        for p, doc, i, hh, k in zip(pid.tolist(), names, idx.tolist(), h.tolist(), inv.ravel().tolist()):
            rows[p] = {"doc_id": doc, "paragraph_index": i, "hash": hh}
            if twin_lists and twin_lists[k]:
                twins[p] = twin_lists[k]
        return rows, twins

    def _tail_twins(self, state, q: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
        """(query position, pid): up to ``cap`` paragraphs (ascending) of each hash of ``q``
        among the ids after the complete blocks, from this index's cache of their hashes."""
        assert self._texts is not None
        epoch, nxt, gone = state
        lo = nxt // self._texts.block * self._texts.block
        key, upto, th, tp = self._tail
        if key != (epoch, lo) or upto > nxt:
            key, upto, th, tp = (epoch, lo), lo, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if upto < nxt:
            new = self.conn.execute("SELECT pid, hash FROM dd_para WHERE pid >= ? AND pid < ?", (upto, nxt)).fetchall()
            if new:
                th = np.concatenate([th, np.array([r[1] for r in new], dtype=np.int64)])
                tp = np.concatenate([tp, np.array([r[0] for r in new], dtype=np.int64)])
                order = np.lexsort((tp, th))
                th, tp = th[order], tp[order]
            upto = nxt
        self._tail = (key, upto, th, tp)
        lo_at = np.searchsorted(th, q, "left")
        cnt = np.minimum(np.searchsorted(th, q, "right") - lo_at, cap + len(gone))
        qi = np.repeat(np.arange(len(q), dtype=np.int64), cnt)
        at = np.arange(len(qi), dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(lo_at, cnt)
        pid = tp[at]
        if gone and len(pid):
            keep = ~np.isin(pid, np.fromiter(gone, dtype=np.int64, count=len(gone)))
            qi, pid = qi[keep], pid[keep]
        return qi, pid

    def twins(self, hashes, cap: int = MAX_POSTINGS) -> dict[int, list[int]]:
        """Exact hash -> pids of paragraphs with that normalized text (capped).

        Only the first occurrence of a normalized paragraph carries band and
        fingerprint postings; its exact twins are found through this."""
        return self.lookup_exact(hashes, cap)

    # ------------------------------------------------------------ ingest

    def _did(self, doc_id: str) -> int | None:
        row = self.conn.execute("SELECT did FROM dd_doc WHERE doc = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def _take_pids(self, n: int) -> int:
        """Reserve ``n`` paragraph ids; returns the first. Ids are never reused."""
        row = self.conn.execute("SELECT value FROM dd_meta WHERE key = 'next_pid'").fetchone()
        if row is None:
            base = (self.conn.execute("SELECT COALESCE(MAX(pid), 0) FROM dd_para").fetchone()[0]) + 1
        else:
            base = int(row[0])
        self.conn.execute("INSERT OR REPLACE INTO dd_meta VALUES ('next_pid', ?)", (str(base + n),))
        self.ensure_text_epoch()
        return base

    def warm_text_files(self) -> int:
        """Write (or check) the text files of every complete block and their twin index now,
        so the first draft check after a write does not pay for it (about 4 s at 1 M
        paragraphs); returns the blocks covered (0: no files for this store)."""
        if self._texts is None:
            return 0
        state = self._text_state()
        if state is None:
            return 0
        epoch, next_pid, _ = state
        nblocks = next_pid // self._texts.block
        if nblocks and self._texts.twin_index(self.conn, epoch, nblocks) is None:
            return 0
        return nblocks

    def ensure_text_epoch(self) -> None:
        """Give the store an epoch for its text files (``dedup/textfiles.py``) if it has none
        (a store of an earlier version, or reset), in the caller's write transaction."""
        if self._texts is not None:
            self.conn.execute("INSERT OR IGNORE INTO dd_meta VALUES ('text_epoch', ?)", (new_epoch(),))

    def add_document(self, doc_id: str, paragraphs: list[str], site: str = "") -> dict:
        """Fingerprint and index one document; update clusters and groups.

        Re-adding an existing ``doc_id`` replaces it.  Returns
        ``{"doc_id", "group_id", "group_size", "changed": [doc ids whose group id changed]}``.
        """
        return self.add_documents([(doc_id, paragraphs, site)])[0]

    def add_documents(self, items) -> list[dict]:
        """``add_document`` for a batch of ``(doc_id, paragraphs, site)``.

        One fingerprinting pass, one candidate lookup and one posting segment
        per kind for the whole batch; documents of the batch are clustered
        with each other as well as with the index.
        """
        items = [(d, [p if isinstance(p, str) else "" for p in ps], s or "") for d, ps, s in items]
        for doc_id, _, _ in items:
            if not isinstance(doc_id, str) or not doc_id:
                raise ValueError("doc_id must be a non-empty string")
        ids = [d for d, _, _ in items]
        if len(set(ids)) < len(ids):  # a document twice in one batch: runs of distinct ids, in order
            out: list[dict] = []
            run: list = []
            for it in items:
                if any(it[0] == r[0] for r in run):
                    out += self.add_documents(run)
                    run = []
                run.append(it)
            return out + self.add_documents(run)
        if not items:
            return []
        conn = self.conn
        changed: set[str] = set()
        for doc_id in ids:
            if self._did(doc_id) is not None:
                changed |= set(self.remove_document(doc_id)["changed"])
        flat = [p for _, ps, _ in items for p in ps]
        lens = [len(ps) for _, ps, _ in items]
        doc_of = np.repeat(np.arange(len(items)), lens)
        prints = fingerprint_paragraphs(flat)
        nlen = [len(t) for t in prints.norm]
        ends = np.cumsum(lens).tolist()
        dids = []
        for (doc_id, ps, site), end in zip(items, ends):
            did = conn.execute(
                "INSERT INTO dd_doc (doc, site, chars, npara, grp) VALUES (?, ?, ?, ?, 0)",
                (doc_id, site, sum(nlen[end - len(ps) : end]), len(ps)),
            ).lastrowid
            dids.append(did)
        conn.executemany("UPDATE dd_doc SET grp = did WHERE did = ?", [(d,) for d in dids])
        base = self._take_pids(len(flat))
        pids = np.arange(base, base + len(flat), dtype=np.int64)
        clusters, posted, touched, band_segment = self._cluster_batch(pids, prints, doc_of)
        idx_in_doc = [i for n in lens for i in range(n)]
        conn.executemany(
            "INSERT INTO dd_para (pid, did, idx, nlen, hash, cluster, norm, text, posted) VALUES (?,?,?,?,?,?,?,?,?)",
            zip(
                pids.tolist(),
                [dids[k] for k in doc_of.tolist()],
                idx_in_doc,
                nlen,
                prints.hashes,
                clusters,
                prints.norm,
                flat,
                posted.astype(int).tolist(),
            ),
        )
        self._post(pids[posted], prints, np.flatnonzero(posted), band_segment)
        for k in sorted(touched):
            changed |= self._link_groups(dids[k], ids[k])
        groups = self.groups_of(ids)
        out = []
        for doc_id in ids:
            gid, size = groups[doc_id]
            out.append({"doc_id": doc_id, "group_id": gid, "group_size": size, "changed": sorted(changed - {doc_id})})
        return out

    def _post(self, pids: np.ndarray, prints: Prints, rows: np.ndarray, band_segment=None) -> None:
        """Write one band and one fingerprint segment for paragraphs ``rows`` of ``prints``
        (``band_segment``: their band segment, when the caller has built it already)."""
        if not len(rows):
            return
        ascending = bool(np.all(pids[1:] > pids[:-1]))
        if band_segment is not None:
            self.bands.write(band_segment.keys, band_segment.pids, built=band_segment)
        else:
            with_bands = rows[prints.has_bands[rows]]
            bkeys = prints.band_matrix[with_bands]
            bpids = np.repeat(pids[np.isin(rows, with_bands)], bkeys.shape[1])
            self.bands.write(bkeys.ravel(), bpids, pids_sorted=ascending)
        fps = [prints.fps[i] for i in rows.tolist()]
        lens = [len(f) for f in fps]
        if sum(lens):
            self.fps.write(np.concatenate(fps).astype(np.int64), np.repeat(pids, lens), pids_sorted=ascending)

    def _cluster_batch(self, pids: np.ndarray, prints: Prints, doc_of: np.ndarray):
        """Cluster ids for new paragraphs (merging existing clusters as needed).

        Returns (cluster per paragraph, posted mask, batch documents that share a
        cluster with another document and so may join a group, the band segment
        of the posted paragraphs). Three steps: link exact duplicates, link
        verified near duplicates, resolve the components into clusters."""
        uf = UnionFind()
        node = [-int(p) for p in pids]  # new paragraphs: negative node ids; existing clusters: positive ids
        posted = self._link_exact(uf, node, prints)
        batch_seg = self._link_near(uf, node, prints, pids, posted)
        result, touched = self._resolve_clusters(uf, node, pids, doc_of)
        return result, posted, touched, batch_seg

    def _link_exact(self, uf: UnionFind, node: list[int], prints: Prints) -> np.ndarray:
        """Step 1: exact duplicates, within the batch and with the index. Returns the
        posted mask (False: an exact twin already carries the postings)."""
        n = len(node)
        norm = prints.norm
        hashes = prints.hashes
        exact = self.lookup_exact({hashes[i] for i in range(n) if len(norm[i]) >= MIN_EXACT_CHARS}, cap=1)
        exact_pids = {h: p[0] for h, p in exact.items()}
        ex_rows = self.paragraph_rows(exact_pids.values()) if exact_pids else {}
        posted = np.ones(n, dtype=bool)  # False: an exact twin already carries the postings
        by_hash: dict[int, int] = {}
        for i in range(n):
            if len(norm[i]) < MIN_EXACT_CHARS:
                continue
            h = hashes[i]
            j = by_hash.get(h)
            if j is not None:
                uf.union(node[i], node[j])
                posted[i] = False
            else:
                by_hash[h] = i
            p = exact_pids.get(h)
            if p is not None and p in ex_rows:
                uf.union(node[i], ex_rows[p]["cluster"])
                posted[i] = False
        return posted

    def _link_near(
        self, uf: UnionFind, node: list[int], prints: Prints, pids: np.ndarray, posted: np.ndarray
    ) -> Segment:
        """Step 2: near duplicates, LSH candidates among stored and earlier batch
        paragraphs, verified on their shingle sets. Returns the batch's band segment."""
        norm = prints.norm
        base = int(pids[0]) if len(pids) else 0
        rows_b = np.flatnonzero(posted & prints.has_bands)
        q_keys = prints.band_matrix[rows_b].ravel()
        q_para = np.repeat(rows_b, prints.band_matrix.shape[1])
        batch_seg = SegmentPostings.build(q_keys, pids[q_para], pids_sorted=True)
        qi, cand = self.bands.pairs(q_keys, MAX_POSTINGS, extra=batch_seg)
        para = q_para[qi]
        keep = cand < pids[para]  # stored paragraphs, or batch paragraphs before this one
        para, cand = para[keep], cand[keep]
        shingles: dict[int, frozenset] = {}
        rows: dict[int, dict] = {}
        if len(para):
            combo = (para.astype(np.int64) << 32) | cand
            uniq, counts = np.unique(combo, return_counts=True)
            up, uc = uniq >> 32, uniq & 0xFFFFFFFF
            order = np.lexsort((-counts, up))
            up, uc = up[order], uc[order]
            first = np.searchsorted(up, up, "left")
            rank = np.arange(len(up)) - first
            sel = rank < MAX_VERIFY
            up, uc = up[sel].tolist(), uc[sel].tolist()
            rows = self.paragraph_rows({c for c in uc if c < base})
            # shingle sets of every text to verify, k-grams hashed in one batch
            need = sorted(set(up) | {c - base for c in uc if c >= base})
            old_need = sorted({c for c in uc if c < base and c in rows})
            texts = [norm[i] for i in need] + [rows[c]["norm"] for c in old_need]
            keys = [-i - 1 for i in need] + old_need
            hs, ow = minhash.batch_kgram_hashes(texts, minhash.SHINGLE)
            cut = np.searchsorted(ow, np.arange(len(texts) + 1))
            hl = hs.tolist()
            for t, key in enumerate(keys):
                shingles[key] = frozenset(hl[cut[t] : cut[t + 1]])

            def sh(key, text):
                s = shingles.get(key)
                if s is None:
                    s = shingles[key] = minhash.shingle_set(text)
                return s

            for i, c in zip(up, uc):
                if c >= base:
                    j = c - base
                    other, text, c = node[j], norm[j], -j - 1
                else:
                    r = rows.get(c)
                    if r is None:  # a removed paragraph's postings, not merged away yet
                        continue
                    other, text = r["cluster"], r["norm"]
                if uf.find(node[i]) == uf.find(other):
                    continue
                if minhash.is_near_duplicate(sh(-i - 1, norm[i]), sh(c, text))[0]:
                    uf.union(node[i], other)
        return batch_seg

    def _resolve_clusters(
        self, uf: UnionFind, node: list[int], pids: np.ndarray, doc_of: np.ndarray
    ) -> tuple[list[int], set[int]]:
        """Step 3: each component's target is its largest existing cluster, else its
        smallest new pid. Returns (cluster per paragraph, documents touched)."""
        conn = self.conn
        n = len(pids)
        base = int(pids[0]) if n else 0
        comps: dict[int, list[int]] = defaultdict(list)
        for nd in list(uf.parent.keys()):
            comps[uf.find(nd)].append(nd)
        existing = sorted({nd for nd in uf.parent if nd > 0})
        sizes = {}
        for chunk in chunks(existing, 500):
            q = ",".join("?" * len(chunk))
            for cid, size, nd in conn.execute(f"SELECT cid, size, ndocs FROM dd_cluster WHERE cid IN ({q})", chunk):
                sizes[cid] = (size, nd)
        result = [-x for x in node]  # a paragraph alone is its own cluster (id = its pid)
        singles = set(range(n))
        touched: set[int] = set()
        doc_list = doc_of.tolist()
        for members in comps.values():
            olds = [m for m in members if m > 0 and m in sizes]
            news = [-m - base for m in members if m < 0]
            if not news:
                continue
            new_docs = {doc_list[i] for i in news}
            if olds or len(new_docs) > 1:
                touched |= new_docs
            if olds:
                target = max(olds, key=lambda c: (sizes[c][0], -c))
                for c in olds:
                    if c != target:
                        conn.execute("UPDATE dd_para SET cluster = ? WHERE cluster = ?", (target, c))
                        conn.execute("DELETE FROM dd_cluster WHERE cid = ?", (c,))
                total = sum(sizes[c][0] for c in olds) + len(news)
                if len(olds) > 1:
                    nd = conn.execute(
                        "SELECT COUNT(DISTINCT did) FROM dd_para WHERE cluster = ?", (target,)
                    ).fetchone()[0] + len(new_docs)
                else:
                    nd = sizes[target][1] + len(new_docs)  # these documents are new to the cluster
                conn.execute("UPDATE dd_cluster SET size = ?, ndocs = ? WHERE cid = ?", (total, nd, target))
            else:
                target = min(news) + base
                conn.execute(
                    "INSERT INTO dd_cluster (cid, size, ndocs) VALUES (?, ?, ?)", (target, len(news), len(new_docs))
                )
            for i in news:
                result[i] = target
                singles.discard(i)
        conn.executemany(
            "INSERT INTO dd_cluster (cid, size, ndocs) VALUES (?, 1, 1)", [(result[i],) for i in sorted(singles)]
        )
        return result, touched

    def bulk_load(self, docs, *, batch_paragraphs: int = 50_000) -> int:
        """Fast initial load of ``(doc_id, paragraphs, site)`` tuples into an empty index.

        Same fingerprints and postings as ``add_documents`` (exact twins carry no
        postings), but every paragraph is clustered only with its exact twins
        and no duplicate groups are formed. Meant for benchmarks and for
        bootstrapping a large index where near-duplicate clustering is not
        needed; use ``add_documents`` otherwise. Returns the number of paragraphs loaded.
        """
        conn = self.conn
        if conn.execute("SELECT 1 FROM dd_para LIMIT 1").fetchone():
            raise ValueError("bulk_load needs an empty index")
        # exact hashes seen so far (sorted) and their cluster (the first pid with that hash)
        seen_h = np.zeros(0, dtype=np.int64)
        seen_cl = np.zeros(0, dtype=np.int64)
        para_cl: list[np.ndarray] = []  # per batch: every paragraph's cluster and document
        para_did: list[np.ndarray] = []
        loaded = 0
        buf: list[tuple[str, list[str], str]] = []

        def flush():
            nonlocal loaded, seen_h, seen_cl
            if not buf:
                return
            flat = [p for _, ps, _ in buf for p in ps]
            norm = normalize_many(flat)
            base = self._take_pids(len(flat))
            n = len(flat)
            pids = np.arange(base, base + n, dtype=np.int64)
            lens = np.array([len(ps) for _, ps, _ in buf], dtype=np.int64)
            nlen = np.fromiter((len(t) for t in norm), dtype=np.int64, count=n)
            ends = np.cumsum(lens)
            cum = np.concatenate([[0], np.cumsum(nlen)])
            # each document its own group: the ids SQLite would give (the largest id + 1 on)
            first_did = conn.execute("SELECT COALESCE(MAX(did), 0) + 1 FROM dd_doc").fetchone()[0]
            dids = list(range(first_did, first_did + len(buf)))
            conn.executemany(
                "INSERT INTO dd_doc (did, doc, site, chars, npara, grp) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (did, doc_id, site or "", chars, len(ps), did)
                    for did, (doc_id, ps, site), chars in zip(dids, buf, (cum[ends] - cum[ends - lens]).tolist())
                ),
            )
            did_of = np.repeat(np.array(dids, dtype=np.int64), lens)
            idx = np.arange(n, dtype=np.int64) - np.repeat(ends - lens, lens)
            # a paragraph's cluster: the first pid (this load) with its exact hash; that one is posted
            h = np.fromiter((exact_hash(t) for t in norm), dtype=np.int64, count=n)
            uh, first, inv = np.unique(h, return_index=True, return_inverse=True)
            at = np.minimum(np.searchsorted(seen_h, uh), max(len(seen_h) - 1, 0))
            known = (seen_h[at] == uh) if len(seen_h) else np.zeros(len(uh), dtype=bool)
            u_cl = np.where(known, seen_cl[at] if len(seen_h) else 0, base + first)
            cl = u_cl[inv.ravel()]
            posted = np.zeros(n, dtype=bool)
            posted[first[~known]] = True
            seen_h = np.concatenate([seen_h, uh[~known]])
            seen_cl = np.concatenate([seen_cl, u_cl[~known]])
            order = np.argsort(seen_h, kind="stable")
            seen_h, seen_cl = seen_h[order], seen_cl[order]
            para_cl.append(cl)
            para_did.append(did_of)
            conn.executemany(
                "INSERT INTO dd_para (pid, did, idx, nlen, hash, cluster, norm, text, posted) VALUES (?,?,?,?,?,?,?,?,?)",
                zip(
                    pids.tolist(),
                    did_of.tolist(),
                    idx.tolist(),
                    nlen.tolist(),
                    h.tolist(),
                    cl.tolist(),
                    norm,
                    flat,
                    posted.astype(np.int64).tolist(),
                ),
            )
            # only posted paragraphs need MinHash and winnowing (exact twins carry no postings)
            rows = np.flatnonzero(posted)
            prints = fingerprint_normalized([norm[i] for i in rows.tolist()], hashes=h[rows].tolist())
            self._post(pids[rows], prints, np.arange(len(rows)))
            loaded += n
            buf.clear()

        # the paragraph indexes are built once at the end (one sort each), not row by row
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dd_para' AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        try:
            n = 0
            for doc_id, ps, site in docs:
                buf.append((doc_id, list(ps), site))
                n += len(ps)
                if n >= batch_paragraphs:
                    flush()
                    n = 0
            flush()
        finally:
            for _, sql in indexes:
                conn.execute(sql)
        cl, did = (np.concatenate(x) if x else np.zeros(0, dtype=np.int64) for x in (para_cl, para_did))
        if len(cl):  # per cluster: its paragraphs and distinct documents
            cids, size = np.unique(cl, return_counts=True)
            pairs = np.unique(np.stack([cl, did]), axis=1)
            ndocs = np.bincount(np.searchsorted(cids, pairs[0]), minlength=len(cids))
            conn.executemany(
                "INSERT INTO dd_cluster (cid, size, ndocs) VALUES (?, ?, ?)",
                zip(cids.tolist(), size.tolist(), ndocs.tolist()),
            )
        return loaded

    # ------------------------------------------------------------ groups

    def _doc_clusters(self, did: int) -> dict[int, int]:
        """cluster -> normalized chars of this document's paragraphs in it."""
        out: dict[int, int] = defaultdict(int)
        for cluster, nlen in self.conn.execute("SELECT cluster, nlen FROM dd_para WHERE did = ?", (did,)):
            out[cluster] += nlen
        return out

    def _partners(self, did: int, restrict: set[int] | None = None) -> list[tuple[int, float, float]]:
        """Documents linked to ``did``: [(other did, share of did, share of other)]."""
        conn = self.conn
        mine = self._doc_clusters(did)
        total = sum(mine.values())
        if total == 0:
            return []
        clusters = [c for c in mine]
        sql = (
            "SELECT j.value, (SELECT group_concat(did) FROM (SELECT DISTINCT did FROM dd_para "
            f"WHERE cluster = j.value AND did <> ? LIMIT {GROUP_CLUSTER_DOCS})) FROM json_each(?) j"
        )
        shared: dict[int, int] = defaultdict(int)
        for chunk in chunks(clusters, 2000):
            for c, dids in conn.execute(sql, (did, json.dumps(chunk))):
                if not dids:
                    continue
                for o in dids.split(","):
                    o = int(o)
                    if restrict is None or o in restrict:
                        shared[o] += mine[c]
        out = []
        for o in group_candidates(total, shared):
            link = group_link(mine, self._doc_clusters(o))
            if link is not None:
                out.append((o, *link))
        return out

    def _merge_groups(self, g1: int, g2: int) -> set[str]:
        if g1 == g2:
            return set()
        conn = self.conn
        n1 = conn.execute("SELECT COUNT(*) FROM dd_doc WHERE grp = ?", (g1,)).fetchone()[0]
        n2 = conn.execute("SELECT COUNT(*) FROM dd_doc WHERE grp = ?", (g2,)).fetchone()[0]
        keep, drop = (g1, g2) if (n1, -g1) >= (n2, -g2) else (g2, g1)
        moved = {r[0] for r in conn.execute("SELECT doc FROM dd_doc WHERE grp = ?", (drop,))}
        conn.execute("UPDATE dd_doc SET grp = ? WHERE grp = ?", (keep, drop))
        return moved

    def _grp(self, did: int) -> int:
        return self.conn.execute("SELECT grp FROM dd_doc WHERE did = ?", (did,)).fetchone()[0]

    def _link_groups(self, did: int, doc_id: str, restrict: set[int] | None = None) -> set[str]:
        changed: set[str] = set()
        for other, _, _ in self._partners(did, restrict):
            g1, g2 = self._grp(did), self._grp(other)
            if g1 != g2:
                changed |= self._merge_groups(g1, g2)
        return changed

    # ------------------------------------------------------------ removal

    def remove_document(self, doc_id: str) -> dict:
        """Remove a document; re-cluster what it may have bridged; re-link its group.

        Returns ``{"doc_id", "removed": bool, "changed": [doc ids whose group id changed]}``.
        """
        conn = self.conn
        did = self._did(doc_id)
        if did is None:
            return {"doc_id": doc_id, "removed": False, "changed": []}
        rows = conn.execute("SELECT pid, cluster, norm, hash, posted FROM dd_para WHERE did = ?", (did,)).fetchall()
        posted_rows = [r for r in rows if r[4]]
        conn.execute("DELETE FROM dd_para WHERE did = ?", (did,))
        # a remaining exact twin of a removed posted paragraph takes over its postings
        # (the removed paragraph's own postings are dropped at the next segment merge)
        heirs = []
        for r in posted_rows:
            twin = conn.execute("SELECT pid, norm FROM dd_para WHERE hash = ? ORDER BY pid LIMIT 1", (r[3],)).fetchone()
            if twin is not None:
                heirs.append(twin)
        if heirs:
            hp = fingerprint_normalized([t[1] for t in heirs])
            conn.executemany("UPDATE dd_para SET posted = 1 WHERE pid = ?", [(t[0],) for t in heirs])
            self._post(np.array([t[0] for t in heirs], dtype=np.int64), hp, np.arange(len(heirs)))
        for cluster in sorted({r[1] for r in rows}):
            self._recluster(cluster)
        grp = self._grp(did)
        members = [r[0] for r in conn.execute("SELECT did FROM dd_doc WHERE grp = ? AND did <> ?", (grp, did))]
        conn.execute("DELETE FROM dd_doc WHERE did = ?", (did,))
        changed: set[str] = set()
        if members and len(members) <= REGROUP_MAX:
            names = dict(
                conn.execute(
                    f"SELECT did, doc FROM dd_doc WHERE did IN ({','.join('?' * len(members))})", members
                ).fetchall()
            )
            old = {m: grp for m in members}
            conn.executemany("UPDATE dd_doc SET grp = did WHERE did = ?", [(m,) for m in members])
            mset = set(members)
            for m in members:
                self._link_groups(m, names[m], restrict=mset)
            for m in members:
                if self._grp(m) != old[m]:
                    changed.add(names[m])
        elif members:
            new_rep = min(members)
            if grp == did:
                conn.execute("UPDATE dd_doc SET grp = ? WHERE grp = ?", (new_rep, did))
                changed |= {r[0] for r in conn.execute("SELECT doc FROM dd_doc WHERE grp = ?", (new_rep,))}
        return {"doc_id": doc_id, "removed": True, "changed": sorted(changed)}

    def _recluster(self, cluster: int) -> None:
        conn = self.conn
        rows = conn.execute("SELECT pid, did, hash, norm FROM dd_para WHERE cluster = ?", (cluster,)).fetchall()
        if not rows:
            conn.execute("DELETE FROM dd_cluster WHERE cid = ?", (cluster,))
            return
        if len(rows) > RECLUSTER_MAX:
            nd = len({r[1] for r in rows})
            conn.execute("UPDATE dd_cluster SET size = ?, ndocs = ? WHERE cid = ?", (len(rows), nd, cluster))
            return
        uf = UnionFind()
        rep_of_hash: dict[int, int] = {}
        reps = []
        for pid, _, h, _ in rows:
            uf.find(pid)
            if h in rep_of_hash:
                uf.union(pid, rep_of_hash[h])
            else:
                rep_of_hash[h] = pid
                reps.append(pid)
        norm_of = {r[0]: r[3] for r in rows}
        rep_norm = [norm_of[p] for p in reps]
        prints = fingerprint_normalized(rep_norm)
        buckets: dict[int, list[int]] = defaultdict(list)
        sets: dict = {}
        for i, keys in enumerate(prints.bands):
            for k in keys:
                buckets[k].append(i)
        for i, keys in enumerate(prints.bands):
            seen = set()
            for k in keys:
                for j in buckets[k][:MAX_VERIFY]:
                    if j == i or j in seen:
                        continue
                    seen.add(j)
                    a, b = reps[i], reps[j]
                    if uf.find(a) == uf.find(b):
                        continue
                    sa = sets.setdefault(i, minhash.shingle_set(rep_norm[i]))
                    sb = sets.setdefault(j, minhash.shingle_set(rep_norm[j]))
                    if minhash.is_near_duplicate(sa, sb)[0]:
                        uf.union(a, b)
        comps: dict[int, list[tuple]] = defaultdict(list)
        for r in rows:
            comps[uf.find(r[0])].append(r)
        ordered = sorted(comps.values(), key=lambda m: -len(m))
        for k, members in enumerate(ordered):
            cid = cluster if k == 0 else min(r[0] for r in members)
            nd = len({r[1] for r in members})
            if k == 0:
                conn.execute("UPDATE dd_cluster SET size = ?, ndocs = ? WHERE cid = ?", (len(members), nd, cid))
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO dd_cluster (cid, size, ndocs) VALUES (?, ?, ?)", (cid, len(members), nd)
                )
                conn.executemany("UPDATE dd_para SET cluster = ? WHERE pid = ?", [(cid, r[0]) for r in members])

    # ------------------------------------------------------------ queries

    def group_of(self, doc_id: str) -> tuple[str, int] | None:
        """(group id, number of documents in the group), or None for an unknown document.

        The group id is the doc id of the group's representative (its first
        document), so a document alone is its own group, as with no dedup at
        all.  It stays stable until a later ingest or removal merges or splits
        the group (``add_document``/``remove_document`` report the documents
        whose group id changed).
        """
        row = self.conn.execute(
            "SELECT r.doc, d.grp FROM dd_doc d JOIN dd_doc r ON r.did = d.grp WHERE d.doc = ?", (doc_id,)
        ).fetchone()
        if row is None:
            return None
        size = self.conn.execute("SELECT COUNT(*) FROM dd_doc WHERE grp = ?", (row[1],)).fetchone()[0]
        return row[0], size

    def groups_of(self, doc_ids: list[str]) -> dict[str, tuple[str, int]]:
        """group_of for many documents in one statement (search collapses a page of hits; the
        group sizes counted on the grp index, a third less time than a second statement)."""
        if not doc_ids:
            return {}
        ids = json.dumps(list(dict.fromkeys(doc_ids)))
        rows = self.conn.execute(
            "SELECT d.doc, r.doc, (SELECT COUNT(*) FROM dd_doc x WHERE x.grp = d.grp) "
            "FROM json_each(?) j JOIN dd_doc d ON d.doc = j.value JOIN dd_doc r ON r.did = d.grp",
            (ids,),
        ).fetchall()
        return {doc: (rep, size) for doc, rep, size in rows}

    def group_members(self, group_id: str) -> list[str]:
        """Doc ids of the group (``group_id`` as given by ``group_of``), first document first."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT doc FROM dd_doc WHERE grp = (SELECT grp FROM dd_doc WHERE doc = ?) ORDER BY did", (group_id,)
            )
        ]

    def paragraph_recurrence(self, doc_id: str) -> list[int]:
        """Per paragraph (by index) of the document: number of distinct documents
        (itself included) that contain this paragraph or a near-copy of it."""
        did = self._did(doc_id)
        if did is None:
            return []
        rows = self.conn.execute(
            "SELECT p.idx, COALESCE(c.ndocs, 1) FROM dd_para p LEFT JOIN dd_cluster c ON c.cid = p.cluster "
            "WHERE p.did = ? ORDER BY p.idx",
            (did,),
        ).fetchall()
        return [int(n) for _, n in rows]

    def clusters(self, min_size: int = 2, limit: int = 100) -> list[dict]:
        """Paragraph clusters with at least ``min_size`` paragraphs, largest first."""
        out = []
        for cid, size, nd in self.conn.execute(
            "SELECT cid, size, ndocs FROM dd_cluster WHERE size >= ? ORDER BY size DESC, cid LIMIT ?",
            (min_size, limit),
        ):
            members = [
                {"doc_id": d, "paragraph_index": i}
                for d, i in self.conn.execute(
                    "SELECT d.doc, p.idx FROM dd_para p JOIN dd_doc d ON d.did = p.did WHERE p.cluster = ? "
                    "ORDER BY p.pid LIMIT 50",
                    (cid,),
                )
            ]
            out.append({"cluster_id": cid, "size": size, "docs": nd, "members": members})
        return out

    def boilerplate(
        self,
        min_docs: int = 3,
        limit: int = 50,
        *,
        min_chars: int = 10,
        variants: int = 5,
        occurrences: int = 20,
        offset: int = 0,
        q: str = "",
        kind: str = "",
        docs: list[str] | None = None,
    ) -> list[dict]:
        """Recurring paragraphs, ranked by distinct documents then distinct sites.

        Each item: ``cluster_id``, ``kind`` (dedup/formulas.py: ``legal_formula`` or
        ``report_formula``), ``docs``, ``sites``, ``paragraphs``, ``text`` (the most
        common variant), ``variant_count``, ``variants`` [{text, count}] (the first
        ``variants``), ``occurrences`` [{doc_id, paragraph_index, site}] (first
        ``occurrences``).  Paragraphs shorter than ``min_chars`` normalized
        characters (headings like 第一章 总则) are skipped.

        Filters: ``q`` (some variant's text contains it), ``kind``, ``docs`` (only
        paragraphs of these documents count, e.g. the documents of one type,
        region or year; counts, variants and occurrences are over them).  Items
        ``offset`` … ``offset + limit`` of the ranking: the ranking is exact for
        them (every cluster with as many documents as the last one is ranked), so
        pages do not overlap.
        """
        conn = self.conn
        min_docs = max(1, int(min_docs))
        limit, offset = max(0, int(limit)), max(0, int(offset))
        want = offset + limit
        if not limit:
            return []
        if docs is None:
            only, only_args = "", []
            pool = conn.execute(
                "SELECT cid, size, ndocs FROM dd_cluster WHERE ndocs >= ? ORDER BY ndocs DESC, size DESC, cid",
                (min_docs,),
            )
        else:
            only = " AND p.did IN (SELECT d2.did FROM dd_doc d2 WHERE d2.doc IN (SELECT value FROM json_each(?)))"
            only_args = [json.dumps(sorted(set(docs)))]
            pool = conn.execute(
                "SELECT p.cluster, COUNT(*), COUNT(DISTINCT p.did) AS nd FROM dd_para p WHERE 1=1"
                + only
                + " GROUP BY p.cluster HAVING nd >= ? ORDER BY nd DESC, COUNT(*) DESC, p.cluster",
                (*only_args, min_docs),
            )
        out: list[dict] = []
        extra = 0
        for cid, size, nd in pool.fetchall():
            if len(out) >= want:
                # every cluster with the last item's document count is ranked (sites break ties)
                out.sort(key=lambda b: (-b["docs"], -b["sites"], -b["paragraphs"], b["cluster_id"]))
                extra += 1
                if nd < out[want - 1]["docs"] or extra > BOILERPLATE_TIE_SCAN:
                    break
            var = conn.execute(
                "SELECT MIN(p.text), COUNT(*), MAX(p.nlen) FROM dd_para p WHERE p.cluster = ?"
                + only
                + " GROUP BY p.hash ORDER BY COUNT(*) DESC, MIN(p.text)",
                (cid, *only_args),
            ).fetchall()
            if not var or max(v[2] for v in var) < min_chars:
                continue
            item_kind = formula_kind(var[0][0])
            if kind and item_kind != kind:
                continue
            if q and not any(q in v[0] for v in var):
                if not conn.execute(
                    "SELECT 1 FROM dd_para p WHERE p.cluster = ? AND instr(p.text, ?) > 0" + only + " LIMIT 1",
                    (cid, q, *only_args),
                ).fetchone():
                    continue
            sites = conn.execute(
                "SELECT COUNT(DISTINCT d.site) FROM dd_para p JOIN dd_doc d ON d.did = p.did "
                "WHERE p.cluster = ? AND d.site <> ''" + only,
                (cid, *only_args),
            ).fetchone()[0]
            occ = [
                {"doc_id": d, "paragraph_index": i, "site": st}
                for d, i, st in conn.execute(
                    "SELECT d.doc, p.idx, d.site FROM dd_para p JOIN dd_doc d ON d.did = p.did "
                    "WHERE p.cluster = ?" + only + " ORDER BY p.pid LIMIT ?",
                    (cid, *only_args, occurrences),
                )
            ]
            out.append(
                {
                    "cluster_id": cid,
                    "kind": item_kind,
                    "docs": nd,
                    "sites": sites,
                    "paragraphs": size,
                    "text": var[0][0],
                    "variant_count": len(var),
                    "variants": [{"text": t, "count": c} for t, c, _ in var[: max(1, int(variants))]],
                    "occurrences": occ,
                }
            )
        out.sort(key=lambda b: (-b["docs"], -b["sites"], -b["paragraphs"], b["cluster_id"]))
        return out[offset:want]

    def stats(self, postings: bool = False) -> dict:
        """Counts and shares; ``postings=True`` also counts band / fingerprint
        postings (removed paragraphs' postings included until their segments merge)."""
        c = self.conn
        one = lambda sql: c.execute(sql).fetchone()[0]  # noqa: E731
        docs = one("SELECT COUNT(*) FROM dd_doc")
        groups = c.execute(
            "SELECT COUNT(*), COALESCE(SUM(n), 0) FROM (SELECT COUNT(*) n FROM dd_doc GROUP BY grp HAVING n > 1)"
        ).fetchone()
        paras = one("SELECT COUNT(*) FROM dd_para")
        clus = c.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM dd_cluster WHERE size > 1").fetchone()
        out = {
            "documents": docs,
            "paragraphs": paras,
            "clusters": clus[0],
            "paragraphs_in_clusters": clus[1],
            "duplicate_paragraph_share": (clus[1] - clus[0]) / paras if paras else 0.0,
            "groups": groups[0],
            "documents_in_groups": groups[1],
            "duplicate_document_share": (groups[1] - groups[0]) / docs if docs else 0.0,
            "params": self.params,
        }
        if postings:
            out["band_postings"] = self.bands.total()
            out["fingerprint_postings"] = self.fps.total()
            out["posting_segments"] = one("SELECT COUNT(*) FROM dd_seg")
        return out
