//! `capsim run` and `capsim check`: scenario files.
//!
//! `run` executes every `[[orbit]]` of the scenario in order and writes, in the output folder,
//! `<id>.oem`, `<id>.csv`, `<id>-events.csv`, and `summary.md` (per-orbit figures, and the
//! scenario's `[[compare]]` rows: published value beside simulated value); then the mission
//! report and its exports (`report.html`, plots, `summary.json`, events, KML/GeoJSON, CZML),
//! built in the child module [`report`].

mod report;

use super::propagate::event_label;
use crate::failure::{input, run as run_err, CliResult};
use crate::setup;
use capsim::dynamics::PropagationResult;
use capsim::propagate::EventFunction;
use capsim::state::cartesian::OrbitState;
use capsim_io::atomic::write_atomic;
use capsim_io::oem::OemMeta;
use capsim_io::scenario::{EndSpec, InitialSpec, OrbitJobSpec, ScenarioSpec};
use capsim_io::timefmt::iso_utc_micro;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Output folder (default: the scenario's output_dir, else out/<name>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Earth-orientation file (IERS finals2000A or EOP 20 C04) instead of the shipped table.
    #[arg(long, value_name = "FILE")]
    pub eop: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Earth-orientation file, as for `run`.
    #[arg(long, value_name = "FILE")]
    pub eop: Option<PathBuf>,
}

/// One orbit job, built and ready to run.
pub(crate) struct BuiltJob {
    pub(crate) spec: OrbitJobSpec,
    pub(crate) initial: OrbitState,
    pub(crate) end: capsim::time::Epoch,
    pub(crate) propagator: capsim::dynamics::OrbitPropagator,
    detectors: Vec<Box<dyn EventFunction<6>>>,
}

/// The initial state of an orbit job (its TLE propagated by SGP4 to the start, or its state
/// table), in GCRF.
pub(crate) fn job_initial_state(
    spec: &ScenarioSpec,
    job: &OrbitJobSpec,
    eop: &capsim::frames::eop::EopTable,
) -> CliResult<OrbitState> {
    match &job.initial {
        InitialSpec::Tle {
            text,
            first_line,
            start,
        } => {
            let tle = capsim_io::tle_file::parse_tle_text_at(&spec.path, text, *first_line)
                .map_err(input)?;
            let at = start.unwrap_or_else(|| tle.epoch());
            capsim_io::tle_file::tle_state_gcrf(&tle, at, eop).map_err(|e| {
                let hint = match e {
                    capsim_io::tle_file::TleStateError::Eop(_) => {
                        format!("; {}", setup::EOP_HINT)
                    }
                    _ => String::new(),
                };
                input(anyhow::anyhow!(
                    "{}: orbit '{}': {e}{hint}",
                    spec.path.display(),
                    job.id
                ))
            })
        }
        InitialSpec::State { epoch, kind } => {
            let state_spec = capsim_io::state_file::StateSpec {
                path: spec.path.clone(),
                text: spec.text.clone(),
                name: None,
                object_id: None,
                epoch: *epoch,
                kind: (**kind).clone(),
            };
            setup::state_from_spec(&state_spec, eop)
        }
    }
}

pub(crate) fn build(
    spec: &ScenarioSpec,
    eop: &capsim::frames::eop::EopTable,
) -> CliResult<Vec<BuiltJob>> {
    let mut jobs = Vec::new();
    for job in &spec.orbits {
        let initial = job_initial_state(spec, job, eop)?;
        let end = match job.end {
            EndSpec::Epoch(e) => e,
            EndSpec::After(d) => initial.epoch + d,
        };
        if end <= initial.epoch {
            return Err(input(anyhow::anyhow!(
                "{}: orbit '{}': end {} is not after the start {}",
                spec.path.display(),
                job.id,
                iso_utc_micro(end),
                iso_utc_micro(initial.epoch)
            )));
        }
        let here = || format!("{}: orbit '{}'", spec.path.display(), job.id);
        setup::check_sample_count("output_step", end - initial.epoch, job.output_step)
            .map_err(|f| f.context(here()))?;
        let integrator = setup::integrator_config(&job.integrator, job.rtol, job.atol)
            .map_err(|f| f.context(here()))?;
        let env = orbit_environment(job)?;
        let propagator =
            setup::build_propagator(&job.forces, &env, integrator, eop, initial.epoch, end)
                .map_err(|f| f.context(here()))?;
        let detectors = setup::build_events(&job.events, &job.stations, &propagator)
            .map_err(|f| f.context(here()))?;
        jobs.push(BuiltJob {
            spec: job.clone(),
            initial,
            end,
            propagator,
            detectors,
        });
    }
    Ok(jobs)
}

/// The job's manoeuvres with epochs in `(after, before)` (all when both are None), as impulses.
pub(crate) fn impulses(
    job: &OrbitJobSpec,
    after: Option<capsim::time::Epoch>,
    before: Option<capsim::time::Epoch>,
) -> Vec<capsim::dynamics::maneuvers::ImpulsiveManeuver> {
    job.maneuvers
        .iter()
        .filter(|m| after.is_none_or(|a| m.epoch > a) && before.is_none_or(|b| m.epoch < b))
        .map(|m| capsim::dynamics::maneuvers::ImpulsiveManeuver {
            epoch: m.epoch,
            dv_vnb_m_s: m.dv_vnb_m_s,
        })
        .collect()
}

/// Vehicle, space weather and density sampling of one orbit job.
pub(crate) fn orbit_environment(job: &OrbitJobSpec) -> CliResult<setup::ForceEnvironment> {
    use capsim::dynamics::drag::{DensitySampling, SpaceWeatherProvider};
    use capsim::env::space_weather::SpaceWeatherSource;
    use capsim_io::scenario::SpaceWeatherSpec;
    let space_weather: std::sync::Arc<dyn SpaceWeatherProvider> = match &job.space_weather {
        SpaceWeatherSpec::Shipped => std::sync::Arc::new(SpaceWeatherSource::shipped()),
        SpaceWeatherSpec::File(p) => {
            std::sync::Arc::new(SpaceWeatherSource::Table(std::sync::Arc::new(
                capsim_io::space_weather_file::read_space_weather_file(p).map_err(input)?,
            )))
        }
    };
    let density_sampling = match job.density_step_s {
        None => DensitySampling::Anchored {
            spacing_s: setup::DEFAULT_DENSITY_SPACING_S,
        },
        Some(0.0) => DensitySampling::EveryEvaluation,
        Some(x) => DensitySampling::Anchored { spacing_s: x },
    };
    Ok(setup::ForceEnvironment {
        vehicle: job.vehicle,
        space_weather: Some(space_weather),
        density_sampling,
    })
}

pub fn check(a: &CheckArgs) -> CliResult<()> {
    let spec = ScenarioSpec::read(&a.scenario).map_err(input)?;
    let eop = setup::load_eop(a.eop.as_deref())?;
    let jobs = build(&spec, &eop)?;
    crate::say!(
        "{}: ok — {} orbit propagation(s)",
        a.scenario.display(),
        jobs.len()
    );
    for j in &jobs {
        crate::say!(
            "  {:<20} {} → {}  forces {}",
            j.spec.id,
            iso_utc_micro(j.initial.epoch),
            iso_utc_micro(j.end),
            j.spec.forces_text
        );
    }
    if let Some(r) = &spec.rendezvous {
        crate::say!(
            "  rendezvous           {} → {} ({})",
            r.chaser,
            r.target,
            r.config.profile
        );
    }
    if let Some(e) = &spec.entry {
        crate::say!(
            "  entry                from {}, modes: {}",
            iso_utc_micro(e.start_epoch()),
            e.modes
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(m) = &spec.mc {
        crate::say!(
            "  monte-carlo          model {}, {} dispersion(s) (run with `capsim mc`)",
            m.model.name(),
            spec.dispersions.len()
        );
    }
    Ok(())
}

pub fn run(a: &Args) -> CliResult<()> {
    let run_clock = Instant::now();
    let spec = ScenarioSpec::read(&a.scenario).map_err(input)?;
    let eop = setup::load_eop(a.eop.as_deref())?;
    let mut jobs = build(&spec, &eop)?;
    let out = a.out.clone().unwrap_or_else(|| spec.output_dir.clone());
    std::fs::create_dir_all(&out).map_err(|e| {
        run_err(anyhow::Error::new(e).context(format!("creating {}", out.display())))
    })?;

    let mut summary = String::new();
    let _ = writeln!(
        summary,
        "# {}\n",
        if spec.title.is_empty() {
            &spec.name
        } else {
            &spec.title
        }
    );
    if !spec.description.is_empty() {
        let _ = writeln!(summary, "{}\n", spec.description.trim());
    }
    let _ = writeln!(
        summary,
        "Scenario `{}`, run by capsim {}.\n",
        a.scenario.display(),
        env!("CARGO_PKG_VERSION")
    );
    let mut results = Vec::new();
    let mut reports = Vec::new();
    // A spinner naming the phase being computed (stderr; hidden with --quiet or when stderr
    // is not a terminal), so the long station propagation does not look like a hang.
    let spinner = if a.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::new_spinner();
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    };
    for job in jobs.iter_mut() {
        spinner.set_message(format!("propagating {} …", job.spec.id));
        let clock = Instant::now();
        let mut refs: Vec<&mut dyn EventFunction<6>> = job
            .detectors
            .iter_mut()
            .map(|d| d.as_mut() as &mut dyn EventFunction<6>)
            .collect();
        let maneuvers = impulses(&job.spec, None, None);
        let result = job
            .propagator
            .propagate_with_maneuvers(
                &job.initial,
                job.end,
                Some(job.spec.output_step),
                &mut refs,
                &maneuvers,
            )
            .map_err(|e| {
                run_err(anyhow::Error::new(e).context(format!("orbit '{}'", job.spec.id)))
            })?;
        let wall_s = clock.elapsed().as_secs_f64();
        write_outputs(&out, job, &result)?;
        let (days, rate) = setup::daily_report(&result, &job.propagator, job.spec.output_step);
        reports.push((days.clone(), rate));
        if days.len() >= 2 {
            let p = out.join(format!("{}-daily.csv", job.spec.id));
            write_atomic(&p, |w| capsim_io::csv::write_daily_altitudes_csv(w, &days)).map_err(
                |e| run_err(anyhow::Error::new(e).context(format!("writing {}", p.display()))),
            )?;
        }
        append_summary(&mut summary, job, &result, wall_s, rate, &days);
        if !a.quiet {
            crate::say!(
                "{:<20} {} steps, {} force evaluations, {} events, {:.2} s",
                job.spec.id,
                result.stats.accepted,
                result.force_evaluations,
                result.events.len(),
                wall_s
            );
        }
        results.push(result);
    }
    let mut report_rephase = None;
    let compare_rows = comparison_rows(&spec, &jobs, &results, &reports);
    if !compare_rows.is_empty() {
        append_comparisons(&mut summary, &compare_rows);
    }
    let path = out.join("summary.md");
    write_atomic(&path, |w| w.write_all(summary.as_bytes())).map_err(|e| {
        run_err(anyhow::Error::new(e).context(format!("writing {}", path.display())))
    })?;
    // Rendezvous (insertion to docking) and the descents (undocking to touchdown).
    spinner.set_message("planning the rendezvous …");
    let rendezvous = super::rendezvous::compute(&spec, &a.scenario, &eop)?;
    if let Some(o) = &rendezvous {
        super::rendezvous::write_outputs(&out.join("rendezvous"), o)?;
        if !a.quiet {
            crate::say!(
                "{:<20} docking {}, Δv {:.1} m/s, {:.2} s",
                "rendezvous",
                iso_utc_micro(o.result.docking_epoch),
                o.result.total_dv_m_s,
                o.compute_s
            );
        }
    }
    let mut descents = Vec::new();
    if let Some(entry) = &spec.entry {
        let state_at = |id: &str, epoch: capsim::time::Epoch| -> CliResult<OrbitState> {
            station_state_at(&jobs, &results, id, epoch)
        };
        let (x0, rephase_s) = super::entry::initial_state_with(&spec, entry, &eop, &state_at)?;
        for mode in &entry.modes {
            spinner.set_message(format!("flying the {} descent …", mode.name()));
            let clock = Instant::now();
            let res = super::entry::fly(entry, &x0, *mode, true)?;
            super::entry::write_entry_outputs(
                &out.join(format!("entry-{}", mode.name())),
                entry,
                *mode,
                &res,
            )?;
            if !a.quiet {
                crate::say!(
                    "{:<20} {} steps, peak {:.2} g, {:.3} s",
                    format!("entry ({})", mode.name()),
                    res.summary.steps_accepted,
                    res.summary.peak_g,
                    clock.elapsed().as_secs_f64()
                );
            }
            descents.push(report::Descent {
                mode: *mode,
                result: res,
            });
        }
        if let (Some(dt), false) = (rephase_s, a.quiet) {
            crate::say!(
                "{:<20} station moved {dt:+.1} s along its orbit so the scheduled burn aims at the target",
                "entry"
            );
        }
        report_rephase = rephase_s;
    }
    spinner.set_message("writing the report …");
    let report_clock = Instant::now();
    report::write_report(&report::RunData {
        rendezvous: rendezvous.as_ref(),
        descents: &descents,
        rephase_s: report_rephase,
        out: &out,
        scenario_path: &a.scenario,
        spec: &spec,
        jobs: &jobs,
        results: &results,
        reports: &reports,
        compare: &compare_rows,
        eop: &eop,
        run_wall_s: run_clock.elapsed().as_secs_f64(),
    })?;
    spinner.finish_and_clear();
    if !a.quiet {
        crate::say!(
            "report: {} ({:.2} s)",
            out.join("report.html").display(),
            report_clock.elapsed().as_secs_f64()
        );
        crate::say!("wrote {}", out.display());
    }
    Ok(())
}

/// The state of orbit job `id` at `epoch`, from its propagation: the last output sample before
/// `epoch`, propagated the rest of the way with the job's force model and manoeuvres.
fn station_state_at(
    jobs: &[BuiltJob],
    results: &[PropagationResult],
    id: &str,
    epoch: capsim::time::Epoch,
) -> CliResult<OrbitState> {
    let i = jobs
        .iter()
        .position(|j| j.spec.id == id)
        .ok_or_else(|| crate::failure::input_msg(format!("no orbit '{id}'")))?;
    let (job, res) = (&jobs[i], &results[i]);
    let from = res
        .samples
        .iter()
        .rev()
        .find(|s| s.epoch <= epoch)
        .copied()
        .unwrap_or(job.initial);
    if from.epoch == epoch {
        return Ok(from);
    }
    let maneuvers = impulses(&job.spec, Some(from.epoch), Some(epoch));
    let r = job
        .propagator
        .propagate_with_maneuvers(&from, epoch, None, &mut [], &maneuvers)
        .map_err(|e| run_err(anyhow::Error::new(e).context(format!("orbit '{id}'"))))?;
    Ok(r.final_state)
}

fn write_outputs(
    out: &std::path::Path,
    job: &BuiltJob,
    result: &PropagationResult,
) -> CliResult<()> {
    let wrap = |p: &std::path::Path, e: std::io::Error| {
        run_err(anyhow::Error::new(e).context(format!("writing {}", p.display())))
    };
    let meta = OemMeta {
        object_name: job.spec.object_name.clone(),
        object_id: job.spec.object_id.clone(),
        originator: "capsim".into(),
        comments: setup::oem_comments(&job.propagator),
    };
    let p = out.join(format!("{}.oem", job.spec.id));
    write_atomic(&p, |w| {
        let segs = setup::burn_free_segments(result);
        let refs: Vec<&[OrbitState]> = segs.iter().map(|v| v.as_slice()).collect();
        capsim_io::oem::write_oem_segments(w, &meta, &refs)
    })
    .map_err(|e| wrap(&p, e))?;
    let p = out.join(format!("{}.csv", job.spec.id));
    write_atomic(&p, |w| {
        capsim_io::csv::write_trajectory_csv(w, &result.samples)
    })
    .map_err(|e| wrap(&p, e))?;
    let p = out.join(format!("{}-events.csv", job.spec.id));
    write_atomic(&p, |w| {
        writeln!(w, "epoch_utc,event,x_m,y_m,z_m,radius_km")?;
        for e in &result.events {
            let r = e.state.r.raw();
            writeln!(
                w,
                "{},{},{:.3},{:.3},{:.3},{:.3}",
                iso_utc_micro(e.epoch),
                event_label(e),
                r.x,
                r.y,
                r.z,
                e.state.r.norm() / 1e3
            )?;
        }
        Ok(())
    })
    .map_err(|e| wrap(&p, e))?;
    Ok(())
}

fn elements_line(s: &OrbitState) -> String {
    match setup::orbit_figures(s) {
        Some((hp, ha, inc, period)) => format!(
            "perigee {hp:.1} km, apogee {ha:.1} km (above WGS-84), i = {inc:.3}°, period {period:.2} min"
        ),
        None => "(no osculating elements)".into(),
    }
}

pub(crate) fn revolutions(result: &PropagationResult) -> usize {
    result
        .events
        .iter()
        .filter(|e| (e.name == "node" && e.increasing) || e.name == "ascending_node")
        .count()
}

/// Daily altitude table and decay rate of one orbit.
pub(crate) type DailyReport = (
    Vec<capsim::dynamics::altitude_report::DailyAltitude>,
    Option<f64>,
);

/// One `[[compare]]` row evaluated on the results.
pub(crate) struct CompareRow {
    pub label: String,
    pub published: String,
    pub simulated: String,
    pub note: String,
    pub orbit: String,
}

fn comparison_rows(
    spec: &ScenarioSpec,
    jobs: &[BuiltJob],
    results: &[PropagationResult],
    reports: &[DailyReport],
) -> Vec<CompareRow> {
    use capsim_io::scenario::CompareQuantity as Q;
    let mut rows = Vec::new();
    for c in &spec.compare {
        let Some(i) = jobs.iter().position(|j| j.spec.id == c.orbit) else {
            continue;
        };
        let (job, result) = (&jobs[i], &results[i]);
        let figures = setup::orbit_figures(&job.initial);
        let simulated = match c.quantity {
            Q::Revolutions => format!("{}", revolutions(result)),
            Q::DurationDays => format!(
                "{:.3} d",
                (result.final_state.epoch - job.initial.epoch).to_seconds() / 86_400.0
            ),
            Q::InitialPeriodMin => figures.map_or("—".into(), |f| format!("{:.2} min", f.3)),
            Q::InitialPerigeeKm => figures.map_or("—".into(), |f| format!("{:.1} km", f.0)),
            Q::InitialApogeeKm => figures.map_or("—".into(), |f| format!("{:.1} km", f.1)),
            Q::PerigeeApogeeOnDateKm => reports[i]
                .0
                .iter()
                .find(|d| Some(d.day_start) == c.date)
                .map_or("— (date not simulated)".into(), |d| {
                    format!(
                        "{:.1} × {:.1} km (mean {:.1})",
                        d.mean_perigee_alt_m / 1e3,
                        d.mean_apogee_alt_m / 1e3,
                        0.5 * (d.mean_perigee_alt_m + d.mean_apogee_alt_m) / 1e3
                    )
                }),
            Q::DecayRateMPerDay => reports[i]
                .1
                .map_or("—".into(), |r| format!("{r:+.0} m/day")),
        };
        rows.push(CompareRow {
            label: c.label.clone(),
            published: c.published.clone(),
            simulated,
            note: c.note.clone(),
            orbit: c.orbit.clone(),
        });
    }
    rows
}

fn append_comparisons(summary: &mut String, rows: &[CompareRow]) {
    let _ = writeln!(summary, "## Published figures beside simulated ones\n");
    let _ = writeln!(
        summary,
        "| item | published | simulated | note |\n|---|---|---|---|"
    );
    for c in rows {
        let _ = writeln!(
            summary,
            "| {} | {} | {} | {} |",
            c.label, c.published, c.simulated, c.note
        );
    }
    let _ = writeln!(summary);
}

fn append_summary(
    summary: &mut String,
    job: &BuiltJob,
    result: &PropagationResult,
    wall_s: f64,
    decay_m_per_day: Option<f64>,
    days: &[capsim::dynamics::altitude_report::DailyAltitude],
) {
    let s = &job.spec;
    let _ = writeln!(
        summary,
        "## {} — {} ({})\n",
        s.id, s.object_name, s.object_id
    );
    let _ = writeln!(summary, "| item | value |\n|---|---|");
    let _ = writeln!(
        summary,
        "| start | {} UTC |",
        iso_utc_micro(job.initial.epoch)
    );
    let _ = writeln!(
        summary,
        "| end | {} UTC |",
        iso_utc_micro(result.final_state.epoch)
    );
    let span_days = (result.final_state.epoch - job.initial.epoch).to_seconds() / 86_400.0;
    let _ = writeln!(summary, "| span | {span_days:.3} days |");
    let _ = writeln!(
        summary,
        "| initial orbit | {} |",
        elements_line(&job.initial)
    );
    let _ = writeln!(
        summary,
        "| final orbit | {} |",
        elements_line(&result.final_state)
    );
    let ascending = revolutions(result);
    if ascending > 0 {
        let _ = writeln!(
            summary,
            "| ascending-node crossings (revolutions) | {ascending} |"
        );
    }
    let _ = writeln!(
        summary,
        "| forces | {} |",
        setup::forces_label(&job.propagator)
    );
    let _ = writeln!(
        summary,
        "| integration | {:?}, rtol {:e}; {} steps, {} force evaluations, {:.2} s wall |",
        job.propagator.integrator.method,
        job.propagator.integrator.rel_tol,
        result.stats.accepted,
        result.force_evaluations,
        wall_s
    );
    let burns = result
        .events
        .iter()
        .filter(|e| e.name == "maneuver")
        .count();
    if burns > 0 {
        let _ = writeln!(
            summary,
            "| manoeuvres | {burns} impulsive burns (scenario schedule) |"
        );
    }
    if let (true, Some(first), Some(last)) = (days.len() >= 2, days.first(), days.last()) {
        let _ = writeln!(
            summary,
            "| daily mean height above WGS-84 | {:.2} km on {} → {:.2} km on {} (see `{}-daily.csv`) |",
            first.mean_height_m / 1e3,
            capsim_io::timefmt::iso_utc_micro(first.day_start).get(..10).unwrap_or(""),
            last.mean_height_m / 1e3,
            capsim_io::timefmt::iso_utc_micro(last.day_start).get(..10).unwrap_or(""),
            s.id
        );
    }
    if let Some(r) = decay_m_per_day {
        let _ = writeln!(
            summary,
            "| decay of the mean semi-major axis | {r:+.1} m/day (days without manoeuvres) |"
        );
    }
    let _ = writeln!(
        summary,
        "| events found | {} (see `{}-events.csv`) |\n",
        result.events.len(),
        s.id
    );
}
