//! Low-precision analytic Sun position, for shadow (eclipse) geometry.
//!
//! Model: the solar coordinates of Montenbruck & Gill, *Satellite Orbits* (Springer 2000),
//! §3.3.2, eqs. (3.43)–(3.44): a two-term equation of centre on the mean anomaly, distance from a
//! three-term series, ecliptic latitude zero, rotated to the equator with the J2000 obliquity
//! 23.43929111°. Mean equinox of J2000, so the result is in EME2000/GCRF (their 17 mas frame
//! bias is far below this model's accuracy). Stated accuracy: ~0.1–1′ in direction and 0.1 % in
//! distance over 1950–2050, which moves a LEO eclipse boundary by well under a second.
//!
//! The precise ephemeris (checked against JPL DE) belongs to the environment issue; this one is
//! kept because eclipse events need a Sun that costs nanoseconds.

use crate::frames::{Gcrf, Vec3};

/// Astronomical unit, m (IAU 2012 Resolution B2).
pub const AU_M: f64 = 149_597_870_700.0;

/// Mean solar radius used for shadow cones, m (IAU 2015 Resolution B3 nominal solar radius).
pub const SUN_RADIUS_M: f64 = 6.957e8;

/// Sun position relative to the Earth's centre in GCRF (m), at `tt_s` TT seconds since J2000.
pub fn sun_position_gcrf(tt_s: f64) -> Vec3<Gcrf> {
    sun_position_with_equinox_shift(tt_s, 0.0)
}

/// The same series with `equinox_shift_deg_per_century` added to the ecliptic longitude
/// (M&G: 1.3972°/century refers it to the mean equinox of date instead of J2000).
fn sun_position_with_equinox_shift(tt_s: f64, equinox_shift_deg_per_century: f64) -> Vec3<Gcrf> {
    let t = crate::time::tt_centuries(tt_s);
    let deg = core::f64::consts::PI / 180.0;
    let arcsec = deg / 3600.0;
    // M&G eq. (3.43): mean anomaly and ecliptic longitude (Ω + ω = 282.9400°).
    let m = (357.5256 + 35_999.049 * t) * deg;
    let lambda = 282.9400 * deg
        + m
        + 6_892.0 * arcsec * m.sin()
        + 72.0 * arcsec * (2.0 * m).sin()
        + equinox_shift_deg_per_century * t * deg;
    // M&G eq. (3.43): distance in m.
    let r = (149.619 - 2.499 * m.cos() - 0.021 * (2.0 * m).cos()) * 1e9;
    let eps = 23.439_291_11 * deg;
    let (sl, cl) = lambda.sin_cos();
    Vec3::new(r * cl, r * sl * eps.cos(), r * sl * eps.sin())
}

/// Which part of the Earth's shadow a point is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Illumination {
    Sunlit,
    Penumbra,
    Umbra,
}

/// Conical-shadow switching functions at satellite position `r` (GCRF, m) for a Sun at `r_sun`.
///
/// Returns `(g_penumbra, g_umbra)` in radians: the separation of the apparent solar and
/// terrestrial discs minus the sum (penumbra) or difference (umbra) of their apparent radii,
/// as in Montenbruck & Gill §3.4.2. A negative value means inside that shadow region.
pub fn shadow_functions(r: &Vec3<Gcrf>, r_sun: &Vec3<Gcrf>, earth_radius_m: f64) -> (f64, f64) {
    let to_sun = *r_sun - *r;
    let d_sun = to_sun.norm();
    let d_earth = r.norm();
    let a = (SUN_RADIUS_M / d_sun).clamp(-1.0, 1.0).asin();
    let b = (earth_radius_m / d_earth).clamp(-1.0, 1.0).asin();
    let c = ((-*r).dot(&to_sun) / (d_earth * d_sun))
        .clamp(-1.0, 1.0)
        .acos();
    (c - (a + b), c - (b - a))
}

/// Illumination state from the conical shadow model.
pub fn illumination(r: &Vec3<Gcrf>, r_sun: &Vec3<Gcrf>, earth_radius_m: f64) -> Illumination {
    let (gp, gu) = shadow_functions(r, r_sun, earth_radius_m);
    if gu < 0.0 {
        Illumination::Umbra
    } else if gp < 0.0 {
        Illumination::Penumbra
    } else {
        Illumination::Sunlit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{tt_seconds_j2000, Epoch};

    /// Vallado, *Fundamentals of Astrodynamics and Applications* 4th ed., Example 5-1:
    /// Sun on 2006-04-02 00:00 at r = (146 186 700, 28 788 980, 12 481 060) km in the mean
    /// equator and equinox of date (the book's algorithm is good to ~0.01°). Our series is
    /// referred to the equinox of date with M&G's 1.3972°/century; the tolerance, 0.03° and
    /// 1e-4 in distance, is the two low-precision models' combined accuracy.
    #[test]
    fn matches_vallado_example_5_1() {
        let e = Epoch::from_gregorian(2006, 4, 2, 0, 0, 0, 0, hifitime::TimeScale::TT);
        let s = sun_position_with_equinox_shift(tt_seconds_j2000(e), 1.3972);
        let refv = Vec3::<Gcrf>::new(146_186_700e3, 28_788_980e3, 12_481_060e3);
        let ang = (s.dot(&refv) / (s.norm() * refv.norm()))
            .acos()
            .to_degrees();
        assert!(ang < 0.03, "direction differs by {ang} deg");
        let rel = (s.norm() - refv.norm()).abs() / refv.norm();
        assert!(rel < 1e-4, "distance differs by {rel}");
    }

    #[test]
    fn shadow_geometry() {
        let sun = Vec3::<Gcrf>::new(AU_M, 0.0, 0.0);
        let re = 6_378_137.0;
        // Behind the Earth on the Sun line: umbra. On the Sun side: sunlit.
        assert_eq!(
            illumination(&Vec3::new(-7.0e6, 0.0, 0.0), &sun, re),
            Illumination::Umbra
        );
        assert_eq!(
            illumination(&Vec3::new(7.0e6, 0.0, 0.0), &sun, re),
            Illumination::Sunlit
        );
        // Grazing the shadow edge at 7000 km: the umbra cone narrows and the penumbra widens
        // by ~R_sun/AU · d ≈ 0.0047 rad · 7000 km ≈ 33 km; a point 10 km inside the geometric
        // cylinder edge is in penumbra or umbra, 60 km outside is sunlit.
        assert_ne!(
            illumination(&Vec3::new(-7.0e6, re - 10e3, 0.0), &sun, re),
            Illumination::Sunlit
        );
        assert_eq!(
            illumination(&Vec3::new(-7.0e6, re + 60e3, 0.0), &sun, re),
            Illumination::Sunlit
        );
    }
}
