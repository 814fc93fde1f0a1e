//! One full deorbit-burn-to-touchdown entry trajectory (criterion): the unit of Monte-Carlo
//! work. (a) ballistic (rolling, zero mean lift), (b) constant bank 60°, Soyuz-like assumed
//! configuration (350 km circular orbit, 115 m/s retrograde burn, separation at 140 km,
//! drogue + main chutes, soft-landing engines). `cargo bench -p capsim --bench entry`.

use capsim::entry::{simulate_entry, BallisticRoll, ConstantBank, EntryOptions};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

#[path = "../tests/soyuz_fixture.rs"]
mod soyuz_fixture;

fn bench_entry(c: &mut Criterion) {
    let (cfg, x0) = soyuz_fixture::soyuz_like(false);
    let opts = EntryOptions::default();
    let mut g = c.benchmark_group("entry_trajectory");
    g.bench_function("ballistic_burn_to_touchdown", |b| {
        b.iter(|| {
            let mut law = BallisticRoll {
                roll_rate_rad_s: 0.2,
            };
            black_box(simulate_entry(black_box(&cfg), &x0, &mut law, &opts).map(|r| r.summary))
        })
    });
    g.bench_function("constant_bank_60deg_burn_to_touchdown", |b| {
        b.iter(|| {
            let mut law = ConstantBank {
                bank_rad: 60f64.to_radians(),
            };
            black_box(simulate_entry(black_box(&cfg), &x0, &mut law, &opts).map(|r| r.summary))
        })
    });
    g.finish();
}

criterion_group!(benches, bench_entry);
criterion_main!(benches);
