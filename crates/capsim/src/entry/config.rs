//! The description of one entry run: Earth, air, vehicle configurations, deorbit burn,
//! separations (and their faults), parachutes, soft-landing engines, terrain.
//!
//! Everything is a scenario parameter (the real Soyuz aerodynamics are not published), checked
//! once by [`EntryConfig::validate`] before the first step, so the step loop never has to.

use super::aero::AeroConfiguration;
use super::atmosphere::EntryAtmosphere;
use super::earth::EarthModel;
use super::EntryError;

/// Standard gravity (ISO 80000-3; used for g-loads and Isp), m/s².
pub const G0_M_S2: f64 = 9.806_65;

/// Thrust direction of the deorbit burn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BurnAttitude {
    /// Opposite the inertial velocity.
    Retrograde,
    /// Rotated from retrograde by `pitch_rad` in the orbit plane; positive toward the local
    /// radial-out direction (thrust tilted "up", which steepens the descent less than a
    /// pitch-down does).
    PitchFromRetrograde { pitch_rad: f64 },
}

/// How long the burn lasts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BurnCutoff {
    /// A fixed duration, s.
    Duration { duration_s: f64 },
    /// Until the engine has delivered this Δv (ideal, = Isp·g0·ln(m0/m1)), m/s.
    DeltaV { delta_v_m_s: f64 },
}

/// A finite burn of the service-module engine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeorbitBurn {
    /// Ignition time since the start of the run, s.
    pub ignition_t_s: f64,
    pub thrust_n: f64,
    /// Specific impulse, s (mass flow = thrust / (Isp·g0)).
    pub isp_s: f64,
    pub attitude: BurnAttitude,
    pub cutoff: BurnCutoff,
}

/// When a separation happens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SeparationTrigger {
    /// This long after the deorbit burn ends, s (needs a burn).
    AfterBurnEnd { dt_s: f64 },
    /// When the altitude first falls to this value, m.
    Altitude { alt_m: f64 },
    /// At this time since the start of the run, s.
    Time { t_s: f64 },
}

/// A separation that does not happen cleanly: at the nominal trigger the vehicle switches to
/// `stack_configuration` (same mass, e.g. "attached stack, tumbling: Cd·A of the stack, L/D 0")
/// and the real separation comes `delay_s` later.
#[derive(Clone, Debug, PartialEq)]
pub struct SeparationFault {
    pub delay_s: f64,
    pub stack_configuration: AeroConfiguration,
}

/// A separation event: the vehicle becomes `configuration` with `mass_after_kg`.
#[derive(Clone, Debug, PartialEq)]
pub struct Separation {
    pub name: String,
    pub trigger: SeparationTrigger,
    pub mass_after_kg: f64,
    pub configuration: AeroConfiguration,
    pub fault: Option<SeparationFault>,
}

/// When a parachute deploys.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ChuteTrigger {
    /// When the altitude (above the ellipsoid or sphere) falls to this value, m.
    Altitude { alt_m: f64 },
    /// This long after the previous chute deployed, s (not for the first chute).
    AfterPrevious { dt_s: f64 },
}

/// One parachute of the sequence. On deployment the total parachute Cd·A ramps linearly from
/// its value at that moment to `cd_area_m2` over `inflation_time_s` (the previous chute is
/// released at the same moment); `jettison_mass_kg` (heat shield, covers) is dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct Parachute {
    pub name: String,
    pub trigger: ChuteTrigger,
    pub cd_area_m2: f64,
    pub inflation_time_s: f64,
    pub jettison_mass_kg: f64,
}

/// Soft-landing engines (Soyuz: six solid motors at ~0.8–1 m): fire at `ignition_height_m`
/// above the terrain and remove `delta_v_m_s` of the Earth-relative velocity, instantly
/// (`burn_time_s == 0`) or at a constant deceleration over `burn_time_s`. Mass loss is
/// neglected (a few kg of solid propellant).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SoftLanding {
    pub ignition_height_m: f64,
    pub delta_v_m_s: f64,
    pub burn_time_s: f64,
}

/// One entry run.
#[derive(Clone, Debug)]
pub struct EntryConfig {
    pub earth: EarthModel,
    pub atmosphere: EntryAtmosphere,
    /// Configuration at the start of the run (e.g. the three-module stack).
    pub initial_configuration: AeroConfiguration,
    pub deorbit_burn: Option<DeorbitBurn>,
    /// Separations in the order they happen.
    pub separations: Vec<Separation>,
    pub parachutes: Vec<Parachute>,
    pub soft_landing: Option<SoftLanding>,
    /// Height of the terrain at the landing site above the ellipsoid, m (touchdown there).
    pub terrain_height_m: f64,
    /// Entry-interface altitude, m (100 km; 121.92 km = 400 000 ft is also recorded).
    pub entry_interface_alt_m: f64,
}

impl EntryConfig {
    /// A run with only an initial configuration (no burn, separations, chutes) over WGS-84
    /// with J2 and US76.
    pub fn simple(configuration: AeroConfiguration) -> Self {
        Self {
            earth: EarthModel::wgs84_j2(),
            atmosphere: EntryAtmosphere::default(),
            initial_configuration: configuration,
            deorbit_burn: None,
            separations: Vec::new(),
            parachutes: Vec::new(),
            soft_landing: None,
            terrain_height_m: 0.0,
            entry_interface_alt_m: 100_000.0,
        }
    }

    /// Checks every parameter; the first problem is returned as [`EntryError::InvalidConfig`].
    pub fn validate(&self) -> Result<(), EntryError> {
        let bad = |m: String| Err(EntryError::InvalidConfig(m));
        if let Err((name, v)) = self.earth.validate() {
            return bad(format!("earth model: {name} = {v} is out of range"));
        }
        self.atmosphere.validate()?;
        self.initial_configuration.validate()?;
        if let Some(b) = &self.deorbit_burn {
            if !(b.ignition_t_s.is_finite() && b.ignition_t_s >= 0.0) {
                return bad(format!(
                    "deorbit burn ignition {} s must be ≥ 0",
                    b.ignition_t_s
                ));
            }
            if !(b.thrust_n.is_finite() && b.thrust_n > 0.0) {
                return bad(format!("deorbit burn thrust {} N must be > 0", b.thrust_n));
            }
            if !(b.isp_s.is_finite() && b.isp_s > 0.0) {
                return bad(format!("deorbit burn Isp {} s must be > 0", b.isp_s));
            }
            match b.cutoff {
                BurnCutoff::Duration { duration_s }
                    if !(duration_s.is_finite() && duration_s > 0.0) =>
                {
                    return bad(format!("deorbit burn duration {duration_s} s must be > 0"));
                }
                BurnCutoff::DeltaV { delta_v_m_s }
                    if !(delta_v_m_s.is_finite() && delta_v_m_s > 0.0) =>
                {
                    return bad(format!("deorbit burn Δv {delta_v_m_s} m/s must be > 0"));
                }
                _ => {}
            }
            if let BurnAttitude::PitchFromRetrograde { pitch_rad } = b.attitude {
                if !pitch_rad.is_finite() {
                    return bad(format!("deorbit burn pitch {pitch_rad} rad is not finite"));
                }
            }
        }
        for s in &self.separations {
            s.configuration.validate()?;
            if !(s.mass_after_kg.is_finite() && s.mass_after_kg > 0.0) {
                return bad(format!(
                    "separation '{}': mass after {} kg must be > 0",
                    s.name, s.mass_after_kg
                ));
            }
            match s.trigger {
                SeparationTrigger::AfterBurnEnd { dt_s } => {
                    if self.deorbit_burn.is_none() {
                        return bad(format!(
                            "separation '{}' is timed after the burn end, but there is no deorbit burn",
                            s.name
                        ));
                    }
                    if !(dt_s.is_finite() && dt_s >= 0.0) {
                        return bad(format!("separation '{}': dt {dt_s} s must be ≥ 0", s.name));
                    }
                }
                SeparationTrigger::Altitude { alt_m } | SeparationTrigger::Time { t_s: alt_m } => {
                    if !(alt_m.is_finite() && alt_m >= 0.0) {
                        return bad(format!(
                            "separation '{}': trigger value {alt_m} must be finite and ≥ 0",
                            s.name
                        ));
                    }
                }
            }
            if let Some(f) = &s.fault {
                f.stack_configuration.validate()?;
                if !(f.delay_s.is_finite() && f.delay_s >= 0.0) {
                    return bad(format!(
                        "separation '{}': fault delay {} s must be ≥ 0",
                        s.name, f.delay_s
                    ));
                }
            }
        }
        let mut last_alt = f64::INFINITY;
        for (i, c) in self.parachutes.iter().enumerate() {
            if !(c.cd_area_m2.is_finite() && c.cd_area_m2 >= 0.0) {
                return bad(format!(
                    "parachute '{}': Cd·A {} m² must be ≥ 0",
                    c.name, c.cd_area_m2
                ));
            }
            if !(c.inflation_time_s.is_finite() && c.inflation_time_s >= 0.0) {
                return bad(format!(
                    "parachute '{}': inflation time {} s must be ≥ 0",
                    c.name, c.inflation_time_s
                ));
            }
            if !(c.jettison_mass_kg.is_finite() && c.jettison_mass_kg >= 0.0) {
                return bad(format!(
                    "parachute '{}': jettisoned mass {} kg must be ≥ 0",
                    c.name, c.jettison_mass_kg
                ));
            }
            match c.trigger {
                ChuteTrigger::Altitude { alt_m } => {
                    if !alt_m.is_finite() || alt_m > last_alt {
                        return bad(format!(
                            "parachute '{}': deploy altitude {alt_m} m must be finite and not above the previous chute's ({last_alt} m)",
                            c.name
                        ));
                    }
                    last_alt = alt_m;
                }
                ChuteTrigger::AfterPrevious { dt_s } => {
                    if i == 0 {
                        return bad(format!(
                            "parachute '{}': the first chute needs an altitude trigger",
                            c.name
                        ));
                    }
                    if !(dt_s.is_finite() && dt_s >= 0.0) {
                        return bad(format!(
                            "parachute '{}': delay {dt_s} s must be ≥ 0",
                            c.name
                        ));
                    }
                }
            }
        }
        if let Some(s) = &self.soft_landing {
            let ok = s.ignition_height_m.is_finite()
                && s.ignition_height_m >= 0.0
                && s.delta_v_m_s.is_finite()
                && s.delta_v_m_s >= 0.0
                && s.burn_time_s.is_finite()
                && s.burn_time_s >= 0.0;
            if !ok {
                return bad(format!(
                    "soft landing: ignition height {} m, Δv {} m/s, burn time {} s must be finite and ≥ 0",
                    s.ignition_height_m, s.delta_v_m_s, s.burn_time_s
                ));
            }
        }
        if !self.terrain_height_m.is_finite() || self.terrain_height_m.abs() > 9000.0 {
            return bad(format!(
                "terrain height {} m must be within ±9000 m",
                self.terrain_height_m
            ));
        }
        if !(self.entry_interface_alt_m.is_finite() && self.entry_interface_alt_m > 0.0) {
            return bad(format!(
                "entry interface altitude {} m must be > 0",
                self.entry_interface_alt_m
            ));
        }
        Ok(())
    }
}
