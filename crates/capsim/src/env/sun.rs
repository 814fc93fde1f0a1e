//! Analytic Sun position in GCRF, and the conical Earth-shadow geometry.
//!
//! **Sun (default, [`sun_position_gcrf`])**: the geometric position of the Sun relative to the
//! Earth's centre from the heliocentric ecliptic coordinates of the Earth of VSOP87 (version D:
//! mean dynamical ecliptic and equinox of date; Bretagnon & Francou, *A&A* 202, 309, 1988) as
//! truncated and printed by J. Meeus, *Astronomical Algorithms* 2nd ed. (Willmann-Bell 1998),
//! Appendix III (the table used by his ch. 25 "higher accuracy" method and ch. 32), ≈ 1″.
//! Meeus' table has 195 terms; we keep the 93 whose amplitude times `τ_max^k` (τ in Julian
//! millennia, `τ_max` = 0.05 for 1950–2050, `k` the power of τ multiplying the series) is at
//! least 4e-7 rad (or AU). Evaluating the full and the truncated tables every 7 days over
//! 1950–2050 (done once when choosing the cut; figures in docs/models.md) shows the
//! cut changes the longitude by ≤ 0.47″, the latitude by ≤ 0.07″ and the distance by
//! ≤ 3.5e-6 AU.
//!
//! Frames: geocentric λ = L + 180°, β = −B; Meeus eq. (32.3) shifts VSOP87's dynamical equinox
//! to FK5 (−0.09033″ in longitude, plus a 0.039″ term). The ecliptic-of-date vector is taken to
//! GCRF by the transpose of SOFA's `ecm06` (IAU 2006 mean obliquity of date and IAU 2006
//! precession with frame bias; via `sofars`). No nutation, aberration or light time: force
//! models want the *geometric* position at the same instant (the apparent Sun differs by
//! ≈ 20″ of aberration, which is not a force effect). Time argument: TT seconds since J2000
//! (TDB − TT < 2 ms moves the Sun by < 0.0001″).
//!
//! Measured against JPL DE421 (tests/data/de421_sun_moon_2007_2008.csv) over 2007–2008: see
//! the test `sun_matches_de421_2007_2008` (0.46″ max, 0.22″ RMS, 1.9e-6 in distance).
//! Cost ≈ 0.9 µs per call (93 cosines plus `ecm06` ≈ 60 ns), see docs/models.md.
//!
//! **Low-precision Sun ([`sun_position_gcrf_low_precision`])**: Montenbruck & Gill, *Satellite
//! Orbits* (Springer 2000), §3.3.2, eqs. (3.43)–(3.44): a two-term equation of centre, J2000
//! obliquity; 1.9′ worst in direction vs DE421 over 2007–2008 (measured). Kept for callers
//! that want nanoseconds and tolerate arcminutes.
//!
//! **Shadow**: conical shadow switching functions of Montenbruck & Gill §3.4.2 (apparent radii
//! of the Sun and Earth discs and their separation, as seen from the satellite). The fraction of
//! the solar disc visible (penumbra) is [`crate::env::solar_radiation::illuminated_fraction`].

use crate::frames::{Gcrf, Vec3};
use nalgebra::{Matrix3, Vector3};

/// Astronomical unit, m (IAU 2012 Resolution B2).
pub const AU_M: f64 = 149_597_870_700.0;

/// Mean solar radius used for shadow cones, m (IAU 2015 Resolution B3 nominal solar radius).
pub const SUN_RADIUS_M: f64 = 6.957e8;

/// TT seconds per Julian millennium.
const SECONDS_PER_MILLENNIUM: f64 = 365_250.0 * 86_400.0;

/// Sun position relative to the Earth's centre in GCRF (m), at `tt_s` TT seconds since J2000.
///
/// Geometric (no aberration, no light time), from truncated VSOP87 (Meeus Appendix III); see
/// the module documentation for the frames and the measured accuracy (≈ 1″ vs DE421).
pub fn sun_position_gcrf(tt_s: f64) -> Vec3<Gcrf> {
    let tau = tt_s / SECONDS_PER_MILLENNIUM;
    // Heliocentric ecliptic coordinates of the Earth, mean dynamical ecliptic and equinox of
    // date (Meeus ch. 32 with Appendix III): L, B in rad, R in AU.
    let l_earth = (series(&L0, tau) + tau * (series(&L1, tau) + tau * series(&L2, tau))) * 1e-8;
    let b_earth = series(&B0, tau) * 1e-8;
    let r_au = (series(&R0, tau) + tau * series(&R1, tau)) * 1e-8;
    // Geocentric Sun (Meeus eq. 25.x: Θ = L + 180°, β = −B).
    let lambda = l_earth + core::f64::consts::PI;
    let beta = -b_earth;
    // FK5 correction, Meeus eq. (32.3): λ' = λ − 1.397°·T − 0.00031°·T² (T in centuries).
    let t = 10.0 * tau;
    let deg = core::f64::consts::PI / 180.0;
    let arcsec = deg / 3600.0;
    let lambda_p = lambda - (1.397 * t + 0.000_31 * t * t) * deg;
    let (slp, clp) = lambda_p.sin_cos();
    let d_lambda = (-0.090_33 + 0.039_16 * (clp + slp) * beta.tan()) * arcsec;
    let d_beta = 0.039_16 * (clp - slp) * arcsec;
    ecliptic_of_date_to_gcrf(tt_s, lambda + d_lambda, beta + d_beta, r_au * AU_M)
}

/// Σ A·cos(B + C·τ) over one VSOP87 series.
#[inline]
fn series<const N: usize>(terms: &[[f64; 3]; N], tau: f64) -> f64 {
    terms.iter().map(|[a, b, c]| a * (b + c * tau).cos()).sum()
}

/// Spherical coordinates in the mean ecliptic and equinox of date at `tt_s` (longitude,
/// latitude in rad, distance in m) to a GCRF vector, through the transpose of SOFA `ecm06`
/// (IAU 2006 precession-bias and obliquity of date).
pub(crate) fn ecliptic_of_date_to_gcrf(
    tt_s: f64,
    lon_rad: f64,
    lat_rad: f64,
    r_m: f64,
) -> Vec3<Gcrf> {
    let (sl, cl) = lon_rad.sin_cos();
    let (sb, cb) = lat_rad.sin_cos();
    let e = Vector3::new(r_m * cb * cl, r_m * cb * sl, r_m * sb);
    let m = sofars::coords::ecm06(crate::time::J2000_JD, tt_s / 86_400.0);
    let icrs_to_ecl = Matrix3::new(
        m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2], m[2][0], m[2][1], m[2][2],
    );
    Vec3::from_raw(icrs_to_ecl.tr_mul(&e))
}

// VSOP87D Earth, heliocentric, as printed in Meeus, Astronomical Algorithms 2nd ed.,
// Appendix III (units 1e-8 rad for L and B, 1e-8 AU for R; B, C in rad, rad per millennium),
// truncated as described in the module documentation (L3–L5, B1, R2–R4 vanish under it).
const L0: [[f64; 3]; 55] = [
    [175347046.0, 0.0, 0.0],
    [3341656.0, 4.6692568, 6283.07585],
    [34894.0, 4.6261, 12566.1517],
    [3497.0, 2.7441, 5753.3849],
    [3418.0, 2.8289, 3.5231],
    [3136.0, 3.6277, 77713.7715],
    [2676.0, 4.4181, 7860.4194],
    [2343.0, 6.1352, 3930.2097],
    [1324.0, 0.7425, 11506.7698],
    [1273.0, 2.0371, 529.691],
    [1199.0, 1.1096, 1577.3435],
    [990.0, 5.233, 5884.927],
    [902.0, 2.045, 26.298],
    [857.0, 3.508, 398.149],
    [780.0, 1.179, 5223.694],
    [753.0, 2.533, 5507.553],
    [505.0, 4.583, 18849.228],
    [492.0, 4.205, 775.523],
    [357.0, 2.92, 0.067],
    [317.0, 5.849, 11790.629],
    [284.0, 1.899, 796.298],
    [271.0, 0.315, 10977.079],
    [243.0, 0.345, 5486.778],
    [206.0, 4.806, 2544.314],
    [205.0, 1.869, 5573.143],
    [202.0, 2.458, 6069.777],
    [156.0, 0.833, 213.299],
    [132.0, 3.411, 2942.463],
    [126.0, 1.083, 20.775],
    [115.0, 0.645, 0.98],
    [103.0, 0.636, 4694.003],
    [102.0, 0.976, 15720.839],
    [102.0, 4.267, 7.114],
    [99.0, 6.21, 2146.17],
    [98.0, 0.68, 155.42],
    [86.0, 5.98, 161000.69],
    [85.0, 1.3, 6275.96],
    [85.0, 3.67, 71430.7],
    [80.0, 1.81, 17260.15],
    [79.0, 3.04, 12036.46],
    [75.0, 1.76, 5088.63],
    [74.0, 3.5, 3154.69],
    [74.0, 4.68, 801.82],
    [70.0, 0.83, 9437.76],
    [62.0, 3.98, 8827.39],
    [61.0, 1.82, 7084.9],
    [57.0, 2.78, 6286.6],
    [56.0, 4.39, 14143.5],
    [56.0, 3.47, 6279.55],
    [52.0, 0.19, 12139.55],
    [52.0, 1.33, 1748.02],
    [51.0, 0.28, 5856.48],
    [49.0, 0.49, 1194.45],
    [41.0, 5.37, 8429.24],
    [41.0, 2.4, 19651.05],
];

const L1: [[f64; 3]; 3] = [
    [628331966747.0, 0.0, 0.0],
    [206059.0, 2.678235, 6283.07585],
    [4303.0, 2.6351, 12566.1517],
];

const L2: [[f64; 3]; 1] = [[52919.0, 0.0, 0.0]];

const B0: [[f64; 3]; 4] = [
    [280.0, 3.199, 84334.662],
    [102.0, 5.422, 5507.553],
    [80.0, 3.88, 5223.69],
    [44.0, 3.7, 2352.87],
];

const R0: [[f64; 3]; 28] = [
    [100013989.0, 0.0, 0.0],
    [1670700.0, 3.0984635, 6283.07585],
    [13956.0, 3.05525, 12566.1517],
    [3084.0, 5.1985, 77713.7715],
    [1628.0, 1.1739, 5753.3849],
    [1576.0, 2.8469, 7860.4194],
    [925.0, 5.453, 11506.77],
    [542.0, 4.564, 3930.21],
    [472.0, 3.661, 5884.927],
    [346.0, 0.964, 5507.553],
    [329.0, 5.9, 5223.694],
    [307.0, 0.299, 5573.143],
    [243.0, 4.273, 11790.629],
    [212.0, 5.847, 1577.344],
    [186.0, 5.022, 10977.079],
    [175.0, 3.012, 18849.228],
    [110.0, 5.055, 5486.778],
    [98.0, 0.89, 6069.78],
    [86.0, 5.69, 15720.84],
    [86.0, 1.27, 161000.69],
    [65.0, 0.27, 17260.15],
    [63.0, 0.92, 529.69],
    [57.0, 2.01, 83996.85],
    [56.0, 5.24, 71430.7],
    [49.0, 3.25, 2544.31],
    [47.0, 2.58, 775.52],
    [45.0, 5.54, 9437.76],
    [43.0, 6.01, 6275.96],
];

const R1: [[f64; 3]; 2] = [
    [103019.0, 1.10749, 6283.07585],
    [1721.0, 1.0644, 12566.1517],
];

/// Low-precision Sun relative to the Earth's centre in GCRF (m): Montenbruck & Gill §3.3.2,
/// ≈ 2′ in direction (1.9′ worst vs DE421 over 2007–2008) and 0.1 % in distance, a few
/// nanoseconds.
pub fn sun_position_gcrf_low_precision(tt_s: f64) -> Vec3<Gcrf> {
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

/// The committed JPL DE421 reference table (tests/data/de421_sun_moon_2007_2008.csv, made by
/// tools/make_sun_moon_table.py; see tests/data/PROVENANCE.md): rows of
/// (TT seconds since J2000, geocentric Sun in GCRF m, geocentric Moon in GCRF m).
#[cfg(test)]
pub(crate) fn de421_reference_rows() -> Vec<(f64, Vec3<Gcrf>, Vec3<Gcrf>)> {
    let text = include_str!("../../tests/data/de421_sun_moon_2007_2008.csv");
    let mut rows = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.starts_with("jd_tt") || line.trim().is_empty() {
            continue;
        }
        let v: Vec<f64> = line
            .split(',')
            .map(|f| f.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("bad row {line:?}: {e}"));
        assert_eq!(v.len(), 7, "row {line:?}");
        let tt_s = (v[0] - crate::time::J2000_JD) * 86_400.0;
        rows.push((
            tt_s,
            Vec3::new(v[1] * 1e3, v[2] * 1e3, v[3] * 1e3),
            Vec3::new(v[4] * 1e3, v[5] * 1e3, v[6] * 1e3),
        ));
    }
    rows
}

/// Angle between two vectors, rad (atan2 form, accurate for tiny angles).
#[cfg(test)]
pub(crate) fn angle_between(a: &Vec3<Gcrf>, b: &Vec3<Gcrf>) -> f64 {
    a.cross(b).norm().atan2(a.dot(b))
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

    /// Issue #3 acceptance: Sun direction within 0.01° of JPL DE421 across 2007–2008
    /// (reference: tests/data/de421_sun_moon_2007_2008.csv, geocentric geometric ICRF, every
    /// 0.5 day). The model's own accuracy is ≈ 1″ (Meeus App. III) and the frame chain
    /// (ecliptic of date → GCRF) adds < 0.1″; with our further truncation (≤ 0.47″, ≤ 3.5e-6
    /// AU) we also assert 1.5″ in direction and 5e-6 in relative distance. Measured: 0.46″ max,
    /// 0.22″ RMS, 1.9e-6 in distance.
    #[test]
    fn sun_matches_de421_2007_2008() {
        let rows = de421_reference_rows();
        assert!(rows.len() > 1400);
        let (mut max_ang, mut sum_sq, mut max_rel) = (0.0_f64, 0.0, 0.0_f64);
        for (tt_s, sun_ref, _) in &rows {
            let s = sun_position_gcrf(*tt_s);
            let ang = angle_between(&s, sun_ref);
            max_ang = max_ang.max(ang);
            sum_sq += ang * ang;
            max_rel = max_rel.max((s.norm() - sun_ref.norm()).abs() / sun_ref.norm());
        }
        let rms = (sum_sq / rows.len() as f64).sqrt();
        let arcsec = 180.0 * 3600.0 / core::f64::consts::PI;
        eprintln!(
            "Sun vs DE421: max {:.3}\" rms {:.3}\" max |dr|/r {:.2e}",
            max_ang * arcsec,
            rms * arcsec,
            max_rel
        );
        assert!(
            max_ang.to_degrees() < 0.01,
            "max {} deg",
            max_ang.to_degrees()
        );
        assert!(max_ang * arcsec < 1.5, "max {}\"", max_ang * arcsec);
        assert!(max_rel < 5e-6, "distance rel err {max_rel}");
    }

    /// The low-precision series (M&G §3.3.2) against DE421 over 2007–2008. Its purpose is
    /// eclipse timing: 3′ of Sun direction moves a LEO shadow boundary by ≈ 6 km, < 1 s of
    /// flight, so 3′ is the bound asserted (measured 1.9′; M&G's series has no planetary
    /// perturbations and a J2000 obliquity).
    #[test]
    fn low_precision_sun_within_three_arcmin_of_de421() {
        let mut max_ang = 0.0_f64;
        for (tt_s, sun_ref, _) in de421_reference_rows() {
            max_ang = max_ang.max(angle_between(
                &sun_position_gcrf_low_precision(tt_s),
                &sun_ref,
            ));
        }
        assert!(
            max_ang.to_degrees() * 60.0 < 3.0,
            "{} arcmin",
            max_ang.to_degrees() * 60.0
        );
    }
}
