//! Phasing and rendezvous planner: from orbit insertion to docking with a station.
//!
//! What it does (the issue #4 planner): given the chaser's insertion state, the target's state,
//! the two [`OrbitPropagator`]s (the full force models of the scenario) and a profile
//! ([`RendezvousConfig`]: burn slots counted in revolutions from insertion), it
//!
//! 1. **first guess** (two-body + J2 secular rates, Vallado 4th ed. eq. 9-41): a Hohmann-like
//!    pair DV1/DV2 raises the orbit to a phasing orbit whose radius `a_ph` is solved (1-D root
//!    search) so that, with the target's argument of latitude measured on its full-model
//!    trajectory, the chaser arrives at the approach gate at the gate slot (with `docking_rev`
//!    the gate slot is derived from the docking revolution less the nominal proximity
//!    duration); DV3 is the correction burn, moved to the relative node (chaser crossing the
//!    target's plane) nearest its slot, where a plane change is cheapest (Vallado §6.4.2);
//!    DV4 is the multi-revolution Lambert transfer (Izzo 2015, [`super::lambert`]) from the
//!    phasing orbit to the gate, DV5 the braking burn at the gate;
//! 2. **differential correction on the full force model**: stage 1 corrects DV3 — its
//!    along-track component so that the chaser reaches the first-guess phase (along-track
//!    position) at the DV4 slot (this absorbs J2, drag and first-guess errors), no radial
//!    component, and a cross-track component chosen to minimise the estimated Δv of DV3 + DV4 +
//!    DV5 (a convex 1-D problem on a linearised out-of-plane model, `plane_split`) — targeting
//!    the full position at DV4 instead is singular at whole and half revolutions of DV4 − DV3
//!    and made the Δv jump (131 → 334 m/s on the flagship for a 0.8 rev move of the slots);
//!    stage 2 corrects DV4 so that the chaser reaches the gate position; DV5 then nulls the
//!    velocity relative to the gate.
//!    Newton iterations on a forward-difference Jacobian of the miss with respect to the burn
//!    components, with step halving when the miss grows (Vallado §7.6 "differential
//!    correction"; Betts, *Practical Methods for Optimal Control*, §1.11 damping);
//! 3. **finite burns** (optional): each impulse becomes a burn of the engine (thrust, Isp) centred
//!    on the impulse epoch, duration m0(1 − e^(−Δv/(Isp g0)))/ṁ (Tsiolkovsky; Wiesel,
//!    *Spaceflight Dynamics*, §9), thrust held along the inertial direction of the impulse
//!    (the LVLH Δv converted at the burn start), mass decreasing at ṁ = F/(Isp g0); the plan is
//!    flown again with the finite burns, the miss reported, then stages 1–2 are re-run with the
//!    finite burns (re-correction) and a stage 3 corrects the DV5 vector so that the velocity at
//!    the end of its finite arc matches the gate point's;
//! 4. **proximity** ([`proximity`]): CW two-impulse transfer from the gate to a hold point on the
//!    docking axis with a mid-course retargeting, station keeping, then closing along the docking
//!    axis at constant speed with CW-retargeted impulses every guidance step; both vehicles are
//!    propagated with their full force models (the nonlinear truth); docking is declared when the
//!    range falls below the contact distance with a closing speed within the limits.
//!
//! Why this shape: burn epochs are fixed once by the first guess (revolution counting on the
//! first-guess orbits) so the corrections are square 3×3 Newton problems — well conditioned and
//! fast — rather than one large least-squares problem; the staged scheme is the one flown by the
//! Soyuz (Fehse, *Automated Rendezvous and Docking of Spacecraft*, 2003, §2.2–2.4: phasing
//! burns, a correction burn, then the final transfer to the approach gate). Chaser mass changes
//! are not fed back into the drag model (ballistic coefficient of the scenario).

pub mod proximity;

use super::lambert::{solve_lambert, LambertError, TransferDirection};
use crate::dynamics::{OrbitDynamics, OrbitPropagator, PropagationError};
use crate::frames::local::{gcrf_to_lvlh, relative_state_lvlh, InertialPair, LocalFrameError};
use crate::frames::{Gcrf, Lvlh, Vec3};
use crate::propagate::{integrate, IntegrationError, OdeSystem, RhsError};
use crate::state::cartesian::OrbitState;
use crate::state::keplerian::{j2_secular_rates, Keplerian};
use crate::time::{tt_seconds_j2000, Duration, Epoch};
use nalgebra::{Matrix3, SVector, Vector3};
use std::f64::consts::TAU;

pub use proximity::{
    chaser_from_curvilinear, curvilinear_from_pair, DockingAxis, ProximityConfig, ProximityResult,
};

/// Standard gravity for the rocket equation, m/s² (CGPM 1901).
pub const G0_M_S2: f64 = 9.806_65;
const MU: f64 = crate::constants::GM_EARTH_M3_S2;
/// EGM2008 J2 (unnormalised, −√5 C̄20) and its reference radius, for the first guess only.
const J2: f64 = 1.082_626_68e-3;
const RE_M: f64 = 6_378_136.3;

/// A chaser engine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EngineSpec {
    pub thrust_n: f64,
    pub isp_s: f64,
}

impl EngineSpec {
    /// Mass flow, kg/s.
    pub fn mass_flow_kg_s(&self) -> f64 {
        self.thrust_n / (self.isp_s * G0_M_S2)
    }

    /// Propellant (kg) to give `dv_m_s` to a vehicle of mass `m0_kg` (rocket equation).
    pub fn propellant_kg(&self, m0_kg: f64, dv_m_s: f64) -> f64 {
        m0_kg * (1.0 - (-dv_m_s / (self.isp_s * G0_M_S2)).exp())
    }

    /// Duration (s) of the finite burn giving `dv_m_s` at constant thrust from mass `m0_kg`.
    pub fn burn_duration_s(&self, m0_kg: f64, dv_m_s: f64) -> f64 {
        self.propellant_kg(m0_kg, dv_m_s) / self.mass_flow_kg_s()
    }
}

/// A rendezvous profile and its parameters (all SI). Revolutions are counted from insertion:
/// revolution `k` of the scheme ("orbit k") spans `rev ∈ [k − 1, k)`.
#[derive(Clone, Debug, PartialEq)]
pub struct RendezvousConfig {
    /// Profile name (reports only).
    pub profile: String,
    /// Burn slots, revolutions from insertion: DV1, DV2 (phasing pair), DV3 (correction),
    /// DV4 (start of the final transfer) and the arrival at the approach gate (DV5).
    pub dv1_rev: f64,
    pub dv2_rev: f64,
    pub dv3_rev: f64,
    pub dv4_rev: f64,
    pub gate_rev: f64,
    /// Docking revolution, counted from insertion like the slots. When set, the gate slot is
    /// derived from it: `gate_rev = docking_rev − T_prox·u̇_t/2π` (T_prox: the nominal
    /// proximity duration [`ProximityConfig::nominal_duration_s`], u̇_t: the target's mean
    /// argument-of-latitude rate with J2), and `dv4_rev` keeps its distance to the gate.
    pub docking_rev: Option<f64>,
    /// Approach gate: this far behind the target on −V-bar, at its altitude, m.
    pub gate_behind_m: f64,
    /// Smallest altitude gap kept between the phasing orbit and the target, m.
    pub min_phasing_gap_m: f64,
    /// Miss at the gate (position) at which the differential correction stops, m.
    pub gate_tolerance_m: f64,
    pub max_iterations: usize,
    /// Convert impulses to finite burns and re-correct.
    pub finite_burns: bool,
    pub engine: EngineSpec,
    /// Chaser mass at insertion, kg.
    pub chaser_mass_kg: f64,
    /// Propellant Δv budget (impulsive Δv of all burns including proximity), m/s.
    pub dv_budget_m_s: f64,
    pub proximity: ProximityConfig,
}

impl RendezvousConfig {
    /// The Soyuz "2-day / 34-orbit" scheme: DV1 on orbit 3, DV2 on orbit 4 (half a revolution
    /// later), DV3 on orbit 17, the final transfer starting on orbit 33 (0.45 rev before the gate:
    /// near-Hohmann, the exact half revolution being singular for Lambert) and the gate reached on
    /// orbit 34 (generic slots, ../shared/reference/soyuz-tma-11.md; Fehse 2003 §2.4). Engine:
    /// S5.80, 2.95 kN, Isp 302 s; mass 7220 kg.
    pub fn soyuz_two_day() -> Self {
        Self {
            profile: "soyuz-2day".into(),
            dv1_rev: 2.55,
            dv2_rev: 3.05,
            dv3_rev: 16.35,
            dv4_rev: 32.6,
            gate_rev: 33.05,
            docking_rev: None,
            gate_behind_m: 3_000.0,
            min_phasing_gap_m: 5_000.0,
            gate_tolerance_m: 1.0,
            max_iterations: 20,
            finite_burns: true,
            engine: EngineSpec {
                thrust_n: 2_950.0,
                isp_s: 302.0,
            },
            chaser_mass_kg: 7_220.0,
            dv_budget_m_s: 200.0,
            proximity: ProximityConfig::default(),
        }
    }

    /// The configuration with the gate and DV4 slots derived from `docking_rev` (unchanged
    /// when it is not set), for a target whose mean argument of latitude advances at
    /// `target_u_rate_rad_s`.
    pub fn with_derived_slots(&self, target_u_rate_rad_s: f64) -> Result<Self, RendezvousError> {
        let mut c = self.clone();
        if let Some(dock) = self.docking_rev {
            if !(target_u_rate_rad_s.is_finite() && target_u_rate_rad_s > 0.0) {
                return Err(RendezvousError::Config(format!(
                    "target argument-of-latitude rate {target_u_rate_rad_s} rad/s must be > 0"
                )));
            }
            let prox_rev = self.proximity.nominal_duration_s() * target_u_rate_rad_s / TAU;
            let transfer = self.gate_rev - self.dv4_rev;
            c.gate_rev = dock - prox_rev;
            c.dv4_rev = c.gate_rev - transfer;
            c.docking_rev = None;
            c.validate().map_err(|e| {
                let why = match e {
                    RendezvousError::Config(m) => m,
                    other => other.to_string(),
                };
                RendezvousError::Config(format!(
                    "docking_rev = {dock:.3} rev less the proximity phase ({prox_rev:.3} rev) puts the gate at {:.3} rev and DV4 at {:.3} rev: {why}",
                    c.gate_rev, c.dv4_rev
                ))
            })?;
        }
        Ok(c)
    }

    /// Checks the numbers and the order of the slots.
    pub fn validate(&self) -> Result<(), RendezvousError> {
        if let Some(d) = self.docking_rev {
            // The gate and DV4 are derived from docking_rev once the target's rate is known
            // (`with_derived_slots`, which checks them); here only what precedes them, and a
            // bound with the proximity phase counted at a 105-min period (a LEO target at up
            // to ~1000 km: a longer period would make the bound smaller, never reject more).
            const MAX_LEO_PERIOD_S: f64 = 6300.0;
            let transfer = self.gate_rev - self.dv4_rev;
            let prox = self.proximity.nominal_duration_s() / MAX_LEO_PERIOD_S;
            let min = self.dv3_rev + 1.0 + transfer + prox;
            if !(d.is_finite() && d > min) {
                return Err(RendezvousError::Config(format!(
                    "docking_rev = {d:.3} rev must be after dv3_rev + 1 rev + the final transfer ({transfer:.2} rev) + the proximity phase (≥ {prox:.2} rev) = {min:.2} rev"
                )));
            }
        }
        let derived = self.docking_rev.is_some();
        let all_slots = [
            ("dv1_rev", self.dv1_rev),
            ("dv2_rev", self.dv2_rev),
            ("dv3_rev", self.dv3_rev),
            ("dv4_rev", self.dv4_rev),
            ("gate_rev", self.gate_rev),
        ];
        let slots = if derived {
            &all_slots[..3]
        } else {
            &all_slots[..]
        };
        let mut prev = ("insertion", 0.0);
        for &(name, v) in slots {
            if !(v.is_finite() && v > prev.1) {
                return Err(RendezvousError::Config(format!(
                    "burn slot {name} = {v} rev must come after {} = {} rev (slots in order DV1 < DV2 < DV3 < DV4 < gate)",
                    prev.0, prev.1
                )));
            }
            prev = (name, v);
        }
        let transfer = self.gate_rev - self.dv4_rev;
        if !derived && (2.0 * transfer - (2.0 * transfer).round()).abs() < 0.05 {
            return Err(RendezvousError::Config(format!(
                "final transfer gate_rev − dv4_rev = {transfer:.3} rev is within 0.025 rev of a multiple of half a revolution: the Lambert transfer plane is undefined there"
            )));
        }
        // DV3 moves to the relative node within ±0.3 rev of its slot: its slot keeps 0.5 rev
        // from DV2 and 1 rev from DV4 (the node search stops 0.5 rev before DV4).
        let corr = if derived {
            f64::INFINITY
        } else {
            self.dv4_rev - self.dv3_rev
        };
        if corr < 1.0 || self.dv3_rev - self.dv2_rev < 0.5 {
            return Err(RendezvousError::Config(format!(
                "dv3_rev = {} rev must be at least 0.5 rev after dv2_rev = {} rev and 1 rev before dv4_rev = {} rev (DV3 moves to the relative node within ±0.3 rev of its slot)",
                self.dv3_rev, self.dv2_rev, self.dv4_rev
            )));
        }
        for (name, v) in [
            ("gate_behind_m", self.gate_behind_m),
            ("min_phasing_gap_m", self.min_phasing_gap_m),
            ("gate_tolerance_m", self.gate_tolerance_m),
            ("engine.thrust_n", self.engine.thrust_n),
            ("engine.isp_s", self.engine.isp_s),
            ("chaser_mass_kg", self.chaser_mass_kg),
            ("dv_budget_m_s", self.dv_budget_m_s),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(RendezvousError::Config(format!(
                    "{name} = {v} must be finite and > 0"
                )));
            }
        }
        if self.max_iterations == 0 {
            return Err(RendezvousError::Config("max_iterations must be ≥ 1".into()));
        }
        self.proximity.validate(self.gate_behind_m)?;
        Ok(())
    }
}

/// Why a rendezvous cannot be planned or flown.
#[derive(Debug, thiserror::Error)]
pub enum RendezvousError {
    #[error("rendezvous configuration: {0}")]
    Config(String),
    #[error("the profile cannot close: {0}")]
    CannotClose(String),
    #[error(
        "Δv budget exceeded: the plan needs {needed_m_s:.1} m/s, the budget is {budget_m_s:.1} m/s"
    )]
    BudgetExceeded { needed_m_s: f64, budget_m_s: f64 },
    #[error("differential correction ({stage}) did not converge: miss {miss_m:.3} m after {iterations} iterations")]
    NoConvergence {
        stage: &'static str,
        miss_m: f64,
        iterations: usize,
    },
    #[error("propagation failed: {0}")]
    Propagation(#[from] PropagationError),
    #[error("finite burn integration failed: {0}")]
    Integration(#[from] IntegrationError),
    #[error(transparent)]
    Frame(#[from] LocalFrameError),
    #[error(transparent)]
    Lambert(#[from] LambertError),
    #[error("orbit elements: {0}")]
    Kepler(String),
    #[error("proximity: {0}")]
    Proximity(String),
}

/// A burn of the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedBurn {
    pub name: String,
    /// Impulse epoch (centre of the finite burn).
    pub epoch: Epoch,
    /// Δv in the chaser's LVLH frame (x ≈ along velocity, y = −orbit normal, z = nadir), m/s.
    pub dv_lvlh_m_s: [f64; 3],
    pub dv_m_s: f64,
    /// Finite-burn duration, s (0 for impulses treated as impulsive).
    pub duration_s: f64,
    pub propellant_kg: f64,
    pub mass_before_kg: f64,
}

/// One sample of the chaser relative to the target (target LVLH, CCSDS/Fehse axes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelativeSample {
    pub epoch: Epoch,
    pub rho_m: [f64; 3],
    pub rho_dot_m_s: [f64; 3],
    pub range_m: f64,
    /// d(range)/dt, m/s (negative while closing).
    pub range_rate_m_s: f64,
}

impl RelativeSample {
    /// From inertial states of chaser and target at the same epoch.
    pub fn from_states(chaser: &OrbitState, target: &OrbitState) -> Result<Self, LocalFrameError> {
        let rel = relative_state_lvlh(&InertialPair {
            target_r: target.r,
            target_v: target.v,
            chaser_r: chaser.r,
            chaser_v: chaser.v,
        })?;
        let range = rel.rho.norm();
        let rate = if range > 0.0 {
            rel.rho.dot(&rel.rho_dot) / range
        } else {
            0.0
        };
        Ok(Self {
            epoch: chaser.epoch,
            rho_m: [rel.rho.x(), rel.rho.y(), rel.rho.z()],
            rho_dot_m_s: [rel.rho_dot.x(), rel.rho_dot.y(), rel.rho_dot.z()],
            range_m: range,
            range_rate_m_s: rate,
        })
    }
}

/// Everything the planner found.
#[derive(Clone, Debug)]
pub struct RendezvousResult {
    pub profile: String,
    pub insertion_epoch: Epoch,
    /// Target ahead of the chaser at insertion, rad in [0, 2π).
    pub initial_phase_rad: f64,
    /// First-guess phasing-orbit radius, m.
    pub phasing_radius_m: f64,
    pub gate_epoch: Epoch,
    /// Miss at the gate of the impulsive plan on the full force model (position m, velocity m/s
    /// after DV5).
    pub gate_miss_impulsive_m: f64,
    pub gate_miss_impulsive_m_s: f64,
    /// Miss of the impulsive Δv flown as finite burns, before re-correction (at the end of DV5).
    pub gate_miss_finite_uncorrected_m: f64,
    pub gate_miss_finite_uncorrected_m_s: f64,
    /// Miss of the flown plan (finite and re-corrected when `finite_burns`), m and m/s.
    pub gate_miss_m: f64,
    pub gate_miss_m_s: f64,
    /// Newton iterations (all stages, all passes).
    pub iterations: usize,
    /// Force-model propagations done.
    pub propagations: usize,
    /// The phasing/transfer burns DV1..DV5, then the proximity manoeuvres.
    pub burns: Vec<PlannedBurn>,
    pub total_dv_m_s: f64,
    pub total_propellant_kg: f64,
    pub final_mass_kg: f64,
    pub proximity: ProximityResult,
    pub docking_epoch: Epoch,
    /// Relative history from insertion to docking.
    pub relative: Vec<RelativeSample>,
}

// ---------------------------------------------------------------------------------------------
// Flying a plan.

/// One burn while flying: impulse epoch and LVLH Δv.
#[derive(Clone, Copy, Debug)]
struct Burn {
    epoch: Epoch,
    dv_lvlh: Vector3<f64>,
}

/// Thrust along a fixed inertial direction at constant mass flow, added to the force model.
struct ThrustDynamics<'a> {
    inner: OrbitDynamics<'a>,
    t_start: f64,
    m_start: f64,
    mdot: f64,
    thrust_n: f64,
    dir: Vector3<f64>,
}

impl OdeSystem<6> for ThrustDynamics<'_> {
    fn rhs(&mut self, t: f64, y: &SVector<f64, 6>) -> Result<SVector<f64, 6>, RhsError> {
        let mut d = self.inner.rhs(t, y)?;
        let m = self.m_start - self.mdot * (t - self.t_start);
        if m <= 0.0 {
            return Err(RhsError(format!("vehicle mass {m} kg ≤ 0 during a burn")));
        }
        let a = self.dir * (self.thrust_n / m);
        d[3] += a.x;
        d[4] += a.y;
        d[5] += a.z;
        Ok(d)
    }
}

fn lvlh_to_gcrf(s: &OrbitState, dv: &Vector3<f64>) -> Result<Vec3<Gcrf>, LocalFrameError> {
    let q = gcrf_to_lvlh(&s.r, &s.v)?;
    Ok(q.inverse().apply(&Vec3::<Lvlh>::from_raw(*dv)))
}

fn gcrf_to_lvlh_vec(s: &OrbitState, dv: &Vec3<Gcrf>) -> Result<Vector3<f64>, LocalFrameError> {
    let q = gcrf_to_lvlh(&s.r, &s.v)?;
    Ok(q.apply(dv).into_raw())
}

/// Flies the chaser with a propagator: coasts and (impulsive or finite) burns.
struct Flyer<'a> {
    prop: &'a OrbitPropagator,
    engine: EngineSpec,
    finite: bool,
    propagations: usize,
}

impl Flyer<'_> {
    fn coast(&mut self, s: &OrbitState, to: Epoch) -> Result<OrbitState, RendezvousError> {
        if to == s.epoch {
            return Ok(*s);
        }
        self.propagations += 1;
        Ok(self.prop.propagate(s, to, None, &mut [])?.final_state)
    }

    /// Half the finite duration of a burn of `dv` from mass `m` (0 when impulsive).
    fn half_duration_s(&self, m: f64, dv: f64) -> f64 {
        if self.finite {
            0.5 * self.engine.burn_duration_s(m, dv)
        } else {
            0.0
        }
    }

    /// State at the start of `burn` (impulse epoch minus half its duration), from `s`.
    fn coast_to_burn_start(
        &mut self,
        s: &OrbitState,
        burn: &Burn,
        m: f64,
    ) -> Result<OrbitState, RendezvousError> {
        let h = self.half_duration_s(m, burn.dv_lvlh.norm());
        self.coast(s, burn.epoch - Duration::from_seconds(h))
    }

    /// Executes `burn` from its start state; returns the state at its end and the new mass.
    fn execute(
        &mut self,
        start: &OrbitState,
        burn: &Burn,
        m: f64,
    ) -> Result<(OrbitState, f64), RendezvousError> {
        let dv = burn.dv_lvlh.norm();
        let dv_g = lvlh_to_gcrf(start, &burn.dv_lvlh)?;
        let prop_kg = self.engine.propellant_kg(m, dv);
        if !self.finite || dv == 0.0 {
            return Ok((
                OrbitState::new(start.epoch, start.r, start.v + dv_g),
                m - prop_kg,
            ));
        }
        let dur = self.engine.burn_duration_s(m, dv);
        // The LVLH direction was converted at the burn start; the frame turns by ω·dur/2 until
        // the burn's centre (the impulse epoch), so rotate the inertial direction by that.
        let h = start.angular_momentum().raw().normalize();
        let omega = start.angular_momentum().norm() / start.r.norm_squared();
        let rot = nalgebra::Rotation3::from_axis_angle(
            &nalgebra::Unit::new_normalize(h),
            0.5 * omega * dur,
        );
        let dv_g = Vec3::<Gcrf>::from_raw(rot * dv_g.into_raw());
        for f in &self.prop.forces {
            f.begin_propagation();
        }
        let mut sys = ThrustDynamics {
            inner: OrbitDynamics::new(&self.prop.forces, self.prop.earth.as_deref()),
            t_start: tt_seconds_j2000(start.epoch),
            m_start: m,
            mdot: self.engine.mass_flow_kg_s(),
            thrust_n: self.engine.thrust_n,
            dir: dv_g.into_raw() / dv,
        };
        let mut cfg = self.prop.integrator;
        cfg.dense_output = false;
        let t0 = tt_seconds_j2000(start.epoch);
        let out = integrate(
            &mut sys,
            t0,
            &start.to_vector(),
            t0 + dur,
            &cfg,
            &mut [],
            &mut |_| {},
        )?;
        self.propagations += 1;
        let end = start.epoch + Duration::from_seconds(dur);
        Ok((OrbitState::from_vector(end, &out.y), m - prop_kg))
    }
}

/// Inertial state of the gate point (a hold point `offset` in the target LVLH, zero relative
/// velocity) at the epoch of `target`.
fn gate_state(target: &OrbitState, offset: &Vec3<Lvlh>) -> Result<OrbitState, RendezvousError> {
    let rel = crate::frames::local::RelativeState::<Lvlh> {
        rho: *offset,
        rho_dot: Vec3::zeros(),
    };
    let (r, v) = crate::frames::local::chaser_from_lvlh(&target.r, &target.v, &rel)?;
    Ok(OrbitState::new(target.epoch, r, v))
}

/// The epoch nearest `t_nom` within ±`half_window_s` (and before `latest`) at which the
/// chaser, coasting from `chaser`, crosses the target's orbital plane (r_c · ĥ_t = 0, both
/// propagated with their force models on a common 20 s grid, crossing interpolated linearly).
/// None when the planes do not cross there, or the orbits are coplanar (planes within 1e-9 rad).
fn relative_node_near(
    chaser_prop: &OrbitPropagator,
    target_prop: &OrbitPropagator,
    chaser: &OrbitState,
    target_ins: &OrbitState,
    t_nom: Epoch,
    half_window_s: f64,
    latest: Epoch,
) -> Result<Option<Epoch>, RendezvousError> {
    let from = (t_nom - Duration::from_seconds(half_window_s)).max(chaser.epoch);
    let to = (t_nom + Duration::from_seconds(half_window_s)).min(latest);
    if to <= from {
        return Ok(None);
    }
    let step = Duration::from_seconds(20.0);
    let c0 = chaser_prop
        .propagate(chaser, from, None, &mut [])?
        .final_state;
    let t0 = target_prop
        .propagate(target_ins, from, None, &mut [])?
        .final_state;
    let cs = chaser_prop.propagate(&c0, to, Some(step), &mut [])?;
    let ts = target_prop.propagate(&t0, to, Some(step), &mut [])?;
    let z = |c: &OrbitState, t: &OrbitState| c.r.raw().dot(&t.angular_momentum().raw().normalize());
    let mut best: Option<Epoch> = None;
    let pairs: Vec<(&OrbitState, &OrbitState)> = cs
        .samples
        .iter()
        .zip(ts.samples.iter())
        .filter(|(c, t)| c.epoch == t.epoch)
        .collect();
    // Coplanar orbits (or planes within ~1e-9 rad) have no node: every z is rounding noise.
    let wedge = cs
        .final_state
        .angular_momentum()
        .raw()
        .normalize()
        .cross(&ts.final_state.angular_momentum().raw().normalize());
    if wedge.norm() < 1e-9 {
        return Ok(None);
    }
    for w in pairs.windows(2) {
        let (za, zb) = (z(w[0].0, w[0].1), z(w[1].0, w[1].1));
        if za != zb && (za == 0.0 || za.signum() != zb.signum()) {
            let f = za / (za - zb);
            if !f.is_finite() {
                continue;
            }
            let dt = (w[1].0.epoch - w[0].0.epoch).to_seconds();
            let e = w[0].0.epoch + Duration::from_seconds(f * dt);
            let closer = match best {
                None => true,
                Some(b) => (e - t_nom).abs() < (b - t_nom).abs(),
            };
            if closer {
                best = Some(e);
            }
        }
    }
    Ok(best)
}

/// Cumulative argument of latitude (unwrapped), rad, about the unit normal `h`.
fn arg_lat(s: &OrbitState, x_ref: &Vector3<f64>, h: &Vector3<f64>) -> f64 {
    let y_ref = h.cross(x_ref);
    let r = s.r.raw();
    r.dot(&y_ref).atan2(r.dot(x_ref))
}

/// Argument of latitude (rad) in the state's own plane, from its ascending node.
fn node_arg_lat(s: &OrbitState) -> f64 {
    let h = s.angular_momentum().raw().normalize();
    let node = Vector3::z().cross(&h);
    let node = if node.norm() > 1e-12 {
        node.normalize()
    } else {
        Vector3::x()
    };
    arg_lat(s, &node, &h)
}

/// Unwrapped argument-of-latitude advance along samples, rad.
fn unwrapped_u(samples: &[OrbitState]) -> Vec<f64> {
    let mut u = Vec::with_capacity(samples.len());
    let (mut prev, mut acc) = (0.0, 0.0);
    for (k, s) in samples.iter().enumerate() {
        let a = node_arg_lat(s);
        if k > 0 {
            let mut d = a - prev;
            d -= TAU * (d / TAU).round();
            acc += d;
        }
        prev = a;
        u.push(acc);
    }
    u
}

/// Mean rate of the argument of latitude (rad/s) of a circular orbit of radius `a` with J2.
fn u_rate(a: f64, i: f64) -> Result<f64, RendezvousError> {
    let (_, dw, dm) = j2_secular_rates(a, 0.0, i, J2, RE_M, MU)
        .map_err(|e| RendezvousError::Kepler(e.to_string()))?;
    Ok((MU / (a * a * a)).sqrt() + dw + dm)
}

/// Target trajectory sampled on a fixed grid with its unwrapped argument of latitude.
struct TargetTrack {
    u: Vec<f64>,
    step_s: f64,
}

impl TargetTrack {
    fn new(samples: Vec<OrbitState>, step_s: f64) -> Self {
        Self {
            u: unwrapped_u(&samples),
            step_s,
        }
    }

    /// Unwrapped target argument of latitude advance since the first sample at `t_s` seconds.
    fn u_at(&self, t_s: f64) -> f64 {
        let k = (t_s / self.step_s).floor().max(0.0) as usize;
        let k = k.min(self.u.len().saturating_sub(2));
        let f = (t_s - k as f64 * self.step_s) / self.step_s;
        self.u[k] + f * (self.u[k + 1] - self.u[k])
    }
}

/// Phasing first guess for one phasing radius: (epochs after insertion of DV2, DV4, gate, s;
/// phase condition F(a) in rad).
struct PhaseGuess {
    t2_s: f64,
    t4_s: f64,
    tg_s: f64,
    f_rad: f64,
}

// ---------------------------------------------------------------------------------------------
// Differential correction.

/// A miss function of three burn components.
type MissFn<'a> = dyn FnMut(&Vector3<f64>) -> Result<Vector3<f64>, RendezvousError> + 'a;

/// Newton iteration on a 3×3 problem `miss(x) = 0` with a forward-difference Jacobian and step
/// halving. Returns (x, |miss|, iterations).
fn newton3(
    mut x: Vector3<f64>,
    fd_step: f64,
    tol: f64,
    max_iter: usize,
    stage: &'static str,
    miss: &mut MissFn,
) -> Result<(Vector3<f64>, f64, usize), RendezvousError> {
    let mut f = miss(&x)?;
    let mut it = 0;
    while f.norm() > tol {
        if it >= max_iter {
            return Err(RendezvousError::NoConvergence {
                stage,
                miss_m: f.norm(),
                iterations: it,
            });
        }
        it += 1;
        let mut jac = Matrix3::zeros();
        for k in 0..3 {
            let mut xp = x;
            xp[k] += fd_step;
            let fp = miss(&xp)?;
            jac.set_column(k, &((fp - f) / fd_step));
        }
        let Some(inv) = jac.try_inverse() else {
            return Err(RendezvousError::CannotClose(format!(
                "{stage}: the miss does not depend on the burn (singular Jacobian)"
            )));
        };
        let dx = -(inv * f);
        let mut lambda = 1.0;
        loop {
            let xn = x + dx * lambda;
            // A trial step that cannot be flown (e.g. into the atmosphere) counts as worse.
            let fnew = match miss(&xn) {
                Ok(v) => Some(v),
                Err(e) if lambda < 1.0 / 64.0 => return Err(e),
                Err(_) => None,
            };
            if let Some(fnew) = fnew {
                if fnew.norm() < f.norm() || lambda < 1.0 / 64.0 {
                    x = xn;
                    f = fnew;
                    break;
                }
            }
            lambda *= 0.5;
        }
    }
    Ok((x, f.norm(), it))
}

/// Plans and flies the rendezvous. `chaser0` is the insertion state, `target0` the target's
/// state at any epoch (propagated to insertion with `target_prop`).
pub fn plan_rendezvous(
    chaser0: &OrbitState,
    target0: &OrbitState,
    chaser_prop: &OrbitPropagator,
    target_prop: &OrbitPropagator,
    cfg: &RendezvousConfig,
) -> Result<RendezvousResult, RendezvousError> {
    cfg.validate()?;
    let t0 = chaser0.epoch;
    let mut propagations = 0usize;
    let target_ins = if target0.epoch == t0 {
        *target0
    } else {
        propagations += 1;
        target_prop
            .propagate(target0, t0, None, &mut [])?
            .final_state
    };

    // Target track from insertion, long enough for any phasing radius in the search.
    let kep_c =
        Keplerian::from_state(chaser0, MU).map_err(|e| RendezvousError::Kepler(e.to_string()))?;
    let kep_t = Keplerian::from_state(&target_ins, MU)
        .map_err(|e| RendezvousError::Kepler(e.to_string()))?;
    let a_t = kep_t.a_m;
    let incl = kep_t.i_rad;
    let derived = cfg.with_derived_slots(u_rate(a_t, incl)?)?;
    let cfg = &derived;
    let r_perigee = kep_c.a_m * (1.0 - kep_c.e);
    if r_perigee + cfg.min_phasing_gap_m >= a_t {
        return Err(RendezvousError::CannotClose(format!(
            "the chaser's perigee radius {:.1} km is not below the target's semi-major axis {:.1} km by {:.1} km",
            r_perigee / 1e3,
            a_t / 1e3,
            cfg.min_phasing_gap_m / 1e3
        )));
    }
    let step_s = 30.0;
    let span_s = (cfg.gate_rev + 3.0) * TAU / u_rate(r_perigee, incl)? * 1.2;
    let track = {
        propagations += 1;
        let r = target_prop.propagate(
            &target_ins,
            t0 + Duration::from_seconds(span_s),
            Some(Duration::from_seconds(step_s)),
            &mut [],
        )?;
        TargetTrack::new(r.samples, step_s)
    };

    // Initial phase: target ahead of the chaser, in the target's plane.
    let h_t = target_ins.angular_momentum().raw().normalize();
    let x_ref = target_ins.r.raw().normalize();
    let theta0 = (-arg_lat(chaser0, &x_ref, &h_t)).rem_euclid(TAU);

    // DV1 epoch: count the chaser's revolutions on its coasting insertion orbit.
    let mut flyer = Flyer {
        prop: chaser_prop,
        engine: cfg.engine,
        finite: false,
        propagations: 0,
    };
    let h_c = chaser0.angular_momentum().raw().normalize();
    let xc_ref = chaser0.r.raw().normalize();
    let coast = chaser_prop.propagate(
        chaser0,
        t0 + Duration::from_seconds((cfg.dv1_rev + 1.0) * TAU / u_rate(kep_c.a_m, incl)?),
        Some(Duration::from_seconds(10.0)),
        &mut [],
    )?;
    propagations += 1;
    let t1_s = {
        let mut acc = 0.0;
        let mut prev = 0.0;
        let mut found = None;
        let goal = TAU * cfg.dv1_rev;
        for (k, s) in coast.samples.iter().enumerate() {
            let a = arg_lat(s, &xc_ref, &h_c);
            if k > 0 {
                let mut d = a - prev;
                d -= TAU * (d / TAU).round();
                let before = acc;
                acc += d;
                if acc >= goal {
                    let tp = (coast.samples[k - 1].epoch - t0).to_seconds();
                    let tk = (s.epoch - t0).to_seconds();
                    found = Some(tp + (goal - before) / (acc - before) * (tk - tp));
                    break;
                }
            }
            prev = a;
        }
        found.ok_or_else(|| RendezvousError::CannotClose("DV1 slot not reached".into()))?
    };
    let t1 = t0 + Duration::from_seconds(t1_s);
    let s1 = flyer.coast(chaser0, t1)?;
    let r1 = s1.r.norm();
    let gate_angle = cfg.gate_behind_m / a_t;
    let phase_guess = |a_ph: f64| -> Result<PhaseGuess, RendezvousError> {
        let a12 = 0.5 * (r1 + a_ph);
        let t2 = t1_s + TAU * (cfg.dv2_rev - cfg.dv1_rev) / u_rate(a12, incl)?;
        let t4 = t2 + TAU * (cfg.dv4_rev - cfg.dv2_rev) / u_rate(a_ph, incl)?;
        let af = 0.5 * (a_ph + a_t);
        let tg = t4 + TAU * (cfg.gate_rev - cfg.dv4_rev) / u_rate(af, incl)?;
        // Target's advance minus the chaser's, plus the initial lead, must leave the chaser
        // gate_angle behind: F ≡ 0 (mod 2π).
        let f = track.u_at(tg) + theta0 - TAU * cfg.gate_rev - gate_angle;
        Ok(PhaseGuess {
            t2_s: t2,
            t4_s: t4,
            tg_s: tg,
            f_rad: f,
        })
    };
    let a_lo = r_perigee;
    let a_hi = a_t - cfg.min_phasing_gap_m;
    let n_grid = 400;
    let mut best: Option<f64> = None;
    let mut prev: Option<(f64, f64)> = None;
    for k in 0..=n_grid {
        let a = a_lo + (a_hi - a_lo) * k as f64 / n_grid as f64;
        let f = phase_guess(a)?.f_rad / TAU;
        if let Some((ap, fp)) = prev {
            if fp.floor() != f.floor() {
                // A root of F − 2πm between ap and a: bisect.
                let m = fp.floor().max(f.floor());
                let (mut lo, mut hi) = (ap, a);
                let g = |x: f64| -> Result<f64, RendezvousError> {
                    Ok(phase_guess(x)?.f_rad / TAU - m)
                };
                let glo = g(lo)?;
                for _ in 0..60 {
                    let mid = 0.5 * (lo + hi);
                    if (g(mid)? > 0.0) == (glo > 0.0) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                best = Some(0.5 * (lo + hi));
            }
        }
        prev = Some((a, f));
    }
    let a_ph = best.ok_or_else(|| {
        RendezvousError::CannotClose(format!(
            "no phasing orbit between {:.1} and {:.1} km radius brings the chaser (initial phase {:.1}°) to the gate on revolution {:.2}: change the slots or the launch time",
            a_lo / 1e3,
            a_hi / 1e3,
            theta0.to_degrees(),
            cfg.gate_rev
        ))
    })?;
    let guess = phase_guess(a_ph)?;
    let t2 = t0 + Duration::from_seconds(guess.t2_s);
    let t4 = t0 + Duration::from_seconds(guess.t4_s);
    let tg = t0 + Duration::from_seconds(guess.tg_s);
    let t3_s = guess.t2_s
        + (cfg.dv3_rev - cfg.dv2_rev) / (cfg.dv4_rev - cfg.dv2_rev) * (guess.t4_s - guess.t2_s);
    let t3 = t0 + Duration::from_seconds(t3_s);
    let target_at = |t: Epoch, n: &mut usize| -> Result<OrbitState, RendezvousError> {
        *n += 1;
        Ok(target_prop
            .propagate(&target_ins, t, None, &mut [])?
            .final_state)
    };
    let tgt4 = target_at(t4, &mut propagations)?;
    let tgtg = target_at(tg, &mut propagations)?;
    let offset = Vec3::<Lvlh>::new(-cfg.gate_behind_m, 0.0, 0.0);
    let gate = gate_state(&tgtg, &offset)?;
    let gate_target = tgtg;

    // First-guess DV1 (raise apogee) and DV2 (circularise), horizontal. The osculating radius
    // of a J2 orbit is not its mean radius, so the commanded radius is iterated (secant on the
    // measured mean rate of the argument of latitude over two revolutions after DV2) until the
    // phasing orbit drifts at the rate the phase condition asked for.
    let rate_req = u_rate(a_ph, incl)?;
    let v1l = gcrf_to_lvlh_vec(&s1, &s1.v)?;
    let mut a_cmd = a_ph;
    let mut burns = Vec::new();
    for _ in 0..4 {
        let a12 = 0.5 * (r1 + a_cmd);
        let v_need = (MU * (2.0 / r1 - 1.0 / a12)).sqrt();
        let dv1 = Vector3::new(v_need - v1l.x, 0.0, 0.0);
        let s2 = flyer.coast(
            &OrbitState::new(s1.epoch, s1.r, s1.v + lvlh_to_gcrf(&s1, &dv1)?),
            t2,
        )?;
        let v2l = gcrf_to_lvlh_vec(&s2, &s2.v)?;
        let r2 = s2.r.norm();
        let dv2 = Vector3::new((MU / r2).sqrt() - v2l.x, 0.0, -v2l.z);
        burns = vec![
            Burn {
                epoch: t1,
                dv_lvlh: dv1,
            },
            Burn {
                epoch: t2,
                dv_lvlh: dv2,
            },
            Burn {
                epoch: t3,
                dv_lvlh: Vector3::zeros(),
            },
            Burn {
                epoch: t4,
                dv_lvlh: Vector3::zeros(),
            },
            Burn {
                epoch: tg,
                dv_lvlh: Vector3::zeros(),
            },
        ];
        let after2 = OrbitState::new(s2.epoch, s2.r, s2.v + lvlh_to_gcrf(&s2, &dv2)?);
        let span = 2.0 * TAU / rate_req;
        propagations += 1;
        let tr = chaser_prop.propagate(
            &after2,
            t2 + Duration::from_seconds(span),
            Some(Duration::from_seconds(30.0)),
            &mut [],
        )?;
        let u = unwrapped_u(&tr.samples);
        let dt = (tr.final_state.epoch - after2.epoch).to_seconds();
        let rate = u.last().copied().unwrap_or(0.0) / dt;
        let da = (rate - rate_req) / (1.5 * rate_req / a_cmd);
        a_cmd += da;
        if da.abs() < 10.0 {
            break;
        }
    }
    // DV3 at the relative node nearest its slot: the chaser crosses the target's plane there,
    // so a cross-track impulse turns the plane without moving the chaser out of it — the
    // cheapest place for the plane correction (Fehse 2003 §2.2.2; Vallado §6.4.2: a pure
    // plane change is done at a node). Elsewhere the out-of-plane motion it leaves must be
    // paid again by DV4 and DV5 (the Δv then depends on where the slot falls in the orbit).
    let (after2, _) = fly(&mut flyer, chaser0, &burns, cfg.chaser_mass_kg, 2)?;
    let half_window_s = 0.3 * TAU / rate_req;
    propagations += 4; // relative_node_near: two to the window, two across it
    if let Some(t3n) = relative_node_near(
        chaser_prop,
        target_prop,
        &after2,
        &target_ins,
        t3,
        half_window_s,
        (t4 - Duration::from_seconds(0.5 * TAU / rate_req))
            .min(t3 + Duration::from_seconds(half_window_s)),
    )? {
        burns[2].epoch = t3n;
    }
    // Aim point at t4: on the phasing circle, θ4 behind the target in its plane.
    let theta4 = track.u_at(guess.t4_s) + theta0 - TAU * cfg.dv4_rev;
    let aim4 = {
        let h = tgt4.angular_momentum().raw().normalize();
        let rot = nalgebra::Rotation3::from_axis_angle(&nalgebra::Unit::new_normalize(h), -theta4);
        let r = rot * tgt4.r.raw().normalize() * a_ph;
        let c = proximity::curvilinear_from_pair(&InertialPair {
            target_r: tgt4.r,
            target_v: tgt4.v,
            chaser_r: Vec3::<Gcrf>::from_raw(r),
            chaser_v: tgt4.v,
        })?;
        c.rho.into_raw()
    };

    // In-plane Δv of each transfer burn, first estimate: half a Hohmann transfer from the
    // phasing radius to the target's, each ≈ v (a_t − a_ph) / (4 a_t).
    let transfer_inplane_m_s = (MU / a_t).sqrt() * (a_t - a_ph) / (4.0 * a_t);
    let mut iterations = 0usize;
    let impulsive = solve_stages(
        &mut flyer,
        chaser0,
        &mut burns,
        cfg,
        &tgt4,
        &aim4,
        &gate,
        transfer_inplane_m_s,
        &mut iterations,
    )?;
    let (gate_miss_imp_m, gate_miss_imp_m_s) = (impulsive.0, impulsive.1);

    let (mut miss_fu_m, mut miss_fu_m_s) = (gate_miss_imp_m, gate_miss_imp_m_s);
    let (miss_m, miss_m_s);
    if cfg.finite_burns {
        flyer.finite = true;
        // Uncorrected: the impulsive Δv flown as finite burns.
        let (after, _) = fly(&mut flyer, chaser0, &burns, cfg.chaser_mass_kg, 5)?;
        let m = gate_miss_at(target_prop, &target_ins, &after, &offset, &mut propagations)?;
        miss_fu_m = m.0;
        miss_fu_m_s = m.1;
        let fin = solve_stages(
            &mut flyer,
            chaser0,
            &mut burns,
            cfg,
            &tgt4,
            &aim4,
            &gate,
            transfer_inplane_m_s,
            &mut iterations,
        )?;
        let _ = fin;
        // Stage 3 (finite only): correct the DV5 burn vector so that the velocity at the end of
        // the finite burn matches the gate point's (the centred finite arc is not the impulse).
        let (after4, m5) = fly(&mut flyer, chaser0, &burns, cfg.chaser_mass_kg, 4)?;
        let b5_epoch = burns[4].epoch;
        let (x5, _, it3) = {
            let mut miss = |x: &Vector3<f64>| -> Result<Vector3<f64>, RendezvousError> {
                let b = Burn {
                    epoch: b5_epoch,
                    dv_lvlh: *x,
                };
                let start = flyer.coast_to_burn_start(&after4, &b, m5)?;
                let (end, _) = flyer.execute(&start, &b, m5)?;
                let t = target_prop.propagate(&gate_target, end.epoch, None, &mut [])?;
                let g = gate_state(&t.final_state, &offset)?;
                Ok((end.v - g.v).into_raw())
            };
            newton3(
                burns[4].dv_lvlh,
                1e-4,
                1e-4,
                cfg.max_iterations,
                "DV5 finite braking burn",
                &mut miss,
            )?
        };
        burns[4].dv_lvlh = x5;
        iterations += it3;
        let (after, _) = fly(&mut flyer, chaser0, &burns, cfg.chaser_mass_kg, 5)?;
        let m = gate_miss_at(target_prop, &target_ins, &after, &offset, &mut propagations)?;
        miss_m = m.0;
        miss_m_s = m.1;
    } else {
        miss_m = gate_miss_imp_m;
        miss_m_s = gate_miss_imp_m_s;
    }

    // Final flight with samples for the relative history, and the burn table.
    let names = ["DV1", "DV2", "DV3", "DV4", "DV5"];
    let mut planned = Vec::new();
    let mut relative = Vec::new();
    let mut s = *chaser0;
    let mut m = cfg.chaser_mass_kg;
    let sample_step = Duration::from_seconds(60.0);
    let sample_coast = |from: &OrbitState,
                        to: Epoch,
                        rel: &mut Vec<RelativeSample>,
                        n: &mut usize|
     -> Result<OrbitState, RendezvousError> {
        if to <= from.epoch {
            return Ok(*from);
        }
        *n += 2;
        let c = chaser_prop.propagate_on_grid(from, to, Some(sample_step), t0, &mut [])?;
        // Target on the same grid.
        let tgt_from = target_prop
            .propagate(&target_ins, from.epoch, None, &mut [])?
            .final_state;
        let t = target_prop.propagate_on_grid(&tgt_from, to, Some(sample_step), t0, &mut [])?;
        for (cs, ts) in c.samples.iter().zip(t.samples.iter()) {
            if cs.epoch == ts.epoch {
                rel.push(RelativeSample::from_states(cs, ts)?);
            }
        }
        Ok(c.final_state)
    };
    for (k, b) in burns.iter().enumerate() {
        let h = flyer.half_duration_s(m, b.dv_lvlh.norm());
        let start_epoch = b.epoch - Duration::from_seconds(h);
        let start = sample_coast(&s, start_epoch, &mut relative, &mut propagations)?;
        let dv = b.dv_lvlh.norm();
        let (end, m_after) = flyer.execute(&start, b, m)?;
        planned.push(PlannedBurn {
            name: names[k].into(),
            epoch: b.epoch,
            dv_lvlh_m_s: [b.dv_lvlh.x, b.dv_lvlh.y, b.dv_lvlh.z],
            dv_m_s: dv,
            duration_s: 2.0 * h,
            propellant_kg: m - m_after,
            mass_before_kg: m,
        });
        m = m_after;
        s = end;
    }
    // Proximity from the end of DV5.
    propagations += 1;
    let tgt_end = target_prop
        .propagate(&target_ins, s.epoch, None, &mut [])?
        .final_state;
    let prox = proximity::fly_proximity(
        &s,
        &tgt_end,
        chaser_prop,
        target_prop,
        &cfg.proximity,
        cfg.gate_behind_m,
    )?;
    propagations += prox.propagations;
    for imp in &prox.impulses_summary {
        let prop_kg = cfg.engine.propellant_kg(m, imp.dv_m_s);
        planned.push(PlannedBurn {
            name: imp.name.clone(),
            epoch: imp.epoch,
            dv_lvlh_m_s: imp.dv_lvlh_m_s,
            dv_m_s: imp.dv_m_s,
            duration_s: 0.0,
            propellant_kg: prop_kg,
            mass_before_kg: m,
        });
        m -= prop_kg;
    }
    relative.extend(prox.samples.iter().copied());
    let total_dv: f64 = planned.iter().map(|b| b.dv_m_s).sum();
    if total_dv > cfg.dv_budget_m_s {
        return Err(RendezvousError::BudgetExceeded {
            needed_m_s: total_dv,
            budget_m_s: cfg.dv_budget_m_s,
        });
    }
    let total_prop: f64 = planned.iter().map(|b| b.propellant_kg).sum();
    Ok(RendezvousResult {
        profile: cfg.profile.clone(),
        insertion_epoch: t0,
        initial_phase_rad: theta0,
        phasing_radius_m: a_ph,
        gate_epoch: tg,
        gate_miss_impulsive_m: gate_miss_imp_m,
        gate_miss_impulsive_m_s: gate_miss_imp_m_s,
        gate_miss_finite_uncorrected_m: miss_fu_m,
        gate_miss_finite_uncorrected_m_s: miss_fu_m_s,
        gate_miss_m: miss_m,
        gate_miss_m_s: miss_m_s,
        iterations,
        propagations: propagations + flyer.propagations,
        burns: planned,
        total_dv_m_s: total_dv,
        total_propellant_kg: total_prop,
        final_mass_kg: m,
        docking_epoch: prox.docking_epoch,
        proximity: prox,
        relative,
    })
}

/// Flies `burns[..upto]` from `s0`; returns the state at the end of the last flown burn and
/// the mass then.
fn fly(
    flyer: &mut Flyer,
    s0: &OrbitState,
    burns: &[Burn],
    m0: f64,
    upto: usize,
) -> Result<(OrbitState, f64), RendezvousError> {
    let mut s = *s0;
    let mut m = m0;
    for b in burns.iter().take(upto) {
        let start = flyer.coast_to_burn_start(&s, b, m)?;
        let (end, m2) = flyer.execute(&start, b, m)?;
        s = end;
        m = m2;
    }
    Ok((s, m))
}

/// Position and velocity miss of the chaser state `after` (end of DV5) against the gate point.
fn gate_miss_at(
    target_prop: &OrbitPropagator,
    target_ins: &OrbitState,
    after: &OrbitState,
    offset: &Vec3<Lvlh>,
    n: &mut usize,
) -> Result<(f64, f64), RendezvousError> {
    *n += 1;
    let t = target_prop
        .propagate(target_ins, after.epoch, None, &mut [])?
        .final_state;
    let g = gate_state(&t, offset)?;
    Ok(((after.r - g.r).norm(), (after.v - g.v).norm()))
}

/// The out-of-plane part of the DV3 → DV4 → gate sequence, linearised: the chaser's
/// out-of-plane position and rate at t4 (target curvilinear W axis) are affine in DV3's
/// cross-track component y (`z4 + dz4_dy (y − y0)`, measured on the force model); from t4 the
/// out-of-plane motion is the CW harmonic oscillator at the target's rate n (Vallado §6.8), so
/// DV4 must set the rate to −z4 n cot(nτ) to cross the target plane at the gate τ later, and
/// DV5 then nulls the rate z4 n / sin(nτ) left there.
struct PlaneSplit {
    y0: f64,
    z4: f64,
    zdot4: f64,
    dz4_dy: f64,
    dzdot4_dy: f64,
    n_rad_s: f64,
    tau_s: f64,
    /// In-plane Δv of DV3, DV4, DV5 (m/s), combined with their out-of-plane parts as vectors.
    p3: f64,
    p4: f64,
    p5: f64,
}

/// DV3's cross-track component (m/s) minimising the estimated |DV3| + |DV4| + |DV5|. The cost
/// is a sum of √(p² + affine(y)²), convex in y, and its minimiser lies between the roots of the
/// affine parts: golden-section search there. Convexity makes the minimiser (and the Δv)
/// continuous in the slots, unlike targeting z4 = 0, which is singular at half revolutions.
fn plane_split(p: &PlaneSplit) -> f64 {
    let nt = p.n_rad_s * p.tau_s;
    let (s, c) = nt.sin_cos();
    // A final transfer of a whole number of half revolutions cannot null the out-of-plane
    // position at the gate (rejected by the slot validation; kept finite here).
    if !(s.abs() > 1e-3 && p.n_rad_s.is_finite()) {
        return p.y0;
    }
    let n = p.n_rad_s;
    // Terms as (p, value at y = 0, slope): cost √(p² + (v0 + k y)²).
    let z = |y: f64| p.z4 + p.dz4_dy * (y - p.y0);
    let zd = |y: f64| p.zdot4 + p.dzdot4_dy * (y - p.y0);
    let dv4 = |y: f64| -z(y) * n * c / s - zd(y);
    let dv5 = |y: f64| z(y) * n / s;
    let cost = |y: f64| p.p3.hypot(y) + p.p4.hypot(dv4(y)) + p.p5.hypot(dv5(y));
    let mut lo = 0.0_f64;
    let mut hi = 0.0_f64;
    for f in [&dv4 as &dyn Fn(f64) -> f64, &dv5] {
        let k = f(1.0) - f(0.0);
        if k.abs() > 1e-9 {
            let root = -f(0.0) / k;
            if root.is_finite() {
                lo = lo.min(root);
                hi = hi.max(root);
            }
        }
    }
    let (mut a, mut b) = (lo - 1.0, hi + 1.0);
    let g = 0.5 * (5.0_f64.sqrt() - 1.0);
    let mut x1 = b - g * (b - a);
    let mut x2 = a + g * (b - a);
    let (mut f1, mut f2) = (cost(x1), cost(x2));
    for _ in 0..200 {
        if b - a < 1e-6 {
            break;
        }
        if f1 <= f2 {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - g * (b - a);
            f1 = cost(x1);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + g * (b - a);
            f2 = cost(x2);
        }
    }
    0.5 * (a + b)
}

/// Stages 1 and 2 of the differential correction (with the flyer's burn mode), then DV5.
/// Returns the gate miss (m, m/s) just after DV5 (impulsive evaluation at the gate epoch).
#[allow(clippy::too_many_arguments)]
fn solve_stages(
    flyer: &mut Flyer,
    chaser0: &OrbitState,
    burns: &mut [Burn],
    cfg: &RendezvousConfig,
    tgt4: &OrbitState,
    aim4: &Vector3<f64>,
    gate: &OrbitState,
    transfer_inplane_m_s: f64,
    iterations: &mut usize,
) -> Result<(f64, f64), RendezvousError> {
    // Stage 1: DV3. Its along-track component puts the chaser on the aim point's along-track
    // position at t4 (the phase: what DV3 is for); it has no radial component (the radius at
    // t4 is left to DV4's Lambert transfer); its cross-track component is the one that
    // minimises the estimated Δv of DV3 + DV4 + DV5 (see `plane_split`). Targeting the full
    // position at t4 instead is singular: the radial position does not respond to in-plane
    // impulses after whole revolutions, the out-of-plane position not to a cross-track one
    // after half revolutions (CW: sin(nΔt)/n, 2(1 − cos nΔt)/n), and the burn grew as
    // 1/|sin(nΔt)| near them (139 m/s at 0.05 rev from a half revolution on the flagship).
    // The along-track response, (4 sin nΔt − 3nΔt)/n to a tangential impulse, is never zero.
    let (pre3, m3) = fly(flyer, chaser0, burns, cfg.chaser_mass_kg, 2)?;
    let t4 = burns[3].epoch;
    let b3_epoch = burns[3 - 1].epoch;
    let tol1 = 50.0_f64.max(cfg.gate_tolerance_m);
    // Out-of-plane state (curvilinear W, m and m/s) at t4 after DV3 = `x`.
    let oop_at_t4 = |flyer: &mut Flyer,
                     x: &Vector3<f64>|
     -> Result<(Vector3<f64>, [f64; 2]), RendezvousError> {
        let b = Burn {
            epoch: b3_epoch,
            dv_lvlh: *x,
        };
        let start = flyer.coast_to_burn_start(&pre3, &b, m3)?;
        let (end, _) = flyer.execute(&start, &b, m3)?;
        let s4 = flyer.coast(&end, t4)?;
        let c = proximity::curvilinear_from_pair(&InertialPair {
            target_r: tgt4.r,
            target_v: tgt4.v,
            chaser_r: s4.r,
            chaser_v: s4.v,
        })?;
        Ok((c.rho.into_raw(), [c.rho.z(), c.rho_dot.z()]))
    };
    // Weight of the third equation (burn component − chosen value): 1 mm/s ≙ 1 m of miss.
    const W_OOP_S: f64 = 1_000.0;
    let solve1 = |flyer: &mut Flyer,
                  x0: Vector3<f64>,
                  y_oop: f64|
     -> Result<(Vector3<f64>, usize), RendezvousError> {
        let mut miss = |x: &Vector3<f64>| -> Result<Vector3<f64>, RendezvousError> {
            let (rho, _) = oop_at_t4(flyer, x)?;
            Ok(Vector3::new(
                rho.y - aim4.y,
                W_OOP_S * (x.y - y_oop),
                W_OOP_S * x.z,
            ))
        };
        let (x, _, it) = newton3(
            x0,
            1e-3,
            tol1,
            cfg.max_iterations,
            "DV3 correction",
            &mut miss,
        )?;
        Ok((x, it))
    };
    let x_start = burns[2].dv_lvlh;
    let (x3a, it1a) = solve1(flyer, x_start, x_start.y)?;
    // Linear out-of-plane sensitivities at t4 to DV3's cross-track component.
    let dy = 1.0;
    let (_, o0) = oop_at_t4(flyer, &x3a)?;
    let (_, o1) = oop_at_t4(flyer, &(x3a + Vector3::new(0.0, dy, 0.0)))?;
    let n_t = tgt4.angular_momentum().norm() / tgt4.r.norm_squared();
    let tau = (gate.epoch - t4).to_seconds();
    let (p4, p5) = if burns[3].dv_lvlh == Vector3::zeros() {
        (transfer_inplane_m_s, transfer_inplane_m_s)
    } else {
        let ip = |v: &Vector3<f64>| v.x.hypot(v.z);
        (ip(&burns[3].dv_lvlh), ip(&burns[4].dv_lvlh))
    };
    let y_star = plane_split(&PlaneSplit {
        y0: x3a.y,
        z4: o0[0],
        zdot4: o0[1],
        dz4_dy: (o1[0] - o0[0]) / dy,
        dzdot4_dy: (o1[1] - o0[1]) / dy,
        n_rad_s: n_t,
        tau_s: tau,
        p3: x3a.x.hypot(x3a.z),
        p4,
        p5,
    });
    let (x3, it1b) = solve1(flyer, Vector3::new(x3a.x, y_star, x3a.z), y_star)?;
    burns[2].dv_lvlh = x3;
    *iterations += it1a + it1b;

    // Stage 2: DV4 → position at the gate epoch. First guess: Lambert from the state at t4.
    let (mut pre4, m4) = fly(flyer, chaser0, burns, cfg.chaser_mass_kg, 3)?;
    pre4 = flyer.coast(&pre4, t4)?;
    let tg = gate.epoch;
    let tof = (tg - t4).to_seconds();
    if burns[3].dv_lvlh == Vector3::zeros() {
        let revs = ((cfg.gate_rev - cfg.dv4_rev).floor()) as u32;
        let sols = solve_lambert(&pre4.r, &gate.r, tof, MU, TransferDirection::Prograde, revs)?;
        let best = sols
            .iter()
            .filter(|s| s.revs == revs)
            .min_by(|a, b| {
                let ca = (a.v1 - pre4.v).norm() + (gate.v - a.v2).norm();
                let cb = (b.v1 - pre4.v).norm() + (gate.v - b.v2).norm();
                ca.total_cmp(&cb)
            })
            .ok_or_else(|| {
                RendezvousError::CannotClose(format!(
                    "no {revs}-revolution Lambert transfer from DV4 to the gate in {tof:.0} s"
                ))
            })?;
        burns[3].dv_lvlh = gcrf_to_lvlh_vec(&pre4, &(best.v1 - pre4.v))?;
    }
    // In finite mode the pre-burn state is the burn start; fly from the state after DV3.
    let (after3, _) = fly(flyer, chaser0, burns, cfg.chaser_mass_kg, 3)?;
    let b4_epoch = t4;
    let gate_r = gate.r;
    let (x4, miss4, it2) = {
        let mut miss = |x: &Vector3<f64>| -> Result<Vector3<f64>, RendezvousError> {
            let b = Burn {
                epoch: b4_epoch,
                dv_lvlh: *x,
            };
            let start = flyer.coast_to_burn_start(&after3, &b, m4)?;
            let (end, _) = flyer.execute(&start, &b, m4)?;
            let sg = flyer.coast(&end, tg)?;
            Ok((sg.r - gate_r).into_raw())
        };
        newton3(
            burns[3].dv_lvlh,
            1e-4,
            0.1 * cfg.gate_tolerance_m,
            cfg.max_iterations,
            "DV4 transfer to the gate",
            &mut miss,
        )?
    };
    burns[3].dv_lvlh = x4;
    *iterations += it2;
    // DV5: null the velocity relative to the gate point (impulsive evaluation at the gate).
    let was_finite = flyer.finite;
    let (after4, _) = fly(flyer, chaser0, burns, cfg.chaser_mass_kg, 4)?;
    let sg = flyer.coast(&after4, tg)?;
    let dv5 = gate.v - sg.v;
    burns[4].dv_lvlh = gcrf_to_lvlh_vec(&sg, &dv5)?;
    flyer.finite = was_finite;
    let vmiss = (sg.v + dv5 - gate.v).norm();
    Ok((miss4, vmiss))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tsiolkovsky: Δv = Isp g0 ln(m0/m1) inverted, and the duration at ṁ = F/(Isp g0).
    /// Reference values computed by hand: S5.80 (2.95 kN, 302 s), 7220 kg, 10 m/s:
    /// ṁ = 2950/(302·9.80665) = 0.99609 kg/s; Δm = 7220(1 − e^(−10/2961.6)) = 24.337 kg.
    #[test]
    fn rocket_equation() {
        let e = EngineSpec {
            thrust_n: 2950.0,
            isp_s: 302.0,
        };
        assert!((e.mass_flow_kg_s() - 0.996_09).abs() < 1e-5);
        let dm = e.propellant_kg(7220.0, 10.0);
        assert!((dm - 24.337).abs() < 1e-3, "{dm}");
        let dv_back = e.isp_s * G0_M_S2 * (7220.0 / (7220.0 - dm)).ln();
        assert!((dv_back - 10.0).abs() < 1e-9);
        assert!((e.burn_duration_s(7220.0, 10.0) - dm / e.mass_flow_kg_s()).abs() < 1e-12);
    }

    #[test]
    fn validates_slots() {
        let mut c = RendezvousConfig::soyuz_two_day();
        assert!(c.validate().is_ok());
        c.dv3_rev = 2.0;
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("dv3_rev"), "{e}");
        let mut c = RendezvousConfig::soyuz_two_day();
        c.gate_rev = c.dv4_rev + 0.5;
        assert!(c.validate().unwrap_err().to_string().contains("Lambert"));
        let mut c = RendezvousConfig::soyuz_two_day();
        c.proximity.hold_distance_m = 5_000.0;
        assert!(c.validate().is_err());
        let mut c = RendezvousConfig::soyuz_two_day();
        c.dv3_rev = c.dv4_rev - 0.5;
        assert!(c.validate().unwrap_err().to_string().contains("dv3_rev"));
    }

    /// Gate slot from the docking revolution: the proximity phase (2700 + 600 + 199.5/0.2 s
    /// = 4297.5 s) at a rate of 2π/5400 rad/s is 0.795833 rev, and DV4 keeps its 0.45 rev.
    #[test]
    fn derives_the_gate_from_the_docking_revolution() {
        let mut c = RendezvousConfig::soyuz_two_day();
        c.docking_rev = Some(33.05);
        assert!(c.validate().is_ok());
        let d = c.with_derived_slots(TAU / 5400.0).unwrap();
        assert!(
            (d.gate_rev - (33.05 - 4297.5 / 5400.0)).abs() < 1e-12,
            "{}",
            d.gate_rev
        );
        assert!((d.gate_rev - d.dv4_rev - 0.45).abs() < 1e-12);
        assert_eq!(d.docking_rev, None);
        // Too early: the derived DV4 would come before DV3 + 1 rev.
        c.docking_rev = Some(17.5);
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("docking_rev"), "{e}");
        c.docking_rev = Some(18.3);
        let e = c.with_derived_slots(TAU / 5400.0).unwrap_err().to_string();
        assert!(e.contains("docking_rev") && e.contains("dv3_rev"), "{e}");
    }
}
