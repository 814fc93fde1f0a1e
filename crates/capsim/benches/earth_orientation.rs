//! Earth-orientation timings: exact IAU 2006/2000A GCRF→ITRF, the cache query used by force
//! models (at scattered times and at slowly increasing times as an integrator makes them), the cache build for a 192-day propagation, and an EOP table lookup.
//!
//! Run by hand: `cargo bench -p capsim --bench earth_orientation`.

use capsim::frames::earth_orientation::{gcrf_to_itrf, EarthOrientationCache};
use capsim::frames::eop::EopTable;
use capsim::time::{tt_seconds_j2000, Epoch, Unit};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let table = EopTable::shipped();
    let start = Epoch::from_gregorian_utc(2007, 10, 10, 13, 22, 0, 0);
    let end = start + 192.0 * Unit::Day;
    let eop = match table.at(start) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    let cache = match EarthOrientationCache::new(table, start, end) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let t0 = tt_seconds_j2000(start);

    c.bench_function("gcrf_to_itrf exact (xys06a)", |b| {
        b.iter(|| gcrf_to_itrf(black_box(start), black_box(&eop)))
    });
    let mut k = 0u64;
    c.bench_function("cache gcrf_to_itrf_matrix", |b| {
        b.iter(|| {
            k = (k + 7919) % 1_000_000;
            cache.gcrf_to_itrf_matrix(black_box(t0 + k as f64 * 16.0))
        })
    });
    // As an integrator calls it: slowly increasing times (10 s apart), wrapping over the span.
    let mut t = t0;
    let t_end = t0 + 190.0 * 86_400.0;
    c.bench_function("cache gcrf_to_itrf_matrix sequential", |b| {
        b.iter(|| {
            t += 10.0;
            if t > t_end {
                t = t0;
            }
            cache.gcrf_to_itrf_matrix(black_box(t))
        })
    });
    c.bench_function("cache build 192 days", |b| {
        b.iter(|| EarthOrientationCache::new(table, black_box(start), black_box(end)))
    });
    c.bench_function("EopTable::at", |b| b.iter(|| table.at(black_box(start))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
