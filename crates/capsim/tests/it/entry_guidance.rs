//! The predictor–corrector bank guidance (capsim::entry::guidance) closes on targets it can
//! reach. There is no published reference trajectory for it (Soyuz guidance is not public), so
//! these are closed-loop performance tests on the Soyuz-like case of `entry_physics`: targets are
//! placed relative to the open-loop landing point at a constant 45° bank, inside the footprint a
//! lift-to-drag ratio of 0.25 can reach, and the guided landing must come within 10 km, the
//! accuracy issue #5 asks of the flagship (measured: 0–6.0 km for retargets of 216–328 km).

use super::entry_physics::soyuz_like;
use capsim::entry::guidance::{PredictorCorrector, PredictorCorrectorConfig};
use capsim::entry::{distance_bearing, simulate_entry, ConstantBank, EntryConfig, EntryOptions};

fn predictor_for(cfg: &EntryConfig) -> EntryConfig {
    let dm = cfg.separations[0].configuration.clone();
    let mut p = EntryConfig::simple(dm);
    p.earth = cfg.earth;
    p.atmosphere = cfg.atmosphere.clone();
    p
}

#[test]
fn predictor_corrector_reaches_offset_targets() {
    // Targets = landing points of open-loop constant-bank descents (reachable by construction),
    // 216–328 km from the landing of the 45° descent the guidance starts from, including the
    // mirror-image (left-turning) one ~50 km to the side.
    let (cfg, x0) = soyuz_like(false);
    let opts = EntryOptions::default();
    let land = |bank_deg: f64| {
        let r = simulate_entry(
            &cfg,
            &x0,
            &mut ConstantBank {
                bank_rad: bank_deg.to_radians(),
            },
            &opts,
        )
        .unwrap();
        let t = r.summary.touchdown.unwrap();
        (t.lat_deg, t.lon_deg)
    };
    let nominal = land(45.0);
    for bank_deg in [45.0, 20.0, 65.0, -45.0, -30.0] {
        let (tlat, tlon) = land(bank_deg);
        let offset_km = distance_bearing(nominal.0, nominal.1, tlat, tlon).0 / 1e3;
        let pc = PredictorCorrectorConfig::new(tlat, tlon, predictor_for(&cfg), 10_500.0);
        let mut law = PredictorCorrector::new(pc).unwrap();
        let r = simulate_entry(&cfg, &x0, &mut law, &opts).unwrap();
        let t = r.summary.touchdown.unwrap();
        let (miss, _) = distance_bearing(tlat, tlon, t.lat_deg, t.lon_deg);
        eprintln!(
            "target = constant {bank_deg}° landing ({offset_km:.0} km from the 45° one): miss {miss:.0} m, peak {:.2} g, {} reversals",
            r.summary.peak_g, law.stats.reversals
        );
        assert!(
            miss < 10_000.0,
            "target of bank {bank_deg}°: miss {miss:.0} m ({:?})",
            law.stats
        );
        // A lifting entry flown this way keeps the load near the Soyuz nominal (3-5 g).
        assert!(r.summary.peak_g < 6.0, "peak {} g", r.summary.peak_g);
        assert!(law.stats.predictions > 0 && law.stats.failed_predictions == 0);
    }
}

#[test]
fn guidance_is_deterministic_and_rejects_bad_settings() {
    let (cfg, x0) = soyuz_like(false);
    let run = || {
        let pc = PredictorCorrectorConfig::new(45.0, 60.0, predictor_for(&cfg), 10_500.0);
        let mut law = PredictorCorrector::new(pc).unwrap();
        simulate_entry(&cfg, &x0, &mut law, &EntryOptions::default())
            .unwrap()
            .summary
    };
    let (a, b) = (run(), run());
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    let mut bad = PredictorCorrectorConfig::new(95.0, 0.0, predictor_for(&cfg), 10_500.0);
    assert!(PredictorCorrector::new(bad.clone()).is_err());
    bad.target_lat_deg = 45.0;
    bad.max_bank_rad = 4.0;
    assert!(PredictorCorrector::new(bad.clone()).is_err());
    bad.max_bank_rad = 3.0;
    bad.nav_velocity_bias_enu_m_s = [f64::NAN, 0.0, 0.0];
    assert!(PredictorCorrector::new(bad).is_err());
}

/// A navigation bias seen by the guidance (a Monte-Carlo dispersion) moves the landing: the
/// guidance steers the *believed* trajectory onto the target, so a 2 km position error north
/// leaves the capsule roughly that far off (between 0.5 and 5 km here), and a zero bias changes
/// nothing.
#[test]
fn navigation_bias_moves_the_landing() {
    let land = |bias_n_m: f64| {
        let (lat, lon, _) = guided_with_nav_error([0.0, bias_n_m, 0.0], [0.0; 3]);
        (lat, lon)
    };
    let (a, b, c) = (land(0.0), land(0.0), land(2_000.0));
    assert_eq!(a, b);
    let d = distance_bearing(a.0, a.1, c.0, c.1).0;
    assert!((500.0..5_000.0).contains(&d), "{d} m");
}

/// What the predictor's step tolerance costs in accuracy: a prediction is an entry run of the
/// descent module to the parachute altitude at constant bank. From the Soyuz-like case's entry
/// state (separation done, ~120 km), the end point of the run at the guidance's tolerance is
/// compared with a tight run (rel 1e-11): the guidance corrects range errors above 1 km
/// (`range_tol_m`), so a prediction error must stay well below that: < 100 m. Measured (bank
/// 0–135°): ≤ 13 m at 1e-6 (the library default), ≤ 31 m at 1e-5 (the flagship's setting,
/// ~16 % fewer rhs evaluations); 1e-4 would give 307 m, too close to the tolerance.
#[test]
fn predictor_tolerance_error_is_far_below_the_range_tolerance() {
    let (cfg, x0) = soyuz_like(false);
    // The state at the entry interface, after separation, from the full run.
    let full = simulate_entry(
        &cfg,
        &x0,
        &mut ConstantBank { bank_rad: 0.8 },
        &EntryOptions {
            end_altitude_m: Some(120_000.0),
            ..EntryOptions::default()
        },
    )
    .unwrap();
    let pred_cfg = predictor_for(&cfg);
    let x_ei = capsim::entry::EntryInitialState {
        r_ecef_m: full.final_r_ecef_m.into(),
        v_ecef_m_s: full.final_v_ecef_m_s.into(),
        mass_kg: pred_cfg_mass(&cfg),
        epoch_tt_s: x0.epoch_tt_s + full.summary.final_t_s,
    };
    let run = |rel_tol: f64, bank_deg: f64| {
        let r = simulate_entry(
            &pred_cfg,
            &x_ei,
            &mut ConstantBank {
                bank_rad: bank_deg.to_radians(),
            },
            &EntryOptions {
                rel_tol,
                abs_tol: if rel_tol < 1e-9 { 1e-6 } else { 1e-2 },
                end_altitude_m: Some(10_500.0),
                ..EntryOptions::default()
            },
        )
        .unwrap();
        let t = r.summary.touchdown.unwrap();
        (t.lat_deg, t.lon_deg, r.summary.rhs_evaluations)
    };
    for bank in [0.0, 45.0, 90.0, 135.0] {
        let (la, lo, n_tight) = run(1e-11, bank);
        for tol in [1e-6, 1e-5] {
            let (la1, lo1, n) = run(tol, bank);
            let (d, _) = distance_bearing(la, lo, la1, lo1);
            assert!(
                d < 100.0,
                "bank {bank}°, rel_tol {tol:e}: {d:.1} m, {n} rhs (tight {n_tight})"
            );
            assert!(n < n_tight);
        }
    }
}

fn pred_cfg_mass(cfg: &EntryConfig) -> f64 {
    cfg.separations[0].mass_after_kg
}

/// The navigation velocity error carries the position error along (p = p0 + v0 (t − t_act)):
/// a 5 m/s north velocity error alone leaves the capsule off by about the position error it has
/// grown to when the command freezes, v0 (t_freeze − t_activation): the guidance steers the
/// believed trajectory onto the target (measured 1.99 km vs 2.30 km; asserted within ±50 %, as
/// the last cycles before the freeze only partly correct).
#[test]
fn navigation_velocity_error_grows_the_position_error() {
    let (a, b) = (
        guided_with_nav_error([0.0; 3], [0.0; 3]),
        guided_with_nav_error([0.0; 3], [0.0, 5.0, 0.0]),
    );
    let d = distance_bearing(a.0, a.1, b.0, b.1).0;
    let grown = 5.0 * (b.2.frozen_at_s - b.2.activated_at_s);
    assert!(
        (0.5 * grown..1.5 * grown).contains(&d),
        "{d:.0} m vs v0·(t_freeze − t_act) = {grown:.0} m"
    );
}

/// The Soyuz-like case guided onto the landing point of its 0.5 rad constant-bank descent, with
/// the given navigation errors (position m, velocity m/s, local ENU): landing latitude and
/// longitude (deg) and the guidance counters.
fn guided_with_nav_error(
    p_enu_m: [f64; 3],
    v_enu_m_s: [f64; 3],
) -> (f64, f64, capsim::entry::guidance::GuidanceStats) {
    let (cfg, x0) = soyuz_like(false);
    let opts = EntryOptions::default();
    let target = simulate_entry(&cfg, &x0, &mut ConstantBank { bank_rad: 0.5 }, &opts)
        .unwrap()
        .summary
        .touchdown
        .unwrap();
    let mut pc = PredictorCorrectorConfig::new(
        target.lat_deg,
        target.lon_deg,
        predictor_for(&cfg),
        10_500.0,
    );
    pc.nav_position_bias_enu_m = p_enu_m;
    pc.nav_velocity_bias_enu_m_s = v_enu_m_s;
    let mut law = PredictorCorrector::new(pc).unwrap();
    let t = simulate_entry(&cfg, &x0, &mut law, &opts)
        .unwrap()
        .summary
        .touchdown
        .unwrap();
    (t.lat_deg, t.lon_deg, law.stats)
}
