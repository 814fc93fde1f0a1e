//! Point-mass and zonal (J2..J6) gravity in closed form.
//!
//! The zonal potential is `V = GM/r [1 − Σ_{n=2}^{N} J_n (R/r)^n P_n(s)]`, s = z/r, with P_n the
//! Legendre polynomials. Its gradient is written with the identity
//! `P'_{n+1}(s) = (n+1) P_n(s) + s P'_n(s)`:
//!
//! ```text
//! a_n = GM J_n R^n / r^(n+2) · [ P'_{n+1}(s) r̂ − P'_n(s) ẑ ],
//! ```
//!
//! which, expanded with the explicit polynomials, are the closed-form J2..J6 accelerations of
//! Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), §8.7, eq. 8-29 and
//! following, and Montenbruck & Gill, *Satellite Orbits* (2000), §3.2.2. No recursion, no trig.
//!
//! A zonal field is symmetric about the z axis, so it may be evaluated in any frame whose z
//! axis is the Earth's rotation axis (ITRF; to within precession-nutation and polar motion, also
//! an inertial frame of date). `needs_earth_fixed_frame()` is therefore `false`.
//!
//! J_n come from a coefficient set as J_n = −√(2n+1) C̄n0 (Heiskanen & Moritz 1967, eq. 1-73).

use super::{GravityCoefficients, GravityError, GravityField};
use crate::constants::GM_EARTH_M3_S2;
use nalgebra::Vector3;

/// Highest zonal degree of [`ZonalGravity`].
pub const ZONAL_MAX_DEGREE: usize = 6;

/// EGM2008 tide-free C̄20, as printed in NGA's coefficient list `EGM2008_to2190_TideFree`
/// (Pavlis et al. 2012); used by [`ZonalGravity::j2_only`] so that it needs no parsing.
const EGM2008_C20_TIDE_FREE: f64 = -0.484165143790815e-3;
/// EGM2008 GM, m³/s².
const EGM2008_GM_M3_S2: f64 = 3.986004415e14;
/// EGM2008 reference radius, m.
const EGM2008_RADIUS_M: f64 = 6_378_136.3;

/// Central (Keplerian) gravity, `−GM r/|r|³`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointMass {
    /// Gravitational parameter, m³/s².
    pub gm_m3_s2: f64,
}

impl PointMass {
    /// A point mass with the given GM, m³/s².
    pub const fn new(gm_m3_s2: f64) -> Self {
        Self { gm_m3_s2 }
    }
    /// The Earth with the WGS-84 GM ([`crate::constants::GM_EARTH_M3_S2`]).
    pub const fn earth() -> Self {
        Self::new(GM_EARTH_M3_S2)
    }
}

impl GravityField for PointMass {
    #[inline]
    fn acceleration_raw(&self, r_body: &Vector3<f64>) -> Vector3<f64> {
        let r2 = r_body.norm_squared();
        let inv_r = 1.0 / r2.sqrt();
        r_body * (-self.gm_m3_s2 * inv_r * inv_r * inv_r)
    }
    fn potential_raw(&self, r_body: &Vector3<f64>) -> f64 {
        self.gm_m3_s2 / r_body.norm()
    }
    fn gm_m3_s2(&self) -> f64 {
        self.gm_m3_s2
    }
    fn needs_earth_fixed_frame(&self) -> bool {
        false
    }
    fn name(&self) -> String {
        "point mass".to_string()
    }
}

/// Central term plus zonal harmonics J2..J_N, N in 2..=6, in closed form.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonalGravity {
    gm_m3_s2: f64,
    radius_m: f64,
    max_degree: usize,
    /// J_n at index n (0 and 1 unused, zero).
    j: [f64; ZONAL_MAX_DEGREE + 1],
    /// GM J_n R^n, precomputed.
    k: [f64; ZONAL_MAX_DEGREE + 1],
    label: String,
}

impl ZonalGravity {
    /// A zonal field from GM (m³/s²), reference radius (m) and `j_from_2 = [J2, J3, …]`
    /// (1 to 5 values).
    pub fn new(gm_m3_s2: f64, radius_m: f64, j_from_2: &[f64]) -> Result<Self, GravityError> {
        Self::build(gm_m3_s2, radius_m, j_from_2, "zonal")
    }

    fn build(
        gm_m3_s2: f64,
        radius_m: f64,
        j_from_2: &[f64],
        label: &str,
    ) -> Result<Self, GravityError> {
        for (name, value) in [("gm_m3_s2", gm_m3_s2), ("radius_m", radius_m)] {
            if !value.is_finite() || value <= 0.0 {
                return Err(GravityError::InvalidConstant {
                    name,
                    value,
                    reason: "must be finite and positive",
                });
            }
        }
        let max_degree = j_from_2.len() + 1;
        if !(2..=ZONAL_MAX_DEGREE).contains(&max_degree) {
            return Err(GravityError::ZonalDegreeOutOfRange { degree: max_degree });
        }
        let mut j = [0.0; ZONAL_MAX_DEGREE + 1];
        let mut k = [0.0; ZONAL_MAX_DEGREE + 1];
        for (i, &jn) in j_from_2.iter().enumerate() {
            let n = i + 2;
            if !jn.is_finite() {
                return Err(GravityError::InvalidConstant {
                    name: "J_n",
                    value: jn,
                    reason: "must be finite",
                });
            }
            j[n] = jn;
            k[n] = gm_m3_s2 * jn * radius_m.powi(n as i32);
        }
        Ok(Self {
            gm_m3_s2,
            radius_m,
            max_degree,
            j,
            k,
            label: label.to_string(),
        })
    }

    /// Zonal terms J2..J_`max_degree` of a coefficient set (J_n = −√(2n+1) C̄n0).
    pub fn from_coefficients(
        coeffs: &GravityCoefficients,
        max_degree: usize,
    ) -> Result<Self, GravityError> {
        if !(2..=ZONAL_MAX_DEGREE).contains(&max_degree) {
            return Err(GravityError::ZonalDegreeOutOfRange { degree: max_degree });
        }
        if max_degree > coeffs.max_degree() {
            return Err(GravityError::DegreeTooHigh {
                requested: max_degree,
                available: coeffs.max_degree(),
            });
        }
        let mut js = [0.0; ZONAL_MAX_DEGREE - 1];
        for (i, jn) in js.iter_mut().enumerate().take(max_degree - 1) {
            *jn = coeffs.j(i + 2);
        }
        Self::build(
            coeffs.gm_m3_s2(),
            coeffs.radius_m(),
            &js[..max_degree - 1],
            coeffs.model_name(),
        )
    }

    /// EGM2008 (compiled in) zonal terms J2..J_`max_degree`, `max_degree` in 2..=6.
    pub fn egm2008(max_degree: usize) -> Result<Self, GravityError> {
        Self::from_coefficients(GravityCoefficients::egm2008()?, max_degree)
    }

    /// J2 only, with EGM2008's tide-free C̄20, GM and radius (no file parsing).
    pub fn j2_only() -> Self {
        let j2 = -5f64.sqrt() * EGM2008_C20_TIDE_FREE;
        let k2 = EGM2008_GM_M3_S2 * j2 * EGM2008_RADIUS_M * EGM2008_RADIUS_M;
        let mut j = [0.0; ZONAL_MAX_DEGREE + 1];
        let mut k = [0.0; ZONAL_MAX_DEGREE + 1];
        j[2] = j2;
        k[2] = k2;
        Self {
            gm_m3_s2: EGM2008_GM_M3_S2,
            radius_m: EGM2008_RADIUS_M,
            max_degree: 2,
            j,
            k,
            label: "EGM2008".to_string(),
        }
    }

    /// Highest zonal degree included.
    pub fn max_degree(&self) -> usize {
        self.max_degree
    }
    /// Unnormalized J_n (zero for n outside 2..=max_degree).
    pub fn j(&self, n: usize) -> f64 {
        if n <= self.max_degree {
            self.j[n]
        } else {
            0.0
        }
    }
    /// Gravitational parameter, m³/s².
    pub fn gm_m3_s2(&self) -> f64 {
        self.gm_m3_s2
    }
    /// Reference radius, m.
    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }

    /// Total acceleration (central + zonal), m/s², in any frame whose z axis is the rotation
    /// axis; `r` in m, not the origin.
    #[inline]
    pub fn acceleration_raw(&self, r: &Vector3<f64>) -> Vector3<f64> {
        let r2 = r.norm_squared();
        let inv_r2 = 1.0 / r2;
        let inv_r = inv_r2.sqrt();
        let s = r.z * inv_r;
        let s2 = s * s;
        // Radial (along r̂) and axial (along ẑ) parts, each divided by r²: a = A_r r̂ + A_z ẑ.
        let mut radial = -self.gm_m3_s2 * inv_r2;
        let mut axial = 0.0;
        // (GM J_n R^n / r^(n+2)) = k_n / r^(n+2)
        let mut scale = inv_r2 * inv_r2; // 1/r^4 for n = 2
                                         // n = 2: P3' = (15 s² − 3)/2, P2' = 3 s
        radial += self.k[2] * scale * (7.5 * s2 - 1.5);
        axial -= self.k[2] * scale * (3.0 * s);
        if self.max_degree >= 3 {
            scale *= inv_r;
            // P4' = (35 s³ − 15 s)/2, P3' = (15 s² − 3)/2
            radial += self.k[3] * scale * s * (17.5 * s2 - 7.5);
            axial -= self.k[3] * scale * (7.5 * s2 - 1.5);
        }
        if self.max_degree >= 4 {
            scale *= inv_r;
            // P5' = (315 s⁴ − 210 s² + 15)/8, P4' = (35 s³ − 15 s)/2
            radial += self.k[4] * scale * ((39.375 * s2 - 26.25) * s2 + 1.875);
            axial -= self.k[4] * scale * s * (17.5 * s2 - 7.5);
        }
        if self.max_degree >= 5 {
            scale *= inv_r;
            // P6' = (693 s⁵ − 630 s³ + 105 s)/8, P5' = (315 s⁴ − 210 s² + 15)/8
            radial += self.k[5] * scale * s * ((86.625 * s2 - 78.75) * s2 + 13.125);
            axial -= self.k[5] * scale * ((39.375 * s2 - 26.25) * s2 + 1.875);
        }
        if self.max_degree >= 6 {
            scale *= inv_r;
            // P7' = (3003 s⁶ − 3465 s⁴ + 945 s² − 35)/16, P6' = (693 s⁵ − 630 s³ + 105 s)/8
            radial +=
                self.k[6] * scale * (((187.6875 * s2 - 216.5625) * s2 + 59.0625) * s2 - 2.1875);
            axial -= self.k[6] * scale * s * ((86.625 * s2 - 78.75) * s2 + 13.125);
        }
        // radial multiplies r̂ = r/|r|; axial multiplies ẑ.
        let f = radial * inv_r;
        Vector3::new(f * r.x, f * r.y, f * r.z + axial)
    }

    /// Potential (positive), m²/s², in any frame whose z axis is the rotation axis.
    pub fn potential_raw(&self, r: &Vector3<f64>) -> f64 {
        let rn = r.norm();
        let s = r.z / rn;
        let s2 = s * s;
        let q = self.radius_m / rn;
        let p = [
            0.0,
            0.0,
            1.5 * s2 - 0.5,
            s * (2.5 * s2 - 1.5),
            (4.375 * s2 - 3.75) * s2 + 0.375,
            s * ((7.875 * s2 - 8.75) * s2 + 1.875),
            ((14.4375 * s2 - 19.6875) * s2 + 6.5625) * s2 - 0.3125,
        ];
        let mut sum = 1.0;
        let mut qn = q;
        for (jn, pn) in self
            .j
            .iter()
            .zip(p.iter())
            .take(self.max_degree + 1)
            .skip(2)
        {
            qn *= q;
            sum -= jn * qn * pn;
        }
        self.gm_m3_s2 / rn * sum
    }
}

impl GravityField for ZonalGravity {
    fn acceleration_raw(&self, r_body: &Vector3<f64>) -> Vector3<f64> {
        ZonalGravity::acceleration_raw(self, r_body)
    }
    fn potential_raw(&self, r_body: &Vector3<f64>) -> f64 {
        ZonalGravity::potential_raw(self, r_body)
    }
    fn gm_m3_s2(&self) -> f64 {
        self.gm_m3_s2
    }
    fn needs_earth_fixed_frame(&self) -> bool {
        false
    }
    fn name(&self) -> String {
        if self.max_degree == 2 {
            format!("{} J2", self.label)
        } else {
            format!("{} J2-J{}", self.label, self.max_degree)
        }
    }
}
