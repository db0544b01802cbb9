//! Distinctive words (SPEC 3.11): unhappy against happy comments by the
//! log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and
//! Quinn 2008, "Fightin' Words", eq. 22 and 24), the prior being each
//! word's count over all comments.

use std::collections::BTreeMap;

/// One word's counts and statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub word: String,
    /// a_w: uses over all comments.
    pub count: f64,
    pub unhappy: f64,
    pub happy: f64,
    pub delta: f64,
    pub sigma: f64,
    pub z: f64,
}

/// Score every word used at least `min_count` times. `unhappy` and `happy`:
/// word -> occurrences on each side (kept words only).
pub fn score(
    unhappy: &BTreeMap<String, f64>,
    happy: &BTreeMap<String, f64>,
    min_count: f64,
) -> Vec<Scored> {
    let mut all: BTreeMap<&str, f64> = BTreeMap::new();
    for (w, c) in unhappy.iter().chain(happy) {
        *all.entry(w.as_str()).or_default() += c;
    }
    let a0: f64 = all.values().sum();
    let n_u: f64 = unhappy.values().sum();
    let n_h: f64 = happy.values().sum();
    all.iter()
        .filter(|(_, a)| **a >= min_count)
        .map(|(w, &a)| {
            let y_u = unhappy.get(*w).copied().unwrap_or(0.0);
            let y_h = happy.get(*w).copied().unwrap_or(0.0);
            let delta =
                ((y_u + a) / (n_u + a0 - y_u - a)).ln() - ((y_h + a) / (n_h + a0 - y_h - a)).ln();
            let sigma = (1.0 / (y_u + a) + 1.0 / (y_h + a)).sqrt();
            Scored {
                word: w.to_string(),
                count: a,
                unhappy: y_u,
                happy: y_h,
                delta,
                sigma,
                z: delta / sigma,
            }
        })
        .collect()
}

/// The 20 highest z >= 1.96 (unhappy words, highest first) and the 20
/// lowest z <= −1.96 (happy words, lowest first); ties by count (more
/// first), then by word.
pub fn sides(scored: Vec<Scored>) -> (Vec<Scored>, Vec<Scored>) {
    const TOP: usize = 20;
    const Z: f64 = 1.96;
    let by = |key: fn(&Scored) -> f64| {
        move |a: &Scored, b: &Scored| {
            key(a)
                .total_cmp(&key(b))
                .then(b.count.total_cmp(&a.count))
                .then(a.word.cmp(&b.word))
        }
    };
    let mut unhappy: Vec<Scored> = scored.iter().filter(|s| s.z >= Z).cloned().collect();
    unhappy.sort_by(by(|s| -s.z));
    unhappy.truncate(TOP);
    let mut happy: Vec<Scored> = scored.into_iter().filter(|s| s.z <= -Z).collect();
    happy.sort_by(by(|s| s.z));
    happy.truncate(TOP);
    (unhappy, happy)
}
