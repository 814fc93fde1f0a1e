//! `capsim propagate`: one orbit, one force set, OEM/CSV out, events printed.

use crate::failure::{input_msg, run as run_err, CliResult};
use crate::setup;
use capsim::dynamics::{ForceSpec, OrbitEvent, PropagationResult};
use capsim::propagate::EventFunction;
use capsim::state::cartesian::OrbitState;
use capsim_io::atomic::write_atomic;
use capsim_io::oem::OemMeta;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("initial").required(true).args(["tle", "omm", "state"])))]
pub struct Args {
    /// Two- or three-line element file; SGP4 gives the initial state (TEME → GCRF).
    #[arg(long, value_name = "FILE")]
    pub tle: Option<PathBuf>,
    /// OMM in CelesTrak's JSON layout (one object or an array); SGP4 as for --tle.
    #[arg(long, value_name = "FILE")]
    pub omm: Option<PathBuf>,
    /// State file (TOML): epoch and a [cartesian] or [keplerian] table.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Start epoch for a TLE or OMM (default: its epoch), e.g. "2007-10-10T13:31:28 UTC".
    #[arg(long, value_name = "EPOCH")]
    pub start: Option<String>,
    /// How long to propagate, a hifitime duration: "1 day", "90 min", "192 days".
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub duration: String,
    /// Force models, comma-separated: one of two-body | j2 | zonal:N (N ≤ 6) | gravity:NxM
    /// (EGM2008, N ≤ 90), plus any of drag:nrlmsise00|us76|exponential, sun, moon, srp.
    #[arg(long, default_value = "gravity:20x20")]
    pub forces: String,
    /// Output sampling step for OEM/CSV.
    #[arg(
        long,
        default_value = "60 s",
        value_name = "DURATION",
        allow_hyphen_values = true
    )]
    pub step: String,
    /// Write a CCSDS OEM (KVN) here.
    #[arg(long, value_name = "FILE")]
    pub oem: Option<PathBuf>,
    /// Write a CSV (epoch_utc, x_m, …, vz_m_s; GCRF) here.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Events to find (comma-separated, repeatable): apsides, periapsis, apoapsis, nodes,
    /// ascending-node, descending-node, eclipse, penumbra, umbra, altitude:KM.
    #[arg(long, value_name = "LIST")]
    pub events: Vec<String>,
    /// Ground station for visibility events: NAME,LAT_DEG,LON_DEG[,ALT_M[,MASK_DEG]] (repeatable).
    #[arg(long, value_name = "STATION")]
    pub station: Vec<String>,
    /// Integrator: dop853 | dp54 | rk4:STEP.
    #[arg(long, default_value = "dop853")]
    pub integrator: String,
    /// Relative tolerance (adaptive integrators).
    #[arg(long)]
    pub rtol: Option<f64>,
    /// Absolute tolerance (adaptive integrators), in the state's units (m, m/s).
    #[arg(long)]
    pub atol: Option<f64>,
    #[command(flatten)]
    pub force: super::force_args::ForceArgs,
    /// Write the daily altitude statistics (CSV) here; the decay rate is printed.
    #[arg(long, value_name = "FILE")]
    pub daily: Option<PathBuf>,
    /// Earth-orientation file (IERS finals2000A or EOP 20 C04) instead of the shipped 2006-12..2010-01 table.
    #[arg(long, value_name = "FILE")]
    pub eop: Option<PathBuf>,
}

pub fn run(a: &Args) -> CliResult<()> {
    let duration = setup::parse_duration("--duration", &a.duration)?;
    let step = setup::parse_duration("--step", &a.step)?;
    setup::check_sample_count("--step", duration, step)?;
    let forces =
        ForceSpec::parse_list(&a.forces).map_err(|m| input_msg(format!("--forces {m}")))?;
    let integrator = setup::integrator_config(&a.integrator, a.rtol, a.atol)?;
    let eop = setup::load_eop(a.eop.as_deref())?;
    let start = match &a.start {
        Some(s) => Some(
            capsim_io::timefmt::parse_epoch(s).map_err(|m| input_msg(format!("--start {m}")))?,
        ),
        None => None,
    };
    let (initial, name, id) = match (&a.tle, &a.omm, &a.state) {
        (Some(t), None, None) => setup::state_from_tle(t, start, &eop)?,
        (None, Some(o), None) => setup::state_from_omm(o, start, &eop)?,
        (None, None, Some(s)) => {
            if start.is_some() {
                return Err(input_msg(
                    "--start applies to --tle and --omm only; a state file carries its own epoch",
                ));
            }
            setup::state_from_file(s, &eop)?
        }
        _ => {
            return Err(input_msg(
                "give exactly one of --tle FILE, --omm FILE or --state FILE",
            ))
        }
    };
    let end = initial.epoch + duration;
    let env = a.force.environment()?;
    let maneuvers = a.force.maneuvers()?;
    let propagator = setup::build_propagator(&forces, &env, integrator, &eop, initial.epoch, end)?;
    let mut detectors = setup::build_events(&a.events, &a.station, &propagator)?;
    let mut refs: Vec<&mut dyn EventFunction<6>> = detectors
        .iter_mut()
        .map(|d| d.as_mut() as &mut dyn EventFunction<6>)
        .collect();

    let clock = Instant::now();
    let result = propagator
        .propagate_with_maneuvers(&initial, end, Some(step), &mut refs, &maneuvers)
        .map_err(run_err)?;
    let elapsed = clock.elapsed();

    let mut comments = setup::oem_comments(&propagator);
    comments.push(format!(
        "initial state from {}",
        a.tle
            .as_ref()
            .or(a.omm.as_ref())
            .or(a.state.as_ref())
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    ));
    if let Some(p) = &a.oem {
        let meta = OemMeta {
            object_name: name.clone(),
            object_id: id.clone(),
            originator: "capsim".into(),
            comments,
        };
        write_atomic(p, |w| {
            let segs = setup::burn_free_segments(&result);
            let refs: Vec<&[OrbitState]> = segs.iter().map(|v| v.as_slice()).collect();
            capsim_io::oem::write_oem_segments(w, &meta, &refs)
        })
        .map_err(|e| run_err(anyhow::Error::new(e).context(format!("writing {}", p.display()))))?;
    }
    if let Some(p) = &a.csv {
        write_atomic(p, |w| {
            capsim_io::csv::write_trajectory_csv(w, &result.samples)
        })
        .map_err(|e| run_err(anyhow::Error::new(e).context(format!("writing {}", p.display()))))?;
    }
    let (days, rate) = setup::daily_report(&result, &propagator, step);
    if let Some(p) = &a.daily {
        write_atomic(p, |w| capsim_io::csv::write_daily_altitudes_csv(w, &days)).map_err(|e| {
            run_err(anyhow::Error::new(e).context(format!("writing {}", p.display())))
        })?;
    }
    print_report(&name, &initial, &result, elapsed.as_secs_f64(), &propagator);
    if let Some(r) = rate {
        crate::say!(
            "decay       {:+.1} m/day in mean semi-major axis over {} full days without manoeuvres",
            r,
            days.len()
        );
    }
    Ok(())
}

fn print_report(
    name: &str,
    initial: &OrbitState,
    result: &PropagationResult,
    elapsed_s: f64,
    propagator: &capsim::dynamics::OrbitPropagator,
) {
    let fin = &result.final_state;
    crate::say!("object      {name}");
    crate::say!(
        "start       {}",
        capsim_io::timefmt::iso_utc_micro(initial.epoch)
    );
    crate::say!(
        "end         {}",
        capsim_io::timefmt::iso_utc_micro(fin.epoch)
    );
    for (label, s) in [("initial", initial), ("final", fin)] {
        if let Some((hp, ha, inc, period)) = setup::orbit_figures(s) {
            crate::say!(
                "{label:<11} perigee {hp:.3} km, apogee {ha:.3} km (above WGS-84), i {inc:.4} deg, period {period:.3} min"
            );
        }
    }
    crate::say!("forces      {}", setup::forces_label(propagator));
    crate::say!(
        "integration {} steps accepted, {} rejected, {} force evaluations, {:.3} s wall",
        result.stats.accepted,
        result.stats.rejected,
        result.force_evaluations,
        elapsed_s
    );
    if !result.events.is_empty() {
        crate::say!("events ({}):", result.events.len());
        crate::say!("  {:<28} {:<26} {:>12}", "epoch_utc", "event", "radius_km");
        for e in &result.events {
            print_event(e);
        }
    }
}

fn print_event(e: &OrbitEvent) {
    let kind = event_label(e);
    crate::say!(
        "  {:<28} {:<26} {:>12.3}",
        capsim_io::timefmt::iso_utc_micro(e.epoch),
        kind,
        e.state.r.norm() / 1e3
    );
}

/// Human label: the detector name plus the crossing sense.
pub fn event_label(e: &OrbitEvent) -> String {
    let up = e.increasing;
    match e.name.as_str() {
        "apsis" => (if up { "periapsis" } else { "apoapsis" }).to_string(),
        "node" => (if up {
            "ascending node"
        } else {
            "descending node"
        })
        .to_string(),
        "periapsis" | "apoapsis" => e.name.clone(),
        "ascending_node" => "ascending node".to_string(),
        "descending_node" => "descending node".to_string(),
        "penumbra" | "umbra" => format!("{} {}", e.name, if up { "exit" } else { "entry" }),
        n if n.ends_with("visibility") => {
            format!(
                "{} {}",
                n.trim_end_matches(" visibility"),
                if up { "rise" } else { "set" }
            )
        }
        n => format!("{n} {}", if up { "up" } else { "down" }),
    }
}
