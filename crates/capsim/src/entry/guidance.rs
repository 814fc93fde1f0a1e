//! Entry guidance: a numerical predictor–corrector on the bank angle, for a lifting capsule.
//!
//! Soyuz (like Apollo) steers its descent by rolling a fixed lift vector: the *magnitude* of the
//! bank angle sets how much lift points up (range), its *sign* sets the side (crossrange). This
//! law is the numerical predictor–corrector family of Brunner & Lu ("Skip entry trajectory
//! planning and guidance", JGCD 31(5), 2008) and Lu ("Entry guidance: a unified method", JGCD
//! 37(3), 2014), reduced to what a 3-DOF capsule model needs:
//!
//! * **Predictor**: from the current state, fly the same 3-DOF dynamics ([`simulate_entry`])
//!   with a constant bank magnitude and the current sign down to the parachute altitude, and
//!   measure the range error at that point: the distance from the current position to the
//!   predicted point, projected on the direction of the target, minus the distance to the target.
//! * **Corrector**: when the range error exceeds `range_tol_m`, up to three trial predictions
//!   (a first Newton step with the slope d(range)/d(bank) of the last cycle's secant — or a 10°
//!   probe before there is one — then secant steps, all bounded to ±20°) on the bank magnitude
//!   to null that error (range decreases as lift is rolled down), warm-started from the last solution,
//!   clamped to [`PredictorCorrectorConfig::min_bank_rad`, `max_bank_rad`]; the best trial is
//!   kept and the command moves at most 30° per cycle.
//! * **Lateral logic**: a bank reversal when the target's crossrange (to the side of the current
//!   heading) leaves a deadband that narrows with speed, as in the Apollo entry guidance
//!   (Moseley, "The Apollo entry guidance: a review of the mathematical development and its
//!   operational characteristics", TRW 1969).
//!
//! The law runs only between accepted integration steps of the outer simulation, at its own
//! cycle (`cycle_s`), like a flight computer; before the sensed load reaches `activation_g` it
//! holds `initial_bank_rad`, and below `stop_speed_m_s` it holds its last command. The predictor
//! is an [`EntryConfig`] given by the caller: the configuration the capsule flies while guided
//! (no burn, no separation, no parachute), so its aerodynamics, Earth and atmosphere models are
//! the guidance's *knowledge*, which a Monte-Carlo run may deliberately make differ from the
//! "true" dispersed ones.

use super::bank::{BankContext, BankLaw};
use super::config::EntryConfig;
use super::earth::distance_bearing;
use super::simulate::{simulate_entry, EntryInitialState, EntryOptions};
use nalgebra::Vector3;

/// Settings of [`PredictorCorrector`].
#[derive(Clone, Debug)]
pub struct PredictorCorrectorConfig {
    /// Target landing point, geodetic, degrees.
    pub target_lat_deg: f64,
    pub target_lon_deg: f64,
    /// The guidance's model of the flight: vehicle configuration, Earth, atmosphere.
    pub predictor: EntryConfig,
    /// Predictions stop at this altitude (the first parachute's), m.
    pub end_alt_m: f64,
    /// Epoch of the outer run's t = 0, TT seconds since J2000 (for NRLMSISE-00 in the predictor).
    pub epoch_tt_s: f64,
    /// Guidance period, s.
    pub cycle_s: f64,
    /// Guidance starts when the sensed load first exceeds this, g0.
    pub activation_g: f64,
    /// Bank angle held before activation, rad (sign included).
    pub initial_bank_rad: f64,
    pub min_bank_rad: f64,
    pub max_bank_rad: f64,
    /// Crossrange deadband = `deadband_min_m` + `deadband_slope_m` · (v / 7500 m/s)², m.
    pub deadband_min_m: f64,
    pub deadband_slope_m: f64,
    /// Below this Earth-relative speed the command is frozen, m/s.
    pub stop_speed_m_s: f64,
    /// A range error below this is good enough; no correction, m.
    pub range_tol_m: f64,
    /// ... or below this fraction of the distance still to fly to the target.
    pub relative_range_tol: f64,
    /// Relative tolerance of the predictor's integration.
    pub predictor_rel_tol: f64,
    /// Navigation error the guidance sees, in local east-north-up axes, added to the true
    /// state before each prediction (a Monte-Carlo dispersion; zero by default): at guidance
    /// activation the navigated position is off by `nav_position_bias_enu_m` (m) and the
    /// Earth-relative velocity by `nav_velocity_bias_enu_m_s` (m/s); the velocity error then
    /// carries the position error along, p(t) = p0 + v0 (t − t_activation) — the kinematic
    /// growth of an unaided inertial navigation error over the few minutes of guided flight
    /// (Titterton & Weston, *Strapdown Inertial Navigation Technology*, 2nd ed. 2004, ch. 12;
    /// the Schuler feedback, period 84 min, is negligible over < 10 min).
    pub nav_position_bias_enu_m: [f64; 3],
    pub nav_velocity_bias_enu_m_s: [f64; 3],
}

impl PredictorCorrectorConfig {
    /// Defaults for a Soyuz-class capsule (L/D ≈ 0.25–0.3) aimed at a target point.
    pub fn new(
        target_lat_deg: f64,
        target_lon_deg: f64,
        predictor: EntryConfig,
        end_alt_m: f64,
    ) -> Self {
        Self {
            target_lat_deg,
            target_lon_deg,
            predictor,
            end_alt_m,
            epoch_tt_s: 0.0,
            cycle_s: 5.0,
            activation_g: 0.05,
            initial_bank_rad: 45f64.to_radians(),
            min_bank_rad: 0.0,
            max_bank_rad: 180f64.to_radians(),
            deadband_min_m: 1_000.0,
            deadband_slope_m: 15_000.0,
            stop_speed_m_s: 300.0,
            range_tol_m: 1_000.0,
            relative_range_tol: 0.01,
            predictor_rel_tol: 1e-6,
            nav_position_bias_enu_m: [0.0; 3],
            nav_velocity_bias_enu_m_s: [0.0; 3],
        }
    }

    fn validate(&self) -> Result<(), String> {
        let finite = [
            self.target_lat_deg,
            self.target_lon_deg,
            self.end_alt_m,
            self.epoch_tt_s,
            self.cycle_s,
            self.activation_g,
            self.initial_bank_rad,
            self.min_bank_rad,
            self.max_bank_rad,
            self.deadband_min_m,
            self.deadband_slope_m,
            self.stop_speed_m_s,
            self.range_tol_m,
            self.relative_range_tol,
            self.predictor_rel_tol,
        ]
        .iter()
        .chain(self.nav_position_bias_enu_m.iter())
        .chain(self.nav_velocity_bias_enu_m_s.iter())
        .all(|v| v.is_finite());
        if !finite {
            return Err("every guidance parameter must be finite".into());
        }
        if self.target_lat_deg.abs() > 90.0 {
            return Err(format!(
                "target latitude {}° outside ±90°",
                self.target_lat_deg
            ));
        }
        if !(0.0..=std::f64::consts::PI).contains(&self.min_bank_rad)
            || !(self.min_bank_rad..=std::f64::consts::PI).contains(&self.max_bank_rad)
        {
            return Err(format!(
                "bank limits [{}°, {}°] must satisfy 0 ≤ min ≤ max ≤ 180°",
                self.min_bank_rad.to_degrees(),
                self.max_bank_rad.to_degrees()
            ));
        }
        if self.cycle_s <= 0.0 || self.predictor_rel_tol <= 0.0 || self.range_tol_m <= 0.0 {
            return Err("cycle, predictor tolerance and range tolerance must be > 0".into());
        }
        Ok(())
    }
}

/// Counters of a guided run, for reports and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GuidanceStats {
    pub cycles: u32,
    pub predictions: u32,
    pub failed_predictions: u32,
    pub reversals: u32,
    /// Time of activation, s (NaN if never).
    pub activated_at_s: f64,
    /// Time the command froze (speed below `stop_speed_m_s`), s (NaN if never).
    pub frozen_at_s: f64,
    /// Last predicted range error, m.
    pub last_range_error_m: f64,
    /// Target crossrange and distance at the last cycle, m.
    pub last_crossrange_m: f64,
    pub last_target_distance_m: f64,
}

/// The predictor–corrector bank law (see the module doc).
#[derive(Clone, Debug)]
pub struct PredictorCorrector {
    cfg: PredictorCorrectorConfig,
    active: bool,
    frozen: bool,
    last_cycle_t: f64,
    bank_mag: f64,
    sign: f64,
    /// d(range error)/d(bank magnitude) from the last secant pair, m/rad (None before any):
    /// the sensitivity changes slowly from one cycle to the next, so it seeds the first trial.
    slope_m_per_rad: Option<f64>,
    pub stats: GuidanceStats,
}

/// Range and crossrange of a prediction relative to the target, seen from the current point.
struct Miss {
    range_error_m: f64,
}

impl PredictorCorrector {
    /// A law with the given settings; errors name the bad parameter.
    pub fn new(cfg: PredictorCorrectorConfig) -> Result<Self, String> {
        cfg.validate()?;
        cfg.predictor
            .validate()
            .map_err(|e| format!("guidance predictor: {e}"))?;
        let sign = if cfg.initial_bank_rad < 0.0 {
            -1.0
        } else {
            1.0
        };
        let mag = cfg
            .initial_bank_rad
            .abs()
            .clamp(cfg.min_bank_rad, cfg.max_bank_rad);
        Ok(Self {
            cfg,
            active: false,
            frozen: false,
            last_cycle_t: f64::NEG_INFINITY,
            bank_mag: mag,
            sign,
            slope_m_per_rad: None,
            stats: GuidanceStats {
                activated_at_s: f64::NAN,
                frozen_at_s: f64::NAN,
                last_range_error_m: f64::NAN,
                ..Default::default()
            },
        })
    }

    /// The settings.
    pub fn config(&self) -> &PredictorCorrectorConfig {
        &self.cfg
    }

    fn predict(&mut self, ctx: &BankContext, bank_mag: f64) -> Option<Miss> {
        self.stats.predictions += 1;
        // What navigation tells the guidance: the true state plus the bias, in local ENU.
        let enu_to_ecef = super::earth::enu_axes(ctx.lat_rad, ctx.lon_rad).transpose();
        let dt_nav = if self.stats.activated_at_s.is_finite() {
            (ctx.t_s - self.stats.activated_at_s).max(0.0)
        } else {
            0.0
        };
        let p_err = Vector3::from(self.cfg.nav_position_bias_enu_m)
            + Vector3::from(self.cfg.nav_velocity_bias_enu_m_s) * dt_nav;
        let x0 = EntryInitialState {
            r_ecef_m: Vector3::from(ctx.r_ecef_m) + enu_to_ecef * p_err,
            v_ecef_m_s: Vector3::from(ctx.v_ecef_m_s)
                + enu_to_ecef * Vector3::from(self.cfg.nav_velocity_bias_enu_m_s),
            mass_kg: ctx.mass_kg,
            epoch_tt_s: self.cfg.epoch_tt_s + ctx.t_s,
        };
        let opts = EntryOptions {
            rel_tol: self.cfg.predictor_rel_tol,
            abs_tol: 1e-2,
            max_time_s: 3600.0,
            end_altitude_m: Some(self.cfg.end_alt_m),
            ..EntryOptions::default()
        };
        let mut law = super::bank::ConstantBank {
            bank_rad: self.sign * bank_mag,
        };
        let res = match simulate_entry(&self.cfg.predictor, &x0, &mut law, &opts) {
            Ok(r) => r,
            Err(_) => {
                self.stats.failed_predictions += 1;
                return None;
            }
        };
        let end = res.summary.touchdown?;
        let (lat0, lon0) = (ctx.lat_rad.to_degrees(), ctx.lon_rad.to_degrees());
        let (d_t, az_t) =
            distance_bearing(lat0, lon0, self.cfg.target_lat_deg, self.cfg.target_lon_deg);
        let (d_p, az_p) = distance_bearing(lat0, lon0, end.lat_deg, end.lon_deg);
        let range_error_m = d_p * (az_p - az_t).to_radians().cos() - d_t;
        Some(Miss { range_error_m })
    }

    /// Target crossrange relative to the current heading, m (positive: target to the right).
    fn crossrange_m(&self, ctx: &BankContext) -> f64 {
        let (d_t, az_t) = distance_bearing(
            ctx.lat_rad.to_degrees(),
            ctx.lon_rad.to_degrees(),
            self.cfg.target_lat_deg,
            self.cfg.target_lon_deg,
        );
        let r = 6_371_000.0;
        r * ((d_t / r).sin() * (az_t.to_radians() - ctx.heading_rad).sin()).asin()
    }

    fn corrector(&mut self, ctx: &BankContext) {
        let (lo, hi) = (self.cfg.min_bank_rad, self.cfg.max_bank_rad);
        let s0 = self.bank_mag;
        let Some(m0) = self.predict(ctx, s0) else {
            return;
        };
        self.stats.last_range_error_m = m0.range_error_m;
        // Far from the target a range error of 1 % of the distance left will be corrected by
        // later cycles anyway; demanding `range_tol_m` there only costs predictions.
        let tol = self
            .cfg
            .range_tol_m
            .max(self.cfg.relative_range_tol * self.stats.last_target_distance_m);
        if m0.range_error_m.abs() < tol {
            return;
        }
        // Range falls as lift is rolled down, but not linearly (flat near 0° and 180°), and a
        // prediction is not exact: so secant steps are bounded to ±STEP from the last iterate,
        // the best prediction seen is kept, and the command moves at most MAX_CHANGE per cycle
        // (a roll-rate limit, and protection against a wild step late in the flight).
        const STEP: f64 = 0.35; // rad, 20°
        const MAX_CHANGE: f64 = 0.52; // rad, 30° per cycle
        let mut best = (m0.range_error_m.abs(), s0, m0.range_error_m);
        // Overshoot (error > 0): roll more lift down (larger bank); undershoot: less.
        // First trial: a Newton step with the last cycle's slope (range falls as bank grows,
        // so a usable slope is negative), else a fixed probe of STEP/2 toward the target.
        let mut sb = match self.slope_m_per_rad {
            Some(k) if k < 0.0 => (s0 - m0.range_error_m / k).clamp(s0 - STEP, s0 + STEP),
            _ if m0.range_error_m > 0.0 => s0 + STEP / 2.0,
            _ => s0 - STEP / 2.0,
        };
        sb = sb.clamp(lo, hi);
        let (mut sa, mut fa) = (s0, m0.range_error_m);
        for _ in 0..3 {
            if sb == sa {
                break;
            }
            let Some(mb) = self.predict(ctx, sb) else {
                break;
            };
            let fb = mb.range_error_m;
            if fb.abs() < best.0 {
                best = (fb.abs(), sb, fb);
            }
            if (sb - sa).abs() > 1e-6 && fb != fa {
                self.slope_m_per_rad = Some((fb - fa) / (sb - sa));
            }
            if fb.abs() < tol || fb == fa {
                break;
            }
            let next = (sb - fb * (sb - sa) / (fb - fa))
                .clamp(sb - STEP, sb + STEP)
                .clamp(lo, hi);
            sa = sb;
            fa = fb;
            sb = next;
        }
        self.stats.last_range_error_m = best.2;
        self.bank_mag = best.1.clamp(s0 - MAX_CHANGE, s0 + MAX_CHANGE);
    }
}

impl BankLaw for PredictorCorrector {
    fn bank_rad(&mut self, ctx: &BankContext) -> f64 {
        if !self.active && ctx.sensed_g >= self.cfg.activation_g {
            self.active = true;
            self.stats.activated_at_s = ctx.t_s;
        }
        if self.active && !self.frozen && ctx.speed_m_s < self.cfg.stop_speed_m_s {
            self.frozen = true;
            self.stats.frozen_at_s = ctx.t_s;
        }
        if self.active && !self.frozen && ctx.t_s - self.last_cycle_t >= self.cfg.cycle_s - 1e-9 {
            self.last_cycle_t = ctx.t_s;
            self.stats.cycles += 1;
            // Lateral: reverse when the target leaves the deadband on the other side.
            let xr = self.crossrange_m(ctx);
            self.stats.last_crossrange_m = xr;
            self.stats.last_target_distance_m = distance_bearing(
                ctx.lat_rad.to_degrees(),
                ctx.lon_rad.to_degrees(),
                self.cfg.target_lat_deg,
                self.cfg.target_lon_deg,
            )
            .0;
            let v = ctx.speed_m_s / 7500.0;
            let db = self.cfg.deadband_min_m + self.cfg.deadband_slope_m * v * v;
            // First cycle: start turning toward the target's side.
            let db = if self.stats.cycles == 1 {
                self.cfg.deadband_min_m
            } else {
                db
            };
            let want = if xr > db {
                1.0
            } else if xr < -db {
                -1.0
            } else {
                self.sign
            };
            if want != self.sign {
                self.sign = want;
                self.stats.reversals += 1;
            }
            self.corrector(ctx);
        }
        self.sign * self.bank_mag
    }
}
