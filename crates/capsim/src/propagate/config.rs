//! Integrator choice and settings.
//!
//! One plain struct, checked once by [`IntegratorConfig::validate`] before any step is taken, so
//! the step loop itself never has to re-check its parameters. The default (DOP853, rtol 1e-13,
//! atol 1e-6 in m and m/s) is sized for the long propagations capsim exists for: 192 days of ISS
//! orbit with a 20×20 field end within 1 m of a rtol-1e-15 run (docs/performance.md), and a LEO
//! two-body orbit keeps its relative energy and angular momentum to better than 1e-11 over 100
//! orbits (docs/models.md).

use super::IntegrationError;

/// The integration scheme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// Classic fixed-step 4th-order Runge–Kutta with step `step_s` (s); dense output is the cubic
    /// Hermite interpolant of the step's end values and derivatives. No error control.
    Rk4 { step_s: f64 },
    /// Dormand–Prince 5(4) with the 4th-order continuous extension (Hairer, Nørsett & Wanner,
    /// Solving ODEs I, 2nd ed., §II.5 and §II.6, code `dopri5`).
    DormandPrince54,
    /// Dormand–Prince 8(5,3) with the 7th-order dense output using 3 extra stages (Hairer,
    /// Nørsett & Wanner, Solving ODEs I, 2nd ed., §II.10, code `dop853`).
    Dop853,
}

/// Integrator settings. Tolerances apply per component with Hairer's RMS norm,
/// `sc_i = abs_tol + rel_tol * max(|y0_i|, |y1_i|)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntegratorConfig {
    pub method: Method,
    /// Absolute tolerance, in the state's units (m and m/s for an orbit).
    pub abs_tol: f64,
    /// Relative tolerance (dimensionless).
    pub rel_tol: f64,
    /// Smallest step magnitude the step-size controller may choose (s); below → `StepSizeUnderflow`.
    /// The final step, shortened to land exactly on `t_end`, may be smaller.
    pub min_step_s: f64,
    /// Largest step magnitude (s); may be `f64::INFINITY`.
    pub max_step_s: f64,
    /// First step magnitude (s); `None` → Hairer's automatic starting step (`hinit`).
    pub initial_step_s: Option<f64>,
    /// Maximum number of attempted steps (accepted + rejected) before `TooManySteps`.
    pub max_steps: u64,
    /// Event times are located to within this (s).
    pub event_time_tol_s: f64,
    /// Build the full-order dense output on every step even without events. For DOP853 this costs
    /// 3 extra rhs evaluations per step; when `false` and no events are given, the observer gets
    /// a cubic Hermite interpolant instead (exact at the step ends). Events always use full order.
    pub dense_output: bool,
}

impl Default for IntegratorConfig {
    fn default() -> Self {
        Self {
            method: Method::Dop853,
            abs_tol: 1e-6,
            rel_tol: 1e-13,
            min_step_s: 1e-6,
            max_step_s: f64::INFINITY,
            initial_step_s: None,
            max_steps: 50_000_000,
            event_time_tol_s: 1e-4,
            dense_output: true,
        }
    }
}

impl IntegratorConfig {
    /// Checks every field; the first problem found is returned as `InvalidConfig`.
    pub fn validate(&self) -> Result<(), IntegrationError> {
        let bad = |m: String| Err(IntegrationError::InvalidConfig(m));
        match self.method {
            Method::Rk4 { step_s } => {
                if !(step_s.is_finite() && step_s > 0.0) {
                    return bad(format!("RK4 step {step_s} s must be finite and > 0"));
                }
            }
            Method::DormandPrince54 | Method::Dop853 => {
                if !(self.abs_tol.is_finite() && self.abs_tol > 0.0) {
                    return bad(format!("abs_tol {} must be finite and > 0", self.abs_tol));
                }
                if !(self.rel_tol.is_finite() && self.rel_tol > 0.0) {
                    return bad(format!("rel_tol {} must be finite and > 0", self.rel_tol));
                }
            }
        }
        if !(self.min_step_s.is_finite() && self.min_step_s >= 0.0) {
            return bad(format!(
                "min_step_s {} s must be finite and >= 0",
                self.min_step_s
            ));
        }
        if self.max_step_s.is_nan() || self.max_step_s <= 0.0 || self.max_step_s < self.min_step_s {
            return bad(format!(
                "max_step_s {} s must be > 0 and >= min_step_s {} s",
                self.max_step_s, self.min_step_s
            ));
        }
        if let Some(h) = self.initial_step_s {
            if !(h.is_finite() && h > 0.0) {
                return bad(format!("initial_step_s {h} s must be finite and > 0"));
            }
        }
        if self.max_steps == 0 {
            return bad("max_steps must be > 0".to_string());
        }
        if !(self.event_time_tol_s.is_finite() && self.event_time_tol_s > 0.0) {
            return bad(format!(
                "event_time_tol_s {} s must be finite and > 0",
                self.event_time_tol_s
            ));
        }
        Ok(())
    }
}
