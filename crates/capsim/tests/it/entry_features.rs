//! Feature checks of `capsim::entry` that have no external reference: timers, density
//! dispersions, NRLMSISE-00 above 86 km, the GCRF constructor, bank-law switching. Each states
//! the relation it checks.

use std::sync::Arc;

use capsim::entry::{
    simulate_entry, AltitudeTable, AtmosphereChoice, BallisticRoll, BankContext, BankIndex,
    BankLaw, ChuteTrigger, ConstantBank, EntryEventKind, EntryInitialState, EntryOptions, Phase,
    SeparationTrigger, SoftLanding, SwitchTrigger, SwitchedBank, TabulatedBank,
};
use capsim::env::atmosphere::nrlmsise00::Nrlmsise00;
use capsim::env::space_weather::SpaceWeatherValues;
use capsim::frames::{Gcrf, Itrf, Rotation, Vec3};
use capsim::state::cartesian::OrbitState;
use nalgebra::{Matrix3, Vector3};

use crate::entry_physics::soyuz_like;

/// Timers: separation 1500 s after the burn end, main chute 20 s after the drogue, soft
/// landing over 0.2 s. Each timed event must occur at its time (to 1 µs), and the soft-landing
/// deceleration must remove Δv (touchdown slower than without it).
#[test]
fn timed_events_fire_on_time() {
    let (mut cfg, x0) = soyuz_like(false);
    cfg.separations[0].trigger = SeparationTrigger::AfterBurnEnd { dt_s: 1200.0 };
    cfg.parachutes[1].trigger = ChuteTrigger::AfterPrevious { dt_s: 20.0 };
    cfg.soft_landing = Some(SoftLanding {
        ignition_height_m: 1.5,
        delta_v_m_s: 5.0,
        burn_time_s: 0.2,
    });
    let opts = EntryOptions::default();
    let res = simulate_entry(&cfg, &x0, &mut ConstantBank { bank_rad: 1.0 }, &opts).unwrap();
    let t_of = |k: EntryEventKind, n: usize| {
        res.events
            .iter()
            .filter(|e| e.kind == k)
            .nth(n)
            .map(|e| e.t_s)
            .unwrap()
    };
    let burn_end = t_of(EntryEventKind::DeorbitEnd, 0);
    assert!((t_of(EntryEventKind::Separation, 0) - (burn_end + 1200.0)).abs() < 1e-6);
    let drogue = t_of(EntryEventKind::ChuteDeploy, 0);
    assert!((t_of(EntryEventKind::ChuteDeploy, 1) - (drogue + 20.0)).abs() < 1e-6);
    let td = res.summary.touchdown.unwrap();
    let mut no_soft = cfg.clone();
    no_soft.soft_landing = None;
    let r2 = simulate_entry(&no_soft, &x0, &mut ConstantBank { bank_rad: 1.0 }, &opts).unwrap();
    let td2 = r2.summary.touchdown.unwrap();
    eprintln!(
        "touchdown {:.3} m/s with soft landing, {:.3} m/s without",
        td.speed_m_s, td2.speed_m_s
    );
    assert!(td.speed_m_s < td2.speed_m_s - 3.0);
}

/// Density dispersions: a factor 1.2 everywhere (constant or as a table) gives identical
/// results either way; in a near-exponential atmosphere a factor k lifts the trajectory by
/// about H·ln k (≈ 1.3 km for H ≈ 7 km), so the peak-g altitude rises by roughly that much.
#[test]
fn density_scale_constant_equals_table() {
    let (cfg, x0) = soyuz_like(false);
    let opts = EntryOptions {
        record_history: true,
        history_step_s: 0.1,
        ..EntryOptions::default()
    };
    let mut a = cfg.clone();
    a.atmosphere.density_scale = 1.2;
    let mut b = cfg.clone();
    b.atmosphere.density_scale_table = Some(AltitudeTable {
        alt_m: vec![0.0, 1.0e6],
        value: vec![1.2, 1.2],
    });
    let roll = || BallisticRoll {
        roll_rate_rad_s: 0.2,
    };
    let ra = simulate_entry(&a, &x0, &mut roll(), &opts).unwrap();
    let rb = simulate_entry(&b, &x0, &mut roll(), &opts).unwrap();
    let rn = simulate_entry(&cfg, &x0, &mut roll(), &opts).unwrap();
    assert_eq!(ra.summary, rb.summary);
    let alt_pk = |r: &capsim::entry::EntryResult| {
        r.history
            .iter()
            .max_by(|p, q| p.g_load.total_cmp(&q.g_load))
            .unwrap()
            .alt_m
    };
    let dh = alt_pk(&ra) - alt_pk(&rn);
    eprintln!("peak-g altitude shift for ρ × 1.2: {dh:.0} m");
    assert!((600.0..2500.0).contains(&dh), "{dh}");
}

/// NRLMSISE-00 above 86 km (US76 below): the run completes and the landing moves (the
/// upper-atmosphere density differs from US76), by less than 200 km.
#[test]
fn msis_upper_atmosphere_runs() {
    let (mut cfg, x0) = soyuz_like(false);
    let opts = EntryOptions::default();
    let nominal = simulate_entry(&cfg, &x0, &mut ConstantBank { bank_rad: 1.0 }, &opts).unwrap();
    cfg.atmosphere.model = AtmosphereChoice::Us76BelowMsisAbove {
        msis: Arc::new(Nrlmsise00::new()),
        space_weather: SpaceWeatherValues::constant(150.0, 150.0, 15.0),
        switch_alt_m: 86_000.0,
    };
    let msis = simulate_entry(&cfg, &x0, &mut ConstantBank { bank_rad: 1.0 }, &opts).unwrap();
    let (a, b) = (
        nominal.summary.touchdown.unwrap(),
        msis.summary.touchdown.unwrap(),
    );
    let (d, _) = capsim::entry::distance_bearing(a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg);
    eprintln!(
        "US76 vs US76+NRLMSISE-00 landing difference {:.1} km",
        d / 1e3
    );
    assert!(d > 1.0 && d < 200e3);
}

/// From a GCRF state: r_itrf = R·r, v_rel = R·v − ω×r_itrf (transport theorem), checked on a
/// rotation of 30° about z.
#[test]
fn initial_state_from_gcrf() {
    let (s, c) = 30f64.to_radians().sin_cos();
    let rot: Rotation<Gcrf, Itrf> =
        Rotation::from_matrix_unchecked(Matrix3::new(c, s, 0.0, -s, c, 0.0, 0.0, 0.0, 1.0));
    let st = OrbitState::new(
        capsim::time::epoch_from_tt_seconds_j2000(2.6e8),
        Vec3::new(6.7e6, 0.0, 1.0e5),
        Vec3::new(0.0, 7.7e3, 100.0),
    );
    let w = 7.292115e-5;
    let x = EntryInitialState::from_orbit_state(&st, &rot, w, 2900.0);
    let r = Vector3::new(c * 6.7e6, -s * 6.7e6, 1.0e5);
    let v = Vector3::new(s * 7.7e3, c * 7.7e3, 100.0) - Vector3::new(0.0, 0.0, w).cross(&r);
    assert!((x.r_ecef_m - r).norm() < 1e-6);
    assert!((x.v_ecef_m_s - v).norm() < 1e-9);
    assert!((x.epoch_tt_s - 2.6e8).abs() < 1e-3);
}

struct Recorder {
    calls: Vec<(f64, Phase)>,
}
impl BankLaw for Recorder {
    fn bank_rad(&mut self, ctx: &BankContext) -> f64 {
        self.calls.push((ctx.t_s, ctx.phase));
        0.5
    }
}

/// Bank laws: the law is called at the start and after every accepted step (times strictly
/// increase); a tabulated law interpolates; a switched law latches on an altitude trigger.
#[test]
fn bank_laws() {
    let (cfg, x0) = soyuz_like(false);
    let opts = EntryOptions::default();
    let mut rec = Recorder { calls: Vec::new() };
    let res = simulate_entry(&cfg, &x0, &mut rec, &opts).unwrap();
    assert!(rec.calls.len() as u64 >= res.summary.steps_accepted);
    assert!(rec.calls.windows(2).all(|w| w[1].0 >= w[0].0));
    assert_eq!(rec.calls[0].0, 0.0);

    let mut tab =
        TabulatedBank::new(BankIndex::Speed, vec![1000.0, 5000.0], vec![0.2, 1.0]).unwrap();
    let ctx_at = |speed: f64, alt: f64| BankContext {
        t_s: 0.0,
        r_ecef_m: [0.0; 3],
        v_ecef_m_s: [0.0; 3],
        mass_kg: 1.0,
        lat_rad: 0.0,
        lon_rad: 0.0,
        alt_m: alt,
        speed_m_s: speed,
        flight_path_angle_rad: 0.0,
        heading_rad: 0.0,
        drag_accel_m_s2: 0.0,
        sensed_g: 0.0,
        phase: Phase::Atmospheric,
        fault_active: false,
        config: &cfg,
    };
    assert!((tab.bank_rad(&ctx_at(3000.0, 0.0)) - 0.6).abs() < 1e-15);
    assert_eq!(tab.bank_rad(&ctx_at(100.0, 0.0)), 0.2);
    assert!(TabulatedBank::new(BankIndex::Time, vec![1.0, 1.0], vec![0.0, 0.0]).is_err());
    let mut sw = SwitchedBank::new(
        Box::new(ConstantBank { bank_rad: 0.1 }),
        Box::new(ConstantBank { bank_rad: 0.9 }),
        SwitchTrigger::AltitudeBelow { alt_m: 50_000.0 },
    );
    assert_eq!(sw.bank_rad(&ctx_at(7000.0, 60_000.0)), 0.1);
    assert_eq!(sw.bank_rad(&ctx_at(7000.0, 40_000.0)), 0.9);
    assert_eq!(sw.bank_rad(&ctx_at(7000.0, 60_000.0)), 0.9, "latched");
}
