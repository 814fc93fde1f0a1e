//! Earth gravity field models: point mass, zonal harmonics J2..J6, and full spherical
//! harmonics (EGM2008 compiled in, truncated at degree/order 90).
//!
//! # Shape
//!
//! Every model implements [`GravityField`], which a force model holds as
//! `Arc<dyn GravityField>`. All of them return the **total** gravitational acceleration
//! (central term included) as the gradient of a positive potential
//! `V = GM/r · Σ (R/r)^n P̄nm(sin φ) (C̄nm cos mλ + S̄nm sin mλ)`, in m/s², for a position in the
//! body frame of the model, in m. There is no centrifugal term: the models are gravitation only.
//!
//! * [`PointMass`]: `−GM r/|r|³`.
//! * [`ZonalGravity`]: the central term plus J2..J6 in closed form (Vallado, *Fundamentals of
//!   Astrodynamics and Applications*, 4th ed., §8.7; Montenbruck & Gill, *Satellite Orbits*,
//!   2000, §3.2). A zonal field is axially symmetric about the Earth's rotation axis, so it may be
//!   evaluated in **any** frame whose z axis is that axis (ITRF, or to within precession-nutation
//!   and polar motion the GCRF/TOD/TEME frames), which lets a propagator skip the Earth-rotation
//!   transform. [`GravityField::needs_earth_fixed_frame`] returns `false` for it.
//! * [`SphericalHarmonicGravity`]: degree n, order m ≤ n, fully normalized (4π) coefficients,
//!   evaluated with the modified forward-column recursion of Holmes & Featherstone (2002),
//!   *J. Geodesy* 76:279-299, in which the sectoral factor cos^m φ is taken out of the Legendre
//!   functions so that the recursion is stable at any latitude including the poles. It needs the
//!   position in the Earth-fixed frame (ITRF) when m > 0.
//!
//! The coefficients come from an ICGEM `.gfc` file ([`parse_gfc`], public so that `capsim-io`
//! can load a user's model). The one compiled in is NGA's EGM2008 (Pavlis, Holmes, Kenyon &
//! Factor 2012, *J. Geophys. Res.* 117, B04406), tide-free, GM = 3.986004415e14 m³/s²,
//! R = 6378136.3 m, trimmed to degree 90; its provenance is in
//! `crates/capsim/data/gravity/PROVENANCE.md`.

mod gfc;
mod spherical_harmonics;
mod zonal;

#[cfg(test)]
mod tests;

pub use gfc::{parse_gfc, GravityCoefficients, Normalization, TideSystem};
pub use spherical_harmonics::{SphericalHarmonicGravity, MAX_DEGREE};
pub use zonal::{PointMass, ZonalGravity, ZONAL_MAX_DEGREE};

use nalgebra::Vector3;
use thiserror::Error;

/// Highest degree of the compiled-in EGM2008 coefficients.
pub const EGM2008_EMBEDDED_MAX_DEGREE: usize = 90;

/// Errors from building or loading a gravity field.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GravityError {
    /// A line of a `.gfc` file could not be read.
    #[error("gfc line {line}: {message}")]
    Parse {
        /// 1-based line number in the file.
        line: usize,
        /// What was wrong.
        message: String,
    },
    /// A required header keyword is missing from a `.gfc` file.
    #[error("gfc header: missing keyword `{keyword}` (needed before `end_of_head`)")]
    MissingHeader {
        /// The missing keyword.
        keyword: &'static str,
    },
    /// The requested degree is larger than the model provides or than the evaluator supports.
    #[error("requested degree {requested} exceeds the maximum available degree {available}")]
    DegreeTooHigh {
        /// Requested degree.
        requested: usize,
        /// Largest degree available.
        available: usize,
    },
    /// The requested order is larger than the requested degree.
    #[error("requested order {order} exceeds the requested degree {degree}")]
    OrderAboveDegree {
        /// Requested order.
        order: usize,
        /// Requested degree.
        degree: usize,
    },
    /// A zonal model was asked for a degree outside 2..=6.
    #[error("zonal model degree {degree} is outside the supported range 2..=6")]
    ZonalDegreeOutOfRange {
        /// Requested degree.
        degree: usize,
    },
    /// A model constant is not usable (non-finite or non-positive GM or radius).
    #[error("invalid model constant {name} = {value}: {reason}")]
    InvalidConstant {
        /// Name of the constant, with its unit.
        name: &'static str,
        /// Its value.
        value: f64,
        /// Why it is rejected.
        reason: &'static str,
    },
}

/// A gravity field usable by a force model.
///
/// `r_body` is the position in the body frame of the model, in m: the Earth-fixed frame (ITRF)
/// when [`needs_earth_fixed_frame`](GravityField::needs_earth_fixed_frame) is `true`, otherwise
/// any frame whose z axis is the Earth's rotation axis (the model is axially symmetric). The
/// result is expressed in the same frame. The position must not be the origin.
pub trait GravityField: Send + Sync + std::fmt::Debug {
    /// Total gravitational acceleration (central term included), m/s².
    fn acceleration_raw(&self, r_body: &Vector3<f64>) -> Vector3<f64>;
    /// Gravitational potential, positive, `GM/r` for a point mass, m²/s².
    fn potential_raw(&self, r_body: &Vector3<f64>) -> f64;
    /// The model's gravitational parameter, m³/s².
    fn gm_m3_s2(&self) -> f64;
    /// Whether the position must be given in the Earth-fixed frame (true when the model has
    /// tesseral or sectoral terms, order > 0).
    fn needs_earth_fixed_frame(&self) -> bool;
    /// A short human-readable name, e.g. `EGM2008 20x20`.
    fn name(&self) -> String;
}
