//! One gravitational-acceleration evaluation per model (criterion). Timed by hand:
//! `cargo bench -p capsim --bench gravity`.

use capsim::env::gravity::{GravityField, PointMass, SphericalHarmonicGravity, ZonalGravity};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use nalgebra::Vector3;

fn bench_gravity(c: &mut Criterion) {
    // An ISS-like position, Earth-fixed, m.
    let r = Vector3::new(4_123_456.0, -2_345_678.0, 4_567_890.0);
    let mut group = c.benchmark_group("gravity_acceleration");
    let point = PointMass::earth();
    group.bench_function("point_mass", |b| {
        b.iter(|| point.acceleration_raw(black_box(&r)))
    });
    let j2 = ZonalGravity::j2_only();
    group.bench_function("zonal_J2", |b| {
        b.iter(|| j2.acceleration_raw(black_box(&r)))
    });
    if let Ok(j6) = ZonalGravity::egm2008(6) {
        group.bench_function("zonal_J2-J6", |b| {
            b.iter(|| j6.acceleration_raw(black_box(&r)))
        });
    }
    for n in [20usize, 70, 90] {
        if let Ok(sh) = SphericalHarmonicGravity::egm2008(n, n) {
            group.bench_function(format!("sh_{n}x{n}"), |b| {
                b.iter(|| sh.acceleration_raw(black_box(&r)))
            });
        }
    }
    // Through the trait object, as a force model would call it.
    if let Ok(sh) = SphericalHarmonicGravity::egm2008(20, 20) {
        let dynamic: Box<dyn GravityField> = Box::new(sh);
        group.bench_function("sh_20x20_dyn", |b| {
            b.iter(|| dynamic.acceleration_raw(black_box(&r)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_gravity);
criterion_main!(benches);
