//! File formats for capsim — the only crate that reads or writes files.
//!
//! The library crate `capsim` computes; this crate turns files into its inputs and its outputs
//! into files. Every reader reports bad input as an [`InputError`] naming the file, the line
//! and column where known, the key, and what was expected. Every writer goes through
//! [`atomic::write_atomic`], so an interrupted run never leaves a half-written file that looks
//! whole.

pub mod atomic;
pub mod csv;
pub mod czml;
pub mod dispersions;
pub mod entry_output;
pub mod entry_spec;
pub mod eop_file;
pub mod error;
pub mod event_spec;
pub mod geo_export;
pub mod map;
pub mod mc_outputs;
pub mod mc_run;
pub mod mc_spec;
pub mod mission_spec;
pub mod oem;
pub mod omm_file;
pub mod plot;
pub mod rendezvous_spec;
pub mod report;
pub mod scenario;
pub mod space_weather_file;
pub mod state_file;
pub mod timefmt;
pub mod tle_file;
pub mod value_de;

pub use error::InputError;
