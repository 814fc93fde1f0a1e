//! Numerical integration of the equations of motion: Runge–Kutta integrators with step-size
//! control, dense output, and event location.
//!
//! Shape: one driver, [`integrate`], generic over the state dimension `N` and the ODE system
//! (monomorphised: no `dyn` in the stage loop, stages in a fixed stack array, no heap allocation
//! per step). Three methods ([`Method`]):
//!
//! * classic RK4, fixed step, cubic Hermite dense output;
//! * Dormand–Prince 5(4) with its 4th-order continuous extension — Dormand & Prince, J. Comput.
//!   Appl. Math. 6 (1980); Hairer, Nørsett & Wanner, *Solving ODEs I*, 2nd ed. (1993), §II.5–6;
//! * DOP853, 8th order, 5th/3rd-order error estimator, 7th-order dense output — Prince & Dormand,
//!   J. Comput. Appl. Math. 7 (1981); HNW I, §II.10 (Hairer's `dop853`). The default.
//!
//! Every accepted step is handed to an observer as a [`DenseStep`] (for output sampling) and
//! checked for events ([`EventFunction`]), which are located by Brent's method on the dense
//! output ([`events`]). Generic orbit detectors (apsides, nodes) are in [`detectors`].
//! All failures are [`IntegrationError`] values; no input makes the driver panic or loop forever.

pub mod config;
pub mod dense;
pub mod detectors;
mod driver;
pub mod events;
pub mod ode;
mod tableau;

#[cfg(test)]
mod tests;

pub use config::{IntegratorConfig, Method};
pub use dense::{DenseKind, DenseStep};
pub use detectors::{Apsis, ApsisKind, NodeCrossing, NodeKind};
pub use driver::{integrate, IntegrationError, Outcome, Stats};
pub use events::{Direction, EventAction, EventFunction, EventRecord};
pub use ode::{OdeSystem, RhsError};
