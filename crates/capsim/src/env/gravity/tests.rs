//! Validation and consistency tests of the gravity models. Each names its reference.

use super::*;
use crate::frames::{Itrf, Vec3};
use nalgebra::Vector3;
use std::sync::Arc;

type TestResult = Result<(), GravityError>;

fn from_lat_lon_alt(lat_deg: f64, lon_deg: f64, alt_m: f64, radius_m: f64) -> Vector3<f64> {
    let (lat, lon) = (lat_deg.to_radians(), lon_deg.to_radians());
    let r = radius_m + alt_m;
    Vector3::new(
        r * lat.cos() * lon.cos(),
        r * lat.cos() * lon.sin(),
        r * lat.sin(),
    )
}

/// Test points: LEO 200-1000 km, equatorial, inclined, polar, near-polar, GEO.
fn test_points() -> Vec<(&'static str, Vector3<f64>)> {
    let re = 6_378_137.0;
    vec![
        (
            "equatorial LEO 200 km",
            from_lat_lon_alt(0.0, 12.0, 200e3, re),
        ),
        (
            "ISS-like 51.6 deg 400 km",
            from_lat_lon_alt(51.6, -73.3, 400e3, re),
        ),
        ("polar axis 1000 km", Vector3::new(0.0, 0.0, re + 1000e3)),
        (
            "lat 89.9 deg 500 km",
            from_lat_lon_alt(89.9, 141.0, 500e3, re),
        ),
        (
            "lat -89.99 deg 700 km",
            from_lat_lon_alt(-89.99, -20.0, 700e3, re),
        ),
        (
            "lat -33 deg 300 km",
            from_lat_lon_alt(-33.0, 200.0, 300e3, re),
        ),
        ("GEO", from_lat_lon_alt(0.05, 75.0, 35_786e3, re)),
    ]
}

/// Fourth-order central difference of a scalar field: f'(x) ≈ [f(x−2h) − 8f(x−h) + 8f(x+h)
/// − f(x+2h)] / 12h (Abramowitz & Stegun 25.3.6), error O(h⁴).
fn fd_gradient(f: &dyn Fn(&Vector3<f64>) -> f64, r: &Vector3<f64>, h: f64) -> Vector3<f64> {
    let mut g = Vector3::zeros();
    for i in 0..3 {
        let mut e = Vector3::zeros();
        e[i] = h;
        g[i] = (f(&(r - 2.0 * e)) - 8.0 * f(&(r - e)) + 8.0 * f(&(r + e)) - f(&(r + 2.0 * e)))
            / (12.0 * h);
    }
    g
}

/// Reference: the acceleration is by definition the gradient of the potential; the potential
/// is summed by an independent loop. Tolerance 1e-9 relative; with h = 1e-5 r (64 m in LEO) the
/// O(h⁴) truncation (h·n/r)⁴ is ≈ 1e-12 at degree 90, and the rounding of the summed potential
/// (~1e-15 V ≈ 6e-8 m²/s²) gives ~1.5·6e-8/h ≈ 1.4e-9 m/s², i.e. ~1.5e-10 relative.
/// Measured worst: 1.9e-10 (90x90, 200 km).
#[test]
fn acceleration_is_gradient_of_potential_total_field() -> TestResult {
    for (degree, order) in [(20, 20), (90, 90)] {
        let g = SphericalHarmonicGravity::egm2008(degree, order)?;
        for (label, r) in test_points() {
            let a = g.acceleration_raw(&r);
            let fd = fd_gradient(&|p| g.potential_raw(p), &r, 1e-5 * r.norm());
            let rel = (a - fd).norm() / a.norm();
            assert!(rel <= 1e-9, "{degree}x{order} {label}: rel err {rel:e}");
        }
    }
    Ok(())
}

/// Same reference, sharper: the disturbing part alone (C̄00 set to 0), compared with the size of
/// the disturbing acceleration itself (~1e-2 m/s² in LEO, ~1e-5 at GEO). Rounding of the
/// difference quotient is then ~1e-16·6e4/64 ≈ 1e-13 m/s², so 1e-9 relative is still honest.
/// Measured worst: 4.6e-11 (90x90, latitude −89.99°).
#[test]
fn acceleration_is_gradient_of_potential_disturbing_field() -> TestResult {
    let mut coeffs = GravityCoefficients::egm2008()?.clone();
    coeffs.set(0, 0, 0.0, 0.0)?;
    for (degree, order) in [(20, 20), (90, 90)] {
        let g = SphericalHarmonicGravity::from_coefficients(&coeffs, degree, order)?;
        for (label, r) in test_points() {
            let a = g.acceleration_raw(&r);
            let fd = fd_gradient(&|p| g.potential_raw(p), &r, 1e-5 * r.norm());
            let rel = (a - fd).norm() / a.norm();
            assert!(rel <= 1e-9, "{degree}x{order} {label}: rel err {rel:e}");
        }
    }
    Ok(())
}

/// Reference: the closed-form zonal expressions (Vallado §8.7) and the recursion must give the
/// same field. 1e-13 of the total; the disturbing parts must agree to 1e-10 of themselves.
/// Measured worst: 6.3e-16 of the total, 1.7e-11 of the disturbing part (GEO, where it is 1e-5).
#[test]
fn zonal_closed_form_equals_spherical_harmonics_order_zero() -> TestResult {
    for n in 2..=6 {
        let z = ZonalGravity::egm2008(n)?;
        let sh = SphericalHarmonicGravity::egm2008(n, 0)?;
        let pm = PointMass::new(z.gm_m3_s2());
        for (label, r) in test_points() {
            let az = z.acceleration_raw(&r);
            let ash = sh.acceleration_raw(&r);
            let rel = (az - ash).norm() / ash.norm();
            assert!(rel <= 1e-13, "J2-J{n} {label}: rel err {rel:e}");
            let dist = ash - pm.acceleration_raw(&r);
            let rel_dist = (az - ash).norm() / dist.norm();
            assert!(
                rel_dist <= 1e-10,
                "J2-J{n} {label}: disturbing rel err {rel_dist:e}"
            );
            let vz = z.potential_raw(&r);
            let vsh = sh.potential_raw(&r);
            assert!(
                ((vz - vsh) / vsh).abs() <= 1e-14,
                "J2-J{n} {label} potential"
            );
        }
    }
    Ok(())
}

/// Reference: Newton. A degree-0 expansion is the point mass.
#[test]
fn point_mass_equals_degree_zero() -> TestResult {
    let sh = SphericalHarmonicGravity::egm2008(0, 0)?;
    let pm = PointMass::new(sh.gm_m3_s2());
    for (label, r) in test_points() {
        let a = sh.acceleration_raw(&r);
        let b = pm.acceleration_raw(&r);
        assert!((a - b).norm() <= 1e-15 * b.norm(), "{label}");
        let (va, vb) = (sh.potential_raw(&r), pm.potential_raw(&r));
        assert!(((va - vb) / vb).abs() <= 1e-15, "{label}");
    }
    Ok(())
}

/// Reference: NGA's EGM2008 coefficient list `EGM2008_to2190_TideFree` prints
/// C̄20 = −0.484165143790815D-03, C̄22 = 0.243938357328313D-05, S̄22 = −0.140027370385934D-05;
/// NGA's EGM2008 web page gives the zero-tide C̄20 = −0.484169317366974D-03, related to the
/// tide-free one by the EGM96/EGM2008 convention ΔC̄20 = −3.11080e-8 · k/√5 with k = 0.3
/// (Lemoine et al. 1998, NASA/TP-1998-206861, README of EGM96). The conversion constant has 6
/// significant digits, so a priori the zero-tide check holds to ~4e-9·1e-5 ≈ 4e-14; we ask 1e-13
/// (measured: 3e-19, i.e. NGA derived one value from the other with exactly this formula).
#[test]
fn egm2008_c20_and_j2_match_published_values() -> TestResult {
    let g = GravityCoefficients::egm2008()?;
    assert_eq!(g.c(2, 0), -0.484165143790815e-3);
    assert_eq!(g.c(2, 2), 0.243938357328313e-5);
    assert_eq!(g.s(2, 2), -0.140027370385934e-5);
    let zero_tide = g.c(2, 0) - 3.11080e-8 * 0.3 / 5f64.sqrt();
    assert!((zero_tide - (-0.484169317366974e-3)).abs() < 1e-13);
    // J2 = −√5 C̄20 = 1.082626174e-3 (tide-free); the zero-tide value is 1.082635505e-3, and
    // WGS-84's J2 = 1.08262998905e-3 (NIMA TR8350.2) belongs to EGM96/zero-tide.
    let j2 = g.j(2);
    assert!((j2 - 1.082_626_173_852e-3).abs() < 1e-15, "J2 = {j2:e}");
    let z = ZonalGravity::j2_only();
    assert_eq!(z.j(2), ZonalGravity::egm2008(2)?.j(2));
    Ok(())
}

/// Reference: definition of the 4π full normalization (Heiskanen & Moritz 1967, eq. 1-76;
/// HF02 eq. 3): (1/4π)∫∫ (P̄nm cos mλ)² dσ = 1, i.e. ∫₋₁¹ P̄nm(t)² dt = 2 (m = 0) or 4 (m > 0).
/// The potential of a single-coefficient model on r = R at λ = 0 is GM/R · P̄nm(t); the integral
/// is done by composite Simpson in φ with 20 000 intervals (error < 1e-9 at degree 90).
#[test]
fn legendre_functions_are_fully_normalized() -> TestResult {
    let radius = 6_378_136.3;
    let gm = 3.986004415e14;
    for (n, m) in [
        (2, 0),
        (2, 1),
        (2, 2),
        (3, 1),
        (30, 7),
        (90, 0),
        (90, 45),
        (90, 90),
    ] {
        let mut coeffs = GravityCoefficients::new("unit", gm, radius, TideSystem::Unknown, n)?;
        coeffs.set(0, 0, 0.0, 0.0)?;
        coeffs.set(n, m, 1.0, 0.0)?;
        let g = SphericalHarmonicGravity::from_coefficients(&coeffs, n, m)?;
        let steps = 20_000;
        let h = std::f64::consts::PI / steps as f64;
        let mut integral = 0.0;
        for k in 0..=steps {
            let phi = -std::f64::consts::FRAC_PI_2 + k as f64 * h;
            let r = Vector3::new(radius * phi.cos(), 0.0, radius * phi.sin());
            let p = g.potential_raw(&r) * radius / gm;
            let w = if k == 0 || k == steps {
                1.0
            } else if k % 2 == 1 {
                4.0
            } else {
                2.0
            };
            integral += w * p * p * phi.cos();
        }
        integral *= h / 3.0;
        let expected = if m == 0 { 2.0 } else { 4.0 };
        assert!(
            (integral - expected).abs() < 1e-8,
            "n={n} m={m}: {integral}"
        );
    }
    // Closed form (Heiskanen & Moritz eq. 1-62 normalized with 1-73): P̄22 = (√15/2) cos²φ,
    // so at φ = 30°, λ = 0 the potential of a unit C̄22 is GM/R · √15/2 · 0.75.
    let mut coeffs = GravityCoefficients::new("unit", gm, radius, TideSystem::Unknown, 2)?;
    coeffs.set(0, 0, 0.0, 0.0)?;
    coeffs.set(2, 2, 1.0, 0.0)?;
    let g = SphericalHarmonicGravity::from_coefficients(&coeffs, 2, 2)?;
    let phi = 30f64.to_radians();
    let p =
        g.potential_raw(&Vector3::new(radius * phi.cos(), 0.0, radius * phi.sin())) * radius / gm;
    assert!((p - 15f64.sqrt() / 2.0 * 0.75).abs() < 1e-15);
    Ok(())
}

/// WGS-84 geodetic to ECEF (NIMA TR8350.2 eq. 4-14), local to this test.
fn geodetic_to_ecef(lat_rad: f64, lon_rad: f64, h_m: f64) -> Vector3<f64> {
    let a = crate::constants::WGS84_A_M;
    let f = crate::constants::WGS84_F;
    let e2 = f * (2.0 - f);
    let n = a / (1.0 - e2 * lat_rad.sin().powi(2)).sqrt();
    Vector3::new(
        (n + h_m) * lat_rad.cos() * lon_rad.cos(),
        (n + h_m) * lat_rad.cos() * lon_rad.sin(),
        (n * (1.0 - e2) + h_m) * lat_rad.sin(),
    )
}

/// Gravity (gravitation + centrifugal) in geodetic east/north/up.
fn gravity_enu(g: &SphericalHarmonicGravity, lat_rad: f64, lon_rad: f64, h_m: f64) -> Vector3<f64> {
    let omega = crate::constants::EARTH_ROTATION_RATE_RAD_S;
    let r = geodetic_to_ecef(lat_rad, lon_rad, h_m);
    let acc = g.acceleration_raw(&r) + omega * omega * Vector3::new(r.x, r.y, 0.0);
    let (sp, cp, sl, cl) = (lat_rad.sin(), lat_rad.cos(), lon_rad.sin(), lon_rad.cos());
    let east = Vector3::new(-sl, cl, 0.0);
    let north = Vector3::new(-sp * cl, -sp * sl, cp);
    let up = Vector3::new(cp * cl, cp * sl, sp);
    Vector3::new(acc.dot(&east), acc.dot(&north), acc.dot(&up))
}

/// Reference: GeographicLib 2.1.2 `Gravity(1)` man page (Karney; Debian geographiclib-tools),
/// EXAMPLES: `echo 27:59:17N 86:55:32E 8820 | Gravity -n egm2008` => `-0.00001 0.00103 -9.76782`
/// (gravity incl. centrifugal, ω = 7.292115e-5 rad/s, geodetic east/north/up, m/s², printed to
/// 1e-5).
///
/// GeographicLib sums EGM2008 to degree 2190; we stop at 90 (half-wavelength 220 km). The
/// omitted degrees 91..2190 carry the short-wavelength signal of the High Himalaya, whose
/// free-air anomalies reach ±300 mGal (3e-3 m/s²) over the main peaks (Pavlis et al. 2012,
/// free-air anomaly maps). That signal cannot be computed from our data, so the a-priori
/// tolerance is that amplitude: 3e-3 m/s² per component. What the test does establish, beyond
/// "the right field at the 300 mGal level", is that the truncation error in the up component
/// shrinks as the degree grows (70 → 90), as it must if the residual is omission error.
///
/// Measured with this code: g90 = (3.38e-4, 1.131e-3, −9.765117), g70 = (3.03e-4, 9.46e-4,
/// −9.764704); band 71..90 = (3.5e-5, 1.9e-4, 4.1e-4); error vs GeographicLib = (3.5e-4, 1.0e-4,
/// 2.70e-3) m/s². Degrees 91..120 (brahe's EGM2008_120 file, checked once by hand) move the up
/// component a further −4.9e-4 toward the reference, leaving 2.2e-3 for degrees 121..2190.
/// The model itself is checked to 1e-15 against a multiprecision evaluation in
/// `egm2008_matches_multiprecision_reference`.
#[test]
fn everest_gravity_matches_geographiclib() -> TestResult {
    let lat = (27.0 + 59.0 / 60.0 + 17.0 / 3600.0f64).to_radians();
    let lon = (86.0 + 55.0 / 60.0 + 32.0 / 3600.0f64).to_radians();
    let h = 8820.0;
    let reference = Vector3::new(-0.00001, 0.00103, -9.76782);
    let g90 = gravity_enu(&SphericalHarmonicGravity::egm2008(90, 90)?, lat, lon, h);
    let g70 = gravity_enu(&SphericalHarmonicGravity::egm2008(70, 70)?, lat, lon, h);
    let err90 = (g90 - reference).abs();
    let err70 = (g70 - reference).abs();
    for i in 0..3 {
        assert!(
            err90[i] < 3e-3,
            "component {i}: ours {} vs GeographicLib {} (err {:e})",
            g90[i],
            reference[i],
            err90[i]
        );
    }
    assert!(
        err90[2] < err70[2],
        "up: truncation error must shrink with degree: 70 -> {:e}, 90 -> {:e}",
        err70[2],
        err90[2]
    );
    Ok(())
}

/// Reference: HF02 §2.2 (the modified recursion is stable at all latitudes). Degree 90 along a
/// meridian through the pole and across the equator: finite values, and a smooth profile
/// (second differences along 0.001° steps far below the field's own size).
#[test]
fn degree_90_is_finite_and_smooth_at_poles_and_equator() -> TestResult {
    let g = SphericalHarmonicGravity::egm2008(90, 90)?;
    let re = 6_378_137.0;
    for (lat0, lon) in [(89.98, 10.0), (-90.0, 250.0), (-0.01, 33.0)] {
        let mut prev: Vec<Vector3<f64>> = Vec::new();
        for k in 0..=20 {
            let lat = lat0 + 0.001 * k as f64;
            let r = from_lat_lon_alt(lat, lon, 300e3, re);
            let a = g.acceleration_raw(&r);
            let v = g.potential_raw(&r);
            assert!(
                a.iter().all(|c| c.is_finite()) && v.is_finite(),
                "lat {lat}"
            );
            assert!(
                (a.norm() - 8.94).abs() < 0.1,
                "lat {lat}: |a| = {}",
                a.norm()
            );
            prev.push(a);
        }
        for w in prev.windows(3) {
            let d2 = (w[0] - 2.0 * w[1] + w[2]).norm();
            assert!(d2 < 1e-7, "lat0 {lat0}: second difference {d2:e}");
        }
    }
    // Exactly on the axis and exactly on the equator.
    for r in [
        Vector3::new(0.0, 0.0, re + 300e3),
        Vector3::new(0.0, 0.0, -(re + 300e3)),
        Vector3::new(re + 300e3, 0.0, 0.0),
    ] {
        let a = g.acceleration_raw(&r);
        assert!(a.iter().all(|c| c.is_finite()));
        // Continuity: the limit from a point 1 µm away (the field's own gradient, ~2GM/r³ ≈
        // 2.4e-6 s⁻², moves it by ~3e-12 m/s² over that distance).
        let near = r + Vector3::new(1e-6, 1e-6, 0.0);
        let jump = (g.acceleration_raw(&near) - a).norm();
        assert!(jump < 1e-10, "jump {jump:e}");
    }
    Ok(())
}

/// Stability at the evaluator's limit: a synthetic 360x360 field with Kaula-rule coefficients
/// (C̄nm, S̄nm ~ 1e-5/n², Kaula 1966) stays finite at the pole, the equator and 1000 km, and its
/// acceleration is still the gradient of its potential at the equator.
#[test]
fn synthetic_degree_360_is_finite() -> TestResult {
    let n_max = MAX_DEGREE;
    let mut c = GravityCoefficients::new(
        "kaula",
        3.986004415e14,
        6_378_136.3,
        TideSystem::Unknown,
        n_max,
    )?;
    for n in 2..=n_max {
        for m in 0..=n {
            let sign = if (n + m) % 2 == 0 { 1.0 } else { -1.0 };
            let k = 1e-5 / (n * n) as f64;
            c.set(n, m, sign * k, -sign * 0.7 * k)?;
        }
    }
    let g = SphericalHarmonicGravity::from_coefficients(&c, n_max, n_max)?;
    for (label, r) in test_points() {
        let a = g.acceleration_raw(&r);
        assert!(a.iter().all(|x| x.is_finite()), "{label}: {a:?}");
        assert!(g.potential_raw(&r).is_finite(), "{label}");
    }
    let r = from_lat_lon_alt(0.3, 40.0, 1000e3, 6_378_137.0);
    let a = g.acceleration_raw(&r);
    let fd = fd_gradient(&|p| g.potential_raw(p), &r, 20.0);
    assert!((a - fd).norm() / a.norm() < 1e-9);
    Ok(())
}

#[test]
fn constructors_reject_bad_requests() {
    assert_eq!(
        SphericalHarmonicGravity::egm2008(91, 0).err(),
        Some(GravityError::DegreeTooHigh {
            requested: 91,
            available: 90
        })
    );
    assert_eq!(
        SphericalHarmonicGravity::egm2008(10, 11).err(),
        Some(GravityError::OrderAboveDegree {
            order: 11,
            degree: 10
        })
    );
    assert!(ZonalGravity::egm2008(7).is_err());
    assert!(ZonalGravity::egm2008(1).is_err());
    assert!(ZonalGravity::new(3.986e14, 6.378e6, &[]).is_err());
    assert!(ZonalGravity::new(-1.0, 6.378e6, &[1e-3]).is_err());
    assert!(GravityCoefficients::new("x", f64::NAN, 1.0, TideSystem::Unknown, 2).is_err());
}

/// The common trait: object safety, Send + Sync, frame needs and names.
#[test]
fn trait_objects_and_metadata() -> TestResult {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    let _ = assert_send_sync::<SphericalHarmonicGravity>;
    assert_send_sync::<SphericalHarmonicGravity>();
    assert_send_sync::<ZonalGravity>();
    assert_send_sync::<PointMass>();
    let models: Vec<Arc<dyn GravityField>> = vec![
        Arc::new(PointMass::earth()),
        Arc::new(ZonalGravity::j2_only()),
        Arc::new(ZonalGravity::egm2008(6)?),
        Arc::new(SphericalHarmonicGravity::egm2008(20, 0)?),
        Arc::new(SphericalHarmonicGravity::egm2008(20, 20)?),
    ];
    let names: Vec<String> = models.iter().map(|m| m.name()).collect();
    assert_eq!(
        names,
        [
            "point mass",
            "EGM2008 J2",
            "EGM2008 J2-J6",
            "EGM2008 20x0",
            "EGM2008 20x20"
        ]
    );
    let frames: Vec<bool> = models.iter().map(|m| m.needs_earth_fixed_frame()).collect();
    assert_eq!(frames, [false, false, false, false, true]);
    let r = Vector3::new(7.0e6, 1.0e5, -2.0e5);
    for m in &models {
        let a = m.acceleration_raw(&r);
        // All include the central term: |a| ≈ GM/r².
        let central = m.gm_m3_s2() / r.norm_squared();
        assert!((a.norm() / central - 1.0).abs() < 3e-3, "{}", m.name());
        assert!((m.potential_raw(&r) * r.norm() / m.gm_m3_s2() - 1.0).abs() < 2e-3);
    }
    let sh = SphericalHarmonicGravity::egm2008(20, 20)?;
    assert_eq!(sh.gm_m3_s2(), 3.986004415e14);
    assert_eq!(sh.radius_m(), 6_378_136.3);
    let typed: Vec3<Itrf> = sh.acceleration(&Vec3::from_raw(r));
    assert_eq!(*typed.raw(), sh.acceleration_raw(&r));
    assert_eq!(sh.potential(&Vec3::from_raw(r)), sh.potential_raw(&r));
    Ok(())
}

/// Reference: 40-digit mpmath evaluation of the same truncated EGM2008 sums (tide-free,
/// GM = 3.986004415e14 m³/s², R = 6378136.3 m), published in the MIT-licensed crate brahe 1.8.1
/// (`src/orbit_dynamics/gravity.rs`, test `test_clenshaw_high_precision_reference`, generated
/// by its `scripts/generate_clenshaw_gravity_reference.py`), transcribed here as facts. That
/// evaluation is independent of ours (forward-column ALFs with an analytic θ-derivative, in
/// multiple precision). Double-precision summation of a few thousand terms of size ≤ 1e-2
/// relative to the central term leaves ~1e-15 relative; we ask 1e-13.
#[test]
#[allow(clippy::excessive_precision)] // the reference digits are transcribed as published
fn egm2008_matches_multiprecision_reference() -> TestResult {
    let mid_lat_leo = Vector3::new(6.5e6, 1.2e6, 3.1e6);
    let equatorial_leo = Vector3::new(6_378_136.3 + 500e3, 0.0, 0.0);
    let cases = [
        (
            mid_lat_leo,
            80,
            80,
            Vector3::new(
                -6.659_131_583_250_131_364_7,
                -1.229_414_674_519_353_745_1,
                -3.183_746_816_300_017_334_2,
            ),
        ),
        (
            equatorial_leo,
            60,
            60,
            Vector3::new(
                -8.437_356_180_343_500_090_7,
                -2.337_835_140_639_780_366_6e-5,
                2.987_252_210_370_601_850_1e-5,
            ),
        ),
        (
            equatorial_leo,
            90,
            90,
            Vector3::new(
                -8.437_356_063_934_026_702_1,
                -2.336_162_412_655_566_181_3e-5,
                3.004_697_567_902_150_815_9e-5,
            ),
        ),
    ];
    for (r, n, m, reference) in cases {
        let a = SphericalHarmonicGravity::egm2008(n, m)?.acceleration_raw(&r);
        let rel = (a - reference).norm() / reference.norm();
        assert!(rel < 1e-13, "{n}x{m} at {r:?}: rel err {rel:e}");
    }
    Ok(())
}
