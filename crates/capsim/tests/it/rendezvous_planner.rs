//! Issue #4: the phasing/rendezvous planner on a synthetic Soyuz-like case (J2 field), and the
//! CW-vs-nonlinear check in the Cartesian and curvilinear readings of the CW coordinates.

use capsim::constants::GM_EARTH_M3_S2;
use capsim::dynamics::{ForceSpec, OrbitPropagator};
use capsim::frames::local::{chaser_from_rsw, relative_state_rsw, InertialPair, RelativeState};
use capsim::frames::{Gcrf, Rsw, Vec3};
use capsim::gnc::cw::{circular_mean_motion, cw_propagate_rsw};
use capsim::gnc::rendezvous::{
    chaser_from_curvilinear, curvilinear_from_pair, plan_rendezvous, RendezvousConfig,
};
use capsim::propagate::IntegratorConfig;
use capsim::state::cartesian::OrbitState;
use capsim::state::keplerian::{propagate_two_body, Keplerian};
use capsim::time::Epoch;

fn j2_propagator() -> OrbitPropagator {
    OrbitPropagator::new(
        vec![ForceSpec::Zonal { max_degree: 2 }.build().unwrap()],
        IntegratorConfig {
            rel_tol: 1e-12,
            ..IntegratorConfig::default()
        },
        None,
    )
}

fn kep(a: f64, e: f64, ta_deg: f64, argp_deg: f64) -> Keplerian {
    Keplerian {
        a_m: a,
        e,
        i_rad: 51.64_f64.to_radians(),
        raan_rad: 228.7_f64.to_radians(),
        argp_rad: argp_deg.to_radians(),
        true_anomaly_rad: ta_deg.to_radians(),
    }
}

/// Insertion 200 × 242 km (above a 6371 km sphere) behind a circular ~340 km target, J2 only.
/// Closure criterion of issue #4: the plan propagated with the force model reaches the gate
/// within 10 m and 0.1 m/s.
#[test]
fn soyuz_like_two_day_profile_closes_on_j2() {
    let epoch = Epoch::from_gregorian_utc(2007, 10, 10, 13, 31, 27, 700_000_000);
    let rp = 6_371_000.0 + 200_000.0;
    let ra = 6_371_000.0 + 242_000.0;
    let chaser = kep(0.5 * (rp + ra), (ra - rp) / (ra + rp), 0.0, 80.0)
        .to_state(epoch, GM_EARTH_M3_S2)
        .unwrap();
    let target = kep(6_371_000.0 + 342_000.0, 0.0003, 0.0, 80.0 + 200.0)
        .to_state(epoch, GM_EARTH_M3_S2)
        .unwrap();
    let p = j2_propagator();
    let cfg = RendezvousConfig::soyuz_two_day();
    let t = std::time::Instant::now();
    let r = plan_rendezvous(&chaser, &target, &p, &p, &cfg).unwrap();
    let el = t.elapsed().as_secs_f64();
    for b in &r.burns {
        println!(
            "{:<28} {}  dv {:8.3} m/s  lvlh [{:8.3} {:8.3} {:8.3}]  {:6.1} s  {:6.2} kg",
            b.name,
            b.epoch,
            b.dv_m_s,
            b.dv_lvlh_m_s[0],
            b.dv_lvlh_m_s[1],
            b.dv_lvlh_m_s[2],
            b.duration_s,
            b.propellant_kg
        );
    }
    println!(
        "phase {:.1}°, a_ph {:.1} km; gate miss imp {:.3} m {:.2e} m/s; finite uncorrected {:.1} m {:.3} m/s; final {:.3} m {:.2e} m/s; its {}, props {}, {el:.2} s",
        r.initial_phase_rad.to_degrees(),
        r.phasing_radius_m / 1e3,
        r.gate_miss_impulsive_m,
        r.gate_miss_impulsive_m_s,
        r.gate_miss_finite_uncorrected_m,
        r.gate_miss_finite_uncorrected_m_s,
        r.gate_miss_m,
        r.gate_miss_m_s,
        r.iterations,
        r.propagations
    );
    println!(
        "docking {} ({:.2} rev after insertion at the insertion period), contact {:.3} m/s, total dv {:.2} m/s, propellant {:.1} kg, CW pred err {:.2} m",
        r.docking_epoch,
        (r.docking_epoch - epoch).to_seconds() / 5300.0,
        r.proximity.contact_speed_m_s,
        r.total_dv_m_s,
        r.total_propellant_kg,
        r.proximity.cw_prediction_error_m
    );
    // Issue #4 closure criterion on the impulsive plan flown on the force model.
    assert!(
        r.gate_miss_impulsive_m < 10.0,
        "{}",
        r.gate_miss_impulsive_m
    );
    assert!(
        r.gate_miss_impulsive_m_s < 0.1,
        "{}",
        r.gate_miss_impulsive_m_s
    );
    // Finite burns: re-correction must reduce the miss of the uncorrected finite plan.
    assert!(r.gate_miss_m < r.gate_miss_finite_uncorrected_m);
    // Docking on the 34th orbit: the gate is reached at rev 33.05 of the scheme, then < 1 rev of
    // proximity operations; with periods 88.6–91.3 min that is 47.5–52 h after insertion.
    let h = (r.docking_epoch - epoch).to_seconds() / 3600.0;
    assert!((47.5..52.5).contains(&h), "{h} h");
    // Δv: phasing from ~221 km mean to ~342 km needs ≈ 2 × 35 m/s (Hohmann, a ratio ~1.018);
    // the plan must stay within the Soyuz budget of the config.
    assert!(r.total_dv_m_s > 60.0 && r.total_dv_m_s <= cfg.dv_budget_m_s);
    assert!(r.relative.len() > 2000);
}

/// Chaser 1 km from a circular ISS-like target (a = 6778 km, i = 51.6°): max position error of
/// CW over one orbit against exact two-body motion (universal-variable Kepler), with the CW
/// coordinates read as Cartesian (straight-line, Vallado §6.8) or curvilinear (cylindrical: arc
/// length along track, radius difference; Alfriend et al. 2010 §5.3). The curvilinear reading
/// removes the ρ²/a geometric term: issue #4 asks < 1 m over one orbit at 1 km.
fn max_error(rel0: &RelativeState<Rsw>, curvilinear: bool) -> f64 {
    let a = 6_778_000.0;
    let n = circular_mean_motion(GM_EARTH_M3_S2, a).unwrap();
    let inc = 51.6_f64.to_radians();
    let u: f64 = 0.3;
    let (su, cu) = u.sin_cos();
    let (si, ci) = inc.sin_cos();
    let tr = Vec3::<Gcrf>::new(a * cu, a * su * ci, a * su * si);
    let tv = Vec3::<Gcrf>::new(-a * n * su, a * n * cu * ci, a * n * cu * si);
    let (cr, cv) = if curvilinear {
        chaser_from_curvilinear(&tr, &tv, rel0).unwrap()
    } else {
        chaser_from_rsw(&tr, &tv, rel0).unwrap()
    };
    let epoch = Epoch::from_gregorian_utc(2008, 4, 19, 0, 0, 0, 0);
    let target = OrbitState::new(epoch, tr, tv);
    let chaser = OrbitState::new(epoch, cr, cv);
    let period = std::f64::consts::TAU / n;
    let steps = 200;
    let mut max_pos = 0.0_f64;
    for k in 0..=steps {
        let t = period * k as f64 / steps as f64;
        let ts = propagate_two_body(&target, t, GM_EARTH_M3_S2).unwrap();
        let cs = propagate_two_body(&chaser, t, GM_EARTH_M3_S2).unwrap();
        let pair = InertialPair {
            target_r: ts.r,
            target_v: ts.v,
            chaser_r: cs.r,
            chaser_v: cs.v,
        };
        let truth = if curvilinear {
            curvilinear_from_pair(&pair).unwrap()
        } else {
            relative_state_rsw(&pair).unwrap()
        };
        let cw = cw_propagate_rsw(rel0, n, t).unwrap();
        max_pos = max_pos.max((cw.rho - truth.rho).norm());
    }
    max_pos
}

#[test]
fn cw_vs_nonlinear_cartesian_and_curvilinear_at_1_km() {
    let a = 6_778_000.0;
    let n = circular_mean_motion(GM_EARTH_M3_S2, a).unwrap();
    let cases: [(&str, RelativeState<Rsw>); 3] = [
        (
            "V-bar hold 1 km behind",
            RelativeState {
                rho: Vec3::new(0.0, -1000.0, 0.0),
                rho_dot: Vec3::zeros(),
            },
        ),
        (
            "radial 1 km, no-drift 2:1 ellipse",
            RelativeState {
                rho: Vec3::new(1000.0, 0.0, 0.0),
                rho_dot: Vec3::new(0.0, -2.0 * n * 1000.0, 0.0),
            },
        ),
        (
            "cross-track 1 km",
            RelativeState {
                rho: Vec3::new(0.0, 0.0, 1000.0),
                rho_dot: Vec3::zeros(),
            },
        ),
    ];
    for (name, rel) in &cases {
        let cart = max_error(rel, false);
        let curv = max_error(rel, true);
        println!("{name}: Cartesian {cart:.4} m, curvilinear {curv:.4} m");
        // Curvilinear: the V-bar point is exactly on the target's circle (error ~0); the other
        // cases keep the second-order dynamic terms (≈ (3/2) n² x²/a forcing).
        if name.starts_with("V-bar") {
            // The geometric term was the whole Cartesian error here: the 1 m is met.
            assert!(curv < 1e-3, "{name}: {curv}");
        } else {
            // Elsewhere the error is the neglected second-order *dynamics* (it does not vanish
            // in either reading): it must scale as ρ² (1 km vs 100 m: ratio 100 within 5 %).
            let scaled = RelativeState::<Rsw> {
                rho: rel.rho * 0.1,
                rho_dot: rel.rho_dot * 0.1,
            };
            let ratio = curv / max_error(&scaled, true);
            assert!((ratio / 100.0 - 1.0).abs() < 0.05, "{name}: ratio {ratio}");
        }
    }
}

/// The synthetic Soyuz-like case with the flagship's plane offset: insertion at i = 51.67°
/// into the plane of a 51.64° target (the scenario's assumption), so the plan has a real plane
/// correction to make (the inclination difference plus ~0.2°/day of differential nodal
/// regression between 220 and 340 km).
fn offset_plane_case() -> (OrbitState, OrbitState) {
    let epoch = Epoch::from_gregorian_utc(2007, 10, 10, 13, 31, 27, 700_000_000);
    let rp = 6_371_000.0 + 200_000.0;
    let ra = 6_371_000.0 + 242_000.0;
    let mut k = kep(0.5 * (rp + ra), (ra - rp) / (ra + rp), 0.0, 80.0);
    k.i_rad = 51.67_f64.to_radians();
    let chaser = k.to_state(epoch, GM_EARTH_M3_S2).unwrap();
    let target = kep(6_371_000.0 + 342_000.0, 0.0003, 0.0, 80.0 + 200.0)
        .to_state(epoch, GM_EARTH_M3_S2)
        .unwrap();
    (chaser, target)
}

/// Total Δv (m/s) of the plan with the gate at `gate_rev` and DV4 0.45 rev before it.
fn sweep_point(
    chaser: &OrbitState,
    target: &OrbitState,
    p: &OrbitPropagator,
    gate_rev: f64,
) -> capsim::gnc::rendezvous::RendezvousResult {
    let mut cfg = RendezvousConfig::soyuz_two_day();
    cfg.gate_rev = gate_rev;
    cfg.dv4_rev = gate_rev - 0.45;
    plan_rendezvous(chaser, target, p, p, &cfg)
        .unwrap_or_else(|e| panic!("gate_rev {gate_rev}: {e}"))
}

/// Exploration kept for diagnosis (prints only; run with `--ignored --nocapture`): Δv per burn
/// over a sweep of the gate slot. Before the DV3 fix, the cross-track component of DV3 grew
/// as 1/|sin(2π(dv4_rev − dv3_rev))| and the plan jumped from ~130 to 220–340 m/s (or did not
/// converge) whenever DV4 − DV3 came near a multiple of half a revolution.
#[test]
#[ignore]
fn explore_delta_v_over_gate_slot() {
    let (chaser, target) = offset_plane_case();
    let p = j2_propagator();
    for k in 0..=29 {
        let g = 31.6 + 0.05 * k as f64;
        let r = sweep_point(&chaser, &target, &p, g);
        let per: Vec<String> = r.burns[..5]
            .iter()
            .map(|b| {
                format!(
                    "{} {:.1} [{:.1} {:.1} {:.1}]",
                    b.name, b.dv_m_s, b.dv_lvlh_m_s[0], b.dv_lvlh_m_s[1], b.dv_lvlh_m_s[2]
                )
            })
            .collect();
        println!(
            "gate {g:.2}: total {:.1} m/s; {}",
            r.total_dv_m_s,
            per.join("; ")
        );
    }
}

/// The Δv varies continuously with the slots. Moving the gate (and DV4) by 0.05 rev changes
/// the in-plane transfer by ~1 m/s; what changes faster is the out-of-plane part: the plane
/// correction (out-of-plane velocity amplitude nA ≈ v·wedge ≈ 45 m/s here, the cross-track DV3)
/// can be merged with DV4 when DV4 falls on a relative node, and DV4 then has to null the
/// out-of-plane position the gate would otherwise be reached with, which costs nA·sin(Δφ) /
/// sin(nτ) for a phase error Δφ of DV4 from the node (CW, transfer τ = 0.45 rev, 1/sin(nτ) =
/// 3.2). The steepest legitimate change over Δφ = 2π·0.05 rad is thus ≈ 45 · 3.2 · 0.31 ≈
/// 45 m/s between neighbouring settings 0.05 rev apart (measured: 38 m/s at the edge of the
/// merge dip, which is continuous on a 0.01 rev grid: steps ≤ 13 m/s). The old planner, which
/// targeted DV3 at the full position at DV4, was singular there: jumps of ~115 m/s, slots
/// rejected or not closing near half revolutions of DV4 − DV3.
#[test]
fn delta_v_is_continuous_over_gate_slot() {
    let (chaser, target) = offset_plane_case();
    let p = j2_propagator();
    let totals: Vec<f64> = (0..=29)
        .map(|k| {
            let r = sweep_point(&chaser, &target, &p, 31.6 + 0.05 * k as f64);
            assert!(r.gate_miss_m < 10.0 && r.gate_miss_m_s < 0.1);
            r.total_dv_m_s
        })
        .collect();
    let max_jump = totals
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f64::max);
    let (lo, hi) = totals
        .iter()
        .fold((f64::MAX, 0.0_f64), |(a, b), &t| (a.min(t), b.max(t)));
    println!("totals {totals:.1?}; max jump {max_jump:.1} m/s, range {lo:.1}–{hi:.1} m/s");
    assert!(max_jump < 45.0, "max jump {max_jump} m/s: {totals:?}");
    // Phasing ~120 km (≈ 2 × 33 m/s Hohmann-like) + circularisation of the 200 × 242 km
    // insertion + the plane correction (≤ ~60 m/s): the whole sweep stays in 80–170 m/s.
    assert!(lo > 80.0 && hi < 170.0, "{lo} {hi}");
}

/// `docking_rev` derives the gate slot: docking happens the nominal proximity duration after
/// the gate (within the DV5 half-burn and one guidance step), i.e. at the requested
/// revolution. Counted at the target's mean rate, the docking revolution must come out within
/// 0.02 rev (~2 min) of the requested one.
#[test]
fn docking_rev_sets_the_docking_epoch() {
    let (chaser, target) = offset_plane_case();
    let p = j2_propagator();
    let base = RendezvousConfig::soyuz_two_day();
    let r0 = plan_rendezvous(&chaser, &target, &p, &p, &base).unwrap();
    let mut cfg = base.clone();
    cfg.docking_rev = Some(base.gate_rev);
    let r = plan_rendezvous(&chaser, &target, &p, &p, &cfg).unwrap();
    let prox = cfg.proximity.nominal_duration_s();
    let flown = (r.docking_epoch - r.gate_epoch).to_seconds();
    println!(
        "gate {} docking {} (old gate {}), proximity {flown:.0} s vs nominal {prox:.0} s, total {:.1} m/s",
        r.gate_epoch, r.docking_epoch, r0.gate_epoch, r.total_dv_m_s
    );
    assert!((flown - prox).abs() < 120.0, "{flown} vs {prox}");
    // The old gate epoch was the gate at rev 33.05; docking at rev 33.05 must land there.
    let d = (r.docking_epoch - r0.gate_epoch).to_seconds();
    let period = 2.0 * std::f64::consts::PI / (GM_EARTH_M3_S2 / (6_713_000.0_f64).powi(3)).sqrt();
    assert!(d.abs() < 0.02 * period, "{d} s");
    assert!(r.gate_miss_m < 10.0 && r.gate_miss_m_s < 0.1);
}

/// Exactly coplanar orbits (both equatorial) have no relative node for DV3: the planner must
/// plan without one (or fail with an error), never panic on the 0/0 of a node search.
#[test]
fn coplanar_orbits_plan_without_a_node() {
    let epoch = Epoch::from_gregorian_utc(2007, 10, 10, 13, 31, 27, 700_000_000);
    let eq = |a: f64, e: f64, ta_deg: f64| Keplerian {
        a_m: a,
        e,
        i_rad: 0.0,
        raan_rad: 0.0,
        argp_rad: 0.0,
        true_anomaly_rad: ta_deg.to_radians(),
    };
    let rp = 6_371_000.0 + 200_000.0;
    let ra = 6_371_000.0 + 242_000.0;
    let chaser = eq(0.5 * (rp + ra), (ra - rp) / (ra + rp), 0.0)
        .to_state(epoch, GM_EARTH_M3_S2)
        .unwrap();
    let target = eq(6_371_000.0 + 342_000.0, 0.0, 200.0)
        .to_state(epoch, GM_EARTH_M3_S2)
        .unwrap();
    let p = j2_propagator();
    let cfg = RendezvousConfig::soyuz_two_day();
    // A panic fails the test; an answer must close like any other, an error must say why.
    match plan_rendezvous(&chaser, &target, &p, &p, &cfg) {
        Ok(r) => assert!(r.gate_miss_m < 10.0, "{}", r.gate_miss_m),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// `docking_rev` is checked against the slots the user gives, not against the default gate and
/// DV4 it replaces: a long profile (DV3 on orbit 35, docking on orbit 50) is valid; a docking
/// revolution that leaves no room for the final transfer and the proximity phase is not, and
/// the message says so.
#[test]
fn docking_rev_is_checked_against_the_given_slots() {
    let mut cfg = RendezvousConfig::soyuz_two_day();
    cfg.dv3_rev = 34.0;
    cfg.docking_rev = Some(49.05);
    assert!(cfg.validate().is_ok(), "{:?}", cfg.validate());
    let mut cfg = RendezvousConfig::soyuz_two_day();
    cfg.docking_rev = Some(17.9); // dv3 16.35 + 1 + 0.45 + ≥ 0.68 proximity = 18.48
    let e = cfg.validate().unwrap_err().to_string();
    assert!(e.contains("docking_rev") && e.contains("proximity"), "{e}");
}
