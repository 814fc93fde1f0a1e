//! Cartesian orbit state: epoch, position and velocity in GCRF.
//!
//! The one state type every module exchanges. Keplerian elements, TLEs and geodetic positions
//! convert to and from it; integrators see its raw 6-vector through [`OrbitState::to_vector`].

use crate::frames::{Gcrf, Vec3};
use crate::time::Epoch;
use nalgebra::SVector;

/// Position (m) and velocity (m/s) in GCRF at an epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrbitState {
    pub epoch: Epoch,
    pub r: Vec3<Gcrf>,
    pub v: Vec3<Gcrf>,
}

impl OrbitState {
    pub fn new(epoch: Epoch, r: Vec3<Gcrf>, v: Vec3<Gcrf>) -> Self {
        Self { epoch, r, v }
    }

    /// `[x, y, z, vx, vy, vz]` in m and m/s.
    #[inline]
    pub fn to_vector(&self) -> SVector<f64, 6> {
        let (r, v) = (self.r.raw(), self.v.raw());
        SVector::<f64, 6>::new(r.x, r.y, r.z, v.x, v.y, v.z)
    }

    /// Inverse of [`OrbitState::to_vector`].
    #[inline]
    pub fn from_vector(epoch: Epoch, y: &SVector<f64, 6>) -> Self {
        Self {
            epoch,
            r: Vec3::new(y[0], y[1], y[2]),
            v: Vec3::new(y[3], y[4], y[5]),
        }
    }

    /// Specific orbital energy v²/2 − μ/r, J/kg.
    pub fn specific_energy(&self, mu_m3_s2: f64) -> f64 {
        0.5 * self.v.norm_squared() - mu_m3_s2 / self.r.norm()
    }

    /// Specific angular momentum r × v, m²/s.
    pub fn angular_momentum(&self) -> Vec3<Gcrf> {
        self.r.cross(&self.v)
    }
}
