//! Sun and Moon as point-mass third bodies, and solar radiation pressure, as force models.
//!
//! The analytic ephemerides of [`crate::env::third_body`] cost microseconds; at every force
//! evaluation that would rival the 20×20 gravity field. Each model therefore tabulates its
//! body over the propagation span ([`TabulatedPosition`]: Sun every 12 h, Moon every hour,
//! 8-point Lagrange, interpolation error far below the series' own accuracy) and falls back to
//! the series outside the table.

use super::forces::{EvalContext, ForceModel, ModelError};
use crate::env::solar_radiation::srp_acceleration;
use crate::env::sun::sun_position_gcrf;
use crate::env::tabulated::TabulatedPosition;
use crate::env::third_body::{
    moon_position_gcrf, third_body_acceleration, GM_MOON_M3_S2, GM_SUN_M3_S2,
};
use crate::frames::{Gcrf, Vec3};
use crate::vehicle::BallisticProperties;

/// Which third body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThirdBody {
    Sun,
    Moon,
}

impl ThirdBody {
    fn position(self, tt_s: f64) -> Vec3<Gcrf> {
        match self {
            Self::Sun => sun_position_gcrf(tt_s),
            Self::Moon => moon_position_gcrf(tt_s),
        }
    }
    fn node_step_s(self) -> f64 {
        match self {
            Self::Sun => 43_200.0,
            Self::Moon => 3_600.0,
        }
    }
    fn gm(self) -> f64 {
        match self {
            Self::Sun => GM_SUN_M3_S2,
            Self::Moon => GM_MOON_M3_S2,
        }
    }
}

/// A body's position, tabulated over a span with the analytic series as fallback.
#[derive(Debug, Clone)]
struct BodyTable {
    body: ThirdBody,
    table: TabulatedPosition,
}

impl BodyTable {
    fn new(body: ThirdBody, span_tt_s: (f64, f64)) -> Self {
        let margin = 2.0 * 86_400.0;
        let (lo, hi) = if span_tt_s.0 <= span_tt_s.1 {
            span_tt_s
        } else {
            (span_tt_s.1, span_tt_s.0)
        };
        let table = TabulatedPosition::new(lo - margin, hi + margin, body.node_step_s(), |t| {
            body.position(t).into_raw()
        });
        Self { body, table }
    }
    #[inline]
    fn position(&self, tt_s: f64) -> Vec3<Gcrf> {
        match self.table.position(tt_s) {
            Some(p) => Vec3::from_raw(p),
            None => self.body.position(tt_s),
        }
    }
}

/// Point-mass attraction of the Sun or the Moon (the indirect term included).
#[derive(Debug, Clone)]
pub struct ThirdBodyForce {
    table: BodyTable,
}

impl ThirdBodyForce {
    pub fn new(body: ThirdBody, span_tt_s: (f64, f64)) -> Self {
        Self {
            table: BodyTable::new(body, span_tt_s),
        }
    }
}

impl ForceModel for ThirdBodyForce {
    fn id(&self) -> String {
        match self.table.body {
            ThirdBody::Sun => "Sun (point mass)".into(),
            ThirdBody::Moon => "Moon (point mass)".into(),
        }
    }
    #[inline]
    fn acceleration(&self, cx: &EvalContext) -> Result<Vec3<Gcrf>, ModelError> {
        let body = self.table.position(cx.tt_s);
        Ok(third_body_acceleration(&cx.r, &body, self.table.body.gm()))
    }
}

/// Solar radiation pressure on a cannonball, with the Earth's conical shadow and penumbra.
#[derive(Debug, Clone)]
pub struct SolarRadiationForce {
    vehicle: BallisticProperties,
    sun: BodyTable,
}

impl SolarRadiationForce {
    pub fn new(vehicle: BallisticProperties, span_tt_s: (f64, f64)) -> Self {
        Self {
            vehicle,
            sun: BodyTable::new(ThirdBody::Sun, span_tt_s),
        }
    }
}

impl ForceModel for SolarRadiationForce {
    fn id(&self) -> String {
        format!(
            "solar radiation pressure (Cr {}, A {} m², m {} kg; conical shadow)",
            self.vehicle.cr, self.vehicle.srp_area_m2, self.vehicle.mass_kg
        )
    }
    #[inline]
    fn acceleration(&self, cx: &EvalContext) -> Result<Vec3<Gcrf>, ModelError> {
        let sun = self.sun.position(cx.tt_s);
        Ok(srp_acceleration(
            &cx.r,
            &sun,
            self.vehicle.cr,
            self.vehicle.srp_area_m2,
            self.vehicle.mass_kg,
        ))
    }
}
