//! Stagnation-point convective heating.
//!
//! Sutton & Graves, "A general stagnation-point convective heating equation for arbitrary gas
//! mixtures", NASA TR R-376 (1971): q̇ = k·√(ρ/R_n)·V³ with, for Earth air in SI units,
//! k = 1.7415e-4 kg^0.5/m (q̇ in W/m², ρ in kg/m³, R_n in m, V in m/s). It is a cold-wall,
//! non-radiating, equilibrium-flow estimate — the standard first-order figure for trajectory
//! design, accurate to roughly ±10–20 % against detailed solutions.

/// Sutton–Graves constant for Earth's atmosphere, SI (NASA TR R-376).
pub const SUTTON_GRAVES_K_EARTH: f64 = 1.7415e-4;

/// Stagnation-point convective heat flux, W/m².
#[inline]
pub fn sutton_graves_w_m2(density_kg_m3: f64, nose_radius_m: f64, speed_m_s: f64) -> f64 {
    SUTTON_GRAVES_K_EARTH * (density_kg_m3 / nose_radius_m).sqrt() * speed_m_s.powi(3)
}
