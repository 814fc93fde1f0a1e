//! `capsim entry`: one descent from a scenario's `[entry]` table, deorbit burn to touchdown (or a
//! point-mass check case), with its time history, events, summary and plots.

use crate::failure::{input, input_msg, run as run_err, CliResult};
use crate::setup;
use capsim::entry::{simulate_entry, EntryInitialState, EntryResult};
use capsim::frames::eop::EopTable;
use capsim::state::cartesian::OrbitState;
use capsim_io::entry_output::{self as out, Comparison, Track};
use capsim_io::entry_spec::{DescentMode, EntrySpec, EntryStart};
use capsim_io::scenario::ScenarioSpec;
use hifitime::Epoch;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario file (TOML) with an [entry] table.
    pub scenario: PathBuf,
    /// Output folder (default: the scenario's output_dir + "/entry").
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Descent mode: guided (nominal controlled descent) or ballistic (the backup); default: the
    /// scenario's `entry.mode`.
    #[arg(long, value_name = "MODE", value_parser = ["guided", "ballistic"])]
    pub mode: Option<String>,
    /// Earth-orientation file instead of the shipped table.
    #[arg(long, value_name = "FILE")]
    pub eop: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

/// The state of scenario orbit `id` at `epoch`, propagated with that orbit's force model and
/// manoeuvres.
pub(crate) fn orbit_state_at(
    spec: &ScenarioSpec,
    id: &str,
    epoch: Epoch,
    eop: &EopTable,
) -> CliResult<OrbitState> {
    let jobs = super::run::build(spec, eop)?;
    let job = jobs
        .iter()
        .find(|j| j.spec.id == id)
        .ok_or_else(|| input_msg(format!("{}: no orbit '{id}'", spec.path.display())))?;
    if epoch < job.initial.epoch || epoch > job.end {
        return Err(input_msg(format!(
            "{}: entry.start_utc {} is outside orbit '{id}' ({} to {})",
            spec.path.display(),
            capsim_io::timefmt::iso_utc_micro(epoch),
            capsim_io::timefmt::iso_utc_micro(job.initial.epoch),
            capsim_io::timefmt::iso_utc_micro(job.end)
        )));
    }
    if epoch == job.initial.epoch {
        return Ok(job.initial);
    }
    let maneuvers = super::run::impulses(&job.spec, None, Some(epoch));
    let r = job
        .propagator
        .propagate_with_maneuvers(&job.initial, epoch, None, &mut [], &maneuvers)
        .map_err(|e| run_err(anyhow::Error::new(e).context(format!("orbit '{id}'"))))?;
    Ok(r.final_state)
}

/// The entry's initial state (from an orbit of the scenario, or geodetic), and the time shift
/// applied along the orbit when the scenario asks to rephase it to the target (s).
pub(crate) fn initial_state(
    spec: &ScenarioSpec,
    entry: &EntrySpec,
    eop: &EopTable,
) -> CliResult<(EntryInitialState, Option<f64>)> {
    initial_state_with(spec, entry, eop, &|id, epoch| {
        orbit_state_at(spec, id, epoch, eop)
    })
}

/// As [`initial_state`], with the station's state at an epoch given by `state_at` (so that
/// `capsim run` can take it from the propagation it has already made).
pub(crate) fn initial_state_with(
    spec: &ScenarioSpec,
    entry: &EntrySpec,
    eop: &EopTable,
    state_at: &dyn Fn(&str, Epoch) -> CliResult<OrbitState>,
) -> CliResult<(EntryInitialState, Option<f64>)> {
    match &entry.start {
        EntryStart::Geodetic { .. } => entry
            .geodetic_initial_state()
            .map(|x| (x, None))
            .ok_or_else(|| input_msg("entry: no geodetic start")),
        EntryStart::FromOrbit {
            orbit,
            epoch,
            rephase_to_target,
        } => {
            let s = state_at(orbit, *epoch)?;
            let ev = eop.at(*epoch).map_err(|e| {
                input(anyhow::Error::new(e).context(format!(
                    "{}: entry.start_utc; {}",
                    spec.path.display(),
                    setup::EOP_HINT
                )))
            })?;
            let rot = capsim::frames::earth_orientation::gcrf_to_itrf(*epoch, &ev);
            let at = |dt_s: f64| -> CliResult<EntryInitialState> {
                let shifted = capsim::state::keplerian::propagate_two_body(
                    &s,
                    dt_s,
                    capsim::constants::GM_EARTH_M3_S2,
                )
                .map_err(|e| run_err(anyhow::Error::new(e).context("rephasing the station")))?;
                let moved = OrbitState {
                    epoch: *epoch,
                    ..shifted
                };
                Ok(EntryInitialState::from_orbit_state(
                    &moved,
                    &rot,
                    entry.earth.omega_rad_s,
                    entry.mass_kg,
                ))
            };
            if !rephase_to_target {
                return Ok((at(0.0)?, None));
            }
            let dt = rephase(entry, &s, &at)?;
            Ok((at(dt)?, Some(dt)))
        }
    }
}

/// The time shift along the orbit, within one period, for which the reference descent lands
/// closest to the target: a 20 s scan, then golden-section refinement to 0.05 s.
fn rephase(
    entry: &EntrySpec,
    s: &OrbitState,
    at: &dyn Fn(f64) -> CliResult<EntryInitialState>,
) -> CliResult<f64> {
    let (tlat, tlon) = entry
        .target
        .ok_or_else(|| input_msg("rephase_to_target needs a target"))?;
    let cfg = entry.config(DescentMode::Guided);
    let opts = entry.options(false);
    let miss = |dt: f64| -> CliResult<f64> {
        let x0 = at(dt)?;
        let mut law = entry.reference_law().map_err(input_msg)?;
        Ok(match simulate_entry(&cfg, &x0, law.as_mut(), &opts) {
            Ok(r) => r.summary.touchdown.map_or(f64::INFINITY, |td| {
                capsim::entry::distance_bearing(tlat, tlon, td.lat_deg, td.lon_deg).0
            }),
            Err(_) => f64::INFINITY,
        })
    };
    let r = s.r.raw().norm();
    let period_s = std::f64::consts::TAU * (r * r * r / capsim::constants::GM_EARTH_M3_S2).sqrt();
    let step = 20.0;
    let n = (period_s / step).ceil() as i64;
    let mut best = (f64::INFINITY, 0.0);
    for k in -(n / 2)..=(n / 2) {
        let dt = k as f64 * step;
        let m = miss(dt)?;
        if m < best.0 {
            best = (m, dt);
        }
    }
    if !best.0.is_finite() {
        return Err(run_err(anyhow::anyhow!(
            "rephase_to_target: no descent from any point of the orbit reached the ground"
        )));
    }
    let (mut a, mut b) = (best.1 - step, best.1 + step);
    let g = 0.5 * (5f64.sqrt() - 1.0);
    let (mut c, mut d) = (b - g * (b - a), a + g * (b - a));
    let (mut fc, mut fd) = (miss(c)?, miss(d)?);
    while b - a > 0.05 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = miss(c)?;
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = miss(d)?;
        }
    }
    Ok(0.5 * (a + b))
}

/// Flies one mode.
pub(crate) fn fly(
    entry: &EntrySpec,
    x0: &EntryInitialState,
    mode: DescentMode,
    record_history: bool,
) -> CliResult<EntryResult> {
    let cfg = entry.config(mode);
    let mut law = entry.bank_law(mode).map_err(input_msg)?;
    simulate_entry(&cfg, x0, law.as_mut(), &entry.options(record_history)).map_err(|e| {
        run_err(anyhow::Error::new(e).context(format!("entry ({} mode)", mode.name())))
    })
}

pub(crate) fn comparison(entry: &EntrySpec) -> Comparison {
    Comparison {
        target: entry.target,
        published_landing: entry
            .published
            .landing_lat_deg
            .zip(entry.published.landing_lon_deg),
    }
}

pub fn run(a: &Args) -> CliResult<()> {
    let spec = ScenarioSpec::read(&a.scenario).map_err(input)?;
    let entry = spec.entry.as_ref().ok_or_else(|| {
        input_msg(format!(
            "{}: the scenario has no [entry] table",
            a.scenario.display()
        ))
    })?;
    let mode = match &a.mode {
        Some(m) => DescentMode::parse(m).ok_or_else(|| input_msg(format!("unknown mode {m}")))?,
        None => entry.default_mode,
    };
    if mode == DescentMode::Ballistic && entry.ballistic.is_none() {
        return Err(input_msg(format!(
            "{}: --mode ballistic needs an [entry.ballistic] table",
            a.scenario.display()
        )));
    }
    let eop = setup::load_eop(a.eop.as_deref())?;
    let (x0, rephase_s) = initial_state(&spec, entry, &eop)?;
    if let (Some(dt), false) = (rephase_s, a.quiet) {
        crate::say!(
            "station rephased along its orbit by {dt:+.1} s so the scheduled burn aims at the target"
        );
    }
    let clock = std::time::Instant::now();
    let res = fly(entry, &x0, mode, true)?;
    let wall = clock.elapsed().as_secs_f64();
    let dir = a
        .out
        .clone()
        .unwrap_or_else(|| spec.output_dir.join("entry"));
    write_entry_outputs(&dir, entry, mode, &res)?;
    if !a.quiet {
        let s = &res.summary;
        crate::say!(
            "{} descent: {} steps, {:.3} s of computation",
            mode.name(),
            s.steps_accepted,
            wall
        );
        crate::say!(
            "  peak load {:.2} g, peak heat flux {:.0} kW/m², heat load {:.1} MJ/m²",
            s.peak_g,
            s.peak_heat_flux_w_m2 / 1e3,
            s.heat_load_j_m2 / 1e6
        );
        if let Some(td) = &s.touchdown {
            crate::say!(
                "  touchdown {:.4}°N {:.4}°E at {:.1} m/s",
                td.lat_deg,
                td.lon_deg,
                td.speed_m_s
            );
            if let Some((lat, lon)) = entry.target {
                let (d, az) = capsim::entry::distance_bearing(lat, lon, td.lat_deg, td.lon_deg);
                crate::say!("  {:.1} km from the target, bearing {:.0}°", d / 1e3, az);
            }
        }
        crate::say!("wrote {}", dir.display());
    }
    Ok(())
}

/// history.csv, events.json, summary.json and the plots of one descent.
pub(crate) fn write_entry_outputs(
    dir: &Path,
    entry: &EntrySpec,
    mode: DescentMode,
    res: &EntryResult,
) -> CliResult<()> {
    let t0 = entry.start_epoch();
    let werr = |p: &Path| {
        let p = p.display().to_string();
        move |e: std::io::Error| run_err(anyhow::Error::new(e).context(format!("writing {p}")))
    };
    let p = dir.join("history.csv");
    capsim_io::atomic::write_atomic(&p, |w| out::write_history_csv(w, t0, &res.history))
        .map_err(werr(&p))?;
    let p = dir.join("events.json");
    out::write_json(&p, &out::events_json(t0, &res.events)).map_err(werr(&p))?;
    let p = dir.join("summary.json");
    out::write_json(
        &p,
        &out::summary_json(mode.name(), t0, res, &comparison(entry)),
    )
    .map_err(werr(&p))?;
    let t_ref = res
        .events
        .iter()
        .find(|e| e.kind == capsim::entry::EntryEventKind::DeorbitStart)
        .map_or(0.0, |e| e.t_s);
    let label = if t_ref > 0.0 {
        "time since deorbit-burn ignition (min)"
    } else {
        "time (min)"
    };
    let mut marks = Vec::new();
    if let Some((lat, lon)) = entry.target {
        marks.push(("target".to_string(), lat, lon));
    }
    if let (Some(lat), Some(lon)) = (
        entry.published.landing_lat_deg,
        entry.published.landing_lon_deg,
    ) {
        marks.push(("published landing".to_string(), lat, lon));
    }
    out::write_entry_plots(
        dir,
        "",
        &[Track {
            label: mode.name(),
            rows: &res.history,
        }],
        t_ref,
        label,
        &marks,
    )
    .map_err(|e| run_err(anyhow::Error::new(e)))?;
    Ok(())
}
