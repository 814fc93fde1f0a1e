//! Atmosphere models behind one trait.
//!
//! Every model answers the same question — the state of the air at a point and time — and
//! says where it is valid: outside its altitude range a model returns
//! [`AtmosphereError::OutOfRange`], never an extrapolation. Altitude is the geometric height
//! above the WGS-84 ellipsoid (what the NESC check cases and the US76 geometric tables use).
//!
//! Models: [`us76`] (U.S. Standard Atmosphere 1976, 0–1000 km), [`exponential`] (Vallado's
//! piecewise table, 0–1000 km), [`nrlmsise00`] (NRLMSISE-00 with space weather, 0–1000 km).

pub mod exponential;
pub mod nrlmsise00;
pub mod us76;

use crate::env::space_weather::SpaceWeatherValues;

/// Where and when the atmosphere is wanted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AtmosphereQuery {
    /// Geometric height above the WGS-84 ellipsoid, m.
    pub alt_m: f64,
    /// Geodetic latitude, rad.
    pub lat_rad: f64,
    /// East longitude, rad.
    pub lon_rad: f64,
    /// TT seconds since J2000 (see [`crate::time`]); models that need UT derive it.
    pub tt_s: f64,
    /// Solar and geomagnetic activity, for the models that use it.
    pub space_weather: Option<SpaceWeatherValues>,
}

impl AtmosphereQuery {
    /// A query at a height only (static models ignore the rest).
    pub fn at_altitude(alt_m: f64) -> Self {
        Self {
            alt_m,
            lat_rad: 0.0,
            lon_rad: 0.0,
            tt_s: 0.0,
            space_weather: None,
        }
    }
}

/// The state of the air; fields a model does not define are `None`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AtmosphereSample {
    pub density_kg_m3: f64,
    /// Kinetic temperature, K.
    pub temperature_k: Option<f64>,
    pub pressure_pa: Option<f64>,
    pub speed_of_sound_m_s: Option<f64>,
}

/// Why an atmosphere model could not answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AtmosphereError {
    #[error(
        "{model}: altitude {alt_m:.1} m is outside the model's range [{min_m:.0}, {max_m:.0}] m"
    )]
    OutOfRange {
        model: &'static str,
        alt_m: f64,
        min_m: f64,
        max_m: f64,
    },
    #[error("{model}: needs space weather (F10.7, Ap) for this query but none was given")]
    NoSpaceWeather { model: &'static str },
    #[error("{model}: {message}")]
    Invalid {
        model: &'static str,
        message: String,
    },
}

/// An atmosphere model.
pub trait AtmosphereModel: Send + Sync + std::fmt::Debug {
    /// Short name: `"US76"`, `"NRLMSISE-00"`, `"exponential"`.
    fn name(&self) -> &'static str;
    /// Valid geometric altitudes `[min, max]`, m.
    fn altitude_range_m(&self) -> (f64, f64);
    /// The air at `q`.
    fn evaluate(&self, q: &AtmosphereQuery) -> Result<AtmosphereSample, AtmosphereError>;
    /// Whether the model reads [`AtmosphereQuery::space_weather`] (and so changes when the
    /// solar and geomagnetic indices step).
    fn uses_space_weather(&self) -> bool {
        false
    }
}
