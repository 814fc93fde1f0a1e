//! Probability distributions for dispersed scenario values: normal, truncated normal, uniform,
//! discrete choice, and correlated (multivariate) normal.
//!
//! Scalars are a small enum ([`Scalar`]) rather than trait objects so that a parsed scenario
//! can be validated once and then sampled millions of times without allocation. Sampling
//! methods:
//! - normal: Ziggurat of `rand_distr` (Marsaglia & Tsang 2000);
//! - truncated normal: Robert (1995), "Simulation of truncated normal variables", Statistics
//!   and Computing 5:121-125 — plain rejection when the interval holds ≥ 25 % of the mass, else
//!   a uniform or a translated-exponential proposal, whichever Robert's criterion prefers;
//! - multivariate normal: x = μ + L z with L the lower Cholesky factor of the covariance
//!   (Golub & Van Loan, Matrix Computations §4.2), accepting positive **semi**-definite
//!   matrices (a perfectly correlated pair is legitimate input);
//! - discrete choice: inverse CDF on the cumulative probabilities.
//!
//! The normal CDF used for validation and tests is `erfc` from Numerical Recipes (Press et al.
//! 2007, §6.2.2, Chebyshev fit, relative error < 1.2e-7).

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use thiserror::Error;

/// Why a distribution's parameters are rejected.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum DistError {
    #[error("standard deviation {0} must be finite and ≥ 0")]
    BadSd(f64),
    #[error("bounds [{min}, {max}] must be finite with min < max")]
    BadBounds { min: f64, max: f64 },
    #[error("mean {0} must be finite")]
    BadMean(f64),
    #[error("the truncation interval [{min}, {max}] holds only {mass:.3e} of the normal's probability (at least 1e-9 needed)")]
    EmptyTruncation { min: f64, max: f64, mass: f64 },
    #[error("probabilities must be finite and ≥ 0 and sum to 1 (within 1e-6); they sum to {0}")]
    BadProbabilities(f64),
    #[error("a choice needs at least one option")]
    NoOptions,
    #[error("covariance must be a square {n}×{n} matrix (got a row of length {row_len})")]
    NotSquare { n: usize, row_len: usize },
    #[error("covariance is not symmetric: C[{i}][{j}] = {a} but C[{j}][{i}] = {b}")]
    NotSymmetric { i: usize, j: usize, a: f64, b: f64 },
    #[error("covariance is not positive semi-definite (pivot {pivot} of the Cholesky factorisation is {value:.6e})")]
    NotPsd { pivot: usize, value: f64 },
    #[error("mean has {got} entries but the covariance is {n}×{n}")]
    MeanLength { n: usize, got: usize },
}

/// A one-dimensional distribution.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Normal {
        mean: f64,
        sd: f64,
    },
    TruncatedNormal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
}

impl Scalar {
    /// Checks the parameters (sd ≥ 0, finite bounds, a truncation interval with mass).
    pub fn validate(&self) -> Result<(), DistError> {
        match *self {
            Scalar::Normal { mean, sd } => check_normal(mean, sd),
            Scalar::TruncatedNormal { mean, sd, min, max } => {
                check_normal(mean, sd)?;
                check_bounds(min, max)?;
                if sd == 0.0 {
                    if !(min..=max).contains(&mean) {
                        return Err(DistError::EmptyTruncation {
                            min,
                            max,
                            mass: 0.0,
                        });
                    }
                    return Ok(());
                }
                let mass = normal_cdf((max - mean) / sd) - normal_cdf((min - mean) / sd);
                // Far in a tail the difference of CDFs underflows; use the tail form there.
                let a = (min - mean) / sd;
                let b = (max - mean) / sd;
                let mass = if a > 5.0 {
                    normal_sf(a) - normal_sf(b)
                } else if b < -5.0 {
                    normal_sf(-b) - normal_sf(-a)
                } else {
                    mass
                };
                if mass.is_nan() || mass < 1e-9 {
                    return Err(DistError::EmptyTruncation { min, max, mass });
                }
                Ok(())
            }
            Scalar::Uniform { min, max } => check_bounds(min, max),
        }
    }

    /// One draw. Call [`Scalar::validate`] once before sampling.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Scalar::Normal { mean, sd } => {
                let z: f64 = rng.sample(StandardNormal);
                mean + sd * z
            }
            Scalar::TruncatedNormal { mean, sd, min, max } => {
                if sd == 0.0 {
                    return mean;
                }
                mean + sd * standard_truncated(rng, (min - mean) / sd, (max - mean) / sd)
            }
            Scalar::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
        }
    }

    /// Theoretical mean and standard deviation (for tests and reports).
    pub fn moments(&self) -> (f64, f64) {
        match *self {
            Scalar::Normal { mean, sd } => (mean, sd),
            Scalar::Uniform { min, max } => ((min + max) / 2.0, (max - min) / 12f64.sqrt()),
            Scalar::TruncatedNormal { mean, sd, min, max } => {
                if sd == 0.0 {
                    return (mean, 0.0);
                }
                let (a, b) = ((min - mean) / sd, (max - mean) / sd);
                let z = normal_cdf(b) - normal_cdf(a);
                let (pa, pb) = (normal_pdf(a), normal_pdf(b));
                let m = (pa - pb) / z;
                let fa = if a.is_finite() { a * pa } else { 0.0 };
                let fb = if b.is_finite() { b * pb } else { 0.0 };
                let var = 1.0 + (fa - fb) / z - m * m;
                (mean + sd * m, sd * var.sqrt())
            }
        }
    }
}

fn check_normal(mean: f64, sd: f64) -> Result<(), DistError> {
    if !mean.is_finite() {
        return Err(DistError::BadMean(mean));
    }
    if !(sd.is_finite() && sd >= 0.0) {
        return Err(DistError::BadSd(sd));
    }
    Ok(())
}

fn check_bounds(min: f64, max: f64) -> Result<(), DistError> {
    if !(min.is_finite() && max.is_finite() && min < max) {
        return Err(DistError::BadBounds { min, max });
    }
    Ok(())
}

/// Standard normal restricted to [a, b] (Robert 1995).
fn standard_truncated<R: Rng + ?Sized>(rng: &mut R, a: f64, b: f64) -> f64 {
    // Mirror so that the interval is on the right of 0 or straddles it.
    if b <= 0.0 {
        return -standard_truncated(rng, -b, -a);
    }
    let mass = normal_cdf(b) - normal_cdf(a);
    if mass >= 0.25 {
        loop {
            let z: f64 = rng.sample(StandardNormal);
            if (a..=b).contains(&z) {
                return z;
            }
        }
    }
    if a <= 0.0 {
        // Straddles 0 with little mass: a narrow interval; uniform proposal, ρ = exp(-z²/2).
        loop {
            let z = a + (b - a) * rng.random::<f64>();
            if rng.random::<f64>() <= (-0.5 * z * z).exp() {
                return z;
            }
        }
    }
    // 0 < a < b: Robert's choice between uniform and exponential proposals.
    let alpha = 0.5 * (a + (a * a + 4.0).sqrt());
    let uniform_better = b - a
        < 2.0 * std::f64::consts::E.sqrt() / (a + (a * a + 4.0).sqrt())
            * ((a * a - a * (a * a + 4.0).sqrt()) / 4.0).exp();
    loop {
        if uniform_better {
            let z = a + (b - a) * rng.random::<f64>();
            if rng.random::<f64>() <= (0.5 * (a * a - z * z)).exp() {
                return z;
            }
        } else {
            let u: f64 = rng.random::<f64>();
            let z = a - (1.0 - u).ln() / alpha;
            if z > b {
                continue;
            }
            if rng.random::<f64>() <= (-0.5 * (z - alpha) * (z - alpha)).exp() {
                return z;
            }
        }
    }
}

/// A discrete choice among options `0..n` with probabilities `p`.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    cumulative: Vec<f64>,
}

impl Choice {
    /// Probabilities must be ≥ 0 and sum to 1 within 1e-6.
    pub fn new(p: &[f64]) -> Result<Self, DistError> {
        if p.is_empty() {
            return Err(DistError::NoOptions);
        }
        let sum: f64 = p.iter().sum();
        if p.iter().any(|x| !(x.is_finite() && *x >= 0.0)) || (sum - 1.0).abs() > 1e-6 {
            return Err(DistError::BadProbabilities(sum));
        }
        let mut acc = 0.0;
        let cumulative = p
            .iter()
            .map(|x| {
                acc += x / sum;
                acc
            })
            .collect();
        Ok(Self { cumulative })
    }

    /// Index of the chosen option.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        let u: f64 = rng.random();
        self.cumulative
            .iter()
            .position(|&c| u < c)
            .unwrap_or(self.cumulative.len() - 1)
    }

    pub fn len(&self) -> usize {
        self.cumulative.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cumulative.is_empty()
    }
}

/// A correlated normal vector x ~ N(μ, C).
#[derive(Clone, Debug, PartialEq)]
pub struct MultiNormal {
    mean: Vec<f64>,
    /// Lower-triangular Cholesky factor, row-major n×n.
    chol: Vec<f64>,
    n: usize,
}

impl MultiNormal {
    /// `covariance` as rows; must be symmetric (relative 1e-9) and positive semi-definite.
    pub fn new(mean: &[f64], covariance: &[Vec<f64>]) -> Result<Self, DistError> {
        let n = covariance.len();
        if mean.len() != n {
            return Err(DistError::MeanLength { n, got: mean.len() });
        }
        for row in covariance {
            if row.len() != n {
                return Err(DistError::NotSquare {
                    n,
                    row_len: row.len(),
                });
            }
        }
        let chol = cholesky_psd(covariance)?;
        Ok(Self {
            mean: mean.to_vec(),
            chol,
            n,
        })
    }

    /// Cholesky-only validation of a covariance (no mean).
    pub fn check_covariance(covariance: &[Vec<f64>]) -> Result<(), DistError> {
        Self::new(&vec![0.0; covariance.len()], covariance).map(|_| ())
    }

    pub fn dim(&self) -> usize {
        self.n
    }

    /// Writes one draw into `out` (length ≥ dim); `z` is scratch of the same length.
    #[allow(clippy::needless_range_loop)] // triangular matrix-vector product
    pub fn sample_into<R: Rng + ?Sized>(&self, rng: &mut R, z: &mut [f64], out: &mut [f64]) {
        for zi in z.iter_mut().take(self.n) {
            *zi = rng.sample(StandardNormal);
        }
        for i in 0..self.n {
            let mut s = self.mean[i];
            for (j, zj) in z.iter().enumerate().take(i + 1) {
                s += self.chol[i * self.n + j] * zj;
            }
            out[i] = s;
        }
    }
}

/// Cholesky factor of a symmetric positive semi-definite matrix. A pivot within
/// 1e-12·max|Cᵢᵢ| of zero is a zero column (semi-definite), below that the matrix is rejected.
#[allow(clippy::needless_range_loop)] // index notation of the textbook algorithm
fn cholesky_psd(c: &[Vec<f64>]) -> Result<Vec<f64>, DistError> {
    let n = c.len();
    let scale = (0..n)
        .map(|i| c[i][i].abs())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let tol = 1e-12 * scale;
    for i in 0..n {
        for j in 0..i {
            let (a, b) = (c[i][j], c[j][i]);
            if !a.is_finite() || !b.is_finite() || (a - b).abs() > 1e-9 * scale.max(a.abs()) {
                return Err(DistError::NotSymmetric { i, j, a, b });
            }
        }
        if !c[i][i].is_finite() {
            return Err(DistError::NotPsd {
                pivot: i,
                value: c[i][i],
            });
        }
    }
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let mut d = c[j][j];
        for k in 0..j {
            d -= l[j * n + k] * l[j * n + k];
        }
        if d < -tol {
            return Err(DistError::NotPsd { pivot: j, value: d });
        }
        if d <= tol {
            // Zero pivot: the rest of the column must vanish too, else not PSD.
            for i in j + 1..n {
                let mut s = c[i][j];
                for k in 0..j {
                    s -= l[i * n + k] * l[j * n + k];
                }
                if s.abs() > 1e-6 * scale {
                    return Err(DistError::NotPsd { pivot: j, value: d });
                }
            }
            continue;
        }
        let ljj = d.sqrt();
        l[j * n + j] = ljj;
        for i in j + 1..n {
            let mut s = c[i][j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            l[i * n + j] = s / ljj;
        }
    }
    Ok(l)
}

/// Standard normal density.
pub fn normal_pdf(x: f64) -> f64 {
    if !x.is_finite() {
        return 0.0;
    }
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Standard normal CDF Φ(x).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Standard normal survival function 1 − Φ(x), accurate in the upper tail.
pub fn normal_sf(x: f64) -> f64 {
    0.5 * erfc(x / std::f64::consts::SQRT_2)
}

/// Complementary error function (Numerical Recipes 3rd ed. §6.2.2, |rel. err| < 1.2e-7).
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mc::rng::sample_rng;

    fn moments_of(d: &Scalar, n: usize) -> (f64, f64) {
        let mut rng = sample_rng(42, 0);
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let x = d.sample(&mut rng);
            s += x;
            s2 += x * x;
        }
        let m = s / n as f64;
        (m, (s2 / n as f64 - m * m).sqrt())
    }

    /// Sample moments vs theory; the mean within 5 standard errors σ/√n, the sd within 5 of its
    /// standard error ≈ σ·√(κ−1)/(2√n) (κ ≤ 3 here, so σ/√(2n) bounds it).
    fn check(d: Scalar) {
        d.validate().unwrap();
        let n = 200_000;
        let (m, s) = moments_of(&d, n);
        let (mt, st) = d.moments();
        let se = st / (n as f64).sqrt();
        assert!((m - mt).abs() < 5.0 * se, "{d:?}: mean {m} vs {mt}");
        assert!(
            (s - st).abs() < 5.0 * st / (2.0 * n as f64).sqrt(),
            "{d:?}: sd {s} vs {st}"
        );
    }

    #[test]
    fn scalar_moments_match_theory() {
        check(Scalar::Normal { mean: 3.0, sd: 2.0 });
        check(Scalar::Uniform {
            min: -1.0,
            max: 5.0,
        });
        // Wide, one-sided, far tail (exponential proposal), narrow far tail (uniform proposal),
        // narrow straddling 0.
        check(Scalar::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            min: -1.0,
            max: 2.0,
        });
        check(Scalar::TruncatedNormal {
            mean: 10.0,
            sd: 2.0,
            min: 10.0,
            max: 1e3,
        });
        check(Scalar::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            min: 3.0,
            max: 8.0,
        });
        check(Scalar::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            min: 3.0,
            max: 3.2,
        });
        check(Scalar::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            min: -6.0,
            max: -4.0,
        });
        check(Scalar::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            min: -0.1,
            max: 0.15,
        });
    }

    #[test]
    fn truncated_normal_stays_in_bounds() {
        let d = Scalar::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            min: 2.5,
            max: 2.6,
        };
        let mut rng = sample_rng(1, 1);
        for _ in 0..10_000 {
            let x = d.sample(&mut rng);
            assert!((2.5..=2.6).contains(&x));
        }
    }

    #[test]
    fn erfc_matches_tabulated_values() {
        // Abramowitz & Stegun Table 7.1: erf(0.5) = 0.5204998778, erf(1) = 0.8427007929,
        // erf(2) = 0.9953222650.
        for (x, erf) in [
            (0.5, 0.520_499_877_8),
            (1.0, 0.842_700_792_9),
            (2.0, 0.995_322_265_0),
        ] {
            assert!((1.0 - erfc(x) - erf).abs() < 2e-7);
            assert!((erfc(-x) - 1.0 - erf).abs() < 2e-7);
        }
    }

    #[test]
    fn bad_parameters_are_rejected() {
        assert!(Scalar::Normal {
            mean: 0.0,
            sd: -1.0
        }
        .validate()
        .is_err());
        assert!(Scalar::Uniform { min: 2.0, max: 1.0 }.validate().is_err());
        assert!(Scalar::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            min: 40.0,
            max: 41.0
        }
        .validate()
        .is_err());
        assert!(Choice::new(&[0.5, 0.6]).is_err());
        assert!(Choice::new(&[]).is_err());
        assert!(MultiNormal::new(&[0.0, 0.0], &[vec![1.0, 2.0], vec![2.0, 1.0]]).is_err());
        assert!(MultiNormal::new(&[0.0, 0.0], &[vec![1.0, 0.5], vec![0.4, 1.0]]).is_err());
        // Semi-definite (perfect correlation) is accepted.
        assert!(MultiNormal::new(&[0.0, 0.0], &[vec![1.0, 2.0], vec![2.0, 4.0]]).is_ok());
    }

    #[test]
    fn choice_frequencies_match_probabilities() {
        let p = [0.05, 0.7, 0.25];
        let c = Choice::new(&p).unwrap();
        let mut rng = sample_rng(9, 0);
        let n = 100_000;
        let mut count = [0usize; 3];
        for _ in 0..n {
            count[c.sample(&mut rng)] += 1;
        }
        for k in 0..3 {
            let f = count[k] as f64 / n as f64;
            let se = (p[k] * (1.0 - p[k]) / n as f64).sqrt();
            assert!((f - p[k]).abs() < 5.0 * se, "option {k}: {f} vs {}", p[k]);
        }
    }

    #[test]
    fn multinormal_reproduces_covariance() {
        let cov = vec![
            vec![4.0, 1.2, -0.8],
            vec![1.2, 1.0, 0.3],
            vec![-0.8, 0.3, 2.0],
        ];
        let mean = [1.0, -2.0, 0.5];
        let d = MultiNormal::new(&mean, &cov).unwrap();
        let mut rng = sample_rng(3, 0);
        let n = 200_000;
        let (mut z, mut x) = ([0.0; 3], [0.0; 3]);
        let mut s = [0.0; 3];
        let mut s2 = [[0.0; 3]; 3];
        for _ in 0..n {
            d.sample_into(&mut rng, &mut z, &mut x);
            for i in 0..3 {
                s[i] += x[i];
                for j in 0..3 {
                    s2[i][j] += x[i] * x[j];
                }
            }
        }
        let nf = n as f64;
        for i in 0..3 {
            let m = s[i] / nf;
            assert!((m - mean[i]).abs() < 5.0 * (cov[i][i] / nf).sqrt());
            for j in 0..3 {
                let c = s2[i][j] / nf - (s[i] / nf) * (s[j] / nf);
                // Standard error of a sample covariance: √((CᵢᵢCⱼⱼ + Cᵢⱼ²)/n).
                let se = ((cov[i][i] * cov[j][j] + cov[i][j] * cov[i][j]) / nf).sqrt();
                assert!((c - cov[i][j]).abs() < 5.0 * se, "C[{i}][{j}] = {c}");
            }
        }
    }
}
