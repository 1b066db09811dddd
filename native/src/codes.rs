//! Integer-code lookups of ingest's analysis (nlp/model.py, nlp/textscan.py).
//!
//! `CodeTable` holds sorted integer keys with a value each, as the numpy code holds them
//! (two arrays searched with `searchsorted`), in a hash table: a lookup is one probe
//! instead of a binary search whose every step misses the cache. Its methods compute
//! exactly what the numpy code computes (same values, same order; tests/test_nlp_native.py
//! compares them):
//!
//! - `lookup`: `nlp.model._lookup` (the value of each code, -1 where it is not a key);
//! - `cjk_pairs`: the character-bigram part of `nlp.model._CodeTables.indices` (per pair of
//!   adjacent CJK characters of one text, its text number and its value);
//! - `stretches`: `nlp.textscan.stretches` (the maximal stretches of a text whose adjacent
//!   character pairs are all keys).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyList, PyString};

use crate::{codes_of, mix, new_array, strings, Arr, Codes};

/// Hashes one integer key with `mix` (a full-avalanche finalizer: keys built as
/// `a * span + b` or `a << 21 | b` differ in few bits).
#[derive(Default)]
pub(crate) struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        mix(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_i64(&mut self, i: i64) {
        self.0 = i as u64;
    }
}

type Map = HashMap<i64, i64, BuildHasherDefault<MixHasher>>;

fn code_vec(c: &Codes<'_>) -> Vec<u32> {
    match c {
        Codes::U1(s) => s.iter().map(|&x| x as u32).collect(),
        Codes::U2(s) => s.iter().map(|&x| x as u32).collect(),
        Codes::U4(s) => s.to_vec(),
    }
}

/// Sorted integer keys and their values, looked up by hashing.
#[pyclass(frozen, module = "govtext_native")]
pub struct CodeTable {
    map: Map,
}

impl CodeTable {
    #[inline(always)]
    fn get(&self, code: i64) -> i64 {
        *self.map.get(&code).unwrap_or(&-1)
    }
}

#[pymethods]
impl CodeTable {
    /// ``keys`` (int64, ascending) and ``values`` (int64, one per key). Of equal keys the
    /// first one's value counts (``searchsorted`` finds the leftmost).
    #[new]
    fn new(keys: &Bound<'_, PyAny>, values: &Bound<'_, PyAny>) -> PyResult<Self> {
        let (ka, va) = (Arr::<i64>::get(keys)?, Arr::<i64>::get(values)?);
        let (k, v) = (ka.slice(), va.slice());
        if k.len() != v.len() {
            return Err(PyValueError::new_err("one value per key"));
        }
        if k.windows(2).any(|w| w[0] > w[1]) {
            return Err(PyValueError::new_err("keys must be sorted"));
        }
        let mut map = Map::with_capacity_and_hasher(k.len(), Default::default());
        for (&key, &value) in k.iter().zip(v.iter()) {
            map.entry(key).or_insert(value);
        }
        Ok(CodeTable { map })
    }

    fn __len__(&self) -> usize {
        self.map.len()
    }

    /// The value of each code (int64 array), -1 for a code that is not a key.
    fn lookup<'py>(&self, py: Python<'py>, codes: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyByteArray>> {
        let ca = Arr::<i64>::get(codes)?;
        let c = ca.slice();
        new_array::<i64>(py, c.len(), |out| {
            for (o, &x) in out.iter_mut().zip(c.iter()) {
                *o = self.get(x);
            }
            Ok(())
        })
    }

    /// Every pair of adjacent characters of one text, both in ``lo..=hi``: (text number,
    /// value of ``(a - lo) * span + (b - lo)``), as two int64 arrays in text order.
    fn cjk_pairs<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyList>,
        lo: u32,
        hi: u32,
        span: i64,
    ) -> PyResult<(Bound<'py, PyByteArray>, Bound<'py, PyByteArray>)> {
        let strs = strings(texts)?;
        let codes = strs.iter().map(|s| codes_of(s)).collect::<PyResult<Vec<_>>>()?;
        let (mut owner, mut value): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
        let inside = |c: u32| lo <= c && c <= hi;
        for (t, c) in codes.iter().enumerate() {
            let c = code_vec(c);
            for w in c.windows(2) {
                if inside(w[0]) && inside(w[1]) {
                    owner.push(t as i64);
                    value.push(self.get((w[0] - lo) as i64 * span + (w[1] - lo) as i64));
                }
            }
        }
        let o = new_array::<i64>(py, owner.len(), |out| {
            out.copy_from_slice(&owner);
            Ok(())
        })?;
        let v = new_array::<i64>(py, value.len(), |out| {
            out.copy_from_slice(&value);
            Ok(())
        })?;
        Ok((o, v))
    }

    /// (start, end) of the maximal stretches of ``text`` whose adjacent character pairs
    /// ``a << 21 | b`` are all keys.
    fn stretches(&self, text: &Bound<'_, PyString>) -> PyResult<Vec<(usize, usize)>> {
        let c = code_vec(&codes_of(text)?);
        let mut out: Vec<(usize, usize)> = Vec::new();
        if c.len() < 2 || self.map.is_empty() {
            return Ok(out);
        }
        let mut start: Option<usize> = None; // first pair of the current run
        for i in 0..c.len() - 1 {
            let key = ((c[i] as i64) << 21) | c[i + 1] as i64;
            if self.map.contains_key(&key) {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                out.push((s, i + 1)); // pairs s..i-1: characters s..=i
            }
        }
        if let Some(s) = start {
            out.push((s, c.len()));
        }
        Ok(out)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<CodeTable>()?;
    Ok(())
}
