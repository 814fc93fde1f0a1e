//! Force models as named on the command line or in a scenario (`--forces
//! gravity:20x20,drag:nrlmsise00,sun,moon,srp`), and building them into [`ForceModel`]s.
//!
//! Parsing checks everything that can be checked without the vehicle or the dates (degree
//! within the shipped field, no duplicates, exactly one central-body gravity model), so a
//! scenario can report these problems with all the others. Building needs a [`BuildContext`]:
//! the vehicle, space weather and the time span (ephemerides are tabulated over it).

use super::drag::{DensitySampling, DragForce, SpaceWeatherProvider};
use super::forces::{ForceModel, GravityForce};
use super::third_body::{SolarRadiationForce, ThirdBody, ThirdBodyForce};
use crate::env::atmosphere::AtmosphereModel;
use crate::env::gravity::{
    GravityError, GravityField, PointMass, SphericalHarmonicGravity, ZonalGravity,
    EGM2008_EMBEDDED_MAX_DEGREE,
};
use crate::vehicle::{BallisticProperties, VehicleError};
use std::sync::Arc;

/// Which atmosphere a drag model uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtmosphereKind {
    Us76,
    Nrlmsise00,
    Exponential,
}

impl AtmosphereKind {
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "us76" | "us1976" => Some(Self::Us76),
            "nrlmsise00" | "nrlmsise-00" | "msis" => Some(Self::Nrlmsise00),
            "exponential" | "exp" => Some(Self::Exponential),
            _ => None,
        }
    }

    /// The model, with its default settings.
    pub fn build(self) -> Arc<dyn AtmosphereModel> {
        use crate::env::atmosphere::{exponential, nrlmsise00, us76};
        match self {
            Self::Us76 => Arc::new(us76::Us76::new()),
            Self::Nrlmsise00 => Arc::new(nrlmsise00::Nrlmsise00::new()),
            Self::Exponential => Arc::new(exponential::Exponential::vallado()),
        }
    }
}

/// One force model, before it is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForceSpec {
    /// Point-mass Earth (μ of WGS-84).
    TwoBody,
    /// Zonal harmonics J2..=Jn of EGM2008, 2 ≤ n ≤ 6, about the GCRF z axis.
    Zonal { max_degree: usize },
    /// Full EGM2008 field to the given degree and order, in ITRF.
    Gravity { degree: usize, order: usize },
    /// Atmospheric drag with a co-rotating atmosphere.
    Drag { atmosphere: AtmosphereKind },
    /// Point-mass Sun (third body).
    Sun,
    /// Point-mass Moon (third body).
    Moon,
    /// Solar radiation pressure, cannonball, conical shadow with penumbra.
    SolarRadiation,
}

/// What building force models needs beyond their names.
#[derive(Clone, Debug)]
pub struct BuildContext {
    pub vehicle: BallisticProperties,
    /// Needed by NRLMSISE-00 drag.
    pub space_weather: Option<Arc<dyn SpaceWeatherProvider>>,
    /// TT seconds since J2000 of the propagation's start and end (ephemeris tables cover it).
    pub span_tt_s: (f64, f64),
    pub density_sampling: DensitySampling,
}

/// Why a force set cannot be built.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Gravity(#[from] GravityError),
    #[error(transparent)]
    Vehicle(#[from] VehicleError),
    #[error("{0}")]
    Missing(String),
}

impl ForceSpec {
    /// Parses one item: `two-body`, `j2`, `zonal:N`, `gravity:NxM`, `drag:us76|nrlmsise00|exponential`,
    /// `sun`, `moon`, `srp`.
    pub fn parse(item: &str) -> Result<Self, String> {
        let item = item.trim();
        let lower = item.to_ascii_lowercase();
        match lower.as_str() {
            "two-body" | "twobody" | "point-mass" => return Ok(Self::TwoBody),
            "j2" => return Ok(Self::Zonal { max_degree: 2 }),
            "sun" => return Ok(Self::Sun),
            "moon" => return Ok(Self::Moon),
            "srp" => return Ok(Self::SolarRadiation),
            "drag" => {
                return Ok(Self::Drag {
                    atmosphere: AtmosphereKind::Nrlmsise00,
                })
            }
            _ => {}
        }
        if let Some(name) = lower.strip_prefix("drag:") {
            let atmosphere = AtmosphereKind::parse(name).ok_or_else(|| {
                format!("'{item}': unknown atmosphere '{name}', expected us76, nrlmsise00 or exponential")
            })?;
            return Ok(Self::Drag { atmosphere });
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
            if degree > EGM2008_EMBEDDED_MAX_DEGREE {
                return Err(format!(
                    "'{item}': degree {degree} is above the shipped EGM2008 field's {EGM2008_EMBEDDED_MAX_DEGREE}"
                ));
            }
            return Ok(Self::Gravity { degree, order });
        }
        Err(format!(
            "unknown force model '{item}': expected two-body, j2, zonal:N, gravity:NxM, drag:MODEL, sun, moon or srp"
        ))
    }

    fn is_gravity(&self) -> bool {
        matches!(
            self,
            Self::TwoBody | Self::Zonal { .. } | Self::Gravity { .. }
        )
    }

    /// Parses a comma-separated list: exactly one central-body gravity model, no duplicates.
    pub fn parse_list(list: &str) -> Result<Vec<Self>, String> {
        let specs = list
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(Self::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if specs.is_empty() {
            return Err("no force model given: expected e.g. --forces j2".into());
        }
        if specs.iter().filter(|s| s.is_gravity()).count() != 1 {
            return Err(format!(
                "'{list}': give exactly one central-body gravity model (two-body, j2, zonal:N or gravity:NxM)"
            ));
        }
        for (i, s) in specs.iter().enumerate() {
            let same_kind = |o: &Self| std::mem::discriminant(o) == std::mem::discriminant(s);
            if specs[..i].iter().any(same_kind) {
                return Err(format!("'{list}': {s:?} is given twice"));
            }
        }
        Ok(specs)
    }

    /// Whether building this model needs vehicle properties.
    pub fn needs_vehicle(&self) -> bool {
        matches!(self, Self::Drag { .. } | Self::SolarRadiation)
    }

    /// Builds a gravity model (the only kinds that need no context).
    pub fn build(&self) -> Result<Box<dyn ForceModel>, BuildError> {
        let field: Arc<dyn GravityField> = match *self {
            Self::TwoBody => Arc::new(PointMass::earth()),
            Self::Zonal { max_degree } => Arc::new(ZonalGravity::egm2008(max_degree)?),
            Self::Gravity { degree, order } => {
                Arc::new(SphericalHarmonicGravity::egm2008(degree, order)?)
            }
            _ => {
                return Err(BuildError::Missing(format!(
                    "{self:?} needs a build context (vehicle, space weather, span)"
                )))
            }
        };
        Ok(Box::new(GravityForce::new(field)))
    }

    /// Builds any model.
    pub fn build_with(&self, cx: &BuildContext) -> Result<Box<dyn ForceModel>, BuildError> {
        if self.needs_vehicle() {
            cx.vehicle.validate()?;
        }
        Ok(match *self {
            Self::TwoBody | Self::Zonal { .. } | Self::Gravity { .. } => self.build()?,
            Self::Drag { atmosphere } => {
                if atmosphere == AtmosphereKind::Nrlmsise00 && cx.space_weather.is_none() {
                    return Err(BuildError::Missing(
                        "drag:nrlmsise00 needs space weather (the shipped table or a file)".into(),
                    ));
                }
                Box::new(DragForce::new(
                    atmosphere.build(),
                    cx.space_weather.clone(),
                    cx.vehicle,
                    cx.density_sampling,
                ))
            }
            Self::Sun => Box::new(ThirdBodyForce::new(ThirdBody::Sun, cx.span_tt_s)),
            Self::Moon => Box::new(ThirdBodyForce::new(ThirdBody::Moon, cx.span_tt_s)),
            Self::SolarRadiation => Box::new(SolarRadiationForce::new(cx.vehicle, cx.span_tt_s)),
        })
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
            ForceSpec::parse_list("gravity:20x20,drag:nrlmsise00,sun,moon,srp").unwrap(),
            vec![
                ForceSpec::Gravity {
                    degree: 20,
                    order: 20
                },
                ForceSpec::Drag {
                    atmosphere: AtmosphereKind::Nrlmsise00
                },
                ForceSpec::Sun,
                ForceSpec::Moon,
                ForceSpec::SolarRadiation
            ]
        );
        assert!(ForceSpec::parse_list("gravity:20x30")
            .unwrap_err()
            .contains("exceeds"));
        assert!(ForceSpec::parse_list("gravity:100x100")
            .unwrap_err()
            .contains("above the shipped"));
        assert!(ForceSpec::parse_list("warp")
            .unwrap_err()
            .contains("unknown force model"));
        assert!(ForceSpec::parse_list("j2,two-body").is_err());
        assert!(ForceSpec::parse_list("sun").is_err(), "no gravity model");
        assert!(ForceSpec::parse_list("j2,sun,sun")
            .unwrap_err()
            .contains("twice"));
        assert!(ForceSpec::parse_list("j2,drag:jacchia")
            .unwrap_err()
            .contains("unknown atmosphere"));
    }
}
