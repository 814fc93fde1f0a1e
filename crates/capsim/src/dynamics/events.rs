//! Orbit event detectors that need the Earth's shape, orientation or the Sun: altitude
//! crossing, eclipse entry/exit (conical shadow) and ground-station visibility.
//!
//! Each is a switching function g(t, y) whose zero is the event, located by the integrator on
//! its dense output (see [`crate::propagate`]). The inertial detectors (apsides, node
//! crossings) live in [`crate::propagate::detectors`] and are re-exported here.

use crate::env::sun::{shadow_functions, sun_position_gcrf_low_precision};
use crate::frames::earth_orientation::EarthOrientationCache;
use crate::frames::geodetic::{geodetic_to_itrf, itrf_to_geodetic, Geodetic};
use crate::frames::{Gcrf, Itrf, Vec3};
use crate::propagate::{Direction, EventAction, EventFunction};
use nalgebra::{SVector, Vector3};
use std::sync::Arc;

pub use crate::propagate::detectors::{Apsis, NodeCrossing};

#[inline]
fn position(y: &SVector<f64, 6>) -> Vec3<Gcrf> {
    Vec3::from_raw(Vector3::new(y[0], y[1], y[2]))
}

/// Crossing of a height above the WGS-84 ellipsoid. g = h − h₀ (m); increasing = climbing.
#[derive(Debug)]
pub struct AltitudeCrossing {
    name: String,
    alt_m: f64,
    direction: Direction,
    action: EventAction,
    earth: Arc<EarthOrientationCache>,
}

impl AltitudeCrossing {
    pub fn new(alt_m: f64, earth: Arc<EarthOrientationCache>) -> Self {
        Self {
            name: format!("altitude {:.3} km", alt_m / 1e3),
            alt_m,
            direction: Direction::Either,
            action: EventAction::Continue,
            earth,
        }
    }
    /// Only descending crossings, stopping the propagation (e.g. entry interface).
    pub fn descending_stop(mut self) -> Self {
        self.direction = Direction::Decreasing;
        self.action = EventAction::Stop;
        self
    }
    pub fn with_direction(mut self, d: Direction) -> Self {
        self.direction = d;
        self
    }
    pub fn with_action(mut self, a: EventAction) -> Self {
        self.action = a;
        self
    }
}

impl EventFunction<6> for AltitudeCrossing {
    fn name(&self) -> &str {
        &self.name
    }
    fn g(&mut self, t: f64, y: &SVector<f64, 6>) -> f64 {
        match self.earth.gcrf_to_itrf(t) {
            Ok(rot) => itrf_to_geodetic(&rot.apply(&position(y))).alt_m - self.alt_m,
            // Outside the EOP span the propagation itself fails first; keep g defined.
            Err(_) => f64::NAN,
        }
    }
    fn direction(&self) -> Direction {
        self.direction
    }
    fn action(&self) -> EventAction {
        self.action
    }
}

/// Which shadow boundary an [`Eclipse`] detector watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShadowBoundary {
    Penumbra,
    Umbra,
}

/// Entry into / exit from the Earth's shadow, conical model (Montenbruck & Gill §3.4.2) with
/// the low-precision analytic Sun of [`crate::env::sun`] (35 ns a call; its ~2′ error moves a
/// LEO shadow boundary by well under a second). g < 0 inside: decreasing = entry, increasing
/// = exit.
#[derive(Debug, Clone)]
pub struct Eclipse {
    boundary: ShadowBoundary,
    earth_radius_m: f64,
    name: &'static str,
}

impl Eclipse {
    pub fn new(boundary: ShadowBoundary) -> Self {
        Self {
            boundary,
            earth_radius_m: crate::constants::WGS84_A_M,
            name: match boundary {
                ShadowBoundary::Penumbra => "penumbra",
                ShadowBoundary::Umbra => "umbra",
            },
        }
    }
}

impl EventFunction<6> for Eclipse {
    fn name(&self) -> &str {
        self.name
    }
    fn g(&mut self, t: f64, y: &SVector<f64, 6>) -> f64 {
        let (gp, gu) = shadow_functions(
            &position(y),
            &sun_position_gcrf_low_precision(t),
            self.earth_radius_m,
        );
        match self.boundary {
            ShadowBoundary::Penumbra => gp,
            ShadowBoundary::Umbra => gu,
        }
    }
}

/// Visibility from a ground station above an elevation mask. g = elevation − mask (rad):
/// increasing = rise (acquisition of signal), decreasing = set (loss of signal).
#[derive(Debug)]
pub struct StationVisibility {
    name: String,
    station_itrf: Vec3<Itrf>,
    up: Vector3<f64>,
    mask_rad: f64,
    earth: Arc<EarthOrientationCache>,
}

impl StationVisibility {
    pub fn new(
        name: impl Into<String>,
        station: Geodetic,
        mask_rad: f64,
        earth: Arc<EarthOrientationCache>,
    ) -> Self {
        let (slat, clat) = station.lat_rad.sin_cos();
        let (slon, clon) = station.lon_rad.sin_cos();
        Self {
            name: name.into(),
            station_itrf: geodetic_to_itrf(&station),
            up: Vector3::new(clat * clon, clat * slon, slat),
            mask_rad,
            earth,
        }
    }

    /// Elevation of GCRF position `r` at `tt_s`, rad.
    pub fn elevation_rad(&self, tt_s: f64, r: &Vec3<Gcrf>) -> f64 {
        match self.earth.gcrf_to_itrf(tt_s) {
            Ok(rot) => {
                let rho = rot.apply(r) - self.station_itrf;
                (rho.raw().dot(&self.up) / rho.norm())
                    .clamp(-1.0, 1.0)
                    .asin()
            }
            Err(_) => f64::NAN,
        }
    }
}

impl EventFunction<6> for StationVisibility {
    fn name(&self) -> &str {
        &self.name
    }
    fn g(&mut self, t: f64, y: &SVector<f64, 6>) -> f64 {
        self.elevation_rad(t, &position(y)) - self.mask_rad
    }
}
