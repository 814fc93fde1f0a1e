//! Validation tests of the integrators, dense output, events and error handling.
//!
//! References: two-body motion has the closed-form solution of Kepler's problem (universal-
//! variable formulation, Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed.,
//! Algorithm 8 "KEPLER"; Curtis, *Orbital Mechanics for Engineering Students*, Alg. 3.3–3.4),
//! cross-checked here against Vallado Example 2-4 from `/work/shared/validation/`. Energy
//! v²/2 − μ/r and angular momentum r × v are exact invariants of the two-body problem.

use nalgebra::{SVector, Vector3};

use super::tableau::*;
use super::*;

const MU: f64 = 3.986004418e14;
const TWO_PI: f64 = core::f64::consts::TAU;

// ------------------------------------------------------------------ test problems

struct TwoBody {
    mu: f64,
}

impl OdeSystem<6> for TwoBody {
    #[inline]
    fn rhs(&mut self, _t: f64, y: &SVector<f64, 6>) -> Result<SVector<f64, 6>, RhsError> {
        let r2 = y[0] * y[0] + y[1] * y[1] + y[2] * y[2];
        let k = -self.mu / (r2 * r2.sqrt());
        Ok(SVector::<f64, 6>::new(
            y[3],
            y[4],
            y[5],
            k * y[0],
            k * y[1],
            k * y[2],
        ))
    }
}

fn split(y: &SVector<f64, 6>) -> (Vector3<f64>, Vector3<f64>) {
    (
        Vector3::new(y[0], y[1], y[2]),
        Vector3::new(y[3], y[4], y[5]),
    )
}

fn join(r: &Vector3<f64>, v: &Vector3<f64>) -> SVector<f64, 6> {
    SVector::<f64, 6>::new(r.x, r.y, r.z, v.x, v.y, v.z)
}

fn energy(y: &SVector<f64, 6>, mu: f64) -> f64 {
    let (r, v) = split(y);
    0.5 * v.norm_squared() - mu / r.norm()
}

fn ang_mom(y: &SVector<f64, 6>) -> Vector3<f64> {
    let (r, v) = split(y);
    r.cross(&v)
}

/// Stumpff functions C(z), S(z) (Curtis eqs. 3.50–3.51).
fn stumpff(z: f64) -> (f64, f64) {
    if z > 1e-8 {
        let s = z.sqrt();
        ((1.0 - s.cos()) / z, (s - s.sin()) / (s * s * s))
    } else if z < -1e-8 {
        let s = (-z).sqrt();
        ((s.cosh() - 1.0) / (-z), (s.sinh() - s) / (s * s * s))
    } else {
        (
            0.5 - z / 24.0 + z * z / 720.0,
            1.0 / 6.0 - z / 120.0 + z * z / 5040.0,
        )
    }
}

/// Universal-variable Kepler propagation (Curtis Alg. 3.3 + 3.4; Vallado Alg. 8).
fn kepler(y0: &SVector<f64, 6>, dt: f64, mu: f64) -> SVector<f64, 6> {
    let (r0, v0) = split(y0);
    let r0n = r0.norm();
    let vr0 = r0.dot(&v0) / r0n;
    let alpha = 2.0 / r0n - v0.norm_squared() / mu;
    let smu = mu.sqrt();
    let mut x = if alpha > 0.0 {
        smu * alpha * dt
    } else {
        dt.signum() * smu * dt.abs().sqrt() / r0n.sqrt() * 10.0
    };
    for _ in 0..200 {
        let z = alpha * x * x;
        let (c, s) = stumpff(z);
        let f =
            r0n * vr0 / smu * x * x * c + (1.0 - alpha * r0n) * x * x * x * s + r0n * x - smu * dt;
        let fp = r0n * vr0 / smu * x * (1.0 - z * s) + (1.0 - alpha * r0n) * x * x * c + r0n;
        let dx = f / fp;
        x -= dx;
        if dx.abs() <= 1e-15 * x.abs().max(1.0) {
            break;
        }
    }
    let z = alpha * x * x;
    let (c, s) = stumpff(z);
    let f = 1.0 - x * x / r0n * c;
    let g = dt - x * x * x * s / smu;
    let r = r0 * f + v0 * g;
    let rn = r.norm();
    let fdot = smu / (rn * r0n) * (alpha * x * x * x * s - x);
    let gdot = 1.0 - x * x / rn * c;
    join(&r, &(r0 * fdot + v0 * gdot))
}

/// Classical elements → state (perifocal to inertial, Vallado Alg. 10 "COE2RV").
fn coe2rv(a: f64, e: f64, i: f64, raan: f64, argp: f64, nu: f64, mu: f64) -> SVector<f64, 6> {
    let p = a * (1.0 - e * e);
    let r_pf = Vector3::new(nu.cos(), nu.sin(), 0.0) * (p / (1.0 + e * nu.cos()));
    let v_pf = Vector3::new(-nu.sin(), e + nu.cos(), 0.0) * (mu / p).sqrt();
    let rot = nalgebra::Rotation3::from_axis_angle(&Vector3::z_axis(), raan)
        * nalgebra::Rotation3::from_axis_angle(&Vector3::x_axis(), i)
        * nalgebra::Rotation3::from_axis_angle(&Vector3::z_axis(), argp);
    join(&(rot * r_pf), &(rot * v_pf))
}

/// Mean anomaly from true anomaly (elliptic).
fn mean_anomaly(e: f64, nu: f64) -> f64 {
    let ea = 2.0 * (((1.0 - e) / (1.0 + e)).sqrt() * (0.5 * nu).tan()).atan();
    ea - e * ea.sin()
}

const ISS_A: f64 = 6_778_000.0;
const ISS_E: f64 = 0.001;

fn iss_state() -> SVector<f64, 6> {
    coe2rv(
        ISS_A,
        ISS_E,
        51.6f64.to_radians(),
        30f64.to_radians(),
        40f64.to_radians(),
        10f64.to_radians(),
        MU,
    )
}

fn period(a: f64, mu: f64) -> f64 {
    TWO_PI * (a * a * a / mu).sqrt()
}

fn run(
    cfg: &IntegratorConfig,
    y0: &SVector<f64, 6>,
    t0: f64,
    t1: f64,
) -> Result<Outcome<6>, IntegrationError> {
    integrate(
        &mut TwoBody { mu: MU },
        t0,
        y0,
        t1,
        cfg,
        &mut [],
        &mut |_| {},
    )
}

fn fixed(method: Method, h: f64) -> IntegratorConfig {
    IntegratorConfig {
        method,
        abs_tol: 1e6,
        rel_tol: 1e6,
        min_step_s: 0.0,
        max_step_s: h,
        initial_step_s: Some(h),
        ..IntegratorConfig::default()
    }
}

// ------------------------------------------------------------------ validation data

use crate::test_support::read_validation as validation_file;
// ------------------------------------------------------------------ tableau checks

/// Reference: consistency conditions of an explicit RK method, c_i = Σ_j a_ij and Σ b_i = 1
/// (HNW I, §II.1, eq. (1.9)); an embedded error estimate has Σ e_i = 0.
#[test]
fn tableau_row_and_weight_sums() {
    for i in 0..7 {
        let s: f64 = DP54_A[i].iter().sum();
        assert!(
            (s - DP54_C[i]).abs() < 1e-15,
            "DP54 row {i}: {s} vs {}",
            DP54_C[i]
        );
    }
    assert!((DP54_B.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    assert!((DP54_BSTAR.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    assert!(DP54_E.iter().sum::<f64>().abs() < 1e-15);
    for j in 0..7 {
        assert!((DP54_B[j] - DP54_BSTAR[j] - DP54_E[j]).abs() < 1e-16);
    }
    for i in 0..16 {
        let s: f64 = DOP853_A[i].iter().sum();
        assert!(
            (s - DOP853_C[i]).abs() < 1e-14,
            "DOP853 row {i}: {s} vs {}",
            DOP853_C[i]
        );
    }
    assert!((DOP853_B.iter().sum::<f64>() - 1.0).abs() < 1e-14);
    assert!((DOP853_BHH.iter().sum::<f64>() - 1.0).abs() < 1e-14);
    assert!(DOP853_E5.iter().sum::<f64>().abs() < 1e-14);
    // The dense polynomial's extra coefficients must vanish for f ≡ const (Σ_j d_ij = 0),
    // otherwise y(t) = y0 + f t would not be reproduced.
    for (r, row) in DOP853_D.iter().enumerate() {
        assert!(row.iter().sum::<f64>().abs() < 1e-12, "DOP853 D row {r}");
    }
    assert!(DP54_D.iter().sum::<f64>().abs() < 1e-14);
    // Quadrature order conditions Σ b_i c_i^(q-1) = 1/q, q = 1..=8 for DOP853, 1..=5 for DP54.
    for q in 1..=8 {
        let s: f64 = (0..12).map(|i| DOP853_B[i] * DOP853_C[i].powi(q - 1)).sum();
        assert!(
            (s - 1.0 / q as f64).abs() < 1e-14,
            "DOP853 quadrature q={q}: {s}"
        );
    }
    for q in 1..=5 {
        let s: f64 = (0..7).map(|i| DP54_B[i] * DP54_C[i].powi(q - 1)).sum();
        assert!(
            (s - 1.0 / q as f64).abs() < 1e-15,
            "DP54 quadrature q={q}: {s}"
        );
    }
}

/// Global error after one period of a normalised e = 0.1 Kepler orbit (μ = 1, a = 1, T = 2π),
/// where the exact solution returns to the start, with fixed steps T/n.
fn kepler_period_error(method: Method, n: u32) -> f64 {
    let y0 = coe2rv(1.0, 0.1, 0.3, 0.2, 0.1, 0.0, 1.0);
    let h = TWO_PI / n as f64;
    let out = integrate(
        &mut TwoBody { mu: 1.0 },
        0.0,
        &y0,
        TWO_PI,
        &fixed(method, h),
        &mut [],
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(out.stats.accepted, n as u64);
    (out.y - y0).norm()
}

/// Reference: a method of order p has global error O(h^p) (HNW I, §II.3, Theorem 3.4).
#[test]
fn observed_orders_of_convergence() {
    let cases = [
        // n chosen so that both errors are in the asymptotic range and well above the
        // round-off floor (~1e-13 here).
        (Method::Dop853, 30, 8.0),
        (Method::DormandPrince54, 180, 5.0),
        (Method::Rk4 { step_s: 0.0 }, 200, 4.0),
    ];
    for (m, n, p) in cases {
        let (e1, e2) = match m {
            Method::Rk4 { .. } => {
                let e1 = kepler_period_error(
                    Method::Rk4 {
                        step_s: TWO_PI / n as f64,
                    },
                    n,
                );
                let e2 = kepler_period_error(
                    Method::Rk4 {
                        step_s: TWO_PI / (2 * n) as f64,
                    },
                    2 * n,
                );
                (e1, e2)
            }
            _ => (kepler_period_error(m, n), kepler_period_error(m, 2 * n)),
        };
        let order = (e1 / e2).log2();
        println!("{m:?}: errors {e1:.3e} {e2:.3e}, observed order {order:.2}");
        assert!(
            (order - p).abs() < 0.5,
            "{m:?}: observed order {order}, expected {p}"
        );
    }
}

/// Reference: the local error of a dense output of order q is O(h^(q+1)) (HNW I, §II.6).
/// One step from apoapsis of the normalised e = 0.5 orbit, evaluated at s = 0.3 and 0.7,
/// compared with the exact Kepler solution.
#[test]
fn dense_output_local_order() {
    let y0 = coe2rv(1.0, 0.5, 0.3, 0.2, 0.1, core::f64::consts::PI, 1.0);
    for (m, h, q) in [
        (Method::Dop853, 0.8, 7.0),
        (Method::DormandPrince54, 0.2, 4.0),
    ] {
        let mut errs = [0.0; 2];
        for (j, hh) in [h, 0.5 * h].into_iter().enumerate() {
            let mut steps = Vec::new();
            integrate(
                &mut TwoBody { mu: 1.0 },
                0.0,
                &y0,
                hh,
                &fixed(m, hh),
                &mut [],
                &mut |d| steps.push(*d),
            )
            .unwrap();
            assert_eq!(steps.len(), 1);
            for s in [0.3, 0.7] {
                let t = s * hh;
                errs[j] = f64::max(errs[j], (steps[0].eval(t) - kepler(&y0, t, 1.0)).norm());
            }
        }
        let order = (errs[0] / errs[1]).log2();
        println!(
            "{m:?} dense: {:.3e} {:.3e} → local order {order:.2}",
            errs[0], errs[1]
        );
        assert!(
            (order - (q + 1.0)).abs() < 0.6,
            "{m:?} dense local order {order}"
        );
    }
}

// ------------------------------------------------------------------ Kepler reference check

/// Reference: Vallado 4th ed. Example 2-4 (book values to 1e-4 km / 1e-6 km/s, and a
/// full-precision independent solution) and Vallado's own Python test case (rtol 1e-12), from
/// /work/shared/validation/kepler_two_body_cases.csv. Checks the test's own Kepler solver.
#[test]
fn kepler_solver_matches_vallado() {
    let Some(text) = validation_file("kepler_two_body_cases.csv") else {
        return;
    };
    let mut checked = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("case"))
    {
        let f: Vec<&str> = line.split(',').collect();
        let num = |i: usize| f[i].trim().parse::<f64>().ok();
        if num(10).is_none() {
            continue; // norm-only rows (hyperbolic) skipped
        }
        let mu = num(2).unwrap() * 1e9;
        let y0 = SVector::<f64, 6>::from_fn(|i, _| num(3 + i).unwrap() * 1e3);
        let dt = num(9).unwrap();
        let y1 = SVector::<f64, 6>::from_fn(|i, _| num(10 + i).unwrap() * 1e3);
        let got = kepler(&y0, dt, mu);
        let (dr, dv) = (
            (got - y1).fixed_rows::<3>(0).norm(),
            (got - y1).fixed_rows::<3>(3).norm(),
        );
        let (tol_r, tol_v) = if f[1] == "VAL-BOOK" {
            (0.1, 1e-3)
        } else {
            (1e-3, 1e-6)
        };
        println!("{}: |dr| = {dr:.3e} m, |dv| = {dv:.3e} m/s", f[0]);
        assert!(dr < tol_r && dv < tol_v, "{}: dr {dr} m dv {dv} m/s", f[0]);
        checked += 1;
    }
    assert!(checked >= 4);
}

// ------------------------------------------------------------------ two-body accuracy

/// Reference: energy and angular momentum are exact invariants of the two-body problem.
/// ISS-like orbit, default configuration (DOP853), 100 orbits.
#[test]
fn default_two_body_invariants_100_orbits() {
    let y0 = iss_state();
    let tp = period(ISS_A, MU);
    let cfg = IntegratorConfig::default();
    let out = run(&cfg, &y0, 0.0, 100.0 * tp).unwrap();
    assert_eq!(out.t, 100.0 * tp);
    let de = ((energy(&out.y, MU) - energy(&y0, MU)) / energy(&y0, MU)).abs();
    let dh = (ang_mom(&out.y) - ang_mom(&y0)).norm() / ang_mom(&y0).norm();
    println!(
        "100 orbits: dE/E = {de:.3e}, dh/h = {dh:.3e}; steps/orbit {:.1}, rhs/orbit {:.1}, rejected {}",
        out.stats.accepted as f64 / 100.0,
        out.stats.rhs_evals as f64 / 100.0,
        out.stats.rejected
    );
    assert!(de < 1e-11, "relative energy drift {de}");
    assert!(dh < 1e-11, "relative angular momentum drift {dh}");
}

/// Reference: universal-variable Kepler solution (validated above on Vallado Ex. 2-4).
/// ISS-like orbit, default configuration, 10 orbits: |Δr| < 1 cm.
#[test]
fn default_two_body_vs_kepler_10_orbits() {
    let y0 = iss_state();
    let t1 = 10.0 * period(ISS_A, MU);
    let out = run(&IntegratorConfig::default(), &y0, 0.0, t1).unwrap();
    let exact = kepler(&y0, t1, MU);
    let dr = (out.y - exact).fixed_rows::<3>(0).norm();
    let dv = (out.y - exact).fixed_rows::<3>(3).norm();
    println!("10 orbits default: |dr| = {dr:.3e} m, |dv| = {dv:.3e} m/s");
    assert!(dr < 0.01, "position error {dr} m");
    // Backward: from the end state back to t = 0 must recover the start.
    let back = run(&IntegratorConfig::default(), &out.y, t1, 0.0).unwrap();
    assert_eq!(back.t, 0.0);
    let dr_back = (back.y - y0).fixed_rows::<3>(0).norm();
    println!("10 orbits forward+backward: |dr| = {dr_back:.3e} m");
    assert!(
        dr_back < 0.02,
        "forward-backward position error {dr_back} m"
    );
}

/// Reference: Kepler solution. Looser configurations: DP54 (rtol 1e-10, atol 1e-4) over 10
/// orbits within 10 m; RK4 with 10 s steps over 1 orbit within 1 m.
#[test]
fn dp54_and_rk4_two_body() {
    let y0 = iss_state();
    let tp = period(ISS_A, MU);
    let cfg = IntegratorConfig {
        method: Method::DormandPrince54,
        rel_tol: 1e-10,
        abs_tol: 1e-4,
        ..IntegratorConfig::default()
    };
    let out = run(&cfg, &y0, 0.0, 10.0 * tp).unwrap();
    let dr = (out.y - kepler(&y0, 10.0 * tp, MU))
        .fixed_rows::<3>(0)
        .norm();
    println!(
        "DP54 10 orbits: |dr| = {dr:.3e} m, steps/orbit {:.1}",
        out.stats.accepted as f64 / 10.0
    );
    assert!(dr < 10.0, "DP54 position error {dr} m");

    let cfg = IntegratorConfig {
        method: Method::Rk4 { step_s: 10.0 },
        ..IntegratorConfig::default()
    };
    let out = run(&cfg, &y0, 0.0, tp).unwrap();
    assert_eq!(out.t, tp);
    let dr = (out.y - kepler(&y0, tp, MU)).fixed_rows::<3>(0).norm();
    println!("RK4 10 s, 1 orbit: |dr| = {dr:.3e} m");
    assert!(dr < 1.0, "RK4 position error {dr} m");
}

/// Dense output between steps vs a much tighter run (DOP853 default tolerances, its own dense
/// output) over two ISS orbits. To isolate the interpolant's own error from the error the run
/// has accumulated, the step-end errors are removed by linear interpolation: what remains must be
/// below the step's local tolerance scale `tol = atol + rtol·|r|` (HNW I, §II.6: the continuous
/// extension's error is of the order of the local error). Negative control: the cubic Hermite
/// interpolant (`dense_output = false`) on the same DOP853 steps is far above it.
#[test]
fn dense_output_vs_tighter_run() {
    let y0 = iss_state();
    let t1 = 2.0 * period(ISS_A, MU);
    let mut tight = Vec::new();
    let cfg = IntegratorConfig::default();
    integrate(
        &mut TwoBody { mu: MU },
        0.0,
        &y0,
        t1,
        &cfg,
        &mut [],
        &mut |d| tight.push(*d),
    )
    .unwrap();
    let tight_eval = |t: f64| {
        let i = tight
            .partition_point(|d| d.t_end() < t)
            .min(tight.len() - 1);
        tight[i].eval(t)
    };
    for (m, rtol, atol, full, expect_ok) in [
        (Method::Dop853, 1e-10, 1e-4, true, true),
        (Method::DormandPrince54, 1e-10, 1e-4, true, true),
        (Method::Dop853, 1e-10, 1e-4, false, false),
    ] {
        let mut steps = Vec::new();
        let cfg = IntegratorConfig {
            method: m,
            rel_tol: rtol,
            abs_tol: atol,
            dense_output: full,
            ..IntegratorConfig::default()
        };
        integrate(
            &mut TwoBody { mu: MU },
            0.0,
            &y0,
            t1,
            &cfg,
            &mut [],
            &mut |d| steps.push(*d),
        )
        .unwrap();
        let tol = atol + rtol * ISS_A;
        let mut worst = 0.0f64;
        for d in &steps {
            let (ta, tb) = (d.t_start(), d.t_end());
            let (ea, eb) = (d.eval(ta) - tight_eval(ta), d.eval(tb) - tight_eval(tb));
            for s in [0.2, 0.4, 0.5, 0.6, 0.8] {
                let t = ta + s * (tb - ta);
                let own = d.eval(t) - tight_eval(t) - (ea * (1.0 - s) + eb * s);
                worst = worst.max(own.fixed_rows::<3>(0).norm());
            }
        }
        println!(
            "{m:?} (full dense {full}): {} steps, worst interpolation error {worst:.3e} m, tol scale {tol:.1e} m",
            steps.len()
        );
        if expect_ok {
            assert!(
                worst < tol,
                "{m:?}: interpolation error {worst} m vs {tol} m"
            );
        } else {
            assert!(
                worst > 100.0 * tol,
                "Hermite control unexpectedly accurate: {worst} m"
            );
        }
    }
}

/// The last step lands exactly on t_end; observer steps tile [t0, t_end] without gaps.
#[test]
fn steps_tile_the_interval_exactly() {
    let y0 = iss_state();
    for (t0, t1) in [(0.0, 1234.567), (1.0e6, 1.0e6 - 4321.0)] {
        for m in [
            Method::Dop853,
            Method::DormandPrince54,
            Method::Rk4 { step_s: 7.0 },
        ] {
            let mut prev_end = t0;
            let cfg = IntegratorConfig {
                method: m,
                ..IntegratorConfig::default()
            };
            let out = integrate(
                &mut TwoBody { mu: MU },
                t0,
                &y0,
                t1,
                &cfg,
                &mut [],
                &mut |d| {
                    assert_eq!(d.t_start(), prev_end);
                    prev_end = d.t_end();
                },
            )
            .unwrap();
            assert_eq!(out.t, t1);
            assert_eq!(prev_end, t1);
        }
    }
}

// ------------------------------------------------------------------ events

const E_EV: f64 = 0.1;
const A_EV: f64 = 8_000_000.0;

/// e = 0.1 orbit, i = 51.6°, ω = 40°, starting at ν = 30°.
fn ellipse() -> SVector<f64, 6> {
    coe2rv(
        A_EV,
        E_EV,
        51.6f64.to_radians(),
        30f64.to_radians(),
        40f64.to_radians(),
        30f64.to_radians(),
        MU,
    )
}

/// Time from the start (ν = 30°) to the k-th later passage of true anomaly `nu` (k = 0: first).
fn time_to_nu(nu: f64, k: i32) -> f64 {
    let n = (MU / A_EV.powi(3)).sqrt();
    let m0 = mean_anomaly(E_EV, 30f64.to_radians());
    let m = mean_anomaly(E_EV, nu);
    let dm = (m - m0).rem_euclid(TWO_PI);
    (dm + TWO_PI * k as f64) / n
}

/// Reference: Kepler's equation (Vallado Alg. 2 inverse, M = E − e sin E): periapsis at ν = 0,
/// apoapsis at ν = π, ascending node at ν = −ω, descending at ν = π − ω. |dt| < 1 ms.
#[test]
fn apsis_and_node_times_vs_kepler() {
    let y0 = ellipse();
    let tp = period(A_EV, MU);
    let mut apsis = Apsis::new(ApsisKind::Both);
    let mut node = NodeCrossing::new(NodeKind::Either);
    let out = integrate(
        &mut TwoBody { mu: MU },
        0.0,
        &y0,
        3.0 * tp,
        &IntegratorConfig::default(),
        &mut [&mut apsis, &mut node],
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(out.events.len(), 12);
    let w = 40f64.to_radians();
    let mut worst = 0.0f64;
    let mut counts = [0i32; 4];
    for ev in &out.events {
        let (nu, slot) = match (ev.index, ev.increasing) {
            (0, true) => (0.0, 0),
            (0, false) => (core::f64::consts::PI, 1),
            (1, true) => (-w, 2),
            (1, false) => (core::f64::consts::PI - w, 3),
            _ => unreachable!(),
        };
        let t_ref = time_to_nu(nu, counts[slot]);
        counts[slot] += 1;
        worst = worst.max((ev.t - t_ref).abs());
        assert!(
            (ev.t - t_ref).abs() < 1e-3,
            "{} at {} s vs {t_ref} s",
            ev.name,
            ev.t
        );
        // The recorded state is the state at the event time.
        assert!((ev.y - kepler(&y0, ev.t, MU)).fixed_rows::<3>(0).norm() < 0.1);
    }
    assert!(out.events.windows(2).all(|w| w[0].t < w[1].t));
    println!("apsis/node worst |dt| = {worst:.3e} s");
    assert_eq!(counts, [3, 3, 3, 3]);
}

/// Stop at the first apoapsis; the observer's last step ends at the event; a restart from the
/// event does not report it again and finds the next apoapsis one period later.
#[test]
fn stop_event_truncates_and_restart_does_not_repeat() {
    let y0 = ellipse();
    let tp = period(A_EV, MU);
    let mut apo = Apsis::new(ApsisKind::Apoapsis).stopping();
    let mut last_end = f64::NAN;
    let cfg = IntegratorConfig::default();
    let out = integrate(
        &mut TwoBody { mu: MU },
        0.0,
        &y0,
        5.0 * tp,
        &cfg,
        &mut [&mut apo],
        &mut |d| last_end = d.t_end(),
    )
    .unwrap();
    let t_apo = time_to_nu(core::f64::consts::PI, 0);
    assert_eq!(out.stopped_by_event, Some(0));
    assert_eq!(out.events.len(), 1);
    assert!((out.t - t_apo).abs() < 1e-3, "stop at {} vs {t_apo}", out.t);
    assert_eq!(last_end, out.t);
    assert_eq!(out.y, out.events[0].y);
    // Restart from the event state: next apoapsis is one period later.
    let out2 = integrate(
        &mut TwoBody { mu: MU },
        out.t,
        &out.y,
        5.0 * tp,
        &cfg,
        &mut [&mut apo],
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(out2.events.len(), 1);
    assert!(
        (out2.t - (t_apo + tp)).abs() < 1e-3,
        "second stop {} vs {}",
        out2.t,
        t_apo + tp
    );
    // And a backward restart from the event state does not report it either.
    let out3 = integrate(
        &mut TwoBody { mu: MU },
        out.t,
        &out.y,
        out.t - 0.5 * tp,
        &cfg,
        &mut [&mut apo],
        &mut |_| {},
    )
    .unwrap();
    assert!(out3.events.is_empty(), "{:?}", out3.events);
}

struct AtTime {
    name: &'static str,
    t_event: f64,
}

impl EventFunction<6> for AtTime {
    fn name(&self) -> &str {
        self.name
    }
    fn g(&mut self, t: f64, _y: &SVector<f64, 6>) -> f64 {
        t - self.t_event
    }
}

/// Two events inside one step, given in reverse order in the slice, come out in time order
/// (reference: the event times themselves, g = t − t_event).
#[test]
fn two_events_in_one_step_are_time_ordered() {
    let y0 = iss_state();
    let mut steps = Vec::new();
    integrate(
        &mut TwoBody { mu: MU },
        0.0,
        &y0,
        2000.0,
        &IntegratorConfig::default(),
        &mut [],
        &mut |d| steps.push((d.t_start(), d.t_end())),
    )
    .unwrap();
    let (a, b) = steps[3];
    let (ta, tb) = (a + 0.4 * (b - a), a + 0.6 * (b - a));
    let mut late = AtTime {
        name: "late",
        t_event: tb,
    };
    let mut early = AtTime {
        name: "early",
        t_event: ta,
    };
    let out = integrate(
        &mut TwoBody { mu: MU },
        0.0,
        &y0,
        2000.0,
        &IntegratorConfig::default(),
        &mut [&mut late, &mut early],
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(out.events.len(), 2);
    assert_eq!(out.events[0].name, "early");
    assert_eq!(out.events[0].index, 1);
    assert_eq!(out.events[1].name, "late");
    assert!((out.events[0].t - ta).abs() < 1e-4 && (out.events[1].t - tb).abs() < 1e-4);
}

/// Backward propagation: apsides and nodes over 2 periods before the start, vs Kepler times;
/// `increasing` still refers to g as a function of time (periapsis = increasing).
#[test]
fn backward_events_vs_kepler() {
    let y0 = ellipse();
    let tp = period(A_EV, MU);
    let mut peri = Apsis::new(ApsisKind::Periapsis);
    let mut asc = NodeCrossing::new(NodeKind::Ascending);
    let out = integrate(
        &mut TwoBody { mu: MU },
        0.0,
        &y0,
        -2.0 * tp,
        &IntegratorConfig::default(),
        &mut [&mut peri, &mut asc],
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(out.events.len(), 4);
    assert!(out.events.windows(2).all(|w| w[0].t > w[1].t));
    let w = 40f64.to_radians();
    let mut k = [1, 1];
    for ev in &out.events {
        assert!(ev.increasing);
        let nu = if ev.index == 0 { 0.0 } else { -w };
        let t_ref = time_to_nu(nu, 0) - k[ev.index] as f64 * tp;
        k[ev.index] += 1;
        assert!(
            (ev.t - t_ref).abs() < 1e-3,
            "{} at {} vs {t_ref}",
            ev.name,
            ev.t
        );
    }
}

// ------------------------------------------------------------------ errors

struct Custom<F: FnMut(f64, &SVector<f64, 1>) -> f64>(F);

impl<F: FnMut(f64, &SVector<f64, 1>) -> f64> OdeSystem<1> for Custom<F> {
    fn rhs(&mut self, t: f64, y: &SVector<f64, 1>) -> Result<SVector<f64, 1>, RhsError> {
        Ok(SVector::<f64, 1>::new((self.0)(t, y)))
    }
}

fn run1<F: FnMut(f64, &SVector<f64, 1>) -> f64>(
    f: F,
    t1: f64,
    cfg: &IntegratorConfig,
) -> Result<Outcome<1>, IntegrationError> {
    integrate(
        &mut Custom(f),
        0.0,
        &SVector::<f64, 1>::new(1.0),
        t1,
        cfg,
        &mut [],
        &mut |_| {},
    )
}

#[test]
fn nan_rhs_gives_nonfinite() {
    for m in [
        Method::Dop853,
        Method::DormandPrince54,
        Method::Rk4 { step_s: 0.1 },
    ] {
        let cfg = IntegratorConfig {
            method: m,
            ..IntegratorConfig::default()
        };
        let r = run1(|_, _| f64::NAN, 10.0, &cfg);
        assert!(
            matches!(r, Err(IntegrationError::NonFinite { t }) if t == 0.0),
            "{r:?}"
        );
        // NaN only beyond t = 5: the adaptive methods shrink the step, then give up.
        let r = run1(|t, _| if t > 5.0 { f64::NAN } else { 1.0 }, 10.0, &cfg);
        match r {
            Err(IntegrationError::NonFinite { t }) => assert!(t <= 5.0 && t > 4.0, "{t}"),
            other => panic!("{m:?}: {other:?}"),
        }
    }
}

/// y' = 1/|t − 1| blows up (logarithmically) at t = 1: the step shrinks below min_step_s.
#[test]
fn singular_rhs_gives_step_underflow() {
    for m in [Method::Dop853, Method::DormandPrince54] {
        let cfg = IntegratorConfig {
            method: m,
            ..IntegratorConfig::default()
        };
        let r = run1(|t, _| 1.0 / (t - 1.0).abs(), 2.0, &cfg);
        match r {
            Err(IntegrationError::StepSizeUnderflow { t, h }) => {
                assert!(
                    (t - 1.0).abs() < 1e-3 && h.abs() < cfg.min_step_s,
                    "t {t} h {h}"
                )
            }
            other => panic!("{m:?}: {other:?}"),
        }
    }
}

#[test]
fn max_steps_gives_too_many_steps() {
    let cfg = IntegratorConfig {
        max_steps: 10,
        ..IntegratorConfig::default()
    };
    let r = run(&cfg, &iss_state(), 0.0, 1e5);
    assert!(
        matches!(r, Err(IntegrationError::TooManySteps { steps: 10, .. })),
        "{r:?}"
    );
    let cfg = IntegratorConfig {
        method: Method::Rk4 { step_s: 1.0 },
        max_steps: 10,
        ..cfg
    };
    let r = run(&cfg, &iss_state(), 0.0, 1e5);
    assert!(
        matches!(r, Err(IntegrationError::TooManySteps { steps: 10, .. })),
        "{r:?}"
    );
}

#[test]
fn invalid_inputs_are_reported() {
    let y0 = iss_state();
    let d = IntegratorConfig::default();
    let bad = [
        IntegratorConfig { abs_tol: 0.0, ..d },
        IntegratorConfig { rel_tol: -1.0, ..d },
        IntegratorConfig {
            rel_tol: f64::NAN,
            ..d
        },
        IntegratorConfig {
            min_step_s: 10.0,
            max_step_s: 1.0,
            ..d
        },
        IntegratorConfig {
            max_step_s: f64::NAN,
            ..d
        },
        IntegratorConfig {
            initial_step_s: Some(0.0),
            ..d
        },
        IntegratorConfig {
            event_time_tol_s: 0.0,
            ..d
        },
        IntegratorConfig { max_steps: 0, ..d },
        IntegratorConfig {
            method: Method::Rk4 { step_s: -1.0 },
            ..d
        },
    ];
    for cfg in bad {
        let r = run(&cfg, &y0, 0.0, 100.0);
        assert!(
            matches!(r, Err(IntegrationError::InvalidConfig(_))),
            "{cfg:?}: {r:?}"
        );
    }
    assert!(matches!(
        run(&d, &y0, f64::NAN, 100.0),
        Err(IntegrationError::InvalidConfig(_))
    ));
    assert!(matches!(
        run(&d, &y0, 0.0, f64::INFINITY),
        Err(IntegrationError::InvalidConfig(_))
    ));
    let mut ynan = y0;
    ynan[4] = f64::NAN;
    assert!(matches!(
        run(&d, &ynan, 0.0, 100.0),
        Err(IntegrationError::NonFinite { .. })
    ));
    // Zero-length interval: no step, start state returned.
    let out = run(&d, &y0, 5.0, 5.0).unwrap();
    assert_eq!((out.t, out.y, out.stats.accepted), (5.0, y0, 0));
}

struct Failing;

impl OdeSystem<1> for Failing {
    fn rhs(&mut self, t: f64, _y: &SVector<f64, 1>) -> Result<SVector<f64, 1>, RhsError> {
        if t > 2.0 {
            Err(RhsError(format!("model invalid at t = {t} s")))
        } else {
            Ok(SVector::<f64, 1>::new(1.0))
        }
    }
}

#[test]
fn rhs_error_is_propagated() {
    let r = integrate(
        &mut Failing,
        0.0,
        &SVector::<f64, 1>::new(0.0),
        5.0,
        &IntegratorConfig::default(),
        &mut [],
        &mut |_| {},
    );
    assert!(
        matches!(r, Err(IntegrationError::Rhs { t, .. }) if t > 2.0),
        "{r:?}"
    );
}

struct StopAt(f64);

impl EventFunction<6> for StopAt {
    fn name(&self) -> &str {
        "stop_at"
    }
    fn g(&mut self, t: f64, _y: &SVector<f64, 6>) -> f64 {
        t - self.0
    }
    fn action(&self) -> EventAction {
        EventAction::Stop
    }
}

/// A Stop event earlier in the same step than a Continue event: the run ends at the Stop event
/// and the later event is not recorded (reference: the event times, g = t − t_event).
#[test]
fn stop_before_continue_in_same_step() {
    let y0 = iss_state();
    let cfg = IntegratorConfig::default();
    let mut steps = Vec::new();
    integrate(
        &mut TwoBody { mu: MU },
        0.0,
        &y0,
        2000.0,
        &cfg,
        &mut [],
        &mut |d| steps.push((d.t_start(), d.t_end())),
    )
    .unwrap();
    let (a, b) = steps[5];
    let (ta, tb) = (a + 0.3 * (b - a), a + 0.7 * (b - a));
    let mut late = AtTime {
        name: "late",
        t_event: tb,
    };
    let mut stop = StopAt(ta);
    let mut last = (0.0, 0.0);
    let out = integrate(
        &mut TwoBody { mu: MU },
        0.0,
        &y0,
        2000.0,
        &cfg,
        &mut [&mut late, &mut stop],
        &mut |d| last = (d.t_start(), d.t_end()),
    )
    .unwrap();
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.stopped_by_event, Some(1));
    assert!((out.t - ta).abs() <= cfg.event_time_tol_s);
    assert_eq!(last, (a, out.t));
    // The stop state is the dense-output state at the event time (vs Kepler, 1 mm).
    assert!((out.y - kepler(&y0, out.t, MU)).fixed_rows::<3>(0).norm() < 1e-3);
}
