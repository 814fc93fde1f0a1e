//! Outputs of an entry run: the time history (CSV), the summary and events (JSON), the plots.
//!
//! One module so that `capsim entry`, `capsim run` (the mission report) and the Monte-Carlo
//! runner describe a descent with the same names and units. Column names carry units
//! (`alt_m`, `speed_m_s`); latitude/longitude are geodetic on the run's Earth model; times are
//! seconds since the start of the run plus UTC stamps where a reader needs them.

use crate::plot::{Chart, PlotError, Series};
use capsim::entry::{EntryEvent, EntryEventKind, EntryResult, HistoryRow};
use hifitime::{Duration, Epoch};
use serde_json::{json, Map, Value};
use std::io::{self, Write};
use std::path::Path;

/// The history columns, in order.
pub const HISTORY_COLUMNS: &[&str] = &[
    "t_s",
    "utc",
    "phase",
    "lat_deg",
    "lon_deg",
    "alt_m",
    "speed_m_s",
    "inertial_speed_m_s",
    "flight_path_angle_deg",
    "heading_deg",
    "mach",
    "q_pa",
    "g_load",
    "heat_flux_w_m2",
    "heat_load_j_m2",
    "bank_deg",
    "mass_kg",
    "density_kg_m3",
];

fn utc(t0: Epoch, t_s: f64) -> String {
    crate::timefmt::iso_utc_micro(t0 + Duration::from_seconds(t_s))
}

/// Writes the history as CSV (header row, one row per sample).
pub fn write_history_csv(w: &mut dyn Write, t0: Epoch, rows: &[HistoryRow]) -> io::Result<()> {
    writeln!(w, "{}", HISTORY_COLUMNS.join(","))?;
    for r in rows {
        writeln!(
            w,
            "{:.3},{},{},{:.7},{:.7},{:.3},{:.4},{:.4},{:.5},{:.4},{:.4},{:.3},{:.5},{:.2},{:.1},{:.3},{:.3},{:.6e}",
            r.t_s,
            utc(t0, r.t_s),
            r.phase.name(),
            r.lat_deg,
            r.lon_deg,
            r.alt_m,
            r.speed_m_s,
            r.inertial_speed_m_s,
            r.flight_path_angle_deg,
            r.heading_deg,
            r.mach,
            r.q_pa,
            r.g_load,
            r.heat_flux_w_m2,
            r.heat_load_j_m2,
            r.bank_deg,
            r.mass_kg,
            r.density_kg_m3
        )?;
    }
    Ok(())
}

/// A short machine name for an event kind.
pub fn event_name(k: &EntryEventKind) -> &'static str {
    match k {
        EntryEventKind::DeorbitStart => "deorbit_start",
        EntryEventKind::DeorbitEnd => "deorbit_end",
        EntryEventKind::Separation => "separation",
        EntryEventKind::SeparationFault => "separation_fault",
        EntryEventKind::EntryInterface => "entry_interface",
        EntryEventKind::EntryInterface400kft => "entry_interface_400kft",
        EntryEventKind::PeakG => "peak_g",
        EntryEventKind::PeakHeatFlux => "peak_heat_flux",
        EntryEventKind::PeakDynamicPressure => "peak_dynamic_pressure",
        EntryEventKind::ChuteDeploy => "chute_deploy",
        EntryEventKind::SoftLandingIgnition => "soft_landing_ignition",
        EntryEventKind::Touchdown => "touchdown",
    }
}

/// The events as a JSON array.
pub fn events_json(t0: Epoch, events: &[EntryEvent]) -> Value {
    Value::Array(
        events
            .iter()
            .map(|e| {
                json!({
                    "event": event_name(&e.kind),
                    "name": e.name,
                    "t_s": e.t_s,
                    "utc": utc(t0, e.t_s),
                    "lat_deg": e.lat_deg,
                    "lon_deg": e.lon_deg,
                    "alt_m": e.alt_m,
                    "speed_m_s": e.speed_m_s,
                    "value": if e.value.is_finite() { json!(e.value) } else { Value::Null },
                })
            })
            .collect(),
    )
}

/// Landing figures relative to a target and to a published landing point.
#[derive(Clone, Copy, Debug, Default)]
pub struct Comparison {
    pub target: Option<(f64, f64)>,
    pub published_landing: Option<(f64, f64)>,
}

/// The summary object of one descent.
pub fn summary_json(mode: &str, t0: Epoch, res: &EntryResult, cmp: &Comparison) -> Value {
    let s = &res.summary;
    let mut m = Map::new();
    m.insert("mode".into(), json!(mode));
    m.insert("start_utc".into(), json!(utc(t0, 0.0)));
    let find = |k: EntryEventKind| res.events.iter().find(|e| e.kind == k);
    let burn_start = find(EntryEventKind::DeorbitStart).map(|e| e.t_s);
    if let Some(t) = burn_start {
        m.insert("deorbit_start_utc".into(), json!(utc(t0, t)));
    }
    if let Some(t) = s.deorbit_end_t_s {
        m.insert("deorbit_end_utc".into(), json!(utc(t0, t)));
    }
    if let Some(e) = find(EntryEventKind::Separation) {
        m.insert("separation_utc".into(), json!(utc(t0, e.t_s)));
        m.insert("separation_alt_km".into(), json!(e.alt_m / 1000.0));
    }
    if let Some(t) = s.entry_interface_t_s {
        m.insert("entry_interface_utc".into(), json!(utc(t0, t)));
    }
    m.insert("peak_g".into(), json!(s.peak_g));
    m.insert("peak_parachute_g".into(), json!(s.peak_parachute_g));
    m.insert("peak_g_utc".into(), json!(utc(t0, s.peak_g_t_s)));
    if let Some(e) = find(EntryEventKind::PeakG) {
        m.insert("peak_g_alt_km".into(), json!(e.alt_m / 1000.0));
    }
    m.insert("peak_heat_flux_w_m2".into(), json!(s.peak_heat_flux_w_m2));
    m.insert(
        "peak_heat_flux_utc".into(),
        json!(utc(t0, s.peak_heat_flux_t_s)),
    );
    m.insert("heat_load_j_m2".into(), json!(s.heat_load_j_m2));
    m.insert("peak_q_pa".into(), json!(s.peak_q_pa));
    m.insert("max_mach".into(), json!(s.max_mach));
    if let Some(td) = &s.touchdown {
        m.insert("landing_utc".into(), json!(utc(t0, td.t_s)));
        m.insert("landing_lat_deg".into(), json!(td.lat_deg));
        m.insert("landing_lon_deg".into(), json!(td.lon_deg));
        m.insert("touchdown_speed_m_s".into(), json!(td.speed_m_s));
        if let Some(b) = burn_start {
            m.insert("burn_to_touchdown_s".into(), json!(td.t_s - b));
        }
        if let Some((lat, lon)) = cmp.target {
            let (d, az) = capsim::entry::distance_bearing(lat, lon, td.lat_deg, td.lon_deg);
            m.insert("target_lat_deg".into(), json!(lat));
            m.insert("target_lon_deg".into(), json!(lon));
            m.insert("miss_km".into(), json!(d / 1000.0));
            m.insert("miss_bearing_deg".into(), json!(az));
        }
        if let Some((lat, lon)) = cmp.published_landing {
            let (d, _) = capsim::entry::distance_bearing(lat, lon, td.lat_deg, td.lon_deg);
            m.insert("distance_to_published_landing_km".into(), json!(d / 1000.0));
        }
    } else {
        m.insert("end_t_s".into(), json!(s.final_t_s));
        m.insert("end_alt_m".into(), json!(s.final_alt_m));
    }
    m.insert("steps".into(), json!(s.steps_accepted));
    Value::Object(m)
}

/// Writes pretty JSON atomically.
pub fn write_json(path: &Path, v: &Value) -> io::Result<()> {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    crate::atomic::write_atomic(path, |w| {
        w.write_all(text.as_bytes())?;
        w.write_all(b"\n")
    })
}

/// A history column for a plot.
pub type Getter = fn(&HistoryRow) -> f64;

/// The four entry panels: (file stem, title, y label, value).
pub const ENTRY_PANELS: [(&str, &str, &str, Getter); 4] = [
    ("altitude", "Altitude", "altitude (km)", |r| {
        r.alt_m / 1000.0
    }),
    ("speed", "Earth-relative speed", "speed (m/s)", |r| {
        r.speed_m_s
    }),
    ("g_load", "Sensed load", "load (g)", |r| r.g_load),
    (
        "heat_flux",
        "Stagnation-point convective heat flux (Sutton–Graves)",
        "heat flux (kW/m²)",
        |r| r.heat_flux_w_m2 / 1000.0,
    ),
];

/// One labelled history for the plots (a descent mode).
pub struct Track<'a> {
    pub label: &'a str,
    pub rows: &'a [HistoryRow],
}

/// Time axis origin for entry plots: minutes from the first row of the first track.
fn minutes(rows: &[HistoryRow], t_ref: f64, f: impl Fn(&HistoryRow) -> f64) -> Vec<(f64, f64)> {
    rows.iter()
        .map(|r| ((r.t_s - t_ref) / 60.0, f(r)))
        .collect()
}

/// The entry plots: altitude, speed, g-load and heat flux vs time (all tracks on the same
/// axes), and the ground track. Files `<prefix>altitude.png/.svg` etc. Time is minutes since
/// `t_ref_s` (e.g. the deorbit-burn start). Returns the stems written.
pub fn write_entry_plots(
    dir: &Path,
    prefix: &str,
    tracks: &[Track],
    t_ref_s: f64,
    t_label: &str,
    marks: &[(String, f64, f64)],
) -> Result<Vec<String>, PlotError> {
    let mut stems = Vec::new();
    for (name, title, ylabel, f) in ENTRY_PANELS {
        let mut c = Chart::new(title, t_label, ylabel);
        for t in tracks {
            // Skip the long pre-burn coast: plot from the reference time on.
            let rows: Vec<HistoryRow> = t
                .rows
                .iter()
                .filter(|r| r.t_s >= t_ref_s)
                .cloned()
                .collect();
            c = c.with(Series::line(t.label, minutes(&rows, t_ref_s, f)));
        }
        let stem = format!("{prefix}{name}");
        crate::plot::write_chart(&c, &dir.join(&stem))?;
        stems.push(stem);
    }
    // Ground track.
    let mut lon_min = f64::INFINITY;
    let mut lon_max = f64::NEG_INFINITY;
    let mut lat_min = f64::INFINITY;
    let mut lat_max = f64::NEG_INFINITY;
    let mut c = Chart::new(
        "Ground track of the descent",
        "longitude (°E)",
        "latitude (°N)",
    );
    for t in tracks {
        let pts: Vec<(f64, f64)> = t
            .rows
            .iter()
            .filter(|r| r.t_s >= t_ref_s)
            .map(|r| (r.lon_deg, r.lat_deg))
            .collect();
        for &(x, y) in &pts {
            lon_min = lon_min.min(x);
            lon_max = lon_max.max(x);
            lat_min = lat_min.min(y);
            lat_max = lat_max.max(y);
        }
        c = c.with(Series::line(t.label, pts));
    }
    for (label, lat, lon) in marks {
        c = c.with(
            Series::points(label.clone(), vec![(*lon, *lat)])
                .kind(crate::plot::SeriesKind::Crosses { size_px: 8 }),
        );
    }
    if lat_min.is_finite() {
        c.map_aspect_lat_deg = Some(0.5 * (lat_min + lat_max));
    }
    let stem = format!("{prefix}groundtrack");
    crate::plot::write_chart(&c, &dir.join(&stem))?;
    stems.push(stem);
    Ok(stems)
}
