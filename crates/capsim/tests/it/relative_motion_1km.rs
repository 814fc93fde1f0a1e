//! Issue #4: linearised relative motion within 1 m of the nonlinear two-body truth over one orbit
//! at 1 km separation, via relative orbital elements (`capsim::gnc::roe`).
//!
//! Truth: both vehicles propagated exactly on their two-body orbits (universal variables,
//! Vallado 4th ed. Algorithm 8; `propagate_two_body`), then expressed in the target's RSW frame
//! either Cartesian (`relative_state_rsw`, Vallado §6.8) or curvilinear (`curvilinear_from_pair`,
//! Alfriend et al. 2010 §5.3). Model: exact ROE of the initial pair (D'Amico 2010 ch. 2),
//! Keplerian ROE propagation (exact drift n_c − n_t or linear −(3/2) n δa), linear ROE → RSW map
//! (D'Amico 2010 ch. 2 near-circular map; the exact first-order map for e_t = 0.001).
//! Clohessy–Wiltshire (Vallado Eq. 6-65) on the same cases is measured alongside.
//!
//! Tolerance: issue #4's 1 m over one orbit at 1 km. The a-priori size of the remainder is the
//! second order of the map, |δα|² a ≈ ρ²/a = 0.15 m at 1 km (times coefficients of order 1–3),
//! so 1 m is a genuine bound, not a loosened one; the ρ² scaling test shows the residual is that
//! second-order term.

use capsim::constants::GM_EARTH_M3_S2 as MU;
use capsim::frames::local::{chaser_from_rsw, relative_state_rsw, InertialPair, RelativeState};
use capsim::frames::{Gcrf, Rsw, Vec3};
use capsim::gnc::cw::{circular_mean_motion, cw_propagate_rsw};
use capsim::gnc::rendezvous::curvilinear_from_pair;
use capsim::gnc::roe::{DriftModel, RelativeOrbit};
use capsim::state::cartesian::OrbitState;
use capsim::state::keplerian::{propagate_two_body, Keplerian};
use capsim::time::Epoch;

const A_M: f64 = 6_778_000.0;
const SAMPLES: usize = 400;

/// Target: a = 6778 km, i = 51.6°, argument of latitude 0.3 rad at t = 0 (as in the CW tests),
/// eccentricity `e` with perigee at ω = 30° (irrelevant for e = 0).
fn target_state(e: f64) -> (Vec3<Gcrf>, Vec3<Gcrf>) {
    let argp = if e > 0.0 { 30_f64.to_radians() } else { 0.0 };
    Keplerian {
        a_m: A_M,
        e,
        i_rad: 51.6_f64.to_radians(),
        raan_rad: 0.0,
        argp_rad: argp,
        true_anomaly_rad: 0.3 - argp,
    }
    .to_cartesian(MU)
    .unwrap()
}

/// Maximum position errors (m) over one target orbit and the max velocity error (m/s).
#[derive(Debug, Default, Clone, Copy)]
struct Errors {
    /// ROE, exact drift, circular map, Cartesian truth.
    roe_cart: f64,
    /// ROE, exact drift, circular map, curvilinear truth.
    roe_curv: f64,
    /// ROE, linear drift −(3/2) n δa, circular map, Cartesian truth.
    roe_lin_cart: f64,
    /// ROE, linear drift, circular map, curvilinear truth.
    roe_lin_curv: f64,
    /// ROE, exact drift, eccentric (exact first-order) map, Cartesian truth.
    roe_ecc_cart: f64,
    /// ROE, exact drift, eccentric map, curvilinear truth.
    roe_ecc_curv: f64,
    /// Velocity error of the eccentric-map ROE model, Cartesian truth, m/s.
    roe_ecc_vel: f64,
    /// CW with the Cartesian initial state, Cartesian truth.
    cw_cart: f64,
    /// Largest true separation over the orbit, m.
    max_range: f64,
}

fn errors_one_orbit(rel0: &RelativeState<Rsw>, e: f64) -> Errors {
    let (tr, tv) = target_state(e);
    let (cr, cv) = chaser_from_rsw(&tr, &tv, rel0).unwrap();
    let n = circular_mean_motion(MU, A_M).unwrap();
    let epoch = Epoch::from_gregorian_utc(2008, 4, 19, 0, 0, 0, 0);
    let target = OrbitState::new(epoch, tr, tv);
    let chaser = OrbitState::new(epoch, cr, cv);
    let ro = RelativeOrbit::from_pair(
        &InertialPair {
            target_r: tr,
            target_v: tv,
            chaser_r: cr,
            chaser_v: cv,
        },
        MU,
    )
    .unwrap();
    let period = std::f64::consts::TAU / n;
    let mut m = Errors::default();
    for k in 0..=SAMPLES {
        let t = period * k as f64 / SAMPLES as f64;
        let ts = propagate_two_body(&target, t, MU).unwrap();
        let cs = propagate_two_body(&chaser, t, MU).unwrap();
        let pair = InertialPair {
            target_r: ts.r,
            target_v: ts.v,
            chaser_r: cs.r,
            chaser_v: cs.v,
        };
        let cart = relative_state_rsw(&pair).unwrap();
        let curv = curvilinear_from_pair(&pair).unwrap();
        let ex = ro.propagate_keplerian(t, DriftModel::Exact).unwrap();
        let lin = ro.propagate_keplerian(t, DriftModel::Linear).unwrap();
        let circ = ex.to_rsw_near_circular();
        let ecc = ex.to_rsw().unwrap();
        let circ_lin = lin.to_rsw_near_circular();
        let cw = cw_propagate_rsw(rel0, n, t).unwrap();
        let upd = |x: &mut f64, v: f64| *x = x.max(v);
        upd(&mut m.roe_cart, (circ.rho - cart.rho).norm());
        upd(&mut m.roe_curv, (circ.rho - curv.rho).norm());
        upd(&mut m.roe_lin_cart, (circ_lin.rho - cart.rho).norm());
        upd(&mut m.roe_lin_curv, (circ_lin.rho - curv.rho).norm());
        upd(&mut m.roe_ecc_cart, (ecc.rho - cart.rho).norm());
        upd(&mut m.roe_ecc_curv, (ecc.rho - curv.rho).norm());
        upd(&mut m.roe_ecc_vel, (ecc.rho_dot - cart.rho_dot).norm());
        upd(&mut m.cw_cart, (cw.rho - cart.rho).norm());
        upd(&mut m.max_range, cart.rho.norm());
    }
    m
}

/// The five 1 km cases, as CW initial conditions in RSW (x radial, y along-track, z normal).
fn cases(rho_m: f64) -> [(&'static str, RelativeState<Rsw>); 5] {
    let n = circular_mean_motion(MU, A_M).unwrap();
    let d = rho_m / 3f64.sqrt();
    [
        (
            "V-bar hold behind",
            RelativeState {
                rho: Vec3::new(0.0, -rho_m, 0.0),
                rho_dot: Vec3::zeros(),
            },
        ),
        (
            "radial, no-drift ẏ0 = −2 n x0",
            RelativeState {
                rho: Vec3::new(rho_m, 0.0, 0.0),
                rho_dot: Vec3::new(0.0, -2.0 * n * rho_m, 0.0),
            },
        ),
        (
            "cross-track",
            RelativeState {
                rho: Vec3::new(0.0, 0.0, rho_m),
                rho_dot: Vec3::zeros(),
            },
        ),
        (
            // Centred 2:1 ellipse (football) of along-track semi-axis ρ, starting ρ behind:
            // CW x = −(ρ/2) sin nt, y = −ρ cos nt (ẋ0 = n y0 / 2).
            "football fly-around",
            RelativeState {
                rho: Vec3::new(0.0, -rho_m, 0.0),
                rho_dot: Vec3::new(-0.5 * n * rho_m, 0.0, 0.0),
            },
        ),
        (
            // Diagonal start (x = −y = z = ρ/√3), no-drift along-track rate.
            "diagonal, no-drift",
            RelativeState {
                rho: Vec3::new(d, -d, d),
                rho_dot: Vec3::new(0.0, -2.0 * n * d, 0.0),
            },
        ),
    ]
}

/// Issue #4 criterion on the circular ISS-like target: the ROE-linear solution is within 1 m of
/// the two-body truth over one orbit for each 1 km case, in both readings and with both drift
/// models; CW on the same cases is printed alongside (it exceeds 1 m where the period mismatch
/// matters, see `gnc::cw` tests).
#[test]
fn roe_linear_within_1_m_at_1_km_circular_target() {
    println!(
        "{:<32} {:>9} {:>9} {:>9} {:>9} {:>11} {:>9}",
        "case (1 km, e = 0)", "ROE cart", "ROE curv", "ROE lin", "ROE ecc", "vel m/s", "CW cart"
    );
    for (name, rel) in cases(1000.0) {
        let m = errors_one_orbit(&rel, 0.0);
        println!(
            "{name:<32} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>11.3e} {:>9.4}",
            m.roe_cart, m.roe_curv, m.roe_lin_cart, m.roe_ecc_cart, m.roe_ecc_vel, m.cw_cart
        );
        for (what, v) in [
            ("Cartesian", m.roe_cart),
            ("curvilinear", m.roe_curv),
            ("linear drift", m.roe_lin_cart),
            ("eccentric map", m.roe_ecc_cart),
        ] {
            assert!(v < 1.0, "{name}, {what}: {v} m over one orbit at 1 km");
        }
        // The two maps coincide for e_t = 0 (osculating e_t is ~1e-16 here).
        assert!((m.roe_cart - m.roe_ecc_cart).abs() < 1e-6, "{name}: {m:?}");
        // Velocity: the same second-order remainder times n (≈ 1.1e-3 /s): well under 1 mm/s.
        assert!(m.roe_ecc_vel < 1e-3, "{name}: {} m/s", m.roe_ecc_vel);
    }
}

/// The residual is the second-order term of the map: 10× the separation gives 100× the error
/// (within 5 % for the third-order remainder and sampling), for every case; the one exception,
/// V-bar in the curvilinear reading, has no second-order term and is checked to be third order.
#[test]
fn roe_residual_scales_as_rho_squared() {
    let small = cases(100.0);
    for ((name, big), (_, little)) in cases(1000.0).iter().zip(small.iter()) {
        let e1k = errors_one_orbit(big, 0.0);
        let e100 = errors_one_orbit(little, 0.0);
        for (what, a, b) in [
            ("Cartesian", e1k.roe_cart, e100.roe_cart),
            ("curvilinear", e1k.roe_curv, e100.roe_curv),
        ] {
            let ratio = a / b;
            println!("{name}, {what}: 1 km {a:.4} m, 100 m {b:.7} m, ratio {ratio:.2}");
            if name.starts_with("V-bar") && what == "curvilinear" {
                // The Cartesian V-bar point's second-order offset (ρ²/2a above the orbit) is
                // exactly the curvature the curvilinear reading removes: what is left is third
                // order, ~ρ³/a² = 2e-5 m at 1 km (at 100 m it is at the 1e-7 m rounding level,
                // so no ratio is taken).
                assert!(a < 1e-3, "{name}, {what}: {a} m");
            } else {
                assert!(
                    (ratio / 100.0 - 1.0).abs() < 0.05,
                    "{name}, {what}: ratio {ratio}"
                );
            }
        }
    }
}

/// Near-circular ISS-like target, e = 0.001 (CW and the circular ROE map assume e = 0, an error
/// of order e ρ ≈ 1 m at 1 km). The exact first-order map keeps the 1 m bound in both readings.
#[test]
fn roe_eccentric_target_e_0_001() {
    println!(
        "{:<32} {:>11} {:>11} {:>11} {:>11} {:>9}",
        "case (1 km, e = 0.001)", "ecc cart", "ecc curv", "circ cart", "vel m/s", "CW cart"
    );
    for (name, rel) in cases(1000.0) {
        let m = errors_one_orbit(&rel, 0.001);
        println!(
            "{name:<32} {:>11.4} {:>11.4} {:>11.4} {:>11.3e} {:>9.4}",
            m.roe_ecc_cart, m.roe_ecc_curv, m.roe_cart, m.roe_ecc_vel, m.cw_cart
        );
        assert!(m.roe_ecc_cart < 1.0, "{name}: {} m", m.roe_ecc_cart);
        assert!(m.roe_ecc_curv < 1.0, "{name}: {} m", m.roe_ecc_curv);
        assert!(m.roe_ecc_vel < 1e-3, "{name}: {} m/s", m.roe_ecc_vel);
    }
}

/// Drifting case where the two drift models differ: 1 km radial offset with zero relative
/// velocity (δa ≈ 4 x0/a = 5.9e-4), so the chaser drifts 3π a δa ≈ 38 km along track in one orbit.
/// Not a 1 km case: the separation grows to ~38 km, so the map's second-order remainder (∝ ρ²/a)
/// reaches tens of metres and hides the drift-rate difference in the RSW errors (printed only).
/// The propagation itself is checked on the ROE: the exact drift n_c − n_t reproduces the exact
/// ROE of the true pair after one orbit to rounding, and the linear rate −(3/2) n δa is off by
/// the next term of (1 + δa)^(−3/2), a (15/8) n δa² T ≈ 28 m along track.
#[test]
fn exact_drift_beats_linear_drift_on_a_drifting_case() {
    let rel = RelativeState::<Rsw> {
        rho: Vec3::new(1000.0, 0.0, 0.0),
        rho_dot: Vec3::zeros(),
    };
    let m = errors_one_orbit(&rel, 0.0);
    let (tr, tv) = target_state(0.0);
    let (cr, cv) = chaser_from_rsw(&tr, &tv, &rel).unwrap();
    let pair0 = InertialPair {
        target_r: tr,
        target_v: tv,
        chaser_r: cr,
        chaser_v: cv,
    };
    let ro = RelativeOrbit::from_pair(&pair0, MU).unwrap();
    let period = std::f64::consts::TAU / circular_mean_motion(MU, A_M).unwrap();
    let epoch = Epoch::from_gregorian_utc(2008, 4, 19, 0, 0, 0, 0);
    let ts = propagate_two_body(&OrbitState::new(epoch, tr, tv), period, MU).unwrap();
    let cs = propagate_two_body(&OrbitState::new(epoch, cr, cv), period, MU).unwrap();
    let truth = RelativeOrbit::from_pair(
        &InertialPair {
            target_r: ts.r,
            target_v: ts.v,
            chaser_r: cs.r,
            chaser_v: cs.v,
        },
        MU,
    )
    .unwrap();
    let exact = ro.propagate_keplerian(period, DriftModel::Exact).unwrap();
    let linear = ro.propagate_keplerian(period, DriftModel::Linear).unwrap();
    let da = ro.roe.da;
    let predicted = A_M * 15.0 / 8.0 * da * da * std::f64::consts::TAU;
    let exact_err = A_M * (exact.roe.dlambda_rad - truth.roe.dlambda_rad).abs();
    let linear_err = A_M * (linear.roe.dlambda_rad - truth.roe.dlambda_rad).abs();
    println!(
        "radial 1 km, no relative velocity (δa = {da:.3e}): max range {:.0} m; a·δλ error after \
         one orbit: exact drift {exact_err:.2e} m, linear drift {linear_err:.3} m (predicted \
         {predicted:.3} m). Max RSW errors: ROE exact drift {:.3} m Cartesian / {:.3} m \
         curvilinear, linear drift {:.3} / {:.3} m, CW {:.3} m",
        m.max_range, m.roe_cart, m.roe_curv, m.roe_lin_cart, m.roe_lin_curv, m.cw_cart
    );
    assert!(m.max_range > 30_000.0, "{}", m.max_range);
    // Exact drift: Keplerian ROE propagation is exact; the residual is rounding of a ~ 6.8e6 m
    // times angles ~ 1 rad (≈ 1e-9 m per operation), 1e-6 m allows for the element conversions.
    assert!(exact_err < 1e-6, "{exact_err} m");
    for (x, y) in [
        (exact.roe.da, truth.roe.da),
        (exact.roe.dex, truth.roe.dex),
        (exact.roe.dey, truth.roe.dey),
        (exact.roe.dix_rad, truth.roe.dix_rad),
        (exact.roe.diy_rad, truth.roe.diy_rad),
    ] {
        assert!(A_M * (x - y).abs() < 1e-6, "{x} vs {y}");
    }
    // Linear drift: off by the δa² term (next term relative (35/16)/(15/8) δa ≈ 7e-4): 1 %.
    assert!(
        (linear_err / predicted - 1.0).abs() < 0.01,
        "{linear_err} vs {predicted}"
    );
}
