//! Integrator kernel cost: 100 orbits of an ISS-like two-body orbit with DOP853 (default
//! tolerances), with and without full dense output, and with an apsis detector.
//! Run: `cargo bench -p capsim --bench integrators`.

use capsim::propagate::{
    integrate, Apsis, ApsisKind, EventFunction, IntegratorConfig, OdeSystem, RhsError,
};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use nalgebra::SVector;

const MU: f64 = 3.986004418e14;

struct TwoBody;

impl OdeSystem<6> for TwoBody {
    #[inline]
    fn rhs(&mut self, _t: f64, y: &SVector<f64, 6>) -> Result<SVector<f64, 6>, RhsError> {
        let r2 = y[0] * y[0] + y[1] * y[1] + y[2] * y[2];
        let k = -MU / (r2 * r2.sqrt());
        Ok(SVector::<f64, 6>::new(
            y[3],
            y[4],
            y[5],
            k * y[0],
            k * y[1],
            k * y[2],
        ))
    }
}

fn iss() -> (SVector<f64, 6>, f64) {
    // a = 6778 km, e = 0.001, at perigee, i = 51.6°.
    let a = 6_778_000.0;
    let e = 0.001;
    let rp = a * (1.0 - e);
    let vp = (MU * (1.0 + e) / rp).sqrt();
    let i = 51.6f64.to_radians();
    let y0 = SVector::<f64, 6>::new(rp, 0.0, 0.0, 0.0, vp * i.cos(), vp * i.sin());
    let period = std::f64::consts::TAU * (a * a * a / MU).sqrt();
    (y0, period)
}

fn bench(c: &mut Criterion) {
    let (y0, period) = iss();
    let t_end = 100.0 * period;
    let mut g = c.benchmark_group("two_body_100_orbits");
    g.sample_size(20);
    for (name, dense) in [("dop853_dense", true), ("dop853_no_dense", false)] {
        let cfg = IntegratorConfig {
            dense_output: dense,
            ..IntegratorConfig::default()
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                integrate(
                    &mut TwoBody,
                    0.0,
                    black_box(&y0),
                    t_end,
                    &cfg,
                    &mut [],
                    &mut |_| {},
                )
            })
        });
    }
    let cfg = IntegratorConfig::default();
    g.bench_function("dop853_apsis_events", |b| {
        b.iter(|| {
            let mut apsis = Apsis::new(ApsisKind::Both);
            let mut ev: [&mut dyn EventFunction<6>; 1] = [&mut apsis];
            integrate(
                &mut TwoBody,
                0.0,
                black_box(&y0),
                t_end,
                &cfg,
                &mut ev,
                &mut |_| {},
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
