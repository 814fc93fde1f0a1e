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
