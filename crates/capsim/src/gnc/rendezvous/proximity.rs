//! Proximity operations from the approach gate to contact, flown on the nonlinear relative motion.
//!
//! Guidance is Clohessy–Wiltshire (Vallado 4th ed. §6.8, Eq. 6-66; Fehse, *Automated Rendezvous
//! and Docking of Spacecraft*, 2003, §3.3–3.4 and §5): a two-impulse CW transfer from the gate to
//! a hold point on the docking axis with a mid-course retargeting at half time, a velocity-nulling
//! impulse on arrival, station keeping at the hold point, then a straight-line approach along the
//! docking axis at constant closing speed (Fehse §3.3.3 "straight line V-bar / R-bar approach").
//! Station keeping and closing use CW two-impulse retargeting every guidance step from the
//! *true* relative state to the next way-point (an impulsive closed-loop guidance). The truth is
//! both vehicles propagated with their own full force models, so the loop absorbs the CW
//! linearisation error, J2 and differential drag; the CW prediction error over the first half of
//! the transfer is reported.
//!
//! Docking: the range (between centres of mass; the port offset is not modelled) falls below
//! `contact_distance_m` — the epoch is interpolated linearly within the guidance step — and the
//! closing speed there must lie within [`ProximityConfig::min_contact_speed_m_s`,
//! `max_contact_speed_m_s`].
//!
//! Also here: the curvilinear (cylindrical) interpretation of the CW coordinates (Alfriend et al.,
//! *Spacecraft Formation Flying*, 2010, §5.3 and §4.4; Schaub & Junkins, *Analytical Mechanics of
//! Space Systems*, §14.6): x = R − r_t (radius difference in the target plane), y = r_t·Δθ (arc
//! length along the target orbit), z = out-of-plane height. A point on the target's circle behind
//! it is then an exact equilibrium, which removes the geometric second-order term of the
//! Cartesian reading.

use super::{RelativeSample, RendezvousError};
use crate::dynamics::OrbitPropagator;
use crate::frames::local::{gcrf_to_lvlh, relative_state_lvlh, InertialPair, RelativeState};
use crate::frames::{Gcrf, Lvlh, Rsw, Vec3};
use crate::gnc::cw::{circular_mean_motion, cw_propagate_lvlh, cw_two_impulse_lvlh};
use crate::state::cartesian::OrbitState;
use crate::time::{Duration, Epoch};
use nalgebra::Vector3;

/// The docking axis (Fehse §3.3): V-bar (from behind, −x of LVLH) or R-bar (from below, +z).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DockingAxis {
    VBar,
    RBar,
}

impl DockingAxis {
    /// Unit vector from the target toward the approach side, LVLH.
    pub fn unit(self) -> Vector3<f64> {
        match self {
            Self::VBar => Vector3::new(-1.0, 0.0, 0.0),
            Self::RBar => Vector3::new(0.0, 0.0, 1.0),
        }
    }
}

/// Proximity parameters (SI).
#[derive(Clone, Debug, PartialEq)]
pub struct ProximityConfig {
    pub docking_axis: DockingAxis,
    /// Hold point distance from the target along the docking axis, m.
    pub hold_distance_m: f64,
    /// Gate → hold point CW transfer time, s.
    pub gate_to_hold_s: f64,
    /// Station keeping at the hold point, s.
    pub hold_duration_s: f64,
    /// Closing speed along the docking axis, m/s.
    pub closing_speed_m_s: f64,
    pub contact_distance_m: f64,
    pub min_contact_speed_m_s: f64,
    pub max_contact_speed_m_s: f64,
    /// Guidance (retargeting) step, s; also the sampling step of the relative history.
    pub guidance_step_s: f64,
}

impl Default for ProximityConfig {
    /// Soyuz-like values (Fehse §2.4, §5): hold 200 m, closing 0.2 m/s, contact 0.05–0.35 m/s.
    fn default() -> Self {
        Self {
            docking_axis: DockingAxis::VBar,
            hold_distance_m: 200.0,
            gate_to_hold_s: 2_700.0,
            hold_duration_s: 600.0,
            closing_speed_m_s: 0.2,
            contact_distance_m: 0.5,
            min_contact_speed_m_s: 0.05,
            max_contact_speed_m_s: 0.35,
            guidance_step_s: 20.0,
        }
    }
}

impl ProximityConfig {
    /// Nominal duration (s) from the end of the braking burn at the gate to contact: the
    /// transfer to the hold point, the station keeping, then the closing from the hold point
    /// to the contact distance at the closing speed (the flown duration differs by the
    /// guidance's interpolation of the contact within a step).
    pub fn nominal_duration_s(&self) -> f64 {
        self.gate_to_hold_s
            + self.hold_duration_s
            + (self.hold_distance_m - self.contact_distance_m) / self.closing_speed_m_s
    }

    /// Checks the numbers; the hold point must be inside the gate.
    pub fn validate(&self, gate_behind_m: f64) -> Result<(), RendezvousError> {
        for (name, v) in [
            ("hold_distance_m", self.hold_distance_m),
            ("gate_to_hold_s", self.gate_to_hold_s),
            ("closing_speed_m_s", self.closing_speed_m_s),
            ("contact_distance_m", self.contact_distance_m),
            ("max_contact_speed_m_s", self.max_contact_speed_m_s),
            ("guidance_step_s", self.guidance_step_s),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(RendezvousError::Config(format!(
                    "{name} = {v} must be finite and > 0"
                )));
            }
        }
        if !(self.hold_duration_s.is_finite() && self.hold_duration_s >= 0.0) {
            return Err(RendezvousError::Config(format!(
                "hold_duration_s = {} must be ≥ 0",
                self.hold_duration_s
            )));
        }
        if !(self.min_contact_speed_m_s >= 0.0
            && self.min_contact_speed_m_s <= self.closing_speed_m_s
            && self.closing_speed_m_s <= self.max_contact_speed_m_s)
        {
            return Err(RendezvousError::Config(format!(
                "closing speed {} m/s must lie within the contact limits [{}, {}] m/s",
                self.closing_speed_m_s, self.min_contact_speed_m_s, self.max_contact_speed_m_s
            )));
        }
        if self.hold_distance_m >= gate_behind_m {
            return Err(RendezvousError::Config(format!(
                "hold point {} m must be closer to the target than the gate ({} m behind)",
                self.hold_distance_m, gate_behind_m
            )));
        }
        if self.contact_distance_m >= self.hold_distance_m {
            return Err(RendezvousError::Config(format!(
                "contact distance {} m must be below the hold distance {} m",
                self.contact_distance_m, self.hold_distance_m
            )));
        }
        if self.guidance_step_s > 0.25 * self.gate_to_hold_s {
            return Err(RendezvousError::Config(format!(
                "guidance step {} s must be at most a quarter of the transfer time {} s",
                self.guidance_step_s, self.gate_to_hold_s
            )));
        }
        Ok(())
    }
}

/// One proximity manoeuvre, or an aggregate of many (station keeping, closing).
#[derive(Clone, Debug, PartialEq)]
pub struct ProxImpulse {
    pub name: String,
    pub epoch: Epoch,
    /// Δv in the target's LVLH frame (vector sum for aggregates), m/s.
    pub dv_lvlh_m_s: [f64; 3],
    /// |Δv| (sum of magnitudes for aggregates), m/s.
    pub dv_m_s: f64,
}

/// What the proximity phase produced.
#[derive(Clone, Debug)]
pub struct ProximityResult {
    pub docking_epoch: Epoch,
    pub contact_speed_m_s: f64,
    /// Lateral offset from the docking axis at contact, m.
    pub contact_lateral_m: f64,
    /// Nonlinear (full-model) minus CW-predicted relative position after half the gate → hold
    /// transfer, m.
    pub cw_prediction_error_m: f64,
    /// Miss of the hold point on arrival (after the mid-course retargeting), m.
    pub hold_arrival_miss_m: f64,
    pub impulses_summary: Vec<ProxImpulse>,
    pub samples: Vec<RelativeSample>,
    pub propagations: usize,
}

fn rel_lvlh(c: &OrbitState, t: &OrbitState) -> Result<RelativeState<Lvlh>, RendezvousError> {
    Ok(relative_state_lvlh(&InertialPair {
        target_r: t.r,
        target_v: t.v,
        chaser_r: c.r,
        chaser_v: c.v,
    })?)
}

/// Applies a Δv given in the target's LVLH frame to the chaser.
fn apply(c: &OrbitState, t: &OrbitState, dv: &Vec3<Lvlh>) -> Result<OrbitState, RendezvousError> {
    let q = gcrf_to_lvlh(&t.r, &t.v)?;
    let d = q.inverse().apply(dv);
    Ok(OrbitState::new(c.epoch, c.r, c.v + d))
}

struct Pair<'a> {
    cp: &'a OrbitPropagator,
    tp: &'a OrbitPropagator,
    c: OrbitState,
    t: OrbitState,
    n: usize,
}

impl Pair<'_> {
    fn advance(&mut self, dt_s: f64) -> Result<(), RendezvousError> {
        let to = self.c.epoch + Duration::from_seconds(dt_s);
        self.c = self.cp.propagate(&self.c, to, None, &mut [])?.final_state;
        self.t = self.tp.propagate(&self.t, to, None, &mut [])?.final_state;
        self.n += 2;
        Ok(())
    }
    fn rel(&self) -> Result<RelativeState<Lvlh>, RendezvousError> {
        rel_lvlh(&self.c, &self.t)
    }
    fn sample(&self) -> Result<RelativeSample, RendezvousError> {
        Ok(RelativeSample::from_states(&self.c, &self.t)?)
    }
    fn kick(&mut self, dv: &Vec3<Lvlh>) -> Result<(), RendezvousError> {
        self.c = apply(&self.c, &self.t, dv)?;
        Ok(())
    }
}

fn cw_err(e: crate::gnc::cw::CwError) -> RendezvousError {
    RendezvousError::Proximity(e.to_string())
}

/// Flies gate → hold → station keeping → closing → contact. `chaser` and `target` at the same
/// epoch (the end of the gate burn).
pub fn fly_proximity(
    chaser: &OrbitState,
    target: &OrbitState,
    chaser_prop: &OrbitPropagator,
    target_prop: &OrbitPropagator,
    cfg: &ProximityConfig,
    gate_behind_m: f64,
) -> Result<ProximityResult, RendezvousError> {
    cfg.validate(gate_behind_m)?;
    let a_t =
        crate::state::keplerian::Keplerian::from_state(target, crate::constants::GM_EARTH_M3_S2)
            .map_err(|e| RendezvousError::Kepler(e.to_string()))?
            .a_m;
    let n = circular_mean_motion(crate::constants::GM_EARTH_M3_S2, a_t).map_err(cw_err)?;
    let mut p = Pair {
        cp: chaser_prop,
        tp: target_prop,
        c: *chaser,
        t: *target,
        n: 0,
    };
    let axis = cfg.docking_axis.unit();
    let hold = Vec3::<Lvlh>::from_raw(axis * cfg.hold_distance_m);
    let zero = Vec3::<Lvlh>::zeros();
    let mut samples = vec![p.sample()?];
    let mut summary = Vec::new();

    // A: CW two-impulse transfer to the hold point, retargeted at half time.
    let half = 0.5 * cfg.gate_to_hold_s;
    let r0 = p.rel()?;
    let ti = cw_two_impulse_lvlh(&r0.rho, &r0.rho_dot, &hold, &zero, n, cfg.gate_to_hold_s)
        .map_err(cw_err)?;
    p.kick(&ti.dv1)?;
    summary.push(ProxImpulse {
        name: "TI gate→hold".into(),
        epoch: p.c.epoch,
        dv_lvlh_m_s: [ti.dv1.x(), ti.dv1.y(), ti.dv1.z()],
        dv_m_s: ti.dv1.norm(),
    });
    let after_ti = p.rel()?;
    let steps = (half / cfg.guidance_step_s).ceil() as usize;
    for _ in 0..steps {
        p.advance(half / steps as f64)?;
        samples.push(p.sample()?);
    }
    let predicted = cw_propagate_lvlh(&after_ti, n, half).map_err(cw_err)?;
    let truth = p.rel()?;
    let cw_prediction_error_m = (predicted.rho - truth.rho).norm();
    let mc =
        cw_two_impulse_lvlh(&truth.rho, &truth.rho_dot, &hold, &zero, n, half).map_err(cw_err)?;
    p.kick(&mc.dv1)?;
    summary.push(ProxImpulse {
        name: "MC mid-course".into(),
        epoch: p.c.epoch,
        dv_lvlh_m_s: [mc.dv1.x(), mc.dv1.y(), mc.dv1.z()],
        dv_m_s: mc.dv1.norm(),
    });
    for _ in 0..steps {
        p.advance(half / steps as f64)?;
        samples.push(p.sample()?);
    }
    let arr = p.rel()?;
    let hold_arrival_miss_m = (arr.rho - hold).norm();
    let brake = -arr.rho_dot;
    p.kick(&brake)?;
    summary.push(ProxImpulse {
        name: "HOLD arrival".into(),
        epoch: p.c.epoch,
        dv_lvlh_m_s: [brake.x(), brake.y(), brake.z()],
        dv_m_s: brake.norm(),
    });

    // B and C: way-point following with CW retargeting every guidance step.
    let dt = cfg.guidance_step_s;
    let mut follow = |p: &mut Pair,
                      name: &str,
                      duration_s: f64,
                      waypoint: &dyn Fn(f64) -> Vec3<Lvlh>,
                      stop_at: Option<f64>,
                      samples: &mut Vec<RelativeSample>|
     -> Result<Option<(Epoch, f64, f64)>, RendezvousError> {
        let start = p.c.epoch;
        let mut sum = Vector3::zeros();
        let mut mag = 0.0;
        let mut count = 0usize;
        let mut tau = 0.0;
        let mut contact = None;
        let k_max = (duration_s / dt).ceil() as usize + 2;
        for _ in 0..k_max {
            if tau >= duration_s - 1e-9 {
                break;
            }
            let h = dt.min(duration_s - tau);
            let r = p.rel()?;
            let w = waypoint(tau + h);
            let w_next = waypoint(tau + h + dt);
            let v_w = (w_next - w) / dt;
            let imp = cw_two_impulse_lvlh(&r.rho, &r.rho_dot, &w, &v_w, n, h).map_err(cw_err)?;
            p.kick(&imp.dv1)?;
            sum += imp.dv1.into_raw();
            mag += imp.dv1.norm();
            count += 1;
            let before = p.sample()?;
            p.advance(h)?;
            tau += h;
            let after = p.sample()?;
            samples.push(after);
            if let Some(d) = stop_at {
                if after.range_m <= d {
                    let f = (before.range_m - d) / (before.range_m - after.range_m);
                    let f = f.clamp(0.0, 1.0);
                    let epoch = before.epoch + Duration::from_seconds(f * h);
                    // Closing speed along the docking axis (the range rate is ill-defined
                    // at zero range).
                    let vb = Vector3::from(before.rho_dot_m_s).dot(&axis);
                    let va = Vector3::from(after.rho_dot_m_s).dot(&axis);
                    let speed = -(vb + f * (va - vb));
                    let rel = p.rel()?;
                    let along = rel.rho.raw().dot(&axis);
                    let lateral = (rel.rho.raw() - axis * along).norm();
                    contact = Some((epoch, speed, lateral));
                    break;
                }
            }
        }
        summary.push(ProxImpulse {
            name: format!("{name} ({count} impulses)"),
            epoch: start,
            dv_lvlh_m_s: [sum.x, sum.y, sum.z],
            dv_m_s: mag,
        });
        Ok(contact)
    };
    if cfg.hold_duration_s > 0.0 {
        follow(
            &mut p,
            "SK station keeping",
            cfg.hold_duration_s,
            &|_| hold,
            None,
            &mut samples,
        )?;
    }
    let d0 = cfg.hold_distance_m;
    let vc = cfg.closing_speed_m_s;
    let closing_time = d0 / vc + 4.0 * dt;
    let contact = follow(
        &mut p,
        "CLOSE closing",
        closing_time,
        &|tau| Vec3::<Lvlh>::from_raw(axis * (d0 - vc * tau)),
        Some(cfg.contact_distance_m),
        &mut samples,
    )?;
    let Some((docking_epoch, speed, lateral)) = contact else {
        return Err(RendezvousError::Proximity(format!(
            "the range never fell below the contact distance {} m",
            cfg.contact_distance_m
        )));
    };
    if !(cfg.min_contact_speed_m_s..=cfg.max_contact_speed_m_s).contains(&speed) {
        return Err(RendezvousError::Proximity(format!(
            "contact at {speed:.3} m/s closing speed, outside the limits [{}, {}] m/s: docking not declared",
            cfg.min_contact_speed_m_s, cfg.max_contact_speed_m_s
        )));
    }
    Ok(ProximityResult {
        docking_epoch,
        contact_speed_m_s: speed,
        contact_lateral_m: lateral,
        cw_prediction_error_m,
        hold_arrival_miss_m,
        impulses_summary: summary,
        samples,
        propagations: p.n,
    })
}

// ---------------------------------------------------------------------------------------------
// Curvilinear (cylindrical) relative coordinates.

/// Chaser state relative to the target in curvilinear RSW coordinates: x = R − r_t (R the
/// chaser's distance from the Earth's centre projected on the target's orbit plane), y = r_t Δθ
/// (arc along the target's orbit, Δθ the in-plane angle from the target), z = height above the
/// plane; rates are their time derivatives (the target frame rotating at ω = h/r²).
pub fn curvilinear_from_pair(pair: &InertialPair) -> Result<RelativeState<Rsw>, RendezvousError> {
    let q = crate::frames::local::gcrf_to_rsw(&pair.target_r, &pair.target_v)?;
    let rt = pair.target_r.norm();
    let rt_dot = pair.target_r.dot(&pair.target_v) / rt;
    let omega = pair.target_r.cross(&pair.target_v).norm() / (rt * rt);
    // Chaser in the target's RSW axes (inertial components, no transport term).
    let c = q.apply(&pair.chaser_r).into_raw();
    let cv = q.apply(&pair.chaser_v).into_raw();
    let big_r = (c.x * c.x + c.y * c.y).sqrt();
    let theta = c.y.atan2(c.x);
    let r_dot = (c.x * cv.x + c.y * cv.y) / big_r;
    let theta_dot_inertial = (c.x * cv.y - c.y * cv.x) / (big_r * big_r);
    let theta_dot = theta_dot_inertial - omega;
    Ok(RelativeState {
        rho: Vec3::new(big_r - rt, rt * theta, c.z),
        rho_dot: Vec3::new(r_dot - rt_dot, rt * theta_dot + rt_dot * theta, cv.z),
    })
}

/// Inverse of [`curvilinear_from_pair`]: the chaser's inertial (GCRF) position and velocity.
pub fn chaser_from_curvilinear(
    target_r: &Vec3<Gcrf>,
    target_v: &Vec3<Gcrf>,
    rel: &RelativeState<Rsw>,
) -> Result<(Vec3<Gcrf>, Vec3<Gcrf>), RendezvousError> {
    let q = crate::frames::local::gcrf_to_rsw(target_r, target_v)?;
    let rt = target_r.norm();
    let rt_dot = target_r.dot(target_v) / rt;
    let omega = target_r.cross(target_v).norm() / (rt * rt);
    let (x, y, z) = (rel.rho.x(), rel.rho.y(), rel.rho.z());
    let (xd, yd, zd) = (rel.rho_dot.x(), rel.rho_dot.y(), rel.rho_dot.z());
    let big_r = rt + x;
    let theta = y / rt;
    let theta_dot = (yd - rt_dot * theta) / rt + omega;
    let r_dot = xd + rt_dot;
    let (s, c) = theta.sin_cos();
    let pos = Vector3::new(big_r * c, big_r * s, z);
    let vel = Vector3::new(
        r_dot * c - big_r * theta_dot * s,
        r_dot * s + big_r * theta_dot * c,
        zd,
    );
    let qi = q.inverse();
    Ok((
        qi.apply(&Vec3::<Rsw>::from_raw(pos)),
        qi.apply(&Vec3::<Rsw>::from_raw(vel)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curvilinear_round_trip() {
        let tr = Vec3::<Gcrf>::new(6_778_000.0, 1000.0, -2000.0);
        let tv = Vec3::<Gcrf>::new(-10.0, 6000.0, 4500.0);
        let rel = RelativeState::<Rsw> {
            rho: Vec3::new(120.0, -1000.0, 30.0),
            rho_dot: Vec3::new(0.1, 0.2, -0.05),
        };
        let (cr, cv) = chaser_from_curvilinear(&tr, &tv, &rel).unwrap();
        let back = curvilinear_from_pair(&InertialPair {
            target_r: tr,
            target_v: tv,
            chaser_r: cr,
            chaser_v: cv,
        })
        .unwrap();
        assert!((back.rho - rel.rho).norm() < 1e-7, "{:?}", back.rho);
        assert!(
            (back.rho_dot - rel.rho_dot).norm() < 1e-10,
            "{:?}",
            back.rho_dot
        );
    }
}
