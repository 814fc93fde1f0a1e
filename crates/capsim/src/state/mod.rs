//! Orbit states: Cartesian, Keplerian and their derived quantities; TLE propagation via SGP4.

pub mod cartesian;
pub mod keplerian;
pub mod tle;
