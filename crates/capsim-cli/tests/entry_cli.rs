//! `capsim entry` (issue #5) and the Monte-Carlo entry model (issue #6), through the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

fn capsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_capsim"))
        .args(args)
        .output()
        .unwrap()
}

fn flagship() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/soyuz-tma-11.toml")
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn column(header: &str, name: &str) -> usize {
    header.split(',').position(|c| c == name).unwrap()
}

/// The shared validation folder, or None (skip) outside CI; in CI its absence is a failure.
fn shared(file: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/validation")
        .join(file);
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {} is missing",
        p.display()
    );
    eprintln!("SKIP: {} not found (outside CI)", p.display());
    None
}

/// NESC atmospheric check-case 9 (NASA/TM-2015-218675; sphere launched eastward along the
/// Equator, WGS-84 + J2, US76), run as a point-mass scenario through the CLI: the history.csv
/// of the issue's contract (t_s, lat_deg, lon_deg, alt_m geodetic, speed_m_s Earth-relative)
/// against SIM 05 every second. Tolerance: the spread of the consensus simulations 4–6 at 30 s
/// (0.33 ft = 0.10 m in altitude, REFERENCES.md §1.5); speed to 5 mm/s. The history is sampled
/// from the dense output, so the scenario limits steps to the 1 s of the published record (with
/// the default 60 s the interpolated speed is ~7 mm/s off).
#[test]
fn nesc_case_9_through_the_cli() {
    let Some(reference) = shared("nesc_atmos_09_sim05.csv") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let scen = dir.path().join("nesc9.toml");
    std::fs::write(
        &scen,
        r#"name = "nesc-09"
[entry]
earth = "wgs84-j2"
[entry.initial]
lat_deg = 0.0
lon_deg = 0.0
alt_m = 0.0
velocity_ned_m_s = [0.0, 304.8, -304.8]
[entry.vehicle]
mass_kg = 14.5939029
cd = 0.1
area_m2 = 0.018241465
[entry.output]
end_time_s = 30.0
max_step_s = 1.0
"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = capsim(&[
        "entry",
        scen.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hist = std::fs::read_to_string(out.join("history.csv")).unwrap();
    let mut lines = hist.lines();
    let h = lines.next().unwrap();
    let (ct, calt, clat, clon, cv) = (
        column(h, "t_s"),
        column(h, "alt_m"),
        column(h, "lat_deg"),
        column(h, "lon_deg"),
        column(h, "speed_m_s"),
    );
    let ours: Vec<Vec<f64>> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            [ct, calt, clat, clon, cv]
                .iter()
                .map(|&i| f[i].parse().unwrap())
                .collect()
        })
        .collect();
    let text = std::fs::read_to_string(reference).unwrap();
    let mut rows = text.lines().filter(|l| !l.starts_with('#'));
    let rh = rows.next().unwrap();
    let (rt, ralt, rlat, rlon, rn, re, rd) = (
        column(rh, "time_s"),
        column(rh, "altitudeMsl_ft"),
        column(rh, "latitude_geodetic_deg"),
        column(rh, "longitude_deg"),
        column(rh, "vN_earthrel_ft_s"),
        column(rh, "vE_earthrel_ft_s"),
        column(rh, "vD_earthrel_ft_s"),
    );
    let mut checked = 0;
    for l in rows {
        let f: Vec<f64> = l
            .split(',')
            .map(|x| x.parse().unwrap_or(f64::NAN))
            .collect();
        let t = f[rt];
        let Some(o) = ours.iter().find(|r| (r[0] - t).abs() < 1e-6) else {
            continue;
        };
        let alt = f[ralt] * 0.3048;
        let speed = (f[rn].powi(2) + f[re].powi(2) + f[rd].powi(2)).sqrt() * 0.3048;
        assert!((o[1] - alt).abs() < 0.10, "t {t}: alt {} vs {alt}", o[1]);
        assert!(
            (o[2] - f[rlat]).abs() < 1e-6,
            "t {t}: lat {} vs {}",
            o[2],
            f[rlat]
        );
        assert!(
            (o[3] - f[rlon]).abs() < 1e-6,
            "t {t}: lon {} vs {}",
            o[3],
            f[rlon]
        );
        assert!(
            (o[4] - speed).abs() < 5e-3,
            "t {t}: speed {} vs {speed}",
            o[4]
        );
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} common samples");
}

/// Issue #5's flagship criteria, both modes from the same undocking and deorbit burn: the
/// guided run lands within 10 km of the planned point with a nominal-class load (published
/// 3–4 g); the ballistic run lands short (uprange, i.e. west along this eastward track) with a
/// load of the published 8–9 g class (tolerance: 7–10 g, the sources' spread with the article's
/// "10 G").
#[test]
fn flagship_guided_lands_on_target_ballistic_lands_short() {
    let dir = tempfile::tempdir().unwrap();
    let mut land = Vec::new();
    for mode in ["guided", "ballistic"] {
        let out = dir.path().join(mode);
        let o = capsim(&[
            "entry",
            flagship().to_str().unwrap(),
            "--mode",
            mode,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let s = json(&out.join("summary.json"));
        for k in [
            "landing_utc",
            "landing_lat_deg",
            "landing_lon_deg",
            "miss_km",
            "peak_g",
            "peak_heat_flux_w_m2",
            "entry_interface_utc",
        ] {
            assert!(!s[k].is_null(), "{mode}: summary.json lacks {k}");
        }
        assert!(out.join("history.csv").exists() && out.join("events.json").exists());
        land.push(s);
    }
    let (g, b) = (&land[0], &land[1]);
    let gm = g["miss_km"].as_f64().unwrap();
    assert!(gm < 10.0, "guided miss {gm} km");
    let gg = g["peak_g"].as_f64().unwrap();
    assert!((2.5..=5.0).contains(&gg), "guided peak {gg} g");
    let bm = b["miss_km"].as_f64().unwrap();
    assert!(bm > 100.0, "ballistic miss {bm} km: not short");
    assert!(
        b["landing_lon_deg"].as_f64().unwrap() < g["landing_lon_deg"].as_f64().unwrap(),
        "ballistic not uprange of guided"
    );
    let bg = b["peak_g"].as_f64().unwrap();
    assert!((7.0..=10.0).contains(&bg), "ballistic peak {bg} g");
}

/// Bad [entry] input: exit 2, file:line:column and key path, no output folder.
#[test]
fn bad_entry_input_exits_2_with_location() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(flagship()).unwrap();
    let bad = src
        .replace("mass_kg = 7100.0", "mass_kg = -7100.0")
        .replace("isp_s = 302.0  ", "isp_s = 0.0    ");
    let scen = dir.path().join("bad.toml");
    std::fs::write(&scen, bad).unwrap();
    let out = dir.path().join("out");
    let o = capsim(&[
        "entry",
        scen.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.toml:") && err.contains("entry.vehicle.mass_kg"),
        "{err}"
    );
    assert!(!out.exists());
    // A scenario without [entry].
    let none = dir.path().join("none.toml");
    std::fs::write(
        &none,
        src.split("\n[entry]\n").next().unwrap().to_string() + "\n",
    )
    .unwrap();
    let o = capsim(&[
        "entry",
        none.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// The Monte-Carlo entry model is deterministic whatever the thread count (issue #6): the
/// flagship's dispersions, 12 ballistic samples, 1 vs 2 threads → identical samples.csv.
#[test]
fn mc_entry_model_is_thread_count_independent() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("t{threads}"));
        let o = capsim(&[
            "mc",
            flagship().to_str().unwrap(),
            "--samples",
            "12",
            "--seed",
            "7",
            "--mode",
            "ballistic",
            "--threads",
            threads,
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        files.push(std::fs::read(out.join("samples.csv")).unwrap());
        let s = json(&out.join("summary.json"));
        assert!(!s.is_null());
    }
    assert_eq!(files[0], files[1]);
    let text = String::from_utf8(files[0].clone()).unwrap();
    assert_eq!(text.lines().count(), 13);
    assert!(text.lines().skip(1).all(|l| l.contains(",ok,")), "{text}");
}

/// A sample whose dispersed [entry] is invalid is recorded as failed with its reason (key and
/// what was expected), and the batch goes on (issue #6): exit 1, no abort.
#[test]
fn mc_entry_failed_samples_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let scen = flagship_variant(
        dir.path(),
        "bad-mass.toml",
        "key = \"entry.vehicle.mass_kg\"\nnormal = { sd = 30.0 }",
        "key = \"entry.vehicle.mass_kg\"\nuniform = { min = -100.0, max = -50.0 }",
    );
    let out = dir.path().join("out");
    let o = capsim(&[
        "mc",
        scen.to_str().unwrap(),
        "--samples",
        "3",
        "--seed",
        "1",
        "--mode",
        "ballistic",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = std::fs::read_to_string(out.join("samples.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .all(|r| r.contains(",failed,") && r.contains("entry.vehicle.mass_kg")),
        "{csv}"
    );
}

/// The shared coast (`[mc] start_before_burn_s`, default 600 s) against every sample flying
/// from undocking (`= 0`): the same seed gives landing points within 100 m for ballistic
/// samples (what is lost is only the coast drag's dispersion: measured ≤ 22 m over 1000
/// samples, docs/mc.md); a negative lead is an input error naming the key (exit 2).
#[test]
fn mc_shared_coast_matches_full_runs() {
    let dir = tempfile::tempdir().unwrap();
    let full_path = flagship_variant(
        dir.path(),
        "full.toml",
        "model = \"entry\"",
        "model = \"entry\"\nstart_before_burn_s = 0.0",
    );
    let run = |scenario: &std::path::Path, name: &str| {
        let out = dir.path().join(name);
        let o = capsim(&[
            "mc",
            scenario.to_str().unwrap(),
            "--samples",
            "8",
            "--seed",
            "3",
            "--mode",
            "ballistic",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(out.join("samples.csv")).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (lat, lon) = (col("landing_lat_deg"), col("landing_lon_deg"));
        lines
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (
                    f[lat].parse::<f64>().unwrap(),
                    f[lon].parse::<f64>().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let (a, b) = (run(&flagship(), "shared"), run(&full_path, "full"));
    assert_eq!(a.len(), 8);
    let d: Vec<f64> = a
        .iter()
        .zip(&b)
        .map(|(p, q)| capsim::entry::distance_bearing(p.0, p.1, q.0, q.1).0)
        .collect();
    assert!(d.iter().all(|x| *x < 100.0), "{d:?} m");
    // Sharing really happened: the coast's drag dispersion is gone, so the points move a little.
    assert!(d.iter().any(|x| *x > 0.01), "{d:?} m");
    let bad_path = flagship_variant(
        dir.path(),
        "bad.toml",
        "model = \"entry\"",
        "model = \"entry\"\nstart_before_burn_s = -5.0",
    );
    let out = dir.path().join("bad");
    let o = capsim(&[
        "mc",
        bad_path.to_str().unwrap(),
        "--samples",
        "2",
        "--seed",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("mc.start_before_burn_s"), "{err}");
    assert!(!out.join("samples.csv").exists());
}

/// The flagship scenario with the first `from` replaced by `to`, written as `dir/name`.
fn flagship_variant(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let src = std::fs::read_to_string(flagship()).unwrap();
    let changed = src.replacen(from, to, 1);
    assert_ne!(changed, src, "the flagship no longer contains {from:?}");
    let path = dir.join(name);
    std::fs::write(&path, changed).unwrap();
    path
}
