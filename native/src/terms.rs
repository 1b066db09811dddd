//! Term occurrences of many paragraphs at once (`nlp.themes.RuleTagger.score_paragraphs`).
//!
//! `TermScanner` is an Aho-Corasick automaton over code points with the pair filter of
//! `nlp.textscan.PairScanner`: where two adjacent characters are not two adjacent characters
//! of a term, no occurrence spans them, so the automaton restarts at the root there, and a
//! character that neither continues a term nor begins a pair of one is skipped (when no term
//! has one character). `occurrences` gives, per text, what pyahocorasick's `iter` of the text
//! gives (`PairScanner.occurrences`): every `(start, end, term)`, overlapping ones included,
//! by end position and, at one end, longest first. tests/test_nlp_native.py compares them.
//!
//! `TermRuns` finds the runs of adjacent tokens that spell a governance term
//! (`nlp.keywords._term_runs`: longest first, left to right) with the terms and their
//! prefixes in hash sets.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::BuildHasherDefault;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

use crate::codes::MixHasher;
use crate::{codes_of, strings, Codes};

type Goto = HashMap<u64, u32, BuildHasherDefault<MixHasher>>;
type Pairs = HashSet<u64, BuildHasherDefault<MixHasher>>;

#[inline(always)]
fn key(a: u32, b: u32) -> u64 {
    ((a as u64) << 21) | b as u64
}

#[pyclass(frozen, module = "govtext_native")]
pub struct TermScanner {
    goto_: Goto,
    fail: Vec<u32>,
    /// per state: the terms ending there, longest first
    out: Vec<Vec<u32>>,
    terms: Vec<Py<PyString>>,
    lens: Vec<usize>,
    pairs: Pairs,
    single: bool,
}

fn vec_of(c: &Codes<'_>) -> Vec<u32> {
    match c {
        Codes::U1(s) => s.iter().map(|&x| x as u32).collect(),
        Codes::U2(s) => s.iter().map(|&x| x as u32).collect(),
        Codes::U4(s) => s.to_vec(),
    }
}

impl TermScanner {
    #[inline(always)]
    fn step(&self, mut state: u32, ch: u32) -> u32 {
        loop {
            if let Some(&next) = self.goto_.get(&key(state, ch)) {
                return next;
            }
            if state == 0 {
                return 0;
            }
            state = self.fail[state as usize];
        }
    }
}

#[pymethods]
impl TermScanner {
    /// The automaton of ``terms`` (distinct, non-empty strings without surrogates).
    #[new]
    fn new(terms: &Bound<'_, PyList>) -> PyResult<Self> {
        let strs = strings(terms)?;
        let mut goto_ = Goto::default();
        let mut out: Vec<Vec<u32>> = vec![Vec::new()];
        let mut children: Vec<Vec<(u32, u32)>> = vec![Vec::new()];
        let mut pairs = Pairs::default();
        let mut lens = Vec::with_capacity(strs.len());
        let mut single = false;
        for (tid, s) in strs.iter().enumerate() {
            let c = vec_of(&codes_of(s)?);
            if c.is_empty() {
                return Err(PyValueError::new_err("empty term"));
            }
            single |= c.len() == 1;
            lens.push(c.len());
            let mut state = 0u32;
            for (i, &ch) in c.iter().enumerate() {
                if i > 0 {
                    pairs.insert(key(c[i - 1], ch));
                }
                state = match goto_.get(&key(state, ch)) {
                    Some(&next) => next,
                    None => {
                        let next = out.len() as u32;
                        out.push(Vec::new());
                        children.push(Vec::new());
                        goto_.insert(key(state, ch), next);
                        children[state as usize].push((ch, next));
                        next
                    }
                };
            }
            if !out[state as usize].is_empty() {
                return Err(PyValueError::new_err("terms must be distinct"));
            }
            out[state as usize].push(tid as u32);
        }
        // failure links breadth first; a state's outputs: its own term, then its failure state's
        let mut fail = vec![0u32; out.len()];
        let mut queue: VecDeque<u32> = children[0].iter().map(|&(_, s)| s).collect();
        while let Some(state) = queue.pop_front() {
            for &(ch, next) in &children[state as usize] {
                let mut f = fail[state as usize];
                let target = loop {
                    if let Some(&t) = goto_.get(&key(f, ch)) {
                        break t;
                    }
                    if f == 0 {
                        break 0;
                    }
                    f = fail[f as usize];
                };
                fail[next as usize] = target;
                let inherited = out[target as usize].clone();
                out[next as usize].extend(inherited);
                queue.push_back(next);
            }
        }
        let terms = strs.into_iter().map(|s| s.unbind()).collect();
        Ok(TermScanner {
            goto_,
            fail,
            out,
            terms,
            lens,
            pairs,
            single,
        })
    }

    /// Per text: the list of its ``(start, end, term)`` occurrences.
    fn occurrences<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyList>,
    ) -> PyResult<Bound<'py, PyList>> {
        let strs = strings(texts)?;
        let result = PyList::empty(py);
        for s in strs.iter() {
            let c = vec_of(&codes_of(s)?);
            let found = PyList::empty(py);
            let n = c.len();
            let mut state = 0u32;
            for k in 0..n {
                let ch = c[k];
                if state != 0 && !self.pairs.contains(&key(c[k - 1], ch)) {
                    state = 0;
                }
                if state == 0
                    && !self.single
                    && (k + 1 >= n || !self.pairs.contains(&key(ch, c[k + 1])))
                {
                    continue;
                }
                state = self.step(state, ch);
                for &tid in &self.out[state as usize] {
                    let t = tid as usize;
                    let item = PyTuple::new(
                        py,
                        [
                            (k + 1 - self.lens[t]).into_pyobject(py)?.into_any(),
                            (k + 1).into_pyobject(py)?.into_any(),
                            self.terms[t].bind(py).clone().into_any(),
                        ],
                    )?;
                    found.append(item)?;
                }
            }
            result.append(found)?;
        }
        Ok(result)
    }
}

/// Governance terms and every proper prefix of them (as strings).
#[pyclass(frozen, module = "govtext_native")]
pub struct TermRuns {
    terms: HashSet<String>,
    prefixes: HashSet<String>,
}

#[pymethods]
impl TermRuns {
    #[new]
    fn new(terms: &Bound<'_, PyAny>, prefixes: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut t = HashSet::new();
        for item in terms.try_iter()? {
            t.insert(item?.downcast_into::<PyString>()?.to_str()?.to_owned());
        }
        let mut p = HashSet::new();
        for item in prefixes.try_iter()? {
            p.insert(item?.downcast_into::<PyString>()?.to_str()?.to_owned());
        }
        Ok(TermRuns {
            terms: t,
            prefixes: p,
        })
    }

    /// ``nlp.keywords._term_runs(tokens, terms, max_n, prefixes)``: (start, length) of each run.
    fn runs(&self, tokens: &Bound<'_, PyList>, max_n: usize) -> PyResult<Vec<(usize, usize)>> {
        let strs = strings(tokens)?;
        let words = strs
            .iter()
            .map(|s| s.to_str())
            .collect::<PyResult<Vec<&str>>>()?;
        let n = words.len();
        let mut out = Vec::new();
        let mut done = 0usize;
        let mut cand = String::new();
        for i in 0..n.saturating_sub(1) {
            if i < done || !self.prefixes.contains(words[i]) {
                continue;
            }
            let mut best_k = 0usize;
            cand.clear();
            cand.push_str(words[i]);
            let mut k = 2usize;
            while k <= max_n.min(n - i) {
                cand.push_str(words[i + k - 1]);
                if self.terms.contains(cand.as_str()) {
                    best_k = k;
                }
                if !self.prefixes.contains(cand.as_str()) {
                    break;
                }
                k += 1;
            }
            if best_k > 0 {
                out.push((i, best_k));
                done = i + best_k;
            }
        }
        Ok(out)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TermScanner>()?;
    m.add_class::<TermRuns>()?;
    Ok(())
}
