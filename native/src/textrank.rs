//! The power iteration of nlp/keywords.py's `textrank_keywords`, with the very floating-point
//! operations, in the very order, of its scipy code (tests/test_nlp_native.py compares the
//! scores bit for bit):
//!
//! - `m[u][v]`: how often words `u != v` meet at most `window - 1` apart (both ways), a float
//!   sum of ones (exact);
//! - `out[u]`: the sum of row `u` (integers: exact), 1.0 where it is 0;
//! - `t[v][u] = m[u][v] * (1.0 / out[u])` (`m.multiply(1.0 / out[:, None]).T.tocsr()`);
//! - per iteration `vec = (1 - d) + d * (t @ vec)`, the product summed over `u` ascending from
//!   0.0 (scipy's `csr_matvec` over a row with sorted indices), then multiplied by `d`, then
//!   added to `1 - d`, as numpy evaluates the expression.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyByteArray;

use crate::{new_array, Arr};

/// TextRank scores (float64 array of ``n``) of the word numbers ``number`` (-1: no word), or
/// None when no two words meet (the Python code then returns no keywords).
#[pyfunction]
pub fn textrank_scores<'py>(
    py: Python<'py>,
    number: &Bound<'py, PyAny>,
    n: usize,
    window: usize,
    iterations: usize,
    d: f64,
) -> PyResult<Option<Bound<'py, PyByteArray>>> {
    let na = Arr::<i64>::get(number)?;
    let seq = na.slice();
    if seq.iter().any(|&x| x >= n as i64 || x < -1) {
        return Err(PyValueError::new_err("word number out of range"));
    }
    // every meeting (v, u, 1): t's row v holds column u; summed per (v, u) after sorting
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for gap in 1..window.max(1) {
        if gap >= seq.len() {
            break;
        }
        for i in 0..seq.len() - gap {
            let (a, b) = (seq[i], seq[i + gap]);
            if a >= 0 && b >= 0 && a != b {
                pairs.push((b as u32, a as u32)); // m[a][b]: t[b][a]
                pairs.push((a as u32, b as u32)); // m[b][a]: t[a][b]
            }
        }
    }
    if pairs.is_empty() {
        return Ok(None);
    }
    pairs.sort_unstable();
    // t in CSR: per row v, (u, count) with u ascending
    let mut indptr = vec![0usize; n + 1];
    let mut cols: Vec<u32> = Vec::new();
    let mut counts: Vec<f64> = Vec::new();
    let mut out = vec![0.0f64; n]; // out[u]: the sum of m's row u, i.e. of t's column u
    let mut k = 0;
    while k < pairs.len() {
        let (v, u) = pairs[k];
        let mut e = k + 1;
        while e < pairs.len() && pairs[e] == (v, u) {
            e += 1;
        }
        let c = (e - k) as f64;
        cols.push(u);
        counts.push(c);
        out[u as usize] += c;
        indptr[v as usize + 1] += 1;
        k = e;
    }
    for v in 0..n {
        indptr[v + 1] += indptr[v];
    }
    let recip: Vec<f64> = out.iter().map(|&s| 1.0 / if s == 0.0 { 1.0 } else { s }).collect();
    let data: Vec<f64> = cols.iter().zip(counts.iter()).map(|(&u, &c)| c * recip[u as usize]).collect();
    let base = 1.0 - d;
    let mut vec = vec![1.0f64; n];
    let mut next = vec![0.0f64; n];
    for _ in 0..iterations {
        for v in 0..n {
            let mut sum = 0.0f64;
            for jj in indptr[v]..indptr[v + 1] {
                sum += data[jj] * vec[cols[jj] as usize];
            }
            next[v] = base + d * sum;
        }
        std::mem::swap(&mut vec, &mut next);
    }
    Ok(Some(new_array::<f64>(py, n, |o| {
        o.copy_from_slice(&vec);
        Ok(())
    })?))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(textrank_scores, m)?)?;
    Ok(())
}
