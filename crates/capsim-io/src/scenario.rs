//! Scenario files: what `capsim run` and `capsim check` read.
//!
//! For now a scenario is a list of orbit propagations (`[[orbit]]`), each from a TLE or from
//! a state table (the same `[cartesian]`/`[keplerian]` tables as a state file, nested as
//! `[orbit.cartesian]`/`[orbit.keplerian]`). Later phases (launch, rendezvous, entry, Monte
//! Carlo) add their own tables. Keys are documented in `docs/scenario.md`, whose examples a
//! test parses.
//!
//! Parsing is in two stages, as DESIGN.md §5 asks: serde mirrors the TOML with
//! `deny_unknown_fields` (syntax and type errors, one at a time, located), then
//! [`ScenarioSpec::from_text`] validates every entry and reports **all** problems at once.

use crate::error::InputError;
use crate::state_file::{state_kind, RawCartesian, RawKeplerian, StateSpecKind};
use crate::timefmt::parse_epoch;
use capsim::dynamics::ForceSpec;
use hifitime::{Duration, Epoch};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Spanned<String>,
    title: Option<String>,
    description: Option<String>,
    output_dir: Option<String>,
    #[serde(default)]
    orbit: Vec<Spanned<RawOrbit>>,
    #[serde(default)]
    compare: Vec<Spanned<RawCompare>>,
    entry: Option<crate::entry_spec::RawEntry>,
    // Mission-level tables for the report (crate::mission_spec).
    mission: Option<Spanned<crate::mission_spec::RawMission>>,
    #[serde(default)]
    crew: Vec<Spanned<crate::mission_spec::RawCrew>>,
    #[serde(default)]
    timeline: Vec<Spanned<crate::mission_spec::RawTimeline>>,
    #[serde(default)]
    claim: Vec<Spanned<crate::mission_spec::RawClaim>>,
    rendezvous: Option<Spanned<crate::rendezvous_spec::RawRendezvous>>,
    mc: Option<Spanned<crate::mc_spec::RawMc>>,
    #[serde(default)]
    dispersion: Vec<Spanned<crate::dispersions::RawDispersion>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompare {
    label: String,
    published: String,
    orbit: Spanned<String>,
    quantity: Spanned<String>,
    /// For daily quantities: the UTC date, "YYYY-MM-DD".
    date: Option<Spanned<String>>,
    note: Option<String>,
}

/// What a `[[compare]]` row measures on an orbit's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareQuantity {
    /// Ascending-node crossings (needs the orbit to list "ascending-node" or "nodes" events).
    Revolutions,
    /// Span of the propagation, days.
    DurationDays,
    /// Osculating period at the start, minutes.
    InitialPeriodMin,
    /// Osculating perigee / apogee altitude at the start, km above WGS-84.
    InitialPerigeeKm,
    InitialApogeeKm,
    /// Daily mean perigee × apogee altitude (above a sphere of the WGS-84 equatorial radius)
    /// on `date`.
    PerigeeApogeeOnDateKm,
    /// Decay rate of the mean semi-major axis, m/day (days without manoeuvres).
    DecayRateMPerDay,
}

impl CompareQuantity {
    pub const NAMES: [&'static str; 7] = [
        "revolutions",
        "duration_days",
        "initial_period_min",
        "initial_perigee_km",
        "initial_apogee_km",
        "perigee_apogee_km",
        "decay_rate_m_per_day",
    ];
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "revolutions" => Self::Revolutions,
            "duration_days" => Self::DurationDays,
            "initial_period_min" => Self::InitialPeriodMin,
            "initial_perigee_km" => Self::InitialPerigeeKm,
            "initial_apogee_km" => Self::InitialApogeeKm,
            "perigee_apogee_km" => Self::PerigeeApogeeOnDateKm,
            "decay_rate_m_per_day" => Self::DecayRateMPerDay,
            _ => return None,
        })
    }
}

/// A published figure to put beside the simulated one in the summary.
#[derive(Clone, Debug)]
pub struct CompareSpec {
    pub label: String,
    pub published: String,
    pub orbit: String,
    pub quantity: CompareQuantity,
    /// 00:00 UTC of the date of a daily quantity.
    pub date: Option<Epoch>,
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrbit {
    id: Spanned<String>,
    object_name: Option<String>,
    object_id: Option<String>,
    tle: Option<Spanned<String>>,
    start: Option<Spanned<String>>,
    epoch: Option<Spanned<String>>,
    cartesian: Option<Spanned<RawCartesian>>,
    keplerian: Option<Spanned<RawKeplerian>>,
    end: Option<Spanned<String>>,
    duration: Option<Spanned<String>>,
    forces: Spanned<String>,
    integrator: Option<Spanned<String>>,
    rtol: Option<Spanned<f64>>,
    atol: Option<Spanned<f64>>,
    output_step: Option<Spanned<String>>,
    #[serde(default)]
    events: Vec<Spanned<String>>,
    #[serde(default)]
    stations: Vec<Spanned<String>>,
    vehicle: Option<Spanned<RawVehicle>>,
    space_weather: Option<Spanned<String>>,
    density_step_s: Option<Spanned<f64>>,
    #[serde(default)]
    maneuver: Vec<Spanned<RawManeuver>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVehicle {
    mass_kg: f64,
    drag_area_m2: f64,
    #[serde(default = "default_cd")]
    cd: f64,
    srp_area_m2: Option<f64>,
    #[serde(default = "default_cr")]
    cr: f64,
}

fn default_cd() -> f64 {
    2.2
}

fn default_cr() -> f64 {
    1.3
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManeuver {
    epoch: Spanned<String>,
    dv_m_s: Option<f64>,
    dv_vnb_m_s: Option<[f64; 3]>,
    note: Option<String>,
}

/// Where an orbit's space weather comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum SpaceWeatherSpec {
    /// The table shipped with capsim.
    Shipped,
    /// A CelesTrak CSV file (path resolved against the scenario's folder).
    File(PathBuf),
}

/// A planned impulsive manoeuvre (a reboost).
#[derive(Clone, Debug, PartialEq)]
pub struct ManeuverSpec {
    pub epoch: Epoch,
    pub dv_vnb_m_s: [f64; 3],
    pub note: String,
}

/// Where an orbit's initial state comes from.
#[derive(Clone, Debug)]
pub enum InitialSpec {
    /// A TLE; `first_line` is the 1-based line of the TLE text in the scenario file.
    Tle {
        text: String,
        first_line: usize,
        start: Option<Epoch>,
    },
    /// A state table at `epoch`.
    State {
        epoch: Epoch,
        kind: Box<StateSpecKind>,
    },
}

/// When an orbit propagation ends.
#[derive(Clone, Copy, Debug)]
pub enum EndSpec {
    Epoch(Epoch),
    After(Duration),
}

/// One validated `[[orbit]]` entry.
#[derive(Clone, Debug)]
pub struct OrbitJobSpec {
    pub id: String,
    pub object_name: String,
    pub object_id: String,
    pub initial: InitialSpec,
    pub end: EndSpec,
    pub forces: Vec<ForceSpec>,
    pub forces_text: String,
    pub integrator: String,
    pub rtol: Option<f64>,
    pub atol: Option<f64>,
    pub output_step: Duration,
    pub events: Vec<String>,
    pub stations: Vec<String>,
    pub vehicle: Option<capsim::vehicle::BallisticProperties>,
    pub space_weather: SpaceWeatherSpec,
    /// None: the CLI's default anchor spacing; Some(0) = exact.
    pub density_step_s: Option<f64>,
    pub maneuvers: Vec<ManeuverSpec>,
}

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct ScenarioSpec {
    pub path: PathBuf,
    pub text: String,
    pub name: String,
    pub title: String,
    pub description: String,
    pub output_dir: PathBuf,
    pub orbits: Vec<OrbitJobSpec>,
    pub compare: Vec<CompareSpec>,
    /// The `[entry]` table (deorbit to touchdown), if any.
    pub entry: Option<crate::entry_spec::EntrySpec>,
    /// `[mission]`, `[[crew]]`, `[[timeline]]`, `[[claim]]` (empty when absent).
    pub mission: crate::mission_spec::MissionSpec,
    /// The `[rendezvous]` table, when present (validated by [`crate::rendezvous_spec`]).
    pub rendezvous: Option<crate::rendezvous_spec::RendezvousSpec>,
    /// The `[mc]` table (docs/mc.md), if the scenario defines a Monte-Carlo campaign.
    pub mc: Option<crate::mc_spec::McSpec>,
    /// The `[[dispersion]]` tables, validated against the scenario's own values.
    pub dispersions: crate::dispersions::DispersionSet,
}

/// All problems found in a scenario file.
#[derive(Debug, Clone)]
pub struct ScenarioErrors(pub Vec<InputError>);

impl std::fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} problem{} in the scenario:",
            if n == 1 { "" } else { "s" }
        )?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}
impl std::error::Error for ScenarioErrors {}

impl ScenarioSpec {
    /// Reads and validates a scenario file.
    pub fn read(path: &Path) -> Result<Self, ScenarioErrors> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ScenarioErrors(vec![InputError::new(path, format!("cannot read: {e}"))])
        })?;
        Self::from_text(path, &text)
    }

    /// Validates scenario text; `path` is used in messages and to resolve nothing else.
    pub fn from_text(path: &Path, text: &str) -> Result<Self, ScenarioErrors> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| {
            let mut err = InputError::new(path, e.message().to_string());
            if let Some(span) = e.span() {
                err = err.at_offset(text, span.start);
            }
            ScenarioErrors(vec![err])
        })?;
        let mut errors = Vec::new();
        let at = |span: std::ops::Range<usize>, key: String, m: String| {
            InputError::new(path, m)
                .at_offset(text, span.start)
                .with_key(key)
        };
        let name = raw.name.get_ref().clone();
        if !crate::error::is_identifier(&name) {
            errors.push(at(raw.name.span(), "name".into(), format!("'{name}' must be non-empty and use only letters, digits, '-' and '_' (it names the output folder)")));
        }
        if raw.orbit.is_empty() && raw.entry.is_none() && raw.mc.is_none() {
            errors.push(InputError::new(
                path,
                "the scenario has nothing to run: add at least one [[orbit]], an [entry] or an [mc] table",
            ));
        }
        let mc = raw
            .mc
            .and_then(|m| crate::mc_spec::validate(path, text, m, &mut errors));
        let dispersions = if raw.dispersion.is_empty() {
            crate::dispersions::DispersionSet::default()
        } else {
            match crate::dispersions::nominal_tree(text) {
                Ok(tree) => {
                    crate::dispersions::validate(path, text, raw.dispersion, &tree, &mut errors)
                }
                Err(m) => {
                    errors.push(InputError::new(path, m));
                    crate::dispersions::DispersionSet::default()
                }
            }
        };
        let mut orbits = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        for (i, o) in raw.orbit.into_iter().enumerate() {
            let table_start = o.span().start;
            let o = o.into_inner();
            let key = |k: &str| format!("orbit[{i}].{k}");
            let id = o.id.get_ref().clone();
            if !crate::error::is_identifier(&id) {
                errors.push(at(
                    o.id.span(),
                    key("id"),
                    format!(
                        "'{id}' must use only letters, digits, '-' and '_' (it names output files)"
                    ),
                ));
            } else if ids.contains(&id) {
                errors.push(at(
                    o.id.span(),
                    key("id"),
                    format!("'{id}' is used by an earlier [[orbit]]"),
                ));
            }
            ids.push(id.clone());
            let epoch_of =
                |s: &Spanned<String>, k: &str, errors: &mut Vec<InputError>| -> Option<Epoch> {
                    match parse_epoch(s.get_ref()) {
                        Ok(e) => Some(e),
                        Err(m) => {
                            errors.push(at(s.span(), key(k), m));
                            None
                        }
                    }
                };
            let initial = match (&o.tle, &o.epoch) {
                (Some(t), None) => {
                    if o.cartesian.is_some() || o.keplerian.is_some() {
                        errors.push(at(t.span(), key("tle"), "give either tle or a state table ([orbit.cartesian] / [orbit.keplerian]), not both".into()));
                    }
                    let start = o
                        .start
                        .as_ref()
                        .and_then(|s| epoch_of(s, "start", &mut errors));
                    // The TLE text starts after the opening quotes of the string.
                    let (line, _) = crate::error::line_col(text, t.span().start);
                    let first_line = if text[t.span().start..].starts_with("\"\"\"")
                        || text[t.span().start..].starts_with("'''")
                    {
                        line + 1
                    } else {
                        line
                    };
                    Some(InitialSpec::Tle {
                        text: t.get_ref().clone(),
                        first_line,
                        start,
                    })
                }
                (None, Some(ep)) => {
                    if let Some(s) = &o.start {
                        errors.push(at(
                            s.span(),
                            key("start"),
                            "start applies to tle only; a state table uses epoch".into(),
                        ));
                    }
                    let epoch = epoch_of(ep, "epoch", &mut errors);
                    match state_kind(path, text, o.cartesian, o.keplerian, Some(table_start)) {
                        Ok(kind) => epoch.map(|epoch| InitialSpec::State {
                            epoch,
                            kind: Box::new(kind),
                        }),
                        Err(mut e) => {
                            e.key = Some(match e.key.take() {
                                Some(k) => format!("orbit[{i}].{k}"),
                                None => key("state"),
                            });
                            errors.push(e);
                            None
                        }
                    }
                }
                (Some(t), Some(_)) => {
                    errors.push(at(
                        t.span(),
                        key("tle"),
                        "give either tle or epoch with a state table, not both".into(),
                    ));
                    None
                }
                (None, None) => {
                    errors.push(InputError::new(path, "missing the initial state: give tle, or epoch with [orbit.cartesian] or [orbit.keplerian]").at_offset(text, table_start).with_key(key("tle")));
                    None
                }
            };
            let end = match (&o.end, &o.duration) {
                (Some(e), None) => epoch_of(e, "end", &mut errors).map(EndSpec::Epoch),
                (None, Some(d)) => match d.get_ref().trim().parse::<Duration>() {
                    Ok(dd) if dd > Duration::ZERO => Some(EndSpec::After(dd)),
                    Ok(_) => {
                        errors.push(at(
                            d.span(),
                            key("duration"),
                            format!("'{}' must be positive", d.get_ref()),
                        ));
                        None
                    }
                    Err(e) => {
                        errors.push(at(
                            d.span(),
                            key("duration"),
                            format!("'{}' is not a duration (e.g. \"2 days\"): {e}", d.get_ref()),
                        ));
                        None
                    }
                },
                (Some(e), Some(_)) => {
                    errors.push(at(
                        e.span(),
                        key("end"),
                        "give either end or duration, not both".into(),
                    ));
                    None
                }
                (None, None) => {
                    errors.push(
                        InputError::new(path, "missing end or duration")
                            .at_offset(text, table_start)
                            .with_key(key("end")),
                    );
                    None
                }
            };
            let forces = match ForceSpec::parse_list(o.forces.get_ref()) {
                Ok(f) => Some(f),
                Err(m) => {
                    errors.push(at(o.forces.span(), key("forces"), m));
                    None
                }
            };
            let output_step = match &o.output_step {
                None => Some(Duration::from_seconds(60.0)),
                Some(s) => match s.get_ref().trim().parse::<Duration>() {
                    Ok(d) if d > Duration::ZERO => Some(d),
                    _ => {
                        errors.push(at(
                            s.span(),
                            key("output_step"),
                            format!(
                                "'{}' must be a positive duration, e.g. \"10 min\"",
                                s.get_ref()
                            ),
                        ));
                        None
                    }
                },
            };
            for (j, ev) in o.events.iter().enumerate() {
                if let Err(m) = crate::event_spec::EventItem::parse_list(&[ev.get_ref()]) {
                    errors.push(at(ev.span(), key(&format!("events[{j}]")), m));
                }
            }
            for (j, st) in o.stations.iter().enumerate() {
                if let Err(m) = crate::event_spec::StationSpec::parse(st.get_ref()) {
                    errors.push(at(st.span(), key(&format!("stations[{j}]")), m));
                }
            }
            for (k, v) in [("rtol", &o.rtol), ("atol", &o.atol)] {
                if let Some(v) = v {
                    let x = *v.get_ref();
                    let ok = x > 0.0 && x.is_finite() && (k != "rtol" || x < 1.0);
                    if !ok {
                        errors.push(at(
                            v.span(),
                            key(k),
                            format!(
                                "{x} must be a positive number{}",
                                if k == "rtol" { " below 1" } else { "" }
                            ),
                        ));
                    }
                }
            }
            if let Some(m) = &o.integrator {
                let name = m.get_ref().trim().to_ascii_lowercase();
                let ok = matches!(
                    name.as_str(),
                    "dop853" | "dp54" | "dopri5" | "dormand-prince"
                ) || name
                    .strip_prefix("rk4:")
                    .and_then(|d| d.trim().parse::<Duration>().ok())
                    .is_some_and(|d| d > Duration::ZERO);
                if !ok {
                    errors.push(at(
                        m.span(),
                        key("integrator"),
                        format!(
                            "'{}': expected dop853, dp54 or rk4:STEP (e.g. rk4:10s)",
                            m.get_ref()
                        ),
                    ));
                }
            }
            let vehicle = o.vehicle.as_ref().and_then(|v| {
                let raw = v.get_ref();
                let props = capsim::vehicle::BallisticProperties {
                    mass_kg: raw.mass_kg,
                    drag_area_m2: raw.drag_area_m2,
                    cd: raw.cd,
                    srp_area_m2: raw.srp_area_m2.unwrap_or(raw.drag_area_m2),
                    cr: raw.cr,
                };
                match props.validate() {
                    Ok(()) => Some(props),
                    Err(e) => {
                        errors.push(at(v.span(), key("vehicle"), e.to_string()));
                        None
                    }
                }
            });
            if let Some(f) = forces
                .as_ref()
                .and_then(|f| f.iter().find(|f| f.needs_vehicle()))
            {
                if o.vehicle.is_none() {
                    errors.push(at(
                        o.forces.span(),
                        key("forces"),
                        format!(
                            "{f:?} needs an [orbit.vehicle] table (mass_kg, drag_area_m2, cd, cr)"
                        ),
                    ));
                }
            }
            let space_weather = match &o.space_weather {
                None => SpaceWeatherSpec::Shipped,
                Some(sw) if sw.get_ref() == "shipped" => SpaceWeatherSpec::Shipped,
                Some(sw) => {
                    let p = path.parent().unwrap_or(Path::new(".")).join(sw.get_ref());
                    if !p.exists() {
                        errors.push(at(
                            sw.span(),
                            key("space_weather"),
                            format!("file {} does not exist (or use \"shipped\")", p.display()),
                        ));
                    }
                    SpaceWeatherSpec::File(p)
                }
            };
            let density_step_s = match &o.density_step_s {
                None => None,
                Some(d) if (0.0..=600.0).contains(d.get_ref()) => Some(*d.get_ref()),
                Some(d) => {
                    errors.push(at(
                        d.span(),
                        key("density_step_s"),
                        format!(
                            "{} must be in [0, 600] s (0 = evaluate the atmosphere at every step)",
                            d.get_ref()
                        ),
                    ));
                    None
                }
            };
            let mut maneuvers = Vec::new();
            for (j, m) in o.maneuver.iter().enumerate() {
                let raw = m.get_ref();
                let Some(epoch) =
                    epoch_of(&raw.epoch, &format!("maneuver[{j}].epoch"), &mut errors)
                else {
                    continue;
                };
                let dv = match (raw.dv_m_s, raw.dv_vnb_m_s) {
                    (Some(v), None) => [v, 0.0, 0.0],
                    (None, Some(v)) => v,
                    _ => {
                        errors.push(at(
                            m.span(),
                            key(&format!("maneuver[{j}]")),
                            "give dv_m_s (along velocity) or dv_vnb_m_s, one of them".into(),
                        ));
                        continue;
                    }
                };
                if dv.iter().any(|x| !x.is_finite())
                    || dv.iter().map(|x| x * x).sum::<f64>().sqrt() > 1_000.0
                {
                    errors.push(at(
                        m.span(),
                        key(&format!("maneuver[{j}]")),
                        "Δv must be finite and below 1 km/s".into(),
                    ));
                    continue;
                }
                maneuvers.push(ManeuverSpec {
                    epoch,
                    dv_vnb_m_s: dv,
                    note: raw.note.clone().unwrap_or_default(),
                });
            }
            if let (Some(initial), Some(end), Some(forces), Some(output_step)) =
                (initial, end, forces, output_step)
            {
                orbits.push(OrbitJobSpec {
                    id: id.clone(),
                    object_name: o.object_name.unwrap_or_else(|| id.to_uppercase()),
                    object_id: o.object_id.unwrap_or_else(|| "UNKNOWN".into()),
                    initial,
                    end,
                    forces,
                    forces_text: o.forces.get_ref().clone(),
                    integrator: o
                        .integrator
                        .map(|s| s.into_inner())
                        .unwrap_or_else(|| "dop853".into()),
                    rtol: o.rtol.map(|s| s.into_inner()),
                    atol: o.atol.map(|s| s.into_inner()),
                    output_step,
                    events: o.events.into_iter().map(|s| s.into_inner()).collect(),
                    stations: o.stations.into_iter().map(|s| s.into_inner()).collect(),
                    vehicle,
                    space_weather,
                    density_step_s,
                    maneuvers,
                });
            }
        }
        let mut compare = Vec::new();
        for (i, c) in raw.compare.into_iter().enumerate() {
            let c = c.into_inner();
            if !ids.contains(c.orbit.get_ref()) {
                errors.push(at(
                    c.orbit.span(),
                    format!("compare[{i}].orbit"),
                    format!("no [[orbit]] has id '{}'", c.orbit.get_ref()),
                ));
            }
            let date = match &c.date {
                None => None,
                Some(d) => match parse_epoch(&format!("{}T00:00:00 UTC", d.get_ref().trim())) {
                    Ok(e) => Some(e),
                    Err(_) => {
                        errors.push(at(
                            d.span(),
                            format!("compare[{i}].date"),
                            format!("'{}' is not a date YYYY-MM-DD", d.get_ref()),
                        ));
                        None
                    }
                },
            };
            match CompareQuantity::parse(c.quantity.get_ref()) {
                Some(CompareQuantity::PerigeeApogeeOnDateKm) if c.date.is_none() => {
                    errors.push(at(
                        c.quantity.span(),
                        format!("compare[{i}].quantity"),
                        "perigee_apogee_km needs a date = \"YYYY-MM-DD\"".into(),
                    ))
                }
                Some(q) => compare.push(CompareSpec {
                    label: c.label,
                    published: c.published,
                    orbit: c.orbit.into_inner(),
                    quantity: q,
                    date,
                    note: c.note.unwrap_or_default(),
                }),
                None => errors.push(at(
                    c.quantity.span(),
                    format!("compare[{i}].quantity"),
                    format!(
                        "unknown quantity '{}', expected one of {}",
                        c.quantity.get_ref(),
                        CompareQuantity::NAMES.join(", ")
                    ),
                )),
            }
        }
        let entry = raw
            .entry
            .and_then(|e| crate::entry_spec::EntrySpec::parse(path, text, e, &ids, &mut errors));
        let mission = crate::mission_spec::validate(
            path,
            text,
            crate::mission_spec::RawMissionTables {
                mission: raw.mission,
                crew: raw.crew,
                timeline: raw.timeline,
                claim: raw.claim,
            },
            &mut errors,
        );
        let rendezvous = raw
            .rendezvous
            .and_then(|r| crate::rendezvous_spec::validate(path, text, r, &ids, &mut errors));
        if !errors.is_empty() {
            return Err(ScenarioErrors(errors));
        }
        let output_dir = raw
            .output_dir
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("out").join(&name));
        Ok(Self {
            path: path.to_path_buf(),
            text: text.to_string(),
            name,
            title: raw.title.unwrap_or_default(),
            description: raw.description.unwrap_or_default(),
            output_dir,
            orbits,
            compare,
            entry,
            mission,
            rendezvous,
            mc,
            dispersions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_problem_at_once() {
        let text = r#"
name = "bad name!"
[[orbit]]
id = "a"
epoch = "2007-10-10T13:31:00"
duration = "-2 days"
forces = "warp"
[orbit.keplerian]
a_km = 6700
e = 0.001
inc_deg = 51.6
raan_deg = 0
argp_deg = 0
ta_deg = 0
"#;
        let e = ScenarioSpec::from_text(Path::new("s.toml"), text).unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.0.len(), 3, "{msg}");
        assert!(msg.contains("s.toml:2:"), "{msg}");
        assert!(msg.contains("orbit[0].duration"), "{msg}");
        assert!(
            msg.contains("s.toml:7:") && msg.contains("orbit[0].forces"),
            "{msg}"
        );
    }
}
