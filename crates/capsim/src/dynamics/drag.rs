//! Atmospheric drag with a co-rotating atmosphere.
//!
//! a = −½ ρ (Cd A / m) |v_rel| v_rel, with v_rel = v − ω⊕ × r the velocity relative to an
//! atmosphere that turns with the Earth (Vallado 4th ed. §8.6.2; Montenbruck & Gill §3.5).
//! ω⊕ is the nominal WGS-84 rate about the Earth's axis of date, taken from the GCRF→ITRF
//! rotation of the evaluation. Density comes from any [`AtmosphereModel`] at the geodetic
//! position (exact WGS-84 inverse).
//!
//! **Density sampling.** NRLMSISE-00 costs microseconds; calling it at all 12 DOP853 stages
//! of every step would dominate a long propagation. With [`DensitySampling::Anchored`] the
//! model is evaluated at *anchors* at least `spacing_s` apart along the propagation (at the
//! position of the first evaluation past the spacing), each anchor also giving the local
//! vertical gradient d ln ρ / dh from a second evaluation 1 km higher. A query uses the four
//! anchors nearest in time: each predicts ln ρ at the query altitude with its gradient, and the
//! four predictions are interpolated (cubically) in time. The horizontal (latitude, local time)
//! variation of ln ρ along an orbit has a period of ~90 min; the effect of the spacing on a
//! 192-day ISS propagation is measured in docs/performance.md. The anchors depend only on the sequence of evaluations, so a
//! propagation stays deterministic; they are cleared at the start of every propagation.

use super::forces::{EvalContext, ForceModel, ModelError};
use crate::constants::EARTH_ROTATION_RATE_RAD_S;
use crate::env::atmosphere::{AtmosphereModel, AtmosphereQuery};
use crate::env::space_weather::SpaceWeatherValues;
use crate::frames::geodetic::{itrf_to_geodetic, Geodetic};
use crate::frames::{Gcrf, Itrf, Vec3};
use crate::vehicle::BallisticProperties;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

/// Supplies solar and geomagnetic activity at a time (TT seconds since J2000).
pub trait SpaceWeatherProvider: Send + Sync + Debug {
    fn values_at_tt(&self, tt_s: f64) -> Result<SpaceWeatherValues, String>;
    /// Instants in `(lo, hi)` where the values change (3-hourly ap, daily F10.7).
    fn steps_between(&self, _lo_tt_s: f64, _hi_tt_s: f64) -> Vec<f64> {
        Vec::new()
    }
}

/// How often the atmosphere model is evaluated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DensitySampling {
    /// At every force evaluation (reference runs, cheap models).
    EveryEvaluation,
    /// At anchors at least `spacing_s` apart, interpolated in between (see the module doc).
    Anchored { spacing_s: f64 },
}

#[derive(Clone, Copy, Debug)]
struct Anchor {
    t: f64,
    alt_m: f64,
    ln_rho: f64,
    dln_rho_dh: f64,
}

/// Drag force model.
#[derive(Debug)]
pub struct DragForce {
    atmosphere: Arc<dyn AtmosphereModel>,
    space_weather: Option<Arc<dyn SpaceWeatherProvider>>,
    vehicle: BallisticProperties,
    sampling: DensitySampling,
    /// 1 for an atmosphere co-rotating with the Earth, 0 for an inertial one.
    corotation: f64,
    anchors: Mutex<Vec<Anchor>>,
}

/// Altitude step for the vertical density gradient of an anchor, m.
const GRADIENT_STEP_M: f64 = 1_000.0;

impl DragForce {
    pub fn new(
        atmosphere: Arc<dyn AtmosphereModel>,
        space_weather: Option<Arc<dyn SpaceWeatherProvider>>,
        vehicle: BallisticProperties,
        sampling: DensitySampling,
    ) -> Self {
        Self {
            atmosphere,
            space_weather,
            vehicle,
            sampling,
            corotation: 1.0,
            anchors: Mutex::new(Vec::with_capacity(4)),
        }
    }

    /// An atmosphere at rest in GCRF instead of co-rotating: only for comparisons with
    /// references that assume it (analytic decay theory, poliastro's decay examples).
    pub fn with_inertial_atmosphere(mut self) -> Self {
        self.corotation = 0.0;
        self
    }

    pub fn vehicle(&self) -> &BallisticProperties {
        &self.vehicle
    }

    /// The atmosphere model at geodetic point `g` raised by `alt_offset_m`: density, kg/m³.
    fn density_exact(&self, tt_s: f64, g: &Geodetic, alt_offset_m: f64) -> Result<f64, ModelError> {
        let space_weather = match &self.space_weather {
            Some(p) => Some(
                p.values_at_tt(tt_s)
                    .map_err(|m| ModelError::Other(format!("drag: {m}")))?,
            ),
            None => None,
        };
        let q = AtmosphereQuery {
            alt_m: g.alt_m + alt_offset_m,
            lat_rad: g.lat_rad,
            lon_rad: g.lon_rad,
            tt_s,
            space_weather,
        };
        let s = self
            .atmosphere
            .evaluate(&q)
            .map_err(|e| ModelError::Other(format!("drag: {e}")))?;
        Ok(s.density_kg_m3)
    }

    /// Density at the evaluation point, exact or from the anchors. Above the atmosphere
    /// model's top (1000 km for the shipped models, where ρ < 4e-15 kg/m³) drag is neglected.
    fn density(&self, tt_s: f64, r_itrf: &Vec3<Itrf>) -> Result<f64, ModelError> {
        // One geodetic conversion per evaluation, shared by every use below.
        let g = itrf_to_geodetic(r_itrf);
        let alt_m = g.alt_m;
        let (_, top_m) = self.atmosphere.altitude_range_m();
        if alt_m >= top_m {
            return Ok(0.0);
        }
        let spacing_s = match self.sampling {
            DensitySampling::EveryEvaluation => return self.density_exact(tt_s, &g, 0.0),
            DensitySampling::Anchored { spacing_s } => spacing_s,
        };
        let mut anchors = self
            .anchors
            .lock()
            .map_err(|_| ModelError::Other("drag: density cache poisoned".into()))?;
        // A new anchor when no existing one lies within `spacing_s` of this time.
        let pos = anchors.partition_point(|a| a.t < tt_s);
        let near = |i: usize| {
            anchors
                .get(i)
                .is_some_and(|a: &Anchor| (tt_s - a.t).abs() < spacing_s)
        };
        let needs_anchor = !(near(pos) || (pos > 0 && near(pos - 1)));
        if needs_anchor {
            let rho = self.density_exact(tt_s, &g, 0.0)?;
            // The gradient sample goes 1 km up, or 1 km down near the model's top.
            let dh = if alt_m + GRADIENT_STEP_M < top_m {
                GRADIENT_STEP_M
            } else {
                -GRADIENT_STEP_M
            };
            let rho_2 = self.density_exact(tt_s, &g, dh)?;
            if !(rho > 0.0 && rho_2 > 0.0) {
                return Ok(rho.max(0.0));
            }
            let a = Anchor {
                t: tt_s,
                alt_m,
                ln_rho: rho.ln(),
                dln_rho_dh: (rho_2.ln() - rho.ln()) / dh,
            };
            // Keep anchors ordered in time; only the neighbourhood of the current time is used.
            anchors.insert(pos, a);
            if anchors.len() > 64 {
                // Forget anchors far from the current time: behind it going forward, ahead of
                // it going backward.
                if pos >= 32 {
                    anchors.drain(..pos - 32);
                } else {
                    anchors.truncate(pos + 32);
                }
            }
        }
        Ok(interpolate(&anchors, tt_s, alt_m).exp())
    }
}

/// Anchors used per interpolation (cubic in time).
const INTERPOLATION_POINTS: usize = 4;

/// ln ρ at (t, h) from the (up to) four anchors nearest in time: each predicts ln ρ at the
/// query height with its own vertical gradient; the predictions are Lagrange-interpolated in t.
fn interpolate(anchors: &[Anchor], t: f64, alt_m: f64) -> f64 {
    let n = anchors.len();
    let predict = |a: &Anchor| a.ln_rho + a.dln_rho_dh * (alt_m - a.alt_m);
    let k = n.min(INTERPOLATION_POINTS);
    // Window of k consecutive anchors, as centred on t as the ends allow.
    let pos = anchors.partition_point(|a| a.t < t);
    let start = pos.saturating_sub(k / 2).min(n - k);
    let w = &anchors[start..start + k];
    let mut sum = 0.0;
    for (j, aj) in w.iter().enumerate() {
        let mut l = 1.0;
        for (m, am) in w.iter().enumerate() {
            if m != j {
                l *= (t - am.t) / (aj.t - am.t);
            }
        }
        sum += l * predict(aj);
    }
    sum
}

impl ForceModel for DragForce {
    fn id(&self) -> String {
        let sampling = match self.sampling {
            DensitySampling::EveryEvaluation => "every evaluation".to_string(),
            DensitySampling::Anchored { spacing_s } => format!("anchors every {spacing_s} s"),
        };
        format!(
            "drag {} (Cd {}, A {} m², m {} kg, ballistic coefficient m/(Cd·A) {:.1} kg/m²; density {}{})",
            self.atmosphere.name(),
            self.vehicle.cd,
            self.vehicle.drag_area_m2,
            self.vehicle.mass_kg,
            self.vehicle.ballistic_coefficient_kg_m2(),
            sampling,
            if self.corotation == 0.0 {
                "; inertial atmosphere"
            } else {
                ""
            }
        )
    }
    fn needs_earth_rotation(&self) -> bool {
        true
    }
    fn begin_propagation(&self) {
        if let Ok(mut a) = self.anchors.lock() {
            a.clear();
        }
    }
    fn discontinuities_between(&self, lo_tt_s: f64, hi_tt_s: f64) -> Vec<f64> {
        match &self.space_weather {
            Some(p) if self.atmosphere.uses_space_weather() => p.steps_between(lo_tt_s, hi_tt_s),
            _ => Vec::new(),
        }
    }
    fn acceleration(&self, cx: &EvalContext) -> Result<Vec3<Gcrf>, ModelError> {
        let rot = cx
            .gcrf_to_itrf
            .ok_or_else(|| ModelError::NoEarthOrientation {
                model: "drag".into(),
            })?;
        let r_itrf = rot.apply(&cx.r);
        let rho = self.density(cx.tt_s, &r_itrf)?;
        // Earth's rotation vector in GCRF: the ITRF z axis (≈ CIP) times the nominal rate.
        let pole: Vec3<Gcrf> = rot.inverse().apply(&Vec3::<Itrf>::new(0.0, 0.0, 1.0));
        let omega = pole * (EARTH_ROTATION_RATE_RAD_S * self.corotation);
        let v_rel = cx.v - omega.cross(&cx.r);
        let k = -0.5 * rho * self.vehicle.drag_factor_m2_kg() * v_rel.norm();
        Ok(v_rel * k)
    }
}

impl SpaceWeatherProvider for crate::env::space_weather::SpaceWeatherSource {
    fn values_at_tt(&self, tt_s: f64) -> Result<SpaceWeatherValues, String> {
        self.values_at(crate::time::epoch_from_tt_seconds_j2000(tt_s))
            .map_err(|e| e.to_string())
    }
    /// A table's ap changes every 3 h of UTC (00, 03, …, 21 h), which also covers the daily
    /// F10.7 change at 00 h; a constant never changes.
    fn steps_between(&self, lo_tt_s: f64, hi_tt_s: f64) -> Vec<f64> {
        use crate::env::space_weather::SpaceWeatherSource;
        use crate::time::{epoch_from_tt_seconds_j2000, tt_seconds_j2000, Duration, Epoch};
        if matches!(self, SpaceWeatherSource::Constant(_))
            || hi_tt_s.partial_cmp(&lo_tt_s) != Some(std::cmp::Ordering::Greater)
        {
            return Vec::new();
        }
        let start = epoch_from_tt_seconds_j2000(lo_tt_s);
        let (y, m, d, h, ..) = start.to_gregorian_utc();
        let mut t = Epoch::from_gregorian_utc(y, m, d, h - h % 3, 0, 0, 0);
        let mut out = Vec::new();
        while tt_seconds_j2000(t) < hi_tt_s {
            let s = tt_seconds_j2000(t);
            if s > lo_tt_s {
                out.push(s);
            }
            t += Duration::from_hours(3.0);
        }
        out
    }
}
