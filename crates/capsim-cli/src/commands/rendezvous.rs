//! `capsim rendezvous SCENARIO --out DIR`: plans and flies the scenario's `[rendezvous]` —
//! phasing burns solved on the full force model, finite burns, proximity to docking — and writes
//! `burns.csv`, `summary.json`, `relative.csv`, `range.png/.svg` and `lvlh.png/.svg`.
//!
//! Everything is computed before the first file is written, and every file is written
//! atomically, so bad input or a plan that cannot close leaves no partial outputs.

use crate::failure::{input, input_msg, run as run_err, CliResult};
use crate::setup;
use capsim::gnc::rendezvous::{plan_rendezvous, RendezvousError};
use capsim_io::atomic::write_atomic;
use capsim_io::plot::{write_chart, Chart, RefLine, Series, SeriesKind};
use capsim_io::scenario::{OrbitJobSpec, ScenarioSpec};
use capsim_io::timefmt::iso_utc_micro;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario file (TOML) with a [rendezvous] table.
    pub scenario: PathBuf,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Earth-orientation file instead of the shipped table.
    #[arg(long, value_name = "FILE")]
    pub eop: Option<PathBuf>,
}

fn propagator(
    job: &OrbitJobSpec,
    eop: &capsim::frames::eop::EopTable,
    start: capsim::time::Epoch,
    end: capsim::time::Epoch,
) -> CliResult<capsim::dynamics::OrbitPropagator> {
    let env = super::run::orbit_environment(job)?;
    let integrator = setup::integrator_config(&job.integrator, job.rtol, job.atol)?;
    setup::build_propagator(&job.forces, &env, integrator, eop, start, end)
        .map_err(|f| f.context(format!("orbit '{}'", job.id)))
}

/// A planned rendezvous and what the report needs beside it.
pub(crate) struct RendezvousOutcome {
    pub result: capsim::gnc::rendezvous::RendezvousResult,
    pub spec: capsim_io::rendezvous_spec::RendezvousSpec,
    pub compute_s: f64,
}

/// Plans the scenario's `[rendezvous]` (None when it has none).
pub(crate) fn compute(
    spec: &ScenarioSpec,
    scenario_path: &std::path::Path,
    eop: &capsim::frames::eop::EopTable,
) -> CliResult<Option<RendezvousOutcome>> {
    let Some(rdv) = spec.rendezvous.clone() else {
        return Ok(None);
    };
    let find = |id: &str| spec.orbits.iter().find(|o| o.id == id);
    let (Some(cj), Some(tj)) = (find(&rdv.chaser), find(&rdv.target)) else {
        return Err(input_msg("rendezvous: chaser or target orbit not found"));
    };
    let chaser0 = super::run::job_initial_state(spec, cj, eop)?;
    let target0 = super::run::job_initial_state(spec, tj, eop)?;
    let span_end = chaser0.epoch + capsim::time::Duration::from_days(4.0);
    let cp = propagator(cj, eop, chaser0.epoch.min(target0.epoch), span_end)?;
    let tp = propagator(tj, eop, chaser0.epoch.min(target0.epoch), span_end)?;
    let t = std::time::Instant::now();
    let r = plan_rendezvous(&chaser0, &target0, &cp, &tp, &rdv.config).map_err(|e| {
        let here = format!("{}: rendezvous", scenario_path.display());
        match e {
            RendezvousError::Config(_)
            | RendezvousError::CannotClose(_)
            | RendezvousError::BudgetExceeded { .. } => input(anyhow::Error::new(e).context(here)),
            other => run_err(anyhow::Error::new(other).context(here)),
        }
    })?;
    Ok(Some(RendezvousOutcome {
        result: r,
        spec: rdv,
        compute_s: t.elapsed().as_secs_f64(),
    }))
}

pub fn run(a: &Args) -> CliResult<()> {
    let spec = ScenarioSpec::read(&a.scenario).map_err(input)?;
    if spec.rendezvous.is_none() {
        return Err(input_msg(format!(
            "{}: the scenario has no [rendezvous] table (see docs/scenario.md)",
            a.scenario.display()
        )));
    }
    let eop = setup::load_eop(a.eop.as_deref())?;
    let Some(o) = compute(&spec, &a.scenario, &eop)? else {
        return Ok(());
    };
    let published = write_outputs(&a.out, &o)?;
    let r = &o.result;
    crate::say!(
        "{}: docking {} ({}), total Δv {:.1} m/s, propellant {:.1} kg, gate miss {:.2} m / {:.3} m/s; {:.2} s",
        a.scenario.display(),
        iso_utc_micro(r.docking_epoch),
        published
            .map(|d| format!("{d:+.0} s from the published time"))
            .unwrap_or_else(|| "no published time".into()),
        r.total_dv_m_s,
        r.total_propellant_kg,
        r.gate_miss_m,
        r.gate_miss_m_s,
        o.compute_s
    );
    Ok(())
}

/// The charts of a rendezvous: range vs time, LVLH after the gate, final approach close-up,
/// whole rendezvous in LVLH.
pub(crate) fn charts(r: &capsim::gnc::rendezvous::RendezvousResult) -> [(Chart, &'static str); 4] {
    let h = |e: capsim::time::Epoch| (e - r.insertion_epoch).to_seconds() / 3600.0;
    let mut range = Chart::new("Range to the target", "hours after insertion", "range (km)").with(
        Series::line(
            "range",
            r.relative
                .iter()
                .map(|s| (h(s.epoch), s.range_m / 1e3))
                .collect(),
        ),
    );
    for b in r.burns.iter().take(5) {
        range.ref_lines.push(RefLine {
            label: b.name.clone(),
            vertical: true,
            value: h(b.epoch),
        });
    }
    let pts = |f: &dyn Fn(&capsim::gnc::rendezvous::RelativeSample) -> bool| -> Vec<(f64, f64)> {
        r.relative
            .iter()
            .filter(|s| f(s))
            .map(|s| (s.rho_m[0] / 1e3, -s.rho_m[2] / 1e3))
            .collect()
    };
    let mut lvlh = Chart::new(
        "Chaser in the target LVLH frame (V-bar / R-bar)",
        "V-bar x (km)",
        "altitude −z (km)",
    )
    .with(Series::line(
        "after the gate",
        pts(&|s| s.epoch >= r.gate_epoch),
    ));
    lvlh.equal_aspect = true;
    let close = Chart {
        title: "Final approach (close-up)".into(),
        x_label: "V-bar x (m)".into(),
        y_label: "altitude −z (m)".into(),
        ..Chart::new("", "", "")
    }
    .with(
        Series::line(
            "final approach",
            r.relative
                .iter()
                .filter(|s| s.epoch >= r.gate_epoch && s.range_m < 500.0)
                .map(|s| (s.rho_m[0], -s.rho_m[2]))
                .collect(),
        )
        .kind(SeriesKind::Line { width_px: 2 }),
    );
    let close = Chart {
        equal_aspect: true,
        ..close
    };
    let far = Chart::new(
        "Chaser in the target LVLH frame, whole rendezvous",
        "V-bar x (km)",
        "altitude −z (km)",
    )
    .with(Series::line("insertion → docking", pts(&|_| true)));

    [
        (range, "range"),
        (lvlh, "lvlh"),
        (close, "lvlh-close"),
        (far, "lvlh-all"),
    ]
}

/// burns.csv, relative.csv, summary.json and the charts; returns docking − published (s).
pub(crate) fn write_outputs(
    out: &std::path::Path,
    o: &RendezvousOutcome,
) -> CliResult<Option<f64>> {
    let r = &o.result;
    let rdv = &o.spec;
    let elapsed = o.compute_s;
    // Render everything in memory first.
    let mut burns_csv = String::from(
        "epoch_utc,name,dv_x_m_s,dv_y_m_s,dv_z_m_s,dv_m_s,duration_s,propellant_kg,mass_before_kg\n",
    );
    for b in &r.burns {
        burns_csv.push_str(&format!(
            "{},{},{:.6},{:.6},{:.6},{:.6},{:.3},{:.4},{:.3}\n",
            iso_utc_micro(b.epoch),
            b.name.replace(',', ";"),
            b.dv_lvlh_m_s[0],
            b.dv_lvlh_m_s[1],
            b.dv_lvlh_m_s[2],
            b.dv_m_s,
            b.duration_s,
            b.propellant_kg,
            b.mass_before_kg
        ));
    }
    let mut rel_csv =
        String::from("t_s,epoch_utc,range_m,range_rate_m_s,x_m,y_m,z_m,vx_m_s,vy_m_s,vz_m_s\n");
    for s in &r.relative {
        rel_csv.push_str(&format!(
            "{:.3},{},{:.3},{:.6},{:.3},{:.3},{:.3},{:.6},{:.6},{:.6}\n",
            (s.epoch - r.insertion_epoch).to_seconds(),
            iso_utc_micro(s.epoch),
            s.range_m,
            s.range_rate_m_s,
            s.rho_m[0],
            s.rho_m[1],
            s.rho_m[2],
            s.rho_dot_m_s[0],
            s.rho_dot_m_s[1],
            s.rho_dot_m_s[2]
        ));
    }
    let published = rdv
        .published_docking
        .map(|p| (r.docking_epoch - p).to_seconds());
    let js = |x: &str| format!("\"{}\"", x.replace('\\', "\\\\").replace('"', "\\\""));
    let jn = |x: f64| {
        if x.is_finite() {
            format!("{x}")
        } else {
            "null".into()
        }
    };
    let fields: Vec<(&str, String)> = vec![
        ("profile", js(&r.profile)),
        ("insertion_utc", js(&iso_utc_micro(r.insertion_epoch))),
        ("initial_phase_deg", jn(r.initial_phase_rad.to_degrees())),
        ("phasing_radius_km", jn(r.phasing_radius_m / 1e3)),
        ("gate_utc", js(&iso_utc_micro(r.gate_epoch))),
        ("docking_utc", js(&iso_utc_micro(r.docking_epoch))),
        (
            "published_docking_utc",
            rdv.published_docking
                .map(|e| js(&iso_utc_micro(e)))
                .unwrap_or_else(|| "null".into()),
        ),
        (
            "docking_minus_published_s",
            published.map(jn).unwrap_or_else(|| "null".into()),
        ),
        ("total_dv_m_s", jn(r.total_dv_m_s)),
        (
            "published_total_dv",
            rdv.published_total_dv
                .as_deref()
                .map(js)
                .unwrap_or_else(|| "null".into()),
        ),
        ("total_propellant_kg", jn(r.total_propellant_kg)),
        ("final_mass_kg", jn(r.final_mass_kg)),
        ("gate_miss_m", jn(r.gate_miss_m)),
        ("gate_miss_m_s", jn(r.gate_miss_m_s)),
        ("gate_miss_impulsive_m", jn(r.gate_miss_impulsive_m)),
        ("gate_miss_impulsive_m_s", jn(r.gate_miss_impulsive_m_s)),
        (
            "gate_miss_finite_uncorrected_m",
            jn(r.gate_miss_finite_uncorrected_m),
        ),
        (
            "gate_miss_finite_uncorrected_m_s",
            jn(r.gate_miss_finite_uncorrected_m_s),
        ),
        ("contact_speed_m_s", jn(r.proximity.contact_speed_m_s)),
        ("contact_lateral_m", jn(r.proximity.contact_lateral_m)),
        (
            "cw_prediction_error_m",
            jn(r.proximity.cw_prediction_error_m),
        ),
        ("hold_arrival_miss_m", jn(r.proximity.hold_arrival_miss_m)),
        ("newton_iterations", r.iterations.to_string()),
        ("propagations", r.propagations.to_string()),
        ("compute_s", jn(elapsed)),
    ];
    let summary = format!(
        "{{\n{}\n}}\n",
        fields
            .iter()
            .map(|(k, v)| format!("  \"{k}\": {v}"))
            .collect::<Vec<_>>()
            .join(",\n")
    );
    std::fs::create_dir_all(out).map_err(|e| {
        run_err(anyhow::Error::new(e).context(format!("creating {}", out.display())))
    })?;
    let w = |name: &str, body: &str| -> CliResult<()> {
        write_atomic(&out.join(name), |f| f.write_all(body.as_bytes()))
            .map_err(|e| run_err(anyhow::Error::new(e).context(format!("writing {name}"))))
    };
    w("burns.csv", &burns_csv)?;
    w("relative.csv", &rel_csv)?;
    w("summary.json", &summary)?;
    for (chart, stem) in charts(r) {
        write_chart(&chart, &out.join(stem)).map_err(run_err)?;
    }
    Ok(published)
}
