//! The ODE system seen by the integrators: `dy/dt = f(t, y)` on a fixed-size state.
//!
//! The integrators are generic over [`OdeSystem`] (monomorphised, no `dyn` in the stage loop) and
//! over the state dimension `N` (a stack-allocated `SVector<f64, N>`), so a step allocates nothing.
//! The right-hand side may fail (a model leaving its validity domain); the error is carried out of
//! the integrator unchanged inside [`crate::propagate::IntegrationError::Rhs`].

use nalgebra::SVector;

/// A first-order ODE system `dy/dt = f(t, y)` with an `N`-dimensional state.
pub trait OdeSystem<const N: usize> {
    /// dy/dt at (t, y). `t` in seconds (the caller's independent variable).
    fn rhs(&mut self, t: f64, y: &SVector<f64, N>) -> Result<SVector<f64, N>, RhsError>;
}

/// A failure of the right-hand side, with a message naming the values and units involved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct RhsError(pub String);
