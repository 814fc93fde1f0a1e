//! Force models, the orbit equations of motion, orbit events and the orbit propagator.
//!
//! Shape: a [`forces::ForceModel`] is a trait object chosen by the user (scenario or
//! `--forces`); [`orbit::OrbitDynamics`] sums them into the right-hand side the monomorphised
//! integrators of [`crate::propagate`] call; [`propagator::OrbitPropagator`] turns epochs in
//! and states, samples and events out. The GCRF→ITRF rotation is computed once per
//! right-hand-side evaluation, from the interpolating
//! [`crate::frames::earth_orientation::EarthOrientationCache`], and only if some force model
//! needs it.
//!
//! The integrator's independent variable is TT seconds since J2000 (see [`crate::time`]).

pub mod altitude_report;
pub mod drag;
pub mod events;
pub mod force_spec;
pub mod forces;
pub mod maneuvers;
pub mod orbit;
pub mod propagator;
pub mod third_body;

pub use force_spec::{AtmosphereKind, BuildContext, BuildError, ForceSpec};
pub use forces::{EvalContext, ForceModel, GravityForce, ModelError};
pub use orbit::OrbitDynamics;
pub use propagator::{OrbitEvent, OrbitPropagator, PropagationError, PropagationResult};
