//! capsim — crewed-capsule mission simulation.
//!
//! This crate is pure computation: no files, no network, no printing. File formats live in
//! `capsim-io`, the command line in `capsim-cli`. Modules are layered; a module only uses the
//! modules listed before it here (checked by `tests/it/architecture.rs`):
//!
//! `constants, time, frames` → `state` → `propagate` → `env, vehicle` → `dynamics, entry` → `gnc` → `mc`.
//!
//! Units are SI inside (m, s, kg, rad). Degrees and km appear only at the edges, in names that
//! say so. Vectors crossing a module boundary carry their frame in their type ([`frames::Vec3`]).

pub mod constants;
pub mod dynamics;
pub mod entry;
pub mod env;
pub mod frames;
pub mod gnc;
pub mod mc;
pub mod propagate;
pub mod state;
pub mod time;
pub mod vehicle;

#[cfg(test)]
mod test_support;
