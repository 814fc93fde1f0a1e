//! Guidance, navigation and targeting (top layer): relative motion and manoeuvre planning built on the lower layers.

pub mod cw;
