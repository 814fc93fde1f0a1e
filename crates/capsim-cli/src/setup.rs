//! Turning validated inputs into library objects: EOP table, initial state, forces, events,
//! integrator settings. Shared by `propagate` and `run`.

use crate::failure::{input, input_msg, CliResult};
use anyhow::Context;
use capsim::dynamics::drag::{DensitySampling, SpaceWeatherProvider};
use capsim::dynamics::events::{AltitudeCrossing, Eclipse, ShadowBoundary, StationVisibility};
use capsim::dynamics::{BuildContext, ForceSpec, OrbitPropagator};
use capsim::frames::earth_orientation::EarthOrientationCache;
use capsim::frames::eop::EopTable;
use capsim::frames::geodetic::Geodetic;
use capsim::propagate::detectors::{Apsis, ApsisKind, NodeCrossing, NodeKind};
use capsim::propagate::{EventFunction, IntegratorConfig, Method};
use capsim::state::cartesian::OrbitState;
use capsim::time::{Duration, Epoch};
use capsim::vehicle::BallisticProperties;
use capsim_io::event_spec::{EventItem, StationSpec};
use capsim_io::state_file::{StateSpec, StateSpecKind};
use std::path::Path;
use std::sync::Arc;

/// What to do when the Earth-orientation table does not cover an epoch.
pub const EOP_HINT: &str = "pass --eop FILE (IERS finals2000A or EOP C04) covering that epoch";

/// The EOP table: a user file when given, else the one shipped for 2006-12..2010-01.
pub fn load_eop(path: Option<&Path>) -> CliResult<Arc<EopTable>> {
    match path {
        Some(p) => Ok(Arc::new(
            capsim_io::eop_file::read_eop_file(p).map_err(input)?,
        )),
        None => Ok(Arc::new(EopTable::shipped().clone())),
    }
}

/// Parses a hifitime duration string ("1 day", "90 min", "2 h 30 min"); must be positive.
pub fn parse_duration(flag: &str, text: &str) -> CliResult<Duration> {
    let d: Duration = text.trim().parse().map_err(|e| {
        input_msg(format!(
            "{flag} '{text}' is not a duration (expected e.g. \"1 day\", \"90 min\", \"3600 s\"): {e}"
        ))
    })?;
    if d <= Duration::ZERO {
        return Err(input_msg(format!("{flag} '{text}' must be positive")));
    }
    Ok(d)
}

/// Most output samples one propagation may keep in memory and write (~1 GB of CSV).
pub const MAX_OUTPUT_SAMPLES: f64 = 1e7;

/// Refuses an output step so small for the span that the samples would exhaust memory.
pub fn check_sample_count(what: &str, span: Duration, step: Duration) -> CliResult<()> {
    let n = (span.to_seconds() / step.to_seconds()).abs();
    if n > MAX_OUTPUT_SAMPLES {
        return Err(input_msg(format!(
            "{what} {step} over {span} gives {n:.3e} output samples, more than the limit of {MAX_OUTPUT_SAMPLES:.0e}; use a larger step"
        )));
    }
    Ok(())
}

/// Integrator settings from the command-line names.
pub fn integrator_config(
    method: &str,
    rel_tol: Option<f64>,
    abs_tol: Option<f64>,
) -> CliResult<IntegratorConfig> {
    let mut cfg = IntegratorConfig::default();
    let m = method.trim().to_ascii_lowercase();
    cfg.method = match m.as_str() {
        "dop853" => Method::Dop853,
        "dp54" | "dopri5" | "dormand-prince" => Method::DormandPrince54,
        _ => {
            if let Some(step) = m.strip_prefix("rk4:") {
                let d = parse_duration("--integrator rk4:STEP", step)?;
                Method::Rk4 {
                    step_s: d.to_seconds(),
                }
            } else {
                return Err(input_msg(format!(
                    "--integrator '{method}': expected dop853, dp54 or rk4:STEP (e.g. rk4:10s)"
                )));
            }
        }
    };
    if let Some(r) = rel_tol {
        if !(r > 0.0 && r < 1.0) {
            return Err(input_msg(format!("--rtol {r} must be in (0, 1)")));
        }
        cfg.rel_tol = r;
    }
    if let Some(a) = abs_tol {
        if !(a > 0.0 && a.is_finite()) {
            return Err(input_msg(format!("--atol {a} must be positive")));
        }
        cfg.abs_tol = a;
    }
    Ok(cfg)
}

/// Vehicle and environment settings the non-gravity force models need.
#[derive(Clone, Debug)]
pub struct ForceEnvironment {
    pub vehicle: Option<BallisticProperties>,
    pub space_weather: Option<Arc<dyn SpaceWeatherProvider>>,
    pub density_sampling: DensitySampling,
}

/// Default spacing of NRLMSISE-00/US76 density anchors along a propagation (see
/// `capsim::dynamics::drag`); the error it causes is measured in docs/performance.md.
pub const DEFAULT_DENSITY_SPACING_S: f64 = 60.0;

/// Builds the propagator, with an EOP cache spanning `[start, end]` when the forces need it.
pub fn build_propagator(
    forces: &[ForceSpec],
    env: &ForceEnvironment,
    integrator: IntegratorConfig,
    eop: &EopTable,
    start: Epoch,
    end: Epoch,
) -> CliResult<OrbitPropagator> {
    if let Some(f) = forces.iter().find(|f| f.needs_vehicle()) {
        if env.vehicle.is_none() {
            return Err(input_msg(format!(
                "forces: {f:?} needs the vehicle: give --mass-kg and --area-m2 (and optionally --cd, --cr, --srp-area-m2)"
            )));
        }
    }
    let cx = BuildContext {
        vehicle: env.vehicle.unwrap_or(BallisticProperties {
            mass_kg: 1.0,
            drag_area_m2: 0.0,
            cd: 0.0,
            srp_area_m2: 0.0,
            cr: 0.0,
        }),
        space_weather: env.space_weather.clone(),
        span_tt_s: (
            capsim::time::tt_seconds_j2000(start),
            capsim::time::tt_seconds_j2000(end),
        ),
        density_sampling: env.density_sampling,
    };
    let models = forces
        .iter()
        .map(|f| {
            f.build_with(&cx)
                .map_err(|e| input(anyhow::Error::new(e).context(format!("forces: {f:?}"))))
        })
        .collect::<CliResult<Vec<_>>>()?;
    let (lo, hi) = if start <= end {
        (start, end)
    } else {
        (end, start)
    };
    // A day's margin for events and output beyond the span, clamped to the table.
    let margin = Duration::from_days(1.0);
    let lo = (lo - margin).max(eop.first_epoch().min(lo));
    let hi = (hi + margin).min(eop.last_epoch().max(hi));
    let needs_earth = models.iter().any(|m| m.needs_earth_rotation());
    let cache = match EarthOrientationCache::new(eop, lo, hi) {
        Ok(c) => Some(Arc::new(c)),
        Err(_) if !needs_earth => None,
        Err(e) => {
            return Err(input(anyhow::Error::new(e).context(
                "the Earth-orientation table does not cover the propagation span; pass --eop FILE (IERS finals2000A or EOP C04)",
            )))
        }
    };
    Ok(OrbitPropagator::new(models, integrator, cache))
}

/// GCRF state from a parsed state file, checked to be a real orbit above the surface.
pub fn state_from_spec(spec: &StateSpec, eop: &EopTable) -> CliResult<OrbitState> {
    let mu = capsim::constants::GM_EARTH_M3_S2;
    let state = match &spec.kind {
        StateSpecKind::Cartesian { frame, r_m, v_m_s } => {
            let r = r_m.value;
            let v = v_m_s.value;
            if r.iter().chain(v.iter()).any(|x| !x.is_finite()) {
                return Err(input(
                    spec.error_at(r_m, "components must be finite numbers"),
                ));
            }
            capsim_io::state_file::to_gcrf(spec.epoch, *frame, r, v, eop)
                .map_err(|e| input(spec.error_at(r_m, e)))?
        }
        StateSpecKind::Keplerian {
            a_m,
            e,
            i_rad,
            raan_rad,
            argp_rad,
            ta_rad,
        } => {
            let k = capsim::state::keplerian::Keplerian {
                a_m: a_m.value,
                e: e.value,
                i_rad: i_rad.value,
                raan_rad: raan_rad.value,
                argp_rad: argp_rad.value,
                true_anomaly_rad: ta_rad.value,
            };
            let (r, v) = k
                .to_cartesian(mu)
                .map_err(|err| input(spec.error_at(a_m, err.to_string())))?;
            OrbitState::new(spec.epoch, r, v)
        }
    };
    let perigee_alt_m = match capsim::state::keplerian::Keplerian::from_state(&state, mu) {
        Ok(k) => k.perigee_altitude_m(),
        Err(e) => {
            let at = match &spec.kind {
                StateSpecKind::Cartesian { v_m_s, .. } => v_m_s,
                StateSpecKind::Keplerian { .. } => {
                    return Err(input(anyhow::anyhow!("{}: {e}", spec.path.display())))
                }
            };
            return Err(input(
                spec.error_at(at, format!("not an orbit capsim can propagate: {e}")),
            ));
        }
    };
    if perigee_alt_m < 0.0 {
        let anchor = match &spec.kind {
            StateSpecKind::Cartesian { v_m_s, .. } => spec.error_at(v_m_s, ""),
            StateSpecKind::Keplerian { a_m, .. } => spec.error_at(a_m, ""),
        };
        let mut err = anchor;
        err.message = format!(
            "perigee is {:.1} km below the WGS-84 ellipsoid: this orbit hits the Earth (use the entry tools for sub-orbital states)",
            -perigee_alt_m / 1e3
        );
        return Err(input(err));
    }
    Ok(state)
}

/// Reads a state file (TOML) and builds the GCRF state.
pub fn state_from_file(path: &Path, eop: &EopTable) -> CliResult<(OrbitState, String, String)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read state file {}", path.display()))
        .map_err(input)?;
    let spec = capsim_io::state_file::parse_state_file(path, &text).map_err(input)?;
    let state = state_from_spec(&spec, eop)?;
    let name = spec.name.clone().unwrap_or_else(|| "SPACECRAFT".into());
    let id = spec.object_id.clone().unwrap_or_else(|| "UNKNOWN".into());
    Ok((state, name, id))
}

/// Reads a TLE file and returns the GCRF state at `at` (default: the TLE epoch) by SGP4.
pub fn state_from_tle(
    path: &Path,
    at: Option<Epoch>,
    eop: &EopTable,
) -> CliResult<(OrbitState, String, String)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read TLE file {}", path.display()))
        .map_err(input)?;
    let tle = capsim_io::tle_file::parse_tle_text(path, &text).map_err(input)?;
    sgp4_state(path, &tle, at, eop)
}

/// Reads an OMM (CelesTrak JSON) file and returns the GCRF state at `at` by SGP4.
pub fn state_from_omm(
    path: &Path,
    at: Option<Epoch>,
    eop: &EopTable,
) -> CliResult<(OrbitState, String, String)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read OMM file {}", path.display()))
        .map_err(input)?;
    let tle = capsim_io::omm_file::parse_omm_json(path, &text).map_err(input)?;
    sgp4_state(path, &tle, at, eop)
}

/// SGP4 state of mean elements at `at` (default: their epoch), in GCRF, with name and COSPAR id.
fn sgp4_state(
    path: &Path,
    tle: &capsim::state::tle::Tle,
    at: Option<Epoch>,
    eop: &EopTable,
) -> CliResult<(OrbitState, String, String)> {
    let epoch = at.unwrap_or_else(|| tle.epoch());
    let state = match capsim_io::tle_file::tle_state_gcrf(tle, epoch, eop) {
        Ok(s) => s,
        // The epoch is outside the Earth-orientation table: the user must supply one.
        Err(e @ capsim_io::tle_file::TleStateError::Eop(_)) => {
            return Err(input_msg(format!("{}: {e}; {EOP_HINT}", path.display())))
        }
        // SGP4 refuses the elements or the epoch (decayed, too far from the TLE epoch): the
        // input cannot give a state, so this is bad input too.
        Err(e) => {
            return Err(input(
                anyhow::Error::new(e).context(format!("SGP4 from {}", path.display())),
            ))
        }
    };
    let name = tle.name().unwrap_or("SPACECRAFT").to_string();
    let id = cospar_id(tle.elements().international_designator.as_deref());
    Ok((state, name, id))
}

/// Event detectors from `--events` items and `--station` definitions.
pub fn build_events(
    items: &[String],
    stations: &[String],
    propagator: &OrbitPropagator,
) -> CliResult<Vec<Box<dyn EventFunction<6>>>> {
    let mut out: Vec<Box<dyn EventFunction<6>>> = Vec::new();
    let earth = propagator.earth.clone();
    let need_earth = |what: &str| {
        earth
            .clone()
            .ok_or_else(|| input_msg(format!("event '{what}' needs the Earth's orientation")))
    };
    let events = EventItem::parse_list(items).map_err(|m| input_msg(format!("--events {m}")))?;
    for e in events {
        match e {
            EventItem::Apsides => out.push(Box::new(Apsis::new(ApsisKind::Both))),
            EventItem::Periapsis => out.push(Box::new(Apsis::new(ApsisKind::Periapsis))),
            EventItem::Apoapsis => out.push(Box::new(Apsis::new(ApsisKind::Apoapsis))),
            EventItem::Nodes => out.push(Box::new(NodeCrossing::new(NodeKind::Either))),
            EventItem::AscendingNode => out.push(Box::new(NodeCrossing::new(NodeKind::Ascending))),
            EventItem::DescendingNode => {
                out.push(Box::new(NodeCrossing::new(NodeKind::Descending)))
            }
            EventItem::Eclipse => {
                out.push(Box::new(Eclipse::new(ShadowBoundary::Penumbra)));
                out.push(Box::new(Eclipse::new(ShadowBoundary::Umbra)));
            }
            EventItem::Penumbra => out.push(Box::new(Eclipse::new(ShadowBoundary::Penumbra))),
            EventItem::Umbra => out.push(Box::new(Eclipse::new(ShadowBoundary::Umbra))),
            EventItem::Altitude { km } => out.push(Box::new(AltitudeCrossing::new(
                km * 1e3,
                need_earth("altitude")?,
            ))),
        }
    }
    for s in stations {
        let st = StationSpec::parse(s).map_err(|m| input_msg(format!("--station {m}")))?;
        let g = Geodetic {
            lat_rad: st.lat_deg.to_radians(),
            lon_rad: st.lon_deg.to_radians(),
            alt_m: st.alt_m,
        };
        out.push(Box::new(StationVisibility::new(
            format!("{} visibility", st.name),
            g,
            st.mask_deg.to_radians(),
            need_earth("station")?,
        )));
    }
    Ok(out)
}

/// Perigee and apogee altitude above WGS-84 (km), inclination (deg) and period (min) of an
/// osculating state; `None` for states without elements (parabolic).
pub fn orbit_figures(s: &OrbitState) -> Option<(f64, f64, f64, f64)> {
    let k = capsim::state::keplerian::Keplerian::from_state(s, capsim::constants::GM_EARTH_M3_S2)
        .ok()?;
    Some((
        k.perigee_altitude_m() / 1e3,
        k.apogee_altitude_m().unwrap_or(f64::INFINITY) / 1e3,
        k.i_rad.to_degrees(),
        k.period_s(capsim::constants::GM_EARTH_M3_S2)
            .unwrap_or(f64::NAN)
            / 60.0,
    ))
}

/// COSPAR designator from the TLE's "98067A" form: "1998-067A" (57–99 → 19xx, else 20xx).
pub fn cospar_id(tle_designator: Option<&str>) -> String {
    match tle_designator.map(str::trim) {
        Some(d) if d.contains('-') => d.to_string(),
        Some(d) if d.is_ascii() && d.len() >= 5 && d[..2].chars().all(|c| c.is_ascii_digit()) => {
            let yy: u32 = d[..2].parse().unwrap_or(0);
            let year = if yy >= 57 { 1900 + yy } else { 2000 + yy };
            format!("{year}-{}", &d[2..])
        }
        _ => "UNKNOWN".into(),
    }
}

/// "EGM2008 20x20, …": the force models of a propagator, for reports and OEM comments.
pub fn forces_label(p: &OrbitPropagator) -> String {
    p.forces
        .iter()
        .map(|f| f.id())
        .collect::<Vec<_>>()
        .join(", ")
}

/// OEM comment lines describing how an ephemeris was made.
pub fn oem_comments(p: &OrbitPropagator) -> Vec<String> {
    vec![
        format!("forces: {}", forces_label(p)),
        format!(
            "integrator: {:?}, rtol {:e}, atol {:e}",
            p.integrator.method, p.integrator.rel_tol, p.integrator.abs_tol
        ),
    ]
}

/// Daily altitude statistics of a result and the decay rate of the semi-major axis (m/day,
/// over days without a manoeuvre); empty when the propagator has no Earth orientation.
pub fn daily_report(
    result: &capsim::dynamics::PropagationResult,
    propagator: &OrbitPropagator,
    step: Duration,
) -> (
    Vec<capsim::dynamics::altitude_report::DailyAltitude>,
    Option<f64>,
) {
    use capsim::dynamics::altitude_report::{daily_altitudes, decay_rate_m_per_day};
    let Some(earth) = &propagator.earth else {
        return (Vec::new(), None);
    };
    // A day counts when at least 90 % of its samples are there.
    let per_day = (86_400.0 / step.to_seconds()).floor() as usize;
    let days = daily_altitudes(&result.samples, earth, per_day * 9 / 10);
    let burns: Vec<Epoch> = result
        .events
        .iter()
        .filter(|e| e.name == "maneuver")
        .map(|e| e.epoch)
        .collect();
    let rate = decay_rate_m_per_day(&days, &burns);
    (days, rate)
}

/// The trajectory cut at impulsive manoeuvres, for OEM segments: each piece after a burn starts
/// with the post-burn state at the burn epoch (the samples hold the pre-burn one).
pub fn burn_free_segments(result: &capsim::dynamics::PropagationResult) -> Vec<Vec<OrbitState>> {
    let burns: Vec<&capsim::dynamics::OrbitEvent> = result
        .events
        .iter()
        .filter(|e| e.name == "maneuver")
        .collect();
    let mut segments = vec![Vec::new()];
    let mut next = 0;
    for s in &result.samples {
        while next < burns.len() && s.epoch > burns[next].epoch {
            segments.push(vec![burns[next].state]);
            next += 1;
        }
        if let Some(seg) = segments.last_mut() {
            seg.push(*s);
        }
    }
    segments.retain(|s| !s.is_empty());
    segments
}
