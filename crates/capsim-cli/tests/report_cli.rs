//! End-to-end tests of the report `capsim run` writes: the real binary on a short scenario
//! (a station for one day with a reboost, a capsule for six hours, and the mission tables) in
//! a temporary folder. Checks that report.html, summary.json, events.json/.txt, the KML and
//! GeoJSON ground tracks, mission.czml and the figures exist and parse, that the page is
//! self-contained, and that the key figures are the ones the run computed (orbit count against
//! the revolutions in events.json, duration against the scenario's window).

use capsim_io::report::json::{parse_json, JsonValue};
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_capsim");

const SCENARIO: &str = r#"
name = "short-mission"
title = "Short mission <test> & friends"
description = "A one-day test of the report."

[[orbit]]
id = "station"
object_name = "STATION"
epoch = "2007-10-10T13:22:39 UTC"
duration = "1 day"
forces = "gravity:4x4"
output_step = "10 min"
events = ["ascending-node"]
[orbit.keplerian]
perigee_alt_km = 340.0
apogee_alt_km = 344.0
inc_deg = 51.64
raan_deg = 228.7
argp_deg = 0.0
ta_deg = 0.0
[[orbit.maneuver]]
epoch = "2007-10-10T20:00:00 UTC"
dv_m_s = 1.0
note = "test reboost"

[[orbit]]
id = "capsule"
object_name = "CAPSULE"
epoch = "2007-10-10T13:31:27.7 UTC"
duration = "6 hours"
forces = "gravity:4x4"
output_step = "1 min"
events = ["ascending-node", "apsides"]
[orbit.keplerian]
perigee_alt_km = 200.0
apogee_alt_km = 242.0
reference_radius_km = 6371.0
inc_deg = 51.67
raan_deg = 228.68
argp_deg = 80.0
ta_deg = 0.0

[mission]
vehicle = "Capsule-1"
launch_site = "Baikonur"
launch_lat_deg = 45.92
launch_lon_deg = 63.34
launch_utc = "2007-10-10T13:22:39 UTC"
landing_utc = "2007-10-11T13:22:39 UTC"
planned_landing_lat_deg = 51.08
planned_landing_lon_deg = 67.16
planned_landing_note = "test point"

[[crew]]
name = "A. <Tester>"
country = "Nowhere"
aboard_from = "2007-10-10T18:00"

[[timeline]]
utc = "2007-10-10T13:22:39"
label = "lift-off"
kind = "launch"
vehicle = "Capsule-1"

[[timeline]]
utc = "2007-10-10T19:00"
label = "Capsule-1 docks"
kind = "docking"
vehicle = "Capsule-1"

[[timeline]]
utc = "2007-10-11T08:00"
label = "Capsule-1 undocks"
kind = "undocking"
vehicle = "Capsule-1"

[[claim]]
id = "orbits"
quantity = "orbits"
article = "~15"

[[claim]]
id = "peak_g"
quantity = "peak load"
article = "4 g"
"#;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json(p: &Path) -> JsonValue {
    parse_json(&read(p)).unwrap_or_else(|e| panic!("{} does not parse: {e}", p.display()))
}

#[test]
fn run_writes_a_self_contained_report_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("short.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let out = dir.path().join("out");
    let o = Command::new(BIN)
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&scenario)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "exit {:?}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.stdout.is_empty(),
        "--quiet printed: {}",
        String::from_utf8_lossy(&o.stdout)
    );

    // report.html: self-contained, escaped, every section present.
    let html = read(&out.join("report.html"));
    let lower = html.to_ascii_lowercase();
    for bad in [
        "src=\"http",
        "href=\"http",
        "<link",
        "<script",
        "@import",
        "url(",
    ] {
        assert!(!lower.contains(bad), "report.html contains {bad}");
    }
    assert!(html.contains("Short mission &lt;test&gt; &amp; friends"));
    assert!(html.contains("A. &lt;Tester&gt;"));
    for id in [
        "overview",
        "numbers",
        "timeline",
        "altitude",
        "groundtrack",
        "rendezvous",
        "entry",
        "landing",
        "events",
        "method",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "section {id}"
        );
    }
    assert!(html.matches("<svg").count() >= 3, "three inline figures");

    // summary.json: contract keys; orbits equal the station's ascending nodes in events.json.
    let s = json(&out.join("summary.json"));
    assert_eq!(s["launch_utc"], "2007-10-10T13:22:39.000000Z");
    assert_eq!(s["duration_s"].as_f64(), Some(86_400.0));
    let orbits = s["orbits"].as_i64().unwrap();
    let ev = json(&out.join("events.json"));
    let list = ev["events"].as_array().unwrap();
    let nodes = list
        .iter()
        .filter(|e| e["object"] == "station" && e["label"] == "ascending node")
        .count() as i64;
    assert_eq!(orbits, nodes);
    // A 91.4-min orbit crosses the ascending node 15 or 16 times a day.
    assert!((15..=16).contains(&orbits), "orbits {orbits}");
    assert_eq!(s["orbit_jobs"].as_array().map(|a| a.len()), Some(2));
    assert!(list
        .iter()
        .any(|e| e["origin"] == "published" && e["kind"] == "docking"));
    assert!(read(&out.join("events.txt")).contains("lift-off"));

    // Ground tracks: GeoJSON parses with two lines and the two points; KML is a closed document.
    for id in ["station", "capsule"] {
        let g = json(&out.join(format!("{id}-groundtrack.geojson")));
        assert_eq!(g["type"], "FeatureCollection");
        let f = g["features"].as_array().unwrap();
        assert_eq!(f.len(), 4, "{id}: 2 tracks + launch site + landing point");
        let lat = f[0]["geometry"]["coordinates"]
            .as_array()
            .and_then(|c| c.first().cloned())
            .or_else(|| {
                f[0]["geometry"]["coordinates"][0]
                    .as_array()
                    .and_then(|c| c.first().cloned())
            });
        assert!(lat.is_some(), "{id}: first track has coordinates");
        let kml = read(&out.join(format!("{id}-groundtrack.kml")));
        assert!(kml.starts_with("<?xml") && kml.trim_end().ends_with("</kml>"));
        assert!(kml.contains("<LineString>") || kml.contains("<MultiGeometry>"));
    }

    // CZML: document packet then one packet per object, Earth-fixed, Lagrange 5.
    let c = json(&out.join("mission.czml"));
    let packets = c.as_array().unwrap();
    assert_eq!(packets[0]["id"], "document");
    assert!(packets[0]["clock"]["interval"]
        .as_str()
        .unwrap()
        .contains('/'));
    assert_eq!(packets.len(), 3);
    for p in &packets[1..] {
        assert_eq!(p["position"]["referenceFrame"], "FIXED");
        assert_eq!(p["position"]["interpolationDegree"], 5);
        let cart = p["position"]["cartesian"].as_array().unwrap();
        assert_eq!(cart.len() % 4, 0);
        // Positions are Earth-centred metres: radius between 6,500 and 6,800 km.
        let r = (cart[1].as_f64().unwrap().powi(2)
            + cart[2].as_f64().unwrap().powi(2)
            + cart[3].as_f64().unwrap().powi(2))
        .sqrt();
        assert!((6.5e6..6.8e6).contains(&r), "radius {r} m");
    }

    // Figures and the older outputs.
    for f in [
        "altitude.png",
        "altitude.svg",
        "groundtrack_first_orbits.png",
        "groundtrack_first_orbits.svg",
        "timeline.png",
        "timeline.svg",
        "summary.md",
        "station.oem",
        "capsule.csv",
    ] {
        let m = std::fs::metadata(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(m.len() > 100, "{f} is nearly empty");
    }
    // No temporary files left behind.
    for e in std::fs::read_dir(&out).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!n.ends_with(".tmp") && !n.contains(".tmp."), "left {n}");
    }
}

#[test]
fn bad_mission_table_exits_2_with_location_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("bad.toml");
    let bad = SCENARIO.replace("kind = \"docking\"", "kind = \"dockin\"");
    std::fs::write(&scenario, bad).unwrap();
    let out = dir.path().join("out");
    let o = Command::new(BIN)
        .args(["run", "--out"])
        .arg(&out)
        .arg(&scenario)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("timeline[1].kind") && err.contains("dockin"),
        "{err}"
    );
    assert!(err.contains("bad.toml:"), "{err}");
    assert!(!out.join("report.html").exists());
}
