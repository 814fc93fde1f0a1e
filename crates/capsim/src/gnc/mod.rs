//! Guidance, navigation and control planning: launch windows, rendezvous targeting.
pub mod launch_window;
