//! `capsim mc` and `capsim mc-merge`: Monte-Carlo landing footprints (docs/mc.md).
//!
//! The command wires the pieces together: the scenario's `[mc]` table and `[[dispersion]]`s
//! (`capsim_io::mc_spec`, `capsim_io::dispersions`), one sample function built by
//! [`sample_function`] (the single place where a model is chosen — add a model there), the
//! runner (`capsim_io::mc_run`), and the outputs (`capsim_io::mc_outputs`). Sample *i* draws
//! from `capsim::mc::rng::sample_rng(seed, i)` only, so results do not depend on threads or
//! shards. Ctrl-C stops after the current chunk, leaving a valid `samples.csv` to `--resume`.
//! Exit codes: 0 all samples succeeded, 1 the campaign finished with failed samples (they are
//! in the CSV and the summary) or was interrupted, 2 bad input.

use crate::failure::{input, input_msg, run as run_err, CliResult, Failure};
use capsim::mc::footprint::LocalPlane;
use capsim::mc::rng::sample_rng;
use capsim_io::dispersions::{nominal_tree, DispersionSet, Tree};
use capsim_io::mc_outputs::write_outputs;
use capsim_io::mc_run::{
    merge, run_campaign, scenario_hash, summarize, Campaign, Fingerprint, McRunError, SampleRow,
    Shard, Summary,
};
use capsim_io::mc_spec::{GaussianFootprint, McModel, McSpec};
use capsim_io::scenario::ScenarioSpec;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario file with an [mc] table and [[dispersion]] tables.
    pub scenario: PathBuf,
    /// Entry model: fly every sample in this descent mode (overrides entry.mode and its
    /// dispersion).
    #[arg(long, value_name = "MODE", value_parser = ["guided", "ballistic"])]
    pub mode: Option<String>,
    /// Number of samples of the whole campaign (all shards); default [mc] samples.
    #[arg(long)]
    pub samples: Option<u64>,
    /// Campaign seed; sample i uses ChaCha8 stream i of this seed. Default [mc] seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run slice K (0-based) of N contiguous slices, e.g. 0/4; combine with `capsim mc-merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Continue an interrupted run in --out (same scenario, seed, samples and shard).
    #[arg(long)]
    pub resume: bool,
    /// No progress bar (it is also hidden when stderr is not a terminal).
    #[arg(long)]
    pub quiet: bool,
    /// Output folder (samples.csv, summary.json, footprint.*, g_load_hist.*).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// Shard folders written by `capsim mc --shard K/N`, in any order.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Folder for the merged campaign.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

static STOP: AtomicBool = AtomicBool::new(false);

/// The sample function of a campaign: dispersions applied to the nominal scenario tree, then
/// the model. **Add a model here** (and its name in `McModel`).
pub fn sample_function<'a>(
    spec: &McSpec,
    dispersions: &'a DispersionSet,
    tree: Tree,
    seed: u64,
    entry: Option<&'a EntryContext>,
) -> impl Fn(u64) -> SampleRow + Sync + 'a {
    let plane = LocalPlane::new(spec.target_lat_deg, spec.target_lon_deg);
    let model = spec.model;
    move |i| {
        let mut t = tree.clone();
        dispersions.apply(&mut sample_rng(seed, i), &mut t);
        let result = match (model, entry) {
            (McModel::GaussianFootprint, _) => {
                GaussianFootprint::from_tree(&t).and_then(|m| m.evaluate(&plane))
            }
            (McModel::Entry, Some(ctx)) => entry_sample(ctx, &t),
            (McModel::Entry, None) => Err("the scenario has no [entry] table".into()),
        };
        SampleRow::from_result(i, result, &plane)
    }
}

/// What every entry sample shares: the nominal start state (the station at undocking,
/// rephased as the scenario asks — the plan, not a dispersed quantity) and the orbit ids.
pub struct EntryContext {
    pub path: std::path::PathBuf,
    pub x0: capsim::entry::EntryInitialState,
    pub orbit_ids: Vec<String>,
    /// The nominal [entry]: what the guidance knows (its predictor flies the nominal
    /// aerodynamics and atmosphere, not the sample's dispersed ones).
    pub nominal: capsim_io::entry_spec::EntrySpec,
    /// Fly every sample in this mode.
    pub mode: Option<capsim_io::entry_spec::DescentMode>,
    /// Samples start this long after the `[entry]` start, from `x0` (the nominal trajectory
    /// shortly before the burn, see [`shared_coast`]); 0 when every sample flies from the start.
    pub shift_s: f64,
}

/// The coast from the `[entry]` start (undocking) to `lead_s` before the nominal deorbit
/// ignition, flown once with the nominal model: `(state at its end, its duration)`, or None
/// when there is nothing to share (no burn, a burn within `lead_s` of the start, or an event
/// — a separation, a chute — before the end of the shared arc).
///
/// Why: the coast is ~2.6 h (1.7 orbits) of the flagship's ~3.4 h descent and ~40 % of a
/// sample's integration steps, while what is dispersed acts from the burn on (ignition time,
/// Δv, pointing, mass, aerodynamics, density, winds, chutes). Dispersions of the stack's drag
/// during the coast are dropped by sharing it; docs/mc.md gives the landing-point difference
/// this makes (measured against full runs).
fn shared_coast(
    nominal: &capsim_io::entry_spec::EntrySpec,
    mode: capsim_io::entry_spec::DescentMode,
    x0: &capsim::entry::EntryInitialState,
    lead_s: f64,
) -> Result<Option<(capsim::entry::EntryInitialState, f64)>, String> {
    let Some(burn) = &nominal.deorbit else {
        return Ok(None);
    };
    let t1 = burn.ignition_t_s - lead_s;
    if t1 <= 0.0 {
        return Ok(None);
    }
    let cfg = nominal.config(mode);
    let mut law = nominal.bank_law(mode)?;
    let mut opts = nominal.options(false);
    opts.end_time_s = Some(t1);
    let r = capsim::entry::simulate_entry(&cfg, x0, law.as_mut(), &opts)
        .map_err(|e| format!("shared coast to {t1:.1} s: {e}"))?;
    use capsim::entry::EntryEventKind as K;
    // Peaks of the coast (micro-g) are recorded as events too; anything else ends sharing.
    let happened = r
        .events
        .iter()
        .any(|e| !matches!(e.kind, K::PeakG | K::PeakHeatFlux | K::PeakDynamicPressure));
    if happened || (r.summary.final_t_s - t1).abs() > 1e-6 {
        return Ok(None);
    }
    Ok(Some((
        capsim::entry::EntryInitialState {
            r_ecef_m: r.final_r_ecef_m.into(),
            v_ecef_m_s: r.final_v_ecef_m_s.into(),
            mass_kg: r.summary.final_mass_kg,
            epoch_tt_s: x0.epoch_tt_s + t1,
        },
        t1,
    )))
}

/// One descent from a dispersed scenario tree.
fn entry_sample(ctx: &EntryContext, t: &Tree) -> Result<capsim_io::mc_spec::ModelOutput, String> {
    use capsim::entry::simulate_entry;
    use capsim_io::entry_spec::{EntrySpec, GuidedLaw};
    let v = t.get("entry").ok_or("no [entry] table")?;
    let mut e = EntrySpec::from_entry_value(&ctx.path, v, &ctx.orbit_ids)?;
    if ctx.shift_s > 0.0 {
        e = e.shifted_start(ctx.shift_s)?;
    }
    let mode = ctx.mode.unwrap_or(e.default_mode);
    let mut x0 = ctx.x0;
    x0.mass_kg = e.mass_kg;
    let cfg = e.config(mode);
    // The guidance's knowledge is the nominal model; only its navigation error is the sample's.
    let mut guidance = ctx.nominal.clone();
    guidance.guided = match (&ctx.nominal.guided, &e.guided) {
        (
            GuidedLaw::PredictorCorrector { .. },
            GuidedLaw::PredictorCorrector {
                nav_position_bias_enu_m: p,
                nav_velocity_bias_enu_m_s: v,
                ..
            },
        ) => {
            let mut g = ctx.nominal.guided.clone();
            if let GuidedLaw::PredictorCorrector {
                nav_position_bias_enu_m,
                nav_velocity_bias_enu_m_s,
                ..
            } = &mut g
            {
                *nav_position_bias_enu_m = *p;
                *nav_velocity_bias_enu_m_s = *v;
            }
            g
        }
        _ => e.guided.clone(),
    };
    let mut law = guidance.bank_law(mode)?;
    let mut opts = e.options(false);
    // The run's time limit counts from the [entry] start, like the shifted times.
    opts.max_time_s -= ctx.shift_s;
    let r = simulate_entry(&cfg, &x0, law.as_mut(), &opts).map_err(|err| err.to_string())?;
    let s = &r.summary;
    let td = s.touchdown.ok_or("no touchdown")?;
    let burn = r
        .events
        .iter()
        .find(|ev| ev.kind == capsim::entry::EntryEventKind::DeorbitStart)
        .map_or(0.0, |ev| ev.t_s);
    Ok(capsim_io::mc_spec::ModelOutput {
        mode: mode.name().to_string(),
        landing_lat_deg: td.lat_deg,
        landing_lon_deg: td.lon_deg,
        peak_g: s.peak_g,
        peak_heat_flux_w_m2: s.peak_heat_flux_w_m2,
        heat_load_j_m2: s.heat_load_j_m2,
        flight_time_s: td.t_s - burn,
        touchdown_speed_m_s: td.speed_m_s,
    })
}

fn mc_err(e: McRunError) -> Failure {
    match e {
        McRunError::Usage(m) => input_msg(m),
        e @ McRunError::Io { .. } => run_err(e),
    }
}

fn load(path: &Path) -> CliResult<(ScenarioSpec, McSpec)> {
    let spec = ScenarioSpec::read(path).map_err(input)?;
    let mc = spec.mc.clone().ok_or_else(|| {
        input_msg(format!(
            "{}: the scenario has no [mc] table (see docs/mc.md)",
            path.display()
        ))
    })?;
    Ok((spec, mc))
}

fn report(s: &Summary, dir: &Path) {
    crate::say!(
        "samples: {} ok, {} failed (of {})",
        s.ok,
        s.total - s.ok,
        s.total
    );
    for (reason, n) in &s.failures_by_reason {
        crate::say!("  failed: {n} × {reason}");
    }
    for (mode, n) in &s.counts_by_mode {
        crate::say!("  mode {mode}: {n}");
    }
    if s.ok > 0 {
        crate::say!(
            "mean landing point: {:.4}° N, {:.4}° E ({:+.2} km east, {:+.2} km north of the target)",
            s.mean_lat_deg,
            s.mean_lon_deg,
            s.mean_en_km[0],
            s.mean_en_km[1]
        );
        for e in &s.ellipses {
            crate::say!(
                "  {:>4.0} % ellipse: {:.2} × {:.2} km (semi-axes), major axis azimuth {:.1}°",
                e.probability * 100.0,
                e.semi_major_km,
                e.semi_minor_km,
                e.azimuth_deg
            );
        }
        if s.by_mode.len() > 1 {
            for m in &s.by_mode {
                let e90: Vec<String> = m
                    .ellipses
                    .iter()
                    .map(|e| {
                        format!(
                            "{:.0} %: {:.2} × {:.2} km az {:.1}°",
                            e.probability * 100.0,
                            e.semi_major_km,
                            e.semi_minor_km,
                            e.azimuth_deg
                        )
                    })
                    .collect();
                crate::say!(
                    "  mode {}: mean {:+.2} km east, {:+.2} km north; {}",
                    m.mode,
                    m.mean_en_km[0],
                    m.mean_en_km[1],
                    e90.join("; ")
                );
            }
        }
        crate::say!(
            "CEP: {:.2} km about the mean, {:.2} km about the target",
            s.cep_about_mean_km,
            s.cep_about_target_km
        );
        if let Some(x) = s.fraction_outside_zone {
            crate::say!("outside the landing zone: {:.3} %", 100.0 * x);
        }
        if let Some((_, g)) = s.quantities.iter().find(|(n, _)| *n == "peak_g") {
            let p: Vec<String> = g
                .quantiles
                .iter()
                .map(|q| format!("p{:.0} {:.2}", q.p() * 100.0, q.estimate()))
                .collect();
            crate::say!("peak g: {}", p.join(", "));
        }
    }
    crate::say!("outputs in {}", dir.display());
}

fn finish(s: &Summary) -> CliResult<()> {
    if s.ok < s.total {
        return Err(Failure::Run(anyhow::anyhow!(
            "{} of {} samples failed (listed in samples.csv and summary.json)",
            s.total - s.ok,
            s.total
        )));
    }
    Ok(())
}

pub fn run(a: &Args) -> CliResult<()> {
    let (spec, mc) = load(&a.scenario)?;
    let samples = a
        .samples
        .or(mc.samples)
        .ok_or_else(|| input_msg("give --samples N (or samples = N in the [mc] table)"))?;
    if samples == 0 {
        return Err(input_msg("--samples must be at least 1"));
    }
    let seed = a
        .seed
        .or(mc.seed)
        .ok_or_else(|| input_msg("give --seed S (or seed = S in the [mc] table)"))?;
    let shard = match &a.shard {
        Some(s) => Shard::parse(s).map_err(input_msg)?,
        None => Shard::WHOLE,
    };
    if a.threads == Some(0) {
        return Err(input_msg("--threads must be at least 1"));
    }
    let tree = nominal_tree(&spec.text).map_err(input_msg)?;
    let fingerprint = Fingerprint {
        scenario_hash: scenario_hash(&spec.text),
        model: match &a.mode {
            Some(m) => format!("{}:{m}", mc.model.name()),
            None => mc.model.name().to_string(),
        },
        seed,
        samples,
        shard,
    };
    let campaign = Campaign {
        out_dir: a.out.clone(),
        scenario_text: spec.text.clone(),
        fingerprint: fingerprint.clone(),
        chunk_size: mc.chunk_size,
        threads: a.threads,
        resume: a.resume,
    };
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
    let bar = if a.quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} samples  {per_sec}  ETA {eta}",
        ) {
            b.set_style(style);
        }
        b
    };
    let entry_ctx = match (mc.model, &spec.entry) {
        (McModel::Entry, Some(entry)) => {
            let eop = crate::setup::load_eop(None)?;
            let (x0, _) = super::entry::initial_state(&spec, entry, &eop)?;
            let mode = a
                .mode
                .as_deref()
                .and_then(capsim_io::entry_spec::DescentMode::parse);
            let shared = match mc.start_before_burn_s {
                Some(lead) => shared_coast(entry, mode.unwrap_or(entry.default_mode), &x0, lead)
                    .map_err(|m| input_msg(format!("{}: [entry]: {m}", a.scenario.display())))?,
                None => None,
            };
            let (x0, shift_s, nominal) = match shared {
                Some((x1, t1)) => (
                    x1,
                    t1,
                    entry.shifted_start(t1).map_err(|m| {
                        input_msg(format!("{}: [entry]: {m}", a.scenario.display()))
                    })?,
                ),
                None => (x0, 0.0, entry.clone()),
            };
            if shift_s > 0.0 {
                crate::say!(
                    "entry: the coast from {} is flown once; every sample starts {:.0} s before the nominal deorbit burn ([mc] start_before_burn_s)",
                    capsim_io::timefmt::iso_utc_micro(entry.start_epoch()),
                    mc.start_before_burn_s.unwrap_or_default()
                );
            }
            Some(EntryContext {
                path: a.scenario.clone(),
                x0,
                orbit_ids: spec.orbits.iter().map(|o| o.id.clone()).collect(),
                nominal,
                mode,
                shift_s,
            })
        }
        (McModel::Entry, None) => {
            return Err(input_msg(format!(
                "{}: mc.model = \"entry\" needs an [entry] table",
                a.scenario.display()
            )))
        }
        _ => None,
    };
    let sample = sample_function(&mc, &spec.dispersions, tree, seed, entry_ctx.as_ref());
    let outcome = run_campaign(
        &campaign,
        sample,
        &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
        &STOP,
    )
    .map_err(mc_err)?;
    bar.finish_and_clear();
    if outcome.interrupted {
        return Err(Failure::Run(anyhow::anyhow!(
            "interrupted: {} of {} samples of this run are in {}; continue with --resume",
            outcome.rows,
            outcome.end - outcome.first,
            a.out.join("samples.csv").display()
        )));
    }
    let summary = summarize(&a.out.join("samples.csv"), &mc).map_err(mc_err)?;
    write_outputs(&a.out, &summary, &mc, &fingerprint, &spec.name).map_err(mc_err)?;
    report(&summary, &a.out);
    finish(&summary)
}

pub fn merge_run(a: &MergeArgs) -> CliResult<()> {
    let (fp, scenario) = merge(&a.shards, &a.out).map_err(mc_err)?;
    let path = a.out.join("scenario.toml");
    let spec = ScenarioSpec::from_text(&path, &scenario).map_err(input)?;
    let mc = spec
        .mc
        .clone()
        .ok_or_else(|| input_msg(format!("{}: no [mc] table", path.display())))?;
    let summary = summarize(&a.out.join("samples.csv"), &mc).map_err(mc_err)?;
    write_outputs(&a.out, &summary, &mc, &fp, &spec.name).map_err(mc_err)?;
    report(&summary, &a.out);
    finish(&summary)
}
