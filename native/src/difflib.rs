//! `difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()` of two
//! strings: CPython's algorithm (3.11), with no junk and no popular elements, step for
//! step, so the blocks (and their tie-breaking) are the same.

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::normalize::Fx;
use crate::{codes_of, Codes};

type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;

fn code_vec(c: &Codes<'_>) -> Vec<u32> {
    match c {
        Codes::U1(s) => s.iter().map(|&x| x as u32).collect(),
        Codes::U2(s) => s.iter().map(|&x| x as u32).collect(),
        Codes::U4(s) => s.to_vec(),
    }
}

struct Matcher<'a> {
    a: &'a [u32],
    b: &'a [u32],
    b2j: FxMap<u32, Vec<usize>>,
    /// j2len of the previous and the current row (index j + 1), and the js each set
    prev: Vec<usize>,
    cur: Vec<usize>,
    prev_set: Vec<usize>,
    cur_set: Vec<usize>,
}

impl Matcher<'_> {
    fn find_longest_match(&mut self, alo: usize, ahi: usize, blo: usize, bhi: usize) -> (usize, usize, usize) {
        let (a, b) = (self.a, self.b);
        let (mut besti, mut bestj, mut bestsize) = (alo, blo, 0usize);
        for &j in &self.prev_set {
            self.prev[j + 1] = 0;
        }
        self.prev_set.clear();
        for i in alo..ahi {
            if let Some(js) = self.b2j.get(&a[i]) {
                for &j in js {
                    if j < blo {
                        continue;
                    }
                    if j >= bhi {
                        break;
                    }
                    let k = self.prev[j] + 1; // j2len[j - 1] of the previous row, 0 if unset
                    self.cur[j + 1] = k;
                    self.cur_set.push(j);
                    if k > bestsize {
                        besti = i + 1 - k;
                        bestj = j + 1 - k;
                        bestsize = k;
                    }
                }
            }
            // j2len = newj2len
            for &j in &self.prev_set {
                self.prev[j + 1] = 0;
            }
            std::mem::swap(&mut self.prev, &mut self.cur);
            std::mem::swap(&mut self.prev_set, &mut self.cur_set);
            self.cur_set.clear();
        }
        while besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1] {
            besti -= 1;
            bestj -= 1;
            bestsize += 1;
        }
        while besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] == b[bestj + bestsize] {
            bestsize += 1;
        }
        (besti, bestj, bestsize)
    }
}

fn matching_blocks_of(a: &[u32], b: &[u32]) -> Vec<(usize, usize, usize)> {
    let mut b2j: FxMap<u32, Vec<usize>> = FxMap::default();
    for (j, &x) in b.iter().enumerate() {
        b2j.entry(x).or_default().push(j);
    }
    let mut m = Matcher {
        a,
        b,
        b2j,
        prev: vec![0; b.len() + 1],
        cur: vec![0; b.len() + 1],
        prev_set: Vec::new(),
        cur_set: Vec::new(),
    };
    let (la, lb) = (a.len(), b.len());
    let mut queue = vec![(0usize, la, 0usize, lb)];
    let mut blocks = Vec::new();
    while let Some((alo, ahi, blo, bhi)) = queue.pop() {
        let (i, j, k) = m.find_longest_match(alo, ahi, blo, bhi);
        if k > 0 {
            blocks.push((i, j, k));
            if alo < i && blo < j {
                queue.push((alo, i, blo, j));
            }
            if i + k < ahi && j + k < bhi {
                queue.push((i + k, ahi, j + k, bhi));
            }
        }
    }
    blocks.sort_unstable();
    let (mut i1, mut j1, mut k1) = (0, 0, 0);
    let mut out = Vec::with_capacity(blocks.len() + 1);
    for (i2, j2, k2) in blocks {
        if i1 + k1 == i2 && j1 + k1 == j2 {
            k1 += k2;
        } else {
            if k1 > 0 {
                out.push((i1, j1, k1));
            }
            (i1, j1, k1) = (i2, j2, k2);
        }
    }
    if k1 > 0 {
        out.push((i1, j1, k1));
    }
    out.push((la, lb, 0));
    out
}

/// The matching blocks (i, j, size) of a and b, the last one (len(a), len(b), 0).
#[pyfunction]
pub fn matching_blocks(a: &Bound<'_, PyString>, b: &Bound<'_, PyString>) -> PyResult<Vec<(usize, usize, usize)>> {
    let (a, b) = (code_vec(&codes_of(a)?), code_vec(&codes_of(b)?));
    Ok(matching_blocks_of(&a, &b))
}

/// `check._cover4`: how many characters of ``sent`` lie inside some 4-character substring
/// that ``other`` contains too (an upper bound of what difflib's blocks of >= 4 cover).
#[pyfunction]
pub(crate) fn cover4(sent: &Bound<'_, PyString>, other: &Bound<'_, PyString>) -> PyResult<usize> {
    let a = code_vec(&codes_of(sent)?);
    let b = code_vec(&codes_of(other)?);
    Ok(cover4_codes(&a, &b))
}

fn cover4_codes(a: &[u32], b: &[u32]) -> usize {
    if a.len() < 4 || b.len() < 4 {
        return 0;
    }
    // a 4-character substring packed into one u128: equal packs are equal substrings
    let pack = |s: &[u32], i: usize| -> u128 {
        ((s[i] as u128) << 96) | ((s[i + 1] as u128) << 64) | ((s[i + 2] as u128) << 32) | s[i + 3] as u128
    };
    let mut grams: Vec<u128> = (0..=b.len() - 4).map(|i| pack(b, i)).collect();
    grams.sort_unstable();
    grams.dedup();
    let (mut cov, mut end) = (0usize, 0usize);
    for i in 0..=a.len() - 4 {
        if grams.binary_search(&pack(a, i)).is_ok() {
            cov += i + 4 - i.max(end);
            end = i + 4;
        }
    }
    cov
}
