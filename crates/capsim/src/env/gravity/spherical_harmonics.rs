//! Full spherical-harmonic gravity field to degree n and order m, fully normalized.
//!
//! # Algorithm
//!
//! Holmes & Featherstone (2002), "A unified approach to the Clenshaw summation and the
//! recursive computation of very high degree and order normalised associated Legendre
//! functions", *J. Geodesy* 76:279-299, §2.2 "modified forward column" recursion: with
//! t = sin φ and u = cos φ (φ geocentric latitude), the fully normalized functions are written
//! P̄nm(t) = u^m Q_nm(t), and Q_nm is advanced down each column m by
//!
//! ```text
//! Q_nm = a_nm t Q_{n-1,m} − b_nm Q_{n-2,m},
//! a_nm = √((2n−1)(2n+1)/((n−m)(n+m))),  b_nm = √((2n+1)(n+m−1)(n−m−1)/((n−m)(n+m)(2n−3))),
//! ```
//!
//! seeded by the sectoral values Q_00 = 1, Q_11 = √3, Q_mm = √((2m+1)/(2m)) Q_{m−1,m−1}, which
//! do not depend on the position and are precomputed. Taking the factor u^m out is what keeps the
//! recursion finite and accurate near the poles (HF02 §2.2); the scaled values stay below
//! ~1e75 up to degree 360 ([`MAX_DEGREE`]), so no extended-range arithmetic is needed here.
//!
//! The radial factor (R/r)^n is folded into the recursion (q_nm = (R/r)^n Q_nm), so each column
//! is one pass with a handful of scalars: no arrays, no heap, no per-evaluation initialisation.
//! The gradient is taken in spherical coordinates (r, φ, λ) and rotated to Cartesian axes:
//!
//! * ∂/∂r: Σ (n+1) q_nm (…), from coefficients pre-multiplied by (n+1);
//! * ∂/∂φ for m ≥ 1: dP̄nm/dφ = u^(m−1) (−n t Q_nm + f_nm Q_(n−1),m), f_nm = √((n²−m²)(2n+1)/(2n−1))
//!   (HF02 eq. 30 divided by u^m), which reuses the column's own recursion values;
//! * ∂/∂φ for m = 0: u·dQ_n0/dt from the recursion differentiated in t, because the identity
//!   above would divide by u and cancel catastrophically at the poles;
//! * ∂/∂λ divided by u: m u^(m−1) (S̄ cos mλ − C̄ sin mλ) P̄/u^m.
//!
//! Every power of u is then non-negative, so the Cartesian acceleration is regular at the poles
//! (on the axis any λ gives the same vector; λ = 0 is used). cos mλ and sin mλ come from the
//! complex-multiplication recursion, without trigonometric calls.
//!
//! Coefficients for all (n, m) are stored once, at construction, in one flat array ordered
//! column by column (m outer, n inner) exactly as the evaluation walks it, with the recursion
//! factors a_nm, b_nm and the (n+1)-scaled coefficients beside C̄nm and S̄nm.

use super::{GravityCoefficients, GravityError, GravityField, EGM2008_EMBEDDED_MAX_DEGREE};
use crate::frames::{Itrf, Vec3};
use nalgebra::Vector3;
use std::fmt;
use std::sync::Arc;

/// Largest degree the evaluator accepts. Bounded by the dynamic range of the scaled Legendre
/// functions without the extended-range arithmetic of HF02 §2.3 (their largest value at degree
/// 360 is about 1e75, far from f64 overflow).
pub const MAX_DEGREE: usize = 360;

/// One (n, m) entry, in evaluation order.
#[derive(Clone, Copy, Debug, Default)]
struct Term {
    a: f64,
    b: f64,
    c: f64,
    s: f64,
    /// (n+1) C̄nm, for the radial derivative.
    c_np1: f64,
    /// (n+1) S̄nm.
    s_np1: f64,
    /// f_nm C̄nm with f_nm = √((n²−m²)(2n+1)/(2n−1)), for the latitude derivative.
    c_f: f64,
    /// f_nm S̄nm.
    s_f: f64,
}

/// Spherical-harmonic gravity field of degree `degree` and order `order` (Earth-fixed frame).
///
/// Cheap to clone (the tables are shared through `Arc`), `Send + Sync`.
#[derive(Clone)]
pub struct SphericalHarmonicGravity {
    model_name: Arc<str>,
    gm_m3_s2: f64,
    radius_m: f64,
    degree: usize,
    order: usize,
    /// Column by column: m = 0..=order, n = m..=degree.
    terms: Arc<[Term]>,
    /// Q_mm for m = 0..=order.
    sectoral: Arc<[f64]>,
}

impl fmt::Debug for SphericalHarmonicGravity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SphericalHarmonicGravity")
            .field("model", &self.model_name)
            .field("degree", &self.degree)
            .field("order", &self.order)
            .field("gm_m3_s2", &self.gm_m3_s2)
            .field("radius_m", &self.radius_m)
            .finish()
    }
}

impl SphericalHarmonicGravity {
    /// The compiled-in EGM2008 (tide-free) truncated at `degree` ≤ 90 and `order` ≤ `degree`.
    pub fn egm2008(degree: usize, order: usize) -> Result<Self, GravityError> {
        if degree > EGM2008_EMBEDDED_MAX_DEGREE {
            return Err(GravityError::DegreeTooHigh {
                requested: degree,
                available: EGM2008_EMBEDDED_MAX_DEGREE,
            });
        }
        Self::from_coefficients(GravityCoefficients::egm2008()?, degree, order)
    }

    /// A field from any coefficient set, truncated at `degree` and `order`.
    pub fn from_coefficients(
        coeffs: &GravityCoefficients,
        degree: usize,
        order: usize,
    ) -> Result<Self, GravityError> {
        let available = coeffs.max_degree().min(MAX_DEGREE);
        if degree > available {
            return Err(GravityError::DegreeTooHigh {
                requested: degree,
                available,
            });
        }
        if order > degree {
            return Err(GravityError::OrderAboveDegree { order, degree });
        }
        let mut terms = Vec::with_capacity((order + 1) * (degree + 1));
        let mut sectoral = Vec::with_capacity(order + 1);
        let mut q_mm = 1.0;
        for m in 0..=order {
            if m == 1 {
                q_mm = 3f64.sqrt();
            } else if m >= 2 {
                q_mm *= ((2 * m + 1) as f64 / (2 * m) as f64).sqrt();
            }
            sectoral.push(q_mm);
            for n in m..=degree {
                let (nf, mf) = (n as f64, m as f64);
                let (a, b) = if n == m {
                    (0.0, 0.0)
                } else if n == m + 1 {
                    ((2.0 * nf + 1.0).sqrt(), 0.0)
                } else {
                    let a = ((2.0 * nf - 1.0) * (2.0 * nf + 1.0) / ((nf - mf) * (nf + mf))).sqrt();
                    let b = ((2.0 * nf + 1.0) * (nf + mf - 1.0) * (nf - mf - 1.0)
                        / ((nf - mf) * (nf + mf) * (2.0 * nf - 3.0)))
                        .sqrt();
                    (a, b)
                };
                let (c, s) = (coeffs.c(n, m), coeffs.s(n, m));
                let f = ((nf * nf - mf * mf) * (2.0 * nf + 1.0) / (2.0 * nf - 1.0).max(1.0)).sqrt();
                terms.push(Term {
                    a,
                    b,
                    c,
                    s,
                    c_np1: (nf + 1.0) * c,
                    s_np1: (nf + 1.0) * s,
                    c_f: f * c,
                    s_f: f * s,
                });
            }
        }
        Ok(Self {
            model_name: Arc::from(coeffs.model_name()),
            gm_m3_s2: coeffs.gm_m3_s2(),
            radius_m: coeffs.radius_m(),
            degree,
            order,
            terms: terms.into(),
            sectoral: sectoral.into(),
        })
    }

    /// Gravitational parameter of the model, m³/s².
    pub fn gm_m3_s2(&self) -> f64 {
        self.gm_m3_s2
    }
    /// Reference radius of the model, m.
    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }
    /// Degree of truncation.
    pub fn degree(&self) -> usize {
        self.degree
    }
    /// Order of truncation.
    pub fn order(&self) -> usize {
        self.order
    }

    /// Gravitational acceleration (central term included), m/s², for an Earth-fixed position.
    pub fn acceleration(&self, r: &Vec3<Itrf>) -> Vec3<Itrf> {
        Vec3::from_raw(self.acceleration_raw(r.raw()))
    }

    /// Gravitational potential (positive, GM/r for degree 0), m²/s², at an Earth-fixed position.
    pub fn potential(&self, r_itrf: &Vec3<Itrf>) -> f64 {
        self.potential_raw(r_itrf.raw())
    }

    /// Gravitational acceleration, m/s², for an Earth-fixed position `r_itrf` in m (not the
    /// origin). Hot path: no allocation.
    pub fn acceleration_raw(&self, r_itrf: &Vector3<f64>) -> Vector3<f64> {
        let (x, y, z) = (r_itrf.x, r_itrf.y, r_itrf.z);
        let rho_xy2 = x * x + y * y;
        let r2 = rho_xy2 + z * z;
        let inv_r = 1.0 / r2.sqrt();
        let rho_xy = rho_xy2.sqrt();
        let t = z * inv_r;
        let u = rho_xy * inv_r;
        let (cos_l, sin_l) = if rho_xy > 0.0 {
            let inv = 1.0 / rho_xy;
            (x * inv, y * inv)
        } else {
            (1.0, 0.0)
        };
        let ratio = self.radius_m * inv_r;
        let ratio_t = ratio * t;
        let ratio2 = ratio * ratio;

        let n_col = self.degree + 1;

        // Column m = 0: zonal terms. The latitude derivative comes from the t-differentiated
        // recursion, which has no 1/u and so no cancellation near the poles.
        let col = &self.terms[..n_col];
        let mut q1 = 1.0; // Q_00 = 1, (R/r)^0 = 1
        let (mut q2, mut qd1, mut qd2) = (0.0, 0.0, 0.0);
        let mut sar = q1 * col[0].c_np1;
        let mut sat = 0.0;
        for term in &col[1..] {
            let p = term.a * ratio;
            let pt = term.a * ratio_t;
            let w = term.b * ratio2;
            let q = pt * q1 - w * q2;
            let qd = (p * q1 - w * qd2) + pt * qd1;
            sar += q * term.c_np1;
            sat += qd * term.c;
            q2 = q1;
            q1 = q;
            qd2 = qd1;
            qd1 = qd;
        }
        let mut sum_r = sar;
        let mut sum_phi = u * sat;
        let mut sum_lam = 0.0;

        // Columns m ≥ 1. dP̄nm/dφ = u^(m−1) (−n t Q_nm + f_nm Q_(n−1),m) (HF02 eq. 30 written
        // for Q), so one recursion per column; Σ n q C̄ is Σ (n+1) q C̄ − Σ q C̄.
        let (mut cos_m, mut sin_m) = (cos_l, sin_l);
        let (mut u_m, mut u_m1) = (u, 1.0); // u^m, u^(m−1)
        let mut ratio_m = ratio;
        let mut start = n_col;
        for (m, &q_mm) in self.sectoral.iter().enumerate().skip(1) {
            let len = n_col - m;
            let col = &self.terms[start..start + len];
            start += len;
            let mut q1 = ratio_m * q_mm;
            let mut q2 = 0.0;
            let first = &col[0];
            let (mut sa, mut sb) = (q1 * first.c, q1 * first.s);
            let (mut sar, mut sbr) = (q1 * first.c_np1, q1 * first.s_np1);
            let (mut saf, mut sbf) = (0.0, 0.0);
            for term in &col[1..] {
                let q = (term.a * ratio_t) * q1 - (term.b * ratio2) * q2;
                sa += q * term.c;
                sb += q * term.s;
                sar += q * term.c_np1;
                sbr += q * term.s_np1;
                saf += q1 * term.c_f;
                sbf += q1 * term.s_f;
                q2 = q1;
                q1 = q;
            }
            let mf = m as f64;
            let pv = sa * cos_m + sb * sin_m;
            let pr = sar * cos_m + sbr * sin_m;
            let pf = saf * cos_m + sbf * sin_m;
            let pl = mf * (sb * cos_m - sa * sin_m);
            sum_r += u_m * pr;
            sum_phi += u_m1 * (ratio * pf - t * (pr - pv));
            sum_lam += u_m1 * pl;
            u_m1 = u_m;
            u_m *= u;
            ratio_m *= ratio;
            let c_next = cos_m * cos_l - sin_m * sin_l;
            sin_m = sin_m * cos_l + cos_m * sin_l;
            cos_m = c_next;
        }
        let gm_r2 = self.gm_m3_s2 * inv_r * inv_r;
        let g_r = -gm_r2 * sum_r;
        let g_phi = gm_r2 * sum_phi;
        let g_lam = gm_r2 * sum_lam;
        let horizontal = g_r * u - g_phi * t;
        Vector3::new(
            horizontal * cos_l - g_lam * sin_l,
            horizontal * sin_l + g_lam * cos_l,
            g_r * t + g_phi * u,
        )
    }

    /// Gravitational potential, m²/s², at an Earth-fixed position `r_itrf` in m (not the origin).
    pub fn potential_raw(&self, r_itrf: &Vector3<f64>) -> f64 {
        let (x, y, z) = (r_itrf.x, r_itrf.y, r_itrf.z);
        let rho_xy2 = x * x + y * y;
        let inv_r = 1.0 / (rho_xy2 + z * z).sqrt();
        let rho_xy = rho_xy2.sqrt();
        let t = z * inv_r;
        let u = rho_xy * inv_r;
        let (cos_l, sin_l) = if rho_xy > 0.0 {
            (x / rho_xy, y / rho_xy)
        } else {
            (1.0, 0.0)
        };
        let ratio = self.radius_m * inv_r;
        let ratio_t = ratio * t;
        let ratio2 = ratio * ratio;
        let mut sum_v = 0.0;
        let (mut cos_m, mut sin_m) = (1.0, 0.0);
        let mut u_m = 1.0;
        let mut ratio_m = 1.0;
        let n_col = self.degree + 1;
        let mut start = 0;
        for (m, &q_mm) in self.sectoral.iter().enumerate() {
            let col = &self.terms[start..start + n_col - m];
            start += n_col - m;
            let mut q1 = ratio_m * q_mm;
            let mut q2 = 0.0;
            let (mut sa, mut sb) = (q1 * col[0].c, q1 * col[0].s);
            for term in &col[1..] {
                let q = term.a * ratio_t * q1 - term.b * ratio2 * q2;
                sa += q * term.c;
                sb += q * term.s;
                q2 = q1;
                q1 = q;
            }
            sum_v += u_m * (sa * cos_m + sb * sin_m);
            u_m *= u;
            ratio_m *= ratio;
            let c_next = cos_m * cos_l - sin_m * sin_l;
            sin_m = sin_m * cos_l + cos_m * sin_l;
            cos_m = c_next;
        }
        self.gm_m3_s2 * inv_r * sum_v
    }
}

impl GravityField for SphericalHarmonicGravity {
    fn acceleration_raw(&self, r_body: &Vector3<f64>) -> Vector3<f64> {
        SphericalHarmonicGravity::acceleration_raw(self, r_body)
    }
    fn potential_raw(&self, r_body: &Vector3<f64>) -> f64 {
        SphericalHarmonicGravity::potential_raw(self, r_body)
    }
    fn gm_m3_s2(&self) -> f64 {
        self.gm_m3_s2
    }
    fn needs_earth_fixed_frame(&self) -> bool {
        self.order > 0
    }
    fn name(&self) -> String {
        format!("{} {}x{}", self.model_name, self.degree, self.order)
    }
}
