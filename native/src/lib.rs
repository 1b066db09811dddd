//! Native kernels of govtext's duplicate detection.
//!
//! Each function computes exactly what its numpy counterpart in `dedup/` computes
//! (same hashes, same order); `dedup/native.py` chooses between the two and the
//! tests compare them on shared vectors. Arrays cross the boundary as `bytearray`
//! (native byte order) in and out: numpy views them without a copy.

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyList, PyString};
use pyo3::types::PyStringData;

/// polynomial base of the k-gram hashes (FNV prime)
const P: u64 = 0x100000001B3;
const GOLDEN: u64 = 0x9E3779B97F4A7C15;
const BAND_MIX: u64 = 0xA24BAED4963EE407;

#[inline(always)]
fn mix(mut h: u64) -> u64 {
    h ^= h >> 30;
    h = h.wrapping_mul(0xBF58476D1CE4E5B9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94D049BB133111EB);
    h ^ (h >> 31)
}

#[inline(always)]
fn anchor_key(h: u64, q: u64, side: u64) -> i64 {
    mix(h.wrapping_mul(GOLDEN) ^ q.wrapping_add(side)) as i64
}

/// A contiguous, C-ordered buffer of T (a numpy array or bytes-like) as a slice.
struct Arr<T: pyo3::buffer::Element> {
    buf: PyBuffer<T>,
}

impl<T: pyo3::buffer::Element + Copy> Arr<T> {
    fn get(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let buf = PyBuffer::<T>::get(obj)?;
        if !buf.is_c_contiguous() {
            return Err(PyValueError::new_err("array must be C-contiguous"));
        }
        Ok(Arr { buf })
    }
    fn slice(&self) -> &[T] {
        let n = self.buf.item_count();
        if n == 0 {
            return &[];
        }
        // SAFETY: a contiguous buffer of n items of T, held for the life of self; the
        // GIL is held throughout and the callers do not mutate the arrays they pass.
        unsafe { std::slice::from_raw_parts(self.buf.buf_ptr() as *const T, n) }
    }
}

fn bytes_of<'py, T: Copy>(py: Python<'py>, v: &[T]) -> Bound<'py, PyByteArray> {
    let n = std::mem::size_of_val(v);
    // SAFETY: plain integer data viewed as bytes
    let b = unsafe { std::slice::from_raw_parts(v.as_ptr() as *const u8, n) };
    PyByteArray::new(py, b)
}

enum Codes<'a> {
    U1(&'a [u8]),
    U2(&'a [u16]),
    U4(&'a [u32]),
}

impl Codes<'_> {
    fn len(&self) -> usize {
        match self {
            Codes::U1(s) => s.len(),
            Codes::U2(s) => s.len(),
            Codes::U4(s) => s.len(),
        }
    }
}

fn codes_of<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Codes<'a>> {
    // SAFETY: the string is immutable and outlives the borrow
    let data = unsafe { s.data()? };
    let surrogate = |c: u32| (0xD800..=0xDFFF).contains(&c);
    Ok(match data {
        PyStringData::Ucs1(b) => Codes::U1(b),
        PyStringData::Ucs2(b) => {
            if b.iter().any(|&c| surrogate(c as u32)) {
                return Err(PyValueError::new_err("surrogates not allowed"));
            }
            Codes::U2(b)
        }
        PyStringData::Ucs4(b) => {
            if b.iter().any(|&c| surrogate(c)) {
                return Err(PyValueError::new_err("surrogates not allowed"));
            }
            Codes::U4(b)
        }
    })
}

fn push_hashes<T: Copy + Into<u64>>(c: &[T], k: usize, owner: i64, hs: &mut Vec<u64>, ow: &mut Vec<i64>) {
    let n = c.len();
    if n == 0 {
        return;
    }
    if n < k {
        let mut g: u64 = 0;
        for &x in c {
            g = g.wrapping_mul(P).wrapping_add(x.into()).wrapping_add(1);
        }
        hs.push(mix(g.wrapping_add(n as u64)));
        ow.push(owner);
        return;
    }
    for s in 0..=(n - k) {
        let mut g: u64 = 0;
        for &x in &c[s..s + k] {
            g = g.wrapping_mul(P).wrapping_add(x.into()).wrapping_add(1);
        }
        hs.push(mix(g.wrapping_add(k as u64)));
    }
    ow.extend(std::iter::repeat(owner).take(n - k + 1));
}

/// k-gram hashes of many texts: (hashes u64, owner i64) as in minhash.batch_kgram_hashes.
#[pyfunction]
fn kgram_hashes<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyList>,
    k: usize,
) -> PyResult<(Bound<'py, PyByteArray>, Bound<'py, PyByteArray>)> {
    if k == 0 {
        return Err(PyValueError::new_err("k must be positive"));
    }
    let mut hs: Vec<u64> = Vec::new();
    let mut ow: Vec<i64> = Vec::new();
    let mut strs = Vec::with_capacity(texts.len());
    let mut total = 0usize;
    for t in texts.iter() {
        let s = t.downcast_into::<PyString>()?;
        let n = codes_of(&s)?.len();
        total += if n >= k { n - k + 1 } else { (n > 0) as usize };
        strs.push(s);
    }
    hs.reserve_exact(total);
    ow.reserve_exact(total);
    for (i, s) in strs.iter().enumerate() {
        match codes_of(s)? {
            Codes::U1(c) => push_hashes(c, k, i as i64, &mut hs, &mut ow),
            Codes::U2(c) => push_hashes(c, k, i as i64, &mut hs, &mut ow),
            Codes::U4(c) => push_hashes(c, k, i as i64, &mut hs, &mut ow),
        }
    }
    Ok((bytes_of(py, &hs), bytes_of(py, &ow)))
}

/// MinHash signatures (n_texts x len(a), uint32) from k-gram hashes and their owners
/// (non-decreasing): permutation i of x = low 32 bits of a hash is a[i] * x + b[i] mod 2**32.
#[pyfunction]
fn signatures<'py>(
    py: Python<'py>,
    hs: &Bound<'py, PyAny>,
    ow: &Bound<'py, PyAny>,
    n_texts: usize,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let (hs, ow, a, b) = (Arr::<u64>::get(hs)?, Arr::<i64>::get(ow)?, Arr::<u32>::get(a)?, Arr::<u32>::get(b)?);
    let (hs, ow, a, b) = (hs.slice(), ow.slice(), a.slice(), b.slice());
    let np = a.len();
    if b.len() != np || hs.len() != ow.len() {
        return Err(PyValueError::new_err("length mismatch"));
    }
    if ow.iter().any(|&o| o < 0 || o as usize >= n_texts) {
        return Err(PyValueError::new_err("owner out of range"));
    }
    let mut out = vec![u32::MAX; n_texts * np];
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2
            unsafe { min_hash_avx2(hs, ow, a, b, &mut out) };
            return Ok(bytes_of(py, &out));
        }
    }
    min_hash(hs, ow, a, b, &mut out);
    Ok(bytes_of(py, &out))
}

#[inline(always)]
fn min_hash(hs: &[u64], ow: &[i64], a: &[u32], b: &[u32], out: &mut [u32]) {
    let np = a.len();
    for (&h, &o) in hs.iter().zip(ow.iter()) {
        let x = h as u32;
        let row = &mut out[o as usize * np..(o as usize + 1) * np];
        for ((m, &ai), &bi) in row.iter_mut().zip(a.iter()).zip(b.iter()) {
            *m = (*m).min(ai.wrapping_mul(x).wrapping_add(bi));
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn min_hash_avx2(hs: &[u64], ow: &[i64], a: &[u32], b: &[u32], out: &mut [u32]) {
    min_hash(hs, ow, a, b, out)
}

/// LSH band keys (n x bands, int64) of signatures (n x bands*rows, uint32).
#[pyfunction]
fn band_keys<'py>(
    py: Python<'py>,
    sigs: &Bound<'py, PyAny>,
    bands: usize,
    mult: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let (sigs, mult) = (Arr::<u32>::get(sigs)?, Arr::<u64>::get(mult)?);
    let (sigs, mult) = (sigs.slice(), mult.slice());
    let rows = mult.len();
    if rows == 0 || bands == 0 || sigs.len() % (bands * rows) != 0 {
        return Err(PyValueError::new_err("bad signature shape"));
    }
    let mut out = Vec::with_capacity(sigs.len() / rows);
    for (j, band) in sigs.chunks_exact(rows).enumerate() {
        let mut h: u64 = 0;
        for (&s, &m) in band.iter().zip(mult.iter()) {
            h = h.wrapping_add((s as u64).wrapping_mul(m));
        }
        let bi = (j % bands) as u64;
        out.push(mix(h.wrapping_add(bi.wrapping_mul(BAND_MIX))) as i64);
    }
    Ok(bytes_of(py, &out))
}

/// Robust winnowing of one text's k-gram hashes: local positions, ascending, distinct.
fn select(h: &[u64], w: usize, pos: &mut Vec<usize>) {
    pos.clear();
    let n = h.len();
    if n == 0 {
        return;
    }
    let rightmost_min = |lo: usize, hi: usize| {
        let mut best = lo;
        for j in lo + 1..hi {
            if h[j] <= h[best] {
                best = j;
            }
        }
        best
    };
    if n < w {
        pos.push(rightmost_min(0, n));
        return;
    }
    let mut best = rightmost_min(0, w);
    pos.push(best);
    for s in 1..=(n - w) {
        let e = s + w - 1; // the window's new k-gram
        if best < s {
            best = rightmost_min(s, e + 1);
        } else if h[e] <= h[best] {
            best = e;
        }
        if *pos.last().unwrap() != best {
            pos.push(best);
        }
    }
}

/// winnow.batch_fingerprint_keys: per text (owner runs of ``ow``) its keys, in the numpy
/// version's order (left-anchored, right-anchored, tiny, plain). Returns (keys, offsets
/// of n_texts + 1).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn fingerprint_keys<'py>(
    py: Python<'py>,
    hs: &Bound<'py, PyAny>,
    ow: &Bound<'py, PyAny>,
    n_texts: usize,
    w: usize,
    anchor: usize,
    plain: bool,
    anchored: bool,
) -> PyResult<(Bound<'py, PyByteArray>, Bound<'py, PyByteArray>)> {
    let (hs, ow) = (Arr::<u64>::get(hs)?, Arr::<i64>::get(ow)?);
    let (hs, ow) = (hs.slice(), ow.slice());
    if hs.len() != ow.len() || w == 0 {
        return Err(PyValueError::new_err("length mismatch"));
    }
    let mut keys: Vec<i64> = Vec::with_capacity(hs.len() / 2);
    let mut offsets: Vec<i64> = vec![0; n_texts + 1];
    let mut pos = Vec::new();
    let mut s = 0usize;
    let mut next_owner = 0usize;
    while s < hs.len() {
        let o = ow[s];
        let mut e = s + 1;
        while e < hs.len() && ow[e] == o {
            e += 1;
        }
        if o < 0 || o as usize >= n_texts || (o as usize) < next_owner {
            return Err(PyValueError::new_err("owners must be in range and non-decreasing"));
        }
        let o = o as usize;
        for x in &mut offsets[next_owner..=o] {
            *x = keys.len() as i64;
        }
        let h = &hs[s..e];
        let nk = h.len();
        select(h, w, &mut pos);
        if anchored {
            for &p in pos.iter().filter(|&&p| p >= anchor) {
                keys.push(anchor_key(h[p], h[p - anchor], 1));
            }
            for &p in pos.iter().filter(|&&p| p + anchor < nk) {
                keys.push(anchor_key(h[p], h[p + anchor], 2));
            }
            if nk <= anchor {
                for &p in pos.iter() {
                    keys.push(anchor_key(h[p], h[p], 0));
                }
            }
        }
        if plain {
            keys.extend(pos.iter().map(|&p| h[p] as i64));
        }
        next_owner = o + 1;
        offsets[next_owner] = keys.len() as i64;
        s = e;
    }
    for x in &mut offsets[next_owner..] {
        *x = keys.len() as i64;
    }
    Ok((bytes_of(py, &keys), bytes_of(py, &offsets)))
}

/// check._runs: common k-gram runs (draft start, owner, candidate start, length), sorted by
/// (owner, diagonal, draft start). Returns one int64 array of 4 x n, row by row.
#[pyfunction]
fn kgram_runs<'py>(
    py: Python<'py>,
    d_hash: &Bound<'py, PyAny>,
    d_pos: &Bound<'py, PyAny>,
    c_hash: &Bound<'py, PyAny>,
    c_owner: &Bound<'py, PyAny>,
    c_pos: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let (dh, dp) = (Arr::<i64>::get(d_hash)?, Arr::<i64>::get(d_pos)?);
    let (ch, co, cp) = (Arr::<i64>::get(c_hash)?, Arr::<i64>::get(c_owner)?, Arr::<i64>::get(c_pos)?);
    let (dh, dp, ch, co, cp) = (dh.slice(), dp.slice(), ch.slice(), co.slice(), cp.slice());
    if dh.len() != dp.len() || ch.len() != co.len() || ch.len() != cp.len() {
        return Err(PyValueError::new_err("length mismatch"));
    }
    let runs = py.allow_threads(|| join_runs(dh, dp, ch, co, cp));
    Ok(runs_array(py, &runs))
}

const RUN_BITS: u32 = 16;

/// The draft's k-grams sorted by key, with a bitmap of the keys' top bits.
struct DraftIndex {
    sorted: Vec<(i64, i64)>,
    bitmap: Vec<u64>,
}

impl DraftIndex {
    fn new(dh: &[i64], dp: &[i64]) -> Self {
        let mut sorted: Vec<(i64, i64)> = dh.iter().copied().zip(dp.iter().copied()).collect();
        sorted.sort_unstable();
        let mut bitmap = vec![0u64; 1 << (RUN_BITS - 6)];
        for &(h, _) in &sorted {
            let t = (h as u64) >> (64 - RUN_BITS);
            bitmap[(t >> 6) as usize] |= 1 << (t & 63);
        }
        DraftIndex { sorted, bitmap }
    }

    /// Draft positions of ``h``.
    #[inline(always)]
    fn find(&self, h: i64) -> &[(i64, i64)] {
        let t = (h as u64) >> (64 - RUN_BITS);
        if self.bitmap[(t >> 6) as usize] & (1 << (t & 63)) == 0 {
            return &[];
        }
        let lo = self.sorted.partition_point(|&(v, _)| v < h);
        let hi = lo + self.sorted[lo..].partition_point(|&(v, _)| v == h);
        &self.sorted[lo..hi]
    }
}

/// Runs of consecutive draft positions on one (owner, diagonal) from sorted-able hits
/// (owner, diagonal, draft position, candidate position).
fn runs_of(mut hits: Vec<(i64, i64, i64, i64)>) -> Vec<(i64, i64, i64, i64)> {
    hits.sort_unstable();
    let mut runs = Vec::new();
    let mut k = 0;
    while k < hits.len() {
        let (own, diag, i0, j0) = hits[k];
        let mut e = k + 1;
        while e < hits.len() && hits[e].0 == own && hits[e].1 == diag && hits[e].2 == hits[e - 1].2 + 1 {
            e += 1;
        }
        runs.push((i0, own, j0, (e - k) as i64));
        k = e;
    }
    runs
}

fn runs_array<'py>(py: Python<'py>, runs: &[(i64, i64, i64, i64)]) -> Bound<'py, PyByteArray> {
    let n = runs.len();
    let mut out: Vec<i64> = vec![0; 4 * n];
    for (x, r) in runs.iter().enumerate() {
        out[x] = r.0;
        out[n + x] = r.1;
        out[2 * n + x] = r.2;
        out[3 * n + x] = r.3;
    }
    bytes_of(py, &out)
}

/// check._verify's join: for every (draft paragraph, candidate) pair, the candidate's
/// k-grams (texts of at least k characters), keyed with the paragraph as ``_seg_key`` keys
/// them, against the draft's keys ``d_key`` at ``d_pos``; the common runs as ``kgram_runs``
/// gives them (owner = the candidate's index in ``texts``).
#[pyfunction]
fn pair_runs<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyList>,
    k: usize,
    pair_seg: &Bound<'py, PyAny>,
    pair_cand: &Bound<'py, PyAny>,
    d_key: &Bound<'py, PyAny>,
    d_pos: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    if k == 0 {
        return Err(PyValueError::new_err("k must be positive"));
    }
    let (ps, pc) = (Arr::<i64>::get(pair_seg)?, Arr::<i64>::get(pair_cand)?);
    let (dk, dp) = (Arr::<i64>::get(d_key)?, Arr::<i64>::get(d_pos)?);
    let (ps, pc, dk, dp) = (ps.slice(), pc.slice(), dk.slice(), dp.slice());
    if ps.len() != pc.len() || dk.len() != dp.len() {
        return Err(PyValueError::new_err("length mismatch"));
    }
    // k-gram hashes of every text (none for texts shorter than k)
    let mut hs: Vec<u64> = Vec::new();
    let mut ow: Vec<i64> = Vec::new();
    let mut start: Vec<usize> = Vec::with_capacity(texts.len() + 1);
    for (i, t) in texts.iter().enumerate() {
        start.push(hs.len());
        let s = t.downcast_into::<PyString>()?;
        let c = codes_of(&s)?;
        if c.len() >= k {
            match c {
                Codes::U1(c) => push_hashes(c, k, i as i64, &mut hs, &mut ow),
                Codes::U2(c) => push_hashes(c, k, i as i64, &mut hs, &mut ow),
                Codes::U4(c) => push_hashes(c, k, i as i64, &mut hs, &mut ow),
            }
        }
    }
    start.push(hs.len());
    let n_texts = texts.len() as i64;
    if pc.iter().any(|&c| c < 0 || c >= n_texts) {
        return Err(PyValueError::new_err("candidate out of range"));
    }
    let runs = py.allow_threads(|| {
        if dk.is_empty() || hs.is_empty() {
            return Vec::new();
        }
        let draft = DraftIndex::new(dk, dp);
        let mut hits: Vec<(i64, i64, i64, i64)> = Vec::new();
        for (&seg, &cand) in ps.iter().zip(pc.iter()) {
            let add = (seg as u64).wrapping_mul(GOLDEN);
            let (a, b) = (start[cand as usize], start[cand as usize + 1]);
            for (j, &h) in hs[a..b].iter().enumerate() {
                let key = h.wrapping_add(add) as i64;
                for &(_, i) in draft.find(key) {
                    hits.push((cand, j as i64 - i, i, j as i64));
                }
            }
        }
        runs_of(hits)
    });
    Ok(runs_array(py, &runs))
}

fn join_runs(dh: &[i64], dp: &[i64], ch: &[i64], co: &[i64], cp: &[i64]) -> Vec<(i64, i64, i64, i64)> {
    if dh.is_empty() || ch.is_empty() {
        return Vec::new();
    }
    let draft = DraftIndex::new(dh, dp);
    let mut hits: Vec<(i64, i64, i64, i64)> = Vec::new();
    for x in 0..ch.len() {
        for &(_, i) in draft.find(ch[x]) {
            hits.push((co[x], cp[x] - i, i, cp[x]));
        }
    }
    runs_of(hits)
}

#[pymodule]
fn govtext_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(kgram_hashes, m)?)?;
    m.add_function(wrap_pyfunction!(signatures, m)?)?;
    m.add_function(wrap_pyfunction!(band_keys, m)?)?;
    m.add_function(wrap_pyfunction!(fingerprint_keys, m)?)?;
    m.add_function(wrap_pyfunction!(kgram_runs, m)?)?;
    m.add_function(wrap_pyfunction!(pair_runs, m)?)?;
    m.add("ABI", 2)?;
    Ok(())
}
