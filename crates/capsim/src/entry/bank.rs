//! Bank-angle laws: how the capsule rolls its lift vector about the air-relative velocity.
//!
//! A law is called by the driver at the start and after every accepted integration step, and
//! the angle it returns is held constant over the next step ("guidance updates only between
//! accepted steps", as a flight computer does at its own rate). The driver re-evaluates the
//! first Runge–Kutta stage whenever the angle changes, so a new bank never leaks into a step
//! through first-same-as-last reuse (see [`super::simulate`]).
//!
//! Convention: bank 0 = lift up (toward the local vertical, projected ⟂ to the air-relative
//! velocity); positive bank = lift rolled to the right of the velocity (a right turn).
//! The ballistic backup of Soyuz rolls at a constant rate so that the lift averages out; a law
//! says so with [`BankLaw::ballistic`] and the dynamics then applies zero mean lift.

use super::config::EntryConfig;
use super::Phase;

/// What a law may look at: the state after the last accepted step.
#[derive(Clone, Copy, Debug)]
pub struct BankContext<'a> {
    /// Time since the start of the run, s.
    pub t_s: f64,
    /// Earth-fixed position, m.
    pub r_ecef_m: [f64; 3],
    /// Earth-relative velocity in the Earth-fixed frame, m/s.
    pub v_ecef_m_s: [f64; 3],
    pub mass_kg: f64,
    pub lat_rad: f64,
    pub lon_rad: f64,
    /// Height above the ellipsoid (or sphere), m.
    pub alt_m: f64,
    /// Earth-relative speed, m/s.
    pub speed_m_s: f64,
    /// Earth-relative flight-path angle (positive climbing), rad.
    pub flight_path_angle_rad: f64,
    /// Earth-relative heading, clockwise from north, rad.
    pub heading_rad: f64,
    /// Aerodynamic drag acceleration, m/s².
    pub drag_accel_m_s2: f64,
    /// Sensed (non-gravitational) acceleration, g0 units.
    pub sensed_g: f64,
    pub phase: Phase,
    /// True once a separation fault has started (see [`super::config::SeparationFault`]).
    pub fault_active: bool,
    /// The whole configuration, so that a guidance law can run its own predictor.
    pub config: &'a EntryConfig,
}

/// A bank-angle law. Must be deterministic (Monte-Carlo runs are repeated bit for bit).
pub trait BankLaw {
    /// Called at the start and after every accepted integration step; returns the bank angle
    /// (rad) held constant over the next step.
    fn bank_rad(&mut self, ctx: &BankContext) -> f64;
    /// true when the law wants the capsule rolling at a constant rate with zero mean lift
    /// (ballistic backup) — then lift is averaged to zero in the dynamics.
    fn ballistic(&self) -> bool {
        false
    }
}

/// A constant bank angle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConstantBank {
    pub bank_rad: f64,
}

impl BankLaw for ConstantBank {
    fn bank_rad(&mut self, _ctx: &BankContext) -> f64 {
        self.bank_rad
    }
}

/// What a [`TabulatedBank`] is indexed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BankIndex {
    /// Time since the start of the run, s.
    Time,
    /// Earth-relative speed, m/s.
    Speed,
}

/// A bank profile, linear between nodes and clamped outside. Nodes must be given in
/// increasing order of the index (a speed profile is usually written with increasing speed).
#[derive(Clone, Debug, PartialEq)]
pub struct TabulatedBank {
    pub index: BankIndex,
    pub x: Vec<f64>,
    pub bank_rad: Vec<f64>,
}

impl TabulatedBank {
    /// Builds the law, checking the table (equal lengths, strictly increasing finite x).
    pub fn new(
        index: BankIndex,
        x: Vec<f64>,
        bank_rad: Vec<f64>,
    ) -> Result<Self, super::EntryError> {
        if x.is_empty() || x.len() != bank_rad.len() {
            return Err(super::EntryError::InvalidConfig(format!(
                "bank table: {} abscissae and {} angles (must be equal and > 0)",
                x.len(),
                bank_rad.len()
            )));
        }
        for i in 0..x.len() {
            if !x[i].is_finite() || !bank_rad[i].is_finite() || (i > 0 && x[i] <= x[i - 1]) {
                return Err(super::EntryError::InvalidConfig(format!(
                    "bank table entry {i} (x = {}, bank = {} rad): x must be finite and strictly increasing",
                    x[i], bank_rad[i]
                )));
            }
        }
        Ok(Self { index, x, bank_rad })
    }
}

impl BankLaw for TabulatedBank {
    fn bank_rad(&mut self, ctx: &BankContext) -> f64 {
        let at = match self.index {
            BankIndex::Time => ctx.t_s,
            BankIndex::Speed => ctx.speed_m_s,
        };
        let (x, y) = (&self.x, &self.bank_rad);
        let n = x.len();
        if n == 0 {
            return 0.0;
        }
        if n == 1 || at <= x[0] || at.is_nan() {
            return y[0];
        }
        if at >= x[n - 1] {
            return y[n - 1];
        }
        let mut i = 0;
        while i + 2 < n && at >= x[i + 1] {
            i += 1;
        }
        y[i] + (at - x[i]) / (x[i + 1] - x[i]) * (y[i + 1] - y[i])
    }
}

/// The ballistic backup: a constant roll rate, mean lift zero. The reported bank angle is the
/// roll angle `roll_rate · t` (wrapped to (−π, π]); the dynamics uses zero lift.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BallisticRoll {
    pub roll_rate_rad_s: f64,
}

impl BankLaw for BallisticRoll {
    fn bank_rad(&mut self, ctx: &BankContext) -> f64 {
        let a = (self.roll_rate_rad_s * ctx.t_s).rem_euclid(std::f64::consts::TAU);
        if a > std::f64::consts::PI {
            a - std::f64::consts::TAU
        } else {
            a
        }
    }
    fn ballistic(&self) -> bool {
        true
    }
}

/// When a [`SwitchedBank`] changes law.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SwitchTrigger {
    /// At or after this time since the start of the run, s.
    Time { t_s: f64 },
    /// When the altitude is at or below this, m.
    AltitudeBelow { alt_m: f64 },
    /// When a separation fault has started.
    Fault,
}

/// Runs `first` until `trigger` fires, then `second` for the rest of the run (latched). The
/// trigger is tested at the step boundaries where the law is called.
pub struct SwitchedBank {
    pub first: Box<dyn BankLaw>,
    pub second: Box<dyn BankLaw>,
    pub trigger: SwitchTrigger,
    switched: bool,
    /// Time at which the switch happened, s.
    pub switched_at_s: Option<f64>,
}

impl SwitchedBank {
    pub fn new(first: Box<dyn BankLaw>, second: Box<dyn BankLaw>, trigger: SwitchTrigger) -> Self {
        Self {
            first,
            second,
            trigger,
            switched: false,
            switched_at_s: None,
        }
    }
    /// Whether the second law is active.
    pub fn switched(&self) -> bool {
        self.switched
    }
}

impl BankLaw for SwitchedBank {
    fn bank_rad(&mut self, ctx: &BankContext) -> f64 {
        if !self.switched {
            let fire = match self.trigger {
                SwitchTrigger::Time { t_s } => ctx.t_s >= t_s,
                SwitchTrigger::AltitudeBelow { alt_m } => ctx.alt_m <= alt_m,
                SwitchTrigger::Fault => ctx.fault_active,
            };
            if fire {
                self.switched = true;
                self.switched_at_s = Some(ctx.t_s);
            }
        }
        if self.switched {
            self.second.bank_rad(ctx)
        } else {
            self.first.bank_rad(ctx)
        }
    }
    fn ballistic(&self) -> bool {
        if self.switched {
            self.second.ballistic()
        } else {
            self.first.ballistic()
        }
    }
}
