//! Per-sample cost of the Monte-Carlo building blocks: stream creation, draws, streaming
//! statistics and projection. The whole runner is timed with `capsim mc` (docs/models.md, Monte-Carlo).

use capsim::mc::dist::{MultiNormal, Scalar};
use capsim::mc::footprint::LocalPlane;
use capsim::mc::rng::sample_rng;
use capsim::mc::stats::{Distribution1, Running2};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    c.bench_function("mc/sample_rng+normal", |b| {
        let d = Scalar::Normal { mean: 0.0, sd: 1.0 };
        let mut i = 0u64;
        b.iter(|| {
            i += 1;
            let mut rng = sample_rng(1, i);
            black_box(d.sample(&mut rng))
        })
    });
    c.bench_function("mc/truncated_normal_tail", |b| {
        let d = Scalar::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            min: 3.0,
            max: 8.0,
        };
        let mut rng = sample_rng(1, 0);
        b.iter(|| black_box(d.sample(&mut rng)))
    });
    c.bench_function("mc/multinormal_3", |b| {
        let cov = vec![
            vec![4.0, 1.0, 0.0],
            vec![1.0, 2.0, 0.5],
            vec![0.0, 0.5, 1.0],
        ];
        let d = MultiNormal::new(&[0.0; 3], &cov).unwrap_or_else(|e| panic!("{e}"));
        let mut rng = sample_rng(1, 0);
        let (mut z, mut x) = ([0.0; 3], [0.0; 3]);
        b.iter(|| {
            d.sample_into(&mut rng, &mut z, &mut x);
            black_box(x[0])
        })
    });
    c.bench_function("mc/stats_push_point_and_5_percentiles", |b| {
        let mut r = Running2::new();
        let mut q = Distribution1::new(&[0.01, 0.05, 0.5, 0.95, 0.99]);
        let mut x = 0.0f64;
        b.iter(|| {
            x += 0.618;
            let v = x.sin();
            r.push(v, x.cos());
            q.push(v);
        });
        black_box((r, q));
    });
    c.bench_function("mc/project_to_en", |b| {
        let p = LocalPlane::new(47.0, 69.0);
        b.iter(|| black_box(p.to_en_km(black_box(47.3), black_box(69.4))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
