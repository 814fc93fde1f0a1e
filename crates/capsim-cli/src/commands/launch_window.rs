//! `capsim launch-window`: in-plane launch opportunities from a site to a target orbit
//! (model: `capsim::gnc::launch_window`).

use crate::failure::{input, input_msg, run as run_err, CliResult};
use capsim::frames::geodetic::Geodetic;
use capsim::gnc::launch_window::{find_launch_opportunities, InsertionSpec, Node, TargetOrbit};
use capsim_io::atomic::write_atomic;
use capsim_io::timefmt::iso_utc_micro;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Launch site: LAT_DEG,LON_DEG[,ALT_M], or `baikonur` (Site 1/5).
    #[arg(long, allow_hyphen_values = true)]
    pub site: String,
    /// Target orbit: a TLE file (two or three lines).
    #[arg(long, value_name = "FILE")]
    pub target: PathBuf,
    /// Start of the search (UTC date or epoch).
    #[arg(long)]
    pub from: String,
    /// Days to search.
    #[arg(long, default_value_t = 3.0)]
    pub days: f64,
    /// Time from lift-off to spacecraft separation, s (Soyuz-FG: 528.8).
    #[arg(long, default_value_t = 528.8)]
    pub insertion_time_s: f64,
    /// Ground-track angle from the site to the insertion point, deg (assumed 14 for Soyuz-FG).
    #[arg(long, default_value_t = 14.0)]
    pub downrange_deg: f64,
    /// Insertion perigee altitude, km above --reference-radius-km.
    #[arg(long, default_value_t = 200.0)]
    pub perigee_alt_km: f64,
    /// Insertion apogee altitude, km above --reference-radius-km.
    #[arg(long, default_value_t = 242.0)]
    pub apogee_alt_km: f64,
    /// Radius the insertion heights are counted from, km.
    #[arg(long, default_value_t = 6371.0)]
    pub reference_radius_km: f64,
    /// Insertion inclination, deg (default: the target's, from the TLE).
    #[arg(long)]
    pub inc_deg: Option<f64>,
    /// Write the opportunities as a JSON array here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Δv budget for the phasing profiles (fast 4-orbit, 1-day, 2-day), m/s.
    #[arg(long, default_value_t = 150.0)]
    pub dv_budget_m_s: f64,
    /// Lowest safe perigee altitude of a phasing orbit above --reference-radius-km, km.
    #[arg(long, default_value_t = 180.0)]
    pub min_phasing_alt_km: f64,
}

fn parse_site(text: &str) -> CliResult<Geodetic> {
    if text.trim().eq_ignore_ascii_case("baikonur") {
        // Baikonur Site 1/5 (../shared/reference/soyuz-tma-11.md).
        return Ok(Geodetic {
            lat_rad: 45.9203f64.to_radians(),
            lon_rad: 63.3422f64.to_radians(),
            alt_m: 90.0,
        });
    }
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            input_msg(format!(
                "--site '{text}': expected LAT_DEG,LON_DEG[,ALT_M] or baikonur"
            ))
        })?;
    let (lat, lon, alt) = match parts.as_slice() {
        [lat, lon] => (*lat, *lon, 0.0),
        [lat, lon, alt] => (*lat, *lon, *alt),
        _ => {
            return Err(input_msg(format!(
                "--site '{text}': expected LAT_DEG,LON_DEG[,ALT_M]"
            )))
        }
    };
    if !(-90.0..=90.0).contains(&lat) {
        return Err(input_msg(format!(
            "--site '{text}': latitude {lat} deg must be within [-90, 90]"
        )));
    }
    if !(-500.0..=9_000.0).contains(&alt) {
        return Err(input_msg(format!(
            "--site '{text}': altitude {alt} m is not on the ground"
        )));
    }
    Ok(Geodetic {
        lat_rad: lat.to_radians(),
        lon_rad: lon.to_radians(),
        alt_m: alt,
    })
}

pub fn run(a: &Args) -> CliResult<()> {
    let site = parse_site(&a.site)?;
    let text = std::fs::read_to_string(&a.target)
        .map_err(|e| input_msg(format!("cannot read --target {}: {e}", a.target.display())))?;
    let tle = capsim_io::tle_file::parse_tle_text(&a.target, &text).map_err(input)?;
    let inc_deg = a.inc_deg.unwrap_or(tle.elements().inclination);
    let from =
        capsim_io::timefmt::parse_epoch(&a.from).map_err(|m| input_msg(format!("--from {m}")))?;
    if !(a.days > 0.0 && a.days <= 60.0) {
        return Err(input_msg(format!("--days {} must be in (0, 60]", a.days)));
    }
    let insertion = InsertionSpec {
        time_after_liftoff_s: a.insertion_time_s,
        perigee_alt_km: a.perigee_alt_km,
        apogee_alt_km: a.apogee_alt_km,
        reference_radius_km: a.reference_radius_km,
        inc_deg,
        downrange_deg: a.downrange_deg,
        insertion_true_anomaly_deg: 0.0,
    };
    // TLE mean motion, rev/day → rad/s; Kepler's third law for the mean semi-major axis.
    let n_t = tle.elements().mean_motion * std::f64::consts::TAU / 86_400.0;
    let found = find_launch_opportunities(&site, &TargetOrbit::Tle(tle), from, a.days, &insertion)
        .map_err(|e| input_msg(format!("launch window: {e}")))?;
    let node = |n: &Node| match n {
        Node::Ascending => "ascending",
        Node::Descending => "descending",
    };
    if !(a.dv_budget_m_s.is_finite() && a.dv_budget_m_s > 0.0) {
        return Err(input_msg(format!(
            "--dv-budget-m-s {} must be > 0",
            a.dv_budget_m_s
        )));
    }
    // Phasing feasibility (gnc::phasing): insertion orbit → phasing orbit → target orbit.
    let mu = capsim::constants::GM_EARTH_M3_S2;
    let a_target = (mu / (n_t * n_t)).cbrt();
    let r_ref = a.reference_radius_km * 1e3;
    let a_ins = r_ref + 0.5 * (a.perigee_alt_km + a.apogee_alt_km) * 1e3;
    let profiles = capsim::gnc::phasing::standard_profiles();
    let estimates: Vec<Vec<capsim::gnc::phasing::PhasingEstimate>> = found
        .iter()
        .map(|o| {
            capsim::gnc::phasing::estimate_phasing(
                o.phase_angle_rad,
                a_ins,
                a_target,
                r_ref + a.min_phasing_alt_km * 1e3,
                mu,
                a.dv_budget_m_s,
                &profiles,
            )
        })
        .collect();
    crate::say!(
        "{:<28} {:<11} {:>11} {:>17}  profiles closing within {:.0} m/s",
        "launch_utc",
        "node",
        "azimuth_deg",
        "phase_angle_deg",
        a.dv_budget_m_s
    );
    for (o, est) in found.iter().zip(&estimates) {
        let closes: Vec<String> = est
            .iter()
            .filter(|e| e.closes)
            .map(|e| format!("{} ({:.0} m/s)", e.name, e.dv_m_s))
            .collect();
        crate::say!(
            "{:<28} {:<11} {:>11.3} {:>17.3}  {}",
            iso_utc_micro(o.launch_epoch),
            node(&o.node),
            o.azimuth_rad.to_degrees(),
            o.phase_angle_rad.to_degrees(),
            if closes.is_empty() {
                "none".to_string()
            } else {
                closes.join(", ")
            }
        );
    }
    if let Some(p) = &a.json {
        let items: Vec<String> = found
            .iter()
            .zip(&estimates)
            .map(|(o, est)| {
                let profiles: Vec<String> = est
                    .iter()
                    .map(|e| {
                        format!(
                            "{{\"name\": \"{}\", \"revolutions\": {}, \"phasing_alt_km\": {}, \"dv_m_s\": {}, \"closes\": {}}}",
                            e.name,
                            e.revolutions,
                            if e.phasing_sma_m.is_finite() {
                                format!("{:.3}", (e.phasing_sma_m - r_ref) / 1e3)
                            } else {
                                "null".into()
                            },
                            if e.dv_m_s.is_finite() {
                                format!("{:.3}", e.dv_m_s)
                            } else {
                                "null".into()
                            },
                            e.closes
                        )
                    })
                    .collect();
                format!(
                    "  {{\"launch_utc\": \"{}\", \"node\": \"{}\", \"azimuth_deg\": {:.6}, \"phase_angle_deg\": {:.6}, \"insertion_utc\": \"{}\", \"profiles\": [{}]}}",
                    iso_utc_micro(o.launch_epoch),
                    node(&o.node),
                    o.azimuth_rad.to_degrees(),
                    o.phase_angle_rad.to_degrees(),
                    iso_utc_micro(o.insertion_epoch),
                    profiles.join(", ")
                )
            })
            .collect();
        let body = format!("[\n{}\n]\n", items.join(",\n"));
        write_atomic(p, |w| w.write_all(body.as_bytes())).map_err(|e| {
            run_err(anyhow::Error::new(e).context(format!("writing {}", p.display())))
        })?;
    }
    Ok(())
}
