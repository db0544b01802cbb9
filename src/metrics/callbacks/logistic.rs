//! Ridge-penalised logistic regression by iteratively reweighted least
//! squares (SPEC 3.10 b), on grouped rows.
//!
//! The factors are a few booleans and a capped count, so the cases fall
//! into at most a few hundred distinct rows of factor values: the fit runs
//! on those rows, each with its case count n and unhappy count k, which is
//! exactly the per-case fit (the binomial likelihood of a group is the sum
//! of its cases'), however many millions of cases there are.

use nalgebra::{DMatrix, DVector};

/// Cases sharing one row of factor values.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The factor values (no intercept).
    pub x: Vec<f64>,
    /// Cases in the group.
    pub n: f64,
    /// Unhappy cases among them.
    pub k: f64,
}

/// A fitted model: the intercept, and each factor's coefficient or `None`
/// when the factor was constant over the fitted cases and left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub intercept: f64,
    pub coefficients: Vec<Option<f64>>,
}

impl Model {
    /// The predicted probability for one row of factor values.
    pub fn risk(&self, x: &[f64]) -> f64 {
        let eta = self.intercept
            + self
                .coefficients
                .iter()
                .zip(x)
                .map(|(b, v)| b.unwrap_or(0.0) * v)
                .sum::<f64>();
        1.0 / (1.0 + (-eta).exp())
    }
}

/// Iterations before giving up on convergence; IRLS on a ridge-penalised
/// likelihood converges in a handful.
const MAX_ITERATIONS: usize = 100;

/// Fit by maximising the log-likelihood minus (λ/2)·Σβⱼ² over the factors'
/// coefficients (not the intercept): β ← (XᵀWX + Λ)⁻¹XᵀWz from β = 0
/// until no coefficient moves by more than 1e-10. `None` when there is
/// nothing to fit: no case, or every case on one side (the intercept,
/// unpenalised, would run off to infinity).
pub fn fit(groups: &[Group], lambda: f64) -> Option<Model> {
    let cases: f64 = groups.iter().map(|g| g.n).sum();
    let unhappy: f64 = groups.iter().map(|g| g.k).sum();
    if cases == 0.0 || unhappy == 0.0 || unhappy == cases {
        return None;
    }
    let width = groups.first().map_or(0, |g| g.x.len());
    // A factor constant over the fitted cases is left out.
    let kept: Vec<usize> = (0..width)
        .filter(|&j| {
            let mut values = groups.iter().filter(|g| g.n > 0.0).map(|g| g.x[j]);
            let first = values.next();
            values.any(|v| Some(v) != first)
        })
        .collect();
    let p = kept.len() + 1;
    let row = |g: &Group| {
        std::iter::once(1.0)
            .chain(kept.iter().map(|&j| g.x[j]))
            .collect::<Vec<f64>>()
    };
    let rows: Vec<Vec<f64>> = groups.iter().map(row).collect();
    let mut beta = DVector::<f64>::zeros(p);
    for _ in 0..MAX_ITERATIONS {
        let mut a = DMatrix::<f64>::zeros(p, p);
        let mut b = DVector::<f64>::zeros(p);
        for (g, x) in groups.iter().zip(&rows) {
            let eta: f64 = x.iter().zip(beta.iter()).map(|(v, b)| v * b).sum();
            let mu = 1.0 / (1.0 + (-eta).exp());
            let w = g.n * mu * (1.0 - mu);
            // W·z = W·η + (k − n·μ): the working response without dividing
            // by a weight that may be tiny.
            let wz = w * eta + (g.k - g.n * mu);
            for r in 0..p {
                b[r] += x[r] * wz;
                for c in 0..p {
                    a[(r, c)] += w * x[r] * x[c];
                }
            }
        }
        for d in 1..p {
            a[(d, d)] += lambda;
        }
        let next = a.cholesky()?.solve(&b);
        let moved = (&next - &beta).amax();
        beta = next;
        if moved <= 1e-10 {
            break;
        }
    }
    let mut coefficients = vec![None; width];
    for (i, &j) in kept.iter().enumerate() {
        coefficients[j] = Some(beta[i + 1]);
    }
    Some(Model {
        intercept: beta[0],
        coefficients,
    })
}

/// The probability that a random positive has a higher score than a random
/// negative, ties counting half (Mann–Whitney, with mid-ranks).
pub fn auc(scored: &[(f64, bool)]) -> Option<f64> {
    let positives = scored.iter().filter(|(_, y)| *y).count() as f64;
    let negatives = scored.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    let mut sorted: Vec<(f64, bool)> = scored.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        // Ranks i+1 ..= j share their mean.
        let mid = (i + 1 + j) as f64 / 2.0;
        rank_sum += mid * sorted[i..j].iter().filter(|(_, y)| *y).count() as f64;
        i = j;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_half() {
        // Pairs (pos, neg): (0.9,0.1) win, (0.9,0.5) win, (0.5,0.1) win,
        // (0.5,0.5) tie: (3 + 0.5) / 4.
        let s = [(0.9, true), (0.5, true), (0.5, false), (0.1, false)];
        assert_eq!(auc(&s), Some(0.875));
    }

    #[test]
    fn one_sided_answers_have_no_model() {
        let g = [Group {
            x: vec![1.0],
            n: 3.0,
            k: 3.0,
        }];
        assert_eq!(fit(&g, 1.0), None);
    }
}
