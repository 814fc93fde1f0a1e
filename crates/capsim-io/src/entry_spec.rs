//! The `[entry]` table of a scenario: a deorbit-to-touchdown run (issue #5), or a point-mass
//! check case.
//!
//! Shaped like the rest of the scenario: serde mirrors the TOML (`deny_unknown_fields`, spans
//! kept), then [`EntrySpec::parse`] checks every value and reports all problems at once with
//! file, line, column and key path (`entry.deorbit.isp_s`). The validated spec builds the
//! library's [`EntryConfig`], initial state and bank law for a descent mode with
//! [`EntrySpec::build`]; nothing about the Soyuz is in code — masses, engine, aerodynamics,
//! chutes and the separation fault all come from the file (docs/scenario.md lists the keys).
//!
//! Descent modes: `guided` flies the nominal separation and the `[entry.guided]` law
//! (predictor–corrector to the target, or a constant/tabulated bank); `ballistic` flies the
//! separation fault when one is given, and switches to the constant-roll ballistic backup on the
//! `[entry.ballistic]` trigger.

use crate::error::InputError;
use crate::timefmt::parse_epoch;
use capsim::entry::guidance::{PredictorCorrector, PredictorCorrectorConfig};
use capsim::entry::{
    AeroConfiguration, AeroTable, AltitudeTable, AtmosphereChoice, BallisticRoll, BankIndex,
    BankLaw, BurnAttitude, BurnCutoff, ChuteTrigger, ConstantBank, DeorbitBurn, EarthModel,
    EntryAtmosphere, EntryConfig, EntryInitialState, EntryOptions, InitialVelocity, Parachute,
    Separation, SeparationFault, SeparationTrigger, SoftLanding, SwitchTrigger, SwitchedBank,
    TabulatedBank, WindProfile,
};
use hifitime::Epoch;
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEntry {
    mode: Option<Spanned<String>>,
    modes: Option<Spanned<Vec<String>>>,
    start_utc: Option<Spanned<String>>,
    from_orbit: Option<Spanned<String>>,
    rephase_to_target: Option<bool>,
    initial: Option<Spanned<RawInitial>>,
    target: Option<Spanned<RawTarget>>,
    earth: Option<Spanned<String>>,
    atmosphere: Option<Spanned<RawAtmosphere>>,
    vehicle: Spanned<RawVehicle>,
    #[serde(default)]
    configuration: Vec<Spanned<RawConfiguration>>,
    deorbit: Option<Spanned<RawDeorbit>>,
    #[serde(default)]
    separation: Vec<Spanned<RawSeparation>>,
    guided: Option<Spanned<RawGuided>>,
    ballistic: Option<Spanned<RawBallistic>>,
    #[serde(default)]
    parachute: Vec<Spanned<RawChute>>,
    soft_landing: Option<Spanned<RawSoftLanding>>,
    terrain_height_m: Option<Spanned<f64>>,
    output: Option<Spanned<RawOutput>>,
    published: Option<RawPublished>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInitial {
    epoch: Option<Spanned<String>>,
    lat_deg: Spanned<f64>,
    lon_deg: Spanned<f64>,
    alt_m: Spanned<f64>,
    velocity_ned_m_s: [f64; 3],
    velocity_frame: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    lat_deg: Spanned<f64>,
    lon_deg: Spanned<f64>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAtmosphere {
    model: Option<Spanned<String>>,
    density_scale: Option<Spanned<f64>>,
    density_scale_alt_km: Option<Vec<f64>>,
    density_scale_factor: Option<Vec<f64>>,
    wind: Option<Spanned<RawWind>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWind {
    alt_km: Vec<f64>,
    east_m_s: Vec<f64>,
    north_m_s: Vec<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVehicle {
    mass_kg: Spanned<f64>,
    configuration: Option<Spanned<String>>,
    /// Point-mass shortcut: constant Cd and reference area, no lift.
    cd: Option<Spanned<f64>>,
    area_m2: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfiguration {
    name: Spanned<String>,
    reference_area_m2: Spanned<f64>,
    nose_radius_m: Option<Spanned<f64>>,
    mach: Spanned<Vec<f64>>,
    cd: Spanned<Vec<f64>>,
    lift_to_drag: Option<Spanned<Vec<f64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeorbit {
    ignition_utc: Option<Spanned<String>>,
    ignition_after_start_s: Option<Spanned<f64>>,
    ignition_offset_s: Option<Spanned<f64>>,
    thrust_n: Spanned<f64>,
    isp_s: Spanned<f64>,
    delta_v_m_s: Option<Spanned<f64>>,
    duration_s: Option<Spanned<f64>>,
    pitch_deg: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeparation {
    name: String,
    after_burn_end_s: Option<Spanned<f64>>,
    altitude_km: Option<Spanned<f64>>,
    mass_after_kg: Spanned<f64>,
    configuration: Spanned<String>,
    fault: Option<Spanned<RawFault>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFault {
    delay_s: Spanned<f64>,
    configuration: Spanned<String>,
    /// Free text for the reader (what the fault was); not used by the run.
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuided {
    law: Spanned<String>,
    bank_deg: Option<Spanned<f64>>,
    table_index: Option<Spanned<String>>,
    table_x: Option<Vec<f64>>,
    table_bank_deg: Option<Vec<f64>>,
    initial_bank_deg: Option<Spanned<f64>>,
    cycle_s: Option<Spanned<f64>>,
    activation_g: Option<Spanned<f64>>,
    min_bank_deg: Option<Spanned<f64>>,
    max_bank_deg: Option<Spanned<f64>>,
    deadband_min_km: Option<Spanned<f64>>,
    deadband_slope_km: Option<Spanned<f64>>,
    stop_speed_m_s: Option<Spanned<f64>>,
    predict_to_alt_km: Option<Spanned<f64>>,
    predictor_rel_tol: Option<Spanned<f64>>,
    nav_position_bias_enu_m: Option<[f64; 3]>,
    nav_velocity_bias_enu_m_s: Option<[f64; 3]>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBallistic {
    roll_rate_deg_s: Spanned<f64>,
    trigger: Spanned<String>,
    trigger_value: Option<Spanned<f64>>,
    separation_fault: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChute {
    name: String,
    deploy_alt_km: Option<Spanned<f64>>,
    after_previous_s: Option<Spanned<f64>>,
    cd_area_m2: Spanned<f64>,
    inflation_s: Option<Spanned<f64>>,
    jettison_kg: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSoftLanding {
    ignition_height_m: f64,
    delta_v_m_s: f64,
    burn_time_s: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    history_step_s: Option<Spanned<f64>>,
    max_step_s: Option<Spanned<f64>>,
    end_time_s: Option<Spanned<f64>>,
    rel_tol: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawPublished {
    landing_lat_deg: Option<f64>,
    landing_lon_deg: Option<f64>,
    landing_note: Option<String>,
    peak_g: Option<f64>,
    miss_km: Option<f64>,
}

/// A descent mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescentMode {
    Guided,
    Ballistic,
}

impl DescentMode {
    pub fn name(&self) -> &'static str {
        match self {
            DescentMode::Guided => "guided",
            DescentMode::Ballistic => "ballistic",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "guided" => Some(Self::Guided),
            "ballistic" => Some(Self::Ballistic),
            _ => None,
        }
    }
}

/// Where the run starts.
#[derive(Clone, Debug)]
pub enum EntryStart {
    /// The state of scenario orbit `orbit` at `epoch` (the capsule leaving the station).
    /// With `rephase_to_target`, the state is moved along its orbit (a time shift within one
    /// period, Kepler motion) so that the reference descent from the scheduled burn lands
    /// closest to the target: a months-long propagation cannot place a station along its
    /// orbit to better than thousands of km, while the published timeline was planned for the
    /// real position.
    FromOrbit {
        orbit: String,
        epoch: Epoch,
        rephase_to_target: bool,
    },
    /// A geodetic position and NED velocity (check-case style).
    Geodetic {
        epoch: Epoch,
        lat_deg: f64,
        lon_deg: f64,
        alt_m: f64,
        velocity_ned_m_s: [f64; 3],
        velocity: InitialVelocity,
    },
}

/// The guided-mode law.
#[derive(Clone, Debug)]
pub enum GuidedLaw {
    PredictorCorrector {
        initial_bank_deg: f64,
        cycle_s: f64,
        activation_g: f64,
        min_bank_deg: f64,
        max_bank_deg: f64,
        deadband_min_km: f64,
        deadband_slope_km: f64,
        stop_speed_m_s: f64,
        /// None: the first parachute's deploy altitude.
        predict_to_alt_km: Option<f64>,
        /// Step-control tolerance of the predictions.
        predictor_rel_tol: f64,
        /// Navigation bias seen by the guidance, local ENU (m, m/s).
        nav_position_bias_enu_m: [f64; 3],
        nav_velocity_bias_enu_m_s: [f64; 3],
    },
    Constant {
        bank_deg: f64,
    },
    Tabulated {
        index: BankIndex,
        x: Vec<f64>,
        bank_deg: Vec<f64>,
    },
}

/// The ballistic backup.
#[derive(Clone, Debug)]
pub struct BallisticSpec {
    pub roll_rate_deg_s: f64,
    pub trigger: SwitchTrigger,
    /// Fly the separation fault(s) in this mode.
    pub separation_fault: bool,
}

/// Published figures of the real flight, for the report.
#[derive(Clone, Debug, Default)]
pub struct PublishedEntry {
    pub landing_lat_deg: Option<f64>,
    pub landing_lon_deg: Option<f64>,
    pub landing_note: String,
    pub peak_g: Option<f64>,
    pub miss_km: Option<f64>,
}

/// A validated `[entry]` table.
#[derive(Clone, Debug)]
pub struct EntrySpec {
    pub default_mode: DescentMode,
    /// Modes `capsim run` flies.
    pub modes: Vec<DescentMode>,
    pub start: EntryStart,
    pub target: Option<(f64, f64)>,
    pub target_note: String,
    pub mass_kg: f64,
    /// The configuration before any separation.
    pub initial_configuration: AeroConfiguration,
    pub earth: EarthModel,
    pub atmosphere: EntryAtmosphere,
    /// Ignition relative to the start epoch, with thrust, Isp, cutoff and attitude.
    pub deorbit: Option<DeorbitBurn>,
    pub separations: Vec<Separation>,
    pub guided: GuidedLaw,
    pub ballistic: Option<BallisticSpec>,
    pub parachutes: Vec<Parachute>,
    pub soft_landing: Option<SoftLanding>,
    pub terrain_height_m: f64,
    pub history_step_s: f64,
    pub end_time_s: Option<f64>,
    pub rel_tol: Option<f64>,
    /// Largest integration step, s (None: the library's 60 s).
    pub max_step_s: Option<f64>,
    pub published: PublishedEntry,
}

fn earth_by_name(s: &str) -> Option<EarthModel> {
    Some(match s {
        "wgs84-j2" => EarthModel::wgs84_j2(),
        "wgs84-point-mass" => EarthModel {
            gravity: capsim::entry::GravityModel::PointMass,
            ..EarthModel::wgs84_j2()
        },
        "sphere-rotating" => EarthModel::nesc_sphere(true),
        "sphere-nonrotating" => EarthModel::nesc_sphere(false),
        _ => return None,
    })
}

const EARTH_NAMES: &str =
    "\"wgs84-j2\", \"wgs84-point-mass\", \"sphere-rotating\", \"sphere-nonrotating\"";

impl EntrySpec {
    /// Validates the raw table; `orbit_ids` are the scenario's `[[orbit]]` ids.
    pub(crate) fn parse(
        path: &Path,
        text: &str,
        raw: RawEntry,
        orbit_ids: &[String],
        errors: &mut Vec<InputError>,
    ) -> Option<EntrySpec> {
        let n0 = errors.len();
        let at = |span: std::ops::Range<usize>, key: &str, m: String| {
            InputError::new(path, m)
                .at_offset(text, span.start)
                .with_key(format!("entry.{key}"))
        };
        macro_rules! check {
            ($v:expr, $key:expr, $cond:expr, $what:expr) => {{
                let v: &Spanned<f64> = $v;
                let x = *v.get_ref();
                if !(x.is_finite() && $cond(x)) {
                    errors.push(at(
                        v.span(),
                        $key,
                        format!("{x} is not valid: expected {}", $what),
                    ));
                }
                x
            }};
        }
        let positive = |x: f64| x > 0.0;
        let non_negative = |x: f64| x >= 0.0;

        // Modes.
        let mut default_mode = DescentMode::Guided;
        if let Some(m) = &raw.mode {
            match DescentMode::parse(m.get_ref()) {
                Some(d) => default_mode = d,
                None => errors.push(at(
                    m.span(),
                    "mode",
                    format!(
                        "'{}' is not a mode: expected \"guided\" or \"ballistic\"",
                        m.get_ref()
                    ),
                )),
            }
        }
        let mut modes = vec![default_mode];
        if let Some(ms) = &raw.modes {
            modes.clear();
            for m in ms.get_ref() {
                match DescentMode::parse(m) {
                    Some(d) if !modes.contains(&d) => modes.push(d),
                    Some(_) => {}
                    None => errors.push(at(
                        ms.span(),
                        "modes",
                        format!("'{m}' is not a mode: expected \"guided\" or \"ballistic\""),
                    )),
                }
            }
            if modes.is_empty() {
                errors.push(at(ms.span(), "modes", "must list at least one mode".into()));
            }
        }

        // Start.
        let start = match (&raw.from_orbit, &raw.start_utc, &raw.initial) {
            (Some(o), Some(s), None) => {
                if !orbit_ids.contains(o.get_ref()) {
                    errors.push(at(
                        o.span(),
                        "from_orbit",
                        format!(
                            "no [[orbit]] has id '{}' (ids: {})",
                            o.get_ref(),
                            orbit_ids.join(", ")
                        ),
                    ));
                }
                match parse_epoch(s.get_ref()) {
                    Ok(epoch) => Some(EntryStart::FromOrbit {
                        orbit: o.get_ref().clone(),
                        epoch,
                        rephase_to_target: raw.rephase_to_target.unwrap_or(false),
                    }),
                    Err(m) => {
                        errors.push(at(s.span(), "start_utc", m));
                        None
                    }
                }
            }
            (None, None, Some(i)) => {
                let i = i.get_ref();
                let epoch = match &i.epoch {
                    Some(e) => match parse_epoch(e.get_ref()) {
                        Ok(x) => Some(x),
                        Err(m) => {
                            errors.push(at(e.span(), "initial.epoch", m));
                            None
                        }
                    },
                    None => Some(Epoch::from_gregorian_utc_at_noon(2000, 1, 1)),
                };
                let lat = check!(
                    &i.lat_deg,
                    "initial.lat_deg",
                    |x: f64| x.abs() <= 90.0,
                    "a latitude within ±90°"
                );
                let lon = check!(
                    &i.lon_deg,
                    "initial.lon_deg",
                    |x: f64| x.abs() <= 360.0,
                    "a longitude within ±360°"
                );
                let alt = check!(
                    &i.alt_m,
                    "initial.alt_m",
                    |x: f64| (-1000.0..=2.0e6).contains(&x),
                    "a height between −1 km and 2000 km"
                );
                let velocity = match i
                    .velocity_frame
                    .as_ref()
                    .map(|s| (s.get_ref().as_str(), s.span()))
                {
                    None | Some(("earth-relative", _)) => InitialVelocity::EarthRelativeNed,
                    Some(("inertial", _)) => InitialVelocity::InertialNed,
                    Some((other, span)) => {
                        errors.push(at(
                            span,
                            "initial.velocity_frame",
                            format!("'{other}': expected \"earth-relative\" or \"inertial\""),
                        ));
                        InitialVelocity::EarthRelativeNed
                    }
                };
                if !i.velocity_ned_m_s.iter().all(|v| v.is_finite()) {
                    errors.push(
                        InputError::new(path, "velocity components must be finite")
                            .with_key("entry.initial.velocity_ned_m_s"),
                    );
                }
                epoch.map(|epoch| EntryStart::Geodetic {
                    epoch,
                    lat_deg: lat,
                    lon_deg: lon,
                    alt_m: alt,
                    velocity_ned_m_s: i.velocity_ned_m_s,
                    velocity,
                })
            }
            _ => {
                errors.push(InputError::new(path, "give either `from_orbit` and `start_utc` (leave a scenario orbit) or an [entry.initial] table (geodetic start), not both").with_key("entry"));
                None
            }
        };
        let start_epoch = start.as_ref().map(|s| match s {
            EntryStart::FromOrbit { epoch, .. } | EntryStart::Geodetic { epoch, .. } => *epoch,
        });

        // Target.
        let (target, target_note) = match &raw.target {
            Some(t) => {
                let t = t.get_ref();
                let lat = check!(
                    &t.lat_deg,
                    "target.lat_deg",
                    |x: f64| x.abs() <= 90.0,
                    "a latitude within ±90°"
                );
                let lon = check!(
                    &t.lon_deg,
                    "target.lon_deg",
                    |x: f64| x.abs() <= 360.0,
                    "a longitude within ±360°"
                );
                (Some((lat, lon)), t.note.clone().unwrap_or_default())
            }
            None => (None, String::new()),
        };

        // Earth and air.
        let earth = match &raw.earth {
            None => EarthModel::wgs84_j2(),
            Some(e) => earth_by_name(e.get_ref()).unwrap_or_else(|| {
                errors.push(at(
                    e.span(),
                    "earth",
                    format!(
                        "'{}' is not an Earth model: expected one of {EARTH_NAMES}",
                        e.get_ref()
                    ),
                ));
                EarthModel::wgs84_j2()
            }),
        };
        let mut atmosphere = EntryAtmosphere::default();
        if let Some(a) = &raw.atmosphere {
            let a = a.get_ref();
            if let Some(m) = &a.model {
                match m.get_ref().as_str() {
                    "us76" => atmosphere.model = AtmosphereChoice::Us76,
                    "off" => atmosphere.model = AtmosphereChoice::Off,
                    other => errors.push(at(
                        m.span(),
                        "atmosphere.model",
                        format!("'{other}': expected \"us76\" or \"off\""),
                    )),
                }
            }
            if let Some(s) = &a.density_scale {
                atmosphere.density_scale =
                    check!(s, "atmosphere.density_scale", positive, "a factor > 0");
            }
            match (&a.density_scale_alt_km, &a.density_scale_factor) {
                (Some(h), Some(f)) => {
                    atmosphere.density_scale_table = Some(AltitudeTable {
                        alt_m: h.iter().map(|x| x * 1000.0).collect(),
                        value: f.clone(),
                    })
                }
                (None, None) => {}
                _ => errors.push(
                    InputError::new(
                        path,
                        "give both density_scale_alt_km and density_scale_factor, or neither",
                    )
                    .with_key("entry.atmosphere"),
                ),
            }
            if let Some(w) = &a.wind {
                let wr = w.get_ref();
                atmosphere.wind = Some(WindProfile {
                    alt_m: wr.alt_km.iter().map(|x| x * 1000.0).collect(),
                    east_m_s: wr.east_m_s.clone(),
                    north_m_s: wr.north_m_s.clone(),
                });
            }
            if let Err(e) = atmosphere.validate() {
                let span = raw.atmosphere.as_ref().map(|a| a.span()).unwrap_or(0..0);
                errors.push(at(span, "atmosphere", e.to_string()));
            }
        }

        // Configurations.
        let mut configs: Vec<AeroConfiguration> = Vec::new();
        for (i, c) in raw.configuration.iter().enumerate() {
            let span = c.span();
            let c = c.get_ref();
            let key = |k: &str| format!("configuration[{i}].{k}");
            let name = c.name.get_ref().clone();
            if configs.iter().any(|x| x.name == name) {
                errors.push(at(
                    c.name.span(),
                    &key("name"),
                    format!("'{name}' is defined twice"),
                ));
            }
            let n = c.mach.get_ref().len();
            let ld = match &c.lift_to_drag {
                Some(v) => v.get_ref().clone(),
                None => vec![0.0; n],
            };
            let cfg = AeroConfiguration {
                name: name.clone(),
                aero: AeroTable {
                    mach: c.mach.get_ref().clone(),
                    cd: c.cd.get_ref().clone(),
                    lift_to_drag: ld,
                },
                reference_area_m2: *c.reference_area_m2.get_ref(),
                nose_radius_m: c.nose_radius_m.as_ref().map_or(1.0, |s| *s.get_ref()),
            };
            if let Err(e) = cfg.validate() {
                errors.push(at(span, &format!("configuration[{i}]"), e.to_string()));
            }
            configs.push(cfg);
        }
        let find_config =
            |name: &Spanned<String>, key: &str, errors: &mut Vec<InputError>| match configs
                .iter()
                .find(|c| &c.name == name.get_ref())
            {
                Some(c) => Some(c.clone()),
                None => {
                    errors.push(at(
                        name.span(),
                        key,
                        format!(
                            "no [[entry.configuration]] is named '{}' (names: {})",
                            name.get_ref(),
                            configs
                                .iter()
                                .map(|c| c.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                    None
                }
            };

        // Vehicle.
        let v = raw.vehicle.get_ref();
        let mass_kg = check!(&v.mass_kg, "vehicle.mass_kg", positive, "a mass > 0 kg");
        let initial_configuration = match (&v.configuration, &v.cd, &v.area_m2) {
            (Some(name), None, None) => find_config(name, "vehicle.configuration", errors),
            (None, Some(cd), Some(area)) => {
                let cd = check!(cd, "vehicle.cd", non_negative, "a drag coefficient ≥ 0");
                let area = check!(area, "vehicle.area_m2", positive, "an area > 0 m²");
                Some(AeroConfiguration {
                    name: "point-mass".into(),
                    aero: AeroTable::constant(cd, 0.0),
                    reference_area_m2: area,
                    nose_radius_m: 1.0,
                })
            }
            _ => {
                errors.push(at(raw.vehicle.span(), "vehicle", "give either `configuration` (a [[entry.configuration]] name) or the point-mass pair `cd` and `area_m2`".into()));
                None
            }
        };

        // Deorbit burn.
        let deorbit = raw.deorbit.as_ref().map(|d| {
            let d = d.get_ref();
            let thrust_n = check!(&d.thrust_n, "deorbit.thrust_n", positive, "a thrust > 0 N");
            let isp_s = check!(
                &d.isp_s,
                "deorbit.isp_s",
                positive,
                "a specific impulse > 0 s"
            );
            let ignition_t_s = match (&d.ignition_utc, &d.ignition_after_start_s) {
                (Some(u), None) => match (parse_epoch(u.get_ref()), start_epoch) {
                    (Ok(e), Some(s0)) => {
                        let dt = (e - s0).to_seconds();
                        if dt < 0.0 {
                            errors.push(at(
                                u.span(),
                                "deorbit.ignition_utc",
                                format!(
                                    "ignition {} is before the start of the run ({s0})",
                                    u.get_ref()
                                ),
                            ));
                        }
                        dt
                    }
                    (Err(m), _) => {
                        errors.push(at(u.span(), "deorbit.ignition_utc", m));
                        0.0
                    }
                    _ => 0.0,
                },
                (None, Some(s)) => check!(
                    s,
                    "deorbit.ignition_after_start_s",
                    non_negative,
                    "a time ≥ 0 s"
                ),
                _ => {
                    errors.push(
                        InputError::new(
                            path,
                            "give exactly one of ignition_utc or ignition_after_start_s",
                        )
                        .with_key("entry.deorbit"),
                    );
                    0.0
                }
            };
            let ignition_t_s = ignition_t_s
                + d.ignition_offset_s.as_ref().map_or(0.0, |o| {
                    check!(
                        o,
                        "deorbit.ignition_offset_s",
                        |x: f64| x.abs() < 3600.0,
                        "an offset within ±3600 s"
                    )
                });
            let cutoff = match (&d.delta_v_m_s, &d.duration_s) {
                (Some(dv), None) => BurnCutoff::DeltaV {
                    delta_v_m_s: check!(dv, "deorbit.delta_v_m_s", positive, "a Δv > 0 m/s"),
                },
                (None, Some(t)) => BurnCutoff::Duration {
                    duration_s: check!(t, "deorbit.duration_s", positive, "a duration > 0 s"),
                },
                _ => {
                    errors.push(
                        InputError::new(path, "give exactly one of delta_v_m_s or duration_s")
                            .with_key("entry.deorbit"),
                    );
                    BurnCutoff::Duration { duration_s: 1.0 }
                }
            };
            let attitude = match &d.pitch_deg {
                None => BurnAttitude::Retrograde,
                Some(p) => BurnAttitude::PitchFromRetrograde {
                    pitch_rad: check!(
                        p,
                        "deorbit.pitch_deg",
                        |x: f64| x.abs() <= 90.0,
                        "a pitch within ±90°"
                    )
                    .to_radians(),
                },
            };
            DeorbitBurn {
                ignition_t_s,
                thrust_n,
                isp_s,
                attitude,
                cutoff,
            }
        });

        // Separations.
        let mut separations = Vec::new();
        for (i, s) in raw.separation.iter().enumerate() {
            let span = s.span();
            let s = s.get_ref();
            let key = |k: &str| format!("separation[{i}].{k}");
            let trigger = match (&s.after_burn_end_s, &s.altitude_km) {
                (Some(t), None) => {
                    if deorbit.is_none() {
                        errors.push(at(
                            t.span(),
                            &key("after_burn_end_s"),
                            "there is no [entry.deorbit] burn to time it from".into(),
                        ));
                    }
                    SeparationTrigger::AfterBurnEnd {
                        dt_s: check!(t, &key("after_burn_end_s"), non_negative, "a time ≥ 0 s"),
                    }
                }
                (None, Some(h)) => SeparationTrigger::Altitude {
                    alt_m: 1000.0 * check!(h, &key("altitude_km"), positive, "an altitude > 0 km"),
                },
                _ => {
                    errors.push(at(
                        span.clone(),
                        &format!("separation[{i}]"),
                        "give exactly one of after_burn_end_s or altitude_km".into(),
                    ));
                    SeparationTrigger::Time { t_s: 0.0 }
                }
            };
            let mass_after_kg = check!(
                &s.mass_after_kg,
                &key("mass_after_kg"),
                positive,
                "a mass > 0 kg"
            );
            let configuration = find_config(&s.configuration, &key("configuration"), errors);
            let fault = s.fault.as_ref().and_then(|f| {
                let f = f.get_ref();
                let delay_s = check!(
                    &f.delay_s,
                    &key("fault.delay_s"),
                    non_negative,
                    "a delay ≥ 0 s"
                );
                find_config(&f.configuration, &key("fault.configuration"), errors).map(|c| {
                    SeparationFault {
                        delay_s,
                        stack_configuration: c,
                    }
                })
            });
            if let Some(configuration) = configuration {
                separations.push(Separation {
                    name: s.name.clone(),
                    trigger,
                    mass_after_kg,
                    configuration,
                    fault,
                });
            }
        }

        // Parachutes.
        let mut parachutes = Vec::new();
        for (i, c) in raw.parachute.iter().enumerate() {
            let span = c.span();
            let c = c.get_ref();
            let key = |k: &str| format!("parachute[{i}].{k}");
            let trigger = match (&c.deploy_alt_km, &c.after_previous_s) {
                (Some(h), None) => ChuteTrigger::Altitude {
                    alt_m: 1000.0
                        * check!(h, &key("deploy_alt_km"), non_negative, "an altitude ≥ 0 km"),
                },
                (None, Some(t)) => ChuteTrigger::AfterPrevious {
                    dt_s: check!(t, &key("after_previous_s"), non_negative, "a delay ≥ 0 s"),
                },
                _ => {
                    errors.push(at(
                        span,
                        &format!("parachute[{i}]"),
                        "give exactly one of deploy_alt_km or after_previous_s".into(),
                    ));
                    ChuteTrigger::Altitude { alt_m: 0.0 }
                }
            };
            let cd_area_m2 = check!(
                &c.cd_area_m2,
                &key("cd_area_m2"),
                non_negative,
                "a Cd·A ≥ 0 m²"
            );
            let inflation_time_s = c.inflation_s.as_ref().map_or(0.0, |s| {
                check!(s, &key("inflation_s"), non_negative, "a time ≥ 0 s")
            });
            let jettison_mass_kg = c.jettison_kg.as_ref().map_or(0.0, |s| {
                check!(s, &key("jettison_kg"), non_negative, "a mass ≥ 0 kg")
            });
            parachutes.push(Parachute {
                name: c.name.clone(),
                trigger,
                cd_area_m2,
                inflation_time_s,
                jettison_mass_kg,
            });
        }
        let first_chute_alt_m = parachutes.first().and_then(|c| match c.trigger {
            ChuteTrigger::Altitude { alt_m } => Some(alt_m),
            _ => None,
        });

        // Guidance.
        let guided = match &raw.guided {
            None => GuidedLaw::Constant { bank_deg: 0.0 },
            Some(g) => {
                let gs = g.span();
                let g = g.get_ref();
                let opt = |v: &Option<Spanned<f64>>,
                           k: &str,
                           d: f64,
                           errors: &mut Vec<InputError>|
                 -> f64 {
                    match v {
                        None => d,
                        Some(s) => {
                            let x = *s.get_ref();
                            if !x.is_finite() {
                                errors.push(at(
                                    s.span(),
                                    &format!("guided.{k}"),
                                    format!("{x} is not finite"),
                                ));
                            }
                            x
                        }
                    }
                };
                match g.law.get_ref().as_str() {
                    "predictor-corrector" => {
                        if target.is_none() {
                            errors.push(at(
                                g.law.span(),
                                "guided.law",
                                "the predictor–corrector needs an [entry.target]".into(),
                            ));
                        }
                        let predict_to_alt_km = g.predict_to_alt_km.as_ref().map(|s| *s.get_ref());
                        if predict_to_alt_km.is_none() && first_chute_alt_m.is_none() {
                            errors.push(at(gs, "guided.predict_to_alt_km", "set predict_to_alt_km or give a first parachute with deploy_alt_km".into()));
                        }
                        GuidedLaw::PredictorCorrector {
                            initial_bank_deg: opt(
                                &g.initial_bank_deg,
                                "initial_bank_deg",
                                45.0,
                                errors,
                            ),
                            cycle_s: opt(&g.cycle_s, "cycle_s", 5.0, errors),
                            activation_g: opt(&g.activation_g, "activation_g", 0.05, errors),
                            min_bank_deg: opt(&g.min_bank_deg, "min_bank_deg", 0.0, errors),
                            max_bank_deg: opt(&g.max_bank_deg, "max_bank_deg", 180.0, errors),
                            deadband_min_km: opt(
                                &g.deadband_min_km,
                                "deadband_min_km",
                                1.0,
                                errors,
                            ),
                            deadband_slope_km: opt(
                                &g.deadband_slope_km,
                                "deadband_slope_km",
                                15.0,
                                errors,
                            ),
                            stop_speed_m_s: opt(&g.stop_speed_m_s, "stop_speed_m_s", 300.0, errors),
                            predict_to_alt_km,
                            nav_position_bias_enu_m: g.nav_position_bias_enu_m.unwrap_or([0.0; 3]),
                            nav_velocity_bias_enu_m_s: g
                                .nav_velocity_bias_enu_m_s
                                .unwrap_or([0.0; 3]),
                            predictor_rel_tol: opt(
                                &g.predictor_rel_tol,
                                "predictor_rel_tol",
                                1e-6,
                                errors,
                            ),
                        }
                    }
                    "constant-bank" => GuidedLaw::Constant {
                        bank_deg: opt(&g.bank_deg, "bank_deg", 0.0, errors),
                    },
                    "tabulated" => {
                        let index = match g
                            .table_index
                            .as_ref()
                            .map(|s| (s.get_ref().as_str(), s.span()))
                        {
                            Some(("time", _)) => BankIndex::Time,
                            Some(("speed", _)) | None => BankIndex::Speed,
                            Some((o, span)) => {
                                errors.push(at(
                                    span,
                                    "guided.table_index",
                                    format!("'{o}': expected \"time\" or \"speed\""),
                                ));
                                BankIndex::Speed
                            }
                        };
                        let x = g.table_x.clone().unwrap_or_default();
                        let b = g.table_bank_deg.clone().unwrap_or_default();
                        if let Err(e) = TabulatedBank::new(
                            index,
                            x.clone(),
                            b.iter().map(|d| d.to_radians()).collect(),
                        ) {
                            errors.push(at(gs, "guided.table_x", e.to_string()));
                        }
                        GuidedLaw::Tabulated {
                            index,
                            x,
                            bank_deg: b,
                        }
                    }
                    other => {
                        errors.push(at(g.law.span(), "guided.law", format!("'{other}': expected \"predictor-corrector\", \"constant-bank\" or \"tabulated\"")));
                        GuidedLaw::Constant { bank_deg: 0.0 }
                    }
                }
            }
        };
        let ballistic = raw.ballistic.as_ref().map(|b| {
            let b = b.get_ref();
            let roll_rate_deg_s = check!(&b.roll_rate_deg_s, "ballistic.roll_rate_deg_s", positive, "a roll rate > 0 °/s");
            let val = b.trigger_value.as_ref().map(|s| *s.get_ref());
            let trigger = match (b.trigger.get_ref().as_str(), val) {
                ("start", _) => SwitchTrigger::Time { t_s: 0.0 },
                ("fault", _) => SwitchTrigger::Fault,
                ("time", Some(t)) if t.is_finite() && t >= 0.0 => SwitchTrigger::Time { t_s: t },
                ("altitude", Some(h)) if h.is_finite() && h > 0.0 => SwitchTrigger::AltitudeBelow { alt_m: h * 1000.0 },
                (other, _) => {
                    errors.push(at(b.trigger.span(), "ballistic.trigger", format!("'{other}': expected \"start\", \"fault\", or \"time\"/\"altitude\" with trigger_value (s / km)")));
                    SwitchTrigger::Time { t_s: 0.0 }
                }
            };
            BallisticSpec { roll_rate_deg_s, trigger, separation_fault: b.separation_fault.unwrap_or(true) }
        });
        if raw.rephase_to_target == Some(true) && target.is_none() {
            errors.push(
                InputError::new(path, "rephase_to_target needs an [entry.target]")
                    .with_key("entry.rephase_to_target"),
            );
        }
        if modes.contains(&DescentMode::Ballistic) && ballistic.is_none() {
            let span = raw
                .modes
                .as_ref()
                .map(|m| m.span())
                .or(raw.mode.as_ref().map(|m| m.span()))
                .unwrap_or(0..0);
            errors.push(at(
                span,
                "modes",
                "the ballistic mode needs an [entry.ballistic] table".into(),
            ));
        }

        let soft_landing = raw.soft_landing.as_ref().map(|s| {
            let s = s.get_ref();
            SoftLanding {
                ignition_height_m: s.ignition_height_m,
                delta_v_m_s: s.delta_v_m_s,
                burn_time_s: s.burn_time_s.unwrap_or(0.0),
            }
        });
        let terrain_height_m = raw.terrain_height_m.as_ref().map_or(0.0, |s| {
            check!(
                s,
                "terrain_height_m",
                |x: f64| x.abs() < 9000.0,
                "a height within ±9000 m"
            )
        });
        let (mut history_step_s, mut end_time_s, mut rel_tol, mut max_step_s) =
            (1.0, None, None, None);
        if let Some(o) = &raw.output {
            let o = o.get_ref();
            if let Some(s) = &o.history_step_s {
                history_step_s = check!(s, "output.history_step_s", positive, "a step > 0 s");
            }
            if let Some(s) = &o.end_time_s {
                end_time_s = Some(check!(s, "output.end_time_s", positive, "a time > 0 s"));
            }
            if let Some(s) = &o.max_step_s {
                max_step_s = Some(check!(s, "output.max_step_s", positive, "a step > 0 s"));
            }
            if let Some(s) = &o.rel_tol {
                rel_tol = Some(check!(
                    s,
                    "output.rel_tol",
                    |x: f64| x > 0.0 && x < 1e-2,
                    "a tolerance in (0, 0.01)"
                ));
            }
        }
        let published = raw
            .published
            .clone()
            .map(|p| PublishedEntry {
                landing_lat_deg: p.landing_lat_deg,
                landing_lon_deg: p.landing_lon_deg,
                landing_note: p.landing_note.unwrap_or_default(),
                peak_g: p.peak_g,
                miss_km: p.miss_km,
            })
            .unwrap_or_default();

        if errors.len() > n0 {
            return None;
        }
        let spec = EntrySpec {
            default_mode,
            modes,
            start: start?,
            target,
            target_note,
            mass_kg,
            initial_configuration: initial_configuration?,
            earth,
            atmosphere,
            deorbit,
            separations,
            guided,
            ballistic,
            parachutes,
            soft_landing,
            terrain_height_m,
            history_step_s,
            end_time_s,
            rel_tol,
            max_step_s,
            published,
        };
        // Whole-configuration checks of the library (chute order, etc.).
        for mode in spec.modes.clone() {
            if let Err(e) = spec.config(mode).validate() {
                errors.push(InputError::new(path, e.to_string()).with_key("entry"));
                return None;
            }
        }
        Some(spec)
    }

    /// Builds the spec from an `[entry]` table given as a TOML value (a Monte-Carlo sample's
    /// dispersed copy). Errors are those of [`EntrySpec::parse`] as "key: message".
    pub fn from_entry_value(
        path: &Path,
        entry: &toml::Value,
        orbit_ids: &[String],
    ) -> Result<EntrySpec, String> {
        // Straight from the tree (no TOML text round trip: see `crate::value_de`).
        let raw: RawEntry =
            crate::value_de::from_value(entry).map_err(|e| format!("entry: {e}"))?;
        let mut errors = Vec::new();
        // A dispersed tree has no lines in the file: report key and message.
        EntrySpec::parse(path, "", raw, orbit_ids, &mut errors).ok_or_else(|| {
            errors
                .iter()
                .map(|e| match &e.key {
                    Some(k) => format!("{k}: {}", e.message),
                    None => e.message.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// The same descent started `dt_s` later: every time counted from the start (deorbit
    /// ignition, timed separations, a time-indexed bank table, a timed switch to the ballistic
    /// backup, the end time) is moved back by `dt_s`. A Monte-Carlo sample uses it to start
    /// from the nominal trajectory shortly before the burn instead of flying the whole coast
    /// from undocking again. Errors when one of those times would fall before the new start.
    pub fn shifted_start(&self, dt_s: f64) -> Result<EntrySpec, String> {
        let mut s = self.clone();
        let shift = |t: &mut f64, what: &str| -> Result<(), String> {
            *t -= dt_s;
            if *t < 0.0 {
                // No numbers in the message: Monte-Carlo failures are grouped by reason.
                Err(format!(
                    "{what} comes before the shared start of the samples: lower [mc] start_before_burn_s, or set it to 0"
                ))
            } else {
                Ok(())
            }
        };
        match &mut s.start {
            EntryStart::FromOrbit { epoch, .. } | EntryStart::Geodetic { epoch, .. } => {
                *epoch += capsim::time::Duration::from_seconds(dt_s);
            }
        }
        if let Some(b) = &mut s.deorbit {
            shift(&mut b.ignition_t_s, "the deorbit ignition")?;
        }
        for sep in &mut s.separations {
            if let capsim::entry::SeparationTrigger::Time { t_s } = &mut sep.trigger {
                shift(t_s, "a timed separation")?;
            }
        }
        if let GuidedLaw::Tabulated {
            index: capsim::entry::BankIndex::Time,
            x,
            ..
        } = &mut s.guided
        {
            // Nodes before the new start stay in the table (negative times), so the profile
            // after it is unchanged.
            for t in x.iter_mut() {
                *t -= dt_s;
            }
        }
        if let Some(b) = &mut s.ballistic {
            if let SwitchTrigger::Time { t_s } = &mut b.trigger {
                shift(t_s, "the timed switch to the ballistic backup")?;
            }
        }
        if let Some(t) = &mut s.end_time_s {
            shift(t, "the end time")?;
        }
        Ok(s)
    }

    /// The library configuration flown in `mode`.
    pub fn config(&self, mode: DescentMode) -> EntryConfig {
        let fault = mode == DescentMode::Ballistic
            && self.ballistic.as_ref().is_some_and(|b| b.separation_fault);
        let separations = self
            .separations
            .iter()
            .map(|s| Separation {
                fault: if fault { s.fault.clone() } else { None },
                ..s.clone()
            })
            .collect();
        EntryConfig {
            earth: self.earth,
            atmosphere: self.atmosphere.clone(),
            initial_configuration: self.initial_configuration.clone(),
            deorbit_burn: self.deorbit,
            separations,
            parachutes: self.parachutes.clone(),
            soft_landing: self.soft_landing,
            terrain_height_m: self.terrain_height_m,
            entry_interface_alt_m: 100_000.0,
        }
    }

    /// Run options (history on or off).
    pub fn options(&self, record_history: bool) -> EntryOptions {
        let mut o = EntryOptions {
            record_history,
            history_step_s: self.history_step_s,
            end_time_s: self.end_time_s,
            ..EntryOptions::default()
        };
        if let Some(r) = self.rel_tol {
            o.rel_tol = r;
        }
        if let Some(h) = self.max_step_s {
            o.max_step_s = h;
        }
        o
    }

    /// The start epoch.
    pub fn start_epoch(&self) -> Epoch {
        match &self.start {
            EntryStart::FromOrbit { epoch, .. } | EntryStart::Geodetic { epoch, .. } => *epoch,
        }
    }

    /// The initial state for a geodetic start (None for a start from an orbit, which the
    /// caller builds from the propagated orbit with [`EntryInitialState::from_orbit_state`]).
    pub fn geodetic_initial_state(&self) -> Option<EntryInitialState> {
        match &self.start {
            EntryStart::Geodetic {
                epoch,
                lat_deg,
                lon_deg,
                alt_m,
                velocity_ned_m_s,
                velocity,
            } => Some(EntryInitialState::from_geodetic(
                &self.earth,
                lat_deg.to_radians(),
                lon_deg.to_radians(),
                *alt_m,
                *velocity_ned_m_s,
                *velocity,
                self.mass_kg,
                capsim::time::tt_seconds_j2000(*epoch),
            )),
            EntryStart::FromOrbit { .. } => None,
        }
    }

    /// The open-loop law of the nominal plan: the guided law itself when it is open loop, or a
    /// constant bank at the predictor–corrector's initial bank (used to place the descent, e.g.
    /// by [`EntryStart::FromOrbit`]'s `rephase_to_target`).
    pub fn reference_law(&self) -> Result<Box<dyn BankLaw>, String> {
        match &self.guided {
            GuidedLaw::PredictorCorrector {
                initial_bank_deg, ..
            } => Ok(Box::new(ConstantBank {
                bank_rad: initial_bank_deg.to_radians(),
            })),
            _ => self.bank_law(DescentMode::Guided),
        }
    }

    /// The bank law flown in `mode`. The guided law's predictor knows the configuration the
    /// capsule flies after its last separation.
    pub fn bank_law(&self, mode: DescentMode) -> Result<Box<dyn BankLaw>, String> {
        let guided: Box<dyn BankLaw> = match &self.guided {
            GuidedLaw::Constant { bank_deg } => Box::new(ConstantBank {
                bank_rad: bank_deg.to_radians(),
            }),
            GuidedLaw::Tabulated { index, x, bank_deg } => Box::new(
                TabulatedBank::new(
                    *index,
                    x.clone(),
                    bank_deg.iter().map(|d| d.to_radians()).collect(),
                )
                .map_err(|e| e.to_string())?,
            ),
            GuidedLaw::PredictorCorrector {
                initial_bank_deg,
                cycle_s,
                activation_g,
                min_bank_deg,
                max_bank_deg,
                deadband_min_km,
                deadband_slope_km,
                stop_speed_m_s,
                predict_to_alt_km,
                predictor_rel_tol,
                nav_position_bias_enu_m,
                nav_velocity_bias_enu_m_s,
            } => {
                let (lat, lon) = self
                    .target
                    .ok_or("the predictor–corrector needs a target")?;
                let flown = self
                    .separations
                    .last()
                    .map_or(self.initial_configuration.clone(), |s| {
                        s.configuration.clone()
                    });
                let mut predictor = EntryConfig::simple(flown);
                predictor.earth = self.earth;
                predictor.atmosphere = self.atmosphere.clone();
                let end_alt_m = predict_to_alt_km.map(|h| h * 1000.0).or_else(|| {
                    self.parachutes.first().and_then(|c| match c.trigger {
                        ChuteTrigger::Altitude { alt_m } => Some(alt_m),
                        _ => None,
                    })
                });
                let mut c = PredictorCorrectorConfig::new(
                    lat,
                    lon,
                    predictor,
                    end_alt_m.unwrap_or(10_000.0),
                );
                c.epoch_tt_s = capsim::time::tt_seconds_j2000(self.start_epoch());
                c.cycle_s = *cycle_s;
                c.activation_g = *activation_g;
                c.initial_bank_rad = initial_bank_deg.to_radians();
                c.min_bank_rad = min_bank_deg.to_radians();
                c.max_bank_rad = max_bank_deg.to_radians();
                c.deadband_min_m = deadband_min_km * 1000.0;
                c.deadband_slope_m = deadband_slope_km * 1000.0;
                c.stop_speed_m_s = *stop_speed_m_s;
                c.predictor_rel_tol = *predictor_rel_tol;
                c.nav_position_bias_enu_m = *nav_position_bias_enu_m;
                c.nav_velocity_bias_enu_m_s = *nav_velocity_bias_enu_m_s;
                Box::new(PredictorCorrector::new(c)?)
            }
        };
        Ok(match (mode, &self.ballistic) {
            (DescentMode::Guided, _) | (DescentMode::Ballistic, None) => guided,
            (DescentMode::Ballistic, Some(b)) => Box::new(SwitchedBank::new(
                guided,
                Box::new(BallisticRoll {
                    roll_rate_rad_s: b.roll_rate_deg_s.to_radians(),
                }),
                b.trigger,
            )),
        })
    }
}
