//! Physical constants shared by several models, each with its source.
//!
//! Model-specific constants (a gravity model's own GM and radius, for instance) live with the
//! model; these are the defaults used where no model says otherwise.

/// Earth's gravitational parameter, m³/s² (WGS-84, NIMA TR8350.2 3rd ed., including the
/// atmosphere; same value as IERS Conventions 2010 Table 1.1 TCG-compatible GM).
pub const GM_EARTH_M3_S2: f64 = 3.986_004_418e14;

/// WGS-84 semi-major axis, m (NIMA TR8350.2).
pub const WGS84_A_M: f64 = 6_378_137.0;

/// WGS-84 flattening (NIMA TR8350.2).
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;

/// WGS-84 nominal mean angular velocity of the Earth, rad/s (NIMA TR8350.2).
pub const EARTH_ROTATION_RATE_RAD_S: f64 = 7.292_115e-5;

/// Seconds per Julian day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;

/// Arc-seconds to radians.
pub const ARCSEC_TO_RAD: f64 = core::f64::consts::PI / (180.0 * 3600.0);
