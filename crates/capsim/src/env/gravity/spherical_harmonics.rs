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

/// Two f64 lanes, operated on lane by lane. Used for two neighbouring columns (m, m+1) at the
/// same degree n: their recursions are independent, so the compiler maps each operation to one
/// two-wide SIMD instruction (SSE2 on x86-64, NEON on aarch64) and the two dependency chains
/// overlap. Each lane performs exactly the scalar operations of the one-column code.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(16))]
struct F2([f64; 2]);

impl F2 {
    #[inline(always)]
    fn splat(v: f64) -> Self {
        F2([v, v])
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        F2([self.0[0] * o.0[0], self.0[1] * o.0[1]])
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        F2([self.0[0] + o.0[0], self.0[1] + o.0[1]])
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        F2([self.0[0] - o.0[0], self.0[1] - o.0[1]])
    }
}

/// Row n of a column pair (m, m+1): lane 0 holds the (n, m) entry, lane 1 the (n, m+1) entry.
/// The pair's rows run n = m+1..=degree; in the first row lane 1 is the sectoral term (m+1, m+1),
/// whose recursion factors are unused.
#[derive(Clone, Copy, Debug, Default)]
struct PairTerm {
    a: F2,
    b: F2,
    c: F2,
    s: F2,
    c_np1: F2,
    s_np1: F2,
    c_f: F2,
    s_f: F2,
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
    /// The same entries for columns m ≥ 1 regrouped by pairs (1, 2), (3, 4), …: pair k holds
    /// rows n = 2k+2..=degree of columns 2k+1 and 2k+2 (see [`PairTerm`]). An odd last column
    /// is not paired and is read from `terms`.
    pairs: Arc<[PairTerm]>,
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
        // Column pairs (m, m+1) for m = 1, 3, …, row n of the pair at index n − (m+1).
        let col_start = |m: usize| m * (degree + 1) - m * (m.saturating_sub(1)) / 2;
        let mut pairs = Vec::with_capacity(terms.len());
        let mut m = 1;
        while m < order {
            let (c0, c1) = (col_start(m), col_start(m + 1));
            for n in (m + 1)..=degree {
                let t0 = terms[c0 + (n - m)];
                let t1 = terms[c1 + (n - m - 1)];
                let two = |f: fn(&Term) -> f64| F2([f(&t0), f(&t1)]);
                pairs.push(PairTerm {
                    a: two(|t| t.a),
                    b: two(|t| t.b),
                    c: two(|t| t.c),
                    s: two(|t| t.s),
                    c_np1: two(|t| t.c_np1),
                    s_np1: two(|t| t.s_np1),
                    c_f: two(|t| t.c_f),
                    s_f: two(|t| t.s_f),
                });
            }
            m += 2;
        }
        Ok(Self {
            model_name: Arc::from(coeffs.model_name()),
            gm_m3_s2: coeffs.gm_m3_s2(),
            radius_m: coeffs.radius_m(),
            degree,
            order,
            terms: terms.into(),
            sectoral: sectoral.into(),
            pairs: pairs.into(),
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
        let sum_r = sar;
        let sum_phi = u * sat;

        // Columns m ≥ 1. dP̄nm/dφ = u^(m−1) (−n t Q_nm + f_nm Q_(n−1),m) (HF02 eq. 30 written
        // for Q), so one recursion per column; Σ n q C̄ is Σ (n+1) q C̄ − Σ q C̄.
        // Columns are walked two at a time (m, m+1), row by row in n, each lane doing exactly
        // the one-column arithmetic; the per-column results are folded in in the order of m.
        let mut acc = ColumnFold {
            sum_r,
            sum_phi,
            sum_lam: 0.0,
            cos_m: cos_l,
            sin_m: sin_l,
            u_m: u,
            u_m1: 1.0,
            cos_l,
            sin_l,
            u,
            t,
            ratio,
        };
        let mut ratio_m = ratio;
        let rt2 = F2::splat(ratio_t);
        let r22 = F2::splat(ratio2);
        let mut m = 1;
        let mut start = 0;
        while m < self.order {
            let len = self.degree - m;
            let rows = &self.pairs[start..start + len];
            start += len;
            let (head, rest) = match rows.split_first() {
                Some(split) => split,
                None => break,
            };
            let seed0 = ratio_m * self.sectoral[m];
            ratio_m *= ratio;
            let seed1 = ratio_m * self.sectoral[m + 1];
            ratio_m *= ratio;
            // Row n = m: only column m, its sectoral value (Q_(m−1),m = 0).
            let first = &self.terms[self.column_start(m)];
            let mut q1 = F2([seed0, 0.0]);
            let mut q2 = F2([0.0, 0.0]);
            let mut sa = F2([seed0 * first.c, 0.0]);
            let mut sb = F2([seed0 * first.s, 0.0]);
            let mut sar = F2([seed0 * first.c_np1, 0.0]);
            let mut sbr = F2([seed0 * first.s_np1, 0.0]);
            let (mut saf, mut sbf) = (F2([0.0, 0.0]), F2([0.0, 0.0]));
            // Row n = m+1: column m by recursion, column m+1 starts from its sectoral value.
            let mut q = head.a.mul(rt2).mul(q1).sub(head.b.mul(r22).mul(q2));
            q.0[1] = seed1;
            sa = sa.add(q.mul(head.c));
            sb = sb.add(q.mul(head.s));
            sar = sar.add(q.mul(head.c_np1));
            sbr = sbr.add(q.mul(head.s_np1));
            saf = saf.add(q1.mul(head.c_f));
            sbf = sbf.add(q1.mul(head.s_f));
            q2 = q1;
            q1 = q;
            for term in rest {
                let q = term.a.mul(rt2).mul(q1).sub(term.b.mul(r22).mul(q2));
                sa = sa.add(q.mul(term.c));
                sb = sb.add(q.mul(term.s));
                sar = sar.add(q.mul(term.c_np1));
                sbr = sbr.add(q.mul(term.s_np1));
                saf = saf.add(q1.mul(term.c_f));
                sbf = sbf.add(q1.mul(term.s_f));
                q2 = q1;
                q1 = q;
            }
            for lane in 0..2 {
                acc.fold(
                    m + lane,
                    [sa.0[lane], sb.0[lane]],
                    [sar.0[lane], sbr.0[lane]],
                    [saf.0[lane], sbf.0[lane]],
                );
            }
            m += 2;
        }
        if m == self.order {
            // Odd last column, one scalar pass.
            let start = self.column_start(m);
            let col = &self.terms[start..start + self.degree + 1 - m];
            let mut q1 = ratio_m * self.sectoral[m];
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
            acc.fold(m, [sa, sb], [sar, sbr], [saf, sbf]);
        }
        let (sum_r, sum_phi, sum_lam) = (acc.sum_r, acc.sum_phi, acc.sum_lam);
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

    /// Index in `terms` of the entry (n = m, m).
    #[inline]
    fn column_start(&self, m: usize) -> usize {
        m * (self.degree + 1) - m * m.saturating_sub(1) / 2
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

/// Running sums of the columns m ≥ 1, folded in one column at a time in increasing m, with
/// cos mλ, sin mλ (complex-multiplication recursion), u^m and u^(m−1).
struct ColumnFold {
    sum_r: f64,
    sum_phi: f64,
    sum_lam: f64,
    cos_m: f64,
    sin_m: f64,
    u_m: f64,
    u_m1: f64,
    cos_l: f64,
    sin_l: f64,
    u: f64,
    t: f64,
    ratio: f64,
}

impl ColumnFold {
    /// Adds column `m` from its sums Σq(C̄, S̄), Σ(n+1)q(C̄, S̄), Σq_(n−1) f (C̄, S̄), then
    /// advances the trigonometric and u powers to m+1.
    #[inline(always)]
    fn fold(&mut self, m: usize, v: [f64; 2], r: [f64; 2], f: [f64; 2]) {
        let (cos_m, sin_m) = (self.cos_m, self.sin_m);
        let pv = v[0] * cos_m + v[1] * sin_m;
        let pr = r[0] * cos_m + r[1] * sin_m;
        let pf = f[0] * cos_m + f[1] * sin_m;
        let pl = m as f64 * (v[1] * cos_m - v[0] * sin_m);
        self.sum_r += self.u_m * pr;
        self.sum_phi += self.u_m1 * (self.ratio * pf - self.t * (pr - pv));
        self.sum_lam += self.u_m1 * pl;
        self.u_m1 = self.u_m;
        self.u_m *= self.u;
        let c_next = cos_m * self.cos_l - sin_m * self.sin_l;
        self.sin_m = sin_m * self.cos_l + cos_m * self.sin_l;
        self.cos_m = c_next;
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
