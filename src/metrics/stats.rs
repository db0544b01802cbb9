//! Statistics on group summaries (n, mean, variance, counts): Welch's
//! interval, Wilson's interval, Benjamini–Hochberg q-values, NPS margins.
//! Distributions come from statrs; degenerate groups give `None`, never NaN.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Two-sided 95% normal quantile.
pub fn z95() -> f64 {
    Normal::standard().inverse_cdf(0.975)
}

/// A group's score summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub n: f64,
    pub mean: Option<f64>,
    /// Sample variance (n − 1); `None` below two values.
    pub var: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Welch {
    /// mean(a) − mean(b)
    pub diff: f64,
    pub se: f64,
    pub df: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub p: f64,
}

/// Welch's t interval and two-sided p for mean(a) − mean(b), with
/// Welch–Satterthwaite degrees of freedom. `None` when either side has fewer
/// than two values or both have zero variance.
pub fn welch(a: Summary, b: Summary) -> Option<Welch> {
    let (ma, mb) = (a.mean?, b.mean?);
    let (va, vb) = (a.var?, b.var?);
    if a.n < 2.0 || b.n < 2.0 {
        return None;
    }
    let (qa, qb) = (va / a.n, vb / b.n);
    let se2 = qa + qb;
    if se2 <= 0.0 || !se2.is_finite() {
        return None;
    }
    let se = se2.sqrt();
    let df = se2 * se2 / (qa * qa / (a.n - 1.0) + qb * qb / (b.n - 1.0));
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    let diff = ma - mb;
    let crit = t.inverse_cdf(0.975);
    let p = 2.0 * (1.0 - t.cdf((diff / se).abs()));
    Some(Welch {
        diff,
        se,
        df,
        ci_low: diff - crit * se,
        ci_high: diff + crit * se,
        p: p.clamp(0.0, 1.0),
    })
}

/// Wilson score interval for k successes in n trials at 95%.
pub fn wilson(k: f64, n: f64) -> Option<(f64, f64)> {
    if n <= 0.0 {
        return None;
    }
    let z = z95();
    let p = k / n;
    let d = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / d;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / d;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Benjamini–Hochberg adjusted q-values, in the order of `p` (None stays None).
pub fn benjamini_hochberg(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut idx: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_some()).collect();
    let m = idx.len() as f64;
    idx.sort_by(|&a, &b| p[a].unwrap_or(1.0).total_cmp(&p[b].unwrap_or(1.0)));
    let mut q = vec![None; p.len()];
    let mut running = 1.0f64;
    for (rank, &i) in idx.iter().enumerate().rev() {
        let v = p[i].unwrap_or(1.0) * m / (rank as f64 + 1.0);
        running = running.min(v);
        q[i] = Some(running.min(1.0));
    }
    q
}

/// NPS (−100..100) and its 95% margin of error from promoter, detractor and
/// total counts (variance of the per-answer +1/0/−1 score). One answer has
/// a score but no margin.
pub fn nps(promoters: f64, detractors: f64, n: f64) -> Option<(f64, Option<f64>)> {
    if n <= 0.0 {
        return None;
    }
    let (pp, pd) = (promoters / n, detractors / n);
    let score = pp - pd;
    let var = pp + pd - score * score;
    let margin = (n >= 2.0).then(|| 100.0 * z95() * (var / n).sqrt());
    Some((100.0 * score, margin))
}

/// Sample variance from n, sum and sum of squares; `None` below two values.
pub fn variance(n: f64, sum: f64, sum_sq: f64) -> Option<f64> {
    if n < 2.0 {
        return None;
    }
    let v = (sum_sq - sum * sum / n) / (n - 1.0);
    Some(v.max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(x: &[f64]) -> Summary {
        let n = x.len() as f64;
        let sum: f64 = x.iter().sum();
        let sq: f64 = x.iter().map(|v| v * v).sum();
        Summary {
            n,
            mean: Some(sum / n),
            var: variance(n, sum, sq),
        }
    }

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() < tol, "{a} vs {b}");
    }

    /// Wikipedia's Welch example 1, checked against scipy 1.x
    /// (`ttest_ind(A, B, equal_var=False)`): t = −2.455356, df = 24.988529,
    /// p = 0.021378, 95% CI (−3.984096, −0.349237).
    #[test]
    fn welch_matches_scipy() {
        let a = [
            27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7,
            21.4,
        ];
        let b = [
            27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5,
            24.4,
        ];
        let w = welch(summary(&a), summary(&b)).unwrap();
        close(w.diff / w.se, -2.455356398286006, 1e-9);
        close(w.df, 24.988529290231416, 1e-9);
        close(w.p, 0.021378001462866992, 1e-9);
        close(w.ci_low, -3.984096267140929, 1e-6);
        close(w.ci_high, -0.3492370661924069, 1e-6);
    }

    #[test]
    fn welch_degenerate_groups() {
        let one = summary(&[4.0]);
        let two = summary(&[4.0, 5.0]);
        assert_eq!(welch(one, two), None);
        let flat = summary(&[3.0, 3.0, 3.0]);
        assert_eq!(welch(flat, flat), None);
        assert_eq!(welch(Summary::default(), two), None);
    }

    /// Wilson bounds by the closed form (scipy's norm.ppf(0.975)):
    /// 81/263 -> (0.255289, 0.366210); 0/10 -> (0, 0.277533); 10/10 -> (0.722467, 1).
    #[test]
    fn wilson_bounds() {
        let (lo, hi) = wilson(81.0, 263.0).unwrap();
        close(lo, 0.2552885198782742, 1e-9);
        close(hi, 0.36620957698280004, 1e-9);
        let (lo, hi) = wilson(0.0, 10.0).unwrap();
        close(lo, 0.0, 1e-12);
        close(hi, 0.2775327998628892, 1e-9);
        close(wilson(10.0, 10.0).unwrap().0, 0.7224672001371107, 1e-9);
        assert_eq!(wilson(0.0, 0.0), None);
    }

    /// scipy.stats.false_discovery_control([0.01, 0.04, 0.03, 0.2]) =
    /// [0.04, 0.053333, 0.053333, 0.2].
    #[test]
    fn bh_matches_scipy() {
        let q = benjamini_hochberg(&[Some(0.01), Some(0.04), Some(0.03), Some(0.2), None]);
        close(q[0].unwrap(), 0.04, 1e-12);
        close(q[1].unwrap(), 0.16 / 3.0, 1e-12);
        close(q[2].unwrap(), 0.16 / 3.0, 1e-12);
        close(q[3].unwrap(), 0.2, 1e-12);
        assert_eq!(q[4], None);
    }

    /// 6 promoters, 2 detractors of 10: NPS 40; per-answer scores
    /// (+1 x6, 0 x2, -1 x2) have variance 0.8 - 0.16 = 0.64, so the margin is
    /// 100 x 1.959964 x sqrt(0.064) = 49.58.
    #[test]
    fn nps_and_margin() {
        let (score, moe) = nps(6.0, 2.0, 10.0).unwrap();
        close(score, 40.0, 1e-12);
        close(moe.unwrap(), 100.0 * z95() * 0.064f64.sqrt(), 1e-9);
        assert_eq!(nps(1.0, 0.0, 1.0), Some((100.0, None)));
        assert_eq!(nps(0.0, 0.0, 0.0), None);
    }
}
