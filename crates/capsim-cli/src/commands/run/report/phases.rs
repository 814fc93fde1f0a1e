//! The rendezvous, entry and landing parts of the mission report: summary keys, "mission in
//! numbers" rows, and the sections' figures and tables, from the phases `capsim run` flew.
//!
//! Kept apart from the orbit part of the report (the parent module) because these phases are
//! optional in a scenario and each adds its own figures; every function here does nothing
//! when its phase did not run.

use super::{figure, utc_text, Descent, RunData};

use crate::commands::rendezvous::RendezvousOutcome;
use crate::failure::CliResult;
use capsim::entry::{distance_bearing, EntryEventKind};
use capsim::time::Epoch;
use capsim_io::entry_output::{summary_json, Comparison};
use capsim_io::entry_spec::DescentMode;
use capsim_io::plot::{Chart, RefLine, Series, SeriesKind};
use capsim_io::report::json::{MissionEvent, SummaryJson};
use capsim_io::report::numbers::{difference, MissionNumbers};
use capsim_io::report::{Block, Table};
use std::path::Path;

const GUIDED: (u8, u8, u8) = (0, 114, 178);
const BALLISTIC: (u8, u8, u8) = (213, 94, 0);

fn mode_color(m: DescentMode) -> (u8, u8, u8) {
    match m {
        DescentMode::Guided => GUIDED,
        DescentMode::Ballistic => BALLISTIC,
    }
}

fn comparison(d: &RunData) -> Comparison {
    d.spec
        .entry
        .as_ref()
        .map(crate::commands::entry::comparison)
        .unwrap_or_default()
}

fn start_of(d: &RunData) -> Option<Epoch> {
    d.spec.entry.as_ref().map(|e| e.start_epoch())
}

fn flown<'a>(d: &RunData<'a>) -> Option<&'a Descent> {
    let e = d.spec.entry.as_ref()?;
    d.descents
        .iter()
        .find(|x| x.mode == e.default_mode)
        .or(d.descents.first())
}

/// Rendezvous burns and docking, undocking and each descent's events, for events.json/.txt.
pub(super) fn add_phase_events(d: &RunData, events: &mut Vec<MissionEvent>) {
    if let Some(o) = d.rendezvous {
        for b in &o.result.burns {
            events.push(MissionEvent {
                utc: b.epoch,
                label: format!("{} ({:.2} m/s)", b.name, b.dv_m_s),
                kind: "rendezvous_burn".into(),
                object: o.spec.chaser.clone(),
                origin: "simulated".into(),
                details: vec![
                    ("dv_m_s".into(), b.dv_m_s),
                    ("duration_s".into(), b.duration_s),
                ],
            });
        }
        events.push(MissionEvent {
            utc: o.result.docking_epoch,
            label: "docking".into(),
            kind: "docking".into(),
            object: o.spec.chaser.clone(),
            origin: "simulated".into(),
            details: vec![("total_dv_m_s".into(), o.result.total_dv_m_s)],
        });
    }
    let Some(t0) = start_of(d) else { return };
    events.push(MissionEvent {
        utc: t0,
        label: "undocking (start of the descent runs)".into(),
        kind: "undocking".into(),
        object: "entry".into(),
        origin: "simulated".into(),
        details: vec![],
    });
    for ds in d.descents {
        for e in &ds.result.events {
            let name = capsim_io::entry_output::event_name(&e.kind);
            let mut details = vec![
                ("lat_deg".into(), e.lat_deg),
                ("lon_deg".into(), e.lon_deg),
                ("alt_km".into(), e.alt_m / 1e3),
                ("speed_m_s".into(), e.speed_m_s),
            ];
            if e.value.is_finite() {
                details.push(("value".into(), e.value));
            }
            events.push(MissionEvent {
                utc: t0 + hifitime::Unit::Second * e.t_s,
                label: if e.name.is_empty() {
                    format!("{} ({})", name.replace('_', " "), ds.mode.name())
                } else {
                    format!("{} {} ({})", name.replace('_', " "), e.name, ds.mode.name())
                },
                kind: name.into(),
                object: format!("entry-{}", ds.mode.name()),
                origin: "simulated".into(),
                details,
            });
        }
    }
}

/// One CZML object per descent mode: the Earth-fixed trajectory from the deorbit burn to
/// touchdown, every 10 s of the history (finer histories are decimated).
pub(super) fn descent_czml(d: &RunData) -> Vec<capsim_io::czml::CzmlObject> {
    let Some(t0) = start_of(d) else {
        return Vec::new();
    };
    d.descents
        .iter()
        .map(|ds| {
            let t_ref = t_ref_of(ds);
            let mut last = f64::NEG_INFINITY;
            let samples: Vec<(Epoch, [f64; 3])> = ds
                .result
                .history
                .iter()
                .filter(|r| r.t_s >= t_ref)
                .filter(|r| {
                    let keep = r.t_s - last >= 10.0 || r.alt_m <= 0.0;
                    if keep {
                        last = r.t_s;
                    }
                    keep
                })
                .map(|r| (t0 + hifitime::Unit::Second * r.t_s, r.r_ecef_m))
                .collect();
            let mut o = capsim_io::czml::CzmlObject::new(
                format!("descent-{}", ds.mode.name()),
                format!("descent ({})", ds.mode.name()),
                capsim_io::czml::CzmlFrame::Fixed,
                samples,
                mode_color(ds.mode),
            );
            o.trail_time_s = 3_600.0;
            o
        })
        .collect()
}

/// `docking_utc`, `undocking_utc`, one object per descent mode.
pub(super) fn add_phase_summary(d: &RunData, summary: &mut SummaryJson) {
    if let Some(o) = d.rendezvous {
        summary
            .set_epoch("docking_utc", o.result.docking_epoch)
            .set_num("rendezvous_total_dv_m_s", o.result.total_dv_m_s);
        if let Some(p) = o.spec.published_docking {
            summary.set_num(
                "docking_minus_published_s",
                (o.result.docking_epoch - p).to_seconds(),
            );
        }
    }
    if let Some(t0) = start_of(d) {
        summary.set_epoch("undocking_utc", t0);
        if let Some(dt) = d.rephase_s {
            summary.set_num("station_rephase_s", dt);
        }
        let cmp = comparison(d);
        for ds in d.descents {
            summary.set_value(
                ds.mode.name(),
                summary_json(ds.mode.name(), t0, &ds.result, &cmp),
            );
        }
    }
}

/// Rows of "the mission in numbers" that the rendezvous and the descents answer.
pub(super) fn add_phase_numbers(d: &RunData, numbers: &mut MissionNumbers) {
    if let Some(o) = d.rendezvous {
        let diff = o.spec.published_docking.map_or("—".to_string(), |p| {
            let s = (o.result.docking_epoch - p).to_seconds();
            format!("{:+.0} min", s / 60.0)
        });
        numbers.set(
            "docking",
            &utc_text(o.result.docking_epoch),
            &diff,
            &format!(
                "Planned {} profile on the full force model{}: the approach gate is reached \
                 at {}; the proximity timeline after it (transfer to a hold point, \
                 station-keeping, closing at constant speed) is assumed, not published. Total \
                 Δv {:.1} m/s, propellant {:.0} kg{}.",
                o.spec.config.profile,
                o.spec.config.docking_rev.map_or(String::new(), |r| format!(
                    ", docking planned {r:.2} revolutions after insertion"
                )),
                utc_text(o.result.gate_epoch),
                o.result.total_dv_m_s,
                o.result.total_propellant_kg,
                o.spec
                    .published_total_dv
                    .as_deref()
                    .map_or(String::new(), |t| format!(" (published: {t})"))
            ),
        );
    }
    let Some(t0) = start_of(d) else { return };
    let Some(entry) = d.spec.entry.as_ref() else {
        return;
    };
    let Some(f) = flown(d) else { return };
    let s = &f.result.summary;
    if let Some(td) = &s.touchdown {
        let t = t0 + hifitime::Unit::Second * td.t_s;
        numbers.set(
            "landing",
            &format!(
                "{} at {:.3}° N {:.3}° E ({} mode)",
                utc_text(t),
                td.lat_deg,
                td.lon_deg,
                f.mode.name()
            ),
            "—",
            "Touchdown of the descent flown, from the scheduled deorbit burn.",
        );
        if let Some((lat, lon)) = entry.target {
            let (m, az) = distance_bearing(lat, lon, td.lat_deg, td.lon_deg);
            let published = entry.published.miss_km.unwrap_or(f64::NAN);
            numbers.set(
                "landing_miss",
                &format!("{:.0} km, bearing {:.0}° from the target", m / 1e3, az),
                &difference(m / 1e3, published, "km", 0),
                "The real descent module's aerodynamics and the separation fault's timeline \
                 are not published: the lift-to-drag ratio, the delay of the separation and the \
                 tumbling stack's drag are scenario assumptions, and the ballistic range \
                 shortfall scales with the lift the guided profile would have used.",
            );
        }
    }
    let guided = d
        .descents
        .iter()
        .find(|x| x.mode == DescentMode::Guided)
        .map(|x| x.result.summary.peak_g);
    let published_g = entry.published.peak_g.unwrap_or(f64::NAN);
    numbers.set(
        "peak_g",
        &format!(
            "{:.1} g ({}){}",
            s.peak_g,
            f.mode.name(),
            guided
                .filter(|_| f.mode != DescentMode::Guided)
                .map(|g| format!("; guided {g:.1} g"))
                .unwrap_or_default()
        ),
        &difference(s.peak_g, published_g, "g", 1),
        "Sensed (non-gravitational) load at peak deceleration; the nominal guided descent is \
         published as 3–4 g.",
    );
    if f.mode == DescentMode::Ballistic {
        if let (Some(td), Some((lat, lon))) = (&s.touchdown, entry.target) {
            let (m, az) = distance_bearing(lat, lon, td.lat_deg, td.lon_deg);
            numbers.set(
                "reentry",
                &format!(
                    "ballistic after the separation fault; lands {:.0} km from the target, \
                     bearing {:.0}°",
                    m / 1e3,
                    az
                ),
                "—",
                "The backup mode rolls at a constant rate (zero mean lift) from the fault on, \
                 so the capsule falls short of (uprange of) the point the guided descent reaches.",
            );
        }
    }
}

/// Range vs time, LVLH trajectories, burn table.
pub(super) fn rendezvous_blocks(out: &Path, o: &RendezvousOutcome) -> CliResult<Vec<Block>> {
    let r = &o.result;
    let mut blocks = Vec::new();
    let published = o
        .spec
        .published_docking
        .map(|p| (r.docking_epoch - p).to_seconds());
    blocks.push(Block::Paragraph(format!(
        "Profile {}: insertion {}, initial phase {:.1}°, phasing orbit radius {:.1} km. The plan \
         is solved by differential correction on the full force model and flown with finite \
         burns: the approach gate is reached with a miss of {:.2} m and {:.4} m/s. Docking {}{}. \
         Total Δv {:.1} m/s, propellant {:.1} kg.",
        r.profile,
        utc_text(r.insertion_epoch),
        r.initial_phase_rad.to_degrees(),
        r.phasing_radius_m / 1e3,
        r.gate_miss_m,
        r.gate_miss_m_s,
        utc_text(r.docking_epoch),
        published
            .map(|s| format!(" ({:+.0} min from the published time)", s / 60.0))
            .unwrap_or_default(),
        r.total_dv_m_s,
        r.total_propellant_kg
    )));
    for (chart, stem) in crate::commands::rendezvous::charts(r) {
        if stem == "lvlh-all" {
            continue;
        }
        let title = chart.title.clone();
        blocks.push(Block::Figure(figure(
            out,
            &format!("rendezvous-{stem}"),
            &chart,
            &title,
            "Chaser (Soyuz) relative to the target (ISS); LVLH: x along V-bar, z toward the Earth.",
        )?));
    }
    blocks.push(Block::Table(Table {
        caption: "Burns (Δv in the chaser's LVLH frame)".into(),
        columns: vec![
            "burn".into(),
            "epoch".into(),
            "Δv x, y, z (m/s)".into(),
            "|Δv| (m/s)".into(),
            "duration (s)".into(),
            "propellant (kg)".into(),
        ],
        rows: r
            .burns
            .iter()
            .map(|b| {
                vec![
                    b.name.clone(),
                    utc_text(b.epoch),
                    format!(
                        "{:.2}, {:.2}, {:.2}",
                        b.dv_lvlh_m_s[0], b.dv_lvlh_m_s[1], b.dv_lvlh_m_s[2]
                    ),
                    format!("{:.2}", b.dv_m_s),
                    format!("{:.1}", b.duration_s),
                    format!("{:.1}", b.propellant_kg),
                ]
            })
            .collect(),
        difference_column: None,
        explanations: vec![],
    }));
    Ok(blocks)
}

fn t_ref_of(ds: &Descent) -> f64 {
    ds.result
        .events
        .iter()
        .find(|e| e.kind == EntryEventKind::DeorbitStart)
        .map_or(0.0, |e| e.t_s)
}

/// Altitude, speed, g-load, heat flux vs time, all modes on the same axes; figures table.
pub(super) fn entry_blocks(out: &Path, d: &RunData) -> CliResult<Vec<Block>> {
    let mut blocks = Vec::new();
    for (name, title, ylabel, f) in capsim_io::entry_output::ENTRY_PANELS {
        let stem = format!("entry-{}", name.replace('_', "-"));
        let stem = stem.as_str();
        let mut c = Chart::new(title, "time since deorbit-burn ignition (min)", ylabel);
        for ds in d.descents {
            let t_ref = t_ref_of(ds);
            // From the burn to the main chute fully open: the slow descent under the main
            // parachute would flatten the interesting part.
            let pts: Vec<(f64, f64)> = ds
                .result
                .history
                .iter()
                .filter(|r| r.t_s >= t_ref && r.alt_m > 3_000.0)
                .map(|r| ((r.t_s - t_ref) / 60.0, f(r)))
                .collect();
            c = c.with(Series::line(ds.mode.name(), pts).color(mode_color(ds.mode)));
        }
        if stem == "entry-g-load" {
            if let Some(g) = d.spec.entry.as_ref().and_then(|e| e.published.peak_g) {
                c.ref_lines.push(RefLine {
                    label: format!("published peak {g:.1} g"),
                    vertical: false,
                    value: g,
                });
            }
        }
        blocks.push(Block::Figure(figure(
            out,
            stem,
            &c,
            title,
            "Both descent modes flown from the same undocking and deorbit burn; the history \
             files are entry-<mode>/history.csv.",
        )?));
    }
    let t0 = start_of(d).unwrap_or_default();
    let mut rows = Vec::new();
    for ds in d.descents {
        let s = &ds.result.summary;
        let ev = |k: EntryEventKind| ds.result.events.iter().find(|e| e.kind == k);
        let at = |t: f64| utc_text(t0 + hifitime::Unit::Second * t);
        rows.push(vec![
            ds.mode.name().to_string(),
            ev(EntryEventKind::DeorbitStart).map_or("—".into(), |e| at(e.t_s)),
            ev(EntryEventKind::Separation).map_or("—".into(), |e| {
                format!("{} at {:.0} km", at(e.t_s), e.alt_m / 1e3)
            }),
            s.entry_interface_t_s.map_or("—".into(), at),
            format!("{:.2} g at {}", s.peak_g, at(s.peak_g_t_s)),
            format!("{:.0} kW/m²", s.peak_heat_flux_w_m2 / 1e3),
            format!("{:.0} MJ/m²", s.heat_load_j_m2 / 1e6),
            s.touchdown.map_or("—".into(), |td| {
                let burn = ev(EntryEventKind::DeorbitStart).map_or(0.0, |e| e.t_s);
                format!(
                    "{} ({:.1} min after ignition)",
                    at(td.t_s),
                    (td.t_s - burn) / 60.0
                )
            }),
        ]);
    }
    blocks.push(Block::Table(Table {
        caption: "Descent figures".into(),
        columns: vec![
            "mode".into(),
            "deorbit burn".into(),
            "module separation".into(),
            "entry interface (100 km)".into(),
            "peak load".into(),
            "peak heat flux".into(),
            "heat load".into(),
            "touchdown".into(),
        ],
        rows,
        difference_column: None,
        explanations: vec![],
    }));
    Ok(blocks)
}

/// Landing map (ground tracks of the descents, target, landing points) and the table of
/// landing points with miss distances.
pub(super) fn landing_blocks(out: &Path, d: &RunData) -> CliResult<Vec<Block>> {
    let mut blocks = Vec::new();
    let entry = d.spec.entry.as_ref();
    let target = entry.and_then(|e| e.target);
    let mut c = Chart::new("Landing", "longitude (°E)", "latitude (°N)");
    let (mut lat_lo, mut lat_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut lon_lo, mut lon_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut grow = |lat: f64, lon: f64| {
        lat_lo = lat_lo.min(lat);
        lat_hi = lat_hi.max(lat);
        lon_lo = lon_lo.min(lon);
        lon_hi = lon_hi.max(lon);
    };
    for ds in d.descents {
        let pts: Vec<(f64, f64)> = ds
            .result
            .history
            .iter()
            .filter(|r| r.alt_m < 100_000.0)
            .map(|r| (r.lon_deg, r.lat_deg))
            .collect();
        for &(lon, lat) in &pts {
            grow(lat, lon);
        }
        c = c.with(
            Series::line(format!("{} ground track below 100 km", ds.mode.name()), pts)
                .color(mode_color(ds.mode)),
        );
        if let Some(td) = &ds.result.summary.touchdown {
            c = c.with(
                Series::points(
                    format!("{} landing", ds.mode.name()),
                    vec![(td.lon_deg, td.lat_deg)],
                )
                .color(mode_color(ds.mode))
                .kind(SeriesKind::Points { radius_px: 6 }),
            );
        }
    }
    if let Some((lat, lon)) = target {
        grow(lat, lon);
        c = c.with(
            Series::points("planned landing point", vec![(lon, lat)])
                .color((0, 0, 0))
                .kind(SeriesKind::Crosses { size_px: 9 }),
        );
    }
    if let Some(p) = &d.spec.mission.info.published_landing {
        grow(p.lat_deg, p.lon_deg);
        c = c.with(
            Series::points("published landing point", vec![(p.lon_deg, p.lat_deg)])
                .color((0, 158, 115))
                .kind(SeriesKind::Crosses { size_px: 9 }),
        );
    }
    if lat_lo.is_finite() {
        let pad = 1.0;
        c.x_range = Some((lon_lo - pad, lon_hi + pad));
        c.y_range = Some((lat_lo - pad, lat_hi + pad));
        c.map_aspect_lat_deg = Some(0.5 * (lat_lo + lat_hi));
        c.series.splice(
            0..0,
            base_map(lon_lo - pad, lon_hi + pad, lat_lo - pad, lat_hi + pad),
        );
    }
    blocks.push(Block::Figure(figure(
        out,
        "landing-map",
        &c,
        "Landing",
        "Ground tracks below 100 km, landing points of each descent mode and the planned point.",
    )?));
    let mut rows = Vec::new();
    for ds in d.descents {
        if let Some(td) = &ds.result.summary.touchdown {
            let (miss, az) = target
                .map(|(lat, lon)| distance_bearing(lat, lon, td.lat_deg, td.lon_deg))
                .unwrap_or((f64::NAN, f64::NAN));
            rows.push(vec![
                ds.mode.name().to_string(),
                format!("{:.4}° N", td.lat_deg),
                format!("{:.4}° E", td.lon_deg),
                format!("{:.1} km", miss / 1e3),
                format!("{az:.0}°"),
                format!("{:.1} m/s", td.speed_m_s),
            ]);
        }
    }
    if let Some((lat, lon)) = target {
        rows.push(vec![
            "planned (target)".into(),
            format!("{lat:.4}° N"),
            format!("{lon:.4}° E"),
            "—".into(),
            "—".into(),
            entry.map(|e| e.target_note.clone()).unwrap_or_default(),
        ]);
    }
    blocks.push(Block::Table(Table {
        caption: "Landing points (distance and bearing from the planned point, WGS-84 geodesic)"
            .into(),
        columns: vec![
            "point".into(),
            "latitude".into(),
            "longitude".into(),
            "miss".into(),
            "bearing".into(),
            "touchdown speed / note".into(),
        ],
        rows,
        difference_column: None,
        explanations: vec![],
    }));
    Ok(blocks)
}

/// Coastlines and borders (Natural Earth 1:50m) for a map window.
fn base_map(lon_min: f64, lon_max: f64, lat_min: f64, lat_max: f64) -> Vec<Series> {
    capsim_io::map::base_map_series(lon_min, lon_max, lat_min, lat_max)
}
