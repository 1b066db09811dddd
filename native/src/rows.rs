//! The theme model's word features as integer codes (nlp/model.py `_CodeTables.indices`).
//!
//! `WordRows` maps a token (its code points) to what nlp/model.py's `_CodeTables._add`
//! computes for it in Python: whether it is a word, and for a word the feature index of
//! its digits-as-0 form, its number as a word-bigram part and its cluster feature (-1:
//! none). Python resolves each new token once (`indices` names the new ones, `add` takes
//! them); `indices` then computes, for the tokens of many texts, exactly what the numpy code computes from its
//! `token -> row` dictionary (same values, same order; tests/test_nlp_native.py compares
//! them): each word's text number and feature, the codes of the word bigrams (two
//! consecutive words of one text, both bigram parts), and each word's cluster feature.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyList, PyString};

use crate::{codes_of, mix, new_array, Codes};

/// Hashes a Python string's hash (cached in the string object: no pass over its characters).
#[derive(Default)]
struct HashOfHash(u64);

impl Hasher for HashOfHash {
    fn finish(&self) -> u64 {
        mix(self.0)
    }
    fn write(&mut self, _bytes: &[u8]) {
        unreachable!("only i64 keys")
    }
    fn write_i64(&mut self, i: i64) {
        self.0 = i as u64;
    }
}

type Build = BuildHasherDefault<HashOfHash>;
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Row {
    word: bool,
    feature: i64,
    part: i64,
    cluster: i64,
}

/// The code points of ``s`` into ``buf`` (reused), widened to u32.
fn key_into(s: &Bound<'_, PyString>, buf: &mut Vec<u32>) -> PyResult<()> {
    buf.clear();
    match codes_of(s)? {
        Codes::U1(c) => buf.extend(c.iter().map(|&x| x as u32)),
        Codes::U2(c) => buf.extend(c.iter().map(|&x| x as u32)),
        Codes::U4(c) => buf.extend_from_slice(c),
    }
    Ok(())
}

fn lists<'py>(cuts: &Bound<'py, PyList>) -> PyResult<Vec<Bound<'py, PyList>>> {
    cuts.iter()
        .map(|t| t.downcast_into::<PyList>().map_err(PyErr::from))
        .collect()
}

fn i64_array<'py>(py: Python<'py>, v: &[i64]) -> PyResult<Bound<'py, PyByteArray>> {
    new_array::<i64>(py, v.len(), |out| {
        out.copy_from_slice(v);
        Ok(())
    })
}

/// token -> (word?, feature, bigram part, cluster feature), filled from Python. A token is found
/// by its Python hash, then compared by its code points (tokens of equal hash are chained).
#[pyclass(module = "govtext_native")]
pub struct WordRows {
    first: HashMap<i64, u32, Build>,
    keys: Vec<Box<[u32]>>,
    rows: Vec<Row>,
    next: Vec<u32>,
}

enum Found {
    Row(Row),
    LineBreak,
    Missing,
}

impl WordRows {
    fn find(&self, s: &Bound<'_, PyString>) -> PyResult<(i64, Found)> {
        let h = s.hash()? as i64;
        let codes = codes_of(s)?;
        if codes.len() == 1 && same(&codes, &[10]) {
            return Ok((h, Found::LineBreak));
        }
        let mut at = *self.first.get(&h).unwrap_or(&NONE);
        while at != NONE {
            if same(&codes, &self.keys[at as usize]) {
                return Ok((h, Found::Row(self.rows[at as usize])));
            }
            at = self.next[at as usize];
        }
        Ok((h, Found::Missing))
    }
}

/// Whether the code points are ``key``.
#[inline(always)]
fn same(codes: &Codes<'_>, key: &[u32]) -> bool {
    match codes {
        Codes::U1(c) => c.len() == key.len() && c.iter().zip(key).all(|(&a, &b)| a as u32 == b),
        Codes::U2(c) => c.len() == key.len() && c.iter().zip(key).all(|(&a, &b)| a as u32 == b),
        Codes::U4(c) => *c == key,
    }
}

#[pymethods]
impl WordRows {
    #[new]
    fn new() -> Self {
        WordRows {
            first: HashMap::default(),
            keys: Vec::new(),
            rows: Vec::new(),
            next: Vec::new(),
        }
    }

    fn __len__(&self) -> usize {
        self.keys.len()
    }

    /// Adds ``tokens`` (not added yet) with, per token, whether it is a word and its feature,
    /// bigram part and cluster feature (-1: none; ignored for a token that is not a word).
    fn add(
        &mut self,
        tokens: &Bound<'_, PyList>,
        word: Vec<bool>,
        feature: Vec<i64>,
        part: Vec<i64>,
        cluster: Vec<i64>,
    ) -> PyResult<()> {
        let n = tokens.len();
        if word.len() != n || feature.len() != n || part.len() != n || cluster.len() != n {
            return Err(PyValueError::new_err("one value per token"));
        }
        let mut buf: Vec<u32> = Vec::with_capacity(16);
        for (i, tok) in tokens.iter().enumerate() {
            let s = tok.downcast::<PyString>()?;
            let (h, found) = self.find(s)?;
            if !matches!(found, Found::Missing) {
                return Err(PyValueError::new_err("token added already"));
            }
            key_into(s, &mut buf)?;
            let at = self.keys.len() as u32;
            self.keys.push(buf.clone().into_boxed_slice());
            self.rows.push(Row {
                word: word[i],
                feature: feature[i],
                part: part[i],
                cluster: cluster[i],
            });
            self.next.push(*self.first.get(&h).unwrap_or(&NONE));
            self.first.insert(h, at);
        }
        Ok(())
    }

    /// For the tokens of each list of ``cuts``: (text number of each word, its feature, text
    /// number and code ``first * n_parts + second`` of each word bigram, text number and cluster
    /// feature of each word that has one), six int64 arrays; or, when some tokens are not added
    /// yet, a list of them (distinct, in the order they first occur; a line break never is one).
    /// A word's text number is its list's, or with ``by_breaks`` the number of line breaks before it.
    fn indices<'py>(
        &self,
        py: Python<'py>,
        cuts: &Bound<'py, PyList>,
        by_breaks: bool,
        n_parts: i64,
    ) -> PyResult<PyObject> {
        let (mut word_of, mut features, mut parts) = (Vec::new(), Vec::new(), Vec::new());
        let (mut cluster_of, mut clusters) = (Vec::new(), Vec::new());
        let missing = PyList::empty(py);
        let mut seen: HashSet<Box<[u32]>> = HashSet::new();
        let mut buf: Vec<u32> = Vec::with_capacity(16);
        let mut breaks: i64 = 0;
        for (t, list) in lists(cuts)?.iter().enumerate() {
            for tok in list.iter() {
                let s = tok.downcast::<PyString>()?;
                let row = match self.find(s)?.1 {
                    Found::Row(r) => r,
                    Found::LineBreak => {
                        breaks += 1;
                        continue;
                    }
                    Found::Missing => {
                        key_into(s, &mut buf)?;
                        if seen.insert(buf.clone().into_boxed_slice()) {
                            missing.append(s)?;
                        }
                        continue;
                    }
                };
                if !row.word || !missing.is_empty() {
                    continue;
                }
                let owner = if by_breaks { breaks } else { t as i64 };
                word_of.push(owner);
                features.push(row.feature);
                parts.push(row.part);
                if row.cluster >= 0 {
                    cluster_of.push(owner);
                    clusters.push(row.cluster);
                }
            }
        }
        if !missing.is_empty() {
            return Ok(missing.into_any().unbind());
        }
        let (mut bigram_of, mut bigrams) = (Vec::new(), Vec::new());
        for i in 1..parts.len() {
            let (a, b) = (parts[i - 1], parts[i]);
            if a >= 0 && b >= 0 && word_of[i - 1] == word_of[i] {
                bigram_of.push(word_of[i - 1]);
                bigrams.push(a * n_parts + b);
            }
        }
        let arrays = [
            &word_of,
            &features,
            &bigram_of,
            &bigrams,
            &cluster_of,
            &clusters,
        ]
        .iter()
        .map(|v| i64_array(py, v))
        .collect::<PyResult<Vec<_>>>()?;
        Ok(pyo3::types::PyTuple::new(py, arrays)?.into_any().unbind())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<WordRows>()?;
    Ok(())
}
