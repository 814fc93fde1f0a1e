//! One full deorbit-burn-to-touchdown entry trajectory (criterion): the unit of Monte-Carlo
//! work. (a) ballistic (rolling, zero mean lift), (b) constant bank 60°, Soyuz-like assumed
//! configuration (350 km circular orbit, 115 m/s retrograde burn, separation at 140 km,
//! drogue + main chutes, soft-landing engines). `cargo bench -p capsim --bench entry`.

use capsim::entry::{
    simulate_entry, AeroConfiguration, AeroTable, BallisticRoll, BurnAttitude, BurnCutoff,
    ChuteTrigger, ConstantBank, DeorbitBurn, EntryConfig, EntryInitialState, EntryOptions,
    InitialVelocity, Parachute, Separation, SeparationTrigger, SoftLanding,
};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn soyuz_like() -> (EntryConfig, EntryInitialState) {
    let stack = AeroConfiguration {
        name: "stack".into(),
        aero: AeroTable::constant(2.0, 0.0),
        reference_area_m2: 12.0,
        nose_radius_m: 2.2,
    };
    let dm = AeroConfiguration {
        name: "descent module (assumed)".into(),
        aero: AeroTable {
            mach: vec![0.5, 1.0, 2.0, 5.0, 10.0, 30.0],
            cd: vec![0.9, 1.1, 1.25, 1.3, 1.3, 1.3],
            lift_to_drag: vec![0.0, 0.15, 0.25, 0.25, 0.25, 0.25],
        },
        reference_area_m2: 3.8,
        nose_radius_m: 2.3,
    };
    let mut cfg = EntryConfig::simple(stack);
    cfg.deorbit_burn = Some(DeorbitBurn {
        ignition_t_s: 60.0,
        thrust_n: 2950.0,
        isp_s: 302.0,
        attitude: BurnAttitude::Retrograde,
        cutoff: BurnCutoff::DeltaV { delta_v_m_s: 115.0 },
    });
    cfg.separations = vec![Separation {
        name: "modules".into(),
        trigger: SeparationTrigger::Altitude { alt_m: 140_000.0 },
        mass_after_kg: 2900.0,
        configuration: dm,
        fault: None,
    }];
    cfg.parachutes = vec![
        Parachute {
            name: "drogue".into(),
            trigger: ChuteTrigger::Altitude { alt_m: 10_500.0 },
            cd_area_m2: 14.0,
            inflation_time_s: 3.0,
            jettison_mass_kg: 0.0,
        },
        Parachute {
            name: "main".into(),
            trigger: ChuteTrigger::Altitude { alt_m: 7_500.0 },
            cd_area_m2: 700.0,
            inflation_time_s: 15.0,
            jettison_mass_kg: 100.0,
        },
    ];
    cfg.soft_landing = Some(SoftLanding {
        ignition_height_m: 1.0,
        delta_v_m_s: 5.5,
        burn_time_s: 0.0,
    });
    let r = cfg.earth.equatorial_radius_m + 350_000.0;
    let v = (cfg.earth.mu_m3_s2 / r).sqrt();
    let az = (51.6_f64.to_radians().cos()).asin();
    let x0 = EntryInitialState::from_geodetic(
        &cfg.earth,
        0.0,
        0.0,
        350_000.0,
        [v * az.cos(), v * az.sin(), 0.0],
        InitialVelocity::InertialNed,
        7220.0,
        0.0,
    );
    (cfg, x0)
}

fn bench_entry(c: &mut Criterion) {
    let (cfg, x0) = soyuz_like();
    let opts = EntryOptions::default();
    let mut g = c.benchmark_group("entry_trajectory");
    g.bench_function("ballistic_burn_to_touchdown", |b| {
        b.iter(|| {
            let mut law = BallisticRoll {
                roll_rate_rad_s: 0.2,
            };
            black_box(simulate_entry(black_box(&cfg), &x0, &mut law, &opts).map(|r| r.summary))
        })
    });
    g.bench_function("constant_bank_60deg_burn_to_touchdown", |b| {
        b.iter(|| {
            let mut law = ConstantBank {
                bank_rad: 60f64.to_radians(),
            };
            black_box(simulate_entry(black_box(&cfg), &x0, &mut law, &opts).map(|r| r.summary))
        })
    });
    g.finish();
}

criterion_group!(benches, bench_entry);
criterion_main!(benches);
