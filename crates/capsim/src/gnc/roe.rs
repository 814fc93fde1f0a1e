//! Relative motion in quasi-nonsingular relative orbital elements (ROE): a linearised model that
//! keeps the secular (drift) part of the relative motion exact.
//!
//! Why this shape. The Clohessy–Wiltshire solution ([`crate::gnc::cw`]) maps the *initial*
//! relative state linearly forward in time, so the second-order error in the chaser's period
//! (order |ρ|²/a) grows secularly: about 2.8 m per orbit at 1 km in LEO. Here the chaser's
//! relative state is instead turned into ROE **exactly** (osculating Keplerian elements of both
//! vehicles, then differences; nonlinear), the ROE are propagated under two-body motion (only the
//! relative mean argument of latitude δλ moves, at the exact rate n_c − n_t or its linearisation
//! −(3/2) n δa), and only the final ROE → rotating-frame map is linear. The error is then the
//! second-order remainder of that map, bounded (no secular growth) and of order |δα|² a.
//!
//! Elements and ROE (D'Amico, *Autonomous Formation Flying in Low Earth Orbit*, PhD thesis,
//! TU Delft 2010, ch. 2, the quasi-nonsingular ROE; the same set in Koenig, Guffanti & D'Amico,
//! "New State Transition Matrices for Spacecraft Relative Motion in Perturbed Orbits", JGCD 40(7)
//! 2017, §II, whose Keplerian STM is the drift used here): with the
//! eccentricity vector (ex, ey) = e (cos ω, sin ω) and the mean argument of latitude u = M + ω,
//!
//! * δa = (a_c − a_t)/a_t,
//! * δλ = (u_c − u_t) + (Ω_c − Ω_t) cos i_t,
//! * (δex, δey) = (ex_c − ex_t, ey_c − ey_t),
//! * (δix, δiy) = (i_c − i_t, (Ω_c − Ω_t) sin i_t).
//!
//! Two linear ROE → RSW maps are provided (x radial, y along-track, z cross-track; velocities as
//! seen from the rotating frame, the convention of [`crate::frames::local`]):
//!
//! * [`roe_to_rsw_near_circular`]: the near-circular-target map (D'Amico 2010 ch. 2; D'Amico
//!   & Montenbruck, "Proximity Operations of Formation-Flying Spacecraft Using an
//!   Eccentricity/Inclination Vector Separation", JGCD 29(3) 2006), which *is* the CW solution
//!   written in ROE:
//!   x/a = δa − δex cos u − δey sin u, y/a = δλ + 2 δex sin u − 2 δey cos u,
//!   z/a = δix sin u − δiy cos u, and the time derivatives with u̇ = n, δλ̇ = −(3/2) n δa.
//!   Its neglected terms are of order e_t |ρ| (so 1 m at 1 km for e_t = 0.001) and |δα|² a.
//! * [`roe_to_rsw_eccentric`]: the exact first-order map for any elliptic target, the Jacobian of
//!   the Cartesian state with respect to the elements contracted with the ROE. Position and
//!   velocity in the orbit plane use the equinoctial-type formulas of Broucke & Cefola
//!   (Celestial Mechanics 5, 1972) written with (ex, ey) about the node and the eccentric argument
//!   of latitude F (u = F − ex sin F + ey cos F); the plane's orientation varies with δi, δΩ.
//!   Then ρ = Q δr, ρ̇ = Q (δv − ω × δr) exactly as in `frames::local` (Vallado §6.8), linearised.
//!   At e_t = 0 it reduces to the near-circular map (tested).
//!
//! The along-track coordinate of these maps is to first order both the Cartesian y and the arc
//! length of the curvilinear reading (Alfriend et al., *Spacecraft Formation Flying*, 2010,
//! §5.3); they differ at second order, and both readings are measured in the tests.
//!
//! Valid for elliptic, non-equatorial target orbits (δiy and δλ use Ω; the target's sin i must
//! exceed ~1e-6) and relative separations small compared with a. Everything is fixed-size; no
//! allocation.

use crate::frames::local::RelativeState;
use crate::frames::local::{gcrf_to_rsw, orbital_frame_rate, InertialPair, LocalFrameError};
use crate::frames::{Gcrf, Rsw, Vec3};
use crate::state::keplerian::{mean_to_eccentric, true_to_mean, KeplerError, Keplerian};
use core::f64::consts::{PI, TAU};
use nalgebra::Vector3;

/// Why an ROE computation could not be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RoeError {
    /// Element conversion or Kepler-equation failure.
    #[error("orbital elements: {0}")]
    Kepler(#[from] KeplerError),
    /// The target's local frame is undefined.
    #[error(transparent)]
    Frame(#[from] LocalFrameError),
    /// One of the vehicles is not on an elliptic orbit.
    #[error("{which} orbit is not elliptic (a = {a_m} m, e = {e}); ROE need closed orbits")]
    NotElliptic {
        which: &'static str,
        a_m: f64,
        e: f64,
    },
    /// The target orbit is (near-)equatorial: Ω and hence δλ, δiy are undefined.
    #[error(
        "target orbit too close to equatorial for quasi-nonsingular ROE: i = {i_rad} rad \
         (need sin i > {min_sin_i})"
    )]
    Equatorial { i_rad: f64, min_sin_i: f64 },
    /// A time, μ or element is not finite / not valid.
    #[error("ROE input {what} is invalid: {value}")]
    BadInput { what: &'static str, value: f64 },
}

/// Smallest sin i of the target accepted (Ω must be defined to well below the ROE magnitudes).
const MIN_SIN_I: f64 = 1e-6;

/// Wraps an angle to (−π, π].
fn wrap_pi(x: f64) -> f64 {
    let y = (x + PI).rem_euclid(TAU) - PI;
    if y <= -PI {
        y + TAU
    } else {
        y
    }
}

fn check(what: &'static str, value: f64) -> Result<(), RoeError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(RoeError::BadInput { what, value })
    }
}

/// Quasi-nonsingular osculating elements of one orbit (D'Amico 2010 §2.1): a, the eccentricity
/// vector (ex, ey) = e (cos ω, sin ω) measured from the ascending node, i, Ω and the mean argument
/// of latitude u = M + ω.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QnsElements {
    /// Semi-major axis, m.
    pub a_m: f64,
    /// e cos ω.
    pub ex: f64,
    /// e sin ω.
    pub ey: f64,
    /// Inclination, rad.
    pub i_rad: f64,
    /// Right ascension of the ascending node, rad.
    pub raan_rad: f64,
    /// Mean argument of latitude u = M + ω, rad, in [0, 2π).
    pub u_mean_rad: f64,
}

impl QnsElements {
    /// Osculating elements through an inertial state (exact, via [`Keplerian::from_cartesian`]).
    pub fn from_cartesian(
        r: &Vec3<Gcrf>,
        v: &Vec3<Gcrf>,
        mu_m3_s2: f64,
        which: &'static str,
    ) -> Result<Self, RoeError> {
        let k = Keplerian::from_cartesian(r, v, mu_m3_s2)?;
        if !(k.a_m > 0.0 && k.e < 1.0) {
            return Err(RoeError::NotElliptic {
                which,
                a_m: k.a_m,
                e: k.e,
            });
        }
        let m = true_to_mean(k.true_anomaly_rad, k.e)?;
        let (sw, cw) = k.argp_rad.sin_cos();
        Ok(Self {
            a_m: k.a_m,
            ex: k.e * cw,
            ey: k.e * sw,
            i_rad: k.i_rad,
            raan_rad: k.raan_rad,
            u_mean_rad: (k.argp_rad + m).rem_euclid(TAU),
        })
    }

    /// Mean motion √(μ/a³), rad/s.
    pub fn mean_motion_rad_s(&self, mu_m3_s2: f64) -> f64 {
        (mu_m3_s2 / (self.a_m * self.a_m * self.a_m)).sqrt()
    }

    /// Eccentric argument of latitude F = E + ω, solving u = F − ex sin F + ey cos F.
    pub fn eccentric_arg_of_latitude_rad(&self) -> Result<f64, RoeError> {
        let e = self.ex.hypot(self.ey);
        let w = if e > 0.0 { self.ey.atan2(self.ex) } else { 0.0 };
        Ok(mean_to_eccentric(wrap_pi(self.u_mean_rad - w), e)? + w)
    }
}

/// Quasi-nonsingular relative orbital elements of a chaser w.r.t. a target (D'Amico 2010
/// ch. 2), dimensionless / rad. Multiplied by a_t they are lengths (m).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Roe {
    /// δa = (a_c − a_t)/a_t.
    pub da: f64,
    /// δλ = Δu + ΔΩ cos i_t, rad, in (−π, π].
    pub dlambda_rad: f64,
    /// δex = Δ(e cos ω).
    pub dex: f64,
    /// δey = Δ(e sin ω).
    pub dey: f64,
    /// δix = Δi, rad.
    pub dix_rad: f64,
    /// δiy = ΔΩ sin i_t, rad.
    pub diy_rad: f64,
}

impl Roe {
    /// Exact (nonlinear) ROE from the two element sets.
    pub fn from_elements(target: &QnsElements, chaser: &QnsElements) -> Self {
        let d_raan = wrap_pi(chaser.raan_rad - target.raan_rad);
        let (si, ci) = target.i_rad.sin_cos();
        Self {
            da: (chaser.a_m - target.a_m) / target.a_m,
            dlambda_rad: wrap_pi(chaser.u_mean_rad - target.u_mean_rad + d_raan * ci),
            dex: chaser.ex - target.ex,
            dey: chaser.ey - target.ey,
            dix_rad: chaser.i_rad - target.i_rad,
            diy_rad: d_raan * si,
        }
    }
}

/// How the relative mean longitude drifts under two-body motion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DriftModel {
    /// δλ̇ = n_c − n_t = n_t ((1 + δa)^(−3/2) − 1), exact for Keplerian motion.
    Exact,
    /// δλ̇ = −(3/2) n_t δa (D'Amico 2010 ch. 2; the CW secular term).
    Linear,
}

/// A target orbit and the chaser's ROE w.r.t. it, at one instant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelativeOrbit {
    /// Target's osculating quasi-nonsingular elements.
    pub target: QnsElements,
    /// Chaser's ROE.
    pub roe: Roe,
    /// Gravitational parameter, m³/s².
    pub mu_m3_s2: f64,
}

impl RelativeOrbit {
    /// Exact ROE from inertial target and chaser states (osculating two-body elements).
    pub fn from_pair(pair: &InertialPair, mu_m3_s2: f64) -> Result<Self, RoeError> {
        let target =
            QnsElements::from_cartesian(&pair.target_r, &pair.target_v, mu_m3_s2, "target")?;
        let sin_i = target.i_rad.sin();
        if sin_i.abs() <= MIN_SIN_I {
            return Err(RoeError::Equatorial {
                i_rad: target.i_rad,
                min_sin_i: MIN_SIN_I,
            });
        }
        let chaser =
            QnsElements::from_cartesian(&pair.chaser_r, &pair.chaser_v, mu_m3_s2, "chaser")?;
        Ok(Self {
            target,
            roe: Roe::from_elements(&target, &chaser),
            mu_m3_s2,
        })
    }

    /// Two-body propagation by `dt_s` (either sign): the target's u advances by n_t dt and δλ by
    /// the drift of `drift`; every other element and ROE is constant.
    pub fn propagate_keplerian(&self, dt_s: f64, drift: DriftModel) -> Result<Self, RoeError> {
        check("dt (s)", dt_s)?;
        let n = self.target.mean_motion_rad_s(self.mu_m3_s2);
        check("target mean motion (rad/s)", n)?;
        let da = self.roe.da;
        if da.is_nan() || da <= -1.0 {
            return Err(RoeError::BadInput {
                what: "δa (must be > −1)",
                value: da,
            });
        }
        let rate = match drift {
            DriftModel::Exact => n * (-1.5 * da.ln_1p()).exp_m1(),
            DriftModel::Linear => -1.5 * n * da,
        };
        let mut out = *self;
        out.target.u_mean_rad = (self.target.u_mean_rad + n * dt_s).rem_euclid(TAU);
        out.roe.dlambda_rad = wrap_pi(self.roe.dlambda_rad + rate * dt_s);
        Ok(out)
    }

    /// Linear map to the target's RSW frame assuming a circular target
    /// ([`roe_to_rsw_near_circular`] at the target's mean argument of latitude).
    pub fn to_rsw_near_circular(&self) -> RelativeState<Rsw> {
        roe_to_rsw_near_circular(
            &self.roe,
            self.target.a_m,
            self.target.mean_motion_rad_s(self.mu_m3_s2),
            self.target.u_mean_rad,
        )
    }

    /// Exact first-order map to the target's RSW frame for any elliptic target
    /// ([`roe_to_rsw_eccentric`]).
    pub fn to_rsw(&self) -> Result<RelativeState<Rsw>, RoeError> {
        roe_to_rsw_eccentric(&self.roe, &self.target, self.mu_m3_s2)
    }
}

/// Near-circular linear ROE → RSW map (D'Amico 2010 ch. 2; the CW solution in ROE): target
/// semi-major axis `a_m`, mean motion `n_rad_s`, mean argument of latitude `u_rad`.
pub fn roe_to_rsw_near_circular(
    roe: &Roe,
    a_m: f64,
    n_rad_s: f64,
    u_rad: f64,
) -> RelativeState<Rsw> {
    let (su, cu) = u_rad.sin_cos();
    let Roe {
        da,
        dlambda_rad: dl,
        dex,
        dey,
        dix_rad: dix,
        diy_rad: diy,
    } = *roe;
    let an = a_m * n_rad_s;
    RelativeState {
        rho: Vec3::new(
            a_m * (da - dex * cu - dey * su),
            a_m * (dl + 2.0 * dex * su - 2.0 * dey * cu),
            a_m * (dix * su - diy * cu),
        ),
        rho_dot: Vec3::new(
            an * (dex * su - dey * cu),
            an * (-1.5 * da + 2.0 * dex * cu + 2.0 * dey * su),
            an * (dix * cu + diy * su),
        ),
    }
}

/// Inverse of [`roe_to_rsw_near_circular`]: the ROE of a relative RSW state to first order about
/// a circular target (the CW initial conditions written as ROE; D'Amico 2010 ch. 2).
pub fn rsw_to_roe_near_circular(
    rel: &RelativeState<Rsw>,
    a_m: f64,
    n_rad_s: f64,
    u_rad: f64,
) -> Roe {
    let (su, cu) = u_rad.sin_cos();
    let (x, y, z) = (rel.rho.x() / a_m, rel.rho.y() / a_m, rel.rho.z() / a_m);
    let an = a_m * n_rad_s;
    let (xd, yd, zd) = (
        rel.rho_dot.x() / an,
        rel.rho_dot.y() / an,
        rel.rho_dot.z() / an,
    );
    // In-plane, with p = δex cu + δey su and q = δex su − δey cu: x = δa − p, ẋ = q,
    // ẏ = −(3/2) δa + 2p, y = δλ + 2q; hence δa = 4x + 2ẏ, p = δa − x, δλ = y − 2q.
    let da = 4.0 * x + 2.0 * yd;
    let p = da - x;
    let q = xd;
    let dex = p * cu + q * su;
    let dey = p * su - q * cu;
    Roe {
        da,
        dlambda_rad: y - 2.0 * q,
        dex,
        dey,
        dix_rad: z * su + zd * cu,
        diy_rad: -z * cu + zd * su,
    }
}

/// Exact first-order ROE → RSW map about an elliptic target with elements `target` (the
/// Jacobian of the Cartesian state w.r.t. the quasi-nonsingular elements; see the module doc).
pub fn roe_to_rsw_eccentric(
    roe: &Roe,
    target: &QnsElements,
    mu_m3_s2: f64,
) -> Result<RelativeState<Rsw>, RoeError> {
    let QnsElements {
        a_m: a,
        ex,
        ey,
        i_rad: inc,
        raan_rad: raan,
        ..
    } = *target;
    check("target a (m)", a)?;
    check("μ (m³/s²)", mu_m3_s2)?;
    let e2 = ex * ex + ey * ey;
    if !(a > 0.0 && e2 < 1.0 && mu_m3_s2 > 0.0) {
        return Err(RoeError::NotElliptic {
            which: "target",
            a_m: a,
            e: e2.sqrt(),
        });
    }
    let (si, ci) = inc.sin_cos();
    if si.abs() <= MIN_SIN_I {
        return Err(RoeError::Equatorial {
            i_rad: inc,
            min_sin_i: MIN_SIN_I,
        });
    }
    let f = target.eccentric_arg_of_latitude_rad()?;
    let (sf, cf) = f.sin_cos();
    let eta = (1.0 - e2).sqrt();
    let beta = 1.0 / (1.0 + eta);
    // ∂β/∂ex = ex βp, ∂β/∂ey = ey βp.
    let bp = 1.0 / (eta * (1.0 + eta) * (1.0 + eta));
    let n = (mu_m3_s2 / (a * a * a)).sqrt();

    // In-plane position (node frame P, Q) and its partials; all are a × (dimensionless).
    let x = a * ((1.0 - ey * ey * beta) * cf + ex * ey * beta * sf - ex);
    let y = a * ((1.0 - ex * ex * beta) * sf + ex * ey * beta * cf - ey);
    let x_f = a * (-(1.0 - ey * ey * beta) * sf + ex * ey * beta * cf);
    let y_f = a * ((1.0 - ex * ex * beta) * cf - ex * ey * beta * sf);
    let x_ex = a * (-ey * ey * ex * bp * cf + ey * (beta + ex * ex * bp) * sf - 1.0);
    let x_ey = a * (-(2.0 * ey * beta + ey * ey * ey * bp) * cf + ex * (beta + ey * ey * bp) * sf);
    let y_ex = a * (-(2.0 * ex * beta + ex * ex * ex * bp) * sf + ey * (beta + ex * ex * bp) * cf);
    let y_ey = a * (-ex * ex * ey * bp * sf + ex * (beta + ey * ey * bp) * cf - 1.0);
    // Second partials of (X_F, Y_F).
    let x_ff = -(x + a * ex);
    let y_ff = -(y + a * ey);
    let xf_ex = a * (ey * ey * ex * bp * sf + ey * (beta + ex * ex * bp) * cf);
    let xf_ey = a * ((2.0 * ey * beta + ey * ey * ey * bp) * sf + ex * (beta + ey * ey * bp) * cf);
    let yf_ex = a * (-(2.0 * ex * beta + ex * ex * ex * bp) * cf - ey * (beta + ex * ex * bp) * sf);
    let yf_ey = a * (-ex * ex * ey * bp * cf - ex * (beta + ey * ey * bp) * sf);

    let r = a * (1.0 - ex * cf - ey * sf);
    let f_dot = n * a / r;
    let (xd, yd) = (f_dot * x_f, f_dot * y_f);

    // Element variations. Δu from δλ = Δu + ΔΩ cos i; ΔΩ = δiy / sin i.
    let Roe {
        da,
        dlambda_rad: dl,
        dex,
        dey,
        dix_rad: di,
        diy_rad: diy,
    } = *roe;
    let d_raan = diy / si;
    let du = dl - d_raan * ci;
    // u = F − ex sin F + ey cos F ⇒ δF = (a/r)(δu + sin F δex − cos F δey).
    let df = a / r * (du + sf * dex - cf * dey);
    let dr_scalar = a * da * (r / a) + a * (-cf * dex - sf * dey) + a * (ex * sf - ey * cf) * df;

    let dx = x * da + x_ex * dex + x_ey * dey + x_f * df;
    let dy = y * da + y_ex * dex + y_ey * dey + y_f * df;
    // Velocity: Ẋ = (n a / r) X_F with n a ∝ a^(−1/2).
    let dxf = x_f * da + xf_ex * dex + xf_ey * dey + x_ff * df;
    let dyf = y_f * da + yf_ex * dex + yf_ey * dey + y_ff * df;
    let rel_fdot = -0.5 * da - dr_scalar / r;
    let dxd = xd * rel_fdot + f_dot * dxf;
    let dyd = yd * rel_fdot + f_dot * dyf;

    // Orbit-plane axes and their variations with i and Ω.
    let (so, co) = raan.sin_cos();
    let p = Vector3::new(co, so, 0.0);
    let q = Vector3::new(-so * ci, co * ci, si);
    let w = Vector3::new(so * si, -co * si, ci);
    let dp = (q * ci - w * si) * d_raan;
    let dq = -p * ci * d_raan + w * di;

    let r_vec = p * x + q * y;
    let v_vec = p * xd + q * yd;
    let d_r = p * dx + q * dy + dp * x + dq * y;
    let d_v = p * dxd + q * dyd + dp * xd + dq * yd;

    let tr = Vec3::<Gcrf>::from_raw(r_vec);
    let tv = Vec3::<Gcrf>::from_raw(v_vec);
    let rot = gcrf_to_rsw(&tr, &tv)?;
    let omega = orbital_frame_rate(&tr, &tv);
    let d_r = Vec3::<Gcrf>::from_raw(d_r);
    let d_v = Vec3::<Gcrf>::from_raw(d_v) - omega.cross(&d_r);
    Ok(RelativeState {
        rho: rot.apply(&d_r),
        rho_dot: rot.apply(&d_v),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constants::GM_EARTH_M3_S2 as MU;

    fn target() -> QnsElements {
        QnsElements {
            a_m: 6_778_000.0,
            ex: 0.0007,
            ey: -0.0006,
            i_rad: 51.6_f64.to_radians(),
            raan_rad: 1.2,
            u_mean_rad: 0.3,
        }
    }

    fn state_of(el: &QnsElements) -> (Vec3<Gcrf>, Vec3<Gcrf>) {
        let e = el.ex.hypot(el.ey);
        let w = el.ey.atan2(el.ex).rem_euclid(TAU);
        let k =
            Keplerian::from_mean_anomaly(el.a_m, e, el.i_rad, el.raan_rad, w, el.u_mean_rad - w)
                .unwrap();
        k.to_cartesian(MU).unwrap()
    }

    /// Elements round-trip through Cartesian states (exactness of the nonlinear ROE input).
    #[test]
    fn qns_round_trip() {
        let t = target();
        let (r, v) = state_of(&t);
        let back = QnsElements::from_cartesian(&r, &v, MU, "target").unwrap();
        assert!((back.a_m - t.a_m).abs() < 1e-6);
        assert!((back.ex - t.ex).abs() < 1e-14 && (back.ey - t.ey).abs() < 1e-14);
        assert!(wrap_pi(back.u_mean_rad - t.u_mean_rad).abs() < 1e-13);
        assert!((back.raan_rad - t.raan_rad).abs() < 1e-14);
    }

    /// A ~1 km set of relative elements used by the map tests.
    fn sample_roe() -> Roe {
        Roe {
            da: 3e-5,
            dlambda_rad: -1.1e-4,
            dex: 4e-5,
            dey: -7e-5,
            dix_rad: 6e-5,
            diy_rad: -5e-5,
        }
    }

    /// The analytic first-order map equals the central difference of the exact nonlinear map
    /// (inertial states from elements, then `relative_state_rsw`) along the ROE direction.
    /// Central-difference truncation is O((ε|δα|)²) ≈ 1e-12 relative and rounding of ~1e-9 m
    /// positions over 2ε = 0.02 is ~1e-10 relative; measured 5e-10 (position), 1.2e-10
    /// (velocity), so 1e-8 relative checks the Jacobian algebra.
    #[test]
    fn eccentric_map_is_the_jacobian() {
        use crate::frames::local::relative_state_rsw;
        let t = target();
        let (tr, tv) = state_of(&t);
        let roe = sample_roe();
        let lin = roe_to_rsw_eccentric(&roe, &t, MU).unwrap();
        let chaser_at = |s: f64| {
            let d_raan = s * roe.diy_rad / t.i_rad.sin();
            let c = QnsElements {
                a_m: t.a_m * (1.0 + s * roe.da),
                ex: t.ex + s * roe.dex,
                ey: t.ey + s * roe.dey,
                i_rad: t.i_rad + s * roe.dix_rad,
                raan_rad: t.raan_rad + d_raan,
                u_mean_rad: t.u_mean_rad + s * roe.dlambda_rad - d_raan * t.i_rad.cos(),
            };
            let (cr, cv) = state_of(&c);
            relative_state_rsw(&InertialPair {
                target_r: tr,
                target_v: tv,
                chaser_r: cr,
                chaser_v: cv,
            })
            .unwrap()
        };
        let eps = 1e-2;
        let (p, m) = (chaser_at(eps), chaser_at(-eps));
        let fd_r = (p.rho - m.rho) / (2.0 * eps);
        let fd_v = (p.rho_dot - m.rho_dot) / (2.0 * eps);
        let err_r = (fd_r - lin.rho).norm();
        let err_v = (fd_v - lin.rho_dot).norm();
        assert!(err_r < 1e-8 * lin.rho.norm(), "{err_r} m of {:?}", lin.rho);
        assert!(
            err_v < 1e-8 * lin.rho_dot.norm(),
            "{err_v} m/s of {:?}",
            lin.rho_dot
        );
    }

    /// At e_t = 0 the eccentric map reduces to D'Amico's near-circular map, and the latter's
    /// inverse is exact.
    #[test]
    fn circular_limit_and_inverse() {
        let mut t = target();
        t.ex = 0.0;
        t.ey = 0.0;
        let n = t.mean_motion_rad_s(MU);
        let roe = sample_roe();
        let a = roe_to_rsw_eccentric(&roe, &t, MU).unwrap();
        let b = roe_to_rsw_near_circular(&roe, t.a_m, n, t.u_mean_rad);
        assert!((a.rho - b.rho).norm() < 1e-9, "{:?} vs {:?}", a.rho, b.rho);
        assert!((a.rho_dot - b.rho_dot).norm() < 1e-12);
        let back = rsw_to_roe_near_circular(&b, t.a_m, n, t.u_mean_rad);
        for (x, y) in [
            (back.da, roe.da),
            (back.dlambda_rad, roe.dlambda_rad),
            (back.dex, roe.dex),
            (back.dey, roe.dey),
            (back.dix_rad, roe.dix_rad),
            (back.diy_rad, roe.diy_rad),
        ] {
            assert!((x - y).abs() < 1e-15, "{x} vs {y}");
        }
    }

    #[test]
    fn bad_inputs_are_errors() {
        let t = target();
        let (tr, tv) = state_of(&t);
        let pair = InertialPair {
            target_r: tr,
            target_v: tv,
            chaser_r: tr + Vec3::new(100.0, 0.0, 0.0),
            chaser_v: tv * 2.0,
        };
        let e = RelativeOrbit::from_pair(&pair, MU).unwrap_err();
        assert!(matches!(e, RoeError::NotElliptic { .. }), "{e}");
        let ok = RelativeOrbit::from_pair(
            &InertialPair {
                chaser_v: tv,
                ..pair
            },
            MU,
        )
        .unwrap();
        assert!(ok.propagate_keplerian(f64::NAN, DriftModel::Exact).is_err());
        let mut eq = t;
        eq.i_rad = 0.0;
        let msg = roe_to_rsw_eccentric(&ok.roe, &eq, MU)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("equatorial"), "{msg}");
    }
}
