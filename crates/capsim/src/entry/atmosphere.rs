//! The air along an entry: density, speed of sound, wind.
//!
//! Density comes from [`crate::env::atmosphere`]: the U.S. Standard Atmosphere 1976 over its
//! whole range (default), or NRLMSISE-00 above a switch altitude (86 km by default) with US76
//! below. Above the model's upper limit (1000 km) the air is taken as vacuum. For Monte-Carlo
//! dispersions the density is multiplied by a constant factor and by an optional
//! altitude-dependent factor table (linear in altitude, clamped). The speed of sound is the
//! model's where it defines one (US76 below 86 km), otherwise √(γ R T) with γ = 1.4 and
//! R = 287.053 J/(kg·K). Wind is a horizontal profile (east, north components against
//! altitude, linear, clamped); the aerodynamic forces use the air-relative velocity.

use std::sync::Arc;

use crate::env::atmosphere::nrlmsise00::Nrlmsise00;
use crate::env::atmosphere::us76::Us76;
use crate::env::atmosphere::{AtmosphereModel, AtmosphereQuery};
use crate::env::space_weather::SpaceWeatherValues;

use super::earth::GeodeticPoint;
use super::EntryError;

/// Which atmosphere model gives the density.
#[derive(Clone, Debug)]
pub enum AtmosphereChoice {
    /// No air (vacuum): for energy-conservation checks.
    Off,
    /// U.S. Standard Atmosphere 1976 from −5 km to 1000 km.
    Us76,
    /// NRLMSISE-00 above `switch_alt_m` (normally 86 km) with the given activity, US76 below.
    Us76BelowMsisAbove {
        msis: Arc<Nrlmsise00>,
        space_weather: SpaceWeatherValues,
        switch_alt_m: f64,
    },
    /// Any other model.
    Custom(Arc<dyn AtmosphereModel>),
}

/// Piecewise-linear profile of a value against altitude (clamped outside the table).
#[derive(Clone, Debug, PartialEq)]
pub struct AltitudeTable {
    pub alt_m: Vec<f64>,
    pub value: Vec<f64>,
}

impl AltitudeTable {
    fn validate(&self, what: &str) -> Result<(), EntryError> {
        let n = self.alt_m.len();
        if n == 0 || self.value.len() != n {
            return Err(EntryError::InvalidConfig(format!(
                "{what}: {} altitudes and {} values (must be equal and > 0)",
                n,
                self.value.len()
            )));
        }
        for i in 0..n {
            if !self.alt_m[i].is_finite() || !self.value[i].is_finite() {
                return Err(EntryError::InvalidConfig(format!(
                    "{what}: entry {i} (alt {} m, value {}) is not finite",
                    self.alt_m[i], self.value[i]
                )));
            }
            if i > 0 && self.alt_m[i] <= self.alt_m[i - 1] {
                return Err(EntryError::InvalidConfig(format!(
                    "{what}: altitudes must increase strictly ({} m then {} m)",
                    self.alt_m[i - 1],
                    self.alt_m[i]
                )));
            }
        }
        Ok(())
    }

    #[inline]
    fn at(&self, alt_m: f64) -> f64 {
        interp_clamped(&self.alt_m, &self.value, alt_m)
    }
}

#[inline]
fn interp_clamped(x: &[f64], y: &[f64], at: f64) -> f64 {
    let n = x.len();
    if n == 1 || at <= x[0] {
        return y[0];
    }
    if at >= x[n - 1] {
        return y[n - 1];
    }
    let mut lo = 0;
    let mut hi = n - 1;
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if x[mid] <= at {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    y[lo] + (at - x[lo]) / (x[hi] - x[lo]) * (y[hi] - y[lo])
}

/// Horizontal wind against altitude: the air moves east at `east_m_s` and north at `north_m_s`.
#[derive(Clone, Debug, PartialEq)]
pub struct WindProfile {
    pub alt_m: Vec<f64>,
    pub east_m_s: Vec<f64>,
    pub north_m_s: Vec<f64>,
}

/// The atmosphere of an entry run.
#[derive(Clone, Debug)]
pub struct EntryAtmosphere {
    pub model: AtmosphereChoice,
    /// Constant density multiplier (1 = nominal).
    pub density_scale: f64,
    /// Optional altitude-dependent density multiplier, applied on top of `density_scale`.
    pub density_scale_table: Option<AltitudeTable>,
    pub wind: Option<WindProfile>,
}

impl Default for EntryAtmosphere {
    fn default() -> Self {
        Self {
            model: AtmosphereChoice::Us76,
            density_scale: 1.0,
            density_scale_table: None,
            wind: None,
        }
    }
}

/// What the dynamics needs from the air at a point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AirSample {
    pub density_kg_m3: f64,
    pub speed_of_sound_m_s: f64,
    /// Wind, east and north, m/s.
    pub wind_east_m_s: f64,
    pub wind_north_m_s: f64,
}

const GAMMA_AIR: f64 = 1.4;
const R_AIR_J_KG_K: f64 = 287.053;
const VACUUM_SOUND_M_S: f64 = 300.0;

#[derive(Debug)]
pub(crate) struct AtmosphereEval {
    us76: Us76,
}

impl AtmosphereEval {
    pub(crate) fn new() -> Self {
        Self { us76: Us76::new() }
    }
}

impl EntryAtmosphere {
    pub fn validate(&self) -> Result<(), EntryError> {
        if !(self.density_scale.is_finite() && self.density_scale >= 0.0) {
            return Err(EntryError::InvalidConfig(format!(
                "density_scale = {} must be finite and ≥ 0",
                self.density_scale
            )));
        }
        if let Some(t) = &self.density_scale_table {
            t.validate("density_scale_table")?;
            if t.value.iter().any(|v| *v < 0.0) {
                return Err(EntryError::InvalidConfig(
                    "density_scale_table: factors must be ≥ 0".into(),
                ));
            }
        }
        if let Some(w) = &self.wind {
            AltitudeTable {
                alt_m: w.alt_m.clone(),
                value: w.east_m_s.clone(),
            }
            .validate("wind east")?;
            AltitudeTable {
                alt_m: w.alt_m.clone(),
                value: w.north_m_s.clone(),
            }
            .validate("wind north")?;
        }
        if let AtmosphereChoice::Us76BelowMsisAbove { switch_alt_m, .. } = &self.model {
            if !(switch_alt_m.is_finite() && (0.0..=1.0e6).contains(switch_alt_m)) {
                return Err(EntryError::InvalidConfig(format!(
                    "NRLMSISE-00 switch altitude {switch_alt_m} m must be in [0, 1000 km]"
                )));
            }
        }
        Ok(())
    }

    /// The air at geodetic (lat, lon, alt) at `tt_s` TT seconds past J2000.
    pub(crate) fn sample(
        &self,
        ev: &AtmosphereEval,
        geo: &GeodeticPoint,
        tt_s: f64,
    ) -> Result<AirSample, EntryError> {
        let alt_m = geo.alt_m;
        // Below a model's floor (only reached by trial Runge–Kutta stages past touchdown) the
        // floor's air is used; the step is then cut at the touchdown event.
        let floor = match &self.model {
            AtmosphereChoice::Custom(m) => m.altitude_range_m().0,
            _ => -5000.0,
        };
        let alt_m = if alt_m < floor { floor } else { alt_m };
        let (rho, a_opt, t_opt) = match &self.model {
            AtmosphereChoice::Off => (0.0, None, None),
            AtmosphereChoice::Us76 => {
                if alt_m > 1.0e6 {
                    (0.0, None, None)
                } else {
                    let s = ev.us76.at_altitude(alt_m)?;
                    (s.density_kg_m3, s.speed_of_sound_m_s, s.temperature_k)
                }
            }
            AtmosphereChoice::Us76BelowMsisAbove {
                msis,
                space_weather,
                switch_alt_m,
            } => {
                if alt_m > 1.0e6 {
                    (0.0, None, None)
                } else if alt_m <= *switch_alt_m {
                    let s = ev.us76.at_altitude(alt_m)?;
                    (s.density_kg_m3, s.speed_of_sound_m_s, s.temperature_k)
                } else {
                    let s = msis.evaluate(&AtmosphereQuery {
                        alt_m,
                        lat_rad: geo.lat_rad(),
                        lon_rad: geo.lon_rad(),
                        tt_s,
                        space_weather: Some(*space_weather),
                    })?;
                    (s.density_kg_m3, s.speed_of_sound_m_s, s.temperature_k)
                }
            }
            AtmosphereChoice::Custom(m) => {
                let (_, hi) = m.altitude_range_m();
                if alt_m > hi {
                    (0.0, None, None)
                } else {
                    let s = m.evaluate(&AtmosphereQuery {
                        alt_m,
                        lat_rad: geo.lat_rad(),
                        lon_rad: geo.lon_rad(),
                        tt_s,
                        space_weather: None,
                    })?;
                    (s.density_kg_m3, s.speed_of_sound_m_s, s.temperature_k)
                }
            }
        };
        let mut scale = self.density_scale;
        if let Some(t) = &self.density_scale_table {
            scale *= t.at(alt_m);
        }
        let a = match (a_opt, t_opt) {
            (Some(a), _) => a,
            (None, Some(t)) => (GAMMA_AIR * R_AIR_J_KG_K * t).sqrt(),
            (None, None) => VACUUM_SOUND_M_S,
        };
        let (we, wn) = match &self.wind {
            Some(w) => (
                interp_clamped(&w.alt_m, &w.east_m_s, alt_m),
                interp_clamped(&w.alt_m, &w.north_m_s, alt_m),
            ),
            None => (0.0, 0.0),
        };
        Ok(AirSample {
            density_kg_m3: rho * scale,
            speed_of_sound_m_s: a,
            wind_east_m_s: we,
            wind_north_m_s: wn,
        })
    }
}
