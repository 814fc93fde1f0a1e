//! Daily altitude statistics of a propagated orbit and its decay rate — what a station's
//! operators track between reboosts.
//!
//! Per UTC day: the mean height above the WGS-84 ellipsoid over the samples, the daily mean of
//! the osculating semi-major axis and of the eccentricity vector, and from these the perigee and
//! apogee altitudes above a sphere of the WGS-84 equatorial radius (the convention of published
//! ISS "perigee × apogee" figures, which are heights above a spherical Earth). Day means stand
//! in for mean elements: they remove the short-period terms to first order. The decay rate is the least-squares slope of the
//! daily mean semi-major axis over days without a manoeuvre.

use crate::constants::{GM_EARTH_M3_S2, WGS84_A_M};
use crate::frames::earth_orientation::EarthOrientationCache;
use crate::frames::geodetic::itrf_to_geodetic;
use crate::state::cartesian::OrbitState;
use crate::time::{tt_seconds_j2000, Duration, Epoch};

/// One UTC day of a trajectory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DailyAltitude {
    /// 00:00 UTC of the day.
    pub day_start: Epoch,
    pub samples: usize,
    pub mean_height_m: f64,
    pub mean_sma_m: f64,
    pub mean_perigee_alt_m: f64,
    pub mean_apogee_alt_m: f64,
}

/// Daily statistics of `samples` (assumed evenly spaced; days with fewer than `min_samples`
/// samples are dropped as incomplete).
pub fn daily_altitudes(
    samples: &[OrbitState],
    earth: &EarthOrientationCache,
    min_samples: usize,
) -> Vec<DailyAltitude> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < samples.len() {
        let (y, m, d, ..) = samples[i].epoch.to_gregorian_utc();
        let day_start = Epoch::from_gregorian_utc(y, m, d, 0, 0, 0, 0);
        let day_end = day_start + Duration::from_days(1.0);
        let mut n = 0usize;
        let (mut h, mut a) = (0.0, 0.0);
        let mut e_vec = crate::frames::Vec3::<crate::frames::Gcrf>::zeros();
        while i < samples.len() && samples[i].epoch < day_end {
            let s = &samples[i];
            if let Ok(rot) = earth.gcrf_to_itrf(tt_seconds_j2000(s.epoch)) {
                let r = s.r.norm();
                h += itrf_to_geodetic(&rot.apply(&s.r)).alt_m;
                a += 1.0 / (2.0 / r - s.v.norm_squared() / GM_EARTH_M3_S2);
                e_vec += s.v.cross(&s.angular_momentum()) / GM_EARTH_M3_S2 - s.r / r;
                n += 1;
            }
            i += 1;
        }
        if n >= min_samples.max(1) {
            let k = n as f64;
            // The day's mean eccentricity VECTOR: averaging it (not its length) removes the
            // J2 short-period wobble that would otherwise bias a near-circular orbit's e high.
            let (a, e) = (a / k, (e_vec / k).norm());
            out.push(DailyAltitude {
                day_start,
                samples: n,
                mean_height_m: h / k,
                mean_sma_m: a,
                mean_perigee_alt_m: a * (1.0 - e) - WGS84_A_M,
                mean_apogee_alt_m: a * (1.0 + e) - WGS84_A_M,
            });
        }
    }
    out
}

/// Decay rate of the daily mean semi-major axis, m/day: a least-squares slope pooled over the
/// stretches between manoeuvres (each stretch keeps its own intercept, so a reboost's jump does
/// not enter the slope); days containing a burn are left out. `None` without at least one
/// stretch of two days.
pub fn decay_rate_m_per_day(days: &[DailyAltitude], maneuver_epochs: &[Epoch]) -> Option<f64> {
    let t0 = days.first()?.day_start;
    let burn_in = |d: &DailyAltitude| {
        let end = d.day_start + Duration::from_days(1.0);
        maneuver_epochs
            .iter()
            .any(|e| *e >= d.day_start && *e < end)
    };
    // Stretches: consecutive days with no burn between them.
    let mut stretches: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for d in days {
        let burned_since_last =
            stretches
                .last()
                .and_then(|s| s.last())
                .is_some_and(|&(t_prev, _)| {
                    let prev = t0 + Duration::from_days(t_prev);
                    maneuver_epochs
                        .iter()
                        .any(|e| *e >= prev && *e < d.day_start)
                });
        if burn_in(d) || burned_since_last {
            stretches.push(Vec::new());
            if burn_in(d) {
                continue;
            }
        }
        let t = (d.day_start - t0).to_seconds() / 86_400.0;
        if let Some(s) = stretches.last_mut() {
            s.push((t, d.mean_sma_m));
        }
    }
    let (mut num, mut den) = (0.0, 0.0);
    for s in stretches.iter().filter(|s| s.len() >= 2) {
        let n = s.len() as f64;
        let tm = s.iter().map(|p| p.0).sum::<f64>() / n;
        let am = s.iter().map(|p| p.1).sum::<f64>() / n;
        num += s.iter().map(|p| (p.0 - tm) * (p.1 - am)).sum::<f64>();
        den += s.iter().map(|p| (p.0 - tm).powi(2)).sum::<f64>();
    }
    (den > 0.0).then(|| num / den)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u8, a: f64) -> DailyAltitude {
        DailyAltitude {
            day_start: Epoch::from_gregorian_utc(2008, 1, d, 0, 0, 0, 0),
            samples: 1,
            mean_height_m: 0.0,
            mean_sma_m: a,
            mean_perigee_alt_m: 0.0,
            mean_apogee_alt_m: 0.0,
        }
    }

    /// A −100 m/day decay with a +2 km reboost on day 4: the pooled slope ignores the jump.
    #[test]
    fn reboost_jump_does_not_enter_the_slope() {
        let days: Vec<_> = (1..=8)
            .map(|d| {
                let a = 6.72e6 - 100.0 * f64::from(d) + if d >= 5 { 2_000.0 } else { 0.0 };
                day(d, a)
            })
            .collect();
        let burn = Epoch::from_gregorian_utc(2008, 1, 4, 12, 0, 0, 0);
        let r = decay_rate_m_per_day(&days, &[burn]).unwrap();
        assert!((r + 100.0).abs() < 1e-6, "{r}");
        let no_burn = decay_rate_m_per_day(&days[..3], &[]).unwrap();
        assert!((no_burn + 100.0).abs() < 1e-6);
    }
}
