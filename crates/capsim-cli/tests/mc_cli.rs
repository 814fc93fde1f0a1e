//! End-to-end tests of `capsim mc` and `capsim mc-merge` on the synthetic model
//! (scenarios/mc/synthetic.toml): determinism across threads, shards and resume; bad input
//! located in the file; failures recorded, not fatal; outputs present.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_capsim");

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/mc/synthetic.toml")
}

fn capsim(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the capsim binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn run_mc(out: &Path, extra: &[&str]) -> Output {
    let sc = scenario();
    let mut args = vec![
        "mc",
        sc.to_str().unwrap(),
        "--samples",
        "1500",
        "--seed",
        "7",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    capsim(&args)
}

fn ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

#[test]
fn one_and_two_threads_give_identical_bytes_and_all_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("t1"), dir.path().join("t2"));
    ok(&run_mc(&a, &["--threads", "1"]));
    ok(&run_mc(&b, &["--threads", "2"]));
    for f in [
        "samples.csv",
        "summary.json",
        "footprint.geojson",
        "footprint.kml",
    ] {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{f} differs between 1 and 2 threads"
        );
    }
    for f in [
        "footprint.png",
        "footprint.svg",
        "g_load_hist.png",
        "g_load_hist.svg",
    ] {
        assert!(fs::metadata(a.join(f)).unwrap().len() > 1000, "{f}");
    }
    let csv = fs::read_to_string(a.join("samples.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1501);
    assert!(csv.starts_with("index,status,reason,mode,landing_lat_deg,landing_lon_deg,miss_km,peak_g,peak_heat_flux_w_m2,heat_load_j_m2,flight_time_s,touchdown_speed_m_s\n0,ok,"));
    // The guided samples are N(target, C) with C = [[36, 36], [36, 225]] km² (the scenario's
    // covariance): their sample means lie within 4 standard errors of the target.
    let s: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(a.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["samples"]["total"], 1500);
    let modes = &s["counts_by_mode"];
    let n_ball = modes["ballistic"].as_u64().unwrap() as f64;
    // 5 % ballistic: within 4 binomial σ.
    assert!((n_ball / 1500.0 - 0.05).abs() < 4.0 * (0.05 * 0.95 / 1500.0f64).sqrt());
    assert!(s["landing"]["ellipses"].as_array().unwrap().len() == 3);
    assert!(
        s["quantities"]["peak_g"]["percentiles"]["p50"]
            .as_f64()
            .unwrap()
            > 3.5
    );
}

#[test]
fn four_shards_merged_equal_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    ok(&run_mc(&whole, &[]));
    let mut shards = Vec::new();
    for k in 0..4 {
        let d = dir.path().join(format!("shard{k}"));
        ok(&run_mc(
            &d,
            &["--shard", &format!("{k}/4"), "--threads", "1"],
        ));
        shards.push(d);
    }
    // A missing shard is refused.
    let merged = dir.path().join("merged");
    let o = capsim(&[
        "mc-merge",
        shards[0].to_str().unwrap(),
        shards[2].to_str().unwrap(),
        shards[3].to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("shard 1/4 is missing"),
        "{}",
        text(&o.stderr)
    );
    let mut args = vec!["mc-merge".to_string()];
    // Any order.
    for d in shards.iter().rev() {
        args.push(d.to_str().unwrap().into());
    }
    args.extend(["--out".into(), merged.to_str().unwrap().into()]);
    let args: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    ok(&capsim(&args));
    for f in ["samples.csv", "summary.json", "campaign.json"] {
        assert_eq!(
            fs::read(whole.join(f)).unwrap(),
            fs::read(merged.join(f)).unwrap(),
            "{f}: merged shards differ from one run"
        );
    }
}

#[test]
fn resume_after_a_cut_mid_line_equals_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    ok(&run_mc(&whole, &[]));
    let cut = dir.path().join("cut");
    ok(&run_mc(&cut, &[]));
    // Simulate a crash: keep 40 % of the file, ending inside a row, and mark it incomplete.
    let csv = fs::read(cut.join("samples.csv")).unwrap();
    let at = csv.len() * 2 / 5;
    assert_ne!(csv[at - 1], b'\n');
    fs::write(cut.join("samples.csv"), &csv[..at]).unwrap();
    for f in ["summary.json", "footprint.geojson"] {
        fs::remove_file(cut.join(f)).unwrap();
    }
    // Without --resume the folder is refused; with another seed too.
    let o = run_mc(&cut, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--resume"), "{}", text(&o.stderr));
    let sc = scenario();
    let o = capsim(&[
        "mc",
        sc.to_str().unwrap(),
        "--samples",
        "1500",
        "--seed",
        "8",
        "--quiet",
        "--resume",
        "--out",
        cut.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("belongs to another campaign"),
        "{}",
        text(&o.stderr)
    );
    ok(&run_mc(&cut, &["--resume"]));
    for f in ["samples.csv", "summary.json", "campaign.json"] {
        assert_eq!(
            fs::read(whole.join(f)).unwrap(),
            fs::read(cut.join(f)).unwrap(),
            "{f}: resumed run differs"
        );
    }
}

#[test]
fn bad_dispersions_exit_2_with_locations() {
    let dir = tempfile::tempdir().unwrap();
    let base = fs::read_to_string(scenario()).unwrap();
    let bad = format!(
        "{base}\n[[dispersion]]\nkey = \"mc.gaussian_footprint.no_such_value\"\nnormal = {{ sd = 1.0 }}\n\n[[dispersion]]\nkey = \"mc.gaussian_footprint.g_limit\"\nnormal = {{ sd = -3.0 }}\n"
    );
    let p = dir.path().join("bad.toml");
    fs::write(&p, &bad).unwrap();
    let n = base.lines().count();
    let o = capsim(&[
        "mc",
        p.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("2 problems"), "{e}");
    assert!(
        e.contains(&format!("bad.toml:{}:7: dispersion[7].key: 'mc.gaussian_footprint.no_such_value' is not a value", n + 3)),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "bad.toml:{}:10: dispersion[8].normal: standard deviation -3",
            n + 8
        )),
        "{e}"
    );
    assert!(!dir.path().join("o").exists());
}

#[test]
fn failed_samples_are_rows_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let base = fs::read_to_string(scenario()).unwrap();
    // g_limit 8 g: ballistic samples (peak g ≈ 2.1 × 4) mostly fail.
    let p = dir.path().join("lim.toml");
    fs::write(&p, base.replace("g_limit = 12.0", "g_limit = 8.0")).unwrap();
    let out = dir.path().join("o");
    let o = capsim(&[
        "mc",
        p.to_str().unwrap(),
        "--samples",
        "600",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let csv = fs::read_to_string(out.join("samples.csv")).unwrap();
    let failed = csv
        .lines()
        .filter(|l| l.contains(",failed,peak g above limit,"))
        .count();
    assert!(failed > 0);
    let s: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        s["failures_by_reason"]["peak g above limit"].as_u64(),
        Some(failed as u64)
    );
    assert_eq!(csv.lines().count(), 601);
}

/// Ctrl-C (SIGINT) stops after the current chunk: exit 1, a valid partial samples.csv of whole
/// chunks in index order, and a campaign.json marked incomplete.
#[cfg(unix)]
#[test]
fn sigint_leaves_a_valid_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let sc = scenario();
    let child = Command::new(BIN)
        .args([
            "mc",
            sc.to_str().unwrap(),
            "--samples",
            "50000000",
            "--seed",
            "3",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until some rows are on disk, then interrupt.
    let csv = out.join("samples.csv");
    let t0 = std::time::Instant::now();
    while fs::metadata(&csv).map_or(0, |m| m.len()) < 200_000 {
        assert!(t0.elapsed().as_secs() < 60, "no progress");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("interrupted"),
        "{}",
        text(&o.stderr)
    );
    let body = fs::read_to_string(&csv).unwrap();
    assert!(body.ends_with('\n'));
    let rows: Vec<&str> = body.lines().skip(1).collect();
    assert!(
        !rows.is_empty() && rows.len().is_multiple_of(256),
        "{} rows",
        rows.len()
    );
    for (i, l) in rows.iter().enumerate() {
        assert!(l.starts_with(&format!("{i},")), "row {i}: {l}");
        assert_eq!(l.split(',').count(), 12);
    }
    let meta = fs::read_to_string(out.join("campaign.json")).unwrap();
    assert!(meta.contains("\"completed\": false"), "{meta}");
}

#[test]
fn a_scenario_needs_orbits_or_mc() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.toml");
    fs::write(&p, "name = \"empty\"\n").unwrap();
    let o = capsim(&[
        "mc",
        p.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("nothing to run"),
        "{}",
        text(&o.stderr)
    );
    // [mc] problems are located too.
    let base = fs::read_to_string(scenario()).unwrap();
    fs::write(
        &p,
        base.replace("model = \"gaussian-footprint\"", "model = \"warp\"")
            .replace("target_lat_deg = 51.0778", "target_lat_deg = 91.0"),
    )
    .unwrap();
    let o = capsim(&[
        "mc",
        p.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(
        e.contains("empty.toml:10:9: mc.model: unknown model 'warp'"),
        "{e}"
    );
    assert!(
        e.contains("mc.target_lat_deg: 91 must be within [-90, 90]"),
        "{e}"
    );
}
