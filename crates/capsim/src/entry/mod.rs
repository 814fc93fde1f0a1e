//! Entry, descent and landing: a 3-DOF point-mass trajectory from a deorbit burn to touchdown.
//!
//! Pieces, each a submodule: the Earth ([`earth`]: shape, J2 gravity, rotation, geodesy), the
//! air ([`atmosphere`]: US76 / NRLMSISE-00, density dispersions, wind), trim aerodynamics
//! ([`aero`]), stagnation heating ([`heating`], Sutton & Graves 1971), the equations of motion
//! in the rotating Earth-fixed frame ([`dynamics`]), bank-angle laws ([`bank`]), the run's
//! description ([`config`]) and the driver with its events ([`simulate`]).
//!
//! The layer sits beside `dynamics` (it uses `constants, time, frames, state, env`, never
//! `dynamics` or `gnc`): an entry is integrated in the Earth-fixed frame with its own lean
//! Runge–Kutta loop, because its guidance, phase changes and Monte-Carlo volume (10⁵ runs)
//! differ from orbit propagation. Equations and validation: `docs/models.md` (Entry) and `docs/validation.md`.
//!
//! Nothing here panics on user input: a bad configuration or a bad Monte-Carlo sample returns
//! an [`EntryError`].

pub mod aero;
pub mod atmosphere;
pub mod bank;
pub mod config;
pub mod dynamics;
pub mod earth;
pub mod guidance;
pub mod heating;
pub mod simulate;

pub use aero::{AeroConfiguration, AeroTable};
pub use atmosphere::{AltitudeTable, AtmosphereChoice, EntryAtmosphere, WindProfile};
pub use bank::{
    BallisticRoll, BankContext, BankIndex, BankLaw, ConstantBank, SwitchTrigger, SwitchedBank,
    TabulatedBank,
};
pub use config::{
    BurnAttitude, BurnCutoff, ChuteTrigger, DeorbitBurn, EntryConfig, Parachute, Separation,
    SeparationFault, SeparationTrigger, SoftLanding, G0_M_S2,
};
pub use earth::{distance_bearing, EarthModel, GravityModel};
pub use heating::{sutton_graves_w_m2, SUTTON_GRAVES_K_EARTH};
pub use simulate::{
    simulate_entry, EntryEvent, EntryEventKind, EntryInitialState, EntryOptions, EntryResult,
    EntrySummary, HistoryRow, InitialVelocity, TouchdownSummary,
};

use crate::env::atmosphere::AtmosphereError;

/// The flight phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before the deorbit burn.
    PreBurn,
    DeorbitBurn,
    /// After the burn, above the entry interface.
    Coast,
    /// Below the entry interface, before the first parachute.
    Atmospheric,
    /// Under parachute `index` of the sequence.
    Parachute {
        index: usize,
    },
    /// Soft-landing engines firing.
    SoftLanding,
    Landed,
}

impl Phase {
    /// Short lower-case name, for tables.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::PreBurn => "pre_burn",
            Phase::DeorbitBurn => "deorbit_burn",
            Phase::Coast => "coast",
            Phase::Atmospheric => "atmospheric",
            Phase::Parachute { .. } => "parachute",
            Phase::SoftLanding => "soft_landing",
            Phase::Landed => "landed",
        }
    }
}

/// Why an entry run failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EntryError {
    #[error("invalid entry configuration: {0}")]
    InvalidConfig(String),
    #[error("invalid entry initial state: {0}")]
    InvalidInitialState(String),
    #[error("invalid entry options: {0}")]
    InvalidOptions(String),
    #[error(
        "no touchdown within {max_time_s} s (skip-out or long coast): at the end altitude {alt_m:.0} m, speed {speed_m_s:.1} m/s"
    )]
    NoTouchdown {
        max_time_s: f64,
        alt_m: f64,
        speed_m_s: f64,
    },
    #[error("non-finite state at t = {t_s} s: {what}")]
    NonFinite { t_s: f64, what: String },
    #[error("atmosphere: {0}")]
    Atmosphere(#[from] AtmosphereError),
    #[error("integration step size underflow at t = {t_s} s (h = {h_s} s)")]
    StepSizeUnderflow { t_s: f64, h_s: f64 },
    #[error("more than {max_steps} integration steps")]
    TooManySteps { max_steps: u64 },
}
