//! Criterion benchmarks of the Lambert solver (Izzo 2015): a 0-rev LEO transfer with
//! `solve_lambert_single` (no allocation) and `solve_lambert`, and a 5-revolution search
//! (11 solutions) with `solve_lambert`.
//!
//! `cargo bench -p capsim --bench lambert`

use capsim::constants::GM_EARTH_M3_S2;
use capsim::frames::{Gcrf, Vec3};
use capsim::gnc::lambert::{solve_lambert, solve_lambert_single, TransferDirection};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn bench_lambert(c: &mut Criterion) {
    let r1 = Vec3::<Gcrf>::new(6_778_000.0, 0.0, 0.0);
    let r2 = Vec3::<Gcrf>::new(-2_000_000.0, 6_500_000.0, 2_900_000.0);
    let p = TransferDirection::Prograde;
    c.bench_function("lambert 0-rev single (LEO, 1 h)", |b| {
        b.iter(|| solve_lambert_single(black_box(&r1), black_box(&r2), 3600.0, GM_EARTH_M3_S2, p))
    });
    c.bench_function("lambert 0-rev via solve_lambert (LEO, 1 h)", |b| {
        b.iter(|| solve_lambert(black_box(&r1), black_box(&r2), 3600.0, GM_EARTH_M3_S2, p, 0))
    });
    c.bench_function("lambert up to 5 revs (LEO, 9 h, 11 solutions)", |b| {
        b.iter(|| {
            solve_lambert(
                black_box(&r1),
                black_box(&r2),
                32_400.0,
                GM_EARTH_M3_S2,
                p,
                5,
            )
        })
    });
}

criterion_group!(benches, bench_lambert);
criterion_main!(benches);
