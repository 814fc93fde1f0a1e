//! Guidance, navigation and control — the top layer: launch windows, Lambert targeting and
//! Clohessy–Wiltshire relative motion for rendezvous, built on the orbit core and environment.

pub mod cw;
pub mod lambert;
pub mod launch_window;
pub mod phasing;
pub mod rendezvous;
pub mod roe;
