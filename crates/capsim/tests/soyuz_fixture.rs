//! The Soyuz-like deorbit-to-touchdown case shared by the entry tests and the entry benchmark
//! (`benches/entry.rs` includes this file with `#[path]`), so both measure the same thing.
//! Every aerodynamic value is ASSUMED (Soyuz descent-module aerodynamics are not published).

use capsim::entry::{
    AeroConfiguration, AeroTable, BurnAttitude, BurnCutoff, ChuteTrigger, DeorbitBurn, EntryConfig,
    EntryInitialState, InitialVelocity, Parachute, Separation, SeparationFault, SeparationTrigger,
    SoftLanding,
};

fn capsule(name: &str, cd: f64, ld: f64, area_m2: f64) -> AeroConfiguration {
    AeroConfiguration {
        name: name.into(),
        aero: AeroTable::constant(cd, ld),
        reference_area_m2: area_m2,
        nose_radius_m: 2.2,
    }
}

/// A Soyuz-like configuration (all aerodynamic values ASSUMED, see docs/models.md, Entry —
/// Soyuz descent-module aerodynamics are not published).
pub fn soyuz_like(ballistic_fault: bool) -> (EntryConfig, EntryInitialState) {
    let stack = capsule("stack", 2.0, 0.0, 12.0);
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
    let mut cfg = EntryConfig::simple(stack.clone());
    cfg.deorbit_burn = Some(DeorbitBurn {
        ignition_t_s: 60.0,
        thrust_n: 2950.0,
        isp_s: 302.0,
        attitude: BurnAttitude::Retrograde,
        cutoff: BurnCutoff::DeltaV { delta_v_m_s: 115.0 },
    });
    cfg.separations = vec![Separation {
        name: "orbital+propulsion modules".into(),
        trigger: SeparationTrigger::Altitude { alt_m: 140_000.0 },
        mass_after_kg: 2900.0,
        configuration: dm,
        fault: ballistic_fault.then(|| SeparationFault {
            delay_s: 300.0,
            stack_configuration: AeroConfiguration {
                name: "attached stack, tumbling".into(),
                aero: AeroTable::constant(1.5, 0.0),
                reference_area_m2: 12.0,
                nose_radius_m: 1.5,
            },
        }),
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
