//! The entry driver: one trajectory from the initial state to touchdown, with its events.
//!
//! Integrator: a dedicated Dormand–Prince 5(4) loop (Dormand & Prince, J. Comput. Appl.
//! Math. 6, 1980; Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.4–5: coefficients, error
//! estimate, step-size controller), rather than the general [`crate::propagate`] driver, for
//! two reasons: (1) the bank angle and the phase forces change between accepted steps, and the
//! first-same-as-last stage of DP5(4) must then be recomputed — this loop re-evaluates the first
//! stage whenever the bank angle or the forces change (and reuses it otherwise), so a guidance
//! update never leaks into a step through FSAL reuse; (2) it is lean (no `dyn`, no allocation
//! per step, a cubic Hermite dense output from the step's end values and derivatives) which the
//! 10⁵-run Monte-Carlo needs.
//!
//! Events: time events (burn start/end, timed separations, chute timers, end of inflation) are
//! reached exactly by shortening the step; altitude events (entry interface, separation or
//! chute altitudes, soft-landing ignition, touchdown) are located on the Hermite interpolant by
//! the Illinois method and the step is then redone with the Runge–Kutta formula to the event
//! time, so the state at an event has the integrator's accuracy. The integration restarts
//! (new first stage) after every event. Peaks (g, heat flux, dynamic pressure) are taken at
//! the accepted step ends and refined by a parabola through the three step ends around the
//! maximum.

use nalgebra::Vector3;

use crate::frames::{Gcrf, Itrf, Rotation};
use crate::state::cartesian::OrbitState;
use crate::time::tt_seconds_j2000;

use super::aero::AeroConfiguration;
use super::atmosphere::AtmosphereEval;
use super::bank::{BankContext, BankLaw};
use super::config::{BurnCutoff, ChuteTrigger, EntryConfig, SeparationTrigger, G0_M_S2};
use super::dynamics::{gamma_heading, ChuteRamp, Diagnostics, State8, StepForces, ThrustSpec};
use super::earth::EarthModel;
use super::{EntryError, Phase};

/// Altitude of the 400 000 ft entry interface, m.
const EI_400KFT_M: f64 = 121_920.0;

/// How the initial velocity of [`EntryInitialState::from_geodetic`] is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitialVelocity {
    /// Earth-relative velocity in local geodetic NED axes.
    EarthRelativeNed,
    /// Inertial velocity (Earth-fixed axes frozen at the epoch) in local geodetic NED axes.
    InertialNed,
}

/// The state at the start of an entry run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EntryInitialState {
    /// Earth-fixed position, m.
    pub r_ecef_m: Vector3<f64>,
    /// Earth-relative velocity, Earth-fixed axes, m/s.
    pub v_ecef_m_s: Vector3<f64>,
    pub mass_kg: f64,
    /// Epoch of t = 0 as TT seconds since J2000 (used by NRLMSISE-00 only).
    pub epoch_tt_s: f64,
}

impl EntryInitialState {
    /// From a GCRF orbit state and the ITRF←GCRF rotation at its epoch (evaluated once by the
    /// caller, not per step); `omega_rad_s` is the Earth rotation rate of the run's
    /// [`EarthModel`]. v_rel = R·v − ω×(R·r).
    pub fn from_orbit_state(
        s: &OrbitState,
        gcrf_to_itrf: &Rotation<Gcrf, Itrf>,
        omega_rad_s: f64,
        mass_kg: f64,
    ) -> Self {
        let r = gcrf_to_itrf.apply(&s.r).into_raw();
        let v = gcrf_to_itrf.apply(&s.v).into_raw();
        let w = Vector3::new(0.0, 0.0, omega_rad_s);
        Self {
            r_ecef_m: r,
            v_ecef_m_s: v - w.cross(&r),
            mass_kg,
            epoch_tt_s: tt_seconds_j2000(s.epoch),
        }
    }

    /// From a geodetic position (rad, rad, m above the ellipsoid or sphere of `earth`) and a
    /// velocity in local NED axes (m/s), Earth-relative or inertial (NESC check-case style).
    #[allow(clippy::too_many_arguments)]
    pub fn from_geodetic(
        earth: &EarthModel,
        lat_rad: f64,
        lon_rad: f64,
        alt_m: f64,
        v_ned_m_s: [f64; 3],
        velocity: InitialVelocity,
        mass_kg: f64,
        epoch_tt_s: f64,
    ) -> Self {
        let r = earth.position(lat_rad, lon_rad, alt_m);
        let enu = super::earth::enu_axes(lat_rad, lon_rad);
        let v_enu = Vector3::new(v_ned_m_s[1], v_ned_m_s[0], -v_ned_m_s[2]);
        let v = enu.transpose() * v_enu;
        let v_rel = match velocity {
            InitialVelocity::EarthRelativeNed => v,
            InitialVelocity::InertialNed => v - earth.omega_vec().cross(&r),
        };
        Self {
            r_ecef_m: r,
            v_ecef_m_s: v_rel,
            mass_kg,
            epoch_tt_s,
        }
    }
}

/// Run settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EntryOptions {
    /// Record the time history (otherwise nothing is allocated for it).
    pub record_history: bool,
    /// History sampling interval (from the dense output), s.
    pub history_step_s: f64,
    /// Relative tolerance of the step control.
    pub rel_tol: f64,
    /// Absolute tolerance (m, m/s, kg).
    pub abs_tol: f64,
    /// Largest step, s (also bounds how far apart two crossings of an event altitude may be
    /// and still be seen).
    pub max_step_s: f64,
    /// A run that has not touched down by this time fails with [`EntryError::NoTouchdown`], s.
    pub max_time_s: f64,
    /// If set, the run ends successfully at this time even without touchdown (check cases,
    /// partial arcs), s.
    pub end_time_s: Option<f64>,
    /// If set, the run ends at this altitude as if it were the ground (guidance predictors stop
    /// at the parachute altitude); the touchdown summary then describes that point, m.
    pub end_altitude_m: Option<f64>,
    pub max_steps: u64,
}

impl Default for EntryOptions {
    fn default() -> Self {
        Self {
            record_history: false,
            history_step_s: 1.0,
            rel_tol: 1e-7,
            abs_tol: 1e-3,
            max_step_s: 60.0,
            max_time_s: 6.0 * 3600.0,
            end_time_s: None,
            end_altitude_m: None,
            max_steps: 200_000,
        }
    }
}

impl EntryOptions {
    fn validate(&self) -> Result<(), EntryError> {
        let ok = self.history_step_s.is_finite()
            && self.history_step_s > 0.0
            && self.rel_tol.is_finite()
            && self.rel_tol > 0.0
            && self.abs_tol.is_finite()
            && self.abs_tol > 0.0
            && self.max_step_s > 0.0
            && !self.max_step_s.is_nan()
            && self.max_time_s.is_finite()
            && self.max_time_s > 0.0
            && self.end_time_s.is_none_or(|t| t.is_finite() && t > 0.0)
            && self.max_steps > 0;
        if ok {
            Ok(())
        } else {
            Err(EntryError::InvalidOptions(format!(
                "{self:?}: every value must be finite and > 0"
            )))
        }
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryEventKind {
    DeorbitStart,
    DeorbitEnd,
    /// A separation that did not happen at its nominal trigger (the stack stays attached).
    SeparationFault,
    Separation,
    /// Entry interface at the configured altitude (100 km by default).
    EntryInterface,
    /// 400 000 ft (121.92 km), the traditional entry interface.
    EntryInterface400kft,
    PeakG,
    PeakHeatFlux,
    PeakDynamicPressure,
    ChuteDeploy,
    SoftLandingIgnition,
    Touchdown,
}

/// One event with the state there.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryEvent {
    pub kind: EntryEventKind,
    /// Separation or parachute name, else empty.
    pub name: String,
    pub t_s: f64,
    pub lat_deg: f64,
    pub lon_deg: f64,
    pub alt_m: f64,
    /// Earth-relative speed, m/s.
    pub speed_m_s: f64,
    /// The peak value for peak events (g, W/m², Pa), else NaN.
    pub value: f64,
}

/// One sample of the time history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRow {
    pub t_s: f64,
    pub lat_deg: f64,
    pub lon_deg: f64,
    /// Geodetic altitude above the ellipsoid (or sphere), m.
    pub alt_m: f64,
    /// Earth-relative speed, m/s.
    pub speed_m_s: f64,
    pub inertial_speed_m_s: f64,
    pub flight_path_angle_deg: f64,
    pub heading_deg: f64,
    pub mach: f64,
    pub q_pa: f64,
    pub g_load: f64,
    pub heat_flux_w_m2: f64,
    pub heat_load_j_m2: f64,
    pub bank_deg: f64,
    pub mass_kg: f64,
    pub phase: Phase,
    pub density_kg_m3: f64,
    pub drag_accel_m_s2: f64,
    pub lift_accel_m_s2: f64,
    pub r_ecef_m: [f64; 3],
    pub v_ecef_m_s: [f64; 3],
}

/// Touchdown figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TouchdownSummary {
    pub t_s: f64,
    pub lat_deg: f64,
    pub lon_deg: f64,
    /// Earth-relative speed at touchdown, m/s.
    pub speed_m_s: f64,
    pub vertical_speed_m_s: f64,
}

/// The figures of one run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EntrySummary {
    pub touchdown: Option<TouchdownSummary>,
    /// Peak sensed load before the first parachute (the entry peak), g0.
    pub peak_g: f64,
    /// Peak sensed load under the parachutes (opening shocks), g0; 0 without chutes.
    pub peak_parachute_g: f64,
    pub peak_g_t_s: f64,
    pub peak_heat_flux_w_m2: f64,
    pub peak_heat_flux_t_s: f64,
    pub heat_load_j_m2: f64,
    pub peak_q_pa: f64,
    pub peak_q_t_s: f64,
    pub max_mach: f64,
    pub entry_interface_t_s: Option<f64>,
    pub deorbit_end_t_s: Option<f64>,
    pub final_t_s: f64,
    pub final_alt_m: f64,
    pub final_mass_kg: f64,
    pub steps_accepted: u64,
    pub steps_rejected: u64,
    pub rhs_evaluations: u64,
}

/// Result of [`simulate_entry`].
#[derive(Clone, Debug, PartialEq)]
pub struct EntryResult {
    pub events: Vec<EntryEvent>,
    pub history: Vec<HistoryRow>,
    pub summary: EntrySummary,
    /// Final Earth-fixed position (m), Earth-relative velocity (m/s).
    pub final_r_ecef_m: [f64; 3],
    pub final_v_ecef_m_s: [f64; 3],
}

// ---------------------------------------------------------------------------------------------
// Dormand–Prince 5(4) coefficients (Dormand & Prince 1980; HNW I, Table II.5.2).
const C2: f64 = 1.0 / 5.0;
const C3: f64 = 3.0 / 10.0;
const C4: f64 = 4.0 / 5.0;
const C5: f64 = 8.0 / 9.0;
const A21: f64 = 1.0 / 5.0;
const A31: f64 = 3.0 / 40.0;
const A32: f64 = 9.0 / 40.0;
const A41: f64 = 44.0 / 45.0;
const A42: f64 = -56.0 / 15.0;
const A43: f64 = 32.0 / 9.0;
const A51: f64 = 19372.0 / 6561.0;
const A52: f64 = -25360.0 / 2187.0;
const A53: f64 = 64448.0 / 6561.0;
const A54: f64 = -212.0 / 729.0;
const A61: f64 = 9017.0 / 3168.0;
const A62: f64 = -355.0 / 33.0;
const A63: f64 = 46732.0 / 5247.0;
const A64: f64 = 49.0 / 176.0;
const A65: f64 = -5103.0 / 18656.0;
const B1: f64 = 35.0 / 384.0;
const B3: f64 = 500.0 / 1113.0;
const B4: f64 = 125.0 / 192.0;
const B5: f64 = -2187.0 / 6784.0;
const B6: f64 = 11.0 / 84.0;
const E1: f64 = 71.0 / 57600.0;
const E3: f64 = -71.0 / 16695.0;
const E4: f64 = 71.0 / 1920.0;
const E5: f64 = -17253.0 / 339200.0;
const E6: f64 = 22.0 / 525.0;
const E7: f64 = -1.0 / 40.0;

struct StepOut {
    y1: State8,
    k7: State8,
    d7: Diagnostics,
    err: f64,
}

#[allow(clippy::too_many_arguments)]
fn dp54_step(
    f: &StepForces,
    t: f64,
    y: &State8,
    k1: &State8,
    h: f64,
    rtol: f64,
    atol: f64,
    nfev: &mut u64,
) -> Result<StepOut, EntryError> {
    let k2 = f.rhs(t + C2 * h, &(y + k1 * (h * A21)))?.0;
    let k3 = f.rhs(t + C3 * h, &(y + (k1 * A31 + k2 * A32) * h))?.0;
    let k4 = f
        .rhs(t + C4 * h, &(y + (k1 * A41 + k2 * A42 + k3 * A43) * h))?
        .0;
    let k5 = f
        .rhs(
            t + C5 * h,
            &(y + (k1 * A51 + k2 * A52 + k3 * A53 + k4 * A54) * h),
        )?
        .0;
    let k6 = f
        .rhs(
            t + h,
            &(y + (k1 * A61 + k2 * A62 + k3 * A63 + k4 * A64 + k5 * A65) * h),
        )?
        .0;
    let y1 = y + (k1 * B1 + k3 * B3 + k4 * B4 + k5 * B5 + k6 * B6) * h;
    let (k7, d7) = f.rhs(t + h, &y1)?;
    *nfev += 6;
    let e = (k1 * E1 + k3 * E3 + k4 * E4 + k5 * E5 + k6 * E6 + k7 * E7) * h;
    let mut s = 0.0;
    for i in 0..7 {
        let sc = atol + rtol * y[i].abs().max(y1[i].abs());
        let q = e[i] / sc;
        s += q * q;
    }
    Ok(StepOut {
        y1,
        k7,
        d7,
        err: (s / 7.0).sqrt(),
    })
}

// Coefficients as published (17 digits); f64 rounds them.
// ROS34PW2: Rang & Angermann, "New Rosenbrock W-methods of order 3 for partial
// differential algebraic equations of index 1", BIT 45 (2005) 761–787, Table 4.2 (as
// tabulated in PETSc TSROSWRA34PW2). Hairer–Wanner form: (I − hγJ)·kᵢ = h·f(t + cᵢh,
// y + Σ aᵢⱼkⱼ) + hJ·Σ γᵢⱼkⱼ, y₁ = y + Σ bᵢkᵢ; embedded order 2 with b̂.
const RW_G: f64 = 0.435_866_521_508_459;
#[allow(clippy::excessive_precision)]
const RW_A: [[f64; 3]; 4] = [
    [0.0, 0.0, 0.0],
    [0.871_733_043_016_918_01, 0.0, 0.0],
    [0.844_570_600_153_694_23, -0.112_990_642_364_841_85, 0.0],
    [0.0, 0.0, 1.0],
];
#[allow(clippy::excessive_precision)]
const RW_GAM: [[f64; 3]; 4] = [
    [0.0, 0.0, 0.0],
    [-0.871_733_043_016_918_01, 0.0, 0.0],
    [-0.903_380_570_130_440_82, 0.054_180_672_388_095_326, 0.0],
    [
        0.242_123_807_060_953_46,
        -1.223_250_583_904_514_7,
        0.545_260_255_335_102_14,
    ],
];
#[allow(clippy::excessive_precision)]
const RW_B: [f64; 4] = [
    0.242_123_807_060_953_46,
    -1.223_250_583_904_514_7,
    1.545_260_255_335_102,
    0.435_866_521_508_459,
];
#[allow(clippy::excessive_precision)]
const RW_BHAT: [f64; 4] = [
    0.378_109_031_458_193_69,
    -0.096_042_292_212_423_178,
    0.5,
    0.217_933_260_754_229_5,
];

/// One step of ROS34PW2, a 4-stage, 3rd-order (embedded 2nd), L-stable Rosenbrock
/// W-method — its order holds for any approximation of the Jacobian. Used under parachutes,
/// where the drag relaxation time (v_t/2g ≈ 0.4 s) makes explicit methods stability-bound
/// (DP5(4) would need ~1.3 s steps for the whole ~15 min descent). The W matrix keeps only
/// ∂(dv/dt)/∂v (drag, Coriolis) plus dr/dt = v, so (I − hγJ)⁻¹ reduces to a 3×3 inverse;
/// the time derivative of f is not used (allowed for a W-method).
#[allow(clippy::too_many_arguments)]
fn rosw_step(
    f: &StepForces,
    t: f64,
    y: &State8,
    f0: &State8,
    d0: &Diagnostics,
    h: f64,
    rtol: f64,
    atol: f64,
    atol_v: f64,
    nfev: &mut u64,
) -> Result<StepOut, EntryError> {
    let gh = RW_G * h;
    let jvv = f.jacobian_vv(d0);
    let m = nalgebra::Matrix3::identity() - jvv * gh;
    let Some(minv) = m.try_inverse() else {
        return Err(EntryError::NonFinite {
            t_s: t,
            what: format!("singular Rosenbrock matrix at step {h} s"),
        });
    };
    // (I − hγJ) x = b with J = [[0, I], [0, Jvv]] on (r, v), zero elsewhere.
    let solve = |b: &State8| -> State8 {
        let kv = minv * Vector3::new(b[3], b[4], b[5]);
        State8::from([
            b[0] + gh * kv.x,
            b[1] + gh * kv.y,
            b[2] + gh * kv.z,
            kv.x,
            kv.y,
            kv.z,
            b[6],
            b[7],
        ])
    };
    // h·J·u for the same J.
    let hj = |u: &State8| -> State8 {
        let uv = Vector3::new(u[3], u[4], u[5]);
        let jv = jvv * uv;
        State8::from([
            h * uv.x,
            h * uv.y,
            h * uv.z,
            h * jv.x,
            h * jv.y,
            h * jv.z,
            0.0,
            0.0,
        ])
    };
    let mut k = [State8::zeros(); 4];
    k[0] = solve(&(f0 * h));
    for i in 1..4 {
        let mut yi = *y;
        let mut gs = State8::zeros();
        let mut ci = 0.0;
        for j in 0..i {
            yi += k[j] * RW_A[i][j];
            gs += k[j] * RW_GAM[i][j];
            ci += RW_A[i][j];
        }
        let fi = f.rhs(t + ci * h, &yi)?.0;
        k[i] = solve(&(fi * h + hj(&gs)));
    }
    let mut y1 = *y;
    let mut e = State8::zeros();
    for i in 0..4 {
        y1 += k[i] * RW_B[i];
        e += k[i] * (RW_B[i] - RW_BHAT[i]);
    }
    let (f1, d1) = f.rhs(t + h, &y1)?;
    *nfev += 4;
    let mut s = 0.0;
    for i in 0..7 {
        let a = if (3..6).contains(&i) { atol_v } else { atol };
        let sc = a + rtol * y[i].abs().max(y1[i].abs());
        let q = e[i] / sc;
        s += q * q;
    }
    Ok(StepOut {
        y1,
        k7: f1,
        d7: d1,
        err: (s / 7.0).sqrt(),
    })
}

/// Cubic Hermite position at fraction `th` of a step of length `h`.
#[inline]
fn hermite(y0: &State8, f0: &State8, y1: &State8, f1: &State8, h: f64, th: f64) -> State8 {
    let t2 = th * th;
    let t3 = t2 * th;
    let h00 = 2.0 * t3 - 3.0 * t2 + 1.0;
    let h10 = t3 - 2.0 * t2 + th;
    let h01 = -2.0 * t3 + 3.0 * t2;
    let h11 = t3 - t2;
    y0 * h00 + f0 * (h10 * h) + y1 * h01 + f1 * (h11 * h)
}

/// Tracks a maximum over step ends, with a parabolic refinement.
#[derive(Clone, Copy)]
struct Peak {
    pts: [(f64, f64); 3],
    n: usize,
    best_v: f64,
    best_t: f64,
    best_at: (f64, f64, f64, f64),
    seen: bool,
}

impl Peak {
    fn new() -> Self {
        Self {
            pts: [(0.0, 0.0); 3],
            n: 0,
            best_v: 0.0,
            best_t: 0.0,
            best_at: (0.0, 0.0, 0.0, 0.0),
            seen: false,
        }
    }
    /// `at` gives (lat, lon, alt, speed) of the point; it is only called for a new maximum
    /// (geodetic latitude and longitude cost trigonometry the step loop otherwise avoids).
    fn push(&mut self, t: f64, v: f64, at: &mut dyn FnMut() -> (f64, f64, f64, f64)) {
        if !v.is_finite() {
            return;
        }
        self.pts = [self.pts[1], self.pts[2], (t, v)];
        self.n = (self.n + 1).min(3);
        if v > self.best_v {
            self.best_v = v;
            self.best_t = t;
            self.best_at = at();
            self.seen = true;
        }
        if self.n == 3 {
            let [(t0, v0), (t1, v1), (t2, v2)] = self.pts;
            if v1 >= v0 && v1 >= v2 && v1 > 0.0 && t0 < t1 && t1 < t2 {
                // Vertex of the parabola through the three points.
                let d0 = (v1 - v0) / (t1 - t0);
                let d1 = (v2 - v1) / (t2 - t1);
                let curv = (d1 - d0) / (t2 - t0);
                if curv < 0.0 {
                    let tm = 0.5 * (t0 + t1) - d0 / (2.0 * curv);
                    let tv = tm.clamp(t0, t2);
                    let vv = v1 + d0 * (tv - t1) + curv * (tv - t0) * (tv - t1);
                    // Newton form p(t) = v0 + d0 (t − t0) + curv (t − t0)(t − t1), rewritten
                    // about t1: p(t) = v1 + d0 (t − t1) + curv (t − t0)(t − t1).
                    let vv = vv.max(v1);
                    if vv >= self.best_v && vv < 1.5 * v1 {
                        self.best_v = vv;
                        self.best_t = tv;
                    }
                }
            }
        }
    }
}

/// Mutable phase bookkeeping of a run.
struct RunState<'a> {
    cfg: &'a EntryConfig,
    phase: Phase,
    config: &'a AeroConfiguration,
    burn_active: bool,
    burn_end_t: Option<f64>,
    burn_start_t: Option<f64>,
    next_sep: usize,
    pending_real_sep_t: Option<f64>,
    fault_active: bool,
    next_chute: usize,
    last_chute_t: Option<f64>,
    chute: Option<ChuteRamp>,
    soft_fired: bool,
    retro_end_t: Option<f64>,
    retro_decel: f64,
    ei_done: bool,
    ei400_done: bool,
    /// Altitude at which the run ends: the terrain, or the options' end altitude, m.
    stop_alt_m: f64,
}

impl<'a> RunState<'a> {
    fn forces(
        &self,
        atmos_eval: &'a AtmosphereEval,
        epoch_tt_s: f64,
        bank: f64,
        ballistic: bool,
    ) -> StepForces<'a> {
        let thrust = if self.burn_active {
            self.cfg.deorbit_burn.map(|b| ThrustSpec {
                thrust_n: b.thrust_n,
                mdot_kg_s: b.thrust_n / (b.isp_s * G0_M_S2),
                attitude: b.attitude,
            })
        } else {
            None
        };
        let (sb, cb) = bank.sin_cos();
        StepForces {
            earth: &self.cfg.earth,
            atmosphere: &self.cfg.atmosphere,
            atmos_eval,
            config: self.config,
            epoch_tt_s,
            lift_on: !ballistic && self.chute.is_none(),
            cos_bank: cb,
            sin_bank: sb,
            thrust,
            chute: self.chute,
            retro_decel_m_s2: self.retro_decel,
        }
    }

    /// The next time event strictly after `t` (with a small tolerance), if any.
    fn next_time_event(&self, t: f64) -> f64 {
        let mut te = f64::INFINITY;
        let mut consider = |x: f64| {
            if x > t && x < te {
                te = x;
            }
        };
        if let Some(b) = &self.cfg.deorbit_burn {
            if self.burn_start_t.is_none() {
                consider(b.ignition_t_s);
            }
        }
        if self.burn_active {
            if let Some(e) = self.burn_end_t {
                consider(e);
            }
        }
        if let Some(ts) = self.pending_real_sep_t {
            consider(ts);
        } else if let Some(s) = self.cfg.separations.get(self.next_sep) {
            match s.trigger {
                SeparationTrigger::Time { t_s } => consider(t_s),
                SeparationTrigger::AfterBurnEnd { dt_s } => {
                    if let (Some(e), false) = (self.burn_end_t, self.burn_active) {
                        consider(e + dt_s);
                    }
                }
                SeparationTrigger::Altitude { .. } => {}
            }
        }
        if let (Some(c), Some(tl)) = (self.cfg.parachutes.get(self.next_chute), self.last_chute_t) {
            if let ChuteTrigger::AfterPrevious { dt_s } = c.trigger {
                consider(tl + dt_s);
            }
        }
        if let Some(c) = &self.chute {
            consider(c.t0_s + c.inflation_s);
        }
        if let Some(e) = self.retro_end_t {
            consider(e);
        }
        te
    }
}

/// Altitude thresholds armed for downward crossing.
#[derive(Clone, Copy, Debug, PartialEq)]
enum AltEvent {
    Ei400,
    Ei,
    Separation,
    Chute,
    SoftLanding,
    Touchdown,
}

fn armed_altitudes(rs: &RunState) -> [(AltEvent, f64); 6] {
    let nan = f64::NAN;
    let cfg = rs.cfg;
    let sep = if rs.pending_real_sep_t.is_none() {
        match cfg.separations.get(rs.next_sep).map(|s| s.trigger) {
            Some(SeparationTrigger::Altitude { alt_m }) => alt_m,
            _ => nan,
        }
    } else {
        nan
    };
    let chute = match cfg.parachutes.get(rs.next_chute).map(|c| c.trigger) {
        Some(ChuteTrigger::Altitude { alt_m }) => alt_m,
        _ => nan,
    };
    let soft = match (&cfg.soft_landing, rs.soft_fired) {
        (Some(s), false) => cfg.terrain_height_m + s.ignition_height_m,
        _ => nan,
    };
    [
        (
            AltEvent::Ei400,
            if rs.ei400_done { nan } else { EI_400KFT_M },
        ),
        (
            AltEvent::Ei,
            if rs.ei_done {
                nan
            } else {
                cfg.entry_interface_alt_m
            },
        ),
        (AltEvent::Separation, sep),
        (AltEvent::Chute, chute),
        (AltEvent::SoftLanding, soft),
        (AltEvent::Touchdown, rs.stop_alt_m),
    ]
}

fn alt_of(earth: &EarthModel, y: &State8) -> f64 {
    earth.geodetic_full(&Vector3::new(y[0], y[1], y[2])).alt_m
}

fn make_event(
    kind: EntryEventKind,
    name: &str,
    t: f64,
    y: &State8,
    earth: &EarthModel,
    value: f64,
) -> EntryEvent {
    let (lat, lon, alt) = earth.geodetic(&Vector3::new(y[0], y[1], y[2]));
    EntryEvent {
        kind,
        name: name.to_string(),
        t_s: t,
        lat_deg: lat.to_degrees(),
        lon_deg: lon.to_degrees(),
        alt_m: alt,
        speed_m_s: Vector3::new(y[3], y[4], y[5]).norm(),
        value,
    }
}

#[allow(clippy::too_many_arguments)]
fn history_row(
    t: f64,
    y: &State8,
    d: &Diagnostics,
    earth: &EarthModel,
    bank: f64,
    phase: Phase,
) -> HistoryRow {
    let r = Vector3::new(y[0], y[1], y[2]);
    let v = Vector3::new(y[3], y[4], y[5]);
    let (gam, head) = gamma_heading(&d.geo, &v);
    let vin = v + earth.omega_vec().cross(&r);
    HistoryRow {
        t_s: t,
        lat_deg: d.lat_rad().to_degrees(),
        lon_deg: d.lon_rad().to_degrees(),
        alt_m: d.alt_m,
        speed_m_s: v.norm(),
        inertial_speed_m_s: vin.norm(),
        flight_path_angle_deg: gam.to_degrees(),
        heading_deg: head.to_degrees(),
        mach: d.mach,
        q_pa: d.q_pa,
        g_load: d.sensed_g,
        heat_flux_w_m2: d.heat_flux_w_m2,
        heat_load_j_m2: y[7],
        bank_deg: bank.to_degrees(),
        mass_kg: y[6],
        phase,
        density_kg_m3: d.density_kg_m3,
        drag_accel_m_s2: d.drag_accel_m_s2,
        lift_accel_m_s2: d.lift_accel_m_s2,
        r_ecef_m: [r.x, r.y, r.z],
        v_ecef_m_s: [v.x, v.y, v.z],
    }
}

/// Runs one entry trajectory. See the module documentation for the integrator and events.
pub fn simulate_entry(
    cfg: &EntryConfig,
    x0: &EntryInitialState,
    bank_law: &mut dyn BankLaw,
    opts: &EntryOptions,
) -> Result<EntryResult, EntryError> {
    cfg.validate()?;
    opts.validate()?;
    let finite = x0
        .r_ecef_m
        .iter()
        .chain(x0.v_ecef_m_s.iter())
        .all(|c| c.is_finite());
    if !(finite && x0.mass_kg.is_finite() && x0.mass_kg > 0.0 && x0.epoch_tt_s.is_finite()) {
        return Err(EntryError::InvalidInitialState(format!(
            "r = {:?} m, v = {:?} m/s, mass {} kg, epoch {} s: must be finite, mass > 0",
            x0.r_ecef_m.as_slice(),
            x0.v_ecef_m_s.as_slice(),
            x0.mass_kg,
            x0.epoch_tt_s
        )));
    }
    let earth = &cfg.earth;
    let alt0 = earth.geodetic(&x0.r_ecef_m).2;
    if alt0.is_nan() || alt0 < cfg.terrain_height_m - 1.0 {
        return Err(EntryError::InvalidInitialState(format!(
            "initial altitude {alt0:.1} m is below the terrain ({} m)",
            cfg.terrain_height_m
        )));
    }
    let atmos_eval = AtmosphereEval::new();
    let mut y = State8::from([
        x0.r_ecef_m.x,
        x0.r_ecef_m.y,
        x0.r_ecef_m.z,
        x0.v_ecef_m_s.x,
        x0.v_ecef_m_s.y,
        x0.v_ecef_m_s.z,
        x0.mass_kg,
        0.0,
    ]);
    let mut rs = RunState {
        cfg,
        phase: if alt0 < cfg.entry_interface_alt_m {
            Phase::Atmospheric
        } else {
            Phase::Coast
        },
        config: &cfg.initial_configuration,
        burn_active: false,
        burn_end_t: None,
        burn_start_t: None,
        next_sep: 0,
        pending_real_sep_t: None,
        fault_active: false,
        next_chute: 0,
        last_chute_t: None,
        chute: None,
        soft_fired: false,
        retro_end_t: None,
        retro_decel: 0.0,
        ei_done: alt0 < cfg.entry_interface_alt_m,
        ei400_done: alt0 < EI_400KFT_M,
        stop_alt_m: opts
            .end_altitude_m
            .map_or(cfg.terrain_height_m, |h| h.max(cfg.terrain_height_m)),
    };
    if cfg.deorbit_burn.is_some() {
        rs.phase = Phase::PreBurn;
    }
    let mut events: Vec<EntryEvent> = Vec::new();
    let mut history: Vec<HistoryRow> = Vec::new();
    let t_limit = opts.end_time_s.unwrap_or(opts.max_time_s);
    let mut t = 0.0_f64;
    let mut nfev: u64 = 0;
    let (mut n_acc, mut n_rej): (u64, u64) = (0, 0);

    let (mut pk_g, mut pk_q, mut pk_h) = (Peak::new(), Peak::new(), Peak::new());
    // Loads under parachutes (opening shocks) are kept apart from the entry peak.
    let mut pk_gc = Peak::new();
    let mut max_mach: f64 = 0.0;
    let mut touchdown: Option<TouchdownSummary> = None;
    let mut next_sample = 0.0_f64;

    // Handle time events due at t = 0 (burn at ignition 0, etc.) through the common path below.
    let mut bank = 0.0_f64;
    let mut ballistic = false;
    let mut need_restart = true;
    let mut k1 = State8::zeros();
    let mut d1 = Diagnostics::default();
    let mut h = opts.max_step_s.min(10.0);
    let mut first = true;

    loop {
        // ---- time events due now ----
        handle_time_events(&mut rs, t, &mut y, &mut events, earth)?;
        // ---- guidance (start and after every accepted step) ----
        if need_restart || first {
            let f = rs.forces(&atmos_eval, x0.epoch_tt_s, bank, ballistic);
            let (k, d) = f.rhs(t, &y)?;
            nfev += 1;
            k1 = k;
            d1 = d;
        }
        {
            let v = Vector3::new(y[3], y[4], y[5]);
            let (gam, head) = gamma_heading(&d1.geo, &v);
            let ctx = BankContext {
                t_s: t,
                r_ecef_m: [y[0], y[1], y[2]],
                v_ecef_m_s: [y[3], y[4], y[5]],
                mass_kg: y[6],
                lat_rad: d1.lat_rad(),
                lon_rad: d1.lon_rad(),
                alt_m: d1.alt_m,
                speed_m_s: v.norm(),
                flight_path_angle_rad: gam,
                heading_rad: head,
                drag_accel_m_s2: d1.drag_accel_m_s2,
                sensed_g: d1.sensed_g,
                phase: rs.phase,
                fault_active: rs.fault_active,
                config: cfg,
            };
            let nb = bank_law.bank_rad(&ctx);
            let nball = bank_law.ballistic();
            if !nb.is_finite() {
                return Err(EntryError::NonFinite {
                    t_s: t,
                    what: format!("bank law returned {nb} rad"),
                });
            }
            // The forces change only if the ballistic flag flips, or the bank changes while
            // lift acts; then the first stage is re-evaluated (no FSAL leak of the old bank).
            let forces_change = nball != ballistic
                || (!nball && rs.chute.is_none() && nb.to_bits() != bank.to_bits());
            bank = nb;
            ballistic = nball;
            if forces_change {
                let f = rs.forces(&atmos_eval, x0.epoch_tt_s, bank, ballistic);
                let (k, d) = f.rhs(t, &y)?;
                nfev += 1;
                k1 = k;
                d1 = d;
            }
        }
        if first {
            if opts.record_history {
                history.push(history_row(t, &y, &d1, earth, bank, rs.phase));
                next_sample = opts.history_step_s;
            }
            {
                let chute = matches!(
                    rs.phase,
                    Phase::Parachute { .. } | Phase::SoftLanding | Phase::Landed
                );
                let g = if chute { &mut pk_gc } else { &mut pk_g };
                pk_push(g, &mut pk_q, &mut pk_h, &mut max_mach, t, &y, &d1);
            }
            first = false;
        }
        need_restart = false;
        if t >= t_limit {
            break;
        }
        if n_acc + n_rej >= opts.max_steps {
            return Err(EntryError::TooManySteps {
                max_steps: opts.max_steps,
            });
        }
        // ---- one accepted step ----
        let forces = rs.forces(&atmos_eval, x0.epoch_tt_s, bank, ballistic);
        let t_stop = rs.next_time_event(t).min(t_limit);
        // Under a parachute the drag makes the problem stiff: switch to ROS2.
        let stiff = rs.chute.is_some();
        let (mut t1, mut out);
        loop {
            let mut hh = h.min(opts.max_step_s);
            let mut clamped = false;
            if t + hh >= t_stop {
                hh = t_stop - t;
                clamped = true;
            }
            // A clamped step may be tiny (a time event just ahead); a free one may not.
            if hh.is_nan() || hh <= 0.0 || (hh < 1e-9 && !clamped) {
                return Err(EntryError::StepSizeUnderflow { t_s: t, h_s: hh });
            }
            // A failing trial stage (e.g. a huge overshoot through the ground) is a rejected
            // step while the step can still shrink; only a tiny failing step is an error.
            let o = match step(&forces, stiff, t, &y, &k1, &d1, hh, opts, &mut nfev) {
                Ok(o) => o,
                Err(e) => {
                    if hh > 1e-3 {
                        n_rej += 1;
                        h = hh * 0.25;
                        continue;
                    }
                    return Err(e);
                }
            };
            let err = o.err;
            if !err.is_finite() {
                n_rej += 1;
                h = hh * 0.2;
                if h < 1e-9 {
                    return Err(EntryError::NonFinite {
                        t_s: t,
                        what: "error estimate not finite".into(),
                    });
                }
                continue;
            }
            let expo = if stiff { -1.0 / 3.0 } else { -0.2 };
            let fac = if err == 0.0 {
                5.0
            } else {
                (0.9 * err.powf(expo)).clamp(0.2, 5.0)
            };
            if err <= 1.0 {
                n_acc += 1;
                t1 = if clamped { t_stop } else { t + hh };
                if !clamped || fac < 1.0 {
                    h = hh * fac;
                }
                out = o;
                break;
            }
            n_rej += 1;
            h = hh * fac.min(1.0);
            if h < 1e-9 {
                return Err(EntryError::StepSizeUnderflow { t_s: t, h_s: h });
            }
        }
        // ---- altitude events on the dense output ----
        let hstep = t1 - t;
        let armed = armed_altitudes(&rs);
        let alt1 = out.d7.alt_m;
        let alt0v = d1.alt_m;
        let mut first_ev: Option<(AltEvent, f64)> = None;
        for (kind, thr) in armed {
            if thr.is_nan() {
                continue;
            }
            if alt0v > thr && alt1 <= thr {
                // Illinois method on θ ∈ [0, 1].
                let g =
                    |th: f64| alt_of(earth, &hermite(&y, &k1, &out.y1, &out.k7, hstep, th)) - thr;
                let (mut a, mut b) = (0.0_f64, 1.0_f64);
                let (mut ga, mut gb) = (alt0v - thr, alt1 - thr);
                let mut side = 0;
                for _ in 0..60 {
                    if (b - a) * hstep < 1e-7 {
                        break;
                    }
                    let c = (a * gb - b * ga) / (gb - ga);
                    let c = if c.is_finite() && c > a && c < b {
                        c
                    } else {
                        0.5 * (a + b)
                    };
                    let gc = g(c);
                    if gc > 0.0 {
                        a = c;
                        ga = gc;
                        if side == -1 {
                            gb *= 0.5;
                        }
                        side = -1;
                    } else {
                        b = c;
                        gb = gc;
                        if side == 1 {
                            ga *= 0.5;
                        }
                        side = 1;
                    }
                }
                let te = t + b * hstep;
                if first_ev.is_none_or(|(_, t0)| te < t0) {
                    first_ev = Some((kind, te));
                }
            }
        }
        if let Some((_, te)) = first_ev {
            if te < t1 {
                let o = step(&forces, stiff, t, &y, &k1, &d1, te - t, opts, &mut nfev)?;
                out = o;
                t1 = te;
            }
        }
        // ---- history samples in (t, t1] ----
        if opts.record_history {
            while next_sample < t1 && next_sample <= t_limit {
                let th = (next_sample - t) / (t1 - t);
                let ys = hermite(&y, &k1, &out.y1, &out.k7, t1 - t, th);
                let (_, ds) = forces.rhs(next_sample, &ys)?;
                nfev += 1;
                history.push(history_row(next_sample, &ys, &ds, earth, bank, rs.phase));
                next_sample += opts.history_step_s;
            }
        }
        // ---- accept ----
        let y_prev_alt = d1.alt_m;
        t = t1;
        y = out.y1;
        k1 = out.k7;
        d1 = out.d7;
        if !y.iter().all(|c| c.is_finite()) {
            return Err(EntryError::NonFinite {
                t_s: t,
                what: format!("state {:?}", y.as_slice()),
            });
        }
        {
            let chute = matches!(
                rs.phase,
                Phase::Parachute { .. } | Phase::SoftLanding | Phase::Landed
            );
            let g = if chute { &mut pk_gc } else { &mut pk_g };
            pk_push(g, &mut pk_q, &mut pk_h, &mut max_mach, t, &y, &d1);
        }
        let _ = y_prev_alt;
        if let Some((kind, _)) = first_ev {
            need_restart = true;
            match kind {
                AltEvent::Ei400 => {
                    rs.ei400_done = true;
                    events.push(make_event(
                        EntryEventKind::EntryInterface400kft,
                        "",
                        t,
                        &y,
                        earth,
                        f64::NAN,
                    ));
                }
                AltEvent::Ei => {
                    rs.ei_done = true;
                    if rs.phase == Phase::Coast {
                        rs.phase = Phase::Atmospheric;
                    }
                    events.push(make_event(
                        EntryEventKind::EntryInterface,
                        "",
                        t,
                        &y,
                        earth,
                        f64::NAN,
                    ));
                }
                AltEvent::Separation => separate(&mut rs, t, &mut y, &mut events, earth),
                AltEvent::Chute => deploy_chute(&mut rs, t, &mut y, &mut events, earth),
                AltEvent::SoftLanding => {
                    rs.soft_fired = true;
                    events.push(make_event(
                        EntryEventKind::SoftLandingIgnition,
                        "",
                        t,
                        &y,
                        earth,
                        f64::NAN,
                    ));
                    if let Some(s) = &cfg.soft_landing {
                        if s.burn_time_s <= 0.0 {
                            let v = Vector3::new(y[3], y[4], y[5]);
                            let vn = v.norm();
                            if vn > 0.0 {
                                let nv = v * ((vn - s.delta_v_m_s).max(0.0) / vn);
                                y[3] = nv.x;
                                y[4] = nv.y;
                                y[5] = nv.z;
                            }
                        } else {
                            rs.retro_decel = s.delta_v_m_s / s.burn_time_s;
                            rs.retro_end_t = Some(t + s.burn_time_s);
                            rs.phase = Phase::SoftLanding;
                        }
                    }
                }
                AltEvent::Touchdown => {
                    let v = Vector3::new(y[3], y[4], y[5]);
                    let (lat, lon, _) = earth.geodetic(&Vector3::new(y[0], y[1], y[2]));
                    let up = super::earth::enu_axes(lat, lon).row(2).transpose();
                    touchdown = Some(TouchdownSummary {
                        t_s: t,
                        lat_deg: lat.to_degrees(),
                        lon_deg: lon.to_degrees(),
                        speed_m_s: v.norm(),
                        vertical_speed_m_s: v.dot(&up),
                    });
                    rs.phase = Phase::Landed;
                    events.push(make_event(
                        EntryEventKind::Touchdown,
                        "",
                        t,
                        &y,
                        earth,
                        f64::NAN,
                    ));
                    if opts.record_history {
                        history.push(history_row(t, &y, &d1, earth, bank, rs.phase));
                    }
                    break;
                }
            }
        }
        if rs.next_time_event(t - 1e-9) <= t + 1e-9 {
            need_restart = true;
        }
    }
    if touchdown.is_none() && opts.end_time_s.is_none() {
        return Err(EntryError::NoTouchdown {
            max_time_s: opts.max_time_s,
            alt_m: d1.alt_m,
            speed_m_s: Vector3::new(y[3], y[4], y[5]).norm(),
        });
    }
    if opts.record_history && touchdown.is_none() && history.last().is_none_or(|r| r.t_s < t) {
        history.push(history_row(t, &y, &d1, earth, bank, rs.phase));
    }
    for (pk, kind) in [
        (&pk_g, EntryEventKind::PeakG),
        (&pk_h, EntryEventKind::PeakHeatFlux),
        (&pk_q, EntryEventKind::PeakDynamicPressure),
    ] {
        if pk.seen {
            let (lat, lon, alt, spd) = pk.best_at;
            events.push(EntryEvent {
                kind,
                name: String::new(),
                t_s: pk.best_t,
                lat_deg: lat.to_degrees(),
                lon_deg: lon.to_degrees(),
                alt_m: alt,
                speed_m_s: spd,
                value: pk.best_v,
            });
        }
    }
    events.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
    let ei_t = events
        .iter()
        .find(|e| e.kind == EntryEventKind::EntryInterface)
        .map(|e| e.t_s);
    let summary = EntrySummary {
        touchdown,
        peak_g: pk_g.best_v,
        peak_parachute_g: if pk_gc.seen { pk_gc.best_v } else { 0.0 },
        peak_g_t_s: pk_g.best_t,
        peak_heat_flux_w_m2: pk_h.best_v,
        peak_heat_flux_t_s: pk_h.best_t,
        heat_load_j_m2: y[7],
        peak_q_pa: pk_q.best_v,
        peak_q_t_s: pk_q.best_t,
        max_mach,
        entry_interface_t_s: ei_t,
        deorbit_end_t_s: rs.burn_end_t.filter(|_| !rs.burn_active),
        final_t_s: t,
        final_alt_m: d1.alt_m,
        final_mass_kg: y[6],
        steps_accepted: n_acc,
        steps_rejected: n_rej,
        rhs_evaluations: nfev,
    };
    Ok(EntryResult {
        events,
        history,
        summary,
        final_r_ecef_m: [y[0], y[1], y[2]],
        final_v_ecef_m_s: [y[3], y[4], y[5]],
    })
}

#[allow(clippy::too_many_arguments)]
#[inline]
fn step(
    forces: &StepForces,
    stiff: bool,
    t: f64,
    y: &State8,
    f0: &State8,
    d0: &Diagnostics,
    h: f64,
    opts: &EntryOptions,
    nfev: &mut u64,
) -> Result<StepOut, EntryError> {
    if stiff {
        rosw_step(
            forces,
            t,
            y,
            f0,
            d0,
            h,
            opts.rel_tol,
            opts.abs_tol,
            opts.abs_tol,
            nfev,
        )
    } else {
        dp54_step(forces, t, y, f0, h, opts.rel_tol, opts.abs_tol, nfev)
    }
}

fn pk_push(
    g: &mut Peak,
    q: &mut Peak,
    hf: &mut Peak,
    max_mach: &mut f64,
    t: f64,
    y: &State8,
    d: &Diagnostics,
) {
    let mut cache: Option<(f64, f64, f64, f64)> = None;
    let mut at = || {
        *cache.get_or_insert_with(|| {
            (
                d.lat_rad(),
                d.lon_rad(),
                d.alt_m,
                Vector3::new(y[3], y[4], y[5]).norm(),
            )
        })
    };
    g.push(t, d.sensed_g, &mut at);
    q.push(t, d.q_pa, &mut at);
    hf.push(t, d.heat_flux_w_m2, &mut at);
    if d.q_pa > 0.0 && d.mach > *max_mach {
        *max_mach = d.mach;
    }
}

fn separate(
    rs: &mut RunState,
    t: f64,
    y: &mut State8,
    events: &mut Vec<EntryEvent>,
    earth: &EarthModel,
) {
    let cfg = rs.cfg;
    let Some(s) = cfg.separations.get(rs.next_sep) else {
        return;
    };
    if rs.pending_real_sep_t.is_none() {
        if let Some(f) = &s.fault {
            rs.fault_active = true;
            rs.config = &f.stack_configuration;
            rs.pending_real_sep_t = Some(t + f.delay_s);
            events.push(make_event(
                EntryEventKind::SeparationFault,
                &s.name,
                t,
                y,
                earth,
                f64::NAN,
            ));
            if f.delay_s > 0.0 {
                return;
            }
        }
    }
    rs.pending_real_sep_t = None;
    rs.config = &s.configuration;
    y[6] = s.mass_after_kg;
    rs.next_sep += 1;
    events.push(make_event(
        EntryEventKind::Separation,
        &s.name,
        t,
        y,
        earth,
        f64::NAN,
    ));
}

fn deploy_chute(
    rs: &mut RunState,
    t: f64,
    y: &mut State8,
    events: &mut Vec<EntryEvent>,
    earth: &EarthModel,
) {
    let Some(c) = rs.cfg.parachutes.get(rs.next_chute) else {
        return;
    };
    let from = rs.chute.map_or(0.0, |r| r.at(t));
    rs.chute = Some(ChuteRamp {
        from_m2: from,
        to_m2: c.cd_area_m2,
        t0_s: t,
        inflation_s: c.inflation_time_s,
    });
    if c.jettison_mass_kg > 0.0 && y[6] - c.jettison_mass_kg > 0.0 {
        y[6] -= c.jettison_mass_kg;
    }
    rs.phase = Phase::Parachute {
        index: rs.next_chute,
    };
    rs.last_chute_t = Some(t);
    rs.next_chute += 1;
    events.push(make_event(
        EntryEventKind::ChuteDeploy,
        &c.name,
        t,
        y,
        earth,
        f64::NAN,
    ));
}

/// Applies every time event due at `t` (within 1 ns).
fn handle_time_events(
    rs: &mut RunState,
    t: f64,
    y: &mut State8,
    events: &mut Vec<EntryEvent>,
    earth: &EarthModel,
) -> Result<(), EntryError> {
    let due = |x: f64| (x - t).abs() <= 1e-9 || x < t;
    for _ in 0..16 {
        let mut any = false;
        if let Some(b) = rs.cfg.deorbit_burn {
            if rs.burn_start_t.is_none() && due(b.ignition_t_s) {
                rs.burn_start_t = Some(t);
                rs.burn_active = true;
                rs.phase = Phase::DeorbitBurn;
                let c = b.isp_s * G0_M_S2;
                let mdot = b.thrust_n / c;
                let dur = match b.cutoff {
                    BurnCutoff::Duration { duration_s } => duration_s,
                    BurnCutoff::DeltaV { delta_v_m_s } => {
                        y[6] * (1.0 - (-delta_v_m_s / c).exp()) / mdot
                    }
                };
                if !(dur.is_finite() && dur > 0.0 && dur * mdot < y[6]) {
                    return Err(EntryError::InvalidConfig(format!(
                        "deorbit burn of {dur} s at {mdot} kg/s would burn more than the mass {} kg",
                        y[6]
                    )));
                }
                rs.burn_end_t = Some(t + dur);
                events.push(make_event(
                    EntryEventKind::DeorbitStart,
                    "",
                    t,
                    y,
                    earth,
                    f64::NAN,
                ));
                any = true;
            }
        }
        if rs.burn_active {
            if let Some(e) = rs.burn_end_t {
                if due(e) {
                    rs.burn_active = false;
                    rs.phase = if rs.ei_done {
                        Phase::Atmospheric
                    } else {
                        Phase::Coast
                    };
                    events.push(make_event(
                        EntryEventKind::DeorbitEnd,
                        "",
                        t,
                        y,
                        earth,
                        f64::NAN,
                    ));
                    any = true;
                }
            }
        }
        if let Some(ts) = rs.pending_real_sep_t {
            if due(ts) {
                separate(rs, t, y, events, earth);
                any = true;
            }
        } else if let Some(s) = rs.cfg.separations.get(rs.next_sep) {
            let te = match s.trigger {
                SeparationTrigger::Time { t_s } => Some(t_s),
                SeparationTrigger::AfterBurnEnd { dt_s } => match (rs.burn_end_t, rs.burn_active) {
                    (Some(e), false) => Some(e + dt_s),
                    _ => None,
                },
                SeparationTrigger::Altitude { .. } => None,
            };
            if te.is_some_and(due) {
                separate(rs, t, y, events, earth);
                any = true;
            }
        }
        if let (Some(c), Some(tl)) = (rs.cfg.parachutes.get(rs.next_chute), rs.last_chute_t) {
            if let ChuteTrigger::AfterPrevious { dt_s } = c.trigger {
                if due(tl + dt_s) {
                    deploy_chute(rs, t, y, events, earth);
                    any = true;
                }
            }
        }
        if let Some(e) = rs.retro_end_t {
            if due(e) {
                rs.retro_end_t = None;
                rs.retro_decel = 0.0;
                any = true;
            }
        }
        if !any {
            break;
        }
    }
    Ok(())
}
