//! The search rerank's text scan (`search/evidence.py` `Matcher.analyse`) over UTF-8 bytes.
//!
//! For each (title, text) it finds the query's forms in the text as `str.find` does (the
//! first match, then the next after it, at most `max_occ`), else in the title, and from
//! them computes what `Matcher.analyse` computes: coverage, the best paragraph (line) and
//! its share of the words, mentions, the lines holding each word, and the synonyms a word
//! matched through. Every credit is 1 or 0.5, so every sum is exact in any order and the
//! floats equal Python's. Lines are counted by b'\n', the same count as in the `str`. The
//! title term (`title_match`, Unicode lower-casing and whitespace rules) stays in Python.

use memchr::memmem;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

fn credit_of(v: &[Option<f64>], label: usize) -> f64 {
    v[label].unwrap_or(0.0)
}

struct Doc {
    coverage: f64,
    together: f64,
    mentions: f64,
    best: Option<usize>,
    /// (line, [(label, credit)] in insertion order), lines in insertion order
    per_para: Vec<(usize, Vec<(usize, f64)>)>,
    synonyms: Option<Vec<usize>>, // plan indices
}

struct Plan<'a> {
    labels: usize,
    forms: Vec<(usize, f64, memmem::Finder<'a>)>,
    mention: Vec<(usize, Vec<memmem::Finder<'a>>)>,
    max_occ: usize,
    total: f64,
    cap: f64,
}

fn scan(plan: &Plan, text: &[u8], title: &[u8]) -> Doc {
    let n = plan.labels;
    let mut found: Vec<Option<f64>> = vec![None; n];
    let mut found_order: Vec<usize> = Vec::new();
    let mut via: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut via_order: Vec<usize> = Vec::new();
    let mut occurrences: Vec<(usize, f64, Vec<usize>)> = Vec::new();
    for (i, (label, credit, finder)) in plan.forms.iter().enumerate() {
        let (label, credit) = (*label, *credit);
        let step = finder.needle().len();
        let mut hits: Vec<usize> = Vec::new();
        if let Some(first) = finder.find(text) {
            let mut start = first;
            loop {
                hits.push(start);
                if hits.len() >= plan.max_occ {
                    break;
                }
                match finder.find(&text[start + step..]) {
                    Some(p) => start = start + step + p,
                    None => break,
                }
            }
        } else if finder.find(title).is_none() {
            continue;
        }
        if credit_of(&found, label) < credit {
            if found[label].is_none() {
                found_order.push(label);
            }
            found[label] = Some(credit);
        }
        if credit < 1.0 {
            if via[label].is_empty() {
                via_order.push(label);
            }
            via[label].push(i);
        }
        if !hits.is_empty() {
            occurrences.push((label, credit, hits));
        }
    }
    let coverage = found_order.iter().map(|&l| found[l].unwrap()).sum::<f64>() / plan.total;
    let mut counts: Vec<Option<f64>> = vec![None; n];
    let mut per_para: Vec<(usize, Vec<(usize, f64)>)> = Vec::new();
    let mut together = 0.0;
    let mut best = None;
    if occurrences.len() == 1 {
        let (label, credit, hits) = &occurrences[0];
        counts[*label] = Some(credit * hits.len() as f64);
        let (mut line, mut last) = (0usize, 0usize);
        for &pos in hits {
            line += memchr::memchr_iter(b'\n', &text[last..pos]).count();
            last = pos;
            if per_para.last().map(|p| p.0) != Some(line) {
                per_para.push((line, vec![(*label, *credit)]));
            }
        }
        together = credit / plan.total;
        best = Some(per_para[0].0);
    } else if !occurrences.is_empty() {
        let mut positions: Vec<usize> = occurrences
            .iter()
            .flat_map(|o| o.2.iter().copied())
            .collect();
        positions.sort_unstable();
        positions.dedup();
        let mut lines = Vec::with_capacity(positions.len());
        let (mut line, mut last) = (0usize, 0usize);
        for &pos in &positions {
            line += memchr::memchr_iter(b'\n', &text[last..pos]).count();
            last = pos;
            lines.push(line);
        }
        let mut slot_of: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for (label, credit, hits) in &occurrences {
            let c = counts[*label].unwrap_or(0.0);
            counts[*label] = Some(c + credit * hits.len() as f64);
            for pos in hits {
                let line = lines[positions.binary_search(pos).unwrap()];
                let idx = *slot_of.entry(line).or_insert_with(|| {
                    per_para.push((line, Vec::new()));
                    per_para.len() - 1
                });
                let slot = &mut per_para[idx].1;
                match slot.iter_mut().find(|(l, _)| l == label) {
                    Some(entry) => {
                        if entry.1 < *credit {
                            entry.1 = *credit;
                        }
                    }
                    None => slot.push((*label, *credit)),
                }
            }
        }
        let weight = |p: &(usize, Vec<(usize, f64)>)| p.1.iter().map(|e| e.1).sum::<f64>();
        let top = per_para
            .iter()
            .min_by(|a, b| {
                weight(b)
                    .partial_cmp(&weight(a))
                    .unwrap()
                    .then(a.0.cmp(&b.0))
            })
            .unwrap();
        together = weight(top) / plan.total;
        best = Some(top.0);
    }
    for (label, finders) in &plan.mention {
        if finders.iter().any(|f| f.find(title).is_some()) {
            counts[*label] = Some(plan.cap);
        }
    }
    let mentions = counts
        .iter()
        .flatten()
        .map(|&c| c.min(plan.cap))
        .sum::<f64>()
        / (plan.cap * plan.total);
    let synonyms = if via_order.is_empty() {
        None
    } else {
        Some(
            via_order
                .iter()
                .filter(|&&l| credit_of(&found, l) < 1.0)
                .flat_map(|&l| via[l].iter().copied())
                .collect(),
        )
    };
    Doc {
        coverage,
        together,
        mentions,
        best,
        per_para,
        synonyms,
    }
}

/// `scan_evidence(docs, labels, plan, mention, max_occ, cap)`: ``docs`` a list of (title
/// bytes, text bytes); ``plan`` a list of (label index, credit, form bytes); ``mention`` a
/// list of (label index, [form bytes]). Returns per doc (coverage, together, mentions,
/// best line or None, {line: {label: credit}}, [synonym forms] or None).
#[pyfunction]
fn scan_evidence<'py>(
    py: Python<'py>,
    docs: Vec<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)>,
    labels: Vec<String>,
    plan: Vec<(usize, f64, Vec<u8>)>,
    mention: Vec<(usize, Vec<Vec<u8>>)>,
    max_occ: usize,
    cap: f64,
) -> PyResult<Bound<'py, PyList>> {
    if labels.is_empty() || max_occ == 0 {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "no words, or no occurrences allowed",
        ));
    }
    if plan.iter().any(|p| p.0 >= labels.len() || p.2.is_empty())
        || mention.iter().any(|m| m.0 >= labels.len())
    {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "a form is empty or names no label",
        ));
    }
    let compiled = Plan {
        labels: labels.len(),
        forms: plan
            .iter()
            .map(|(l, c, f)| (*l, *c, memmem::Finder::new(f.as_slice())))
            .collect(),
        mention: mention
            .iter()
            .map(|(l, fs)| {
                (
                    *l,
                    fs.iter()
                        .filter(|f| !f.is_empty())
                        .map(|f| memmem::Finder::new(f.as_slice()))
                        .collect(),
                )
            })
            .collect(),
        max_occ,
        total: labels.len() as f64,
        cap,
    };
    let out = PyList::empty(py);
    for (title, text) in &docs {
        let doc = scan(&compiled, text.as_bytes(), title.as_bytes());
        let per_para = PyDict::new(py);
        for (line, slot) in &doc.per_para {
            let d = PyDict::new(py);
            for (label, credit) in slot {
                d.set_item(&labels[*label], *credit)?;
            }
            per_para.set_item(*line, d)?;
        }
        let synonyms: PyObject = match &doc.synonyms {
            None => py.None(),
            Some(idx) => {
                let forms: Vec<Bound<'py, PyAny>> = idx
                    .iter()
                    .map(|&i| {
                        std::str::from_utf8(&plan[i].2)
                            .map(|s| s.into_pyobject(py).unwrap().into_any())
                            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
                    })
                    .collect::<PyResult<_>>()?;
                PyList::new(py, forms)?.into_any().unbind()
            }
        };
        out.append((
            doc.coverage,
            doc.together,
            doc.mentions,
            doc.best,
            per_para,
            synonyms,
        ))?;
    }
    Ok(out)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scan_evidence, m)?)?;
    Ok(())
}
