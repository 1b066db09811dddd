//! Native kernels of govtext's duplicate detection.
//!
//! Each function computes exactly what its numpy counterpart in `dedup/` computes
//! (same hashes, same order); `dedup/native.py` chooses between the two and the
//! tests compare them on shared vectors. Arrays cross the boundary as `bytearray`
//! (native byte order) in and out: numpy views them without a copy.

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString};
use pyo3::types::PyStringData;

mod codes;
mod difflib;
mod evidence;
mod normalize;
mod rows;
mod terms;
mod textrank;

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
pub(crate) struct Arr<T: pyo3::buffer::Element> {
    buf: PyBuffer<T>,
}

impl<T: pyo3::buffer::Element + Copy> Arr<T> {
    pub(crate) fn get(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let buf = PyBuffer::<T>::get(obj)?;
        if !buf.is_c_contiguous() {
            return Err(PyValueError::new_err("array must be C-contiguous"));
        }
        Ok(Arr { buf })
    }
    pub(crate) fn slice(&self) -> &[T] {
        let n = self.buf.item_count();
        if n == 0 {
            return &[];
        }
        // SAFETY: a contiguous buffer of n items of T, held (exported) for the life of
        // self; the callers (dedup/) never mutate an array while a kernel reads it, also
        // not from another thread while a kernel runs without the GIL.
        unsafe { std::slice::from_raw_parts(self.buf.buf_ptr() as *const T, n) }
    }
}

fn bytes_of<'py, T: Copy>(py: Python<'py>, v: &[T]) -> Bound<'py, PyByteArray> {
    let n = std::mem::size_of_val(v);
    // SAFETY: plain integer data viewed as bytes
    let b = unsafe { std::slice::from_raw_parts(v.as_ptr() as *const u8, n) };
    PyByteArray::new(py, b)
}

pub(crate) enum Codes<'a> {
    U1(&'a [u8]),
    U2(&'a [u16]),
    U4(&'a [u32]),
}

impl Codes<'_> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Codes::U1(s) => s.len(),
            Codes::U2(s) => s.len(),
            Codes::U4(s) => s.len(),
        }
    }
}

pub(crate) fn codes_of<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Codes<'a>> {
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


#[inline(always)]
fn kgram_hash<T: Copy + Into<u64>>(c: &[T]) -> u64 {
    let mut g: u64 = 0;
    for &x in c {
        g = g.wrapping_mul(P).wrapping_add(x.into()).wrapping_add(1);
    }
    mix(g.wrapping_add(c.len() as u64))
}

/// k-gram hashes of one text into ``hs`` (its k-grams; one hash of the whole text when
/// shorter than k; none when empty); returns how many.
fn fill_hashes<T: Copy + Into<u64>>(c: &[T], k: usize, hs: &mut [u64]) -> usize {
    let n = c.len();
    if n == 0 {
        return 0;
    }
    if n < k {
        hs[0] = kgram_hash(c);
        return 1;
    }
    // rolling: the polynomial of the next k-gram from this one's (mod 2**64, exactly
    // kgram_hash's value): drop the first code's term, shift, add the new code
    let top = (1..k).fold(1u64, |acc, _| acc.wrapping_mul(P)); // P**(k-1)
    let mut g: u64 = 0;
    for &x in &c[..k] {
        g = g.wrapping_mul(P).wrapping_add(x.into()).wrapping_add(1);
    }
    hs[0] = mix(g.wrapping_add(k as u64));
    for s in 1..=n - k {
        let out: u64 = c[s - 1].into();
        let inn: u64 = c[s + k - 1].into();
        g = g
            .wrapping_sub(out.wrapping_add(1).wrapping_mul(top))
            .wrapping_mul(P)
            .wrapping_add(inn)
            .wrapping_add(1);
        hs[s] = mix(g.wrapping_add(k as u64));
    }
    n - k + 1
}

fn fill_codes(c: &Codes<'_>, k: usize, hs: &mut [u64]) -> usize {
    match c {
        Codes::U1(c) => fill_hashes(c, k, hs),
        Codes::U2(c) => fill_hashes(c, k, hs),
        Codes::U4(c) => fill_hashes(c, k, hs),
    }
}

fn hash_count(n: usize, k: usize) -> usize {
    if n >= k {
        n - k + 1
    } else {
        (n > 0) as usize
    }
}

/// A new bytearray of ``n`` values of T, filled by ``fill`` (written in place: no
/// intermediate buffer, whose fresh pages cost as much as the hashing).
pub(crate) fn new_array<'py, T: Copy>(
    py: Python<'py>,
    n: usize,
    fill: impl FnOnce(&mut [T]) -> PyResult<()>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let size = std::mem::size_of::<T>();
    let mut result = Ok(());
    if n == 0 {
        fill(&mut [])?;
        return Ok(PyByteArray::new(py, &[]));
    }
    let out = PyByteArray::new_with(py, n * size, |b| {
        debug_assert_eq!(b.as_ptr() as usize % std::mem::align_of::<T>(), 0);
        // SAFETY: a fresh buffer of n * size bytes; Python's allocators align to 16 bytes
        let v = unsafe { std::slice::from_raw_parts_mut(b.as_mut_ptr() as *mut T, n) };
        result = fill(v);
        Ok(())
    })?;
    result.map(|_| out)
}

pub(crate) fn strings<'py>(texts: &Bound<'py, PyList>) -> PyResult<Vec<Bound<'py, PyString>>> {
    texts.iter().map(|t| t.downcast_into::<PyString>().map_err(PyErr::from)).collect()
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
    let strs = strings(texts)?;
    let codes = strs.iter().map(|s| codes_of(s)).collect::<PyResult<Vec<_>>>()?;
    let counts: Vec<usize> = codes.iter().map(|c| hash_count(c.len(), k)).collect();
    let total: usize = counts.iter().sum();
    let hs = new_array::<u64>(py, total, |hs| {
        let mut at = 0;
        for c in &codes {
            at += fill_codes(c, k, &mut hs[at..]);
        }
        Ok(())
    })?;
    let ow = new_array::<i64>(py, total, |ow| {
        let mut at = 0;
        for (i, &n) in counts.iter().enumerate() {
            ow[at..at + n].fill(i as i64);
            at += n;
        }
        Ok(())
    })?;
    Ok((hs, ow))
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


/// The draft's k-grams sorted by key, and an open-addressing table from each distinct key
/// to its range in that order.
struct DraftIndex<'a> {
    sorted: &'a [(i64, i64)],
    /// (key, start, end) per slot; end == 0 marks an empty slot
    table: &'a [(i64, u32, u32)],
    mask: usize,
    /// a bit per value of the keys' top FILTER_BITS bits: most keys of a candidate are
    /// no key of the draft, and this small filter (in L1) says so without the table
    filter: [u64; 1 << (FILTER_BITS - 6)],
}

const FILTER_BITS: u32 = 16;

/// Buffers a thread reuses from one call to the next (fresh pages cost more than the work).
#[derive(Default)]
struct Scratch {
    sorted: Vec<(i64, i64)>,
    table: Vec<(i64, u32, u32)>,
    hits: Vec<(i64, i64, i64, i64)>,
    packed: Vec<u64>,
    hashes: Vec<u64>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

impl<'a> DraftIndex<'a> {
    fn new(
        dh: &[i64],
        dp: &[i64],
        sorted: &'a mut Vec<(i64, i64)>,
        table: &'a mut Vec<(i64, u32, u32)>,
    ) -> Self {
        sorted.clear();
        sorted.extend(dh.iter().copied().zip(dp.iter().copied()));
        sorted.sort_unstable();
        let size = (2 * sorted.len()).next_power_of_two().max(16);
        table.clear();
        table.resize(size, (0i64, 0u32, 0u32));
        let mask = size - 1;
        let mut a = 0;
        while a < sorted.len() {
            let key = sorted[a].0;
            let mut b = a + 1;
            while b < sorted.len() && sorted[b].0 == key {
                b += 1;
            }
            let mut slot = Self::slot(key) & mask;
            while table[slot].2 != 0 {
                slot = (slot + 1) & mask;
            }
            table[slot] = (key, a as u32, b as u32);
            a = b;
        }
        let mut filter = [0u64; 1 << (FILTER_BITS - 6)];
        for &(key, _) in sorted.iter() {
            let t = (key as u64) >> (64 - FILTER_BITS);
            filter[(t >> 6) as usize] |= 1 << (t & 63);
        }
        DraftIndex { sorted, table, mask, filter }
    }

    #[inline(always)]
    fn slot(key: i64) -> usize {
        (key as u64).wrapping_mul(GOLDEN).rotate_left(32) as usize
    }

    /// Draft positions of ``h``.
    #[inline(always)]
    fn find(&self, h: i64) -> &[(i64, i64)] {
        let t = (h as u64) >> (64 - FILTER_BITS);
        if self.filter[(t >> 6) as usize] & (1 << (t & 63)) == 0 {
            return &[];
        }
        let mut slot = Self::slot(h) & self.mask;
        loop {
            let (key, a, b) = self.table[slot];
            if b == 0 {
                return &[];
            }
            if key == h {
                return &self.sorted[a as usize..b as usize];
            }
            slot = (slot + 1) & self.mask;
        }
    }
}

/// Runs of consecutive draft positions on one (owner, diagonal) from sorted-able hits
/// (owner, diagonal, draft position, candidate position).
fn runs_of(hits: &mut [(i64, i64, i64, i64)]) -> Vec<(i64, i64, i64, i64)> {
    if !hits.is_sorted() {
        hits.sort_unstable();
    }
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
    // each text a str, or its UTF-8 bytes (as read from a memory-mapped file: no str is made)
    let items: Vec<Bound<'py, PyAny>> = texts.iter().collect();
    let mut owned: Vec<Vec<u32>> = Vec::new();
    for it in &items {
        if let Ok(b) = it.downcast::<PyBytes>() {
            let s = std::str::from_utf8(b.as_bytes()).map_err(|_| PyValueError::new_err("text is not UTF-8"))?;
            owned.push(s.chars().map(|c| c as u32).collect());
        }
    }
    let mut codes = Vec::with_capacity(items.len());
    let mut next_owned = owned.iter();
    for it in &items {
        if it.is_instance_of::<PyBytes>() {
            codes.push(Codes::U4(next_owned.next().expect("one decoded text per bytes item")));
        } else {
            codes.push(codes_of(it.downcast::<PyString>()?)?);
        }
    }
    let n_texts = codes.len() as i64;
    if pc.iter().any(|&c| c < 0 || c >= n_texts) {
        return Err(PyValueError::new_err("candidate out of range"));
    }
    let runs = py.allow_threads(|| {
        SCRATCH.with(|cell| {
            let scratch = &mut *cell.borrow_mut();
            if dk.is_empty() {
                return Vec::new();
            }
            let draft = DraftIndex::new(dk, dp, &mut scratch.sorted, &mut scratch.table);
            let hs = &mut scratch.hashes;
            // hits packed into one u64, (candidate, diagonal, draft position) in that order,
            // when the ranges allow (always, for drafts under the size cap): sorting 8 bytes
            // a hit is much cheaper than 32
            let max_i = dp.iter().copied().max().unwrap_or(0).max(0) as u64;
            let max_len = codes.iter().map(|c| c.len()).max().unwrap_or(0) as u64;
            let (i_span, d_span) = (max_i + 1, max_len + max_i + 1);
            let fits = dp.iter().all(|&i| i >= 0)
                && (n_texts as u128) * (d_span as u128) * (i_span as u128) < (1u128 << 63);
            let packed = &mut scratch.packed;
            let hits = &mut scratch.hits;
            packed.clear();
            hits.clear();
            for (&seg, &cand) in ps.iter().zip(pc.iter()) {
                let c = &codes[cand as usize];
                if c.len() < k {
                    continue;
                }
                hs.resize(c.len(), 0);
                let m = fill_codes(c, k, hs);
                let add = (seg as u64).wrapping_mul(GOLDEN);
                for (j, &h) in hs[..m].iter().enumerate() {
                    for &(_, i) in draft.find(h.wrapping_add(add) as i64) {
                        if fits {
                            let diag = j as u64 + max_i - i as u64;
                            packed.push((cand as u64 * d_span + diag) * i_span + i as u64);
                        } else {
                            hits.push((cand, j as i64 - i, i, j as i64));
                        }
                    }
                }
            }
            if fits {
                packed.sort_unstable();
                hits.extend(packed.iter().map(|&x| {
                    let (i, rest) = ((x % i_span) as i64, x / i_span);
                    let (diag, cand) = ((rest % d_span) as i64 - max_i as i64, (rest / d_span) as i64);
                    (cand, diag, i, diag + i)
                }));
            }
            runs_of(hits)
        })
    });
    Ok(runs_array(py, &runs))
}

fn join_runs(dh: &[i64], dp: &[i64], ch: &[i64], co: &[i64], cp: &[i64]) -> Vec<(i64, i64, i64, i64)> {
    if dh.is_empty() || ch.is_empty() {
        return Vec::new();
    }
    SCRATCH.with(|cell| {
        let scratch = &mut *cell.borrow_mut();
        let draft = DraftIndex::new(dh, dp, &mut scratch.sorted, &mut scratch.table);
        let hits = &mut scratch.hits;
        hits.clear();
        for x in 0..ch.len() {
            for &(_, i) in draft.find(ch[x]) {
                hits.push((co[x], cp[x] - i, i, cp[x]));
            }
        }
        runs_of(hits)
    })
}

/// postings.Segment.ranges with a radix directory: per query key, ``searchsorted(keys, q,
/// "left")`` and ``"right"`` found inside its bucket ``dir[t] .. dir[t + 1]``, t the key's
/// top ``bits`` bits (offset to start at 0). Returns one int64 array: lefts, then rights.
#[pyfunction]
fn segment_ranges<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
    directory: &Bound<'py, PyAny>,
    bits: u32,
    q: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let (keys, dir, q) = (Arr::<i64>::get(keys)?, Arr::<i64>::get(directory)?, Arr::<i64>::get(q)?);
    let (keys, dir, q) = (keys.slice(), dir.slice(), q.slice());
    check_directory(keys, dir, bits)?;
    let n = q.len();
    new_array::<i64>(py, 2 * n, |out| {
        let (left, right) = out.split_at_mut(n);
        dir_ranges(keys, dir, bits, q, left, right)
    })
}

/// Per query key its (left, right) in ``keys`` through the radix directory (see
/// segment_ranges), in three passes so that the memory reads of many keys overlap (the
/// directory and the keys are far larger than the caches: each read is a miss): every
/// key's directory entry is touched first, then its bucket's middle, then the buckets searched.
fn dir_ranges(keys: &[i64], dir: &[i64], bits: u32, q: &[i64], left: &mut [i64], right: &mut [i64]) -> PyResult<()> {
    let half = 1i64 << (bits - 1);
    let slot = |v: i64| ((v >> (64 - bits)) + half) as usize;
    for &v in q {
        prefetch(&dir[slot(v)]);
    }
    for (x, &v) in q.iter().enumerate() {
        let t = slot(v);
        let (lo, hi) = (dir[t] as usize, dir[t + 1] as usize);
        if lo > hi || hi > keys.len() {
            return Err(PyValueError::new_err("directory does not match the keys"));
        }
        if lo < hi {
            prefetch(&keys[lo + (hi - lo) / 2]);
        }
        left[x] = lo as i64;
        right[x] = hi as i64;
    }
    for (x, &v) in q.iter().enumerate() {
        let (lo, hi) = (left[x] as usize, right[x] as usize);
        let bucket = &keys[lo..hi];
        let l = bucket.partition_point(|&k| k < v);
        let r = l + bucket[l..].partition_point(|&k| k == v);
        left[x] = (lo + l) as i64;
        right[x] = (lo + r) as i64;
    }
    Ok(())
}

fn check_directory(keys: &[i64], dir: &[i64], bits: u32) -> PyResult<()> {
    if !(1..=62).contains(&bits) || dir.len() != (1usize << bits) + 1 {
        return Err(PyValueError::new_err("bad directory"));
    }
    if dir[0] != 0 || dir[dir.len() - 1] as usize != keys.len() {
        return Err(PyValueError::new_err("directory does not match the keys"));
    }
    Ok(())
}

/// postings.SegmentPostings.pairs: for query keys ``q`` (may repeat) with a cap each, the
/// (query index, pid) pairs: per distinct key at most its largest cap of pids, from the
/// segments in their order, each query the first of them up to its own cap. ``segs``:
/// (keys, pids int32, directory or None, bits). Returns one int64 array: query indices, then pids.
#[pyfunction]
fn posting_pairs<'py>(
    py: Python<'py>,
    q: &Bound<'py, PyAny>,
    qcap: &Bound<'py, PyAny>,
    segs: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>, Option<Bound<'py, PyAny>>, u32)>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let (qa, ca) = (Arr::<i64>::get(q)?, Arr::<i64>::get(qcap)?);
    let (q, qcap) = (qa.slice(), ca.slice());
    if q.len() != qcap.len() || qcap.iter().any(|&c| c < 0) {
        return Err(PyValueError::new_err("one non-negative cap per query"));
    }
    // distinct keys (sorted) and each query's
    let mut order: Vec<(i64, u32)> = q.iter().enumerate().map(|(i, &v)| (v, i as u32)).collect();
    order.sort_unstable();
    let mut uniq: Vec<i64> = Vec::new();
    let mut inv = vec![0u32; q.len()];
    let mut ucap: Vec<i64> = Vec::new();
    for &(v, i) in &order {
        if uniq.last() != Some(&v) {
            uniq.push(v);
            ucap.push(0);
        }
        let u = uniq.len() - 1;
        inv[i as usize] = u as u32;
        ucap[u] = ucap[u].max(qcap[i as usize]);
    }
    let nu = uniq.len();
    let mut taken = vec![0i64; nu];
    let mut per_seg: Vec<(Vec<i64>, Vec<i64>)> = Vec::with_capacity(segs.len());
    let mut arrays = Vec::with_capacity(segs.len());
    for (keys, pids, dir, bits) in &segs {
        let keys = Arr::<i64>::get(keys)?;
        let pids = Arr::<i32>::get(pids)?;
        let dir = dir.as_ref().map(Arr::<i64>::get).transpose()?;
        if keys.slice().len() != pids.slice().len() {
            return Err(PyValueError::new_err("keys and pids differ in length"));
        }
        let (mut lo, mut hi) = (vec![0i64; nu], vec![0i64; nu]);
        let k = keys.slice();
        if !k.is_empty() {
            match &dir {
                Some(d) => {
                    check_directory(k, d.slice(), *bits)?;
                    dir_ranges(k, d.slice(), *bits, &uniq, &mut lo, &mut hi)?;
                }
                None => {
                    for (x, &v) in uniq.iter().enumerate() {
                        let l = k.partition_point(|&y| y < v);
                        lo[x] = l as i64;
                        hi[x] = (l + k[l..].partition_point(|&y| y == v)) as i64;
                    }
                }
            }
        }
        // count per key: up to its cap, less what older segments gave
        for u in 0..nu {
            let c = (hi[u] - lo[u]).min((ucap[u] - taken[u]).max(0));
            hi[u] = c;
            taken[u] += c;
        }
        per_seg.push((lo, hi));
        arrays.push(pids);
    }
    // every key's pids, oldest segment first
    let mut first = vec![0usize; nu + 1];
    for u in 0..nu {
        first[u + 1] = first[u] + taken[u] as usize;
    }
    let mut u_pid = vec![0i64; first[nu]];
    let mut fill = first.clone();
    for ((lo, cnt), pids) in per_seg.iter().zip(arrays.iter()) {
        let p = pids.slice();
        for u in 0..nu {
            let (a, c) = (lo[u] as usize, cnt[u] as usize);
            for (dst, &src) in u_pid[fill[u]..fill[u] + c].iter_mut().zip(&p[a..a + c]) {
                *dst = src as i64;
            }
            fill[u] += c;
        }
    }
    let total: usize = (0..q.len()).map(|i| (taken[inv[i] as usize]).min(qcap[i]) as usize).sum();
    new_array::<i64>(py, 2 * total, |out| {
        let (qi, qp) = out.split_at_mut(total);
        let mut at = 0;
        for i in 0..q.len() {
            let u = inv[i] as usize;
            let c = taken[u].min(qcap[i]) as usize;
            qi[at..at + c].fill(i as i64);
            qp[at..at + c].copy_from_slice(&u_pid[first[u]..first[u] + c]);
            at += c;
        }
        Ok(())
    })
}

/// check._rank: the evidence (draft paragraph ``seg``, ``pid``, weight ``w``, kind: 0 plain,
/// 1 anchored, 2 band / exact) summed per distinct (paragraph, pid) in input order (as
/// numpy's bincount sums), a single plain key's score cut to a tenth, and each paragraph's
/// ``caps[paragraph]`` best kept. Returns one int64 array: the number kept, then the kept
/// paragraphs and pids (by paragraph, score descending, pid), then the reserve's paragraphs
/// and pids (not kept, some anchored weight; by paragraph, pid).
#[pyfunction]
fn rank_candidates<'py>(
    py: Python<'py>,
    seg: &Bound<'py, PyAny>,
    pid: &Bound<'py, PyAny>,
    w: &Bound<'py, PyAny>,
    kind: &Bound<'py, PyAny>,
    caps: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let (sa, pa, wa) = (Arr::<i64>::get(seg)?, Arr::<i64>::get(pid)?, Arr::<f64>::get(w)?);
    let (ka, ca) = (Arr::<i8>::get(kind)?, Arr::<i64>::get(caps)?);
    let (seg, pid, w, kind, caps) = (sa.slice(), pa.slice(), wa.slice(), ka.slice(), ca.slice());
    let n = seg.len();
    if pid.len() != n || w.len() != n || kind.len() != n {
        return Err(PyValueError::new_err("length mismatch"));
    }
    if seg.iter().any(|&s| s < 0 || s as usize >= caps.len()) {
        return Err(PyValueError::new_err("paragraph out of range"));
    }
    if w.iter().any(|&x| !(x > 0.0)) {
        return Err(PyValueError::new_err("weights must be positive"));
    }
    // (paragraph, pid) packed into one u64 as numpy's code packs it: paragraph * span + pid - base
    let base = pid.iter().copied().min().unwrap_or(0);
    let span = (pid.iter().copied().max().unwrap_or(0) as i128 - base as i128 + 1) as u128;
    if (caps.len() as u128) * span >= 1u128 << 63 || n >= 1 << 32 || pid.iter().any(|&p| p < 0) {
        return Err(PyValueError::new_err("keys out of range"));
    }
    let span = span as u64;
    let out = py.allow_threads(|| {
        // the inputs by (paragraph, pid), each key's in input order (numpy's bincount order)
        let mut by_key: Vec<u128> = (0..n)
            .map(|i| (((seg[i] as u64 * span + (pid[i] - base) as u64) as u128) << 32) | i as u128)
            .collect();
        by_key.sort_unstable();
        // per distinct (paragraph, pid), ascending: (paragraph, pid, score, anchored weight)
        let mut keys: Vec<(i64, i64, f64, bool)> = Vec::new();
        let mut a = 0;
        while a < n {
            let k0 = (by_key[a] >> 32) as u64;
            let (mut score, mut anchored, mut plain, mut count) = (0f64, 0f64, 0u64, 0u64);
            let mut b = a;
            while b < n && (by_key[b] >> 32) as u64 == k0 {
                let i = (by_key[b] & 0xFFFF_FFFF) as usize;
                score += w[i];
                anchored += if kind[i] == 1 { w[i] } else { 0.0 };
                plain += (kind[i] == 0) as u64;
                count += 1;
                b += 1;
            }
            if plain == count && plain < 2 {
                score *= 0.1;
            }
            keys.push(((k0 / span) as i64, (k0 % span) as i64 + base, score, anchored > 0.0));
            a = b;
        }
        // within each paragraph (keys are grouped by it): score descending, then pid;
        // positive floats order as their bits
        let mut keep = vec![false; keys.len()];
        let mut kept: Vec<usize> = Vec::new();
        let mut group: Vec<u128> = Vec::new();
        let mut a = 0;
        while a < keys.len() {
            let s = keys[a].0;
            let mut b = a;
            group.clear();
            while b < keys.len() && keys[b].0 == s {
                group.push(((!keys[b].2.to_bits() as u128) << 64) | (keys[b].1 as u64 as u128));
                b += 1;
            }
            let cap = caps[s as usize].max(0) as usize;
            if cap < group.len() {
                group.select_nth_unstable(cap);
                group.truncate(cap);
            }
            group.sort_unstable();
            for &g in &group {
                let p = (g & 0xFFFF_FFFF_FFFF_FFFF) as u64 as i64;
                // the kept key's index: keys[a..b] are sorted by pid
                let u = a + keys[a..b].partition_point(|k| k.1 < p);
                keep[u] = true;
                kept.push(u);
            }
            a = b;
        }
        let reserve: Vec<usize> = (0..keys.len()).filter(|&u| !keep[u] && keys[u].3).collect();
        let mut out: Vec<i64> = Vec::with_capacity(1 + 2 * (kept.len() + reserve.len()));
        out.push(kept.len() as i64);
        out.extend(kept.iter().map(|&u| keys[u].0));
        out.extend(kept.iter().map(|&u| keys[u].1));
        out.extend(reserve.iter().map(|&u| keys[u].0));
        out.extend(reserve.iter().map(|&u| keys[u].1));
        out
    });
    Ok(bytes_of(py, &out))
}

#[inline(always)]
fn prefetch<T>(p: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch hint of a valid address; it never faults
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const T as *const i8, std::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}


#[pymodule]
fn govtext_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    evidence::register(m)?;
    codes::register(m)?;
    textrank::register(m)?;
    terms::register(m)?;
    rows::register(m)?;
    m.add_function(wrap_pyfunction!(kgram_hashes, m)?)?;
    m.add_function(wrap_pyfunction!(signatures, m)?)?;
    m.add_function(wrap_pyfunction!(band_keys, m)?)?;
    m.add_function(wrap_pyfunction!(fingerprint_keys, m)?)?;
    m.add_function(wrap_pyfunction!(kgram_runs, m)?)?;
    m.add_function(wrap_pyfunction!(pair_runs, m)?)?;
    m.add_function(wrap_pyfunction!(segment_ranges, m)?)?;
    m.add_function(wrap_pyfunction!(posting_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(rank_candidates, m)?)?;
    m.add_function(wrap_pyfunction!(difflib::matching_blocks, m)?)?;
    m.add_function(wrap_pyfunction!(difflib::cover4, m)?)?;
    m.add_class::<normalize::Normalizer>()?;
    m.add("ABI", 8)?;
    Ok(())
}
