//! dedup/normalize.py's `_normalize_arrays` (and `normalize_many`) over code points.
//!
//! The data (per-character map, deletions, NFKC expansions, place names, decimal digits)
//! comes from Python, built by the same code the numpy path uses; the masking regex of
//! `_mask_regex` is hand-compiled here, and dedup/native.py uses this only when that
//! regex is the one written below (`MASK_PATTERN`).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyList, PyString};

use crate::{codes_of, new_array, Arr, Codes};

pub const MASK: u32 = 0x25A1; // □
const NL: u32 = 10;

/// A multiply-rotate hasher for small integer keys (std's SipHash costs more than the lookup).
#[derive(Default)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxBuild = BuildHasherDefault<Fx>;

fn is_in(c: u32, set: &[u32]) -> bool {
    set.contains(&c)
}

const P1: [u32; 7] = ['x' as u32, '×' as u32, '*' as u32, '○' as u32, '△' as u32, '□' as u32, '■' as u32];
const P3: [u32; 4] = ['x' as u32, '×' as u32, '*' as u32, '□' as u32];
const P3_NEXT: [u32; 6] = ['省' as u32, '市' as u32, '县' as u32, '区' as u32, '镇' as u32, '乡' as u32];
const MOU: u32 = '某' as u32;
const DI: u32 = '第' as u32;

fn chars(s: &str) -> Vec<u32> {
    s.chars().map(|c| c as u32).collect()
}

const EXPANDS: u8 = 1;
const DELETE: u8 = 2;
const MASK_START: u8 = 4;
const NAME_START: u8 = 8;
const BIGRAM_BITS: u32 = 22;

fn bigram_slot(a: u32, b: u32) -> usize {
    let h = (a as u64).wrapping_mul(0x9E3779B1) ^ (b as u64).wrapping_mul(0x85EBCA77);
    ((h ^ (h >> 23)) & ((1 << BIGRAM_BITS) - 1)) as usize
}

#[pyclass(frozen)]
pub struct Normalizer {
    lut: Vec<u32>,
    /// per code point: EXPANDS | DELETE | MASK_START | NAME_START
    flags: Vec<u8>,
    /// bigrams that start a place name (a filter: a hash bit set)
    bigrams: Vec<u64>,
    expand: HashMap<u32, Vec<u32>, FxBuild>,
    decimal: HashSet<u32, FxBuild>,
    names: HashSet<Vec<u32>, FxBuild>,
    /// first two characters of a name -> the names' lengths, longest first
    by_bigram: HashMap<(u32, u32), Vec<usize>, FxBuild>,
    /// administrative suffixes, in the regex's order
    suffixes: Vec<Vec<u32>>,
    cn: Vec<u32>,
    units: Vec<u32>,
}

impl Normalizer {
    /// End of the administrative suffix at ``b`` (the first alternative that matches).
    fn suffix_end(&self, c: &[u32], b: usize) -> usize {
        for s in &self.suffixes {
            if c.len() >= b + s.len() && c[b..b + s.len()] == s[..] {
                return b + s.len();
            }
        }
        b
    }

    fn is_digit(&self, c: u32) -> bool {
        (48..=57).contains(&c) || (c > 127 && self.decimal.contains(&c))
    }

    /// ``_mask_regex().match(s, i)``: the end of the match, if any.
    fn mask_match(&self, c: &[u32], i: usize) -> Option<usize> {
        let n = c.len();
        let x = c[i];
        // placeholders, optionally with an administrative suffix
        if is_in(x, &P1) && i + 1 < n && is_in(c[i + 1], &P1) {
            let mut e = i + 2;
            while e < n && is_in(c[e], &P1) {
                e += 1;
            }
            return Some(self.suffix_end(c, e));
        }
        if x == MOU {
            let mut e = i + 1;
            while e < n && c[e] == MOU {
                e += 1;
            }
            return Some(self.suffix_end(c, e));
        }
        if is_in(x, &P3) && i + 1 < n && is_in(c[i + 1], &P3_NEXT) {
            return Some(self.suffix_end(c, i + 1));
        }
        // digit runs, with decimal / thousands separators inside
        if self.is_digit(x) {
            let mut e = i + 1;
            while e < n && self.is_digit(c[e]) {
                e += 1;
            }
            while e + 1 < n && (c[e] == '.' as u32 || c[e] == ',' as u32) && self.is_digit(c[e + 1]) {
                e += 2;
                while e < n && self.is_digit(c[e]) {
                    e += 1;
                }
            }
            if e < n && c[e] == '%' as u32 {
                e += 1;
            }
            return Some(e);
        }
        // Chinese numerals in number contexts
        if x == DI && i + 1 < n && is_in(c[i + 1], &self.cn) {
            let mut e = i + 2;
            while e < n && is_in(c[e], &self.cn) {
                e += 1;
            }
            return Some(e);
        }
        if is_in(x, &self.cn) {
            let mut e = i + 1;
            while e < n && is_in(c[e], &self.cn) {
                e += 1;
            }
            // no numeral is a unit: a shorter run is followed by a numeral, never a unit
            if e < n && is_in(c[e], &self.units) {
                return Some(e);
            }
        }
        None
    }

    /// ``_mask_spans``: regex matches and place names, merged, non-overlapping.
    fn mask_spans(&self, c: &[u32]) -> Vec<(usize, usize)> {
        let n = c.len();
        let mut spans = Vec::new();
        let mut end = 0;
        for i in 0..n {
            if i < end || self.flags[c[i] as usize] & MASK_START == 0 {
                continue;
            }
            if let Some(e) = self.mask_match(c, i) {
                spans.push((i, e));
                end = e;
            }
        }
        let mut places = Vec::new();
        if n >= 2 && !self.names.is_empty() {
            let mut last = 0usize;
            let mut started = false;
            for i in 0..n - 1 {
                if started && i < last {
                    continue;
                }
                if self.flags[c[i] as usize] & NAME_START == 0 {
                    continue;
                }
                let slot = bigram_slot(c[i], c[i + 1]);
                if self.bigrams[slot >> 6] & (1 << (slot & 63)) == 0 {
                    continue;
                }
                let Some(lens) = self.by_bigram.get(&(c[i], c[i + 1])) else { continue };
                for &l in lens {
                    if i + l <= n && self.names.contains(&c[i..i + l]) {
                        let b = self.suffix_end(c, i + l);
                        places.push((i, b));
                        last = b;
                        started = true;
                        break;
                    }
                }
            }
        }
        if places.is_empty() {
            return spans;
        }
        spans.extend(places);
        spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut merged = Vec::with_capacity(spans.len());
        let mut last = 0usize;
        let mut any = false;
        for (a, b) in spans {
            if !any || a >= last {
                merged.push((a, b));
                last = b;
                any = true;
            }
        }
        merged
    }

    /// ``_normalize_arrays`` on code points: (output codes, starts, ends) (offsets only
    /// when asked).
    fn run(&self, c0: &[u32], with_offsets: bool) -> (Vec<u32>, Vec<i64>, Vec<i64>) {
        let mut codes: Vec<u32> = Vec::with_capacity(c0.len() + 8);
        let mut starts: Vec<i64> = Vec::new();
        for (p, &x) in c0.iter().enumerate() {
            let x = x as usize;
            if self.flags[x] & EXPANDS != 0 {
                if let Some(out) = self.expand.get(&(x as u32)) {
                    codes.extend_from_slice(out);
                    if with_offsets {
                        starts.extend(std::iter::repeat(p as i64).take(out.len()));
                    }
                    continue;
                }
            }
            codes.push(self.lut[x]);
            if with_offsets {
                starts.push(p as i64);
            }
        }
        let n1 = codes.len();
        let mut ends: Vec<i64> = if with_offsets { starts.iter().map(|&s| s + 1).collect() } else { Vec::new() };
        let spans = self.mask_spans(&codes);
        let mut keep = vec![true; n1];
        for &(a, b) in &spans {
            for k in &mut keep[a + 1..b] {
                *k = false;
            }
            codes[a] = MASK;
            if with_offsets {
                ends[a] = ends[b - 1];
            }
        }
        for (k, &x) in keep.iter_mut().zip(codes.iter()) {
            if self.flags[x as usize] & DELETE != 0 {
                *k = false;
            }
        }
        let mut out = Vec::with_capacity(n1);
        let (mut os, mut oe) = (Vec::new(), Vec::new());
        let collapse = !spans.is_empty();
        let mut prev_mask = false;
        for j in 0..n1 {
            if !keep[j] {
                continue;
            }
            let m = codes[j] == MASK;
            if collapse && m && prev_mask {
                // adjacent masks collapse to one, which spans them all
                if with_offsets {
                    let last = oe.len() - 1;
                    oe[last] = std::cmp::max(oe[last], ends[j]);
                }
                continue;
            }
            prev_mask = m;
            out.push(codes[j]);
            if with_offsets {
                os.push(starts[j]);
                oe.push(ends[j]);
            }
        }
        (out, os, oe)
    }
}

fn to_codes(c: &Codes<'_>) -> Vec<u32> {
    match c {
        Codes::U1(s) => s.iter().map(|&x| x as u32).collect(),
        Codes::U2(s) => s.iter().map(|&x| x as u32).collect(),
        Codes::U4(s) => s.to_vec(),
    }
}

pub fn py_str<'py>(py: Python<'py>, c: &[u32]) -> PyResult<Bound<'py, PyString>> {
    // SAFETY: valid code points (no surrogates: the input had none, and the tables map
    // to characters of Python strings); PyUnicode_FromKindAndData copies them
    unsafe {
        let ptr = ffi::PyUnicode_FromKindAndData(ffi::PyUnicode_4BYTE_KIND as i32, c.as_ptr() as *const _, c.len() as ffi::Py_ssize_t);
        Ok(Bound::from_owned_ptr_or_err(py, ptr)?.downcast_into_unchecked())
    }
}

#[pymethods]
impl Normalizer {
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        lut: &Bound<'_, PyAny>,
        delete: &Bound<'_, PyAny>,
        expansions: Vec<(u32, String)>,
        decimal: Vec<u32>,
        names: Vec<String>,
        suffixes: Vec<String>,
        cn: String,
        units: String,
    ) -> PyResult<Self> {
        let lut = Arr::<u32>::get(lut)?.slice().to_vec();
        let delete = Arr::<u8>::get(delete)?;
        let delete = delete.slice();
        if lut.len() != 0x110000 || delete.len() != 0x110000 || lut.iter().any(|&c| c >= 0x110000) {
            return Err(PyValueError::new_err("tables must cover every code point"));
        }
        let mut flags: Vec<u8> = delete.iter().map(|&b| if b != 0 { DELETE } else { 0 }).collect();
        let cn = chars(&cn);
        let units = chars(&units);
        if cn.iter().any(|c| units.contains(c)) {
            return Err(PyValueError::new_err("a numeral is also a unit"));
        }
        let names: HashSet<Vec<u32>, FxBuild> = names.iter().map(|s| chars(s)).filter(|c| c.len() >= 2).collect();
        let mut by_bigram: HashMap<(u32, u32), Vec<usize>, FxBuild> = HashMap::default();
        for w in &names {
            by_bigram.entry((w[0], w[1])).or_default().push(w.len());
        }
        for v in by_bigram.values_mut() {
            v.sort_unstable_by(|a, b| b.cmp(a));
            v.dedup();
        }
        let mut bigrams = vec![0u64; 1 << (BIGRAM_BITS - 6)];
        for w in &names {
            flags[w[0] as usize] |= NAME_START;
            let slot = bigram_slot(w[0], w[1]);
            bigrams[slot >> 6] |= 1 << (slot & 63);
        }
        let mut starts: Vec<u32> = P1.iter().chain(P3.iter()).chain(cn.iter()).copied().collect();
        starts.extend([MOU, DI]);
        starts.extend(decimal.iter().copied());
        starts.extend(48..=57);
        for c in starts {
            if c as usize >= flags.len() {
                return Err(PyValueError::new_err("bad code point"));
            }
            flags[c as usize] |= MASK_START;
        }
        let expand: HashMap<u32, Vec<u32>, FxBuild> = expansions.into_iter().map(|(k, v)| (k, chars(&v))).collect();
        for &k in expand.keys() {
            if k as usize >= flags.len() {
                return Err(PyValueError::new_err("bad code point"));
            }
            flags[k as usize] |= EXPANDS;
        }
        Ok(Normalizer {
            lut,
            flags,
            bigrams,
            expand,
            decimal: decimal.into_iter().collect(),
            names,
            by_bigram,
            suffixes: suffixes.iter().map(|s| chars(s)).collect(),
            cn,
            units,
        })
    }

    /// ``_normalize_arrays(text, with_offsets)``: (text, starts, ends) with the offsets as
    /// int64 bytearrays (empty without offsets).
    fn normalize<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
        with_offsets: bool,
    ) -> PyResult<(Bound<'py, PyString>, Bound<'py, PyByteArray>, Bound<'py, PyByteArray>)> {
        let c0 = to_codes(&codes_of(text)?);
        let (out, s, e) = py.allow_threads(|| self.run(&c0, with_offsets));
        let starts = new_array::<i64>(py, s.len(), |v| {
            v.copy_from_slice(&s);
            Ok(())
        })?;
        let ends = new_array::<i64>(py, e.len(), |v| {
            v.copy_from_slice(&e);
            Ok(())
        })?;
        Ok((py_str(py, &out)?, starts, ends))
    }

    /// ``normalize_many``: the paragraphs (newlines and returns read as spaces) normalized
    /// as one text joined by newlines, split again.
    fn normalize_many<'py>(&self, py: Python<'py>, paragraphs: &Bound<'py, PyList>) -> PyResult<Bound<'py, PyList>> {
        let strs = crate::strings(paragraphs)?;
        let codes = strs.iter().map(|s| codes_of(s)).collect::<PyResult<Vec<_>>>()?;
        let mut joined: Vec<u32> = Vec::with_capacity(codes.iter().map(|c| c.len() + 1).sum());
        for (k, c) in codes.iter().enumerate() {
            if k > 0 {
                joined.push(NL);
            }
            let at = joined.len();
            match c {
                Codes::U1(s) => joined.extend(s.iter().map(|&x| x as u32)),
                Codes::U2(s) => joined.extend(s.iter().map(|&x| x as u32)),
                Codes::U4(s) => joined.extend_from_slice(s),
            }
            for x in &mut joined[at..] {
                if *x == NL || *x == 13 {
                    *x = 32;
                }
            }
        }
        let (out, _, _) = py.allow_threads(|| self.run(&joined, false));
        let parts = out.split(|&x| x == NL).map(|c| py_str(py, c)).collect::<PyResult<Vec<_>>>()?;
        if parts.len() != paragraphs.len() {
            return Err(PyValueError::new_err("a character normalized to a newline"));
        }
        PyList::new(py, parts)
    }
}
