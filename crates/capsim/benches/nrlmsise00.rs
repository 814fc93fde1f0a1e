//! One NRLMSISE-00 evaluation (criterion): the model alone at 400 km (ap history and daily
//! Ap) and 20 km, and through the `AtmosphereModel` trait object including the TT→UTC
//! day-of-year/seconds conversion. Timed by hand: `cargo bench -p capsim --bench nrlmsise00`.

use capsim::env::atmosphere::nrlmsise00::{MsisAp, MsisInputs, Nrlmsise00};
use capsim::env::atmosphere::{AtmosphereModel, AtmosphereQuery};
use capsim::env::space_weather::SpaceWeatherValues;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench_nrlmsise00(c: &mut Criterion) {
    let model = Nrlmsise00::new();
    let base = MsisInputs {
        day_of_year: 172,
        ut_seconds_of_day: 29000.0,
        alt_km: 400.0,
        glat_deg: 60.0,
        glong_deg: -70.0,
        lst_h: 16.0,
        f107a_sfu: 150.0,
        f107_sfu: 150.0,
        ap: MsisAp::History([100.0; 7]),
    };
    let mut group = c.benchmark_group("nrlmsise00");
    group.bench_function("gtd7_400km_ap_history", |b| {
        b.iter(|| model.evaluate_inputs(black_box(&base)))
    });
    let daily = MsisInputs {
        ap: MsisAp::Daily(4.0),
        ..base
    };
    group.bench_function("gtd7_400km_ap_daily", |b| {
        b.iter(|| model.evaluate_inputs(black_box(&daily)))
    });
    let low = MsisInputs {
        alt_km: 20.0,
        ..base
    };
    group.bench_function("gtd7_20km_ap_history", |b| {
        b.iter(|| model.evaluate_inputs(black_box(&low)))
    });
    let dynamic: Box<dyn AtmosphereModel> = Box::new(Nrlmsise00::new());
    let q = AtmosphereQuery {
        alt_m: 400e3,
        lat_rad: 0.9,
        lon_rad: -1.2,
        tt_s: 2.4e8,
        space_weather: Some(SpaceWeatherValues {
            f107_prev_day_sfu: 70.0,
            f107_81day_sfu: 72.0,
            ap_daily: 5.0,
            ap_array: [5.0, 3.0, 4.0, 7.0, 6.0, 5.0, 4.0],
        }),
    };
    group.bench_function("trait_400km_with_time_conversion", |b| {
        b.iter(|| dynamic.evaluate(black_box(&q)))
    });
    group.finish();
}

criterion_group!(benches, bench_nrlmsise00);
criterion_main!(benches);
