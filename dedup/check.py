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
   anchored key verified as well, so the run is found unless each of its
   anchored keys occurs in more than ``ANCHORED_POSTINGS`` paragraphs (stock
   phrasing; then it is found against those).  Whole draft paragraphs shorter
   than 13 characters count when they equal a stored paragraph exactly.
4. Near copies: a draft sentence (>= ``NEAR_MIN_CHARS`` normalized chars) that
   is not already mostly covered by copies is compared with the candidates
   sharing at least ``NEAR_PREFILTER`` of its k-grams (from the same k-gram
   join), then the share of the sentence
   covered by common blocks of >= 4 characters (difflib); >= ``NEAR_THRESHOLD``
   makes the whole sentence a ``near_copy``.
5. With ``quotes_as_citation``, the parts of matches inside “…” / "…" / 「…」 /
   『…』 quotes or 《…》 titles become ``quotation`` and do not count towards
   ``overlap_ratio`` (they are reported in ``quotation_ratio``).

Ratios are over the characters that carry content: whitespace and punctuation
do not count; a masked run (晋城市, 2023) counts its original length.
"""

from __future__ import annotations

import difflib
import html
import re
from collections import defaultdict

import numpy as np

from govtext.errors import BadInput
from govtext.validation import check_text

from . import winnow
from .fingerprint import MIN_BAND_CHARS, exact_hash
from .index import DedupIndex
from .limits import cap_report
from .minhash import band_keys, signatures
from .normalize import normalize

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

_QUOTES = re.compile(r"“[^“”]*”|\"[^\"\n]*\"|「[^「」]*」|『[^『』]*』|《[^《》]*》|‘[^‘’]*’")
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
    from .minhash import batch_kgram_hashes

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


def _runs(d_hash: np.ndarray, d_pos: np.ndarray, c_hash: np.ndarray, c_owner: np.ndarray, c_pos: np.ndarray):
    """Common k-gram runs: arrays (draft_start, owner, cand_start, n_kgrams)."""
    if not len(d_hash) or not len(c_hash):
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, z
    order = np.argsort(c_hash, kind="stable")
    sh = c_hash[order]
    lo = np.searchsorted(sh, d_hash, "left")
    hi = np.searchsorted(sh, d_hash, "right")
    cnt = hi - lo
    total = int(cnt.sum())
    if total == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, z
    di = np.repeat(np.arange(len(d_hash)), cnt)
    offs = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(lo, cnt)
    ci = order[offs]
    i = d_pos[di]
    own = c_owner[ci]
    j = c_pos[ci]
    diag = j - i
    o = np.lexsort((i, diag, own))
    i, own, j, diag = i[o], own[o], j[o], diag[o]
    brk = np.ones(len(i), dtype=bool)
    brk[1:] = (own[1:] != own[:-1]) | (diag[1:] != diag[:-1]) | (i[1:] != i[:-1] + 1)
    starts = np.flatnonzero(brk)
    lens = np.diff(np.concatenate([starts, [len(i)]]))
    return i[starts], own[starts], j[starts], lens


def _posting_pairs(index, kind: str, keys: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """(query position, pid) for every posting of ``keys`` (at most ``cap`` per key).

    Uses the index's vectorized ``posting_pairs`` when it has one, else its
    ``lookup_fingerprints`` / ``lookup_bands`` dictionaries (any backend)."""
    fast = getattr(index, "posting_pairs", None)
    if fast is not None:
        return fast(kind, keys, cap)
    lookup = index.lookup_fingerprints if kind == "fp" else index.lookup_bands
    found = lookup(set(keys.tolist()), cap=cap) if len(keys) else {}
    lists = [found.get(k, ()) for k in keys.tolist()]
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

    for seg_keys, kind, key_weight, cap in key_sets:
        lens = [len(f) for f in seg_keys]
        if sum(lens):
            fq = np.concatenate(seg_keys).astype(np.int64)
            fo = np.repeat(np.arange(len(seg_keys), dtype=np.int64), lens)
            qi, fp = _posting_pairs(index, "fp", fq, cap)
            add(fo[qi], fp, key_weight / np.bincount(qi, minlength=len(fq))[qi], kind)
    if bandable:
        keys = band_keys(signatures([seg_texts[i] for i in bandable]))
        bo = np.repeat(np.asarray(bandable, dtype=np.int64), keys.shape[1])
        qi, bp = _posting_pairs(index, "band", keys.ravel(), DRAFT_POSTINGS)
        add(bo[qi], bp, np.full(len(qi), 0.5), 2)
    ex = [(si, p) for si, h in seg_hash.items() for p in exact_post.get(h, ())]
    if ex:
        add(np.array([e[0] for e in ex], dtype=np.int64), np.array([e[1] for e in ex], dtype=np.int64),
            np.full(len(ex), 100.0), 2)
    if not sum(len(x) for x in segs):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    seg_all, pid_all = np.concatenate(segs), np.concatenate(pids).astype(np.int64)
    w_all, k_all = np.concatenate(weights), np.concatenate(kinds)
    base = int(pid_all.min())
    span = int(pid_all.max()) - base + 1
    combo, inverse = np.unique(seg_all * span + (pid_all - base), return_inverse=True)
    inverse = inverse.ravel()
    score = np.bincount(inverse, weights=w_all)
    anchored = np.bincount(inverse, weights=np.where(k_all == 1, w_all, 0.0))
    n_plain = np.bincount(inverse, weights=k_all == 0)
    score[(n_plain == np.bincount(inverse)) & (n_plain < 2)] *= 0.1
    useg, upid = combo // span, combo % span + base
    caps = CANDIDATES_PER_PARAGRAPH + np.array([len(t) for t in seg_texts], dtype=np.int64) // 20
    keep = _best_per_paragraph(useg, upid, score, caps)
    reserve = ~keep & (anchored > 0)
    r_seg, r_pid = useg[reserve], upid[reserve]
    useg, upid, score = useg[keep], upid[keep], score[keep]
    order = np.lexsort((upid, -score, useg))
    useg, upid = useg[order], upid[order]
    if len(np.unique(upid)) > MAX_CANDIDATES:
        rank = np.arange(len(useg)) - np.searchsorted(useg, useg, "left")
        rr = np.lexsort((useg, rank))  # rank 0 of every paragraph, then rank 1, ...
        in_rr = upid[rr]
        _, first = np.unique(in_rr, return_index=True)
        chosen = in_rr[np.sort(first)][:MAX_CANDIDATES]
        keep = np.isin(upid, chosen)
        useg, upid = useg[keep], upid[keep]
    return useg, upid, r_seg, r_pid


def _best_per_paragraph(useg: np.ndarray, upid: np.ndarray, score: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Mask of the ``caps[paragraph]`` best-scored candidates of every draft paragraph."""
    order = np.lexsort((upid, -score, useg))
    sorted_seg = useg[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_seg, sorted_seg, "left")
    mask = np.zeros(len(order), dtype=bool)
    mask[order] = rank < caps[sorted_seg]
    return mask


def _verify(index, rows: dict, cand_list: list[int], pair_seg, pair_pid, d_key, d_pos):
    """Common k-gram runs between draft paragraphs and candidate paragraphs.

    Reads the rows of new candidates into ``rows``; returns the candidate list
    extended by them and the runs (draft start, index into that list,
    candidate start, length in k-grams) of the given (paragraph, pid) pairs."""
    empty = np.zeros(0, dtype=np.int64)
    new = sorted({int(p) for p in pair_pid.tolist()} - rows.keys())
    if new:
        rows.update(index.paragraph_rows(new))
    position = {p: i for i, p in enumerate(cand_list)}
    for p in new:
        if p in rows:  # a removed paragraph's postings may linger
            position[p] = len(cand_list)
            cand_list.append(p)
    involved = np.array(sorted({int(p) for p in pair_pid.tolist()} & position.keys()), dtype=np.int64)
    if not len(involved) or not len(pair_seg) or not len(d_key):
        return cand_list, empty, empty, empty, empty
    at = np.minimum(np.searchsorted(involved, pair_pid), len(involved) - 1)
    found = involved[at] == pair_pid
    pair_seg, pair_cand = pair_seg[found], at[found]
    c_hash, c_owner, c_pos = _batch_grams([rows[p]["norm"] for p in involved.tolist()])
    if not len(pair_seg) or not len(c_hash):
        return cand_list, empty, empty, empty, empty
    # join each draft paragraph only with its own candidates: the k-gram key is
    # mixed with the draft paragraph index (a common k-gram would otherwise pair
    # every draft paragraph with every candidate)
    counts = np.bincount(c_owner, minlength=len(involved))
    first = np.cumsum(counts) - counts
    reps = counts[pair_cand]
    total = int(reps.sum())
    idx = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(reps) - reps, reps) + np.repeat(first[pair_cand], reps)
    c_key = _seg_key(c_hash[idx], np.repeat(pair_seg, reps))
    rs, ro, rj, rl = _runs(d_key, d_pos, c_key, c_owner[idx], c_pos[idx])
    to_global = np.array([position[p] for p in involved.tolist()], dtype=np.int64)
    return cand_list, rs, to_global[ro] if len(ro) else ro, rj, rl


def check_draft(index: DedupIndex, text, *, quotes_as_citation: bool = False, max_chars: int = 200000) -> dict:
    """Duplicate-check report of ``text`` against ``index`` (see module doc).

    Raises ``BadInput`` for an empty, all-punctuation, binary or too-large draft.
    """
    text = _validate(text, max_chars)
    nz = normalize(text)
    norm = nz.text
    if not norm.replace("\n", ""):
        raise BadInput("draft has no text to check: only whitespace, punctuation or symbols", code="empty_draft")
    n = len(norm)
    weight = (nz.ends - nz.starts).astype(np.int64)
    weight[np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32) == 10] = 0  # newlines
    total_chars = int(weight.sum())

    # draft paragraphs in normalized coordinates
    nl = [m.start() for m in re.finditer("\n", norm)]
    seg_bounds = []
    a = 0
    for p in nl + [n]:
        if p > a:
            seg_bounds.append((a, p))
        a = p + 1
    seg_texts = [norm[a:b] for a, b in seg_bounds]

    # ---- candidates
    g_hash, g_owner, g_local = _batch_grams(seg_texts)
    seg_start = np.array([a for a, _ in seg_bounds] or [0], dtype=np.int64)
    d_hash = g_hash
    d_pos = seg_start[g_owner] + g_local if len(g_hash) else np.zeros(0, dtype=np.int64)
    seg_fps = winnow.batch_fingerprint_keys(seg_texts, plain=False)  # anchored keys
    seg_plain = winnow.batch_fingerprint_keys(seg_texts, anchored=False)
    bandable = [i for i, t in enumerate(seg_texts) if len(t) >= MIN_BAND_CHARS]
    seg_hash = {si: exact_hash(t) for si, t in enumerate(seg_texts) if len(t) >= MIN_EXACT_PARAGRAPH}
    exact_post = index.lookup_exact(set(seg_hash.values()), cap=MAX_SOURCES)
    key_sets = [(seg_fps, 1, ANCHORED_WEIGHT, ANCHORED_POSTINGS), (seg_plain, 0, 1.0, DRAFT_POSTINGS)]
    pair_seg, pair_pid, r_seg, r_pid = _candidates(index, seg_texts, key_sets, bandable, seg_hash, exact_post)
    d_key = _seg_key(d_hash, g_owner) if len(d_hash) else d_hash
    rows: dict[int, dict] = {}
    cand_list: list[int] = []
    cand_list, rs, ro, rj, rl = _verify(index, rows, cand_list, pair_seg, pair_pid, d_key, d_pos)
    # the reserve, for draft paragraphs the first candidates did not cover (>= 90 %)
    if len(r_seg):
        cov = np.zeros(n + 1, dtype=np.int64)
        ok = rl + K - 1 >= MIN_RUN
        np.add.at(cov, rs[ok], 1)
        np.add.at(cov, rs[ok] + rl[ok] + K - 1, -1)
        covered = np.cumsum(cov)[:n] > 0
        seg_cov = np.array([covered[a:b].mean() for a, b in seg_bounds])
        todo = seg_cov[r_seg] < 0.9
        if todo.any():
            cand_list, *more = _verify(index, rows, cand_list, r_seg[todo], r_pid[todo], d_key, d_pos)
            rs, ro, rj, rl = (np.concatenate([x, y]) for x, y in zip((rs, ro, rj, rl), more))

    run_len = rl + K - 1
    keep = run_len >= MIN_RUN
    # src_cover[pid] -> list of normalized draft intervals copied from that paragraph
    src_iv: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for s, o, j, L in zip(rs[keep].tolist(), ro[keep].tolist(), rj[keep].tolist(), run_len[keep].tolist()):
        p = cand_list[o]
        if norm[s : s + L] == rows[p]["norm"][j : j + L]:  # guard against hash collisions
            src_iv[p].append((s, s + L))
    # short paragraphs equal to a stored paragraph
    for si, (a, b) in enumerate(seg_bounds):
        if b - a < MIN_RUN and si in seg_hash:
            for p in exact_post.get(seg_hash[si], ())[:MAX_SOURCES]:
                if p in rows and rows[p]["norm"] == seg_texts[si]:
                    src_iv[p].append((a, b))
    copy_cov = np.zeros(n, dtype=bool)
    for ivs in src_iv.values():
        for a, b in ivs:
            copy_cov[a:b] = True

    # ---- near copies of whole sentences
    near: list[tuple[int, int, list[tuple[int, float]]]] = []
    matchers: dict[int, difflib.SequenceMatcher] = {}
    # prefilter from the k-gram join above: shared k-grams per (sentence, candidate)
    r_order = np.argsort(rs, kind="stable")
    R_s, R_o, R_l = rs[r_order], ro[r_order], rl[r_order]
    maxlen = int(R_l.max()) if len(R_l) else 0
    for si, (a, b) in enumerate(seg_bounds):
        for sa, sb in _sentences(norm, nz, text, a, b):
            L = sb - sa
            if L < NEAR_MIN_CHARS or copy_cov[sa:sb].mean() >= 0.8:
                continue
            last = sb - K + 1  # k-gram starts inside the sentence: [sa, last)
            lo = int(np.searchsorted(R_s, sa - maxlen, "left"))
            hi = int(np.searchsorted(R_s, last, "left"))
            if hi <= lo:
                continue
            st = R_s[lo:hi]
            ov = np.minimum(st + R_l[lo:hi], last) - np.maximum(st, sa)
            pos = ov > 0
            if not pos.any():
                continue
            counts = np.bincount(R_o[lo:hi][pos], weights=ov[pos])
            owners = np.flatnonzero(counts >= NEAR_PREFILTER * (last - sa))
            if not len(owners):
                continue
            owners = owners[np.argsort(-counts[owners], kind="stable")][:NEAR_VERIFY]
            sent = norm[sa:sb]
            found = []
            for o in owners.tolist():
                p = cand_list[o]
                sm = matchers.get(p)
                if sm is None:
                    sm = matchers[p] = difflib.SequenceMatcher(None, "", rows[p]["norm"], autojunk=False)
                sm.set_seq1(sent)
                matched = sum(blk.size for blk in sm.get_matching_blocks() if blk.size >= 4)
                sim = matched / L
                if sim >= NEAR_THRESHOLD:
                    found.append((p, round(sim, 3)))
            if found:
                found.sort(key=lambda x: -x[1])
                near.append((sa, sb, found))

    # ---- exact twins of the matched paragraphs are sources too (only the first
    # occurrence of a normalized paragraph carries postings)
    involved = set(src_iv) | {p for _, _, found in near for p, _ in found}
    twin_of: dict[int, list[int]] = {}
    if involved:
        tw = index.twins({rows[p]["hash"] for p in involved}, cap=MAX_SOURCES)
        extra = {q for qs in tw.values() for q in qs if q not in rows}
        if extra:
            rows.update(index.paragraph_rows(extra))
        for p in involved:
            twin_of[p] = [q for q in tw.get(rows[p]["hash"], [p]) if q in rows] or [p]

    # ---- assemble matches (non-overlapping, in normalized coordinates)
    near_cov = np.zeros(n, dtype=bool)
    for sa, sb, _ in near:
        near_cov[sa:sb] = True
    copy_only = copy_cov & ~near_cov
    pieces: list[dict] = []
    # copy intervals: maximal runs of copy_only
    import bisect

    copy_pieces = _true_runs(copy_only)
    piece_starts = [a for a, _ in copy_pieces]
    piece_src: list[dict[int, int]] = [defaultdict(int) for _ in copy_pieces]
    for p, ivs in src_iv.items():
        for x, y in ivs:
            k = max(0, bisect.bisect_right(piece_starts, x) - 1)
            while k < len(copy_pieces) and copy_pieces[k][0] < y:
                a, b = copy_pieces[k]
                ov = min(b, y) - max(a, x)
                if ov > 0:
                    piece_src[k][p] += ov
                k += 1
    for (a, b), srcs in zip(copy_pieces, piece_src):
        pieces.append({"a": a, "b": b, "kind": "copy", "similarity": 1.0,
                       "sources": [(p, min(1.0, c / (b - a))) for p, c in srcs.items()]})
    for sa, sb, found in near:
        pieces.append({"a": sa, "b": sb, "kind": "near_copy", "similarity": found[0][1], "sources": found})
    pieces.sort(key=lambda m: m["a"])

    # quotations
    quoted = np.zeros(n, dtype=bool)
    if quotes_as_citation and n:
        qmask = np.zeros(len(text) + 1, dtype=bool)
        for m in _QUOTES.finditer(text):
            qmask[m.start() : m.end()] = True
        quoted = qmask[nz.starts] & qmask[np.maximum(nz.ends - 1, 0)]
    final: list[dict] = []
    for m in pieces:
        a, b = m["a"], m["b"]
        if quotes_as_citation and quoted[a:b].any():
            for x, y, q in _split_runs(quoted[a:b]):
                final.append(dict(m, a=a + x, b=a + y, kind="quotation" if q else m["kind"]))
        else:
            final.append(m)

    # ---- ratios
    counted = np.zeros(n, dtype=bool)
    quote_cov = np.zeros(n, dtype=bool)
    per_doc: dict[str, np.ndarray] = {}
    matches = []
    for m in final:
        a, b = m["a"], m["b"]
        if m["kind"] == "quotation":
            quote_cov[a:b] = True
        else:
            counted[a:b] = True
        start, end = nz.span(a, b)
        sources = _sources([(q, sim) for p, sim in m["sources"] for q in twin_of.get(p, [p])], rows)
        if m["kind"] != "quotation":
            for s in sources:
                arr = per_doc.get(s["doc_id"])
                if arr is None:
                    arr = per_doc[s["doc_id"]] = np.zeros(n, dtype=bool)
                arr[a:b] = True
        matches.append(
            {
                "start": start,
                "end": end,
                "text": text[start:end],
                "kind": m["kind"],
                "similarity": round(float(m["similarity"]), 3),
                "chars": int(weight[a:b].sum()),
                "sources": sources,
            }
        )
    copied = int(weight[counted].sum())
    quoted_chars = int(weight[quote_cov & ~counted].sum())
    by_source = sorted(
        ((doc, int(weight[arr].sum())) for doc, arr in per_doc.items()), key=lambda x: (-x[1], x[0])
    )
    largest = by_source[0] if by_source else (None, 0)
    paragraphs = []
    for pi, (la, lb) in enumerate(_lines(text)):
        sel = (nz.starts >= la) & (nz.starts < lb)
        chars = int(weight[sel].sum())
        cp = int(weight[sel & counted].sum())
        paragraphs.append(
            {
                "index": pi,
                "start": la,
                "end": lb,
                "chars": chars,
                "copied_chars": cp,
                "overlap_ratio": round(cp / chars, 4) if chars else 0.0,
            }
        )
    return cap_report({
        "overlap_ratio": round(copied / total_chars, 4) if total_chars else 0.0,
        "largest_source_ratio": round(largest[1] / total_chars, 4) if total_chars else 0.0,
        "largest_source": largest[0],
        "quotation_ratio": round(quoted_chars / total_chars, 4) if total_chars else 0.0,
        "chars": total_chars,
        "copied_chars": copied,
        "sources": [
            {"doc_id": d, "chars": c, "ratio": round(c / total_chars, 4)} for d, c in by_source[:MAX_SOURCES * 2]
        ],
        "paragraphs": paragraphs,
        "matches": matches,
        "params": {
            "min_run": MIN_RUN,
            "near_threshold": NEAR_THRESHOLD,
            "quotes_as_citation": bool(quotes_as_citation),
            "max_postings": DRAFT_POSTINGS,
        },
    })


def _true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    if not mask.any():
        return []
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    d = np.diff(m)
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def _split_runs(mask: np.ndarray) -> list[tuple[int, int, bool]]:
    out = []
    start = 0
    for i in range(1, len(mask) + 1):
        if i == len(mask) or mask[i] != mask[start]:
            out.append((start, i, bool(mask[start])))
            start = i
    return out


def _sentences(norm: str, nz, text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Sentence spans, in normalized coordinates, of draft paragraph [a, b)."""
    if b <= a:
        return []
    oa, ob = int(nz.starts[a]), int(nz.ends[b - 1])
    cuts = [m.end() for m in _SENT_END.finditer(text, oa, ob)]
    out = []
    prev = a
    for c in cuts:
        # first normalized position whose original start is >= c
        k = int(np.searchsorted(nz.starts[a:b], c, "left")) + a
        if k > prev:
            out.append((prev, k))
            prev = k
    if prev < b:
        out.append((prev, b))
    return out


def _sources(srcs, rows) -> list[dict]:
    best: dict[str, dict] = {}
    for p, sim in srcs:
        r = rows.get(p)
        if r is None:
            continue
        cur = best.get(r["doc_id"])
        if cur is None or sim > cur["similarity"] or (sim == cur["similarity"] and r["paragraph_index"] < cur["paragraph_index"]):
            best[r["doc_id"]] = {"doc_id": r["doc_id"], "paragraph_index": r["paragraph_index"], "similarity": round(float(sim), 3)}
    return sorted(best.values(), key=lambda s: (-s["similarity"], s["doc_id"], s["paragraph_index"]))[:MAX_SOURCES]


# ---------------------------------------------------------------- HTML

_PALETTE = ["#ffd6d6", "#ffe7c2", "#fff5b8", "#d9f2c7", "#cdeffa", "#dcd6ff", "#f7d4f0", "#e6e6e6"]


def render_report_html(report: dict, text: str) -> str:
    """A standalone HTML page: summary, the draft with copied spans coloured by
    their main source, and the list of matches.  Everything is escaped."""
    esc = html.escape
    colors: dict[str, str] = {}
    for s in report.get("sources", []):
        colors.setdefault(s["doc_id"], _PALETTE[len(colors) % len(_PALETTE)])
    parts = []
    pos = 0
    for k, m in enumerate(sorted(report.get("matches", []), key=lambda m: m["start"])):
        if m["start"] < pos:
            continue
        parts.append(esc(text[pos : m["start"]]))
        src = m["sources"][0]["doc_id"] if m["sources"] else ""
        color = "#eeeeee" if m["kind"] == "quotation" else colors.get(src, "#ffd6d6")
        title = f"{m['kind']} {m['similarity']:.2f} " + ", ".join(
            f"{s['doc_id']}#{s['paragraph_index']}" for s in m["sources"][:5]
        )
        parts.append(
            f'<mark class="{esc(m["kind"])}" style="background:{color}" title="{esc(title)}" '
            f'id="m{k}">{esc(text[m["start"]:m["end"]])}</mark>'
        )
        pos = m["end"]
    parts.append(esc(text[pos:]))
    rows = []
    for k, m in enumerate(report.get("matches", [])):
        srcs = "<br>".join(
            f"{esc(s['doc_id'])} ¶{int(s['paragraph_index'])} ({s['similarity']:.2f})" for s in m["sources"]
        )
        rows.append(
            f"<tr><td>{int(m['start'])}–{int(m['end'])}</td><td>{esc(m['kind'])}</td>"
            f"<td>{m['similarity']:.2f}</td><td>{esc(m['text'][:120])}</td><td>{srcs}</td></tr>"
        )
    src_rows = "".join(
        f'<li><span style="background:{colors.get(s["doc_id"], "#fff")}">&nbsp;&nbsp;&nbsp;</span> '
        f'{esc(s["doc_id"])}: {100 * s["ratio"]:.1f}%</li>'
        for s in report.get("sources", [])
    )
    return (
        "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>查重报告</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.7}"
        ".draft{white-space:pre-wrap;border:1px solid #ccc;padding:1em}"
        "table{border-collapse:collapse}td{border:1px solid #ddd;padding:.3em;vertical-align:top}"
        "mark.quotation{text-decoration:underline dotted}</style></head><body>"
        f"<h1>查重报告</h1><p>重复率 overlap_ratio: <b>{100 * report.get('overlap_ratio', 0):.1f}%</b>; "
        f"largest single source: {100 * report.get('largest_source_ratio', 0):.1f}%"
        f" ({esc(str(report.get('largest_source') or '—'))}); quotation: "
        f"{100 * report.get('quotation_ratio', 0):.1f}%; characters counted: {int(report.get('chars', 0))}</p>"
        f"<h2>Sources</h2><ul>{src_rows}</ul>"
        f"<h2>Draft</h2><div class=\"draft\">{''.join(parts)}</div>"
        "<h2>Matches</h2><table><tr><th>span</th><th>kind</th><th>similarity</th><th>text</th><th>sources</th></tr>"
        f"{''.join(rows)}</table></body></html>"
    )
