//! Equations of motion of a point mass over the rotating Earth, in the Earth-fixed frame.
//!
//! The Earth-fixed frame (ITRF) is taken as rotating at a constant rate ω about its z axis;
//! polar motion, precession and nutation are neglected over the ~1 h of an entry (their effect
//! on the rotation over that time is below 1e-9 rad). With r and v the Earth-fixed position and
//! Earth-relative velocity (Vinh, Busemann & Culp, *Hypersonic and Planetary Entry Flight
//! Mechanics*, 1980, ch. 2):
//!
//! ```text
//! dr/dt = v
//! dv/dt = g(r) − 2 ω×v − ω×(ω×r) + (D + L + T + P)/m
//! dm/dt = −T/(Isp·g0)        (during the deorbit burn)
//! dQ/dt = q̇_SG               (stagnation heat load, Sutton–Graves)
//! ```
//!
//! D = −q·Cd(M)·S·v̂_a (drag), L = q·Cd·S·(L/D)(M)·l̂ (lift), P = −q·(Cd·A)_chute·v̂_a, with
//! v_a = v − w the air-relative velocity (w = horizontal wind), q = ½ρ|v_a|²,
//! l̂ = cos σ·û⊥ + sin σ·(v̂_a × û⊥), û⊥ the local geodetic up projected ⟂ to v̂_a, σ the
//! bank angle. T is the engine thrust along the burn attitude.
//!
//! The state vector carries an eighth component, the integrated heat load Q (J/m²), so that
//! the heat load has the accuracy of the integrator rather than of a quadrature over steps;
//! it does not enter the step-size control.

use nalgebra::{SVector, Vector3};

use super::aero::AeroConfiguration;
use super::atmosphere::{AtmosphereEval, EntryAtmosphere};
use super::config::{BurnAttitude, G0_M_S2};
use super::earth::{EarthModel, GeodeticPoint};
use super::heating::sutton_graves_w_m2;
use super::EntryError;

/// Internal state: r (3), v (3), mass, heat load.
pub(crate) type State8 = SVector<f64, 8>;

/// The engine thrust active in a phase.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ThrustSpec {
    pub thrust_n: f64,
    pub mdot_kg_s: f64,
    pub attitude: BurnAttitude,
}

/// The parachute drag area at time t: linear ramp from `from` (at `t0`) to `to` over `dt`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ChuteRamp {
    pub from_m2: f64,
    pub to_m2: f64,
    pub t0_s: f64,
    pub inflation_s: f64,
}

impl ChuteRamp {
    #[inline]
    pub(crate) fn at(&self, t_s: f64) -> f64 {
        if self.inflation_s <= 0.0 || t_s >= self.t0_s + self.inflation_s {
            self.to_m2
        } else {
            let w = ((t_s - self.t0_s) / self.inflation_s).clamp(0.0, 1.0);
            self.from_m2 + w * (self.to_m2 - self.from_m2)
        }
    }
}

/// Everything the right-hand side needs that is constant over one step.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StepForces<'a> {
    pub earth: &'a EarthModel,
    pub atmosphere: &'a EntryAtmosphere,
    pub atmos_eval: &'a AtmosphereEval,
    pub config: &'a AeroConfiguration,
    pub epoch_tt_s: f64,
    pub lift_on: bool,
    pub cos_bank: f64,
    pub sin_bank: f64,
    pub thrust: Option<ThrustSpec>,
    pub chute: Option<ChuteRamp>,
    /// Constant deceleration along −v (soft-landing engines over a finite time), m/s².
    pub retro_decel_m_s2: f64,
}

/// Quantities derived at one evaluation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Diagnostics {
    /// Geodetic point (sines/cosines; latitude and longitude on demand).
    pub geo: GeodeticPoint,
    pub alt_m: f64,
    pub air_speed_m_s: f64,
    pub mach: f64,
    pub q_pa: f64,
    pub density_kg_m3: f64,
    pub heat_flux_w_m2: f64,
    pub sensed_g: f64,
    pub drag_accel_m_s2: f64,
    pub lift_accel_m_s2: f64,
    /// ρ·(Cd·A)_total/(2m), 1/m: the drag acceleration is −k·|v_a|·v_a (for the Jacobian).
    pub drag_k_per_m: f64,
    /// Air-relative velocity, Earth-fixed axes, m/s.
    pub v_air: Vector3<f64>,
}

impl Diagnostics {
    #[inline]
    pub(crate) fn lat_rad(&self) -> f64 {
        self.geo.lat_rad()
    }
    #[inline]
    pub(crate) fn lon_rad(&self) -> f64 {
        self.geo.lon_rad()
    }
}

impl Default for Diagnostics {
    fn default() -> Self {
        Self {
            geo: GeodeticPoint {
                alt_m: 0.0,
                sin_lat: 0.0,
                cos_lat: 1.0,
                sin_lon: 0.0,
                cos_lon: 1.0,
            },
            alt_m: 0.0,
            air_speed_m_s: 0.0,
            mach: 0.0,
            q_pa: 0.0,
            density_kg_m3: 0.0,
            heat_flux_w_m2: 0.0,
            sensed_g: 0.0,
            drag_accel_m_s2: 0.0,
            lift_accel_m_s2: 0.0,
            drag_k_per_m: 0.0,
            v_air: Vector3::zeros(),
        }
    }
}

impl StepForces<'_> {
    /// ∂(dv/dt)/∂v at a point with diagnostics `d`: Coriolis and drag (the stiff part under a
    /// parachute). Position and lift derivatives are left out (a W-method tolerates it).
    pub(crate) fn jacobian_vv(&self, d: &Diagnostics) -> nalgebra::Matrix3<f64> {
        let w = self.earth.omega_rad_s;
        // −2 ω×v with ω = (0, 0, w): rows (0, 2w, 0), (−2w, 0, 0), (0, 0, 0).
        let mut j = nalgebra::Matrix3::new(0.0, 2.0 * w, 0.0, -2.0 * w, 0.0, 0.0, 0.0, 0.0, 0.0);
        let vn = d.v_air.norm();
        if vn > 0.0 && d.drag_k_per_m > 0.0 {
            let u = d.v_air / vn;
            j -= (nalgebra::Matrix3::identity() + u * u.transpose()) * (d.drag_k_per_m * vn);
        }
        j
    }

    /// dy/dt and the diagnostics at (t, y).
    #[inline]
    pub(crate) fn rhs(&self, t_s: f64, y: &State8) -> Result<(State8, Diagnostics), EntryError> {
        let r = Vector3::new(y[0], y[1], y[2]);
        let v = Vector3::new(y[3], y[4], y[5]);
        let m = y[6];
        if m.is_nan() || m <= 0.0 || !r.x.is_finite() || !r.y.is_finite() || !r.z.is_finite() {
            return Err(EntryError::NonFinite {
                t_s,
                what: format!("state r = [{}, {}, {}] m, mass {m} kg", r.x, r.y, r.z),
            });
        }
        let gp = self.earth.geodetic_full(&r);
        let alt = gp.alt_m;
        let air = self
            .atmosphere
            .sample(self.atmos_eval, &gp, self.epoch_tt_s + t_s)?;
        let w = self.earth.omega_vec();
        let mut a = self.earth.gravitation(&r) - 2.0 * w.cross(&v) - w.cross(&w.cross(&r));
        let mut sensed = Vector3::zeros();
        let mut d = Diagnostics {
            geo: gp,
            alt_m: alt,
            density_kg_m3: air.density_kg_m3,
            ..Diagnostics::default()
        };
        let (east, north, up) = gp.enu();
        let va = if air.wind_east_m_s != 0.0 || air.wind_north_m_s != 0.0 {
            v - east * air.wind_east_m_s - north * air.wind_north_m_s
        } else {
            v
        };
        let vas = va.norm();
        d.air_speed_m_s = vas;
        d.v_air = va;
        d.mach = vas / air.speed_of_sound_m_s;
        let mut mdot = 0.0;
        if vas > 0.0 && air.density_kg_m3 > 0.0 {
            let q = 0.5 * air.density_kg_m3 * vas * vas;
            d.q_pa = q;
            let (cd, ld) = self.config.aero.at(d.mach);
            let cds = cd * self.config.reference_area_m2;
            let chute_cda = self.chute.map_or(0.0, |c| c.at(t_s));
            let vhat = va / vas;
            let drag = q * (cds + chute_cda) / m;
            d.drag_accel_m_s2 = drag;
            d.drag_k_per_m = 0.5 * air.density_kg_m3 * (cds + chute_cda) / m;
            sensed -= vhat * drag;
            if self.lift_on && ld != 0.0 {
                let up_perp = up - vhat * up.dot(&vhat);
                let n = up_perp.norm();
                if n > 1e-9 {
                    let u = up_perp / n;
                    let side = vhat.cross(&u);
                    let lift = q * cds * ld / m;
                    d.lift_accel_m_s2 = lift;
                    sensed += (u * self.cos_bank + side * self.sin_bank) * lift;
                }
            }
            d.heat_flux_w_m2 =
                sutton_graves_w_m2(air.density_kg_m3, self.config.nose_radius_m, vas);
        }
        if let Some(th) = &self.thrust {
            let vin = v + w.cross(&r);
            let vn = vin.norm();
            if vn > 0.0 {
                let retro = -vin / vn;
                let dir = match th.attitude {
                    BurnAttitude::Retrograde => retro,
                    BurnAttitude::PitchFromRetrograde { pitch_rad } => {
                        let rad = r - (vin / vn) * r.dot(&(vin / vn));
                        let rn = rad.norm();
                        if rn > 0.0 {
                            let (s, c) = pitch_rad.sin_cos();
                            retro * c + (rad / rn) * s
                        } else {
                            retro
                        }
                    }
                };
                sensed += dir * (th.thrust_n / m);
            }
            mdot = -th.mdot_kg_s;
        }
        if self.retro_decel_m_s2 > 0.0 {
            let vn = v.norm();
            if vn > 0.0 {
                sensed -= v / vn * self.retro_decel_m_s2;
            }
        }
        a += sensed;
        d.sensed_g = sensed.norm() / G0_M_S2;
        let dy = State8::from([v.x, v.y, v.z, a.x, a.y, a.z, mdot, d.heat_flux_w_m2]);
        Ok((dy, d))
    }
}

/// Earth-relative flight-path angle (rad, positive up) and heading (rad, clockwise from north)
/// of velocity `v` at a geodetic point.
pub(crate) fn gamma_heading(geo: &GeodeticPoint, v: &Vector3<f64>) -> (f64, f64) {
    let (e, n, u) = geo.enu();
    let (ve, vn, vu) = (v.dot(&e), v.dot(&n), v.dot(&u));
    (
        vu.atan2((ve * ve + vn * vn).sqrt()),
        ve.atan2(vn).rem_euclid(std::f64::consts::TAU),
    )
}
