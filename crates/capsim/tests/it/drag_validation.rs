//! Drag validation: orbit decay in an exponential atmosphere against analytic theory and
//! against poliastro's published decay time.

use capsim::dynamics::drag::{DensitySampling, DragForce};
use capsim::dynamics::events::AltitudeCrossing;
use capsim::dynamics::{ForceModel, ForceSpec, OrbitPropagator};
use capsim::env::atmosphere::{
    AtmosphereError, AtmosphereModel, AtmosphereQuery, AtmosphereSample,
};
use capsim::frames::earth_orientation::EarthOrientationCache;
use capsim::frames::eop::EopTable;
use capsim::propagate::{EventFunction, IntegratorConfig};
use capsim::state::keplerian::Keplerian;
use capsim::time::{Duration, Epoch};
use capsim::vehicle::BallisticProperties;

use crate::support::read_validation;
use std::sync::Arc;

/// ρ = ρ0 exp(−h / H): poliastro's `rho0_earth` = 1.3 kg/m³ and `H0_earth` = 8.5 km.
#[derive(Debug)]
struct SingleExponential {
    rho0: f64,
    scale_height_m: f64,
}

impl AtmosphereModel for SingleExponential {
    fn name(&self) -> &'static str {
        "single exponential"
    }
    fn altitude_range_m(&self) -> (f64, f64) {
        (-1e3, 2e6)
    }
    fn evaluate(&self, q: &AtmosphereQuery) -> Result<AtmosphereSample, AtmosphereError> {
        Ok(AtmosphereSample {
            density_kg_m3: self.rho0 * (-q.alt_m / self.scale_height_m).exp(),
            temperature_k: None,
            pressure_pa: None,
            speed_of_sound_m_s: None,
        })
    }
}

const MU: f64 = capsim::constants::GM_EARTH_M3_S2;

fn vehicle() -> BallisticProperties {
    // poliastro's decay examples: Cd = 2.2, A/m = (π/4 m²) / 100 kg.
    BallisticProperties {
        mass_kg: 100.0,
        drag_area_m2: std::f64::consts::FRAC_PI_4,
        cd: 2.2,
        srp_area_m2: 0.0,
        cr: 1.0,
    }
}

fn setup(
    alt0_m: f64,
    days: f64,
) -> (
    capsim::state::cartesian::OrbitState,
    Arc<EarthOrientationCache>,
    Vec<Box<dyn ForceModel>>,
) {
    let epoch = Epoch::from_gregorian_utc(2007, 10, 12, 0, 0, 0, 0);
    let s0 = Keplerian {
        a_m: capsim::constants::WGS84_A_M + alt0_m,
        e: 0.0,
        i_rad: 0.0,
        raan_rad: 0.0,
        argp_rad: 0.0,
        true_anomaly_rad: 0.0,
    }
    .to_state(epoch, MU)
    .unwrap();
    let cache = Arc::new(
        EarthOrientationCache::new(
            EopTable::shipped(),
            epoch - Duration::from_days(1.0),
            epoch + Duration::from_days(days + 1.0),
        )
        .unwrap(),
    );
    let atmosphere = Arc::new(SingleExponential {
        rho0: 1.3,
        scale_height_m: 8_500.0,
    });
    let drag = DragForce::new(
        atmosphere,
        None,
        vehicle(),
        DensitySampling::EveryEvaluation,
    )
    .with_inertial_atmosphere();
    let forces: Vec<Box<dyn ForceModel>> =
        vec![ForceSpec::TwoBody.build().unwrap(), Box::new(drag)];
    (s0, cache, forces)
}

/// King-Hele (Theory of Satellite Orbits in an Atmosphere, 1964, ch. 4): for a circular orbit
/// in a non-rotating atmosphere the semi-major axis decays at da/dt = −ρ(a) (Cd A/m) √(μ a).
/// Over one day from 300 km (a drop of ~60 m, so ρ changes by < 1 %) the numerical mean decay
/// rate must match within 5 % (the criterion).
#[test]
fn circular_decay_rate_matches_king_hele() {
    let alt0 = 300e3;
    let (s0, cache, forces) = setup(alt0, 1.0);
    let prop = OrbitPropagator::new(forces, IntegratorConfig::default(), Some(cache));
    let res = prop
        .propagate(
            &s0,
            s0.epoch + Duration::from_days(1.0),
            Some(Duration::from_seconds(30.0)),
            &mut [],
        )
        .unwrap();
    // Mean semi-major axis over the first and the last orbit (removes the short-period wiggle).
    let period = 2.0 * std::f64::consts::PI * (s0.r.norm().powi(3) / MU).sqrt();
    let per_orbit = (period / 30.0) as usize;
    let mean_a = |states: &[capsim::state::cartesian::OrbitState]| {
        states
            .iter()
            .map(|s| 1.0 / (2.0 / s.r.norm() - s.v.norm_squared() / MU))
            .sum::<f64>()
            / states.len() as f64
    };
    let n = res.samples.len();
    let a_first = mean_a(&res.samples[..per_orbit]);
    let a_last = mean_a(&res.samples[n - per_orbit..]);
    let dt = (res.samples[n - per_orbit / 2].epoch - res.samples[per_orbit / 2].epoch).to_seconds();
    let numeric = (a_last - a_first) / dt;
    let a_mid = 0.5 * (a_first + a_last);
    let rho = 1.3 * (-(a_mid - capsim::constants::WGS84_A_M) / 8_500.0).exp();
    let analytic = -rho * vehicle().drag_factor_m2_kg() * (MU * a_mid).sqrt();
    let rel = (numeric - analytic).abs() / analytic.abs();
    println!("da/dt numeric {numeric:.4e} m/s, King-Hele {analytic:.4e} m/s, rel {rel:.2e}");
    assert!(rel < 0.05, "decay rate off by {rel}");
}

/// poliastro's `test_atmospheric_demise` (tool output, 1 % in its own test): from a 230 km
/// circular equatorial orbit, ρ = 1.3 exp(−h/8.5 km), Cd 2.2, A/m = π/400 m²/kg, two-body
/// gravity, non-rotating atmosphere, the orbit reaches |r| = R after 48.2179 days.
#[test]
fn demise_time_matches_poliastro() {
    let Some(text) = read_validation("maneuvers_and_decay_misc.csv") else {
        return;
    };
    let row = text
        .lines()
        .find(|l| l.starts_with("decay_exponential_230km"))
        .expect("decay_exponential_230km row");
    let expected_days: f64 = row.split(',').nth(8).unwrap().parse().unwrap();
    let (s0, cache, forces) = setup(230e3, 60.0);
    let prop = OrbitPropagator::new(forces, IntegratorConfig::default(), Some(cache.clone()));
    let mut ground = AltitudeCrossing::new(0.0, cache).descending_stop();
    let mut ev: Vec<&mut dyn EventFunction<6>> = vec![&mut ground];
    let res = prop
        .propagate(&s0, s0.epoch + Duration::from_days(60.0), None, &mut ev)
        .unwrap();
    assert!(
        res.stopped_by.is_some(),
        "did not reach the ground in 60 days"
    );
    let days = (res.final_state.epoch - s0.epoch).to_seconds() / 86_400.0;
    let rel = (days - expected_days).abs() / expected_days;
    println!("demise after {days:.4} d, poliastro {expected_days} d, rel {rel:.2e}");
    assert!(rel < 0.01, "demise time {days} d vs {expected_days} d");
}
