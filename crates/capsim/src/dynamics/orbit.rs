//! The translational equations of motion of a point mass: ṙ = v, v̇ = Σ aᵢ(t, r, v).
//!
//! State `[x, y, z, vx, vy, vz]` in GCRF (m, m/s); independent variable TT seconds since J2000.
//! One evaluation computes the GCRF→ITRF rotation at most once, and allocates nothing unless it
//! fails.

use super::forces::{EvalContext, ForceModel};
use crate::frames::earth_orientation::EarthOrientationCache;
use crate::frames::{Gcrf, Vec3};
use crate::propagate::{OdeSystem, RhsError};
use nalgebra::{SVector, Vector3};

/// Sum of force models as an ODE system for the integrators.
#[derive(Debug)]
pub struct OrbitDynamics<'a> {
    forces: &'a [Box<dyn ForceModel>],
    earth: Option<&'a EarthOrientationCache>,
    needs_rotation: bool,
    /// Right-hand-side evaluations so far.
    pub evaluations: u64,
}

impl<'a> OrbitDynamics<'a> {
    pub fn new(
        forces: &'a [Box<dyn ForceModel>],
        earth: Option<&'a EarthOrientationCache>,
    ) -> Self {
        let needs_rotation = forces.iter().any(|f| f.needs_earth_rotation());
        Self {
            forces,
            earth,
            needs_rotation,
            evaluations: 0,
        }
    }

    /// Whether some model needs the Earth's orientation.
    pub fn needs_earth_orientation(&self) -> bool {
        self.needs_rotation
    }

    /// Total acceleration in GCRF at (t, r, v).
    #[inline]
    pub fn acceleration(
        &self,
        tt_s: f64,
        r: Vec3<Gcrf>,
        v: Vec3<Gcrf>,
    ) -> Result<Vec3<Gcrf>, RhsError> {
        let rotation =
            if self.needs_rotation {
                match self.earth {
                    Some(e) => Some(
                        e.gcrf_to_itrf(tt_s)
                            .map_err(|err| RhsError(err.to_string()))?,
                    ),
                    None => return Err(RhsError(
                        "a force model needs the Earth's orientation but no EOP cache was given"
                            .into(),
                    )),
                }
            } else {
                None
            };
        let cx = EvalContext {
            tt_s,
            r,
            v,
            gcrf_to_itrf: rotation.as_ref(),
        };
        let mut a = Vec3::<Gcrf>::zeros();
        for f in self.forces {
            a += f.acceleration(&cx).map_err(|e| RhsError(e.to_string()))?;
        }
        Ok(a)
    }
}

impl OdeSystem<6> for OrbitDynamics<'_> {
    #[inline]
    fn rhs(&mut self, t: f64, y: &SVector<f64, 6>) -> Result<SVector<f64, 6>, RhsError> {
        self.evaluations += 1;
        let r = Vec3::from_raw(Vector3::new(y[0], y[1], y[2]));
        let v = Vec3::from_raw(Vector3::new(y[3], y[4], y[5]));
        let a = self.acceleration(t, r, v)?;
        let a = a.raw();
        Ok(SVector::<f64, 6>::new(y[3], y[4], y[5], a.x, a.y, a.z))
    }
}
