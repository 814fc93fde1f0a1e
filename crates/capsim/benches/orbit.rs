//! Criterion benchmarks of whole propagations: ISS-like orbit for 1 day and 192 days (the
//! Soyuz TMA-11 mission) with J2 only and with the EGM2008 20×20 field and full Earth
//! orientation, at the default tolerance. Errors against a tight run are measured by
//! `examples/perf_report.rs`; both are recorded in docs/performance.md.
//!
//! `cargo bench -p capsim --bench orbit`

use capsim::dynamics::{ForceSpec, OrbitPropagator};
use capsim::frames::earth_orientation::EarthOrientationCache;
use capsim::frames::eop::EopTable;
use capsim::propagate::IntegratorConfig;
use capsim::state::keplerian::Keplerian;
use capsim::time::{Duration, Epoch};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::sync::Arc;

fn bench_orbits(c: &mut Criterion) {
    let s0 = Keplerian {
        a_m: 6_718_000.0,
        e: 0.0006,
        i_rad: 51.64f64.to_radians(),
        raan_rad: 0.0,
        argp_rad: 0.0,
        true_anomaly_rad: 0.0,
    }
    .to_state(
        Epoch::from_gregorian_utc(2007, 10, 10, 13, 31, 28, 0),
        capsim::constants::GM_EARTH_M3_S2,
    )
    .expect("valid elements");
    let cache = Arc::new(
        EarthOrientationCache::new(
            EopTable::shipped(),
            s0.epoch - Duration::from_days(1.0),
            s0.epoch + Duration::from_days(194.0),
        )
        .expect("EOP span"),
    );
    let mut group = c.benchmark_group("iss_orbit");
    group.sample_size(10);
    for (name, force) in [
        ("j2", ForceSpec::Zonal { max_degree: 2 }),
        (
            "20x20",
            ForceSpec::Gravity {
                degree: 20,
                order: 20,
            },
        ),
    ] {
        let prop = OrbitPropagator::new(
            vec![force.build().expect("model")],
            IntegratorConfig::default(),
            Some(cache.clone()),
        );
        for days in [1.0, 192.0] {
            let end = s0.epoch + Duration::from_days(days);
            group.bench_function(format!("{name}_{days}d"), |b| {
                b.iter(|| {
                    black_box(
                        prop.propagate(black_box(&s0), end, None, &mut [])
                            .expect("propagation"),
                    )
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_orbits);
criterion_main!(benches);
