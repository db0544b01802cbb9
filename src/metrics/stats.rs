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

/// Student's t interval at 95% for a mean; `None` below two values.
pub fn mean_interval(s: Summary) -> Option<(f64, f64)> {
    let (mean, var) = (s.mean?, s.var?);
    let t = StudentsT::new(0.0, 1.0, s.n - 1.0).ok()?;
    let half = t.inverse_cdf(0.975) * (var / s.n).sqrt();
    Some((mean - half, mean + half))
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

/// One group's answers: how many, their mean and sample variance (n − 1;
/// 0 for a single answer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Group {
    pub n: f64,
    pub mean: f64,
    pub var: f64,
}

/// Empirical-Bayes shrinkage of group means (SPEC 3.6).
#[derive(Debug, Clone, PartialEq)]
pub struct Shrinkage {
    /// Answer-weighted grand mean Σnᵢȳᵢ / N.
    pub grand: f64,
    /// Between-group mean square Σnᵢ(ȳᵢ − ȳ)² / (G − 1).
    pub msb: f64,
    /// Within-group mean square Σ(nᵢ − 1)sᵢ² / (N − G); 0 when N = G.
    pub msw: f64,
    /// (N − Σnᵢ²/N) / (G − 1): the "typical" group size of an unbalanced design.
    pub n0: f64,
    /// Between-group variance of true means, max(0, (MSB − MSW) / n₀).
    pub tau2: f64,
    /// ȳ + Bᵢ(ȳᵢ − ȳ) with Bᵢ = τ² / (τ² + MSW/nᵢ), in the order given.
    pub shrunk: Vec<f64>,
}

/// τ² by the unbalanced one-way ANOVA moment estimator, and each group's
/// mean shrunk toward the answer-weighted grand mean. Every group weighs by
/// its answers, so one single-answer group cannot dominate τ². With fewer
/// than two groups there is no between-group spread to estimate (τ² = 0).
/// `None` without answers.
pub fn shrink_means(groups: &[Group]) -> Option<Shrinkage> {
    let groups: Vec<&Group> = groups.iter().filter(|g| g.n > 0.0).collect();
    let n: f64 = groups.iter().map(|g| g.n).sum();
    if groups.is_empty() || n <= 0.0 {
        return None;
    }
    let k = groups.len() as f64;
    let grand = groups.iter().map(|g| g.n * g.mean).sum::<f64>() / n;
    let ss_within: f64 = groups.iter().map(|g| (g.n - 1.0) * g.var).sum();
    let msw = if n > k { ss_within / (n - k) } else { 0.0 };
    let (msb, n0, tau2) = if k >= 2.0 {
        let msb = groups
            .iter()
            .map(|g| g.n * (g.mean - grand).powi(2))
            .sum::<f64>()
            / (k - 1.0);
        let n0 = (n - groups.iter().map(|g| g.n * g.n).sum::<f64>() / n) / (k - 1.0);
        (msb, n0, ((msb - msw) / n0).max(0.0))
    } else {
        (0.0, groups[0].n, 0.0)
    };
    let shrunk = groups
        .iter()
        .map(|g| {
            let noise = msw / g.n;
            let weight = if tau2 + noise > 0.0 {
                tau2 / (tau2 + noise)
            } else {
                0.0
            };
            grand + weight * (g.mean - grand)
        })
        .collect();
    Some(Shrinkage {
        grand,
        msb,
        msw,
        n0,
        tau2,
        shrunk,
    })
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

    /// Two groups of answers and a single answer, worked by hand:
    /// A = (4, 5, 5, 4) n 4, mean 4.5, s² 1/3; B = (2, 3, 2, 3) n 4, mean
    /// 2.5, s² 1/3; C = (1) n 1. N = 9, grand = (18 + 10 + 1) / 9 = 29/9.
    /// SSW = 3·(1/3) + 3·(1/3) = 2, MSW = 2 / (9 − 3) = 1/3.
    /// SSB = 4(4.5 − 29/9)² + 4(2.5 − 29/9)² + (1 − 29/9)²
    ///     = 4(23/18)² + 4(13/18)² + (20/9)² = (2116 + 676 + 1600) / 324
    ///     = 4392/324 = 122/9; MSB = 61/9.
    /// n₀ = (9 − 33/9) / 2 = 8/3; τ² = (61/9 − 1/3) / (8/3) = (58/9)(3/8) = 29/12.
    /// B_A = τ² / (τ² + (1/3)/4) = (29/12) / (30/12) = 29/30;
    /// shrunk A = 29/9 + (29/30)(23/18). B_C = (29/12) / (29/12 + 4/12) = 29/33.
    #[test]
    fn shrinkage_by_anova_moments() {
        let third = 1.0 / 3.0;
        let eb = shrink_means(&[
            Group {
                n: 4.0,
                mean: 4.5,
                var: third,
            },
            Group {
                n: 4.0,
                mean: 2.5,
                var: third,
            },
            Group {
                n: 1.0,
                mean: 1.0,
                var: 0.0,
            },
        ])
        .unwrap();
        let grand = 29.0 / 9.0;
        close(eb.grand, grand, 1e-12);
        close(eb.msw, third, 1e-12);
        close(eb.msb, 61.0 / 9.0, 1e-12);
        close(eb.n0, 8.0 / 3.0, 1e-12);
        close(eb.tau2, 29.0 / 12.0, 1e-12);
        close(eb.shrunk[0], grand + 29.0 / 30.0 * (4.5 - grand), 1e-12);
        close(eb.shrunk[1], grand + 29.0 / 30.0 * (2.5 - grand), 1e-12);
        close(eb.shrunk[2], grand + 29.0 / 33.0 * (1.0 - grand), 1e-12);
    }

    /// No spread between groups beyond noise: τ² = 0, every mean is the
    /// grand mean. One group alone is not shrunk anywhere but to itself.
    #[test]
    fn shrinkage_without_between_variance() {
        // Means 3 and 3.1 with large within variance: MSB < MSW.
        let eb = shrink_means(&[
            Group {
                n: 10.0,
                mean: 3.0,
                var: 2.0,
            },
            Group {
                n: 10.0,
                mean: 3.1,
                var: 2.0,
            },
        ])
        .unwrap();
        assert_eq!(eb.tau2, 0.0);
        assert_eq!(eb.shrunk, vec![eb.grand, eb.grand]);
        let one = shrink_means(&[Group {
            n: 5.0,
            mean: 4.2,
            var: 0.5,
        }])
        .unwrap();
        close(one.shrunk[0], 4.2, 1e-12);
        assert_eq!(shrink_means(&[]), None);
    }
}
