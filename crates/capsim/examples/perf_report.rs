//! The documented speed-and-accuracy measurement behind docs/performance.md.
//!
//! `cargo run --release -p capsim --example perf_report [-- --quick]`
//!
//! Propagates an ISS-like orbit (a = 6718 km, e = 0.0006, i = 51.64°, from 2007-10-10 13:31 UTC)
//! for 1 day and for 192 days (the length of the Soyuz TMA-11 mission) with (a) J2 only and
//! (b) the EGM2008 20×20 field with full IAU 2006/2000A Earth orientation, at several relative
//! tolerances, and reports per case: wall time (median of repeated runs, one core), time per
//! orbit, force evaluations per orbit, and the final position error against a very tight run
//! of the same case (rtol 1e-14 unless `--truth-rtol`). The `j2` case (pole along GCRF z,
//! EGM2008 constants) is the very set of equations `bench/scipy_dop853.py` integrates, for the
//! scipy ratio. Options: `--quick`, `--long-only`, `--rtols a,b`, `--atol x`, `--truth-rtol x`;
//! `--full [--days N]` runs instead the issue-#3 case (20×20 + NRLMSISE-00 drag + Sun + Moon)
//! with each density-sampling setting against an exact-density rtol-1e-14 run.

use capsim::dynamics::{ForceSpec, OrbitPropagator};
use capsim::frames::earth_orientation::EarthOrientationCache;
use capsim::frames::eop::EopTable;
use capsim::propagate::{IntegratorConfig, Method};
use capsim::state::cartesian::OrbitState;
use capsim::state::keplerian::Keplerian;
use capsim::time::{Duration, Epoch};
use std::sync::Arc;
use std::time::Instant;

fn initial() -> OrbitState {
    let k = Keplerian {
        a_m: 6_718_000.0,
        e: 0.0006,
        i_rad: 51.64f64.to_radians(),
        raan_rad: 0.0,
        argp_rad: 0.0,
        true_anomaly_rad: 0.0,
    };
    let epoch = Epoch::from_gregorian_utc(2007, 10, 10, 13, 31, 28, 0);
    k.to_state(epoch, capsim::constants::GM_EARTH_M3_S2)
        .expect("valid elements")
}

fn run(
    force: &ForceSpec,
    days: f64,
    rtol: f64,
    atol: f64,
    cache: &Arc<EarthOrientationCache>,
) -> (f64, OrbitState, u64) {
    let s0 = initial();
    let cfg = IntegratorConfig {
        method: Method::Dop853,
        rel_tol: rtol,
        abs_tol: atol,
        ..Default::default()
    };
    let p = OrbitPropagator::new(
        vec![force.build().expect("model")],
        cfg,
        Some(cache.clone()),
    );
    let t = Instant::now();
    let r = p
        .propagate(&s0, s0.epoch + Duration::from_days(days), None, &mut [])
        .expect("propagation");
    (
        t.elapsed().as_secs_f64(),
        r.final_state,
        r.force_evaluations,
    )
}

/// 20×20 + NRLMSISE-00 drag (observed space weather) + Sun + Moon, the issue-#3 benchmark case.
fn run_full(
    days: f64,
    rtol: f64,
    sampling: capsim::dynamics::drag::DensitySampling,
    cache: &Arc<EarthOrientationCache>,
) -> (f64, OrbitState, u64) {
    use capsim::dynamics::{BuildContext, ForceSpec as F};
    use capsim::env::space_weather::SpaceWeatherSource;
    let s0 = initial();
    let end = s0.epoch + Duration::from_days(days);
    let cx = BuildContext {
        vehicle: capsim::vehicle::BallisticProperties {
            mass_kg: 250_000.0,
            drag_area_m2: 1_100.0,
            cd: 2.2,
            srp_area_m2: 1_100.0,
            cr: 1.3,
        },
        space_weather: Some(Arc::new(SpaceWeatherSource::shipped())),
        span_tt_s: (
            capsim::time::tt_seconds_j2000(s0.epoch),
            capsim::time::tt_seconds_j2000(end),
        ),
        density_sampling: sampling,
    };
    let forces = [
        F::Gravity {
            degree: 20,
            order: 20,
        },
        F::Drag {
            atmosphere: capsim::dynamics::AtmosphereKind::Nrlmsise00,
        },
        F::Sun,
        F::Moon,
    ]
    .iter()
    .map(|f| f.build_with(&cx).expect("model"))
    .collect();
    let cfg = IntegratorConfig {
        method: Method::Dop853,
        rel_tol: rtol,
        ..Default::default()
    };
    let t = Instant::now();
    let p = OrbitPropagator::new(forces, cfg, Some(cache.clone()));
    let r = p.propagate(&s0, end, None, &mut []).expect("propagation");
    (
        t.elapsed().as_secs_f64(),
        r.final_state,
        r.force_evaluations,
    )
}

fn full_report(cache: &Arc<EarthOrientationCache>, period_s: f64, days: f64, repeats: usize) {
    use capsim::dynamics::drag::DensitySampling;
    let orbits = days * 86_400.0 / period_s;
    let (_, truth, _) = run_full(days, 1e-14, DensitySampling::EveryEvaluation, cache);
    println!("\n20x20 + NRLMSISE-00 drag + Sun + Moon, {days} d ({orbits:.0} orbits); error vs exact density at rtol 1e-14");
    println!("| density sampling | rtol | wall (median) | per orbit | force evals / orbit | final error |");
    println!("|---|---|---|---|---|---|");
    for sampling in [
        DensitySampling::EveryEvaluation,
        DensitySampling::Anchored { spacing_s: 30.0 },
        DensitySampling::Anchored { spacing_s: 60.0 },
        DensitySampling::Anchored { spacing_s: 120.0 },
    ] {
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..repeats {
            let (dt, fin, evals) =
                run_full(days, IntegratorConfig::default().rel_tol, sampling, cache);
            times.push(dt);
            last = Some((fin, evals));
        }
        let (fin, evals) = last.expect("one run");
        let med = median(times);
        println!(
            "| {sampling:?} | {:e} | {med:.3} s | {:.3} ms | {:.0} | {:.2} m |",
            IntegratorConfig::default().rel_tol,
            1e3 * med / orbits,
            evals as f64 / orbits,
            (fin.r - truth.r).norm()
        );
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let atol: f64 = flag("--atol")
        .and_then(|s| s.parse().ok())
        .unwrap_or(IntegratorConfig::default().abs_tol);
    let only_long = args.iter().any(|a| a == "--long-only");
    let s0 = initial();
    let period_s = 2.0
        * std::f64::consts::PI
        * (6_718_000.0f64.powi(3) / capsim::constants::GM_EARTH_M3_S2).sqrt();
    let cache = Arc::new(
        EarthOrientationCache::new(
            EopTable::shipped(),
            s0.epoch - Duration::from_days(1.0),
            s0.epoch + Duration::from_days(194.0),
        )
        .expect("EOP covers 2007-2008"),
    );
    let cases: Vec<(&str, ForceSpec)> = vec![
        ("j2", ForceSpec::Zonal { max_degree: 2 }),
        (
            "gravity 20x20",
            ForceSpec::Gravity {
                degree: 20,
                order: 20,
            },
        ),
    ];
    let default_rtols = if quick {
        vec![IntegratorConfig::default().rel_tol]
    } else {
        vec![1e-10, 1e-11, 1e-12]
    };
    let tolerances: Vec<f64> = flag("--rtols")
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or(default_rtols);
    println!("atol = {atol:e}");
    let truth_label: f64 = flag("--truth-rtol")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1e-14);
    println!("| case | span | rtol | wall (median) | per orbit | force evals / orbit | final error vs rtol {truth_label:e} |");
    println!("|---|---|---|---|---|---|---|");
    if args.iter().any(|a| a == "--full") {
        let days: f64 = flag("--days").and_then(|s| s.parse().ok()).unwrap_or(192.0);
        full_report(&cache, period_s, days, if quick { 1 } else { 3 });
        return;
    }
    let spans: &[f64] = if only_long { &[192.0] } else { &[1.0, 192.0] };
    for &days in spans {
        let orbits = days * 86_400.0 / period_s;
        let repeats = if days < 2.0 {
            21
        } else if quick {
            1
        } else {
            5
        };
        for (name, force) in &cases {
            let truth_rtol: f64 = flag("--truth-rtol")
                .and_then(|s| s.parse().ok())
                .unwrap_or(1e-14);
            let (_, truth, _) = run(force, days, truth_rtol, 1e-9, &cache);
            for &rtol in &tolerances {
                let mut times = Vec::new();
                let mut last = None;
                for _ in 0..repeats {
                    let (dt, fin, evals) = run(force, days, rtol, atol, &cache);
                    times.push(dt);
                    last = Some((fin, evals));
                }
                let (fin, evals) = last.expect("at least one run");
                let err = (fin.r - truth.r).norm();
                let med = median(times);
                println!(
                    "| {name} | {days} d ({orbits:.0} orbits) | {rtol:e} | {:.4} s | {:.4} ms | {:.0} | {:.3} m |",
                    med,
                    1e3 * med / orbits,
                    evals as f64 / orbits,
                    err
                );
            }
        }
    }
}
