//! The force-model trait and the gravity force.
//!
//! A force model returns an acceleration in GCRF. Models that work in the Earth-fixed frame
//! (a tesseral gravity field, later the co-rotating atmosphere) say so with
//! [`ForceModel::needs_earth_rotation`] and receive the GCRF→ITRF rotation in the context, so
//! it is computed once per evaluation however many models use it.

use crate::env::gravity::GravityField;
use crate::frames::{Gcrf, Itrf, Rotation, Vec3};
use std::fmt::Debug;
use std::sync::Arc;

/// What a force model may read at one evaluation.
#[derive(Clone, Copy, Debug)]
pub struct EvalContext<'a> {
    /// TT seconds since J2000.
    pub tt_s: f64,
    pub r: Vec3<Gcrf>,
    pub v: Vec3<Gcrf>,
    /// Present when some model of the set needs the Earth's orientation.
    pub gcrf_to_itrf: Option<&'a Rotation<Gcrf, Itrf>>,
}

/// A force model's failure at one evaluation (values and units in the message).
#[derive(Debug, Clone, thiserror::Error)]
pub enum ModelError {
    #[error("{model}: needs the Earth's orientation but none was provided")]
    NoEarthOrientation { model: String },
    #[error("{model}: position {r_m:.0} m from the Earth's centre is inside the Earth (below {limit_m:.0} m)")]
    InsideEarth {
        model: String,
        r_m: f64,
        limit_m: f64,
    },
    #[error("{0}")]
    Other(String),
}

/// One contribution to the acceleration of the vehicle.
pub trait ForceModel: Send + Sync + Debug {
    /// Short identifier used in reports: `"gravity 20x20 EGM2008"`.
    fn id(&self) -> String;
    /// Whether [`EvalContext::gcrf_to_itrf`] must be provided.
    fn needs_earth_rotation(&self) -> bool {
        false
    }
    /// Acceleration in GCRF, m/s².
    fn acceleration(&self, cx: &EvalContext) -> Result<Vec3<Gcrf>, ModelError>;
    /// Called at the start of every propagation and of every piece between discontinuities:
    /// models that keep samples along the trajectory (drag's density anchors) forget them here.
    fn begin_propagation(&self) {}
    /// Times (TT seconds since J2000) in `(lo, hi)` where the model's acceleration jumps; the
    /// propagator restarts the integration there so no step straddles one.
    fn discontinuities_between(&self, _lo_tt_s: f64, _hi_tt_s: f64) -> Vec<f64> {
        Vec::new()
    }
}

/// Radius below which gravity refuses to evaluate: the spherical-harmonic series diverges
/// inside the Brillouin sphere, and an orbit this low has hit the ground anyway. The polar
/// radius of WGS-84 minus a margin for trenches.
pub const MIN_GRAVITY_RADIUS_M: f64 = 6_340_000.0;

/// The central body's gravity from a [`GravityField`].
#[derive(Debug, Clone)]
pub struct GravityForce {
    field: Arc<dyn GravityField>,
    earth_fixed: bool,
}

impl GravityForce {
    pub fn new(field: Arc<dyn GravityField>) -> Self {
        let earth_fixed = field.needs_earth_fixed_frame();
        Self { field, earth_fixed }
    }
    pub fn field(&self) -> &Arc<dyn GravityField> {
        &self.field
    }
}

impl ForceModel for GravityForce {
    fn id(&self) -> String {
        self.field.name()
    }
    fn needs_earth_rotation(&self) -> bool {
        self.earth_fixed
    }
    #[inline]
    fn acceleration(&self, cx: &EvalContext) -> Result<Vec3<Gcrf>, ModelError> {
        let rn = cx.r.norm();
        if rn < MIN_GRAVITY_RADIUS_M {
            return Err(ModelError::InsideEarth {
                model: self.field.name(),
                r_m: rn,
                limit_m: MIN_GRAVITY_RADIUS_M,
            });
        }
        if !self.earth_fixed {
            return Ok(Vec3::from_raw(self.field.acceleration_raw(cx.r.raw())));
        }
        let rot = cx
            .gcrf_to_itrf
            .ok_or_else(|| ModelError::NoEarthOrientation {
                model: self.field.name(),
            })?;
        let r_itrf = rot.apply(&cx.r);
        let a_itrf: Vec3<Itrf> = Vec3::from_raw(self.field.acceleration_raw(r_itrf.raw()));
        Ok(rot.inverse().apply(&a_itrf))
    }
}
