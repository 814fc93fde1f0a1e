//! Solar radiation pressure on a "cannonball" (sphere-like, attitude-independent) vehicle, with
//! the Earth's penumbra.
//!
//! Model: Montenbruck & Gill, *Satellite Orbits* (Springer 2000), §3.4.1 eq. (3.75) with the
//! cannonball simplification (force along the Sun–satellite line):
//!
//! `a = −ν · P⊙ · (AU/d)² · C_R · A/m · ê`,
//!
//! where `ê` is the unit vector from the satellite to the Sun, `d` their distance, `P⊙` =
//! 4.56e-6 N/m² the solar radiation pressure at 1 AU (M&G §3.4.1, from the solar constant
//! 1367 W/m² over c), `C_R` the radiation-pressure coefficient (1 for a perfect absorber, ≈ 2
//! for a flat specular reflector facing the Sun; 1.2–1.5 is typical of a capsule), `A/m` the
//! area-to-mass ratio. Magnitude: 5.9e-8 m/s² for A/m = 0.01 m²/kg, C_R = 1.3.
//!
//! Shadow factor ν ∈ [0, 1]: the fraction of the solar disc visible from the satellite under
//! the conical shadow model with penumbra, M&G §3.4.2 eqs. (3.85)–(3.89): with the apparent radii
//! of the Sun `a = asin(R⊙/|s − r|)` and Earth `b = asin(R⊕/|r|)` and their apparent separation
//! `c`, the occulted area of two overlapping discs is
//! `A = a²·acos(x/a) + b²·acos((c − x)/b) − c·y`, `x = (c² + a² − b²)/(2c)`, `y = √(a² − x²)`,
//! and `ν = 1 − A/(π a²)`. The geometry (`a`, `b`, `c`) is exactly that of
//! [`crate::env::sun::shadow_functions`], so ν = 1 exactly where its penumbra function is ≥ 0
//! and ν = 0 exactly where its umbra function is ≤ 0. Earth radius: WGS-84 equatorial
//! (M&G use R⊕ = 6378 km); no atmospheric refraction/absorption or oblateness (those shift the
//! shadow boundary by a few km, ≈ 1 s of LEO flight). Moon shadows are not modelled.

use crate::constants::WGS84_A_M;
use crate::env::sun::{AU_M, SUN_RADIUS_M};
use crate::frames::{Gcrf, Vec3};

/// Solar radiation pressure at 1 AU, N/m² (Montenbruck & Gill §3.4.1: 1367 W/m² / c).
pub const SOLAR_PRESSURE_1AU_N_M2: f64 = 4.56e-6;

/// Invalid cannonball SRP parameters.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SrpError {
    #[error("SRP coefficient C_R = {cr} must be finite and non-negative")]
    InvalidCr { cr: f64 },
    #[error("SRP area {area_m2} m² must be finite and non-negative")]
    InvalidArea { area_m2: f64 },
    #[error("SRP mass {mass_kg} kg must be finite and positive")]
    InvalidMass { mass_kg: f64 },
}

/// Validated cannonball SRP parameters; [`CannonballSrp::acceleration`] is the hot-path call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CannonballSrp {
    cr: f64,
    area_m2: f64,
    mass_kg: f64,
}

impl CannonballSrp {
    /// Checks `cr` ≥ 0, `area_m2` ≥ 0 and `mass_kg` > 0 (all finite).
    pub fn new(cr: f64, area_m2: f64, mass_kg: f64) -> Result<Self, SrpError> {
        if !(cr.is_finite() && cr >= 0.0) {
            return Err(SrpError::InvalidCr { cr });
        }
        if !(area_m2.is_finite() && area_m2 >= 0.0) {
            return Err(SrpError::InvalidArea { area_m2 });
        }
        if !(mass_kg.is_finite() && mass_kg > 0.0) {
            return Err(SrpError::InvalidMass { mass_kg });
        }
        Ok(Self {
            cr,
            area_m2,
            mass_kg,
        })
    }

    /// Radiation-pressure coefficient C_R.
    pub fn cr(&self) -> f64 {
        self.cr
    }
    /// Cross-section area, m².
    pub fn area_m2(&self) -> f64 {
        self.area_m2
    }
    /// Mass, kg.
    pub fn mass_kg(&self) -> f64 {
        self.mass_kg
    }

    /// SRP acceleration (m/s², GCRF) at geocentric `r_sat` with the Sun at geocentric `r_sun`.
    #[inline]
    pub fn acceleration(&self, r_sat: &Vec3<Gcrf>, r_sun: &Vec3<Gcrf>) -> Vec3<Gcrf> {
        srp_acceleration(r_sat, r_sun, self.cr, self.area_m2, self.mass_kg)
    }
}

/// Fraction of the solar disc visible from geocentric `r_sat` (m, GCRF) with the Sun at
/// geocentric `r_sun`, under the conical Earth shadow with penumbra (Earth radius WGS-84
/// equatorial). 1 in sunlight, 0 in umbra.
#[inline]
pub fn illuminated_fraction(r_sat: &Vec3<Gcrf>, r_sun: &Vec3<Gcrf>) -> f64 {
    illuminated_fraction_with_radius(r_sat, r_sun, WGS84_A_M)
}

/// [`illuminated_fraction`] for an occulting sphere of radius `earth_radius_m` centred at the
/// origin (the same geometry as [`crate::env::sun::shadow_functions`]).
pub fn illuminated_fraction_with_radius(
    r_sat: &Vec3<Gcrf>,
    r_sun: &Vec3<Gcrf>,
    earth_radius_m: f64,
) -> f64 {
    let to_sun = *r_sun - *r_sat;
    let d_sun = to_sun.norm();
    let d_earth = r_sat.norm();
    // Apparent radii and separation (M&G eqs. 3.85–3.87), as in `shadow_functions`.
    let a = (SUN_RADIUS_M / d_sun).clamp(-1.0, 1.0).asin();
    let b = (earth_radius_m / d_earth).clamp(-1.0, 1.0).asin();
    let c = ((-*r_sat).dot(&to_sun) / (d_earth * d_sun))
        .clamp(-1.0, 1.0)
        .acos();
    if !(a > 0.0 && c.is_finite()) {
        // Degenerate geometry (satellite at the Sun or Earth centre): treat as sunlit.
        return 1.0;
    }
    if c >= a + b {
        return 1.0;
    }
    if c <= b - a {
        return 0.0;
    }
    if c <= a - b {
        // Earth disc entirely inside the solar disc (annular geometry, far from Earth).
        return 1.0 - (b * b) / (a * a);
    }
    // Partial overlap, M&G eqs. (3.88)–(3.89).
    let x = (c * c + a * a - b * b) / (2.0 * c);
    let y = (a * a - x * x).max(0.0).sqrt();
    let area = a * a * (x / a).clamp(-1.0, 1.0).acos()
        + b * b * ((c - x) / b).clamp(-1.0, 1.0).acos()
        - c * y;
    (1.0 - area / (core::f64::consts::PI * a * a)).clamp(0.0, 1.0)
}

/// Cannonball SRP acceleration (m/s², GCRF) at geocentric `r_sat` with the Sun at geocentric
/// `r_sun`, including the Earth's penumbra: `−ν·P⊙·(AU/d)²·C_R·A/m·ê` (see the module doc).
///
/// Inputs are not validated here (hot path): `mass_kg` must be positive; use
/// [`CannonballSrp::new`] to validate user-supplied parameters once.
#[inline]
pub fn srp_acceleration(
    r_sat: &Vec3<Gcrf>,
    r_sun: &Vec3<Gcrf>,
    cr: f64,
    area_m2: f64,
    mass_kg: f64,
) -> Vec3<Gcrf> {
    let nu = illuminated_fraction(r_sat, r_sun);
    if nu <= 0.0 {
        return Vec3::zeros();
    }
    let to_sun = *r_sun - *r_sat;
    let d2 = to_sun.norm_squared();
    let d = d2.sqrt();
    // −ν P (AU²/d²) C_R A/m · (to_sun / d)
    let k = -nu * SOLAR_PRESSURE_1AU_N_M2 * (AU_M * AU_M / d2) * cr * area_m2 / mass_kg / d;
    to_sun * k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::sun::shadow_functions;

    const RE: f64 = WGS84_A_M;

    fn sun() -> Vec3<Gcrf> {
        Vec3::new(AU_M, 0.0, 0.0)
    }

    #[test]
    fn sunlit_and_umbra() {
        let s = sun();
        assert_eq!(illuminated_fraction(&Vec3::new(7.0e6, 0.0, 0.0), &s), 1.0);
        assert_eq!(illuminated_fraction(&Vec3::new(0.0, 7.0e6, 0.0), &s), 1.0);
        assert_eq!(illuminated_fraction(&Vec3::new(-7.0e6, 0.0, 0.0), &s), 0.0);
        assert_eq!(
            illuminated_fraction(&Vec3::new(-7.0e6, 0.0, 6.0e6), &s),
            0.0
        );
    }

    /// Sweep across the shadow edge behind the Earth at 7000 km: ν is 0 where
    /// `shadow_functions` says umbra, 1 where it says sunlit, strictly between in penumbra,
    /// non-decreasing and continuous (step-to-step change bounded by the sweep resolution).
    #[test]
    fn penumbra_is_monotone_and_matches_shadow_functions() {
        let s = sun();
        let mut prev = 0.0;
        let mut n_pen = 0;
        for i in 0..=4000 {
            let y = RE - 60e3 + 30.0 * i as f64; // 6318 km … 6438 km off the Sun line
            let r = Vec3::<Gcrf>::new(-7.0e6, y, 0.0);
            let nu = illuminated_fraction(&r, &s);
            let (gp, gu) = shadow_functions(&r, &s, RE);
            if gu <= 0.0 {
                assert_eq!(nu, 0.0, "umbra at y={y}");
            } else if gp >= 0.0 {
                assert_eq!(nu, 1.0, "sunlit at y={y}");
            } else {
                assert!(nu > 0.0 && nu < 1.0, "penumbra at y={y}: {nu}");
                n_pen += 1;
            }
            assert!(nu >= prev, "not monotone at y={y}: {nu} < {prev}");
            // Penumbra width ≈ 2·R⊙/AU·(d + …) ≈ 66 km here: 30 m steps change ν by ≲ 1e-3.
            assert!(nu - prev < 2e-3, "jump at y={y}: {prev} → {nu}");
            prev = nu;
        }
        assert!(n_pen > 1000, "penumbra samples {n_pen}");
    }

    /// The occulted-area formula (M&G eqs. 3.88–3.89) against direct numerical integration of
    /// the visible part of the solar disc on a 2000×2000 grid (planar small-angle geometry, as
    /// the formula assumes); grid error ≈ 1e-3.
    #[test]
    fn visible_fraction_matches_grid_integration() {
        let s = sun();
        for y in [RE - 20e3, RE - 5e3, RE + 5e3, RE + 20e3] {
            let r = Vec3::<Gcrf>::new(-7.0e6, y, 0.0);
            let nu = illuminated_fraction(&r, &s);
            let to_sun = s - r;
            let a = (SUN_RADIUS_M / to_sun.norm()).asin();
            let b = (RE / r.norm()).asin();
            let c = ((-r).dot(&to_sun) / (r.norm() * to_sun.norm())).acos();
            let n = 2000;
            let (mut inside, mut visible) = (0u64, 0u64);
            for i in 0..n {
                for j in 0..n {
                    let u = (2.0 * (i as f64 + 0.5) / n as f64 - 1.0) * a;
                    let v = (2.0 * (j as f64 + 0.5) / n as f64 - 1.0) * a;
                    if u * u + v * v <= a * a {
                        inside += 1;
                        // Earth disc centre at distance c along u.
                        if (u - c).powi(2) + v * v > b * b {
                            visible += 1;
                        }
                    }
                }
            }
            let grid = visible as f64 / inside as f64;
            assert!((nu - grid).abs() < 2e-3, "y={y}: formula {nu} grid {grid}");
        }
    }

    /// M&G §3.4: A/m = 0.01 m²/kg, C_R = 1.3 at 1 AU gives 4.56e-6·1.3·0.01 = 5.93e-8 m/s²,
    /// directed away from the Sun; zero in umbra; scaled by ν in penumbra.
    #[test]
    fn srp_magnitude_direction_and_shadow() {
        let s = sun();
        let r = Vec3::<Gcrf>::new(0.0, 7.0e6, 0.0);
        let srp = CannonballSrp::new(1.3, 10.0, 1000.0).expect("valid");
        let a = srp.acceleration(&r, &s);
        let d = (s - r).norm();
        let expected = 4.56e-6 * 1.3 * 0.01 * (AU_M / d).powi(2);
        assert!(
            (a.norm() - expected).abs() < 1e-12 * expected,
            "{}",
            a.norm()
        );
        assert!((a.norm() - 5.928e-8).abs() < 1e-11);
        assert!(a.dot(&(s - r)) < 0.0);
        assert!(a.normalize().dot(&(r - s).normalize()) > 1.0 - 1e-15);
        let umbra = Vec3::<Gcrf>::new(-7.0e6, 0.0, 0.0);
        assert_eq!(srp.acceleration(&umbra, &s).norm(), 0.0);
        let pen = Vec3::<Gcrf>::new(-7.0e6, RE, 0.0);
        let nu = illuminated_fraction(&pen, &s);
        let d_pen = (s - pen).norm();
        let ap = srp.acceleration(&pen, &s).norm();
        let exp_pen = nu * 4.56e-6 * 1.3 * 0.01 * (AU_M / d_pen).powi(2);
        assert!(nu > 0.0 && nu < 1.0 && (ap - exp_pen).abs() < 1e-12 * exp_pen);
    }

    #[test]
    fn invalid_parameters_are_errors() {
        assert!(matches!(
            CannonballSrp::new(f64::NAN, 1.0, 1.0),
            Err(SrpError::InvalidCr { .. })
        ));
        assert!(matches!(
            CannonballSrp::new(1.3, -1.0, 1.0),
            Err(SrpError::InvalidArea { .. })
        ));
        assert!(matches!(
            CannonballSrp::new(1.3, 1.0, 0.0),
            Err(SrpError::InvalidMass { .. })
        ));
        let msg = CannonballSrp::new(1.3, 1.0, -5.0).unwrap_err().to_string();
        assert!(msg.contains("-5") && msg.contains("kg"), "{msg}");
    }
}
