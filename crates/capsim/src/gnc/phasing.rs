//! First-order phasing feasibility: which rendezvous profiles close from a given phase angle.
//!
//! A launch opportunity leaves the chaser a phase angle φ behind the target (target ahead,
//! φ ∈ [0, 2π)). A profile of N chaser revolutions closes it by flying a lower, faster phasing
//! orbit: the chaser covers 2πN while the target covers 2πN − φ in the same time, so the
//! phasing orbit's period is T_ph = T_t·(1 − φ/(2πN)) and its semi-major axis
//! a_ph = a_t·(1 − φ/(2πN))^(2/3) (Fehse, *Automated Rendezvous and Docking of Spacecraft*,
//! 2003, §2.3 "phasing"). The Δv estimate is that of near-circular tangential transfers,
//! Δv ≈ (v/2a)·|Δa| per change of semi-major axis (first order in Δa/a of the Hohmann
//! transfer; Vallado, *Fundamentals of Astrodynamics*, §6.3), from the insertion orbit to the
//! phasing orbit and from it to the target orbit. Plane corrections, drag and the
//! final-approach Δv are outside this estimate: it answers "which profile can close from this
//! opportunity" for a launch-window table; `gnc::rendezvous` plans the real burns.

/// A phasing profile: a name and the number of chaser revolutions it allows.
#[derive(Clone, Debug, PartialEq)]
pub struct PhasingProfile {
    pub name: String,
    pub revolutions: f64,
}

/// The Soyuz-style profiles: fast 4-orbit, 1-day (~17 orbits), 2-day (34 orbits).
pub fn standard_profiles() -> Vec<PhasingProfile> {
    [("fast 4-orbit", 4.0), ("1-day", 17.0), ("2-day", 34.0)]
        .into_iter()
        .map(|(n, r)| PhasingProfile {
            name: n.to_string(),
            revolutions: r,
        })
        .collect()
}

/// The estimate for one profile.
#[derive(Clone, Debug, PartialEq)]
pub struct PhasingEstimate {
    pub name: String,
    pub revolutions: f64,
    /// Semi-major axis of the phasing orbit, m.
    pub phasing_sma_m: f64,
    /// First-order Δv: insertion → phasing orbit → target orbit, m/s.
    pub dv_m_s: f64,
    /// The phasing orbit stays above the minimum radius and the Δv is within the budget.
    pub closes: bool,
}

/// Estimates every profile. `phase_rad`: target ahead of the chaser, any value (wrapped to
/// [0, 2π)); radii and the minimum safe radius in m; `mu` in m³/s².
pub fn estimate_phasing(
    phase_rad: f64,
    a_insertion_m: f64,
    a_target_m: f64,
    min_radius_m: f64,
    mu_m3_s2: f64,
    dv_budget_m_s: f64,
    profiles: &[PhasingProfile],
) -> Vec<PhasingEstimate> {
    let phi = phase_rad.rem_euclid(std::f64::consts::TAU);
    let dv = |a1: f64, a2: f64| {
        let a = 0.5 * (a1 + a2);
        (mu_m3_s2 / a).sqrt() / (2.0 * a) * (a2 - a1).abs()
    };
    profiles
        .iter()
        .map(|p| {
            let ratio = 1.0 - phi / (std::f64::consts::TAU * p.revolutions);
            let (a_ph, dv_m_s) = if ratio > 0.0 && p.revolutions > 0.0 {
                let a_ph = a_target_m * ratio.powf(2.0 / 3.0);
                (a_ph, dv(a_insertion_m, a_ph) + dv(a_ph, a_target_m))
            } else {
                (f64::NAN, f64::INFINITY)
            };
            PhasingEstimate {
                name: p.name.clone(),
                revolutions: p.revolutions,
                phasing_sma_m: a_ph,
                dv_m_s,
                closes: a_ph.is_finite() && a_ph >= min_radius_m && dv_m_s <= dv_budget_m_s,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constants::GM_EARTH_M3_S2 as MU;

    #[test]
    fn phasing_orbit_closes_the_angle() {
        // Fly the estimate: N revolutions on the phasing orbit must take as long as the target
        // needs to cover 2πN − φ.
        let (a_t, phi, n) = (6_728_000.0, 2.0, 34.0);
        let e = &estimate_phasing(
            phi,
            6_600_000.0,
            a_t,
            6_500_000.0,
            MU,
            1e9,
            &[PhasingProfile {
                name: "x".into(),
                revolutions: n,
            }],
        )[0];
        let t_ph = std::f64::consts::TAU * (e.phasing_sma_m.powi(3) / MU).sqrt();
        let n_t = (MU / a_t.powi(3)).sqrt();
        let t_target = (std::f64::consts::TAU * n - phi) / n_t;
        assert!((n * t_ph - t_target).abs() < 1e-6 * t_target);
    }

    #[test]
    fn dv_matches_hohmann_to_first_order() {
        // Vallado §6.3 Hohmann transfer between circular orbits (exact), 200 → 350 km: the
        // first-order estimate is within 1 % of it.
        let (r1, r2) = (6_578_137.0, 6_728_137.0);
        let at = 0.5 * (r1 + r2);
        let hohmann = ((2.0 * MU / r1 - MU / at).sqrt() - (MU / r1).sqrt()).abs()
            + ((MU / r2).sqrt() - (2.0 * MU / r2 - MU / at).sqrt()).abs();
        // phase 0 over many revolutions: the phasing orbit is the target orbit.
        let e = &estimate_phasing(0.0, r1, r2, 6_500_000.0, MU, 1e9, &standard_profiles())[2];
        assert!(
            (e.dv_m_s - hohmann).abs() < 0.01 * hohmann,
            "{} vs {hohmann}",
            e.dv_m_s
        );
    }

    #[test]
    fn large_angles_need_more_revolutions() {
        let est = estimate_phasing(
            300f64.to_radians(),
            6_600_000.0,
            6_728_000.0,
            6_528_000.0,
            MU,
            200.0,
            &standard_profiles(),
        );
        assert!(!est[0].closes, "4 orbits cannot close 300°: {:?}", est[0]);
        assert!(est[2].closes, "2 days close 300°: {:?}", est[2]);
        assert!(est[0].dv_m_s.is_infinite() || est[0].phasing_sma_m < 6_528_000.0);
    }
}
