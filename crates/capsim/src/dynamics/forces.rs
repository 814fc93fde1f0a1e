//! The force-model trait and the gravity force.
//!
//! A force model returns an acceleration in GCRF. Models that work in the Earth-fixed frame
//! (a tesseral gravity field, later the co-rotating atmosphere) say so with
//! [`ForceModel::needs_earth_rotation`] and receive the GCRF→ITRF rotation in the context, so
//! it is computed once per evaluation however many models use it.

use crate::env::gravity::{
    GravityError, GravityField, PointMass, SphericalHarmonicGravity, ZonalGravity,
};
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
    /// Called once at the start of every propagation: models that keep samples along the
    /// trajectory (drag's density anchors) forget them here.
    fn begin_propagation(&self) {}
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

/// A force model as named on the command line or in a scenario, before it is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForceSpec {
    /// Point-mass Earth (μ of WGS-84).
    TwoBody,
    /// Zonal harmonics J2..=Jn of EGM2008, 2 ≤ n ≤ 6, about the Earth's rotation axis.
    Zonal { max_degree: usize },
    /// Full EGM2008 field to the given degree and order.
    Gravity { degree: usize, order: usize },
}

impl ForceSpec {
    /// Parses one item of `--forces`: `two-body`, `j2`, `zonal:N` (J2..JN), `gravity:NxM`.
    pub fn parse(item: &str) -> Result<Self, String> {
        let item = item.trim();
        let lower = item.to_ascii_lowercase();
        match lower.as_str() {
            "two-body" | "twobody" | "point-mass" => return Ok(Self::TwoBody),
            "j2" => return Ok(Self::Zonal { max_degree: 2 }),
            _ => {}
        }
        if let Some(n) = lower.strip_prefix("zonal:") {
            let n: usize = n
                .parse()
                .map_err(|_| format!("'{item}': expected zonal:N with N an integer in 2..=6"))?;
            if !(2..=6).contains(&n) {
                return Err(format!(
                    "'{item}': zonal degree {n} must be in 2..=6 (use gravity:NxM above that)"
                ));
            }
            return Ok(Self::Zonal { max_degree: n });
        }
        if let Some(nm) = lower.strip_prefix("gravity:") {
            let (n, m) = nm
                .split_once('x')
                .ok_or_else(|| format!("'{item}': expected gravity:NxM, e.g. gravity:20x20"))?;
            let degree: usize = n
                .parse()
                .map_err(|_| format!("'{item}': degree '{n}' is not an integer"))?;
            let order: usize = m
                .parse()
                .map_err(|_| format!("'{item}': order '{m}' is not an integer"))?;
            if order > degree {
                return Err(format!("'{item}': order {order} exceeds degree {degree}"));
            }
            if degree < 2 {
                return Err(format!(
                    "'{item}': degree {degree} must be at least 2 (use two-body)"
                ));
            }
            return Ok(Self::Gravity { degree, order });
        }
        Err(format!(
            "unknown force model '{item}': expected two-body, j2, zonal:N or gravity:NxM"
        ))
    }

    /// Parses a comma-separated `--forces` list; gravity terms must not be given twice.
    pub fn parse_list(list: &str) -> Result<Vec<Self>, String> {
        let specs = list
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(Self::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if specs.is_empty() {
            return Err("no force model given: expected e.g. --forces j2".into());
        }
        if specs.len() > 1 {
            return Err(format!(
                "'{list}': give exactly one central-body gravity model (two-body, j2, zonal:N or gravity:NxM)"
            ));
        }
        Ok(specs)
    }

    /// Builds the model with the shipped EGM2008 coefficients.
    pub fn build(&self) -> Result<Box<dyn ForceModel>, GravityError> {
        let field: Arc<dyn GravityField> = match *self {
            Self::TwoBody => Arc::new(PointMass::earth()),
            Self::Zonal { max_degree } => Arc::new(ZonalGravity::egm2008(max_degree)?),
            Self::Gravity { degree, order } => {
                Arc::new(SphericalHarmonicGravity::egm2008(degree, order)?)
            }
        };
        Ok(Box::new(GravityForce::new(field)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_force_lists() {
        assert_eq!(
            ForceSpec::parse_list("j2").unwrap(),
            vec![ForceSpec::Zonal { max_degree: 2 }]
        );
        assert_eq!(
            ForceSpec::parse_list("gravity:20x20").unwrap(),
            vec![ForceSpec::Gravity {
                degree: 20,
                order: 20
            }]
        );
        assert_eq!(
            ForceSpec::parse_list("two-body").unwrap(),
            vec![ForceSpec::TwoBody]
        );
        assert!(ForceSpec::parse_list("gravity:20x30")
            .unwrap_err()
            .contains("exceeds"));
        assert!(ForceSpec::parse_list("warp")
            .unwrap_err()
            .contains("unknown force model"));
        assert!(ForceSpec::parse_list("j2,two-body").is_err());
    }
}
