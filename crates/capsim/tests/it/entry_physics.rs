//! Physics checks of `capsim::entry` against closed-form results (each test names its
//! reference), plus determinism, error handling and a Soyuz-like sanity run.

use std::sync::Arc;

use capsim::entry::{
    simulate_entry, sutton_graves_w_m2, AeroConfiguration, AeroTable, AtmosphereChoice,
    BallisticRoll, BurnAttitude, BurnCutoff, ChuteTrigger, ConstantBank, DeorbitBurn, EarthModel,
    EntryConfig, EntryError, EntryEventKind, EntryInitialState, EntryOptions, InitialVelocity,
    Parachute, SwitchTrigger, SwitchedBank, G0_M_S2,
};
use capsim::env::atmosphere::exponential::Exponential;
use capsim::env::atmosphere::us76::Us76;
use nalgebra::Vector3;

fn capsule(name: &str, cd: f64, ld: f64, area_m2: f64) -> AeroConfiguration {
    AeroConfiguration {
        name: name.into(),
        aero: AeroTable::constant(cd, ld),
        reference_area_m2: area_m2,
        nose_radius_m: 2.2,
    }
}

/// Allen & Eggers, "A study of the motion and aerodynamic heating of ballistic missiles
/// entering the Earth's atmosphere at high supersonic speeds", NACA TR 1381 (1958), eqs. (17)
/// and (19) with ρ = ρ0·exp(−βh): straight-line, gravity-free ballistic entry at speed V_E and
/// path angle γ_E gives V = V_E·exp(−ρ0 Cd A/(2 β m sin γ_E)·e^{−βh}), maximum deceleration
/// a_max = β V_E² sin γ_E/(2e) at the altitude where ρ = β m sin γ_E/(Cd A), i.e.
/// h* = (1/β)·ln(ρ0 Cd A/(β m sin γ_E)) = H·ln(ρ0 H Cd A/(m sin γ_E)).
/// Our run keeps gravity and the spherical, non-rotating Earth, which the analytic solution
/// neglects (effects ≲ 1 % for these steep entries); tolerance 5 % as the issue asks.
#[test]
fn allen_eggers_steep_ballistic_entry() {
    let (rho0, h_scale) = (1.225, 7200.0);
    let atm = Exponential::single(rho0, 0.0, h_scale).unwrap();
    // Two settings: (a) the real case — spherical Earth with gravity — against the 5 % the
    // issue asks (gravity adds ~2 % speed on the way down, curvature shallows γ by ~1.5°:
    // opposite effects the analytic solution ignores); (b) the analytic model's own
    // assumptions — no gravity (μ = 0) and an effectively flat Earth (sphere radius 1000×
    // Earth's) — where the match must be within 0.5 %.
    for &(gamma_deg, beta_kg_m2, gravity) in &[
        (-30.0_f64, 400.0_f64, true),
        (-45.0, 500.0, true),
        (-60.0, 1000.0, true),
        (-30.0, 400.0, false),
        (-45.0, 500.0, false),
        (-60.0, 1000.0, false),
    ] {
        let tol = if gravity { 0.05 } else { 0.005 };
        let v_e = 7500.0;
        let area = 1.0;
        let cd = 1.0;
        let mass = beta_kg_m2 * cd * area;
        let mut cfg = EntryConfig::simple(capsule("sphere", cd, 0.0, area));
        cfg.earth = EarthModel::nesc_sphere(false);
        if !gravity {
            cfg.earth.mu_m3_s2 = 0.0;
            cfg.earth.sphere_radius_m *= 1000.0;
        }
        cfg.atmosphere.model = AtmosphereChoice::Custom(Arc::new(atm));
        let g = gamma_deg.to_radians();
        let x0 = EntryInitialState::from_geodetic(
            &cfg.earth,
            0.0,
            0.0,
            120_000.0,
            [0.0, v_e * g.cos(), -v_e * g.sin()],
            InitialVelocity::EarthRelativeNed,
            mass,
            0.0,
        );
        let opts = EntryOptions {
            record_history: true,
            history_step_s: 0.01,
            rel_tol: 1e-10,
            abs_tol: 1e-6,
            max_step_s: 1.0,
            // Without gravity the body never lands: stop well after the peak.
            end_time_s: (!gravity).then_some(120.0),
            ..EntryOptions::default()
        };
        let res = simulate_entry(&cfg, &x0, &mut ConstantBank { bank_rad: 0.0 }, &opts).unwrap();
        let peak = res
            .history
            .iter()
            .max_by(|a, b| a.drag_accel_m_s2.total_cmp(&b.drag_accel_m_s2))
            .unwrap();
        let s = (-g).sin();
        let a_max = v_e * v_e * s / (2.0 * std::f64::consts::E * h_scale);
        let h_star = h_scale * (rho0 * h_scale * cd * area / (mass * s)).ln();
        let e_a = (peak.drag_accel_m_s2 - a_max).abs() / a_max;
        let e_h = (peak.alt_m - h_star).abs() / h_star;
        eprintln!(
            "Allen–Eggers γ = {gamma_deg}°, m/CdA = {beta_kg_m2}, gravity {gravity}: a_max {:.1} vs {a_max:.1} m/s² ({:.2} %), h* {:.0} vs {h_star:.0} m ({:.2} %); summary peak g {:.2} vs history {:.2}",
            peak.drag_accel_m_s2,
            100.0 * e_a,
            peak.alt_m,
            100.0 * e_h,
            res.summary.peak_g,
            peak.g_load
        );
        assert!(e_a < tol, "peak deceleration error {e_a}");
        assert!(e_h < tol, "peak altitude error {e_h}");
        // The summary's refined peak agrees with the finely sampled history to 0.5 %.
        assert!((res.summary.peak_g - peak.g_load).abs() / peak.g_load < 5e-3);
    }
}

/// Jacobi integral of motion in a uniformly rotating frame (Szebehely, *Theory of Orbits*,
/// 1967, ch. 1, generalised to any time-independent potential in the rotating frame):
/// with no dissipative force, C = v²/2 − ½|ω×r|² − U(r) is constant along a trajectory in the
/// Earth-fixed frame, U the (J2) gravitational potential. Atmosphere off, from 200 km on a
/// suborbital arc to the ground (~20 min).
#[test]
fn jacobi_integral_conserved_without_atmosphere() {
    let mut cfg = EntryConfig::simple(capsule("dm", 1.3, 0.3, 3.8));
    cfg.atmosphere.model = AtmosphereChoice::Off;
    let earth = cfg.earth;
    let x0 = EntryInitialState::from_geodetic(
        &earth,
        0.3,
        0.5,
        200_000.0,
        [4700.0, 6035.0, 0.0],
        InitialVelocity::InertialNed,
        3000.0,
        0.0,
    );
    let opts = EntryOptions {
        record_history: true,
        history_step_s: 10.0,
        rel_tol: 1e-13,
        abs_tol: 1e-9,
        max_step_s: 5.0,
        ..EntryOptions::default()
    };
    let res = simulate_entry(&cfg, &x0, &mut ConstantBank { bank_rad: 0.5 }, &opts).unwrap();
    assert!(res.summary.touchdown.is_some());
    let w = earth.omega_vec();
    let jac = |r: [f64; 3], v: [f64; 3]| {
        let r = Vector3::from(r);
        let v = Vector3::from(v);
        0.5 * v.norm_squared() - 0.5 * w.cross(&r).norm_squared() - earth.potential(&r)
    };
    let c0 = jac(res.history[0].r_ecef_m, res.history[0].v_ecef_m_s);
    let mut worst = 0.0_f64;
    for h in &res.history {
        worst = worst.max(((jac(h.r_ecef_m, h.v_ecef_m_s) - c0) / c0).abs());
    }
    let t_end = res.summary.final_t_s;
    eprintln!(
        "Jacobi: {} rows over {t_end:.0} s, max relative drift {worst:.2e}",
        res.history.len()
    );
    assert!(t_end > 600.0);
    assert!(worst < 1e-9, "Jacobi drift {worst}");
}

/// Steady parachute descent: drag = weight, V = sqrt(2 m g/(ρ Cd·A)) (e.g. Knacke, *Parachute
/// Recovery Systems Design Manual*, NWC TP 6575, 1991, eq. 5-1), with Cd·A = chute + capsule
/// body, ρ from US76, g the local effective gravity (gravitation + centrifugal, vertical part).
#[test]
fn parachute_steady_descent_speed() {
    let mut cfg = EntryConfig::simple(capsule("dm", 1.0, 0.0, 3.8));
    cfg.parachutes = vec![Parachute {
        name: "main".into(),
        trigger: ChuteTrigger::Altitude { alt_m: 9000.0 },
        cd_area_m2: 600.0,
        inflation_time_s: 10.0,
        jettison_mass_kg: 100.0,
    }];
    let earth = cfg.earth;
    let x0 = EntryInitialState::from_geodetic(
        &earth,
        0.9,
        1.1,
        10_000.0,
        [30.0, 0.0, 150.0],
        InitialVelocity::EarthRelativeNed,
        3000.0,
        0.0,
    );
    let opts = EntryOptions {
        record_history: true,
        ..EntryOptions::default()
    };
    let res = simulate_entry(&cfg, &x0, &mut ConstantBank { bank_rad: 0.0 }, &opts).unwrap();
    let us76 = Us76::new();
    let mut checked = 0;
    for target_alt in [4000.0, 2000.0, 500.0] {
        let row = res
            .history
            .iter()
            .min_by(|a, b| {
                (a.alt_m - target_alt)
                    .abs()
                    .total_cmp(&(b.alt_m - target_alt).abs())
            })
            .unwrap();
        let r = Vector3::from(row.r_ecef_m);
        let w = earth.omega_vec();
        let g_eff = earth.gravitation(&r) - w.cross(&w.cross(&r));
        let (lat, lon) = (row.lat_deg.to_radians(), row.lon_deg.to_radians());
        let up = Vector3::new(lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin());
        let g = -g_eff.dot(&up);
        let rho = us76.at_altitude(row.alt_m).unwrap().density_kg_m3;
        let v_ss = (2.0 * row.mass_kg * g / (rho * (600.0 + 3.8))).sqrt();
        let e = (row.speed_m_s - v_ss).abs() / v_ss;
        eprintln!(
            "chute at {:.0} m: speed {:.4} m/s vs steady {:.4} m/s ({:.3} %)",
            row.alt_m,
            row.speed_m_s,
            v_ss,
            100.0 * e
        );
        assert!(e < 0.01, "steady descent error {e}");
        checked += 1;
    }
    assert_eq!(checked, 3);
    assert!((res.summary.final_mass_kg - 2900.0).abs() < 1e-9);
}

/// Sutton & Graves (NASA TR R-376, 1971), Earth k = 1.7415e-4 SI, checked by hand:
/// ρ = 1e-4 kg/m³, R_n = 1 m, V = 7000 m/s → q = 1.7415e-4 × 0.01 × 3.43e11 = 597 334.5 W/m².
/// Also: the integrated heat load of a run equals the trapezoid integral of its sampled heat
/// flux (0.1 s) to 0.1 %.
#[test]
fn sutton_graves_hand_check_and_heat_load() {
    let q = sutton_graves_w_m2(1e-4, 1.0, 7000.0);
    assert!((q - 597_334.5).abs() < 1e-6, "{q}");
    let q2 = sutton_graves_w_m2(4e-4, 4.0, 7000.0);
    assert!((q2 - 597_334.5).abs() < 1e-6);

    let cfg = EntryConfig::simple(capsule("dm", 1.3, 0.0, 3.8));
    let x0 = EntryInitialState::from_geodetic(
        &cfg.earth,
        0.0,
        0.0,
        120_000.0,
        [0.0, 7400.0, 7400.0 * 2.0_f64.to_radians().tan()],
        InitialVelocity::EarthRelativeNed,
        2900.0,
        0.0,
    );
    let opts = EntryOptions {
        record_history: true,
        history_step_s: 0.1,
        ..EntryOptions::default()
    };
    let res = simulate_entry(&cfg, &x0, &mut ConstantBank { bank_rad: 0.0 }, &opts).unwrap();
    let mut trap = 0.0;
    for w in res.history.windows(2) {
        trap += 0.5 * (w[0].heat_flux_w_m2 + w[1].heat_flux_w_m2) * (w[1].t_s - w[0].t_s);
    }
    let e = (trap - res.summary.heat_load_j_m2).abs() / res.summary.heat_load_j_m2;
    eprintln!(
        "heat load {:.4e} J/m² vs trapezoid {trap:.4e} ({e:.2e}); peak flux {:.3e} W/m²",
        res.summary.heat_load_j_m2, res.summary.peak_heat_flux_w_m2
    );
    assert!(e < 1e-3);
}

/// Tsiolkovsky's rocket equation Δv = Isp·g0·ln(m0/m1): with gravity, rotation and air off, a
/// retrograde burn along a straight line changes the speed by exactly that (to 1e-6 relative),
/// for both cut-off modes.
#[test]
fn deorbit_burn_matches_rocket_equation() {
    let mut earth = EarthModel::nesc_sphere(false);
    earth.mu_m3_s2 = 0.0;
    for cutoff in [
        BurnCutoff::DeltaV { delta_v_m_s: 115.0 },
        BurnCutoff::Duration { duration_s: 260.0 },
    ] {
        let mut cfg = EntryConfig::simple(capsule("stack", 2.0, 0.0, 10.0));
        cfg.earth = earth;
        cfg.atmosphere.model = AtmosphereChoice::Off;
        cfg.deorbit_burn = Some(DeorbitBurn {
            ignition_t_s: 20.0,
            thrust_n: 2950.0,
            isp_s: 302.0,
            attitude: BurnAttitude::Retrograde,
            cutoff,
        });
        let x0 = EntryInitialState::from_geodetic(
            &earth,
            0.0,
            0.0,
            350_000.0,
            [0.0, 7700.0, 0.0],
            InitialVelocity::EarthRelativeNed,
            7220.0,
            0.0,
        );
        let opts = EntryOptions {
            end_time_s: Some(400.0),
            ..EntryOptions::default()
        };
        let res = simulate_entry(&cfg, &x0, &mut ConstantBank { bank_rad: 0.0 }, &opts).unwrap();
        let v1 = Vector3::from(res.final_v_ecef_m_s).norm();
        let c = 302.0 * G0_M_S2;
        let m1 = res.summary.final_mass_kg;
        let dv_rocket = c * (7220.0 / m1).ln();
        let dv_sim = 7700.0 - v1;
        let e = (dv_sim - dv_rocket).abs() / dv_rocket;
        eprintln!(
            "burn {cutoff:?}: Δv sim {dv_sim:.9} m/s, rocket eq. {dv_rocket:.9} m/s, rel {e:.2e}"
        );
        assert!(e < 1e-6);
        if let BurnCutoff::DeltaV { delta_v_m_s } = cutoff {
            assert!((dv_sim - delta_v_m_s).abs() / delta_v_m_s < 1e-6);
        } else {
            let mdot = 2950.0 / c;
            assert!((m1 - (7220.0 - 260.0 * mdot)).abs() < 1e-6);
        }
        let kinds: Vec<_> = res
            .events
            .iter()
            .filter(|e| e.kind != EntryEventKind::PeakG)
            .map(|e| e.kind.clone())
            .collect();
        assert_eq!(
            kinds,
            vec![EntryEventKind::DeorbitStart, EntryEventKind::DeorbitEnd]
        );
    }
}

pub use super::soyuz_fixture::soyuz_like;

/// SANITY test, not a validation: a Soyuz-like descent (350 km circular orbit, 115 m/s
/// retrograde burn, separation at 140 km, L/D 0.25 at constant bank 60°) should show a peak
/// load between 3 and 5 g and land softly (< 10 m/s).
#[test]
fn soyuz_like_smoke() {
    let (cfg, x0) = soyuz_like(false);
    let opts = EntryOptions::default();
    let res = simulate_entry(
        &cfg,
        &x0,
        &mut ConstantBank {
            bank_rad: 60f64.to_radians(),
        },
        &opts,
    )
    .unwrap();
    let s = res.summary;
    let td = s.touchdown.unwrap();
    eprintln!(
        "Soyuz-like: peak {:.2} g at {:.0} s, q̇ {:.0} kW/m², Q {:.1} MJ/m², q {:.1} kPa, touchdown {:.2} m/s at {:.0} s ({:.3}°, {:.3}°), steps {} rhs {}",
        s.peak_g,
        s.peak_g_t_s,
        s.peak_heat_flux_w_m2 / 1e3,
        s.heat_load_j_m2 / 1e6,
        s.peak_q_pa / 1e3,
        td.speed_m_s,
        td.t_s,
        td.lat_deg,
        td.lon_deg,
        s.steps_accepted,
        s.rhs_evaluations
    );
    for e in &res.events {
        eprintln!(
            "  {:?} {} t={:.1} alt={:.0} v={:.1} val={:.3}",
            e.kind, e.name, e.t_s, e.alt_m, e.speed_m_s, e.value
        );
    }
    assert!((3.0..=5.0).contains(&s.peak_g), "peak g {}", s.peak_g);
    assert!(td.speed_m_s < 10.0, "touchdown speed {}", td.speed_m_s);
    let order: Vec<_> = res
        .events
        .iter()
        .filter(|e| {
            !matches!(
                e.kind,
                EntryEventKind::PeakG
                    | EntryEventKind::PeakHeatFlux
                    | EntryEventKind::PeakDynamicPressure
            )
        })
        .map(|e| e.kind.clone())
        .collect();
    assert_eq!(
        order,
        vec![
            EntryEventKind::DeorbitStart,
            EntryEventKind::DeorbitEnd,
            EntryEventKind::Separation,
            EntryEventKind::EntryInterface400kft,
            EntryEventKind::EntryInterface,
            EntryEventKind::ChuteDeploy,
            EntryEventKind::ChuteDeploy,
            EntryEventKind::SoftLandingIgnition,
            EntryEventKind::Touchdown,
        ]
    );
}

/// The ballistic backup switched on by the separation fault: higher g than the lifting run,
/// lands uprange (sooner, shorter) — a sanity test of the fault/switch machinery.
#[test]
fn separation_fault_switches_to_ballistic() {
    let (cfg, x0) = soyuz_like(true);
    let opts = EntryOptions::default();
    let mut law = SwitchedBank::new(
        Box::new(ConstantBank {
            bank_rad: 60f64.to_radians(),
        }),
        Box::new(BallisticRoll {
            roll_rate_rad_s: 13f64.to_radians(),
        }),
        SwitchTrigger::Fault,
    );
    let res = simulate_entry(&cfg, &x0, &mut law, &opts).unwrap();
    assert!(law.switched());
    let (cfg_n, _) = soyuz_like(false);
    let nom = simulate_entry(
        &cfg_n,
        &x0,
        &mut ConstantBank {
            bank_rad: 60f64.to_radians(),
        },
        &opts,
    )
    .unwrap();
    let (b, n) = (res.summary, nom.summary);
    eprintln!(
        "ballistic fault: peak {:.2} g vs nominal {:.2} g",
        b.peak_g, n.peak_g
    );
    assert!(b.peak_g > n.peak_g + 1.0);
    assert!(res
        .events
        .iter()
        .any(|e| e.kind == EntryEventKind::SeparationFault));
    assert!(b.touchdown.unwrap().t_s < n.touchdown.unwrap().t_s);
}

/// Same inputs → bit-identical summary and events.
#[test]
fn deterministic() {
    let (cfg, x0) = soyuz_like(false);
    let opts = EntryOptions::default();
    let a = simulate_entry(&cfg, &x0, &mut ConstantBank { bank_rad: 1.0 }, &opts).unwrap();
    let b = simulate_entry(&cfg, &x0, &mut ConstantBank { bank_rad: 1.0 }, &opts).unwrap();
    assert_eq!(a.summary, b.summary);
    assert_eq!(a.events.len(), b.events.len());
    for (x, y) in a.events.iter().zip(&b.events) {
        assert_eq!(x.t_s.to_bits(), y.t_s.to_bits());
    }
}

/// Bad inputs return errors, never panic.
#[test]
fn bad_inputs_are_errors() {
    let (cfg, x0) = soyuz_like(false);
    let opts = EntryOptions::default();
    let mut bank = ConstantBank { bank_rad: 0.0 };
    let mut c = cfg.clone();
    c.initial_configuration.reference_area_m2 = -1.0;
    assert!(matches!(
        simulate_entry(&c, &x0, &mut bank, &opts),
        Err(EntryError::InvalidConfig(_))
    ));
    let mut c = cfg.clone();
    c.separations[0].configuration.aero.mach = vec![2.0, 1.0, 3.0, 4.0, 5.0, 6.0];
    assert!(matches!(
        simulate_entry(&c, &x0, &mut bank, &opts),
        Err(EntryError::InvalidConfig(_))
    ));
    let mut c = cfg.clone();
    c.parachutes.swap(0, 1);
    assert!(matches!(
        simulate_entry(&c, &x0, &mut bank, &opts),
        Err(EntryError::InvalidConfig(_))
    ));
    let mut x = x0;
    x.mass_kg = -5.0;
    assert!(matches!(
        simulate_entry(&cfg, &x, &mut bank, &opts),
        Err(EntryError::InvalidInitialState(_))
    ));
    let mut x = x0;
    x.v_ecef_m_s.x = f64::NAN;
    assert!(simulate_entry(&cfg, &x, &mut bank, &opts).is_err());
    // No burn: the orbit never comes down → NoTouchdown, not a hang.
    let mut c = cfg.clone();
    c.deorbit_burn = None;
    c.separations.clear();
    let o = EntryOptions {
        max_time_s: 3000.0,
        ..opts
    };
    assert!(matches!(
        simulate_entry(&c, &x0, &mut bank, &o),
        Err(EntryError::NoTouchdown { .. })
    ));
    // A bank law returning NaN.
    struct Nan;
    impl capsim::entry::BankLaw for Nan {
        fn bank_rad(&mut self, _: &capsim::entry::BankContext) -> f64 {
            f64::NAN
        }
    }
    assert!(simulate_entry(&cfg, &x0, &mut Nan, &opts).is_err());
}

/// Vincenty distance: 1° of longitude on the equator = a·π/180 = 111 319.4908 m; Arkalyk-area
/// proxy points (TMA-12 landing 51.0778 N 67.1625 E): a 1' northward offset ≈ 1853 m.
#[test]
fn distance_bearing_basics() {
    let (d, b) = capsim::entry::distance_bearing(0.0, 0.0, 0.0, 1.0);
    assert!((d - 111_319.490_8).abs() < 1e-3 && (b - 90.0).abs() < 1e-9);
    let (d, b) = capsim::entry::distance_bearing(51.0778, 67.1625, 51.0778 + 1.0 / 60.0, 67.1625);
    assert!((d - 1854.0).abs() < 3.0 && b.abs() < 1e-6, "{d} {b}");
    let (d, _) = capsim::entry::distance_bearing(0.0, 0.0, 0.5, 179.7);
    assert!(d.is_finite() && d > 1.99e7);
}

/// Step-control error: the landing point of the default options against a tight run
/// (rel_tol 1e-12) must agree within 50 m (issue #5 "Speed"), for the lifting and the
/// ballistic Soyuz-like runs.
#[test]
fn default_step_control_landing_error() {
    let (cfg, x0) = soyuz_like(false);
    let tight = EntryOptions {
        rel_tol: 1e-12,
        abs_tol: 1e-8,
        max_step_s: 10.0,
        ..EntryOptions::default()
    };
    for ballistic in [false, true] {
        let run = |o: &EntryOptions| {
            let r = if ballistic {
                simulate_entry(
                    &cfg,
                    &x0,
                    &mut BallisticRoll {
                        roll_rate_rad_s: 0.2,
                    },
                    o,
                )
            } else {
                simulate_entry(
                    &cfg,
                    &x0,
                    &mut ConstantBank {
                        bank_rad: 60f64.to_radians(),
                    },
                    o,
                )
            };
            r.unwrap().summary
        };
        let a = run(&EntryOptions::default());
        let b = run(&tight);
        let (ta, tb) = (a.touchdown.unwrap(), b.touchdown.unwrap());
        let (d, _) =
            capsim::entry::distance_bearing(ta.lat_deg, ta.lon_deg, tb.lat_deg, tb.lon_deg);
        eprintln!(
            "ballistic {ballistic}: default {} steps / {} rhs, tight {} steps; landing difference {d:.2} m, peak g {:.5} vs {:.5}, Δt {:.3} s",
            a.steps_accepted, a.rhs_evaluations, b.steps_accepted, a.peak_g, b.peak_g, ta.t_s - tb.t_s
        );
        assert!(d < 50.0, "landing difference {d} m");
    }
}
