"""知网查重-style duplicate check of a draft against a ``DedupIndex``.

1. The draft is normalized once (offsets kept); each line is a draft paragraph.
2. Candidates: the draft's fingerprint keys (anchored and plain, see
   ``winnow``), its paragraphs' LSH band keys and exact hashes are looked up
   (postings capped per key); candidates are ranked per draft paragraph by
   rarity-weighted shared keys, an anchored key counting ``ANCHORED_WEIGHT``
   times a plain one (``_candidates``).
3. Copies: all k-gram hashes of the draft and of the candidate paragraphs are
   joined in one vectorized pass; consecutive k-gram matches on one diagonal
   are a common run; runs of at least ``winnow.GUARANTEE`` (13) normalized
   characters are checked character by character and kept.  Every such run
   shares an anchored key with its source; draft paragraphs that the best
   candidates leave less than 90 % covered get every candidate sharing an
   anchored key verified as well (also those still holding an uncovered
   stretch of 13 characters).  Anchored keys whose postings fill
   ``ANCHORED_POSTINGS`` (stock phrasing) are read ``DEEP_POSTINGS`` deep, and
   where such keys lie in a stretch still uncovered, their paragraphs are
   verified too (``_deep_pairs``, at most ``DEEP_BUDGET``): a run made only of
   common contexts is found unless its source lies beyond that depth.
4. Near copies: a draft sentence (>= ``NEAR_MIN_CHARS`` normalized chars) that
   is not already mostly covered by copies is compared with the candidates
   sharing at least ``NEAR_PREFILTER`` of its k-grams (from the same k-gram
   join), then the share of the sentence
   covered by common blocks of >= 4 characters (difflib); >= ``NEAR_THRESHOLD``
   makes the whole sentence a ``near_copy``. A candidate whose common
   4-character substrings cannot cover that share is not given to difflib
   (``_cover4``, an upper bound of its blocks).
5. Attribution: every source document is credited only with the draft
   characters it really shares (its own runs and near-copy blocks, not the
   merged span); a match lists per source its characters and sub-spans.
6. Kinds (``dedup.kinds``): matched text inside quotes / 《》 or after a citation
   verb (指出, 强调, 规定, 提出, 要求) is 引用 (``quotation``); matched text
   shared with ``BOILERPLATE_MIN_DOCS`` or more documents, or whitelisted, is
   套话 (``boilerplate``); the rest is 复制 (``copy`` / ``near_copy``).  The
   writer's framing of a citation ("第三条明确指出") and fragments of 复制 / 套话
   under 13 characters are never counted.  ``overlap_ratio`` (总复制比) counts
   every kind unless ``quotes_as_citation`` / ``exclude_boilerplate``; ``rates``
   gives 总复制比, 去除引用, 去除套话 and 复制 (also per paragraph).

The steps are functions over one ``_Draft`` and one ``_Evidence``:
``_prepare`` → ``_find_runs`` → ``_exact_copies`` → ``_near_copies`` →
``_find_twins`` → ``_classify`` → ``_match`` / ``_source_totals``.

Ratios are over the characters that carry content: whitespace and punctuation
do not count; a masked run (晋城市, 2023) counts its original length.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from govtext.errors import BadInput
from govtext.validation import check_text

from . import native, winnow
from .fingerprint import MIN_BAND_CHARS, exact_hash
from .kinds import citation_masks, whitelist_mask, whitelist_phrases
from .limits import cap_report
from .lookup import DedupLookup
from .minhash import band_keys, batch_kgram_hashes, signatures
from .postings import expand_ranges
from .normalize import Normalized, normalize

K = winnow.K
MIN_RUN = winnow.GUARANTEE
MIN_EXACT_PARAGRAPH = 5
NEAR_MIN_CHARS = 15
NEAR_THRESHOLD = 0.7
#: share of a sentence's k-grams a candidate must share before difflib verifies it
NEAR_PREFILTER = 0.25
NEAR_VERIFY = 8
CANDIDATES_PER_PARAGRAPH = 16
MAX_CANDIDATES = 2000
MAX_SOURCES = 10
#: postings read per fingerprint / band key of a draft (boilerplate keys have
#: thousands; a run made only of such keys is still found against this many)
DRAFT_POSTINGS = 24
#: an anchored key (a 9-character context) is stronger evidence than a plain 5-gram
#: fingerprint, and rarer, so more of its postings are read
ANCHORED_WEIGHT = 3.0
ANCHORED_POSTINGS = 64

#: the reserve is verified for draft paragraphs covered less than this by the first candidates,
#: or that still have an uncovered stretch of at least MIN_RUN characters
RESERVE_BELOW = 0.9
#: saturated anchored keys (postings >= ANCHORED_POSTINGS) in still uncovered stretches are
#: read this deep, and at most DEEP_BUDGET of their paragraphs verified per check
DEEP_POSTINGS = 1024
DEEP_BUDGET = 512
#: matched wording shared with at least this many documents (exact twins counted once) is 套话
BOILERPLATE_MIN_DOCS = 5

KIND_NONE, KIND_COPY, KIND_NEAR, KIND_QUOTATION, KIND_BOILERPLATE = 0, 1, 2, 3, 4
KIND_NAMES = {KIND_COPY: "copy", KIND_NEAR: "near_copy", KIND_QUOTATION: "quotation", KIND_BOILERPLATE: "boilerplate"}
KIND_ZH = {KIND_COPY: "复制", KIND_NEAR: "复制（近似）", KIND_QUOTATION: "引用", KIND_BOILERPLATE: "套话"}
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_SENT_END = re.compile(r"[。！？!?；;]+[”’」』）)]*")


def _validate(text, max_chars: int) -> str:
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput("draft is binary (not UTF-8 text)", code="binary_draft") from None
    if not isinstance(text, str):
        raise BadInput("draft must be text", code="bad_draft")
    if len(text) > max_chars:
        raise BadInput(
            f"draft too large: {len(text)} characters; the limit is {max_chars} characters",
            code="draft_too_large",
        )
    if not text.strip():
        raise BadInput("draft is empty", code="empty_draft")
    bad = len(_BINARY.findall(text))
    if "\x00" in text or bad > max(8, len(text) * 0.01):
        raise BadInput("draft looks binary (control characters or undecodable bytes)", code="binary_draft")
    return check_text(text, "text")  # lone surrogates, stray control characters: one rule for every input


def _lines(text: str) -> list[tuple[int, int]]:
    """Non-empty lines as [start, end) offsets into text."""
    out = []
    pos = 0
    for line in re.split(r"(\r\n|\n|\r|\u2028|\u2029)", text):
        if line in ("\r\n", "\n", "\r", "\u2028", "\u2029"):
            pos += len(line)
            continue
        if line.strip():
            a = pos + (len(line) - len(line.lstrip()))
            b = pos + len(line.rstrip())
            out.append((a, b))
        pos += len(line)
    return out


def _batch_grams(texts: list[str]):
    """k-gram hashes (int64) of texts with at least K chars: (hash, owner, position in owner)."""
    long_idx = [i for i, t in enumerate(texts) if len(t) >= K]
    if not long_idx:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z
    hs, ow = batch_kgram_hashes([texts[i] for i in long_idx], K)
    counts = np.bincount(ow, minlength=len(long_idx))
    first = np.cumsum(counts) - counts
    local = np.arange(len(hs), dtype=np.int64) - first[ow]
    owner = np.asarray(long_idx, dtype=np.int64)[ow]
    return hs.view(np.int64), owner, local


def _seg_key(h: np.ndarray, seg: np.ndarray) -> np.ndarray:
    u = h.view(np.uint64) + seg.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return u.view(np.int64)


#: bits of the bitmap that lets most of the candidates' k-grams skip the search in the draft's
_RUN_BITS = 17


def _runs(d_hash: np.ndarray, d_pos: np.ndarray, c_hash: np.ndarray, c_owner: np.ndarray, c_pos: np.ndarray):
    """Common k-gram runs: arrays (draft_start, owner, cand_start, n_kgrams)."""
    if native.lib is not None:
        try:
            return native.kgram_runs(d_hash, d_pos, c_hash, c_owner, c_pos)
        except (ValueError, TypeError):
            pass
    return _runs_np(d_hash, d_pos, c_hash, c_owner, c_pos)


def _runs_np(d_hash: np.ndarray, d_pos: np.ndarray, c_hash: np.ndarray, c_owner: np.ndarray, c_pos: np.ndarray):
    """``_runs`` in numpy (the fallback of the native kernel)."""
    if not len(d_hash) or not len(c_hash):
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, z
    # the draft side is the small one (a few thousand k-grams): sort it and search the
    # candidates' k-grams in it, those that pass a bitmap of the draft's top hash bits
    shift = np.uint64(64 - _RUN_BITS)
    bitmap = np.zeros(1 << _RUN_BITS, dtype=bool)
    bitmap[d_hash.view(np.uint64) >> shift] = True
    maybe = np.flatnonzero(bitmap[c_hash.view(np.uint64) >> shift])
    order = np.argsort(d_hash, kind="stable")
    sd = d_hash[order]
    cq = c_hash[maybe]
    lo = np.searchsorted(sd, cq, "left")
    cnt = np.searchsorted(sd, cq, "right") - lo
    hit = np.flatnonzero(cnt)
    if not len(hit):
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, z
    cnt, lo, hit = cnt[hit], lo[hit], maybe[hit]
    total = int(cnt.sum())
    ci = np.repeat(hit, cnt)
    offs = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(lo, cnt)
    di = order[offs]
    # every (candidate, draft position, diagonal) occurs once, so the order below is total
    i = d_pos[di]
    own = c_owner[ci]
    j = c_pos[ci]
    diag = j - i
    # sort by (owner, diagonal, draft position): one int64 key when the ranges fit (they do
    # for any draft under the size cap), else a lexsort; the triples are distinct, so both agree
    dmin = int(diag.min())
    d_span, i_span = int(diag.max()) - dmin + 1, int(i.max()) + 1
    if (int(own.max()) + 1) * d_span * i_span < 1 << 62:
        o = np.argsort((own * d_span + (diag - dmin)) * i_span + i)
    else:
        o = np.lexsort((i, diag, own))
    i, own, j, diag = i[o], own[o], j[o], diag[o]
    brk = np.ones(len(i), dtype=bool)
    brk[1:] = (own[1:] != own[:-1]) | (diag[1:] != diag[:-1]) | (i[1:] != i[:-1] + 1)
    starts = np.flatnonzero(brk)
    lens = np.diff(np.concatenate([starts, [len(i)]]))
    return i[starts], own[starts], j[starts], lens


def _posting_pairs(index: DedupLookup, kind: str, keys: np.ndarray, cap) -> tuple[np.ndarray, np.ndarray]:
    """(query position, pid) for every posting of ``keys`` (at most ``cap`` per key;
    ``cap`` one int, or an array of one cap per key).

    Uses the index's vectorized ``posting_pairs`` when it has one, else its
    ``lookup_fingerprints`` / ``lookup_bands`` dictionaries (any backend)."""
    fast = getattr(index, "posting_pairs", None)
    if fast is not None:
        return fast(kind, keys, cap)
    lookup = index.lookup_fingerprints if kind == "fp" else index.lookup_bands
    caps = np.broadcast_to(np.asarray(cap, dtype=np.int64), keys.shape)
    found: dict[tuple[int, int], list[int]] = {}
    for c in np.unique(caps).tolist():
        sel = keys[caps == c]
        got = lookup(set(sel.tolist()), cap=c) if len(sel) else {}
        found.update(((k, c), v) for k, v in got.items())
    lists = [found.get(kc, ()) for kc in zip(keys.tolist(), caps.tolist())]
    counts = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    pids = np.fromiter((p for x in lists for p in x), dtype=np.int64, count=int(counts.sum()))
    return np.repeat(np.arange(len(keys), dtype=np.int64), counts), pids


def _candidates(index, seg_texts, key_sets, bandable, seg_hash, exact_post):
    """(draft paragraph, candidate pid) pairs, best first within each paragraph,
    and the reserve: further pairs that share an anchored key.

    Evidence per candidate: per shared fingerprint key ``weight / (postings of
    that key)`` (``key_sets``: per-paragraph key arrays, their kind, weight and
    how many postings to read per key), 0.5 per shared band key, 100 for an
    equal paragraph. One shared plain fingerprint and nothing else can be
    neither a 13-character run (that shares an anchored key) nor a near copy
    (that shares many), so it counts a tenth. Each draft paragraph keeps its
    best ``CANDIDATES_PER_PARAGRAPH`` (+ 1 per 20 chars) by score; the other
    candidates that share an anchored key (up to ``ANCHORED_POSTINGS`` per key)
    are the reserve, verified where the first ones leave a paragraph uncopied
    (the 13-character guarantee); if more than ``MAX_CANDIDATES`` distinct paragraphs
    remain, every draft paragraph keeps its best ones round robin."""
    segs, pids, weights, kinds = [], [], [], []  # kind: 0 plain, 1 anchored, 2 band / exact

    def add(seg, pid, weight, kind):
        segs.append(seg)
        pids.append(pid)
        weights.append(weight)
        kinds.append(np.full(len(seg), kind, dtype=np.int8))

    read: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    # every key set in one lookup (one search of each segment), each key to its set's cap
    sets = [(np.concatenate(seg_keys).astype(np.int64), seg_keys, kind, w, cap) for seg_keys, kind, w, cap in key_sets]
    sets = [x for x in sets if len(x[0])]
    if sets:
        fq_all = np.concatenate([x[0] for x in sets])
        qi_all, fp_all = _posting_pairs(
            index, "fp", fq_all, np.concatenate([np.full(len(x[0]), x[4], dtype=np.int64) for x in sets])
        )
        cut = np.searchsorted(qi_all, np.cumsum([0] + [len(x[0]) for x in sets]))  # query positions ascend
        off = 0
        for (fq, seg_keys, kind, key_weight, _), a, b in zip(sets, cut[:-1], cut[1:]):
            qi, fp = qi_all[a:b] - off, fp_all[a:b]
            off += len(fq)
            fo = np.repeat(np.arange(len(seg_keys), dtype=np.int64), [len(f) for f in seg_keys])
            per_query = np.bincount(qi, minlength=len(fq))
            read[kind] = (fq, per_query)
            add(fo[qi], fp, key_weight / per_query[qi], kind)
    if bandable:
        keys = band_keys(signatures([seg_texts[i] for i in bandable]))
        bo = np.repeat(np.asarray(bandable, dtype=np.int64), keys.shape[1])
        qi, bp = _posting_pairs(index, "band", keys.ravel(), DRAFT_POSTINGS)
        add(bo[qi], bp, np.full(len(qi), 0.5), 2)
    ex = [(si, p) for si, h in seg_hash.items() for p in exact_post.get(h, ())]
    if ex:
        add(
            np.array([e[0] for e in ex], dtype=np.int64),
            np.array([e[1] for e in ex], dtype=np.int64),
            np.full(len(ex), 100.0),
            2,
        )
    if not sum(len(x) for x in segs):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty, read
    seg_all, pid_all = np.concatenate(segs), np.concatenate(pids).astype(np.int64)
    w_all, k_all = np.concatenate(weights), np.concatenate(kinds)
    caps = CANDIDATES_PER_PARAGRAPH + np.array([len(t) for t in seg_texts], dtype=np.int64) // 20
    useg, upid, r_seg, r_pid = _rank(seg_all, pid_all, w_all, k_all, caps)
    if len(np.unique(upid)) > MAX_CANDIDATES:
        rank = np.arange(len(useg)) - np.searchsorted(useg, useg, "left")
        rr = np.lexsort((useg, rank))  # rank 0 of every paragraph, then rank 1, ...
        in_rr = upid[rr]
        _, first = np.unique(in_rr, return_index=True)
        chosen = in_rr[np.sort(first)][:MAX_CANDIDATES]
        keep = np.isin(upid, chosen)
        useg, upid = useg[keep], upid[keep]
    return useg, upid, r_seg, r_pid, read


def _rank(seg_all: np.ndarray, pid_all: np.ndarray, w_all: np.ndarray, k_all: np.ndarray, caps: np.ndarray):
    """Score the evidence (draft paragraph, pid, weight, kind) per distinct (paragraph, pid)
    and keep each paragraph's ``caps[paragraph]`` best: (paragraph, pid) kept, by paragraph
    then score (descending) then pid, and the reserve (the others sharing an anchored key),
    by paragraph then pid (``_candidates``)."""
    if native.lib is not None:
        try:
            return native.rank_candidates(seg_all, pid_all, w_all, k_all, caps)
        except (ValueError, TypeError):
            pass
    return _rank_np(seg_all, pid_all, w_all, k_all, caps)


def _rank_np(seg_all: np.ndarray, pid_all: np.ndarray, w_all: np.ndarray, k_all: np.ndarray, caps: np.ndarray):
    """``_rank`` in numpy (the fallback of the native kernel)."""
    base = int(pid_all.min())
    span = int(pid_all.max()) - base + 1
    combo, inverse = np.unique(seg_all * span + (pid_all - base), return_inverse=True)
    inverse = inverse.ravel()
    score = np.bincount(inverse, weights=w_all)
    anchored = np.bincount(inverse, weights=np.where(k_all == 1, w_all, 0.0))
    n_plain = np.bincount(inverse, weights=k_all == 0)
    score[(n_plain == np.bincount(inverse)) & (n_plain < 2)] *= 0.1
    useg, upid = combo // span, combo % span + base
    keep = _best_per_paragraph(useg, upid, score, caps)
    reserve = ~keep & (anchored > 0)
    r_seg, r_pid = useg[reserve], upid[reserve]
    useg, upid, score = useg[keep], upid[keep], score[keep]
    order = np.lexsort((upid, -score, useg))
    return useg[order], upid[order], r_seg, r_pid


def _anchored_keys_at(g_hash: np.ndarray, g_owner: np.ndarray, d_pos: np.ndarray):
    """The draft's anchored keys with where they lie: (key, draft paragraph, draft
    start) of the 9-character context each one covers (the keys of
    ``winnow.fingerprint_keys``), by paragraph, left keys before right ones, by position.
    ``g_hash`` / ``g_owner`` / ``d_pos``: the draft's k-gram hashes, their paragraph and draft position."""
    z = np.zeros(0, dtype=np.int64)
    if not len(g_hash):
        return z, z, z
    hs = g_hash.view(np.uint64)
    pos, first, last, _, _, _ = winnow.batch_select(hs, g_owner)
    left = pos[pos - winnow.ANCHOR >= first]
    right = pos[pos + winnow.ANCHOR <= last]
    keys = np.concatenate(
        [
            winnow._anchor_keys(hs[left], hs[left - winnow.ANCHOR], 1),
            winnow._anchor_keys(hs[right], hs[right + winnow.ANCHOR], 2),
        ]
    )
    owner = np.concatenate([g_owner[left], g_owner[right]])
    start = np.concatenate([d_pos[left - winnow.ANCHOR], d_pos[right]]).astype(np.int64)
    side = np.concatenate([np.zeros(len(left), dtype=np.int8), np.ones(len(right), dtype=np.int8)])
    o = np.lexsort((side, owner))  # stable: positions stay ascending within (paragraph, side)
    return keys[o], owner[o], start[o]


def _deep_pairs(index, d: _Draft, covered: np.ndarray, anchored, known) -> tuple[np.ndarray, np.ndarray]:
    """(draft paragraph, pid) pairs for stock phrasing: the anchored keys lying in
    a stretch of at least MIN_RUN characters that nothing covers yet and whose
    postings fill ``ANCHORED_POSTINGS`` are read ``DEEP_POSTINGS`` deep; at most
    ``DEEP_BUDGET`` paragraphs, rarest keys first (a run made only of common
    9-character contexts is otherwise found against the oldest holders of one
    context, which need not hold the run).

    ``anchored``: the draft's anchored keys (``_anchored_keys_at``); ``known``:
    (sorted keys, postings read at ``ANCHORED_POSTINGS``) of the keys the
    candidate lookup read already, so they are not looked up twice."""
    empty = np.zeros(0, dtype=np.int64)
    gap = np.zeros(d.n + 1, dtype=np.int64)
    split = covered.copy()
    split[np.frombuffer(d.norm.encode("utf-32-le"), dtype=np.uint32) == 10] = True
    for x, y in _true_runs(~split):
        if y - x >= MIN_RUN:
            gap[x] += 1
            gap[y] -= 1
    if not gap.any():
        return empty, empty
    in_gap = np.concatenate([[0], np.cumsum(np.cumsum(gap)[: d.n] > 0)])  # prefix counts of gap positions
    with_gap = [i for i, (a, b) in enumerate(d.seg_bounds) if in_gap[b] > in_gap[a]]
    a_keys, a_owner, a_start = anchored
    sel = np.isin(a_owner, np.asarray(with_gap, dtype=np.int64))
    keys, ks = a_keys[sel], a_start[sel]
    ke = ks + winnow.ANCHOR + K
    if not len(keys):
        return empty, empty
    inside = (in_gap[ke] - in_gap[ks]) == (ke - ks)
    keys, ks = keys[inside], ks[inside]
    if not len(keys):
        return empty, empty
    cnt = np.full(len(keys), -1, dtype=np.int64)
    known_keys, known_cnt = known
    if len(known_keys):
        at = np.minimum(np.searchsorted(known_keys, keys), len(known_keys) - 1)
        hit = known_keys[at] == keys
        cnt[hit] = known_cnt[at[hit]]
    miss = np.flatnonzero(cnt < 0)
    if len(miss):
        qi, _ = _posting_pairs(index, "fp", keys[miss], ANCHORED_POSTINGS)
        cnt[miss] = np.bincount(qi, minlength=len(miss))
    full = np.flatnonzero(cnt >= ANCHORED_POSTINGS)
    if not len(full):
        return empty, empty
    qi, pid = _posting_pairs(index, "fp", keys[full], DEEP_POSTINGS)
    per_key = np.bincount(qi, minlength=len(full))
    order = np.argsort(per_key[qi], kind="stable")  # rarest keys' postings first
    qi, pid = qi[order], pid[order]
    starts = np.array([a for a, _ in d.seg_bounds], dtype=np.int64)
    seg = np.searchsorted(starts, ks[full][qi], "right") - 1
    combo = seg * (int(pid.max()) + 1) + pid
    _, first = np.unique(combo, return_index=True)
    first = np.sort(first)[:DEEP_BUDGET]
    return seg[first], pid[first]


def _best_per_paragraph(useg: np.ndarray, upid: np.ndarray, score: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Mask of the ``caps[paragraph]`` best-scored candidates of every draft paragraph."""
    order = np.lexsort((upid, -score, useg))
    sorted_seg = useg[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_seg, sorted_seg, "left")
    mask = np.zeros(len(order), dtype=bool)
    mask[order] = rank < caps[sorted_seg]
    return mask


def _read_norms(index, rows: dict, norms: dict, pids: list[int]) -> None:
    """Normalized texts of ``pids`` into ``norms`` (with the index's ``paragraph_norms`` when
    it has one; else whole rows, kept in ``rows`` too)."""
    fast = getattr(index, "paragraph_norms", None)
    if fast is not None:
        # the native join takes a text's UTF-8 bytes as they lie in a text file: only the
        # texts of the candidates that match are decoded (``_norm``)
        norms.update(fast(pids, utf8=True) if native.lib is not None else fast(pids))
        return
    got = index.paragraph_rows(pids)
    rows.update(got)
    norms.update((p, r["norm"]) for p, r in got.items())


def _verify(index, rows: dict, norms: dict, cand_list: list[int], pair_seg, pair_pid, d_key, d_pos):
    """Common k-gram runs between draft paragraphs and candidate paragraphs.

    Reads the normalized texts of new candidates into ``norms``; returns the candidate list
    extended by them and the runs (draft start, index into that list,
    candidate start, length in k-grams) of the given (paragraph, pid) pairs."""
    empty = np.zeros(0, dtype=np.int64)
    uniq = np.unique(pair_pid)  # ascending
    known = np.asarray(cand_list, dtype=np.int64)  # the candidates read so far (norms' keys)
    new = uniq[~np.isin(uniq, known)].tolist() if len(known) else uniq.tolist()
    if new:
        _read_norms(index, rows, norms, new)
        # a removed paragraph's postings may linger: only those read are candidates
        cand_list.extend(p for p in new if p in norms)
        known = np.asarray(cand_list, dtype=np.int64)
    if not len(known):
        return cand_list, empty, empty, empty, empty
    involved = uniq[np.isin(uniq, known)]
    if not len(involved) or not len(pair_seg) or not len(d_key):
        return cand_list, empty, empty, empty, empty
    at = np.minimum(np.searchsorted(involved, pair_pid), len(involved) - 1)
    found = involved[at] == pair_pid
    pair_seg, pair_cand = pair_seg[found], at[found]
    inv = involved.tolist()
    texts = [norms[p] for p in inv]
    rs, ro, rj, rl = _pair_runs(texts, pair_seg, pair_cand, d_key, d_pos)
    # each involved pid's place in the candidate list (its pids are distinct)
    by_pid = np.argsort(known, kind="stable")
    to_global = by_pid[np.searchsorted(known, involved, sorter=by_pid)]
    return cand_list, rs, to_global[ro] if len(ro) else ro, rj, rl


def _pair_runs(texts: list[str], pair_seg: np.ndarray, pair_cand: np.ndarray, d_key: np.ndarray, d_pos: np.ndarray):
    """Common k-gram runs of each (draft paragraph, candidate text) pair: (draft start,
    index into ``texts``, candidate start, length in k-grams)."""
    if native.lib is not None:
        try:
            return native.pair_runs(texts, K, pair_seg, pair_cand, d_key, d_pos)
        except (ValueError, TypeError):
            pass
    return _pair_runs_np(
        [t.decode("utf-8") if type(t) is bytes else t for t in texts], pair_seg, pair_cand, d_key, d_pos
    )


def _norm(ev, p: int) -> str:
    """The normalized text of candidate ``p`` (decoded once if it was read as UTF-8 bytes)."""
    t = ev.norms[p]
    if type(t) is bytes:
        t = ev.norms[p] = t.decode("utf-8")
    return t


def _pair_runs_np(texts: list[str], pair_seg: np.ndarray, pair_cand: np.ndarray, d_key: np.ndarray, d_pos: np.ndarray):
    """``_pair_runs`` in numpy (the fallback of the native kernel)."""
    empty = np.zeros(0, dtype=np.int64)
    c_hash, c_owner, c_pos = _batch_grams(texts)
    if not len(pair_seg) or not len(c_hash):
        return empty, empty, empty, empty
    # join each draft paragraph only with its own candidates: the k-gram key is
    # mixed with the draft paragraph index (a common k-gram would otherwise pair
    # every draft paragraph with every candidate)
    counts = np.bincount(c_owner, minlength=len(texts))
    first = np.cumsum(counts) - counts
    reps = counts[pair_cand]
    total = int(reps.sum())
    idx = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(reps) - reps, reps) + np.repeat(first[pair_cand], reps)
    c_key = _seg_key(c_hash[idx], np.repeat(pair_seg, reps))
    return _runs(d_key, d_pos, c_key, c_owner[idx], c_pos[idx])


# ---------------------------------------------------------------- the steps


@dataclass
class _Draft:
    """The draft, normalized once: paragraphs (lines) in normalized coordinates,
    per normalized character its weight (original length; 0 for line breaks)."""

    text: str
    nz: Normalized
    weight: np.ndarray
    seg_bounds: list[tuple[int, int]]
    seg_texts: list[str]

    @property
    def norm(self) -> str:
        return self.nz.text

    @property
    def n(self) -> int:
        return len(self.nz.text)

    @property
    def total_chars(self) -> int:
        return int(self.weight.sum())


@dataclass
class _Evidence:
    """What the index holds for the draft: the candidates' normalized texts, the rows
    of those that match (and of their exact twins) and, per candidate
    paragraph (pid), the normalized draft intervals it shares."""

    rows: dict[int, dict]
    norms: dict[int, str | bytes]  # UTF-8 bytes as read from a text file, decoded by _norm
    cand_list: list[int]
    runs: tuple  # (draft start, index into cand_list, cand start, length in k-grams)
    shared: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    #: near copies: (sentence start, end, [(pid, similarity, [(a, b) matching blocks])])
    near: list = field(default_factory=list)
    twin_of: dict[int, list[int]] = field(default_factory=dict)


def _prepare(text, max_chars: int) -> _Draft:
    text = _validate(text, max_chars)
    nz = normalize(text)
    norm = nz.text
    if not norm.replace("\n", ""):
        raise BadInput("draft has no text to check: only whitespace, punctuation or symbols", code="empty_draft")
    weight = (nz.ends - nz.starts).astype(np.int64)
    weight[np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32) == 10] = 0  # newlines
    seg_bounds = []
    a = 0
    for p in [m.start() for m in re.finditer("\n", norm)] + [len(norm)]:
        if p > a:
            seg_bounds.append((a, p))
        a = p + 1
    return _Draft(text, nz, weight, seg_bounds, [norm[a:b] for a, b in seg_bounds])


def _find_runs(index, d: _Draft) -> _Evidence:
    """Candidates from the index, verified into common k-gram runs (module doc, 2-3)."""
    seg_texts = d.seg_texts
    g_hash, g_owner, g_local = _batch_grams(seg_texts)
    seg_start = np.array([a for a, _ in d.seg_bounds] or [0], dtype=np.int64)
    d_pos = seg_start[g_owner] + g_local if len(g_hash) else np.zeros(0, dtype=np.int64)
    grams = batch_kgram_hashes(seg_texts, K)
    seg_fps = winnow.batch_fingerprint_keys(seg_texts, grams=grams, plain=False)  # anchored keys
    seg_plain = winnow.batch_fingerprint_keys(seg_texts, grams=grams, anchored=False)
    bandable = [i for i, t in enumerate(seg_texts) if len(t) >= MIN_BAND_CHARS]
    seg_hash = {si: exact_hash(t) for si, t in enumerate(seg_texts) if len(t) >= MIN_EXACT_PARAGRAPH}
    exact_post = index.lookup_exact(set(seg_hash.values()), cap=MAX_SOURCES)
    key_sets = [(seg_fps, 1, ANCHORED_WEIGHT, ANCHORED_POSTINGS), (seg_plain, 0, 1.0, DRAFT_POSTINGS)]
    pair_seg, pair_pid, r_seg, r_pid, read = _candidates(index, seg_texts, key_sets, bandable, seg_hash, exact_post)
    fq, per_query = read.get(1, (np.zeros(0, dtype=np.int64),) * 2)
    by_key = np.argsort(fq, kind="stable")
    known = (fq[by_key], per_query[by_key])  # anchored keys read at ANCHORED_POSTINGS: their postings
    d_key = _seg_key(g_hash, g_owner) if len(g_hash) else g_hash
    rows: dict[int, dict] = {}
    norms: dict[int, str | bytes] = {}
    cand_list, rs, ro, rj, rl = _verify(index, rows, norms, [], pair_seg, pair_pid, d_key, d_pos)
    # the reserve, for draft paragraphs the first candidates did not cover (>= 90 %)
    if len(r_seg):
        todo = _needs_reserve(d, _cover(d.n, rs, rl))[r_seg]
        if todo.any():
            cand_list, *more = _verify(index, rows, norms, cand_list, r_seg[todo], r_pid[todo], d_key, d_pos)
            rs, ro, rj, rl = (np.concatenate([x, y]) for x, y in zip((rs, ro, rj, rl), more))
    # stock phrasing: uncovered stretches whose anchored keys all overflowed the cap
    anchored = _anchored_keys_at(g_hash, g_owner, d_pos)
    deep_seg, deep_pid = _deep_pairs(index, d, _cover(d.n, rs, rl), anchored, known)
    if len(deep_seg):
        cand_list, *more = _verify(index, rows, norms, cand_list, deep_seg, deep_pid, d_key, d_pos)
        rs, ro, rj, rl = (np.concatenate([x, y]) for x, y in zip((rs, ro, rj, rl), more))
    return _Evidence(rows, norms, cand_list, (rs, ro, rj, rl))


def _needs_reserve(d: _Draft, covered: np.ndarray) -> np.ndarray:
    """Per draft paragraph: covered less than RESERVE_BELOW, or an uncovered
    stretch of at least MIN_RUN characters left (a run may hide there)."""
    starts = np.array([a for a, _ in d.seg_bounds], dtype=np.int64)
    cov = np.concatenate([[0], np.cumsum(covered)]).tolist()  # prefix counts
    out = np.array([(cov[b] - cov[a]) / (b - a) < RESERVE_BELOW for a, b in d.seg_bounds], dtype=bool)
    split = covered.copy()
    split[np.frombuffer(d.norm.encode("utf-32-le"), dtype=np.uint32) == 10] = True  # gaps stay in their paragraph
    for x, y in _true_runs(~split):
        if y - x >= MIN_RUN:
            out[int(np.searchsorted(starts, x, "right")) - 1] = True
    return out


def _cover(n: int, rs: np.ndarray, rl: np.ndarray) -> np.ndarray:
    """Draft positions inside a common run of at least MIN_RUN characters."""
    ok = rl + K - 1 >= MIN_RUN
    a = rs[ok]
    # run starts and ends counted with bincount (np.add.at is many times slower)
    cov = np.bincount(a, minlength=n + 1)[: n + 1] - np.bincount(a + rl[ok] + K - 1, minlength=n + 1)[: n + 1]
    return np.cumsum(cov)[:n] > 0


def _exact_copies(d: _Draft, ev: _Evidence) -> None:
    """Per candidate paragraph, the draft intervals of its common runs >= MIN_RUN chars
    (checked character by character)."""
    rs, ro, rj, rl = ev.runs
    run_len = rl + K - 1
    keep = run_len >= MIN_RUN
    norm = d.norm
    for s, o, j, L in zip(rs[keep].tolist(), ro[keep].tolist(), rj[keep].tolist(), run_len[keep].tolist()):
        p = ev.cand_list[o]
        if norm[s : s + L] == _norm(ev, p)[j : j + L]:  # guard against hash collisions
            ev.shared.setdefault(p, []).append((s, s + L))
    for p, ivs in ev.shared.items():
        if len(ivs) > 1:  # most paragraphs share one run: nothing to merge
            ev.shared[p] = _merge_intervals(ivs)


def _near_copies(d: _Draft, ev: _Evidence) -> None:
    """Sentences (not mostly covered by exact copies) that are near copies of a
    candidate: difflib blocks of >= 4 chars cover >= NEAR_THRESHOLD of them."""
    copy_cov = _mask(d.n, (iv for ivs in ev.shared.values() for iv in ivs))
    matchers: dict[str, difflib.SequenceMatcher] = {}
    copied = np.concatenate([[0], np.cumsum(copy_cov)]).tolist()  # prefix counts
    sents = [
        (sa, sb)
        for sa, sb in _all_sentences(d.nz, d.text, d.seg_bounds)
        if sb - sa >= NEAR_MIN_CHARS and (copied[sb] - copied[sa]) / (sb - sa) < 0.8
    ]
    norm = d.norm
    for si, owners in _near_owners(sents, ev.runs):
        sa, sb = sents[si]
        L = sb - sa
        sent = norm[sa:sb]
        found = []
        for o in owners:
            p = ev.cand_list[o]
            other = _norm(ev, p)
            if _cover4(sent, other) / L < NEAR_THRESHOLD:
                continue  # difflib's blocks cannot reach the threshold (see _cover4)
            blocks = [(sa + a, sa + a + size) for a, _, size in _matching_blocks(sent, other, matchers) if size >= 4]
            sim = sum(y - x for x, y in blocks) / L
            if sim >= NEAR_THRESHOLD:
                found.append((p, round(sim, 3), blocks))
        if found:
            found.sort(key=lambda x: -x[1])
            ev.near.append((sa, sb, found))


def _matching_blocks(a: str, b: str, matchers: dict[str, difflib.SequenceMatcher]) -> list[tuple[int, int, int]]:
    """``difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()`` as
    (i, j, size) (native when it can; ``matchers`` keeps difflib's matcher of each ``b``)."""
    if native.lib is not None:
        try:
            return native.lib.matching_blocks(a, b)
        except (ValueError, TypeError):
            pass
    sm = matchers.get(b)
    if sm is None:
        sm = matchers[b] = difflib.SequenceMatcher(None, "", b, autojunk=False)
    sm.set_seq1(a)
    return [(m.a, m.b, m.size) for m in sm.get_matching_blocks()]


def _near_owners(sents: list[tuple[int, int]], runs) -> list[tuple[int, list[int]]]:
    """The near-copy prefilter of every sentence at once: per sentence (index into
    ``sents``, ascending) the candidates (indices into the candidate list) whose
    common k-gram runs cover at least ``NEAR_PREFILTER`` of its k-grams, most
    covered first (lower index on ties), at most ``NEAR_VERIFY``."""
    rs, ro, _, rl = runs
    if not sents or not len(rs):
        return []
    r_order = np.argsort(rs, kind="stable")
    R_s, R_o, R_l = rs[r_order], ro[r_order], rl[r_order]
    maxlen = int(R_l.max())
    S_a = np.array([sa for sa, _ in sents], dtype=np.int64)
    S_last = np.array([sb for _, sb in sents], dtype=np.int64) - K + 1  # k-gram starts: [sa, last)
    # the runs starting in [sa - maxlen, last) of each sentence (all that can overlap it)
    lo = np.searchsorted(R_s, S_a - maxlen, "left")
    hi = np.searchsorted(R_s, S_last, "left")
    si, ri = expand_ranges(lo, np.maximum(hi - lo, 0))
    st = R_s[ri]
    ov = np.minimum(st + R_l[ri], S_last[si]) - np.maximum(st, S_a[si])
    pos = ov > 0
    si, own, ov = si[pos], R_o[ri[pos]], ov[pos]
    if not len(si):
        return []
    span = int(own.max()) + 1
    combo, inverse = np.unique(si * span + own, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=ov)  # k-grams of the sentence each candidate shares
    cs, co = combo // span, combo % span
    ok = counts >= NEAR_PREFILTER * (S_last[cs] - S_a[cs])
    cs, co, counts = cs[ok], co[ok], counts[ok]
    o = np.lexsort((co, -counts, cs))
    cs, co = cs[o], co[o]
    rank = np.arange(len(cs)) - np.searchsorted(cs, cs, "left")
    keep = rank < NEAR_VERIFY
    cs, co = cs[keep].tolist(), co[keep].tolist()
    out: list[tuple[int, list[int]]] = []
    for s_i, c in zip(cs, co):
        if out and out[-1][0] == s_i:
            out[-1][1].append(c)
        else:
            out.append((s_i, [c]))
    return out


def _cover4(sent: str, other: str) -> int:
    """Characters of ``sent`` inside some 4-character substring that ``other`` contains too.

    An upper bound of what difflib's matching blocks of >= 4 characters cover
    (every character of such a block lies in a common 4-character substring),
    so a candidate below the threshold here needs no SequenceMatcher."""
    if native.lib is not None:
        try:
            return native.lib.cover4(sent, other)
        except (ValueError, TypeError):
            pass
    return _cover4_py(sent, other)


def _cover4_py(sent: str, other: str) -> int:
    """``_cover4`` in Python (the fallback of the native kernel)."""
    cov = end = 0
    for i in range(len(sent) - 3):
        if sent[i : i + 4] in other:
            cov += i + 4 - max(i, end)
            end = i + 4
    return cov


def _find_twins(index, ev: _Evidence) -> None:
    """Exact twins of the matched paragraphs are sources too (only the first
    occurrence of a normalized paragraph carries postings)."""
    involved = set(ev.shared) | {p for _, _, found in ev.near for p, _, _ in found}
    if not involved:
        return
    rows = ev.rows
    need = sorted(involved - rows.keys())
    # an index with ``source_rows`` gives the rows and every paragraph's twins in one read
    fast = getattr(index, "source_rows", None)
    twins_of: dict[int, list[int]] | None = None
    if fast is not None:
        got, twins_of = fast(sorted(involved), MAX_SOURCES)
        for p, r in got.items():
            rows.setdefault(p, r)
    elif need:
        rows.update(index.paragraph_rows(need))
    if need:
        gone = involved - rows.keys()
        if gone:  # removed since their texts were read: they are no source any more
            for p in gone:
                ev.shared.pop(p, None)
            ev.near = [(sa, sb, kept) for sa, sb, found in ev.near if (kept := [f for f in found if f[0] not in gone])]
            involved -= gone
    if twins_of is None:
        tw = index.twins({rows[p]["hash"] for p in involved}, cap=MAX_SOURCES)
        twins_of = {p: tw.get(rows[p]["hash"], [p]) for p in involved}
    extra = {q for p in involved for q in twins_of.get(p, ()) if q not in rows}
    if extra:
        rows.update(fast(sorted(extra))[0] if fast is not None else index.paragraph_rows(extra))
    for p in involved:
        ev.twin_of[p] = [q for q in twins_of.get(p, [p]) if q in rows] or [p]


def _mask(n: int, intervals) -> np.ndarray:
    iv = np.array([ab for ab in intervals], dtype=np.int64).reshape(-1, 2)
    cov = np.bincount(iv[:, 0], minlength=n + 1) - np.bincount(iv[:, 1], minlength=n + 1)
    return np.cumsum(cov)[:n] > 0


def _source_intervals(ev: _Evidence) -> dict[int, list[tuple[int, int]]]:
    """Per candidate paragraph, every draft interval it really shares: its exact
    runs and the matching blocks of its near-copy sentences."""
    out: dict[int, list[tuple[int, int]]] = dict(ev.shared)  # merged by _exact_copies already
    extended = set()
    for _, _, found in ev.near:
        for p, _, blocks in found:
            if p not in extended:
                extended.add(p)
                out[p] = list(out.get(p, ()))
            out[p].extend(blocks)
    for p in extended:
        out[p] = _merge_intervals(out[p])
    return out


def _classify(d: _Draft, ev: _Evidence, flat, whitelist: list[str], boilerplate_min_docs: int):
    """Per normalized position its kind (``KIND_*``) and, for 套话, how many
    documents share it. Fragments of 复制 / 套话 under MIN_RUN chars, and the
    writer's framing of a citation, are not counted."""
    n = d.n
    near_cov = _mask(n, ((sa, sb) for sa, sb, _ in ev.near))
    matched = _mask(n, (iv for ivs in ev.shared.values() for iv in ivs)) | near_cov
    quoted, framing = citation_masks(d.text, d.nz)
    # documents (distinct, exact twins not counted: they are one text) per position
    docs: dict[str, int] = {}
    plist, cnt, _, ia, ib = flat  # _flat of the source intervals
    own = np.repeat(np.array([docs.setdefault(ev.rows[p]["doc_id"], len(docs)) for p in plist], dtype=np.int64), cnt)
    _, ua, ub = _doc_union(own, ia, ib)
    ndocs = np.cumsum(np.bincount(ua, minlength=n + 1)[: n + 1] - np.bincount(ub, minlength=n + 1)[: n + 1])[:n]
    kind = np.full(n, KIND_NONE, dtype=np.int8)
    kind[matched] = KIND_COPY
    kind[matched & near_cov] = KIND_NEAR
    common = (ndocs >= boilerplate_min_docs) | whitelist_mask(d.norm, whitelist)
    kind[matched & common] = KIND_BOILERPLATE
    kind[framing] = KIND_NONE
    # fragments: runs of counted (复制 / 套话) text shorter than MIN_RUN never count
    counted = (kind == KIND_COPY) | (kind == KIND_NEAR) | (kind == KIND_BOILERPLATE)
    for a, b in _true_runs(counted):
        if b - a < MIN_RUN:
            kind[a:b] = KIND_NONE
    kind[matched & quoted & ~framing] = KIND_QUOTATION
    return kind, ndocs


def _pieces(d: _Draft, ev: _Evidence, kind: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Matches: maximal runs of one kind (a near-copy sentence is one piece): (a, b, kind, near index)."""
    near_id = np.full(d.n, -1, dtype=np.int64)
    for i, (sa, sb, _) in enumerate(ev.near):
        near_id[sa:sb] = i
    out: list[tuple[int, int, int, int]] = []
    if not d.n:
        return out
    brk = np.ones(d.n, dtype=bool)
    brk[1:] = (kind[1:] != kind[:-1]) | (near_id[1:] != near_id[:-1])
    starts = np.flatnonzero(brk).tolist() + [d.n]
    for a, b in zip(starts[:-1], starts[1:]):
        if kind[a] != KIND_NONE:
            out.append((a, b, int(kind[a]), int(near_id[a])))
    return out


def _piece_sources(
    pieces, flat, cum: np.ndarray, groups: list | None = None
) -> list[list[tuple[int, list[tuple[int, int]], int]]]:
    """Per piece (sorted, disjoint), per candidate paragraph (in the order of ``flat``, ``_flat``) the
    sub-intervals it shares there and their characters (``cum``: prefix sums of the
    weights): [(pid, [(a, b) ...], chars)], all pieces at once."""
    out: list[list[tuple[int, list[tuple[int, int]], int]]] = [[] for _ in pieces]
    plist, cnt, _, fa, fb = flat  # _flat of the source intervals
    if not pieces or not plist:
        return out
    owner = np.repeat(np.arange(len(plist), dtype=np.int64), cnt)
    pa = np.array([pc[0] for pc in pieces], dtype=np.int64)
    pb = np.array([pc[1] for pc in pieces], dtype=np.int64)
    # the pieces an interval [x, y) meets: end > x and start < y
    lo = np.searchsorted(pb, fa, "right")
    hi = np.searchsorted(pa, fb, "left")
    iv, k = expand_ranges(lo, np.maximum(hi - lo, 0))
    if not len(iv):
        return out
    x, y = np.maximum(pa[k], fa[iv]), np.minimum(pb[k], fb[iv])
    ok = y > x
    iv, k, x, y = iv[ok], k[ok], x[ok], y[ok]
    order = np.argsort(k, kind="stable")  # per piece: by paragraph, then interval, as listed
    k, x, y, o = k[order], x[order], y[order], owner[iv[order]]
    ch = cum[y] - cum[x]
    new = np.ones(len(k), dtype=bool)
    new[1:] = (k[1:] != k[:-1]) | (o[1:] != o[:-1])
    first = np.flatnonzero(new)
    ends = np.append(first[1:], len(k)).tolist()
    chars = np.add.reduceat(ch, first).tolist()
    subs = list(zip(x.tolist(), y.tolist()))
    for s, e, kk, oo, c in zip(first.tolist(), ends, k[first].tolist(), o[first].tolist(), chars):
        out[kk].append((plist[oo], subs[s:e], c))
    return out


def _match(d: _Draft, ev: _Evidence, piece, subs, ndocs, cum, tw_cache: dict) -> dict:
    """One match of the report: its span, kind, how it matched and, per source
    document, the characters (and sub-spans) that document really shares (``subs``: from
    ``_piece_sources``; ``tw_cache``: per paragraph its exact twins' rows, kept per check)."""
    a, b, k, near = piece
    # per document its best paragraph: (chars, similarity, -paragraph index), the first on ties
    best: dict[str, tuple] = {}
    near_sim = {p: s for p, s, _ in ev.near[near][2]} if near >= 0 else {}
    rows, twin_of = ev.rows, ev.twin_of
    for p, sub, chars in subs:
        if not chars:
            continue
        sim = near_sim.get(p, 1.0)
        shown = None  # the similarity as listed, rounded once per paragraph
        tw = tw_cache.get(p)
        if tw is None:
            tw = tw_cache[p] = [
                (r["doc_id"], -r["paragraph_index"], r) for q in twin_of.get(p, (p,)) if (r := rows.get(q)) is not None
            ]
        for doc, neg, r in tw:
            cur = best.get(doc)
            # the stored key holds the rounded similarity: compared as before
            if cur is None or (chars, sim, neg) > cur[0]:
                if shown is None:
                    shown = round(float(sim), 3)
                best[doc] = ((chars, shown, neg), r, sub)
    ranked = sorted(best.values(), key=lambda v: (-v[0][0], -v[0][1], v[1]["doc_id"], v[1]["paragraph_index"]))
    sources = [
        {
            "doc_id": r["doc_id"],
            "paragraph_index": r["paragraph_index"],
            "similarity": key[1],
            "chars": key[0],
            "spans": [list(d.nz.span(x, y)) for x, y in sub],
        }
        for key, r, sub in ranked[:MAX_SOURCES]
    ]
    start, end = d.nz.span(a, b)
    chars = int(cum[b] - cum[a])
    similarity = max((v[0][1] for v in ranked), default=1.0) if k == KIND_NEAR else 1.0
    run = int(b - a)
    if k == KIND_NEAR:
        how = f"近似句：与来源逐字比对，{similarity:.0%} 的文字相同（改动了个别字词）"
    elif k == KIND_QUOTATION:
        how = "引用：位于引号、书名号内或“指出/强调/规定/提出/要求”之后，与来源相同"
    elif k == KIND_BOILERPLATE:
        nd = int(ndocs[a:b].max()) if b > a else 0
        how = f"套话：与来源连续 {run} 字相同，这段表述见于 {nd} 篇文档（或在套话白名单中）"
    else:
        how = f"复制：与来源连续 {run} 字相同（不少于 {MIN_RUN} 字）"
    out = {
        "start": start,
        "end": end,
        "text": d.text[start:end],
        "kind": KIND_NAMES[k],
        "kind_zh": KIND_ZH[k],
        "similarity": round(float(similarity), 3),
        "chars": chars,
        "how": how,
        "sources": sources,
    }
    if k == KIND_BOILERPLATE:
        out["doc_count"] = int(ndocs[a:b].max())
    return out


def _flat(pid_iv: dict[int, list[tuple[int, int]]]):
    """``pid_iv`` as flat arrays: (pids, per pid its count of intervals and the place of its
    first, every interval's start, end), pids in ``pid_iv``'s order (made once per check)."""
    plist = list(pid_iv)
    ivs = pid_iv.values()
    cnt = np.fromiter(map(len, ivs), dtype=np.int64, count=len(plist))
    total = int(cnt.sum())
    flat = np.fromiter(chain.from_iterable(chain.from_iterable(ivs)), dtype=np.int64, count=2 * total)
    return plist, cnt, np.cumsum(cnt) - cnt, flat[0::2], flat[1::2]


def _doc_union(owner, starts, ends):
    """The union of each owner's intervals (lists or int arrays; touching ones joined, as ``_merge_intervals``):
    arrays (owner, start, end) of disjoint intervals, by owner then start."""
    o = np.asarray(owner, dtype=np.int64)
    a = np.asarray(starts, dtype=np.int64)
    b = np.asarray(ends, dtype=np.int64)
    if not len(o):
        return o, a, b
    order = np.lexsort((b, a, o))
    o, a, b = o[order], a[order], b[order]
    span = int(max(b.max(), a.max())) + 1
    reach = np.maximum.accumulate(o * span + b) - o * span  # furthest end so far within the owner
    new = np.ones(len(o), dtype=bool)
    new[1:] = (o[1:] != o[:-1]) | (a[1:] > reach[:-1])
    first = np.flatnonzero(new)
    last = np.concatenate([first[1:], [len(o)]]) - 1
    return o[first], a[first], reach[last]


def _merge_intervals(iv: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(iv):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _ratio(x: int, total: int) -> float:
    return round(x / total, 4) if total else 0.0


def _rates(weight: np.ndarray, kind: np.ndarray, sel=None) -> dict:
    """Characters and rates of one stretch (``sel``) of the draft, per kind."""
    if sel is not None:
        weight, kind = weight[sel], kind[sel]
    total = int(weight.sum())
    copy = int(weight[(kind == KIND_COPY) | (kind == KIND_NEAR)].sum())
    quote = int(weight[kind == KIND_QUOTATION].sum())
    boiler = int(weight[kind == KIND_BOILERPLATE].sum())
    return _rates_of(total, copy, quote, boiler)


def _rates_of(total: int, copy: int, quote: int, boiler: int) -> dict:
    return {
        "chars": total,
        "copy_chars": copy,
        "quotation_chars": quote,
        "boilerplate_chars": boiler,
        "total_ratio": _ratio(copy + quote + boiler, total),
        "excluding_quotation_ratio": _ratio(copy + boiler, total),
        "excluding_boilerplate_ratio": _ratio(copy + quote, total),
        "copy_ratio": _ratio(copy, total),
        "quotation_ratio": _ratio(quote, total),
        "boilerplate_ratio": _ratio(boiler, total),
    }


def _counted_mask(kind: np.ndarray, quotes_as_citation: bool, exclude_boilerplate: bool) -> np.ndarray:
    counted = kind != KIND_NONE
    if quotes_as_citation:
        counted &= kind != KIND_QUOTATION
    if exclude_boilerplate:
        counted &= kind != KIND_BOILERPLATE
    return counted


def _source_totals(d: _Draft, ev: _Evidence, flat, kind, counted, limit: int) -> list[dict]:
    """Per source document the draft characters it really shares (its own
    intervals, not the merged spans), counted as ``overlap_ratio`` counts, and per kind:
    the ``limit`` first of those with counted characters, most first."""
    docs: dict[str, int] = {}
    plist, cnt, first, fa, fb = flat  # _flat of the source intervals
    owner, of = [], []  # per (paragraph, its twin's document): the document, the paragraph's place
    rows = ev.rows
    for j, p in enumerate(plist):
        for q in ev.twin_of.get(p, [p]):
            r = rows.get(q)
            if r is not None:
                owner.append(docs.setdefault(r["doc_id"], len(docs)))
                of.append(j)
    if not docs:
        return []
    at = np.asarray(of, dtype=np.int64)
    which, pos = expand_ranges(first[at], cnt[at])  # each owner with every interval of its paragraph
    uo, ua, ub = _doc_union(np.asarray(owner, dtype=np.int64)[which], fa[pos], fb[pos])
    w = d.weight
    sums = {}
    for name, m in (
        ("chars", counted),
        ("copy_chars", (kind == KIND_COPY) | (kind == KIND_NEAR)),
        ("quotation_chars", kind == KIND_QUOTATION),
        ("boilerplate_chars", kind == KIND_BOILERPLATE),
    ):
        cum = np.concatenate([[0], np.cumsum(w * m)])
        # integer sums below 2**53: exact through the float weights
        sums[name] = np.bincount(uo, weights=cum[ub] - cum[ua], minlength=len(docs)).astype(np.int64)
    total = d.total_chars
    names = list(docs)
    chars, copy = sums["chars"].tolist(), sums["copy_chars"].tolist()
    listed = sorted((i for i in range(len(names)) if chars[i]), key=lambda i: (-chars[i], -copy[i], names[i]))
    out = []
    for i in listed[:limit]:
        row: dict = {"doc_id": names[i]}
        for name, v in sums.items():
            row[name] = int(v[i])
        row["ratio"] = _ratio(row["chars"], total)
        row["copy_ratio"] = _ratio(row["copy_chars"], total)
        out.append(row)
    return out


def check_draft(
    index: DedupLookup,
    text,
    *,
    quotes_as_citation: bool = False,
    max_chars: int = 200000,
    exclude_boilerplate: bool = False,
    whitelist=(),
    boilerplate_min_docs: int | None = None,
) -> dict:
    """Duplicate-check report of ``text`` against ``index`` (see module doc).

    ``quotes_as_citation`` / ``exclude_boilerplate``: 引用 / 套话 do not count
    towards ``overlap_ratio`` and the source ratios (they are always reported
    with their own rates). ``whitelist``: extra phrases of standard wording
    (added to ``index_config/boilerplate_whitelist.txt``).
    Raises ``BadInput`` for an empty, all-punctuation, binary or too-large draft.
    """
    if isinstance(whitelist, str) or not all(isinstance(p, str) for p in whitelist):
        raise BadInput("whitelist must be a list of phrases", code="bad_whitelist")
    min_docs = BOILERPLATE_MIN_DOCS if boilerplate_min_docs is None else int(boilerplate_min_docs)
    d = _prepare(text, max_chars)
    ev = _find_runs(index, d)
    _exact_copies(d, ev)
    _near_copies(d, ev)
    _find_twins(index, ev)
    pid_iv = _source_intervals(ev)
    phrases = whitelist_phrases(whitelist)
    flat = _flat(pid_iv)
    kind, ndocs = _classify(d, ev, flat, phrases, min_docs)
    counted = _counted_mask(kind, quotes_as_citation, exclude_boilerplate)
    cum_a = np.concatenate([[0], np.cumsum(d.weight)])
    cum = cum_a.tolist()  # Python ints
    pieces = _pieces(d, ev, kind)
    tw_cache: dict = {}
    matches = [
        _match(d, ev, pc, subs, ndocs, cum, tw_cache) for pc, subs in zip(pieces, _piece_sources(pieces, flat, cum_a))
    ]
    sources = _source_totals(d, ev, flat, kind, counted, MAX_SOURCES * 2)
    total = d.total_chars
    copied = int(d.weight[counted].sum())
    paragraphs = []
    lines = _lines(d.text)
    # per line: the normalized positions whose original start lies in it (starts ascend)
    bounds = np.searchsorted(d.nz.starts, np.asarray(lines, dtype=np.int64).reshape(-1), "left").reshape(-1, 2)
    w = d.weight
    # per line and kind its characters: prefix sums taken at the lines' bounds only
    per_line = [
        (pre[bounds[:, 1]] - pre[bounds[:, 0]]).tolist()
        for pre in (
            np.concatenate([[0], np.cumsum(w * m)])
            for m in (
                np.ones(len(w), dtype=bool),
                (kind == KIND_COPY) | (kind == KIND_NEAR),
                kind == KIND_QUOTATION,
                kind == KIND_BOILERPLATE,
                counted,
            )
        )
    ]
    for pi, ((la, lb), tot, copy, quote, boiler, cp) in enumerate(zip(lines, *per_line)):
        r = _rates_of(tot, copy, quote, boiler)
        paragraphs.append(
            {
                "index": pi,
                "start": la,
                "end": lb,
                "chars": r["chars"],
                "copied_chars": cp,
                "overlap_ratio": _ratio(cp, r["chars"]),
                "rates": r,
            }
        )
    largest = sources[0] if sources else None
    return cap_report(
        {
            "overlap_ratio": _ratio(copied, total),
            "largest_source_ratio": largest["ratio"] if largest else 0.0,
            "largest_source": largest["doc_id"] if largest else None,
            "quotation_ratio": _ratio(int(d.weight[kind == KIND_QUOTATION].sum()), total),
            "boilerplate_ratio": _ratio(int(d.weight[kind == KIND_BOILERPLATE].sum()), total),
            "copy_ratio": _ratio(int(d.weight[(kind == KIND_COPY) | (kind == KIND_NEAR)].sum()), total),
            "rates": _rates(d.weight, kind),
            "chars": total,
            "copied_chars": copied,
            "sources": sources,
            "paragraphs": paragraphs,
            "matches": matches,
            "params": {
                "min_run": MIN_RUN,
                "near_threshold": NEAR_THRESHOLD,
                "quotes_as_citation": bool(quotes_as_citation),
                "exclude_boilerplate": bool(exclude_boilerplate),
                "boilerplate_min_docs": min_docs,
                "whitelist_phrases": len(phrases),
                "max_postings": DRAFT_POSTINGS,
            },
        }
    )


def _true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    if not mask.any():
        return []
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    dm = np.diff(m)
    return list(zip(np.flatnonzero(dm == 1).tolist(), np.flatnonzero(dm == -1).tolist()))


def _all_sentences(nz, text: str, seg_bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``_sentences`` of every draft paragraph, in order, with one pass of the sentence-end
    pattern over the whole text and one search: a sentence end cannot span a paragraph's
    first or last normalized character (both are neither punctuation nor a line break), so
    the matches starting inside a paragraph are those of its own search, their ends cut at
    its end."""
    ms = [(m.start(), m.end()) for m in _SENT_END.finditer(text)]
    m_start = [x for x, _ in ms]
    m_end = [y for _, y in ms]
    starts, ends = nz.starts, nz.ends
    bounds = []  # per paragraph (a, b, its cuts' range in ``cuts``)
    cuts: list[int] = []
    for a, b in seg_bounds:
        if b <= a:
            continue
        oa, ob = int(starts[a]), int(ends[b - 1])
        lo, hi = bisect.bisect_left(m_start, oa), bisect.bisect_left(m_start, ob)
        bounds.append((a, b, len(cuts), len(cuts) + hi - lo))
        cuts.extend(min(y, ob) for y in m_end[lo:hi])
    at = np.searchsorted(starts, cuts, "left").tolist() if cuts else []
    out = []
    for a, b, x, y in bounds:
        prev = a
        for k in at[x:y]:
            k = min(k, b)
            if k > prev:
                out.append((prev, k))
                prev = k
        if prev < b:
            out.append((prev, b))
    return out


def _sentences(nz, text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Sentence spans, in normalized coordinates, of draft paragraph [a, b)."""
    if b <= a:
        return []
    oa, ob = int(nz.starts[a]), int(nz.ends[b - 1])
    cuts = [m.end() for m in _SENT_END.finditer(text, oa, ob)]
    out = []
    prev = a
    # per cut the first normalized position whose original start is >= it (one search for all)
    for k in (np.searchsorted(nz.starts[a:b], cuts, "left") + a).tolist() if cuts else ():
        if k > prev:
            out.append((prev, k))
            prev = k
    if prev < b:
        out.append((prev, b))
    return out
