//! One atmosphere evaluation per model (criterion). Timed by hand:
//! `cargo bench -p capsim --bench atmosphere`.

use capsim::env::atmosphere::exponential::Exponential;
use capsim::env::atmosphere::us76::Us76;
use capsim::env::atmosphere::{AtmosphereModel, AtmosphereQuery};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench_atmosphere(c: &mut Criterion) {
    let mut group = c.benchmark_group("atmosphere_evaluate");
    let us76 = Us76::new();
    let exponential = Exponential::vallado();
    // Below 86 km (closed form) and above (table interpolation).
    for (label, alt_m) in [("30km", 30_000.0), ("82km", 82_000.0), ("400km", 400_000.0)] {
        let q = AtmosphereQuery::at_altitude(alt_m);
        group.bench_function(format!("us76_{label}"), |b| {
            b.iter(|| us76.evaluate(black_box(&q)))
        });
        group.bench_function(format!("exponential_{label}"), |b| {
            b.iter(|| exponential.evaluate(black_box(&q)))
        });
    }
    // A sweep through the trait object, as a drag force would call it.
    let models: [Box<dyn AtmosphereModel>; 2] = [Box::new(us76), Box::new(exponential)];
    let alts: Vec<f64> = (0..1000).map(|i| i as f64 * 997.0).collect();
    for m in &models {
        group.bench_function(format!("{}_dyn_sweep_1000", m.name()), |b| {
            b.iter(|| {
                let mut s = 0.0;
                for &a in &alts {
                    if let Ok(x) = m.evaluate(&AtmosphereQuery::at_altitude(black_box(a))) {
                        s += x.density_kg_m3;
                    }
                }
                s
            })
        });
    }
    group.finish();
}

fn bench_us76_table_build(c: &mut Criterion) {
    // The first Us76::new() in a process builds the table; afterwards it is shared. This times
    // only the cached path (the build cost is measured once in the doc).
    c.bench_function("us76_new_cached", |b| b.iter(Us76::new));
}

criterion_group!(benches, bench_atmosphere, bench_us76_table_build);
criterion_main!(benches);
